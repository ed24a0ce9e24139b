/*
 * html.h -- the one way redress writes HTML (and SVG, which is XML): text
 * from data goes through an escaping writer chosen by where it lands.
 *
 *   html_text  element content: & < > " ' escaped
 *   html_attr  a double-quoted attribute value: the same five escaped, so
 *              a value can never close its quote nor open a tag
 *   html_raw   markup written by the program itself (a literal tag), never
 *              data
 *
 * Escaping all five characters in both contexts is what kcgi's khtml_putc
 * does; OpenBSD httpd's escape_html leaves quotes, unsafe in attributes.
 * Control characters other than tab and newline are dropped: they are not
 * allowed in XML 1.0.  All writing goes into a struct buf, whose sticky
 * error the caller checks once at the end.
 */
#ifndef REDRESS_CORE_HTML_H
#define REDRESS_CORE_HTML_H

#include "core/buf.h"

/* Appends s as element content. */
void html_text(struct buf *out, const char *s);

/* Appends s as the value of an attribute written between double quotes. */
void html_attr(struct buf *out, const char *s);

/* Appends markup the program wrote (a string literal), unescaped. */
void html_raw(struct buf *out, const char *markup);

#endif
