/*
 * logfix.h -- the fixture the cmocka tests of domain modules share: a
 * fresh database with its key directory and an open log in a temporary
 * directory, and the audit checks every such test makes.  Unit tests only
 * (it calls cmocka); the fuzz targets do not link it.
 */
#ifndef REDRESS_TESTS_LOGFIX_H
#define REDRESS_TESTS_LOGFIX_H

#include <stdint.h>

#include "crypto/keydir.h"
#include "domain/users/users.h"
#include "log/tlog.h"
#include "store/store.h"

struct logfix {
	char dir[64]; /* the temporary directory, removed by logfix_free */
	char db[256];      /* a SQLite file, or a postgresql:// URI (REDRESS_TEST_PG) */
	char pg_name[32]; /* the PostgreSQL database's name, or "" */
	char keys[128];
	struct store *store;
	struct keydir *kd;
	struct tlog *log; /* created with origin, its actor "os:tester" */
};

/* A new database, keys and log with modules (NULL-terminated); fails the test on error. */
struct logfix *logfix_new(const struct event_module *const *modules, const char *origin);

/* Closes everything and removes the directory. */
void logfix_free(struct logfix *f);

/*
 * Makes sure account name exists, added with role by the real command
 * (users_add) when it does not: by an admin "root", whom the bootstrap
 * adds first.  The log's actor is then "user:NAME".  Audit replays roles,
 * so a fixture that acts as staff acts as real accounts.  Needs the users
 * module.
 */
void logfix_account(struct logfix *f, const char *name, enum role role);

/* The number of events in the log. */
uint64_t logfix_size(struct logfix *f);

/*
 * Runs audit verify: no finding, every event read, and the in-memory fold
 * agreeing with every table (no row-by-row replay needed).
 */
void logfix_audit_clean(struct logfix *f);

/* Runs audit verify and fails the test unless some finding contains needle. */
void logfix_audit_finds(struct logfix *f, const char *needle);

/* Appends n events of type "test.event" ({"i":I,"what":WHAT}) to log in one change. */
void logfix_append(struct tlog *log, int n, const char *what);

/*
 * Every byte the database keeps on disk, for looking for secrets in clear:
 * the SQLite file and its journal, or (PostgreSQL) the files of this
 * database in the cluster's data directory and the whole write-ahead log.
 * NULL when there is none; the caller frees it.
 */
char *logfix_db_bytes(struct logfix *f, size_t *len_r);

/*
 * Fails the test naming where, when any of needles (NULL-terminated) is
 * in clear in the database's bytes (logfix_db_bytes) or in any event's.
 */
void logfix_assert_nowhere(struct logfix *f, const char *const *needles);

/* Runs SQL on the database behind the log's back. */
void logfix_tamper(struct logfix *f, const char *sql);

#endif
