/*
 * canon.c -- the canonical JSON writer and the strict reader.
 */
#include "core/canon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * canon_value sorts an object's keys in an array on the stack, so objects
 * are bounded; canon_parse refuses larger ones, so that whatever it accepts
 * can be written back.
 */
#define CANON_MAX_MEMBERS 256

void
canon_init(struct canon *c, struct buf *out)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->first[0] = 1;
}

/* Writes the comma that separates this value from the previous one. */
static void
canon_separate(struct canon *c)
{
	if (!c->first[c->depth])
		buf_putc(c->out, ',');
	c->first[c->depth] = 0;
}

static void
canon_open(struct canon *c, char bracket)
{
	if (c->failed != REDRESS_OK)
		return;
	canon_separate(c);
	if (c->depth + 1 >= CANON_MAX_DEPTH) {
		c->failed = REDRESS_E_OVERFLOW;
		return;
	}
	c->depth++;
	c->first[c->depth] = 1;
	c->last_key[c->depth][0] = '\0';
	buf_putc(c->out, bracket);
}

static void
canon_close(struct canon *c, char bracket)
{
	if (c->failed != REDRESS_OK)
		return;
	/* A key whose value never came leaves first set after a key was written. */
	if (c->depth == 0 || (c->first[c->depth] && c->last_key[c->depth][0] != '\0')) {
		c->failed = REDRESS_E_INTERNAL;
		return;
	}
	c->depth--;
	buf_putc(c->out, bracket);
}

void
canon_object_begin(struct canon *c)
{
	canon_open(c, '{');
}

void
canon_object_end(struct canon *c)
{
	canon_close(c, '}');
}

void
canon_array_begin(struct canon *c)
{
	canon_open(c, '[');
}

void
canon_array_end(struct canon *c)
{
	canon_close(c, ']');
}

static void
canon_quote(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const char *run = s;

	buf_putc(out, '"');
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;
		const char *esc = NULL;
		char u[7];

		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		buf_append(out, run, (size_t)(s - run));
		run = s + 1;
		switch (ch) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\t': esc = "\\t"; break;
		case '\n': esc = "\\n"; break;
		case '\f': esc = "\\f"; break;
		case '\r': esc = "\\r"; break;
		default:
			u[0] = '\\';
			u[1] = 'u';
			u[2] = '0';
			u[3] = '0';
			u[4] = hex[ch >> 4];
			u[5] = hex[ch & 0xf];
			u[6] = '\0';
			esc = u;
		}
		buf_puts(out, esc);
	}
	buf_append(out, run, (size_t)(s - run));
	buf_putc(out, '"');
}

static int
canon_key_ascii(const char *key)
{
	for (; *key != '\0'; key++)
		if ((unsigned char)*key >= 0x80)
			return 0;
	return 1;
}

void
canon_key(struct canon *c, const char *key)
{
	size_t len = strlen(key);

	if (c->failed != REDRESS_OK)
		return;
	/*
	 * first is still set after a key only when that key got no value.  Keys
	 * are ASCII so that byte order is the UTF-16 order RFC 8785 sorts by.
	 */
	if (c->depth == 0 || len == 0 || len >= CANON_KEY_MAX || !canon_key_ascii(key) ||
	    (c->first[c->depth] && c->last_key[c->depth][0] != '\0') ||
	    (!c->first[c->depth] && strcmp(c->last_key[c->depth], key) >= 0)) {
		c->failed = REDRESS_E_INTERNAL;
		return;
	}
	canon_separate(c);
	memcpy(c->last_key[c->depth], key, len + 1);
	canon_quote(c->out, key);
	buf_putc(c->out, ':');
	/* The value that follows must not write a second separator. */
	c->first[c->depth] = 1;
}

/* After a value, the next member of the same container needs a comma. */
static void
canon_value_done(struct canon *c)
{
	c->first[c->depth] = 0;
}

void
canon_string(struct canon *c, const char *s)
{
	if (c->failed != REDRESS_OK)
		return;
	canon_separate(c);
	canon_quote(c->out, s);
	canon_value_done(c);
}

void
canon_int(struct canon *c, int64_t v)
{
	if (c->failed != REDRESS_OK)
		return;
	canon_separate(c);
	buf_printf(c->out, "%lld", (long long)v);
	canon_value_done(c);
}

void
canon_bool(struct canon *c, int v)
{
	if (c->failed != REDRESS_OK)
		return;
	canon_separate(c);
	buf_puts(c->out, v ? "true" : "false");
	canon_value_done(c);
}

void
canon_null(struct canon *c)
{
	if (c->failed != REDRESS_OK)
		return;
	canon_separate(c);
	buf_puts(c->out, "null");
	canon_value_done(c);
}

void
canon_raw(struct canon *c, const char *bytes, size_t len)
{
	if (c->failed != REDRESS_OK)
		return;
	canon_separate(c);
	buf_append(c->out, bytes, len);
	canon_value_done(c);
}

/*
 * Called once the value is complete, so a container still open is a
 * writer's mistake, as much as a key out of order.
 */
enum redress_err
canon_error(const struct canon *c, struct redress_error *err)
{
	if (c->failed == REDRESS_E_INTERNAL || (c->failed == REDRESS_OK && c->depth != 0))
		return error_set(err, REDRESS_E_INTERNAL, "canonical JSON written out of order or unbalanced");
	if (c->failed == REDRESS_E_OVERFLOW)
		return error_set(err, REDRESS_E_OVERFLOW,
				 "canonical JSON nested deeper than %d or an object of more than %d members",
				 CANON_MAX_DEPTH - 1, CANON_MAX_MEMBERS);
	return buf_error(c->out, err);
}

static int
canon_key_compare(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
canon_value(struct canon *c, const json_t *v)
{
	const char *keys[CANON_MAX_MEMBERS];
	const char *key;
	json_t *member;
	size_t i, n;

	/* Once failed, nothing more is written; do not walk the rest of v either. */
	if (c->failed != REDRESS_OK)
		return;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = json_object_size(v);
		if (n > sizeof(keys) / sizeof(keys[0])) {
			c->failed = REDRESS_E_OVERFLOW;
			return;
		}
		i = 0;
		json_object_foreach((json_t *)v, key, member)
		{
			keys[i++] = key;
		}
		qsort(keys, n, sizeof(keys[0]), canon_key_compare);
		canon_object_begin(c);
		for (i = 0; i < n; i++) {
			canon_key(c, keys[i]);
			canon_value(c, json_object_get(v, keys[i]));
		}
		canon_object_end(c);
		break;
	case JSON_ARRAY:
		canon_array_begin(c);
		for (i = 0; i < json_array_size(v); i++)
			canon_value(c, json_array_get(v, i));
		canon_array_end(c);
		break;
	case JSON_STRING:
		canon_string(c, json_string_value(v));
		break;
	case JSON_INTEGER:
		canon_int(c, (int64_t)json_integer_value(v));
		break;
	case JSON_TRUE:
		canon_bool(c, 1);
		break;
	case JSON_FALSE:
		canon_bool(c, 0);
		break;
	case JSON_NULL:
		canon_null(c);
		break;
	case JSON_REAL:
		/* Reals have no canonical form here; events never hold them. */
		c->failed = REDRESS_E_INTERNAL;
		break;
	}
}

/*
 * Refuses anything in v that the writer would refuse, so that every value
 * canon_parse accepts has a canonical form: reals (amounts are integers by
 * construction), nesting deeper than struct canon can follow (depth counts
 * the containers around v), objects too large to sort, and keys that
 * canon_key would not write.
 */
static enum redress_err
canon_check(const json_t *v, unsigned depth, struct redress_error *err)
{
	const char *key;
	json_t *member;
	enum redress_err rc;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_REAL:
		return error_set(err, REDRESS_E_INVALID, "JSON holds a real number; amounts are integers");
	case JSON_OBJECT:
	case JSON_ARRAY:
		/* The writer's depth 0 is outside every container, so it nests CANON_MAX_DEPTH - 1. */
		if (depth + 1 >= CANON_MAX_DEPTH)
			return error_set(err, REDRESS_E_INVALID, "JSON nests deeper than %d levels",
					 CANON_MAX_DEPTH - 1);
		break;
	default:
		return REDRESS_OK;
	}
	if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++)
			if ((rc = canon_check(json_array_get(v, i), depth + 1, err)) != REDRESS_OK)
				return rc;
		return REDRESS_OK;
	}
	if (json_object_size(v) > CANON_MAX_MEMBERS)
		return error_set(err, REDRESS_E_INVALID, "JSON object has more than %d members",
				 CANON_MAX_MEMBERS);
	json_object_foreach((json_t *)v, key, member)
	{
		if (*key == '\0')
			return error_set(err, REDRESS_E_INVALID, "JSON object has an empty key");
		if (!canon_key_ascii(key))
			return error_set(err, REDRESS_E_INVALID, "JSON object has a key that is not ASCII");
		if (strlen(key) >= CANON_KEY_MAX)
			return error_set(err, REDRESS_E_INVALID, "JSON key '%.32s...' is longer than %d bytes",
					 key, CANON_KEY_MAX - 1);
		if ((rc = canon_check(member, depth + 1, err)) != REDRESS_OK)
			return rc;
	}
	return REDRESS_OK;
}

enum redress_err
canon_parse(const char *bytes, size_t len, json_t **root_r, struct redress_error *err)
{
	json_error_t jerr;
	json_t *root;
	enum redress_err rc;

	root = json_loadb(bytes, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (root == NULL)
		return error_set(err, REDRESS_E_INVALID, "not valid JSON at byte %d: %s", jerr.position, jerr.text);
	if ((rc = canon_check(root, 0, err)) != REDRESS_OK) {
		json_decref(root);
		return rc;
	}
	*root_r = root;
	return REDRESS_OK;
}

static json_t *
canon_member(const json_t *obj, const char *key, const char *want, struct redress_error *err)
{
	json_t *v;

	if (!json_is_object(obj)) {
		error_set(err, REDRESS_E_INVALID, "expected an object holding field '%s'", key);
		return NULL;
	}
	v = json_object_get(obj, key);
	if (v == NULL)
		error_set(err, REDRESS_E_INVALID, "field '%s' is missing (%s expected)", key, want);
	return v;
}

enum redress_err
canon_get_string(const json_t *obj, const char *key, const char **value_r, struct redress_error *err)
{
	json_t *v = canon_member(obj, key, "a string", err);

	if (v == NULL)
		return REDRESS_E_INVALID;
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be a string without NUL", key);
	*value_r = json_string_value(v);
	return REDRESS_OK;
}

enum redress_err
canon_get_string_opt(const json_t *obj, const char *key, const char **value_r, struct redress_error *err)
{
	json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (v == NULL || json_is_null(v)) {
		*value_r = NULL;
		return REDRESS_OK;
	}
	return canon_get_string(obj, key, value_r, err);
}

enum redress_err
canon_get_int(const json_t *obj, const char *key, int64_t *value_r, struct redress_error *err)
{
	json_t *v = canon_member(obj, key, "an integer", err);

	if (v == NULL)
		return REDRESS_E_INVALID;
	if (!json_is_integer(v))
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be an integer", key);
	*value_r = (int64_t)json_integer_value(v);
	return REDRESS_OK;
}

enum redress_err
canon_get_bool(const json_t *obj, const char *key, int *value_r, struct redress_error *err)
{
	json_t *v = canon_member(obj, key, "true or false", err);

	if (v == NULL)
		return REDRESS_E_INVALID;
	if (!json_is_boolean(v))
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be true or false", key);
	*value_r = json_is_true(v);
	return REDRESS_OK;
}

enum redress_err
canon_only_keys(const json_t *obj, const char *const *allowed, struct redress_error *err)
{
	const char *key;
	json_t *member;
	size_t i;

	json_object_foreach((json_t *)obj, key, member)
	{
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(allowed[i], key) == 0)
				break;
		if (allowed[i] == NULL)
			return error_set(err, REDRESS_E_INVALID, "unexpected field '%.64s'", key);
	}
	return REDRESS_OK;
}
