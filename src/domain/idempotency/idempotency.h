/*
 * idempotency.h -- the answers given to changes asked with an
 * Idempotency-Key, kept so that a retry of the same request gets the same
 * answer and the change is made once.
 *
 * An answer is written in the same transaction as the change it answers,
 * so a retry after an unknown outcome either finds it or makes the change.
 * Answers are the module's own state, not events: they are copies of what
 * the server said (sealed by the caller, since some name a person), they
 * expire after a day, and those that name a person are forgotten when a
 * person is erased -- none of which an append-only log could do.  They
 * change nothing in the fund, so audit has nothing to replay for them;
 * it opens each instead (idempotency_audit): an answer is sealed bound to
 * everything its row says (idempotency_answer_ad), so a row edited behind
 * the server's back no longer opens, at a retry or in the audit.
 */
#ifndef REDRESS_DOMAIN_IDEMPOTENCY_H
#define REDRESS_DOMAIN_IDEMPOTENCY_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/hash.h"
#include "crypto/seal.h"
#include "log/audit.h"
#include "log/tlog.h"
#include "store/store.h"

#define IDEMPOTENCY_TYPE_MAX   64                          /* bytes of an answer's content type */
#define IDEMPOTENCY_AD_SIZE    (32 + 2 * HASH_SHA256_SIZE) /* idempotency_answer_ad's, with its NUL */
#define IDEMPOTENCY_ANSWER_MAX (64u << 20) /* bytes of an answer opened (the server's largest upload) */

/* One kept answer. */
struct idempotency_answer {
	uint8_t request[HASH_SHA256_SIZE]; /* the hash of the request it answered */
	int64_t status;                    /* its HTTP status */
	char content_type[IDEMPOTENCY_TYPE_MAX + 1];
};

/*
 * Looks up the answer account got for key: REDRESS_OK with *a_r filled and
 * the sealed body appended to sealed; REDRESS_E_NOTFOUND when there is
 * none; other errors with err filled.
 */
enum redress_err idempotency_get(struct store *store, const char *account, const char *key,
                                 struct idempotency_answer *a_r, struct buf *sealed,
                                 struct redress_error *err);

/*
 * Keeps an answer (inside the caller's transaction): its body sealed by
 * the caller, at (seconds since the epoch) when it was given; personal
 * when it names a person, so that idempotency_forget_personal() forgets
 * it.  A key already kept is REDRESS_E_CONFLICT.
 */
enum redress_err idempotency_put(struct store *store, const char *account, const char *key,
                                 const struct idempotency_answer *a, const char *sealed, int64_t at,
                                 int personal, struct redress_error *err);

/*
 * The associated data account's answer a to key is sealed under: the
 * SHA-256 of the account, the key, the request's hash, the status and the
 * content type (hashed: together they outgrow SEAL_AD_MAX).  None of them
 * can be changed, nor an answer moved under another account's key,
 * without its opening failing.
 */
void idempotency_answer_ad(const char *account, const char *key, const struct idempotency_answer *a,
                           char out[IDEMPOTENCY_AD_SIZE]);

/*
 * Opens every kept answer with master (the fund's key) under its
 * associated data, and adds a finding to report for each that does not:
 * edited or moved behind the server's back (or kept by a release before
 * the binding; they expire within a day).  Errors other than a finding:
 * err filled.
 */
enum redress_err idempotency_audit(struct store *store, const struct seal_key *master,
                                   struct audit_report *report, struct redress_error *err);

/* Forgets the answers given before before (seconds since the epoch). */
enum redress_err idempotency_expire(struct store *store, int64_t before, struct redress_error *err);

/* Forgets every answer that names a person (after an erasure), in the caller's transaction. */
enum redress_err idempotency_forget_personal(struct store *store, struct redress_error *err);

extern const struct event_module idempotency_module;

#endif
