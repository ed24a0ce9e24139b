/*
 * entitlements_diff.c -- a rule change shown before it is made: every
 * approved claim of a program computed under the rules in force and under
 * a new version of them (entitlements_owe_claim, the run's own rules, with
 * sinks that count instead of booking), compared beneficiary by
 * beneficiary and harm by harm, and set against what the fund holds.
 * Nothing is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/entitlements/entitlements_int.h"
#include "domain/ledger/ledger.h"

/* What one rule owes: (claim, beneficiary, amount), in the order computed. */
struct owed_list {
	size_t n, cap;
	struct entitlements_change *items; /* old_amount holds the amount */
};

static enum redress_err
count_one(void *ctx, const struct program *p, const struct claim *c, const char *beneficiary, int64_t amount,
          enum entitlement_basis basis, struct entitlements_run *run, struct redress_error *err)
{
	struct owed_list *l = ctx;
	struct entitlements_change *e;

	(void)p;
	(void)basis;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct entitlements_change *items = realloc(l->items, cap * sizeof(*items));

		if (items == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory previewing a rule change");
		l->items = items;
		l->cap = cap;
	}
	e = &l->items[l->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->claim, sizeof(e->claim), "%s", c->id);
	snprintf(e->beneficiary, sizeof(e->beneficiary), "%s", beneficiary);
	e->old_amount = amount;
	run->booked++;
	return money_add(run->total, amount, &run->total, err);
}

static int
change_order(const void *a, const void *b)
{
	const struct entitlements_change *x = a, *y = b;
	int c = strcmp(x->claim, y->claim);

	return c != 0 ? c : strcmp(x->beneficiary, y->beneficiary);
}

/* The harm's figures row, added when missing; NULL when the table is full. */
static struct entitlements_harm_figures *
harm_row(struct entitlements_diff *d, const char *code)
{
	size_t i;

	for (i = 0; i < d->nharms; i++)
		if (strcmp(d->harms[i].harm, code) == 0)
			return &d->harms[i];
	if (d->nharms == sizeof(d->harms) / sizeof(d->harms[0]))
		return NULL;
	snprintf(d->harms[d->nharms].harm, sizeof(d->harms[0].harm), "%s", code);
	return &d->harms[d->nharms++];
}

struct harm_ctx {
	const struct program *oldp, *newp;
	struct entitlements_diff *d;
	char today[11];
};

/* An approved harm of a claim: its own amount under each rule (0 where a rule lacks it). */
static enum redress_err
harm_figures(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	struct harm_ctx *x = ctx;
	struct entitlements_harm_figures *row;
	int64_t v;
	int i;
	enum redress_err rc;

	if (h->state != CLAIM_HARM_APPROVED)
		return REDRESS_OK;
	if ((row = harm_row(x->d, h->harm)) == NULL)
		return error_set(err, REDRESS_E_INTERNAL, "more harms than a preview counts");
	row->claims++;
	if ((i = program_harm_find(x->oldp, h->harm)) >= 0) {
		if ((rc = program_amount_value(x->oldp, &x->oldp->rules.harms[i].amount, x->today, &v,
		                               err)) != REDRESS_OK ||
		    (rc = money_add(row->old_amount, v, &row->old_amount, err)) != REDRESS_OK)
			return rc;
	}
	if ((i = program_harm_find(x->newp, h->harm)) >= 0) {
		if ((rc = program_amount_value(x->newp, &x->newp->rules.harms[i].amount, x->today, &v,
		                               err)) != REDRESS_OK ||
		    (rc = money_add(row->new_amount, v, &row->new_amount, err)) != REDRESS_OK)
			return rc;
	}
	return REDRESS_OK;
}

/* The approved claims, each computed under both rules; what is paid of them. */
struct walk {
	struct tlog *log;
	struct store *store;
	const struct program *oldp, *newp;
	struct entitlements_diff *d;
	struct owed_list old_owed, new_owed;
	struct harm_ctx harms;
};

static enum redress_err
walk_claim(void *ctx, const struct claim *c, struct redress_error *err)
{
	struct walk *w = ctx;
	const struct entitlements_sink old_sink = {count_one, &w->old_owed},
	                               new_sink = {count_one, &w->new_owed};
	struct entitlement *items = NULL;
	size_t n = 0, i;
	enum redress_err rc;

	w->d->claims++;
	if ((rc = entitlements_owe_claim(w->log, w->oldp, c, &w->d->old_run, &old_sink, err)) != REDRESS_OK ||
	    (rc = entitlements_owe_claim(w->log, w->newp, c, &w->d->new_run, &new_sink, err)) != REDRESS_OK ||
	    (rc = claim_harm_each(w->store, c->id, harm_figures, &w->harms, err)) != REDRESS_OK ||
	    (rc = entitlements_of_claim(w->store, c->id, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; rc == REDRESS_OK && i < n; i++)
		if (items[i].state == ENTITLEMENT_PAID || items[i].state == ENTITLEMENT_BATCHED)
			rc = money_add(w->d->paid, items[i].amount, &w->d->paid, err);
	free(items);
	return rc;
}

/* Appends a change to d (both lists sorted); old or new may be NULL (none under that rule). */
static enum redress_err
compare(struct entitlements_diff *d, const struct entitlements_change *old,
        const struct entitlements_change *new, struct redress_error *err)
{
	struct entitlements_change *c;
	int64_t a = old != NULL ? old->old_amount : 0, b = new != NULL ? new->old_amount : 0, delta;

	if (a == b) {
		d->same++;
		return REDRESS_OK;
	}
	if (__builtin_sub_overflow(b, a, &delta))
		return error_set(err, REDRESS_E_OVERFLOW, "a preview's change overflows");
	if (delta > 0) {
		d->gain++;
		if (__builtin_add_overflow(d->gained, delta, &d->gained))
			return error_set(err, REDRESS_E_OVERFLOW, "a preview's gains overflow");
	} else {
		d->lose++;
		if (__builtin_sub_overflow(d->lost, delta, &d->lost))
			return error_set(err, REDRESS_E_OVERFLOW, "a preview's losses overflow");
	}
	c = &d->changes[d->nchanges++];
	*c = old != NULL ? *old : *new;
	c->old_amount = a;
	c->new_amount = b;
	return REDRESS_OK;
}

static enum redress_err
merge(struct entitlements_diff *d, struct owed_list *old, struct owed_list *new, struct redress_error *err)
{
	size_t i = 0, k = 0, max = old->n + new->n;
	enum redress_err rc = REDRESS_OK;
	int c;

	if (old->n > 0)
		qsort(old->items, old->n, sizeof(*old->items), change_order);
	if (new->n > 0)
		qsort(new->items, new->n, sizeof(*new->items), change_order);
	if (max > 0 && (d->changes = calloc(max, sizeof(*d->changes))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory previewing a rule change");
	while (rc == REDRESS_OK && (i < old->n || k < new->n)) {
		c = i == old->n ? 1 : k == new->n ? -1 : change_order(&old->items[i], &new->items[k]);
		if (c == 0)
			rc = compare(d, &old->items[i++], &new->items[k++], err);
		else if (c < 0)
			rc = compare(d, &old->items[i++], NULL, err);
		else
			rc = compare(d, NULL, &new->items[k++], err);
	}
	return rc;
}

/* What the fund account holds, available. */
static enum redress_err
fund_holds(struct tlog *log, const struct program *p, int64_t *holds_r, struct redress_error *err)
{
	struct ledger_account fund;
	int64_t posted;
	enum redress_err rc;

	if ((rc = ledger_account_current(log, p->fund, &fund, err)) != REDRESS_OK)
		return rc;
	return ledger_balance(&fund, &posted, holds_r, err);
}

enum redress_err
entitlements_preview(struct tlog *log, const struct actor *actor, const struct program *newp,
                     struct entitlements_diff *d_r, struct redress_error *err)
{
	struct walk w;
	struct program *oldp;
	enum redress_err rc;

	memset(d_r, 0, sizeof(*d_r));
	memset(&w, 0, sizeof(w));
	if ((rc = users_require(actor, PERM_PROGRAMS_MANAGE, err)) != REDRESS_OK)
		return rc;
	if ((oldp = malloc(sizeof(*oldp))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = program_get(tlog_store(log), newp->code, oldp, err)) != REDRESS_OK) {
		if (rc == REDRESS_E_NOTFOUND)
			error_set(
			    err, rc,
			    "no program '%s' to compare with: a preview compares a new version of a program"
			    " with the one in force (add a new program with 'redress program add')",
			    newp->code);
		goto out;
	}
	if (strcmp(oldp->currency, newp->currency) != 0 || strcmp(oldp->fund, newp->fund) != 0 ||
	    strcmp(oldp->payable, newp->payable) != 0) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "program '%s': a new version keeps its currency (%s) and its fund and payable"
		               " accounts (%s, %s): what is owed and paid is counted in them",
		               newp->code, oldp->currency, oldp->fund, oldp->payable);
		goto out;
	}
	w.log = log;
	w.store = tlog_store(log);
	w.oldp = oldp;
	w.newp = newp;
	w.d = d_r;
	w.harms.oldp = oldp;
	w.harms.newp = newp;
	w.harms.d = d_r;
	entitlements_today(w.harms.today);
	if ((rc = claim_each(w.store, CLAIM_APPROVED, newp->code, walk_claim, &w, err)) != REDRESS_OK ||
	    (rc = merge(d_r, &w.old_owed, &w.new_owed, err)) != REDRESS_OK ||
	    (rc = fund_holds(log, oldp, &d_r->holds, err)) != REDRESS_OK)
		goto out;
	d_r->old_total = d_r->old_run.total;
	d_r->new_total = d_r->new_run.total;
	if (__builtin_sub_overflow(d_r->new_total, d_r->paid, &d_r->would_owe)) {
		rc = error_set(err, REDRESS_E_OVERFLOW, "what the fund would owe overflows");
		goto out;
	}
	d_r->short_by = d_r->would_owe > d_r->holds ? d_r->would_owe - d_r->holds : 0;
out:
	free(w.old_owed.items);
	free(w.new_owed.items);
	free(oldp);
	return rc;
}

void
entitlements_diff_free(struct entitlements_diff *d)
{
	if (d == NULL)
		return;
	free(d->changes);
	d->changes = NULL;
	d->nchanges = 0;
}

json_t *
entitlements_diff_json(const char *program, const char *currency, const struct entitlements_diff *d)
{
	json_t *o, *harms = json_array(), *changes = json_array();
	size_t i;
	int bad = harms == NULL || changes == NULL;

	for (i = 0; !bad && i < d->nharms; i++)
		bad = json_array_append_new(harms,
		                            json_pack("{s:s, s:I, s:I, s:I}", "harm", d->harms[i].harm,
		                                      "claims", (json_int_t)d->harms[i].claims, "old_minor",
		                                      (json_int_t)d->harms[i].old_amount, "new_minor",
		                                      (json_int_t)d->harms[i].new_amount)) != 0;
	for (i = 0; !bad && i < d->nchanges; i++)
		bad = json_array_append_new(changes,
		                            json_pack("{s:s, s:s, s:I, s:I}", "claim", d->changes[i].claim,
		                                      "beneficiary", d->changes[i].beneficiary, "old_minor",
		                                      (json_int_t)d->changes[i].old_amount, "new_minor",
		                                      (json_int_t)d->changes[i].new_amount)) != 0;
	if (bad) {
		json_decref(harms);
		json_decref(changes);
		return NULL;
	}
	o = json_pack("{s:s, s:s, s:I, s:{s:I, s:I, s:I}, s:I, s:I, s:I, s:I, s:{s:I, s:I}, s:{s:I, s:I},"
	              " s:o, s:{s:I, s:I, s:I, s:I}, s:o}",
	              "program", program, "currency", currency, "claims", (json_int_t)d->claims,
	              "beneficiaries", "gain", (json_int_t)d->gain, "lose", (json_int_t)d->lose, "same",
	              (json_int_t)d->same, "old_total_minor", (json_int_t)d->old_total, "new_total_minor",
	              (json_int_t)d->new_total, "gained_minor", (json_int_t)d->gained, "lost_minor",
	              (json_int_t)d->lost, "excluded", "old", (json_int_t)d->old_run.excluded, "new",
	              (json_int_t)d->new_run.excluded, "unresolved", "old", (json_int_t)d->old_run.unresolved,
	              "new", (json_int_t)d->new_run.unresolved, "by_harm", harms, "fund", "holds_minor",
	              (json_int_t)d->holds, "paid_minor", (json_int_t)d->paid, "would_owe_minor",
	              (json_int_t)d->would_owe, "short_minor", (json_int_t)d->short_by, "changes", changes);
	return o;
}
