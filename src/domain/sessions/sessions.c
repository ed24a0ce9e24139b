/*
 * sessions.c -- the table of signed-in sessions (sessions.h), its
 * catalogue, and the module that has it made and prepared with the fund's
 * other tables.
 */
#include "domain/sessions/sessions.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static const char sessions_schema[] = "CREATE TABLE IF NOT EXISTS sessions_live ("
                                      " hash TEXT PRIMARY KEY,"
                                      " account_tag TEXT NOT NULL,"
                                      " account_sealed TEXT NOT NULL,"
                                      " created INTEGER NOT NULL,"
                                      " seen INTEGER NOT NULL);"
                                      "CREATE INDEX IF NOT EXISTS sessions_live_account"
                                      " ON sessions_live (account_tag);"
                                      "CREATE TABLE IF NOT EXISTS sessions_throttle ("
                                      " tag TEXT PRIMARY KEY,"
                                      " failures INTEGER NOT NULL,"
                                      " last INTEGER NOT NULL);";

enum sessions_statement {
	SESSIONS_Q_PUT,
	SESSIONS_Q_GET,
	SESSIONS_Q_SEEN,
	SESSIONS_Q_DELETE,
	SESSIONS_Q_DELETE_TAG,
	SESSIONS_Q_EXPIRE,
	SESSIONS_Q_THROTTLE_GET,
	SESSIONS_Q_THROTTLE_FAIL,
	SESSIONS_Q_THROTTLE_CLEAR,
	SESSIONS_Q_THROTTLE_EXPIRE,
	SESSIONS_Q_COUNT
};

static const struct store_statement sessions_statements[SESSIONS_Q_COUNT] = {
    [SESSIONS_Q_PUT] = {.name = "sessions.put",
                        .sql = "INSERT INTO sessions_live (hash, account_tag, account_sealed, created, seen)"
                               " VALUES (?1, ?2, ?3, ?4, ?5)",
                        .columns = ""},
    [SESSIONS_Q_GET] = {.name = "sessions.get",
                        .sql = "SELECT account_tag, account_sealed, created, seen FROM sessions_live"
                               " WHERE hash = ?1",
                        .columns = "ttii"},
    [SESSIONS_Q_SEEN] = {.name = "sessions.seen",
                         .sql = "UPDATE sessions_live SET seen = ?2 WHERE hash = ?1 AND seen < ?2",
                         .columns = ""},
    [SESSIONS_Q_DELETE] = {.name = "sessions.delete",
                           .sql = "DELETE FROM sessions_live WHERE hash = ?1",
                           .columns = ""},
    [SESSIONS_Q_DELETE_TAG] = {.name = "sessions.delete_tag",
                               .sql = "DELETE FROM sessions_live WHERE account_tag = ?1",
                               .columns = ""},
    [SESSIONS_Q_EXPIRE] = {.name = "sessions.expire",
                           .sql = "DELETE FROM sessions_live WHERE seen < ?1 OR created < ?2",
                           .columns = ""},
    [SESSIONS_Q_THROTTLE_GET] = {.name = "sessions.throttle.get",
                                 .sql = "SELECT failures, last FROM sessions_throttle WHERE tag = ?1",
                                 .columns = "ii"},
    [SESSIONS_Q_THROTTLE_FAIL] = {.name = "sessions.throttle.fail",
                                  .sql =
                                      "INSERT INTO sessions_throttle (tag, failures, last) VALUES (?1, 1, ?2)"
                                      " ON CONFLICT (tag) DO UPDATE SET"
                                      " failures = sessions_throttle.failures + 1, last = excluded.last"
                                      " RETURNING failures",
                                  .columns = "i"},
    [SESSIONS_Q_THROTTLE_CLEAR] = {.name = "sessions.throttle.clear",
                                   .sql = "DELETE FROM sessions_throttle WHERE tag = ?1",
                                   .columns = ""},
    [SESSIONS_Q_THROTTLE_EXPIRE] = {.name = "sessions.throttle.expire",
                                    .sql = "DELETE FROM sessions_throttle WHERE last < ?1",
                                    .columns = ""},
};

static const struct store_catalogue sessions_catalogue = {"sessions", sessions_statements,
                                                          STORE_COUNT(sessions_statements)};

enum redress_err
sessions_put(struct store *store, const struct sessions_row *row, const char *account_sealed,
             struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &sessions_catalogue, SESSIONS_Q_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, row->hash);
	store_bind_text(st, 2, row->tag);
	store_bind_text(st, 3, account_sealed);
	store_bind_int64(st, 4, (int64_t)row->created);
	store_bind_int64(st, 5, (int64_t)row->seen);
	return store_run(st, err);
}

/* SESSIONS_Q_GET's row, as stored: the text borrowed and checked before it is kept. */
struct session_read {
	const char *tag, *sealed;
	int64_t created, seen;
};

static const struct store_field session_fields[] = {
    STORE_FIELD_TEXT(struct session_read, tag), STORE_FIELD_TEXT(struct session_read, sealed),
    STORE_FIELD(struct session_read, created), STORE_FIELD(struct session_read, seen)};

/* SESSIONS_Q_THROTTLE_GET's row (SESSIONS_Q_THROTTLE_FAIL's is its first column). */
struct throttle_read {
	int64_t failures, last;
};

static const struct store_field throttle_fields[] = {STORE_FIELD(struct throttle_read, failures),
                                                     STORE_FIELD(struct throttle_read, last)};

enum redress_err
sessions_get(struct store *store, const char *hash, struct sessions_row *row_r, struct buf *sealed,
             struct redress_error *err)
{
	struct session_read row;
	struct store_stmt *st;

	if ((st = store_statement(store, &sessions_catalogue, SESSIONS_Q_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	switch (store_read(st, session_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no such session");
	default: return err->code;
	}
	if (strlen(hash) != SESSIONS_HASH_SIZE - 1 || strlen(row.tag) != SESSIONS_TAG_SIZE - 1 ||
	    row.created < 0 || row.seen < 0) {
		store_done(st);
		/* Not what a server wrote: it signs no one in, and its content is not repeated. */
		return error_set(err, REDRESS_E_NOTFOUND, "a session's row is malformed");
	}
	memcpy(row_r->hash, hash, SESSIONS_HASH_SIZE);
	memcpy(row_r->tag, row.tag, SESSIONS_TAG_SIZE);
	row_r->created = (uint64_t)row.created;
	row_r->seen = (uint64_t)row.seen;
	buf_puts(sealed, row.sealed);
	store_done(st);
	return buf_error(sealed, err);
}

/* Runs statement id with hash (or tag) as ?1 and, when with_int, v as ?2. */
static enum redress_err
run_text(struct store *store, enum sessions_statement id, const char *text, int with_int, uint64_t v,
         struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &sessions_catalogue, id, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, text);
	if (with_int)
		store_bind_int64(st, 2, (int64_t)v);
	return store_run(st, err);
}

enum redress_err
sessions_seen(struct store *store, const char *hash, uint64_t seen, struct redress_error *err)
{
	return run_text(store, SESSIONS_Q_SEEN, hash, 1, seen, err);
}

enum redress_err
sessions_delete(struct store *store, const char *hash, struct redress_error *err)
{
	return run_text(store, SESSIONS_Q_DELETE, hash, 0, 0, err);
}

enum redress_err
sessions_delete_tag(struct store *store, const char *tag, struct redress_error *err)
{
	return run_text(store, SESSIONS_Q_DELETE_TAG, tag, 0, 0, err);
}

enum redress_err
sessions_expire(struct store *store, uint64_t seen_after, uint64_t created_after, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &sessions_catalogue, SESSIONS_Q_EXPIRE, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)seen_after);
	store_bind_int64(st, 2, (int64_t)created_after);
	return store_run(st, err);
}

enum redress_err
sessions_throttle_get(struct store *store, const char *tag, unsigned *failures_r, uint64_t *last_r,
                      struct redress_error *err)
{
	struct throttle_read row;
	struct store_stmt *st;

	*failures_r = 0;
	*last_r = 0;
	if ((st = store_statement(store, &sessions_catalogue, SESSIONS_Q_THROTTLE_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, tag);
	switch (store_read_one(st, throttle_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
	/* A count no server wrote is read as the most it could be: a guesser gains nothing by it. */
	*failures_r = row.failures < 0 || row.failures > UINT32_MAX ? UINT32_MAX : (unsigned)row.failures;
	*last_r = row.last < 0 ? 0 : (uint64_t)row.last;
	return REDRESS_OK;
}

enum redress_err
sessions_throttle_fail(struct store *store, const char *tag, uint64_t now, unsigned *failures_r,
                       struct redress_error *err)
{
	struct throttle_read row;
	struct store_stmt *st;

	if ((st = store_statement(store, &sessions_catalogue, SESSIONS_Q_THROTTLE_FAIL, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, tag);
	store_bind_int64(st, 2, (int64_t)now);
	switch (store_read_one(st, throttle_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_STORE, "a failed sign-in was not counted");
	default: return err->code;
	}
	*failures_r = row.failures < 0 || row.failures > UINT32_MAX ? UINT32_MAX : (unsigned)row.failures;
	return REDRESS_OK;
}

enum redress_err
sessions_throttle_clear(struct store *store, const char *tag, struct redress_error *err)
{
	return run_text(store, SESSIONS_Q_THROTTLE_CLEAR, tag, 0, 0, err);
}

enum redress_err
sessions_throttle_expire(struct store *store, uint64_t before, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &sessions_catalogue, SESSIONS_Q_THROTTLE_EXPIRE, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)before);
	return store_run(st, err);
}

/* The module has no events: one that claims to be its is not replayed. */
static enum redress_err
sessions_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	(void)store;
	return error_set(err, REDRESS_E_INVALID, "event type '%.64s' is unknown: sessions keeps no events",
	                 ev->type);
}

const struct event_module sessions_module = {
    .name = "sessions",
    .type_prefix = "sessions.",
    .schema = sessions_schema,
    .catalogue = &sessions_catalogue,
    .snapshot_ids = NULL,
    .nsnapshots = 0,
    .replay = sessions_replay,
};
