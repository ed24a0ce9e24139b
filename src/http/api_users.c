/*
 * api_users.c -- /api/v1/users: staff accounts, their second factor, API
 * tokens and locks (domain/users), all for an admin.
 *
 * A password goes in and never comes out; a TOTP secret (as its otpauth://
 * URI and QR code) and an API token come out once, in the answer to the
 * request that made them, and are kept only sealed or hashed.  Revoking an
 * account's tokens or locking it also ends its signed-in sessions, at
 * once: the change ends them as it is made (ending a session twice, or for
 * a change that then fails to commit, only signs someone out).  So do
 * disabling an account and resetting its password.  A grant of admin
 * answers 202 while it waits for a second admin.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/qr.h"
#include "http/api.h"

#define NO_ACCOUNT "there is no account with that name"

/* ---- Reading ---------------------------------------------------------------- */

struct list_out {
	struct store *store;
	json_t *array;
};

static enum redress_err
account_one(void *ctx, const char *name, enum role role, struct redress_error *err)
{
	struct list_out *out = ctx;
	struct users_account a;
	enum redress_err rc;

	(void)role;
	if ((rc = users_account_get(out->store, name, &a, err)) != REDRESS_OK)
		return rc;
	return api_append(out->array, users_account_json(&a), err);
}

void
api_users_list(struct http_request *req, struct http_response *res)
{
	struct list_out out = {NULL, NULL};
	struct redress_error err;

	if ((out.store = http_store(req, res)) == NULL)
		return;
	out.array = json_array();
	api_reply_list(res, "users", out.array, users_each(out.store, account_one, &out, &err), &err);
}

/* Answers account name as it stands after the change, with status. */
static enum redress_err
reply_account(struct http_change *c, const char *name, unsigned status, struct http_response *res,
              struct redress_error *err)
{
	struct users_account a;
	enum redress_err rc;

	if ((rc = users_account_get(c->store, name, &a, err)) == REDRESS_OK)
		http_reply_json(res, status, users_account_json(&a));
	return rc;
}

/* ---- Adding an account ---------------------------------------------------------- */

struct add_arg {
	char name[USER_NAME_MAX + 1];
	enum role role;
	char password[PASSWORD_MAX + 1];
};

static enum redress_err
do_add(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct add_arg *a = arg;
	enum redress_err rc;

	if ((rc = users_add(c->log, c->actor, c->keys.master, a->name, a->role, a->password, err)) !=
	    REDRESS_OK)
		return rc;
	return reply_account(c, a->name, 201, res, err);
}

void
api_users_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"name", "role", "password", NULL};
	struct redress_error err;
	struct add_arg *a;
	char role[16];
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = http_field_string(res, body, "name", 1, a->name, sizeof(a->name)) >= 0 &&
	     http_field_string(res, body, "role", 1, role, sizeof(role)) >= 0 &&
	     http_field_string(res, body, "password", 1, a->password, sizeof(a->password)) >= 0;
	if (ok && users_role_parse(role, &a->role, &err) != REDRESS_OK) {
		http_reply_error(res, 400, "invalid", "field 'role': %s", err.message);
		ok = 0;
	}
	api_form_end(req, body, ok, do_add, a, sizeof(*a));
}

/* ---- One account's tokens, second factor and lock ----------------------------------- */

/* What a change to one account works with. */
struct account_arg {
	char name[USER_NAME_MAX + 1];
	char reason[USERS_REASON_MAX + 1]; /* lock */
	struct http_sessions *sessions;    /* to end the account's sessions */
};

static enum redress_err
do_token(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct account_arg *a = arg;
	char token[USERS_TOKEN_SIZE];
	enum redress_err rc;

	c->shown_once = 1;
	if ((rc = users_token_issue(c->log, c->actor, a->name, token, sizeof(token), err)) == REDRESS_OK)
		http_reply_json(res, 201, json_pack("{s:s, s:s}", "account", a->name, "token", token));
	sodium_memzero(token, sizeof(token));
	return rc;
}

static enum redress_err
do_revoke(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct account_arg *a = arg;
	uint64_t revoked = 0;
	enum redress_err rc;

	if ((rc = users_tokens_revoke(c->log, c->actor, a->name, &revoked, err)) != REDRESS_OK)
		return rc;
	http_sessions_end_account(a->sessions, a->name);
	http_reply_json(res, 200,
	                json_pack("{s:s, s:I}", "account", a->name, "revoked", (json_int_t)revoked));
	return REDRESS_OK;
}

static enum redress_err
do_totp(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct account_arg *a = arg;
	char uri[USERS_TOTP_URI_SIZE], label[USER_NAME_MAX + 64];
	enum redress_err rc;
	struct buf svg;

	buf_init_secret(&svg, 1u << 20);
	c->shown_once = 1;
	if ((rc = users_totp_enrol(c->log, c->actor, c->keys.master, a->name, uri, sizeof(uri), err)) !=
	    REDRESS_OK)
		goto out;
	snprintf(label, sizeof(label), "Second factor (TOTP) for the redress account %s", a->name);
	if ((rc = qr_svg(uri, label, &svg, err)) != REDRESS_OK)
		goto out;
	http_reply_json(
	    res, 201,
	    json_pack("{s:s, s:s, s:s%}", "account", a->name, "uri", uri, "qr_svg", svg.data, svg.len));
out:
	/* The URI holds the secret, and so does the drawing of it. */
	sodium_memzero(uri, sizeof(uri));
	buf_free(&svg);
	return rc;
}

static enum redress_err
do_lock(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct account_arg *a = arg;
	enum redress_err rc;

	if ((rc = users_lock(c->log, a->name, a->reason, err)) != REDRESS_OK)
		return rc;
	http_sessions_end_account(a->sessions, a->name);
	return reply_account(c, a->name, 200, res, err);
}

static enum redress_err
do_unlock(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct account_arg *a = arg;
	enum redress_err rc;

	if ((rc = users_unlock(c->log, c->actor, a->name, err)) != REDRESS_OK)
		return rc;
	return reply_account(c, a->name, 200, res, err);
}

/* Submits fn for the account {name}, with a body of fields (NULL: none). */
static void
account_change(struct http_request *req, struct http_response *res, const char *const *fields,
               http_change_fn fn)
{
	static const char *const none[] = {NULL};
	struct account_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields != NULL ? fields : none, fields == NULL, sizeof(*a),
	                        &body)) == NULL)
		return;
	a->sessions = &req->app->sessions;
	api_form_end(req, body,
	             api_param_copy(req, res, "name", a->name, sizeof(a->name), NO_ACCOUNT) == 0 &&
	                 (fields == NULL ||
	                  http_field_string(res, body, "reason", 1, a->reason, sizeof(a->reason)) >= 0),
	             fn, a, sizeof(*a));
}

void
api_users_token(struct http_request *req, struct http_response *res)
{
	const char *name = http_param(req, "name");

	/* Its own only: an admin's token for a reviewer would let one person decide as two. */
	if (name == NULL || strcmp(name, req->actor.name) != 0) {
		http_reply_error(res, 403, "forbidden",
		                 "an API token is made by its own account only: sign in as that account to"
		                 " make one");
		return;
	}
	account_change(req, res, NULL, do_token);
}

void
api_users_revoke(struct http_request *req, struct http_response *res)
{
	account_change(req, res, NULL, do_revoke);
}

void
api_users_totp(struct http_request *req, struct http_response *res)
{
	account_change(req, res, NULL, do_totp);
}

void
api_users_lock(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"reason", NULL};

	account_change(req, res, fields, do_lock);
}

void
api_users_unlock(struct http_request *req, struct http_response *res)
{
	account_change(req, res, NULL, do_unlock);
}

/* ---- Disabling, a password reset and a change of role ------------------------------ */

/* What these changes work with. */
struct admin_arg {
	char name[USER_NAME_MAX + 1];
	int disabled;
	enum role role;
	char password[PASSWORD_MAX + 1];
	struct http_sessions *sessions;
};

static enum redress_err
do_disable(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct admin_arg *a = arg;
	enum redress_err rc;

	if ((rc = users_disable(c->log, c->actor, a->name, a->disabled, err)) != REDRESS_OK)
		return rc;
	if (a->disabled)
		http_sessions_end_account(a->sessions, a->name);
	return reply_account(c, a->name, 200, res, err);
}

static enum redress_err
do_reset(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct admin_arg *a = arg;
	enum redress_err rc;

	if ((rc = users_password_reset(c->log, c->actor, c->keys.master, a->name, a->password, err)) !=
	    REDRESS_OK)
		return rc;
	http_sessions_end_account(a->sessions, a->name);
	return reply_account(c, a->name, 200, res, err);
}

static enum redress_err
do_role(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct admin_arg *a = arg;
	enum redress_err rc;
	int pending = 0;

	if ((rc = users_role_set(c->log, c->actor, c->keys.master, a->name, a->role, &pending, err)) !=
	    REDRESS_OK)
		return rc;
	/* 202: a grant of admin recorded, waiting for a second admin. */
	return reply_account(c, a->name, pending ? 202 : 200, res, err);
}

/* Submits fn for the account {name} with the body's fields (none, "password" or "role"). */
static void
admin_change(struct http_request *req, struct http_response *res, const char *field, int disabled,
             http_change_fn fn)
{
	static const char *const none[] = {NULL};
	const char *fields[] = {field, NULL};
	struct redress_error err;
	struct admin_arg *a;
	char role[16];
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, field != NULL ? fields : none, field == NULL, sizeof(*a), &body)) ==
	    NULL)
		return;
	a->sessions = &req->app->sessions;
	a->disabled = disabled;
	ok = api_param_copy(req, res, "name", a->name, sizeof(a->name), NO_ACCOUNT) == 0;
	if (ok && field != NULL && strcmp(field, "password") == 0)
		ok = http_field_string(res, body, "password", 1, a->password, sizeof(a->password)) >= 0;
	if (ok && field != NULL && strcmp(field, "role") == 0) {
		ok = http_field_string(res, body, "role", 1, role, sizeof(role)) >= 0;
		if (ok && users_role_parse(role, &a->role, &err) != REDRESS_OK) {
			http_reply_error(res, 400, "invalid", "field 'role': %s", err.message);
			ok = 0;
		}
	}
	api_form_end(req, body, ok, fn, a, sizeof(*a));
}

void
api_users_disable(struct http_request *req, struct http_response *res)
{
	admin_change(req, res, NULL, 1, do_disable);
}

void
api_users_enable(struct http_request *req, struct http_response *res)
{
	admin_change(req, res, NULL, 0, do_disable);
}

void
api_users_password(struct http_request *req, struct http_response *res)
{
	admin_change(req, res, "password", 0, do_reset);
}

void
api_users_role(struct http_request *req, struct http_response *res)
{
	admin_change(req, res, "role", 0, do_role);
}
