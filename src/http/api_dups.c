/*
 * api_dups.c -- suspected duplicates over HTTP, with the command line's
 * rules (domain/dups, domain/registry/registry_dups.c):
 *
 *   GET  /api/v1/duplicates                 the pairs not yet decided, each with its basis
 *   POST /api/v1/duplicates/{pair}/resolve  {"decision": "same"|"distinct", "reason": TEXT}:
 *                                           distinct at once; same proposed by one
 *                                           caseworker, merged when another approves it
 *
 * A pair is "V-000001,V-000002".  What a registration finds is in its own
 * answer (api_persons.c), by pseudonym, never by name.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/dups/dups.h"
#include "http/api.h"

#define NO_PAIR "there is no pair like that: write it as V-000001,V-000002"

json_t *
api_dup_pair_json(const struct dups_pair *p)
{
	char name[DUPS_PAIR_MAX + 1];

	dups_pair_name(&p->pair, name, sizeof(name));
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "pair", name, "a", p->pair.a, "b", p->pair.b,
	                 "basis", registry_dup_basis_name(p->pair.basis), "proposal", (json_int_t)p->proposal,
	                 "proposed_by", p->proposer);
}

static enum redress_err
list_one(void *ctx, const struct dups_pair *p, struct redress_error *err)
{
	return api_append(ctx, api_dup_pair_json(p), err);
}

void
api_duplicates_list(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	json_t *arr;

	if ((store = http_store(req, res)) == NULL)
		return;
	arr = json_array();
	api_reply_list(res, "duplicates", arr, dups_list(store, &req->actor, list_one, arr, NULL, &err),
	               &err);
}

struct resolve_arg {
	char pair[HTTP_PARAM_MAX + 1];
	char decision[16];
	char reason[DUPS_REASON_MAX + 1];
};

static enum redress_err
do_resolve(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct resolve_arg *a = arg;
	struct registry_dup_pair pair;
	char name[DUPS_PAIR_MAX + 1];
	enum dups_outcome outcome;
	uint64_t seq = 0;
	enum redress_err rc;

	if ((rc = dups_resolve(c->log, c->actor, &c->keys, a->pair, strcmp(a->decision, "same") == 0,
	                       a->reason, &pair, &outcome, &seq, err)) != REDRESS_OK)
		return rc;
	dups_pair_name(&pair, name, sizeof(name));
	http_reply_json(res, 200,
	                json_pack("{s:s, s:s, s:s, s:I}", "pair", name, "outcome", dups_outcome_name(outcome),
	                          "merged_into", outcome == DUPS_MERGED ? pair.a : "", "event",
	                          (json_int_t)seq));
	return REDRESS_OK;
}

void
api_duplicates_resolve(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"decision", "reason", NULL};
	struct resolve_arg *a;
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = api_param_copy(req, res, "pair", a->pair, sizeof(a->pair), NO_PAIR) == 0 &&
	     http_field_string(res, body, "decision", 1, a->decision, sizeof(a->decision)) >= 0 &&
	     http_field_string(res, body, "reason", 1, a->reason, sizeof(a->reason)) >= 0;
	if (ok && strcmp(a->decision, "same") != 0 && strcmp(a->decision, "distinct") != 0) {
		http_reply_error(res, 400, "invalid", "field 'decision' is \"same\" or \"distinct\"");
		ok = 0;
	}
	api_form_end(req, body, ok, do_resolve, a, sizeof(*a));
}
