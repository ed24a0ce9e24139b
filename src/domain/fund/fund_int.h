/*
 * fund_int.h -- what fund.c and fund_inherit.c share and nobody else sees:
 * the module's statements, and the two functions that apply the
 * successor's events to the tables (replay and the change alike).
 */
#ifndef REDRESS_DOMAIN_FUND_INT_H
#define REDRESS_DOMAIN_FUND_INT_H

#include "core/error.h"
#include "log/tlog.h"
#include "store/store.h"

enum fund_statement {
	FUND_Q_INSERT,
	FUND_Q_GET,
	FUND_Q_OPEN_CLAIMS,
	FUND_Q_UNPAID,
	FUND_Q_ACCOUNTS,
	FUND_Q_INHERITED_INSERT,
	FUND_Q_INHERITED_FIND,
	FUND_Q_OBLIGATION_INSERT,
	FUND_Q_OBLIGATIONS,
	FUND_Q_CHECK_COUNTS,
	FUND_Q_CHECK_SUMS,
	FUND_Q_SNAPSHOT_CLOSURE,
	FUND_Q_SNAPSHOT_INHERITED,
	FUND_Q_SNAPSHOT_OBLIGATIONS,
	FUND_Q_COUNT
};

/* In this order: the fold digests its rows by these tables' indexes. */
enum fund_table { FUND_TABLE_CLOSURE, FUND_TABLE_INHERITED, FUND_TABLE_OBLIGATIONS };

extern const struct store_statement fund_statements[FUND_Q_COUNT];
extern const struct store_catalogue fund_catalogue;

struct audit_fold;

/*
 * Applies a fund.inherited or fund.obligation event: to the tables when
 * store is not NULL, and its rows to fold when fold is not NULL (audit's
 * fast path).  A malformed event, or an obligation naming no inheritance
 * (known: the seqs in *known, n of them, when store is NULL), is
 * REDRESS_E_INVALID naming the event.
 */
enum redress_err fund_inherited_apply(struct store *store, struct audit_fold *fold, const struct event *ev,
                                      struct redress_error *err);
enum redress_err fund_obligation_apply(struct store *store, struct audit_fold *fold, const uint64_t *known,
                                       size_t n, const struct event *ev, struct redress_error *err);

#endif
