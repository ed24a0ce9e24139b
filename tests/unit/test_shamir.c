/*
 * test_shamir.c -- Shamir's secret sharing over GF(2^8): the field's
 * arithmetic against FIPS-197's worked example and a slow reference, and
 * for every N <= 7 and every threshold K: every K-subset of the shares
 * recovers the secret; every (K-1)-subset is consistent with every
 * possible secret, each reached by exactly one value of the missing share
 * (so K-1 shares tell nothing); a wrong share gives a different secret; and
 * a share's bytes are uniform whatever the secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/hash.h"
#include "crypto/shamir.h"

#define SECRET_LEN 96 /* the three keys of a key directory */

/* Carry-less multiplication and reduction the slow, obvious way. */
static uint8_t
slow_mul(uint8_t a, uint8_t b)
{
	unsigned r = 0, i;

	for (i = 0; i < 8; i++)
		if (b & (1u << i))
			r ^= (unsigned)a << i;
	for (i = 15; i >= 8; i--)
		if (r & (1u << i))
			r ^= 0x11bu << (i - 8);
	return (uint8_t)r;
}

static void
test_field(void **state)
{
	unsigned a, b;

	(void)state;
	/* FIPS-197 section 4.2: {57} . {83} = {c1}. */
	assert_int_equal(shamir_gf_mul(0x57, 0x83), 0xc1);
	for (a = 0; a < 256; a++) {
		for (b = 0; b < 256; b++)
			assert_int_equal(shamir_gf_mul((uint8_t)a, (uint8_t)b),
			                 slow_mul((uint8_t)a, (uint8_t)b));
		if (a != 0)
			assert_int_equal(shamir_gf_mul((uint8_t)a, shamir_gf_inv((uint8_t)a)), 1);
	}
	assert_int_equal(shamir_gf_inv(0), 0);
}

/* Calls fn on every subset of size k of {0 .. n-1}, as indexes in idx. */
static void
each_subset(unsigned n, unsigned k, unsigned *idx, unsigned depth, unsigned from,
            void (*fn)(const unsigned *idx, unsigned k, void *ctx), void *ctx)
{
	unsigned i;

	if (depth == k) {
		fn(idx, k, ctx);
		return;
	}
	for (i = from; i < n; i++) {
		idx[depth] = i;
		each_subset(n, k, idx, depth + 1, i + 1, fn, ctx);
	}
}

struct split {
	unsigned n, k;
	uint8_t secret[SECRET_LEN];
	uint8_t shares[7 * SECRET_LEN];
	unsigned subsets; /* counted, so the test knows it ran them all */
};

static void
recovers(const unsigned *idx, unsigned k, void *ctx)
{
	struct split *s = ctx;
	const uint8_t *ys[7];
	uint8_t xs[7], out[SECRET_LEN];
	struct redress_error err;
	unsigned i;

	for (i = 0; i < k; i++) {
		xs[i] = (uint8_t)(idx[i] + 1);
		ys[i] = s->shares + (size_t)idx[i] * SECRET_LEN;
	}
	assert_int_equal(shamir_combine(xs, ys, k, SECRET_LEN, out, &err), REDRESS_OK);
	assert_memory_equal(out, s->secret, SECRET_LEN);
	s->subsets++;
}

/*
 * K-1 shares and any value of one more share (number x, not among them):
 * as that value runs over all 256, byte 0 of what is recovered runs over
 * all 256 secrets exactly once.  So the K-1 shares leave every secret
 * equally possible; and the true share with one byte changed gives a
 * different secret.
 */
static void
reveals_nothing(const unsigned *idx, unsigned km1, void *ctx)
{
	struct split *s = ctx;
	const uint8_t *ys[7];
	uint8_t xs[7], out[SECRET_LEN], extra[SECRET_LEN], seen[256];
	struct redress_error err;
	unsigned i, v, missing = 0, m;

	/* The first share number not in the subset. */
	for (m = 0; m < s->n; m++) {
		for (i = 0; i < km1 && idx[i] != m; i++)
			;
		if (i == km1) {
			missing = m;
			break;
		}
	}
	for (i = 0; i < km1; i++) {
		xs[i] = (uint8_t)(idx[i] + 1);
		ys[i] = s->shares + (size_t)idx[i] * SECRET_LEN;
	}
	xs[km1] = (uint8_t)(missing + 1);
	ys[km1] = extra;
	memset(seen, 0, sizeof(seen));
	memcpy(extra, s->shares + (size_t)missing * SECRET_LEN, SECRET_LEN);
	for (v = 0; v < 256; v++) {
		extra[0] = (uint8_t)v;
		assert_int_equal(shamir_combine(xs, ys, km1 + 1, SECRET_LEN, out, &err), REDRESS_OK);
		assert_int_equal(seen[out[0]], 0);
		seen[out[0]] = 1;
		/* Only the changed byte moves: the others are still the secret's. */
		assert_memory_equal(out + 1, s->secret + 1, SECRET_LEN - 1);
	}
	/* A wrong share (one byte off the true one) gives a wrong secret. */
	memcpy(extra, s->shares + (size_t)missing * SECRET_LEN, SECRET_LEN);
	extra[SECRET_LEN - 1] ^= 0x01;
	assert_int_equal(shamir_combine(xs, ys, km1 + 1, SECRET_LEN, out, &err), REDRESS_OK);
	assert_memory_not_equal(out, s->secret, SECRET_LEN);
	s->subsets++;
}

static unsigned
binomial(unsigned n, unsigned k)
{
	unsigned r = 1, i;

	for (i = 1; i <= k; i++)
		r = r * (n - k + i) / i;
	return r;
}

static void
test_every_subset(void **state)
{
	struct redress_error err;
	unsigned idx[7], n, k;
	struct split s;

	(void)state;
	for (n = 2; n <= 7; n++) {
		for (k = 2; k <= n; k++) {
			memset(&s, 0, sizeof(s));
			s.n = n;
			s.k = k;
			crypto_random(s.secret, sizeof(s.secret));
			assert_int_equal(shamir_split(s.secret, SECRET_LEN, n, k, s.shares, &err),
			                 REDRESS_OK);
			/* No share is the secret itself. */
			for (unsigned i = 0; i < n; i++)
				assert_memory_not_equal(s.shares + (size_t)i * SECRET_LEN, s.secret,
				                        SECRET_LEN);
			each_subset(n, k, idx, 0, 0, recovers, &s);
			assert_int_equal(s.subsets, binomial(n, k));
			s.subsets = 0;
			each_subset(n, k - 1, idx, 0, 0, reveals_nothing, &s);
			assert_int_equal(s.subsets, binomial(n, k - 1));
		}
	}
}

/*
 * Each share's bytes are uniform whether the secret is all 0x00 or all
 * 0xff: a chi-square over 256 buckets of 8192 bytes (255 degrees of
 * freedom: mean 255, standard deviation about 23) stays under 420, over
 * seven standard deviations, for every share.
 */
static void
test_uniform(void **state)
{
	enum { LEN = 8192, N = 3, K = 3 };
	static uint8_t secret[LEN], shares[N * LEN];
	struct redress_error err;
	unsigned counts[256], fill, i, b;
	double chi;

	(void)state;
	for (fill = 0; fill < 2; fill++) {
		memset(secret, fill ? 0xff : 0x00, sizeof(secret));
		assert_int_equal(shamir_split(secret, LEN, N, K, shares, &err), REDRESS_OK);
		for (i = 0; i < N; i++) {
			memset(counts, 0, sizeof(counts));
			for (b = 0; b < LEN; b++)
				counts[shares[i * LEN + b]]++;
			chi = 0;
			for (b = 0; b < 256; b++) {
				double d = (double)counts[b] - LEN / 256.0;

				chi += d * d / (LEN / 256.0);
			}
			assert_true(chi < 420.0);
		}
	}
}

static void
test_bad_input(void **state)
{
	uint8_t secret[4] = {1, 2, 3, 4}, shares[8 * 4], out[4] = {9, 9, 9, 9};
	const uint8_t *ys[2] = {shares, shares + 4};
	uint8_t xs[2] = {3, 3};
	struct redress_error err;

	(void)state;
	assert_int_equal(shamir_split(secret, 4, 3, 1, shares, &err), REDRESS_E_INVALID);
	assert_int_equal(shamir_split(secret, 4, 2, 3, shares, &err), REDRESS_E_INVALID);
	assert_int_equal(shamir_split(secret, 4, 256, 2, shares, &err), REDRESS_E_INVALID);
	assert_int_equal(shamir_split(secret, 4, 2, 2, shares, &err), REDRESS_OK);
	/* The same share twice is refused by number, and out is untouched. */
	assert_int_equal(shamir_combine(xs, ys, 2, 4, out, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "share number 3 given twice"));
	assert_int_equal(out[0], 9);
	xs[0] = 0;
	assert_int_equal(shamir_combine(xs, ys, 2, 4, out, &err), REDRESS_E_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_field),
	    cmocka_unit_test(test_every_subset),
	    cmocka_unit_test(test_uniform),
	    cmocka_unit_test(test_bad_input),
	};
	struct redress_error err;

	if (crypto_setup(&err) != REDRESS_OK)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
