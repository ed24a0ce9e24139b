/*
 * api_entitlements.c -- what a program in instalments or in kind asks of
 * staff over /api/v1 (domain/entitlements): a proof of life (a
 * caseworker), the held instalments waiting for one (who reads persons),
 * the services in kind of a claim (recorded by a caseworker, read by who
 * reads claims), a rule change shown before it is made (an admin:
 * `redress program diff`), a program's versions (proposed by an admin,
 * approved by another, listed for who reads claims), and other benefits
 * recorded on a person's file (a caseworker).
 *
 * The preview runs as a change the writer rolls back (http_change.rollback),
 * as a dry run of the entitlements does: it books nothing and writes
 * nothing, and reads what the run would read.  Pseudonyms only.
 */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"
#include "http/api.h"

#define NO_PERSON  "there is no person with that pseudonym"
#define NO_CLAIM   "there is no claim with that id"
#define NO_PROGRAM "there is no program with that code"

/* ---- Proof of life ------------------------------------------------------------ */

struct proof_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char date[16];
};

static enum redress_err
do_proof(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct proof_arg *a = arg;
	enum redress_err rc;

	if ((rc = entitlements_proof_record(c->log, c->actor, a->pseudonym, a->date, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 201,
	                json_pack("{s:s, s:s}", "pseudonym", a->pseudonym, "proof_of_life", a->date));
	return REDRESS_OK;
}

void
api_persons_proof(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"date", NULL};
	struct proof_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             api_param_copy(req, res, "pseudonym", a->pseudonym, sizeof(a->pseudonym), NO_PERSON) ==
	                     0 &&
	                 http_field_string(res, body, "date", 1, a->date, sizeof(a->date)) >= 0,
	             do_proof, a, sizeof(*a));
}

/* ---- Held instalments ------------------------------------------------------------ */

void
api_programs_held(struct http_request *req, struct http_response *res)
{
	struct entitlement *items = NULL;
	struct redress_error err;
	struct store *store;
	struct program *p;
	char proof[11];
	json_t *array;
	enum redress_err rc;
	size_t n = 0, i;

	if ((store = http_store(req, res)) == NULL)
		return;
	/* An unknown program is not an empty list (404). */
	if ((p = malloc(sizeof(*p))) == NULL) {
		http_reply_out_of_memory(res);
		return;
	}
	array = json_array();
	if ((rc = program_get(store, http_param(req, "code"), p, &err)) == REDRESS_OK)
		rc = entitlements_held(store, p->code, &items, &n, &err);
	for (i = 0; rc == REDRESS_OK && i < n; i++) {
		/* Only the people the account's office sees (domain/offices). */
		int sees = http_sees(req, store, items[i].beneficiary, &err);

		if (sees < 0)
			rc = err.code;
		else if (sees && (rc = entitlements_latest_proof(store, items[i].beneficiary, proof, &err)) ==
		                     REDRESS_OK)
			rc = api_append(array, entitlement_held_json(&items[i], proof), &err);
	}
	api_reply_list(res, "held", array, rc, &err);
	free(items);
	free(p);
}

/* ---- Services in kind ------------------------------------------------------------ */

static enum redress_err
service_one(void *ctx, const struct entitlement_service *s, struct redress_error *err)
{
	return api_append(ctx, entitlement_service_json(s), err);
}

void
api_claims_services(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	struct claim c;
	json_t *array;
	enum redress_err rc;

	if ((store = http_store(req, res)) == NULL)
		return;
	array = json_array();
	/* An unknown claim is 404, not an empty list. */
	if ((rc = claim_get(store, http_param(req, "claim"), &c, &err)) == REDRESS_OK)
		rc = entitlements_service_each(store, c.id, service_one, array, &err);
	api_reply_list(res, "services", array, rc, &err);
}

struct service_arg {
	char claim[CLAIM_ID_MAX + 1];
	char service[PROGRAM_ITEM_CODE_MAX + 1];
	char state[16];
	char date[16];
	char provider[ENTITLEMENT_PROVIDER_MAX + 1];
};

static enum redress_err
do_service(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct service_arg *a = arg;
	enum entitlement_service_state state;
	enum redress_err rc;
	json_t *array;

	if (!entitlement_service_state_parse(a->state, &state))
		return error_set(err, REDRESS_E_INVALID,
		                 "field 'state' must be \"scheduled\", \"delivered\" or \"refused\"");
	if ((rc = entitlements_service_record(c->log, c->actor, a->claim, a->service, state, a->date,
	                                      a->provider, err)) != REDRESS_OK)
		return rc;
	if ((array = json_array()) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = entitlements_service_each(c->store, a->claim, service_one, array, err)) != REDRESS_OK) {
		json_decref(array);
		return rc;
	}
	http_reply_json(res, 201, json_pack("{s:s, s:o}", "claim", a->claim, "services", array));
	return REDRESS_OK;
}

void
api_claims_service_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"service", "state", "date", "provider", NULL};
	struct service_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             api_param_copy(req, res, "claim", a->claim, sizeof(a->claim), NO_CLAIM) == 0 &&
	                 http_field_string(res, body, "service", 1, a->service, sizeof(a->service)) >= 0 &&
	                 http_field_string(res, body, "state", 1, a->state, sizeof(a->state)) >= 0 &&
	                 http_field_string(res, body, "date", 1, a->date, sizeof(a->date)) >= 0 &&
	                 http_field_string(res, body, "provider", 1, a->provider, sizeof(a->provider)) >= 0,
	             do_service, a, sizeof(*a));
}

/* ---- A rule change shown before it is made --------------------------------------- */

static enum redress_err
do_diff(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	const struct program *p = arg;
	struct entitlements_diff d;
	enum redress_err rc;

	/* Nothing is written; rolled back all the same, so that nothing could be. */
	c->rollback = 1;
	memset(&d, 0, sizeof(d));
	if ((rc = entitlements_preview(c->log, c->actor, p, &d, err)) == REDRESS_OK)
		http_reply_json(res, 200, entitlements_diff_json(p->code, p->currency, &d));
	entitlements_diff_free(&d);
	return rc;
}

/*
 * The body is the new version's program file, read by program_parse as
 * `program add` reads it; its code must be the path's.
 */
void
api_programs_diff(struct http_request *req, struct http_response *res)
{
	struct program *p;

	if ((p = api_program_file(req, res)) == NULL)
		return;
	if (strcmp(p->code, http_param(req, "code")) != 0) {
		http_reply_error(
		    res, 400, "invalid",
		    "the program file's code is '%s', not the path's: a new version keeps its code", p->code);
		free(p);
		return;
	}
	http_change_submit(req, do_diff, p);
}

/* ---- Versions of a program ----------------------------------------------------------- */

static enum redress_err
version_one(void *ctx, const struct program_version *v, struct redress_error *err)
{
	return api_append(ctx, program_version_json(v), err);
}

void
api_programs_versions(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	json_t *array;

	if ((store = http_store(req, res)) == NULL)
		return;
	array = json_array();
	api_reply_list(res, "versions", array,
	               program_versions_each(store, http_param(req, "code"), version_one, array, &err), &err);
}

struct propose_arg {
	struct program p; /* first: freed with the argument */
	char from[16];
};

static enum redress_err
do_propose(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct propose_arg *a = arg;
	char today[CLOCK_TEXT_SIZE];
	int version = 0;
	enum redress_err rc;

	if (a->from[0] == '\0') {
		clock_now_text(today);
		today[10] = '\0';
		text_copy(a->from, sizeof(a->from), today);
	}
	if ((rc = program_version_propose(c->log, c->actor, &a->p, a->from, &version, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 201,
	                json_pack("{s:s, s:i, s:s, s:s}", "code", a->p.code, "version", version, "from",
	                          a->from, "state", "proposed"));
	return REDRESS_OK;
}

/*
 * A new version of program {code}: the body is its file (the path's code),
 * ?from=YYYY-MM-DD the day it is in force from (default today); another
 * admin approves it.
 */
void
api_programs_version_propose(struct http_request *req, struct http_response *res)
{
	struct propose_arg *a;
	struct program *p;
	const char *from = http_query(req, "from");

	if ((p = api_program_file(req, res)) == NULL)
		return;
	if (strcmp(p->code, http_param(req, "code")) != 0 ||
	    (from != NULL && strlen(from) >= sizeof(a->from))) {
		http_reply_error(
		    res, 400, "invalid",
		    strcmp(p->code, http_param(req, "code")) != 0
		        ? "the program file's code is not the path's: a new version keeps its code"
		        : "?from is a date, YYYY-MM-DD");
		free(p);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		free(p);
		http_reply_out_of_memory(res);
		return;
	}
	a->p = *p;
	free(p);
	text_copy(a->from, sizeof(a->from), from != NULL ? from : "");
	http_change_submit(req, do_propose, a);
}

struct approve_arg {
	char code[PROGRAM_CODE_MAX + 1];
	int version;
};

static enum redress_err
do_approve(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct approve_arg *a = arg;
	enum redress_err rc;

	if ((rc = program_version_approve(c->log, c->actor, a->code, a->version, err)) != REDRESS_OK)
		return rc;
	http_reply_json(
	    res, 200,
	    json_pack("{s:s, s:i, s:s}", "code", a->code, "version", a->version, "state", "approved"));
	return REDRESS_OK;
}

/* The path's {version}: 2 or later; 0 after answering 404. */
static int
version_param(struct http_request *req, struct http_response *res)
{
	const char *v = http_param(req, "version");
	char *end;
	long n = strtol(v, &end, 10);

	if (*v == '\0' || *end != '\0' || n < 2 || n > PROGRAM_VERSIONS_MAX) {
		http_reply_error(res, 404, "not_found", "there is no such version of the program to approve");
		return 0;
	}
	return (int)n;
}

void
api_programs_version_approve(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {NULL};
	struct approve_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 1, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             api_param_copy(req, res, "code", a->code, sizeof(a->code), NO_PROGRAM) == 0 &&
	                 (a->version = version_param(req, res)) != 0,
	             do_approve, a, sizeof(*a));
}

/* ---- Other benefits on a person's file ------------------------------------------------ */

struct benefit_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char benefit[PROGRAM_ITEM_CODE_MAX + 1];
	char date[16];
	int receives;
};

static enum redress_err
do_benefit(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct benefit_arg *a = arg;
	enum redress_err rc;

	if ((rc = entitlements_benefit_record(c->log, c->actor, a->pseudonym, a->benefit, a->receives,
	                                      a->date, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 201,
	                json_pack("{s:s, s:s, s:b, s:s}", "pseudonym", a->pseudonym, "benefit", a->benefit,
	                          "receives", a->receives, "on", a->date));
	return REDRESS_OK;
}

void
api_persons_benefit(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"benefit", "date", "receives", NULL};
	struct benefit_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             api_param_copy(req, res, "pseudonym", a->pseudonym, sizeof(a->pseudonym), NO_PERSON) ==
	                     0 &&
	                 http_field_string(res, body, "benefit", 1, a->benefit, sizeof(a->benefit)) >= 0 &&
	                 http_field_string(res, body, "date", 1, a->date, sizeof(a->date)) >= 0 &&
	                 http_field_bool(res, body, "receives", 1, &a->receives) >= 0,
	             do_benefit, a, sizeof(*a));
}

/* ---- Vulnerability categories on a person's file (domain/registry) ---------------------- */

struct vulnerability_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char reason[REGISTRY_TEXT_MAX + 1];
	unsigned mask;
};

static enum redress_err
do_vulnerability(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct vulnerability_arg *a = arg;
	json_t *codes = json_array();
	enum redress_err rc;
	int i;

	if ((rc = registry_vulnerability_record(c->log, c->actor, &c->keys, a->pseudonym, a->mask, a->reason,
	                                        err)) != REDRESS_OK) {
		json_decref(codes);
		return rc;
	}
	for (i = 0; codes != NULL && i < REGISTRY_VULNS; i++)
		if (a->mask & (1u << i))
			json_array_append_new(codes, json_string(registry_vulnerability_code(i)));
	http_reply_json(res, 201, json_pack("{s:s, s:o*}", "pseudonym", a->pseudonym, "categories", codes));
	return REDRESS_OK;
}

void
api_persons_vulnerability(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"categories", "reason", NULL};
	char text[REGISTRY_VULN_TEXT_MAX * 2];
	struct vulnerability_arg *a;
	struct redress_error err;
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = api_param_copy(req, res, "pseudonym", a->pseudonym, sizeof(a->pseudonym), NO_PERSON) == 0 &&
	     http_field_string(res, body, "categories", 1, text, sizeof(text)) >= 0 &&
	     http_field_string(res, body, "reason", 1, a->reason, sizeof(a->reason)) >= 0;
	if (ok && registry_vulnerability_parse(text, &a->mask, &err) != REDRESS_OK) {
		http_reply_error(res, 400, "invalid", "field 'categories': %s", err.message);
		ok = 0;
	}
	api_form_end(req, body, ok, do_vulnerability, a, sizeof(*a));
}
