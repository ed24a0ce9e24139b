/*
 * page_claims.c -- claims in the browser: the list (for reviewers, the
 * queue of claims waiting for a decision), a claim with its evidence and
 * history, and the forms that move it: open (from the case file),
 * evidence upload, submit, approve, deny, appeal.
 *
 * Each form is a change on the writer (domain/claims decides what is
 * allowed: four eyes, no approval by whoever opened the claim, no second
 * approval by the same reviewer in a round).  When the domain refuses,
 * the change is rolled back and the claim page comes back with the
 * refusal on top, rendered from the change's own connection.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/claims/claims.h"
#include "domain/programs/programs.h"
#include "http/page.h"

/* ---- Words ------------------------------------------------------------------ */

static const char *
state_words(struct page *p, enum claim_state state)
{
	switch (state) {
	case CLAIM_OPEN: return T(p, "open");
	case CLAIM_SUBMITTED: return T(p, "submitted for review");
	case CLAIM_APPROVED: return T(p, "approved");
	case CLAIM_DENIED: return T(p, "denied");
	case CLAIM_APPEALED: return T(p, "appealed");
	}
	return "?";
}

static const char *
action_words(struct page *p, enum claim_action action)
{
	switch (action) {
	case CLAIM_SUBMIT: return T(p, "submitted");
	case CLAIM_APPROVE: return T(p, "approved");
	case CLAIM_DENY: return T(p, "denied");
	case CLAIM_APPEAL: return T(p, "appealed");
	case CLAIM_UPHOLD: return T(p, "appeal upheld");
	case CLAIM_OVERTURN: return T(p, "appeal overturned: approved");
	case CLAIM_VOTE_UPHOLD: return T(p, "voted to uphold the denial");
	case CLAIM_VOTE_OVERTURN: return T(p, "voted to overturn the denial");
	}
	return "?";
}

/* ---- The list and the queue ---------------------------------------------------------- */

/* A queue page shows the oldest this many: a page that grows with the fund would grow past any budget. */
#define QUEUE_PAGE 100

struct list_ctx {
	struct page *p;
	const char *victim; /* only this victim's claims, or NULL */
	size_t count;
	int more;  /* stopped at QUEUE_PAGE with more to come */
	int split; /* 0: every claim; 1: those the account may decide; 2: those waiting for another */
	/*
	 * The split is an appeals officer's: she opened the claim or decided it
	 * before its appeal, or not (the domain checks harm reviews too and
	 * refuses what this list lets through); else a reviewer's.
	 */
	int appeals;
	struct store *store;  /* for the split and the programs' names */
	struct program *prog; /* the last program named (page_program_words) */
};

struct mine_ctx {
	const char *actor; /* "user:NAME" */
	int round;
	int mine;
};

static enum redress_err
approved_mine(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	struct mine_ctx *m = ctx;

	(void)err;
	if (d->action == CLAIM_APPROVE && d->round == m->round && strcmp(d->actor, m->actor) == 0)
		m->mine = 1;
	return REDRESS_OK;
}

/*
 * An approval or denial by m->actor in a round before m->round: she took
 * part in the claim; or her vote on its appeal (m->round): another member
 * who agrees decides it with her.
 */
static enum redress_err
decided_before(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	struct mine_ctx *m = ctx;
	int vote = d->action == CLAIM_VOTE_UPHOLD || d->action == CLAIM_VOTE_OVERTURN;

	(void)err;
	if (strcmp(d->actor, m->actor) != 0)
		return REDRESS_OK;
	if (((d->action == CLAIM_APPROVE || d->action == CLAIM_DENY) && d->round < m->round) ||
	    (vote && d->round == m->round))
		m->mine = 1;
	return REDRESS_OK;
}

/*
 * 1 when the account opened claim c or made a decision of it that fn (one
 * of the two above) finds: another person must decide.
 */
static int
not_for_me(struct store *store, const struct page *p, const struct claim *c,
           enum redress_err (*fn)(void *ctx, const struct claim_decision *d, struct redress_error *err))
{
	char actor[TLOG_ACTOR_MAX + 8];
	struct mine_ctx m = {actor, c->round, 0};
	struct redress_error err;

	snprintf(actor, sizeof(actor), "user:%s", p->req->actor.name);
	if (strcmp(c->opened_by, actor) == 0)
		return 1;
	claim_decision_each(store, c->id, fn, &m, &err);
	return m.mine;
}

static enum redress_err
list_row(void *ctx, const struct claim *c, struct redress_error *err)
{
	struct list_ctx *l = ctx;
	struct page *p = l->p;
	int sees;

	/* Only the claims of the people the account's office sees (domain/offices). */
	if ((sees = http_sees(p->req, l->store, c->victim, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (l->split != 0 &&
	    not_for_me(l->store, p, c, l->appeals ? decided_before : approved_mine) != (l->split == 2))
		return REDRESS_OK;
	if (l->victim == NULL && l->count == QUEUE_PAGE) {
		l->more = 1;
		return error_set(err, REDRESS_E_OVERFLOW,
		                 "a page's worth"); /* stops the walk; not a failure */
	}
	if (l->count++ == 0) {
		page_table_begin(p, NULL);
		page_th(p, T(p, "Claim"));
		page_th(p, T(p, "Victim"));
		page_th(p, T(p, "Program"));
		page_th(p, T(p, "State"));
		page_th(p, T(p, "Approvals"));
		page_th(p, T(p, "Evidence files"));
		html_raw_const(p->b, "</tr></thead><tbody>");
	}
	html_raw_const(p->b, "<tr><td><a");
	html_href_path(p->b, "href", "/claims/", c->id);
	html_raw_const(p->b, ">");
	html_text(p->b, c->id);
	html_raw_const(p->b, "</a></td>");
	page_td(p, c->victim);
	page_td(p, page_program_words(p, l->store, c->program, l->prog));
	page_td(p, state_words(p, c->state));
	html_raw_const(p->b, "<td>");
	html_textf(p->b, "%d / %d", c->approvals, c->approvals_needed);
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%d", c->evidence);
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

int
page_claims_table(struct page *p, struct store *store, int state, const char *victim)
{
	struct list_ctx l = {p, victim, 0, 0, 0, 0, store, NULL};
	struct redress_error err;
	enum redress_err rc;

	if ((l.prog = calloc(1, sizeof(*l.prog))) == NULL) {
		page_notice(p, "error", T(p, "The claims could not be read."));
		return -1;
	}
	rc = victim != NULL ? claim_each_of_victim(store, victim, list_row, &l, &err)
	                    : claim_each(store, state, NULL, list_row, &l, &err);
	free(l.prog);
	if (l.count > 0)
		page_table_end(p);
	if (l.more) {
		rc = REDRESS_OK;
		html_raw_const(p->b, "<p class=\"hint\">");
		html_textf(p->b, "%s %d", T(p, "Showing the oldest claims first; the number shown:"),
		           QUEUE_PAGE);
		html_raw_const(p->b, "</p>");
	}
	if (rc != REDRESS_OK) {
		page_notice(p, "error", T(p, "The claims could not be read."));
		return -1;
	}
	if (l.count == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, victim != NULL ? T(p, "No claim has been opened.")
		                               : T(p, "No claim is in this list."));
		html_raw_const(p->b, "</p>");
	}
	return (int)l.count;
}

/* One half of a reviewer's queue (split 1: hers to decide, 2: waiting for another); the number shown, -1 on
 * error. */
static int
split_table(struct page *p, struct store *store, int state, int split)
{
	struct list_ctx l = {p, NULL, 0, 0, split, state == CLAIM_APPEALED, store, NULL};
	struct redress_error err;
	enum redress_err rc;

	if ((l.prog = calloc(1, sizeof(*l.prog))) == NULL) {
		page_notice(p, "error", T(p, "The claims could not be read."));
		return -1;
	}
	rc = claim_each(store, state, NULL, list_row, &l, &err);
	free(l.prog);
	if (l.count > 0)
		page_table_end(p);
	if (rc != REDRESS_OK && !l.more) {
		page_notice(p, "error", T(p, "The claims could not be read."));
		return -1;
	}
	if (l.count == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, split == 1 ? T(p, "Nothing waits for you.") : T(p, "None."));
		html_raw_const(p->b, "</p>");
	}
	return (int)l.count;
}

/*
 * A queue in two halves, and the page's end: "Needs you", then what
 * another decides (others_title), with why (why): msgids, marked N_() by the caller.
 */
static void
split_queue(struct page *p, struct store *store, int state, const char *others_title, const char *why)
{
	int failed = 0;

	html_raw_const(p->b, "<h2>");
	html_text(p->b, T(p, "Needs you"));
	html_raw_const(p->b, "</h2>");
	failed |= split_table(p, store, state, 1) < 0;
	html_raw_const(p->b, "<h2>");
	html_text(p->b, i18n_get(p->lang, others_title));
	html_raw_const(p->b, "</h2><p class=\"hint\">");
	html_text(p->b, i18n_get(p->lang, why));
	html_raw_const(p->b, "</p>");
	failed |= split_table(p, store, state, 2) < 0;
	page_end(p, failed ? 500 : 200);
}

void
page_claims_list(struct http_request *req, struct http_response *res)
{
	const char *state_text = http_query(req, "state");
	struct redress_error err;
	enum claim_state state = CLAIM_SUBMITTED;
	struct store *store;
	struct page p;
	int filter;

	if ((store = http_store(req, res)) == NULL)
		return;
	/* Reviewers come here for what waits for them: submitted claims unless asked otherwise. */
	if (state_text != NULL && strcmp(state_text, "all") == 0)
		filter = -1;
	else if (state_text != NULL && claim_state_parse(state_text, &state, &err) == REDRESS_OK)
		filter = (int)state;
	else
		filter = CLAIM_SUBMITTED;
	page_begin(&p, req, res,
	           filter == CLAIM_SUBMITTED  ? N_("Claims waiting for review")
	           : filter == CLAIM_APPEALED ? N_("Appeals waiting for a decision")
	                                      : N_("Claims"));
	html_raw_const(p.b, "<nav class=\"filters\"");
	html_attr(p.b, "aria-label", T(&p, "Show claims"));
	html_raw_const(p.b, "><ul><li><a href=\"/claims?state=submitted\">");
	html_text(p.b, T(&p, "Waiting for review"));
	html_raw_const(p.b, "</a></li><li><a href=\"/claims?state=appealed\">");
	html_text(p.b, T(&p, "Appealed"));
	html_raw_const(p.b, "</a></li><li><a href=\"/claims?state=approved\">");
	html_text(p.b, T(&p, "Approved"));
	html_raw_const(p.b, "</a></li><li><a href=\"/claims?state=all\">");
	html_text(p.b, T(&p, "All claims"));
	html_raw_const(p.b, "</a></li></ul></nav>");
	if (users_allows(&req->actor, PERM_CLAIMS_DECIDE) && filter == CLAIM_SUBMITTED) {
		/* A reviewer's queue in two: what she may decide now, and what waits for another reviewer. */
		split_queue(
		    &p, store, filter, N_("Waiting for another reviewer"),
		    N_("Claims you opened or have approved in this round: another reviewer decides them."));
		return;
	}
	if (users_allows(&req->actor, PERM_APPEALS_DECIDE) && filter == CLAIM_APPEALED) {
		/* The appeals queue in two: what she may decide, and what she took part in before. */
		split_queue(&p, store, filter, N_("Another member of the appeals staff decides"),
		            N_("Claims you opened or decided before their appeal: you take no part in "
		               "deciding the appeal."));
		return;
	}
	page_end(&p, page_claims_table(&p, store, filter, NULL) < 0 ? 500 : 200);
}

/* ---- One claim -------------------------------------------------------------------- */

/* An evidence label's words (a msgid), by its code (claim_evidence_labels). */
static const char *const label_words[][2] = {
    {"identity", N_("Identity document")}, {"testimony", N_("Testimony")}, {"medical", N_("Medical record")},
    {"family", N_("Family register")},     {"photo", N_("Photograph")},    {"letter", N_("Letter")},
    {"other", N_("Other document")},
};

static const char *
label_text(struct page *p, const char *code)
{
	size_t i;

	for (i = 0; i < sizeof(label_words) / sizeof(label_words[0]); i++)
		if (strcmp(code, label_words[i][0]) == 0)
			return i18n_get(p->lang, label_words[i][1]);
	return NULL;
}

struct evidence_ctx {
	struct page *p;
	struct tlog *log; /* the request's, for each file's label; NULL on the writer's thread */
};

static enum redress_err
evidence_row(void *ctx, const struct claim_evidence *e, struct redress_error *err)
{
	struct evidence_ctx *ec = ctx;
	struct page *p = ec->p;
	char path[64], label[CLAIM_LABEL_MAX + 1] = "";
	struct redress_error ignored;
	const char *words;

	(void)err;
	if (ec->log != NULL)
		(void)claim_evidence_label(ec->log, e, label, &ignored);
	snprintf(path, sizeof(path), "/claims/%s/evidence/%d", e->claim, e->n);
	html_raw_const(p->b, "<tr><td><a");
	html_href(p->b, "href", path);
	html_raw_const(p->b, ">");
	/* "의료 기록 (파일 2)": what it is, then which file; a file from before labels is only its number. */
	if ((words = label_text(p, label)) != NULL)
		html_textf(p->b, "%s (%s %d)", words, T(p, "file"), e->n);
	else
		html_textf(p->b, "%s %d", T(p, "Download file"), e->n);
	html_raw_const(p->b, "</a></td><td>");
	html_textf(p->b, "%lld", (long long)e->size);
	html_raw_const(p->b, "</td><td><code>");
	html_textn(p->b, e->sha256, 16);
	html_raw_const(p->b, "…</code></td>");
	page_td(p, e->added_by);
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

/* "Back to the claim C-000001". */
static void
page_back_to_claim(struct page *p, const char *id)
{
	html_raw_const(p->b, "<p><a");
	html_href_path(p->b, "href", "/claims/", id);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Back to the claim"));
	html_raw_const(p->b, " ");
	html_text(p->b, id);
	html_raw_const(p->b, "</a></p>");
}

struct history_ctx {
	struct page *p;
	struct tlog *log;   /* the request's, for each event's time; NULL on the writer's thread */
	int approved_by_me; /* the account approved in the claim's current round */
	int voted_by_me;    /* the account voted on the claim's appeal */
	int round;          /* the claim's round */
	size_t rows;        /* rows written */
};

static enum redress_err
history_row(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	struct history_ctx *h = ctx;
	struct page *p = h->p;
	char at[40], actor[TLOG_ACTOR_MAX + 8];

	(void)err;
	h->rows++;
	snprintf(actor, sizeof(actor), "user:%s", p->req->actor.name);
	if (d->action == CLAIM_APPROVE && d->round == h->round && strcmp(d->actor, actor) == 0)
		h->approved_by_me = 1;
	if ((d->action == CLAIM_VOTE_UPHOLD || d->action == CLAIM_VOTE_OVERTURN) && d->round == h->round &&
	    strcmp(d->actor, actor) == 0)
		h->voted_by_me = 1;
	html_raw_const(p->b, "<tr><td>");
	if (h->log != NULL && page_event_at(h->log, d->seq, at) == 0)
		page_when(p, at);
	else
		html_text(p->b, "—");
	html_raw_const(p->b, "</td>");
	page_td(p, action_words(p, d->action));
	html_raw_const(p->b, "<td>");
	html_textf(p->b, "%d", d->round + 1);
	html_raw_const(p->b, "</td>");
	page_td(p, page_actor(d->actor));
	html_raw_const(p->b, "<td>");
	if (d->has_reason && users_allows(&p->req->actor, PERM_CLAIMS_READ)) {
		/* The reason opens for whoever may read claims; the opening is recorded like a reveal. */
		char path[96], seq[24];

		snprintf(path, sizeof(path), "/claims/%s/reasons/", d->claim);
		snprintf(seq, sizeof(seq), "%llu", (unsigned long long)d->seq);
		html_raw_const(p->b, "<details><summary>");
		html_text(p->b, T(p, "Read the reason"));
		html_raw_const(p->b, "</summary><form method=\"post\"");
		html_href_path_(p->b, "action", path, seq, ""); /* path: built from the claim's id */
		html_raw_const(p->b, ">");
		page_csrf(p);
		html_raw_const(p->b, "<div class=\"field\"><label");
		html_href_path_(p->b, "for", "f-why-", seq, "");
		html_raw_const(p->b, ">");
		html_text(p->b, T(p, "Why you read it"));
		html_raw_const(p->b,
		               "</label><input type=\"text\" name=\"why\" required autocomplete=\"off\"");
		html_href_path_(p->b, "id", "f-why-", seq, "");
		html_raw_const(p->b, "></div>");
		html_raw_const(p->b, "<button type=\"submit\">");
		html_text(p->b, T(p, "Open the reason (recorded)"));
		html_raw_const(p->b, "</button></form></details>");
	} else {
		html_text(p->b, "—");
	}
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

/* What a decision needs to know of the victim: birth year, frailty, her wish, consent to processing. */
static void
victim_facts(struct page *p, struct store *store, const char *victim)
{
	struct registry_person person;
	struct redress_error err;
	enum registry_wish wish;
	int given = 0;
	char number[16];

	if (registry_get(store, victim, &person, &err) != REDRESS_OK)
		return;
	snprintf(number, sizeof(number), "%d", person.birth_year);
	page_fact(p, T(p, "Birth year"), number);
	page_fact(p, T(p, "Status"),
	          person.status == REGISTRY_ALIVE      ? T(p, "alive")
	          : person.status == REGISTRY_DECEASED ? T(p, "deceased")
	                                               : T(p, "erased"));
	snprintf(number, sizeof(number), "%d", person.frailty);
	page_fact(p, T(p, "Frailty"), number);
	if (registry_latest_wish(store, victim, &wish, &err) == REDRESS_OK)
		page_fact(p, T(p, "Latest wish"),
		          wish == REGISTRY_WISH_ACCEPT      ? T(p, "accepts the payment")
		          : wish == REGISTRY_WISH_DECLINE   ? T(p, "declines the payment")
		          : wish == REGISTRY_WISH_UNDECIDED ? T(p, "undecided: ask again later")
		                                            : T(p, "not consulted yet"));
	if (registry_consent_given(store, victim, "processing", &given, &err) == REDRESS_OK)
		page_fact(p, T(p, "Consent to processing of the case"),
		          given ? T(p, "granted") : T(p, "not given"));
}

/*
 * A form posting to action_path with, when reason_field is not NULL, a
 * reason (each form its own field name, so that ids stay unique on the page).
 */
static void
transition_form(struct page *p, const char *action_path, const char *button, const char *reason_field,
                int reason_required, const char *button_class)
{
	int decision = strcmp(button_class, "approve") == 0 || strcmp(button_class, "deny") == 0;
	char confirm_id[48];

	html_raw_const(p->b, "<form class=\"form\" method=\"post\" novalidate");
	html_href(p->b, "action", action_path);
	html_raw_const(p->b, ">");
	page_csrf(p);
	if (reason_field != NULL)
		page_input(p, reason_required ? N_("Reason") : N_("Reason (optional)"), reason_field, "text",
		           NULL, NULL, reason_required, "off");
	if (decision) {
		/* A decision is confirmed first: the box must be ticked, or nothing is decided. */
		snprintf(confirm_id, sizeof(confirm_id), "f-confirm-%s", button_class);
		html_raw_const(
		    p->b,
		    "<div class=\"field\"><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required");
		html_attr(p->b, "id", confirm_id);
		html_raw_const(p->b, "> <label class=\"inline\"");
		html_attr(p->b, "for", confirm_id);
		html_raw_const(p->b, ">");
		if (reason_field != NULL && strcmp(reason_field, "overturn_reason") == 0)
			html_text(p->b,
			          T(p, "I have read the appeal and the evidence, and overturn the denial: "
			               "the claim is approved."));
		else if (reason_field != NULL && strcmp(reason_field, "uphold_reason") == 0)
			html_text(p->b,
			          T(p, "I have read the appeal and the evidence, and uphold the denial for "
			               "good; the family will be told why."));
		else
			html_text(p->b,
			          strcmp(button_class, "approve") == 0
			              ? T(p, "I have checked the evidence and approve this claim.")
			              : T(p,
			                  "I have checked the evidence and deny this claim; the family will "
			                  "be told why."));
		html_raw_const(p->b, "</label></div>");
	}
	html_raw_const(p->b, "<button type=\"submit\"");
	html_attr(p->b, "class", button_class);
	html_raw_const(p->b, ">");
	html_text(p->b, button);
	html_raw_const(p->b, "</button></form>");
}

/* Writes the claim id from store; returns the page's status. */
static unsigned
claim_body(struct page *p, struct store *store, const char *id)
{
	const struct actor *actor = &p->req->actor;
	struct history_ctx h;
	struct redress_error err;
	struct claim c;
	char path[96];

	if (claim_get(store, id, &c, &err) != REDRESS_OK) {
		page_notice(p, "error",
		            err.code == REDRESS_E_NOTFOUND ? T(p, "There is no such claim.")
		                                           : T(p, "The claims could not be read."));
		return err.code == REDRESS_E_NOTFOUND ? 404 : 500;
	}
	html_raw_const(p->b, "<p class=\"pseudonym\">");
	html_text(p->b, c.id);
	html_raw_const(p->b, "</p><dl class=\"facts\"><dt>");
	html_text(p->b, T(p, "Victim"));
	html_raw_const(p->b, "</dt><dd>");
	if (users_allows(actor, PERM_PERSONS_READ)) {
		html_raw_const(p->b, "<a");
		html_href_path(p->b, "href", "/persons/", c.victim);
		html_raw_const(p->b, ">");
		html_text(p->b, c.victim);
		html_raw_const(p->b, "</a>");
	} else {
		html_text(p->b, c.victim);
	}
	html_raw_const(p->b, "</dd><dt>");
	html_text(p->b, T(p, "Program"));
	html_raw_const(p->b, "</dt><dd>");
	{
		struct program *prog = calloc(1, sizeof(*prog));

		html_text(p->b, prog != NULL ? page_program_words(p, store, c.program, prog) : c.program);
		free(prog);
	}
	html_raw_const(p->b, "</dd><dt>");
	html_text(p->b, T(p, "State"));
	html_raw_const(p->b, "</dt><dd class=\"state\">");
	html_text(p->b, state_words(p, c.state));
	html_raw_const(p->b, "</dd><dt>");
	html_text(p->b, T(p, "Approvals"));
	html_raw_const(p->b, "</dt><dd>");
	html_textf(p->b, "%d / %d", c.approvals, c.approvals_needed);
	html_raw_const(p->b, "</dd><dt>");
	html_text(p->b, T(p, "Opened by"));
	html_raw_const(p->b, "</dt><dd>");
	html_text(p->b, page_actor(c.opened_by));
	html_raw_const(p->b, "</dd>");
	victim_facts(p, store, c.victim);
	html_raw_const(p->b, "</dl>");

	html_raw_const(p->b, "<h2>");
	html_text(p->b, T(p, "Evidence"));
	html_raw_const(p->b, "</h2>");
	if (c.evidence == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "No evidence has been attached."));
		html_raw_const(p->b, "</p>");
	} else {
		page_table_begin(p, NULL);
		page_th(p, T(p, "File"));
		page_th(p, T(p, "Bytes"));
		page_th(p, "SHA-256");
		page_th(p, T(p, "Added by"));
		html_raw_const(p->b, "</tr></thead><tbody>");
		struct evidence_ctx ec = {p, p->req->app != NULL ? http_read_log(p->req, p->res) : NULL};

		claim_evidence_each(store, c.id, evidence_row, &ec, &err);
		page_table_end(p);
	}
	html_raw_const(p->b, "<h2>");
	html_text(p->b, T(p, "History"));
	html_raw_const(p->b, "</h2>");
	page_table_begin(p, T(p, "History"));
	page_th(p, T(p, "When"));
	page_th(p, T(p, "What"));
	page_th(p, T(p, "Round"));
	page_th(p, T(p, "Who"));
	page_th(p, T(p, "Reason"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	h.p = p;
	h.log = p->req->app != NULL ? http_read_log(p->req, p->res) : NULL;
	h.approved_by_me = 0;
	h.round = c.round;
	h.rows = 0;
	claim_decision_each(store, c.id, history_row, &h, &err);
	if (h.rows == 0) {
		html_raw_const(p->b, "<tr><td colspan=\"5\">");
		html_text(p->b, T(p, "Nothing yet: the claim has not been submitted for review."));
		html_raw_const(p->b, "</td></tr>");
	}
	page_table_end(p);

	if (users_allows(actor, PERM_CLAIMS_INTAKE) && (c.state == CLAIM_OPEN || c.state == CLAIM_DENIED)) {
		html_raw_const(p->b, "<h2>");
		html_text(p->b, T(p, "Add evidence"));
		html_raw_const(
		    p->b,
		    "</h2><form class=\"form\" method=\"post\" enctype=\"multipart/form-data\" novalidate");
		html_href_path_suffix(p->b, "action", "/claims/", c.id, "/evidence");
		html_raw_const(p->b, ">");
		page_csrf(p);
		page_select_required_begin(p, N_("What is it?"), "label", NULL);
		page_option(p, "", T(p, "Choose what the file is"), "");
		for (size_t i = 0; i < sizeof(label_words) / sizeof(label_words[0]); i++)
			page_option(p, label_words[i][0], i18n_get(p->lang, label_words[i][1]), "");
		page_select_end(p, "label", NULL);
		page_input(p, N_("File"), "file", "file", NULL, NULL, 1, NULL);
		html_raw_const(p->b, "<button type=\"submit\">");
		html_text(p->b, T(p, "Attach the file"));
		html_raw_const(p->b, "</button></form>");
	}
	if (users_allows(actor, PERM_CLAIMS_INTAKE) && c.state == CLAIM_OPEN) {
		snprintf(path, sizeof(path), "/claims/%s/submit", c.id);
		html_raw_const(p->b, "<h2>");
		html_text(p->b, T(p, "Submit for review"));
		html_raw_const(p->b, "</h2>");
		transition_form(p, path, T(p, "Submit the claim for review"), NULL, 0, "");
	}
	if (users_allows(actor, PERM_CLAIMS_INTAKE) && c.state == CLAIM_DENIED) {
		snprintf(path, sizeof(path), "/claims/%s/appeal", c.id);
		html_raw_const(p->b, "<h2>");
		html_text(p->b, T(p, "Appeal"));
		html_raw_const(p->b, "</h2>");
		transition_form(p, path, T(p, "Appeal the decision"), "appeal_reason", 1, "");
	}
	if (users_allows(actor, PERM_APPEALS_DECIDE) && c.state == CLAIM_APPEALED) {
		html_raw_const(p->b, "<h2 id=\"appeal-decision\">");
		html_text(p->b, T(p, "Appeal decision"));
		html_raw_const(p->b, "</h2><p class=\"hint\">");
		html_text(p->b,
		          T(p, "An appeal is decided once, when two members of the appeals staff who took no "
		               "part in the claim agree; until then each one's decision is a vote. "
		               "Overturned, the claim is approved and paid; upheld, the denial stands for "
		               "good. The reason is what the family is told."));
		html_raw_const(p->b, "</p>");
		if (c.votes_upheld + c.votes_overturned > 0) {
			html_raw_const(p->b, "<dl class=\"facts\">");
			char n[16];

			snprintf(n, sizeof(n), "%d", c.votes_overturned);
			page_fact(p, T(p, "Votes to overturn"), n);
			snprintf(n, sizeof(n), "%d", c.votes_upheld);
			page_fact(p, T(p, "Votes to uphold"), n);
			html_raw_const(p->b, "</dl>");
		}
		if (h.voted_by_me) {
			html_raw_const(p->b, "<p class=\"notice notice-ok\">");
			html_text(p->b,
			          T(p, "You have voted on this appeal: it waits for another member of the "
			               "appeals staff."));
			html_raw_const(p->b, "</p>");
		} else {
			snprintf(path, sizeof(path), "/claims/%s/overturn", c.id);
			transition_form(p, path, T(p, "Overturn: approve the claim"), "overturn_reason", 1,
			                "approve");
			snprintf(path, sizeof(path), "/claims/%s/uphold", c.id);
			transition_form(p, path, T(p, "Uphold the denial"), "uphold_reason", 1, "deny");
		}
	}
	if (users_allows(actor, PERM_CLAIMS_DECIDE) && c.state == CLAIM_SUBMITTED) {
		html_raw_const(p->b, "<h2>");
		html_text(p->b, T(p, "Decision"));
		html_raw_const(p->b, "</h2><p class=\"hint\">");
		html_text(p->b, T(p, "A claim is approved when enough different reviewers approve it; no one "
		                     "approves twice, and whoever opened it does not approve it."));
		html_raw_const(p->b, "</p>");
		if (h.approved_by_me) {
			html_raw_const(p->b, "<p class=\"notice notice-ok\">");
			html_text(
			    p->b,
			    T(p,
			      "You have approved this claim in this round: it waits for another reviewer."));
			html_raw_const(p->b, "</p>");
		} else {
			snprintf(path, sizeof(path), "/claims/%s/approve", c.id);
			transition_form(p, path, T(p, "Approve"), "approve_reason", 0, "approve");
		}
		snprintf(path, sizeof(path), "/claims/%s/deny", c.id);
		transition_form(p, path, T(p, "Deny"), "deny_reason", 1, "deny");
	}
	return 200;
}

void
page_claims_show(struct http_request *req, struct http_response *res)
{
	const char *id = http_param(req, "id");
	char title[CLAIM_ID_MAX + 64];
	struct store *store;
	struct page p;
	unsigned status;

	if ((store = http_store(req, res)) == NULL)
		return;
	/* Each claim's page titled with its id ("신청 C-000001"): tabs and history tell them apart. */
	snprintf(title, sizeof(title), "%s %.*s", i18n_get(page_lang(req, res), "Claim"), CLAIM_ID_MAX, id);
	page_begin(&p, req, res, title);
	status = claim_body(&p, store, id);
	page_end(&p, status);
}

/* A download: the claim, the file's number, and the page to answer a refusal with. */
struct download_arg {
	struct page_change pc;
	char id[CLAIM_ID_MAX + 1];
	int n;
};

/*
 * A download is a change, as the API's is: the event "claims.evidence.read"
 * says who read which testimony, and when.
 */
static enum redress_err
do_download(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct download_arg *a = arg;
	char name[CLAIM_FILENAME_MAX + 1];
	enum redress_err rc;
	struct page p;

	/* The file goes straight into the answer's buffer, which is wiped when the request ends. */
	buf_reset(&res->body);
	c->personal = 1; /* testimony */
	if ((rc = claim_evidence_open(c->log, c->actor, &c->keys, a->id, a->n, &res->body, name, err)) !=
	    REDRESS_OK) {
		buf_reset(&res->body);
		page_change_begin(&p, &a->pc, res, N_("Claim"));
		page_notice(&p, "error", T(&p, "This evidence file cannot be read."));
		page_end(&p, 404);
		return rc;
	}
	sodium_memzero(name, sizeof(name));
	/* The sealed name stays sealed: the download is named by its claim and number. */
	snprintf(res->disposition, sizeof(res->disposition), "attachment; filename=\"%s-%d\"", a->id, a->n);
	res->content_type = "application/octet-stream";
	res->status = 200;
	return REDRESS_OK;
}

void
page_claims_download(struct http_request *req, struct http_response *res)
{
	const char *n_text = http_param(req, "n");
	struct download_arg *a;
	struct page p;
	char *end;
	long n;

	n = strtol(n_text, &end, 10);
	if (*end != '\0' || n < 1 || n > CLAIM_EVIDENCE_FILES) {
		page_begin(&p, req, res, N_("Claim"));
		page_notice(&p, "error", T(&p, "This evidence file cannot be read."));
		page_end(&p, 404);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	snprintf(a->id, sizeof(a->id), "%s", http_param(req, "id"));
	a->n = (int)n;
	http_change_submit(req, do_download, a);
}

/* ---- Changes ------------------------------------------------------------------------ */

enum claim_op { OP_OPEN, OP_EVIDENCE, OP_SUBMIT, OP_APPROVE, OP_DENY, OP_APPEAL, OP_UPHOLD, OP_OVERTURN };

struct claim_arg {
	struct page_change pc;
	enum claim_op op;
	char id[CLAIM_ID_MAX + 1];             /* the claim, or for OP_OPEN the victim's pseudonym */
	char program[PROGRAM_CODE_MAX + 1];    /* OP_OPEN */
	char reason[REGISTRY_TEXT_MAX + 1];    /* approve, deny, appeal */
	char filename[CLAIM_FILENAME_MAX + 1]; /* OP_EVIDENCE */
	char label[CLAIM_LABEL_MAX + 1];       /* OP_EVIDENCE: what the file is */
	size_t len;
	unsigned char data[]; /* OP_EVIDENCE: the file */
};

/* A refusal of the domain's in the page's language: what was refused and what to do instead. */
static const char *
refusal_words(struct page *p, enum claim_op op, enum redress_err code)
{
	if (code == REDRESS_E_NOTFOUND)
		return op == OP_OPEN ? T(p, "No person has this pseudonym, or the program does not exist.")
		                     : T(p, "There is no such claim.");
	switch (op) {
	case OP_OPEN:
		if (code == REDRESS_E_CONFLICT)
			return T(
			    p, "She already has a claim under this program. A denied claim is appealed from "
			       "its page, not opened again.");
		if (code == REDRESS_E_REFUSED)
			return T(p, "Her data was erased: no claim can name her.");
		break;
	case OP_EVIDENCE:
		if (code == REDRESS_E_CONFLICT)
			return T(
			    p, "Evidence is added only while the claim is open, or denied (for an appeal).");
		if (code == REDRESS_E_REFUSED)
			return T(p, "This claim has as many evidence files as it may have.");
		if (code == REDRESS_E_INVALID)
			return T(p, "The file is empty, too large, or its name is not accepted.");
		break;
	case OP_SUBMIT:
		if (code == REDRESS_E_CONFLICT)
			return T(p, "This claim is no longer open: it was already submitted.");
		break;
	case OP_APPROVE:
	case OP_DENY:
		if (code == REDRESS_E_REFUSED)
			return T(
			    p, "You may not decide this claim: you opened it, or you already approved it in "
			       "this round. Another reviewer must decide.");
		if (code == REDRESS_E_CONFLICT)
			return T(p,
			         "This claim is not waiting for a decision: it was already decided, or not "
			         "yet submitted.");
		break;
	case OP_APPEAL:
		if (code == REDRESS_E_CONFLICT)
			return T(p, "Only a denied claim can be appealed, and only once.");
		break;
	case OP_UPHOLD:
	case OP_OVERTURN:
		if (code == REDRESS_E_REFUSED)
			return T(
			    p, "You took part in this claim before (you opened, approved, denied or reviewed "
			       "it), or voted on its appeal already: another member of the appeals staff "
			       "decides it.");
		if (code == REDRESS_E_CONFLICT)
			return T(p,
			         "This claim has no appeal waiting: it was never appealed, or its appeal was "
			         "already decided.");
		break;
	}
	return T(p, "The change could not be made, and nothing was saved.");
}

static void open_page(struct page *p, struct store *store, const char *victim, const char *program,
                      const char *error);

static enum redress_err
do_claim(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct claim_arg *a = arg;
	const char *reason = a->reason[0] != '\0' ? a->reason : NULL;
	char id[CLAIM_ID_MAX + 1], sha[65], path[96];
	enum redress_err rc = REDRESS_OK;
	struct page p;

	snprintf(id, sizeof(id), "%s", a->id);
	switch (a->op) {
	case OP_OPEN: rc = claim_open(c->log, c->actor, a->program, a->id, NULL, id, err); break;
	case OP_EVIDENCE:
		rc = claim_evidence_add_labelled(c->log, c->actor, &c->keys, a->id, a->filename, a->label,
		                                 a->data, a->len, sha, err);
		break;
	case OP_SUBMIT: rc = claim_submit(c->log, c->actor, a->id, err); break;
	case OP_APPROVE: rc = claim_approve(c->log, c->actor, &c->keys, a->id, reason, err); break;
	case OP_DENY: rc = claim_deny(c->log, c->actor, &c->keys, a->id, reason, err); break;
	case OP_APPEAL: rc = claim_appeal(c->log, c->actor, &c->keys, a->id, reason, err); break;
	case OP_UPHOLD:
	case OP_OVERTURN:
		rc =
		    claim_appeal_decide(c->log, c->actor, &c->keys, a->id, a->op == OP_OVERTURN, reason, err);
		break;
	}
	if (rc == REDRESS_OK) {
		snprintf(path, sizeof(path), "/claims/%s", id);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	/* Rolled back: the page as it was, with why, in words. */
	if (a->op == OP_OPEN) {
		page_change_begin_failed(&p, &a->pc, res, N_("Open a claim"));
		open_page(&p, c->store, a->id, a->program, refusal_words(&p, a->op, rc));
		page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : rc == REDRESS_E_CONFLICT ? 409 : 422);
		return rc;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Claim"));
	page_notice(&p, "error", refusal_words(&p, a->op, rc));
	page_end(&p, claim_body(&p, c->store, a->id) == 200 ? (rc == REDRESS_E_CONFLICT ? 409 : 422) : 404);
	return rc;
}

/* A claim change of op from the form, with extra bytes for a file; NULL after answering. */
static struct claim_arg *
claim_arg_new(struct http_request *req, struct http_response *res, enum claim_op op, size_t extra)
{
	struct claim_arg *a = calloc(1, sizeof(*a) + extra);
	const char *id = op == OP_OPEN ? http_param(req, "pseudonym") : http_param(req, "id");

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return NULL;
	}
	page_change_init(&a->pc, req, res);
	a->op = op;
	snprintf(a->id, sizeof(a->id), "%s", id);
	return a;
}

/* Answers a form that is wrong: the claim page (or the case file's claim) with the notice. */
static void
form_refused(struct http_request *req, struct http_response *res, struct claim_arg *a, const char *msgid)
{
	struct store *store = http_store(req, res);
	struct page p;

	if (store == NULL)
		goto out;
	if (a->op == OP_OPEN) {
		page_begin_failed(&p, req, res, N_("Open a claim"));
		open_page(&p, store, a->id, a->program, i18n_get(p.lang, msgid));
		page_end(&p, 422);
		goto out;
	}
	page_begin_failed(&p, req, res, N_("Claim"));
	page_notice(&p, "error", i18n_get(p.lang, msgid));
	page_end(&p, claim_body(&p, store, a->id) == 200 ? 422 : 404);
out:
	sodium_memzero(a, sizeof(*a) + a->len);
	free(a);
}

static void
transition(struct http_request *req, struct http_response *res, enum claim_op op, const char *field,
           int reason_required)
{
	struct claim_arg *a = claim_arg_new(req, res, op, 0);

	if (a == NULL)
		return;
	if (field != NULL && (!page_form_copy(req, field, a->reason, sizeof(a->reason)) ||
	                      (reason_required && a->reason[0] == '\0'))) {
		form_refused(req, res, a, N_("Give a reason: it is recorded with the decision."));
		return;
	}
	if (op == OP_APPROVE || op == OP_DENY || op == OP_UPHOLD || op == OP_OVERTURN) {
		const char *confirm = http_form_field(req, "confirm");

		if (confirm == NULL || strcmp(confirm, "yes") != 0) {
			form_refused(req, res, a,
			             N_("Tick the box to confirm the decision: nothing was decided."));
			return;
		}
	}
	http_change_submit(req, do_claim, a);
}

void
page_claims_submit(struct http_request *req, struct http_response *res)
{
	transition(req, res, OP_SUBMIT, NULL, 0);
}

void
page_claims_approve(struct http_request *req, struct http_response *res)
{
	transition(req, res, OP_APPROVE, "approve_reason", 0);
}

void
page_claims_deny(struct http_request *req, struct http_response *res)
{
	transition(req, res, OP_DENY, "deny_reason", 1);
}

void
page_claims_appeal(struct http_request *req, struct http_response *res)
{
	transition(req, res, OP_APPEAL, "appeal_reason", 1);
}

void
page_claims_uphold(struct http_request *req, struct http_response *res)
{
	transition(req, res, OP_UPHOLD, "uphold_reason", 1);
}

void
page_claims_overturn(struct http_request *req, struct http_response *res)
{
	transition(req, res, OP_OVERTURN, "overturn_reason", 1);
}

void
page_claims_open(struct http_request *req, struct http_response *res)
{
	struct claim_arg *a = claim_arg_new(req, res, OP_OPEN, 0);

	if (a == NULL)
		return;
	if (!page_form_copy(req, "program", a->program, sizeof(a->program)) || a->program[0] == '\0') {
		form_refused(req, res, a, N_("Choose the program the claim is under."));
		return;
	}
	http_change_submit(req, do_claim, a);
}

void
page_claims_evidence(struct http_request *req, struct http_response *res)
{
	const struct buf *file = http_upload_file(req);
	struct claim_arg *a;

	if ((a = claim_arg_new(req, res, OP_EVIDENCE, file != NULL ? file->len : 0)) == NULL)
		return;
	if (file == NULL || file->len == 0 || req->upload_name[0] == '\0') {
		form_refused(req, res, a, N_("Choose a file to attach."));
		return;
	}
	if (!page_form_copy(req, "label", a->label, sizeof(a->label)) || !claim_evidence_label_ok(a->label)) {
		form_refused(req, res, a, N_("Say what the file is: a testimony, a medical record ..."));
		return;
	}
	snprintf(a->filename, sizeof(a->filename), "%s", req->upload_name);
	memcpy(a->data, file->data, file->len);
	a->len = file->len;
	http_change_submit(req, do_claim, a);
}

/* ---- On the case file ---------------------------------------------------------------- */

struct programs_ctx {
	struct page *p;
	size_t count;
	const char *current; /* the program chosen, or NULL */
};

static enum redress_err
program_option(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct programs_ctx *pc = ctx;

	(void)err;
	page_option(pc->p, prog->code, program_name(prog, i18n_code(pc->p->lang)), pc->current);
	pc->count++;
	return REDRESS_OK;
}

/*
 * The page opening a claim for victim: a back link, then the form; error
 * (in the page's language) beside the program when it came back refused.
 */
static void
open_page(struct page *p, struct store *store, const char *victim, const char *program, const char *error)
{
	struct programs_ctx pc = {p, 0, program};
	const char *names[1] = {"program"}, *errors[1] = {error};
	struct redress_error err;

	page_back_to_file(p, victim);
	if (error != NULL)
		page_error_summary(p, names, errors, 1);
	html_raw_const(p->b, "<form class=\"form\" method=\"post\" novalidate");
	html_href_path_suffix(p->b, "action", "/persons/", victim, "/claims");
	html_raw_const(p->b, ">");
	page_csrf(p);
	page_select_required_begin(p, N_("Program"), "program", error);
	page_option(p, "", T(p, "Choose a program"), program != NULL ? program : "");
	program_each(store, program_option, &pc, &err);
	page_select_end(p, "program", error);
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Open a claim"));
	html_raw_const(p->b, "</button></form>");
}

void
page_claims_open_form(struct http_request *req, struct http_response *res)
{
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Open a claim"))) == NULL)
		return;
	open_page(&p, store, http_param(req, "pseudonym"), NULL, NULL);
	page_end(&p, 200);
}

/* ---- A decision's reason, opened ---------------------------------------------------------- */

/* Wipes and frees b (a decision's reason opened). */
static void
wipe(struct buf *b)
{
	if (b->data != NULL)
		sodium_memzero(b->data, b->cap);
	buf_free(b);
}

struct reason_arg {
	struct page_change pc;
	char claim[CLAIM_ID_MAX + 1];
	uint64_t seq;
	char why[REGISTRY_TEXT_MAX + 1];
};

static enum redress_err
find_decision(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	struct claim_decision *want = ctx;

	(void)err;
	if (d->seq == want->seq)
		*want = *d;
	return REDRESS_OK;
}

static enum redress_err
do_reason(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct reason_arg *a = arg;
	struct claim_decision d;
	struct claim cl;
	struct buf reason;
	enum redress_err rc;
	struct page p;

	memset(&d, 0, sizeof(d));
	d.seq = a->seq;
	buf_init(&reason, 4096);
	/* The opening is recorded (claims.reasons.read), as on the API's and the command line's paths. */
	if ((rc = claim_get(c->store, a->claim, &cl, err)) == REDRESS_OK &&
	    (rc = claim_decision_each(c->store, a->claim, find_decision, &d, err)) == REDRESS_OK) {
		if (strcmp(d.claim, a->claim) != 0 || !d.has_reason)
			rc = error_set(err, REDRESS_E_NOTFOUND, "no reason at this event");
		else if ((rc = claim_reason_read(c->store, c->actor, &c->keys, &d, &reason, err)) ==
		         REDRESS_OK)
			rc = claim_reasons_opened_why(c->log, c->actor, &c->keys, a->claim, a->why, err);
	}
	page_change_begin(&p, &a->pc, res, N_("The reason of a decision"));
	page_back_to_claim(&p, a->claim);
	if (rc != REDRESS_OK) {
		page_notice(&p, "error",
		            rc == REDRESS_E_NOTFOUND ? T(&p, "This decision has no reason to open.")
		                                     : T(&p, "The reason could not be opened."));
		page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : 500);
		wipe(&reason);
		return rc;
	}
	page_notice(&p, "ok",
	            T(&p, "This opening has been recorded in the log, with your account and reason."));
	html_raw_const(p.b, "<dl class=\"facts\">");
	page_fact(&p, T(&p, "Decision"), action_words(&p, d.action));
	page_fact(&p, T(&p, "Who"), d.actor);
	html_raw_const(p.b, "</dl><blockquote class=\"reason\">");
	html_text(p.b, reason.data);
	html_raw_const(p.b, "</blockquote>");
	page_end(&p, 200);
	wipe(&reason);
	/* Shown once, like a reveal (refused.c): a reload posts nothing and leads back to the claim. */
	snprintf(res->once_back, sizeof(res->once_back), "/claims/%s", a->claim);
	return REDRESS_OK;
}

void
page_claims_reason(struct http_request *req, struct http_response *res)
{
	const char *id = http_param(req, "id"), *seq = http_param(req, "seq");
	struct reason_arg *a;
	char *end;
	struct page p;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	a->seq = strtoull(seq, &end, 10);
	if (strlen(id) > CLAIM_ID_MAX || seq[0] < '0' || seq[0] > '9' || *end != '\0') {
		free(a);
		http_page_refuse(req, res, 404);
		return;
	}
	memcpy(a->claim, id, strlen(id) + 1);
	if (!page_form_copy(req, "why", a->why, sizeof(a->why)) || a->why[0] == '\0') {
		free(a);
		page_begin_failed(&p, req, res, N_("The reason of a decision"));
		page_back_to_claim(&p, id);
		page_notice(&p, "error", T(&p, "Say why you read the reason: it is recorded."));
		page_end(&p, 422);
		return;
	}
	http_change_submit(req, do_reason, a);
}
