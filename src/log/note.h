/*
 * note.h -- signed notes (C2SP signed-note) with Ed25519 keys.
 *
 * A note is UTF-8 text ending in a newline, a blank line, then one or more
 * signature lines "— NAME BASE64(keyhash[4] || signature)\n" (U+2014 em
 * dash).  The key hash is the first four bytes of
 * SHA-256(NAME || "\n" || 0x01 || public key).  A verifier key is written
 * "NAME+HEX8(keyhash)+BASE64(0x01 || public key)", the same text Go's
 * golang.org/x/mod/sumdb/note and every C2SP verifier reads.
 *
 * Key names are non-empty, contain no Unicode space, no '+', and are valid
 * UTF-8 (we accept printable ASCII other than space and '+').
 */
#ifndef REDRESS_LOG_NOTE_H
#define REDRESS_LOG_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/sign.h"

#define NOTE_NAME_MAX       256     /* bytes, without NUL */
#define NOTE_MAX_SIZE       1000000 /* a note longer than this is refused */
#define NOTE_MAX_SIGNATURES 100

/* Signature type bytes: an Ed25519 note signature, an Ed25519 cosignature/v1 (tlog-cosignature). */
#define NOTE_ALG_ED25519     0x01
#define NOTE_ALG_COSIGNATURE 0x04

/* A parsed verifier key. */
struct note_verifier {
	char name[NOTE_NAME_MAX + 1];
	uint8_t key_hash[4];
	uint8_t public_key[SIGN_PUBLIC_SIZE];
};

/* Returns 1 when name is a valid key name as above. */
int note_name_valid(const char *name);

/* Computes the 4-byte key hash of an Ed25519 key. */
void note_key_hash(const char *name, const uint8_t public_key[SIGN_PUBLIC_SIZE], uint8_t out[4]);

/* The key hash for another signature type byte alg (NOTE_ALG_COSIGNATURE). */
void note_key_hash_type(const char *name, uint8_t alg, const uint8_t public_key[SIGN_PUBLIC_SIZE],
                        uint8_t out[4]);

/* Appends the verifier key text (no newline) for name and public_key to out. */
void note_vkey_format(struct buf *out, const char *name, const uint8_t public_key[SIGN_PUBLIC_SIZE]);
void note_vkey_format_type(struct buf *out, const char *name, uint8_t alg,
                           const uint8_t public_key[SIGN_PUBLIC_SIZE]);

/*
 * Parses verifier key text.  Anything malformed -- bad name, hash that does
 * not match the key, an algorithm byte other than 0x01 -- is
 * REDRESS_E_INVALID naming what.
 */
enum redress_err note_vkey_parse(const char *text, struct note_verifier *v_r, struct redress_error *err);

/* note_vkey_parse for keys of signature type alg (NOTE_ALG_COSIGNATURE for a witness's key). */
enum redress_err note_vkey_parse_type(const char *text, uint8_t alg, struct note_verifier *v_r,
                                      struct redress_error *err);

/*
 * Appends to out the signed note: text (which must be valid UTF-8 and end in
 * "\n", else REDRESS_E_INVALID), a blank line, and one signature line by key
 * under name.
 */
enum redress_err note_sign(struct buf *out, const char *text, size_t len, const char *name,
                           const struct sign_key *key, struct redress_error *err);

/*
 * Verifies msg (a whole signed note, len bytes) against verifier v: the note
 * must be well-formed and carry a valid signature by v.  Signatures by other
 * keys are ignored, as the spec requires.  On success *text_len_r is the
 * length of the signed text (which starts at msg).  Malformed notes are
 * REDRESS_E_INVALID; a note without a valid signature by v is
 * REDRESS_E_CRYPTO.
 */
enum redress_err note_verify(const char *msg, size_t len, const struct note_verifier *v, size_t *text_len_r,
                             struct redress_error *err);

/*
 * Called by note_signatures for each signature line: lineno counts from 1,
 * name (name_len bytes, not NUL-terminated) is the key name, raw (raw_len
 * >= 5 bytes) the decoded signature starting with its 4-byte key hash, and
 * text (text_len bytes) the signed text.  All of it is owned by the caller
 * of note_signatures and valid only during the call.
 */
typedef void (*note_signature_fn)(void *ctx, size_t lineno, const char *name, size_t name_len,
                                  const uint8_t *raw, size_t raw_len, const char *text, size_t text_len);

/*
 * Checks that msg (len bytes) is a well-formed signed note and calls fn for
 * each of its signature lines in order, whoever's they are.  *text_len_r
 * (may be NULL) is the length of the signed text.  A malformed note is
 * REDRESS_E_INVALID naming the line, and fn is then not called for the
 * lines after the bad one.
 */
enum redress_err note_signatures(const char *msg, size_t len, note_signature_fn fn, void *ctx,
                                 size_t *text_len_r, struct redress_error *err);

#endif
