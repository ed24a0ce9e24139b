/*
 * payments_int.h -- what payments.c (commands), payments_apply.c (events,
 * tables, replay, fold) and payments_xml.c (the ISO 20022 files) share.
 * Private to src/domain/payments, but for the XML reader and writer, which
 * the fuzz target and the unit tests call directly.
 */
#ifndef REDRESS_DOMAIN_PAYMENTS_INT_H
#define REDRESS_DOMAIN_PAYMENTS_INT_H

#include "core/buf.h"
#include "domain/payments/payments.h"

#define PAYMENTS_EV_DEBTOR   "payments.debtor.set"
#define PAYMENTS_EV_BANK     "payments.bank.recorded"
#define PAYMENTS_EV_BATCH    "payments.batch.created"
#define PAYMENTS_EV_ORDER    "payments.order.created"
#define PAYMENTS_EV_SETTLED  "payments.order.settled"
#define PAYMENTS_EV_RETURNED "payments.order.returned"
#define PAYMENTS_EV_IMPORTED "payments.file.imported"
#define PAYMENTS_EV_EXPORTED "payments.batch.exported"

#define PAYMENTS_NS_PAIN001 "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
#define PAYMENTS_NS_CAMT054 "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"
#define PAYMENTS_NS_CAMT053 "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
#define PAYMENTS_NS_PAIN002 "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"

#define PAYMENTS_EVENT_DATA_MAX (16u * 1024)
#define PAYMENTS_SEAL_PAD       128

/* What a bank file says about one order. */
enum payments_bank_what {
	PAYMENTS_BANK_SETTLE,  /* camt.054/053: a booked debit */
	PAYMENTS_BANK_RETURN,  /* camt.054/053: a credit with return information, or a reversal */
	PAYMENTS_BANK_REJECT,  /* pain.002: RJCT */
	PAYMENTS_BANK_STATUS,  /* pain.002: any other status (accepted, pending): changes nothing */
	PAYMENTS_BANK_FOREIGN, /* camt: not ours (a fee, a donation, NOTPROVIDED): reported, not booked */
};

struct payments_bank_entry {
	char e2e[PAYMENTS_ORDER_ID_MAX + 1];   /* "" when a whole batch is rejected */
	char batch[PAYMENTS_BATCH_ID_MAX + 1]; /* pain.002: the batch rejected whole, or "" */
	enum payments_bank_what what;
	int credit;      /* foreign: 1 for money in (CRDT), 0 for money out */
	int has_amount;  /* pain.002, and a foreign entry, may not say the amount */
	char amount[40]; /* decimal text as the bank wrote it */
	char currency[CURRENCY_CODE_SIZE];
	char date[11];                     /* settle: the booking date */
	char reason[PAYMENTS_REASON_SIZE]; /* return, reject: the reason (Cd, or Prtry's text) */
	long line;                         /* where the entry's end-to-end id is */
};

struct payments_bank_file {
	char kind[24]; /* "camt.054.001.08", "camt.053.001.08", "pain.002.001.10" */
	char msg_id[PAYMENTS_MSG_ID_MAX + 1];
	struct payments_bank_entry *entries;
	size_t n, cap;
	uint64_t ignored; /* entries that concern no order: not booked, or accepted and still pending */
};

/*
 * Reads a camt.054.001.08, camt.053.001.08 or pain.002.001.10 file (len bytes, at most
 * PAYMENTS_XML_MAX) into *f (which it initialises; free with
 * payments_bank_file_free, also on failure).  No DTD, no entity, no
 * network: a document type declaration is refused.  Every error names
 * name and the line.  Amounts are checked only for form here; payments.c
 * checks them against the orders.
 */
enum redress_err payments_bank_file_read(const char *bytes, size_t len, const char *name,
                                         struct payments_bank_file *f, struct redress_error *err);
void payments_bank_file_free(struct payments_bank_file *f);

/* One credit transfer of a pain.001. */
struct payments_pain_tx {
	const char *e2e;
	int64_t amount;
	const struct payments_bank *bank;
	const char *remittance; /* unstructured, may be NULL */
};

/*
 * Writes a pain.001.001.09 document to out: one payment information block
 * (pmt_inf_id) from d, executed on exec_date, of n transfers in currency.
 * The group header's NbOfTxs and CtrlSum are computed from tx (checked
 * sums).  All text goes through libxml2's writer, which escapes it.
 */
enum redress_err payments_pain001_write(struct buf *out, const struct payments_debtor *d, const char *msg_id,
                                        const char *pmt_inf_id, const char *now, const char *exec_date,
                                        const char *currency, const struct payments_pain_tx *tx, size_t n,
                                        struct redress_error *err);

/*
 * Plays the bank, for the demo and the tests: writes a camt.054.001.08
 * notification (msg_id, created now "YYYY-MM-DDTHH:MM:SS", for the fund's
 * account acct: its IBAN or its number and scheme) of the n entries,
 * settlements as booked debits and returns as credits with return
 * information (Rsn/Cd for a code, Rsn/Prtry for the bank's text), on their
 * dates: valid against the camt.054.001.08 schema.  libxml2's writer, as
 * for pain.001.
 */
enum redress_err payments_camt054_write(struct buf *out, const char *msg_id, const char *now,
                                        const struct payments_debtor *acct,
                                        const struct payments_bank_entry *e, size_t n,
                                        struct redress_error *err);

/* Tables and events (payments_apply.c). */
enum redress_err payments_replay(struct store *store, const struct event *ev, struct redress_error *err);
enum redress_err payments_order_get(struct store *store, const char *id, struct payments_order *o_r,
                                    struct redress_error *err);
enum redress_err payments_debtor_get(struct store *store, const char *program, struct payments_debtor *d_r,
                                     struct redress_error *err);
/* The sealed bank details of pseudonym, into out; REDRESS_E_NOTFOUND when none are recorded. */
enum redress_err payments_bank_sealed(struct store *store, const char *pseudonym, struct buf *out,
                                      struct redress_error *err);
/* 1 in *seen_r when the file with this SHA-256 was imported before. */
enum redress_err payments_import_seen(struct store *store, const char *sha256, int *seen_r,
                                      struct redress_error *err);
/* The number of batches so far (the next is that plus one). */
enum redress_err payments_batch_count(struct store *store, uint64_t *n_r, struct redress_error *err);

int payments_order_state_parse(const char *text, enum payments_order_state *state_r);

/* The module's statements (payments_catalogue, in payments_apply.c), by id. */
enum payments_statement {
	PAYMENTS_Q_DEBTOR_PUT,
	PAYMENTS_Q_DEBTOR_GET,
	PAYMENTS_Q_DEBTOR_ACCOUNT_PUT,
	PAYMENTS_Q_DEBTOR_ACCOUNT_DEL,
	PAYMENTS_Q_BANK_PUT,
	PAYMENTS_Q_BANK_GET,
	PAYMENTS_Q_BATCH_INSERT,
	PAYMENTS_Q_BATCH_GET,
	PAYMENTS_Q_BATCH_LIST,
	PAYMENTS_Q_BATCH_COUNT,
	PAYMENTS_Q_BATCH_FIGURES,
	PAYMENTS_Q_BATCH_EXPORTS,
	PAYMENTS_Q_ORDER_INSERT,
	PAYMENTS_Q_ORDER_RESOLVE,
	PAYMENTS_Q_ORDER_GET,
	PAYMENTS_Q_ORDERS_OF,
	PAYMENTS_Q_IMPORT_INSERT,
	PAYMENTS_Q_IMPORT_GET,
	PAYMENTS_Q_EXPORT_INSERT,
	PAYMENTS_Q_PENDING_FOR, /* whether an entitlement has an order at the bank */
	PAYMENTS_Q_SNAP_DEBTORS,
	PAYMENTS_Q_SNAP_DEBTOR_ACCOUNTS,
	PAYMENTS_Q_SNAP_BANK,
	PAYMENTS_Q_SNAP_BATCHES,
	PAYMENTS_Q_SNAP_ORDERS,
	PAYMENTS_Q_SNAP_IMPORTS,
	PAYMENTS_Q_SNAP_EXPORTS,
	PAYMENTS_Q_COUNT
};
extern const struct store_catalogue payments_catalogue;

#endif
