/*
 * auth.c -- who is asking, and may they.
 *
 * A request is signed in by its session cookie (browsers) or by an
 * "Authorization: Bearer" API token (domain/users).  A route says whether
 * it is public, for any account, or for the roles that have one
 * permission.  A state-changing request made with a cookie must carry the
 * session's CSRF token in X-CSRF-Token: a cookie is sent by the browser on
 * any site's behalf, a header is not.  An HTML form cannot set a header,
 * so a page's form carries the token in a hidden field csrf_token of its
 * urlencoded or multipart body instead: another site can post a form to
 * us, but cannot read the token to put in it.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "crypto/hash.h"
#include "domain/offices/offices.h"
#include "http/http_int.h"

#define COOKIE_NAME "redress_session"

/* The value of cookie name in a Cookie header, into out; 0 when absent. */
static int
cookie_value(const char *header, const char *name, char *out, size_t size)
{
	size_t name_len = strlen(name);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, name_len) == 0 && p[name_len] == '=') {
			const char *v = p + name_len + 1;
			size_t len = strcspn(v, ";");

			while (len > 0 && v[len - 1] == ' ')
				len--;
			if (len >= size)
				return 0;
			memcpy(out, v, len);
			out[len] = '\0';
			return 1;
		}
		p = strchr(p, ';');
	}
	return 0;
}

int
http_cookie(const struct http_request *req, const char *name, char *out, size_t size)
{
	const char *header = http_header(req, "Cookie");

	return header != NULL && cookie_value(header, name, out, size);
}

/*
 * The database could not say whether the session lives (a failover): no
 * refusal, so the client keeps its session; 503 and it retries.
 */
static void
unconfirmed(struct http_request *req, char *token, size_t size, const char *what,
            const struct redress_error *err)
{
	sodium_memzero(token, size);
	req->res.retry_after = 1;
	http_reply_error(&req->res, 503, "unavailable",
	                 "the %s could not be checked, the database did not answer (%s): try again", what,
	                 err->message);
}

void
http_authenticate(struct http_request *req)
{
	const char *header;
	char token[HTTP_TOKEN_TEXT_SIZE + 8];
	struct http_session session;
	struct users_account acct;
	struct redress_error err;
	struct store *store;
	enum redress_err rc;

	req->auth = HTTP_AUTH_NONE;
	header = http_header(req, "Authorization");
	if (header != NULL && strncasecmp(header, "Bearer ", 7) == 0) {
		if ((store = http_store(req, &req->res)) == NULL)
			return;
		/*
		 * A refused token leaves the request anonymous: the route then
		 * answers 401.  A token that could not be checked (no memory, the
		 * database) is no refusal: the client must not drop a good token.
		 */
		switch (users_token_authenticate_vouched(store, keydir_master_key(req->app->config->keys),
		                                         req->app->vouched, header + 7, &req->actor, &err)) {
		case REDRESS_OK: req->auth = HTTP_AUTH_BEARER; break;
		case REDRESS_E_NOMEM:
		case REDRESS_E_STORE:
		case REDRESS_E_INTERNAL: http_reply_fail(&req->res, &err); break;
		default: break;
		}
		return;
	}
	header = http_header(req, "Cookie");
	if (header == NULL || !cookie_value(header, COOKIE_NAME, token, sizeof(token)))
		return;
	switch (http_session_find(&req->app->sessions, token, (uint64_t)time(NULL), &session, &err)) {
	case 1: break;
	case 0: sodium_memzero(token, sizeof(token)); return;
	default: unconfirmed(req, token, sizeof(token), "session", &err); return;
	}
	/*
	 * The account as it stands now: a lock, a disable or a change of role
	 * made by another process (the command line) takes effect at once.
	 */
	if ((store = http_store(req, &req->res)) == NULL)
		return;
	rc = users_account_get(store, session.account, &acct, &err);
	/* No snapshot held past this look: the request's change may follow. */
	store_end_reads(store);
	if (rc != REDRESS_OK && rc != REDRESS_E_NOTFOUND) {
		unconfirmed(req, token, sizeof(token), "session's account", &err);
		return;
	}
	if (rc != REDRESS_OK || acct.locked || acct.disabled || acct.must_change) {
		http_session_end(&req->app->sessions, session.hash);
		sodium_memzero(token, sizeof(token));
		return;
	}
	memset(&req->actor, 0, sizeof(req->actor));
	memcpy(req->actor.name, session.account, sizeof(req->actor.name));
	req->actor.role = acct.role;
	memcpy(req->session, session.hash, sizeof(req->session));
	memcpy(req->csrf, session.csrf, sizeof(req->csrf));
	req->auth = HTTP_AUTH_COOKIE;
	sodium_memzero(token, sizeof(token));
}

/* Refuses an anonymous request (401) to a route that needs an account; 0 when it has one or needs none. */
static int
refuse_anonymous(struct http_request *req, struct http_response *res)
{
	const struct http_route *route = &http_routes[req->route];

	if (route->access == HTTP_PUBLIC || req->auth != HTTP_AUTH_NONE)
		return 0;
	if (route->page)
		http_page_refuse(req, res, 401);
	else
		http_reply_error(
		    res, 401, "unauthenticated",
		    "sign in first (POST /api/v1/session), or send an API token as Authorization: Bearer");
	return -1;
}

/* Refuses (403) an account whose role lacks the route's permission; 0 when it has it. */
static int
refuse_role(struct http_request *req, struct http_response *res)
{
	const struct http_route *route = &http_routes[req->route];

	if (route->access != HTTP_SIGNED_IN || users_allows(&req->actor, route->perm))
		return 0;
	if (route->page)
		http_page_refuse(req, res, 403);
	else
		http_reply_error(res, 403, "forbidden", "account %s (%s) may not %s", req->actor.name,
		                 users_role_name(req->actor.role), users_permission_name(route->perm));
	return -1;
}

/*
 * Answers 404 to a caseworker or reviewer of one office who names a person
 * of another (domain/offices): as for a pseudonym never registered, so a
 * refusal does not confirm she is.  Every route that names a person, or a
 * claim, note, task, grievance, referral or correction of one, is scoped
 * here in one place.  0 when the route may go on.
 */
static int
refuse_office(struct http_request *req, struct http_response *res)
{
	static const struct {
		const char *param;
		int kind; /* enum offices_ref, or -1 for a pseudonym */
	} scoped[] = {
	    {"pseudonym", -1},
	    {"claim", OFFICES_REF_CLAIM},
	    {"note", OFFICES_REF_NOTE},
	    {"task", OFFICES_REF_TASK},
	    {"grievance", OFFICES_REF_GRIEVANCE},
	    {"referral", OFFICES_REF_REFERRAL},
	    {"change", OFFICES_REF_CHANGE},
	};
	const struct http_route *route = &http_routes[req->route];
	struct redress_error err;
	struct store *store;
	const char *value;
	enum redress_err rc = REDRESS_OK;
	size_t i;
	int kind;

	if (route->access != HTTP_SIGNED_IN)
		return 0;
	for (i = 0; i <= sizeof(scoped) / sizeof(scoped[0]) && rc == REDRESS_OK; i++) {
		if (i < sizeof(scoped) / sizeof(scoped[0])) {
			value = http_param(req, scoped[i].param);
			kind = scoped[i].kind;
		} else {
			/* The pages name a claim /claims/{id}. */
			value = strncmp(route->pattern, "/claims/", 8) == 0 ? http_param(req, "id") : "";
			kind = OFFICES_REF_CLAIM;
		}
		if (value[0] == '\0')
			continue;
		if ((store = http_store(req, res)) == NULL)
			return -1;
		rc = kind < 0 ? offices_require(store, &req->actor, value, &err)
		              : offices_require_ref(store, &req->actor, (enum offices_ref)kind, value, &err);
		store_end_reads(store);
	}
	if (rc == REDRESS_OK)
		return 0;
	if (rc == REDRESS_E_NOTFOUND && route->page)
		http_page_refuse(req, res, 404);
	else
		http_reply_fail(res, &err);
	return -1;
}

int
http_sees(struct http_request *req, struct store *store, const char *pseudonym, struct redress_error *err)
{
	if (!req->scope_known) {
		if (offices_scope_get(store, &req->actor, &req->scope, err) != REDRESS_OK)
			return -1;
		req->scope_known = 1;
	}
	return offices_scope_sees(store, &req->scope, pseudonym, err);
}

static int
changes_state(enum http_method m)
{
	return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE;
}

int
http_authorize_early(struct http_request *req, struct http_response *res)
{
	if (res->status != 0)
		return -1; /* authentication could not even ask the database */
	if (refuse_anonymous(req, res) != 0 || refuse_role(req, res) != 0)
		return -1;
	return 0;
}

int
http_authorize(struct http_request *req, struct http_response *res)
{
	const struct http_route *route = &http_routes[req->route];
	const char *csrf;

	if (res->status != 0)
		return -1; /* authentication could not even ask the database */
	if (route->access == HTTP_PUBLIC)
		return 0;
	if (refuse_anonymous(req, res) != 0)
		return -1;
	if (req->auth == HTTP_AUTH_COOKIE && changes_state(req->method)) {
		csrf = http_header(req, "X-CSRF-Token");
		if (csrf == NULL)
			csrf = http_form_field(req, "csrf_token");
		if (csrf == NULL || strlen(csrf) != strlen(req->csrf) ||
		    sodium_memcmp(csrf, req->csrf, strlen(req->csrf)) != 0) {
			if (route->page)
				http_page_refuse(req, res, 400);
			else
				http_reply_error(
				    res, 403, "csrf",
				    "a change made with a session cookie needs the session's "
				    "X-CSRF-Token header (or, from a form, its csrf_token field)");
			return -1;
		}
	}
	if (refuse_role(req, res) != 0)
		return -1;
	return refuse_office(req, res);
}

void
http_session_cookie(const struct http_request *req, struct http_response *res, const char *token)
{
	if (token == NULL)
		snprintf(res->cookie, sizeof(res->cookie),
		         COOKIE_NAME "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		         req->app->tls ? "; Secure" : "");
	else
		snprintf(res->cookie, sizeof(res->cookie),
		         COOKIE_NAME "=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", token,
		         HTTP_SESSION_ABSOLUTE_S, req->app->tls ? "; Secure" : "");
}
