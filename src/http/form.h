/*
 * form.h -- an HTML form's body, multipart/form-data or
 * application/x-www-form-urlencoded, read through libmicrohttpd's own post
 * processor into bounded fields and (where the route takes one) one file.
 *
 * Used by the server for every form, and by fuzz/fuzz_form.c, which drives
 * it through a real libmicrohttpd daemon.  Whatever the bytes, reading
 * never fails hard: what went wrong is kept, and said by http_form_problem.
 */
#ifndef REDRESS_HTTP_FORM_H
#define REDRESS_HTTP_FORM_H

#include <stddef.h>

#include "core/buf.h"

struct MHD_Connection;
struct http_form;

enum http_form_problem {
	HTTP_FORM_OK,
	HTTP_FORM_NO_BOUNDARY,    /* 400: a multipart Content-Type without a boundary, or not a form */
	HTTP_FORM_UNREADABLE,     /* 400: the post processor gave up on the bytes */
	HTTP_FORM_UNNAMED,        /* 400: a part or field without a name */
	HTTP_FORM_TOO_MANY,       /* 413: more than HTTP_FORM_FIELDS_MAX fields, or a name too long */
	HTTP_FORM_FIELD_TOO_LONG, /* 413: a field longer than HTTP_FORM_FIELD_MAX */
	HTTP_FORM_FILE_TOO_LARGE, /* 413: the file is over HTTP_UPLOAD_MAX */
	HTTP_FORM_FILE_REFUSED,   /* 400: a file where the route takes none */
	HTTP_FORM_NOMEM,          /* 503 */
};

/*
 * Starts reading the form of the request on conn (its Content-Type says
 * which kind); takes_file: a part named "file" is kept (as a secret
 * buffer: wiped when freed).  Returns NULL only out of memory; a form that
 * cannot be read says so through http_form_problem.  Freed with
 * http_form_free.
 */
struct http_form *http_form_new(struct MHD_Connection *conn, int takes_file);

/* Reads the next size bytes of the body. */
void http_form_feed(struct http_form *form, const char *data, size_t size);

/* The first thing wrong with the form so far (HTTP_FORM_OK: nothing), and its message. */
enum http_form_problem http_form_problem(const struct http_form *form);
const char *http_form_problem_text(enum http_form_problem problem);

/* The value of the text field name, or NULL. */
const char *http_form_value(const struct http_form *form, const char *name);

/* The number of text fields, and the name of the i-th. */
size_t http_form_count(const struct http_form *form);
const char *http_form_name(const struct http_form *form, size_t i);

/* The part named "file" (its filename and type, never NULL), or NULL when none came. */
const struct buf *http_form_file(const struct http_form *form, const char **filename_r, const char **type_r);

/* Frees form (NULL is fine), wiping every value and the file. */
void http_form_free(struct http_form *form);

#endif
