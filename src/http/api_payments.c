/*
 * api_payments.c -- paying through the bank, and what donors pledge, over
 * HTTP (domain/payments, domain/pledges), with the command line's rules:
 *
 *   POST /api/v1/persons/{pseudonym}/bank        bank details, sealed (caseworkers)
 *   POST /api/v1/programs/{code}/debtor          the fund's own account (finance)
 *   POST /api/v1/programs/{code}/batches         a batch from the queue, held pending
 *   GET  /api/v1/batches/{id}                    its orders and their states
 *   POST /api/v1/batches/{id}/export             the pain.001 file (an event: who took it)
 *   POST /api/v1/bank-files                      a camt.054 or pain.002 the bank sent back
 *   GET/POST /api/v1/pledges, POST .../receipts  pledges and their receipts
 *
 * Bank details are in clear only in the pain.001 answer, which is never
 * cached (no-store) and is wiped with the request.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/clock.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments.h"
#include "domain/pledges/pledges.h"
#include "http/api.h"

/* Copies a {param} of at most max bytes into out, answering 404 naming what when it cannot be one. */
static int
param_into(struct http_request *req, struct http_response *res, const char *name, const char *what, char *out,
           size_t size)
{
	const char *value = http_param(req, name);

	if (strlen(value) >= size) {
		http_reply_error(res, 404, "not_found", "there is no %s with that name", what);
		return -1;
	}
	memcpy(out, value, strlen(value) + 1);
	return 0;
}

/* ---- Bank details and the debtor ---------------------------------------------------- */

struct bank_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct payments_bank bank;
};

static enum redress_err
do_bank(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct bank_arg *a = arg;
	enum redress_err rc;

	if ((rc = payments_bank_set(c->log, c->actor, &c->keys, a->pseudonym, &a->bank, err)) == REDRESS_OK)
		http_reply_json(res, 200,
		                json_pack("{s:s, s:b}", "pseudonym", a->pseudonym, "bank_details", 1));
	return rc;
}

void
api_persons_bank(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"account", "iban", "bic", "holder", NULL};
	struct bank_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(
	    req, body,
	    param_into(req, res, "pseudonym", "person", a->pseudonym, sizeof(a->pseudonym)) == 0 &&
	        http_field_string(res, body, "account", 1, a->bank.account, sizeof(a->bank.account)) >= 0 &&
	        http_field_string(res, body, "iban", 0, a->bank.iban, sizeof(a->bank.iban)) >= 0 &&
	        http_field_string(res, body, "bic", 1, a->bank.bic, sizeof(a->bank.bic)) >= 0 &&
	        http_field_string(res, body, "holder", 1, a->bank.holder, sizeof(a->bank.holder)) >= 0,
	    do_bank, a, sizeof(*a));
}

static enum redress_err
do_debtor(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct payments_debtor *d = arg;
	enum redress_err rc;

	if ((rc = payments_debtor_set(c->log, c->actor, d, err)) == REDRESS_OK)
		http_reply_json(res, 200,
		                json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "program", d->program, "name",
		                          d->name, "iban", d->iban, "account", d->account, "scheme",
		                          d->account[0] != '\0' && d->scheme[0] == '\0' ? "BBAN" : d->scheme,
		                          "bic", d->bic));
	return rc;
}

void
api_programs_debtor(struct http_request *req, struct http_response *res)
{
	/* An IBAN, or (where accounts have none) an account number and its scheme. */
	static const char *const fields[] = {"name", "iban", "account", "scheme", "bic", NULL};
	struct payments_debtor *d;
	json_t *body;

	if ((d = api_form_begin(req, res, fields, 0, sizeof(*d), &body)) == NULL)
		return;
	api_form_end(req, body,
	             param_into(req, res, "code", "program", d->program, sizeof(d->program)) == 0 &&
	                 http_field_string(res, body, "name", 1, d->name, sizeof(d->name)) >= 0 &&
	                 http_field_string(res, body, "iban", 0, d->iban, sizeof(d->iban)) >= 0 &&
	                 http_field_string(res, body, "account", 0, d->account, sizeof(d->account)) >= 0 &&
	                 http_field_string(res, body, "scheme", 0, d->scheme, sizeof(d->scheme)) >= 0 &&
	                 http_field_string(res, body, "bic", 1, d->bic, sizeof(d->bic)) >= 0,
	             do_debtor, d, sizeof(*d));
}

/* ---- Batches ------------------------------------------------------------------ */

struct batch_arg {
	char program[65];
	int64_t limit;
};

static enum redress_err
do_batch(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct batch_arg *a = arg;
	struct payments_batch_run run;
	char total[MONEY_TEXT_SIZE];
	enum redress_err rc;

	memset(&run, 0, sizeof(run));
	if ((rc = payments_batch(c->log, c->actor, a->program, (uint64_t)a->limit, &run, err)) != REDRESS_OK)
		return rc;
	money_format(run.total, currency_find(run.currency, NULL), total, sizeof(total));
	http_reply_json(res, run.id[0] != '\0' ? 201 : 200,
	                json_pack("{s:s?, s:I, s:s, s:s, s:I, s:I, s:I}", "batch", run.id[0] ? run.id : NULL,
	                          "orders", (json_int_t)run.orders, "total", total, "currency", run.currency,
	                          "no_bank_details", (json_int_t)run.no_bank, "deceased",
	                          (json_int_t)run.deceased, "merged", (json_int_t)run.merged));
	return REDRESS_OK;
}

void
api_programs_batch(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"limit", NULL};
	struct batch_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 1, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             param_into(req, res, "code", "program", a->program, sizeof(a->program)) == 0 &&
	                 http_field_int(res, body, "limit", 0, 1, PAYMENTS_BATCH_MAX, &a->limit) >= 0,
	             do_batch, a, sizeof(*a));
}

void
api_batches_show(struct http_request *req, struct http_response *res)
{
	char batch[PAYMENTS_BATCH_ID_MAX + 1];
	struct redress_error err;
	struct store *store;
	json_t *json;

	if (param_into(req, res, "id", "batch", batch, sizeof(batch)) < 0 ||
	    (store = http_store(req, res)) == NULL)
		return;
	if (payments_batch_json(store, batch, &json, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200, json);
}

static enum redress_err
do_export(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	const char *batch = arg;
	char now[CLOCK_TEXT_SIZE];
	enum redress_err rc;

	/* pain.001's CreDtTm: seconds, no zone designator ("2026-11-27T19:17:02"). */
	clock_now_text(now);
	now[19] = '\0';
	buf_reset(&res->body);
	c->personal = 1; /* names and IBANs */
	if ((rc = payments_export(c->log, c->actor, &c->keys, batch, now, &res->body, err)) != REDRESS_OK) {
		buf_reset(&res->body);
		return rc;
	}
	res->status = 200;
	res->content_type = "application/xml";
	snprintf(res->disposition, sizeof(res->disposition), "attachment; filename=\"pain.001-%s.xml\"",
	         batch);
	return REDRESS_OK;
}

void
api_batches_export(struct http_request *req, struct http_response *res)
{
	char *batch = calloc(1, PAYMENTS_BATCH_ID_MAX + 1);
	const char *format = http_query(req, "format");

	if (batch == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if (format != NULL && strcmp(format, "pain.001") != 0) {
		free(batch);
		http_reply_error(res, 400, "invalid",
		                 "query parameter 'format': the only format is pain.001");
		return;
	}
	if (param_into(req, res, "id", "batch", batch, PAYMENTS_BATCH_ID_MAX + 1) < 0) {
		free(batch);
		return;
	}
	http_change_submit(req, do_export, batch);
}

/* ---- Bank files ----------------------------------------------------------------- */

struct import_arg {
	char name[64];
	char *bytes;
	size_t len;
};

static enum redress_err
do_import(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct import_arg *a = arg;
	struct payments_import_run run;
	enum redress_err rc;

	memset(&run, 0, sizeof(run));
	if ((rc = payments_import(c->log, c->actor, a->name, a->bytes, a->len, &run, err)) != REDRESS_OK)
		return rc;
	/* not_ours: entries of others (fees, money coming in), counted and summed, never booked. */
	http_reply_json(
	    res, 200,
	    json_pack("{s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I, s:s, s:b}}", "kind",
	              run.kind, "sha256", run.sha256, "already_imported", run.already, "settled",
	              (json_int_t)run.settled, "returned", (json_int_t)run.returned, "unchanged",
	              (json_int_t)run.unchanged, "ignored", (json_int_t)run.ignored, "not_ours", "entries",
	              (json_int_t)run.foreign, "in", (json_int_t)run.foreign_in, "in_total",
	              (json_int_t)run.foreign_in_total, "out", (json_int_t)run.foreign_out, "out_total",
	              (json_int_t)run.foreign_out_total, "currency", run.foreign_currency, "mixed_currencies",
	              run.foreign_mixed));
	return REDRESS_OK;
}

void
api_bank_files_import(struct http_request *req, struct http_response *res)
{
	size_t len = strcspn(req->content_type, "; \t");
	struct redress_error err;
	struct import_arg *a;

	if (!((len == strlen("application/xml") &&
	       strncasecmp(req->content_type, "application/xml", len) == 0) ||
	      (len == strlen("text/xml") && strncasecmp(req->content_type, "text/xml", len) == 0))) {
		http_reply_error(res, 415, "unsupported_media_type",
		                 "a bank file is sent as application/xml (a camt.054 or a pain.002)");
		return;
	}
	if (buf_error(&req->body, &err) != REDRESS_OK) {
		http_reply_error(res, 413, "too_large", "a bank file is at most %u bytes", PAYMENTS_XML_MAX);
		return;
	}
	/* The reader gets the request's own buffer, which outlives the change: no copy. */
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	snprintf(a->name, sizeof(a->name), "the bank file");
	a->bytes = req->body.data != NULL ? req->body.data : (char *)"";
	a->len = req->body.len;
	http_change_submit(req, do_import, a);
}

/* ---- Pledges ---------------------------------------------------------------------- */

static enum redress_err
pledge_one(void *ctx, const struct pledge *p, struct redress_error *err)
{
	if (json_array_append_new(ctx, pledge_json(p)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing pledges");
	return REDRESS_OK;
}

void
api_pledges_list(struct http_request *req, struct http_response *res)
{
	const char *program = http_query(req, "program");
	struct redress_error err;
	struct store *store;
	json_t *array;

	if ((store = http_store(req, res)) == NULL)
		return;
	array = json_array();
	if (pledge_each(store, program, pledge_one, array, &err) != REDRESS_OK) {
		json_decref(array);
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200, json_pack("{s:o}", "pledges", array));
}

struct pledge_arg {
	char id[PLEDGE_ID_MAX + 1];
	char program[65];
	char donor[PLEDGE_DONOR_MAX + 1];
	char amount[64];
	char to_amount[64];
	char currency[CURRENCY_CODE_SIZE];
	char condition[PLEDGE_CONDITION_MAX + 1];
};

static enum redress_err
do_pledge(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct pledge_arg *a = arg;
	struct pledge p;
	enum redress_err rc;

	if ((rc = pledge_add(c->log, c->actor, a->program, a->donor, a->amount, a->currency,
	                     a->condition[0] != '\0' ? a->condition : NULL, a->id, err)) != REDRESS_OK ||
	    (rc = pledge_get(c->store, a->id, &p, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 201, pledge_json(&p));
	return REDRESS_OK;
}

void
api_pledges_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"program", "donor", "amount", "currency", "condition", NULL};
	struct pledge_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             http_field_string(res, body, "program", 1, a->program, sizeof(a->program)) >= 0 &&
	                 http_field_string(res, body, "donor", 1, a->donor, sizeof(a->donor)) >= 0 &&
	                 http_field_string(res, body, "amount", 1, a->amount, sizeof(a->amount)) >= 0 &&
	                 http_field_string(res, body, "currency", 1, a->currency, sizeof(a->currency)) >= 0 &&
	                 http_field_string(res, body, "condition", 0, a->condition, sizeof(a->condition)) >=
	                     0,
	             do_pledge, a, sizeof(*a));
}

static enum redress_err
do_receive(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct pledge_arg *a = arg;
	struct pledge_receipt r;
	enum redress_err rc;

	if ((rc = pledge_receive(c->log, c->actor, a->id, a->amount,
	                         a->to_amount[0] != '\0' ? a->to_amount : NULL, &r, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 201,
	                json_pack("{s:s, s:s, s:o, s:s, s:o, s:s}", "receipt", r.id, "pledge", r.pledge,
	                          "amount", ledger_amount_json(r.amount, r.currency), "currency", r.currency,
	                          "to_amount", ledger_amount_json(r.to_amount, r.to_currency), "to_currency",
	                          r.to_currency));
	return REDRESS_OK;
}

void
api_pledges_receive(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"amount", "to_amount", NULL};
	struct pledge_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             param_into(req, res, "id", "pledge", a->id, sizeof(a->id)) == 0 &&
	                 http_field_string(res, body, "amount", 1, a->amount, sizeof(a->amount)) >= 0 &&
	                 http_field_string(res, body, "to_amount", 0, a->to_amount, sizeof(a->to_amount)) >=
	                     0,
	             do_receive, a, sizeof(*a));
}
