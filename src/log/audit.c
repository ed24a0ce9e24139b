/*
 * audit.c -- replaying the log and comparing it with everything derived
 * from it.  See audit.h for what is checked.  The pass is streaming: three
 * ordered cursors (events, tree nodes, checkpoints) advance together, so
 * memory stays flat however long the log.
 */
#include "log/audit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "log/checkpoint.h"
#include "log/note.h"

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

/* State shared by the node-comparing callback. */
struct audit_tree {
	struct store_stmt *nodes; /* cursor over log_nodes by id */
	const void *leaf;	  /* the current event's stored leaf hash */
	size_t leaf_len;
	struct audit_report *report;
	uint64_t seq;	/* the event being appended */
	int broken;	/* a mismatch was reported; stop comparing nodes */
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
			audit_finding(t->report,
				      "event %llu does not match its stored leaf hash: event %llu was altered",
				      (unsigned long long)t->seq, (unsigned long long)t->seq);
			t->broken = 1;
		}
		return REDRESS_OK;
	}
	id = tlog_node_id(level, index);
	switch (store_step(t->nodes, err)) {
	case STORE_ROW:
		break;
	case STORE_DONE:
		audit_finding(t->report, "tree node (level %u, index %llu) is missing from the database", level,
			      (unsigned long long)index);
		t->broken = 1;
		return REDRESS_OK;
	default:
		return err->code;
	}
	stored = store_column_blob(t->nodes, 1, &len);
	if ((uint64_t)store_column_int64(t->nodes, 0) != id || len != MERKLE_HASH_SIZE ||
	    memcmp(stored, hash, MERKLE_HASH_SIZE) != 0) {
		audit_finding(t->report,
			      "tree node (level %u, index %llu) does not match the events: event %llu was altered,"
			      " or the tree rewritten",
			      level, (unsigned long long)index, (unsigned long long)t->seq);
		t->broken = 1;
	}
	return REDRESS_OK;
}

static const struct event_module *
audit_module_for(const struct event_module *const *modules, const char *type)
{
	size_t i;

	for (i = 0; modules[i] != NULL; i++)
		if (strncmp(type, modules[i]->type_prefix, strlen(modules[i]->type_prefix)) == 0)
			return modules[i];
	return NULL;
}

/* Checks the stored checkpoint under cursor cps against the events' root. */
static void
audit_checkpoint_row(struct tlog *log, const struct note_verifier *v, struct store_stmt *cps,
		     const uint8_t root[MERKLE_HASH_SIZE], struct audit_report *report)
{
	uint64_t size = (uint64_t)store_column_int64(cps, 0);
	const char *note = store_column_text(cps, 2);
	const void *stored_root;
	struct redress_error e;
	struct checkpoint cp;
	size_t len, text_len;

	report->checkpoints++;
	stored_root = store_column_blob(cps, 1, &len);
	if (note_verify(note, strlen(note), v, &text_len, &e) != REDRESS_OK) {
		audit_finding(report, "checkpoint at size %llu: %s", (unsigned long long)size, e.message);
		return;
	}
	if (checkpoint_parse(note, text_len, &cp, &e) != REDRESS_OK) {
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
		audit_finding(report,
			      "checkpoint at size %llu: the signed root differs from the root of the first %llu"
			      " events: the log was rewritten",
			      (unsigned long long)size, (unsigned long long)size);
}

/* Checks the log's own first event against the database's settings. */
static void
audit_log_event(struct tlog *log, const struct event *ev, const uint8_t public_key[SIGN_PUBLIC_SIZE],
		struct audit_report *report)
{
	const char *origin = NULL;
	struct redress_error e;

	if (strcmp(ev->type, "log.created") != 0 || ev->seq != 0) {
		audit_finding(report, "event %llu: type '%.64s' is not one redress writes",
			      (unsigned long long)ev->seq, ev->type);
		return;
	}
	if (canon_get_string(ev->data, "origin", &origin, &e) != REDRESS_OK ||
	    strcmp(origin, tlog_origin(log)) != 0)
		audit_finding(report, "event 0: the log's origin differs from the database's setting");
	if (memcmp(public_key, tlog_public_key(log), SIGN_PUBLIC_SIZE) != 0)
		audit_finding(report, "the database's log key is not the key in the key directory");
}

/* Reads, checks and replays the event under cursor ev. */
static enum redress_err
audit_event(struct tlog *log, struct store *shadow, struct store_stmt *evs, uint64_t seq,
	    const uint8_t public_key[SIGN_PUBLIC_SIZE], struct audit_report *report, struct redress_error *err)
{
	const struct event_module *module;
	struct redress_error e;
	struct event ev;
	const void *body;
	json_t *root = NULL;
	int64_t stated, version;
	size_t len;

	body = store_column_blob(evs, 2, &len);
	if (canon_parse(body, len, &root, &e) != REDRESS_OK) {
		audit_finding(report, "event %llu is unreadable: %s", (unsigned long long)seq, e.message);
		return REDRESS_OK;
	}
	memset(&ev, 0, sizeof(ev));
	ev.seq = seq;
	ev.data = json_object_get(root, "data");
	if (canon_get_int(root, "seq", &stated, &e) != REDRESS_OK ||
	    canon_get_int(root, "v", &version, &e) != REDRESS_OK ||
	    canon_get_string(root, "type", &ev.type, &e) != REDRESS_OK ||
	    canon_get_string(root, "actor", &ev.actor, &e) != REDRESS_OK ||
	    canon_get_string(root, "at", &ev.at, &e) != REDRESS_OK || !json_is_object(ev.data)) {
		audit_finding(report, "event %llu is malformed: %s", (unsigned long long)seq,
			      ev.data == NULL ? "no data object" : e.message);
		goto out;
	}
	if (stated < 0 || (uint64_t)stated != seq) {
		audit_finding(report, "event at position %llu says it is event %lld: history reordered or rewritten",
			      (unsigned long long)seq, (long long)stated);
		goto out;
	}
	if (version != TLOG_VERSION) {
		audit_finding(report, "event %llu has unknown version %lld", (unsigned long long)seq,
			      (long long)version);
		goto out;
	}
	if (strncmp(ev.type, "log.", 4) == 0) {
		audit_log_event(log, &ev, public_key, report);
		goto out;
	}
	module = audit_module_for(tlog_modules(log), ev.type);
	if (module == NULL) {
		audit_finding(report, "event %llu has unknown type '%.64s'", (unsigned long long)seq, ev.type);
		goto out;
	}
	if (module->replay(shadow, &ev, &e) != REDRESS_OK) {
		if (e.code == REDRESS_E_STORE || e.code == REDRESS_E_NOMEM) {
			json_decref(root);
			*err = e;
			return e.code;
		}
		audit_finding(report, "event %llu (%s) cannot be replayed: %s", (unsigned long long)seq, ev.type,
			      e.message);
	}
out:
	json_decref(root);
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

	if (store_column_is_integer(a, 0) && store_column_is_integer(b, 0)) {
		na = store_column_int64(a, 0);
		nb = store_column_int64(b, 0);
		return na < nb ? -1 : na > nb;
	}
	return strcmp(store_column_text(a, 0), store_column_text(b, 0));
}

/* Compares one projection table, live against replayed. */
static enum redress_err
audit_compare_table(struct store *live, struct store *shadow, const struct store_query *q,
		    struct audit_report *report, struct redress_error *err)
{
	struct store_stmt *a, *b;
	enum store_step_result ra, rb;
	int i, n, cmp;

	if ((a = store_query(live, q, err)) == NULL || (b = store_query(shadow, q, err)) == NULL)
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
			audit_finding(report, "%s '%.64s': row in the database that no event created", q->name,
				      store_column_text(a, 0));
			ra = store_step(a, err);
			continue;
		}
		if (cmp > 0) {
			audit_finding(report, "%s '%.64s': row the log creates is missing from the database", q->name,
				      store_column_text(b, 0));
			rb = store_step(b, err);
			continue;
		}
		report->rows++;
		n = store_column_count(a);
		for (i = 1; i < n; i++) {
			if (store_column_is_null(a, i) == store_column_is_null(b, i) &&
			    strcmp(store_column_text(a, i), store_column_text(b, i)) == 0)
				continue;
			audit_finding(report,
				      "%s '%.64s': %s is '%.40s' in the database but '%.40s' by the log (edited behind"
				      " the log's back)",
				      q->name, store_column_text(a, 0), store_column_name(a, i), store_column_text(a, i),
				      store_column_text(b, i));
		}
		ra = store_step(a, err);
		rb = store_step(b, err);
	}
	if (ra == STORE_ERROR || rb == STORE_ERROR)
		return err->code;
	return REDRESS_OK;
}

enum redress_err
audit_verify(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE], struct audit_report *report,
	     struct redress_error *err)
{
	const struct event_module *const *modules = tlog_modules(log);
	struct store *live = tlog_store(log), *shadow = NULL;
	struct store_stmt *evs, *cps;
	enum store_step_result r, rc_cp;
	struct merkle_range range;
	struct note_verifier v;
	struct audit_tree tree;
	uint8_t leaf[MERKLE_HASH_SIZE];
	enum redress_err rc;
	uint64_t expect = 0;
	size_t i, j;

	memset(report, 0, sizeof(*report));
	memset(&tree, 0, sizeof(tree));
	memset(&v, 0, sizeof(v));
	memcpy(v.name, tlog_origin(log), strlen(tlog_origin(log)) + 1);
	memcpy(v.public_key, public_key, SIGN_PUBLIC_SIZE);
	note_key_hash(v.name, public_key, v.key_hash);
	merkle_range_init(&range);

	if ((rc = store_open(":memory:", STORE_OPEN_CREATE, &shadow, err)) != REDRESS_OK)
		return rc;
	for (i = 0; modules[i] != NULL; i++)
		if ((rc = store_exec(shadow, modules[i]->schema, err)) != REDRESS_OK)
			goto out;
	if ((rc = store_begin(shadow, err)) != REDRESS_OK)
		goto out;
	/* A read transaction on the live store gives one consistent snapshot. */
	if ((rc = store_begin_read(live, err)) != REDRESS_OK)
		goto out;

	if ((evs = store_query(live, &tlog_q_events_all, err)) == NULL ||
	    (tree.nodes = store_query(live, &tlog_q_nodes_all, err)) == NULL ||
	    (cps = store_query(live, &tlog_q_checkpoints_all, err)) == NULL) {
		rc = err->code;
		goto out_live;
	}
	tree.report = report;
	rc_cp = store_step(cps, err);
	while ((r = store_step(evs, err)) == STORE_ROW) {
		uint64_t seq = (uint64_t)store_column_int64(evs, 0);
		const void *body;
		size_t len;

		if (seq != expect) {
			if (seq - expect == 1)
				audit_finding(report, "event %llu missing: the log jumps from %llu to %llu (deleted)",
					      (unsigned long long)expect, (unsigned long long)expect - 1,
					      (unsigned long long)seq);
			else
				audit_finding(report, "events %llu to %llu missing: the log jumps to %llu (deleted)",
					      (unsigned long long)expect, (unsigned long long)seq - 1,
					      (unsigned long long)seq);
			tree.broken = 1;
		}
		expect = seq + 1;
		report->events++;
		tree.leaf = store_column_blob(evs, 1, &tree.leaf_len);
		body = store_column_blob(evs, 2, &len);
		merkle_leaf_hash(body, len, leaf);
		tree.seq = seq;
		if ((rc = merkle_range_append(&range, leaf, audit_node_compare, &tree, err)) != REDRESS_OK)
			goto out_live;
		while (rc_cp == STORE_ROW && (uint64_t)store_column_int64(cps, 0) <= range.size) {
			uint8_t root[MERKLE_HASH_SIZE];

			merkle_range_root(&range, root);
			if ((uint64_t)store_column_int64(cps, 0) == range.size)
				audit_checkpoint_row(log, &v, cps, root, report);
			rc_cp = store_step(cps, err);
		}
		if ((rc = audit_event(log, shadow, evs, seq, public_key, report, err)) != REDRESS_OK)
			goto out_live;
	}
	if (r == STORE_ERROR || rc_cp == STORE_ERROR) {
		rc = err->code;
		goto out_live;
	}
	merkle_range_root(&range, report->root);
	if (report->events == 0)
		audit_finding(report, "the log holds no events");
	if (!tree.broken && store_step(tree.nodes, err) == STORE_ROW)
		audit_finding(report, "the tree holds nodes beyond the %llu events: events were deleted from the end",
			      (unsigned long long)report->events);
	for (; rc_cp == STORE_ROW; rc_cp = store_step(cps, err))
		audit_finding(report,
			      "a checkpoint is signed at size %lld but the log holds %llu events: events were deleted"
			      " from the end",
			      (long long)store_column_int64(cps, 0), (unsigned long long)report->events);

	for (i = 0; modules[i] != NULL; i++)
		for (j = 0; modules[i]->snapshots[j] != NULL; j++)
			if ((rc = audit_compare_table(live, shadow, modules[i]->snapshots[j], report, err)) !=
			    REDRESS_OK)
				goto out_live;
	for (i = 0; modules[i] != NULL; i++)
		if (modules[i]->check != NULL && (rc = modules[i]->check(live, report, err)) != REDRESS_OK)
			goto out_live;
	rc = REDRESS_OK;
out_live:
	store_rollback(live); /* nothing was written: ending the read is enough */
out:
	store_close(&shadow);
	return rc;
}

enum redress_err
audit_external_checkpoint(struct tlog *log, const uint8_t public_key[SIGN_PUBLIC_SIZE], const char *note,
			  size_t len, struct audit_report *report, struct redress_error *err)
{
	uint8_t root[MERKLE_HASH_SIZE];
	struct note_verifier v;
	struct redress_error e;
	struct checkpoint cp;
	size_t text_len;

	memset(&v, 0, sizeof(v));
	memcpy(v.name, tlog_origin(log), strlen(tlog_origin(log)) + 1);
	memcpy(v.public_key, public_key, SIGN_PUBLIC_SIZE);
	note_key_hash(v.name, public_key, v.key_hash);
	if (note_verify(note, len, &v, &text_len, &e) != REDRESS_OK ||
	    checkpoint_parse(note, text_len, &cp, &e) != REDRESS_OK) {
		audit_finding(report, "the given checkpoint: %s", e.message);
		return REDRESS_OK;
	}
	if (strcmp(cp.origin, tlog_origin(log)) != 0) {
		audit_finding(report, "the given checkpoint is for log '%.64s', not this one", cp.origin);
		return REDRESS_OK;
	}
	if (cp.size > report->events) {
		audit_finding(report,
			      "the given checkpoint is signed at size %llu but the log holds %llu events: events were"
			      " deleted from the end",
			      (unsigned long long)cp.size, (unsigned long long)report->events);
		return REDRESS_OK;
	}
	if (tlog_root_at(log, cp.size, root, err) != REDRESS_OK)
		return err->code;
	if (memcmp(root, cp.root, MERKLE_HASH_SIZE) != 0)
		audit_finding(report, "the given checkpoint's root at size %llu differs from the log's: the log was"
				      " rewritten",
			      (unsigned long long)cp.size);
	report->checkpoints++;
	return REDRESS_OK;
}
