/*
 * users_int.h -- what users.c (commands, roles, signing in),
 * users_apply.c (events and tables) and users_fold.c (audit's fast path)
 * share.  Private to src/domain/users.
 */
#ifndef REDRESS_DOMAIN_USERS_INT_H
#define REDRESS_DOMAIN_USERS_INT_H

#include <stdint.h>

#include "core/buf.h"
#include "domain/users/users.h"
#include "log/audit.h"

#define USERS_EV_ADDED          "users.user.added"
#define USERS_EV_TOTP_ENROLLED  "users.totp.enrolled"
#define USERS_EV_TOKEN_ISSUED   "users.token.issued"
#define USERS_EV_TOKENS_REVOKED "users.tokens.revoked"
#define USERS_EV_LOCKED         "users.account.locked"
#define USERS_EV_UNLOCKED       "users.account.unlocked"
#define USERS_EV_RECOVERED      "users.account.recovered"
#define USERS_EV_DISABLED       "users.account.disabled"
#define USERS_EV_ENABLED        "users.account.enabled"
#define USERS_EV_PASSWORD       "users.password.changed"
#define USERS_EV_ROLE_PROPOSED  "users.role.proposed"
#define USERS_EV_ROLE_CHANGED   "users.role.changed"
#define USERS_EV_RESEALED       "users.keys.resealed"

/* The module's tables, in the order of users_snapshots (users_apply.c). */
enum users_table {
	USERS_TABLE_ACCOUNTS,
	USERS_TABLE_TOTP,
	USERS_TABLE_TOKENS,
	USERS_TABLE_LOCKS,
	USERS_TABLE_DISABLED,
	USERS_TABLE_MUST_CHANGE,
	USERS_TABLE_ROLE_PENDING,
};

/* A token's hash as stored: the lowercase hex of the SHA-256 of its text. */
#define USERS_TOKEN_HASH_SIZE 65

/*
 * Sealed text of a password hash: "s1:" and the base64 of a 24-byte nonce,
 * the hash (under PASSWORD_HASH_SIZE bytes) and a 16-byte tag, about 230
 * characters.  Anything longer in an event or a row is not ours.
 */
#define USERS_SEALED_MAX 512

/*
 * The associated data that binds a sealed hash to its account and role:
 * "user:NAME/password/role:ROLE".  Someone who can write the database but
 * holds no key cannot change an account's role: the record then no longer
 * opens, and signing in (password or token) is refused.  Records sealed
 * before roles were bound ("user:NAME/password") still open (legacy), but
 * bind the name only.  Whatever changes an account's role must seal its
 * password record again under the new label (seal_password in users.c
 * does, for a row's role), and its fold must update the held row's role
 * (users_fold.c), which audit's replay of roles reads.
 */
#define USERS_SEAL_AD_SIZE (sizeof("user:/password/role:caseworker") + USER_NAME_MAX)

/* An account as its row in users_accounts holds it. */
struct users_row {
	char name[USER_NAME_MAX + 1];
	enum role role;
	char password_sealed[USERS_SEALED_MAX + 1]; /* the Argon2id hash, sealed under the master key */
	uint64_t added_seq;                         /* the event that added it */
};

/* The sealing label of name's password hash when its role is role. */
void users_seal_ad(const char *name, enum role role, char ad[USERS_SEAL_AD_SIZE]);

/* The label of records sealed before roles were bound: "user:NAME/password". */
void users_seal_ad_legacy(const char *name, char ad[USERS_SEAL_AD_SIZE]);

/*
 * Opens a's password record under master, with the label of its row's
 * role (or the legacy label), into hash (the caller wipes and frees it).
 * REDRESS_E_CRYPTO, saying the row was altered, when it does not open:
 * a role edited in the table, or another fund's key.
 */
enum redress_err users_open_password(const struct seal_key *master, const struct users_row *a,
                                     struct buf *hash, struct redress_error *err);

/* The sealing label of name's TOTP secret: "user:NAME/totp". */
void users_totp_ad(const char *name, char ad[USERS_SEAL_AD_SIZE]);

/* "users.totp.enrolled": the account's TOTP secret, sealed; a later one replaces it. */
struct users_totp_row {
	char name[USER_NAME_MAX + 1];
	char secret_sealed[USERS_SEALED_MAX + 1];
	uint64_t enrolled_seq;
};

/* "users.token.issued": an API token, known only by its hash. */
struct users_token_row {
	char hash[USERS_TOKEN_HASH_SIZE];
	char account[USER_NAME_MAX + 1];
	uint64_t issued_seq;
	uint64_t revoked_seq; /* 0 while it is live (NULL in the table) */
};

/* "users.tokens.revoked": every live token of name ends; count of them. */
struct users_revoke_ev {
	char name[USER_NAME_MAX + 1];
	int64_t count;
	uint64_t seq;
};

/* "users.account.locked": the account signs in no more until unlocked. */
struct users_lock_row {
	char name[USER_NAME_MAX + 1];
	char reason[USERS_REASON_MAX + 1];
	uint64_t locked_seq;
};

/*
 * Each new event's encoder (into out), decoder (checks every field,
 * refuses unknown ones) and apply function (the one way the live commands
 * and replay write its table).  "users.account.unlocked" carries only a
 * name: it uses struct users_lock_row with an empty reason.
 */
enum redress_err users_encode_totp(struct buf *out, const struct users_totp_row *t,
                                   struct redress_error *err);
enum redress_err users_decode_totp(const struct event *ev, struct users_totp_row *t,
                                   struct redress_error *err);
enum redress_err users_apply_totp(struct store *store, const struct users_totp_row *t,
                                  struct redress_error *err);

enum redress_err users_encode_token(struct buf *out, const struct users_token_row *k,
                                    struct redress_error *err);
enum redress_err users_decode_token(const struct event *ev, struct users_token_row *k,
                                    struct redress_error *err);
enum redress_err users_apply_token(struct store *store, const struct users_token_row *k,
                                   struct redress_error *err);

enum redress_err users_encode_revoke(struct buf *out, const struct users_revoke_ev *r,
                                     struct redress_error *err);
enum redress_err users_decode_revoke(const struct event *ev, struct users_revoke_ev *r,
                                     struct redress_error *err);
/* Ends the live tokens; REDRESS_E_CONFLICT when their number is not r->count. */
enum redress_err users_apply_revoke(struct store *store, const struct users_revoke_ev *r,
                                    struct redress_error *err);

enum redress_err users_encode_lock(struct buf *out, const struct users_lock_row *l, int locked,
                                   struct redress_error *err);
enum redress_err users_decode_lock(const struct event *ev, struct users_lock_row *l, int locked,
                                   struct redress_error *err);
/* Locks (locked 1) or unlocks; REDRESS_E_CONFLICT when it already is so. */
enum redress_err users_apply_lock(struct store *store, const struct users_lock_row *l, int locked,
                                  struct redress_error *err);

/*
 * "users.account.recovered": a new sealed password for a->name (a->name and
 * a->password_sealed; its role and added_seq are the row's), and the lock,
 * if any, gone.  REDRESS_E_NOTFOUND from apply when there is no such account.
 */
enum redress_err users_encode_recovered(struct buf *out, const struct users_row *a,
                                        struct redress_error *err);
enum redress_err users_decode_recovered(const struct event *ev, struct users_row *a,
                                        struct redress_error *err);
enum redress_err users_apply_recovered(struct store *store, const struct users_row *a,
                                       struct redress_error *err);

/* Reads name's TOTP row; REDRESS_E_NOTFOUND when it has none. */
enum redress_err users_totp_get(struct store *store, const char *name, struct users_totp_row *t_r,
                                struct redress_error *err);

/* Reads the account name; REDRESS_E_NOTFOUND when there is none. */
enum redress_err users_get(struct store *store, const char *name, struct users_row *a_r,
                           struct redress_error *err);

/* Canonical event data of "users.user.added", appended to out. */
enum redress_err users_encode_added(struct buf *out, const struct users_row *a, struct redress_error *err);

/* Reads "users.user.added" back: checks every field and refuses unknown ones. */
enum redress_err users_decode_added(const struct event *ev, struct users_row *a, struct redress_error *err);

/* Inserts an account row: the one way the live commands and replay write the table. */
enum redress_err users_apply_added(struct store *store, const struct users_row *a, struct redress_error *err);

/* The sign-in's helpers (users.c), for users_admin.c. */
enum redress_err users_password_check(const char *password, struct redress_error *err);
/* Hashes password and seals the hash for name into a->password_sealed. */
enum redress_err users_seal_password(const struct seal_key *master, const char *name, const char *password,
                                     struct users_row *a, struct redress_error *err);
/* Opens a's sealed hash and checks password against it: *ok_r 1 on a match. */
/* REDRESS_OK when a's password record opens for the name and role its row names (REDRESS_E_CRYPTO if not). */
enum redress_err users_vouch_role(const struct seal_key *master, const struct users_row *a,
                                  struct redress_error *err);
enum redress_err users_check_password(const struct seal_key *master, const struct users_row *a,
                                      const char *password, int *ok_r, struct redress_error *err);

/*
 * The events of users_admin.c: an account disabled or enabled, a password
 * changed (reset: by an admin, to be changed at the next sign-in), a role
 * proposed (a grant of admin awaiting a second admin) or changed.
 */
struct users_admin_ev {
	char name[USER_NAME_MAX + 1];
	enum role role;                             /* role events */
	int reset;                                  /* password event */
	char password_sealed[USERS_SEALED_MAX + 1]; /* password and resealed events */
	char totp_sealed[USERS_SEALED_MAX + 1];     /* resealed event: "" when it has no TOTP */
	char actor[TLOG_ACTOR_MAX + 1];             /* who made the event (the proposer of a grant) */
	uint64_t seq;
};

/*
 * Reads and applies one of the events above, the one way the live
 * commands and replay write users_disabled, users_must_change,
 * users_role_pending and an account's role and password.  REDRESS_E_NOTFOUND
 * (with nothing done) for an event type that is not one of them.
 */
enum redress_err users_admin_decode(const struct event *ev, struct users_admin_ev *e,
                                    struct redress_error *err);
enum redress_err users_admin_apply(struct store *store, const char *type, const struct users_admin_ev *e,
                                   struct redress_error *err);

/* Audit's fast path: the module's events folded into an in-memory model. */
void *users_fold_begin(void);
enum redress_err users_fold(void *model, const struct event *ev, struct audit_fold *fold,
                            struct redress_error *err);
void users_fold_end(void *model, struct audit_fold *fold);

/* The role the fold model gives account name now into *role_r: 0 when there is no such account. */
int users_fold_role(void *model, const char *name, enum role *role_r);
/* 1 the first time it is called on model, then 0: audit names one such event, not each. */
int users_fold_first_os(void *model);
/* 1 when the fold model holds any account (the bootstrap is over). */
int users_fold_any(void *model);

/* Audit's replay of roles (users_gate.c, event_module.gate). */
void users_gate(void *model, const struct event *ev, struct audit_report *report);

/* The module's statements (users_catalogue, in users_apply.c), by id. */
enum users_statement {
	USERS_Q_ACCOUNTS_COUNT,
	USERS_Q_EACH,
	USERS_Q_DISABLED_INSERT,
	USERS_Q_DISABLED_DELETE,
	USERS_Q_PASSWORD_SET,
	USERS_Q_MUST_CHANGE_PUT,
	USERS_Q_MUST_CHANGE_DELETE,
	USERS_Q_PENDING_GET,
	USERS_Q_PENDING_PUT,
	USERS_Q_PENDING_DELETE,
	USERS_Q_ROLE_SET,
	USERS_Q_TOTP_RESEAL,
	USERS_Q_ADMINS,
	USERS_Q_GET,
	USERS_Q_INSERT,
	USERS_Q_SNAPSHOT_ACCOUNTS,
	USERS_Q_TOTP_GET,
	USERS_Q_TOTP_PUT,
	USERS_Q_SNAPSHOT_TOTP,
	USERS_Q_TOKEN_INSERT,
	USERS_Q_TOKENS_REVOKE,
	USERS_Q_SNAPSHOT_TOKENS,
	USERS_Q_LOCK_INSERT,
	USERS_Q_LOCK_DELETE,
	USERS_Q_SNAPSHOT_LOCKS,
	USERS_Q_SNAPSHOT_DISABLED,
	USERS_Q_SNAPSHOT_MUST_CHANGE,
	USERS_Q_SNAPSHOT_ROLE_PENDING,
	USERS_Q_ACCOUNT_GET,
	USERS_Q_TOKEN_FIND,
	USERS_Q_TOTP_STEPS_ALL,
	USERS_Q_TOTP_STEP_KEEP,
	USERS_Q_COUNT
};
extern const struct store_catalogue users_catalogue;

#endif
