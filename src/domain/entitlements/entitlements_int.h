/*
 * entitlements_int.h -- what entitlements.c (commands) and
 * entitlements_apply.c (events, tables, replay, fold) share.
 */
#ifndef REDRESS_DOMAIN_ENTITLEMENTS_INT_H
#define REDRESS_DOMAIN_ENTITLEMENTS_INT_H

#include "core/buf.h"
#include "core/strmap.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"
#include "log/audit.h"

#define ENTITLEMENTS_EV_BOOKED  "entitlements.entitlement.booked"
#define ENTITLEMENTS_EV_CHANGED "entitlements.entitlement.changed"
#define ENTITLEMENTS_EV_PROOF   "entitlements.proof.recorded"
#define ENTITLEMENTS_EV_SERVICE "entitlements.service.recorded"
#define ENTITLEMENTS_EV_BENEFIT "entitlements.benefit.recorded"

/* The module's statements (entitlements_apply.c; docs/store.md). */
enum entitlements_statement {
	ENTITLEMENTS_Q_INSERT,
	ENTITLEMENTS_Q_CHANGE,
	ENTITLEMENTS_Q_GET,
	ENTITLEMENTS_Q_OF,
	ENTITLEMENTS_Q_OF_PERSON,
	ENTITLEMENTS_Q_OF_CLAIM,
	ENTITLEMENTS_Q_QUEUED,
	ENTITLEMENTS_Q_UNPAID_BENEFICIARIES,
	ENTITLEMENTS_Q_DUE,             /* a program's scheduled and held instalments due by a date */
	ENTITLEMENTS_Q_SCHEDULE_INSERT, /* an instalment's due date */
	ENTITLEMENTS_Q_PROOF_INSERT,    /* a proof of life */
	ENTITLEMENTS_Q_PROOF_LATEST,    /* a person's latest proof of life */
	ENTITLEMENTS_Q_SERVICE_INSERT,  /* a service in kind's record */
	ENTITLEMENTS_Q_SERVICE_LATEST,  /* a claim's service's latest state */
	ENTITLEMENTS_Q_SERVICES_OF,     /* a claim's service records */
	ENTITLEMENTS_Q_HELD,            /* a program's held instalments, oldest due first */
	ENTITLEMENTS_Q_STATE_COUNTS,    /* a program's entitlements counted by state */
	ENTITLEMENTS_Q_BENEFIT_INSERT,  /* another benefit's record */
	ENTITLEMENTS_Q_BENEFIT_LATEST,  /* a person's latest record of a benefit */
	ENTITLEMENTS_Q_IN_STATE,        /* every entitlement in a state */
	ENTITLEMENTS_Q_SERVICE_COUNTS,  /* a program's services in kind by code and latest state */
	ENTITLEMENTS_Q_BENEFITS_OF,     /* a person's records of other benefits, oldest first */
	/* Audit's: each table whole, by its key. */
	ENTITLEMENTS_Q_SNAPSHOT,
	ENTITLEMENTS_Q_SNAPSHOT_SCHEDULE,
	ENTITLEMENTS_Q_SNAPSHOT_PROOFS,
	ENTITLEMENTS_Q_SNAPSHOT_SERVICES,
	ENTITLEMENTS_Q_SNAPSHOT_BENEFITS,
};

extern const struct store_catalogue entitlements_catalogue;

/*
 * Services in kind (entitlements_services.c): the event read back (every
 * field checked), applied (its rules against the tables), and folded for
 * audit (its rules against the model: "CLAIM/SERVICE" -> latest state).
 */
enum redress_err entitlements_decode_service(const struct event *ev, struct entitlement_service *s,
                                             struct redress_error *err);
enum redress_err entitlements_apply_service(struct store *store, const struct entitlement_service *s,
                                            struct redress_error *err);
enum redress_err entitlements_fold_service(struct strmap *latest, const struct event *ev,
                                           struct audit_fold *fold, struct redress_error *err);
void entitlements_fold_services_free(struct strmap *latest);

/*
 * Other benefits (entitlements_benefits.c): the event read back, applied,
 * and folded for audit (a final row, snapshot 4).
 */
enum redress_err entitlements_decode_benefit(const struct event *ev, struct entitlement_benefit *b,
                                             struct redress_error *err);
enum redress_err entitlements_apply_benefit(struct store *store, const struct entitlement_benefit *b,
                                            struct redress_error *err);
enum redress_err entitlements_fold_benefit(const struct event *ev, struct audit_fold *fold,
                                           struct redress_error *err);

/* A proof of life's event data; applying it (the command and replay). */
enum redress_err entitlements_encode_proof(struct buf *out, const char *person, const char *on,
                                           struct redress_error *err);
enum redress_err entitlements_apply_proof(struct store *store, const char *person, const char *on,
                                          const char *actor, uint64_t seq, struct redress_error *err);

/* The scheduled and held instalments of program due by today (YYYY-MM-DD), in id order; the caller frees. */
enum redress_err entitlements_due(struct store *store, const char *program, const char *today,
                                  struct entitlement **items_r, size_t *n_r, struct redress_error *err);

int entitlements_state_parse(const char *text, enum entitlement_state *state_r);
int entitlements_basis_parse(const char *text, enum entitlement_basis *basis_r);

/* The booked event's canonical data. */
enum redress_err entitlements_encode(struct buf *out, const struct entitlement *e, struct redress_error *err);

/* Applying the two events to the table; shared by the commands and replay. */
enum redress_err entitlements_apply_booked(struct store *store, const struct entitlement *e,
                                           struct redress_error *err);
enum redress_err entitlements_apply_changed(struct store *store, const char *id, enum entitlement_state to,
                                            const char *paid_on, const char *reason, uint64_t seq,
                                            struct redress_error *err);

/* 1 when an entitlement may go from -> to (by a changed event); payments' moves included. */
int entitlements_transition_ok(enum entitlement_state from, enum entitlement_state to);

/* 1 when reason is an ISO 20022 reason code: 1 to 4 of A-Z, 0-9. */
int entitlements_reason_ok(const char *reason);

/*
 * The queued, declined, returned, scheduled and held entitlements of
 * beneficiary (the ones a death moves or stops; never batched ones), in id order.  The caller frees *items_r.
 */
enum redress_err entitlements_of(struct store *store, const char *beneficiary, struct entitlement **items_r,
                                 size_t *n_r, struct redress_error *err);

/* Every entitlement booked for claim, in any state, in id order.  The caller frees *items_r. */
enum redress_err entitlements_of_claim(struct store *store, const char *claim, struct entitlement **items_r,
                                       size_t *n_r, struct redress_error *err);

/* Calls fn for each distinct beneficiary of program's unpaid (queued, declined or returned) entitlements. */
enum redress_err entitlements_unpaid_beneficiaries(struct store *store, const char *program,
                                                   enum redress_err (*fn)(void *ctx, const char *beneficiary,
                                                                          struct redress_error *err),
                                                   void *ctx, struct redress_error *err);

/* Today's date in UTC, YYYY-MM-DD: the day a run (or a preview) values amounts given in units. */
void entitlements_today(char out[11]);

/*
 * Where what a claim is owed goes: booked (a run) or counted (a preview of
 * a rule change).  fn gets each beneficiary's part after exclusions and
 * the cap per person; amount > 0.
 */
struct entitlements_sink {
	enum redress_err (*fn)(void *ctx, const struct program *p, const struct claim *c,
	                       const char *beneficiary, int64_t amount, enum entitlement_basis basis,
	                       struct entitlements_run *run, struct redress_error *err);
	void *ctx;
};

/*
 * What approved claim c is owed under p, each beneficiary's part given to
 * sink; a claim that cannot be computed yet is counted in run (unresolved)
 * and gives nothing: a victim whose file was erased, or who (or an heir of
 * whose) was merged into another person (domain/dups), heirs not recorded.
 * Reads only: the sink alone may write.
 */
enum redress_err entitlements_owe_claim(struct tlog *log, const struct program *p, const struct claim *c,
                                        struct entitlements_run *run, const struct entitlements_sink *sink,
                                        struct redress_error *err);

#endif
