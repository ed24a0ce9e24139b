/*
 * httpfix.h -- the fixture of the HTTP tests: a demo database made by the
 * real `redress demo`, its staff given second factors and API tokens, the
 * real `redress serve` started on a loopback port, and a libcurl client
 * that signs in as any of them and asks anything.
 *
 * Every answer the client gets is checked for the security headers, and
 * counted by route and status (matched with the server's own route table)
 * so that /metrics can be held to what the test did.  Nothing here calls
 * cmocka: the helpers run on worker threads too, and report through their
 * return values and the fixture's failure counter.
 */
#ifndef REDRESS_TESTS_HTTPFIX_H
#define REDRESS_TESTS_HTTPFIX_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <curl/curl.h>

#include "domain/users/users.h"
#include "http/http_int.h"

#define HTTPFIX_ACCOUNTS   8
#define HTTPFIX_STATUS_MAX 600

/* A staff account of the demo (or of the fixture: "lockme"). */
struct httpfix_account {
	const char *name;
	enum role role;
	char password[64];
	char totp[64]; /* base32 secret, "" when the role needs none */
	char token[USERS_TOKEN_SIZE];
	uint64_t last_step; /* the last TOTP step signed in with: a code is good once */
};

/* A running `redress serve`. */
struct httpfix_server {
	pid_t pid;
	unsigned port;
	int tls;
	char base[64];    /* "http://127.0.0.1:PORT" */
	char errlog[256]; /* its stderr */
	/* Answers received, by route (http_routes index; the last: unknown) and status. */
	pthread_mutex_t tally_lock;
	uint64_t *tally; /* (http_routes_count + 1) * HTTPFIX_STATUS_MAX */
};

struct httpfix {
	char dir[128];
	char db[256];     /* a SQLite file, or a postgresql:// URI (REDRESS_TEST_PG) */
	char pg_name[64]; /* the PostgreSQL database made for the fixture, "" on SQLite */
	char keys[192];
	char errors[192];         /* every error answer's body, one a line */
	char cert[192], key[192]; /* a self-signed certificate for TLS, "" when none could be made */
	const char *redress;      /* the binary */
	struct httpfix_account accounts[HTTPFIX_ACCOUNTS];
	struct httpfix_server server;
	/* Answers whose security headers were missing, and the first such. */
	pthread_mutex_t fail_lock;
	unsigned header_failures;
	char first_failure[256];
};

enum httpfix_auth { HTTPFIX_NOBODY, HTTPFIX_COOKIE, HTTPFIX_BEARER };

/* Who asks: nobody, a session (cookie and CSRF token) or an API token. */
struct httpfix_principal {
	struct httpfix_account *account; /* NULL for nobody */
	enum httpfix_auth auth;
	char cookie[128]; /* "redress_session=..." */
	char csrf[64];
};

/* One client: a curl handle (keep-alive) and the source address it binds. */
struct httpfix_client {
	struct httpfix *fix;
	struct httpfix_server *server;
	CURL *curl;
	char source[32]; /* "127.0.0.N" or "" */
};

struct httpfix_request {
	const char *method;       /* "GET" when NULL */
	const char *path;         /* with its query */
	const char *body;         /* NULL: none */
	size_t body_len;          /* 0: strlen(body) */
	const char *content_type; /* default application/json when there is a body */
	const struct httpfix_principal *as;
	const char *idempotency_key;
	int no_csrf;        /* a cookie change without its X-CSRF-Token */
	const char *header; /* one more header line, or NULL */
	int untallied;      /* not counted for /metrics (the server may not see it whole) */
};

struct httpfix_response {
	CURLcode rc;
	long status;
	char *body; /* NUL-terminated */
	size_t len;
	char *headers;
	size_t headers_len;
};

/* The fixture: the demo database in a temporary directory, TOTP and tokens; NULL on failure (printed). */
struct httpfix *httpfix_new(void);
void httpfix_free(struct httpfix **fix);

/* The account named name. */
struct httpfix_account *httpfix_account(struct httpfix *fix, const char *name);

/* Starts `redress serve` (with TLS when tls) into *server; 0 on success. */
int httpfix_server_start(struct httpfix *fix, struct httpfix_server *server, int tls, unsigned threads);

/* SIGTERM, then waits: returns its exit status (or -1 when it died of a signal or would not stop). */
int httpfix_server_stop(struct httpfix_server *server);
void httpfix_server_free(struct httpfix_server *server);

void httpfix_client_init(struct httpfix_client *c, struct httpfix *fix, struct httpfix_server *server,
                         const char *source);
void httpfix_client_free(struct httpfix_client *c);

/* Asks; the answer in *res (freed with httpfix_response_free).  Returns res->rc. */
CURLcode httpfix_do(struct httpfix_client *c, const struct httpfix_request *req,
                    struct httpfix_response *res);
void httpfix_response_free(struct httpfix_response *res);

/* The value of header name in res (first), into out; 0 when absent. */
int httpfix_header(const struct httpfix_response *res, const char *name, char *out, size_t size);

/* The error code of a JSON error body ("" when none), into out. */
void httpfix_error_code(const struct httpfix_response *res, char *out, size_t size);

/* account's TOTP code at step (unix time / 30), whatever was used. */
void httpfix_totp_at(const struct httpfix_account *account, uint64_t step, char out[16]);

/* The current TOTP code for account, at a step newer than any used (waits when it must). */
void httpfix_totp_code(struct httpfix_account *account, char out[16]);

/* POST /api/v1/session with name, password, totp (NULL or "": none) and one more header line (or NULL). */
CURLcode httpfix_sign_in_raw(struct httpfix_client *c, const char *name, const char *password,
                             const char *totp, const char *header, struct httpfix_response *res);

/*
 * Signs account in (with a fresh TOTP code when its role needs one) into
 * *p; returns the status (201 on success).
 */
long httpfix_sign_in(struct httpfix_client *c, struct httpfix_account *account, struct httpfix_principal *p);

/* The principal using account's API token. */
void httpfix_bearer(struct httpfix_account *account, struct httpfix_principal *p);

/* The log's size as /healthz reports it; UINT64_MAX on failure. */
uint64_t httpfix_tree_size(struct httpfix_client *c);

/* Runs the redress binary with args (NULL-terminated) against the fixture's database; stdout into out. */
int httpfix_run(struct httpfix *fix, const char *password, char *out, size_t size, const char *const *args);

/*
 * Whether the fund's database holds needle in clear: on SQLite its file
 * and its -wal; on PostgreSQL every file of its directory in the cluster
 * and the cluster's WAL.  1 when found, 0 when not, -1 when nothing could
 * be read (a check that read nothing must not pass).
 */
int httpfix_db_has(struct httpfix *fix, const char *needle);

/* 1 when the file at path holds needle anywhere. */
int httpfix_file_has(const char *path, const char *needle);

#endif
