/*
 * test_totp.c -- the second factor's arithmetic: RFC 6238 appendix B's
 * SHA-1 vectors (8 digits there) generated and verified through liboath,
 * the same codes cut to 6 digits as authenticator apps show them, the
 * window of one step either side and no more, the matched step that lets
 * the caller refuse a replayed code, malformed codes, and RFC 4648 base32.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/hash.h"
#include "crypto/totp.h"

/* RFC 6238 appendix B: the SHA-1 seed, 20 ASCII bytes. */
static const uint8_t rfc_secret[] = "12345678901234567890";
#define RFC_SECRET_LEN 20

static const struct {
	uint64_t time;
	const char *code;
} rfc_vectors[] = {
    {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
    {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000ull, "65353130"},
};

#define NVECTORS (sizeof(rfc_vectors) / sizeof(rfc_vectors[0]))

static void
test_rfc6238_generate(void **state)
{
	struct redress_error err;
	char code[TOTP_DIGITS_MAX + 1];
	size_t i;

	(void)state;
	for (i = 0; i < NVECTORS; i++) {
		assert_int_equal(totp_generate(rfc_secret, RFC_SECRET_LEN, rfc_vectors[i].time, 8, code,
		                               sizeof(code), &err),
		                 REDRESS_OK);
		assert_string_equal(code, rfc_vectors[i].code);
		/* Six digits are the same HOTP value modulo 10^6: the vector's last six. */
		assert_int_equal(totp_generate(rfc_secret, RFC_SECRET_LEN, rfc_vectors[i].time, 6, code,
		                               sizeof(code), &err),
		                 REDRESS_OK);
		assert_string_equal(code, rfc_vectors[i].code + 2);
	}
}

static void
test_rfc6238_verify(void **state)
{
	struct redress_error err;
	uint64_t step;
	size_t i;

	(void)state;
	for (i = 0; i < NVECTORS; i++) {
		step = 0;
		assert_int_equal(totp_verify_digits(rfc_secret, RFC_SECRET_LEN, rfc_vectors[i].code, 8,
		                                    rfc_vectors[i].time, &step, &err),
		                 REDRESS_OK);
		assert_int_equal(step, rfc_vectors[i].time / TOTP_PERIOD);
		/* The public check is 6 digits: the 8-digit code is malformed there. */
		assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, rfc_vectors[i].code,
		                             rfc_vectors[i].time, &step, &err),
		                 REDRESS_E_REFUSED);
		assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, rfc_vectors[i].code + 2,
		                             rfc_vectors[i].time, &step, &err),
		                 REDRESS_OK);
		assert_int_equal(step, rfc_vectors[i].time / TOTP_PERIOD);
	}
}

/* A code is good in its own step and one either side, never two away; the step it matched is reported. */
static void
test_window_and_step(void **state)
{
	struct redress_error err;
	char code[TOTP_DIGITS_MAX + 1];
	const uint64_t t = 1111111111; /* step 37037037, 1 s into it */
	const uint64_t s = t / TOTP_PERIOD;
	uint64_t step;

	(void)state;
	assert_int_equal(totp_generate(rfc_secret, RFC_SECRET_LEN, t, 6, code, sizeof(code), &err),
	                 REDRESS_OK);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t, &step, &err), REDRESS_OK);
	assert_int_equal(step, s);
	/* The clock of the phone or the server drifted by a step either way. */
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t + TOTP_PERIOD, &step, &err),
	                 REDRESS_OK);
	assert_int_equal(step, s);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t - TOTP_PERIOD, &step, &err),
	                 REDRESS_OK);
	assert_int_equal(step, s);
	/* Two steps away is too late or too early. */
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t + 2 * TOTP_PERIOD, &step, &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "second factor refused"));
	assert_null(strstr(err.message, code));
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t - 2 * TOTP_PERIOD, &step, &err),
	                 REDRESS_E_REFUSED);
	/* The next step's code, checked now, reports the next step. */
	assert_int_equal(
	    totp_generate(rfc_secret, RFC_SECRET_LEN, t + TOTP_PERIOD, 6, code, sizeof(code), &err),
	    REDRESS_OK);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t, &step, &err), REDRESS_OK);
	assert_int_equal(step, s + 1);
	/* step_r may be NULL. */
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t, NULL, &err), REDRESS_OK);
}

/*
 * Replay: the same code checked twice matches the same step both times,
 * so a caller that keeps the last step it accepted refuses the second.
 */
static void
test_replay_step(void **state)
{
	struct redress_error err;
	char code[TOTP_DIGITS_MAX + 1];
	uint64_t first, second, accepted = 0, t = 2000000000;
	int accepted_twice = 0, i;

	(void)state;
	assert_int_equal(totp_generate(rfc_secret, RFC_SECRET_LEN, t, 6, code, sizeof(code), &err),
	                 REDRESS_OK);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t, &first, &err), REDRESS_OK);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t + 20, &second, &err), REDRESS_OK);
	assert_int_equal(first, second);
	/* The caller's rule: accept only a step later than the last accepted. */
	for (i = 0; i < 2; i++) {
		uint64_t step;

		assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, code, t, &step, &err), REDRESS_OK);
		if (step > accepted)
			accepted = step;
		else
			accepted_twice++;
	}
	assert_int_equal(accepted, first);
	assert_int_equal(accepted_twice, 1);
}

static void
test_malformed_codes(void **state)
{
	static const char *const bad[] = {"",        "28708",  "2870820",      "28708a", " 287082",
	                                  "287082 ", "+28708", "２８７０８２", "28 082", "287\n82"};
	struct redress_error err;
	uint64_t step = 99;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, bad[i], 59, &step, &err),
		                 REDRESS_E_REFUSED);
		assert_int_equal(step, 99);
	}
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, NULL, 59, &step, &err), REDRESS_E_REFUSED);
	/* The right code but the wrong secret. */
	assert_int_equal(
	    totp_verify((const uint8_t *)"12345678901234567891", RFC_SECRET_LEN, "287082", 59, &step, &err),
	    REDRESS_E_REFUSED);
	assert_int_equal(totp_verify(rfc_secret, RFC_SECRET_LEN, "287082", 59, &step, &err), REDRESS_OK);
	/* No secret at all is not a refusal but a bug in the caller. */
	assert_int_equal(totp_verify(rfc_secret, 0, "287082", 59, &step, &err), REDRESS_E_INVALID);
	assert_int_equal(totp_verify_digits(rfc_secret, RFC_SECRET_LEN, "287082", 5, 59, &step, &err),
	                 REDRESS_E_INVALID);
}

static void
test_base32(void **state)
{
	/* RFC 4648 section 10, without the padding. */
	static const struct {
		const char *in, *out;
	} vectors[] = {{"f", "MY"},         {"fo", "MZXQ"},        {"foo", "MZXW6"},
	               {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"}, {"foobar", "MZXW6YTBOI"}};
	struct redress_error err;
	char out[TOTP_BASE32_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		assert_int_equal(totp_secret_base32((const uint8_t *)vectors[i].in, strlen(vectors[i].in),
		                                    out, sizeof(out), &err),
		                 REDRESS_OK);
		assert_string_equal(out, vectors[i].out);
	}
	assert_int_equal(totp_secret_base32(rfc_secret, RFC_SECRET_LEN, out, sizeof(out), &err), REDRESS_OK);
	assert_string_equal(out, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(strlen(out) + 1, TOTP_BASE32_SIZE);
	assert_int_equal(totp_secret_base32(rfc_secret, RFC_SECRET_LEN, out, TOTP_BASE32_SIZE - 1, &err),
	                 REDRESS_E_OVERFLOW);
	assert_string_equal(out, "");
}

static void
test_secret_new(void **state)
{
	uint8_t a[TOTP_SECRET_SIZE], b[TOTP_SECRET_SIZE], zero[TOTP_SECRET_SIZE] = {0};

	(void)state;
	totp_secret_new(a);
	totp_secret_new(b);
	assert_memory_not_equal(a, b, TOTP_SECRET_SIZE);
	assert_memory_not_equal(a, zero, TOTP_SECRET_SIZE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc6238_generate), cmocka_unit_test(test_rfc6238_verify),
	    cmocka_unit_test(test_window_and_step),  cmocka_unit_test(test_replay_step),
	    cmocka_unit_test(test_malformed_codes),  cmocka_unit_test(test_base32),
	    cmocka_unit_test(test_secret_new),
	};

	if (crypto_setup(NULL) != REDRESS_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
