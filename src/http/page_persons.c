/*
 * page_persons.c -- the caseworker's pages: finding a person by pseudonym,
 * registering one, and the case file.
 *
 * The case file never shows identity by itself.  Identity is behind a
 * button that posts (a deliberate act, with a reason), and the reveal is
 * the registry's: an event on the log saying who read whose identity,
 * when and why, committed before the page that shows it is sent.  That
 * page is rendered on the writer's thread from the change's own
 * connection, so it is the state the reveal was recorded against.
 *
 * A registration is checked field by field before anything is written;
 * what is wrong is said beside its field and the form comes back filled
 * in (but never the password-like fields: there are none here).  The
 * registry's own check (registry_new_person_check) is the last word, and
 * a failure inside the change (a national id already registered) rolls it
 * back whole: nothing half-saved.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/text.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/payments/payments.h"
#include "http/page.h"
#include "http/page_program_history.h"

#define LIST_PAGE 50

/* ---- Words ----------------------------------------------------------------- */

static const char *
kind_words(struct page *p, enum registry_kind kind)
{
	return kind == REGISTRY_VICTIM ? T(p, "victim") : T(p, "relative");
}

static const char *
status_words(struct page *p, enum registry_status status)
{
	switch (status) {
	case REGISTRY_ALIVE: return T(p, "alive");
	case REGISTRY_DECEASED: return T(p, "deceased");
	case REGISTRY_ERASED: return T(p, "erased");
	}
	return "?";
}

static const char *
wish_words(struct page *p, const char *wish)
{
	if (strcmp(wish, "accept") == 0)
		return T(p, "accepts the payment");
	if (strcmp(wish, "decline") == 0)
		return T(p, "declines the payment");
	if (strcmp(wish, "undecided") == 0)
		return T(p, "undecided: ask again later");
	return T(p, "not consulted yet");
}

/* A language as its speakers write it; a code the pages do not know as itself. */
static const char *
language_name(const char *code)
{
	int lang = i18n_parse(code);

	return lang >= 0 ? i18n_name((enum i18n_lang)lang) : code;
}

/* ---- Finding a person ------------------------------------------------------------- */

struct list {
	struct page *p;
	size_t count;
	struct store *store; /* for whom a person was merged into (domain/dups) */
};

static void
list_head(struct page *p)
{
	page_table_begin(p, NULL);
	page_th(p, T(p, "Pseudonym"));
	page_th(p, T(p, "Kind"));
	page_th(p, T(p, "Status"));
	page_th(p, T(p, "Birth year"));
	page_th(p, T(p, "Frailty"));
	html_raw_const(p->b, "</tr></thead><tbody>");
}

static const char *frailty_words(struct page *p, int frailty);

static enum redress_err
list_row(void *ctx, const struct registry_person *person, struct redress_error *err)
{
	struct list *l = ctx;
	struct page *p = l->p;

	(void)err;
	if (l->count++ == 0)
		list_head(p);
	html_raw_const(p->b, "<tr><td><a");
	html_href_path(p->b, "href", "/persons/", person->pseudonym);
	html_raw_const(p->b, ">");
	html_text(p->b, person->pseudonym);
	html_raw_const(p->b, "</a></td><td>");
	html_text(p->b, kind_words(p, person->kind));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, status_words(p, person->status));
	page_dups_merged_words(p, l->store, person->pseudonym);
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%d", person->birth_year);
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, frailty_words(p, person->frailty));
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

static void
list_end(struct page *p, size_t n)
{
	if (n > 0)
		page_table_end(p);
}

static void
find_form(struct page *p, const char *q, const char *error)
{
	html_raw_const(p->b,
	               "<form class=\"form search\" method=\"get\" action=\"/persons\" role=\"search\">");
	page_input_hint(p, N_("Pseudonym"), "q", "search", q, error, 1, "off",
	                T(p, "A pseudonym looks like V-000042 (a victim) or R-000007 (a relative)."));
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Find"));
	html_raw_const(p->b, "</button></form>");
}

/* The search by name, telephone or national id: a POST, recorded with its reason. */
static void
identity_form(struct page *p, const char *who, const char *reason, const char *const errors[2])
{
	static const char *const names[] = {"who", "reason"};

	html_raw_const(p->b, "<h2 id=\"by-name\">");
	html_text(p->b, T(p, "Find by name, telephone or national id"));
	html_raw_const(p->b, "</h2>");
	if (errors != NULL && (errors[0] != NULL || errors[1] != NULL))
		page_error_summary(p, names, errors, 2);
	html_raw_const(p->b,
	               "<form class=\"form search\" method=\"post\" action=\"/persons/search\" novalidate "
	               "aria-labelledby=\"by-name\">");
	page_csrf(p);
	page_input_hint(p, N_("Name, telephone or national id"), "who", "search", who,
	                errors != NULL ? errors[0] : NULL, 1, "off",
	                T(p, "Any part of the name, in Hangul, kana, kanji or Latin letters; a telephone "
	                     "number or its last four digits; a national id."));
	page_input_hint(p, N_("Reason for searching"), "reason", "text", reason,
	                errors != NULL ? errors[1] : NULL, 1, "off",
	                T(p, "Each search by identity is recorded in the log, like a reveal."));
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Search"));
	html_raw_const(p->b, "</button></form>");
}

/* A number from the query string between lo and hi, or def. */
static long
query_number(struct http_request *req, const char *name, long lo, long hi, long def)
{
	const char *text = http_query(req, name);
	char *end;
	long v;

	if (text == NULL || text[0] == '\0')
		return def;
	v = strtol(text, &end, 10);
	return *end != '\0' || v < lo || v > hi ? def : v;
}

/* A filter's <select> that keeps what was chosen; options are value, msgid pairs ending in NULL. */
static void
filter_select(struct page *p, const char *label, const char *name, const char *current,
              const char *const *options)
{
	size_t i;

	page_select_begin(p, label, name, NULL);
	for (i = 0; options[i] != NULL; i += 2)
		page_option(p, options[i], i18n_get(p->lang, options[i + 1]), current != NULL ? current : "");
	page_select_end(p, name, NULL);
}

/* "/persons?kind=..&...&page=N": the listing's address with page n. */
static void
page_link(struct page *p, struct http_request *req, long n, const char *text, int current)
{
	static const char *const keep[] = {"kind", "status", "frailty", "unpaid", "sort"};
	struct buf url;
	size_t i;

	buf_init(&url, 256);
	buf_puts(&url, "/persons?");
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *v = http_query(req, keep[i]);

		if (v == NULL || v[0] == '\0')
			continue;
		buf_printf(&url, "%s=", keep[i]);
		html_url_component(&url, v);
		buf_puts(&url, "&");
	}
	buf_printf(&url, "page=%ld", n);
	html_raw_const(p->b, "<li><a");
	html_href(p->b, "href", url.data);
	if (current)
		html_raw_const(p->b, " aria-current=\"page\"");
	html_raw_const(p->b, ">");
	html_text(p->b, text);
	html_raw_const(p->b, "</a></li>");
	buf_free(&url);
}

/* Numbered pages: the first, the last, and two either side of the current one. */
static void
pagination(struct page *p, struct http_request *req, long page, long pages)
{
	char number[24];
	long i;

	if (pages <= 1)
		return;
	html_raw_const(p->b, "<nav class=\"pages\"");
	html_attr(p->b, "aria-label", T(p, "Pages of the list"));
	html_raw_const(p->b, "><ul>");
	if (page > 1)
		page_link(p, req, page - 1, T(p, "Previous page"), 0);
	for (i = 1; i <= pages; i++) {
		if (i != 1 && i != pages && (i < page - 2 || i > page + 2)) {
			if (i == page - 3 || i == page + 3)
				html_raw_const(p->b, "<li aria-hidden=\"true\">…</li>");
			continue;
		}
		snprintf(number, sizeof(number), "%ld", i);
		page_link(p, req, i, number, i == page);
	}
	if (page < pages)
		page_link(p, req, page + 1, T(p, "Next page"), 0);
	html_raw_const(p->b, "</ul></nav>");
}

void
page_persons_find(struct http_request *req, struct http_response *res)
{
	static const char *const kinds[] = {"",         N_("any kind"), "victim", N_("victim"),
	                                    "relative", N_("relative"), NULL};
	static const char *const statuses[] = {"",          N_("any status"), "alive",
	                                       N_("alive"), "deceased",       N_("deceased"),
	                                       "erased",    N_("erased"),     NULL};
	static const char *const frailties[] = {"0", N_("any frailty"), "1", N_("1 or more"),
	                                        "2", N_("2 or more"),   "3", N_("3: most frail"),
	                                        NULL};
	static const char *const unpaid[] = {
	    "",  N_("paid or not"), "1", N_("not yet paid"), "2", N_("returned by the bank: to follow up"),
	    NULL};
	static const char *const sorts[] = {
	    "registered", N_("order of registration"), "frailty", N_("most frail first"),
	    "birth",      N_("oldest first"),          NULL};
	const char *q = http_query(req, "q"), *kind = http_query(req, "kind"),
	           *status = http_query(req, "status"), *sort = http_query(req, "sort");
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1], path[64], words[96];
	struct registry_filter filter = {-1, -1, 0, 0, REGISTRY_ORDER_REGISTERED, NULL};
	struct registry_person person;
	struct redress_error err;
	struct list l = {NULL, 0, NULL};
	struct store *store;
	struct page p;
	uint64_t total = 0;
	long page, pages;
	size_t i;

	if ((store = http_store(req, res)) == NULL)
		return;
	if (q != NULL && q[0] != '\0') {
		/* People type pseudonyms in lower case and with spaces around; the registry's are upper case.
		 */
		while (*q == ' ')
			q++;
		for (i = 0; q[i] != '\0' && q[i] != ' ' && i < sizeof(pseudonym) - 1; i++)
			pseudonym[i] = (q[i] >= 'a' && q[i] <= 'z') ? (char)(q[i] - 'a' + 'A') : q[i];
		pseudonym[i] = '\0';
		/* Another office's person is "no person" here too (domain/offices). */
		if (registry_get(store, pseudonym, &person, &err) == REDRESS_OK &&
		    http_sees(req, store, pseudonym, &err) == 1) {
			page_lang(req, res);
			snprintf(path, sizeof(path), "/persons/%s", person.pseudonym);
			page_redirect(res, path);
			return;
		}
		page_begin_failed(&p, req, res, N_("Find a person"));
		find_form(&p, q, T(&p, "No person has this pseudonym. Check it, or search by name below."));
		if (users_allows(&req->actor, PERM_PERSONS_REVEAL))
			identity_form(&p, NULL, NULL, NULL);
		page_end(&p, 404);
		return;
	}
	if (kind != NULL && strcmp(kind, "victim") == 0)
		filter.kind = REGISTRY_VICTIM;
	else if (kind != NULL && strcmp(kind, "relative") == 0)
		filter.kind = REGISTRY_RELATIVE;
	if (status != NULL && status[0] != '\0') {
		enum registry_status st;

		if (registry_status_parse(status, &st, &err) == REDRESS_OK)
			filter.status = (int)st;
	}
	filter.frailty = (int)query_number(req, "frailty", 0, 3, 0);
	filter.unpaid = (int)query_number(req, "unpaid", 0, 2, 0);
	if (sort != NULL && strcmp(sort, "frailty") == 0)
		filter.order = REGISTRY_ORDER_FRAILTY;
	else if (sort != NULL && strcmp(sort, "birth") == 0)
		filter.order = REGISTRY_ORDER_BIRTH;
	page = query_number(req, "page", 1, 1000000, 1);

	page_begin(&p, req, res, N_("Find a person"));
	page_casework_overdue_notice(&p, store); /* a caseworker's day starts here: what is late */
	if (http_query(req, "moved") != NULL) /* page_casework.c: she was moved to an office you do not see */
		page_notice(&p, "ok",
		            T(&p, "She was moved to the office chosen; its staff hold her file now."));
	find_form(&p, NULL, NULL);
	if (users_allows(&req->actor, PERM_PERSONS_REVEAL))
		identity_form(&p, NULL, NULL, NULL);
	html_raw_const(p.b, "<h2 id=\"list-title\">");
	html_text(p.b, T(&p, "All persons"));
	html_raw_const(p.b, "</h2><form class=\"filters\" method=\"get\" action=\"/persons\" aria-label=\"");
	html_text(p.b, T(&p, "Filter and sort the list"));
	html_raw_const(p.b, "\">");
	filter_select(&p, N_("Kind"), "kind", kind, kinds);
	filter_select(&p, N_("Status"), "status", status, statuses);
	filter_select(&p, N_("Frailty"), "frailty", http_query(req, "frailty"), frailties);
	filter_select(&p, N_("Payment"), "unpaid", http_query(req, "unpaid"), unpaid);
	filter_select(&p, N_("Sort by"), "sort", sort, sorts);
	html_raw_const(p.b, "<button type=\"submit\">");
	html_text(p.b, T(&p, "Show"));
	html_raw_const(p.b, "</button></form>");
	l.p = &p;
	l.store = store;
	/* Asking of no one fills req->scope. */
	if (http_sees(req, store, "", &err) < 0) {
		list_end(&p, 0);
		page_notice(&p, "error", T(&p, "The list could not be read. Try again in a moment."));
		page_end(&p, 500);
		return;
	}
	/* Only the people the account's office sees (domain/offices): filtered in the query. */
	filter.office = req->scope.across ? NULL : req->scope.office;
	if (registry_list(store, &filter, (size_t)(page - 1) * LIST_PAGE, LIST_PAGE, list_row, &l, &total,
	                  &err) != REDRESS_OK) {
		list_end(&p, l.count);
		page_notice(&p, "error", T(&p, "The list could not be read. Try again in a moment."));
		page_end(&p, 500);
		return;
	}
	list_end(&p, l.count);
	pages = (long)((total + LIST_PAGE - 1) / LIST_PAGE);
	html_raw_const(p.b, "<p class=\"count\">");
	if (total == 0)
		html_text(p.b, T(&p, "No person matches these filters."));
	else {
		struct buf count;

		buf_init(&count, 64);
		i18n_number(&count, (int64_t)total);
		snprintf(words, sizeof(words), "%s: %s", T(&p, "Persons found"), count.data);
		html_text(p.b, words);
		if (pages > 1)
			html_textf(p.b, " · %s %ld / %ld", T(&p, "page"), page, pages);
		buf_free(&count);
	}
	html_raw_const(p.b, "</p>");
	pagination(&p, req, page, pages);
	page_end(&p, 200);
}

/* What a search by identity needs on the writer's thread. */
struct search_arg {
	struct page_change pc;
	char who[REGISTRY_NAME_MAX + 1];
	char reason[REGISTRY_TEXT_MAX + 1];
};

struct found {
	struct page *p;
	struct store *store;
	size_t count;
	size_t seen; /* found and of the account's office's people (domain/offices) */
};

static enum redress_err
found_row(void *ctx, const char *pseudonym, struct redress_error *err)
{
	struct found *f = ctx;
	struct registry_person person;
	struct list l = {f->p, f->count, f->store};
	int sees;

	/* Another office's people are neither shown nor counted. */
	if ((sees = http_sees(f->p->req, f->store, pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	f->seen++;
	if (f->count >= LIST_PAGE)
		return REDRESS_OK; /* the rest are counted, not shown */
	if (registry_get(f->store, pseudonym, &person, err) != REDRESS_OK)
		return err->code;
	if (person.status == REGISTRY_ERASED)
		return REDRESS_OK;
	list_row(&l, &person, err);
	f->count = l.count;
	return REDRESS_OK;
}

static enum redress_err
do_search(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct search_arg *a = arg;
	struct found f;
	struct page p;
	size_t total = 0;
	enum redress_err rc;
	const char *by;
	size_t i;

	by = "number";
	for (i = 0; a->who[i] != '\0'; i++)
		if (!(a->who[i] >= '0' && a->who[i] <= '9') && a->who[i] != '-' && a->who[i] != ' ' &&
		    a->who[i] != '+')
			by = "name";
	page_change_begin(&p, &a->pc, res, N_("Find a person"));
	f.p = &p;
	f.store = c->store;
	f.count = 0;
	f.seen = 0;
	html_raw_const(p.b, "<h2 id=\"list-title\">");
	html_text(p.b, T(&p, "Persons found"));
	html_raw_const(p.b, "</h2>");
	rc = registry_search_find(c->store, c->keys.index, a->who, found_row, &f, &total, err);
	list_end(&p, f.count);
	if (rc == REDRESS_OK)
		rc = registry_search_record(c->log, c->actor, &c->keys, by, a->reason, total, err);
	if (rc != REDRESS_OK) {
		const char *errors[2] = {rc == REDRESS_E_OVERFLOW
		                             ? T(&p, "Too many persons match: give more of the name.")
		                             : T(&p, "The search could not be made. Try again."),
		                         NULL};

		page_change_begin_failed(&p, &a->pc, res, N_("Find a person"));
		identity_form(&p, a->who, a->reason, errors);
		page_end(&p, rc == REDRESS_E_OVERFLOW ? 422 : 500);
		sodium_memzero(a->who, sizeof(a->who));
		return rc;
	}
	total = f.seen;
	html_raw_const(p.b, "<p class=\"count\">");
	if (total == 0)
		html_text(
		    p.b,
		    T(&p,
		      "Nobody matches. Try fewer letters, another spelling, or the last four digits of the "
		      "telephone."));
	else
		html_textf(p.b, "%s: %zu%s", T(&p, "Persons found"), total,
		           total > LIST_PAGE ? T(&p, " (the first 50 shown: give more of the name)") : "");
	html_raw_const(p.b, "</p><p class=\"hint\">");
	html_text(p.b, T(&p, "This search has been recorded in the log, with your account and reason."));
	html_raw_const(p.b, "</p>");
	identity_form(&p, a->who, a->reason, NULL);
	page_end(&p, 200);
	sodium_memzero(a->who, sizeof(a->who));
	return REDRESS_OK;
}

void
page_persons_search(struct http_request *req, struct http_response *res)
{
	struct search_arg *a = calloc(1, sizeof(*a));
	const char *errors[2] = {NULL, NULL};
	struct page p;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	p.lang = a->pc.lang;
	if (!page_form_copy(req, "who", a->who, sizeof(a->who)))
		errors[0] = T(&p, "That is too long for a name or a number.");
	else if (a->who[0] == '\0')
		errors[0] = T(&p, "Give a name, or part of one, a telephone number or a national id.");
	if (!page_form_copy(req, "reason", a->reason, sizeof(a->reason)))
		errors[1] = T(&p, "Say it in fewer words: at most 4000 bytes.");
	else if (a->reason[0] == '\0')
		errors[1] = T(&p, "Give a reason for searching: it is recorded.");
	if (errors[0] == NULL && errors[1] == NULL) {
		http_change_submit(req, do_search, a);
		return;
	}
	page_begin_failed(&p, req, res, N_("Find a person"));
	identity_form(&p, a->who, a->reason, errors);
	page_end(&p, 422);
	sodium_memzero(a, sizeof(*a));
	free(a);
}

/* ---- Registering a person ------------------------------------------------------------ */

/* The form's fields as typed, and what is wrong with each (NULL: nothing). */
struct reg_form {
	struct registry_new_person person;
	char birth_typed[40]; /* the date of birth as typed (2026. 12. 7.), shown again when refused */
	char frailty[4];
	const char
	    *errors[9]; /* kind, name, birth_date, national_id, phone, address, region, language, frailty */
};

enum { F_KIND, F_NAME, F_BIRTH, F_NATIONAL, F_PHONE, F_ADDRESS, F_REGION, F_LANGUAGE, F_FRAILTY };

static const char *const reg_field_names[] = {"kind",    "name",   "birth_date", "national_id", "phone",
                                              "address", "region", "language",   "frailty"};

static void
reg_render(struct page *p, const struct reg_form *f, const char *notice, unsigned status)
{
	const struct registry_new_person *n = f != NULL ? &f->person : NULL;
	const struct registry_identity *id = n != NULL ? &n->identity : NULL;
	static const char *const frailties[] = {"0", "1", "2", "3"};
	const char *const *e = f != NULL ? f->errors : (const char *const[9]){NULL};
	size_t i;

	if (f != NULL)
		page_error_summary(p, reg_field_names, f->errors, 9);
	if (notice != NULL)
		page_notice(p, "error", notice);
	html_raw_const(p->b, "<form class=\"form\" method=\"post\" action=\"/persons\" novalidate>");
	page_csrf(p);
	page_select_begin(p, N_("Kind"), "kind", e[F_KIND]);
	page_option(p, "victim", T(p, "victim"),
	            n == NULL || n->kind == REGISTRY_VICTIM ? "victim" : "relative");
	page_option(p, "relative", T(p, "relative"),
	            n == NULL || n->kind == REGISTRY_VICTIM ? "victim" : "relative");
	page_select_end(p, "kind", e[F_KIND]);
	page_input(p, N_("Full name"), "name", "text", id != NULL ? id->name : NULL, e[F_NAME], 1, "off");
	page_input_hint(p, N_("Date of birth"), "birth_date", "text", f != NULL ? f->birth_typed : NULL,
	                e[F_BIRTH], 1, "off", T(p, "For example 1926-02-11, 1926. 2. 11. or 1926年2月11日."));
	page_input(p, N_("National id number"), "national_id", "text", id != NULL ? id->national_id : NULL,
	           e[F_NATIONAL], 0, "off");
	page_input(p, N_("Telephone"), "phone", "text", id != NULL ? id->phone : NULL, e[F_PHONE], 0, "off");
	page_input(p, N_("Address"), "address", "text", id != NULL ? id->address : NULL, e[F_ADDRESS], 0,
	           "off");
	page_input(p, N_("Region code"), "region", "text", n != NULL ? n->region : NULL, e[F_REGION], 0,
	           "off");
	page_select_begin(p, N_("Language the person speaks"), "language", e[F_LANGUAGE]);
	page_option(p, "ko", i18n_name(I18N_KO), n != NULL && n->language[0] ? n->language : "ko");
	page_option(p, "ja", i18n_name(I18N_JA), n != NULL && n->language[0] ? n->language : "ko");
	page_option(p, "en", i18n_name(I18N_EN), n != NULL && n->language[0] ? n->language : "ko");
	page_select_end(p, "language", e[F_LANGUAGE]);
	page_select_begin(p, N_("Frailty (0: none known, 3: most frail; the most frail are paid first)"),
	                  "frailty", e[F_FRAILTY]);
	for (i = 0; i < 4; i++)
		page_option(p, frailties[i], frailties[i], f != NULL ? f->frailty : "0");
	page_select_end(p, "frailty", e[F_FRAILTY]);
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b, T(p, "The name, date of birth, national id, telephone and address are sealed: only a "
	                     "recorded reveal shows them again."));
	html_raw_const(p->b, "</p><button type=\"submit\">");
	html_text(p->b, T(p, "Register"));
	html_raw_const(p->b, "</button></form>");
	page_end(p, status);
}

void
page_persons_new(struct http_request *req, struct http_response *res)
{
	struct page p;

	page_begin(&p, req, res, N_("Register a person"));
	reg_render(&p, NULL, NULL, 200);
}

/* What the writer needs to register, and to answer in the person's language if it cannot. */
struct reg_arg {
	struct reg_form form;
	struct page_change pc;
};

static enum redress_err
do_register(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct reg_arg *a = arg;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1], path[64];
	enum redress_err rc;
	struct page p;

	rc = registry_add(c->log, c->actor, &c->keys, &a->form.person, pseudonym, err);
	if (rc == REDRESS_OK) {
		snprintf(path, sizeof(path), "/persons/%s", pseudonym);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	/* The change is rolled back: show the form again, with why. */
	page_change_begin_failed(&p, &a->pc, res, N_("Register a person"));
	if (rc == REDRESS_E_CONFLICT) {
		a->form.errors[F_NATIONAL] = T(&p, "A person with this national id is already registered.");
		reg_render(&p, &a->form, NULL, 409);
	} else {
		reg_render(&p, &a->form, T(&p, "The person could not be registered, and nothing was saved."),
		           rc == REDRESS_E_INVALID ? 422 : 500);
	}
	a->form.errors[F_NATIONAL] = NULL;
	return rc;
}

void
page_persons_add(struct http_request *req, struct http_response *res)
{
	struct reg_arg *a = calloc(1, sizeof(*a));
	struct registry_identity *id;
	struct redress_error err;
	const char *kind = http_form_field(req, "kind"), *field = NULL;
	struct page p;
	int bad = 0;
	size_t i;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	p.lang = a->pc.lang;
	id = &a->form.person.identity;
	/* Each field's own check first, in words for the person at the form. */
	if (kind == NULL || registry_kind_parse(kind, &a->form.person.kind, &err) != REDRESS_OK)
		a->form.errors[F_KIND] = T(&p, "Choose victim or relative.");
	if (!page_form_copy(req, "name", id->name, sizeof(id->name)))
		a->form.errors[F_NAME] = T(&p, "The name is too long.");
	else if (id->name[0] == '\0')
		a->form.errors[F_NAME] = T(&p, "Give the person's full name.");
	if (!page_form_copy(req, "birth_date", a->form.birth_typed, sizeof(a->form.birth_typed)) ||
	    page_date_parse(a->form.birth_typed, id->birth_date) != 0 ||
	    registry_date_check("birth date", id->birth_date, &err) != REDRESS_OK)
		a->form.errors[F_BIRTH] =
		    T(&p, "Give the date of birth as YYYY-MM-DD, for example 1926-02-11.");
	if (!page_form_copy(req, "national_id", id->national_id, sizeof(id->national_id)))
		a->form.errors[F_NATIONAL] = T(&p, "The national id is too long.");
	if (!page_form_copy(req, "phone", id->phone, sizeof(id->phone)))
		a->form.errors[F_PHONE] = T(&p, "The telephone number is too long.");
	if (!page_form_copy(req, "address", id->address, sizeof(id->address)))
		a->form.errors[F_ADDRESS] = T(&p, "The address is too long.");
	if (!page_form_copy(req, "region", a->form.person.region, sizeof(a->form.person.region)))
		a->form.errors[F_REGION] = T(&p, "A region code has at most 16 letters, digits and hyphens.");
	if (!page_form_copy(req, "language", a->form.person.language, sizeof(a->form.person.language)))
		a->form.errors[F_LANGUAGE] = T(&p, "Choose Korean, Japanese or English.");
	if (!page_form_copy(req, "frailty", a->form.frailty, sizeof(a->form.frailty)) ||
	    a->form.frailty[0] < '0' || a->form.frailty[0] > '3' || a->form.frailty[1] != '\0')
		a->form.errors[F_FRAILTY] = T(&p, "Choose a frailty from 0 to 3.");
	else
		a->form.person.frailty = a->form.frailty[0] - '0';
	for (i = 0; i < 9; i++)
		bad |= a->form.errors[i] != NULL;
	/* Then the registry's own check, the last word, beside the field it names. */
	if (!bad && registry_new_person_check(&a->form.person, &field, &err) != REDRESS_OK) {
		for (i = 0; i < 9; i++)
			if (field != NULL && strcmp(field, reg_field_names[i]) == 0)
				a->form.errors[i] = T(&p, "This value is not accepted; check it.");
		if (field == NULL || strcmp(field, "region") == 0)
			a->form.errors[F_REGION] =
			    T(&p, "A region code has at most 16 letters, digits and hyphens.");
		bad = 1;
	}
	if (bad) {
		page_begin_failed(&p, req, res, N_("Register a person"));
		reg_render(&p, &a->form, T(&p, "Nothing was saved: correct the fields marked below."), 422);
		sodium_memzero(a, sizeof(*a));
		free(a);
		return;
	}
	http_change_submit(req, do_register, a);
}

/* ---- The task pages: consent, a consultation, an heir, a death ---------------------------- */

/*
 * Each action on a case file is a page of its own, linked from the file:
 * one form, its fields checked all at once when it comes back, the error
 * summary on top and each message beside its field, what was typed kept.
 * A change that worked answers 303 to the case file (post/redirect/get).
 */
enum { RECORD_CONSENT, RECORD_CONSULT, RECORD_HEIR, RECORD_DEATH, RECORD_BANK };

#define TASK_FIELDS 5

struct record_arg {
	struct page_change pc;
	int kind; /* RECORD_CONSENT, RECORD_CONSULT, RECORD_HEIR, RECORD_DEATH */
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char scope[REGISTRY_SCOPE_MAX + 1]; /* as chosen: "share" for sharing with party */
	char party[REGISTRY_SCOPE_MAX + 1];
	char given[12]; /* "grant", "withdraw", or what came */
	char method[REGISTRY_TEXT_MAX + 1];
	char witness[REGISTRY_TEXT_MAX + 1];
	char wish_text[12];
	enum registry_wish wish;
	char summary[REGISTRY_TEXT_MAX + 1];
	char relative[REGISTRY_PSEUDONYM_MAX + 1]; /* an heir: who, how related, what share */
	char relation[REGISTRY_RELATION_MAX + 1];
	char share[32];
	int64_t num, den;
	char date[32]; /* a death: as typed, then YYYY-MM-DD */
	char confirm[8];
	struct payments_bank bank;       /* bank details: sealed when recorded, wiped here after */
	const char *errors[TASK_FIELDS]; /* in the order of the kind's fields; NULL: fine */
};

static const char *const task_fields[][TASK_FIELDS] = {
    [RECORD_CONSENT] = {"scope", "party", "given", "method", "witness"},
    [RECORD_CONSULT] = {"wish", "summary", NULL, NULL, NULL},
    [RECORD_HEIR] = {"relative", "relation", "share", NULL, NULL},
    [RECORD_DEATH] = {"date", "confirm", NULL, NULL, NULL},
    [RECORD_BANK] = {"holder", "account", "bic", "iban", NULL},
};

static const char *const task_titles[] = {
    [RECORD_CONSENT] = N_("Record consent"),   [RECORD_CONSULT] = N_("Record a consultation"),
    [RECORD_HEIR] = N_("Record an heir"),      [RECORD_DEATH] = N_("Record a death"),
    [RECORD_BANK] = N_("Record bank details"),
};

static const char *const task_paths[] = {
    [RECORD_CONSENT] = "/consents", [RECORD_CONSULT] = "/consultations",
    [RECORD_HEIR] = "/heirs",       [RECORD_DEATH] = "/death",
    [RECORD_BANK] = "/bank",
};

/* The fields of the task's form, filled with a (NULL: empty). */
static void
task_fields_render(struct page *p, int kind, const struct record_arg *a)
{
	const char *const *e = a != NULL ? a->errors : (const char *const[TASK_FIELDS]){NULL};

	switch (kind) {
	case RECORD_CONSENT:
		page_select_required_begin(p, N_("Scope"), "scope", e[0]);
		page_option(p, "", T(p, "Choose a scope"), a != NULL ? a->scope : "");
		page_option(p, "processing", T(p, "processing of the case"), a != NULL ? a->scope : NULL);
		page_option(p, "statistics", T(p, "counting in statistics"), a != NULL ? a->scope : NULL);
		page_option(p, "contact", T(p, "being contacted"), a != NULL ? a->scope : NULL);
		page_option(p, "share", T(p, "sharing her file with a named party"),
		            a != NULL ? a->scope : NULL);
		page_select_end(p, "scope", e[0]);
		/* A referral needs share:PARTY: the party's name, one word, as the referral will give it. */
		page_input_hint(p, N_("The party (only for sharing)"), "party", "text",
		                a != NULL ? a->party : NULL, e[1], 0, "off",
		                T(p, "One word, as a referral will name it: counselling, legal-aid ..."));
		page_select_required_begin(p, N_("Consent"), "given", e[2]);
		page_option(p, "", T(p, "Choose granted or withdrawn"), a != NULL ? a->given : "");
		page_option(p, "grant", T(p, "granted"), a != NULL ? a->given : NULL);
		page_option(p, "withdraw", T(p, "withdrawn"), a != NULL ? a->given : NULL);
		page_select_end(p, "given", e[2]);
		page_input(p, N_("How it was given (in person, by telephone ...)"), "method", "text",
		           a != NULL ? a->method : NULL, e[3], 1, "off");
		page_input_hint(p, N_("Witness"), "witness", "text", a != NULL ? a->witness : NULL, e[4], 0,
		                "off", T(p, "How the word was given, and its witness, are sealed."));
		break;
	case RECORD_CONSULT:
		page_select_required_begin(p, N_("The person's wish"), "wish", e[0]);
		page_option(p, "", T(p, "Choose what she wishes"), a != NULL ? a->wish_text : "");
		page_option(p, "accept", T(p, "accepts the payment"), a != NULL ? a->wish_text : NULL);
		page_option(p, "decline", T(p, "declines the payment"), a != NULL ? a->wish_text : NULL);
		page_option(p, "undecided", T(p, "undecided: ask again later"),
		            a != NULL ? a->wish_text : NULL);
		page_select_end(p, "wish", e[0]);
		page_input(p, N_("Summary of what was said (sealed)"), "summary", "text",
		           a != NULL ? a->summary : NULL, e[1], 0, "off");
		break;
	case RECORD_HEIR:
		page_input_hint(p, N_("Relative's pseudonym"), "relative", "text",
		                a != NULL ? a->relative : NULL, e[0], 1, "off",
		                T(p, "Register the relative first; her pseudonym looks like R-000007."));
		page_input_hint(p, N_("Relation (daughter, son ...)"), "relation", "text",
		                a != NULL ? a->relation : NULL, e[1], 1, "off",
		                T(p, "One word, in any language: daughter, 딸, 조카, 娘, めい."));
		page_input(p, N_("Share (a fraction: 1/2)"), "share", "text", a != NULL ? a->share : NULL,
		           e[2], 1, "off");
		break;
	case RECORD_BANK:
		page_input(p, N_("Account holder's name"), "holder", "text",
		           a != NULL ? a->bank.holder : NULL, e[0], 1, "off");
		page_input(p, N_("Account number"), "account", "text", a != NULL ? a->bank.account : NULL,
		           e[1], 1, "off");
		page_input_hint(p, N_("Bank code (BIC)"), "bic", "text", a != NULL ? a->bank.bic : NULL, e[2],
		                1, "off", T(p, "8 or 11 letters and digits, for example SHBKKRSE."));
		page_input(p, N_("IBAN (where the bank has one)"), "iban", "text",
		           a != NULL ? a->bank.iban : NULL, e[3], 0, "off");
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b,
		          T(p, "Bank details are sealed like her identity; a new record replaces the old "
		               "one, and the next batch pays to it."));
		html_raw_const(p->b, "</p>");
		break;
	default:
		page_input_hint(p, N_("Date of death"), "date", "text", a != NULL ? a->date : NULL, e[0], 1,
		                "off", T(p, "For example 2026-12-07, 2026. 12. 7. or 2026年12月7日."));
		html_raw_const(p->b, "<div class=\"field\"><input type=\"checkbox\" id=\"f-confirm\" "
		                     "name=\"confirm\" value=\"yes\" required");
		if (e[1] != NULL)
			html_raw_const(p->b, " aria-invalid=\"true\" aria-describedby=\"f-confirm-error\"");
		html_raw_const(p->b, "> <label for=\"f-confirm\" class=\"inline\">");
		html_text(p->b,
		          T(p, "I have checked that she has died: this cannot be undone from the pages."));
		html_raw_const(p->b, "</label>");
		if (e[1] != NULL) {
			html_raw_const(p->b, "<p class=\"field-error\" id=\"f-confirm-error\">");
			html_text(p->b, e[1]);
			html_raw_const(p->b, "</p>");
		}
		html_raw_const(p->b, "</div>");
		break;
	}
}

/* The task page of kind for pseudonym: a refused form (a not NULL) with its summary, or an empty one. */
static void
task_render(struct page *p, int kind, const char *pseudonym, const struct record_arg *a, const char *notice)
{
	page_back_to_file(p, pseudonym);
	if (a != NULL)
		page_error_summary(p, task_fields[kind], a->errors, TASK_FIELDS);
	if (notice != NULL)
		page_notice(p, "error", notice);
	if (kind == RECORD_DEATH) {
		html_raw_const(p->b, "<p class=\"warning\"><strong>");
		html_text(p->b,
		          T(p, "What she was owed and not yet paid passes to her heirs in the same change. "
		               "Her own wish, consent and claims can then no longer be recorded."));
		html_raw_const(p->b, "</strong></p>");
	}
	html_raw_const(p->b, "<form class=\"form\" method=\"post\" novalidate");
	html_href_path_(p->b, "action", "/persons/", pseudonym,
	                task_paths[kind]); /* literals, from the table */
	html_raw_const(p->b, ">");
	page_csrf(p);
	task_fields_render(p, kind, a);
	if (kind == RECORD_DEATH)
		html_raw_const(p->b, "<button type=\"submit\" class=\"warning\">");
	else
		html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, kind == RECORD_DEATH     ? T(p, "Record the death")
	                : kind == RECORD_HEIR    ? T(p, "Record the heir")
	                : kind == RECORD_CONSULT ? T(p, "Record the consultation")
	                : kind == RECORD_BANK    ? T(p, "Record the bank details")
	                                         : T(p, "Record consent"));
	html_raw_const(p->b, "</button></form>");
}

/* The empty task page of kind, for a person it applies to. */
static void
task_page(struct http_request *req, struct http_response *res, int kind)
{
	const char *pseudonym = http_param(req, "pseudonym");
	struct registry_person person;
	struct redress_error err;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, task_titles[kind])) == NULL)
		return;
	if (registry_get(store, pseudonym, &person, &err) != REDRESS_OK || person.status == REGISTRY_ERASED) {
		page_notice(&p, "error", T(&p, "No person has this pseudonym, or the data was erased."));
		page_end(&p, 404);
		return;
	}
	if (person.status == REGISTRY_DECEASED && kind != RECORD_HEIR && kind != RECORD_BANK) {
		page_back_to_file(&p, pseudonym);
		page_notice(&p, "error", T(&p, "She has died: this can no longer be recorded for her."));
		page_end(&p, 409);
		return;
	}
	task_render(&p, kind, person.pseudonym, NULL, NULL);
	page_end(&p, 200);
}

void
page_persons_consent_form(struct http_request *req, struct http_response *res)
{
	task_page(req, res, RECORD_CONSENT);
}

void
page_persons_consult_form(struct http_request *req, struct http_response *res)
{
	task_page(req, res, RECORD_CONSULT);
}

void
page_persons_heir_form(struct http_request *req, struct http_response *res)
{
	task_page(req, res, RECORD_HEIR);
}

void
page_persons_bank_form(struct http_request *req, struct http_response *res)
{
	task_page(req, res, RECORD_BANK);
}

void
page_persons_death_form(struct http_request *req, struct http_response *res)
{
	task_page(req, res, RECORD_DEATH);
}

/* What the registry refused, in the page's language, beside the field it concerns. */
static void
refusal_words(struct page *p, struct record_arg *a, enum redress_err rc)
{
	const char *why = NULL;

	if (rc == REDRESS_E_NOTFOUND)
		why = a->kind == RECORD_HEIR
		          ? T(p, "No person has this pseudonym: register the relative first.")
		          : T(p, "No person has this pseudonym, or the data was erased.");
	else if (a->kind == RECORD_HEIR && rc == REDRESS_E_CONFLICT)
		why = T(p, "This relative is already recorded as her heir.");
	else if (a->kind == RECORD_HEIR && rc == REDRESS_E_REFUSED)
		why = T(p, "With this share her heirs' shares would add up to more than 1.");
	else if (a->kind == RECORD_HEIR && rc == REDRESS_E_INVALID)
		why = T(p, "This person cannot be recorded as an heir: give a relative's pseudonym (R-...).");
	else if (a->kind == RECORD_BANK)
		why = T(p, "The bank details could not be recorded, and nothing was saved.");
	else if (a->kind == RECORD_DEATH && rc == REDRESS_E_INVALID)
		why = T(p, "The date of death cannot be in the future, nor before her birth.");
	else if (rc == REDRESS_E_CONFLICT)
		why = T(p, "Her record changed meanwhile, or she has died: look at the case file again.");
	else
		why = T(p, "It could not be recorded, and nothing was saved.");
	a->errors[0] = why;
}

static enum redress_err
do_record(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct record_arg *a = arg;
	char path[64];
	enum redress_err rc;
	struct page p;

	if (a->kind == RECORD_DEATH) {
		uint64_t moved = 0;
		int unresolved = 0;

		/* In the same change: what she was owed and not yet paid passes to her heirs. */
		rc = registry_death(c->log, c->actor, &c->keys, a->pseudonym, a->date, err);
		if (rc == REDRESS_OK)
			rc = entitlements_on_death(c->log, c->actor, a->pseudonym, &moved, &unresolved, err);
	} else if (a->kind == RECORD_CONSULT) {
		uint64_t task = 0;

		/* An undecided wish makes a task to ask her again (domain/casework). */
		rc = casework_consult(c->log, c->actor, &c->keys, a->pseudonym, a->wish,
		                      a->summary[0] != '\0' ? a->summary : NULL, &task, err);
	} else if (a->kind == RECORD_HEIR)
		rc = registry_relation_add(c->log, c->actor, a->pseudonym, a->relative, a->relation, a->num,
		                           a->den, err);
	else if (a->kind == RECORD_BANK)
		rc = payments_bank_set(c->log, c->actor, &c->keys, a->pseudonym, &a->bank, err);
	else {
		char scope[REGISTRY_SCOPE_MAX + 8];

		/* Sharing is consented to per party: the scope the registry keeps is share:PARTY. */
		if (strcmp(a->scope, "share") == 0)
			snprintf(scope, sizeof(scope), "share:%s", a->party);
		else
			snprintf(scope, sizeof(scope), "%s", a->scope);
		rc = registry_consent(c->log, c->actor, &c->keys, a->pseudonym, scope,
		                      strcmp(a->given, "grant") == 0, a->method,
		                      a->witness[0] != '\0' ? a->witness : NULL, err);
	}
	if (rc == REDRESS_OK) {
		snprintf(path, sizeof(path), "/persons/%s", a->pseudonym);
		page_redirect(res, path);
		sodium_memzero(&a->bank, sizeof(a->bank));
		return REDRESS_OK;
	}
	/* Rolled back: the task page again, with the registry's refusal in words beside the field. */
	page_change_begin_failed(&p, &a->pc, res, task_titles[a->kind]);
	refusal_words(&p, a, rc);
	task_render(&p, a->kind, a->pseudonym, a, NULL);
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : rc == REDRESS_E_CONFLICT ? 409 : 422);
	sodium_memzero(&a->bank, sizeof(a->bank));
	return rc;
}

/* Reads a task's form, every field checked; submits it, or answers the task page with what is wrong. */
static void
record(struct http_request *req, struct http_response *res, int kind)
{
	const char *pseudonym = http_param(req, "pseudonym");
	struct record_arg *a = calloc(1, sizeof(*a));
	struct redress_error err;
	struct page p;
	size_t i;
	int bad = 0;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	p.lang = a->pc.lang;
	a->kind = kind;
	if (strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX) {
		free(a);
		http_page_refuse(req, res, 404);
		return;
	}
	memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
	if (kind == RECORD_HEIR) {
		if (!page_form_copy(req, "relative", a->relative, sizeof(a->relative)))
			a->errors[0] = T(&p, "A pseudonym is at most 16 characters, such as R-000007.");
		else if (a->relative[0] == '\0')
			a->errors[0] = T(&p, "Give the relative's pseudonym (register the relative first).");
		/* Pseudonyms are upper case; people type them as they come. */
		for (i = 0; a->relative[i] != '\0'; i++) {
			if (a->relative[i] >= 'a' && a->relative[i] <= 'z')
				a->relative[i] = (char)(a->relative[i] - 'a' + 'A');
		}
		if (!page_form_copy(req, "relation", a->relation, sizeof(a->relation)))
			a->errors[1] = T(&p, "The relation is too long: one word, such as daughter or 조카.");
		else if (a->relation[0] == '\0')
			a->errors[1] = T(&p, "Say how the relative is related: daughter, son, niece ...");
		else if (registry_relation_check(a->relation, &err) != REDRESS_OK)
			a->errors[1] =
			    T(&p, "Give the relation as one word, without spaces or signs: daughter, "
			          "조카, めい.");
		if (!page_form_copy(req, "share", a->share, sizeof(a->share)) ||
		    registry_share_parse(a->share, &a->num, &a->den, &err) != REDRESS_OK)
			a->errors[2] = T(&p, "Give the share as a fraction, such as 1/2 or 1/1.");
	} else if (kind == RECORD_DEATH) {
		if (!page_form_copy(req, "date", a->date, sizeof(a->date)) ||
		    page_date_parse(a->date, a->date) != 0)
			a->errors[0] = T(&p, "Give the date of death as a date, for example 2026-12-07.");
		page_form_copy(req, "confirm", a->confirm, sizeof(a->confirm));
		if (strcmp(a->confirm, "yes") != 0)
			a->errors[1] = T(&p, "Tick the box to confirm that she has died.");
	} else if (kind == RECORD_BANK) {
		if (!page_form_copy(req, "holder", a->bank.holder, sizeof(a->bank.holder)) ||
		    text_check("holder", a->bank.holder, PAYMENTS_HOLDER_MAX, &err) != REDRESS_OK)
			a->errors[0] =
			    T(&p, "The holder's name is too long, or has characters a bank does not take.");
		else if (a->bank.holder[0] == '\0')
			a->errors[0] = T(&p, "Give the account holder's name as the bank knows it.");
		if (!page_form_copy(req, "account", a->bank.account, sizeof(a->bank.account)))
			a->errors[1] = T(&p, "An account number has at most 34 characters.");
		else if (a->bank.account[0] == '\0')
			a->errors[1] = T(&p, "Give the account number.");
		if (!page_form_copy(req, "bic", a->bank.bic, sizeof(a->bank.bic)) ||
		    payments_bic_check(a->bank.bic, &err) != REDRESS_OK)
			a->errors[2] =
			    T(&p, "Give the bank code (BIC): 8 or 11 letters and digits, such as SHBKKRSE.");
		if (!page_form_copy(req, "iban", a->bank.iban, sizeof(a->bank.iban)) ||
		    (a->bank.iban[0] != '\0' && payments_iban_check(a->bank.iban, &err) != REDRESS_OK))
			a->errors[3] =
			    T(&p, "This IBAN is not valid: check it letter by letter, or leave it empty.");
	} else if (kind == RECORD_CONSULT) {
		page_form_copy(req, "wish", a->wish_text, sizeof(a->wish_text));
		if (registry_wish_parse(a->wish_text, &a->wish, &err) != REDRESS_OK ||
		    a->wish == REGISTRY_WISH_NONE)
			a->errors[0] = T(&p, "Choose what the person wishes.");
		if (!page_form_copy(req, "summary", a->summary, sizeof(a->summary)))
			a->errors[1] = T(&p, "The summary is too long.");
	} else {
		char full[REGISTRY_SCOPE_MAX + 8];

		if (!page_form_copy(req, "scope", a->scope, sizeof(a->scope)) || a->scope[0] == '\0')
			a->errors[0] = T(&p, "Choose the scope of the consent.");
		if (!page_form_copy(req, "party", a->party, sizeof(a->party)))
			a->errors[1] = T(&p, "The party's name is too long.");
		else if (strcmp(a->scope, "share") == 0 &&
		         (snprintf(full, sizeof(full), "share:%s", a->party) >= REGISTRY_SCOPE_MAX + 1 ||
		          registry_scope_check(full, &err) != REDRESS_OK))
			a->errors[1] =
			    T(&p,
			      "Name the party in one word (letters, digits, '.', '_' and '-'): counselling, "
			      "legal-aid ...");
		else if (strcmp(a->scope, "share") != 0 && a->party[0] != '\0')
			a->errors[1] = T(&p, "A party is named only when she consents to sharing her file.");
		page_form_copy(req, "given", a->given, sizeof(a->given));
		if (strcmp(a->given, "grant") != 0 && strcmp(a->given, "withdraw") != 0)
			a->errors[2] = T(&p, "Say whether consent was granted or withdrawn.");
		if (!page_form_copy(req, "method", a->method, sizeof(a->method)))
			a->errors[3] = T(&p, "Say it in fewer words: at most 4000 bytes.");
		else if (a->method[0] == '\0')
			a->errors[3] = T(&p, "Say how the consent was given: in person, by telephone ...");
		if (!page_form_copy(req, "witness", a->witness, sizeof(a->witness)))
			a->errors[4] = T(&p, "The witness is too long.");
	}
	for (i = 0; i < TASK_FIELDS; i++)
		bad |= a->errors[i] != NULL;
	if (!bad) {
		http_change_submit(req, do_record, a);
		return;
	}
	page_begin_failed(&p, req, res, task_titles[kind]);
	task_render(&p, kind, a->pseudonym, a, NULL);
	page_end(&p, 422);
	sodium_memzero(a, sizeof(*a));
	free(a);
}

void
page_persons_consent(struct http_request *req, struct http_response *res)
{
	record(req, res, RECORD_CONSENT);
}

void
page_persons_consult(struct http_request *req, struct http_response *res)
{
	record(req, res, RECORD_CONSULT);
}

void
page_persons_heir(struct http_request *req, struct http_response *res)
{
	record(req, res, RECORD_HEIR);
}

void
page_persons_death(struct http_request *req, struct http_response *res)
{
	record(req, res, RECORD_DEATH);
}

void
page_persons_bank(struct http_request *req, struct http_response *res)
{
	record(req, res, RECORD_BANK);
}

/* ---- The case file ----------------------------------------------------------------- */

static const char *
scope_words(struct page *p, const char *scope)
{
	if (strcmp(scope, "processing") == 0)
		return T(p, "processing of the case");
	if (strcmp(scope, "statistics") == 0)
		return T(p, "counting in statistics");
	if (strcmp(scope, "contact") == 0)
		return T(p, "being contacted");
	if (strncmp(scope, "share:", 6) == 0)
		return T(p, "sharing with another party");
	return scope;
}

static const char *
frailty_words(struct page *p, int frailty)
{
	switch (frailty) {
	case 0: return T(p, "0: none known");
	case 1: return T(p, "1: somewhat frail");
	case 2: return T(p, "2: frail");
	case 3: return T(p, "3: most frail (paid first)");
	}
	return "?";
}

static const char *
payment_words(struct page *p, enum entitlement_state state)
{
	switch (state) {
	case ENTITLEMENT_QUEUED: return T(p, "waiting in the payment queue");
	case ENTITLEMENT_DECLINED: return T(p, "declined by her: the fund keeps it for her");
	case ENTITLEMENT_MOVED: return T(p, "passed to her heirs");
	case ENTITLEMENT_BATCHED: return T(p, "sent to the bank: waiting for its answer");
	case ENTITLEMENT_PAID: return T(p, "paid");
	case ENTITLEMENT_RETURNED: return T(p, "returned by the bank, back in the queue");
	case ENTITLEMENT_SCHEDULED: return T(p, "an instalment not due yet");
	case ENTITLEMENT_HELD: return T(p, "held: a proof of life is needed before it is paid");
	case ENTITLEMENT_STOPPED: return T(p, "stopped at her death, as the program's rules say");
	}
	return "?";
}

/* A cell with an event's time, in the fund's time zone. */
static void
td_when(struct page *p, const char *at)
{
	html_raw_const(p->b, "<td>");
	page_when(p, at);
	html_raw_const(p->b, "</td>");
}

static enum redress_err
consent_event_row(void *ctx, const struct registry_consent_event *e, struct redress_error *err)
{
	struct page *p = ctx;

	(void)err;
	html_raw_const(p->b, "<tr>");
	td_when(p, e->at);
	html_raw_const(p->b, "<td>");
	html_text(p->b, scope_words(p, e->scope));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, e->given ? T(p, "granted") : T(p, "withdrawn"));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, page_actor(e->actor));
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%llu", (unsigned long long)e->seq);
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

/* Every grant and withdrawal, oldest first; how it was given and the witness stay sealed. */
static void
consent_history(struct page *p, struct store *store, const char *pseudonym)
{
	struct redress_error err;

	html_raw_const(p->b, "<h3>");
	html_text(p->b, T(p, "History of consent"));
	html_raw_const(p->b, "</h3>");
	page_table_begin(p, T(p, "History of consent"));
	page_th(p, T(p, "When"));
	page_th(p, T(p, "Scope"));
	page_th(p, T(p, "Word"));
	page_th(p, T(p, "Recorded by"));
	page_th(p, T(p, "Log event"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	if (registry_consent_history(store, pseudonym, consent_event_row, p, &err) != REDRESS_OK)
		page_notice(p, "error", T(p, "The history of consent could not be read."));
	page_table_end(p);
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b, T(p, "How each word was given, and its witness, stay sealed."));
	html_raw_const(p->b, "</p>");
}

struct consultations_ctx {
	struct page *p;
	int n;
};

static enum redress_err
consultation_row(void *ctx, const struct registry_consultation *c, struct redress_error *err)
{
	struct consultations_ctx *cc = ctx;
	struct page *p = cc->p;

	(void)err;
	if (cc->n++ == 0) {
		page_table_begin(p, NULL);
		page_th(p, T(p, "When"));
		page_th(p, T(p, "The person's wish"));
		page_th(p, T(p, "Recorded by"));
		page_th(p, T(p, "Log event"));
		html_raw_const(p->b, "</tr></thead><tbody>");
	}
	html_raw_const(p->b, "<tr>");
	td_when(p, c->at);
	html_raw_const(p->b, "<td>");
	html_text(p->b, wish_words(p, registry_wish_name(c->wish)));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, page_actor(c->actor));
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%llu", (unsigned long long)c->seq);
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

/* Every consultation, oldest first, with the wish; the summaries stay sealed. */
static void
consultations(struct page *p, struct store *store, const char *pseudonym)
{
	struct consultations_ctx cc = {p, 0};
	struct redress_error err;

	if (registry_consultations_each(store, pseudonym, consultation_row, &cc, &err) != REDRESS_OK)
		page_notice(p, "error", T(p, "The consultations could not be read."));
	if (cc.n == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "No consultation has been recorded."));
		html_raw_const(p->b, "</p>");
	} else {
		page_table_end(p);
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b, T(p, "The summaries of what was said stay sealed."));
		html_raw_const(p->b, "</p>");
	}
}

static void
section(struct page *p, const char *id, const char *title_text)
{
	html_raw_const(p->b, "<section");
	html_attr(p->b, "aria-labelledby", id);
	html_raw_const(p->b, "><h2");
	html_attr(p->b, "id", id);
	html_raw_const(p->b, ">");
	html_text(p->b, title_text);
	html_raw_const(p->b, "</h2>");
}

/* <dt>label</dt><dd> opened; the caller writes the value and closes it with </dd>. */
static void
fact_open(struct page *p, const char *label)
{
	html_raw_const(p->b, "<dt>");
	html_text(p->b, label);
	html_raw_const(p->b, "</dt><dd>");
}

/* Her entitlements and where each payment is: the amount, the program, the state, the bank's reason in words.
 */
static int
summary_money(struct page *p, struct store *store, const char *pseudonym)
{
	struct entitlement *items = NULL;
	struct redress_error err;
	struct buf words;
	size_t n = 0, i;
	int returned = 0;

	fact_open(p, T(p, "Entitlement and payment"));
	if (entitlements_of_person(store, pseudonym, &items, &n, &err) != REDRESS_OK) {
		html_text(p->b, T(p, "The entitlements could not be read."));
		html_raw_const(p->b, "</dd>");
		return 0;
	}
	if (n == 0)
		html_text(p->b, T(p, "Nothing owed yet: no approved claim has been computed."));
	else
		html_raw_const(p->b, "<ul class=\"plain\">");
	buf_init(&words, 256);
	for (i = 0; i < n; i++) {
		const struct entitlement *e = &items[i];

		buf_reset(&words);
		i18n_money(&words, p->lang, e->amount, e->currency);
		html_raw_const(p->b, "<li><strong class=\"amount\">");
		html_text(p->b, words.data);
		html_raw_const(p->b, "</strong> ");
		html_text(p->b, e->program);
		html_raw_const(p->b, ": <span");
		html_attr(p->b, "class",
		          e->state == ENTITLEMENT_RETURNED ? "tag tag-red"
		          : e->state == ENTITLEMENT_PAID   ? "tag tag-green"
		                                           : "tag");
		html_raw_const(p->b, ">");
		html_text(p->b, payment_words(p, e->state));
		html_raw_const(p->b, "</span>");
		if (e->state == ENTITLEMENT_PAID && e->paid_on[0] != '\0') {
			buf_reset(&words);
			i18n_date(&words, p->lang, e->paid_on);
			html_raw_const(p->b, " ");
			html_text(p->b, words.data);
		}
		if (e->state == ENTITLEMENT_RETURNED && e->return_reason[0] != '\0') {
			html_raw_const(p->b, " (");
			html_text(p->b, page_bank_reason_words(p, e->return_reason));
			html_raw_const(p->b, ")");
			returned = 1;
		}
		html_raw_const(p->b, "</li>");
	}
	if (n > 0)
		html_raw_const(p->b, "</ul>");
	html_raw_const(p->b, "</dd>");
	buf_free(&words);
	free(items);
	return returned;
}

struct people_ctx {
	struct page *p;
	int n;
};

/* One heir, or one victim whose heir she is, as a link with the share. */
static enum redress_err
person_link(void *ctx, const char *pseudonym, int64_t num, int64_t den, struct redress_error *err)
{
	struct people_ctx *pc = ctx;
	struct page *p = pc->p;

	(void)err;
	if (pc->n++ == 0)
		html_raw_const(p->b, "<ul class=\"plain\">");
	html_raw_const(p->b, "<li><a");
	html_href_path(p->b, "href", "/persons/", pseudonym);
	html_raw_const(p->b, ">");
	html_text(p->b, pseudonym);
	html_raw_const(p->b, "</a> ");
	html_textf(p->b, "(%s %lld/%lld)", T(p, "share"), (long long)num, (long long)den);
	html_raw_const(p->b, "</li>");
	return REDRESS_OK;
}

static void
summary_people(struct page *p, struct store *store, const struct registry_person *person)
{
	struct people_ctx pc = {p, 0};
	struct redress_error err;
	enum redress_err rc;

	fact_open(p, person->kind == REGISTRY_VICTIM ? T(p, "Heirs") : T(p, "Heir of"));
	rc = person->kind == REGISTRY_VICTIM
	         ? registry_heirs(store, person->pseudonym, person_link, &pc, &err)
	         : registry_heir_of(store, person->pseudonym, person_link, &pc, &err);
	if (pc.n > 0)
		html_raw_const(p->b, "</ul>");
	if (rc != REDRESS_OK)
		html_text(p->b, T(p, "The heirs could not be read."));
	else if (pc.n == 0)
		html_text(p->b, person->kind == REGISTRY_VICTIM ? T(p, "No heir has been recorded.")
		                                                : T(p, "Not recorded as anyone's heir."));
	html_raw_const(p->b, "</dd>");
}

/* A link to a task page of the case file: /persons/PSEUDONYM/SUFFIX. */
static void
task_link(struct page *p, const char *pseudonym, const char *suffix, const char *words, const char *class)
{
	html_raw_const(p->b, "<li><a");
	if (class != NULL)
		html_attr(p->b, "class", class);
	html_href_path_(p->b, "href", "/persons/", pseudonym, suffix); /* suffix: a literal of the callers' */
	html_raw_const(p->b, ">");
	html_text(p->b, words);
	html_raw_const(p->b, "</a></li>");
}

/*
 * Writes the case file of pseudonym from store, with identity when id is
 * not NULL (just revealed): first the case at a glance (alive or not, her
 * wish, consent, claims, what she is owed and where its payment is, heirs),
 * then what can be done as links to task pages, the identity behind its
 * reveal, the histories, and last the serious actions.  Returns the status
 * for the page.
 */
static unsigned
casefile(struct page *p, struct store *store, const char *pseudonym, const struct registry_identity *id)
{
	const struct actor *actor = &p->req->actor;
	struct registry_person person;
	struct redress_error err;
	json_t *file = NULL, *consents, *v;
	const char *scope, *wish;
	int alive, erased, victim, returned, n;
	char number[32];
	struct buf date;

	if (registry_file_json(store, pseudonym, &person, &file, &err) != REDRESS_OK) {
		page_notice(p, "error",
		            err.code == REDRESS_E_NOTFOUND ? T(p, "No person has this pseudonym.")
		                                           : T(p, "The case file could not be read."));
		return err.code == REDRESS_E_NOTFOUND ? 404 : 500;
	}
	alive = person.status == REGISTRY_ALIVE;
	erased = person.status == REGISTRY_ERASED;
	victim = person.kind == REGISTRY_VICTIM;
	buf_init(&date, 128);
	html_raw_const(p->b, "<p class=\"pseudonym\">");
	html_text(p->b, person.pseudonym);
	html_raw_const(p->b, " · ");
	html_text(p->b, kind_words(p, person.kind));
	html_raw_const(p->b, "</p>");

	/* The banner: alive, deceased (since when), or erased. */
	if (alive)
		html_raw_const(p->b, "<p class=\"banner banner-alive\"><strong>");
	else
		html_raw_const(p->b, "<p class=\"banner banner-gone\"><strong>");
	html_text(p->b, status_words(p, person.status));
	if (person.status == REGISTRY_DECEASED && person.death_date[0] != '\0') {
		i18n_date(&date, p->lang, person.death_date);
		html_raw_const(p->b, " · ");
		html_text(p->b, date.data);
	}
	html_raw_const(p->b, "</strong>");
	if (person.status == REGISTRY_DECEASED) {
		html_raw_const(p->b, " ");
		html_text(
		    p->b,
		    T(p, "What she was owed passes to her heirs; her own wish and consent are closed."));
	}
	html_raw_const(p->b, "</p>");
	/* Merged into another person, or suspected to be one with others (page_dups.c). */
	page_dups_notice(p, store, person.pseudonym);

	section(p, "s-summary", T(p, "At a glance"));
	html_raw_const(p->b, "<dl class=\"facts summary\">");
	snprintf(number, sizeof(number), "%d", person.birth_year);
	page_fact(p, T(p, "Birth year"), number);
	page_fact(p, T(p, "Frailty"), frailty_words(p, person.frailty));
	/* page_program_history.c: what a program's priority and exclusions read on her file. */
	page_casefile_vulnerability(p, store, person.pseudonym);
	page_casefile_benefits(p, store, person.pseudonym);
	page_fact(p, T(p, "Language"), language_name(person.language));
	wish = json_string_value(json_object_get(file, "wish"));
	page_fact(p, T(p, "Latest wish"), wish_words(p, wish != NULL ? wish : "none"));
	fact_open(p, T(p, "Consent"));
	consents = json_object_get(file, "consents");
	if (json_object_size(consents) == 0)
		html_text(p->b, T(p, "No consent has been recorded."));
	else {
		html_raw_const(p->b, "<ul class=\"plain\">");
		json_object_foreach(consents, scope, v)
		{
			int given = json_is_true(json_object_get(v, "given"));

			html_raw_const(p->b, "<li>");
			html_text(p->b, scope_words(p, scope));
			html_raw_const(p->b, ": <span");
			html_attr(p->b, "class", given ? "tag tag-green" : "tag tag-red");
			html_raw_const(p->b, ">");
			html_text(p->b, given ? T(p, "granted") : T(p, "withdrawn"));
			html_raw_const(p->b, "</span></li>");
		}
		html_raw_const(p->b, "</ul>");
	}
	html_raw_const(p->b, "</dd>");
	returned = summary_money(p, store, person.pseudonym);
	summary_people(p, store, &person);
	page_fact(p, T(p, "Region code"), person.region);
	html_raw_const(p->b, "</dl>");
	if (returned && users_allows(actor, PERM_PERSONS_WRITE))
		page_notice(p, "error",
		            T(p,
		              "A payment to her was returned by the bank: check her bank details with her, "
		              "record them again, and the next batch pays her."));
	if (victim && users_allows(actor, PERM_CLAIMS_READ)) {
		html_raw_const(p->b, "<h3>");
		html_text(p->b, T(p, "Claims"));
		html_raw_const(p->b, "</h3>");
		page_claims_table(p, store, -1, person.pseudonym);
	}
	html_raw_const(p->b, "</section>");

	/* What can be done: each a page of its own. */
	if (!erased) {
		section(p, "s-tasks", T(p, "What you can do"));
		html_raw_const(p->b, "<ul class=\"tasks\">");
		n = 0;
		if (alive && users_allows(actor, PERM_CONSENT_WRITE)) {
			task_link(p, person.pseudonym, "/consultations", T(p, "Record a consultation"), NULL);
			task_link(p, person.pseudonym, "/consents", T(p, "Record consent"), NULL);
			n += 2;
		}
		if (users_allows(actor, PERM_PERSONS_WRITE)) {
			task_link(p, person.pseudonym, "/bank", T(p, "Record bank details"), NULL);
			/* page_casework.c: notes, tasks, contacts, referrals, grievances. */
			task_link(p, person.pseudonym, "/casework",
			          T(p, "Casework: notes, tasks, contacts, grievances"), NULL);
			n += 2;
			if (alive) {
				page_casefile_benefit_links(p, person.pseudonym);
				n += 2;
			}
			if (victim) {
				task_link(p, person.pseudonym, "/heirs", T(p, "Record an heir"), NULL);
				n++;
			}
		}
		if (victim && users_allows(actor, PERM_CLAIMS_INTAKE)) {
			task_link(p, person.pseudonym, "/claims",
			          alive ? T(p, "Open a claim") : T(p, "Open a claim for her heirs"), NULL);
			n++;
		}
		html_raw_const(p->b, "</ul>");
		if (n == 0) {
			html_raw_const(p->b, "<p>");
			html_text(p->b, T(p, "Your role may read this file but not change it."));
			html_raw_const(p->b, "</p>");
		}
		html_raw_const(p->b, "</section>");
	}

	section(p, "s-identity", T(p, "Identity"));
	if (id != NULL) {
		page_notice(p, "ok",
		            T(p, "This reveal has been recorded in the log, with your account and reason."));
		html_raw_const(p->b, "<dl class=\"facts identity\">");
		page_fact(p, T(p, "Full name"), id->name);
		buf_reset(&date);
		i18n_date(&date, p->lang, id->birth_date);
		page_fact(p, T(p, "Date of birth"), date.data);
		page_fact(p, T(p, "National id number"), id->national_id);
		page_fact(p, T(p, "Telephone"), id->phone);
		page_fact(p, T(p, "Address"), id->address);
		html_raw_const(p->b, "</dl>");
	} else if (erased) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "This person's data was erased: the identity can no longer be read."));
		html_raw_const(p->b, "</p>");
	} else if (users_allows(actor, PERM_PERSONS_REVEAL)) {
		html_raw_const(p->b, "<p>");
		html_text(p->b,
		          T(p, "The identity is sealed. Revealing it is recorded in the log: who, whose, "
		               "when and why."));
		html_raw_const(p->b, "</p><form class=\"form\" method=\"post\"");
		html_href_path_suffix(p->b, "action", "/persons/", person.pseudonym, "/reveal");
		html_raw_const(p->b, ">");
		page_csrf(p);
		page_input(p, N_("Reason for revealing"), "reason", "text", NULL, NULL, 1, "off");
		html_raw_const(p->b, "<button type=\"submit\" class=\"reveal\">");
		html_text(p->b, T(p, "Reveal the identity"));
		html_raw_const(p->b, "</button></form>");
	} else {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "The identity is sealed, and your role may not reveal it."));
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "</section>");

	section(p, "s-history", T(p, "History"));
	html_raw_const(p->b, "<h3>");
	html_text(p->b, T(p, "Consultations and wishes"));
	html_raw_const(p->b, "</h3>");
	consultations(p, store, person.pseudonym);
	if (json_object_size(consents) > 0)
		consent_history(p, store, person.pseudonym);
	html_raw_const(p->b, "</section>");

	/* The serious actions last, each behind a page that asks to confirm. */
	if (!erased &&
	    ((alive && users_allows(actor, PERM_PERSONS_WRITE)) || users_allows(actor, PERM_PERSONS_ERASE))) {
		section(p, "s-serious", T(p, "Serious actions"));
		html_raw_const(p->b, "<ul class=\"tasks\">");
		if (alive && users_allows(actor, PERM_PERSONS_WRITE))
			task_link(p, person.pseudonym, "/death", T(p, "Record a death"), "button-warning");
		if (users_allows(actor, PERM_PERSONS_ERASE))
			task_link(p, person.pseudonym, "/erase", T(p, "Erase this person's data"),
			          "button-warning");
		html_raw_const(p->b, "</ul></section>");
	}
	buf_free(&date);
	json_decref(file);
	return 200;
}

void
page_persons_show(struct http_request *req, struct http_response *res)
{
	struct store *store;
	struct page p;
	unsigned status;

	if ((store = page_open(&p, req, res, N_("Case file"))) == NULL)
		return;
	status = casefile(&p, store, http_param(req, "pseudonym"), NULL);
	page_end(&p, status);
}

struct reveal_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char reason[REGISTRY_TEXT_MAX + 1];
	struct page_change pc;
};

static enum redress_err
do_reveal(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct reveal_arg *a = arg;
	struct registry_identity id;
	enum redress_err rc;
	struct page p;
	unsigned status;

	memset(&id, 0, sizeof(id));
	page_change_begin(&p, &a->pc, res, N_("Case file"));
	c->personal = 1;
	rc = registry_reveal(c->log, c->actor, &c->keys, a->pseudonym, a->reason, &id, err);
	if (rc != REDRESS_OK) {
		page_notice(&p, "error",
		            rc == REDRESS_E_NOTFOUND
		                ? T(&p, "No person has this pseudonym, or the data was erased.")
		                : T(&p, "The identity could not be revealed."));
		page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : 500);
		return rc;
	}
	status = casefile(&p, c->store, a->pseudonym, &id);
	page_end(&p, status);
	sodium_memzero(&id, sizeof(id));
	/* Shown once at GET /shown/ID: a reload posts nothing and leads back to the file (refused.c). */
	snprintf(res->once_back, sizeof(res->once_back), "/persons/%s", a->pseudonym);
	return REDRESS_OK;
}

void
page_persons_reveal(struct http_request *req, struct http_response *res)
{
	const char *pseudonym = http_param(req, "pseudonym");
	struct reveal_arg *a;
	struct page p;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	if (!page_form_copy(req, "reason", a->reason, sizeof(a->reason)) || a->reason[0] == '\0' ||
	    strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX ||
	    text_check("reason", a->reason, REGISTRY_TEXT_MAX, NULL) != REDRESS_OK) {
		struct store *store = http_store(req, res);

		free(a);
		if (store == NULL)
			return;
		page_begin(&p, req, res, N_("Case file"));
		page_notice(&p, "error", T(&p, "Give a reason for revealing the identity: it is recorded."));
		casefile(&p, store, pseudonym, NULL);
		page_end(&p, 422);
		return;
	}
	memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
	http_change_submit(req, do_reveal, a);
}
