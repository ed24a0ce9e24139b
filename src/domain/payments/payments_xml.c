/*
 * payments_xml.c -- the ISO 20022 files the fund exchanges with its bank,
 * through libxml2 only: pain.001.001.09 written with xmlTextWriter (which
 * escapes every text and attribute), camt.054.001.08, camt.053.001.08
 * and pain.002.001.10 read with the tree API, entries in the file's order,
 * in the forms banks send (batch bookings, fees and credits not ours,
 * reversals, proprietary reasons); and camt.054 written, as a bank would,
 * for the demo and the tests.
 *
 * The reader promises: no document type declaration is accepted (so no
 * entity is ever declared or expanded), nothing is loaded from a network
 * or a file, input is capped at PAYMENTS_XML_MAX bytes, every refusal
 * names the file and the line (xmlGetLineNo), and a file either yields
 * every entry or none.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "core/strmap.h"
#include "core/text.h"
#include "domain/payments/payments_int.h"

#define ENTRIES_MAX PAYMENTS_BATCH_MAX

/* ---- reading ---- */

/* The first child element of n named name in namespace ns, or NULL. */
static xmlNodePtr
child(xmlNodePtr n, const char *ns, const char *name)
{
	xmlNodePtr c;

	if (n == NULL)
		return NULL;
	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
		    strcmp((const char *)c->ns->href, ns) == 0 && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* The next sibling element of n with n's name, or NULL. */
static xmlNodePtr
next_same(xmlNodePtr n)
{
	xmlNodePtr c;

	for (c = n->next; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && c->ns == n->ns &&
		    strcmp((const char *)c->name, (const char *)n->name) == 0)
			return c;
	return NULL;
}

static long
line_of(xmlNodePtr n)
{
	return n != NULL ? xmlGetLineNo(n) : 0;
}

/*
 * The text of element n (trimmed of surrounding white space) into dst.
 * Missing, empty or longer than size - 1: REDRESS_E_INVALID naming what,
 * the file and the line of near.
 */
static enum redress_err
text_of(xmlNodePtr n, xmlNodePtr near, const char *what, const char *name, char *dst, size_t size,
        struct redress_error *err)
{
	xmlChar *s;
	const char *p, *end;
	size_t len;

	if (size > 0)
		dst[0] = '\0'; /* "" on every path that fails */
	if (n == NULL)
		return error_set(err, REDRESS_E_INVALID, "%s: line %ld: %s is missing", name, line_of(near),
		                 what);
	if ((s = xmlNodeGetContent(n)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "%s: line %ld: out of memory", name, line_of(n));
	for (p = (const char *)s; *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'; p++)
		;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	len = (size_t)(end - p);
	if (len == 0 || len >= size) {
		xmlFree(s);
		return error_set(err, REDRESS_E_INVALID, "%s: line %ld: %s is %s", name, line_of(n), what,
		                 len == 0 ? "empty" : "too long");
	}
	memcpy(dst, p, len);
	dst[len] = '\0';
	xmlFree(s);
	return REDRESS_OK;
}

/* An ISO date (or the date of a date and time) of element n (<Dt> or <DtTm>). */
static enum redress_err
date_of(xmlNodePtr n, const char *ns, const char *what, const char *name, char out[11],
        struct redress_error *err)
{
	xmlNodePtr d;
	char text[40];
	enum redress_err rc;
	int i;

	if ((d = child(n, ns, "Dt")) == NULL)
		d = child(n, ns, "DtTm");
	if ((rc = text_of(d, n, what, name, text, sizeof(text), err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
			return error_set(err, REDRESS_E_INVALID, "%s: line %ld: %s is not a date", name,
			                 line_of(d), what);
	if (text[10] != '\0' && text[10] != 'T')
		return error_set(err, REDRESS_E_INVALID, "%s: line %ld: %s is not a date", name, line_of(d),
		                 what);
	memcpy(out, text, 10);
	out[10] = '\0';
	return REDRESS_OK;
}

/* An end-to-end id: 1 to 35 characters of the ids redress makes, and the others the bank may send. */
static enum redress_err
e2e_check(const char *e2e, long line, const char *name, struct redress_error *err)
{
	const char *p;

	for (p = e2e; *p != '\0'; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7e)
			return error_set(err, REDRESS_E_INVALID,
			                 "%s: line %ld: an end-to-end id must be printable ASCII", name,
			                 line);
	return REDRESS_OK;
}

/*
 * A reason (RtrInf/Rsn or StsRsnInf/Rsn, a ReturnReason5Choice or
 * StatusReason6Choice) into reason: the ISO code (Cd, 1 to 4 of A-Z and
 * 0-9) or the bank's own text (Prtry, Max35Text: 35 characters), kept as
 * the bank wrote it.
 */
static enum redress_err
reason_of(xmlNodePtr rsn, xmlNodePtr near, const char *ns, const char *what, const char *name,
          char reason[PAYMENTS_REASON_SIZE], struct redress_error *err)
{
	xmlNodePtr cd = child(rsn, ns, "Cd"), prtry = child(rsn, ns, "Prtry");
	char label[96];
	const char *p;
	enum redress_err rc;

	reason[0] = '\0';
	if (cd == NULL && prtry != NULL) {
		snprintf(label, sizeof(label), "%s (%s/Rsn/Prtry)", what,
		         strcmp(what, "the return reason") == 0 ? "RtrInf" : "StsRsnInf");
		if ((rc = text_of(prtry, near, label, name, reason, PAYMENTS_REASON_SIZE, err)) != REDRESS_OK)
			return rc;
		if (text_check_chars(label, reason, PAYMENTS_REASON_MAX, err) != REDRESS_OK)
			return error_prefix(err, "%s: line %ld", name, line_of(prtry));
		return REDRESS_OK;
	}
	snprintf(label, sizeof(label), "%s (%s/Rsn/Cd or Prtry)", what,
	         strcmp(what, "the return reason") == 0 ? "RtrInf" : "StsRsnInf");
	if ((rc = text_of(cd, near, label, name, reason, 5, err)) != REDRESS_OK)
		return rc;
	for (p = reason; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return error_set(err, REDRESS_E_INVALID,
			                 "%s: line %ld: a reason code is 1 to 4 of A-Z and 0-9", name,
			                 line_of(cd));
	return REDRESS_OK;
}

/* An amount element: decimal text and its Ccy attribute, checked for form. */
static enum redress_err
amount_of(xmlNodePtr n, xmlNodePtr near, const char *name, struct payments_bank_entry *e,
          struct redress_error *err)
{
	xmlChar *ccy;
	const char *p;
	enum redress_err rc;
	int dot = 0;

	if ((rc = text_of(n, near, "the amount (Amt)", name, e->amount, sizeof(e->amount), err)) !=
	    REDRESS_OK)
		return rc;
	for (p = e->amount; *p != '\0'; p++)
		if (*p == '.' ? dot++ > 0 || p == e->amount || p[1] == '\0' : (*p < '0' || *p > '9'))
			return error_set(err, REDRESS_E_INVALID,
			                 "%s: line %ld: the amount is not a decimal number", name,
			                 line_of(n));
	ccy = xmlGetProp(n, (const xmlChar *)"Ccy");
	if (ccy == NULL || strlen((const char *)ccy) != 3 || currency_find((const char *)ccy, NULL) == NULL) {
		xmlFree(ccy);
		return error_set(err, REDRESS_E_INVALID,
		                 "%s: line %ld: the amount has no known currency (Ccy)", name, line_of(n));
	}
	memcpy(e->currency, ccy, 4);
	xmlFree(ccy);
	e->has_amount = 1;
	return REDRESS_OK;
}

static enum redress_err
add_entry(struct payments_bank_file *f, const struct payments_bank_entry *e, const char *name,
          struct redress_error *err)
{
	if (f->n == ENTRIES_MAX)
		return error_set(err, REDRESS_E_NOMEM, "%s: line %ld: more than %u entries", name, e->line,
		                 ENTRIES_MAX);
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct payments_bank_entry *grown = realloc(f->entries, cap * sizeof(*grown));

		if (grown == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory reading %s", name);
		f->entries = grown;
		f->cap = cap;
	}
	f->entries[f->n++] = *e;
	return REDRESS_OK;
}

/*
 * 1 when e2e has the form of this fund's end-to-end ids ("B-000001-000001":
 * the batch, then the order's place in it).  A bank file names other
 * payments too -- a donation coming in, "NOTPROVIDED", another system's
 * transfer -- and those are not ours to book.
 */
static int
e2e_ours(const char *e2e)
{
	const char *p = e2e;
	size_t n;

	if (p[0] != 'B' || p[1] != '-')
		return 0;
	for (p += 2, n = 0; *p >= '0' && *p <= '9'; p++)
		n++;
	if (n < 6 || *p != '-')
		return 0;
	for (p++, n = 0; *p >= '0' && *p <= '9'; p++)
		n++;
	return n == 6 && *p == '\0';
}

/* Which camt message, by its namespace: the elements that hold the entries. */
struct camt_form {
	const char *ns, *kind, *message, *report;
};

static const struct camt_form camt054 = {PAYMENTS_NS_CAMT054, "camt.054.001.08", "BkToCstmrDbtCdtNtfctn",
                                         "Ntfctn"};
static const struct camt_form camt053 = {PAYMENTS_NS_CAMT053, "camt.053.001.08", "BkToCstmrStmt", "Stmt"};

/* 1 when element n of the entry says "true" (RvslInd is an xs:boolean: true or 1). */
static int
is_true(xmlNodePtr n)
{
	xmlChar *s;
	int yes;

	if (n == NULL || (s = xmlNodeGetContent(n)) == NULL)
		return 0;
	yes = strcmp((const char *)s, "true") == 0 || strcmp((const char *)s, "1") == 0;
	xmlFree(s);
	return yes;
}

/*
 * The transaction's own amount: Amt, else AmtDtls/InstdAmt (what was
 * ordered), else AmtDtls/TxAmt; NULL when it has none.
 */
static xmlNodePtr
tx_amount(xmlNodePtr tx, const char *ns)
{
	xmlNodePtr amt = child(tx, ns, "Amt"), dtls = child(tx, ns, "AmtDtls");

	if (amt == NULL)
		amt = child(child(dtls, ns, "InstdAmt"), ns, "Amt");
	if (amt == NULL)
		amt = child(child(dtls, ns, "TxAmt"), ns, "Amt");
	return amt;
}

/* An entry, or a transaction of one, that is not ours: counted with its amount, not booked. */
static enum redress_err
add_foreign(struct payments_bank_file *f, xmlNodePtr amt, xmlNodePtr near, int credit, const char *name,
            struct redress_error *err)
{
	struct payments_bank_entry e;
	enum redress_err rc;

	memset(&e, 0, sizeof(e));
	e.what = PAYMENTS_BANK_FOREIGN;
	e.credit = credit;
	e.line = line_of(near);
	if (amt != NULL && (rc = amount_of(amt, near, name, &e, err)) != REDRESS_OK)
		return rc;
	return add_entry(f, &e, name, err);
}

/*
 * One transaction of a booked entry that names one of our end-to-end ids.
 * A debit books the payment; a credit with return information returns it
 * (reason Cd or Prtry); a reversal (the entry's RvslInd true) is the bank
 * undoing its booking, reason "RVSL" unless it gives one.
 */
static enum redress_err
camt_ours(xmlNodePtr tx, xmlNodePtr amt, const char *ns, const char *ind, int reversal, const char *date,
          const char *name, struct payments_bank_entry *e, struct redress_error *err)
{
	xmlNodePtr rtr = child(tx, ns, "RtrInf");
	char txind[8];
	enum redress_err rc;

	snprintf(txind, sizeof(txind), "%s", ind);
	if (child(tx, ns, "CdtDbtInd") != NULL &&
	    (rc = text_of(child(tx, ns, "CdtDbtInd"), tx, "CdtDbtInd", name, txind, sizeof(txind), err)) !=
	        REDRESS_OK)
		return rc;
	if ((rc = amount_of(amt, tx, name, e, err)) != REDRESS_OK)
		return rc;
	memcpy(e->date, date, sizeof(e->date));
	if (strcmp(txind, "DBIT") == 0 && rtr == NULL && !reversal) {
		e->what = PAYMENTS_BANK_SETTLE;
		return REDRESS_OK;
	}
	if (strcmp(txind, "CRDT") == 0 && rtr != NULL) {
		e->what = PAYMENTS_BANK_RETURN;
		if (reversal && child(rtr, ns, "Rsn") == NULL) {
			snprintf(e->reason, sizeof(e->reason), "RVSL");
			return REDRESS_OK;
		}
		return reason_of(child(rtr, ns, "Rsn"), rtr, ns, "the return reason", name, e->reason, err);
	}
	if (strcmp(txind, "CRDT") == 0 && reversal) {
		e->what = PAYMENTS_BANK_RETURN;
		snprintf(e->reason, sizeof(e->reason), "RVSL");
		return REDRESS_OK;
	}
	return error_set(err, REDRESS_E_INVALID,
	                 "%s: line %ld: end-to-end id '%s' is a %s%s %s return information: neither a"
	                 " payment booked, nor returned, nor a booking reversed",
	                 name, e->line, e->e2e, reversal ? "reversed " : "",
	                 strcmp(txind, "DBIT") == 0 ? "debit" : "credit", rtr != NULL ? "with" : "without");
}

/*
 * camt.054.001.08 (BkToCstmrDbtCdtNtfctn / Ntfctn) or camt.053.001.08
 * (BkToCstmrStmt / Stmt): Ntry / NtryDtls / TxDtls, entries in the order
 * of the file.  Entries not booked (pending, information) are ignored.
 * A transaction with one of our end-to-end ids settles, returns or
 * reverses its order; an entry without transaction details (a fee) or a
 * transaction of someone else's (a donation coming in, "NOTPROVIDED") is
 * reported as not ours and not booked.  In a batch booking each
 * transaction's own amount (Amt, AmtDtls/InstdAmt or AmtDtls/TxAmt) is
 * matched; the entry's amount only when it holds one transaction.
 */
static enum redress_err
read_camt(xmlNodePtr root, const struct camt_form *form, const char *name, struct payments_bank_file *f,
          struct redress_error *err)
{
	const char *ns = form->ns;
	xmlNodePtr msg, ntf, ntry, dtls, tx;
	enum redress_err rc;
	char status[8], ind[8];

	if ((msg = child(root, ns, form->message)) == NULL)
		return error_set(err, REDRESS_E_INVALID, "%s: line %ld: no %s", name, line_of(root),
		                 form->message);
	if ((rc = text_of(child(child(msg, ns, "GrpHdr"), ns, "MsgId"), msg, "the message id (GrpHdr/MsgId)",
	                  name, f->msg_id, sizeof(f->msg_id), err)) != REDRESS_OK)
		return rc;
	for (ntf = child(msg, ns, form->report); ntf != NULL; ntf = next_same(ntf))
		for (ntry = child(ntf, ns, "Ntry"); ntry != NULL; ntry = next_same(ntry)) {
			char date[11] = "";
			xmlNodePtr entry_amt = child(ntry, ns, "Amt");
			int ntxs = 0, reversal, credit;

			if ((rc = text_of(child(child(ntry, ns, "Sts"), ns, "Cd"), ntry,
			                  "the entry's status (Sts/Cd)", name, status, sizeof(status),
			                  err)) != REDRESS_OK)
				return rc;
			if (strcmp(status, "BOOK") != 0) {
				f->ignored++;
				continue;
			}
			if ((rc = text_of(child(ntry, ns, "CdtDbtInd"), ntry, "CdtDbtInd", name, ind,
			                  sizeof(ind), err)) != REDRESS_OK)
				return rc;
			if ((rc = date_of(child(ntry, ns, "BookgDt"), ns, "the booking date (BookgDt)", name,
			                  date, err)) != REDRESS_OK)
				return rc;
			reversal = is_true(child(ntry, ns, "RvslInd"));
			credit = strcmp(ind, "CRDT") == 0;
			for (dtls = child(ntry, ns, "NtryDtls"); dtls != NULL; dtls = next_same(dtls))
				for (tx = child(dtls, ns, "TxDtls"); tx != NULL; tx = next_same(tx))
					ntxs++;
			if (ntxs == 0) {
				/* A fee, interest, a lump sum without details: not ours. */
				if ((rc = add_foreign(f, entry_amt, ntry, credit, name, err)) != REDRESS_OK)
					return rc;
				continue;
			}
			for (dtls = child(ntry, ns, "NtryDtls"); dtls != NULL; dtls = next_same(dtls))
				for (tx = child(dtls, ns, "TxDtls"); tx != NULL; tx = next_same(tx)) {
					struct payments_bank_entry e;
					xmlNodePtr id = child(child(tx, ns, "Refs"), ns, "EndToEndId");
					xmlNodePtr amt = tx_amount(tx, ns);

					/* Only a lone transaction takes the entry's amount as its own. */
					if (amt == NULL && ntxs == 1)
						amt = entry_amt;
					memset(&e, 0, sizeof(e));
					if (id != NULL &&
					    (rc = text_of(id, tx, "the end-to-end id (Refs/EndToEndId)", name,
					                  e.e2e, sizeof(e.e2e), err)) != REDRESS_OK)
						return rc;
					if (id == NULL || !e2e_ours(e.e2e)) {
						if ((rc = add_foreign(f, amt, tx, credit, name, err)) !=
						    REDRESS_OK)
							return rc;
						continue;
					}
					e.line = line_of(id);
					if (amt == NULL)
						return error_set(
						    err, REDRESS_E_INVALID,
						    "%s: line %ld: end-to-end id '%s' is one of %d"
						    " transactions of a batch booking and has no amount"
						    " of its own (Amt, AmtDtls/InstdAmt or AmtDtls/TxAmt)",
						    name, e.line, e.e2e, ntxs);
					if ((rc = camt_ours(tx, amt, ns, ind, reversal, date, name, &e,
					                    err)) != REDRESS_OK ||
					    (rc = add_entry(f, &e, name, err)) != REDRESS_OK)
						return rc;
				}
		}
	return REDRESS_OK;
}

/*
 * A whole batch rejected (pain.002 GrpSts or PmtInfSts RJCT): batch is
 * the batch's id, status the status element, where the StsRsnInf beside
 * it gives the reason.
 */
static enum redress_err
batch_rejected(xmlNodePtr where, xmlNodePtr status, const char *batch, const char *ns, const char *name,
               struct payments_bank_file *f, struct redress_error *err)
{
	struct payments_bank_entry e;
	xmlNodePtr rsn = child(child(where, ns, "StsRsnInf"), ns, "Rsn");
	enum redress_err rc;

	memset(&e, 0, sizeof(e));
	e.what = PAYMENTS_BANK_REJECT;
	e.line = line_of(status);
	if (strlen(batch) > PAYMENTS_BATCH_ID_MAX || batch[0] == '\0')
		return error_set(err, REDRESS_E_INVALID, "%s: line %ld: '%.40s' names no batch of this fund",
		                 name, e.line, batch);
	memcpy(e.batch, batch, strlen(batch) + 1);
	if ((rc = e2e_check(e.batch, e.line, name, err)) != REDRESS_OK ||
	    (rc = reason_of(rsn, where, ns, "the rejection reason", name, e.reason, err)) != REDRESS_OK)
		return rc;
	return add_entry(f, &e, name, err);
}

/* The text of status element n ("" when there is none) into out. */
static enum redress_err
status_of(xmlNodePtr n, const char *what, const char *name, char out[8], struct redress_error *err)
{
	out[0] = '\0';
	return n != NULL ? text_of(n, n, what, name, out, 8, err) : REDRESS_OK;
}

/*
 * pain.002.001.10: CstmrPmtStsRpt / OrgnlPmtInfAndSts / TxInfAndSts.
 * RJCT rejects; any other status (accepted, pending) changes nothing but
 * must still name an order.  A rejection of the whole message
 * (OrgnlGrpInfAndSts/GrpSts, OrgnlMsgId "B-000001-..." as pain.001's
 * MsgId) or of a payment information block (PmtInfSts, OrgnlPmtInfId the
 * batch) rejects every order of the batch; the transactions listed under
 * it then add nothing.
 */
static enum redress_err
read_pain002(xmlNodePtr root, const char *name, struct payments_bank_file *f, struct redress_error *err)
{
	const char *ns = PAYMENTS_NS_PAIN002;
	xmlNodePtr msg, grp, pmt, tx;
	char status[8], batch[PAYMENTS_MSG_ID_MAX + 1], *dash;
	enum redress_err rc;

	if ((msg = child(root, ns, "CstmrPmtStsRpt")) == NULL)
		return error_set(err, REDRESS_E_INVALID, "%s: line %ld: no CstmrPmtStsRpt", name,
		                 line_of(root));
	if ((rc = text_of(child(child(msg, ns, "GrpHdr"), ns, "MsgId"), msg, "the message id (GrpHdr/MsgId)",
	                  name, f->msg_id, sizeof(f->msg_id), err)) != REDRESS_OK)
		return rc;
	grp = child(msg, ns, "OrgnlGrpInfAndSts");
	if ((rc = status_of(child(grp, ns, "GrpSts"), "the group status (GrpSts)", name, status, err)) !=
	    REDRESS_OK)
		return rc;
	if (strcmp(status, "RJCT") == 0) {
		/* The batch is the message id's first two parts: "B-000001" of "B-000001-0a1b2c3d4e5f". */
		if ((rc = text_of(child(grp, ns, "OrgnlMsgId"), grp, "the original message id (OrgnlMsgId)",
		                  name, batch, sizeof(batch), err)) != REDRESS_OK)
			return rc;
		if ((dash = strrchr(batch, '-')) != NULL && dash != strchr(batch, '-'))
			*dash = '\0';
		return batch_rejected(grp, child(grp, ns, "GrpSts"), batch, ns, name, f, err);
	}
	for (pmt = child(msg, ns, "OrgnlPmtInfAndSts"); pmt != NULL; pmt = next_same(pmt)) {
		if ((rc = status_of(child(pmt, ns, "PmtInfSts"), "the payment information status (PmtInfSts)",
		                    name, status, err)) != REDRESS_OK)
			return rc;
		if (strcmp(status, "RJCT") == 0) {
			if ((rc = text_of(child(pmt, ns, "OrgnlPmtInfId"), pmt, "the batch (OrgnlPmtInfId)",
			                  name, batch, sizeof(batch), err)) != REDRESS_OK ||
			    (rc = batch_rejected(pmt, child(pmt, ns, "PmtInfSts"), batch, ns, name, f,
			                         err)) != REDRESS_OK)
				return rc;
			continue;
		}
		for (tx = child(pmt, ns, "TxInfAndSts"); tx != NULL; tx = next_same(tx)) {
			struct payments_bank_entry e;
			xmlNodePtr id = child(tx, ns, "OrgnlEndToEndId"), amt;

			memset(&e, 0, sizeof(e));
			if ((rc = text_of(id, tx, "the end-to-end id (OrgnlEndToEndId)", name, e.e2e,
			                  sizeof(e.e2e), err)) != REDRESS_OK)
				return rc;
			e.line = line_of(id);
			if ((rc = e2e_check(e.e2e, e.line, name, err)) != REDRESS_OK ||
			    (rc = text_of(child(tx, ns, "TxSts"), tx, "the status (TxSts)", name, status,
			                  sizeof(status), err)) != REDRESS_OK)
				return rc;
			amt = child(child(tx, ns, "OrgnlTxRef"), ns, "Amt");
			amt = child(amt, ns, "InstdAmt");
			if (amt != NULL && (rc = amount_of(amt, tx, name, &e, err)) != REDRESS_OK)
				return rc;
			if (strcmp(status, "RJCT") != 0) {
				/* Still checked against the orders: an unknown id is refused. */
				e.what = PAYMENTS_BANK_STATUS;
			} else {
				xmlNodePtr rsn = child(child(tx, ns, "StsRsnInf"), ns, "Rsn");

				e.what = PAYMENTS_BANK_REJECT;
				if ((rc = reason_of(rsn, tx, ns, "the rejection reason", name, e.reason,
				                    err)) != REDRESS_OK)
					return rc;
			}
			if ((rc = add_entry(f, &e, name, err)) != REDRESS_OK)
				return rc;
		}
	}
	return REDRESS_OK;
}

/*
 * One file may say several things about an order, applied in its order (a
 * booking, then its return or reversal), but never the same thing twice:
 * an end-to-end id a second time with what it already said is refused
 * where it stands, naming where it stood first.
 */
static enum redress_err
no_repeats(const struct payments_bank_file *f, const char *name, struct redress_error *err)
{
	/* Per kind of answer: booked, returned, and the bank's status (pain.002); then whole batches. */
	struct strmap maps[4];
	const struct payments_bank_entry *first;
	enum redress_err rc = REDRESS_OK;
	size_t i, k;

	for (k = 0; k < 4; k++)
		strmap_init(&maps[k]);
	for (i = 0; i < f->n && rc == REDRESS_OK; i++) {
		const struct payments_bank_entry *e = &f->entries[i];
		const char *key = e->e2e[0] != '\0' ? e->e2e : e->batch;

		if (e->what == PAYMENTS_BANK_FOREIGN)
			continue;
		k = e->e2e[0] == '\0'                 ? 3
		    : e->what == PAYMENTS_BANK_SETTLE ? 0
		    : e->what == PAYMENTS_BANK_RETURN ? 1
		                                      : 2;
		if ((first = strmap_get(&maps[k], key)) != NULL)
			rc = error_set(err, REDRESS_E_INVALID,
			               "%s: line %ld: %s '%s' appears a second time (first on line %ld)",
			               name, e->line, k == 3 ? "batch" : "end-to-end id", key, first->line);
		else
			rc = strmap_put(&maps[k], key, (void *)e, err);
	}
	for (k = 0; k < 4; k++)
		strmap_free(&maps[k]);
	return rc;
}

/* The line of byte offset off, counting from 1. */
static long
line_at(const char *bytes, size_t off)
{
	long line = 1;
	size_t i;

	for (i = 0; i < off; i++)
		if (bytes[i] == '\n')
			line++;
	return line;
}

enum redress_err
payments_bank_file_read(const char *bytes, size_t len, const char *name, struct payments_bank_file *f,
                        struct redress_error *err)
{
	xmlParserCtxtPtr ctxt = NULL;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	const char *href;
	enum redress_err rc;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (len > PAYMENTS_XML_MAX)
		return error_set(err, REDRESS_E_INVALID, "%s is %zu bytes; a bank file may have at most %u",
		                 name, len, PAYMENTS_XML_MAX);
	if (len > INT32_MAX)
		return error_set(err, REDRESS_E_INVALID, "%s is too large", name);
	/* No document type declaration: no entity can be declared, so none is ever expanded. */
	for (i = 0; i + 2 <= len; i++)
		if (bytes[i] == '<' && bytes[i + 1] == '!' && (i + 3 > len || bytes[i + 2] != '-'))
			if (len - i < 9 || memcmp(bytes + i, "<![CDATA[", 9) != 0)
				return error_set(err, REDRESS_E_INVALID,
				                 "%s: line %ld: a document type or entity declaration is not"
				                 " accepted in a bank file",
				                 name, line_at(bytes, i));
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading %s", name);
	doc = xmlCtxtReadMemory(ctxt, bytes, (int)len, NULL, NULL,
	                        XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOERROR |
	                            XML_PARSE_NOWARNING);
	if (doc == NULL) {
		const xmlError *xe = xmlCtxtGetLastError(ctxt);
		char msg[160] = "not well-formed XML";

		if (xe != NULL && xe->message != NULL) {
			text_copy(msg, sizeof(msg), xe->message);
			msg[strcspn(msg, "\n")] = '\0';
		}
		rc = error_set(err, REDRESS_E_INVALID, "%s: line %d: %s", name, xe != NULL ? xe->line : 0,
		               msg);
		goto out;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		rc = error_set(err, REDRESS_E_INVALID, "%s: a document type declaration is not accepted",
		               name);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "Document") != 0 || root->ns == NULL) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "%s: line %ld: not an ISO 20022 document (no namespaced Document element)",
		               name, line_of(root));
		goto out;
	}
	href = (const char *)root->ns->href;
	if (strcmp(href, PAYMENTS_NS_CAMT054) == 0 || strcmp(href, PAYMENTS_NS_CAMT053) == 0) {
		const struct camt_form *form = strcmp(href, PAYMENTS_NS_CAMT054) == 0 ? &camt054 : &camt053;

		snprintf(f->kind, sizeof(f->kind), "%s", form->kind);
		rc = read_camt(root, form, name, f, err);
	} else if (strcmp(href, PAYMENTS_NS_PAIN002) == 0) {
		snprintf(f->kind, sizeof(f->kind), "pain.002.001.10");
		rc = read_pain002(root, name, f, err);
	} else
		rc = error_set(
		    err, REDRESS_E_INVALID,
		    "%s: line %ld: namespace '%.80s' is none of camt.054.001.08, camt.053.001.08 and"
		    " pain.002.001.10",
		    name, line_of(root), href);
	if (rc == REDRESS_OK)
		rc = no_repeats(f, name, err);
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

void
payments_bank_file_free(struct payments_bank_file *f)
{
	free(f->entries);
	f->entries = NULL;
	f->n = f->cap = 0;
}

/* ---- writing ---- */

/* Writes <name>text</name>; 0 on success, as xmlTextWriter counts. */
static int
element(xmlTextWriterPtr w, const char *name, const char *text)
{
	return xmlTextWriterWriteElement(w, (const xmlChar *)name, (const xmlChar *)text) < 0 ? -1 : 0;
}

static int
start(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, (const xmlChar *)name) < 0 ? -1 : 0;
}

static int
end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

/* <FinInstnId><BICFI>bic</BICFI></FinInstnId> inside name. */
static int
agent(xmlTextWriterPtr w, const char *name, const char *bic)
{
	return start(w, name) | start(w, "FinInstnId") | element(w, "BICFI", bic) | end(w) | end(w);
}

/* 1 when scheme is an ISO code (SchmeNm/Cd: 1 to 4 of A-Z and 0-9), 0 for the bank's own (Prtry). */
static int
scheme_is_code(const char *scheme)
{
	size_t n = strlen(scheme), i;

	for (i = 0; i < n; i++)
		if (!((scheme[i] >= 'A' && scheme[i] <= 'Z') || (scheme[i] >= '0' && scheme[i] <= '9')))
			return 0;
	return n >= 1 && n <= 4;
}

/*
 * <name><Id><IBAN>iban</IBAN></Id></name>, or, without an IBAN, the
 * account number as <Othr><Id>other</Id></Othr> with its scheme
 * (<SchmeNm><Cd> or <Prtry>) when scheme is not NULL; then <Ccy> if ccy.
 */
static int
account(xmlTextWriterPtr w, const char *name, const char *iban, const char *other, const char *scheme,
        const char *ccy)
{
	int bad = start(w, name) | start(w, "Id");

	if (iban != NULL && iban[0] != '\0')
		bad |= element(w, "IBAN", iban);
	else {
		bad |= start(w, "Othr") | element(w, "Id", other);
		if (scheme != NULL && scheme[0] != '\0')
			bad |= start(w, "SchmeNm") |
			       element(w, scheme_is_code(scheme) ? "Cd" : "Prtry", scheme) | end(w);
		bad |= end(w);
	}
	bad |= end(w);
	if (ccy != NULL)
		bad |= element(w, "Ccy", ccy);
	return bad | end(w);
}

/* A document being written: libxml2's writer into a memory buffer. */
struct doc_writer {
	xmlBufferPtr xb;
	xmlTextWriterPtr w;
};

/* Starts the document <Document xmlns="ns">; on failure the caller still calls doc_end. */
static enum redress_err
doc_begin(struct doc_writer *dw, const char *ns, const char *what, struct redress_error *err)
{
	memset(dw, 0, sizeof(*dw));
	/* Grown by doubling: libxml2's exact allocation would copy the whole file at every write. */
	if ((dw->xb = xmlBufferCreateSize(64 * 1024)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing %s", what);
	xmlBufferSetAllocationScheme(dw->xb, XML_BUFFER_ALLOC_DOUBLEIT);
	if ((dw->w = xmlNewTextWriterMemory(dw->xb, 0)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing %s", what);
	xmlTextWriterSetIndent(dw->w, 1);
	xmlTextWriterSetIndentString(dw->w, (const xmlChar *)" ");
	if (xmlTextWriterStartDocument(dw->w, "1.0", "UTF-8", NULL) < 0 || start(dw->w, "Document") != 0 ||
	    xmlTextWriterWriteAttribute(dw->w, (const xmlChar *)"xmlns", (const xmlChar *)ns) < 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing %s", what);
	return REDRESS_OK;
}

/*
 * Closes every open element, appends the document to out unless rc or bad
 * says it failed, and wipes and frees what was written (it may hold bank
 * details).
 */
static enum redress_err
doc_end(struct doc_writer *dw, enum redress_err rc, int bad, const char *what, struct buf *out,
        struct redress_error *err)
{
	if (dw->w != NULL) {
		bad |= xmlTextWriterEndDocument(dw->w) < 0;
		xmlFreeTextWriter(dw->w);
	}
	if (rc == REDRESS_OK && bad)
		rc = error_set(err, REDRESS_E_INVALID, "%s could not be written", what);
	if (rc == REDRESS_OK) {
		buf_append(out, xmlBufferContent(dw->xb), (size_t)xmlBufferLength(dw->xb));
		rc = buf_error(out, err);
	}
	if (dw->xb != NULL) {
		if (xmlBufferLength(dw->xb) > 0)
			explicit_bzero((void *)xmlBufferContent(dw->xb), (size_t)xmlBufferLength(dw->xb));
		xmlBufferFree(dw->xb);
	}
	return rc;
}

enum redress_err
payments_pain001_write(struct buf *out, const struct payments_debtor *d, const char *msg_id,
                       const char *pmt_inf_id, const char *now, const char *exec_date, const char *currency,
                       const struct payments_pain_tx *tx, size_t n, struct redress_error *err)
{
	const struct currency *cur = currency_find(currency, err);
	struct doc_writer dw;
	xmlTextWriterPtr w;
	char sum[MONEY_TEXT_SIZE], amount[MONEY_TEXT_SIZE], count[24];
	int64_t total = 0;
	enum redress_err rc;
	int bad = 0;
	size_t i;

	if (cur == NULL)
		return err->code;
	/* libxml2 escapes, but writes bytes as given: only UTF-8 text without controls goes in. */
	/* Max140Text, Max34Text, Max35Text: characters, as ISO counts them. */
	if ((rc = text_check_chars("the debtor's name", d->name, PAYMENTS_HOLDER_MAX, err)) != REDRESS_OK ||
	    (d->iban[0] != '\0' ? (rc = text_check("the debtor's IBAN", d->iban, PAYMENTS_IBAN_MAX, err))
	                        : (rc = text_check_chars("the debtor's account", d->account,
	                                                 PAYMENTS_ACCOUNT_MAX, err))) != REDRESS_OK ||
	    (d->iban[0] == '\0' && (rc = text_check_chars("the debtor's scheme", d->scheme,
	                                                  PAYMENTS_SCHEME_MAX, err)) != REDRESS_OK) ||
	    (rc = text_check("the debtor's BIC", d->bic, PAYMENTS_BIC_MAX, err)) != REDRESS_OK ||
	    (rc = text_check("the message id", msg_id, PAYMENTS_MSG_ID_MAX, err)) != REDRESS_OK ||
	    (rc = text_check("the payment information id", pmt_inf_id, PAYMENTS_MSG_ID_MAX, err)) !=
	        REDRESS_OK)
		return rc;
	for (i = 0; i < n; i++) {
		const struct payments_bank *b = tx[i].bank;

		if ((rc = text_check("an end-to-end id", tx[i].e2e, PAYMENTS_ORDER_ID_MAX, err)) !=
		        REDRESS_OK ||
		    (rc = text_check_chars("a payee's name", b->holder, PAYMENTS_HOLDER_MAX, err)) !=
		        REDRESS_OK ||
		    (rc = text_check_chars("a payee's account", b->account, PAYMENTS_ACCOUNT_MAX, err)) !=
		        REDRESS_OK ||
		    (rc = text_check("a payee's BIC", b->bic, PAYMENTS_BIC_MAX, err)) != REDRESS_OK ||
		    (b->iban[0] != '\0' &&
		     (rc = text_check("a payee's IBAN", b->iban, PAYMENTS_IBAN_MAX, err)) != REDRESS_OK) ||
		    (tx[i].remittance != NULL &&
		     (rc = text_check_chars("the remittance text", tx[i].remittance, PAYMENTS_HOLDER_MAX,
		                            err)) != REDRESS_OK))
			return error_prefix(err, "pain.001, payment %zu", i + 1);
		if (tx[i].amount <= 0)
			return error_set(err, REDRESS_E_INVALID,
			                 "pain.001, payment %zu: the amount must be positive", i + 1);
		if ((rc = money_add(total, tx[i].amount, &total, err)) != REDRESS_OK)
			return error_prefix(err, "the batch's control sum");
	}
	money_format(total, cur, sum, sizeof(sum));
	snprintf(count, sizeof(count), "%zu", n);
	if ((rc = doc_begin(&dw, PAYMENTS_NS_PAIN001, "pain.001", err)) != REDRESS_OK)
		return doc_end(&dw, rc, 0, "pain.001", out, err);
	w = dw.w;
	bad |= start(w, "CstmrCdtTrfInitn");
	bad |= start(w, "GrpHdr") | element(w, "MsgId", msg_id) | element(w, "CreDtTm", now) |
	       element(w, "NbOfTxs", count) | element(w, "CtrlSum", sum) | start(w, "InitgPty") |
	       element(w, "Nm", d->name) | end(w) | end(w);
	bad |= start(w, "PmtInf") | element(w, "PmtInfId", pmt_inf_id) | element(w, "PmtMtd", "TRF") |
	       element(w, "NbOfTxs", count) | element(w, "CtrlSum", sum) | start(w, "ReqdExctnDt") |
	       element(w, "Dt", exec_date) | end(w) | start(w, "Dbtr") | element(w, "Nm", d->name) | end(w) |
	       account(w, "DbtrAcct", d->iban, d->account, d->scheme, currency) |
	       agent(w, "DbtrAgt", d->bic) | element(w, "ChrgBr", "SLEV");
	for (i = 0; i < n && !bad; i++) {
		money_format(tx[i].amount, cur, amount, sizeof(amount));
		bad |= start(w, "CdtTrfTxInf") | start(w, "PmtId") | element(w, "EndToEndId", tx[i].e2e) |
		       end(w);
		bad |= start(w, "Amt") | start(w, "InstdAmt");
		bad |= xmlTextWriterWriteAttribute(w, (const xmlChar *)"Ccy", (const xmlChar *)currency) < 0;
		bad |= xmlTextWriterWriteString(w, (const xmlChar *)amount) < 0;
		bad |= end(w) | end(w);
		bad |= agent(w, "CdtrAgt", tx[i].bank->bic) | start(w, "Cdtr") |
		       element(w, "Nm", tx[i].bank->holder) | end(w) |
		       account(w, "CdtrAcct", tx[i].bank->iban, tx[i].bank->account, NULL, NULL);
		if (tx[i].remittance != NULL)
			bad |= start(w, "RmtInf") | element(w, "Ustrd", tx[i].remittance) | end(w);
		bad |= end(w);
	}
	return doc_end(&dw, REDRESS_OK, bad, "pain.001", out, err);
}

/* One camt.054 entry, as a bank books it. */
static int
camt_entry(xmlTextWriterPtr w, const struct payments_bank_entry *e)
{
	int credit = e->what != PAYMENTS_BANK_SETTLE, bad;

	bad = start(w, "Ntry") | start(w, "Amt");
	bad |= xmlTextWriterWriteAttribute(w, (const xmlChar *)"Ccy", (const xmlChar *)e->currency) < 0;
	bad |= xmlTextWriterWriteString(w, (const xmlChar *)e->amount) < 0;
	bad |= end(w) | element(w, "CdtDbtInd", credit ? "CRDT" : "DBIT") | start(w, "Sts") |
	       element(w, "Cd", "BOOK") | end(w) | start(w, "BookgDt") | element(w, "Dt", e->date) | end(w) |
	       start(w, "ValDt") | element(w, "Dt", e->date) | end(w);
	bad |= start(w, "BkTxCd") | start(w, "Domn") | element(w, "Cd", "PMNT") | start(w, "Fmly") |
	       element(w, "Cd", "ICDT") | element(w, "SubFmlyCd", credit ? "RRTN" : "ESCT") | end(w) |
	       end(w) | end(w);
	bad |= start(w, "NtryDtls") | start(w, "TxDtls") | start(w, "Refs") |
	       element(w, "EndToEndId", e->e2e) | end(w) | element(w, "CdtDbtInd", credit ? "CRDT" : "DBIT");
	if (credit)
		bad |= start(w, "RtrInf") | start(w, "Rsn") |
		       element(w, scheme_is_code(e->reason) ? "Cd" : "Prtry", e->reason) | end(w) | end(w);
	return bad | end(w) | end(w) | end(w);
}

enum redress_err
payments_camt054_write(struct buf *out, const char *msg_id, const char *now,
                       const struct payments_debtor *acct, const struct payments_bank_entry *e, size_t n,
                       struct redress_error *err)
{
	struct doc_writer dw;
	xmlTextWriterPtr w;
	enum redress_err rc;
	int bad;
	size_t i;

	if ((rc = doc_begin(&dw, PAYMENTS_NS_CAMT054, "camt.054", err)) != REDRESS_OK)
		return doc_end(&dw, rc, 0, "camt.054", out, err);
	w = dw.w;
	/* GrpHdr: MsgId and CreDtTm, both required by the schema. */
	bad = start(w, "BkToCstmrDbtCdtNtfctn") | start(w, "GrpHdr") | element(w, "MsgId", msg_id) |
	      element(w, "CreDtTm", now) | end(w) | start(w, "Ntfctn") | element(w, "Id", msg_id) |
	      element(w, "CreDtTm", now) | account(w, "Acct", acct->iban, acct->account, acct->scheme, NULL);
	for (i = 0; i < n && !bad; i++)
		bad |= camt_entry(w, &e[i]);
	return doc_end(&dw, REDRESS_OK, bad, "camt.054", out, err);
}
