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
 * refuses keys out of order; reading uses jansson and the typed getters
 * below, which name the field that is wrong.
 */
#ifndef REDRESS_CORE_CANON_H
#define REDRESS_CORE_CANON_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

#define CANON_MAX_DEPTH 16
#define CANON_KEY_MAX	64

struct canon {
	struct buf *out;
	unsigned depth;
	int first[CANON_MAX_DEPTH];		    /* no member written yet at this depth */
	char last_key[CANON_MAX_DEPTH][CANON_KEY_MAX]; /* to check keys arrive in order */
	enum redress_err failed;		    /* sticky, like struct buf's */
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
/* Writes bytes that are already one canonical value. */
void canon_raw(struct canon *c, const char *bytes, size_t len);

/* REDRESS_OK, or the first failure (keys out of order, depth, buffer). */
enum redress_err canon_error(const struct canon *c, struct redress_error *err);

/*
 * Parses len bytes as one JSON value, refusing duplicate keys, real numbers
 * and trailing bytes.  The caller frees *root_r with json_decref().
 */
enum redress_err canon_parse(const char *bytes, size_t len, json_t **root_r, struct redress_error *err);

/*
 * Typed getters for a member of obj.  Each fills err with "field 'key' ..."
 * when the member is missing or of the wrong type.  Strings are borrowed
 * from obj; they contain no NUL.
 */
enum redress_err canon_get_string(const json_t *obj, const char *key, const char **value_r,
				  struct redress_error *err);
/* Like canon_get_string, but a missing member or null gives NULL. */
enum redress_err canon_get_string_opt(const json_t *obj, const char *key, const char **value_r,
				      struct redress_error *err);
enum redress_err canon_get_int(const json_t *obj, const char *key, int64_t *value_r, struct redress_error *err);
enum redress_err canon_get_bool(const json_t *obj, const char *key, int *value_r, struct redress_error *err);

/*
 * Refuses any member of obj whose name is not in the NULL-terminated list
 * allowed, so that an event cannot smuggle fields its reader ignores.
 */
enum redress_err canon_only_keys(const json_t *obj, const char *const *allowed, struct redress_error *err);

/* Writes a jansson value canonically (used for checking and for tests). */
void canon_value(struct canon *c, const json_t *v);

#endif
