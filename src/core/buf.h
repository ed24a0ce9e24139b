/*
 * buf.h -- a growable byte buffer with a hard maximum and a sticky error.
 *
 * Append freely; the first failure (out of memory, over the maximum) is
 * remembered and every later append is a no-op, so callers check once, at
 * the end, with buf_error().  The contents are always NUL-terminated.
 *
 * A secret buffer (buf_init_secret: uploads, passwords, request and answer
 * bodies) wipes every block it lets go: the old block when it grows (never
 * a plain realloc, which frees it unwiped), and the whole capacity when
 * freed.  Its allocations, as every buffer's, go through core/mem.h.
 */
#ifndef REDRESS_CORE_BUF_H
#define REDRESS_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct buf {
	char *data; /* len bytes, then a NUL; NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;              /* hard limit on len */
	enum redress_err failed; /* REDRESS_OK, REDRESS_E_NOMEM or REDRESS_E_OVERFLOW */
	int secret;              /* wipe every block let go (buf_init_secret) */
};

/* Starts an empty buffer that will refuse to grow beyond max bytes. */
void buf_init(struct buf *b, size_t max);

/* The same, for a buffer that will hold a secret: every block it lets go is wiped. */
void buf_init_secret(struct buf *b, size_t max);

/* Frees the contents (wiping them if secret); the buffer may be reused after buf_init(). */
void buf_free(struct buf *b);

/* Empties the buffer, keeping its memory and clearing any error. */
void buf_reset(struct buf *b);

void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* REDRESS_OK, or the first failure, described in err. */
enum redress_err buf_error(const struct buf *b, struct redress_error *err);

/*
 * Hands the contents to the caller, who frees them with free() (a secret
 * buffer's: with mem_free_secret(p, len + 1)); the buffer is left empty.  Returns NULL when the buffer has
 * failed.
 */
char *buf_take(struct buf *b, size_t *len_r);

#endif
