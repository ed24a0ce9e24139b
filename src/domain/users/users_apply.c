/*
 * users_apply.c -- the users module's events and tables: encoding each
 * event ("users.user.added", ".totp.enrolled", ".token.issued",
 * ".tokens.revoked", ".account.locked", ".account.unlocked",
 * ".account.recovered"), reading it
 * back, and applying it.  Live commands (users.c, users_auth.c) and
 * audit's replay both write the tables through the users_apply_*
 * functions, so the tables are by construction what the log says.
 *
 * The password travels only as its Argon2id hash sealed under the master
 * key, a TOTP secret sealed the same way, and an API token only as its
 * SHA-256; replay copies them as they are and never needs the key.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/users/users_int.h"

static const char users_schema[] = "CREATE TABLE IF NOT EXISTS users_accounts ("
                                   " name TEXT PRIMARY KEY,"
                                   " role TEXT NOT NULL,"
                                   " password_sealed TEXT NOT NULL,"
                                   " added_seq INTEGER NOT NULL);"
                                   "CREATE TABLE IF NOT EXISTS users_totp ("
                                   " name TEXT PRIMARY KEY,"
                                   " secret_sealed TEXT NOT NULL,"
                                   " enrolled_seq INTEGER NOT NULL);"
                                   "CREATE TABLE IF NOT EXISTS users_tokens ("
                                   " hash TEXT PRIMARY KEY,"
                                   " account TEXT NOT NULL,"
                                   " issued_seq INTEGER NOT NULL,"
                                   " revoked_seq INTEGER);"
                                   "CREATE INDEX IF NOT EXISTS users_tokens_account"
                                   " ON users_tokens (account, revoked_seq);"
                                   "CREATE TABLE IF NOT EXISTS users_locks ("
                                   " name TEXT PRIMARY KEY,"
                                   " reason TEXT NOT NULL,"
                                   " locked_seq INTEGER NOT NULL);"
                                   /* users_admin.c's */
                                   "CREATE TABLE IF NOT EXISTS users_disabled ("
                                   " name TEXT PRIMARY KEY,"
                                   " disabled_seq INTEGER NOT NULL);"
                                   "CREATE TABLE IF NOT EXISTS users_must_change ("
                                   " name TEXT PRIMARY KEY,"
                                   " reset_seq INTEGER NOT NULL);"
                                   "CREATE TABLE IF NOT EXISTS users_role_pending ("
                                   " name TEXT PRIMARY KEY,"
                                   " role TEXT NOT NULL,"
                                   " proposed_by TEXT NOT NULL,"
                                   " proposed_seq INTEGER NOT NULL);"
                                   /* the last TOTP step each account signed in with (users_session.c) */
                                   "CREATE TABLE IF NOT EXISTS users_totp_steps ("
                                   " account TEXT PRIMARY KEY,"
                                   " step INTEGER NOT NULL);";

#define ACCOUNT_COLUMNS "name, role, password_sealed, added_seq"

/* The module's statements, by id (enum users_statement in users_int.h). */
static const struct store_statement users_statements[USERS_Q_COUNT] = {
    [USERS_Q_ACCOUNTS_COUNT] = {.name = "users.count",
                                .sql = "SELECT count(*) FROM users_accounts",
                                .columns = "i"},
    [USERS_Q_EACH] = {.name = "users.each",
                      .sql = "SELECT name, role FROM users_accounts ORDER BY name",
                      .columns = "tt"},
    [USERS_Q_DISABLED_INSERT] = {.name = "users.disabled.insert",
                                 .sql = "INSERT INTO users_disabled (name, disabled_seq) VALUES (?1, ?2)",
                                 .columns = ""},
    [USERS_Q_DISABLED_DELETE] = {.name = "users.disabled.delete",
                                 .sql = "DELETE FROM users_disabled WHERE name = ?1",
                                 .columns = ""},
    [USERS_Q_PASSWORD_SET] = {.name = "users.password.set",
                              .sql = "UPDATE users_accounts SET password_sealed = ?2 WHERE name = ?1",
                              .columns = ""},
    [USERS_Q_MUST_CHANGE_PUT] = {.name = "users.must_change.put",
                                 .sql = "INSERT INTO users_must_change (name, reset_seq) VALUES (?1, ?2)"
                                        " ON CONFLICT (name) DO UPDATE SET reset_seq = excluded.reset_seq",
                                 .columns = ""},
    [USERS_Q_MUST_CHANGE_DELETE] = {.name = "users.must_change.delete",
                                    .sql = "DELETE FROM users_must_change WHERE name = ?1",
                                    .columns = ""},
    [USERS_Q_PENDING_GET] = {.name = "users.role_pending.get",
                             .sql = "SELECT role, proposed_by FROM users_role_pending WHERE name = ?1",
                             .columns = "tt"},
    [USERS_Q_PENDING_PUT] =
        {.name = "users.role_pending.put",
         .sql =
             "INSERT INTO users_role_pending (name, role, proposed_by, proposed_seq) VALUES (?1, ?2, ?3, ?4)"
             " ON CONFLICT (name) DO UPDATE SET role = excluded.role, proposed_by = excluded.proposed_by,"
             " proposed_seq = excluded.proposed_seq",
         .columns = ""},
    [USERS_Q_PENDING_DELETE] = {.name = "users.role_pending.delete",
                                .sql = "DELETE FROM users_role_pending WHERE name = ?1",
                                .columns = ""},
    [USERS_Q_ROLE_SET] = {.name = "users.role.set",
                          .sql = "UPDATE users_accounts SET role = ?2, password_sealed = ?3 WHERE name = ?1",
                          .columns = ""},
    [USERS_Q_TOTP_RESEAL] = {.name = "users.totp.reseal",
                             .sql = "UPDATE users_totp SET secret_sealed = ?2 WHERE name = ?1",
                             .columns = ""},
    [USERS_Q_ADMINS] = {.name = "users.admins.count",
                        .sql = "SELECT count(*) FROM users_accounts WHERE role = 'admin'",
                        .columns = "i"},
    [USERS_Q_GET] = {.name = "users.account.get",
                     .sql = "SELECT " ACCOUNT_COLUMNS " FROM users_accounts WHERE name = ?1",
                     .columns = "ttti"},
    [USERS_Q_INSERT] = {.name = "users.account.insert",
                        .sql = "INSERT INTO users_accounts (" ACCOUNT_COLUMNS ") VALUES (?1, ?2, ?3, ?4)",
                        .columns = ""},
    [USERS_Q_SNAPSHOT_ACCOUNTS] = {.name = "users_accounts",
                                   .sql = "SELECT " ACCOUNT_COLUMNS " FROM users_accounts ORDER BY name",
                                   .columns = "ttti"},
    [USERS_Q_TOTP_GET] = {.name = "users.totp.get",
                          .sql = "SELECT name, secret_sealed, enrolled_seq FROM users_totp WHERE name = ?1",
                          .columns = "tti"},
    [USERS_Q_TOTP_PUT] = {.name = "users.totp.put",
                          .sql =
                              "INSERT INTO users_totp (name, secret_sealed, enrolled_seq) VALUES (?1, ?2, ?3)"
                              " ON CONFLICT (name) DO UPDATE SET secret_sealed = excluded.secret_sealed,"
                              " enrolled_seq = excluded.enrolled_seq",
                          .columns = ""},
    [USERS_Q_SNAPSHOT_TOTP] = {.name = "users_totp",
                               .sql =
                                   "SELECT name, secret_sealed, enrolled_seq FROM users_totp ORDER BY name",
                               .columns = "tti"},
    [USERS_Q_TOKEN_INSERT] = {.name = "users.token.insert",
                              .sql = "INSERT INTO users_tokens (hash, account, issued_seq, revoked_seq)"
                                     " VALUES (?1, ?2, ?3, NULL)",
                              .columns = ""},
    [USERS_Q_TOKENS_REVOKE] =
        {.name = "users.tokens.revoke",
         .sql = "UPDATE users_tokens SET revoked_seq = ?2 WHERE account = ?1 AND revoked_seq IS NULL",
         .columns = ""},
    [USERS_Q_SNAPSHOT_TOKENS] =
        {.name = "users_tokens",
         .sql = "SELECT hash, account, issued_seq, revoked_seq FROM users_tokens ORDER BY hash",
         .columns = "ttii"},
    [USERS_Q_LOCK_INSERT] = {.name = "users.lock.insert",
                             .sql = "INSERT INTO users_locks (name, reason, locked_seq) VALUES (?1, ?2, ?3)",
                             .columns = ""},
    [USERS_Q_LOCK_DELETE] = {.name = "users.lock.delete",
                             .sql = "DELETE FROM users_locks WHERE name = ?1",
                             .columns = ""},
    [USERS_Q_SNAPSHOT_LOCKS] = {.name = "users_locks",
                                .sql = "SELECT name, reason, locked_seq FROM users_locks ORDER BY name",
                                .columns = "tti"},
    [USERS_Q_SNAPSHOT_DISABLED] = {.name = "users_disabled",
                                   .sql = "SELECT name, disabled_seq FROM users_disabled ORDER BY name",
                                   .columns = "ti"},
    [USERS_Q_SNAPSHOT_MUST_CHANGE] = {.name = "users_must_change",
                                      .sql = "SELECT name, reset_seq FROM users_must_change ORDER BY name",
                                      .columns = "ti"},
    [USERS_Q_SNAPSHOT_ROLE_PENDING] =
        {.name = "users_role_pending",
         .sql = "SELECT name, role, proposed_by, proposed_seq FROM users_role_pending ORDER BY name",
         .columns = "ttti"},
    [USERS_Q_ACCOUNT_GET] =
        {.name = "users.account.summary",
         .sql = "SELECT a.role,"
                " EXISTS (SELECT 1 FROM users_totp t WHERE t.name = a.name),"
                " EXISTS (SELECT 1 FROM users_locks l WHERE l.name = a.name),"
                " (SELECT count(*) FROM users_tokens k WHERE k.account = a.name AND k.revoked_seq IS NULL),"
                " EXISTS (SELECT 1 FROM users_disabled d WHERE d.name = a.name),"
                " EXISTS (SELECT 1 FROM users_must_change m WHERE m.name = a.name),"
                " (SELECT p.role FROM users_role_pending p WHERE p.name = a.name)"
                " FROM users_accounts a WHERE a.name = ?1",
         .columns = "tiiiiit"},
    [USERS_Q_TOKEN_FIND] =
        {.name = "users.token.find",
         .sql = "SELECT a.name, a.role, k.revoked_seq IS NOT NULL,"
                " EXISTS (SELECT 1 FROM users_locks l WHERE l.name = a.name), a.password_sealed,"
                " EXISTS (SELECT 1 FROM users_disabled d WHERE d.name = a.name)"
                " FROM users_tokens k JOIN users_accounts a ON a.name = k.account WHERE k.hash = ?1",
         .columns = "ttiiti"},
    [USERS_Q_TOTP_STEPS_ALL] = {.name = "users.totp_steps.all",
                                .sql = "SELECT account, step FROM users_totp_steps",
                                .columns = "ti"},
    [USERS_Q_TOTP_STEP_KEEP] = {.name = "users.totp_steps.keep",
                                .sql = "INSERT INTO users_totp_steps (account, step) VALUES (?1, ?2)"
                                       " ON CONFLICT (account) DO UPDATE SET step = excluded.step"
                                       " WHERE excluded.step > users_totp_steps.step",
                                .columns = ""},
};

const struct store_catalogue users_catalogue = {"users", users_statements, STORE_COUNT(users_statements)};

/* Copies src into dst of size bytes; 0 when it does not fit (dst is then ""). */
static int
copy_text(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size) {
		dst[0] = '\0';
		return 0;
	}
	memcpy(dst, src, len + 1);
	return 1;
}

void
users_seal_ad(const char *name, enum role role, char ad[USERS_SEAL_AD_SIZE])
{
	snprintf(ad, USERS_SEAL_AD_SIZE, "user:%s/password/role:%s", name, users_role_name(role));
}

void
users_seal_ad_legacy(const char *name, char ad[USERS_SEAL_AD_SIZE])
{
	snprintf(ad, USERS_SEAL_AD_SIZE, "user:%s/password", name);
}

void
users_totp_ad(const char *name, char ad[USERS_SEAL_AD_SIZE])
{
	snprintf(ad, USERS_SEAL_AD_SIZE, "user:%s/totp", name);
}

/* An account's row as users_get reads it: the struct, and its role by name. */
struct users_read {
	struct users_row a;
	char role[32];
};

#define USERS_FIELD(member) STORE_FIELD(struct users_read, member)

static const struct store_field users_fields[] = {USERS_FIELD(a.name), USERS_FIELD(role),
                                                  USERS_FIELD(a.password_sealed), USERS_FIELD(a.added_seq)};

enum redress_err
users_get(struct store *store, const char *name, struct users_row *a_r, struct redress_error *err)
{
	struct users_read r;
	struct store_stmt *st;
	struct redress_error e;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	memset(&r, 0, sizeof(r));
	switch (store_read(st, users_fields, &r, &e)) {
	case STORE_ROW: store_done(st); break;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no account '%.64s'", name);
	default:
		/* Text longer than any we write (store_read refuses it) is an edited row too. */
		if (e.code != REDRESS_E_STORE) {
			*err = e;
			return e.code;
		}
		r.role[0] = '\0';
	}
	/* A row edited to hold a role or sealed text that is not ours signs no one in. */
	if (users_role_parse(r.role, &r.a.role, NULL) != REDRESS_OK)
		return error_set(
		    err, REDRESS_E_STORE,
		    "account '%.64s' has a malformed row in the database (run 'redress audit verify')", name);
	*a_r = r.a;
	return REDRESS_OK;
}

enum redress_err
users_encode_added(struct buf *out, const struct users_row *a, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "name");
	canon_string(&c, a->name);
	canon_key(&c, "password");
	canon_string(&c, a->password_sealed);
	canon_key(&c, "role");
	canon_string(&c, users_role_name(a->role));
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
users_decode_added(const struct event *ev, struct users_row *a, struct redress_error *err)
{
	static const char *const keys[] = {"name", "password", "role", NULL};
	const char *name, *password, *role;
	enum redress_err rc;

	memset(a, 0, sizeof(*a));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &name, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "password", &password, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "role", &role, err)) != REDRESS_OK)
		return rc;
	/* What the commands would refuse, the log may not carry either. */
	if ((rc = users_name_check(name, err)) != REDRESS_OK ||
	    (rc = users_role_parse(role, &a->role, err)) != REDRESS_OK)
		return rc;
	if (strncmp(password, "s1:", 3) != 0 ||
	    !copy_text(a->password_sealed, sizeof(a->password_sealed), password))
		return error_set(err, REDRESS_E_INVALID,
		                 "account '%s': field 'password' is not a sealed hash", name);
	memcpy(a->name, name, strlen(name) + 1);
	a->added_seq = ev->seq;
	return REDRESS_OK;
}

enum redress_err
users_apply_added(struct store *store, const struct users_row *a, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, a->name);
	store_bind_text(st, 2, users_role_name(a->role));
	store_bind_text(st, 3, a->password_sealed);
	store_bind_int64(st, 4, (int64_t)a->added_seq);
	return store_run(st, err);
}

/* Text of a sealed secret: "s1:" and base64 that fits. */
static int
sealed_text_ok(const char *s, char *dst, size_t size)
{
	return strncmp(s, "s1:", 3) == 0 && copy_text(dst, size, s);
}

/* {"name": name, key: sealed}: the recovery's and the second factor's event data alike. */
static enum redress_err
encode_name_sealed(struct buf *out, const char *name, const char *key, const char *sealed,
                   struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "name");
	canon_string(&c, name);
	canon_key(&c, key);
	canon_string(&c, sealed);
	canon_object_end(&c);
	return canon_error(&c, err);
}

/* Reads {"name", key} into name (USER_NAME_MAX + 1 bytes) and sealed (size bytes); what names key's content.
 */
static enum redress_err
decode_name_sealed(const struct event *ev, const char *key, char *name, char *sealed, size_t size,
                   const char *what, struct redress_error *err)
{
	const char *keys[] = {"name", key, NULL};
	const char *n, *text;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &n, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, key, &text, err)) != REDRESS_OK ||
	    (rc = users_name_check(n, err)) != REDRESS_OK)
		return rc;
	if (!sealed_text_ok(text, sealed, size))
		return error_set(err, REDRESS_E_INVALID, "account '%s': field '%s' is not %s", n, key, what);
	memcpy(name, n, strlen(n) + 1);
	return REDRESS_OK;
}

enum redress_err
users_encode_recovered(struct buf *out, const struct users_row *a, struct redress_error *err)
{
	return encode_name_sealed(out, a->name, "password", a->password_sealed, err);
}

enum redress_err
users_decode_recovered(const struct event *ev, struct users_row *a, struct redress_error *err)
{
	memset(a, 0, sizeof(*a));
	return decode_name_sealed(ev, "password", a->name, a->password_sealed, sizeof(a->password_sealed),
	                          "a sealed hash", err);
}

enum redress_err
users_apply_recovered(struct store *store, const struct users_row *a, struct redress_error *err)
{
	struct store_stmt *st;
	enum redress_err rc;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_PASSWORD_SET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, a->name);
	store_bind_text(st, 2, a->password_sealed);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	if (store_changes(store) != 1)
		return error_set(err, REDRESS_E_NOTFOUND, "no account '%s' to recover", a->name);
	if ((st = store_statement(store, &users_catalogue, USERS_Q_LOCK_DELETE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, a->name);
	return store_run(st, err);
}

/* 64 lowercase hex digits. */
static int
token_hash_ok(const char *s)
{
	size_t i;

	for (i = 0; i < USERS_TOKEN_HASH_SIZE - 1; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[i] == '\0';
}

/* USERS_Q_TOTP_GET's row, the text borrowed and checked before it is kept. */
struct totp_read {
	const char *name, *sealed;
	int64_t enrolled_seq;
};

static const struct store_field totp_fields[] = {STORE_FIELD_TEXT(struct totp_read, name),
                                                 STORE_FIELD_TEXT(struct totp_read, sealed),
                                                 STORE_FIELD(struct totp_read, enrolled_seq)};

enum redress_err
users_totp_get(struct store *store, const char *name, struct users_totp_row *t_r, struct redress_error *err)
{
	struct totp_read row;
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_TOTP_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	switch (store_read(st, totp_fields, &row, err)) {
	case STORE_ROW:
		memset(t_r, 0, sizeof(*t_r));
		copy_text(t_r->name, sizeof(t_r->name), row.name);
		if (!sealed_text_ok(row.sealed, t_r->secret_sealed, sizeof(t_r->secret_sealed)))
			return error_set(
			    err, REDRESS_E_STORE,
			    "account '%.64s' has a malformed TOTP row in the database (run 'redress"
			    " audit verify')",
			    name);
		t_r->enrolled_seq = (uint64_t)row.enrolled_seq;
		return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "account '%.64s' has no TOTP secret", name);
	default: return err->code;
	}
}

enum redress_err
users_encode_totp(struct buf *out, const struct users_totp_row *t, struct redress_error *err)
{
	return encode_name_sealed(out, t->name, "secret", t->secret_sealed, err);
}

enum redress_err
users_decode_totp(const struct event *ev, struct users_totp_row *t, struct redress_error *err)
{
	enum redress_err rc;

	memset(t, 0, sizeof(*t));
	if ((rc = decode_name_sealed(ev, "secret", t->name, t->secret_sealed, sizeof(t->secret_sealed),
	                             "a sealed secret", err)) == REDRESS_OK)
		t->enrolled_seq = ev->seq;
	return rc;
}

enum redress_err
users_apply_totp(struct store *store, const struct users_totp_row *t, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_TOTP_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, t->name);
	store_bind_text(st, 2, t->secret_sealed);
	store_bind_int64(st, 3, (int64_t)t->enrolled_seq);
	return store_run(st, err);
}

enum redress_err
users_encode_token(struct buf *out, const struct users_token_row *k, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "hash");
	canon_string(&c, k->hash);
	canon_key(&c, "name");
	canon_string(&c, k->account);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
users_decode_token(const struct event *ev, struct users_token_row *k, struct redress_error *err)
{
	static const char *const keys[] = {"hash", "name", NULL};
	const char *hash, *name;
	enum redress_err rc;

	memset(k, 0, sizeof(*k));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "hash", &hash, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &name, err)) != REDRESS_OK ||
	    (rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	if (!token_hash_ok(hash))
		return error_set(err, REDRESS_E_INVALID,
		                 "account '%s': field 'hash' is not 64 lowercase hex digits", name);
	memcpy(k->hash, hash, USERS_TOKEN_HASH_SIZE);
	memcpy(k->account, name, strlen(name) + 1);
	k->issued_seq = ev->seq;
	return REDRESS_OK;
}

enum redress_err
users_apply_token(struct store *store, const struct users_token_row *k, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_TOKEN_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, k->hash);
	store_bind_text(st, 2, k->account);
	store_bind_int64(st, 3, (int64_t)k->issued_seq);
	return store_run(st, err);
}

enum redress_err
users_encode_revoke(struct buf *out, const struct users_revoke_ev *r, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "count");
	canon_int(&c, r->count);
	canon_key(&c, "name");
	canon_string(&c, r->name);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
users_decode_revoke(const struct event *ev, struct users_revoke_ev *r, struct redress_error *err)
{
	static const char *const keys[] = {"count", "name", NULL};
	const char *name;
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "count", &r->count, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &name, err)) != REDRESS_OK ||
	    (rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	if (r->count < 0)
		return error_set(err, REDRESS_E_INVALID, "account '%s': field 'count' is negative", name);
	memcpy(r->name, name, strlen(name) + 1);
	r->seq = ev->seq;
	return REDRESS_OK;
}

enum redress_err
users_apply_revoke(struct store *store, const struct users_revoke_ev *r, struct redress_error *err)
{
	struct store_stmt *st;
	enum redress_err rc;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_TOKENS_REVOKE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, r->name);
	store_bind_int64(st, 2, (int64_t)r->seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	if (store_changes(store) != r->count)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "account '%s': %lld tokens revoked, the event says %lld", r->name,
		                 (long long)store_changes(store), (long long)r->count);
	return REDRESS_OK;
}

enum redress_err
users_encode_lock(struct buf *out, const struct users_lock_row *l, int locked, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "name");
	canon_string(&c, l->name);
	if (locked) {
		canon_key(&c, "reason");
		canon_string(&c, l->reason);
	}
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
users_decode_lock(const struct event *ev, struct users_lock_row *l, int locked, struct redress_error *err)
{
	static const char *const lock_keys[] = {"name", "reason", NULL};
	static const char *const unlock_keys[] = {"name", NULL};
	const char *name, *reason = "";
	enum redress_err rc;

	memset(l, 0, sizeof(*l));
	if ((rc = canon_only_keys(ev->data, locked ? lock_keys : unlock_keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &name, err)) != REDRESS_OK ||
	    (rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	if (locked && ((rc = canon_get_string(ev->data, "reason", &reason, err)) != REDRESS_OK ||
	               (rc = text_check("a lock's reason", reason, USERS_REASON_MAX, err)) != REDRESS_OK))
		return rc;
	memcpy(l->name, name, strlen(name) + 1);
	memcpy(l->reason, reason, strlen(reason) + 1);
	l->locked_seq = ev->seq;
	return REDRESS_OK;
}

enum redress_err
users_apply_lock(struct store *store, const struct users_lock_row *l, int locked, struct redress_error *err)
{
	struct store_stmt *st;
	enum redress_err rc;

	if ((st = store_statement(store, &users_catalogue, locked ? USERS_Q_LOCK_INSERT : USERS_Q_LOCK_DELETE,
	                          err)) == NULL)
		return err->code;
	store_bind_text(st, 1, l->name);
	if (locked) {
		store_bind_text(st, 2, l->reason);
		store_bind_int64(st, 3, (int64_t)l->locked_seq);
	}
	rc = store_run(st, err);
	if (locked && rc == REDRESS_E_CONFLICT)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' is locked already", l->name);
	if (rc == REDRESS_OK && !locked && store_changes(store) != 1)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' is not locked", l->name);
	return rc;
}

/* Replay: later events must name an account that exists, as the live commands check. */
static enum redress_err
replay_account_exists(struct store *store, const char *name, struct redress_error *err)
{
	struct users_row a;
	enum redress_err rc = users_get(store, name, &a, err);

	if (rc == REDRESS_E_NOTFOUND)
		return error_set(err, REDRESS_E_INVALID,
		                 "an event names account '%.64s', which was never added", name);
	return rc;
}

static enum redress_err
users_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	union {
		struct users_row a;
		struct users_totp_row t;
		struct users_token_row k;
		struct users_revoke_ev r;
		struct users_lock_row l;
	} u;
	enum redress_err rc;
	int locked;

	if (strcmp(ev->type, USERS_EV_ADDED) == 0) {
		if ((rc = users_decode_added(ev, &u.a, err)) != REDRESS_OK)
			return rc;
		return users_apply_added(store, &u.a, err);
	}
	if (strcmp(ev->type, USERS_EV_TOTP_ENROLLED) == 0) {
		if ((rc = users_decode_totp(ev, &u.t, err)) != REDRESS_OK ||
		    (rc = replay_account_exists(store, u.t.name, err)) != REDRESS_OK)
			return rc;
		return users_apply_totp(store, &u.t, err);
	}
	if (strcmp(ev->type, USERS_EV_TOKEN_ISSUED) == 0) {
		if ((rc = users_decode_token(ev, &u.k, err)) != REDRESS_OK ||
		    (rc = replay_account_exists(store, u.k.account, err)) != REDRESS_OK)
			return rc;
		return users_apply_token(store, &u.k, err);
	}
	if (strcmp(ev->type, USERS_EV_TOKENS_REVOKED) == 0) {
		if ((rc = users_decode_revoke(ev, &u.r, err)) != REDRESS_OK ||
		    (rc = replay_account_exists(store, u.r.name, err)) != REDRESS_OK)
			return rc;
		return users_apply_revoke(store, &u.r, err);
	}
	if ((locked = strcmp(ev->type, USERS_EV_LOCKED) == 0) || strcmp(ev->type, USERS_EV_UNLOCKED) == 0) {
		if ((rc = users_decode_lock(ev, &u.l, locked, err)) != REDRESS_OK ||
		    (rc = replay_account_exists(store, u.l.name, err)) != REDRESS_OK)
			return rc;
		return users_apply_lock(store, &u.l, locked, err);
	}
	if (strcmp(ev->type, USERS_EV_RECOVERED) == 0) {
		if ((rc = users_decode_recovered(ev, &u.a, err)) != REDRESS_OK)
			return rc;
		return users_apply_recovered(store, &u.a, err);
	}
	{
		struct users_admin_ev e;

		rc = users_admin_decode(ev, &e, err);
		if (rc == REDRESS_OK && (rc = replay_account_exists(store, e.name, err)) == REDRESS_OK)
			rc = users_admin_apply(store, ev->type, &e, err);
		if (rc != REDRESS_E_NOTFOUND)
			return rc;
	}
	return error_set(err, REDRESS_E_INVALID, "unknown users event type '%.64s'", ev->type);
}

/* In the order of enum users_table. */
static const unsigned users_snapshots[] = {USERS_Q_SNAPSHOT_ACCOUNTS,    USERS_Q_SNAPSHOT_TOTP,
                                           USERS_Q_SNAPSHOT_TOKENS,      USERS_Q_SNAPSHOT_LOCKS,
                                           USERS_Q_SNAPSHOT_DISABLED,    USERS_Q_SNAPSHOT_MUST_CHANGE,
                                           USERS_Q_SNAPSHOT_ROLE_PENDING};

const struct event_module users_module = {
    .name = "users",
    .type_prefix = "users.",
    .schema = users_schema,
    .catalogue = &users_catalogue,
    .snapshot_ids = users_snapshots,
    .nsnapshots = STORE_COUNT(users_snapshots),
    .replay = users_replay,
    .fold_begin = users_fold_begin,
    .fold = users_fold,
    .fold_end = users_fold_end,
    .gate = users_gate,
};
