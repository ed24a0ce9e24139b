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

#define USERS_EV_ADDED "users.user.added"

/*
 * Sealed text of a password hash: "s1:" and the base64 of a 24-byte nonce,
 * the hash (under PASSWORD_HASH_SIZE bytes) and a 16-byte tag, about 230
 * characters.  Anything longer in an event or a row is not ours.
 */
#define USERS_SEALED_MAX 512

/* The associated data that binds a sealed hash to its account: "user:NAME/password". */
#define USERS_SEAL_AD_SIZE (sizeof("user:/password") + USER_NAME_MAX)

/* An account as its row holds it. */
struct users_account {
	char name[USER_NAME_MAX + 1];
	enum role role;
	char password_sealed[USERS_SEALED_MAX + 1]; /* the Argon2id hash, sealed under the master key */
	uint64_t added_seq;                         /* the event that added it */
};

/* The sealing label of name's password hash. */
void users_seal_ad(const char *name, char ad[USERS_SEAL_AD_SIZE]);

/* Reads the account name; REDRESS_E_NOTFOUND when there is none. */
enum redress_err users_get(struct store *store, const char *name, struct users_account *a_r,
                           struct redress_error *err);

/* Canonical event data of "users.user.added", appended to out. */
enum redress_err users_encode_added(struct buf *out, const struct users_account *a,
                                    struct redress_error *err);

/* Reads "users.user.added" back: checks every field and refuses unknown ones. */
enum redress_err users_decode_added(const struct event *ev, struct users_account *a,
                                    struct redress_error *err);

/* Inserts an account row: the one way the live commands and replay write the table. */
enum redress_err users_apply_added(struct store *store, const struct users_account *a,
                                   struct redress_error *err);

/* Audit's fast path: the module's events folded into an in-memory model. */
void *users_fold_begin(void);
enum redress_err users_fold(void *model, const struct event *ev, struct audit_fold *fold,
                            struct redress_error *err);
void users_fold_end(void *model, struct audit_fold *fold);

#endif
