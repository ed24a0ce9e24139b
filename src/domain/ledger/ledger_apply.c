/*
 * ledger_apply.c -- the ledger's events and tables: encoding each event,
 * reading it back, and applying it.  Live commands (ledger.c) and audit
 * replay both come through ledger_apply_*, so the tables are by
 * construction a function of the log.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/canon.h"
#include "core/money.h"
#include "core/text.h"
#include "domain/ledger/ledger_int.h"
#include "log/audit.h"

/*
 * No FOREIGN KEY clauses: the commands check that both accounts exist
 * before any transfer is booked, and audit replays the log against every
 * row, so SQLite's per-statement check would cost a fifth of the ledger's
 * write throughput for a guarantee already held twice.
 */
static const char ledger_schema[] =
    "CREATE TABLE IF NOT EXISTS ledger_accounts ("
    " code TEXT PRIMARY KEY,"
    " currency TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " no_overdraft INTEGER NOT NULL,"
    " debits_posted INTEGER NOT NULL,"
    " credits_posted INTEGER NOT NULL,"
    " debits_pending INTEGER NOT NULL,"
    " credits_pending INTEGER NOT NULL,"
    " opened_seq INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS ledger_transfers ("
    " id TEXT PRIMARY KEY,"
    " debit_code TEXT NOT NULL,"
    " credit_code TEXT NOT NULL,"
    " amount INTEGER NOT NULL CHECK (amount > 0),"
    " currency TEXT NOT NULL,"
    " two_phase INTEGER NOT NULL,"
    " state TEXT NOT NULL,"
    " ref TEXT,"
    " exchange_id TEXT,"
    " created_seq INTEGER NOT NULL,"
    " resolved_seq INTEGER);"
    "CREATE INDEX IF NOT EXISTS ledger_transfers_debit ON ledger_transfers (debit_code, created_seq);"
    "CREATE INDEX IF NOT EXISTS ledger_transfers_credit ON ledger_transfers (credit_code, created_seq);";

#define ACCOUNT_COLUMNS                                                                                      \
	"code, currency, kind, name, no_overdraft, debits_posted, credits_posted, debits_pending,"           \
	" credits_pending, opened_seq"
#define TRANSFER_COLUMNS                                                                                     \
	"id, debit_code, credit_code, amount, currency, two_phase, state, ref, exchange_id, created_seq,"    \
	" resolved_seq"

/* The same, as ledger_transfer_next reads them: -1 for a transfer not yet resolved. */
#define TRANSFER_READ_COLUMNS                                                                                \
	"id, debit_code, credit_code, amount, currency, two_phase, state, ref, exchange_id, created_seq,"    \
	" coalesce(resolved_seq, -1)"

/* The module's statements, by id (enum ledger_statement in ledger_int.h). */
static const struct store_statement ledger_statements[LEDGER_Q_COUNT] = {
    [LEDGER_Q_ACCOUNTS_ALL] =
        {.name = "ledger.accounts.all",
         .sql = "SELECT code, currency, kind, name, no_overdraft, debits_posted, credits_posted,"
                " debits_pending, credits_pending, opened_seq FROM ledger_accounts ORDER BY code",
         .columns = "ttttiiiiii"},
    [LEDGER_Q_HISTORY] = {.name = "ledger.history",
                          .sql = "SELECT id, debit_code, credit_code, amount, currency, two_phase, state, "
                                 "ref, exchange_id, created_seq,"
                                 " coalesce(resolved_seq, -1) FROM ledger_transfers WHERE debit_code = ?1"
                                 " UNION ALL "
                                 "SELECT id, debit_code, credit_code, amount, currency, two_phase, state, "
                                 "ref, exchange_id, created_seq,"
                                 " coalesce(resolved_seq, -1) FROM ledger_transfers WHERE credit_code = ?1"
                                 " ORDER BY 10",
                          .columns = "tttititttii"},
    [LEDGER_Q_ACCOUNT_GET] = {.name = "ledger.account.get",
                              .sql = "SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts WHERE code = ?1",
                              .columns = "ttttiiiiii"},
    [LEDGER_Q_TRANSFER_GET] = {.name = "ledger.transfer.get",
                               .sql = "SELECT " TRANSFER_READ_COLUMNS " FROM ledger_transfers WHERE id = ?1",
                               .columns = "tttititttii"},
    [LEDGER_Q_ACCOUNT_INSERT] = {.name = "ledger.account.insert",
                                 .sql = "INSERT INTO ledger_accounts (" ACCOUNT_COLUMNS
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, 0, 0, ?6)",
                                 .columns = ""},
    [LEDGER_Q_ACCOUNT_TOTALS] = {.name = "ledger.account.totals",
                                 .sql = "UPDATE ledger_accounts SET debits_posted = ?2, credits_posted = ?3,"
                                        " debits_pending = ?4, credits_pending = ?5 WHERE code = ?1",
                                 .columns = "",
                                 .deferred = 1},
    [LEDGER_Q_TRANSFER_INSERT] = {.name = "ledger.transfer.insert",
                                  .sql = "INSERT INTO ledger_transfers (" TRANSFER_COLUMNS
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL)",
                                  .columns = "",
                                  .deferred = 1},
    [LEDGER_Q_TRANSFER_RESOLVE] =
        {.name = "ledger.transfer.resolve",
         .sql = "UPDATE ledger_transfers SET state = ?2, resolved_seq = ?3 WHERE id = ?1",
         .columns = "",
         .deferred = 1},
    [LEDGER_Q_SNAPSHOT_ACCOUNTS] = {.name = "ledger_accounts",
                                    .sql = "SELECT " ACCOUNT_COLUMNS " FROM ledger_accounts ORDER BY code",
                                    .columns = "ttttiiiiii"},
    [LEDGER_Q_SNAPSHOT_TRANSFERS] = {.name = "ledger_transfers",
                                     .sql = "SELECT " TRANSFER_COLUMNS " FROM ledger_transfers ORDER BY id",
                                     .columns = "tttititttii"},
    [LEDGER_Q_CHECK_BALANCED] = {.name = "ledger.check.balanced",
                                 .sql = "SELECT currency, sum(debits_posted), sum(credits_posted), "
                                        "sum(debits_pending), sum(credits_pending)"
                                        " FROM ledger_accounts GROUP BY currency ORDER BY currency",
                                 .columns = "tiiii"},
    [LEDGER_Q_CHECK_OVERDRAFT] = {.name = "ledger.check.overdraft",
                                  .sql = "SELECT " ACCOUNT_COLUMNS
                                         " FROM ledger_accounts WHERE no_overdraft <> 0 ORDER BY code",
                                  .columns = "ttttiiiiii"},
};

const struct store_catalogue ledger_catalogue = {"ledger", ledger_statements, STORE_COUNT(ledger_statements)};

/* An account as ledger_account_next reads it: the struct, and the columns it keeps otherwise. */
struct account_read {
	struct ledger_account a;
	char kind[16];
	int64_t no_overdraft;
};

#define FIELD(type, member) STORE_FIELD(type, member)

static const struct store_field account_fields[] = {
    FIELD(struct account_read, a.code),
    FIELD(struct account_read, a.currency),
    FIELD(struct account_read, kind),
    FIELD(struct account_read, a.name),
    FIELD(struct account_read, no_overdraft),
    FIELD(struct account_read, a.debits_posted),
    FIELD(struct account_read, a.credits_posted),
    FIELD(struct account_read, a.debits_pending),
    FIELD(struct account_read, a.credits_pending),
    FIELD(struct account_read, a.opened_seq),
};

enum store_step_result
ledger_account_next(struct store_stmt *st, struct ledger_account *a, struct redress_error *err)
{
	struct account_read r;
	enum store_step_result s;

	memset(&r, 0, sizeof(r));
	if ((s = store_read(st, account_fields, &r, err)) != STORE_ROW)
		return s;
	*a = r.a;
	if (ledger_kind_parse(r.kind, &a->kind, NULL) != REDRESS_OK)
		a->kind = LEDGER_ASSET; /* unreachable for rows written here; audit names such a row */
	a->no_overdraft = r.no_overdraft != 0;
	return STORE_ROW;
}

/* A transfer as ledger_transfer_next reads it (TRANSFER_READ_COLUMNS). */
struct transfer_read {
	struct ledger_transfer t;
	int64_t two_phase;
	char state[16];
};

static const struct store_field transfer_fields[] = {
    FIELD(struct transfer_read, t.id),           FIELD(struct transfer_read, t.debit),
    FIELD(struct transfer_read, t.credit),       FIELD(struct transfer_read, t.amount),
    FIELD(struct transfer_read, t.currency),     FIELD(struct transfer_read, two_phase),
    FIELD(struct transfer_read, state),          FIELD(struct transfer_read, t.ref),
    FIELD(struct transfer_read, t.exchange),     FIELD(struct transfer_read, t.created_seq),
    FIELD(struct transfer_read, t.resolved_seq),
};

enum store_step_result
ledger_transfer_next(struct store_stmt *st, struct ledger_transfer *t, struct redress_error *err)
{
	struct transfer_read r;
	enum store_step_result s;

	memset(&r, 0, sizeof(r));
	if ((s = store_read(st, transfer_fields, &r, err)) != STORE_ROW)
		return s;
	*t = r.t;
	t->two_phase = r.two_phase != 0;
	t->state = strcmp(r.state, "posted") == 0   ? LEDGER_POSTED
	           : strcmp(r.state, "voided") == 0 ? LEDGER_VOIDED
	                                            : LEDGER_PENDING;
	return STORE_ROW;
}

enum redress_err
ledger_encode_account(struct buf *out, const struct ledger_account *a, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "code");
	canon_string(&c, a->code);
	canon_key(&c, "currency");
	canon_string(&c, a->currency);
	canon_key(&c, "kind");
	canon_string(&c, ledger_kind_name(a->kind));
	canon_key(&c, "name");
	canon_string(&c, a->name);
	canon_key(&c, "no_overdraft");
	canon_bool(&c, a->no_overdraft);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
ledger_encode_transfer(struct buf *out, const struct ledger_transfer *t, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "amount");
	canon_int(&c, t->amount);
	canon_key(&c, "credit");
	canon_string(&c, t->credit);
	canon_key(&c, "currency");
	canon_string(&c, t->currency);
	canon_key(&c, "debit");
	canon_string(&c, t->debit);
	canon_key(&c, "exchange");
	if (t->exchange[0] != '\0')
		canon_string(&c, t->exchange);
	else
		canon_null(&c);
	canon_key(&c, "id");
	canon_string(&c, t->id);
	canon_key(&c, "pending");
	canon_bool(&c, t->two_phase);
	canon_key(&c, "ref");
	if (t->ref[0] != '\0')
		canon_string(&c, t->ref);
	else
		canon_null(&c);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
ledger_encode_id(struct buf *out, const char *id, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "id");
	canon_string(&c, id);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
ledger_apply_account(struct store *store, const struct ledger_account *a, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_ACCOUNT_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, a->code);
	store_bind_text(st, 2, a->currency);
	store_bind_text(st, 3, ledger_kind_name(a->kind));
	store_bind_text(st, 4, a->name);
	store_bind_int64(st, 5, a->no_overdraft);
	store_bind_int64(st, 6, (int64_t)a->opened_seq);
	return store_run(st, err);
}

enum redress_err
ledger_write_totals(struct store *store, const struct ledger_account *a, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_ACCOUNT_TOTALS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, a->code);
	store_bind_int64(st, 2, a->debits_posted);
	store_bind_int64(st, 3, a->credits_posted);
	store_bind_int64(st, 4, a->debits_pending);
	store_bind_int64(st, 5, a->credits_pending);
	return store_run(st, err);
}

/* Adds delta to *total, refusing overflow and negative totals. */
static enum redress_err
total_add(int64_t *total, int64_t delta, const char *code, struct redress_error *err)
{
	int64_t v;

	if (__builtin_add_overflow(*total, delta, &v))
		return error_set(err, REDRESS_E_OVERFLOW, "account '%s': totals would overflow 64 bits",
		                 code);
	if (v < 0)
		return error_set(err, REDRESS_E_INTERNAL, "account '%s': a total would go negative", code);
	*total = v;
	return REDRESS_OK;
}

enum redress_err
ledger_totals_create(const struct ledger_transfer *t, struct ledger_account *debit,
                     struct ledger_account *credit, struct redress_error *err)
{
	struct ledger_account d = *debit, c = *credit;
	enum redress_err rc;

	if (strcmp(d.code, c.code) == 0)
		return error_set(err, REDRESS_E_INVALID, "transfer '%s' debits and credits the same account",
		                 t->id);
	if (strcmp(d.currency, t->currency) != 0 || strcmp(c.currency, t->currency) != 0)
		return error_set(err, REDRESS_E_INVALID, "transfer '%s' mixes currencies", t->id);
	if (t->two_phase) {
		if ((rc = total_add(&d.debits_pending, t->amount, d.code, err)) != REDRESS_OK ||
		    (rc = total_add(&c.credits_pending, t->amount, c.code, err)) != REDRESS_OK)
			return rc;
	} else {
		if ((rc = total_add(&d.debits_posted, t->amount, d.code, err)) != REDRESS_OK ||
		    (rc = total_add(&c.credits_posted, t->amount, c.code, err)) != REDRESS_OK)
			return rc;
	}
	*debit = d;
	*credit = c;
	return REDRESS_OK;
}

enum redress_err
ledger_totals_resolve(const struct ledger_transfer *t, enum ledger_state to, struct ledger_account *debit,
                      struct ledger_account *credit, struct redress_error *err)
{
	struct ledger_account d = *debit, c = *credit;
	enum redress_err rc;

	if (t->state != LEDGER_PENDING)
		return error_set(err, REDRESS_E_CONFLICT, "transfer '%s' is %s, not pending", t->id,
		                 ledger_state_name(t->state));
	if ((rc = total_add(&d.debits_pending, -t->amount, d.code, err)) != REDRESS_OK ||
	    (rc = total_add(&c.credits_pending, -t->amount, c.code, err)) != REDRESS_OK)
		return rc;
	if (to == LEDGER_POSTED &&
	    ((rc = total_add(&d.debits_posted, t->amount, d.code, err)) != REDRESS_OK ||
	     (rc = total_add(&c.credits_posted, t->amount, c.code, err)) != REDRESS_OK))
		return rc;
	*debit = d;
	*credit = c;
	return REDRESS_OK;
}

enum redress_err
ledger_apply_transfer(struct store *store, const struct ledger_transfer *t, struct ledger_account *debit,
                      struct ledger_account *credit, struct redress_error *err)
{
	struct ledger_account d = *debit, c = *credit;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = ledger_totals_create(t, &d, &c, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_TRANSFER_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, t->id);
	store_bind_text(st, 2, t->debit);
	store_bind_text(st, 3, t->credit);
	store_bind_int64(st, 4, t->amount);
	store_bind_text(st, 5, t->currency);
	store_bind_int64(st, 6, t->two_phase);
	store_bind_text(st, 7, ledger_state_name(t->state));
	store_bind_text(st, 8, t->ref[0] != '\0' ? t->ref : NULL);
	store_bind_text(st, 9, t->exchange[0] != '\0' ? t->exchange : NULL);
	store_bind_int64(st, 10, (int64_t)t->created_seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	*debit = d;
	*credit = c;
	return REDRESS_OK;
}

enum redress_err
ledger_apply_resolve(struct store *store, struct ledger_transfer *t, enum ledger_state to, uint64_t seq,
                     struct ledger_account *debit, struct ledger_account *credit, struct redress_error *err)
{
	struct ledger_account d = *debit, c = *credit;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = ledger_totals_resolve(t, to, &d, &c, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_TRANSFER_RESOLVE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, t->id);
	store_bind_text(st, 2, ledger_state_name(to));
	store_bind_int64(st, 3, (int64_t)seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	*debit = d;
	*credit = c;
	t->state = to;
	t->resolved_seq = (int64_t)seq;
	return REDRESS_OK;
}

enum redress_err
ledger_decode_account(const struct event *ev, struct ledger_account *a, struct redress_error *err)
{
	static const char *const keys[] = {"code", "currency", "kind", "name", "no_overdraft", NULL};
	const char *kind;
	enum redress_err rc;

	memset(a, 0, sizeof(*a));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "code", a->code, sizeof(a->code), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", a->currency, sizeof(a->currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "name", a->name, sizeof(a->name), err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "kind", &kind, err)) != REDRESS_OK ||
	    (rc = ledger_kind_parse(kind, &a->kind, err)) != REDRESS_OK ||
	    (rc = canon_get_bool(ev->data, "no_overdraft", &a->no_overdraft, err)) != REDRESS_OK)
		return rc;
	/* What the commands would refuse, the log may not carry either. */
	if ((rc = text_check_id("account code", a->code, LEDGER_CODE_MAX, LEDGER_CODE_CHARS, err)) !=
	        REDRESS_OK ||
	    (rc = text_check("account name", a->name, LEDGER_NAME_MAX, err)) != REDRESS_OK)
		return rc;
	if (currency_find(a->currency, err) == NULL)
		return err->code;
	a->opened_seq = ev->seq;
	return REDRESS_OK;
}

enum redress_err
ledger_decode_transfer(const struct event *ev, struct ledger_transfer *t, struct redress_error *err)
{
	static const char *const keys[] = {"amount", "credit",  "currency", "debit", "exchange",
	                                   "id",     "pending", "ref",      NULL};
	enum redress_err rc;

	memset(t, 0, sizeof(*t));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", t->id, sizeof(t->id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "debit", t->debit, sizeof(t->debit), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "credit", t->credit, sizeof(t->credit), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", t->currency, sizeof(t->currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "ref", t->ref, sizeof(t->ref), err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "exchange", t->exchange, sizeof(t->exchange), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "amount", &t->amount, err)) != REDRESS_OK ||
	    (rc = canon_get_bool(ev->data, "pending", &t->two_phase, err)) != REDRESS_OK)
		return rc;
	if (t->amount <= 0)
		return error_set(err, REDRESS_E_INVALID, "transfer '%s' has a non-positive amount", t->id);
	if ((rc = text_check_id("transfer id", t->id, sizeof(t->id) - 1, LEDGER_ID_CHARS "/", err)) !=
	        REDRESS_OK ||
	    (rc = text_check_id("account code", t->debit, LEDGER_CODE_MAX, LEDGER_CODE_CHARS, err)) !=
	        REDRESS_OK ||
	    (rc = text_check_id("account code", t->credit, LEDGER_CODE_MAX, LEDGER_CODE_CHARS, err)) !=
	        REDRESS_OK ||
	    (t->ref[0] != '\0' &&
	     (rc = text_check("reference", t->ref, LEDGER_REF_MAX, err)) != REDRESS_OK) ||
	    (t->exchange[0] != '\0' && (rc = text_check_id("exchange id", t->exchange, LEDGER_ID_MAX,
	                                                   LEDGER_ID_CHARS, err)) != REDRESS_OK))
		return rc;
	t->state = t->two_phase ? LEDGER_PENDING : LEDGER_POSTED;
	t->created_seq = ev->seq;
	t->resolved_seq = -1;
	return REDRESS_OK;
}

enum redress_err
ledger_decode_id(const struct event *ev, const char **id_r, struct redress_error *err)
{
	static const char *const keys[] = {"id", NULL};
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK)
		return rc;
	return canon_get_string(ev->data, "id", id_r, err);
}

static enum redress_err
write_pair(struct store *store, const struct ledger_account *debit, const struct ledger_account *credit,
           struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = ledger_write_totals(store, debit, err)) != REDRESS_OK)
		return rc;
	return ledger_write_totals(store, credit, err);
}

static enum redress_err
load_pair(struct store *store, const char *debit_code, const char *credit_code, struct ledger_account *debit,
          struct ledger_account *credit, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = ledger_account_get(store, debit_code, debit, err)) != REDRESS_OK ||
	    (rc = ledger_account_get(store, credit_code, credit, err)) != REDRESS_OK)
		return rc;
	return REDRESS_OK;
}

/*
 * A transfer's two accounts: in a change (ev->state, from tlog_append_apply)
 * the change's cached ones, written at commit; in audit's replay, read
 * into the caller's pair and written back by write_pair.
 */
static enum redress_err
replay_pair(struct store *store, const struct event *ev, const struct ledger_transfer *t,
            struct ledger_account *pair, struct ledger_account **debit_r, struct ledger_account **credit_r,
            struct redress_error *err)
{
	enum redress_err rc;

	if (ev->state != NULL) {
		if ((rc = ledger_cache_get(ev->state, store, t->debit, debit_r, err)) != REDRESS_OK)
			return rc;
		return ledger_cache_get(ev->state, store, t->credit, credit_r, err);
	}
	*debit_r = &pair[0];
	*credit_r = &pair[1];
	return load_pair(store, t->debit, t->credit, &pair[0], &pair[1], err);
}

/* After the transfer's totals changed: marks the cached accounts, or writes the replayed pair. */
static enum redress_err
replay_pair_done(struct store *store, const struct event *ev, struct ledger_account *debit,
                 struct ledger_account *credit, struct redress_error *err)
{
	if (ev->state != NULL) {
		ledger_cache_dirty(debit);
		ledger_cache_dirty(credit);
		return REDRESS_OK;
	}
	return write_pair(store, debit, credit, err);
}

static enum redress_err
replay_transfer(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct ledger_account pair[2], *debit, *credit;
	struct ledger_transfer t;
	enum redress_err rc;

	if ((rc = ledger_decode_transfer(ev, &t, err)) != REDRESS_OK ||
	    (rc = replay_pair(store, ev, &t, pair, &debit, &credit, err)) != REDRESS_OK ||
	    (rc = ledger_apply_transfer(store, &t, debit, credit, err)) != REDRESS_OK)
		return rc;
	return replay_pair_done(store, ev, debit, credit, err);
}

static enum redress_err
replay_resolve(struct store *store, const struct event *ev, enum ledger_state to, struct redress_error *err)
{
	struct ledger_account pair[2], *debit, *credit;
	struct ledger_transfer t;
	const char *id;
	enum redress_err rc;

	if ((rc = ledger_decode_id(ev, &id, err)) != REDRESS_OK ||
	    (rc = ledger_transfer_get(store, id, &t, err)) != REDRESS_OK ||
	    (rc = replay_pair(store, ev, &t, pair, &debit, &credit, err)) != REDRESS_OK ||
	    (rc = ledger_apply_resolve(store, &t, to, ev->seq, debit, credit, err)) != REDRESS_OK)
		return rc;
	return replay_pair_done(store, ev, debit, credit, err);
}

static enum redress_err
ledger_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct ledger_account a;
	enum redress_err rc;

	if (strcmp(ev->type, LEDGER_EV_ACCOUNT_OPENED) == 0) {
		if ((rc = ledger_decode_account(ev, &a, err)) != REDRESS_OK)
			return rc;
		return ledger_apply_account(store, &a, err);
	}
	if (strcmp(ev->type, LEDGER_EV_TRANSFER_CREATED) == 0)
		return replay_transfer(store, ev, err);
	if (strcmp(ev->type, LEDGER_EV_TRANSFER_POSTED) == 0)
		return replay_resolve(store, ev, LEDGER_POSTED, err);
	if (strcmp(ev->type, LEDGER_EV_TRANSFER_VOIDED) == 0)
		return replay_resolve(store, ev, LEDGER_VOIDED, err);
	return error_set(err, REDRESS_E_INVALID, "unknown ledger event type '%.64s'", ev->type);
}

/* LEDGER_Q_CHECK_BALANCED's row: a currency's debits and credits, posted and pending. */
struct balanced_row {
	const char *currency;
	int64_t debits_posted, credits_posted, debits_pending, credits_pending;
};

static const struct store_field balanced_fields[] = {
    STORE_FIELD_TEXT(struct balanced_row, currency),   STORE_FIELD(struct balanced_row, debits_posted),
    STORE_FIELD(struct balanced_row, credits_posted),  STORE_FIELD(struct balanced_row, debits_pending),
    STORE_FIELD(struct balanced_row, credits_pending),
};

/* Double entry: per currency, debits equal credits; no-overdraft accounts are not below zero. */
static enum redress_err
ledger_check(struct store *store, struct audit_report *report, struct redress_error *err)
{
	struct ledger_account a;
	struct balanced_row b;
	struct store_stmt *st;
	enum store_step_result r;
	int64_t posted, pending;

	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_CHECK_BALANCED, err)) == NULL)
		return err->code;
	while ((r = store_read(st, balanced_fields, &b, err)) == STORE_ROW) {
		if (b.debits_posted != b.credits_posted || b.debits_pending != b.credits_pending)
			audit_finding(
			    report,
			    "ledger %s: debits (%lld posted, %lld pending) differ from credits (%lld"
			    " posted, %lld pending)",
			    b.currency, (long long)b.debits_posted, (long long)b.debits_pending,
			    (long long)b.credits_posted, (long long)b.credits_pending);
	}
	if (r == STORE_ERROR)
		return err->code;
	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_CHECK_OVERDRAFT, err)) == NULL)
		return err->code;
	while ((r = ledger_account_next(st, &a, err)) == STORE_ROW) {
		struct redress_error e;

		if (ledger_balance(&a, &posted, &pending, &e) != REDRESS_OK || posted < 0 || pending < 0)
			audit_finding(report, "ledger account '%s' is flagged no-overdraft but is below zero",
			              a.code);
	}
	return r == STORE_ERROR ? err->code : REDRESS_OK;
}

static const unsigned ledger_snapshots[] = {LEDGER_Q_SNAPSHOT_ACCOUNTS, LEDGER_Q_SNAPSHOT_TRANSFERS};

const struct event_module ledger_module = {
    .name = "ledger",
    .type_prefix = "ledger.",
    .schema = ledger_schema,
    .catalogue = &ledger_catalogue,
    .snapshot_ids = ledger_snapshots,
    .nsnapshots = STORE_COUNT(ledger_snapshots),
    .replay = ledger_replay,
    .check = ledger_check,
    .flush = ledger_cache_flush,
    .discard = ledger_cache_discard,
    .fold_begin = ledger_fold_begin,
    .fold = ledger_fold,
    .fold_end = ledger_fold_end,
};
