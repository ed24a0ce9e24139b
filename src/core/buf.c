/*
 * buf.c -- the bounded growable buffer.  Growth doubles, with checked
 * arithmetic, and never passes b->max.  A secret buffer grows by
 * allocating anew, copying and wiping the old block.
 */
#include "core/buf.h"

#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

void
buf_init_secret(struct buf *b, size_t max)
{
	buf_init(b, max);
	b->secret = 1;
}

void
buf_free(struct buf *b)
{
	int secret = b->secret;

	if (secret)
		mem_free_secret(b->data, b->cap);
	else
		free(b->data);
	buf_init(b, b->max);
	b->secret = secret;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = REDRESS_OK;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Makes room for extra more bytes plus the NUL; returns 0 on failure. */
static int
buf_reserve(struct buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (b->failed != REDRESS_OK)
		return 0;
	if (__builtin_add_overflow(b->len, extra, &need) || need > b->max) {
		b->failed = REDRESS_E_OVERFLOW;
		return 0;
	}
	if (need < b->cap)
		return 1;
	cap = b->cap ? b->cap : 64;
	while (cap <= need) {
		if (__builtin_mul_overflow(cap, 2, &cap)) {
			b->failed = REDRESS_E_OVERFLOW;
			return 0;
		}
	}
	/* b->max + 1 wraps to 0 for a buffer without a limit (max SIZE_MAX). */
	if (b->max < SIZE_MAX && cap > b->max + 1)
		cap = b->max + 1;
	if (b->secret) {
		if ((p = mem_alloc(cap)) == NULL) {
			b->failed = REDRESS_E_NOMEM;
			return 0;
		}
		if (b->data != NULL)
			memcpy(p, b->data, b->len + 1);
		mem_free_secret(b->data, b->cap);
	} else if ((p = mem_realloc(b->data, cap)) == NULL) {
		b->failed = REDRESS_E_NOMEM;
		return 0;
	}
	b->data = p;
	b->cap = cap;
	return 1;
}

void
buf_append(struct buf *b, const void *data, size_t len)
{
	if (!buf_reserve(b, len))
		return;
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void
buf_putc(struct buf *b, char c)
{
	buf_append(b, &c, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	if (b->failed != REDRESS_OK)
		return;
	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0) {
		b->failed = REDRESS_E_OVERFLOW;
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

enum redress_err
buf_error(const struct buf *b, struct redress_error *err)
{
	switch (b->failed) {
	case REDRESS_OK: return REDRESS_OK;
	case REDRESS_E_NOMEM: return error_set(err, REDRESS_E_NOMEM, "out of memory building a buffer");
	default: return error_set(err, b->failed, "text longer than the limit of %zu bytes", b->max);
	}
}

char *
buf_take(struct buf *b, size_t *len_r)
{
	char *p;

	if (b->failed != REDRESS_OK)
		return NULL;
	/* Never written: the caller still gets a string, and buf_reserve writes no NUL. */
	if (b->data == NULL) {
		if (!buf_reserve(b, 0))
			return NULL;
		b->data[0] = '\0';
	}
	p = b->data;
	if (len_r != NULL)
		*len_r = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
