/*
 * hash.c -- SHA-256, randomness and constant-time comparison from libsodium.
 */
#include "crypto/hash.h"

#include <sodium.h>

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(struct hash_sha256),
               "struct hash_sha256 too small for libsodium's state");

enum redress_err
crypto_setup(struct redress_error *err)
{
	if (sodium_init() < 0)
		return error_set(err, REDRESS_E_CRYPTO, "libsodium could not be initialised");
	return REDRESS_OK;
}

void
hash_sha256(const void *data, size_t len, uint8_t out[HASH_SHA256_SIZE])
{
	crypto_hash_sha256(out, data, len);
}

void
hash_sha256_hex(const void *data, size_t len, char hex[2 * HASH_SHA256_SIZE + 1])
{
	uint8_t sum[HASH_SHA256_SIZE];

	crypto_hash_sha256(sum, data, len);
	sodium_bin2hex(hex, 2 * HASH_SHA256_SIZE + 1, sum, sizeof(sum));
}

void
hash_sha256_init(struct hash_sha256 *state)
{
	crypto_hash_sha256_init((crypto_hash_sha256_state *)(void *)state->opaque);
}

void
hash_sha256_update(struct hash_sha256 *state, const void *data, size_t len)
{
	crypto_hash_sha256_update((crypto_hash_sha256_state *)(void *)state->opaque, data, len);
}

void
hash_sha256_final(struct hash_sha256 *state, uint8_t out[HASH_SHA256_SIZE])
{
	crypto_hash_sha256_final((crypto_hash_sha256_state *)(void *)state->opaque, out);
}

_Static_assert(crypto_shorthash_siphashx24_KEYBYTES == HASH_KEYED128_KEY_SIZE, "SipHash key size");
_Static_assert(crypto_shorthash_siphashx24_BYTES == HASH_KEYED128_SIZE, "SipHash output size");

void
hash_keyed128(const uint8_t key[HASH_KEYED128_KEY_SIZE], const void *data, size_t len,
              uint8_t out[HASH_KEYED128_SIZE])
{
	crypto_shorthash_siphashx24(out, data, len, key);
}

int
hash_keyed256(const void *key, size_t key_len, const void *data, size_t len, uint8_t out[HASH_KEYED256_SIZE])
{
	if (key_len < HASH_KEYED256_KEY_MIN || key_len > HASH_KEYED256_KEY_MAX ||
	    crypto_generichash(out, HASH_KEYED256_SIZE, data, len, key, key_len) != 0) {
		sodium_memzero(out, HASH_KEYED256_SIZE);
		return -1;
	}
	return 0;
}

void
crypto_random(void *buf, size_t len)
{
	randombytes_buf(buf, len);
}

int
crypto_equal(const void *a, const void *b, size_t len)
{
	return sodium_memcmp(a, b, len) == 0;
}
