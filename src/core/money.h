/*
 * money.h -- amounts as signed 64-bit counts of a currency's minor unit.
 *
 * There is no floating point anywhere near money.  Each currency carries its
 * ISO 4217 exponent (KRW and JPY 0, USD and EUR 2, KWD 3), which says where
 * the decimal point goes when an amount is read or written as text.  Every
 * sum is checked: overflow is an error, never a wrap.
 */
#ifndef REDRESS_CORE_MONEY_H
#define REDRESS_CORE_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define CURRENCY_CODE_SIZE 4 /* three letters and a NUL */
/* Room for "-9223372036854775808" with a decimal point and a NUL. */
#define MONEY_TEXT_SIZE 24

struct currency {
	char code[CURRENCY_CODE_SIZE];
	unsigned exponent; /* digits after the decimal point */
};

struct money {
	int64_t minor;                   /* count of minor units */
	const struct currency *currency; /* never NULL in a valid amount */
};

/*
 * The currency with this ISO 4217 code, or NULL (filling err with
 * REDRESS_E_INVALID naming the code) when it is not one redress knows.
 */
const struct currency *currency_find(const char *code, struct redress_error *err);

/*
 * Reads a non-negative decimal amount such as "1000", "1000.5" or "1000.50"
 * in currency cur into *minor_r.  Digits only, at most one '.', no more
 * fraction digits than the exponent allows, no sign, no grouping, no
 * exponent.  Errors (REDRESS_E_INVALID, REDRESS_E_OVERFLOW) say which.
 */
enum redress_err money_parse(const char *text, const struct currency *cur, int64_t *minor_r,
                             struct redress_error *err);

/*
 * Writes minor as decimal text with exactly cur->exponent fraction digits
 * ("100000000", "12.50", "-0.07") into out, NUL-terminated.  out_size of
 * MONEY_TEXT_SIZE is always enough.
 */
void money_format(int64_t minor, const struct currency *cur, char *out, size_t out_size);

/* Checked a + b and a - b. */
enum redress_err money_add(int64_t a, int64_t b, int64_t *sum_r, struct redress_error *err);
enum redress_err money_sub(int64_t a, int64_t b, int64_t *diff_r, struct redress_error *err);

#endif
