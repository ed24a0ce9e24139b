/*
 * baseline.c -- helpers and the shared baseline of the benchmarks.
 */
#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "core/clock.h"
#include "crypto/hash.h"

static const char *bench = "bench";

void
bench_name(const char *name)
{
	bench = name;
}

void
bench_die(const char *what, const struct redress_error *err)
{
	fprintf(stderr, "%s: %s: %s\n", bench, what, err != NULL ? err->message : "failed");
	exit(1);
}

void
bench_sqlite_ok(int rc, sqlite3 *db, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
		fprintf(stderr, "%s: %s: %s\n", bench, what, sqlite3_errmsg(db));
		exit(1);
	}
}

double
bench_seconds_since(uint64_t start_us)
{
	return (double)(clock_monotonic_us() - start_us) / 1e6;
}

long
bench_peak_mib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss / 1024;
}

double
bench_raw_scan_hash(const char *path, long *events_r)
{
	static const uint8_t zero = 0;
	uint8_t leaf[HASH_SHA256_SIZE];
	struct hash_sha256 h;
	sqlite3_stmt *st;
	sqlite3 *db;
	uint64_t start;
	long n = 0;

	bench_sqlite_ok(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), db, "open");
	bench_sqlite_ok(sqlite3_prepare_v2(db, "SELECT body FROM log_events ORDER BY seq", -1, &st, NULL), db,
	                "prepare");
	start = clock_monotonic_us();
	while (sqlite3_step(st) == SQLITE_ROW) {
		hash_sha256_init(&h);
		hash_sha256_update(&h, &zero, 1);
		hash_sha256_update(&h, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
		hash_sha256_final(&h, leaf);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	*events_r = n;
	return bench_seconds_since(start);
}
