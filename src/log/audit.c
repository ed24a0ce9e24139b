/*
 * audit.c -- replaying the log and comparing it with everything derived
 * from it.  See audit.h for what is checked.  The pass is streaming: three
 * ordered cursors (events, tree nodes, checkpoints) advance together, so
 * memory stays flat however long the log.
 */
#include "log/audit.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "log/checkpoint.h"
#include "log/keychain.h"
#include "log/note.h"

#define AUDIT_MODULES_MAX 32
#define AUDIT_TABLES_MAX  12 /* snapshot queries per module (casework has 9) */
#define AUDIT_ROW_BYTES   (1u << 20)

/* What one pass over the events does with each event. */
struct audit_pass {
	struct store *shadow;            /* replay into it (slow pass), or NULL */
	void *models[AUDIT_MODULES_MAX]; /* fold into these (fast pass) */
	struct audit_fold folds[AUDIT_MODULES_MAX];
	/* In the replay pass, where the replay errors of modules that cannot fold go. */
	struct audit_report *errors;
	struct canon_doc doc; /* each event read, in reused memory */
	int64_t schema;       /* the schema's version as the log's events so far say */
	int64_t version;      /* the highest event version so far: a log never goes back from 3 */
};

void
audit_finding(struct audit_report *report, const char *fmt, ...)
{
	va_list ap;

	if (report->nfindings >= AUDIT_MAX_FINDINGS) {
		report->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(report->findings[report->nfindings], AUDIT_FINDING_MAX, fmt, ap);
	va_end(ap);
	report->nfindings++;
}

/*
 * A row's bytes for hashing: per column a tag, then the integer as 8 bytes
 * little-endian or the text as an 8-byte length and its bytes.  Lengths
 * make the encoding unambiguous, so distinct rows never share bytes.
 */
static void
audit_row_bytes(struct buf *out, const struct audit_value *values, size_t n)
{
	uint8_t word[8];
	size_t i, k;

	buf_reset(out);
	for (i = 0; i < n; i++) {
		uint64_t u = 0;

		buf_putc(out, (char)values[i].type);
		if (values[i].type == AUDIT_NULL)
			continue;
		if (values[i].type == AUDIT_INT) {
			u = (uint64_t)values[i].i;
		} else {
			u = strlen(values[i].s);
		}
		for (k = 0; k < 8; k++)
			word[k] = (uint8_t)(u >> (8 * k));
		buf_append(out, word, sizeof(word));
		if (values[i].type == AUDIT_TEXT)
			buf_append(out, values[i].s, (size_t)u);
	}
}

static void
audit_digest_add(struct audit_digest *d, const uint8_t key[HASH_KEYED128_KEY_SIZE], struct buf *scratch,
                 const struct audit_value *values, size_t n)
{
	uint8_t h[HASH_KEYED128_SIZE];
	uint64_t lo = 0, hi = 0;
	size_t k;

	audit_row_bytes(scratch, values, n);
	/* An overlong row hashes as its truncation's error state: it will differ. */
	hash_keyed128(key, scratch->failed == REDRESS_OK ? scratch->data : "",
	              scratch->failed ? 0 : scratch->len, h);
	for (k = 0; k < 8; k++) {
		lo |= (uint64_t)h[k] << (8 * k);
		hi |= (uint64_t)h[8 + k] << (8 * k);
	}
	d->hi += hi + (d->lo + lo < d->lo);
	d->lo += lo;
	d->rows++;
}

void
audit_fold_row(struct audit_fold *fold, size_t table, const struct audit_value *values, size_t n)
{
	audit_digest_add(&fold->digests[table], fold->key, fold->scratch, values, n);
}

void
audit_fold_unrow(struct audit_fold *fold, size_t table, const struct audit_value *values, size_t n)
{
	struct audit_digest *d = &fold->digests[table];
	struct audit_digest one = {0, 0, 0};

	/* The row's hash alone, then subtracted modulo 2^128. */
	audit_digest_add(&one, fold->key, fold->scratch, values, n);
	d->hi -= one.hi + (d->lo < one.lo);
	d->lo -= one.lo;
	d->rows--;
}

/* State shared by the node-comparing callback. */
struct audit_tree {
	struct store_stmt *nodes; /* cursor over log_nodes by id */
	const void *leaf;         /* the current event's stored leaf hash */
	size_t leaf_len;
	struct audit_report *report;
	uint64_t seq; /* the event being appended */
	int broken;   /* a mismatch was reported; stop comparing nodes */
};

static enum redress_err
audit_node_compare(void *ctx, unsigned level, uint64_t index, const uint8_t hash[MERKLE_HASH_SIZE],
                   struct redress_error *err)
{
	struct audit_tree *t = ctx;
	uint64_t id;
	const void *stored;
	size_t len;

	if (t->broken)
		return REDRESS_OK;
	if (level == 0) {
		if (t->leaf_len != MERKLE_HASH_SIZE || memcmp(t->leaf, hash, MERKLE_HASH_SIZE) != 0) {
			audit_finding(
			    t->report,
			    "event %llu does not match its stored leaf hash: event %llu was altered",
			    (unsigned long long)t->seq, (unsigned long long)t->seq);
			t->broken = 1;
		}
		return REDRESS_OK;
	}
	id = tlog_node_id(level, index);
	switch (store_step(t->nodes, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		audit_finding(t->report, "tree node (level %u, index %llu) is missing from the database",
		              level, (unsigned long long)index);
		t->broken = 1;
		return REDRESS_OK;
	default: return err->code;
	}
	stored = store_column_blob(t->nodes, 1, &len);
	if ((uint64_t)store_column_int64(t->nodes, 0) != id || len != MERKLE_HASH_SIZE ||
	    memcmp(stored, hash, MERKLE_HASH_SIZE) != 0) {
		audit_finding(
		    t->report,
		    "tree node (level %u, index %llu) does not match the events: event %llu was altered,"
		    " or the tree rewritten",
		    level, (unsigned long long)index, (unsigned long long)t->seq);
		t->broken = 1;
	}
	return REDRESS_OK;
}

static const struct event_module *
audit_module_for(const struct event_module *const *modules, const char *type, size_t *index_r)
{
	size_t i;

	for (i = 0; modules[i] != NULL; i++)
		if (strncmp(type, modules[i]->type_prefix, strlen(modules[i]->type_prefix)) == 0) {
			*index_r = i;
			return modules[i];
		}
	return NULL;
}

/* Checks the stored checkpoint under cursor cps against the events' root. */
static void
audit_checkpoint_row(struct tlog *log, struct store_stmt *cps, const uint8_t root[MERKLE_HASH_SIZE],
                     struct audit_report *report)
{
	uint64_t size = (uint64_t)store_column_int64(cps, 0);
	const char *note = store_column_text(cps, 2);
	const void *stored_root;
	struct redress_error e;
	struct checkpoint cp;
	size_t len;

	report->checkpoints++;
	stored_root = store_column_blob(cps, 1, &len);
	/* Signed by the key in force at its size: the first, or the one its last handover named. */
	if (keychain_verify(tlog_keychain(log), note, strlen(note), &cp, NULL, &e) != REDRESS_OK) {
		audit_finding(report, "checkpoint at size %llu: %s", (unsigned long long)size, e.message);
		return;
	}
	if (strcmp(cp.origin, tlog_origin(log)) != 0 || cp.size != size || len != MERKLE_HASH_SIZE ||
	    memcmp(stored_root, cp.root, MERKLE_HASH_SIZE) != 0) {
		audit_finding(report, "checkpoint at size %llu: its row does not match its signed text",
		              (unsigned long long)size);
		return;
	}
	if (memcmp(cp.root, root, MERKLE_HASH_SIZE) != 0)
		audit_finding(
		    report,
		    "checkpoint at size %llu: the signed root differs from the root of the first %llu"
		    " events: the log was rewritten",
		    (unsigned long long)size, (unsigned long long)size);
}

static void audit_key_rotated(struct tlog *log, const struct event *ev, struct audit_report *report);

/*
 * Checks the log's own events: the first, "log.created", against the
 * database's settings; each "log.migrated" takes the schema one version
 * on from where the log says it was.
 */
static void
audit_log_event(struct tlog *log, const struct event *ev, const uint8_t public_key[SIGN_PUBLIC_SIZE],
                int64_t *schema, struct audit_report *report)
{
	const char *origin = NULL;
	struct redress_error e;
	int64_t from, to;

	if (strcmp(ev->type, "log.migrated") == 0 && ev->seq != 0) {
		if (canon_get_int(ev->data, "from", &from, &e) != REDRESS_OK ||
		    canon_get_int(ev->data, "to", &to, &e) != REDRESS_OK || from != *schema || to != from + 1)
			audit_finding(report, "event %llu: a migration that does not follow version %lld",
			              (unsigned long long)ev->seq, (long long)*schema);
		else
			*schema = to;
		return;
	}
	if (strcmp(ev->type, TLOG_EV_KEY_ROTATED) == 0 && ev->seq != 0) {
		audit_key_rotated(log, ev, report);
		return;
	}
	if (strcmp(ev->type, "log.created") != 0 || ev->seq != 0) {
		audit_finding(report, "event %llu: type '%.64s' is not one redress writes",
		              (unsigned long long)ev->seq, ev->type);
		return;
	}
	/* Logs made before schema versions say none: version 1. */
	if (canon_find(ev->data, "schema") == NULL)
		*schema = 1;
	else if (canon_get_int(ev->data, "schema", schema, &e) != REDRESS_OK)
		audit_finding(report, "event 0: the schema's version is malformed");
	if (canon_get_string(ev->data, "origin", &origin, &e) != REDRESS_OK ||
	    strcmp(origin, tlog_origin(log)) != 0)
		audit_finding(report, "event 0: the log's origin differs from the database's setting");
	{
		const struct keychain *kc = tlog_keychain(log);
		uint8_t first[SIGN_PUBLIC_SIZE + 3];
		const char *text = NULL;
		size_t len = 0;

		if (canon_get_string(ev->data, "public_key", &text, &e) != REDRESS_OK ||
		    codec_base64_decode(text, strlen(text), first, sizeof(first), &len, NULL) != REDRESS_OK ||
		    len != SIGN_PUBLIC_SIZE || memcmp(first, kc->keys[0].public_key, SIGN_PUBLIC_SIZE) != 0)
			audit_finding(report,
			              "event 0: the log's first key differs from the database's setting");
		/* The trusted key vouches for the chain: the first key, or one a handover named. */
		if (keychain_find(kc, public_key) < 0)
			audit_finding(report,
			              "the database's log keys do not include the trusted key (the key"
			              " directory's, or --pubkey): another fund, or a forged chain");
	}
}

/*
 * A rotation of the log's key: the chain the handovers built (tlog_open
 * followed them) must name this key next, from the size just after it.
 */
static void
audit_key_rotated(struct tlog *log, const struct event *ev, struct audit_report *report)
{
	const struct keychain *kc = tlog_keychain(log);
	uint8_t key[SIGN_PUBLIC_SIZE + 3];
	const char *text = NULL;
	size_t len = 0, i;

	if (canon_get_string(ev->data, "public_key", &text, NULL) != REDRESS_OK ||
	    codec_base64_decode(text, strlen(text), key, sizeof(key), &len, NULL) != REDRESS_OK ||
	    len != SIGN_PUBLIC_SIZE) {
		audit_finding(report, "event %llu: a key rotation without a well-formed public key",
		              (unsigned long long)ev->seq);
		return;
	}
	for (i = 1; i < kc->count; i++)
		if (memcmp(kc->keys[i].public_key, key, SIGN_PUBLIC_SIZE) == 0 &&
		    kc->keys[i].from >= ev->seq + 1)
			return;
	audit_finding(report,
	              "event %llu: a rotation of the log's key that no handover checkpoint follows (the"
	              " key chain was cut, or the event forged)",
	              (unsigned long long)ev->seq);
}

/* 1 when the event's salt is as its version says: none in version 1, TLOG_SALT_SIZE bytes after. */
static int
audit_salt_ok(const struct canon_node *root, int64_t version)
{
	uint8_t salt[TLOG_SALT_SIZE + 3];
	const char *text = NULL;
	size_t len;

	if (version == 1)
		return canon_find(root, "salt") == NULL;
	if (canon_get_string(root, "salt", &text, NULL) != REDRESS_OK)
		return 0;
	return codec_base64_decode(text, strlen(text), salt, sizeof(salt), &len, NULL) == REDRESS_OK &&
	       len == TLOG_SALT_SIZE;
}

/* Who made ev, by the state of the log just before it (the fast pass only: once is enough). */
static void
audit_gate(struct tlog *log, struct audit_pass *pass, const struct event *ev, struct audit_report *report)
{
	for (size_t g = 0; pass->shadow == NULL && tlog_modules(log)[g] != NULL; g++)
		if (tlog_modules(log)[g]->gate != NULL && pass->models[g] != NULL)
			tlog_modules(log)[g]->gate(pass->models[g], ev, report);
}

/* Reads, checks and replays the event under cursor ev. */
static enum redress_err
audit_event(struct tlog *log, struct audit_pass *pass, struct store_stmt *evs, uint64_t seq,
            const uint8_t public_key[SIGN_PUBLIC_SIZE], struct audit_report *report,
            struct redress_error *err)
{
	const struct event_module *module;
	const struct canon_node *root;
	struct redress_error e;
	struct event ev;
	const void *body;
	int64_t stated, version;
	size_t len, m;

	body = store_column_blob(evs, 2, &len);
	if (canon_read(&pass->doc, body, len, &e) != REDRESS_OK) {
		audit_finding(report, "event %llu is unreadable: %s", (unsigned long long)seq, e.message);
		return REDRESS_OK;
	}
	root = canon_root(&pass->doc);
	memset(&ev, 0, sizeof(ev));
	ev.seq = seq;
	ev.data = canon_find(root, "data");
	if (canon_get_int(root, "seq", &stated, &e) != REDRESS_OK ||
	    canon_get_int(root, "v", &version, &e) != REDRESS_OK ||
	    canon_get_string(root, "type", &ev.type, &e) != REDRESS_OK ||
	    canon_get_string(root, "actor", &ev.actor, &e) != REDRESS_OK ||
	    canon_get_string(root, "at", &ev.at, &e) != REDRESS_OK || ev.data == NULL ||
	    ev.data->type != CANON_OBJECT) {
		audit_finding(report, "event %llu is malformed: %s", (unsigned long long)seq,
		              ev.data == NULL || ev.data->type != CANON_OBJECT ? "no data object"
		                                                               : e.message);
		return REDRESS_OK;
	}
	if (stated < 0 || (uint64_t)stated != seq) {
		audit_finding(report,
		              "event at position %llu says it is event %lld: history reordered or rewritten",
		              (unsigned long long)seq, (long long)stated);
		return REDRESS_OK;
	}
	if (version < 1 || version > TLOG_VERSION) {
		audit_finding(report, "event %llu has unknown version %lld", (unsigned long long)seq,
		              (long long)version);
		return REDRESS_OK;
	}
	if (!audit_salt_ok(root, version)) {
		audit_finding(report,
		              "event %llu (version %lld) has %s: a salt of %d random bytes is what keeps its"
		              " leaf hash from being guessed",
		              (unsigned long long)seq, (long long)version,
		              version == 1 ? "a salt, which no event of version 1 has"
		                           : "no salt, or a malformed one",
		              TLOG_SALT_SIZE);
		return REDRESS_OK;
	}
	/*
	 * Once a fund writes version 3 it writes nothing older (an older redress
	 * cannot read it): an older event after one is relabelled, perhaps to
	 * unbind its feed line from its leaf.
	 */
	if (version < pass->version && pass->version == 3) {
		audit_finding(
		    report,
		    "event %llu is of version %lld after events of version 3: a fund never goes back"
		    " to an older version",
		    (unsigned long long)seq, (long long)version);
		return REDRESS_OK;
	}
	if (version > pass->version)
		pass->version = version;
	ev.version = (int)version;
	if (strncmp(ev.type, "log.", 4) == 0) {
		audit_log_event(log, &ev, public_key, &pass->schema, report);
		/* A rotation of the log's key is a change an account makes: who made it is checked too. */
		if (strcmp(ev.type, TLOG_EV_KEY_ROTATED) == 0)
			audit_gate(log, pass, &ev, report);
		return REDRESS_OK;
	}
	module = audit_module_for(tlog_modules(log), ev.type, &m);
	if (module == NULL) {
		audit_finding(report, "event %llu has unknown type '%.64s'", (unsigned long long)seq,
		              ev.type);
		return REDRESS_OK;
	}
	audit_gate(log, pass, &ev, report);
	if (pass->shadow == NULL && module->fold == NULL)
		return REDRESS_OK; /* this module is checked by the replay pass only */
	if ((pass->shadow != NULL ? module->replay(pass->shadow, &ev, &e)
	                          : module->fold(pass->models[m], &ev, &pass->folds[m], &e)) != REDRESS_OK) {
		if (e.code == REDRESS_E_STORE || e.code == REDRESS_E_NOMEM) {
			*err = e;
			return e.code;
		}
		audit_finding(pass->shadow != NULL && module->fold == NULL ? pass->errors : report,
		              "event %llu (%s) cannot be replayed: %s", (unsigned long long)seq, ev.type,
		              e.message);
	}
	return REDRESS_OK;
}

/*
 * Orders the key columns of two rows as the snapshot queries' ORDER BY
 * does: integers numerically, text bytewise (SQL's BINARY collation).
 */
static int
audit_key_compare(struct store_stmt *a, struct store_stmt *b)
{
	int64_t na, nb;

	if (store_stmt_columns(a)[0] == 'i') {
		na = store_column_int64(a, 0);
		nb = store_column_int64(b, 0);
		return na < nb ? -1 : na > nb;
	}
	return strcmp(store_column_text(a, 0), store_column_text(b, 0));
}

size_t
audit_snapshot_count(const struct event_module *m)
{
	return m->snapshot_ids != NULL ? m->nsnapshots : 0;
}

struct store_stmt *
audit_snapshot(struct store *store, const struct event_module *m, size_t j, const char **name_r,
               struct redress_error *err)
{
	*name_r = m->catalogue->statements[m->snapshot_ids[j]].name;
	return store_statement(store, m->catalogue, m->snapshot_ids[j], err);
}

int
audit_row_read(struct store_stmt *st, struct audit_value values[AUDIT_ROW_MAX])
{
	const char *types = store_stmt_columns(st);
	int i, n = types != NULL ? (int)strlen(types) : -1;

	if (n < 0 || n > AUDIT_ROW_MAX)
		return -1;
	for (i = 0; i < n; i++) {
		if (store_column_is_null(st, i))
			values[i] = (struct audit_value){AUDIT_NULL, 0, NULL};
		else if (types[i] == 'i')
			values[i] = AUDIT_INT_VALUE(store_column_int64(st, i));
		else
			values[i] = AUDIT_TEXT_VALUE(store_column_text(st, i));
	}
	return n;
}

/* Compares projection table j of module m, live against replayed. */
static enum redress_err
audit_compare_table(struct store *live, struct store *shadow, const struct event_module *m, size_t j,
                    struct audit_report *report, struct redress_error *err)
{
	struct store_stmt *a, *b;
	enum store_step_result ra, rb;
	const char *name;
	int i, n, cmp;

	if ((a = audit_snapshot(live, m, j, &name, err)) == NULL ||
	    (b = audit_snapshot(shadow, m, j, &name, err)) == NULL)
		return err->code;
	ra = store_step(a, err);
	rb = store_step(b, err);
	while (ra == STORE_ROW || rb == STORE_ROW) {
		if (ra == STORE_ERROR || rb == STORE_ERROR)
			return err->code;
		if (ra != STORE_ROW)
			cmp = 1;
		else if (rb != STORE_ROW)
			cmp = -1;
		else
			cmp = audit_key_compare(a, b);
		if (cmp < 0) {
			audit_finding(report, "%s '%.64s': row in the database that no event created", name,
			              store_column_text(a, 0));
			ra = store_step(a, err);
			continue;
		}
		if (cmp > 0) {
			audit_finding(report, "%s '%.64s': row the log creates is missing from the database",
			              name, store_column_text(b, 0));
			rb = store_step(b, err);
			continue;
		}
		report->rows++;
		n = store_column_count(a);
		for (i = 1; i < n; i++) {
			if (store_column_is_null(a, i) == store_column_is_null(b, i) &&
			    strcmp(store_column_text(a, i), store_column_text(b, i)) == 0)
				continue;
			audit_finding(
			    report,
			    "%s '%.64s': %s is '%.40s' in the database but '%.40s' by the log (edited behind"
			    " the log's back)",
			    name, store_column_text(a, 0), store_column_name(a, i), store_column_text(a, i),
			    store_column_text(b, i));
		}
		ra = store_step(a, err);
		rb = store_step(b, err);
	}
	if (ra == STORE_ERROR || rb == STORE_ERROR)
		return err->code;
	return REDRESS_OK;
}

/*
 * The tree: every position present, each event's leaf hash and every node
 * its append completes equal to the stored ones, every stored checkpoint
 * signed and naming the events' root at its size.  Reads store, which may
 * be a connection of its own, in a thread of its own.
 *
 * Events are read in batches, and their leaves -- a version-3 leaf is the
 * costliest part of the audit (the projection to the public part, then
 * three hashes) -- computed on two threads, each half the batch; then
 * appended to the tree in order on this one, which compares every node
 * and checkpoint as before.  A batch holds at most AUDIT_BATCH events or
 * AUDIT_BATCH_BYTES of them (one event may be larger alone).
 */
#define AUDIT_BATCH       2048
#define AUDIT_BATCH_BYTES (8u << 20)

struct audit_batch_event {
	uint64_t seq;
	size_t body; /* offset of its bytes in the batch's arena */
	size_t len;
	uint8_t stored[MERKLE_HASH_SIZE]; /* its stored leaf hash */
	int stored_ok;                    /* the stored leaf is MERKLE_HASH_SIZE bytes */
	int unprojected;                  /* version 3 without the projection: checked on the stored leaf */
	int oversized;                    /* more than TLOG_EVENT_MAX bytes: not read, its leaf none */
	uint8_t leaf[MERKLE_HASH_SIZE];
	char *why; /* why its leaf could not be made (malloc'd), or NULL */
};

struct audit_batch {
	const struct tlog *log;
	struct audit_batch_event *events;
	size_t n;
	struct buf arena;
};

/* The leaves of the batch's events from..to, with a scratch buffer of its own. */
struct audit_leaf_job {
	struct audit_batch *b;
	size_t from, to;
};

static void *
audit_leaves(void *arg)
{
	struct audit_leaf_job *job = arg;
	struct audit_batch *b = job->b;
	struct redress_error err;
	struct buf scratch;
	size_t i;

	buf_init(&scratch, TLOG_EVENT_MAX);
	for (i = job->from; i < job->to; i++) {
		struct audit_batch_event *e = &b->events[i];

		if (e->oversized) {
			memset(e->leaf, 0, MERKLE_HASH_SIZE);
		} else if (e->unprojected) {
			if (e->stored_ok)
				memcpy(e->leaf, e->stored, MERKLE_HASH_SIZE);
			else
				memset(e->leaf, 0, MERKLE_HASH_SIZE);
		} else if (tlog_event_leaf_in(b->log, b->arena.data + e->body, e->len, &scratch, e->leaf,
		                              &err) != REDRESS_OK) {
			/* An event the projection cannot read: its leaf cannot be its own. */
			memset(e->leaf, 0, MERKLE_HASH_SIZE);
			e->why = strdup(err.message);
		}
	}
	buf_free(&scratch);
	return NULL;
}

/* Computes the batch's leaves on this thread and one more (this one alone if none can start). */
static void
audit_batch_leaves(struct audit_batch *b)
{
	struct audit_leaf_job first = {b, 0, b->n / 2}, second = {b, b->n / 2, b->n};
	pthread_t thread;
	int started = b->n >= 64 && pthread_create(&thread, NULL, audit_leaves, &second) == 0;

	if (!started)
		first.to = b->n;
	audit_leaves(&first);
	if (started)
		pthread_join(thread, NULL);
}

static void
audit_batch_clear(struct audit_batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		free(b->events[i].why);
	b->n = 0;
	buf_reset(&b->arena);
}

static enum redress_err
audit_tree_scan(struct tlog *log, struct store *store, const uint8_t public_key[SIGN_PUBLIC_SIZE],
                struct audit_report *report, struct redress_error *err)
{
	struct store_stmt *evs, *cps;
	enum store_step_result r = STORE_ROW, rc_cp;
	struct merkle_range range;
	struct audit_tree tree;
	struct audit_batch batch;
	enum redress_err rc = REDRESS_OK;
	uint64_t expect = 0;
	int gap = 0, projects = tlog_has_public(log);
	size_t i;

	memset(&tree, 0, sizeof(tree));
	memset(&batch, 0, sizeof(batch));
	merkle_range_init(&range);
	tree.report = report;

	if ((evs = store_statement(store, &tlog_catalogue, TLOG_Q_EVENTS_ALL, err)) == NULL ||
	    (tree.nodes = store_statement(store, &tlog_catalogue, TLOG_Q_NODES_ALL, err)) == NULL ||
	    (cps = store_statement(store, &tlog_catalogue, TLOG_Q_CHECKPOINTS_ALL, err)) == NULL)
		return err->code;
	batch.log = log;
	if ((batch.events = calloc(AUDIT_BATCH, sizeof(*batch.events))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory auditing the tree");
	buf_init(&batch.arena, AUDIT_BATCH_BYTES + TLOG_EVENT_MAX);
	rc_cp = store_step(cps, err);
	while (r == STORE_ROW) {
		/* Read a batch: each event's bytes, its stored leaf, whether it can be projected. */
		while (batch.n < AUDIT_BATCH && batch.arena.len < AUDIT_BATCH_BYTES &&
		       (r = store_step(evs, err)) == STORE_ROW) {
			struct audit_batch_event *e = &batch.events[batch.n];
			const void *body, *stored;
			size_t len, stored_len;

			memset(e, 0, sizeof(*e));
			e->seq = (uint64_t)store_column_int64(evs, 0);
			stored = store_column_blob(evs, 1, &stored_len);
			if ((e->stored_ok = stored_len == MERKLE_HASH_SIZE))
				memcpy(e->stored, stored, MERKLE_HASH_SIZE);
			body = store_column_blob(evs, 2, &len);
			e->body = batch.arena.len;
			if (len > TLOG_EVENT_MAX) {
				/* Only an edit behind the log's back makes one: a finding, its leaf none. */
				char why[80];

				snprintf(why, sizeof(why), "it is %zu bytes, more than an event may be", len);
				e->why = strdup(why);
				e->oversized = 1;
				batch.n++;
				continue;
			}
			e->unprojected = tlog_event_version(body, len) == 3 && !projects;
			e->len = len;
			buf_append(&batch.arena, body, len);
			if ((rc = buf_error(&batch.arena, err)) != REDRESS_OK)
				goto out;
			batch.n++;
		}
		if (r == STORE_ERROR) {
			rc = err->code;
			goto out;
		}
		audit_batch_leaves(&batch);
		/* In order: gaps, the tree's nodes and the checkpoints, as one event after another. */
		for (i = 0; i < batch.n; i++) {
			struct audit_batch_event *e = &batch.events[i];

			if (e->seq != expect) {
				if (e->seq - expect == 1)
					audit_finding(
					    report,
					    "event %llu missing: the log jumps from %llu to %llu (deleted)",
					    (unsigned long long)expect, (unsigned long long)expect - 1,
					    (unsigned long long)e->seq);
				else
					audit_finding(
					    report,
					    "events %llu to %llu missing: the log jumps to %llu (deleted)",
					    (unsigned long long)expect, (unsigned long long)e->seq - 1,
					    (unsigned long long)e->seq);
				tree.broken = 1;
				gap = 1;
			}
			expect = e->seq + 1;
			report->events++;
			if (e->unprojected)
				report->unprojected++;
			if (e->why != NULL)
				audit_finding(report, "event %llu: its public part cannot be made: %s",
				              (unsigned long long)e->seq, e->why);
			tree.leaf = e->stored;
			tree.leaf_len = e->stored_ok ? MERKLE_HASH_SIZE : 0;
			tree.seq = e->seq;
			if ((rc = merkle_range_append(&range, e->leaf, audit_node_compare, &tree, err)) !=
			    REDRESS_OK)
				goto out;
			while (rc_cp == STORE_ROW && (uint64_t)store_column_int64(cps, 0) <= range.size) {
				uint8_t root[MERKLE_HASH_SIZE];

				merkle_range_root(&range, root);
				if ((uint64_t)store_column_int64(cps, 0) == range.size)
					audit_checkpoint_row(log, cps, root, report);
				rc_cp = store_step(cps, err);
			}
		}
		audit_batch_clear(&batch);
	}
	if (rc_cp == STORE_ERROR) {
		rc = err->code;
		goto out;
	}
	merkle_range_root(&range, report->root);
	if (report->events == 0)
		audit_finding(report, "the log holds no events");
	if (!tree.broken && store_step(tree.nodes, err) == STORE_ROW)
		audit_finding(report,
		              "the tree holds nodes beyond the %llu events: events were deleted from the end",
		              (unsigned long long)report->events);
	/* After a gap (already named) the count is short for that reason, not a cut end. */
	for (; rc_cp == STORE_ROW; rc_cp = store_step(cps, err))
		audit_finding(report,
		              "a checkpoint is signed at size %lld but the log holds %llu events: events "
		              "were deleted%s",
		              (long long)store_column_int64(cps, 0), (unsigned long long)report->events,
		              gap ? "" : " from the end");
out:
	audit_batch_clear(&batch);
	free(batch.events);
	buf_free(&batch.arena);
	return rc;
}

/* The events, each read and folded or replayed as pass says. */
static enum redress_err
audit_event_scan(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE], struct audit_pass *pass,
                 struct audit_report *report, struct redress_error *err)
{
	struct store_stmt *evs;
	enum store_step_result r;
	enum redress_err rc;

	if ((evs = store_statement(tlog_store(log), &tlog_catalogue, TLOG_Q_EVENTS_ALL, err)) == NULL)
		return err->code;
	int64_t schema = 0;

	while ((r = store_step(evs, err)) == STORE_ROW)
		if ((rc = audit_event(log, pass, evs, (uint64_t)store_column_int64(evs, 0), public_key,
		                      report, err)) != REDRESS_OK)
			return rc;
	if (r != STORE_DONE)
		return err->code;
	if ((rc = tlog_schema_version(tlog_store(log), &schema, err)) != REDRESS_OK)
		return rc;
	if (schema != pass->schema)
		audit_finding(report,
		              "the database says its schema is version %lld, but the log's events made it "
		              "version %lld: the schema was changed behind the log's back",
		              (long long)schema, (long long)pass->schema);
	return REDRESS_OK;
}

/* The digest of a live table, read through its snapshot query. */
static enum redress_err
audit_table_digest(struct store *live, const struct event_module *m, size_t j,
                   const uint8_t key[HASH_KEYED128_KEY_SIZE], struct buf *scratch, struct audit_digest *d_r,
                   struct redress_error *err)
{
	struct audit_value values[AUDIT_ROW_MAX];
	struct store_stmt *st;
	enum store_step_result r;
	const char *name;
	int n;

	memset(d_r, 0, sizeof(*d_r));
	if ((st = audit_snapshot(live, m, j, &name, err)) == NULL)
		return err->code;
	while ((r = store_step(st, err)) == STORE_ROW) {
		if ((n = audit_row_read(st, values)) < 0) {
			store_done(st);
			return error_set(err, REDRESS_E_INTERNAL, "%s has more than %d columns", name,
			                 AUDIT_ROW_MAX);
		}
		audit_digest_add(d_r, key, scratch, values, (size_t)n);
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/*
 * The slow path: replays every event into a private in-memory database
 * through the modules' own apply code and compares each table row by row,
 * naming every difference.  Replay errors were reported by the fast pass.
 */
static enum redress_err
audit_replay(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE], struct audit_report *report,
             struct redress_error *err)
{
	const struct event_module *const *modules = tlog_modules(log);
	struct audit_report *scratch = NULL;
	struct audit_pass pass;
	unsigned before = report->nfindings;
	enum redress_err rc;
	size_t i, j;

	memset(&pass, 0, sizeof(pass));
	pass.errors = report;
	if ((scratch = calloc(1, sizeof(*scratch))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = store_open(":memory:", STORE_OPEN_CREATE, &pass.shadow, err)) != REDRESS_OK)
		goto out;
	for (i = 0; modules[i] != NULL; i++)
		if ((rc = store_exec(pass.shadow, modules[i]->schema, err)) != REDRESS_OK)
			goto out;
	if ((rc = store_begin(pass.shadow, err)) != REDRESS_OK ||
	    (rc = audit_event_scan(log, public_key, &pass, scratch, err)) != REDRESS_OK)
		goto out;
	report->rows = 0;
	for (i = 0; modules[i] != NULL; i++)
		for (j = 0; j < audit_snapshot_count(modules[i]); j++)
			if ((rc = audit_compare_table(tlog_store(log), pass.shadow, modules[i], j, report,
			                              err)) != REDRESS_OK)
				goto out;
	if (report->nfindings == before && report->dropped == 0 && scratch->nfindings == 0)
		audit_finding(report, "the tables' digests differ from the log's, yet no row does: a bug in a"
		                      " module's fold");
out:
	store_close(&pass.shadow);
	canon_doc_free(&pass.doc);
	free(scratch);
	return rc;
}

static enum redress_err
audit_log_size(struct store *store, uint64_t *size_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &tlog_catalogue, TLOG_Q_SIZE, err)) == NULL)
		return err->code;
	if (store_step(st, err) != STORE_ROW)
		return err->code;
	*size_r = (uint64_t)store_column_int64(st, 0);
	return REDRESS_OK;
}

/*
 * Work audit hands to a thread of its own, on a connection of its own:
 * checking the tree, or digesting the live tables.  Each connection reads
 * one snapshot; it is the main connection's snapshot when it sees the same
 * log size, since every committed change appends to the log.  When a job
 * could not start, failed, or saw another size (a change committed in
 * between), it is run again on the main connection.
 */
enum audit_job_kind {
	AUDIT_JOB_TREE,
	AUDIT_JOB_DIGESTS,
	AUDIT_JOB_INTEGRITY, /* the storage's own quick check (store_check_quick) */
};

struct audit_job {
	enum audit_job_kind kind;
	struct tlog *log;
	const uint8_t *public_key;
	const uint8_t *key;  /* for digests */
	struct store *store; /* the job's own connection, or NULL */
	pthread_t thread;
	int started;
	/* Results. */
	uint64_t size;               /* the log's size as the job's snapshot saw it */
	struct audit_report *report; /* tree findings */
	struct audit_digest digests[AUDIT_MODULES_MAX][AUDIT_TABLES_MAX];
	enum redress_err rc;
	struct redress_error err;
};

/* Runs the job on store, which holds a read transaction. */
static enum redress_err
audit_job_run(struct audit_job *job, struct store *store, struct redress_error *err)
{
	const struct event_module *const *modules = tlog_modules(job->log);
	struct buf scratch;
	enum redress_err rc;
	size_t i, j;

	memset(job->report, 0, sizeof(*job->report));
	memset(job->digests, 0, sizeof(job->digests));
	if ((rc = audit_log_size(store, &job->size, err)) != REDRESS_OK)
		return rc;
	if (job->kind == AUDIT_JOB_TREE)
		return audit_tree_scan(job->log, store, job->public_key, job->report, err);
	if (job->kind == AUDIT_JOB_INTEGRITY)
		return store_check_quick(store, err);
	buf_init(&scratch, AUDIT_ROW_BYTES);
	for (i = 0; modules[i] != NULL && rc == REDRESS_OK; i++)
		for (j = 0;
		     modules[i]->fold != NULL && j < audit_snapshot_count(modules[i]) && rc == REDRESS_OK;
		     j++)
			rc = audit_table_digest(store, modules[i], j, job->key, &scratch, &job->digests[i][j],
			                        err);
	buf_free(&scratch);
	return rc;
}

static void *
audit_job_thread(void *arg)
{
	struct audit_job *job = arg;

	job->rc = store_begin_read(job->store, &job->err);
	if (job->rc == REDRESS_OK) {
		job->rc = audit_job_run(job, job->store, &job->err);
		store_rollback(job->store);
	}
	return NULL;
}

static void
audit_job_start(struct audit_job *job, struct store *live)
{
	struct redress_error e;

	if (store_reopen(live, STORE_OPEN_READONLY, &job->store, &e) == REDRESS_OK &&
	    pthread_create(&job->thread, NULL, audit_job_thread, job) == 0)
		job->started = 1;
}

/*
 * Waits for the job; runs it here when its result cannot be used.  With
 * err NULL, only waits (the audit is failing anyway).
 */
static enum redress_err
audit_job_finish(struct audit_job *job, struct store *live, uint64_t size, struct redress_error *err)
{
	int usable = 0;

	if (job->started) {
		pthread_join(job->thread, NULL);
		job->started = 0;
		usable = job->rc == REDRESS_OK && job->size == size;
	}
	store_close(&job->store);
	if (usable || err == NULL)
		return REDRESS_OK;
	return audit_job_run(job, live, err);
}

/* A job of kind over log, with room for its findings in report. */
static void
audit_job_init(struct audit_job *job, enum audit_job_kind kind, struct tlog *log, const uint8_t *public_key,
               const uint8_t *key, struct audit_report *report)
{
	memset(job, 0, sizeof(*job));
	job->kind = kind;
	job->log = log;
	job->public_key = public_key;
	job->key = key;
	job->report = report;
}

/* Puts the tree's findings first, then the events' and the tables'. */
static void
audit_merge(struct audit_report *report, const struct audit_report *tree)
{
	struct audit_report *events = malloc(sizeof(*events));
	unsigned i;

	if (events == NULL) {
		report->dropped += tree->nfindings + tree->dropped;
		return;
	}
	memcpy(events, report, sizeof(*events));
	report->nfindings = 0;
	report->dropped = 0;
	for (i = 0; i < tree->nfindings; i++)
		audit_finding(report, "%s", tree->findings[i]);
	for (i = 0; i < events->nfindings; i++)
		audit_finding(report, "%s", events->findings[i]);
	report->dropped += tree->dropped + events->dropped;
	report->events = tree->events;
	report->checkpoints = tree->checkpoints;
	report->unprojected = tree->unprojected;
	memcpy(report->root, tree->root, sizeof(report->root));
	free(events);
}

enum redress_err
audit_verify(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE], struct audit_report *report,
             struct redress_error *err)
{
	const struct event_module *const *modules = tlog_modules(log);
	struct audit_digest digests[AUDIT_MODULES_MAX][AUDIT_TABLES_MAX];
	uint8_t key[HASH_KEYED128_KEY_SIZE];
	struct store *live = tlog_store(log);
	struct audit_job *tree = NULL, *tables = NULL, *integrity = NULL;
	struct audit_pass pass;
	struct redress_error damage;
	struct buf scratch;
	enum redress_err rc, rc_damage = REDRESS_OK;
	int need_replay = 0;
	uint64_t size = 0;
	size_t i, j;

	memset(report, 0, sizeof(*report));
	memset(&pass, 0, sizeof(pass));
	memset(digests, 0, sizeof(digests));
	crypto_random(key, sizeof(key));
	buf_init(&scratch, AUDIT_ROW_BYTES);
	tree = calloc(1, sizeof(*tree));
	tables = calloc(1, sizeof(*tables));
	integrity = calloc(1, sizeof(*integrity));
	if (tree == NULL || tables == NULL || integrity == NULL ||
	    (tree->report = calloc(1, sizeof(*tree->report))) == NULL ||
	    (tables->report = calloc(1, sizeof(*tables->report))) == NULL ||
	    (integrity->report = calloc(1, sizeof(*integrity->report))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory starting the audit");
		goto out;
	}
	for (i = 0; modules[i] != NULL; i++) {
		j = audit_snapshot_count(modules[i]);
		if (i >= AUDIT_MODULES_MAX || j > AUDIT_TABLES_MAX) {
			rc = error_set(err, REDRESS_E_INTERNAL, "too many modules or tables for audit");
			goto out;
		}
		pass.folds[i] = (struct audit_fold){key, digests[i], &scratch};
		if (modules[i]->fold == NULL) {
			/* A module without tables of its events (idempotency) has nothing to replay. */
			need_replay |= j > 0;
			continue;
		}
		if ((pass.models[i] = modules[i]->fold_begin()) == NULL) {
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory starting the audit");
			goto out;
		}
	}

	/*
	 * Three passes at once over one snapshot: this thread folds the
	 * events, one job checks the tree, another digests the tables.
	 */
	if ((rc = store_begin_read(live, err)) != REDRESS_OK)
		goto out;
	if ((rc = audit_log_size(live, &size, err)) != REDRESS_OK)
		goto out_live;
	audit_job_init(tree, AUDIT_JOB_TREE, log, public_key, key, tree->report);
	audit_job_init(tables, AUDIT_JOB_DIGESTS, log, public_key, key, tables->report);
	/* And, beside them, the storage's own check: damage is not tampering. */
	audit_job_init(integrity, AUDIT_JOB_INTEGRITY, log, public_key, key, integrity->report);
	audit_job_start(tree, live);
	audit_job_start(tables, live);
	audit_job_start(integrity, live);
	rc = audit_event_scan(log, public_key, &pass, report, err);
	if (rc == REDRESS_OK)
		rc = audit_job_finish(tree, live, size, err);
	else
		audit_job_finish(tree, live, size, NULL);
	if (rc == REDRESS_OK)
		rc = audit_job_finish(tables, live, size, err);
	else
		audit_job_finish(tables, live, size, NULL);
	/* Damage explains whatever else failed: on a damaged file, say that and nothing else. */
	if ((rc_damage = audit_job_finish(integrity, live, size, &damage)) != REDRESS_OK) {
		*err = damage;
		rc = rc_damage;
	}
	if (rc != REDRESS_OK)
		goto out_live;
	audit_merge(report, tree->report);
	for (i = 0; modules[i] != NULL; i++) {
		if (pass.models[i] == NULL)
			continue;
		modules[i]->fold_end(pass.models[i], &pass.folds[i]);
		pass.models[i] = NULL;
		for (j = 0; j < audit_snapshot_count(modules[i]); j++) {
			struct audit_digest *d = &tables->digests[i][j];

			report->rows += d->rows;
			if (d->lo != digests[i][j].lo || d->hi != digests[i][j].hi ||
			    d->rows != digests[i][j].rows)
				need_replay = 1;
		}
	}
	if (need_replay) {
		report->replayed = 1;
		if ((rc = audit_replay(log, public_key, report, err)) != REDRESS_OK)
			goto out_live;
	}
	for (i = 0; modules[i] != NULL; i++)
		if (modules[i]->check != NULL && (rc = modules[i]->check(live, report, err)) != REDRESS_OK)
			goto out_live;
	rc = REDRESS_OK;
out_live:
	/*
	 * The quick check beside the passes finds damaged pages and trees; an
	 * index that disagrees with its table only the whole check finds, and
	 * it costs as much as the rest of the audit.  So it runs only when
	 * something was found or failed, to tell damage from tampering (on the
	 * same snapshot): a sound fund is not made to pay for it.
	 */
	if (rc_damage == REDRESS_OK && (rc != REDRESS_OK || report->nfindings > 0 || report->dropped > 0) &&
	    store_check(live, &damage) != REDRESS_OK) {
		*err = damage;
		rc = damage.code;
	}
	store_rollback(live); /* nothing was written: ending the read is enough */
out:
	for (i = 0; modules[i] != NULL; i++)
		if (pass.models[i] != NULL)
			modules[i]->fold_end(pass.models[i], NULL);
	if (tree != NULL)
		free(tree->report);
	if (tables != NULL)
		free(tables->report);
	if (integrity != NULL)
		free(integrity->report);
	free(tree);
	free(tables);
	free(integrity);
	buf_free(&scratch);
	canon_doc_free(&pass.doc);
	crypto_wipe(key, sizeof(key));
	return rc;
}

enum redress_err
audit_external_checkpoint(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE], const char *note,
                          size_t len, struct audit_report *report, struct redress_error *err)
{
	uint8_t root[MERKLE_HASH_SIZE];
	struct redress_error e;
	struct checkpoint cp;

	/* The chain as the log's handovers give it (audit_verify checked it against public_key). */
	(void)public_key;
	if (keychain_verify(tlog_keychain(log), note, len, &cp, NULL, &e) != REDRESS_OK) {
		audit_finding(report, "the given checkpoint: %s", e.message);
		return REDRESS_OK;
	}
	if (strcmp(cp.origin, tlog_origin(log)) != 0) {
		audit_finding(report, "the given checkpoint is for log '%.64s', not this one", cp.origin);
		return REDRESS_OK;
	}
	if (cp.size > report->events) {
		audit_finding(
		    report,
		    "the given checkpoint is signed at size %llu but the log holds %llu events: events were"
		    " deleted from the end",
		    (unsigned long long)cp.size, (unsigned long long)report->events);
		return REDRESS_OK;
	}
	if (tlog_root_at(log, cp.size, root, err) != REDRESS_OK)
		return err->code;
	if (memcmp(root, cp.root, MERKLE_HASH_SIZE) != 0)
		audit_finding(report,
		              "the given checkpoint's root at size %llu differs from the log's: the log was"
		              " rewritten",
		              (unsigned long long)cp.size);
	report->checkpoints++;
	return REDRESS_OK;
}
