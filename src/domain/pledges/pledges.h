/*
 * pledges.h -- what donors promise a program, on what conditions, and what
 * the fund has received of it: the fund's public record of its money in.
 *
 * A pledge (id "P-000001", in order) names a program, a donor (an
 * institution, never a survivor), an amount in the donor's currency and,
 * optionally, the conditions attached to it, as text.  Adding it books the
 * promise in the ledger: contributions:CUR (income) to pledges:CUR (an
 * asset, the receivable, never below zero), transfer "pledge:ID".
 *
 * A receipt books what the bank received against a pledge into the
 * program's fund.  In the program's currency it is one transfer
 * (pledges:CUR to the fund, "receipt:ID.N"); in another currency it is a
 * ledger exchange (ledger_exchange: pledges:CUR -> exchange:CUR and
 * exchange:PCUR -> fund) with both amounts as the bank booked them, no
 * rate computed.  A receipt never exceeds what remains of the pledge.
 *
 * Every change is an event ("pledges.pledge.added",
 * "pledges.pledge.received") in the same change as its ledger transfers;
 * the tables pledges_pledges and pledges_receipts are their projection,
 * and audit folds both.  Call inside tlog_begin() ... tlog_commit(); on
 * error roll the change back.
 */
#ifndef REDRESS_DOMAIN_PLEDGES_H
#define REDRESS_DOMAIN_PLEDGES_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/money.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define PLEDGE_ID_MAX        16   /* "P-000001", more digits after 999999 */
#define PLEDGE_DONOR_MAX     200  /* bytes */
#define PLEDGE_CONDITION_MAX 2000 /* bytes */

struct pledge {
	char id[PLEDGE_ID_MAX + 1];
	char program[65];
	char donor[PLEDGE_DONOR_MAX + 1];
	int64_t amount; /* minor units of currency */
	char currency[CURRENCY_CODE_SIZE];
	char condition[PLEDGE_CONDITION_MAX + 1]; /* "" when none */
	int64_t received;                         /* minor units of currency received so far */
	uint64_t receipts;                        /* receipts booked */
	uint64_t added_seq;
};

struct pledge_receipt {
	char id[PLEDGE_ID_MAX + 24]; /* "P-000001.1" */
	char pledge[PLEDGE_ID_MAX + 1];
	int64_t amount;    /* minor units of the pledge's currency, what left the donor */
	int64_t to_amount; /* minor units of the program's currency, what reached the fund */
	char currency[CURRENCY_CODE_SIZE];
	char to_currency[CURRENCY_CODE_SIZE];
	uint64_t seq;
};

extern const struct event_module pledges_module;

/*
 * Records a pledge of amount (decimal text in currency) by donor to
 * program, with condition (may be NULL), and books it as a receivable.
 * Needs PERM_LEDGER_WRITE.  id_r (PLEDGE_ID_MAX + 1 bytes) receives its id.
 * Bad input is REDRESS_E_INVALID naming the field; an unknown program
 * REDRESS_E_NOTFOUND.
 */
enum redress_err pledge_add(struct tlog *log, const struct actor *actor, const char *program,
                            const char *donor, const char *amount, const char *currency,
                            const char *condition, char *id_r, struct redress_error *err);

/*
 * Books a receipt of amount (decimal text in the pledge's currency) against
 * pledge id into the program's fund.  to_amount (decimal text in the
 * program's currency) is what the bank booked into the fund: required when
 * the currencies differ (REDRESS_E_USAGE saying so otherwise), refused when
 * they are the same and it is not equal to amount.  A receipt above what
 * remains of the pledge is REDRESS_E_REFUSED saying how much remains.
 * Needs PERM_LEDGER_WRITE.  *r_r (may be NULL) receives the receipt.
 */
enum redress_err pledge_receive(struct tlog *log, const struct actor *actor, const char *id,
                                const char *amount, const char *to_amount, struct pledge_receipt *r_r,
                                struct redress_error *err);

/* Reads a pledge; REDRESS_E_NOTFOUND naming id when there is none. */
enum redress_err pledge_get(struct store *store, const char *id, struct pledge *p_r,
                            struct redress_error *err);

/* Calls fn for each pledge (program NULL: of every program) in id order. */
enum redress_err pledge_each(struct store *store, const char *program,
                             enum redress_err (*fn)(void *ctx, const struct pledge *p,
                                                    struct redress_error *err),
                             void *ctx, struct redress_error *err);

/* The pledge as JSON (pledges_json.c): a new reference, NULL when out of memory. */
json_t *pledge_json(const struct pledge *p);

#endif
