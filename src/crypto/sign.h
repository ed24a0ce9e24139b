/*
 * sign.h -- Ed25519 signing keys, through libsodium.
 *
 * A struct sign_key keeps its secret half in guarded sodium_malloc memory,
 * wiped when freed.  Keys are stored as their 32-byte seed.
 */
#ifndef REDRESS_CRYPTO_SIGN_H
#define REDRESS_CRYPTO_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SIGN_PUBLIC_SIZE 32
#define SIGN_SEED_SIZE   32
#define SIGN_SIZE        64

struct sign_key;

/* Creates a fresh random key.  The caller frees it with sign_key_free(). */
enum redress_err sign_key_generate(struct sign_key **key_r, struct redress_error *err);

/* Rebuilds the key whose seed is given.  The caller frees it with sign_key_free(). */
enum redress_err sign_key_from_seed(const uint8_t seed[SIGN_SEED_SIZE], struct sign_key **key_r,
                                    struct redress_error *err);

/* Wipes and frees *key and sets it to NULL; NULL is a no-op. */
void sign_key_free(struct sign_key **key);

/* The public half, owned by key. */
const uint8_t *sign_key_public(const struct sign_key *key);

/* Copies the seed out, for storing; the caller wipes seed_r when done. */
void sign_key_seed(const struct sign_key *key, uint8_t seed_r[SIGN_SEED_SIZE]);

void sign_detached(const struct sign_key *key, const void *msg, size_t len, uint8_t sig_r[SIGN_SIZE]);

/* Returns 1 when sig is a valid Ed25519 signature of msg by pub, else 0. */
int sign_verify(const uint8_t pub[SIGN_PUBLIC_SIZE], const void *msg, size_t len,
                const uint8_t sig[SIGN_SIZE]);

/* Wipes len bytes at p in a way the compiler will not remove. */
void crypto_wipe(void *p, size_t len);

#endif
