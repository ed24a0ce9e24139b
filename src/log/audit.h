/*
 * audit.h -- `redress audit verify`: proof that the tables are what the log
 * says they are, and that the log is what its signed checkpoints say.
 *
 * One ordered pass over the events:
 *   - every event is present (positions 0..n-1), well-formed, and says it is
 *     at the position it is stored at;
 *   - its leaf hash and every tree node its append completes equal the
 *     stored tree nodes;
 *   - every stored checkpoint is signed by the log's key and names the root
 *     the events give at its size; none is beyond the log's end;
 *   - the event is replayed by its module into a private in-memory database.
 * Then every projection table is compared with its replay, and each module
 * checks its own invariants.  Each disagreement is a finding that names the
 * table and key, or the event position, involved.
 *
 * Two speeds.  Modules that can fold their events in memory (event_module
 * .fold) give, per table, a digest of the rows the log implies: the sum of
 * a keyed 128-bit hash of each row, with a random key chosen for this run.
 * The live tables are scanned into the same digests.  Equal digests mean
 * equal tables (a forger cannot aim at a key they never see), and the audit
 * is done without writing a row.  Only when a digest differs does audit
 * replay the log into a private in-memory database through the modules'
 * own apply code and compare row by row, to name each difference.
 */
#ifndef REDRESS_LOG_AUDIT_H
#define REDRESS_LOG_AUDIT_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "log/merkle.h"
#include "log/tlog.h"

#define AUDIT_MAX_FINDINGS 32
#define AUDIT_FINDING_MAX  320

/*
 * unprojected: version-3 events whose leaf was not recomputed from their
 * bytes, the log having been opened without the projection to public parts
 * (no index key: audit verify --pubkey without the key directory).  Their
 * stored leaf still goes into the tree and its checks.
 */
struct audit_report {
	uint64_t events;                /* events read */
	int replayed;                   /* 1 when the digests differed and the log was replayed row by row */
	uint64_t checkpoints;           /* signed checkpoints checked */
	uint64_t rows;                  /* projection rows compared */
	uint8_t root[MERKLE_HASH_SIZE]; /* the root the events give */
	unsigned nfindings;             /* findings kept, at most AUDIT_MAX_FINDINGS */
	uint64_t dropped;               /* findings beyond those kept */
	uint64_t unprojected;           /* version-3 events whose leaf was taken as stored (below) */
	char findings[AUDIT_MAX_FINDINGS][AUDIT_FINDING_MAX];
};

/* A column value of a projection row, as audit hashes it. */
enum audit_value_type {
	AUDIT_NULL,
	AUDIT_INT,
	AUDIT_TEXT,
};

struct audit_value {
	enum audit_value_type type;
	int64_t i;
	const char *s;
};

#define AUDIT_ROW_MAX 32 /* columns in a projection row */

/* The multiset digest of one table: the sum of its rows' hashes. */
struct audit_digest {
	uint64_t lo, hi; /* 128-bit sum, modulo 2^128 */
	uint64_t rows;
};

/* Where a module's fold adds the rows its events imply, table by table. */
struct audit_fold {
	const uint8_t *key;           /* HASH_KEYED128_KEY_SIZE bytes, fresh per audit */
	struct audit_digest *digests; /* one per snapshot query of the module */
	struct buf *scratch;          /* where rows are encoded for hashing */
};

/* Adds one row of table (an index into the module's snapshots) to the fold. */
void audit_fold_row(struct audit_fold *fold, size_t table, const struct audit_value *values, size_t n);

/*
 * Takes one row of table out of the fold again: a row an earlier event
 * added that a later one changed (a person's corrected row).  The digest
 * is a sum, so a row taken out that was never added leaves it differing.
 */
void audit_fold_unrow(struct audit_fold *fold, size_t table, const struct audit_value *values, size_t n);

/* Value constructors for fold functions: text that is "" becomes NULL with AUDIT_TEXT_OR_NULL. */
#define AUDIT_INT_VALUE(v)  ((struct audit_value){AUDIT_INT, (int64_t)(v), NULL})
#define AUDIT_TEXT_VALUE(v) ((struct audit_value){AUDIT_TEXT, 0, (v)})
#define AUDIT_TEXT_OR_NULL_VALUE(v)                                                                          \
	((v)[0] != '\0' ? AUDIT_TEXT_VALUE(v) : (struct audit_value){AUDIT_NULL, 0, NULL})

/* How many snapshot statements module m has (either kind of struct event_module). */
size_t audit_snapshot_count(const struct event_module *m);

/*
 * Snapshot statement j of module m on store, reset, ready to step, and its
 * name in *name_r; NULL with err filled.
 */
struct store_stmt *audit_snapshot(struct store *store, const struct event_module *m, size_t j,
                                  const char **name_r, struct redress_error *err);

/*
 * Reads the current row of st into values as audit digests it: by the
 * statement's declared column types ('i' an integer, 't' and 'b' text), so
 * that the digest does not depend on the backend's own types.  A NULL is
 * AUDIT_NULL.  The text points into st until its next step.  Returns the
 * number of columns, or -1 when there are more than AUDIT_ROW_MAX or st
 * declares none.
 */
int audit_row_read(struct store_stmt *st, struct audit_value values[AUDIT_ROW_MAX]);

/* Records a finding (a problem audit found), printf-style. */
void audit_finding(struct audit_report *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Verifies the log and its tables as above.  public_key is the trusted key
 * (from the key directory, not from the database under audit).  Returns
 * REDRESS_OK when the audit could run -- findings, if any, are in report --
 * or an error when it could not (the database unreadable).  The storage's
 * own integrity is checked first: a damaged database is REDRESS_E_STORE_IO
 * ("storage damaged"), never reported as tampering.
 */
enum redress_err audit_verify(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE],
                              struct audit_report *report, struct redress_error *err);

/*
 * Checks a checkpoint kept outside the database (a signed note, as
 * published): signed by public_key, for this log's origin, and its root
 * equal to the events' root at its size.  Adds a finding otherwise.
 */
enum redress_err audit_external_checkpoint(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE],
                                           const char *note, size_t len, struct audit_report *report,
                                           struct redress_error *err);

#endif
