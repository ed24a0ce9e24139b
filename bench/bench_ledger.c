/*
 * bench_ledger.c -- `make bench`: the ledger's write throughput and the
 * audit's replay speed, each beside a baseline measured on the same machine
 * in the same run, because these machines are shared and noisy.
 *
 *   ledger:   N transfers through ledger_transfer_create, B per change
 *             (event, Merkle nodes, projection rows and a signed checkpoint
 *             per change), against raw SQLite inserting the same N rows into
 *             the same table (same indexes, same pragmas, B per transaction).
 *   verify:   audit_verify over that log, against a raw scan of the same
 *             events hashed with SHA-256 (the least any verifier must do).
 *
 * Usage: bench_ledger [TRANSFERS [BATCH [DIR]]]
 * With BENCH_KEEP set, the databases are kept (for profiling) and named.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/ledger/ledger.h"
#include "domain/reports/reports.h"
#include "log/audit.h"

#define BENCH_ACCOUNTS 100

static const struct event_module *const modules[] = {&ledger_module, NULL};

/* The baseline: the same rows, the same table, plain prepared inserts. */
static double
raw_sqlite_inserts(const char *path, long n, long batch)
{
	static const char schema[] =
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
	    "CREATE TABLE ledger_transfers (id TEXT PRIMARY KEY, debit_code TEXT NOT NULL,"
	    " credit_code TEXT NOT NULL, amount INTEGER NOT NULL, currency TEXT NOT NULL,"
	    " two_phase INTEGER NOT NULL, state TEXT NOT NULL, ref TEXT, exchange_id TEXT,"
	    " created_seq INTEGER NOT NULL, resolved_seq INTEGER);"
	    "CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_code, created_seq);"
	    "CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_code, created_seq);";
	char id[32], to[32];
	sqlite3_stmt *st;
	sqlite3 *db;
	uint64_t start;
	long i;

	bench_sqlite_ok(sqlite3_open(path, &db), db, "open");
	bench_sqlite_ok(sqlite3_exec(db, schema, NULL, NULL, NULL), db, "schema");
	bench_sqlite_ok(sqlite3_prepare_v2(
	                    db,
	                    "INSERT INTO ledger_transfers VALUES (?1, ?2, ?3, ?4, 'KRW', 0, 'posted', NULL,"
	                    " NULL, ?5, NULL)",
	                    -1, &st, NULL),
	                db, "prepare");
	start = clock_monotonic_us();
	for (i = 0; i < n; i++) {
		if (i % batch == 0)
			bench_sqlite_ok(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
		snprintf(id, sizeof(id), "t-%09ld", i);
		snprintf(to, sizeof(to), "bank-%03ld", i % BENCH_ACCOUNTS);
		sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, "income", -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, 1);
		sqlite3_bind_int64(st, 5, i);
		bench_sqlite_ok(sqlite3_step(st), db, "insert");
		sqlite3_reset(st);
		if (i % batch == batch - 1 || i == n - 1)
			bench_sqlite_ok(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), db, "commit");
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return bench_seconds_since(start);
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, batch = argc > 2 ? atol(argv[2]) : 1000;
	char dir[256], db[300], keys[300], raw[300], cmd[600], id[32], to[32];
	struct redress_error err;
	struct keydir *kd = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	double ledger_s, raw_s, ledger_cpu;
	uint64_t start;
	long i;

	bench_name("bench_ledger");
	if (n <= 0 || batch <= 0) {
		fprintf(stderr, "usage: bench_ledger [TRANSFERS [BATCH [DIR]]]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/redress-bench-XXXXXX", argc > 3 ? argv[3] : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/ledger.db", dir);
	snprintf(keys, sizeof(keys), "%s/ledger.keys", dir);
	snprintf(raw, sizeof(raw), "%s/raw.db", dir);
	if (crypto_setup(&err) != REDRESS_OK || keydir_create(keys, &err) != REDRESS_OK ||
	    keydir_open(keys, &kd, &err) != REDRESS_OK ||
	    store_open(db, STORE_OPEN_CREATE, &store, &err) != REDRESS_OK ||
	    tlog_create(store, keydir_log_key(kd), "bench.example/ledger", "bench", modules, &err) !=
	        REDRESS_OK ||
	    tlog_open(store, keydir_log_key(kd), modules, &log, &err) != REDRESS_OK)
		bench_die("setup", &err);
	/* As the command line and the server open a fund: version-3 events; BENCH_LOG_V2 for the old. */
	if (getenv("BENCH_LOG_V2") == NULL) {
		struct tlog_public pub = report_feed_public(keydir_index_key(kd));

		tlog_set_public(log, &pub);
	}

	if (tlog_begin(log, &err) != REDRESS_OK)
		bench_die("begin", &err);
	{
		struct ledger_account_spec income = {"income", "KRW", LEDGER_INCOME, NULL, 0};

		if (ledger_account_open(log, &income, NULL, &err) != REDRESS_OK)
			bench_die("account", &err);
		for (i = 0; i < BENCH_ACCOUNTS; i++) {
			struct ledger_account_spec bank = {to, "KRW", LEDGER_ASSET, NULL, 1};

			snprintf(to, sizeof(to), "bank-%03ld", i);
			if (ledger_account_open(log, &bank, NULL, &err) != REDRESS_OK)
				bench_die("account", &err);
		}
	}
	if (tlog_commit(log, &err) != REDRESS_OK)
		bench_die("commit", &err);

	printf("bench_ledger: %ld transfers, %ld per change, events of version %d, in %s\n", n, batch,
	       tlog_has_public(log) ? TLOG_VERSION : 2, dir);
	fflush(stdout);
	start = clock_monotonic_us();
	ledger_cpu = bench_cpu_seconds();
	for (i = 0; i < n; i++) {
		struct ledger_transfer_request req = {id, "income", to, "1", 0, NULL};

		if (i % batch == 0 && tlog_begin(log, &err) != REDRESS_OK)
			bench_die("begin", &err);
		snprintf(id, sizeof(id), "t-%09ld", i);
		snprintf(to, sizeof(to), "bank-%03ld", i % BENCH_ACCOUNTS);
		if (ledger_transfer_create(log, &req, NULL, NULL, &err) != REDRESS_OK)
			bench_die("transfer", &err);
		if ((i % batch == batch - 1 || i == n - 1) && tlog_commit(log, &err) != REDRESS_OK)
			bench_die("commit", &err);
	}
	ledger_cpu = bench_cpu_seconds() - ledger_cpu;
	ledger_s = bench_seconds_since(start);
	raw_s = raw_sqlite_inserts(raw, n, batch);
	printf("ledger: %ld transfers in %.2f s = %.0f transfers/s; raw SQLite inserts of the same rows:"
	       " %.0f rows/s; ratio %.3f (goal >= 0.40)\n",
	       n, ledger_s, n / ledger_s, n / raw_s, raw_s / ledger_s);
	printf("  in CPU time (whatever else ran): ledger %.2f s = %.0f transfers/s\n", ledger_cpu,
	       n / ledger_cpu);
	fflush(stdout);

	bench_verify(log, sign_key_public(keydir_log_key(kd)), db, " (goal >= 200000)");
	printf("peak memory: %ld MiB\n", bench_peak_mib());
	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
	if (getenv("BENCH_KEEP") != NULL) {
		/* For profiling: redress --db DIR/ledger.db --keys DIR/ledger.keys audit verify */
		printf("kept %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
