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
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store_backend.h"

#define SQLITE_BUSY_TIMEOUT_MS 10000
/*
 * The journal (write-ahead log) is copied back into the database by the
 * commit that takes it past SQLITE_WAL_PAGES pages (4 MiB), as SQLite's
 * automatic checkpoint does; it starts again from its beginning, and is
 * cut back to SQLITE_WAL_LIMIT_S bytes, only at a moment when no reader is
 * still reading from it, which a server under a steady stream of reads
 * may never have.  So past SQLITE_WAL_RESTART_PAGES the committing
 * connection also waits, briefly, for the readers to move on (a RESTART
 * checkpoint); when one keeps reading, it tries again 1000 pages later.
 * Both need that no connection keeps a snapshot open across requests
 * (store.c ends every read before and after each write).
 */
#define SQLITE_WAL_PAGES         1000
#define SQLITE_WAL_RESTART_PAGES 3000
#define SQLITE_WAL_RESTART_MS    50
#define SQLITE_WAL_LIMIT_S       "16777216"
#define SQLITE_SCRUB_PAUSE_MS    100

/* The error of redress's that a SQLite result code is. */
static enum redress_err
sqlite_code(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return REDRESS_E_BUSY;
	case SQLITE_FULL: return REDRESS_E_FULL;
	case SQLITE_NOMEM: return REDRESS_E_NOMEM;
	case SQLITE_IOERR: return rc == SQLITE_IOERR_NOMEM ? REDRESS_E_NOMEM : REDRESS_E_STORE_IO;
	case SQLITE_CORRUPT: return REDRESS_E_STORE_IO;
	case SQLITE_CONSTRAINT: return REDRESS_E_CONFLICT;
	default: return REDRESS_E_STORE;
	}
}

/* Fills err for a failure rc of what's, with the words that say what to do about it. */
static enum redress_err
sqlite_fail(sqlite3 *db, int rc, const char *what, struct redress_error *err)
{
	const char *msg = db != NULL ? sqlite3_errmsg(db) : "no connection";
	enum redress_err code = sqlite_code(rc);

	switch (code) {
	case REDRESS_E_BUSY:
		return error_set(err, code,
		                 "%s: the database is busy: another writer held it for more than %d s (%s); "
		                 "nothing was changed, try again",
		                 what, SQLITE_BUSY_TIMEOUT_MS / 1000, msg);
	case REDRESS_E_FULL:
		return error_set(err, code,
		                 "%s: the disk holding the database is full (%s); nothing was changed", what,
		                 msg);
	case REDRESS_E_STORE_IO:
		return error_set(err, code,
		                 "%s: the database's file could not be read or written, or is damaged (%s); "
		                 "run 'redress audit verify'",
		                 what, msg);
	case REDRESS_E_CONFLICT: return error_set(err, code, "query %s violates a constraint: %s", what, msg);
	default: return error_set(err, code, "%s: %s", what, msg);
	}
}

static enum redress_err
sqlite_exec(void *conn, const char *sql, struct redress_error *err)
{
	char *msg = NULL;
	int rc;

	if ((rc = sqlite3_exec(conn, sql, NULL, NULL, &msg)) != SQLITE_OK) {
		sqlite3_free(msg);
		return sqlite_fail(conn, rc, "database statement failed", err);
	}
	return REDRESS_OK;
}

/* The journal's size after each commit: see SQLITE_WAL_PAGES. */
static int
sqlite_wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	int *next_restart = arg;

	if (pages < SQLITE_WAL_PAGES)
		return SQLITE_OK;
	if (pages < *next_restart) {
		(void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	sqlite3_busy_timeout(db, SQLITE_WAL_RESTART_MS);
	if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, NULL, NULL) == SQLITE_OK)
		*next_restart = SQLITE_WAL_RESTART_PAGES;
	else
		*next_restart = pages + SQLITE_WAL_PAGES;
	sqlite3_busy_timeout(db, SQLITE_BUSY_TIMEOUT_MS);
	return SQLITE_OK;
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
	if (!memory && !(flags & STORE_OPEN_CREATE) && access(location, F_OK) != 0 && errno == ENOENT)
		return error_set(
		    err, REDRESS_E_NODB,
		    "there is no database at '%.200s' (run 'redress init' to create one, or give "
		    "--db)",
		    location);
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
	rc = sqlite_exec(
	    db,
	    memory ? "PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144;"
	           : "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	             " PRAGMA cache_size=-65536; PRAGMA secure_delete=ON;"
	             " PRAGMA mmap_size=1073741824; PRAGMA journal_size_limit=" SQLITE_WAL_LIMIT_S ";",
	    err);
	/*
	 * A read-only connection is one of an audit's three scans, which read
	 * each page once: mapped, the whole file (to 1 GiB) counts against the
	 * process once for each of them, so memory would grow with the fund.
	 * Unmapped, a scan is about 30% slower (bench_registry at 50,000
	 * people: peak 917 MiB mapped, 472 unmapped; issue 15 asks for flat
	 * memory under 1 GiB at any size).
	 */
	if (rc == REDRESS_OK && !memory && (flags & STORE_OPEN_READONLY))
		rc = sqlite_exec(db, "PRAGMA mmap_size=0;", err);
	if (rc != REDRESS_OK) {
		error_prefix(err, "cannot use database '%.200s'", location);
		sqlite3_close(db);
		return rc;
	}
	if (!memory) {
		int *next_restart = malloc(sizeof(*next_restart));

		if (next_restart == NULL) {
			sqlite3_close(db);
			return error_set(err, REDRESS_E_NOMEM, "out of memory opening '%.200s'", location);
		}
		*next_restart = SQLITE_WAL_RESTART_PAGES;
		sqlite3_wal_hook(db, sqlite_wal_hook, next_restart);
	}
	*conn_r = db;
	return REDRESS_OK;
}

/*
 * secure_delete has zeroed what was deleted in the pages the journal holds
 * now; older copies of those pages stay in the journal until a checkpoint
 * moves it into the database and TRUNCATE empties the file.  While it waits
 * for readers a TRUNCATE checkpoint holds the write lock, so each try waits
 * only SQLITE_WAL_RESTART_MS: a caller who waits (the command line) tries
 * again every SQLITE_SCRUB_PAUSE_MS until SQLITE_BUSY_TIMEOUT_MS have
 * passed, and other writers (a server beside it) go on in between.
 */
static enum redress_err
sqlite_scrub(void *conn, int wait, struct redress_error *err)
{
	int tries = wait ? SQLITE_BUSY_TIMEOUT_MS / (SQLITE_WAL_RESTART_MS + SQLITE_SCRUB_PAUSE_MS) : 1;
	int log = 0, done = 0, rc = SQLITE_BUSY;

	sqlite3_busy_timeout(conn, SQLITE_WAL_RESTART_MS);
	while (tries-- > 0) {
		rc = sqlite3_wal_checkpoint_v2(conn, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
		if ((rc & 0xff) != SQLITE_BUSY || tries == 0)
			break;
		usleep(SQLITE_SCRUB_PAUSE_MS * 1000);
	}
	sqlite3_busy_timeout(conn, SQLITE_BUSY_TIMEOUT_MS);
	if ((rc & 0xff) == SQLITE_BUSY)
		return error_set(err, REDRESS_E_BUSY,
		                 "the journal could not be emptied: another process kept reading the "
		                 "database for more than %d ms; try again when it is done",
		                 wait ? SQLITE_BUSY_TIMEOUT_MS : SQLITE_WAL_RESTART_MS);
	if (rc != SQLITE_OK)
		return sqlite_fail(conn, rc, "the journal could not be emptied", err);
	return REDRESS_OK;
}

static const char *
sqlite_location(void *conn)
{
	const char *name = sqlite3_db_filename(conn, "main");

	return name != NULL && name[0] != '\0' ? name : NULL;
}

/* Runs pragma (integrity_check or quick_check): REDRESS_OK when sound. */
static enum redress_err
sqlite_check_with(void *conn, const char *pragma, struct redress_error *err)
{
	char found[REDRESS_ERROR_MAX] = "";
	sqlite3_stmt *st = NULL;
	size_t used = 0;
	int rc, ok = 0;

	if ((rc = sqlite3_prepare_v2(conn, pragma, -1, &st, NULL)) != SQLITE_OK)
		return sqlite_fail(conn, rc, "integrity check", err);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		if (line == NULL)
			continue;
		if (strcmp(line, "ok") == 0) {
			ok = 1;
			continue;
		}
		if (used < sizeof(found) - 1)
			used += (size_t)snprintf(found + used, sizeof(found) - used, "%s%s",
			                         used > 0 ? "; " : "", line);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CORRUPT && (rc & 0xff) != SQLITE_NOTADB)
		return sqlite_fail(conn, rc, "integrity check", err);
	if (ok && rc == SQLITE_DONE)
		return REDRESS_OK;
	return error_set(
	    err, REDRESS_E_STORE_IO,
	    "storage damaged (SQLite's integrity check, not a change behind the log's back): %.300s;"
	    " restore the database from a backup",
	    found[0] != '\0' ? found : sqlite3_errmsg(conn));
}

static enum redress_err
sqlite_check(void *conn, struct redress_error *err)
{
	return sqlite_check_with(conn, "PRAGMA integrity_check(8)", err);
}

/* The pages and their b-trees, without matching every index to its table: several times cheaper. */
static enum redress_err
sqlite_check_quick(void *conn, struct redress_error *err)
{
	return sqlite_check_with(conn, "PRAGMA quick_check(8)", err);
}

static enum redress_err
sqlite_backup(void *conn, const char *path, struct redress_error *err)
{
	sqlite3 *to = NULL;
	sqlite3_backup *b;
	int fd, rc;

	/* Made here, empty and private, so that it is new and nobody else can read it. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return error_set(err, errno == EEXIST ? REDRESS_E_CONFLICT : REDRESS_E_IO,
		                 "cannot make the backup '%.200s': %s", path, strerror(errno));
	close(fd);
	if ((rc = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE, NULL)) == SQLITE_OK) {
		if ((b = sqlite3_backup_init(to, "main", conn, "main")) == NULL) {
			rc = sqlite3_errcode(to);
		} else {
			while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
				sqlite3_sleep(10);
			rc = sqlite3_backup_finish(b);
		}
	}
	if (rc != SQLITE_OK) {
		sqlite_fail(to, rc, "backup", err);
		error_prefix(err, "cannot write the backup '%.200s'", path);
	}
	sqlite3_close(to);
	if (rc != SQLITE_OK)
		unlink(path);
	return rc == SQLITE_OK ? REDRESS_OK : err->code;
}

static void
sqlite_close(void *conn)
{
	/* A file's connection has the hook's state; an in-memory one, SQLite's own hook. */
	if (sqlite_location(conn) != NULL)
		free(sqlite3_wal_hook(conn, NULL, NULL));
	sqlite3_close(conn);
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

/*
 * A commit that fails on an I/O error may have left its frames in the
 * journal: the sync failed, but the bytes may be on the disk, and a restart
 * would find them.  Its outcome is unknown; a full disk, a busy database or
 * a constraint fail before the commit is written.
 */
static enum redress_err
sqlite_commit(void *conn, struct redress_error *err)
{
	int rc;

	if ((rc = sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL)) == SQLITE_OK)
		return REDRESS_OK;
	if ((rc & 0xff) == SQLITE_IOERR && rc != SQLITE_IOERR_NOMEM)
		return error_set(
		    err, REDRESS_E_UNKNOWN,
		    "the commit failed while writing (%s): the change may or may not have been kept",
		    sqlite3_errmsg(conn));
	return sqlite_fail(conn, rc, "commit", err);
}

static enum redress_err
sqlite_rollback(void *conn, struct redress_error *err)
{
	int rc = sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);

	/* SQLite rolls back by itself after some errors: then ROLLBACK finds nothing open. */
	if (rc == SQLITE_OK || sqlite3_get_autocommit(conn))
		return REDRESS_OK;
	return sqlite_fail(conn, rc, "rollback", err);
}

static enum redress_err
sqlite_prepare(void *conn, const struct store_statement *q, void **stmt_r, struct redress_error *err)
{
	sqlite3_stmt *st = NULL;

	int rc;

	if ((rc = sqlite3_prepare_v3(conn, q->sql_sqlite != NULL ? q->sql_sqlite : q->sql, -1,
	                             SQLITE_PREPARE_PERSISTENT, &st, NULL)) != SQLITE_OK) {
		/* A busy schema or a full memory is not an error in the SQL. */
		if ((rc & 0xff) == SQLITE_ERROR)
			return error_set(err, REDRESS_E_STORE, "query %s cannot be prepared: %s", q->name,
			                 sqlite3_errmsg(conn));
		return sqlite_fail(conn, rc, q->name, err);
	}
	*stmt_r = st;
	return REDRESS_OK;
}

static void
sqlite_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static void
sqlite_reset(void *stmt, int clear)
{
	sqlite3_reset(stmt);
	if (clear)
		sqlite3_clear_bindings(stmt);
}

static enum redress_err
sqlite_bound(void *conn, int rc, int index, struct redress_error *err)
{
	char what[48];

	if (rc == SQLITE_OK)
		return REDRESS_OK;
	snprintf(what, sizeof(what), "parameter ?%d cannot be bound", index);
	return sqlite_fail(conn, rc, what, err);
}

static enum redress_err
sqlite_bind_int64(void *conn, void *stmt, int index, int64_t value, struct redress_error *err)
{
	return sqlite_bound(conn, sqlite3_bind_int64(stmt, index, value), index, err);
}

static enum redress_err
sqlite_bind_text(void *conn, void *stmt, int index, const char *text, struct redress_error *err)
{
	return sqlite_bound(conn,
	                    text == NULL ? sqlite3_bind_null(stmt, index)
	                                 : sqlite3_bind_text(stmt, index, text, -1, SQLITE_TRANSIENT),
	                    index, err);
}

static enum redress_err
sqlite_bind_blob(void *conn, void *stmt, int index, const void *data, size_t len, struct redress_error *err)
{
	return sqlite_bound(conn, sqlite3_bind_blob64(stmt, index, data, len, SQLITE_TRANSIENT), index, err);
}

static enum redress_err
sqlite_bind_null(void *conn, void *stmt, int index, struct redress_error *err)
{
	return sqlite_bound(conn, sqlite3_bind_null(stmt, index), index, err);
}

static enum store_step_result
sqlite_step(void *conn, void *stmt, const char *name, struct redress_error *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW)
		return STORE_ROW;
	if (rc == SQLITE_DONE)
		return STORE_DONE;
	sqlite_fail(conn, rc, name, err);
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
    .check = sqlite_check,
    .check_quick = sqlite_check_quick,
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
