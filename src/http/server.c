/*
 * server.c -- libmicrohttpd underneath: connections, bodies, answers.
 *
 * A request is answered on the access handler's last call, never its
 * first: libmicrohttpd 0.9.75 closes the connection after an answer queued
 * on the first call, which would cost keep-alive (about 22,000 against
 * 110,000 requests a second on a two-core machine).  Bodies are read into
 * bounded buffers (a JSON body, or a form through libmicrohttpd's post
 * processor, form.c); over the route's limit is 413.  Who is asking, and
 * whether they may, is settled on the first call, with the headers and
 * before any of the body is read: a refusal is answered there and then,
 * and the body never read.  Multipart is taken only by the routes that
 * take a file.  Connections are limited in all and per address, and a
 * connection that has not sent a request's headers within
 * HTTP_HEADER_DEADLINE_S of its start (or of its last answer) is closed,
 * however slowly it trickles bytes (the deadline thread).  Every answer
 * carries the security headers; every request ends in one line on stderr
 * (time, method, route, status, duration, account), never the path, the
 * query, or anything the body held.
 *
 * SIGHUP re-checks the key directory (through the caller's reload) and
 * writes a status line; it neither stops nor drops a session.
 *
 * Shutdown: SIGTERM or SIGINT stops the listening socket, waits for the
 * requests in flight (and the writer's queue) to finish, then stops.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/clock.h"
#include "core/mem.h"
#include "domain/reports/reports.h"
#include "http/api.h"
#include "http/form.h"
#include "http/i18n.h"

#define SHUTDOWN_WAIT_S 30

/* Tests only: REDRESS_TEST_FAIL_ALLOC=1 lets a request's X-Test-Fail-Alloc: N fail its Nth allocation. */
#define FAIL_ALLOC_ENV    "REDRESS_TEST_FAIL_ALLOC"
#define FAIL_ALLOC_HEADER "X-Test-Fail-Alloc"

static int fail_alloc_enabled;

/* ---- The read pool --------------------------------------------------------- */

static void store_release(struct http_app *app, struct store **store);

struct store *
http_store(struct http_request *req, struct http_response *res)
{
	struct http_app *app = req->app;
	struct redress_error err;

	if (req->store != NULL)
		return req->store;
	pthread_mutex_lock(&app->pool_lock);
	if (app->pool_len > 0)
		req->store = app->pool[--app->pool_len];
	pthread_mutex_unlock(&app->pool_lock);
	if (req->store == NULL &&
	    store_reopen(app->first, STORE_OPEN_EXISTING, &req->store, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return NULL;
	}
	/*
	 * A GET reads one snapshot, ended when the handler returns
	 * (store_release): a page never shows half of a change made between
	 * two of its statements, and SQLite takes its read locks once, not at
	 * every statement (3.4 against 15 us a lookup).  Other methods' changes
	 * run on the writer's connection and answer from there; what they
	 * read here first is checked again inside the change.
	 */
	if ((req->method == HTTP_GET || req->method == HTTP_HEAD) && !store_in_transaction(req->store) &&
	    store_begin_read(req->store, &err) != REDRESS_OK) {
		store_release(app, &req->store);
		http_reply_fail(res, &err);
		return NULL;
	}
	return req->store;
}

static void
store_release(struct http_app *app, struct store **store)
{
	if (*store == NULL)
		return;
	if (store_in_transaction(*store))
		store_rollback(*store);
	/* A statement a handler left mid-rows would keep this connection's snapshot for the next request. */
	store_end_reads(*store);
	pthread_mutex_lock(&app->pool_lock);
	if (app->pool_len < app->pool_cap) {
		app->pool[app->pool_len++] = *store;
		*store = NULL;
	}
	pthread_mutex_unlock(&app->pool_lock);
	store_close(store);
}

struct registry_keys
http_registry_keys(const struct http_request *req)
{
	struct registry_keys keys = {keydir_master_key(req->app->config->keys),
	                             keydir_index_key(req->app->config->keys)};

	return keys;
}

/* ---- Request state ------------------------------------------------------- */

const char *
http_query(const struct http_request *req, const char *name)
{
	return req->conn != NULL ? MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name) : NULL;
}

const char *
http_header(const struct http_request *req, const char *name)
{
	return req->conn != NULL ? MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name) : NULL;
}

static void
client_address(struct MHD_Connection *conn, char *out, size_t size)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = info != NULL ? info->client_addr : NULL;

	snprintf(out, size, "unknown");
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
		          (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
		          (socklen_t)size);
}

static struct http_request *
request_new(struct http_app *app, struct MHD_Connection *conn, const char *url, const char *method)
{
	struct http_request *req = calloc(1, sizeof(*req));
	const char *type, *key;
	int allowed;

	if (req == NULL)
		return NULL;
	req->app = app;
	req->conn = conn;
	req->started_us = clock_monotonic_us();
	req->method = http_method_parse(method);
	req->route =
	    http_route_match(http_routes, http_routes_count, req->method, url, &req->params, &allowed);
	/* Bodies and answers may hold identity or a password: wiped whenever a block is let go. */
	buf_init_secret(&req->body,
	                req->route >= 0 ? http_route_body_max(&http_routes[req->route]) : HTTP_JSON_BODY_MAX);
	buf_init_secret(&req->res.body, HTTP_UPLOAD_MAX + HTTP_UPLOAD_SLACK);
	if (req->route < 0)
		req->res.status = allowed ? 405 : 404;
	/* A path outside the API is a person's browser: its 404 is a page, in the person's language. */
	req->page_path =
	    strncmp(url, "/api/", 5) != 0 && strcmp(url, "/metrics") != 0 && strcmp(url, "/healthz") != 0;
	type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	snprintf(req->content_type, sizeof(req->content_type), "%s", type != NULL ? type : "");
	key = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Idempotency-Key");
	/* A key cut to fit would make two requests one: refuse it whole. */
	if (key != NULL && strlen(key) > HTTP_IDEMPOTENCY_MAX && req->route >= 0)
		http_reply_error(&req->res, 400, "invalid", "the Idempotency-Key is longer than %d bytes",
		                 HTTP_IDEMPOTENCY_MAX);
	else if (key != NULL)
		snprintf(req->idempotency_key, sizeof(req->idempotency_key), "%s", key);
	client_address(conn, req->address, sizeof(req->address));
	/*
	 * Counted in flight before looking at draining: http_serve sets draining
	 * before it waits for in_flight to reach 0, so a request either is
	 * waited for or sees draining (and is never suspended, which
	 * MHD_stop_daemon cannot abide).
	 */
	atomic_fetch_add(&app->metrics.in_flight, 1);
	req->late = atomic_load(&app->draining);
	return req;
}

struct tlog *
http_read_log(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;

	if (req->log != NULL)
		return req->log;
	if ((store = http_store(req, res)) == NULL)
		return NULL;
	if (tlog_open(store, NULL, req->app->config->modules, &req->log, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return NULL;
	}
	return req->log;
}

/*
 * Gives the request's read connection back to the pool.  Done as soon as
 * the handler returns: a change waiting for the writer, or an answer being
 * sent, needs it no more, and a connection held that long would make the
 * pool grow to one per request in flight, each with a cold cache.
 */
static void
request_release_reads(struct http_request *req)
{
	tlog_close(&req->log);
	store_release(req->app, &req->store);
}

static void
request_free(struct http_request *req)
{
	request_release_reads(req);
	http_form_free(req->upload);
	/* Secret buffers: freeing wipes them. */
	buf_free(&req->body);
	buf_free(&req->res.body);
	if (req->res.has_file)
		close(req->res.file_fd);
	sodium_memzero(req, sizeof(*req));
	free(req);
}

/* ---- Bodies ---------------------------------------------------------------- */

static int
is_multipart(const char *type)
{
	return strncasecmp(type, "multipart/form-data", strlen("multipart/form-data")) == 0;
}

/* A form libmicrohttpd's post processor reads: a multipart upload, or an HTML page's urlencoded form. */
static int
is_form(const char *type)
{
	return is_multipart(type) || strncasecmp(type, "application/x-www-form-urlencoded",
	                                         strlen("application/x-www-form-urlencoded")) == 0;
}

static void
res_unavailable(struct http_response *res)
{
	res->retry_after = 1;
	http_reply_error(res, 503, "unavailable", "out of memory: try again shortly");
}

size_t
http_route_body_max(const struct http_route *route)
{
	if (route->takes_file)
		return HTTP_UPLOAD_MAX + HTTP_UPLOAD_SLACK;
	if (route->body_max != 0)
		return route->body_max;
	return route->page ? HTTP_FORM_BODY_MAX : HTTP_JSON_BODY_MAX;
}

static void
refuse_too_large(struct http_request *req)
{
	http_reply_error(&req->res, 413, "too_large", "the body is larger than %zu bytes, this route's limit",
	                 http_route_body_max(&http_routes[req->route]));
}

/* Takes the next piece of the body, up to the route's limit. */
static void
body_accept(struct http_request *req, const char *data, size_t size)
{
	if (req->route < 0 || req->res.status != 0)
		return; /* answered already: the body is read and dropped */
	if (__builtin_add_overflow(req->body_seen, size, &req->body_seen) ||
	    req->body_seen > http_route_body_max(&http_routes[req->route])) {
		refuse_too_large(req);
		return;
	}
	if (is_form(req->content_type)) {
		if (req->upload == NULL &&
		    (req->upload = http_form_new(req->conn, http_routes[req->route].takes_file)) == NULL) {
			res_unavailable(&req->res);
			return;
		}
		http_form_feed(req->upload, data, size);
		return;
	}
	buf_append(&req->body, data, size);
}

const char *
http_upload_field(const struct http_request *req, const char *name)
{
	return http_form_value(req->upload, name);
}

const struct buf *
http_upload_file(const struct http_request *req)
{
	return http_form_file(req->upload, NULL, NULL);
}

int
http_upload_fields_only(const struct http_request *req, struct http_response *res, const char *const *allowed)
{
	size_t i, j;

	if (!is_multipart(req->content_type)) {
		http_reply_error(res, 415, "unsupported_media_type",
		                 "the body must be multipart/form-data (Content-Type was '%.60s')",
		                 req->content_type[0] != '\0' ? req->content_type : "none");
		return -1;
	}
	for (i = 0; i < http_form_count(req->upload); i++) {
		const char *name = http_form_name(req->upload, i);

		for (j = 0; allowed[j] != NULL && strcmp(name, allowed[j]) != 0; j++)
			;
		if (allowed[j] == NULL) {
			http_reply_error(res, 400, "invalid", "unknown form field '%.64s'", name);
			return -1;
		}
	}
	return 0;
}

/* Checks what the form ended as; answers and returns -1 when it cannot be used. */
static int
upload_check(struct http_request *req)
{
	enum http_form_problem problem;
	const char *name, *type;
	unsigned status;

	if (req->upload == NULL)
		return 0;
	if ((problem = http_form_problem(req->upload)) != HTTP_FORM_OK) {
		switch (problem) {
		case HTTP_FORM_TOO_MANY:
		case HTTP_FORM_FIELD_TOO_LONG:
		case HTTP_FORM_FILE_TOO_LARGE: status = 413; break;
		case HTTP_FORM_NOMEM: status = 503; break;
		default: status = 400; break;
		}
		if (status == 503)
			res_unavailable(&req->res);
		else
			http_reply_error(&req->res, status, status == 413 ? "too_large" : "invalid", "%s",
			                 http_form_problem_text(problem));
		return -1;
	}
	if (http_form_file(req->upload, &name, &type) != NULL) {
		snprintf(req->upload_name, sizeof(req->upload_name), "%s", name);
		snprintf(req->upload_type, sizeof(req->upload_type), "%s", type);
	}
	return 0;
}

/* ---- Dispatch and answers ---------------------------------------------------- */

static void
dispatch(struct http_request *req)
{
	struct http_response *res = &req->res;

	if (res->status != 0) {
		if (res->body.len == 0 && res->status == 404 && req->page_path) {
			http_authenticate(req); /* the page's header shows who is signed in */
			http_page_refuse(req, res, 404);
		} else if (res->body.len == 0 && res->status == 404)
			http_reply_error(res, 404, "not_found", "there is no such resource");
		else if (res->body.len == 0 && res->status == 405)
			http_reply_error(res, 405, "method_not_allowed", "this resource does not take %s",
			                 http_method_name(req->method));
		return;
	}
	if (req->body.failed == REDRESS_E_NOMEM) {
		res_unavailable(res);
		return;
	}
	if (req->body.failed != REDRESS_OK) {
		refuse_too_large(req);
		return;
	}
	if (upload_check(req) != 0)
		return;
	if (req->late) {
		res->retry_after = 1;
		http_reply_error(res, 503, "stopping", "the server is stopping: try again shortly");
		return;
	}
	if (!req->authenticated)
		http_authenticate(req);
	if (http_authorize(req, res) != 0)
		return;
	http_routes[req->route].handler(req, res);
	if (req->state == HTTP_REQUEST_NEW && res->status == 0)
		res->status = 200;
}

static void
add_headers(struct http_app *app, struct MHD_Response *r, const struct http_response *res)
{
	char number[24], csp[512];

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        res->content_type != NULL ? res->content_type : "application/json");
	/* No inline script, ever; an inline style only by its hash (a standalone document's). */
	snprintf(csp, sizeof(csp),
	         "default-src 'self'; script-src 'self'; style-src 'self'%s%s%s; img-src 'self' data:; "
	         "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	         res->style_hash[0] != '\0' ? " 'sha256-" : "", res->style_hash,
	         res->style_hash[0] != '\0' ? "'" : "");
	MHD_add_response_header(r, "Content-Security-Policy", csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
	/* Only assets named by their hash may be kept; every answer about people is no-store. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	                        res->immutable ? "public, max-age=31536000, immutable" : "no-store");
	if (app->tls)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	/* Stopping: no connection is kept for a next request that would come too late. */
	if (atomic_load(&app->draining))
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	if (res->cookie[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, res->cookie);
	if (res->lang_cookie[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, res->lang_cookie);
	if (res->location[0] != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, res->location);
	if (res->disposition[0] != '\0')
		MHD_add_response_header(r, "Content-Disposition", res->disposition);
	if (res->replayed)
		MHD_add_response_header(r, "Idempotent-Replayed", "true");
	if (res->retry_after != 0) {
		snprintf(number, sizeof(number), "%u", res->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, number);
	}
	if (res->status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"redress\"");
}

static enum MHD_Result
respond(struct http_request *req)
{
	struct http_response *res = &req->res;
	struct MHD_Response *r;
	enum MHD_Result ok;
	size_t len = res->body.len;
	const char *data = res->body.data != NULL ? res->body.data : "";

	if (res->fixed == NULL && buf_error(&res->body, NULL) == REDRESS_E_NOMEM)
		http_reply_out_of_memory(res);
	else if (res->fixed == NULL && buf_error(&res->body, NULL) != REDRESS_OK) {
		buf_reset(&res->body);
		http_reply_error(res, 500, "internal", "the answer was larger than the server will send");
		if (buf_error(&res->body, NULL) != REDRESS_OK)
			http_reply_out_of_memory(res);
	}
	/* A refused form: 303 to its page, so that a reload posts nothing again. */
	if (http_refused_wanted(req, res))
		http_refused_redirect(req, res);
	if (res->fixed != NULL) {
		data = res->fixed;
		len = strlen(res->fixed);
	} else {
		data = res->body.data != NULL ? res->body.data : "";
		len = res->body.len;
	}
	if (res->has_file && res->status == 200) {
		/* libmicrohttpd takes the file: it reads it as it sends, and closes it. */
		res->has_file = 0;
		if ((r = MHD_create_response_from_fd(res->file_size, res->file_fd)) == NULL) {
			close(res->file_fd);
			return MHD_NO;
		}
	} else {
		if (res->has_file) {
			res->has_file = 0;
			close(res->file_fd);
		}
		r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)data, MHD_RESPMEM_PERSISTENT);
	}
	if (r == NULL)
		return MHD_NO;
	add_headers(req->app, r, res);
	ok = MHD_queue_response(req->conn, res->status, r);
	MHD_destroy_response(r);
	return ok;
}

/* ---- The header deadline (slowloris) --------------------------------------- */

/*
 * A connection's slot: its socket and since when it has been waiting for a
 * request's headers.  libmicrohttpd's own timeout is for idleness, which
 * a byte every few seconds never reaches; this is a deadline.  The slot is
 * the connection's socket context: set when it starts, cleared (under the
 * lock) when libmicrohttpd says it closed, before it closes the socket,
 * so the thread never shuts down a socket that is no longer the
 * connection's.
 */
struct conn_slot {
	int used;
	int fd;
	_Atomic int in_request;         /* headers came; cleared when the answer is done */
	_Atomic uint64_t waiting_since; /* microseconds (monotonic) */
	int shut;
};

struct deadlines {
	pthread_mutex_t lock;
	struct conn_slot slots[HTTP_CONNECTIONS_MAX];
	pthread_t thread;
	_Atomic int stop;
	_Atomic uint64_t closed; /* connections closed for being too slow, for the log */
};

static void
notify_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
	struct deadlines *dl = cls;
	struct conn_slot *slot = *socket_context;
	const union MHD_ConnectionInfo *info;
	size_t i;

	pthread_mutex_lock(&dl->lock);
	if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		if (slot != NULL)
			slot->used = 0;
		*socket_context = NULL;
	} else if ((info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD)) != NULL) {
		for (i = 0; i < HTTP_CONNECTIONS_MAX && dl->slots[i].used; i++)
			;
		if (i < HTTP_CONNECTIONS_MAX) {
			slot = &dl->slots[i];
			slot->used = 1;
			slot->shut = 0;
			slot->fd = info->connect_fd;
			atomic_store(&slot->in_request, 0);
			atomic_store(&slot->waiting_since, clock_monotonic_us());
			*socket_context = slot;
		}
	}
	pthread_mutex_unlock(&dl->lock);
}

static struct conn_slot *
conn_slot(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *info =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return info != NULL ? info->socket_context : NULL;
}

static void *
deadline_thread(void *arg)
{
	struct deadlines *dl = arg;
	const uint64_t deadline_us = (uint64_t)HTTP_HEADER_DEADLINE_S * 1000000u;
	struct timespec tick = {0, HTTP_DEADLINE_TICK_MS * 1000000L};
	uint64_t now;
	size_t i;

	while (!atomic_load(&dl->stop)) {
		nanosleep(&tick, NULL);
		now = clock_monotonic_us();
		pthread_mutex_lock(&dl->lock);
		for (i = 0; i < HTTP_CONNECTIONS_MAX; i++) {
			struct conn_slot *slot = &dl->slots[i];

			if (!slot->used || slot->shut || atomic_load(&slot->in_request) ||
			    now - atomic_load(&slot->waiting_since) < deadline_us)
				continue;
			/* libmicrohttpd sees the end of the stream on its next poll, and closes. */
			shutdown(slot->fd, SHUT_RDWR);
			slot->shut = 1;
			atomic_fetch_add(&dl->closed, 1);
		}
		pthread_mutex_unlock(&dl->lock);
	}
	return NULL;
}

/* ---- The access handler ------------------------------------------------------ */

/* 1 when the request says it has a body (a length above 0, or chunks). */
static int
has_body(struct MHD_Connection *conn)
{
	const char *length =
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return (length != NULL && strtoull(length, NULL, 10) > 0) ||
	       MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
}

/*
 * The first call: the headers are in, none of the body.  Settles what can
 * be settled without the body: who asks and whether they may (not yet a
 * form's CSRF field), the body's kind and announced size.  Answers into
 * req->res when refused.
 */
static void
first_call(struct http_request *req)
{
	const union MHD_ConnectionInfo *size =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	const struct http_route *route;
	const char *length;

	/* Refused here rather than by libmicrohttpd, whose own 431 has none of the security headers. */
	if (size != NULL && size->header_size > HTTP_HEADERS_MAX) {
		http_reply_error(&req->res, 431, "headers_too_large",
		                 "the request's headers are larger than %u bytes", HTTP_HEADERS_MAX);
		return;
	}
	if (req->route < 0 || req->res.status != 0 || req->late)
		return;
	route = &http_routes[req->route];
	length = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	http_authenticate(req);
	req->authenticated = 1;
	if (http_authorize_early(req, &req->res) != 0)
		return;
	if (length != NULL && strtoull(length, NULL, 10) > http_route_body_max(route)) {
		refuse_too_large(req);
		return;
	}
	if (is_multipart(req->content_type) && !route->takes_file)
		http_reply_error(&req->res, 415, "unsupported_media_type",
		                 "this route takes no file: send its form urlencoded, or JSON");
}

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
               const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct http_app *app = cls;
	struct http_request *req = *con_cls;

	(void)version;
	if (req == NULL) {
		struct conn_slot *slot = conn_slot(conn);

		if (slot != NULL)
			atomic_store(&slot->in_request, 1);
		if (fail_alloc_enabled) {
			const char *n = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, FAIL_ALLOC_HEADER);

			mem_fail_at(n != NULL ? strtoul(n, NULL, 10) : 0);
		}
		if ((req = request_new(app, conn, url, method)) == NULL) {
			mem_fail_at(0);
			return MHD_NO;
		}
		*con_cls = req;
		first_call(req);
		/* Refused with a body on its way: answer now, and libmicrohttpd closes without reading it. */
		if (req->res.status != 0 && has_body(conn)) {
			dispatch(req);
			req->state = HTTP_REQUEST_DONE;
			mem_fail_at(0);
			return respond(req);
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		if (req->state == HTTP_REQUEST_NEW)
			body_accept(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* After a resume, the writer's answer is seen through the lock it set the state under. */
	pthread_mutex_lock(&app->queue_lock);
	pthread_mutex_unlock(&app->queue_lock);
	if (req->state == HTTP_REQUEST_NEW) {
		dispatch(req);
		request_release_reads(req);
		if (req->state == HTTP_REQUEST_WAITING)
			return MHD_YES;
		req->state = HTTP_REQUEST_DONE;
	}
	if (req->method == HTTP_HEAD)
		buf_reset(&req->res.body);
	mem_fail_at(0);
	return respond(req);
}

static void
request_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct http_app *app = cls;
	struct http_request *req = *con_cls;
	char at[CLOCK_TEXT_SIZE];
	uint64_t micros;

	if (req == NULL)
		return;
	{
		struct conn_slot *slot = conn_slot(conn);

		/* The next request's headers have HTTP_HEADER_DEADLINE_S from now. */
		if (slot != NULL) {
			atomic_store(&slot->waiting_since, clock_monotonic_us());
			atomic_store(&slot->in_request, 0);
		}
	}
	micros = clock_monotonic_us() - req->started_us;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && req->state != HTTP_REQUEST_DONE)
		req->res.status = 499; /* the client went away */
	http_metrics_record(&app->metrics, req->route, req->res.status, micros);
	clock_now_text(at);
	fprintf(stderr, "at=%s method=%s route=%s status=%u ms=%.3f account=%s%s\n", at,
	        http_method_name(req->method), req->route >= 0 ? http_routes[req->route].name : "unknown",
	        req->res.status, (double)micros / 1000.0, req->auth != HTTP_AUTH_NONE ? req->actor.name : "-",
	        req->res.replayed ? " replayed=1" : "");
	atomic_fetch_sub(&app->metrics.in_flight, 1);
	request_free(req);
	*con_cls = NULL;
}

/* ---- Start and stop --------------------------------------------------------- */

enum redress_err
http_listen_parse(const char *text, struct http_config *config, struct redress_error *err)
{
	const char *colon, *host_start = text, *host_end;
	char *end;
	unsigned long port;

	if (text[0] == '[') {
		host_start = text + 1;
		if ((host_end = strchr(text, ']')) == NULL || host_end[1] != ':')
			return error_set(err, REDRESS_E_INVALID,
			                 "--listen '%s': an IPv6 address is written [ADDR]:PORT", text);
		colon = host_end + 1;
	} else {
		if ((colon = strrchr(text, ':')) == NULL)
			return error_set(err, REDRESS_E_INVALID, "--listen '%s': expected HOST:PORT", text);
		host_end = colon;
	}
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port > 65535)
		return error_set(err, REDRESS_E_INVALID, "--listen '%s': the port must be 0 to 65535", text);
	if ((size_t)(host_end - host_start) >= sizeof(config->host))
		return error_set(err, REDRESS_E_INVALID, "--listen '%s': the host is too long", text);
	if (host_end == host_start)
		snprintf(config->host, sizeof(config->host), "127.0.0.1");
	else
		snprintf(config->host, sizeof(config->host), "%.*s", (int)(host_end - host_start),
		         host_start);
	config->port = (uint16_t)port;
	return REDRESS_OK;
}

static enum redress_err
read_pem(const char *path, struct buf *out, struct redress_error *err)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	buf_init_secret(out, 1u << 20);
	if (f == NULL)
		return error_set(err, REDRESS_E_IO, "%s: %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
	if (buf_error(out, err) != REDRESS_OK)
		return error_prefix(err, "%s", path);
	return REDRESS_OK;
}

/* The operators' token for /metrics, from the file REDRESS_METRICS_TOKEN_FILE names (none: /metrics is off).
 */
static enum redress_err
metrics_token_read(struct http_app *app, struct redress_error *err)
{
	const char *path = getenv("REDRESS_METRICS_TOKEN_FILE");
	struct buf text;
	enum redress_err rc;
	size_t len;

	if (path == NULL || path[0] == '\0')
		return REDRESS_OK;
	if ((rc = read_pem(path, &text, err)) != REDRESS_OK) {
		buf_free(&text);
		return error_prefix(err, "REDRESS_METRICS_TOKEN_FILE");
	}
	len = text.len;
	while (len > 0 && (text.data[len - 1] == '\n' || text.data[len - 1] == '\r'))
		len--;
	if (len < HTTP_METRICS_TOKEN_MIN || len > HTTP_METRICS_TOKEN_MAX ||
	    memchr(text.data, ' ', len) != NULL)
		rc = error_set(
		    err, REDRESS_E_INVALID,
		    "REDRESS_METRICS_TOKEN_FILE %s: the token must be one line of %d to %d characters "
		    "without spaces",
		    path, HTTP_METRICS_TOKEN_MIN, HTTP_METRICS_TOKEN_MAX);
	else
		memcpy(app->metrics_token, text.data, len);
	buf_free(&text);
	return rc;
}

static enum redress_err
app_open(struct http_app *app, const struct http_config *config, struct redress_error *err)
{
	enum redress_err rc;

	app->config = config;
	app->tls = config->tls_cert != NULL;
	pthread_mutex_init(&app->pool_lock, NULL);
	pthread_mutex_init(&app->totp_lock, NULL);
	strmap_init(&app->totp_steps);
	http_throttle_init(&app->throttle);
	http_refused_init(&app->refused);
	app->pool_cap = 64;
	if ((app->pool = calloc(app->pool_cap, sizeof(*app->pool))) == NULL ||
	    (app->vouched = users_vouched_new(keydir_master_key(config->keys))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = metrics_token_read(app, err)) != REDRESS_OK ||
	    (rc = http_sessions_init(&app->sessions, err)) != REDRESS_OK ||
	    (rc = http_metrics_init(&app->metrics, err)) != REDRESS_OK)
		return rc;
	if ((rc = store_open(config->db, STORE_OPEN_EXISTING, &app->first, err)) != REDRESS_OK)
		return rc;
	if ((rc = tlog_open(app->first, keydir_log_key(config->keys), config->modules, &app->log, err)) !=
	    REDRESS_OK)
		return rc;
	/* Appends write version-3 events, whose leaves commit to the feed's public part. */
	{
		struct tlog_public pub = report_feed_public(keydir_index_key(config->keys));

		tlog_set_public(app->log, &pub);
	}
	if (config->keys_path != NULL) {
		char path[4096];

		if (snprintf(path, sizeof(path), "%s/checkpoint", config->keys_path) >= (int)sizeof(path))
			return error_set(err, REDRESS_E_USAGE, "the key directory's path is too long");
		if ((rc = tlog_high_water(app->log, path, 1, err)) != REDRESS_OK ||
		    (rc = tlog_high_water_async(app->log, err)) != REDRESS_OK)
			return rc;
	}
	if ((rc = tlog_keys_check(app->log, keydir_master_key(config->keys), keydir_index_key(config->keys),
	                          err)) != REDRESS_OK)
		return rc;
	if ((rc = http_totp_setup(app, app->first, err)) != REDRESS_OK)
		return rc;
	/*
	 * The tree's size now, while this thread still owns the connection:
	 * from http_writer_start on, app->log is the writer thread's alone (a
	 * PostgreSQL connection used by two threads at once loses answers, and
	 * the first request would wait for its own forever).
	 */
	{
		uint64_t size = 0;

		if ((rc = tlog_size(app->log, &size, err)) != REDRESS_OK)
			return rc;
		atomic_store(&app->metrics.tree_size, size);
	}
	/* A statement left mid-rows would hold the writer to its first snapshot: after another process wrote
	 * (the command line), every change would fail as "database is locked". */
	store_end_reads(app->first);
	/* Sessions on a connection of their own, kept from before a restart. */
	{
		struct store *sessions = NULL;

		if ((rc = store_reopen(app->first, STORE_OPEN_EXISTING, &sessions, err)) != REDRESS_OK)
			return rc;
		if ((rc = http_sessions_attach(&app->sessions, sessions, keydir_index_key(config->keys),
		                               (uint64_t)time(NULL), err)) != REDRESS_OK)
			return rc;
		http_throttle_share(&app->throttle, &app->sessions);
	}
	return http_writer_start(app, err);
}

static void
app_close(struct http_app *app, int writer_started)
{
	size_t i;

	if (writer_started)
		http_writer_stop(app);
	for (i = 0; i < app->pool_len; i++)
		store_close(&app->pool[i]);
	free(app->pool);
	tlog_close(&app->log);
	store_close(&app->first);
	http_metrics_free(&app->metrics);
	http_sessions_free(&app->sessions);
	http_throttle_free(&app->throttle);
	users_vouched_free(&app->vouched);
	http_refused_free(&app->refused);
	for (i = 0; i < app->totp_steps.cap; i++)
		free(app->totp_steps.slots[i].value);
	strmap_free(&app->totp_steps);
	pthread_mutex_destroy(&app->totp_lock);
	pthread_mutex_destroy(&app->pool_lock);
}

enum redress_err
http_listen_address(const struct http_config *config, struct sockaddr_storage *ss, struct redress_error *err)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, config->host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(config->port);
		return REDRESS_OK;
	}
	if (inet_pton(AF_INET6, config->host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(config->port);
		return REDRESS_OK;
	}
	return error_set(err, REDRESS_E_INVALID, "--listen: '%s' is not an IPv4 or IPv6 address",
	                 config->host);
}

/* libmicrohttpd's messages; the attribute tells clang fmt is a format (the release and fuzz builds use
 * -Werror). */
static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* libmicrohttpd's last word before it aborts: said in the server's log, so that an abort can be told from a
 * crash of ours. */
static void
mhd_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
	(void)cls;
	fprintf(stderr, "libmicrohttpd: fatal: %s (%s:%u)\n", reason != NULL ? reason : "no reason given",
	        file != NULL ? file : "?", line);
	abort();
}

enum redress_err
http_serve(const struct http_config *config, struct redress_error *err)
{
	struct http_app app;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d = NULL;
	sigset_t stop_set, old_set;
	int sig = 0;
	struct buf cert, key;
	const union MHD_DaemonInfo *info;
	/* Turbo: with epoll (what AUTO picks on Linux), reads a request as soon as it is accepted. */
	unsigned flags =
	    MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	unsigned port, threads = config->threads != 0 ? config->threads : 2;
	enum redress_err rc;
	uint64_t waited_ms = 0;
	MHD_socket listening = MHD_INVALID_SOCKET;
	int started = 0, opened = 0, deadline_started = 0;
	struct deadlines *dl;

	memset(&app, 0, sizeof(app));
	if ((dl = calloc(1, sizeof(*dl))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	pthread_mutex_init(&dl->lock, NULL);
	/* Passwords and identities pass through jansson: every block it frees is wiped. */
	mem_json_wiping();
	fail_alloc_enabled = getenv(FAIL_ALLOC_ENV) != NULL && strcmp(getenv(FAIL_ALLOC_ENV), "1") == 0;
	/* Before any thread: it binds the catalogues and unsets LANGUAGE (i18n.h). */
	i18n_init(NULL);
	buf_init_secret(&cert, 1);
	buf_init_secret(&key, 1);
	if ((rc = http_listen_address(config, &ss, err)) != REDRESS_OK)
		goto out;
	if ((config->tls_cert == NULL) != (config->tls_key == NULL)) {
		rc = error_set(err, REDRESS_E_USAGE, "--tls-cert and --tls-key go together");
		goto out;
	}
	if (config->tls_cert != NULL) {
		if ((rc = read_pem(config->tls_cert, &cert, err)) != REDRESS_OK ||
		    (rc = read_pem(config->tls_key, &key, err)) != REDRESS_OK)
			goto out;
		flags |= MHD_USE_TLS;
	}
	/*
	 * A peer gone mid-answer is an error on that connection, never the
	 * end of the server: libmicrohttpd suppresses SIGPIPE on its own
	 * sockets, but not every write of every library it and we use does.
	 */
	signal(SIGPIPE, SIG_IGN);
	/* Every thread started from here on leaves SIGTERM and SIGINT to sigwait() below. */
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	sigaddset(&stop_set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop_set, &old_set);
	opened = 1;
	if ((rc = app_open(&app, config, err)) != REDRESS_OK)
		goto out;
	started = 1;
	if (pthread_create(&dl->thread, NULL, deadline_thread, dl) != 0) {
		rc = error_set(err, REDRESS_E_INTERNAL, "could not start the header deadline's thread");
		goto out;
	}
	deadline_started = 1;
	MHD_set_panic_func(mhd_panic, NULL);
	{
		struct MHD_OptionItem limits[] = {
		    {MHD_OPTION_CONNECTION_LIMIT, HTTP_CONNECTIONS_MAX, NULL},
		    {MHD_OPTION_PER_IP_CONNECTION_LIMIT, HTTP_CONNECTIONS_PER_IP, NULL},
		    {MHD_OPTION_CONNECTION_TIMEOUT, HTTP_IDLE_TIMEOUT_S, NULL},
		    {MHD_OPTION_CONNECTION_MEMORY_LIMIT, HTTP_CONNECTION_MEMORY, NULL},
		    {MHD_OPTION_END, 0, NULL},
		};

		if (config->tls_cert != NULL)
			d = MHD_start_daemon(
			    flags, 0, NULL, NULL, access_handler, &app, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
			    NULL, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
			    MHD_OPTION_ARRAY, limits, MHD_OPTION_NOTIFY_CONNECTION, notify_connection, dl,
			    MHD_OPTION_NOTIFY_COMPLETED, request_completed, &app, MHD_OPTION_HTTPS_MEM_CERT,
			    cert.data, MHD_OPTION_HTTPS_MEM_KEY, key.data, MHD_OPTION_END);
		else
			d = MHD_start_daemon(
			    flags, 0, NULL, NULL, access_handler, &app, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
			    NULL, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE, threads,
			    MHD_OPTION_ARRAY, limits, MHD_OPTION_NOTIFY_CONNECTION, notify_connection, dl,
			    MHD_OPTION_NOTIFY_COMPLETED, request_completed, &app, MHD_OPTION_END);
	}
	if (d == NULL) {
		rc = error_set(err, REDRESS_E_IO, "could not listen on %s port %u (in use? a bad TLS file?)",
		               config->host, (unsigned)config->port);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info != NULL ? info->port : config->port;
	fprintf(stderr, "redress: serving %s on %s%s%s:%u\n", config->db,
	        strchr(config->host, ':') ? "[" : "", config->host, strchr(config->host, ':') ? "]" : "",
	        port);
	if (config->ready_fd >= 0) {
		char text[16];
		int len = snprintf(text, sizeof(text), "%u\n", port);

		if (write(config->ready_fd, text, (size_t)len) != len)
			fprintf(stderr, "redress: could not write the port to the ready descriptor\n");
		close(config->ready_fd);
	}
	for (;;) {
		if (sigwait(&stop_set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		if (config->reload != NULL)
			config->reload(config->reload_ctx);
		/* The writer's gauge: its connection is not this thread's to use. */
		fprintf(stderr, "redress: SIGHUP: serving %s, %llu events, %llu requests in flight\n",
		        config->db, (unsigned long long)atomic_load(&app.metrics.tree_size),
		        (unsigned long long)atomic_load(&app.metrics.in_flight));
	}
	/* Let what is in flight finish; refuse what comes after. */
	fprintf(stderr, "redress: stopping (signal %d): finishing %llu requests in flight\n", sig,
	        (unsigned long long)atomic_load(&app.metrics.in_flight));
	atomic_store(&app.draining, 1);
	/*
	 * Stop taking connections.  Shutting the socket down refuses new ones
	 * at once rather than leaving them queued; it is closed only after
	 * MHD_stop_daemon, as libmicrohttpd asks, since a worker thread may
	 * still hold it in its poll set, and a number closed early can be
	 * reused by a file the server opens meanwhile.
	 */
	listening = MHD_quiesce_daemon(d);
	if (listening != MHD_INVALID_SOCKET)
		shutdown(listening, SHUT_RDWR);
	while (atomic_load(&app.metrics.in_flight) > 0 && waited_ms < SHUTDOWN_WAIT_S * 1000) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		nanosleep(&ts, NULL);
		waited_ms += 10;
	}
	rc = REDRESS_OK;
out:
	if (deadline_started) {
		atomic_store(&dl->stop, 1);
		pthread_join(dl->thread, NULL);
		if (atomic_load(&dl->closed) > 0)
			fprintf(stderr,
			        "redress: closed %llu connections that were too slow to send their headers\n",
			        (unsigned long long)atomic_load(&dl->closed));
	}
	if (d != NULL)
		MHD_stop_daemon(d);
	if (listening != MHD_INVALID_SOCKET)
		close(listening);
	pthread_mutex_destroy(&dl->lock);
	free(dl);
	if (opened) {
		app_close(&app, started);
		pthread_sigmask(SIG_SETMASK, &old_set, NULL);
	}
	buf_free(&cert);
	buf_free(&key);
	return rc;
}
