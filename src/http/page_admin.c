/*
 * page_admin.c -- the administrator's pages beyond the accounts list
 * (page_fund.c): adding an account, locking and unlocking one, the
 * programs with their rules and a form to add one, and erasing a person
 * after a confirmation step.
 *
 * Every change goes through the writer thread (http_change_submit), as
 * the other pages' forms do; a form that is wrong is shown again with the
 * error beside its field (422) and nothing is saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/mem.h"
#include "crypto/seal.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "http/page.h"
#include "http/page_program_history.h"

/* ---- Adding an account ------------------------------------------------------------------ */

/* What the account form was given, and what is wrong with each field (msgids, or NULL). */
struct account_form {
	char name[USER_NAME_MAX + 1];
	char role[16];
	const char *name_error;
	const char *role_error;
	const char *password_error;
	const char *again_error;
};

/* The msgid in the page's language; NULL stays NULL. */
static const char *
words(struct page *p, const char *msgid)
{
	return msgid != NULL ? i18n_get(p->lang, msgid) : NULL;
}

static void
account_form_render(struct page *p, const struct account_form *f)
{
	html_raw_const(p->b, "<h2 id=\"add-account\">");
	html_text(p->b, T(p, "Add an account"));
	html_raw_const(p->b, "</h2><form class=\"form\" method=\"post\" action=\"/admin/accounts\">");
	page_csrf(p);
	page_input(p, N_("Account name (lower case letters, digits, . _ -)"), "name", "text",
	           f != NULL ? f->name : NULL, words(p, f != NULL ? f->name_error : NULL), 1, "off");
	page_select_required_begin(p, N_("Role"), "role", words(p, f != NULL ? f->role_error : NULL));
	page_option(p, "caseworker", page_role_words(p, ROLE_CASEWORKER), f != NULL ? f->role : NULL);
	page_option(p, "reviewer", page_role_words(p, ROLE_REVIEWER), f != NULL ? f->role : NULL);
	page_option(p, "finance", page_role_words(p, ROLE_FINANCE), f != NULL ? f->role : NULL);
	page_option(p, "monitor", page_role_words(p, ROLE_MONITOR), f != NULL ? f->role : NULL);
	page_option(p, "appeals", page_role_words(p, ROLE_APPEALS), f != NULL ? f->role : NULL);
	page_option(p, "admin", page_role_words(p, ROLE_ADMIN), f != NULL ? f->role : NULL);
	page_select_end(p, "role", words(p, f != NULL ? f->role_error : NULL));
	page_input(p, N_("Initial password (at least 10 characters)"), "password", "password", NULL,
	           words(p, f != NULL ? f->password_error : NULL), 1, "new-password");
	page_input(p, N_("The same password again"), "password2", "password", NULL,
	           words(p, f != NULL ? f->again_error : NULL), 1, "new-password");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Add the account"));
	html_raw_const(p->b, "</button></form><p class=\"hint\">");
	html_text(p->b, T(p, "Give the initial password to the account holder in person. An admin, reviewer "
	                     "or finance officer then needs a second factor: enrol it above."));
	html_raw_const(p->b, "</p><p class=\"hint\">");
	html_text(p->b, T(p, "An admin is made by two admins: add the account with another role, then "
	                     "change its role to admin here; a second admin does the same to confirm it."));
	html_raw_const(p->b, "</p>");
}

void
page_admin_account_form(struct page *p)
{
	account_form_render(p, NULL);
}

struct account_add_arg {
	struct page_change pc;
	struct account_form f;
	enum role role;
	char password[PASSWORD_MAX + 1];
};

static void
account_add_page(struct page *p, const struct account_form *f, const char *notice, unsigned status)
{
	if (notice != NULL)
		page_notice(p, "error", notice);
	account_form_render(p, f);
	html_raw_const(p->b, "<p><a href=\"/admin/accounts\">");
	html_text(p->b, T(p, "Accounts and roles"));
	html_raw_const(p->b, "</a></p>");
	page_end(p, status);
}

static enum redress_err
do_account_add(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct account_add_arg *a = arg;
	enum redress_err rc;
	struct page p;

	rc = users_add(c->log, c->actor, c->keys.master, a->f.name, a->role, a->password, err);
	sodium_memzero(a->password, sizeof(a->password));
	if (rc == REDRESS_OK) {
		page_redirect(res, "/admin/accounts");
		return REDRESS_OK;
	}
	page_change_begin(&p, &a->pc, res, N_("Add an account"));
	if (rc == REDRESS_E_CONFLICT)
		a->f.name_error = N_("An account of this name already exists.");
	else if (rc == REDRESS_E_INVALID)
		a->f.password_error = N_("The password is too short or not accepted.");
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b, err->message);
	html_raw_const(p.b, "</p>");
	account_add_page(&p, &a->f, T(&p, "The account could not be added, and nothing was saved."),
	                 rc == REDRESS_E_CONFLICT ? 409 : 422);
	return rc;
}

void
page_admin_account_add(struct http_request *req, struct http_response *res)
{
	struct account_add_arg *a = calloc(1, sizeof(*a));
	char again[PASSWORD_MAX + 1];
	struct redress_error err;
	int ok_pw, ok_again;
	struct page p;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	if (!page_form_copy(req, "name", a->f.name, sizeof(a->f.name)) || a->f.name[0] == '\0' ||
	    users_name_check(a->f.name, &err) != REDRESS_OK)
		a->f.name_error = N_("Give a name of lower case letters, digits, '.', '_' or '-', starting "
		                     "with a letter or digit, of at most 64 characters.");
	if (!page_form_copy(req, "role", a->f.role, sizeof(a->f.role)) ||
	    users_role_parse(a->f.role, &a->role, &err) != REDRESS_OK)
		a->f.role_error = N_("Choose a role.");
	ok_pw = page_form_copy(req, "password", a->password, sizeof(a->password));
	ok_again = page_form_copy(req, "password2", again, sizeof(again));
	if (!ok_pw || strlen(a->password) < PASSWORD_MIN)
		a->f.password_error = N_("The password needs at least 10 characters.");
	else if (!ok_again || strcmp(a->password, again) != 0)
		a->f.again_error = N_("The two passwords differ: type the same one twice.");
	sodium_memzero(again, sizeof(again));
	if (a->f.name_error == NULL && a->f.role_error == NULL && a->f.password_error == NULL &&
	    a->f.again_error == NULL) {
		http_change_submit(req, do_account_add, a);
		return;
	}
	page_begin(&p, req, res, N_("Add an account"));
	account_add_page(&p, &a->f, T(&p, "The account could not be added, and nothing was saved."), 422);
	sodium_memzero(a, sizeof(*a));
	free(a);
}

/* ---- Locking and unlocking --------------------------------------------------------------- */

void
page_admin_lock_form(struct page *p, const char *name, int locked)
{
	char label[160];

	/* An admin does not lock herself out: the server refuses it too. */
	if (!locked && strcmp(name, p->req->actor.name) == 0)
		return;
	if (!locked) {
		/* Locking ends her sessions at once: a reason (recorded) and a confirmation first. */
		snprintf(label, sizeof(label), "%s: %s", T(p, "Lock"), name);
		html_raw_const(p->b, "<details><summary");
		html_attr(p->b, "aria-label", label);
		html_raw_const(p->b, ">");
		html_text(p->b, T(p, "Lock"));
		html_raw_const(p->b, "</summary><form method=\"post\" novalidate");
		html_href_path_suffix(p->b, "action", "/admin/accounts/", name, "/lock");
		html_raw_const(p->b, ">");
		page_csrf(p);
		html_raw_const(p->b, "<div class=\"field\"><label");
		html_href_path(p->b, "for", "f-lock-reason-", name);
		html_raw_const(p->b, ">");
		html_text(p->b, T(p, "Why (recorded)"));
		html_raw_const(p->b,
		               "</label><input type=\"text\" name=\"reason\" autocomplete=\"off\" required");
		html_href_path(p->b, "id", "f-lock-reason-", name);
		html_raw_const(
		    p->b,
		    "></div><div class=\"field\"><input type=\"checkbox\" name=\"confirm\" value=\"yes\"");
		html_href_path(p->b, "id", "f-lock-confirm-", name);
		html_raw_const(p->b, "> <label class=\"inline\"");
		html_href_path(p->b, "for", "f-lock-confirm-", name);
		html_raw_const(p->b, ">");
		html_text(p->b, T(p, "Lock the account now: its sessions end at once."));
		html_raw_const(p->b, "</label></div><button type=\"submit\" class=\"warning\">");
		html_text(p->b, T(p, "Lock the account"));
		html_raw_const(p->b, "</button></form></details>");
		return;
	}
	html_raw_const(p->b, "<form method=\"post\"");
	html_href_path_suffix(p->b, "action", "/admin/accounts/", name, "/unlock");
	html_raw_const(p->b, ">");
	page_csrf(p);
	html_raw_const(p->b, "<button type=\"submit\"");
	snprintf(label, sizeof(label), "%s: %s", T(p, "Unlock"), name);
	html_attr(p->b, "aria-label", label);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Unlock"));
	html_raw_const(p->b, "</button></form>");
}

struct lock_arg {
	struct page_change pc;
	struct http_sessions *sessions;
	char name[USER_NAME_MAX + 1];
	int lock; /* 1: lock, 0: unlock */
	char why[USERS_REASON_MAX + 1];
};

static enum redress_err
do_lock(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct lock_arg *a = arg;
	char reason[USERS_REASON_MAX + 1];
	enum redress_err rc;
	struct page p;

	if (a->lock) {
		snprintf(reason, sizeof(reason), "locked by %s: %s", c->actor->name, a->why);
		rc = users_lock(c->log, a->name, reason, err);
	} else {
		rc = users_unlock(c->log, c->actor, a->name, err);
	}
	if (rc == REDRESS_OK) {
		/* A lock ends the account's sessions at once, not at their next sign-in. */
		if (a->lock)
			http_sessions_end_account(a->sessions, a->name);
		page_redirect(res, "/admin/accounts");
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, a->lock ? N_("Lock") : N_("Unlock"));
	page_account_refusal(&p, N_("The account could not be changed, and nothing was saved."), err->message,
	                     rc == REDRESS_E_NOTFOUND ? 404 : 409);
	return rc;
}

static void
lock_change(struct http_request *req, struct http_response *res, int lock)
{
	const char *name = http_param(req, "name");
	struct lock_arg *a;
	struct page p;

	if (strlen(name) > USER_NAME_MAX) {
		page_begin_failed(&p, req, res, lock ? N_("Lock") : N_("Unlock"));
		page_account_refusal(&p, N_("There is no such account."), NULL, 404);
		return;
	}
	if (lock && strcmp(name, req->actor.name) == 0) {
		page_begin_failed(&p, req, res, N_("Lock"));
		page_account_refusal(&p, N_("You cannot lock your own account: another admin can."), NULL,
		                     409);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if (lock) {
		const char *confirm = http_form_field(req, "confirm");

		if (!page_form_copy(req, "reason", a->why, sizeof(a->why) - USER_NAME_MAX - 16) ||
		    a->why[0] == '\0' || confirm == NULL || strcmp(confirm, "yes") != 0) {
			free(a);
			page_begin_failed(&p, req, res, N_("Lock"));
			page_account_refusal(
			    &p,
			    N_("Nothing was locked: give a reason, and tick the box to confirm the lock."),
			    NULL, 422);
			return;
		}
	}
	page_change_init(&a->pc, req, res);
	a->sessions = &req->app->sessions;
	a->lock = lock;
	memcpy(a->name, name, strlen(name) + 1);
	http_change_submit(req, do_lock, a);
}

void
page_admin_lock(struct http_request *req, struct http_response *res)
{
	lock_change(req, res, 1);
}

void
page_admin_unlock(struct http_request *req, struct http_response *res)
{
	lock_change(req, res, 0);
}

/* ---- Programs ------------------------------------------------------------------------------ */

static void program_more_rules(struct page *p, const struct program *prog);

static void
program_rules(struct page *p, const struct program *prog)
{
	struct buf text;
	char number[32];

	buf_init(&text, 256);
	html_raw_const(p->b, "<dl class=\"facts\">");
	page_fact(p, T(p, "Code"), prog->code);
	page_fact(p, T(p, "Name"), program_name(prog, i18n_code(p->lang)));
	page_fact(p, T(p, "Currency"), prog->currency);
	i18n_date(&text, p->lang, prog->cutoff);
	page_fact(p, T(p, "Cutoff date"), text.data);
	buf_reset(&text);
	i18n_money(&text, p->lang, prog->survivor_amount, prog->currency);
	page_fact(p, T(p, "Benefit for a survivor"), text.data);
	buf_reset(&text);
	i18n_money(&text, p->lang, prog->bereaved_amount, prog->currency);
	page_fact(p, T(p, "Benefit for the bereaved (shared among heirs)"), text.data);
	snprintf(number, sizeof(number), "%d", prog->approvals);
	page_fact(p, T(p, "Approvals needed (different reviewers)"), number);
	page_fact(p, T(p, "Fund account"), prog->fund);
	page_fact(p, T(p, "Payable account"), prog->payable);
	page_fact(p, T(p, "Expense account"), prog->expense);
	snprintf(number, sizeof(number), "%llu", (unsigned long long)prog->added_seq);
	page_fact(p, T(p, "Log event"), number);
	html_raw_const(p->b, "</dl>");
	buf_free(&text);
	program_more_rules(p, prog);
}

const char *
page_names_text(const struct page *p, const struct program_names *n)
{
	static const enum program_lang order[] = {PROGRAM_LANG_EN, PROGRAM_LANG_KO, PROGRAM_LANG_JA};
	const char *code = i18n_code(p->lang);
	size_t i;

	i = strcmp(code, "ko") == 0   ? PROGRAM_LANG_KO
	    : strcmp(code, "ja") == 0 ? PROGRAM_LANG_JA
	                              : PROGRAM_LANG_EN;
	if (n->text[i][0] != '\0')
		return n->text[i];
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (n->text[order[i]][0] != '\0')
			return n->text[order[i]];
	return "";
}

const char *
page_program_words(struct page *p, struct store *store, const char *code, struct program *cache)
{
	struct redress_error err;

	if (strcmp(cache->code, code) != 0 && program_get(store, code, cache, &err) != REDRESS_OK) {
		cache->code[0] = '\0';
		return code;
	}
	return program_name(cache, i18n_code(p->lang));
}

/* An amount rule in words: money, or "40 x monthly minimum wage". */
static void
amount_words(struct page *p, const struct program *prog, const struct program_amount *a, struct buf *out)
{
	int64_t whole = a->num / 10000, frac = a->num % 10000;
	int digits = PROGRAM_QUANTITY_DIGITS;

	if (a->unit < 0) {
		i18n_money(out, p->lang, a->minor, prog->currency);
		return;
	}
	while (frac != 0 && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	if (frac != 0)
		buf_printf(out, "%lld.%0*lld", (long long)whole, digits, (long long)frac);
	else
		buf_printf(out, "%lld", (long long)whole);
	buf_printf(out, " \xc3\x97 %s",
	           page_names_text(p, &prog->rules.units[a->unit].names)[0] != '\0'
	               ? page_names_text(p, &prog->rules.units[a->unit].names)
	               : prog->rules.units[a->unit].code);
}

/* The rules of the second format: harms, units, caps, order, exclusions, form, services. */
static void
program_more_rules(struct page *p, const struct program *prog)
{
	const struct program_rules *r = &prog->rules;
	struct buf text;
	size_t i, k;

	buf_init(&text, 1024);
	if (r->nharms > 0) {
		html_raw_const(p->b, "<h2>");
		html_text(p->b, T(p, "Harms and what each is owed"));
		html_raw_const(p->b, "</h2>");
		page_table_begin(p, T(p, "Harms and what each is owed"));
		page_th(p, T(p, "Code"));
		page_th(p, T(p, "Harm"));
		page_th(p, T(p, "Amount"));
		html_raw_const(p->b, "</tr></thead><tbody>");
		for (i = 0; i < r->nharms; i++) {
			buf_reset(&text);
			amount_words(p, prog, &r->harms[i].amount, &text);
			html_raw_const(p->b, "<tr><td><code>");
			html_text(p->b, r->harms[i].code);
			html_raw_const(p->b, "</code></td><td>");
			html_text(p->b, page_names_text(p, &r->harms[i].names));
			html_raw_const(p->b, "</td><td>");
			html_text(p->b, text.data != NULL ? text.data : "");
			html_raw_const(p->b, "</td></tr>");
		}
		page_table_end(p);
		html_raw_const(p->b, "<dl class=\"facts\">");
		page_fact(p, T(p, "Several harms"),
		          r->combine == PROGRAM_COMBINE_MAX ? T(p, "the largest one only")
		                                            : T(p, "added up"));
		if (r->cap_family.set) {
			buf_reset(&text);
			amount_words(p, prog, &r->cap_family, &text);
			page_fact(p, T(p, "Cap per family"), text.data);
		}
		if (r->cap_person.set) {
			buf_reset(&text);
			amount_words(p, prog, &r->cap_person, &text);
			page_fact(p, T(p, "Cap per person"), text.data);
		}
		html_raw_const(p->b, "</dl>");
	}
	for (i = 0; i < r->nunits; i++) {
		html_raw_const(p->b, "<h2>");
		html_text(p->b, page_names_text(p, &r->units[i].names)[0] != '\0'
		                    ? page_names_text(p, &r->units[i].names)
		                    : r->units[i].code);
		html_raw_const(p->b, "</h2>");
		page_table_begin(p, page_names_text(p, &r->units[i].names)[0] != '\0'
		                        ? page_names_text(p, &r->units[i].names)
		                        : r->units[i].code);
		page_th(p, T(p, "From"));
		page_th(p, T(p, "Value"));
		html_raw_const(p->b, "</tr></thead><tbody>");
		for (k = 0; k < r->units[i].nvalues; k++) {
			buf_reset(&text);
			i18n_date(&text, p->lang, r->units[i].values[k].from);
			html_raw_const(p->b, "<tr><td>");
			html_text(p->b, text.data);
			buf_reset(&text);
			i18n_money(&text, p->lang, r->units[i].values[k].minor, prog->currency);
			html_raw_const(p->b, "</td><td>");
			html_text(p->b, text.data);
			html_raw_const(p->b, "</td></tr>");
		}
		page_table_end(p);
	}
	html_raw_const(p->b, "<dl class=\"facts\">");
	if (r->npriority > 0) {
		buf_reset(&text);
		page_program_order(p, prog, &text);
		page_fact(p, T(p, "Order of payment"), text.data);
	}
	for (i = 0; i < r->nexclusions; i++)
		page_fact(p, T(p, "Not for people paid by"), r->exclusions[i]);
	if (r->form == PROGRAM_FORM_INSTALMENTS) {
		buf_reset(&text);
		buf_printf(&text, "%d", r->instalments.count);
		page_fact(p, T(p, "Instalments"), text.data);
		buf_reset(&text);
		buf_printf(&text, "%d", r->instalments.every_months);
		page_fact(p, T(p, "Months between two instalments"), text.data);
		if (r->instalments.proof_every_months > 0) {
			buf_reset(&text);
			buf_printf(&text, "%d", r->instalments.proof_every_months);
			page_fact(p, T(p, "A proof of life at least every (months)"), text.data);
			buf_reset(&text);
			buf_printf(&text, "%d", r->instalments.proof_window_days);
			page_fact(p, T(p, "Grace for a proof of life (days)"), text.data);
		}
		page_fact(p, T(p, "At her death"),
		          r->instalments.at_death == PROGRAM_AT_DEATH_STOP
		              ? T(p, "the payments stop")
		              : T(p, "what is due passes to her heirs"));
	}
	html_raw_const(p->b, "</dl>");
	if (r->nservices > 0) {
		html_raw_const(p->b, "<h2>");
		html_text(p->b, T(p, "Services in kind"));
		html_raw_const(p->b, "</h2><ul>");
		for (i = 0; i < r->nservices; i++) {
			html_raw_const(p->b, "<li>");
			html_text(p->b, page_names_text(p, &r->services[i].names));
			html_raw_const(p->b, "</li>");
		}
		html_raw_const(p->b, "</ul>");
	}
	buf_free(&text);
}

static enum redress_err
program_row(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct page *p = ctx;

	(void)err;
	html_raw_const(p->b, "<tr><td><a");
	html_href_path(p->b, "href", "/admin/programs/", prog->code);
	html_raw_const(p->b, "><code>");
	html_text(p->b, prog->code);
	html_raw_const(p->b, "</code></a></td><td>");
	html_text(p->b, program_name(prog, i18n_code(p->lang)));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, prog->currency);
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

/* The editor's harm rows: each a code, its names and its amount. */
#define EDITOR_HARMS 6

/* The editor's fields: name, label (a msgid), input type. */
static const struct editor_field {
	const char *name, *label, *type;
} editor_fields[] = {
    {"code", N_("Code (letters, digits, . _ -)"), "text"},
    {"name", N_("Name"), "text"},
    {"name_ko", N_("Name in Korean"), "text"},
    {"name_ja", N_("Name in Japanese"), "text"},
    {"name_en", N_("Name in English"), "text"},
    {"currency", N_("Currency (ISO 4217, KRW)"), "text"},
    {"cutoff", N_("Cutoff date"), "text"},
    {"fund", N_("Fund account"), "text"},
    {"payable", N_("Payable account"), "text"},
    {"expense", N_("Expense account"), "text"},
    {"survivor", N_("Benefit for a survivor"), "text"},
    {"bereaved", N_("Benefit for the bereaved (shared among heirs)"), "text"},
    {"approvals", N_("Approvals needed (different reviewers)"), "text"},
};

/* A field's value as typed: from the request when there is one (a refused form), else "". */
static const char *
typed(struct http_request *req, const char *name)
{
	const char *v = req != NULL ? http_form_field(req, name) : NULL;

	return v != NULL ? v : "";
}

#define EDITOR_FIELDS (sizeof(editor_fields) / sizeof(editor_fields[0]))
#define EDITOR_PARTS  5 /* a harm's code, its names in ko, ja, en, its amount */
#define EDITOR_INPUTS (EDITOR_FIELDS + EDITOR_HARMS * EDITOR_PARTS)

static const char *const harm_parts[EDITOR_PARTS] = {"code", "ko", "ja", "en", "amount"};

/* What is wrong with each of the editor's inputs (NULL: nothing), in its order: the fields, then the harms'.
 */
struct editor_errors {
	const char *error[EDITOR_INPUTS];
	char name[EDITOR_INPUTS][32]; /* each input's name: "code", "harm1_amount" */
	size_t n;                     /* inputs with an error */
};

static void
editor_names(struct editor_errors *e)
{
	size_t i;
	int k;

	for (i = 0; i < EDITOR_FIELDS; i++)
		snprintf(e->name[i], sizeof(e->name[i]), "%s", editor_fields[i].name);
	for (k = 0; k < EDITOR_HARMS; k++)
		for (i = 0; i < EDITOR_PARTS; i++)
			snprintf(e->name[EDITOR_FIELDS + (size_t)k * EDITOR_PARTS + i], sizeof(e->name[0]),
			         "harm%d_%s", k + 1, harm_parts[i]);
}

/* Sets the first error of the input named name (a message in the page's language). */
static void
editor_fail(struct editor_errors *e, const char *name, const char *message)
{
	size_t i;

	for (i = 0; i < EDITOR_INPUTS; i++)
		if (strcmp(e->name[i], name) == 0 && e->error[i] == NULL) {
			e->error[i] = message;
			e->n++;
			return;
		}
}

/*
 * Every input of the editor checked in one pass, before the parser (which
 * stops at the first): what is missing, an amount, a date or a number of
 * approvals that cannot be read.  Messages in the page's language.
 */
static void
editor_check(struct page *p, struct http_request *req, struct editor_errors *e)
{
	static const char *const needed[][2] = {
	    {"code", N_("Give the program's code: lower case letters, digits and -.")},
	    {"name", N_("Give the program's name.")},
	    {"currency", N_("Give the program's currency, an ISO 4217 code such as KRW or JPY.")},
	    {"cutoff", N_("Give the cutoff date, for example 2015-12-28.")},
	};
	const char *approvals = typed(req, "approvals");
	char clean[64], date[11], name[32];
	int k, harms = 0;
	size_t i;

	for (i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (typed(req, needed[i][0])[0] == '\0')
			editor_fail(e, needed[i][0], i18n_get(p->lang, needed[i][1]));
	if (typed(req, "cutoff")[0] != '\0' && page_date_parse(typed(req, "cutoff"), date) != 0)
		editor_fail(e, "cutoff",
		            T(p, "Give a date of a real day, for example 2015-12-28 or 2015. 12. 28."));
	if (strspn(approvals, "0123456789") != strlen(approvals) || strlen(approvals) == 0 ||
	    strlen(approvals) > 2 || atoi(approvals) < 2 || atoi(approvals) > 10)
		editor_fail(e, "approvals",
		            T(p, "Give a number from 2 to 10: different reviewers approve each claim."));
	for (k = 1; k <= EDITOR_HARMS; k++) {
		int given = 0;

		for (i = 0; i < EDITOR_PARTS; i++) {
			snprintf(name, sizeof(name), "harm%d_%s", k, harm_parts[i]);
			given |= typed(req, name)[0] != '\0';
		}
		if (!given)
			continue;
		harms++;
		snprintf(name, sizeof(name), "harm%d_code", k);
		if (typed(req, name)[0] == '\0')
			editor_fail(e, name, T(p, "Give the harm's code."));
		for (given = 0, i = 1; i <= 3; i++) {
			snprintf(name, sizeof(name), "harm%d_%s", k, harm_parts[i]);
			given |= typed(req, name)[0] != '\0';
		}
		if (!given) {
			snprintf(name, sizeof(name), "harm%d_ko", k);
			editor_fail(e, name, T(p, "Name the harm in at least one language."));
		}
		snprintf(name, sizeof(name), "harm%d_amount", k);
		if (page_amount_parse(typed(req, name), clean, sizeof(clean)) != 0 || clean[0] == '\0')
			editor_fail(e, name, T(p, "Give an amount in digits, for example 50,000,000."));
	}
	if (harms == 0)
		for (i = 0; i < 2; i++) {
			const char *field = i == 0 ? "survivor" : "bereaved";

			if (page_amount_parse(typed(req, field), clean, sizeof(clean)) != 0 ||
			    clean[0] == '\0')
				editor_fail(
				    e, field,
				    T(p,
				      "Give an amount in digits, for example 50,000,000 (or name the harms "
				      "below)."));
		}
}

/*
 * The input the parser's message is about ("field 'benefits.survivor': ...",
 * "field 'harms[0].amount' ..."), to show the message beside it; NULL when
 * it names none of the editor's.
 */
static const char *
editor_input_of(const char *message, char out[32])
{
	static const char *const map[][2] = {
	    {"accounts.fund", "fund"},
	    {"accounts.payable", "payable"},
	    {"accounts.expense", "expense"},
	    {"benefits.survivor", "survivor"},
	    {"benefits.bereaved", "bereaved"},
	    {"names.ko", "name_ko"},
	    {"names.ja", "name_ja"},
	    {"names.en", "name_en"},
	    {"code", "code"},
	    {"name", "name"},
	    {"currency", "currency"},
	    {"cutoff", "cutoff"},
	    {"approvals", "approvals"},
	};
	const char *f = strstr(message, "field '"), *end;
	size_t i, len;
	unsigned long n;
	char *after;

	if (f == NULL)
		return NULL;
	f += strlen("field '");
	if ((end = strchr(f, '\'')) == NULL)
		return NULL;
	len = (size_t)(end - f);
	if (strncmp(f, "harms[", 6) == 0) {
		n = strtoul(f + 6, &after, 10);
		if (n >= EDITOR_HARMS || strncmp(after, "].", 2) != 0)
			return NULL;
		after += 2;
		snprintf(out, 32, "harm%lu_%s", n + 1,
		         strncmp(after, "amount", 6) == 0  ? "amount"
		         : strncmp(after, "names", 5) == 0 ? "ko"
		                                           : "code");
		return out;
	}
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i][0]) == len && strncmp(f, map[i][0], len) == 0)
			return map[i][1];
	return NULL;
}

/*
 * The program editor: the first format's fields, the names in each
 * language and up to EDITOR_HARMS harms, built into a program file
 * (editor_json) and checked by the one parser that reads every program.
 * e: what was wrong with a refused one (NULL: none).
 */
static void
program_editor(struct page *p, struct http_request *req, const struct editor_errors *e)
{
	char name[32];
	size_t i;
	int k;

	html_raw_const(p->b, "<h2 id=\"write-program\">");
	html_text(p->b, T(p, "Write a program"));
	html_raw_const(p->b, "</h2><p class=\"hint\">");
	html_text(p->b,
	          T(p, "Fill in the program's rules. A program that pays by harm names each harm with its "
	               "amount and leaves the two benefits empty. A program cannot be changed once added."));
	html_raw_const(p->b,
	               "</p><form class=\"form\" method=\"post\" action=\"/admin/programs?form=editor\" "
	               "novalidate>");
	page_csrf(p);
	for (i = 0; i < EDITOR_FIELDS; i++) {
		if (strcmp(editor_fields[i].name, "fund") == 0) {
			html_raw_const(p->b, "<p class=\"hint\">");
			html_text(p->b,
			          T(p, "The three accounts may stay empty: the fund's is then bank:CURRENCY, "
			               "the others payable:CODE and benefits:CODE."));
			html_raw_const(p->b, "</p>");
		}
		page_input(p, editor_fields[i].label, editor_fields[i].name, editor_fields[i].type,
		           typed(req, editor_fields[i].name), e != NULL ? e->error[i] : NULL,
		           strncmp(editor_fields[i].name, "name_", 5) != 0 &&
		               strcmp(editor_fields[i].name, "survivor") != 0 &&
		               strcmp(editor_fields[i].name, "bereaved") != 0 &&
		               strcmp(editor_fields[i].name, "fund") != 0 &&
		               strcmp(editor_fields[i].name, "payable") != 0 &&
		               strcmp(editor_fields[i].name, "expense") != 0,
		           NULL);
	}
	html_raw_const(p->b, "<fieldset><legend>");
	html_text(p->b, T(p, "Harms and what each is owed"));
	html_raw_const(p->b, "</legend>");
	for (k = 1; k <= EDITOR_HARMS; k++) {
		static const char *const labels[] = {N_("Harm's code"), N_("Harm in Korean"),
		                                     N_("Harm in Japanese"), N_("Harm in English"),
		                                     N_("Amount")};

		for (i = 0; i < EDITOR_PARTS; i++) {
			snprintf(name, sizeof(name), "harm%d_%s", k, harm_parts[i]);
			page_input(p, labels[i], name, "text", typed(req, name),
			           e != NULL ? e->error[EDITOR_FIELDS + (size_t)(k - 1) * EDITOR_PARTS + i]
			                     : NULL,
			           0, NULL);
		}
	}
	html_raw_const(p->b, "</fieldset><button type=\"submit\">");
	html_text(p->b, T(p, "Add the program"));
	html_raw_const(p->b, "</button></form>");
}

/* Sets key to a string member of o when text is not empty; 0, or -1 when out of memory. */
static int
put_text(json_t *o, const char *key, const char *text)
{
	return text[0] == '\0' ? 0 : json_object_set_new(o, key, json_string(text));
}

/* An amount as people type it (50,000,000): the digits and the point, else the text as it is. */
static json_t *
amount_text(const char *text)
{
	char clean[64];

	if (page_amount_parse(text, clean, sizeof(clean)) == 0)
		return json_string(clean);
	return json_string(text);
}

/*
 * The editor's fields as a program file (a new reference; NULL when out of
 * memory or a field is not valid UTF-8, which the parser then reports).
 */
static json_t *
editor_json(struct http_request *req)
{
	json_t *o = json_object(), *names = json_object(), *harms = json_array(), *v;
	char name[32];
	const char *approvals = typed(req, "approvals"), *cutoff = typed(req, "cutoff");
	char date[11], fund[PROGRAM_CODE_MAX + 16], payable[PROGRAM_CODE_MAX + 16],
	    expense[PROGRAM_CODE_MAX + 16];
	size_t i;
	int k, bad = o == NULL || names == NULL || harms == NULL;

	/* A date as people type it (2015. 12. 28.) as the file's; the accounts left empty named by the code.
	 */
	if (page_date_parse(cutoff, date) == 0)
		cutoff = date;
	snprintf(fund, sizeof(fund), "bank:%s", typed(req, "currency"));
	for (i = 5; fund[i] != '\0'; i++)
		fund[i] = fund[i] >= 'A' && fund[i] <= 'Z' ? (char)(fund[i] - 'A' + 'a') : fund[i];
	snprintf(payable, sizeof(payable), "payable:%s", typed(req, "code"));
	snprintf(expense, sizeof(expense), "benefits:%s", typed(req, "code"));
	bad = bad || put_text(o, "code", typed(req, "code")) != 0 ||
	      put_text(o, "name", typed(req, "name")) != 0 ||
	      put_text(o, "currency", typed(req, "currency")) != 0 || put_text(o, "cutoff", cutoff) != 0;
	bad = bad || put_text(names, "ko", typed(req, "name_ko")) != 0 ||
	      put_text(names, "ja", typed(req, "name_ja")) != 0 ||
	      put_text(names, "en", typed(req, "name_en")) != 0;
	if (!bad && json_object_size(names) > 0)
		bad = json_object_set(o, "names", names) != 0;
	v = json_pack("{s:s, s:s, s:s}", "fund", typed(req, "fund")[0] != '\0' ? typed(req, "fund") : fund,
	              "payable", typed(req, "payable")[0] != '\0' ? typed(req, "payable") : payable,
	              "expense", typed(req, "expense")[0] != '\0' ? typed(req, "expense") : expense);
	bad = bad || v == NULL || json_object_set_new(o, "accounts", v) != 0;
	/* Digits only: anything else is 0, which the parser refuses naming the field and its range. */
	bad = bad || json_object_set_new(o, "approvals",
	                                 json_integer(strspn(approvals, "0123456789") == strlen(approvals) &&
	                                                      strlen(approvals) > 0 && strlen(approvals) < 4
	                                                  ? atoi(approvals)
	                                                  : 0)) != 0;
	for (k = 1; !bad && k <= EDITOR_HARMS; k++) {
		json_t *h, *hn = json_object();

		snprintf(name, sizeof(name), "harm%d_code", k);
		if (typed(req, name)[0] == '\0') {
			json_decref(hn);
			continue;
		}
		h = json_pack("{s:s}", "code", typed(req, name));
		snprintf(name, sizeof(name), "harm%d_ko", k);
		bad = h == NULL || hn == NULL || put_text(hn, "ko", typed(req, name)) != 0;
		snprintf(name, sizeof(name), "harm%d_ja", k);
		bad = bad || put_text(hn, "ja", typed(req, name)) != 0;
		snprintf(name, sizeof(name), "harm%d_en", k);
		bad = bad || put_text(hn, "en", typed(req, name)) != 0;
		snprintf(name, sizeof(name), "harm%d_amount", k);
		bad = bad || json_object_set(h, "names", hn) != 0 ||
		      json_object_set_new(h, "amount", amount_text(typed(req, name))) != 0 ||
		      json_array_append(harms, h) != 0;
		json_decref(h);
		json_decref(hn);
	}
	if (!bad && json_array_size(harms) > 0)
		bad = json_object_set(o, "harms", harms) != 0;
	else if (!bad)
		bad = (v = json_object()) == NULL || json_object_set_new(o, "benefits", v) != 0 ||
		      json_object_set_new(v, "survivor", amount_text(typed(req, "survivor"))) != 0 ||
		      json_object_set_new(v, "bereaved", amount_text(typed(req, "bereaved"))) != 0;
	json_decref(names);
	json_decref(harms);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static void
program_form(struct page *p, const char *text, const char *error)
{
	html_raw_const(p->b, "<h2 id=\"add-program\">");
	html_text(p->b, T(p, "Add a program"));
	html_raw_const(p->b, "</h2><p class=\"hint\">");
	html_text(p->b, T(p, "Paste the program's rules as JSON, as for 'redress program add'. A program "
	                     "cannot be changed once added."));
	html_raw_const(p->b, "</p><form class=\"form\" method=\"post\" action=\"/admin/programs\""
	                     " enctype=\"multipart/form-data\">");
	page_csrf(p);
	page_textarea(p, N_("The program's rules (JSON)"), "rules", text, error, 0, 16);
	page_program_file_input(p);
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Add the program"));
	html_raw_const(p->b, "</button></form>");
}

static void
programs_page(struct page *p, struct store *store, const char *text, const char *error,
              struct http_request *editor, const struct editor_errors *e)
{
	struct redress_error err;

	page_table_begin(p, NULL);
	page_th(p, T(p, "Code"));
	page_th(p, T(p, "Name"));
	page_th(p, T(p, "Currency"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	if (program_each(store, program_row, p, &err) != REDRESS_OK)
		page_notice(p, "error", T(p, "The programs could not be read."));
	page_table_end(p);
	program_editor(p, editor, e);
	program_form(p, text, error);
}

void
page_admin_programs(struct http_request *req, struct http_response *res)
{
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Programs"))) == NULL)
		return;
	programs_page(&p, store, NULL, NULL, NULL, NULL);
	page_end(&p, 200);
}

void
page_admin_program_show(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct program prog;
	struct store *store;
	struct page p;
	unsigned status = 200;

	if ((store = page_open(&p, req, res, N_("Program"))) == NULL)
		return;
	if (strlen(http_param(req, "code")) > PROGRAM_CODE_MAX ||
	    program_get(store, http_param(req, "code"), &prog, &err) != REDRESS_OK) {
		page_notice(&p, "error", T(&p, "There is no such program."));
		status = 404;
	} else {
		program_rules(&p, &prog);
		page_program_versions(&p, store, &prog);
	}
	html_raw_const(p.b, "<p><a href=\"/admin/programs\">");
	html_text(p.b, T(&p, "Programs"));
	html_raw_const(p.b, "</a></p>");
	page_end(&p, status);
}

struct program_arg {
	struct page_change pc;
	struct program prog;
};

static enum redress_err
do_program_add(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct program_arg *a = arg;
	char path[PROGRAM_CODE_MAX + 32];
	struct buf words;
	enum redress_err rc;
	struct page p;

	if ((rc = program_add(c->log, c->actor, &a->prog, err)) == REDRESS_OK) {
		/* Program codes are [a-z0-9-]: safe in a path as they are; page_redirect checks it. */
		snprintf(path, sizeof(path), "/admin/programs/%s", a->prog.code);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin(&p, &a->pc, res, N_("Programs"));
	page_notice(&p, "error", T(&p, "The program could not be added, and nothing was saved."));
	buf_init(&words, REDRESS_ERROR_MAX * 4);
	page_program_error(&words, p.lang, err->message);
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b, words.data);
	html_raw_const(p.b, "</p>");
	buf_free(&words);
	program_form(&p, NULL, NULL);
	page_end(&p, rc == REDRESS_E_CONFLICT ? 409 : 422);
	return rc;
}

/*
 * The error summary of a pasted program file with several errors: each of
 * the parser's messages in the page's language, linked to the textarea.
 */
static void
pasted_errors(struct page *p, const struct program_errors *all)
{
	const char *names[PROGRAM_ERRORS_MAX + 1], *errors[PROGRAM_ERRORS_MAX + 1];
	struct buf words[PROGRAM_ERRORS_MAX + 1];
	size_t i, n = all->n;

	for (i = 0; i < n; i++) {
		buf_init(&words[i], REDRESS_ERROR_MAX * 4);
		page_program_error(&words[i], p->lang, all->message[i]);
		names[i] = "rules";
		errors[i] = words[i].data != NULL ? words[i].data : all->message[i];
	}
	if (all->more > 0) {
		buf_init(&words[n], 128);
		buf_printf(&words[n], "%s: %zu", T(p, "More errors not listed"), all->more);
		names[n] = "rules";
		errors[n] = words[n].data != NULL ? words[n].data : "…";
		n++;
	}
	page_error_summary(p, names, errors, n);
	for (i = 0; i < n; i++)
		buf_free(&words[i]);
}

void
page_admin_program_add(struct http_request *req, struct http_response *res)
{
	const struct buf *upload = http_upload_file(req);
	const char *text = http_form_field(req, "rules");
	char *filed = NULL; /* a chosen file's text, NUL-terminated: read instead of the box */
	struct redress_error err;
	struct program_arg *a;
	struct store *store;
	json_t *file = NULL;
	char *written = NULL;
	struct page p;
	struct editor_errors *e = NULL;
	struct program_errors *all = NULL; /* a pasted file's errors, every one */
	struct buf words;                  /* the parser's message in the page's language */
	const char *at;
	char input[32];
	size_t i;
	int from_editor = (text == NULL || text[0] == '\0') && http_query(req, "form") != NULL &&
	                  strcmp(http_query(req, "form"), "editor") == 0;

	if (upload != NULL && upload->len > 0) {
		if (upload->len > PROGRAM_FILE_MAX || memchr(upload->data, '\0', upload->len) != NULL ||
		    (filed = malloc(upload->len + 1)) == NULL) {
			http_reply_error(res, 413, "too_large", "the program file is too large, or not text");
			return;
		}
		memcpy(filed, upload->data, upload->len);
		filed[upload->len] = '\0';
		text = filed;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		free(filed);
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	buf_init(&words, REDRESS_ERROR_MAX * 4);
	memset(&err, 0, sizeof(err));
	if (from_editor) {
		if ((e = calloc(1, sizeof(*e))) == NULL) {
			free(a);
			free(filed);
			buf_free(&words);
			http_reply_error(res, 503, "unavailable", "out of memory");
			return;
		}
		editor_names(e);
		p.lang = page_lang(req, res);
		editor_check(&p, req, e);
	}
	/* The editor's fields become a program file, read by the same parser as a pasted one. */
	if (from_editor && e->n == 0 && (file = editor_json(req)) != NULL)
		written = json_dumps(file, JSON_SORT_KEYS);
	json_decref(file);
	if (from_editor) {
		memset(&err, 0, sizeof(err));
		if (e->n > 0)
			error_set(&err, REDRESS_E_INVALID, "fields refused");
		else if (written == NULL)
			error_set(&err, REDRESS_E_INVALID, "a field is not valid text");
		else if (program_parse(written, strlen(written), &a->prog, &err) == REDRESS_OK) {
			mem_json_free(written);
			free(e);
			buf_free(&words);
			http_change_submit(req, do_program_add, a);
			return;
		} else if ((at = editor_input_of(err.message, input)) != NULL) {
			/* The parser's words, in the page's language, beside the field they are about. */
			page_program_error(&words, p.lang, err.message);
			editor_fail(e, at, words.data);
		}
		mem_json_free(written);
	} else if (text != NULL && text[0] != '\0' && /* the parser refuses a file over its limit */
	           (all = calloc(1, sizeof(*all))) != NULL &&
	           program_parse_all(text, strlen(text), &a->prog, all, &err) == REDRESS_OK) {
		free(all);
		free(filed);
		buf_free(&words);
		http_change_submit(req, do_program_add, a);
		return;
	}
	free(a);
	if ((store = page_open(&p, req, res, N_("Programs"))) == NULL) {
		free(e);
		free(all);
		free(filed);
		buf_free(&words);
		return;
	}
	if (words.len == 0 && (!from_editor || e->n == 0))
		page_program_error(&words, p.lang, err.message);
	page_notice(&p, "error", T(&p, "The program could not be added, and nothing was saved."));
	if (from_editor) {
		/* Every input's error beside it and in the summary, the values kept; a message of the parser
		 * that names no input of the editor under the notice. */
		const char *names[EDITOR_INPUTS], *errors[EDITOR_INPUTS];
		size_t n = 0;

		for (i = 0; i < EDITOR_INPUTS; i++)
			if (e->error[i] != NULL) {
				names[n] = e->name[i];
				errors[n++] = e->error[i];
			}
		if (n > 0)
			page_error_summary(&p, names, errors, n);
		else {
			html_raw_const(p.b, "<p class=\"hint\" id=\"editor-error\">");
			html_text(p.b, words.data);
			html_raw_const(p.b, "</p>");
		}
		programs_page(&p, store, NULL, NULL, req, e);
	} else {
		/* Several errors of a pasted file: every one in the summary, in the page's language. */
		if (all != NULL && all->n > 1)
			pasted_errors(&p, all);
		/* The parser's message names the field, or the line and column of a syntax error. */
		programs_page(&p, store, text,
		              text == NULL || text[0] == '\0' ? T(&p, "Paste the program's rules.")
		                                              : words.data,
		              NULL, NULL);
	}
	free(e);
	free(all);
	buf_free(&words);
	page_end(&p, 422);
	free(filed); /* after the page: the box shows it again */
}

/* ---- Erasing a person ---------------------------------------------------------------------- */

static void
erase_form(struct page *p, const char *pseudonym, const char *error)
{
	html_raw_const(p->b, "<p>");
	html_text(p->b, T(p, "Erasing destroys this person's data key: the identity, the consent methods and "
	                     "the consultation summaries can never be read again. The pseudonym, the clear "
	                     "fields and the log's events remain. This cannot be undone."));
	html_raw_const(p->b, "</p><p class=\"pseudonym\">");
	html_text(p->b, pseudonym);
	html_raw_const(p->b, "</p><form class=\"form\" method=\"post\"");
	html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/erase");
	html_raw_const(p->b, ">");
	page_csrf(p);
	page_input(p, N_("Type the pseudonym to confirm"), "confirm", "text", NULL, error, 1, "off");
	html_raw_const(p->b, "<button type=\"submit\" class=\"danger\">");
	html_text(p->b, T(p, "Erase this person's data"));
	html_raw_const(p->b, "</button></form><p><a");
	html_href_path(p->b, "href", "/persons/", pseudonym);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Back to the case file"));
	html_raw_const(p->b, "</a></p>");
}

void
page_persons_erase_confirm(struct http_request *req, struct http_response *res)
{
	const char *pseudonym = http_param(req, "pseudonym");
	struct registry_person person;
	struct redress_error err;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Erase a person's data"))) == NULL)
		return;
	if (strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX ||
	    registry_get(store, pseudonym, &person, &err) != REDRESS_OK) {
		page_notice(&p, "error", T(&p, "No person has this pseudonym."));
		page_end(&p, 404);
		return;
	}
	if (person.status == REGISTRY_ERASED) {
		page_notice(&p, "ok",
		            T(&p, "This person's data was erased: the identity can no longer be read."));
		page_end(&p, 200);
		return;
	}
	erase_form(&p, person.pseudonym, NULL);
	page_end(&p, 200);
}

struct erase_arg {
	struct page_change pc;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
};

static enum redress_err
do_erase(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct erase_arg *a = arg;
	char path[REGISTRY_PSEUDONYM_MAX + 16];
	enum redress_err rc;
	struct page p;

	if ((rc = registry_erase(c->log, c->actor, a->pseudonym, err)) == REDRESS_OK &&
	    (rc = http_idempotency_forget_personal(c->store, err)) == REDRESS_OK) {
		/* The key row is gone in the change; the writer scrubs the journal after the commit. */
		c->scrub = 1;
		snprintf(path, sizeof(path), "/persons/%s", a->pseudonym);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin(&p, &a->pc, res, N_("Erase a person's data"));
	page_notice(&p, "error", T(&p, "The data could not be erased, and nothing changed."));
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b, err->message);
	html_raw_const(p.b, "</p>");
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : 409);
	return rc;
}

void
page_persons_erase(struct http_request *req, struct http_response *res)
{
	const char *pseudonym = http_param(req, "pseudonym"), *confirm = http_form_field(req, "confirm");
	struct erase_arg *a;
	struct page p;

	if (strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX) {
		page_begin(&p, req, res, N_("Erase a person's data"));
		page_notice(&p, "error", T(&p, "No person has this pseudonym."));
		page_end(&p, 404);
		return;
	}
	/* Pseudonyms are upper case; people type them as they come. */
	if (confirm == NULL || strcasecmp(confirm, pseudonym) != 0) {
		page_begin(&p, req, res, N_("Erase a person's data"));
		erase_form(&p, pseudonym, T(&p, "Type the pseudonym exactly as shown to confirm."));
		page_end(&p, 422);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
	http_change_submit(req, do_erase, a);
}
