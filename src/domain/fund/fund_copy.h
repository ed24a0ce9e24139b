/*
 * fund_copy.h -- a fund's database copied whole into another, across
 * backends (fund_copy.c says how): for `redress migrate --to
 * postgresql://...` and for a backup of a PostgreSQL fund, which holds a
 * SQLite copy of it.
 */
#ifndef REDRESS_DOMAIN_FUND_COPY_H
#define REDRESS_DOMAIN_FUND_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "crypto/keydir.h"
#include "log/tlog.h"

/* What a copy moved. */
struct fund_copy_done {
	size_t tables;
	uint64_t rows;
	size_t indexes;  /* indexes made on the target (into PostgreSQL; into SQLite the schema makes them) */
	uint64_t events; /* the log's size in the copy */
	char root[64];   /* its root there, base64: the source's at that size */
};

/*
 * Copies the fund at from (a SQLite path or a postgresql:// URI, its
 * schema current) into to: an empty PostgreSQL database, or a SQLite file
 * that does not exist yet.  kd is the fund's key directory (to open both
 * logs), modules every module of the fund (its schema, made on a SQLite
 * target, and its statements, prepared against the copy).  *done_r (may
 * be NULL) says what moved.  REDRESS_OK, or err filled and the target
 * left empty.  Not thread-safe: one copy at a time in a process.
 */
enum redress_err fund_copy(const char *from, const struct keydir *kd, const char *to,
                           const struct event_module *const *modules, struct fund_copy_done *done_r,
                           struct redress_error *err);

#endif
