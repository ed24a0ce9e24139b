/*
 * canon_read.c -- the strict reader of canonical JSON, and the getters.
 *
 * A recursive-descent parser over the bytes that refuses, with the offset,
 * anything the writer (canon.c) would not have produced.  Values go into a
 * flat array of nodes in document order; strings are unescaped into one
 * text area sized from the input up front (an unescaped string and its NUL
 * are never longer than its quoted form), so pointers into it stay valid
 * while the node array grows.
 */
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"

struct reader {
	struct canon_doc *doc;
	const char *p, *start, *end;
	size_t text_len;
	struct redress_error *err;
};

/* Fails naming the byte at, which is where the offending token or byte starts. */
static enum redress_err
reader_fail_at(struct reader *r, const char *at, const char *what)
{
	return error_set(r->err, REDRESS_E_INVALID, "not canonical JSON at byte %zu: %s",
	                 (size_t)(at - r->start), what);
}

static enum redress_err
reader_fail(struct reader *r, const char *what)
{
	return reader_fail_at(r, r->p, what);
}

/* Appends a node; returns its index, or -1 (err filled). */
static long
reader_node(struct reader *r, enum canon_type type, const char *key)
{
	struct canon_doc *d = r->doc;
	struct canon_node *n;

	if (d->count == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;

		if (cap > CANON_READ_MAX || (n = realloc(d->nodes, cap * sizeof(*n))) == NULL) {
			error_set(r->err, REDRESS_E_NOMEM, "out of memory reading JSON");
			return -1;
		}
		d->nodes = n;
		d->cap = cap;
	}
	n = &d->nodes[d->count];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->key = key;
	n->span = 1;
	return (long)d->count++;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* upper case is not canonical */
}

/*
 * Reads a quoted string into the text area; *s_r is its NUL-terminated copy.
 * UTF-8 is checked one sequence at a time, so that the error names the byte
 * where the bad sequence starts.
 */
static enum redress_err
read_string(struct reader *r, const char **s_r)
{
	char *out = r->doc->text + r->text_len;
	size_t n = 0;

	r->p++; /* the opening quote */
	for (;;) {
		unsigned char c;

		if (r->p >= r->end)
			return reader_fail(r, "unterminated string");
		c = (unsigned char)*r->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return reader_fail(r, "raw control character in a string (it must be escaped)");
		if (c >= 0x80) {
			size_t seq = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;

			if ((size_t)(r->end - r->p) < seq || !text_utf8_valid(r->p, seq))
				return reader_fail(r, "string is not valid UTF-8");
			memcpy(out + n, r->p, seq);
			n += seq;
			r->p += seq;
			continue;
		}
		if (c != '\\') {
			out[n++] = (char)c;
			r->p++;
			continue;
		}
		if (r->p + 1 >= r->end)
			return reader_fail(r, "unterminated escape");
		switch (r->p[1]) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			int h0, h1;

			if (r->end - r->p < 6 || r->p[2] != '0' || r->p[3] != '0' ||
			    (h0 = hex_digit(r->p[4])) < 0 || (h1 = hex_digit(r->p[5])) < 0)
				return reader_fail(r, "\\u escape other than \\u00xx in lower case");
			c = (unsigned char)(h0 * 16 + h1);
			/* Only the controls without a short form are escaped this way. */
			if (c >= 0x20 || c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t' ||
			    c == 0)
				return reader_fail(r, "needless \\u escape (or an escaped NUL)");
			out[n++] = (char)c;
			r->p += 4;
			break;
		}
		default: return reader_fail(r, "unknown or needless escape");
		}
		r->p += 2;
	}
	r->p++; /* the closing quote */
	out[n] = '\0';
	r->text_len += n + 1;
	*s_r = out;
	return REDRESS_OK;
}

static enum redress_err
read_number(struct reader *r, int64_t *v_r)
{
	const char *p = r->p;
	int negative = 0;
	uint64_t mag = 0, limit;

	if (*p == '-') {
		negative = 1;
		p++;
	}
	if (p >= r->end || *p < '0' || *p > '9')
		return reader_fail(r, "malformed number");
	if (*p == '0') {
		p++;
		if (negative)
			return reader_fail(r, "-0 is not canonical");
	} else {
		limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; p < r->end && *p >= '0' && *p <= '9'; p++) {
			if (mag > (limit - (uint64_t)(*p - '0')) / 10)
				return reader_fail(r, "integer beyond 64 bits");
			mag = mag * 10 + (uint64_t)(*p - '0');
		}
	}
	if (p < r->end && (*p == '.' || *p == 'e' || *p == 'E' || (*p >= '0' && *p <= '9')))
		return reader_fail(r, "a number with a fraction, exponent or leading zero");
	*v_r = negative ? (int64_t)(0 - mag) : (int64_t)mag;
	r->p = p;
	return REDRESS_OK;
}

static enum redress_err read_value(struct reader *r, const char *key, unsigned depth);

static int
literal(struct reader *r, const char *word)
{
	size_t len = strlen(word);

	if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len) != 0)
		return 0;
	r->p += len;
	return 1;
}

static enum redress_err
read_container(struct reader *r, long index, int object, unsigned depth)
{
	const char *last_key = NULL, *key, *key_at;
	char close = object ? '}' : ']';
	size_t members = 0;
	enum redress_err rc;

	if (depth >= CANON_MAX_DEPTH - 1)
		return reader_fail(r, "nested too deep");
	r->p++; /* the opening bracket */
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return REDRESS_OK;
	}
	for (;;) {
		key = NULL;
		if (object) {
			/* The limit is per object; arrays are bounded by CANON_READ_MAX alone. */
			if (++members > CANON_MAX_MEMBERS)
				return reader_fail(r, "too many members");
			if (r->p >= r->end || *r->p != '"')
				return reader_fail(r, "expected a member name");
			/* Problems with the name as a whole are named at its opening quote. */
			key_at = r->p;
			if ((rc = read_string(r, &key)) != REDRESS_OK)
				return rc;
			if (key[0] == '\0' || strlen(key) >= CANON_KEY_MAX)
				return reader_fail_at(r, key_at, "member name empty or too long");
			for (const char *k = key; *k != '\0'; k++)
				if ((unsigned char)*k >= 0x80)
					return reader_fail_at(r, key_at, "member name is not ASCII");
			if (last_key != NULL && strcmp(last_key, key) >= 0)
				return reader_fail_at(r, key_at, "member names out of order or repeated");
			last_key = key;
			if (r->p >= r->end || *r->p != ':')
				return reader_fail(r, "expected ':'");
			r->p++;
		}
		if ((rc = read_value(r, key, depth + 1)) != REDRESS_OK)
			return rc;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			break;
		}
		return reader_fail(r, object ? "expected ',' or '}'" : "expected ',' or ']'");
	}
	r->doc->nodes[index].span = (uint32_t)(r->doc->count - (size_t)index);
	return REDRESS_OK;
}

static enum redress_err
read_value(struct reader *r, const char *key, unsigned depth)
{
	enum canon_type type;
	long index;
	char c;

	if (r->p >= r->end)
		return reader_fail(r, "unexpected end");
	c = *r->p;
	if (c == '{')
		type = CANON_OBJECT;
	else if (c == '[')
		type = CANON_ARRAY;
	else if (c == '"')
		type = CANON_STRING;
	else if (c == 't' || c == 'f')
		type = CANON_BOOL;
	else if (c == 'n')
		type = CANON_NULL;
	else if (c == '-' || (c >= '0' && c <= '9'))
		type = CANON_INT;
	else
		return reader_fail(r, "expected a value (white space is not canonical)");
	if ((index = reader_node(r, type, key)) < 0)
		return REDRESS_E_NOMEM; /* err, which may be NULL, is filled */
	switch (type) {
	case CANON_OBJECT: return read_container(r, index, 1, depth);
	case CANON_ARRAY: return read_container(r, index, 0, depth);
	case CANON_STRING: return read_string(r, &r->doc->nodes[index].str);
	case CANON_BOOL:
		if (literal(r, "true"))
			r->doc->nodes[index].num = 1;
		else if (!literal(r, "false"))
			return reader_fail(r, "unknown literal");
		return REDRESS_OK;
	case CANON_NULL: return literal(r, "null") ? REDRESS_OK : reader_fail(r, "unknown literal");
	case CANON_INT: return read_number(r, &r->doc->nodes[index].num);
	}
	return reader_fail(r, "unexpected character");
}

void
canon_doc_init(struct canon_doc *doc)
{
	memset(doc, 0, sizeof(*doc));
}

void
canon_doc_free(struct canon_doc *doc)
{
	free(doc->nodes);
	free(doc->text);
	canon_doc_init(doc);
}

enum redress_err
canon_read(struct canon_doc *doc, const char *bytes, size_t len, struct redress_error *err)
{
	struct reader r;
	enum redress_err rc;

	doc->count = 0;
	if (len > CANON_READ_MAX)
		return error_set(err, REDRESS_E_INVALID, "JSON of %zu bytes is beyond the limit of %u", len,
		                 CANON_READ_MAX);
	if (doc->text_cap < len + 1) {
		char *text = realloc(doc->text, len + 1);

		if (text == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory reading JSON");
		doc->text = text;
		doc->text_cap = len + 1;
	}
	r.doc = doc;
	r.p = r.start = bytes;
	r.end = bytes + len;
	r.text_len = 0;
	r.err = err;
	if ((rc = read_value(&r, NULL, 0)) != REDRESS_OK) {
		doc->count = 0;
		return rc;
	}
	if (r.p != r.end) {
		doc->count = 0;
		return reader_fail(&r, "bytes after the value");
	}
	return REDRESS_OK;
}

const struct canon_node *
canon_root(const struct canon_doc *doc)
{
	return doc->count > 0 ? &doc->nodes[0] : NULL;
}

const struct canon_node *
canon_find(const struct canon_node *obj, const char *key)
{
	const struct canon_node *c;
	unsigned char k0 = (unsigned char)key[0], c0;
	int cmp;

	if (obj == NULL || obj->type != CANON_OBJECT)
		return NULL;
	/*
	 * The members are in ascending byte order (canon_read refuses any
	 * other): the walk stops at the first name past key, and compares
	 * whole names only where the first bytes agree.
	 */
	for (c = canon_first(obj); c < canon_end(obj); c = canon_next(c)) {
		if ((c0 = (unsigned char)c->key[0]) != k0) {
			if (c0 > k0)
				return NULL;
			continue;
		}
		if ((cmp = strcmp(c->key, key)) == 0)
			return c;
		if (cmp > 0)
			return NULL;
	}
	return NULL;
}

static const struct canon_node *
member(const struct canon_node *obj, const char *key, const char *want, struct redress_error *err)
{
	const struct canon_node *v;

	if (obj == NULL || obj->type != CANON_OBJECT) {
		error_set(err, REDRESS_E_INVALID, "expected an object holding field '%s'", key);
		return NULL;
	}
	if ((v = canon_find(obj, key)) == NULL)
		error_set(err, REDRESS_E_INVALID, "field '%s' is missing (%s expected)", key, want);
	return v;
}

enum redress_err
canon_get_string(const struct canon_node *obj, const char *key, const char **value_r,
                 struct redress_error *err)
{
	const struct canon_node *v = member(obj, key, "a string", err);

	if (v == NULL)
		return REDRESS_E_INVALID;
	if (v->type != CANON_STRING)
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be a string", key);
	*value_r = v->str;
	return REDRESS_OK;
}

enum redress_err
canon_get_string_into(const struct canon_node *obj, const char *key, char *dst, size_t size,
                      struct redress_error *err)
{
	const char *s;
	size_t len;
	enum redress_err rc;

	if ((rc = canon_get_string(obj, key, &s, err)) != REDRESS_OK)
		return rc;
	if ((len = strlen(s)) >= size)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is longer than %zu bytes", key,
		                 size - 1);
	memcpy(dst, s, len + 1);
	return REDRESS_OK;
}

enum redress_err
canon_get_string_opt_into(const struct canon_node *obj, const char *key, char *dst, size_t size,
                          struct redress_error *err)
{
	const struct canon_node *v = canon_find(obj, key);

	if (v == NULL || v->type == CANON_NULL) {
		dst[0] = '\0';
		return REDRESS_OK;
	}
	return canon_get_string_into(obj, key, dst, size, err);
}

enum redress_err
canon_get_string_opt(const struct canon_node *obj, const char *key, const char **value_r,
                     struct redress_error *err)
{
	const struct canon_node *v = canon_find(obj, key);

	if (v == NULL || v->type == CANON_NULL) {
		*value_r = NULL;
		return REDRESS_OK;
	}
	return canon_get_string(obj, key, value_r, err);
}

enum redress_err
canon_get_int(const struct canon_node *obj, const char *key, int64_t *value_r, struct redress_error *err)
{
	const struct canon_node *v = member(obj, key, "an integer", err);

	if (v == NULL)
		return REDRESS_E_INVALID;
	if (v->type != CANON_INT)
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be an integer", key);
	*value_r = v->num;
	return REDRESS_OK;
}

enum redress_err
canon_get_bool(const struct canon_node *obj, const char *key, int *value_r, struct redress_error *err)
{
	const struct canon_node *v = member(obj, key, "true or false", err);

	if (v == NULL)
		return REDRESS_E_INVALID;
	if (v->type != CANON_BOOL)
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be true or false", key);
	*value_r = (int)v->num;
	return REDRESS_OK;
}

enum redress_err
canon_only_keys(const struct canon_node *obj, const char *const *allowed, struct redress_error *err)
{
	const struct canon_node *c;
	int cmp;

	if (obj == NULL || obj->type != CANON_OBJECT)
		return error_set(err, REDRESS_E_INVALID, "expected an object");
	/* Both lists are sorted: one merge walk, not a search per member. */
	for (c = canon_first(obj); c < canon_end(obj); c = canon_next(c)) {
		while (*allowed != NULL && (cmp = strcmp(*allowed, c->key)) < 0)
			allowed++;
		if (*allowed == NULL || cmp != 0)
			return error_set(err, REDRESS_E_INVALID, "unexpected field '%.64s'", c->key);
		allowed++;
	}
	return REDRESS_OK;
}

void
canon_write_node(struct canon *c, const struct canon_node *n)
{
	const struct canon_node *m;

	switch (n->type) {
	case CANON_OBJECT:
		canon_object_begin(c);
		for (m = canon_first(n); m < canon_end(n); m = canon_next(m)) {
			canon_key_read(c, m->key);
			canon_write_node(c, m);
		}
		canon_object_end(c);
		break;
	case CANON_ARRAY:
		canon_array_begin(c);
		for (m = canon_first(n); m < canon_end(n); m = canon_next(m))
			canon_write_node(c, m);
		canon_array_end(c);
		break;
	case CANON_STRING: canon_string_read(c, n->str); break;
	case CANON_INT: canon_int(c, n->num); break;
	case CANON_BOOL: canon_bool(c, (int)n->num); break;
	case CANON_NULL: canon_null(c); break;
	}
}
