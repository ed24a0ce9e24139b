/*
 * test_sessions.c -- the server's sessions (http/session.c).  In memory
 * only, when full: a flood of sign-ins must not end anyone else's
 * session.  Every slot holding a live session, a new one is refused (the
 * sign-in answers 503) and each of the others is still found; once
 * sessions expire, their slots are taken again.  In the database (SQLite,
 * or PostgreSQL under tests/pg/run.sh), as two servers on one fund: a
 * session made on one is found by the other with its CSRF token; ended on
 * one (sign-out, every session of an account), it is refused by the other
 * once HTTP_SESSION_RECHECK_S has passed and not before; a restart keeps
 * it; it expires; and no token, CSRF token or account name is anywhere in
 * the database's bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "crypto/hash.h"
#include "domain/sessions/sessions.h"
#include "http/http_int.h"
#include "logfix.h"

static void
test_full_table_refuses(void **state)
{
	struct http_sessions s;
	struct redress_error err;
	struct http_session found;
	struct actor actor;
	char(*tokens)[HTTP_TOKEN_TEXT_SIZE] = calloc(HTTP_SESSIONS_MAX, HTTP_TOKEN_TEXT_SIZE);
	char token[HTTP_TOKEN_TEXT_SIZE], csrf[HTTP_TOKEN_TEXT_SIZE];
	const uint64_t now = 1000000;
	size_t i;

	(void)state;
	assert_non_null(tokens);
	assert_int_equal(http_sessions_init(&s, &err), REDRESS_OK);
	memset(&actor, 0, sizeof(actor));
	actor.role = ROLE_CASEWORKER;
	for (i = 0; i < HTTP_SESSIONS_MAX; i++) {
		snprintf(actor.name, sizeof(actor.name), "u%zu", i);
		assert_int_equal(http_session_create(&s, &actor, now + i / 100, tokens[i], csrf, &err), 0);
	}
	/* Full of live sessions: the next is refused, and the oldest lives on. */
	snprintf(actor.name, sizeof(actor.name), "flood");
	assert_int_equal(http_session_create(&s, &actor, now + 60, token, csrf, &err), -1);
	for (i = 0; i < HTTP_SESSIONS_MAX; i += 97) {
		assert_int_equal(http_session_find(&s, tokens[i], now + 60, &found, &err), 1);
		assert_int_equal(strncmp(found.account, "u", 1), 0);
	}
	/* Idle past the limit (all but those just seen): their slots are free again. */
	assert_int_equal(
	    http_session_create(&s, &actor, now + 60 + HTTP_SESSION_IDLE_S + 1, token, csrf, &err), 0);
	assert_int_equal(http_session_find(&s, token, now + 61 + HTTP_SESSION_IDLE_S, &found, &err), 1);
	assert_string_equal(found.account, "flood");
	http_sessions_free(&s);
	free(tokens);
}

static const struct event_module *const modules[] = {&users_module, &sessions_module, NULL};

/* A server's sessions on the fixture's database, on a connection of their own. */
static void
server(struct logfix *f, struct http_sessions *s, uint64_t now)
{
	struct redress_error err;
	struct store *st = NULL;

	assert_int_equal(http_sessions_init(s, &err), REDRESS_OK);
	assert_int_equal(store_reopen(f->store, STORE_OPEN_EXISTING, &st, &err), REDRESS_OK);
	assert_int_equal(http_sessions_attach(s, st, keydir_index_key(f->kd), now, &err), REDRESS_OK);
}

static void
no_secret(struct logfix *f, const char *what, const char *secret)
{
	size_t len = 0;
	char *bytes = logfix_db_bytes(f, &len);

	assert_non_null(bytes);
	if (memmem(bytes, len, secret, strlen(secret)) != NULL)
		fail_msg("%s is in the database's bytes in clear", what);
	free(bytes);
}

static void
test_shared_sessions(void **state)
{
	struct logfix *f = logfix_new(modules, "sessions.test/shared");
	struct http_sessions a, b;
	struct redress_error err;
	struct http_session found;
	struct actor actor;
	char token[HTTP_TOKEN_TEXT_SIZE], csrf[HTTP_TOKEN_TEXT_SIZE];
	char t1[HTTP_TOKEN_TEXT_SIZE], t2[HTTP_TOKEN_TEXT_SIZE], c2[HTTP_TOKEN_TEXT_SIZE];
	const uint64_t now = (uint64_t)time(NULL);
	uint8_t hash[32];

	(void)state;
	server(f, &a, now);
	server(f, &b, now);
	memset(&actor, 0, sizeof(actor));
	actor.role = ROLE_CASEWORKER;
	snprintf(actor.name, sizeof(actor.name), "canary-name-7f3e");

	/* Made on a, found on b with the same CSRF token. */
	assert_int_equal(http_session_create(&a, &actor, now, token, csrf, &err), 0);
	assert_int_equal(http_session_find(&b, token, now, &found, &err), 1);
	assert_string_equal(found.account, "canary-name-7f3e");
	assert_string_equal(found.csrf, csrf);
	assert_int_equal(http_session_find(&b, "not-a-token", now, &found, &err), 0);

	/* Ended on b: a, which has it in memory, refuses it once HTTP_SESSION_RECHECK_S passed. */
	hash_sha256(token, strlen(token), hash);
	http_session_end(&b, hash);
	assert_int_equal(http_session_find(&b, token, now, &found, &err), 0);
	assert_int_equal(http_session_find(&a, token, now + HTTP_SESSION_RECHECK_S - 1, &found, &err), 1);
	assert_int_equal(http_session_find(&a, token, now + HTTP_SESSION_RECHECK_S, &found, &err), 0);

	/* Every session of an account ended on a (a password change): refused on b. */
	snprintf(actor.name, sizeof(actor.name), "canary-other-51c2");
	assert_int_equal(http_session_create(&a, &actor, now, t1, csrf, &err), 0);
	assert_int_equal(http_session_create(&b, &actor, now, t2, c2, &err), 0);
	assert_int_equal(http_session_find(&b, t1, now, &found, &err), 1);
	no_secret(f, "a session's token", t1);
	no_secret(f, "a session's CSRF token", c2);
	no_secret(f, "an account's name", "canary-other-51c2");
	no_secret(f, "an account's name", "canary-name-7f3e");
	http_sessions_end_account(&a, "canary-other-51c2");
	http_sessions_flush(&a);
	assert_int_equal(http_session_find(&a, t1, now, &found, &err), 0);
	assert_int_equal(http_session_find(&b, t1, now + HTTP_SESSION_RECHECK_S, &found, &err), 0);
	assert_int_equal(http_session_find(&b, t2, now + HTTP_SESSION_RECHECK_S, &found, &err), 0);

	/* A restart of a keeps a session, its CSRF token too; idle too long, it ends. */
	assert_int_equal(http_session_create(&a, &actor, now, t1, csrf, &err), 0);
	http_sessions_free(&a);
	server(f, &a, now + 5);
	assert_int_equal(http_session_find(&a, t1, now + 5, &found, &err), 1);
	assert_string_equal(found.csrf, csrf);
	assert_string_equal(found.account, "canary-other-51c2");
	assert_int_equal(http_session_find(&b, t1, now + 5 + HTTP_SESSION_IDLE_S, &found, &err), 0);
	assert_int_equal(http_session_find(&a, t1, now + 5 + HTTP_SESSION_IDLE_S, &found, &err), 0);

	http_sessions_free(&a);
	http_sessions_free(&b);
	logfix_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_table_refuses),
	    cmocka_unit_test(test_shared_sessions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
