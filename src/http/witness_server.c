/*
 * witness_server.c -- `redress witness serve`: the tlog-witness HTTP API
 * on libmicrohttpd, over the checks and state of log/witness.c.
 *
 *   POST /add-checkpoint      cosign a checkpoint (or 400/403/404/409/422)
 *   GET  /HEX/checkpoint      the last checkpoint cosigned for a log
 *
 * One mutex makes each add-checkpoint's check and state write one step.
 * Every answer is one line on stderr; a refusal says what and why, and a
 * fork (a split view of the log) is marked "FORK" so a monitor's alerting
 * can find it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "http/http_int.h"
#include "log/cosig.h"
#include "log/witness.h"

struct witness_server {
	struct witness *w;
	pthread_mutex_t lock;
};

/* A request's body, read in pieces. */
struct witness_conn {
	struct buf body;
	int post;
};

static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned status, const char *type, const char *text, size_t len)
{
	struct MHD_Response *res;
	enum MHD_Result r;

	res = MHD_create_response_from_buffer(len, (void *)(uintptr_t)text, MHD_RESPMEM_MUST_COPY);
	if (res == NULL)
		return MHD_NO;
	MHD_add_response_header(res, "Content-Type", type);
	r = MHD_queue_response(conn, status, res);
	MHD_destroy_response(res);
	return r;
}

static enum MHD_Result
add_checkpoint(struct witness_server *s, struct MHD_Connection *conn, struct witness_conn *wc)
{
	struct redress_error why;
	struct buf out;
	unsigned status;
	enum MHD_Result r;

	buf_init(&out, 65536);
	memset(&why, 0, sizeof(why));
	pthread_mutex_lock(&s->lock);
	status = witness_add_checkpoint(s->w, wc->body.data != NULL ? wc->body.data : "", wc->body.len,
	                                (uint64_t)time(NULL), &out, &why);
	pthread_mutex_unlock(&s->lock);
	if (status == 200) {
		fprintf(stderr, "witness: POST /add-checkpoint 200 cosigned\n");
		r = answer(conn, 200, "text/plain; charset=utf-8", out.data, out.len);
	} else if (status == 409) {
		fprintf(stderr, "witness: POST /add-checkpoint 409 %s\n", why.message);
		r = answer(conn, 409, "text/x.tlog.size", out.data, out.len);
	} else {
		fprintf(stderr, "witness: POST /add-checkpoint %u REFUSED: %s\n", status, why.message);
		buf_reset(&out);
		buf_printf(&out, "%s\n", why.message);
		r = answer(conn, status, "text/plain; charset=utf-8", out.data != NULL ? out.data : "\n",
		           out.data != NULL ? out.len : 1);
	}
	buf_free(&out);
	return r;
}

static enum MHD_Result
access_handler(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
               const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct witness_server *s = cls;
	struct witness_conn *wc = *con_cls;

	if (wc == NULL) {
		if ((wc = calloc(1, sizeof(*wc))) == NULL)
			return MHD_NO;
		buf_init(&wc->body, COSIG_REQUEST_MAX);
		wc->post = strcmp(method, "POST") == 0;
		*con_cls = wc;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		buf_append(&wc->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (buf_error(&wc->body, NULL) != REDRESS_OK) {
		fprintf(stderr, "witness: %s %s 413 body over %d bytes\n", method, "/add-checkpoint",
		        COSIG_REQUEST_MAX);
		return answer(conn, 413, "text/plain", "request body too large\n", 23);
	}
	if (strcmp(url, "/add-checkpoint") == 0) {
		if (!wc->post)
			return answer(conn, 405, "text/plain", "POST only\n", 10);
		return add_checkpoint(s, conn, wc);
	}
	if (strcmp(method, "GET") == 0 && strlen(url) == 1 + 64 + 11 && url[0] == '/' &&
	    strcmp(url + 65, "/checkpoint") == 0) {
		char hex[65];
		struct buf out;
		struct redress_error err;
		enum MHD_Result r;

		memcpy(hex, url + 1, 64);
		hex[64] = '\0';
		buf_init(&out, NOTE_MAX_SIZE);
		pthread_mutex_lock(&s->lock);
		if (witness_latest(s->w, hex, &out, &err) == REDRESS_OK)
			r = answer(conn, 200, "text/plain; charset=utf-8", out.data, out.len);
		else
			r = answer(conn, 404, "text/plain", "no checkpoint cosigned for that log\n", 36);
		pthread_mutex_unlock(&s->lock);
		buf_free(&out);
		return r;
	}
	return answer(conn, 404, "text/plain", "not found\n", 10);
}

static void
request_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                  enum MHD_RequestTerminationCode code)
{
	struct witness_conn *wc = *con_cls;

	if (wc == NULL)
		return;
	buf_free(&wc->body);
	free(wc);
	*con_cls = NULL;
}

enum redress_err
http_witness_serve(const struct http_witness_config *config, struct redress_error *err)
{
	struct witness_server s;
	struct http_config hc;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	sigset_t stop_set;
	struct buf vkey;
	unsigned port;
	int sig = 0;
	enum redress_err rc;

	memset(&s, 0, sizeof(s));
	memset(&hc, 0, sizeof(hc));
	memcpy(hc.host, config->host, sizeof(hc.host));
	hc.port = config->port;
	if ((rc = http_listen_address(&hc, &ss, err)) != REDRESS_OK)
		return rc;
	if ((rc = witness_open(config->dir, config->log_vkeys, config->log_count, &s.w, err)) != REDRESS_OK)
		return rc;
	pthread_mutex_init(&s.lock, NULL);
	sigemptyset(&stop_set);
	sigaddset(&stop_set, SIGTERM);
	sigaddset(&stop_set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop_set, NULL);
	d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, access_handler,
	                     &s, MHD_OPTION_SOCK_ADDR, &ss, MHD_OPTION_THREAD_POOL_SIZE, 2u,
	                     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536, MHD_OPTION_CONNECTION_TIMEOUT,
	                     30u, MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL, MHD_OPTION_END);
	if (d == NULL) {
		rc = error_set(err, REDRESS_E_IO, "could not listen on %s port %u (in use?)", config->host,
		               (unsigned)config->port);
		goto out;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	port = info != NULL ? info->port : config->port;
	buf_init(&vkey, 4096);
	witness_vkey(s.w, &vkey);
	fprintf(stderr, "witness: %s serving on %s:%u\n", vkey.data != NULL ? vkey.data : "", config->host,
	        port);
	buf_free(&vkey);
	if (config->ready_fd >= 0) {
		char text[16];
		int len = snprintf(text, sizeof(text), "%u\n", port);

		if (write(config->ready_fd, text, (size_t)len) != len)
			fprintf(stderr, "witness: could not write the port to the ready descriptor\n");
		close(config->ready_fd);
	}
	while (sigwait(&stop_set, &sig) != 0)
		;
	fprintf(stderr, "witness: stopping (signal %d)\n", sig);
	MHD_stop_daemon(d);
	rc = REDRESS_OK;
out:
	pthread_mutex_destroy(&s.lock);
	witness_close(&s.w);
	return rc;
}
