/*
 * claims_harms.c -- the harms a claim names, each with its evidence, and
 * the reviewers' verdicts harm by harm: the events, their rules (shared by
 * the commands, replay and audit's fold), the tables, the commands and the
 * reads.  Both tables hold only final rows (a harm named, a verdict
 * given); a harm's state is counted from the verdicts of the claim's
 * current round when it is read (claims.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/claims/claims_int.h"
#include "domain/programs/programs.h"

#define HARM_EVENT_DATA_MAX 512

static const char *const harm_state_names[] = {
    [CLAIM_HARM_PENDING] = "pending",
    [CLAIM_HARM_APPROVED] = "approved",
    [CLAIM_HARM_DENIED] = "denied",
};

const char *
claim_harm_state_name(enum claim_harm_state state)
{
	return (size_t)state < sizeof(harm_state_names) / sizeof(harm_state_names[0])
	           ? harm_state_names[state]
	           : "?";
}

/*
 * The evidence list as the event and the table write it: numbers 1 to
 * CLAIM_EVIDENCE_FILES, ascending, no repeats, comma-separated, at least
 * one and at most CLAIM_HARM_EVIDENCE_MAX.  *last_r is the largest.
 */
static enum redress_err
evidence_check(const char *text, int *last_r, struct redress_error *err)
{
	const char *s = text;
	int n, count = 0, last = 0;

	while (*s != '\0') {
		if (*s < '1' || *s > '9')
			goto bad;
		for (n = 0; *s >= '0' && *s <= '9'; s++) {
			n = n * 10 + (*s - '0');
			if (n > CLAIM_EVIDENCE_FILES)
				goto bad;
		}
		if (n <= last || ++count > CLAIM_HARM_EVIDENCE_MAX)
			goto bad;
		last = n;
		if (*s == ',' && s[1] != '\0')
			s++;
		else if (*s != '\0')
			goto bad;
	}
	if (count == 0)
		goto bad;
	*last_r = last;
	return REDRESS_OK;
bad:
	return error_set(err, REDRESS_E_INVALID,
	                 "field 'evidence' is '%.40s': the claim's evidence files by number, ascending,"
	                 " 1 to %d of them (\"1,2\")",
	                 text, CLAIM_HARM_EVIDENCE_MAX);
}

enum redress_err
claims_encode_harm(struct buf *out, const struct claims_ev_harm *h, int reviewed, struct redress_error *err)
{
	struct canon w;

	canon_init(&w, out);
	canon_object_begin(&w);
	canon_key(&w, "claim");
	canon_string(&w, h->claim);
	if (!reviewed) {
		canon_key(&w, "evidence");
		canon_string(&w, h->evidence);
	}
	canon_key(&w, "harm");
	canon_string(&w, h->harm);
	if (reviewed) {
		canon_key(&w, "verdict");
		canon_string(&w, h->approve ? "approved" : "denied");
	}
	canon_object_end(&w);
	return canon_error(&w, err);
}

enum redress_err
claims_decode_harm(const struct event *ev, struct claims_ev_harm *h, struct redress_error *err)
{
	static const char *const named_keys[] = {"claim", "evidence", "harm", NULL};
	static const char *const reviewed_keys[] = {"claim", "harm", "verdict", NULL};
	int reviewed = strcmp(ev->type, CLAIMS_EV_HARM_REV) == 0, last;
	char verdict[16];
	enum redress_err rc;

	memset(h, 0, sizeof(*h));
	if ((rc = canon_only_keys(ev->data, reviewed ? reviewed_keys : named_keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "claim", h->claim, sizeof(h->claim), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "harm", h->harm, sizeof(h->harm), err)) != REDRESS_OK ||
	    (rc = claims_id_check(h->claim, err)) != REDRESS_OK ||
	    (rc = text_check_id("field 'harm'", h->harm, CLAIM_HARM_CODE_MAX, "._-", err)) != REDRESS_OK)
		return rc;
	if (!reviewed) {
		if ((rc = canon_get_string_into(ev->data, "evidence", h->evidence, sizeof(h->evidence),
		                                err)) != REDRESS_OK)
			return rc;
		return evidence_check(h->evidence, &last, err);
	}
	if ((rc = canon_get_string_into(ev->data, "verdict", verdict, sizeof(verdict), err)) != REDRESS_OK)
		return rc;
	if (strcmp(verdict, "approved") != 0 && strcmp(verdict, "denied") != 0)
		return error_set(err, REDRESS_E_INVALID, "field 'verdict' is '%s', not approved or denied",
		                 verdict);
	h->approve = verdict[0] == 'a';
	return REDRESS_OK;
}

enum redress_err
claims_harm_rules(const struct claim *c, const struct claims_ev_harm *h, int reviewed, const char *actor,
                  int took_part, struct redress_error *err)
{
	int last;
	enum redress_err rc;

	if (!reviewed) {
		if (!claims_evidence_allowed(c->state))
			return error_set(
			    err, REDRESS_E_CONFLICT,
			    "claim %s is %s: harms are named only while it is open, or denied (for an"
			    " appeal)",
			    c->id, claim_state_name(c->state));
		if ((rc = evidence_check(h->evidence, &last, err)) != REDRESS_OK)
			return rc;
		if (last > c->evidence)
			return error_set(
			    err, REDRESS_E_INVALID,
			    "claim %s has %d evidence files: there is no file %d to support harm '%s'"
			    " (attach it first with 'redress claim evidence add')",
			    c->id, c->evidence, last, h->harm);
		return REDRESS_OK;
	}
	if (c->state != CLAIM_SUBMITTED && c->state != CLAIM_APPEALED)
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "claim %s is %s: its harms are reviewed only while it is submitted or appealed", c->id,
		    claim_state_name(c->state));
	if (strcmp(c->opened_by, actor) == 0)
		return error_set(err, REDRESS_E_REFUSED,
		                 "claim %s was opened by %s, who may not review its harms", c->id, actor);
	if (c->state == CLAIM_APPEALED && took_part)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "%s decided or reviewed claim %s before: on its appeal, its harms are reviewed"
		    " by the appeals role's accounts that took no part in it",
		    actor, c->id);
	return REDRESS_OK;
}

static enum redress_err
count_row(struct store_stmt *st, int64_t *n_r, struct redress_error *err)
{
	static const struct store_field count_field[] = {STORE_FIELD_INT64_ROW};

	switch (store_read_one(st, count_field, n_r, err)) {
	case STORE_ROW: return REDRESS_OK;
	case STORE_DONE: return error_set(err, REDRESS_E_INTERNAL, "a count returned no row");
	default: return err->code;
	}
}

/* CLAIMS_Q_HARMS_OF's row: the harm, and the approvals its program needs. */
struct harm_row {
	struct claim_harm h;
	int needed;
};

/* The rules against the tables: the claim's state, the harm in its program, named once, reviewed once. */
static enum redress_err
harm_table_rules(struct store *store, const struct claims_ev_harm *h, int reviewed, const char *actor,
                 struct claim *c, struct redress_error *err)
{
	struct program *p = NULL;
	struct store_stmt *st;
	int64_t named = 0, before = 0;
	int took_part = 0;
	enum redress_err rc;

	if ((rc = claim_get(store, h->claim, c, err)) != REDRESS_OK)
		return rc;
	if (reviewed && c->state == CLAIM_APPEALED &&
	    (rc = claims_took_part(store, c->id, c->round, actor, &took_part, err)) != REDRESS_OK)
		return rc;
	if ((rc = claims_harm_rules(c, h, reviewed, actor, took_part, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_HARM_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, h->claim);
	store_bind_text(st, 2, h->harm);
	if ((rc = count_row(st, &named, err)) != REDRESS_OK)
		return rc;
	if (!reviewed) {
		if (named != 0)
			return error_set(err, REDRESS_E_CONFLICT, "claim %s already names harm '%s'",
			                 h->claim, h->harm);
		/* A program with its rules is some kilobytes: on the heap. */
		if ((p = malloc(sizeof(*p))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory");
		if ((rc = program_get(store, c->program, p, err)) == REDRESS_OK &&
		    program_harm_find(p, h->harm) < 0)
			rc = error_set(err, REDRESS_E_INVALID,
			               "program '%s' has no harm '%s'%s (see 'redress program show %s')",
			               p->code, h->harm,
			               p->rules.nharms == 0 ? ": it does not pay by harm" : "", p->code);
		free(p);
		return rc;
	}
	if (named == 0)
		return error_set(err, REDRESS_E_NOTFOUND, "claim %s names no harm '%s' to review", h->claim,
		                 h->harm);
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_HARM_REVIEWED_BY, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, h->claim);
	store_bind_text(st, 2, h->harm);
	store_bind_int64(st, 3, c->round);
	store_bind_text(st, 4, actor);
	if ((rc = count_row(st, &before, err)) != REDRESS_OK)
		return rc;
	if (before != 0)
		return error_set(err, REDRESS_E_REFUSED,
		                 "%s has already reviewed harm '%s' of claim %s in this round: it needs %d"
		                 " different reviewers",
		                 actor, h->harm, h->claim, c->approvals_needed);
	return REDRESS_OK;
}

enum redress_err
claims_apply_harm(struct store *store, const struct event *ev, const struct claims_ev_harm *h,
                  struct redress_error *err)
{
	char id[CLAIM_ID_MAX + CLAIM_HARM_CODE_MAX + 2];
	int reviewed = strcmp(ev->type, CLAIMS_EV_HARM_REV) == 0;
	struct store_stmt *st;
	struct claim c;
	enum redress_err rc;

	if ((rc = harm_table_rules(store, h, reviewed, ev->actor, &c, err)) != REDRESS_OK)
		return rc;
	if (!reviewed) {
		snprintf(id, sizeof(id), "%s/%s", h->claim, h->harm);
		if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_HARM_INSERT, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, id);
		store_bind_text(st, 2, h->claim);
		store_bind_text(st, 3, h->harm);
		store_bind_text(st, 4, h->evidence);
		store_bind_text(st, 5, ev->actor);
		store_bind_int64(st, 6, (int64_t)ev->seq);
		return store_run(st, err);
	}
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_HARM_REVIEW_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)ev->seq);
	store_bind_text(st, 2, h->claim);
	store_bind_text(st, 3, h->harm);
	store_bind_int64(st, 4, c.round);
	store_bind_text(st, 5, ev->actor);
	store_bind_text(st, 6, h->approve ? "approved" : "denied");
	return store_run(st, err);
}

void
claims_fold_harm(struct audit_fold *fold, const struct claims_ev_harm *h, const char *actor, uint64_t seq)
{
	char id[CLAIM_ID_MAX + CLAIM_HARM_CODE_MAX + 2];

	snprintf(id, sizeof(id), "%s/%s", h->claim, h->harm);
	{
		const struct audit_value row[] = {
		    AUDIT_TEXT_VALUE(id),          AUDIT_TEXT_VALUE(h->claim), AUDIT_TEXT_VALUE(h->harm),
		    AUDIT_TEXT_VALUE(h->evidence), AUDIT_TEXT_VALUE(actor),    AUDIT_INT_VALUE(seq),
		};

		audit_fold_row(fold, CLAIMS_TABLE_HARMS, row, sizeof(row) / sizeof(row[0]));
	}
}

void
claims_fold_harm_review(struct audit_fold *fold, const struct claims_ev_harm *h, int round, const char *actor,
                        uint64_t seq)
{
	const struct audit_value row[] = {
	    AUDIT_INT_VALUE(seq),      AUDIT_TEXT_VALUE(h->claim),
	    AUDIT_TEXT_VALUE(h->harm), AUDIT_INT_VALUE(round),
	    AUDIT_TEXT_VALUE(actor),   AUDIT_TEXT_VALUE(h->approve ? "approved" : "denied"),
	};

	audit_fold_row(fold, CLAIMS_TABLE_HARM_REVIEWS, row, sizeof(row) / sizeof(row[0]));
}

/* One harm event: the rules checked first (a refusal changes nothing), then appended and applied. */
static enum redress_err
harm_event(struct tlog *log, const struct actor *actor, const struct claims_ev_harm *h, int reviewed,
           struct redress_error *err)
{
	struct claim c;
	struct buf data;
	struct redress_error unread; /* no such claim: harm_table_rules says so below */
	enum permission perm = reviewed ? PERM_CLAIMS_DECIDE : PERM_CLAIMS_INTAKE;
	enum redress_err rc;

	/* An appealed claim's harms are the appeals role's to review. */
	if (reviewed && claims_id_check(h->claim, &unread) == REDRESS_OK &&
	    claim_get(tlog_store(log), h->claim, &c, &unread) == REDRESS_OK && c.state == CLAIM_APPEALED)
		perm = PERM_APPEALS_DECIDE;
	if ((rc = users_require(actor, perm, err)) != REDRESS_OK ||
	    (rc = claims_id_check(h->claim, err)) != REDRESS_OK ||
	    (rc = text_check_id("harm", h->harm, CLAIM_HARM_CODE_MAX, "._-", err)) != REDRESS_OK ||
	    (rc = harm_table_rules(tlog_store(log), h, reviewed, tlog_actor(log), &c, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, HARM_EVENT_DATA_MAX);
	if ((rc = claims_encode_harm(&data, h, reviewed, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &claims_module, reviewed ? CLAIMS_EV_HARM_REV : CLAIMS_EV_HARM,
		                       &data, NULL, err);
	buf_free(&data);
	return rc;
}

enum redress_err
claim_harm_add(struct tlog *log, const struct actor *actor, const char *id, const char *harm,
               const int *evidence, size_t n, struct redress_error *err)
{
	struct claims_ev_harm h;
	size_t i, used = 0;

	memset(&h, 0, sizeof(h));
	if (strlen(id) > CLAIM_ID_MAX || strlen(harm) > CLAIM_HARM_CODE_MAX)
		return error_set(err, REDRESS_E_INVALID, "claim id or harm code too long");
	text_copy(h.claim, sizeof(h.claim), id);
	text_copy(h.harm, sizeof(h.harm), harm);
	if (n == 0 || n > CLAIM_HARM_EVIDENCE_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "harm '%s' needs 1 to %d evidence files supporting it (--evidence 1,2)",
		                 harm, CLAIM_HARM_EVIDENCE_MAX);
	for (i = 0; i < n; i++) {
		if (evidence[i] < 1 || evidence[i] > CLAIM_EVIDENCE_FILES ||
		    (i > 0 && evidence[i] <= evidence[i - 1]))
			return error_set(
			    err, REDRESS_E_INVALID,
			    "evidence files for harm '%s' are numbered 1 to %d, ascending, each once", harm,
			    CLAIM_EVIDENCE_FILES);
		used += (size_t)snprintf(h.evidence + used, sizeof(h.evidence) - used, "%s%d",
		                         i > 0 ? "," : "", evidence[i]);
	}
	return harm_event(log, actor, &h, 0, err);
}

enum redress_err
claim_harm_review(struct tlog *log, const struct actor *actor, const char *id, const char *harm, int approve,
                  struct redress_error *err)
{
	struct claims_ev_harm h;

	memset(&h, 0, sizeof(h));
	if (strlen(id) > CLAIM_ID_MAX || strlen(harm) > CLAIM_HARM_CODE_MAX)
		return error_set(err, REDRESS_E_INVALID, "claim id or harm code too long");
	text_copy(h.claim, sizeof(h.claim), id);
	text_copy(h.harm, sizeof(h.harm), harm);
	h.approve = approve != 0;
	return harm_event(log, actor, &h, 1, err);
}

enum redress_err
claim_harm_each(struct store *store, const char *id,
                enum redress_err (*fn)(void *ctx, const struct claim_harm *h, struct redress_error *err),
                void *ctx, struct redress_error *err)
{
	static const struct store_field fields[] = {
	    STORE_FIELD_CUT(struct harm_row, h.claim),    STORE_FIELD_CUT(struct harm_row, h.harm),
	    STORE_FIELD_CUT(struct harm_row, h.evidence), STORE_FIELD(struct harm_row, h.claimed_seq),
	    STORE_FIELD(struct harm_row, h.approvals),    STORE_FIELD(struct harm_row, h.denials),
	    STORE_FIELD(struct harm_row, needed),
	};
	struct harm_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_HARMS_OF, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	memset(&row, 0, sizeof(row));
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW) {
		row.h.state = row.h.denials > 0               ? CLAIM_HARM_DENIED
		              : row.h.approvals >= row.needed ? CLAIM_HARM_APPROVED
		                                              : CLAIM_HARM_PENDING;
		if ((rc = fn(ctx, &row.h, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}
