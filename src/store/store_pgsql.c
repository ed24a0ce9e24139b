/*
 * store_pgsql.c -- the PostgreSQL backend (libpq): one connection to a
 * database named by a postgresql:// URI, so that several servers and the
 * command line share one fund, and the database, not redress, survives
 * the loss of a machine (streaming replication, automatic failover:
 * docs/deploy.md).
 *
 * - SQL is the catalogues' portable text, translated once when prepared:
 *   parameters ?N become $N; the type names SQLite's schemas use become
 *   PostgreSQL's (BLOB bytea, INTEGER bigint -- every integer of redress is
 *   64 bits -- REAL double precision); ifnull() is coalesce(); INSERT OR
 *   IGNORE is INSERT ... ON CONFLICT DO NOTHING, INSERT OR REPLACE an
 *   update of the row with the same primary key (ON CONFLICT ON CONSTRAINT
 *   table_pkey DO UPDATE); a table's WITHOUT ROWID is dropped.  A statement that needs
 *   more gives its own sql_pgsql.
 * - Every statement is a named server-side prepared statement; results
 *   come back in binary (bytea as its bytes, integers as integers), and
 *   parameters go in binary where their type is bytea or bigint.
 * - Catalogues whose every statement was prepared against the schema as it
 *   is are recorded in the database's setting redress.prepared (their
 *   digest and the schema's md5); a session that finds them there prepares
 *   each statement at its first use (pg_prepared_before, pg_prepared_all).
 * - Writers are serialized as SQLite's are: store_begin() takes one
 *   transaction-scoped advisory lock, so that appends to the log are one
 *   sequence (no gap, no fork) whichever server makes them, and every
 *   statement after it, at READ COMMITTED, sees every change committed
 *   before.  Waiting for it is bounded by lock_timeout (10 s), then
 *   REDRESS_E_BUSY.  A read-only transaction is REPEATABLE READ: one
 *   snapshot.
 * - A write its catalogue marks deferred is sent in pipeline mode inside
 *   a write transaction without waiting for its answer; the next
 *   statement, or COMMIT, goes behind it and all are answered in one round
 *   trip.  A deferred write that failed is returned, named, by the next
 *   statement or the commit (COMMIT is then not run); COMMIT unanswered
 *   after deferred writes is an unknown outcome, as any lost COMMIT.
 * - A connection lost outside a transaction (a restart, a failover) is
 *   made again at the next begin or statement, with every statement
 *   prepared again; a multi-host URI with target_session_attrs=read-write
 *   then finds the new primary.  Lost inside a transaction, the server has
 *   rolled it back: an I/O error (nothing kept); lost during COMMIT, the
 *   outcome is unknown (REDRESS_E_UNKNOWN).
 *
 * A result is read whole into memory by libpq when the statement is first
 * stepped: a statement that walks a whole table (the audit) holds it all.
 */
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store_backend.h"

#define PG_LOCK_TIMEOUT_S 10
/* The advisory lock every writer takes: "redress" in ASCII, one per database. */
#define PG_WRITER_LOCK "7237970110993003891"

/* Type OIDs (catalog/pg_type_d.h is not a client header). */
enum {
	PG_BOOL = 16,
	PG_BYTEA = 17,
	PG_NAME = 19,
	PG_INT8 = 20,
	PG_INT2 = 21,
	PG_INT4 = 23,
	PG_TEXT = 25,
	PG_OID = 26,
	PG_JSON = 114,
	PG_FLOAT4 = 700,
	PG_FLOAT8 = 701,
	PG_UNKNOWN = 705,
	PG_BPCHAR = 1042,
	PG_VARCHAR = 1043,
	PG_NUMERIC = 1700,
};

struct pg_conn {
	PGconn *pg;
	char *conninfo;
	int readonly;
	unsigned generation;    /* one more at every new connection: statements are prepared again */
	unsigned long names;    /* statements prepared, for their names */
	int64_t changes;        /* rows changed by the last INSERT, UPDATE or DELETE */
	int in_tx;              /* a transaction is open: a lost connection is not made again */
	int in_write;           /* ... and it is a write transaction (store_begin): writes may be deferred */
	struct pg_ahead *ahead; /* statements prepared ahead in one pipeline (pg_prepare_ahead) */
	size_t nahead;
	/*
	 * Deferred writes sent in pipeline mode, their answers not read yet
	 * (pg_defer): the statements' names, for their errors.  The first
	 * failure read where it could not be returned (pg_changes, a
	 * prepare) is kept in late_rc/late until the transaction ends.
	 */
	const char **piped;
	size_t npiped, piped_size;
	enum redress_err late_rc;
	struct redress_error late;
};

/*
 * A statement the server prepared and described in a pipeline, waiting for
 * pg_prepare to take it: its server name, translated SQL and description.
 */
struct pg_ahead {
	const struct store_statement *q;
	char name[24];
	char *sql;
	int nhints;
	unsigned generation;
	PGresult *desc;
};

/* A bound parameter: its bytes, inline when short. */
struct pg_param {
	char *value; /* NULL: SQL NULL */
	int length;
	int format; /* 0 text, 1 binary */
	char inline_bytes[24];
};

struct pg_stmt {
	struct pg_conn *conn;
	const char *name_of; /* the statement's name in redress, for errors */
	char name[24];       /* the server's */
	char *sql;           /* translated */
	unsigned generation; /* of the connection it was prepared on */
	int nhints;          /* the largest ?N of the SQL */
	Oid *hints;          /* nhints: the types given at PQprepare (0: the server infers) */
	int nparams;
	Oid *param_types;
	struct pg_param *params;
	PGresult *desc; /* the statement's description: its columns' names and types */
	PGresult *res;  /* the rows, once stepped */
	int deferred;   /* a write whose answer may be read later, at the next statement (pg_defer) */
	int sent;       /* deferred and sent: stepped again, it is done */
	int row;
	char (*num)[32]; /* per column: a number's text, for column_text */
};

/* ---- Errors ---------------------------------------------------------------- */

/* A lost connection (or a server going away) rather than an error of the statement. */
static int
pg_lost(PGconn *pg, const char *state)
{
	if (PQstatus(pg) == CONNECTION_BAD)
		return 1;
	return state != NULL && (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 ||
	                         strcmp(state, "57P02") == 0 || strcmp(state, "57P03") == 0);
}

/* The error of redress's that a SQLSTATE is. */
static enum redress_err
pg_code(PGconn *pg, const char *state)
{
	if (pg_lost(pg, state))
		return REDRESS_E_STORE_IO;
	if (state == NULL)
		return REDRESS_E_STORE;
	if (strncmp(state, "23", 2) == 0)
		return REDRESS_E_CONFLICT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
	    strcmp(state, "57014") == 0 || strcmp(state, "53300") == 0)
		return REDRESS_E_BUSY;
	if (strcmp(state, "53100") == 0)
		return REDRESS_E_FULL;
	if (strcmp(state, "53200") == 0)
		return REDRESS_E_NOMEM;
	if (strcmp(state, "58030") == 0 || strncmp(state, "XX", 2) == 0)
		return REDRESS_E_STORE_IO;
	return REDRESS_E_STORE;
}

/* libpq's messages end in a newline; err gets them without. */
static const char *
pg_message(const char *msg, char *buf, size_t size)
{
	size_t len;

	snprintf(buf, size, "%s", msg != NULL && msg[0] != '\0' ? msg : "unknown error");
	len = strlen(buf);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		buf[--len] = '\0';
	return buf;
}

/* Fills err for the failure res (or the connection's, when res is NULL) of what. */
static enum redress_err
pg_fail(struct pg_conn *c, const PGresult *res, const char *what, struct redress_error *err)
{
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char msg[REDRESS_ERROR_MAX];
	enum redress_err code = pg_code(c->pg, state);

	pg_message(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(c->pg), msg, sizeof(msg));
	if (pg_lost(c->pg, state))
		return error_set(err, code,
		                 "%s: the connection to the database was lost (%s); nothing was changed, "
		                 "try again",
		                 what, msg);
	switch (code) {
	case REDRESS_E_BUSY:
		return error_set(err, code,
		                 "%s: the database is busy: another writer held it for more than %d s (%s); "
		                 "nothing was changed, try again",
		                 what, PG_LOCK_TIMEOUT_S, msg);
	case REDRESS_E_FULL:
		return error_set(
		    err, code, "%s: the database server's disk is full (%s); nothing was changed", what, msg);
	case REDRESS_E_STORE_IO:
		return error_set(err, code,
		                 "%s: the database server could not read or write its files, or they are "
		                 "damaged (%s); run 'redress audit verify'",
		                 what, msg);
	case REDRESS_E_CONFLICT: return error_set(err, code, "query %s violates a constraint: %s", what, msg);
	default: return error_set(err, code, "%s: %s", what, msg);
	}
}

/* ---- Translation ----------------------------------------------------------- */

/* What a word of SQLite's schemas and queries is in PostgreSQL's; NULL: itself. */
static const char *
pg_word(const char *w, size_t len)
{
	static const struct {
		const char *sqlite, *pgsql;
	} words[] = {
	    {"BLOB", "bytea"},
	    {"INTEGER", "bigint"},
	    {"REAL", "double precision"},
	    {"ifnull", "coalesce"},
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].sqlite) == len && strncasecmp(words[i].sqlite, w, len) == 0)
			return words[i].pgsql;
	return NULL;
}

static int
pg_is_word(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* Appends len bytes of s to the string being built at *out (room checked by the caller). */
static void
pg_put(char **out, const char *s, size_t len)
{
	memcpy(*out, s, len);
	*out += len;
}

/*
 * SQLite's SQL as PostgreSQL's (see the top of this file), outside string
 * literals, quoted names and comments.  The caller frees *out_r.
 */
static enum redress_err
pg_translate(const char *sql, char **out_r, int *params_r, struct redress_error *err)
{
	static const char ignore[] = "INSERT OR IGNORE INTO";
	static const char replace[] = "INSERT OR REPLACE INTO";
	size_t len = strlen(sql), room;
	const char *p = sql;
	char *out = NULL, *o, *tail = NULL;
	int next = 0;

	/*
	 * Each ?N grows by at most 6 bytes; each word by at most 12; the
	 * ON CONFLICT clause names each column thrice.
	 */
	if (__builtin_mul_overflow(len, 17, &room) || __builtin_add_overflow(room, 64, &room) ||
	    (out = malloc(room)) == NULL || (tail = malloc(room)) == NULL) {
		free(out);
		return error_set(err, REDRESS_E_NOMEM, "out of memory translating SQL");
	}
	o = out;
	tail[0] = '\0';
	while (*p == ' ' || *p == '\n' || *p == '\t')
		p++;
	if (strncasecmp(p, ignore, sizeof(ignore) - 1) == 0) {
		pg_put(&o, "INSERT INTO", 11);
		p += sizeof(ignore) - 1;
		snprintf(tail, room, " ON CONFLICT DO NOTHING");
	} else if (strncasecmp(p, replace, sizeof(replace) - 1) == 0) {
		/*
		 * INSERT OR REPLACE INTO t (a, b) ...: the row that has the same
		 * primary key is updated (PostgreSQL names it t_pkey).
		 */
		const char *q = p + sizeof(replace) - 1, *table, *col;
		size_t tlen, used;
		int first = 1;

		q += strspn(q, " \n\t");
		table = q;
		while (pg_is_word((unsigned char)*q))
			q++;
		tlen = (size_t)(q - table);
		q += strspn(q, " \n\t");
		if (tlen == 0 || *q != '(') {
			free(out);
			free(tail);
			return error_set(
			    err, REDRESS_E_STORE,
			    "INSERT OR REPLACE without a table and its columns: give a sql_pgsql");
		}
		used = (size_t)snprintf(tail, room, " ON CONFLICT ON CONSTRAINT %.*s_pkey DO UPDATE SET",
		                        (int)tlen, table);
		for (q++; *q != ')' && *q != '\0';) {
			q += strspn(q, " \n\t,");
			col = q;
			while (pg_is_word((unsigned char)*q))
				q++;
			if (q > col && used < room) {
				used += (size_t)snprintf(tail + used, room - used, "%s %.*s = excluded.%.*s",
				                         first ? "" : ",", (int)(q - col), col,
				                         (int)(q - col), col);
				first = 0;
			}
			q += strspn(q, " \n\t");
			if (*q != ',' && *q != ')')
				break;
		}
		pg_put(&o, "INSERT INTO", 11);
		p += sizeof(replace) - 1;
	}
	while (*p != '\0') {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *end = p + 1;

			while (*end != '\0' && !(*end == q && end[1] != q))
				end += *end == q ? 2 : 1;
			if (*end == q)
				end++;
			pg_put(&o, p, (size_t)(end - p));
			p = end;
		} else if (p[0] == '-' && p[1] == '-') {
			const char *end = strchr(p, '\n');

			end = end != NULL ? end : p + strlen(p);
			pg_put(&o, p, (size_t)(end - p));
			p = end;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");

			end = end != NULL ? end + 2 : p + strlen(p);
			pg_put(&o, p, (size_t)(end - p));
			p = end;
		} else if (*p == '?') {
			/* ?N is $N; a bare ? is one more than the largest number yet, as in SQLite. */
			long n = 0;

			p++;
			if (*p >= '0' && *p <= '9') {
				while (*p >= '0' && *p <= '9' && n < 100000)
					n = n * 10 + (*p++ - '0');
			} else {
				n = next + 1;
			}
			if (n > next)
				next = (int)n;
			o += snprintf(o, room - (size_t)(o - out), "$%ld", n);
		} else if (pg_is_word((unsigned char)*p) && !(*p >= '0' && *p <= '9')) {
			const char *end = p;
			const char *w;

			while (pg_is_word((unsigned char)*end))
				end++;
			/* A table's WITHOUT ROWID: PostgreSQL's tables have no rowid to go without. */
			if (end - p == 7 && strncasecmp(p, "WITHOUT", 7) == 0) {
				const char *after = end + strspn(end, " \n\t");

				if (strncasecmp(after, "ROWID", 5) == 0 &&
				    !pg_is_word((unsigned char)after[5])) {
					p = after + 5;
					continue;
				}
			}
			w = pg_word(p, (size_t)(end - p));
			if (w != NULL)
				pg_put(&o, w, strlen(w));
			else
				pg_put(&o, p, (size_t)(end - p));
			p = end;
		} else {
			*o++ = *p++;
		}
	}
	if (tail[0] != '\0') {
		while (o > out && (o[-1] == ';' || o[-1] == ' ' || o[-1] == '\n'))
			o--;
		pg_put(&o, tail, strlen(tail));
	}
	free(tail);
	*o = '\0';
	*out_r = out;
	if (params_r != NULL)
		*params_r = next;
	return REDRESS_OK;
}

/* ---- Connections ----------------------------------------------------------- */

static void
pg_quiet(void *arg, const char *message)
{
	/* "relation ... already exists, skipping" and the like: not for the user's terminal. */
	(void)arg;
	(void)message;
}

/* The session's settings, on every new connection. */
static enum redress_err
pg_session(struct pg_conn *c, struct redress_error *err)
{
	char sql[256];
	PGresult *res;
	enum redress_err rc = REDRESS_OK;

	PQsetNoticeProcessor(c->pg, pg_quiet, NULL);
	snprintf(sql, sizeof(sql),
	         "SET lock_timeout = '%ds'; SET client_min_messages = warning;"
	         " SET default_transaction_read_only = %s",
	         PG_LOCK_TIMEOUT_S, c->readonly ? "on" : "off");
	res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(c, res, "setting up the database session", err);
	PQclear(res);
	return rc;
}

/* Connects (again): REDRESS_OK, or err filled. */
static enum redress_err
pg_connect(struct pg_conn *c, struct redress_error *err)
{
	char msg[REDRESS_ERROR_MAX];

	if (c->pg != NULL)
		PQfinish(c->pg);
	c->pg = PQconnectdb(c->conninfo);
	if (c->pg == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory connecting to the database");
	if (PQstatus(c->pg) != CONNECTION_OK) {
		pg_message(PQerrorMessage(c->pg), msg, sizeof(msg));
		if (strstr(msg, "does not exist") != NULL && strstr(msg, "database") != NULL)
			return error_set(
			    err, REDRESS_E_NODB,
			    "there is no such PostgreSQL database (%s); create it with createdb, "
			    "then run 'redress init'",
			    msg);
		return error_set(err, REDRESS_E_STORE_IO, "cannot connect to the PostgreSQL database: %s",
		                 msg);
	}
	c->generation++;
	return pg_session(c, err);
}

/*
 * A connection that was lost between transactions is made again;
 * REDRESS_OK when it is usable.  Inside a transaction it is not: the
 * server rolled the transaction back, and what follows must not run
 * outside it.
 */
static enum redress_err
pg_alive(struct pg_conn *c, struct redress_error *err)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return REDRESS_OK;
	if (c->in_tx)
		return pg_fail(c, NULL, "the transaction", err);
	return pg_connect(c, err);
}

static enum redress_err
pg_open(const char *location, enum store_open_flags flags, void **conn_r, struct redress_error *err)
{
	struct pg_conn *c = calloc(1, sizeof(*c));
	enum redress_err rc;

	if (c == NULL || (c->conninfo = strdup(location)) == NULL) {
		free(c);
		return error_set(err, REDRESS_E_NOMEM, "out of memory opening the database");
	}
	c->readonly = (flags & STORE_OPEN_READONLY) != 0;
	if ((rc = pg_connect(c, err)) != REDRESS_OK) {
		PQfinish(c->pg);
		free(c->conninfo);
		free(c);
		return rc;
	}
	*conn_r = c;
	return REDRESS_OK;
}

/* Forgets what was prepared ahead and not taken (the server's statements stay, unused). */
static void
pg_ahead_clear(struct pg_conn *c)
{
	size_t i;

	for (i = 0; i < c->nahead; i++) {
		free(c->ahead[i].sql);
		PQclear(c->ahead[i].desc);
	}
	free(c->ahead);
	c->ahead = NULL;
	c->nahead = 0;
}

static void
pg_close(void *conn)
{
	struct pg_conn *c = conn;

	pg_ahead_clear(c);
	PQfinish(c->pg);
	free(c->piped);
	free(c->conninfo);
	free(c);
}

static const char *
pg_location(void *conn)
{
	return ((struct pg_conn *)conn)->conninfo;
}

/* ---- Deferred writes (pipeline mode) --------------------------------------- */

/* Deferred writes sent before their answers are read: the answers stay well within the socket's buffers. */
#define PG_PIPED_MAX 128

/* The first failure of a deferred write, kept until its transaction ends. */
static enum redress_err
pg_late(struct pg_conn *c, struct redress_error *err)
{
	if (err != NULL)
		*err = c->late;
	return c->late_rc;
}

static void
pg_keep_late(struct pg_conn *c, enum redress_err rc, const struct redress_error *err)
{
	if (rc != REDRESS_OK && c->late_rc == REDRESS_OK) {
		c->late_rc = rc;
		c->late = *err;
	}
}

/*
 * Reads the answers to the deferred writes sent and, with last, to the
 * statement sent after them (one Sync, one round trip for all), and
 * leaves pipeline mode.  Returns the first failure among the writes,
 * named by its statement (kept as the transaction's late failure too);
 * the last statement's own answer is left in *last for the caller.  A
 * pipeline that cannot be read to its end (the connection broke) leaves
 * the connection to be made again, and *last NULL.
 */
static enum redress_err
pg_settle(struct pg_conn *c, PGresult **last, const char *last_name, struct redress_error *err)
{
	struct redress_error mine;
	enum redress_err rc = REDRESS_OK;
	size_t i, n = c->npiped + (last != NULL ? 1 : 0);
	PGresult *res;
	int broken = !PQpipelineSync(c->pg);

	error_clear(&mine);
	for (i = 0; i < n && !broken; i++) {
		const char *name = i < c->npiped ? c->piped[i] : NULL; /* NULL: the last */

		while ((res = PQgetResult(c->pg)) != NULL) {
			ExecStatusType s = PQresultStatus(res);

			if (s == PGRES_PIPELINE_SYNC) {
				broken = 1; /* an answer is missing */
				PQclear(res);
				break;
			}
			if (name == NULL) {
				PQclear(*last);
				*last = res;
				continue;
			}
			if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
				c->changes = strtoll(PQcmdTuples(res), NULL, 10);
			else if (s != PGRES_PIPELINE_ABORTED && rc == REDRESS_OK)
				rc = pg_fail(c, res, name, &mine);
			PQclear(res);
		}
		if (PQstatus(c->pg) != CONNECTION_OK)
			broken = 1;
	}
	if (!broken) {
		res = PQgetResult(c->pg);
		broken = PQresultStatus(res) != PGRES_PIPELINE_SYNC;
		PQclear(res);
	}
	c->npiped = 0;
	if (broken || !PQexitPipelineMode(c->pg)) {
		struct redress_error ignored;

		if (rc == REDRESS_OK)
			rc = error_set(&mine, REDRESS_E_STORE_IO,
			               "the transaction: the connection to the database was lost; nothing "
			               "was changed, try again");
		if (last != NULL) {
			PQclear(*last);
			*last = NULL;
		}
		PQreset(c->pg);
		c->generation++;
		if (PQstatus(c->pg) == CONNECTION_OK)
			(void)pg_session(c, &ignored);
	} else if (rc == REDRESS_OK && last != NULL && PQresultStatus(*last) == PGRES_PIPELINE_ABORTED) {
		rc = error_set(&mine, REDRESS_E_STORE, "%s: the database skipped it", last_name);
	}
	pg_keep_late(c, rc, &mine);
	if (rc != REDRESS_OK && err != NULL)
		*err = c->late;
	return rc != REDRESS_OK ? c->late_rc : REDRESS_OK;
}

/* Settles the deferred writes, if any, before a statement that cannot go in a pipeline. */
static enum redress_err
pg_settled(struct pg_conn *c, struct redress_error *err)
{
	if (c->npiped > 0)
		(void)pg_settle(c, NULL, NULL, NULL);
	return c->late_rc != REDRESS_OK ? pg_late(c, err) : REDRESS_OK;
}

/* Ends a transaction's deferred state: what was sent is read and forgotten. */
static void
pg_settle_end(struct pg_conn *c)
{
	if (c->npiped > 0)
		(void)pg_settle(c, NULL, NULL, NULL);
	c->late_rc = REDRESS_OK;
	c->in_write = 0;
}

/* st's parameters in libpq's three arrays, allocated (all NULL when it has none). */
static enum redress_err
pg_values(struct pg_stmt *st, const char ***values_r, int **lengths_r, int **formats_r,
          struct redress_error *err)
{
	int i;

	*values_r = NULL;
	*lengths_r = *formats_r = NULL;
	if (st->nparams == 0)
		return REDRESS_OK;
	if ((*values_r = calloc((size_t)st->nparams, sizeof(**values_r))) == NULL ||
	    (*lengths_r = calloc((size_t)st->nparams, sizeof(int))) == NULL ||
	    (*formats_r = calloc((size_t)st->nparams, sizeof(int))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "%s: out of memory", st->name_of);
	for (i = 0; i < st->nparams; i++) {
		(*values_r)[i] = st->params[i].value;
		(*lengths_r)[i] = st->params[i].length;
		(*formats_r)[i] = st->params[i].format;
	}
	return REDRESS_OK;
}

/* Sends st with its parameters into the pipeline (entered if need be); its answer is read later. */
static enum redress_err
pg_send(struct pg_stmt *st, struct redress_error *err)
{
	struct pg_conn *c = st->conn;
	const char **values;
	int *lengths, *formats;
	enum redress_err rc;

	if ((rc = pg_values(st, &values, &lengths, &formats, err)) == REDRESS_OK &&
	    ((PQpipelineStatus(c->pg) == PQ_PIPELINE_OFF && !PQenterPipelineMode(c->pg)) ||
	     !PQsendQueryPrepared(c->pg, st->name, st->nparams, values, lengths, formats, 1)))
		rc = pg_fail(c, NULL, st->name_of, err);
	free(values);
	free(lengths);
	free(formats);
	return rc;
}

/*
 * A deferred write: sent into the pipeline, its answer read with the next
 * statement's (pg_settle).  Only inside a write transaction, on the
 * connection it was prepared on.
 */
static enum redress_err
pg_defer(struct pg_stmt *st, struct redress_error *err)
{
	struct pg_conn *c = st->conn;
	enum redress_err rc;

	if (c->late_rc != REDRESS_OK)
		return pg_late(c, err);
	if (c->npiped == PG_PIPED_MAX && (rc = pg_settle(c, NULL, NULL, err)) != REDRESS_OK)
		return rc;
	if (c->npiped == c->piped_size) {
		size_t size = c->piped_size == 0 ? 16 : 2 * c->piped_size;
		const char **piped = realloc(c->piped, size * sizeof(*piped));

		if (piped == NULL)
			return error_set(err, REDRESS_E_NOMEM, "%s: out of memory", st->name_of);
		c->piped = piped;
		c->piped_size = size;
	}
	if ((rc = pg_send(st, err)) != REDRESS_OK) {
		pg_keep_late(c, rc, err);
		return rc;
	}
	c->piped[c->npiped++] = st->name_of;
	st->sent = 1;
	return REDRESS_OK;
}

/* Runs sql (one or more statements, no parameters); a result of status ok is success. */
static enum redress_err
pg_simple(struct pg_conn *c, const char *sql, const char *what, struct redress_error *err)
{
	PGresult *res = PQexec(c->pg, sql);
	ExecStatusType s = PQresultStatus(res);
	enum redress_err rc = REDRESS_OK;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = pg_fail(c, res, what, err);
	PQclear(res);
	return rc;
}

static enum redress_err
pg_exec(void *conn, const char *sql, struct redress_error *err)
{
	struct pg_conn *c = conn;
	char *text;
	enum redress_err rc;

	if ((rc = pg_alive(c, err)) != REDRESS_OK || (rc = pg_settled(c, err)) != REDRESS_OK)
		return rc;
	if ((rc = pg_translate(sql, &text, NULL, err)) != REDRESS_OK)
		return rc;
	rc = pg_simple(c, text, "database statement failed", err);
	free(text);
	return rc;
}

/*
 * Every table of the current schema, dropped by one statement (a DO block
 * is one transaction): the names come from pg_tables and are quoted by
 * format's %I, never pasted.
 */
static enum redress_err
pg_destroy(void *conn, struct redress_error *err)
{
	static const char sql[] =
	    "DO $$DECLARE t text; BEGIN"
	    " FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema() LOOP"
	    " EXECUTE format('DROP TABLE %I CASCADE', t); END LOOP; END$$";
	struct pg_conn *c = conn;
	enum redress_err rc;

	if ((rc = pg_alive(c, err)) != REDRESS_OK)
		return rc;
	return pg_simple(c, sql, "cannot remove the fund's tables", err);
}

static enum redress_err
pg_backup(void *conn, const char *path, struct redress_error *err)
{
	return error_set(err, REDRESS_E_STORE,
	                 "cannot write the backup '%.200s': a PostgreSQL database is backed up by the "
	                 "database (pgBackRest or pg_dump, docs/deploy.md), not by redress",
	                 path);
}

/*
 * The database as pg_dump's custom format, by pg_dump itself (the
 * PostgreSQL project's tool, which knows every object a fund holds and
 * what pg_restore needs).  The connection's parameters reach it in its
 * environment (PGHOST, PGPORT, PGPASSWORD ..., each option's own variable
 * as libpq names it), not its arguments, so that no password shows in the
 * process list.  The file is made first, mode 0600, empty, so that a dump
 * of a fund is never readable by others even for a moment.
 */
static enum redress_err
pg_dump_to(void *conn, const char *path, struct redress_error *err)
{
	struct pg_conn *c = conn;
	char file_arg[4200], prog[] = "pg_dump", format[] = "--format=custom", nopass[] = "--no-password";
	char *const argv[] = {prog, format, nopass, file_arg, NULL};
	extern char **environ;
	PQconninfoOption *opts = NULL, *o;
	posix_spawn_file_actions_t actions;
	char **env = NULL, *msg = NULL;
	size_t n = 0, used = 0, i;
	int fd, status = 0, spawned;
	enum redress_err rc = REDRESS_OK;
	pid_t pid;

	if (snprintf(file_arg, sizeof(file_arg), "--file=%s", path) >= (int)sizeof(file_arg))
		return error_set(err, REDRESS_E_USAGE, "the dump's path is too long");
	if ((opts = PQconninfoParse(c->conninfo, &msg)) == NULL) {
		PQfreemem(msg);
		return error_set(err, REDRESS_E_USAGE, "the database's address cannot be read for pg_dump");
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		rc = error_set(err, errno == EEXIST ? REDRESS_E_CONFLICT : REDRESS_E_IO,
		               "cannot write the dump '%.200s': %s", path, strerror(errno));
		PQconninfoFree(opts);
		return rc;
	}
	close(fd);
	while (environ[n] != NULL)
		n++;
	for (o = opts; o->keyword != NULL; o++)
		n++;
	if ((env = calloc(n + 1, sizeof(*env))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory running pg_dump");
		goto out;
	}
	/* The connection's own parameters first: getenv takes the first of a name. */
	for (o = opts; o->keyword != NULL; o++) {
		size_t len;

		if (o->envvar == NULL || o->val == NULL || o->val[0] == '\0')
			continue;
		len = strlen(o->envvar) + strlen(o->val) + 2;
		if ((env[used] = malloc(len)) == NULL) {
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory running pg_dump");
			goto out;
		}
		snprintf(env[used++], len, "%s=%s", o->envvar, o->val);
	}
	for (i = 0; environ[i] != NULL; i++)
		env[used + i] = environ[i];
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	spawned = posix_spawnp(&pid, "pg_dump", &actions, NULL, argv, env);
	posix_spawn_file_actions_destroy(&actions);
	if (spawned != 0) {
		rc = error_set(err, REDRESS_E_IO,
		               "cannot run pg_dump to back the database up: %s (Debian's postgresql-client "
		               "has it)",
		               strerror(spawned));
		goto out;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			rc = error_set(err, REDRESS_E_IO, "waiting for pg_dump: %s", strerror(errno));
			goto out;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = error_set(err, REDRESS_E_IO,
		               "pg_dump could not back the database up (exit %d; its message is above)",
		               WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
out:
	for (i = 0; env != NULL && i < used; i++) {
		explicit_bzero(env[i], strlen(env[i]));
		free(env[i]);
	}
	free(env);
	PQconninfoFree(opts);
	if (rc != REDRESS_OK)
		unlink(path);
	return rc;
}

/*
 * PostgreSQL checks each page's checksum as it reads it (initdb
 * --data-checksums); here the B-tree indexes are checked against their
 * rules by amcheck, when the database has that extension.
 */
static enum redress_err
pg_check(void *conn, struct redress_error *err)
{
	static const char sql[] =
	    "SELECT count(bt_index_check(c.oid)) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
	    " JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree'"
	    " AND c.relnamespace = current_schema()::regnamespace";
	struct pg_conn *c = conn;
	PGresult *res;
	enum redress_err rc;
	int has;

	if ((rc = pg_alive(c, err)) != REDRESS_OK)
		return rc;
	res = PQexec(c->pg, "SELECT 1 FROM pg_extension WHERE extname = 'amcheck'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = pg_fail(c, res, "integrity check", err);
		PQclear(res);
		return rc;
	}
	has = PQntuples(res) > 0;
	PQclear(res);
	if (!has)
		return REDRESS_OK;
	res = PQexec(c->pg, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		if (state != NULL && strcmp(state, "XX002") == 0) {
			char msg[REDRESS_ERROR_MAX];

			rc = error_set(err, REDRESS_E_STORE_IO,
			               "storage damaged (PostgreSQL's amcheck, not a change behind the log's "
			               "back): %.300s; restore the database from a backup",
			               pg_message(PQresultErrorMessage(res), msg, sizeof(msg)));
		} else {
			rc = pg_fail(c, res, "integrity check", err);
		}
	}
	PQclear(res);
	return rc;
}

/*
 * VACUUM removes the dead rows that deletes left, so that the tables' pages
 * hold no live copy; the write-ahead log and base backups still do until
 * they expire, which is why a person's data key is wrapped under a key the
 * fund can destroy (docs/deploy.md, "Erasure on PostgreSQL").
 */
static enum redress_err
pg_scrub(void *conn, int wait, struct redress_error *err)
{
	struct pg_conn *c = conn;
	enum redress_err rc;

	(void)wait; /* VACUUM waits for no reader: what an old snapshot still sees, it leaves */
	if ((rc = pg_alive(c, err)) != REDRESS_OK)
		return rc;
	return pg_simple(c, "VACUUM", "vacuuming the deleted rows", err);
}

/* Ends a transaction that failed half-way (a multi-statement BEGIN). */
static void
pg_abandon(struct pg_conn *c)
{
	pg_settle_end(c);
	if (PQtransactionStatus(c->pg) == PQTRANS_INTRANS || PQtransactionStatus(c->pg) == PQTRANS_INERROR)
		PQclear(PQexec(c->pg, "ROLLBACK"));
}

/*
 * Begins with sql; a connection found lost then (nothing was done yet) is
 * made again and the beginning tried once more.
 */
static enum redress_err
pg_start(struct pg_conn *c, const char *sql, struct redress_error *err)
{
	enum redress_err rc;
	int tries;

	for (tries = 0; tries < 2; tries++) {
		if ((rc = pg_alive(c, err)) != REDRESS_OK)
			return rc;
		if ((rc = pg_simple(c, sql, "begin", err)) == REDRESS_OK) {
			c->in_tx = 1;
			return REDRESS_OK;
		}
		if (PQstatus(c->pg) == CONNECTION_OK) {
			pg_abandon(c);
			return rc;
		}
	}
	return rc;
}

static enum redress_err
pg_begin(void *conn, struct redress_error *err)
{
	((struct pg_conn *)conn)->late_rc = REDRESS_OK;
	if (((struct pg_conn *)conn)->readonly)
		return error_set(err, REDRESS_E_STORE, "the database was opened read-only");
	enum redress_err rc;

	if ((rc = pg_start(conn, "BEGIN; SELECT pg_advisory_xact_lock(" PG_WRITER_LOCK ")", err)) ==
	    REDRESS_OK)
		((struct pg_conn *)conn)->in_write = 1;
	return rc;
}

static enum redress_err
pg_begin_read(void *conn, struct redress_error *err)
{
	return pg_start(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", err);
}

/*
 * COMMIT answers ROLLBACK when the transaction had failed before; a
 * connection lost while COMMIT was sent leaves its outcome unknown.
 */
static enum redress_err
pg_commit(void *conn, struct redress_error *err)
{
	struct pg_conn *c = conn;
	PGresult *res = NULL;
	enum redress_err rc = REDRESS_OK;

	if (c->late_rc != REDRESS_OK)
		return pg_late(c, err); /* a deferred write failed: COMMIT is not sent */
	c->in_write = 0;
	if (c->npiped == 0) {
		res = PQexec(c->pg, "COMMIT");
	} else if (!PQsendQueryParams(c->pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0)) {
		/* Not sent: the connection broke before, and the server rolled the transaction back. */
		(void)pg_settle(c, NULL, NULL, NULL);
		return pg_late(c, err);
	} else if ((rc = pg_settle(c, &res, "commit", err)) != REDRESS_OK) {
		/*
		 * COMMIT behind the deferred writes, one round trip for all.  Skipped
		 * (a write before it failed), nothing was kept; unanswered (the
		 * connection broke), it may have been.
		 */
		int skipped = res != NULL && PQresultStatus(res) == PGRES_PIPELINE_ABORTED;
		char msg[REDRESS_ERROR_MAX];

		PQclear(res);
		if (skipped)
			return rc;
		c->in_tx = 0;
		c->late_rc = REDRESS_OK;
		snprintf(msg, sizeof(msg), "%s", err->message);
		return error_set(err, REDRESS_E_UNKNOWN,
		                 "the commit's answer was lost with the connection to the database (%s): "
		                 "the change may or may not have been kept",
		                 msg);
	}
	c->in_tx = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (pg_lost(c->pg, PQresultErrorField(res, PG_DIAG_SQLSTATE))) {
			char msg[REDRESS_ERROR_MAX];

			rc = error_set(err, REDRESS_E_UNKNOWN,
			               "the commit failed as the connection to the database was lost (%s): "
			               "the change may or may not have been kept",
			               pg_message(PQerrorMessage(c->pg), msg, sizeof(msg)));
		} else {
			rc = pg_fail(c, res, "commit", err);
		}
	} else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		rc =
		    error_set(err, REDRESS_E_STORE,
		              "commit: the database rolled the change back, as a statement in it had failed");
	}
	PQclear(res);
	return rc;
}

static enum redress_err
pg_rollback(void *conn, struct redress_error *err)
{
	struct pg_conn *c = conn;
	enum redress_err rc;

	pg_settle_end(c);
	c->in_tx = 0;
	/* A lost connection's transaction was rolled back by the server. */
	if (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) == PQTRANS_IDLE)
		return REDRESS_OK;
	rc = pg_simple(c, "ROLLBACK", "rollback", err);
	if (rc != REDRESS_OK && PQstatus(c->pg) != CONNECTION_OK)
		return REDRESS_OK;
	return rc;
}

/* ---- Statements ------------------------------------------------------------ */

/* Is t a type whose binary form pg_value() reads? */
static int
pg_readable(Oid t)
{
	switch (t) {
	case PG_BOOL:
	case PG_BYTEA:
	case PG_NAME:
	case PG_INT8:
	case PG_INT2:
	case PG_INT4:
	case PG_TEXT:
	case PG_OID:
	case PG_JSON:
	case PG_FLOAT4:
	case PG_FLOAT8:
	case PG_UNKNOWN:
	case PG_BPCHAR:
	case PG_VARCHAR:
	case PG_NUMERIC: return 1;
	default: return 0;
	}
}

/*
 * The types to try, in turn, for a parameter whose type PostgreSQL cannot
 * infer (a "?1 IS NULL OR program = ?1" filter names ?1 first where no
 * type is implied): text, then bigint, then bytea.
 */
static Oid
pg_next_hint(Oid t)
{
	return t == 0 ? PG_TEXT : t == PG_TEXT ? PG_INT8 : t == PG_INT8 ? PG_BYTEA : 0;
}

/* One PQprepare of st with its hints; the result, which the caller clears. */
static PGresult *
pg_prepare_once(struct pg_stmt *st)
{
	return PQprepare(st->conn->pg, st->name, st->sql, st->nhints, st->hints);
}

/*
 * Prepares st->sql on the connection under st->name, finding the types of
 * the parameters the server cannot infer.  Inside a transaction the
 * attempts run under a savepoint, so that a failed one does not abort it.
 */
static enum redress_err
pg_prepare_on(struct pg_stmt *st, struct redress_error *err)
{
	struct pg_conn *c = st->conn;
	PGresult *res = NULL;
	enum redress_err rc = REDRESS_OK;
	int attempt, last = 0, saved = 0;

	for (attempt = 0; attempt < 4 * st->nhints + 1; attempt++) {
		const char *state;

		PQclear(res);
		if (c->in_tx && !saved) {
			if ((rc = pg_simple(c, "SAVEPOINT redress_prepare", st->name_of, err)) != REDRESS_OK)
				return rc;
			saved = 1;
		}
		res = pg_prepare_once(st);
		if (PQresultStatus(res) == PGRES_COMMAND_OK)
			break;
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (saved)
			PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT redress_prepare"));
		if (state != NULL && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0)) {
			const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
			const char *dollar = msg != NULL ? strrchr(msg, '$') : NULL;
			long n = dollar != NULL ? strtol(dollar + 1, NULL, 10) : 0;

			if (n >= 1 && n <= st->nhints && st->hints[n - 1] == 0) {
				st->hints[n - 1] = PG_TEXT;
				last = (int)n;
				continue;
			}
		} else if (state != NULL && strncmp(state, "42", 2) == 0 && last > 0 &&
		           (st->hints[last - 1] = pg_next_hint(st->hints[last - 1])) != 0) {
			continue;
		}
		break;
	}
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		char msg[REDRESS_ERROR_MAX];

		/* An error in the SQL (class 42: syntax, names, types) is the statement's. */
		if (state != NULL && strncmp(state, "42", 2) == 0)
			rc = error_set(err, REDRESS_E_STORE, "query %s cannot be prepared: %s", st->name_of,
			               pg_message(PQresultErrorMessage(res), msg, sizeof(msg)));
		else
			rc = pg_fail(c, res, st->name_of, err);
	}
	PQclear(res);
	if (saved)
		PQclear(PQexec(c->pg, "RELEASE SAVEPOINT redress_prepare"));
	if (rc == REDRESS_OK)
		st->generation = c->generation;
	return rc;
}

static void
pg_finalize(void *stmt)
{
	struct pg_stmt *st = stmt;
	int i;

	if (st == NULL)
		return;
	/* The server's prepared statement goes with its connection (statements live as long). */
	for (i = 0; i < st->nparams; i++)
		if (st->params[i].value != st->params[i].inline_bytes)
			free(st->params[i].value);
	PQclear(st->res);
	PQclear(st->desc);
	free(st->params);
	free(st->param_types);
	free(st->hints);
	free(st->num);
	free(st->sql);
	free(st);
}

/*
 * Moves q's statement prepared ahead into st (its name, SQL, description);
 * 1 when there was one on this connection.
 */
static int
pg_ahead_take(struct pg_conn *c, const struct store_statement *q, struct pg_stmt *st)
{
	size_t i;

	for (i = 0; i < c->nahead; i++) {
		struct pg_ahead *a = &c->ahead[i];

		if (a->q != q || a->desc == NULL)
			continue;
		if (a->generation != c->generation)
			return 0;
		memcpy(st->name, a->name, sizeof(st->name));
		st->sql = a->sql;
		st->nhints = a->nhints;
		st->desc = a->desc;
		st->generation = a->generation;
		a->sql = NULL;
		a->desc = NULL;
		return 1;
	}
	return 0;
}

/* Statements sent at once, a Sync after each: their answers stay well within the socket's buffers. */
#define PG_AHEAD_BATCH 48

/*
 * Reads the answers to one statement of a pipeline: its prepare's and its
 * description's, then its Sync.  The description is kept in a->desc when
 * both succeeded.  Returns 0 when the pipeline cannot be read on (the
 * connection broke).
 */
static int
pg_ahead_read(PGconn *pg, struct pg_ahead *a)
{
	PGresult *res;
	int seen = 0, nulls = 0, ok = 1;

	for (;;) {
		if ((res = PQgetResult(pg)) == NULL) {
			if (++nulls > 1)
				return 0; /* nothing more will come */
			continue;
		}
		nulls = 0;
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (seen == 0)
			ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		else if (seen == 1 && ok && PQresultStatus(res) == PGRES_COMMAND_OK) {
			a->desc = res;
			res = NULL;
		}
		seen++;
		PQclear(res);
	}
	return 1;
}

/*
 * Prepares and describes qs on the server in pipelines (a round trip per
 * PG_AHEAD_BATCH statements rather than two per statement: a command
 * opening a fund prepares some three hundred), for pg_prepare to take.
 * Only between transactions.  Any statement that fails here (a parameter
 * whose type the server must be told) is left to pg_prepare, which
 * reports it; a broken pipeline leaves the connection to be made again.
 */
static void
pg_prepare_ahead(void *conn, const struct store_statement *const *qs, size_t n)
{
	struct pg_conn *c = conn;
	size_t i, start, end;

	pg_ahead_clear(c);
	if (n == 0 || c->in_tx || PQstatus(c->pg) != CONNECTION_OK ||
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE || (c->ahead = calloc(n, sizeof(*c->ahead))) == NULL)
		return;
	c->nahead = n;
	for (start = 0; start < n; start = end) {
		struct redress_error ignored;

		end = start + PG_AHEAD_BATCH < n ? start + PG_AHEAD_BATCH : n;
		if (!PQenterPipelineMode(c->pg))
			return;
		for (i = start; i < end; i++) {
			struct pg_ahead *a = &c->ahead[i];
			const struct store_statement *q = qs[i];

			a->q = q;
			a->generation = c->generation;
			snprintf(a->name, sizeof(a->name), "r%lu", ++c->names);
			if (pg_translate(q->sql_pgsql != NULL ? q->sql_pgsql : q->sql, &a->sql, &a->nhints,
			                 &ignored) != REDRESS_OK ||
			    !PQsendPrepare(c->pg, a->name, a->sql, 0, NULL) ||
			    !PQsendDescribePrepared(c->pg, a->name) || !PQpipelineSync(c->pg))
				break;
		}
		end = i; /* what was sent, each with its Sync */
		for (i = start; i < end; i++)
			if (!pg_ahead_read(c->pg, &c->ahead[i]))
				break;
		if (i < end || !PQexitPipelineMode(c->pg)) {
			/* Unreadable: the connection is made again at its next use. */
			PQreset(c->pg);
			c->generation++;
			if (PQstatus(c->pg) == CONNECTION_OK)
				(void)pg_session(c, &ignored);
			return;
		}
		if (end < (start + PG_AHEAD_BATCH < n ? start + PG_AHEAD_BATCH : n))
			return;
	}
}

/*
 * Statements prepared before (store_prepare): the database keeps, in its
 * setting redress.prepared (ALTER DATABASE ... SET, read by every session
 * at its start), the last PG_PREPARED_KEPT entries, each a catalogues'
 * digest followed by the md5 of the schema they were all prepared
 * against: the current schema's relations, their columns and types,
 * their indexes' uniqueness and the constraints' names (ON CONFLICT ON
 * CONSTRAINT).  A change of either is another entry: prepared again.
 */
#define PG_PREPARED_KEPT 8
#define PG_SCHEMA_MD5                                                                                        \
	"(SELECT md5(string_agg(format('%s %s %s %s %s %s', c.relname, c.relkind, a.attnum, a.attname,"      \
	" a.atttypid, i.indisunique), ',' ORDER BY c.relname, a.attnum) || coalesce((SELECT"                 \
	" string_agg(format('%s %s %s', conrelid, conname, contype), ',' ORDER BY conname, conrelid)"        \
	" FROM pg_constraint WHERE connamespace = current_schema()::regnamespace), ''))"                     \
	" FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped" \
	" LEFT JOIN pg_index i ON i.indexrelid = c.oid WHERE c.relnamespace = "                              \
	"current_schema()::regnamespace)"

/* Whether c is between transactions, out of pipeline mode: a statement of the backend's own may run. */
static int
pg_idle(const struct pg_conn *c)
{
	return !c->in_tx && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) == PQTRANS_IDLE &&
	       PQpipelineStatus(c->pg) == PQ_PIPELINE_OFF;
}

static int
pg_prepared_before(void *conn, const char *digest)
{
	struct pg_conn *c = conn;
	PGresult *res;
	int yes;

	if (!pg_idle(c))
		return 0;
	res = PQexecParams(
	    c->pg,
	    "SELECT strpos(coalesce(current_setting('redress.prepared', true), ''), $1 || " PG_SCHEMA_MD5
	    ") > 0",
	    1, NULL, &digest, NULL, NULL, 0);
	yes = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	      strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return yes;
}

/*
 * Adds digest and the schema's md5 first to redress.prepared, keeping
 * PG_PREPARED_KEPT.  Best effort: a read-only session, a standby or a role
 * that does not own the database changes nothing (its commands then
 * prepare every statement at open, as before).
 */
static void
pg_prepared_all(void *conn, const char *digest)
{
	struct pg_conn *c = conn;
	char keep[16];
	const char *params[2] = {digest, keep};

	if (!pg_idle(c) || c->readonly)
		return;
	snprintf(keep, sizeof(keep), "%d", PG_PREPARED_KEPT * (STORE_DIGEST_HEX + 32 + 1) - 1);
	PQclear(PQexecParams(c->pg,
	                     "SELECT set_config('redress.prepared_now', left($1 || " PG_SCHEMA_MD5
	                     " || ' ' || coalesce(current_setting('redress.prepared', true), ''), $2::int),"
	                     " false)",
	                     2, NULL, params, NULL, NULL, 0));
	PQclear(PQexec(c->pg, "DO $$BEGIN EXECUTE format('ALTER DATABASE %I SET redress.prepared = %L',"
	                      " current_database(), current_setting('redress.prepared_now')); END$$"));
}

static int pg_reads(const char *sql);

static enum redress_err
pg_prepare(void *conn, const struct store_statement *q, void **stmt_r, struct redress_error *err)
{
	struct pg_conn *c = conn;
	struct pg_stmt *st;
	enum redress_err rc;
	int i, n;

	/* Prepared mid-change: the deferred writes are answered first (PQprepare waits for its answer). */
	if ((rc = pg_alive(c, err)) != REDRESS_OK || (rc = pg_settled(c, err)) != REDRESS_OK)
		return rc;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory preparing %s", q->name);
	st->conn = c;
	st->name_of = q->name;
	st->row = -1;
	if (pg_ahead_take(c, q, st)) {
		if (st->nhints > 0 && (st->hints = calloc((size_t)st->nhints, sizeof(Oid))) == NULL) {
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory preparing %s", q->name);
			goto fail;
		}
		goto described;
	}
	snprintf(st->name, sizeof(st->name), "r%lu", ++c->names);
	if ((rc = pg_translate(q->sql_pgsql != NULL ? q->sql_pgsql : q->sql, &st->sql, &st->nhints, err)) !=
	    REDRESS_OK)
		goto fail;
	if (st->nhints > 0 && (st->hints = calloc((size_t)st->nhints, sizeof(Oid))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory preparing %s", q->name);
		goto fail;
	}
	if ((rc = pg_prepare_on(st, err)) != REDRESS_OK)
		goto fail;
	st->desc = PQdescribePrepared(c->pg, st->name);
described:
	/* A write that returns rows is read at once; so is anything a catalogue did not mark. */
	st->deferred = q->deferred && !pg_reads(st->sql) && strcasestr(st->sql, "RETURNING") == NULL;
	if (PQresultStatus(st->desc) != PGRES_COMMAND_OK) {
		rc = pg_fail(c, st->desc, q->name, err);
		goto fail;
	}
	st->nparams = PQnparams(st->desc);
	n = PQnfields(st->desc);
	for (i = 0; i < n; i++)
		if (!pg_readable(PQftype(st->desc, i))) {
			rc =
			    error_set(err, REDRESS_E_STORE,
			              "query %s cannot be prepared: its column %d (%s) is of a type (oid %u) "
			              "redress does not read; cast it to bigint, text or bytea",
			              q->name, i, PQfname(st->desc, i), PQftype(st->desc, i));
			goto fail;
		}
	if ((st->nparams > 0 && ((st->params = calloc((size_t)st->nparams, sizeof(*st->params))) == NULL ||
	                         (st->param_types = calloc((size_t)st->nparams, sizeof(Oid))) == NULL)) ||
	    (n > 0 && (st->num = calloc((size_t)n, sizeof(*st->num))) == NULL)) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory preparing %s", q->name);
		goto fail;
	}
	for (i = 0; i < st->nparams; i++)
		st->param_types[i] = PQparamtype(st->desc, i);
	*stmt_r = st;
	return REDRESS_OK;
fail:
	pg_finalize(st);
	return rc;
}

static void
pg_reset(void *stmt, int clear)
{
	struct pg_stmt *st = stmt;
	int i;

	PQclear(st->res);
	st->res = NULL;
	st->row = -1;
	st->sent = 0;
	if (!clear)
		return;
	for (i = 0; i < st->nparams; i++) {
		if (st->params[i].value != st->params[i].inline_bytes)
			free(st->params[i].value);
		st->params[i].value = NULL;
		st->params[i].length = 0;
		st->params[i].format = 0;
	}
}

/* The parameter ?index of st, or NULL with err filled. */
static struct pg_param *
pg_param(struct pg_stmt *st, int index, struct redress_error *err)
{
	struct pg_param *p;

	if (index < 1 || index > st->nparams) {
		error_set(err, REDRESS_E_STORE, "parameter ?%d cannot be bound: the query has %d", index,
		          st->nparams);
		return NULL;
	}
	p = &st->params[index - 1];
	if (p->value != p->inline_bytes)
		free(p->value);
	p->value = NULL;
	return p;
}

/* Sets p to a copy of len bytes of data in format. */
static enum redress_err
pg_set(struct pg_param *p, const void *data, size_t len, int format, int index, struct redress_error *err)
{
	if (len > INT32_MAX - 1)
		return error_set(err, REDRESS_E_OVERFLOW,
		                 "parameter ?%d cannot be bound: %zu bytes is too many", index, len);
	if (len < sizeof(p->inline_bytes)) {
		p->value = p->inline_bytes;
	} else if ((p->value = malloc(len + 1)) == NULL) {
		return error_set(err, REDRESS_E_NOMEM, "parameter ?%d cannot be bound: out of memory", index);
	}
	if (len > 0)
		memcpy(p->value, data, len);
	p->value[len] = '\0';
	p->length = (int)len;
	p->format = format;
	return REDRESS_OK;
}

static enum redress_err
pg_bind_int64(void *conn, void *stmt, int index, int64_t value, struct redress_error *err)
{
	struct pg_stmt *st = stmt;
	struct pg_param *p = pg_param(st, index, err);
	uint8_t be[8];
	char text[24];
	int i;

	if (p == NULL)
		return err->code;
	if (st->param_types[index - 1] == PG_INT8) {
		for (i = 0; i < 8; i++)
			be[i] = (uint8_t)((uint64_t)value >> (56 - 8 * i));
		return pg_set(p, be, sizeof(be), 1, index, err);
	}
	/* Another type (integer, numeric, text): its text form, which the server converts. */
	snprintf(text, sizeof(text), "%lld", (long long)value);
	return pg_set(p, text, strlen(text), 0, index, err);
}

static enum redress_err
pg_bind_text(void *conn, void *stmt, int index, const char *text, struct redress_error *err)
{
	struct pg_stmt *st = stmt;
	struct pg_param *p = pg_param(st, index, err);

	if (p == NULL)
		return err->code;
	/* Into bytea, text goes as its bytes (in text form a backslash would be an escape). */
	return text == NULL ? REDRESS_OK
	                    : pg_set(p, text, strlen(text), st->param_types[index - 1] == PG_BYTEA ? 1 : 0,
	                             index, err);
}

static enum redress_err
pg_bind_blob(void *conn, void *stmt, int index, const void *data, size_t len, struct redress_error *err)
{
	struct pg_stmt *st = stmt;
	struct pg_param *p = pg_param(st, index, err);

	if (p == NULL)
		return err->code;
	/* bytea's binary form is its bytes; other types' (text) too, where the bytes are valid text. */
	return pg_set(p, data, len, st->param_types[index - 1] == PG_BYTEA ? 1 : 0, index, err);
}

static enum redress_err
pg_bind_null(void *conn, void *stmt, int index, struct redress_error *err)
{
	return pg_param(stmt, index, err) != NULL ? REDRESS_OK : err->code;
}

/* Is sql a query that only reads (so that losing its connection loses nothing)? */
static int
pg_reads(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	return strncasecmp(sql, "SELECT", 6) == 0 || strncasecmp(sql, "WITH", 4) == 0 ||
	       strncasecmp(sql, "VALUES", 6) == 0;
}

/* Runs st with its parameters; its rows are then in st->res. */
static enum redress_err
pg_run(struct pg_stmt *st, struct redress_error *err)
{
	struct pg_conn *c = st->conn;
	const char **values = NULL;
	int *lengths = NULL, *formats = NULL, outside = !c->in_tx, tries = 0;
	enum redress_err rc = REDRESS_OK;
	ExecStatusType s;

again:
	/* A connection lost between transactions is made again, and the statement prepared on it. */
	if ((rc = pg_alive(c, err)) != REDRESS_OK)
		return rc;
	if (c->late_rc != REDRESS_OK)
		return pg_late(c, err); /* a deferred write failed: the transaction is lost */
	if (st->generation != c->generation &&
	    ((rc = pg_settled(c, err)) != REDRESS_OK || (rc = pg_prepare_on(st, err)) != REDRESS_OK))
		return rc;
	if (c->npiped > 0) {
		/* After deferred writes: sent behind them, all answered in one round trip. */
		if ((rc = pg_send(st, err)) != REDRESS_OK) {
			pg_keep_late(c, rc, err);
			(void)pg_settle(c, NULL, NULL, NULL);
			return rc;
		}
		if ((rc = pg_settle(c, &st->res, st->name_of, err)) != REDRESS_OK) {
			PQclear(st->res);
			st->res = NULL;
			return rc;
		}
	} else {
		if ((rc = pg_values(st, &values, &lengths, &formats, err)) != REDRESS_OK)
			goto out;
		st->res = PQexecPrepared(c->pg, st->name, st->nparams, values, lengths, formats, 1);
	}
	s = PQresultStatus(st->res);
	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK) {
		const char *cmd = PQcmdStatus(st->res);

		if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
		    strncmp(cmd, "DELETE", 6) == 0)
			c->changes = strtoll(PQcmdTuples(st->res), NULL, 10);
		goto out;
	}
	rc = pg_fail(c, st->res, st->name_of, err);
	/*
	 * A read outside a transaction on a connection that had been lost
	 * (the server restarted, or failed over, since the last statement):
	 * nothing was changed, so it runs again once on a new connection.
	 */
	if (outside && pg_reads(st->sql) && tries++ == 0 &&
	    pg_lost(c->pg, PQresultErrorField(st->res, PG_DIAG_SQLSTATE))) {
		PQclear(st->res);
		st->res = NULL;
		free(values);
		free(lengths);
		free(formats);
		values = NULL;
		lengths = formats = NULL;
		if (PQstatus(c->pg) == CONNECTION_OK)
			PQreset(
			    c->pg); /* a server going away (57P01) leaves the connection open until then */
		c->generation++;
		if (PQstatus(c->pg) == CONNECTION_OK && (rc = pg_session(c, err)) != REDRESS_OK)
			return rc;
		goto again;
	}
	/* A change made by itself, lost on the way: it may have been kept. */
	if (outside && !pg_reads(st->sql) && pg_lost(c->pg, PQresultErrorField(st->res, PG_DIAG_SQLSTATE)))
		rc = error_set(err, REDRESS_E_UNKNOWN,
		               "%s: the connection to the database was lost while it ran: the change may or "
		               "may not have been kept",
		               st->name_of);
	PQclear(st->res);
	st->res = NULL;
out:
	free(values);
	free(lengths);
	free(formats);
	return rc;
}

static enum store_step_result
pg_step(void *conn, void *stmt, const char *name, struct redress_error *err)
{
	struct pg_stmt *st = stmt;
	struct pg_conn *c = st->conn;

	if (st->sent)
		return STORE_DONE;
	if (st->res == NULL && st->deferred && c->in_write && st->generation == c->generation &&
	    PQstatus(c->pg) == CONNECTION_OK)
		return pg_defer(st, err) == REDRESS_OK ? STORE_DONE : STORE_ERROR;
	if (st->res == NULL) {
		if (pg_run(st, err) != REDRESS_OK)
			return STORE_ERROR;
		st->row = -1;
	}
	if (st->row + 1 < PQntuples(st->res)) {
		st->row++;
		return STORE_ROW;
	}
	st->row = PQntuples(st->res);
	return STORE_DONE;
}

static int
pg_column_count(void *stmt)
{
	return PQnfields(((struct pg_stmt *)stmt)->desc);
}

static const char *
pg_column_name(void *stmt, int index)
{
	return PQfname(((struct pg_stmt *)stmt)->desc, index);
}

/* The current row's value of column index, or NULL for SQL NULL (or no row). */
static const unsigned char *
pg_value(struct pg_stmt *st, int index, int *len_r)
{
	if (st->res == NULL || st->row < 0 || st->row >= PQntuples(st->res) || index < 0 ||
	    index >= PQnfields(st->res) || PQgetisnull(st->res, st->row, index))
		return NULL;
	*len_r = PQgetlength(st->res, st->row, index);
	return (const unsigned char *)PQgetvalue(st->res, st->row, index);
}

static uint64_t
pg_be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/*
 * A numeric's binary form as an integer (its fraction cut off), as sum()
 * of bigints answers; *whole_r says it had no fraction.  0 on overflow.
 */
static int
pg_numeric(const unsigned char *p, int len, int64_t *v_r, int *whole_r)
{
	int ndigits, weight, sign, dscale, i;
	int64_t v = 0;

	if (len < 8)
		return 0;
	ndigits = (int16_t)pg_be(p, 2);
	weight = (int16_t)pg_be(p + 2, 2);
	sign = (int)pg_be(p + 4, 2);
	dscale = (int)pg_be(p + 6, 2);
	if (sign == 0xC000 || len < 8 + 2 * ndigits)
		return 0;
	/* Digits (base 10000) from weight down to weight - ndigits + 1; those below 0 are the fraction. */
	for (i = 0; i <= weight; i++) {
		int64_t d = i < ndigits ? (int64_t)pg_be(p + 8 + 2 * i, 2) : 0;

		if (__builtin_mul_overflow(v, 10000, &v) ||
		    __builtin_add_overflow(v, sign == 0x4000 ? -d : d, &v))
			return 0;
	}
	*whole_r = dscale == 0;
	*v_r = v;
	return 1;
}

static int
pg_column_is_null(void *stmt, int index)
{
	int len;

	return pg_value(stmt, index, &len) == NULL;
}

static int
pg_column_is_integer(void *stmt, int index)
{
	struct pg_stmt *st = stmt;
	const unsigned char *p;
	int len, whole = 0;
	int64_t v;

	if ((p = pg_value(st, index, &len)) == NULL)
		return 0;
	switch (PQftype(st->res, index)) {
	case PG_INT2:
	case PG_INT4:
	case PG_INT8:
	case PG_BOOL:
	case PG_OID: return 1;
	case PG_NUMERIC: return pg_numeric(p, len, &v, &whole) && whole;
	default: return 0;
	}
}

static int64_t
pg_column_int64(void *stmt, int index)
{
	struct pg_stmt *st = stmt;
	const unsigned char *p;
	int len, whole;
	int64_t v = 0;
	double d;
	uint64_t bits;

	if ((p = pg_value(st, index, &len)) == NULL)
		return 0;
	switch (PQftype(st->res, index)) {
	case PG_INT2: return len == 2 ? (int16_t)pg_be(p, 2) : 0;
	case PG_INT4: return len == 4 ? (int32_t)pg_be(p, 4) : 0;
	case PG_OID: return len == 4 ? (int64_t)pg_be(p, 4) : 0;
	case PG_INT8: return len == 8 ? (int64_t)pg_be(p, 8) : 0;
	case PG_BOOL: return len == 1 && p[0] != 0;
	case PG_NUMERIC: return pg_numeric(p, len, &v, &whole) ? v : 0;
	case PG_FLOAT4:
	case PG_FLOAT8:
		if (len == 8) {
			bits = pg_be(p, 8);
			memcpy(&d, &bits, sizeof(d));
		} else if (len == 4) {
			uint32_t b4 = (uint32_t)pg_be(p, 4);
			float f;

			memcpy(&f, &b4, sizeof(f));
			d = f;
		} else {
			return 0;
		}
		return d >= -9.2e18 && d <= 9.2e18 ? (int64_t)d : 0;
	default: return strtoll((const char *)p, NULL, 10); /* text, as SQLite reads a number from it */
	}
}

static const char *
pg_column_text(void *stmt, int index)
{
	struct pg_stmt *st = stmt;
	const unsigned char *p;
	int len;

	if ((p = pg_value(st, index, &len)) == NULL)
		return "";
	switch (PQftype(st->res, index)) {
	case PG_INT2:
	case PG_INT4:
	case PG_INT8:
	case PG_BOOL:
	case PG_OID:
	case PG_NUMERIC:
	case PG_FLOAT4:
	case PG_FLOAT8:
		snprintf(st->num[index], sizeof(st->num[index]), "%lld",
		         (long long)pg_column_int64(st, index));
		return st->num[index];
	default: return (const char *)p; /* text, or bytes: libpq ends each value with a NUL */
	}
}

static const void *
pg_column_blob(void *stmt, int index, size_t *len_r)
{
	struct pg_stmt *st = stmt;
	const unsigned char *p;
	int len;

	*len_r = 0;
	if ((p = pg_value(st, index, &len)) == NULL)
		return NULL;
	switch (PQftype(st->res, index)) {
	case PG_BYTEA:
	case PG_TEXT:
	case PG_VARCHAR:
	case PG_BPCHAR:
	case PG_NAME:
	case PG_UNKNOWN:
	case PG_JSON: *len_r = (size_t)len; return p;
	default: {
		const char *t = pg_column_text(st, index);

		*len_r = strlen(t);
		return t;
	}
	}
}

static int64_t
pg_changes(void *conn)
{
	struct pg_conn *c = conn;

	/* The last write's rows: a deferred one's answer is read first (a failure kept for later). */
	(void)pg_settled(c, NULL);
	return c->changes;
}

const struct store_backend store_backend_pgsql = {
    .name = "pgsql",
    .open = pg_open,
    .close = pg_close,
    .location = pg_location,
    .exec = pg_exec,
    .scrub = pg_scrub,
    .backup = pg_backup,
    .dump = pg_dump_to,
    .dump_suffix = ".pgdump",
    .destroy = pg_destroy,
    .check = pg_check,
    .begin = pg_begin,
    .begin_read = pg_begin_read,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .prepare = pg_prepare,
    .prepare_ahead = pg_prepare_ahead,
    .prepared_before = pg_prepared_before,
    .prepared_all = pg_prepared_all,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_int64 = pg_bind_int64,
    .bind_text = pg_bind_text,
    .bind_blob = pg_bind_blob,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .column_count = pg_column_count,
    .column_name = pg_column_name,
    .column_is_null = pg_column_is_null,
    .column_is_integer = pg_column_is_integer,
    .column_int64 = pg_column_int64,
    .column_text = pg_column_text,
    .column_blob = pg_column_blob,
    .changes = pg_changes,
};
