/*
 * baseline.c -- helpers and the shared baseline of the benchmarks.
 */
#include "baseline.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "core/buf.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "domain/payments/payments.h"
#include "domain/users/users.h"
#include "log/audit.h"

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

double
bench_cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

double
bench_thread_cpu_seconds(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long anon_peak_kib;
static pthread_mutex_t anon_lock = PTHREAD_MUTEX_INITIALIZER;

/* RssAnon of /proc/self/status in KiB, or -1. */
static long
anon_now_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "RssAnon:", 8) == 0) {
			kib = strtol(line + 8, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

static void *
anon_watch_thread(void *arg)
{
	const struct timespec tick = {0, 20 * 1000 * 1000};

	(void)arg;
	for (;;) {
		long kib = anon_now_kib();

		pthread_mutex_lock(&anon_lock);
		if (kib > anon_peak_kib)
			anon_peak_kib = kib;
		pthread_mutex_unlock(&anon_lock);
		nanosleep(&tick, NULL);
	}
	return NULL;
}

void
bench_anon_watch(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, anon_watch_thread, NULL) != 0)
		bench_die("the memory watch's thread", NULL);
	pthread_detach(t);
}

long
bench_anon_peak_mib(void)
{
	long kib = anon_now_kib();

	pthread_mutex_lock(&anon_lock);
	if (kib > anon_peak_kib)
		anon_peak_kib = kib;
	kib = anon_peak_kib;
	pthread_mutex_unlock(&anon_lock);
	return (kib + 1023) / 1024;
}

void
bench_anon_reset(void)
{
	pthread_mutex_lock(&anon_lock);
	anon_peak_kib = anon_now_kib();
	pthread_mutex_unlock(&anon_lock);
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

sqlite3 *
bench_raw_open(const char *path, const char *schema)
{
	static const char pragmas[] =
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
	    " PRAGMA secure_delete=ON;";
	sqlite3 *db;

	bench_sqlite_ok(sqlite3_open(path, &db), db, "open");
	bench_sqlite_ok(sqlite3_exec(db, pragmas, NULL, NULL, NULL), db, "pragmas");
	bench_sqlite_ok(sqlite3_exec(db, schema, NULL, NULL, NULL), db, "schema");
	return db;
}

/* N payable rows into a table shaped like ledger_transfers, one transaction. */
double
bench_raw_finish(sqlite3 *db, sqlite3_stmt *st, uint64_t start)
{
	bench_sqlite_ok(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return bench_seconds_since(start);
}

double
bench_raw_payable_inserts(const char *path, long n)
{
	static const char schema[] =
	    "CREATE TABLE ledger_transfers (id TEXT PRIMARY KEY, debit_code TEXT NOT NULL,"
	    " credit_code TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,"
	    " two_phase INTEGER NOT NULL, state TEXT NOT NULL, ref TEXT, exchange_id TEXT,"
	    " created_seq INTEGER NOT NULL, resolved_seq INTEGER);"
	    "CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_code, created_seq);"
	    "CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_code, created_seq);";
	char id[48], ref[24];
	sqlite3_stmt *st;
	sqlite3 *db = bench_raw_open(path, schema);
	uint64_t start;
	long i;

	bench_sqlite_ok(
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO ledger_transfers VALUES (?1, 'benefits:flagship-2015',"
	                       " 'payable:flagship-2015', 100000000, 'KRW', 0, 'posted', ?2, NULL,"
	                       " ?3, NULL)",
	                       -1, &st, NULL),
	    db, "prepare");
	start = clock_monotonic_us();
	bench_sqlite_ok(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
	for (i = 1; i <= n; i++) {
		snprintf(ref, sizeof(ref), "V-%06ld", i);
		snprintf(id, sizeof(id), "E-C-%06ld-%s", i, ref);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, ref, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 3, i);
		bench_sqlite_ok(sqlite3_step(st), db, "insert");
		sqlite3_reset(st);
	}
	return bench_raw_finish(db, st, start);
}

enum redress_err
bench_camt_entry(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	struct buf *b = ctx;

	(void)err;
	buf_printf(b,
	           "<Ntry><Amt Ccy=\"%s\">%lld</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
	           "<BookgDt><Dt>2026-11-27</Dt></BookgDt><NtryDtls><TxDtls><Refs><EndToEndId>%s</EndToEndId>"
	           "</Refs></TxDtls></NtryDtls></Ntry>\n",
	           o->currency, (long long)o->amount, o->id);
	return REDRESS_OK;
}

void
bench_verify(struct tlog *log, const uint8_t *public_key, const char *db, const char *goal)
{
	struct audit_report *report = calloc(1, sizeof(*report));
	struct redress_error err;
	double verify_s, scan_s, verify_cpu;
	uint64_t start;
	long scanned;

	if (report == NULL)
		bench_die("calloc", NULL);
	start = clock_monotonic_us();
	verify_cpu = bench_cpu_seconds();
	if (audit_verify(log, public_key, report, &err) != REDRESS_OK)
		bench_die("verify", &err);
	verify_cpu = bench_cpu_seconds() - verify_cpu;
	verify_s = bench_seconds_since(start);
	if (report->nfindings != 0) {
		fprintf(stderr, "%s: audit found problems: %s\n", bench, report->findings[0]);
		exit(1);
	}
	scan_s = bench_raw_scan_hash(db, &scanned);
	printf("verify: %llu events (%llu rows) in %.2f s = %.0f events/s%s%s; raw scan + SHA-256 of the same"
	       " %ld events: %.0f events/s; ratio %.3f\n",
	       (unsigned long long)report->events, (unsigned long long)report->rows, verify_s,
	       report->events / verify_s, report->replayed ? " (replayed row by row)" : "", goal, scanned,
	       scanned / scan_s, scan_s / verify_s);
	/* On a shared machine the wall time says more of the others than of us; its threads' CPU time does
	 * not. */
	printf("  in CPU time (every thread, whatever else ran): verify %.2f s = %.0f events/s\n", verify_cpu,
	       report->events / verify_cpu);
	fflush(stdout);
	free(report);
}

/* Adds account name with role by the bench's admin (made first, by the bootstrap), in a change of its own. */
static void
bench_account_add(struct tlog *log, const struct seal_key *master, const char *name, enum role role)
{
	struct redress_error err;
	struct actor boot, root;
	uint64_t n;
	int pending = 0;

	if (users_count(tlog_store(log), &n, &err) != REDRESS_OK)
		bench_die("accounts", &err);
	if (n == 0) {
		users_bootstrap_actor("os:bench", &boot);
		if (tlog_set_actor(log, "os:bench", &err) != REDRESS_OK ||
		    tlog_begin(log, &err) != REDRESS_OK ||
		    users_add(log, &boot, master, "bench-admin", ROLE_ADMIN, "bench-password-0", &err) !=
		        REDRESS_OK ||
		    tlog_commit(log, &err) != REDRESS_OK)
			bench_die("the bench's admin", &err);
	}
	memset(&root, 0, sizeof(root));
	snprintf(root.name, sizeof(root.name), "bench-admin");
	root.role = ROLE_ADMIN;
	/* Past the first admin, an admin is made by a change of role (users_role_set). */
	if (tlog_set_actor(log, "user:bench-admin", &err) != REDRESS_OK ||
	    tlog_begin(log, &err) != REDRESS_OK ||
	    users_add(log, &root, master, name, role == ROLE_ADMIN ? ROLE_CASEWORKER : role,
	              "bench-password-0", &err) != REDRESS_OK ||
	    (role == ROLE_ADMIN &&
	     users_role_set(log, &root, master, name, ROLE_ADMIN, &pending, &err) != REDRESS_OK) ||
	    tlog_commit(log, &err) != REDRESS_OK)
		bench_die("a staff account", &err);
}

void
bench_act(struct tlog *log, const struct seal_key *master, struct actor *a, const char *name, int role)
{
	char log_actor[USER_NAME_MAX + 8];
	struct users_account acct;
	struct redress_error err;

	/* Each event's actor must be an account holding the permission then: audit replays roles. */
	if (users_account_get(tlog_store(log), name, &acct, &err) != REDRESS_OK)
		bench_account_add(log, master, name, (enum role)role);
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->role = (enum role)role;
	snprintf(log_actor, sizeof(log_actor), "user:%s", name);
	if (tlog_set_actor(log, log_actor, &err) != REDRESS_OK)
		bench_die("actor", &err);
}
