/*
 * notice.c -- a letter to a survivor or her family (notice.h): gathers
 * what the fund's tables say of her claims, entitlements and open work,
 * opens her name and address on the record, and writes one A4 page in her
 * language.  Every runtime string goes through core/html; amounts through
 * http/i18n's money writer, which counts minor units as core/money does.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/html.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"
#include "http/i18n.h"
#include "http/notice.h"
#include "http/notice_int.h"

static const char *const kind_names[NOTICE_KINDS] = {"decision", "payment", "reminder"};
static const char *const format_names[NOTICE_FORMATS] = {"html", "pdf"};

/*
 * The index of text among the n names into *i_r; REDRESS_E_INVALID naming
 * what it was meant to be and the choices when it is none (NULL included).
 */
static enum redress_err
name_parse(const char *const *names, int n, const char *text, const char *what, const char *choices, int *i_r,
           struct redress_error *err)
{
	int i;

	for (i = 0; text != NULL && i < n; i++)
		if (strcmp(text, names[i]) == 0) {
			*i_r = i;
			return REDRESS_OK;
		}
	return error_set(err, REDRESS_E_INVALID, "notice %s '%.32s': it is %s", what,
	                 text != NULL ? text : "", choices);
}

const char *
notice_kind_name(enum notice_kind kind)
{
	return (unsigned)kind < NOTICE_KINDS ? kind_names[kind] : "?";
}

enum redress_err
notice_kind_parse(const char *text, enum notice_kind *kind_r, struct redress_error *err)
{
	int i = 0;
	enum redress_err rc =
	    name_parse(kind_names, NOTICE_KINDS, text, "kind", "decision, payment or reminder", &i, err);

	if (rc == REDRESS_OK)
		*kind_r = (enum notice_kind)i;
	return rc;
}

const char *
notice_format_name(enum notice_format format)
{
	return (unsigned)format < NOTICE_FORMATS ? format_names[format] : "?";
}

enum redress_err
notice_format_parse(const char *text, enum notice_format *format_r, struct redress_error *err)
{
	int i = 0;
	enum redress_err rc =
	    name_parse(format_names, NOTICE_FORMATS, text, "format", "html or pdf", &i, err);

	if (rc == REDRESS_OK)
		*format_r = (enum notice_format)i;
	return rc;
}

enum redress_err
notice_allowed(struct store *store, const char *pseudonym, int *allowed_r, struct redress_error *err)
{
	struct registry_person p;
	enum redress_err rc;
	int given = 0;

	*allowed_r = 0;
	if ((rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if (p.status != REGISTRY_ALIVE)
		return REDRESS_OK;
	if ((rc = registry_consent_given(store, pseudonym, NOTICE_SCOPE, &given, err)) != REDRESS_OK)
		return rc;
	*allowed_r = given;
	return REDRESS_OK;
}

/* ---- Gathering ---------------------------------------------------------------- */

struct claims_list {
	struct claim items[NOTICE_CLAIMS];
	size_t n;
};

static enum redress_err
claim_collect(void *ctx, const struct claim *c, struct redress_error *err)
{
	struct claims_list *l = ctx;

	(void)err;
	if (l->n < NOTICE_CLAIMS)
		l->items[l->n++] = *c;
	return REDRESS_OK;
}

struct heirs_ctx {
	struct store *store;
	struct claims_list *claims;
};

static enum redress_err
heir_claims(void *ctx, const char *victim, int64_t num, int64_t den, struct redress_error *err)
{
	struct heirs_ctx *h = ctx;

	(void)num, (void)den;
	return claim_each_of_victim(h->store, victim, claim_collect, h->claims, err);
}

/* Her claims: a victim's own, a relative's those of the victims whose heir she is. */
static enum redress_err
claims_of(struct store *store, const struct registry_person *p, struct claims_list *l,
          struct redress_error *err)
{
	struct heirs_ctx h = {store, l};

	l->n = 0;
	if (p->kind == REGISTRY_VICTIM)
		return claim_each_of_victim(store, p->pseudonym, claim_collect, l, err);
	return registry_heir_of(store, p->pseudonym, heir_claims, &h, err);
}

/* ---- Gathering the letter's content (notice_int.h) -------------------------------- */

struct letter {
	struct notice_doc *d;
	enum i18n_lang lang;
	struct tlog *log;
	struct store *store;
	const struct actor *actor;
	const struct registry_keys *keys;
	const struct registry_person *p;
	char today[11];
	struct program *prog; /* a scratch program, read per claim */
};

static const char *
W(const struct letter *l, const char *msgid)
{
	return i18n_get(l->lang, msgid);
}

/* Ends the text of the last cell, if one is open. */
static void
doc_close(struct notice_doc *d)
{
	if (d->open)
		buf_putc(&d->text, '\0');
	d->open = 0;
}

/* Where the next string of d begins; past the limit of offsets, the sticky error. */
static uint32_t
doc_here(struct notice_doc *d)
{
	if (d->text.len > UINT32_MAX - 1) {
		d->failed = REDRESS_E_OVERFLOW;
		return 0;
	}
	return (uint32_t)d->text.len;
}

/* Starts a block of type with one cell of plain text; errors are sticky in d. */
static void
blk(struct letter *l, enum notice_block_type type)
{
	struct notice_doc *d = l->d;
	struct notice_block *b;
	size_t cap;

	doc_close(d);
	if (d->failed != REDRESS_OK)
		return;
	if (d->n == d->cap) {
		if (d->n >= NOTICE_BLOCKS_MAX) {
			d->failed = REDRESS_E_OVERFLOW;
			return;
		}
		cap = d->cap == 0 ? 64 : d->cap * 2;
		if (cap > NOTICE_BLOCKS_MAX)
			cap = NOTICE_BLOCKS_MAX;
		if ((b = realloc(d->blocks, cap * sizeof(*b))) == NULL) {
			d->failed = REDRESS_E_NOMEM;
			return;
		}
		d->blocks = b;
		d->cap = cap;
	}
	b = &d->blocks[d->n++];
	memset(b, 0, sizeof(*b));
	b->type = (unsigned char)type;
	b->ncells = 1;
	b->cell[0].off = doc_here(d);
	b->cell[0].style = NOTICE_TEXT;
	d->open = 1;
}

/* Starts the next cell (a column, or a run of text) of the current block in style. */
static void
cell(struct letter *l, enum notice_style style)
{
	struct notice_doc *d = l->d;
	struct notice_block *b;

	doc_close(d);
	if (d->failed != REDRESS_OK || d->n == 0)
		return;
	b = &d->blocks[d->n - 1];
	if (b->ncells >= NOTICE_CELLS) {
		d->failed = REDRESS_E_INTERNAL;
		return;
	}
	b->cell[b->ncells].off = doc_here(d);
	b->cell[b->ncells].style = (unsigned char)style;
	b->ncells++;
	d->open = 1;
}

/* Appends s (text, not markup) to the current cell. */
static void
put(struct letter *l, const char *s)
{
	buf_puts(&l->d->text, s != NULL ? s : "");
}

/* Appends the translation of msgid to the current cell. */
static void
text(struct letter *l, const char *msgid)
{
	put(l, W(l, msgid));
}

/* A string of the letter's header, kept apart from the blocks: its offset. */
static uint32_t
field(struct letter *l, const char *s)
{
	uint32_t off;

	doc_close(l->d);
	off = doc_here(l->d);
	put(l, s);
	buf_putc(&l->d->text, '\0');
	return off;
}

static void
para(struct letter *l, const char *msgid)
{
	blk(l, NB_PARA);
	text(l, msgid);
}

static void
heading(struct letter *l, const char *msgid)
{
	blk(l, NB_HEADING);
	text(l, msgid);
}

/* A cell holding an amount, in her language's way of writing money. */
static void
money_cell(struct letter *l, int64_t minor, const char *currency)
{
	struct buf m;

	buf_init(&m, 128);
	i18n_money(&m, l->lang, minor, currency);
	cell(l, NOTICE_AMOUNT);
	put(l, m.data);
	buf_free(&m);
}

/* Appends a date (ISO) in her language's way of writing it; nothing for "". */
static void
date_text(struct letter *l, const char *iso)
{
	struct buf d;

	buf_init(&d, 128);
	if (iso != NULL && iso[0] != '\0')
		i18n_date(&d, l->lang, iso);
	put(l, d.data);
	buf_free(&d);
}

/* One row of a two-column table: a label (a msgid) and a value (already text). */
static void
fact(struct letter *l, const char *msgid, const char *value, enum notice_style style)
{
	blk(l, NB_FACT);
	text(l, msgid);
	cell(l, style);
	put(l, value);
}

/* The name of program code in her language, or the code itself when it cannot be read. */
static const char *
program_label(struct letter *l, const char *code)
{
	struct redress_error e;

	if (program_get(l->store, code, l->prog, &e) != REDRESS_OK)
		return code;
	return program_name(l->prog, i18n_code(l->lang));
}

static const char *const state_words[ENTITLEMENT_STATES] = {
    [ENTITLEMENT_QUEUED] = N_("To be paid"),
    [ENTITLEMENT_DECLINED] = N_("Declined by you: not paid"),
    [ENTITLEMENT_MOVED] = N_("Passed to your heirs"),
    [ENTITLEMENT_BATCHED] = N_("Sent to the bank"),
    [ENTITLEMENT_PAID] = N_("Paid"),
    [ENTITLEMENT_RETURNED] = N_("Returned by the bank: to be paid again"),
    [ENTITLEMENT_SCHEDULED] = N_("Scheduled"),
    [ENTITLEMENT_HELD] = N_("Held: a proof of life is needed"),
    [ENTITLEMENT_STOPPED] = N_("Stopped"),
};

static const char *
claim_words(enum claim_state s)
{
	switch (s) {
	case CLAIM_APPROVED: return N_("Approved");
	case CLAIM_DENIED: return N_("Denied");
	case CLAIM_APPEALED: return N_("Appealed: under review again");
	case CLAIM_SUBMITTED: return N_("Under review");
	case CLAIM_OPEN:
	default: return N_("Not yet submitted");
	}
}

/* The latest approval or denial of a claim with a reason: its transition. */
struct last_decision {
	struct claim_decision d;
	int found;
};

static enum redress_err
decision_last(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	struct last_decision *ld = ctx;

	(void)err;
	if ((d->action == CLAIM_APPROVE || d->action == CLAIM_DENY || d->action == CLAIM_UPHOLD ||
	     d->action == CLAIM_OVERTURN) &&
	    d->has_reason) {
		ld->d = *d;
		ld->found = 1;
	}
	if (d->action == CLAIM_APPEAL || d->action == CLAIM_SUBMIT)
		ld->found = 0;
	return REDRESS_OK;
}

struct harm_ctx {
	struct letter *l;
	int program_read; /* l->prog holds the claim's program */
	const char *currency;
	size_t n;
};

static enum redress_err
harm_row(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	struct harm_ctx *hc = ctx;
	struct letter *l = hc->l;
	const char *label = h->harm;
	int64_t minor = 0;
	int i = -1;
	struct redress_error e;

	(void)err;
	if (hc->program_read && (i = program_harm_find(l->prog, h->harm)) >= 0) {
		const char *named = l->prog->rules.harms[i].names.text[l->lang];
		if (named[0] != '\0')
			label = named;
	}
	if (hc->n++ == 0) {
		blk(l, NB_HEAD);
		text(l, N_("Harm"));
		cell(l, NOTICE_TEXT);
		text(l, N_("Decision"));
		cell(l, NOTICE_TEXT);
		text(l, N_("Amount"));
	}
	blk(l, NB_ROW);
	put(l, label);
	cell(l, NOTICE_TEXT);
	text(l, h->state == CLAIM_HARM_APPROVED ? N_("Approved")
	        : h->state == CLAIM_HARM_DENIED ? N_("Denied")
	                                        : N_("Under review"));
	if (h->state == CLAIM_HARM_APPROVED && i >= 0 && l->prog->rules.harms[i].amount.set &&
	    program_amount_value(l->prog, &l->prog->rules.harms[i].amount, l->today, &minor, &e) ==
	        REDRESS_OK)
		money_cell(l, minor, hc->currency);
	else {
		cell(l, NOTICE_AMOUNT);
		put(l, "\u2013");
	}
	return REDRESS_OK;
}

/* What she is owed under claim (its entitlements that are hers, stopped and moved ones aside). */
static enum redress_err
claim_awarded(struct letter *l, const char *claim, int64_t *minor_r, char currency[CURRENCY_CODE_SIZE],
              struct redress_error *err)
{
	struct entitlement *items = NULL;
	size_t n = 0, i;
	enum redress_err rc;

	*minor_r = 0;
	currency[0] = '\0';
	if ((rc = entitlements_of_person(l->store, l->p->pseudonym, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < n && rc == REDRESS_OK; i++) {
		if (strcmp(items[i].claim, claim) != 0 || items[i].state == ENTITLEMENT_STOPPED ||
		    items[i].state == ENTITLEMENT_MOVED)
			continue;
		memcpy(currency, items[i].currency, CURRENCY_CODE_SIZE);
		rc = money_add(*minor_r, items[i].amount, minor_r, err);
	}
	free(items);
	return rc;
}

static enum redress_err
write_decision(struct letter *l, struct redress_error *err)
{
	struct claims_list *claims;
	struct last_decision ld;
	struct harm_ctx hc;
	struct buf reason;
	char currency[CURRENCY_CODE_SIZE];
	int64_t awarded;
	size_t i, decided = 0;
	enum redress_err rc = REDRESS_OK;

	if ((claims = calloc(1, sizeof(*claims))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing a notice");
	buf_init_secret(&reason, CLAIM_REASON_MAX + 1);
	heading(l, N_("Decision on your claim"));
	if ((rc = claims_of(l->store, l->p, claims, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < claims->n && rc == REDRESS_OK; i++) {
		const struct claim *c = &claims->items[i];

		if (c->state != CLAIM_APPROVED && c->state != CLAIM_DENIED)
			continue;
		decided++;
		blk(l, NB_SECTION);
		fact(l, N_("Claim"), c->id, NOTICE_REF);
		fact(l, N_("Program"), program_label(l, c->program), NOTICE_TEXT);
		hc = (struct harm_ctx){l, program_get(l->store, c->program, l->prog, err) == REDRESS_OK, "",
		                       0};
		hc.currency = hc.program_read ? l->prog->currency : "";
		fact(l, N_("Decision"), W(l, claim_words(c->state)), NOTICE_TEXT);
		if ((rc = claim_awarded(l, c->id, &awarded, currency, err)) != REDRESS_OK)
			break;
		if (c->state == CLAIM_APPROVED && currency[0] != '\0') {
			blk(l, NB_FACT);
			text(l, N_("Amount awarded to you"));
			money_cell(l, awarded, currency);
		}
		/* The reason in words, opened on the record as every opening of it is. */
		memset(&ld, 0, sizeof(ld));
		if ((rc = claim_decision_each(l->store, c->id, decision_last, &ld, err)) != REDRESS_OK)
			break;
		if (ld.found) {
			buf_reset(&reason);
			if ((rc = claim_reasons_opened_why(l->log, l->actor, l->keys, c->id,
			                                   NOTICE_REASON "decision", err)) != REDRESS_OK ||
			    (rc = claim_reason_read(l->store, l->actor, l->keys, &ld.d, &reason, err)) !=
			        REDRESS_OK)
				break;
			fact(l, N_("Reason"), reason.data, NOTICE_TEXT);
		}
		if ((rc = claim_harm_each(l->store, c->id, harm_row, &hc, err)) != REDRESS_OK)
			break;
		blk(l, NB_SECTION_END);
	}
	if (rc != REDRESS_OK)
		goto out;
	if (decided == 0)
		para(l, N_("No decision has been made on your claim yet. We will write to you when it is."));
	else {
		heading(l, N_("If you disagree"));
		para(l, N_("You may appeal against this decision: tell your caseworker, in person, by "
		           "telephone or by "
		           "letter, and say why. The claim is then reviewed again."));
		para(l, N_("You may also make a complaint (a grievance) about how you were treated. It is "
		           "recorded, "
		           "and you will be told what came of it."));
	}
out:
	buf_free(&reason);
	free(claims);
	return rc;
}

static enum redress_err
write_payment(struct letter *l, struct redress_error *err)
{
	struct entitlement *items = NULL;
	size_t n = 0, i, instalments = 0;
	enum redress_err rc;

	heading(l, N_("Your payments"));
	if ((rc = entitlements_of_person(l->store, l->p->pseudonym, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < n; i++)
		instalments += items[i].due_on[0] != '\0';
	if (n == 0)
		para(l, N_("No payment is recorded for you yet."));
	else {
		if (instalments > 0)
			para(l, N_("Your benefit is paid in instalments: each one is listed with the day it "
			           "is due."));
		blk(l, NB_HEAD);
		text(l, N_("Program"));
		cell(l, NOTICE_TEXT);
		text(l, N_("Our reference"));
		cell(l, NOTICE_TEXT);
		text(l, N_("Amount"));
		cell(l, NOTICE_TEXT);
		text(l, N_("Due"));
		cell(l, NOTICE_TEXT);
		text(l, N_("State"));
		cell(l, NOTICE_TEXT);
		text(l, N_("Paid on"));
		for (i = 0; i < n; i++) {
			const struct entitlement *e = &items[i];

			blk(l, NB_ROW);
			put(l, program_label(l, e->program));
			cell(l, NOTICE_REF);
			put(l, e->id);
			money_cell(l, e->amount, e->currency);
			cell(l, NOTICE_DATE);
			date_text(l, e->due_on);
			cell(l, NOTICE_TEXT);
			text(l, (unsigned)e->state < ENTITLEMENT_STATES ? state_words[e->state] : "?");
			if (e->state == ENTITLEMENT_RETURNED && e->return_reason[0] != '\0') {
				put(l, " (");
				put(l, e->return_reason);
				put(l, ")");
			}
			cell(l, NOTICE_DATE);
			date_text(l, e->paid_on);
		}
		para(l, N_("Give our reference when you ask about a payment."));
	}
	free(items);
	return REDRESS_OK;
}

struct tasks_ctx {
	struct letter *l;
	size_t n;
};

static void
item_begin(struct letter *l, size_t *n)
{
	(*n)++;
	blk(l, NB_ITEM);
}

static enum redress_err
task_item(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct tasks_ctx *t = ctx;
	struct buf what;
	enum redress_err rc = REDRESS_OK;

	if (strcmp(it->pseudonym, t->l->p->pseudonym) != 0)
		return REDRESS_OK;
	buf_init_secret(&what, CASEWORK_TEXT_MAX + 1);
	if (it->sealed != NULL && (rc = casework_open_sealed(t->l->store, t->l->keys, it->pseudonym, "task",
	                                                     it->sealed, &what, err)) != REDRESS_OK)
		goto out;
	item_begin(t->l, &t->n);
	put(t->l, what.data);
	put(t->l, " \u2014 ");
	text(t->l, N_("by"));
	put(t->l, " ");
	date_text(t->l, it->due);
out:
	buf_free(&what);
	return rc;
}

static enum redress_err
write_reminder(struct letter *l, struct redress_error *err)
{
	struct casework_task_filter f = {NULL, 0, 1};
	struct tasks_ctx t = {l, 0};
	struct claims_list *claims = NULL;
	struct entitlement *items = NULL;
	char proof[11] = "", next[11] = "";
	size_t n = 0, i, held = 0;
	enum redress_err rc;

	heading(l, N_("What is missing or due"));
	if ((claims = calloc(1, sizeof(*claims))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing a notice");
	if ((rc = claims_of(l->store, l->p, claims, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < claims->n; i++) {
		const struct claim *c = &claims->items[i];

		if (c->state != CLAIM_OPEN)
			continue;
		item_begin(l, &t.n);
		text(l, c->evidence == 0
		            ? N_("Documents for your claim: none received yet. Please send the papers "
		                 "that support your claim, or ask your caseworker for help.")
		            : N_("Your claim has documents but has not been submitted yet: your "
		                 "caseworker will ask you to confirm it."));
		put(l, " (");
		cell(l, NOTICE_REF);
		put(l, c->id);
		cell(l, NOTICE_TEXT);
		put(l, ")");
	}
	if ((rc = entitlements_of_person(l->store, l->p->pseudonym, &items, &n, err)) != REDRESS_OK ||
	    (rc = entitlements_latest_proof(l->store, l->p->pseudonym, proof, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < n; i++) {
		held += items[i].state == ENTITLEMENT_HELD;
		if (items[i].state == ENTITLEMENT_SCHEDULED &&
		    (next[0] == '\0' || strcmp(items[i].due_on, next) < 0))
			memcpy(next, items[i].due_on, sizeof(next));
	}
	if (held > 0) {
		item_begin(l, &t.n);
		text(l, N_("A proof of life is needed now: a payment due to you is held until we have one."));
	} else if (next[0] != '\0') {
		item_begin(l, &t.n);
		text(l, N_("Your next instalment is due on"));
		put(l, " ");
		date_text(l, next);
		put(l, ": ");
		text(l, N_("a recent proof of life may be asked before it is paid."));
	}
	if ((held > 0 || next[0] != '\0') && proof[0] != '\0') {
		item_begin(l, &t.n);
		text(l, N_("Your latest proof of life is dated"));
		put(l, " ");
		date_text(l, proof);
		put(l, ".");
	}
	if ((rc = casework_tasks_each(l->store, &f, task_item, &t, err)) != REDRESS_OK)
		goto out;
	if (t.n == 0)
		para(l, N_("Nothing is missing or due at present."));
out:
	free(items);
	free(claims);
	return rc;
}

/* ---- The HTML writer ------------------------------------------------------------ */

/* The page's one stylesheet: A4, print-ready, nothing fetched (the CSP allows it by its hash). */
static void
html_head(struct buf *b, const struct notice_doc *d)
{
	html_raw_const(b, "<!DOCTYPE html>\n<html lang=\"");
	html_text(b, i18n_code(d->lang));
	html_raw_const(b, "\"><head><meta charset=\"utf-8\">"
	                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>");
	html_text(b, d->title);
	html_raw_const(
	    b, "</title><style>"
	       "@page{size:A4;margin:20mm 18mm}"
	       "body{font-family:'Noto Serif CJK KR','Noto Serif CJK JP','Noto Serif',serif;font-size:11pt;"
	       "line-height:1.5;color:#000;background:#fff;max-width:174mm;margin:1em auto;padding:0 1em}"
	       "header{display:flex;justify-content:space-between;gap:1em;border-bottom:1px solid #000;"
	       "padding-bottom:.5em}header .fund{font-weight:bold}"
	       ".to{margin:2em 0 "
	       "1.5em;white-space:pre-line}h1{font-size:14pt}h2{font-size:12pt;margin-top:1.5em}"
	       "table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #777;"
	       "padding:2px "
	       "6px;text-align:left;vertical-align:top}td.amount{text-align:right;white-space:nowrap}"
	       ".facts th{width:35%}.ref{font-family:monospace}section.claim{break-inside:avoid}"
	       "footer{margin-top:2em;border-top:1px solid #777;font-size:9pt}"
	       "@media print{body{margin:0;max-width:none;padding:0}a{color:#000;text-decoration:none}}"
	       "</style></head><body>\n");
}

/* A table's cell: its element, a class by its style, its text. */
static void
html_cell(struct buf *b, const struct notice_doc *d, const struct notice_cell *c, int head)
{
	if (head)
		html_raw_const(b, "<th>");
	else if (c->style == NOTICE_AMOUNT)
		html_raw_const(b, "<td class=\"amount\">");
	else if (c->style == NOTICE_REF)
		html_raw_const(b, "<td class=\"ref\">");
	else
		html_raw_const(b, "<td>");
	html_text(b, notice_doc_str(d, c->off));
	if (head)
		html_raw_const(b, "</th>");
	else
		html_raw_const(b, "</td>");
}

/* The runs of a paragraph, an item or the footer: a reference in a span of its own. */
static void
html_runs(struct buf *b, const struct notice_doc *d, const struct notice_block *k)
{
	unsigned i;

	for (i = 0; i < k->ncells; i++) {
		if (k->cell[i].style == NOTICE_REF)
			html_raw_const(b, "<span class=\"ref\">");
		html_text(b, notice_doc_str(d, k->cell[i].off));
		if (k->cell[i].style == NOTICE_REF)
			html_raw_const(b, "</span>");
	}
}

/*
 * Writes d as one HTML page into b: the blocks' groups (a claim's facts, a
 * table's rows, a list's items, the footer's paragraphs) each in their
 * element, opened at a group's first block and closed at the next one of
 * another type.
 */
static void
html_write(struct buf *b, const struct notice_doc *d)
{
	enum { NONE, FACTS, TABLE, LIST, FOOT };
	int open = NONE;
	size_t i;
	unsigned j;

	html_head(b, d);
	html_raw_const(b, "<header><div class=\"fund\">");
	html_text(b, notice_doc_str(d, d->fund));
	html_raw_const(b, "</div><div class=\"date\">");
	html_text(b, notice_doc_str(d, d->date));
	html_raw_const(b, "</div></header>\n<div class=\"to\"><div class=\"name\">");
	html_text(b, notice_doc_str(d, d->name));
	html_raw_const(b, "</div><div class=\"address\">");
	html_text(b, notice_doc_str(d, d->address));
	html_raw_const(b, "</div></div>\n<h1>");
	html_text(b, d->title);
	html_raw_const(b, "</h1>\n");
	for (i = 0; i < d->n; i++) {
		const struct notice_block *k = &d->blocks[i];
		int group = k->type == NB_FACT                        ? FACTS
		            : k->type == NB_HEAD || k->type == NB_ROW ? TABLE
		            : k->type == NB_ITEM                      ? LIST
		            : k->type == NB_FOOTER                    ? FOOT
		                                                      : NONE;

		if (open != NONE && (group != open || k->type == NB_HEAD)) {
			if (open == FACTS)
				html_raw_const(b, "</table>\n");
			else if (open == TABLE)
				html_raw_const(b, "</tbody></table>\n");
			else if (open == LIST)
				html_raw_const(b, "</ul>\n");
			else
				html_raw_const(b, "</footer>\n");
			open = NONE;
		}
		switch (k->type) {
		case NB_HEADING:
			html_raw_const(b, "<h2>");
			html_runs(b, d, k);
			html_raw_const(b, "</h2>\n");
			break;
		case NB_PARA:
			html_raw_const(b, "<p>");
			html_runs(b, d, k);
			html_raw_const(b, "</p>\n");
			break;
		case NB_SECTION: html_raw_const(b, "<section class=\"claim\">"); break;
		case NB_SECTION_END: html_raw_const(b, "</section>\n"); break;
		case NB_FACT:
			if (open == NONE)
				html_raw_const(b, "<table class=\"facts\">\n");
			html_raw_const(b, "<tr><th scope=\"row\">");
			html_text(b, notice_doc_str(d, k->cell[0].off));
			html_raw_const(b, "</th>");
			for (j = 1; j < k->ncells; j++)
				html_cell(b, d, &k->cell[j], 0);
			html_raw_const(b, "</tr>\n");
			break;
		case NB_HEAD:
			html_raw_const(b, "<table class=\"list\"><thead><tr>");
			for (j = 0; j < k->ncells; j++)
				html_cell(b, d, &k->cell[j], 1);
			html_raw_const(b, "</tr></thead><tbody>\n");
			break;
		case NB_ROW:
			html_raw_const(b, "<tr>");
			for (j = 0; j < k->ncells; j++)
				html_cell(b, d, &k->cell[j], 0);
			html_raw_const(b, "</tr>\n");
			break;
		case NB_ITEM:
			if (open == NONE)
				html_raw_const(b, "<ul class=\"due\">\n");
			html_raw_const(b, "<li>");
			html_runs(b, d, k);
			html_raw_const(b, "</li>\n");
			break;
		case NB_FOOTER:
			if (open == NONE)
				html_raw_const(b, "<footer>");
			html_raw_const(b, "<p>");
			html_runs(b, d, k);
			html_raw_const(b, "</p>");
			break;
		default: break;
		}
		open = group;
	}
	if (open == FACTS)
		html_raw_const(b, "</table>\n");
	else if (open == TABLE)
		html_raw_const(b, "</tbody></table>\n");
	else if (open == LIST)
		html_raw_const(b, "</ul>\n");
	else if (open == FOOT)
		html_raw_const(b, "</footer>\n");
	html_raw_const(b, "</body></html>\n");
}

/* ---- The letter ----------------------------------------------------------------- */

/* Gathers the whole letter of kind into l->d: its header, its body, its footer. */
static enum redress_err
letter_gather(struct letter *l, enum notice_kind kind, const struct registry_identity *id,
              struct redress_error *err)
{
	static const char *const titles[NOTICE_KINDS] = {N_("Notice of decision"), N_("Notice of payment"),
	                                                 N_("Reminder")};
	struct claims_list *claims;
	const char *fund = W(l, N_("The reparations fund"));
	struct buf date;
	enum redress_err rc = REDRESS_OK;

	/* The fund's name: the program of her first claim, in her language. */
	if ((claims = calloc(1, sizeof(*claims))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing a notice");
	if ((rc = claims_of(l->store, l->p, claims, err)) == REDRESS_OK && claims->n > 0 &&
	    program_get(l->store, claims->items[0].program, l->prog, err) == REDRESS_OK)
		fund = program_name(l->prog, i18n_code(l->lang));
	if (rc != REDRESS_OK)
		goto out;
	buf_init(&date, 128);
	i18n_date(&date, l->lang, l->today);
	l->d->title = W(l, titles[kind]);
	l->d->fund = field(l, fund);
	l->d->date = field(l, date.data);
	l->d->name = field(l, id->name);
	l->d->address = field(l, id->address);
	buf_free(&date);
	switch (kind) {
	case NOTICE_DECISION: rc = write_decision(l, err); break;
	case NOTICE_PAYMENT: rc = write_payment(l, err); break;
	case NOTICE_REMINDER: rc = write_reminder(l, err); break;
	case NOTICE_KINDS:
	default: rc = error_set(err, REDRESS_E_INVALID, "notice kind %d is none of the three", (int)kind);
	}
	if (rc != REDRESS_OK)
		goto out;
	blk(l, NB_FOOTER);
	text(l, N_("For any question, call or write to your caseworker, and give this number:"));
	put(l, " ");
	cell(l, NOTICE_REF);
	put(l, l->p->pseudonym);
	blk(l, NB_FOOTER);
	text(l, N_("This letter was written for you alone; you agreed to be contacted by the fund."));
	doc_close(l->d);
	if (l->d->failed == REDRESS_OK)
		l->d->failed = l->d->text.failed;
	if (l->d->failed != REDRESS_OK)
		rc = error_set(err, l->d->failed, "the notice is longer than a letter may be (%zu blocks)",
		               l->d->n);
out:
	free(claims);
	return rc;
}

enum redress_err
notice_render(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
              const char *pseudonym, enum notice_kind kind, enum notice_format format, struct buf *out,
              struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person p;
	struct registry_identity id;
	struct notice_doc doc;
	struct letter l;
	char reason[32];
	time_t now = time(NULL);
	struct tm tm;
	int allowed = 0, lang;
	enum redress_err rc;

	memset(&id, 0, sizeof(id));
	memset(&doc, 0, sizeof(doc));
	memset(&l, 0, sizeof(l));
	if ((unsigned)kind >= NOTICE_KINDS)
		return error_set(err, REDRESS_E_INVALID, "notice kind %d is none of the three", (int)kind);
	if ((unsigned)format >= NOTICE_FORMATS)
		return error_set(err, REDRESS_E_INVALID, "notice format %d is neither html nor pdf",
		                 (int)format);
	if ((rc = users_require(actor, PERM_PERSONS_REVEAL, err)) != REDRESS_OK ||
	    (rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if (p.status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_NOTFOUND, "%s was erased: no letter can be written to her",
		                 pseudonym);
	if (p.status == REGISTRY_DECEASED)
		return error_set(err, REDRESS_E_REFUSED,
		                 "%s is recorded as deceased: write to her heirs instead (relation list)",
		                 pseudonym);
	if ((rc = notice_allowed(store, pseudonym, &allowed, err)) != REDRESS_OK)
		return rc;
	if (!allowed)
		return error_set(err, REDRESS_E_REFUSED,
		                 "%s has not consented to be contacted (consent scope '" NOTICE_SCOPE
		                 "'): no %s notice is written",
		                 pseudonym, notice_kind_name(kind));
	snprintf(reason, sizeof(reason), NOTICE_REASON "%s", notice_kind_name(kind));
	if ((rc = registry_reveal(log, actor, keys, pseudonym, reason, &id, err)) != REDRESS_OK)
		return rc;
	lang = i18n_parse(p.language);
	buf_init_secret(&doc.text, NOTICE_PAGE_MAX);
	doc.lang = lang < 0 ? I18N_KO : (enum i18n_lang)lang;
	l.d = &doc;
	l.lang = doc.lang;
	l.log = log;
	l.store = store;
	l.actor = actor;
	l.keys = keys;
	l.p = &p;
	gmtime_r(&now, &tm);
	snprintf(l.today, sizeof(l.today), "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000,
	         (tm.tm_mon + 1) % 100, tm.tm_mday % 100);
	if ((l.prog = calloc(1, sizeof(*l.prog))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing a notice");
		goto out;
	}
	if ((rc = letter_gather(&l, kind, &id, err)) != REDRESS_OK)
		goto out;
	if (format == NOTICE_PDF)
		rc = notice_pdf_write(&doc, out, err);
	else {
		html_write(out, &doc);
		rc = buf_error(out, err);
	}
out:
	free(l.prog);
	free(doc.blocks);
	buf_free(&doc.text);
	sodium_memzero(&id, sizeof(id));
	return rc;
}
