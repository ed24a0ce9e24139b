/*
 * money.c -- currencies, and exact conversion between decimal text and
 * minor units.
 */
#include "core/money.h"

#include <stdio.h>
#include <string.h>

/*
 * The currencies a reparations fund is likely to hold or pay in, with their
 * ISO 4217 minor-unit exponents.  Sorted by code.
 */
static const struct currency currencies[] = {
    {"AUD", 2}, {"CAD", 2}, {"CHF", 2}, {"CNY", 2}, {"COP", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2},
    {"IDR", 2}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"MYR", 2}, {"NOK", 2}, {"NZD", 2}, {"PHP", 2},
    {"SEK", 2}, {"SGD", 2}, {"THB", 2}, {"TWD", 2}, {"USD", 2}, {"VND", 0},
};

const struct currency *
currency_find(const char *code, struct redress_error *err)
{
	size_t i;

	if (code == NULL)
		code = "";
	for (i = 0; i < sizeof(currencies) / sizeof(currencies[0]); i++)
		if (strcmp(currencies[i].code, code) == 0)
			return &currencies[i];
	error_set(err, REDRESS_E_INVALID,
	          "unknown currency '%.8s': give an ISO 4217 code such as KRW, JPY, USD or EUR", code);
	return NULL;
}

enum redress_err
money_parse(const char *text, const struct currency *cur, int64_t *minor_r, struct redress_error *err)
{
	const char *p;
	int64_t value = 0;
	unsigned fraction = 0;
	int seen_point = 0, seen_digit = 0;

	if (text == NULL || *text == '\0')
		return error_set(err, REDRESS_E_INVALID, "amount is empty");
	for (p = text; *p != '\0'; p++) {
		if (*p == '.') {
			if (seen_point || !seen_digit)
				return error_set(err, REDRESS_E_INVALID,
				                 "amount '%.32s' is not a decimal number (misplaced '.')",
				                 text);
			seen_point = 1;
			continue;
		}
		/*
		 * A byte that is not printable ASCII is named by its value: echoed
		 * raw, it could be half a UTF-8 character or a terminal control, and
		 * the message would no longer be text.
		 */
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return error_set(
			    err, REDRESS_E_INVALID,
			    "amount has a byte 0x%02x at position %zu: use digits and at most one '.'",
			    (unsigned char)*p, (size_t)(p - text) + 1);
		if (*p < '0' || *p > '9')
			return error_set(
			    err, REDRESS_E_INVALID,
			    "amount '%.32s' has '%c' at position %zu: use digits and at most one '.'", text,
			    *p, (size_t)(p - text) + 1);
		if (seen_point && ++fraction > cur->exponent)
			return error_set(err, REDRESS_E_INVALID,
			                 "amount '%.32s' has more than %u decimal places for %s", text,
			                 cur->exponent, cur->code);
		if (__builtin_mul_overflow(value, 10, &value) ||
		    __builtin_add_overflow(value, *p - '0', &value))
			return error_set(err, REDRESS_E_OVERFLOW, "amount '%.32s' is too large", text);
		seen_digit = 1;
	}
	if (seen_point && fraction == 0)
		return error_set(err, REDRESS_E_INVALID, "amount '%.32s' ends in '.'", text);
	for (; fraction < cur->exponent; fraction++)
		if (__builtin_mul_overflow(value, 10, &value))
			return error_set(err, REDRESS_E_OVERFLOW, "amount '%.32s' is too large", text);
	*minor_r = value;
	return REDRESS_OK;
}

void
money_format(int64_t minor, const struct currency *cur, char *out, size_t out_size)
{
	char digits[MONEY_TEXT_SIZE];
	uint64_t magnitude;
	size_t n, whole;
	int len;

	/* Work on the unsigned magnitude so INT64_MIN has a representation. */
	magnitude = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	len =
	    snprintf(digits, sizeof(digits), "%0*llu", (int)cur->exponent + 1, (unsigned long long)magnitude);
	if (len < 0) {
		snprintf(out, out_size, "?");
		return;
	}
	n = (size_t)len;
	if (cur->exponent == 0) {
		snprintf(out, out_size, "%s%s", minor < 0 ? "-" : "", digits);
		return;
	}
	whole = n - cur->exponent;
	snprintf(out, out_size, "%s%.*s.%s", minor < 0 ? "-" : "", (int)whole, digits, digits + whole);
}

/*
 * The builtins store the wrapped result even when they report overflow, so
 * they write to a local: on failure *sum_r and *diff_r keep what they held.
 */
enum redress_err
money_add(int64_t a, int64_t b, int64_t *sum_r, struct redress_error *err)
{
	int64_t sum;

	if (__builtin_add_overflow(a, b, &sum))
		return error_set(err, REDRESS_E_OVERFLOW, "sum of amounts overflows 64 bits");
	*sum_r = sum;
	return REDRESS_OK;
}

enum redress_err
money_sub(int64_t a, int64_t b, int64_t *diff_r, struct redress_error *err)
{
	int64_t diff;

	if (__builtin_sub_overflow(a, b, &diff))
		return error_set(err, REDRESS_E_OVERFLOW, "difference of amounts overflows 64 bits");
	*diff_r = diff;
	return REDRESS_OK;
}
