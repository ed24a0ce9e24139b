/*
 * test_store.c -- what every storage backend must do, through store.h
 * only: bindings that fail are returned by the step and never leave the
 * previous call's value; a connection left reading does not keep another
 * connection's write from it; catalogues are prepared at once and read by
 * declared types; and, by fault injection, a scripted run of changes in
 * which the Nth store call fails for every N, in every way (busy, I/O
 * error, full disk, out of memory, a commit of unknown outcome): each is a
 * clear error, leaves no half-change, keeps the audit clean, and the same
 * connection goes on to finish the script.  Writes a catalogue marks
 * deferred are read back, counted and kept, and one that fails fails its
 * change by name, whenever the backend reports it.
 */
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/ledger/ledger.h"
#include "log/audit.h"
#include "logfix.h"
#include "store/store.h"

static const struct event_module *const modules[] = {&ledger_module, NULL};

static int
setup(void **state)
{
	*state = logfix_new(modules, "test.example/store");
	return 0;
}

static int
teardown(void **state)
{
	logfix_free(*state);
	return 0;
}

static const struct store_query q_pair_insert = {"test.pair.insert",
                                                 "INSERT INTO pairs (a, b) VALUES (?1, ?2)"};
static const struct store_query q_pair_b = {"test.pair.b", "SELECT b FROM pairs WHERE a = ?1"};
static const struct store_query q_pair_count = {"test.pair.count", "SELECT count(*) FROM pairs"};

static int64_t
pair_count(struct store *store)
{
	struct redress_error err;
	struct store_stmt *st = store_query(store, &q_pair_count, &err);
	int64_t n;

	assert_non_null(st);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	n = store_column_int64(st, 0);
	store_done(st);
	return n;
}

/* A binding that fails is returned by the step, which runs nothing. */
static void
test_bind_error_is_sticky(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	struct store_stmt *st;

	assert_int_equal(store_exec(f->store, "CREATE TABLE pairs (a INTEGER, b TEXT)", &err), REDRESS_OK);
	assert_non_null(st = store_query(f->store, &q_pair_insert, &err));
	store_bind_int64(st, 1, 1);
	store_bind_text(st, 3, "no such parameter");
	store_bind_text(st, 2, "x"); /* after the failure: ignored, the failure kept */
	assert_int_equal(store_step(st, &err), STORE_ERROR);
	assert_non_null(strstr(err.message, "test.pair.insert"));
	assert_non_null(strstr(err.message, "?3"));
	assert_int_equal(pair_count(f->store), 0);
	/* The next use starts clean. */
	assert_non_null(st = store_query(f->store, &q_pair_insert, &err));
	store_bind_int64(st, 1, 1);
	store_bind_text(st, 2, "x");
	assert_int_equal(store_run(st, &err), REDRESS_OK);
	assert_int_equal(pair_count(f->store), 1);
}

/* Every use starts with nothing bound: a parameter left out is NULL, not the last call's value. */
static void
test_bindings_cleared(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	struct store_stmt *st;

	assert_int_equal(store_exec(f->store, "CREATE TABLE pairs (a INTEGER, b TEXT)", &err), REDRESS_OK);
	assert_non_null(st = store_query(f->store, &q_pair_insert, &err));
	store_bind_int64(st, 1, 1);
	store_bind_text(st, 2, "secret of the first call");
	assert_int_equal(store_run(st, &err), REDRESS_OK);
	assert_non_null(st = store_query(f->store, &q_pair_insert, &err));
	store_bind_int64(st, 1, 2);
	assert_int_equal(store_run(st, &err), REDRESS_OK);
	assert_non_null(st = store_query(f->store, &q_pair_b, &err));
	store_bind_int64(st, 1, 2);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_true(store_column_is_null(st, 0));
	store_done(st);
}

/*
 * A connection that left a statement on a row (an old snapshot) still
 * begins a write after another connection's commit, and sees that commit.
 */
static void
test_reads_end_before_write(void **state)
{
	struct logfix *f = *state;
	struct store *other = NULL;
	struct redress_error err;
	struct store_stmt *st, *left;

	assert_int_equal(store_exec(f->store, "CREATE TABLE pairs (a INTEGER, b TEXT)", &err), REDRESS_OK);
	assert_int_equal(store_reopen(f->store, STORE_OPEN_EXISTING, &other, &err), REDRESS_OK);
	assert_non_null(left = store_query(f->store, &q_pair_count, &err));
	assert_int_equal(store_step(left, &err), STORE_ROW); /* left on its row */

	assert_int_equal(store_begin(other, &err), REDRESS_OK);
	assert_non_null(st = store_query(other, &q_pair_insert, &err));
	store_bind_int64(st, 1, 7);
	store_bind_text(st, 2, "from the other connection");
	assert_int_equal(store_run(st, &err), REDRESS_OK);
	assert_int_equal(store_commit(other, &err), REDRESS_OK);

	assert_int_equal(store_begin(f->store, &err), REDRESS_OK);
	/* The statement left on its row was ended: stepping on is refused, never a silent restart. */
	assert_int_equal(store_step(left, &err), STORE_ERROR);
	assert_int_equal(err.code, REDRESS_E_INTERNAL);
	assert_int_equal(pair_count(f->store), 1);
	assert_non_null(st = store_query(f->store, &q_pair_insert, &err));
	store_bind_int64(st, 1, 8);
	store_bind_text(st, 2, "after it");
	assert_int_equal(store_run(st, &err), REDRESS_OK);
	assert_int_equal(store_commit(f->store, &err), REDRESS_OK);
	assert_int_equal(pair_count(other), 2);
	store_close(&other);
}

/*
 * A change on a second handle of the log (the command line beside a
 * server) is noticed by the next change on the first, once; the first
 * handle's own changes are not.
 */
static void
test_changes_beside_the_log_noticed(void **state)
{
	static const struct event_module *const none[] = {NULL};
	struct logfix *f = *state;
	struct store *other_store = NULL;
	struct tlog *other = NULL;
	struct redress_error err;

	assert_int_equal(store_reopen(f->store, STORE_OPEN_EXISTING, &other_store, &err), REDRESS_OK);
	assert_int_equal(tlog_open(other_store, keydir_log_key(f->kd), none, &other, &err), REDRESS_OK);
	logfix_append(f->log, 1, "the first handle's own");
	logfix_append(f->log, 1, "and again");
	assert_false(tlog_take_written_beside(f->log));
	logfix_append(other, 2, "beside it");
	logfix_append(f->log, 1, "after the other handle's change");
	assert_true(tlog_take_written_beside(f->log));
	assert_false(tlog_take_written_beside(f->log)); /* taken once */
	logfix_append(f->log, 1, "its own again");
	assert_false(tlog_take_written_beside(f->log));
	/* Noticed when the change begins: a change rolled back still says so. */
	logfix_append(other, 1, "beside it again");
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	tlog_rollback(f->log);
	assert_true(tlog_take_written_beside(f->log));
	tlog_close(&other);
	store_close(&other_store);
}

/*
 * A scrub waits for a reader's snapshot without keeping other writers out
 * while it waits: with a reader holding one, store_scrub_try says busy at
 * once, and another connection's write goes through while store_scrub
 * tries again.  PostgreSQL's scrub (VACUUM) waits for no reader.
 */
static void
test_scrub_lets_writers_through(void **state)
{
	struct logfix *f = *state;
	struct store *reader = NULL;
	struct redress_error err;
	struct store_stmt *held;

	assert_int_equal(store_exec(f->store, "CREATE TABLE pairs (a INTEGER, b TEXT)", &err), REDRESS_OK);
	logfix_append(f->log, 3, "for the journal");
	assert_int_equal(store_reopen(f->store, STORE_OPEN_EXISTING, &reader, &err), REDRESS_OK);
	assert_int_equal(store_begin_read(reader, &err), REDRESS_OK);
	assert_non_null(held = store_query(reader, &q_pair_count, &err));
	assert_int_equal(store_step(held, &err), STORE_ROW);
	logfix_append(f->log, 1, "after the reader's snapshot");
	if (store_is_pgsql(f->db)) {
		assert_int_equal(store_scrub_try(f->store, &err), REDRESS_OK);
	} else {
		assert_int_equal(store_scrub_try(f->store, &err), REDRESS_E_BUSY);
		assert_non_null(strstr(err.message, "another process kept reading"));
	}
	/* The refused try let the write lock go: the next change goes through at once. */
	logfix_append(f->log, 1, "while the scrub is refused");
	store_done(held);
	assert_int_equal(store_commit(reader, &err), REDRESS_OK);
	assert_int_equal(store_scrub(f->store, &err), REDRESS_OK);
	store_close(&reader);
}

/* ---- Deferred writes --------------------------------------------------------- */

enum { KQ_INSERT, KQ_UPDATE, KQ_GET, KQ_COUNT };

static const struct store_statement keyed_statements[KQ_COUNT] = {
    [KQ_INSERT] = {.name = "test.keyed.insert",
                   .sql = "INSERT INTO keyed (k, v) VALUES (?1, ?2)",
                   .columns = "",
                   .deferred = 1},
    [KQ_UPDATE] = {.name = "test.keyed.update",
                   .sql = "UPDATE keyed SET v = ?2 WHERE k = ?1",
                   .columns = "",
                   .deferred = 1},
    [KQ_GET] = {.name = "test.keyed.get", .sql = "SELECT v FROM keyed WHERE k = ?1", .columns = "t"},
};
static const struct store_catalogue keyed_catalogue = {"test", keyed_statements,
                                                       STORE_COUNT(keyed_statements)};

/* Runs the deferred write id of (k, v); its own result (REDRESS_OK when its answer is deferred). */
static enum redress_err
keyed_write(struct store *store, unsigned id, int64_t k, const char *v, struct redress_error *err)
{
	struct store_stmt *st = store_statement(store, &keyed_catalogue, id, err);

	assert_non_null(st);
	store_bind_int64(st, 1, k);
	store_bind_text(st, 2, v);
	return store_run(st, err);
}

/* k's value in out ("" when there is no such row); the step's result. */
static enum store_step_result
keyed_get(struct store *store, int64_t k, char *out, size_t size, struct redress_error *err)
{
	struct store_stmt *st = store_statement(store, &keyed_catalogue, KQ_GET, err);
	enum store_step_result r;

	assert_non_null(st);
	store_bind_int64(st, 1, k);
	out[0] = '\0';
	if ((r = store_step(st, err)) == STORE_ROW) {
		snprintf(out, size, "%s", store_column_text(st, 0));
		store_done(st);
	}
	return r;
}

/*
 * Writes a catalogue marks deferred (sent without waiting on PostgreSQL,
 * in pipeline mode): read back inside the change, counted by
 * store_changes, kept by the commit; one that fails fails the change,
 * named, by the next statement or the commit, and nothing of the change is
 * kept; on PostgreSQL, the connection cut with writes unanswered makes the
 * commit's outcome unknown, and the same handle goes on.
 */
static void
test_deferred_writes(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	enum redress_err rc;
	char v[16];

	assert_int_equal(
	    store_exec(f->store, "CREATE TABLE keyed (k INTEGER PRIMARY KEY, v TEXT NOT NULL)", &err),
	    REDRESS_OK);
	assert_int_equal(store_begin(f->store, &err), REDRESS_OK);
	assert_int_equal(keyed_write(f->store, KQ_INSERT, 1, "a", &err), REDRESS_OK);
	assert_int_equal(keyed_write(f->store, KQ_INSERT, 2, "b", &err), REDRESS_OK);
	assert_int_equal(keyed_write(f->store, KQ_UPDATE, 1, "a2", &err), REDRESS_OK);
	assert_int_equal(store_changes(f->store), 1);
	assert_int_equal(keyed_write(f->store, KQ_UPDATE, 9, "none", &err), REDRESS_OK);
	assert_int_equal(store_changes(f->store), 0);
	assert_int_equal(keyed_get(f->store, 1, v, sizeof(v), &err), STORE_ROW);
	assert_string_equal(v, "a2");
	assert_int_equal(keyed_write(f->store, KQ_INSERT, 3, "c", &err), REDRESS_OK);
	assert_int_equal(store_commit(f->store, &err), REDRESS_OK); /* 3 unanswered until the commit */
	assert_int_equal(keyed_get(f->store, 3, v, sizeof(v), &err), STORE_ROW);
	assert_string_equal(v, "c");

	/* A repeated key: refused at once (SQLite) or by what follows it (PostgreSQL), never kept. */
	assert_int_equal(store_begin(f->store, &err), REDRESS_OK);
	assert_int_equal(keyed_write(f->store, KQ_UPDATE, 2, "b2", &err), REDRESS_OK);
	rc = keyed_write(f->store, KQ_INSERT, 1, "again", &err);
	if (store_is_pgsql(f->db))
		assert_int_equal(rc, REDRESS_OK); /* deferred: sent, its answer not waited for */
	if (rc == REDRESS_OK) {
		assert_int_equal(keyed_get(f->store, 1, v, sizeof(v), &err), STORE_ERROR);
		assert_int_equal(err.code, REDRESS_E_CONFLICT);
		assert_non_null(strstr(err.message, "test.keyed.insert"));
		/* Every later statement and the commit say the same. */
		assert_int_not_equal(keyed_write(f->store, KQ_INSERT, 7, "after", &err), REDRESS_OK);
		assert_int_not_equal(store_commit(f->store, &err), REDRESS_OK);
		assert_non_null(strstr(err.message, "test.keyed.insert"));
	} else {
		assert_int_equal(rc, REDRESS_E_CONFLICT);
		assert_non_null(strstr(err.message, "test.keyed.insert"));
		store_rollback(f->store);
	}
	assert_int_equal(keyed_get(f->store, 2, v, sizeof(v), &err), STORE_ROW);
	assert_string_equal(v, "b"); /* the update before the failure was not kept */
	assert_int_equal(keyed_get(f->store, 7, v, sizeof(v), &err), STORE_DONE);

	/* The same, found only at the commit. */
	assert_int_equal(store_begin(f->store, &err), REDRESS_OK);
	assert_int_equal(keyed_write(f->store, KQ_UPDATE, 2, "b3", &err), REDRESS_OK);
	if (keyed_write(f->store, KQ_INSERT, 2, "again", &err) == REDRESS_OK) {
		assert_int_equal(store_commit(f->store, &err), REDRESS_E_CONFLICT);
		assert_non_null(strstr(err.message, "test.keyed.insert"));
	} else {
		store_rollback(f->store);
	}
	assert_int_equal(keyed_get(f->store, 2, v, sizeof(v), &err), STORE_ROW);
	assert_string_equal(v, "b");

	if (store_is_pgsql(f->db)) {
		static const struct store_query q_pid = {"test.pid", "SELECT pg_backend_pid()"};
		static const struct store_query q_kill = {"test.kill", "SELECT pg_terminate_backend(?1)"};
		static const struct store_query q_alive = {
		    "test.alive", "SELECT count(*) FROM pg_stat_activity WHERE pid = ?1"};
		struct store *other = NULL;
		struct store_stmt *st;
		int64_t pid, alive = 1;
		int i;

		assert_non_null(st = store_query(f->store, &q_pid, &err));
		assert_int_equal(store_step(st, &err), STORE_ROW);
		pid = store_column_int64(st, 0);
		store_done(st);
		assert_int_equal(store_reopen(f->store, STORE_OPEN_EXISTING, &other, &err), REDRESS_OK);
		assert_int_equal(store_begin(f->store, &err), REDRESS_OK);
		assert_int_equal(keyed_write(f->store, KQ_INSERT, 4, "cut", &err), REDRESS_OK);
		assert_non_null(st = store_query(other, &q_kill, &err));
		store_bind_int64(st, 1, pid);
		assert_int_equal(store_step(st, &err), STORE_ROW);
		store_done(st);
		for (i = 0; i < 100 && alive > 0; i++) {
			assert_non_null(st = store_query(other, &q_alive, &err));
			store_bind_int64(st, 1, pid);
			assert_int_equal(store_step(st, &err), STORE_ROW);
			alive = store_column_int64(st, 0);
			store_done(st);
		}
		assert_int_equal(alive, 0);
		/* COMMIT goes behind the unanswered write: its answer lost, the outcome is unknown. */
		assert_int_equal(store_commit(f->store, &err), REDRESS_E_UNKNOWN);
		assert_non_null(strstr(err.message, "may or may not"));
		assert_int_equal(keyed_get(other, 4, v, sizeof(v), &err), STORE_DONE); /* here: it was not */
		/* The handle connects again and goes on. */
		assert_int_equal(store_begin(f->store, &err), REDRESS_OK);
		assert_int_equal(keyed_write(f->store, KQ_INSERT, 5, "after", &err), REDRESS_OK);
		assert_int_equal(store_commit(f->store, &err), REDRESS_OK);
		assert_int_equal(keyed_get(other, 5, v, sizeof(v), &err), STORE_ROW);
		store_close(&other);
	}
}

/* ---- Catalogues ------------------------------------------------------------ */

enum { TQ_INSERT, TQ_GET, TQ_GET_WIDE, TQ_COUNT };

static const struct store_statement test_statements[TQ_COUNT] = {
    [TQ_INSERT] = {.name = "test.row.insert",
                   .sql = "INSERT INTO rows_typed (n, t, b) VALUES (?1, ?2, ?3)",
                   .columns = ""},
    [TQ_GET] = {.name = "test.row.get", .sql = "SELECT n, t, b FROM rows_typed ORDER BY n", .columns = "itb"},
    [TQ_GET_WIDE] = {.name = "test.row.wide",
                     .sql = "SELECT n, n, t, b FROM rows_typed ORDER BY n",
                     .columns = "iitb"},
};
static const struct store_catalogue test_catalogue = {"test", test_statements, STORE_COUNT(test_statements)};

static const struct store_statement broken_statements[] = {
    {.name = "broken.fine", .sql = "SELECT 1", .columns = "i"},
    {.name = "broken.typo", .sql = "SELEC n FROM rows_typed", .columns = "i"},
};
static const struct store_catalogue broken_catalogue = {"broken", broken_statements,
                                                        STORE_COUNT(broken_statements)};

struct typed_row {
	int64_t n;
	char t[8];
	unsigned char b[4];
	size_t b_len;
};

static const struct store_field typed_fields[] = {
    STORE_FIELD(struct typed_row, n),
    STORE_FIELD(struct typed_row, t),
    STORE_FIELD_BYTES(struct typed_row, b, b_len),
};

static void
insert_typed(struct store *store, int64_t n, const char *t, const void *b, size_t len)
{
	struct redress_error err;
	struct store_stmt *st = store_statement(store, &test_catalogue, TQ_INSERT, &err);

	assert_non_null(st);
	store_bind_int64(st, 1, n);
	store_bind_text(st, 2, t);
	store_bind_blob(st, 3, b, len);
	assert_int_equal(store_run(st, &err), REDRESS_OK);
}

/*
 * On PostgreSQL a fund whose very statements were all prepared against its
 * schema prepares them at first use (each is a parse on the server); a
 * typo, another statement or a schema changed behind redress's back is
 * still found at open, naming the statement.  SQLite prepares them all.
 */
static void
test_catalogue_prepared_again_only_when_changed(void **state)
{
	const struct store_catalogue *const good[] = {&test_catalogue, NULL};
	const struct store_catalogue *const bad[] = {&test_catalogue, &broken_catalogue, NULL};
	int pg = strncmp(((struct logfix *)*state)->db, "postgresql:", 11) == 0;
	struct logfix *f = *state;
	struct redress_error err;
	struct store *other = NULL;
	struct store_stmt *st;

	assert_int_equal(store_exec(f->store, "CREATE TABLE rows_typed (n INTEGER, t TEXT, b BLOB)", &err),
	                 REDRESS_OK);
	assert_int_equal(store_open(f->db, 0, &other, &err), REDRESS_OK);
	assert_int_equal(store_prepare(other, good, &err), REDRESS_OK);
	assert_int_equal(store_statements_prepared(other), STORE_COUNT(test_statements));
	store_close(&other);

	/* The same statements on the same schema: none prepared at open on PostgreSQL, each at its first use.
	 */
	assert_int_equal(store_open(f->db, 0, &other, &err), REDRESS_OK);
	assert_int_equal(store_prepare(other, good, &err), REDRESS_OK);
	assert_int_equal(store_statements_prepared(other), pg ? 0 : STORE_COUNT(test_statements));
	insert_typed(other, 1, "one", "\x01", 1);
	assert_non_null(st = store_statement(other, &test_catalogue, TQ_GET, &err));
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_int_equal(store_column_int64(st, 0), 1);
	store_done(st);
	assert_int_equal(store_statements_prepared(other), pg ? 2 : STORE_COUNT(test_statements));
	store_close(&other);

	/* A typo among them, after the good ones were recorded: found at open, named. */
	assert_int_equal(store_open(f->db, 0, &other, &err), REDRESS_OK);
	assert_int_not_equal(store_prepare(other, bad, &err), REDRESS_OK);
	assert_non_null(strstr(err.message, "module broken"));
	assert_non_null(strstr(err.message, "broken.typo"));
	store_close(&other);

	/* A column dropped behind redress's back: the schema changed, so all are prepared, and the one is
	 * named. */
	assert_int_equal(store_exec(f->store, "ALTER TABLE rows_typed DROP COLUMN t", &err), REDRESS_OK);
	assert_int_equal(store_open(f->db, 0, &other, &err), REDRESS_OK);
	assert_int_not_equal(store_prepare(other, good, &err), REDRESS_OK);
	assert_non_null(strstr(err.message, "module test"));
	assert_non_null(strstr(err.message, "test.row.insert"));
	store_close(&other);
}

static void
test_catalogue_prepared_and_read_by_type(void **state)
{
	const struct store_catalogue *const good[] = {&test_catalogue, NULL};
	const struct store_catalogue *const bad[] = {&test_catalogue, &broken_catalogue, NULL};
	struct logfix *f = *state;
	struct redress_error err;
	struct typed_row row;
	struct store_stmt *st;

	assert_int_equal(store_exec(f->store, "CREATE TABLE rows_typed (n INTEGER, t TEXT, b BLOB)", &err),
	                 REDRESS_OK);
	/* A typo anywhere in a catalogue is found at once, naming module and statement. */
	assert_int_not_equal(store_prepare(f->store, bad, &err), REDRESS_OK);
	assert_non_null(strstr(err.message, "module broken"));
	assert_non_null(strstr(err.message, "broken.typo"));
	assert_int_equal(store_prepare(f->store, good, &err), REDRESS_OK);

	insert_typed(f->store, 1, "one", "\x01\x02", 2);
	insert_typed(f->store, 2, "far too long for eight", "", 0);
	assert_non_null(st = store_statement(f->store, &test_catalogue, TQ_GET, &err));
	assert_string_equal(store_stmt_columns(st), "itb");
	memset(&row, 0xff, sizeof(row));
	assert_int_equal(store_read(st, typed_fields, &row, &err), STORE_ROW);
	assert_int_equal(row.n, 1);
	assert_string_equal(row.t, "one");
	assert_int_equal(row.b_len, 2);
	assert_memory_equal(row.b, "\x01\x02", 2);
	/* Text longer than the caller's field is an error, never cut. */
	assert_int_equal(store_read(st, typed_fields, &row, &err), STORE_ERROR);
	assert_int_equal(err.code, REDRESS_E_STORE);
	assert_non_null(strstr(err.message, "test.row.get"));
	/* An id beyond the catalogue. */
	assert_null(store_statement(f->store, &test_catalogue, TQ_COUNT, &err));
	assert_int_equal(err.code, REDRESS_E_INTERNAL);
}

/* A row as TQ_GET_WIDE reads it into the narrower C types a module keeps. */
struct narrow_row {
	int n;
	bool nonzero;
	char t[8];
	unsigned char b[4];
	size_t b_len;
};

static const struct store_field narrow_fields[] = {
    STORE_FIELD(struct narrow_row, n),
    STORE_FIELD(struct narrow_row, nonzero),
    STORE_SKIP,
    STORE_FIELD_BYTES(struct narrow_row, b, b_len),
};

struct each_sum {
	int64_t sum;
	int rows;
	int stop_at; /* the row whose callback fails, or 0 */
};

static enum redress_err
each_add(void *arg, void *row, struct redress_error *err)
{
	struct each_sum *s = arg;
	const struct narrow_row *r = row;

	s->rows++;
	s->sum += r->n + (r->nonzero ? 100 : 0) + (int64_t)r->b_len * 1000;
	if (s->rows == s->stop_at)
		return error_set(err, REDRESS_E_CONFLICT, "stopped at row %d", s->rows);
	return REDRESS_OK;
}

/*
 * The row reader fills an int and a bool from an integer column, skips a
 * column the caller does not keep, refuses a value beyond an int rather
 * than cut it; store_read_one ends the statement after its row; store_each
 * walks every row and stops at the callback's error.
 */
static void
test_reader_narrow_types_and_each(void **state)
{
	const struct store_catalogue *const good[] = {&test_catalogue, NULL};
	struct logfix *f = *state;
	struct redress_error err;
	struct narrow_row row;
	struct each_sum sum;
	struct store_stmt *st;

	assert_int_equal(store_exec(f->store, "CREATE TABLE rows_typed (n INTEGER, t TEXT, b BLOB)", &err),
	                 REDRESS_OK);
	assert_int_equal(store_prepare(f->store, good, &err), REDRESS_OK);
	insert_typed(f->store, 0, "zero", "\x01", 1);
	insert_typed(f->store, 7, "far too long for eight", "\x01\x02\x03", 3);

	assert_non_null(st = store_statement(f->store, &test_catalogue, TQ_GET_WIDE, &err));
	memset(&row, 0x5a, sizeof(row));
	assert_int_equal(store_read_one(st, narrow_fields, &row, &err), STORE_ROW);
	assert_int_equal(row.n, 0);
	assert_false(row.nonzero);
	assert_int_equal(row.t[0], 0x5a); /* skipped: untouched */
	assert_int_equal(row.b_len, 1);
	/* Ended after its row: the next read begins again at the first. */
	assert_int_equal(store_read(st, narrow_fields, &row, &err), STORE_ROW);
	assert_int_equal(row.n, 0);
	assert_int_equal(store_read(st, narrow_fields, &row, &err), STORE_ROW);
	assert_int_equal(row.n, 7);
	assert_true(row.nonzero);
	assert_int_equal(row.b_len, 3);
	assert_memory_equal(row.b, "\x01\x02\x03", 3);
	assert_int_equal(store_read(st, narrow_fields, &row, &err), STORE_DONE);

	/* Every row, in order, then REDRESS_OK. */
	memset(&sum, 0, sizeof(sum));
	assert_non_null(st = store_statement(f->store, &test_catalogue, TQ_GET_WIDE, &err));
	assert_int_equal(store_each(st, narrow_fields, &row, each_add, &sum, &err), REDRESS_OK);
	assert_int_equal(sum.rows, 2);
	assert_int_equal(sum.sum, 0 + 1000 + 7 + 100 + 3000);
	/* The callback's error ends the walk and is what store_each returns. */
	memset(&sum, 0, sizeof(sum));
	sum.stop_at = 1;
	assert_non_null(st = store_statement(f->store, &test_catalogue, TQ_GET_WIDE, &err));
	assert_int_equal(store_each(st, narrow_fields, &row, each_add, &sum, &err), REDRESS_E_CONFLICT);
	assert_int_equal(sum.rows, 1);
	assert_non_null(strstr(err.message, "stopped at row 1"));

	/* Borrowed: text and bytes of any length, as the statement holds them. */
	{
		struct borrowed {
			int64_t n;
			const char *t;
			const void *b;
			size_t b_len;
		} bw;
		static const struct store_field borrow_fields[] = {
		    STORE_FIELD(struct borrowed, n),
		    STORE_SKIP,
		    STORE_FIELD_TEXT(struct borrowed, t),
		    STORE_FIELD_BLOB(struct borrowed, b, b_len),
		};

		assert_non_null(st = store_statement(f->store, &test_catalogue, TQ_GET_WIDE, &err));
		assert_int_equal(store_read(st, borrow_fields, &bw, &err), STORE_ROW);
		assert_string_equal(bw.t, "zero");
		assert_int_equal(store_read(st, borrow_fields, &bw, &err), STORE_ROW);
		assert_string_equal(bw.t, "far too long for eight");
		assert_int_equal(bw.b_len, 3);
		assert_memory_equal(bw.b, "\x01\x02\x03", 3);
		store_done(st);
	}
	/* Cut: text longer than the array keeps what fits, as snprintf would. */
	{
		struct cut {
			char t[8];
		} ct;
		static const struct store_field cut_fields[] = {STORE_SKIP, STORE_SKIP,
		                                                STORE_FIELD_CUT(struct cut, t), STORE_SKIP};

		assert_non_null(st = store_statement(f->store, &test_catalogue, TQ_GET_WIDE, &err));
		assert_int_equal(store_read(st, cut_fields, &ct, &err), STORE_ROW);
		assert_string_equal(ct.t, "zero");
		assert_int_equal(store_read(st, cut_fields, &ct, &err), STORE_ROW);
		assert_string_equal(ct.t, "far too");
		store_done(st);
	}

	/* A value beyond an int is refused, naming the query, never cut. */
	insert_typed(f->store, (int64_t)INT_MAX + 1, "big", "", 0);
	memset(&sum, 0, sizeof(sum));
	assert_non_null(st = store_statement(f->store, &test_catalogue, TQ_GET_WIDE, &err));
	assert_int_equal(store_each(st, narrow_fields, &row, each_add, &sum, &err), REDRESS_E_STORE);
	assert_int_equal(sum.rows, 2);
	assert_non_null(strstr(err.message, "test.row.wide"));
	assert_non_null(strstr(err.message, "beyond an int"));
}

static const struct store_statement reader_statements[] = {
    {.name = "reader.other", .sql = "SELECT x FROM other_rows", .columns = "i", .reads = "other"},
    {.name = "reader.two",
     .sql = "SELECT (SELECT count(*) FROM other_rows) + (SELECT count(*) FROM third_rows)",
     .columns = "i",
     .reads = "other third"},
};
static const struct store_catalogue reader_catalogue = {"reader", reader_statements,
                                                        STORE_COUNT(reader_statements)};
static const struct store_statement other_statements[] = {
    {.name = "other.fine", .sql = "SELECT 1", .columns = "i"},
};
static const struct store_catalogue other_catalogue = {"other", other_statements,
                                                       STORE_COUNT(other_statements)};
static const struct store_catalogue third_catalogue = {"third", other_statements,
                                                       STORE_COUNT(other_statements)};

/*
 * A statement that reads other modules' tables (.reads) is prepared at
 * open with all those modules, and waits for its first use without one.
 */
static void
test_catalogue_reads_another_module(void **state)
{
	const struct store_catalogue *const alone[] = {&reader_catalogue, NULL};
	const struct store_catalogue *const both[] = {&reader_catalogue, &other_catalogue, NULL};
	const struct store_catalogue *const all[] = {&reader_catalogue, &other_catalogue, &third_catalogue,
	                                             NULL};
	struct logfix *f = *state;
	struct redress_error err;
	struct store_stmt *st;

	/* Without the other module: opens; the first use names the missing table. */
	assert_int_equal(store_prepare(f->store, alone, &err), REDRESS_OK);
	assert_null(store_statement(f->store, &reader_catalogue, 0, &err));
	assert_non_null(strstr(err.message, "other_rows"));
	/* With it: its table must be there at open. */
	assert_int_not_equal(store_prepare(f->store, both, &err), REDRESS_OK);
	assert_non_null(strstr(err.message, "module reader"));
	assert_non_null(strstr(err.message, "reader.other"));
	assert_int_equal(store_exec(f->store, "CREATE TABLE other_rows (x INTEGER)", &err), REDRESS_OK);
	/* Of the two modules reader.two reads, one is missing: it waits, and the store opens. */
	assert_int_equal(store_prepare(f->store, both, &err), REDRESS_OK);
	assert_non_null(st = store_statement(f->store, &reader_catalogue, 0, &err));
	assert_int_equal(store_step(st, &err), STORE_DONE);
	/* With both: every table it reads must be there at open. */
	assert_int_not_equal(store_prepare(f->store, all, &err), REDRESS_OK);
	assert_non_null(strstr(err.message, "reader.two"));
	assert_int_equal(store_exec(f->store, "CREATE TABLE third_rows (y INTEGER)", &err), REDRESS_OK);
	assert_int_equal(store_prepare(f->store, all, &err), REDRESS_OK);
	assert_non_null(st = store_statement(f->store, &reader_catalogue, 1, &err));
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_int_equal(store_column_int64(st, 0), 0);
	store_done(st);
}

/* A statement declaring other result columns than its SQL has is refused when the store opens it. */
static const struct store_statement miscounted_statements[] = {
    {.name = "miscounted.rows", .sql = "SELECT 1, 'two', 3", .columns = "it"},
};
static const struct store_catalogue miscounted_catalogue = {"miscounted", miscounted_statements,
                                                            STORE_COUNT(miscounted_statements)};

static void
test_catalogue_columns_counted(void **state)
{
	const struct store_catalogue *const list[] = {&miscounted_catalogue, NULL};
	struct logfix *f = *state;
	struct redress_error err;

	assert_int_not_equal(store_prepare(f->store, list, &err), REDRESS_OK);
	assert_non_null(strstr(err.message, "miscounted.rows declares 2 result columns, its SQL has 3"));
}

/* ---- Fault injection ------------------------------------------------------- */

#define SCRIPT_STEPS 9

/* Step i of the script, as one change; REDRESS_OK or err filled. */
static enum redress_err
script_step(struct logfix *f, int i, struct redress_error *err)
{
	static const struct ledger_account_spec accounts[] = {
	    {"gift", "KRW", LEDGER_INCOME, NULL, 0},
	    {"bank", "KRW", LEDGER_ASSET, NULL, 1},
	};
	static const char *const ids[] = {"t-1", "t-2", "t-3", "t-4", "t-5"};
	struct ledger_transfer t;
	enum redress_err rc;

	if ((rc = tlog_begin(f->log, err)) != REDRESS_OK)
		return rc;
	if (i < 2) {
		rc = ledger_account_open(f->log, &accounts[i], NULL, err);
	} else if (i < 7) {
		struct ledger_transfer_request req = {ids[i - 2], "gift", "bank", "100", 0, NULL};

		rc = ledger_transfer_create(f->log, &req, &t, NULL, err);
	} else if (i == 7) {
		struct ledger_transfer_request req = {"p-1", "bank", "gift", "50", 1, NULL};

		rc = ledger_transfer_create(f->log, &req, &t, NULL, err);
	} else {
		rc = ledger_transfer_post(f->log, "p-1", &t, err);
	}
	if (rc != REDRESS_OK) {
		tlog_rollback(f->log);
		return rc;
	}
	return tlog_commit(f->log, err);
}

static int64_t
posted(struct logfix *f, const char *code)
{
	struct ledger_account a;
	struct redress_error err;
	int64_t p, avail;

	assert_int_equal(ledger_account_get(f->store, code, &a, &err), REDRESS_OK);
	assert_int_equal(ledger_balance(&a, &p, &avail, &err), REDRESS_OK);
	return p;
}

static void
test_every_store_call_failing(void **state)
{
	static const enum redress_err codes[] = {REDRESS_E_BUSY, REDRESS_E_STORE_IO, REDRESS_E_FULL,
	                                         REDRESS_E_NOMEM, REDRESS_E_UNKNOWN};
	uint64_t size_after[SCRIPT_STEPS];
	struct redress_error err;
	long calls, n;
	size_t c;
	int i, runs = 0, pg;

	(void)state;
	/* The clean run: how many store calls, and the log's size after each step. */
	{
		struct logfix *f = logfix_new(modules, "test.example/store");

		calls = 0;
		for (i = 0; i < SCRIPT_STEPS; i++) {
			store_fault_inject(0, REDRESS_OK); /* counts from 0 */
			assert_int_equal(script_step(f, i, &err), REDRESS_OK);
			calls += store_fault_calls_made();
			size_after[i] = logfix_size(f);
		}
		assert_true(calls > SCRIPT_STEPS);
		print_message("the script makes %ld store calls\n", calls);
		logfix_free(f);
	}
	/*
	 * Every call fails, in every way.  On PostgreSQL (REDRESS_TEST_PG), where
	 * each run's fresh database costs a CREATE DATABASE, every call still
	 * fails once, in the ways taken in turn.
	 */
	pg = getenv("REDRESS_TEST_PG") != NULL;
	for (n = 1, c = 0; n <= calls; c = (c + 1) % (sizeof(codes) / sizeof(codes[0])), n += pg || c == 0) {
		struct logfix *f = logfix_new(modules, "test.example/store");
		enum redress_err rc = REDRESS_OK;
		int failed_at = -1;

		store_fault_inject(n, codes[c]);
		for (i = 0; i < SCRIPT_STEPS; i++)
			if ((rc = script_step(f, i, &err)) != REDRESS_OK) {
				failed_at = i;
				break;
			}
		store_fault_inject(0, REDRESS_OK);
		/* The fault surfaced, as what it was, with a message saying so. */
		if (failed_at < 0 || rc != codes[c] || strstr(err.message, "injected fault") == NULL)
			fail_msg("call %ld failing with %s: step %d gave %d: %s", n,
			         redress_strerror(codes[c]), failed_at, (int)rc,
			         failed_at < 0 ? "no error" : err.message);
		/* No half-change: the log is where the last whole change left it. */
		assert_int_equal(logfix_size(f), failed_at == 0 ? 1 : size_after[failed_at - 1]);
		logfix_audit_clean(f);
		/* The same connection finishes the script; the audit agrees. */
		for (i = failed_at; i < SCRIPT_STEPS; i++)
			if ((rc = script_step(f, i, &err)) != REDRESS_OK)
				fail_msg("after call %ld failed (%s): step %d: %s", n,
				         redress_strerror(codes[c]), i, err.message);
		assert_int_equal(logfix_size(f), size_after[SCRIPT_STEPS - 1]);
		assert_int_equal(posted(f, "bank"), 450);
		logfix_audit_clean(f);
		logfix_free(f);
		runs++;
	}
	printf("# %d runs: each of %ld store calls failing in %s of %zu ways\n", runs, calls,
	       pg ? "one" : "each", sizeof(codes) / sizeof(codes[0]));
}

/* A PostgreSQL URI is shown without its password, wherever the password is given. */
static void
test_location_shown_without_password(void **state)
{
	static const struct {
		const char *location, *shown;
	} cases[] = {
	    {"/srv/fund/fund.db", "/srv/fund/fund.db"},
	    {"postgresql://redress@/fund?host=/run/postgresql",
	     "postgresql://redress@/fund?host=/run/postgresql"},
	    {"postgresql://redress:S3cret-pw@db1,db2/fund?target_session_attrs=read-write",
	     "postgresql://redress:***@db1,db2/fund?target_session_attrs=read-write"},
	    {"postgres://u:p%40ss@host:5432/fund", "postgres://u:***@host:5432/fund"},
	    {"postgresql:///fund?user=redress&password=S3cret-pw&sslmode=require",
	     "postgresql:///fund?user=redress&password=***&sslmode=require"},
	    {"postgresql:///fund?password=S3cret-pw", "postgresql:///fund?password=***"},
	    {"postgresql://db/fund?application_name=xpassword=keep",
	     "postgresql://db/fund?application_name=xpassword=keep"},
	    /* A colon after the '@' is the port, not a password. */
	    {"postgresql://redress@db:5433/fund", "postgresql://redress@db:5433/fund"},
	};
	char shown[128], small[16];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		store_location_shown(cases[i].location, shown, sizeof(shown));
		assert_string_equal(shown, cases[i].shown);
		assert_null(strstr(shown, "S3cret"));
	}
	/* Truncated, terminated, and still without the password. */
	store_location_shown("postgresql://redress:S3cret-pw@db/fund", small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_null(strstr(small, "S3cret"));
}

/* ---- Fault injection from many threads -------------------------------------------- */

#define FAULT_THREADS 4
#define FAULT_ROUNDS  2000

struct fault_thread {
	struct store *store;
	long calls;  /* the counted store calls this thread made */
	long faults; /* of them, those that failed with the injected fault */
};

static const struct store_query q_one = {"test.one", "SELECT 1"};

static void *
fault_thread_run(void *arg)
{
	struct fault_thread *t = arg;
	struct redress_error err;
	struct store_stmt *st;
	int i;

	for (i = 0; i < FAULT_ROUNDS; i++) {
		t->calls++;
		if ((st = store_query(t->store, &q_one, &err)) == NULL) {
			t->faults +=
			    err.code == REDRESS_E_BUSY && strstr(err.message, "injected fault") != NULL;
			continue;
		}
		t->calls++;
		if (store_step(st, &err) != STORE_ROW)
			t->faults +=
			    err.code == REDRESS_E_BUSY && strstr(err.message, "injected fault") != NULL;
		else
			store_done(st);
	}
	return NULL;
}

/*
 * The counter and the countdown are the whole process's (a server's
 * threads share them): calls made at once in several threads are each
 * counted, and exactly one of them gets the fault.
 */
static void
test_fault_injection_across_threads(void **state)
{
	struct fault_thread t[FAULT_THREADS];
	pthread_t th[FAULT_THREADS];
	struct redress_error err;
	long calls = 0, faults = 0;
	int i;

	(void)state;
	memset(t, 0, sizeof(t));
	for (i = 0; i < FAULT_THREADS; i++)
		assert_int_equal(store_open(":memory:", STORE_OPEN_CREATE, &t[i].store, &err), REDRESS_OK);
	store_fault_inject(FAULT_THREADS * FAULT_ROUNDS, REDRESS_E_BUSY);
	for (i = 0; i < FAULT_THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fault_thread_run, &t[i]), 0);
	for (i = 0; i < FAULT_THREADS; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		calls += t[i].calls;
		faults += t[i].faults;
		store_close(&t[i].store);
	}
	assert_int_equal(store_fault_calls_made(), calls);
	/* Every round is a query and a step, but for a failed query's. */
	assert_true(calls == 2L * FAULT_THREADS * FAULT_ROUNDS ||
	            calls == 2L * FAULT_THREADS * FAULT_ROUNDS - 1);
	assert_int_equal(faults, 1);
	store_fault_inject(0, REDRESS_OK);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_bind_error_is_sticky, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bindings_cleared, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reads_end_before_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_changes_beside_the_log_noticed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scrub_lets_writers_through, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deferred_writes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalogue_prepared_and_read_by_type, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalogue_prepared_again_only_when_changed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reader_narrow_types_and_each, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalogue_reads_another_module, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_catalogue_columns_counted, setup, teardown),
	    cmocka_unit_test(test_every_store_call_failing),
	    cmocka_unit_test(test_location_shown_without_password),
	    cmocka_unit_test(test_fault_injection_across_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
