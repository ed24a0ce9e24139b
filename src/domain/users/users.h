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
 *
 * The second factor: admin, reviewer and finance accounts sign in with a
 * TOTP code too (users_role_needs_totp).  Its secret travels sealed under
 * the master key like a password hash.  API clients use bearer tokens: the
 * token is shown once, and only its SHA-256 is kept.  An account locked
 * (by an admin, deliberately) signs in, by password or token, no more
 * until an admin unlocks it, or the keys' holder recovers it
 * (users_recover).  Failed sign-ins over HTTP only slow the next try
 * (http/throttle.c), never lock.  Each of these is an event.
 */
#ifndef REDRESS_DOMAIN_USERS_H
#define REDRESS_DOMAIN_USERS_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "crypto/seal.h"
#include "log/tlog.h"
#include "store/store.h"

#define USER_NAME_MAX    64  /* [a-z0-9][a-z0-9._-]* */
#define USERS_REASON_MAX 200 /* bytes of a lock's reason */
/* An API token's text with its NUL: "rdt_" and the base64url of 32 random bytes (47 characters). */
#define USERS_TOKEN_SIZE   80
#define USERS_TOKEN_PREFIX "rdt_"
/* An otpauth:// URI with its NUL: the name twice at worst escaped, and the secret. */
#define USERS_TOTP_URI_SIZE 512
/*
 * What a person signing in is told when the second factor fails, whatever
 * the reason (the error's message says which, for the server's own log).
 */
#define USERS_TOTP_REFUSED "second factor refused"

enum role {
	ROLE_ADMIN,
	ROLE_CASEWORKER,
	ROLE_REVIEWER,
	ROLE_FINANCE,
	ROLE_MONITOR,
	ROLE_APPEALS, /* decides appeals against claims it took no part in (domain/claims) */
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
	PERM_APPEALS_DECIDE,   /* claim appeal-decide, and an appealed claim's harms */
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

/* The refusal of a wrong name or password, the same for both. */
#define USERS_SIGN_IN_REFUSED "sign-in refused: the account name or the password is wrong"

/*
 * Checks name and password against the accounts and fills *actor_r.  A
 * wrong name or password is REDRESS_E_REFUSED with the same message for
 * both (no account enumeration).  A locked account is REDRESS_E_REFUSED
 * saying it is locked and that an admin can unlock it, whatever the
 * password (so a lock is no oracle for guessing it).  The second factor
 * is the caller's next step (users_totp_verify).
 */
enum redress_err users_authenticate(struct store *store, const struct seal_key *master, const char *name,
                                    const char *password, struct actor *actor_r, struct redress_error *err);

/*
 * Recovers account name with the fund's keys (an event
 * "users.account.recovered", inside a change, by whichever actor the log
 * has: the OS user who holds the key directory): a new password, and the
 * account unlocked.  No account signs in for it -- the keys are the
 * authority -- so the only admin, locked or her password lost, is never
 * locked out for good.  Her role stays the one her old password record
 * was sealed for (REDRESS_E_CRYPTO when that record does not open: the row
 * was altered).  REDRESS_E_NOTFOUND for no such account; a password
 * shorter than PASSWORD_MIN is REDRESS_E_INVALID.
 */
enum redress_err users_recover(struct tlog *log, const struct seal_key *master, const char *name,
                               const char *password, struct redress_error *err);

/* The bootstrap actor for the OS user os_name ("os:alice"). */
void users_bootstrap_actor(const char *os_name, struct actor *actor_r);

/*
 * 1 when an account of role must sign in with a second factor (TOTP):
 * admin, reviewer and finance.
 */
int users_role_needs_totp(enum role role);

/* What the server needs to know about an account; no secret. */
struct users_account {
	char name[USER_NAME_MAX + 1];
	enum role role;
	int has_totp;         /* 1: a TOTP secret is enrolled */
	int locked;           /* 1: locked (users_lock) until an admin unlocks it */
	uint64_t tokens;      /* API tokens issued and not revoked */
	int disabled;         /* 1: disabled (users_disable) until an admin enables it */
	int must_change;      /* 1: an admin reset its password; it signs in after choosing a new one */
	int has_pending_role; /* 1: a grant of pending_role awaits a second admin */
	enum role pending_role;
};

/* Reads account name into *acct_r; REDRESS_E_NOTFOUND when there is none. */
enum redress_err users_account_get(struct store *store, const char *name, struct users_account *acct_r,
                                   struct redress_error *err);

/*
 * Enrols a new TOTP secret for account name (an event
 * "users.totp.enrolled", inside a change), replacing any earlier one.
 * actor needs PERM_USERS_MANAGE, or is the account itself.  The secret is
 * sealed under master in the event and the table.  uri (uri_size bytes,
 * USERS_TOTP_URI_SIZE is enough) receives
 * otpauth://totp/redress:NAME?secret=BASE32&issuer=redress&algorithm=SHA1&digits=6&period=30
 * for an authenticator app: a secret, which the caller shows once and
 * wipes.  REDRESS_E_NOTFOUND for no such account; on error the caller
 * rolls the change back and uri is "".
 */
enum redress_err users_totp_enrol(struct tlog *log, const struct actor *actor, const struct seal_key *master,
                                  const char *name, char *uri, size_t uri_size, struct redress_error *err);

/*
 * Checks a TOTP code of account name at unix_now (the step holding it and
 * one either side).  *step_r (may be NULL) is the matched step: the caller
 * keeps the last step it accepted per account and refuses it again (a
 * replayed code).  REDRESS_E_REFUSED for a wrong or malformed code, an
 * account with no TOTP or no such account; the message starts with
 * USERS_TOTP_REFUSED and then says which, never the code.
 * REDRESS_E_CRYPTO when the secret does not open with master.
 */
enum redress_err users_totp_verify(struct store *store, const struct seal_key *master, const char *name,
                                   const char *code, uint64_t unix_now, uint64_t *step_r,
                                   struct redress_error *err);

/*
 * Issues a new API token for account name (an event "users.token.issued",
 * inside a change) into token (size bytes, USERS_TOKEN_SIZE): "rdt_" and
 * the base64url of 32 random bytes.  Only its SHA-256 is stored; the
 * caller shows the token once and wipes it.  actor must be the account
 * itself (REDRESS_E_REFUSED otherwise, even for an admin: a token made for
 * another account would let one person act as two, and approve a claim
 * twice).  REDRESS_E_NOTFOUND for no such account.
 */
enum redress_err users_token_issue(struct tlog *log, const struct actor *actor, const char *name, char *token,
                                   size_t size, struct redress_error *err);

/*
 * Ends every live token of account name (an event "users.tokens.revoked",
 * inside a change, even when there are none); *revoked_r (may be NULL) is
 * how many.  actor needs PERM_USERS_MANAGE.
 */
enum redress_err users_tokens_revoke(struct tlog *log, const struct actor *actor, const char *name,
                                     uint64_t *revoked_r, struct redress_error *err);

/*
 * Finds the account a token was issued to and fills *actor_r: one indexed
 * lookup by the token's hash.  The role is taken only when the account's
 * password record opens under master for it (the keys vouch for the role,
 * not the table).  REDRESS_E_REFUSED for a malformed, unknown or revoked
 * token, with one message for those three, and for a locked account or
 * one whose role was edited behind the log's back.
 */
enum redress_err users_token_authenticate(struct store *store, const struct seal_key *master,
                                          const char *token, struct actor *actor_r,
                                          struct redress_error *err);

/*
 * What a server remembers of the password records it has seen open: the
 * name, role and sealed text of each, for the last USERS_VOUCHED_SLOTS
 * accounts.  Opening a record is deterministic, so a record that opened
 * once for a name and role opens again: a request with a known token
 * skips the base64 decoding and the decryption, not the check.  An edited
 * role or record differs from what is remembered and is opened (and
 * refused) as before; a refusal is never remembered.  One per master key,
 * shared by a server's threads (a lock inside); holds only what the
 * database holds (sealed text).
 */
#define USERS_VOUCHED_SLOTS 64

struct users_vouched;

/* A new, empty memory for records opened under master (kept, not copied); NULL when out of memory. */
struct users_vouched *users_vouched_new(const struct seal_key *master);
/* Frees *v and sets it NULL; NULL is a no-op. */
void users_vouched_free(struct users_vouched **v);

/*
 * users_token_authenticate, with the records that opened before taken
 * from vouched (NULL: none remembered) and those that open now added.
 */
enum redress_err users_token_authenticate_vouched(struct store *store, const struct seal_key *master,
                                                  struct users_vouched *vouched, const char *token,
                                                  struct actor *actor_r, struct redress_error *err);

/*
 * Locks account name (an event "users.account.locked", inside a change, by
 * whichever actor the log has: "system:http"): it signs in no more, by
 * password or token, until users_unlock.  reason is free text of at most
 * USERS_REASON_MAX bytes, kept in clear in the log: never a password.  A
 * locked account is locked again as REDRESS_OK without an event.
 * REDRESS_E_NOTFOUND for no such account.
 */
enum redress_err users_lock(struct tlog *log, const char *name, const char *reason,
                            struct redress_error *err);

/*
 * Unlocks account name (an event "users.account.unlocked", inside a
 * change).  actor needs PERM_USERS_MANAGE.  REDRESS_E_CONFLICT when it is
 * not locked, REDRESS_E_NOTFOUND when there is no such account.
 */
enum redress_err users_unlock(struct tlog *log, const struct actor *actor, const char *name,
                              struct redress_error *err);

/*
 * Disables (disabled 1) or enables account name (an event
 * "users.account.disabled" or ".enabled", inside a change).  A disabled
 * account signs in no more, by password or token, until enabled; the
 * caller ends its sessions.  actor needs PERM_USERS_MANAGE and may not
 * disable itself.  REDRESS_E_CONFLICT when it already is so,
 * REDRESS_E_NOTFOUND for no such account.
 */
enum redress_err users_disable(struct tlog *log, const struct actor *actor, const char *name, int disabled,
                               struct redress_error *err);

/*
 * Changes account name's own password (an event "users.password.changed",
 * inside a change): old must be its password now (REDRESS_E_REFUSED with
 * the sign-in's message otherwise; a locked or disabled account is
 * refused too).  This is how an account whose password an admin reset
 * chooses a new one: it then signs in again.  new_password follows
 * PASSWORD_MIN and must differ from old.
 */
enum redress_err users_password_change(struct tlog *log, const struct seal_key *master, const char *name,
                                       const char *old, const char *new_password, struct redress_error *err);

/*
 * An admin sets account name's password (the same event, marked a reset):
 * the account must choose a new one at its next sign-in.  actor needs
 * PERM_USERS_MANAGE; for its own password it uses users_password_change.
 */
enum redress_err users_password_reset(struct tlog *log, const struct actor *actor,
                                      const struct seal_key *master, const char *name,
                                      const char *new_password, struct redress_error *err);

/*
 * Changes account name's role (an event "users.role.changed", inside a
 * change).  actor needs PERM_USERS_MANAGE.  Granting admin takes two
 * admins: the first call records a pending grant ("users.role.proposed")
 * and sets *pending_r to 1; the same grant by another admin changes the
 * role (*pending_r 0); by the same admin again it is REDRESS_E_REFUSED.
 * While the fund has one admin, there is no second to ask: the grant of
 * admin takes effect at once.
 * Other roles change at once, and cancel a pending grant.  The last admin
 * cannot lose the role (REDRESS_E_REFUSED); the role it has already is
 * REDRESS_E_CONFLICT; no such account REDRESS_E_NOTFOUND.
 */
enum redress_err users_role_set(struct tlog *log, const struct actor *actor, const struct seal_key *master,
                                const char *name, enum role role, int *pending_r, struct redress_error *err);

/*
 * The last TOTP step each account signed in with, kept so that a code used
 * before a restart is refused after it (the server's state, not events).
 * users_totp_step_keep keeps step unless a later one is kept already;
 * users_totp_steps_load calls fn for each account's.
 */
struct users_totp_step {
	char account[USER_NAME_MAX + 1];
	int64_t step;
};
enum redress_err users_totp_step_keep(struct store *store, const char *account, uint64_t step,
                                      struct redress_error *err);
enum redress_err users_totp_steps_load(struct store *store,
                                       enum redress_err (*fn)(void *ctx, const struct users_totp_step *s,
                                                              struct redress_error *err),
                                       void *ctx, struct redress_error *err);

/*
 * A new master key (redress keys rotate): every account's password hash
 * and TOTP secret opened with old and sealed again under new_key, one
 * event "users.keys.resealed" each, inside the caller's change; *count_r
 * is how many accounts.  actor needs PERM_USERS_MANAGE.  A secret that
 * does not open with old is REDRESS_E_CRYPTO naming the account.
 */
enum redress_err users_reseal(struct tlog *log, const struct actor *actor, const struct seal_key *old,
                              const struct seal_key *new_key, uint64_t *count_r, struct redress_error *err);

/* Calls fn for each account in name order. */
enum redress_err users_each(struct store *store,
                            enum redress_err (*fn)(void *ctx, const char *name, enum role role,
                                                   struct redress_error *err),
                            void *ctx, struct redress_error *err);

/*
 * The account as JSON for readers (users_json.c): name, role, whether it
 * has a second factor, is locked, and how many API tokens it holds.  A new
 * reference the caller decrefs; NULL when out of memory.
 */
json_t *users_account_json(const struct users_account *a);

#endif
