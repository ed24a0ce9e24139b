/*
 * casework.h -- the everyday work of a fund on a person's file, beyond
 * registration: case notes, tasks, contact attempts, referrals to other
 * parties (and what came of them), and grievances.
 *
 * Every change is an event ("casework.*") in the caller's change
 * (tlog_begin ... tlog_commit; on error the caller rolls back), applied to
 * tables that are projections of the log.  What is written about her -- a
 * note's text, a task's what, a contact's note, what a referral is for, a
 * grievance's subject and outcome -- is sealed with her own data key
 * (domain/registry), so that erasing her makes it unreadable everywhere,
 * the log included.  Opening a note is itself an event: who read it, when,
 * and why (sealed).
 *
 * A referral is refused unless her latest word on the scope
 * "share:PARTY" is a grant; a withdrawal stops referrals at once.
 *
 * Who may: every change needs PERM_PERSONS_WRITE (a caseworker); reading
 * a note PERM_PERSONS_REVEAL (a caseworker, recorded); the lists
 * PERM_PERSONS_READ (admins, reviewers, caseworkers), which show no
 * sealed text except the tasks' to a caseworker.  A monitor sees none of it.
 */
#ifndef REDRESS_DOMAIN_CASEWORK_H
#define REDRESS_DOMAIN_CASEWORK_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/tlog.h"
#include "store/store.h"

#define CASEWORK_TEXT_MAX       8000 /* bytes of a note, a task's what, a referral's, a grievance's */
#define CASEWORK_PARTY_MAX      64   /* the PARTY of share:PARTY */
#define CASEWORK_CHANNEL_MAX    32   /* a grievance's channel: "phone", "letter", "visit" ... */
#define CASEWORK_GRIEVANCE_DAYS 30   /* days a grievance may stay open before it is overdue */
#define CASEWORK_ASK_AGAIN_DAYS 30   /* after an "undecided" wish, the days until she is asked again */

extern const struct event_module casework_module;

/* How a contact attempt was made, and what came of it. */
enum casework_channel { CW_VISIT, CW_PHONE, CW_LETTER, CW_SMS, CW_EMAIL };
enum casework_outcome { CW_REACHED, CW_NO_ANSWER, CW_MOVED, CW_REFUSED, CW_DECEASED };

const char *casework_channel_name(enum casework_channel c);
const char *casework_outcome_name(enum casework_outcome o);
enum redress_err casework_channel_parse(const char *text, enum casework_channel *c_r,
                                        struct redress_error *err);
enum redress_err casework_outcome_parse(const char *text, enum casework_outcome *o_r,
                                        struct redress_error *err);

/*
 * Adds a case note (text, sealed) to pseudonym's file; *note_r gets its
 * number (the event's).  Needs PERM_PERSONS_WRITE.
 */
enum redress_err casework_note_add(struct tlog *log, const struct actor *actor,
                                   const struct registry_keys *keys, const char *pseudonym, const char *text,
                                   uint64_t *note_r, struct redress_error *err);

/*
 * Opens note number note into text_r (which it initialises; the caller
 * wipes and frees it) and records the opening with reason (required,
 * sealed).  *pseudonym_r gets whose note it is.  Needs PERM_PERSONS_REVEAL.
 */
enum redress_err casework_note_open(struct tlog *log, const struct actor *actor,
                                    const struct registry_keys *keys, uint64_t note, const char *reason,
                                    char pseudonym_r[REGISTRY_PSEUDONYM_MAX + 1], struct buf *text_r,
                                    struct redress_error *err);

/* A note, a task, a contact, a referral or a grievance as a list shows it: nothing sealed. */
struct casework_item {
	uint64_t seq; /* its number: the event that made it */
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char actor[TLOG_ACTOR_MAX + 1];   /* who made it */
	char at[40];                      /* when */
	char due[11];                     /* a task's due date */
	char assignee[USER_NAME_MAX + 1]; /* a task's account, or "" */
	char kind[32];                    /* a contact's channel, a grievance's channel, a referral's party */
	char outcome[32];                 /* a contact's outcome */
	uint64_t closed_seq;              /* a task done, a grievance resolved: that event; 0: open */
	char closed_at[40];
	uint64_t opened;    /* a note: how many times it was opened */
	int limit_days;     /* a grievance: the days it may stay open (casework_person_days) */
	const char *sealed; /* the task's what (sealed), for a caseworker's list; borrowed */
};

typedef enum redress_err (*casework_fn)(void *ctx, const struct casework_item *item,
                                        struct redress_error *err);

/* Calls fn with each of pseudonym's notes, oldest first. */
enum redress_err casework_notes_each(struct store *store, const char *pseudonym, casework_fn fn, void *ctx,
                                     struct redress_error *err);

/*
 * Adds a task on pseudonym's file, due on due (YYYY-MM-DD, not before
 * today), for account assignee (NULL: whoever works the file; else an
 * account that may change persons), what sealed.  Needs PERM_PERSONS_WRITE.
 */
enum redress_err casework_task_add(struct tlog *log, const struct actor *actor,
                                   const struct registry_keys *keys, const char *pseudonym, const char *due,
                                   const char *what, const char *assignee, uint64_t *task_r,
                                   struct redress_error *err);

/*
 * Records a consultation (registry_consult) and, when her wish is
 * "undecided", in the same change a task on her file to ask her again in
 * her ask-again days (casework_person_days: the shortest "ask_again_days"
 * of the programs she is eligible for, else CASEWORK_ASK_AGAIN_DAYS)
 * (*task_r, else 0): an undecided survivor is never forgotten.  Needs
 * PERM_CONSENT_WRITE, and PERM_PERSONS_WRITE for the task.
 */
enum redress_err casework_consult(struct tlog *log, const struct actor *actor,
                                  const struct registry_keys *keys, const char *pseudonym,
                                  enum registry_wish wish, const char *summary, uint64_t *task_r,
                                  struct redress_error *err);

/* Marks task number task done; done already is REDRESS_E_CONFLICT.  Needs PERM_PERSONS_WRITE. */
enum redress_err casework_task_done(struct tlog *log, const struct actor *actor, uint64_t task,
                                    struct redress_error *err);

/* Which tasks a list shows. */
struct casework_task_filter {
	const char *assignee; /* only this account's (or unassigned: never), or NULL for all */
	int overdue;          /* 1: only open tasks due before today */
	int open;             /* 1: only tasks not done */
};

/* Calls fn with each task matching f, by due date, then number. */
enum redress_err casework_tasks_each(struct store *store, const struct casework_task_filter *f,
                                     casework_fn fn, void *ctx, struct redress_error *err);

/* Opens a task's what (item->sealed) for pseudonym into out (the caller wipes and frees it). */
enum redress_err casework_open_sealed(struct store *store, const struct registry_keys *keys,
                                      const char *pseudonym, const char *field, const char *sealed,
                                      struct buf *out, struct redress_error *err);

/*
 * Records a contact attempt: its channel and outcome, and note (sealed;
 * may be NULL).  Needs PERM_PERSONS_WRITE.
 */
enum redress_err casework_contact_add(struct tlog *log, const struct actor *actor,
                                      const struct registry_keys *keys, const char *pseudonym,
                                      enum casework_channel channel, enum casework_outcome outcome,
                                      const char *note, uint64_t *contact_r, struct redress_error *err);

/* Calls fn with each of pseudonym's contact attempts (NULL: everyone's), oldest first. */
enum redress_err casework_contacts_each(struct store *store, const char *pseudonym, casework_fn fn, void *ctx,
                                        struct redress_error *err);

/*
 * Refers pseudonym to party (what for: sealed).  REDRESS_E_REFUSED unless
 * her latest word on "share:PARTY" is a grant.  Needs PERM_PERSONS_WRITE.
 */
enum redress_err casework_referral_add(struct tlog *log, const struct actor *actor,
                                       const struct registry_keys *keys, const char *pseudonym,
                                       const char *party, const char *what, uint64_t *referral_r,
                                       struct redress_error *err);

/*
 * Records what came of referral number referral (outcome: the party's
 * answer, sealed), once: a second time is REDRESS_E_CONFLICT.  Needs
 * PERM_PERSONS_WRITE.
 */
enum redress_err casework_referral_outcome(struct tlog *log, const struct actor *actor,
                                           const struct registry_keys *keys, uint64_t referral,
                                           const char *outcome, struct redress_error *err);

/* Calls fn with each of pseudonym's referrals (closed_seq: its outcome's event, 0 while none), oldest first.
 */
enum redress_err casework_referrals_each(struct store *store, const char *pseudonym, casework_fn fn,
                                         void *ctx, struct redress_error *err);

/*
 * Opens a grievance: how it came (channel: one word, a-z), what it is
 * about (sealed).  Needs PERM_PERSONS_WRITE.
 */
enum redress_err casework_grievance_open(struct tlog *log, const struct actor *actor,
                                         const struct registry_keys *keys, const char *pseudonym,
                                         const char *channel, const char *about, uint64_t *grievance_r,
                                         struct redress_error *err);

/* Resolves grievance number grievance with outcome (sealed); resolved already: REDRESS_E_CONFLICT. */
enum redress_err casework_grievance_resolve(struct tlog *log, const struct actor *actor,
                                            const struct registry_keys *keys, uint64_t grievance,
                                            const char *outcome, struct redress_error *err);

/* casework_grievances_each's days: each grievance's own limit (casework_person_days). */
#define CASEWORK_DAYS_HERS (-1)

/*
 * Calls fn with each grievance (open ones only with open), oldest first,
 * item->limit_days its limit: days when days > 0, else her own
 * (casework_person_days).  days > 0 or CASEWORK_DAYS_HERS: only the open
 * ones open longer than their limit (overdue); 0: all.  Another negative
 * days is REDRESS_E_INVALID.
 */
enum redress_err casework_grievances_each(struct store *store, int open, int days, casework_fn fn, void *ctx,
                                          struct redress_error *err);

struct program;

/*
 * Whether program p's rules make person eligible: living, and a victim
 * when p pays a survivor (a survivor amount above zero, or harms); an
 * heir of a victim who has died, when p pays the bereaved (the victim
 * died by p's cutoff) or passes a survivor's own to her heirs (she died
 * after it, and p's schedule does not stop at death); and not left out by
 * p's exclusions (a benefit she receives, another program that pays her).
 * The cutoff and the exclusions are domain/entitlements' rules.
 */
enum redress_err casework_eligible(struct store *store, const struct program *p,
                                   const struct registry_person *person, int *eligible_r,
                                   struct redress_error *err);

/*
 * For the public report: how many people p makes eligible, and how many
 * of them a contact attempt reached (outcome "reached").
 */
enum redress_err casework_eligible_count(struct store *store, const struct program *p, int64_t *eligible_r,
                                         int64_t *reached_r, struct redress_error *err);

/* Which of a program's casework days. */
enum casework_days {
	CASEWORK_DAYS_GRIEVANCE, /* "grievance_days": how long a grievance may stay open */
	CASEWORK_DAYS_ASK_AGAIN, /* "ask_again_days": when an undecided person is asked again */
};

/*
 * A person's days of kind which: the shortest that the programs (as in
 * force today) she is eligible for set (casework_eligible); the fund's,
 * CASEWORK_GRIEVANCE_DAYS or CASEWORK_ASK_AGAIN_DAYS, when none of them
 * sets one.  An unknown pseudonym is REDRESS_E_NOTFOUND.
 */
enum redress_err casework_person_days(struct store *store, const char *pseudonym, enum casework_days which,
                                      int *days_r, struct redress_error *err);

/* One person on the outreach list, and her last contact attempt ("" when none). */
struct casework_outreach {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char kind[16]; /* "victim", or "relative" (an heir of a victim who has died) */
	int birth_year, frailty;
	char channel[16], outcome[16], at[40];
	uint64_t attempts;
};

/*
 * The fund's daily work list for program: the persons its rules make
 * eligible (casework_eligible) and who have not been reached -- with no attempt that reached
 * her (or found she refused or had died) and no declined wish, most frail
 * and oldest first, at most limit of them, each with her last attempt.
 * An unknown program is REDRESS_E_NOTFOUND.
 */
enum redress_err casework_outreach_each(struct store *store, const char *program, uint64_t limit,
                                        enum redress_err (*fn)(void *ctx, const struct casework_outreach *o,
                                                               struct redress_error *err),
                                        void *ctx, struct redress_error *err);

/* Calls fn with each of pseudonym's grievances, open and resolved, oldest first. */
enum redress_err casework_person_grievances_each(struct store *store, const char *pseudonym, casework_fn fn,
                                                 void *ctx, struct redress_error *err);

/* Whole days from the RFC 3339 time at to now (0 when at is in the future or unreadable). */
int casework_days_since(const char *at);

#endif
