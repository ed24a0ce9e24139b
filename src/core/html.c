/*
 * html.c -- escaping text for HTML and XML by context (see html.h).
 */
#include "core/html.h"

static void
escape(struct buf *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; p != NULL && *p != '\0'; p++) {
		switch (*p) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default:
			if (*p < 0x20 && *p != '\t' && *p != '\n')
				break; /* not allowed in XML 1.0 */
			buf_putc(out, (char)*p);
		}
	}
}

void
html_text(struct buf *out, const char *s)
{
	escape(out, s);
}

void
html_attr(struct buf *out, const char *s)
{
	escape(out, s);
}

void
html_raw(struct buf *out, const char *markup)
{
	buf_puts(out, markup);
}
