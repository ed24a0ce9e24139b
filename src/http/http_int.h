/*
 * http_int.h -- what the files of src/http share: the request and the
 * response a handler sees, the route table, the writer that commits
 * changes, sessions, throttling and metrics.  Nothing outside src/http
 * includes it (but the fuzz target and the unit tests of the router).
 */
#ifndef REDRESS_HTTP_INT_H
#define REDRESS_HTTP_INT_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/strmap.h"
#include "crypto/seal.h"
#include "domain/offices/offices.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "http/http.h"
#include "http/limits.h"
#include "log/tlog.h"
#include "store/store.h"

struct MHD_Connection;
struct http_app;
struct http_request;
struct http_response;

/* ---- Limits ------------------------------------------------------------ */

/* Sizes of bodies, headers, connections and time: http/limits.h. */
#define HTTP_JSON_DEPTH_MAX  16
#define HTTP_PARAMS_MAX      3
#define HTTP_PARAM_MAX       128
#define HTTP_TOKEN_TEXT_SIZE 44 /* 32 random bytes, base64url without padding, and a NUL */
#define HTTP_ADDRESS_MAX     64

/* ---- Routes ------------------------------------------------------------ */

enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_METHOD_OTHER,
};

enum http_access {
	HTTP_PUBLIC,      /* anyone */
	HTTP_SIGNED_IN,   /* a session or a bearer token whose role has the route's permission */
	HTTP_ANY_ACCOUNT, /* a session or token, whatever the role (sign-out, "who am I") */
};

typedef void (*http_handler)(struct http_request *req, struct http_response *res);

struct http_route {
	enum http_method method;
	const char *pattern; /* "/api/v1/persons/{pseudonym}": {name} is one path segment */
	const char *name;    /* the metrics and log label: "persons.show" */
	enum http_access access;
	enum permission perm; /* for HTTP_SIGNED_IN */
	http_handler handler;
	size_t
	    body_max; /* bytes of a non-multipart body; 0: HTTP_JSON_BODY_MAX (a page: HTTP_FORM_BODY_MAX) */
	int page;     /* an HTML page: refusals answer as pages (sign in first, not allowed), not JSON */
	int takes_file; /* takes a multipart body with a file (HTTP_UPLOAD_MAX); no other route does */
};

extern const struct http_route http_routes[];
extern const size_t http_routes_count;

struct http_params {
	size_t n;
	const char *names[HTTP_PARAMS_MAX]; /* point into the route's pattern */
	size_t name_lens[HTTP_PARAMS_MAX];
	char values[HTTP_PARAMS_MAX][HTTP_PARAM_MAX + 1];
};

enum http_method http_method_parse(const char *text);
const char *http_method_name(enum http_method method);

/*
 * Finds the route for method and path (already percent-decoded), filling
 * params from its {name} segments.  Returns its index, or -1: then
 * *allowed_r (may be NULL) is 1 when the path exists with other methods
 * (405), 0 when it does not (404).  A segment longer than HTTP_PARAM_MAX, an
 * empty one, or one holding a NUL, '/', or control byte matches nothing.
 */
long http_route_match(const struct http_route *routes, size_t n, enum http_method method, const char *path,
                      struct http_params *params, int *allowed_r);

/* ---- Requests and responses --------------------------------------------- */

enum http_auth {
	HTTP_AUTH_NONE,
	HTTP_AUTH_COOKIE, /* a session: state-changing requests need the CSRF token */
	HTTP_AUTH_BEARER, /* an API token */
};

struct http_response {
	unsigned status;
	const char *content_type; /* static */
	struct buf body;
	char cookie[256];      /* a Set-Cookie value, or "" */
	char disposition[512]; /* a Content-Disposition value, or "" */
	unsigned retry_after;  /* seconds, for 429 and 503; 0: none */
	char style_hash[48];   /* base64 SHA-256 of a document's one <style> element the CSP allows, or "" */
	int replayed;          /* an idempotent retry answered from the first answer */
	char location[256];    /* a Location value (a page's 303 after a form), or "" */
	char lang_cookie[128]; /* a second Set-Cookie value: the language a person chose, or "" */
	int immutable;         /* 1: an asset whose name holds its hash, cached for a year; else no-store */
	const char *fixed;     /* static text answered instead of body (out of memory: needs no allocation) */
	char once_back[128];   /* a page shown once (a reveal): where it leads after (refused.c); "" */
	/*
	 * has_file: a 200 answers file_size bytes of the open file file_fd
	 * instead of body (a backup, never held whole in memory).  The
	 * response owns file_fd: it is closed once sent, or when the answer is
	 * another status, or the request ends unanswered.
	 */
	int has_file;
	int file_fd;
	uint64_t file_size;
};

enum http_request_state {
	HTTP_REQUEST_NEW,
	HTTP_REQUEST_WAITING, /* suspended until the writer has committed its change */
	HTTP_REQUEST_DONE,    /* res holds the answer */
};

struct http_form; /* a form's body being read (form.h) */

struct http_request {
	struct http_app *app;
	struct MHD_Connection *conn; /* NULL in tests */
	enum http_method method;
	long route; /* index in http_routes, or -1 */
	struct http_params params;
	struct buf body;          /* a JSON or raw body */
	struct http_form *upload; /* a form's body (multipart or urlencoded) */
	size_t body_seen;         /* bytes of the body read so far, of whatever kind */
	int authenticated;        /* http_authenticate ran (on the first call, headers in hand) */
	char content_type[128];
	enum http_auth auth;
	struct actor actor;              /* valid when auth != HTTP_AUTH_NONE */
	uint8_t session[32];             /* the session token's hash, for sign-out */
	char csrf[HTTP_TOKEN_TEXT_SIZE]; /* the session's CSRF token */
	char address[HTTP_ADDRESS_MAX];
	char idempotency_key[HTTP_IDEMPOTENCY_MAX + 1];
	int page_path; /* the path is outside /api/, /healthz and /metrics: a 404 answers as a page */
	uint64_t started_us;
	enum http_request_state state;
	int late;            /* began after SIGTERM: answered 503, never suspended */
	struct store *store; /* a pooled read connection, once asked for */
	struct tlog *log;    /* the log read through it, once asked for */
	struct http_response res;
	/* The upload's file, once the multipart body is read. */
	char upload_name[256];
	char upload_type[128];
	/* Whose people the actor sees (domain/offices), once http_sees asked. */
	struct offices_scope scope;
	int scope_known;
};

/*
 * 1 when the request's account sees pseudonym (domain/offices: her office
 * is its office's, or she has none, or it sees across), 0 when not, -1
 * with err set when the database failed.  Every list of people, or of what
 * concerns them, shows a row only when this is 1 (auth.c).
 */
int http_sees(struct http_request *req, struct store *store, const char *pseudonym,
              struct redress_error *err);

/* The value of {name} in the route's pattern, or "" (never NULL). */
const char *http_param(const struct http_request *req, const char *name);

/* A multipart or application/x-www-form-urlencoded form's text field, or NULL. */
const char *http_upload_field(const struct http_request *req, const char *name);
#define http_form_field http_upload_field

/* A multipart form's part named "file" (req->upload_name, req->upload_type), or NULL. */
const struct buf *http_upload_file(const struct http_request *req);

/*
 * Refuses (415) a body that is not multipart/form-data, and (400, naming
 * it) a text field of the form not among the NULL-terminated allowed.
 * Returns 0, or -1 after answering.
 */
int http_upload_fields_only(const struct http_request *req, struct http_response *res,
                            const char *const *allowed);

/* A query-string argument, or NULL. */
const char *http_query(const struct http_request *req, const char *name);

/* The value of cookie name into out (size bytes); 0 when absent or longer. */
int http_cookie(const struct http_request *req, const char *name, char *out, size_t size);

/* A request header, or NULL. */
const char *http_header(const struct http_request *req, const char *name);

/* The request's read connection from the pool (released when the request ends); NULL after filling res. */
struct store *http_store(struct http_request *req, struct http_response *res);

/* The app's registry keys (master and index). */
struct registry_keys http_registry_keys(const struct http_request *req);

/* The log for reading (checkpoints, proofs, event bytes), over the request's connection. */
struct tlog *http_read_log(struct http_request *req, struct http_response *res);

/*
 * Answers 500 with a preformed JSON error that needs no allocation: what
 * is left when memory runs out.
 */
void http_reply_out_of_memory(struct http_response *res);

/* Answers value (a reference it takes) as JSON with status; NULL (out of memory) answers 500. */
void http_reply_json(struct http_response *res, unsigned status, json_t *value);

/*
 * Lets the CSP allow the one <style> element of the HTML in res's body (a
 * standalone document, such as a published report), by its hash.
 */
void http_allow_style(struct http_response *res);

/* Answers text of content_type (static) with status. */
void http_reply_text(struct http_response *res, unsigned status, const char *content_type, const char *text,
                     size_t len);

/*
 * Answers {"error": {"status": S, "code": CODE, "message": M}}: code is a
 * short stable word ("invalid", "not_found", "forbidden" ...), the message
 * is for the person and names what and where, never a personal value.
 */
void http_reply_error(struct http_response *res, unsigned status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The HTTP status for an error code of redress. */
unsigned http_status_for(enum redress_err code);

/* Answers err with the status http_status_for() gives. */
void http_reply_fail(struct http_response *res, const struct redress_error *err);

/* ---- JSON bodies ------------------------------------------------------- */

/*
 * Parses len bytes as one JSON object (UTF-8, no duplicate keys, at most
 * HTTP_JSON_DEPTH_MAX deep), naming line and column of what is wrong.
 * The caller frees *value_r with json_decref().  Exposed for the fuzzer.
 */
enum redress_err http_json_parse(const char *data, size_t len, json_t **value_r, struct redress_error *err);

/*
 * Checks that the request's body is application/json and was read whole
 * (for a handler that parses it itself, as a program's rules are); 0, or
 * -1 after answering 415 or 413.
 */
int http_body_json(struct http_request *req, struct http_response *res);

/*
 * The request's body as a JSON object; NULL after answering 415 (not
 * application/json) or 400 (what is wrong, where).  The caller decrefs.
 */
json_t *http_body_object(struct http_request *req, struct http_response *res);

/*
 * Reads a field of a request object into out (size bytes), answering 400
 * naming the field when it is missing (required), not a string, empty or
 * too long.  Returns 1 when out holds a value, 0 when an optional field is
 * absent (out is ""), -1 after answering.
 */
int http_field_string(struct http_response *res, json_t *object, const char *field, int required, char *out,
                      size_t size);

/* An integer field in [min, max]: 1, 0 (absent, optional; *value_r untouched) or -1 after answering. */
int http_field_int(struct http_response *res, json_t *object, const char *field, int required, int64_t min,
                   int64_t max, int64_t *value_r);

/* A boolean field: as http_field_int. */
int http_field_bool(struct http_response *res, json_t *object, const char *field, int required, int *value_r);

/*
 * Refuses (400, naming it) a field of object that is not among the
 * NULL-terminated allowed: a misspelt field must not be silently ignored.
 * Returns 0, or -1 after answering.
 */
int http_fields_only(struct http_response *res, json_t *object, const char *const *allowed);

/* ---- Changes: the writer ------------------------------------------------ */

/* What a change function works with, on the writer thread. */
struct http_change {
	struct tlog *log;
	struct store *store;
	const struct actor *actor;
	struct registry_keys keys;
	const struct keydir *keydir;
	int scrub; /* set by a change that destroyed a secret: scrub the database after the commit */
	/*
	 * Set by a change whose answer holds a person's data (identity, bank
	 * details, testimony): its kept idempotent answer is deleted when
	 * anyone is erased (writer.c).
	 */
	int personal;
	/*
	 * Set by a change whose answer holds a secret shown once (an API
	 * token, a second factor's secret): the answer kept for a retry with
	 * the same Idempotency-Key says so (409) instead of holding it.
	 */
	int shown_once;
	/*
	 * Set by a change that is only to be tried (a dry run): its answer is
	 * given, and everything it did is rolled back.  The writer makes such
	 * a change alone, in a change of its own: when fn sets it inside a
	 * group, the group is rolled back and each change is made again alone.
	 */
	int rollback;
};

/*
 * Makes the change, inside an open tlog change, and leaves the answer in
 * res (status 200 when it sets none).  An error rolls the change back and
 * is answered with http_reply_fail() unless fn already put a 4xx/5xx in
 * res.  fn may run twice: when another request of the same group fails,
 * the group is rolled back and each change is made again alone.
 */
typedef enum redress_err (*http_change_fn)(struct http_change *change, void *arg, struct http_response *res,
                                           struct redress_error *err);

/*
 * Hands fn to the writer and suspends the request until its change has
 * committed (or failed); arg, if not NULL, is freed with free() after.
 * The request's Idempotency-Key, when given, makes a retry answer the
 * first answer and change nothing.
 */
void http_change_submit(struct http_request *req, http_change_fn fn, void *arg);

/*
 * As http_change_submit, for a function that makes its own change
 * (tlog_begin ... tlog_commit, as report_publish does): the writer runs it
 * alone, outside any change of its own.  An Idempotency-Key is not kept
 * for it: such functions are idempotent by themselves.
 */
void http_change_submit_own(struct http_request *req, http_change_fn fn, void *arg);

/*
 * As http_change_submit, for an argument of size bytes that may hold a secret or a
 * person's data (a password, identity, a reason): wiped before it is freed.
 * fn must not wipe it itself: it may run twice.
 */
void http_change_submit_wiped(struct http_request *req, http_change_fn fn, void *arg, size_t size);

/* The same, for changes made by the server itself (locking an account): waits for the commit. */
enum redress_err http_change_run(struct http_app *app, const char *actor, http_change_fn fn, void *arg,
                                 struct redress_error *err);

/* ---- Sessions ----------------------------------------------------------- */

#define HTTP_SESSION_IDLE_S     (30 * 60)      /* signed out after 30 minutes without a request */
#define HTTP_SESSION_ABSOLUTE_S (12 * 60 * 60) /* and after 12 hours whatever happens */
#define HTTP_SESSIONS_MAX       4096           /* sessions in memory (with a database: a cache of it) */
/*
 * With a database, a session found in memory is asked of the database
 * again once this many seconds have passed since it last was: a session
 * ended on another server (sign-out, password change) is refused here
 * at most this long after.
 */
#define HTTP_SESSION_RECHECK_S 2

struct http_session {
	uint8_t hash[32]; /* SHA-256 of the cookie's token; all zero: a free slot */
	char account[USER_NAME_MAX + 1];
	uint64_t created, seen; /* seconds */
	char csrf[HTTP_TOKEN_TEXT_SIZE];
	uint64_t stored_seen; /* the seen time the database has */
	uint64_t checked;     /* when the database last said the session lives */
};

struct http_sessions {
	pthread_mutex_t lock;
	struct http_session *slots;       /* HTTP_SESSIONS_MAX */
	struct store *store;              /* NULL: in memory only; else the sessions module's table */
	const struct seal_key *index_key; /* the key of the accounts' tags in the table */
	uint64_t swept;                   /* when expired rows were last deleted */
	/*
	 * Accounts whose sessions are to end: http_sessions_end_account runs
	 * inside the writer's change, whose lock the sessions' own connection
	 * would wait for; http_sessions_flush ends them, outside it (the
	 * writer calls it after each commit).  Under ended_lock.
	 */
	pthread_mutex_t ended_lock;
	char (*ended)[USER_NAME_MAX + 1];
	size_t ended_len, ended_cap;
};

enum redress_err http_sessions_init(struct http_sessions *s, struct redress_error *err);
/* Ends the sessions still to end, writes the seen times the database lacks, closes the store, frees. */
void http_sessions_free(struct http_sessions *s);

/*
 * Keeps the sessions in the database (the sessions module's table, shared
 * by every server of the fund) through store, a connection of their own
 * which s then owns and closes; index_key (the key directory's, kept by
 * the caller for as long as s) tags the accounts.  Deletes the expired
 * rows.  From then on the database says which sessions live: memory is a
 * cache of it, asked again after HTTP_SESSION_RECHECK_S.
 */
enum redress_err http_sessions_attach(struct http_sessions *s, struct store *store,
                                      const struct seal_key *index_key, uint64_t now,
                                      struct redress_error *err);

/*
 * A new session for actor: a fresh 256-bit token (for the cookie) and
 * its CSRF token (drawn from it, not stored); only the token's hash is
 * kept.  In memory only, when every slot holds a live session, ends none
 * and returns -1 (the sign-in answers 503): a flood of sign-ins must not
 * sign everyone else out; with a database memory is a cache and never
 * full.  -2 when the database could not keep it (err says why).  0 on
 * success.
 */
int http_session_create(struct http_sessions *s, const struct actor *actor, uint64_t now,
                        char token_r[HTTP_TOKEN_TEXT_SIZE], char csrf_r[HTTP_TOKEN_TEXT_SIZE],
                        struct redress_error *err);

/*
 * Finds the live session of token and marks it seen: 1 found (*copy_r
 * filled), 0 none (unknown, ended, idle or too old), -1 the database
 * could not say (err filled; the session is not ended: answer 503).
 */
int http_session_find(struct http_sessions *s, const char *token, uint64_t now, struct http_session *copy_r,
                      struct redress_error *err);

/* Ends the session whose token hashes to hash, on every server. */
void http_session_end(struct http_sessions *s, const uint8_t hash[32]);

/* Ends every session of account (locked, disabled, password changed) at the next http_sessions_flush. */
void http_sessions_end_account(struct http_sessions *s, const char *account);

/* Ends the sessions of the accounts http_sessions_end_account named; outside any change. */
void http_sessions_flush(struct http_sessions *s);

/* 32 random bytes as base64url without padding. */
void http_token_new(char out[HTTP_TOKEN_TEXT_SIZE]);

/* ---- Signing in (api_session.c), for the API and the sign-in page ------------ */

enum http_sign_in_result {
	HTTP_SIGN_IN_OK,        /* a new session: token and csrf filled, req signed in */
	HTTP_SIGN_IN_THROTTLED, /* too many failures: wait seconds */
	HTTP_SIGN_IN_REFUSED, /* wrong name or password, or locked: err says which, as users_authenticate does
	                       */
	HTTP_SIGN_IN_TOTP_MISSING, /* the role needs a second factor and the account has none enrolled */
	HTTP_SIGN_IN_TOTP_REFUSED, /* the code is missing, wrong, or used before */
	HTTP_SIGN_IN_ERROR,        /* the database failed: err */
	HTTP_SIGN_IN_FULL,         /* the session table is full of live sessions: 503, wait seconds */
	HTTP_SIGN_IN_NEW_PASSWORD, /* the right password, reset by an admin: a new one must be chosen first */
};

struct http_sign_in {
	struct actor actor;
	char token[HTTP_TOKEN_TEXT_SIZE]; /* for the cookie: wipe after use */
	char csrf[HTTP_TOKEN_TEXT_SIZE];
	unsigned wait;
	struct redress_error err;
};

/*
 * Checks a sign-in: throttling, the password, the second factor where the
 * role needs one (each code once); failures are counted, and slow the next
 * try (throttle.c), never lock the account.  On
 * HTTP_SIGN_IN_OK a session exists; the caller sets its cookie with
 * http_session_cookie(req, res, out->token) and wipes out.
 */
enum http_sign_in_result http_sign_in(struct http_request *req, const char *name, const char *password,
                                      const char *totp, struct http_sign_in *out);

/* What http_password_change did. */
enum http_password_result {
	HTTP_PASSWORD_CHANGED,   /* changed; the account's sessions ended, it signs in with the new one */
	HTTP_PASSWORD_THROTTLED, /* too many failures: *wait_r seconds */
	HTTP_PASSWORD_REFUSED,   /* a wrong name or current password, a locked or disabled account: err */
	HTTP_PASSWORD_ERROR,     /* anything else (a new password too short, the database): err */
};

/*
 * Account name chooses a new password (users_password_change), with the
 * sign-in's throttling: what POST /api/v1/password and the page for a
 * reset password (/sign-in/password) share.  A refusal counts as a failed
 * sign-in.  Nothing changes unless HTTP_PASSWORD_CHANGED.
 */
enum http_password_result http_password_change(struct http_request *req, const char *name, const char *old,
                                               const char *new_password, unsigned *wait_r,
                                               struct redress_error *err);

/* ---- Throttling failed sign-ins ------------------------------------------ */

#define HTTP_THROTTLE_FREE     5 /* failures allowed before a wait */
#define HTTP_THROTTLE_WAIT_MAX (15 * 60)
#define HTTP_THROTTLE_SLOTS    1024

struct http_throttle_slot {
	char key[USER_NAME_MAX + HTTP_ADDRESS_MAX + 4]; /* "a:NAME" or "i:ADDRESS"; "" free */
	unsigned failures;
	uint64_t last; /* seconds */
};

#define HTTP_THROTTLE_FORGET_S (24 * 3600) /* a count in the database outlives its last failure by */

struct http_sessions;

struct http_throttle {
	pthread_mutex_t lock;
	struct http_throttle_slot slots[HTTP_THROTTLE_SLOTS];
	struct http_sessions *shared; /* NULL, or the sessions whose database also keeps the counts */
};

void http_throttle_init(struct http_throttle *t);
/* Keeps the counts in sessions' database too (once attached), shared by every server of the fund. */
void http_throttle_share(struct http_throttle *t, struct http_sessions *sessions);
void http_throttle_free(struct http_throttle *t);

/* Seconds to wait before account may try again from address; 0: now. */
unsigned http_throttle_wait(struct http_throttle *t, const char *account, const char *address, uint64_t now);

/* Counts a failure; returns the account's consecutive failures. */
unsigned http_throttle_fail(struct http_throttle *t, const char *account, const char *address, uint64_t now);

/* A success clears the account's failures (not the address's: they count failures under every name). */
void http_throttle_clear(struct http_throttle *t, const char *account, const char *address);

/* ---- Metrics ------------------------------------------------------------ */

#define HTTP_METRICS_STATUSES 18
#define HTTP_METRICS_BUCKETS  12

struct http_route_metrics {
	_Atomic uint64_t by_status[HTTP_METRICS_STATUSES];
	_Atomic uint64_t buckets[HTTP_METRICS_BUCKETS]; /* cumulative at export, not here */
	_Atomic uint64_t sum_us;
};

struct http_metrics {
	struct http_route_metrics *routes; /* http_routes_count + 1: the last for unknown routes */
	_Atomic uint64_t events_appended;
	_Atomic uint64_t tree_size;
	_Atomic uint64_t commits;
	_Atomic uint64_t sign_in_failures;
	_Atomic uint64_t in_flight;
};

enum redress_err http_metrics_init(struct http_metrics *m, struct redress_error *err);
void http_metrics_free(struct http_metrics *m);
void http_metrics_record(struct http_metrics *m, long route, unsigned status, uint64_t micros);

/* Writes the Prometheus text exposition (format 0.0.4). */
void http_metrics_write(struct http_metrics *m, struct buf *out);

/* ---- The app ------------------------------------------------------------ */

struct http_job;

/* The last TOTP step an account signed in with (the map's key is name). */
struct http_totp_seen {
	uint64_t step;
	int used;
	char name[USER_NAME_MAX + 1];
};

/*
 * A page's refused form, kept for post/redirect/get (refused.c): the
 * answer as drawn, for the session that posted it, for a while.
 */
/* The sign-in forms' pre-session cookie (Path=/sign-in): their CSRF token; whose refusal is whose. */
#define HTTP_PRESIGN_COOKIE "redress_presign"

#define HTTP_REFUSED_SLOTS   128
#define HTTP_REFUSED_KEEP_S  600
#define HTTP_REFUSED_ID_SIZE 33 /* 16 random bytes in hex, and the NUL */

struct http_refused_page {
	char id[HTTP_REFUSED_ID_SIZE];
	uint8_t session[32]; /* the session's token hash, as http_request.session; sign-in: the presign's */
	uint64_t until;      /* epoch seconds; 0: free */
	unsigned status;
	unsigned retry_after;
	char *body; /* len bytes, the last a NUL; wiped when let go (a page shown once: at its first GET) */
	size_t len;
	char style_hash[48];
	char once_back[128]; /* a page shown once: where its address leads after; "" for a refused form */
};

struct http_refused {
	pthread_mutex_t lock;
	struct http_refused_page slot[HTTP_REFUSED_SLOTS];
};

void http_refused_init(struct http_refused *r);
void http_refused_free(struct http_refused *r);
/*
 * 1 when res answers a page's form refused (4xx, HTML) posted with a session
 * cookie or, for the sign-in forms, with the pre-session cookie; or a page
 * to be shown once (res->once_back set, 200).
 */
int http_refused_wanted(const struct http_request *req, const struct http_response *res);
/* Keeps res's page for req's session and turns res into 303 to GET /refused/ID (a sign-in form's:
 * /sign-in/refused/ID; a page shown once: /shown/ID); leaves res as it was when out of memory. */
void http_refused_redirect(struct http_request *req, struct http_response *res);

struct http_app {
	const struct http_config *config;
	int tls;
	/* Read connections, reused. */
	pthread_mutex_t pool_lock;
	struct store **pool;
	size_t pool_len, pool_cap;
	struct store *first; /* the writer's, from which the others are opened */
	/* The writer: one thread, one connection, the log with its key. */
	struct tlog *log;
	pthread_t writer;
	pthread_mutex_t queue_lock;
	pthread_cond_t queue_cond;
	struct http_job *queue_head, *queue_tail;
	int stopping;
	_Atomic int draining;    /* SIGTERM came: answer what is in flight, refuse (503) what starts now */
	int scrub_pending;       /* the writer's: a change destroyed a secret, scrub when readers allow */
	uint64_t scrub_after_us; /* the writer's: no scrub try before then (monotonic clock) */
	struct http_sessions sessions;
	struct http_refused refused;   /* refused forms' pages, for post/redirect/get */
	struct users_vouched *vouched; /* password records that opened for a token's role (users.h) */
	struct http_throttle throttle;
	struct http_metrics metrics;
	char metrics_token[HTTP_METRICS_TOKEN_MAX + 1]; /* /metrics answers only to it; "": /metrics is off */
	pthread_mutex_t totp_lock; /* the last TOTP step each account used: no code twice */
	struct strmap totp_steps;  /* account -> struct http_totp_seen */
};

/* Creates the server's table of used TOTP steps and reads it into app->totp_steps (api_session.c). */
enum redress_err http_totp_setup(struct http_app *app, struct store *store, struct redress_error *err);
struct sockaddr_storage;

/* The socket address of config's host and port (server.c). */
enum redress_err http_listen_address(const struct http_config *config, struct sockaddr_storage *ss,
                                     struct redress_error *err);

/* Writer thread lifecycle (writer.c). */
enum redress_err http_writer_start(struct http_app *app, struct redress_error *err);
void http_writer_stop(struct http_app *app);

/*
 * What can be checked with the headers only, before the body is read:
 * signed in, and the role (not yet a form's CSRF field).  Answers and
 * returns -1 when refused.
 */
int http_authorize_early(struct http_request *req, struct http_response *res);

/* The most bytes of body route takes (a file's route, a page's form, a JSON body), from http/limits.h. */
size_t http_route_body_max(const struct http_route *route);

/* Checks that the request may use its route (signed in, role, CSRF); answers and returns -1 when not. */
int http_authorize(struct http_request *req, struct http_response *res);

/*
 * Answers a page route's refusal as a page, in the request's language:
 * 401 goes to the sign-in page (303), 403 says the account may not see the
 * page, 404 that there is no such page, 400 that the form is stale (no or
 * a wrong CSRF token).  page.c.
 */
void http_page_refuse(struct http_request *req, struct http_response *res, unsigned status);

/* Sets req's actor from its cookie or bearer token, when it has one (auth.c). */
void http_authenticate(struct http_request *req);

/* Sets the session cookie to token (HttpOnly, SameSite=Strict, Secure under TLS); NULL clears it. */
void http_session_cookie(const struct http_request *req, struct http_response *res, const char *token);

/* The OpenAPI document (openapi.c, generated from docs/openapi.json). */
extern const char http_openapi_json[];
extern const size_t http_openapi_json_len;

#endif
