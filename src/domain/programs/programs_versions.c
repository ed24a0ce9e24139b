/*
 * programs_versions.c -- a program's rules changed over time: a new
 * version proposed by one admin and approved by another (four eyes), in
 * force from a day, its history kept.  The program's own row stays version
 * 1; each later version is two final rows (proposed, approved) beside it,
 * so nothing is ever rewritten and every version stays readable and
 * comparable (`program history`, `program diff --version`).
 *
 * Entitlements are never recomputed under a new version: a run books only
 * what is not booked yet, under the version in force on its day, so what
 * was booked keeps the amounts of the version it was booked under.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "domain/programs/programs_int.h"
#include "domain/registry/registry.h"

#define VERSION_EVENT_DATA_MAX 4096

static struct store_stmt *
stmt(struct store *store, enum programs_statement id, struct redress_error *err)
{
	return store_statement(store, &programs_catalogue, id, err);
}

static void
today(char out[11])
{
	char now[CLOCK_TEXT_SIZE];

	clock_now_text(now);
	memcpy(out, now, 10);
	out[10] = '\0';
}

enum redress_err
programs_in_force(struct store *store, struct program *p, struct redress_error *err)
{
	struct store_stmt *st;
	char day[11];
	char code[PROGRAM_CODE_MAX + 1];

	today(day);
	text_copy(code, sizeof(code), p->code);
	if ((st = stmt(store, PROGRAMS_Q_VERSION_IN_FORCE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, day);
	switch (programs_next(st, p, 1, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
}

enum redress_err
program_version_get(struct store *store, const char *code, int version, struct program *p_r,
                    struct redress_error *err)
{
	struct store_stmt *st;

	if (version == 1) {
		/* The program as first added: its own row, whatever is in force. */
		if ((st = stmt(store, PROGRAMS_Q_GET, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, code);
		switch (programs_next(st, p_r, 0, err)) {
		case STORE_ROW: store_done(st); return REDRESS_OK;
		case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no program '%.64s'", code);
		default: return err->code;
		}
	}
	if ((st = stmt(store, PROGRAMS_Q_VERSION_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	store_bind_int64(st, 2, version);
	switch (programs_next(st, p_r, 1, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND,
		                 "program '%.64s' has no version %d (see 'redress program history %.64s')",
		                 code, version, code);
	default: return err->code;
	}
}

/* PROGRAMS_Q_VERSIONS's columns, each text cut to its field as before. */
static const struct store_field version_fields[] = {
    STORE_FIELD(struct program_version, version),      STORE_FIELD_CUT(struct program_version, from),
    STORE_FIELD(struct program_version, proposed_seq), STORE_FIELD_CUT(struct program_version, proposed_by),
    STORE_FIELD(struct program_version, added_seq),    STORE_FIELD_CUT(struct program_version, added_by),
};

enum redress_err
program_versions_each(struct store *store, const char *code,
                      enum redress_err (*fn)(void *ctx, const struct program_version *v,
                                             struct redress_error *err),
                      void *ctx, struct redress_error *err)
{
	struct program_version v;
	struct store_stmt *st;
	struct program *p;
	enum store_step_result r;
	enum redress_err rc;

	if ((p = malloc(sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing versions");
	rc = program_version_get(store, code, 1, p, err);
	memset(&v, 0, sizeof(v));
	v.version = 1;
	v.proposed_seq = v.added_seq = p->added_seq;
	free(p);
	if (rc != REDRESS_OK || (rc = fn(ctx, &v, err)) != REDRESS_OK)
		return rc;
	if ((st = stmt(store, PROGRAMS_Q_VERSIONS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	memset(&v, 0, sizeof(v));
	while ((r = store_read(st, version_fields, &v, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &v, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* The last version's number of program code: 1 when none was proposed. */
static enum redress_err
last_version(struct store *store, const char *code, int *last_r, struct redress_error *err)
{
	static const struct store_field last_field[] = {{0, sizeof(int), 0, 0}};
	struct store_stmt *st;

	*last_r = 1;
	if ((st = stmt(store, PROGRAMS_Q_VERSION_LAST, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	switch (store_read_one(st, last_field, last_r, err)) {
	case STORE_ROW: return REDRESS_OK;
	case STORE_DONE: return REDRESS_OK; /* an aggregate always gives a row; none is version 1 */
	default: return err->code;
	}
}

/* The version of code awaiting a second admin into *pending_r (0: none). */
static enum redress_err
pending_version(struct store *store, const char *code, int *pending_r, struct redress_error *err)
{
	struct program *p;
	enum redress_err rc;
	int last;

	*pending_r = 0;
	if ((rc = last_version(store, code, &last, err)) != REDRESS_OK || last == 1)
		return rc;
	if ((p = malloc(sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = program_version_get(store, code, last, p, err)) == REDRESS_OK && p->added_seq == 0)
		*pending_r = last;
	free(p);
	return rc;
}

enum redress_err
programs_version_apply(struct store *store, const struct program *p, const char *rules_text, uint64_t seq,
                       const char *actor, struct redress_error *err)
{
	struct store_stmt *st;
	struct program *base;
	enum redress_err rc;
	int last = 1, pending = 0;

	/* What the command refuses, replay refuses too: the log may not carry it either. */
	if ((base = malloc(sizeof(*base))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	rc = program_version_get(store, p->code, 1, base, err);
	if (rc == REDRESS_OK &&
	    (strcmp(base->currency, p->currency) != 0 || strcmp(base->fund, p->fund) != 0 ||
	     strcmp(base->payable, p->payable) != 0 || strcmp(base->expense, p->expense) != 0))
		rc = error_set(err, REDRESS_E_INVALID,
		               "program '%s': a new version keeps its currency (%s) and its fund, payable and"
		               " expense accounts (%s, %s, %s): what is owed and paid is counted in them",
		               p->code, base->currency, base->fund, base->payable, base->expense);
	free(base);
	if (rc != REDRESS_OK || (rc = last_version(store, p->code, &last, err)) != REDRESS_OK ||
	    (rc = pending_version(store, p->code, &pending, err)) != REDRESS_OK)
		return rc;
	if (pending != 0)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "program '%s': version %d awaits a second admin's approval; approve it or"
		                 " leave it before proposing another",
		                 p->code, pending);
	if (p->version != last + 1)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "program '%s': version %d proposed after version %d", p->code, p->version,
		                 last);
	if ((st = stmt(store, PROGRAMS_Q_VERSION_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p->code);
	store_bind_int64(st, 2, p->version);
	store_bind_text(st, 3, p->from);
	store_bind_text(st, 4, p->name);
	store_bind_text(st, 5, p->currency);
	store_bind_text(st, 6, p->cutoff);
	store_bind_text(st, 7, p->fund);
	store_bind_text(st, 8, p->payable);
	store_bind_text(st, 9, p->expense);
	store_bind_int64(st, 10, p->survivor_amount);
	store_bind_int64(st, 11, p->bereaved_amount);
	store_bind_int64(st, 12, p->approvals);
	store_bind_text(st, 13, rules_text);
	store_bind_int64(st, 14, (int64_t)seq);
	store_bind_text(st, 15, actor);
	return store_run(st, err);
}

enum redress_err
programs_version_add_apply(struct store *store, const char *code, int version, uint64_t seq,
                           const char *actor, struct redress_error *err)
{
	struct program_version found, row;
	struct store_stmt *st;
	enum store_step_result r;

	memset(&found, 0, sizeof(found));
	if ((st = stmt(store, PROGRAMS_Q_VERSIONS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	while ((r = store_read(st, version_fields, &row, err)) == STORE_ROW)
		if (row.version == version) {
			found.version = version;
			memcpy(found.proposed_by, row.proposed_by, sizeof(found.proposed_by));
			found.added_seq = row.added_seq;
		}
	if (r != STORE_DONE)
		return err->code;
	if (found.version == 0)
		return error_set(
		    err, REDRESS_E_NOTFOUND,
		    "program '%.64s' has no version %d proposed (see 'redress program history %.64s')", code,
		    version, code);
	if (found.added_seq != 0)
		return error_set(err, REDRESS_E_CONFLICT, "program '%s': version %d is approved already",
		                 code, version);
	if (strcmp(found.proposed_by, actor) == 0)
		return error_set(err, REDRESS_E_REFUSED,
		                 "program '%s': version %d was proposed by %s, who may not approve it too:"
		                 " a new version needs a second admin",
		                 code, version, actor);
	if ((st = stmt(store, PROGRAMS_Q_VERSION_ADD_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	store_bind_int64(st, 2, version);
	store_bind_int64(st, 3, (int64_t)seq);
	store_bind_text(st, 4, actor);
	return store_run(st, err);
}

/* {"code","version"}: a version approved. */
static enum redress_err
encode_add(struct buf *out, const char *code, int version, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "code");
	canon_string(&c, code);
	canon_key(&c, "version");
	canon_int(&c, version);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
programs_version_add_decode(const struct event *ev, char code[PROGRAM_CODE_MAX + 1], int *version_r,
                            struct redress_error *err)
{
	static const char *const keys[] = {"code", "version", NULL};
	int64_t version;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "code", code, PROGRAM_CODE_MAX + 1, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "version", &version, err)) != REDRESS_OK)
		return rc;
	if (version < 2 || version > PROGRAM_VERSIONS_MAX)
		return error_set(err, REDRESS_E_INVALID, "field 'version' is %lld", (long long)version);
	*version_r = (int)version;
	return REDRESS_OK;
}

enum redress_err
programs_versions_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	enum redress_err rc;

	if (strcmp(ev->type, PROGRAMS_EV_VERSION_PROPOSED) == 0) {
		struct program *p;
		const char *rules;

		if ((p = malloc(sizeof(*p))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory");
		if ((rc = programs_decode(ev, p, &rules, err)) == REDRESS_OK)
			rc = programs_version_apply(store, p, rules, ev->seq, ev->actor, err);
		free(p);
		return rc;
	}
	if (strcmp(ev->type, PROGRAMS_EV_VERSION_ADDED) == 0) {
		char code[PROGRAM_CODE_MAX + 1];
		int version;

		if ((rc = programs_version_add_decode(ev, code, &version, err)) != REDRESS_OK)
			return rc;
		return programs_version_add_apply(store, code, version, ev->seq, ev->actor, err);
	}
	return error_set(err, REDRESS_E_INVALID, "unknown programs event type '%.64s'", ev->type);
}

/*
 * 1 in *same_r when q (its number and day aside) is what version last
 * already says: such a file proposes nothing.  Compared as the events
 * would record them.
 */
static enum redress_err
same_as_last(struct store *store, const struct program *q, int last, int *same_r, struct redress_error *err)
{
	struct program *cur = malloc(sizeof(*cur));
	struct buf a, b, ra, rb;
	enum redress_err rc;

	*same_r = 0;
	if (cur == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	buf_init(&a, VERSION_EVENT_DATA_MAX + 2 * PROGRAM_RULES_TEXT_MAX);
	buf_init(&b, VERSION_EVENT_DATA_MAX + 2 * PROGRAM_RULES_TEXT_MAX);
	buf_init(&ra, PROGRAM_RULES_TEXT_MAX + 1);
	buf_init(&rb, PROGRAM_RULES_TEXT_MAX + 1);
	buf_puts(&ra, "");
	buf_puts(&rb, "");
	if ((rc = program_version_get(store, q->code, last, cur, err)) == REDRESS_E_NOTFOUND) {
		rc = REDRESS_OK;
		goto out;
	}
	/* A version still awaiting its approval: the proposal is refused for that, below. */
	if (rc != REDRESS_OK || (last > 1 && cur->added_seq == 0))
		goto out;
	cur->version = q->version;
	text_copy(cur->from, sizeof(cur->from), q->from);
	cur->added_seq = q->added_seq;
	if ((rc = programs_rules_text(q, &ra, err)) != REDRESS_OK ||
	    (rc = programs_rules_text(cur, &rb, err)) != REDRESS_OK ||
	    (rc = programs_encode(&a, q, ra.data != NULL ? ra.data : "", err)) != REDRESS_OK ||
	    (rc = programs_encode(&b, cur, rb.data != NULL ? rb.data : "", err)) != REDRESS_OK)
		goto out;
	*same_r = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
out:
	buf_free(&a);
	buf_free(&b);
	buf_free(&ra);
	buf_free(&rb);
	free(cur);
	return rc;
}

enum redress_err
program_version_propose(struct tlog *log, const struct actor *actor, const struct program *p,
                        const char *from, int *version_r, struct redress_error *err)
{
	struct program *q = NULL;
	struct buf data, rules;
	char day[11];
	enum redress_err rc;
	int last = 1;

	buf_init(&data, VERSION_EVENT_DATA_MAX + 2 * PROGRAM_RULES_TEXT_MAX);
	buf_init(&rules, PROGRAM_RULES_TEXT_MAX + 1);
	buf_puts(&rules, "");
	if ((rc = users_require(actor, PERM_PROGRAMS_MANAGE, err)) != REDRESS_OK ||
	    (rc = programs_check(p, err)) != REDRESS_OK ||
	    (rc = registry_date_check("--from", from, err)) != REDRESS_OK)
		goto out;
	today(day);
	if (strcmp(from, day) < 0) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "--from %s is in the past: a new version is in force from today (%s) or later;"
		               " what was booked before keeps its amounts",
		               from, day);
		goto out;
	}
	if ((q = malloc(sizeof(*q))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	*q = *p;
	if ((rc = last_version(tlog_store(log), q->code, &last, err)) != REDRESS_OK)
		goto out;
	q->version = last + 1;
	text_copy(q->from, sizeof(q->from), from);
	{
		int same;

		if ((rc = same_as_last(tlog_store(log), q, last, &same, err)) != REDRESS_OK)
			goto out;
		if (same) {
			rc = error_set(
			    err, REDRESS_E_CONFLICT,
			    "program '%s' already exists and already says what this file says (version %d):"
			    " nothing to propose",
			    q->code, last);
			goto out;
		}
	}
	/* programs_encode writes "from" and "version" for a version after the first. */
	if ((rc = programs_rules_text(q, &rules, err)) != REDRESS_OK ||
	    (rc = programs_encode(&data, q, rules.data != NULL ? rules.data : "", err)) != REDRESS_OK)
		goto out;
	/* A version replay would refuse is refused here: the change is rolled back, nothing written. */
	if ((rc = tlog_append_apply(log, &programs_module, PROGRAMS_EV_VERSION_PROPOSED, &data, NULL, err)) !=
	    REDRESS_OK)
		goto out;
	if (version_r != NULL)
		*version_r = q->version;
out:
	buf_free(&data);
	buf_free(&rules);
	free(q);
	return rc;
}

enum redress_err
program_version_approve(struct tlog *log, const struct actor *actor, const char *code, int version,
                        struct redress_error *err)
{
	struct buf data;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PROGRAMS_MANAGE, err)) != REDRESS_OK)
		return rc;
	if (version < 2 || version > PROGRAM_VERSIONS_MAX)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "--version %d: a version to approve is 2 or later (version 1 is the program as"
		    " first added)",
		    version);
	buf_init(&data, VERSION_EVENT_DATA_MAX);
	if ((rc = encode_add(&data, code, version, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &programs_module, PROGRAMS_EV_VERSION_ADDED, &data, NULL, err);
	buf_free(&data);
	return rc;
}
