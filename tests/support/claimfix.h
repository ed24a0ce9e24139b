/*
 * claimfix.h -- on top of logfix, what the tests of programs and claims
 * share: a log with every module of the redress command, the registry's
 * keys, acting as a staff account, and looking for canary text in the
 * database's files and the log's events.
 */
#ifndef REDRESS_TESTS_CLAIMFIX_H
#define REDRESS_TESTS_CLAIMFIX_H

#include <stdint.h>

#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "logfix.h"

struct fixture {
	struct logfix *lf;
	struct store *store; /* lf's */
	struct tlog *log;    /* lf's */
	struct registry_keys rkeys;
	struct actor boot; /* the OS user, as while there are no accounts */
};

/* cmocka setup and teardown: *state is a struct fixture. */
int claimfix_setup(void **state);
/* The same with the modules with (NULL-terminated) and the log's origin. */
int claimfix_setup_with(void **state, const struct event_module *const *with, const char *origin);
int claimfix_teardown(void **state);

/* Acts as account name with role from now on: the log's actor is "user:NAME". */
void claimfix_act(struct fixture *f, struct actor *actor, const char *name, enum role role);
/* Acts as the bootstrap OS user again. */
void claimfix_boot(struct fixture *f);

/* Audit finds needle, and every event could be replayed (the slow path ran through). */
void claimfix_audit_finds(struct fixture *f, const char *needle);

/* 1 when needle occurs in the database's files (the database, its WAL and journal). */
int claimfix_db_contains(struct fixture *f, const void *needle, size_t len);
/* 1 when needle occurs in the bytes of any event of the log. */
int claimfix_events_contain(struct fixture *f, const char *needle);

#endif
