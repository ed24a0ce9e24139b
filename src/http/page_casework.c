/*
 * page_casework.c -- the pages of casework (domain/casework): a person's
 * casework page (her notes, contacts, referrals and grievances, and the
 * forms that add them), and the caseworker's work list (her tasks, the
 * overdue ones, the overdue grievances, the corrections waiting for a
 * second staff member, and who is not yet reached).
 *
 *   GET  /persons/{pseudonym}/casework               the page (readers of files)
 *   POST /persons/{pseudonym}/casework/notes|tasks|contacts|referrals|grievances|corrections
 *   POST /persons/{pseudonym}/casework/proofs|transfer  a proof of life; a move to another office
 *                                                    (domain/offices; offered only when there is one)
 *   GET  /work                                       the work list (caseworkers)
 *   POST /work/tasks/{task}/done, /work/changes/{change}/approve|reject
 *   POST /work/grievances/{grievance}/resolve        a grievance's outcome (sealed)
 *   POST /work/referrals/{referral}/outcome          what came of a referral (sealed)
 *   POST /work/notes/{note}/open                     a note's text, its opening recorded with why
 *   POST /persons/{pseudonym}/notices/{kind}         a letter to her (http/notice.h), shown once;
 *                                                    with format=pdf, a PDF to download
 *
 * Nothing sealed is shown on these pages but what a task is, to a
 * caseworker; a note's text is opened by a POST with its reason, on the
 * record, as a revealed identity is.  At phone width the lists come first
 * and each form is folded (<details>) under its title, so that the page
 * is a few screens, not a dozen; the work list's tasks are a list of
 * cards, each with its "Mark done" button under it, never a table wider
 * than the screen.
 * A form that worked answers 303 back to its page; one that did not is
 * drawn again with what was typed and why it was refused beside the field
 * (refused.c keeps that answer for a reload), and saved nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/casework/casework.h"
#include "domain/entitlements/entitlements.h"
#include "domain/offices/offices.h"
#include "domain/programs/programs.h"
#include "http/notice.h"
#include "http/page.h"

/* Which form a POST is: the person's forms first (they post to /persons/{p}/casework/PATH). */
enum cw_form {
	CW_FORM_NOTE,
	CW_FORM_TASK,
	CW_FORM_CONTACT,
	CW_FORM_REFERRAL,
	CW_FORM_GRIEVANCE,
	CW_FORM_CORRECT,
	CW_FORM_PROOF,
	CW_FORM_TRANSFER,
	CW_FORM_PERSON_COUNT,
	CW_FORM_DONE = CW_FORM_PERSON_COUNT,
	CW_FORM_APPROVE,
	CW_FORM_REJECT,
	CW_FORM_OPEN,
	CW_FORM_RESOLVE,
	CW_FORM_ANSWER,
	CW_FORM_COUNT
};

/* Each form: its path (a person's) or numbered parameter, title and button (msgids), first field. */
static const struct {
	const char *path;   /* a person's form: after /persons/{p}/casework/; else the path's number */
	const char *title;  /* msgid */
	const char *button; /* msgid */
	const char *field;  /* where a refusal points (#f-FIELD) */
} forms[CW_FORM_COUNT] = {
    [CW_FORM_NOTE] = {"notes", N_("Add a case note"), N_("Add the note"), "text"},
    [CW_FORM_TASK] = {"tasks", N_("Add a task"), N_("Add the task"), "due"},
    [CW_FORM_CONTACT] = {"contacts", N_("Record a contact"), N_("Record the contact"), "channel"},
    [CW_FORM_REFERRAL] = {"referrals", N_("Refer her to another party"), N_("Make the referral"), "to"},
    [CW_FORM_GRIEVANCE] = {"grievances", N_("Open a grievance"), N_("Open the grievance"), "came"},
    [CW_FORM_CORRECT] = {"corrections", N_("Correct her record"), N_("Correct the record"), "reason"},
    [CW_FORM_PROOF] = {"proofs", N_("Record a proof of life"), N_("Record the proof"), "proved_on"},
    [CW_FORM_TRANSFER] = {"transfer", N_("Move to another office"), N_("Move her"), "office"},
    [CW_FORM_DONE] = {"task", N_("Work list"), NULL, NULL},
    [CW_FORM_APPROVE] = {"change", N_("Work list"), NULL, NULL},
    [CW_FORM_REJECT] = {"change", N_("Work list"), NULL, NULL},
    [CW_FORM_OPEN] = {"note", N_("Case note"), NULL, NULL},
    [CW_FORM_RESOLVE] = {"grievance", N_("Resolve the grievance"), N_("Resolve it"), "resolution"},
    [CW_FORM_ANSWER] = {"referral", N_("What came of the referral"), N_("Record the answer"), "answer"},
};

/* What a form's fields hold; the same struct draws a form again with what was typed. */
struct cw_values {
	char text[CASEWORK_TEXT_MAX +
	          1]; /* a note, a task's what, a contact's note, what for, about, outcome */
	char due[16], assignee[USER_NAME_MAX + 1], channel[CASEWORK_CHANNEL_MAX + 1], outcome[32];
	char party[CASEWORK_PARTY_MAX + 1];
	char phone[REGISTRY_FIELD_MAX + 1], address[REGISTRY_FIELD_MAX + 1], name[REGISTRY_NAME_MAX + 1];
	char reason[REGISTRY_REASON_MAX + 1];
	char office[OFFICES_CODE_MAX + 1]; /* where she is moved */
};

struct cw_page_arg {
	struct page_change pc;
	enum cw_form form;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct cw_values v;
	uint64_t number;
};

/* The name of each person's form's free-text field: one page holds them all, each id once. */
static const char *const text_field[CW_FORM_COUNT] = {
    [CW_FORM_NOTE] = "text",
    [CW_FORM_TASK] = "what",
    [CW_FORM_CONTACT] = "contact_note",
    [CW_FORM_REFERRAL] = "referral_what",
    [CW_FORM_GRIEVANCE] = "about",
    [CW_FORM_CORRECT] = "",
    [CW_FORM_PROOF] = "",
    [CW_FORM_TRANSFER] = "",
    [CW_FORM_RESOLVE] = "resolution",
    [CW_FORM_ANSWER] = "answer",
};

/* ---- Words ------------------------------------------------------------------------- */

/* A code as the log keeps it, and its words (a msgid). */
struct code_words {
	const char *code, *words;
};

/* A contact's channels and outcomes, in the order the form offers them. */
static const struct code_words channels[] = {{"visit", N_("visit")},   {"phone", N_("telephone")},
                                             {"letter", N_("letter")}, {"sms", N_("text message")},
                                             {"email", N_("e-mail")},  {NULL, NULL}};
static const struct code_words outcomes[] = {{"reached", N_("reached")},   {"no-answer", N_("no answer")},
                                             {"moved", N_("moved away")},  {"refused", N_("refused to talk")},
                                             {"deceased", N_("has died")}, {NULL, NULL}};

/* code's words in the page's language from table; a code not there (a grievance's way in) as typed. */
static const char *
code_words(struct page *p, const struct code_words *table, const char *code)
{
	for (; table->code != NULL; table++)
		if (strcmp(table->code, code) == 0)
			return i18n_get(p->lang, table->words);
	return code;
}

static const char *
outcome_words(struct page *p, const char *o)
{
	return code_words(p, outcomes, o);
}

static const char *
channel_words(struct page *p, const char *c)
{
	return code_words(p, channels, c);
}

/* A <select> of table's codes, none chosen unless current; the first option says choose. */
static void
code_select(struct page *p, const char *label, const char *name, const char *choose,
            const struct code_words *table, const char *current, const char *error)
{
	page_select_begin(p, label, name, error);
	page_option(p, "", choose, current);
	for (; table->code != NULL; table++)
		page_option(p, table->code, i18n_get(p->lang, table->words), current);
	page_select_end(p, name, error);
}

/* ---- Small parts ---------------------------------------------------------------------- */

/* A form of one button posting to path (with the CSRF token): "Mark done", "Approve". */
static void
button_form(struct page *p, const char *path, const char *label, const char *button_class)
{
	html_raw_const(p->b, "<form method=\"post\"");
	html_href(p->b, "action", path);
	html_raw_const(p->b, ">");
	page_csrf(p);
	html_raw_const(p->b, "<button type=\"submit\"");
	if (button_class != NULL)
		html_attr(p->b, "class", button_class);
	html_raw_const(p->b, ">");
	html_text(p->b, label);
	html_raw_const(p->b, "</button></form>");
}

static void
section(struct page *p, const char *heading)
{
	html_raw_const(p->b, "<h2>");
	html_text(p->b, heading);
	html_raw_const(p->b, "</h2>");
}

/* A link to her casework page, as a cell or inline. */
static void
casework_link(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<a");
	html_href_path_suffix(p->b, "href", "/persons/", pseudonym, "/casework");
	html_raw_const(p->b, ">");
	html_text(p->b, pseudonym);
	html_raw_const(p->b, "</a>");
}

/* A one-field form posting to path: a label, a text field (id f-NAME-N, once on a page), a button. */
static void
inline_form(struct page *p, const char *path, const char *form_class, const char *name, uint64_t n,
            const char *label, const char *button, const char *hidden_from)
{
	char id[48];

	snprintf(id, sizeof(id), "f-%s-%llu", name, (unsigned long long)n);
	html_raw_const(p->b, "<form method=\"post\"");
	html_href(p->b, "action", path);
	html_attr(p->b, "class", form_class);
	html_raw_const(p->b, ">");
	page_csrf(p);
	if (hidden_from != NULL) {
		html_raw_const(p->b, "<input type=\"hidden\" name=\"from\"");
		html_attr(p->b, "value", hidden_from);
		html_raw_const(p->b, ">");
	}
	html_raw_const(p->b, "<label");
	html_attr(p->b, "for", id);
	html_raw_const(p->b, ">");
	html_text(p->b, label);
	html_raw_const(p->b, "</label> <input type=\"text\" required autocomplete=\"off\"");
	html_attr(p->b, "name", name);
	html_attr(p->b, "id", id);
	html_raw_const(p->b, "> <button type=\"submit\">");
	html_text(p->b, button);
	html_raw_const(p->b, "</button></form>");
}

/* ---- Lists ------------------------------------------------------------------------------- */

/* What a list of casework items draws: its columns, by kind. */
enum cw_list { CW_LIST_NOTES, CW_LIST_CONTACTS, CW_LIST_REFERRALS, CW_LIST_GRIEVANCES };

struct rows {
	struct page *p;
	size_t n;
	enum cw_list list;
	int with_forms; /* notes: an "open" form each; grievances, referrals: a closing form each open one */
	const char *from;  /* a grievance resolved goes back to her casework page (NULL: the work list) */
	int person_column; /* grievances on the work list: whose */
	const char
	    *heads[8]; /* the columns' headings in the page's language, each cell labelled with its own */
	size_t col;
	const char
	    *label; /* the table's name for a screen reader (its section's heading; NULL: the page's title) */
	int stacked; /* cards on a phone even without a form (a long column that would wrap word by word) */
};

/* The columns' headings, by list (msgids); "" ends them. */
static const char *const list_heads[][5] = {
    [CW_LIST_NOTES] = {N_("When"), N_("Times opened"), ""},
    [CW_LIST_CONTACTS] = {N_("When"), N_("How"), N_("Outcome"), ""},
    [CW_LIST_REFERRALS] = {N_("When"), N_("Referred to"), N_("State"), ""},
    [CW_LIST_GRIEVANCES] = {N_("When"), N_("How it came"), N_("Days open"), N_("State"), ""},
};

/*
 * Opens the table at a list's first row: Number, [Person], the list's
 * columns, [the form's], By.  With a form in its rows it is a stacked
 * table (page_table_stacked_begin): at phone width each row is a card,
 * each cell under its heading's words, so that a row's form is on the
 * screen, not beyond its right edge (so too a list marked stacked);
 * without, it scrolls sideways in its box (page_table_begin) like the
 * other pages' tables.
 */
static void
stack_head(struct rows *r, size_t n)
{
	size_t i;

	if (r->with_forms || r->stacked)
		page_table_stacked_begin(r->p);
	else
		page_table_begin(r->p, r->label);
	for (i = 0; i < n; i++)
		page_th(r->p, r->heads[i]);
	html_raw_const(r->p->b, "</tr></thead><tbody>");
}

static void
rows_head(struct rows *r)
{
	struct page *p = r->p;
	size_t i, n = 0;

	r->heads[n++] = T(p, "Number");
	if (r->person_column)
		r->heads[n++] = T(p, "Person");
	for (i = 0; list_heads[r->list][i][0] != '\0'; i++)
		r->heads[n++] = i18n_get(p->lang, list_heads[r->list][i]);
	if (r->with_forms)
		r->heads[n++] = r->list == CW_LIST_NOTES       ? T(p, "Open")
		                : r->list == CW_LIST_REFERRALS ? T(p, "Answer")
		                                               : T(p, "Resolve");
	r->heads[n++] = T(p, "By");
	stack_head(r, n);
}

/* Opens the row's next cell, labelled with its column's heading. */
static void
cell_open(struct rows *r)
{
	page_td_begin(r->p, r->heads[r->col++], NULL);
}

static void
cell_text(struct rows *r, const char *text)
{
	cell_open(r);
	page_text_ids(r->p, text);
	html_raw_const(r->p->b, "</td>");
}

/*
 * The cell of the form that closes an open grievance (form
 * CW_FORM_RESOLVE) or referral (CW_FORM_ANSWER) with its outcome; empty
 * once closed, none without forms.
 */
static void
closing_cell(struct rows *r, const struct casework_item *it, enum cw_form form)
{
	struct page *p = r->p;
	char path[80];

	if (!r->with_forms)
		return;
	cell_open(r);
	if (it->closed_seq == 0) {
		snprintf(path, sizeof(path), "/work/%s/%llu/%s",
		         form == CW_FORM_RESOLVE ? "grievances" : "referrals", (unsigned long long)it->seq,
		         form == CW_FORM_RESOLVE ? "resolve" : "outcome");
		inline_form(p, path, form == CW_FORM_RESOLVE ? "resolve-grievance" : "referral-answer",
		            text_field[form], it->seq,
		            form == CW_FORM_RESOLVE ? T(p, "Outcome (sealed)")
		                                    : T(p, "What came of it (sealed)"),
		            i18n_get(p->lang, forms[form].button), r->from != NULL ? r->from : "");
	}
	html_raw_const(p->b, "</td>");
}

static enum redress_err
row_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct rows *r = ctx;
	struct page *p = r->p;
	char path[80], n[24];
	int sees;

	/* Only the people the account's office sees (domain/offices). */
	if ((sees = http_sees(p->req, p->req->store, it->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (r->n++ == 0)
		rows_head(r);
	r->col = 0;
	html_raw_const(p->b, "<tr>");
	snprintf(n, sizeof(n), "%llu", (unsigned long long)it->seq);
	cell_text(r, n);
	if (r->person_column) {
		cell_open(r);
		casework_link(p, it->pseudonym);
		html_raw_const(p->b, "</td>");
	}
	cell_open(r);
	page_when(p, it->at);
	html_raw_const(p->b, "</td>");
	switch (r->list) {
	case CW_LIST_NOTES:
		snprintf(n, sizeof(n), "%llu", (unsigned long long)it->opened);
		cell_text(r, n);
		if (r->with_forms) {
			snprintf(path, sizeof(path), "/work/notes/%llu/open", (unsigned long long)it->seq);
			cell_open(r);
			inline_form(p, path, "open-note", "reason", it->seq, T(p, "Why you open it"),
			            T(p, "Open the note"), NULL);
			html_raw_const(p->b, "</td>");
		}
		break;
	case CW_LIST_CONTACTS:
		cell_text(r, channel_words(p, it->kind));
		cell_text(r, outcome_words(p, it->outcome));
		break;
	case CW_LIST_REFERRALS:
		cell_text(r, it->kind);
		cell_text(r, it->closed_seq != 0 ? T(p, "answered") : T(p, "waiting for an answer"));
		closing_cell(r, it, CW_FORM_ANSWER);
		break;
	case CW_LIST_GRIEVANCES:
		snprintf(n, sizeof(n), "%d", casework_days_since(it->at));
		cell_text(r, channel_words(p, it->kind));
		cell_text(r, n);
		cell_text(r, it->closed_seq != 0 ? T(p, "resolved") : T(p, "not resolved"));
		closing_cell(r, it, CW_FORM_RESOLVE);
		break;
	}
	cell_text(r, page_actor(it->actor));
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

/* A person's lists on her casework page, in order. */
static const struct {
	const char *heading, *error, *empty; /* msgids */
	enum cw_list list;
	enum redress_err (*each)(struct store *, const char *, casework_fn, void *, struct redress_error *);
} person_lists[] = {
    {N_("Case notes"), N_("The notes could not be read."), N_("No notes yet."), CW_LIST_NOTES,
     casework_notes_each},
    {N_("Contact attempts"), N_("The contacts could not be read."), N_("No attempt to reach her yet."),
     CW_LIST_CONTACTS, casework_contacts_each},
    {N_("Referrals"), N_("The referrals could not be read."), N_("No referrals."), CW_LIST_REFERRALS,
     casework_referrals_each},
    {N_("Grievances"), N_("The grievances could not be read."), N_("No grievances."), CW_LIST_GRIEVANCES,
     casework_person_grievances_each},
};

/*
 * The grievances open longer than their limit (the shortest of her
 * programs', else CASEWORK_GRIEVANCE_DAYS), whoever's, with a resolve
 * form each when with_forms.
 */
static void
overdue_grievances(struct page *p, struct store *store, int with_forms)
{
	struct rows r = {p, 0, CW_LIST_GRIEVANCES, with_forms, NULL, 1, {NULL}, 0, NULL, 0};
	struct redress_error err;
	enum redress_err rc;

	section(p, T(p, "Overdue grievances"));
	r.label = T(p, "Overdue grievances");
	rc = casework_grievances_each(store, 1, CASEWORK_DAYS_HERS, row_one, &r, &err);
	page_list_end(p, rc != REDRESS_OK, r.n, T(p, "The grievances could not be read."),
	              T(p, "No grievance has been open longer than its limit."));
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b,
	          T(p, "A grievance is overdue after the shortest limit that the programs she is eligible"
	               " for set (casework.grievance_days), or 30 days where none sets one."));
	html_raw_const(p->b, "</p>");
}

/* ---- A person's forms ---------------------------------------------------------------------- */

/* The offices she may be moved to: all but hers (here), each an option, or only counted (p NULL). */
struct office_pick {
	struct page *p;
	const char *here, *current;
	size_t n;
};

static enum redress_err
office_pick(void *ctx, const struct offices_office *o, struct redress_error *err)
{
	struct office_pick *k = ctx;

	(void)err;
	if (strcmp(o->code, k->here) == 0)
		return REDRESS_OK;
	k->n++;
	if (k->p != NULL)
		page_option(k->p, o->code, o->name, k->current);
	return REDRESS_OK;
}

/*
 * The offices pseudonym may be moved to, as options of the select begun
 * (p not NULL, current selected) or only counted; store NULL: only
 * current.  Returns how many.
 */
static size_t
office_options(struct page *p, struct store *store, const char *pseudonym, const char *current)
{
	char here[OFFICES_CODE_MAX + 1] = "";
	struct office_pick k = {p, here, current, 0};
	struct redress_error err;

	if (store == NULL) {
		if (p != NULL && current != NULL && current[0] != '\0')
			page_option(p, current, current, current);
		return current != NULL && current[0] != '\0';
	}
	if (offices_person_office(store, pseudonym, here, &err) != REDRESS_OK ||
	    offices_each(store, office_pick, &k, &err) != REDRESS_OK)
		return 0;
	return k.n;
}

/*
 * Draws a person's form: folded under its title on her casework page (v
 * NULL), or open with what was typed (v) and error beside its first field
 * on a refusal.
 */
static void
person_form(struct page *p, struct store *store, enum cw_form form, const char *pseudonym,
            const struct cw_values *v, const char *error)
{
	const char *e = error; /* the error, at the form's first field */
	char path[96];

	if (v == NULL) {
		html_raw_const(p->b, "<details class=\"cw-form\"><summary>");
		html_text(p->b, i18n_get(p->lang, forms[form].title));
		html_raw_const(p->b, "</summary>");
	}
	snprintf(path, sizeof(path), "/persons/%s/casework/%s", pseudonym, forms[form].path);
	html_raw_const(p->b, "<form method=\"post\"");
	html_href(p->b, "action", path);
	html_raw_const(p->b, "><fieldset><legend>");
	html_text(p->b, i18n_get(p->lang, forms[form].title));
	html_raw_const(p->b, "</legend>");
	page_csrf(p);
#define V(field) (v != NULL ? v->field : NULL)
	switch (form) {
	case CW_FORM_NOTE: page_textarea(p, N_("Note (sealed)"), "text", V(text), e, 1, 5); break;
	case CW_FORM_TASK:
		page_input_hint(p, N_("Due date"), "due", "text", V(due), e, 1, "off",
		                T(p, "For example 2026-12-07, 2026. 12. 7. or 2026年12月7日."));
		page_input(p, N_("What is to be done (sealed)"), "what", "text", V(text), NULL, 1, "off");
		page_input(p, N_("For (a caseworker's account; empty: you)"), "for", "text", V(assignee),
		           NULL, 0, "off");
		break;
	case CW_FORM_CONTACT:
		code_select(p, N_("How"), "channel", T(p, "Choose how"), channels,
		            v != NULL ? v->channel : "", e);
		code_select(p, N_("Outcome"), "outcome", T(p, "Choose the outcome"), outcomes,
		            v != NULL ? v->outcome : "", NULL);
		page_input(p, N_("Note (sealed)"), "contact_note", "text", V(text), NULL, 0, "off");
		break;
	case CW_FORM_REFERRAL:
		page_input_hint(p, N_("Referred to"), "to", "text", V(party), e, 1, "off",
		                T(p, "The party as her consent names it (share:PARTY), one word: "
		                     "counselling, legal-aid ..."));
		page_input(p, N_("What for (sealed)"), "referral_what", "text", V(text), NULL, 1, "off");
		break;
	case CW_FORM_GRIEVANCE:
		page_input_hint(p, N_("How it came"), "came", "text", V(channel), e, 1, "off",
		                T(p, "One word: phone, letter, visit ..."));
		page_textarea(p, N_("What it is about (sealed)"), "about", V(text), NULL, 1, 3);
		break;
	case CW_FORM_PROOF:
		page_input_hint(p, N_("The day she was seen alive"), "proved_on", "text", V(due), e, 1, "off",
		                T(p, "Not after today. An instalment held for want of it is paid at the next "
		                     "entitlement run."));
		break;
	case CW_FORM_TRANSFER:
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b,
		          T(p, "The office chosen holds her from now on, whatever her region: its staff see "
		               "her file, and yours no longer do unless you see every office."));
		html_raw_const(p->b, "</p>");
		page_select_required_begin(p, N_("Office"), "office", e);
		page_option(p, "", T(p, "Choose the office"), V(office));
		office_options(p, store, pseudonym, V(office));
		page_select_end(p, "office", e);
		/* Not "reason": the correction form on the same page has that field, and ids are one a page.
		 */
		page_input(p, N_("Why she moves (sealed)"), "move_reason", "text", V(reason), NULL, 1, "off");
		break;
	default:
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b,
		          T(p, "Fill only what changes. A new telephone or address applies at once; a new "
		               "name waits for a second staff member's approval."));
		html_raw_const(p->b, "</p>");
		page_input(p, N_("Telephone"), "phone", "tel", V(phone), NULL, 0, "off");
		page_input(p, N_("Address"), "address", "text", V(address), NULL, 0, "off");
		page_input(p, N_("Her name"), "name", "text", V(name), NULL, 0, "off");
		page_input(p, N_("Reason for the correction"), "reason", "text", V(reason), e, 1, "off");
		break;
	}
#undef V
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, i18n_get(p->lang, forms[form].button));
	html_raw_const(p->b, "</button></fieldset></form>");
	if (v == NULL)
		html_raw_const(p->b, "</details>");
}

/* ---- A person's casework page ------------------------------------------------------------ */

/*
 * Her letters (http/notice.h): a button for each kind, which posts (a
 * letter opens her name and address, on the record), only when she
 * consented to be contacted; else why there is none.
 */
static void
notices_render(struct page *p, struct store *store, const char *pseudonym)
{
	static const char *const buttons[NOTICE_KINDS] = {N_("Letter: decision on her claim"),
	                                                  N_("Letter: her payments"),
	                                                  N_("Letter: what is missing or due")};
	static const char *const pdf_buttons[NOTICE_KINDS] = {
	    N_("PDF: decision on her claim"), N_("PDF: her payments"), N_("PDF: what is missing or due")};
	struct redress_error err;
	int allowed = 0, k;

	section(p, T(p, "Letters to her"));
	if (notice_allowed(store, pseudonym, &allowed, &err) != REDRESS_OK || !allowed) {
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b,
		          T(p, "She has not consented to be contacted (or has died): no letter is written to "
		               "her."));
		html_raw_const(p->b, "</p>");
		return;
	}
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b,
	          T(p, "A letter in her language, to print. Writing one opens her name and address: it is "
	               "recorded."));
	html_raw_const(p->b, "</p><div class=\"notices\">");
	for (k = 0; k < NOTICE_KINDS; k++) {
		html_raw_const(p->b, "<form method=\"post\" class=\"notice-form\"");
		if (k == NOTICE_DECISION)
			html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/notices/decision");
		else if (k == NOTICE_PAYMENT)
			html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/notices/payment");
		else
			html_href_path_suffix(p->b, "action", "/persons/", pseudonym, "/notices/reminder");
		html_raw_const(p->b, ">");
		page_csrf(p);
		html_raw_const(p->b, "<button type=\"submit\">");
		html_text(p->b, i18n_get(p->lang, buttons[k]));
		html_raw_const(p->b, "</button> <button type=\"submit\" name=\"format\" value=\"pdf\"");
		html_attr(p->b, "aria-label", i18n_get(p->lang, pdf_buttons[k]));
		html_raw_const(p->b, ">PDF</button></form>");
	}
	html_raw_const(p->b, "</div>");
}

static void
casework_render(struct page *p, struct store *store, const char *pseudonym, int can_write, int can_open)
{
	struct redress_error err;
	enum redress_err rc;
	size_t i;
	int f;

	page_back_to_file(p, pseudonym);
	for (i = 0; i < sizeof(person_lists) / sizeof(person_lists[0]); i++) {
		enum cw_list list = person_lists[i].list;
		struct rows r = {p, 0, list, 0, pseudonym, 0, {NULL}, 0, NULL, 0};

		r.with_forms = list == CW_LIST_NOTES ? can_open : list == CW_LIST_CONTACTS ? 0 : can_write;
		r.label = i18n_get(p->lang, person_lists[i].heading);
		section(p, i18n_get(p->lang, person_lists[i].heading));
		rc = person_lists[i].each(store, pseudonym, row_one, &r, &err);
		page_list_end(p, rc != REDRESS_OK, r.n, i18n_get(p->lang, person_lists[i].error),
		              i18n_get(p->lang, person_lists[i].empty));
		if (list == CW_LIST_NOTES) {
			html_raw_const(p->b, "<p class=\"hint\">");
			html_text(p->b,
			          T(p,
			            "A note's text is sealed with her key; opening one is recorded with its "
			            "reason."));
			html_raw_const(p->b, "</p>");
		}
	}
	if (can_open)
		notices_render(p, store, pseudonym);
	if (!can_write)
		return;
	section(p, T(p, "Record"));
	for (f = 0; f < CW_FORM_PERSON_COUNT; f++)
		/* Moving her is offered only when the fund has an office she is not of. */
		if (f != CW_FORM_TRANSFER || office_options(NULL, store, pseudonym, NULL) > 0)
			person_form(p, store, (enum cw_form)f, pseudonym, NULL, NULL);
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
	if (http_query(req, "moved") != NULL)
		page_notice(&p, "ok",
		            T(&p, "She was moved to the office chosen, with your reason on the record."));
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
	if (rc == REDRESS_E_CONFLICT && a->form == CW_FORM_CORRECT)
		return T(
		    p, "Another person holds this national id, or her record changed meanwhile: look again.");
	if (rc == REDRESS_E_CONFLICT)
		return T(p, "It was done already, or her record changed meanwhile: look again.");
	if (rc == REDRESS_E_REFUSED && a->form == CW_FORM_APPROVE)
		return T(p, "Another staff member must approve a change one proposed.");
	if (rc == REDRESS_E_REFUSED && a->form == CW_FORM_REFERRAL)
		return T(p, "She has not consented to share her file with this party (share:PARTY): ask her "
		            "first.");
	if (rc == REDRESS_E_REFUSED)
		return T(p, "Your role may not do this.");
	switch (a->form) {
	case CW_FORM_TASK:
		return T(p, "Give a due date from today on, what is to be done, and a caseworker's account "
		            "or nothing.");
	case CW_FORM_GRIEVANCE: return T(p, "Say how it came in one word, and what it is about.");
	case CW_FORM_CONTACT: return T(p, "Choose how you tried to reach her, and the outcome.");
	case CW_FORM_REFERRAL:
		return T(p, "Name the party in one word (a-z, 0-9, - _ .), and what it is for.");
	case CW_FORM_CORRECT: return T(p, "Give at least one new value, and the reason for the correction.");
	case CW_FORM_PROOF:
		return T(p, "Give the day she was seen alive: not after today, and only while she lives.");
	case CW_FORM_TRANSFER: return T(p, "Choose one of the other offices, and say why she moves.");
	case CW_FORM_OPEN: return T(p, "Say why you open the note.");
	case CW_FORM_RESOLVE: return T(p, "Say what came of the grievance.");
	case CW_FORM_ANSWER: return T(p, "Say what came of the referral.");
	default: return T(p, "Write the text without control characters, at most 8000 bytes.");
	}
}

/* A link back to her casework page. */
static void
back_to_casework(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<p><a");
	html_href_path_suffix(p->b, "href", "/persons/", pseudonym, "/casework");
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Back to her casework"));
	html_raw_const(p->b, "</a></p>");
}

/*
 * A refused form's page: the way back, the error summary, and the form
 * again with what was typed (a person's form, a grievance's outcome), or
 * the refusal in words (a button's).
 */
static void
refused_render(struct page *p, struct store *store, const struct cw_page_arg *a, enum redress_err rc)
{
	const char *why = refusal_words(p, a, rc);

	if (a->pseudonym[0] != '\0') {
		page_back_to_file(p, a->pseudonym);
		back_to_casework(p, a->pseudonym);
	} else {
		html_raw_const(p->b, "<p><a href=\"/work\">");
		html_text(p->b, T(p, "Back to the work list"));
		html_raw_const(p->b, "</a></p>");
	}
	if (a->form < CW_FORM_PERSON_COUNT) {
		const char *names[1] = {forms[a->form].field}, *errors[1] = {why};

		page_error_summary(p, names, errors, 1);
		page_notice(p, "info", T(p, "Nothing was saved."));
		person_form(p, store, a->form, a->pseudonym, &a->v, why);
		return;
	}
	page_notice(p, "error", why);
	page_notice(p, "info", T(p, "Nothing was saved."));
	if (a->form == CW_FORM_RESOLVE || a->form == CW_FORM_ANSWER) {
		char path[80];

		snprintf(path, sizeof(path),
		         a->form == CW_FORM_RESOLVE ? "/work/grievances/%llu/resolve"
		                                    : "/work/referrals/%llu/outcome",
		         (unsigned long long)a->number);
		html_raw_const(p->b, "<form method=\"post\"");
		html_href(p->b, "action", path);
		html_raw_const(p->b, "><fieldset><legend>");
		html_text(p->b, i18n_get(p->lang, forms[a->form].title));
		html_raw_const(p->b, "</legend>");
		page_csrf(p);
		if (a->pseudonym[0] != '\0') {
			html_raw_const(p->b, "<input type=\"hidden\" name=\"from\"");
			html_attr(p->b, "value", a->pseudonym);
			html_raw_const(p->b, ">");
		}
		if (a->form == CW_FORM_RESOLVE)
			page_textarea(p, N_("Outcome (sealed)"), "resolution", a->v.text, why, 1, 3);
		else
			page_textarea(p, N_("What came of it (sealed)"), "answer", a->v.text, why, 1, 3);
		html_raw_const(p->b, "<button type=\"submit\">");
		html_text(p->b, i18n_get(p->lang, forms[a->form].button));
		html_raw_const(p->b, "</button></fieldset></form>");
	}
}

/* Opens a note (recorded, with why) and shows its text; a refusal is drawn by the caller. */
static enum redress_err
open_note(struct http_change *c, struct cw_page_arg *a, struct http_response *res, struct redress_error *err)
{
	struct buf text;
	struct page p;
	enum redress_err rc;

	rc = casework_note_open(c->log, c->actor, &c->keys, a->number, a->v.reason, a->pseudonym, &text, err);
	if (rc == REDRESS_OK) {
		page_change_begin(&p, &a->pc, res, forms[CW_FORM_OPEN].title);
		page_back_to_file(&p, a->pseudonym);
		page_notice(&p, "ok", T(&p, "The opening of the note is recorded, with your reason."));
		html_raw_const(p.b, "<blockquote class=\"note-text\">");
		html_text(p.b, text.data != NULL ? text.data : "");
		html_raw_const(p.b, "</blockquote>");
		back_to_casework(&p, a->pseudonym);
		page_end(&p, 200);
		/* Shown once, like a reveal (refused.c): answered at /shown/ID, a reload leads back to her
		 * casework. */
		snprintf(res->once_back, sizeof(res->once_back), "/persons/%s/casework", a->pseudonym);
	}
	buf_free(&text);
	return rc;
}

/*
 * Moves her to the office chosen (domain/offices).  An office that is not
 * one of the fund's is a wrong choice in the form (REDRESS_E_INVALID, 422),
 * not "no such person": the person she is stays 404 when not seen.
 */
static enum redress_err
transfer(struct http_change *c, const struct cw_page_arg *a, struct redress_error *err)
{
	struct registry_person person;
	struct redress_error e2;
	enum redress_err rc;

	rc = offices_transfer(c->log, c->actor, &c->keys, a->pseudonym, a->v.office, a->v.reason, err);
	if (rc == REDRESS_E_NOTFOUND && registry_get(c->store, a->pseudonym, &person, &e2) == REDRESS_OK &&
	    offices_require(c->store, c->actor, a->pseudonym, &e2) == REDRESS_OK)
		rc = error_set(err, REDRESS_E_INVALID, "there is no office '%s'", a->v.office);
	return rc;
}

/* Makes a form's change; 303 back to its page, else the refused page. */
static enum redress_err
do_form(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct cw_page_arg *a = arg;
	struct cw_values *v = &a->v;
	enum casework_channel channel;
	enum casework_outcome outcome;
	uint64_t n = 0;
	char path[96];
	struct page p;
	enum redress_err rc;

	switch (a->form) {
	case CW_FORM_NOTE:
		rc = casework_note_add(c->log, c->actor, &c->keys, a->pseudonym, v->text, &n, err);
		break;
	case CW_FORM_TASK:
		/* Nobody named: the task is hers who adds it, so that it is on her work list. */
		rc = casework_task_add(c->log, c->actor, &c->keys, a->pseudonym, v->due, v->text,
		                       v->assignee[0] != '\0' ? v->assignee : c->actor->name, &n, err);
		break;
	case CW_FORM_CONTACT:
		if ((rc = casework_channel_parse(v->channel, &channel, err)) == REDRESS_OK &&
		    (rc = casework_outcome_parse(v->outcome, &outcome, err)) == REDRESS_OK)
			rc = casework_contact_add(c->log, c->actor, &c->keys, a->pseudonym, channel, outcome,
			                          v->text[0] != '\0' ? v->text : NULL, &n, err);
		break;
	case CW_FORM_REFERRAL:
		rc = casework_referral_add(c->log, c->actor, &c->keys, a->pseudonym, v->party, v->text, &n,
		                           err);
		break;
	case CW_FORM_GRIEVANCE:
		rc = casework_grievance_open(c->log, c->actor, &c->keys, a->pseudonym, v->channel, v->text,
		                             &n, err);
		break;
	case CW_FORM_CORRECT: {
		struct registry_update u;

		memset(&u, 0, sizeof(u));
		u.phone = v->phone[0] != '\0' ? v->phone : NULL;
		u.address = v->address[0] != '\0' ? v->address : NULL;
		u.name = v->name[0] != '\0' ? v->name : NULL;
		u.frailty = -1;
		rc = registry_update(c->log, c->actor, &c->keys, a->pseudonym, &u, v->reason, &n, err);
		break;
	}
	case CW_FORM_PROOF:
		rc = entitlements_proof_record(c->log, c->actor, a->pseudonym, v->due, err);
		break;
	case CW_FORM_TRANSFER: rc = transfer(c, a, err); break;
	case CW_FORM_DONE: rc = casework_task_done(c->log, c->actor, a->number, err); break;
	case CW_FORM_OPEN:
		if ((rc = open_note(c, a, res, err)) == REDRESS_OK)
			return rc;
		a->pseudonym[0] = '\0'; /* whose it is is known only once opened */
		break;
	case CW_FORM_RESOLVE:
		rc = casework_grievance_resolve(c->log, c->actor, &c->keys, a->number, v->text, err);
		break;
	case CW_FORM_ANSWER:
		rc = casework_referral_outcome(c->log, c->actor, &c->keys, a->number, v->text, err);
		break;
	default:
		rc = registry_change_decide(c->log, c->actor, &c->keys, a->number, a->form == CW_FORM_APPROVE,
		                            err);
		break;
	}
	if (rc == REDRESS_OK && a->form == CW_FORM_TRANSFER) {
		struct redress_error e2;

		/* Her casework page says she moved; one who no longer sees her is told on the list. */
		if (offices_require(c->store, c->actor, a->pseudonym, &e2) == REDRESS_OK) {
			snprintf(path, sizeof(path), "/persons/%s/casework?moved=1", a->pseudonym);
			page_redirect(res, path);
		} else
			page_redirect(res, "/persons?moved=1");
		return REDRESS_OK;
	}
	if (rc == REDRESS_OK) {
		if (a->pseudonym[0] == '\0')
			page_redirect(res, "/work");
		else {
			snprintf(path, sizeof(path), "/persons/%s/casework", a->pseudonym);
			page_redirect(res, path);
		}
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, forms[a->form].title);
	refused_render(&p, c->store, a, rc);
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : rc == REDRESS_E_CONFLICT ? 409 : 422);
	return rc;
}

/* Copies each field of a form into v; 0 when one is too long. */
static int
form_values(struct http_request *req, enum cw_form form, struct cw_values *v)
{
	if (form == CW_FORM_PROOF)
		return page_form_copy(req, "proved_on", v->due, sizeof(v->due));
	if (form == CW_FORM_TRANSFER)
		return page_form_copy(req, "office", v->office, sizeof(v->office)) &&
		       page_form_copy(req, "move_reason", v->reason, sizeof(v->reason));
	return page_form_copy(req, text_field[form], v->text, sizeof(v->text)) &&
	       page_form_copy(req, form == CW_FORM_GRIEVANCE ? "came" : "channel", v->channel,
	                      sizeof(v->channel)) &&
	       page_form_copy(req, "outcome", v->outcome, sizeof(v->outcome)) &&
	       page_form_copy(req, "for", v->assignee, sizeof(v->assignee)) &&
	       page_form_copy(req, "to", v->party, sizeof(v->party)) &&
	       page_form_copy(req, "due", v->due, sizeof(v->due)) &&
	       page_form_copy(req, "phone", v->phone, sizeof(v->phone)) &&
	       page_form_copy(req, "address", v->address, sizeof(v->address)) &&
	       page_form_copy(req, "name", v->name, sizeof(v->name)) &&
	       page_form_copy(req, "reason", v->reason, sizeof(v->reason));
}

/* A path's pseudonym-like value (V-..., R-...) into out, else ""; 0 when there is none. */
static int
pseudonym_copy(const char *s, char out[REGISTRY_PSEUDONYM_MAX + 1])
{
	size_t i, len = s != NULL ? strlen(s) : 0;

	out[0] = '\0';
	if (len < 3 || len > REGISTRY_PSEUDONYM_MAX || (s[0] != 'V' && s[0] != 'R') || s[1] != '-')
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	memcpy(out, s, len + 1);
	return 1;
}

/* Reads form's fields and submits it; a field that does not fit is refused here, the form drawn again. */
static void
form_post(struct http_request *req, struct http_response *res, enum cw_form form)
{
	struct cw_page_arg *a = calloc(1, sizeof(*a));
	int ok = 1;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	a->form = form;
	if (form >= CW_FORM_PERSON_COUNT) {
		const char *t = http_param(req, forms[form].path);
		char from[REGISTRY_PSEUDONYM_MAX + 1];
		size_t i;

		for (i = 0; t != NULL && t[i] >= '0' && t[i] <= '9' && i < 18; i++)
			a->number = a->number * 10 + (uint64_t)(t[i] - '0');
		if (t == NULL || i == 0 || t[i] != '\0' || a->number == 0) {
			free(a);
			http_page_refuse(req, res, 404);
			return;
		}
		if (form == CW_FORM_OPEN)
			ok = page_form_copy(req, "reason", a->v.reason, sizeof(a->v.reason)) &&
			     a->v.reason[0] != '\0';
		if (form == CW_FORM_RESOLVE || form == CW_FORM_ANSWER) {
			/* From her casework page: back there; from the work list: back to it. */
			ok = page_form_copy(req, "from", from, sizeof(from)) &&
			     page_form_copy(req, text_field[form], a->v.text, sizeof(a->v.text)) &&
			     a->v.text[0] != '\0';
			pseudonym_copy(from, a->pseudonym);
		}
	} else {
		const char *pseudonym = http_param(req, "pseudonym");

		if (pseudonym == NULL || strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX) {
			free(a);
			http_page_refuse(req, res, 404);
			return;
		}
		memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
		ok = form_values(req, form, &a->v);
		if (ok && (form == CW_FORM_TASK || form == CW_FORM_PROOF) &&
		    page_date_parse(a->v.due, a->v.due) != 0)
			ok = 0;
	}
	if (ok) {
		http_change_submit(req, do_form, a);
		return;
	}
	{
		struct page p;

		page_begin_failed(&p, req, res, forms[form].title);
		refused_render(&p, NULL, a, REDRESS_E_INVALID);
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
page_casework_referral(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_REFERRAL);
}

void
page_casework_grievance(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_GRIEVANCE);
}

void
page_casework_proof(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_PROOF);
}

void
page_casework_transfer(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_TRANSFER);
}

void
page_casework_correct(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_CORRECT);
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
page_work_change_reject(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_REJECT);
}

void
page_work_note_open(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_OPEN);
}

void
page_work_grievance_resolve(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_RESOLVE);
}

void
page_work_referral_outcome(struct http_request *req, struct http_response *res)
{
	form_post(req, res, CW_FORM_ANSWER);
}

/* ---- The work list ------------------------------------------------------------------------ */

/* A task as a card: whose, when due, what (sealed, opened for the caseworker), for whom, Mark done. */
struct task_cards {
	struct page *p;
	size_t n;
	struct store *store;
	struct registry_keys keys;
};

static enum redress_err
task_card(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct task_cards *r = ctx;
	struct page *p = r->p;
	struct redress_error e;
	struct buf what;
	char path[64];
	int sees;

	/* Only the people the account's office sees (domain/offices). */
	if ((sees = http_sees(p->req, p->req->store, it->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (r->n++ == 0)
		html_raw_const(p->b, "<ul class=\"plain cw-cards\">");
	html_raw_const(p->b, "<li><p>");
	casework_link(p, it->pseudonym);
	html_raw_const(p->b, " &middot; ");
	html_text(p->b, T(p, "Due"));
	html_raw_const(p->b, " ");
	html_text(p->b, it->due);
	html_raw_const(p->b, " &middot; ");
	html_textf(p->b, "%s %llu", T(p, "Number"), (unsigned long long)it->seq);
	if (it->assignee[0] != '\0') {
		html_raw_const(p->b, " &middot; ");
		html_text(p->b, T(p, "For"));
		html_raw_const(p->b, " ");
		html_text(p->b, it->assignee);
	}
	html_raw_const(p->b, "</p><p class=\"cw-what\">");
	buf_init_secret(&what, SEAL_PLAIN_MAX);
	if (casework_open_sealed(r->store, &r->keys, it->pseudonym, "task", it->sealed, &what, &e) ==
	    REDRESS_OK)
		html_text(p->b, what.data != NULL ? what.data : "");
	else
		html_text(p->b, T(p, "(erased)"));
	buf_free(&what);
	html_raw_const(p->b, "</p>");
	snprintf(path, sizeof(path), "/work/tasks/%llu/done", (unsigned long long)it->seq);
	button_form(p, path, T(p, "Mark done"), NULL);
	html_raw_const(p->b, "</li>");
	return REDRESS_OK;
}

static void
task_list(struct page *p, struct task_cards *r, const struct casework_task_filter *f, const char *empty)
{
	struct redress_error err;
	enum redress_err rc;

	r->n = 0;
	rc = casework_tasks_each(r->store, f, task_card, r, &err);
	if (r->n > 0)
		html_raw_const(p->b, "</ul>");
	if (rc != REDRESS_OK)
		page_notice(p, "error", T(p, "The tasks could not be read."));
	else if (r->n == 0)
		page_notice(p, "info", empty);
}

static enum redress_err
change_row(void *ctx, const struct registry_change *ch, struct redress_error *err)
{
	struct rows *r = ctx;
	struct page *p = r->p;
	char path[64];
	int sees;

	/* Only the people the account's office sees (domain/offices). */
	if ((sees = http_sees(p->req, p->req->store, ch->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (r->n++ == 0) {
		r->heads[0] = T(p, "Number");
		r->heads[1] = T(p, "Person");
		r->heads[2] = T(p, "Fields");
		r->heads[3] = T(p, "Proposed by");
		r->heads[4] = T(p, "Decide");
		stack_head(r, 5);
	}
	r->col = 0;
	html_raw_const(p->b, "<tr>");
	snprintf(path, sizeof(path), "%llu", (unsigned long long)ch->seq);
	cell_text(r, path);
	cell_text(r, ch->pseudonym);
	cell_text(r, ch->fields);
	cell_text(r, page_actor(ch->actor));
	cell_open(r);
	if (strcmp(page_actor(ch->actor), p->req->actor.name) == 0) {
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b, T(p, "another staff member approves it"));
		html_raw_const(p->b, "</p>");
	} else {
		snprintf(path, sizeof(path), "/work/changes/%llu/approve", (unsigned long long)ch->seq);
		button_form(p, path, T(p, "Approve"), NULL);
	}
	/* Either may turn it down: another staff member, or she who proposed it (a withdrawal). */
	snprintf(path, sizeof(path), "/work/changes/%llu/reject", (unsigned long long)ch->seq);
	button_form(p, path, T(p, "Reject"), "warning");
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

#define OUTREACH_ROWS 20 /* people on the work list's outreach list */

/* One person owed by some programs and not yet reached; programs by their names on the page. */
struct owed {
	struct casework_outreach o;
	char programs[256];
};

struct outreach_rows {
	struct page *p;
	struct store *store;
	const char *program; /* the program's name in the page's language */
	struct owed rows[OUTREACH_ROWS * 4];
	size_t n, full;
};

/* The program's name in the page's language, else in another, else its code's name. */
static const char *
program_words(const struct page *p, const struct program *prog)
{
	const char *name = page_names_text(p, &prog->rules.names);

	return name[0] != '\0' ? name : prog->name;
}

/* Adds o to the rows, or the program to her row when she is there already. */
static enum redress_err
outreach_collect(void *ctx, const struct casework_outreach *o, struct redress_error *err)
{
	struct outreach_rows *r = ctx;
	struct owed *w;
	size_t i, len;
	int sees;

	/* Only the people the account's office sees (domain/offices). */
	if ((sees = http_sees(r->p->req, r->p->req->store, o->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->rows[i].o.pseudonym, o->pseudonym) == 0)
			break;
	if (i == r->n) {
		if (r->n == sizeof(r->rows) / sizeof(r->rows[0])) {
			r->full = 1;
			return REDRESS_OK;
		}
		w = &r->rows[r->n++];
		w->o = *o;
		w->programs[0] = '\0';
	}
	w = &r->rows[i];
	len = strlen(w->programs);
	snprintf(w->programs + len, sizeof(w->programs) - len, "%s%s", len > 0 ? ", " : "", r->program);
	return REDRESS_OK;
}

static enum redress_err
outreach_program(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct outreach_rows *r = ctx;

	r->program = program_words(r->p, prog);
	return casework_outreach_each(r->store, prog->code, OUTREACH_ROWS, outreach_collect, r, err);
}

/* Most frail first, then oldest (the order of each program's list). */
static int
owed_cmp(const void *a, const void *b)
{
	const struct casework_outreach *x = &((const struct owed *)a)->o, *y = &((const struct owed *)b)->o;

	if (x->frailty != y->frailty)
		return x->frailty > y->frailty ? -1 : 1;
	if (x->birth_year != y->birth_year)
		return x->birth_year < y->birth_year ? -1 : 1;
	return strcmp(x->pseudonym, y->pseudonym);
}

/* Who is owed and not yet reached, each once with the programs that owe her, most frail and oldest first. */
static void
outreach_list(struct page *p, struct store *store)
{
	struct outreach_rows *r = calloc(1, sizeof(*r));
	/* The cells' labels; cards, because the programs that owe her make a long last column. */
	struct rows lab = {p, 0, CW_LIST_NOTES, 0, NULL, 0, {NULL}, 0, NULL, 1};
	struct redress_error err;
	size_t i;

	section(p, T(p, "Not yet reached: most frail and oldest first"));
	lab.label = T(p, "Not yet reached: most frail and oldest first");
	if (r == NULL ||
	    (r->p = p, r->store = store, program_each(store, outreach_program, r, &err)) != REDRESS_OK) {
		page_notice(p, "error", T(p, "The outreach list could not be read."));
		free(r);
		return;
	}
	qsort(r->rows, r->n, sizeof(r->rows[0]), owed_cmp);
	lab.heads[0] = T(p, "Person");
	lab.heads[1] = T(p, "Born");
	lab.heads[2] = T(p, "Frailty");
	lab.heads[3] = T(p, "Last attempt");
	lab.heads[4] = T(p, "Owed by");
	for (i = 0; i < r->n && i < OUTREACH_ROWS; i++) {
		const struct casework_outreach *o = &r->rows[i].o;
		char n[16];

		if (i == 0)
			stack_head(&lab, 5);
		lab.col = 0;
		html_raw_const(p->b, "<tr>");
		cell_open(&lab);
		casework_link(p, o->pseudonym);
		html_raw_const(p->b, "</td>");
		snprintf(n, sizeof(n), "%d", o->birth_year);
		cell_text(&lab, n);
		snprintf(n, sizeof(n), "%d", o->frailty);
		cell_text(&lab, n);
		cell_open(&lab);
		if (o->at[0] != '\0') {
			html_text(p->b, outcome_words(p, o->outcome));
			html_raw_const(p->b, ", ");
			page_when(p, o->at);
			html_textf(p->b, " (%llu)", (unsigned long long)o->attempts);
		} else {
			html_text(p->b, T(p, "never tried"));
		}
		html_raw_const(p->b, "</td>");
		cell_text(&lab, r->rows[i].programs);
		html_raw_const(p->b, "</tr>");
	}
	page_list_end(p, 0, r->n < OUTREACH_ROWS ? r->n : OUTREACH_ROWS, "",
	              T(p, "Everyone the programs owe has been reached, or declined."));
	free(r);
}

/*
 * The instalments held for want of a proof of life (entitlements_held):
 * a caseworker's task as the program makes it, each with the form that
 * records the proof.  Done when a proof is recorded and the next
 * entitlement run releases the instalment.
 */
#define HELD_ROWS 50

struct held_rows {
	struct page *p;
	struct store *store;
	size_t n;
	int more;
};

static enum redress_err
held_program(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct held_rows *r = ctx;
	struct page *p = r->p;
	struct entitlement *items = NULL;
	char proof[11];
	size_t n = 0, i;
	enum redress_err rc;

	if (prog->rules.form != PROGRAM_FORM_INSTALMENTS)
		return REDRESS_OK;
	if ((rc = entitlements_held(r->store, prog->code, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < n; i++) {
		const struct entitlement *e = &items[i];

		int sees;

		/* Only the people the account's office sees (domain/offices). */
		if ((sees = http_sees(p->req, r->store, e->beneficiary, err)) <= 0) {
			if (sees < 0) {
				rc = err->code;
				break;
			}
			continue;
		}
		if (r->n == HELD_ROWS) {
			r->more = 1;
			break;
		}
		if ((rc = entitlements_latest_proof(r->store, e->beneficiary, proof, err)) != REDRESS_OK)
			break;
		if (r->n++ == 0)
			html_raw_const(p->b, "<ul class=\"plain cw-cards\">");
		html_raw_const(p->b, "<li><p>");
		casework_link(p, e->beneficiary);
		html_raw_const(p->b, " &middot; ");
		html_text(p->b, program_words(p, prog));
		html_raw_const(p->b, " &middot; ");
		html_text(p->b, e->id);
		html_raw_const(p->b, " &middot; ");
		html_text(p->b, T(p, "Due"));
		html_raw_const(p->b, " ");
		html_text(p->b, e->due_on);
		html_raw_const(p->b, "</p><p class=\"hint\">");
		html_text(p->b, T(p, "Her last proof of life:"));
		html_raw_const(p->b, " ");
		html_text(p->b, proof[0] != '\0' ? proof : T(p, "none"));
		html_raw_const(p->b, "</p>");
		person_form(p, r->store, CW_FORM_PROOF, e->beneficiary, NULL, NULL);
		html_raw_const(p->b, "</li>");
	}
	free(items);
	return rc;
}

static void
held_list(struct page *p, struct store *store)
{
	struct held_rows r = {p, store, 0, 0};
	struct redress_error err;

	section(p, T(p, "A proof of life needed: instalments held"));
	if (program_each(store, held_program, &r, &err) != REDRESS_OK) {
		if (r.n > 0)
			html_raw_const(p->b, "</ul>");
		page_notice(p, "error", T(p, "The held instalments could not be read."));
		return;
	}
	if (r.n > 0)
		html_raw_const(p->b, "</ul>");
	else {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "No instalment is held."));
		html_raw_const(p->b, "</p>");
	}
	if (r.more) {
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b,
		          T(p, "More are held: 'redress entitlements held --program CODE' lists them all."));
		html_raw_const(p->b, "</p>");
	}
}

void
page_work(struct http_request *req, struct http_response *res)
{
	struct casework_task_filter mine = {NULL, 0, 1}, overdue = {NULL, 1, 1};
	struct redress_error err;
	struct task_cards tc;
	struct store *store;
	struct page p;
	struct rows cr = {&p, 0, CW_LIST_NOTES, 1, NULL, 0, {NULL}, 0, NULL, 0}; /* a decide form each */
	enum redress_err rc;

	if ((store = page_open(&p, req, res, N_("Work list"))) == NULL)
		return;
	if (!users_allows(&req->actor, PERM_PERSONS_WRITE)) {
		/* An admin or a reviewer: the overdue grievances, which an admin escalates; no sealed task.
		 */
		overdue_grievances(&p, store, 0);
		page_end(&p, 200);
		return;
	}
	mine.assignee = req->actor.name;
	tc.p = &p;
	tc.store = store;
	tc.keys = http_registry_keys(req);
	section(&p, T(&p, "Overdue tasks"));
	task_list(&p, &tc, &overdue, T(&p, "Nothing is overdue."));
	section(&p, T(&p, "My open tasks"));
	task_list(&p, &tc, &mine, T(&p, "No open task is given to you."));
	held_list(&p, store);
	overdue_grievances(&p, store, 1);
	section(&p, T(&p, "Corrections waiting for approval"));
	rc = registry_changes_each(store, 1, change_row, &cr, &err);
	page_list_end(&p, rc != REDRESS_OK, cr.n, T(&p, "The corrections could not be read."),
	              T(&p, "No correction is waiting."));
	/* Suspected duplicates have a page of their own (page_dups.c). */
	html_raw_const(p.b, "<p><a href=\"/work/duplicates\">");
	html_text(p.b, T(&p, "Suspected duplicates"));
	html_raw_const(p.b, "</a></p>");
	outreach_list(&p, store);
	page_end(&p, 200);
}

/* The overdue tasks of the people the account's office sees (domain/offices). */
struct overdue_count {
	struct page *p;
	struct store *store;
	uint64_t n;
};

static enum redress_err
count_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct overdue_count *c = ctx;
	int sees;

	if ((sees = http_sees(c->p->req, c->store, it->pseudonym, err)) < 0)
		return err->code;
	c->n += (uint64_t)sees;
	return REDRESS_OK;
}

void
page_casework_overdue_notice(struct page *p, struct store *store)
{
	struct casework_task_filter overdue = {NULL, 1, 1};
	struct redress_error err;
	struct overdue_count c = {p, store, 0};
	uint64_t n;

	if (!users_allows(&p->req->actor, PERM_PERSONS_WRITE) ||
	    casework_tasks_each(store, &overdue, count_one, &c, &err) != REDRESS_OK || (n = c.n) == 0)
		return;
	html_raw_const(p->b, "<div class=\"notice notice-info\" role=\"status\"><p>");
	html_text(p->b, T(p, "Overdue tasks"));
	html_textf(p->b, ": %llu.", (unsigned long long)n);
	html_raw_const(p->b, " <a href=\"/work\">");
	html_text(p->b, T(p, "See the work list"));
	html_raw_const(p->b, "</a></p></div>");
}

/* ---- A letter to her (http/notice.h) ------------------------------------------------------- */

struct notice_page_arg {
	struct page_change pc;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	enum notice_kind kind;
	enum notice_format format;
};

static enum redress_err
do_notice(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct notice_page_arg *a = arg;
	struct buf letter;
	struct page p;
	enum redress_err rc;

	c->personal = 1; /* her name and address */
	buf_init_secret(&letter, NOTICE_PAGE_MAX);
	rc = notice_render(c->log, c->actor, &c->keys, a->pseudonym, a->kind, a->format, &letter, err);
	if (rc == REDRESS_OK && a->format == NOTICE_PDF) {
		/* A download: the page stays where it was; never kept by a cache (no-store). */
		http_reply_text(res, 200, "application/pdf", letter.data, letter.len);
		snprintf(res->disposition, sizeof(res->disposition),
		         "attachment; filename=\"notice-%s-%s.pdf\"", a->pseudonym,
		         notice_kind_name(a->kind));
	} else if (rc == REDRESS_OK) {
		http_reply_text(res, 200, "text/html; charset=utf-8", letter.data, letter.len);
		http_allow_style(res);
		/* Shown once, like a reveal (refused.c): a reload posts nothing and leads back to her
		 * casework. */
		snprintf(res->once_back, sizeof(res->once_back), "/persons/%s/casework", a->pseudonym);
	} else {
		page_change_begin_failed(&p, &a->pc, res, N_("Letters to her"));
		page_back_to_file(&p, a->pseudonym);
		page_notice(&p, "error",
		            rc == REDRESS_E_REFUSED
		                ? T(&p, "She has not consented to be contacted (or has died): no "
		                        "letter is written to her.")
		            : rc == REDRESS_E_NOTFOUND
		                ? T(&p, "No person has this pseudonym, or the data was erased.")
		                : T(&p, "The letter could not be written."));
		page_notice(&p, "info", T(&p, "Nothing was saved."));
		back_to_casework(&p, a->pseudonym);
		page_end(&p, rc == REDRESS_E_REFUSED ? 422 : rc == REDRESS_E_NOTFOUND ? 404 : 500);
	}
	buf_free(&letter);
	return rc;
}

void
page_casework_notice(struct http_request *req, struct http_response *res)
{
	const char *pseudonym = http_param(req, "pseudonym");
	char format[8] = "";
	struct notice_page_arg *a;
	struct redress_error err;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if (pseudonym == NULL || strlen(pseudonym) > REGISTRY_PSEUDONYM_MAX ||
	    notice_kind_parse(http_param(req, "kind"), &a->kind, &err) != REDRESS_OK) {
		free(a);
		http_page_refuse(req, res, 404);
		return;
	}
	memcpy(a->pseudonym, pseudonym, strlen(pseudonym) + 1);
	/* The PDF button names format=pdf; the letter's own button names none. */
	if (!page_form_copy(req, "format", format, sizeof(format)) ||
	    (format[0] != '\0' && notice_format_parse(format, &a->format, &err) != REDRESS_OK)) {
		free(a);
		http_page_refuse(req, res, 404);
		return;
	}
	page_change_init(&a->pc, req, res);
	http_change_submit(req, do_notice, a);
}
