/*
 * cosig.h -- witnesses' cosignatures on checkpoints (C2SP tlog-cosignature,
 * Ed25519 "cosignature/v1") and the body of a tlog-witness add-checkpoint
 * request.
 *
 * A cosignature is one more signature line on the checkpoint's note:
 *
 *   — NAME BASE64(keyid[4] || timestamp[8, big-endian] || signature[64])
 *
 * where keyid = SHA-256(NAME || "\n" || 0x04 || public key)[:4] and the
 * signature is Ed25519 over "cosignature/v1\ntime T\n" followed by the
 * checkpoint body.  A witness's verifier key is "NAME+HASH+BASE64(0x04 ||
 * key)" (note_vkey_parse_type with NOTE_ALG_COSIGNATURE).  Verifiers of the
 * log's own signature ignore these lines, as the signed-note format says.
 */
#ifndef REDRESS_LOG_COSIG_H
#define REDRESS_LOG_COSIG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/sign.h"
#include "log/merkle.h"
#include "log/note.h"

#define COSIG_WITNESSES_MAX 32    /* witnesses in one policy */
#define COSIG_PROOF_MAX     63    /* consistency proof lines in a request (tlog-witness) */
#define COSIG_REQUEST_MAX   65536 /* bytes in an add-checkpoint request body */

/* "At least threshold of these witnesses cosigned." */
struct cosig_policy {
	struct note_verifier witnesses[COSIG_WITNESSES_MAX];
	size_t count;
	size_t threshold;
};

/*
 * Appends to out one cosignature line ("— NAME BASE64\n") by key under name
 * on the checkpoint body (body_len bytes, the note's text, ending in "\n"),
 * dated timestamp (POSIX seconds, 1 to 2^63-1).  Bad arguments are
 * REDRESS_E_INVALID; out's sticky error is reported.
 */
enum redress_err cosig_sign(struct buf *out, const char *body, size_t body_len, const char *name,
                            const struct sign_key *key, uint64_t timestamp, struct redress_error *err);

/*
 * Checks the cosignatures on the signed note msg (len bytes) by each of the
 * count witnesses in ws: valid_r[i] (may be NULL) is set to 1 when witness i
 * cosigned it validly, and *good_r is how many did.  Lines by other keys are
 * ignored.  A line naming a witness (name and key id) whose signature does
 * not verify is REDRESS_E_CRYPTO, as is a timestamp of 0 or above 2^63-1;
 * a malformed note is REDRESS_E_INVALID.
 */
enum redress_err cosig_count(const char *msg, size_t len, const struct note_verifier *ws, size_t count,
                             int *valid_r, size_t *good_r, struct redress_error *err);

/*
 * Adds the witness whose verifier key (type 0x04) is vkey to policy.  A
 * malformed key or a full policy is REDRESS_E_INVALID; the policy is
 * unchanged then.
 */
enum redress_err cosig_policy_add(struct cosig_policy *policy, const char *vkey, struct redress_error *err);

/*
 * Checks that the note msg carries valid cosignatures by at least
 * policy->threshold of its witnesses.  Fewer is REDRESS_E_CRYPTO naming how
 * many of which were found; a policy whose threshold exceeds its witnesses
 * (or is 0 with witnesses) is REDRESS_E_INVALID.  A NULL policy, or one with
 * no witnesses and threshold 0, passes.
 */
enum redress_err cosig_policy_check(const struct cosig_policy *policy, const char *msg, size_t len,
                                    struct redress_error *err);

/* A parsed add-checkpoint request; note points into the parsed body. */
struct cosig_request {
	uint64_t old_size;
	uint8_t proof[COSIG_PROOF_MAX][MERKLE_HASH_SIZE];
	size_t proof_count;
	const char *note; /* the signed checkpoint */
	size_t note_len;
};

/*
 * Parses an add-checkpoint request body: "old N\n", up to 63 base64 hash
 * lines, an empty line, the signed checkpoint.  Anything else is
 * REDRESS_E_INVALID naming the line.
 */
enum redress_err cosig_request_parse(const char *body, size_t len, struct cosig_request *r_r,
                                     struct redress_error *err);

/* Appends the add-checkpoint request body for the given parts to out. */
void cosig_request_format(struct buf *out, uint64_t old_size, const uint8_t proof[][MERKLE_HASH_SIZE],
                          size_t proof_count, const char *note, size_t note_len);

#endif
