/*
 * users.c -- staff accounts: the roles and what each may do, adding an
 * account, and signing in with a password.  The second factor, API tokens
 * and locks are in users_auth.c; the events and the tables in
 * users_apply.c.
 */
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/users/users_int.h"

#define USERS_EVENT_DATA_MAX 4096
#define PERM_COUNT           (PERM_APPEALS_DECIDE + 1)
#define PERM_BIT(p)          (1u << (p))

_Static_assert(PERM_COUNT <= 32, "permissions fit in a 32-bit mask");

/* One message for every failed sign-in, so that it never tells which accounts exist. */

static const char *const role_names[] = {
    [ROLE_ADMIN] = "admin",     [ROLE_CASEWORKER] = "caseworker", [ROLE_REVIEWER] = "reviewer",
    [ROLE_FINANCE] = "finance", [ROLE_MONITOR] = "monitor",       [ROLE_APPEALS] = "appeals",
};

#define ROLE_COUNT (sizeof(role_names) / sizeof(role_names[0]))

/*
 * Who may do what: the one place it is decided.  README.md ("Staff
 * accounts and roles") and tests/unit/test_users.c hold the same table.
 */
static const unsigned role_perms[] = {
    [ROLE_ADMIN] = PERM_BIT(PERM_USERS_MANAGE) | PERM_BIT(PERM_PROGRAMS_MANAGE) |
                   PERM_BIT(PERM_PERSONS_ERASE) | PERM_BIT(PERM_PERSONS_READ) | PERM_BIT(PERM_CLAIMS_READ) |
                   PERM_BIT(PERM_BALANCES_READ) | PERM_BIT(PERM_AGGREGATES_READ),
    [ROLE_CASEWORKER] = PERM_BIT(PERM_PERSONS_WRITE) | PERM_BIT(PERM_PERSONS_READ) |
                        PERM_BIT(PERM_PERSONS_REVEAL) | PERM_BIT(PERM_CONSENT_WRITE) |
                        PERM_BIT(PERM_CLAIMS_INTAKE) | PERM_BIT(PERM_CLAIMS_READ),
    [ROLE_REVIEWER] = PERM_BIT(PERM_CLAIMS_DECIDE) | PERM_BIT(PERM_CLAIMS_READ) | PERM_BIT(PERM_PERSONS_READ),
    [ROLE_FINANCE] = PERM_BIT(PERM_LEDGER_WRITE) | PERM_BIT(PERM_LEDGER_READ) | PERM_BIT(PERM_BALANCES_READ) |
                     PERM_BIT(PERM_ENTITLEMENTS_RUN) | PERM_BIT(PERM_QUEUE_READ) | PERM_BIT(PERM_CLAIMS_READ),
    [ROLE_MONITOR] = PERM_BIT(PERM_BALANCES_READ) | PERM_BIT(PERM_AGGREGATES_READ),
    [ROLE_APPEALS] = PERM_BIT(PERM_APPEALS_DECIDE) | PERM_BIT(PERM_CLAIMS_READ),
};

_Static_assert(sizeof(role_perms) / sizeof(role_perms[0]) == ROLE_COUNT, "a permission set per role");

/* What each permission allows, in words: "account 'bob' (reviewer) may not <this>". */
static const char *const perm_names[] = {
    [PERM_USERS_MANAGE] = "manage staff accounts",
    [PERM_PROGRAMS_MANAGE] = "manage programs",
    [PERM_PERSONS_WRITE] = "register or change persons",
    [PERM_PERSONS_READ] = "read persons' case files",
    [PERM_PERSONS_REVEAL] = "reveal a person's identity",
    [PERM_PERSONS_ERASE] = "erase a person",
    [PERM_CONSENT_WRITE] = "record consent or consultations",
    [PERM_CLAIMS_INTAKE] = "open or submit claims",
    [PERM_CLAIMS_DECIDE] = "decide claims",
    [PERM_CLAIMS_READ] = "read claims",
    [PERM_LEDGER_WRITE] = "change the ledger",
    [PERM_LEDGER_READ] = "read the ledger's history",
    [PERM_BALANCES_READ] = "read balances",
    [PERM_ENTITLEMENTS_RUN] = "compute entitlements",
    [PERM_QUEUE_READ] = "read the payment queue",
    [PERM_AGGREGATES_READ] = "read aggregate reports",
    [PERM_APPEALS_DECIDE] = "decide appeals",
};

_Static_assert(sizeof(perm_names) / sizeof(perm_names[0]) == PERM_COUNT, "a name per permission");

const char *
users_role_name(enum role role)
{
	return (size_t)role < ROLE_COUNT ? role_names[role] : "?";
}

enum redress_err
users_role_parse(const char *text, enum role *role_r, struct redress_error *err)
{
	size_t i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (strcmp(role_names[i], text) == 0) {
			*role_r = (enum role)i;
			return REDRESS_OK;
		}
	return error_set(err, REDRESS_E_INVALID,
	                 "role '%.32s' is not one of admin, caseworker, reviewer, finance, monitor, appeals",
	                 text);
}

const char *
users_permission_name(enum permission perm)
{
	return (size_t)perm < PERM_COUNT ? perm_names[perm] : "?";
}

int
users_allows(const struct actor *actor, enum permission perm)
{
	if (actor == NULL || (size_t)perm >= PERM_COUNT)
		return 0;
	if (actor->bootstrap)
		return 1;
	if ((size_t)actor->role >= ROLE_COUNT)
		return 0;
	return (role_perms[actor->role] & PERM_BIT(perm)) != 0;
}

enum redress_err
users_require(const struct actor *actor, enum permission perm, struct redress_error *err)
{
	char roles[128];
	size_t i, len = 0;

	if (users_allows(actor, perm))
		return REDRESS_OK;
	if (actor == NULL)
		return error_set(err, REDRESS_E_REFUSED, "no one is signed in: only an account may %s",
		                 users_permission_name(perm));
	/* Name the roles that may, so the refusal says whom to ask. */
	roles[0] = '\0';
	for (i = 0; i < ROLE_COUNT && (size_t)perm < PERM_COUNT && len < sizeof(roles); i++)
		if (role_perms[i] & PERM_BIT(perm))
			len += (size_t)snprintf(roles + len, sizeof(roles) - len, "%s%s",
			                        len > 0 ? " or " : "", role_names[i]);
	return error_set(err, REDRESS_E_REFUSED, "account '%s' (%s) may not %s: %s%s", actor->name,
	                 users_role_name(actor->role), users_permission_name(perm),
	                 roles[0] != '\0' ? "that needs the role " : "no role may", roles);
}

enum redress_err
users_name_check(const char *name, struct redress_error *err)
{
	size_t i, len;

	if (name == NULL || *name == '\0')
		return error_set(err, REDRESS_E_INVALID, "an account name is empty");
	len = strlen(name);
	if (len > USER_NAME_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "account name '%.40s...' is longer than %d characters", name, USER_NAME_MAX);
	for (i = 0; i < len; i++) {
		char c = name[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '.' || c == '_' || c == '-')))
			continue;
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			return error_set(
			    err, REDRESS_E_INVALID,
			    "account name has a byte 0x%02x at position %zu: use a-z, 0-9 and . _ -",
			    (unsigned char)c, i + 1);
		return error_set(err, REDRESS_E_INVALID,
		                 "account name '%.64s' has '%c' at position %zu: use a-z, 0-9 and . _ -,"
		                 " starting with a letter or digit",
		                 name, c, i + 1);
	}
	return REDRESS_OK;
}

/* A new password: valid text of PASSWORD_MIN to PASSWORD_MAX characters (never echoed in a message). */
enum redress_err
users_password_check(const char *password, struct redress_error *err)
{
	size_t i, chars = 0;
	enum redress_err rc;

	if ((rc = text_check("the password", password, PASSWORD_MAX, err)) != REDRESS_OK)
		return rc;
	for (i = 0; password[i] != '\0'; i++)
		if (((unsigned char)password[i] & 0xc0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN)
		return error_set(err, REDRESS_E_INVALID,
		                 "the password has %zu characters; a staff password has at least %d", chars,
		                 PASSWORD_MIN);
	return REDRESS_OK;
}

enum redress_err
users_count(struct store *store, uint64_t *count_r, struct redress_error *err)
{
	static const struct store_field count_field[] = {STORE_FIELD_INT64_ROW};
	struct store_stmt *st;
	int64_t count;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_ACCOUNTS_COUNT, err)) == NULL)
		return err->code;
	switch (store_read_one(st, count_field, &count, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_INTERNAL, "counting accounts gave no row");
	default: return err->code;
	}
	*count_r = (uint64_t)count;
	return REDRESS_OK;
}

/* Hashes password and seals the hash for a->name and a->role into a->password_sealed. */
enum redress_err
users_seal_password(const struct seal_key *master, const char *name, const char *password,
                    struct users_row *a, struct redress_error *err)
{
	char hash[PASSWORD_HASH_SIZE], ad[USERS_SEAL_AD_SIZE];
	struct buf sealed;
	enum redress_err rc;

	if ((rc = password_hash(password, hash, err)) != REDRESS_OK)
		return rc;
	users_seal_ad(a->name, a->role, ad);
	buf_init(&sealed, USERS_SEALED_MAX);
	rc = seal_encrypt(master, hash, strlen(hash), ad, &sealed, err);
	explicit_bzero(hash, sizeof(hash));
	if (rc == REDRESS_OK)
		memcpy(a->password_sealed, sealed.data, sealed.len + 1);
	buf_free(&sealed);
	return rc;
}

/* The bootstrap adds only the first account, and it must be an administrator. */
static enum redress_err
bootstrap_check(struct store *store, enum role role, struct redress_error *err)
{
	uint64_t count;
	enum redress_err rc;

	if ((rc = users_count(store, &count, err)) != REDRESS_OK)
		return rc;
	if (count > 0)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "this fund has staff accounts: sign in as an admin with --as NAME to add one");
	if (role != ROLE_ADMIN)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "the first account must be an admin (--role admin), who then adds the others");
	return REDRESS_OK;
}

enum redress_err
users_add(struct tlog *log, const struct actor *actor, const struct seal_key *master, const char *name,
          enum role role, const char *password, struct redress_error *err)
{
	struct users_row a, old;
	struct buf data;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	if ((size_t)role >= ROLE_COUNT)
		return error_set(err, REDRESS_E_INVALID, "role %d is not valid", (int)role);
	if ((rc = users_password_check(password, err)) != REDRESS_OK)
		return rc;
	if (actor->bootstrap && (rc = bootstrap_check(tlog_store(log), role, err)) != REDRESS_OK)
		return rc;
	/* Nobody alone makes an admin: past the first, it takes a second admin (users_role_set). */
	if (!actor->bootstrap && role == ROLE_ADMIN)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "an admin is made by two admins: add '%s' with another role, then 'redress user"
		    " role %s admin' by one admin and again by another",
		    name, name);
	rc = users_get(tlog_store(log), name, &old, err);
	if (rc == REDRESS_OK)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' already exists (%s)", name,
		                 users_role_name(old.role));
	if (rc != REDRESS_E_NOTFOUND)
		return rc;

	memset(&a, 0, sizeof(a));
	memcpy(a.name, name, strlen(name) + 1);
	a.role = role;
	if ((rc = users_seal_password(master, name, password, &a, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, USERS_EVENT_DATA_MAX);
	if ((rc = users_encode_added(&data, &a, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &users_module, USERS_EV_ADDED, &data, &a.added_seq, err);
	buf_free(&data);
	return rc;
}

enum redress_err
users_open_password(const struct seal_key *master, const struct users_row *a, struct buf *hash,
                    struct redress_error *err)
{
	char ad[USERS_SEAL_AD_SIZE];

	enum redress_err rc;

	users_seal_ad(a->name, a->role, ad);
	if ((rc = seal_decrypt(master, a->password_sealed, ad, hash, err)) == REDRESS_OK)
		return REDRESS_OK;
	if (rc == REDRESS_E_NOMEM)
		return rc; /* no verdict on the role */
	buf_reset(hash);
	users_seal_ad_legacy(a->name, ad);
	if ((rc = seal_decrypt(master, a->password_sealed, ad, hash, err)) == REDRESS_OK)
		return REDRESS_OK;
	if (rc == REDRESS_E_NOMEM)
		return rc;
	return error_set(err, REDRESS_E_CRYPTO,
	                 "account '%s': its password record does not open with this fund's master key for"
	                 " the role '%s' its row names (wrong --keys, or the row was altered: run 'redress"
	                 " audit verify')",
	                 a->name, users_role_name(a->role));
}

enum redress_err
users_vouch_role(const struct seal_key *master, const struct users_row *a, struct redress_error *err)
{
	struct buf opened;
	enum redress_err rc;

	buf_init_secret(&opened, USERS_SEALED_MAX);
	rc = users_open_password(master, a, &opened, err);
	buf_free(&opened);
	return rc;
}

/* Opens a's sealed hash and checks password against it: *ok_r is 1 on a match. */
enum redress_err
users_check_password(const struct seal_key *master, const struct users_row *a, const char *password,
                     int *ok_r, struct redress_error *err)
{
	struct buf hash;
	enum redress_err rc;

	buf_init(&hash, PASSWORD_HASH_SIZE);
	if ((rc = users_open_password(master, a, &hash, err)) == REDRESS_OK)
		*ok_r = password_verify(hash.data, password);
	if (hash.data != NULL)
		explicit_bzero(hash.data, hash.cap);
	buf_free(&hash);
	return rc;
}

enum redress_err
users_authenticate(struct store *store, const struct seal_key *master, const char *name, const char *password,
                   struct actor *actor_r, struct redress_error *err)
{
	char wasted[PASSWORD_HASH_SIZE];
	struct users_account acct;
	struct users_row a;
	enum redress_err rc;
	int ok = 0;

	if (users_name_check(name, NULL) == REDRESS_OK)
		rc = users_get(store, name, &a, err);
	else
		rc = REDRESS_E_NOTFOUND;
	if (rc == REDRESS_E_NOTFOUND) {
		/* As long as checking a password would take: the time must not tell which names exist. */
		if (password_hash(password, wasted, NULL) == REDRESS_OK)
			explicit_bzero(wasted, sizeof(wasted));
		return error_set(err, REDRESS_E_REFUSED, USERS_SIGN_IN_REFUSED);
	}
	if (rc != REDRESS_OK)
		return rc;
	/* Before the password: a lock must not let anyone go on guessing it. */
	if ((rc = users_account_get(store, name, &acct, err)) != REDRESS_OK)
		return rc;
	if (acct.locked)
		return error_set(err, REDRESS_E_REFUSED,
		                 "sign-in refused: account '%s' is locked;"
		                 " an admin can unlock it with 'redress user unlock %s'",
		                 name, name);
	if (acct.disabled)
		return error_set(err, REDRESS_E_REFUSED,
		                 "sign-in refused: account '%s' is disabled; an admin can enable it with"
		                 " 'redress user enable %s'",
		                 name, name);
	if ((rc = users_check_password(master, &a, password, &ok, err)) != REDRESS_OK)
		return rc;
	if (!ok)
		return error_set(err, REDRESS_E_REFUSED, USERS_SIGN_IN_REFUSED);
	/* After the password: only its holder learns that a new one is due. */
	if (acct.must_change)
		return error_set(err, REDRESS_E_PASSWORD_RESET,
		                 "sign-in refused: account '%s' must choose a new password first (an admin"
		                 " reset it): 'redress --as %s user password', or POST /api/v1/password",
		                 name, name);
	memset(actor_r, 0, sizeof(*actor_r));
	memcpy(actor_r->name, a.name, strlen(a.name) + 1);
	actor_r->role = a.role;
	actor_r->bootstrap = 0;
	return REDRESS_OK;
}

enum redress_err
users_recover(struct tlog *log, const struct seal_key *master, const char *name, const char *password,
              struct redress_error *err)
{
	struct users_row a;
	struct buf data, old;
	enum redress_err rc;
	uint64_t seq;

	if ((rc = users_name_check(name, err)) != REDRESS_OK ||
	    (rc = users_password_check(password, err)) != REDRESS_OK ||
	    (rc = users_get(tlog_store(log), name, &a, err)) != REDRESS_OK)
		return rc;
	/* The role to seal the new record for is the one the old record vouches for, not the row's word. */
	buf_init(&old, USERS_SEALED_MAX);
	rc = users_open_password(master, &a, &old, err);
	if (old.data != NULL)
		explicit_bzero(old.data, old.cap);
	buf_free(&old);
	if (rc != REDRESS_OK)
		return rc;
	if ((rc = users_seal_password(master, a.name, password, &a, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, USERS_EVENT_DATA_MAX);
	if ((rc = users_encode_recovered(&data, &a, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &users_module, USERS_EV_RECOVERED, &data, &seq, err);
	buf_free(&data);
	return rc;
}

void
users_bootstrap_actor(const char *os_name, struct actor *actor_r)
{
	size_t len = strlen(os_name);

	memset(actor_r, 0, sizeof(*actor_r));
	if (len > USER_NAME_MAX)
		len = USER_NAME_MAX; /* the name is for messages; the log records os_name whole */
	memcpy(actor_r->name, os_name, len);
	actor_r->name[len] = '\0';
	actor_r->role = ROLE_ADMIN;
	actor_r->bootstrap = 1;
}

/* USERS_Q_EACH's row: an account's name and role, borrowed. */
struct name_role_row {
	const char *name, *role;
};

enum redress_err
users_each(struct store *store,
           enum redress_err (*fn)(void *ctx, const char *name, enum role role, struct redress_error *err),
           void *ctx, struct redress_error *err)
{
	static const struct store_field name_role_fields[] = {STORE_FIELD_TEXT(struct name_role_row, name),
	                                                      STORE_FIELD_TEXT(struct name_role_row, role)};
	struct name_role_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;
	enum role role;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_EACH, err)) == NULL)
		return err->code;
	while ((r = store_read(st, name_role_fields, &row, err)) == STORE_ROW) {
		if (users_role_parse(row.role, &role, NULL) != REDRESS_OK)
			return error_set(
			    err, REDRESS_E_STORE,
			    "account '%.64s' has a malformed row in the database (run 'redress audit"
			    " verify')",
			    row.name);
		if ((rc = fn(ctx, row.name, role, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}
