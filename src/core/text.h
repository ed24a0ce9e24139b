/*
 * text.h -- checks for text that comes from outside: names, references,
 * ids.  Everything redress stores as text passes one of these first, so the
 * log never holds a malformed byte.
 */
#ifndef REDRESS_CORE_TEXT_H
#define REDRESS_CORE_TEXT_H

#include <stddef.h>

#include "core/error.h"

/*
 * Free text (a name, a reference): valid UTF-8, no control characters, at
 * most max bytes, not empty.  what names the field in the error.
 */
enum redress_err text_check(const char *what, const char *s, size_t max, struct redress_error *err);

/*
 * As text_check, but the limit counts characters (Unicode code points), as
 * ISO 20022's Max35Text and Max140Text do: at most max_chars characters,
 * so up to 4 * max_chars bytes.  A 50-character Hangul name is 150 bytes
 * and passes a limit of 140 characters.
 */
enum redress_err text_check_chars(const char *what, const char *s, size_t max_chars,
                                  struct redress_error *err);

/* The number of characters (UTF-8 lead bytes) in s, which is valid UTF-8. */
size_t text_chars(const char *s);

/*
 * Copies src (valid UTF-8) into dst (size bytes, size >= 1), at most
 * max_chars characters and never cutting one in two.
 */
void text_copy_chars(char *dst, size_t size, const char *src, size_t max_chars);

/*
 * An identifier: 1 to max bytes of ASCII letters, digits and the characters
 * in extra (for example "._:-"), starting with a letter or digit.
 */
enum redress_err text_check_id(const char *what, const char *s, size_t max, const char *extra,
                               struct redress_error *err);

/*
 * Copies src into dst (size bytes, size >= 1), cut to fit: for text read
 * back from the database, which was checked against the same limit when
 * it was written.  NULL copies as "".
 */
void text_copy(char *dst, size_t size, const char *src);

/* Returns 1 when the len bytes at s are valid UTF-8 (no overlongs, no surrogates). */
int text_utf8_valid(const char *s, size_t len);

/*
 * The code point at s, which is not at its NUL, and in *len_r the bytes it
 * takes (1 to 4); a byte that starts no valid sequence counts as itself.
 */
unsigned long text_utf8_next(const unsigned char *s, size_t *len_r);

/* Parses a non-negative decimal integer that fits in uint64_t, digits only. */
enum redress_err text_parse_u64(const char *what, const char *s, unsigned long long *value_r,
                                struct redress_error *err);

#endif
