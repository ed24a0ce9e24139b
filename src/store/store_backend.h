/*
 * store_backend.h -- what a storage backend implements.  Private to
 * src/store: the rest of redress sees only store.h.
 */
#ifndef REDRESS_STORE_BACKEND_H
#define REDRESS_STORE_BACKEND_H

#include "store/store.h"

/* The hex digits of a digest of catalogues, as prepared_before and prepared_all take it. */
#define STORE_DIGEST_HEX 32

struct store_backend {
	const char *name;
	/* Opens a connection; returns the backend's handle in *conn_r. */
	enum redress_err (*open)(const char *location, enum store_open_flags flags, void **conn_r,
	                         struct redress_error *err);
	void (*close)(void *conn);
	/* The location another connection can open, or NULL (a private database). */
	const char *(*location)(void *conn);
	enum redress_err (*exec)(void *conn, const char *sql, struct redress_error *err);
	/* A consistent copy of the database in a new file at path; see store_backup(). */
	enum redress_err (*backup)(void *conn, const char *path, struct redress_error *err);
	/* See store_dump(); NULL: backup. */
	enum redress_err (*dump)(void *conn, const char *path, struct redress_error *err);
	const char *dump_suffix; /* of a dump's file name */
	/* Drops everything in the database, see store_destroy(); NULL: the file is removed once closed. */
	enum redress_err (*destroy)(void *conn, struct redress_error *err);
	/* See store_check(). */
	enum redress_err (*check)(void *conn, struct redress_error *err);
	/* See store_check_quick(); NULL: check. */
	enum redress_err (*check_quick)(void *conn, struct redress_error *err);
	/* See store_scrub(). */
	enum redress_err (*scrub)(void *conn, int wait, struct redress_error *err);
	enum redress_err (*begin)(void *conn, struct redress_error *err);
	enum redress_err (*begin_read)(void *conn, struct redress_error *err);
	/* A failure that may have kept the change is REDRESS_E_UNKNOWN. */
	enum redress_err (*commit)(void *conn, struct redress_error *err);
	/* REDRESS_OK when no transaction is left open, even if ROLLBACK itself failed. */
	enum redress_err (*rollback)(void *conn, struct redress_error *err);
	/* Prepares q in this backend's dialect; the handle is freed with finalize. */
	enum redress_err (*prepare)(void *conn, const struct store_statement *q, void **stmt_r,
	                            struct redress_error *err);
	/*
	 * NULL, or: begins preparing the n statements qs at once, for the
	 * prepare calls that follow to take (a backend whose every prepare is a
	 * round trip to a server).  Errors are left for prepare to report.
	 */
	void (*prepare_ahead)(void *conn, const struct store_statement *const *qs, size_t n);
	/*
	 * NULL, or: 1 when the database records that every statement of the
	 * catalogues whose digest (STORE_DIGEST_HEX hex digits) is given was
	 * prepared against its schema as it is now; 0 when not, or when that
	 * cannot be told.  Then store_prepare prepares each at its first use.
	 */
	int (*prepared_before)(void *conn, const char *digest);
	/* NULL, or: records that every statement of digest was prepared against the schema as it is (best
	 * effort). */
	void (*prepared_all)(void *conn, const char *digest);
	void (*finalize)(void *stmt);
	/* Ends the statement's rows; clear also unbinds every parameter. */
	void (*reset)(void *stmt, int clear);
	/* Binding: REDRESS_OK, or err filled (naming the parameter, not the value). */
	enum redress_err (*bind_int64)(void *conn, void *stmt, int index, int64_t value,
	                               struct redress_error *err);
	enum redress_err (*bind_text)(void *conn, void *stmt, int index, const char *text,
	                              struct redress_error *err);
	enum redress_err (*bind_blob)(void *conn, void *stmt, int index, const void *data, size_t len,
	                              struct redress_error *err);
	enum redress_err (*bind_null)(void *conn, void *stmt, int index, struct redress_error *err);
	/* name: the statement's, for error messages. */
	enum store_step_result (*step)(void *conn, void *stmt, const char *name, struct redress_error *err);
	int (*column_count)(void *stmt);
	const char *(*column_name)(void *stmt, int index);
	int (*column_is_null)(void *stmt, int index);
	int (*column_is_integer)(void *stmt, int index);
	int64_t (*column_int64)(void *stmt, int index);
	const char *(*column_text)(void *stmt, int index);
	const void *(*column_blob)(void *stmt, int index, size_t *len_r);
	int64_t (*changes)(void *conn);
};

extern const struct store_backend store_backend_sqlite;
extern const struct store_backend store_backend_pgsql;

#endif
