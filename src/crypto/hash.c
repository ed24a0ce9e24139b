/*
 * hash.c -- SHA-256, randomness and constant-time comparison from libsodium
 * (SHA-256 on the CPU's SHA extensions where it has them: sha256_ni.c).
 */
#include "crypto/hash.h"
#include "crypto/sha256_ni.h"

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

/*
 * SHA-256 runs on the CPU's SHA extensions where it has them
 * (sha256_ni.c), else in libsodium: the same digests, about five times
 * faster on this project's machine.  Which one is decided once, on first
 * use; each state remembers its own.
 */
struct sha256_state {
	union {
		crypto_hash_sha256_state sodium;
		struct sha256_ni ni;
	} u;
	int ni; /* this state is sha256_ni's */
};
_Static_assert(sizeof(struct sha256_state) <= sizeof(struct hash_sha256),
               "struct hash_sha256 too small for either SHA-256 state");

static int sha256_mode = -1; /* -1 not yet known, 0 libsodium, 1 the SHA extensions */

static int
sha256_use_ni(void)
{
	int mode = __atomic_load_n(&sha256_mode, __ATOMIC_RELAXED);

	if (mode < 0) {
		mode = sha256_ni_available();
		__atomic_store_n(&sha256_mode, mode, __ATOMIC_RELAXED);
	}
	return mode;
}

int
hash_sha256_accelerate(int allow)
{
	int mode = allow ? sha256_ni_available() : 0;

	__atomic_store_n(&sha256_mode, mode, __ATOMIC_RELAXED);
	return mode;
}

void
hash_sha256(const void *data, size_t len, uint8_t out[HASH_SHA256_SIZE])
{
	struct sha256_ni s;

	if (!sha256_use_ni()) {
		crypto_hash_sha256(out, data, len);
		return;
	}
	sha256_ni_init(&s);
	sha256_ni_update(&s, data, len);
	sha256_ni_final(&s, out);
}

void
hash_sha256_hex(const void *data, size_t len, char hex[2 * HASH_SHA256_SIZE + 1])
{
	uint8_t sum[HASH_SHA256_SIZE];

	hash_sha256(data, len, sum);
	sodium_bin2hex(hex, 2 * HASH_SHA256_SIZE + 1, sum, sizeof(sum));
}

void
hash_sha256_init(struct hash_sha256 *state)
{
	struct sha256_state *s = (struct sha256_state *)(void *)state->opaque;

	if ((s->ni = sha256_use_ni()) != 0)
		sha256_ni_init(&s->u.ni);
	else
		crypto_hash_sha256_init(&s->u.sodium);
}

void
hash_sha256_update(struct hash_sha256 *state, const void *data, size_t len)
{
	struct sha256_state *s = (struct sha256_state *)(void *)state->opaque;

	if (s->ni)
		sha256_ni_update(&s->u.ni, data, len);
	else
		crypto_hash_sha256_update(&s->u.sodium, data, len);
}

void
hash_sha256_final(struct hash_sha256 *state, uint8_t out[HASH_SHA256_SIZE])
{
	struct sha256_state *s = (struct sha256_state *)(void *)state->opaque;

	if (s->ni)
		sha256_ni_final(&s->u.ni, out);
	else
		crypto_hash_sha256_final(&s->u.sodium, out);
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
