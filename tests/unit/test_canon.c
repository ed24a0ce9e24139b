/*
 * test_canon.c -- canonical JSON (core/canon.c, core/canon_read.c) and the
 * bounded buffer under it (core/buf.c).
 *
 * The bytes of an event are what the Merkle log hashes, so the writer is
 * checked against golden strings written out by hand from RFC 8785's rules,
 * and, for random values, against jansson's own compact, key-sorted encoder
 * (whose only differences from RFC 8785 for these values are upper-case hex
 * in \u escapes).  The reader must accept only what the writer writes:
 * every accepted text writes back to exactly its own bytes, and every other
 * spelling is refused naming the byte where it goes wrong.  That byte is
 * where the offending token starts for a token refused whole (a number, a
 * literal, a member name out of order, too long or not ASCII), and the
 * offending byte itself otherwise (white space, an escape's backslash, a
 * control character, the first byte of a bad UTF-8 sequence, the first byte
 * after the value, the end of an unterminated text).
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
#include "support.h"

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

/* Writes n back with canon_write_node and returns the bytes (the caller frees them). */
static char *
write_back(const struct canon_node *n, size_t *len_r)
{
	struct redress_error err;
	struct canon c;
	struct buf b;
	char *out;

	buf_init(&b, 2 * CANON_READ_MAX);
	canon_init(&c, &b);
	canon_write_node(&c, n);
	if (canon_error(&c, &err) != REDRESS_OK)
		fail_msg("canon_write_node: %s", err.message);
	out = buf_take(&b, len_r);
	assert_non_null(out);
	return out;
}

/* Reads text, which must be canonical, into doc and returns the root. */
static const struct canon_node *
read_ok(struct canon_doc *doc, const char *text, size_t len)
{
	struct redress_error err;

	if (canon_read(doc, text, len, &err) != REDRESS_OK)
		fail_msg("canon_read(\"%.*s\"): %s", (int)len, text, err.message);
	assert_non_null(canon_root(doc));
	return canon_root(doc);
}

/* Canonical text reads and writes back to exactly the same bytes. */
static void
assert_fixed_point_n(struct canon_doc *doc, const char *text, size_t len)
{
	const struct canon_node *root = read_ok(doc, text, len);
	size_t out_len;
	char *out = write_back(root, &out_len);

	if (out_len != len || memcmp(out, text, len) != 0)
		fail_msg("\"%.*s\" came back as \"%s\"", (int)len, text, out);
	/* The root spans every node read. */
	assert_int_equal(root->span, doc->count);
	free(out);
}

static void
assert_fixed_point(struct canon_doc *doc, const char *text)
{
	assert_fixed_point_n(doc, text, strlen(text));
}

/*
 * Fails unless reading the len bytes at text is refused as invalid, at byte
 * at, with a message that says needle; the document is left without a root.
 */
static void
assert_refused_n(struct canon_doc *doc, const char *text, size_t len, size_t at, const char *needle)
{
	struct redress_error err;
	char where[48];

	memset(&err, 0, sizeof(err));
	if (canon_read(doc, text, len, &err) != REDRESS_E_INVALID || err.code != REDRESS_E_INVALID)
		fail_msg("canon_read(\"%.*s\") accepted", (int)len, text);
	/* The colon keeps "at byte 1" from matching "at byte 12". */
	snprintf(where, sizeof(where), "at byte %zu:", at);
	if (strstr(err.message, where) == NULL)
		fail_msg("canon_read(\"%.*s\"): \"%s\" does not say \"%s\"", (int)len, text, err.message,
		         where);
	if (strstr(err.message, needle) == NULL)
		fail_msg("canon_read(\"%.*s\"): \"%s\" does not say \"%s\"", (int)len, text, err.message,
		         needle);
	assert_null(canon_root(doc));
	assert_int_equal(doc->count, 0);
}

static void
assert_refused(struct canon_doc *doc, const char *text, size_t at, const char *needle)
{
	assert_refused_n(doc, text, strlen(text), at, needle);
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

/* Text of n nested objects, the innermost empty: {"a":{"a":{}}}. */
static char *
nested_objects(unsigned n)
{
	char *s = malloc(6 * n + 1), *p;
	unsigned i;

	assert_non_null(s);
	p = s;
	for (i = 0; i + 1 < n; i++) {
		memcpy(p, "{\"a\":", 5);
		p += 5;
	}
	memcpy(p, "{}", 2);
	p += 2;
	for (i = 0; i + 1 < n; i++)
		*p++ = '}';
	*p = '\0';
	return s;
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
		case 0x08: snprintf(want, sizeof(want), "\"\\b\""); break;
		case 0x09: snprintf(want, sizeof(want), "\"\\t\""); break;
		case 0x0a: snprintf(want, sizeof(want), "\"\\n\""); break;
		case 0x0c: snprintf(want, sizeof(want), "\"\\f\""); break;
		case 0x0d: snprintf(want, sizeof(want), "\"\\r\""); break;
		default: snprintf(want, sizeof(want), "\"\\u%04x\"", ch); break;
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

/* Outside every container there is one value: a second is refused and not written. */
static void
test_writer_one_value(void **state)
{
	struct canon_doc doc;
	struct canon c;
	struct buf b;

	(void)state;
	canon_doc_init(&doc);
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	canon_int(&c, 1);
	canon_int(&c, 2);
	assert_string_equal(b.data, "1");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "unbalanced");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_object_end(&c);
	canon_array_begin(&c);
	canon_array_end(&c);
	assert_string_equal(b.data, "{}");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "unbalanced");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_raw(&c, "[true]", 6);
	canon_string(&c, "x");
	canon_null(&c);
	canon_bool(&c, 1);
	canon_raw(&c, "1", 1);
	assert_string_equal(b.data, "[true]");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "unbalanced");

	/* Inside a container, any number. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_array_begin(&c);
	canon_int(&c, 1);
	canon_int(&c, 2);
	canon_array_end(&c);
	assert_written(&c, &b, "[1,2]");

	/* What the writer would not write, the reader does not read. */
	assert_refused(&doc, "1,2", 1, "bytes after the value");
	assert_refused(&doc, "{},[]", 2, "bytes after the value");
	canon_doc_free(&doc);
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

/*
 * canon_key_read and canon_string_read (for a read document's text) write
 * the same bytes as canon_key and canon_string, and still refuse keys out
 * of order, a duplicate, an empty key and a key outside an object.
 */
static void
test_writer_read_text(void **state)
{
	struct canon c;
	struct buf b;

	(void)state;
	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key_read(&c, "a\"b");
	canon_string_read(&c, "x\n\x01\xea\xb0\x80");
	canon_key(&c, "b");
	canon_string(&c, "y");
	canon_key_read(&c, "c");
	canon_string_read(&c, "");
	canon_object_end(&c);
	assert_written(&c, &b, "{\"a\\\"b\":\"x\\n\\u0001\xea\xb0\x80\",\"b\":\"y\",\"c\":\"\"}");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key(&c, "b");
	canon_int(&c, 1);
	canon_key_read(&c, "a");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key_read(&c, "a");
	canon_int(&c, 1);
	canon_key_read(&c, "a");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_object_begin(&c);
	canon_key_read(&c, "");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	buf_reset(&b);
	canon_init(&c, &b);
	canon_key_read(&c, "a");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");

	/* A second top-level value is refused as canon_string refuses it. */
	buf_reset(&b);
	canon_init(&c, &b);
	canon_string_read(&c, "one");
	canon_string_read(&c, "two");
	assert_writer_failed(&c, REDRESS_E_INTERNAL, "out of order");
	buf_free(&b);
}

/*
 * canon_find stops at the first name past the one asked (the members are
 * sorted): every member is found, and names before, between, after and
 * sharing a prefix with them are not.
 */
static void
test_find_sorted(void **state)
{
	static const char text[] = "{\"B\":0,\"a\":1,\"ab\":2,\"abc\":3,\"b\":4,\"ba\":5,\"z\":6}";
	static const char *const present[] = {"B", "a", "ab", "abc", "b", "ba", "z"};
	static const char *const absent[] = {"A",  "C", "Z", "_",  "aa", "abd",  "abcd", "ac",
	                                     "bb", "c", "y", "za", "zz", "\x7f", ""};
	struct redress_error err;
	struct canon_doc doc;
	const struct canon_node *root, *m;
	size_t i;

	(void)state;
	canon_doc_init(&doc);
	assert_int_equal(canon_read(&doc, text, strlen(text), &err), REDRESS_OK);
	root = canon_root(&doc);
	for (i = 0; i < sizeof(present) / sizeof(present[0]); i++) {
		m = canon_find(root, present[i]);
		if (m == NULL)
			fail_msg("canon_find did not find '%s'", present[i]);
		assert_string_equal(m->key, present[i]);
		assert_true(m->num == (int64_t)i);
	}
	for (i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		if (canon_find(root, absent[i]) != NULL)
			fail_msg("canon_find found '%s', which is not there", absent[i]);
	assert_null(canon_find(canon_find(root, "a"), "a")); /* not an object */
	canon_doc_free(&doc);
}

static void
test_writer_misuse(void **state)
{
	char key[CANON_KEY_MAX + 1];
	struct canon c;
	struct buf b;

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

/*
 * The reader refuses an object of more than CANON_MAX_MEMBERS members, so
 * the writer must too, or it could log an event that audit cannot read.
 */
static void
test_writer_many_members(void **state)
{
	struct redress_error err;
	struct canon_doc doc;
	char key[16];
	struct canon c;
	struct buf b;
	unsigned n, i;

	(void)state;
	canon_doc_init(&doc);
	buf_init(&b, TEST_BUF_MAX);
	for (n = CANON_MAX_MEMBERS; n <= CANON_MAX_MEMBERS + 1; n++) {
		buf_reset(&b);
		canon_init(&c, &b);
		canon_object_begin(&c);
		for (i = 0; i < n; i++) {
			snprintf(key, sizeof(key), "k%03u", i);
			canon_key(&c, key);
			canon_int(&c, i);
		}
		canon_object_end(&c);
		if (n == CANON_MAX_MEMBERS) {
			assert_int_equal(canon_error(&c, &err), REDRESS_OK);
			assert_fixed_point_n(&doc, b.data, b.len);
		}
	}
	/* The writer refuses the 257th member, as the reader would refuse its name. */
	assert_true(canon_error(&c, NULL) != REDRESS_OK);
	assert_writer_failed(&c, REDRESS_E_OVERFLOW, "more than 256 members");
	canon_doc_free(&doc);
	buf_free(&b);
}

/* ---- the reader ---- */

/* Every control character alone, as the writer spells it. */
static void
control_string(unsigned ch, char *out, size_t size)
{
	switch (ch) {
	case 0x08: snprintf(out, size, "\"\\b\""); break;
	case 0x09: snprintf(out, size, "\"\\t\""); break;
	case 0x0a: snprintf(out, size, "\"\\n\""); break;
	case 0x0c: snprintf(out, size, "\"\\f\""); break;
	case 0x0d: snprintf(out, size, "\"\\r\""); break;
	default: snprintf(out, size, "\"\\u%04x\"", ch); break;
	}
}

static void
test_read_round_trip(void **state)
{
	static const char *const canonical[] = {
	    "{}",
	    "[]",
	    "0",
	    "1",
	    "-1",
	    "10",
	    "-9223372036854775808",
	    "9223372036854775807",
	    "-9223372036854775807",
	    "9223372036854775806",
	    "\"\"",
	    "null",
	    "true",
	    "false",
	    "[[],{},[[]],0]",
	    "[{}]",
	    "{\"a\":{}}",
	    "{\"a\":[]}",
	    "[-9223372036854775808,9223372036854775807,0,-1,1,10]",
	    "[true,false,null,\"\",0,[],{}]",
	    "{\"a\":[1,{\"b\":null,\"c\":true},[],\"\"],\"d\":\"x\",\"e\":false,\"f\":{},"
	    "\"g\":[{\"a\":1},{\"a\":2}]}",
	    "{\"a\":{\"b\":{\"c\":[[\"d\",[{\"e\":[]}]]]}}}",
	    "[\"a\",\"a\",1,1]",
	    /* Every escape there is. */
	    "\"\\b\\t\\n\\f\\r\\u0001\\u001f\\\"\\\\\"",
	    "\"\\b\\t\\n\\f\\r\\u0001\\u000b\\u001f\\\"\\\\/\x7f\"",
	    "\"a\\\"b\\\\c\\nd\"",
	    "\"\\\\u0041\"",
	    /* Non-ASCII as itself, including the first and last of each length. */
	    "\"caf\xc3\xa9 \xed\x95\x9c\xea\xb5\xad\xec\x96\xb4 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e "
	    "\xf0\x9f\x98\x80\"",
	    "\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf"
	    "\xbf\"",
	    "\"\xe2\x80\xa8\xe2\x80\xa9\xc2\x85\xef\xbb\xbf\"",
	    /* Keys in byte order, quoted like strings. */
	    "{\"B\":1,\"_\":2,\"a\":3,\"a0\":4,\"aa\":5}",
	    "{\"a\":1,\"a \":2,\"a0\":3}",
	    "{\"a\\\"b\":1,\"a\\\\\":2}",
	    "{\"\\u0001\":1,\"\\n\":2,\" \":3}",
	    "{\"b\":{\"z\":1},\"c\":2}",
	    /* Ledger events as the ledger writes them. */
	    "{\"code\":\"bank:krw\",\"currency\":\"KRW\",\"kind\":\"asset\",\"name\":\"Bank\",\"no_"
	    "overdraft\":true}",
	    "{\"amount\":5,\"credit\":\"a\",\"currency\":\"KRW\",\"debit\":\"b\",\"exchange\":null,\"id\":"
	    "\"t1\",\"pending\":false,\"ref\":null}",
	    "{\"id\":\"t1\"}",
	    "{\"actor\":\"os:alice\",\"at\":\"2024-06-01T00:00:00Z\",\"data\":{\"id\":\"t1\"},\"seq\":3,"
	    "\"type\":\"ledger.transfer.posted\",\"v\":1}",
	};
	struct canon_doc doc;
	char text[16];
	unsigned ch;
	size_t i;

	(void)state;
	canon_doc_init(&doc);
	for (i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++)
		assert_fixed_point(&doc, canonical[i]);
	for (ch = 1; ch < 0x20; ch++) {
		control_string(ch, text, sizeof(text));
		assert_fixed_point(&doc, text);
		assert_int_equal((unsigned char)canon_root(&doc)->str[0], ch);
		assert_int_equal(canon_root(&doc)->str[1], '\0');
	}
	canon_doc_free(&doc);
}

/* The tree canon_read builds: types, spans, keys and values. */
static void
test_read_values(void **state)
{
	static const char text[] =
	    "{\"a\":[1,{\"b\":null,\"c\":true},[],\"\"],\"d\":\"x\\n\\u0001\\\"\\\\/\xc3\xa9\","
	    "\"e\":false,\"f\":{},\"max\":9223372036854775807,\"min\":-9223372036854775808}";
	static const char *const keys[] = {"a", "d", "e", "f", "max", "min"};
	const struct canon_node *root, *a, *m, *c;
	struct canon_doc doc;
	size_t i;

	(void)state;
	canon_doc_init(&doc);
	assert_null(canon_root(&doc));
	root = read_ok(&doc, text, strlen(text));
	assert_ptr_equal(root, &doc.nodes[0]);
	assert_int_equal(root->type, CANON_OBJECT);
	assert_null(root->key);
	/* root, a, 1, {}, null, true, [], "", d, e, f, max, min */
	assert_int_equal(root->span, 13);
	assert_int_equal(doc.count, 13);
	i = 0;
	for (m = canon_first(root); m < canon_end(root); m = canon_next(m)) {
		assert_true(i < sizeof(keys) / sizeof(keys[0]));
		assert_string_equal(m->key, keys[i]);
		i++;
	}
	assert_int_equal(i, sizeof(keys) / sizeof(keys[0]));

	a = canon_find(root, "a");
	assert_int_equal(a->type, CANON_ARRAY);
	assert_int_equal(a->span, 7);
	m = canon_first(a);
	assert_int_equal(m->type, CANON_INT);
	assert_null(m->key);
	assert_true(m->num == 1);
	m = canon_next(m);
	assert_int_equal(m->type, CANON_OBJECT);
	assert_int_equal(m->span, 3);
	c = canon_first(m);
	assert_int_equal(c->type, CANON_NULL);
	assert_string_equal(c->key, "b");
	c = canon_next(c);
	assert_int_equal(c->type, CANON_BOOL);
	assert_string_equal(c->key, "c");
	assert_true(c->num == 1);
	assert_ptr_equal(canon_next(c), canon_end(m));
	m = canon_next(m);
	assert_int_equal(m->type, CANON_ARRAY);
	assert_int_equal(m->span, 1);
	assert_ptr_equal(canon_first(m), canon_end(m));
	m = canon_next(m);
	assert_int_equal(m->type, CANON_STRING);
	assert_string_equal(m->str, "");
	assert_ptr_equal(canon_next(m), canon_end(a));

	m = canon_find(root, "d");
	assert_int_equal(m->type, CANON_STRING);
	assert_string_equal(m->str, "x\n\x01\"\\/\xc3\xa9");
	m = canon_find(root, "e");
	assert_int_equal(m->type, CANON_BOOL);
	assert_true(m->num == 0);
	m = canon_find(root, "f");
	assert_int_equal(m->type, CANON_OBJECT);
	assert_int_equal(m->span, 1);
	assert_true(canon_find(root, "max")->num == INT64_MAX);
	assert_true(canon_find(root, "min")->num == INT64_MIN);
	assert_int_equal(canon_find(root, "min")->type, CANON_INT);

	/* A lone scalar is a root of one node. */
	root = read_ok(&doc, "-42", 3);
	assert_int_equal(root->type, CANON_INT);
	assert_int_equal(root->span, 1);
	assert_true(root->num == -42);
	root = read_ok(&doc, "null", 4);
	assert_int_equal(root->type, CANON_NULL);
	root = read_ok(&doc, "true", 4);
	assert_int_equal(root->type, CANON_BOOL);
	assert_true(root->num == 1);
	canon_doc_free(&doc);
}

static void
test_read_refuses(void **state)
{
	static const struct {
		const char *text;
		size_t at;
		const char *needle;
	} cases[] = {
	    /* White space, anywhere. */
	    {" 1", 0, "expected a value"},
	    {"\t1", 0, "expected a value"},
	    {"\n{}", 0, "expected a value"},
	    {"\r[]", 0, "expected a value"},
	    {"1 ", 1, "bytes after the value"},
	    {"{}\n", 2, "bytes after the value"},
	    {"\"a\" ", 3, "bytes after the value"},
	    {"{\"a\": 1}", 5, "expected a value"},
	    {"{\"a\" :1}", 4, "expected ':'"},
	    {"{ \"a\":1}", 1, "expected a member name"},
	    {"{\"a\":1 }", 6, "expected ',' or '}'"},
	    {"{\"a\":1, \"b\":2}", 7, "expected a member name"},
	    {"{\"a\":1 ,\"b\":2}", 6, "expected ',' or '}'"},
	    {"[ 1]", 1, "expected a value"},
	    {"[1 ]", 2, "expected ',' or ']'"},
	    {"[1, 2]", 3, "expected a value"},
	    {"[1 ,2]", 2, "expected ',' or ']'"},
	    {"{ }", 1, "expected a member name"},
	    {"[ ]", 1, "expected a value"},
	    /* Keys out of order, at any depth; the name is named at its opening quote. */
	    {"{\"b\":1,\"a\":2}", 7, "out of order or repeated"},
	    {"{\"B\":1,\"A\":2}", 7, "out of order or repeated"},
	    {"{\"a\":1,\"B\":2}", 7, "out of order or repeated"},
	    {"{\"aa\":1,\"a\":2}", 8, "out of order or repeated"},
	    {"{\"a\":1,\"b\":2,\"a\":3}", 13, "out of order or repeated"},
	    {"{\"x\":{\"b\":1,\"a\":2}}", 12, "out of order or repeated"},
	    {"{\"b\":{\"z\":1},\"a\":2}", 13, "out of order or repeated"},
	    /* Duplicate keys. */
	    {"{\"a\":1,\"a\":2}", 7, "out of order or repeated"},
	    {"[{\"a\":null,\"a\":null}]", 11, "out of order or repeated"},
	    {"{\"a\\\"\":1,\"a\\\"\":2}", 9, "out of order or repeated"},
	    /* Keys the writer would not write. */
	    {"{\"\":1}", 1, "member name empty"},
	    {"{\"a\":1,\"\":2}", 7, "member name empty"},
	    {"{\"caf\xc3\xa9\":1}", 1, "not ASCII"},
	    {"{\"a\":1,\"\xc3\xa9\":2}", 7, "not ASCII"},
	    {"{\"\\/\":1}", 2, "unknown or needless escape"},
	    {"{\"a\x01\":1}", 3, "raw control character"},
	    {"{\"\xc3\":1}", 2, "not valid UTF-8"},
	    {"{a:1}", 1, "expected a member name"},
	    {"{1:1}", 1, "expected a member name"},
	    /* Escapes: only the writer's, in its spelling. */
	    {"\"\\/\"", 1, "unknown or needless escape"},
	    {"\"a/\\/\"", 3, "unknown or needless escape"},
	    {"\"\\u0041\"", 1, "needless \\u escape"},
	    {"\"\\u0020\"", 1, "needless \\u escape"},
	    {"\"\\u007f\"", 1, "needless \\u escape"},
	    {"\"\\u00e9\"", 1, "needless \\u escape"},
	    {"\"\\u001F\"", 1, "in lower case"},
	    {"\"\\u001A\"", 1, "in lower case"},
	    {"\"\\u0000\"", 1, "escaped NUL"},
	    {"\"a\\u0000b\"", 2, "escaped NUL"},
	    {"\"\\u0008\"", 1, "needless \\u escape"},
	    {"\"\\u0009\"", 1, "needless \\u escape"},
	    {"\"\\u000a\"", 1, "needless \\u escape"},
	    {"\"\\u000c\"", 1, "needless \\u escape"},
	    {"\"\\u000d\"", 1, "needless \\u escape"},
	    {"\"\\u0100\"", 1, "other than \\u00xx"},
	    {"\"\\ud83d\\ude00\"", 1, "other than \\u00xx"},
	    {"\"\\u01\"", 1, "other than \\u00xx"},
	    {"\"\\u0", 1, "other than \\u00xx"},
	    {"\"\\x\"", 1, "unknown or needless escape"},
	    {"\"\\'\"", 1, "unknown or needless escape"},
	    {"\"\\U0001\"", 1, "unknown or needless escape"},
	    {"\"\\a\"", 1, "unknown or needless escape"},
	    {"\"\\0\"", 1, "unknown or needless escape"},
	    {"\"\\", 1, "unterminated escape"},
	    {"\"ab\\", 3, "unterminated escape"},
	    /* Raw control characters. */
	    {"\"a\nb\"", 2, "raw control character"},
	    {"\"\t\"", 1, "raw control character"},
	    {"\"\x01\"", 1, "raw control character"},
	    {"\"\x1f\"", 1, "raw control character"},
	    /* Invalid UTF-8, named at the first byte of the bad sequence: overlong forms ... */
	    {"\"\xc0\x80\"", 1, "not valid UTF-8"},
	    {"\"\xc1\xbf\"", 1, "not valid UTF-8"},
	    {"\"\xe0\x80\xaf\"", 1, "not valid UTF-8"},
	    {"\"\xe0\x9f\xbf\"", 1, "not valid UTF-8"},
	    {"\"\xf0\x8f\xbf\xbf\"", 1, "not valid UTF-8"},
	    /* ... surrogates ... */
	    {"\"a\xed\xa0\x80\"", 2, "not valid UTF-8"},
	    {"\"\xed\xbf\xbf\"", 1, "not valid UTF-8"},
	    {"\"\xed\xa0\xbd\xed\xb8\x80\"", 1, "not valid UTF-8"},
	    /* ... beyond U+10FFFF, bytes that never occur, stray continuations ... */
	    {"\"\xf4\x90\x80\x80\"", 1, "not valid UTF-8"},
	    {"\"\xf5\x80\x80\x80\"", 1, "not valid UTF-8"},
	    {"\"\xff\"", 1, "not valid UTF-8"},
	    {"\"\xfe\"", 1, "not valid UTF-8"},
	    {"\"\x80\"", 1, "not valid UTF-8"},
	    {"\"\xc3\xa9\xa9\"", 3, "not valid UTF-8"},
	    {"\"caf\xc3\xa9\xff\"", 6, "not valid UTF-8"},
	    /* ... and sequences cut short, by a quote, a letter or the end. */
	    {"\"\xc3\"", 1, "not valid UTF-8"},
	    {"\"\xe2\x82\"", 1, "not valid UTF-8"},
	    {"\"ab\xf0\x9f\x98\"", 3, "not valid UTF-8"},
	    {"\"\xe2\x82x\"", 1, "not valid UTF-8"},
	    {"\"\xc3", 1, "not valid UTF-8"},
	    {"\"\xf0\x9f\x98", 1, "not valid UTF-8"},
	    /* Numbers other than shortest integers, named where the number starts. */
	    {"1.0", 0, "fraction, exponent or leading zero"},
	    {"1.", 0, "fraction, exponent or leading zero"},
	    {"12.5", 0, "fraction, exponent or leading zero"},
	    {"0.0", 0, "fraction, exponent or leading zero"},
	    {"1e2", 0, "fraction, exponent or leading zero"},
	    {"1E2", 0, "fraction, exponent or leading zero"},
	    {"1e-2", 0, "fraction, exponent or leading zero"},
	    {"0e0", 0, "fraction, exponent or leading zero"},
	    {"[1,2.5]", 3, "fraction, exponent or leading zero"},
	    {"{\"a\":{\"b\":1.5}}", 10, "fraction, exponent or leading zero"},
	    {"01", 0, "fraction, exponent or leading zero"},
	    {"00", 0, "fraction, exponent or leading zero"},
	    {"[0,007]", 3, "fraction, exponent or leading zero"},
	    {"-0", 0, "-0 is not canonical"},
	    {"-01", 0, "-0 is not canonical"},
	    {"-0.5", 0, "-0 is not canonical"},
	    {"[-0]", 1, "-0 is not canonical"},
	    {"9223372036854775808", 0, "integer beyond 64 bits"},
	    {"-9223372036854775809", 0, "integer beyond 64 bits"},
	    {"18446744073709551616", 0, "integer beyond 64 bits"},
	    {"99999999999999999999999", 0, "integer beyond 64 bits"},
	    {"[1,9223372036854775808]", 3, "integer beyond 64 bits"},
	    {"-", 0, "malformed number"},
	    {"-a", 0, "malformed number"},
	    {"--1", 0, "malformed number"},
	    {"+1", 0, "expected a value"},
	    {".5", 0, "expected a value"},
	    {"NaN", 0, "expected a value"},
	    {"Infinity", 0, "expected a value"},
	    {"0x10", 1, "bytes after the value"},
	    /* Trailing bytes. */
	    {"{}{}", 2, "bytes after the value"},
	    {"[]]", 2, "bytes after the value"},
	    {"{},", 2, "bytes after the value"},
	    {"1x", 1, "bytes after the value"},
	    {"truex", 4, "bytes after the value"},
	    {"nullnull", 4, "bytes after the value"},
	    {"\"a\"\"", 3, "bytes after the value"},
	    /* Nothing, or not enough. */
	    {"", 0, "unexpected end"},
	    {"\"", 1, "unterminated string"},
	    {"\"abc", 4, "unterminated string"},
	    {"[\"a", 3, "unterminated string"},
	    {"{\"ab", 4, "unterminated string"},
	    {"{", 1, "expected a member name"},
	    {"{\"a\"", 4, "expected ':'"},
	    {"{\"a\":", 5, "unexpected end"},
	    {"{\"a\":1", 6, "expected ',' or '}'"},
	    {"{\"a\":1,", 7, "expected a member name"},
	    {"[", 1, "unexpected end"},
	    {"[1", 2, "expected ',' or ']'"},
	    {"[1,", 3, "unexpected end"},
	    {"[[]", 3, "expected ',' or ']'"},
	    {"{\"a\":[", 6, "unexpected end"},
	    /* Brackets that do not match, commas with nothing after them. */
	    {"[1}", 2, "expected ',' or ']'"},
	    {"{\"a\":1]", 6, "expected ',' or '}'"},
	    {"]", 0, "expected a value"},
	    {"}", 0, "expected a value"},
	    {"[1,]", 3, "expected a value"},
	    {"[,1]", 1, "expected a value"},
	    {"{\"a\":1,}", 7, "expected a member name"},
	    {"{,}", 1, "expected a member name"},
	    /* Literals, named where they start. */
	    {"tru", 0, "unknown literal"},
	    {"nul", 0, "unknown literal"},
	    {"fals", 0, "unknown literal"},
	    {"t", 0, "unknown literal"},
	    {"trUe", 0, "unknown literal"},
	    {"nulL", 0, "unknown literal"},
	    {"[tru]", 1, "unknown literal"},
	    {"{\"a\":nul}", 5, "unknown literal"},
	    {"True", 0, "expected a value"},
	    {"NULL", 0, "expected a value"},
	    {"'a'", 0, "expected a value"},
	};
	struct redress_error err;
	struct canon_doc doc;
	size_t i;

	(void)state;
	canon_doc_init(&doc);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_refused(&doc, cases[i].text, cases[i].at, cases[i].needle);
	/* A NUL is a byte like any other: raw in a string, or after the value. */
	assert_refused_n(&doc, "\"a\0b\"", 5, 2, "raw control character");
	assert_refused_n(&doc, "{}\0", 3, 2, "bytes after the value");
	assert_refused_n(&doc, "1\0", 2, 1, "bytes after the value");
	assert_refused_n(&doc, "\0", 1, 0, "expected a value");
	/* Only len bytes are read: a prefix of valid text is cut short. */
	assert_refused_n(&doc, "[1,2]", 4, 4, "expected ',' or ']'");
	assert_refused_n(&doc, "\"abc\"", 4, 4, "unterminated string");
	assert_refused_n(&doc, "true", 3, 0, "unknown literal");
	/* err may be NULL. */
	assert_int_equal(canon_read(&doc, "{\"b\":1,\"a\":2}", 13, NULL), REDRESS_E_INVALID);
	assert_null(canon_root(&doc));
	/* The size limit comes before any byte is read. */
	memset(&err, 0, sizeof(err));
	assert_int_equal(canon_read(&doc, "1", (size_t)CANON_READ_MAX + 1, &err), REDRESS_E_INVALID);
	assert_int_equal(err.code, REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "beyond the limit"));
	assert_null(canon_root(&doc));
	canon_doc_free(&doc);
}

/* What canon_read accepts, the writer can write: the limits agree. */
static void
test_read_limits(void **state)
{
	char key[CANON_KEY_MAX + 8];
	struct redress_error err;
	struct canon_doc doc;
	char *text, *nested;
	size_t len, at, n, i;

	(void)state;
	canon_doc_init(&doc);

	/* The writer nests CANON_MAX_DEPTH - 1 containers (test_writer_depth), and so does the reader. */
	nested = nested_arrays(CANON_MAX_DEPTH - 1);
	assert_fixed_point(&doc, nested);
	free(nested);
	nested = nested_arrays(CANON_MAX_DEPTH);
	assert_refused(&doc, nested, CANON_MAX_DEPTH - 1, "nested too deep");
	free(nested);
	nested = nested_arrays(1000);
	assert_refused(&doc, nested, CANON_MAX_DEPTH - 1, "nested too deep");
	free(nested);
	nested = nested_objects(CANON_MAX_DEPTH - 1);
	assert_fixed_point(&doc, nested);
	free(nested);
	nested = nested_objects(CANON_MAX_DEPTH);
	assert_refused(&doc, nested, 5 * (CANON_MAX_DEPTH - 1), "nested too deep");
	free(nested);
	/* Scalars do not count as a level; only containers do. */
	assert_fixed_point(
	    &doc, "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{"
	          "\"a\":{\"a\":{\"a\":1}}}}}}}}}}}}}}}");
	assert_fixed_point(&doc, "[[[[[[[[[[[[[[[\"x\",1,null,true]]]]]]]]]]]]]]]");
	assert_refused(&doc, "[[[[[[[[[[[[[[[1,{}]]]]]]]]]]]]]]]", 17, "nested too deep");

	/* CANON_MAX_MEMBERS members, then one more, refused at the extra member's name. */
	text = malloc(16 * 300);
	assert_non_null(text);
	for (n = CANON_MAX_MEMBERS; n <= CANON_MAX_MEMBERS + 1; n++) {
		len = 0;
		at = 0;
		text[len++] = '{';
		for (i = 0; i < n; i++) {
			if (i > 0)
				text[len++] = ',';
			at = len;
			len += (size_t)snprintf(text + len, 16 * 300 - len, "\"k%03zu\":%zu", i, i);
		}
		text[len++] = '}';
		text[len] = '\0';
		if (n == CANON_MAX_MEMBERS)
			assert_fixed_point(&doc, text);
		else
			assert_refused(&doc, text, at, "too many members");
	}
	free(text);

	/* The limit is per object: nested objects each have their own, and arrays have none. */
	for (n = CANON_MAX_MEMBERS + 1; n <= 10000; n += 10000 - CANON_MAX_MEMBERS - 1) {
		text = malloc(2 * n + 2);
		assert_non_null(text);
		len = 0;
		text[len++] = '[';
		for (i = 0; i < n; i++) {
			if (i > 0)
				text[len++] = ',';
			text[len++] = '0';
		}
		text[len++] = ']';
		assert_fixed_point_n(&doc, text, len);
		assert_int_equal(canon_root(&doc)->span, n + 1);
		free(text);
	}

	/* Keys of CANON_KEY_MAX - 1 bytes, then CANON_KEY_MAX, counted unescaped, as the writer counts. */
	text = malloc(2 * CANON_KEY_MAX + 16);
	assert_non_null(text);
	memset(key, 'k', sizeof(key));
	key[CANON_KEY_MAX - 1] = '\0';
	snprintf(text, 2 * CANON_KEY_MAX + 16, "{\"%s\":1}", key);
	assert_fixed_point(&doc, text);
	key[CANON_KEY_MAX - 1] = 'k';
	key[CANON_KEY_MAX] = '\0';
	snprintf(text, 2 * CANON_KEY_MAX + 16, "{\"%s\":1}", key);
	assert_refused(&doc, text, 1, "too long");
	key[CANON_KEY_MAX - 2] = '\0';
	snprintf(text, 2 * CANON_KEY_MAX + 16, "{\"%s\\n\":1}", key);
	assert_fixed_point(&doc, text);
	key[CANON_KEY_MAX - 2] = 'k';
	key[CANON_KEY_MAX - 1] = '\0';
	snprintf(text, 2 * CANON_KEY_MAX + 16, "{\"a\":1,\"%s\\n\":1}", key);
	assert_refused(&doc, text, 7, "too long");
	free(text);

	/* CANON_READ_MAX bytes are read; one more is refused. */
	text = malloc((size_t)CANON_READ_MAX + 1);
	assert_non_null(text);
	text[0] = '"';
	memset(text + 1, 'x', CANON_READ_MAX - 2);
	text[CANON_READ_MAX - 1] = '"';
	assert_fixed_point_n(&doc, text, CANON_READ_MAX);
	assert_int_equal(strlen(canon_root(&doc)->str), CANON_READ_MAX - 2);
	text[CANON_READ_MAX - 1] = 'x';
	text[CANON_READ_MAX] = '"';
	assert_int_equal(canon_read(&doc, text, (size_t)CANON_READ_MAX + 1, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "beyond the limit"));
	free(text);
	canon_doc_free(&doc);
}

/*
 * One document read again and again, larger, smaller, after a refusal and
 * after canon_doc_free: each read gives exactly its own tree.
 */
static void
test_doc_reuse(void **state)
{
	static const char event[] =
	    "{\"actor\":\"os:alice\",\"at\":\"2024-06-01T00:00:00Z\",\"data\":{\"amount\":5,\"credit\":\"a\","
	    "\"currency\":\"KRW\",\"debit\":\"b\",\"exchange\":null,\"id\":\"t1\",\"pending\":false,\"ref\":"
	    "\"June \\\"grant\\\"\"},\"seq\":3,\"type\":\"ledger.transfer.created\",\"v\":1}";
	/* Refused late, after many nodes and strings were written. */
	static const char late[] =
	    "{\"a\":\"a long string that fills the text area\",\"b\":[1,2,3,{\"c\":\"d\"}],"
	    "\"e\":tru}";
	struct redress_error err;
	struct canon_doc doc;
	const struct canon_node *root, *data;
	const char *s;
	char *big, *out;
	size_t len, i, round;
	int64_t n;

	(void)state;
	canon_doc_init(&doc);
	big = malloc(20000);
	assert_non_null(big);
	for (round = 0; round < 3; round++) {
		root = read_ok(&doc, event, strlen(event));
		data = canon_find(root, "data");
		assert_non_null(data);
		assert_int_equal(canon_get_string(data, "ref", &s, &err), REDRESS_OK);
		assert_string_equal(s, "June \"grant\"");
		assert_int_equal(canon_get_int(root, "seq", &n, &err), REDRESS_OK);
		assert_true(n == 3);
		out = write_back(root, &len);
		assert_int_equal(len, strlen(event));
		assert_memory_equal(out, event, len);
		free(out);

		/* Smaller: nothing of the last read shows through. */
		root = read_ok(&doc, "[\"x\"]", 5);
		assert_int_equal(root->span, 2);
		assert_int_equal(doc.count, 2);
		assert_string_equal(canon_first(root)->str, "x");
		assert_null(canon_find(root, "data"));

		/* A refusal leaves no root, and the next read is whole. */
		assert_refused(&doc, late, strlen(late) - 4, "unknown literal");
		assert_int_equal(canon_read(&doc, late, strlen(late), NULL), REDRESS_E_INVALID);
		assert_null(canon_root(&doc));
		root = read_ok(&doc, "7", 1);
		assert_int_equal(root->type, CANON_INT);
		assert_true(root->num == 7);
		assert_int_equal(doc.count, 1);

		/* Larger than anything before: the nodes and the text area grow. */
		len = 0;
		big[len++] = '[';
		for (i = 0; i < 1500; i++)
			len += (size_t)snprintf(big + len, 20000 - len, "%s\"s%zu\"", i ? "," : "", i);
		big[len++] = ']';
		assert_true(len < 20000);
		assert_fixed_point_n(&doc, big, len);
		root = canon_root(&doc);
		assert_int_equal(root->span, 1501);
		assert_string_equal(canon_first(root)->str, "s0");
		assert_string_equal(canon_end(root)[-1].str, "s1499");
		assert_refused_n(&doc, big, len - 1, len - 1, "expected ',' or ']'");

		/* Freed, the document is empty and can be read into again. */
		if (round == 1) {
			canon_doc_free(&doc);
			assert_null(doc.nodes);
			assert_null(doc.text);
			assert_null(canon_root(&doc));
			canon_doc_free(&doc);
		}
	}
	free(big);
	canon_doc_free(&doc);
}

/* Writes v canonically, its object keys sorted, as the old jansson-based writer did. */
static int
key_compare(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
write_json(struct canon *c, const json_t *v)
{
	const char **keys;
	const char *key;
	json_t *member;
	size_t i, n;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = json_object_size(v);
		keys = calloc(n + 1, sizeof(*keys));
		assert_non_null(keys);
		i = 0;
		json_object_foreach((json_t *)v, key, member)
		{
			keys[i++] = key;
		}
		qsort(keys, n, sizeof(keys[0]), key_compare);
		canon_object_begin(c);
		for (i = 0; i < n; i++) {
			canon_key(c, keys[i]);
			write_json(c, json_object_get(v, keys[i]));
		}
		canon_object_end(c);
		free(keys);
		break;
	case JSON_ARRAY:
		canon_array_begin(c);
		for (i = 0; i < json_array_size(v); i++)
			write_json(c, json_array_get(v, i));
		canon_array_end(c);
		break;
	case JSON_STRING: canon_string(c, json_string_value(v)); break;
	case JSON_INTEGER: canon_int(c, (int64_t)json_integer_value(v)); break;
	case JSON_TRUE: canon_bool(c, 1); break;
	case JSON_FALSE: canon_bool(c, 0); break;
	case JSON_NULL: canon_null(c); break;
	case JSON_REAL: fail_msg("a real in a random value");
	}
}

static char *
encode_json(const json_t *v, size_t *len_r)
{
	struct redress_error err;
	struct canon c;
	struct buf b;
	char *out;

	buf_init(&b, TEST_BUF_MAX);
	canon_init(&c, &b);
	write_json(&c, v);
	if (canon_error(&c, &err) != REDRESS_OK)
		fail_msg("writing a random value: %s", err.message);
	out = buf_take(&b, len_r);
	assert_non_null(out);
	return out;
}

/* 1 when the node read holds the same value as v. */
static int
node_equals_json(const struct canon_node *n, const json_t *v)
{
	const struct canon_node *c;
	size_t i;

	switch (n->type) {
	case CANON_NULL: return json_is_null(v);
	case CANON_BOOL: return n->num ? json_is_true(v) : json_is_false(v);
	case CANON_INT: return json_is_integer(v) && (int64_t)json_integer_value(v) == n->num;
	case CANON_STRING:
		return json_is_string(v) && strlen(n->str) == json_string_length(v) &&
		       strcmp(n->str, json_string_value(v)) == 0;
	case CANON_ARRAY:
		if (!json_is_array(v))
			return 0;
		i = 0;
		for (c = canon_first(n); c < canon_end(n); c = canon_next(c))
			if (c->key != NULL || i >= json_array_size(v) ||
			    !node_equals_json(c, json_array_get(v, i++)))
				return 0;
		return i == json_array_size(v);
	case CANON_OBJECT:
		if (!json_is_object(v))
			return 0;
		i = 0;
		for (c = canon_first(n); c < canon_end(n); c = canon_next(c), i++)
			if (c->key == NULL || json_object_get(v, c->key) == NULL ||
			    !node_equals_json(c, json_object_get(v, c->key)))
				return 0;
		return i == json_object_size(v);
	}
	return 0;
}

/* Random values, written by the writer and by jansson's own encoder. */
/* Appends piece to the NUL-terminated text in buf, bounded by size. */
static void
append_piece(char *buf, size_t size, const char *piece)
{
	size_t len = strlen(buf), add = strlen(piece);

	assert_true(len + add < size);
	memcpy(buf + len, piece, add + 1);
}

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
	uint64_t r = support_random(seed);
	unsigned kind = (unsigned)(r % (depth < CANON_MAX_DEPTH - 1 ? 8 : 6));
	char text[64];
	json_t *v;
	size_t i, n;
	uint64_t u;

	switch (kind) {
	case 0: return json_null();
	case 1: return json_boolean(r & 0x100);
	case 2:
		/* A random width, so that short numbers are as common as long ones; ~ gives the negatives. */
		u = support_random(seed) >> (support_random(seed) % 64);
		return json_integer((r & 0x200) ? ~(json_int_t)u : (json_int_t)u);
	case 3: return json_integer(r & 0x400 ? INT64_MIN : INT64_MAX);
	case 4:
	case 5:
		text[0] = '\0';
		n = (size_t)(support_random(seed) % 8);
		for (i = 0; i < n; i++)
			append_piece(text, sizeof(text),
			             pieces[support_random(seed) % (sizeof(pieces) / sizeof(pieces[0]))]);
		return json_string(text);
	case 6:
		v = json_array();
		n = (size_t)(support_random(seed) % 5);
		for (i = 0; i < n; i++)
			json_array_append_new(v, random_value(seed, depth + 1));
		return v;
	default:
		v = json_object();
		n = (size_t)(support_random(seed) % 6);
		for (i = 0; i < n; i++) {
			text[0] = '\0';
			append_piece(
			    text, sizeof(text),
			    key_pieces[support_random(seed) % (sizeof(key_pieces) / sizeof(key_pieces[0]))]);
			append_piece(
			    text, sizeof(text),
			    key_pieces[support_random(seed) % (sizeof(key_pieces) / sizeof(key_pieces[0]))]);
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
	struct canon_doc doc;
	uint64_t seed = 1;
	unsigned i;

	(void)state;
	canon_doc_init(&doc);
	for (i = 0; i < 3000; i++) {
		json_t *v = random_value(&seed, 0);
		size_t len;
		char *ours = encode_json(v, &len), *theirs;

		theirs = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		assert_non_null(theirs);
		lower_unicode_escapes(theirs);
		if (strcmp(ours, theirs) != 0)
			fail_msg("case %u: canon wrote %s, jansson %s", i, ours, theirs);
		/* Read back, the same value; written again, the same bytes. */
		assert_fixed_point_n(&doc, ours, len);
		if (!node_equals_json(canon_root(&doc), v))
			fail_msg("case %u: %s read back as another value", i, ours);
		free(theirs);
		free(ours);
		json_decref(v);
	}
	canon_doc_free(&doc);
}

/*
 * Canonical texts with one byte changed, inserted or removed: whatever the
 * reader still accepts must write back to exactly those bytes, and every
 * refusal names a byte inside the text (or its end).
 */
static void
test_random_mutations(void **state)
{
	static const char bytes[] =
	    " \t\n{}[]\":,\\/-0123456789.eEtrufalsn\x01\x1f\x7f\x80\xbf\xc3\xe2\xed\xf0\xff";
	struct redress_error err;
	struct canon_doc doc;
	uint64_t seed = 2;
	unsigned i, accepted = 0;

	(void)state;
	canon_doc_init(&doc);
	for (i = 0; i < 20000; i++) {
		json_t *v = random_value(&seed, 0);
		size_t len, pos, out_len, at;
		char *text = encode_json(v, &len), *mutated, *out;
		const char *where;
		unsigned op = (unsigned)(support_random(&seed) % 3);
		char b = bytes[support_random(&seed) % (sizeof(bytes) - 1)];

		mutated = malloc(len + 2);
		assert_non_null(mutated);
		pos = (size_t)(support_random(&seed) % (len + 1));
		memcpy(mutated, text, pos);
		if (op == 0 && pos < len) {
			mutated[pos] = b; /* changed */
			memcpy(mutated + pos + 1, text + pos + 1, len - pos - 1);
		} else if (op == 1 || pos == len) {
			mutated[pos] = b; /* inserted */
			memcpy(mutated + pos + 1, text + pos, len - pos);
			len++;
		} else {
			memcpy(mutated + pos, text + pos + 1, len - pos - 1); /* removed */
			len--;
		}
		memset(&err, 0, sizeof(err));
		if (canon_read(&doc, mutated, len, &err) == REDRESS_OK) {
			accepted++;
			out = write_back(canon_root(&doc), &out_len);
			if (out_len != len || memcmp(out, mutated, len) != 0)
				fail_msg("case %u: \"%.*s\" accepted, written back as \"%s\"", i, (int)len,
				         mutated, out);
			free(out);
		} else {
			assert_int_equal(err.code, REDRESS_E_INVALID);
			assert_null(canon_root(&doc));
			where = strstr(err.message, "at byte ");
			assert_non_null(where);
			at = (size_t)strtoull(where + 8, NULL, 10);
			if (at > len)
				fail_msg("case %u: \"%.*s\": %s", i, (int)len, mutated, err.message);
		}
		free(mutated);
		free(text);
		json_decref(v);
	}
	/* Some mutations keep the text canonical (a letter in a string): both paths ran. */
	assert_true(accepted > 100);
	assert_true(accepted < 20000 - 100);
	canon_doc_free(&doc);
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
	    "{\"amount\":-9223372036854775808,\"flag\":true,\"list\":[],\"name\":\"Bank\","
	    "\"none\":null,\"num\":7,\"obj\":{\"inner\":\"x\"},\"off\":false}";
	struct redress_error err;
	struct canon_doc doc, other;
	const struct canon_node *obj, *arr;
	const char *s;
	int64_t n;
	int b;

	(void)state;
	canon_doc_init(&doc);
	canon_doc_init(&other);
	obj = read_ok(&doc, text, strlen(text));
	assert_int_equal(canon_get_string(obj, "name", &s, &err), REDRESS_OK);
	assert_string_equal(s, "Bank");
	assert_int_equal(canon_get_int(obj, "amount", &n, &err), REDRESS_OK);
	assert_true(n == INT64_MIN);
	assert_int_equal(canon_get_int(obj, "num", &n, &err), REDRESS_OK);
	assert_true(n == 7);
	assert_int_equal(canon_get_bool(obj, "flag", &b, &err), REDRESS_OK);
	assert_int_equal(b, 1);
	assert_int_equal(canon_get_bool(obj, "off", &b, &err), REDRESS_OK);
	assert_int_equal(b, 0);
	assert_int_equal(canon_get_string_opt(obj, "name", &s, &err), REDRESS_OK);
	assert_string_equal(s, "Bank");
	s = "x";
	assert_int_equal(canon_get_string_opt(obj, "none", &s, &err), REDRESS_OK);
	assert_null(s);
	s = "x";
	assert_int_equal(canon_get_string_opt(obj, "absent", &s, &err), REDRESS_OK);
	assert_null(s);
	assert_int_equal(canon_get_string(canon_find(obj, "obj"), "inner", &s, &err), REDRESS_OK);
	assert_string_equal(s, "x");

	/* Missing members and wrong types name the field; outputs stay as they were. */
	s = "unchanged";
	n = 42;
	b = 42;
	assert_get_failed(canon_get_string(obj, "code", &s, &err), &err, "field 'code' is missing");
	assert_get_failed(canon_get_string(obj, "num", &s, &err), &err, "field 'num' must be a string");
	assert_get_failed(canon_get_string(obj, "none", &s, &err), &err, "field 'none' must be a string");
	assert_get_failed(canon_get_string(obj, "list", &s, &err), &err, "field 'list' must be a string");
	assert_get_failed(canon_get_string(obj, "obj", &s, &err), &err, "field 'obj' must be a string");
	assert_get_failed(canon_get_string_opt(obj, "num", &s, &err), &err, "field 'num' must be a string");
	assert_get_failed(canon_get_string_opt(obj, "list", &s, &err), &err, "field 'list'");
	assert_get_failed(canon_get_string_opt(obj, "flag", &s, &err), &err, "field 'flag'");
	assert_string_equal(s, "unchanged");
	assert_get_failed(canon_get_int(obj, "count", &n, &err), &err, "field 'count' is missing");
	assert_get_failed(canon_get_int(obj, "name", &n, &err), &err, "field 'name' must be an integer");
	assert_get_failed(canon_get_int(obj, "flag", &n, &err), &err, "field 'flag' must be an integer");
	assert_get_failed(canon_get_int(obj, "none", &n, &err), &err, "field 'none' must be an integer");
	assert_int_equal(n, 42);
	assert_get_failed(canon_get_bool(obj, "pending", &b, &err), &err, "field 'pending' is missing");
	assert_get_failed(canon_get_bool(obj, "num", &b, &err), &err, "field 'num' must be true or false");
	assert_get_failed(canon_get_bool(obj, "none", &b, &err), &err, "field 'none' must be true or false");
	assert_get_failed(canon_get_bool(obj, "name", &b, &err), &err, "field 'name' must be true or false");
	assert_int_equal(b, 42);
	/* A nested member is not a member of the outer object. */
	assert_get_failed(canon_get_string(obj, "inner", &s, &err), &err, "field 'inner' is missing");
	/* Getters never fail with err NULL. */
	assert_int_equal(canon_get_string(obj, "code", &s, NULL), REDRESS_E_INVALID);
	assert_int_equal(canon_get_int(obj, "name", &n, NULL), REDRESS_E_INVALID);

	/* A value that is not an object has no fields. */
	arr = canon_find(obj, "list");
	assert_get_failed(canon_get_string(arr, "name", &s, &err), &err, "field 'name'");
	assert_get_failed(canon_get_int(arr, "amount", &n, &err), &err, "field 'amount'");
	assert_get_failed(canon_get_bool(arr, "flag", &b, &err), &err, "field 'flag'");
	assert_get_failed(canon_get_int(NULL, "amount", &n, &err), &err, "field 'amount'");
	assert_get_failed(canon_get_string(canon_find(obj, "name"), "name", &s, &err), &err, "field 'name'");
	assert_int_equal(canon_get_string_opt(arr, "name", &s, &err), REDRESS_OK);
	assert_null(s);
	arr = read_ok(&other, "[{\"name\":\"x\"}]", 14);
	assert_get_failed(canon_get_string(arr, "name", &s, &err), &err, "field 'name'");
	assert_int_equal(canon_get_string(canon_first(arr), "name", &s, &err), REDRESS_OK);
	assert_string_equal(s, "x");

	canon_doc_free(&other);
	canon_doc_free(&doc);
}

static void
test_find(void **state)
{
	static const char text[] = "{\"a\":1,\"arr\":[{\"a\":2}],\"b\":\"s\",\"n\":null,\"z\":{\"a\":3}}";
	struct canon_doc doc;
	const struct canon_node *root, *v;

	(void)state;
	canon_doc_init(&doc);
	root = read_ok(&doc, text, strlen(text));
	/* The first member, the last, and one between. */
	assert_true(canon_find(root, "a")->num == 1);
	assert_true(canon_find(canon_find(root, "z"), "a")->num == 3);
	assert_string_equal(canon_find(root, "b")->str, "s");
	assert_int_equal(canon_find(root, "n")->type, CANON_NULL);
	/* Names match whole. */
	assert_null(canon_find(root, "ar"));
	assert_null(canon_find(root, "arrr"));
	assert_null(canon_find(root, ""));
	assert_null(canon_find(root, "A"));
	/* Not an object: NULL, even when an element holds the name. */
	v = canon_find(root, "arr");
	assert_int_equal(v->type, CANON_ARRAY);
	assert_null(canon_find(v, "a"));
	assert_true(canon_find(canon_first(v), "a")->num == 2);
	assert_null(canon_find(canon_find(root, "b"), "b"));
	assert_null(canon_find(canon_find(root, "a"), "a"));
	assert_null(canon_find(canon_find(root, "n"), "n"));
	assert_null(canon_find(NULL, "a"));
	root = read_ok(&doc, "{}", 2);
	assert_null(canon_find(root, "a"));
	root = read_ok(&doc, "\"a\"", 3);
	assert_null(canon_find(root, "a"));
	canon_doc_free(&doc);
}

static void
test_only_keys(void **state)
{
	static const char *const allowed[] = {"amount", "id", "ref", NULL};
	static const char *const none[] = {NULL};
	struct redress_error err;
	struct canon_doc doc;
	const struct canon_node *obj;

	(void)state;
	canon_doc_init(&doc);
	obj = read_ok(&doc, "{\"amount\":1,\"id\":\"t\"}", 21);
	assert_int_equal(canon_only_keys(obj, allowed, &err), REDRESS_OK);

	obj = read_ok(&doc, "{}", 2);
	assert_int_equal(canon_only_keys(obj, allowed, &err), REDRESS_OK);
	assert_int_equal(canon_only_keys(obj, none, &err), REDRESS_OK);

	obj = read_ok(&doc, "{\"amount\":1,\"id\":\"t\",\"memo\":\"x\"}", 32);
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "unexpected field 'memo'");
	obj = read_ok(&doc, "{\"amount\":1,\"aux\":{\"id\":1},\"ref\":null}", 38);
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "unexpected field 'aux'");
	/* Only the object's own members count, not those nested in them. */
	obj = read_ok(&doc, "{\"id\":{\"memo\":1},\"ref\":[{\"x\":1}]}", 33);
	assert_int_equal(canon_only_keys(obj, allowed, &err), REDRESS_OK);

	/* Names match whole, not by prefix. */
	obj = read_ok(&doc, "{\"amounts\":1}", 13);
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "unexpected field 'amounts'");
	assert_get_failed(canon_only_keys(obj, none, &err), &err, "unexpected field 'amounts'");
	obj = read_ok(&doc, "{\"i\":1}", 7);
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "unexpected field 'i'");

	/* Not an object. */
	obj = read_ok(&doc, "[\"amount\"]", 10);
	assert_get_failed(canon_only_keys(obj, allowed, &err), &err, "expected an object");
	assert_get_failed(canon_only_keys(NULL, allowed, &err), &err, "expected an object");
	canon_doc_free(&doc);
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
	    cmocka_unit_test(test_writer_one_value),
	    cmocka_unit_test(test_writer_key_order),
	    cmocka_unit_test(test_writer_read_text),
	    cmocka_unit_test(test_find_sorted),
	    cmocka_unit_test(test_writer_misuse),
	    cmocka_unit_test(test_writer_depth),
	    cmocka_unit_test(test_writer_buffer_limit),
	    cmocka_unit_test(test_writer_many_members),
	    cmocka_unit_test(test_read_round_trip),
	    cmocka_unit_test(test_read_values),
	    cmocka_unit_test(test_read_refuses),
	    cmocka_unit_test(test_read_limits),
	    cmocka_unit_test(test_doc_reuse),
	    cmocka_unit_test(test_random_against_jansson),
	    cmocka_unit_test(test_random_mutations),
	    cmocka_unit_test(test_getters),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test(test_only_keys),
	    cmocka_unit_test(test_buf_limit_sticky),
	    cmocka_unit_test(test_buf_take),
	    cmocka_unit_test(test_buf_printf_growth),
	    cmocka_unit_test(test_buf_unbounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
