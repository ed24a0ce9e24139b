/*
 * dups_apply.c -- the duplicates module's events and table: reading each
 * event back (every field checked, unknown fields refused), applying it,
 * and folding it for audit's fast path.
 *
 * Every event makes one row of dups_decisions, final when the event is
 * read (a merge approved is a row of its own beside its proposal), so one
 * function (event_row) turns an event into its row, which replay inserts
 * and the fold hashes.  The checks that need state -- both persons
 * registered and not erased, the pair not decided, the proposal pending
 * and approved by another account than its proposer's, neither person
 * merged away -- replay makes against the tables; a differing digest
 * starts that replay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/dups/dups_int.h"
#include "log/audit.h"

static const char dups_schema[] =
    "CREATE TABLE IF NOT EXISTS dups_decisions ("
    " seq INTEGER PRIMARY KEY, a TEXT NOT NULL, b TEXT NOT NULL, decision TEXT NOT NULL,"
    " basis TEXT NOT NULL, proposal INTEGER, reason TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS dups_decisions_pair ON dups_decisions (a, b, seq);"
    "CREATE INDEX IF NOT EXISTS dups_decisions_b ON dups_decisions (b, decision);";

#define DECISION_COLUMNS "seq, a, b, decision, basis, proposal, reason, actor, at"

static const struct store_statement dups_statements[DUPS_Q_COUNT] = {
    [DUPS_Q_INSERT] = {.name = "dups.decision.insert",
                       .sql = "INSERT INTO dups_decisions (" DECISION_COLUMNS ")"
                              " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                       .columns = ""},
    [DUPS_Q_PAIR] = {.name = "dups.pair",
                     .sql = "SELECT seq, decision, actor FROM dups_decisions WHERE a = ?1 AND b = ?2"
                            " ORDER BY seq",
                     .columns = "itt"},
    [DUPS_Q_MERGED] = {.name = "dups.merged",
                       .sql = "SELECT a, seq FROM dups_decisions WHERE b = ?1 AND decision = 'merged'"
                              " ORDER BY seq LIMIT 1",
                       .columns = "ti"},
    [DUPS_Q_ANY] = {.name = "dups.any_merged",
                    .sql = "SELECT 1 FROM dups_decisions WHERE decision = 'merged' LIMIT 1",
                    .columns = "i"},
    [DUPS_Q_SNAPSHOT] = {.name = "dups_decisions",
                         .sql = "SELECT " DECISION_COLUMNS " FROM dups_decisions ORDER BY seq",
                         .columns = "ittttittt"},
};

const struct store_catalogue dups_catalogue = {"dups", dups_statements, STORE_COUNT(dups_statements)};

static const unsigned dups_snapshots[] = {DUPS_Q_SNAPSHOT};

#define ROW_COLUMNS 9

/* An event as its row (the table's columns in order); strings borrowed from the event. */
struct dups_row {
	struct audit_value values[ROW_COLUMNS];
	const char *a, *b, *decision;
	int64_t proposal;
};

static enum redress_err
get_pseudonym(const struct canon_node *data, const char *key, const char **s_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = canon_get_string(data, key, s_r, err)) != REDRESS_OK)
		return rc;
	if (strlen(*s_r) > REGISTRY_PSEUDONYM_MAX || ((*s_r)[0] != 'V' && (*s_r)[0] != 'R') ||
	    (*s_r)[1] != '-')
		return error_set(err, REDRESS_E_INVALID, "field '%s' is not a pseudonym", key);
	return REDRESS_OK;
}

static enum redress_err
event_row(const struct event *ev, struct dups_row *row, struct redress_error *err)
{
	static const char *const keys[] = {"a", "b", "basis", "reason", NULL};
	static const char *const merged_keys[] = {"a", "b", "basis", "proposal", "reason", NULL};
	const struct canon_node *d = ev->data;
	int merged = strcmp(ev->type, DUPS_EV_MERGED) == 0;
	const char *basis, *reason;
	enum redress_err rc;

	memset(row, 0, sizeof(*row));
	if (merged)
		row->decision = "merged";
	else if (strcmp(ev->type, DUPS_EV_DISTINCT) == 0)
		row->decision = "distinct";
	else if (strcmp(ev->type, DUPS_EV_PROPOSED) == 0)
		row->decision = "proposed";
	else
		return error_set(err, REDRESS_E_INVALID, "unknown duplicates event '%.64s'", ev->type);
	if ((rc = canon_only_keys(d, merged ? merged_keys : keys, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(d, "a", &row->a, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(d, "b", &row->b, err)) != REDRESS_OK ||
	    (rc = canon_get_string(d, "basis", &basis, err)) != REDRESS_OK ||
	    (rc = registry_get_sealed(d, "reason", 0, DUPS_EVENT_DATA_MAX, &reason, err)) != REDRESS_OK ||
	    (merged && (rc = canon_get_int(d, "proposal", &row->proposal, err)) != REDRESS_OK))
		return rc;
	if (strcmp(row->a, row->b) == 0)
		return error_set(err, REDRESS_E_INVALID, "a pair is two persons, not %s twice", row->a);
	if (strcmp(basis, registry_dup_basis_name(REGISTRY_DUP_NAME_YEAR)) != 0 &&
	    strcmp(basis, registry_dup_basis_name(REGISTRY_DUP_NAME_YEAR_REGION)) != 0)
		return error_set(err, REDRESS_E_INVALID, "field 'basis' is not a basis of suspicion");
	if (merged && (row->proposal <= 0 || (uint64_t)row->proposal >= ev->seq))
		return error_set(err, REDRESS_E_INVALID, "field 'proposal' is not an earlier event's number");
	row->values[0] = AUDIT_INT_VALUE(ev->seq);
	row->values[1] = AUDIT_TEXT_VALUE(row->a);
	row->values[2] = AUDIT_TEXT_VALUE(row->b);
	row->values[3] = AUDIT_TEXT_VALUE(row->decision);
	row->values[4] = AUDIT_TEXT_VALUE(basis);
	row->values[5] = merged ? AUDIT_INT_VALUE(row->proposal) : (struct audit_value){AUDIT_NULL, 0, NULL};
	row->values[6] = AUDIT_TEXT_VALUE(reason);
	row->values[7] = AUDIT_TEXT_VALUE(ev->actor);
	row->values[8] = AUDIT_TEXT_VALUE(ev->at);
	return REDRESS_OK;
}

/* DUPS_Q_PAIR's row: a decision on the pair, with its proposal's event and proposer. */
struct decision_row {
	int64_t proposal;
	const char *decision, *proposer;
};

static const struct store_field decision_fields[] = {STORE_FIELD(struct decision_row, proposal),
                                                     STORE_FIELD_TEXT(struct decision_row, decision),
                                                     STORE_FIELD_TEXT(struct decision_row, proposer)};

/* DUPS_Q_MERGED's row: whom a person was merged into, and when. */
struct merged_row {
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	int64_t seq;
};

static const struct store_field merged_fields[] = {STORE_FIELD_CUT(struct merged_row, into),
                                                   STORE_FIELD(struct merged_row, seq)};

enum redress_err
dups_pair_state(struct store *store, const char *a, const char *b, struct dups_state *s_r,
                struct redress_error *err)
{
	enum store_step_result r;
	struct store_stmt *st;
	struct decision_row row;

	memset(s_r, 0, sizeof(*s_r));
	if ((st = store_statement(store, &dups_catalogue, DUPS_Q_PAIR, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, a);
	store_bind_text(st, 2, b);
	while ((r = store_read(st, decision_fields, &row, err)) == STORE_ROW) {
		if (strcmp(row.decision, "proposed") == 0) {
			s_r->proposal = (uint64_t)row.proposal;
			text_copy(s_r->proposer, sizeof(s_r->proposer), row.proposer);
		} else {
			s_r->decided = 1;
			s_r->proposal = 0;
			s_r->proposer[0] = '\0';
			text_copy(s_r->decision, sizeof(s_r->decision), row.decision);
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
dups_merged_into(struct store *store, const char *pseudonym, char into_r[REGISTRY_PSEUDONYM_MAX + 1],
                 uint64_t *seq_r, struct redress_error *err)
{
	struct merged_row row;
	struct store_stmt *st;

	into_r[0] = '\0';
	if (seq_r != NULL)
		*seq_r = 0;
	if ((st = store_statement(store, &dups_catalogue, DUPS_Q_MERGED, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	switch (store_read_one(st, merged_fields, &row, err)) {
	case STORE_ROW:
		memcpy(into_r, row.into, sizeof(row.into));
		if (seq_r != NULL)
			*seq_r = (uint64_t)row.seq;
		return REDRESS_OK;
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
}

enum redress_err
dups_merged_into_log(struct tlog *log, const char *pseudonym, char into_r[REGISTRY_PSEUDONYM_MAX + 1],
                     uint64_t *seq_r, struct redress_error *err)
{
	const struct event_module *const *m;

	for (m = tlog_modules(log); *m != NULL; m++)
		if (*m == &dups_module)
			return dups_merged_into(tlog_store(log), pseudonym, into_r, seq_r, err);
	into_r[0] = '\0';
	if (seq_r != NULL)
		*seq_r = 0;
	return REDRESS_OK;
}

enum redress_err
dups_any_merged_log(struct tlog *log, int *any_r, struct redress_error *err)
{
	const struct event_module *const *m;
	struct store_stmt *st;
	enum store_step_result r;

	*any_r = 0;
	for (m = tlog_modules(log); *m != NULL && *m != &dups_module; m++)
		;
	if (*m == NULL)
		return REDRESS_OK;
	if ((st = store_statement(tlog_store(log), &dups_catalogue, DUPS_Q_ANY, err)) == NULL)
		return err->code;
	if ((r = store_step(st, err)) == STORE_ROW) {
		*any_r = 1;
		store_done(st);
		return REDRESS_OK;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* dups_check_not_merged on the tables (replay's check of a decision, too). */
static enum redress_err
not_merged(struct store *store, const char *pseudonym, struct redress_error *err)
{
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	uint64_t seq;
	enum redress_err rc;

	if ((rc = dups_merged_into(store, pseudonym, into, &seq, err)) != REDRESS_OK)
		return rc;
	if (into[0] != '\0')
		return error_set(err, REDRESS_E_CONFLICT,
		                 "%s was merged into %s (event %llu): record it on %s's file instead",
		                 pseudonym, into, (unsigned long long)seq, into);
	return REDRESS_OK;
}

enum redress_err
dups_check_not_merged(struct tlog *log, const char *pseudonym, struct redress_error *err)
{
	const struct event_module *const *m;

	for (m = tlog_modules(log); *m != NULL; m++)
		if (*m == &dups_module)
			return not_merged(tlog_store(log), pseudonym, err);
	return REDRESS_OK;
}

/* The checks a decision's event needs against the tables (the header says which). */
static enum redress_err
row_check(struct store *store, const struct event *ev, const struct dups_row *row, struct redress_error *err)
{
	const char *who[2] = {row->a, row->b};
	struct registry_person p;
	struct dups_state s;
	enum redress_err rc;
	size_t i;

	for (i = 0; i < 2; i++) {
		if ((rc = registry_get(store, who[i], &p, err)) != REDRESS_OK)
			return rc;
		if (p.status == REGISTRY_ERASED)
			return error_set(err, REDRESS_E_CONFLICT, "%s was erased: no pair of hers is decided",
			                 who[i]);
	}
	if ((rc = dups_pair_state(store, row->a, row->b, &s, err)) != REDRESS_OK)
		return rc;
	if (s.decided)
		return error_set(err, REDRESS_E_CONFLICT, "the pair %s,%s was decided already (%s)", row->a,
		                 row->b, s.decision);
	if (strcmp(row->decision, "distinct") == 0)
		return REDRESS_OK;
	for (i = 0; i < 2; i++)
		if ((rc = not_merged(store, who[i], err)) != REDRESS_OK)
			return rc;
	if (strcmp(row->decision, "proposed") == 0) {
		if (s.proposal != 0)
			return error_set(err, REDRESS_E_CONFLICT,
			                 "a merge of %s,%s is proposed already (number %llu): it waits for a"
			                 " second staff member",
			                 row->a, row->b, (unsigned long long)s.proposal);
		return REDRESS_OK;
	}
	if (s.proposal == 0 || (int64_t)s.proposal != row->proposal)
		return error_set(err, REDRESS_E_CONFLICT, "no merge of %s,%s is proposed as number %lld",
		                 row->a, row->b, (long long)row->proposal);
	if (strcmp(s.proposer, ev->actor) == 0)
		return error_set(err, REDRESS_E_REFUSED,
		                 "a merge needs a second staff member: %s proposed it and may not approve it",
		                 ev->actor);
	return REDRESS_OK;
}

static enum redress_err
dups_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct store_stmt *st;
	struct dups_row row;
	enum redress_err rc;
	size_t i;

	if ((rc = event_row(ev, &row, err)) != REDRESS_OK ||
	    (rc = row_check(store, ev, &row, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &dups_catalogue, DUPS_Q_INSERT, err)) == NULL)
		return err->code;
	for (i = 0; i < ROW_COLUMNS; i++) {
		if (row.values[i].type == AUDIT_INT)
			store_bind_int64(st, (int)i + 1, row.values[i].i);
		else if (row.values[i].type == AUDIT_TEXT)
			store_bind_text(st, (int)i + 1, row.values[i].s);
		else
			store_bind_null(st, (int)i + 1);
	}
	return store_run(st, err);
}

/* Audit's fold: every row is final; what needs state is left to the replay a differing digest starts. */
static void *
dups_fold_begin(void)
{
	static char model; /* no state: a non-NULL pointer that is never freed */

	return &model;
}

static enum redress_err
dups_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct dups_row row;
	enum redress_err rc;

	(void)model;
	if ((rc = event_row(ev, &row, err)) != REDRESS_OK)
		return rc;
	audit_fold_row(fold, 0, row.values, ROW_COLUMNS);
	return REDRESS_OK;
}

static void
dups_fold_end(void *model, struct audit_fold *fold)
{
	(void)model;
	(void)fold;
}

const struct event_module dups_module = {
    .name = "dups",
    .type_prefix = "duplicates.",
    .schema = dups_schema,
    .catalogue = &dups_catalogue,
    .snapshot_ids = dups_snapshots,
    .nsnapshots = STORE_COUNT(dups_snapshots),
    .replay = dups_replay,
    .fold_begin = dups_fold_begin,
    .fold = dups_fold,
    .fold_end = dups_fold_end,
};
