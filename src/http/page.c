/*
 * page.c -- what every page has: the language, the layout, forms' common
 * parts, and the pages that refuse.
 *
 * The layout is built for people who may use a screen reader or only a
 * keyboard: a skip link first, landmarks (header, nav, main, footer), the
 * lang attribute of the page's language, and nothing that needs a
 * script: the one stylesheet and the one small script (a table's box a
 * tab stop only while it scrolls; without it every box is one) come from
 * /assets/ under names holding their hashes, so they can be cached for a
 * year and still change with the binary.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/canon.h"
#include "http/page.h"

#define LANG_COOKIE "redress_lang"

/* ---- Language ------------------------------------------------------------- */

enum i18n_lang
page_lang(struct http_request *req, struct http_response *res)
{
	char cookie[8];
	int lang;

	if ((lang = i18n_parse(http_query(req, "lang"))) >= 0) {
		/* Remembered for a year; not HttpOnly-worthy (no secret), but no script reads it anyway. */
		snprintf(res->lang_cookie, sizeof(res->lang_cookie),
		         LANG_COOKIE "=%s; Path=/; Max-Age=31536000; HttpOnly; SameSite=Strict%s",
		         i18n_code((enum i18n_lang)lang),
		         req->app != NULL && req->app->tls ? "; Secure" : "");
		return (enum i18n_lang)lang;
	}
	if (http_cookie(req, LANG_COOKIE, cookie, sizeof(cookie)) && (lang = i18n_parse(cookie)) >= 0)
		return (enum i18n_lang)lang;
	if ((lang = i18n_accept(http_header(req, "Accept-Language"))) >= 0)
		return (enum i18n_lang)lang;
	return I18N_KO;
}

/* ---- The assets' names ------------------------------------------------------- */

static pthread_once_t assets_once = PTHREAD_ONCE_INIT;
static char css_url[64], js_url[64];

/* FNV-1a of n bytes at s: a name that changes when the file does, not a security measure. */
static unsigned long long
asset_hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return (unsigned long long)h;
}

static void
assets_name(void)
{
	snprintf(css_url, sizeof(css_url), "/assets/redress.%016llx.css",
	         asset_hash(http_asset_css, http_asset_css_len));
	snprintf(js_url, sizeof(js_url), "/assets/redress.%016llx.js",
	         asset_hash(http_asset_js, http_asset_js_len));
}

const char *
page_css_url(void)
{
	pthread_once(&assets_once, assets_name);
	return css_url;
}

const char *
page_js_url(void)
{
	pthread_once(&assets_once, assets_name);
	return js_url;
}

/* ---- Layout ------------------------------------------------------------------ */

static const struct {
	const char *path;
	const char *label; /* msgid */
	int any;           /* 1: every account; else needs perm */
	enum permission perm;
} nav[] = {
    {"/account", N_("My account"), 1, 0},
    {"/persons", N_("Find a person"), 0, PERM_PERSONS_READ},
    {"/persons/new", N_("Register a person"), 0, PERM_PERSONS_WRITE},
    {"/work", N_("Work list"), 0, PERM_PERSONS_READ},
    {"/claims", N_("Claims"), 0, PERM_CLAIMS_READ},
    {"/queue", N_("Payment queue"), 0, PERM_QUEUE_READ},
    {"/fund", N_("Fund balances"), 0, PERM_BALANCES_READ},
    {"/pledges", N_("Pledges and receipts"), 0, PERM_BALANCES_READ},
    {"/batches", N_("Payment batches"), 0, PERM_LEDGER_READ},
    {"/admin/accounts", N_("Accounts and roles"), 0, PERM_USERS_MANAGE},
    {"/admin/offices", N_("Offices"), 0, PERM_USERS_MANAGE},
    {"/admin/programs", N_("Programs"), 0, PERM_PROGRAMS_MANAGE},
    {"/admin/backup", N_("Backup"), 0, PERM_USERS_MANAGE},
    {"/reports", N_("Transparency reports"), 0, PERM_AGGREGATES_READ},
    {"/transparency", N_("Verifying the published figures"), 0, PERM_AGGREGATES_READ},
};

static void
language_switch(struct page *p)
{
	/* A GET page switches in place; after a form, the home page does. */
	int here = p->req->method == HTTP_GET || p->req->method == HTTP_HEAD;
	int i;

	html_raw_const(p->b, "<nav class=\"langs\"");
	html_attr(p->b, "aria-label", T(p, "Language"));
	html_raw_const(p->b, "><ul>");
	for (i = 0; i < I18N_LANGS; i++) {
		html_raw_const(p->b, "<li><a");
		if (here)
			html_href_path(p->b, "href", "?lang=", i18n_code((enum i18n_lang)i));
		else
			html_href_path(p->b, "href", "/?lang=", i18n_code((enum i18n_lang)i));
		html_attr(p->b, "lang", i18n_code((enum i18n_lang)i));
		html_attr(p->b, "hreflang", i18n_code((enum i18n_lang)i));
		if ((int)p->lang == i)
			html_raw_const(p->b, " aria-current=\"true\"");
		html_raw_const(p->b, ">");
		html_text(p->b, i18n_name((enum i18n_lang)i));
		html_raw_const(p->b, "</a></li>");
	}
	html_raw_const(p->b, "</ul></nav>");
}

/*
 * 1 when the navigation's path is where the request is: the route's
 * pattern is path, or under it ("/persons/{pseudonym}" is under
 * "/persons"), but not under a longer entry ("/persons/new").
 */
static int
nav_current(const struct http_request *req, const char *path)
{
	const char *pattern;
	size_t len = strlen(path), i;

	if (req->route < 0 || (size_t)req->route >= http_routes_count)
		return 0;
	pattern = http_routes[req->route].pattern;
	if (strncmp(pattern, path, len) != 0 || (pattern[len] != '\0' && pattern[len] != '/'))
		return 0;
	for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		size_t other = strlen(nav[i].path);

		if (other > len && strncmp(pattern, nav[i].path, other) == 0 &&
		    (pattern[other] == '\0' || pattern[other] == '/'))
			return 0;
	}
	return 1;
}

void
page_begin(struct page *p, struct http_request *req, struct http_response *res, const char *title)
{
	page_begin_lang(p, req, res, title, page_lang(req, res));
}

void
page_begin_failed(struct page *p, struct http_request *req, struct http_response *res, const char *title)
{
	page_begin_full(p, req, res, title, page_lang(req, res), 1);
}

void
page_begin_lang(struct page *p, struct http_request *req, struct http_response *res, const char *title,
                enum i18n_lang lang)
{
	page_begin_full(p, req, res, title, lang, 0);
}

void
page_begin_full(struct page *p, struct http_request *req, struct http_response *res, const char *title,
                enum i18n_lang lang, int failed)
{
	size_t i;
	int signed_in = req->auth != HTTP_AUTH_NONE;

	p->req = req;
	p->res = res;
	p->b = &res->body;
	p->lang = lang;
	p->title = i18n_get(lang, title);
	p->tables = 0;
	buf_reset(p->b);
	html_raw_const(p->b, "<!DOCTYPE html>\n<html");
	html_attr(p->b, "lang", i18n_code(p->lang));
	html_raw_const(p->b, "><head><meta charset=\"utf-8\">"
	                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	                     "<title>");
	if (failed)
		html_text(p->b, T(p, "Error: "));
	html_text(p->b, i18n_get(p->lang, title));
	html_raw_const(p->b, " — redress</title><link rel=\"stylesheet\"");
	html_href(p->b, "href", page_css_url());
	html_raw_const(p->b, "><script defer");
	html_href(p->b, "src", page_js_url());
	html_raw_const(p->b, "></script></head><body><a class=\"skip\" href=\"#main\">");
	html_text(p->b, T(p, "Skip to the content"));
	html_raw_const(p->b, "</a><header class=\"top\"><p class=\"brand\"><a href=\"/\">");
	html_text(p->b, T(p, "redress: the survivors' fund"));
	html_raw_const(p->b, "</a></p>");
	language_switch(p);
	if (signed_in) {
		html_raw_const(p->b, "<nav class=\"main-nav\"");
		html_attr(p->b, "aria-label", T(p, "Main"));
		html_raw_const(p->b, "><ul>");
		for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
			if (!nav[i].any && !users_allows(&req->actor, nav[i].perm))
				continue;
			html_raw_const(p->b, "<li><a");
			html_href(p->b, "href", nav[i].path);
			if (nav_current(req, nav[i].path))
				html_raw_const(p->b, " aria-current=\"page\"");
			html_raw_const(p->b, ">");
			html_text(p->b, i18n_get(p->lang, nav[i].label));
			html_raw_const(p->b, "</a></li>");
		}
		html_raw_const(p->b,
		               "</ul></nav><form class=\"sign-out\" method=\"post\" action=\"/sign-out\">");
		page_csrf(p);
		html_raw_const(p->b, "<span class=\"who\">");
		html_text(p->b, req->actor.name);
		html_raw_const(p->b, "</span> <button type=\"submit\">");
		html_text(p->b, T(p, "Sign out"));
		html_raw_const(p->b, "</button></form>");
	}
	html_raw_const(p->b, "</header><main id=\"main\" tabindex=\"-1\"><h1>");
	html_text(p->b, i18n_get(p->lang, title));
	html_raw_const(p->b, "</h1>");
}

void
page_end(struct page *p, unsigned status)
{
	html_raw_const(p->b, "</main><footer class=\"bottom\"><p>");
	html_text(p->b, T(p, "Every change is recorded in a log that outside monitors can verify."));
	html_raw_const(p->b, "</p></footer></body></html>\n");
	p->res->status = status;
	p->res->content_type = "text/html; charset=utf-8";
}

void
page_csrf(struct page *p)
{
	html_raw_const(p->b, "<input type=\"hidden\" name=\"csrf_token\"");
	html_attr(p->b, "value", p->req->csrf);
	html_raw_const(p->b, ">");
}

/* Opens a field: <div class="field"><label for="f-NAME">label (required)</label>; id_r gets "f-NAME". */
static void
field_begin(struct page *p, const char *label, const char *name, int required, char id_r[80])
{
	snprintf(id_r, 80, "f-%s", name);
	html_raw_const(p->b, "<div class=\"field\"><label");
	html_attr(p->b, "for", id_r);
	html_raw_const(p->b, ">");
	html_text(p->b, i18n_get(p->lang, label));
	if (required) {
		html_raw_const(p->b, " <span class=\"req\">(");
		html_text(p->b, T(p, "required"));
		html_raw_const(p->b, ")</span>");
	}
	html_raw_const(p->b, "</label>");
}

/* The control's attributes that tie it to its error, when it has one. */
static void
field_invalid(struct page *p, const char *id, const char *error)
{
	char error_id[96];

	if (error == NULL)
		return;
	snprintf(error_id, sizeof(error_id), "%s-error", id);
	html_raw_const(p->b, " aria-invalid=\"true\"");
	html_attr(p->b, "aria-describedby", error_id);
}

/* The error beside the control, and the field's end. */
static void
field_end(struct page *p, const char *id, const char *error)
{
	char error_id[96];

	if (error != NULL) {
		snprintf(error_id, sizeof(error_id), "%s-error", id);
		html_raw_const(p->b, "<p class=\"field-error\"");
		html_attr(p->b, "id", error_id);
		html_raw_const(p->b, ">");
		html_text(p->b, error);
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "</div>");
}

void
page_input(struct page *p, const char *label, const char *name, const char *type, const char *value,
           const char *error, int required, const char *autocomplete)
{
	page_input_hint(p, label, name, type, value, error, required, autocomplete, NULL);
}

void
page_input_hint(struct page *p, const char *label, const char *name, const char *type, const char *value,
                const char *error, int required, const char *autocomplete, const char *hint)
{
	char id[80], hint_id[96], described[200];

	field_begin(p, label, name, required, id);
	snprintf(hint_id, sizeof(hint_id), "%s-hint", id);
	if (hint != NULL) {
		html_raw_const(p->b, "<p class=\"hint\"");
		html_attr(p->b, "id", hint_id);
		html_raw_const(p->b, ">");
		html_text(p->b, hint);
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "<input");
	if (hint != NULL) {
		/* The hint, then the error when there is one: both read with the field. */
		if (error != NULL)
			snprintf(described, sizeof(described), "%s %s-error", hint_id, id);
		else
			snprintf(described, sizeof(described), "%s", hint_id);
		html_attr(p->b, "aria-describedby", described);
		if (error != NULL)
			html_raw_const(p->b, " aria-invalid=\"true\"");
	}
	html_attr(p->b, "id", id);
	html_attr(p->b, "name", name);
	html_attr(p->b, "type", type);
	if (value != NULL && strcmp(type, "password") != 0)
		html_attr(p->b, "value", value);
	if (autocomplete != NULL)
		html_attr(p->b, "autocomplete", autocomplete);
	if (required)
		html_raw_const(p->b, " required");
	/* A one-time code is digits; an office's or a program's "code" is not (letters, digits, -). */
	if (autocomplete != NULL && strcmp(autocomplete, "one-time-code") == 0)
		html_raw_const(p->b, " inputmode=\"numeric\" pattern=\"[0-9]*\"");
	if (hint == NULL)
		field_invalid(p, id, error);
	html_raw_const(p->b, ">");
	field_end(p, id, error);
}

/* The number of days in month m (1-12) of year y. */
static int
month_days(int y, int m)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int
page_date_parse(const char *text, char out[11])
{
	/* Separators as people write dates: 2026-12-07, 2026/12/07, 2026. 12. 7., 2026年12月7日, 2026년 12월
	 * 7일. */
	static const char *const seps[] = {"-", "/", ".", " ", "年", "月", "日", "년", "월", "일"};
	int parts[3] = {0, 0, 0}, digits[3] = {0, 0, 0}, n = -1, in_number = 0;
	const char *s = text;
	size_t i;

	while (*s != '\0') {
		if (*s >= '0' && *s <= '9') {
			if (!in_number) {
				if (++n == 3)
					return -1;
				in_number = 1;
			}
			if (++digits[n] > 4)
				return -1;
			parts[n] = parts[n] * 10 + (*s - '0');
			s++;
			continue;
		}
		in_number = 0;
		for (i = 0; i < sizeof(seps) / sizeof(seps[0]); i++)
			if (strncmp(s, seps[i], strlen(seps[i])) == 0)
				break;
		if (i == sizeof(seps) / sizeof(seps[0]))
			return -1;
		s += strlen(seps[i]);
	}
	if (n != 2 || digits[0] != 4 || digits[1] > 2 || digits[2] > 2 || parts[0] < 1800 || parts[1] < 1 ||
	    parts[1] > 12 || parts[2] < 1 || parts[2] > month_days(parts[0], parts[1]))
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", parts[0], parts[1], parts[2]);
	return 0;
}

int
page_amount_parse(const char *text, char *out, size_t size)
{
	/* 50,000,000 or 50 000 000 or ５０００ as people type them: only the digits and a decimal point
	 * count. */
	size_t n = 0;
	int digits = 0;

	for (; *text != '\0'; text++) {
		char c = *text;

		if (c == ',' || c == ' ' || c == '_')
			continue;
		if (strncmp(text, "\xc2\xa0", 2) == 0 || strncmp(text, "\xef\xbc\x8c", 3) == 0) {
			text += strncmp(text, "\xc2\xa0", 2) == 0
			            ? 1
			            : 2; /* a no-break space, a full-width comma */
			continue;
		}
		if (!((c >= '0' && c <= '9') || c == '.' || (c == '-' && n == 0)))
			return -1;
		digits += c >= '0' && c <= '9';
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
	}
	out[n] = '\0';
	return digits > 0 ? 0 : -1;
}

void
page_textarea(struct page *p, const char *label, const char *name, const char *value, const char *error,
              int required, int rows)
{
	char id[80];

	field_begin(p, label, name, required, id);
	html_raw_const(p->b, "<textarea");
	html_attr(p->b, "id", id);
	html_attr(p->b, "name", name);
	html_raw_const(p->b, " spellcheck=\"false\"");
	if (required)
		html_raw_const(p->b, " required");
	field_invalid(p, id, error);
	html_raw_const(p->b, " rows=\"");
	html_textf(p->b, "%d", rows);
	html_raw_const(p->b, "\">");
	if (value != NULL)
		html_text(p->b, value);
	html_raw_const(p->b, "</textarea>");
	field_end(p, id, error);
}

static void
select_begin(struct page *p, const char *label, const char *name, const char *error, int required)
{
	char id[80];

	field_begin(p, label, name, required, id);
	html_raw_const(p->b, "<select");
	html_attr(p->b, "id", id);
	html_attr(p->b, "name", name);
	if (required)
		html_raw_const(p->b, " required");
	field_invalid(p, id, error);
	html_raw_const(p->b, ">");
}

void
page_select_begin(struct page *p, const char *label, const char *name, const char *error)
{
	select_begin(p, label, name, error, 0);
}

void
page_select_required_begin(struct page *p, const char *label, const char *name, const char *error)
{
	select_begin(p, label, name, error, 1);
}

void
page_option(struct page *p, const char *value, const char *text, const char *current)
{
	html_raw_const(p->b, "<option");
	html_attr(p->b, "value", value);
	if (current != NULL && strcmp(current, value) == 0)
		html_raw_const(p->b, " selected");
	html_raw_const(p->b, ">");
	html_text(p->b, text);
	html_raw_const(p->b, "</option>");
}

void
page_select_end(struct page *p, const char *name, const char *error)
{
	char id[80];

	snprintf(id, sizeof(id), "f-%s", name);
	html_raw_const(p->b, "</select>");
	field_end(p, id, error);
}

void
page_notice(struct page *p, const char *kind, const char *text)
{
	html_raw_const(p->b, "<p");
	html_attr(p->b, "class",
	          strcmp(kind, "error") == 0  ? "notice notice-error"
	          : strcmp(kind, "info") == 0 ? "notice notice-info"
	                                      : "notice notice-ok");
	html_raw_const(p->b, " role=\"status\">");
	html_text(p->b, text);
	html_raw_const(p->b, "</p>");
}

void
page_table_begin(struct page *p, const char *label)
{
	html_raw_const(p->b, "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\"");
	html_attr(p->b, "aria-label", label != NULL ? label : p->title != NULL ? p->title : "");
	html_raw_const(p->b, "><table><thead><tr>");
	p->tables++;
}

void
page_table_stacked_begin(struct page *p)
{
	html_raw_const(p->b, "<table class=\"stack\"><thead><tr>");
}

void
page_td_begin(struct page *p, const char *label, const char *cls)
{
	html_raw_const(p->b, "<td");
	if (cls != NULL)
		html_attr(p->b, "class", cls);
	html_attr(p->b, "data-label", label);
	html_raw_const(p->b, ">");
}

void
page_table_end(struct page *p)
{
	html_raw_const(p->b, "</tbody></table>");
	if (p->tables > 0) {
		html_raw_const(p->b, "</div>");
		p->tables--;
	}
}

int
page_list_end(struct page *p, int failed, size_t n, const char *error, const char *empty)
{
	if (n > 0)
		page_table_end(p); /* a table some callers open without its box closes without it */
	if (failed) {
		page_notice(p, "error", error);
		return -1;
	}
	if (n == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, empty);
		html_raw_const(p->b, "</p>");
	}
	return 0;
}

void
page_redirect(struct http_response *res, const char *path)
{
	snprintf(res->location, sizeof(res->location), "%s", html_url_ok(path) ? path : "/");
	buf_reset(&res->body);
	res->status = 303;
	res->content_type = "text/html; charset=utf-8";
}

void
http_page_refuse(struct http_request *req, struct http_response *res, unsigned status)
{
	struct page p;

	if (status == 401) {
		page_lang(req, res);
		page_redirect(res, "/sign-in");
		return;
	}
	if (status == 403) {
		page_begin(&p, req, res, N_("Not allowed"));
		html_raw_const(p.b, "<p>");
		html_text(p.b, T(&p, "Your role may not see this page. If your work needs it, ask an "
		                     "administrator."));
		html_raw_const(p.b, "</p><p><a href=\"/account\">");
		html_text(p.b, T(&p, "What my account may do"));
		html_raw_const(p.b, "</a></p>");
		page_end(&p, 403);
		return;
	}
	if (status == 404) {
		page_begin(&p, req, res, N_("No such page"));
		html_raw_const(p.b, "<p>");
		html_text(p.b, T(&p, "There is no page at this address."));
		html_raw_const(p.b, "</p><p><a href=\"/\">");
		html_text(p.b, T(&p, "Go to the start page"));
		html_raw_const(p.b, "</a></p>");
		page_end(&p, 404);
		return;
	}
	page_begin(&p, req, res, N_("The form has expired"));
	html_raw_const(p.b, "<p>");
	html_text(p.b, T(&p, "This form was sent without this session's security token, so nothing was "
	                     "done. Go back, reload the page and send it again."));
	html_raw_const(p.b, "</p>");
	page_end(&p, status);
}

void
page_change_init(struct page_change *pc, struct http_request *req, struct http_response *res)
{
	memset(&pc->shadow, 0, sizeof(pc->shadow));
	pc->shadow.method = req->method;
	pc->shadow.auth = req->auth;
	pc->shadow.actor = req->actor;
	memcpy(pc->shadow.csrf, req->csrf, sizeof(pc->shadow.csrf));
	pc->lang = page_lang(req, res);
}

void
page_change_begin(struct page *p, struct page_change *pc, struct http_response *res, const char *title)
{
	page_begin_lang(p, &pc->shadow, res, title, pc->lang);
}

void
page_change_begin_failed(struct page *p, struct page_change *pc, struct http_response *res, const char *title)
{
	page_begin_full(p, &pc->shadow, res, title, pc->lang, 1);
}

void
page_error_summary(struct page *p, const char *const *names, const char *const *errors, size_t n)
{
	size_t i;

	html_raw_const(p->b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" autofocus"
	                     " aria-labelledby=\"error-summary-title\"><h2 id=\"error-summary-title\">");
	html_text(p->b, T(p, "There is a problem"));
	html_raw_const(p->b, "</h2><ul>");
	for (i = 0; i < n; i++) {
		char href[96];

		if (errors[i] == NULL)
			continue;
		snprintf(href, sizeof(href), "#f-%s", names[i]);
		html_raw_const(p->b, "<li><a");
		html_href(p->b, "href", href);
		html_raw_const(p->b, ">");
		html_text(p->b, errors[i]);
		html_raw_const(p->b, "</a></li>");
	}
	html_raw_const(p->b, "</ul></div>");
}

const char *
page_bank_reason_words(struct page *p, const char *code)
{
	static const struct {
		const char *code, *words; /* an ISO 20022 reason code, a msgid */
	} reasons[] = {
	    {"AC01", N_("the account number is wrong (AC01)")},
	    {"AC03", N_("the creditor's account number is wrong (AC03)")},
	    {"AC04", N_("the account is closed (AC04)")},
	    {"AC06", N_("the account is blocked (AC06)")},
	    {"AG01", N_("this account may not receive such a transfer (AG01)")},
	    {"AM04", N_("the fund's account lacks the money (AM04)")},
	    {"AM05", N_("the payment was a duplicate (AM05)")},
	    {"BE04", N_("the holder's address is missing (BE04)")},
	    {"BE05", N_("the bank does not know the party (BE05)")},
	    {"MD07", N_("the account holder has died (MD07)")},
	    {"MS02", N_("refused by the holder, reason not given (MS02)")},
	    {"MS03", N_("refused by the bank, reason not given (MS03)")},
	    {"RC01", N_("the bank code (BIC) is wrong (RC01)")},
	    {"RR01", N_("the holder's account or identity is missing (RR01)")},
	    {"FOCR", N_("returned after the fund asked to cancel (FOCR)")},
	};
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (strcmp(code, reasons[i].code) == 0)
			return i18n_get(p->lang, reasons[i].words);
	return T(p, "a reason the pages do not know; ask the bank");
}

int
page_form_copy(struct http_request *req, const char *name, char *out, size_t size)
{
	const char *v = http_form_field(req, name);
	size_t len;

	out[0] = '\0';
	if (v == NULL)
		return 1;
	if ((len = strlen(v)) >= size)
		return 0;
	memcpy(out, v, len + 1);
	return 1;
}

/* Whether the word s[0, n) is an id to keep whole: ASCII, a digit, a hyphen or a colon in it, not too long.
 */
static int
id_word(const char *s, size_t n)
{
	int marked = 0;
	size_t i;

	if (n < 2 || n > PAGE_ID_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80)
			return 0;
		if ((c >= '0' && c <= '9') || c == '-' || c == ':')
			marked = 1;
	}
	return marked;
}

void
page_text_ids(struct page *p, const char *text)
{
	size_t i = 0, n;

	while (text[i] != '\0') {
		for (n = 0; text[i + n] == ' '; n++)
			;
		if (n > 0) {
			html_textn(p->b, text + i, n);
			i += n;
			continue;
		}
		for (n = 0; text[i + n] != '\0' && text[i + n] != ' '; n++)
			;
		if (id_word(text + i, n)) {
			html_raw_const(p->b, "<span class=\"id\">");
			html_textn(p->b, text + i, n);
			html_raw_const(p->b, "</span>");
		} else {
			html_textn(p->b, text + i, n);
		}
		i += n;
	}
}

void
page_fact(struct page *p, const char *label, const char *value)
{
	html_raw_const(p->b, "<dt>");
	html_text(p->b, label);
	html_raw_const(p->b, "</dt><dd>");
	page_text_ids(p, value != NULL && value[0] != '\0' ? value : "—");
	html_raw_const(p->b, "</dd>");
}

const char *
page_role_words(struct page *p, enum role role)
{
	static const char *const words[] = {
	    [ROLE_ADMIN] = N_("administrator"), [ROLE_CASEWORKER] = N_("caseworker"),
	    [ROLE_REVIEWER] = N_("reviewer"),   [ROLE_FINANCE] = N_("finance officer"),
	    [ROLE_MONITOR] = N_("monitor"),     [ROLE_APPEALS] = N_("appeals officer"),
	};

	return (unsigned)role < sizeof(words) / sizeof(words[0]) ? i18n_get(p->lang, words[role])
	                                                         : users_role_name(role);
}

struct store *
page_open(struct page *p, struct http_request *req, struct http_response *res, const char *title)
{
	struct store *store = http_store(req, res);

	if (store != NULL)
		page_begin(p, req, res, title);
	return store;
}

void
page_th(struct page *p, const char *text)
{
	html_raw_const(p->b, "<th scope=\"col\">");
	html_text(p->b, text);
	html_raw_const(p->b, "</th>");
}

void
page_td(struct page *p, const char *text)
{
	html_raw_const(p->b, "<td>");
	page_text_ids(p, text);
	html_raw_const(p->b, "</td>");
}

void
page_back_to_file(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<p><a class=\"back\"");
	html_href_path(p->b, "href", "/persons/", pseudonym);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Back to the case file"));
	html_raw_const(p->b, " ");
	html_text(p->b, pseudonym);
	html_raw_const(p->b, "</a></p>");
}

void
page_when(struct page *p, const char *at)
{
	int y, mo, d, h, mi, sec = 0;
	char day[11], clock[32];
	struct tm utc, local;
	struct buf date;
	time_t t;

	buf_init(&date, 96);
	/* "YYYY-MM-DDTHH:MM[:SS]..." in UTC, as the log keeps it; shown in the fund's zone (TZ). */
	if (sscanf(at, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) < 5) {
		i18n_date(&date, p->lang, at);
		html_text(p->b, date.data);
		buf_free(&date);
		return;
	}
	memset(&utc, 0, sizeof(utc));
	utc.tm_year = y - 1900;
	utc.tm_mon = mo - 1;
	utc.tm_mday = d;
	utc.tm_hour = h;
	utc.tm_min = mi;
	utc.tm_sec = sec;
	t = timegm(&utc);
	if (localtime_r(&t, &local) == NULL)
		local = utc;
	snprintf(day, sizeof(day), "%04d-%02d-%02d", local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
	i18n_date(&date, p->lang, day);
	snprintf(clock, sizeof(clock), "%02d:%02d %s", local.tm_hour, local.tm_min,
	         local.tm_zone != NULL ? local.tm_zone : "");
	/* The day and the clock each kept whole: a narrow column breaks between them, never inside. */
	html_raw_const(p->b, "<span class=\"nobr\">");
	html_text(p->b, date.data);
	html_raw_const(p->b, "</span> <span class=\"nobr\">");
	html_text(p->b, clock);
	html_raw_const(p->b, "</span>");
	buf_free(&date);
}

int
page_event_at(struct tlog *log, uint64_t seq, char at[40])
{
	struct redress_error err;
	struct canon_doc doc;
	const char *text;
	struct buf bytes;
	int ok;

	buf_init(&bytes, 4096);
	canon_doc_init(&doc);
	ok = tlog_event_bytes(log, seq, &bytes, &err) == REDRESS_OK &&
	     canon_read(&doc, bytes.data, bytes.len, &err) == REDRESS_OK &&
	     canon_get_string(canon_root(&doc), "at", &text, &err) == REDRESS_OK && strlen(text) < 40;
	if (ok)
		memcpy(at, text, strlen(text) + 1);
	canon_doc_free(&doc);
	buf_free(&bytes);
	return ok ? 0 : -1;
}

const char *
page_actor(const char *actor)
{
	return strncmp(actor, "user:", 5) == 0 ? actor + 5 : actor;
}
