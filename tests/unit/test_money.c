/*
 * test_money.c -- amounts (core/money.c) and outside text (core/text.c).
 *
 * Amounts are where a wrong digit costs someone money, so the boundaries
 * are derived by hand rather than computed by the code under test: INT64_MAX
 * is 9223372036854775807, so in USD (two decimals) the largest amount is
 * "92233720368547758.07", and "92233720368547759" overflows only when it is
 * scaled by 100.  The UTF-8 checker is compared, over short strings and
 * random four-byte ones, with a second checker written from the table of
 * well-formed byte sequences in the Unicode standard (table 3-7), which
 * shares no logic with the decoder in text.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "core/money.h"
#include "core/text.h"
#include "support.h"

#define SENTINEL ((int64_t)0x5a5a5a5a5a5a5a5a)

/* ---- helpers ---- */

static const struct currency *
cur(const char *code)
{
	struct redress_error err;
	const struct currency *c = currency_find(code, &err);

	if (c == NULL)
		fail_msg("currency_find(\"%s\"): %s", code, err.message);
	return c;
}

/* Fails unless text parses in currency code to exactly want. */
static void
parses_to(const char *text, const char *code, int64_t want)
{
	struct redress_error err;
	int64_t got = SENTINEL;
	enum redress_err rc;

	rc = money_parse(text, cur(code), &got, &err);
	if (rc != REDRESS_OK)
		fail_msg("money_parse(\"%s\", %s) failed: %s", text, code, err.message);
	if (got != want)
		fail_msg("money_parse(\"%s\", %s) = %lld, want %lld", text, code, (long long)got,
		         (long long)want);
}

/*
 * Fails unless text is refused with code want_rc and a message holding
 * needle, leaving the output alone: a caller that ignores the error must not
 * find a half-parsed amount.
 */
static void
refused(const char *text, const char *code, enum redress_err want_rc, const char *needle)
{
	struct redress_error err;
	int64_t got = SENTINEL;
	enum redress_err rc;

	memset(&err, 0, sizeof(err));
	rc = money_parse(text, cur(code), &got, &err);
	if (rc != want_rc || err.code != want_rc)
		fail_msg("money_parse(\"%s\", %s) gave %d (%s), want %d", text != NULL ? text : "(null)",
		         code, (int)rc, err.message, (int)want_rc);
	if (strstr(err.message, needle) == NULL)
		fail_msg("money_parse(\"%s\", %s): message \"%s\" does not say \"%s\"",
		         text != NULL ? text : "(null)", code, err.message, needle);
	if (got != SENTINEL)
		fail_msg("money_parse(\"%s\", %s) wrote %lld on failure", text != NULL ? text : "(null)",
		         code, (long long)got);
}

static void
formats_to(int64_t minor, const char *code, const char *want)
{
	char out[MONEY_TEXT_SIZE];

	memset(out, 'X', sizeof(out));
	money_format(minor, cur(code), out, sizeof(out));
	if (strcmp(out, want) != 0)
		fail_msg("money_format(%lld, %s) = \"%s\", want \"%s\"", (long long)minor, code, out, want);
}

/* ---- currencies ---- */

static void
test_currency_find(void **state)
{
	static const struct {
		const char *code;
		unsigned exponent;
	} known[] = {
	    {"KRW", 0}, {"JPY", 0}, {"VND", 0}, {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"KWD", 3},
	};
	static const char *const unknown[] = {"XXX", "usd", "US", "USDX", "", " USD", "KRW\n"};
	struct redress_error err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct currency *c = cur(known[i].code);

		assert_string_equal(c->code, known[i].code);
		assert_int_equal(c->exponent, known[i].exponent);
		/* The same code gives the same currency, so pointers compare. */
		assert_ptr_equal(c, cur(known[i].code));
	}
	for (i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_null(currency_find(unknown[i], &err));
		assert_int_equal(err.code, REDRESS_E_INVALID);
		assert_non_null(strstr(err.message, "unknown currency"));
	}
	assert_null(currency_find("XXX", &err));
	assert_non_null(strstr(err.message, "'XXX'"));
	assert_null(currency_find(NULL, &err));
	assert_int_equal(err.code, REDRESS_E_INVALID);
	/* err may be NULL when the caller only wants the answer. */
	assert_null(currency_find("XXX", NULL));
}

/* ---- money_parse ---- */

static void
test_parse_each_exponent(void **state)
{
	(void)state;
	/* Exponent 0: the text is the count of minor units. */
	parses_to("0", "KRW", 0);
	parses_to("1", "KRW", 1);
	parses_to("100000000", "KRW", 100000000);
	parses_to("1000", "JPY", 1000);

	/* Exponent 2: missing fraction digits are zeros. */
	parses_to("1250.50", "USD", 125050);
	parses_to("1250.5", "USD", 125050);
	parses_to("1250", "USD", 125000);
	parses_to("0.07", "USD", 7);
	parses_to("0.7", "USD", 70);
	parses_to("0", "USD", 0);
	parses_to("0.00", "EUR", 0);

	/* Exponent 3. */
	parses_to("1.234", "KWD", 1234);
	parses_to("1.23", "KWD", 1230);
	parses_to("1.2", "KWD", 1200);
	parses_to("5", "KWD", 5000);
	parses_to("0.001", "KWD", 1);
}

static void
test_parse_too_many_decimals(void **state)
{
	(void)state;
	refused("1.0", "KRW", REDRESS_E_INVALID, "more than 0 decimal places for KRW");
	refused("1.5", "JPY", REDRESS_E_INVALID, "decimal places");
	refused("1.234", "USD", REDRESS_E_INVALID, "more than 2 decimal places for USD");
	refused("0.001", "USD", REDRESS_E_INVALID, "decimal places");
	refused("1.2345", "KWD", REDRESS_E_INVALID, "more than 3 decimal places for KWD");
	/* Trailing zeros are still digits the currency does not have. */
	refused("1.500", "USD", REDRESS_E_INVALID, "decimal places");
}

static void
test_parse_refuses_malformed(void **state)
{
	static const struct {
		const char *text;
		const char *needle;
	} cases[] = {
	    {"1.", "ends in '.'"},
	    {".5", "misplaced '.'"},
	    {".", "misplaced '.'"},
	    {"1.2.3", "misplaced '.'"},
	    {"1..2", "misplaced '.'"},
	    {"-5", "'-' at position 1"},
	    {"+5", "'+' at position 1"},
	    {"1e3", "'e' at position 2"},
	    {"1E3", "'E' at position 2"},
	    {"1,000", "',' at position 2"},
	    {"1_000", "'_' at position 2"},
	    {" 1", "' ' at position 1"},
	    {"1 ", "' ' at position 2"},
	    {"0x10", "'x' at position 2"},
	    {"١", "position 1"}, /* an Arabic-Indic digit is not a digit here */
	    {"1\t", "position 2"},
	    {"", "empty"},
	};
	static const char *const codes[] = {"KRW", "USD", "KWD"};
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (j = 0; j < sizeof(codes) / sizeof(codes[0]); j++) {
			/* In KRW, "1.2.3" already fails at its first fraction digit. */
			if (strcmp(codes[j], "KRW") == 0 && strcmp(cases[i].text, "1.2.3") == 0)
				continue;
			refused(cases[i].text, codes[j], REDRESS_E_INVALID, cases[i].needle);
		}
	refused("1.2.3", "KRW", REDRESS_E_INVALID, "decimal places");
	refused(NULL, "USD", REDRESS_E_INVALID, "empty");
}

/* U+00A0, the no-break space some locales group digits with. */
#define NBSP "\xc2\xa0"

/*
 * A byte that is not printable ASCII is named by its value, rather than
 * echoed as half a character or a terminal control.
 */
static void
test_parse_names_odd_bytes(void **state)
{
	static const char *const cases[] = {"1" NBSP "000", "\xff", "12\x01", "1\x7f", "\x1b[2J"};
	struct redress_error err;
	int64_t v;
	size_t i;

	(void)state;
	refused("1" NBSP "000", "USD", REDRESS_E_INVALID, "byte 0xc2 at position 2");
	refused("12\x01", "KRW", REDRESS_E_INVALID, "byte 0x01 at position 3");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(money_parse(cases[i], cur("USD"), &v, &err), REDRESS_E_INVALID);
		assert_true(text_check("message", err.message, sizeof(err.message), NULL) == REDRESS_OK);
	}
}

static void
test_parse_overflow_boundaries(void **state)
{
	(void)state;
	/* Exponent 0: the digits themselves reach the limit. */
	parses_to("9223372036854775807", "KRW", INT64_MAX);
	parses_to("0009223372036854775807", "KRW", INT64_MAX);
	refused("9223372036854775808", "KRW", REDRESS_E_OVERFLOW, "too large");
	refused("9999999999999999999", "KRW", REDRESS_E_OVERFLOW, "too large");
	refused("18446744073709551616", "KRW", REDRESS_E_OVERFLOW, "too large");
	refused("99999999999999999999999999999999999999999999999999", "JPY", REDRESS_E_OVERFLOW, "too large");

	/* Exponent 2: INT64_MAX is 92233720368547758.07 dollars. */
	parses_to("92233720368547758.07", "USD", INT64_MAX);
	parses_to("92233720368547758.0", "USD", INT64_C(9223372036854775800));
	parses_to("92233720368547758", "USD", INT64_C(9223372036854775800));
	refused("92233720368547758.08", "USD", REDRESS_E_OVERFLOW, "too large");
	refused("92233720368547758.09", "USD", REDRESS_E_OVERFLOW, "too large");
	/* These fit as digits and overflow only when scaled to cents. */
	refused("92233720368547759", "USD", REDRESS_E_OVERFLOW, "too large");
	refused("92233720368547758.1", "USD", REDRESS_E_OVERFLOW, "too large");
	refused("9223372036854775807", "USD", REDRESS_E_OVERFLOW, "too large");

	/* Exponent 3: INT64_MAX is 9223372036854775.807 dinars. */
	parses_to("9223372036854775.807", "KWD", INT64_MAX);
	parses_to("9223372036854775.8", "KWD", INT64_C(9223372036854775800));
	parses_to("9223372036854775", "KWD", INT64_C(9223372036854775000));
	refused("9223372036854775.808", "KWD", REDRESS_E_OVERFLOW, "too large");
	refused("9223372036854776", "KWD", REDRESS_E_OVERFLOW, "too large");
	refused("9223372036854775.81", "KWD", REDRESS_E_OVERFLOW, "too large");
	refused("92233720368547758", "KWD", REDRESS_E_OVERFLOW, "too large");
}

/* ---- money_format ---- */

static void
test_format_exact(void **state)
{
	(void)state;
	formats_to(0, "KRW", "0");
	formats_to(100000000, "KRW", "100000000");
	formats_to(-5, "JPY", "-5");
	formats_to(0, "USD", "0.00");
	formats_to(7, "USD", "0.07");
	formats_to(-7, "USD", "-0.07");
	formats_to(1250, "USD", "12.50");
	formats_to(125050, "USD", "1250.50");
	formats_to(5, "KWD", "0.005");
	formats_to(-1234, "KWD", "-1.234");
	formats_to(INT64_MAX, "KRW", "9223372036854775807");
	formats_to(INT64_MAX, "USD", "92233720368547758.07");
	formats_to(INT64_MAX, "KWD", "9223372036854775.807");
	/* INT64_MIN has no positive counterpart, and is the longest text. */
	formats_to(INT64_MIN, "KRW", "-9223372036854775808");
	formats_to(INT64_MIN, "USD", "-92233720368547758.08");
	formats_to(INT64_MIN, "KWD", "-9223372036854775.808");
	assert_true(strlen("-9223372036854775.808") < MONEY_TEXT_SIZE);
}

/* A short buffer gets a cut, NUL-terminated prefix and nothing beyond it. */
static void
test_format_short_buffer(void **state)
{
	char *out;
	size_t size;

	(void)state;
	for (size = 1; size < MONEY_TEXT_SIZE; size++) {
		/* An exact-size heap block lets the address sanitizer see any overrun. */
		out = malloc(size);
		assert_non_null(out);
		money_format(INT64_MIN, cur("KWD"), out, size);
		assert_true(strlen(out) < size);
		assert_memory_equal(out, "-9223372036854775.808", strlen(out));
		free(out);
	}
}

/* What money_format writes, money_parse reads back, in every exponent. */
static void
test_format_round_trip(void **state)
{
	static const char *const codes[] = {"KRW", "JPY", "USD", "KWD"};
	uint64_t seed = 20240601;
	struct redress_error err;
	char out[MONEY_TEXT_SIZE];
	const char *point;
	size_t i, j;
	int64_t v, back;

	(void)state;
	for (i = 0; i < 50000; i++) {
		uint64_t r = support_random(&seed);

		/* Shift by a random amount so that small values are as common as large ones. */
		v = (int64_t)(r >> (support_random(&seed) % 64));
		if (support_random(&seed) & 1)
			v = -v;
		for (j = 0; j < sizeof(codes) / sizeof(codes[0]); j++) {
			const struct currency *c = cur(codes[j]);

			money_format(v, c, out, sizeof(out));
			point = strchr(out, '.');
			if (c->exponent == 0)
				assert_null(point);
			else
				assert_int_equal(strlen(point + 1), c->exponent);
			if (v >= 0) {
				assert_int_equal(money_parse(out, c, &back, &err), REDRESS_OK);
				assert_int_equal(back, v);
			} else {
				assert_int_equal(out[0], '-');
				assert_int_equal(money_parse(out + 1, c, &back, &err), REDRESS_OK);
				assert_int_equal(back, -v);
			}
		}
	}
}

/* ---- money_add and money_sub ---- */

static void
test_add_sub_boundaries(void **state)
{
	struct redress_error err;
	int64_t r;

	(void)state;
	assert_int_equal(money_add(INT64_MAX, 0, &r, &err), REDRESS_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_add(INT64_MAX - 1, 1, &r, &err), REDRESS_OK);
	assert_int_equal(r, INT64_MAX);
	assert_int_equal(money_add(INT64_MIN, INT64_MAX, &r, &err), REDRESS_OK);
	assert_int_equal(r, -1);
	assert_int_equal(money_add(INT64_MIN, 0, &r, &err), REDRESS_OK);
	assert_int_equal(r, INT64_MIN);
	assert_int_equal(money_sub(-1, INT64_MAX, &r, &err), REDRESS_OK);
	assert_int_equal(r, INT64_MIN);
	assert_int_equal(money_sub(0, INT64_MAX, &r, &err), REDRESS_OK);
	assert_int_equal(r, -INT64_MAX);
	assert_int_equal(money_sub(INT64_MAX, INT64_MAX, &r, &err), REDRESS_OK);
	assert_int_equal(r, 0);

	/* Each overflow is an error and leaves the result as it was. */
	r = SENTINEL;
	assert_int_equal(money_add(INT64_MAX, 1, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(err.code, REDRESS_E_OVERFLOW);
	assert_non_null(strstr(err.message, "overflows"));
	assert_int_equal(money_add(1, INT64_MAX, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(money_add(INT64_MAX, INT64_MAX, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(money_add(INT64_MIN, -1, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(money_add(INT64_MIN, INT64_MIN, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(money_sub(INT64_MIN, 1, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(money_sub(0, INT64_MIN, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(money_sub(-1, INT64_MIN, &r, &err), REDRESS_OK);
	assert_int_equal(r, INT64_MAX);
	r = SENTINEL;
	assert_int_equal(money_sub(INT64_MAX, -1, &r, &err), REDRESS_E_OVERFLOW);
	assert_non_null(strstr(err.message, "overflows"));
	assert_int_equal(money_sub(INT64_MIN, INT64_MAX, &r, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(r, SENTINEL);
	/* err may be NULL. */
	assert_int_equal(money_add(INT64_MAX, 1, &r, NULL), REDRESS_E_OVERFLOW);
}

/* ---- UTF-8 ---- */

/*
 * Checks the len bytes at s from an exact-size heap copy, so that a read
 * past len is an address-sanitizer error rather than a silent pass.
 */
static int
utf8_valid_exact(const char *s, size_t len)
{
	char *copy = malloc(len > 0 ? len : 1);
	int ok;

	assert_non_null(copy);
	memcpy(copy, s, len);
	ok = text_utf8_valid(copy, len);
	free(copy);
	return ok;
}

static void
test_utf8_known(void **state)
{
	static const char *const valid[] = {
	    "",
	    "plain ASCII",
	    "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4", /* 한국어 */
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", /* 日本語 */
	    "\xf0\x9f\x98\x80",                     /* U+1F600, an emoji */
	    "\xc2\x80",                             /* U+0080, the first two-byte */
	    "\xdf\xbf",                             /* U+07FF, the last two-byte */
	    "\xe0\xa0\x80",                         /* U+0800, the first three-byte */
	    "\xed\x9f\xbf",                         /* U+D7FF, just below the surrogates */
	    "\xee\x80\x80",                         /* U+E000, just above them */
	    "\xef\xbf\xbf",                         /* U+FFFF */
	    "\xf0\x90\x80\x80",                     /* U+10000, the first four-byte */
	    "\xf4\x8f\xbf\xbf",                     /* U+10FFFF, the last code point */
	    "a\xc3\xa9z\xf0\x9f\x98\x80!",          /* mixed widths */
	};
	static const char *const invalid[] = {
	    "\xc0\x80",                 /* overlong NUL */
	    "\xc1\xbf",                 /* overlong U+007F */
	    "\xe0\x80\x80",             /* overlong NUL, three bytes */
	    "\xe0\x9f\xbf",             /* overlong U+07FF */
	    "\xf0\x80\x80\x80",         /* overlong NUL, four bytes */
	    "\xf0\x8f\xbf\xbf",         /* overlong U+FFFF */
	    "\xed\xa0\x80",             /* U+D800, a surrogate */
	    "\xed\xbf\xbf",             /* U+DFFF */
	    "\xed\xa0\xbd\xed\xb8\x80", /* a surrogate pair written as CESU-8 */
	    "\xf4\x90\x80\x80",         /* U+110000, beyond Unicode */
	    "\xf5\x80\x80\x80",
	    "\xf8\x88\x80\x80\x80", /* old five-byte form */
	    "\xfe",
	    "\xff",
	    "\xc3",            /* truncated two-byte */
	    "\xe6\x97",        /* truncated three-byte */
	    "\xf0\x9f\x98",    /* truncated four-byte */
	    "abc\xf0\x9f\x98", /* truncated at the end of text */
	    "\x80",            /* lone continuation */
	    "\xbf",
	    "a\x80z",
	    "\xc3\xa9\xa9", /* one continuation too many */
	    "\xc3\x28",     /* lead byte then ASCII */
	    "\xe6\x28\xa5",
	    "\xf0\x9f\x28\x80",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		if (!utf8_valid_exact(valid[i], strlen(valid[i])))
			fail_msg("valid UTF-8 case %zu refused", i);
	for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++)
		if (utf8_valid_exact(invalid[i], strlen(invalid[i])))
			fail_msg("invalid UTF-8 case %zu accepted", i);

	/* len, not a NUL, ends the text: a NUL is a valid character, and a cut sequence is invalid. */
	assert_true(utf8_valid_exact("a\0b", 3));
	assert_false(utf8_valid_exact("\xed\x95\x9c", 2));
	assert_false(utf8_valid_exact("\xf0\x9f\x98\x80", 3));
	assert_true(utf8_valid_exact("\xf0\x9f\x98\x80\xff", 4));
}

/*
 * Every string of one and two bytes, and of three bytes starting at 0xc0 or
 * above (below that, the first byte decides alone and the rest is the
 * two-byte case), against table 3-7.
 */
static void
test_utf8_exhaustive(void **state)
{
	unsigned char s[4];
	uint32_t v;
	uint64_t seed = 7;
	size_t i;

	(void)state;
	for (v = 0; v < 0x100; v++) {
		s[0] = (unsigned char)v;
		assert_int_equal(text_utf8_valid((const char *)s, 1), support_utf8_valid(s, 1));
	}
	for (v = 0; v < 0x10000; v++) {
		s[0] = (unsigned char)(v >> 8);
		s[1] = (unsigned char)v;
		assert_int_equal(text_utf8_valid((const char *)s, 2), support_utf8_valid(s, 2));
	}
	for (v = 0xc00000; v < 0x1000000; v++) {
		s[0] = (unsigned char)(v >> 16);
		s[1] = (unsigned char)(v >> 8);
		s[2] = (unsigned char)v;
		if (text_utf8_valid((const char *)s, 3) != support_utf8_valid(s, 3))
			fail_msg("%02x %02x %02x: text_utf8_valid disagrees with table 3-7", s[0], s[1],
			         s[2]);
	}
	/* Four bytes: every lead byte from 0xf0, with random continuations. */
	for (i = 0; i < 1000000; i++) {
		uint64_t r = support_random(&seed);

		s[0] = (unsigned char)(0xf0 | (r & 0x0f));
		s[1] = (unsigned char)(r >> 8);
		s[2] = (unsigned char)(r >> 16);
		s[3] = (unsigned char)(r >> 24);
		/* Most random bytes are not continuations; bias towards ones that are. */
		if (r & (1ULL << 40)) {
			s[1] = (unsigned char)(0x80 | (s[1] & 0x3f));
			s[2] = (unsigned char)(0x80 | (s[2] & 0x3f));
			s[3] = (unsigned char)(0x80 | (s[3] & 0x3f));
		}
		if (text_utf8_valid((const char *)s, 4) != support_utf8_valid(s, 4))
			fail_msg("%02x %02x %02x %02x: text_utf8_valid disagrees with table 3-7", s[0], s[1],
			         s[2], s[3]);
	}
}

/* ---- text_check ---- */

static void
text_refused(const char *s, size_t max, const char *needle)
{
	struct redress_error err;

	memset(&err, 0, sizeof(err));
	if (text_check("account name", s, max, &err) != REDRESS_E_INVALID || err.code != REDRESS_E_INVALID)
		fail_msg("text_check(\"%s\") accepted", s != NULL ? s : "(null)");
	if (strstr(err.message, "account name") == NULL || strstr(err.message, needle) == NULL)
		fail_msg("text_check: message \"%s\" does not name the field and say \"%s\"", err.message,
		         needle);
}

static void
test_text_check(void **state)
{
	static const char *const ok[] = {
	    "Bank",
	    "Reparations fund, 2024 (KRW)",
	    "\xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xec\x9d\x80\xed\x96\x89",
	    "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    "\xf0\x9f\x98\x80",
	    "~!@#$%^&*()\"'\\<>",
	    "\xc2\xa0", /* U+00A0, no-break space: printable, just after the C1 controls */
	};
	struct redress_error err;
	char long_text[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (text_check("name", ok[i], 200, &err) != REDRESS_OK)
			fail_msg("text_check(\"%s\"): %s", ok[i], err.message);

	text_refused("", 200, "empty");
	text_refused(NULL, 200, "empty");
	text_refused("a\tb", 200, "control character at byte 2");
	text_refused("a\nb", 200, "control character at byte 2");
	text_refused("\x01", 200, "control character at byte 1");
	text_refused("ab\x1f", 200, "control character at byte 3");
	text_refused("abc\x7f", 200, "control character at byte 4");
	text_refused("\x1b[31mred", 200, "control character at byte 1");
	/* The C1 controls U+0080..U+009F are control characters too (CSI is U+009B). */
	text_refused("a\xc2\x80", 200, "control character at byte 2");
	text_refused("\xc2\x85", 200, "control character at byte 1");
	text_refused("x\xc2\x9b"
	             "31m",
	             200, "control character at byte 2");
	text_refused("ab\xc2\x9f", 200, "control character at byte 3");
	text_refused("\xff", 200, "not valid UTF-8");
	text_refused("ok\xc0\x80", 200, "not valid UTF-8");
	text_refused("\xed\xa0\x80", 200, "not valid UTF-8");
	text_refused("\xf4\x90\x80\x80", 200, "not valid UTF-8");
	text_refused("\xe6\x97", 200, "not valid UTF-8");

	/* The limit counts bytes, not characters. */
	memset(long_text, 'a', sizeof(long_text));
	long_text[200] = '\0';
	assert_int_equal(text_check("name", long_text, 200, &err), REDRESS_OK);
	long_text[200] = 'a';
	long_text[201] = '\0';
	text_refused(long_text, 200, "201 bytes long; the limit is 200");
	assert_int_equal(text_check("name", "\xed\x95\x9c", 3, &err), REDRESS_OK);
	text_refused("\xed\x95\x9c", 2, "limit is 2");
}

/* ---- text_check_id ---- */

static void
id_refused(const char *s, size_t max, const char *extra, const char *needle)
{
	struct redress_error err;

	memset(&err, 0, sizeof(err));
	if (text_check_id("account code", s, max, extra, &err) != REDRESS_E_INVALID ||
	    err.code != REDRESS_E_INVALID)
		fail_msg("text_check_id(\"%s\", \"%s\") accepted", s != NULL ? s : "(null)", extra);
	if (strstr(err.message, "account code") == NULL || strstr(err.message, needle) == NULL)
		fail_msg("text_check_id: message \"%s\" does not name the field and say \"%s\"", err.message,
		         needle);
}

static void
test_text_check_id(void **state)
{
	static const struct {
		const char *id;
		const char *extra;
	} ok[] = {
	    {"a", ""},
	    {"Z", ""},
	    {"0", ""},
	    {"A1b2C3", ""},
	    {"bank:krw", "._:-"},
	    {"exchange:USD", "._:-"},
	    {"x....", "._:-"},
	    {"9:-.", "._:-"},
	    {"t-1.2_3", "._:-_"},
	};
	struct redress_error err;
	char id[80];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (text_check_id("account code", ok[i].id, 64, ok[i].extra, &err) != REDRESS_OK)
			fail_msg("text_check_id(\"%s\"): %s", ok[i].id, err.message);

	/* The first character must be a letter or digit, even when extra allows it later. */
	id_refused(":bank", 64, "._:-", "':' at position 1");
	id_refused(".a", 64, "._:-", "'.' at position 1");
	id_refused("-", 64, "._:-", "'-' at position 1");
	id_refused("_a", 64, "._:-_", "'_' at position 1");
	assert_int_equal(text_check_id("account code", "a:", 64, "._:-", &err), REDRESS_OK);

	/* Only the given extras. */
	id_refused("a/b", 64, "._:-", "'/' at position 2");
	assert_int_equal(text_check_id("transfer id", "a/b", 64, "._:-/", &err), REDRESS_OK);
	id_refused("a.b", 64, "", "'.' at position 2");
	id_refused("a b", 64, "._:-", "' ' at position 2");
	id_refused("ab\"", 64, "._:-", "'\"' at position 3");

	/* Bytes outside printable ASCII are named by value. */
	id_refused("caf\xc3\xa9", 64, "._:-", "byte 0xc3 at position 4");
	id_refused("a\tb", 64, "._:-", "byte 0x09 at position 2");
	id_refused("a\x7f", 64, "._:-", "byte 0x7f at position 2");
	id_refused("\xed\x95\x9c", 64, "._:-", "byte 0xed at position 1");

	id_refused("", 64, "._:-", "empty");
	id_refused(NULL, 64, "._:-", "empty");

	memset(id, 'a', sizeof(id));
	id[64] = '\0';
	assert_int_equal(text_check_id("account code", id, 64, "", &err), REDRESS_OK);
	id[64] = 'a';
	id[65] = '\0';
	id_refused(id, 64, "", "longer than 64 characters");
	assert_int_equal(text_check_id("account code", "ab", 2, "", &err), REDRESS_OK);
	id_refused("abc", 2, "", "longer than 2");
}

/* ---- text_parse_u64 ---- */

static void
test_text_parse_u64(void **state)
{
	static const char *const bad[] = {"-1", "+1", " 1", "1 ", "0x10", "1.0", "1e3", "1,000", "a", "\xff"};
	struct redress_error err;
	unsigned long long v;
	size_t i;

	(void)state;
	assert_int_equal(text_parse_u64("seq", "0", &v, &err), REDRESS_OK);
	assert_int_equal(v, 0);
	assert_int_equal(text_parse_u64("seq", "42", &v, &err), REDRESS_OK);
	assert_int_equal(v, 42);
	assert_int_equal(text_parse_u64("seq", "000123", &v, &err), REDRESS_OK);
	assert_int_equal(v, 123);
	assert_int_equal(text_parse_u64("seq", "18446744073709551615", &v, &err), REDRESS_OK);
	assert_true(v == UINT64_MAX);

	v = 77;
	assert_int_equal(text_parse_u64("seq", "18446744073709551616", &v, &err), REDRESS_E_OVERFLOW);
	assert_non_null(strstr(err.message, "seq '18446744073709551616' is too large"));
	assert_int_equal(text_parse_u64("seq", "18446744073709551620", &v, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(text_parse_u64("seq", "99999999999999999999", &v, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(v, 77);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(text_parse_u64("tree size", bad[i], &v, &err), REDRESS_E_INVALID);
		assert_non_null(strstr(err.message, "tree size"));
		assert_non_null(strstr(err.message, "not a whole number"));
		assert_int_equal(v, 77);
	}
	assert_int_equal(text_parse_u64("tree size", "", &v, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "tree size is empty"));
	assert_int_equal(text_parse_u64("tree size", NULL, &v, &err), REDRESS_E_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_currency_find),
	    cmocka_unit_test(test_parse_each_exponent),
	    cmocka_unit_test(test_parse_too_many_decimals),
	    cmocka_unit_test(test_parse_refuses_malformed),
	    cmocka_unit_test(test_parse_names_odd_bytes),
	    cmocka_unit_test(test_parse_overflow_boundaries),
	    cmocka_unit_test(test_format_exact),
	    cmocka_unit_test(test_format_short_buffer),
	    cmocka_unit_test(test_format_round_trip),
	    cmocka_unit_test(test_add_sub_boundaries),
	    cmocka_unit_test(test_utf8_known),
	    cmocka_unit_test(test_utf8_exhaustive),
	    cmocka_unit_test(test_text_check),
	    cmocka_unit_test(test_text_check_id),
	    cmocka_unit_test(test_text_parse_u64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
