/*
 * error.h -- the one error vocabulary of redress.
 *
 * Every function that can fail returns an enum redress_err (REDRESS_OK is 0)
 * and, when it fails, fills a struct redress_error with a message written for
 * the person at the keyboard: what was wrong and where.  The numbers never
 * change once released; docs/errors.md lists each with its exit code.
 */
#ifndef REDRESS_CORE_ERROR_H
#define REDRESS_CORE_ERROR_H

#include <stddef.h>

enum redress_err {
	REDRESS_OK = 0,
	REDRESS_E_USAGE = 1,           /* a command line that cannot be understood */
	REDRESS_E_INVALID = 2,         /* input that is malformed or out of range */
	REDRESS_E_NOTFOUND = 3,        /* a named thing does not exist */
	REDRESS_E_CONFLICT = 4,        /* an id reused with other fields, a state that forbids the step */
	REDRESS_E_REFUSED = 5,         /* a rule refuses it: overdraft, currency mismatch */
	REDRESS_E_OVERFLOW = 6,        /* an amount or size beyond what is representable */
	REDRESS_E_STORE = 7,           /* the database could not be read or written */
	REDRESS_E_KEYS = 8,            /* the key directory is missing, unreadable or wrong */
	REDRESS_E_CRYPTO = 9,          /* a signature or hash that does not verify */
	REDRESS_E_TAMPERED = 10,       /* audit found the log and the tables disagree */
	REDRESS_E_NOMEM = 11,          /* out of memory or over a hard limit */
	REDRESS_E_IO = 12,             /* a file could not be read or written */
	REDRESS_E_INTERNAL = 13,       /* a bug: an invariant that should hold did not */
	REDRESS_E_BUSY = 14,           /* another writer held the database past the busy timeout */
	REDRESS_E_FULL = 15,           /* the disk (or the database's size limit) is full */
	REDRESS_E_STORE_IO = 16,       /* the database's file could not be read or written, or is damaged */
	REDRESS_E_UNKNOWN = 17,        /* a commit failed half-way: the change may or may not be kept */
	REDRESS_E_NODB = 18,           /* no database at the path given */
	REDRESS_E_PASSWORD_RESET = 19, /* the right password, reset by an admin: a new one must be chosen */
};

#define REDRESS_ERROR_MAX 512

struct redress_error {
	enum redress_err code;
	char message[REDRESS_ERROR_MAX];
};

/* Returns a constant, short, untranslated name for code ("invalid input"). */
const char *redress_strerror(enum redress_err code);

/*
 * Fills err (which may be NULL) with code and a printf-style message,
 * truncated to fit, and returns code so callers can write
 * `return error_set(err, REDRESS_E_INVALID, "...")`.
 */
enum redress_err error_set(struct redress_error *err, enum redress_err code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Prefixes the message already in err with "prefix: ", keeping its code.
 * Used to add where an error happened as it travels up.
 */
enum redress_err error_prefix(struct redress_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Clears err to REDRESS_OK with an empty message. */
void error_clear(struct redress_error *err);

/* The process exit status documented for code in docs/errors.md. */
int redress_exit_code(enum redress_err code);

#endif
