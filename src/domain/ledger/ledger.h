/*
 * ledger.h -- the fund ledger: double-entry accounts and transfers in
 * integer minor units.
 *
 * A transfer moves an amount from one account to another of the same
 * currency: the source ("from") is credited, the destination ("to") is
 * debited.  Each account keeps four running totals -- debits and credits,
 * posted and pending -- so that per currency, debits always equal credits.
 * An account's balance is read on its normal side: debits minus credits for
 * assets and expenses, credits minus debits for liabilities, equity and
 * income.  An account flagged no-overdraft refuses any transfer that would
 * take that balance below zero, pending amounts included.
 *
 * Transfers carry a client-chosen id that is also the idempotency key: the
 * same id with the same fields again is a no-op that reports the original;
 * the same id with different fields is refused.  A pending transfer is later
 * posted (settled) or voided (cancelled), once.
 *
 * Every change is an event on the log (types "ledger.*"), and these
 * functions must be called inside a change: tlog_begin() ... tlog_commit().
 * On error the caller must roll the whole change back (tlog_rollback()):
 * an exchange may have booked one leg, and the accounts a change touches
 * are written only when it commits.  Nothing of a rolled-back change
 * remains.
 */
#ifndef REDRESS_DOMAIN_LEDGER_H
#define REDRESS_DOMAIN_LEDGER_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/money.h"
#include "log/tlog.h"
#include "store/store.h"

#define LEDGER_CODE_MAX 64  /* account code, bytes */
#define LEDGER_ID_MAX   64  /* transfer id, bytes */
#define LEDGER_NAME_MAX 200 /* account name, bytes */
#define LEDGER_REF_MAX  200 /* transfer reference, bytes */

/* Accounts whose code starts with this are the ledger's own, for exchange. */
#define LEDGER_EXCHANGE_PREFIX "exchange:"

enum ledger_kind {
	LEDGER_ASSET,
	LEDGER_LIABILITY,
	LEDGER_EQUITY,
	LEDGER_INCOME,
	LEDGER_EXPENSE,
};

enum ledger_state {
	LEDGER_PENDING,
	LEDGER_POSTED,
	LEDGER_VOIDED,
};

struct ledger_account {
	char code[LEDGER_CODE_MAX + 1];
	char currency[CURRENCY_CODE_SIZE];
	enum ledger_kind kind;
	char name[LEDGER_NAME_MAX + 1];
	int no_overdraft;
	int64_t debits_posted;
	int64_t credits_posted;
	int64_t debits_pending;
	int64_t credits_pending;
	uint64_t opened_seq; /* the event that opened it */
};

struct ledger_transfer {
	char id[LEDGER_ID_MAX + 4];       /* room for an exchange leg's "/out" */
	char debit[LEDGER_CODE_MAX + 1];  /* the "to" account */
	char credit[LEDGER_CODE_MAX + 1]; /* the "from" account */
	int64_t amount;
	char currency[CURRENCY_CODE_SIZE];
	int two_phase; /* created pending */
	enum ledger_state state;
	char ref[LEDGER_REF_MAX + 1];
	char exchange[LEDGER_ID_MAX + 1]; /* the exchange it is a leg of, or "" */
	uint64_t created_seq;
	int64_t resolved_seq; /* the post or void event, or -1 */
};

struct ledger_account_spec {
	const char *code;
	const char *currency;
	enum ledger_kind kind;
	const char *name; /* may be NULL: the code is used */
	int no_overdraft;
};

struct ledger_transfer_request {
	const char *id;
	const char *from;   /* credited */
	const char *to;     /* debited */
	const char *amount; /* decimal text in the accounts' currency */
	int pending;
	const char *ref; /* may be NULL */
};

struct ledger_exchange_request {
	const char *id;
	const char *from;      /* credited, in the first currency */
	const char *amount;    /* what leaves from, as the bank booked it */
	const char *to;        /* debited, in the second currency */
	const char *to_amount; /* what arrives in to, as the bank booked it */
	const char *ref;       /* may be NULL */
};

/* The log's view of this module: its events, tables and checks. */
extern const struct event_module ledger_module;

/* "asset" ... "expense"; and back (REDRESS_E_INVALID listing the kinds). */
const char *ledger_kind_name(enum ledger_kind kind);
enum redress_err ledger_kind_parse(const char *text, enum ledger_kind *kind_r, struct redress_error *err);
const char *ledger_state_name(enum ledger_state state);

/* The balance on the account's normal side, posted only, and with pending. */
enum redress_err ledger_balance(const struct ledger_account *a, int64_t *posted_r, int64_t *with_pending_r,
                                struct redress_error *err);

/*
 * Opens an account.  Opening again with the same fields is a no-op
 * (*existed_r = 1, may be NULL); with other fields, REDRESS_E_CONFLICT.
 */
enum redress_err ledger_account_open(struct tlog *log, const struct ledger_account_spec *spec, int *existed_r,
                                     struct redress_error *err);

/* Reads an account; REDRESS_E_NOTFOUND naming code when there is none. */
enum redress_err ledger_account_get(struct store *store, const char *code, struct ledger_account *a_r,
                                    struct redress_error *err);

/*
 * Reads an account as the current change sees it: inside a change its
 * totals include what the change has booked (which reach the table only at
 * commit); outside one, as ledger_account_get.
 */
enum redress_err ledger_account_current(struct tlog *log, const char *code, struct ledger_account *a_r,
                                        struct redress_error *err);

/* Calls fn for each account in code order; stops at fn's first error. */
enum redress_err ledger_account_each(struct store *store,
                                     enum redress_err (*fn)(void *ctx, const struct ledger_account *a,
                                                            struct redress_error *err),
                                     void *ctx, struct redress_error *err);

/*
 * Books a transfer (pending when req->pending).  *t_r receives the transfer
 * as booked; *replayed_r (may be NULL) is 1 when it already existed.
 */
enum redress_err ledger_transfer_create(struct tlog *log, const struct ledger_transfer_request *req,
                                        struct ledger_transfer *t_r, int *replayed_r,
                                        struct redress_error *err);

/* Settles or cancels a pending transfer; anything else is REDRESS_E_CONFLICT. */
enum redress_err ledger_transfer_post(struct tlog *log, const char *id, struct ledger_transfer *t_r,
                                      struct redress_error *err);
enum redress_err ledger_transfer_void(struct tlog *log, const char *id, struct ledger_transfer *t_r,
                                      struct redress_error *err);

enum redress_err ledger_transfer_get(struct store *store, const char *id, struct ledger_transfer *t_r,
                                     struct redress_error *err);

/* Calls fn for each transfer touching account code, oldest first. */
enum redress_err ledger_history(struct store *store, const char *code,
                                enum redress_err (*fn)(void *ctx, const struct ledger_transfer *t,
                                                       struct redress_error *err),
                                void *ctx, struct redress_error *err);

/*
 * Books a currency conversion as two linked, posted transfers that commit
 * together: from -> exchange:CUR1 for amount, and exchange:CUR2 -> to for
 * to_amount, with ids "ID/out" and "ID/in".  Both amounts are the bank's;
 * no rate is computed.  The exchange accounts are opened on first use.
 * out_r and in_r (may be NULL) receive the two legs.
 */
enum redress_err ledger_exchange(struct tlog *log, const struct ledger_exchange_request *req,
                                 struct ledger_transfer *out_r, struct ledger_transfer *in_r, int *replayed_r,
                                 struct redress_error *err);

/*
 * JSON for readers (ledger_json.c), new references the caller decrefs (NULL
 * when out of memory).  An amount is its decimal text in the currency's
 * exponent; an account carries its balances, a transfer its state.
 */
json_t *ledger_amount_json(int64_t minor, const char *currency);
json_t *ledger_account_json(const struct ledger_account *a, struct redress_error *err);
json_t *ledger_transfer_json(const struct ledger_transfer *t);

#endif
