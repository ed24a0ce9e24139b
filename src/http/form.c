/*
 * form.c -- a form's body through libmicrohttpd's post processor: text
 * fields into fixed arrays, the file into a secret buffer.  Every call of
 * the iterator is checked before it is used: libmicrohttpd calls it with
 * no key for a part whose Content-Disposition has no name (issue 10).
 */
#include "http/form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>
#include <sodium.h>

#include "http/limits.h"

#define POST_BUFFER_SIZE (64 * 1024)

struct http_form {
	struct MHD_PostProcessor *pp;
	int takes_file;
	enum http_form_problem problem;
	struct buf file; /* the part named "file" */
	int saw_file;
	char filename[256];
	char type[128];
	size_t fields;
	char names[HTTP_FORM_FIELDS_MAX][HTTP_FORM_NAME_MAX + 1];
	char values[HTTP_FORM_FIELDS_MAX][HTTP_FORM_FIELD_MAX + 1];
};

static void
refuse(struct http_form *f, enum http_form_problem problem)
{
	if (f->problem == HTTP_FORM_OK)
		f->problem = problem;
}

static enum MHD_Result
iterate(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename, const char *content_type,
        const char *transfer_encoding, const char *data, uint64_t off, size_t size)
{
	struct http_form *f = cls;
	size_t i;

	(void)kind;
	(void)transfer_encoding;
	if (f->problem != HTTP_FORM_OK)
		return MHD_YES; /* read to the end, keep nothing more */
	if (key == NULL || key[0] == '\0') {
		refuse(f, HTTP_FORM_UNNAMED);
		return MHD_YES;
	}
	if (strcmp(key, "file") == 0 && (f->takes_file || filename != NULL)) {
		if (!f->takes_file) {
			refuse(f, HTTP_FORM_FILE_REFUSED);
			return MHD_YES;
		}
		if (off == 0 && !f->saw_file) {
			f->saw_file = 1;
			snprintf(f->filename, sizeof(f->filename), "%s", filename != NULL ? filename : "");
			snprintf(f->type, sizeof(f->type), "%s",
			         content_type != NULL ? content_type : "application/octet-stream");
		}
		buf_append(&f->file, data, size);
		if (buf_error(&f->file, NULL) == REDRESS_E_NOMEM)
			refuse(f, HTTP_FORM_NOMEM);
		else if (buf_error(&f->file, NULL) != REDRESS_OK)
			refuse(f, HTTP_FORM_FILE_TOO_LARGE);
		return MHD_YES;
	}
	for (i = 0; i < f->fields && strcmp(f->names[i], key) != 0; i++)
		;
	if (i == f->fields) {
		if (f->fields == HTTP_FORM_FIELDS_MAX || strlen(key) > HTTP_FORM_NAME_MAX) {
			refuse(f, HTTP_FORM_TOO_MANY);
			return MHD_YES;
		}
		snprintf(f->names[i], sizeof(f->names[i]), "%s", key);
		f->values[i][0] = '\0';
		f->fields++;
	}
	if (off > HTTP_FORM_FIELD_MAX || size > HTTP_FORM_FIELD_MAX - off) {
		refuse(f, HTTP_FORM_FIELD_TOO_LONG);
		return MHD_YES;
	}
	memcpy(f->values[i] + off, data, size);
	f->values[i][off + size] = '\0';
	return MHD_YES;
}

struct http_form *
http_form_new(struct MHD_Connection *conn, int takes_file)
{
	struct http_form *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->takes_file = takes_file;
	buf_init_secret(&f->file, HTTP_UPLOAD_MAX);
	if ((f->pp = MHD_create_post_processor(conn, POST_BUFFER_SIZE, iterate, f)) == NULL)
		f->problem = HTTP_FORM_NO_BOUNDARY;
	return f;
}

void
http_form_feed(struct http_form *f, const char *data, size_t size)
{
	if (f->pp == NULL || size == 0)
		return;
	if (MHD_post_process(f->pp, data, size) != MHD_YES)
		refuse(f, HTTP_FORM_UNREADABLE);
}

enum http_form_problem
http_form_problem(const struct http_form *f)
{
	return f->problem;
}

const char *
http_form_problem_text(enum http_form_problem problem)
{
	switch (problem) {
	case HTTP_FORM_OK: return "the form was read";
	case HTTP_FORM_NO_BOUNDARY:
		return "the form could not be read (a multipart body needs a boundary in its Content-Type)";
	case HTTP_FORM_UNREADABLE: return "the form body could not be read";
	case HTTP_FORM_UNNAMED:
		return "a part of the form has no name (Content-Disposition: form-data; name=...)";
	case HTTP_FORM_TOO_MANY: return "the form has too many fields, or a field name that is too long";
	case HTTP_FORM_FIELD_TOO_LONG: return "a field of the form is too long";
	case HTTP_FORM_FILE_TOO_LARGE: return "the file is larger than the server accepts";
	case HTTP_FORM_FILE_REFUSED: return "this form takes no file";
	case HTTP_FORM_NOMEM: return "out of memory";
	}
	return "the form could not be read";
}

const char *
http_form_value(const struct http_form *f, const char *name)
{
	size_t i;

	for (i = 0; f != NULL && i < f->fields; i++)
		if (strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

size_t
http_form_count(const struct http_form *f)
{
	return f != NULL ? f->fields : 0;
}

const char *
http_form_name(const struct http_form *f, size_t i)
{
	return f->names[i];
}

const struct buf *
http_form_file(const struct http_form *f, const char **filename_r, const char **type_r)
{
	if (f == NULL || !f->saw_file)
		return NULL;
	if (filename_r != NULL)
		*filename_r = f->filename;
	if (type_r != NULL)
		*type_r = f->type;
	return &f->file;
}

void
http_form_free(struct http_form *f)
{
	if (f == NULL)
		return;
	if (f->pp != NULL)
		MHD_destroy_post_processor(f->pp);
	buf_free(&f->file);
	sodium_memzero(f, sizeof(*f));
	free(f);
}
