/*
 * api_ledger.c -- /api/v1/ledger: accounts, balances, transfers and
 * exchanges, with the ledger's own rules (domain/ledger): ids are
 * idempotency keys of their own, an overdraft is refused (422), a pending
 * transfer is posted or voided once.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/ledger/ledger.h"
#include "http/api.h"

/* ---- Reading ---------------------------------------------------------------- */

struct accounts_out {
	json_t *array;
	int brief; /* balances only: what a monitor may see */
};

static enum redress_err
account_one(void *ctx, const struct ledger_account *a, struct redress_error *err)
{
	struct accounts_out *out = ctx;
	json_t *row;

	if ((row = ledger_account_json(a, err)) == NULL)
		return err->code;
	if (out->brief) {
		json_t *brief = json_pack(
		    "{s:O, s:O, s:O, s:O, s:O}", "code", json_object_get(row, "code"), "currency",
		    json_object_get(row, "currency"), "kind", json_object_get(row, "kind"), "balance",
		    json_object_get(row, "balance"), "available", json_object_get(row, "available"));

		json_decref(row);
		row = brief;
	}
	if (row == NULL || json_array_append_new(out->array, row) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing accounts");
	return REDRESS_OK;
}

static void
accounts(struct http_request *req, struct http_response *res, int brief)
{
	struct accounts_out out = {json_array(), brief};
	struct redress_error err;
	struct store *store;

	if ((store = http_store(req, res)) == NULL) {
		json_decref(out.array);
		return;
	}
	if (ledger_account_each(store, account_one, &out, &err) != REDRESS_OK) {
		json_decref(out.array);
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200, json_pack("{s:o}", "accounts", out.array));
}

void
api_ledger_accounts(struct http_request *req, struct http_response *res)
{
	accounts(req, res, 0);
}

void
api_ledger_balances(struct http_request *req, struct http_response *res)
{
	accounts(req, res, 1);
}

static enum redress_err
transfer_one(void *ctx, const struct ledger_transfer *t, struct redress_error *err)
{
	if (json_array_append_new(ctx, ledger_transfer_json(t)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing transfers");
	return REDRESS_OK;
}

void
api_ledger_transfers(struct http_request *req, struct http_response *res)
{
	const char *account = http_query(req, "account");
	struct ledger_account a;
	struct redress_error err;
	struct store *store;
	json_t *array;

	if (account == NULL) {
		http_reply_error(res, 400, "invalid", "query parameter 'account' is required");
		return;
	}
	if ((store = http_store(req, res)) == NULL)
		return;
	if (ledger_account_get(store, account, &a, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	array = json_array();
	if (ledger_history(store, a.code, transfer_one, array, &err) != REDRESS_OK) {
		json_decref(array);
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200, json_pack("{s:s, s:o}", "account", a.code, "transfers", array));
}

void
api_ledger_transfer_show(struct http_request *req, struct http_response *res)
{
	struct ledger_transfer t;
	struct redress_error err;
	struct store *store;

	if ((store = http_store(req, res)) == NULL)
		return;
	if (ledger_transfer_get(store, http_param(req, "id"), &t, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200, ledger_transfer_json(&t));
}

/* ---- Accounts ------------------------------------------------------------------ */

struct account_arg {
	char code[LEDGER_CODE_MAX + 1];
	char currency[CURRENCY_CODE_SIZE];
	char name[LEDGER_NAME_MAX + 1];
	enum ledger_kind kind;
	int no_overdraft;
};

static enum redress_err
do_account(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct account_arg *a = arg;
	struct ledger_account_spec spec = {a->code, a->currency, a->kind, a->name[0] != '\0' ? a->name : NULL,
	                                   a->no_overdraft};
	struct ledger_account account;
	enum redress_err rc;
	int existed = 0;

	if ((rc = ledger_account_open(c->log, &spec, &existed, err)) != REDRESS_OK ||
	    (rc = ledger_account_current(c->log, a->code, &account, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, existed ? 200 : 201, ledger_account_json(&account, err));
	return REDRESS_OK;
}

void
api_ledger_account_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"code", "currency", "kind", "name", "no_overdraft", NULL};
	struct redress_error err;
	struct account_arg *a;
	char kind[16];
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = http_field_string(res, body, "code", 1, a->code, sizeof(a->code)) >= 0 &&
	     http_field_string(res, body, "currency", 1, a->currency, sizeof(a->currency)) >= 0 &&
	     http_field_string(res, body, "kind", 1, kind, sizeof(kind)) >= 0 &&
	     http_field_string(res, body, "name", 0, a->name, sizeof(a->name)) >= 0 &&
	     http_field_bool(res, body, "no_overdraft", 0, &a->no_overdraft) >= 0;
	if (ok && ledger_kind_parse(kind, &a->kind, &err) != REDRESS_OK) {
		http_reply_error(res, 400, "invalid", "field 'kind': %s", err.message);
		ok = 0;
	}
	api_form_end(req, body, ok, do_account, a, sizeof(*a));
}

/* ---- Transfers ------------------------------------------------------------------ */

struct transfer_arg {
	char id[LEDGER_ID_MAX + 1];
	char from[LEDGER_CODE_MAX + 1];
	char to[LEDGER_CODE_MAX + 1];
	char amount[64];
	char to_amount[64];
	char ref[LEDGER_REF_MAX + 1];
	int pending;
};

static enum redress_err
do_transfer(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct transfer_arg *a = arg;
	struct ledger_transfer_request r = {a->id,     a->from,    a->to,
	                                    a->amount, a->pending, a->ref[0] != '\0' ? a->ref : NULL};
	struct ledger_transfer t;
	enum redress_err rc;
	int replayed = 0;

	if ((rc = ledger_transfer_create(c->log, &r, &t, &replayed, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, replayed ? 200 : 201, ledger_transfer_json(&t));
	return REDRESS_OK;
}

/* A transfer's or an exchange's body, submitted to fn. */
static void
transfer_form(struct http_request *req, struct http_response *res, const char *const *fields, int exchange,
              http_change_fn fn)
{
	struct transfer_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(
	    req, body,
	    http_field_string(res, body, "id", 1, a->id, sizeof(a->id)) >= 0 &&
	        http_field_string(res, body, "from", 1, a->from, sizeof(a->from)) >= 0 &&
	        http_field_string(res, body, "to", 1, a->to, sizeof(a->to)) >= 0 &&
	        http_field_string(res, body, "amount", 1, a->amount, sizeof(a->amount)) >= 0 &&
	        http_field_string(res, body, "ref", 0, a->ref, sizeof(a->ref)) >= 0 &&
	        (exchange ? http_field_string(res, body, "to_amount", 1, a->to_amount, sizeof(a->to_amount))
	                  : http_field_bool(res, body, "pending", 0, &a->pending)) >= 0,
	    fn, a, sizeof(*a));
}

void
api_ledger_transfer_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"id", "from", "to", "amount", "pending", "ref", NULL};

	transfer_form(req, res, fields, 0, do_transfer);
}

static enum redress_err
do_exchange(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct transfer_arg *a = arg;
	struct ledger_exchange_request r = {a->id, a->from,      a->amount,
	                                    a->to, a->to_amount, a->ref[0] != '\0' ? a->ref : NULL};
	struct ledger_transfer out, in;
	enum redress_err rc;
	int replayed = 0;

	if ((rc = ledger_exchange(c->log, &r, &out, &in, &replayed, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, replayed ? 200 : 201,
	                json_pack("{s:s, s:o, s:o}", "id", a->id, "out", ledger_transfer_json(&out), "in",
	                          ledger_transfer_json(&in)));
	return REDRESS_OK;
}

void
api_ledger_exchange(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"id", "from", "to", "amount", "to_amount", "ref", NULL};

	transfer_form(req, res, fields, 1, do_exchange);
}

static enum redress_err
do_post(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct ledger_transfer t;
	enum redress_err rc;

	if ((rc = ledger_transfer_post(c->log, arg, &t, err)) == REDRESS_OK)
		http_reply_json(res, 200, ledger_transfer_json(&t));
	return rc;
}

static enum redress_err
do_void(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct ledger_transfer t;
	enum redress_err rc;

	if ((rc = ledger_transfer_void(c->log, arg, &t, err)) == REDRESS_OK)
		http_reply_json(res, 200, ledger_transfer_json(&t));
	return rc;
}

static void
resolve(struct http_request *req, struct http_response *res, http_change_fn fn)
{
	api_param_submit(req, res, "id", LEDGER_ID_MAX, "there is no transfer with that id", fn);
}

void
api_ledger_transfer_post(struct http_request *req, struct http_response *res)
{
	resolve(req, res, do_post);
}

void
api_ledger_transfer_void(struct http_request *req, struct http_response *res)
{
	resolve(req, res, do_void);
}
