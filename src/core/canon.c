/*
 * canon.c -- the canonical JSON writer.  The reader is in canon_read.c; it
 * accepts exactly what this file writes.
 */
#include "core/canon.h"
#include "core/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
canon_init(struct canon *c, struct buf *out)
{
	memset(c, 0, sizeof(*c));
	c->out = out;
	c->first[0] = 1;
}

/*
 * Writes the comma that separates this value from the previous one.  Outside
 * every container there is room for one value only: a second is a writer's
 * mistake (it would write "1,2"), and 0 is returned.
 */
static int
canon_separate(struct canon *c)
{
	if (!c->first[c->depth]) {
		if (c->depth == 0) {
			c->failed = REDRESS_E_INTERNAL;
			return 0;
		}
		buf_putc(c->out, ',');
	}
	c->first[c->depth] = 0;
	return 1;
}

static void
canon_open(struct canon *c, char bracket)
{
	if (c->failed != REDRESS_OK)
		return;
	if (!canon_separate(c))
		return;
	if (c->depth + 1 >= CANON_MAX_DEPTH) {
		c->failed = REDRESS_E_OVERFLOW;
		return;
	}
	c->depth++;
	c->first[c->depth] = 1;
	c->last_key[c->depth][0] = '\0';
	c->members[c->depth] = 0;
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

/* canon_key, with the check that key is ASCII left to the caller (ascii_known). */
static void
canon_key_checked(struct canon *c, const char *key, int ascii_known)
{
	size_t len = strlen(key);

	if (c->failed != REDRESS_OK)
		return;
	/*
	 * first is still set after a key only when that key got no value.  Keys
	 * are ASCII so that byte order is the UTF-16 order RFC 8785 sorts by.
	 */
	if (c->depth == 0 || len == 0 || len >= CANON_KEY_MAX || (!ascii_known && !canon_key_ascii(key)) ||
	    (c->first[c->depth] && c->last_key[c->depth][0] != '\0') ||
	    (!c->first[c->depth] && strcmp(c->last_key[c->depth], key) >= 0)) {
		c->failed = REDRESS_E_INTERNAL;
		return;
	}
	/* The reader refuses bigger objects, so the writer must not make one. */
	if (++c->members[c->depth] > CANON_MAX_MEMBERS) {
		c->failed = REDRESS_E_OVERFLOW;
		return;
	}
	if (!canon_separate(c))
		return;
	memcpy(c->last_key[c->depth], key, len + 1);
	canon_quote(c->out, key);
	buf_putc(c->out, ':');
	/* The value that follows must not write a second separator. */
	c->first[c->depth] = 1;
}

void
canon_key(struct canon *c, const char *key)
{
	canon_key_checked(c, key, 0);
}

void
canon_key_read(struct canon *c, const char *key)
{
	canon_key_checked(c, key, 1);
}

/* After a value, the next member of the same container needs a comma. */
static void
canon_value_done(struct canon *c)
{
	c->first[c->depth] = 0;
}

void
canon_string_read(struct canon *c, const char *s)
{
	if (c->failed != REDRESS_OK)
		return;
	if (!canon_separate(c))
		return;
	canon_quote(c->out, s);
	canon_value_done(c);
}

void
canon_string(struct canon *c, const char *s)
{
	if (c->failed != REDRESS_OK)
		return;
	/* Never write bytes the reader, and so audit, would refuse. */
	if (!text_utf8_valid(s, strlen(s))) {
		c->failed = REDRESS_E_INVALID;
		return;
	}
	canon_string_read(c, s);
}

void
canon_int(struct canon *c, int64_t v)
{
	char digits[24], *p = digits + sizeof(digits);
	/* The magnitude as unsigned, so INT64_MIN has one. */
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (c->failed != REDRESS_OK)
		return;
	if (!canon_separate(c))
		return;
	/* By hand: every event has several integers, and printf is the slow way. */
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		*--p = '-';
	buf_append(c->out, p, (size_t)(digits + sizeof(digits) - p));
	canon_value_done(c);
}

void
canon_bool(struct canon *c, int v)
{
	if (c->failed != REDRESS_OK)
		return;
	if (!canon_separate(c))
		return;
	buf_puts(c->out, v ? "true" : "false");
	canon_value_done(c);
}

void
canon_null(struct canon *c)
{
	if (c->failed != REDRESS_OK)
		return;
	if (!canon_separate(c))
		return;
	buf_puts(c->out, "null");
	canon_value_done(c);
}

void
canon_raw(struct canon *c, const char *bytes, size_t len)
{
	if (c->failed != REDRESS_OK)
		return;
	if (!canon_separate(c))
		return;
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
		return error_set(err, REDRESS_E_INTERNAL,
		                 "canonical JSON written out of order or unbalanced");
	if (c->failed == REDRESS_E_INVALID)
		return error_set(err, REDRESS_E_INVALID,
		                 "canonical JSON given a string that is not valid UTF-8");
	if (c->failed == REDRESS_E_OVERFLOW)
		return error_set(err, REDRESS_E_OVERFLOW,
		                 "canonical JSON nested deeper than %d or an object of more than %d members",
		                 CANON_MAX_DEPTH - 1, CANON_MAX_MEMBERS);
	return buf_error(c->out, err);
}
