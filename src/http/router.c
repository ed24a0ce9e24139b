/*
 * router.c -- which route a request is for.
 *
 * A route's pattern is a path of literal segments and {name} segments; a
 * {name} matches one non-empty segment of at most HTTP_PARAM_MAX bytes
 * without control bytes.  Matching allocates nothing and never reads past
 * the path, so that the fuzzer can throw anything at it.
 */
#include <string.h>

#include "http/http_int.h"

static const char *const method_names[] = {
    [HTTP_GET] = "GET",         [HTTP_HEAD] = "HEAD",          [HTTP_POST] = "POST",
    [HTTP_PUT] = "PUT",         [HTTP_PATCH] = "PATCH",        [HTTP_DELETE] = "DELETE",
    [HTTP_OPTIONS] = "OPTIONS", [HTTP_METHOD_OTHER] = "OTHER",
};

enum http_method
http_method_parse(const char *text)
{
	size_t i;

	for (i = 0; i < HTTP_METHOD_OTHER; i++)
		if (strcmp(text, method_names[i]) == 0)
			return (enum http_method)i;
	return HTTP_METHOD_OTHER;
}

const char *
http_method_name(enum http_method method)
{
	return method <= HTTP_METHOD_OTHER ? method_names[method] : "OTHER";
}

/* Matches path against pattern; fills params on success. */
static int
match(const char *pattern, const char *path, struct http_params *params)
{
	const char *p = pattern, *s = path;

	params->n = 0;
	while (*p != '\0') {
		if (*p != *s && *p != '{')
			return 0;
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t len = 0;

			if (close == NULL || params->n == HTTP_PARAMS_MAX)
				return 0;
			while (s[len] != '\0' && s[len] != '/') {
				if ((unsigned char)s[len] < 0x20 || s[len] == 0x7f || len == HTTP_PARAM_MAX)
					return 0;
				len++;
			}
			if (len == 0)
				return 0;
			params->names[params->n] = p + 1;
			params->name_lens[params->n] = (size_t)(close - p - 1);
			memcpy(params->values[params->n], s, len);
			params->values[params->n][len] = '\0';
			params->n++;
			p = close + 1;
			s += len;
			continue;
		}
		p++;
		s++;
	}
	return *s == '\0';
}

long
http_route_match(const struct http_route *routes, size_t n, enum http_method method, const char *path,
                 struct http_params *params, int *allowed_r)
{
	struct http_params scratch;
	size_t i;
	int allowed = 0;

	if (allowed_r != NULL)
		*allowed_r = 0;
	if (path == NULL || path[0] != '/' || strnlen(path, HTTP_PATH_MAX + 1) > HTTP_PATH_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, &scratch))
			continue;
		/* HEAD is answered by the GET route, without a body. */
		if (routes[i].method == method || (method == HTTP_HEAD && routes[i].method == HTTP_GET)) {
			*params = scratch;
			return (long)i;
		}
		allowed = 1;
	}
	if (allowed_r != NULL)
		*allowed_r = allowed;
	return -1;
}

const char *
http_param(const struct http_request *req, const char *name)
{
	size_t i, len = strlen(name);

	for (i = 0; i < req->params.n; i++)
		if (req->params.name_lens[i] == len && memcmp(req->params.names[i], name, len) == 0)
			return req->params.values[i];
	return "";
}
