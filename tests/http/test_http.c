/*
 * test_http.c -- the server against real HTTP: the demo database, the real
 * `redress serve` on a loopback port, libcurl (httpfix.c).
 *
 * What it proves:
 *   - the role table holds over HTTP: every route of http_routes, asked as
 *     nobody and as each role (by session cookie and by API token), is
 *     refused (401, 403) exactly when users_allows() says so, lets through
 *     otherwise, and a refusal carries no pseudonym and no personal field;
 *   - the OpenAPI document and the route table name the same routes, and
 *     the server serves the document's very bytes;
 *   - CSRF, idempotency keys, sign-in (one message for a wrong name and a
 *     wrong password, TOTP once per code, throttling, locking, sessions
 *     ended at sign-out, cookie flags), limits and bad input, security
 *     headers on every answer, /metrics counting what was asked;
 *   - personal data sent in never reaches the logs, the database in clear,
 *     /metrics or an error answer;
 *   - TLS: Secure cookies and Strict-Transport-Security;
 *   - SIGTERM while changes are in flight: each answered whole, the server
 *     exits 0, the log verifies, every answered transfer is in the ledger.
 */
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "crypto/keydir.h"
#include "domain/ledger/ledger.h"
#include "http/page.h"
#include "httpfix.h"
#include "store/store.h"

#define MATRIX_ROLES 6

#define METRICS_TOKEN  "operators-metrics-token-0123456789abcdef"
#define METRICS_BEARER "Authorization: Bearer " METRICS_TOKEN

/* The canaries of the privacy test: personal values that must never come out. */
#define CANARY_NAME    "Canaryname Zqxjwv"
#define CANARY_NID     "CANARY-NID-938471"
#define CANARY_PHONE   "+82-10-7731-CANARY"
#define CANARY_ADDRESS "77 Canary Street Zqxjville"

struct lock_result {
	pthread_t thread;
	int started;
	long first_sign_in;   /* 201 */
	unsigned failures;    /* 401 answers to a wrong password: GUESSES */
	unsigned throttled;   /* 429 answers waited out */
	int retry_after_seen; /* each 429 had Retry-After */
	long right_password;  /* after the guesses, once the wait is over: 201 */
	long token_after;     /* the account's API token after the guesses: 200 */
	long session_after;   /* its session from before the guesses: 200 */
	char message[256];    /* what went wrong, "" */
};

struct state {
	struct httpfix *fix;
	struct httpfix_client client;
	struct httpfix_principal cookie[MATRIX_ROLES];
	struct httpfix_principal bearer[MATRIX_ROLES];
	struct lock_result lock;
	uint64_t lock_from_size; /* the log's size before the lock thread began */
};

/* The matrix asks as one account per role. */
static const char *const role_accounts[MATRIX_ROLES] = {"ada", "cho", "rin", "fumi", "moe", "aki"};

/* ---- Helpers ------------------------------------------------------------------- */

static void
ask(struct httpfix_client *c, const struct httpfix_request *req, struct httpfix_response *res)
{
	CURLcode rc = httpfix_do(c, req, res);

	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", req->method != NULL ? req->method : "GET", req->path,
		         curl_easy_strerror(rc));
}

static long
ask_status(struct httpfix_client *c, const struct httpfix_request *req)
{
	struct httpfix_response res;
	long status;

	ask(c, req, &res);
	status = res.status;
	httpfix_response_free(&res);
	return status;
}

static json_t *
body_json(const struct httpfix_response *res)
{
	json_t *v = json_loads(res->body, 0, NULL);

	if (v == NULL)
		fail_msg("the answer is not JSON: %.200s", res->body);
	return v;
}

static const char *
error_message(json_t *v)
{
	const char *m = NULL;

	json_unpack(v, "{s:{s:s}}", "error", "message", &m);
	return m != NULL ? m : "";
}

/* A refusal (401, 403) names no person and holds no personal field. */
static void
check_refusal_body(const struct httpfix_response *res, const char *what)
{
	static const char *const personal[] = {
	    "\"identity\"", "\"name\"",      "\"birth_date\"", "\"national_id\"", "\"phone\"",
	    "\"address\"",  "Demo Survivor", "Demo Victim",    CANARY_NAME,       NULL};
	regex_t re;
	size_t i;

	assert_int_equal(regcomp(&re, "[VR]-[0-9]{6}", REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&re, res->body, 0, NULL, 0) == 0)
		fail_msg("%s: the refusal names a pseudonym: %s", what, res->body);
	regfree(&re);
	for (i = 0; personal[i] != NULL; i++)
		if (strstr(res->body, personal[i]) != NULL)
			fail_msg("%s: the refusal holds %s: %s", what, personal[i], res->body);
}

/* ---- Setup ----------------------------------------------------------------------- */

static void *lock_thread(void *arg);

static int group_teardown(void **state_r);

static int
group_setup(void **state_r)
{
	struct state *s = calloc(1, sizeof(*s));
	size_t i;

	*state_r = s;
	if (s == NULL || (s->fix = httpfix_new()) == NULL)
		goto fail;
	curl_global_init(CURL_GLOBAL_ALL);
	/* /metrics answers only to the operators' token. */
	{
		char path[256];
		FILE *f;

		snprintf(path, sizeof(path), "%s/metrics.token", s->fix->dir);
		if ((f = fopen(path, "w")) == NULL)
			goto fail;
		fprintf(f, "%s\n", METRICS_TOKEN);
		fclose(f);
		setenv("REDRESS_METRICS_TOKEN_FILE", path, 1);
	}
	if (httpfix_server_start(s->fix, &s->fix->server, 0, 4) != 0)
		goto fail;
	httpfix_client_init(&s->client, s->fix, &s->fix->server, NULL);
	for (i = 0; i < MATRIX_ROLES; i++) {
		struct httpfix_account *a = httpfix_account(s->fix, role_accounts[i]);

		if (httpfix_sign_in(&s->client, a, &s->cookie[i]) != 201) {
			fprintf(stderr, "could not sign in as %s\n", a->name);
			goto fail;
		}
		httpfix_bearer(a, &s->bearer[i]);
	}
	/* Locking an account takes a minute of throttled guessing: it runs beside the other tests. */
	s->lock_from_size = httpfix_tree_size(&s->client);
	if (pthread_create(&s->lock.thread, NULL, lock_thread, s) == 0)
		s->lock.started = 1;
	return 0;
fail:
	/* cmocka does not tear down a group whose setup failed: leave no server running. */
	group_teardown(state_r);
	return -1;
}

static int
group_teardown(void **state_r)
{
	struct state *s = *state_r;

	if (s == NULL)
		return 0;
	if (s->lock.started)
		pthread_join(s->lock.thread, NULL);
	if (s->client.curl != NULL)
		httpfix_client_free(&s->client);
	if (s->fix != NULL) {
		if (s->fix->server.tally != NULL)
			httpfix_server_free(&s->fix->server);
		curl_global_cleanup();
	}
	httpfix_free(&s->fix);
	free(s);
	*state_r = NULL;
	return 0;
}

/* ---- The role matrix ------------------------------------------------------------- */

/*
 * Real values for {params}, by the segment before them (an "id" of transfers
 * is not an id of claims): for reads, what the demo has; for changes, what
 * does not exist.  A parameter not here gets "matrix-unknown", and its
 * route is held only to its access rules, not to a 200.
 */
static const struct {
	const char *segment, *name, *read, *change;
} param_values[] = {
    {"persons", "pseudonym", "V-000001", "V-999999"},
    {"events", "seq", "1", "999999999"},
    {"transfers", "id", "B-000001-000001", "matrix-no-such-transfer"},
    {"batches", "id", "B-000001", "B-999999"},
    {"pledges", "id", "P-000001", "P-999999"},
    {"programs", "code", "flagship-2015", "no-such-program"},
    {"duplicates", "pair", "V-000001,V-000002", "V-999998,V-999999"},
};

/* The query a read needs to answer 200. */
static const struct {
	const char *route, *query;
} read_queries[] = {
    {"ledger.transfers", "account=bank:krw"},
    {"audit.inclusion", "index=1"},
    {"audit.consistency", "old=1"},
};

/* Fills route's pattern into path; returns 1 when every {param} had a known value. */
static int
route_path(const struct http_route *route, char *path, size_t size)
{
	const char *p = route->pattern;
	int change = route->method != HTTP_GET && route->method != HTTP_HEAD;
	size_t len = 0, i;
	int known = 1;

	path[0] = '\0';
	while (*p != '\0' && len + 1 < size) {
		if (*p == '{') {
			const char *close = strchr(p, '}'), *segment = p - 1;
			const char *value = "matrix-unknown";
			size_t segment_len = 0;

			/* The literal segment before "/{": what kind of thing the parameter names. */
			while (segment > route->pattern && segment[-1] != '/') {
				segment--;
				segment_len++;
			}
			for (i = 0; i < sizeof(param_values) / sizeof(param_values[0]); i++)
				if (strlen(param_values[i].name) == (size_t)(close - p - 1) &&
				    strncmp(param_values[i].name, p + 1, (size_t)(close - p - 1)) == 0 &&
				    strlen(param_values[i].segment) == segment_len &&
				    strncmp(param_values[i].segment, segment, segment_len) == 0)
					break;
			if (i < sizeof(param_values) / sizeof(param_values[0]))
				value = change ? param_values[i].change : param_values[i].read;
			else
				known = 0;
			len += (size_t)snprintf(path + len, size - len, "%s", value);
			p = close + 1;
			continue;
		}
		path[len++] = *p++;
		path[len] = '\0';
	}
	if (!change)
		for (i = 0; i < sizeof(read_queries) / sizeof(read_queries[0]); i++)
			if (strcmp(read_queries[i].route, route->name) == 0)
				snprintf(path + len, size - len, "?%s", read_queries[i].query);
	return known;
}

/* Asks route as p; checks the answer against the route's access and p's role. */
static void
matrix_one(struct state *s, size_t r, struct httpfix_principal *p, unsigned *checks)
{
	const struct http_route *route = &http_routes[r];
	struct httpfix_request req = {0};
	struct httpfix_response res;
	char path[HTTP_PATH_MAX], what[256], cookie[256];
	int known = route_path(route, path, sizeof(path));
	int change = route->method != HTTP_GET && route->method != HTTP_HEAD;

	/*
	 * An API token is made by its own account only (a token for another
	 * account is 403 whatever the role, tests/cli/api.sh): the route's
	 * {name} is the asker's own.
	 */
	if (strcmp(route->name, "users.token") == 0 && p->account != NULL)
		snprintf(path, sizeof(path), "/api/v1/users/%s/tokens", p->account->name);
	req.method = http_method_name(route->method);
	req.path = path;
	req.as = p->auth != HTTPFIX_NOBODY ? p : NULL;
	/* A change the route must refuse: an unknown field (400), or a target that does not exist (404). */
	if (change)
		req.body = "{\"matrix_unknown_field\": true}";
	snprintf(what, sizeof(what), "%s %s as %s (%s)", req.method, path,
	         p->account ? p->account->name : "nobody",
	         p->auth == HTTPFIX_COOKIE   ? "session"
	         : p->auth == HTTPFIX_BEARER ? "token"
	                                     : "anonymous");
	ask(&s->client, &req, &res);
	(*checks)++;
	if (res.status >= 500)
		fail_msg("%s: %ld %s", what, res.status, res.body);
	if (route->page) {
		/* A page (src/http/page_*.c): refusals are pages, and no one signed in is sent to sign in. */
		if (route->access != HTTP_PUBLIC && p->auth == HTTPFIX_NOBODY && res.status != 303)
			fail_msg("%s: a page answered %ld to nobody, expected 303 to /sign-in", what,
			         res.status);
		else if (route->access == HTTP_SIGNED_IN && p->auth != HTTPFIX_NOBODY &&
		         !users_allows(&(struct actor){.role = p->account->role}, route->perm) &&
		         res.status != 403)
			fail_msg("%s: a page not allowed answered %ld, expected 403", what, res.status);
		else if (p->auth != HTTPFIX_NOBODY &&
		         (route->access != HTTP_SIGNED_IN ||
		          users_allows(&(struct actor){.role = p->account->role}, route->perm)) &&
		         (res.status == 401 || res.status == 403))
			fail_msg("%s: a page allowed answered %ld", what, res.status);
	} else if (route->access == HTTP_PUBLIC) {
		if (res.status == 401 || res.status == 403)
			fail_msg("%s: a public route answered %ld", what, res.status);
	} else if (p->auth == HTTPFIX_NOBODY) {
		if (res.status != 401)
			fail_msg("%s: answered %ld, expected 401", what, res.status);
	} else if (route->access == HTTP_ANY_ACCOUNT ||
	           users_allows(&(struct actor){.role = p->account->role}, route->perm)) {
		if (res.status == 401 || res.status == 403)
			fail_msg("%s: allowed, but answered %ld: %s", what, res.status, res.body);
		if (!change && known && res.status != 200)
			fail_msg("%s: an allowed read answered %ld, expected 200: %s", what, res.status,
			         res.body);
	} else if (res.status != 403) {
		fail_msg("%s: not allowed, but answered %ld", what, res.status);
	}
	if (!route->page && (res.status == 401 || res.status == 403))
		check_refusal_body(&res, what);
	/* The route ended the session (sign-out): sign in again for the routes after it. */
	if (p->auth == HTTPFIX_COOKIE && httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)) &&
	    strstr(cookie, "Max-Age=0") != NULL)
		assert_int_equal(httpfix_sign_in(&s->client, p->account, p), 201);
	httpfix_response_free(&res);
}

static void
test_role_matrix(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_principal nobody = {0};
	uint64_t before = httpfix_tree_size(&s->client);
	unsigned checks = 0;
	size_t r, i;

	for (r = 0; r < http_routes_count; r++) {
		matrix_one(s, r, &nobody, &checks);
		for (i = 0; i < MATRIX_ROLES; i++) {
			matrix_one(s, r, &s->cookie[i], &checks);
			matrix_one(s, r, &s->bearer[i], &checks);
		}
	}
	/* Every question the matrix asked was refused or read: nothing changed. */
	assert_int_equal(httpfix_tree_size(&s->client), before);
	assert_int_equal(checks, http_routes_count * (1 + 2 * MATRIX_ROLES));
	printf("role matrix: %zu routes x %d principals = %u checks\n", http_routes_count,
	       1 + 2 * MATRIX_ROLES, checks);
}

/* ---- The throttle's table ------------------------------------------------------------------ */

/*
 * An account being guessed keeps its count when the table fills with
 * failures under fresh names from fresh addresses: else flooding the
 * table would reset its wait, and it would never be locked.
 */
static void
test_throttle_table(void **state_r)
{
	struct http_throttle *t = calloc(1, sizeof(*t));
	char name[32], address[32];
	unsigned i, failures = 0;

	(void)state_r;
	assert_non_null(t);
	http_throttle_init(t);
	for (i = 0; i < HTTP_THROTTLE_FREE + 1; i++)
		failures = http_throttle_fail(t, "victim", "192.0.2.1", 1000);
	assert_int_equal(failures, HTTP_THROTTLE_FREE + 1);
	assert_true(http_throttle_wait(t, "victim", "192.0.2.99", 1000) > 0);
	for (i = 0; i < 2 * HTTP_THROTTLE_SLOTS; i++) {
		snprintf(name, sizeof(name), "flood%u", i);
		snprintf(address, sizeof(address), "198.51.%u.%u", i / 256, i % 256);
		http_throttle_fail(t, name, address, 1000 + i / 64);
	}
	assert_true(http_throttle_wait(t, "victim", "192.0.2.99", 1000) > 0);
	assert_int_equal(http_throttle_fail(t, "victim", "192.0.2.7", 1100), HTTP_THROTTLE_FREE + 2);
	http_throttle_free(t);
	free(t);
}

/* ---- OpenAPI ------------------------------------------------------------------------ */

static char *
read_whole(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (data = malloc((size_t)len + 1)) == NULL || fread(data, 1, (size_t)len, f) != (size_t)len) {
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	fclose(f);
	data[len] = '\0';
	*len_r = (size_t)len;
	return data;
}

static void
lower(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)(in[i] >= 'A' && in[i] <= 'Z' ? in[i] - 'A' + 'a' : in[i]);
	out[i] = '\0';
}

static void
test_openapi(void **state_r)
{
	struct state *s = *state_r;
	static const char *const methods[] = {"get",   "head",   "post",    "put",
	                                      "patch", "delete", "options", NULL};
	struct httpfix_request req = {0};
	struct httpfix_response res;
	json_t *doc, *paths, *ops, *op = NULL;
	const char *path, *method;
	char file[512], name[16];
	size_t len = 0, r, i;
	char *bytes;

	snprintf(file, sizeof(file), "%s/docs/openapi.json", REDRESS_SRCDIR);
	assert_non_null(bytes = read_whole(file, &len));
	assert_non_null(doc = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, NULL));
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
	assert_non_null(paths = json_object_get(doc, "paths"));
	/* Every route is in the document, with its method. */
	for (r = 0; r < http_routes_count; r++) {
		if (http_routes[r].page)
			continue; /* the pages for people are not the API: the browser tests cover them */
		lower(http_method_name(http_routes[r].method), name, sizeof(name));
		ops = json_object_get(paths, http_routes[r].pattern);
		if (ops == NULL || (op = json_object_get(ops, name)) == NULL)
			fail_msg("route %s %s (%s) is not in docs/openapi.json",
			         http_method_name(http_routes[r].method), http_routes[r].pattern,
			         http_routes[r].name);
		if (json_object_get(op, "summary") == NULL || json_object_get(op, "responses") == NULL)
			fail_msg("%s %s: no summary or no responses", name, http_routes[r].pattern);
	}
	/* Every operation in the document is a route. */
	json_object_foreach(paths, path, ops)
	{
		json_object_foreach(ops, method, op)
		{
			for (i = 0; methods[i] != NULL && strcmp(methods[i], method) != 0; i++)
				;
			if (methods[i] == NULL)
				continue; /* "parameters" and the like */
			for (r = 0; r < http_routes_count; r++) {
				lower(http_method_name(http_routes[r].method), name, sizeof(name));
				if (strcmp(http_routes[r].pattern, path) == 0 && strcmp(name, method) == 0)
					break;
			}
			if (r == http_routes_count)
				fail_msg("docs/openapi.json has %s %s, which the server has no route for",
				         method, path);
		}
	}
	json_decref(doc);
	/* The server serves the file's very bytes. */
	req.path = "/api/v1/openapi.json";
	ask(&s->client, &req, &res);
	assert_int_equal(res.status, 200);
	assert_int_equal(res.len, len);
	assert_memory_equal(res.body, bytes, len);
	httpfix_response_free(&res);
	free(bytes);
}

/* ---- CSRF and idempotency ------------------------------------------------------------ */

/* The matrix's principal for account name: its session, or its API token. */
static struct httpfix_principal *
principal_of(struct state *s, const char *name, int bearer)
{
	size_t i;

	for (i = 0; i < MATRIX_ROLES; i++)
		if (strcmp(role_accounts[i], name) == 0)
			return bearer ? &s->bearer[i] : &s->cookie[i];
	fail_msg("no principal %s", name);
	return NULL;
}

#define cookie_of(s, name) principal_of(s, name, 0)
#define bearer_of(s, name) principal_of(s, name, 1)

static void
test_csrf(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	uint64_t before = httpfix_tree_size(&s->client);
	char code[32];

	req.method = "POST";
	req.path = "/api/v1/ledger/accounts";
	req.body = "{\"code\": \"test:income\", \"currency\": \"KRW\", \"kind\": \"income\"}";
	req.as = cookie_of(s, "fumi");
	req.no_csrf = 1;
	ask(&s->client, &req, &res);
	assert_int_equal(res.status, 403);
	httpfix_error_code(&res, code, sizeof(code));
	assert_string_equal(code, "csrf");
	httpfix_response_free(&res);
	/* A wrong token is no token. */
	req.header = "X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	assert_int_equal(ask_status(&s->client, &req), 403);
	assert_int_equal(httpfix_tree_size(&s->client), before);
	/* With the session's token it is done; an API token needs none. */
	req.header = NULL;
	req.no_csrf = 0;
	assert_int_equal(ask_status(&s->client, &req), 201);
	assert_true(httpfix_tree_size(&s->client) > before);
	req.as = bearer_of(s, "fumi");
	req.body = "{\"code\": \"test:asset\", \"currency\": \"KRW\", \"kind\": \"asset\"}";
	assert_int_equal(ask_status(&s->client, &req), 201);
}

static void
test_idempotency(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_request req = {0};
	struct httpfix_response first, again;
	uint64_t size0, size1, size2;
	char replayed[16];

	/* Registering a person is no idempotent act of its own: only the key makes a retry safe. */
	req.method = "POST";
	req.path = "/api/v1/persons";
	req.body =
	    "{\"kind\": \"victim\", \"name\": \"Idempotent Test Person\", \"birth_date\": \"1931-03-01\"}";
	req.as = bearer_of(s, "cho");
	req.idempotency_key = "test-idempotency-1";
	size0 = httpfix_tree_size(&s->client);
	ask(&s->client, &req, &first);
	assert_int_equal(first.status, 201);
	assert_false(httpfix_header(&first, "Idempotent-Replayed", replayed, sizeof(replayed)));
	size1 = httpfix_tree_size(&s->client);
	assert_true(size1 > size0);
	ask(&s->client, &req, &again);
	assert_int_equal(again.status, first.status);
	assert_string_equal(again.body, first.body);
	assert_true(httpfix_header(&again, "Idempotent-Replayed", replayed, sizeof(replayed)));
	assert_string_equal(replayed, "true");
	size2 = httpfix_tree_size(&s->client);
	assert_int_equal(size2, size1);
	httpfix_response_free(&again);
	/* The same key, by cookie this time (the key is the account's): the same answer. */
	req.as = cookie_of(s, "cho");
	ask(&s->client, &req, &again);
	assert_int_equal(again.status, first.status);
	assert_string_equal(again.body, first.body);
	httpfix_response_free(&again);
	/* A key too long to keep whole: refused, not cut (two long keys would become one). */
	{
		char key[HTTP_IDEMPOTENCY_MAX + 2];

		memset(key, 'k', sizeof(key) - 1);
		key[sizeof(key) - 1] = '\0';
		req.idempotency_key = key;
		assert_int_equal(ask_status(&s->client, &req), 400);
		req.idempotency_key = "test-idempotency-1";
		assert_int_equal(httpfix_tree_size(&s->client), size1);
	}
	/* The same key on another request: refused, nothing done. */
	req.body = "{\"kind\": \"victim\", \"name\": \"Another Person\", \"birth_date\": \"1931-03-02\"}";
	assert_int_equal(ask_status(&s->client, &req), 422);
	assert_int_equal(httpfix_tree_size(&s->client), size1);
	/* A transfer, with a key: 201 twice, the second replayed; without, the ledger's own id says 200. */
	req.as = bearer_of(s, "fumi");
	req.path = "/api/v1/ledger/transfers";
	req.body =
	    "{\"id\": \"idem-1\", \"from\": \"test:income\", \"to\": \"test:asset\", \"amount\": \"500\"}";
	req.idempotency_key = "test-idempotency-2";
	assert_int_equal(ask_status(&s->client, &req), 201);
	size1 = httpfix_tree_size(&s->client);
	assert_int_equal(ask_status(&s->client, &req), 201);
	assert_int_equal(httpfix_tree_size(&s->client), size1);
	/*
	 * The kept answer edited behind the server's back -- its status, or
	 * cho's answer (naming the person she registered) put under fumi's key:
	 * a retry gets an error, never that answer, and nothing is made again.
	 */
	{
		const char *const edits[] = {
		    "UPDATE idempotency_answers SET status = 200 WHERE key = 'test-idempotency-2'",
		    "UPDATE idempotency_answers SET status = 201, body = (SELECT body FROM "
		    "idempotency_answers"
		    " WHERE key = 'test-idempotency-1') WHERE key = 'test-idempotency-2'",
		};
		struct redress_error err;
		struct store *store = NULL;
		json_t *registered = json_loads(first.body, 0, NULL);
		const char *pseudonym = json_string_value(json_object_get(registered, "pseudonym"));
		size_t i;

		assert_non_null(pseudonym);
		for (i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
			assert_int_equal(store_open(s->fix->db, STORE_OPEN_EXISTING, &store, &err),
			                 REDRESS_OK);
			if (store_exec(store, edits[i], &err) != REDRESS_OK)
				fail_msg("%s: %s", edits[i], err.message);
			store_close(&store);
			ask(&s->client, &req, &again);
			assert_int_equal(again.status, 500);
			assert_null(strstr(again.body, pseudonym));
			assert_non_null(strstr(again.body, "does not open"));
			assert_int_equal(httpfix_tree_size(&s->client), size1);
			httpfix_response_free(&again);
		}
		json_decref(registered);
		/* The audit names the row too; then it goes, so that the fund verifies again. */
		{
			const char *const verify[] = {"audit", "verify", NULL};
			static char out[1 << 16];

			assert_int_not_equal(httpfix_run(s->fix, NULL, out, sizeof(out), verify), 0);
			assert_non_null(strstr(out,
			                       "idempotency_answers (fumi, test-idempotency-2): the kept "
			                       "answer does not open"));
			assert_int_equal(store_open(s->fix->db, STORE_OPEN_EXISTING, &store, &err),
			                 REDRESS_OK);
			assert_int_equal(
			    store_exec(store,
			               "DELETE FROM idempotency_answers WHERE key = 'test-idempotency-2'",
			               &err),
			    REDRESS_OK);
			store_close(&store);
			if (httpfix_run(s->fix, NULL, out, sizeof(out), verify) != 0)
				fail_msg("audit verify after the edited answer went: %s", out);
		}
	}
	httpfix_response_free(&first);
}

/* ---- Signing in ----------------------------------------------------------------------- */

/* Signs in by hand; a failure to connect fails the test. */
static void
sign_in_raw(struct httpfix_client *c, const char *name, const char *password, const char *totp,
            const char *cookie_header, struct httpfix_response *res)
{
	CURLcode rc = httpfix_sign_in_raw(c, name, password, totp, cookie_header, res);

	if (rc != CURLE_OK)
		fail_msg("signing in as %s: %s", name, curl_easy_strerror(rc));
}

static void
test_sign_in_messages(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_client c;
	struct httpfix_response res;
	json_t *wrong_password, *unknown;

	/* A client address of its own: these failures must not slow the other tests. */
	httpfix_client_init(&c, s->fix, &s->fix->server, "127.0.0.2");
	sign_in_raw(&c, "cho", "not the password at all", NULL, NULL, &res);
	assert_int_equal(res.status, 401);
	wrong_password = body_json(&res);
	httpfix_response_free(&res);
	sign_in_raw(&c, "nosuchaccount", "not the password at all", NULL, NULL, &res);
	assert_int_equal(res.status, 401);
	unknown = body_json(&res);
	httpfix_response_free(&res);
	assert_string_equal(error_message(wrong_password), error_message(unknown));
	assert_true(json_equal(wrong_password, unknown));
	json_decref(wrong_password);
	json_decref(unknown);
	httpfix_client_free(&c);
}

static void
test_sign_in_totp(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_account *ryu = httpfix_account(s->fix, "ryu");
	struct httpfix_response res;
	struct httpfix_client c;
	char good[16], wrong[16];
	uint64_t step;
	size_t i, checked = 0;

	/* Every role that needs a second factor: the right password alone is refused. */
	httpfix_client_init(&c, s->fix, &s->fix->server, "127.0.0.6");
	for (i = 0; i < HTTPFIX_ACCOUNTS; i++) {
		struct httpfix_account *a = &s->fix->accounts[i];

		if (!users_role_needs_totp(a->role) || strcmp(a->name, "ryu") == 0)
			continue;
		sign_in_raw(&c, a->name, a->password, NULL, NULL, &res);
		assert_int_equal(res.status, 401);
		assert_null(strstr(res.headers, "Set-Cookie"));
		httpfix_response_free(&res);
		checked++;
	}
	assert_int_equal(checked, 4); /* ada, rin, fumi, aki */
	httpfix_client_free(&c);
	httpfix_client_init(&c, s->fix, &s->fix->server, "127.0.0.3");
	/* A reviewer with the right password and no code: refused. */
	sign_in_raw(&c, "ryu", ryu->password, NULL, NULL, &res);
	assert_int_equal(res.status, 401);
	assert_null(strstr(res.headers, "Set-Cookie"));
	httpfix_response_free(&res);
	/* A code of an hour ago: refused. */
	step = (uint64_t)time(NULL) / 30;
	httpfix_totp_at(ryu, step - 120, wrong);
	httpfix_totp_code(ryu, good);
	if (strcmp(wrong, good) != 0) {
		sign_in_raw(&c, "ryu", ryu->password, wrong, NULL, &res);
		assert_int_equal(res.status, 401);
		httpfix_response_free(&res);
	}
	/* The current code: signed in; the same code again: refused. */
	sign_in_raw(&c, "ryu", ryu->password, good, NULL, &res);
	assert_int_equal(res.status, 201);
	httpfix_response_free(&res);
	sign_in_raw(&c, "ryu", ryu->password, good, NULL, &res);
	assert_int_equal(res.status, 401);
	httpfix_response_free(&res);
	httpfix_client_free(&c);
}

static void
test_sign_in_throttled(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_response res;
	struct httpfix_client c;
	char retry[16], code[32];
	int i;

	httpfix_client_init(&c, s->fix, &s->fix->server, "127.0.0.4");
	for (i = 0; i < HTTP_THROTTLE_FREE; i++) {
		sign_in_raw(&c, "ghost", "a wrong password", NULL, NULL, &res);
		assert_int_equal(res.status, 401);
		httpfix_response_free(&res);
	}
	/* The sixth try comes too soon. */
	sign_in_raw(&c, "ghost", "a wrong password", NULL, NULL, &res);
	assert_int_equal(res.status, 429);
	assert_true(httpfix_header(&res, "Retry-After", retry, sizeof(retry)));
	assert_true(atoi(retry) >= 1);
	httpfix_error_code(&res, code, sizeof(code));
	assert_string_equal(code, "throttled");
	httpfix_response_free(&res);
	httpfix_client_free(&c);
}

static void
test_sessions(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_account *cho = httpfix_account(s->fix, "cho");
	struct httpfix_principal one, two;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	struct httpfix_client c;
	char cookie[256], carried[200];

	httpfix_client_init(&c, s->fix, &s->fix->server, "127.0.0.5");
	assert_int_equal(httpfix_sign_in(&c, cho, &one), 201);
	assert_int_equal(httpfix_sign_in(&c, cho, &two), 201);
	assert_string_not_equal(one.cookie, two.cookie);
	assert_string_not_equal(one.csrf, two.csrf);
	/* A session the client brings is never kept: sign-in makes a new one. */
	snprintf(carried, sizeof(carried), "Cookie: %s", one.cookie);
	sign_in_raw(&c, "cho", cho->password, NULL, carried, &res);
	assert_int_equal(res.status, 201);
	assert_true(httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)));
	assert_null(strstr(cookie, one.cookie));
	/* Flags: HttpOnly, SameSite=Strict; Secure only under TLS (test_tls). */
	assert_non_null(strstr(cookie, "; HttpOnly"));
	assert_non_null(strstr(cookie, "; SameSite=Strict"));
	assert_null(strstr(cookie, "Secure"));
	assert_non_null(strstr(cookie, "Path=/"));
	httpfix_response_free(&res);
	/* Sign-out needs the CSRF token too. */
	req.method = "DELETE";
	req.path = "/api/v1/session";
	req.as = &one;
	req.no_csrf = 1;
	assert_int_equal(ask_status(&c, &req), 403);
	req.no_csrf = 0;
	ask(&c, &req, &res);
	assert_int_equal(res.status, 200);
	assert_true(httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)));
	assert_non_null(strstr(cookie, "Max-Age=0"));
	httpfix_response_free(&res);
	/* Ended on the server: the old cookie no longer works; the other session does. */
	req.method = "GET";
	assert_int_equal(ask_status(&c, &req), 401);
	req.as = &two;
	assert_int_equal(ask_status(&c, &req), 200);
	/* A token is no session: it cannot sign out. */
	req.method = "DELETE";
	req.as = bearer_of(s, "cho");
	assert_int_equal(ask_status(&c, &req), 400);
	httpfix_client_free(&c);
}

/*
 * Failed sign-ins never lock (issue 10): GUESSES wrong passwords in a row
 * (as many as used to lock the account for good), each throttled wait
 * honoured, only slow the next try down.  Once the last wait is over the
 * right password signs in again; the account's API token and its session
 * from before work all along; the log has no lock.  Runs on a thread of
 * its own beside the other tests; test_lock reads the result.
 */
#define GUESSES 10

static int
wait_retry_after(const struct httpfix_response *res)
{
	char retry[16];

	if (!httpfix_header(res, "Retry-After", retry, sizeof(retry)) || atoi(retry) < 1)
		return 0;
	sleep((unsigned)atoi(retry));
	return 1;
}

static void *
lock_thread(void *arg)
{
	struct state *s = arg;
	struct lock_result *r = &s->lock;
	struct httpfix_account *lockme = httpfix_account(s->fix, "lockme");
	struct httpfix_principal session, token;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	struct httpfix_client c;
	int tries = 0;

	httpfix_client_init(&c, s->fix, &s->fix->server, "127.0.0.9");
	r->retry_after_seen = 1;
	r->first_sign_in = httpfix_sign_in(&c, lockme, &session);
	while (r->failures < GUESSES && tries++ < 40) {
		sign_in_raw(&c, "lockme", "a guessed password", NULL, NULL, &res);
		if (res.status == 401) {
			r->failures++;
		} else if (res.status == 429) {
			r->throttled++;
			if (!wait_retry_after(&res)) {
				r->retry_after_seen = 0;
				sleep(1);
			}
		} else {
			snprintf(r->message, sizeof(r->message), "a wrong password answered %ld: %.200s",
			         res.status, res.body);
		}
		httpfix_response_free(&res);
	}
	/* The token and the session from before: an attacker's guesses end neither. */
	httpfix_bearer(lockme, &token);
	req.path = "/api/v1/session";
	req.as = &token;
	httpfix_do(&c, &req, &res);
	r->token_after = res.status;
	httpfix_response_free(&res);
	req.as = &session;
	httpfix_do(&c, &req, &res);
	r->session_after = res.status;
	httpfix_response_free(&res);
	/* The right password: throttled while the last wait lasts, then a session. */
	for (tries = 0; tries < 4; tries++) {
		sign_in_raw(&c, "lockme", lockme->password, NULL, NULL, &res);
		r->right_password = res.status;
		if (res.status == 429 && !wait_retry_after(&res))
			sleep(1);
		httpfix_response_free(&res);
		if (r->right_password != 429)
			break;
	}
	httpfix_client_free(&c);
	return NULL;
}

static void
test_lock(void **state_r)
{
	struct state *s = *state_r;
	struct lock_result *r = &s->lock;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	uint64_t seq, size;
	char path[64], out[4096];
	const char *const as_lockme[] = {"--as", "lockme", "person", "list", NULL};
	int found = 0;

	assert_true(r->started);
	pthread_join(r->thread, NULL);
	r->started = 0;
	if (r->message[0] != '\0')
		fail_msg("%s", r->message);
	assert_int_equal(r->first_sign_in, 201);
	assert_int_equal(r->failures, GUESSES);
	assert_true(r->throttled >= 1);
	assert_true(r->retry_after_seen);
	/* Slowed, never locked: the right password signs in once the wait is over. */
	assert_int_equal(r->right_password, 201);
	assert_int_equal(r->token_after, 200);
	assert_int_equal(r->session_after, 200);
	/* The command line signs in too. */
	if (httpfix_run(s->fix, httpfix_account(s->fix, "lockme")->password, out, sizeof(out), as_lockme) !=
	    0)
		fail_msg("lockme on the command line after the guesses: %s", out);
	/* The log has no lock. */
	size = httpfix_tree_size(&s->client);
	req.as = cookie_of(s, "ada");
	req.path = path;
	for (seq = s->lock_from_size; seq < size && !found; seq++) {
		snprintf(path, sizeof(path), "/api/v1/audit/events/%llu", (unsigned long long)seq);
		ask(&s->client, &req, &res);
		assert_int_equal(res.status, 200);
		found = strstr(res.body, "users.account.locked") != NULL;
		httpfix_response_free(&res);
	}
	assert_false(found);
}

/* ---- Limits and bad input -------------------------------------------------------------- */

/* Asks POST /api/v1/persons as cho with body; checks status and that the message holds needle. */
static void
bad_body(struct state *s, const char *body, size_t len, const char *type, long status, const char *needle)
{
	struct httpfix_request req = {0};
	struct httpfix_response res;
	json_t *v;

	req.method = "POST";
	req.path = "/api/v1/persons";
	req.body = body;
	req.body_len = len;
	req.content_type = type;
	req.as = bearer_of(s, "cho");
	ask(&s->client, &req, &res);
	if (res.status != status)
		fail_msg("%.60s...: answered %ld, expected %ld: %s", body, res.status, status, res.body);
	v = body_json(&res);
	if (needle != NULL && strstr(error_message(v), needle) == NULL)
		fail_msg("%.60s...: the message does not say '%s': %s", body, needle, res.body);
	json_decref(v);
	httpfix_response_free(&res);
}

static void
test_limits(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	uint64_t before = httpfix_tree_size(&s->client);
	size_t big_len = HTTP_JSON_BODY_MAX + 16;
	char *big = malloc(big_len + 1), deep[6 + 200 + 2], *header;

	assert_non_null(big);
	/* Over a mebibyte: 413, whatever it holds. */
	memset(big, ' ', big_len);
	memcpy(big, "{\"name\": \"", 10);
	big[big_len - 2] = '"';
	big[big_len - 1] = '}';
	big[big_len] = '\0';
	bad_body(s, big, big_len, NULL, 413, NULL);
	free(big);
	/* JSON that is not: 400 naming line and column. */
	bad_body(s, "{\"kind\": \"victim\",\n  \"name\": }", 0, NULL, 400, "line 2, column");
	bad_body(s, "", 0, NULL, 400, "empty");
	bad_body(s, "[1, 2]", 0, NULL, 400, "object");
	bad_body(s, "{\"kind\": \"victim\", \"kind\": \"relative\"}", 0, NULL, 400, NULL);
	bad_body(s, "{\"name\": \"\xff\xfe\"}", 0, NULL, 400, NULL);
	bad_body(s, "{\"kind\": \"victim\", \"name\": \"a\\u0000b\", \"birth_date\": \"1930-01-01\"}", 0,
	         NULL, 400, "line 1, column");
	bad_body(s, "{\"kind\": 7}", 0, NULL, 400, "kind");
	bad_body(s, "{\"kind\": \"victim\", \"nmae\": \"x\"}", 0, NULL, 400, "nmae");
	/* 100 arrays deep: past HTTP_JSON_DEPTH_MAX. */
	memcpy(deep, "{\"a\": ", 6);
	memset(deep + 6, '[', 100);
	memset(deep + 106, ']', 100);
	memcpy(deep + 206, "}", 2);
	bad_body(s, deep, 0, NULL, 400, "deeper");
	/* Not JSON at all: 415. */
	bad_body(s, "kind=victim", 0, "application/x-www-form-urlencoded", 415, "application/json");
	bad_body(s, "{}", 0, "text/plain", 415, NULL);
	/* No such route, no such method. */
	req.path = "/api/v1/nothing-here";
	assert_int_equal(ask_status(&s->client, &req), 404);
	req.path = "/api/v1/persons/V-000001/nothing";
	assert_int_equal(ask_status(&s->client, &req), 404);
	req.path = "/api/v1/persons";
	req.method = "PUT";
	req.body = "{}";
	assert_int_equal(ask_status(&s->client, &req), 405);
	req.method = "DELETE";
	req.path = "/healthz";
	req.body = NULL;
	assert_int_equal(ask_status(&s->client, &req), 405);
	req.method = "BREW";
	assert_true(ask_status(&s->client, &req) == 405);
	/*
	 * A header larger than the server takes, within libmicrohttpd's
	 * memory (2 * HTTP_HEADERS_MAX): 431, the server's own, counted.
	 */
	header = malloc(HTTP_HEADERS_MAX * 3 / 2 + 16);
	assert_non_null(header);
	snprintf(header, 16, "X-Huge: ");
	memset(header + 8, 'a', HTTP_HEADERS_MAX * 3 / 2);
	header[8 + HTTP_HEADERS_MAX * 3 / 2] = '\0';
	req.method = NULL;
	req.path = "/healthz";
	req.header = header;
	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	assert_int_equal(res.status, 431);
	httpfix_response_free(&res);
	free(header);
	/* Still there, and nothing changed. */
	assert_int_equal(httpfix_tree_size(&s->client), before);
}

/* ---- Privacy ---------------------------------------------------------------------------- */

static void
no_canary_in_file(const char *path, const char *what)
{
	static const char *const canaries[] = {CANARY_NAME, CANARY_NID, CANARY_PHONE, CANARY_ADDRESS, NULL};
	size_t i;

	for (i = 0; canaries[i] != NULL; i++)
		if (httpfix_file_has(path, canaries[i]))
			fail_msg("%s holds '%s'", what, canaries[i]);
}

/* The database's own files (SQLite's file and -wal, or the cluster's files and WAL). */
static void
no_canary_in_db(struct httpfix *fix)
{
	static const char *const canaries[] = {CANARY_NAME, CANARY_NID, CANARY_PHONE, CANARY_ADDRESS, NULL};
	size_t i;
	int has;

	for (i = 0; canaries[i] != NULL; i++) {
		if ((has = httpfix_db_has(fix, canaries[i])) < 0)
			fail_msg("the database's files could not be read (%s)", fix->db);
		if (has)
			fail_msg("the database's files hold '%s'", canaries[i]);
	}
}

static void
no_canary_in(const char *text, const char *what)
{
	static const char *const canaries[] = {CANARY_NAME, CANARY_NID, CANARY_PHONE, CANARY_ADDRESS,
	                                       /* a part of each is enough to betray it */
	                                       "Zqxj", "938471", "7731", NULL};
	size_t i;

	for (i = 0; canaries[i] != NULL; i++)
		if (strstr(text, canaries[i]) != NULL)
			fail_msg("%s holds '%s': %.300s", what, canaries[i], text);
}

/*
 * /metrics: its label values (between quotes) may hold no canary nor any
 * part of one; its samples are numbers (counts, sums of milliseconds), in
 * which the phone's or the national id's digits may stand by chance
 * (7731 ms summed under the sanitizers), so the whole text is held to the
 * canaries and the part that is not digits.
 */
static void
no_canary_in_metrics(const char *text)
{
	static const char *const whole[] = {CANARY_NAME,    CANARY_NID, CANARY_PHONE,
	                                    CANARY_ADDRESS, "Zqxj",     NULL};
	char label[512];
	const char *p = text, *end;
	size_t i, n;

	for (i = 0; whole[i] != NULL; i++)
		if (strstr(text, whole[i]) != NULL)
			fail_msg("/metrics holds '%s': %.300s", whole[i], text);
	while ((p = strchr(p, '"')) != NULL && (end = strchr(p + 1, '"')) != NULL) {
		n = (size_t)(end - p - 1) < sizeof(label) - 1 ? (size_t)(end - p - 1) : sizeof(label) - 1;
		memcpy(label, p + 1, n);
		label[n] = '\0';
		no_canary_in(label, "a label of /metrics");
		p = end + 1;
	}
}

static void
test_privacy(void **state_r)
{
	struct state *s = *state_r;
	static const char *const refused[] = {
	    /* each refused, each holding the canaries where a careless message would repeat them */
	    "{\"kind\": \"victim\", \"name\": \"" CANARY_NAME "\", \"birth_date\": \"" CANARY_NID "\"}",
	    "{\"kind\": \"" CANARY_NAME "\", \"name\": \"" CANARY_NAME "\", \"birth_date\": \"1930-01-01\"}",
	    "{\"kind\": \"victim\", \"name\": \"" CANARY_NAME
	    "\", \"birth_date\": \"1930-01-01\", \"phone\": 7731}",
	    "{\"kind\": \"victim\", \"name\": \"" CANARY_NAME
	    "\", \"birth_date\": \"1930-01-01\", \"frailty\": 7731}",
	    "{\"kind\": \"victim\", \"name\": \"" CANARY_NAME
	    "\", \"birth_date\": \"1930-01-01\", \"" CANARY_PHONE "\": 1}",
	    "{\"kind\": \"victim\", \"name\": \"" CANARY_NAME "\", \"address\": \"" CANARY_ADDRESS "\" 7731}",
	    "{\"kind\": \"victim\", \"name\": \"" CANARY_NAME,
	    "{\"kind\": \"victim\", \"name\": " CANARY_NAME "}",
	    NULL,
	};
	struct httpfix_request req = {0};
	struct httpfix_response res;
	char path[128], *pseudonym = NULL;
	json_t *v;
	size_t i;

	req.method = "POST";
	req.path = "/api/v1/persons";
	req.as = cookie_of(s, "cho");
	req.body = "{\"kind\": \"victim\", \"name\": \"" CANARY_NAME "\", \"birth_date\": \"1932-05-06\","
	           " \"national_id\": \"" CANARY_NID "\", \"phone\": \"" CANARY_PHONE "\","
	           " \"address\": \"" CANARY_ADDRESS "\", \"frailty\": 2}";
	ask(&s->client, &req, &res);
	assert_int_equal(res.status, 201);
	v = body_json(&res);
	assert_non_null(json_string_value(json_object_get(v, "pseudonym")));
	pseudonym = strdup(json_string_value(json_object_get(v, "pseudonym")));
	json_decref(v);
	no_canary_in(res.body, "the registration's answer");
	httpfix_response_free(&res);
	for (i = 0; refused[i] != NULL; i++) {
		req.body = refused[i];
		ask(&s->client, &req, &res);
		if (res.status < 400 || res.status >= 500)
			fail_msg("%s: answered %ld", refused[i], res.status);
		no_canary_in(res.body, "an error answer");
		httpfix_response_free(&res);
	}
	/* Reading the file: no identity.  Revealing it: the identity, and only to who may. */
	snprintf(path, sizeof(path), "/api/v1/persons/%s", pseudonym);
	req.method = NULL;
	req.path = path;
	req.body = NULL;
	ask(&s->client, &req, &res);
	assert_int_equal(res.status, 200);
	no_canary_in(res.body, "the person's file");
	httpfix_response_free(&res);
	snprintf(path, sizeof(path), "/api/v1/persons/%s/reveal", pseudonym);
	req.method = "POST";
	req.body = "{\"reason\": \"the privacy test\"}";
	ask(&s->client, &req, &res);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, CANARY_NID));
	httpfix_response_free(&res);
	req.as = cookie_of(s, "rin");
	ask(&s->client, &req, &res);
	assert_int_equal(res.status, 403);
	no_canary_in(res.body, "a refused reveal");
	httpfix_response_free(&res);
	/* Nowhere else: metrics, the server's log, the database and its write-ahead log. */
	req.method = NULL;
	req.path = "/metrics";
	req.as = NULL;
	req.body = NULL;
	req.header = METRICS_BEARER;
	ask(&s->client, &req, &res);
	no_canary_in_metrics(res.body);
	httpfix_response_free(&res);
	no_canary_in_file(s->fix->server.errlog, "the server's stderr");
	no_canary_in_db(s->fix);
	no_canary_in_file(s->fix->errors, "the error answers");
	free(pseudonym);
}

/* ---- Metrics and headers ---------------------------------------------------------------- */

/* The count /metrics text gives route and status, 0 when absent. */
static uint64_t
metric(const char *text, const char *route, unsigned status)
{
	char needle[160];
	const char *p;

	snprintf(needle, sizeof(needle), "redress_http_requests_total{route=\"%s\",status=\"%u\"} ", route,
	         status);
	p = strstr(text, needle);
	return p != NULL ? strtoull(p + strlen(needle), NULL, 10) : 0;
}

/* 0 when /metrics counts every route and status as the test's tally; else the first difference. */
static int
metrics_differ(struct state *s, const char *text, char *what, size_t size)
{
	struct httpfix_server *srv = &s->fix->server;
	static const unsigned statuses[] = {200, 201, 204, 303, 304, 400, 401, 403, 404,
	                                    405, 409, 413, 415, 422, 429, 431, 500, 503};
	size_t r, i;

	for (r = 0; r <= http_routes_count; r++)
		for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
			const char *name = r < http_routes_count ? http_routes[r].name : "unknown";
			uint64_t want, got = metric(text, name, statuses[i]);

			pthread_mutex_lock(&srv->tally_lock);
			want = srv->tally[r * HTTPFIX_STATUS_MAX + statuses[i]];
			pthread_mutex_unlock(&srv->tally_lock);
			/* The /metrics request being read is counted once answered, not in its own answer. */
			if (r < http_routes_count && strcmp(name, "metrics") == 0 && statuses[i] == 200)
				want--;
			if (got != want) {
				snprintf(what, size,
				         "route %s status %u: /metrics says %llu, the test asked %llu", name,
				         statuses[i], (unsigned long long)got, (unsigned long long)want);
				return 1;
			}
		}
	return 0;
}

static void
test_metrics(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	char type[128], what[256] = "";
	int tries, differ = 1;

	/* Without the operators' token, as for a path that does not exist. */
	req.path = "/metrics";
	assert_int_equal(ask_status(&s->client, &req), 404);
	req.header = "Authorization: Bearer operators-metrics-token-0123456789abcdeX";
	assert_int_equal(ask_status(&s->client, &req), 404);
	req.header = METRICS_BEARER;
	/* An answer is counted once sent: give the last ones a moment to be counted. */
	for (tries = 0; tries < 20 && differ; tries++) {
		if (tries > 0)
			usleep(100 * 1000);
		ask(&s->client, &req, &res);
		assert_int_equal(res.status, 200);
		assert_true(httpfix_header(&res, "Content-Type", type, sizeof(type)));
		assert_non_null(strstr(type, "text/plain; version=0.0.4"));
		assert_non_null(strstr(res.body, "# TYPE redress_http_requests_total counter\n"));
		assert_non_null(strstr(res.body, "# TYPE redress_http_request_duration_seconds histogram\n"));
		assert_non_null(strstr(res.body, "redress_log_tree_size "));
		differ = metrics_differ(s, res.body, what, sizeof(what));
		httpfix_response_free(&res);
	}
	if (differ)
		fail_msg("%s", what);
	/* /healthz, asked five more times, counts five more. */
	{
		uint64_t before, after;
		int i;

		ask(&s->client, &req, &res);
		before = metric(res.body, "healthz", 200);
		httpfix_response_free(&res);
		for (i = 0; i < 5; i++)
			assert_int_not_equal(httpfix_tree_size(&s->client), UINT64_MAX);
		ask(&s->client, &req, &res);
		after = metric(res.body, "healthz", 200);
		httpfix_response_free(&res);
		assert_int_equal(after, before + 5);
	}
}

static void
test_security_headers(void **state_r)
{
	struct state *s = *state_r;

	/* httpfix_do checked every answer of every test before this one. */
	if (s->fix->header_failures != 0)
		fail_msg("%u answers without the security headers; the first: %s", s->fix->header_failures,
		         s->fix->first_failure);
	no_canary_in_file(s->fix->errors, "the error answers");
	no_canary_in_file(s->fix->server.errlog, "the server's stderr");
}

/* ---- TLS ----------------------------------------------------------------------------------- */

static void
test_tls(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_server tls;
	struct httpfix_client c;
	struct httpfix_principal cho;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	char value[256];

	if (s->fix->cert[0] == '\0')
		skip();
	assert_int_equal(httpfix_server_start(s->fix, &tls, 1, 2), 0);
	httpfix_client_init(&c, s->fix, &tls, NULL);
	req.path = "/healthz";
	ask(&c, &req, &res);
	assert_int_equal(res.status, 200);
	assert_true(httpfix_header(&res, "Strict-Transport-Security", value, sizeof(value)));
	assert_non_null(strstr(value, "max-age="));
	httpfix_response_free(&res);
	sign_in_raw(&c, "cho", httpfix_account(s->fix, "cho")->password, NULL, NULL, &res);
	assert_int_equal(res.status, 201);
	assert_true(httpfix_header(&res, "Set-Cookie", value, sizeof(value)));
	assert_non_null(strstr(value, "; Secure"));
	assert_non_null(strstr(value, "; HttpOnly"));
	assert_non_null(strstr(value, "; SameSite=Strict"));
	httpfix_response_free(&res);
	assert_int_equal(httpfix_sign_in(&c, httpfix_account(s->fix, "cho"), &cho), 201);
	req.path = "/api/v1/session";
	req.as = &cho;
	assert_int_equal(ask_status(&c, &req), 200);
	httpfix_client_free(&c);
	assert_int_equal(httpfix_server_stop(&tls), 0);
	httpfix_server_free(&tls);
}

/* ---- Graceful shutdown ----------------------------------------------------------------------- */

#define SHUTDOWN_THREADS 6
#define SHUTDOWN_MAX     400 /* transfers a thread may send */

struct shutdown_worker {
	pthread_t thread;
	struct state *s;
	int index;
	_Atomic int *answered; /* across workers */
	unsigned sent, created;
	unsigned refused, unanswered;
	unsigned char
	    outcome[SHUTDOWN_MAX]; /* 1: 201 whole; 2: no answer at all; 3: 503, the server stopping */
	char message[256];
};

static void *
shutdown_worker(void *arg)
{
	struct shutdown_worker *w = arg;
	struct httpfix_principal fumi;
	struct httpfix_client c;
	struct httpfix_request req = {0};
	struct httpfix_response res;
	char body[256], id[64];
	unsigned i;

	httpfix_client_init(&c, w->s->fix, &w->s->fix->server, NULL);
	httpfix_bearer(httpfix_account(w->s->fix, "fumi"), &fumi);
	req.method = "POST";
	req.path = "/api/v1/ledger/transfers";
	req.as = &fumi;
	req.body = body;
	req.untallied = 1;
	for (i = 0; i < SHUTDOWN_MAX; i++) {
		json_t *v;

		snprintf(id, sizeof(id), "shutdown-%d-%u", w->index, i);
		snprintf(
		    body, sizeof(body),
		    "{\"id\": \"%s\", \"from\": \"test:income\", \"to\": \"test:asset\", \"amount\": \"1\"}",
		    id);
		w->sent++;
		if (httpfix_do(&c, &req, &res) != CURLE_OK) {
			CURLcode rc = res.rc;

			w->outcome[i] = 2;
			w->unanswered++;
			/* Refused or cut before any answer began: acceptable; an answer cut short is not. */
			if (rc != CURLE_COULDNT_CONNECT && rc != CURLE_GOT_NOTHING &&
			    rc != CURLE_SEND_ERROR && rc != CURLE_RECV_ERROR)
				snprintf(w->message, sizeof(w->message), "%s: %s", id,
				         curl_easy_strerror(rc));
			else if (res.headers_len != 0)
				snprintf(w->message, sizeof(w->message), "%s: an answer cut short (%s)", id,
				         curl_easy_strerror(rc));
			httpfix_response_free(&res);
			break;
		}
		if (res.status == 503) {
			char code[32];

			/* Begun after SIGTERM: refused whole, nothing done. */
			httpfix_error_code(&res, code, sizeof(code));
			if (strcmp(code, "stopping") != 0)
				snprintf(w->message, sizeof(w->message), "%s: 503 %.200s", id, res.body);
			w->outcome[i] = 3;
			w->refused++;
			httpfix_response_free(&res);
			break;
		}
		v = json_loads(res.body, 0, NULL);
		if (res.status != 201 || v == NULL || json_object_get(v, "id") == NULL ||
		    strcmp(json_string_value(json_object_get(v, "id")), id) != 0) {
			snprintf(w->message, sizeof(w->message), "%s: answered %ld: %.200s", id, res.status,
			         res.body);
			json_decref(v);
			httpfix_response_free(&res);
			break;
		}
		json_decref(v);
		httpfix_response_free(&res);
		w->outcome[i] = 1;
		w->created++;
		atomic_fetch_add(w->answered, 1);
	}
	httpfix_client_free(&c);
	return NULL;
}

/* Dates and amounts as people type them on the pages: local forms taken, anything else refused. */
static void
test_page_typed_forms(void **state_r)
{
	static const char *const dates[][2] = {
	    {"2021-02-03", "2021-02-03"}, {"2021/2/3", "2021-02-03"},     {"2021. 2. 3.", "2021-02-03"},
	    {"2021.02.03", "2021-02-03"}, {"2021年2月3日", "2021-02-03"}, {"2021년 2월 3일", "2021-02-03"},
	    {"2024-02-29", "2024-02-29"},
	};
	static const char *const bad_dates[] = {
	    "",        "2021-02-30",    "2023-02-29",     "21-02-03",   "2021-13-01", "2021-02-03x",
	    "2021-02", "2021-02-03-04", "１９９９-01-01", "2021-002-03"};
	char out[11], amount[32];
	size_t i;

	(void)state_r;
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		assert_int_equal(page_date_parse(dates[i][0], out), 0);
		assert_string_equal(out, dates[i][1]);
	}
	for (i = 0; i < sizeof(bad_dates) / sizeof(bad_dates[0]); i++) {
		memcpy(out, "unchanged", 10);
		if (page_date_parse(bad_dates[i], out) != -1)
			fail_msg("'%s' taken as a date", bad_dates[i]);
		assert_string_equal(out, "unchanged");
	}
	assert_int_equal(page_amount_parse("50,000,000", amount, sizeof(amount)), 0);
	assert_string_equal(amount, "50000000");
	assert_int_equal(page_amount_parse(" 1 234.50 ", amount, sizeof(amount)), 0);
	assert_string_equal(amount, "1234.50");
	assert_int_equal(page_amount_parse("5\xef\xbc\x8c"
	                                   "000",
	                                   amount, sizeof(amount)),
	                 0);
	assert_string_equal(amount, "5000");
	assert_int_equal(page_amount_parse("lots", amount, sizeof(amount)), -1);
	assert_int_equal(page_amount_parse(",", amount, sizeof(amount)), -1);
	assert_int_equal(page_amount_parse("1-2", amount, sizeof(amount)), -1);
	assert_int_equal(page_amount_parse("123456", amount, 4), -1);
}

static void
test_shutdown(void **state_r)
{
	struct state *s = *state_r;
	static struct shutdown_worker workers[SHUTDOWN_THREADS];
	static const struct event_module *const modules[] = {&ledger_module, NULL};
	const char *const verify[] = {"audit", "verify", NULL};
	_Atomic int answered = 0;
	struct redress_error err;
	struct store *store = NULL;
	struct ledger_transfer t;
	char out[8192], id[64];
	unsigned i, j, created = 0, unanswered = 0, refused = 0;
	int status;

	(void)modules;
	for (i = 0; i < SHUTDOWN_THREADS; i++) {
		workers[i].s = s;
		workers[i].index = (int)i;
		workers[i].answered = &answered;
		assert_int_equal(pthread_create(&workers[i].thread, NULL, shutdown_worker, &workers[i]), 0);
	}
	/* Once changes are flowing, SIGTERM: the requests in flight must finish. */
	for (i = 0; i < 3000 && atomic_load(&answered) < 60; i++)
		usleep(1000);
	status = httpfix_server_stop(&s->fix->server);
	for (i = 0; i < SHUTDOWN_THREADS; i++)
		pthread_join(workers[i].thread, NULL);
	if (status != 0) {
		char line[512];
		FILE *f = fopen(s->fix->server.errlog, "r");

		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			fputs(line, stderr);
		if (f != NULL)
			fclose(f);
	}
	assert_int_equal(status, 0);
	for (i = 0; i < SHUTDOWN_THREADS; i++)
		if (workers[i].message[0] != '\0')
			fail_msg("worker %u: %s", i, workers[i].message);
	/* The log verifies, and every transfer answered 201 is in the ledger; none unanswered is. */
	if (httpfix_run(s->fix, NULL, out, sizeof(out), verify) != 0)
		fail_msg("audit verify after the shutdown: %s", out);
	assert_int_equal(store_open(s->fix->db, STORE_OPEN_EXISTING, &store, &err), REDRESS_OK);
	for (i = 0; i < SHUTDOWN_THREADS; i++)
		for (j = 0; j < workers[i].sent; j++) {
			snprintf(id, sizeof(id), "shutdown-%u-%u", i, j);
			if (workers[i].outcome[j] == 1) {
				created++;
				if (ledger_transfer_get(store, id, &t, &err) != REDRESS_OK)
					fail_msg("%s was answered 201 and is not in the ledger: %s", id,
					         err.message);
			} else if (workers[i].outcome[j] != 0) {
				if (ledger_transfer_get(store, id, &t, &err) == REDRESS_OK)
					fail_msg("%s was refused or never answered, yet it is in the ledger",
					         id);
			}
		}
	store_close(&store);
	assert_true(created >= 60);
	for (i = 0; i < SHUTDOWN_THREADS; i++) {
		refused += workers[i].refused;
		unanswered += workers[i].unanswered;
	}
	printf("shutdown: %u transfers answered 201 and in the ledger; after SIGTERM %u refused 503, %u not "
	       "connected\n",
	       created, refused, unanswered);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_throttle_table),
	    cmocka_unit_test(test_openapi),
	    cmocka_unit_test(test_role_matrix),
	    cmocka_unit_test(test_csrf),
	    cmocka_unit_test(test_idempotency),
	    cmocka_unit_test(test_sign_in_messages),
	    cmocka_unit_test(test_sign_in_totp),
	    cmocka_unit_test(test_sign_in_throttled),
	    cmocka_unit_test(test_sessions),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_privacy),
	    cmocka_unit_test(test_lock),
	    cmocka_unit_test(test_metrics),
	    cmocka_unit_test(test_security_headers),
	    cmocka_unit_test(test_tls),
	    cmocka_unit_test(test_shutdown),
	    cmocka_unit_test(test_page_typed_forms),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
