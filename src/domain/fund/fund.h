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
 * {"checkpoint", "size", "inclusion": [BASE64...]}, "handovers": [...],
 * "reports": [TEXT...]}.  The body lists the final public reports
 * ("final_reports": [{"program", "seq"}]), published just before the
 * close; "reports" holds each as published (JSON, with its own proof).
 * fund_archive_verify checks it offline with the fund's verifier key.
 *
 * The successor's side (fund_inherit.c): `redress fund import` checks an
 * archive as fund_archive_verify does and records, in the successor's own
 * log, one "fund.inherited" event (the predecessor's origin, the archive
 * body's SHA-256, the closing event and the counts and sums it declares)
 * followed by one "fund.obligation" event per claim, entitlement and
 * ledger account handed over.  Audit checks that every inheritance holds
 * as many obligations of each kind as it declares, and that the unpaid
 * sums add up: nothing handed over can be dropped unnoticed.
 */
#ifndef REDRESS_DOMAIN_FUND_H
#define REDRESS_DOMAIN_FUND_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "domain/users/users.h"
#include "log/checkpoint.h"
#include "log/tlog.h"

#define FUND_EV_CLOSED      "fund.closed"
#define FUND_EV_INHERITED   "fund.inherited"
#define FUND_EV_OBLIGATION  "fund.obligation"
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
 * Whether the fund can be closed by actor (PERM_USERS_MANAGE) to
 * successor and contact (each 1 to its maximum of printable text): checked
 * before anything is published.  A fund closed already is
 * REDRESS_E_CONFLICT.
 */
enum redress_err fund_close_ready(struct tlog *log, const struct actor *actor, const char *successor,
                                  const char *contact, struct redress_error *err);

/*
 * The final public reports, one per program: fund_reports_publish
 * publishes each (reports.report.published, each in its own change, with k
 * for small cells) before the close.  Owned by the caller, who frees it
 * with fund_reports_free (also after a failure).
 */
struct json_t;
struct fund_reports {
	struct json_t *list;  /* [{"program", "seq"}], for the archive's body */
	struct json_t *texts; /* each report as published (JSON text), for the archive */
};

void fund_reports_init(struct fund_reports *r);
void fund_reports_free(struct fund_reports *r);
enum redress_err fund_reports_publish(struct tlog *log, const struct actor *actor, int k,
                                      struct fund_reports *r, struct redress_error *err);

/*
 * Closes the fund inside the change open on log: computes the archive's
 * body into body (the caller's buffer), appends "fund.closed" with its
 * SHA-256, successor and contact (each 1 to its maximum of printable
 * text).  reports (may be NULL) are the final reports the body lists.
 * actor needs PERM_USERS_MANAGE.  A fund already closed is
 * REDRESS_E_CONFLICT; *seq_r is the event's position.  On failure the
 * caller rolls the change back: nothing is kept.
 */
enum redress_err fund_close(struct tlog *log, const struct actor *actor, const char *successor,
                            const char *contact, const struct fund_reports *reports, struct buf *body,
                            uint64_t *seq_r, struct redress_error *err);

/*
 * After the change committed: appends to out the archive file for the
 * body fund_close made and its event at seq, proved against the latest
 * (cosigned) checkpoint, with the log's key handovers and the texts of
 * reports (may be NULL).
 */
enum redress_err fund_archive_write(struct tlog *log, const struct buf *body,
                                    const struct fund_reports *reports, uint64_t seq, struct buf *out,
                                    struct redress_error *err);

/* What fund_archive_verify found. */
struct fund_archive_verified {
	char successor[FUND_SUCCESSOR_MAX + 1];
	uint64_t seq, size;                     /* the event's position; the checkpoint's size */
	uint64_t open_claims;                   /* as listed, and as the totals say */
	uint64_t unpaid;                        /* entitlements not paid */
	uint64_t accounts;                      /* ledger accounts listed */
	uint64_t reports;                       /* final reports, each verified */
	char origin[CHECKPOINT_ORIGIN_MAX + 1]; /* the closed fund's log */
	char archive[65];                       /* SHA-256 of the body, hex */
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

/*
 * The successor's side: checks the archive (len bytes) as
 * fund_archive_verify does with the predecessor's verifier key vkey and
 * policy (may be NULL), then, inside the change open on log, appends
 * "fund.inherited" and one "fund.obligation" per open claim, unpaid
 * entitlement and ledger account of its body.  actor needs
 * PERM_USERS_MANAGE.  An archive of this very log, one inherited already,
 * or a fund itself closed is REDRESS_E_CONFLICT; an archive that does not
 * verify is as fund_archive_verify says.  *v_r says what was taken over;
 * *seq_r is the fund.inherited event's position.
 */
enum redress_err fund_inherit(struct tlog *log, const struct actor *actor, const char *text, size_t len,
                              const char *vkey, const struct cosig_policy *policy,
                              struct fund_archive_verified *v_r, uint64_t *seq_r, struct redress_error *err);

/* One obligation taken over, as fund_obligations_each reads them. */
struct fund_obligation {
	uint64_t seq;       /* its fund.obligation event */
	uint64_t inherited; /* the fund.inherited event it belongs to */
	char kind[16];      /* "claim", "entitlement", "account" */
	char id[65];        /* the predecessor's id (claim, entitlement) or account code */
	char program[65];
	char person[65]; /* the predecessor's pseudonym; "" for an account */
	char state[33];
	char currency[8];
	int64_t amount; /* an entitlement's, minor units */
	int64_t debits; /* an account's posted totals */
	int64_t credits;
	char origin[CHECKPOINT_ORIGIN_MAX + 1]; /* the predecessor's log */
};

/* Calls fn for each obligation taken over, in event order; stops at fn's first error. */
enum redress_err fund_obligations_each(struct store *store,
                                       enum redress_err (*fn)(void *ctx, const struct fund_obligation *o,
                                                              struct redress_error *err),
                                       void *ctx, struct redress_error *err);

#endif
