/*
 * seal.h -- encryption of personal data at rest, through libsodium.
 *
 * Envelope encryption: every person has a random 32-byte data key; the
 * identity fields of the person's file are sealed with it
 * (XChaCha20-Poly1305-IETF, a fresh random 24-byte nonce each time, and
 * associated data naming the field and its owner, so a ciphertext moved to
 * another field or person fails to open).  The data key itself is stored
 * wrapped (sealed the same way) under the fund's master key, which lives in
 * the key directory, never in the database.  Destroying a person's wrapped
 * key makes everything sealed with it unreadable for good
 * (crypto-shredding) while the log that carries the ciphertexts stays
 * intact and verifiable.
 *
 * Sealed text is "s1:" followed by base64(nonce || ciphertext || tag).
 *
 * Blind index: a keyed BLAKE2b-256 of a normalised value (a national id),
 * under the index key from the key directory, so equal values can be found
 * without either being in clear.
 *
 * Passwords: Argon2id (crypto_pwhash_str, interactive limits).
 */
#ifndef REDRESS_CRYPTO_SEAL_H
#define REDRESS_CRYPTO_SEAL_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

#define SEAL_KEY_SIZE        32
#define SEAL_AD_MAX          256 /* bytes of associated data */
#define SEAL_PLAIN_MAX       (1u << 24)
#define SEAL_INDEX_TEXT_SIZE 65  /* 64 hex digits and a NUL */
#define PASSWORD_HASH_SIZE   128 /* crypto_pwhash_STRBYTES */
#define PASSWORD_MIN         10  /* characters in a staff password, at least */
#define PASSWORD_MAX         1024

struct seal_key;

/*
 * Keys for one command (a person's data key, unwrapped to seal or open her
 * fields) live in ordinary memory, wiped when freed: guarded pages cost ten
 * system calls a key, the better part of registering a person.  Keys that
 * live as long as the process (the master and index keys) are kept in
 * guarded, locked memory: seal_key_guarded_from_bytes().
 */

/* A fresh random key.  The caller frees it with seal_key_free(). */
enum redress_err seal_key_random(struct seal_key **key_r, struct redress_error *err);

/* A key from its 32 bytes (which the caller then wipes).  Freed with seal_key_free(). */
enum redress_err seal_key_from_bytes(const uint8_t bytes[SEAL_KEY_SIZE], struct seal_key **key_r,
                                     struct redress_error *err);

/* The same, in guarded memory (sodium_malloc: guard pages, mlock), for long-lived keys. */
enum redress_err seal_key_guarded_from_bytes(const uint8_t bytes[SEAL_KEY_SIZE], struct seal_key **key_r,
                                             struct redress_error *err);

/* Wipes and frees *key, sets it to NULL; NULL is a no-op. */
void seal_key_free(struct seal_key **key);

/*
 * Seals len bytes of plain under key, bound to ad (a NUL-terminated label
 * such as "V-000042/name"), and appends the sealed text to out.
 */
enum redress_err seal_encrypt(const struct seal_key *key, const void *plain, size_t len, const char *ad,
                              struct buf *out, struct redress_error *err);

/*
 * Opens sealed text made by seal_encrypt with the same key and ad, and
 * appends the plain bytes to out (NUL-terminated by struct buf).  A wrong
 * key, a wrong ad or any altered byte is REDRESS_E_CRYPTO; text that is not
 * sealed text is REDRESS_E_INVALID.  Nothing is appended on failure.
 */
enum redress_err seal_decrypt(const struct seal_key *key, const char *sealed, const char *ad, struct buf *out,
                              struct redress_error *err);

/* Seals data's 32 bytes under master (a wrapped key), appended to out. */
enum redress_err seal_wrap(const struct seal_key *master, const struct seal_key *data, const char *ad,
                           struct buf *out, struct redress_error *err);

/* Opens a wrapped key.  The caller frees *data_r with seal_key_free(). */
enum redress_err seal_unwrap(const struct seal_key *master, const char *wrapped, const char *ad,
                             struct seal_key **data_r, struct redress_error *err);

/* The blind index of value under index_key: 64 lowercase hex digits. */
void seal_blind_index(const struct seal_key *index_key, const char *value, char out[SEAL_INDEX_TEXT_SIZE]);

/*
 * Hashes a password with Argon2id into out (a NUL-terminated string of
 * fewer than PASSWORD_HASH_SIZE bytes).  REDRESS_E_NOMEM when the machine
 * cannot spare the memory Argon2id asks for.
 */
enum redress_err password_hash(const char *password, char out[PASSWORD_HASH_SIZE], struct redress_error *err);

/* Returns 1 when password matches hash, else 0 (in time independent of where they differ). */
int password_verify(const char *hash, const char *password);

#endif
