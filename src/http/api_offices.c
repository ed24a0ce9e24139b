/*
 * api_offices.c -- /api/v1/offices: a program's offices and the regions
 * each covers, an account put in one, and a person transferred between
 * them (domain/offices).  Which people each account sees is decided in
 * auth.c (every route naming a person) and in the lists (http_sees).
 */
#include <string.h>

#include "domain/offices/offices.h"
#include "http/api.h"

static enum redress_err
office_one(void *ctx, const struct offices_office *o, struct redress_error *err)
{
	return api_append(ctx,
	                  json_pack("{s:s, s:s, s:s, s:I}", "code", o->code, "name", o->name, "regions",
	                            o->regions, "staff", (json_int_t)o->staff),
	                  err);
}

void
api_offices_list(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	json_t *arr;

	if ((store = http_store(req, res)) == NULL)
		return;
	arr = json_array();
	api_reply_list(res, "offices", arr, offices_each(store, office_one, arr, &err), &err);
}

struct office_arg {
	char code[OFFICES_CODE_MAX + 1];
	char name[OFFICES_NAME_MAX + 1];
	char regions[OFFICES_REGIONS_MAX * (REGISTRY_REGION_MAX + 1) + 1];
	char account[USER_NAME_MAX + 1];
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char reason[OFFICES_REASON_MAX + 1];
};

static enum redress_err
do_add(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct office_arg *a = arg;
	enum redress_err rc;

	if ((rc = offices_add(c->log, c->actor, a->code, a->name, a->regions, err)) != REDRESS_OK)
		return rc;
	http_reply_json(
	    res, 201, json_pack("{s:s, s:s, s:s}", "code", a->code, "name", a->name, "regions", a->regions));
	return REDRESS_OK;
}

void
api_offices_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"code", "name", "regions", NULL};
	struct office_arg *a;
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = http_field_string(res, body, "code", 1, a->code, sizeof(a->code)) >= 0 &&
	     http_field_string(res, body, "name", 1, a->name, sizeof(a->name)) >= 0 &&
	     http_field_string(res, body, "regions", 1, a->regions, sizeof(a->regions)) >= 0;
	api_form_end(req, body, ok, do_add, a, sizeof(*a));
}

static enum redress_err
do_assign(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct office_arg *a = arg;
	enum redress_err rc;

	if ((rc = offices_staff_set(c->log, c->actor, a->account, a->code, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 200,
	                json_pack("{s:s, s:o}", "account", a->account, "office",
	                          a->code[0] != '\0' ? json_string(a->code) : json_null()));
	return REDRESS_OK;
}

void
api_users_office(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"office", NULL};
	struct office_arg *a;
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 1, sizeof(*a), &body)) == NULL)
		return;
	ok = api_param_copy(req, res, "name", a->account, sizeof(a->account),
	                    "there is no account with that name") == 0 &&
	     http_field_string(res, body, "office", 0, a->code, sizeof(a->code)) >= 0;
	api_form_end(req, body, ok, do_assign, a, sizeof(*a));
}

static enum redress_err
do_transfer(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct office_arg *a = arg;
	enum redress_err rc;

	if ((rc = offices_transfer(c->log, c->actor, &c->keys, a->pseudonym, a->code, a->reason, err)) !=
	    REDRESS_OK)
		return rc;
	http_reply_json(res, 200, json_pack("{s:s, s:s}", "pseudonym", a->pseudonym, "office", a->code));
	return REDRESS_OK;
}

void
api_persons_transfer(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"office", "reason", NULL};
	struct office_arg *a;
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = api_param_copy(req, res, "pseudonym", a->pseudonym, sizeof(a->pseudonym),
	                    "no person has that pseudonym") == 0 &&
	     http_field_string(res, body, "office", 1, a->code, sizeof(a->code)) >= 0 &&
	     http_field_string(res, body, "reason", 1, a->reason, sizeof(a->reason)) >= 0;
	api_form_end(req, body, ok, do_transfer, a, sizeof(*a));
}
