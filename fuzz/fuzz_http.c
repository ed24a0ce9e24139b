/*
 * fuzz_http.c -- libFuzzer target for what the server reads from a request
 * before any handler runs: the router (http_route_match over the real
 * route table) and the JSON body reader (http_json_parse, http_fields_only
 * and the http_field_* getters, which answer into a response struct and
 * touch nothing else).
 *
 * The input is "METHOD PATH\n" and then a body.  Besides crashes and
 * undefined behaviour, the target aborts when an answer contradicts
 * another:
 *   - a matched route has the request's method (HEAD finds GET), and its
 *     pattern with the parameters put back is the path, each parameter
 *     a non-empty segment of at most HTTP_PARAM_MAX bytes without '/' or
 *     control bytes; an unmatched path said to exist with other methods
 *     does match some route by path;
 *   - a body is parsed into an object or refused with REDRESS_E_INVALID
 *     (or REDRESS_E_NOMEM over the limit) and a message that never
 *     repeats jansson's "near" text;
 *   - a getter refusing a field leaves a 400 whose body is one JSON error;
 *     a getter accepting one gives what fits its buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The pattern of route r with params put back, into out. */
static void
rebuild(const struct http_route *route, const struct http_params *params, char *out, size_t size)
{
	const char *p = route->pattern;
	size_t len = 0, n = 0;

	while (*p != '\0' && len + 1 < size) {
		if (*p == '{') {
			const char *close = strchr(p, '}');

			if (close == NULL || n >= params->n)
				abort();
			len += (size_t)snprintf(out + len, size - len, "%s", params->values[n++]);
			p = close + 1;
			continue;
		}
		out[len++] = *p++;
	}
	out[len < size ? len : size - 1] = '\0';
	if (n != params->n)
		abort();
}

static void
check_route(const char *line, size_t len)
{
	char method_text[16], path[HTTP_PATH_MAX + 2], again[HTTP_PATH_MAX + 2];
	const char *space = memchr(line, ' ', len);
	struct http_params params;
	enum http_method method;
	size_t i, path_len;
	int allowed = -1;
	long r;

	if (space == NULL || (size_t)(space - line) >= sizeof(method_text))
		return;
	memcpy(method_text, line, (size_t)(space - line));
	method_text[space - line] = '\0';
	path_len = len - (size_t)(space - line) - 1;
	if (path_len >= sizeof(path))
		path_len = sizeof(path) - 1;
	memcpy(path, space + 1, path_len);
	path[path_len] = '\0';
	method = http_method_parse(method_text);
	r = http_route_match(http_routes, http_routes_count, method, path, &params, &allowed);
	if (r >= 0) {
		const struct http_route *route = &http_routes[r];

		if (allowed != 0 || (size_t)r >= http_routes_count)
			abort();
		if (route->method != method && !(method == HTTP_HEAD && route->method == HTTP_GET))
			abort();
		for (i = 0; i < params.n; i++) {
			const unsigned char *v = (const unsigned char *)params.values[i];
			size_t j, vlen = strlen(params.values[i]);

			if (vlen == 0 || vlen > HTTP_PARAM_MAX)
				abort();
			for (j = 0; j < vlen; j++)
				if (v[j] < 0x20 || v[j] == 0x7f || v[j] == '/')
					abort();
		}
		rebuild(route, &params, again, sizeof(again));
		if (strcmp(again, path) != 0)
			abort();
		return;
	}
	if (allowed) {
		/* Some route has this path: asking with its own method finds one. */
		for (i = 0; i < http_routes_count; i++)
			if (http_route_match(http_routes, http_routes_count, http_routes[i].method, path,
			                     &params, NULL) >= 0)
				return;
		abort();
	}
}

/* After a getter refused: a 400 with one JSON error object. */
static void
check_refusal(struct http_response *res)
{
	json_t *v;

	if (res->status != 400 || res->body.data == NULL)
		abort();
	v = json_loadb(res->body.data, res->body.len, 0, NULL);
	if (v == NULL || json_object_get(v, "error") == NULL)
		abort();
	json_decref(v);
	buf_reset(&res->body);
	res->status = 0;
}

static void
check_body(const char *data, size_t size)
{
	static const char *const fields[] = {"kind",    "name",  "birth_date", "national_id",
	                                     "frailty", "given", "amount",     "id",
	                                     "pending", "totp",  NULL};
	struct http_response res;
	struct redress_error err;
	char text[24];
	int64_t n = 0;
	int b = 0, got;
	json_t *value;
	size_t i;

	if (http_json_parse(data, size, &value, &err) != REDRESS_OK) {
		if ((err.code != REDRESS_E_INVALID && err.code != REDRESS_E_NOMEM) ||
		    err.message[0] == '\0' || strstr(err.message, " near ") != NULL)
			abort();
		return;
	}
	if (!json_is_object(value))
		abort();
	memset(&res, 0, sizeof(res));
	buf_init(&res.body, HTTP_JSON_BODY_MAX);
	if (http_fields_only(&res, value, fields) < 0)
		check_refusal(&res);
	for (i = 0; fields[i] != NULL; i++) {
		got = http_field_string(&res, value, fields[i], (int)(i & 1), text, sizeof(text));
		if (got < 0)
			check_refusal(&res);
		else if (strlen(text) >= sizeof(text) || (got == 0 && text[0] != '\0'))
			abort();
		got = http_field_int(&res, value, fields[i], 0, -5, 5, &n);
		if (got < 0)
			check_refusal(&res);
		else if (got == 1 && (n < -5 || n > 5))
			abort();
		got = http_field_bool(&res, value, fields[i], 0, &b);
		if (got < 0)
			check_refusal(&res);
		else if (got == 1 && b != 0 && b != 1)
			abort();
	}
	buf_free(&res.body);
	json_decref(value);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *newline = memchr(text, '\n', size);
	size_t line = newline != NULL ? (size_t)(newline - text) : size;

	check_route(text, line);
	if (newline != NULL)
		check_body(newline + 1, size - line - 1);
	return 0;
}
