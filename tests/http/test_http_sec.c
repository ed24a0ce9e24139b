/*
 * test_http_sec.c -- the server held against the HTTP-level attacks of
 * issue 10, over real HTTP: the demo database, the real `redress serve` on
 * a loopback port (httpfix.c), libcurl and raw sockets.
 *
 * What it proves:
 *   - a form part without a name (no Content-Disposition, or one without
 *     name=) is refused 400 and the server lives on (it crashed);
 *   - an anonymous body is refused before it is read (413 or 401 answered
 *     to the headers alone), multipart is refused where no file is taken,
 *     and sixteen anonymous 8 MB bodies at once leave the server's memory
 *     bounded;
 *   - slowloris: more than HTTP_CONNECTIONS_PER_IP connections from one
 *     address are closed at once, a connection trickling its headers is
 *     closed at HTTP_HEADER_DEADLINE_S however it trickles, and /healthz
 *     answers throughout;
 *   - out of memory: the Nth allocation of a request failing, for every N
 *     along it, gives 500 or 503 (or the answer itself) and never a crash;
 *   - the heir form checks the relation and the share whatever the
 *     relative's pseudonym looks like;
 *   - the smaller ones: a locked account and an unknown name are refused
 *     alike, in words and in time; a sign-in clears its own name's
 *     failures and not its address's; the language cookie is whole; the
 *     sign-in form has its own CSRF token; a page's change for an unknown
 *     program is a 4xx; a TOTP code is good once, across a restart too;
 *     headers too large are answered 431 with the security headers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "httpfix.h"

struct state {
	struct httpfix *fix;
	struct httpfix_client client;
	struct httpfix_principal cho_cookie, cho_bearer, ada_bearer;
};

/* ---- Helpers ------------------------------------------------------------------- */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static long
ask(struct httpfix_client *c, const struct httpfix_request *req, char *body, size_t size)
{
	struct httpfix_response res;
	long status;

	if (httpfix_do(c, req, &res) != CURLE_OK) {
		httpfix_response_free(&res);
		return -1;
	}
	status = res.status;
	if (body != NULL)
		snprintf(body, size, "%s", res.body != NULL ? res.body : "");
	httpfix_response_free(&res);
	return status;
}

/* A TCP connection to the server from source (an address of 127/8). */
static int
connect_from(unsigned port, const char *source)
{
	struct sockaddr_in a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	inet_pton(AF_INET, source, &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		goto fail;
	a.sin_port = htons((uint16_t)port);
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

/* 1 when the server has closed fd (end of stream or reset), waiting at most ms. */
static int
closed_within(int fd, int ms)
{
	struct pollfd p = {fd, POLLIN, 0};
	char byte[256];
	ssize_t n;

	while (poll(&p, 1, ms) > 0) {
		n = recv(fd, byte, sizeof(byte), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK))
			return 1;
		if (n < 0)
			return 0;
	}
	return 0;
}

/*
 * Sends head (a request's headers, no body), then reads the answer's
 * status line within ms: the status, or -1 when none came.
 */
static long
status_to_headers(unsigned port, const char *head, int ms)
{
	int fd = connect_from(port, "127.0.0.1");
	char answer[512];
	size_t have = 0;
	struct pollfd p;
	long status = -1;
	uint64_t until = now_ms() + (uint64_t)ms;

	if (fd < 0)
		return -1;
	if (send(fd, head, strlen(head), MSG_NOSIGNAL) != (ssize_t)strlen(head))
		goto out;
	p.fd = fd;
	p.events = POLLIN;
	while (have < sizeof(answer) - 1 && now_ms() < until && poll(&p, 1, (int)(until - now_ms())) > 0) {
		ssize_t n = recv(fd, answer + have, sizeof(answer) - 1 - have, 0);

		if (n <= 0)
			break;
		have += (size_t)n;
		answer[have] = '\0';
		if (strstr(answer, "\r\n") != NULL)
			break;
	}
	answer[have] = '\0';
	if (strncmp(answer, "HTTP/1.1 ", 9) == 0)
		status = strtol(answer + 9, NULL, 10);
out:
	close(fd);
	return status;
}

/* The server's resident memory, in KiB (0 when unknown). */
static unsigned long
server_rss_kib(pid_t pid)
{
	char path[64], line[256];
	unsigned long kib = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %lu kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static long
healthz(struct httpfix_client *c)
{
	struct httpfix_request req = {.path = "/healthz"};

	return ask(c, &req, NULL, 0);
}

/* ---- Setup ----------------------------------------------------------------------- */

static int group_teardown(void **state_r);

static int
group_setup(void **state_r)
{
	struct state *s = calloc(1, sizeof(*s));

	*state_r = s;
	if (s == NULL || (s->fix = httpfix_new()) == NULL)
		goto fail;
	curl_global_init(CURL_GLOBAL_ALL);
	if (httpfix_server_start(s->fix, &s->fix->server, 0, 2) != 0)
		goto fail;
	httpfix_client_init(&s->client, s->fix, &s->fix->server, NULL);
	if (httpfix_sign_in(&s->client, httpfix_account(s->fix, "cho"), &s->cho_cookie) != 201) {
		fprintf(stderr, "could not sign in as cho\n");
		goto fail;
	}
	httpfix_bearer(httpfix_account(s->fix, "cho"), &s->cho_bearer);
	httpfix_bearer(httpfix_account(s->fix, "ada"), &s->ada_bearer);
	return 0;
fail:
	group_teardown(state_r);
	return -1;
}

static int
group_teardown(void **state_r)
{
	struct state *s = *state_r;

	if (s == NULL)
		return 0;
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

/* ---- 1: a form part without a name ------------------------------------------------ */

static void
test_unnamed_part(void **state_r)
{
	struct state *s = *state_r;
	static const char *const bodies[] = {
	    "--xx\r\n\r\nx\r\n--xx--\r\n",
	    "--xx\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xx--\r\n",
	    "--xx\r\nContent-Disposition: form-data; filename=\"a.pdf\"\r\n\r\nx\r\n--xx--\r\n",
	};
	static const char *const paths[] = {"/api/v1/claims/C-000001/evidence", "/claims/C-000001/evidence"};
	const struct httpfix_principal *as[] = {&s->cho_bearer, &s->cho_cookie};
	char body[2048];
	size_t i, j, k;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		for (j = 0; j < 2; j++)
			for (k = 0; k < 2; k++) {
				struct httpfix_request req = {.method = "POST",
				                              .path = paths[j],
				                              .body = bodies[i],
				                              .content_type =
				                                  "multipart/form-data; boundary=xx",
				                              .as = as[k]};
				long status = ask(&s->client, &req, body, sizeof(body));

				if (status != 400)
					fail_msg("a part without a name to %s: %ld, not 400 (%.200s)",
					         paths[j], status, body);
				assert_int_equal(healthz(&s->client), 200);
			}
	/* Anonymous, where no file is taken: refused for its type before the post processor sees it. */
	{
		struct httpfix_request req = {.method = "POST",
		                              .path = "/api/v1/session",
		                              .body = bodies[0],
		                              .content_type = "multipart/form-data; boundary=xx"};

		assert_int_equal(ask(&s->client, &req, body, sizeof(body)), 415);
	}
	/* An urlencoded field without a name. */
	{
		struct httpfix_request req = {.method = "POST",
		                              .path = "/sign-in",
		                              .body = "=x&&=y",
		                              .content_type = "application/x-www-form-urlencoded"};

		assert_int_equal(ask(&s->client, &req, body, sizeof(body)), 400);
	}
	assert_int_equal(healthz(&s->client), 200);
}

/* ---- 8: anonymous bodies refused before they are read ---------------------------- */

struct flood {
	pthread_t thread;
	struct state *s;
	long status;
};

/* An anonymous chunked "file=aaa..." of 8 MB to the sign-in page: no length to refuse it by in advance. */
static void *
flood_thread(void *arg)
{
	struct flood *f = arg;
	struct httpfix_client c;
	size_t len = 8u << 20;
	char *body = malloc(len + 1);
	struct httpfix_request req = {.method = "POST",
	                              .path = "/sign-in",
	                              .content_type = "application/x-www-form-urlencoded",
	                              .header = "Transfer-Encoding: chunked",
	                              .untallied = 1};

	f->status = -1;
	if (body == NULL)
		return NULL;
	memcpy(body, "file=", 5);
	memset(body + 5, 'a', len - 5);
	body[len] = '\0';
	req.body = body;
	req.body_len = len;
	httpfix_client_init(&c, f->s->fix, &f->s->fix->server, NULL);
	f->status = ask(&c, &req, NULL, 0);
	httpfix_client_free(&c);
	free(body);
	return NULL;
}

static void
test_early_refusal(void **state_r)
{
	struct state *s = *state_r;
	unsigned port = s->fix->server.port;
	struct flood floods[16];
	unsigned long before, after;
	uint64_t started;
	size_t i;

	/* Each answered to its headers alone, within a second, though the body never comes. */
	started = now_ms();
	assert_int_equal(
	    status_to_headers(port,
	                      "POST /sign-in HTTP/1.1\r\nHost: t\r\nContent-Type: "
	                      "application/x-www-form-urlencoded\r\nContent-Length: 60000000\r\n\r\n",
	                      2000),
	    413);
	assert_int_equal(status_to_headers(port,
	                                   "POST /api/v1/claims/C-000001/evidence HTTP/1.1\r\nHost: t\r\n"
	                                   "Content-Type: multipart/form-data; boundary=xx\r\n"
	                                   "Content-Length: 50000000\r\n\r\n",
	                                   2000),
	                 401);
	assert_int_equal(status_to_headers(port,
	                                   "POST /api/v1/persons HTTP/1.1\r\nHost: t\r\nContent-Type: "
	                                   "application/json\r\nContent-Length: 900000\r\n\r\n",
	                                   2000),
	                 401);
	assert_int_equal(status_to_headers(port,
	                                   "POST /claims/C-000001/evidence HTTP/1.1\r\nHost: t\r\n"
	                                   "Content-Type: multipart/form-data; boundary=xx\r\n"
	                                   "Transfer-Encoding: chunked\r\n\r\n",
	                                   2000),
	                 303);
	assert_true(now_ms() - started < 4000);
	/* Signed in, but multipart where no file is taken: 415. */
	{
		struct httpfix_request req = {
		    .method = "POST",
		    .path = "/api/v1/persons",
		    .body = "--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--xx--\r\n",
		    .content_type = "multipart/form-data; boundary=xx",
		    .as = &s->cho_bearer};

		assert_int_equal(ask(&s->client, &req, NULL, 0), 415);
	}
	/* Sixteen anonymous 8 MB bodies at once: refused at the form's limit, memory stays put. */
	before = server_rss_kib(s->fix->server.pid);
	for (i = 0; i < 16; i++) {
		floods[i].s = s;
		assert_int_equal(pthread_create(&floods[i].thread, NULL, flood_thread, &floods[i]), 0);
	}
	for (i = 0; i < 16; i++)
		pthread_join(floods[i].thread, NULL);
	after = server_rss_kib(s->fix->server.pid);
	for (i = 0; i < 16; i++)
		if (floods[i].status != 413 && floods[i].status != -1)
			fail_msg("an anonymous 8 MB form: %ld, not 413", floods[i].status);
	if (before == 0 || after > before + 32 * 1024)
		fail_msg("sixteen anonymous 8 MB bodies took the server from %lu to %lu KiB", before, after);
	assert_int_equal(healthz(&s->client), 200);
}

/* ---- 9: slowloris ------------------------------------------------------------------- */

#define SLOW_SOURCES 10
#define SLOW_EACH    28 /* under HTTP_CONNECTIONS_PER_IP, and 280 in all: over HTTP_CONNECTIONS_MAX */

static void
test_slowloris(void **state_r)
{
	struct state *s = *state_r;
	unsigned port = s->fix->server.port;
	int one_source[HTTP_CONNECTIONS_PER_IP + 8];
	int slow[SLOW_SOURCES * SLOW_EACH];
	size_t i, opened = 0, closed = 0, refused = 0;
	uint64_t started, healthy_at = 0;
	char source[32];

	/* From one address: past HTTP_CONNECTIONS_PER_IP, each closed at once. */
	for (i = 0; i < sizeof(one_source) / sizeof(one_source[0]); i++)
		one_source[i] = connect_from(port, "127.0.0.2");
	usleep(300 * 1000);
	for (i = 0; i < sizeof(one_source) / sizeof(one_source[0]); i++)
		if (one_source[i] < 0 || closed_within(one_source[i], 0))
			refused++;
	for (i = 0; i < sizeof(one_source) / sizeof(one_source[0]); i++)
		if (one_source[i] >= 0)
			close(one_source[i]);
	if (refused < 8)
		fail_msg("%zu connections from one address: only %zu refused (the limit is %d)",
		         sizeof(one_source) / sizeof(one_source[0]), refused, HTTP_CONNECTIONS_PER_IP);

	/*
	 * From ten addresses, more than the server keeps, each trickling a
	 * header a second.  Those over the limit wait in the listening
	 * socket's backlog until a slot frees, and have their own deadline
	 * from then: all are gone by twice the deadline.
	 */
	started = now_ms();
	for (i = 0; i < SLOW_SOURCES * SLOW_EACH; i++) {
		snprintf(source, sizeof(source), "127.0.1.%zu", 1 + i / SLOW_EACH);
		slow[i] = connect_from(port, source);
		if (slow[i] >= 0) {
			opened++;
			send(slow[i], "GET /healthz HTTP/1.1\r\nHost: t\r\n", 32, MSG_NOSIGNAL);
		}
	}
	assert_true(opened > HTTP_CONNECTIONS_MAX / 2);
	while (now_ms() - started < (2 * HTTP_HEADER_DEADLINE_S + 4) * 1000u) {
		for (i = 0; i < SLOW_SOURCES * SLOW_EACH; i++)
			if (slow[i] >= 0)
				send(slow[i], "X-Slow: y\r\n", 11, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (healthy_at == 0 && now_ms() - started > (HTTP_HEADER_DEADLINE_S + 1) * 1000u &&
		    healthz(&s->client) == 200)
			healthy_at = now_ms();
		usleep(1000 * 1000);
	}
	/* However they trickle, none lives past the deadline. */
	for (i = 0; i < SLOW_SOURCES * SLOW_EACH; i++)
		if (slow[i] >= 0) {
			if (closed_within(slow[i], 100))
				closed++;
			close(slow[i]);
		}
	if (closed != opened)
		fail_msg("%zu of %zu trickling connections still open %d s after they began", opened - closed,
		         opened, 2 * HTTP_HEADER_DEADLINE_S + 4);
	if (healthy_at == 0)
		fail_msg("/healthz did not answer while slow connections trickled");
	assert_int_equal(healthz(&s->client), 200);
}

/* ---- 12: out of memory, at every allocation along a request --------------------- */

struct oom_case {
	const char *method, *path, *body;
	int bearer;
	long normal; /* the status when nothing fails */
};

static void
test_out_of_memory(void **state_r)
{
	struct state *s = *state_r;
	static const struct oom_case cases[] = {
	    {"GET", "/healthz", NULL, 0, 200},
	    {"GET", "/api/v1/persons", NULL, 1, 200},
	    {"GET", "/persons", NULL, 1, 200},
	    {"GET", "/api/v1/programs/flagship-2015", NULL, 1, 200},
	    /* Sign-ins refused before a password is checked: a failure counted would throttle the loop. */
	    {"POST", "/api/v1/session", "{\"username\":\"nobody\",\"totp\":\"1\"}", 0, 400},
	    {"POST", "/sign-in", "username=nobody&totp=1", 0, 400}, /* no pre-session token: a stale form */
	};
	struct httpfix_server server;
	struct httpfix_client c;
	size_t i;
	unsigned long n;
	unsigned failed_answers = 0;

	setenv("REDRESS_TEST_FAIL_ALLOC", "1", 1);
	assert_int_equal(httpfix_server_start(s->fix, &server, 0, 1), 0);
	unsetenv("REDRESS_TEST_FAIL_ALLOC");
	httpfix_client_init(&c, s->fix, &server, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned normal_in_a_row = 0;

		/* N from 1 until the request runs whole without reaching its Nth allocation. */
		for (n = 1; n <= 400 && normal_in_a_row < 3; n++) {
			char header[64], body[256];
			struct httpfix_request req = {
			    .method = cases[i].method,
			    .path = cases[i].path,
			    .body = cases[i].body,
			    .content_type =
			        cases[i].path[1] == 's' ? "application/x-www-form-urlencoded" : NULL,
			    .as = cases[i].bearer ? &s->ada_bearer : NULL,
			    .header = header,
			    .untallied = 1};
			long status;

			snprintf(header, sizeof(header), "X-Test-Fail-Alloc: %lu", n);
			status = ask(&c, &req, body, sizeof(body));
			if (status == cases[i].normal)
				normal_in_a_row++;
			else if (status == 500 || status == 503) {
				normal_in_a_row = 0;
				failed_answers++;
			} else if (status == -1 || kill(server.pid, 0) != 0)
				fail_msg("%s %s with allocation %lu failing: no answer (the server died?)",
				         cases[i].method, cases[i].path, n);
			else
				fail_msg(
				    "%s %s with allocation %lu failing: %ld, not %ld, 500 or 503 (%.200s)",
				    cases[i].method, cases[i].path, n, status, cases[i].normal, body);
		}
		if (normal_in_a_row < 3)
			fail_msg("%s %s: still failing at allocation 400", cases[i].method, cases[i].path);
	}
	assert_true(failed_answers > 0); /* the hook was live */
	httpfix_client_free(&c);
	assert_int_equal(httpfix_server_stop(&server), 0);
	httpfix_server_free(&server);
}

/* ---- 13: the heir form checks relation and share ---------------------------------- */

/*
 * Each wrong heir form is refused with its reason, by post/redirect/get:
 * the POST is answered 303 to /refused/ID, whose page (422) says why, as
 * often as it is asked (a reload posts nothing); another session of the
 * same account, or no session, does not see it; nothing was recorded.
 */
static void
test_heir_form(void **state_r)
{
	struct state *s = *state_r;
	static const char *const forms[] = {
	    "relative=abc&relation=&share=1%2F2",
	    "relative=V-000002&relation=&share=1%2F2",
	    "relative=abc&relation=daughter&share=",
	};
	static const char *const expect[] = {"Say how the relative is related",
	                                     "Say how the relative is related",
	                                     "Give the share as a fraction"};
	struct httpfix_principal other;
	char body[65536], location[128];
	uint64_t size = httpfix_tree_size(&s->client);
	size_t i;
	int again;

	assert_int_equal(httpfix_sign_in(&s->client, httpfix_account(s->fix, "cho"), &other), 201);
	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct httpfix_request req = {.method = "POST",
		                              .path = "/persons/V-000001/heirs",
		                              .body = forms[i],
		                              .content_type = "application/x-www-form-urlencoded",
		                              .as = &s->cho_cookie,
		                              .header = "Accept-Language: en"};
		struct httpfix_request get = {.as = &s->cho_cookie, .header = "Accept-Language: en"};
		struct httpfix_response res;
		long status;

		assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
		if (res.status != 303 || !httpfix_header(&res, "Location", location, sizeof(location)) ||
		    strncmp(location, "/refused/", 9) != 0)
			fail_msg("the heir form %s: %ld, not 303 to /refused/", forms[i], res.status);
		httpfix_response_free(&res);
		get.path = location;
		for (again = 0; again < 2; again++) {
			status = ask(&s->client, &get, body, sizeof(body));
			if (status != 422 || strstr(body, expect[i]) == NULL)
				fail_msg("the refused heir form %s at %s: %ld, not 422 saying \"%s\"",
				         forms[i], location, status, expect[i]);
		}
		get.as = &other;
		assert_int_equal(ask(&s->client, &get, body, sizeof(body)), 404);
		get.as = NULL;
		assert_int_equal(ask(&s->client, &get, body, sizeof(body)), 303); /* to the sign-in */
	}
	assert_int_equal(httpfix_tree_size(&s->client), size);
}

/*
 * A reveal is shown once: the POST is answered 303 to /shown/ID, whose
 * first GET gives the identity (no-store), and a reload leads back to the
 * case file without it; another session gets nothing.
 */
static void
test_reveal_shown_once(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_request req = {.method = "POST",
	                              .path = "/persons/V-000001/reveal",
	                              .body = "reason=checking+her+address",
	                              .content_type = "application/x-www-form-urlencoded",
	                              .as = &s->cho_cookie,
	                              .header = "Accept-Language: en"};
	struct httpfix_request get = {.as = &s->cho_cookie, .header = "Accept-Language: en"};
	struct httpfix_principal other;
	struct httpfix_response res;
	char location[128], header[128];

	assert_int_equal(httpfix_sign_in(&s->client, httpfix_account(s->fix, "cho"), &other), 201);
	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	if (res.status != 303 || !httpfix_header(&res, "Location", location, sizeof(location)) ||
	    strncmp(location, "/shown/", 7) != 0)
		fail_msg("a reveal: %ld, not 303 to /shown/", res.status);
	httpfix_response_free(&res);
	get.path = location;
	get.as = &other;
	assert_int_equal(httpfix_do(&s->client, &get, &res), CURLE_OK);
	assert_int_equal(res.status, 404); /* another session of the same account */
	httpfix_response_free(&res);
	get.as = &s->cho_cookie;
	assert_int_equal(httpfix_do(&s->client, &get, &res), CURLE_OK);
	assert_int_equal(res.status, 200);
	assert_non_null(strstr(res.body, "class=\"facts identity\""));
	assert_true(httpfix_header(&res, "Cache-Control", header, sizeof(header)));
	assert_string_equal(header, "no-store");
	httpfix_response_free(&res);
	assert_int_equal(httpfix_do(&s->client, &get, &res), CURLE_OK);
	if (res.status != 303 || !httpfix_header(&res, "Location", location, sizeof(location)) ||
	    strcmp(location, "/persons/V-000001") != 0 ||
	    strstr(res.body, "class=\"facts identity\"") != NULL)
		fail_msg("the reveal asked again: %ld to %s, not 303 to the case file", res.status, location);
	httpfix_response_free(&res);
}

/* ---- 10: the smaller ones ------------------------------------------------------------ */

/* A sign-in from its own address (no throttle carries over): the status, the body, the time in ms. */
static long
sign_in_timed(struct state *s, const char *source, const char *name, char *body, size_t size, uint64_t *ms)
{
	struct httpfix_client c;
	struct httpfix_response res;
	uint64_t t0;
	long status;

	httpfix_client_init(&c, s->fix, &s->fix->server, source);
	t0 = now_ms();
	httpfix_sign_in_raw(&c, name, "not-the-password-at-all", NULL, NULL, &res);
	*ms = now_ms() - t0;
	status = res.status;
	snprintf(body, size, "%s", res.body != NULL ? res.body : "");
	httpfix_response_free(&res);
	httpfix_client_free(&c);
	return status;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_locked_like_unknown(void **state_r)
{
	struct state *s = *state_r;
	const char *const lock[] = {"--as", "ada", "user", "lock", "lockme", "--reason", "test", NULL};
	char out[4096], locked_body[1024], unknown_body[1024], source[32];
	uint64_t locked_ms[5], unknown_ms[5];
	size_t i;

	if (httpfix_run(s->fix, httpfix_account(s->fix, "ada")->password, out, sizeof(out), lock) != 0)
		fail_msg("could not lock lockme: %s", out);
	for (i = 0; i < 5; i++) {
		snprintf(source, sizeof(source), "127.0.2.%zu", 1 + i);
		assert_int_equal(
		    sign_in_timed(s, source, "lockme", locked_body, sizeof(locked_body), &locked_ms[i]), 401);
		snprintf(source, sizeof(source), "127.0.3.%zu", 1 + i);
		assert_int_equal(sign_in_timed(s, source, "nosuchaccount", unknown_body, sizeof(unknown_body),
		                               &unknown_ms[i]),
		                 401);
		if (strcmp(locked_body, unknown_body) != 0)
			fail_msg("a locked account and an unknown name answered differently:\n%s\n%s",
			         locked_body, unknown_body);
	}
	qsort(locked_ms, 5, sizeof(locked_ms[0]), cmp_u64);
	qsort(unknown_ms, 5, sizeof(unknown_ms[0]), cmp_u64);
	/* The medians: a password hashed for both, or neither. */
	if (locked_ms[2] * 2 < unknown_ms[2] || unknown_ms[2] * 2 < locked_ms[2])
		fail_msg("a locked account answers in %llu ms, an unknown name in %llu ms",
		         (unsigned long long)locked_ms[2], (unsigned long long)unknown_ms[2]);
}

static void
test_success_clears_only_its_name(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_client c;
	struct httpfix_principal moe;
	struct httpfix_response res;
	char name[32];
	int i;

	httpfix_client_init(&c, s->fix, &s->fix->server, "127.0.4.1");
	/* Guesses under four names, then the guesser's own good account, then two more guesses. */
	for (i = 0; i < HTTP_THROTTLE_FREE - 1; i++) {
		snprintf(name, sizeof(name), "guess%d", i);
		assert_int_equal(httpfix_sign_in_raw(&c, name, "wrong", NULL, NULL, &res), CURLE_OK);
		assert_int_equal(res.status, 401);
		httpfix_response_free(&res);
	}
	assert_int_equal(httpfix_sign_in(&c, httpfix_account(s->fix, "moe"), &moe), 201);
	for (i = 0; i < 2; i++) {
		assert_int_equal(httpfix_sign_in_raw(&c, "guess-more", "wrong", NULL, NULL, &res), CURLE_OK);
		httpfix_response_free(&res);
	}
	/* The address has failed six times: it waits, whoever it names. */
	assert_int_equal(httpfix_sign_in_raw(&c, "guess-last", "wrong", NULL, NULL, &res), CURLE_OK);
	if (res.status != 429)
		fail_msg("after 6 failures from one address and one success between: %ld, not 429",
		         res.status);
	httpfix_response_free(&res);
	httpfix_client_free(&c);
}

static void
test_language_cookie_whole(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_request req = {.path = "/?lang=en"};
	struct httpfix_response res;
	char cookie[256];

	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	assert_int_equal(res.status, 303);
	if (!httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)) ||
	    strstr(cookie, "redress_lang=en") == NULL || strstr(cookie, "SameSite=Strict") == NULL)
		fail_msg("the language cookie: '%s'", cookie);
	httpfix_response_free(&res);
}

/* The sign-in form's own CSRF token: a pre-session cookie and the same value in the form. */
static void
test_sign_in_form_csrf(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_account *moe = httpfix_account(s->fix, "moe");
	struct httpfix_request req = {.path = "/sign-in"}, get;
	struct httpfix_response res;
	char cookie[256], header[256], body[512], location[128], page[65536], *end;
	const char *field;

	/* Posted from elsewhere, with no token: refused, and no session. */
	snprintf(body, sizeof(body), "username=moe&password=%s", moe->password);
	req.method = "POST";
	req.body = body;
	req.content_type = "application/x-www-form-urlencoded";
	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	assert_int_equal(res.status, 400);
	if (httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)) &&
	    strstr(cookie, "redress_session=") != NULL)
		fail_msg("a sign-in form without its token made a session: %s", cookie);
	httpfix_response_free(&res);
	/* The form: the cookie, and the same token in its field. */
	memset(&req, 0, sizeof(req));
	req.path = "/sign-in";
	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	assert_int_equal(res.status, 200);
	assert_true(httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)));
	assert_non_null(strstr(cookie, "redress_presign="));
	assert_non_null(strstr(cookie, "HttpOnly; SameSite=Strict"));
	if ((end = strchr(cookie, ';')) != NULL)
		*end = '\0';
	field = strstr(res.body, "name=\"csrf_token\" value=\"");
	assert_non_null(field);
	field += strlen("name=\"csrf_token\" value=\"");
	assert_int_equal(strncmp(field, cookie + strlen("redress_presign="), HTTP_TOKEN_TEXT_SIZE - 1), 0);
	/* Another token in the field: still refused. */
	snprintf(header, sizeof(header), "Cookie: %s", cookie);
	snprintf(body, sizeof(body), "username=moe&password=%s&csrf_token=%.*s", moe->password,
	         HTTP_TOKEN_TEXT_SIZE - 1, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	httpfix_response_free(&res);
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.path = "/sign-in";
	req.body = body;
	req.content_type = "application/x-www-form-urlencoded";
	req.header = header;
	assert_int_equal(ask(&s->client, &req, NULL, 0), 400);
	/* A wrong password with the right token: post/redirect/get to a page of its own, for this cookie
	 * only. */
	snprintf(body, sizeof(body), "username=moe&password=not-the-password&csrf_token=%s",
	         cookie + strlen("redress_presign="));
	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	assert_int_equal(res.status, 303);
	assert_true(httpfix_header(&res, "Location", location, sizeof(location)));
	assert_int_equal(strncmp(location, "/sign-in/refused/", 17), 0);
	httpfix_response_free(&res);
	memset(&get, 0, sizeof(get));
	get.path = location;
	get.header = header;
	assert_int_equal(ask(&s->client, &get, page, sizeof(page)), 401);
	assert_non_null(strstr(page, "value=\"moe\""));
	assert_int_equal(ask(&s->client, &get, page, sizeof(page)),
	                 401); /* a reload: the same, nothing posted */
	get.header = NULL;
	assert_int_equal(ask(&s->client, &get, page, sizeof(page)), 404); /* no cookie: nothing */
	/* The right one: signed in. */
	snprintf(body, sizeof(body), "username=moe&password=%s&csrf_token=%s", moe->password,
	         cookie + strlen("redress_presign="));
	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	assert_int_equal(res.status, 303);
	assert_true(httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)));
	assert_non_null(strstr(cookie, "redress_session="));
	httpfix_response_free(&res);
}

/* Headers over the limit: 431, answered by the server with its security headers (libmicrohttpd's own has
 * none). */
static void
test_headers_too_large(void **state_r)
{
	struct state *s = *state_r;
	size_t len = HTTP_HEADERS_MAX + HTTP_HEADERS_MAX / 2;
	char *header = malloc(len + 16), value[512];
	struct httpfix_request req = {.path = "/healthz", .untallied = 1};
	struct httpfix_response res;

	assert_non_null(header);
	memcpy(header, "X-Huge: ", 8);
	memset(header + 8, 'a', len);
	header[8 + len] = '\0';
	req.header = header;
	assert_int_equal(httpfix_do(&s->client, &req, &res), CURLE_OK);
	assert_int_equal(res.status, 431);
	if (!httpfix_header(&res, "Content-Security-Policy", value, sizeof(value)) ||
	    !httpfix_header(&res, "X-Content-Type-Options", value, sizeof(value)))
		fail_msg("the 431 answer has no security headers: %s", res.headers);
	httpfix_response_free(&res);
	free(header);
	assert_int_equal(healthz(&s->client), 200);
}

/* A TOTP code used once is refused after the server restarts: the steps used are kept in the database. */
static void
test_totp_after_restart(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_account *rin = httpfix_account(s->fix, "rin");
	struct httpfix_principal p;
	struct httpfix_response res;
	char code[16];

	httpfix_totp_code(rin, code);
	assert_int_equal(httpfix_sign_in_raw(&s->client, "rin", rin->password, code, NULL, &res), CURLE_OK);
	if (res.status != 201) {
		char cmd[512];

		snprintf(cmd, sizeof(cmd), "tail -n 5 '%s' >&2", s->fix->server.errlog);
		if (system(cmd) != 0)
			fprintf(stderr, "(no server log)\n");
		fail_msg("rin's first sign-in: %ld %s", res.status, res.body);
	}
	httpfix_response_free(&res);
	httpfix_client_free(&s->client);
	assert_int_equal(httpfix_server_stop(&s->fix->server), 0);
	httpfix_server_free(&s->fix->server);
	assert_int_equal(httpfix_server_start(s->fix, &s->fix->server, 0, 2), 0);
	httpfix_client_init(&s->client, s->fix, &s->fix->server, NULL);
	assert_int_equal(httpfix_sign_in_raw(&s->client, "rin", rin->password, code, NULL, &res), CURLE_OK);
	if (res.status != 401)
		fail_msg("a TOTP code used before the restart: %ld after it, not 401 (%s)", res.status,
		         res.body);
	httpfix_response_free(&res);
	/* A fresh code still works. */
	assert_int_equal(httpfix_sign_in(&s->client, rin, &p), 201);
}

/* A page's change naming a program that does not exist is the form's fault: 4xx, never 500. */
static void
test_unknown_program_page(void **state_r)
{
	struct state *s = *state_r;
	struct httpfix_principal fumi;
	struct httpfix_request req = {.method = "POST",
	                              .path = "/entitlements",
	                              .body = "program=no-such-program",
	                              .content_type = "application/x-www-form-urlencoded",
	                              .as = &fumi};
	char body[8192];
	long status;

	httpfix_bearer(httpfix_account(s->fix, "fumi"), &fumi);
	status = ask(&s->client, &req, body, sizeof(body));
	if (status < 400 || status >= 500)
		fail_msg("an entitlement run for an unknown program: %ld, not 4xx: %s", status, body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_unnamed_part),
	    cmocka_unit_test(test_early_refusal),
	    cmocka_unit_test(test_heir_form),
	    cmocka_unit_test(test_unknown_program_page),
	    cmocka_unit_test(test_out_of_memory),
	    cmocka_unit_test(test_locked_like_unknown),
	    cmocka_unit_test(test_success_clears_only_its_name),
	    cmocka_unit_test(test_language_cookie_whole),
	    cmocka_unit_test(test_sign_in_form_csrf),
	    cmocka_unit_test(test_reveal_shown_once),
	    cmocka_unit_test(test_headers_too_large),
	    cmocka_unit_test(test_slowloris),
	    cmocka_unit_test(test_totp_after_restart), /* last: it restarts the server */
	};

	signal(SIGPIPE, SIG_IGN);
	/* One test alone (a pattern), as against an older server that the first would crash. */
	if (getenv("REDRESS_TEST_ONLY") != NULL)
		cmocka_set_test_filter(getenv("REDRESS_TEST_ONLY"));
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
