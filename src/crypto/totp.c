/*
 * totp.c -- RFC 6238 through liboath: HMAC-SHA-1, TOTP_PERIOD-second
 * steps, a window of one step either side.  liboath is initialised once
 * per process; its code comparison is replaced by a constant-time one.
 */
#include "crypto/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/hash.h"

static pthread_once_t totp_once = PTHREAD_ONCE_INIT;
static int totp_init_rc = OATH_OK;

static void
totp_init(void)
{
	totp_init_rc = oath_init();
}

static enum redress_err
totp_setup(struct redress_error *err)
{
	pthread_once(&totp_once, totp_init);
	if (totp_init_rc != OATH_OK)
		return error_set(err, REDRESS_E_CRYPTO, "liboath could not be initialised: %s",
		                 oath_strerror(totp_init_rc));
	return REDRESS_OK;
}

void
totp_secret_new(uint8_t secret[TOTP_SECRET_SIZE])
{
	crypto_random(secret, TOTP_SECRET_SIZE);
}

enum redress_err
totp_secret_base32(const uint8_t *secret, size_t len, char *out, size_t size, struct redress_error *err)
{
	enum redress_err rc = REDRESS_OK;
	char *text = NULL;
	size_t text_len = 0, end;
	int orc;

	if (size > 0)
		out[0] = '\0';
	if ((rc = totp_setup(err)) != REDRESS_OK)
		return rc;
	if (len == 0 || secret == NULL)
		return error_set(err, REDRESS_E_INVALID, "a TOTP secret is empty");
	orc = oath_base32_encode((const char *)secret, len, &text, &text_len);
	if (orc != OATH_OK || text == NULL) {
		rc = error_set(err, orc == OATH_MALLOC_ERROR ? REDRESS_E_NOMEM : REDRESS_E_CRYPTO,
		               "a TOTP secret could not be written in base32: %s", oath_strerror(orc));
		goto out;
	}
	/* liboath pads to a multiple of 8; the otpauth URI wants no padding. */
	end = text_len;
	while (end > 0 && text[end - 1] == '=')
		end--;
	if (end >= size) {
		rc = error_set(err, REDRESS_E_OVERFLOW, "a TOTP secret's base32 needs %zu bytes, not %zu",
		               end + 1, size);
		goto out;
	}
	memcpy(out, text, end);
	out[end] = '\0';
out:
	if (text != NULL) {
		sodium_memzero(text, text_len);
		free(text);
	}
	return rc;
}

/* Checks that code is exactly digits ASCII digits. */
static int
code_wellformed(const char *code, unsigned digits)
{
	unsigned i;

	if (code == NULL)
		return 0;
	for (i = 0; i < digits; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[digits] == '\0';
}

/* liboath's comparison callback: 0 when test_otp is the code given, in constant time. */
static int
code_compare(void *handle, const char *test_otp)
{
	const char *code = handle;
	size_t len = strlen(code);

	if (strlen(test_otp) != len)
		return 1;
	return sodium_memcmp(code, test_otp, len) == 0 ? 0 : 1;
}

static enum redress_err
check_args(const uint8_t *secret, size_t len, unsigned digits, uint64_t unix_now, struct redress_error *err)
{
	if (secret == NULL || len == 0)
		return error_set(err, REDRESS_E_INVALID, "a TOTP secret is empty");
	if (digits < TOTP_DIGITS || digits > TOTP_DIGITS_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "a TOTP code has %u digits: only %d to %d are supported", digits,
		                 TOTP_DIGITS, TOTP_DIGITS_MAX);
	/* time_t is signed; a time it cannot hold is no time a code was made at. */
	if (unix_now > (uint64_t)INT64_MAX / 2)
		return error_set(err, REDRESS_E_INVALID, "time %llu is out of range for TOTP",
		                 (unsigned long long)unix_now);
	return totp_setup(err);
}

enum redress_err
totp_verify_digits(const uint8_t *secret, size_t len, const char *code, unsigned digits, uint64_t unix_now,
                   uint64_t *step_r, struct redress_error *err)
{
	char copy[TOTP_DIGITS_MAX + 1];
	uint64_t counter = 0;
	enum redress_err rc;
	int pos = 0, orc;

	if ((rc = check_args(secret, len, digits, unix_now, err)) != REDRESS_OK)
		return rc;
	if (!code_wellformed(code, digits))
		return error_set(err, REDRESS_E_REFUSED, "second factor refused: a code is %u digits",
		                 digits);
	memcpy(copy, code, digits + 1);
	orc = oath_totp_validate3_callback((const char *)secret, len, (time_t)unix_now, TOTP_PERIOD, 0,
	                                   digits, 1, &pos, &counter, code_compare, copy);
	sodium_memzero(copy, sizeof(copy));
	if (orc == OATH_INVALID_OTP)
		return error_set(err, REDRESS_E_REFUSED,
		                 "second factor refused: the code is wrong or out of date");
	if (orc < 0)
		return error_set(err, REDRESS_E_CRYPTO, "a TOTP code could not be checked: %s",
		                 oath_strerror(orc));
	if (step_r != NULL)
		*step_r = counter;
	return REDRESS_OK;
}

enum redress_err
totp_verify(const uint8_t *secret, size_t len, const char *code, uint64_t unix_now, uint64_t *step_r,
            struct redress_error *err)
{
	return totp_verify_digits(secret, len, code, TOTP_DIGITS, unix_now, step_r, err);
}

enum redress_err
totp_generate(const uint8_t *secret, size_t len, uint64_t unix_now, unsigned digits, char *out, size_t size,
              struct redress_error *err)
{
	char code[TOTP_DIGITS_MAX + 1];
	enum redress_err rc;
	int orc;

	if (size > 0)
		out[0] = '\0';
	if ((rc = check_args(secret, len, digits, unix_now, err)) != REDRESS_OK)
		return rc;
	if (size < digits + 1)
		return error_set(err, REDRESS_E_OVERFLOW, "a %u-digit TOTP code needs %u bytes", digits,
		                 digits + 1);
	orc = oath_totp_generate((const char *)secret, len, (time_t)unix_now, TOTP_PERIOD, 0, digits, code);
	if (orc != OATH_OK)
		return error_set(err, REDRESS_E_CRYPTO, "a TOTP code could not be made: %s",
		                 oath_strerror(orc));
	memcpy(out, code, digits + 1);
	sodium_memzero(code, sizeof(code));
	return REDRESS_OK;
}
