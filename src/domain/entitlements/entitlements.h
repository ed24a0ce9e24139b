/*
 * entitlements.h -- what each approved claim is owed, to whom, booked in
 * the ledger as payables, and the order they are paid in.
 *
 * The program's rules (domain/programs) decide: a victim alive on the
 * cutoff date is owed the survivor amount; the heirs of a victim who had
 * died by then share the bereaved amount.  One entitlement per claim and
 * beneficiary, id "E-CLAIM-PSEUDONYM", booked as a transfer from the
 * program's payable account to its expense account: the fund then owes it.
 *
 *   - Computing twice books nothing twice: a pair already booked is skipped.
 *   - The fund can never commit more than it holds: a run that would make
 *     the payables exceed the fund's available balance books nothing and
 *     says by how much the fund falls short.
 *   - A beneficiary whose latest wish is to decline is booked as
 *     "declined": the fund keeps the money for her, she is never paid nor
 *     queued, and she counts as declined, never as unreached.  Each run
 *     follows her latest wish: a later acceptance puts her entitlement in
 *     the queue, a later refusal takes it out.
 *   - Heirs share by their recorded fractions, which must add up to exactly
 *     1.  Each gets floor(amount * num / den); the units left over (fewer
 *     than the number of heirs) go one each to the heirs with the largest
 *     fractional remainders, ties to the earlier pseudonym.  No unit of
 *     money is lost or created.
 *   - A beneficiary who dies before she is paid passes her queued
 *     entitlements to her heirs by the same rule (entitlements_on_death):
 *     the original becomes "moved", the heirs' are booked as "inherited".
 *     The payable total does not change, so the ledger does not either.
 *
 * Under a program that pays by harm (domain/programs), a claim's amount is
 * its approved harms' amounts (each fixed, or a quantity of a unit valued
 * on the day of the run), combined by the program's rule and capped per
 * family; the survivor gets it, or her heirs share it as above.  Every
 * beneficiary's entitlement is then capped per person (what she already
 * holds under the program counts), and a beneficiary paid by a program the
 * rules exclude is left out (counted in the run, never booked).
 *
 * A program paid in instalments books, for each beneficiary, a schedule:
 * "count" entitlements of the amount each, "E-CLAIM-PSEUDONYM-NNN", the
 * first due on the day of the run and each next one "every_months" later,
 * all scheduled.  Each run releases those due: to the queue when the
 * program asks no proof of life, or when her latest proof of life is dated
 * no earlier than the due date less the proof's period (months) and the
 * window (days); else it is held (a task), and released by a later run
 * once a proof is recorded (entitlements_proof_record).  At her death,
 * under "at_death": "stop" every unpaid instalment is stopped (and its
 * payable reversed in the ledger); under "heirs", the ones not yet due are
 * stopped and the due ones pass to her heirs.
 *
 * The queue: queued and returned entitlements (returned ones carry the
 * bank's reason), in the program's priority order (default: most frail
 * first, then oldest by birth year), then in order of booking.  Batched
 * and paid ones are never in it.
 *
 * Payments (domain/payments) move an entitlement queued or returned ->
 * batched -> paid, or batched -> returned, or paid -> returned (a payment
 * the bank returns after it was booked), through
 * entitlements_payment_state(); a death moves only queued, declined or
 * returned entitlements: a batched one stays batched until the bank answers.
 */
#ifndef REDRESS_DOMAIN_ENTITLEMENTS_H
#define REDRESS_DOMAIN_ENTITLEMENTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/money.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define ENTITLEMENT_ID_MAX 64
/*
 * The bank's reason for a return: an ISO 20022 code (AC04, MS03, ...) or the
 * bank's own text (Prtry, Max35Text): at most 35 characters (code points),
 * so up to 4 bytes each.
 */
#define ENTITLEMENT_REASON_MAX  35
#define ENTITLEMENT_REASON_SIZE (ENTITLEMENT_REASON_MAX * 4 + 1)

enum entitlement_state {
	ENTITLEMENT_QUEUED,   /* owed, to be paid */
	ENTITLEMENT_DECLINED, /* owed, but the person has declined it: never paid */
	ENTITLEMENT_MOVED,    /* its beneficiary died unpaid; passed to her heirs */
	ENTITLEMENT_BATCHED,  /* in a payment batch: its amount held as a pending ledger transfer */
	ENTITLEMENT_PAID,     /* settled by the bank (paid_on is the bank's booking date) */
	ENTITLEMENT_RETURNED, /* voided by the bank (return_reason); back in the queue */
	/* An instalment of a schedule (a program paid in instalments): */
	ENTITLEMENT_SCHEDULED, /* not due yet (due_on) */
	ENTITLEMENT_HELD, /* due, but no proof of life in the program's window: a task for the caseworker */
	ENTITLEMENT_STOPPED, /* its beneficiary died and the program stops the schedule: not owed */
};
#define ENTITLEMENT_STATES (ENTITLEMENT_STOPPED + 1)

enum entitlement_basis {
	ENTITLEMENT_SURVIVOR,  /* the victim, alive on the cutoff date */
	ENTITLEMENT_BEREAVED,  /* an heir of a victim who had died by the cutoff */
	ENTITLEMENT_INHERITED, /* an heir of a beneficiary who died unpaid */
};

struct entitlement {
	char id[ENTITLEMENT_ID_MAX + 1];
	char claim[17];
	char program[65];
	char beneficiary[REGISTRY_PSEUDONYM_MAX + 1];
	int64_t amount; /* minor units */
	char currency[CURRENCY_CODE_SIZE];
	enum entitlement_basis basis;
	enum entitlement_state state;
	char from[ENTITLEMENT_ID_MAX + 1]; /* the entitlement it was inherited from, or "" */
	uint64_t booked_seq;
	char paid_on[11];                            /* YYYY-MM-DD when paid, else "" */
	char return_reason[ENTITLEMENT_REASON_SIZE]; /* the bank's reason when returned, else "" */
	char due_on[11];                             /* an instalment's due date, else "" */
	/*
	 * The version of the program's rules it was booked under (an heir's
	 * share: the one it came from); 0 for one booked before versions were
	 * recorded (schema 11).  A later version never changes it.
	 */
	int program_version;
};

/* What a run did (or, dry, would do). */
struct entitlements_run {
	uint64_t booked;            /* entitlements booked */
	int64_t total;              /* their sum, minor units */
	uint64_t declined;          /* of those booked, declined by the person */
	uint64_t changed;           /* entitlements moved in or out of the queue by a changed wish */
	uint64_t skipped;           /* claim/beneficiary pairs already booked and unchanged */
	uint64_t unresolved;        /* approved claims that cannot be computed yet (no heirs, shares not 1) */
	char first_unresolved[160]; /* why, for the first of them */
	uint64_t excluded;          /* beneficiaries left out by the program's exclusions */
	uint64_t released;          /* instalments due and released to the queue (a proof of life in time) */
	uint64_t held;              /* instalments due and held for want of a proof of life */
	int64_t capped;             /* minor units the caps (per person, per family) held back */
	uint64_t ended_at_death;    /* approved claims owing nothing: she died after the cutoff, and
	                               the program's schedule stops at death */
	int none_merged;            /* the fund merged nobody (asked once): no claim is looked up */
};

struct program;

/*
 * The rules a run applies, for who else reads them (domain/casework's
 * outreach): whether victim (deceased) died by p's cutoff -- her heirs
 * then share the bereaved amount, else her own passes to them -- and
 * whether p's exclusions leave beneficiary out (she holds an entitlement
 * of a program p excludes, or her latest record of a benefit p excludes
 * says she receives it), every entitlement she holds counted.
 */
int entitlements_died_by_cutoff(const struct program *p, const struct registry_person *victim);
enum redress_err entitlements_excluded(struct store *store, const struct program *p, const char *beneficiary,
                                       int *excluded_r, struct redress_error *err);

/* One beneficiary whose entitlement a rule change would change. */
struct entitlements_change {
	char claim[17];
	char beneficiary[REGISTRY_PSEUDONYM_MAX + 1];
	int64_t old_amount, new_amount; /* minor units; 0: none */
};

/* A harm's figures in a preview: approved on how many claims, worth what under each rule. */
struct entitlements_harm_figures {
	char harm[33];
	uint64_t claims;
	int64_t old_amount, new_amount; /* the harm's own amounts, summed, before combination and caps */
};

/*
 * A rule change shown before it is made (entitlements_preview): what every
 * approved claim of the program would be owed under the new rules against
 * the rules in force, valued today, nothing booked.
 */
struct entitlements_diff {
	uint64_t claims;                          /* approved claims */
	uint64_t gain, lose, same;                /* beneficiaries who would get more, less, the same */
	int64_t old_total, new_total;             /* what all of them are owed, each rule */
	int64_t gained, lost;                     /* the sums of the increases and of the decreases */
	struct entitlements_run old_run, new_run; /* exclusions, caps, claims not computable */
	size_t nharms;
	struct entitlements_harm_figures harms[64];
	int64_t holds;     /* the fund account's available balance */
	int64_t paid;      /* the program's entitlements paid or in a batch: not owed again */
	int64_t would_owe; /* new_total - paid */
	int64_t short_by;  /* would_owe - holds when positive, else 0 */
	size_t nchanges;
	struct entitlements_change
	    *changes; /* those that differ, by claim then beneficiary; freed by _free */
};

extern const struct event_module entitlements_module;

const char *entitlement_state_name(enum entitlement_state state);
const char *entitlement_basis_name(enum entitlement_basis basis);

/*
 * Books the entitlements of every approved claim of program (see above),
 * inside a change; a dry run is this, then tlog_rollback().  Needs
 * PERM_ENTITLEMENTS_RUN.  A fund that would be over-committed is
 * REDRESS_E_REFUSED saying by how much (the caller rolls back).
 */
enum redress_err entitlements_compute(struct tlog *log, const struct actor *actor, const char *program,
                                      struct entitlements_run *run_r, struct redress_error *err);

/*
 * Previews newp, a new version of a program already added (same code):
 * what each approved claim would be owed under it and under the rules in
 * force (entitlements_owe_claim for both), the changes beneficiary by
 * beneficiary, the figures by harm, and what the fund would then owe
 * against what it holds.  Books nothing and writes nothing.  Needs
 * PERM_PROGRAMS_MANAGE.  The caller frees *d_r with
 * entitlements_diff_free() (also after an error).
 */
enum redress_err entitlements_preview(struct tlog *log, const struct actor *actor, const struct program *newp,
                                      struct entitlements_diff *d_r, struct redress_error *err);
void entitlements_diff_free(struct entitlements_diff *d);
/* The preview as JSON (new reference; NULL when out of memory). */
json_t *entitlements_diff_json(const char *program, const char *currency, const struct entitlements_diff *d);

/*
 * After pseudonym's death is recorded: moves her queued entitlements to her
 * heirs.  *moved_r (may be NULL) counts the entitlements moved.  A
 * beneficiary without heirs whose shares add up to 1 keeps her
 * entitlements queued, and *unresolved_r (may be NULL) says so.
 */
enum redress_err entitlements_on_death(struct tlog *log, const struct actor *actor, const char *pseudonym,
                                       uint64_t *moved_r, int *unresolved_r, struct redress_error *err);

/*
 * Records a proof of life of person (alive, in the registry) dated on
 * (YYYY-MM-DD, not in the future): event "entitlements.proof.recorded".
 * Inside a change.  Needs PERM_PERSONS_WRITE.
 */
enum redress_err entitlements_proof_record(struct tlog *log, const struct actor *actor, const char *person,
                                           const char *on, struct redress_error *err);

/* The date of person's latest proof of life into on_r, or "" when none. */
enum redress_err entitlements_latest_proof(struct store *store, const char *person, char on_r[11],
                                           struct redress_error *err);

/*
 * Services in kind (a program's "services"): each delivery recorded by a
 * caseworker, with its date and provider (an organisation, never a
 * person's name); no money moves.  States: scheduled -> delivered or
 * refused; a delivered or refused service takes no further record.
 */
enum entitlement_service_state {
	ENTITLEMENT_SERVICE_SCHEDULED,
	ENTITLEMENT_SERVICE_DELIVERED,
	ENTITLEMENT_SERVICE_REFUSED,
};

#define ENTITLEMENT_PROVIDER_MAX 200

struct entitlement_service {
	uint64_t seq;
	char claim[17];
	char service[33];
	enum entitlement_service_state state;
	char on[11]; /* YYYY-MM-DD */
	char provider[ENTITLEMENT_PROVIDER_MAX + 1];
	char actor[TLOG_ACTOR_MAX + 1];
};

/*
 * Another benefit a person receives (a state pension ...), recorded on her
 * file by a caseworker: what a program's exclusion {"receives": CODE}
 * reads.  Each record final; the latest for a person and a benefit holds.
 */
struct entitlement_benefit {
	uint64_t seq;
	char person[REGISTRY_PSEUDONYM_MAX + 1];
	char benefit[33]; /* a code: letters, digits and . _ - */
	int receives;     /* 1: she receives it from on; 0: she no longer does */
	char on[11];      /* YYYY-MM-DD */
	char actor[TLOG_ACTOR_MAX + 1];
};

/*
 * Records that person (in the registry) receives benefit (receives 1) or
 * no longer does (0), from on (YYYY-MM-DD, not in the future): event
 * "entitlements.benefit.recorded", inside a change.  Needs
 * PERM_PERSONS_WRITE.  A run then leaves her out of every program that
 * excludes people receiving it.
 */
enum redress_err entitlements_benefit_record(struct tlog *log, const struct actor *actor, const char *person,
                                             const char *benefit, int receives, const char *on,
                                             struct redress_error *err);

/* Calls fn for each record of person's other benefits, oldest first; stops at fn's first error. */
enum redress_err entitlements_benefits_each(struct store *store, const char *person,
                                            enum redress_err (*fn)(void *ctx,
                                                                   const struct entitlement_benefit *b,
                                                                   struct redress_error *err),
                                            void *ctx, struct redress_error *err);

/*
 * The services in kind of program's claims counted for the public report:
 * fn gets each service code and state with how many claims' services are
 * in that state now (their latest record), services in code order.
 */
enum redress_err entitlements_service_counts(struct store *store, const char *program,
                                             enum redress_err (*fn)(void *ctx, const char *service,
                                                                    enum entitlement_service_state state,
                                                                    int64_t count, struct redress_error *err),
                                             void *ctx, struct redress_error *err);

/* Whether person's latest record of benefit says she receives it (0 when none). */
enum redress_err entitlements_receives(struct store *store, const char *person, const char *benefit,
                                       int *receives_r, struct redress_error *err);

const char *entitlement_service_state_name(enum entitlement_service_state state);
/* 1 and *state_r when text is a state's name ("scheduled", "delivered", "refused"), else 0. */
int entitlement_service_state_parse(const char *text, enum entitlement_service_state *state_r);

/*
 * Records a service in kind of approved claim id's program (service, a
 * code of its "services") in state, on (YYYY-MM-DD, not in the future),
 * by provider: event "entitlements.service.recorded", inside a change.  A
 * service already delivered or refused is REDRESS_E_CONFLICT.  Needs
 * PERM_PERSONS_WRITE.
 */
enum redress_err entitlements_service_record(struct tlog *log, const struct actor *actor, const char *claim,
                                             const char *service, enum entitlement_service_state state,
                                             const char *on, const char *provider, struct redress_error *err);

/* Calls fn for each service record of claim, oldest first. */
enum redress_err entitlements_service_each(struct store *store, const char *claim,
                                           enum redress_err (*fn)(void *ctx,
                                                                  const struct entitlement_service *s,
                                                                  struct redress_error *err),
                                           void *ctx, struct redress_error *err);

enum redress_err entitlement_get(struct store *store, const char *id, struct entitlement *e_r,
                                 struct redress_error *err);

/*
 * Every entitlement of beneficiary, in any state, oldest booking first
 * (what her case file shows).  The caller frees *items_r (NULL when none).
 */
enum redress_err entitlements_of_person(struct store *store, const char *beneficiary,
                                        struct entitlement **items_r, size_t *n_r, struct redress_error *err);

/*
 * For reports: what claim's entitlements paid (minor units, all its
 * beneficiaries), and how many entitlements of program are in each state
 * (counts_r[ENTITLEMENT_QUEUED] ...).
 */
enum redress_err entitlements_claim_paid(struct store *store, const char *claim, int64_t *paid_r,
                                         struct redress_error *err);
enum redress_err entitlements_count_by_state(struct store *store, const char *program,
                                             int64_t counts_r[ENTITLEMENT_STATES], struct redress_error *err);

/*
 * Every entitlement in state, of any program, in id order (for audit's
 * checks across modules, domain/payments).  The caller frees *items_r.
 */
enum redress_err entitlements_in_state(struct store *store, enum entitlement_state state,
                                       struct entitlement **items_r, size_t *n_r, struct redress_error *err);

/*
 * The held instalments of program (due, but no proof of life in the
 * program's window): a caseworker's list of whom to visit, oldest due
 * first.  Never in the queue, never paid or counted as paid until a proof
 * is recorded and a run releases them.  The caller frees *items_r (NULL
 * when none).
 */
enum redress_err entitlements_held(struct store *store, const char *program, struct entitlement **items_r,
                                   size_t *n_r, struct redress_error *err);

/*
 * The payment states, for domain/payments, inside a change: appends the
 * event that moves entitlement id to to (ENTITLEMENT_BATCHED, _PAID with
 * paid_on "YYYY-MM-DD", or _RETURNED with reason, an ISO reason code) and
 * applies it.  Only queued or returned -> batched, batched -> paid and
 * batched or paid -> returned are allowed; anything else is REDRESS_E_CONFLICT
 * naming the state.  The caller checked the permission.
 */
enum redress_err entitlements_payment_state(struct tlog *log, const char *id, enum entitlement_state to,
                                            const char *paid_on, const char *reason,
                                            struct redress_error *err);

/* Calls fn for each queued or returned entitlement of program, in queue order. */
enum redress_err entitlements_queue(struct store *store, const char *program,
                                    enum redress_err (*fn)(void *ctx, const struct entitlement *e,
                                                           const struct registry_person *p,
                                                           struct redress_error *err),
                                    void *ctx, struct redress_error *err);

/*
 * Splits amount among shares (num[i]/den[i], adding up to exactly 1) by the
 * rule above into parts[i].  n heirs, n >= 1.  Shares that do not add up to
 * 1 are REDRESS_E_INVALID.  Exposed for tests.
 */
enum redress_err entitlements_split(int64_t amount, const int64_t *num, const int64_t *den, size_t n,
                                    int64_t *parts, struct redress_error *err);

/*
 * JSON for readers (entitlements_json.c), new references the caller
 * decrefs (NULL when out of memory):
 *   entitlement_queue_json: the entitlement at position (from 1) of the
 *                           queue, its beneficiary p's frailty and birth
 *                           year (pseudonyms only);
 *   entitlements_run_json:  what a run of program did (or, dry_run, would
 *                           have done).
 */
json_t *entitlement_queue_json(uint64_t position, const struct entitlement *e,
                               const struct registry_person *p);
json_t *entitlements_run_json(const char *program, int dry_run, const struct entitlements_run *run);

/*
 *   entitlement_held_json:    a held instalment, with the date of its
 *                             beneficiary's latest proof of life
 *                             (last_proof, "" for none);
 *   entitlement_service_json: a service record of a claim.
 */
json_t *entitlement_held_json(const struct entitlement *e, const char *last_proof);
json_t *entitlement_service_json(const struct entitlement_service *s);

#endif
