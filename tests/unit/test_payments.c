/*
 * test_payments.c -- payments through the bank and back.
 *
 * The field checks (IBAN, BIC); the bank-file reader on good files and on
 * crafted ones (a document type declaration, a repeated end-to-end id,
 * broken XML, a foreign namespace), each refused naming the line; the
 * pain.001 writer checked against the element sequences the standard
 * publishes for the parts it writes, its totals and its escaping; and the
 * whole flow on a real log: a random sequence of batches, settlements,
 * returns, rejections and repeated imports after which, each time, the
 * ledger and every entitlement agree (nothing lost or created), an import
 * refused midway changing nothing, and audit clean, then naming a
 * tampered payments row.  Bank files as banks send them: camt.053, batch
 * bookings with only AmtDtls/InstdAmt, fees and donations not ours, a
 * booking and its return in one file, Prtry reasons, reversals; lengths
 * in characters; and what redress writes (camt.054, a pain.001 without
 * any IBAN) valid against the official schemas in tests/iso20022.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "core/text.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments_int.h"
#include "domain/programs/programs.h"
#include "logfix.h"
#include "support.h"

static const struct event_module *const modules[] = {
    &ledger_module, &users_module,        &registry_module, &programs_module,
    &claims_module, &entitlements_module, &payments_module, NULL};

/* ---- field checks ---- */

static void
test_iban_bic(void **state)
{
	struct redress_error err;

	(void)state;
	assert_int_equal(payments_iban_check("DE89370400440532013000", &err), REDRESS_OK);
	assert_int_equal(payments_iban_check("GB82WEST12345698765432", &err), REDRESS_OK);
	assert_int_equal(payments_iban_check("GB83WEST12345698765432", &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "check digits"));
	assert_int_equal(payments_iban_check("GB82 WEST 1234 5698 7654 32", &err), REDRESS_E_INVALID);
	assert_int_equal(payments_iban_check("DE89", &err), REDRESS_E_INVALID);
	/* The message never holds the value. */
	assert_null(strstr(err.message, "DE89"));
	assert_int_equal(payments_bic_check("DEUTDEFF", &err), REDRESS_OK);
	assert_int_equal(payments_bic_check("SHBKKRSEXXX", &err), REDRESS_OK);
	assert_int_equal(payments_bic_check("SHBKKRS", &err), REDRESS_E_INVALID);
	assert_int_equal(payments_bic_check("shbkkrse", &err), REDRESS_E_INVALID);
	assert_int_equal(payments_bic_check("SHB1KRSE", &err), REDRESS_E_INVALID);
}

/* ---- the reader ---- */

#define CAMT_HEAD                                                                                            \
	"<?xml version=\"1.0\"?>\n"                                                                          \
	"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\">\n"                              \
	"<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M1</MsgId></GrpHdr>\n"                                        \
	"<Ntfctn>\n"
#define CAMT_TAIL "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n"
#define DEBIT(e2e, amt)                                                                                      \
	"<Ntry><Amt Ccy=\"KRW\">" amt "</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"            \
	"<BookgDt><Dt>2026-11-20</Dt></BookgDt><NtryDtls><TxDtls>\n<Refs><EndToEndId>" e2e                   \
	"</EndToEndId></Refs>\n</TxDtls></NtryDtls></Ntry>\n"
#define RETURN(e2e, amt, why)                                                                                \
	"<Ntry><Amt Ccy=\"KRW\">" amt "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"            \
	"<BookgDt><DtTm>2026-11-21T08:00:00</DtTm></BookgDt><NtryDtls><TxDtls>\n<Refs><EndToEndId>" e2e      \
	"</EndToEndId></Refs>\n<RtrInf><Rsn><Cd>" why "</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>\n"

static enum redress_err
read_text(const char *text, struct payments_bank_file *f, struct redress_error *err)
{
	return payments_bank_file_read(text, strlen(text), "bank.xml", f, err);
}

static void
test_camt_read(void **state)
{
	static const char good[] = CAMT_HEAD DEBIT("B-000001-000001", "100000000")
	    RETURN("B-000001-000002", "100000000.00",
	           "AC04") "<Ntry><Amt Ccy=\"KRW\">5</Amt><CdtDbtInd>DBIT</CdtDbtInd>"
	                   "<Sts><Cd>PDNG</Cd></Sts></Ntry>\n" CAMT_TAIL;
	struct payments_bank_file f;
	struct redress_error err;

	(void)state;
	assert_int_equal(read_text(good, &f, &err), REDRESS_OK);
	assert_string_equal(f.kind, "camt.054.001.08");
	assert_string_equal(f.msg_id, "M1");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.ignored, 1);
	assert_string_equal(f.entries[0].e2e, "B-000001-000001");
	assert_int_equal(f.entries[0].what, PAYMENTS_BANK_SETTLE);
	assert_string_equal(f.entries[0].date, "2026-11-20");
	assert_string_equal(f.entries[0].amount, "100000000");
	assert_int_equal(f.entries[0].line, 6);
	assert_int_equal(f.entries[1].what, PAYMENTS_BANK_RETURN);
	assert_string_equal(f.entries[1].reason, "AC04");
	assert_string_equal(f.entries[1].date, "2026-11-21");
	assert_int_equal(f.entries[1].line, 9);
	payments_bank_file_free(&f);
}

static void
expect_refused(const char *text, enum redress_err code, const char *needle)
{
	struct payments_bank_file f;
	struct redress_error err;
	enum redress_err rc = read_text(text, &f, &err);

	payments_bank_file_free(&f);
	if (rc != code || strstr(err.message, needle) == NULL)
		fail_msg("got %d '%s', wanted %d '%s'", (int)rc, rc == REDRESS_OK ? "" : err.message,
		         (int)code, needle);
	assert_int_equal(f.n, 0);
}

static void
test_camt_refusals(void **state)
{
	(void)state;
	expect_refused(
	    CAMT_HEAD DEBIT("B-000001-000001", "5") DEBIT("B-000001-000001", "5") CAMT_TAIL,
	    REDRESS_E_INVALID,
	    "bank.xml: line 9: end-to-end id 'B-000001-000001' appears a second time (first on line 6)");
	expect_refused("<?xml version=\"1.0\"?>\n<!DOCTYPE lol [<!ENTITY a \"aaaa\">]>\n<Document/>",
	               REDRESS_E_INVALID,
	               "bank.xml: line 2: a document type or entity declaration is not accepted");
	expect_refused(
	    "<?xml version=\"1.0\"?>\n<!DOCTYPE d SYSTEM \"http://example.invalid/x.dtd\">\n<Document/>",
	    REDRESS_E_INVALID, "line 2");
	expect_refused("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.052.001.08\"/>",
	               REDRESS_E_INVALID, "none of camt.054.001.08, camt.053.001.08 and pain.002.001.10");
	expect_refused("<Document>\n<a>\n</b>", REDRESS_E_INVALID, "bank.xml: line 3:");
	expect_refused("", REDRESS_E_INVALID, "bank.xml");
	/* A batch booking whose transactions have no amount of their own: not matched to the total. */
	expect_refused(
	    CAMT_HEAD "<Ntry><Amt Ccy=\"KRW\">10</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
	              "<BookgDt><Dt>2026-11-20</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>"
	              "B-000001-000001</EndToEndId></Refs></TxDtls><TxDtls><Refs><EndToEndId>"
	              "B-000001-000002</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>\n" CAMT_TAIL,
	    REDRESS_E_INVALID, "is one of 2 transactions of a batch booking and has no amount of its own");
	expect_refused(CAMT_HEAD DEBIT("B-000001-000001", "1,000") CAMT_TAIL, REDRESS_E_INVALID,
	               "not a decimal number");
	expect_refused(CAMT_HEAD DEBIT("B-000001-000001", "-5") CAMT_TAIL, REDRESS_E_INVALID,
	               "not a decimal number");
	expect_refused(CAMT_HEAD RETURN("B-000001-000001", "5", "ac04") CAMT_TAIL, REDRESS_E_INVALID,
	               "reason code");
	expect_refused(CAMT_HEAD RETURN("B-000001-000001", "5", "AC0400") CAMT_TAIL, REDRESS_E_INVALID,
	               "too long");
	/* A debit with return information is neither a payment booked nor a return. */
	expect_refused(
	    CAMT_HEAD
	    "<Ntry><Amt Ccy=\"KRW\">5</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
	    "<BookgDt><Dt>2026-11-20</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>B-000001-000001"
	    "</EndToEndId></Refs><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls>"
	    "</NtryDtls></Ntry>" CAMT_TAIL,
	    REDRESS_E_INVALID, "neither a payment booked, nor returned, nor a booking reversed");
}

static void
test_camt_too_large(void **state)
{
	struct payments_bank_file f;
	struct redress_error err;

	(void)state;
	assert_int_equal(payments_bank_file_read("<", (size_t)PAYMENTS_XML_MAX + 1, "big.xml", &f, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "at most"));
}

static void
test_pain002_read(void **state)
{
	static const char text[] =
	    "<?xml version=\"1.0\"?>\n"
	    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><CstmrPmtStsRpt>\n"
	    "<GrpHdr><MsgId>S1</MsgId></GrpHdr>\n"
	    "<OrgnlPmtInfAndSts><OrgnlPmtInfId>B-000001</OrgnlPmtInfId>\n"
	    "<TxInfAndSts><OrgnlEndToEndId>B-000001-000003</OrgnlEndToEndId><TxSts>RJCT</TxSts>\n"
	    "<StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf></TxInfAndSts>\n"
	    "<TxInfAndSts><OrgnlEndToEndId>B-000001-000004</OrgnlEndToEndId><TxSts>ACCP</TxSts></"
	    "TxInfAndSts>\n"
	    "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n";
	struct payments_bank_file f;
	struct redress_error err;

	(void)state;
	assert_int_equal(read_text(text, &f, &err), REDRESS_OK);
	assert_string_equal(f.kind, "pain.002.001.10");
	assert_int_equal(f.n, 2);
	assert_int_equal(f.entries[0].what, PAYMENTS_BANK_REJECT);
	assert_string_equal(f.entries[0].reason, "AC01");
	assert_int_equal(f.entries[0].line, 5);
	assert_int_equal(f.entries[1].what, PAYMENTS_BANK_STATUS);
	payments_bank_file_free(&f);
}

/* ---- the writer ---- */

/*
 * The element sequences of pain.001.001.09 for the parts redress writes,
 * as the standard's schema defines them (GroupHeader85,
 * PaymentInstruction30, CreditTransferTransaction34, ...): each element's
 * children must appear in this order, the required ones present.  A "!"
 * marks a required child.
 */
static const struct {
	const char *parent;
	const char *children[24];
} sequences[] = {
    {"Document", {"!CstmrCdtTrfInitn"}},
    {"CstmrCdtTrfInitn", {"!GrpHdr", "!PmtInf", "SplmtryData"}},
    {"GrpHdr", {"!MsgId", "!CreDtTm", "Authstn", "!NbOfTxs", "CtrlSum", "!InitgPty", "FwdgAgt"}},
    {"PmtInf",
     {"!PmtInfId", "!PmtMtd", "BtchBookg", "NbOfTxs", "CtrlSum", "PmtTpInf", "!ReqdExctnDt",
      "PoolgAdjstmntDt", "!Dbtr", "!DbtrAcct", "!DbtrAgt", "DbtrAgtAcct", "InstrForDbtrAgt", "UltmtDbtr",
      "ChrgBr", "ChrgsAcct", "ChrgsAcctAgt", "!CdtTrfTxInf"}},
    {"CdtTrfTxInf",
     {"!PmtId",
      "PmtTpInf",
      "!Amt",
      "XchgRateInf",
      "ChrgBr",
      "ChqInstr",
      "UltmtDbtr",
      "IntrmyAgt1",
      "IntrmyAgt1Acct",
      "IntrmyAgt2",
      "IntrmyAgt2Acct",
      "IntrmyAgt3",
      "IntrmyAgt3Acct",
      "CdtrAgt",
      "CdtrAgtAcct",
      "Cdtr",
      "CdtrAcct",
      "UltmtCdtr",
      "InstrForCdtrAgt",
      "InstrForDbtrAgt",
      "Purp",
      "RgltryRptg",
      "Tax",
      "RltdRmtInf"}},
    {"PmtId", {"InstrId", "!EndToEndId", "UETR"}},
    {"Amt", {"InstdAmt", "EqvtAmt"}},
    {"ReqdExctnDt", {"Dt", "DtTm"}},
    {"DbtrAcct", {"!Id", "Tp", "Ccy", "Nm", "Prxy"}},
    {"CdtrAcct", {"!Id", "Tp", "Ccy", "Nm", "Prxy"}},
    {"FinInstnId", {"BICFI", "ClrSysMmbId", "LEI", "Nm", "PstlAdr", "Othr"}},
    {"Othr", {"!Id", "SchmeNm", "Issr"}},
    {"RmtInf", {"Ustrd", "Strd"}},
};

/* Checks n's element children against its sequence, recursively; RmtInf follows RltdRmtInf. */
static void
check_sequence(xmlNodePtr n)
{
	const size_t nseq = sizeof(sequences) / sizeof(sequences[0]);
	xmlNodePtr c;
	size_t s, k, j, from = 0, count = 0;

	for (s = 0; s < nseq; s++)
		if (strcmp(sequences[s].parent, (const char *)n->name) == 0)
			break;
	if (s < nseq)
		while (count < 24 && sequences[s].children[count] != NULL)
			count++;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		assert_non_null(c->ns);
		assert_string_equal((const char *)c->ns->href, PAYMENTS_NS_PAIN001);
		if (s < nseq && !(strcmp((const char *)n->name, "CdtTrfTxInf") == 0 &&
		                  strcmp((const char *)c->name, "RmtInf") == 0)) {
			const char *const *seq = sequences[s].children;

			/* from: the first place the next child may take (a repeated element stays put). */
			for (k = from > 0 ? from - 1 : 0; k < count; k++)
				if (strcmp(seq[k] + (seq[k][0] == '!'), (const char *)c->name) == 0)
					break;
			if (k == count)
				fail_msg("<%s> out of place in <%s>", (const char *)c->name,
				         (const char *)n->name);
			for (j = from; j < k; j++)
				if (seq[j][0] == '!')
					fail_msg("<%s> has no <%s>", (const char *)n->name, seq[j] + 1);
			from = k + 1;
		}
		check_sequence(c);
	}
	for (j = from; s < nseq && j < count; j++)
		if (sequences[s].children[j][0] == '!')
			fail_msg("<%s> has no <%s>", (const char *)n->name, sequences[s].children[j] + 1);
}

static char *
text_at(xmlDocPtr doc, const char *name, int index)
{
	xmlNodePtr n = xmlDocGetRootElement(doc), stack[64];
	int depth = 0, seen = 0;

	/* Depth-first, document order. */
	while (n != NULL) {
		if (n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0 &&
		    seen++ == index)
			return (char *)xmlNodeGetContent(n);
		if (n->children != NULL && depth < 64) {
			stack[depth++] = n;
			n = n->children;
			continue;
		}
		while (n != NULL && n->next == NULL)
			n = depth > 0 ? stack[--depth] : NULL;
		if (n != NULL)
			n = n->next;
	}
	return NULL;
}

static void
expect_text(xmlDocPtr doc, const char *name, int index, const char *want)
{
	char *got = text_at(doc, name, index);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("<%s>[%d] is '%s', wanted '%s'", name, index, got != NULL ? got : "(none)", want);
	xmlFree(got);
}

static void
test_pain001_structure(void **state)
{
	const struct payments_debtor d = {.program = "usd-program",
	                                  .name = "Fund <& \"Co\">",
	                                  .iban = "DE89370400440532013000",
	                                  .bic = "DEUTDEFF"};
	const struct payments_bank b1 = {"ACC-1", "GB82WEST12345698765432", "DEUTDEFF", "Kim & <Park>"};
	const struct payments_bank b2 = {"110-222-333", "", "SHBKKRSEXXX", "Synthetic \xed\x95\x9c"};
	const struct payments_pain_tx tx[] = {
	    {"B-000001-000001", 125050, &b1, "remit"},
	    {"B-000001-000002", 7, &b2, NULL},
	};
	struct redress_error err;
	struct buf out;
	xmlDocPtr doc;

	(void)state;
	buf_init(&out, 1u << 20);
	assert_int_equal(payments_pain001_write(&out, &d, "B-000001-abc", "B-000001", "2026-11-27T10:00:00",
	                                        "2026-11-27", "USD", tx, 2, &err),
	                 REDRESS_OK);
	doc = xmlReadMemory(out.data, (int)out.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_string_equal((const char *)xmlDocGetRootElement(doc)->ns->href, PAYMENTS_NS_PAIN001);
	check_sequence(xmlDocGetRootElement(doc));
	expect_text(doc, "MsgId", 0, "B-000001-abc");
	expect_text(doc, "NbOfTxs", 0, "2");
	expect_text(doc, "NbOfTxs", 1, "2");
	expect_text(doc, "CtrlSum", 0, "1250.57");
	expect_text(doc, "CtrlSum", 1, "1250.57");
	expect_text(doc, "InstdAmt", 0, "1250.50");
	expect_text(doc, "InstdAmt", 1, "0.07");
	expect_text(doc, "EndToEndId", 1, "B-000001-000002");
	expect_text(doc, "Nm", 0, "Fund <& \"Co\">");
	expect_text(doc, "IBAN", 1, "GB82WEST12345698765432");
	/* Without an IBAN the account number goes in Othr/Id. */
	expect_text(doc, "Id", 3, "110-222-333");
	assert_non_null(strstr(out.data, "Kim &amp; &lt;Park&gt;"));
	xmlFreeDoc(doc);
	/* Text that is not UTF-8 is refused, not written. */
	{
		const struct payments_bank bad = {"1", "", "DEUTDEFF", "bad \xff"};
		const struct payments_pain_tx t = {"B-1", 1, &bad, NULL};

		buf_reset(&out);
		assert_int_not_equal(payments_pain001_write(&out, &d, "M", "B", "2026-11-27T10:00:00",
		                                            "2026-11-27", "USD", &t, 1, &err),
		                     REDRESS_OK);
	}
	buf_free(&out);
}

/* ---- the whole flow on a log ---- */

struct world {
	struct logfix *lf;
	struct registry_keys keys;
	struct actor boot, rev1, rev2;
	char people[16][REGISTRY_PSEUDONYM_MAX + 1];
	size_t npeople;
	int64_t funded;
	uint64_t seed;
	int files; /* bank files made, for unique message ids */
};

static void
act(struct world *w, struct actor *a)
{
	struct redress_error err;
	char name[USER_NAME_MAX + 8];

	if (a->bootstrap)
		snprintf(name, sizeof(name), "os:%s", a->name);
	else
		snprintf(name, sizeof(name), "user:%s", a->name);
	assert_int_equal(tlog_set_actor(w->lf->log, name, &err), REDRESS_OK);
}

static void
begin(struct world *w)
{
	struct redress_error err;

	assert_int_equal(tlog_begin(w->lf->log, &err), REDRESS_OK);
}

static void
commit(struct world *w)
{
	struct redress_error err;

	assert_int_equal(tlog_commit(w->lf->log, &err), REDRESS_OK);
}

/* Runs call, which reports into the caller's err, and fails the test with its message. */
#define OK(call)                                                                                             \
	do {                                                                                                 \
		if ((call) != REDRESS_OK)                                                                    \
			fail_msg("%s: %s", #call, err.message);                                              \
	} while (0)

static int
read_file(const char *path, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
	return out->failed ? -1 : 0;
}

static int
file_contains(const char *path, const char *needle)
{
	struct buf b;
	int found;

	buf_init(&b, 1u << 30);
	found = read_file(path, &b) == 0 && memmem(b.data, b.len, needle, strlen(needle)) != NULL;
	buf_free(&b);
	return found;
}

/* Per currency, debits equal credits, posted and pending. */
struct sums {
	int64_t debits, credits;
};

static enum redress_err
add_account(void *ctx, const struct ledger_account *a, struct redress_error *err)
{
	struct sums *s = ctx;

	(void)err;
	s->debits += a->debits_posted + a->debits_pending;
	s->credits += a->credits_posted + a->credits_pending;
	return REDRESS_OK;
}

static void
world_new(struct world *w, size_t npeople)
{
	struct redress_error err;
	struct ledger_transfer_request t;
	struct ledger_account_spec gift = {"gift", "KRW", LEDGER_INCOME, NULL, 0};
	struct program p;
	struct buf file;
	char path[512], id[CLAIM_ID_MAX + 1];
	size_t i;

	memset(w, 0, sizeof(*w));
	w->seed = 2015;
	w->lf = logfix_new(modules, "test.example/payments");
	w->keys.master = keydir_master_key(w->lf->kd);
	w->keys.index = keydir_index_key(w->lf->kd);
	users_bootstrap_actor("tester", &w->boot);
	snprintf(w->rev1.name, sizeof(w->rev1.name), "rita");
	w->rev1.role = ROLE_REVIEWER;
	snprintf(w->rev2.name, sizeof(w->rev2.name), "rob");
	w->rev2.role = ROLE_REVIEWER;
	logfix_account(w->lf, w->rev1.name, w->rev1.role);
	logfix_account(w->lf, w->rev2.name, w->rev2.role);
	act(w, &w->boot);
	snprintf(path, sizeof(path), "%s/examples/flagship-2015.json", REDRESS_SRCDIR);
	buf_init(&file, PROGRAM_FILE_MAX);
	assert_int_equal(read_file(path, &file), 0);
	OK(program_parse(file.data, file.len, &p, &err));
	buf_free(&file);
	begin(w);
	OK(program_add(w->lf->log, &w->boot, &p, &err));
	OK(ledger_account_open(w->lf->log, &gift, NULL, &err));
	memset(&t, 0, sizeof(t));
	t.id = "gift-1";
	t.from = "gift";
	t.to = "bank:krw";
	t.amount = "5000000000";
	w->funded = 5000000000;
	OK(ledger_transfer_create(w->lf->log, &t, NULL, NULL, &err));
	for (i = 0; i < npeople; i++) {
		struct registry_new_person np;
		struct payments_bank b;

		memset(&np, 0, sizeof(np));
		np.kind = REGISTRY_VICTIM;
		snprintf(np.identity.name, sizeof(np.identity.name), "Synthetic Person %zu", i);
		snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "19%02zu-01-01", 20 + i);
		snprintf(np.language, sizeof(np.language), "ko");
		np.frailty = (int)(support_random(&w->seed) % 4);
		OK(registry_add(w->lf->log, &w->boot, &w->keys, &np, w->people[i], &err));
		memset(&b, 0, sizeof(b));
		snprintf(b.account, sizeof(b.account), "ACCT-%zu", i);
		snprintf(b.bic, sizeof(b.bic), "SHBKKRSE");
		snprintf(b.holder, sizeof(b.holder), "Holder %zu", i);
		/* One in four without an IBAN: the account number alone. */
		if (i % 4 != 0)
			snprintf(b.iban, sizeof(b.iban), "GB82WEST12345698765432");
		OK(payments_bank_set(w->lf->log, &w->boot, &w->keys, w->people[i], &b, &err));
		OK(claim_open(w->lf->log, &w->boot, "flagship-2015", w->people[i], NULL, id, &err));
		OK(claim_submit(w->lf->log, &w->boot, id, &err));
		act(w, &w->rev1);
		OK(claim_approve(w->lf->log, &w->rev1, &w->keys, id, NULL, &err));
		act(w, &w->rev2);
		OK(claim_approve(w->lf->log, &w->rev2, &w->keys, id, NULL, &err));
		act(w, &w->boot);
	}
	w->npeople = npeople;
	{
		struct entitlements_run run;

		OK(entitlements_compute(w->lf->log, &w->boot, "flagship-2015", &run, &err));
		assert_int_equal(run.booked, npeople);
	}
	{
		struct payments_debtor d = {.program = "flagship-2015",
		                            .name = "Foundation",
		                            .iban = "DE89370400440532013000",
		                            .bic = "SHBKKRSE"};

		OK(payments_debtor_set(w->lf->log, &w->boot, &d, &err));
	}
	commit(w);
}

/* The sums of entitlements by state, and the balances, agree. */
struct tally {
	int64_t by_state[8];
	uint64_t count[8];
};

static enum redress_err
tally_order(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	uint64_t *pending = ctx;

	(void)err;
	if (o->state == PAYMENTS_PENDING)
		(*pending)++;
	return REDRESS_OK;
}

static void
check_money(struct world *w)
{
	struct redress_error err;
	struct tally t;
	struct ledger_account fund, payable;
	struct payments_batch_info b;
	int64_t fund_posted, fund_avail, owed_posted, owed_avail;
	uint64_t pending = 0, batches, k;
	size_t i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < w->npeople; i++) {
		struct entitlement e;
		char id[ENTITLEMENT_ID_MAX + 1];

		snprintf(id, sizeof(id), "E-C-%06zu-%s", i + 1, w->people[i]);
		OK(entitlement_get(w->lf->store, id, &e, &err));
		assert_true((size_t)e.state < 8);
		t.by_state[e.state] += e.amount;
		t.count[e.state]++;
		/* paid_on exactly when paid, a reason exactly when returned. */
		assert_int_equal(e.paid_on[0] != '\0', e.state == ENTITLEMENT_PAID);
		assert_int_equal(e.return_reason[0] != '\0', e.state == ENTITLEMENT_RETURNED);
	}
	OK(payments_batch_count(w->lf->store, &batches, &err));
	for (k = 1; k <= batches; k++) {
		char id[PAYMENTS_BATCH_ID_MAX + 1];

		snprintf(id, sizeof(id), "B-%06llu", (unsigned long long)k);
		OK(payments_batch_get(w->lf->store, id, &b, &err));
		OK(payments_orders_each(w->lf->store, id, tally_order, &pending, &err));
	}
	/* Every batched entitlement has exactly one order at the bank. */
	assert_int_equal(pending, t.count[ENTITLEMENT_BATCHED]);
	OK(ledger_account_get(w->lf->store, "bank:krw", &fund, &err));
	OK(ledger_account_get(w->lf->store, "payable:flagship-2015", &payable, &err));
	OK(ledger_balance(&fund, &fund_posted, &fund_avail, &err));
	OK(ledger_balance(&payable, &owed_posted, &owed_avail, &err));
	assert_int_equal(fund_posted, w->funded - t.by_state[ENTITLEMENT_PAID]);
	assert_int_equal(fund_avail,
	                 w->funded - t.by_state[ENTITLEMENT_PAID] - t.by_state[ENTITLEMENT_BATCHED]);
	assert_int_equal(owed_posted, t.by_state[ENTITLEMENT_QUEUED] + t.by_state[ENTITLEMENT_RETURNED] +
	                                  t.by_state[ENTITLEMENT_BATCHED]);
	assert_int_equal(owed_avail, t.by_state[ENTITLEMENT_QUEUED] + t.by_state[ENTITLEMENT_RETURNED]);
	{
		struct sums s = {0, 0};

		OK(ledger_account_each(w->lf->store, add_account, &s, &err));
		assert_int_equal(s.debits, s.credits);
	}
}

/* The pending orders of every batch. */
struct pending {
	struct payments_order o[64];
	size_t n;
};

static enum redress_err
collect(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	struct pending *p = ctx;

	(void)err;
	if (o->state == PAYMENTS_PENDING && p->n < 64)
		p->o[p->n++] = *o;
	return REDRESS_OK;
}

static void
pending_all(struct world *w, struct pending *p)
{
	struct redress_error err;
	uint64_t batches, k;

	p->n = 0;
	OK(payments_batch_count(w->lf->store, &batches, &err));
	for (k = 1; k <= batches; k++) {
		char id[PAYMENTS_BATCH_ID_MAX + 1];

		snprintf(id, sizeof(id), "B-%06llu", (unsigned long long)k);
		OK(payments_orders_each(w->lf->store, id, collect, p, &err));
	}
}

static enum redress_err
import(struct world *w, const struct buf *file, struct payments_import_run *run, struct redress_error *err)
{
	enum redress_err rc;

	begin(w);
	if ((rc = payments_import(w->lf->log, &w->boot, "bank.xml", file->data, file->len, run, err)) !=
	    REDRESS_OK)
		tlog_rollback(w->lf->log);
	else
		commit(w);
	return rc;
}

static void
test_random_sequence(void **state)
{
	struct world w;
	struct redress_error err;
	struct pending p;
	struct buf file, last;
	int round, have_last = 0;

	(void)state;
	world_new(&w, 12);
	check_money(&w);
	buf_init(&file, 1u << 20);
	buf_init(&last, 1u << 20);
	for (round = 0; round < 40; round++) {
		unsigned op = (unsigned)(support_random(&w.seed) % 4);
		struct payments_import_run run;
		size_t i;

		if (op == 0) {
			/* A batch of what the queue holds, up to a random limit; exported. */
			struct payments_batch_run br;
			struct buf x;

			begin(&w);
			OK(payments_batch(w.lf->log, &w.boot, "flagship-2015",
			                  1 + support_random(&w.seed) % 5, &br, &err));
			commit(&w);
			if (br.id[0] != '\0') {
				buf_init(&x, 1u << 20);
				begin(&w);
				OK(payments_export(w.lf->log, &w.boot, &w.keys, br.id, "2026-11-27T10:00:00",
				                   &x, &err));
				commit(&w);
				buf_free(&x);
			}
		} else if (op == 1 || op == 2) {
			/* A camt.054 (or, op 2, a pain.002) about a random part of what is at the bank. */
			pending_all(&w, &p);
			buf_reset(&file);
			w.files++;
			if (op == 1)
				buf_printf(&file, CAMT_HEAD);
			else
				buf_printf(
				    &file,
				    "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\">"
				    "<CstmrPmtStsRpt><GrpHdr><MsgId>S%d</MsgId></"
				    "GrpHdr><OrgnlPmtInfAndSts>\n",
				    w.files);
			for (i = 0; i < p.n; i++) {
				unsigned what = (unsigned)(support_random(&w.seed) % 3);

				if (what == 0)
					continue; /* still at the bank */
				if (op == 2)
					buf_printf(
					    &file,
					    "<TxInfAndSts><OrgnlEndToEndId>%s</OrgnlEndToEndId><TxSts>%s</"
					    "TxSts>"
					    "<StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf></TxInfAndSts>\n",
					    p.o[i].id, what == 1 ? "RJCT" : "ACCP");
				else if (what == 1)
					buf_printf(
					    &file,
					    "<Ntry><Amt "
					    "Ccy=\"KRW\">%lld</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK"
					    "</Cd></Sts><BookgDt><Dt>2026-11-2%d</Dt></"
					    "BookgDt><NtryDtls><TxDtls><Refs>"
					    "<EndToEndId>%s</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>\n",
					    (long long)p.o[i].amount, round % 10, p.o[i].id);
				else
					buf_printf(
					    &file,
					    "<Ntry><Amt "
					    "Ccy=\"KRW\">%lld.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>"
					    "BOOK</Cd></Sts><BookgDt><Dt>2026-11-2%d</Dt></"
					    "BookgDt><NtryDtls><TxDtls>"
					    "<Refs><EndToEndId>%s</EndToEndId></Refs><RtrInf><Rsn><Cd>AC04</"
					    "Cd></Rsn>"
					    "</RtrInf></TxDtls></NtryDtls></Ntry>\n",
					    (long long)p.o[i].amount, round % 10, p.o[i].id);
			}
			buf_printf(&file, "%s",
			           op == 1 ? CAMT_TAIL : "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>");
			if (op == 1 && file.len == strlen(CAMT_HEAD CAMT_TAIL))
				continue; /* an empty notification is fine but says nothing */
			OK(import(&w, &file, &run, &err));
			assert_int_equal(run.already, 0);
			buf_reset(&last);
			buf_append(&last, file.data, file.len);
			have_last = 1;
		} else if (have_last) {
			/* The last file again: nothing changes, not even the log. */
			uint64_t size = logfix_size(w.lf);

			OK(import(&w, &last, &run, &err));
			assert_int_equal(run.already, 1);
			assert_int_equal(logfix_size(w.lf), size);
		}
		check_money(&w);
	}
	buf_free(&file);
	buf_free(&last);
	logfix_audit_clean(w.lf);
	logfix_free(w.lf);
}

static void
test_import_all_or_nothing(void **state)
{
	struct world w;
	struct redress_error err;
	struct payments_batch_run br;
	struct payments_import_run run;
	struct payments_order o;
	struct entitlement e;
	struct buf file;
	uint64_t size;

	(void)state;
	world_new(&w, 3);
	begin(&w);
	OK(payments_batch(w.lf->log, &w.boot, "flagship-2015", 0, &br, &err));
	commit(&w);
	assert_string_equal(br.id, "B-000001");
	assert_int_equal(br.orders, 3);
	size = logfix_size(w.lf);
	/* One good settlement, then an id of no order: nothing at all is imported. */
	buf_init(&file, 1u << 16);
	buf_printf(&file, CAMT_HEAD DEBIT("B-000001-000001", "100000000")
	                      DEBIT("B-000009-000001", "100000000") CAMT_TAIL);
	assert_int_equal(import(&w, &file, &run, &err), REDRESS_E_NOTFOUND);
	assert_non_null(
	    strstr(err.message, "bank.xml: line 9: end-to-end id 'B-000009-000001' is no payment order"));
	assert_int_equal(logfix_size(w.lf), size);
	OK(payments_order_get(w.lf->store, "B-000001-000001", &o, &err));
	assert_int_equal(o.state, PAYMENTS_PENDING);
	OK(entitlement_get(w.lf->store, o.entitlement, &e, &err));
	assert_int_equal(e.state, ENTITLEMENT_BATCHED);
	/* A wrong amount: the same. */
	buf_reset(&file);
	buf_printf(&file, CAMT_HEAD DEBIT("B-000001-000001", "100000001") CAMT_TAIL);
	assert_int_equal(import(&w, &file, &run, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "is not the order's 100000000 KRW"));
	assert_int_equal(logfix_size(w.lf), size);
	/* Settled, then returned: a return after settlement is refused. */
	buf_reset(&file);
	buf_printf(&file, CAMT_HEAD DEBIT("B-000001-000001", "100000000") CAMT_TAIL);
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.settled, 1);
	OK(entitlement_get(w.lf->store, o.entitlement, &e, &err));
	assert_int_equal(e.state, ENTITLEMENT_PAID);
	assert_string_equal(e.paid_on, "2026-11-20");
	check_money(&w);
	/* Rejected after it was booked: a contradiction, refused. */
	buf_reset(&file);
	buf_printf(&file,
	           "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><CstmrPmtStsRpt>"
	           "<GrpHdr><MsgId>S9</MsgId></GrpHdr><OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>"
	           "B-000001-000001</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC01</Cd>"
	           "</Rsn></StsRsnInf></TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>");
	assert_int_equal(import(&w, &file, &run, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "was settled on 2026-11-20"));
	/* Returned by the bank after it was booked: reversed, owed again, back in the queue. */
	buf_reset(&file);
	buf_printf(&file, CAMT_HEAD RETURN("B-000001-000001", "100000000", "AC06") CAMT_TAIL);
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.returned, 1);
	OK(entitlement_get(w.lf->store, o.entitlement, &e, &err));
	assert_int_equal(e.state, ENTITLEMENT_RETURNED);
	assert_string_equal(e.return_reason, "AC06");
	assert_string_equal(e.paid_on, "");
	{
		struct ledger_transfer t;

		OK(ledger_transfer_get(w.lf->store, "B-000001-000001-R", &t, &err));
		assert_string_equal(t.credit, "payable:flagship-2015");
		assert_string_equal(t.debit, "bank:krw");
		assert_int_equal(t.amount, 100000000);
	}
	check_money(&w);
	/* The same return again, in another file: already so. */
	buf_printf(&file, "<!-- again -->");
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.unchanged, 1);
	check_money(&w);
	/* A beneficiary who dies while batched stays batched until the bank answers. */
	{
		struct payments_order o2;

		OK(payments_order_get(w.lf->store, "B-000001-000002", &o2, &err));
		begin(&w);
		OK(registry_death(w.lf->log, &w.boot, &w.keys, o2.beneficiary, "2026-11-01", &err));
		OK(entitlements_on_death(w.lf->log, &w.boot, o2.beneficiary, NULL, NULL, &err));
		commit(&w);
		OK(entitlement_get(w.lf->store, o2.entitlement, &e, &err));
		assert_int_equal(e.state, ENTITLEMENT_BATCHED);
		buf_reset(&file);
		buf_printf(&file, CAMT_HEAD RETURN("B-000001-000002", "100000000", "MD07") CAMT_TAIL);
		OK(import(&w, &file, &run, &err));
		OK(entitlement_get(w.lf->store, o2.entitlement, &e, &err));
		assert_int_equal(e.state, ENTITLEMENT_RETURNED);
		assert_string_equal(e.return_reason, "MD07");
		/*
		 * She is not paid again: the next batch leaves her in the queue (her
		 * heirs' turn), and takes only the payment returned after settlement.
		 */
		begin(&w);
		OK(payments_batch(w.lf->log, &w.boot, "flagship-2015", 0, &br, &err));
		commit(&w);
		assert_string_equal(br.id, "B-000002");
		assert_int_equal(br.orders, 1);
		assert_int_equal(br.deceased, 1);
		check_money(&w);
	}
	buf_free(&file);
	logfix_audit_clean(w.lf);
	/* A payments row edited behind the log's back is named. */
	logfix_tamper(w.lf, "UPDATE payments_orders SET reason = 'AC01' WHERE id = 'B-000001-000002'");
	logfix_audit_finds(w.lf, "payments_orders 'B-000001-000002'");
	/* Across modules: an order at the bank whose transfer was posted behind the log's back. */
	logfix_tamper(w.lf, "UPDATE ledger_transfers SET state = 'posted' WHERE id = 'B-000002-000001'");
	logfix_audit_finds(w.lf,
	                   "payments_orders 'B-000002-000001' is pending but its ledger transfer is posted");
	logfix_tamper(w.lf, "UPDATE entitlements SET state = 'queued' WHERE state = 'batched'");
	logfix_audit_finds(w.lf, "is queued but its payment order at the bank is B-000002-000001");
	/* A batched entitlement with no order at the bank, read through the entitlements module. */
	logfix_tamper(w.lf, "UPDATE entitlements SET state = 'batched' WHERE state = 'returned'");
	logfix_audit_finds(w.lf, "is batched but its payment order at the bank is missing");
	logfix_free(w.lf);
}

#define PAIN002(inner)                                                                                       \
	"<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\">"       \
	"<CstmrPmtStsRpt>\n<GrpHdr><MsgId>S1</MsgId></GrpHdr>\n" inner "</CstmrPmtStsRpt></Document>\n"
#define PMTINF_RJCT(batch, why)                                                                              \
	"<OrgnlPmtInfAndSts><OrgnlPmtInfId>" batch "</OrgnlPmtInfId>\n<PmtInfSts>RJCT</PmtInfSts>"           \
	"<StsRsnInf><Rsn><Cd>" why "</Cd></Rsn></StsRsnInf></OrgnlPmtInfAndSts>\n"
#define GRP_RJCT(msg, why)                                                                                   \
	"<OrgnlGrpInfAndSts><OrgnlMsgId>" msg "</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>\n"  \
	"<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn><Cd>" why "</Cd></Rsn></StsRsnInf></OrgnlGrpInfAndSts>\n"

static void
test_batch_rejected(void **state)
{
	struct world w;
	struct redress_error err;
	struct payments_batch_run br;
	struct payments_import_run run;
	struct payments_bank_file f;
	struct buf file;
	struct payments_order o;

	(void)state;
	/* Read: a payment information block rejected, and a whole message. */
	assert_int_equal(read_text(PAIN002(PMTINF_RJCT("B-000001", "AM05")), &f, &err), REDRESS_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.entries[0].e2e, "");
	assert_string_equal(f.entries[0].batch, "B-000001");
	assert_string_equal(f.entries[0].reason, "AM05");
	assert_int_equal(f.entries[0].line, 5);
	payments_bank_file_free(&f);
	assert_int_equal(read_text(PAIN002(GRP_RJCT("B-000003-0a1b2c3d4e5f", "DU01")), &f, &err), REDRESS_OK);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.entries[0].batch, "B-000003");
	payments_bank_file_free(&f);
	expect_refused(PAIN002(PMTINF_RJCT("B-000001", "AM05") PMTINF_RJCT("B-000001", "AM05")),
	               REDRESS_E_INVALID, "line 7: batch 'B-000001' appears a second time (first on line 5)");
	expect_refused(
	    PAIN002("<OrgnlPmtInfAndSts><OrgnlPmtInfId>B-1</OrgnlPmtInfId><PmtInfSts>RJCT</PmtInfSts>"
	            "</OrgnlPmtInfAndSts>"),
	    REDRESS_E_INVALID, "the rejection reason (StsRsnInf/Rsn/Cd or Prtry) is missing");

	/* On a log: every order of the batch returned, the money back. */
	world_new(&w, 3);
	begin(&w);
	OK(payments_batch(w.lf->log, &w.boot, "flagship-2015", 0, &br, &err));
	commit(&w);
	buf_init(&file, 1u << 16);
	buf_printf(&file, PAIN002(PMTINF_RJCT("B-000001", "AM05")));
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.returned, 3);
	OK(payments_order_get(w.lf->store, "B-000001-000002", &o, &err));
	assert_int_equal(o.state, PAYMENTS_RETURNED);
	assert_string_equal(o.reason, "AM05");
	check_money(&w);
	/* The whole message again, another file: already so. */
	buf_reset(&file);
	buf_printf(&file, PAIN002(GRP_RJCT("B-000001-0a1b2c3d4e5f", "AM05")));
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.returned, 0);
	assert_int_equal(run.unchanged, 3);
	/* A batch of which the bank booked a payment cannot be rejected whole. */
	begin(&w);
	OK(payments_batch(w.lf->log, &w.boot, "flagship-2015", 0, &br, &err));
	commit(&w);
	buf_reset(&file);
	buf_printf(&file, CAMT_HEAD DEBIT("B-000002-000001", "100000000") CAMT_TAIL);
	OK(import(&w, &file, &run, &err));
	buf_reset(&file);
	buf_printf(&file, PAIN002(PMTINF_RJCT("B-000002", "AM05")));
	assert_int_equal(import(&w, &file, &run, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "booked 1 of its payments before"));
	buf_reset(&file);
	buf_printf(&file, PAIN002(PMTINF_RJCT("B-000009", "AM05")));
	assert_int_equal(import(&w, &file, &run, &err), REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "bank.xml: line 5: 'B-000009' is no payment batch of this fund"));
	check_money(&w);
	buf_free(&file);
	logfix_audit_clean(w.lf);
	logfix_free(w.lf);
}

/* ---- bank files as banks send them (issue 18) ---- */

/* Characters, not bytes: ISO's MaxNText counts code points. */
static void
test_text_in_characters(void **state)
{
	struct redress_error err;
	char name[4 * 141 + 1] = "", cut[16];
	int i;

	(void)state;
	for (i = 0; i < 50; i++)
		strcat(name, "\xea\xb9\x80"); /* 김: 3 bytes */
	assert_int_equal(strlen(name), 150);
	assert_int_equal(text_chars(name), 50);
	assert_int_equal(text_check_chars("--holder", name, PAYMENTS_HOLDER_MAX, &err), REDRESS_OK);
	for (i = 50; i < 141; i++)
		strcat(name, "\xea\xb9\x80");
	assert_int_equal(text_check_chars("--holder", name, PAYMENTS_HOLDER_MAX, &err), REDRESS_E_INVALID);
	assert_string_equal(err.message, "--holder is 141 characters long; the limit is 140");
	assert_int_equal(text_check_chars("x", "\xea\xb9", 10, &err), REDRESS_E_INVALID); /* cut in two */
	/* Cut at a character, never inside one. */
	text_copy_chars(cut, sizeof(cut), name, 2);
	assert_string_equal(cut, "\xea\xb9\x80\xea\xb9\x80");
	text_copy_chars(cut, 8, name, 140);
	assert_string_equal(cut, "\xea\xb9\x80\xea\xb9\x80");
	/* An account number's scheme: a code, or the bank's own text. */
	assert_int_equal(payments_scheme_check("BBAN", &err), REDRESS_OK);
	assert_int_equal(payments_scheme_check("Woori Bank account", &err), REDRESS_OK);
	assert_int_equal(payments_scheme_check("", &err), REDRESS_E_INVALID);
}

#define STMT_HEAD                                                                                            \
	"<?xml version=\"1.0\"?>\n"                                                                          \
	"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\">\n"                              \
	"<BkToCstmrStmt><GrpHdr><MsgId>S-1</MsgId></GrpHdr>\n"                                               \
	"<Stmt>\n"
#define STMT_TAIL "</Stmt></BkToCstmrStmt></Document>\n"
/* A batch booking of two payments whose transactions give only AmtDtls/InstdAmt. */
#define BATCH2(e1, e2, a1, a2, total)                                                                        \
	"<Ntry><Amt Ccy=\"KRW\">" total "</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"          \
	"<BookgDt><Dt>2026-11-20</Dt></BookgDt><NtryDtls>"                                                   \
	"<TxDtls><Refs><EndToEndId>" e1 "</EndToEndId></Refs><AmtDtls><InstdAmt><Amt Ccy=\"KRW\">" a1        \
	"</Amt></InstdAmt></AmtDtls></TxDtls>\n"                                                             \
	"<TxDtls><Refs><EndToEndId>" e2 "</EndToEndId></Refs><AmtDtls><InstdAmt><Amt Ccy=\"KRW\">" a2        \
	"</Amt></InstdAmt></AmtDtls></TxDtls></NtryDtls></Ntry>\n"
#define FEE(amt)                                                                                             \
	"<Ntry><Amt Ccy=\"KRW\">" amt "</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"            \
	"<BookgDt><Dt>2026-11-20</Dt></BookgDt></Ntry>\n"
#define DONATION(amt)                                                                                        \
	"<Ntry><Amt Ccy=\"KRW\">" amt "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"            \
	"<BookgDt><Dt>2026-11-20</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED"              \
	"</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>\n"
#define RETURN_PRTRY(e2e, amt, why)                                                                          \
	"<Ntry><Amt Ccy=\"KRW\">" amt "</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"            \
	"<BookgDt><Dt>2026-11-21</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>" e2e                     \
	"</EndToEndId></Refs><RtrInf><Rsn><Prtry>" why                                                       \
	"</Prtry></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>\n"
#define REVERSAL(e2e, amt)                                                                                   \
	"<Ntry><Amt Ccy=\"KRW\">" amt "</Amt><CdtDbtInd>CRDT</CdtDbtInd><RvslInd>true</RvslInd>"             \
	"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-22</Dt></BookgDt><NtryDtls><TxDtls><Refs>"             \
	"<EndToEndId>" e2e "</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>\n"

static void
test_bank_forms_read(void **state)
{
	static const char stmt[] = STMT_HEAD BATCH2("B-000001-000001", "B-000001-000002", "100", "250", "350")
	    FEE("1500") DONATION("50000") DEBIT("B-000001-000003", "7")
	        RETURN_PRTRY("B-000001-000003", "7", "Konto aufgel\xc3\xb6st")
	            REVERSAL("B-000001-000001", "100") STMT_TAIL;
	struct payments_bank_file f;
	struct redress_error err;

	(void)state;
	assert_int_equal(read_text(stmt, &f, &err), REDRESS_OK);
	assert_string_equal(f.kind, "camt.053.001.08");
	assert_int_equal(f.n, 7);
	/* (1) each transaction of the batch booking with its own amount */
	assert_int_equal(f.entries[0].what, PAYMENTS_BANK_SETTLE);
	assert_string_equal(f.entries[0].amount, "100");
	assert_string_equal(f.entries[1].e2e, "B-000001-000002");
	assert_string_equal(f.entries[1].amount, "250");
	/* (2) the fee and the donation: not ours, with their amounts and directions */
	assert_int_equal(f.entries[2].what, PAYMENTS_BANK_FOREIGN);
	assert_int_equal(f.entries[2].credit, 0);
	assert_string_equal(f.entries[2].amount, "1500");
	assert_int_equal(f.entries[3].what, PAYMENTS_BANK_FOREIGN);
	assert_int_equal(f.entries[3].credit, 1);
	assert_string_equal(f.entries[3].amount, "50000");
	/* (3), (4) a booking and its return, in the file's order, the bank's own reason kept */
	assert_int_equal(f.entries[4].what, PAYMENTS_BANK_SETTLE);
	assert_int_equal(f.entries[5].what, PAYMENTS_BANK_RETURN);
	assert_string_equal(f.entries[5].reason, "Konto aufgel\xc3\xb6st");
	/* (5) a reversal is a return, reason RVSL */
	assert_int_equal(f.entries[6].what, PAYMENTS_BANK_RETURN);
	assert_string_equal(f.entries[6].reason, "RVSL");
	payments_bank_file_free(&f);
	/* The same thing twice in one file is still refused; a Prtry longer than 35 characters too. */
	expect_refused(STMT_HEAD DEBIT("B-000001-000001", "5") REVERSAL("B-000001-000001", "5")
	                   DEBIT("B-000001-000001", "5") STMT_TAIL,
	               REDRESS_E_INVALID, "end-to-end id 'B-000001-000001' appears a second time");
	expect_refused(STMT_HEAD RETURN_PRTRY("B-000001-000001", "5", "0123456789012345678901234567890123456")
	                   STMT_TAIL,
	               REDRESS_E_INVALID, "(RtrInf/Rsn/Prtry) is 37 characters long; the limit is 35");
}

static void
test_bank_forms_import(void **state)
{
	struct world w;
	struct redress_error err;
	struct payments_batch_run br;
	struct payments_import_run run;
	struct payments_order o;
	struct ledger_transfer t;
	struct buf file;

	(void)state;
	world_new(&w, 3);
	begin(&w);
	OK(payments_batch(w.lf->log, &w.boot, "flagship-2015", 0, &br, &err));
	commit(&w);
	assert_int_equal(br.orders, 3);
	buf_init(&file, 1u << 16);
	/* (1), (2) */
	buf_printf(&file, CAMT_HEAD BATCH2("B-000001-000001", "B-000001-000002", "100000000", "100000000",
	                                   "200000000") FEE("1500") DONATION("50000") CAMT_TAIL);
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.settled, 2);
	assert_int_equal(run.foreign, 2);
	assert_int_equal(run.foreign_in, 1);
	assert_int_equal(run.foreign_in_total, 50000);
	assert_int_equal(run.foreign_out, 1);
	assert_int_equal(run.foreign_out_total, 1500);
	assert_string_equal(run.foreign_currency, "KRW");
	check_money(&w);
	/* (3), (4) */
	buf_reset(&file);
	buf_printf(&file, CAMT_HEAD DEBIT("B-000001-000003", "100000000")
	                      RETURN_PRTRY("B-000001-000003", "100000000", "CLOSED BY HOLDER") CAMT_TAIL);
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.settled, 1);
	assert_int_equal(run.returned, 1);
	OK(payments_order_get(w.lf->store, "B-000001-000003", &o, &err));
	assert_int_equal(o.state, PAYMENTS_RETURNED);
	assert_string_equal(o.reason, "CLOSED BY HOLDER");
	OK(ledger_transfer_get(w.lf->store, "B-000001-000003-R", &t, &err));
	check_money(&w);
	/* (5) */
	buf_reset(&file);
	buf_printf(&file, CAMT_HEAD REVERSAL("B-000001-000001", "100000000") CAMT_TAIL);
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.returned, 1);
	OK(payments_order_get(w.lf->store, "B-000001-000001", &o, &err));
	assert_string_equal(o.reason, "RVSL");
	OK(ledger_transfer_get(w.lf->store, "B-000001-000001-R", &t, &err));
	check_money(&w);
	/* (9) the statement tells the bookings again: nothing booked twice */
	buf_reset(&file);
	buf_printf(&file,
	           STMT_HEAD DEBIT("B-000001-000002", "100000000") DEBIT("B-000001-000003", "100000000")
	               DEBIT("B-000001-000001", "100000000") STMT_TAIL);
	OK(import(&w, &file, &run, &err));
	assert_int_equal(run.settled, 0);
	assert_int_equal(run.unchanged, 3);
	check_money(&w);
	buf_free(&file);
	logfix_audit_clean(w.lf);
	logfix_free(w.lf);
}

/* Validates doc against the official schema tests/iso20022/NAME.xsd; skips loudly without it. */
static void
schema_valid(const struct buf *doc, const char *xsd_name)
{
	char path[512];
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;
	xmlDocPtr d;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/iso20022/%s.xsd", REDRESS_SRCDIR, xsd_name);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "SKIP: %s is missing (tests/iso20022/README.md): not checked against it\n",
		        path);
		return;
	}
	fclose(f);
	assert_non_null(pc = xmlSchemaNewParserCtxt(path));
	assert_non_null(schema = xmlSchemaParse(pc));
	assert_non_null(vc = xmlSchemaNewValidCtxt(schema));
	assert_non_null(d = xmlReadMemory(doc->data, (int)doc->len, "written.xml", NULL, XML_PARSE_NONET));
	if (xmlSchemaValidateDoc(vc, d) != 0)
		fail_msg("what redress wrote is not valid against %s", xsd_name);
	xmlFreeDoc(d);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pc);
}

/* (6) the camt.054 redress writes (the demo's bank), for an account without an IBAN: valid. */
static void
test_camt054_written_valid(void **state)
{
	const struct payments_debtor acct = {.program = "flagship-2015",
	                                     .name = "Foundation",
	                                     .account = "100-123-456789",
	                                     .scheme = "BBAN",
	                                     .bic = "SHBKKRSE"};
	struct payments_bank_entry e[3];
	struct payments_bank_file f;
	struct redress_error err;
	struct buf out;

	(void)state;
	memset(e, 0, sizeof(e));
	snprintf(e[0].e2e, sizeof(e[0].e2e), "B-000001-000001");
	e[0].what = PAYMENTS_BANK_SETTLE;
	snprintf(e[0].amount, sizeof(e[0].amount), "100000000");
	snprintf(e[1].e2e, sizeof(e[1].e2e), "B-000001-000002");
	e[1].what = PAYMENTS_BANK_RETURN;
	snprintf(e[1].amount, sizeof(e[1].amount), "5");
	snprintf(e[1].reason, sizeof(e[1].reason), "AC04");
	e[2] = e[1];
	snprintf(e[2].e2e, sizeof(e[2].e2e), "B-000001-000003");
	snprintf(e[2].reason, sizeof(e[2].reason), "계좌 해지");
	for (size_t i = 0; i < 3; i++) {
		memcpy(e[i].currency, "KRW", 4);
		snprintf(e[i].date, sizeof(e[i].date), "2026-11-20");
	}
	buf_init(&out, 1u << 20);
	assert_int_equal(
	    payments_camt054_write(&out, "M-1", "2026-11-20T10:00:00.000000Z", &acct, e, 3, &err),
	    REDRESS_OK);
	assert_non_null(memmem(out.data, out.len, "<CreDtTm>", 9));
	assert_non_null(memmem(out.data, out.len, "<Prtry>", 7));
	schema_valid(&out, "camt.054.001.08");
	/* and read back as written */
	assert_int_equal(payments_bank_file_read(out.data, out.len, "w.xml", &f, &err), REDRESS_OK);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.entries[2].reason, "계좌 해지");
	payments_bank_file_free(&f);
	buf_free(&out);
}

/* (8) a KRW pain.001 from an account by number and scheme: no IBAN anywhere. */
static void
test_pain001_without_iban(void **state)
{
	const struct payments_debtor d = {.program = "flagship-2015",
	                                  .name = "화해·치유재단",
	                                  .account = "100-123-456789",
	                                  .scheme = "Shinhan account",
	                                  .bic = "SHBKKRSE"};
	const struct payments_bank b = {"110-222-333444", "", "SHBKKRSE", "김복동"};
	const struct payments_pain_tx tx = {"B-000001-000001", 100000000, &b, "flagship-2015"};
	struct redress_error err;
	struct buf out;

	(void)state;
	buf_init(&out, 1u << 20);
	assert_int_equal(payments_pain001_write(&out, &d, "B-000001-0a1b2c3d4e5f", "B-000001",
	                                        "2026-11-20T10:00:00", "2026-11-20", "KRW", &tx, 1, &err),
	                 REDRESS_OK);
	assert_null(memmem(out.data, out.len, "IBAN", 4));
	assert_non_null(memmem(out.data, out.len, "<Prtry>Shinhan account</Prtry>", 30));
	schema_valid(&out, "pain.001.001.09");
	buf_free(&out);
}

static void
test_bank_details_sealed(void **state)
{
	struct world w;
	struct redress_error err;
	struct payments_bank b;
	struct payments_batch_run br;
	struct buf x;
	struct registry_new_person np;
	char who[REGISTRY_PSEUDONYM_MAX + 1];

	(void)state;
	world_new(&w, 1);
	memset(&b, 0, sizeof(b));
	snprintf(b.account, sizeof(b.account), "CANARY-ACCT-5511");
	snprintf(b.iban, sizeof(b.iban), "GB82WEST12345698765432");
	snprintf(b.bic, sizeof(b.bic), "DEUTDEFF");
	snprintf(b.holder, sizeof(b.holder), "Canary Holder Q9x");
	begin(&w);
	OK(payments_bank_set(w.lf->log, &w.boot, &w.keys, w.people[0], &b, &err));
	OK(payments_batch(w.lf->log, &w.boot, "flagship-2015", 0, &br, &err));
	commit(&w);
	buf_init(&x, 1u << 20);
	begin(&w);
	OK(payments_export(w.lf->log, &w.boot, &w.keys, br.id, "2026-11-27T10:00:00", &x, &err));
	commit(&w);
	assert_non_null(strstr(x.data, "Canary Holder Q9x"));
	assert_non_null(strstr(x.data, "<IBAN>GB82WEST12345698765432</IBAN>"));
	buf_free(&x);
	/* A person with no bank details cannot be exported, and an erased one never again. */
	memset(&np, 0, sizeof(np));
	np.kind = REGISTRY_VICTIM;
	snprintf(np.identity.name, sizeof(np.identity.name), "Synthetic Erased");
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1930-01-01");
	snprintf(np.language, sizeof(np.language), "ko");
	begin(&w);
	OK(registry_add(w.lf->log, &w.boot, &w.keys, &np, who, &err));
	OK(registry_erase(w.lf->log, &w.boot, who, &err));
	assert_int_equal(payments_bank_set(w.lf->log, &w.boot, &w.keys, who, &b, &err), REDRESS_E_NOTFOUND);
	commit(&w);
	logfix_audit_clean(w.lf);
	{
		/* Nowhere in clear: the database files and every event. */
		static const char *const canaries[] = {"CANARY-ACCT-5511", "Canary Holder Q9x",
		                                       "GB82WEST12345698765432"};
		struct buf ev;
		uint64_t n = logfix_size(w.lf), i;
		size_t k;

		for (k = 0; k < 3; k++)
			assert_false(file_contains(w.lf->db, canaries[k]));
		buf_init(&ev, TLOG_EVENT_MAX);
		for (i = 0; i < n; i++) {
			buf_reset(&ev);
			OK(tlog_event_bytes(w.lf->log, i, &ev, &err));
			for (k = 0; k < 3; k++)
				assert_null(memmem(ev.data, ev.len, canaries[k], strlen(canaries[k])));
		}
		buf_free(&ev);
	}
	logfix_free(w.lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_iban_bic),
	    cmocka_unit_test(test_camt_read),
	    cmocka_unit_test(test_camt_refusals),
	    cmocka_unit_test(test_camt_too_large),
	    cmocka_unit_test(test_pain002_read),
	    cmocka_unit_test(test_pain001_structure),
	    cmocka_unit_test(test_random_sequence),
	    cmocka_unit_test(test_import_all_or_nothing),
	    cmocka_unit_test(test_batch_rejected),
	    cmocka_unit_test(test_bank_details_sealed),
	    cmocka_unit_test(test_text_in_characters),
	    cmocka_unit_test(test_bank_forms_read),
	    cmocka_unit_test(test_bank_forms_import),
	    cmocka_unit_test(test_camt054_written_valid),
	    cmocka_unit_test(test_pain001_without_iban),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
