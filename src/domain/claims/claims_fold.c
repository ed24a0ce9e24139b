/*
 * claims_fold.c -- the claims' events folded into memory, for audit's fast
 * path (log/audit.h).  Evidence and decision rows are final when their
 * event is read, so they are hashed into the fold at once.  A claim's row
 * changes until it is approved, after which nothing can change it: the
 * model holds the claims not yet approved, with the reviewers who approved
 * each in its current round (for the four-eyes rule), and lets an approved
 * claim go as soon as it is hashed.
 *
 * The rows are the snapshot queries' rows, column for column
 * (claims_apply.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "domain/claims/claims_int.h"

struct held_claim {
	struct claim c;   /* first: its id is the map's key */
	char **approvers; /* the log actors who approved in this round */
	int napprovers;
	/*
	 * The harms named ("HARM") and this round's harm reviews
	 * ("HARM\nACTOR"), to refuse a second as replay does.
	 */
	struct strmap harms;
	/*
	 * Who approved, denied or reviewed a harm, by round ("ROUND\nACTOR"):
	 * an appeal is decided by none of an earlier round's.
	 */
	struct strmap parts;
};

struct claims_model {
	struct strmap claims; /* id -> struct held_claim */
};

void *
claims_fold_begin(void)
{
	struct claims_model *m = calloc(1, sizeof(*m));

	if (m != NULL)
		strmap_init(&m->claims);
	return m;
}

void
claims_fold_claim(struct audit_fold *fold, const struct claim *c)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(c->id),
	    AUDIT_TEXT_VALUE(c->program),
	    AUDIT_TEXT_VALUE(c->victim),
	    AUDIT_TEXT_VALUE(c->claimant),
	    AUDIT_TEXT_VALUE(claim_state_name(c->state)),
	    AUDIT_TEXT_VALUE(c->opened_by),
	    AUDIT_INT_VALUE(c->approvals_needed),
	    AUDIT_INT_VALUE(c->approvals),
	    AUDIT_INT_VALUE(c->round),
	    AUDIT_INT_VALUE(c->evidence),
	    AUDIT_INT_VALUE(c->opened_seq),
	    c->decided_seq != 0 ? AUDIT_INT_VALUE(c->decided_seq) : (struct audit_value){AUDIT_NULL, 0, NULL},
	    AUDIT_INT_VALUE(c->deciders),
	    AUDIT_INT_VALUE(c->votes_upheld),
	    AUDIT_INT_VALUE(c->votes_overturned),
	};

	audit_fold_row(fold, CLAIMS_TABLE_CLAIMS, row, sizeof(row) / sizeof(row[0]));
}

void
claims_fold_evidence(struct audit_fold *fold, const struct claims_ev_evidence *e, const char *actor,
                     uint64_t seq)
{
	char id[CLAIM_ID_MAX + 16];

	snprintf(id, sizeof(id), "%s/%d", e->claim, e->n);
	{
		const struct audit_value row[] = {
		    AUDIT_TEXT_VALUE(id),      AUDIT_TEXT_VALUE(e->claim),  AUDIT_INT_VALUE(e->n),
		    AUDIT_TEXT_VALUE(e->name), AUDIT_TEXT_VALUE(e->sha256), AUDIT_INT_VALUE(e->size),
		    AUDIT_TEXT_VALUE(actor),   AUDIT_INT_VALUE(seq),
		};

		audit_fold_row(fold, CLAIMS_TABLE_EVIDENCE, row, sizeof(row) / sizeof(row[0]));
	}
}

void
claims_fold_decision(struct audit_fold *fold, const struct claims_ev_transition *t, int round,
                     const char *actor, uint64_t seq)
{
	const struct audit_value row[] = {
	    AUDIT_INT_VALUE(seq),
	    AUDIT_TEXT_VALUE(t->claim),
	    AUDIT_TEXT_VALUE(claim_action_name(t->action)),
	    AUDIT_INT_VALUE(round),
	    AUDIT_TEXT_VALUE(actor),
	    t->reason != NULL ? AUDIT_TEXT_VALUE(t->reason) : (struct audit_value){AUDIT_NULL, 0, NULL},
	};

	audit_fold_row(fold, CLAIMS_TABLE_DECISIONS, row, sizeof(row) / sizeof(row[0]));
}

static void
approvers_clear(struct held_claim *h)
{
	int i;

	for (i = 0; i < h->napprovers; i++)
		free(h->approvers[i]);
	free(h->approvers);
	h->approvers = NULL;
	h->napprovers = 0;
}

/* Frees the keys of map (the values are the keys) and forgets them; the map stays usable. */
static void
keys_clear(struct strmap *map, int reinit)
{
	size_t i;

	for (i = 0; i < map->cap; i++)
		if (map->slots[i].key != NULL)
			free(map->slots[i].value);
	strmap_free(map);
	if (reinit)
		strmap_init(map);
}

/* Forgets this round's harm reviews (an appeal starts a new round); keeps the harms named. */
static enum redress_err
reviews_clear(struct held_claim *h, struct redress_error *err)
{
	struct strmap kept;
	size_t i;
	enum redress_err rc = REDRESS_OK;

	strmap_init(&kept);
	for (i = 0; i < h->harms.cap; i++) {
		char *k = h->harms.slots[i].value;

		if (h->harms.slots[i].key == NULL)
			continue;
		if (strchr(k, '\n') != NULL || rc != REDRESS_OK) {
			free(k);
			continue;
		}
		if ((rc = strmap_put(&kept, k, k, err)) != REDRESS_OK)
			free(k);
	}
	strmap_free(&h->harms);
	h->harms = kept;
	return rc;
}

static void
held_free(struct held_claim *h)
{
	if (h != NULL) {
		approvers_clear(h);
		keys_clear(&h->harms, 0);
		keys_clear(&h->parts, 0);
	}
	free(h);
}

/* Records that actor took part in h's current round (an approval, a denial, a harm's review). */
static enum redress_err
part_add(struct held_claim *h, const char *actor, struct redress_error *err)
{
	char key[TLOG_ACTOR_MAX + 32], *copy;
	enum redress_err rc;

	snprintf(key, sizeof(key), "%d\n%.*s", h->c.round, TLOG_ACTOR_MAX, actor);
	if (strmap_get(&h->parts, key) != NULL)
		return REDRESS_OK;
	if ((copy = strdup(key)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding claims");
	if ((rc = strmap_put(&h->parts, copy, copy, err)) != REDRESS_OK)
		free(copy);
	return rc;
}

/* 1 when actor took part in a round of h before its current one (claims_took_part's fold). */
static int
part_before(const struct held_claim *h, const char *actor)
{
	char key[TLOG_ACTOR_MAX + 32];
	int r;

	for (r = 0; r < h->c.round; r++) {
		snprintf(key, sizeof(key), "%d\n%.*s", r, TLOG_ACTOR_MAX, actor);
		if (strmap_get(&h->parts, key) != NULL)
			return 1;
	}
	return 0;
}

static enum redress_err
fold_opened(struct claims_model *m, const struct event *ev, struct redress_error *err)
{
	struct held_claim *h;
	enum redress_err rc;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding claims");
	strmap_init(&h->harms);
	strmap_init(&h->parts);
	if ((rc = claims_decode_opened(ev, &h->c, err)) != REDRESS_OK) {
		free(h);
		return rc;
	}
	if ((rc = strmap_put(&m->claims, h->c.id, h, err)) != REDRESS_OK) {
		if (rc == REDRESS_E_CONFLICT)
			error_set(err, REDRESS_E_CONFLICT, "claim %s is opened twice", h->c.id);
		free(h);
		return rc;
	}
	return REDRESS_OK;
}

static enum redress_err
held_get(struct claims_model *m, const char *id, struct held_claim **h_r, struct redress_error *err)
{
	if ((*h_r = strmap_get(&m->claims, id)) == NULL)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "claim %s is not open to change (never opened, or approved)", id);
	return REDRESS_OK;
}

static enum redress_err
fold_evidence(struct claims_model *m, const struct event *ev, struct audit_fold *fold,
              struct redress_error *err)
{
	struct claims_ev_evidence e;
	struct held_claim *h;
	enum redress_err rc;

	if ((rc = claims_decode_evidence(ev, &e, err)) != REDRESS_OK ||
	    (rc = held_get(m, e.claim, &h, err)) != REDRESS_OK)
		return rc;
	if (!claims_evidence_allowed(h->c.state))
		return error_set(err, REDRESS_E_CONFLICT, "claim %s is %s: no evidence may be added", h->c.id,
		                 claim_state_name(h->c.state));
	if (e.n != h->c.evidence + 1)
		return error_set(err, REDRESS_E_INVALID, "claim %s: evidence %d follows evidence %d", h->c.id,
		                 e.n, h->c.evidence);
	h->c.evidence = e.n;
	claims_fold_evidence(fold, &e, ev->actor, ev->seq);
	return REDRESS_OK;
}

/*
 * A read changes no table.  A claim still held must have the file; an
 * approved claim is no longer held (nothing changes it), and replay checks
 * its reads against the tables.
 */
static enum redress_err
fold_read(struct claims_model *m, const struct event *ev, struct redress_error *err)
{
	struct claims_ev_read r;
	struct held_claim *h;
	enum redress_err rc;

	if ((rc = claims_decode_read(ev, &r, err)) != REDRESS_OK)
		return rc;
	if ((h = strmap_get(&m->claims, r.claim)) != NULL && r.n > h->c.evidence)
		return error_set(err, REDRESS_E_INVALID, "claim %s has no evidence %d to read (it has %d)",
		                 h->c.id, r.n, h->c.evidence);
	return REDRESS_OK;
}

static enum redress_err
fold_transition(struct claims_model *m, const struct event *ev, struct audit_fold *fold,
                struct redress_error *err)
{
	struct claims_ev_transition t;
	struct held_claim *h;
	char **grown;
	int i, approved_before = 0;
	enum redress_err rc;

	if ((rc = claims_decode_transition(ev, &t, err)) != REDRESS_OK ||
	    (rc = held_get(m, t.claim, &h, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < h->napprovers; i++)
		if (strcmp(h->approvers[i], ev->actor) == 0)
			approved_before = 1;
	/* On an appeal the list holds who voted on it (claims_appeal_before's fold). */
	if (claims_action_on_appeal(t.action))
		approved_before = part_before(h, ev->actor) ? CLAIMS_BEFORE_TOOK_PART
		                  : approved_before         ? CLAIMS_BEFORE_VOTED
		                                            : 0;
	if (claims_action_needs_reason(t.action) && t.reason == NULL)
		return error_set(err, REDRESS_E_INVALID, "a denial or an appeal's decision needs a reason");
	if ((t.action == CLAIM_APPROVE || t.action == CLAIM_DENY) &&
	    (rc = part_add(h, ev->actor, err)) != REDRESS_OK)
		return rc;
	if (t.action == CLAIM_APPROVE || t.action == CLAIM_VOTE_UPHOLD || t.action == CLAIM_VOTE_OVERTURN) {
		/* Room for the approver (or voter) first, so that a failure leaves the claim as it was. */
		if ((grown = realloc(h->approvers, (size_t)(h->napprovers + 1) * sizeof(*grown))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding claims");
		h->approvers = grown;
	}
	if ((rc = claims_transition(&h->c, &t, ev->actor, approved_before, ev->seq, err)) != REDRESS_OK)
		return rc;
	claims_fold_decision(fold, &t, h->c.round, ev->actor, ev->seq);
	if ((t.action == CLAIM_APPROVE && h->c.state != CLAIM_APPROVED) || t.action == CLAIM_VOTE_UPHOLD ||
	    t.action == CLAIM_VOTE_OVERTURN) {
		if ((h->approvers[h->napprovers] = strdup(ev->actor)) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding claims");
		h->napprovers++;
	}
	if (h->c.state == CLAIM_DENIED || t.action == CLAIM_APPEAL) {
		approvers_clear(h);
		if (t.action == CLAIM_APPEAL && (rc = reviews_clear(h, err)) != REDRESS_OK)
			return rc;
	}
	if (h->c.state == CLAIM_APPROVED) {
		/* Final: nothing can change an approved claim. */
		claims_fold_claim(fold, &h->c);
		held_free(strmap_remove(&m->claims, h->c.id));
	}
	return REDRESS_OK;
}

/*
 * A harm named or reviewed: the rules against the held claim (an approved
 * claim is no longer held, and nothing may be named or reviewed on it).
 * That the harm is one of the program's, replay checks against the tables.
 */
static enum redress_err
fold_harm(struct claims_model *m, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	char key[CLAIM_HARM_CODE_MAX + TLOG_ACTOR_MAX + 2], *copy;
	int reviewed = strcmp(ev->type, CLAIMS_EV_HARM_REV) == 0;
	struct claims_ev_harm harm;
	struct held_claim *h;
	enum redress_err rc;

	if ((rc = claims_decode_harm(ev, &harm, err)) != REDRESS_OK ||
	    (rc = held_get(m, harm.claim, &h, err)) != REDRESS_OK ||
	    (rc = claims_harm_rules(&h->c, &harm, reviewed, ev->actor,
	                            reviewed && h->c.state == CLAIM_APPEALED && part_before(h, ev->actor),
	                            err)) != REDRESS_OK)
		return rc;
	if (reviewed && strmap_get(&h->harms, harm.harm) == NULL)
		return error_set(err, REDRESS_E_NOTFOUND, "claim %s names no harm '%s' to review", harm.claim,
		                 harm.harm);
	snprintf(key, sizeof(key), "%s%s%.*s", harm.harm, reviewed ? "\n" : "", reviewed ? TLOG_ACTOR_MAX : 0,
	         reviewed ? ev->actor : "");
	if (strmap_get(&h->harms, key) != NULL)
		return error_set(err, REDRESS_E_CONFLICT, "claim %s: harm '%s' is %s twice", harm.claim,
		                 harm.harm, reviewed ? "reviewed by one reviewer in one round" : "named");
	if ((copy = strdup(key)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding claims");
	if ((rc = strmap_put(&h->harms, copy, copy, err)) != REDRESS_OK) {
		free(copy);
		return rc;
	}
	if (reviewed && (rc = part_add(h, ev->actor, err)) != REDRESS_OK)
		return rc;
	if (reviewed)
		claims_fold_harm_review(fold, &harm, h->c.round, ev->actor, ev->seq);
	else
		claims_fold_harm(fold, &harm, ev->actor, ev->seq);
	return REDRESS_OK;
}

enum redress_err
claims_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct claims_model *m = model;

	if (strcmp(ev->type, CLAIMS_EV_HARM) == 0 || strcmp(ev->type, CLAIMS_EV_HARM_REV) == 0)
		return fold_harm(m, ev, fold, err);
	if (strcmp(ev->type, CLAIMS_EV_OPENED) == 0)
		return fold_opened(m, ev, err);
	if (strcmp(ev->type, CLAIMS_EV_EVIDENCE) == 0)
		return fold_evidence(m, ev, fold, err);
	if (strcmp(ev->type, CLAIMS_EV_READ) == 0 || strcmp(ev->type, CLAIMS_EV_REASONS) == 0)
		return fold_read(m, ev, err);
	return fold_transition(m, ev, fold, err);
}

void
claims_fold_end(void *model, struct audit_fold *fold)
{
	struct claims_model *m = model;
	size_t i;

	for (i = 0; i < m->claims.cap; i++) {
		if (m->claims.slots[i].key == NULL)
			continue;
		if (fold != NULL)
			claims_fold_claim(fold, m->claims.slots[i].value);
		held_free(m->claims.slots[i].value);
	}
	strmap_free(&m->claims);
	free(m);
}
