/*
 * logfix.c -- the shared fixture of the domain modules' cmocka tests.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "logfix.h"

#include "crypto/hash.h"
#include "log/audit.h"

/*
 * With REDRESS_TEST_PG set to a throwaway cluster's directory
 * (scripts/pg-cluster, started by tests/pg/run.sh), each fixture is a new
 * PostgreSQL database of that cluster, dropped by logfix_free; else a
 * SQLite file.  The database is made and dropped through the store itself.
 */
static void
logfix_pg_admin(const char *sql)
{
	const char *dir = getenv("REDRESS_TEST_PG");
	char uri[256], port[16] = "";
	struct store *admin = NULL;
	struct redress_error err;
	FILE *pf;

	snprintf(uri, sizeof(uri), "%s/port", dir);
	assert_non_null(pf = fopen(uri, "r"));
	assert_non_null(fgets(port, sizeof(port), pf));
	fclose(pf);
	port[strcspn(port, "\n")] = '\0';
	snprintf(uri, sizeof(uri), "postgresql://redress@/postgres?host=%s&port=%s", dir, port);
	if (store_open(uri, STORE_OPEN_EXISTING, &admin, &err) != REDRESS_OK ||
	    store_exec(admin, sql, &err) != REDRESS_OK)
		fail_msg("%s: %s", sql, err.message);
	store_close(&admin);
}

/* The fixture's database: f->db names it; on PostgreSQL it is made now. */
static void
logfix_database(struct logfix *f)
{
	static unsigned made;
	const char *dir = getenv("REDRESS_TEST_PG");
	char sql[96], port[16] = "", path[200];
	FILE *pf;

	if (dir == NULL || dir[0] == '\0') {
		snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
		return;
	}
	snprintf(f->pg_name, sizeof(f->pg_name), "t_%ld_%u", (long)getpid(), ++made);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", f->pg_name);
	logfix_pg_admin(sql);
	snprintf(path, sizeof(path), "%s/port", dir);
	assert_non_null(pf = fopen(path, "r"));
	assert_non_null(fgets(port, sizeof(port), pf));
	fclose(pf);
	port[strcspn(port, "\n")] = '\0';
	assert_true(snprintf(f->db, sizeof(f->db), "postgresql://redress@/%s?host=%s&port=%s", f->pg_name,
	                     dir, port) < (int)sizeof(f->db));
}

struct logfix *
logfix_new(const struct event_module *const *modules, const char *origin)
{
	struct logfix *f = calloc(1, sizeof(*f));
	struct redress_error err;

	assert_non_null(f);
	assert_int_equal(crypto_setup(&err), REDRESS_OK);
	snprintf(f->dir, sizeof(f->dir), "/tmp/redress-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	logfix_database(f);
	snprintf(f->keys, sizeof(f->keys), "%s/t.keys", f->dir);
	assert_int_equal(keydir_create(f->keys, &err), REDRESS_OK);
	assert_int_equal(keydir_open(f->keys, &f->kd, &err), REDRESS_OK);
	assert_int_equal(store_open(f->db, STORE_OPEN_CREATE, &f->store, &err), REDRESS_OK);
	assert_int_equal(tlog_create(f->store, keydir_log_key(f->kd), origin, "os:tester", modules, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_open(f->store, keydir_log_key(f->kd), modules, &f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_set_actor(f->log, "os:tester", &err), REDRESS_OK);
	return f;
}

/* Adds name with role as actor, in a change of its own, with the log's actor log_actor. */
static void
add_account(struct logfix *f, const struct actor *actor, const char *log_actor, const char *name,
            enum role role)
{
	struct redress_error err;

	assert_int_equal(tlog_set_actor(f->log, log_actor, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (users_add(f->log, actor, keydir_master_key(f->kd), name, role, "logfix-password-0", &err) !=
	    REDRESS_OK)
		fail_msg("adding account %s: %s", name, err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

/* Adds name as an admin: past the first, an account made admin by a change of role (users_role_set). */
static void
add_admin(struct logfix *f, const struct actor *root, const char *name)
{
	struct redress_error err;
	int pending = 0;

	add_account(f, root, "user:root", name, ROLE_CASEWORKER);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (users_role_set(f->log, root, keydir_master_key(f->kd), name, ROLE_ADMIN, &pending, &err) !=
	        REDRESS_OK ||
	    pending)
		fail_msg("making %s admin: %s", name, pending ? "it waits for a second admin" : err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

void
logfix_account(struct logfix *f, const char *name, enum role role)
{
	struct users_account a;
	struct redress_error err;
	struct actor boot, root;
	char log_actor[USER_NAME_MAX + 8];
	uint64_t n;

	if (users_account_get(f->store, name, &a, &err) != REDRESS_OK) {
		assert_int_equal(users_count(f->store, &n, &err), REDRESS_OK);
		if (n == 0) {
			users_bootstrap_actor("os:tester", &boot);
			add_account(f, &boot, "os:tester", "root", ROLE_ADMIN);
		}
		memset(&root, 0, sizeof(root));
		snprintf(root.name, sizeof(root.name), "root");
		root.role = ROLE_ADMIN;
		if (strcmp(name, "root") != 0 && role != ROLE_ADMIN)
			add_account(f, &root, "user:root", name, role);
		if (strcmp(name, "root") != 0 && role == ROLE_ADMIN)
			add_admin(f, &root, name);
	}
	snprintf(log_actor, sizeof(log_actor), "user:%s", name);
	assert_int_equal(tlog_set_actor(f->log, log_actor, &err), REDRESS_OK);
}

void
logfix_free(struct logfix *f)
{
	char cmd[256];

	tlog_close(&f->log);
	store_close(&f->store);
	keydir_close(&f->kd);
	if (f->pg_name[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "DROP DATABASE %s WITH (FORCE)", f->pg_name);
		logfix_pg_admin(cmd);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
}

uint64_t
logfix_size(struct logfix *f)
{
	struct redress_error err;
	uint64_t size;

	assert_int_equal(tlog_size(f->log, &size, &err), REDRESS_OK);
	return size;
}

/* Runs the audit into a fresh report, which the caller frees. */
static struct audit_report *
audit(struct logfix *f)
{
	struct audit_report *r = calloc(1, sizeof(*r));
	struct redress_error err;

	assert_non_null(r);
	if (audit_verify(f->log, sign_key_public(keydir_log_key(f->kd)), r, &err) != REDRESS_OK)
		fail_msg("audit: %s", err.message);
	return r;
}

void
logfix_audit_clean(struct logfix *f)
{
	struct audit_report *r = audit(f);
	unsigned i, kept = 0;

	/*
	 * The fixtures set their scene as the bootstrap OS user even after
	 * they added accounts, which the command line never allows and audit
	 * names (users_gate.c); test_users tests that finding.  Every other
	 * finding fails the test.
	 */
	for (i = 0; i < r->nfindings; i++)
		if (strstr(r->findings[i], "the operating-system user, after the fund had staff accounts") ==
		    NULL) {
			fprintf(stderr, "finding: %s\n", r->findings[i]);
			kept++;
		}
	assert_int_equal(kept, 0);
	assert_int_equal(r->events, logfix_size(f));
	assert_int_equal(r->replayed, 0);
	free(r);
}

void
logfix_audit_finds(struct logfix *f, const char *needle)
{
	struct audit_report *r = audit(f);
	unsigned i;
	int found = 0;

	for (i = 0; i < r->nfindings; i++)
		if (strstr(r->findings[i], needle) != NULL)
			found = 1;
	if (!found)
		for (i = 0; i < r->nfindings; i++)
			fprintf(stderr, "finding: %s\n", r->findings[i]);
	free(r);
	if (!found)
		fail_msg("no finding contains '%s'", needle);
}

void
logfix_tamper(struct logfix *f, const char *sql)
{
	struct redress_error err;

	assert_int_equal(store_exec(f->store, sql, &err), REDRESS_OK);
}

void
logfix_append(struct tlog *log, int n, const char *what)
{
	struct redress_error err;
	char data[64];
	int i;

	assert_int_equal(tlog_begin(log, &err), REDRESS_OK);
	for (i = 0; i < n; i++) {
		snprintf(data, sizeof(data), "{\"i\":%d,\"what\":\"%s\"}", i, what);
		assert_int_equal(tlog_append(log, "test.event", data, strlen(data), NULL, &err), REDRESS_OK);
	}
	assert_int_equal(tlog_commit(log, &err), REDRESS_OK);
}

/* Appends the bytes of the file at path to *data (of *len bytes). */
static void
logfix_append_file(const char *path, char **data, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (fp == NULL)
		return;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		size_t total;
		char *grown;

		assert_false(__builtin_add_overflow(*len, n, &total));
		assert_non_null(grown = realloc(*data, total + 1));
		memcpy(grown + *len, chunk, n);
		*data = grown;
		*len = total;
	}
	fclose(fp);
}

/* Appends every regular file under dir. */
static void
logfix_append_dir(const char *dir, char **data, size_t *len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];
	struct stat st;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			logfix_append_dir(path, data, len);
		else if (S_ISREG(st.st_mode))
			logfix_append_file(path, data, len);
	}
	closedir(d);
}

static const struct store_query logfix_q_dboid = {
    "logfix.dboid", "SELECT oid::bigint FROM pg_database WHERE datname = current_database()"};

char *
logfix_db_bytes(struct logfix *f, size_t *len_r)
{
	char path[300];
	char *data = NULL;
	struct redress_error err;

	*len_r = 0;
	if (f->pg_name[0] == '\0') {
		logfix_append_file(f->db, &data, len_r);
		snprintf(path, sizeof(path), "%s-wal", f->db);
		logfix_append_file(path, &data, len_r);
	} else {
		struct store_stmt *st = store_query(f->store, &logfix_q_dboid, &err);

		assert_non_null(st);
		assert_int_equal(store_step(st, &err), STORE_ROW);
		snprintf(path, sizeof(path), "%s/data/base/%lld", getenv("REDRESS_TEST_PG"),
		         (long long)store_column_int64(st, 0));
		store_done(st);
		logfix_append_dir(path, &data, len_r);
		snprintf(path, sizeof(path), "%s/data/pg_wal", getenv("REDRESS_TEST_PG"));
		logfix_append_dir(path, &data, len_r);
		assert_true(*len_r > 0);
	}
	return data;
}

/* Fails the test when a needle is in len bytes of data, naming what holds it. */
static void
assert_none_in(const char *what, const char *data, size_t len, const char *const *needles)
{
	size_t i;

	for (i = 0; data != NULL && needles[i] != NULL; i++)
		if (memmem(data, len, needles[i], strlen(needles[i])) != NULL)
			fail_msg("%s holds '%s' in clear", what, needles[i]);
}

void
logfix_assert_nowhere(struct logfix *f, const char *const *needles)
{
	struct redress_error err;
	char what[48];
	struct buf bytes;
	uint64_t seq, size = logfix_size(f);
	size_t len;
	char *data = logfix_db_bytes(f, &len);

	assert_non_null(data);
	assert_none_in("the database or its journal", data, len, needles);
	free(data);
	for (seq = 0; seq < size; seq++) {
		buf_init(&bytes, TLOG_EVENT_MAX);
		assert_int_equal(tlog_event_bytes(f->log, seq, &bytes, &err), REDRESS_OK);
		snprintf(what, sizeof(what), "event %llu", (unsigned long long)seq);
		assert_none_in(what, bytes.data, bytes.len, needles);
		buf_free(&bytes);
	}
}
