/*
 * store_sqlite.c -- the SQLite backend: one connection, WAL journal,
 * synchronous=FULL so that a committed transaction survives a crash or a
 * power cut, and BEGIN IMMEDIATE so that writers queue on the lock instead
 * of failing half-way.  The database file is read through a memory map (up
 * to 1 GiB): a page is then read where the kernel keeps it, without a
 * system call and a copy into each connection's cache, which the server's
 * readers would otherwise pay again after every commit that invalidates
 * their caches.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/store_backend.h"

#define SQLITE_BUSY_TIMEOUT_MS 10000

static enum redress_err
sqlite_fail(sqlite3 *db, const char *what, struct redress_error *err)
{
	return error_set(err, REDRESS_E_STORE, "%s: %s", what,
	                 db != NULL ? sqlite3_errmsg(db) : "no connection");
}

static enum redress_err
sqlite_exec(void *conn, const char *sql, struct redress_error *err)
{
	char *msg = NULL;

	if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
		error_set(err, REDRESS_E_STORE, "database statement failed: %s",
		          msg != NULL ? msg : "unknown");
		sqlite3_free(msg);
		return REDRESS_E_STORE;
	}
	return REDRESS_OK;
}

static enum redress_err
sqlite_open(const char *location, enum store_open_flags flags, void **conn_r, struct redress_error *err)
{
	sqlite3 *db = NULL;
	int memory = strcmp(location, ":memory:") == 0;
	int oflags;
	enum redress_err rc;

	oflags = (flags & STORE_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	if (flags & STORE_OPEN_CREATE)
		oflags |= SQLITE_OPEN_CREATE;
	oflags |= SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(location, &db, oflags, NULL) != SQLITE_OK) {
		error_set(err, REDRESS_E_STORE, "cannot open database '%.200s': %s%s", location,
		          db != NULL ? sqlite3_errmsg(db) : "out of memory",
		          (flags & STORE_OPEN_CREATE) ? "" : " (run 'redress init' to create one)");
		sqlite3_close(db);
		return REDRESS_E_STORE;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, SQLITE_BUSY_TIMEOUT_MS);
	/* A file that is not a database fails here, on its first read. */
	rc = sqlite_exec(db,
	                 memory ? "PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144;"
	                        : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	                          " PRAGMA cache_size=-65536; PRAGMA secure_delete=ON;"
	                          " PRAGMA mmap_size=1073741824;",
	                 err);
	if (rc != REDRESS_OK) {
		error_prefix(err, "cannot use database '%.200s'", location);
		sqlite3_close(db);
		return rc;
	}
	*conn_r = db;
	return REDRESS_OK;
}

/*
 * secure_delete has zeroed what was deleted in the pages the journal holds
 * now; older copies of those pages stay in the journal until a checkpoint
 * moves it into the database and TRUNCATE empties the file.
 */
static enum redress_err
sqlite_scrub(void *conn, struct redress_error *err)
{
	int log = 0, done = 0;

	if (sqlite3_wal_checkpoint_v2(conn, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done) != SQLITE_OK)
		return sqlite_fail(conn, "the journal could not be emptied (is another process reading? try again)",
		                   err);
	return REDRESS_OK;
}

/*
 * One sqlite3_backup_step(-1) copies every page under one read
 * transaction: a snapshot of the last commit, taken while writers go on
 * (WAL lets them).  The copy is made in rollback-journal mode, then
 * switched to WAL as the fund's files are.
 */
static enum redress_err
sqlite_backup(void *conn, const char *dest, struct redress_error *err)
{
	sqlite3_backup *b;
	sqlite3 *out = NULL;
	enum redress_err rc = REDRESS_OK;
	int r;

	if (access(dest, F_OK) == 0)
		return error_set(err, REDRESS_E_IO, "'%.200s' already exists: refusing to overwrite it",
		                 dest);
	if (sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE,
	                    NULL) != SQLITE_OK) {
		rc = error_set(err, REDRESS_E_IO, "cannot create the copy '%.200s': %s", dest,
		               out != NULL ? sqlite3_errmsg(out) : "out of memory");
		goto out;
	}
	if ((b = sqlite3_backup_init(out, "main", conn, "main")) == NULL) {
		rc = sqlite_fail(out, "cannot start the copy of the database", err);
		goto out;
	}
	do {
		r = sqlite3_backup_step(b, -1);
		if (r == SQLITE_BUSY || r == SQLITE_LOCKED)
			sqlite3_sleep(50);
	} while (r == SQLITE_OK || r == SQLITE_BUSY || r == SQLITE_LOCKED);
	if (sqlite3_backup_finish(b) != SQLITE_OK || r != SQLITE_DONE) {
		rc = sqlite_fail(out, "the copy of the database failed", err);
		goto out;
	}
	rc = sqlite_exec(out, "PRAGMA journal_mode=WAL;", err);
out:
	if (out != NULL && sqlite3_close(out) != SQLITE_OK && rc == REDRESS_OK)
		rc = error_set(err, REDRESS_E_IO, "cannot close the copy '%.200s'", dest);
	if (rc != REDRESS_OK)
		remove(dest);
	return rc;
}

static void
sqlite_close(void *conn)
{
	sqlite3_close(conn);
}

static const char *
sqlite_location(void *conn)
{
	const char *name = sqlite3_db_filename(conn, "main");

	return name != NULL && name[0] != '\0' ? name : NULL;
}

static enum redress_err
sqlite_begin(void *conn, struct redress_error *err)
{
	return sqlite_exec(conn, "BEGIN IMMEDIATE", err);
}

static enum redress_err
sqlite_begin_read(void *conn, struct redress_error *err)
{
	return sqlite_exec(conn, "BEGIN DEFERRED", err);
}

static enum redress_err
sqlite_commit(void *conn, struct redress_error *err)
{
	return sqlite_exec(conn, "COMMIT", err);
}

static void
sqlite_rollback(void *conn)
{
	sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
}

static enum redress_err
sqlite_prepare(void *conn, const struct store_query *q, void **stmt_r, struct redress_error *err)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v3(conn, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK)
		return error_set(err, REDRESS_E_STORE, "query %s cannot be prepared: %s", q->name,
		                 sqlite3_errmsg(conn));
	*stmt_r = st;
	return REDRESS_OK;
}

static void
sqlite_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void
sqlite_reset(void *stmt)
{
	/* No sqlite3_clear_bindings: store.h has callers bind every parameter. */
	sqlite3_reset(stmt);
}

static void
sqlite_bind_int64(void *stmt, int index, int64_t value)
{
	sqlite3_bind_int64(stmt, index, value);
}

static void
sqlite_bind_text(void *stmt, int index, const char *text)
{
	if (text == NULL)
		sqlite3_bind_null(stmt, index);
	else
		sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT);
}

static void
sqlite_bind_blob(void *stmt, int index, const void *data, size_t len)
{
	sqlite3_bind_blob64(stmt, index, data, len, SQLITE_TRANSIENT);
}

static void
sqlite_bind_null(void *stmt, int index)
{
	sqlite3_bind_null(stmt, index);
}

static enum store_step_result
sqlite_step(void *conn, void *stmt, const struct store_query *q, struct redress_error *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		error_set(err, REDRESS_E_CONFLICT, "query %s violates a constraint: %s", q->name,
		          sqlite3_errmsg(conn));
	else
		sqlite_fail(conn, q->name, err);
	return STORE_ERROR;
}

static int
sqlite_column_count(void *stmt)
{
	return sqlite3_column_count(stmt);
}

static const char *
sqlite_column_name(void *stmt, int index)
{
	return sqlite3_column_name(stmt, index);
}

static int
sqlite_column_is_null(void *stmt, int index)
{
	return sqlite3_column_type(stmt, index) == SQLITE_NULL;
}

static int
sqlite_column_is_integer(void *stmt, int index)
{
	return sqlite3_column_type(stmt, index) == SQLITE_INTEGER;
}

static int64_t
sqlite_column_int64(void *stmt, int index)
{
	return sqlite3_column_int64(stmt, index);
}

static const char *
sqlite_column_text(void *stmt, int index)
{
	const unsigned char *t = sqlite3_column_text(stmt, index);

	return t != NULL ? (const char *)t : "";
}

static const void *
sqlite_column_blob(void *stmt, int index, size_t *len_r)
{
	const void *p = sqlite3_column_blob(stmt, index);

	*len_r = (size_t)sqlite3_column_bytes(stmt, index);
	return p;
}

static int64_t
sqlite_changes(void *conn)
{
	return sqlite3_changes64(conn);
}

const struct store_backend store_backend_sqlite = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .location = sqlite_location,
    .exec = sqlite_exec,
    .scrub = sqlite_scrub,
    .backup = sqlite_backup,
    .begin = sqlite_begin,
    .begin_read = sqlite_begin_read,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .prepare = sqlite_prepare,
    .finalize = sqlite_finalize,
    .reset = sqlite_reset,
    .bind_int64 = sqlite_bind_int64,
    .bind_text = sqlite_bind_text,
    .bind_blob = sqlite_bind_blob,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .column_count = sqlite_column_count,
    .column_name = sqlite_column_name,
    .column_is_null = sqlite_column_is_null,
    .column_is_integer = sqlite_column_is_integer,
    .column_int64 = sqlite_column_int64,
    .column_text = sqlite_column_text,
    .column_blob = sqlite_column_blob,
    .changes = sqlite_changes,
};
