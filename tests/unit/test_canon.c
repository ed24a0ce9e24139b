/*
 * test_canon.c -- canonical JSON (core/canon.c) and the bounded buffer
 * under it (core/buf.c).
 *
 * The bytes of an event are what the Merkle log hashes, so the writer is
 * checked against golden strings written out by hand from RFC 8785's rules,
 * and, for random values, against jansson's own compact, key-sorted encoder
 * (whose only differences from RFC 8785 for these values are upper-case hex
 * in \u escapes).  The reader must accept only what the writer can write
 * back: parse, write, parse, write gives the same bytes twice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/canon.h"
#include "core/error.h"

#define TEST_BUF_MAX (1u << 20)

/* ---- helpers ---- */

/* Fails unless the writer finished cleanly with exactly want in b. */
static void
assert_written(const struct canon *c, const struct buf *b, const char *want)
{
	struct redress_error err;

	if (canon_error(c, &err) != REDRESS_OK)
		fail_msg("writing \"%s\" failed: %s", want, err.message);
	if (b->len != strlen(want) || memcmp(b->data, want, b->len) != 0)
		fail_msg("wrote \"%s\", want \"%s\"", b->data != NULL ? b->data : "", want);
	assert_int_equal(b->data[b->len], '\0');
}

/* Fails unless the writer failed with code, naming needle. */
static void
assert_writer_failed(const struct canon *c, enum redress_err code, const char *needle)
{
	struct redress_error err;

	memset(&err, 0, sizeof(err));
	if (canon_error(c, &err) != code || err.code != code)
		fail_msg("canon_error gave %d (%s), want %d", (int)err.code, err.message, (int)code);
	if (strstr(err.message, needle) == NULL)
		fail_msg("canon_error: \"%s\" does not say \"%s\"", err.message, needle);
}

/* Writes v canonically and returns the bytes (the caller frees them). */
static char *
encode(const json_t *v, size_t *len_r)
{
	struct redress_error err;
	struct canon c;
	struct buf b;
	char *out;

	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	canon_value(&c, v);
	if (canon_error(&c, &err) != REDRESS_OK)
		fail_msg("canon_value: %s", err.message);
	out = buf_take(&b, len_r);
	assert_non_null(out);
	return out;
}

static json_t *
parse_ok(const char *text, size_t len)
{
	struct redress_error err;
	json_t *v = NULL;

	if (canon_parse(text, len, &v, &err) != REDRESS_OK)
		fail_msg("canon_parse(\"%.*s\"): %s", (int)len, text, err.message);
	assert_non_null(v);
	return v;
}

static json_t *
parse_text(const char *text)
{
	return parse_ok(text, strlen(text));
}

static void
parse_refused_n(const char *text, size_t len, const char *needle)
{
	struct redress_error err;
	json_t *v = (json_t *)&err; /* must stay as it was */

	memset(&err, 0, sizeof(err));
	if (canon_parse(text, len, &v, &err) != REDRESS_E_INVALID || err.code != REDRESS_E_INVALID)
		fail_msg("canon_parse(\"%.*s\") accepted", (int)len, text);
	if (strstr(err.message, needle) == NULL)
		fail_msg("canon_parse(\"%.*s\"): \"%s\" does not say \"%s\"", (int)len, text, err.message,
		         needle);
	assert_ptr_equal(v, (json_t *)&err);
}

static void
parse_refused(const char *text, const char *needle)
{
	parse_refused_n(text, strlen(text), needle);
}

/* Canonical text parses and writes back to the same bytes. */
static void
assert_fixed_point(const char *text)
{
	json_t *v = parse_text(text);
	size_t len;
	char *out = encode(v, &len);

	if (len != strlen(text) || memcmp(out, text, len) != 0)
		fail_msg("\"%s\" came back as \"%s\"", text, out);
	free(out);
	json_decref(v);
}

/* Any JSON parses and writes as want, which is itself a fixed point. */
static void
assert_normalizes(const char *text, const char *want)
{
	json_t *v = parse_text(text);
	size_t len;
	char *out = encode(v, &len);

	if (len != strlen(want) || memcmp(out, want, len) != 0)
		fail_msg("\"%s\" wrote as \"%s\", want \"%s\"", text, out, want);
	free(out);
	json_decref(v);
	assert_fixed_point(want);
}

/* Text of n nested arrays: "[[...]]". */
static char *
nested_arrays(unsigned n)
{
	char *s = malloc(2 * n + 1);
	unsigned i;

	assert_non_null(s);
	for (i = 0; i < n; i++) {
		s[i] = '[';
		s[2 * n - 1 - i] = ']';
	}
	s[2 * n] = '\0';
	return s;
}

/* splitmix64, for values that are the same on every run. */
static uint64_t
next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- the writer ---- */

static void
test_writer_nested(void **state)
{
	struct canon c;
	struct buf b;

	(void)state;
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_array_begin(&c);
	canon_int(&c, 1);
	canon_object_begin(&c);
	canon_key(&c, "b");
	canon_null(&c);
	canon_key(&c, "c");
	canon_bool(&c, 1);
	canon_object_end(&c);
	canon_array_begin(&c);
	canon_array_end(&c);
	canon_string(&c, "");
	canon_array_end(&c);
	canon_key(&c, "d");
	canon_string(&c, "x");
	canon_key(&c, "e");
	canon_bool(&c, 0);
	canon_key(&c, "f");
	canon_object_begin(&c);
	canon_object_end(&c);
	canon_key(&c, "g");
	canon_array_begin(&c);
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_int(&c, 1);
	canon_object_end(&c);
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_int(&c, 2);
	canon_object_end(&c);
	canon_array_end(&c);
	canon_object_end(&c);
	assert_written(&c, &b,
	               "{\"a\":[1,{\"b\":null,\"c\":true},[],\"\"],\"d\":\"x\",\"e\":false,\"f\":{},"
	               "\"g\":[{\"a\":1},{\"a\":2}]}");
	buf_free(&b);
}

static void
test_writer_escapes(void **state)
{
	struct canon c;
	struct buf b;
	char in[2], want[16];
	unsigned ch;

	(void)state;
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	/* '/' and DEL are not escaped; non-ASCII is written as itself. */
	canon_string(&c, "\b\t\n\f\r\x01\x1f\"\\/\x7f"
	                 "caf\xc3\xa9 \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xf0\x9f\x98\x80");
	assert_written(&c, &b,
	               "\"\\b\\t\\n\\f\\r\\u0001\\u001f\\\"\\\\/\x7f"
	               "caf\xc3\xa9 \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xf0\x9f\x98\x80\"");

	/* Every control character alone: five short forms, the rest \u00xx in lower case. */
	for (ch = 1; ch < 0x20; ch++) {
		in[0] = (char)ch;
		in[1] = '\0';
		switch (ch) {
		case 0x08:
			snprintf(want, sizeof(want), "\"\\b\"");
			break;
		case 0x09:
			snprintf(want, sizeof(want), "\"\\t\"");
			break;
		case 0x0a:
			snprintf(want, sizeof(want), "\"\\n\"");
			break;
		case 0x0c:
			snprintf(want, sizeof(want), "\"\\f\"");
			break;
		case 0x0d:
			snprintf(want, sizeof(want), "\"\\r\"");
			break;
		default:
			snprintf(want, sizeof(want), "\"\\u%04x\"", ch);
			break;
		}
		buf_reset(&b);
		canon_init(&c, &b);
		canon_string(&c, in);
		assert_written(&c, &b, want);
	}
	assert_string_equal(want, "\"\\u001f\"");

	/* Keys are quoted the same way. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "a\"b");
	canon_int(&c, 1);
	canon_key(&c, "a\\");
	canon_int(&c, 2);
	canon_object_end(&c);
	assert_written(&c, &b, "{\"a\\\"b\":1,\"a\\\\\":2}");
	buf_free(&b);
}

static void
test_writer_integers(void **state)
{
	struct canon c;
	struct buf b;

	(void)state;
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	canon_array_begin(&c);
	canon_int(&c, INT64_MIN);
	canon_int(&c, INT64_MAX);
	canon_int(&c, 0);
	canon_int(&c, -1);
	canon_int(&c, 1);
	canon_int(&c, 10);
	canon_array_end(&c);
	assert_written(&c, &b, "[-9223372036854775808,9223372036854775807,0,-1,1,10]");
	buf_free(&b);
}

static void
test_writer_top_level_and_raw(void **state)
{
	struct canon c;
	struct buf b;

	(void)state;
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	canon_int(&c, 5);
	assert_written(&c, &b, "5");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_null(&c);
	assert_written(&c, &b, "null");

	/* canon_raw is one value: it gets separators like any other. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "data");
	canon_raw(&c, "{\"x\":1}", 7);
	canon_key(&c, "list");
	canon_array_begin(&c);
	canon_int(&c, 1);
	canon_raw(&c, "[true]", 6);
	canon_int(&c, 2);
	canon_array_end(&c);
	canon_object_end(&c);
	assert_written(&c, &b, "{\"data\":{\"x\":1},\"list\":[1,[true],2]}");
	buf_free(&b);
}

/* Writes an object with the given keys, each with the value 1. */
static void
write_keys(struct canon *c, const char *const *keys)
{
	size_t i;

	canon_object_begin(c);
	for (i = 0; keys[i] != NULL; i++) {
		canon_key(c, keys[i]);
		canon_int(c, 1);
	}
	canon_object_end(c);
}

static void
test_writer_key_order(void **state)
{
	static const char *const good[][4] = {
	    {"B", "a", NULL}, /* byte order: upper case first */
	    {"a", "aa", "b", NULL},
	    {"a", "a ", "a0", NULL},
	    {"_", "a", "z", NULL},
	};
	static const char *const bad[][4] = {
	    {"b", "a", NULL}, {"a", "a", NULL}, /* a duplicate */
	    {"a", "B", NULL}, {"aa", "a", NULL}, {"a", "c", "b", NULL},
	};
	struct canon c;
	struct buf b;
	size_t i, len;

	(void)state;
	buf_init(&b, TEST_BUF_MAX);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		buf_reset(&b);
		canon_init(&c, &b);
		write_keys(&c, good[i]);
		assert_int_equal(canon_error(&c, NULL), REDRESS_OK);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&b);
		canon_init(&c, &b);
		write_keys(&c, bad[i]);
		assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");
	}

	/* The failure is sticky: nothing more is written. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "b");
	canon_int(&c, 1);
	canon_key(&c, "a");
	len = b.len;
	canon_int(&c, 2);
	canon_string(&c, "more");
	canon_object_end(&c);
	assert_int_equal(b.len, len);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	/* Each object has its own order; a nested object does not disturb its parent's. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "b");
	canon_object_begin(&c);
	canon_key(&c, "z");
	canon_int(&c, 1);
	canon_object_end(&c);
	canon_key(&c, "c");
	canon_int(&c, 2);
	canon_object_end(&c);
	assert_written(&c, &b, "{\"b\":{\"z\":1},\"c\":2}");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "b");
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_int(&c, 1);
	canon_object_end(&c);
	canon_key(&c, "a");
	canon_int(&c, 2);
	canon_object_end(&c);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");
	buf_free(&b);
}

static void
test_writer_misuse(void **state)
{
	char key[CANON_KEY_MAX + 1];
	struct canon c;
	struct buf b;
	json_t *real;

	(void)state;
	buf_init(&b, TEST_BUF_MAX);

	/* A key outside an object. */
	canon_init(&c, &b);
	canon_key(&c, "a");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "unbalanced");

	/* A close without an open. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_array_end(&c);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "unbalanced");

	/* An open without a close. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_array_begin(&c);
	canon_array_end(&c);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "unbalanced");

	/* A key with no value, followed by another key or by the end of the object. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_key(&c, "b");
	canon_int(&c, 1);
	canon_object_end(&c);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_object_end(&c);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	/* Keys are 1 to CANON_KEY_MAX - 1 bytes of ASCII. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	memset(key, 'k', sizeof(key));
	key[CANON_KEY_MAX - 1] = '\0';
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, key);
	canon_int(&c, 1);
	canon_object_end(&c);
	assert_int_equal(canon_error(&c, NULL), REDRESS_OK);
	key[CANON_KEY_MAX - 1] = 'k';
	key[CANON_KEY_MAX] = '\0';
	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, key);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "caf\xc3\xa9");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	/* A real has no canonical form. */
	real = json_real(1.5);
	buf_reset(&b);
	canon_init(&c, &b);
	canon_value(&c, real);
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");
	json_decref(real);
	buf_free(&b);
}

static void
test_writer_depth(void **state)
{
	struct canon c;
	struct buf b;
	char *want;
	unsigned i;

	(void)state;
	/* Depth 0 is outside every container, so CANON_MAX_DEPTH - 1 of them nest. */
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	for (i = 0; i < CANON_MAX_DEPTH - 1; i++)
		canon_array_begin(&c);
	for (i = 0; i < CANON_MAX_DEPTH - 1; i++)
		canon_array_end(&c);
	want = nested_arrays(CANON_MAX_DEPTH - 1);
	assert_written(&c, &b, want);
	free(want);

	buf_reset(&b);
	canon_init(&c, &b);
	for (i = 0; i < CANON_MAX_DEPTH; i++) {
		canon_object_begin(&c);
		canon_key(&c, "k");
	}
	assert_writer_failed(&c, REDRESS_E_OVERFLOW, "nested deeper than 15");
	buf_free(&b);
}

static void
test_writer_buffer_limit(void **state)
{
	struct canon c;
	struct buf b;

	(void)state;
	buf_init(&b, 10);
	canon_init(&c, &b);
	canon_array_begin(&c);
	canon_string(&c, "0123456789");
	canon_array_end(&c);
	assert_writer_failed(&c, REDRESS_E_OVERFLOW, "limit of 10 bytes");
	buf_free(&b);
}

/* For values built in code: more members than the writer can sort is an error, not an overrun. */
static void
test_writer_many_members(void **state)
{
	json_t *obj = json_object();
	char key[16];
	struct canon c;
	struct buf b;
	unsigned i;

	(void)state;
	for (i = 0; i < 257; i++) {
		snprintf(key, sizeof(key), "k%03u", i);
		json_object_set_new(obj, key, json_integer(i));
	}
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	canon_value(&c, obj);
	assert_writer_failed(&c, REDRESS_E_OVERFLOW, "more than 256 members");
	buf_free(&b);
	json_decref(obj);
}

/* ---- the reader ---- */

static void
test_parse_refuses(void **state)
{
	static const struct {
		const char *text;
		const char *needle;
	} cases[] = {
	    /* Duplicates, at any depth. */
	    {"{\"a\":1,\"a\":2}", "duplicate"},
	    {"{\"a\":1,\"b\":2,\"a\":1}", "duplicate"},
	    {"{\"x\":{\"a\":1,\"a\":2}}", "duplicate"},
	    {"[{\"a\":null,\"a\":null}]", "duplicate"},
	    /* Reals, in every spelling. */
	    {"1.0", "real number"},
	    {"1e2", "real number"},
	    {"1E2", "real number"},
	    {"-0.5", "real number"},
	    {"1.5e-3", "real number"},
	    {"0.0", "real number"},
	    {"[1,2.5]", "real number"},
	    {"{\"a\":{\"b\":1.5}}", "real number"},
	    /* Trailing bytes. */
	    {"1 2", "at byte 3"},
	    {"{} x", "at byte"},
	    {"{}{}", "at byte"},
	    {"[]]", "at byte"},
	    /* Not JSON. */
	    {"", "at byte 0"},
	    {"{", "not valid JSON"},
	    {"[1,2,x]", "at byte 6"},
	    {"{\"a\":}", "at byte 6"},
	    {"{\"a\" 1}", "at byte 6"},
	    {"[1,]", "at byte 4"},
	    {"'a'", "not valid JSON"},
	    {"tru", "not valid JSON"},
	    {"NaN", "not valid JSON"},
	    {"01", "not valid JSON"},
	    {"\"\\x\"", "not valid JSON"},
	    /* Integers beyond int64. */
	    {"9223372036854775808", "too big"},
	    {"-9223372036854775809", "too big"},
	    /* NUL in strings and keys, malformed UTF-8, lone surrogates. */
	    {"\"a\\u0000b\"", "not valid JSON"},
	    {"{\"a\\u0000\":1}", "not valid JSON"},
	    {"\"\xff\"", "not valid JSON"},
	    {"\"\xc0\x80\"", "not valid JSON"},
	    {"\"\xed\xa0\x80\"", "not valid JSON"},
	    {"\"\\ud800\"", "not valid JSON"},
	    /* Keys the writer would refuse. */
	    {"{\"\":1}", "empty key"},
	    {"{\"caf\xc3\xa9\":1}", "not ASCII"},
	    {"{\"\\u00e9\":1}", "not ASCII"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		parse_refused(cases[i].text, cases[i].needle);
	/* A NUL ends nothing: bytes after it are trailing bytes. */
	parse_refused_n("{}\0", 3, "not valid JSON");
	parse_refused_n("1\0 2", 4, "not valid JSON");
}

/* What canon_parse accepts, canon_value writes: the limits agree. */
static void
test_parse_limits(void **state)
{
	char text[16 * 300], key[CANON_KEY_MAX + 8];
	json_t *v;
	char *nested, *out;
	size_t len, n, i;

	(void)state;
	nested = nested_arrays(CANON_MAX_DEPTH - 1);
	assert_fixed_point(nested);
	free(nested);
	nested = nested_arrays(CANON_MAX_DEPTH);
	parse_refused(nested, "nests deeper than 15");
	free(nested);
	parse_refused(
	    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
	    "\"a\":{\"a\":{}}}}}}}}}}}}}}}}",
	    "nests deeper");
	assert_fixed_point(
	    "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
	    "\"a\":{\"a\":1}}}}}}}}}}}}}}}");

	/* 256 members, then 257. */
	for (n = 256; n <= 257; n++) {
		len = 0;
		text[len++] = '{';
		for (i = 0; i < n; i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\"k%03zu\":%zu",
			                        i ? "," : "", i, i);
		text[len++] = '}';
		text[len] = '\0';
		if (n == 256) {
			v = parse_ok(text, len);
			out = encode(v, &len);
			assert_string_equal(out, text);
			free(out);
			json_decref(v);
		} else {
			parse_refused(text, "more than 256 members");
		}
	}

	/* Keys of CANON_KEY_MAX - 1 bytes, then CANON_KEY_MAX. */
	memset(key, 'k', sizeof(key));
	key[CANON_KEY_MAX - 1] = '\0';
	snprintf(text, sizeof(text), "{\"%s\":1}", key);
	assert_fixed_point(text);
	key[CANON_KEY_MAX - 1] = 'k';
	key[CANON_KEY_MAX] = '\0';
	snprintf(text, sizeof(text), "{\"%s\":1}", key);
	parse_refused(text, "longer than 63 bytes");
}

static void
test_round_trip(void **state)
{
	static const char *const canonical[] = {
	    "{}",
	    "[]",
	    "0",
	    "-1",
	    "-9223372036854775808",
	    "9223372036854775807",
	    "\"\"",
	    "null",
	    "true",
	    "false",
	    "[[],{},[[]],0]",
	    "{\"a\":[1,{\"b\":null,\"c\":true},[]],\"d\":\"x\",\"e\":false,\"f\":{}}",
	    "\"\\b\\t\\n\\f\\r\\u0001\\u000b\\u001f\\\"\\\\/\x7f\"",
	    "\"caf\xc3\xa9 \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
	    "\xf0\x9f\x98\x80\"",
	    "{\"B\":1,\"_\":2,\"a\":3,\"a0\":4,\"aa\":5}",
	    "{\"a\\\"b\":1,\"a\\\\\":2}",
	    /* Ledger events as the ledger writes them. */
	    "{\"code\":\"bank:krw\",\"currency\":\"KRW\",\"kind\":\"asset\",\"name\":\"Bank\",\"no_"
	    "overdraft\":true}",
	    "{\"amount\":5,\"credit\":\"a\",\"currency\":\"KRW\",\"debit\":\"b\",\"exchange\":null,\"id\":"
	    "\"t1\","
	    "\"pending\":false,\"ref\":null}",
	    "{\"id\":\"t1\"}",
	    "{\"actor\":\"os:alice\",\"at\":\"2024-06-01T00:00:00Z\",\"data\":{\"id\":\"t1\"},\"seq\":3,"
	    "\"type\":\"ledger.transfer.posted\",\"v\":1}",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++)
		assert_fixed_point(canonical[i]);
}

static void
test_normalize(void **state)
{
	(void)state;
	assert_normalizes(" { \"b\" : 1 ,\n\t\"a\" : [ 1 , 2 ] } ", "{\"a\":[1,2],\"b\":1}");
	assert_normalizes("\"\\u0041\\/\"", "\"A/\"");
	assert_normalizes("\"\\u00e9\\u00E9\"", "\"\xc3\xa9\xc3\xa9\"");
	assert_normalizes("\"\\ud83d\\ude00\"", "\"\xf0\x9f\x98\x80\"");
	assert_normalizes("\"\\u001F\\u0008\"", "\"\\u001f\\b\"");
	assert_normalizes("\"\\u007f\"", "\"\x7f\"");
	assert_normalizes("-0", "0");
	assert_normalizes("{\"z\":{\"y\":1,\"x\":2},\"a\":[{\"d\":1,\"c\":2}]}",
	                  "{\"a\":[{\"c\":2,\"d\":1}],\"z\":{\"x\":2,\"y\":1}}");
}

/* Random values, written by canon_value and by jansson's own encoder. */
static json_t *
random_value(uint64_t *seed, unsigned depth)
{
	static const char *const pieces[] = {
	    "a",
	    "Z",
	    " ",
	    "\"",
	    "\\",
	    "/",
	    "\b",
	    "\t",
	    "\n",
	    "\f",
	    "\r",
	    "\x01",
	    "\x1f",
	    "\x7f",
	    "\xc3\xa9",
	    "\xed\x95\x9c",
	    "\xf0\x9f\x98\x80",
	    "\xe2\x80\xa8",
	    "\xc2\x85",
	    "0",
	};
	static const char *const key_pieces[] = {"a", "b", "B", "_", "0", "aa", "\"", "\\", " "};
	uint64_t r = next_random(seed);
	unsigned kind = (unsigned)(r % (depth < CANON_MAX_DEPTH - 1 ? 8 : 6));
	char text[64];
	json_t *v;
	size_t i, n;
	uint64_t u;

	switch (kind) {
	case 0:
		return json_null();
	case 1:
		return json_boolean(r & 0x100);
	case 2:
		/* A random width, so that short numbers are as common as long ones; ~ gives the negatives. */
		u = next_random(seed) >> (next_random(seed) % 64);
		return json_integer((r & 0x200) ? ~(json_int_t)u : (json_int_t)u);
	case 3:
		return json_integer(r & 0x400 ? INT64_MIN : INT64_MAX);
	case 4:
	case 5:
		text[0] = '\0';
		n = (size_t)(next_random(seed) % 8);
		for (i = 0; i < n; i++)
			strcat(text, pieces[next_random(seed) % (sizeof(pieces) / sizeof(pieces[0]))]);
		return json_string(text);
	case 6:
		v = json_array();
		n = (size_t)(next_random(seed) % 5);
		for (i = 0; i < n; i++)
			json_array_append_new(v, random_value(seed, depth + 1));
		return v;
	default:
		v = json_object();
		n = (size_t)(next_random(seed) % 6);
		for (i = 0; i < n; i++) {
			text[0] = '\0';
			strcat(text,
			       key_pieces[next_random(seed) % (sizeof(key_pieces) / sizeof(key_pieces[0]))]);
			strcat(text,
			       key_pieces[next_random(seed) % (sizeof(key_pieces) / sizeof(key_pieces[0]))]);
			json_object_set_new(v, text, random_value(seed, depth + 1));
		}
		return v;
	}
}

/* jansson writes \u001F; RFC 8785 asks for \u001f. */
static void
lower_unicode_escapes(char *s)
{
	size_t i, k;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '\\' && s[i + 1] == 'u') {
			for (k = 2; k < 6; k++)
				if (s[i + k] >= 'A' && s[i + k] <= 'F')
					s[i + k] = (char)(s[i + k] - 'A' + 'a');
			i += 5;
		} else if (s[i] == '\\') {
			i++;
		}
	}
}

static void
test_random_against_jansson(void **state)
{
	uint64_t seed = 1;
	unsigned i;

	(void)state;
	for (i = 0; i < 3000; i++) {
		json_t *v = random_value(&seed, 0), *back;
		size_t len, len2;
		char *ours = encode(v, &len), *theirs, *again;

		theirs = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		assert_non_null(theirs);
		lower_unicode_escapes(theirs);
		if (strcmp(ours, theirs) != 0)
			fail_msg("case %u: canon wrote %s, jansson %s", i, ours, theirs);
		back = parse_ok(ours, len);
		assert_true(json_equal(v, back));
		again = encode(back, &len2);
		assert_int_equal(len, len2);
		assert_memory_equal(ours, again, len);
		free(again);
		free(theirs);
		free(ours);
		json_decref(back);
		json_decref(v);
	}
}

/* ---- the getters ---- */

static void
assert_get_failed(enum redress_err rc, const struct redress_error *err, const char *needle)
{
	assert_int_equal(rc, REDRESS_E_INVALID);
	assert_int_equal(err->code, REDRESS_E_INVALID);
	if (strstr(err->message, needle) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err->message, needle);
}

static void
test_getters(void **state)
{
	static const char text[] =
	    "{\"amount\":-9223372036854775808,\"flag\":true,\"name\":\"Bank\",\"none\":null,"
	    "\"off\":false,\"list\":[],\"num\":7}";
	struct redress_error err;
	json_t *obj = parse_text(text), *arr = json_array(), *nul;
	const char *s;
	int64_t n;
	int b;

	(void)state;
	assert_int_equal(canon_get_string(obj, "name", &s, &err), REDRESS_OK);
	assert_string_equal(s, "Bank");
	assert_int_equal(canon_get_int(obj, "amount", &n, &err), REDRESS_OK);
	assert_true(n == INT64_MIN);
	assert_int_equal(canon_get_bool(obj, "flag", &b, &err), REDRESS_OK);
	assert_int_equal(b, 1);
	assert_int_equal(canon_get_bool(obj, "off", &b, &err), REDRESS_OK);
	assert_int_equal(b, 0);
	assert_int_equal(canon_get_string_opt(obj, "name", &s, &err), REDRESS_OK);
	assert_string_equal(s, "Bank");
	assert_int_equal(canon_get_string_opt(obj, "none", &s, &err), REDRESS_OK);
	assert_null(s);
	s = "x";
	assert_int_equal(canon_get_string_opt(obj, "absent", &s, &err), REDRESS_OK);
	assert_null(s);

	/* Missing members and wrong types name the field; outputs stay as they were. */
	s = "unchanged";
	n = 42;
	b = 42;
	assert_get_failed(canon_get_string(obj, "code", &s, &err), &err, "field 'code' is missing");
	assert_get_failed(canon_get_string(obj, "num", &s, &err), &err, "field 'num' must be a string");
	assert_get_failed(canon_get_string(obj, "none", &s, &err), &err, "field 'none' must be a string");
	assert_get_failed(canon_get_string_opt(obj, "num", &s, &err), &err, "field 'num'");
	assert_get_failed(canon_get_string_opt(obj, "list", &s, &err), &err, "field 'list'");
	assert_string_equal(s, "unchanged");
	assert_get_failed(canon_get_int(obj, "count", &n, &err), &err, "field 'count' is missing");
	assert_get_failed(canon_get_int(obj, "name", &n, &err), &err, "field 'name' must be an integer");
	assert_get_failed(canon_get_int(obj, "flag", &n, &err), &err, "field 'flag' must be an integer");
	assert_int_equal(n, 42);
	assert_get_failed(canon_get_bool(obj, "pending", &b, &err), &err, "field 'pending' is missing");
	assert_get_failed(canon_get_bool(obj, "num", &b, &err), &err, "field 'num' must be true or false");
	assert_get_failed(canon_get_bool(obj, "none", &b, &err), &err, "field 'none' must be true or false");
	assert_int_equal(b, 42);

	/* A value that is not an object has no fields. */
	assert_get_failed(canon_get_string(arr, "name", &s, &err), &err, "field 'name'");
	assert_get_failed(canon_get_int(arr, "amount", &n, &err), &err, "field 'amount'");
	assert_get_failed(canon_get_bool(arr, "flag", &b, &err), &err, "field 'flag'");
	assert_int_equal(canon_get_string_opt(arr, "name", &s, &err), REDRESS_OK);
	assert_null(s);

	/* Built in code, a string may hold a NUL; the getter refuses it. */
	nul = json_object();
	json_object_set_new(nul, "ref", json_stringn("a\0b", 3));
	json_object_set_new(nul, "real", json_real(5.0));
	s = "unchanged";
	assert_get_failed(canon_get_string(nul, "ref", &s, &err), &err,
	                  "field 'ref' must be a string without NUL");
	assert_get_failed(canon_get_string_opt(nul, "ref", &s, &err), &err, "field 'ref'");
	assert_string_equal(s, "unchanged");
	assert_get_failed(canon_get_int(nul, "real", &n, &err), &err, "field 'real' must be an integer");

	json_decref(nul);
	json_decref(arr);
	json_decref(obj);
}

static void
test_only_keys(void **state)
{
	static const char *const allowed[] = {"amount", "id", "ref", NULL};
	static const char *const none[] = {NULL};
	struct redress_error err;
	json_t *obj;

	(void)state;
	obj = parse_text("{\"amount\":1,\"id\":\"t\"}");
	assert_int_equal(canon_only_keys(obj, allowed, &err), REDRESS_OK);
	json_decref(obj);

	obj = parse_text("{}");
	assert_int_equal(canon_only_keys(obj, allowed, &err), REDRESS_OK);
	assert_int_equal(canon_only_keys(obj, none, &err), REDRESS_OK);
	json_decref(obj);

	obj = parse_text("{\"amount\":1,\"id\":\"t\",\"memo\":\"x\"}");
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "unexpected field 'memo'");
	json_decref(obj);

	/* Names match whole, not by prefix. */
	obj = parse_text("{\"amounts\":1}");
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "unexpected field 'amounts'");
	assert_get_failed(canon_only_keys(obj, none, &err), &err, "unexpected field 'amounts'");
	json_decref(obj);
	obj = parse_text("{\"i\":1}");
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "unexpected field 'i'");
	json_decref(obj);
}

/* ---- struct buf ---- */

static void
test_buf_limit_sticky(void **state)
{
	struct redress_error err;
	struct buf b;

	(void)state;
	buf_init(&b, 8);
	assert_null(b.data);
	assert_int_equal(buf_error(&b, &err), REDRESS_OK);
	buf_puts(&b, "1234");
	buf_append(&b, "5678", 4);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_int_equal(buf_error(&b, &err), REDRESS_OK);

	/* One byte over the maximum fails, and every later append is a no-op. */
	buf_putc(&b, '9');
	assert_int_equal(buf_error(&b, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(err.code, REDRESS_E_OVERFLOW);
	assert_non_null(strstr(err.message, "limit of 8 bytes"));
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	buf_reset(&b);
	buf_puts(&b, "ab");
	buf_putc(&b, '9'); /* this is fine again ... */
	buf_append(&b, "123456", 6);
	assert_int_equal(buf_error(&b, &err), REDRESS_E_OVERFLOW); /* ... and this is one too many */
	buf_puts(&b, "");
	buf_append(&b, "x", 0);
	buf_printf(&b, "%d", 1);
	buf_putc(&b, 'x');
	assert_string_equal(b.data, "ab9");
	assert_int_equal(b.len, 3);
	assert_null(buf_take(&b, NULL));
	assert_int_equal(buf_error(&b, &err), REDRESS_E_OVERFLOW);
	buf_free(&b);

	/* buf_free keeps the maximum, for reuse. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 8);
	assert_int_equal(b.failed, REDRESS_OK);

	/* A buffer of maximum 0 holds only the empty string. */
	buf_init(&b, 0);
	buf_append(&b, "", 0);
	assert_int_equal(buf_error(&b, &err), REDRESS_OK);
	assert_string_equal(b.data, "");
	buf_putc(&b, 'a');
	assert_int_equal(buf_error(&b, &err), REDRESS_E_OVERFLOW);
	buf_free(&b);
}

static void
test_buf_take(void **state)
{
	struct buf b;
	size_t len = 99;
	char *p;

	(void)state;
	/* Taking from a buffer never written gives an empty string, not NULL. */
	buf_init(&b, 100);
	p = buf_take(&b, &len);
	assert_non_null(p);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);

	buf_puts(&b, "hello");
	p = buf_take(&b, &len);
	assert_string_equal(p, "hello");
	assert_int_equal(len, 5);
	/* The buffer is left empty and owns nothing; writing starts afresh. */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	assert_ptr_not_equal(b.data, p);
	free(p);
	p = buf_take(&b, NULL);
	assert_string_equal(p, "again");
	free(p);
	buf_free(&b);
}

static void
test_buf_printf_growth(void **state)
{
	char want[5000];
	struct buf b;
	size_t len = 0, i;

	(void)state;
	/* Many small writes and a few large ones, across the first allocation and each doubling. */
	buf_init(&b, sizeof(want));
	for (i = 0; i < 300; i++) {
		buf_printf(&b, "%zu,", i);
		len += (size_t)snprintf(want + len, sizeof(want) - len, "%zu,", i);
		assert_int_equal(b.len, len);
		assert_memory_equal(b.data, want, len + 1);
	}
	buf_printf(&b, "%0*d", 1000, 7);
	memset(want + len, '0', 999);
	want[len + 999] = '7';
	len += 1000;
	want[len] = '\0';
	assert_int_equal(b.len, len);
	assert_string_equal(b.data, want);
	assert_true(b.cap > b.len);
	assert_true(b.cap <= b.max + 1);

	/* Outputs of 63, 64 and 65 bytes straddle the first allocation. */
	for (i = 63; i <= 65; i++) {
		buf_reset(&b);
		buf_free(&b);
		buf_printf(&b, "%0*d", (int)i, 1);
		assert_int_equal(b.len, i);
		assert_int_equal(strlen(b.data), i);
		assert_int_equal(b.data[i - 1], '1');
	}

	/* An output that would pass the maximum is refused whole. */
	buf_reset(&b);
	buf_puts(&b, "kept");
	buf_printf(&b, "%0*d", (int)sizeof(want), 1);
	assert_int_equal(buf_error(&b, NULL), REDRESS_E_OVERFLOW);
	assert_string_equal(b.data, "kept");

	/* buf_reset keeps the memory and clears the error. */
	buf_reset(&b);
	assert_int_equal(buf_error(&b, NULL), REDRESS_OK);
	assert_int_equal(b.len, 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	buf_printf(&b, "%s-%d", "x", 5);
	assert_string_equal(b.data, "x-5");
	buf_free(&b);
}

/* max SIZE_MAX is a buffer without a limit; growth must still be checked. */
static void
test_buf_unbounded(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b, SIZE_MAX);
	buf_puts(&b, "hello, world");
	assert_int_equal(buf_error(&b, NULL), REDRESS_OK);
	assert_string_equal(b.data, "hello, world");
	assert_true(b.cap > b.len);
	buf_free(&b);

	/* Sizes that cannot be allocated fail before any byte is read. */
	buf_init(&b, SIZE_MAX);
	buf_putc(&b, 'a');
	buf_append(&b, "", SIZE_MAX);
	assert_int_equal(buf_error(&b, NULL), REDRESS_E_OVERFLOW);
	assert_string_equal(b.data, "a");
	buf_free(&b);

	buf_init(&b, 16);
	buf_append(&b, "", SIZE_MAX - 1);
	assert_int_equal(buf_error(&b, NULL), REDRESS_E_OVERFLOW);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_writer_nested),
	    cmocka_unit_test(test_writer_escapes),
	    cmocka_unit_test(test_writer_integers),
	    cmocka_unit_test(test_writer_top_level_and_raw),
	    cmocka_unit_test(test_writer_key_order),
	    cmocka_unit_test(test_writer_misuse),
	    cmocka_unit_test(test_writer_depth),
	    cmocka_unit_test(test_writer_buffer_limit),
	    cmocka_unit_test(test_writer_many_members),
	    cmocka_unit_test(test_parse_refuses),
	    cmocka_unit_test(test_parse_limits),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_normalize),
	    cmocka_unit_test(test_random_against_jansson),
	    cmocka_unit_test(test_getters),
	    cmocka_unit_test(test_only_keys),
	    cmocka_unit_test(test_buf_limit_sticky),
	    cmocka_unit_test(test_buf_take),
	    cmocka_unit_test(test_buf_printf_growth),
	    cmocka_unit_test(test_buf_unbounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
