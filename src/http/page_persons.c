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
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "http/page.h"

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
	uint64_t last;
};

static enum redress_err
list_row(void *ctx, const struct registry_person *person, struct redress_error *err)
{
	struct list *l = ctx;
	struct page *p = l->p;

	(void)err;
	html_raw_const(p->b, "<tr><td><a");
	html_href_path(p->b, "href", "/persons/", person->pseudonym);
	html_raw_const(p->b, ">");
	html_text(p->b, person->pseudonym);
	html_raw_const(p->b, "</a></td><td>");
	html_text(p->b, kind_words(p, person->kind));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, status_words(p, person->status));
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%d", person->birth_year);
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%d", person->frailty);
	html_raw_const(p->b, "</td></tr>");
	l->count++;
	l->last = person->registered_seq;
	return REDRESS_OK;
}

static void
find_form(struct page *p, const char *q, const char *error)
{
	html_raw_const(p->b,
	               "<form class=\"form search\" method=\"get\" action=\"/persons\" role=\"search\">");
	page_input(p, N_("Pseudonym"), "q", "search", q, error, 1, "off");
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b, T(p, "A pseudonym looks like V-000042 (a victim) or R-000007 (a relative)."));
	html_raw_const(p->b, "</p><button type=\"submit\">");
	html_text(p->b, T(p, "Find"));
	html_raw_const(p->b, "</button></form>");
}

void
page_persons_find(struct http_request *req, struct http_response *res)
{
	const char *q = http_query(req, "q"), *after_text = http_query(req, "after");
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1], path[64];
	struct registry_person person;
	struct redress_error err;
	struct list l;
	struct store *store;
	struct page p;
	uint64_t after = 0;
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
		if (registry_get(store, pseudonym, &person, &err) == REDRESS_OK) {
			page_lang(req, res);
			snprintf(path, sizeof(path), "/persons/%s", person.pseudonym);
			page_redirect(res, path);
			return;
		}
		page_begin(&p, req, res, N_("Find a person"));
		find_form(&p, q, T(&p, "No person has this pseudonym. Check it and try again."));
		page_end(&p, 404);
		return;
	}
	if (after_text != NULL)
		after = strtoull(after_text, NULL, 10);
	page_begin(&p, req, res, N_("Find a person"));
	find_form(&p, NULL, NULL);
	html_raw_const(p.b, "<h2 id=\"list-title\">");
	html_text(p.b, T(&p, "Persons in order of registration"));
	html_raw_const(p.b, "</h2><table aria-labelledby=\"list-title\"><thead><tr><th scope=\"col\">");
	html_text(p.b, T(&p, "Pseudonym"));
	html_raw_const(p.b, "</th><th scope=\"col\">");
	html_text(p.b, T(&p, "Kind"));
	html_raw_const(p.b, "</th><th scope=\"col\">");
	html_text(p.b, T(&p, "Status"));
	html_raw_const(p.b, "</th><th scope=\"col\">");
	html_text(p.b, T(&p, "Birth year"));
	html_raw_const(p.b, "</th><th scope=\"col\">");
	html_text(p.b, T(&p, "Frailty"));
	html_raw_const(p.b, "</th></tr></thead><tbody>");
	l.p = &p;
	l.count = 0;
	l.last = 0;
	if (registry_page(store, -1, after, LIST_PAGE, list_row, &l, &err) != REDRESS_OK) {
		html_raw_const(p.b, "</tbody></table>");
		page_notice(&p, "error", T(&p, "The list could not be read. Try again in a moment."));
		page_end(&p, 500);
		return;
	}
	html_raw_const(p.b, "</tbody></table>");
	if (l.count == LIST_PAGE) {
		char next[24];

		snprintf(next, sizeof(next), "%llu", (unsigned long long)l.last);
		html_raw_const(p.b, "<p><a");
		html_href_path(p.b, "href", "/persons?after=", next);
		html_raw_const(p.b, ">");
		html_text(p.b, T(&p, "Next page"));
		html_raw_const(p.b, "</a></p>");
	}
	page_end(&p, 200);
}

/* ---- Registering a person ------------------------------------------------------------ */

/* The form's fields as typed, and what is wrong with each (NULL: nothing). */
struct reg_form {
	struct registry_new_person person;
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
	page_input(p, N_("Date of birth (YYYY-MM-DD)"), "birth_date", "text",
	           id != NULL ? id->birth_date : NULL, e[F_BIRTH], 1, "off");
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
	page_change_begin(&p, &a->pc, res, N_("Register a person"));
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
	if (!page_form_copy(req, "birth_date", id->birth_date, sizeof(id->birth_date)) ||
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
		page_begin(&p, req, res, N_("Register a person"));
		reg_render(&p, &a->form, T(&p, "Nothing was saved: correct the fields marked below."), 422);
		sodium_memzero(a, sizeof(*a));
		free(a);
		return;
	}
	http_change_submit(req, do_register, a);
}

/* ---- Consent and consultations ---------------------------------------------------------- */

static void
consent_form(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<h3>");
	html_text(p->b, T(p, "Record consent"));
	html_raw_const(p->b, "</h3><form class=\"form\" method=\"post\"");
	html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/consents");
	html_raw_const(p->b, ">");
	page_csrf(p);
	page_select_begin(p, N_("Scope"), "scope", NULL);
	page_option(p, "processing", T(p, "processing of the case"), NULL);
	page_option(p, "statistics", T(p, "counting in statistics"), NULL);
	page_option(p, "contact", T(p, "being contacted"), NULL);
	page_select_end(p, "scope", NULL);
	page_select_begin(p, N_("Consent"), "given", NULL);
	page_option(p, "grant", T(p, "granted"), NULL);
	page_option(p, "withdraw", T(p, "withdrawn"), NULL);
	page_select_end(p, "given", NULL);
	page_input(p, N_("How it was given (in person, by telephone ...)"), "method", "text", NULL, NULL, 1,
	           "off");
	page_input(p, N_("Witness"), "witness", "text", NULL, NULL, 0, "off");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Record consent"));
	html_raw_const(p->b, "</button></form>");
}

static void
consult_form(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<h3>");
	html_text(p->b, T(p, "Record a consultation"));
	html_raw_const(p->b, "</h3><form class=\"form\" method=\"post\"");
	html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/consultations");
	html_raw_const(p->b, ">");
	page_csrf(p);
	page_select_begin(p, N_("The person's wish"), "wish", NULL);
	page_option(p, "accept", T(p, "accepts the payment"), NULL);
	page_option(p, "decline", T(p, "declines the payment"), NULL);
	page_option(p, "undecided", T(p, "undecided: ask again later"), NULL);
	page_select_end(p, "wish", NULL);
	page_input(p, N_("Summary of what was said (sealed)"), "summary", "text", NULL, NULL, 0, "off");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Record the consultation"));
	html_raw_const(p->b, "</button></form>");
}

struct record_arg {
	struct page_change pc;
	int kind; /* RECORD_CONSENT, RECORD_CONSULT, RECORD_HEIR */
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char scope[REGISTRY_SCOPE_MAX + 1];
	int given;
	char method[REGISTRY_TEXT_MAX + 1];
	char witness[REGISTRY_TEXT_MAX + 1];
	enum registry_wish wish;
	char summary[REGISTRY_TEXT_MAX + 1];
	char relative[REGISTRY_PSEUDONYM_MAX + 1]; /* an heir: who, how related, what share */
	char relation[REGISTRY_SCOPE_MAX + 1];
	int64_t num, den;
	char date[11]; /* a death: YYYY-MM-DD */
};

enum { RECORD_CONSENT, RECORD_CONSULT, RECORD_HEIR, RECORD_DEATH };

static unsigned casefile(struct page *p, struct store *store, const char *pseudonym,
                         const struct registry_identity *id);

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
	} else if (a->kind == RECORD_CONSULT)
		rc = registry_consult(c->log, c->actor, &c->keys, a->pseudonym, a->wish,
		                      a->summary[0] != '\0' ? a->summary : NULL, err);
	else if (a->kind == RECORD_HEIR)
		rc = registry_relation_add(c->log, c->actor, a->pseudonym, a->relative, a->relation, a->num,
		                           a->den, err);
	else
		rc = registry_consent(c->log, c->actor, &c->keys, a->pseudonym, a->scope, a->given, a->method,
		                      a->witness[0] != '\0' ? a->witness : NULL, err);
	if (rc == REDRESS_OK) {
		snprintf(path, sizeof(path), "/persons/%s", a->pseudonym);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin(&p, &a->pc, res, N_("Case file"));
	page_notice(&p, "error", T(&p, "It could not be recorded, and nothing was saved."));
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b, err->message);
	html_raw_const(p.b, "</p>");
	page_end(&p, casefile(&p, c->store, a->pseudonym, NULL) == 200 ? 422 : 404);
	return rc;
}

/* Reads a consent, consultation or heir form; submits it, or answers the case file with what is wrong. */
static void
record(struct http_request *req, struct http_response *res, int kind)
{
	const char *pseudonym = http_param(req, "pseudonym"), *given = http_form_field(req, "given"),
	           *wish = http_form_field(req, "wish");
	struct record_arg *a = calloc(1, sizeof(*a));
	struct redress_error err;
	const char *problem = NULL;
	struct store *store;
	struct page p;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	a->kind = kind;
	if (strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX)
		problem = N_("No person has this pseudonym.");
	else
		memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
	if (kind == RECORD_HEIR) {
		char share[32];

		size_t i;

		if (!page_form_copy(req, "relative", a->relative, sizeof(a->relative)) ||
		    a->relative[0] == '\0')
			problem = N_("Give the relative's pseudonym (register the relative first).");
		/* Pseudonyms are upper case; people type them as they come. */
		for (i = 0; a->relative[i] != '\0'; i++) {
			if (a->relative[i] >= 'a' && a->relative[i] <= 'z')
				a->relative[i] = (char)(a->relative[i] - 'a' + 'A');
		}
		if (problem == NULL && (!page_form_copy(req, "relation", a->relation, sizeof(a->relation)) ||
		                        a->relation[0] == '\0'))
			problem = N_("Say how the relative is related: daughter, son, niece ...");
		if (problem == NULL && (!page_form_copy(req, "share", share, sizeof(share)) ||
		                        registry_share_parse(share, &a->num, &a->den, &err) != REDRESS_OK))
			problem = N_("Give the share as a fraction, such as 1/2 or 1/1.");
	} else if (kind == RECORD_DEATH) {
		if (!page_form_copy(req, "date", a->date, sizeof(a->date)) ||
		    registry_date_check("date", a->date, &err) != REDRESS_OK)
			problem = N_("Give the date of death as YYYY-MM-DD.");
	} else if (kind == RECORD_CONSULT) {
		if (wish == NULL || registry_wish_parse(wish, &a->wish, &err) != REDRESS_OK ||
		    a->wish == REGISTRY_WISH_NONE)
			problem = N_("Choose what the person wishes.");
		else if (!page_form_copy(req, "summary", a->summary, sizeof(a->summary)))
			problem = N_("The summary is too long.");
	} else {
		a->given = given != NULL && strcmp(given, "grant") == 0;
		if (!page_form_copy(req, "scope", a->scope, sizeof(a->scope)) || a->scope[0] == '\0')
			problem = N_("Choose the scope of the consent.");
		else if (given == NULL || (strcmp(given, "grant") != 0 && strcmp(given, "withdraw") != 0))
			problem = N_("Say whether consent was granted or withdrawn.");
		else if (!page_form_copy(req, "method", a->method, sizeof(a->method)) || a->method[0] == '\0')
			problem = N_("Say how the consent was given: in person, by telephone ...");
		else if (!page_form_copy(req, "witness", a->witness, sizeof(a->witness)))
			problem = N_("The witness is too long.");
	}
	if (problem == NULL) {
		http_change_submit(req, do_record, a);
		return;
	}
	sodium_memzero(a, sizeof(*a));
	free(a);
	if ((store = page_open(&p, req, res, N_("Case file"))) == NULL)
		return;
	page_notice(&p, "error", i18n_get(p.lang, problem));
	page_end(&p, casefile(&p, store, pseudonym, NULL) == 200 ? 422 : 404);
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

static void
death_form(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<h3>");
	html_text(p->b, T(p, "Record a death"));
	html_raw_const(p->b, "</h3><p class=\"hint\">");
	html_text(p->b, T(p, "What the person was owed and not yet paid passes to her heirs in the same "
	                     "change."));
	html_raw_const(p->b, "</p><form class=\"form\" method=\"post\"");
	html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/death");
	html_raw_const(p->b, ">");
	page_csrf(p);
	page_input(p, N_("Date of death"), "date", "date", NULL, NULL, 1, "off");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Record the death"));
	html_raw_const(p->b, "</button></form>");
}

static void
heir_form(struct page *p, const char *victim)
{
	html_raw_const(p->b, "<h3>");
	html_text(p->b, T(p, "Record an heir"));
	html_raw_const(p->b, "</h3><form class=\"form\" method=\"post\"");
	html_href_path_suffix(p->b, "action", "/persons/", victim, "/heirs");
	html_raw_const(p->b, ">");
	page_csrf(p);
	page_input(p, N_("Relative's pseudonym"), "relative", "text", NULL, NULL, 1, "off");
	page_input(p, N_("Relation (daughter, son ...)"), "relation", "text", NULL, NULL, 1, "off");
	page_input(p, N_("Share (a fraction: 1/2)"), "share", "text", NULL, NULL, 1, "off");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Record the heir"));
	html_raw_const(p->b, "</button></form>");
}

/* ---- The case file ----------------------------------------------------------------- */

/* A cell with an event's time: the date in the page's language, then the time of day in UTC. */
static void
td_when(struct page *p, const char *at)
{
	char day[11];
	struct buf date;

	buf_init(&date, 128);
	text_copy(day, sizeof(day), at);
	i18n_date(&date, p->lang, day);
	html_raw_const(p->b, "<td>");
	html_text(p->b, date.data);
	if (strlen(at) >= 16) {
		html_raw_const(p->b, " ");
		html_textn(p->b, at + 11, 5);
		html_raw_const(p->b, " UTC");
	}
	html_raw_const(p->b, "</td>");
	buf_free(&date);
}

static enum redress_err
consent_event_row(void *ctx, const struct registry_consent_event *e, struct redress_error *err)
{
	struct page *p = ctx;

	(void)err;
	html_raw_const(p->b, "<tr>");
	td_when(p, e->at);
	html_raw_const(p->b, "<td>");
	html_text(p->b, e->scope);
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, e->given ? T(p, "granted") : T(p, "withdrawn"));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, e->actor);
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
	html_raw_const(p->b, "</h3><table><thead><tr>");
	page_th(p, T(p, "When"));
	page_th(p, T(p, "Scope"));
	page_th(p, T(p, "Word"));
	page_th(p, T(p, "Recorded by"));
	page_th(p, T(p, "Log event"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	if (registry_consent_history(store, pseudonym, consent_event_row, p, &err) != REDRESS_OK)
		page_notice(p, "error", T(p, "The history of consent could not be read."));
	html_raw_const(p->b, "</tbody></table><p class=\"hint\">");
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
		html_raw_const(p->b, "<table><thead><tr>");
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
	html_text(p->b, c->actor);
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
	if (cc.n > 0) {
		html_raw_const(p->b, "</tbody></table><p class=\"hint\">");
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

/*
 * Writes the case file of pseudonym from store, with identity when id is
 * not NULL (just revealed).  Returns the status for the page.
 */
static unsigned
casefile(struct page *p, struct store *store, const char *pseudonym, const struct registry_identity *id)
{
	struct registry_person person;
	struct redress_error err;
	json_t *file = NULL, *consents, *heirs, *v;
	const char *scope, *wish;
	int may_record;
	char number[32];
	struct buf date;
	size_t i;

	if (registry_file_json(store, pseudonym, &person, &file, &err) != REDRESS_OK) {
		page_notice(p, "error",
		            err.code == REDRESS_E_NOTFOUND ? T(p, "No person has this pseudonym.")
		                                           : T(p, "The case file could not be read."));
		return err.code == REDRESS_E_NOTFOUND ? 404 : 500;
	}
	may_record = users_allows(&p->req->actor, PERM_CONSENT_WRITE) && person.status != REGISTRY_ERASED;
	buf_init(&date, 128);
	html_raw_const(p->b, "<p class=\"pseudonym\">");
	html_text(p->b, person.pseudonym);
	html_raw_const(p->b, "</p>");
	section(p, "s-facts", T(p, "What the fund knows in clear"));
	html_raw_const(p->b, "<dl class=\"facts\">");
	page_fact(p, T(p, "Kind"), kind_words(p, person.kind));
	page_fact(p, T(p, "Status"), status_words(p, person.status));
	snprintf(number, sizeof(number), "%d", person.birth_year);
	page_fact(p, T(p, "Birth year"), number);
	if (person.death_date[0] != '\0') {
		i18n_date(&date, p->lang, person.death_date);
		page_fact(p, T(p, "Date of death"), date.data);
	}
	page_fact(p, T(p, "Region code"), person.region);
	page_fact(p, T(p, "Language"), language_name(person.language));
	snprintf(number, sizeof(number), "%d", person.frailty);
	page_fact(p, T(p, "Frailty"), number);
	html_raw_const(p->b, "</dl>");
	if (person.status == REGISTRY_ALIVE && users_allows(&p->req->actor, PERM_PERSONS_WRITE))
		death_form(p, person.pseudonym);
	if (person.status != REGISTRY_ERASED && users_allows(&p->req->actor, PERM_PERSONS_ERASE)) {
		html_raw_const(p->b, "<p><a");
		html_href_path_suffix(p->b, "href", "/persons/", person.pseudonym, "/erase");
		html_raw_const(p->b, ">");
		html_text(p->b, T(p, "Erase this person's data"));
		html_raw_const(p->b, "</a></p>");
	}
	html_raw_const(p->b, "</section>");

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
	} else if (person.status == REGISTRY_ERASED) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "This person's data was erased: the identity can no longer be read."));
		html_raw_const(p->b, "</p>");
	} else if (users_allows(&p->req->actor, PERM_PERSONS_REVEAL)) {
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

	section(p, "s-wishes", T(p, "Consultations and wishes"));
	wish = json_string_value(json_object_get(file, "wish"));
	html_raw_const(p->b, "<p>");
	html_text(p->b, T(p, "Latest wish:"));
	html_raw_const(p->b, " <strong>");
	html_text(p->b, wish_words(p, wish != NULL ? wish : "none"));
	html_raw_const(p->b, "</strong></p>");
	consultations(p, store, person.pseudonym);
	if (may_record)
		consult_form(p, person.pseudonym);
	html_raw_const(p->b, "</section>");

	section(p, "s-consent", T(p, "Consent per scope"));
	consents = json_object_get(file, "consents");
	if (json_object_size(consents) == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "No consent has been recorded."));
		html_raw_const(p->b, "</p>");
	} else {
		html_raw_const(p->b, "<table><thead><tr><th scope=\"col\">");
		html_text(p->b, T(p, "Scope"));
		html_raw_const(p->b, "</th><th scope=\"col\">");
		html_text(p->b, T(p, "Latest word"));
		html_raw_const(p->b, "</th><th scope=\"col\">");
		html_text(p->b, T(p, "Log event"));
		html_raw_const(p->b, "</th></tr></thead><tbody>");
		json_object_foreach(consents, scope, v)
		{
			html_raw_const(p->b, "<tr><td>");
			html_text(p->b, scope);
			html_raw_const(p->b, "</td><td>");
			html_text(p->b, json_is_true(json_object_get(v, "given")) ? T(p, "granted")
			                                                          : T(p, "withdrawn"));
			html_raw_const(p->b, "</td><td>");
			html_textf(p->b, "%lld", (long long)json_integer_value(json_object_get(v, "event")));
			html_raw_const(p->b, "</td></tr>");
		}
		html_raw_const(p->b, "</tbody></table>");
		consent_history(p, store, person.pseudonym);
	}
	if (may_record)
		consent_form(p, person.pseudonym);
	html_raw_const(p->b, "</section>");

	if (person.kind == REGISTRY_VICTIM) {
		section(p, "s-heirs", T(p, "Heirs"));
		heirs = json_object_get(file, "heirs");
		if (json_array_size(heirs) == 0) {
			html_raw_const(p->b, "<p>");
			html_text(p->b, T(p, "No heir has been recorded."));
			html_raw_const(p->b, "</p>");
		} else {
			html_raw_const(p->b, "<table><thead><tr><th scope=\"col\">");
			html_text(p->b, T(p, "Relative"));
			html_raw_const(p->b, "</th><th scope=\"col\">");
			html_text(p->b, T(p, "Share"));
			html_raw_const(p->b, "</th></tr></thead><tbody>");
			json_array_foreach(heirs, i, v)
			{
				const char *relative = json_string_value(json_object_get(v, "relative"));

				html_raw_const(p->b, "<tr><td><a");
				html_href_path(p->b, "href", "/persons/", relative);
				html_raw_const(p->b, ">");
				html_text(p->b, relative);
				html_raw_const(p->b, "</a></td><td>");
				html_text(p->b, json_string_value(json_object_get(v, "share")));
				html_raw_const(p->b, "</td></tr>");
			}
			html_raw_const(p->b, "</tbody></table>");
		}
		if (users_allows(&p->req->actor, PERM_PERSONS_WRITE) && person.status != REGISTRY_ERASED)
			heir_form(p, person.pseudonym);
		html_raw_const(p->b, "</section>");
		if (users_allows(&p->req->actor, PERM_CLAIMS_READ)) {
			section(p, "s-claims", T(p, "Claims"));
			page_claims_table(p, store, -1, person.pseudonym);
			if (users_allows(&p->req->actor, PERM_CLAIMS_INTAKE) &&
			    person.status != REGISTRY_ERASED)
				page_claim_open_form(p, store, person.pseudonym);
			html_raw_const(p->b, "</section>");
		}
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
