/*
 * seal.c -- envelope encryption, blind indexes and password hashing with
 * libsodium.  Keys live in sodium_malloc memory and are wiped when freed.
 */
#include "crypto/seal.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"

#define SEAL_PREFIX "s1:"
#define SEAL_NONCE  crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG    crypto_aead_xchacha20poly1305_ietf_ABYTES

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == SEAL_KEY_SIZE, "seal key size");
_Static_assert(crypto_pwhash_STRBYTES <= PASSWORD_HASH_SIZE, "password hash size");

struct seal_key {
	uint8_t *bytes; /* SEAL_KEY_SIZE: guarded, or inline below */
	int guarded;    /* sodium_malloc'd (long-lived keys) */
	uint8_t inline_bytes[SEAL_KEY_SIZE];
};

static enum redress_err
seal_key_alloc(int guarded, struct seal_key **key_r, struct redress_error *err)
{
	struct seal_key *key = calloc(1, sizeof(*key));

	if (key == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for a key");
	key->guarded = guarded;
	key->bytes = guarded ? sodium_malloc(SEAL_KEY_SIZE) : key->inline_bytes;
	if (key->bytes == NULL) {
		free(key);
		return error_set(err, REDRESS_E_NOMEM, "out of secure memory for a key");
	}
	*key_r = key;
	return REDRESS_OK;
}

enum redress_err
seal_key_random(struct seal_key **key_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = seal_key_alloc(0, key_r, err)) != REDRESS_OK)
		return rc;
	crypto_aead_xchacha20poly1305_ietf_keygen((*key_r)->bytes);
	return REDRESS_OK;
}

static enum redress_err
seal_key_copy(int guarded, const uint8_t bytes[SEAL_KEY_SIZE], struct seal_key **key_r,
              struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = seal_key_alloc(guarded, key_r, err)) != REDRESS_OK)
		return rc;
	memcpy((*key_r)->bytes, bytes, SEAL_KEY_SIZE);
	return REDRESS_OK;
}

enum redress_err
seal_key_from_bytes(const uint8_t bytes[SEAL_KEY_SIZE], struct seal_key **key_r, struct redress_error *err)
{
	return seal_key_copy(0, bytes, key_r, err);
}

enum redress_err
seal_key_guarded_from_bytes(const uint8_t bytes[SEAL_KEY_SIZE], struct seal_key **key_r,
                            struct redress_error *err)
{
	return seal_key_copy(1, bytes, key_r, err);
}

void
seal_key_free(struct seal_key **key)
{
	if (key == NULL || *key == NULL)
		return;
	if ((*key)->guarded)
		sodium_free((*key)->bytes);
	else
		sodium_memzero((*key)->inline_bytes, sizeof((*key)->inline_bytes));
	free(*key);
	*key = NULL;
}

enum redress_err
seal_encrypt(const struct seal_key *key, const void *plain, size_t len, const char *ad, struct buf *out,
             struct redress_error *err)
{
	unsigned char *box = NULL;
	char *text = NULL;
	size_t box_len, text_size;
	unsigned long long clen;
	enum redress_err rc;

	if (len > SEAL_PLAIN_MAX)
		return error_set(err, REDRESS_E_INVALID, "%zu bytes are more than can be sealed at once",
		                 len);
	if (strlen(ad) > SEAL_AD_MAX)
		return error_set(err, REDRESS_E_INTERNAL, "sealing label too long");
	box_len = SEAL_NONCE + len + SEAL_TAG;
	text_size = CODEC_BASE64_SIZE(box_len);
	box = malloc(box_len);
	text = malloc(text_size);
	if (box == NULL || text == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory sealing %zu bytes", len);
		goto out;
	}
	randombytes_buf(box, SEAL_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(box + SEAL_NONCE, &clen, plain, len,
	                                           (const unsigned char *)ad, strlen(ad), NULL, box,
	                                           key->bytes);
	if ((rc = codec_base64_encode(box, box_len, text, text_size, err)) != REDRESS_OK)
		goto out;
	buf_puts(out, SEAL_PREFIX);
	buf_puts(out, text);
	rc = buf_error(out, err);
out:
	free(box);
	free(text);
	return rc;
}

enum redress_err
seal_decrypt(const struct seal_key *key, const char *sealed, const char *ad, struct buf *out,
             struct redress_error *err)
{
	unsigned char *box = NULL, *plain = NULL;
	size_t text_len, box_len = 0;
	unsigned long long plain_len;
	enum redress_err rc = REDRESS_OK;

	if (strncmp(sealed, SEAL_PREFIX, strlen(SEAL_PREFIX)) != 0)
		return error_set(err, REDRESS_E_INVALID, "not sealed text");
	sealed += strlen(SEAL_PREFIX);
	text_len = strlen(sealed);
	if (text_len > CODEC_BASE64_SIZE(SEAL_PLAIN_MAX + SEAL_NONCE + SEAL_TAG))
		return error_set(err, REDRESS_E_INVALID, "sealed text too long");
	box = malloc(text_len + 1);
	plain = malloc(text_len + 1);
	if (box == NULL || plain == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory opening sealed text");
		goto out;
	}
	if (codec_base64_decode(sealed, text_len, box, text_len + 1, &box_len, err) != REDRESS_OK ||
	    box_len < SEAL_NONCE + SEAL_TAG) {
		rc = error_set(err, REDRESS_E_INVALID, "sealed text is malformed");
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plain_len, NULL, box + SEAL_NONCE,
	                                               box_len - SEAL_NONCE, (const unsigned char *)ad,
	                                               strlen(ad), box, key->bytes) != 0) {
		rc = error_set(err, REDRESS_E_CRYPTO, "sealed text does not open: wrong key, or altered");
		goto out;
	}
	buf_append(out, plain, (size_t)plain_len);
	rc = buf_error(out, err);
out:
	if (plain != NULL)
		sodium_memzero(plain, text_len + 1);
	free(box);
	free(plain);
	return rc;
}

enum redress_err
seal_wrap(const struct seal_key *master, const struct seal_key *data, const char *ad, struct buf *out,
          struct redress_error *err)
{
	return seal_encrypt(master, data->bytes, SEAL_KEY_SIZE, ad, out, err);
}

enum redress_err
seal_unwrap(const struct seal_key *master, const char *wrapped, const char *ad, struct seal_key **data_r,
            struct redress_error *err)
{
	struct buf plain;
	enum redress_err rc;

	buf_init(&plain, SEAL_KEY_SIZE);
	if ((rc = seal_decrypt(master, wrapped, ad, &plain, err)) == REDRESS_OK) {
		if (plain.len != SEAL_KEY_SIZE)
			rc = error_set(err, REDRESS_E_CRYPTO, "a wrapped key of the wrong size");
		else
			rc = seal_key_from_bytes((const uint8_t *)plain.data, data_r, err);
	}
	if (plain.data != NULL)
		sodium_memzero(plain.data, plain.cap);
	buf_free(&plain);
	return rc;
}

void
seal_blind_index(const struct seal_key *index_key, const char *value, char out[SEAL_INDEX_TEXT_SIZE])
{
	uint8_t h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)value, strlen(value), index_key->bytes,
	                   SEAL_KEY_SIZE);
	sodium_bin2hex(out, SEAL_INDEX_TEXT_SIZE, h, sizeof(h));
}

enum redress_err
password_hash(const char *password, char out[PASSWORD_HASH_SIZE], struct redress_error *err)
{
	if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return error_set(err, REDRESS_E_NOMEM, "not enough memory to hash a password with Argon2id");
	return REDRESS_OK;
}

int
password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
