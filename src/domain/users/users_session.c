/*
 * users_session.c -- the last TOTP step each account signed in with, kept
 * in the database so that a server restart (an upgrade, `systemctl
 * restart`) accepts no code twice.  The server's working state, not a
 * projection of the log: audit neither replays nor compares it.  (The
 * sessions themselves are the sessions module's, shared by every server.)
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/users/users_int.h"

enum redress_err
users_totp_step_keep(struct store *store, const char *account, uint64_t step, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_TOTP_STEP_KEEP, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	store_bind_int64(st, 2, (int64_t)step);
	return store_run(st, err);
}

static const struct store_field totp_step_fields[] = {
    STORE_FIELD(struct users_totp_step, account),
    STORE_FIELD(struct users_totp_step, step),
};

enum redress_err
users_totp_steps_load(struct store *store,
                      enum redress_err (*fn)(void *ctx, const struct users_totp_step *s,
                                             struct redress_error *err),
                      void *ctx, struct redress_error *err)
{
	struct users_totp_step s;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_TOTP_STEPS_ALL, err)) == NULL)
		return err->code;
	while ((r = store_read(st, totp_step_fields, &s, err)) == STORE_ROW)
		if ((rc = fn(ctx, &s, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}
