/*
 * page_program_history.c -- the pages of what changes a program's rules
 * and who they reach (issue 16): a program's versions, with their dates,
 * proposed by one admin (the program file pasted, as the add page takes
 * it) and approved by another after a confirmation page; and, on a
 * person's case file, her vulnerability categories and the other benefits
 * she receives, each a task page of its own.  Every form keeps what was
 * typed when refused, with an error summary and the error beside the
 * field; every change ends in a redirect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "http/limits.h"
#include "http/page.h"
#include "http/page_program_history.h"

/* ---- A program's order of payment ------------------------------------------------------ */

void
page_program_order(struct page *p, const struct program *prog, struct buf *out)
{
	const struct program_rules *r = &prog->rules;
	size_t i;

	if (r->npriority == 0) {
		buf_printf(out, "%s, %s", T(p, "most frail first"), T(p, "oldest first"));
		return;
	}
	for (i = 0; i < r->npriority; i++) {
		buf_puts(out, i > 0 ? ", " : "");
		if (r->priority[i] == PROGRAM_PRIORITY_VULNERABILITY)
			buf_printf(
			    out, "%s: %s", T(p, "Vulnerable first"),
			    registry_vulnerability_name(r->priority_vulnerability[i], i18n_code(p->lang)));
		else
			buf_puts(out, r->priority[i] == PROGRAM_PRIORITY_AGE ? T(p, "oldest first")
			                                                     : T(p, "most frail first"));
	}
}

void
page_program_file_input(struct page *p)
{
	html_raw_const(p->b, "<div class=\"field\"><label for=\"f-file\">");
	html_text(p->b, T(p, "Or the program file"));
	html_raw_const(p->b, "</label><p class=\"hint\" id=\"f-file-hint\">");
	html_text(p->b, T(p, "Rules longer than the box takes (about 1,000 characters) are sent as a file: "
	                     "the file is read instead of the box."));
	html_raw_const(
	    p->b, "</p><input type=\"file\" id=\"f-file\" name=\"file\" accept=\".json,application/json\""
	          " aria-describedby=\"f-file-hint\"></div>");
}

/* ---- A program's versions --------------------------------------------------------------- */

struct versions_ctx {
	struct page *p;
	struct tlog *log;
	const char *code;
	int awaiting; /* a version awaits a second admin */
};

/* A cell with the time of event seq (and who made it), or a dash. */
static void
td_event(struct versions_ctx *v, uint64_t seq, const char *who)
{
	char at[40];

	html_raw_const(v->p->b, "<td>");
	if (seq > 0 && v->log != NULL && page_event_at(v->log, seq, at) == 0) {
		page_when(v->p, at);
		if (who != NULL && who[0] != '\0') {
			html_raw_const(v->p->b, " · ");
			html_text(v->p->b, page_actor(who));
		}
	} else {
		html_text(v->p->b, "—");
	}
	html_raw_const(v->p->b, "</td>");
}

static enum redress_err
version_row(void *ctx, const struct program_version *ver, struct redress_error *err)
{
	struct versions_ctx *v = ctx;
	struct page *p = v->p;
	char number[16];
	struct buf date;

	(void)err;
	snprintf(number, sizeof(number), "%d", ver->version);
	html_raw_const(p->b, "<tr>");
	page_td(p, number);
	buf_init(&date, 64);
	if (ver->from[0] != '\0')
		i18n_date(&date, p->lang, ver->from);
	page_td(p, ver->from[0] != '\0' ? date.data : T(p, "from the start"));
	buf_free(&date);
	td_event(v, ver->proposed_seq, ver->version > 1 ? ver->proposed_by : NULL);
	if (ver->version == 1)
		page_td(p, T(p, "added (no second approval)"));
	else
		td_event(v, ver->added_seq, ver->added_by);
	html_raw_const(p->b, "<td>");
	if (ver->version > 1 && ver->added_seq == 0) {
		v->awaiting = 1;
		html_raw_const(p->b, "<span class=\"tag tag-yellow\">");
		html_text(p->b, T(p, "awaiting a second admin"));
		html_raw_const(p->b, "</span> <a");
		{
			char path[PROGRAM_CODE_MAX + 64];

			/* Program codes are letters, digits and "._-": safe in a path. */
			snprintf(path, sizeof(path), "/admin/programs/%s/versions/%d/approve", v->code,
			         ver->version);
			html_href(p->b, "href", path);
		}
		html_raw_const(p->b, ">");
		html_text(p->b, T(p, "Review and approve"));
		html_raw_const(p->b, "</a>");
	} else {
		html_raw_const(p->b, "<span class=\"tag tag-green\">");
		html_text(p->b, T(p, "approved"));
		html_raw_const(p->b, "</span>");
	}
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

void
page_program_versions(struct page *p, struct store *store, const struct program *prog)
{
	struct versions_ctx v = {p, NULL, prog->code, 0};
	struct redress_error err;
	char path[PROGRAM_CODE_MAX + 64];

	v.log = p->req->app != NULL ? http_read_log(p->req, p->res) : NULL;
	html_raw_const(p->b, "<h2 id=\"versions\">");
	html_text(p->b, T(p, "Versions of the rules"));
	html_raw_const(p->b, "</h2><p class=\"hint\">");
	html_text(p->b,
	          T(p, "A new version is proposed by one admin and approved by another; it is in force "
	               "from its day. Entitlements already booked keep the version they were booked under."));
	html_raw_const(p->b, "</p>");
	page_table_begin(p, T(p, "Versions of the rules"));
	page_th(p, T(p, "Version"));
	page_th(p, T(p, "In force from"));
	page_th(p, T(p, "Proposed"));
	page_th(p, T(p, "Approved"));
	page_th(p, T(p, "State"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	if (program_versions_each(store, prog->code, version_row, &v, &err) != REDRESS_OK)
		page_notice(p, "error", T(p, "The versions could not be read."));
	page_table_end(p);
	if (!v.awaiting) {
		snprintf(path, sizeof(path), "/admin/programs/%s/versions/new", prog->code);
		html_raw_const(p->b, "<p><a class=\"button\"");
		html_href(p->b, "href", path);
		html_raw_const(p->b, ">");
		html_text(p->b, T(p, "Propose a new version"));
		html_raw_const(p->b, "</a></p>");
	}
}

/* The program as its file would give it: the first format's fields and its rules (what the form starts from).
 */
static char *
program_file_text(const struct program *prog)
{
	const struct currency *cur = currency_find(prog->currency, NULL);
	char survivor[MONEY_TEXT_SIZE], bereaved[MONEY_TEXT_SIZE];
	json_t *o = program_rules_json(prog);
	char *text = NULL;

	if (o == NULL || cur == NULL)
		goto out;
	money_format(prog->survivor_amount, cur, survivor, sizeof(survivor));
	money_format(prog->bereaved_amount, cur, bereaved, sizeof(bereaved));
	if (json_object_set_new(o, "code", json_string(prog->code)) != 0 ||
	    json_object_set_new(o, "name", json_string(prog->name)) != 0 ||
	    json_object_set_new(o, "currency", json_string(prog->currency)) != 0 ||
	    json_object_set_new(o, "cutoff", json_string(prog->cutoff)) != 0 ||
	    json_object_set_new(o, "approvals", json_integer(prog->approvals)) != 0 ||
	    json_object_set_new(o, "accounts",
	                        json_pack("{s:s, s:s, s:s}", "fund", prog->fund, "payable", prog->payable,
	                                  "expense", prog->expense)) != 0)
		goto out;
	if (prog->rules.nharms == 0 &&
	    json_object_set_new(o, "benefits",
	                        json_pack("{s:s, s:s}", "survivor", survivor, "bereaved", bereaved)) != 0)
		goto out;
	text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
out:
	json_decref(o);
	return text;
}

/* The form of a new version: the rules (JSON) and the day it is in force from. */
static void
version_form(struct page *p, const char *code, const char *text, const char *from,
             const char *const errors[2])
{
	char action[PROGRAM_CODE_MAX + 64];

	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b,
	          T(p, "Change the rules below (the program file, as for 'redress program add'): the code, "
	               "currency and accounts stay. Another admin approves the version before it is in "
	               "force."));
	html_raw_const(p->b, "</p><form class=\"form\" method=\"post\" enctype=\"multipart/form-data\"");
	snprintf(action, sizeof(action), "/admin/programs/%s/versions", code);
	html_href(p->b, "action", action);
	html_raw_const(p->b, ">");
	page_csrf(p);
	/* A form field holds at most HTTP_FORM_FIELD_MAX bytes: longer rules come as a file. */
	page_textarea(p, N_("The program's rules (JSON)"), "rules",
	              text != NULL && strlen(text) <= HTTP_FORM_FIELD_MAX ? text : NULL, errors[0], 0, 16);
	page_program_file_input(p);
	page_input_hint(p, N_("In force from"), "from", "text", from, errors[1], 1, "off",
	                T(p, "Today or a later day, for example 2026-12-07."));
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Propose the version"));
	html_raw_const(p->b, "</button></form>");
}

/* The program of the path, or a 404 page; 0 when found. */
static int
path_program(struct page *p, struct store *store, struct http_request *req, struct program *prog)
{
	struct redress_error err;

	if (strlen(http_param(req, "code")) <= PROGRAM_CODE_MAX &&
	    program_get(store, http_param(req, "code"), prog, &err) == REDRESS_OK)
		return 0;
	page_notice(p, "error", T(p, "There is no such program."));
	page_end(p, 404);
	return -1;
}

void
page_admin_version_new(struct http_request *req, struct http_response *res)
{
	const char *none[2] = {NULL, NULL};
	struct program *prog = calloc(1, sizeof(*prog));
	struct store *store;
	struct page p;
	char *text;

	if (prog == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if ((store = page_open(&p, req, res, N_("Propose a new version"))) == NULL ||
	    path_program(&p, store, req, prog) != 0) {
		free(prog);
		return;
	}
	text = program_file_text(prog);
	version_form(&p, prog->code, text, NULL, none);
	mem_json_free(text);
	free(prog);
	page_end(&p, 200);
}

struct version_arg {
	struct page_change pc;
	struct program prog;
	char code[PROGRAM_CODE_MAX + 1]; /* the path's */
	char from[32];
	int version;
	char *text; /* as pasted, for the form again; freed by the request */
};

static enum redress_err
do_propose(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct version_arg *a = arg;
	char path[PROGRAM_CODE_MAX + 32];
	const char *errors[2] = {NULL, NULL};
	struct buf words;
	enum redress_err rc;
	struct page p;

	if ((rc = program_version_propose(c->log, c->actor, &a->prog, a->from, &a->version, err)) ==
	    REDRESS_OK) {
		snprintf(path, sizeof(path), "/admin/programs/%s#versions", a->code);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Propose a new version"));
	buf_init(&words, REDRESS_ERROR_MAX * 4);
	if (rc == REDRESS_E_CONFLICT)
		errors[0] =
		    T(&p, "Another version awaits a second admin's approval: approve or wait for it first.");
	else {
		page_program_error(&words, p.lang, err->message);
		errors[strstr(err->message, "in the past") != NULL ? 1 : 0] =
		    words.data != NULL ? words.data : err->message;
	}
	{
		static const char *const names[2] = {"rules", "from"};

		page_error_summary(&p, names, errors, 2);
	}
	version_form(&p, a->code, NULL, a->from, errors);
	buf_free(&words);
	page_end(&p, rc == REDRESS_E_CONFLICT ? 409 : 422);
	return rc;
}

void
page_admin_version_propose(struct http_request *req, struct http_response *res)
{
	const struct buf *file = http_upload_file(req);
	const char *text = http_form_field(req, "rules"), *code = http_param(req, "code");
	char *filed = NULL; /* the file's text, NUL-terminated */
	const char *names[PROGRAM_ERRORS_MAX + 2], *errors[PROGRAM_ERRORS_MAX + 2];
	struct buf words[PROGRAM_ERRORS_MAX + 1];
	struct program_errors *all = calloc(1, sizeof(*all));
	struct version_arg *a = calloc(1, sizeof(*a));
	const char *field_errors[2] = {NULL, NULL};
	struct redress_error err;
	struct page p;
	size_t i, n = 0, nwords = 0;

	if (a == NULL || all == NULL || strlen(code) > PROGRAM_CODE_MAX) {
		free(a);
		free(all);
		http_reply_error(res, a == NULL || all == NULL ? 503 : 404,
		                 a == NULL || all == NULL ? "unavailable" : "not_found",
		                 a == NULL || all == NULL ? "out of memory" : "no such program");
		return;
	}
	page_change_init(&a->pc, req, res);
	p.lang = a->pc.lang;
	memcpy(a->code, code, strlen(code) + 1);
	if (file != NULL && file->len > 0) {
		/* The file, when one is chosen, is read instead of the box. */
		if (file->len > PROGRAM_FILE_MAX || memchr(file->data, '\0', file->len) != NULL ||
		    (filed = malloc(file->len + 1)) == NULL) {
			free(a);
			free(all);
			http_reply_error(res, 413, "too_large", "the program file is too large, or not text");
			return;
		}
		memcpy(filed, file->data, file->len);
		filed[file->len] = '\0';
		text = filed;
	}
	if (!page_form_copy(req, "from", a->from, sizeof(a->from)) || page_date_parse(a->from, a->from) != 0)
		field_errors[1] = T(&p, "Give the day it is in force from, for example 2026-12-07.");
	if (text == NULL || text[0] == '\0')
		field_errors[0] = T(&p, "Paste the program's rules.");
	else if (program_parse_all(text, strlen(text), &a->prog, all, &err) != REDRESS_OK) {
		/* Every error of the file, in the page's language, linked to the rules. */
		for (i = 0; i < all->n; i++) {
			buf_init(&words[nwords], REDRESS_ERROR_MAX * 4);
			page_program_error(&words[nwords], p.lang, all->message[i]);
			names[n] = "rules";
			errors[n++] = words[nwords].data != NULL ? words[nwords].data : all->message[i];
			nwords++;
		}
		field_errors[0] = n > 0 ? errors[0] : T(&p, "The program could not be read.");
	} else if (strcmp(a->prog.code, a->code) != 0)
		field_errors[0] = T(&p, "The rules are another program's: keep this program's code.");
	if (field_errors[0] == NULL && field_errors[1] == NULL) {
		free(all);
		free(filed);
		http_change_submit(req, do_propose, a);
		return;
	}
	if (n == 0 && field_errors[0] != NULL) {
		names[n] = "rules";
		errors[n++] = field_errors[0];
	}
	if (field_errors[1] != NULL) {
		names[n] = "from";
		errors[n++] = field_errors[1];
	}
	page_begin_failed(&p, req, res, N_("Propose a new version"));
	page_error_summary(&p, names, errors, n);
	version_form(&p, a->code, text, a->from, field_errors);
	page_end(&p, 422);
	for (i = 0; i < nwords; i++)
		buf_free(&words[i]);
	free(filed);
	free(all);
	free(a);
}

/* The version of the path: its number, or 0 (after a 404 page). */
static int
path_version(struct page *p, struct http_request *req)
{
	const char *text = http_param(req, "version");
	char *end;
	long v = strtol(text, &end, 10);

	if (text[0] >= '1' && text[0] <= '9' && *end == '\0' && v <= PROGRAM_VERSIONS_MAX)
		return (int)v;
	page_notice(p, "error", T(p, "There is no such version."));
	page_end(p, 404);
	return 0;
}

/* What a second admin approves: the version's day, who proposed it, its rules, and the button. */
static void
approve_render(struct page *p, const struct program *ver, const char *error)
{
	char path[PROGRAM_CODE_MAX + 64], number[16];
	struct buf date;
	char *text = program_file_text(ver);

	if (error != NULL)
		page_notice(p, "error", error);
	html_raw_const(p->b, "<dl class=\"facts\">");
	page_fact(p, T(p, "Program"), program_name(ver, i18n_code(p->lang)));
	snprintf(number, sizeof(number), "%d", ver->version);
	page_fact(p, T(p, "Version"), number);
	buf_init(&date, 64);
	i18n_date(&date, p->lang, ver->from);
	page_fact(p, T(p, "In force from"), date.data);
	buf_free(&date);
	html_raw_const(p->b, "</dl><h2>");
	html_text(p->b, T(p, "The rules of this version"));
	html_raw_const(p->b, "</h2><pre class=\"rules\">");
	html_text(p->b, text != NULL ? text : "");
	html_raw_const(p->b, "</pre><p class=\"warning\"><strong>");
	html_text(p->b, T(p, "Once approved, new entitlements are booked under these rules from its day. "
	                     "Look at what would change with 'redress program diff' first."));
	html_raw_const(p->b, "</strong></p><form class=\"form\" method=\"post\"");
	snprintf(path, sizeof(path), "/admin/programs/%s/versions/%d/approve", ver->code, ver->version);
	html_href(p->b, "action", path);
	html_raw_const(p->b, ">");
	page_csrf(p);
	html_raw_const(p->b, "<button type=\"submit\" class=\"warning\">");
	html_text(p->b, T(p, "Approve this version"));
	html_raw_const(p->b, "</button> <a");
	snprintf(path, sizeof(path), "/admin/programs/%s#versions", ver->code);
	html_href(p->b, "href", path);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Cancel"));
	html_raw_const(p->b, "</a></form>");
	mem_json_free(text);
}

void
page_admin_version_confirm(struct http_request *req, struct http_response *res)
{
	struct program *ver = calloc(1, sizeof(*ver));
	struct redress_error err;
	struct store *store;
	struct page p;
	int version;

	if (ver == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if ((store = page_open(&p, req, res, N_("Approve a new version"))) == NULL ||
	    (version = path_version(&p, req)) == 0) {
		free(ver);
		return;
	}
	if (strlen(http_param(req, "code")) > PROGRAM_CODE_MAX || version < 2 ||
	    program_version_get(store, http_param(req, "code"), version, ver, &err) != REDRESS_OK) {
		page_notice(&p, "error", T(&p, "There is no such version."));
		page_end(&p, 404);
		free(ver);
		return;
	}
	approve_render(&p, ver, NULL);
	page_end(&p, 200);
	free(ver);
}

static enum redress_err
do_approve(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct version_arg *a = arg;
	char path[PROGRAM_CODE_MAX + 32];
	struct redress_error e2;
	enum redress_err rc;
	struct page p;

	if ((rc = program_version_approve(c->log, c->actor, a->code, a->version, err)) == REDRESS_OK) {
		snprintf(path, sizeof(path), "/admin/programs/%s#versions", a->code);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Approve a new version"));
	if (rc == REDRESS_E_NOTFOUND ||
	    program_version_get(c->store, a->code, a->version, &a->prog, &e2) != REDRESS_OK) {
		page_notice(&p, "error", T(&p, "There is no such version."));
		page_end(&p, 404);
		return rc;
	}
	approve_render(&p, &a->prog,
	               rc == REDRESS_E_REFUSED
	                   ? T(&p, "You proposed this version: another admin must approve it.")
	               : rc == REDRESS_E_CONFLICT
	                   ? T(&p, "This version is approved already, or no longer awaits approval.")
	                   : T(&p, "The version could not be approved, and nothing was saved."));
	page_end(&p, rc == REDRESS_E_REFUSED ? 422 : 409);
	return rc;
}

void
page_admin_version_approve(struct http_request *req, struct http_response *res)
{
	const char *code = http_param(req, "code");
	struct version_arg *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	if (strlen(code) > PROGRAM_CODE_MAX) {
		free(a);
		http_page_refuse(req, res, 404);
		return;
	}
	memcpy(a->code, code, strlen(code) + 1);
	{
		const char *text = http_param(req, "version");
		char *end;
		long v = strtol(text, &end, 10);

		if (!(text[0] >= '1' && text[0] <= '9' && *end == '\0' && v <= PROGRAM_VERSIONS_MAX)) {
			free(a);
			http_page_refuse(req, res, 404);
			return;
		}
		a->version = (int)v;
	}
	http_change_submit(req, do_approve, a);
}

/* ---- A person's vulnerability categories and other benefits ----------------------------------- */

void
page_casefile_vulnerability(struct page *p, struct store *store, const char *pseudonym)
{
	struct redress_error err;
	struct buf words;
	unsigned mask;
	int i;

	buf_init(&words, 256);
	if (registry_vulnerability_get(store, pseudonym, &mask, NULL, &err) != REDRESS_OK)
		buf_puts(&words, T(p, "The vulnerability categories could not be read."));
	else if (mask == 0)
		buf_puts(&words, T(p, "None recorded"));
	for (i = 0; i < REGISTRY_VULNS; i++)
		if (mask & (1u << i))
			buf_printf(&words, "%s%s", words.len > 0 ? ", " : "",
			           registry_vulnerability_name(i, i18n_code(p->lang)));
	page_fact(p, T(p, "Vulnerability"), words.data);
	buf_free(&words);
}

struct benefits_ctx {
	struct page *p;
	char latest[16][33]; /* each benefit's code, with its latest record */
	int receives[16];
	size_t n, rows;
	int table; /* 1: write the history's rows */
};

static enum redress_err
benefit_row(void *ctx, const struct entitlement_benefit *b, struct redress_error *err)
{
	struct benefits_ctx *bc = ctx;
	struct page *p = bc->p;
	struct buf date;
	size_t i;

	(void)err;
	for (i = 0; i < bc->n && strcmp(bc->latest[i], b->benefit) != 0; i++)
		;
	if (i == bc->n && bc->n < 16)
		text_copy(bc->latest[bc->n++], sizeof(bc->latest[0]), b->benefit);
	if (i < 16)
		bc->receives[i] = b->receives;
	bc->rows++;
	if (!bc->table)
		return REDRESS_OK;
	buf_init(&date, 64);
	i18n_date(&date, p->lang, b->on);
	html_raw_const(p->b, "<tr>");
	page_td(p, b->benefit);
	page_td(p, b->receives ? T(p, "receives it from") : T(p, "no longer receives it from"));
	page_td(p, date.data);
	page_td(p, page_actor(b->actor));
	html_raw_const(p->b, "</tr>");
	buf_free(&date);
	return REDRESS_OK;
}

void
page_casefile_benefits(struct page *p, struct store *store, const char *pseudonym)
{
	struct benefits_ctx *bc = calloc(1, sizeof(*bc));
	struct redress_error err;
	struct buf words;
	size_t i;

	buf_init(&words, 256);
	if (bc == NULL)
		buf_puts(&words, "?");
	else {
		bc->p = p;
		if (entitlements_benefits_each(store, pseudonym, benefit_row, bc, &err) != REDRESS_OK)
			buf_puts(&words, T(p, "The other benefits could not be read."));
		for (i = 0; i < bc->n; i++)
			if (bc->receives[i])
				buf_printf(&words, "%s%s", words.len > 0 ? ", " : "", bc->latest[i]);
		if (words.len == 0)
			buf_puts(&words, T(p, "None recorded"));
	}
	page_fact(p, T(p, "Other benefits she receives"), words.data);
	buf_free(&words);
	free(bc);
}

/* A task link of the case file: /persons/PSEUDONYM/SUFFIX (suffix a literal). */
static void
task_link(struct page *p, const char *pseudonym, const char *suffix, const char *words)
{
	html_raw_const(p->b, "<li><a");
	html_href_path_(p->b, "href", "/persons/", pseudonym, suffix);
	html_raw_const(p->b, ">");
	html_text(p->b, words);
	html_raw_const(p->b, "</a></li>");
}

void
page_casefile_benefit_links(struct page *p, const char *pseudonym)
{
	task_link(p, pseudonym, "/vulnerability", T(p, "Record vulnerability categories"));
	task_link(p, pseudonym, "/benefits", T(p, "Record another benefit she receives"));
}

/* The person of the path, who must be live; 0, or -1 after a 404 page. */
static int
path_person(struct page *p, struct store *store, struct http_request *req, struct registry_person *person)
{
	struct redress_error err;

	if (registry_get(store, http_param(req, "pseudonym"), person, &err) == REDRESS_OK &&
	    person->status != REGISTRY_ERASED)
		return 0;
	page_notice(p, "error", T(p, "No person has this pseudonym, or the data was erased."));
	page_end(p, 404);
	return -1;
}

struct person_arg {
	struct page_change pc;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	/* Vulnerability: the categories ticked, the reason. */
	unsigned mask;
	char reason[REGISTRY_TEXT_MAX + 1];
	/* Another benefit: its code, whether she receives it, from when. */
	char benefit[PROGRAM_ITEM_CODE_MAX + 8];
	char receives[12];
	char date[32];
	const char *errors[3];
};

static void
vulnerability_render(struct page *p, const char *pseudonym, unsigned mask, const struct person_arg *a)
{
	static const char *const names[2] = {"categories", "reason"};
	const char *const *e = a != NULL ? a->errors : (const char *const[3]){NULL};
	int i;

	page_back_to_file(p, pseudonym);
	if (a != NULL)
		page_error_summary(p, names, a->errors, 2);
	html_raw_const(p->b, "<form class=\"form\" method=\"post\" novalidate");
	html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/vulnerability");
	html_raw_const(p->b, "><fieldset id=\"f-categories\"><legend>");
	html_text(p->b, T(p, "Her vulnerability categories"));
	html_raw_const(p->b, "</legend><p class=\"hint\">");
	html_text(p->b,
	          T(p, "Tick every one that applies; none ticked records that none does. A program may "
	               "pay people in a category first. The categories are kept in clear, like frailty."));
	html_raw_const(p->b, "</p>");
	for (i = 0; i < REGISTRY_VULNS; i++) {
		char id[48];

		snprintf(id, sizeof(id), "f-vuln-%s", registry_vulnerability_code(i));
		html_raw_const(p->b, "<div class=\"field\"><input type=\"checkbox\" value=\"yes\"");
		html_attr(p->b, "id", id);
		html_attr(p->b, "name", id + 2); /* "vuln-CODE" */
		if (mask & (1u << i))
			html_raw_const(p->b, " checked");
		html_raw_const(p->b, "> <label class=\"inline\"");
		html_attr(p->b, "for", id);
		html_raw_const(p->b, ">");
		html_text(p->b, registry_vulnerability_name(i, i18n_code(p->lang)));
		html_raw_const(p->b, "</label></div>");
	}
	if (e[0] != NULL) {
		html_raw_const(p->b, "<p class=\"field-error\">");
		html_text(p->b, e[0]);
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "</fieldset>");
	page_csrf(p);
	page_input_hint(p, N_("Why (sealed)"), "reason", "text", a != NULL ? a->reason : NULL, e[1], 1, "off",
	                T(p, "What was seen or said: it is sealed with her key and goes with erasure."));
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Record the categories"));
	html_raw_const(p->b, "</button></form>");
}

static enum redress_err
vulnerability_row(void *ctx, const struct registry_vulnerability_record *r, struct redress_error *err)
{
	struct page *p = ctx;
	struct buf words;
	int i;

	(void)err;
	buf_init(&words, 256);
	for (i = 0; i < REGISTRY_VULNS; i++)
		if (r->mask & (1u << i))
			buf_printf(&words, "%s%s", words.len > 0 ? ", " : "",
			           registry_vulnerability_name(i, i18n_code(p->lang)));
	html_raw_const(p->b, "<tr><td>");
	page_when(p, r->at);
	html_raw_const(p->b, "</td>");
	page_td(p, words.len > 0 ? words.data : T(p, "None recorded"));
	page_td(p, page_actor(r->actor));
	html_raw_const(p->b, "</tr>");
	buf_free(&words);
	return REDRESS_OK;
}

/* What was recorded before, oldest first (the reasons stay sealed). */
static void
vulnerability_history(struct page *p, struct store *store, const char *pseudonym)
{
	struct redress_error err;

	page_table_begin(p, T(p, "Recorded before"));
	page_th(p, T(p, "Date"));
	page_th(p, T(p, "Vulnerability"));
	page_th(p, T(p, "By"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	if (registry_vulnerability_each(store, pseudonym, vulnerability_row, p, &err) != REDRESS_OK)
		page_notice(p, "error", T(p, "The vulnerability categories could not be read."));
	page_table_end(p);
}

void
page_persons_vulnerability_form(struct http_request *req, struct http_response *res)
{
	struct registry_person person;
	struct redress_error err;
	struct store *store;
	struct page p;
	unsigned mask = 0;

	if ((store = page_open(&p, req, res, N_("Record vulnerability categories"))) == NULL ||
	    path_person(&p, store, req, &person) != 0)
		return;
	if (registry_vulnerability_get(store, person.pseudonym, &mask, NULL, &err) != REDRESS_OK)
		page_notice(&p, "error", T(&p, "The vulnerability categories could not be read."));
	vulnerability_render(&p, person.pseudonym, mask, NULL);
	vulnerability_history(&p, store, person.pseudonym);
	page_end(&p, 200);
}

static enum redress_err
do_vulnerability(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct person_arg *a = arg;
	char path[64];
	enum redress_err rc;
	struct page p;

	if ((rc = registry_vulnerability_record(c->log, c->actor, &c->keys, a->pseudonym, a->mask, a->reason,
	                                        err)) == REDRESS_OK) {
		snprintf(path, sizeof(path), "/persons/%s", a->pseudonym);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Record vulnerability categories"));
	a->errors[1] = rc == REDRESS_E_NOTFOUND || rc == REDRESS_E_CONFLICT
	                   ? T(&p, "No person has this pseudonym, or the data was erased.")
	                   : T(&p, "It could not be recorded, and nothing was saved.");
	vulnerability_render(&p, a->pseudonym, a->mask, a);
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : rc == REDRESS_E_CONFLICT ? 409 : 422);
	return rc;
}

/* The person_arg of a POST to /persons/{pseudonym}/...: NULL after answering. */
static struct person_arg *
person_arg(struct http_request *req, struct http_response *res, struct page *p)
{
	const char *pseudonym = http_param(req, "pseudonym");
	struct person_arg *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return NULL;
	}
	if (strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX) {
		free(a);
		http_page_refuse(req, res, 404);
		return NULL;
	}
	page_change_init(&a->pc, req, res);
	p->lang = a->pc.lang;
	memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
	return a;
}

void
page_persons_vulnerability(struct http_request *req, struct http_response *res)
{
	struct person_arg *a;
	struct page p;
	int k;

	if ((a = person_arg(req, res, &p)) == NULL)
		return;
	/* Each ticked box is a field "vuln-CODE" of value "yes". */
	for (k = 0; k < REGISTRY_VULNS; k++) {
		char name[48];
		const char *v;

		snprintf(name, sizeof(name), "vuln-%s", registry_vulnerability_code(k));
		if ((v = http_form_field(req, name)) == NULL)
			continue;
		if (strcmp(v, "yes") != 0)
			a->errors[0] = T(&p, "Tick the categories from the list.");
		else
			a->mask |= 1u << k;
	}
	if (!page_form_copy(req, "reason", a->reason, sizeof(a->reason)))
		a->errors[1] = T(&p, "Say it in fewer words: at most 4000 bytes.");
	else if (a->reason[0] == '\0')
		a->errors[1] = T(&p, "Say why: what was seen or said (it is sealed).");
	if (a->errors[0] == NULL && a->errors[1] == NULL) {
		http_change_submit_wiped(req, do_vulnerability, a, sizeof(*a));
		return;
	}
	page_begin_failed(&p, req, res, N_("Record vulnerability categories"));
	vulnerability_render(&p, a->pseudonym, a->mask, a);
	page_end(&p, 422);
	explicit_bzero(a, sizeof(*a)); /* the reason, as typed */
	free(a);
}

static void
benefits_render(struct page *p, struct store *store, const char *pseudonym, const struct person_arg *a)
{
	static const char *const names[3] = {"benefit", "receives", "date"};
	const char *const *e = a != NULL ? a->errors : (const char *const[3]){NULL};
	struct benefits_ctx *bc = calloc(1, sizeof(*bc));
	struct redress_error err;

	page_back_to_file(p, pseudonym);
	if (a != NULL)
		page_error_summary(p, names, a->errors, 3);
	if (bc != NULL && store != NULL) {
		bc->p = p;
		bc->table = 1;
		page_table_begin(p, T(p, "Other benefits recorded"));
		page_th(p, T(p, "Benefit"));
		page_th(p, T(p, "What was recorded"));
		page_th(p, T(p, "Date"));
		page_th(p, T(p, "By"));
		html_raw_const(p->b, "</tr></thead><tbody>");
		if (entitlements_benefits_each(store, pseudonym, benefit_row, bc, &err) != REDRESS_OK)
			page_notice(p, "error", T(p, "The other benefits could not be read."));
		page_table_end(p);
		if (bc->rows == 0) {
			html_raw_const(p->b, "<p>");
			html_text(p->b, T(p, "No other benefit has been recorded."));
			html_raw_const(p->b, "</p>");
		}
	}
	free(bc);
	html_raw_const(p->b, "<form class=\"form\" method=\"post\" novalidate");
	html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/benefits");
	html_raw_const(p->b, ">");
	page_csrf(p);
	page_input_hint(p, N_("Benefit (a code)"), "benefit", "text", a != NULL ? a->benefit : NULL, e[0], 1,
	                "off", T(p, "The code a program's exclusion names, for example state-pension."));
	page_select_required_begin(p, N_("She"), "receives", e[1]);
	page_option(p, "", T(p, "Choose: receives it, or no longer does"), a != NULL ? a->receives : "");
	page_option(p, "yes", T(p, "receives it from"), a != NULL ? a->receives : NULL);
	page_option(p, "no", T(p, "no longer receives it from"), a != NULL ? a->receives : NULL);
	page_select_end(p, "receives", e[1]);
	page_input_hint(p, N_("Date"), "date", "text", a != NULL ? a->date : NULL, e[2], 1, "off",
	                T(p, "For example 2026-12-07, 2026. 12. 7. or 2026年12月7日."));
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b, T(p, "A program that excludes people receiving this benefit leaves her out while her "
	                     "latest record says she receives it."));
	html_raw_const(p->b, "</p><button type=\"submit\">");
	html_text(p->b, T(p, "Record the benefit"));
	html_raw_const(p->b, "</button></form>");
}

void
page_persons_benefits_form(struct http_request *req, struct http_response *res)
{
	struct registry_person person;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Other benefits she receives"))) == NULL ||
	    path_person(&p, store, req, &person) != 0)
		return;
	benefits_render(&p, store, person.pseudonym, NULL);
	page_end(&p, 200);
}

static enum redress_err
do_benefit(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct person_arg *a = arg;
	char path[64];
	enum redress_err rc;
	struct page p;

	if ((rc = entitlements_benefit_record(c->log, c->actor, a->pseudonym, a->benefit,
	                                      strcmp(a->receives, "yes") == 0, a->date, err)) == REDRESS_OK) {
		snprintf(path, sizeof(path), "/persons/%s/benefits", a->pseudonym);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Other benefits she receives"));
	if (rc == REDRESS_E_NOTFOUND)
		a->errors[0] = T(&p, "No person has this pseudonym, or the data was erased.");
	else if (strstr(err->message, "future") != NULL)
		a->errors[2] = T(&p, "The date cannot be in the future.");
	else
		a->errors[0] = T(&p, "It could not be recorded, and nothing was saved.");
	benefits_render(&p, c->store, a->pseudonym, a);
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : 422);
	return rc;
}

void
page_persons_benefits(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct person_arg *a;
	struct page p;

	if ((a = person_arg(req, res, &p)) == NULL)
		return;
	if (!page_form_copy(req, "benefit", a->benefit, sizeof(a->benefit)) ||
	    text_check_id("benefit", a->benefit, PROGRAM_ITEM_CODE_MAX, "._-", &err) != REDRESS_OK)
		a->errors[0] =
		    T(&p, "Give the benefit as a code: letters, digits and . _ -, such as state-pension.");
	page_form_copy(req, "receives", a->receives, sizeof(a->receives));
	if (strcmp(a->receives, "yes") != 0 && strcmp(a->receives, "no") != 0)
		a->errors[1] = T(&p, "Say whether she receives it or no longer does.");
	if (!page_form_copy(req, "date", a->date, sizeof(a->date)) || page_date_parse(a->date, a->date) != 0)
		a->errors[2] = T(&p, "Give the date, for example 2026-12-07.");
	if (a->errors[0] == NULL && a->errors[1] == NULL && a->errors[2] == NULL) {
		http_change_submit(req, do_benefit, a);
		return;
	}
	page_begin_failed(&p, req, res, N_("Other benefits she receives"));
	/* The history is on the page again once the form is right: no read here. */
	benefits_render(&p, NULL, a->pseudonym, a);
	page_end(&p, 422);
	free(a);
}
