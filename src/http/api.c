/*
 * api.c -- what the handlers of /api/v1 share: reading a change request
 * (its JSON body, the fields it may have, the argument handed to the
 * writer), path and query parameters, and answering a list.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
		http_change_submit_wiped(req, fn, arg, size);
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

int
api_param_copy(struct http_request *req, struct http_response *res, const char *name, char *out, size_t size,
               const char *missing)
{
	const char *value = http_param(req, name);
	size_t len = strlen(value);

	if (len >= size) {
		http_reply_error(res, 404, "not_found", "%s", missing);
		return -1;
	}
	memcpy(out, value, len + 1);
	return 0;
}

void
api_param_submit(struct http_request *req, struct http_response *res, const char *name, size_t max,
                 const char *missing, http_change_fn fn)
{
	char *copy = calloc(1, max + 1);

	if (copy == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if (api_param_copy(req, res, name, copy, max + 1, missing) < 0) {
		free(copy);
		return;
	}
	http_change_submit(req, fn, copy);
}

void
api_reply_list(struct http_response *res, const char *key, json_t *array, enum redress_err rc,
               const struct redress_error *err)
{
	if (rc != REDRESS_OK) {
		json_decref(array);
		http_reply_fail(res, err);
		return;
	}
	http_reply_json(res, 200, json_pack("{s:o}", key, array));
}

enum redress_err
api_append(json_t *array, json_t *value, struct redress_error *err)
{
	if (value == NULL || json_array_append_new(array, value) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing a list");
	return REDRESS_OK;
}
