/*
 * api_meta.c -- the server about itself: /healthz for load balancers and
 * supervisors, /metrics for Prometheus, and the OpenAPI document that
 * describes every route (kept true by tests/http/test_http.c).
 *
 * /metrics shows each route's activity (how many reveals, erasures ...):
 * it is for the fund's operators only.  It answers to the bearer of the
 * token in the file REDRESS_METRICS_TOKEN_FILE names when the server
 * starts, and to no one else, with 404 as for a path that does not exist
 * (no oracle for guessing the token); without that file, to no one.
 */
#include <string.h>

#include <sodium.h>

#include "http/api.h"

void
api_healthz(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct tlog *log;
	uint64_t size;

	/* The log as any reader opens it, and its size: the database is there and readable. */
	if ((log = http_read_log(req, res)) == NULL)
		return;
	if (tlog_size(log, &size, &err) != REDRESS_OK || size == 0) {
		http_reply_error(res, 503, "unavailable", "the database cannot be read");
		return;
	}
	http_reply_json(res, 200,
	                json_pack("{s:s, s:I}", "status", "ok", "tree_size",
	                          (json_int_t)atomic_load(&req->app->metrics.tree_size)));
}

void
api_metrics(struct http_request *req, struct http_response *res)
{
	const char *header = http_header(req, "Authorization"), *token = req->app->metrics_token;
	size_t len = strlen(token);

	if (len == 0 || header == NULL || strncmp(header, "Bearer ", 7) != 0 || strlen(header + 7) != len ||
	    sodium_memcmp(header + 7, token, len) != 0) {
		http_reply_error(res, 404, "not_found", "there is no such resource");
		return;
	}
	buf_reset(&res->body);
	http_metrics_write(&req->app->metrics, &res->body);
	res->status = 200;
	res->content_type = "text/plain; version=0.0.4; charset=utf-8";
}

void
api_openapi(struct http_request *req, struct http_response *res)
{
	(void)req;
	http_reply_text(res, 200, "application/json", http_openapi_json, http_openapi_json_len);
}
