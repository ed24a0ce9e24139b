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
#include "log/note.h"
#include "log/tlog.h"
#include "store/store.h"

#define HTTP_WITNESSES_MAX      16
#define HTTP_WITNESS_URL_MAX    512
#define HTTP_WITNESS_TIMEOUT_MS 3000 /* default wait for one witness's answer */

/*
 * A witness the fund asks to cosign its checkpoints (C2SP tlog-witness):
 * its submission prefix (add-checkpoint is posted to URL/add-checkpoint)
 * and its cosignature verifier key.
 */
struct http_witness {
	char url[HTTP_WITNESS_URL_MAX];
	struct note_verifier v;
	uint64_t known; /* the size it last cosigned for us, as far as we know (0: ask) */
};

/*
 * Parses "URL,VKEY" (the --witness option; a line of the key directory's
 * witnesses file may use a space instead of the comma).  The URL must start
 * with http:// or https://; the key must be a cosignature key (type 0x04).
 * Anything else is REDRESS_E_INVALID naming what.
 */
enum redress_err http_witness_parse(const char *text, struct http_witness *w_r, struct redress_error *err);

/*
 * Appends the witnesses listed in the file keys_dir/witnesses (when there is
 * one) to ws, which holds *count_r of max already.  A bad line is
 * REDRESS_E_INVALID naming the file and line.
 */
enum redress_err http_witnesses_load(const char *keys_dir, struct http_witness *ws, size_t max,
                                     size_t *count_r, struct redress_error *err);

/*
 * Posts the log's latest checkpoint, with a consistency proof from the size
 * each witness last cosigned, to each of the count witnesses, and keeps
 * every valid cosignature that comes back beside the checkpoint
 * (tlog_cosign_add).  Best effort: a witness that is down, slow (over
 * timeout_ms), or refuses is named on stderr and skipped.  *got_r (may be
 * NULL) is how many cosigned.  Fails only when the log cannot be read or
 * written.  Not inside a change.
 */
enum redress_err http_cosign_collect(struct tlog *log, struct http_witness *ws, size_t count,
                                     unsigned timeout_ms, size_t *got_r, struct redress_error *err);

/* What `redress witness serve` runs (witness_server.c). */
struct http_witness_config {
	const char *dir;              /* the witness's key directory, also its state */
	const char *const *log_vkeys; /* the logs it watches */
	size_t log_count;
	char host[64];
	uint16_t port;
	int ready_fd; /* >= 0: the port is written here, then closed, once listening */
};

/*
 * Serves POST /add-checkpoint and GET /HEX/checkpoint (tlog-witness) until
 * SIGTERM or SIGINT.  Every refusal is one line on stderr saying what was
 * refused and why ("FORK: ..." for a split view).
 */
enum redress_err http_witness_serve(const struct http_witness_config *config, struct redress_error *err);

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
	/*
	 * SIGHUP: called (may be NULL) in the thread that waits for signals,
	 * to re-check what the caller loaded (the key directory); it writes
	 * what it found to stderr.  The server then writes one status line.
	 */
	void (*reload)(void *ctx);
	void *reload_ctx;
	/* Witnesses asked to cosign each new checkpoint, from the writer thread, after it answers. */
	struct http_witness *witnesses;
	size_t witness_count;
	unsigned witness_timeout_ms; /* 0: HTTP_WITNESS_TIMEOUT_MS */
};

/*
 * Serves until SIGTERM or SIGINT (SIGHUP: config->reload, then a status
 * line of the log's size and the requests in flight), then stops accepting, lets the requests
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

/*
 * Deletes every kept idempotent answer that holds a person's data, inside
 * the caller's transaction: what erasing a person (over HTTP or on the
 * command line) does, so that no answer the master key opens still holds
 * her identity.  Creates the tables when the fund was never served.
 */
enum redress_err http_idempotency_forget_personal(struct store *store, struct redress_error *err);

#endif
