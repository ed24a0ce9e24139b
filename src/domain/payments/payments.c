/*
 * payments.c -- the payments commands: bank details, the fund's account,
 * batches, the pain.001 export and the import of the bank's answers.  See
 * payments.h for what they promise.
 */
#include "domain/payments/payments.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/hash.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments_int.h"
#include "domain/programs/programs.h"

/* ---- field checks ---- */

enum redress_err
payments_bic_check(const char *bic, struct redress_error *err)
{
	size_t i, n = strlen(bic);

	if (n != 8 && n != 11)
		return error_set(err, REDRESS_E_INVALID, "a BIC has 8 or 11 characters; this one has %zu", n);
	for (i = 0; i < n; i++) {
		int letter = bic[i] >= 'A' && bic[i] <= 'Z', digit = bic[i] >= '0' && bic[i] <= '9';

		if (i < 6 ? !letter : !(letter || digit))
			return error_set(err, REDRESS_E_INVALID,
			                 "a BIC is 6 capital letters, then 2 or 5 capital letters or digits"
			                 " (character %zu is not)",
			                 i + 1);
	}
	return REDRESS_OK;
}

enum redress_err
payments_iban_check(const char *iban, struct redress_error *err)
{
	size_t i, n = strlen(iban);
	unsigned rem = 0;

	if (n < 15 || n > PAYMENTS_IBAN_MAX)
		return error_set(err, REDRESS_E_INVALID, "an IBAN has 15 to 34 characters; this one has %zu",
		                 n);
	for (i = 0; i < n; i++) {
		int letter = iban[i] >= 'A' && iban[i] <= 'Z', digit = iban[i] >= '0' && iban[i] <= '9';

		if ((i < 2 && !letter) || (i >= 2 && i < 4 && !digit) || !(letter || digit))
			return error_set(err, REDRESS_E_INVALID,
			                 "an IBAN is a country code, 2 check digits, then capital letters and"
			                 " digits, without spaces (character %zu is not)",
			                 i + 1);
	}
	/* ISO 13616: the first four characters moved to the end, letters as 10..35, mod 97 is 1. */
	for (i = 0; i < n; i++) {
		char ch = iban[(i + 4) % n];

		if (ch >= 'A' && ch <= 'Z')
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
		else
			rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
	}
	if (rem != 1)
		return error_set(err, REDRESS_E_INVALID,
		                 "the IBAN's check digits do not match: a typing error?");
	return REDRESS_OK;
}

enum redress_err
payments_scheme_check(const char *scheme, struct redress_error *err)
{
	const char *p;

	if (scheme[0] == '\0')
		return error_set(err, REDRESS_E_INVALID, "an account number needs its scheme (BBAN, ...)");
	if (strlen(scheme) <= 4) {
		for (p = scheme; *p != '\0'; p++)
			if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
				break;
		if (*p == '\0')
			return REDRESS_OK; /* an ISO code (SchmeNm/Cd) */
	}
	return text_check_chars("the scheme", scheme, PAYMENTS_SCHEME_MAX, err); /* SchmeNm/Prtry */
}

enum redress_err
payments_debtor_check(const struct payments_debtor *d, struct redress_error *err)
{
	enum redress_err rc;

	if (d->name[0] == '\0')
		return error_set(err, REDRESS_E_INVALID, "--name must not be empty");
	if ((rc = text_check_chars("--name", d->name, PAYMENTS_HOLDER_MAX, err)) != REDRESS_OK)
		return rc;
	if ((d->iban[0] != '\0') == (d->account[0] != '\0'))
		return error_set(err, REDRESS_E_INVALID,
		                 "the fund's account is an IBAN (--iban) or an account number with its"
		                 " scheme (--account, --scheme): one of them");
	if (d->iban[0] != '\0' && (rc = payments_iban_check(d->iban, err)) != REDRESS_OK)
		return error_prefix(err, "--iban");
	if (d->account[0] != '\0' &&
	    (rc = text_check_chars("--account", d->account, PAYMENTS_ACCOUNT_MAX, err)) != REDRESS_OK)
		return rc;
	if (d->account[0] != '\0' && (rc = payments_scheme_check(d->scheme, err)) != REDRESS_OK)
		return error_prefix(err, "--scheme");
	if ((rc = payments_bic_check(d->bic, err)) != REDRESS_OK)
		return error_prefix(err, "--bic");
	return REDRESS_OK;
}

static void
sha256_hex(const void *data, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t h[HASH_SHA256_SIZE];
	size_t i;

	hash_sha256(data, len, h);
	for (i = 0; i < HASH_SHA256_SIZE; i++) {
		out[2 * i] = hex[h[i] >> 4];
		out[2 * i + 1] = hex[h[i] & 15];
	}
	out[64] = '\0';
}

/* Appends an event of this module and applies it from the very bytes appended (tlog_append_apply). */
static enum redress_err
append_apply(struct tlog *log, const char *type, struct canon *c, struct buf *data, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = canon_error(c, err)) != REDRESS_OK)
		return rc;
	return tlog_append_apply(log, &payments_module, type, data, NULL, err);
}

/* ---- bank details ---- */

/* Wipes a buffer that held bank details in clear, and frees it. */
static void
plain_free(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

static enum redress_err
bank_check(const struct payments_bank *b, struct redress_error *err)
{
	enum redress_err rc;

	/* Max34Text and Max140Text: characters, not bytes. */
	if ((rc = text_check_chars("--account", b->account, PAYMENTS_ACCOUNT_MAX, err)) != REDRESS_OK ||
	    (rc = text_check_chars("--holder", b->holder, PAYMENTS_HOLDER_MAX, err)) != REDRESS_OK)
		return rc;
	if (b->account[0] == '\0' || b->holder[0] == '\0')
		return error_set(err, REDRESS_E_INVALID, "--account and --holder must not be empty");
	if ((rc = payments_bic_check(b->bic, err)) != REDRESS_OK)
		return error_prefix(err, "--bic");
	if (b->iban[0] != '\0' && (rc = payments_iban_check(b->iban, err)) != REDRESS_OK)
		return error_prefix(err, "--iban");
	return REDRESS_OK;
}

static void
bank_ad(char *ad, size_t size, const char *pseudonym)
{
	snprintf(ad, size, "%s/bank", pseudonym);
}

enum redress_err
payments_bank_set(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                  const char *pseudonym, const struct payments_bank *bank, struct redress_error *err)
{
	struct registry_person p;
	struct seal_key *key = NULL;
	struct buf plain, sealed, data;
	struct canon c;
	char ad[REGISTRY_PSEUDONYM_MAX + 16];
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = registry_get(tlog_store(log), pseudonym, &p, err)) != REDRESS_OK ||
	    (rc = bank_check(bank, err)) != REDRESS_OK)
		return rc;
	if (p.status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_NOTFOUND, "%s was erased: no bank details can be recorded",
		                 pseudonym);
	buf_init(&plain, 4096);
	buf_init(&sealed, 8192);
	buf_init(&data, PAYMENTS_EVENT_DATA_MAX);
	if ((rc = registry_data_key(tlog_store(log), keys, pseudonym, &key, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &plain);
	canon_object_begin(&c);
	canon_key(&c, "account");
	canon_string(&c, bank->account);
	canon_key(&c, "bic");
	canon_string(&c, bank->bic);
	canon_key(&c, "holder");
	canon_string(&c, bank->holder);
	canon_key(&c, "iban");
	canon_string(&c, bank->iban);
	canon_object_end(&c);
	/* Padded, so that the ciphertext's length says little about a name's. */
	while (plain.len % PAYMENTS_SEAL_PAD != 0)
		buf_putc(&plain, '\0');
	if ((rc = canon_error(&c, err)) != REDRESS_OK || (rc = buf_error(&plain, err)) != REDRESS_OK)
		goto out;
	bank_ad(ad, sizeof(ad), pseudonym);
	if ((rc = seal_encrypt(key, plain.data, plain.len, ad, &sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_key(&c, "sealed");
	canon_string(&c, sealed.data);
	canon_object_end(&c);
	rc = append_apply(log, PAYMENTS_EV_BANK, &c, &data, err);
out:
	seal_key_free(&key);
	plain_free(&plain);
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}

/* Opens pseudonym's bank details into *b (wiped by the caller). */
static enum redress_err
bank_open(struct store *store, const struct registry_keys *keys, const char *pseudonym,
          struct payments_bank *b, struct redress_error *err)
{
	struct seal_key *key = NULL;
	struct canon_doc doc;
	struct buf sealed, plain;
	char ad[REGISTRY_PSEUDONYM_MAX + 16];
	const struct canon_node *root;
	enum redress_err rc;

	memset(b, 0, sizeof(*b));
	buf_init(&sealed, 8192);
	buf_init(&plain, 8192);
	canon_doc_init(&doc);
	if ((rc = payments_bank_sealed(store, pseudonym, &sealed, err)) != REDRESS_OK ||
	    (rc = registry_data_key(store, keys, pseudonym, &key, err)) != REDRESS_OK)
		goto out;
	bank_ad(ad, sizeof(ad), pseudonym);
	if ((rc = seal_decrypt(key, sealed.data, ad, &plain, err)) != REDRESS_OK) {
		error_prefix(err, "%s's bank details", pseudonym);
		goto out;
	}
	while (plain.len > 0 && plain.data[plain.len - 1] == '\0')
		plain.len--;
	if ((rc = canon_read(&doc, plain.data, plain.len, err)) != REDRESS_OK)
		goto out;
	root = canon_root(&doc);
	if ((rc = canon_get_string_into(root, "account", b->account, sizeof(b->account), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(root, "bic", b->bic, sizeof(b->bic), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(root, "holder", b->holder, sizeof(b->holder), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(root, "iban", b->iban, sizeof(b->iban), err)) != REDRESS_OK)
		error_prefix(err, "%s's bank details", pseudonym);
out:
	canon_doc_free(&doc);
	seal_key_free(&key);
	plain_free(&plain);
	buf_free(&sealed);
	return rc;
}

/* ---- the fund's account ---- */

enum redress_err
payments_debtor_set(struct tlog *log, const struct actor *actor, const struct payments_debtor *d,
                    struct redress_error *err)
{
	struct program p;
	struct buf data;
	struct canon c;
	enum redress_err rc;

	struct payments_debtor with;

	if ((rc = users_require(actor, PERM_LEDGER_WRITE, err)) != REDRESS_OK ||
	    (rc = program_get(tlog_store(log), d->program, &p, err)) != REDRESS_OK)
		return rc;
	with = *d;
	if (with.account[0] != '\0' && with.scheme[0] == '\0')
		snprintf(with.scheme, sizeof(with.scheme), "BBAN");
	if ((rc = payments_debtor_check(&with, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, PAYMENTS_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	if (with.account[0] != '\0') {
		canon_key(&c, "account");
		canon_string(&c, with.account);
	}
	canon_key(&c, "bic");
	canon_string(&c, with.bic);
	canon_key(&c, "iban");
	canon_string(&c, with.iban);
	canon_key(&c, "name");
	canon_string(&c, with.name);
	canon_key(&c, "program");
	canon_string(&c, with.program);
	if (with.account[0] != '\0') {
		canon_key(&c, "scheme");
		canon_string(&c, with.scheme);
	}
	canon_object_end(&c);
	rc = append_apply(log, PAYMENTS_EV_DEBTOR, &c, &data, err);
	buf_free(&data);
	return rc;
}

/* ---- batches ---- */

struct candidates {
	struct tlog *log;
	struct store *store;
	uint64_t limit;
	struct payments_batch_run *run;
	int any_merged; /* asked once: else nobody is looked up */
	struct entitlement *items;
	size_t n, cap;
};

static enum redress_err
candidate(void *ctx, const struct entitlement *e, const struct registry_person *p, struct redress_error *err)
{
	struct candidates *c = ctx;
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	struct buf sealed;
	struct redress_error ignored;
	enum redress_err rc;

	if (c->limit != 0 && c->n >= c->limit)
		return REDRESS_OK;
	if (p->status != REGISTRY_ALIVE) {
		c->run->deceased++;
		return REDRESS_OK;
	}
	/* Booked before she was merged into another person: held until staff decide on that file. */
	into[0] = '\0';
	if (c->any_merged &&
	    (rc = dups_merged_into_log(c->log, e->beneficiary, into, NULL, err)) != REDRESS_OK)
		return rc;
	if (into[0] != '\0') {
		c->run->merged++;
		return REDRESS_OK;
	}
	buf_init(&sealed, 8192);
	rc = payments_bank_sealed(c->store, e->beneficiary, &sealed, &ignored);
	buf_free(&sealed);
	if (rc == REDRESS_E_NOTFOUND) {
		c->run->no_bank++;
		return REDRESS_OK;
	}
	if (rc != REDRESS_OK) {
		*err = ignored;
		return rc;
	}
	if (c->n == PAYMENTS_BATCH_MAX)
		return REDRESS_OK; /* the rest wait for the next batch */
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct entitlement *items = realloc(c->items, cap * sizeof(*items));

		if (items == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory making a batch");
		c->items = items;
		c->cap = cap;
	}
	c->items[c->n++] = *e;
	return REDRESS_OK;
}

static enum redress_err
order_one(struct tlog *log, const struct program *p, const char *batch, size_t i, const struct entitlement *e,
          struct redress_error *err)
{
	char id[PAYMENTS_ORDER_ID_MAX + 1], amount[MONEY_TEXT_SIZE], ref[LEDGER_REF_MAX + 1];
	struct ledger_transfer_request req;
	struct buf data;
	struct canon c;
	enum redress_err rc;

	snprintf(id, sizeof(id), "%s-%06zu", batch, i + 1);
	snprintf(ref, sizeof(ref), "payment of %.64s", e->id);
	money_format(e->amount, currency_find(e->currency, NULL), amount, sizeof(amount));
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.from = p->fund;
	req.to = p->payable;
	req.amount = amount;
	req.pending = 1;
	req.ref = ref;
	if ((rc = ledger_transfer_create(log, &req, NULL, NULL, err)) != REDRESS_OK ||
	    (rc = entitlements_payment_state(log, e->id, ENTITLEMENT_BATCHED, NULL, NULL, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, PAYMENTS_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "amount");
	canon_int(&c, e->amount);
	canon_key(&c, "batch");
	canon_string(&c, batch);
	canon_key(&c, "beneficiary");
	canon_string(&c, e->beneficiary);
	canon_key(&c, "currency");
	canon_string(&c, e->currency);
	canon_key(&c, "entitlement");
	canon_string(&c, e->id);
	canon_key(&c, "id");
	canon_string(&c, id);
	canon_object_end(&c);
	rc = append_apply(log, PAYMENTS_EV_ORDER, &c, &data, err);
	buf_free(&data);
	return rc;
}

enum redress_err
payments_batch(struct tlog *log, const struct actor *actor, const char *program, uint64_t limit,
               struct payments_batch_run *run_r, struct redress_error *err)
{
	struct candidates cands;
	struct program p;
	struct buf data;
	struct canon c;
	uint64_t batches;
	enum redress_err rc;
	size_t i;

	memset(run_r, 0, sizeof(*run_r));
	memset(&cands, 0, sizeof(cands));
	if ((rc = users_require(actor, PERM_LEDGER_WRITE, err)) != REDRESS_OK ||
	    (rc = program_get(tlog_store(log), program, &p, err)) != REDRESS_OK ||
	    (rc = dups_any_merged_log(log, &cands.any_merged, err)) != REDRESS_OK)
		return rc;
	memcpy(run_r->currency, p.currency, sizeof(run_r->currency));
	cands.log = log;
	cands.store = tlog_store(log);
	cands.limit = limit;
	cands.run = run_r;
	if ((rc = entitlements_queue(tlog_store(log), program, candidate, &cands, err)) != REDRESS_OK ||
	    cands.n == 0)
		goto out;
	if ((rc = payments_batch_count(tlog_store(log), &batches, err)) != REDRESS_OK)
		goto out;
	snprintf(run_r->id, sizeof(run_r->id), "B-%06llu", (unsigned long long)batches + 1);
	buf_init(&data, PAYMENTS_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "currency");
	canon_string(&c, p.currency);
	canon_key(&c, "id");
	canon_string(&c, run_r->id);
	canon_key(&c, "program");
	canon_string(&c, p.code);
	canon_object_end(&c);
	rc = append_apply(log, PAYMENTS_EV_BATCH, &c, &data, err);
	buf_free(&data);
	for (i = 0; rc == REDRESS_OK && i < cands.n; i++) {
		if ((rc = order_one(log, &p, run_r->id, i, &cands.items[i], err)) == REDRESS_OK)
			rc = money_add(run_r->total, cands.items[i].amount, &run_r->total, err);
		run_r->orders++;
	}
out:
	free(cands.items);
	return rc;
}

/* ---- export ---- */

struct pending_list {
	struct payments_order *items;
	size_t n, cap;
};

static enum redress_err
collect_pending(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	struct pending_list *l = ctx;

	if (o->state != PAYMENTS_PENDING)
		return REDRESS_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct payments_order *items = realloc(l->items, cap * sizeof(*items));

		if (items == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory reading a batch");
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = *o;
	return REDRESS_OK;
}

enum redress_err
payments_export(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                const char *batch, const char *now, struct buf *out, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct pending_list l = {NULL, 0, 0};
	struct payments_batch_info b;
	struct payments_debtor d;
	struct payments_bank *banks = NULL;
	struct payments_pain_tx *tx = NULL;
	struct program p;
	struct hash_sha256 ids;
	uint8_t digest[HASH_SHA256_SIZE];
	char msg_id[PAYMENTS_MSG_ID_MAX + 1], exec_date[11], sha[65];
	char remittance[PAYMENTS_TEXT_SIZE(PAYMENTS_HOLDER_MAX)];
	struct buf data;
	struct canon c;
	enum redress_err rc;
	size_t i;

	buf_init(&data, PAYMENTS_EVENT_DATA_MAX);
	if ((rc = users_require(actor, PERM_LEDGER_WRITE, err)) != REDRESS_OK ||
	    (rc = payments_batch_get(store, batch, &b, err)) != REDRESS_OK ||
	    (rc = program_get(store, b.program, &p, err)) != REDRESS_OK ||
	    (rc = payments_debtor_get(store, b.program, &d, err)) != REDRESS_OK ||
	    (rc = payments_orders_each(store, batch, collect_pending, &l, err)) != REDRESS_OK)
		goto out;
	if (l.n == 0) {
		rc = error_set(
		    err, REDRESS_E_CONFLICT,
		    "batch %s has no payment still pending: %llu settled, %llu returned; nothing to send",
		    batch, (unsigned long long)b.settled, (unsigned long long)b.returned);
		goto out;
	}
	if ((banks = calloc(l.n, sizeof(*banks))) == NULL || (tx = calloc(l.n, sizeof(*tx))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory exporting %s", batch);
		goto out;
	}
	/* Ustrd is Max140Text: the program's name, cut at a character, never inside one. */
	text_copy_chars(remittance, sizeof(remittance), p.name, PAYMENTS_HOLDER_MAX);
	hash_sha256_init(&ids);
	for (i = 0; i < l.n; i++) {
		if ((rc = bank_open(store, keys, l.items[i].beneficiary, &banks[i], err)) != REDRESS_OK)
			goto out;
		tx[i].e2e = l.items[i].id;
		tx[i].amount = l.items[i].amount;
		tx[i].bank = &banks[i];
		tx[i].remittance = remittance;
		hash_sha256_update(&ids, l.items[i].id, strlen(l.items[i].id) + 1);
	}
	/*
	 * The message id names the batch and the set of orders still pending:
	 * the same orders sent twice carry the same id, which the bank refuses
	 * as a duplicate, while a batch sent again after returns is a new message.
	 */
	hash_sha256_final(&ids, digest);
	snprintf(msg_id, sizeof(msg_id), "%s-%02x%02x%02x%02x%02x%02x", batch, digest[0], digest[1],
	         digest[2], digest[3], digest[4], digest[5]);
	memcpy(exec_date, now, 10);
	exec_date[10] = '\0';
	if ((rc = payments_pain001_write(out, &d, msg_id, batch, now, exec_date, b.currency, tx, l.n, err)) !=
	    REDRESS_OK)
		goto out;
	sha256_hex(out->data, out->len, sha);
	/* Who opened these bank details, and when, is on the log. */
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "batch");
	canon_string(&c, batch);
	canon_key(&c, "format");
	canon_string(&c, "pain.001.001.09");
	canon_key(&c, "orders");
	canon_int(&c, (int64_t)l.n);
	canon_key(&c, "sha256");
	canon_string(&c, sha);
	canon_object_end(&c);
	rc = append_apply(log, PAYMENTS_EV_EXPORTED, &c, &data, err);
out:
	if (banks != NULL)
		explicit_bzero(banks, l.n * sizeof(*banks));
	free(banks);
	free(tx);
	free(l.items);
	buf_free(&data);
	return rc;
}

/* ---- import ---- */

/* The bank's amount text as minor units of cur: trailing zeros beyond the exponent are fine. */
static enum redress_err
bank_amount(const char *text, const struct currency *cur, int64_t *minor_r, struct redress_error *err)
{
	char t[40];
	size_t n;

	text_copy(t, sizeof(t), text);
	if (strchr(t, '.') != NULL) {
		n = strlen(t);
		while (n > 0 && t[n - 1] == '0')
			t[--n] = '\0';
		if (n > 0 && t[n - 1] == '.')
			t[--n] = '\0';
	}
	return money_parse(t, cur, minor_r, err);
}

static enum redress_err
resolve_event(struct tlog *log, const char *type, const char *id, const char *booked_on, const char *reason,
              const char *sha, struct redress_error *err)
{
	struct buf data;
	struct canon c;
	enum redress_err rc;

	buf_init(&data, PAYMENTS_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	if (booked_on != NULL) {
		canon_key(&c, "booked_on");
		canon_string(&c, booked_on);
	}
	canon_key(&c, "id");
	canon_string(&c, id);
	canon_key(&c, "import");
	canon_string(&c, sha);
	if (reason != NULL) {
		canon_key(&c, "reason");
		canon_string(&c, reason);
	}
	canon_object_end(&c);
	rc = append_apply(log, type, &c, &data, err);
	buf_free(&data);
	return rc;
}

/*
 * A payment the bank booked and later returned (a camt.054 credit with
 * return information for a settled order): the posted transfer cannot be
 * voided, so a reversal ("ID-R", payable <- fund, posted) books the money
 * back and the payable owes it again; the entitlement goes back to the
 * queue as returned.
 */
static enum redress_err
return_settled(struct tlog *log, const char *name, const char *sha, const struct payments_bank_entry *e,
               const struct payments_order *o, struct payments_import_run *run, struct redress_error *err)
{
	char id[LEDGER_ID_MAX + 1], amount[MONEY_TEXT_SIZE], ref[LEDGER_REF_MAX + 1];
	struct ledger_transfer_request req;
	struct ledger_transfer t;
	enum redress_err rc;

	if ((rc = ledger_transfer_get(tlog_store(log), o->id, &t, err)) != REDRESS_OK)
		return error_prefix(err, "%s: line %ld", name, e->line);
	snprintf(id, sizeof(id), "%s-R", o->id);
	snprintf(ref, sizeof(ref), "returned by the bank (%s) after settlement: %.40s", e->reason, o->id);
	money_format(o->amount, currency_find(o->currency, NULL), amount, sizeof(amount));
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.from = t.debit; /* the payable, debited by the payment, is credited back */
	req.to = t.credit;  /* the fund gets the money back */
	req.amount = amount;
	req.ref = ref;
	if ((rc = ledger_transfer_create(log, &req, NULL, NULL, err)) != REDRESS_OK ||
	    (rc = entitlements_payment_state(log, o->entitlement, ENTITLEMENT_RETURNED, NULL, e->reason,
	                                     err)) != REDRESS_OK ||
	    (rc = resolve_event(log, PAYMENTS_EV_RETURNED, o->id, NULL, e->reason, sha, err)) != REDRESS_OK)
		return error_prefix(err, "%s: line %ld", name, e->line);
	run->returned++;
	return REDRESS_OK;
}

/*
 * A whole batch rejected by the bank (pain.002 at the group or payment
 * information level): every order of it still at the bank is returned with
 * the reason; one already returned stays so; one the bank had booked makes
 * the file a contradiction.
 */
static enum redress_err
reject_batch(struct tlog *log, const char *name, const char *sha, const struct payments_bank_entry *e,
             struct payments_import_run *run, struct redress_error *err)
{
	struct pending_list l = {NULL, 0, 0};
	struct payments_batch_info b;
	struct redress_error e2;
	enum redress_err rc;
	size_t i;

	if (payments_batch_get(tlog_store(log), e->batch, &b, &e2) != REDRESS_OK) {
		if (e2.code != REDRESS_E_NOTFOUND) {
			*err = e2;
			return err->code;
		}
		return error_set(err, REDRESS_E_NOTFOUND,
		                 "%s: line %ld: '%s' is no payment batch of this fund; nothing was imported",
		                 name, e->line, e->batch);
	}
	if (b.settled > 0)
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "%s: line %ld: the bank rejects batch %s whole, but booked %llu of its payments"
		    " before; nothing was imported",
		    name, e->line, b.id, (unsigned long long)b.settled);
	if ((rc = payments_orders_each(tlog_store(log), b.id, collect_pending, &l, err)) != REDRESS_OK)
		goto out;
	run->unchanged += b.returned;
	for (i = 0; i < l.n && rc == REDRESS_OK; i++) {
		if ((rc = ledger_transfer_void(log, l.items[i].id, NULL, err)) != REDRESS_OK ||
		    (rc = entitlements_payment_state(log, l.items[i].entitlement, ENTITLEMENT_RETURNED, NULL,
		                                     e->reason, err)) != REDRESS_OK ||
		    (rc = resolve_event(log, PAYMENTS_EV_RETURNED, l.items[i].id, NULL, e->reason, sha,
		                        err)) != REDRESS_OK) {
			error_prefix(err, "%s: line %ld", name, e->line);
			break;
		}
		run->returned++;
	}
out:
	free(l.items);
	return rc;
}

/* An entry that is not ours: counted, and its amount summed (checked), never booked. */
static enum redress_err
count_foreign(const char *name, const struct payments_bank_entry *e, struct payments_import_run *run,
              struct redress_error *err)
{
	const struct currency *cur;
	struct redress_error e2;
	int64_t minor, *total;
	enum redress_err rc;

	run->foreign++;
	if (e->credit)
		run->foreign_in++;
	else
		run->foreign_out++;
	if (!e->has_amount) {
		run->foreign_unsummed++;
		return REDRESS_OK;
	}
	if (run->foreign_currency[0] == '\0')
		memcpy(run->foreign_currency, e->currency, sizeof(run->foreign_currency));
	if (strcmp(run->foreign_currency, e->currency) != 0) {
		run->foreign_mixed = 1;
		return REDRESS_OK;
	}
	/* Not ours to judge: an amount finer than its currency's unit is counted, not summed. */
	if ((cur = currency_find(e->currency, &e2)) == NULL ||
	    bank_amount(e->amount, cur, &minor, &e2) != REDRESS_OK) {
		run->foreign_unsummed++;
		return REDRESS_OK;
	}
	total = e->credit ? &run->foreign_in_total : &run->foreign_out_total;
	if ((rc = money_add(*total, minor, total, err)) != REDRESS_OK)
		return error_prefix(err, "%s: line %ld: the entries not ours", name, e->line);
	return REDRESS_OK;
}

/* One entry of a bank file against its order. */
static enum redress_err
import_entry(struct tlog *log, const char *name, const char *sha, const struct payments_bank_entry *e,
             struct payments_import_run *run, struct redress_error *err)
{
	struct payments_order o;
	struct redress_error e2;
	int64_t minor;
	enum redress_err rc;

	if (e->what == PAYMENTS_BANK_FOREIGN)
		return count_foreign(name, e, run, err);
	if (e->e2e[0] == '\0')
		return reject_batch(log, name, sha, e, run, err);
	if (payments_order_get(tlog_store(log), e->e2e, &o, &e2) != REDRESS_OK) {
		if (e2.code != REDRESS_E_NOTFOUND) {
			*err = e2;
			return err->code;
		}
		return error_set(
		    err, REDRESS_E_NOTFOUND,
		    "%s: line %ld: end-to-end id '%s' is no payment order of this fund; nothing was"
		    " imported",
		    name, e->line, e->e2e);
	}
	if (e->has_amount) {
		if (strcmp(e->currency, o.currency) != 0 ||
		    bank_amount(e->amount, currency_find(o.currency, NULL), &minor, &e2) != REDRESS_OK ||
		    minor != o.amount) {
			char want[MONEY_TEXT_SIZE];

			money_format(o.amount, currency_find(o.currency, NULL), want, sizeof(want));
			return error_set(
			    err, REDRESS_E_CONFLICT,
			    "%s: line %ld: end-to-end id '%s': the bank's amount %.30s %s is not the"
			    " order's %s %s; nothing was imported",
			    name, e->line, e->e2e, e->amount, e->currency, want, o.currency);
		}
	}
	if (e->what == PAYMENTS_BANK_STATUS) {
		run->ignored++;
		return REDRESS_OK;
	}
	if (o.state != PAYMENTS_PENDING) {
		/* Already what this file says: nothing to do.  Anything else contradicts the books. */
		if (e->what == PAYMENTS_BANK_SETTLE && o.state == PAYMENTS_SETTLED &&
		    strcmp(o.booked_on, e->date) == 0) {
			run->unchanged++;
			return REDRESS_OK;
		}
		if (e->what != PAYMENTS_BANK_SETTLE && o.state == PAYMENTS_RETURNED &&
		    strcmp(o.reason, e->reason) == 0) {
			run->unchanged++;
			return REDRESS_OK;
		}
		/*
		 * A booking of an order booked and then returned (its transfer
		 * posted, and reversed by "ID-R"): a later file, say the day's
		 * camt.053, telling the booking again.  Already so.
		 */
		if (e->what == PAYMENTS_BANK_SETTLE && o.state == PAYMENTS_RETURNED) {
			struct ledger_transfer t;

			if (ledger_transfer_get(tlog_store(log), o.id, &t, &e2) == REDRESS_OK &&
			    t.state == LEDGER_POSTED) {
				run->unchanged++;
				return REDRESS_OK;
			}
		}
		if (o.state == PAYMENTS_SETTLED && e->what == PAYMENTS_BANK_RETURN)
			return return_settled(log, name, sha, e, &o, run, err);
		if (o.state == PAYMENTS_SETTLED)
			return error_set(
			    err, REDRESS_E_CONFLICT,
			    "%s: line %ld: payment %s was settled on %s; this file says otherwise;"
			    " nothing was imported",
			    name, e->line, o.id, o.booked_on);
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "%s: line %ld: payment %s was returned by the bank (%s); this file says otherwise;"
		    " nothing was imported",
		    name, e->line, o.id, o.reason);
	}
	if (e->what == PAYMENTS_BANK_SETTLE) {
		if ((rc = ledger_transfer_post(log, o.id, NULL, err)) != REDRESS_OK ||
		    (rc = entitlements_payment_state(log, o.entitlement, ENTITLEMENT_PAID, e->date, NULL,
		                                     err)) != REDRESS_OK ||
		    (rc = resolve_event(log, PAYMENTS_EV_SETTLED, o.id, e->date, NULL, sha, err)) !=
		        REDRESS_OK)
			return error_prefix(err, "%s: line %ld", name, e->line);
		run->settled++;
		return REDRESS_OK;
	}
	if ((rc = ledger_transfer_void(log, o.id, NULL, err)) != REDRESS_OK ||
	    (rc = entitlements_payment_state(log, o.entitlement, ENTITLEMENT_RETURNED, NULL, e->reason,
	                                     err)) != REDRESS_OK ||
	    (rc = resolve_event(log, PAYMENTS_EV_RETURNED, o.id, NULL, e->reason, sha, err)) != REDRESS_OK)
		return error_prefix(err, "%s: line %ld", name, e->line);
	run->returned++;
	return REDRESS_OK;
}

enum redress_err
payments_import(struct tlog *log, const struct actor *actor, const char *name, const char *bytes, size_t len,
                struct payments_import_run *run_r, struct redress_error *err)
{
	struct payments_bank_file f;
	struct buf data;
	struct canon c;
	int seen;
	enum redress_err rc;
	size_t i;

	memset(run_r, 0, sizeof(*run_r));
	memset(&f, 0, sizeof(f));
	if ((rc = users_require(actor, PERM_LEDGER_WRITE, err)) != REDRESS_OK)
		return rc;
	if (len > PAYMENTS_XML_MAX)
		return error_set(err, REDRESS_E_INVALID, "%s is %zu bytes; a bank file may have at most %u",
		                 name, len, PAYMENTS_XML_MAX);
	sha256_hex(bytes, len, run_r->sha256);
	if ((rc = payments_import_seen(tlog_store(log), run_r->sha256, &seen, err)) != REDRESS_OK)
		return rc;
	if ((rc = payments_bank_file_read(bytes, len, name, &f, err)) != REDRESS_OK)
		goto out;
	text_copy(run_r->kind, sizeof(run_r->kind), f.kind);
	if (seen) {
		run_r->already = 1;
		goto out;
	}
	run_r->ignored = f.ignored;
	for (i = 0; i < f.n; i++)
		if ((rc = import_entry(log, name, run_r->sha256, &f.entries[i], run_r, err)) != REDRESS_OK)
			goto out;
	buf_init(&data, PAYMENTS_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "kind");
	canon_string(&c, f.kind);
	canon_key(&c, "msg_id");
	canon_string(&c, f.msg_id);
	if (run_r->foreign > 0) {
		canon_key(&c, "not_ours");
		canon_int(&c, (int64_t)run_r->foreign);
	}
	canon_key(&c, "returned");
	canon_int(&c, (int64_t)run_r->returned);
	canon_key(&c, "settled");
	canon_int(&c, (int64_t)run_r->settled);
	canon_key(&c, "sha256");
	canon_string(&c, run_r->sha256);
	canon_key(&c, "unchanged");
	canon_int(&c, (int64_t)run_r->unchanged);
	canon_object_end(&c);
	rc = append_apply(log, PAYMENTS_EV_IMPORTED, &c, &data, err);
	buf_free(&data);
out:
	payments_bank_file_free(&f);
	return rc;
}
