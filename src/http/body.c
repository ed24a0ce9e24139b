/*
 * body.c -- reading JSON request bodies, strictly: one object, valid UTF-8,
 * no duplicate keys, bounded size and depth, no field the route does not
 * know.  Every refusal is a 4xx whose message names the field, or the line
 * and column, that is wrong.
 */
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "http/http_int.h"

static int
depth_ok(json_t *value, int depth)
{
	const char *key;
	json_t *member;
	size_t i;

	if (depth > HTTP_JSON_DEPTH_MAX)
		return 0;
	if (json_is_object(value)) {
		json_object_foreach(value, key, member) if (!depth_ok(member, depth + 1)) return 0;
	} else if (json_is_array(value)) {
		json_array_foreach(value, i, member) if (!depth_ok(member, depth + 1)) return 0;
	}
	return 1;
}

enum redress_err
http_json_parse(const char *data, size_t len, json_t **value_r, struct redress_error *err)
{
	json_error_t jerr;
	json_t *value;
	unsigned long failures;

	*value_r = NULL;
	if (len > HTTP_JSON_BODY_MAX)
		return error_set(err, REDRESS_E_NOMEM, "the body is %zu bytes; the limit is %u", len,
		                 HTTP_JSON_BODY_MAX);
	if (len == 0)
		return error_set(err, REDRESS_E_INVALID, "the body is empty; a JSON object was expected");
	failures = mem_failures();
	value = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
	/* jansson's parser tells out of memory as a syntax error: the allocator tells it apart. */
	if (value == NULL &&
	    (json_error_code(&jerr) == json_error_out_of_memory || mem_failures() != failures))
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading the body");
	if (value == NULL) {
		/* jansson ends its text with "near '<the input there>'": a body's value is no message's. */
		char *near = strstr(jerr.text, " near ");

		if (near != NULL)
			*near = '\0';
		return error_set(err, REDRESS_E_INVALID, "the body is not JSON: line %d, column %d: %s",
		                 jerr.line, jerr.column, jerr.text);
	}
	if (!json_is_object(value)) {
		json_decref(value);
		return error_set(err, REDRESS_E_INVALID, "the body must be a JSON object");
	}
	if (!depth_ok(value, 0)) {
		json_decref(value);
		return error_set(err, REDRESS_E_INVALID, "the body nests deeper than %d levels",
		                 HTTP_JSON_DEPTH_MAX);
	}
	*value_r = value;
	return REDRESS_OK;
}

int
http_body_json(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	size_t len = strcspn(req->content_type, "; \t");

	if (len != strlen("application/json") ||
	    strncasecmp(req->content_type, "application/json", len) != 0) {
		http_reply_error(res, 415, "unsupported_media_type",
		                 "the body must be application/json (Content-Type was '%.60s')",
		                 req->content_type[0] != '\0' ? req->content_type : "none");
		return -1;
	}
	if (buf_error(&req->body, &err) != REDRESS_OK) {
		http_reply_error(res, 413, "too_large", "the body is larger than %u bytes",
		                 HTTP_JSON_BODY_MAX);
		return -1;
	}
	return 0;
}

json_t *
http_body_object(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	json_t *value;

	if (http_body_json(req, res) < 0)
		return NULL;
	if (http_json_parse(req->body.data != NULL ? req->body.data : "", req->body.len, &value, &err) !=
	    REDRESS_OK) {
		http_reply_fail(res, &err);
		return NULL;
	}
	return value;
}

int
http_field_string(struct http_response *res, json_t *object, const char *field, int required, char *out,
                  size_t size)
{
	json_t *v = json_object_get(object, field);
	size_t len;

	out[0] = '\0';
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		http_reply_error(res, 400, "invalid", "field '%s' is required", field);
		return -1;
	}
	if (!json_is_string(v)) {
		http_reply_error(res, 400, "invalid", "field '%s' must be a string", field);
		return -1;
	}
	len = json_string_length(v);
	if (len == 0 && required) {
		http_reply_error(res, 400, "invalid", "field '%s' is empty", field);
		return -1;
	}
	if (len >= size || memchr(json_string_value(v), '\0', len) != NULL) {
		http_reply_error(res, 400, "invalid", "field '%s' is %zu bytes long; the limit is %zu", field,
		                 len, size - 1);
		return -1;
	}
	memcpy(out, json_string_value(v), len + 1);
	return len > 0 ? 1 : 0;
}

int
http_field_int(struct http_response *res, json_t *object, const char *field, int required, int64_t min,
               int64_t max, int64_t *value_r)
{
	json_t *v = json_object_get(object, field);
	json_int_t n;

	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		http_reply_error(res, 400, "invalid", "field '%s' is required", field);
		return -1;
	}
	if (!json_is_integer(v)) {
		http_reply_error(res, 400, "invalid", "field '%s' must be an integer", field);
		return -1;
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		http_reply_error(res, 400, "invalid", "field '%s' must be between %lld and %lld", field,
		                 (long long)min, (long long)max);
		return -1;
	}
	*value_r = n;
	return 1;
}

int
http_field_bool(struct http_response *res, json_t *object, const char *field, int required, int *value_r)
{
	json_t *v = json_object_get(object, field);

	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		http_reply_error(res, 400, "invalid", "field '%s' is required", field);
		return -1;
	}
	if (!json_is_boolean(v)) {
		http_reply_error(res, 400, "invalid", "field '%s' must be true or false", field);
		return -1;
	}
	*value_r = json_is_true(v);
	return 1;
}

/* 1 when key could be a field's name: a-z, 0-9 and _, at most 32 bytes. */
static int
field_name_like(const char *key)
{
	size_t i;

	for (i = 0; key[i] != '\0'; i++)
		if (i == 32 ||
		    !((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9') || key[i] == '_'))
			return 0;
	return i > 0;
}

int
http_fields_only(struct http_response *res, json_t *object, const char *const *allowed)
{
	const char *key;
	json_t *member;
	size_t i;

	json_object_foreach(object, key, member)
	{
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL) {
			/*
			 * A misspelt name is worth repeating; anything else may be a value sent
			 * in the wrong place (a phone number as a key), and is not repeated.
			 */
			if (field_name_like(key))
				http_reply_error(res, 400, "invalid", "unknown field '%s'", key);
			else
				http_reply_error(
				    res, 400, "invalid",
				    "an unknown field, whose name is not a field name (a-z, 0-9, _)");
			return -1;
		}
	}
	return 0;
}
