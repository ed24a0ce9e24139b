/*
 * store.c -- the backend-neutral half of the store: dispatch through the
 * backend table, a cache of prepared statements keyed by query, and
 * transaction bookkeeping.
 *
 * Snapshots: a statement stepped to a row and left there keeps its
 * connection reading from the moment it started.  A writer that still
 * reads cannot wait for the write lock (its snapshot may be stale, and
 * waiting could deadlock), and the journal cannot be copied back past the
 * oldest snapshot.  So every statement left on a row is reset before a
 * transaction begins, before it commits or rolls back, and after: no
 * connection keeps a snapshot from one change (or one request) to the next.
 *
 * Bindings: a binding that fails is remembered on the statement and
 * returned by its step, which then runs nothing; every use of a statement
 * starts with no parameter bound, so a forgotten one is NULL, never the
 * previous call's value.
 */
#include "store/store.h"

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/buf.h"
#include "store/store_backend.h"

/*
 * The cache is an open-addressed table keyed by the query's address,
 * sized by the catalogues (store_prepare) with room beside them for the
 * struct store_query's (tests' SQL) prepared at first use.
 */
#define STORE_CACHE_SLOTS 256 /* a power of two: the store_query's room */
#define STORE_CACHE_MAX   (1u << 16)

struct store_stmt {
	struct store *store;
	const void *key;              /* the store_query or store_statement it was prepared from */
	struct store_statement query; /* name, SQL and (for a catalogue's) column types */
	void *handle;                 /* the backend's prepared statement */
	int on_row;                   /* stepped to a row and not reset: holds a snapshot */
	int cut; /* its rows were ended by store_end_reads: stepping on is a bug, not a restart */
	enum redress_err bind_rc; /* the first binding error since the last store_query() */
};

struct store {
	const struct store_backend *backend;
	void *conn;
	int in_transaction;
	int closed_to_writes;                      /* a ROLLBACK failed: the transaction's state is unknown */
	size_t on_row;                             /* statements with on_row set */
	struct redress_error bind_err;             /* the message of a statement's binding error */
	const struct store_catalogue **catalogues; /* prepared at open (NULL-terminated copy), or NULL */
	size_t slots;                              /* a power of two */
	struct store_stmt *cache;
};

/* ---- Fault injection (tests) --------------------------------------------- */

/*
 * Shared by every thread of the process (a server's writer and readers
 * count their calls together): atomic, and the countdown is taken one
 * step at a time by compare-and-swap, so that exactly one call gets the
 * fault and the countdown then stays at 0 (off).
 */
static atomic_long store_fault_countdown; /* 0: off */
static atomic_int store_fault_code;
static atomic_long store_fault_calls;

void
store_fault_inject(long nth, enum redress_err code)
{
	atomic_store(&store_fault_code, (int)code);
	atomic_store(&store_fault_calls, 0);
	atomic_store(&store_fault_countdown, nth > 0 ? nth : 0);
}

long
store_fault_calls_made(void)
{
	return atomic_load(&store_fault_calls);
}

/* Counts a store call; REDRESS_OK, or the injected fault (err filled) when it is the Nth. */
static enum redress_err
store_fault(const char *what, struct redress_error *err)
{
	long left = atomic_load(&store_fault_countdown);
	enum redress_err code;

	atomic_fetch_add(&store_fault_calls, 1);
	do {
		if (left == 0)
			return REDRESS_OK;
	} while (!atomic_compare_exchange_weak(&store_fault_countdown, &left, left - 1));
	if (left != 1)
		return REDRESS_OK;
	code = (enum redress_err)atomic_load(&store_fault_code);
	return error_set(err, code, "%s: injected fault (%s)", what, redress_strerror(code));
}

int
store_is_pgsql(const char *location)
{
	return strncmp(location, "postgres://", 11) == 0 || strncmp(location, "postgresql://", 13) == 0;
}

/* Appends n bytes of text to out (of size bytes, *len used), as far as they fit. */
static void
shown_append(char *out, size_t size, size_t *len, const char *text, size_t n)
{
	size_t room = size - 1 - *len;

	if (n > room)
		n = room;
	memcpy(out + *len, text, n);
	*len += n;
	out[*len] = '\0';
}

void
store_location_shown(const char *location, char *out, size_t size)
{
	const char *p, *authority, *at, *colon, *end;
	size_t len = 0;

	if (size == 0)
		return;
	out[0] = '\0';
	if (!store_is_pgsql(location)) {
		shown_append(out, size, &len, location, strlen(location));
		return;
	}
	/* The user part: scheme://user:password@host... ('@' before the path or the parameters). */
	authority = strstr(location, "://") + 3;
	end = authority + strcspn(authority, "/?#");
	at = memchr(authority, '@', (size_t)(end - authority));
	colon = at != NULL ? memchr(authority, ':', (size_t)(at - authority)) : NULL;
	if (colon != NULL) {
		shown_append(out, size, &len, location, (size_t)(colon + 1 - location));
		shown_append(out, size, &len, "***", 3);
		p = at;
	} else {
		p = location;
	}
	/* The parameters: each password=VALUE, up to the next '&' or '#'. */
	while (*p != '\0') {
		const char *param = strstr(p, "password=");

		if (param == NULL || (param != location && param[-1] != '?' && param[-1] != '&')) {
			end = param != NULL ? param + 9 : p + strlen(p);
			shown_append(out, size, &len, p, (size_t)(end - p));
			p = end;
			continue;
		}
		shown_append(out, size, &len, p, (size_t)(param + 9 - p));
		shown_append(out, size, &len, "***", 3);
		p = param + 9 + strcspn(param + 9, "&#");
	}
}

enum redress_err
store_open(const char *location, enum store_open_flags flags, struct store **store_r,
           struct redress_error *err)
{
	struct store *store;
	enum redress_err rc;

	store = calloc(1, sizeof(*store));
	if (store == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory opening the database");
	store->backend = store_is_pgsql(location) ? &store_backend_pgsql : &store_backend_sqlite;
	store->slots = STORE_CACHE_SLOTS;
	if ((store->cache = calloc(store->slots, sizeof(*store->cache))) == NULL) {
		free(store);
		return error_set(err, REDRESS_E_NOMEM, "out of memory opening the database");
	}
	rc = store->backend->open(location, flags, &store->conn, err);
	if (rc != REDRESS_OK) {
		free(store->cache);
		free(store);
		return rc;
	}
	*store_r = store;
	return REDRESS_OK;
}

enum redress_err
store_reopen(const struct store *store, enum store_open_flags flags, struct store **other_r,
             struct redress_error *err)
{
	const char *location = store->backend->location(store->conn);
	enum redress_err rc;

	if (location == NULL)
		return error_set(err, REDRESS_E_STORE, "a private database cannot be opened twice");
	if ((rc = store_open(location, flags, other_r, err)) != REDRESS_OK)
		return rc;
	if (store->catalogues != NULL &&
	    (rc = store_prepare(*other_r, (const struct store_catalogue *const *)store->catalogues, err)) !=
	        REDRESS_OK)
		store_close(other_r);
	return rc;
}

void
store_close(struct store **store)
{
	size_t i;

	if (store == NULL || *store == NULL)
		return;
	if ((*store)->in_transaction)
		store_rollback(*store);
	store_end_reads(*store);
	for (i = 0; i < (*store)->slots; i++)
		if ((*store)->cache[i].handle != NULL)
			(*store)->backend->finalize((*store)->cache[i].handle);
	(*store)->backend->close((*store)->conn);
	free((*store)->cache);
	free((*store)->catalogues);
	free(*store);
	*store = NULL;
}

const char *
store_backend_name(const struct store *store)
{
	return store->backend->name;
}

static enum redress_err
store_start(struct store *store, int writing, struct redress_error *err)
{
	enum redress_err rc;

	if (store->in_transaction)
		return error_set(err, REDRESS_E_INTERNAL, "a transaction is already open");
	if (store->closed_to_writes)
		return error_set(err, REDRESS_E_STORE_IO,
		                 "this database connection could not roll back a failed change and is closed;"
		                 " open the database again");
	store_end_reads(store);
	if ((rc = store_fault(writing ? "begin" : "begin reading", err)) != REDRESS_OK)
		return rc;
	rc = writing ? store->backend->begin(store->conn, err) : store->backend->begin_read(store->conn, err);
	if (rc != REDRESS_OK)
		return rc;
	store->in_transaction = 1;
	return REDRESS_OK;
}

enum redress_err
store_begin(struct store *store, struct redress_error *err)
{
	return store_start(store, 1, err);
}

enum redress_err
store_begin_read(struct store *store, struct redress_error *err)
{
	return store_start(store, 0, err);
}

enum redress_err
store_commit(struct store *store, struct redress_error *err)
{
	enum redress_err rc;

	if (!store->in_transaction)
		return error_set(err, REDRESS_E_INTERNAL, "commit without a transaction");
	store_end_reads(store);
	if ((rc = store_fault("commit", err)) == REDRESS_OK)
		rc = store->backend->commit(store->conn, err);
	if (rc != REDRESS_OK) {
		store_rollback(store);
		return rc;
	}
	store->in_transaction = 0;
	return REDRESS_OK;
}

void
store_rollback(struct store *store)
{
	struct redress_error err;

	if (!store->in_transaction)
		return;
	store_end_reads(store);
	if (store->backend->rollback(store->conn, &err) != REDRESS_OK)
		store->closed_to_writes = 1;
	store->in_transaction = 0;
}

int
store_in_transaction(const struct store *store)
{
	return store->in_transaction;
}

enum redress_err
store_scrub(struct store *store, struct redress_error *err)
{
	if (store->in_transaction)
		return error_set(err, REDRESS_E_INTERNAL, "scrubbing inside a transaction");
	/* A statement left in the middle of its rows still reads, and holds the journal. */
	store_end_reads(store);
	return store->backend->scrub(store->conn, 1, err);
}

enum redress_err
store_scrub_try(struct store *store, struct redress_error *err)
{
	if (store->in_transaction)
		return error_set(err, REDRESS_E_INTERNAL, "scrubbing inside a transaction");
	store_end_reads(store);
	return store->backend->scrub(store->conn, 0, err);
}

enum redress_err
store_check(struct store *store, struct redress_error *err)
{
	store_end_reads(store);
	return store->backend->check(store->conn, err);
}

enum redress_err
store_check_quick(struct store *store, struct redress_error *err)
{
	store_end_reads(store);
	if (store->backend->check_quick == NULL)
		return store->backend->check(store->conn, err);
	return store->backend->check_quick(store->conn, err);
}

enum redress_err
store_backup(struct store *store, const char *path, struct redress_error *err)
{
	if (store->in_transaction)
		return error_set(err, REDRESS_E_INTERNAL, "a backup inside a transaction");
	store_end_reads(store);
	return store->backend->backup(store->conn, path, err);
}

enum redress_err
store_dump(struct store *store, const char *path, struct redress_error *err)
{
	if (store->backend->dump == NULL)
		return store_backup(store, path, err);
	if (store->in_transaction)
		return error_set(err, REDRESS_E_INTERNAL, "a dump inside a transaction");
	store_end_reads(store);
	return store->backend->dump(store->conn, path, err);
}

const char *
store_dump_suffix(const struct store *store)
{
	return store->backend->dump_suffix != NULL ? store->backend->dump_suffix : ".bak";
}

enum redress_err
store_destroy(struct store **store, struct redress_error *err)
{
	static const char *const beside[] = {"", "-wal", "-shm"};
	struct buf path;
	enum redress_err rc = REDRESS_OK;
	size_t i, len;

	if (*store == NULL)
		return REDRESS_OK;
	if ((*store)->in_transaction) {
		store_close(store);
		return error_set(err, REDRESS_E_INTERNAL, "a database removed inside a transaction");
	}
	store_end_reads(*store);
	if ((*store)->backend->destroy != NULL) {
		rc = (*store)->backend->destroy((*store)->conn, err);
		store_close(store);
		return rc;
	}
	/* A file: removed once closed, so that SQLite has let go of its WAL and shared memory. */
	buf_init(&path, 1 << 16);
	buf_puts(&path, (*store)->backend->location((*store)->conn));
	store_close(store);
	if ((rc = buf_error(&path, err)) != REDRESS_OK) {
		buf_free(&path);
		return rc;
	}
	len = path.len;
	for (i = 0; rc == REDRESS_OK && i < sizeof(beside) / sizeof(*beside); i++) {
		path.len = len;
		buf_puts(&path, beside[i]);
		if ((rc = buf_error(&path, err)) == REDRESS_OK && unlink(path.data) != 0 && errno != ENOENT)
			rc = error_set(err, REDRESS_E_IO, "cannot remove '%.200s': %s", path.data,
			               strerror(errno));
	}
	buf_free(&path);
	return rc;
}

void
store_end_reads(struct store *store)
{
	size_t i;

	for (i = 0; i < store->slots && store->on_row > 0; i++)
		if (store->cache[i].on_row) {
			store->backend->reset(store->cache[i].handle, 0);
			store->cache[i].on_row = 0;
			store->cache[i].cut = 1;
			store->on_row--;
		}
}

/* Marks st as reading no more (its rows are done, or it was reset). */
static void
stmt_off_row(struct store_stmt *st)
{
	if (st->on_row) {
		st->on_row = 0;
		st->store->on_row--;
	}
}

enum redress_err
store_exec(struct store *store, const char *sql, struct redress_error *err)
{
	/* A statement still reading would keep DDL from dropping its table ("table is locked"). */
	store_end_reads(store);
	return store->backend->exec(store->conn, sql, err);
}

/* The slot of q in a table of slots entries: its own, or the empty one where it goes; NULL when full. */
static struct store_stmt *
cache_slot(struct store_stmt *cache, size_t slots, const void *q)
{
	uintptr_t h = (uintptr_t)q;
	size_t probe;

	/* Queries are static objects; their addresses spread well after a shift. */
	h ^= h >> 4;
	h *= 0x9E3779B97F4A7C15u;
	for (probe = 0; probe < slots; probe++) {
		struct store_stmt *st = &cache[(size_t)((h >> 40) + probe) & (slots - 1)];

		if (st->key == q || st->key == NULL)
			return st;
	}
	return NULL;
}

/* Prepares q, whose key is key, into its slot st (empty). */
static enum redress_err
cache_fill(struct store *store, struct store_stmt *st, const void *key, const struct store_statement *q,
           struct redress_error *err)
{
	size_t declared = q->columns != NULL ? strlen(q->columns) : 0;
	int has;

	if (store->backend->prepare(store->conn, q, &st->handle, err) != REDRESS_OK)
		return err != NULL ? err->code : REDRESS_E_STORE;
	/* A declared type per result column, or audit and the readers would read past or short of the row. */
	if (declared > 0 && (has = store->backend->column_count(st->handle)) != (int)declared) {
		store->backend->finalize(st->handle);
		st->handle = NULL;
		return error_set(err, REDRESS_E_INTERNAL,
		                 "statement %s declares %zu result columns, its SQL has %d", q->name,
		                 declared, has);
	}
	st->key = key;
	st->query = *q;
	st->store = store;
	st->bind_rc = REDRESS_OK;
	return REDRESS_OK;
}

/* The statement keyed by key (q's address), prepared at its first use. */
static struct store_stmt *
cache_get(struct store *store, const void *key, const struct store_statement *q, struct redress_error *err)
{
	struct store_stmt *st;

	if (store_fault(q->name, err) != REDRESS_OK)
		return NULL;
	if ((st = cache_slot(store->cache, store->slots, key)) == NULL) {
		error_set(err, REDRESS_E_INTERNAL, "more than %zu distinct queries: give them a catalogue",
		          store->slots);
		return NULL;
	}
	if (st->key == key) {
		store->backend->reset(st->handle, 1);
		stmt_off_row(st);
		st->bind_rc = REDRESS_OK;
		st->cut = 0;
		return st;
	}
	return cache_fill(store, st, key, q, err) == REDRESS_OK ? st : NULL;
}

struct store_stmt *
store_query(struct store *store, const struct store_query *q, struct redress_error *err)
{
	const struct store_statement s = {.name = q->name, .sql = q->sql};

	return cache_get(store, q, &s, err);
}

/* Whether every module named in reads (names between spaces) has a catalogue among catalogues. */
static int
catalogues_listed(const struct store_catalogue *const *catalogues, const char *reads)
{
	const char *name = reads, *end;
	size_t i, len;
	int found;

	while (*name != '\0') {
		end = strchr(name, ' ');
		len = end != NULL ? (size_t)(end - name) : strlen(name);
		found = 0;
		for (i = 0; catalogues[i] != NULL && !found; i++)
			found = strncmp(catalogues[i]->module, name, len) == 0 &&
			        catalogues[i]->module[len] == '\0';
		if (!found)
			return 0;
		name += len;
		while (*name == ' ')
			name++;
	}
	return 1;
}

/* Whether store_prepare prepares q at open among catalogues (a .reads of a module not there waits). */
static int
prepared_at_open(const struct store_catalogue *const *catalogues, const struct store_statement *q)
{
	return q->reads == NULL || catalogues_listed(catalogues, q->reads);
}

/* Hashes s and where it ends (NULL and "" differ). */
static void
digest_text(crypto_generichash_state *h, const char *s)
{
	static const unsigned char none = 1, end = 0;

	if (s == NULL)
		crypto_generichash_update(h, &none, 1);
	else
		crypto_generichash_update(h, (const unsigned char *)s, strlen(s) + 1);
	crypto_generichash_update(h, &end, 1);
}

/*
 * The digest, in hex, of what store_prepare prepares at open of
 * catalogues: every module's name and every statement's name, SQL (each
 * dialect's), declared columns and whether it waits for its first use.
 */
static void
catalogues_digest(const struct store_catalogue *const *catalogues, char hex[STORE_DIGEST_HEX + 1])
{
	crypto_generichash_state h;
	unsigned char d[STORE_DIGEST_HEX / 2];
	size_t i, j;

	crypto_generichash_init(&h, NULL, 0, sizeof(d));
	for (i = 0; catalogues[i] != NULL; i++) {
		digest_text(&h, catalogues[i]->module);
		for (j = 0; j < catalogues[i]->count; j++) {
			const struct store_statement *q = &catalogues[i]->statements[j];

			digest_text(&h, q->name);
			digest_text(&h, q->sql);
			digest_text(&h, q->sql_sqlite);
			digest_text(&h, q->sql_pgsql);
			digest_text(&h, q->columns);
			digest_text(&h, prepared_at_open(catalogues, q) ? "open" : "first use");
		}
	}
	crypto_generichash_final(&h, d, sizeof(d));
	sodium_bin2hex(hex, STORE_DIGEST_HEX + 1, d, sizeof(d));
}

/* Hands the backend every statement of catalogues store_prepare is about to prepare, to begin at once. */
static enum redress_err
prepare_ahead(struct store *store, const struct store_catalogue *const *catalogues, size_t total,
              struct redress_error *err)
{
	const struct store_statement **qs;
	size_t i, j, n = 0;

	if (total == 0)
		return REDRESS_OK;
	if ((qs = calloc(total, sizeof(*qs))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory preparing statements");
	for (i = 0; catalogues[i] != NULL; i++)
		for (j = 0; j < catalogues[i]->count; j++) {
			const struct store_statement *q = &catalogues[i]->statements[j];

			if (q->name != NULL && q->sql != NULL && prepared_at_open(catalogues, q) &&
			    cache_slot(store->cache, store->slots, q)->key == NULL)
				qs[n++] = q;
		}
	store->backend->prepare_ahead(store->conn, qs, n);
	free(qs);
	return REDRESS_OK;
}

enum redress_err
store_prepare(struct store *store, const struct store_catalogue *const *catalogues, struct redress_error *err)
{
	struct store_stmt *cache, *st;
	size_t total = 0, slots, i, j;
	char digest[STORE_DIGEST_HEX + 1];
	enum redress_err rc;
	int before = 0;

	/* The same catalogues again (a log opened on a pooled connection for each request): done. */
	if (store->catalogues != NULL) {
		for (i = 0; catalogues[i] != NULL && store->catalogues[i] == catalogues[i]; i++)
			;
		if (catalogues[i] == NULL && store->catalogues[i] == NULL)
			return REDRESS_OK;
	}
	for (i = 0; catalogues[i] != NULL; i++)
		if (__builtin_add_overflow(total, catalogues[i]->count, &total))
			return error_set(err, REDRESS_E_OVERFLOW, "too many statements");
	/* At most half full with the catalogues and the store_query room, so probes stay short. */
	for (slots = STORE_CACHE_SLOTS; slots < 2 * (total + STORE_CACHE_SLOTS / 2); slots *= 2)
		if (slots >= STORE_CACHE_MAX)
			return error_set(err, REDRESS_E_INTERNAL, "more than %u statements",
			                 STORE_CACHE_MAX / 2);
	store_end_reads(store);
	if (slots != store->slots) {
		if ((cache = calloc(slots, sizeof(*cache))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory preparing statements");
		for (i = 0; i < store->slots; i++)
			if (store->cache[i].key != NULL)
				*cache_slot(cache, slots, store->cache[i].key) = store->cache[i];
		free(store->cache);
		store->cache = cache;
		store->slots = slots;
	}
	/*
	 * The very statements were all prepared against this schema before
	 * (PostgreSQL, where each costs the server a parse): none can fail
	 * now, so each is prepared at its first use.
	 */
	if (store->backend->prepared_before != NULL) {
		catalogues_digest(catalogues, digest);
		before = store->backend->prepared_before(store->conn, digest);
	}
	if (!before && store->backend->prepare_ahead != NULL &&
	    (rc = prepare_ahead(store, catalogues, total, err)) != REDRESS_OK)
		return rc;
	for (i = 0; catalogues[i] != NULL; i++)
		for (j = 0; j < catalogues[i]->count; j++) {
			const struct store_statement *q = &catalogues[i]->statements[j];

			if (q->name == NULL || q->sql == NULL || q->columns == NULL)
				return error_set(err, REDRESS_E_INTERNAL,
				                 "module %s: statement %zu has no name, SQL or columns",
				                 catalogues[i]->module, j);
			if (!prepared_at_open(catalogues, q) || before)
				continue; /* the other module's tables may be missing: prepared at its first
				             use */
			st = cache_slot(store->cache, store->slots, q);
			if (st->key == NULL && cache_fill(store, st, q, q, err) != REDRESS_OK)
				return error_prefix(err, "module %s, statement %s", catalogues[i]->module,
				                    q->name);
		}
	if (!before && store->backend->prepared_all != NULL)
		store->backend->prepared_all(store->conn, digest);
	if (store->catalogues != (const struct store_catalogue **)catalogues) {
		const struct store_catalogue **copy = calloc(i + 1, sizeof(*copy));

		if (copy == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory preparing statements");
		memcpy(copy, catalogues, i * sizeof(*copy));
		free(store->catalogues);
		store->catalogues = copy;
	}
	return REDRESS_OK;
}

size_t
store_statements_prepared(const struct store *store)
{
	size_t i, n = 0;

	for (i = 0; i < store->slots; i++)
		n += store->cache[i].key != NULL;
	return n;
}

struct store_stmt *
store_statement(struct store *store, const struct store_catalogue *c, unsigned id, struct redress_error *err)
{
	if (id >= c->count) {
		error_set(err, REDRESS_E_INTERNAL, "module %s has no statement %u", c->module, id);
		return NULL;
	}
	return cache_get(store, &c->statements[id], &c->statements[id], err);
}

const char *
store_stmt_columns(const struct store_stmt *st)
{
	return st->query.columns;
}

/* Keeps the first binding error of st's use, for its step to return. */
static void
stmt_bound(struct store_stmt *st, enum redress_err rc, struct redress_error *err)
{
	if (rc != REDRESS_OK && st->bind_rc == REDRESS_OK) {
		st->bind_rc = rc;
		st->store->bind_err = *err;
	}
}

void
store_bind_int64(struct store_stmt *st, int index, int64_t value)
{
	struct redress_error err;

	if (st->bind_rc == REDRESS_OK)
		stmt_bound(st,
		           st->store->backend->bind_int64(st->store->conn, st->handle, index, value, &err),
		           &err);
}

void
store_bind_text(struct store_stmt *st, int index, const char *text)
{
	struct redress_error err;

	if (st->bind_rc == REDRESS_OK)
		stmt_bound(st, st->store->backend->bind_text(st->store->conn, st->handle, index, text, &err),
		           &err);
}

void
store_bind_blob(struct store_stmt *st, int index, const void *data, size_t len)
{
	struct redress_error err;

	if (st->bind_rc == REDRESS_OK)
		stmt_bound(st,
		           st->store->backend->bind_blob(st->store->conn, st->handle, index, data, len, &err),
		           &err);
}

void
store_bind_null(struct store_stmt *st, int index)
{
	struct redress_error err;

	if (st->bind_rc == REDRESS_OK)
		stmt_bound(st, st->store->backend->bind_null(st->store->conn, st->handle, index, &err), &err);
}

enum store_step_result
store_step(struct store_stmt *st, struct redress_error *err)
{
	enum store_step_result r;

	if (st->bind_rc != REDRESS_OK) {
		error_set(err, st->bind_rc, "%s", st->store->bind_err.message);
		error_prefix(err, "query %s", st->query.name);
		return STORE_ERROR;
	}
	if (st->cut) {
		error_set(
		    err, REDRESS_E_INTERNAL,
		    "query %s: its rows were ended when a transaction began or ended; read them inside it",
		    st->query.name);
		return STORE_ERROR;
	}
	if (store_fault(st->query.name, err) != REDRESS_OK) {
		stmt_off_row(st);
		return STORE_ERROR;
	}
	r = st->store->backend->step(st->store->conn, st->handle, st->query.name, err);
	if (r == STORE_ROW) {
		if (!st->on_row) {
			st->on_row = 1;
			st->store->on_row++;
		}
	} else {
		stmt_off_row(st);
	}
	return r;
}

void
store_done(struct store_stmt *st)
{
	if (st->on_row) {
		st->store->backend->reset(st->handle, 0);
		stmt_off_row(st);
	}
}

enum store_step_result
store_read(struct store_stmt *st, const struct store_field *fields, void *out, struct redress_error *err)
{
	const char *types = st->query.columns;
	enum store_step_result r;
	size_t i, len;

	if (types == NULL) {
		error_set(err, REDRESS_E_INTERNAL, "query %s declares no columns to read by", st->query.name);
		return STORE_ERROR;
	}
	if ((r = store_step(st, err)) != STORE_ROW)
		return r;
	for (i = 0; types[i] != '\0'; i++) {
		unsigned char *at = (unsigned char *)out + fields[i].offset;
		const void *p;

		if (fields[i].size == 0)
			continue; /* STORE_SKIP */
		if (fields[i].flags & STORE_BORROW) {
			if (fields[i].size != sizeof(p) || (types[i] == 'b' && fields[i].len_offset == 0) ||
			    (types[i] != 't' && types[i] != 'b')) {
				error_set(err, REDRESS_E_INTERNAL,
				          "query %s: column %zu cannot be borrowed so", st->query.name, i);
				store_done(st);
				return STORE_ERROR;
			}
			if (types[i] == 't') {
				p = store_column_text(st, (int)i);
			} else {
				p = store_column_blob(st, (int)i, &len);
				memcpy((unsigned char *)out + fields[i].len_offset, &len, sizeof(len));
			}
			memcpy(at, &p, sizeof(p));
			continue;
		}
		switch (types[i]) {
		case 'i': {
			int64_t v = store_column_int64(st, (int)i);

			if (fields[i].size == sizeof(int64_t)) {
				memcpy(at, &v, sizeof(v));
			} else if (fields[i].size == sizeof(int)) {
				int n = (int)v;

				if (v < INT_MIN || v > INT_MAX) {
					error_set(err, REDRESS_E_STORE,
					          "query %s: column %zu (%s) is %lld, beyond an int",
					          st->query.name, i, store_column_name(st, (int)i),
					          (long long)v);
					store_done(st);
					return STORE_ERROR;
				}
				memcpy(at, &n, sizeof(n));
			} else if (fields[i].size == sizeof(bool)) {
				bool b = v != 0;

				memcpy(at, &b, sizeof(b));
			} else {
				error_set(err, REDRESS_E_INTERNAL,
				          "query %s: column %zu is read into %zu bytes", st->query.name, i,
				          fields[i].size);
				store_done(st);
				return STORE_ERROR;
			}
			break;
		}
		case 't':
			p = store_column_text(st, (int)i);
			len = strlen(p);
			if (len >= fields[i].size && (fields[i].flags & STORE_CUT))
				len = fields[i].size - 1;
			else if (len >= fields[i].size)
				goto too_long;
			memcpy(at, p, len);
			at[len] = '\0';
			break;
		case 'b':
			p = store_column_blob(st, (int)i, &len);
			if (fields[i].len_offset != 0 ? len > fields[i].size : len != fields[i].size)
				goto too_long;
			if (len > 0)
				memcpy(at, p, len);
			if (fields[i].len_offset != 0)
				memcpy((unsigned char *)out + fields[i].len_offset, &len, sizeof(len));
			break;
		default:
			error_set(err, REDRESS_E_INTERNAL, "query %s: column type '%c' is unknown",
			          st->query.name, types[i]);
			store_done(st);
			return STORE_ERROR;
		}
	}
	return STORE_ROW;
too_long:
	error_set(err, REDRESS_E_STORE, "query %s: column %zu (%s) is %zu bytes, not what it holds (%zu)",
	          st->query.name, i, store_column_name(st, (int)i), len, fields[i].size);
	store_done(st);
	return STORE_ERROR;
}

enum store_step_result
store_read_one(struct store_stmt *st, const struct store_field *fields, void *out, struct redress_error *err)
{
	enum store_step_result r = store_read(st, fields, out, err);

	if (r == STORE_ROW)
		store_done(st);
	return r;
}

enum redress_err
store_each(struct store_stmt *st, const struct store_field *fields, void *row,
           enum redress_err (*fn)(void *arg, void *row, struct redress_error *err), void *arg,
           struct redress_error *err)
{
	enum store_step_result r;
	enum redress_err rc;

	while ((r = store_read(st, fields, row, err)) == STORE_ROW) {
		if ((rc = fn(arg, row, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
store_run(struct store_stmt *st, struct redress_error *err)
{
	enum store_step_result r;

	while ((r = store_step(st, err)) == STORE_ROW)
		;
	return r == STORE_DONE ? REDRESS_OK : err != NULL ? err->code : REDRESS_E_STORE;
}

int
store_column_count(struct store_stmt *st)
{
	return st->store->backend->column_count(st->handle);
}

const char *
store_column_name(struct store_stmt *st, int index)
{
	return st->store->backend->column_name(st->handle, index);
}

int
store_column_is_null(struct store_stmt *st, int index)
{
	return st->store->backend->column_is_null(st->handle, index);
}

int
store_column_is_integer(struct store_stmt *st, int index)
{
	return st->store->backend->column_is_integer(st->handle, index);
}

int64_t
store_column_int64(struct store_stmt *st, int index)
{
	return st->store->backend->column_int64(st->handle, index);
}

const char *
store_column_text(struct store_stmt *st, int index)
{
	return st->store->backend->column_text(st->handle, index);
}

const void *
store_column_blob(struct store_stmt *st, int index, size_t *len_r)
{
	return st->store->backend->column_blob(st->handle, index, len_r);
}

int64_t
store_changes(struct store *store)
{
	return store->backend->changes(store->conn);
}
