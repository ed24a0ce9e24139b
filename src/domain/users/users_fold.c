/*
 * users_fold.c -- the users module's events folded into memory, for
 * audit's fast path (log/audit.h).  An account's row changes with its
 * role and password (users_admin.c) and its password on recovery, so the
 * model holds it, with whether it is disabled, must change its password,
 * or awaits a grant of admin, and hashes them at the end, as
 * users_admin_apply leaves them.  A TOTP row (replaced on re-enrolment), a
 * lock (removed on unlock or recovery) and a token (revoked later) can
 * change, so the model holds them, per account and per token hash, and
 * hashes what is left at the end.  The model also
 * refuses what the tables' keys and the live commands would: a name added
 * twice, an event naming an account never added, a lock of a locked
 * account, an unlock of an unlocked one, a token issued twice, a revoke
 * whose count is not the number of live tokens.
 *
 * The rows are the snapshot queries' rows, column for column
 * (users_apply.c, users_snapshots, enum users_table).
 */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "domain/users/users_int.h"

struct held_account {
	char name[USER_NAME_MAX + 1]; /* first: the map's key points here */
	/*
	 * The row as users_accounts holds it.  Its role is the one the log
	 * gives the account now: audit's check of who did what (users_gate.c)
	 * reads it, so an event that changes a role need only update it here
	 * to be followed.
	 */
	struct users_row row;
	int has_totp;
	struct users_totp_row totp;
	int locked;
	struct users_lock_row lock;
	uint64_t disabled_seq; /* 0: enabled */
	uint64_t reset_seq;    /* 0: no password to change */
	uint64_t pending_seq;  /* 0: no grant of admin awaiting approval */
	char pending_by[TLOG_ACTOR_MAX + 1];
};

struct users_model {
	struct strmap accounts; /* name -> struct held_account */
	struct strmap tokens;   /* hash -> struct users_token_row */
	int os_named;           /* audit named an event of the OS user after the bootstrap */
};

void *
users_fold_begin(void)
{
	struct users_model *m = calloc(1, sizeof(*m));

	if (m != NULL) {
		strmap_init(&m->accounts);
		strmap_init(&m->tokens);
	}
	return m;
}

static void
fold_account(struct audit_fold *fold, const struct users_row *a)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(a->name),
	    AUDIT_TEXT_VALUE(users_role_name(a->role)),
	    AUDIT_TEXT_VALUE(a->password_sealed),
	    AUDIT_INT_VALUE(a->added_seq),
	};

	audit_fold_row(fold, USERS_TABLE_ACCOUNTS, row, sizeof(row) / sizeof(row[0]));
}

static void
fold_totp(struct audit_fold *fold, const struct users_totp_row *t)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(t->name),
	    AUDIT_TEXT_VALUE(t->secret_sealed),
	    AUDIT_INT_VALUE(t->enrolled_seq),
	};

	audit_fold_row(fold, USERS_TABLE_TOTP, row, sizeof(row) / sizeof(row[0]));
}

static void
fold_token(struct audit_fold *fold, const struct users_token_row *k)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(k->hash),
	    AUDIT_TEXT_VALUE(k->account),
	    AUDIT_INT_VALUE(k->issued_seq),
	    k->revoked_seq != 0 ? AUDIT_INT_VALUE(k->revoked_seq) : (struct audit_value){AUDIT_NULL, 0, NULL},
	};

	audit_fold_row(fold, USERS_TABLE_TOKENS, row, sizeof(row) / sizeof(row[0]));
}

static void
fold_lock(struct audit_fold *fold, const struct users_lock_row *l)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(l->name),
	    AUDIT_TEXT_VALUE(l->reason),
	    AUDIT_INT_VALUE(l->locked_seq),
	};

	audit_fold_row(fold, USERS_TABLE_LOCKS, row, sizeof(row) / sizeof(row[0]));
}

static enum redress_err
fold_added(struct users_model *m, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct held_account *h;
	struct users_row a;
	enum redress_err rc;

	if ((rc = users_decode_added(ev, &a, err)) != REDRESS_OK)
		return rc;
	if (strmap_get(&m->accounts, a.name) != NULL)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' is added twice", a.name);
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding accounts");
	memcpy(h->name, a.name, sizeof(h->name));
	h->row = a;
	if ((rc = strmap_put(&m->accounts, h->name, h, err)) != REDRESS_OK) {
		free(h);
		return rc;
	}
	(void)fold;
	return REDRESS_OK;
}

static enum redress_err
held(struct users_model *m, const char *name, struct held_account **h_r, struct redress_error *err)
{
	if ((*h_r = strmap_get(&m->accounts, name)) == NULL)
		return error_set(err, REDRESS_E_INVALID,
		                 "an event names account '%.64s', which was never added", name);
	return REDRESS_OK;
}

static enum redress_err
fold_token_issued(struct users_model *m, const struct event *ev, struct redress_error *err)
{
	struct users_token_row *k;
	struct held_account *h;
	enum redress_err rc;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding tokens");
	if ((rc = users_decode_token(ev, k, err)) != REDRESS_OK ||
	    (rc = held(m, k->account, &h, err)) != REDRESS_OK)
		goto out;
	if ((rc = strmap_put(&m->tokens, k->hash, k, err)) == REDRESS_E_CONFLICT)
		rc =
		    error_set(err, REDRESS_E_CONFLICT, "a token of account '%s' is issued twice", k->account);
out:
	if (rc != REDRESS_OK)
		free(k);
	return rc;
}

static enum redress_err
fold_revoked(struct users_model *m, const struct event *ev, struct redress_error *err)
{
	struct users_revoke_ev r;
	struct held_account *h;
	enum redress_err rc;
	int64_t n = 0;
	size_t i;

	if ((rc = users_decode_revoke(ev, &r, err)) != REDRESS_OK ||
	    (rc = held(m, r.name, &h, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < m->tokens.cap; i++) {
		struct users_token_row *k = m->tokens.slots[i].value;

		if (m->tokens.slots[i].key != NULL && k->revoked_seq == 0 &&
		    strcmp(k->account, r.name) == 0) {
			k->revoked_seq = r.seq;
			n++;
		}
	}
	if (n != r.count)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "account '%s': %lld tokens revoked, the event says %lld", r.name,
		                 (long long)n, (long long)r.count);
	return REDRESS_OK;
}

/* The accounts that are admin now. */
static size_t
fold_admins(const struct users_model *m)
{
	size_t i, n = 0;

	for (i = 0; i < m->accounts.cap; i++)
		if (m->accounts.slots[i].key != NULL &&
		    ((const struct held_account *)m->accounts.slots[i].value)->row.role == ROLE_ADMIN)
			n++;
	return n;
}

/* users_admin.c's events, checked and applied as users_admin_apply does. */
static enum redress_err
fold_admin(struct users_model *m, const struct event *ev, struct redress_error *err)
{
	struct users_admin_ev e;
	struct held_account *h;
	enum redress_err rc;

	if ((rc = users_admin_decode(ev, &e, err)) == REDRESS_E_NOTFOUND)
		return error_set(err, REDRESS_E_INVALID, "unknown users event type '%.64s'", ev->type);
	if (rc != REDRESS_OK || (rc = held(m, e.name, &h, err)) != REDRESS_OK)
		return rc;
	if (strcmp(ev->type, USERS_EV_DISABLED) == 0 || strcmp(ev->type, USERS_EV_ENABLED) == 0) {
		int disabled = strcmp(ev->type, USERS_EV_DISABLED) == 0;

		if ((h->disabled_seq != 0) == disabled)
			return error_set(err, REDRESS_E_CONFLICT, "account '%s' is %s already", e.name,
			                 disabled ? "disabled" : "enabled");
		h->disabled_seq = disabled ? e.seq : 0;
	} else if (strcmp(ev->type, USERS_EV_PASSWORD) == 0) {
		memcpy(h->row.password_sealed, e.password_sealed, sizeof(h->row.password_sealed));
		h->reset_seq = e.reset ? e.seq : 0;
	} else if (strcmp(ev->type, USERS_EV_RESEALED) == 0) {
		memcpy(h->row.password_sealed, e.password_sealed, sizeof(h->row.password_sealed));
		if (e.totp_sealed[0] != '\0') {
			if (!h->has_totp)
				return error_set(err, REDRESS_E_CONFLICT,
				                 "account '%s' has no second factor to seal again", e.name);
			memcpy(h->totp.secret_sealed, e.totp_sealed, sizeof(h->totp.secret_sealed));
		}
	} else if (strcmp(ev->type, USERS_EV_ROLE_PROPOSED) == 0) {
		if (e.role != ROLE_ADMIN)
			return error_set(err, REDRESS_E_INVALID,
			                 "account '%s': only a grant of admin waits for a second admin",
			                 e.name);
		h->pending_seq = e.seq;
		memcpy(h->pending_by, e.actor, sizeof(h->pending_by));
	} else {
		if (e.role == ROLE_ADMIN && fold_admins(m) > 1 &&
		    (h->pending_seq == 0 || strcmp(h->pending_by, e.actor) == 0))
			return error_set(err, REDRESS_E_REFUSED,
			                 "account '%s' is made admin without a second admin's approval",
			                 e.name);
		h->pending_seq = 0;
		h->row.role = e.role;
		memcpy(h->row.password_sealed, e.password_sealed, sizeof(h->row.password_sealed));
	}
	return REDRESS_OK;
}

static void
fold_name_seq(struct audit_fold *fold, enum users_table table, const char *name, uint64_t seq)
{
	const struct audit_value row[] = {AUDIT_TEXT_VALUE(name), AUDIT_INT_VALUE(seq)};

	audit_fold_row(fold, table, row, sizeof(row) / sizeof(row[0]));
}

static void
fold_pending(struct audit_fold *fold, const struct held_account *h)
{
	const struct audit_value row[] = {
	    AUDIT_TEXT_VALUE(h->name),
	    AUDIT_TEXT_VALUE(users_role_name(ROLE_ADMIN)),
	    AUDIT_TEXT_VALUE(h->pending_by),
	    AUDIT_INT_VALUE(h->pending_seq),
	};

	audit_fold_row(fold, USERS_TABLE_ROLE_PENDING, row, sizeof(row) / sizeof(row[0]));
}

enum redress_err
users_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct users_model *m = model;
	struct held_account *h;
	struct users_totp_row t;
	struct users_lock_row l;
	enum redress_err rc;
	int locked;

	if (strcmp(ev->type, USERS_EV_ADDED) == 0)
		return fold_added(m, ev, fold, err);
	if (strcmp(ev->type, USERS_EV_TOKEN_ISSUED) == 0)
		return fold_token_issued(m, ev, err);
	if (strcmp(ev->type, USERS_EV_TOKENS_REVOKED) == 0)
		return fold_revoked(m, ev, err);
	if (strcmp(ev->type, USERS_EV_TOTP_ENROLLED) == 0) {
		if ((rc = users_decode_totp(ev, &t, err)) != REDRESS_OK ||
		    (rc = held(m, t.name, &h, err)) != REDRESS_OK)
			return rc;
		h->totp = t;
		h->has_totp = 1;
		return REDRESS_OK;
	}
	if ((locked = strcmp(ev->type, USERS_EV_LOCKED) == 0) || strcmp(ev->type, USERS_EV_UNLOCKED) == 0) {
		if ((rc = users_decode_lock(ev, &l, locked, err)) != REDRESS_OK ||
		    (rc = held(m, l.name, &h, err)) != REDRESS_OK)
			return rc;
		if (h->locked == locked)
			return error_set(err, REDRESS_E_CONFLICT, "account '%s' is %s already", l.name,
			                 locked ? "locked" : "unlocked");
		h->locked = locked;
		h->lock = l;
		return REDRESS_OK;
	}
	if (strcmp(ev->type, USERS_EV_RECOVERED) == 0) {
		struct users_row a;

		if ((rc = users_decode_recovered(ev, &a, err)) != REDRESS_OK ||
		    (rc = held(m, a.name, &h, err)) != REDRESS_OK)
			return rc;
		memcpy(h->row.password_sealed, a.password_sealed, sizeof(h->row.password_sealed));
		h->locked = 0;
		return REDRESS_OK;
	}
	return fold_admin(m, ev, err);
}

int
users_fold_role(void *model, const char *name, enum role *role_r)
{
	struct users_model *m = model;
	struct held_account *h = strmap_get(&m->accounts, name);

	if (h == NULL)
		return 0;
	*role_r = h->row.role;
	return 1;
}

int
users_fold_first_os(void *model)
{
	struct users_model *m = model;

	if (m->os_named)
		return 0;
	m->os_named = 1;
	return 1;
}

int
users_fold_any(void *model)
{
	struct users_model *m = model;

	return m->accounts.count > 0;
}

void
users_fold_end(void *model, struct audit_fold *fold)
{
	struct users_model *m = model;
	size_t i;

	for (i = 0; i < m->accounts.cap; i++) {
		struct held_account *h = m->accounts.slots[i].value;

		if (m->accounts.slots[i].key == NULL)
			continue;
		if (fold != NULL) {
			fold_account(fold, &h->row);
			if (h->disabled_seq != 0)
				fold_name_seq(fold, USERS_TABLE_DISABLED, h->name, h->disabled_seq);
			if (h->reset_seq != 0)
				fold_name_seq(fold, USERS_TABLE_MUST_CHANGE, h->name, h->reset_seq);
			if (h->pending_seq != 0)
				fold_pending(fold, h);
		}
		if (fold != NULL && h->has_totp)
			fold_totp(fold, &h->totp);
		if (fold != NULL && h->locked)
			fold_lock(fold, &h->lock);
		explicit_bzero(h, sizeof(*h));
		free(h);
	}
	for (i = 0; i < m->tokens.cap; i++) {
		if (m->tokens.slots[i].key == NULL)
			continue;
		if (fold != NULL)
			fold_token(fold, m->tokens.slots[i].value);
		free(m->tokens.slots[i].value);
	}
	strmap_free(&m->accounts);
	strmap_free(&m->tokens);
	free(m);
}
