/*
 * shamir.h -- Shamir's secret sharing over GF(2^8), written here because no
 * library Debian ships does it (libsodium has the field's randomness, not
 * the scheme).
 *
 * A secret of len bytes is split byte by byte: for each byte s a random
 * polynomial f of degree k-1 with f(0) = s, its other k-1 coefficients
 * from the operating system's CSPRNG (crypto_random); share x (1 to n) is
 * f(x) for every byte.  Any k shares give back f(0) by Lagrange
 * interpolation; fewer are, by construction, consistent with every
 * possible secret, so they tell nothing about it.  The field is AES's
 * (x^8 + x^4 + x^3 + x + 1); multiplication runs in time independent of
 * its operands (no tables indexed by secret bytes, no branches on them).
 */
#ifndef REDRESS_CRYPTO_SHAMIR_H
#define REDRESS_CRYPTO_SHAMIR_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SHAMIR_SHARES_MAX 255 /* share numbers are 1 .. 255 */

/* Multiplication in GF(2^8), in constant time. */
uint8_t shamir_gf_mul(uint8_t a, uint8_t b);

/* The multiplicative inverse in GF(2^8) (a^254), in constant time; 0 for 0. */
uint8_t shamir_gf_inv(uint8_t a);

/*
 * Splits secret (len bytes) into n shares of which any k recover it
 * (2 <= k <= n <= SHAMIR_SHARES_MAX, else REDRESS_E_INVALID).  shares
 * (n * len bytes, caller-owned) receives share x = i + 1 at
 * shares + i * len.  The coefficients are wiped before returning.
 */
enum redress_err shamir_split(const uint8_t *secret, size_t len, unsigned n, unsigned k, uint8_t *shares,
                              struct redress_error *err);

/*
 * Interpolates the polynomial through the k points (xs[i], ys[i] + j) for
 * every byte j < len and writes its value at x = at into out (len bytes,
 * caller-owned).  at = 0 recovers the secret.  The xs must be non-zero and
 * distinct (else REDRESS_E_INVALID naming the repeated share number, and
 * out is untouched).  With fewer shares than the split's threshold the
 * result is a value unrelated to the secret, never an error: the shares
 * cannot tell.
 */
enum redress_err shamir_interpolate(const uint8_t *xs, const uint8_t *const *ys, unsigned k, size_t len,
                                    uint8_t at, uint8_t *out, struct redress_error *err);

/* shamir_interpolate at 0: the secret. */
enum redress_err shamir_combine(const uint8_t *xs, const uint8_t *const *ys, unsigned k, size_t len,
                                uint8_t *out, struct redress_error *err);

#endif
