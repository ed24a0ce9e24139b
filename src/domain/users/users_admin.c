/*
 * users_admin.c -- staff accounts over time: disabling and enabling one,
 * a password changed by its holder or reset by an admin (to be changed at
 * the next sign-in), and a change of role, where granting admin takes a
 * second admin (four eyes).  Each is an event of the users module, applied
 * here by users_admin_apply both live and in audit's replay, so the tables
 * are what the log says and replay sees each change of role at its place.
 * A fund with one admin has no second to ask: its first grant of admin
 * takes effect at once; from two admins on, every grant needs both.
 *
 * Events (data):
 *   users.account.disabled / .enabled  {name}
 *   users.password.changed             {name, password (sealed hash), reset (0|1)}
 *   users.role.proposed                {name, role}  a grant of admin, awaiting a second admin
 *   users.role.changed                 {name, password (sealed for the new role), role}
 *   users.keys.resealed                {name, password, [totp]}  a new master key: the
 *                                      account's secrets sealed again under it (keys rotate)
 * The proposer of a grant is the event's actor; the change that grants
 * admin must be made by another actor, or it does not apply.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/users/users_int.h"

#define ADMIN_EVENT_DATA_MAX 4096

enum redress_err
users_admin_decode(const struct event *ev, struct users_admin_ev *e, struct redress_error *err)
{
	static const char *const name_keys[] = {"name", NULL};
	static const char *const role_keys[] = {"name", "role", NULL};
	static const char *const role_changed_keys[] = {"name", "password", "role", NULL};
	static const char *const password_keys[] = {"name", "password", "reset", NULL};
	static const char *const resealed_keys[] = {"name", "password", "totp", NULL};
	const char *name, *text;
	enum redress_err rc;
	int64_t reset;
	int role_ev, password_ev, resealed_ev, changed_ev;

	memset(e, 0, sizeof(*e));
	role_ev =
	    strcmp(ev->type, USERS_EV_ROLE_PROPOSED) == 0 || strcmp(ev->type, USERS_EV_ROLE_CHANGED) == 0;
	password_ev = strcmp(ev->type, USERS_EV_PASSWORD) == 0;
	changed_ev = strcmp(ev->type, USERS_EV_ROLE_CHANGED) == 0;
	resealed_ev = strcmp(ev->type, USERS_EV_RESEALED) == 0;
	if (resealed_ev) {
		if ((rc = canon_only_keys(ev->data, resealed_keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "name", &name, err)) != REDRESS_OK ||
		    (rc = users_name_check(name, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "password", &text, err)) != REDRESS_OK)
			return rc == REDRESS_E_NOTFOUND ? REDRESS_E_INVALID : rc;
		if (strncmp(text, "s1:", 3) != 0 || strlen(text) > USERS_SEALED_MAX)
			return error_set(err, REDRESS_E_INVALID,
			                 "account '%s': field 'password' is not a sealed hash", name);
		memcpy(e->name, name, strlen(name) + 1);
		memcpy(e->password_sealed, text, strlen(text) + 1);
		if (canon_get_string(ev->data, "totp", &text, NULL) == REDRESS_OK) {
			if (strncmp(text, "s1:", 3) != 0 || strlen(text) > USERS_SEALED_MAX)
				return error_set(err, REDRESS_E_INVALID,
				                 "account '%s': field 'totp' is not a sealed secret", name);
			memcpy(e->totp_sealed, text, strlen(text) + 1);
		}
		text_copy(e->actor, sizeof(e->actor), ev->actor != NULL ? ev->actor : "");
		e->seq = ev->seq;
		return REDRESS_OK;
	}
	if (!role_ev && !password_ev && strcmp(ev->type, USERS_EV_DISABLED) != 0 &&
	    strcmp(ev->type, USERS_EV_ENABLED) != 0)
		return error_set(err, REDRESS_E_NOTFOUND, "not an event of users_admin.c");
	if ((rc = canon_only_keys(ev->data,
	                          changed_ev    ? role_changed_keys
	                          : role_ev     ? role_keys
	                          : password_ev ? password_keys
	                                        : name_keys,
	                          err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &name, err)) != REDRESS_OK ||
	    (rc = users_name_check(name, err)) != REDRESS_OK)
		return rc == REDRESS_E_NOTFOUND ? REDRESS_E_INVALID : rc;
	memcpy(e->name, name, strlen(name) + 1);
	if (role_ev && ((rc = canon_get_string(ev->data, "role", &text, err)) != REDRESS_OK ||
	                (rc = users_role_parse(text, &e->role, err)) != REDRESS_OK))
		return rc == REDRESS_E_NOTFOUND ? REDRESS_E_INVALID : rc;
	/* The password record is sealed for name and role (users.c): a new role needs it sealed again. */
	if (changed_ev) {
		if ((rc = canon_get_string(ev->data, "password", &text, err)) != REDRESS_OK)
			return rc == REDRESS_E_NOTFOUND ? REDRESS_E_INVALID : rc;
		if (strncmp(text, "s1:", 3) != 0 || strlen(text) > USERS_SEALED_MAX)
			return error_set(
			    err, REDRESS_E_INVALID,
			    "account '%s': a change of role needs the password record sealed for it", name);
		memcpy(e->password_sealed, text, strlen(text) + 1);
	}
	if (password_ev) {
		if ((rc = canon_get_string(ev->data, "password", &text, err)) != REDRESS_OK ||
		    (rc = canon_get_int(ev->data, "reset", &reset, err)) != REDRESS_OK)
			return rc == REDRESS_E_NOTFOUND ? REDRESS_E_INVALID : rc;
		if (strncmp(text, "s1:", 3) != 0 || strlen(text) > USERS_SEALED_MAX ||
		    (reset != 0 && reset != 1))
			return error_set(
			    err, REDRESS_E_INVALID,
			    "account '%s': a password event needs a sealed hash and reset 0 or 1", name);
		memcpy(e->password_sealed, text, strlen(text) + 1);
		e->reset = (int)reset;
	}
	text_copy(e->actor, sizeof(e->actor), ev->actor != NULL ? ev->actor : "");
	e->seq = ev->seq;
	return REDRESS_OK;
}

static enum redress_err
run_name_seq(struct store *store, enum users_statement id, const char *name, int64_t seq,
             struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, id, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	if (seq >= 0)
		store_bind_int64(st, 2, seq);
	return store_run(st, err);
}

/* USERS_Q_PENDING_GET's row: the role granted and who proposed it, borrowed. */
struct pending_row {
	const char *role, *by;
};

/* The pending grant of name: 1 with its role and proposer, 0 when none. */
static enum redress_err
pending_get(struct store *store, const char *name, int *has_r, enum role *role_r, char *by, size_t by_size,
            struct redress_error *err)
{
	static const struct store_field pending_fields[] = {STORE_FIELD_TEXT(struct pending_row, role),
	                                                    STORE_FIELD_TEXT(struct pending_row, by)};
	struct pending_row pending;
	struct store_stmt *st;

	*has_r = 0;
	if ((st = store_statement(store, &users_catalogue, USERS_Q_PENDING_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	switch (store_read(st, pending_fields, &pending, err)) {
	case STORE_ROW:
		if (users_role_parse(pending.role, role_r, NULL) != REDRESS_OK)
			return error_set(
			    err, REDRESS_E_STORE,
			    "account '%.64s' has a malformed pending role (run 'redress audit verify')",
			    name);
		text_copy(by, by_size, pending.by);
		*has_r = 1;
		return REDRESS_OK;
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
}

static enum redress_err
admins_count(struct store *store, int64_t *n_r, struct redress_error *err)
{
	static const struct store_field count_field[] = {STORE_FIELD_INT64_ROW};
	struct store_stmt *st;

	*n_r = 0;
	if ((st = store_statement(store, &users_catalogue, USERS_Q_ADMINS, err)) == NULL)
		return err->code;
	switch (store_read_one(st, count_field, n_r, err)) {
	case STORE_ROW: return REDRESS_OK;
	case STORE_DONE: return error_set(err, REDRESS_E_INTERNAL, "counting admins gave no row");
	default: return err->code;
	}
}

enum redress_err
users_admin_apply(struct store *store, const char *type, const struct users_admin_ev *e,
                  struct redress_error *err)
{
	char by[TLOG_ACTOR_MAX + 1];
	struct store_stmt *st;
	enum redress_err rc;
	enum role pending;
	int has;

	if (strcmp(type, USERS_EV_DISABLED) == 0) {
		rc = run_name_seq(store, USERS_Q_DISABLED_INSERT, e->name, (int64_t)e->seq, err);
		if (rc == REDRESS_E_CONFLICT)
			return error_set(err, REDRESS_E_CONFLICT, "account '%s' is disabled already",
			                 e->name);
		return rc;
	}
	if (strcmp(type, USERS_EV_ENABLED) == 0) {
		if ((rc = run_name_seq(store, USERS_Q_DISABLED_DELETE, e->name, -1, err)) != REDRESS_OK)
			return rc;
		if (store_changes(store) != 1)
			return error_set(err, REDRESS_E_CONFLICT, "account '%s' is not disabled", e->name);
		return REDRESS_OK;
	}
	if (strcmp(type, USERS_EV_PASSWORD) == 0) {
		if ((st = store_statement(store, &users_catalogue, USERS_Q_PASSWORD_SET, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, e->name);
		store_bind_text(st, 2, e->password_sealed);
		if ((rc = store_run(st, err)) != REDRESS_OK)
			return rc;
		return e->reset ? run_name_seq(store, USERS_Q_MUST_CHANGE_PUT, e->name, (int64_t)e->seq, err)
		                : run_name_seq(store, USERS_Q_MUST_CHANGE_DELETE, e->name, -1, err);
	}
	if (strcmp(type, USERS_EV_RESEALED) == 0) {
		if ((st = store_statement(store, &users_catalogue, USERS_Q_PASSWORD_SET, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, e->name);
		store_bind_text(st, 2, e->password_sealed);
		if ((rc = store_run(st, err)) != REDRESS_OK || e->totp_sealed[0] == '\0')
			return rc;
		if ((st = store_statement(store, &users_catalogue, USERS_Q_TOTP_RESEAL, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, e->name);
		store_bind_text(st, 2, e->totp_sealed);
		if ((rc = store_run(st, err)) != REDRESS_OK)
			return rc;
		if (store_changes(store) != 1)
			return error_set(err, REDRESS_E_CONFLICT,
			                 "account '%s' has no second factor to seal again", e->name);
		return REDRESS_OK;
	}
	if (strcmp(type, USERS_EV_ROLE_PROPOSED) == 0) {
		if (e->role != ROLE_ADMIN)
			return error_set(err, REDRESS_E_INVALID,
			                 "account '%s': only a grant of admin waits for a second admin",
			                 e->name);
		if ((st = store_statement(store, &users_catalogue, USERS_Q_PENDING_PUT, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, e->name);
		store_bind_text(st, 2, users_role_name(e->role));
		store_bind_text(st, 3, e->actor);
		store_bind_int64(st, 4, (int64_t)e->seq);
		return store_run(st, err);
	}
	if (strcmp(type, USERS_EV_ROLE_CHANGED) == 0) {
		/* Four eyes, in replay as live: admin only on a grant another actor proposed. */
		if (e->role == ROLE_ADMIN) {
			int64_t admins = 0;

			if ((rc = pending_get(store, e->name, &has, &pending, by, sizeof(by), err)) !=
			        REDRESS_OK ||
			    (rc = admins_count(store, &admins, err)) != REDRESS_OK)
				return rc;
			/* A lone admin has no second to ask: the second admin is made by one. */
			if (admins > 1 && (!has || pending != ROLE_ADMIN || strcmp(by, e->actor) == 0))
				return error_set(
				    err, REDRESS_E_REFUSED,
				    "account '%s' is made admin without a second admin's approval", e->name);
		}
		if ((rc = run_name_seq(store, USERS_Q_PENDING_DELETE, e->name, -1, err)) != REDRESS_OK ||
		    (st = store_statement(store, &users_catalogue, USERS_Q_ROLE_SET, err)) == NULL)
			return rc != REDRESS_OK ? rc : err->code;
		store_bind_text(st, 1, e->name);
		store_bind_text(st, 2, users_role_name(e->role));
		store_bind_text(st, 3, e->password_sealed);
		return store_run(st, err);
	}
	return error_set(err, REDRESS_E_NOTFOUND, "not an event of users_admin.c");
}

/* Encodes, appends and applies one event of e. */
static enum redress_err
admin_event(struct tlog *log, const char *type, struct users_admin_ev *e, struct redress_error *err)
{
	struct canon c;
	struct buf data;
	enum redress_err rc;

	buf_init(&data, ADMIN_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "name");
	canon_string(&c, e->name);
	if (strcmp(type, USERS_EV_PASSWORD) == 0) {
		canon_key(&c, "password");
		canon_string(&c, e->password_sealed);
		canon_key(&c, "reset");
		canon_int(&c, e->reset);
	} else if (strcmp(type, USERS_EV_RESEALED) == 0) {
		canon_key(&c, "password");
		canon_string(&c, e->password_sealed);
		if (e->totp_sealed[0] != '\0') {
			canon_key(&c, "totp");
			canon_string(&c, e->totp_sealed);
		}
	} else if (strcmp(type, USERS_EV_ROLE_PROPOSED) == 0 || strcmp(type, USERS_EV_ROLE_CHANGED) == 0) {
		if (strcmp(type, USERS_EV_ROLE_CHANGED) == 0) {
			canon_key(&c, "password");
			canon_string(&c, e->password_sealed);
		}
		canon_key(&c, "role");
		canon_string(&c, users_role_name(e->role));
	}
	canon_object_end(&c);
	text_copy(e->actor, sizeof(e->actor), tlog_actor(log));
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &users_module, type, &data, &e->seq, err);
	buf_free(&data);
	return rc;
}

enum redress_err
users_disable(struct tlog *log, const struct actor *actor, const char *name, int disabled,
              struct redress_error *err)
{
	struct users_account acct;
	struct users_admin_ev e;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;
	if (disabled && strcmp(actor->name, name) == 0 && !actor->bootstrap)
		return error_set(err, REDRESS_E_REFUSED,
		                 "account '%s' may not disable itself: ask another admin", name);
	if (acct.disabled == disabled)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' is %s already", name,
		                 disabled ? "disabled" : "enabled");
	memset(&e, 0, sizeof(e));
	memcpy(e.name, name, strlen(name) + 1);
	return admin_event(log, disabled ? USERS_EV_DISABLED : USERS_EV_ENABLED, &e, err);
}

/* Seals new_password for name into e and appends the event. */
static enum redress_err
password_event(struct tlog *log, const struct seal_key *master, const char *name, const char *new_password,
               int reset, struct redress_error *err)
{
	struct users_admin_ev e;
	struct users_row sealed;
	enum redress_err rc;

	if ((rc = users_password_check(new_password, err)) != REDRESS_OK)
		return rc;
	memset(&e, 0, sizeof(e));
	memcpy(e.name, name, strlen(name) + 1);
	/* Sealed for the role the old record vouches for, not merely the row's word. */
	if ((rc = users_get(tlog_store(log), name, &sealed, err)) != REDRESS_OK ||
	    (rc = users_vouch_role(master, &sealed, err)) != REDRESS_OK ||
	    (rc = users_seal_password(master, name, new_password, &sealed, err)) != REDRESS_OK)
		return rc;
	memcpy(e.password_sealed, sealed.password_sealed, sizeof(e.password_sealed));
	e.reset = reset;
	return admin_event(log, USERS_EV_PASSWORD, &e, err);
}

enum redress_err
users_password_change(struct tlog *log, const struct seal_key *master, const char *name, const char *old,
                      const char *new_password, struct redress_error *err)
{
	struct users_account acct;
	struct users_row a;
	enum redress_err rc;
	int ok = 0;

	if ((rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	rc = users_get(tlog_store(log), name, &a, err);
	if (rc == REDRESS_E_NOTFOUND)
		return error_set(err, REDRESS_E_REFUSED,
		                 "sign-in refused: the account name or the password is wrong");
	if (rc != REDRESS_OK || (rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;
	if (acct.locked || acct.disabled)
		return error_set(err, REDRESS_E_REFUSED, "account '%s' is %s: an admin must %s it first",
		                 name, acct.locked ? "locked" : "disabled",
		                 acct.locked ? "unlock" : "enable");
	if ((rc = users_check_password(master, &a, old, &ok, err)) != REDRESS_OK)
		return rc;
	if (!ok)
		return error_set(err, REDRESS_E_REFUSED,
		                 "sign-in refused: the account name or the password is wrong");
	if (strcmp(old, new_password) == 0)
		return error_set(err, REDRESS_E_INVALID, "the new password is the old one: choose another");
	return password_event(log, master, name, new_password, 0, err);
}

enum redress_err
users_password_reset(struct tlog *log, const struct actor *actor, const struct seal_key *master,
                     const char *name, const char *new_password, struct redress_error *err)
{
	struct users_account acct;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;
	return password_event(log, master, name, new_password, 1, err);
}

/* Defined with keys rotate below: a change of role seals the record again too. */
static enum redress_err reseal_password(const struct seal_key *old, const struct seal_key *new_key,
                                        const struct users_row *a, enum role role, char *out, size_t out_size,
                                        struct redress_error *err);

/*
 * name's password record opened (for the role it was sealed for) and
 * sealed again for role, into out: a change of role is one of the record.
 */
static enum redress_err
reseal_for_role(const struct seal_key *master, const char *name, enum role role, char *out, size_t out_size,
                struct tlog *log, struct redress_error *err)
{
	struct users_row a;
	enum redress_err rc;

	if ((rc = users_get(tlog_store(log), name, &a, err)) != REDRESS_OK)
		return rc;
	return reseal_password(master, master, &a, role, out, out_size, err);
}

enum redress_err
users_role_set(struct tlog *log, const struct actor *actor, const struct seal_key *master, const char *name,
               enum role role, int *pending_r, struct redress_error *err)
{
	char by[TLOG_ACTOR_MAX + 1];
	struct users_account acct;
	struct users_admin_ev e;
	enum redress_err rc;
	enum role pending;
	int64_t admins = 0;
	int has;

	*pending_r = 0;
	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;
	if (acct.role == role)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' is %s already", name,
		                 users_role_name(role));
	if (acct.role == ROLE_ADMIN) {
		if ((rc = admins_count(tlog_store(log), &admins, err)) != REDRESS_OK)
			return rc;
		if (admins <= 1)
			return error_set(err, REDRESS_E_REFUSED,
			                 "account '%s' is the fund's last admin: make another admin first",
			                 name);
	}
	memset(&e, 0, sizeof(e));
	memcpy(e.name, name, strlen(name) + 1);
	e.role = role;
	if (role == ROLE_ADMIN) {
		if ((rc = pending_get(tlog_store(log), name, &has, &pending, by, sizeof(by), err)) !=
		        REDRESS_OK ||
		    (rc = admins_count(tlog_store(log), &admins, err)) != REDRESS_OK)
			return rc;
		if (admins > 1 && (!has || pending != ROLE_ADMIN)) {
			*pending_r = 1;
			return admin_event(log, USERS_EV_ROLE_PROPOSED, &e, err);
		}
		if (admins > 1 && strcmp(by, tlog_actor(log)) == 0)
			return error_set(
			    err, REDRESS_E_REFUSED,
			    "making '%s' admin needs a second admin: %s proposed it, another admin must"
			    " approve it ('redress --as OTHER user role %s admin')",
			    name, by, name);
	}
	if ((rc = reseal_for_role(master, name, role, e.password_sealed, sizeof(e.password_sealed), log,
	                          err)) != REDRESS_OK)
		return rc;
	rc = admin_event(log, USERS_EV_ROLE_CHANGED, &e, err);
	explicit_bzero(&e, sizeof(e));
	return rc;
}

/* Opens sealed (under old, bound to ad) and seals it again under new into out (out_size bytes). */
static enum redress_err
reseal(const struct seal_key *old, const struct seal_key *new_key, const char *sealed, const char *ad,
       char *out, size_t out_size, struct redress_error *err)
{
	struct buf plain, again;
	enum redress_err rc;

	buf_init(&plain, USERS_SEALED_MAX);
	buf_init(&again, USERS_SEALED_MAX);
	if ((rc = seal_decrypt(old, sealed, ad, &plain, err)) == REDRESS_OK &&
	    (rc = seal_encrypt(new_key, plain.data, plain.len, ad, &again, err)) == REDRESS_OK) {
		if (again.len >= out_size)
			rc = error_set(err, REDRESS_E_INTERNAL, "a sealed secret grew beyond its room");
		else
			memcpy(out, again.data, again.len + 1);
	}
	if (plain.data != NULL)
		explicit_bzero(plain.data, plain.cap);
	buf_free(&plain);
	buf_free(&again);
	return rc;
}

/* a's password record opened under old (for the role it vouches for) and sealed under new_key for role. */
static enum redress_err
reseal_password(const struct seal_key *old, const struct seal_key *new_key, const struct users_row *a,
                enum role role, char *out, size_t out_size, struct redress_error *err)
{
	char ad[USERS_SEAL_AD_SIZE];
	struct buf plain, again;
	enum redress_err rc;

	buf_init_secret(&plain, USERS_SEALED_MAX);
	buf_init(&again, USERS_SEALED_MAX);
	if ((rc = users_open_password(old, a, &plain, err)) == REDRESS_OK) {
		users_seal_ad(a->name, role, ad);
		rc = seal_encrypt(new_key, plain.data, plain.len, ad, &again, err);
	}
	if (rc == REDRESS_OK && again.len >= out_size)
		rc = error_set(err, REDRESS_E_INTERNAL, "a sealed secret grew beyond its room");
	if (rc == REDRESS_OK)
		memcpy(out, again.data, again.len + 1);
	buf_free(&plain);
	buf_free(&again);
	return rc;
}

struct names {
	char (*name)[USER_NAME_MAX + 1];
	size_t len, cap;
};

static enum redress_err
collect_name(void *ctx, const char *name, enum role role, struct redress_error *err)
{
	struct names *n = ctx;

	(void)role;
	if (n->len == n->cap) {
		size_t cap = n->cap == 0 ? 16 : n->cap * 2;
		void *grown = realloc(n->name, cap * sizeof(*n->name));

		if (grown == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing accounts");
		n->name = grown;
		n->cap = cap;
	}
	text_copy(n->name[n->len++], sizeof(n->name[0]), name);
	return REDRESS_OK;
}

enum redress_err
users_reseal(struct tlog *log, const struct actor *actor, const struct seal_key *old,
             const struct seal_key *new_key, uint64_t *count_r, struct redress_error *err)
{
	char ad[USERS_SEAL_AD_SIZE];
	struct names names = {NULL, 0, 0};
	struct users_totp_row t;
	struct users_admin_ev e;
	struct users_row a;
	enum redress_err rc;
	size_t i;

	*count_r = 0;
	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK)
		return rc;
	/* The names first: no statement stays open while the events are written. */
	if ((rc = users_each(tlog_store(log), collect_name, &names, err)) != REDRESS_OK)
		goto out;
	store_end_reads(tlog_store(log));
	for (i = 0; i < names.len; i++) {
		memset(&e, 0, sizeof(e));
		text_copy(e.name, sizeof(e.name), names.name[i]);
		if ((rc = users_get(tlog_store(log), e.name, &a, err)) != REDRESS_OK)
			goto out;
		if ((rc = reseal_password(old, new_key, &a, a.role, e.password_sealed,
		                          sizeof(e.password_sealed), err)) != REDRESS_OK) {
			error_prefix(err, "account '%s': its password record", e.name);
			goto out;
		}
		rc = users_totp_get(tlog_store(log), e.name, &t, err);
		if (rc == REDRESS_OK) {
			users_totp_ad(e.name, ad);
			if ((rc = reseal(old, new_key, t.secret_sealed, ad, e.totp_sealed,
			                 sizeof(e.totp_sealed), err)) != REDRESS_OK) {
				error_prefix(err, "account '%s': its second factor", e.name);
				goto out;
			}
		} else if (rc != REDRESS_E_NOTFOUND) {
			goto out;
		}
		if ((rc = admin_event(log, USERS_EV_RESEALED, &e, err)) != REDRESS_OK)
			goto out;
		(*count_r)++;
	}
	rc = REDRESS_OK;
out:
	explicit_bzero(&e, sizeof(e));
	free(names.name);
	return rc;
}
