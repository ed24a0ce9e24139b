/*
 * http.h -- `redress serve`: the fund's JSON API over HTTP, on GNU
 * libmicrohttpd.
 *
 * Every operation the command line offers, to the same people in the same
 * roles (domain/users), under /api/v1; the audit log's checkpoint, proofs
 * and public key to anyone.  Staff sign in with a password and, for the
 * roles that can move money or decide, a TOTP code; API clients carry a
 * bearer token.  Reads run on libmicrohttpd's worker threads over a pool of
 * database connections; every change goes to one writer thread that
 * commits many requests' changes together (each request's answer waits for
 * the commit: an answered change is durable).
 *
 * This is the whole public contract; the rest is http_int.h.
 */
#ifndef REDRESS_HTTP_H
#define REDRESS_HTTP_H

#include <stdint.h>

#include "core/error.h"
#include "crypto/keydir.h"
#include "log/tlog.h"

struct http_config {
	const char *db;                            /* the database file */
	const struct keydir *keys;                 /* opened by the caller; outlives the server */
	const char *keys_path;                     /* its path: the high-water checkpoint is there */
	const struct event_module *const *modules; /* NULL-terminated, as tlog_open() takes */
	char host[64];                             /* the address to listen on: "127.0.0.1", "::1" */
	uint16_t port;                             /* 0: any free port (printed, and in ready_fd) */
	const char *tls_cert;                      /* PEM files, both or neither */
	const char *tls_key;
	unsigned threads; /* libmicrohttpd worker threads (0: 2) */
	int ready_fd;     /* >= 0: the port is written here, then closed, once listening */
};

/*
 * Serves until SIGTERM or SIGINT, then stops accepting, lets the requests
 * in flight finish (and the changes queued commit), and returns.  Access
 * logs go to stderr, one line a request.  Failures to start are
 * REDRESS_E_IO (address in use, bad TLS files) or the store's errors.
 */
enum redress_err http_serve(const struct http_config *config, struct redress_error *err);

/*
 * Parses "HOST:PORT", "[V6]:PORT" or ":PORT" (host 127.0.0.1) into
 * config's host and port; names what is wrong.
 */
enum redress_err http_listen_parse(const char *text, struct http_config *config, struct redress_error *err);

#endif
