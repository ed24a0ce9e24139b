/*
 * hash.h -- SHA-256, through libsodium.
 *
 * The Merkle log and the evidence store hash with SHA-256 as RFC 9162
 * requires.  Only src/crypto calls libsodium; everything else hashes here.
 */
#ifndef REDRESS_CRYPTO_HASH_H
#define REDRESS_CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define HASH_SHA256_SIZE 32

/* Incremental state; opaque, sized and aligned for libsodium's own. */
struct hash_sha256 {
	uint64_t opaque[16];
};

/*
 * Initialises libsodium.  Must be called once before any other function in
 * src/crypto; safe to call again.  Fails only when libsodium cannot start.
 */
enum redress_err crypto_setup(struct redress_error *err);

void hash_sha256(const void *data, size_t len, uint8_t out[HASH_SHA256_SIZE]);

/* The SHA-256 of data as 64 lowercase hex digits and a NUL, into hex. */
void hash_sha256_hex(const void *data, size_t len, char hex[2 * HASH_SHA256_SIZE + 1]);
void hash_sha256_init(struct hash_sha256 *state);
void hash_sha256_update(struct hash_sha256 *state, const void *data, size_t len);
void hash_sha256_final(struct hash_sha256 *state, uint8_t out[HASH_SHA256_SIZE]);

/*
 * SHA-256 uses the CPU's SHA extensions where it has them, libsodium
 * elsewhere (the same digests).  For tests: allow 0 keeps to libsodium
 * from now on, 1 goes back to the default; returns 1 when the extensions
 * are now in use.  States begun before keep their own.
 */
int hash_sha256_accelerate(int allow);

#define HASH_KEYED128_KEY_SIZE 16
#define HASH_KEYED128_SIZE     16

/*
 * A fast keyed 128-bit hash (SipHash-2-4 with a 128-bit output, libsodium's
 * crypto_shorthash_siphashx24).  Not collision resistant against someone
 * who knows the key: use it only with a fresh random key the other party
 * never sees, as audit does for its table digests.
 */
void hash_keyed128(const uint8_t key[HASH_KEYED128_KEY_SIZE], const void *data, size_t len,
                   uint8_t out[HASH_KEYED128_SIZE]);

#define HASH_KEYED256_SIZE    32
#define HASH_KEYED256_KEY_MIN 16 /* bytes: BLAKE2b takes keys of 16 to 64 bytes */
#define HASH_KEYED256_KEY_MAX 64

/*
 * BLAKE2b-256 keyed with key (HASH_KEYED256_KEY_MIN to _MAX bytes), over
 * data: a pseudorandom function no one without the key can compute or
 * test a guess against (libsodium's crypto_generichash).  A key of another
 * size is a programming error: out is then all zero and -1 is returned.
 */
int hash_keyed256(const void *key, size_t key_len, const void *data, size_t len,
                  uint8_t out[HASH_KEYED256_SIZE]);

/* Fills buf with len bytes from the operating system's CSPRNG. */
void crypto_random(void *buf, size_t len);

/* Compares in constant time; returns 1 when equal. */
int crypto_equal(const void *a, const void *b, size_t len);

#endif
