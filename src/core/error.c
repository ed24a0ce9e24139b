/*
 * error.c -- filling and naming errors.  Messages are bounded by
 * REDRESS_ERROR_MAX and always NUL-terminated; truncation is silent because
 * the start of a message, which names the problem, is what matters.
 */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const error_names[] = {
    [REDRESS_OK] = "success",
    [REDRESS_E_USAGE] = "usage error",
    [REDRESS_E_INVALID] = "invalid input",
    [REDRESS_E_NOTFOUND] = "not found",
    [REDRESS_E_CONFLICT] = "conflict",
    [REDRESS_E_REFUSED] = "refused",
    [REDRESS_E_OVERFLOW] = "overflow",
    [REDRESS_E_STORE] = "storage error",
    [REDRESS_E_KEYS] = "key error",
    [REDRESS_E_CRYPTO] = "verification failed",
    [REDRESS_E_TAMPERED] = "tampering found",
    [REDRESS_E_NOMEM] = "out of memory",
    [REDRESS_E_IO] = "i/o error",
    [REDRESS_E_INTERNAL] = "internal error",
    [REDRESS_E_BUSY] = "database busy",
    [REDRESS_E_FULL] = "disk full",
    [REDRESS_E_STORE_IO] = "storage i/o error",
    [REDRESS_E_UNKNOWN] = "outcome unknown",
    [REDRESS_E_NODB] = "no database",
    [REDRESS_E_PASSWORD_RESET] = "new password needed",
};

const char *
redress_strerror(enum redress_err code)
{
	if ((size_t)code >= sizeof(error_names) / sizeof(error_names[0]) || error_names[code] == NULL)
		return "unknown error";
	return error_names[code];
}

enum redress_err
error_set(struct redress_error *err, enum redress_err code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

enum redress_err
error_prefix(struct redress_error *err, const char *fmt, ...)
{
	char prefix[REDRESS_ERROR_MAX];
	char old[REDRESS_ERROR_MAX];
	va_list ap;

	if (err == NULL)
		return REDRESS_E_INTERNAL;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->message, sizeof(old));
	snprintf(err->message, sizeof(err->message), "%s: %s", prefix, old);
	return err->code;
}

void
error_clear(struct redress_error *err)
{
	if (err == NULL)
		return;
	err->code = REDRESS_OK;
	err->message[0] = '\0';
}

int
redress_exit_code(enum redress_err code)
{
	/* Exit codes follow the error numbers, offset so that 1 stays the
	 * conventional "something failed" and 2 the conventional usage error. */
	switch (code) {
	case REDRESS_OK: return 0;
	case REDRESS_E_USAGE: return 2;
	case REDRESS_E_TAMPERED: return 1;
	default: return 10 + (int)code;
	}
}
