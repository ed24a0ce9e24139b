/*
 * baseline.h -- what the benchmarks share: failing loudly, timing, peak
 * memory, and the baseline every audit figure is set beside (a raw scan of
 * the same events with SHA-256, the least any verifier must do).
 */
#ifndef REDRESS_BENCH_BASELINE_H
#define REDRESS_BENCH_BASELINE_H

#include <sqlite3.h>
#include <stdint.h>

#include "core/error.h"

/* Prints "NAME: what: message" on stderr and exits 1; name is set once by bench_name(). */
void bench_name(const char *name);
void bench_die(const char *what, const struct redress_error *err) __attribute__((noreturn));

/* Exits through bench_die when rc is not SQLITE_OK, SQLITE_DONE or SQLITE_ROW. */
void bench_sqlite_ok(int rc, sqlite3 *db, const char *what);

double bench_seconds_since(uint64_t start_us);

/*
 * Peak anonymous memory (the heap and stacks: what the process holds),
 * sampled from /proc/self/status every 20 ms by a thread
 * bench_anon_watch() starts.  getrusage's peak (bench_peak_mib) also
 * counts the database's pages mapped from its file (SQLite's mmap, up to
 * 1 GiB a connection), which are the kernel's page cache, shared and
 * given back under pressure, not memory the process holds.
 */
void bench_anon_watch(void);
/* The peak since the last reset, in MiB; bench_anon_reset() starts a new peak from now. */
long bench_anon_peak_mib(void);
void bench_anon_reset(void);
/*
 * The CPU seconds this process has used (user and system, every thread):
 * on a machine others share, the difference of two readings around a
 * single-threaded stage says what the stage cost, where the wall clock
 * also counts the others' turns.
 */
double bench_cpu_seconds(void);
/*
 * The CPU seconds the calling thread has used: around a stage that hands
 * work to a second thread, what the stage's own thread spent, the length
 * of its path on an idle machine of two cores.
 */
double bench_thread_cpu_seconds(void);
long bench_peak_mib(void);

/* Reads every event of the log at path and hashes it as a Merkle leaf; returns the seconds. */
double bench_raw_scan_hash(const char *path, long *events_r);

/* Opens a raw SQLite database at path with the store's pragmas and runs schema; exits on failure. */
sqlite3 *bench_raw_open(const char *path, const char *schema);

/* Commits the raw insert's transaction, closes st and db; the seconds since start. */
double bench_raw_finish(sqlite3 *db, sqlite3_stmt *st, uint64_t start);

/*
 * Inserts n payable rows into a raw table shaped like ledger_transfers (and
 * its indexes) in one transaction: the entitlement run's baseline.
 * Returns the seconds.
 */
double bench_raw_payable_inserts(const char *path, long n);

struct payments_order;

/* Appends to the struct buf ctx the camt.054 entry booking order o (for payments_orders_each). */
enum redress_err bench_camt_entry(void *ctx, const struct payments_order *o, struct redress_error *err);

struct tlog;

/*
 * Runs audit_verify over log (whose database file is db), exits when it
 * finds anything, and prints its rate beside bench_raw_scan_hash's; goal is
 * printed after the rate (may be "").
 */
void bench_verify(struct tlog *log, const uint8_t *public_key, const char *db, const char *goal);

struct actor;
struct seal_key;

/*
 * Acts as staff account name with role from now on: *a and the log's actor
 * "user:NAME"; the account is added first (sealed under master) when the
 * fund has none of that name.  Outside a change.
 */
void bench_act(struct tlog *log, const struct seal_key *master, struct actor *a, const char *name, int role);

#endif
