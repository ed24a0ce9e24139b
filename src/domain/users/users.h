/*
 * users.h -- staff accounts, their roles, and who may do what.
 *
 * Every change redress makes is made by an actor: a named staff account
 * (signed in with its password) or, while a fund has no accounts yet, the
 * operating-system user who holds the keys (the bootstrap that creates the
 * first administrator).  Once one account exists, every command but the
 * public audit ones needs an account, and the account's role decides what
 * it may do (users_allows).
 *
 * Roles, least privilege first:
 *   monitor     aggregates only: never a name, never a pseudonym-level record
 *   finance     the ledger, entitlement runs, the payment queue
 *   reviewer    claim decisions; claims and case summaries, never identity
 *   caseworker  the registry, consent, consultations, claim intake, and
 *               revealing identity for that work (each reveal an event)
 *   admin       staff accounts and programs; erasure where the law needs it
 *
 * Password hashes (Argon2id) travel in events sealed under the master key,
 * so the log never shows even a hash.
 */
#ifndef REDRESS_DOMAIN_USERS_H
#define REDRESS_DOMAIN_USERS_H

#include "core/error.h"
#include "crypto/seal.h"
#include "log/tlog.h"
#include "store/store.h"

#define USER_NAME_MAX 64 /* [a-z0-9][a-z0-9._-]* */

enum role {
	ROLE_ADMIN,
	ROLE_CASEWORKER,
	ROLE_REVIEWER,
	ROLE_FINANCE,
	ROLE_MONITOR,
};

enum permission {
	PERM_USERS_MANAGE,     /* user add, user disable */
	PERM_PROGRAMS_MANAGE,  /* program add */
	PERM_PERSONS_WRITE,    /* person add / import / death, relation add */
	PERM_PERSONS_READ,     /* person list / show without identity */
	PERM_PERSONS_REVEAL,   /* person show --reveal */
	PERM_PERSONS_ERASE,    /* person erase */
	PERM_CONSENT_WRITE,    /* consent grant / withdraw, consult add */
	PERM_CLAIMS_INTAKE,    /* claim open / evidence add / submit / appeal */
	PERM_CLAIMS_DECIDE,    /* claim approve / deny */
	PERM_CLAIMS_READ,      /* claim show / list */
	PERM_LEDGER_WRITE,     /* ledger account add / transfer / post / void / exchange */
	PERM_LEDGER_READ,      /* ledger history (it names pseudonyms in references) */
	PERM_BALANCES_READ,    /* ledger balance: aggregates */
	PERM_ENTITLEMENTS_RUN, /* entitlements compute */
	PERM_QUEUE_READ,       /* queue */
	PERM_AGGREGATES_READ,  /* reports (a later issue) */
};

/* Who is acting. */
struct actor {
	char name[USER_NAME_MAX + 1]; /* the account, or the OS user for the bootstrap */
	enum role role;
	int bootstrap; /* 1: no accounts exist yet; the OS user may do anything */
};

extern const struct event_module users_module;

const char *users_role_name(enum role role);
enum redress_err users_role_parse(const char *text, enum role *role_r, struct redress_error *err);
const char *users_permission_name(enum permission perm);

/* Checks an account name: 1 to USER_NAME_MAX of [a-z0-9._-], starting [a-z0-9]. */
enum redress_err users_name_check(const char *name, struct redress_error *err);

/* 1 when actor may do perm (the bootstrap actor may do anything). */
int users_allows(const struct actor *actor, enum permission perm);

/*
 * REDRESS_OK when actor may do perm; else REDRESS_E_REFUSED saying which
 * account, which role, and what it may not do.
 */
enum redress_err users_require(const struct actor *actor, enum permission perm, struct redress_error *err);

/* The number of accounts (0: the bootstrap applies). */
enum redress_err users_count(struct store *store, uint64_t *count_r, struct redress_error *err);

/*
 * Adds an account (an event "users.user.added", inside a change).  The
 * name follows USER_NAME_MAX's rule; the password has at least
 * PASSWORD_MIN characters.  master seals the password's hash.  A name
 * already taken is REDRESS_E_CONFLICT.  actor needs PERM_USERS_MANAGE; the
 * bootstrap actor may add only the first account, an admin (else
 * REDRESS_E_REFUSED).  On error the caller rolls the change back.
 */
enum redress_err users_add(struct tlog *log, const struct actor *actor, const struct seal_key *master,
                           const char *name, enum role role, const char *password, struct redress_error *err);

/*
 * Checks name and password against the accounts and fills *actor_r.  A
 * wrong name or password is REDRESS_E_REFUSED with the same message for
 * both (no account enumeration).
 */
enum redress_err users_authenticate(struct store *store, const struct seal_key *master, const char *name,
                                    const char *password, struct actor *actor_r, struct redress_error *err);

/* The bootstrap actor for the OS user os_name ("os:alice"). */
void users_bootstrap_actor(const char *os_name, struct actor *actor_r);

/* Calls fn for each account in name order. */
enum redress_err users_each(struct store *store,
                            enum redress_err (*fn)(void *ctx, const char *name, enum role role,
                                                   struct redress_error *err),
                            void *ctx, struct redress_error *err);

#endif
