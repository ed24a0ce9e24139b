/*
 * page_session.c -- the pages every role has: signing in and out, the
 * account page, the home page that sends each person where they start,
 * and the stylesheet.
 *
 * Signing in is the API's sign-in (http_sign_in in api_session.c): the
 * same throttling, the same second factor, the same lock after too many
 * failures; only the answer differs, a page with the error beside the
 * field it concerns.  A wrong name and a wrong password get the same
 * words, as over the API.
 *
 * The sign-in form has a CSRF token of its own, though there is no
 * session yet (login CSRF: another site signing a browser in to an
 * account of its choosing): the form sets a pre-session cookie
 * (HttpOnly, SameSite=Strict, for /sign-in only) and carries the same
 * value in its csrf_token field; a POST whose field and cookie differ is
 * refused as a stale form.  Another site can neither read the cookie nor
 * set it.
 */
#include <string.h>

#include <sodium.h>

#include "http/page.h"

#define PRESIGN_COOKIE HTTP_PRESIGN_COOKIE

/* The pre-session token the request's cookie holds, into out; 0 when none of the right shape. */
static int
presign_token(const struct http_request *req, char out[HTTP_TOKEN_TEXT_SIZE])
{
	return http_cookie(req, PRESIGN_COOKIE, out, HTTP_TOKEN_TEXT_SIZE) &&
	       strlen(out) == HTTP_TOKEN_TEXT_SIZE - 1;
}

/* 1 when the form's csrf_token is the pre-session cookie's token. */
static int
presign_ok(const struct http_request *req)
{
	const char *field = http_form_field(req, "csrf_token");
	char token[HTTP_TOKEN_TEXT_SIZE];
	int ok;

	ok = field != NULL && presign_token(req, token) && strlen(field) == strlen(token) &&
	     sodium_memcmp(field, token, strlen(token)) == 0;
	sodium_memzero(token, sizeof(token));
	return ok;
}

void
page_home(struct http_request *req, struct http_response *res)
{
	page_lang(req, res); /* ?lang= on the home page is remembered too */
	if (req->auth == HTTP_AUTH_NONE)
		page_redirect(res, "/sign-in");
	else if (users_allows(&req->actor, PERM_USERS_MANAGE))
		page_redirect(res, "/admin/accounts");
	else if (users_allows(&req->actor, PERM_CLAIMS_DECIDE))
		page_redirect(res, "/claims"); /* a reviewer's day starts at the queue */
	else if (users_allows(&req->actor, PERM_APPEALS_DECIDE))
		page_redirect(res, "/claims?state=appealed"); /* the appeals waiting for a decision */
	else if (users_allows(&req->actor, PERM_PERSONS_READ))
		page_redirect(res, "/persons");
	else if (users_allows(&req->actor, PERM_QUEUE_READ))
		page_redirect(res, "/queue");
	else if (users_allows(&req->actor, PERM_AGGREGATES_READ))
		page_redirect(res, "/transparency");
	else
		page_redirect(res, "/account");
}

/*
 * Begins a page of the forms before a session (title, a notice when not
 * NULL, intro when not NULL) and opens its form posting to action, with the
 * pre-session token: the one the browser has, or a new one in a cookie for
 * /sign-in and below alone.
 */
static void
presign_form_begin(struct page *p, struct http_request *req, struct http_response *res, const char *title,
                   const char *notice, const char *intro, const char *action)
{
	char token[HTTP_TOKEN_TEXT_SIZE];

	if (!presign_token(req, token)) {
		http_token_new(token);
		snprintf(res->cookie, sizeof(res->cookie),
		         PRESIGN_COOKIE "=%s; Path=/sign-in; HttpOnly; SameSite=Strict%s", token,
		         req->app != NULL && req->app->tls ? "; Secure" : "");
	}
	page_begin(p, req, res, title);
	if (notice != NULL)
		page_notice(p, "error", notice);
	if (intro != NULL) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, i18n_get(p->lang, intro));
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "<form class=\"form\" method=\"post\" action=\"");
	html_text(p->b, action);
	html_raw_const(p->b, "\" novalidate><input type=\"hidden\" name=\"csrf_token\"");
	html_attr(p->b, "value", token);
	html_raw_const(p->b, ">");
	sodium_memzero(token, sizeof(token));
}

/* The sign-in form, with what was wrong beside its field (each NULL when nothing). */
static void
sign_in_render(struct http_request *req, struct http_response *res, const char *name, const char *notice,
               const char *password_error, const char *totp_error, unsigned status)
{
	struct page p;

	presign_form_begin(&p, req, res, N_("Sign in"), notice, NULL, "/sign-in");
	page_input(&p, N_("Account name"), "username", "text", name, NULL, 1, "username");
	page_input(&p, N_("Password"), "password", "password", NULL, password_error, 1, "current-password");
	page_input(&p, N_("One-time code (administrators, reviewers and finance officers)"), "totp", "text",
	           NULL, totp_error, 0, "one-time-code");
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b, T(&p, "The one-time code is the 6-digit number your authenticator app shows now."));
	html_raw_const(p.b, "</p><button type=\"submit\">");
	html_text(p.b, T(&p, "Sign in"));
	html_raw_const(p.b, "</button></form>");
	page_end(&p, status);
}

void
page_sign_in_form(struct http_request *req, struct http_response *res)
{
	if (req->auth != HTTP_AUTH_NONE) {
		page_lang(req, res);
		page_redirect(res, "/account");
		return;
	}
	sign_in_render(req, res, NULL, NULL, NULL, NULL, 200);
}

/*
 * The form where an account whose password an admin reset chooses a new
 * one (/sign-in/password, under the pre-session cookie's path): its name,
 * the password it was given, the new one twice, and the one-time code for
 * the sign-in that follows.  Each error beside its field (NULL: none).
 */
static void
new_password_render(struct http_request *req, struct http_response *res, const char *name, const char *notice,
                    const char *old_error, const char *new_error, unsigned status)
{
	struct page p;

	presign_form_begin(
	    &p, req, res, N_("Choose a new password"), notice,
	    N_("An administrator set a password for your account. Before you sign in, choose a "
	       "new one that only you know."),
	    "/sign-in/password");
	page_input(&p, N_("Account name"), "username", "text", name, NULL, 1, "username");
	page_input(&p, N_("The password the administrator gave you"), "password", "password", NULL, old_error,
	           1, "current-password");
	page_input(&p, N_("New password (at least 10 characters)"), "new_password", "password", NULL,
	           new_error, 1, "new-password");
	page_input(&p, N_("New password again"), "new_password2", "password", NULL, NULL, 1, "new-password");
	page_input(&p, N_("One-time code (administrators, reviewers and finance officers)"), "totp", "text",
	           NULL, NULL, 0, "one-time-code");
	html_raw_const(p.b, "<button type=\"submit\">");
	html_text(p.b, T(&p, "Set the new password and sign in"));
	html_raw_const(p.b, "</button></form>");
	page_end(&p, status);
}

void
page_new_password_form(struct http_request *req, struct http_response *res)
{
	const char *name = http_query(req, "username");

	page_lang(req, res);
	if (name != NULL && users_name_check(name, NULL) != REDRESS_OK)
		name = NULL;
	new_password_render(req, res, name, NULL, NULL, NULL, 200);
}

/* The same words for a wrong name and a wrong password: no account enumeration. */
static const char refused[] = N_("The account name or the password is wrong, or the account is locked (an "
                                 "administrator can unlock it).");

void
page_sign_in(struct http_request *req, struct http_response *res)
{
	const char *name = http_form_field(req, "username"), *password = http_form_field(req, "password"),
	           *totp = http_form_field(req, "totp");
	enum i18n_lang lang = page_lang(req, res);
	struct http_sign_in in;
	char wait[160];

	memset(&in, 0, sizeof(in));
	if (!presign_ok(req)) {
		http_page_refuse(req, res, 400);
		return;
	}
	if (name == NULL || name[0] == '\0' || password == NULL || password[0] == '\0') {
		sign_in_render(req, res, name, NULL,
		               i18n_get(lang, N_("Give your account name and your password.")), NULL, 422);
		return;
	}
	if (strlen(name) > USER_NAME_MAX || strlen(password) > PASSWORD_MAX) {
		sign_in_render(req, res, NULL, NULL, i18n_get(lang, refused), NULL, 401);
		return;
	}
	switch (http_sign_in(req, name, password, totp, &in)) {
	case HTTP_SIGN_IN_OK:
		http_session_cookie(req, res, in.token);
		page_redirect(res, "/");
		break;
	case HTTP_SIGN_IN_THROTTLED:
		res->retry_after = in.wait;
		snprintf(wait, sizeof(wait), "%s %u",
		         i18n_get(lang, N_("Too many failed sign-ins. Seconds to wait before trying again:")),
		         in.wait);
		sign_in_render(req, res, name, wait, NULL, NULL, 429);
		break;
	case HTTP_SIGN_IN_REFUSED:
		sign_in_render(req, res, name, NULL, i18n_get(lang, refused), NULL, 401);
		break;
	case HTTP_SIGN_IN_NEW_PASSWORD:
		/* The right password: only its holder learns that a new one is due. */
		new_password_render(req, res, name, NULL, NULL, NULL, 403);
		break;
	case HTTP_SIGN_IN_FULL:
		res->retry_after = in.wait;
		sign_in_render(req, res, name,
		               i18n_get(lang, N_("The server could not check the sign-in. Try again in a "
		                                 "moment.")),
		               NULL, NULL, 503);
		break;
	case HTTP_SIGN_IN_TOTP_MISSING:
		sign_in_render(req, res, name, NULL, NULL,
		               i18n_get(lang, N_("Your role signs in with a one-time code, and your account "
		                                 "has none yet: ask an administrator to enrol it.")),
		               403);
		break;
	case HTTP_SIGN_IN_TOTP_REFUSED:
		sign_in_render(req, res, name, NULL, NULL,
		               i18n_get(lang, N_("The one-time code was refused: give the 6-digit code your "
		                                 "app shows now (each code works once).")),
		               401);
		break;
	case HTTP_SIGN_IN_ERROR:
		buf_reset(&res->body);
		sign_in_render(req, res, name,
		               i18n_get(lang, N_("The server could not check the sign-in. Try again in a "
		                                 "moment.")),
		               NULL, NULL, 500);
		break;
	}
	sodium_memzero(&in, sizeof(in));
}

void
page_new_password(struct http_request *req, struct http_response *res)
{
	const char *name = http_form_field(req, "username"), *old = http_form_field(req, "password"),
	           *new_password = http_form_field(req, "new_password"),
	           *again = http_form_field(req, "new_password2"), *totp = http_form_field(req, "totp");
	enum i18n_lang lang = page_lang(req, res);
	struct redress_error err;
	struct http_sign_in in;
	unsigned wait = 0;
	char text[200];

	memset(&in, 0, sizeof(in));
	if (!presign_ok(req)) {
		http_page_refuse(req, res, 400);
		return;
	}
	if (name == NULL || name[0] == '\0' || old == NULL || old[0] == '\0') {
		new_password_render(req, res, name, NULL,
		                    i18n_get(lang, N_("Give your account name and your password.")), NULL,
		                    422);
		return;
	}
	if (new_password == NULL || strlen(new_password) < PASSWORD_MIN) {
		new_password_render(req, res, name, NULL, NULL,
		                    i18n_get(lang, N_("The new password needs at least 10 characters.")),
		                    422);
		return;
	}
	if (again == NULL || strcmp(new_password, again) != 0) {
		new_password_render(
		    req, res, name, NULL, NULL,
		    i18n_get(lang, N_("The two new passwords differ: type the same one twice.")), 422);
		return;
	}
	switch (http_password_change(req, name, old, new_password, &wait, &err)) {
	case HTTP_PASSWORD_CHANGED: break;
	case HTTP_PASSWORD_THROTTLED:
		res->retry_after = wait;
		snprintf(text, sizeof(text), "%s %u",
		         i18n_get(lang, N_("Too many failed sign-ins. Seconds to wait before trying again:")),
		         wait);
		new_password_render(req, res, name, text, NULL, NULL, 429);
		return;
	case HTTP_PASSWORD_REFUSED:
		new_password_render(req, res, name, NULL, i18n_get(lang, refused), NULL, 401);
		return;
	case HTTP_PASSWORD_ERROR:
		/* A new password the rules refuse (the same as the old): beside its field; else the server's
		 * fault. */
		if (err.code == REDRESS_E_INVALID) {
			new_password_render(
			    req, res, name, NULL, NULL,
			    i18n_get(lang, N_("Choose another new password: not the one you were given.")),
			    422);
			return;
		}
		new_password_render(
		    req, res, name,
		    i18n_get(lang, N_("The server could not check the sign-in. Try again in a moment.")),
		    NULL, NULL, 500);
		return;
	}
	/* Changed: now the sign-in with it, second factor and all. */
	switch (http_sign_in(req, name, new_password, totp, &in)) {
	case HTTP_SIGN_IN_OK:
		http_session_cookie(req, res, in.token);
		page_redirect(res, "/");
		break;
	default:
		sign_in_render(req, res, name,
		               i18n_get(lang, N_("Your new password is set. Sign in with it.")), NULL, NULL,
		               200);
		break;
	}
	sodium_memzero(&in, sizeof(in));
}

void
page_sign_out(struct http_request *req, struct http_response *res)
{
	if (req->auth == HTTP_AUTH_COOKIE)
		http_session_end(&req->app->sessions, req->session);
	http_session_cookie(req, res, NULL);
	page_redirect(res, "/sign-in");
}

/* What each permission lets a person do, in words for the account page. */
static const char *const perm_words[] = {
    [PERM_USERS_MANAGE] = N_("Manage accounts and roles"),
    [PERM_PROGRAMS_MANAGE] = N_("Set up programs"),
    [PERM_PERSONS_WRITE] = N_("Register persons, record deaths and relations"),
    [PERM_PERSONS_READ] = N_("Read case files (without identity)"),
    [PERM_PERSONS_REVEAL] = N_("Reveal a person's identity (each time recorded)"),
    [PERM_PERSONS_ERASE] = N_("Erase a person's data"),
    [PERM_CONSENT_WRITE] = N_("Record consent and consultations"),
    [PERM_CLAIMS_INTAKE] = N_("Open claims, add evidence, submit and appeal"),
    [PERM_APPEALS_DECIDE] = N_("Decide appeals against claims you took no part in"),
    [PERM_CLAIMS_DECIDE] = N_("Approve or deny claims"),
    [PERM_CLAIMS_READ] = N_("Read claims"),
    [PERM_LEDGER_WRITE] = N_("Record transfers in the fund's ledger"),
    [PERM_LEDGER_READ] = N_("Read the ledger's history"),
    [PERM_BALANCES_READ] = N_("Read the fund's balances"),
    [PERM_ENTITLEMENTS_RUN] = N_("Run the entitlements"),
    [PERM_QUEUE_READ] = N_("Read the payment queue"),
    [PERM_AGGREGATES_READ] = N_("Read aggregate figures"),
};

void
page_account(struct http_request *req, struct http_response *res)
{
	struct page p;
	size_t i;

	page_begin(&p, req, res, N_("My account"));
	html_raw_const(p.b, "<dl class=\"facts\"><dt>");
	html_text(p.b, T(&p, "Account"));
	html_raw_const(p.b, "</dt><dd>");
	html_text(p.b, req->actor.name);
	html_raw_const(p.b, "</dd><dt>");
	html_text(p.b, T(&p, "Role"));
	html_raw_const(p.b, "</dt><dd>");
	html_text(p.b, page_role_words(&p, req->actor.role));
	html_raw_const(p.b, "</dd><dt>");
	html_text(p.b, T(&p, "Signed in with"));
	html_raw_const(p.b, "</dt><dd>");
	html_text(p.b,
	          req->auth == HTTP_AUTH_COOKIE ? T(&p, "a session in this browser") : T(&p, "an API token"));
	html_raw_const(p.b, "</dd></dl><h2>");
	html_text(p.b, T(&p, "What I may do"));
	html_raw_const(p.b, "</h2><ul class=\"may\">");
	for (i = 0; i < sizeof(perm_words) / sizeof(perm_words[0]); i++) {
		if (!users_allows(&req->actor, (enum permission)i))
			continue;
		html_raw_const(p.b, "<li>");
		html_text(p.b, i18n_get(p.lang, perm_words[i]));
		html_raw_const(p.b, "</li>");
	}
	html_raw_const(p.b, "</ul><p class=\"hint\">");
	html_text(p.b, T(&p, "A session ends after 30 minutes without use, and after 12 hours in any case."));
	html_raw_const(p.b, "</p>");
	page_end(&p, 200);
}

void
page_asset(struct http_request *req, struct http_response *res)
{
	const char *name = http_param(req, "name");
	const char *css = page_css_url() + strlen("/assets/"), *js = page_js_url() + strlen("/assets/");

	if (strcmp(name, css) == 0)
		http_reply_text(res, 200, "text/css; charset=utf-8", http_asset_css, http_asset_css_len);
	else if (strcmp(name, js) == 0)
		http_reply_text(res, 200, "text/javascript; charset=utf-8", http_asset_js, http_asset_js_len);
	else {
		http_reply_text(res, 404, "text/plain; charset=utf-8", "no such asset\n", 14);
		return;
	}
	res->immutable = 1;
}
