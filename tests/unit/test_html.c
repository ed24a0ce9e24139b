/*
 * test_html.c -- the pages' escaping (http/html.h) and their language
 * (http/i18n.h).
 *
 * Hostile values go through every context a page has -- text, attribute,
 * href, URL component -- and what comes out must be inert: no '<' that
 * opens a tag, no quote that ends an attribute, no scheme but http(s) in
 * an href, and UTF-8 (Korean, Japanese, emoji) passed through while broken
 * bytes are replaced.  Then the language choice from Accept-Language, the
 * amounts and dates as each language writes them, and the catalogues from
 * the build tree when the machine has the locales, and the program
 * parser's refusals in Korean and Japanese.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/html.h"
#include "domain/programs/programs.h"
#include "http/i18n.h"
#include "http/page.h"

static const char *const hostile[] = {
    "<script>alert(1)</script>",        "\"><img src=x onerror=alert(1)>",       "' onmouseover='alert(1)",
    "</textarea><svg/onload=alert(1)>", "&lt;already escaped&gt; & <b>bold</b>", "javascript:alert(1)",
    "피해자 <b>김</b> \"따옴표\"",      "被害者「山田」<i>'引用'</i>",           "emoji \xF0\x9F\x98\x80 <x>",
};

/* 1 when s holds none of the characters that could end a context or open markup. */
static int
inert(const char *s)
{
	return strchr(s, '<') == NULL && strchr(s, '>') == NULL && strchr(s, '"') == NULL &&
	       strchr(s, '\'') == NULL;
}

static void
test_text_escapes_markup(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		buf_init(&b, 4096);
		html_text(&b, hostile[i]);
		assert_int_equal(buf_error(&b, NULL), REDRESS_OK);
		assert_true(inert(b.data));
		/* Every '&' starts one of our entities: nothing the input had survives as markup. */
		for (const char *amp = strchr(b.data, '&'); amp != NULL; amp = strchr(amp + 1, '&'))
			assert_true(strncmp(amp, "&amp;", 5) == 0 || strncmp(amp, "&lt;", 4) == 0 ||
			            strncmp(amp, "&gt;", 4) == 0 || strncmp(amp, "&quot;", 6) == 0 ||
			            strncmp(amp, "&#39;", 5) == 0);
		buf_free(&b);
	}
	buf_init(&b, 4096);
	html_text(&b, "<script>&\"'");
	assert_string_equal(b.data, "&lt;script&gt;&amp;&quot;&#39;");
	buf_free(&b);
}

static void
test_text_keeps_utf8_and_repairs_bytes(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 4096);
	html_text(&b, "한국어 日本語 \xF0\x9F\x98\x80");
	assert_string_equal(b.data, "한국어 日本語 \xF0\x9F\x98\x80");
	buf_reset(&b);
	/* A lone continuation byte, an overlong '<' (C0 BC), a surrogate (ED A0 80), a cut sequence. */
	html_text(&b, "a\x80"
	              "b\xC0\xBC"
	              "c\xED\xA0\x80"
	              "d\xE3\x81");
	assert_non_null(strstr(b.data, "a\xEF\xBF\xBD"
	                               "b"));
	assert_null(strchr(b.data, '<'));
	assert_null(strstr(b.data, "\xED\xA0"));
	assert_non_null(strstr(b.data, "d\xEF\xBF\xBD"));
	buf_reset(&b);
	/* Control bytes go, tab and newline stay. */
	html_text(&b, "x\x01y\tz\n\x1b");
	assert_string_equal(b.data, "xy\tz\n");
	buf_reset(&b);
	html_textf(&b, "%s=%d", "<v>", 42);
	assert_string_equal(b.data, "&lt;v&gt;=42");
	buf_free(&b);
}

static void
test_attribute_always_quoted(void **state)
{
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		buf_init(&b, 4096);
		html_attr(&b, "value", hostile[i]);
		/* ` value="...."`: exactly two quotes, and they are ours. */
		assert_true(strncmp(b.data, " value=\"", 8) == 0);
		assert_int_equal(b.data[b.len - 1], '"');
		b.data[b.len - 1] = '\0';
		assert_true(inert(b.data + 8));
		buf_free(&b);
	}
	buf_init(&b, 64);
	html_attr(&b, "title", NULL);
	assert_string_equal(b.data, " title=\"\"");
	buf_free(&b);
}

static void
test_href_schemes(void **state)
{
	static const char *const good[] = {
	    "/persons",           "?lang=ko", "persons/V-000001", "#main", "", "https://example.org/x?a=1",
	    "HTTP://example.org/"};
	static const char *const bad[] = {
	    "javascript:alert(1)",     "JavaScript:alert(1)",  "java\nscript:alert(1)",
	    "data:text/html,<script>", "vbscript:x",           "//evil.example/",
	    "\\\\evil.example",        " javascript:alert(1)", "file:///etc/passwd"};
	struct buf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(html_url_ok(good[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(html_url_ok(bad[i]));
		buf_init(&b, 256);
		html_href(&b, "href", bad[i]);
		assert_string_equal(b.data, " href=\"#\"");
		buf_free(&b);
	}
	/* A relative URL with markup in it is still escaped as an attribute. */
	buf_init(&b, 256);
	html_href(&b, "href", "/x?q=\"><script>");
	assert_string_equal(b.data, " href=\"/x?q=&quot;&gt;&lt;script&gt;\"");
	buf_free(&b);
}

static void
test_url_component(void **state)
{
	struct buf b;
	size_t i, j;

	(void)state;
	buf_init(&b, 4096);
	html_url_component(&b, "V-000001");
	assert_string_equal(b.data, "V-000001");
	buf_reset(&b);
	html_url_component(&b, "a/b?c=d&e#f g");
	assert_string_equal(b.data, "a%2Fb%3Fc%3Dd%26e%23f%20g");
	buf_reset(&b);
	html_url_component(&b, "김");
	assert_string_equal(b.data, "%EA%B9%80");
	buf_free(&b);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
		buf_init(&b, 4096);
		html_href_path_suffix(&b, "action", "/persons/", hostile[i], "/reveal");
		assert_true(strncmp(b.data, " action=\"/persons/", 18) == 0);
		assert_true(strcmp(b.data + b.len - 9, "/reveal\"") == 0 ||
		            strstr(b.data, "/reveal\"") != NULL);
		/* Between the prefix and the suffix: only unreserved characters and %XX. */
		for (j = 18; j < b.len - 9; j++)
			assert_non_null(
			    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%",
			           b.data[j]));
		buf_free(&b);
	}
}

static void
test_raw_const_is_literal(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 64);
	/* html_raw_const(&b, some_variable) does not compile: the macro pastes "" around its argument. */
	html_raw_const(&b, "<p>");
	assert_string_equal(b.data, "<p>");
	buf_free(&b);
}

static void
test_buffer_limit_sticky(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, 16);
	html_text(&b, "<<<<<<<<<<"); /* 40 bytes escaped */
	assert_int_not_equal(buf_error(&b, NULL), REDRESS_OK);
	buf_free(&b);
}

static void
test_accept_language(void **state)
{
	(void)state;
	assert_int_equal(i18n_accept("ja-JP,ja;q=0.9,en;q=0.8"), I18N_JA);
	assert_int_equal(i18n_accept("en-US,en;q=0.9,ko;q=0.8"), I18N_EN);
	assert_int_equal(i18n_accept("fr;q=1, ko;q=0.5, ja;q=0.7"), I18N_JA);
	assert_int_equal(i18n_accept("ko-KR"), I18N_KO);
	assert_int_equal(i18n_accept("fr, de"), -1);
	assert_int_equal(i18n_accept("*"), -1);
	assert_int_equal(i18n_accept("kok, jav"), -1);
	assert_int_equal(i18n_accept(NULL), -1);
	assert_int_equal(i18n_accept("ja;q=0, en;q=0.1"), I18N_EN);
	assert_int_equal(i18n_parse("ja"), I18N_JA);
	assert_int_equal(i18n_parse("jp"), -1);
	assert_int_equal(i18n_parse(NULL), -1);
}

static void
test_money_and_dates(void **state)
{
	static const struct {
		enum i18n_lang lang;
		int64_t minor;
		const char *code, *want;
	} cases[] = {
	    {I18N_KO, 100000000, "KRW", "100,000,000원"},
	    {I18N_KO, 1000000000, "JPY", "1,000,000,000엔"},
	    {I18N_KO, 123450, "USD", "US$1,234.50"},
	    {I18N_JA, 100000000, "KRW", "100,000,000ウォン"},
	    {I18N_JA, 1000000000, "JPY", "1,000,000,000円"},
	    {I18N_JA, 5, "USD", "0.05米ドル"},
	    {I18N_EN, 20000000, "KRW", "KRW 20,000,000"},
	    {I18N_EN, -1000, "JPY", "JPY -1,000"},
	    {I18N_EN, 999, "KRW", "KRW 999"},
	    {I18N_EN, INT64_MIN, "KRW", "KRW -9,223,372,036,854,775,808"},
	};
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 256);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		i18n_money(&b, cases[i].lang, cases[i].minor, cases[i].code);
		assert_string_equal(b.data, cases[i].want);
	}
	buf_reset(&b);
	i18n_date(&b, I18N_KO, "2015-12-28");
	assert_string_equal(b.data, "2015년 12월 28일");
	buf_reset(&b);
	i18n_date(&b, I18N_JA, "2015-12-28T10:00:00Z");
	assert_string_equal(b.data, "2015年12月28日");
	buf_reset(&b);
	i18n_date(&b, I18N_EN, "2015-12-28");
	assert_string_equal(b.data, "28 December 2015");
	buf_reset(&b);
	i18n_date(&b, I18N_EN, "not a date");
	assert_string_equal(b.data, "not a date");
	buf_free(&b);
}

static void
test_catalogues(void **state)
{
	locale_t ko = newlocale(LC_MESSAGES_MASK, "ko_KR.UTF-8", (locale_t)0);
	locale_t ja = newlocale(LC_MESSAGES_MASK, "ja_JP.UTF-8", (locale_t)0);

	(void)state;
	if (ko == (locale_t)0 || ja == (locale_t)0) {
		/* Loud, not silent: the pages would be English on this machine. */
		fprintf(stderr, "test_html: ko_KR.UTF-8 or ja_JP.UTF-8 not generated (scripts/install-deps "
		                "does it); skipping the catalogue check\n");
		if (ko != (locale_t)0)
			freelocale(ko);
		if (ja != (locale_t)0)
			freelocale(ja);
		skip();
	}
	freelocale(ko);
	freelocale(ja);
	i18n_init(NULL);
	assert_string_equal(i18n_get(I18N_KO, "Sign in"), "로그인");
	assert_string_equal(i18n_get(I18N_JA, "Sign in"), "ログイン");
	assert_string_equal(i18n_get(I18N_EN, "Sign in"), "Sign in");
	/* An unknown msgid is itself. */
	assert_string_equal(i18n_get(I18N_KO, "no such message"), "no such message");
}

/* Whether the locales the catalogues need are there (else the test is skipped, loudly). */
static int
have_locales(void)
{
	locale_t ko = newlocale(LC_MESSAGES_MASK, "ko_KR.UTF-8", (locale_t)0);
	locale_t ja = newlocale(LC_MESSAGES_MASK, "ja_JP.UTF-8", (locale_t)0);
	int ok = ko != (locale_t)0 && ja != (locale_t)0;

	if (ko != (locale_t)0)
		freelocale(ko);
	if (ja != (locale_t)0)
		freelocale(ja);
	if (!ok)
		fprintf(stderr, "test_html: ko_KR.UTF-8 or ja_JP.UTF-8 not generated; skipping\n");
	return ok;
}

/* The parser's message for text, in lang. */
static void
refusal(const char *text, enum i18n_lang lang, struct buf *out)
{
	struct redress_error err;
	struct program *p = malloc(sizeof(*p));

	assert_non_null(p);
	memset(&err, 0, sizeof(err));
	if (program_parse(text, strlen(text), p, &err) == REDRESS_OK)
		fail_msg("accepted: %s", text);
	free(p);
	buf_reset(out);
	page_program_error(out, lang, err.message);
}

#define PROGRAM_HEAD                                                                                         \
	"{\"code\": \"p-1\", \"name\": \"P\", \"currency\": \"KRW\", \"cutoff\": \"2015-12-28\", "           \
	"\"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:p-1\", \"expense\": "                 \
	"\"benefits:p-1\"}, "                                                                                \
	"\"approvals\": 2"

/*
 * Programs refused by the parser for many reasons: each refusal in Korean
 * and Japanese has the words of its language and none of the English
 * sentence, the quoted field names kept.
 */
static void
test_program_errors(void **state)
{
	static const char *const bad[] = {
	    PROGRAM_HEAD "}",
	    PROGRAM_HEAD ", \"benefits\": {\"survivor\": \"100,000,000\", \"bereaved\": \"0\"}}",
	    PROGRAM_HEAD ", \"benefits\": {\"survivor\": \"1\", \"bereaved\": \"0\"}, \"colour\": 1}",
	    PROGRAM_HEAD ", \"benefits\": {\"survivor\": \"1\", \"bereaved\": \"0\", \"orphan\": \"1\"}}",
	    PROGRAM_HEAD ", \"harms\": [{\"code\": \"injury\", \"amount\": \"5000\"}]}",
	    PROGRAM_HEAD ", \"harms\": [{\"code\": \"injury\", \"names\": {}, \"amount\": \"5000\"}]}",
	    PROGRAM_HEAD ", \"harms\": [{\"code\": \"injury\", \"names\": {\"ko\": \"상해\"}, "
	                 "\"amount\": {\"unit\": \"wage\", \"quantity\": \"4\"}}]}",
	    PROGRAM_HEAD
	    ", \"harms\": [{\"code\": \"injury\", \"names\": {\"ko\": \"상해\"}, \"amount\": \"5000\"}, "
	    "{\"code\": \"injury\", \"names\": {\"ko\": \"상해\"}, \"amount\": \"5000\"}]}",
	    PROGRAM_HEAD ", \"benefits\": {\"survivor\": \"1\", \"bereaved\": \"0\"}, "
	                 "\"payment\": {\"form\": \"instalments\", \"count\": 12, \"every_months\": 1}}",
	    PROGRAM_HEAD
	    ", \"benefits\": {\"survivor\": \"1\", \"bereaved\": \"0\"}, \"priority\": [\"age\", \"age\"]}",
	    PROGRAM_HEAD ", \"benefits\": {\"survivor\": \"0\", \"bereaved\": \"0\"}}",
	    "{\"code\": \"p-1\", \"name\": \"P\", \"currency\": \"XXX\", \"cutoff\": \"2015-12-28\"}",
	    "{\"code\": \"P 1\", \"name\": \"P\", \"currency\": \"KRW\", \"cutoff\": \"2015-12-28\"}",
	    "{\"code\": \"p-1\", \"name\": \"P\", \"currency\": \"KRW\", \"cutoff\": \"2015-02-30\"}",
	    "{\n  \"code\": \"p-1\",\n  oops\n}",
	    "[]",
	};
	static const char *const english[] = {"field '",  " is missing",    "must be",    "unknown field",
	                                      "amount '", "declared twice", "not a date", "refused"};
	struct buf b;
	size_t i, k;

	(void)state;
	if (!have_locales())
		skip();
	i18n_init(NULL);
	buf_init(&b, 4096);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		refusal(bad[i], I18N_KO, &b);
		if (strstr(b.data, "\xed") == NULL && strstr(b.data, "\xec") == NULL &&
		    strstr(b.data, "\xea") == NULL && strstr(b.data, "\xeb") == NULL)
			fail_msg("case %zu: no Hangul in '%s'", i, b.data);
		for (k = 0; k < sizeof(english) / sizeof(english[0]); k++)
			if (strstr(b.data, english[k]) != NULL)
				fail_msg("case %zu: English '%s' left in '%s'", i, english[k], b.data);
		refusal(bad[i], I18N_JA, &b);
		if (strstr(b.data, "\xe3\x81") == NULL && strstr(b.data, "\xe3\x82") == NULL &&
		    strstr(b.data, "\xe3\x83") == NULL)
			fail_msg("case %zu: no kana in '%s'", i, b.data);
		for (k = 0; k < sizeof(english) / sizeof(english[0]); k++)
			if (strstr(b.data, english[k]) != NULL)
				fail_msg("case %zu: English '%s' left in '%s'", i, english[k], b.data);
	}
	/* Exactly: the field kept, the sentence translated; an amount's refusal inside a field's. */
	refusal(bad[0], I18N_KO, &b);
	assert_string_equal(b.data, "'benefits' 항목이 없습니다.");
	refusal(bad[0], I18N_JA, &b);
	assert_string_equal(b.data, "「benefits」項目がありません。");
	refusal(bad[1], I18N_KO, &b);
	assert_string_equal(b.data,
	                    "'benefits.survivor' 항목: 금액 '100,000,000'의 4번째에 ','이(가) 있습니다. "
	                    "숫자와 '.' 하나까지만 쓰십시오.");
	refusal(bad[14], I18N_KO, &b);
	if (strstr(b.data,
	           "3행 6열: JSON 문법이 맞지 않습니다('oops' 근처: 문자열이나 '}'가 와야 합니다).") == NULL)
		fail_msg("%s", b.data);
	/* English is the parser's own words; a message no pattern knows is kept after a sentence. */
	refusal(bad[0], I18N_EN, &b);
	assert_string_equal(b.data, "field 'benefits' is missing");
	buf_reset(&b);
	page_program_error(&b, I18N_KO, "something new went wrong");
	assert_string_equal(b.data, "프로그램이 거부되었습니다: something new went wrong");
	/* Quotes everywhere cannot make the matching slow: it gives up, the message is kept. */
	{
		char quotes[500];
		size_t q;

		for (q = 0; q + 1 < sizeof(quotes); q++)
			quotes[q] = "field ' '"[q % 9];
		quotes[q] = '\0';
		buf_reset(&b);
		page_program_error(&b, I18N_KO, quotes);
		assert_non_null(strstr(b.data, quotes + 10));
	}
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_escapes_markup),
	    cmocka_unit_test(test_text_keeps_utf8_and_repairs_bytes),
	    cmocka_unit_test(test_attribute_always_quoted),
	    cmocka_unit_test(test_href_schemes),
	    cmocka_unit_test(test_url_component),
	    cmocka_unit_test(test_raw_const_is_literal),
	    cmocka_unit_test(test_buffer_limit_sticky),
	    cmocka_unit_test(test_accept_language),
	    cmocka_unit_test(test_money_and_dates),
	    cmocka_unit_test(test_catalogues),
	    cmocka_unit_test(test_program_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
