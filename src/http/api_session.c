/*
 * api_session.c -- signing in and out.
 *
 * POST /api/v1/session {"username", "password", "totp"} checks the
 * password (Argon2id, domain/users) and, for the roles that can move money,
 * decide claims or manage accounts, a TOTP code; a code is good once.  A
 * wrong name and a wrong password get the same answer.  Failures are
 * throttled per account and per address (throttle.c): each try after the
 * first few waits twice as long as the last, up to HTTP_THROTTLE_WAIT_MAX.
 * They never lock an account: anyone could then lock out the only admin
 * for good.  A lock is an admin's deliberate act (redress user lock).
 * Success: a new session (never one the client brought), its
 * cookie, and the CSRF token the client sends back on changes.
 *
 * POST /api/v1/password {"username", "password", "new_password"} changes
 * an account's own password, proven by the current one, without a
 * session: the way an account whose password an admin reset chooses a new
 * one before it may sign in.  Throttled and counted as a sign-in.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "crypto/seal.h"
#include "http/api.h"

/* One answer for an unknown name, a wrong password and a locked account: none tells which names exist. */
#define SIGN_IN_REFUSED                                                                                      \
	"sign-in refused: the account name or the password is wrong, or the account may not sign in now"

/* Counts a failure: the next try, by this name or from this address, waits longer (throttle.c). */
static void
sign_in_failed(struct http_request *req, const char *name)
{
	struct http_app *app = req->app;

	atomic_fetch_add(&app->metrics.sign_in_failures, 1);
	http_throttle_fail(&app->throttle, name, req->address, (uint64_t)time(NULL));
}

/*
 * A locked account is refused before its password is checked; an unknown
 * name after a password is hashed for nothing.  So that the time does not
 * tell a locked account from an unknown name (nor from a wrong password),
 * a locked account's refusal hashes the password for nothing too.
 */
static void
sign_in_refused_alike(struct store *store, const char *name, const char *password)
{
	struct users_account account;
	struct redress_error err;
	char wasted[PASSWORD_HASH_SIZE];

	if (users_account_get(store, name, &account, &err) == REDRESS_OK && account.locked &&
	    password_hash(password, wasted, NULL) == REDRESS_OK)
		sodium_memzero(wasted, sizeof(wasted));
}

/*
 * The last TOTP step each account signed in with is kept in the database
 * too (the users module's users_totp_steps), so that a code used before a
 * restart is refused after it.  Read into memory when the server starts;
 * each new step is written through the writer before the sign-in is let
 * through.
 */
struct totp_arg {
	char name[USER_NAME_MAX + 1];
	uint64_t step;
};

static enum redress_err
do_totp_keep(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct totp_arg *a = arg;

	(void)res;
	return users_totp_step_keep(c->store, a->name, a->step, err);
}

/* Remembers step as account's latest, in memory (the caller holds totp_lock). */
static struct http_totp_seen *
totp_seen(struct http_app *app, const char *name)
{
	struct http_totp_seen *seen;
	struct redress_error err;

	if ((seen = strmap_get(&app->totp_steps, name)) == NULL &&
	    (seen = calloc(1, sizeof(*seen))) != NULL) {
		snprintf(seen->name, sizeof(seen->name), "%s", name);
		if (strmap_put(&app->totp_steps, seen->name, seen, &err) != REDRESS_OK) {
			free(seen);
			seen = NULL;
		}
	}
	return seen;
}

/* Takes one kept step into memory (users_totp_steps_load's callback). */
static enum redress_err
totp_step_loaded(void *ctx, const struct users_totp_step *s, struct redress_error *err)
{
	struct http_totp_seen *seen;

	if ((seen = totp_seen(ctx, s->account)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading the TOTP steps");
	seen->step = (uint64_t)s->step;
	seen->used = 1;
	return REDRESS_OK;
}

enum redress_err
http_totp_setup(struct http_app *app, struct store *store, struct redress_error *err)
{
	return users_totp_steps_load(store, totp_step_loaded, app, err);
}

/* 1 when step is newer than any this account has used (kept durably): a TOTP code is good once. */
static int
totp_step_fresh(struct http_app *app, const char *name, uint64_t step)
{
	struct http_totp_seen *seen;
	struct redress_error err;
	struct totp_arg a;
	int fresh = 0;

	pthread_mutex_lock(&app->totp_lock);
	seen = totp_seen(app, name);
	if (seen != NULL && (!seen->used || step > seen->step)) {
		seen->step = step;
		seen->used = 1;
		fresh = 1;
	}
	pthread_mutex_unlock(&app->totp_lock);
	if (!fresh)
		return 0;
	/* Kept before the sign-in goes through: a code must not work again after a restart. */
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.step = step;
	if (http_change_run(app, "system:http", do_totp_keep, &a, &err) != REDRESS_OK) {
		fprintf(stderr, "redress: the TOTP step of %s could not be kept: %s\n", name, err.message);
		return 0;
	}
	return 1;
}

enum http_sign_in_result
http_sign_in(struct http_request *req, const char *name, const char *password, const char *totp,
             struct http_sign_in *out)
{
	struct http_app *app = req->app;
	struct users_account account;
	struct actor actor;
	struct store *store;
	uint64_t now = (uint64_t)time(NULL), step = 0;

	memset(out, 0, sizeof(*out));
	if ((out->wait = http_throttle_wait(&app->throttle, name, req->address, now)) > 0)
		return HTTP_SIGN_IN_THROTTLED;
	if ((store = http_store(req, &req->res)) == NULL) {
		error_set(&out->err, REDRESS_E_IO, "the database could not be opened");
		return HTTP_SIGN_IN_ERROR;
	}
	if (users_authenticate(store, keydir_master_key(app->config->keys), name, password, &actor,
	                       &out->err) != REDRESS_OK) {
		/* The right password for an account whose password was reset: its holder may know. */
		if (out->err.code == REDRESS_E_PASSWORD_RESET)
			return HTTP_SIGN_IN_NEW_PASSWORD;
		if (out->err.code != REDRESS_E_REFUSED)
			return HTTP_SIGN_IN_ERROR;
		sign_in_refused_alike(store, name, password);
		error_set(&out->err, REDRESS_E_REFUSED, SIGN_IN_REFUSED);
		sign_in_failed(req, name);
		return HTTP_SIGN_IN_REFUSED;
	}
	if (users_role_needs_totp(actor.role)) {
		if (users_account_get(store, actor.name, &account, &out->err) != REDRESS_OK)
			return HTTP_SIGN_IN_ERROR;
		if (!account.has_totp) {
			out->actor = actor;
			return HTTP_SIGN_IN_TOTP_MISSING;
		}
		if (totp == NULL || totp[0] == '\0' ||
		    users_totp_verify(store, keydir_master_key(app->config->keys), actor.name, totp, now,
		                      &step, &out->err) != REDRESS_OK ||
		    !totp_step_fresh(app, actor.name, step)) {
			sign_in_failed(req, name);
			return HTTP_SIGN_IN_TOTP_REFUSED;
		}
	}
	/* Only this name's failures: the address's stay, or one good account would reset guessing for all. */
	http_throttle_clear(&app->throttle, name, req->address);
	switch (http_session_create(&app->sessions, &actor, now, out->token, out->csrf, &out->err)) {
	case 0: break;
	case -1: out->wait = 60; return HTTP_SIGN_IN_FULL;
	default: return HTTP_SIGN_IN_ERROR;
	}
	out->actor = actor;
	req->actor = actor; /* for the access log's account */
	req->auth = HTTP_AUTH_COOKIE;
	memcpy(req->csrf, out->csrf, sizeof(req->csrf));
	return HTTP_SIGN_IN_OK;
}

void
api_session_create(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"username", "password", "totp", NULL};
	char name[USER_NAME_MAX + 1], password[PASSWORD_MAX + 1], totp[16];
	struct http_sign_in in;
	json_t *body;

	password[0] = '\0';
	if ((body = http_body_object(req, res)) == NULL)
		return;
	if (http_fields_only(res, body, fields) < 0 ||
	    http_field_string(res, body, "username", 1, name, sizeof(name)) < 0 ||
	    http_field_string(res, body, "password", 1, password, sizeof(password)) < 0 ||
	    http_field_string(res, body, "totp", 0, totp, sizeof(totp)) < 0)
		goto out;
	switch (http_sign_in(req, name, password, totp, &in)) {
	case HTTP_SIGN_IN_OK:
		http_session_cookie(req, res, in.token);
		http_reply_json(res, 201,
		                json_pack("{s:s, s:s, s:s, s:i, s:i}", "account", in.actor.name, "role",
		                          users_role_name(in.actor.role), "csrf_token", in.csrf,
		                          "idle_timeout_s", HTTP_SESSION_IDLE_S, "absolute_timeout_s",
		                          HTTP_SESSION_ABSOLUTE_S));
		break;
	case HTTP_SIGN_IN_THROTTLED:
		res->retry_after = in.wait;
		http_reply_error(res, 429, "throttled", "too many failed sign-ins; try again in %u seconds",
		                 in.wait);
		break;
	case HTTP_SIGN_IN_REFUSED: http_reply_error(res, 401, "unauthenticated", "%s", in.err.message); break;
	case HTTP_SIGN_IN_NEW_PASSWORD:
		http_reply_error(res, 403, "password_change_required", "%s", in.err.message);
		break;
	case HTTP_SIGN_IN_FULL:
		res->retry_after = in.wait;
		http_reply_error(res, 503, "sessions_full",
		                 "the server holds as many sessions as it can (%d): try again in %u seconds, "
		                 "or use an API token",
		                 HTTP_SESSIONS_MAX, in.wait);
		break;
	case HTTP_SIGN_IN_TOTP_MISSING:
		http_reply_error(res, 403, "totp_not_enrolled",
		                 "a %s signs in with a second factor, and account %s has none yet: an admin "
		                 "enrols it with 'redress user totp %s'",
		                 users_role_name(in.actor.role), in.actor.name, in.actor.name);
		break;
	case HTTP_SIGN_IN_TOTP_REFUSED:
		http_reply_error(res, 401, "unauthenticated",
		                 "the second factor was refused: give the current 6-digit code (each code "
		                 "works once)");
		break;
	case HTTP_SIGN_IN_ERROR:
		if (res->status == 0)
			http_reply_fail(res, &in.err);
		break;
	}
out:
	sodium_memzero(&in, sizeof(in));
	sodium_memzero(password, sizeof(password));
	json_decref(body);
}

void
api_session_show(struct http_request *req, struct http_response *res)
{
	json_t *allowed = json_array();
	size_t i;

	for (i = 0; i < http_routes_count; i++) {
		const struct http_route *r = &http_routes[i];

		if (r->access == HTTP_SIGNED_IN && users_allows(&req->actor, r->perm))
			json_array_append_new(allowed,
			                      json_pack("{s:s, s:s}", "method", http_method_name(r->method),
			                                "path", r->pattern));
	}
	http_reply_json(res, 200,
	                json_pack("{s:s, s:s, s:s, s:o}", "account", req->actor.name, "role",
	                          users_role_name(req->actor.role), "auth",
	                          req->auth == HTTP_AUTH_COOKIE ? "session" : "token", "routes", allowed));
}

void
api_session_delete(struct http_request *req, struct http_response *res)
{
	if (req->auth != HTTP_AUTH_COOKIE) {
		http_reply_error(
		    res, 400, "invalid",
		    "an API token is not a session: end it with DELETE /api/v1/users/NAME/tokens");
		return;
	}
	http_session_end(&req->app->sessions, req->session);
	http_session_cookie(req, res, NULL);
	http_reply_json(res, 200, json_pack("{s:b}", "signed_out", 1));
}

struct password_arg {
	char name[USER_NAME_MAX + 1];
	char old[PASSWORD_MAX + 1];
	char new_password[PASSWORD_MAX + 1];
};

static enum redress_err
do_password(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct password_arg *a = arg;

	(void)res;
	return users_password_change(c->log, c->keys.master, a->name, a->old, a->new_password, err);
}

enum http_password_result
http_password_change(struct http_request *req, const char *name, const char *old, const char *new_password,
                     unsigned *wait_r, struct redress_error *err)
{
	char actor[TLOG_ACTOR_MAX + 1];
	struct password_arg a;
	enum http_password_result result = HTTP_PASSWORD_CHANGED;

	*wait_r = 0;
	if (users_name_check(name, NULL) != REDRESS_OK || strlen(old) > PASSWORD_MAX ||
	    strlen(new_password) > PASSWORD_MAX) {
		error_set(err, REDRESS_E_REFUSED, USERS_SIGN_IN_REFUSED);
		return HTTP_PASSWORD_REFUSED;
	}
	if ((*wait_r = http_throttle_wait(&req->app->throttle, name, req->address, (uint64_t)time(NULL))) > 0)
		return HTTP_PASSWORD_THROTTLED;
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	snprintf(a.old, sizeof(a.old), "%s", old);
	snprintf(a.new_password, sizeof(a.new_password), "%s", new_password);
	snprintf(actor, sizeof(actor), "user:%s", name);
	if (http_change_run(req->app, actor, do_password, &a, err) != REDRESS_OK) {
		if (err->code == REDRESS_E_REFUSED) {
			sign_in_failed(req, name);
			result = HTTP_PASSWORD_REFUSED;
		} else {
			result = HTTP_PASSWORD_ERROR;
		}
		goto out;
	}
	http_throttle_clear(&req->app->throttle, name, req->address);
	http_sessions_end_account(&req->app->sessions, name);
	http_sessions_flush(&req->app->sessions);
out:
	sodium_memzero(&a, sizeof(a));
	return result;
}

void
api_password_change(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"username", "password", "new_password", NULL};
	struct redress_error err;
	struct password_arg a;
	unsigned wait;
	json_t *body;

	memset(&a, 0, sizeof(a));
	if ((body = http_body_object(req, res)) == NULL)
		return;
	if (http_fields_only(res, body, fields) < 0 ||
	    http_field_string(res, body, "username", 1, a.name, sizeof(a.name)) < 0 ||
	    http_field_string(res, body, "password", 1, a.old, sizeof(a.old)) < 0 ||
	    http_field_string(res, body, "new_password", 1, a.new_password, sizeof(a.new_password)) < 0)
		goto out;
	switch (http_password_change(req, a.name, a.old, a.new_password, &wait, &err)) {
	case HTTP_PASSWORD_CHANGED:
		http_reply_json(res, 200, json_pack("{s:s, s:b}", "account", a.name, "changed", 1));
		break;
	case HTTP_PASSWORD_THROTTLED:
		res->retry_after = wait;
		http_reply_error(res, 429, "throttled", "too many failed sign-ins; try again in %u seconds",
		                 wait);
		break;
	case HTTP_PASSWORD_REFUSED: http_reply_error(res, 401, "unauthenticated", "%s", err.message); break;
	case HTTP_PASSWORD_ERROR: http_reply_fail(res, &err); break;
	}
out:
	sodium_memzero(&a, sizeof(a));
	json_decref(body);
}
