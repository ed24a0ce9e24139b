/*
 * bench_http.c -- `make bench`: the HTTP server under wrk, beside nginx
 * serving a static file on the same machine in the same run, because these
 * machines are shared and noisy.
 *
 *   prepare: a fresh database through the command line -- `redress init`,
 *            three accounts (an admin, a caseworker, a finance officer),
 *            two ledger accounts, and PEOPLE synthetic victims by
 *            `redress person import` of a generated CSV file -- and an API
 *            token for the caseworker (reads) and for finance (writes).
 *   nginx:   a static file the size of a person's file answer, from nginx
 *            started by us (a prefix in DIR, daemon off, no access log, one
 *            worker process per core) on a free loopback port; half the
 *            time before the reads and half after, so that a machine whose
 *            load drifts during the run shows in both figures alike (the
 *            p50 and p99 are the larger of the two halves').
 *   reads:   GET /api/v1/persons/{pseudonym}, a random pseudonym of the
 *            PEOPLE each request (bench/wrk/read.lua), against
 *            `redress serve`.  Goal: at least half nginx's rate, p99 under
 *            10 ms.
 *   writes:  POST /api/v1/ledger/transfers, every id new
 *            (bench/wrk/write.lua).  Goal: 5,000 a second, each durable:
 *            after the run the ledger holds every transfer wrk was
 *            answered 2xx for (and at most the requests still in flight
 *            when wrk stopped besides), and `redress audit verify` is clean.
 *
 * Every wrk run is wrk -t2 -c64 -dSECONDS --latency on 127.0.0.1.
 *
 * Usage: bench_http REDRESS [PEOPLE [SECONDS [DIR [THREADS]]]]
 * REDRESS is the redress binary; DIR (default .) holds the run's files;
 * THREADS is serve's --threads (default: the cores).  With BENCH_KEEP set
 * the files (database, logs, wrk's reports) are kept and named.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "people.h"

#ifndef BENCH_WRK_DIR
#define BENCH_WRK_DIR "bench/wrk"
#endif

#define CONNECTIONS  64
#define WRK_THREADS  2
#define READ_GOAL    0.50  /* of nginx's rate */
#define P99_GOAL_MS  10.0  /* for reads */
#define WRITE_GOAL   5000. /* transfers a second */
#define PASSWORD     "bench-http-password-2015"
#define READY_WAIT_S 30

/* As src/cli/main.c's cli_modules. */
static const struct event_module *const modules[] = {
    &ledger_module,       &users_module, &registry_module, &programs_module, &claims_module,
    &entitlements_module, NULL};

static char dir[PATH_MAX];

/* What we started and have not reaped: stopped on any exit, so that nothing is left listening. */
static pid_t serve_pid = -1, nginx_pid = -1;

static void
stop_children(void)
{
	if (serve_pid > 0)
		kill(serve_pid, SIGKILL);
	if (nginx_pid > 0)
		kill(nginx_pid, SIGKILL);
}

/* ---- Running things ---- */

/* Runs the shell command made of fmt; exits when it fails. */
static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int n, status;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd)) {
		fprintf(stderr, "bench_http: a command is too long\n");
		exit(1);
	}
	status = system(cmd);
	if (status != 0) {
		fprintf(stderr, "bench_http: failed (status %d): %s\n", status, cmd);
		exit(1);
	}
}

/*
 * Starts argv with stdout to out_path (NULL: ours) and stderr to err_path;
 * keep_fd (or -1) stays open in the child.  Returns the child's pid.
 */
static pid_t
spawn(const char *const argv[], const char *out_path, const char *err_path, int keep_fd)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		int fd;

		if (out_path != NULL) {
			if ((fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 || dup2(fd, 1) < 0)
				_exit(127);
			close(fd);
		}
		if ((fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		close(fd);
		if (keep_fd >= 0)
			fcntl(keep_fd, F_SETFD, 0);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "bench_http: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Waits for pid; returns its exit status, or 128 + the signal that ended it. */
static int
reap(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			exit(1);
		}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void
file_write(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* ---- Loopback ---- */

static int
connect_to(unsigned port)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* A port nobody listens on now (the kernel's pick; free again once closed). */
static unsigned
free_port(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		perror("free port");
		exit(1);
	}
	close(fd);
	return ntohs(sa.sin_port);
}

/* Waits until something listens on port; exits after READY_WAIT_S. */
static void
wait_listening(unsigned port, const char *what)
{
	int i, fd;

	for (i = 0; i < READY_WAIT_S * 100; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};

		if ((fd = connect_to(port)) >= 0) {
			close(fd);
			return;
		}
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "bench_http: %s does not listen on port %u\n", what, port);
	exit(1);
}

/*
 * One HTTP/1.1 request with Connection: close; returns the status and the
 * body (malloc'd, NUL-terminated) in *body_r.
 */
static unsigned
http_once(unsigned port, const char *method, const char *path, const char *token, const char *body,
          char **body_r)
{
	char head[1024], *resp = NULL, *at;
	size_t len = 0, cap = 0;
	unsigned status = 0;
	ssize_t n;
	int fd = connect_to(port);

	if (fd < 0) {
		perror("connect");
		exit(1);
	}
	snprintf(head, sizeof(head),
	         "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\nConnection: close\r\n"
	         "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
	         method, path, token, body != NULL ? strlen(body) : 0, body != NULL ? body : "");
	if (write(fd, head, strlen(head)) != (ssize_t)strlen(head)) {
		perror("write");
		exit(1);
	}
	for (;;) {
		if (len + 4096 + 1 > cap && (resp = realloc(resp, cap = 2 * cap + 8192)) == NULL)
			exit(1);
		if ((n = read(fd, resp + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (resp == NULL)
		exit(1);
	resp[len] = '\0';
	sscanf(resp, "HTTP/1.%*d %u", &status);
	at = strstr(resp, "\r\n\r\n");
	*body_r = strdup(at != NULL ? at + 4 : "");
	free(resp);
	return status;
}

/* ---- Preparing the fund ---- */

/* An API token for the caseworker cho and one for finance fumi, each made by its own account. */
static void
issue_tokens(const char *db, const char *keys, char reader[USERS_TOKEN_SIZE], char writer[USERS_TOKEN_SIZE])
{
	struct actor cho = {"cho", ROLE_CASEWORKER, 0}, fumi = {"fumi", ROLE_FINANCE, 0};
	struct redress_error err;
	struct keydir *kd = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	char path[PATH_MAX + 64];

	if (crypto_setup(&err) != REDRESS_OK || keydir_open(keys, &kd, &err) != REDRESS_OK ||
	    store_open(db, STORE_OPEN_EXISTING, &store, &err) != REDRESS_OK ||
	    tlog_open(store, keydir_log_key(kd), modules, &log, &err) != REDRESS_OK ||
	    tlog_begin(log, &err) != REDRESS_OK)
		bench_die("open", &err);
	if (tlog_set_actor(log, "user:cho", &err) != REDRESS_OK ||
	    users_token_issue(log, &cho, "cho", reader, USERS_TOKEN_SIZE, &err) != REDRESS_OK ||
	    tlog_set_actor(log, "user:fumi", &err) != REDRESS_OK ||
	    users_token_issue(log, &fumi, "fumi", writer, USERS_TOKEN_SIZE, &err) != REDRESS_OK)
		bench_die("token", &err);
	if (tlog_commit(log, &err) != REDRESS_OK)
		bench_die("commit", &err);
	/* Kept with the run's files (mkdtemp made the directory 0700), for profiling by hand. */
	snprintf(path, sizeof(path), "%s/reader.token", dir);
	file_write(path, reader, strlen(reader));
	snprintf(path, sizeof(path), "%s/writer.token", dir);
	file_write(path, writer, strlen(writer));
	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
}

/* Checks that `person import` gave V-000001 .. V-n, in order (the pseudonyms read.lua draws). */
static void
check_import(const char *path, long n)
{
	char line[256], want[32];
	FILE *f = fopen(path, "r");
	long seen = 0;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "line ", 5) != 0)
			continue;
		snprintf(want, sizeof(want), ": V-%06ld\n", ++seen);
		if (strstr(line, want) == NULL) {
			fprintf(stderr, "bench_http: the import gave %s", line);
			exit(1);
		}
	}
	fclose(f);
	if (seen != n) {
		fprintf(stderr, "bench_http: the import registered %ld people, not %ld\n", seen, n);
		exit(1);
	}
}

/* ---- nginx ---- */

static pid_t
nginx_start(unsigned port, size_t file_size, long workers)
{
	char prefix[PATH_MAX + 64], conf[PATH_MAX + 64], path[PATH_MAX + 64], text[2048], *file;
	const char *argv[] = {"nginx", "-p", prefix, "-c", conf, "-e", path, NULL};
	pid_t pid;

	snprintf(prefix, sizeof(prefix), "%s/nginx", dir);
	sh("mkdir -p '%s/html' '%s/tmp'", prefix, prefix);
	/* A file of the answer's size: JSON, so that nginx sends what redress sends. */
	if ((file = malloc(file_size + 1)) == NULL)
		exit(1);
	memset(file, 'x', file_size);
	if (file_size >= 12) {
		memcpy(file, "{\"pad\":\"", 8);
		memcpy(file + file_size - 3, "\"}\n", 3);
	}
	snprintf(path, sizeof(path), "%s/html/person.json", prefix);
	file_write(path, file, file_size);
	free(file);
	snprintf(text, sizeof(text),
	         "%s"
	         "worker_processes %ld;\n"
	         "daemon off;\n"
	         "pid %s/nginx.pid;\n"
	         "error_log %s/error.log warn;\n"
	         "events { worker_connections 1024; }\n"
	         "http {\n"
	         "  access_log off;\n"
	         "  default_type application/json;\n"
	         "  sendfile on;\n"
	         "  keepalive_requests 1000000;\n"
	         "  client_body_temp_path %s/tmp/body;\n"
	         "  proxy_temp_path %s/tmp/proxy;\n"
	         "  fastcgi_temp_path %s/tmp/fastcgi;\n"
	         "  uwsgi_temp_path %s/tmp/uwsgi;\n"
	         "  scgi_temp_path %s/tmp/scgi;\n"
	         "  server {\n"
	         "    listen 127.0.0.1:%u;\n"
	         "    root %s/html;\n"
	         "  }\n"
	         "}\n",
	         /* As root, nginx would hand its workers to nobody, who may not read the build directory. */
	         geteuid() == 0 ? "user root;\n" : "", workers, prefix, prefix, prefix, prefix, prefix,
	         prefix, prefix, port, prefix);
	snprintf(conf, sizeof(conf), "%s/nginx.conf", prefix);
	file_write(conf, text, strlen(text));
	snprintf(path, sizeof(path), "%s/error.log", prefix);
	{
		char err_path[PATH_MAX + 64];

		snprintf(err_path, sizeof(err_path), "%s/stderr.log", prefix);
		pid = spawn(argv, NULL, err_path, -1);
	}
	wait_listening(port, "nginx");
	return pid;
}

/* ---- redress serve ---- */

static pid_t
serve_start(const char *redress, const char *db, unsigned threads, unsigned *port_r)
{
	char fd_text[16], threads_text[16], log_path[PATH_MAX + 64], port_text[16];
	const char *argv[] = {redress,      "--db",  db,          "serve",      "--listen", "127.0.0.1:0",
	                      "--ready-fd", fd_text, "--threads", threads_text, NULL};
	ssize_t n;
	pid_t pid;
	int fds[2];

	if (pipe(fds) != 0) {
		perror("pipe");
		exit(1);
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	snprintf(fd_text, sizeof(fd_text), "%d", fds[1]);
	snprintf(threads_text, sizeof(threads_text), "%u", threads);
	snprintf(log_path, sizeof(log_path), "%s/serve.log", dir);
	pid = spawn(argv, NULL, log_path, fds[1]);
	close(fds[1]);
	n = read(fds[0], port_text, sizeof(port_text) - 1);
	close(fds[0]);
	if (n <= 0) {
		fprintf(stderr, "bench_http: redress serve did not start (see %s)\n", log_path);
		exit(1);
	}
	port_text[n] = '\0';
	*port_r = (unsigned)atoi(port_text);
	return pid;
}

/* ---- wrk ---- */

struct wrk_result {
	long requests, duration_us, p50_us, p99_us, max_us, non2xx, socket_errors;
};

static double
rate(const struct wrk_result *r)
{
	return (double)r->requests / ((double)r->duration_us / 1e6);
}

/* wrk -t2 -c64 -dSECONDS --latency against url with script and args; its report is kept as DIR/NAME.wrk. */
static void
wrk_run(const char *name, unsigned port, const char *path, const char *script, const char *token,
        const char *arg1, const char *arg2, long seconds, struct wrk_result *r)
{
	char url[256], script_path[512], threads[16], connections[16], duration[16], header[128],
	    out[PATH_MAX + 64], err[PATH_MAX + 64], line[512];
	const char *argv[16];
	int argc = 0, found = 0;
	FILE *f;

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	snprintf(script_path, sizeof(script_path), "%s/%s", BENCH_WRK_DIR, script);
	snprintf(threads, sizeof(threads), "-t%d", WRK_THREADS);
	snprintf(connections, sizeof(connections), "-c%d", CONNECTIONS);
	snprintf(duration, sizeof(duration), "-d%lds", seconds);
	snprintf(out, sizeof(out), "%s/%s.wrk", dir, name);
	snprintf(err, sizeof(err), "%s/%s.wrk-stderr", dir, name);
	argv[argc++] = "wrk";
	argv[argc++] = threads;
	argv[argc++] = connections;
	argv[argc++] = duration;
	argv[argc++] = "--latency";
	argv[argc++] = "-s";
	argv[argc++] = script_path;
	if (token != NULL) {
		snprintf(header, sizeof(header), "Authorization: Bearer %s", token);
		argv[argc++] = "-H";
		argv[argc++] = header;
	}
	argv[argc++] = url;
	if (arg1 != NULL) {
		argv[argc++] = "--";
		argv[argc++] = arg1;
		argv[argc++] = arg2;
	}
	argv[argc] = NULL;
	if (reap(spawn(argv, out, err, -1)) != 0) {
		fprintf(stderr, "bench_http: wrk failed (see %s)\n", err);
		exit(1);
	}
	if ((f = fopen(out, "r")) == NULL) {
		perror(out);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(
		        line,
		        "wrk-result requests=%ld duration_us=%ld p50_us=%ld p99_us=%ld max_us=%ld non2xx=%ld"
		        " socket_errors=%ld",
		        &r->requests, &r->duration_us, &r->p50_us, &r->p99_us, &r->max_us, &r->non2xx,
		        &r->socket_errors) == 7)
			found = 1;
	fclose(f);
	if (!found || r->duration_us <= 0) {
		fprintf(stderr, "bench_http: no result from wrk in %s\n", out);
		exit(1);
	}
}

/* Adds run b to a: their requests and times; the larger of their percentiles (never merged by wrk). */
static void
wrk_add(struct wrk_result *a, const struct wrk_result *b)
{
	a->requests += b->requests;
	a->duration_us += b->duration_us;
	a->p50_us = b->p50_us > a->p50_us ? b->p50_us : a->p50_us;
	a->p99_us = b->p99_us > a->p99_us ? b->p99_us : a->p99_us;
	a->max_us = b->max_us > a->max_us ? b->max_us : a->max_us;
	a->non2xx += b->non2xx;
	a->socket_errors += b->socket_errors;
}

static void
print_run(const char *what, const struct wrk_result *r)
{
	printf("%s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms (%ld requests", what, rate(r),
	       r->p50_us / 1e3, r->p99_us / 1e3, r->max_us / 1e3, r->requests);
	if (r->non2xx != 0)
		printf(", %ld not 2xx", r->non2xx);
	if (r->socket_errors != 0)
		printf(", %ld socket errors", r->socket_errors);
	printf(")");
}

/* ---- After the run ---- */

static long
count_transfers(const char *db)
{
	sqlite3_stmt *st;
	sqlite3 *h;
	long n;

	bench_sqlite_ok(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), h, "open");
	bench_sqlite_ok(sqlite3_prepare_v2(h, "SELECT count(*) FROM ledger_transfers WHERE id GLOB 'w*-*'",
	                                   -1, &st, NULL),
	                h, "prepare");
	bench_sqlite_ok(sqlite3_step(st), h, "count");
	n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return n;
}

int
main(int argc, char **argv)
{
	const char *redress = argc > 1 ? argv[1] : NULL;
	long people = argc > 2 ? atol(argv[2]) : 100000, seconds = argc > 3 ? atol(argv[3]) : 10,
	     cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = argc > 5 ? (unsigned)atoi(argv[5]) : (unsigned)cores, port, nginx_port;
	char base[PATH_MAX], db[PATH_MAX + 64], keys[PATH_MAX + 64], pw[PATH_MAX + 64], csv[PATH_MAX + 64],
	    out[PATH_MAX + 64], last[32], *body;
	char reader[USERS_TOKEN_SIZE], writer[USERS_TOKEN_SIZE];
	struct wrk_result nginx, reads, writes;
	long stored, in_flight_max;
	uint64_t start;
	size_t summary_size;
	unsigned status;
	int rc;

	bench_name("bench_http");
	atexit(stop_children);
	if (redress == NULL || people <= 0 || seconds <= 0 || threads == 0) {
		fprintf(stderr, "usage: bench_http REDRESS [PEOPLE [SECONDS [DIR [THREADS]]]]\n");
		return 2;
	}
	/* Absolute: nginx takes its paths from its prefix. */
	if (realpath(argc > 4 ? argv[4] : ".", base) == NULL) {
		perror(argc > 4 ? argv[4] : ".");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/bench-http-XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/fund.db", dir);
	snprintf(keys, sizeof(keys), "%s/fund.keys", dir);
	snprintf(pw, sizeof(pw), "%s/password", dir);
	snprintf(csv, sizeof(csv), "%s/people.csv", dir);
	snprintf(out, sizeof(out), "%s/import.out", dir);
	printf("bench_http: %ld synthetic people; wrk -t%d -c%d -d%lds --latency on loopback; %ld cores;"
	       " redress serve --threads %u; in %s\n",
	       people, WRK_THREADS, CONNECTIONS, seconds, cores, threads, dir);
	fflush(stdout);

	/* The fund, as its staff would set it up. */
	start = clock_monotonic_us();
	file_write(pw, PASSWORD "\n", strlen(PASSWORD) + 1);
	setenv("REDRESS_PASSWORD_FILE", pw, 1);
	sh("'%s' --db '%s' init --origin bench.example/http > /dev/null", redress, db);
	sh("'%s' --db '%s' user add ada --role admin --password-file '%s' > /dev/null", redress, db, pw);
	sh("'%s' --db '%s' --as ada user add cho --role caseworker --password-file '%s' > /dev/null", redress,
	   db, pw);
	sh("'%s' --db '%s' --as ada user add fumi --role finance --password-file '%s' > /dev/null", redress,
	   db, pw);
	sh("'%s' --db '%s' --as fumi ledger account add bench:from --currency KRW > /dev/null", redress, db);
	sh("'%s' --db '%s' --as fumi ledger account add bench:to --currency KRW > /dev/null", redress, db);
	bench_people_csv(csv, people);
	sh("'%s' --db '%s' --as cho person import '%s' > '%s' 2> /dev/null", redress, db, csv, out);
	check_import(out, people);
	issue_tokens(db, keys, reader, writer);
	printf("prepare: %ld people imported, two API tokens, in %.1f s\n", people,
	       bench_seconds_since(start));
	fflush(stdout);

	serve_pid = serve_start(redress, db, threads, &port);
	snprintf(last, sizeof(last), "/api/v1/persons/V-%06ld", people);
	if ((status = http_once(port, "GET", last, reader, NULL, &body)) != 200) {
		fprintf(stderr, "bench_http: GET %s answered %u: %s\n", last, status, body);
		return 1;
	}
	summary_size = strlen(body);
	free(body);

	nginx_port = free_port();
	/*
	 * nginx for half the time before the reads and half after: the load
	 * other work puts on a shared machine drifts, and the ratio should
	 * not be the drift's.
	 */
	nginx_pid = nginx_start(nginx_port, summary_size, cores);
	wrk_run("nginx-before", nginx_port, "/person.json", "report.lua", NULL, NULL, NULL, (seconds + 1) / 2,
	        &nginx);
	{
		char first_text[24], last_text[24];

		snprintf(first_text, sizeof(first_text), "1");
		snprintf(last_text, sizeof(last_text), "%ld", people);
		wrk_run("reads", port, "/", "read.lua", reader, first_text, last_text, seconds, &reads);
	}
	if (seconds / 2 > 0) {
		struct wrk_result after;

		wrk_run("nginx-after", nginx_port, "/person.json", "report.lua", NULL, NULL, NULL,
		        seconds / 2, &after);
		wrk_add(&nginx, &after);
	}
	kill(nginx_pid, SIGQUIT);
	reap(nginx_pid);
	nginx_pid = -1;
	print_run("nginx:  static file", &nginx);
	printf(" of %zu bytes, %ld workers, half before the reads and half after\n", summary_size, cores);
	print_run("reads:  GET /api/v1/persons/{pseudonym}", &reads);
	printf("; ratio to nginx %.3f (goal >= %.2f, p99 < %.0f ms)\n", rate(&reads) / rate(&nginx),
	       READ_GOAL, P99_GOAL_MS);
	fflush(stdout);

	wrk_run("writes", port, "/", "write.lua", writer, NULL, NULL, seconds, &writes);
	print_run("writes: POST /api/v1/ledger/transfers", &writes);
	printf("; ratio to the goal %.3f (goal >= %.0f/s, each durable)\n", rate(&writes) / WRITE_GOAL,
	       WRITE_GOAL);
	fflush(stdout);

	/* SIGTERM: serve finishes what is in flight, commits, and exits 0. */
	kill(serve_pid, SIGTERM);
	rc = reap(serve_pid);
	serve_pid = -1;
	if (rc != 0) {
		fprintf(stderr, "bench_http: redress serve exited %d (see %s/serve.log)\n", rc, dir);
		return 1;
	}

	/* Durable: every 2xx wrk saw is in the ledger; beyond them, only what was in flight when wrk stopped.
	 */
	stored = count_transfers(db);
	in_flight_max = CONNECTIONS;
	printf("durable: wrk was answered 2xx for %ld transfers; the ledger holds %ld",
	       writes.requests - writes.non2xx, stored);
	if (stored < writes.requests - writes.non2xx ||
	    stored > writes.requests - writes.non2xx + in_flight_max) {
		printf(": NOT what was answered\n");
		return 1;
	}
	printf(" (%ld more: in flight when wrk stopped, committed, never read)",
	       stored - (writes.requests - writes.non2xx));
	start = clock_monotonic_us();
	sh("'%s' --db '%s' audit verify > '%s/verify.out'", redress, db, dir);
	printf("; audit verify clean in %.1f s\n", bench_seconds_since(start));
	if (writes.non2xx != 0 || reads.non2xx != 0) {
		printf("bench_http: some answers were not 2xx (see %s/serve.log)\n", dir);
		return 1;
	}
	if (getenv("BENCH_KEEP") != NULL) {
		printf("kept %s\n", dir);
		return 0;
	}
	sh("rm -rf '%s'", dir);
	return 0;
}
