/*
 * store.h -- the one storage interface every other layer uses.
 *
 * A store is a database connection behind a table of backend functions
 * (store_backend.h): SQLite or PostgreSQL.  Statements are a module's
 * catalogue (struct store_catalogue, below; docs/store.md); a `struct
 * store_query` is only for the tests' own SQL.  SQL is portable, numbers
 * its parameters ?1, ?2 ... and takes values only through the bind
 * functions -- no SQL is ever pasted together from data.
 * Prepared statements are cached per statement for the life of the store.
 *
 * A store is used by one thread at a time.
 */
#ifndef REDRESS_STORE_STORE_H
#define REDRESS_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct store;
struct store_stmt;

/*
 * A statement.  A module's are its catalogue (struct store_catalogue): an
 * enum of statement ids beside an array of struct store_statement indexed
 * by id, each with its result columns' types; every statement of every
 * catalogue is prepared when the store is opened.  A struct store_query
 * constant, prepared at its first use and read by column, is for the
 * tests' own SQL (a table of their own, an edit behind the log's back);
 * no file under src/ has one.
 */
struct store_query {
	const char *name; /* for error messages: "ledger.account.get" */
	const char *sql;
};

struct store_statement {
	const char *name; /* "ledger.account.get": the module's name first */
	const char *sql;  /* portable SQL, parameters ?1, ?2 ... */
	/*
	 * The result columns' types, one letter each, in order: 'i' a 64-bit
	 * integer, 't' text, 'b' bytes; "" for none.  The row reader and the
	 * audit read by these.
	 */
	const char *columns;
	/* A dialect's SQL where the portable SQL will not do; NULL: sql. */
	const char *sql_sqlite;
	const char *sql_pgsql;
	/*
	 * The modules (their catalogues' names, between spaces: "registry
	 * entitlements") whose tables the statement reads beside its own
	 * module's, or NULL.  Such a statement is prepared at open only when
	 * those modules' catalogues are prepared too; a store
	 * opened without that module (a test's log of a few modules) prepares
	 * it at its first use, where it fails naming the missing table.  It
	 * also lists, by a grep, every read across modules; test_catalogue
	 * fails on a read across modules that is not declared, and on any
	 * write of another module's table.
	 */
	const char *reads;
	/*
	 * 1: a write (INSERT, UPDATE, DELETE, no RETURNING) whose failure only
	 * ever fails the whole change.  Inside a write transaction a backend
	 * may then send it and go on without waiting for its answer (PostgreSQL:
	 * pipeline mode, one round trip for the writes and the next read); its
	 * error is then returned by the next statement stepped or by the
	 * commit, named by this statement's name, and the change is rolled
	 * back.  store_changes() still counts its rows.  Never for a statement
	 * whose own error the caller tells apart (a conflict it answers).
	 */
	int deferred;
};

/* A module's statements: statements[id] for each id of the module's enum. */
struct store_catalogue {
	const char *module; /* "log", "ledger" */
	const struct store_statement *statements;
	size_t count;
};

/* The number of elements of a catalogue's array, for .count. */
#define STORE_COUNT(array) (sizeof(array) / sizeof((array)[0]))

enum store_open_flags {
	STORE_OPEN_EXISTING = 0, /* the database must already exist */
	STORE_OPEN_CREATE = 1,   /* create the file when missing */
	STORE_OPEN_READONLY = 2,
};

enum store_step_result {
	STORE_ERROR = -1,
	STORE_DONE = 0,
	STORE_ROW = 1,
};

/*
 * Opens the database named by location: a file path for SQLite,
 * ":memory:" for a private in-memory database (used by audit replay), or
 * a postgresql:// (or postgres://) URI for PostgreSQL, as libpq takes it
 * (several hosts, target_session_attrs=read-write: docs/deploy.md); a
 * PostgreSQL database must exist (createdb) and CREATE makes nothing.
 * The caller closes *store_r with store_close().
 */
enum redress_err store_open(const char *location, enum store_open_flags flags, struct store **store_r,
                            struct redress_error *err);

/*
 * Opens a second connection to the same database, for work done in another
 * thread (each connection is used by one thread at a time).  Fails with
 * REDRESS_E_STORE for a private in-memory database, which has no second
 * connection.  The caller closes *other_r with store_close().
 */
enum redress_err store_reopen(const struct store *store, enum store_open_flags flags, struct store **other_r,
                              struct redress_error *err);

/* Closes the store and frees its statements; NULL is a no-op; sets *store to NULL. */
void store_close(struct store **store);

/* Whether location names a PostgreSQL database (a postgresql:// or postgres:// URI). */
int store_is_pgsql(const char *location);

/*
 * location as it may be shown (printed, logged), in out of size bytes
 * (truncated, always terminated): a PostgreSQL URI's password, in its
 * user part (user:PASSWORD@host) or as a password= parameter, becomes
 * "***"; anything else is copied as it is.
 */
void store_location_shown(const char *location, char *out, size_t size);

/* The backend's name: "sqlite" or "pgsql". */
const char *store_backend_name(const struct store *store);

/*
 * Transactions.  store_begin takes the write lock at once, so that two
 * writers queue rather than deadlock; it waits for another connection's
 * write (this process's or another's) up to the busy timeout (10 s), then
 * fails with REDRESS_E_BUSY.  Every statement left on a row is reset first
 * and again at commit and rollback: no snapshot outlives a change.
 * store_commit fails with REDRESS_E_UNKNOWN when the change may have been
 * kept although the commit failed (an I/O error while it was written);
 * with any other error nothing was kept.  store_rollback never fails (a
 * failure to roll back leaves the connection closed to further writes:
 * every later store_begin fails with REDRESS_E_STORE_IO).
 */
enum redress_err store_begin(struct store *store, struct redress_error *err);
/* Starts a read-only transaction: one consistent snapshot for many queries. */
enum redress_err store_begin_read(struct store *store, struct redress_error *err);
enum redress_err store_commit(struct store *store, struct redress_error *err);
void store_rollback(struct store *store);
int store_in_transaction(const struct store *store);

/*
 * Leaves no copy of rows that committed changes deleted in the database's
 * files: for after a change that destroyed a secret (a person's data key,
 * domain/registry).  Deleted content is overwritten where it lay (SQLite's
 * secure_delete, always on); this also moves the write-ahead journal into
 * the database and empties it, since the journal still holds the pages as
 * they were.  Outside a transaction.  Waits up to 10 s for readers without
 * holding other writers back for more than a moment at a time;
 * REDRESS_E_BUSY when readers kept the journal from being emptied (run it
 * again when they are done).
 */
enum redress_err store_scrub(struct store *store, struct redress_error *err);

/*
 * store_scrub, but trying once and waiting for readers only briefly: for
 * a server's writer, which tries again later.  REDRESS_E_BUSY when readers
 * kept the journal.
 */
enum redress_err store_scrub_try(struct store *store, struct redress_error *err);

/*
 * Checks the database's own structure (SQLite's integrity check: pages,
 * indexes that agree with their tables, constraints): damage of the
 * storage, which is not a change made behind the log's back.  REDRESS_OK
 * when sound; REDRESS_E_STORE_IO, the message beginning "storage damaged"
 * and naming what, when not.  Reads the whole database.
 */
enum redress_err store_check(struct store *store, struct redress_error *err);

/*
 * The same, cheaper: the pages and their trees, without matching each
 * index to its table (SQLite's quick_check); a backend without a cheaper
 * check runs the whole one.  Damage it misses (an index that disagrees
 * with its table) store_check finds.
 */
enum redress_err store_check_quick(struct store *store, struct redress_error *err);

/*
 * Copies the whole database, consistently, into a new file at path (mode
 * 0600, synced); outside a transaction.  An existing path is
 * REDRESS_E_CONFLICT; on failure no file is left at path.
 */
enum redress_err store_backup(struct store *store, const char *path, struct redress_error *err);

/*
 * A copy of the whole database at path (mode 0600) in the backend's own
 * form, for putting it back by the backend's own tools: SQLite's is
 * store_backup's database file; PostgreSQL's is pg_dump's custom format
 * (pg_restore puts it back), made by running pg_dump, which must be
 * installed (Debian's postgresql-client).  What `redress migrate` takes
 * before it changes the schema.  An existing path is REDRESS_E_CONFLICT;
 * on failure no file is left at path.
 */
enum redress_err store_dump(struct store *store, const char *path, struct redress_error *err);

/* The suffix a store_dump file of this store's backend should have: ".bak" or ".pgdump". */
const char *store_dump_suffix(const struct store *store);

/*
 * Closes *store (setting it to NULL) and removes everything in its
 * database: a SQLite file goes, with its -wal and -shm; in PostgreSQL
 * every table of the connection's current schema is dropped, in one
 * transaction (the database itself stays, as its owner made it).  The
 * caller has checked that the database is its to remove (`demo --fresh`:
 * a demo's log).  Outside a transaction; on an error *store is closed
 * all the same, and in PostgreSQL nothing was dropped.
 */
enum redress_err store_destroy(struct store **store, struct redress_error *err);

/*
 * Resets every statement left in the middle of its rows.  Such a statement
 * keeps the snapshot it read from (and the journal from being emptied): a
 * connection kept idle in a pool would go on answering from the past.
 */
void store_end_reads(struct store *store);

/*
 * Prepares every statement of the catalogues (a NULL-terminated list; it
 * must outlive the store; a statement that .reads a module not among them
 * waits for its first use), so that an error in any of them is found now,
 * naming the module and the statement, and nothing runs; the cache is
 * sized to hold them all.  On PostgreSQL, where a prepare costs the server
 * a parse (some 30 ms for a fund's 350), the database keeps the digests of
 * the catalogues whose every statement was prepared against its schema
 * (both in the digest): when these very statements were, on this very
 * schema, each is prepared at its first use instead, as none can fail.
 * Connections that store_reopen() opens prepare the same catalogues.
 * REDRESS_OK, or err filled.
 */
enum redress_err store_prepare(struct store *store, const struct store_catalogue *const *catalogues,
                               struct redress_error *err);

/* How many statements are prepared now (for the tests: those store_prepare left to their first use are not).
 */
size_t store_statements_prepared(const struct store *store);

/*
 * Statement id of catalogue c, as store_query() gives it: reset, nothing
 * bound.  An id beyond the catalogue is REDRESS_E_INTERNAL.
 */
struct store_stmt *store_statement(struct store *store, const struct store_catalogue *c, unsigned id,
                                   struct redress_error *err);

/*
 * Where a row reader puts one column in the caller's struct: at offset,
 * size bytes.  For an 'i' column an int64_t or uint64_t (size 8), an int
 * (size 4; a value out of its range is REDRESS_E_STORE) or a bool (size 1:
 * nonzero is true); for 't' a char array of size bytes (the text and its
 * NUL; longer text is REDRESS_E_STORE, never cut); for 'b' an array of
 * exactly size bytes (other lengths are REDRESS_E_STORE), or, with
 * len_offset != 0, up to size bytes and their number as a size_t at
 * len_offset.  A NULL reads as 0, "" or no bytes.  A field of size 0
 * (STORE_SKIP) leaves its column unread.  With flags STORE_BORROW nothing
 * is copied and there is no limit: a 't' column puts a const char * at
 * offset ("" for NULL), a 'b' column a const void * there and its length
 * as a size_t at len_offset; both are owned by the statement and valid
 * until its next step, as store_column_text's.  With flags STORE_CUT a
 * 't' column longer than its array is cut to fit (size - 1 bytes, as
 * snprintf's "%s" would), for a field that only shows a prefix.
 */
struct store_field {
	size_t offset;
	size_t size;
	size_t len_offset;
	unsigned flags; /* STORE_BORROW, STORE_CUT or 0 */
};

#define STORE_BORROW 1u
#define STORE_CUT    2u

/* The field for member of struct type: STORE_FIELD(struct account_read, a.code). */
#define STORE_FIELD(type, member)                                                                            \
	{                                                                                                    \
		offsetof(type, member), sizeof(((type *)0)->member), 0, 0                                    \
	}
/* A 'b' column of up to sizeof(member) bytes, its length in the size_t len_member. */
#define STORE_FIELD_BYTES(type, member, len_member)                                                          \
	{                                                                                                    \
		offsetof(type, member), sizeof(((type *)0)->member), offsetof(type, len_member), 0           \
	}
/* A 't' column as a const char * member, borrowed from the statement. */
#define STORE_FIELD_TEXT(type, member)                                                                       \
	{                                                                                                    \
		offsetof(type, member), sizeof(((type *)0)->member), 0, STORE_BORROW                         \
	}
/* A 'b' column as a const void * member and its size_t length, borrowed from the statement. */
#define STORE_FIELD_BLOB(type, member, len_member)                                                           \
	{                                                                                                    \
		offsetof(type, member), sizeof(((type *)0)->member), offsetof(type, len_member),             \
		    STORE_BORROW                                                                             \
	}
/* A 't' column into a char array, cut to fit. */
#define STORE_FIELD_CUT(type, member)                                                                        \
	{                                                                                                    \
		offsetof(type, member), sizeof(((type *)0)->member), 0, STORE_CUT                            \
	}
/* A row of one integer column read whole into an int64_t (a count, a sum, a size), or a bool. */
#define STORE_FIELD_INT64_ROW                                                                                \
	{                                                                                                    \
		0, sizeof(int64_t), 0, 0                                                                     \
	}
#define STORE_FIELD_BOOL_ROW                                                                                 \
	{                                                                                                    \
		0, sizeof(_Bool), 0, 0                                                                       \
	}
/* A column the caller does not keep. */
#define STORE_SKIP                                                                                           \
	{                                                                                                    \
		0, 0, 0, 0                                                                                   \
	}

/*
 * Steps st and reads its row into out by the statement's declared column
 * types (fields[i] for column i; the statement must declare its columns).
 * STORE_ROW with out filled, STORE_DONE at the end (the statement's
 * snapshot then ends), STORE_ERROR with err filled.  On an error out may
 * be partly filled.
 */
enum store_step_result store_read(struct store_stmt *st, const struct store_field *fields, void *out,
                                  struct redress_error *err);

/*
 * store_read() for a lookup of at most one row: after STORE_ROW the
 * statement is ended (store_done), so its snapshot ends at once.
 */
enum store_step_result store_read_one(struct store_stmt *st, const struct store_field *fields, void *out,
                                      struct redress_error *err);

/*
 * Reads every row of st into *row (as store_read) and calls fn(arg, row,
 * err) for each; fn's error other than REDRESS_OK ends the walk (the
 * statement is ended) and is returned.  REDRESS_OK at the end of the rows.
 * fn must not begin or end a transaction nor step st.
 */
enum redress_err store_each(struct store_stmt *st, const struct store_field *fields, void *row,
                            enum redress_err (*fn)(void *arg, void *row, struct redress_error *err),
                            void *arg, struct redress_error *err);

/* The statement's declared column types, or NULL (a struct store_query's). */
const char *store_stmt_columns(const struct store_stmt *st);

/* Runs statements that take no parameters (schema creation). */
enum redress_err store_exec(struct store *store, const char *sql, struct redress_error *err);

/*
 * The prepared, reset statement for q, ready for binding, with no
 * parameter bound (an unbound one is NULL).  Owned by the store; valid
 * until the next store_query() of the same q.  NULL on error.
 */
struct store_stmt *store_query(struct store *store, const struct store_query *q, struct redress_error *err);

/*
 * Binding: index is 1-based, as in the SQL's ?N.  NULL text binds SQL NULL.
 * A failure is kept on the statement (the first one) and returned by
 * store_step(), which then runs nothing.
 */
void store_bind_int64(struct store_stmt *st, int index, int64_t value);
void store_bind_text(struct store_stmt *st, int index, const char *text);
void store_bind_blob(struct store_stmt *st, int index, const void *data, size_t len);
void store_bind_null(struct store_stmt *st, int index);

/*
 * Steps the statement: STORE_ROW with a row to read, STORE_DONE when
 * finished, STORE_ERROR with err filled (naming the query).  Binding errors
 * surface here.
 */
enum store_step_result store_step(struct store_stmt *st, struct redress_error *err);

/*
 * Ends a statement's rows before they are all read (a lookup of one row):
 * its snapshot ends with it.  Statements left on a row are also ended by
 * store_end_reads() and at every transaction's start and end; stepping
 * such a statement again without store_query() is REDRESS_E_INTERNAL (a
 * loop over rows that began or ended a transaction inside it), never a
 * silent restart from its first row.
 */
void store_done(struct store_stmt *st);

/* Runs a statement that returns no rows; REDRESS_OK or err filled. */
enum redress_err store_run(struct store_stmt *st, struct redress_error *err);

/* Column access for the current row; index is 0-based. */
int store_column_count(struct store_stmt *st);
const char *store_column_name(struct store_stmt *st, int index);
int store_column_is_null(struct store_stmt *st, int index);
int store_column_is_integer(struct store_stmt *st, int index);
int64_t store_column_int64(struct store_stmt *st, int index);
/* Text owned by the statement, valid until the next step; "" for NULL. */
const char *store_column_text(struct store_stmt *st, int index);
const void *store_column_blob(struct store_stmt *st, int index, size_t *len_r);

/* Rows changed by the last statement run. */
int64_t store_changes(struct store *store);

/*
 * For tests: makes the nth store call from now (counting store_begin,
 * store_begin_read, store_commit, store_query and store_step, in every
 * store of the process) fail with code, as a failing database would; 0
 * turns it off.  store_fault_calls_made() counts the calls since.
 */
void store_fault_inject(long nth, enum redress_err code);
long store_fault_calls_made(void);

#endif
