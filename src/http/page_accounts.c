/*
 * page_accounts.c -- the admin's accounts page over time: disabling and
 * enabling an account, resetting its password (the account chooses a new
 * one before it signs in again) and changing its role (a grant of admin
 * waits for a second admin).  Small forms beside each account's row
 * (page_fund.c); each posts to its route, through the users module as the
 * API does (api_users.c), and comes back to /admin/accounts or says why
 * not, with nothing changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"
#include "http/page.h"

enum account_action {
	ACTION_DISABLE,
	ACTION_ENABLE,
	ACTION_ROLE,
	ACTION_RESET,
};

/* One small form posting to /admin/accounts/NAME/ACTION (the suffix a literal, as html.h asks). */
static void
action_form_begin(struct page *p, const char *name, enum account_action action)
{
	html_raw_const(p->b, "<form method=\"post\" class=\"inline\"");
	switch (action) {
	case ACTION_DISABLE:
		html_href_path_suffix(p->b, "action", "/admin/accounts/", name, "/disable");
		break;
	case ACTION_ENABLE: html_href_path_suffix(p->b, "action", "/admin/accounts/", name, "/enable"); break;
	case ACTION_ROLE: html_href_path_suffix(p->b, "action", "/admin/accounts/", name, "/role"); break;
	case ACTION_RESET:
		html_href_path_suffix(p->b, "action", "/admin/accounts/", name, "/password");
		break;
	}
	html_raw_const(p->b, ">");
	page_csrf(p);
}

static void
action_form_end(struct page *p, const char *name, const char *text)
{
	char label[200];

	html_raw_const(p->b, "<button type=\"submit\"");
	/* Each button names its account for a screen reader, which reads buttons out of their rows. */
	snprintf(label, sizeof(label), "%s: %s", text, name);
	html_attr(p->b, "aria-label", label);
	html_raw_const(p->b, ">");
	html_text(p->b, text);
	html_raw_const(p->b, "</button></form>");
}

void
page_admin_account_actions(struct page *p, const struct users_account *a)
{
	static const enum role roles[] = {ROLE_CASEWORKER, ROLE_REVIEWER, ROLE_FINANCE,
	                                  ROLE_MONITOR,    ROLE_APPEALS,  ROLE_ADMIN};
	char id[USER_NAME_MAX + 16];
	size_t i;

	if (a->disabled || a->must_change || a->has_pending_role) {
		html_raw_const(p->b, "<p class=\"hint\">");
		if (a->disabled)
			html_text(p->b, T(p, "disabled"));
		if (a->must_change) {
			html_raw_const(p->b, " ");
			html_text(p->b, T(p, "must choose a new password"));
		}
		if (a->has_pending_role) {
			html_raw_const(p->b, " ");
			html_text(p->b, T(p, "admin: waiting for a second admin"));
		}
		html_raw_const(p->b, "</p>");
	}
	/* An admin does not disable herself: the server refuses it too. */
	if (a->disabled || strcmp(a->name, p->req->actor.name) != 0) {
		action_form_begin(p, a->name, a->disabled ? ACTION_ENABLE : ACTION_DISABLE);
		action_form_end(p, a->name, a->disabled ? T(p, "Enable") : T(p, "Disable"));
	}
	action_form_begin(p, a->name, ACTION_ROLE);
	snprintf(id, sizeof(id), "role-%s", a->name);
	html_raw_const(p->b, "<label");
	html_attr(p->b, "for", id);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Role"));
	html_raw_const(p->b, "</label> <select name=\"role\"");
	html_attr(p->b, "id", id);
	html_raw_const(p->b, ">");
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		page_option(p, users_role_name(roles[i]), page_role_words(p, roles[i]),
		            users_role_name(a->role));
	html_raw_const(p->b, "</select>");
	action_form_end(p, a->name, T(p, "Change the role"));
	action_form_begin(p, a->name, ACTION_RESET);
	snprintf(id, sizeof(id), "reset-%s", a->name);
	html_raw_const(p->b, "<label");
	html_attr(p->b, "for", id);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "New password (at least 10 characters)"));
	html_raw_const(p->b,
	               "</label> <input type=\"password\" name=\"password\" autocomplete=\"new-password\"");
	html_attr(p->b, "id", id);
	html_raw_const(p->b, ">");
	action_form_end(p, a->name, T(p, "Reset the password"));
}

struct action_arg {
	struct page_change pc;
	struct http_sessions *sessions;
	char name[USER_NAME_MAX + 1];
	enum account_action action;
	enum role role;
	char password[PASSWORD_MAX + 1];
};

void
page_account_refusal(struct page *p, const char *msgid, const char *detail, unsigned status)
{
	page_notice(p, "error", i18n_get(p->lang, msgid));
	if (detail != NULL) {
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b, detail);
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "<p><a href=\"/admin/accounts\">");
	html_text(p->b, T(p, "Accounts and roles"));
	html_raw_const(p->b, "</a></p>");
	page_end(p, status);
}

static enum redress_err
do_action(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct action_arg *a = arg;
	enum redress_err rc;
	struct page p;
	int pending = 0;

	switch (a->action) {
	case ACTION_DISABLE:
	case ACTION_ENABLE:
		rc = users_disable(c->log, c->actor, a->name, a->action == ACTION_DISABLE, err);
		break;
	case ACTION_ROLE:
		rc = users_role_set(c->log, c->actor, c->keys.master, a->name, a->role, &pending, err);
		break;
	default:
		rc = users_password_reset(c->log, c->actor, c->keys.master, a->name, a->password, err);
		break;
	}
	explicit_bzero(a->password, sizeof(a->password));
	if (rc == REDRESS_OK) {
		/* A disable or a reset ends the account's sessions at once. */
		if (a->action == ACTION_DISABLE || a->action == ACTION_RESET)
			http_sessions_end_account(a->sessions, a->name);
		page_redirect(res, "/admin/accounts");
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Accounts and roles"));
	page_account_refusal(&p, N_("The account could not be changed, and nothing was saved."), err->message,
	                     rc == REDRESS_E_NOTFOUND   ? 404
	                     : rc == REDRESS_E_CONFLICT ? 409
	                                                : 422);
	return rc;
}

static void
account_action(struct http_request *req, struct http_response *res, enum account_action action)
{
	const char *name = http_param(req, "name");
	char role[16];
	struct action_arg *a;
	struct redress_error err;
	struct page p;

	if (strlen(name) > USER_NAME_MAX) {
		page_begin_failed(&p, req, res, N_("Accounts and roles"));
		page_account_refusal(&p, N_("There is no such account."), NULL, 404);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	a->sessions = &req->app->sessions;
	a->action = action;
	memcpy(a->name, name, strlen(name) + 1);
	if (action == ACTION_ROLE && (!page_form_copy(req, "role", role, sizeof(role)) ||
	                              users_role_parse(role, &a->role, &err) != REDRESS_OK)) {
		page_begin_failed(&p, req, res, N_("Accounts and roles"));
		page_account_refusal(&p, N_("Choose a role."), NULL, 422);
		free(a);
		return;
	}
	if (action == ACTION_RESET && (!page_form_copy(req, "password", a->password, sizeof(a->password)) ||
	                               strlen(a->password) < PASSWORD_MIN)) {
		page_begin_failed(&p, req, res, N_("Accounts and roles"));
		page_account_refusal(&p, N_("The password needs at least 10 characters."), NULL, 422);
		explicit_bzero(a, sizeof(*a));
		free(a);
		return;
	}
	http_change_submit(req, do_action, a);
}

void
page_admin_disable(struct http_request *req, struct http_response *res)
{
	account_action(req, res, ACTION_DISABLE);
}

void
page_admin_enable(struct http_request *req, struct http_response *res)
{
	account_action(req, res, ACTION_ENABLE);
}

void
page_admin_role(struct http_request *req, struct http_response *res)
{
	account_action(req, res, ACTION_ROLE);
}

void
page_admin_password(struct http_request *req, struct http_response *res)
{
	account_action(req, res, ACTION_RESET);
}
