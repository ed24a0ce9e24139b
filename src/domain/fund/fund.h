/*
 * fund.h -- the end of a fund: `redress fund close` hands what is left to a
 * successor, honestly.
 *
 * Closing is one event, "fund.closed" ({"archive","contact","successor"}),
 * made by an admin.  In the same change the handover archive's body is
 * computed from the tables as they stand: every claim not decided, every
 * entitlement not paid, every ledger account's posted totals, with their
 * counts and sums; "archive" is the SHA-256 of that body, so the body the
 * successor receives is the one the log (and every witness who cosigns
 * it) holds to.  After it, new claims are refused, naming the successor
 * and how to reach them.
 *
 * The archive file: {"format": "redress-archive-1", "body": TEXT (JSON),
 * "event": BASE64 (the fund.closed event's exact bytes), "proof":
 * {"checkpoint", "size", "inclusion": [BASE64...]}, "handovers": [...]}.
 * fund_archive_verify checks it offline with the fund's verifier key.
 */
#ifndef REDRESS_DOMAIN_FUND_H
#define REDRESS_DOMAIN_FUND_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define FUND_EV_CLOSED      "fund.closed"
#define FUND_ARCHIVE_FORMAT "redress-archive-1"
#define FUND_SUCCESSOR_MAX  200 /* bytes */
#define FUND_CONTACT_MAX    500
#define FUND_ARCHIVE_MAX    (64u << 20)

extern const struct event_module fund_module;

/* The fund's closure, when it is closed. */
struct fund_closure {
	uint64_t seq;
	char successor[FUND_SUCCESSOR_MAX + 1];
	char contact[FUND_CONTACT_MAX + 1];
	char archive[65]; /* SHA-256 of the archive's body, hex */
};

/*
 * 1 and *c_r filled when the fund is closed; 0 when not; -1 with err when
 * the database cannot be read.  A database made before this module has no
 * table for it: not closed.
 */
int fund_closed(struct store *store, struct fund_closure *c_r, struct redress_error *err);

/*
 * Closes the fund inside the change open on log: computes the archive's
 * body into body (the caller's buffer), appends "fund.closed" with its
 * SHA-256, successor and contact (each 1 to its maximum of printable
 * text).  actor needs PERM_USERS_MANAGE.  A fund already closed is
 * REDRESS_E_CONFLICT; *seq_r is the event's position.  On failure the
 * caller rolls the change back: nothing is kept.
 */
enum redress_err fund_close(struct tlog *log, const struct actor *actor, const char *successor,
                            const char *contact, struct buf *body, uint64_t *seq_r,
                            struct redress_error *err);

/*
 * After the change committed: appends to out the archive file for the
 * body fund_close made and its event at seq, proved against the latest
 * (cosigned) checkpoint, with the log's key handovers.
 */
enum redress_err fund_archive_write(struct tlog *log, const struct buf *body, uint64_t seq, struct buf *out,
                                    struct redress_error *err);

/* What fund_archive_verify found. */
struct fund_archive_verified {
	char successor[FUND_SUCCESSOR_MAX + 1];
	uint64_t seq, size;   /* the event's position; the checkpoint's size */
	uint64_t open_claims; /* as listed, and as the totals say */
	uint64_t unpaid;      /* entitlements not paid */
	uint64_t accounts;    /* ledger accounts listed */
};

/*
 * Checks an archive (len bytes) with the fund's verifier key vkey (the
 * first or a later one; the archive's handovers lead on): the checkpoint
 * is signed by the key in force at its size, the event's bytes are in the
 * tree it names, the event is "fund.closed" and its "archive" is the
 * SHA-256 of the body, and the body's lists add up to its totals (nothing
 * dropped from them); with policy (may be NULL), the checkpoint carries
 * enough witnesses' cosignatures (log/cosig.h).  REDRESS_E_CRYPTO when a signature, hash or proof
 * does not verify or a total disagrees; REDRESS_E_INVALID naming what is
 * malformed.
 */
struct cosig_policy;
enum redress_err fund_archive_verify(const char *text, size_t len, const char *vkey,
                                     const struct cosig_policy *policy, struct fund_archive_verified *v_r,
                                     struct redress_error *err);

#endif
