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
 * Then every projection table is compared row by row with its replay, and
 * each module checks its own invariants.  Each disagreement is a finding
 * that names the table and key, or the event position, involved.
 */
#ifndef REDRESS_LOG_AUDIT_H
#define REDRESS_LOG_AUDIT_H

#include <stdint.h>

#include "core/error.h"
#include "log/merkle.h"
#include "log/tlog.h"

#define AUDIT_MAX_FINDINGS 32
#define AUDIT_FINDING_MAX  320

struct audit_report {
	uint64_t events;      /* events read */
	uint64_t checkpoints; /* signed checkpoints checked */
	uint64_t rows;	      /* projection rows compared */
	uint8_t root[MERKLE_HASH_SIZE]; /* the root the events give */
	unsigned nfindings;   /* findings kept, at most AUDIT_MAX_FINDINGS */
	uint64_t dropped;     /* findings beyond those kept */
	char findings[AUDIT_MAX_FINDINGS][AUDIT_FINDING_MAX];
};

/* Records a finding (a problem audit found), printf-style. */
void audit_finding(struct audit_report *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Verifies the log and its tables as above.  public_key is the trusted key
 * (from the key directory, not from the database under audit).  Returns
 * REDRESS_OK when the audit could run -- findings, if any, are in report --
 * or an error when it could not (the database unreadable).
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
