/*
 * api_programs.c -- /api/v1/programs: a program's rules (as data, the
 * same file `redress program add` reads), the entitlements its approved
 * claims are owed, and the queue they are paid in (domain/programs,
 * domain/entitlements).
 *
 * Any account reads the rules; adding a program needs an admin; a run of
 * the entitlements needs finance, and a dry run is that very run rolled
 * back by the writer (http_change.rollback), so what it says it would book
 * is what a real run books.  The queue names pseudonyms only.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"
#include "http/api.h"

#define NO_PROGRAM "there is no program with that code"

/* ---- Reading ---------------------------------------------------------------- */

static enum redress_err
program_one(void *ctx, const struct program *p, struct redress_error *err)
{
	return api_append(ctx, program_json(p), err);
}

void
api_programs_list(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	json_t *array;

	if ((store = http_store(req, res)) == NULL)
		return;
	array = json_array();
	api_reply_list(res, "programs", array, program_each(store, program_one, array, &err), &err);
}

/* The program {code} of the path and the request's store; NULL after answering (404 for none). */
static struct store *
program_param(struct http_request *req, struct http_response *res, struct program *p)
{
	struct redress_error err;
	struct store *store;

	if ((store = http_store(req, res)) == NULL)
		return NULL;
	if (program_get(store, http_param(req, "code"), p, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return NULL;
	}
	return store;
}

void
api_programs_show(struct http_request *req, struct http_response *res)
{
	struct program p;

	if (program_param(req, res, &p) != NULL)
		http_reply_json(res, 200, program_json(&p));
}

struct queue_out {
	json_t *array;
	uint64_t position;
};

static enum redress_err
queue_one(void *ctx, const struct entitlement *e, const struct registry_person *p, struct redress_error *err)
{
	struct queue_out *out = ctx;

	return api_append(out->array, entitlement_queue_json(++out->position, e, p), err);
}

void
api_programs_queue(struct http_request *req, struct http_response *res)
{
	struct queue_out out = {NULL, 0};
	struct redress_error err;
	struct store *store;
	struct program p;

	/* An unknown program is not an empty queue. */
	if ((store = program_param(req, res, &p)) == NULL)
		return;
	out.array = json_array();
	api_reply_list(res, "queue", out.array, entitlements_queue(store, p.code, queue_one, &out, &err),
	               &err);
}

/* ---- Adding a program ------------------------------------------------------------ */

static enum redress_err
do_add(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct program *p = arg;
	enum redress_err rc;

	if ((rc = program_add(c->log, c->actor, p, err)) != REDRESS_OK ||
	    (rc = program_get(c->store, p->code, p, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 201, program_json(p));
	return REDRESS_OK;
}

/*
 * The body is the program file itself, read by program_parse (which
 * refuses any field it does not know, naming it, and names the line and
 * column of a syntax error), so not through the http_field_ readers.
 */
struct program *
api_program_file(struct http_request *req, struct http_response *res)
{
	struct program_errors *errs;
	struct redress_error err;
	struct program *p;

	if (http_body_json(req, res) < 0)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return NULL;
	}
	if ((errs = malloc(sizeof(*errs))) == NULL) {
		free(p);
		http_reply_error(res, 503, "unavailable", "out of memory");
		return NULL;
	}
	if (program_parse_all(req->body.data != NULL ? req->body.data : "", req->body.len, p, errs, &err) !=
	    REDRESS_OK) {
		/* The first error as the message, and every one in "errors" (each naming its field). */
		json_t *list = json_array(), *reply;
		size_t i;

		for (i = 0; list != NULL && i < errs->n; i++)
			json_array_append_new(list, json_string(errs->message[i]));
		reply = json_pack("{s:{s:i, s:s, s:s+, s:o*}}", "error", "status", 400, "code", "invalid",
		                  "message", "the program file: ", err.message, "errors", list);
		free(p);
		free(errs);
		if (reply == NULL)
			http_reply_error(res, 400, "invalid", "the program file: %s", err.message);
		else
			http_reply_json(res, 400, reply);
		return NULL;
	}
	free(errs);
	return p;
}

void
api_programs_add(struct http_request *req, struct http_response *res)
{
	struct program *p;

	if ((p = api_program_file(req, res)) != NULL)
		http_change_submit(req, do_add, p);
}

/* ---- Entitlements --------------------------------------------------------------- */

struct run_arg {
	char program[PROGRAM_CODE_MAX + 1];
	int dry_run;
};

static enum redress_err
do_run(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct run_arg *a = arg;
	struct entitlements_run run;
	enum redress_err rc;

	memset(&run, 0, sizeof(run));
	if ((rc = entitlements_compute(c->log, c->actor, a->program, &run, err)) != REDRESS_OK)
		return rc;
	c->rollback = a->dry_run;
	http_reply_json(res, 200, entitlements_run_json(a->program, a->dry_run, &run));
	return REDRESS_OK;
}

void
api_programs_entitlements(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"dry_run", NULL};
	struct run_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 1, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             api_param_copy(req, res, "code", a->program, sizeof(a->program), NO_PROGRAM) == 0 &&
	                 http_field_bool(res, body, "dry_run", 0, &a->dry_run) >= 0,
	             do_run, a, sizeof(*a));
}
