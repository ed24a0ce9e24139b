/*
 * ledger_fold.c -- the ledger's events folded into memory, for audit's fast
 * path (log/audit.h).  The model holds the accounts, which every transfer
 * changes, and the pending transfers, which a later event settles or
 * cancels; every other transfer row is final when it is created, so it is
 * hashed into the fold at once and forgotten.  Memory therefore grows with
 * the accounts and the pending transfers, not with the log.
 *
 * The rows are the snapshot queries' rows, column for column: accounts are
 * table 0, transfers table 1 (ledger_apply.c, ledger_snapshots).
 */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "domain/ledger/ledger_int.h"

#define TABLE_ACCOUNTS  0
#define TABLE_TRANSFERS 1

struct ledger_model {
	struct strmap accounts; /* code -> struct ledger_account */
	struct strmap pending;  /* id -> struct ledger_transfer */
};

void *
ledger_fold_begin(void)
{
	struct ledger_model *m = calloc(1, sizeof(*m));

	if (m != NULL) {
		strmap_init(&m->accounts);
		strmap_init(&m->pending);
	}
	return m;
}

static void
fold_account(struct audit_fold *fold, const struct ledger_account *a)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(a->code),
	    AUDIT_TEXT_VALUE(a->currency),
	    AUDIT_TEXT_VALUE(ledger_kind_name(a->kind)),
	    AUDIT_TEXT_VALUE(a->name),
	    AUDIT_INT_VALUE(a->no_overdraft),
	    AUDIT_INT_VALUE(a->debits_posted),
	    AUDIT_INT_VALUE(a->credits_posted),
	    AUDIT_INT_VALUE(a->debits_pending),
	    AUDIT_INT_VALUE(a->credits_pending),
	    AUDIT_INT_VALUE(a->opened_seq),
	};

	audit_fold_row(fold, TABLE_ACCOUNTS, row, sizeof(row) / sizeof(row[0]));
}

static void
fold_transfer(struct audit_fold *fold, const struct ledger_transfer *t)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(t->id),
	    AUDIT_TEXT_VALUE(t->debit),
	    AUDIT_TEXT_VALUE(t->credit),
	    AUDIT_INT_VALUE(t->amount),
	    AUDIT_TEXT_VALUE(t->currency),
	    AUDIT_INT_VALUE(t->two_phase),
	    AUDIT_TEXT_VALUE(ledger_state_name(t->state)),
	    AUDIT_TEXT_OR_NULL_VALUE(t->ref),
	    AUDIT_TEXT_OR_NULL_VALUE(t->exchange),
	    AUDIT_INT_VALUE(t->created_seq),
	    t->resolved_seq >= 0 ? AUDIT_INT_VALUE(t->resolved_seq)
	                         : (struct audit_value){AUDIT_NULL, 0, NULL},
	};

	audit_fold_row(fold, TABLE_TRANSFERS, row, sizeof(row) / sizeof(row[0]));
}

static enum redress_err
model_pair(struct ledger_model *m, const struct ledger_transfer *t, struct ledger_account **debit_r,
           struct ledger_account **credit_r, struct redress_error *err)
{
	if ((*debit_r = strmap_get(&m->accounts, t->debit)) == NULL)
		return error_set(err, REDRESS_E_NOTFOUND, "no account '%s'", t->debit);
	if ((*credit_r = strmap_get(&m->accounts, t->credit)) == NULL)
		return error_set(err, REDRESS_E_NOTFOUND, "no account '%s'", t->credit);
	return REDRESS_OK;
}

static enum redress_err
fold_opened(struct ledger_model *m, const struct event *ev, struct redress_error *err)
{
	struct ledger_account *a;
	enum redress_err rc;

	if ((a = malloc(sizeof(*a))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding accounts");
	if ((rc = ledger_decode_account(ev, a, err)) != REDRESS_OK ||
	    (rc = strmap_put(&m->accounts, a->code, a, err)) != REDRESS_OK) {
		free(a);
		return rc;
	}
	return REDRESS_OK;
}

static enum redress_err
fold_created(struct ledger_model *m, const struct event *ev, struct audit_fold *fold,
             struct redress_error *err)
{
	struct ledger_account *debit, *credit;
	struct ledger_transfer t, *held;
	enum redress_err rc;

	if ((rc = ledger_decode_transfer(ev, &t, err)) != REDRESS_OK ||
	    (rc = model_pair(m, &t, &debit, &credit, err)) != REDRESS_OK)
		return rc;
	if (t.two_phase && strmap_get(&m->pending, t.id) != NULL)
		return error_set(err, REDRESS_E_CONFLICT, "transfer '%s' is created twice", t.id);
	if ((rc = ledger_totals_create(&t, debit, credit, err)) != REDRESS_OK)
		return rc;
	if (!t.two_phase) {
		fold_transfer(fold, &t);
		return REDRESS_OK;
	}
	if ((held = malloc(sizeof(*held))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding transfers");
	*held = t;
	if ((rc = strmap_put(&m->pending, held->id, held, err)) != REDRESS_OK)
		free(held);
	return rc;
}

static enum redress_err
fold_resolved(struct ledger_model *m, const struct event *ev, enum ledger_state to, struct audit_fold *fold,
              struct redress_error *err)
{
	struct ledger_account *debit, *credit;
	struct ledger_transfer *t;
	const char *id;
	enum redress_err rc;

	if ((rc = ledger_decode_id(ev, &id, err)) != REDRESS_OK)
		return rc;
	if ((t = strmap_get(&m->pending, id)) == NULL)
		return error_set(err, REDRESS_E_CONFLICT, "transfer '%.64s' is not pending", id);
	if ((rc = model_pair(m, t, &debit, &credit, err)) != REDRESS_OK ||
	    (rc = ledger_totals_resolve(t, to, debit, credit, err)) != REDRESS_OK)
		return rc;
	t->state = to;
	t->resolved_seq = (int64_t)ev->seq;
	fold_transfer(fold, t);
	free(strmap_remove(&m->pending, t->id));
	return REDRESS_OK;
}

enum redress_err
ledger_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct ledger_model *m = model;

	if (strcmp(ev->type, LEDGER_EV_ACCOUNT_OPENED) == 0)
		return fold_opened(m, ev, err);
	if (strcmp(ev->type, LEDGER_EV_TRANSFER_CREATED) == 0)
		return fold_created(m, ev, fold, err);
	if (strcmp(ev->type, LEDGER_EV_TRANSFER_POSTED) == 0)
		return fold_resolved(m, ev, LEDGER_POSTED, fold, err);
	if (strcmp(ev->type, LEDGER_EV_TRANSFER_VOIDED) == 0)
		return fold_resolved(m, ev, LEDGER_VOIDED, fold, err);
	return error_set(err, REDRESS_E_INVALID, "unknown ledger event type '%.64s'", ev->type);
}

/* Adds the rows still held (unless fold is NULL) and frees the model. */
static void
drain(struct strmap *map, struct audit_fold *fold, void (*emit)(struct audit_fold *, const void *))
{
	size_t i;

	for (i = 0; i < map->cap; i++) {
		if (map->slots[i].key == NULL)
			continue;
		if (fold != NULL)
			emit(fold, map->slots[i].value);
		free(map->slots[i].value);
	}
	strmap_free(map);
}

static void
emit_account(struct audit_fold *fold, const void *a)
{
	fold_account(fold, a);
}

static void
emit_transfer(struct audit_fold *fold, const void *t)
{
	fold_transfer(fold, t);
}

void
ledger_fold_end(void *model, struct audit_fold *fold)
{
	struct ledger_model *m = model;

	drain(&m->accounts, fold, emit_account);
	drain(&m->pending, fold, emit_transfer);
	free(m);
}
