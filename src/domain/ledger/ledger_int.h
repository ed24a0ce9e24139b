/*
 * ledger_int.h -- what ledger.c (commands) and ledger_apply.c (events and
 * tables) share.  Private to src/domain/ledger.
 */
#ifndef REDRESS_DOMAIN_LEDGER_INT_H
#define REDRESS_DOMAIN_LEDGER_INT_H

#include "core/buf.h"
#include "domain/ledger/ledger.h"
#include "log/audit.h"

/* The characters allowed in account codes and transfer ids, after the first. */
#define LEDGER_CODE_CHARS "._:-"
#define LEDGER_ID_CHARS   "._:-"

#define LEDGER_EV_ACCOUNT_OPENED   "ledger.account.opened"
#define LEDGER_EV_TRANSFER_CREATED "ledger.transfer.created"
#define LEDGER_EV_TRANSFER_POSTED  "ledger.transfer.posted"
#define LEDGER_EV_TRANSFER_VOIDED  "ledger.transfer.voided"

/*
 * Steps st (an account's or a transfer's statement of the catalogue) and
 * reads its row by the declared columns: as store_read().
 */
enum store_step_result ledger_account_next(struct store_stmt *st, struct ledger_account *a,
                                           struct redress_error *err);
enum store_step_result ledger_transfer_next(struct store_stmt *st, struct ledger_transfer *t,
                                            struct redress_error *err);

/* Canonical event data for each event type, appended to out. */
enum redress_err ledger_encode_account(struct buf *out, const struct ledger_account *a,
                                       struct redress_error *err);
enum redress_err ledger_encode_transfer(struct buf *out, const struct ledger_transfer *t,
                                        struct redress_error *err);
enum redress_err ledger_encode_id(struct buf *out, const char *id, struct redress_error *err);

/*
 * The accounts a change touches, read once and written back once, when the
 * change commits (event_module.flush).  Commands read accounts, and the
 * replay of the change's events (through tlog_append_apply) updates them,
 * only through ledger_cache_account(); the pointer stays valid until the
 * change ends.  ledger_cache_get is the same with the module's slot for the
 * change (tlog_module_state, or an event's state) and the store.
 */
enum redress_err ledger_cache_account(struct tlog *log, const char *code, struct ledger_account **a_r,
                                      struct redress_error *err);
enum redress_err ledger_cache_get(void **state, struct store *store, const char *code,
                                  struct ledger_account **a_r, struct redress_error *err);
/* Marks a cached account as changed, to be written at commit. */
void ledger_cache_dirty(struct ledger_account *a);
enum redress_err ledger_cache_flush(struct store *store, void *state, struct redress_error *err);
void ledger_cache_discard(void *state);

/* Writes an account's four totals. */
enum redress_err ledger_write_totals(struct store *store, const struct ledger_account *a,
                                     struct redress_error *err);

/* Reading events back: each checks every field and refuses unknown ones. */
enum redress_err ledger_decode_account(const struct event *ev, struct ledger_account *a,
                                       struct redress_error *err);
enum redress_err ledger_decode_transfer(const struct event *ev, struct ledger_transfer *t,
                                        struct redress_error *err);
enum redress_err ledger_decode_id(const struct event *ev, const char **id_r, struct redress_error *err);

/*
 * The arithmetic of a transfer on its two accounts' totals, checked; on
 * error the accounts are unchanged.  Shared by the tables and audit's fold.
 */
enum redress_err ledger_totals_create(const struct ledger_transfer *t, struct ledger_account *debit,
                                      struct ledger_account *credit, struct redress_error *err);
enum redress_err ledger_totals_resolve(const struct ledger_transfer *t, enum ledger_state to,
                                       struct ledger_account *debit, struct ledger_account *credit,
                                       struct redress_error *err);

/* Audit's fast path: the ledger's events folded into an in-memory model. */
void *ledger_fold_begin(void);
enum redress_err ledger_fold(void *model, const struct event *ev, struct audit_fold *fold,
                             struct redress_error *err);
void ledger_fold_end(void *model, struct audit_fold *fold);

/*
 * Applying events to the tables: what the module's replay does, for audit
 * and for the commands (which append through tlog_append_apply), so the
 * tables can only ever be what the events say.  Accounts passed in are the
 * current rows; their totals are updated in place (checked) but not
 * written: the caller writes them, at once (audit's replay) or when the
 * change commits (the cache).
 */
enum redress_err ledger_apply_account(struct store *store, const struct ledger_account *a,
                                      struct redress_error *err);
enum redress_err ledger_apply_transfer(struct store *store, const struct ledger_transfer *t,
                                       struct ledger_account *debit, struct ledger_account *credit,
                                       struct redress_error *err);
enum redress_err ledger_apply_resolve(struct store *store, struct ledger_transfer *t, enum ledger_state to,
                                      uint64_t seq, struct ledger_account *debit,
                                      struct ledger_account *credit, struct redress_error *err);

/* The module's statements (ledger_catalogue, in ledger_apply.c), by id. */
enum ledger_statement {
	LEDGER_Q_ACCOUNTS_ALL,
	LEDGER_Q_HISTORY,
	LEDGER_Q_ACCOUNT_GET,
	LEDGER_Q_TRANSFER_GET,
	LEDGER_Q_ACCOUNT_INSERT,
	LEDGER_Q_ACCOUNT_TOTALS,
	LEDGER_Q_TRANSFER_INSERT,
	LEDGER_Q_TRANSFER_RESOLVE,
	LEDGER_Q_SNAPSHOT_ACCOUNTS,
	LEDGER_Q_SNAPSHOT_TRANSFERS,
	LEDGER_Q_CHECK_BALANCED,
	LEDGER_Q_CHECK_OVERDRAFT,
	LEDGER_Q_COUNT
};
extern const struct store_catalogue ledger_catalogue;

#endif
