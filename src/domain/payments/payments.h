/*
 * payments.h -- paying entitlements through the fund's bank, and reading
 * back what the bank did: payment batches, ISO 20022 files, reconciliation.
 *
 * What this module promises:
 *
 *   - A batch (payments_batch) takes unpaid entitlements (queued, or
 *     returned by the bank earlier) in queue order, most frail then
 *     oldest, and makes a payment order of each: one pending ledger
 *     transfer from the program's fund to its payable account, held until
 *     the bank answers, and the entitlement becomes "batched".  The order
 *     id is the transfer id and the pain.001 EndToEndId: "B-000001-000001"
 *     (the batch, then the order's place in it).  Beneficiaries without
 *     bank details, or who have died or been erased, are left in the queue.
 *   - Settlement (a booked debit in camt.054) posts exactly the pending
 *     transfer and makes the entitlement "paid" on the booking date; a
 *     return (a credit with return information in camt.054) or a rejection
 *     (pain.002, RJCT; for a whole batch, GrpSts or PmtInfSts RJCT) voids
 *     it and puts the entitlement back in the queue
 *     as "returned" with the bank's reason code.  A payment the bank
 *     returns after booking it is reversed: a posted transfer "ID-R" from
 *     the payable back to the fund, and the entitlement is returned.
 *     Money is never lost or created: amounts and currencies must match
 *     the order to the unit.
 *   - An import is one change, all or nothing.  An end-to-end id that is
 *     unknown, twice in one file, or whose amount, currency or direction
 *     does not match its order, refuses the whole file naming the file
 *     and the line.  Importing the same file (same SHA-256) again changes
 *     nothing; an entry that the order already reflects changes nothing.
 *   - Bank details of beneficiaries are sealed with the person's own data
 *     key (as the registry seals identity fields), never in clear in the
 *     tables, the log or any message; exporting a batch opens them and is
 *     itself recorded as an event naming the account.
 *   - The fund's own account (the debtor of pain.001) is set per program
 *     with payments_debtor_set: it is the fund's, not a person's, and in
 *     clear.  It is not part of the program's rules because rules never
 *     change while bank accounts do.
 *
 * Every change is an event ("payments.*") inside a change (tlog_begin ...
 * tlog_commit); on error the caller rolls the whole change back.
 */
#ifndef REDRESS_DOMAIN_PAYMENTS_H
#define REDRESS_DOMAIN_PAYMENTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/money.h"
#include "domain/entitlements/entitlements.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define PAYMENTS_BATCH_ID_MAX 16 /* "B-000001" */
#define PAYMENTS_ORDER_ID_MAX 35 /* an EndToEndId is at most 35 characters */
#define PAYMENTS_ACCOUNT_MAX  34 /* an account number (Othr/Id, Max34Text) */
#define PAYMENTS_IBAN_MAX     34
#define PAYMENTS_BIC_MAX      11
#define PAYMENTS_HOLDER_MAX   140                 /* a name (Max140Text) */
#define PAYMENTS_XML_MAX      (64u * 1024 * 1024) /* bytes in a bank file */
#define PAYMENTS_MSG_ID_MAX   35
#define PAYMENTS_BATCH_MAX    100000 /* orders in one batch */
/* A bank's reason: an ISO code (AC04) or its own text (Prtry, Max35Text: 35 characters). */
#define PAYMENTS_REASON_MAX  ENTITLEMENT_REASON_MAX
#define PAYMENTS_REASON_SIZE ENTITLEMENT_REASON_SIZE

/*
 * ISO 20022 counts MaxNText in characters (code points): a buffer for N
 * characters of UTF-8 holds up to 4 bytes each.
 */
#define PAYMENTS_TEXT_SIZE(n) ((n)*4 + 1)
#define PAYMENTS_SCHEME_MAX   35 /* an account's scheme: a code (BBAN) or Prtry text (Max35Text) */

/* A beneficiary's bank details, in clear: only in memory. */
struct payments_bank {
	char account[PAYMENTS_TEXT_SIZE(PAYMENTS_ACCOUNT_MAX)];
	char iban[PAYMENTS_IBAN_MAX + 1]; /* or "" */
	char bic[PAYMENTS_BIC_MAX + 1];
	char holder[PAYMENTS_TEXT_SIZE(PAYMENTS_HOLDER_MAX)];
};

/*
 * The fund's own account for a program: the debtor of its payments.  Its
 * IBAN, or (where accounts have none, as in Korea and Japan) its account
 * number and the number's scheme (pain.001's Othr/Id and SchmeNm: an ISO
 * code such as BBAN, or the bank's own name for it): exactly one of iban
 * and account is set.
 */
struct payments_debtor {
	char program[65];
	char name[PAYMENTS_TEXT_SIZE(PAYMENTS_HOLDER_MAX)];
	char iban[PAYMENTS_IBAN_MAX + 1];                       /* or "" */
	char account[PAYMENTS_TEXT_SIZE(PAYMENTS_ACCOUNT_MAX)]; /* or "" */
	char scheme[PAYMENTS_TEXT_SIZE(PAYMENTS_SCHEME_MAX)];   /* with account: BBAN, ... */
	char bic[PAYMENTS_BIC_MAX + 1];
};

enum payments_order_state {
	PAYMENTS_PENDING,  /* at the bank: the transfer is held */
	PAYMENTS_SETTLED,  /* booked by the bank: the transfer is posted */
	PAYMENTS_RETURNED, /* returned or rejected: the transfer is voided */
};

struct payments_order {
	char id[PAYMENTS_ORDER_ID_MAX + 1]; /* also the ledger transfer's id and the EndToEndId */
	char batch[PAYMENTS_BATCH_ID_MAX + 1];
	char entitlement[65];
	char beneficiary[REGISTRY_PSEUDONYM_MAX + 1];
	int64_t amount; /* minor units */
	char currency[CURRENCY_CODE_SIZE];
	enum payments_order_state state;
	char booked_on[11];                /* settled: the bank's booking date */
	char reason[PAYMENTS_REASON_SIZE]; /* returned: the bank's reason (code or text) */
	char import[65];                   /* the SHA-256 of the file that settled or returned it, or "" */
};

struct payments_batch_info {
	char id[PAYMENTS_BATCH_ID_MAX + 1];
	char program[65];
	char currency[CURRENCY_CODE_SIZE];
	uint64_t orders, pending, settled, returned;
	int64_t total, total_pending, total_settled, total_returned; /* minor units */
	uint64_t exports;                                            /* times exported */
	uint64_t created_seq;
};

/* What a batch run did. */
struct payments_batch_run {
	char id[PAYMENTS_BATCH_ID_MAX + 1]; /* "" when nothing was batched */
	uint64_t orders;
	int64_t total;
	char currency[CURRENCY_CODE_SIZE];
	uint64_t no_bank;  /* left in the queue: no bank details recorded */
	uint64_t deceased; /* left in the queue: beneficiary deceased or erased */
	uint64_t merged;   /* left in the queue: beneficiary merged into another person (domain/dups) */
};

/* What an import did (or found already done). */
struct payments_import_run {
	char kind[24]; /* "camt.054.001.08", "camt.053.001.08" or "pain.002.001.10" */
	char sha256[65];
	int already; /* 1: this very file was imported before; nothing changed */
	uint64_t settled, returned, unchanged, ignored;
	/*
	 * Entries that are not ours (a fee, a donation coming in, a transfer
	 * with EndToEndId NOTPROVIDED): counted and summed, never booked.  The
	 * sums are in foreign_currency; foreign_mixed when the entries are in
	 * more than one currency (then the sums are of the first one only), and
	 * foreign_unsummed counts those without an amount of their own.
	 */
	uint64_t foreign, foreign_in, foreign_out, foreign_unsummed;
	int64_t foreign_in_total, foreign_out_total; /* minor units */
	char foreign_currency[CURRENCY_CODE_SIZE];
	int foreign_mixed;
};

extern const struct event_module payments_module;

const char *payments_order_state_name(enum payments_order_state state);

/* Field checks, for commands and decoders: name the field, never echo the value. */
enum redress_err payments_bic_check(const char *bic, struct redress_error *err);
enum redress_err payments_iban_check(const char *iban, struct redress_error *err);
/* An account number's scheme: an ISO code (1 to 4 of A-Z, 0-9) or text of at most 35 characters. */
enum redress_err payments_scheme_check(const char *scheme, struct redress_error *err);
/* The fund's account: a name, an IBAN or an account number with its scheme, a BIC. */
enum redress_err payments_debtor_check(const struct payments_debtor *d, struct redress_error *err);

/*
 * Records pseudonym's bank details, sealed with her data key (keys from
 * the key directory).  Needs PERM_PERSONS_WRITE; an erased person is
 * REDRESS_E_NOTFOUND.  A later record replaces an earlier one.
 */
enum redress_err payments_bank_set(struct tlog *log, const struct actor *actor,
                                   const struct registry_keys *keys, const char *pseudonym,
                                   const struct payments_bank *bank, struct redress_error *err);

/*
 * Sets the fund's own account for program (PERM_LEDGER_WRITE): its IBAN,
 * or its account number with the number's scheme ("" is BBAN).
 */
enum redress_err payments_debtor_set(struct tlog *log, const struct actor *actor,
                                     const struct payments_debtor *d, struct redress_error *err);

/* Makes a batch of up to limit (0: no limit) orders for program (PERM_LEDGER_WRITE). */
enum redress_err payments_batch(struct tlog *log, const struct actor *actor, const char *program,
                                uint64_t limit, struct payments_batch_run *run_r, struct redress_error *err);

/*
 * Writes the batch's pending orders as pain.001.001.09 into out (which
 * the caller initialised), opening each beneficiary's bank details, and
 * records the export (PERM_LEDGER_WRITE).  now is the creation time,
 * "YYYY-MM-DDTHH:MM:SS".  A batch with nothing pending, a program with no
 * debtor account, or a beneficiary with no bank details is refused.
 */
enum redress_err payments_export(struct tlog *log, const struct actor *actor,
                                 const struct registry_keys *keys, const char *batch, const char *now,
                                 struct buf *out, struct redress_error *err);

/*
 * Imports a bank file (len bytes; name is how errors name it): camt.054,
 * camt.053 or pain.002, told by its namespace.  Entries are applied in the
 * file's order (a booking and then its return in one file both count);
 * entries that are not ours are reported in run_r, not booked.  Needs PERM_LEDGER_WRITE.  On any
 * refusal the caller rolls the change back; nothing is then changed.
 */
enum redress_err payments_import(struct tlog *log, const struct actor *actor, const char *name,
                                 const char *bytes, size_t len, struct payments_import_run *run_r,
                                 struct redress_error *err);

/* Reads a batch and its figures. */
enum redress_err payments_batch_get(struct store *store, const char *batch, struct payments_batch_info *b_r,
                                    struct redress_error *err);

/* Calls fn with each batch's id, the newest first (fn may read the store, e.g. payments_batch_get). */
enum redress_err payments_batch_each(struct store *store,
                                     enum redress_err (*fn)(void *ctx, const char *id,
                                                            struct redress_error *err),
                                     void *ctx, struct redress_error *err);

/* Calls fn for each order of batch, in id order. */
enum redress_err payments_orders_each(struct store *store, const char *batch,
                                      enum redress_err (*fn)(void *ctx, const struct payments_order *o,
                                                             struct redress_error *err),
                                      void *ctx, struct redress_error *err);

/*
 * The batch and its orders as JSON (payments_json.c): a new reference in
 * *json_r the caller decrefs.  Pseudonyms only, never bank details.
 */
enum redress_err payments_batch_json(struct store *store, const char *batch, json_t **json_r,
                                     struct redress_error *err);

#endif
