/*
 * users_apply.c -- the users module's events and table: encoding
 * "users.user.added", reading it back, and applying it.  Live commands
 * (users.c) and audit's replay both write the table through
 * users_apply_added, so the accounts are by construction what the log says.
 *
 * The password travels only as its Argon2id hash sealed under the master
 * key; replay copies the sealed text as it is and never needs the key.
 */
#include <stdio.h>
#include <string.h>

#include "core/canon.h"
#include "domain/users/users_int.h"

static const char users_schema[] = "CREATE TABLE IF NOT EXISTS users_accounts ("
                                   " name TEXT PRIMARY KEY,"
                                   " role TEXT NOT NULL,"
                                   " password_sealed TEXT NOT NULL,"
                                   " added_seq INTEGER NOT NULL);";

#define ACCOUNT_COLUMNS "name, role, password_sealed, added_seq"

static const struct store_query q_get = {"users.account.get",
                                         "SELECT " ACCOUNT_COLUMNS " FROM users_accounts WHERE name = ?1"};
static const struct store_query q_insert = {
    "users.account.insert", "INSERT INTO users_accounts (" ACCOUNT_COLUMNS ") VALUES (?1, ?2, ?3, ?4)"};
static const struct store_query q_snapshot_accounts = {
    "users_accounts", "SELECT " ACCOUNT_COLUMNS " FROM users_accounts ORDER BY name"};

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
users_seal_ad(const char *name, char ad[USERS_SEAL_AD_SIZE])
{
	snprintf(ad, USERS_SEAL_AD_SIZE, "user:%s/password", name);
}

enum redress_err
users_get(struct store *store, const char *name, struct users_account *a_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_query(store, &q_get, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	switch (store_step(st, err)) {
	case STORE_ROW:
		memset(a_r, 0, sizeof(*a_r));
		copy_text(a_r->name, sizeof(a_r->name), store_column_text(st, 0));
		/* A row edited to hold a role or sealed text that is not ours signs no one in. */
		if (users_role_parse(store_column_text(st, 1), &a_r->role, NULL) != REDRESS_OK ||
		    !copy_text(a_r->password_sealed, sizeof(a_r->password_sealed), store_column_text(st, 2)))
			return error_set(
			    err, REDRESS_E_STORE,
			    "account '%.64s' has a malformed row in the database (run 'redress audit"
			    " verify')",
			    name);
		a_r->added_seq = (uint64_t)store_column_int64(st, 3);
		return REDRESS_OK;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no account '%.64s'", name);
	default: return err->code;
	}
}

enum redress_err
users_encode_added(struct buf *out, const struct users_account *a, struct redress_error *err)
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
users_decode_added(const struct event *ev, struct users_account *a, struct redress_error *err)
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
users_apply_added(struct store *store, const struct users_account *a, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_query(store, &q_insert, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, a->name);
	store_bind_text(st, 2, users_role_name(a->role));
	store_bind_text(st, 3, a->password_sealed);
	store_bind_int64(st, 4, (int64_t)a->added_seq);
	return store_run(st, err);
}

static enum redress_err
users_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct users_account a;
	enum redress_err rc;

	if (strcmp(ev->type, USERS_EV_ADDED) != 0)
		return error_set(err, REDRESS_E_INVALID, "unknown users event type '%.64s'", ev->type);
	if ((rc = users_decode_added(ev, &a, err)) != REDRESS_OK)
		return rc;
	return users_apply_added(store, &a, err);
}

static const struct store_query *const users_snapshots[] = {&q_snapshot_accounts, NULL};

const struct event_module users_module = {
    .name = "users",
    .type_prefix = "users.",
    .schema = users_schema,
    .snapshots = users_snapshots,
    .replay = users_replay,
    .fold_begin = users_fold_begin,
    .fold = users_fold,
    .fold_end = users_fold_end,
};
