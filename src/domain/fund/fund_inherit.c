/*
 * fund_inherit.c -- the successor's side of a fund's end (fund.h): an
 * archive checked and taken over, every open claim, unpaid entitlement
 * and ledger account of it recorded as an obligation in the successor's
 * own log, and read back.
 *
 * One "fund.inherited" event says what the archive declared (its counts
 * and unpaid sums); one "fund.obligation" event per item follows it in the
 * same change.  Audit (fund.c) counts the obligations against the
 * declaration, so an item dropped on the way is found, not assumed.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "domain/fund/fund.h"
#include "domain/fund/fund_int.h"
#include "domain/reports/reports.h"
#include "log/audit.h"

/* ---- Applying the events ------------------------------------------------------------ */

static const char *const inherited_keys[] = {
    "accounts", "archive",   "closed", "open_claims",         "origin",
    "size",     "successor", "unpaid", "unpaid_entitlements", NULL};
static const char *const obligation_keys[] = {"amount", "credits", "currency", "debits", "id", "inherited",
                                              "kind",   "person",  "program",  "state",  NULL};

enum redress_err
fund_inherited_apply(struct store *store, struct audit_fold *fold, const struct event *ev,
                     struct redress_error *err)
{
	char origin[CHECKPOINT_ORIGIN_MAX + 1], archive[65], successor[FUND_SUCCESSOR_MAX + 1];
	int64_t closed, size, claims, unpaid_n, accounts;
	const struct canon_node *unpaid;
	struct canon cw;
	struct buf sums;
	enum redress_err rc;

	buf_init(&sums, 4096);
	if ((rc = canon_only_keys(ev->data, inherited_keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "origin", origin, sizeof(origin), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "archive", archive, sizeof(archive), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "successor", successor, sizeof(successor), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "closed", &closed, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "size", &size, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "open_claims", &claims, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "unpaid_entitlements", &unpaid_n, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "accounts", &accounts, err)) != REDRESS_OK)
		goto out;
	if ((unpaid = canon_find(ev->data, "unpaid")) == NULL || unpaid->type != CANON_OBJECT) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "field 'unpaid' must be an object of sums per currency");
		goto out;
	}
	canon_init(&cw, &sums);
	canon_write_node(&cw, unpaid);
	if ((rc = canon_error(&cw, err)) != REDRESS_OK || (rc = buf_error(&sums, err)) != REDRESS_OK)
		goto out;
	buf_putc(&sums, '\0');
	if (store != NULL) {
		struct store_stmt *st = store_statement(store, &fund_catalogue, FUND_Q_INHERITED_INSERT, err);

		if (st == NULL) {
			rc = err->code;
			goto out;
		}
		store_bind_int64(st, 1, (int64_t)ev->seq);
		store_bind_text(st, 2, origin);
		store_bind_text(st, 3, archive);
		store_bind_int64(st, 4, closed);
		store_bind_int64(st, 5, size);
		store_bind_text(st, 6, successor);
		store_bind_int64(st, 7, claims);
		store_bind_int64(st, 8, unpaid_n);
		store_bind_int64(st, 9, accounts);
		store_bind_text(st, 10, sums.data);
		if ((rc = store_run(st, err)) != REDRESS_OK)
			goto out;
	}
	if (fold != NULL) {
		struct audit_value row[10] = {AUDIT_INT_VALUE(ev->seq),  AUDIT_TEXT_VALUE(origin),
		                              AUDIT_TEXT_VALUE(archive), AUDIT_INT_VALUE(closed),
		                              AUDIT_INT_VALUE(size),     AUDIT_TEXT_VALUE(successor),
		                              AUDIT_INT_VALUE(claims),   AUDIT_INT_VALUE(unpaid_n),
		                              AUDIT_INT_VALUE(accounts), AUDIT_TEXT_VALUE(sums.data)};

		audit_fold_row(fold, FUND_TABLE_INHERITED, row, 10);
	}
out:
	buf_free(&sums);
	if (rc != REDRESS_OK)
		error_prefix(err, "event %llu (%s)", (unsigned long long)ev->seq, ev->type);
	return rc;
}

/* 1 when seq is an inheritance: among known (the fold's), or in the table. */
static int
inheritance_known(struct store *store, const uint64_t *known, size_t n, int64_t seq,
                  struct redress_error *err)
{
	struct store_stmt *st;
	size_t i;

	if (store == NULL) {
		for (i = 0; i < n; i++)
			if (known[i] == (uint64_t)seq)
				return 1;
		return 0;
	}
	if ((st = store_statement(store, &fund_catalogue, FUND_Q_INHERITED_FIND, err)) == NULL)
		return -1;
	store_bind_text(st, 1, "");
	store_bind_int64(st, 2, seq);
	switch (store_step(st, err)) {
	case STORE_ROW: store_done(st); return 1;
	case STORE_DONE: return 0;
	default: return -1;
	}
}

enum redress_err
fund_obligation_apply(struct store *store, struct audit_fold *fold, const uint64_t *known, size_t n,
                      const struct event *ev, struct redress_error *err)
{
	struct fund_obligation o;
	int64_t inherited;
	int found;
	enum redress_err rc;

	memset(&o, 0, sizeof(o));
	if ((rc = canon_only_keys(ev->data, obligation_keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "kind", o.kind, sizeof(o.kind), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", o.id, sizeof(o.id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "program", o.program, sizeof(o.program), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "person", o.person, sizeof(o.person), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "state", o.state, sizeof(o.state), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", o.currency, sizeof(o.currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "amount", &o.amount, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "debits", &o.debits, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "credits", &o.credits, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "inherited", &inherited, err)) != REDRESS_OK)
		goto out;
	if (strcmp(o.kind, "claim") != 0 && strcmp(o.kind, "entitlement") != 0 &&
	    strcmp(o.kind, "account") != 0) {
		rc = error_set(err, REDRESS_E_INVALID, "field 'kind' is '%s': claim, entitlement or account",
		               o.kind);
		goto out;
	}
	if ((found = inheritance_known(store, known, n, inherited, err)) < 0) {
		rc = err->code;
		goto out;
	}
	if (!found || inherited < 0 || (uint64_t)inherited >= ev->seq) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "field 'inherited' (%lld) names no fund.inherited event before it",
		               (long long)inherited);
		goto out;
	}
	if (store != NULL) {
		struct store_stmt *st =
		    store_statement(store, &fund_catalogue, FUND_Q_OBLIGATION_INSERT, err);

		if (st == NULL) {
			rc = err->code;
			goto out;
		}
		store_bind_int64(st, 1, (int64_t)ev->seq);
		store_bind_int64(st, 2, inherited);
		store_bind_text(st, 3, o.kind);
		store_bind_text(st, 4, o.id);
		store_bind_text(st, 5, o.program);
		store_bind_text(st, 6, o.person);
		store_bind_text(st, 7, o.state);
		store_bind_text(st, 8, o.currency);
		store_bind_int64(st, 9, o.amount);
		store_bind_int64(st, 10, o.debits);
		store_bind_int64(st, 11, o.credits);
		if ((rc = store_run(st, err)) != REDRESS_OK)
			goto out;
	}
	if (fold != NULL) {
		struct audit_value row[11] = {
		    AUDIT_INT_VALUE(ev->seq),  AUDIT_INT_VALUE(inherited),   AUDIT_TEXT_VALUE(o.kind),
		    AUDIT_TEXT_VALUE(o.id),    AUDIT_TEXT_VALUE(o.program),  AUDIT_TEXT_VALUE(o.person),
		    AUDIT_TEXT_VALUE(o.state), AUDIT_TEXT_VALUE(o.currency), AUDIT_INT_VALUE(o.amount),
		    AUDIT_INT_VALUE(o.debits), AUDIT_INT_VALUE(o.credits)};

		audit_fold_row(fold, FUND_TABLE_OBLIGATIONS, row, 11);
	}
out:
	if (rc != REDRESS_OK)
		error_prefix(err, "event %llu (%s)", (unsigned long long)ev->seq, ev->type);
	return rc;
}

/* ---- Taking an archive over ------------------------------------------------------------ */

/* Appends one event of this module whose data is the jansson object data (taken). */
static enum redress_err
append_json(struct tlog *log, const char *type, json_t *data, uint64_t *seq_r, struct redress_error *err)
{
	struct buf bytes;
	enum redress_err rc;

	if (data == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	buf_init(&bytes, TLOG_EVENT_MAX);
	if ((rc = report_json_canon(data, &bytes, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &fund_module, type, &bytes, seq_r, err);
	buf_free(&bytes);
	json_decref(data);
	return rc;
}

/* A string member of an item of the archive's body, "" when absent. */
static const char *
member(json_t *item, const char *key)
{
	const char *s = json_string_value(json_object_get(item, key));

	return s != NULL ? s : "";
}

static json_int_t
integer(json_t *item, const char *key)
{
	return json_integer_value(json_object_get(item, key));
}

/* One obligation of the body's list, as the event records it. */
static enum redress_err
append_obligation(struct tlog *log, uint64_t inherited, const char *kind, json_t *item,
                  struct redress_error *err)
{
	int account = strcmp(kind, "account") == 0, claim = strcmp(kind, "claim") == 0;
	json_t *data = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "kind", kind, "id",
	    member(item, account ? "account" : "id"), "program", member(item, "program"), "person",
	    account ? "" : member(item, claim ? "victim" : "beneficiary"), "state", member(item, "state"),
	    "currency", member(item, "currency"), "amount", account ? (json_int_t)0 : integer(item, "amount"),
	    "debits", account ? integer(item, "debits") : (json_int_t)0, "credits",
	    account ? integer(item, "credits") : (json_int_t)0, "inherited", (json_int_t)inherited);

	return append_json(log, FUND_EV_OBLIGATION, data, NULL, err);
}

enum redress_err
fund_inherit(struct tlog *log, const struct actor *actor, const char *text, size_t len, const char *vkey,
             const struct cosig_policy *policy, struct fund_archive_verified *v_r, uint64_t *seq_r,
             struct redress_error *err)
{
	static const char *const lists[3][2] = {
	    {"open_claims", "claim"}, {"unpaid_entitlements", "entitlement"}, {"accounts", "account"}};
	static const struct store_field seq_field[] = {STORE_FIELD_INT64_ROW};
	struct fund_closure own;
	struct store_stmt *st;
	int64_t taken;
	json_t *root = NULL, *body = NULL, *totals, *item;
	size_t i, j;
	int closed;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK)
		return rc;
	if ((closed = fund_closed(tlog_store(log), &own, err)) < 0)
		return err->code;
	if (closed)
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "this fund is closed itself (event %llu, to %s): it cannot take another over",
		    (unsigned long long)own.seq, own.successor);
	if ((rc = fund_archive_verify(text, len, vkey, policy, v_r, err)) != REDRESS_OK)
		return rc;
	if (strcmp(v_r->origin, tlog_origin(log)) == 0)
		return error_set(err, REDRESS_E_CONFLICT, "the archive is this very fund's (%s)",
		                 v_r->origin);
	if ((st = store_statement(tlog_store(log), &fund_catalogue, FUND_Q_INHERITED_FIND, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, v_r->archive);
	store_bind_int64(st, 2, -1);
	switch (store_read_one(st, seq_field, &taken, err)) {
	case STORE_ROW:
		return error_set(err, REDRESS_E_CONFLICT, "this archive was taken over already (event %lld)",
		                 (long long)taken);
	case STORE_DONE: break;
	default: return err->code;
	}
	/* fund_archive_verify checked all of this; read again for the lists. */
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    (body = json_loads(json_string_value(json_object_get(root, "body")), JSON_REJECT_DUPLICATES,
	                       NULL)) == NULL ||
	    !json_is_object(totals = json_object_get(body, "totals"))) {
		rc = error_set(err, REDRESS_E_INVALID, "the archive's body is not JSON");
		goto out;
	}
	if ((rc = append_json(log, FUND_EV_INHERITED,
	                      json_pack("{s:s, s:s, s:I, s:I, s:s, s:I, s:I, s:I, s:O}", "origin",
	                                v_r->origin, "archive", v_r->archive, "closed", (json_int_t)v_r->seq,
	                                "size", (json_int_t)v_r->size, "successor", v_r->successor,
	                                "open_claims", (json_int_t)v_r->open_claims, "unpaid_entitlements",
	                                (json_int_t)v_r->unpaid, "accounts", (json_int_t)v_r->accounts,
	                                "unpaid", json_object_get(totals, "unpaid")),
	                      seq_r, err)) != REDRESS_OK)
		goto out;
	for (j = 0; j < 3; j++)
		json_array_foreach(json_object_get(body, lists[j][0]), i, item)
		{
			if ((rc = append_obligation(log, *seq_r, lists[j][1], item, err)) != REDRESS_OK) {
				error_prefix(err, "%s %zu of the archive", lists[j][0], i + 1);
				goto out;
			}
		}
out:
	json_decref(body);
	json_decref(root);
	return rc;
}

/* ---- Reading what was taken over ------------------------------------------------------- */

/* FUND_Q_OBLIGATIONS's columns, each text cut to its field as before. */
static const struct store_field obligation_fields[] = {
    STORE_FIELD(struct fund_obligation, seq),         STORE_FIELD(struct fund_obligation, inherited),
    STORE_FIELD_CUT(struct fund_obligation, kind),    STORE_FIELD_CUT(struct fund_obligation, id),
    STORE_FIELD_CUT(struct fund_obligation, program), STORE_FIELD_CUT(struct fund_obligation, person),
    STORE_FIELD_CUT(struct fund_obligation, state),   STORE_FIELD_CUT(struct fund_obligation, currency),
    STORE_FIELD(struct fund_obligation, amount),      STORE_FIELD(struct fund_obligation, debits),
    STORE_FIELD(struct fund_obligation, credits),     STORE_FIELD_CUT(struct fund_obligation, origin),
};

enum redress_err
fund_obligations_each(struct store *store,
                      enum redress_err (*fn)(void *ctx, const struct fund_obligation *o,
                                             struct redress_error *err),
                      void *ctx, struct redress_error *err)
{
	struct fund_obligation o;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc = REDRESS_OK;

	if ((st = store_statement(store, &fund_catalogue, FUND_Q_OBLIGATIONS, err)) == NULL)
		return err->code;
	memset(&o, 0, sizeof(o));
	while ((r = store_read(st, obligation_fields, &o, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &o, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_ERROR ? err->code : REDRESS_OK;
}
