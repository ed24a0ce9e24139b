/*
 * text.c -- validating outside text.
 */
#include "core/text.h"

#include <stdint.h>
#include <string.h>

int
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;

	while (p < end) {
		unsigned c = *p, n, i;
		unsigned long cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if ((size_t)(end - p) <= n)
			return 0;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		p += n + 1;
	}
	return 1;
}

enum redress_err
text_check(const char *what, const char *s, size_t max, struct redress_error *err)
{
	size_t i, len;

	if (s == NULL || *s == '\0')
		return error_set(err, REDRESS_E_INVALID, "%s is empty", what);
	len = strlen(s);
	if (len > max)
		return error_set(err, REDRESS_E_INVALID, "%s is %zu bytes long; the limit is %zu", what, len,
		                 max);
	/*
	 * Control characters are C0, DEL and C1 (U+0080..U+009F, written C2 80 to
	 * C2 9F); C1 holds CSI, which some terminals obey like ESC [.
	 */
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    ((unsigned char)s[i] == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
		     (unsigned char)s[i + 1] <= 0x9f))
			return error_set(err, REDRESS_E_INVALID, "%s has a control character at byte %zu",
			                 what, i + 1);
	if (!text_utf8_valid(s, len))
		return error_set(err, REDRESS_E_INVALID, "%s is not valid UTF-8", what);
	return REDRESS_OK;
}

size_t
text_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

enum redress_err
text_check_chars(const char *what, const char *s, size_t max_chars, struct redress_error *err)
{
	size_t max_bytes, n;
	enum redress_err rc;

	if (__builtin_mul_overflow(max_chars, (size_t)4, &max_bytes))
		max_bytes = SIZE_MAX;
	if (s != NULL && strlen(s) > max_bytes)
		return error_set(err, REDRESS_E_INVALID, "%s is longer than %zu characters", what, max_chars);
	if ((rc = text_check(what, s, max_bytes, err)) != REDRESS_OK)
		return rc;
	if ((n = text_chars(s)) > max_chars)
		return error_set(err, REDRESS_E_INVALID, "%s is %zu characters long; the limit is %zu", what,
		                 n, max_chars);
	return REDRESS_OK;
}

void
text_copy_chars(char *dst, size_t size, const char *src, size_t max_chars)
{
	size_t i = 0, n = 0, len;

	if (src == NULL)
		src = "";
	len = strlen(src);
	/* Stop before the lead byte of the first character that does not fit. */
	while (i < len) {
		size_t next = i + 1;

		while (next < len && ((unsigned char)src[next] & 0xc0) == 0x80)
			next++;
		if (n == max_chars || next >= size)
			break;
		i = next;
		n++;
	}
	memcpy(dst, src, i);
	dst[i] = '\0';
}

enum redress_err
text_check_id(const char *what, const char *s, size_t max, const char *extra, struct redress_error *err)
{
	size_t i, len;

	if (s == NULL || *s == '\0')
		return error_set(err, REDRESS_E_INVALID, "%s is empty", what);
	len = strlen(s);
	if (len > max)
		return error_set(err, REDRESS_E_INVALID, "%s '%.40s...' is longer than %zu characters", what,
		                 s, max);
	for (i = 0; i < len; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (alnum || (i > 0 && strchr(extra, c) != NULL && c != '\0'))
			continue;
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			return error_set(err, REDRESS_E_INVALID,
			                 "%s has a byte 0x%02x at position %zu: use letters, digits and '%s'",
			                 what, (unsigned char)c, i + 1, extra);
		return error_set(
		    err, REDRESS_E_INVALID,
		    "%s '%.64s' has '%c' at position %zu: use letters, digits and '%s', starting with a"
		    " letter or digit",
		    what, s, c, i + 1, extra);
	}
	return REDRESS_OK;
}

enum redress_err
text_parse_u64(const char *what, const char *s, unsigned long long *value_r, struct redress_error *err)
{
	unsigned long long v = 0;
	const char *p;

	if (s == NULL || *s == '\0')
		return error_set(err, REDRESS_E_INVALID, "%s is empty", what);
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return error_set(err, REDRESS_E_INVALID, "%s '%.32s' is not a whole number", what, s);
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, (unsigned)(*p - '0'), &v))
			return error_set(err, REDRESS_E_OVERFLOW, "%s '%.32s' is too large", what, s);
	}
	*value_r = v;
	return REDRESS_OK;
}

void
text_copy(char *dst, size_t size, const char *src)
{
	size_t len = src != NULL ? strlen(src) : 0;

	if (len >= size)
		len = size - 1;
	memcpy(dst, src != NULL ? src : "", len);
	dst[len] = '\0';
}

unsigned long
text_utf8_next(const unsigned char *s, size_t *len_r)
{
	if (s[0] < 0x80) {
		*len_r = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*len_r = 2;
		return ((unsigned long)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*len_r = 3;
		return ((unsigned long)(s[0] & 0x0f) << 12) | ((unsigned long)(s[1] & 0x3f) << 6) |
		       (s[2] & 0x3f);
	}
	if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
	    (s[3] & 0xc0) == 0x80) {
		*len_r = 4;
		return ((unsigned long)(s[0] & 0x07) << 18) | ((unsigned long)(s[1] & 0x3f) << 12) |
		       ((unsigned long)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
	}
	*len_r = 1;
	return s[0];
}
