/*
 * test_sessions.c -- the server's session table (http/session.c) when it
 * is full: a flood of sign-ins must not end anyone else's session.  Every
 * slot holding a live session, a new one is refused (the sign-in answers
 * 503) and each of the others is still found; once sessions expire, their
 * slots are taken again.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http_int.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_full_table_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
