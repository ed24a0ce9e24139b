/*
 * payments_apply.c -- the payments module's events and tables: decoding
 * each event (every field checked, unknown fields refused), applying it
 * (the commands in payments.c and audit's replay write the tables through
 * the same functions, so the tables are by construction what the log
 * says), and audit's fold.
 *
 * The fold replays the module's events into a private in-memory database
 * with this same apply code and hashes its tables: payments are few
 * beside the ledger and the registry, and one code path for the tables
 * leaves no room for the fold and the commands to disagree.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments_int.h"
#include "log/audit.h"

static const char payments_schema[] =
    "CREATE TABLE IF NOT EXISTS payments_debtors ("
    " program TEXT PRIMARY KEY, name TEXT NOT NULL, iban TEXT NOT NULL, bic TEXT NOT NULL,"
    " set_seq INTEGER NOT NULL);"
    /* The fund's account where it has no IBAN: its number and scheme (iban is then ""). */
    "CREATE TABLE IF NOT EXISTS payments_debtor_accounts ("
    " program TEXT PRIMARY KEY, account TEXT NOT NULL, scheme TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS payments_bank ("
    " pseudonym TEXT PRIMARY KEY, sealed TEXT NOT NULL, recorded_seq INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS payments_batches ("
    " id TEXT PRIMARY KEY, program TEXT NOT NULL, currency TEXT NOT NULL, created_seq INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS payments_orders ("
    " id TEXT PRIMARY KEY, batch TEXT NOT NULL, entitlement TEXT NOT NULL, beneficiary TEXT NOT NULL,"
    " amount INTEGER NOT NULL CHECK (amount > 0), currency TEXT NOT NULL, state TEXT NOT NULL,"
    " booked_on TEXT, reason TEXT, import TEXT, created_seq INTEGER NOT NULL, resolved_seq INTEGER);"
    "CREATE INDEX IF NOT EXISTS payments_orders_batch ON payments_orders (batch);"
    "CREATE INDEX IF NOT EXISTS payments_orders_entitlement ON payments_orders (entitlement, state);"
    "CREATE TABLE IF NOT EXISTS payments_imports ("
    " sha256 TEXT PRIMARY KEY, kind TEXT NOT NULL, msg_id TEXT NOT NULL, settled INTEGER NOT NULL,"
    " returned INTEGER NOT NULL, unchanged INTEGER NOT NULL, imported_seq INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS payments_exports ("
    " seq INTEGER PRIMARY KEY, batch TEXT NOT NULL, format TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " orders INTEGER NOT NULL, actor TEXT NOT NULL);";

#define ORDER_COLUMNS                                                                                        \
	"id, batch, entitlement, beneficiary, amount, currency, state, booked_on, reason, import, "          \
	"created_seq,"                                                                                       \
	" resolved_seq"

/* The module's statements, by id (enum payments_statement in payments_int.h). */
static const struct store_statement payments_statements[PAYMENTS_Q_COUNT] = {
    [PAYMENTS_Q_DEBTOR_PUT] = {.name = "payments.debtor.put",
                               .sql = "INSERT INTO payments_debtors (program, name, iban, bic, set_seq)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (program) DO UPDATE SET"
                                      " name = ?2, iban = ?3, bic = ?4, set_seq = ?5",
                               .columns = ""},
    [PAYMENTS_Q_DEBTOR_GET] =
        {.name = "payments.debtor.get",
         .sql = "SELECT d.program, d.name, d.iban, d.bic, a.account, a.scheme FROM payments_debtors d"
                " LEFT JOIN payments_debtor_accounts a ON a.program = d.program"
                " WHERE d.program = ?1",
         .columns = "tttttt"},
    [PAYMENTS_Q_DEBTOR_ACCOUNT_PUT] = {.name = "payments.debtor.account.put",
                                       .sql =
                                           "INSERT INTO payments_debtor_accounts (program, account, scheme)"
                                           " VALUES (?1, ?2, ?3) ON CONFLICT (program) DO UPDATE SET"
                                           " account = ?2, scheme = ?3",
                                       .columns = ""},
    [PAYMENTS_Q_DEBTOR_ACCOUNT_DEL] = {.name = "payments.debtor.account.del",
                                       .sql = "DELETE FROM payments_debtor_accounts WHERE program = ?1",
                                       .columns = ""},
    [PAYMENTS_Q_BANK_PUT] =
        {.name = "payments.bank.put",
         .sql = "INSERT INTO payments_bank (pseudonym, sealed, recorded_seq) VALUES (?1, ?2, ?3)"
                " ON CONFLICT (pseudonym) DO UPDATE SET sealed = ?2, recorded_seq = ?3",
         .columns = ""},
    [PAYMENTS_Q_BANK_GET] = {.name = "payments.bank.get",
                             .sql = "SELECT sealed FROM payments_bank WHERE pseudonym = ?1",
                             .columns = "t"},
    [PAYMENTS_Q_BATCH_INSERT] =
        {.name = "payments.batch.insert",
         .sql = "INSERT INTO payments_batches (id, program, currency, created_seq) VALUES (?1, ?2, ?3, ?4)",
         .columns = ""},
    [PAYMENTS_Q_BATCH_GET] =
        {.name = "payments.batch.get",
         .sql = "SELECT id, program, currency, created_seq FROM payments_batches WHERE id = ?1",
         .columns = "ttti"},
    [PAYMENTS_Q_BATCH_LIST] = {.name = "payments.batch.list",
                               .sql = "SELECT id FROM payments_batches ORDER BY id DESC",
                               .columns = "t"},
    [PAYMENTS_Q_BATCH_COUNT] = {.name = "payments.batch.count",
                                .sql = "SELECT count(*) FROM payments_batches",
                                .columns = "i"},
    [PAYMENTS_Q_BATCH_FIGURES] =
        {.name = "payments.batch.figures",
         .sql = "SELECT state, count(*), sum(amount) FROM payments_orders WHERE batch = ?1"
                " GROUP BY state",
         .columns = "tii"},
    [PAYMENTS_Q_BATCH_EXPORTS] = {.name = "payments.batch.exports",
                                  .sql = "SELECT count(*) FROM payments_exports WHERE batch = ?1",
                                  .columns = "i"},
    [PAYMENTS_Q_ORDER_INSERT] = {.name = "payments.order.insert",
                                 .sql = "INSERT INTO payments_orders (" ORDER_COLUMNS ") VALUES"
                                        " (?1, ?2, ?3, ?4, ?5, ?6, 'pending', NULL, NULL, NULL, ?7, NULL)",
                                 .columns = ""},
    [PAYMENTS_Q_ORDER_RESOLVE] =
        {.name = "payments.order.resolve",
         .sql = "UPDATE payments_orders SET state = ?2, booked_on = ?3, reason = ?4, import = ?5,"
                " resolved_seq = ?6 WHERE id = ?1 AND (state = 'pending' OR (?2 = 'returned' AND state = "
                "'settled'))",
         .columns = ""},
    [PAYMENTS_Q_ORDER_GET] = {.name = "payments.order.get",
                              .sql = "SELECT " ORDER_COLUMNS " FROM payments_orders WHERE id = ?1",
                              .columns = "ttttitttttii"},
    [PAYMENTS_Q_ORDERS_OF] = {.name = "payments.orders.of",
                              .sql = "SELECT " ORDER_COLUMNS
                                     " FROM payments_orders WHERE batch = ?1 ORDER BY id",
                              .columns = "ttttitttttii"},
    [PAYMENTS_Q_IMPORT_INSERT] =
        {.name = "payments.import.insert",
         .sql =
             "INSERT INTO payments_imports (sha256, kind, msg_id, settled, returned, unchanged, imported_seq)"
             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
         .columns = ""},
    [PAYMENTS_Q_IMPORT_GET] = {.name = "payments.import.get",
                               .sql = "SELECT 1 FROM payments_imports WHERE sha256 = ?1",
                               .columns = "i"},
    [PAYMENTS_Q_EXPORT_INSERT] = {.name = "payments.export.insert",
                                  .sql = "INSERT INTO payments_exports (seq, batch, format, "
                                         "sha256, orders, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                  .columns = ""},
    [PAYMENTS_Q_PENDING_FOR] = {.name = "payments.pending_for",
                                .sql = "SELECT 1 FROM payments_orders WHERE entitlement = ?1"
                                       " AND state = 'pending' LIMIT 1",
                                .columns = "i"},
    [PAYMENTS_Q_SNAP_DEBTORS] = {.name = "payments_debtors",
                                 .sql = "SELECT program, name, iban, bic, set_seq FROM"
                                        " payments_debtors ORDER BY program",
                                 .columns = "tttti"},
    [PAYMENTS_Q_SNAP_DEBTOR_ACCOUNTS] =
        {.name = "payments_debtor_accounts",
         .sql = "SELECT program, account, scheme FROM payments_debtor_accounts ORDER BY program",
         .columns = "ttt"},
    [PAYMENTS_Q_SNAP_BANK] =
        {.name = "payments_bank",
         .sql = "SELECT pseudonym, sealed, recorded_seq FROM payments_bank ORDER BY pseudonym",
         .columns = "tti"},
    [PAYMENTS_Q_SNAP_BATCHES] =
        {.name = "payments_batches",
         .sql = "SELECT id, program, currency, created_seq FROM payments_batches ORDER BY id",
         .columns = "ttti"},
    [PAYMENTS_Q_SNAP_ORDERS] = {.name = "payments_orders",
                                .sql = "SELECT " ORDER_COLUMNS " FROM payments_orders ORDER BY id",
                                .columns = "ttttitttttii"},
    [PAYMENTS_Q_SNAP_IMPORTS] =
        {.name = "payments_imports",
         .sql = "SELECT sha256, kind, msg_id, settled, returned, unchanged, imported_seq FROM"
                " payments_imports ORDER BY sha256",
         .columns = "tttiiii"},
    [PAYMENTS_Q_SNAP_EXPORTS] =
        {.name = "payments_exports",
         .sql = "SELECT seq, batch, format, sha256, orders, actor FROM payments_exports ORDER BY seq",
         .columns = "itttit"},
};

const struct store_catalogue payments_catalogue = {"payments", payments_statements,
                                                   STORE_COUNT(payments_statements)};

/* What audit checks across modules: each order against its ledger transfer and its entitlement. */

static const char *const order_state_names[] = {
    [PAYMENTS_PENDING] = "pending",
    [PAYMENTS_SETTLED] = "settled",
    [PAYMENTS_RETURNED] = "returned",
};

const char *
payments_order_state_name(enum payments_order_state state)
{
	return (size_t)state < sizeof(order_state_names) / sizeof(order_state_names[0])
	           ? order_state_names[state]
	           : "?";
}

int
payments_order_state_parse(const char *text, enum payments_order_state *state_r)
{
	size_t i;

	for (i = 0; i < sizeof(order_state_names) / sizeof(order_state_names[0]); i++)
		if (strcmp(text, order_state_names[i]) == 0) {
			*state_r = (enum payments_order_state)i;
			return 1;
		}
	return 0;
}

/* ---- reads ---- */

/* An order as order_next reads it: the struct, and the columns it keeps otherwise. */
struct order_read {
	struct payments_order o;
	char state[16];
	int64_t created_seq, resolved_seq;
};

#define ORDER_FIELD(member) STORE_FIELD(struct order_read, member)

static const struct store_field order_fields[] = {
    ORDER_FIELD(o.id),     ORDER_FIELD(o.batch),    ORDER_FIELD(o.entitlement), ORDER_FIELD(o.beneficiary),
    ORDER_FIELD(o.amount), ORDER_FIELD(o.currency), ORDER_FIELD(state),         ORDER_FIELD(o.booked_on),
    ORDER_FIELD(o.reason), ORDER_FIELD(o.import),   ORDER_FIELD(created_seq),   ORDER_FIELD(resolved_seq),
};

/* Steps st (PAYMENTS_Q_ORDER_GET or _ORDERS_OF) and reads its row into *o, as store_read(). */
static enum store_step_result
order_next(struct store_stmt *st, struct payments_order *o, struct redress_error *err)
{
	struct order_read r;
	enum store_step_result s;

	memset(&r, 0, sizeof(r));
	if ((s = store_read(st, order_fields, &r, err)) != STORE_ROW)
		return s;
	*o = r.o;
	if (!payments_order_state_parse(r.state, &o->state))
		o->state = PAYMENTS_PENDING; /* unreachable for rows written here; audit names such a row */
	return STORE_ROW;
}

enum redress_err
payments_order_get(struct store *store, const char *id, struct payments_order *o_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_ORDER_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	switch (order_next(st, o_r, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no payment order '%.40s'", id);
	default: return err->code;
	}
}

enum redress_err
payments_orders_each(struct store *store, const char *batch,
                     enum redress_err (*fn)(void *ctx, const struct payments_order *o,
                                            struct redress_error *err),
                     void *ctx, struct redress_error *err)
{
	struct payments_order o;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_ORDERS_OF, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, batch);
	while ((r = order_next(st, &o, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &o, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* PAYMENTS_Q_DEBTOR_GET's columns, each text cut to its field as before. */
static const struct store_field debtor_fields[] = {
    STORE_FIELD_CUT(struct payments_debtor, program), STORE_FIELD_CUT(struct payments_debtor, name),
    STORE_FIELD_CUT(struct payments_debtor, iban),    STORE_FIELD_CUT(struct payments_debtor, bic),
    STORE_FIELD_CUT(struct payments_debtor, account), STORE_FIELD_CUT(struct payments_debtor, scheme),
};

/* A row of a text and up to two integers (PAYMENTS_Q_BANK_GET "t" ... _BATCH_FIGURES "tii"). */
struct labelled_row {
	const char *text; /* borrowed from the statement */
	int64_t n[2];
};

static const struct store_field labelled_fields[] = {
    STORE_FIELD_TEXT(struct labelled_row, text),
    STORE_FIELD(struct labelled_row, n[0]),
    STORE_FIELD(struct labelled_row, n[1]),
};

/* A row of one integer (PAYMENTS_Q_BATCH_COUNT, _BATCH_EXPORTS). */
static const struct store_field count_field[] = {STORE_FIELD_INT64_ROW};

enum redress_err
payments_debtor_get(struct store *store, const char *program, struct payments_debtor *d_r,
                    struct redress_error *err)
{
	struct payments_debtor d;
	struct store_stmt *st;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_DEBTOR_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	memset(&d, 0, sizeof(d));
	switch (store_read_one(st, debtor_fields, &d, err)) {
	case STORE_ROW: *d_r = d; return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND,
		                 "program '%.64s' has no bank account of the fund to pay from:"
		                 " set it with 'redress pay debtor'",
		                 program);
	default: return err->code;
	}
}

enum redress_err
payments_bank_sealed(struct store *store, const char *pseudonym, struct buf *out, struct redress_error *err)
{
	struct labelled_row row;
	struct store_stmt *st;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BANK_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	switch (store_read(st, labelled_fields, &row, err)) {
	case STORE_ROW: buf_puts(out, row.text); return buf_error(out, err);
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND,
		                 "%.16s has no bank details recorded ('redress person bank')", pseudonym);
	default: return err->code;
	}
}

enum redress_err
payments_import_seen(struct store *store, const char *sha256, int *seen_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_IMPORT_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, sha256);
	switch (store_step(st, err)) {
	case STORE_ROW: *seen_r = 1; return REDRESS_OK;
	case STORE_DONE: *seen_r = 0; return REDRESS_OK;
	default: return err->code;
	}
}

enum redress_err
payments_batch_count(struct store *store, uint64_t *n_r, struct redress_error *err)
{
	struct store_stmt *st;
	int64_t n;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BATCH_COUNT, err)) == NULL)
		return err->code;
	if (store_read(st, count_field, &n, err) != STORE_ROW)
		return err->code;
	*n_r = (uint64_t)n;
	return REDRESS_OK;
}

enum redress_err
payments_batch_get(struct store *store, const char *batch, struct payments_batch_info *b_r,
                   struct redress_error *err)
{
	static const struct store_field batch_fields[] = {
	    STORE_FIELD_CUT(struct payments_batch_info, id),
	    STORE_FIELD_CUT(struct payments_batch_info, program),
	    STORE_FIELD_CUT(struct payments_batch_info, currency),
	    STORE_FIELD(struct payments_batch_info, created_seq),
	};
	struct labelled_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum payments_order_state state;

	memset(b_r, 0, sizeof(*b_r));
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BATCH_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, batch);
	switch (store_read(st, batch_fields, b_r, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no payment batch '%.32s'", batch);
	default: return err->code;
	}
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BATCH_FIGURES, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, batch);
	while ((r = store_read(st, labelled_fields, &row, err)) == STORE_ROW) {
		uint64_t n = (uint64_t)row.n[0];
		int64_t sum = row.n[1];

		if (!payments_order_state_parse(row.text, &state))
			continue;
		switch (state) {
		case PAYMENTS_PENDING: b_r->pending = n, b_r->total_pending = sum; break;
		case PAYMENTS_SETTLED: b_r->settled = n, b_r->total_settled = sum; break;
		case PAYMENTS_RETURNED: b_r->returned = n, b_r->total_returned = sum; break;
		}
		b_r->orders += n;
		if (money_add(b_r->total, sum, &b_r->total, err) != REDRESS_OK)
			return err->code;
	}
	if (r != STORE_DONE)
		return err->code;
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BATCH_EXPORTS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, batch);
	if (store_read(st, count_field, &b_r->exports, err) != STORE_ROW)
		return err->code;
	return REDRESS_OK;
}

/* PAYMENTS_Q_BATCH_LIST's row, cut to a batch id's size as before. */
struct batch_id {
	char id[PAYMENTS_BATCH_ID_MAX + 1];
};

enum redress_err
payments_batch_each(struct store *store,
                    enum redress_err (*fn)(void *ctx, const char *id, struct redress_error *err), void *ctx,
                    struct redress_error *err)
{
	static const struct store_field id_field[] = {STORE_FIELD_CUT(struct batch_id, id)};
	struct batch_id row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BATCH_LIST, err)) == NULL)
		return err->code;
	while ((r = store_read(st, id_field, &row, err)) == STORE_ROW) {
		if ((rc = fn(ctx, row.id, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* ---- events: decoding and applying ---- */

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

static enum redress_err
bad(struct redress_error *err, const struct event *ev, const char *what)
{
	return error_set(err, REDRESS_E_INVALID, "event %llu (%s): %s", (unsigned long long)ev->seq, ev->type,
	                 what);
}

static enum redress_err
apply_debtor(struct store *store, const struct event *ev, struct redress_error *err)
{
	/* account and scheme: only for an account without an IBAN (iban is then ""). */
	static const char *const keys[] = {"account", "bic", "iban", "name", "program", "scheme", NULL};
	struct payments_debtor d;
	struct store_stmt *st;
	enum redress_err rc;

	memset(&d, 0, sizeof(d));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "program", d.program, sizeof(d.program), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "name", d.name, sizeof(d.name), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "iban", d.iban, sizeof(d.iban), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "bic", d.bic, sizeof(d.bic), err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "account", d.account, sizeof(d.account), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "scheme", d.scheme, sizeof(d.scheme), err)) !=
	        REDRESS_OK ||
	    (rc = payments_debtor_check(&d, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_DEBTOR_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, d.program);
	store_bind_text(st, 2, d.name);
	store_bind_text(st, 3, d.iban);
	store_bind_text(st, 4, d.bic);
	store_bind_int64(st, 5, (int64_t)ev->seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &payments_catalogue,
	                          d.account[0] != '\0' ? PAYMENTS_Q_DEBTOR_ACCOUNT_PUT
	                                               : PAYMENTS_Q_DEBTOR_ACCOUNT_DEL,
	                          err)) == NULL)
		return err->code;
	store_bind_text(st, 1, d.program);
	if (d.account[0] != '\0') {
		store_bind_text(st, 2, d.account);
		store_bind_text(st, 3, d.scheme);
	}
	return store_run(st, err);
}

static enum redress_err
apply_bank(struct store *store, const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"pseudonym", "sealed", NULL};
	const char *pseudonym, *sealed;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "pseudonym", &pseudonym, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "sealed", &sealed, err)) != REDRESS_OK)
		return rc;
	if (strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX || strncmp(sealed, "s1:", 3) != 0)
		return bad(err, ev, "a pseudonym and sealed bank details");
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BANK_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	store_bind_text(st, 2, sealed);
	store_bind_int64(st, 3, (int64_t)ev->seq);
	return store_run(st, err);
}

static enum redress_err
apply_batch(struct store *store, const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"currency", "id", "program", NULL};
	char id[PAYMENTS_BATCH_ID_MAX + 1], program[65], currency[CURRENCY_CODE_SIZE];
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", id, sizeof(id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "program", program, sizeof(program), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", currency, sizeof(currency), err)) != REDRESS_OK)
		return rc;
	if (currency_find(currency, err) == NULL)
		return err->code;
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_BATCH_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, program);
	store_bind_text(st, 3, currency);
	store_bind_int64(st, 4, (int64_t)ev->seq);
	return store_run(st, err);
}

static enum redress_err
apply_order(struct store *store, const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"amount",      "batch", "beneficiary", "currency",
	                                   "entitlement", "id",    NULL};
	struct payments_order o;
	struct store_stmt *st;
	enum redress_err rc;

	memset(&o, 0, sizeof(o));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", o.id, sizeof(o.id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "batch", o.batch, sizeof(o.batch), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "entitlement", o.entitlement, sizeof(o.entitlement),
	                                err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "beneficiary", o.beneficiary, sizeof(o.beneficiary),
	                                err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", o.currency, sizeof(o.currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "amount", &o.amount, err)) != REDRESS_OK)
		return rc;
	if (o.amount <= 0)
		return bad(err, ev, "a payment order's amount must be positive");
	if (strncmp(o.id, o.batch, strlen(o.batch)) != 0)
		return bad(err, ev, "a payment order's id begins with its batch's");
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_ORDER_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, o.id);
	store_bind_text(st, 2, o.batch);
	store_bind_text(st, 3, o.entitlement);
	store_bind_text(st, 4, o.beneficiary);
	store_bind_int64(st, 5, o.amount);
	store_bind_text(st, 6, o.currency);
	store_bind_int64(st, 7, (int64_t)ev->seq);
	return store_run(st, err);
}

/* settled: {booked_on, id, import}; returned: {id, import, reason}. */
static enum redress_err
apply_resolved(struct store *store, const struct event *ev, enum payments_order_state to,
               struct redress_error *err)
{
	static const char *const settled_keys[] = {"booked_on", "id", "import", NULL};
	static const char *const returned_keys[] = {"id", "import", "reason", NULL};
	char id[PAYMENTS_ORDER_ID_MAX + 1], import[65], booked_on[11] = "", reason[PAYMENTS_REASON_SIZE] = "";
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, to == PAYMENTS_SETTLED ? settled_keys : returned_keys, err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", id, sizeof(id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "import", import, sizeof(import), err)) != REDRESS_OK)
		return rc;
	if (to == PAYMENTS_SETTLED) {
		if ((rc = canon_get_string_into(ev->data, "booked_on", booked_on, sizeof(booked_on), err)) !=
		        REDRESS_OK ||
		    (rc = registry_date_check("booked_on", booked_on, err)) != REDRESS_OK)
			return rc;
	} else if ((rc = canon_get_string_into(ev->data, "reason", reason, sizeof(reason), err)) !=
	           REDRESS_OK)
		return rc;
	if (!is_hex64(import))
		return bad(err, ev, "import must be a file's SHA-256");
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_ORDER_RESOLVE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, payments_order_state_name(to));
	store_bind_text(st, 3, to == PAYMENTS_SETTLED ? booked_on : NULL);
	store_bind_text(st, 4, to == PAYMENTS_RETURNED ? reason : NULL);
	store_bind_text(st, 5, import);
	store_bind_int64(st, 6, (int64_t)ev->seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	if (store_changes(store) != 1)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "payment order '%s' is not pending%s: it cannot be %s", id,
		                 to == PAYMENTS_RETURNED ? " or settled" : "", payments_order_state_name(to));
	return REDRESS_OK;
}

static enum redress_err
apply_imported(struct store *store, const struct event *ev, struct redress_error *err)
{
	/* not_ours (entries reported, not booked) is there only when there were some. */
	static const char *const keys[] = {"kind",    "msg_id", "not_ours",  "returned",
	                                   "settled", "sha256", "unchanged", NULL};
	char sha[65], kind[24], msg_id[PAYMENTS_MSG_ID_MAX + 1];
	int64_t settled, returned, unchanged, not_ours = 0;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "sha256", sha, sizeof(sha), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "kind", kind, sizeof(kind), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "msg_id", msg_id, sizeof(msg_id), err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "settled", &settled, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "returned", &returned, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "unchanged", &unchanged, err)) != REDRESS_OK ||
	    (canon_find(ev->data, "not_ours") != NULL &&
	     (rc = canon_get_int(ev->data, "not_ours", &not_ours, err)) != REDRESS_OK))
		return rc;
	if (!is_hex64(sha) || settled < 0 || returned < 0 || unchanged < 0 || not_ours < 0)
		return bad(err, ev, "an import names its file's SHA-256 and counts that are not negative");
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_IMPORT_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, sha);
	store_bind_text(st, 2, kind);
	store_bind_text(st, 3, msg_id);
	store_bind_int64(st, 4, settled);
	store_bind_int64(st, 5, returned);
	store_bind_int64(st, 6, unchanged);
	store_bind_int64(st, 7, (int64_t)ev->seq);
	return store_run(st, err);
}

static enum redress_err
apply_exported(struct store *store, const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"batch", "format", "orders", "sha256", NULL};
	char batch[PAYMENTS_BATCH_ID_MAX + 1], format[24], sha[65];
	int64_t orders;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "batch", batch, sizeof(batch), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "format", format, sizeof(format), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "sha256", sha, sizeof(sha), err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "orders", &orders, err)) != REDRESS_OK)
		return rc;
	if (!is_hex64(sha) || orders <= 0)
		return bad(err, ev, "an export names its file's SHA-256 and how many orders it holds");
	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_EXPORT_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)ev->seq);
	store_bind_text(st, 2, batch);
	store_bind_text(st, 3, format);
	store_bind_text(st, 4, sha);
	store_bind_int64(st, 5, orders);
	store_bind_text(st, 6, ev->actor);
	return store_run(st, err);
}

enum redress_err
payments_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	if (strcmp(ev->type, PAYMENTS_EV_DEBTOR) == 0)
		return apply_debtor(store, ev, err);
	if (strcmp(ev->type, PAYMENTS_EV_BANK) == 0)
		return apply_bank(store, ev, err);
	if (strcmp(ev->type, PAYMENTS_EV_BATCH) == 0)
		return apply_batch(store, ev, err);
	if (strcmp(ev->type, PAYMENTS_EV_ORDER) == 0)
		return apply_order(store, ev, err);
	if (strcmp(ev->type, PAYMENTS_EV_SETTLED) == 0)
		return apply_resolved(store, ev, PAYMENTS_SETTLED, err);
	if (strcmp(ev->type, PAYMENTS_EV_RETURNED) == 0)
		return apply_resolved(store, ev, PAYMENTS_RETURNED, err);
	if (strcmp(ev->type, PAYMENTS_EV_IMPORTED) == 0)
		return apply_imported(store, ev, err);
	if (strcmp(ev->type, PAYMENTS_EV_EXPORTED) == 0)
		return apply_exported(store, ev, err);
	return error_set(err, REDRESS_E_INVALID, "unknown payments event type '%.64s'", ev->type);
}

/* Every batched entitlement (read through the entitlements module) has an order at the bank. */
static enum redress_err
check_batched(struct store *store, struct audit_report *report, struct redress_error *err)
{
	struct entitlement *items = NULL;
	struct store_stmt *st;
	size_t n = 0, i;
	enum redress_err rc;

	if ((rc = entitlements_in_state(store, ENTITLEMENT_BATCHED, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; rc == REDRESS_OK && i < n; i++) {
		if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_PENDING_FOR, err)) == NULL) {
			rc = err->code;
			break;
		}
		store_bind_text(st, 1, items[i].id);
		switch (store_step(st, err)) {
		case STORE_ROW: store_done(st); break;
		case STORE_DONE:
			audit_finding(
			    report,
			    "entitlements '%.70s' is batched but its payment order at the bank is missing",
			    items[i].id);
			break;
		default: rc = err->code; break;
		}
	}
	free(items);
	return rc;
}

/*
 * Across modules, on the live tables: an order at the bank holds a pending
 * transfer and a batched entitlement, a settled one a posted transfer, a
 * returned one a voided transfer (or a posted one and its reversal "-R");
 * and every batched entitlement has exactly its one order at the bank.
 */
/* Checks one order against its ledger transfer and its entitlement, read through their modules. */
static enum redress_err
check_order(struct store *store, const struct payments_order *o, struct audit_report *report,
            struct redress_error *err)
{
	struct ledger_transfer t, r;
	struct entitlement e;
	char reversal[sizeof(o->id) + 2];
	const char *had = NULL;
	enum redress_err rc;
	int ok;

	rc = ledger_transfer_get(store, o->id, &t, err);
	if (rc == REDRESS_E_NOTFOUND) {
		had = "missing";
	} else if (rc != REDRESS_OK) {
		return rc;
	} else {
		ok = t.amount == o->amount && (o->state == PAYMENTS_PENDING) == (t.state == LEDGER_PENDING) &&
		     (o->state != PAYMENTS_SETTLED || t.state == LEDGER_POSTED);
		if (ok && o->state == PAYMENTS_RETURNED && t.state == LEDGER_POSTED) {
			snprintf(reversal, sizeof(reversal), "%s-R", o->id);
			if ((rc = ledger_transfer_get(store, reversal, &r, err)) != REDRESS_OK &&
			    rc != REDRESS_E_NOTFOUND)
				return rc;
			ok = rc == REDRESS_OK && r.amount == o->amount;
		}
		if (!ok)
			had = ledger_state_name(t.state);
	}
	if (had != NULL)
		audit_finding(
		    report,
		    "payments_orders '%.40s' is %s but its ledger transfer is %s (or of another amount)",
		    o->id, payments_order_state_name(o->state), had);
	if (o->state != PAYMENTS_PENDING)
		return REDRESS_OK;
	rc = entitlement_get(store, o->entitlement, &e, err);
	if (rc != REDRESS_OK && rc != REDRESS_E_NOTFOUND)
		return rc;
	if (rc == REDRESS_E_NOTFOUND || e.state != ENTITLEMENT_BATCHED)
		audit_finding(report, "entitlements '%.70s' is %s but its payment order at the bank is %.40s",
		              o->entitlement, rc == REDRESS_OK ? entitlement_state_name(e.state) : "missing",
		              o->id);
	return REDRESS_OK;
}

/*
 * Across modules, on the live tables: an order at the bank holds a pending
 * transfer and a batched entitlement, a settled one a posted transfer, a
 * returned one a voided transfer (or a posted one and its reversal "-R");
 * and every batched entitlement has exactly its one order at the bank.
 * The transfers and the entitlements are read through the ledger's and the
 * entitlements' functions, never their tables.
 */
static enum redress_err
payments_check(struct store *store, struct audit_report *report, struct redress_error *err)
{
	struct payments_order o;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &payments_catalogue, PAYMENTS_Q_SNAP_ORDERS, err)) == NULL)
		return err->code;
	while ((r = order_next(st, &o, err)) == STORE_ROW)
		if ((rc = check_order(store, &o, report, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	if (r == STORE_ERROR)
		return err->code;
	return check_batched(store, report, err);
}

/* ---- audit's fold: the same apply code, into a private in-memory database ---- */

static const unsigned payments_snapshots[] = {
    PAYMENTS_Q_SNAP_DEBTORS, PAYMENTS_Q_SNAP_BANK,    PAYMENTS_Q_SNAP_BATCHES,        PAYMENTS_Q_SNAP_ORDERS,
    PAYMENTS_Q_SNAP_IMPORTS, PAYMENTS_Q_SNAP_EXPORTS, PAYMENTS_Q_SNAP_DEBTOR_ACCOUNTS};

static void *
payments_fold_begin(void)
{
	struct redress_error err;
	struct store *store = NULL;

	if (store_open(":memory:", STORE_OPEN_CREATE, &store, &err) != REDRESS_OK)
		return NULL;
	if (store_exec(store, payments_schema, &err) != REDRESS_OK)
		store_close(&store);
	return store;
}

static enum redress_err
payments_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	(void)fold;
	return payments_replay(model, ev, err);
}

static void
payments_fold_end(void *model, struct audit_fold *fold)
{
	struct store *store = model;
	struct audit_value values[AUDIT_ROW_MAX];
	struct redress_error err;
	struct store_stmt *st;
	size_t t;
	int n;

	for (t = 0; fold != NULL && t < STORE_COUNT(payments_snapshots); t++) {
		if ((st = store_statement(store, &payments_catalogue, payments_snapshots[t], &err)) == NULL)
			break;
		while (store_step(st, &err) == STORE_ROW) {
			if ((n = audit_row_read(st, values)) < 0)
				break;
			audit_fold_row(fold, t, values, (size_t)n);
		}
		store_done(st);
	}
	store_close(&store);
}

const struct event_module payments_module = {
    .name = "payments",
    .type_prefix = "payments.",
    .schema = payments_schema,
    .catalogue = &payments_catalogue,
    .snapshot_ids = payments_snapshots,
    .nsnapshots = STORE_COUNT(payments_snapshots),
    .replay = payments_replay,
    .check = payments_check,
    .fold_begin = payments_fold_begin,
    .fold = payments_fold,
    .fold_end = payments_fold_end,
};
