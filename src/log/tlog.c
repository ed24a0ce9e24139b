/*
 * tlog.c -- appending events, keeping the Merkle tree beside them, and
 * signing a checkpoint at every commit.
 *
 * Each event's leaf hash is stored in its own row; the tree's interior
 * perfect subtrees are stored in log_nodes keyed by the order in which
 * appends complete them (tlog_node_id).  Appends therefore only ever add at
 * the end of both tables, and audit can compare the whole tree in one
 * ordered scan of each.
 *
 * The right edge of the tree (struct merkle_range) is cached between
 * transactions and reloaded when another process has appended meanwhile.
 */
#include "log/tlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/canon.h"
#include "core/clock.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/seal.h"
#include "log/checkpoint.h"
#include "log/keychain.h"
#include "log/note.h"

#define TLOG_FORMAT      "redress-log-1"
#define TLOG_MODULES_MAX 32
#define TLOG_STR(x)      #x
#define TLOG_XSTR(x)     TLOG_STR(x)
#define TLOG_SCHEMA_TEXT TLOG_XSTR(TLOG_SCHEMA_VERSION)
/* log_meta "key_handovers": the handovers' tree sizes, decimal, one space between. */
#define TLOG_HANDOVERS_TEXT (KEYCHAIN_MAX * 21)

struct tlog {
	struct store *store;
	const struct sign_key *key; /* NULL: read-only */
	const struct event_module *const *modules;
	char origin[CHECKPOINT_ORIGIN_MAX + 1];
	uint8_t public_key[SIGN_PUBLIC_SIZE]; /* the first key, as log.created recorded it */
	/* The signing keys over time (log/keychain.h); its last key signs now. */
	struct keychain chain;
	/* log_meta's "key_handovers" as this log read it: a change refuses to sign when it moved. */
	char handovers[TLOG_HANDOVERS_TEXT];
	const struct sign_key *next_key; /* a rotation in the current change: the key handed over to */
	char actor[TLOG_ACTOR_MAX + 1];
	struct merkle_range range; /* right edge at range.size, valid when range_valid */
	int range_valid;
	int in_change;
	uint64_t change_start; /* tree size when the change began */
	uint64_t own_size;     /* tree size this handle's last commit left; valid when own_valid */
	int own_valid;
	int written_beside; /* a change began on a tree another handle grew: see tlog_take_written_beside */
	void *states[TLOG_MODULES_MAX]; /* per module, for the current change */
	struct buf event;               /* reused for each event's bytes */
	char at[CLOCK_TEXT_SIZE];       /* "": the clock; else the time given by tlog_set_time */
	char last_at[CLOCK_TEXT_SIZE];  /* the time of the event last appended */
	/* The high-water mark: a file outside the database holding the last signed checkpoint. */
	char *high_water; /* its path, when this log keeps it up to date; else NULL */
	struct buf head;  /* the checkpoint the change being committed signed */
	int head_signed;
	struct high_water_thread *hw; /* tlog_high_water_async's; NULL: written by tlog_commit itself */
	struct tlog_public pub;       /* the projection to public parts; project NULL: none (version 2) */
	int v2_checked;               /* without pub: the log's latest event was found older than 3 */
	struct buf public_part;       /* reused for each version-3 event's public part */
	/* The event tlog_append last read for its leaf (pub.project_read); event_read: it holds it. */
	struct canon_doc event_doc;
	int event_read;
};

/*
 * The thread that writes the high-water file for a log that commits often
 * (a server's writer): replacing a file by rename on ext4 waits for the new
 * file's data to reach the disk (auto_da_alloc), about as long as a commit's
 * own sync, so the commit hands its checkpoint over and goes on.  Only the
 * latest checkpoint waiting is written; the file is behind the database by
 * at most the one write under way, never ahead (it gets only committed
 * checkpoints).
 */
struct high_water_thread {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct buf next; /* the latest checkpoint handed over, not yet written */
	int pending, stopping;
	char *path;
};

static void high_water_stop(struct tlog *log);

/*
 * Witnesses' cosignature lines on the checkpoint of each size: not part of
 * the log (a witness answers after the commit), kept beside it so the
 * cosigned checkpoint can be served and proved against.
 */
#define COSIG_SCHEMA                                                                                         \
	"CREATE TABLE IF NOT EXISTS log_cosignatures (size INTEGER NOT NULL, witness TEXT NOT NULL,"         \
	" line TEXT NOT NULL, PRIMARY KEY (size, witness));"

static const char tlog_schema[] =
    "CREATE TABLE IF NOT EXISTS log_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS log_events (seq INTEGER PRIMARY KEY, leaf BLOB NOT NULL, body BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS log_nodes (id INTEGER PRIMARY KEY, hash BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS log_checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL,"
    " note TEXT NOT NULL);" COSIG_SCHEMA;

/* The log's statements: an id each, and tlog_statements[id] its SQL and result columns. */
const struct store_statement tlog_statements[TLOG_Q_COUNT] = {
    [TLOG_Q_META_SET] = {.name = "log.meta.set",
                         .sql = "INSERT INTO log_meta (name, value) VALUES (?1, ?2)",
                         .columns = ""},
    [TLOG_Q_META_GET] = {.name = "log.meta.get",
                         .sql = "SELECT value FROM log_meta WHERE name = ?1",
                         .columns = "t"},
    [TLOG_Q_SIZE] = {.name = "log.size",
                     .sql = "SELECT coalesce(max(seq) + 1, 0) FROM log_events",
                     .columns = "i"},
    [TLOG_Q_EVENT_INSERT] = {.name = "log.event.insert",
                             .sql = "INSERT INTO log_events (seq, leaf, body) VALUES (?1, ?2, ?3)",
                             .columns = "",
                             .deferred = 1},
    [TLOG_Q_EVENT_GET] = {.name = "log.event.get",
                          .sql = "SELECT body FROM log_events WHERE seq = ?1",
                          .columns = "b"},
    [TLOG_Q_NODE_INSERT] = {.name = "log.node.insert",
                            .sql = "INSERT INTO log_nodes (id, hash) VALUES (?1, ?2)",
                            .columns = "",
                            .deferred = 1},
    [TLOG_Q_NODE_GET] = {.name = "log.node.get",
                         .sql = "SELECT hash FROM log_nodes WHERE id = ?1",
                         .columns = "b"},
    [TLOG_Q_LEAF_GET] = {.name = "log.leaf.get",
                         .sql = "SELECT leaf FROM log_events WHERE seq = ?1",
                         .columns = "b"},
    [TLOG_Q_CHECKPOINT_INSERT] = {.name = "log.checkpoint.insert",
                                  .sql = "INSERT INTO log_checkpoints (size, root, note) VALUES (?1, ?2, ?3)",
                                  .columns = "",
                                  .deferred = 1},
    [TLOG_Q_CHECKPOINT_LATEST] = {.name = "log.checkpoint.latest",
                                  .sql = "SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1",
                                  .columns = "t"},
    [TLOG_Q_EVENTS_ALL] = {.name = "log.events.all",
                           .sql = "SELECT seq, leaf, body FROM log_events ORDER BY seq",
                           .columns = "ibb"},
    [TLOG_Q_NODES_ALL] = {.name = "log.nodes.all",
                          .sql = "SELECT id, hash FROM log_nodes ORDER BY id",
                          .columns = "ib"},
    [TLOG_Q_CHECKPOINTS_ALL] = {.name = "log.checkpoints.all",
                                .sql = "SELECT size, root, note FROM log_checkpoints ORDER BY size",
                                .columns = "ibt"},

    [TLOG_Q_CHECKPOINT_AT] = {.name = "log.checkpoint.at",
                              .sql = "SELECT note FROM log_checkpoints WHERE size = ?1",
                              .columns = "t"},
    [TLOG_Q_META_PUT] = {.name = "log.meta.put",
                         .sql = "INSERT INTO log_meta (name, value) VALUES (?1, ?2)"
                                " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                         .columns = ""},
    [TLOG_Q_CHECKPOINT_LATEST_SIZE] =
        {.name = "log.checkpoint.latest_size",
         .sql = "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1",
         .columns = "it"},
    [TLOG_Q_COSIG_PUT] = {.name = "log.cosig.put",
                          .sql = "INSERT INTO log_cosignatures (size, witness, line) VALUES (?1, ?2, ?3)"
                                 " ON CONFLICT (size, witness) DO UPDATE SET line = excluded.line",
                          .columns = ""},
    [TLOG_Q_COSIG_AT] = {.name = "log.cosig.at",
                         .sql = "SELECT line FROM log_cosignatures WHERE size = ?1 ORDER BY witness",
                         .columns = "t"},
};

/*
 * The migrations, in order: migrations[i] takes the schema from version
 * i + 1 to i + 2.  Forward only; a released one is never changed.  To add
 * one: append it here, raise TLOG_SCHEMA_VERSION, and change the module's
 * schema (what 'init' creates) to the same result (docs/store.md).
 */
static const struct tlog_migration {
	const char *what; /* recorded in its event */
	const char *ddl;  /* run on the database; "" for none */
} tlog_migrations[TLOG_SCHEMA_VERSION - 1] = {
    {"the schema's version is recorded in log_meta", ""},
    /*
     * NULL: every module's schema, which creates only the tables missing
     * (CREATE TABLE IF NOT EXISTS).  The tables the second wave added:
     * users_disabled, users_must_change, users_role_pending, users_sessions
     * (accounts over time), registry_search (finding people),
     * log_cosignatures (witnesses), and whatever else a module declares.
     */
    {"the tables of accounts over time, of finding people and of witnesses", NULL},
    /*
     * The server's own tables become modules' (the http layer owns none):
     * http_idempotency (and its _personal) the idempotency module's
     * idempotency_answers, http_totp_steps users_totp_steps, http_reports
     * reports_renderings.  The old ones are made first where the fund was
     * never served, so that one DDL serves every fund.
     */
    {"the server's tables move to their modules: idempotency answers, TOTP steps, report renderings",
     "CREATE TABLE IF NOT EXISTS http_idempotency (account TEXT NOT NULL, key TEXT NOT NULL,"
     " request BLOB NOT NULL, status INTEGER NOT NULL, content_type TEXT NOT NULL, body TEXT NOT NULL,"
     " at INTEGER NOT NULL, PRIMARY KEY (account, key));"
     "CREATE TABLE IF NOT EXISTS http_idempotency_personal (account TEXT NOT NULL, key TEXT NOT NULL,"
     " PRIMARY KEY (account, key));"
     "CREATE TABLE IF NOT EXISTS http_totp_steps (account TEXT PRIMARY KEY, step INTEGER NOT NULL);"
     "CREATE TABLE IF NOT EXISTS http_reports (program TEXT NOT NULL, format TEXT NOT NULL,"
     " seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (program, format));"
     "CREATE TABLE IF NOT EXISTS idempotency_answers (account TEXT NOT NULL, key TEXT NOT NULL,"
     " request BLOB NOT NULL, status INTEGER NOT NULL, content_type TEXT NOT NULL, body TEXT NOT NULL,"
     " at INTEGER NOT NULL, PRIMARY KEY (account, key));"
     "CREATE TABLE IF NOT EXISTS idempotency_personal (account TEXT NOT NULL, key TEXT NOT NULL,"
     " PRIMARY KEY (account, key));"
     "CREATE TABLE IF NOT EXISTS users_totp_steps (account TEXT PRIMARY KEY, step INTEGER NOT NULL);"
     "CREATE TABLE IF NOT EXISTS reports_renderings (program TEXT NOT NULL, format TEXT NOT NULL,"
     " seq INTEGER NOT NULL, body BLOB NOT NULL, PRIMARY KEY (program, format));"
     "INSERT INTO idempotency_answers (account, key, request, status, content_type, body, at)"
     " SELECT account, key, request, status, content_type, body, at FROM http_idempotency;"
     "INSERT INTO idempotency_personal (account, key) SELECT account, key FROM http_idempotency_personal;"
     "INSERT INTO users_totp_steps (account, step) SELECT account, step FROM http_totp_steps;"
     "INSERT INTO reports_renderings (program, format, seq, body)"
     " SELECT program, format, seq, body FROM http_reports;"
     "DROP TABLE http_idempotency; DROP TABLE http_idempotency_personal; DROP TABLE http_totp_steps;"
     " DROP TABLE http_reports;"},
    /* NULL again: programs_rules (harms, units, caps, instalments, services: docs/programs.md). */
    {"the table of programs' rules", NULL},
    /* NULL again: the fund module's fund_closure (redress fund close). */
    {"the table of a fund's closure", NULL},
    /* NULL again: registry_changes and registry_change_decisions, and casework's tables. */
    {"the tables of corrections and of casework: notes, tasks, contacts, referrals, grievances", NULL},
    /* NULL again: casework_referral_outcomes (what came of a referral). */
    {"the table of referrals' outcomes", NULL},
    /*
     * NULL again: programs_versions and programs_version_adds (a program's
     * versions), entitlements_benefits (other benefits a person receives).
     */
    {"the tables of programs' versions and of other benefits", NULL},
    /*
     * Sessions move to the sessions module, shared by every server: the
     * account's name no longer in clear (a keyed tag, and the name sealed
     * under the cookie's token), no CSRF token stored.  The old rows held
     * both in clear and go; their holders sign in again.
     */
    {"signed-in sessions are shared by every server, their account sealed",
     "DROP TABLE IF EXISTS users_sessions;"
     "CREATE TABLE IF NOT EXISTS sessions_live (hash TEXT PRIMARY KEY, account_tag TEXT NOT NULL,"
     " account_sealed TEXT NOT NULL, created INTEGER NOT NULL, seen INTEGER NOT NULL);"
     "CREATE INDEX IF NOT EXISTS sessions_live_account ON sessions_live (account_tag);"},
    /*
     * An entitlement records the version of its program's rules it was
     * booked under; those booked before keep NULL (their events say none).
     */
    {"each entitlement records the version of the program's rules it was booked under",
     "ALTER TABLE entitlements ADD COLUMN program_version INTEGER;"},
    /* NULL again: registry_persons_frailty, the index of the frailest-first list. */
    {"the registry's index for the list of people, frailest first", NULL},
    /* NULL again: sessions_throttle, failed sign-ins counted for every server of the fund. */
    {"the table of failed sign-ins, shared by every server", NULL},
    /* NULL again: registry_dup_keys (suspected duplicates) and dups_decisions (what each pair is). */
    {"the tables of suspected duplicates and of what each pair was decided to be", NULL},
    /* NULL again: the offices module's offices_offices, offices_regions, offices_staff, offices_persons. */
    {"the tables of offices: their regions, their staff, and people transferred between them", NULL},
    /*
     * Whose search tokens are which moves from an index on registry_search
     * to a table of its own (registry_search_owned), which an import
     * writes in registration order rather than at random: the import's
     * largest cost (README, Performance).  A token keeps 16 of its 32 hex
     * digits (64 bits, the start of the same keyed hash): the tables are a
     * third smaller, and a search finds the same.  registry_search is made
     * again, without the index.
     */
    {"the registry's search tokens: shorter, and by person in a table, not an index",
     "CREATE TABLE registry_search_short (token TEXT NOT NULL, pseudonym TEXT NOT NULL,"
     " PRIMARY KEY (token, pseudonym)) WITHOUT ROWID;"
     "INSERT INTO registry_search_short (token, pseudonym)"
     " SELECT DISTINCT substr(token, 1, 16), pseudonym FROM registry_search;"
     "DROP TABLE registry_search;"
     "ALTER TABLE registry_search_short RENAME TO registry_search;"
     "CREATE TABLE IF NOT EXISTS registry_search_owned (pseudonym TEXT NOT NULL, tokens TEXT NOT NULL,"
     " PRIMARY KEY (pseudonym, tokens)) WITHOUT ROWID;"
     "INSERT INTO registry_search_owned (pseudonym, tokens) SELECT pseudonym, token FROM registry_search;"},
    /* NULL again: registry_vulnerabilities (a person's vulnerability categories, registry_vulnerability.c).
     */
    {"the table of people's vulnerability categories", NULL},
    /*
     * Deciding an appeal takes a second person (DESIGN.md): a claim keeps
     * how many appeals members must agree on its appeal (0: an appeal made
     * before, which one decided) and the votes given so far.
     */
    {"an appeal is decided by two members of the appeals role who agree",
     "ALTER TABLE claims_claims ADD COLUMN deciders INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE claims_claims ADD COLUMN votes_upheld INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE claims_claims ADD COLUMN votes_overturned INTEGER NOT NULL DEFAULT 0;"},
    /*
     * The public report page renders the program's latest reports_published
     * row from its event on every request: the renderings kept for it
     * (reports_renderings) go, nothing of them is needed.
     */
    {"the public report page is rendered from the log: its kept renderings go",
     "DROP TABLE IF EXISTS reports_renderings;"},
};

const struct store_catalogue tlog_catalogue = {"log", tlog_statements, STORE_COUNT(tlog_statements)};

/* The log's statement id, reset and unbound. */
static struct store_stmt *
q(struct store *store, enum tlog_statement id, struct redress_error *err)
{
	return store_statement(store, &tlog_catalogue, id, err);
}

/* A 'b' column borrowed (a tree node's hash, an event's bytes): valid until the statement's next step. */
struct bytes_read {
	const void *data;
	size_t len;
};

static const struct store_field bytes_field[] = {STORE_FIELD_BLOB(struct bytes_read, data, len)};

/* A 't' column borrowed into a const char *; a checkpoint's size and text (TLOG_Q_CHECKPOINT_LATEST_SIZE). */
static const struct store_field text_field[] = {{0, sizeof(const char *), 0, STORE_BORROW}};

struct sized_text_read {
	int64_t size;
	const char *text;
};

static const struct store_field sized_text_fields[] = {STORE_FIELD(struct sized_text_read, size),
                                                       STORE_FIELD_TEXT(struct sized_text_read, text)};

uint64_t
tlog_node_id(unsigned level, uint64_t index)
{
	/*
	 * Appending leaf i completes one interior node per trailing 1 bit of
	 * i, so i - popcount(i) interior nodes are complete before it; the
	 * node is the (level - 1)th that leaf `last` completes.
	 */
	uint64_t last = ((index + 1) << level) - 1;

	return last - (uint64_t)__builtin_popcountll(last) + (level - 1);
}

static enum redress_err
tlog_node_read(void *ctx, unsigned level, uint64_t index, uint8_t out[MERKLE_HASH_SIZE],
               struct redress_error *err)
{
	struct store_stmt *st;
	struct bytes_read hash;

	if ((st = q(ctx, level == 0 ? TLOG_Q_LEAF_GET : TLOG_Q_NODE_GET, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, level == 0 ? (int64_t)index : (int64_t)tlog_node_id(level, index));
	/* Borrowed, not a 32-byte field: a hash of another length is tampering, named so. */
	switch (store_read(st, bytes_field, &hash, err)) {
	case STORE_ROW:
		if (hash.len != MERKLE_HASH_SIZE)
			return error_set(err, REDRESS_E_TAMPERED,
			                 "tree node (level %u, index %llu) is not 32 bytes", level,
			                 (unsigned long long)index);
		memcpy(out, hash.data, MERKLE_HASH_SIZE);
		return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_TAMPERED, "tree node (level %u, index %llu) is missing",
		                 level, (unsigned long long)index);
	default: return err->code;
	}
}

static enum redress_err
tlog_node_write(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH_SIZE],
                struct redress_error *err)
{
	struct store_stmt *st;

	if (level == 0)
		return REDRESS_OK; /* the leaf hash was stored with its event */
	if ((st = q(ctx, TLOG_Q_NODE_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)tlog_node_id(level, index));
	store_bind_blob(st, 2, hash, MERKLE_HASH_SIZE);
	return store_run(st, err);
}

static enum redress_err
meta_get(struct store *store, const char *name, char *out, size_t size, struct redress_error *err)
{
	const struct store_field value[] = {{0, size, 0, 0}};
	struct store_stmt *st;

	if ((st = q(store, TLOG_Q_META_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	switch (store_read(st, value, out, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE: return error_set(err, REDRESS_E_STORE, "log setting '%s' is missing", name);
	default: return err->code;
	}
}

static enum redress_err
meta_set(struct store *store, const char *name, const char *value, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = q(store, TLOG_Q_META_SET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	store_bind_text(st, 2, value);
	return store_run(st, err);
}

int
tlog_take_written_beside(struct tlog *log)
{
	int beside = log->written_beside;

	log->written_beside = 0;
	return beside;
}

void
tlog_committed(const struct tlog *log, uint64_t *start_r, uint64_t *size_r)
{
	*start_r = log->own_valid ? log->change_start : 0;
	*size_r = log->own_valid ? log->own_size : 0;
}

enum redress_err
tlog_size(struct tlog *log, uint64_t *size_r, struct redress_error *err)
{
	static const struct store_field size_field[] = {STORE_FIELD_INT64_ROW};
	struct store_stmt *st;
	int64_t size;

	if ((st = q(log->store, TLOG_Q_SIZE, err)) == NULL)
		return err->code;
	/* store_read_one ends it: its snapshot would pin the journal until the next change. */
	if (store_read_one(st, size_field, &size, err) != STORE_ROW)
		return err->code;
	*size_r = (uint64_t)size;
	return REDRESS_OK;
}

/* Prepares the log's statements and every module's that has a catalogue. */
static enum redress_err
tlog_prepare(struct store *store, const struct event_module *const *modules, struct redress_error *err)
{
	const struct store_catalogue *catalogues[TLOG_MODULES_MAX + 2];
	size_t i, n = 0;

	catalogues[n++] = &tlog_catalogue;
	for (i = 0; modules[i] != NULL && i < TLOG_MODULES_MAX; i++) {
		if (modules[i]->catalogue != NULL)
			catalogues[n++] = modules[i]->catalogue;
	}
	catalogues[n] = NULL;
	return store_prepare(store, catalogues, err);
}

static enum redress_err
tlog_init(struct tlog **log_r, struct store *store, const struct sign_key *key,
          const struct event_module *const *modules, struct redress_error *err)
{
	struct tlog *log;
	size_t n;

	for (n = 0; modules[n] != NULL; n++)
		;
	if (n > TLOG_MODULES_MAX)
		return error_set(err, REDRESS_E_INTERNAL, "more than %d modules", TLOG_MODULES_MAX);
	log = calloc(1, sizeof(*log));
	if (log == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory opening the log");
	log->store = store;
	log->key = key;
	log->modules = modules;
	buf_init(&log->event, TLOG_EVENT_MAX);
	buf_init(&log->public_part, TLOG_EVENT_MAX + 1024);
	canon_doc_init(&log->event_doc);
	buf_init(&log->head, 8192);
	memcpy(log->actor, "unknown", sizeof("unknown"));
	*log_r = log;
	return REDRESS_OK;
}

/* The log's tables and every module's, where missing (each is CREATE ... IF NOT EXISTS). */
static enum redress_err
modules_schema(struct store *store, const struct event_module *const *modules, struct redress_error *err)
{
	enum redress_err rc;
	size_t i;

	if ((rc = store_exec(store, tlog_schema, err)) != REDRESS_OK)
		return rc;
	for (i = 0; modules[i] != NULL; i++)
		if ((rc = store_exec(store, modules[i]->schema, err)) != REDRESS_OK)
			return rc;
	return REDRESS_OK;
}

enum redress_err
tlog_schema_make(struct store *store, const struct event_module *const *modules, struct redress_error *err)
{
	return modules_schema(store, modules, err);
}

enum redress_err
tlog_create(struct store *store, const struct sign_key *key, const char *origin, const char *actor,
            const struct event_module *const *modules, struct redress_error *err)
{
	return tlog_create_public(store, key, origin, actor, modules, NULL, err);
}

enum redress_err
tlog_create_public(struct store *store, const struct sign_key *key, const char *origin, const char *actor,
                   const struct event_module *const *modules, const struct tlog_public *projection,
                   struct redress_error *err)
{
	char pub[CODEC_BASE64_SIZE(SIGN_PUBLIC_SIZE)];
	struct tlog *log = NULL;
	struct buf data;
	struct canon c;
	enum redress_err rc;

	if (!note_name_valid(origin) || strlen(origin) > CHECKPOINT_ORIGIN_MAX)
		return error_set(err, REDRESS_E_INVALID, "log origin '%.64s' is not a valid key name",
		                 origin);
	buf_init(&data, 4096);
	if ((rc = store_begin(store, err)) != REDRESS_OK)
		return rc;
	if ((rc = modules_schema(store, modules, err)) != REDRESS_OK)
		goto out;
	if ((rc = codec_base64_encode(sign_key_public(key), SIGN_PUBLIC_SIZE, pub, sizeof(pub), err)) !=
	    REDRESS_OK)
		goto out;
	if ((rc = meta_set(store, "format", TLOG_FORMAT, err)) != REDRESS_OK) {
		if (rc == REDRESS_E_CONFLICT)
			rc = error_set(err, REDRESS_E_CONFLICT, "this database already holds a redress log");
		goto out;
	}
	if ((rc = meta_set(store, "origin", origin, err)) != REDRESS_OK ||
	    (rc = meta_set(store, "public_key", pub, err)) != REDRESS_OK ||
	    (rc = meta_set(store, "schema", TLOG_SCHEMA_TEXT, err)) != REDRESS_OK)
		goto out;
	if ((rc = tlog_prepare(store, modules, err)) != REDRESS_OK ||
	    (rc = tlog_init(&log, store, key, modules, err)) != REDRESS_OK)
		goto out;
	memcpy(log->origin, origin, strlen(origin) + 1);
	tlog_set_public(log, projection);
	memcpy(log->public_key, sign_key_public(key), SIGN_PUBLIC_SIZE);
	keychain_init(&log->chain, log->origin, log->public_key);
	if ((rc = tlog_set_actor(log, actor, err)) != REDRESS_OK)
		goto out;
	merkle_range_init(&log->range);
	log->range_valid = 1;
	log->in_change = 1;
	log->change_start = 0;

	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "format");
	canon_string(&c, TLOG_FORMAT);
	canon_key(&c, "origin");
	canon_string(&c, origin);
	canon_key(&c, "public_key");
	canon_string(&c, pub);
	canon_key(&c, "schema");
	canon_int(&c, TLOG_SCHEMA_VERSION);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) != REDRESS_OK)
		goto out;
	if ((rc = tlog_append(log, "log.created", data.data, data.len, NULL, err)) != REDRESS_OK)
		goto out;
	rc = tlog_commit(log, err);
out:
	if (rc != REDRESS_OK && store_in_transaction(store))
		store_rollback(store);
	buf_free(&data);
	tlog_close(&log);
	return rc;
}

enum redress_err
tlog_schema_version(struct store *store, int64_t *version_r, struct redress_error *err)
{
	char format[64], text[24];
	char *end;
	enum redress_err rc;

	if ((rc = meta_get(store, "format", format, sizeof(format), err)) != REDRESS_OK) {
		if (rc != REDRESS_E_STORE)
			return rc; /* busy, damaged, out of memory: not a missing log */
		return error_set(err, REDRESS_E_STORE,
		                 "the database holds no redress log (run 'redress init' first)");
	}
	if (strcmp(format, TLOG_FORMAT) != 0)
		return error_set(err, REDRESS_E_STORE, "the database's log format '%.32s' is not %s", format,
		                 TLOG_FORMAT);
	rc = meta_get(store, "schema", text, sizeof(text), err);
	if (rc == REDRESS_E_STORE && strstr(err->message, "is missing") != NULL) {
		*version_r = 1; /* made before schema versions */
		return REDRESS_OK;
	}
	if (rc != REDRESS_OK)
		return rc;
	*version_r = strtoll(text, &end, 10);
	if (end == text || *end != '\0' || *version_r < 1)
		return error_set(err, REDRESS_E_STORE, "the database's schema version '%.16s' is malformed",
		                 text);
	return REDRESS_OK;
}

/* Refuses a schema this build cannot use as it is. */
static enum redress_err
tlog_schema_check(int64_t version, int older_ok, struct redress_error *err)
{
	if (version > TLOG_SCHEMA_VERSION)
		return error_set(err, REDRESS_E_STORE,
		                 "the database's schema is version %lld, newer than this redress knows (%d):"
		                 " a newer redress has changed it; use that one (or a later one)",
		                 (long long)version, TLOG_SCHEMA_VERSION);
	if (version < TLOG_SCHEMA_VERSION && !older_ok)
		return error_set(err, REDRESS_E_STORE,
		                 "the database's schema is version %lld, older than this redress's (%d):"
		                 " run 'redress migrate' to upgrade it (it backs the database up first)",
		                 (long long)version, TLOG_SCHEMA_VERSION);
	return REDRESS_OK;
}

/*
 * Reads log_meta's "key_handovers" (none: a log never rotated) into
 * log->handovers; with chain, also follows each handover checkpoint into
 * log->chain.  A handover that does not follow is REDRESS_E_TAMPERED.
 */
static enum redress_err
tlog_handovers_read(struct tlog *log, char *out, size_t size, struct redress_error *err)
{
	const struct store_field value[] = {{0, size, 0, 0}};
	struct store_stmt *st;

	if ((st = q(log->store, TLOG_Q_META_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, "key_handovers");
	switch (store_read(st, value, out, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE: out[0] = '\0'; return REDRESS_OK;
	default: return err->code;
	}
}

static enum redress_err
tlog_chain_load(struct tlog *log, struct redress_error *err)
{
	const char *p;
	char *end;
	enum redress_err rc;

	if ((rc = tlog_handovers_read(log, log->handovers, sizeof(log->handovers), err)) != REDRESS_OK)
		return rc;
	for (p = log->handovers; *p != '\0'; p = end) {
		struct store_stmt *st;
		unsigned long long size;
		const char *note;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		size = strtoull(p, &end, 10);
		if (end == p || size > INT64_MAX)
			return error_set(err, REDRESS_E_TAMPERED, "log setting 'key_handovers' is malformed");
		if ((st = q(log->store, TLOG_Q_CHECKPOINT_AT, err)) == NULL)
			return err->code;
		store_bind_int64(st, 1, (int64_t)size);
		switch (store_read(st, text_field, &note, err)) {
		case STORE_ROW: break;
		case STORE_DONE:
			return error_set(err, REDRESS_E_TAMPERED,
			                 "the log's key handover at size %llu is missing", size);
		default: return err->code;
		}
		rc = keychain_follow(&log->chain, note, strlen(note), NULL, err);
		store_done(st);
		if (rc != REDRESS_OK) {
			err->code = REDRESS_E_TAMPERED;
			return error_prefix(err, "the log's key chain");
		}
	}
	return REDRESS_OK;
}

/* tlog_open(); migrating: an older schema is accepted, and no module's statement is prepared. */
static enum redress_err
tlog_open_at(struct store *store, const struct sign_key *key, const struct event_module *const *modules,
             int migrating, struct tlog **log_r, struct redress_error *err)
{
	char pub[CODEC_BASE64_SIZE(SIGN_PUBLIC_SIZE)];
	struct tlog *log = NULL;
	int64_t schema = 0;
	size_t len;
	enum redress_err rc;

	if ((rc = tlog_schema_version(store, &schema, err)) != REDRESS_OK ||
	    (rc = tlog_schema_check(schema, migrating, err)) != REDRESS_OK)
		return rc;
	if (!migrating && (rc = tlog_prepare(store, modules, err)) != REDRESS_OK)
		return rc;
	if ((rc = tlog_init(&log, store, key, modules, err)) != REDRESS_OK)
		return rc;
	if ((rc = meta_get(store, "origin", log->origin, sizeof(log->origin), err)) != REDRESS_OK ||
	    (rc = meta_get(store, "public_key", pub, sizeof(pub), err)) != REDRESS_OK)
		goto fail;
	if (codec_base64_decode(pub, strlen(pub), log->public_key, SIGN_PUBLIC_SIZE, &len, err) !=
	        REDRESS_OK ||
	    len != SIGN_PUBLIC_SIZE) {
		rc = error_set(err, REDRESS_E_STORE, "the log's public key in the database is malformed");
		goto fail;
	}
	keychain_init(&log->chain, log->origin, log->public_key);
	if ((rc = tlog_chain_load(log, err)) != REDRESS_OK)
		goto fail;
	if (key != NULL &&
	    !crypto_equal(sign_key_public(key), log->chain.keys[log->chain.count - 1].public_key,
	                  SIGN_PUBLIC_SIZE)) {
		if (log->chain.count == 1)
			rc = error_set(
			    err, REDRESS_E_KEYS,
			    "the key directory's log key is not the key this database was created with"
			    " (wrong --keys?)");
		else
			rc = error_set(err, REDRESS_E_KEYS,
			               "the key directory's log key is not the key that signs this log now"
			               " (wrong --keys?%s)",
			               keychain_find(&log->chain, sign_key_public(key)) >= 0
			                   ? " it is a key the log handed over from: finish the rotation with"
			                     " 'redress keys rotate --log'"
			                   : "");
		goto fail;
	}
	*log_r = log;
	return REDRESS_OK;
fail:
	tlog_close(&log);
	return rc;
}

enum redress_err
tlog_open(struct store *store, const struct sign_key *key, const struct event_module *const *modules,
          struct tlog **log_r, struct redress_error *err)
{
	return tlog_open_at(store, key, modules, 0, log_r, err);
}

enum redress_err
tlog_migrate(struct store *store, const struct sign_key *key, const struct event_module *const *modules,
             const struct tlog_public *projection, int64_t *from_r, struct redress_error *err)
{
	struct tlog *log = NULL;
	struct store_stmt *st;
	struct buf data;
	struct canon c;
	int64_t v;
	enum redress_err rc;

	if ((rc = tlog_schema_version(store, from_r, err)) != REDRESS_OK ||
	    (rc = tlog_schema_check(*from_r, 1, err)) != REDRESS_OK)
		return rc;
	if (*from_r == TLOG_SCHEMA_VERSION)
		return REDRESS_OK;
	buf_init(&data, 1024);
	if ((rc = tlog_open_at(store, key, modules, 1, &log, err)) != REDRESS_OK)
		goto out;
	tlog_set_public(log, projection);
	if ((rc = tlog_set_actor(log, "redress:migrate", err)) != REDRESS_OK ||
	    (rc = tlog_begin(log, err)) != REDRESS_OK)
		goto out;
	for (v = *from_r; v < TLOG_SCHEMA_VERSION; v++) {
		const struct tlog_migration *m = &tlog_migrations[v - 1];

		if (m->ddl == NULL)
			rc = modules_schema(store, modules, err);
		else if (m->ddl[0] != '\0')
			rc = store_exec(store, m->ddl, err);
		if (rc != REDRESS_OK) {
			error_prefix(err, "migration %lld to %lld", (long long)v, (long long)v + 1);
			goto out;
		}
		buf_reset(&data);
		canon_init(&c, &data);
		canon_object_begin(&c);
		canon_key(&c, "from");
		canon_int(&c, v);
		canon_key(&c, "to");
		canon_int(&c, v + 1);
		canon_key(&c, "what");
		canon_string(&c, m->what);
		canon_object_end(&c);
		if ((rc = canon_error(&c, err)) != REDRESS_OK ||
		    (rc = tlog_append_buf(log, "log.migrated", &data, NULL, err)) != REDRESS_OK)
			goto out;
	}
	if ((st = q(store, TLOG_Q_META_PUT, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, "schema");
	store_bind_text(st, 2, TLOG_SCHEMA_TEXT);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		goto out;
	rc = tlog_commit(log, err);
out:
	tlog_close(&log); /* rolls back a change left open */
	buf_free(&data);
	return rc;
}

void
tlog_close(struct tlog **log)
{
	if (log == NULL || *log == NULL)
		return;
	if ((*log)->in_change)
		tlog_rollback(*log);
	high_water_stop(*log);
	buf_free(&(*log)->event);
	buf_free(&(*log)->public_part);
	canon_doc_free(&(*log)->event_doc);
	buf_free(&(*log)->head);
	free((*log)->high_water);
	free(*log);
	*log = NULL;
}

enum redress_err
tlog_set_actor(struct tlog *log, const char *actor, struct redress_error *err)
{
	size_t len = strlen(actor);

	if (len == 0 || len > TLOG_ACTOR_MAX)
		return error_set(err, REDRESS_E_INVALID, "actor name must be 1 to %d bytes", TLOG_ACTOR_MAX);
	memcpy(log->actor, actor, len + 1);
	return REDRESS_OK;
}

enum redress_err
tlog_set_time(struct tlog *log, const char *at, struct redress_error *err)
{
	size_t len = at != NULL ? strlen(at) : 0;

	if (len >= CLOCK_TEXT_SIZE)
		return error_set(err, REDRESS_E_INVALID, "a time of at most %d bytes", CLOCK_TEXT_SIZE - 1);
	memcpy(log->at, at != NULL ? at : "", len + 1);
	return REDRESS_OK;
}

struct store *
tlog_store(struct tlog *log)
{
	return log->store;
}

const char *
tlog_origin(const struct tlog *log)
{
	return log->origin;
}

const char *
tlog_actor(const struct tlog *log)
{
	return log->actor;
}

const struct event_module *const *
tlog_modules(const struct tlog *log)
{
	return log->modules;
}

void **
tlog_module_state(struct tlog *log, const struct event_module *module)
{
	size_t i;

	if (!log->in_change)
		return NULL;
	for (i = 0; log->modules[i] != NULL; i++)
		if (log->modules[i] == module)
			return &log->states[i];
	return NULL;
}

/* Frees every module's state for the change that just ended. */
static void
tlog_discard_states(struct tlog *log)
{
	size_t i;

	for (i = 0; log->modules[i] != NULL; i++) {
		if (log->states[i] != NULL && log->modules[i]->discard != NULL)
			log->modules[i]->discard(log->states[i]);
		log->states[i] = NULL;
	}
}

/* Lets each module write what it deferred, inside the change. */
static enum redress_err
tlog_flush_states(struct tlog *log, struct redress_error *err)
{
	enum redress_err rc;
	size_t i;

	for (i = 0; log->modules[i] != NULL; i++)
		if (log->states[i] != NULL && log->modules[i]->flush != NULL &&
		    (rc = log->modules[i]->flush(log->store, log->states[i], err)) != REDRESS_OK)
			return rc;
	return REDRESS_OK;
}

enum redress_err
tlog_begin(struct tlog *log, struct redress_error *err)
{
	uint64_t size = 0;
	enum redress_err rc;

	if (log->key == NULL)
		return error_set(err, REDRESS_E_KEYS,
		                 "the log was opened without its signing key; cannot change it");
	if (log->in_change)
		return error_set(err, REDRESS_E_INTERNAL, "a change is already in progress");
	/*
	 * A statement left in the middle of its rows keeps the snapshot it
	 * read from; once another process has committed (the command line
	 * beside a server), that snapshot can never become a write, and every
	 * change would fail "database is locked".  End such reads first.
	 */
	store_end_reads(log->store);
	if ((rc = store_begin(log->store, err)) != REDRESS_OK)
		return rc;
	if ((rc = tlog_size(log, &size, err)) != REDRESS_OK)
		goto fail;
	if (log->own_valid && size != log->own_size)
		log->written_beside = 1;
	if (!log->range_valid || log->range.size != size) {
		rc = merkle_range_load(&log->range, size, tlog_node_read, log->store, err);
		if (rc != REDRESS_OK)
			goto fail;
		log->range_valid = 1;
	}
	log->in_change = 1;
	log->change_start = log->range.size;
	return REDRESS_OK;
fail:
	store_rollback(log->store);
	log->range_valid = 0;
	return rc;
}

static int
tlog_type_valid(const char *type)
{
	size_t i, len = strlen(type);

	if (len == 0 || len > TLOG_TYPE_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((type[i] >= 'a' && type[i] <= 'z') || (type[i] >= '0' && type[i] <= '9') ||
		      type[i] == '.' || type[i] == '_'))
			return 0;
	return 1;
}

enum redress_err
tlog_encode_event(struct buf *out, const char *actor, const char *at, const char *data, size_t data_len,
                  const char *salt, uint64_t seq, const char *type, struct redress_error *err)
{
	return tlog_encode_event_version(out, salt != NULL ? 2 : 1, actor, at, data, data_len, salt, seq,
	                                 type, err);
}

enum redress_err
tlog_encode_event_version(struct buf *out, int version, const char *actor, const char *at, const char *data,
                          size_t data_len, const char *salt, uint64_t seq, const char *type,
                          struct redress_error *err)
{
	struct canon c;

	if ((version == 1) != (salt == NULL) || version < 1 || version > TLOG_VERSION)
		return error_set(err, REDRESS_E_INTERNAL, "an event of version %d %s a salt", version,
		                 salt == NULL ? "without" : "with");

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "actor");
	canon_string(&c, actor);
	canon_key(&c, "at");
	canon_string(&c, at);
	canon_key(&c, "data");
	canon_raw(&c, data, data_len);
	if (salt != NULL) {
		canon_key(&c, "salt");
		canon_string(&c, salt);
	}
	canon_key(&c, "seq");
	canon_int(&c, (int64_t)seq);
	canon_key(&c, "type");
	canon_string(&c, type);
	canon_key(&c, "v");
	canon_int(&c, version);
	canon_object_end(&c);
	return canon_error(&c, err);
}

void
tlog_set_public(struct tlog *log, const struct tlog_public *pub)
{
	if (pub != NULL && pub->project != NULL)
		log->pub = *pub;
	else
		memset(&log->pub, 0, sizeof(log->pub));
}

int
tlog_has_public(const struct tlog *log)
{
	return log->pub.project != NULL;
}

int
tlog_event_version(const void *event, size_t len)
{
	const char *e = event;

	/* Canonical bytes sort "v" last: the event ends in ,"v":N} with N one digit. */
	if (len < 7 || memcmp(e + len - 7, ",\"v\":", 5) != 0 || e[len - 1] != '}')
		return 0;
	return e[len - 2] >= '1' && e[len - 2] <= '0' + TLOG_VERSION ? e[len - 2] - '0' : 0;
}

void
tlog_leaf_entry(const uint8_t public_hash[MERKLE_HASH_SIZE], const uint8_t private_hash[MERKLE_HASH_SIZE],
                uint8_t leaf_r[MERKLE_HASH_SIZE])
{
	uint8_t entry[2 * MERKLE_HASH_SIZE];

	memcpy(entry, public_hash, MERKLE_HASH_SIZE);
	memcpy(entry + MERKLE_HASH_SIZE, private_hash, MERKLE_HASH_SIZE);
	merkle_leaf_hash(entry, sizeof(entry), leaf_r);
}

void
tlog_leaf_v3(const uint8_t public_hash[MERKLE_HASH_SIZE], const void *event, size_t len,
             uint8_t leaf_r[MERKLE_HASH_SIZE])
{
	uint8_t private_hash[MERKLE_HASH_SIZE];

	hash_sha256(event, len, private_hash);
	tlog_leaf_entry(public_hash, private_hash, leaf_r);
}

enum redress_err
tlog_leaf_of(const void *event, size_t len, const uint8_t *public_hash, uint8_t leaf_r[MERKLE_HASH_SIZE],
             struct redress_error *err)
{
	if (tlog_event_version(event, len) != 3) {
		merkle_leaf_hash(event, len, leaf_r);
		return REDRESS_OK;
	}
	if (public_hash == NULL)
		return error_set(err, REDRESS_E_INVALID,
		                 "an event of version 3 needs the hash of its public part to be proved");
	tlog_leaf_v3(public_hash, event, len, leaf_r);
	return REDRESS_OK;
}

enum redress_err
tlog_event_public(struct tlog *log, const void *event, size_t len, struct buf *out, struct redress_error *err)
{
	if (tlog_event_version(event, len) != 3)
		return error_set(err, REDRESS_E_INVALID, "only an event of version 3 has a public part");
	if (log->pub.project == NULL)
		return error_set(
		    err, REDRESS_E_KEYS,
		    "the public part of an event needs the fund's index key (the key directory)");
	return log->pub.project(log->pub.ctx, event, len, out, err);
}

enum redress_err
tlog_event_entry(struct tlog *log, const void *event, size_t len, struct buf *out, struct redress_error *err)
{
	uint8_t hash[MERKLE_HASH_SIZE];
	enum redress_err rc;

	if (tlog_event_version(event, len) != 3) {
		buf_append(out, event, len);
		return buf_error(out, err);
	}
	buf_reset(&log->public_part);
	if ((rc = tlog_event_public(log, event, len, &log->public_part, err)) != REDRESS_OK ||
	    (rc = buf_error(&log->public_part, err)) != REDRESS_OK)
		return rc;
	hash_sha256(log->public_part.data, log->public_part.len, hash);
	buf_append(out, hash, sizeof(hash));
	hash_sha256(event, len, hash);
	buf_append(out, hash, sizeof(hash));
	return buf_error(out, err);
}

enum redress_err
tlog_event_leaf(struct tlog *log, const void *event, size_t len, uint8_t leaf_r[MERKLE_HASH_SIZE],
                struct redress_error *err)
{
	return tlog_event_leaf_in(log, event, len, &log->public_part, leaf_r, err);
}

enum redress_err
tlog_event_leaf_in(const struct tlog *log, const void *event, size_t len, struct buf *scratch,
                   uint8_t leaf_r[MERKLE_HASH_SIZE], struct redress_error *err)
{
	uint8_t hash[MERKLE_HASH_SIZE];
	enum redress_err rc;

	if (tlog_event_version(event, len) != 3) {
		merkle_leaf_hash(event, len, leaf_r);
		return REDRESS_OK;
	}
	if (log->pub.project == NULL)
		return error_set(
		    err, REDRESS_E_KEYS,
		    "the public part of an event needs the fund's index key (the key directory)");
	buf_reset(scratch);
	if ((rc = log->pub.project(log->pub.ctx, event, len, scratch, err)) != REDRESS_OK ||
	    (rc = buf_error(scratch, err)) != REDRESS_OK)
		return rc;
	hash_sha256(scratch->data, scratch->len, hash);
	tlog_leaf_v3(hash, event, len, leaf_r);
	return REDRESS_OK;
}

/*
 * A fund never goes back from version 3 (audit refuses an older event
 * after a newer one): a handle opened without the projection appends only
 * to a log whose latest event is older, which it checks once.  Without
 * this, a tool that forgot tlog_set_public would write events that pass
 * every check but the audit's.
 */
static enum redress_err
version_kept(struct tlog *log, uint64_t seq, struct redress_error *err)
{
	struct buf last;
	enum redress_err rc;

	if (log->pub.project != NULL || log->v2_checked || seq == 0)
		return REDRESS_OK;
	buf_init(&last, TLOG_EVENT_MAX + 1);
	if ((rc = tlog_event_bytes(log, seq - 1, &last, err)) == REDRESS_OK) {
		if (tlog_event_version(last.data, last.len) >= 3)
			rc = error_set(
			    err, REDRESS_E_INTERNAL,
			    "event %llu is of version 3: this log must be opened with the public "
			    "feed's projection (tlog_set_public), or its next event would go back to "
			    "version 2, which audit refuses",
			    (unsigned long long)(seq - 1));
		else
			log->v2_checked = 1;
	}
	buf_free(&last);
	return rc;
}

/*
 * The leaf of the event just encoded (log->event), as tlog_event_leaf
 * makes it.  With pub.project_read the event is read once, here, and kept
 * in log->event_doc for tlog_append_apply's replay; bytes that do not read
 * go to project, which names what is wrong as it always did.
 */
static enum redress_err
append_leaf(struct tlog *log, uint8_t leaf_r[MERKLE_HASH_SIZE], struct redress_error *err)
{
	uint8_t hash[MERKLE_HASH_SIZE];
	struct redress_error why;
	enum redress_err rc;

	log->event_read = 0;
	if (log->pub.project_read == NULL || tlog_event_version(log->event.data, log->event.len) != 3 ||
	    canon_read(&log->event_doc, log->event.data, log->event.len, &why) != REDRESS_OK)
		return tlog_event_leaf(log, log->event.data, log->event.len, leaf_r, err);
	buf_reset(&log->public_part);
	if ((rc = log->pub.project_read(log->pub.ctx, canon_root(&log->event_doc), &log->public_part, err)) !=
	        REDRESS_OK ||
	    (rc = buf_error(&log->public_part, err)) != REDRESS_OK)
		return rc;
	hash_sha256(log->public_part.data, log->public_part.len, hash);
	tlog_leaf_v3(hash, log->event.data, log->event.len, leaf_r);
	log->event_read = 1;
	return REDRESS_OK;
}

enum redress_err
tlog_append(struct tlog *log, const char *type, const char *data, size_t data_len, uint64_t *seq_r,
            struct redress_error *err)
{
	char at[CLOCK_TEXT_SIZE], salt[TLOG_SALT_TEXT_SIZE];
	uint8_t leaf[MERKLE_HASH_SIZE], random[TLOG_SALT_SIZE];
	struct store_stmt *st;
	uint64_t seq = log->range.size;
	enum redress_err rc;

	if (!log->in_change)
		return error_set(err, REDRESS_E_INTERNAL, "event appended outside a change");
	if (!tlog_type_valid(type))
		return error_set(err, REDRESS_E_INTERNAL, "event type '%.64s' is malformed", type);
	if (seq >= (uint64_t)INT64_MAX)
		return error_set(err, REDRESS_E_OVERFLOW, "the log is full");
	if ((rc = version_kept(log, seq, err)) != REDRESS_OK)
		return rc;
	if (log->at[0] != '\0')
		memcpy(at, log->at, sizeof(at));
	else
		clock_now_text(at);
	/* A secret no one can guess, in the leaf: a public proof then tells nothing of the event. */
	crypto_random(random, sizeof(random));
	rc = codec_base64_encode(random, sizeof(random), salt, sizeof(salt), err);
	crypto_wipe(random, sizeof(random));
	if (rc != REDRESS_OK)
		return rc;
	buf_reset(&log->event);
	if ((rc = tlog_encode_event_version(&log->event, log->pub.project != NULL ? TLOG_VERSION : 2,
	                                    log->actor, at, data, data_len, salt, seq, type, err)) !=
	    REDRESS_OK)
		return rc;
	if ((rc = append_leaf(log, leaf, err)) != REDRESS_OK)
		return rc;
	if ((st = q(log->store, TLOG_Q_EVENT_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)seq);
	store_bind_blob(st, 2, leaf, sizeof(leaf));
	store_bind_blob(st, 3, log->event.data, log->event.len);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	if ((rc = merkle_range_append(&log->range, leaf, tlog_node_write, log->store, err)) != REDRESS_OK)
		return rc;
	memcpy(log->last_at, at, sizeof(at));
	if (seq_r != NULL)
		*seq_r = seq;
	return REDRESS_OK;
}

enum redress_err
tlog_append_buf(struct tlog *log, const char *type, const struct buf *data, uint64_t *seq_r,
                struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = buf_error(data, err)) != REDRESS_OK)
		return rc;
	return tlog_append(log, type, data->data, data->len, seq_r, err);
}

enum redress_err
tlog_append_apply(struct tlog *log, const struct event_module *module, const char *type,
                  const struct buf *data, uint64_t *seq_r, struct redress_error *err)
{
	struct event ev;
	enum redress_err rc;

	if (strncmp(type, module->type_prefix, strlen(module->type_prefix)) != 0)
		return error_set(err, REDRESS_E_INTERNAL, "event type '%.64s' is not module %s's", type,
		                 module->name);
	memset(&ev, 0, sizeof(ev));
	if ((rc = tlog_append_buf(log, type, data, &ev.seq, err)) != REDRESS_OK)
		return rc;
	/*
	 * The data as the leaf read it (the same bytes, so the same tree, whose
	 * root only has the key "data"), else read here; the document is the
	 * log's, reused.  A replay appends nothing, so nothing reads over it.
	 */
	if (log->event_read)
		ev.data = canon_find(canon_root(&log->event_doc), "data");
	else if ((rc = canon_read(&log->event_doc, data->data, data->len, err)) == REDRESS_OK)
		ev.data = canon_root(&log->event_doc);
	log->event_read = 0;
	if (rc == REDRESS_OK && ev.data == NULL)
		rc = error_set(err, REDRESS_E_INTERNAL, "event %llu read without its data",
		               (unsigned long long)ev.seq);
	if (rc == REDRESS_OK) {
		ev.type = type;
		ev.actor = log->actor;
		ev.at = log->last_at;
		ev.version = log->pub.project != NULL ? TLOG_VERSION : 2;
		ev.state = tlog_module_state(log, module);
		rc = module->replay(log->store, &ev, err);
	}
	if (rc == REDRESS_OK && seq_r != NULL)
		*seq_r = ev.seq;
	return rc;
}

/*
 * Refuses to sign when another process rotated the log's key since this
 * log was opened (a server left running through 'keys rotate --log'):
 * its key is retired, and what it signed would be refused.
 */
static enum redress_err
tlog_key_current(struct tlog *log, struct redress_error *err)
{
	char now[TLOG_HANDOVERS_TEXT];
	enum redress_err rc;

	if ((rc = tlog_handovers_read(log, now, sizeof(now), err)) != REDRESS_OK)
		return rc;
	if (strcmp(now, log->handovers) != 0)
		return error_set(err, REDRESS_E_KEYS,
		                 "the log's signing key was rotated since this process opened the fund:"
		                 " restart it with the new key directory");
	return REDRESS_OK;
}

/*
 * The handover: the note signed by the old key (in note) gets the new
 * key's signature line too, and the handover's size is recorded.
 */
static enum redress_err
tlog_handover_sign(struct tlog *log, const struct buf *body, struct buf *note, uint64_t size,
                   struct redress_error *err)
{
	struct store_stmt *st;
	struct buf second;
	char sizes[TLOG_HANDOVERS_TEXT];
	enum redress_err rc;
	int n;

	buf_init(&second, 8192);
	if ((rc = note_sign(&second, body->data, body->len, log->origin, log->next_key, err)) != REDRESS_OK)
		goto out;
	/* Its last line, after the text and the blank line, is the new key's signature. */
	buf_append(note, second.data + body->len + 1, second.len - body->len - 1);
	if ((rc = buf_error(note, err)) != REDRESS_OK)
		goto out;
	n = snprintf(sizes, sizeof(sizes), "%s%s%llu", log->handovers, log->handovers[0] != '\0' ? " " : "",
	             (unsigned long long)size);
	if (n < 0 || (size_t)n >= sizeof(sizes) || log->chain.count >= KEYCHAIN_MAX) {
		rc = error_set(err, REDRESS_E_INVALID, "the log's key was rotated %d times: no more",
		               KEYCHAIN_MAX - 1);
		goto out;
	}
	if ((st = q(log->store, TLOG_Q_META_PUT, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, "key_handovers");
	store_bind_text(st, 2, sizes);
	rc = store_run(st, err);
out:
	buf_free(&second);
	return rc;
}

/* Builds and stores the signed checkpoint for the current tree. */
static enum redress_err
tlog_sign_head(struct tlog *log, struct redress_error *err)
{
	struct checkpoint cp;
	struct buf body, note;
	struct store_stmt *st;
	enum redress_err rc;

	buf_init(&body, 4096);
	buf_init(&note, 8192);
	memcpy(cp.origin, log->origin, sizeof(cp.origin));
	cp.size = log->range.size;
	merkle_range_root(&log->range, cp.root);
	checkpoint_format(&body, &cp);
	if (log->next_key != NULL) {
		buf_puts(&body, KEYCHAIN_EXTENSION);
		note_vkey_format(&body, log->origin, sign_key_public(log->next_key));
		buf_putc(&body, '\n');
	}
	if ((rc = buf_error(&body, err)) != REDRESS_OK || (rc = tlog_key_current(log, err)) != REDRESS_OK)
		goto out;
	if ((rc = note_sign(&note, body.data, body.len, log->origin, log->key, err)) != REDRESS_OK)
		goto out;
	if (log->next_key != NULL && (rc = tlog_handover_sign(log, &body, &note, cp.size, err)) != REDRESS_OK)
		goto out;
	if ((st = q(log->store, TLOG_Q_CHECKPOINT_INSERT, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_int64(st, 1, (int64_t)cp.size);
	store_bind_blob(st, 2, cp.root, sizeof(cp.root));
	store_bind_text(st, 3, note.data);
	if ((rc = store_run(st, err)) == REDRESS_OK && log->high_water != NULL) {
		buf_reset(&log->head);
		buf_append(&log->head, note.data, note.len);
		log->head_signed = buf_error(&log->head, NULL) == REDRESS_OK;
	}
out:
	buf_free(&body);
	buf_free(&note);
	return rc;
}

/*
 * Replaces the high-water file with the checkpoint just committed: a new
 * file renamed over the old, so a reader finds the one or the other.  Not
 * synced: after a crash it may be behind the database, never ahead (the
 * database's commit was synced first).  Best effort: a file that cannot be
 * written only lags, and the next commit tries again.
 */
static void
high_water_file(const char *path, const char *data, size_t len)
{
	char tmp[4096];
	int fd, ok;

	if (snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid()) >= (int)sizeof(tmp))
		return;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return;
	ok = write(fd, data, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0)
		unlink(tmp);
}

static void
high_water_write(struct tlog *log)
{
	struct high_water_thread *hw = log->hw;

	log->head_signed = 0;
	if (hw == NULL) {
		high_water_file(log->high_water, log->head.data, log->head.len);
		return;
	}
	pthread_mutex_lock(&hw->lock);
	buf_reset(&hw->next);
	buf_append(&hw->next, log->head.data, log->head.len);
	hw->pending = buf_error(&hw->next, NULL) == REDRESS_OK;
	pthread_cond_signal(&hw->cond);
	pthread_mutex_unlock(&hw->lock);
}

static void *
high_water_main(void *arg)
{
	struct high_water_thread *hw = arg;
	struct buf note;

	buf_init(&note, 8192);
	pthread_mutex_lock(&hw->lock);
	for (;;) {
		while (!hw->pending && !hw->stopping)
			pthread_cond_wait(&hw->cond, &hw->lock);
		if (!hw->pending)
			break; /* stopping, and all written */
		buf_reset(&note);
		buf_append(&note, hw->next.data, hw->next.len);
		hw->pending = 0;
		pthread_mutex_unlock(&hw->lock);
		if (buf_error(&note, NULL) == REDRESS_OK)
			high_water_file(hw->path, note.data, note.len);
		pthread_mutex_lock(&hw->lock);
	}
	pthread_mutex_unlock(&hw->lock);
	buf_free(&note);
	return NULL;
}

enum redress_err
tlog_high_water_async(struct tlog *log, struct redress_error *err)
{
	struct high_water_thread *hw;

	if (log->high_water == NULL || log->hw != NULL)
		return REDRESS_OK;
	if ((hw = calloc(1, sizeof(*hw))) == NULL || (hw->path = strdup(log->high_water)) == NULL) {
		free(hw);
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	}
	buf_init(&hw->next, 8192);
	pthread_mutex_init(&hw->lock, NULL);
	pthread_cond_init(&hw->cond, NULL);
	if (pthread_create(&hw->thread, NULL, high_water_main, hw) != 0) {
		pthread_cond_destroy(&hw->cond);
		pthread_mutex_destroy(&hw->lock);
		free(hw->path);
		free(hw);
		return error_set(err, REDRESS_E_INTERNAL, "could not start the high-water mark's thread");
	}
	log->hw = hw;
	return REDRESS_OK;
}

/* Writes what is still handed over, and ends the thread. */
static void
high_water_stop(struct tlog *log)
{
	struct high_water_thread *hw = log->hw;

	if (hw == NULL)
		return;
	pthread_mutex_lock(&hw->lock);
	hw->stopping = 1;
	pthread_cond_signal(&hw->cond);
	pthread_mutex_unlock(&hw->lock);
	pthread_join(hw->thread, NULL);
	pthread_cond_destroy(&hw->cond);
	pthread_mutex_destroy(&hw->lock);
	buf_free(&hw->next);
	free(hw->path);
	free(hw);
	log->hw = NULL;
}

/* A key's fingerprint: its keyed hash of a constant, which tells keys apart and reveals nothing. */
#define TLOG_KEY_PROBE "redress: the fingerprint of this key"

enum redress_err
tlog_keys_check(struct tlog *log, const struct seal_key *master, const struct seal_key *index,
                struct redress_error *err)
{
	static const char *const names[2] = {"key.master", "key.index"};
	static const char *const files[2] = {"master.key", "index.key"};
	char want[2][SEAL_INDEX_TEXT_SIZE], have[SEAL_INDEX_TEXT_SIZE];
	struct store_stmt *st;
	int i, missing = 0;
	enum redress_err rc;

	seal_blind_index(master, TLOG_KEY_PROBE, want[0]);
	seal_blind_index(index, TLOG_KEY_PROBE, want[1]);
	for (i = 0; i < 2; i++) {
		rc = meta_get(log->store, names[i], have, sizeof(have), err);
		if (rc == REDRESS_E_STORE && strstr(err->message, "is missing") != NULL) {
			missing = 1;
			continue;
		}
		if (rc != REDRESS_OK)
			return rc;
		if (strcmp(have, want[i]) != 0)
			return error_set(err, REDRESS_E_KEYS,
			                 "the key directory's %s is not the key this fund was made with"
			                 " (wrong --keys, or the file replaced?): nothing was changed",
			                 files[i]);
	}
	if (!missing || log->key == NULL)
		return REDRESS_OK;
	/* A fund from before fingerprints: record them, once. */
	if ((rc = store_begin(log->store, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < 2; i++) {
		if ((st = q(log->store, TLOG_Q_META_PUT, err)) == NULL) {
			rc = err->code;
			break;
		}
		store_bind_text(st, 1, names[i]);
		store_bind_text(st, 2, want[i]);
		if ((rc = store_run(st, err)) != REDRESS_OK)
			break;
	}
	if (rc == REDRESS_OK)
		return store_commit(log->store, err);
	store_rollback(log->store);
	return rc;
}

enum redress_err
tlog_high_water(struct tlog *log, const char *path, int keep, struct redress_error *err)
{
	char text[8192];
	struct checkpoint cp;
	uint8_t root[MERKLE_HASH_SIZE];
	uint64_t size = 0;
	size_t len;
	ssize_t n;
	int fd;
	enum redress_err rc;

	memset(&cp, 0, sizeof(cp));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno != ENOENT)
			return error_set(err, REDRESS_E_KEYS,
			                 "cannot read the high-water checkpoint '%.200s': %s", path,
			                 strerror(errno));
		len = 0; /* none yet: a fund from before high-water marks, or a new one */
	} else {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n < 0)
			return error_set(err, REDRESS_E_KEYS,
			                 "cannot read the high-water checkpoint '%.200s'", path);
		len = (size_t)n;
		text[len] = '\0';
	}
	if (len > 0) {
		if (keychain_verify(&log->chain, text, len, &cp, NULL, err) != REDRESS_OK) {
			error_prefix(err, "the high-water checkpoint '%.200s' is not this log's", path);
			err->code = REDRESS_E_KEYS;
			return REDRESS_E_KEYS;
		}
		if ((rc = tlog_size(log, &size, err)) != REDRESS_OK)
			return rc;
		if (size < cp.size)
			return error_set(
			    err, REDRESS_E_STORE_IO,
			    "the database holds %llu events, but the fund signed a checkpoint at %llu"
			    " ('%.200s'): its latest changes are lost (a journal cut short or"
			    " deleted?); restore the database from a backup, and change nothing"
			    " before, or the log would fork",
			    (unsigned long long)size, (unsigned long long)cp.size, path);
		if ((rc = tlog_root_at(log, cp.size, root, err)) != REDRESS_OK)
			return rc;
		if (!crypto_equal(root, cp.root, MERKLE_HASH_SIZE))
			return error_set(err, REDRESS_E_TAMPERED,
			                 "the database's first %llu events are not those the fund signed"
			                 " ('%.200s'): the log was rewritten or forked",
			                 (unsigned long long)cp.size, path);
	}
	if (!keep)
		return REDRESS_OK;
	free(log->high_water);
	if ((log->high_water = strdup(path)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if (len == 0 && size == 0 && (rc = tlog_size(log, &size, err)) != REDRESS_OK)
		return rc;
	/* Start from the database's latest checkpoint when the file lags or is missing. */
	if (len == 0 || size > cp.size) {
		buf_reset(&log->head);
		if (tlog_checkpoint(log, &log->head, err) == REDRESS_OK)
			high_water_write(log);
	}
	return REDRESS_OK;
}

enum redress_err
tlog_commit(struct tlog *log, struct redress_error *err)
{
	enum redress_err rc;

	if (!log->in_change)
		return error_set(err, REDRESS_E_INTERNAL, "commit without a change");
	rc = tlog_flush_states(log, err);
	/* A change that appended nothing (a retried request) needs no new checkpoint. */
	if (rc == REDRESS_OK && log->range.size != log->change_start)
		rc = tlog_sign_head(log, err);
	if (rc == REDRESS_OK)
		rc = store_commit(log->store, err);
	if (rc != REDRESS_OK) {
		log->head_signed = 0;
		tlog_rollback(log);
		return rc;
	}
	tlog_discard_states(log);
	log->in_change = 0;
	log->own_size = log->range.size;
	log->own_valid = 1;
	if (log->next_key != NULL) {
		/* The handover committed: the new key signs from its size on. */
		size_t n = log->chain.count;

		memcpy(log->chain.keys[n].public_key, sign_key_public(log->next_key), SIGN_PUBLIC_SIZE);
		log->chain.keys[n].from = log->range.size;
		log->chain.count = n + 1;
		(void)tlog_handovers_read(log, log->handovers, sizeof(log->handovers), NULL);
		log->key = log->next_key;
		log->next_key = NULL;
	}
	if (log->head_signed)
		high_water_write(log);
	return REDRESS_OK;
}

void
tlog_rollback(struct tlog *log)
{
	tlog_discard_states(log);
	store_rollback(log->store);
	log->in_change = 0;
	log->next_key = NULL;
	log->range_valid = 0; /* the cached edge may hold rolled-back leaves */
}

enum redress_err
tlog_checkpoint(struct tlog *log, struct buf *out, struct redress_error *err)
{
	struct store_stmt *st;
	const char *text;

	if ((st = q(log->store, TLOG_Q_CHECKPOINT_LATEST, err)) == NULL)
		return err->code;
	switch (store_read(st, text_field, &text, err)) {
	case STORE_ROW: buf_puts(out, text); return buf_error(out, err);
	case STORE_DONE: return error_set(err, REDRESS_E_TAMPERED, "the log has no signed checkpoint");
	default: return err->code;
	}
}

enum redress_err
tlog_checkpoint_cosigned(struct tlog *log, struct buf *out, uint64_t *size_r, struct redress_error *err)
{
	struct sized_text_read latest;
	struct store_stmt *st;
	int64_t size;

	if ((st = q(log->store, TLOG_Q_CHECKPOINT_LATEST_SIZE, err)) == NULL)
		return err->code;
	switch (store_read(st, sized_text_fields, &latest, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_TAMPERED, "the log has no signed checkpoint");
	default: return err->code;
	}
	size = latest.size;
	buf_puts(out, latest.text);
	if (size_r != NULL)
		*size_r = (uint64_t)size;
	/* A database made before cosignatures were kept: its checkpoint is served as it was signed. */
	return tlog_cosignatures_at(log, (uint64_t)size, out, err);
}

enum redress_err
tlog_cosignatures_at(struct tlog *log, uint64_t size, struct buf *out, struct redress_error *err)
{
	struct redress_error ignored;
	struct store_stmt *st;
	const char *line;
	int step;

	if (size > (uint64_t)INT64_MAX)
		return buf_error(out, err);
	/* A database made before cosignatures were kept has none. */
	if ((st = q(log->store, TLOG_Q_COSIG_AT, &ignored)) == NULL)
		return buf_error(out, err);
	store_bind_int64(st, 1, (int64_t)size);
	while ((step = store_read(st, text_field, &line, err)) == STORE_ROW)
		buf_puts(out, line);
	if (step != STORE_DONE)
		return err->code;
	return buf_error(out, err);
}

enum redress_err
tlog_cosign_add(struct tlog *log, uint64_t size, const char *witness, const char *line,
                struct redress_error *err)
{
	struct store_stmt *st;
	enum redress_err rc;

	if (log->in_change)
		return error_set(err, REDRESS_E_INTERNAL, "cosignatures are kept outside a change");
	if (size > (uint64_t)INT64_MAX)
		return error_set(err, REDRESS_E_INVALID, "cosignature for a size beyond 2^63-1");
	if ((rc = store_begin(log->store, err)) != REDRESS_OK)
		return rc;
	if ((rc = store_exec(log->store, COSIG_SCHEMA, err)) != REDRESS_OK)
		goto fail;
	if ((st = q(log->store, TLOG_Q_COSIG_PUT, err)) == NULL) {
		rc = err->code;
		goto fail;
	}
	store_bind_int64(st, 1, (int64_t)size);
	store_bind_text(st, 2, witness);
	store_bind_text(st, 3, line);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		goto fail;
	return store_commit(log->store, err);
fail:
	store_rollback(log->store);
	return rc;
}

enum redress_err
tlog_vkey(struct tlog *log, struct buf *out, struct redress_error *err)
{
	note_vkey_format(out, log->origin, log->chain.keys[log->chain.count - 1].public_key);
	return buf_error(out, err);
}

enum redress_err
tlog_event_bytes(struct tlog *log, uint64_t seq, struct buf *out, struct redress_error *err)
{
	struct store_stmt *st;
	struct bytes_read body;

	if (seq > (uint64_t)INT64_MAX)
		return error_set(err, REDRESS_E_NOTFOUND, "no event %llu", (unsigned long long)seq);
	if ((st = q(log->store, TLOG_Q_EVENT_GET, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)seq);
	switch (store_read(st, bytes_field, &body, err)) {
	case STORE_ROW: buf_append(out, body.data, body.len); return buf_error(out, err);
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no event %llu in the log",
		                 (unsigned long long)seq);
	default: return err->code;
	}
}

/* Resolves size 0 to the current size and refuses sizes beyond it. */
static enum redress_err
tlog_proof_size(struct tlog *log, uint64_t *size, struct redress_error *err)
{
	uint64_t current = 0;
	enum redress_err rc;

	if ((rc = tlog_size(log, &current, err)) != REDRESS_OK)
		return rc;
	if (*size == 0)
		*size = current;
	else if (*size > current)
		return error_set(err, REDRESS_E_INVALID, "tree size %llu is beyond the log's %llu events",
		                 (unsigned long long)*size, (unsigned long long)current);
	return REDRESS_OK;
}

enum redress_err
tlog_prove_inclusion(struct tlog *log, uint64_t index, uint64_t size, uint64_t *size_r,
                     uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = tlog_proof_size(log, &size, err)) != REDRESS_OK)
		return rc;
	if (index >= size)
		return error_set(err, REDRESS_E_NOTFOUND, "no event %llu in a log of %llu events",
		                 (unsigned long long)index, (unsigned long long)size);
	*size_r = size;
	return merkle_prove_inclusion(index, size, tlog_node_read, log->store, proof_r, count_r, err);
}

enum redress_err
tlog_prove_consistency(struct tlog *log, uint64_t old_size, uint64_t size, uint64_t *size_r,
                       uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = tlog_proof_size(log, &size, err)) != REDRESS_OK)
		return rc;
	*size_r = size;
	return merkle_prove_consistency(old_size, size, tlog_node_read, log->store, proof_r, count_r, err);
}

enum redress_err
tlog_root_at(struct tlog *log, uint64_t size, uint8_t root_r[MERKLE_HASH_SIZE], struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = tlog_proof_size(log, &size, err)) != REDRESS_OK)
		return rc;
	return merkle_root(size, tlog_node_read, log->store, root_r, err);
}

const uint8_t *
tlog_public_key(const struct tlog *log)
{
	return log->chain.keys[log->chain.count - 1].public_key;
}

const struct keychain *
tlog_keychain(const struct tlog *log)
{
	return &log->chain;
}

enum redress_err
tlog_checkpoint_at(struct tlog *log, uint64_t size, struct buf *out, struct redress_error *err)
{
	struct store_stmt *st;
	const char *text;

	if (size > (uint64_t)INT64_MAX)
		return error_set(err, REDRESS_E_NOTFOUND, "no checkpoint at size %llu",
		                 (unsigned long long)size);
	if ((st = q(log->store, TLOG_Q_CHECKPOINT_AT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)size);
	switch (store_read(st, text_field, &text, err)) {
	case STORE_ROW: buf_puts(out, text); break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no checkpoint at size %llu",
		                 (unsigned long long)size);
	default: return err->code;
	}
	store_done(st);
	return buf_error(out, err);
}

enum redress_err
tlog_handovers_json(struct tlog *log, struct buf *out, struct redress_error *err)
{
	return tlog_handovers_json_at(log, UINT64_MAX, out, err);
}

enum redress_err
tlog_handovers_json_at(struct tlog *log, uint64_t size, struct buf *out, struct redress_error *err)
{
	struct store_stmt *st;
	const char *note;
	struct canon c;
	size_t i;

	canon_init(&c, out);
	canon_array_begin(&c);
	for (i = 1; i < log->chain.count && log->chain.keys[i].from <= size; i++) {
		if ((st = q(log->store, TLOG_Q_CHECKPOINT_AT, err)) == NULL)
			return err->code;
		store_bind_int64(st, 1, (int64_t)log->chain.keys[i].from);
		if (store_read(st, text_field, &note, err) != STORE_ROW)
			return error_set(err, REDRESS_E_TAMPERED,
			                 "the log's key handover at size %llu is missing",
			                 (unsigned long long)log->chain.keys[i].from);
		canon_string(&c, note);
		store_done(st);
	}
	canon_array_end(&c);
	return canon_error(&c, err);
}

enum redress_err
tlog_rotate_key(struct tlog *log, const struct sign_key *new_key, struct redress_error *err)
{
	char pub[CODEC_BASE64_SIZE(SIGN_PUBLIC_SIZE)];
	struct buf data;
	struct canon c;
	enum redress_err rc;

	if (!log->in_change || log->key == NULL)
		return error_set(err, REDRESS_E_INTERNAL, "a key rotation outside a change, or read-only");
	if (log->next_key != NULL)
		return error_set(err, REDRESS_E_INVALID, "one key rotation per change");
	if (keychain_find(&log->chain, sign_key_public(new_key)) >= 0)
		return error_set(err, REDRESS_E_KEYS, "the new log key is one this log used before");
	if (log->chain.count >= KEYCHAIN_MAX)
		return error_set(err, REDRESS_E_INVALID, "the log's key was rotated %d times: no more",
		                 KEYCHAIN_MAX - 1);
	(void)codec_base64_encode(sign_key_public(new_key), SIGN_PUBLIC_SIZE, pub, sizeof(pub), NULL);
	buf_init(&data, 256);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "public_key");
	canon_string(&c, pub);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK &&
	    (rc = tlog_append_buf(log, TLOG_EV_KEY_ROTATED, &data, NULL, err)) == REDRESS_OK)
		log->next_key = new_key;
	buf_free(&data);
	return rc;
}

enum redress_err
tlog_keys_record_master(struct tlog *log, const struct seal_key *master, struct redress_error *err)
{
	char want[SEAL_INDEX_TEXT_SIZE];
	struct store_stmt *st;

	if (!log->in_change)
		return error_set(err, REDRESS_E_INTERNAL, "recording a key outside a change");
	seal_blind_index(master, TLOG_KEY_PROBE, want);
	if ((st = q(log->store, TLOG_Q_META_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, "key.master");
	store_bind_text(st, 2, want);
	return store_run(st, err);
}

int
tlog_keys_is_master(struct tlog *log, const struct seal_key *master)
{
	char want[SEAL_INDEX_TEXT_SIZE], have[SEAL_INDEX_TEXT_SIZE];
	struct redress_error err;

	seal_blind_index(master, TLOG_KEY_PROBE, want);
	return meta_get(log->store, "key.master", have, sizeof(have), &err) == REDRESS_OK &&
	       strcmp(have, want) == 0;
}
