/*
 * claims_apply.c -- the claims' events and tables: encoding each event,
 * reading it back, the rules of each transition, and applying events.
 * Live commands (claims.c) and audit's replay both come through
 * claims_apply_*, so the tables are by construction a function of the log.
 *
 * claims_evidence_blobs is not a projection: the sealed bytes of evidence
 * files are written beside their events by the command alone (a 64 MiB
 * file has no place in the log), while the event carries the file's
 * SHA-256 and size, so the log still binds the file.  Audit checks that
 * every evidence row has its sealed file, and no sealed file lacks a row.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/claims/claims_int.h"
#include "domain/programs/programs.h"

static const char claims_schema[] =
    "CREATE TABLE IF NOT EXISTS claims_claims ("
    " id TEXT PRIMARY KEY,"
    " program TEXT NOT NULL,"
    " victim TEXT NOT NULL,"
    " claimant TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " opened_by TEXT NOT NULL,"
    " approvals_needed INTEGER NOT NULL,"
    " approvals INTEGER NOT NULL,"
    " round INTEGER NOT NULL,"
    " evidence INTEGER NOT NULL,"
    " opened_seq INTEGER NOT NULL,"
    " decided_seq INTEGER,"
    " deciders INTEGER NOT NULL DEFAULT 0,"
    " votes_upheld INTEGER NOT NULL DEFAULT 0,"
    " votes_overturned INTEGER NOT NULL DEFAULT 0);"
    /* One claim per victim and program: a second would be paid twice. */
    "CREATE UNIQUE INDEX IF NOT EXISTS claims_claims_victim ON claims_claims (program, victim);"
    "CREATE INDEX IF NOT EXISTS claims_claims_state ON claims_claims (state, opened_seq);"
    "CREATE TABLE IF NOT EXISTS claims_evidence ("
    " id TEXT PRIMARY KEY," /* CLAIM/N */
    " claim TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " name TEXT NOT NULL," /* sealed */
    " sha256 TEXT NOT NULL,"
    " size INTEGER NOT NULL,"
    " added_by TEXT NOT NULL,"
    " added_seq INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS claims_evidence_claim ON claims_evidence (claim, n);"
    "CREATE TABLE IF NOT EXISTS claims_decisions ("
    " seq INTEGER PRIMARY KEY,"
    " claim TEXT NOT NULL,"
    " action TEXT NOT NULL,"
    " round INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " reason TEXT);" /* sealed */
    "CREATE INDEX IF NOT EXISTS claims_decisions_claim ON claims_decisions (claim, round);"
    "CREATE TABLE IF NOT EXISTS claims_evidence_blobs ("
    " claim TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " part INTEGER NOT NULL,"
    " sealed TEXT NOT NULL,"
    " PRIMARY KEY (claim, n, part));"
    /* The harms a claim names (CLAIM/HARM), and each reviewer's verdict on each, by round. */
    "CREATE TABLE IF NOT EXISTS claims_harms ("
    " id TEXT PRIMARY KEY,"
    " claim TEXT NOT NULL,"
    " harm TEXT NOT NULL,"
    " evidence TEXT NOT NULL,"
    " claimed_by TEXT NOT NULL,"
    " claimed_seq INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS claims_harms_claim ON claims_harms (claim, claimed_seq);"
    "CREATE TABLE IF NOT EXISTS claims_harm_reviews ("
    " seq INTEGER PRIMARY KEY,"
    " claim TEXT NOT NULL,"
    " harm TEXT NOT NULL,"
    " round INTEGER NOT NULL,"
    " actor TEXT NOT NULL,"
    " verdict TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS claims_harm_reviews_claim ON claims_harm_reviews (claim, harm, round);";

#define CLAIM_COLUMNS                                                                                        \
	"id, program, victim, claimant, state, opened_by, approvals_needed, approvals, round, evidence,"     \
	" opened_seq, decided_seq, deciders, votes_upheld, votes_overturned"
#define EVIDENCE_COLUMNS    "id, claim, n, name, sha256, size, added_by, added_seq"
#define DECISION_COLUMNS    "seq, claim, action, round, actor, reason"
#define HARM_COLUMNS        "id, claim, harm, evidence, claimed_by, claimed_seq"
#define HARM_REVIEW_COLUMNS "seq, claim, harm, round, actor, verdict"

static const struct store_statement claims_statements[] = {
    [CLAIMS_Q_GET] = {.name = "claims.get",
                      .sql = "SELECT " CLAIM_COLUMNS " FROM claims_claims WHERE id = ?1",
                      .columns = "ttttttiiiiiiiii"},
    [CLAIMS_Q_INSERT] = {.name = "claims.insert",
                         .sql = "INSERT INTO claims_claims (" CLAIM_COLUMNS
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, 0, ?8, NULL, 0, 0, 0)",
                         .columns = ""},
    [CLAIMS_Q_UPDATE] = {.name = "claims.update",
                         .sql = "UPDATE claims_claims SET state = ?2, approvals = ?3, round = ?4,"
                                " evidence = ?5, decided_seq = ?6, deciders = ?7, votes_upheld = ?8,"
                                " votes_overturned = ?9 WHERE id = ?1",
                         .columns = ""},
    [CLAIMS_Q_EVIDENCE_INSERT] = {.name = "claims.evidence.insert",
                                  .sql = "INSERT INTO claims_evidence (" EVIDENCE_COLUMNS
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                  .columns = ""},
    [CLAIMS_Q_DECISION_INSERT] = {.name = "claims.decision.insert",
                                  .sql = "INSERT INTO claims_decisions (" DECISION_COLUMNS
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                  .columns = ""},
    [CLAIMS_Q_APPROVED_BY] = {.name = "claims.approved_by",
                              .sql = "SELECT count(*) FROM claims_decisions WHERE claim = ?1 AND round = ?2"
                                     " AND actor = ?3 AND action = 'approved'",
                              .columns = "i"},
    /* Approved, denied or reviewed a harm in a round before the appeal's: decisions' rows are per round. */
    [CLAIMS_Q_TOOK_PART] = {.name = "claims.took_part",
                            .sql = "SELECT (SELECT count(*) FROM claims_decisions WHERE claim = ?1"
                                   " AND round < ?2 AND actor = ?3 AND action IN ('approved', 'denied'))"
                                   " + (SELECT count(*) FROM claims_harm_reviews WHERE claim = ?1"
                                   " AND round < ?2 AND actor = ?3)",
                            .columns = "i"},
    [CLAIMS_Q_VOTED_BY] = {.name = "claims.voted_by",
                           .sql = "SELECT count(*) FROM claims_decisions WHERE claim = ?1 AND round = ?2"
                                  " AND actor = ?3 AND action IN ('vote-upheld', 'vote-overturned')",
                           .columns = "i"},
    [CLAIMS_Q_HARM_INSERT] = {.name = "claims.harm.insert",
                              .sql = "INSERT INTO claims_harms (" HARM_COLUMNS
                                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              .columns = ""},
    [CLAIMS_Q_HARM_GET] = {.name = "claims.harm.get",
                           .sql = "SELECT count(*) FROM claims_harms WHERE claim = ?1 AND harm = ?2",
                           .columns = "i"},
    [CLAIMS_Q_HARM_REVIEW_INSERT] = {.name = "claims.harm.review.insert",
                                     .sql = "INSERT INTO claims_harm_reviews (" HARM_REVIEW_COLUMNS
                                            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                     .columns = ""},
    [CLAIMS_Q_HARM_REVIEWED_BY] = {.name = "claims.harm.reviewed_by",
                                   .sql = "SELECT count(*) FROM claims_harm_reviews WHERE claim = ?1"
                                          " AND harm = ?2 AND round = ?3 AND actor = ?4",
                                   .columns = "i"},
    [CLAIMS_Q_HARMS_OF] = {.name = "claims.harms.of",
                           .sql = "SELECT h.claim, h.harm, h.evidence, h.claimed_seq,"
                                  " (SELECT count(DISTINCT r.actor) FROM claims_harm_reviews r"
                                  "   WHERE r.claim = h.claim AND r.harm = h.harm AND r.round = c.round"
                                  "   AND r.verdict = 'approved'),"
                                  " (SELECT count(*) FROM claims_harm_reviews r"
                                  "   WHERE r.claim = h.claim AND r.harm = h.harm AND r.round = c.round"
                                  "   AND r.verdict = 'denied'),"
                                  " c.approvals_needed"
                                  " FROM claims_harms h JOIN claims_claims c ON c.id = h.claim"
                                  " WHERE h.claim = ?1 ORDER BY h.claimed_seq",
                           .columns = "tttiiii"},
    /*
     * Claims are never deleted, so SQLite's last rowid is the count, found
     * at the right edge of the b-tree where count(*) would read every row
     * (at a million claims, half a millisecond per claim opened).
     * PostgreSQL's tables have no rowid: there it is count(*).
     */
    [CLAIMS_Q_COUNT] = {.name = "claims.count",
                        .sql = "SELECT count(*) FROM claims_claims",
                        .sql_sqlite = "SELECT coalesce(max(rowid), 0) FROM claims_claims",
                        .columns = "i"},
    [CLAIMS_Q_BY_VICTIM] = {.name = "claims.by_victim",
                            .sql = "SELECT id, state FROM claims_claims WHERE program = ?1 AND victim = ?2",
                            .columns = "tt"},
    [CLAIMS_Q_EACH] = {.name = "claims.each",
                       .sql = "SELECT " CLAIM_COLUMNS " FROM claims_claims"
                              " WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR program = ?2)"
                              " ORDER BY opened_seq",
                       .columns = "ttttttiiiiiiiii"},
    /* The same, by the indexes: the ?-IS-NULL form makes SQLite scan and sort the whole table. */
    [CLAIMS_Q_EACH_STATE] = {.name = "claims.each.state",
                             .sql = "SELECT " CLAIM_COLUMNS
                                    " FROM claims_claims WHERE state = ?1 ORDER BY opened_seq",
                             .columns = "ttttttiiiiiiiii"},
    /* A victim's claims through the (program, victim) index: a program IN the few there are. */
    [CLAIMS_Q_EACH_VICTIM] = {.name = "claims.each.victim",
                              .sql = "SELECT " CLAIM_COLUMNS " FROM claims_claims"
                                     " WHERE program IN (SELECT code FROM programs_programs) AND victim = ?1"
                                     " ORDER BY opened_seq",
                              .columns = "ttttttiiiiiiiii",
                              .reads = "programs"},
    [CLAIMS_Q_EVIDENCE_EACH] = {.name = "claims.evidence.each",
                                .sql =
                                    "SELECT claim, n, sha256, size, added_by, added_seq FROM claims_evidence"
                                    " WHERE claim = ?1 ORDER BY n",
                                .columns = "tititi"},
    [CLAIMS_Q_EVIDENCE_GET] =
        {.name = "claims.evidence.get",
         .sql = "SELECT name, sha256, size FROM claims_evidence WHERE claim = ?1 AND n = ?2",
         .columns = "tti"},
    [CLAIMS_Q_DECISION_EACH] = {.name = "claims.decision.each",
                                .sql = "SELECT seq, claim, action, round, actor, reason IS NOT NULL"
                                       " FROM claims_decisions WHERE claim = ?1 ORDER BY seq",
                                .columns = "ittiti"},
    [CLAIMS_Q_REASON_GET] = {.name = "claims.reason.get",
                             .sql = "SELECT reason FROM claims_decisions WHERE seq = ?1 AND claim = ?2",
                             .columns = "t"},
    [CLAIMS_Q_BLOB_PUT] = {.name = "claims.blob.put",
                           .sql = "INSERT INTO claims_evidence_blobs (claim, n, part, sealed)"
                                  " VALUES (?1, ?2, ?3, ?4)",
                           .columns = ""},
    [CLAIMS_Q_BLOB_PARTS] = {.name = "claims.blob.parts",
                             .sql =
                                 "SELECT part, sealed FROM claims_evidence_blobs WHERE claim = ?1 AND n = ?2"
                                 " ORDER BY part",
                             .columns = "it"},
    /* The snapshots: named by their tables, key first (audit compares by the first column). */
    [CLAIMS_Q_SNAPSHOT_CLAIMS] = {.name = "claims_claims",
                                  .sql = "SELECT " CLAIM_COLUMNS " FROM claims_claims ORDER BY id",
                                  .columns = "ttttttiiiiiiiii"},
    [CLAIMS_Q_SNAPSHOT_EVIDENCE] = {.name = "claims_evidence",
                                    .sql = "SELECT " EVIDENCE_COLUMNS " FROM claims_evidence ORDER BY id",
                                    .columns = "ttittiti"},
    [CLAIMS_Q_SNAPSHOT_DECISIONS] = {.name = "claims_decisions",
                                     .sql = "SELECT " DECISION_COLUMNS " FROM claims_decisions ORDER BY seq",
                                     .columns = "ittitt"},
    [CLAIMS_Q_SNAPSHOT_HARMS] = {.name = "claims_harms",
                                 .sql = "SELECT " HARM_COLUMNS " FROM claims_harms ORDER BY id",
                                 .columns = "ttttti"},
    [CLAIMS_Q_SNAPSHOT_HARM_REVIEWS] = {.name = "claims_harm_reviews",
                                        .sql = "SELECT " HARM_REVIEW_COLUMNS
                                               " FROM claims_harm_reviews ORDER BY seq",
                                        .columns = "ittitt"},
    [CLAIMS_Q_CHECK_BLOBS] = {.name = "claims.check.blobs",
                              .sql = "SELECT e.id FROM claims_evidence e WHERE NOT EXISTS (SELECT 1 FROM"
                                     " claims_evidence_blobs b WHERE b.claim = e.claim AND b.n = e.n)"
                                     " ORDER BY e.id",
                              .columns = "t"},
    [CLAIMS_Q_CHECK_ORPHANS] = {.name = "claims.check.orphans",
                                .sql = "SELECT DISTINCT b.claim, b.n FROM claims_evidence_blobs b WHERE NOT"
                                       " EXISTS (SELECT 1 FROM claims_evidence e WHERE e.claim = b.claim"
                                       " AND e.n = b.n) ORDER BY b.claim, b.n",
                                .columns = "ti"},
};

const struct store_catalogue claims_catalogue = {"claims", claims_statements, STORE_COUNT(claims_statements)};

static const char *const state_names[] = {
    [CLAIM_OPEN] = "open",     [CLAIM_SUBMITTED] = "submitted", [CLAIM_APPROVED] = "approved",
    [CLAIM_DENIED] = "denied", [CLAIM_APPEALED] = "appealed",
};
static const char *const action_names[] = {
    [CLAIM_SUBMIT] = "submitted",
    [CLAIM_APPROVE] = "approved",
    [CLAIM_DENY] = "denied",
    [CLAIM_APPEAL] = "appealed",
    [CLAIM_UPHOLD] = "upheld",
    [CLAIM_OVERTURN] = "overturned",
    [CLAIM_VOTE_UPHOLD] = "vote-upheld",
    [CLAIM_VOTE_OVERTURN] = "vote-overturned",
};
static const char *const action_events[] = {
    [CLAIM_SUBMIT] = CLAIMS_EV_SUBMITTED,
    [CLAIM_APPROVE] = CLAIMS_EV_APPROVED,
    [CLAIM_DENY] = CLAIMS_EV_DENIED,
    [CLAIM_APPEAL] = CLAIMS_EV_APPEALED,
    [CLAIM_UPHOLD] = CLAIMS_EV_UPHELD,
    [CLAIM_OVERTURN] = CLAIMS_EV_OVERTURN,
    [CLAIM_VOTE_UPHOLD] = CLAIMS_EV_VOTE_UPHOLD,
    [CLAIM_VOTE_OVERTURN] = CLAIMS_EV_VOTE_OVERTURN,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *
claim_state_name(enum claim_state state)
{
	return (size_t)state < COUNT(state_names) ? state_names[state] : "?";
}

enum redress_err
claim_state_parse(const char *text, enum claim_state *state_r, struct redress_error *err)
{
	size_t i;

	for (i = 0; i < COUNT(state_names); i++)
		if (strcmp(state_names[i], text) == 0) {
			*state_r = (enum claim_state)i;
			return REDRESS_OK;
		}
	return error_set(err, REDRESS_E_INVALID,
	                 "claim state '%.32s' is not one of open, submitted, approved, denied, appealed",
	                 text);
}

const char *
claim_action_name(enum claim_action action)
{
	return (size_t)action < COUNT(action_names) ? action_names[action] : "?";
}

const char *
claims_action_event(enum claim_action action)
{
	return (size_t)action < COUNT(action_events) ? action_events[action] : "?";
}

int
claims_action_parse(const char *text, enum claim_action *action_r)
{
	size_t i;

	for (i = 0; i < COUNT(action_names); i++)
		if (strcmp(action_names[i], text) == 0) {
			*action_r = (enum claim_action)i;
			return 1;
		}
	return 0;
}

enum redress_err
claims_id_check(const char *id, struct redress_error *err)
{
	size_t i, len = strlen(id);

	if (len < 8 || len > CLAIM_ID_MAX || strncmp(id, "C-", 2) != 0)
		goto bad;
	for (i = 2; i < len; i++)
		if (id[i] < '0' || id[i] > '9')
			goto bad;
	return REDRESS_OK;
bad:
	return error_set(err, REDRESS_E_INVALID, "'%.32s' is not a claim id (C-000001, ...)", id);
}

/* A claim as CLAIM_COLUMNS hold it: the struct, with its state as text. */
struct claim_row {
	struct claim c;
	const char *state;
};

/* CLAIM_COLUMNS, each text cut to its field as before. */
static const struct store_field claim_fields[] = {
    STORE_FIELD_CUT(struct claim_row, c.id),
    STORE_FIELD_CUT(struct claim_row, c.program),
    STORE_FIELD_CUT(struct claim_row, c.victim),
    STORE_FIELD_CUT(struct claim_row, c.claimant),
    STORE_FIELD_TEXT(struct claim_row, state),
    STORE_FIELD_CUT(struct claim_row, c.opened_by),
    STORE_FIELD(struct claim_row, c.approvals_needed),
    STORE_FIELD(struct claim_row, c.approvals),
    STORE_FIELD(struct claim_row, c.round),
    STORE_FIELD(struct claim_row, c.evidence),
    STORE_FIELD(struct claim_row, c.opened_seq),
    STORE_FIELD(struct claim_row, c.decided_seq),
    STORE_FIELD(struct claim_row, c.deciders),
    STORE_FIELD(struct claim_row, c.votes_upheld),
    STORE_FIELD(struct claim_row, c.votes_overturned),
};

enum store_step_result
claims_next(struct store_stmt *st, struct claim *c, struct redress_error *err)
{
	struct claim_row row;
	enum store_step_result r;
	enum claim_state state = CLAIM_OPEN;

	memset(&row, 0, sizeof(row));
	if ((r = store_read(st, claim_fields, &row, err)) != STORE_ROW)
		return r;
	*c = row.c;
	/* A row with another state was not written here; audit names it. */
	(void)claim_state_parse(row.state, &state, NULL);
	c->state = state;
	return STORE_ROW;
}

int
claims_evidence_allowed(enum claim_state state)
{
	return state == CLAIM_OPEN || state == CLAIM_DENIED;
}

static enum redress_err
wrong_state(const struct claim *c, const char *step, const char *from, struct redress_error *err)
{
	return error_set(err, REDRESS_E_CONFLICT, "claim %s is %s: it can be %s only when %s", c->id,
	                 claim_state_name(c->state), step, from);
}

/* An appealed claim is the appeals role's to decide, not the reviewers'. */
static enum redress_err
reviewers_step(const struct claim *c, const char *step, struct redress_error *err)
{
	if (c->state == CLAIM_APPEALED)
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "claim %s is appealed: it is not %s by reviewers but decided by an account of"
		    " the appeals role ('redress claim appeal-decide %s --uphold|--overturn')",
		    c->id, step, c->id);
	return wrong_state(c, step, "submitted", err);
}

/* The members who must agree on c's appeal: one for an appeal whose event named none. */
int
claims_deciders(const struct claim *c)
{
	return c->deciders > 1 ? c->deciders : 1;
}

/* Refuses actor deciding or voting on c's appeal when it opened the claim or took part before. */
static enum redress_err
appeal_member_check(const struct claim *c, const char *actor, int before, struct redress_error *err)
{
	if (before == CLAIMS_BEFORE_VOTED)
		return error_set(err, REDRESS_E_REFUSED,
		                 "%s has given its decision on claim %s's appeal already: %d members of the"
		                 " appeals role who agree decide it, each once",
		                 actor, c->id, claims_deciders(c));
	if (strcmp(c->opened_by, actor) == 0 || before)
		return error_set(err, REDRESS_E_REFUSED,
		                 "%s %s claim %s before: its appeal is decided by accounts of the"
		                 " appeals role that took no part in it",
		                 actor, before ? "decided or reviewed" : "opened", c->id);
	return REDRESS_OK;
}

enum redress_err
claims_transition(struct claim *c, const struct claims_ev_transition *t, const char *actor, int before,
                  uint64_t seq, struct redress_error *err)
{
	enum claim_action action = t->action;
	struct claim n = *c;
	int upholds, votes;

	switch (action) {
	case CLAIM_SUBMIT:
		if (c->state != CLAIM_OPEN)
			return wrong_state(c, "submitted", "open", err);
		n.state = CLAIM_SUBMITTED;
		n.approvals = 0;
		break;
	case CLAIM_APPROVE:
		if (c->state != CLAIM_SUBMITTED)
			return reviewers_step(c, "approved", err);
		if (strcmp(c->opened_by, actor) == 0)
			return error_set(
			    err, REDRESS_E_REFUSED,
			    "claim %s was opened by %s, who may not approve it: %d other reviewers must",
			    c->id, actor, c->approvals_needed);
		if (before)
			return error_set(
			    err, REDRESS_E_REFUSED,
			    "%s has already approved claim %s in this round: it needs %d approvals by"
			    " different reviewers (%d so far)",
			    actor, c->id, c->approvals_needed, c->approvals);
		n.approvals++;
		if (n.approvals >= n.approvals_needed) {
			n.state = CLAIM_APPROVED;
			n.decided_seq = seq;
		}
		break;
	case CLAIM_DENY:
		if (c->state != CLAIM_SUBMITTED)
			return reviewers_step(c, "denied", err);
		n.state = CLAIM_DENIED;
		n.decided_seq = seq;
		break;
	case CLAIM_APPEAL:
		if (c->state != CLAIM_DENIED)
			return wrong_state(c, "appealed", "denied", err);
		if (c->round > 0)
			return error_set(
			    err, REDRESS_E_CONFLICT,
			    "claim %s was appealed once and the appeal upheld: a claim is appealed"
			    " only once",
			    c->id);
		if (t->deciders < 0 || t->deciders > CLAIMS_DECIDERS_MAX)
			return error_set(err, REDRESS_E_INVALID, "an appeal's deciders: %d is not 1 to %d",
			                 t->deciders, CLAIMS_DECIDERS_MAX);
		n.state = CLAIM_APPEALED;
		n.approvals = 0;
		n.round++;
		n.decided_seq = 0;
		n.deciders = t->deciders;
		n.votes_upheld = n.votes_overturned = 0;
		break;
	case CLAIM_UPHOLD:
	case CLAIM_OVERTURN:
	case CLAIM_VOTE_UPHOLD:
	case CLAIM_VOTE_OVERTURN:
		upholds = action == CLAIM_UPHOLD || action == CLAIM_VOTE_UPHOLD;
		if (c->state != CLAIM_APPEALED)
			return wrong_state(c, upholds ? "upheld" : "overturned",
			                   "appealed (an appeal is decided once)", err);
		if (appeal_member_check(c, actor, before, err) != REDRESS_OK)
			return err->code;
		/* This member's word and the votes for the same outcome: a decision when they are enough. */
		votes = (upholds ? c->votes_upheld : c->votes_overturned) + 1;
		if ((action == CLAIM_UPHOLD || action == CLAIM_OVERTURN) && votes < claims_deciders(c))
			return error_set(
			    err, REDRESS_E_REFUSED,
			    "claim %s's appeal is decided when %d members of the appeals role agree:"
			    " %d would %s it",
			    c->id, claims_deciders(c), votes, upholds ? "uphold" : "overturn");
		if ((action == CLAIM_VOTE_UPHOLD || action == CLAIM_VOTE_OVERTURN) &&
		    votes >= claims_deciders(c))
			return error_set(
			    err, REDRESS_E_INVALID,
			    "claim %s: a vote that makes %d of %d is the appeal's decision, not a vote",
			    c->id, votes, claims_deciders(c));
		if (action == CLAIM_VOTE_UPHOLD) {
			n.votes_upheld++;
		} else if (action == CLAIM_VOTE_OVERTURN) {
			n.votes_overturned++;
		} else {
			n.state = action == CLAIM_OVERTURN ? CLAIM_APPROVED : CLAIM_DENIED;
			n.decided_seq = seq;
		}
		break;
	default: return error_set(err, REDRESS_E_INTERNAL, "unknown claim action %d", (int)action);
	}
	*c = n;
	return REDRESS_OK;
}

/* Events. */

enum redress_err
claims_encode_opened(struct buf *out, const struct claim *c, struct redress_error *err)
{
	struct canon w;

	canon_init(&w, out);
	canon_object_begin(&w);
	canon_key(&w, "approvals");
	canon_int(&w, c->approvals_needed);
	canon_key(&w, "claimant");
	canon_string(&w, c->claimant);
	canon_key(&w, "id");
	canon_string(&w, c->id);
	canon_key(&w, "program");
	canon_string(&w, c->program);
	canon_key(&w, "victim");
	canon_string(&w, c->victim);
	canon_object_end(&w);
	return canon_error(&w, err);
}

enum redress_err
claims_encode_evidence(struct buf *out, const struct claims_ev_evidence *e, struct redress_error *err)
{
	struct canon w;

	canon_init(&w, out);
	canon_object_begin(&w);
	canon_key(&w, "claim");
	canon_string(&w, e->claim);
	if (e->label[0] != '\0') {
		canon_key(&w, "label");
		canon_string(&w, e->label);
	}
	canon_key(&w, "n");
	canon_int(&w, e->n);
	canon_key(&w, "name");
	canon_string(&w, e->name);
	canon_key(&w, "sha256");
	canon_string(&w, e->sha256);
	canon_key(&w, "size");
	canon_int(&w, e->size);
	canon_object_end(&w);
	return canon_error(&w, err);
}

enum redress_err
claims_encode_read(struct buf *out, const struct claims_ev_read *r, struct redress_error *err)
{
	struct canon w;

	canon_init(&w, out);
	canon_object_begin(&w);
	canon_key(&w, "claim");
	canon_string(&w, r->claim);
	if (r->n > 0) {
		canon_key(&w, "n");
		canon_int(&w, r->n);
	}
	if (r->why != NULL) {
		canon_key(&w, "why");
		canon_string(&w, r->why);
	}
	canon_object_end(&w);
	return canon_error(&w, err);
}

enum redress_err
claims_encode_transition(struct buf *out, const struct claims_ev_transition *t, struct redress_error *err)
{
	struct canon w;

	canon_init(&w, out);
	canon_object_begin(&w);
	canon_key(&w, "claim");
	canon_string(&w, t->claim);
	if (t->action == CLAIM_APPEAL && t->deciders > 0) {
		canon_key(&w, "deciders");
		canon_int(&w, t->deciders);
	}
	if (t->action != CLAIM_SUBMIT) {
		canon_key(&w, "reason");
		if (t->reason != NULL)
			canon_string(&w, t->reason);
		else
			canon_null(&w);
	}
	canon_object_end(&w);
	return canon_error(&w, err);
}

static enum redress_err
sealed_check(const char *field, const char *s, struct redress_error *err)
{
	if (strncmp(s, "s1:", 3) != 0 || strlen(s) > CLAIMS_SEALED_MAX)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is not sealed text", field);
	return REDRESS_OK;
}

enum redress_err
claims_decode_opened(const struct event *ev, struct claim *c, struct redress_error *err)
{
	static const char *const keys[] = {"approvals", "claimant", "id", "program", "victim", NULL};
	int64_t approvals;
	enum redress_err rc;

	memset(c, 0, sizeof(*c));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", c->id, sizeof(c->id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "program", c->program, sizeof(c->program), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "victim", c->victim, sizeof(c->victim), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "claimant", c->claimant, sizeof(c->claimant), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "approvals", &approvals, err)) != REDRESS_OK)
		return rc;
	/* What the commands would refuse, the log may not carry either. */
	if ((rc = claims_id_check(c->id, err)) != REDRESS_OK ||
	    (rc = text_check_id("program", c->program, PROGRAM_CODE_MAX, "._-", err)) != REDRESS_OK ||
	    (rc = text_check_id("victim", c->victim, REGISTRY_PSEUDONYM_MAX, "-", err)) != REDRESS_OK ||
	    (rc = text_check_id("claimant", c->claimant, REGISTRY_PSEUDONYM_MAX, "-", err)) != REDRESS_OK)
		return rc;
	if (approvals < PROGRAM_APPROVALS_MIN || approvals > PROGRAM_APPROVALS_MAX)
		return error_set(err, REDRESS_E_INVALID, "field 'approvals' is %lld", (long long)approvals);
	c->approvals_needed = (int)approvals;
	c->state = CLAIM_OPEN;
	text_copy(c->opened_by, sizeof(c->opened_by), ev->actor);
	c->opened_seq = ev->seq;
	return REDRESS_OK;
}

enum redress_err
claims_decode_evidence(const struct event *ev, struct claims_ev_evidence *e, struct redress_error *err)
{
	static const char *const keys[] = {"claim", "label", "n", "name", "sha256", "size", NULL};
	int64_t n;
	size_t i;
	enum redress_err rc;

	memset(e, 0, sizeof(*e));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "claim", e->claim, sizeof(e->claim), err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "n", &n, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &e->name, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "sha256", &e->sha256, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "size", &e->size, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "label", e->label, sizeof(e->label), err)) !=
	        REDRESS_OK)
		return rc;
	if ((rc = claims_id_check(e->claim, err)) != REDRESS_OK ||
	    (rc = sealed_check("name", e->name, err)) != REDRESS_OK)
		return rc;
	if (e->label[0] != '\0' && !claim_evidence_label_ok(e->label))
		return error_set(err, REDRESS_E_INVALID, "field 'label' is '%s', not a label of evidence",
		                 e->label);
	if (n < 1 || n > CLAIM_EVIDENCE_FILES)
		return error_set(err, REDRESS_E_INVALID, "field 'n' is %lld", (long long)n);
	if (e->size < 1 || e->size > (int64_t)CLAIM_EVIDENCE_MAX)
		return error_set(err, REDRESS_E_INVALID, "field 'size' is %lld", (long long)e->size);
	for (i = 0; e->sha256[i] != '\0'; i++)
		if (!((e->sha256[i] >= '0' && e->sha256[i] <= '9') ||
		      (e->sha256[i] >= 'a' && e->sha256[i] <= 'f')))
			break;
	if (i != 64 || e->sha256[i] != '\0')
		return error_set(err, REDRESS_E_INVALID, "field 'sha256' is not 64 lowercase hex digits");
	e->n = (int)n;
	return REDRESS_OK;
}

enum redress_err
claims_decode_read(const struct event *ev, struct claims_ev_read *r, struct redress_error *err)
{
	static const char *const keys[] = {"claim", "n", NULL};
	static const char *const reasons_keys[] = {"claim", "why", NULL};
	int64_t n;
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if (strcmp(ev->type, CLAIMS_EV_REASONS) == 0) {
		if ((rc = canon_only_keys(ev->data, reasons_keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string_into(ev->data, "claim", r->claim, sizeof(r->claim), err)) !=
		        REDRESS_OK)
			return rc;
		/* "why" came later (the page asks it): optional, sealed when there. */
		if (canon_find(ev->data, "why") != NULL &&
		    ((rc = canon_get_string(ev->data, "why", &r->why, err)) != REDRESS_OK ||
		     (rc = sealed_check("why", r->why, err)) != REDRESS_OK))
			return rc;
		return claims_id_check(r->claim, err);
	}
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "claim", r->claim, sizeof(r->claim), err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "n", &n, err)) != REDRESS_OK ||
	    (rc = claims_id_check(r->claim, err)) != REDRESS_OK)
		return rc;
	if (n < 1 || n > CLAIM_EVIDENCE_FILES)
		return error_set(err, REDRESS_E_INVALID, "field 'n' is %lld", (long long)n);
	r->n = (int)n;
	return REDRESS_OK;
}

enum redress_err
claims_decode_transition(const struct event *ev, struct claims_ev_transition *t, struct redress_error *err)
{
	static const char *const submit_keys[] = {"claim", NULL};
	static const char *const keys[] = {"claim", "reason", NULL};
	static const char *const appeal_keys[] = {"claim", "deciders", "reason", NULL};
	int64_t deciders = 0;
	enum redress_err rc;
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < COUNT(action_events); i++)
		if (strcmp(ev->type, action_events[i]) == 0)
			break;
	if (i == COUNT(action_events))
		return error_set(err, REDRESS_E_INVALID, "unknown claims event type '%.64s'", ev->type);
	t->action = (enum claim_action)i;
	if ((rc = canon_only_keys(ev->data,
	                          t->action == CLAIM_SUBMIT   ? submit_keys
	                          : t->action == CLAIM_APPEAL ? appeal_keys
	                                                      : keys,
	                          err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "claim", t->claim, sizeof(t->claim), err)) != REDRESS_OK ||
	    (rc = claims_id_check(t->claim, err)) != REDRESS_OK)
		return rc;
	if (t->action == CLAIM_SUBMIT)
		return REDRESS_OK;
	/* An appeal names its deciders since two were asked (claims.h); one decided those before. */
	if (t->action == CLAIM_APPEAL && canon_find(ev->data, "deciders") != NULL) {
		if ((rc = canon_get_int(ev->data, "deciders", &deciders, err)) != REDRESS_OK)
			return rc;
		if (deciders < 1 || deciders > CLAIMS_DECIDERS_MAX)
			return error_set(err, REDRESS_E_INVALID, "field 'deciders' is not 1 to %d",
			                 CLAIMS_DECIDERS_MAX);
		t->deciders = (int)deciders;
	}
	if (canon_find(ev->data, "reason") == NULL)
		return error_set(err, REDRESS_E_INVALID, "field 'reason' is missing");
	/* A denial and an appeal's decision carry their reason (what she is told). */
	rc = claims_action_needs_reason(t->action)
	         ? canon_get_string(ev->data, "reason", &t->reason, err)
	         : canon_get_string_opt(ev->data, "reason", &t->reason, err);
	if (rc != REDRESS_OK)
		return rc;
	return t->reason != NULL ? sealed_check("reason", t->reason, err) : REDRESS_OK;
}

/* Tables. */

enum redress_err
claims_apply_opened(struct store *store, const struct claim *c, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, c->id);
	store_bind_text(st, 2, c->program);
	store_bind_text(st, 3, c->victim);
	store_bind_text(st, 4, c->claimant);
	store_bind_text(st, 5, claim_state_name(CLAIM_OPEN));
	store_bind_text(st, 6, c->opened_by);
	store_bind_int64(st, 7, c->approvals_needed);
	store_bind_int64(st, 8, (int64_t)c->opened_seq);
	return store_run(st, err);
}

static enum redress_err
claim_update(struct store *store, const struct claim *c, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_UPDATE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, c->id);
	store_bind_text(st, 2, claim_state_name(c->state));
	store_bind_int64(st, 3, c->approvals);
	store_bind_int64(st, 4, c->round);
	store_bind_int64(st, 5, c->evidence);
	if (c->decided_seq != 0)
		store_bind_int64(st, 6, (int64_t)c->decided_seq);
	else
		store_bind_null(st, 6);
	store_bind_int64(st, 7, c->deciders);
	store_bind_int64(st, 8, c->votes_upheld);
	store_bind_int64(st, 9, c->votes_overturned);
	return store_run(st, err);
}

enum redress_err
claims_apply_evidence(struct store *store, const struct claims_ev_evidence *e, const char *actor,
                      uint64_t seq, struct redress_error *err)
{
	char id[CLAIM_ID_MAX + 16];
	struct store_stmt *st;
	struct claim c;
	enum redress_err rc;

	if ((rc = claim_get(store, e->claim, &c, err)) != REDRESS_OK)
		return rc;
	if (!claims_evidence_allowed(c.state))
		return error_set(err, REDRESS_E_CONFLICT,
		                 "claim %s is %s: evidence is added only while it is open, or denied (for an"
		                 " appeal)",
		                 c.id, claim_state_name(c.state));
	if (e->n != c.evidence + 1)
		return error_set(err, REDRESS_E_INVALID, "claim %s: evidence %d follows evidence %d", c.id,
		                 e->n, c.evidence);
	snprintf(id, sizeof(id), "%s/%d", e->claim, e->n);
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_EVIDENCE_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, e->claim);
	store_bind_int64(st, 3, e->n);
	store_bind_text(st, 4, e->name);
	store_bind_text(st, 5, e->sha256);
	store_bind_int64(st, 6, e->size);
	store_bind_text(st, 7, actor);
	store_bind_int64(st, 8, (int64_t)seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	c.evidence = e->n;
	return claim_update(store, &c, err);
}

/* 1 in *found_r when statement id (?1 claim, ?2 round, ?3 actor) counts any row. */
static enum redress_err
actor_rows(struct store *store, unsigned id, const char *claim, int round, const char *actor, int *found_r,
           struct redress_error *err)
{
	static const struct store_field found_field[] = {STORE_FIELD_BOOL_ROW};
	struct store_stmt *st;
	bool found;

	if ((st = store_statement(store, &claims_catalogue, id, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, claim);
	store_bind_int64(st, 2, round);
	store_bind_text(st, 3, actor);
	if (store_read_one(st, found_field, &found, err) != STORE_ROW)
		return err->code;
	*found_r = found;
	return REDRESS_OK;
}

enum redress_err
claims_approved_by(struct store *store, const char *id, int round, const char *actor, int *approved_r,
                   struct redress_error *err)
{
	return actor_rows(store, CLAIMS_Q_APPROVED_BY, id, round, actor, approved_r, err);
}

enum redress_err
claims_took_part(struct store *store, const char *id, int round, const char *actor, int *took_part_r,
                 struct redress_error *err)
{
	return actor_rows(store, CLAIMS_Q_TOOK_PART, id, round, actor, took_part_r, err);
}

int
claims_action_on_appeal(enum claim_action action)
{
	return action == CLAIM_UPHOLD || action == CLAIM_OVERTURN || action == CLAIM_VOTE_UPHOLD ||
	       action == CLAIM_VOTE_OVERTURN;
}

int
claims_action_needs_reason(enum claim_action action)
{
	return action == CLAIM_DENY || claims_action_on_appeal(action);
}

enum redress_err
claims_appeal_before(struct store *store, const struct claim *c, const char *actor, int *before_r,
                     struct redress_error *err)
{
	enum redress_err rc;
	int voted = 0;

	if ((rc = claims_took_part(store, c->id, c->round, actor, before_r, err)) != REDRESS_OK || *before_r)
		return rc;
	if ((rc = actor_rows(store, CLAIMS_Q_VOTED_BY, c->id, c->round, actor, &voted, err)) != REDRESS_OK)
		return rc;
	*before_r = voted ? CLAIMS_BEFORE_VOTED : 0;
	return REDRESS_OK;
}

enum redress_err
claims_apply_transition(struct store *store, const struct claims_ev_transition *t, const char *actor,
                        uint64_t seq, struct redress_error *err)
{
	struct store_stmt *st;
	struct claim c;
	int before = 0;
	enum redress_err rc;

	if ((rc = claim_get(store, t->claim, &c, err)) != REDRESS_OK)
		return rc;
	if (t->action == CLAIM_APPROVE &&
	    (rc = claims_approved_by(store, c.id, c.round, actor, &before, err)) != REDRESS_OK)
		return rc;
	if (claims_action_on_appeal(t->action) &&
	    (rc = claims_appeal_before(store, &c, actor, &before, err)) != REDRESS_OK)
		return rc;
	if (claims_action_needs_reason(t->action) && t->reason == NULL)
		return error_set(err, REDRESS_E_INVALID, "a denial or an appeal's decision needs a reason");
	if ((rc = claims_transition(&c, t, actor, before, seq, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_DECISION_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)seq);
	store_bind_text(st, 2, c.id);
	store_bind_text(st, 3, claim_action_name(t->action));
	store_bind_int64(st, 4, c.round);
	store_bind_text(st, 5, actor);
	store_bind_text(st, 6, t->reason);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	return claim_update(store, &c, err);
}

static enum redress_err
claims_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct claims_ev_transition t;
	struct claims_ev_evidence e;
	struct program p;
	struct claim c;
	enum redress_err rc;

	if (strcmp(ev->type, CLAIMS_EV_OPENED) == 0) {
		if ((rc = claims_decode_opened(ev, &c, err)) != REDRESS_OK ||
		    (rc = program_get(store, c.program, &p, err)) != REDRESS_OK)
			return rc;
		if (p.approvals != c.approvals_needed)
			return error_set(err, REDRESS_E_INVALID,
			                 "claim %s needs %d approvals, but program %s asks for %d", c.id,
			                 c.approvals_needed, p.code, p.approvals);
		return claims_apply_opened(store, &c, err);
	}
	if (strcmp(ev->type, CLAIMS_EV_EVIDENCE) == 0) {
		if ((rc = claims_decode_evidence(ev, &e, err)) != REDRESS_OK)
			return rc;
		return claims_apply_evidence(store, &e, ev->actor, ev->seq, err);
	}
	if (strcmp(ev->type, CLAIMS_EV_HARM) == 0 || strcmp(ev->type, CLAIMS_EV_HARM_REV) == 0) {
		struct claims_ev_harm h;

		if ((rc = claims_decode_harm(ev, &h, err)) != REDRESS_OK)
			return rc;
		return claims_apply_harm(store, ev, &h, err);
	}
	if (strcmp(ev->type, CLAIMS_EV_READ) == 0 || strcmp(ev->type, CLAIMS_EV_REASONS) == 0) {
		struct claims_ev_read r;

		/* A read changes no table: it is a record of who opened which testimony, when. */
		if ((rc = claims_decode_read(ev, &r, err)) != REDRESS_OK ||
		    (rc = claim_get(store, r.claim, &c, err)) != REDRESS_OK)
			return rc;
		if (r.n > c.evidence)
			return error_set(err, REDRESS_E_INVALID,
			                 "claim %s has no evidence %d to read (it has %d)", c.id, r.n,
			                 c.evidence);
		return REDRESS_OK;
	}
	if ((rc = claims_decode_transition(ev, &t, err)) != REDRESS_OK)
		return rc;
	return claims_apply_transition(store, &t, ev->actor, ev->seq, err);
}

/* A row of CLAIMS_Q_CHECK_BLOBS ("t") or _CHECK_ORPHANS ("ti"), its id borrowed. */
struct evidence_ref {
	const char *id;
	int64_t n;
};

/* Every evidence row has its sealed file, and no sealed file lacks its row. */
static enum redress_err
claims_check(struct store *store, struct audit_report *report, struct redress_error *err)
{
	static const struct store_field fields[] = {STORE_FIELD_TEXT(struct evidence_ref, id),
	                                            STORE_FIELD(struct evidence_ref, n)};
	struct evidence_ref row;
	struct store_stmt *st;
	enum store_step_result r;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_CHECK_BLOBS, err)) == NULL)
		return err->code;
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW)
		audit_finding(
		    report, "claims_evidence '%.40s': its sealed file is missing from claims_evidence_blobs",
		    row.id);
	if (r == STORE_ERROR)
		return err->code;
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_CHECK_ORPHANS, err)) == NULL)
		return err->code;
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW)
		audit_finding(
		    report,
		    "claims_evidence_blobs '%.40s/%lld': a sealed file that no evidence event records",
		    row.id, (long long)row.n);
	return r == STORE_ERROR ? err->code : REDRESS_OK;
}

/* In CLAIMS_TABLE_* order: the fold digests its rows by these tables' indexes. */
static const unsigned claims_snapshots[] = {CLAIMS_Q_SNAPSHOT_CLAIMS, CLAIMS_Q_SNAPSHOT_EVIDENCE,
                                            CLAIMS_Q_SNAPSHOT_DECISIONS, CLAIMS_Q_SNAPSHOT_HARMS,
                                            CLAIMS_Q_SNAPSHOT_HARM_REVIEWS};

const struct event_module claims_module = {
    .name = "claims",
    .type_prefix = "claims.",
    .schema = claims_schema,
    .catalogue = &claims_catalogue,
    .snapshot_ids = claims_snapshots,
    .nsnapshots = STORE_COUNT(claims_snapshots),
    .replay = claims_replay,
    .check = claims_check,
    .fold_begin = claims_fold_begin,
    .fold = claims_fold,
    .fold_end = claims_fold_end,
};
