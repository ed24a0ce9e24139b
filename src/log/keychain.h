/*
 * keychain.h -- the log's signing keys over time, and the handovers that
 * chain them, so that a verifier who holds only the first key (or any one
 * key of the chain) follows every rotation (`redress keys rotate --log`).
 *
 * A rotation is an event ("log.key.rotated", {"public_key": BASE64}) and a
 * handover checkpoint: the checkpoint of the tree that ends with that
 * change, with one extension line naming the new key,
 *
 *   ORIGIN
 *   SIZE
 *   ROOT
 *   redress-log-key ORIGIN+KEYHASH+BASE64(0x01 || new key)
 *
 * and signed by both the old key and the new one.  From that size on the
 * new key signs; a checkpoint of a later size signed by the old key alone,
 * or by a key no handover announced, is refused.  Verifiers of the C2SP
 * formats that know one of the two keys accept the handover as any other
 * checkpoint (extension lines and signatures by other keys are ignored).
 */
#ifndef REDRESS_LOG_KEYCHAIN_H
#define REDRESS_LOG_KEYCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "crypto/sign.h"
#include "log/checkpoint.h"

#define KEYCHAIN_MAX       64 /* keys in one log's life: 63 rotations */
#define KEYCHAIN_EXTENSION "redress-log-key "

struct keychain_key {
	uint8_t public_key[SIGN_PUBLIC_SIZE];
	uint64_t from; /* the first tree size it signs: 0, or its handover's size */
};

struct keychain {
	char origin[CHECKPOINT_ORIGIN_MAX + 1];
	size_t count;                           /* keys[0..count-1], at least 1 */
	struct keychain_key keys[KEYCHAIN_MAX]; /* in order; keys[count-1] signs now */
};

/* Starts a chain at the log's first key (origin must be a valid key name). */
void keychain_init(struct keychain *kc, const char *origin, const uint8_t public_key[SIGN_PUBLIC_SIZE]);

/* keychain_init from verifier key text (NAME+HASH+BASE64); a bad key is REDRESS_E_INVALID. */
enum redress_err keychain_init_vkey(struct keychain *kc, const char *vkey, struct redress_error *err);

/*
 * Follows one handover (a whole signed note, len bytes): it must be a
 * checkpoint of this origin beyond the last handover, carry the extension
 * line naming a key new to the chain, and be signed by the chain's last
 * key and by the new one.  Then the new key is appended.  A handover the
 * chain has passed (one followed before, or one to the key the chain
 * starts at) is skipped (*followed_r 0).  A checkpoint without the extension line is
 * REDRESS_E_NOTFOUND (not a handover); anything else REDRESS_E_CRYPTO (not
 * signed as it must be) or REDRESS_E_INVALID (malformed), naming what.
 * On failure the chain is unchanged.  followed_r may be NULL.
 */
enum redress_err keychain_follow(struct keychain *kc, const char *note, size_t len, int *followed_r,
                                 struct redress_error *err);

/*
 * Follows each handover of handovers (a jansson array of strings, each a
 * whole signed note, oldest first; NULL: none) as keychain_follow does.
 * Not an array of strings is REDRESS_E_INVALID; the first that does not
 * follow stops it, named by its position.
 */
struct json_t;
enum redress_err keychain_follow_json(struct keychain *kc, const struct json_t *handovers,
                                      struct redress_error *err);

/*
 * Verifies a checkpoint note (len bytes) of this origin: it must be signed
 * by the key in force at its size (the last key whose 'from' is at most the
 * size).  *cp_r is its body, *text_len_r (may be NULL) the length of its
 * signed text.  Not signed by that key is REDRESS_E_CRYPTO, saying when a
 * retired key or a key the chain never announced signed it instead; a
 * malformed note REDRESS_E_INVALID.
 */
enum redress_err keychain_verify(const struct keychain *kc, const char *note, size_t len,
                                 struct checkpoint *cp_r, size_t *text_len_r, struct redress_error *err);

/* The key in force at tree size (keys[i] with the largest from <= size). */
const struct keychain_key *keychain_key_at(const struct keychain *kc, uint64_t size);

/* The index of public_key in the chain, or -1. */
int keychain_find(const struct keychain *kc, const uint8_t public_key[SIGN_PUBLIC_SIZE]);

/*
 * Reads the new key's verifier text from a handover's extension line into
 * v_r.  A checkpoint without that line is REDRESS_E_NOTFOUND; a malformed
 * key REDRESS_E_INVALID.  text is the note's signed text (text_len bytes).
 */
struct note_verifier;
enum redress_err keychain_extension(const char *text, size_t text_len, struct note_verifier *v_r,
                                    struct redress_error *err);

#endif
