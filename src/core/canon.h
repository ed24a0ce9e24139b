/*
 * canon.h -- canonical JSON: the byte encoding of every event.
 *
 * The encoding is the subset of RFC 8785 (JCS) that events need:
 *   - objects with keys in ascending byte order, no duplicate keys;
 *   - no white space anywhere;
 *   - integers only, in shortest decimal form, within int64;
 *   - strings as UTF-8, escaping only '"', '\\' and the control characters
 *     below 0x20 (\b \t \n \f \r as such, the rest as \u00xx); every other
 *     character, including non-ASCII, is written as itself;
 *   - true, false, null; arrays in their given order.
 * Keys are ASCII, so byte order equals the UTF-16 order RFC 8785 asks for.
 * The same value therefore always has the same bytes, and those bytes are
 * what the Merkle log hashes.
 *
 * Writing goes straight into a struct buf through struct canon, which
 * refuses keys out of order; reading (canon_read) accepts nothing else, and
 * the typed getters below name the field that is wrong.
 */
#ifndef REDRESS_CORE_CANON_H
#define REDRESS_CORE_CANON_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

#define CANON_MAX_DEPTH   16
#define CANON_KEY_MAX     64
#define CANON_MAX_MEMBERS 256 /* in one object */

struct canon {
	struct buf *out;
	unsigned depth;
	int first[CANON_MAX_DEPTH];                    /* no member written yet at this depth */
	char last_key[CANON_MAX_DEPTH][CANON_KEY_MAX]; /* to check keys arrive in order */
	unsigned members[CANON_MAX_DEPTH];             /* keys written in the object at this depth */
	enum redress_err failed;                       /* sticky, like struct buf's */
};

/* Starts writing a value into out (which the caller owns). */
void canon_init(struct canon *c, struct buf *out);

void canon_object_begin(struct canon *c);
void canon_object_end(struct canon *c);
void canon_array_begin(struct canon *c);
void canon_array_end(struct canon *c);
/* A member name; must sort after the previous key of the same object. */
void canon_key(struct canon *c, const char *key);
void canon_string(struct canon *c, const char *s);
void canon_int(struct canon *c, int64_t v);
void canon_bool(struct canon *c, int v);
void canon_null(struct canon *c);
/*
 * canon_key and canon_string for text canon_read gave (a node's key or
 * str), which it already found ASCII and valid UTF-8: the same bytes,
 * without checking that again.  Order, depth and size are still checked.
 */
void canon_key_read(struct canon *c, const char *key);
void canon_string_read(struct canon *c, const char *s);
/* Writes bytes that are already one canonical value. */
void canon_raw(struct canon *c, const char *bytes, size_t len);

/* REDRESS_OK, or the first failure (keys out of order, depth, buffer). */
enum redress_err canon_error(const struct canon *c, struct redress_error *err);

/*
 * Reading.  canon_read() accepts only the canonical form above -- white
 * space, unsorted or duplicate keys, a needless or non-minimal escape, a
 * number with a fraction, exponent, leading zero or "-0", invalid UTF-8,
 * trailing bytes: each is REDRESS_E_INVALID naming the byte offset -- so
 * that whatever it accepts re-encodes to exactly the bytes it was given.
 * It builds a flat tree in memory the document owns and reuses, without an
 * allocation per value: the log is read at hundreds of thousands of events
 * a second.
 */
enum canon_type {
	CANON_NULL,
	CANON_BOOL,
	CANON_INT,
	CANON_STRING,
	CANON_ARRAY,
	CANON_OBJECT,
};

struct canon_node {
	enum canon_type type;
	uint32_t span;   /* nodes in this value's subtree, itself included */
	const char *key; /* member name when the parent is an object, else NULL */
	const char *str; /* CANON_STRING: the text, NUL-terminated (never holds a NUL) */
	int64_t num;     /* CANON_INT: the value; CANON_BOOL: 0 or 1 */
};

/* A value's children: for (c = canon_first(n); c < canon_end(n); c = canon_next(c)) */
#define canon_first(n) ((n) + 1)
#define canon_end(n)   ((n) + (n)->span)
#define canon_next(c)  ((c) + (c)->span)

struct canon_doc {
	struct canon_node *nodes;
	size_t count, cap;
	char *text; /* unescaped strings and keys */
	size_t text_cap;
};

/* An empty document; memory comes with the first read. */
void canon_doc_init(struct canon_doc *doc);
void canon_doc_free(struct canon_doc *doc);

/*
 * Reads len bytes (at most CANON_READ_MAX) that must be one value in
 * canonical form.  On success the root is canon_root(doc); on failure err
 * names the problem and its byte offset.  Each read replaces the last.
 */
#define CANON_READ_MAX (1u << 24)
enum redress_err canon_read(struct canon_doc *doc, const char *bytes, size_t len, struct redress_error *err);
const struct canon_node *canon_root(const struct canon_doc *doc);

/* The member of obj named key, or NULL (also when obj is not an object). */
const struct canon_node *canon_find(const struct canon_node *obj, const char *key);

/*
 * Typed getters for a member of obj.  Each fills err with "field 'key' ..."
 * when the member is missing or of the wrong type.  Strings are borrowed
 * from the document.
 */
enum redress_err canon_get_string(const struct canon_node *obj, const char *key, const char **value_r,
                                  struct redress_error *err);
/* Like canon_get_string, copied into dst (size bytes); a longer string is refused naming key. */
enum redress_err canon_get_string_into(const struct canon_node *obj, const char *key, char *dst, size_t size,
                                       struct redress_error *err);
/* Like canon_get_string_into, but a missing member or null gives "". */
enum redress_err canon_get_string_opt_into(const struct canon_node *obj, const char *key, char *dst,
                                           size_t size, struct redress_error *err);
/* Like canon_get_string, but a missing member or null gives NULL. */
enum redress_err canon_get_string_opt(const struct canon_node *obj, const char *key, const char **value_r,
                                      struct redress_error *err);
enum redress_err canon_get_int(const struct canon_node *obj, const char *key, int64_t *value_r,
                               struct redress_error *err);
enum redress_err canon_get_bool(const struct canon_node *obj, const char *key, int *value_r,
                                struct redress_error *err);

/*
 * Refuses any member of obj whose name is not in the NULL-terminated list
 * allowed, so that an event cannot smuggle fields its reader ignores.  The
 * list must be in ascending byte order, as the members are.
 */
enum redress_err canon_only_keys(const struct canon_node *obj, const char *const *allowed,
                                 struct redress_error *err);

/* Writes a value read by canon_read() back out (the same bytes, by construction). */
void canon_write_node(struct canon *c, const struct canon_node *n);

#endif
