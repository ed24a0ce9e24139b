/*
 * fund_copy.c -- a fund's database copied whole into another: a SQLite
 * fund into an empty PostgreSQL database (`redress migrate --to`), and a
 * PostgreSQL fund into a new SQLite file (a backup of it, on the command
 * line and over HTTP).
 *
 * One consistent snapshot of the source (a read transaction; REPEATABLE
 * READ on PostgreSQL: servers may go on writing; what they write after it
 * began is not copied) is copied in one transaction on the target: every
 * table as the source keeps its definition (the store translates the
 * dialect), every row by its column's declared type, then every index.
 * The copy is then opened as a fund (every module's statements prepared
 * against it) and its log's size and root compared with the source's: the
 * same, or the copy is refused.  Nothing is written to the source; a
 * failure leaves the target empty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "domain/fund/fund_copy.h"
#include "log/merkle.h"

#define COPY_TABLES_MAX 256  /* a fund has about 60 */
#define COPY_SQL_MAX    8192 /* one table's SELECT or INSERT */
#define COPY_NAME_MAX   63   /* an identifier (PostgreSQL's limit) */

enum copy_kind { COPY_INT, COPY_TEXT, COPY_BLOB };

struct copy_table {
	char name[COPY_NAME_MAX + 1];
	char *create; /* the CREATE TABLE statement as SQLite keeps it */
	int ncols;
	enum copy_kind kinds[128];
	char select_sql[COPY_SQL_MAX], insert_sql[COPY_SQL_MAX];
	uint64_t rows;
};

static const struct store_query q_tables = {
    "migrate.tables",
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"};
static const struct store_query q_indexes = {
    "migrate.indexes",
    "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid"};
static const struct store_query q_columns = {
    "migrate.columns", "SELECT name, upper(type) FROM pragma_table_info(?1) ORDER BY cid"};
static const struct store_query q_target_tables = {
    "migrate.target_tables",
    "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"};
/* The same from PostgreSQL (a backup of a fund there): the types as information_schema names them. */
static const struct store_query q_pg_tables = {
    "migrate.pg_tables", "SELECT table_name::text, '' FROM information_schema.tables WHERE table_schema ="
                         " current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"};
static const struct store_query q_pg_columns = {
    "migrate.pg_columns",
    "SELECT column_name::text, data_type::text FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name::text = ?1 ORDER BY ordinal_position"};
/* The stores key prepared statements by these addresses: one pair per table, alive as long as the process. */
static struct store_query q_select[COPY_TABLES_MAX], q_insert[COPY_TABLES_MAX];

/* 1 when name is an identifier redress makes: lowercase letters, digits, '_'. */
static int
plain_name(const char *name)
{
	size_t i, n = strlen(name);

	if (n == 0 || n > COPY_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return 0;
	return 1;
}

/* Appends text to out (size COPY_SQL_MAX); REDRESS_E_OVERFLOW when it does not fit. */
static enum redress_err
sql_add(char *out, size_t *len, const char *text, const char *table, struct redress_error *err)
{
	size_t n = strlen(text), total;

	if (__builtin_add_overflow(*len, n, &total) || total >= COPY_SQL_MAX)
		return error_set(err, REDRESS_E_OVERFLOW, "table %s has too many columns to copy", table);
	memcpy(out + *len, text, n + 1);
	*len = total;
	return REDRESS_OK;
}

/* The columns of t in the source, and its SELECT and INSERT. */
static enum redress_err
table_columns(struct store *src, int pg, struct copy_table *t, struct redress_error *err)
{
	size_t slen = 0, ilen = 0;
	enum store_step_result r;
	struct store_stmt *st;
	char num[24];
	enum redress_err rc = REDRESS_OK;

	if ((st = store_query(src, pg ? &q_pg_columns : &q_columns, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, t->name);
	t->ncols = 0;
	t->select_sql[0] = t->insert_sql[0] = '\0';
	if ((rc = sql_add(t->select_sql, &slen, "SELECT ", t->name, err)) != REDRESS_OK ||
	    (rc = sql_add(t->insert_sql, &ilen, "INSERT INTO ", t->name, err)) != REDRESS_OK ||
	    (rc = sql_add(t->insert_sql, &ilen, t->name, t->name, err)) != REDRESS_OK ||
	    (rc = sql_add(t->insert_sql, &ilen, " (", t->name, err)) != REDRESS_OK)
		return rc;
	while ((r = store_step(st, err)) == STORE_ROW) {
		const char *col = store_column_text(st, 0), *type = store_column_text(st, 1);

		if (!plain_name(col) || t->ncols == (int)(sizeof(t->kinds) / sizeof(t->kinds[0]))) {
			store_done(st);
			return error_set(err, REDRESS_E_INVALID,
			                 "table %s: column '%.64s' is not one redress makes: not copied",
			                 t->name, col);
		}
		/* SQLite's declared INTEGER, BLOB; PostgreSQL's bigint, bytea (what the store made of them).
		 */
		t->kinds[t->ncols] = strcasestr(type, "INT") != NULL ? COPY_INT
		                     : strcasestr(type, "BLOB") != NULL || strcasestr(type, "BYTEA") != NULL
		                         ? COPY_BLOB
		                         : COPY_TEXT;
		snprintf(num, sizeof(num), "?%d", t->ncols + 1);
		if ((t->ncols > 0 &&
		     ((rc = sql_add(t->select_sql, &slen, ", ", t->name, err)) != REDRESS_OK ||
		      (rc = sql_add(t->insert_sql, &ilen, ", ", t->name, err)) != REDRESS_OK)) ||
		    (rc = sql_add(t->select_sql, &slen, col, t->name, err)) != REDRESS_OK ||
		    (rc = sql_add(t->insert_sql, &ilen, col, t->name, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
		t->ncols++;
	}
	if (r != STORE_DONE)
		return err->code;
	if (t->ncols == 0)
		return error_set(err, REDRESS_E_INVALID, "table %s has no column", t->name);
	if ((rc = sql_add(t->select_sql, &slen, " FROM ", t->name, err)) != REDRESS_OK ||
	    (rc = sql_add(t->select_sql, &slen, t->name, t->name, err)) != REDRESS_OK ||
	    (rc = sql_add(t->insert_sql, &ilen, ") VALUES (", t->name, err)) != REDRESS_OK)
		return rc;
	for (int i = 0; i < t->ncols; i++) {
		snprintf(num, sizeof(num), "%s?%d", i > 0 ? ", " : "", i + 1);
		if ((rc = sql_add(t->insert_sql, &ilen, num, t->name, err)) != REDRESS_OK)
			return rc;
	}
	return sql_add(t->insert_sql, &ilen, ")", t->name, err);
}

/* Copies the rows of table i from src to dst (inside dst's transaction). */
static enum redress_err
table_rows(struct store *src, struct store *dst, struct copy_table *t, size_t i, struct redress_error *err)
{
	struct store_stmt *from, *to;
	enum store_step_result r;
	enum redress_err rc;
	int c;

	q_select[i].name = "migrate.select";
	q_select[i].sql = t->select_sql;
	q_insert[i].name = "migrate.insert";
	q_insert[i].sql = t->insert_sql;
	if ((from = store_query(src, &q_select[i], err)) == NULL)
		return err->code;
	while ((r = store_step(from, err)) == STORE_ROW) {
		if ((to = store_query(dst, &q_insert[i], err)) == NULL) {
			store_done(from);
			return err->code;
		}
		for (c = 0; c < t->ncols; c++) {
			size_t len = 0;
			const void *blob;

			if (store_column_is_null(from, c)) {
				store_bind_null(to, c + 1);
				continue;
			}
			switch (t->kinds[c]) {
			case COPY_INT:
				if (!store_column_is_integer(from, c)) {
					store_done(from);
					return error_set(
					    err, REDRESS_E_STORE,
					    "table %s, row %llu: column %d holds no integer: not copied",
					    t->name, (unsigned long long)t->rows + 1, c + 1);
				}
				store_bind_int64(to, c + 1, store_column_int64(from, c));
				break;
			case COPY_BLOB:
				blob = store_column_blob(from, c, &len);
				store_bind_blob(to, c + 1, blob != NULL ? blob : "", len);
				break;
			case COPY_TEXT: store_bind_text(to, c + 1, store_column_text(from, c)); break;
			}
		}
		if ((rc = store_run(to, err)) != REDRESS_OK) {
			store_done(from);
			error_prefix(err, "table %s, row %llu", t->name, (unsigned long long)t->rows + 1);
			return rc;
		}
		t->rows++;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* The source's tables (and their CREATE statements) into tables; *n_r of them. */
static enum redress_err
list_tables(struct store *src, int pg, struct copy_table *tables, size_t *n_r, struct redress_error *err)
{
	enum store_step_result r;
	struct store_stmt *st;
	size_t n = 0;

	if ((st = store_query(src, pg ? &q_pg_tables : &q_tables, err)) == NULL)
		return err->code;
	while ((r = store_step(st, err)) == STORE_ROW) {
		const char *name = store_column_text(st, 0);

		if (n == COPY_TABLES_MAX) {
			store_done(st);
			return error_set(err, REDRESS_E_INVALID,
			                 "more than %d tables: not a fund redress made", COPY_TABLES_MAX);
		}
		if (!plain_name(name)) {
			store_done(st);
			return error_set(err, REDRESS_E_INVALID,
			                 "table '%.64s' is not one redress makes: not copied", name);
		}
		snprintf(tables[n].name, sizeof(tables[n].name), "%s", name);
		if (!pg && (tables[n].create = strdup(store_column_text(st, 1))) == NULL) {
			store_done(st);
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing the tables");
		}
		*n_r = ++n;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* Runs the source's CREATE INDEX statements on dst. */
static enum redress_err
copy_indexes(struct store *src, struct store *dst, size_t *n_r, struct redress_error *err)
{
	struct buf all;
	enum store_step_result r;
	struct store_stmt *st;
	enum redress_err rc;

	buf_init(&all, 1u << 20);
	if ((st = store_query(src, &q_indexes, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	while ((r = store_step(st, err)) == STORE_ROW) {
		buf_puts(&all, store_column_text(st, 0));
		buf_puts(&all, ";\n");
		++*n_r;
	}
	if (r != STORE_DONE) {
		rc = err->code;
		goto out;
	}
	if ((rc = buf_error(&all, err)) == REDRESS_OK && all.len > 0)
		rc = store_exec(dst, all.data, err);
out:
	buf_free(&all);
	return rc;
}

/*
 * The root of the log in store at size (0: its size now, in *size_r), as
 * base64 text; REDRESS_E_STORE when the log is shorter than size.
 */
static enum redress_err
log_root(struct store *store, const struct keydir *kd, const struct event_module *const *modules,
         uint64_t size, uint64_t *size_r, char root_r[64], struct redress_error *err)
{
	uint8_t root[MERKLE_HASH_SIZE];
	struct tlog *log = NULL;
	enum redress_err rc;

	if ((rc = tlog_open(store, keydir_log_key(kd), modules, &log, err)) != REDRESS_OK ||
	    (rc = tlog_size(log, size_r, err)) != REDRESS_OK)
		goto out;
	if (size == 0)
		size = *size_r;
	else if (size > *size_r) {
		rc = error_set(err, REDRESS_E_STORE,
		               "the source's log holds %llu events, fewer than the copy's %llu",
		               (unsigned long long)*size_r, (unsigned long long)size);
		goto out;
	}
	if ((rc = tlog_root_at(log, size, root, err)) == REDRESS_OK)
		rc = codec_base64_encode(root, sizeof(root), root_r, 64, err);
out:
	tlog_close(&log);
	return rc;
}

/* REDRESS_OK when the PostgreSQL database dst (shown) has no table. */
static enum redress_err
target_empty(struct store *dst, const char *shown, struct redress_error *err)
{
	struct store_stmt *st;
	int64_t n;

	if ((st = store_query(dst, &q_target_tables, err)) == NULL || store_step(st, err) != STORE_ROW)
		return err->code;
	n = store_column_int64(st, 0);
	store_done(st);
	if (n != 0)
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "the database %s is not empty (%lld tables): move a fund only into a new database "
		    "(createdb)",
		    shown, (long long)n);
	return REDRESS_OK;
}

enum redress_err
fund_copy(const char *from, const struct keydir *kd, const char *to,
          const struct event_module *const *modules, struct fund_copy_done *done_r, struct redress_error *err)
{
	char shown[512], root_src[64], root_dst[64];
	struct copy_table *tables = NULL;
	struct store *src = NULL, *dst = NULL;
	uint64_t rows = 0, size_src = 0, size_dst = 0;
	size_t n = 0, i, nindexes = 0;
	int64_t version = 0;
	int pg_src = store_is_pgsql(from), pg_dst = store_is_pgsql(to);
	enum redress_err rc;

	store_location_shown(to, shown, sizeof(shown));
	if ((tables = calloc(COPY_TABLES_MAX, sizeof(*tables))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = store_open(from, STORE_OPEN_EXISTING, &src, err)) != REDRESS_OK ||
	    (rc = tlog_schema_version(src, &version, err)) != REDRESS_OK)
		goto out;
	if (version != TLOG_SCHEMA_VERSION) {
		rc = error_set(
		    err, REDRESS_E_STORE,
		    "the fund's schema is version %lld, not this redress's (%d): run 'redress migrate' "
		    "on it first",
		    (long long)version, TLOG_SCHEMA_VERSION);
		goto out;
	}
	if ((rc = store_open(to, pg_dst ? STORE_OPEN_EXISTING : STORE_OPEN_CREATE, &dst, err)) !=
	        REDRESS_OK ||
	    (pg_dst && (rc = target_empty(dst, shown, err)) != REDRESS_OK))
		goto out;
	/* One snapshot of the source for the whole copy (REPEATABLE READ on PostgreSQL), one change on the
	 * target. */
	if ((rc = store_begin_read(src, err)) != REDRESS_OK ||
	    (rc = list_tables(src, pg_src, tables, &n, err)) != REDRESS_OK ||
	    (rc = store_begin(dst, err)) != REDRESS_OK)
		goto out;
	/* Into SQLite, every module's schema as init makes it; into PostgreSQL, SQLite's own definitions. */
	if (!pg_dst && (rc = tlog_schema_make(dst, modules, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < n; i++)
		if ((pg_dst && (rc = store_exec(dst, tables[i].create, err)) != REDRESS_OK) ||
		    (rc = table_columns(src, pg_src, &tables[i], err)) != REDRESS_OK ||
		    (rc = table_rows(src, dst, &tables[i], i, err)) != REDRESS_OK)
			goto out;
	if ((pg_dst && !pg_src && (rc = copy_indexes(src, dst, &nindexes, err)) != REDRESS_OK) ||
	    (rc = store_commit(dst, err)) != REDRESS_OK)
		goto out;
	store_rollback(src);
	for (i = 0; i < n; i++)
		rows += tables[i].rows;
	/*
	 * The copy as a fund: every statement prepares against it, and its log
	 * is the source's at the copy's size (servers may have written since).
	 */
	if ((rc = log_root(dst, kd, modules, 0, &size_dst, root_dst, err)) != REDRESS_OK ||
	    (rc = log_root(src, kd, modules, size_dst, &size_src, root_src, err)) != REDRESS_OK)
		goto out;
	if (strcmp(root_src, root_dst) != 0) {
		rc = error_set(err, REDRESS_E_STORE,
		               "the copy's log (%llu events, root %s) is not the source's (root %s)",
		               (unsigned long long)size_dst, root_dst, root_src);
		goto out;
	}
	if (done_r != NULL) {
		done_r->tables = n;
		done_r->rows = rows;
		done_r->indexes = nindexes;
		done_r->events = size_dst;
		memcpy(done_r->root, root_dst, sizeof(done_r->root));
	}
out:
	if (dst != NULL && store_in_transaction(dst))
		store_rollback(dst);
	store_close(&dst);
	store_close(&src);
	for (i = 0; tables != NULL && i < n; i++)
		free(tables[i].create);
	free(tables);
	return rc;
}
