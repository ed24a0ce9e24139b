/*
 * api.c -- what the handlers of /api/v1 share: reading a change request
 * (its JSON body, the fields it may have, the argument handed to the
 * writer) and query parameters.
 */
#include <errno.h>
#include <stdlib.h>

#include <sodium.h>

#include "http/api.h"

void *
api_form_begin(struct http_request *req, struct http_response *res, const char *const *fields,
               int body_optional, size_t size, json_t **body_r)
{
	void *arg;

	*body_r = NULL;
	if (body_optional && req->body.len == 0 && req->upload == NULL)
		*body_r = json_object();
	else
		*body_r = http_body_object(req, res);
	if (*body_r == NULL)
		return NULL;
	if (http_fields_only(res, *body_r, fields) < 0) {
		json_decref(*body_r);
		*body_r = NULL;
		return NULL;
	}
	if ((arg = calloc(1, size)) == NULL) {
		json_decref(*body_r);
		*body_r = NULL;
		http_reply_error(res, 503, "unavailable", "out of memory");
	}
	return arg;
}

void
api_form_end(struct http_request *req, json_t *body, int ok, http_change_fn fn, void *arg, size_t size)
{
	json_decref(body);
	if (ok) {
		http_change_submit(req, fn, arg);
		return;
	}
	sodium_memzero(arg, size);
	free(arg);
}

int
api_query_u64(struct http_request *req, struct http_response *res, const char *name, int required,
              uint64_t *value_r)
{
	const char *text = http_query(req, name);
	unsigned long long v;
	char *end;

	if (text == NULL) {
		if (!required)
			return 0;
		http_reply_error(res, 400, "invalid", "query parameter '%s' is required", name);
		return -1;
	}
	errno = 0;
	v = strtoull(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || v > INT64_MAX) {
		http_reply_error(res, 400, "invalid", "query parameter '%s' must be a whole number", name);
		return -1;
	}
	*value_r = v;
	return 1;
}
