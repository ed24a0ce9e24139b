/*
 * ledger_int.h -- what ledger.c (commands) and ledger_apply.c (events and
 * tables) share.  Private to src/domain/ledger.
 */
#ifndef REDRESS_DOMAIN_LEDGER_INT_H
#define REDRESS_DOMAIN_LEDGER_INT_H

#include "core/buf.h"
#include "domain/ledger/ledger.h"

#define LEDGER_EV_ACCOUNT_OPENED    "ledger.account.opened"
#define LEDGER_EV_TRANSFER_CREATED  "ledger.transfer.created"
#define LEDGER_EV_TRANSFER_POSTED   "ledger.transfer.posted"
#define LEDGER_EV_TRANSFER_VOIDED   "ledger.transfer.voided"

extern const struct store_query ledger_q_account_get;
extern const struct store_query ledger_q_transfer_get;

/* Reads the account or transfer under the cursor st. */
void ledger_account_read(struct store_stmt *st, struct ledger_account *a);
void ledger_transfer_read(struct store_stmt *st, struct ledger_transfer *t);

/* Canonical event data for each event type, appended to out. */
enum redress_err ledger_encode_account(struct buf *out, const struct ledger_account *a, struct redress_error *err);
enum redress_err ledger_encode_transfer(struct buf *out, const struct ledger_transfer *t, struct redress_error *err);
enum redress_err ledger_encode_id(struct buf *out, const char *id, struct redress_error *err);

/*
 * Applying events to the tables.  The live commands and audit's replay
 * share these, so the tables can only ever be what the events say.
 * Accounts passed in are the current rows; they are updated in place.
 */
enum redress_err ledger_apply_account(struct store *store, const struct ledger_account *a,
				      struct redress_error *err);
enum redress_err ledger_apply_transfer(struct store *store, const struct ledger_transfer *t,
				       struct ledger_account *debit, struct ledger_account *credit,
				       struct redress_error *err);
enum redress_err ledger_apply_resolve(struct store *store, struct ledger_transfer *t, enum ledger_state to,
				      uint64_t seq, struct ledger_account *debit, struct ledger_account *credit,
				      struct redress_error *err);

#endif
