/*
 * users_session.c -- signed-in sessions kept in the database, so that a
 * server restart (an upgrade, `systemctl restart`) signs no one out.
 *
 * Only the SHA-256 of a session's token is stored, never the token, so a
 * copy of the database hands out no live session.  Sessions are not
 * fund data and not events: the table is the server's working state, not
 * a projection of the log, and audit neither replays nor compares it.
 * The server keeps them in memory and writes through (http/session.c).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/users/users_int.h"

enum redress_err
users_session_put(struct store *store, const struct users_session *s, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_SESSION_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, s->hash);
	store_bind_text(st, 2, s->account);
	store_bind_text(st, 3, users_role_name(s->role));
	store_bind_text(st, 4, s->csrf);
	store_bind_int64(st, 5, (int64_t)s->created);
	store_bind_int64(st, 6, (int64_t)s->seen);
	return store_run(st, err);
}

enum redress_err
users_session_delete(struct store *store, const char *hash, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_SESSION_DELETE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	return store_run(st, err);
}

enum redress_err
users_sessions_delete_account(struct store *store, const char *account, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_SESSIONS_DELETE_ACCOUNT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	return store_run(st, err);
}

enum redress_err
users_sessions_load(struct store *store, uint64_t seen_after, uint64_t created_after,
                    enum redress_err (*fn)(void *ctx, const struct users_session *s,
                                           struct redress_error *err),
                    void *ctx, struct redress_error *err)
{
	struct users_session s;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &users_catalogue, USERS_Q_SESSIONS_EXPIRE, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)seen_after);
	store_bind_int64(st, 2, (int64_t)created_after);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &users_catalogue, USERS_Q_SESSIONS_EACH, err)) == NULL)
		return err->code;
	while ((r = store_step(st, err)) == STORE_ROW) {
		memset(&s, 0, sizeof(s));
		/* A row that is not what the server wrote is skipped: it signs no one in. */
		if (strlen(store_column_text(st, 0)) != USERS_SESSION_HASH_SIZE - 1 ||
		    users_name_check(store_column_text(st, 1), NULL) != REDRESS_OK ||
		    users_role_parse(store_column_text(st, 2), &s.role, NULL) != REDRESS_OK ||
		    strlen(store_column_text(st, 3)) >= sizeof(s.csrf))
			continue;
		text_copy(s.hash, sizeof(s.hash), store_column_text(st, 0));
		text_copy(s.account, sizeof(s.account), store_column_text(st, 1));
		text_copy(s.csrf, sizeof(s.csrf), store_column_text(st, 3));
		s.created = (uint64_t)store_column_int64(st, 4);
		s.seen = (uint64_t)store_column_int64(st, 5);
		if ((rc = fn(ctx, &s, err)) != REDRESS_OK) {
			store_end_reads(store);
			return rc;
		}
	}
	memset(&s, 0, sizeof(s));
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

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
    {offsetof(struct users_totp_step, account), sizeof(((struct users_totp_step *)0)->account), 0},
    {offsetof(struct users_totp_step, step), sizeof(int64_t), 0},
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
