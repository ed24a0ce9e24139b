/*
 * httpfix.c -- the HTTP tests' fixture (httpfix.h): the demo database, the
 * real server in a child process, and a libcurl client.
 *
 * What the fixture itself proves on every answer: the security headers
 * are there (counted in fix->header_failures), and the answer is counted
 * by route and status for the /metrics check.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <liboath/oath.h>

#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/reports/reports.h"
#include "httpfix.h"
#include "log/tlog.h"
#include "store/store.h"

#define BODY_MAX (64u << 20)

static const struct {
	const char *name;
	enum role role;
} staff[HTTPFIX_ACCOUNTS] = {
    {"ada", ROLE_ADMIN},    {"cho", ROLE_CASEWORKER}, {"rin", ROLE_REVIEWER},      {"ryu", ROLE_REVIEWER},
    {"fumi", ROLE_FINANCE}, {"moe", ROLE_MONITOR},    {"lockme", ROLE_CASEWORKER}, {"aki", ROLE_APPEALS},
};

/* The lockme and aki (appeals) accounts are the fixture's own: the demo does not make them. */
#define LOCKME_PASSWORD "lockme-password-of-the-fixture"
#define AKI_PASSWORD    "aki-password-of-the-fixture"

/* ---- Processes ------------------------------------------------------------ */

/* Runs argv with stdout and stderr into the file out_path; returns the exit status, -1 on a signal. */
static int
run_to_file(char *const *argv, const char *out_path, const char *password_file)
{
	pid_t pid;
	int status;

	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		if (password_file != NULL)
			setenv("REDRESS_PASSWORD_FILE", password_file, 1);
		else
			unsetenv("REDRESS_PASSWORD_FILE");
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int
read_file(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	out[0] = '\0';
	if (f == NULL)
		return -1;
	n = fread(out, 1, size - 1, f);
	out[n] = '\0';
	fclose(f);
	return 0;
}

int
httpfix_run(struct httpfix *fix, const char *password, char *out, size_t size, const char *const *args)
{
	char *argv[32];
	char out_path[256], pw_path[256];
	size_t n = 0, i;
	int status;
	FILE *f;

	argv[n++] = (char *)fix->redress;
	argv[n++] = (char *)"--db";
	argv[n++] = fix->db;
	argv[n++] = (char *)"--keys";
	argv[n++] = fix->keys;
	for (i = 0; args[i] != NULL && n < 31; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	snprintf(out_path, sizeof(out_path), "%s/run.out", fix->dir);
	snprintf(pw_path, sizeof(pw_path), "%s/run.password", fix->dir);
	if (password != NULL) {
		if ((f = fopen(pw_path, "w")) == NULL)
			return -1;
		fprintf(f, "%s\n", password);
		fclose(f);
	}
	status = run_to_file(argv, out_path, password != NULL ? pw_path : NULL);
	if (out != NULL)
		read_file(out_path, out, size);
	unlink(pw_path);
	return status;
}

int
httpfix_file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	size_t len = strlen(needle), have = 0, n;
	char *data = NULL, *grown;
	int found = 0;

	if (f == NULL)
		return 0;
	for (;;) {
		if ((grown = realloc(data, have + 65536)) == NULL)
			break;
		data = grown;
		if ((n = fread(data + have, 1, 65536, f)) == 0)
			break;
		have += n;
	}
	fclose(f);
	if (data != NULL && have >= len && memmem(data, have, needle, len) != NULL)
		found = 1;
	free(data);
	return found;
}

/* Like httpfix_file_has, for every regular file under dir; *read_r counts the files read. */
static int
dir_has(const char *dir, const char *needle, unsigned *read_r)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	struct stat st;
	int found = 0;

	if (d == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			found = dir_has(path, needle, read_r);
		} else if (S_ISREG(st.st_mode)) {
			found = httpfix_file_has(path, needle);
			(*read_r)++;
		}
	}
	closedir(d);
	return found;
}

/* ---- PostgreSQL ------------------------------------------------------------ */

/*
 * With REDRESS_TEST_PG naming a throwaway cluster (tests/pg/run.sh starts
 * it), the fixture's fund is a new database of that cluster, made by
 * httpfix_new and dropped by httpfix_free; else a SQLite file in its
 * directory.  out gets the URI of database in the cluster.
 */
static int
pg_uri(const char *database, char *out, size_t size)
{
	const char *dir = getenv("REDRESS_TEST_PG");
	char path[256], port[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/port", dir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fgets(port, sizeof(port), f) == NULL)
		port[0] = '\0';
	fclose(f);
	port[strcspn(port, "\n")] = '\0';
	if (port[0] == '\0')
		return -1;
	return snprintf(out, size, "postgresql://redress@/%s?host=%s&port=%s", database, dir, port) <
	               (int)size
	           ? 0
	           : -1;
}

/* Runs sql on the cluster's postgres database (CREATE and DROP DATABASE). */
static int
pg_admin(const char *sql)
{
	struct store *admin = NULL;
	struct redress_error err;
	char uri[256];
	int rc = -1;

	if (pg_uri("postgres", uri, sizeof(uri)) != 0)
		return -1;
	if (store_open(uri, STORE_OPEN_EXISTING, &admin, &err) == REDRESS_OK &&
	    store_exec(admin, sql, &err) == REDRESS_OK)
		rc = 0;
	else
		fprintf(stderr, "httpfix: %s: %s\n", sql, err.message);
	store_close(&admin);
	return rc;
}

static const struct store_query httpfix_q_dboid = {
    "httpfix.dboid", "SELECT oid::bigint FROM pg_database WHERE datname = current_database()"};

int
httpfix_db_has(struct httpfix *fix, const char *needle)
{
	struct redress_error err;
	struct store *store = NULL;
	struct store_stmt *st;
	struct stat sb;
	char path[512];
	unsigned read = 0;
	long long oid = -1;
	int found;

	if (fix->pg_name[0] == '\0') {
		if (stat(fix->db, &sb) != 0)
			return -1;
		snprintf(path, sizeof(path), "%s-wal", fix->db);
		return httpfix_file_has(fix->db, needle) || httpfix_file_has(path, needle);
	}
	if (store_open(fix->db, STORE_OPEN_EXISTING, &store, &err) != REDRESS_OK)
		return -1;
	if ((st = store_query(store, &httpfix_q_dboid, &err)) != NULL && store_step(st, &err) == STORE_ROW)
		oid = store_column_int64(st, 0);
	if (st != NULL)
		store_done(st);
	store_close(&store);
	if (oid < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/data/base/%lld", getenv("REDRESS_TEST_PG"), oid);
	found = dir_has(path, needle, &read);
	snprintf(path, sizeof(path), "%s/data/pg_wal", getenv("REDRESS_TEST_PG"));
	if (!found)
		found = dir_has(path, needle, &read);
	return read == 0 ? -1 : found;
}

/* ---- The demo database ---------------------------------------------------- */

/* Reads the passwords the demo printed: "  ada   admin      password HEX". */
static int
demo_passwords(struct httpfix *fix, const char *out)
{
	size_t i;

	for (i = 0; i < HTTPFIX_ACCOUNTS; i++) {
		char needle[64];
		const char *line, *pw;

		if (strcmp(fix->accounts[i].name, "lockme") == 0) {
			snprintf(fix->accounts[i].password, sizeof(fix->accounts[i].password),
			         LOCKME_PASSWORD);
			continue;
		}
		if (strcmp(fix->accounts[i].name, "aki") == 0) {
			snprintf(fix->accounts[i].password, sizeof(fix->accounts[i].password), AKI_PASSWORD);
			continue;
		}
		snprintf(needle, sizeof(needle), "\n  %-5s %-10s password ", fix->accounts[i].name,
		         users_role_name(fix->accounts[i].role));
		if ((line = strstr(out, needle)) == NULL) {
			fprintf(stderr, "httpfix: the demo printed no password for %s\n",
			        fix->accounts[i].name);
			return -1;
		}
		pw = line + strlen(needle);
		snprintf(fix->accounts[i].password, sizeof(fix->accounts[i].password), "%.*s",
		         (int)strcspn(pw, " \n"), pw);
	}
	return 0;
}

/*
 * Gives the staff what the demo may not: the lockme and aki (appeals) accounts, a TOTP secret
 * for each role that needs one (enrolling again replaces the demo's), and
 * an API token each.  One change, as the admin.
 */
static int
demo_staff(struct httpfix *fix)
{
	static const struct event_module *const modules[] = {&users_module, NULL};
	struct actor ada = {"ada", ROLE_ADMIN, 0};
	struct redress_error err;
	struct keydir *kd = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	char uri[USERS_TOTP_URI_SIZE];
	size_t i;
	int rc = -1;

	if (crypto_setup(&err) != REDRESS_OK || keydir_open(fix->keys, &kd, &err) != REDRESS_OK ||
	    store_open(fix->db, STORE_OPEN_EXISTING, &store, &err) != REDRESS_OK ||
	    tlog_open(store, keydir_log_key(kd), modules, &log, &err) != REDRESS_OK)
		goto out;
	/* The demo wrote version-3 events: so must these, or audit refuses the fund going back to 2. */
	{
		struct tlog_public pub = report_feed_public(keydir_index_key(kd));

		tlog_set_public(log, &pub);
	}
	if (tlog_begin(log, &err) != REDRESS_OK)
		goto out;
	if (tlog_set_actor(log, "user:ada", &err) != REDRESS_OK ||
	    users_add(log, &ada, keydir_master_key(kd), "lockme", ROLE_CASEWORKER, LOCKME_PASSWORD, &err) !=
	        REDRESS_OK ||
	    users_add(log, &ada, keydir_master_key(kd), "aki", ROLE_APPEALS, AKI_PASSWORD, &err) !=
	        REDRESS_OK) {
		tlog_rollback(log);
		goto out;
	}
	for (i = 0; i < HTTPFIX_ACCOUNTS; i++) {
		struct httpfix_account *a = &fix->accounts[i];
		const char *secret;

		if (users_role_needs_totp(a->role)) {
			if (users_totp_enrol(log, &ada, keydir_master_key(kd), a->name, uri, sizeof(uri),
			                     &err) != REDRESS_OK ||
			    (secret = strstr(uri, "secret=")) == NULL) {
				tlog_rollback(log);
				goto out;
			}
			snprintf(a->totp, sizeof(a->totp), "%.*s", (int)strcspn(secret + 7, "&"), secret + 7);
		}
	}
	/* Each account makes its own token: no one makes one for another. */
	for (i = 0; i < HTTPFIX_ACCOUNTS; i++) {
		struct httpfix_account *a = &fix->accounts[i];
		struct actor self;
		char log_actor[USER_NAME_MAX + 8];

		memset(&self, 0, sizeof(self));
		snprintf(self.name, sizeof(self.name), "%s", a->name);
		self.role = a->role;
		snprintf(log_actor, sizeof(log_actor), "user:%s", a->name);
		if (tlog_set_actor(log, log_actor, &err) != REDRESS_OK ||
		    users_token_issue(log, &self, a->name, a->token, sizeof(a->token), &err) != REDRESS_OK) {
			tlog_rollback(log);
			goto out;
		}
	}
	if (tlog_commit(log, &err) != REDRESS_OK)
		goto out;
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "httpfix: setting up the staff: %s\n", err.message);
	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
	return rc;
}

/* A self-signed certificate for 127.0.0.1, when openssl is there. */
static void
make_certificate(struct httpfix *fix)
{
	char subj[] = "/CN=127.0.0.1", out[256];
	char *argv[] = {(char *)"/usr/bin/openssl",
	                (char *)"req",
	                (char *)"-x509",
	                (char *)"-newkey",
	                (char *)"ec",
	                (char *)"-pkeyopt",
	                (char *)"ec_paramgen_curve:prime256v1",
	                (char *)"-nodes",
	                (char *)"-days",
	                (char *)"2",
	                (char *)"-subj",
	                subj,
	                (char *)"-addext",
	                (char *)"subjectAltName=IP:127.0.0.1",
	                (char *)"-keyout",
	                fix->key,
	                (char *)"-out",
	                fix->cert,
	                NULL};

	snprintf(fix->cert, sizeof(fix->cert), "%s/cert.pem", fix->dir);
	snprintf(fix->key, sizeof(fix->key), "%s/key.pem", fix->dir);
	snprintf(out, sizeof(out), "%s/openssl.out", fix->dir);
	if (access(argv[0], X_OK) != 0 || run_to_file(argv, out, NULL) != 0)
		fix->cert[0] = fix->key[0] = '\0';
}

struct httpfix *
httpfix_new(void)
{
	struct httpfix *fix = calloc(1, sizeof(*fix));
	const char *tmp = getenv("TMPDIR");
	static char out[1 << 16];
	const char *const demo[] = {"demo", NULL};
	size_t i;

	if (fix == NULL)
		return NULL;
	pthread_mutex_init(&fix->fail_lock, NULL);
	if ((fix->redress = getenv("REDRESS")) == NULL) {
		fprintf(stderr, "httpfix: set REDRESS to the redress binary\n");
		free(fix);
		return NULL;
	}
	snprintf(fix->dir, sizeof(fix->dir), "%s/redress-http-XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(fix->dir) == NULL) {
		free(fix);
		return NULL;
	}
	if (getenv("REDRESS_TEST_PG") != NULL && getenv("REDRESS_TEST_PG")[0] != '\0') {
		static unsigned made;
		char sql[96];

		snprintf(fix->pg_name, sizeof(fix->pg_name), "h_%ld_%u", (long)getpid(), ++made);
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", fix->pg_name);
		if (pg_uri(fix->pg_name, fix->db, sizeof(fix->db)) != 0 || pg_admin(sql) != 0) {
			fix->pg_name[0] = '\0';
			goto fail;
		}
		fprintf(stderr, "httpfix: the fund is PostgreSQL's database %s\n", fix->pg_name);
	} else {
		snprintf(fix->db, sizeof(fix->db), "%s/fund.db", fix->dir);
	}
	snprintf(fix->keys, sizeof(fix->keys), "%s/fund.keys", fix->dir);
	snprintf(fix->errors, sizeof(fix->errors), "%s/errors.log", fix->dir);
	for (i = 0; i < HTTPFIX_ACCOUNTS; i++) {
		fix->accounts[i].name = staff[i].name;
		fix->accounts[i].role = staff[i].role;
	}
	if (httpfix_run(fix, NULL, out, sizeof(out), demo) != 0) {
		fprintf(stderr, "httpfix: redress demo failed:\n%s\n", out);
		goto fail;
	}
	if (demo_passwords(fix, out) != 0 || demo_staff(fix) != 0)
		goto fail;
	make_certificate(fix);
	oath_init();
	return fix;
fail:
	httpfix_free(&fix);
	return NULL;
}

void
httpfix_free(struct httpfix **fix)
{
	char cmd[300];

	if (*fix == NULL)
		return;
	if ((*fix)->pg_name[0] != '\0' && getenv("HTTPFIX_KEEP") == NULL) {
		snprintf(cmd, sizeof(cmd), "DROP DATABASE %s WITH (FORCE)", (*fix)->pg_name);
		pg_admin(cmd);
	}
	if (getenv("HTTPFIX_KEEP") == NULL && strstr((*fix)->dir, "redress-http-") != NULL) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", (*fix)->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "httpfix: could not remove %s\n", (*fix)->dir);
	}
	pthread_mutex_destroy(&(*fix)->fail_lock);
	free(*fix);
	*fix = NULL;
}

struct httpfix_account *
httpfix_account(struct httpfix *fix, const char *name)
{
	size_t i;

	for (i = 0; i < HTTPFIX_ACCOUNTS; i++)
		if (strcmp(fix->accounts[i].name, name) == 0)
			return &fix->accounts[i];
	return NULL;
}

/* ---- The server ----------------------------------------------------------- */

int
httpfix_server_start(struct httpfix *fix, struct httpfix_server *server, int tls, unsigned threads)
{
	char fd_text[16], threads_text[16], port_text[32];
	struct pollfd pfd;
	int pipe_fds[2];
	ssize_t n;
	size_t have = 0;
	pid_t pid;

	memset(server, 0, sizeof(*server));
	pthread_mutex_init(&server->tally_lock, NULL);
	server->tally = calloc((http_routes_count + 1) * HTTPFIX_STATUS_MAX, sizeof(*server->tally));
	server->tls = tls;
	snprintf(server->errlog, sizeof(server->errlog), "%s/serve-%s.err", fix->dir, tls ? "tls" : "http");
	if (server->tally == NULL || pipe(pipe_fds) != 0)
		return -1;
	snprintf(fd_text, sizeof(fd_text), "%d", pipe_fds[1]);
	snprintf(threads_text, sizeof(threads_text), "%u", threads);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		char *argv[] = {(char *)fix->redress,
		                (char *)"--db",
		                fix->db,
		                (char *)"--keys",
		                fix->keys,
		                (char *)"serve",
		                (char *)"--listen",
		                (char *)"127.0.0.1:0",
		                (char *)"--ready-fd",
		                fd_text,
		                (char *)"--threads",
		                threads_text,
		                tls ? (char *)"--tls-cert" : NULL,
		                fix->cert,
		                (char *)"--tls-key",
		                fix->key,
		                NULL};
		int fd = open(server->errlog, O_WRONLY | O_CREAT | O_APPEND, 0600);

		close(pipe_fds[0]);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	server->pid = pid;
	close(pipe_fds[1]);
	pfd.fd = pipe_fds[0];
	pfd.events = POLLIN;
	while (have < sizeof(port_text) - 1 && poll(&pfd, 1, 60000) > 0) {
		if ((n = read(pipe_fds[0], port_text + have, sizeof(port_text) - 1 - have)) <= 0)
			break;
		have += (size_t)n;
	}
	close(pipe_fds[0]);
	port_text[have] = '\0';
	server->port = (unsigned)strtoul(port_text, NULL, 10);
	if (server->port == 0) {
		fprintf(stderr, "httpfix: the server did not say its port\n");
		httpfix_server_stop(server);
		return -1;
	}
	snprintf(server->base, sizeof(server->base), "%s://127.0.0.1:%u", tls ? "https" : "http",
	         server->port);
	return 0;
}

/* The last lines of a file, to stderr: what a server said before it ended. */
static void
httpfix_print_tail(const char *path, size_t lines)
{
	char line[1024];
	char(*ring)[1024] = calloc(lines, sizeof(*ring));
	size_t n = 0, i;
	FILE *f;

	if (ring == NULL || (f = fopen(path, "r")) == NULL) {
		free(ring);
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL)
		memcpy(ring[n++ % lines], line, sizeof(line));
	fclose(f);
	for (i = n > lines ? n - lines : 0; i < n; i++)
		fputs(ring[i % lines], stderr);
	free(ring);
}

int
httpfix_server_stop(struct httpfix_server *server)
{
	int status, i;

	if (server->pid <= 0)
		return -1;
	kill(server->pid, SIGTERM);
	for (i = 0; i < 600; i++) {
		pid_t got = waitpid(server->pid, &status, WNOHANG);

		if (got == server->pid) {
			server->pid = 0;
			if (WIFEXITED(status))
				return WEXITSTATUS(status);
			/* A server that dies on SIGTERM is a defect: say how, with what it last wrote. */
			fprintf(stderr, "httpfix: the server ended on signal %d (%s); the end of %s:\n",
			        WIFSIGNALED(status) ? WTERMSIG(status) : 0,
			        WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "not a signal",
			        server->errlog);
			httpfix_print_tail(server->errlog, 20);
			return -1;
		}
		usleep(100 * 1000);
	}
	fprintf(stderr, "httpfix: the server did not stop within 60 s of SIGTERM; the end of %s:\n",
	        server->errlog);
	httpfix_print_tail(server->errlog, 20);
	kill(server->pid, SIGKILL);
	waitpid(server->pid, &status, 0);
	server->pid = 0;
	return -1;
}

void
httpfix_server_free(struct httpfix_server *server)
{
	if (server->pid > 0)
		httpfix_server_stop(server);
	free(server->tally);
	server->tally = NULL;
	pthread_mutex_destroy(&server->tally_lock);
}

/* ---- The client ----------------------------------------------------------- */

void
httpfix_client_init(struct httpfix_client *c, struct httpfix *fix, struct httpfix_server *server,
                    const char *source)
{
	memset(c, 0, sizeof(*c));
	c->fix = fix;
	c->server = server;
	c->curl = curl_easy_init();
	snprintf(c->source, sizeof(c->source), "%s", source != NULL ? source : "");
}

void
httpfix_client_free(struct httpfix_client *c)
{
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	c->curl = NULL;
}

struct sink {
	char *data;
	size_t len;
	int too_large;
};

static int
sink_add(struct sink *s, const char *data, size_t len)
{
	char *grown;

	if (s->len + len > BODY_MAX) {
		s->too_large = 1;
		return -1;
	}
	if ((grown = realloc(s->data, s->len + len + 1)) == NULL)
		return -1;
	s->data = grown;
	memcpy(s->data + s->len, data, len);
	s->len += len;
	s->data[s->len] = '\0';
	return 0;
}

static size_t
on_data(char *data, size_t size, size_t n, void *userdata)
{
	return sink_add(userdata, data, size * n) == 0 ? size * n : 0;
}

int
httpfix_header(const struct httpfix_response *res, const char *name, char *out, size_t size)
{
	const char *p = res->headers;
	size_t name_len = strlen(name);

	if (size > 0)
		out[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, name_len) == 0 && p[name_len] == ':') {
			const char *v = p + name_len + 1;
			size_t len;

			while (*v == ' ')
				v++;
			len = strcspn(v, "\r\n");
			snprintf(out, size, "%.*s", (int)len, v);
			return 1;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return 0;
}

void
httpfix_error_code(const struct httpfix_response *res, char *out, size_t size)
{
	json_t *v = res->body != NULL ? json_loads(res->body, 0, NULL) : NULL;
	const char *code = NULL;

	json_unpack(v, "{s:{s:s}}", "error", "code", &code);
	snprintf(out, size, "%s", code != NULL ? code : "");
	json_decref(v);
}

static void
header_failure(struct httpfix *fix, const char *what, const struct httpfix_request *req, long status)
{
	pthread_mutex_lock(&fix->fail_lock);
	if (fix->header_failures++ == 0)
		snprintf(fix->first_failure, sizeof(fix->first_failure), "%s %s answered %ld: %s",
		         req->method != NULL ? req->method : "GET", req->path, status, what);
	pthread_mutex_unlock(&fix->fail_lock);
}

/* The security headers every answer of ours carries. */
static void
check_security_headers(struct httpfix *fix, const struct httpfix_request *req,
                       const struct httpfix_response *res)
{
	char value[512];

	if (!httpfix_header(res, "Content-Security-Policy", value, sizeof(value)) ||
	    strstr(value, "frame-ancestors 'none'") == NULL || strstr(value, "unsafe-inline") != NULL ||
	    strstr(value, "default-src") == NULL)
		header_failure(fix, "Content-Security-Policy missing or weak", req, res->status);
	if (!httpfix_header(res, "X-Content-Type-Options", value, sizeof(value)) ||
	    strcmp(value, "nosniff") != 0)
		header_failure(fix, "X-Content-Type-Options: nosniff missing", req, res->status);
	if (!httpfix_header(res, "Referrer-Policy", value, sizeof(value)) || value[0] == '\0')
		header_failure(fix, "Referrer-Policy missing", req, res->status);
}

/* Every error answer goes to errors.log, for the privacy check to read. */
static void
keep_error(struct httpfix *fix, const struct httpfix_response *res)
{
	FILE *f;

	pthread_mutex_lock(&fix->fail_lock);
	if ((f = fopen(fix->errors, "ab")) != NULL) {
		fwrite(res->body, 1, res->len, f);
		fputc('\n', f);
		fclose(f);
	}
	pthread_mutex_unlock(&fix->fail_lock);
}

static void
tally(struct httpfix_server *server, const struct httpfix_request *req, long status)
{
	char path[HTTP_PATH_MAX + 1];
	struct http_params params;
	long route;

	if (req->untallied || status <= 0 || status >= HTTPFIX_STATUS_MAX)
		return;
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(req->path, "?"), req->path);
	route = http_route_match(http_routes, http_routes_count,
	                         http_method_parse(req->method != NULL ? req->method : "GET"), path, &params,
	                         NULL);
	pthread_mutex_lock(&server->tally_lock);
	server
	    ->tally[(route >= 0 ? (size_t)route : http_routes_count) * HTTPFIX_STATUS_MAX + (size_t)status]++;
	pthread_mutex_unlock(&server->tally_lock);
}

CURLcode
httpfix_do(struct httpfix_client *c, const struct httpfix_request *req, struct httpfix_response *res)
{
	struct curl_slist *headers = NULL;
	struct sink body = {NULL, 0, 0}, head = {NULL, 0, 0};
	const struct httpfix_principal *as = req->as;
	const char *method = req->method != NULL ? req->method : "GET";
	char url[HTTP_PATH_MAX + 128], line[512], source[48];

	memset(res, 0, sizeof(*res));
	curl_easy_reset(c->curl);
	snprintf(url, sizeof(url), "%s%s", c->server->base, req->path);
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, &head);
	if (c->server->tls) {
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (c->source[0] != '\0') {
		snprintf(source, sizeof(source), "host!%s", c->source);
		curl_easy_setopt(c->curl, CURLOPT_INTERFACE, source);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c->curl, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST, method);
	if (req->body != NULL) {
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
		                 (curl_off_t)(req->body_len != 0 ? req->body_len : strlen(req->body)));
		snprintf(line, sizeof(line), "Content-Type: %s",
		         req->content_type != NULL ? req->content_type : "application/json");
		headers = curl_slist_append(headers, line);
	} else if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		/* A change without a body: say so, rather than let curl wait for one. */
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	headers = curl_slist_append(headers, "Expect:");
	if (as != NULL && as->auth == HTTPFIX_COOKIE) {
		snprintf(line, sizeof(line), "Cookie: %s", as->cookie);
		headers = curl_slist_append(headers, line);
		if (!req->no_csrf && strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
			snprintf(line, sizeof(line), "X-CSRF-Token: %s", as->csrf);
			headers = curl_slist_append(headers, line);
		}
	} else if (as != NULL && as->auth == HTTPFIX_BEARER) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", as->account->token);
		headers = curl_slist_append(headers, line);
	}
	if (req->idempotency_key != NULL) {
		snprintf(line, sizeof(line), "Idempotency-Key: %s", req->idempotency_key);
		headers = curl_slist_append(headers, line);
	}
	if (req->header != NULL)
		headers = curl_slist_append(headers, req->header);
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, headers);
	res->rc = curl_easy_perform(c->curl);
	curl_slist_free_all(headers);
	if (res->rc == CURLE_OK)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &res->status);
	res->body = body.data != NULL ? body.data : strdup("");
	res->len = body.len;
	res->headers = head.data != NULL ? head.data : strdup("");
	res->headers_len = head.len;
	if (res->rc == CURLE_OK) {
		/* 431 and the like come from libmicrohttpd itself, before any handler runs. */
		if (res->status != 431)
			check_security_headers(c->fix, req, res);
		tally(c->server, req, res->status);
		if (res->status >= 400)
			keep_error(c->fix, res);
	}
	return res->rc;
}

void
httpfix_response_free(struct httpfix_response *res)
{
	free(res->body);
	free(res->headers);
	res->body = res->headers = NULL;
}

/* ---- Signing in ------------------------------------------------------------- */

void
httpfix_totp_at(const struct httpfix_account *account, uint64_t step, char out[16])
{
	char *secret = NULL;
	size_t len = 0;

	out[0] = '\0';
	if (oath_base32_decode(account->totp, strlen(account->totp), &secret, &len) != OATH_OK)
		return;
	oath_totp_generate(secret, len, (time_t)(step * 30), 30, 0, 6, out);
	free(secret);
}

void
httpfix_totp_code(struct httpfix_account *account, char out[16])
{
	uint64_t step, now = (uint64_t)time(NULL) / 30;

	/* A step the server accepts (its own, or one either side) and newer than the last used. */
	step = account->last_step + 1 > now ? account->last_step + 1 : now;
	while (step > (uint64_t)time(NULL) / 30 + 1)
		sleep(1);
	account->last_step = step;
	httpfix_totp_at(account, step, out);
}

CURLcode
httpfix_sign_in_raw(struct httpfix_client *c, const char *name, const char *password, const char *totp,
                    const char *header, struct httpfix_response *res)
{
	struct httpfix_request req = {0};
	json_t *body = json_pack("{s:s, s:s}", "username", name, "password", password);
	char *text;
	CURLcode rc;

	if (totp != NULL && totp[0] != '\0')
		json_object_set_new(body, "totp", json_string(totp));
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	req.method = "POST";
	req.path = "/api/v1/session";
	req.body = text;
	req.header = header;
	rc = httpfix_do(c, &req, res);
	free(text);
	return rc;
}

long
httpfix_sign_in(struct httpfix_client *c, struct httpfix_account *account, struct httpfix_principal *p)
{
	struct httpfix_response res;
	char code[16] = "", cookie[256];
	const char *csrf = NULL;
	json_t *answer;
	long status;

	memset(p, 0, sizeof(*p));
	p->account = account;
	p->auth = HTTPFIX_NOBODY;
	if (account->totp[0] != '\0')
		httpfix_totp_code(account, code);
	if (httpfix_sign_in_raw(c, account->name, account->password, code, NULL, &res) != CURLE_OK) {
		httpfix_response_free(&res);
		return -1;
	}
	status = res.status;
	if (status == 201 && httpfix_header(&res, "Set-Cookie", cookie, sizeof(cookie)) &&
	    (answer = json_loads(res.body, 0, NULL)) != NULL) {
		if (json_unpack(answer, "{s:s}", "csrf_token", &csrf) == 0) {
			snprintf(p->cookie, sizeof(p->cookie), "%.*s", (int)strcspn(cookie, ";"), cookie);
			snprintf(p->csrf, sizeof(p->csrf), "%s", csrf);
			p->auth = HTTPFIX_COOKIE;
		}
		json_decref(answer);
	}
	httpfix_response_free(&res);
	return status;
}

void
httpfix_bearer(struct httpfix_account *account, struct httpfix_principal *p)
{
	memset(p, 0, sizeof(*p));
	p->account = account;
	p->auth = HTTPFIX_BEARER;
}

uint64_t
httpfix_tree_size(struct httpfix_client *c)
{
	struct httpfix_request req = {0};
	struct httpfix_response res;
	json_int_t size = -1;
	json_t *v;

	req.path = "/healthz";
	if (httpfix_do(c, &req, &res) == CURLE_OK && res.status == 200 &&
	    (v = json_loads(res.body, 0, NULL)) != NULL) {
		json_unpack(v, "{s:I}", "tree_size", &size);
		json_decref(v);
	}
	httpfix_response_free(&res);
	return size < 0 ? UINT64_MAX : (uint64_t)size;
}
