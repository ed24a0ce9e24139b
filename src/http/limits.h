/*
 * limits.h -- every limit the server holds a request to, in one place: the
 * sizes of bodies and headers each kind of route accepts, how many
 * connections it keeps (in all and from one address), and how long a
 * client has to send its headers.  docs/security-http.md says why each is
 * what it is.
 */
#ifndef REDRESS_HTTP_LIMITS_H
#define REDRESS_HTTP_LIMITS_H

/* ---- Bodies, by kind of route (checked against Content-Length before reading, and as read) ---- */

#define HTTP_JSON_BODY_MAX (1u << 20) /* an API route's JSON body (a route may say otherwise) */
#define HTTP_FORM_BODY_MAX                                                                                   \
	(64u << 10)                   /* a page's urlencoded form: 16 full fields of 1 KiB, percent-encoded */
/* A backup's request: a passphrase and a password of PASSWORD_MAX bytes each, escaped (JSON) or
 * percent-encoded (the page's form: its second passphrase and the token too). */
#define HTTP_BACKUP_BODY_MAX (16u << 10)
#define HTTP_BACKUP_FORM_MAX (16u << 10)

#define HTTP_UPLOAD_MAX   (64u << 20) /* a file (multipart): only on the routes that take one */
#define HTTP_UPLOAD_SLACK (1u << 20)  /* a multipart body's boundaries and text fields around its file */

/* ---- A form's text fields (multipart or urlencoded) ---- */

#define HTTP_FORM_FIELDS_MAX 48   /* a page's form: the program editor's 13 fields, 6 harms of 5, the token */
#define HTTP_FORM_FIELD_MAX  1024 /* bytes of one field's value */
#define HTTP_FORM_NAME_MAX   63   /* bytes of one field's name */

/* ---- Headers ---- */

#define HTTP_HEADERS_MAX                                                                                     \
	(8u << 10) /* a request's headers: over it, 431 (ours, with the security headers)                    \
	            */
/*
 * libmicrohttpd's memory for each connection, headers included: over it,
 * libmicrohttpd answers 431 itself (or closes), without our security
 * headers (it has no hook for its own answers), so it is kept above
 * HTTP_HEADERS_MAX: headers up to about 15 KiB get our 431.  No larger:
 * libmicrohttpd 0.9.75 zeroes the whole of it between two requests of a
 * connection and half of it again once a request is read, on every
 * request (at 64 KiB, 96 KiB of memset a request, 3.5% of the server's
 * time in bench_http's writes).
 */
#define HTTP_CONNECTION_MEMORY (2 * HTTP_HEADERS_MAX)
#define HTTP_IDEMPOTENCY_MAX   128
#define HTTP_PATH_MAX          1024

/* ---- /metrics: only to the bearer of the operators' token (REDRESS_METRICS_TOKEN_FILE) ---- */

#define HTTP_METRICS_TOKEN_MIN 32
#define HTTP_METRICS_TOKEN_MAX 128

/* ---- Connections (slowloris) ---- */

#define HTTP_CONNECTIONS_MAX 256 /* in all; a larger deployment puts nginx in front (docs/proxy.md) */
#define HTTP_CONNECTIONS_PER_IP                                                                              \
	128 /* from one address (bench_http's wrk opens 64, and 64 more on reconnecting) */
#define HTTP_HEADER_DEADLINE_S                                                                               \
	10                        /* from a connection's start (or its last answer) to a request's headers   \
	                           */
#define HTTP_IDLE_TIMEOUT_S   30  /* libmicrohttpd's timeout: this long without a byte closes */
#define HTTP_DEADLINE_TICK_MS 250 /* how often the deadline is checked */

#endif
