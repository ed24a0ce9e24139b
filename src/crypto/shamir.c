/*
 * shamir.c -- Shamir's secret sharing over GF(2^8) (see shamir.h).
 */
#include "crypto/shamir.h"

#include <string.h>

#include "crypto/hash.h"
#include "crypto/sign.h"

uint8_t
shamir_gf_mul(uint8_t a, uint8_t b)
{
	unsigned r = 0, x = a, y = b, i;

	/* Eight rounds whatever the operands; masks instead of branches. */
	for (i = 0; i < 8; i++) {
		r ^= x & (0u - (y & 1u));
		y >>= 1;
		x = (x << 1) ^ (0x11bu & (0u - ((x >> 7) & 1u)));
	}
	return (uint8_t)r;
}

uint8_t
shamir_gf_inv(uint8_t a)
{
	/* a^254 = a^-1 in GF(2^8): a fixed chain of squarings and products. */
	uint8_t a2 = shamir_gf_mul(a, a), r = a2, i;

	/* r = a^(2+4+...+128) = a^254 */
	for (i = 0; i < 6; i++) {
		a2 = shamir_gf_mul(a2, a2);
		r = shamir_gf_mul(r, a2);
	}
	return r;
}

enum redress_err
shamir_split(const uint8_t *secret, size_t len, unsigned n, unsigned k, uint8_t *shares,
             struct redress_error *err)
{
	uint8_t coef[SHAMIR_SHARES_MAX];
	size_t j;
	unsigned i, c;

	if (k < 2 || k > n || n > SHAMIR_SHARES_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "shares %u, threshold %u: need 2 <= threshold <= shares <= %d", n, k,
		                 SHAMIR_SHARES_MAX);
	for (j = 0; j < len; j++) {
		coef[0] = secret[j];
		crypto_random(coef + 1, k - 1);
		for (i = 0; i < n; i++) {
			uint8_t x = (uint8_t)(i + 1), y = 0;

			/* Horner's rule, highest coefficient first. */
			for (c = k; c-- > 0;)
				y = shamir_gf_mul(y, x) ^ coef[c];
			shares[(size_t)i * len + j] = y;
		}
	}
	crypto_wipe(coef, sizeof(coef));
	return REDRESS_OK;
}

enum redress_err
shamir_interpolate(const uint8_t *xs, const uint8_t *const *ys, unsigned k, size_t len, uint8_t at,
                   uint8_t *out, struct redress_error *err)
{
	uint8_t basis[SHAMIR_SHARES_MAX];
	unsigned i, m;
	size_t j;

	if (k == 0 || k > SHAMIR_SHARES_MAX)
		return error_set(err, REDRESS_E_INVALID, "%u shares: need 1 to %d", k, SHAMIR_SHARES_MAX);
	for (i = 0; i < k; i++) {
		if (xs[i] == 0)
			return error_set(err, REDRESS_E_INVALID, "share number 0 does not exist");
		for (m = 0; m < i; m++)
			if (xs[m] == xs[i])
				return error_set(err, REDRESS_E_INVALID,
				                 "share number %u given twice: each share counts once",
				                 (unsigned)xs[i]);
	}
	/* The Lagrange basis at `at`: prod (at - x_m) / (x_i - x_m); minus is xor. */
	for (i = 0; i < k; i++) {
		uint8_t num = 1, den = 1;

		for (m = 0; m < k; m++) {
			if (m == i)
				continue;
			num = shamir_gf_mul(num, at ^ xs[m]);
			den = shamir_gf_mul(den, xs[i] ^ xs[m]);
		}
		basis[i] = shamir_gf_mul(num, shamir_gf_inv(den));
	}
	for (j = 0; j < len; j++) {
		uint8_t y = 0;

		for (i = 0; i < k; i++)
			y ^= shamir_gf_mul(basis[i], ys[i][j]);
		out[j] = y;
	}
	crypto_wipe(basis, sizeof(basis));
	return REDRESS_OK;
}

enum redress_err
shamir_combine(const uint8_t *xs, const uint8_t *const *ys, unsigned k, size_t len, uint8_t *out,
               struct redress_error *err)
{
	return shamir_interpolate(xs, ys, k, len, 0, out, err);
}
