/*
 * html.c -- escaping by context for the pages (see html.h).
 *
 * Text and attribute values share one escaper: with every attribute
 * quoted, escaping & < > " ' is enough for both, and one escaper for both
 * means one place to get right.  Text that is not UTF-8 is repaired rather
 * than refused, so that a page still renders around a damaged value, and
 * a browser never has to guess an encoding from a stray byte.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/html.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* The length of the valid UTF-8 sequence at s (at most len bytes), or 0. */
static size_t
utf8_sequence(const unsigned char *s, size_t len)
{
	unsigned char c = s[0];
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	/* No overlong three- and four-byte forms, no surrogates, nothing past U+10FFFF. */
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) || (c == 0xF0 && s[1] < 0x90) ||
	    (c == 0xF4 && s[1] > 0x8F))
		return 0;
	return n;
}

void
html_textn(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0, n;

	if (s == NULL)
		return;
	/* Copies runs of harmless bytes at once; stops at each byte that needs care. */
	while (i < len) {
		unsigned char c = p[i];
		const char *entity = NULL;

		switch (c) {
		case '&': entity = "&amp;"; break;
		case '<': entity = "&lt;"; break;
		case '>': entity = "&gt;"; break;
		case '"': entity = "&quot;"; break;
		case '\'': entity = "&#39;"; break;
		default: break;
		}
		if (entity == NULL && c >= 0x20 && c != 0x7F && c < 0x80) {
			i++;
			run++;
			continue;
		}
		buf_append(b, s + i - run, run);
		run = 0;
		if (entity != NULL) {
			buf_puts(b, entity);
			i++;
		} else if (c < 0x80) {
			/* Control bytes: tab and newline are kept, the rest are dropped. */
			if (c == '\t' || c == '\n')
				buf_putc(b, (char)c);
			i++;
		} else if ((n = utf8_sequence(p + i, len - i)) != 0) {
			buf_append(b, s + i, n);
			i += n;
		} else {
			buf_puts(b, REPLACEMENT);
			i++;
		}
	}
	buf_append(b, s + i - run, run);
}

void
html_text(struct buf *b, const char *s)
{
	if (s != NULL)
		html_textn(b, s, strlen(s));
}

void
html_textf(struct buf *b, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	html_textn(b, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

void
html_raw_literal_(struct buf *b, const char *literal, size_t len)
{
	buf_append(b, literal, len);
}

void
html_attr_(struct buf *b, const char *name, const char *value)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	html_text(b, value != NULL ? value : "");
	buf_putc(b, '"');
}

int
html_url_ok(const char *url)
{
	size_t scheme = strcspn(url, ":/?#");
	size_t i;

	if (url[0] == '\0')
		return 1;
	/* A browser drops tabs and newlines inside a URL, which turns "java\nscript:" into a scheme: refuse
	 * them. */
	for (i = 0; url[i] != '\0'; i++)
		if ((unsigned char)url[i] < 0x20 || url[i] == 0x7F || url[i] == '\\')
			return 0;
	/* "//host/path" is another site, which a page of ours never links to. */
	if (url[0] == '/' && url[1] == '/')
		return 0;
	if (url[scheme] != ':')
		return 1; /* no scheme: a relative reference */
	return (scheme == 4 && strncasecmp(url, "http", 4) == 0) ||
	       (scheme == 5 && strncasecmp(url, "https", 5) == 0);
}

void
html_href_(struct buf *b, const char *name, const char *url)
{
	html_attr_(b, name, url != NULL && html_url_ok(url) ? url : "#");
}

void
html_url_component(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

void
html_href_path_(struct buf *b, const char *name, const char *prefix, const char *component,
                const char *suffix)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	buf_puts(b, "=\"");
	buf_puts(b, prefix);
	html_url_component(b, component != NULL ? component : "");
	buf_puts(b, suffix);
	buf_putc(b, '"');
}
