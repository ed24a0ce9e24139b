/*
 * html.h -- the one way redress writes HTML (the web pages, the
 * transparency reports) and SVG (their charts, which is XML), so that no
 * page can forget to escape.
 *
 * Every piece of a page goes into a struct buf through one of these, each
 * for one context:
 *
 *   html_text()        element content: & < > " ' become entities, bytes
 *                      that are not UTF-8 become U+FFFD, control bytes
 *                      (but tab and newline) are dropped;
 *   html_attr()        one attribute, ` name="value"`, always quoted, the
 *                      value escaped as text; the name must be a literal;
 *   html_href()        an href (or action/src, by name) whose URL is
 *                      relative or http(s): anything else (javascript:,
 *                      data:, vbscript:, "//host") becomes "#";
 *   html_href_path()   a literal path prefix and one path or query
 *                      component, percent-encoded (RFC 3986 unreserved
 *                      characters pass, every other byte is %XX);
 *   html_raw_const()   markup from the program itself, and only a string
 *                      literal: the macro pastes "" around its argument,
 *                      so a variable does not compile.
 *
 * There is no function that writes a runtime string unescaped.  The
 * buffer's error is sticky (core/buf.h): write, then check once.
 */
#ifndef REDRESS_CORE_HTML_H
#define REDRESS_CORE_HTML_H

#include <stddef.h>

#include "core/buf.h"

/* Element content. */
void html_text(struct buf *b, const char *s);
void html_textn(struct buf *b, const char *s, size_t len);

/* Element content formatted first, then escaped as a whole. */
void html_textf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Markup that is part of the program: a string literal only. */
#define html_raw_const(b, literal) html_raw_literal_((b), "" literal "", sizeof("" literal "") - 1)
void html_raw_literal_(struct buf *b, const char *literal, size_t len);

/* ` name="value"`: value escaped; name a literal ("class", "value", "aria-describedby"). */
#define html_attr(b, name, value) html_attr_((b), "" name "", (value))
void html_attr_(struct buf *b, const char *name, const char *value);

/* 1 when url may go into an href: relative ("/persons", "?lang=ko", "x") or http:// or https://. */
int html_url_ok(const char *url);

/* ` name="url"` when html_url_ok(url), else ` name="#"`. */
#define html_href(b, name, url) html_href_((b), "" name "", (url))
void html_href_(struct buf *b, const char *name, const char *url);

/* ` name="PREFIXcomponentSUFFIX"`: prefix and suffix literals, component percent-encoded. */
#define html_href_path(b, name, prefix, component)                                                           \
	html_href_path_((b), "" name "", "" prefix "", (component), "")
#define html_href_path_suffix(b, name, prefix, component, suffix)                                            \
	html_href_path_((b), "" name "", "" prefix "", (component), "" suffix "")
void html_href_path_(struct buf *b, const char *name, const char *prefix, const char *component,
                     const char *suffix);

/* Percent-encodes s as one URL component (only A-Z a-z 0-9 - . _ ~ pass). */
void html_url_component(struct buf *b, const char *s);

#endif
