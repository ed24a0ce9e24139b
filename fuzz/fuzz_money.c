/*
 * fuzz_money.c -- libFuzzer target for amounts (core/money.c) and outside
 * text (core/text.c).
 *
 * Each input, NUL-terminated, is read as an amount in KRW, USD and KWD (the
 * exponents 0, 2 and 3), as free text, as an identifier and as a whole
 * number.  Besides crashes and undefined behaviour, the target aborts when
 * an answer contradicts another:
 *   - an amount that parses must format to text that parses back to it;
 *   - sums and differences of parsed amounts must fail exactly when the
 *     exact result is outside int64;
 *   - text that text_check or text_check_id accepts must really be made of
 *     what they promise, and a number text_parse_u64 accepts must print
 *     back as the input without its leading zeros;
 *   - text_utf8_valid must agree with a checker written from table 3-7 of
 *     the Unicode standard (well-formed UTF-8 byte sequences).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/money.h"
#include "core/text.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_TEXT_MAX 200 /* like LEDGER_NAME_MAX: long inputs exercise the limit */
#define FUZZ_ID_MAX   64
#define FUZZ_ID_EXTRA "._:-"

/* A refusal must be one of the documented codes, with a message. */
static void
check_refusal(enum redress_err rc, const struct redress_error *err)
{
	if ((rc != REDRESS_E_INVALID && rc != REDRESS_E_OVERFLOW) || err->code != rc ||
	    err->message[0] == '\0')
		abort();
}

/* Parses text as an amount in code; returns 1 with *minor_r when it is one. */
static int
amount(const char *text, const char *code, int64_t *minor_r)
{
	struct redress_error err;
	const struct currency *cur;
	char out[MONEY_TEXT_SIZE];
	int64_t minor, back;
	enum redress_err rc;

	if ((cur = currency_find(code, &err)) == NULL)
		abort();
	rc = money_parse(text, cur, &minor, &err);
	if (rc != REDRESS_OK) {
		check_refusal(rc, &err);
		return 0;
	}
	if (minor < 0)
		abort();
	money_format(minor, cur, out, sizeof(out));
	if (strlen(out) >= sizeof(out) - 1 || money_parse(out, cur, &back, &err) != REDRESS_OK ||
	    back != minor)
		abort();
	*minor_r = minor;
	return 1;
}

/* a and b are amounts, so not negative, which keeps the reference checks in range. */
static void
check_arithmetic(int64_t a, int64_t b)
{
	struct redress_error err;
	int64_t r = 0;
	int ok;

	ok = money_add(a, b, &r, &err) == REDRESS_OK;
	if (ok != (a <= INT64_MAX - b) || (ok && r != a + b))
		abort();
	ok = money_sub(a, b, &r, &err) == REDRESS_OK;
	if (!ok || r != a - b)
		abort();
	ok = money_sub(-a, b, &r, &err) == REDRESS_OK;
	if (ok != (-a >= INT64_MIN + b) || (ok && r != -a - b))
		abort();
}

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static void
check_text(const char *s)
{
	struct redress_error err;
	unsigned long long v;
	enum redress_err rc;
	char back[32];
	size_t len = strlen(s), i;

	rc = text_check("name", s, FUZZ_TEXT_MAX, &err);
	if (rc == REDRESS_OK) {
		if (len == 0 || len > FUZZ_TEXT_MAX || !support_utf8_valid((const unsigned char *)s, len))
			abort();
		for (i = 0; i < len; i++)
			if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
			    ((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] >= 0x80 &&
			     (unsigned char)s[i + 1] <= 0x9f))
				abort();
	} else if (rc != REDRESS_E_INVALID || err.code != rc) {
		abort();
	}

	rc = text_check_id("id", s, FUZZ_ID_MAX, FUZZ_ID_EXTRA, &err);
	if (rc == REDRESS_OK) {
		if (len == 0 || len > FUZZ_ID_MAX || !is_alnum(s[0]))
			abort();
		for (i = 1; i < len; i++)
			if (!is_alnum(s[i]) && strchr(FUZZ_ID_EXTRA, s[i]) == NULL)
				abort();
	} else if (rc != REDRESS_E_INVALID || err.code != rc) {
		abort();
	}

	rc = text_parse_u64("number", s, &v, &err);
	if (rc == REDRESS_OK) {
		/* Printed back, the number is the input without its leading zeros. */
		while (s[0] == '0' && s[1] != '\0')
			s++;
		snprintf(back, sizeof(back), "%llu", v);
		if (strcmp(back, s) != 0)
			abort();
	} else {
		check_refusal(rc, &err);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t krw = 0, usd = 0, kwd = 0;
	int have_krw, have_usd, have_kwd;
	char *text;

	/* The raw bytes, NULs and all, against the reference. */
	if (text_utf8_valid((const char *)data, size) != support_utf8_valid(data, size))
		abort();

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	have_krw = amount(text, "KRW", &krw);
	have_usd = amount(text, "USD", &usd);
	have_kwd = amount(text, "KWD", &kwd);
	/* The same digits in a currency with more decimals are more minor units. */
	if (have_krw && have_usd && usd / 100 != krw)
		abort();
	if (have_usd && have_kwd && kwd / 10 != usd)
		abort();
	if (have_krw)
		check_arithmetic(krw, have_usd ? usd : krw);
	if (have_kwd)
		check_arithmetic(kwd, kwd);

	check_text(text);
	free(text);
	return 0;
}
