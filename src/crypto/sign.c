/*
 * sign.c -- Ed25519 through libsodium.  The 64-byte expanded secret key lives
 * in sodium_malloc memory (guard pages, mlocked where allowed) and is wiped
 * by sodium_free.
 */
#include "crypto/sign.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct sign_key {
	uint8_t public_key[crypto_sign_PUBLICKEYBYTES];
	uint8_t *secret_key; /* crypto_sign_SECRETKEYBYTES, sodium_malloc'd */
};

static enum redress_err
sign_key_alloc(struct sign_key **key_r, struct redress_error *err)
{
	struct sign_key *key;

	key = calloc(1, sizeof(*key));
	if (key == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory allocating a signing key");
	key->secret_key = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	if (key->secret_key == NULL) {
		free(key);
		return error_set(err, REDRESS_E_NOMEM, "out of secure memory allocating a signing key");
	}
	*key_r = key;
	return REDRESS_OK;
}

enum redress_err
sign_key_generate(struct sign_key **key_r, struct redress_error *err)
{
	uint8_t seed[SIGN_SEED_SIZE];
	enum redress_err rc;

	randombytes_buf(seed, sizeof(seed));
	rc = sign_key_from_seed(seed, key_r, err);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

enum redress_err
sign_key_from_seed(const uint8_t seed[SIGN_SEED_SIZE], struct sign_key **key_r, struct redress_error *err)
{
	struct sign_key *key = NULL;
	enum redress_err rc;

	if ((rc = sign_key_alloc(&key, err)) != REDRESS_OK)
		return rc;
	if (crypto_sign_seed_keypair(key->public_key, key->secret_key, seed) != 0) {
		sign_key_free(&key);
		return error_set(err, REDRESS_E_CRYPTO, "could not derive an Ed25519 key from its seed");
	}
	*key_r = key;
	return REDRESS_OK;
}

void
sign_key_free(struct sign_key **key)
{
	if (key == NULL || *key == NULL)
		return;
	sodium_free((*key)->secret_key);
	free(*key);
	*key = NULL;
}

const uint8_t *
sign_key_public(const struct sign_key *key)
{
	return key->public_key;
}

void
sign_key_seed(const struct sign_key *key, uint8_t seed_r[SIGN_SEED_SIZE])
{
	crypto_sign_ed25519_sk_to_seed(seed_r, key->secret_key);
}

void
sign_detached(const struct sign_key *key, const void *msg, size_t len, uint8_t sig_r[SIGN_SIZE])
{
	crypto_sign_detached(sig_r, NULL, msg, len, key->secret_key);
}

int
sign_verify(const uint8_t pub[SIGN_PUBLIC_SIZE], const void *msg, size_t len, const uint8_t sig[SIGN_SIZE])
{
	return crypto_sign_verify_detached(sig, msg, len, pub) == 0;
}

void
crypto_wipe(void *p, size_t len)
{
	sodium_memzero(p, len);
}
