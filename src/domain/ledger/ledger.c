/*
 * ledger.c -- the ledger's commands: validate, check the rules, append the
 * event, apply it.  Reading accounts and transfers is here too.
 */
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/ledger/ledger_int.h"

#define LEDGER_EVENT_DATA_MAX 4096

static const char *const kind_names[] = {
    [LEDGER_ASSET] = "asset",   [LEDGER_LIABILITY] = "liability", [LEDGER_EQUITY] = "equity",
    [LEDGER_INCOME] = "income", [LEDGER_EXPENSE] = "expense",
};

const char *
ledger_kind_name(enum ledger_kind kind)
{
	return (size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]) ? kind_names[kind] : "?";
}

enum redress_err
ledger_kind_parse(const char *text, enum ledger_kind *kind_r, struct redress_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++)
		if (strcmp(kind_names[i], text) == 0) {
			*kind_r = (enum ledger_kind)i;
			return REDRESS_OK;
		}
	return error_set(err, REDRESS_E_INVALID,
	                 "account kind '%.32s' is not one of asset, liability, equity, income, expense",
	                 text);
}

const char *
ledger_state_name(enum ledger_state state)
{
	switch (state) {
	case LEDGER_PENDING: return "pending";
	case LEDGER_POSTED: return "posted";
	case LEDGER_VOIDED: return "voided";
	}
	return "?";
}

/* Assets and expenses grow with debits; the rest with credits. */
static int
debit_normal(enum ledger_kind kind)
{
	return kind == LEDGER_ASSET || kind == LEDGER_EXPENSE;
}

enum redress_err
ledger_balance(const struct ledger_account *a, int64_t *posted_r, int64_t *with_pending_r,
               struct redress_error *err)
{
	int64_t up, down, down_pending, posted, with_pending;

	/* Pending amounts count against the balance, never for it. */
	if (debit_normal(a->kind)) {
		up = a->debits_posted, down = a->credits_posted, down_pending = a->credits_pending;
	} else {
		up = a->credits_posted, down = a->debits_posted, down_pending = a->debits_pending;
	}
	if (__builtin_sub_overflow(up, down, &posted) ||
	    __builtin_sub_overflow(posted, down_pending, &with_pending))
		return error_set(err, REDRESS_E_OVERFLOW, "account '%s': balance overflows 64 bits", a->code);
	*posted_r = posted;
	*with_pending_r = with_pending;
	return REDRESS_OK;
}

enum redress_err
ledger_account_get(struct store *store, const char *code, struct ledger_account *a_r,
                   struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_ACCOUNT_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	switch (ledger_account_next(st, a_r, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE:
		return error_set(
		    err, REDRESS_E_NOTFOUND,
		    "no account '%.64s' (see 'redress ledger balance' for the accounts there are)", code);
	default: return err->code;
	}
}

enum redress_err
ledger_account_current(struct tlog *log, const char *code, struct ledger_account *a_r,
                       struct redress_error *err)
{
	struct ledger_account *cached;
	enum redress_err rc;

	if (tlog_module_state(log, &ledger_module) == NULL)
		return ledger_account_get(tlog_store(log), code, a_r, err);
	if ((rc = ledger_cache_account(log, code, &cached, err)) != REDRESS_OK)
		return rc;
	*a_r = *cached;
	return REDRESS_OK;
}

enum redress_err
ledger_transfer_get(struct store *store, const char *id, struct ledger_transfer *t_r,
                    struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_TRANSFER_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	switch (ledger_transfer_next(st, t_r, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no transfer '%.64s'", id);
	default: return err->code;
	}
}

enum redress_err
ledger_account_each(struct store *store,
                    enum redress_err (*fn)(void *ctx, const struct ledger_account *a,
                                           struct redress_error *err),
                    void *ctx, struct redress_error *err)
{
	struct ledger_account a;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_ACCOUNTS_ALL, err)) == NULL)
		return err->code;
	while ((r = ledger_account_next(st, &a, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &a, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
ledger_history(struct store *store, const char *code,
               enum redress_err (*fn)(void *ctx, const struct ledger_transfer *t, struct redress_error *err),
               void *ctx, struct redress_error *err)
{
	struct ledger_account a;
	struct ledger_transfer t;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((rc = ledger_account_get(store, code, &a, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &ledger_catalogue, LEDGER_Q_HISTORY, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	while ((r = ledger_transfer_next(st, &t, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &t, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

static int
is_exchange_account(const char *code)
{
	return strncmp(code, LEDGER_EXCHANGE_PREFIX, strlen(LEDGER_EXCHANGE_PREFIX)) == 0;
}

static enum redress_err
account_open(struct tlog *log, const struct ledger_account_spec *spec, int internal, int *existed_r,
             struct redress_error *err)
{
	const struct currency *cur;
	struct ledger_account a, old;
	struct buf data;
	enum redress_err rc;

	if (existed_r != NULL)
		*existed_r = 0;
	if ((rc = text_check_id("account code", spec->code, LEDGER_CODE_MAX, LEDGER_CODE_CHARS, err)) !=
	    REDRESS_OK)
		return rc;
	if (!internal && is_exchange_account(spec->code))
		return error_set(err, REDRESS_E_INVALID,
		                 "account codes starting with '%s' are the ledger's own",
		                 LEDGER_EXCHANGE_PREFIX);
	if ((cur = currency_find(spec->currency, err)) == NULL)
		return err->code;
	if (spec->name != NULL &&
	    (rc = text_check("account name", spec->name, LEDGER_NAME_MAX, err)) != REDRESS_OK)
		return rc;
	if ((size_t)spec->kind >= sizeof(kind_names) / sizeof(kind_names[0]))
		return error_set(err, REDRESS_E_INVALID, "account kind %d is not valid", (int)spec->kind);

	memset(&a, 0, sizeof(a));
	memcpy(a.code, spec->code, strlen(spec->code) + 1);
	memcpy(a.currency, cur->code, sizeof(a.currency));
	a.kind = spec->kind;
	memcpy(a.name, spec->name != NULL ? spec->name : spec->code,
	       strlen(spec->name != NULL ? spec->name : spec->code) + 1);
	a.no_overdraft = spec->no_overdraft != 0;

	rc = ledger_account_get(tlog_store(log), a.code, &old, err);
	if (rc == REDRESS_OK) {
		if (strcmp(old.currency, a.currency) != 0 || old.kind != a.kind ||
		    strcmp(old.name, a.name) != 0 || old.no_overdraft != a.no_overdraft)
			return error_set(err, REDRESS_E_CONFLICT,
			                 "account '%s' already exists with other settings (%s, %s%s)", a.code,
			                 old.currency, ledger_kind_name(old.kind),
			                 old.no_overdraft ? ", no-overdraft" : "");
		if (existed_r != NULL)
			*existed_r = 1;
		return REDRESS_OK;
	}
	if (rc != REDRESS_E_NOTFOUND)
		return rc;

	buf_init(&data, LEDGER_EVENT_DATA_MAX);
	if ((rc = ledger_encode_account(&data, &a, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &ledger_module, LEDGER_EV_ACCOUNT_OPENED, &data, &a.opened_seq,
		                       err);
	buf_free(&data);
	return rc;
}

enum redress_err
ledger_account_open(struct tlog *log, const struct ledger_account_spec *spec, int *existed_r,
                    struct redress_error *err)
{
	return account_open(log, spec, 0, existed_r, err);
}

/* Refuses lowering a's normal balance by amount when a is no-overdraft and that would go below zero. */
static enum redress_err
check_one_side(const struct ledger_account *a, int64_t amount, struct redress_error *err)
{
	const struct currency *cur = currency_find(a->currency, NULL);
	char have[MONEY_TEXT_SIZE], want[MONEY_TEXT_SIZE];
	int64_t posted = 0, available = 0, after;
	enum redress_err rc;

	if (!a->no_overdraft)
		return REDRESS_OK;
	if ((rc = ledger_balance(a, &posted, &available, err)) != REDRESS_OK)
		return rc;
	if (!__builtin_sub_overflow(available, amount, &after) && after >= 0)
		return REDRESS_OK;
	money_format(available, cur, have, sizeof(have));
	money_format(amount, cur, want, sizeof(want));
	return error_set(err, REDRESS_E_REFUSED,
	                 "account '%s' may not go below zero: it has %s %s available (pending included), the"
	                 " transfer needs %s %s",
	                 a->code, have, a->currency, want, a->currency);
}

/*
 * Refuses a transfer that would take a no-overdraft account below zero.
 * A credit lowers a debit-normal account (an asset paying out); a debit
 * lowers a credit-normal one (a liability paid down).  Both sides can.
 */
static enum redress_err
check_overdraft(const struct ledger_account *debit, const struct ledger_account *credit, int64_t amount,
                struct redress_error *err)
{
	enum redress_err rc;

	if (debit_normal(credit->kind) && (rc = check_one_side(credit, amount, err)) != REDRESS_OK)
		return rc;
	if (!debit_normal(debit->kind) && (rc = check_one_side(debit, amount, err)) != REDRESS_OK)
		return rc;
	return REDRESS_OK;
}

/* Checks a transfer's fields, loads its accounts and fills *t. */
static enum redress_err
transfer_prepare(struct tlog *log, const char *id, const char *from, const char *to, const char *amount,
                 const char *amount_flag, const char *ref, struct ledger_transfer *t,
                 struct ledger_account **debit_r, struct ledger_account **credit_r, struct redress_error *err)
{
	struct ledger_account *debit, *credit;
	const struct currency *cur;
	enum redress_err rc;

	if (ref != NULL && (rc = text_check("reference", ref, LEDGER_REF_MAX, err)) != REDRESS_OK)
		return rc;
	if ((rc = text_check_id("account code", from, LEDGER_CODE_MAX, LEDGER_CODE_CHARS, err)) !=
	        REDRESS_OK ||
	    (rc = text_check_id("account code", to, LEDGER_CODE_MAX, LEDGER_CODE_CHARS, err)) != REDRESS_OK)
		return rc;
	if (strcmp(from, to) == 0)
		return error_set(err, REDRESS_E_INVALID, "--from and --to are the same account '%s'", from);
	if ((rc = ledger_cache_account(log, to, &debit, err)) != REDRESS_OK ||
	    (rc = ledger_cache_account(log, from, &credit, err)) != REDRESS_OK)
		return rc;
	*debit_r = debit;
	*credit_r = credit;
	if (strcmp(debit->currency, credit->currency) != 0)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "'%s' holds %s but '%s' holds %s: a transfer stays in one currency (use 'redress"
		    " ledger exchange')",
		    from, credit->currency, to, debit->currency);
	if ((cur = currency_find(debit->currency, err)) == NULL)
		return err->code;
	memset(t, 0, sizeof(*t));
	if ((rc = money_parse(amount, cur, &t->amount, err)) != REDRESS_OK)
		return error_prefix(err, "%s", amount_flag);
	if (t->amount == 0)
		return error_set(err, REDRESS_E_INVALID, "%s must be more than zero", amount_flag);
	memcpy(t->id, id, strlen(id) + 1);
	memcpy(t->debit, to, strlen(to) + 1);
	memcpy(t->credit, from, strlen(from) + 1);
	memcpy(t->currency, cur->code, sizeof(t->currency));
	if (ref != NULL)
		memcpy(t->ref, ref, strlen(ref) + 1);
	t->resolved_seq = -1;
	return REDRESS_OK;
}

/*
 * Compares a retried transfer with the one already booked under its id:
 * REDRESS_OK when identical, REDRESS_E_CONFLICT naming the first field
 * that differs.
 */
static enum redress_err
transfer_same(const struct ledger_transfer *old, const struct ledger_transfer *t, struct redress_error *err)
{
	const char *field = NULL;

	if (strcmp(old->debit, t->debit) != 0)
		field = "--to";
	else if (strcmp(old->credit, t->credit) != 0)
		field = "--from";
	else if (old->amount != t->amount)
		field = "--amount";
	else if (old->two_phase != t->two_phase)
		field = "--pending";
	else if (strcmp(old->ref, t->ref) != 0)
		field = "--ref";
	else if (strcmp(old->exchange, t->exchange) != 0)
		field = "the exchange it belongs to";
	if (field == NULL)
		return REDRESS_OK;
	return error_set(
	    err, REDRESS_E_CONFLICT,
	    "transfer id '%s' was already used with a different %s: choose a new id for a new transfer",
	    old->id, field);
}

/*
 * Appends and applies a prepared transfer: its replay updates the change's
 * cached accounts (those transfer_prepare loaded).
 */
static enum redress_err
transfer_book(struct tlog *log, struct ledger_transfer *t, struct redress_error *err)
{
	struct buf data;
	enum redress_err rc;

	t->state = t->two_phase ? LEDGER_PENDING : LEDGER_POSTED;
	buf_init(&data, LEDGER_EVENT_DATA_MAX);
	if ((rc = ledger_encode_transfer(&data, t, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &ledger_module, LEDGER_EV_TRANSFER_CREATED, &data,
		                       &t->created_seq, err);
	buf_free(&data);
	return rc;
}

enum redress_err
ledger_transfer_create(struct tlog *log, const struct ledger_transfer_request *req,
                       struct ledger_transfer *t_r, int *replayed_r, struct redress_error *err)
{
	struct ledger_account *debit, *credit;
	struct ledger_transfer t, old;
	enum redress_err rc;

	if (replayed_r != NULL)
		*replayed_r = 0;
	if ((rc = text_check_id("transfer id", req->id, LEDGER_ID_MAX, LEDGER_ID_CHARS, err)) != REDRESS_OK)
		return rc;
	if (is_exchange_account(req->from) || is_exchange_account(req->to))
		return error_set(err, REDRESS_E_REFUSED,
		                 "'%s' accounts move money only through 'redress ledger exchange'",
		                 LEDGER_EXCHANGE_PREFIX);
	if ((rc = transfer_prepare(log, req->id, req->from, req->to, req->amount, "--amount", req->ref, &t,
	                           &debit, &credit, err)) != REDRESS_OK)
		return rc;
	t.two_phase = req->pending != 0;
	rc = ledger_transfer_get(tlog_store(log), req->id, &old, err);
	if (rc == REDRESS_OK) {
		if ((rc = transfer_same(&old, &t, err)) != REDRESS_OK)
			return rc;
		if (t_r != NULL)
			*t_r = old;
		if (replayed_r != NULL)
			*replayed_r = 1;
		return REDRESS_OK;
	}
	if (rc != REDRESS_E_NOTFOUND)
		return rc;
	if ((rc = check_overdraft(debit, credit, t.amount, err)) != REDRESS_OK)
		return rc;
	if ((rc = transfer_book(log, &t, err)) != REDRESS_OK)
		return rc;
	if (t_r != NULL)
		*t_r = t;
	return REDRESS_OK;
}

static enum redress_err
transfer_resolve(struct tlog *log, const char *id, enum ledger_state to, struct ledger_transfer *t_r,
                 struct redress_error *err)
{
	struct ledger_transfer t;
	struct buf data;
	uint64_t seq;
	enum redress_err rc;

	if ((rc = text_check_id("transfer id", id, LEDGER_ID_MAX + 4, LEDGER_ID_CHARS "/", err)) !=
	    REDRESS_OK)
		return rc;
	if ((rc = ledger_transfer_get(tlog_store(log), id, &t, err)) != REDRESS_OK)
		return rc;
	if (t.state != LEDGER_PENDING)
		return error_set(err, REDRESS_E_CONFLICT, "transfer '%s' is %s, not pending: it cannot be %s",
		                 id, t.two_phase ? ledger_state_name(t.state) : "posted at once",
		                 to == LEDGER_POSTED ? "posted" : "voided");
	/* Its replay resolves the row and updates the change's cached accounts. */
	buf_init(&data, LEDGER_EVENT_DATA_MAX);
	if ((rc = ledger_encode_id(&data, id, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &ledger_module,
		                       to == LEDGER_POSTED ? LEDGER_EV_TRANSFER_POSTED
		                                           : LEDGER_EV_TRANSFER_VOIDED,
		                       &data, &seq, err);
	buf_free(&data);
	if (rc == REDRESS_OK) {
		t.state = to;
		t.resolved_seq = (int64_t)seq;
		if (t_r != NULL)
			*t_r = t;
	}
	return rc;
}

enum redress_err
ledger_transfer_post(struct tlog *log, const char *id, struct ledger_transfer *t_r, struct redress_error *err)
{
	return transfer_resolve(log, id, LEDGER_POSTED, t_r, err);
}

enum redress_err
ledger_transfer_void(struct tlog *log, const char *id, struct ledger_transfer *t_r, struct redress_error *err)
{
	return transfer_resolve(log, id, LEDGER_VOIDED, t_r, err);
}

/* Opens exchange:CUR when it does not exist yet. */
static enum redress_err
exchange_account(struct tlog *log, const char *currency, char code[LEDGER_CODE_MAX + 1],
                 struct redress_error *err)
{
	struct ledger_account_spec spec;
	char name[64];

	snprintf(code, LEDGER_CODE_MAX + 1, "%s%s", LEDGER_EXCHANGE_PREFIX, currency);
	snprintf(name, sizeof(name), "Currency exchange (%s)", currency);
	memset(&spec, 0, sizeof(spec));
	spec.code = code;
	spec.currency = currency;
	spec.kind = LEDGER_EQUITY;
	spec.name = name;
	return account_open(log, &spec, 1, NULL, err);
}

enum redress_err
ledger_exchange(struct tlog *log, const struct ledger_exchange_request *req, struct ledger_transfer *out_r,
                struct ledger_transfer *in_r, int *replayed_r, struct redress_error *err)
{
	char out_id[LEDGER_ID_MAX + 8], in_id[LEDGER_ID_MAX + 8];
	char xfrom[LEDGER_CODE_MAX + 1], xto[LEDGER_CODE_MAX + 1];
	struct ledger_account from, to, *debit, *credit, *debit2, *credit2;
	struct ledger_transfer out, in, old_out, old_in;
	enum redress_err rc;

	if (replayed_r != NULL)
		*replayed_r = 0;
	if ((rc = text_check_id("exchange id", req->id, LEDGER_ID_MAX, LEDGER_ID_CHARS, err)) != REDRESS_OK)
		return rc;
	snprintf(out_id, sizeof(out_id), "%s/out", req->id);
	snprintf(in_id, sizeof(in_id), "%s/in", req->id);
	if ((rc = ledger_account_get(tlog_store(log), req->from, &from, err)) != REDRESS_OK ||
	    (rc = ledger_account_get(tlog_store(log), req->to, &to, err)) != REDRESS_OK)
		return rc;
	if (strcmp(from.currency, to.currency) == 0)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "'%s' and '%s' both hold %s: an exchange converts between two currencies (use"
		    " 'redress ledger transfer')",
		    req->from, req->to, from.currency);
	if ((rc = exchange_account(log, from.currency, xfrom, err)) != REDRESS_OK ||
	    (rc = exchange_account(log, to.currency, xto, err)) != REDRESS_OK)
		return rc;
	if ((rc = transfer_prepare(log, out_id, req->from, xfrom, req->amount, "--amount", req->ref, &out,
	                           &debit, &credit, err)) != REDRESS_OK ||
	    (rc = transfer_prepare(log, in_id, xto, req->to, req->to_amount, "--to-amount", req->ref, &in,
	                           &debit2, &credit2, err)) != REDRESS_OK)
		return rc;
	memcpy(out.exchange, req->id, strlen(req->id) + 1);
	memcpy(in.exchange, req->id, strlen(req->id) + 1);

	rc = ledger_transfer_get(tlog_store(log), out_id, &old_out, err);
	if (rc == REDRESS_OK) {
		if ((rc = ledger_transfer_get(tlog_store(log), in_id, &old_in, err)) != REDRESS_OK)
			return rc;
		if ((rc = transfer_same(&old_out, &out, err)) != REDRESS_OK ||
		    (rc = transfer_same(&old_in, &in, err)) != REDRESS_OK)
			return error_prefix(err, "exchange '%s'", req->id);
		if (out_r != NULL)
			*out_r = old_out;
		if (in_r != NULL)
			*in_r = old_in;
		if (replayed_r != NULL)
			*replayed_r = 1;
		return REDRESS_OK;
	}
	if (rc != REDRESS_E_NOTFOUND)
		return rc;
	if ((rc = check_overdraft(debit, credit, out.amount, err)) != REDRESS_OK ||
	    (rc = check_overdraft(debit2, credit2, in.amount, err)) != REDRESS_OK)
		return rc;
	if ((rc = transfer_book(log, &out, err)) != REDRESS_OK ||
	    (rc = transfer_book(log, &in, err)) != REDRESS_OK)
		return rc;
	if (out_r != NULL)
		*out_r = out;
	if (in_r != NULL)
		*in_r = in;
	return REDRESS_OK;
}
