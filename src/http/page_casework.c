/*
 * page_casework.c -- the pages of casework (domain/casework): a person's
 * casework page (her notes, contacts, referrals and grievances, and the
 * forms that add them), and the caseworker's work list (her tasks, the
 * overdue ones, the overdue grievances, the corrections waiting for a
 * second staff member).
 *
 *   GET  /persons/{pseudonym}/casework               the page (readers of files)
 *   POST /persons/{pseudonym}/casework/notes|tasks|contacts|grievances
 *   GET  /work                                       the work list (caseworkers)
 *   POST /persons/{pseudonym}/casework/corrections  a correction of her phone, address or name
 *   POST /work/tasks/{task}/done, /work/changes/{change}/approve
 *   POST /work/notes/{note}/open                     a note's text, its opening recorded with why
 *
 * Nothing sealed is shown on these pages but what a task is, to a
 * caseworker; a note's text is opened by a POST with its reason, on the
 * record, as a revealed identity is.
 * A form that worked answers 303 back to its page; one that did not says
 * why, in the page's language, and saved nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/casework/casework.h"
#include "domain/programs/programs.h"
#include "http/page.h"

/* Which form a POST is. */
enum cw_form {
	CW_FORM_NOTE,
	CW_FORM_TASK,
	CW_FORM_CONTACT,
	CW_FORM_GRIEVANCE,
	CW_FORM_DONE,
	CW_FORM_APPROVE,
	CW_FORM_CORRECT,
	CW_FORM_OPEN
};

struct cw_page_arg {
	struct page_change pc;
	enum cw_form form;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char text[CASEWORK_TEXT_MAX + 1];
	char due[16], assignee[USER_NAME_MAX + 1], channel[CASEWORK_CHANNEL_MAX + 1], outcome[32];
	char phone[REGISTRY_FIELD_MAX + 1], address[REGISTRY_FIELD_MAX + 1], name[REGISTRY_NAME_MAX + 1];
	char reason[REGISTRY_REASON_MAX + 1];
	uint64_t number;
};

static const char *const form_titles[] = {
    [CW_FORM_NOTE] = N_("Add a case note"),
    [CW_FORM_TASK] = N_("Add a task"),
    [CW_FORM_CONTACT] = N_("Record a contact"),
    [CW_FORM_GRIEVANCE] = N_("Open a grievance"),
    [CW_FORM_DONE] = N_("Work list"),
    [CW_FORM_APPROVE] = N_("Work list"),
    [CW_FORM_CORRECT] = N_("Correct her record"),
    [CW_FORM_OPEN] = N_("Case note"),
};

/* The name of each form's free-text field. */
static const char *const text_field[] = {
    [CW_FORM_NOTE] = "text",       [CW_FORM_TASK] = "what", [CW_FORM_CONTACT] = "contact_note",
    [CW_FORM_GRIEVANCE] = "about", [CW_FORM_DONE] = "text", [CW_FORM_APPROVE] = "text",
    [CW_FORM_CORRECT] = "text",    [CW_FORM_OPEN] = "text",
};

/* ---- Tables ------------------------------------------------------------------------- */

struct rows {
	struct page *p;
	size_t n;
	int kind;       /* 0 notes, 1 contacts, 2 referrals, 3 grievances, 4 tasks */
	int done_forms; /* tasks: a "done" button each */
	struct store *store;
	struct registry_keys keys;
};

/* A form of one button posting to path (with the CSRF token): "Mark done", "Approve". */
static void
button_form(struct page *p, const char *path, const char *label)
{
	html_raw_const(p->b, "<form method=\"post\"");
	html_href(p->b, "action", path);
	html_raw_const(p->b, ">");
	page_csrf(p);
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, label);
	html_raw_const(p->b, "</button></form>");
}

/* A table's head row of n columns, each heading already in the page's language. */
static void
table_head(struct page *p, const char *const *headings, size_t n)
{
	size_t i;

	html_raw_const(p->b, "<table><thead><tr>");
	for (i = 0; i < n; i++)
		page_th(p, headings[i]);
	html_raw_const(p->b, "</tr></thead><tbody>");
}

static void
number_cell(struct page *p, uint64_t n)
{
	html_raw_const(p->b, "<td>");
	html_textf(p->b, "%llu", (unsigned long long)n);
	html_raw_const(p->b, "</td>");
}

static void
when_cell(struct page *p, const char *at)
{
	html_raw_const(p->b, "<td>");
	page_when(p, at);
	html_raw_const(p->b, "</td>");
}

static const char *
outcome_words(struct page *p, const char *o)
{
	if (strcmp(o, "reached") == 0)
		return T(p, "reached");
	if (strcmp(o, "no-answer") == 0)
		return T(p, "no answer");
	if (strcmp(o, "moved") == 0)
		return T(p, "moved away");
	if (strcmp(o, "refused") == 0)
		return T(p, "refused to talk");
	return T(p, "has died");
}

/* A contact's channel in words; another (a referral's party, a grievance's way in) as typed. */
static const char *
channel_words(struct page *p, const char *c)
{
	if (strcmp(c, "visit") == 0)
		return T(p, "visit");
	if (strcmp(c, "phone") == 0)
		return T(p, "telephone");
	if (strcmp(c, "letter") == 0)
		return T(p, "letter");
	if (strcmp(c, "sms") == 0)
		return T(p, "text message");
	if (strcmp(c, "email") == 0)
		return T(p, "e-mail");
	return c;
}

static enum redress_err
row_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct rows *r = ctx;
	struct page *p = r->p;

	(void)err;
	if (r->n++ == 0) {
		html_raw_const(p->b, "<table><thead><tr>");
		page_th(p, T(p, "Number"));
		if (r->kind == 4)
			page_th(p, T(p, "Person"));
		page_th(p, r->kind == 4 ? T(p, "Due") : T(p, "When"));
		if (r->kind == 1) {
			page_th(p, T(p, "How"));
			page_th(p, T(p, "Outcome"));
		} else if (r->kind == 2) {
			page_th(p, T(p, "Referred to"));
		} else if (r->kind == 3) {
			page_th(p, T(p, "How it came"));
			page_th(p, T(p, "Days open"));
			page_th(p, T(p, "State"));
		} else if (r->kind == 0) {
			page_th(p, T(p, "Times opened"));
			if (r->done_forms)
				page_th(p, T(p, "Open"));
		} else {
			page_th(p, T(p, "What"));
			page_th(p, T(p, "For"));
			if (r->done_forms)
				page_th(p, T(p, "Done"));
		}
		page_th(p, T(p, "By"));
		html_raw_const(p->b, "</tr></thead><tbody>");
	}
	html_raw_const(p->b, "<tr>");
	number_cell(p, it->seq);
	if (r->kind == 4) {
		html_raw_const(p->b, "<td><a");
		html_href_path_suffix(p->b, "href", "/persons/", it->pseudonym, "/casework");
		html_raw_const(p->b, ">");
		html_text(p->b, it->pseudonym);
		html_raw_const(p->b, "</a></td>");
		page_td(p, it->due);
	} else {
		when_cell(p, it->at);
	}
	if (r->kind == 1) {
		page_td(p, channel_words(p, it->kind));
		page_td(p, outcome_words(p, it->outcome));
	} else if (r->kind == 2) {
		page_td(p, it->kind);
	} else if (r->kind == 3) {
		char days[16];

		snprintf(days, sizeof(days), "%d", casework_days_since(it->at));
		page_td(p, it->kind);
		page_td(p, days);
		page_td(p, it->closed_seq != 0 ? T(p, "resolved") : T(p, "not resolved"));
	} else if (r->kind == 0) {
		char n[24];

		snprintf(n, sizeof(n), "%llu", (unsigned long long)it->opened);
		page_td(p, n);
		if (r->done_forms) {
			char path[64];

			snprintf(path, sizeof(path), "/work/notes/%llu/open", (unsigned long long)it->seq);
			html_raw_const(p->b, "<td><form method=\"post\"");
			html_href(p->b, "action", path);
			html_raw_const(p->b, " class=\"open-note\">");
			page_csrf(p);
			{
				char id[32];

				snprintf(id, sizeof(id), "f-why-%llu", (unsigned long long)it->seq);
				html_raw_const(p->b, "<label");
				html_attr(p->b, "for", id);
				html_raw_const(p->b, ">");
				html_text(p->b, T(p, "Why you open it"));
				html_raw_const(p->b, "</label> <input type=\"text\" name=\"reason\" required"
				                     " autocomplete=\"off\"");
				html_attr(p->b, "id", id);
				html_raw_const(p->b, "> ");
			}
			html_raw_const(p->b, "<button type=\"submit\">");
			html_text(p->b, T(p, "Open the note"));
			html_raw_const(p->b, "</button></form></td>");
		}
	} else {
		struct buf what;
		struct redress_error e;

		buf_init_secret(&what, SEAL_PLAIN_MAX);
		if (casework_open_sealed(r->store, &r->keys, it->pseudonym, "task", it->sealed, &what, &e) ==
		    REDRESS_OK)
			page_td(p, what.data != NULL ? what.data : "");
		else
			page_td(p, T(p, "(erased)"));
		buf_free(&what);
		page_td(p, it->assignee);
		if (r->done_forms) {
			char path[64];

			snprintf(path, sizeof(path), "/work/tasks/%llu/done", (unsigned long long)it->seq);
			html_raw_const(p->b, "<td>");
			button_form(p, path, T(p, "Mark done"));
			html_raw_const(p->b, "</td>");
		}
	}
	page_td(p, page_actor(it->actor));
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

static void
section(struct page *p, const char *heading)
{
	html_raw_const(p->b, "<h2>");
	html_text(p->b, heading);
	html_raw_const(p->b, "</h2>");
}

/* ---- A person's casework page ------------------------------------------------------------ */

static void
form_begin(struct page *p, const char *pseudonym, const char *what, const char *heading)
{
	html_raw_const(p->b, "<form method=\"post\"");
	{
		char path[96];

		snprintf(path, sizeof(path), "/persons/%s/casework/%s", pseudonym, what);
		html_href(p->b, "action", path);
	}
	html_raw_const(p->b, "><fieldset><legend>");
	html_text(p->b, heading);
	html_raw_const(p->b, "</legend>");
	page_csrf(p);
}

static void
form_end(struct page *p, const char *button)
{
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, button);
	html_raw_const(p->b, "</button></fieldset></form>");
}

static void
casework_render(struct page *p, struct store *store, const char *pseudonym, int can_write, int can_open)
{
	struct rows r;
	struct redress_error err;
	enum redress_err rc;

	page_back_to_file(p, pseudonym);
	section(p, T(p, "Case notes"));
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.done_forms = can_open;
	rc = casework_notes_each(store, pseudonym, row_one, &r, &err);
	page_list_end(p, rc != REDRESS_OK, r.n, T(p, "The notes could not be read."), T(p, "No notes yet."));
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b,
	          T(p, "A note's text is sealed with her key; opening one is recorded with its reason."));
	html_raw_const(p->b, "</p>");
	section(p, T(p, "Contact attempts"));
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.kind = 1;
	rc = casework_contacts_each(store, pseudonym, row_one, &r, &err);
	page_list_end(p, rc != REDRESS_OK, r.n, T(p, "The contacts could not be read."),
	              T(p, "No attempt to reach her yet."));
	section(p, T(p, "Referrals"));
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.kind = 2;
	rc = casework_referrals_each(store, pseudonym, row_one, &r, &err);
	page_list_end(p, rc != REDRESS_OK, r.n, T(p, "The referrals could not be read."),
	              T(p, "No referrals."));
	section(p, T(p, "Grievances"));
	memset(&r, 0, sizeof(r));
	r.p = p;
	r.kind = 3;
	rc = casework_person_grievances_each(store, pseudonym, row_one, &r, &err);
	page_list_end(p, rc != REDRESS_OK, r.n, T(p, "The grievances could not be read."),
	              T(p, "No grievances."));
	if (!can_write)
		return;
	form_begin(p, pseudonym, "notes", T(p, "Add a case note"));
	page_textarea(p, N_("Note (sealed)"), "text", NULL, NULL, 1, 5);
	form_end(p, T(p, "Add the note"));
	form_begin(p, pseudonym, "tasks", T(p, "Add a task"));
	page_input_hint(p, N_("Due date"), "due", "text", NULL, NULL, 1, "off",
	                T(p, "For example 2026-12-07, 2026. 12. 7. or 2026年12月7日."));
	page_input(p, N_("What is to be done (sealed)"), "what", "text", NULL, NULL, 1, "off");
	page_input(p, N_("For (a caseworker's account; empty: you)"), "for", "text", NULL, NULL, 0, "off");
	form_end(p, T(p, "Add the task"));
	form_begin(p, pseudonym, "contacts", T(p, "Record a contact"));
	page_select_begin(p, N_("How"), "channel", NULL);
	page_option(p, "", T(p, "Choose how"), "");
	page_option(p, "visit", T(p, "visit"), NULL);
	page_option(p, "phone", T(p, "telephone"), NULL);
	page_option(p, "letter", T(p, "letter"), NULL);
	page_option(p, "sms", T(p, "text message"), NULL);
	page_option(p, "email", T(p, "e-mail"), NULL);
	page_select_end(p, "channel", NULL);
	page_select_begin(p, N_("Outcome"), "outcome", NULL);
	page_option(p, "", T(p, "Choose the outcome"), "");
	page_option(p, "reached", T(p, "reached"), NULL);
	page_option(p, "no-answer", T(p, "no answer"), NULL);
	page_option(p, "moved", T(p, "moved away"), NULL);
	page_option(p, "refused", T(p, "refused to talk"), NULL);
	page_option(p, "deceased", T(p, "has died"), NULL);
	page_select_end(p, "outcome", NULL);
	page_input(p, N_("Note (sealed)"), "contact_note", "text", NULL, NULL, 0, "off");
	form_end(p, T(p, "Record the contact"));
	form_begin(p, pseudonym, "grievances", T(p, "Open a grievance"));
	page_input_hint(p, N_("How it came"), "came", "text", NULL, NULL, 1, "off",
	                T(p, "One word: phone, letter, visit ..."));
	page_textarea(p, N_("What it is about (sealed)"), "about", NULL, NULL, 1, 3);
	form_end(p, T(p, "Open the grievance"));
	form_begin(p, pseudonym, "corrections", T(p, "Correct her record"));
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b, T(p, "Fill only what changes. A new telephone or address applies at once; a new name "
	                     "waits for a second staff member's approval."));
	html_raw_const(p->b, "</p>");
	page_input(p, N_("Telephone"), "phone", "tel", NULL, NULL, 0, "off");
	page_input(p, N_("Address"), "address", "text", NULL, NULL, 0, "off");
	page_input(p, N_("Her name"), "name", "text", NULL, NULL, 0, "off");
	page_input(p, N_("Reason for the correction"), "reason", "text", NULL, NULL, 1, "off");
	form_end(p, T(p, "Correct the record"));
}

void
page_casework_show(struct http_request *req, struct http_response *res)
{
	const char *pseudonym = http_param(req, "pseudonym");
	struct registry_person person;
	struct redress_error err;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Casework"))) == NULL)
		return;
	if (registry_get(store, pseudonym, &person, &err) != REDRESS_OK) {
		page_notice(&p, "error", T(&p, "No person has this pseudonym, or the data was erased."));
		page_end(&p, 404);
		return;
	}
	casework_render(&p, store, person.pseudonym,
	                person.status != REGISTRY_ERASED && users_allows(&req->actor, PERM_PERSONS_WRITE),
	                person.status != REGISTRY_ERASED && users_allows(&req->actor, PERM_PERSONS_REVEAL));
	page_end(&p, 200);
}

/* ---- Changes from the forms --------------------------------------------------------------- */

static const char *
refusal_words(struct page *p, const struct cw_page_arg *a, enum redress_err rc)
{
	if (rc == REDRESS_E_NOTFOUND)
		return a->form == CW_FORM_TASK
		           ? T(p, "No such person or account: check the pseudonym and the account.")
		           : T(p, "No person has this pseudonym, or the data was erased.");
	if (rc == REDRESS_E_CONFLICT)
		return T(p, "It was done already, or her record changed meanwhile: look again.");
	if (rc == REDRESS_E_CONFLICT && a->form == CW_FORM_CORRECT)
		return T(
		    p, "Another person holds this national id, or her record changed meanwhile: look again.");
	if (rc == REDRESS_E_REFUSED)
		return a->form == CW_FORM_APPROVE
		           ? T(p, "Another staff member must approve a change one proposed.")
		           : T(p, "Your role may not do this.");
	if (a->form == CW_FORM_TASK)
		return T(p, "Give a due date from today on, what is to be done, and a caseworker's account "
		            "or nothing.");
	if (a->form == CW_FORM_GRIEVANCE)
		return T(p, "Say how it came in one word, and what it is about.");
	if (a->form == CW_FORM_CONTACT)
		return T(p, "Choose how you tried to reach her, and the outcome.");
	if (a->form == CW_FORM_CORRECT)
		return T(p, "Give at least one new value, and the reason for the correction.");
	if (a->form == CW_FORM_OPEN)
		return T(p, "Say why you open the note.");
	return T(p, "Write the text without control characters, at most 8000 bytes.");
}

/* A link back to her casework page (where the forms are: a refused one is typed again there). */
static void
back_to_casework(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<p><a");
	html_href_path_suffix(p->b, "href", "/persons/", pseudonym, "/casework");
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Back to her casework"));
	html_raw_const(p->b, "</a></p>");
}

/* Opens a note (recorded, with why) and shows its text; a refusal is drawn by the caller. */
static enum redress_err
open_note(struct http_change *c, struct cw_page_arg *a, struct http_response *res, struct redress_error *err)
{
	struct buf text;
	struct page p;
	enum redress_err rc;

	rc = casework_note_open(c->log, c->actor, &c->keys, a->number, a->reason, a->pseudonym, &text, err);
	if (rc == REDRESS_OK) {
		page_change_begin(&p, &a->pc, res, form_titles[CW_FORM_OPEN]);
		page_back_to_file(&p, a->pseudonym);
		page_notice(&p, "ok", T(&p, "The opening of the note is recorded, with your reason."));
		html_raw_const(p.b, "<blockquote class=\"note-text\">");
		html_text(p.b, text.data != NULL ? text.data : "");
		html_raw_const(p.b, "</blockquote>");
		back_to_casework(&p, a->pseudonym);
		page_end(&p, 200);
	}
	buf_free(&text);
	return rc;
}

static enum redress_err
do_form(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct cw_page_arg *a = arg;
	enum casework_channel channel;
	enum casework_outcome outcome;
	uint64_t n = 0;
	char path[96];
	struct page p;
	enum redress_err rc;

	switch (a->form) {
	case CW_FORM_NOTE:
		rc = casework_note_add(c->log, c->actor, &c->keys, a->pseudonym, a->text, &n, err);
		break;
	case CW_FORM_TASK:
		/* Nobody named: the task is hers who adds it, so that it is on her work list. */
		rc = casework_task_add(c->log, c->actor, &c->keys, a->pseudonym, a->due, a->text,
		                       a->assignee[0] != '\0' ? a->assignee : c->actor->name, &n, err);
		break;
	case CW_FORM_CONTACT:
		if ((rc = casework_channel_parse(a->channel, &channel, err)) == REDRESS_OK &&
		    (rc = casework_outcome_parse(a->outcome, &outcome, err)) == REDRESS_OK)
			rc = casework_contact_add(c->log, c->actor, &c->keys, a->pseudonym, channel, outcome,
			                          a->text[0] != '\0' ? a->text : NULL, &n, err);
		break;
	case CW_FORM_GRIEVANCE:
		rc = casework_grievance_open(c->log, c->actor, &c->keys, a->pseudonym, a->channel, a->text,
		                             &n, err);
		break;
	case CW_FORM_DONE: rc = casework_task_done(c->log, c->actor, a->number, err); break;
	case CW_FORM_CORRECT: {
		struct registry_update u;

		memset(&u, 0, sizeof(u));
		u.phone = a->phone[0] != '\0' ? a->phone : NULL;
		u.address = a->address[0] != '\0' ? a->address : NULL;
		u.name = a->name[0] != '\0' ? a->name : NULL;
		u.frailty = -1;
		rc = registry_update(c->log, c->actor, &c->keys, a->pseudonym, &u, a->reason, &n, err);
		break;
	}
	case CW_FORM_OPEN: return open_note(c, a, res, err);
	default: rc = registry_change_decide(c->log, c->actor, &c->keys, a->number, 1, err); break;
	}
	if (rc == REDRESS_OK && a->form == CW_FORM_OPEN)
		return rc;
	if (rc == REDRESS_OK) {
		if (a->form == CW_FORM_DONE || a->form == CW_FORM_APPROVE)
			page_redirect(res, "/work");
		else {
			snprintf(path, sizeof(path), "/persons/%s/casework", a->pseudonym);
			page_redirect(res, path);
		}
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, form_titles[a->form]);
	if (a->form == CW_FORM_DONE || a->form == CW_FORM_APPROVE ||
	    (a->form == CW_FORM_OPEN && a->pseudonym[0] == '\0')) {
		html_raw_const(p.b, "<p><a href=\"/work\">");
		html_text(p.b, T(&p, "Back to the work list"));
		html_raw_const(p.b, "</a></p>");
	} else {
		page_back_to_file(&p, a->pseudonym);
		back_to_casework(&p, a->pseudonym);
	}
	page_notice(&p, "error", refusal_words(&p, a, rc));
	page_notice(&p, "info", T(&p, "Nothing was saved."));
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : rc == REDRESS_E_CONFLICT ? 409 : 422);
	return rc;
}

/* Reads form kind's fields and submits it; a field that does not fit is refused here. */
static void
form_post(struct http_request *req, struct http_response *res, enum cw_form form)
{
	struct cw_page_arg *a = calloc(1, sizeof(*a));
	const char *pseudonym = http_param(req, "pseudonym");
	int ok = 1;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	a->form = form;
	if (form == CW_FORM_DONE || form == CW_FORM_APPROVE || form == CW_FORM_OPEN) {
		const char *t = http_param(req, form == CW_FORM_DONE   ? "task"
		                                : form == CW_FORM_OPEN ? "note"
		                                                       : "change");
		size_t i;

		for (i = 0; t != NULL && t[i] >= '0' && t[i] <= '9' && i < 18; i++)
			a->number = a->number * 10 + (uint64_t)(t[i] - '0');
		if (t == NULL || i == 0 || t[i] != '\0' || a->number == 0) {
			free(a);
			http_page_refuse(req, res, 404);
			return;
		}
		if (form == CW_FORM_OPEN)
			ok = page_form_copy(req, "reason", a->reason, sizeof(a->reason)) &&
			     a->reason[0] != '\0';
	} else {
		if (pseudonym == NULL || strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX) {
			free(a);
			http_page_refuse(req, res, 404);
			return;
		}
		memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
		/* Each form's fields have names of their own: one page holds them all, each id once. */
		ok = page_form_copy(req, text_field[form], a->text, sizeof(a->text)) &&
		     page_form_copy(req, form == CW_FORM_GRIEVANCE ? "came" : "channel", a->channel,
		                    sizeof(a->channel)) &&
		     page_form_copy(req, "outcome", a->outcome, sizeof(a->outcome)) &&
		     page_form_copy(req, "for", a->assignee, sizeof(a->assignee)) &&
		     page_form_copy(req, "due", a->due, sizeof(a->due)) &&
		     page_form_copy(req, "phone", a->phone, sizeof(a->phone)) &&
		     page_form_copy(req, "address", a->address, sizeof(a->address)) &&
		     page_form_copy(req, "name", a->name, sizeof(a->name)) &&
		     page_form_copy(req, "reason", a->reason, sizeof(a->reason));
		if (ok && form == CW_FORM_TASK && page_date_parse(a->due, a->due) != 0)
			ok = 0;
	}
	if (ok) {
		http_change_submit(req, do_form, a);
		return;
	}
	{
		struct page p;

		page_begin_failed(&p, req, res, form_titles[form]);
		if (a->pseudonym[0] != '\0') {
			page_back_to_file(&p, a->pseudonym);
			back_to_casework(&p, a->pseudonym);
		}
		page_notice(&p, "error", refusal_words(&p, a, REDRESS_E_INVALID));
		page_notice(&p, "info", T(&p, "Nothing was saved."));
		page_end(&p, 422);
	}
	sodium_memzero(a, sizeof(*a));
	free(a);
}

void
page_casework_note(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_NOTE);
}

void
page_casework_task(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_TASK);
}

void
page_casework_contact(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_CONTACT);
}

void
page_casework_grievance(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_GRIEVANCE);
}

void
page_work_task_done(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_DONE);
}

void
page_work_change_approve(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_APPROVE);
}

void
page_casework_correct(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_CORRECT);
}

void
page_work_note_open(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_OPEN);
}

/* ---- The work list ------------------------------------------------------------------------ */

struct changes_rows {
	struct page *p;
	size_t n;
};

static enum redress_err
change_row(void *ctx, const struct registry_change *ch, struct redress_error *err)
{
	struct changes_rows *r = ctx;
	struct page *p = r->p;
	char path[64];

	(void)err;
	if (r->n++ == 0) {
		const char *const h[] = {T(p, "Number"), T(p, "Person"), T(p, "Fields"), T(p, "Proposed by"),
		                         T(p, "Approve")};

		table_head(p, h, sizeof(h) / sizeof(h[0]));
	}
	html_raw_const(p->b, "<tr>");
	number_cell(p, ch->seq);
	page_td(p, ch->pseudonym);
	page_td(p, ch->fields);
	page_td(p, page_actor(ch->actor));
	html_raw_const(p->b, "<td>");
	if (strcmp(page_actor(ch->actor), p->req->actor.name) == 0) {
		html_text(p->b, T(p, "another staff member approves it"));
	} else {
		snprintf(path, sizeof(path), "/work/changes/%llu/approve", (unsigned long long)ch->seq);
		button_form(p, path, T(p, "Approve"));
	}
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

#define OUTREACH_ROWS 20 /* people of a program's outreach list on the work list */

struct outreach_rows {
	struct page *p;
	struct store *store;
	size_t n;
};

static enum redress_err
outreach_row(void *ctx, const struct casework_outreach *o, struct redress_error *err)
{
	struct outreach_rows *r = ctx;
	struct page *p = r->p;
	char n[16];

	(void)err;
	if (r->n++ == 0) {
		const char *const h[] = {T(p, "Person"), T(p, "Born"), T(p, "Frailty"), T(p, "Attempts"),
		                         T(p, "Last attempt")};

		table_head(p, h, sizeof(h) / sizeof(h[0]));
	}
	html_raw_const(p->b, "<tr>");
	html_raw_const(p->b, "<td><a");
	html_href_path_suffix(p->b, "href", "/persons/", o->pseudonym, "/casework");
	html_raw_const(p->b, ">");
	html_text(p->b, o->pseudonym);
	html_raw_const(p->b, "</a></td>");
	snprintf(n, sizeof(n), "%d", o->birth_year);
	page_td(p, n);
	snprintf(n, sizeof(n), "%d", o->frailty);
	page_td(p, n);
	snprintf(n, sizeof(n), "%llu", (unsigned long long)o->attempts);
	page_td(p, n);
	if (o->at[0] != '\0') {
		html_raw_const(p->b, "<td>");
		html_text(p->b, outcome_words(p, o->outcome));
		html_raw_const(p->b, ", ");
		page_when(p, o->at);
		html_raw_const(p->b, "</td>");
	} else {
		page_td(p, T(p, "never tried"));
	}
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

static enum redress_err
outreach_program(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct outreach_rows *r = ctx;
	struct page *p = r->p;
	enum redress_err rc;

	html_raw_const(p->b, "<h3>");
	html_text(p->b, prog->name);
	html_raw_const(p->b, "</h3>");
	r->n = 0;
	rc = casework_outreach_each(r->store, prog->code, OUTREACH_ROWS, outreach_row, r, err);
	page_list_end(p, rc != REDRESS_OK, r->n, T(p, "The outreach list could not be read."),
	              T(p, "Everyone this program owes has been reached, or declined."));
	return REDRESS_OK;
}

void
page_work(struct http_request *req, struct http_response *res)
{
	struct casework_task_filter mine = {NULL, 0, 1}, overdue = {NULL, 1, 1};
	struct changes_rows cr;
	struct redress_error err;
	struct store *store;
	struct page p;
	struct rows r;
	enum redress_err rc;

	if ((store = page_open(&p, req, res, N_("Work list"))) == NULL)
		return;
	if (!users_allows(&req->actor, PERM_PERSONS_WRITE)) {
		/* An admin or a reviewer: the overdue grievances, which an admin escalates; no sealed task.
		 */
		section(&p, T(&p, "Overdue grievances"));
		memset(&r, 0, sizeof(r));
		r.p = &p;
		r.kind = 3;
		rc = casework_grievances_each(store, 1, CASEWORK_GRIEVANCE_DAYS, row_one, &r, &err);
		page_list_end(&p, rc != REDRESS_OK, r.n, T(&p, "The grievances could not be read."),
		              T(&p, "No grievance has been open longer than 30 days."));
		page_end(&p, 200);
		return;
	}
	mine.assignee = req->actor.name;
	section(&p, T(&p, "Overdue tasks"));
	memset(&r, 0, sizeof(r));
	r.p = &p;
	r.kind = 4;
	r.done_forms = 1;
	r.store = store;
	r.keys = http_registry_keys(req);
	rc = casework_tasks_each(store, &overdue, row_one, &r, &err);
	page_list_end(&p, rc != REDRESS_OK, r.n, T(&p, "The tasks could not be read."),
	              T(&p, "Nothing is overdue."));
	section(&p, T(&p, "My open tasks"));
	r.n = 0;
	rc = casework_tasks_each(store, &mine, row_one, &r, &err);
	page_list_end(&p, rc != REDRESS_OK, r.n, T(&p, "The tasks could not be read."),
	              T(&p, "No open task is given to you."));
	section(&p, T(&p, "Overdue grievances"));
	memset(&r, 0, sizeof(r));
	r.p = &p;
	r.kind = 3;
	rc = casework_grievances_each(store, 1, CASEWORK_GRIEVANCE_DAYS, row_one, &r, &err);
	page_list_end(&p, rc != REDRESS_OK, r.n, T(&p, "The grievances could not be read."),
	              T(&p, "No grievance has been open longer than 30 days."));
	section(&p, T(&p, "Corrections waiting for approval"));
	cr.p = &p;
	cr.n = 0;
	rc = registry_changes_each(store, 1, change_row, &cr, &err);
	page_list_end(&p, rc != REDRESS_OK, cr.n, T(&p, "The corrections could not be read."),
	              T(&p, "No correction is waiting."));
	section(&p, T(&p, "Not yet reached: most frail and oldest first"));
	{
		struct outreach_rows orows = {&p, store, 0};

		if (program_each(store, outreach_program, &orows, &err) != REDRESS_OK)
			page_notice(&p, "error", T(&p, "The outreach list could not be read."));
	}
	page_end(&p, 200);
}

static enum redress_err
count_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	(void)it;
	(void)err;
	(*(uint64_t *)ctx)++;
	return REDRESS_OK;
}

void
page_casework_overdue_notice(struct page *p, struct store *store)
{
	struct casework_task_filter overdue = {NULL, 1, 1};
	struct redress_error err;
	uint64_t n = 0;

	if (!users_allows(&p->req->actor, PERM_PERSONS_WRITE) ||
	    casework_tasks_each(store, &overdue, count_one, &n, &err) != REDRESS_OK || n == 0)
		return;
	html_raw_const(p->b, "<div class=\"notice notice-info\" role=\"status\"><p>");
	html_text(p->b, T(p, "Overdue tasks"));
	html_textf(p->b, ": %llu.", (unsigned long long)n);
	html_raw_const(p->b, " <a href=\"/work\">");
	html_text(p->b, T(p, "See the work list"));
	html_raw_const(p->b, "</a></p></div>");
}
