/*
 * page_offices.c -- /admin/offices, an admin's page of the program's
 * offices (domain/offices): each with its regions and how many accounts
 * belong to it, a form to add one, and a form to put an account in an
 * office or in none.  Which people each account then sees is decided in
 * auth.c and the lists (http_sees).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/offices/offices.h"
#include "http/page.h"

struct office_rows {
	struct page *p;
	size_t n;
};

static enum redress_err
office_row(void *ctx, const struct offices_office *o, struct redress_error *err)
{
	struct office_rows *r = ctx;
	char staff[24];

	(void)err;
	if (r->n++ == 0) {
		page_table_begin(r->p, T(r->p, "Offices"));
		page_th(r->p, T(r->p, "Code"));
		page_th(r->p, T(r->p, "Name"));
		page_th(r->p, T(r->p, "Regions"));
		page_th(r->p, T(r->p, "Accounts"));
		html_raw_const(r->p->b, "</tr></thead><tbody>");
	}
	snprintf(staff, sizeof(staff), "%llu", (unsigned long long)o->staff);
	html_raw_const(r->p->b, "<tr>");
	page_td(r->p, o->code);
	page_td(r->p, o->name);
	page_td(r->p, o->regions);
	page_td(r->p, staff);
	html_raw_const(r->p->b, "</tr>");
	return REDRESS_OK;
}

static enum redress_err
office_option(void *ctx, const struct offices_office *o, struct redress_error *err)
{
	(void)err;
	page_option(ctx, o->code, o->name, NULL);
	return REDRESS_OK;
}

/* The offices, and the two forms, on the page begun. */
static void
offices_body(struct page *p, struct store *store)
{
	struct office_rows r = {p, 0};
	struct redress_error err;
	int failed;

	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b,
	          T(p, "A caseworker or reviewer in an office sees only the people of its regions, and "
	               "those whose region no office covers. Other roles, and accounts in no office, see "
	               "everyone."));
	html_raw_const(p->b, "</p>");
	failed = offices_each(store, office_row, &r, &err) != REDRESS_OK;
	page_list_end(p, failed, r.n, T(p, "The offices could not be read. Try again in a moment."),
	              T(p, "No office has been added yet: everyone sees everyone."));
	html_raw_const(p->b, "<h2 id=\"add-office\">");
	html_text(p->b, T(p, "Add an office"));
	html_raw_const(p->b, "</h2><form class=\"form\" method=\"post\" action=\"/admin/offices\">");
	page_csrf(p);
	page_input(p, N_("Office code (letters, digits, -)"), "code", "text", NULL, NULL, 1, "off");
	page_input(p, N_("Name"), "name", "text", NULL, NULL, 1, "off");
	page_input(p, N_("Regions it covers, separated by commas"), "regions", "text", NULL, NULL, 1, "off");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Add the office"));
	html_raw_const(p->b, "</button></form><h2 id=\"assign\">");
	html_text(p->b, T(p, "Put an account in an office"));
	html_raw_const(p->b, "</h2><form class=\"form\" method=\"post\" action=\"/admin/offices/staff\">");
	page_csrf(p);
	page_input(p, N_("Account name"), "account", "text", NULL, NULL, 1, "off");
	page_select_begin(p, N_("Office"), "office", NULL);
	page_option(p, "", T(p, "None: sees the people of every office"), NULL);
	offices_each(store, office_option, p, &err);
	page_select_end(p, "office", NULL);
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Save"));
	html_raw_const(p->b, "</button></form>");
}

void
page_offices(struct http_request *req, struct http_response *res)
{
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Offices"))) == NULL)
		return;
	offices_body(&p, store);
	page_end(&p, 200);
}

struct office_change {
	struct page_change pc;
	int assign; /* 0: add an office; 1: put an account in one */
	char code[OFFICES_CODE_MAX + 1];
	char name[OFFICES_NAME_MAX + 1];
	char regions[OFFICES_REGIONS_MAX * (REGISTRY_REGION_MAX + 1) + 1];
	char account[USER_NAME_MAX + 1];
};

static enum redress_err
do_office(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct office_change *a = arg;
	enum redress_err rc;
	struct page p;

	rc = a->assign ? offices_staff_set(c->log, c->actor, a->account, a->code, err)
	               : offices_add(c->log, c->actor, a->code, a->name, a->regions, err);
	if (rc == REDRESS_OK) {
		page_redirect(res, "/admin/offices");
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Offices"));
	page_notice(&p, "error",
	            a->assign ? T(&p, "The account's office could not be changed, and nothing was saved.")
	                      : T(&p, "The office could not be added, and nothing was saved."));
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b, err->message);
	html_raw_const(p.b, "</p>");
	offices_body(&p, c->store);
	page_end(&p, http_status_for(rc));
	return rc;
}

static void
submit(struct http_request *req, struct http_response *res, int assign)
{
	struct office_change *a = calloc(1, sizeof(*a));
	int ok;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	a->assign = assign;
	ok = assign ? page_form_copy(req, "account", a->account, sizeof(a->account)) &&
	                  page_form_copy(req, "office", a->code, sizeof(a->code))
	            : page_form_copy(req, "code", a->code, sizeof(a->code)) &&
	                  page_form_copy(req, "name", a->name, sizeof(a->name)) &&
	                  page_form_copy(req, "regions", a->regions, sizeof(a->regions));
	if (!ok) {
		struct page p;

		free(a);
		page_begin_failed(&p, req, res, N_("Offices"));
		page_notice(&p, "error", T(&p, "A field is too long: nothing was saved."));
		page_end(&p, 400);
		return;
	}
	/* The domain checks every field, and answers in the page above when one is wrong. */
	http_change_submit(req, do_office, a);
}

void
page_offices_add(struct http_request *req, struct http_response *res)
{
	submit(req, res, 0);
}

void
page_offices_staff(struct http_request *req, struct http_response *res)
{
	submit(req, res, 1);
}
