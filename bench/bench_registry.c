/*
 * bench_registry.c -- `make bench`: the registry at scale.  A million
 * synthetic people imported from a CSV file, sealed, then a claim each
 * taken through four eyes, the entitlements of all of them computed in
 * one run, and the whole log audited; each figure beside a baseline
 * measured on the same machine in the same run, because these machines
 * are shared and noisy.
 *
 *   import:       the CSV file through registry_csv_parse + registry_add in
 *                 one change -- exactly what `redress person import` calls
 *                 (src/cli/cmd_person.c), minus printing a line per row --
 *                 against libcsv parsing the same file alone, and raw SQLite
 *                 inserting the same rows in plain text (a table shaped like
 *                 registry_persons, pseudonym key and national-id index, one
 *                 transaction, the store's pragmas).
 *   claims:       open, submit and two approvals per victim, by a
 *                 caseworker and two reviewers (four eyes), B claims per
 *                 change: set-up, timed and reported, no goal.
 *   entitlements: entitlements_compute for the program, one change, against
 *                 raw SQLite inserting the same number of payable rows into
 *                 a table shaped like ledger_transfers (one transaction).
 *   verify:       audit_verify over the whole log, against a raw scan of
 *                 the same events hashed with SHA-256.
 *
 * The people are synthetic: "Synthetic Person 000123", a birth date drawn
 * in 1920-1935, a national id "SYN-270412-0000123" (birth date, serial); no
 * real data.
 *
 * Usage: bench_registry [PEOPLE [BATCH [DIR]]]
 * With BENCH_KEEP set, the files are kept (for profiling) and named; with
 * BENCH_IMPORT_ONLY set, only the import and its baselines run.
 */
#include <csv.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "core/clock.h"
#include "core/money.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "domain/reports/reports.h"
#include "domain/users/users.h"
#include "log/audit.h"
#include "people.h"

#ifndef BENCH_EXAMPLES
#define BENCH_EXAMPLES "examples"
#endif
#define PROGRAM_FILE BENCH_EXAMPLES "/flagship-2015.json"
#define PROGRAM_CODE "flagship-2015"

/* As src/cli/main.c's cli_modules. */
static const struct event_module *const modules[] = {
    &ledger_module,       &users_module, &registry_module, &programs_module, &claims_module,
    &entitlements_module, NULL};

static char *
read_all(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		perror(path);
		exit(1);
	}
	if ((data = malloc((size_t)size + 1)) == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
		perror(path);
		exit(1);
	}
	fclose(f);
	data[size] = '\0';
	*len_r = (size_t)size;
	return data;
}

/* ---- baselines ---- */

struct csv_count {
	long fields, rows;
};

static void
count_field(void *s, size_t len, void *ctx)
{
	(void)s;
	(void)len;
	((struct csv_count *)ctx)->fields++;
}

static void
count_row(int c, void *ctx)
{
	(void)c;
	((struct csv_count *)ctx)->rows++;
}

/* libcsv alone over the same file (read from disk, as the import does), every field seen. */
static double
libcsv_alone(const char *path, long *rows_r)
{
	struct csv_count count = {0, 0};
	struct csv_parser p;
	uint64_t start = clock_monotonic_us();
	size_t len;
	char *data = read_all(path, &len);

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0 ||
	    csv_parse(&p, data, len, count_field, count_row, &count) != len ||
	    csv_fini(&p, count_field, count_row, &count) != 0) {
		fprintf(stderr, "bench_registry: libcsv failed\n");
		exit(1);
	}
	csv_free(&p);
	free(data);
	*rows_r = count.rows - 1; /* the header */
	return bench_seconds_since(start);
}

/* The registry's own parser and row checks alone (no database): where import time goes. */
static enum redress_err
parse_only_row(void *ctx, size_t line, size_t offset, const struct registry_new_person *p,
               struct redress_error *err)
{
	(void)line;
	(void)offset;
	(void)p;
	(void)err;
	(*(long *)ctx)++;
	return REDRESS_OK;
}

static double
registry_parse_alone(const char *path, long *rows_r)
{
	struct redress_error err;
	uint64_t start = clock_monotonic_us();
	size_t len;
	char *data = read_all(path, &len);

	*rows_r = 0;
	if (registry_csv_parse(data, len, path, parse_only_row, rows_r, &err) != REDRESS_OK)
		bench_die("registry_csv_parse", &err);
	free(data);
	return bench_seconds_since(start);
}

/* The same rows, plain text, into a table shaped like registry_persons, one transaction. */
static double
raw_person_inserts(const char *path, long n)
{
	static const char schema[] =
	    "CREATE TABLE persons (pseudonym TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL,"
	    " birth_date TEXT NOT NULL, national_id TEXT, region TEXT, language TEXT NOT NULL,"
	    " frailty INTEGER NOT NULL);"
	    "CREATE INDEX persons_national_id ON persons (national_id);";
	char pseudonym[24];
	uint64_t seed = BENCH_PEOPLE_SEED, start;
	sqlite3_stmt *st;
	struct bench_person r;
	sqlite3 *db = bench_raw_open(path, schema);
	long i;

	bench_sqlite_ok(
	    sqlite3_prepare_v2(db, "INSERT INTO persons VALUES (?1, 'victim', ?2, ?3, ?4, ?5, ?6, ?7)", -1,
	                       &st, NULL),
	    db, "prepare");
	start = clock_monotonic_us();
	bench_sqlite_ok(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
	for (i = 1; i <= n; i++) {
		bench_person_make(&seed, i, &r);
		snprintf(pseudonym, sizeof(pseudonym), "V-%06ld", i);
		sqlite3_bind_text(st, 1, pseudonym, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, r.name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 3, r.birth_date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, r.national_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, r.region, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, r.language, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 7, r.frailty);
		bench_sqlite_ok(sqlite3_step(st), db, "insert");
		sqlite3_reset(st);
	}
	return bench_raw_finish(db, st, start);
}

/* ---- the import, as `redress person import` does it ---- */

/* One row imported: its first line and the pseudonym it got (cmd_person.c keeps the same). */
struct imported {
	size_t line;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
};

struct import_arg {
	struct tlog *log;
	const struct actor *actor;
	struct registry_keys keys;
	struct imported *rows;
	size_t nrows, cap;
};

static enum redress_err
import_row(void *ctx, size_t line, size_t offset, const struct registry_new_person *p,
           struct redress_error *err)
{
	struct import_arg *a = ctx;
	struct imported *row;
	enum redress_err rc;

	(void)offset;
	if (a->nrows == a->cap) {
		size_t cap = a->cap != 0 ? a->cap * 2 : 256;
		struct imported *rows = realloc(a->rows, cap * sizeof(*rows));

		if (rows == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory importing");
		a->rows = rows;
		a->cap = cap;
	}
	row = &a->rows[a->nrows];
	row->line = line;
	if ((rc = registry_add(a->log, a->actor, &a->keys, p, row->pseudonym, err)) != REDRESS_OK)
		return rc;
	a->nrows++;
	return REDRESS_OK;
}

static void
as(struct tlog *log, const struct actor *a)
{
	char log_actor[USER_NAME_MAX + 8];
	struct redress_error err;

	snprintf(log_actor, sizeof(log_actor), "user:%s", a->name);
	if (tlog_set_actor(log, log_actor, &err) != REDRESS_OK)
		bench_die("actor", &err);
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, batch = argc > 2 ? atol(argv[2]) : 1000;
	char dir[256], csv[300], db[300], keys[300], raw[300], rawpay[300], cmd[600];
	struct actor carol, rita, rob, ada, fin;
	struct entitlements_run run;
	struct redress_error err;
	struct import_arg a;
	struct keydir *kd = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	struct program prog;
	double import_s, csv_s, parse_s, raw_s, claims_s, ent_s, rawpay_s, import_cpu, import_own, raw_cpu,
	    ent_cpu, claims_cpu;
	long i, csv_rows, parse_rows, mem_import, mem_claims, mem_ent;
	uint64_t start, events_before, events_after;
	size_t len;
	char *data;

	bench_name("bench_registry");
	if (n <= 0 || batch <= 0) {
		fprintf(stderr, "usage: bench_registry [PEOPLE [BATCH [DIR]]]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/redress-bench-XXXXXX", argc > 3 ? argv[3] : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(csv, sizeof(csv), "%s/people.csv", dir);
	snprintf(db, sizeof(db), "%s/registry.db", dir);
	snprintf(keys, sizeof(keys), "%s/registry.keys", dir);
	snprintf(raw, sizeof(raw), "%s/raw-persons.db", dir);
	snprintf(rawpay, sizeof(rawpay), "%s/raw-payables.db", dir);

	printf("bench_registry: %ld synthetic people, claims %ld per change, in %s\n", n, batch, dir);
	fflush(stdout);
	bench_people_csv(csv, n);

	if (crypto_setup(&err) != REDRESS_OK || keydir_create(keys, &err) != REDRESS_OK ||
	    keydir_open(keys, &kd, &err) != REDRESS_OK ||
	    store_open(db, STORE_OPEN_CREATE, &store, &err) != REDRESS_OK ||
	    tlog_create(store, keydir_log_key(kd), "bench.example/registry", "bench", modules, &err) !=
	        REDRESS_OK ||
	    tlog_open(store, keydir_log_key(kd), modules, &log, &err) != REDRESS_OK)
		bench_die("setup", &err);
	/* As the command line and the server open a fund: version-3 events; BENCH_LOG_V2 for the old. */
	if (getenv("BENCH_LOG_V2") == NULL) {
		struct tlog_public pub = report_feed_public(keydir_index_key(kd));

		tlog_set_public(log, &pub);
	}

	/* ---- import: the file read, parsed, checked, sealed and registered in one change ---- */
	memset(&a, 0, sizeof(a));
	bench_act(log, keydir_master_key(kd), &carol, "carol", ROLE_CASEWORKER);
	a.log = log;
	a.actor = &carol;
	a.keys.master = keydir_master_key(kd);
	a.keys.index = keydir_index_key(kd);
	start = clock_monotonic_us();
	import_cpu = bench_cpu_seconds();
	import_own = bench_thread_cpu_seconds();
	data = read_all(csv, &len);
	if (tlog_begin(log, &err) != REDRESS_OK)
		bench_die("begin", &err);
	if (registry_csv_parse(data, len, csv, import_row, &a, &err) != REDRESS_OK)
		bench_die("import", &err);
	if (tlog_commit(log, &err) != REDRESS_OK)
		bench_die("commit", &err);
	import_s = bench_seconds_since(start);
	import_cpu = bench_cpu_seconds() - import_cpu;
	import_own = bench_thread_cpu_seconds() - import_own;
	explicit_bzero(data, len);
	free(data);
	mem_import = bench_peak_mib();
	if ((long)a.nrows != n) {
		fprintf(stderr, "bench_registry: imported %zu of %ld rows\n", a.nrows, n);
		return 1;
	}
	csv_s = libcsv_alone(csv, &csv_rows);
	parse_s = registry_parse_alone(csv, &parse_rows);
	raw_cpu = bench_cpu_seconds();
	raw_s = raw_person_inserts(raw, n);
	raw_cpu = bench_cpu_seconds() - raw_cpu;
	printf(
	    "import: %ld people in %.2f s = %.0f people/s; raw SQLite inserts of the same rows: %.0f rows/s;"
	    " ratio %.3f (goal >= 50,000 people/s)\n",
	    n, import_s, n / import_s, n / raw_s, raw_s / import_s);
	printf("  in CPU time (what the stage cost, whatever else ran): import %.2f s = %.0f people/s, raw"
	       " inserts %.2f s; ratio %.3f\n",
	       import_cpu, n / import_cpu, raw_cpu, raw_cpu / import_cpu);
	printf(
	    "  of which the import's own thread %.2f s = %.0f people/s (the rest: search tokens hashed on a"
	    " second thread)\n",
	    import_own, n / import_own);
	printf("  libcsv parsing alone: %ld rows in %.2f s = %.0f rows/s; registry_csv_parse with its checks,"
	       " no database: %.0f rows/s\n",
	       csv_rows, csv_s, csv_rows / csv_s, parse_rows / parse_s);
	fflush(stdout);
	if (getenv("BENCH_IMPORT_ONLY") != NULL) /* for profiling the import: the rest is skipped */
		goto done;

	/* ---- the program, the money, and a claim per victim through four eyes ---- */
	bench_act(log, keydir_master_key(kd), &ada, "ada", ROLE_ADMIN);
	data = read_all(PROGRAM_FILE, &len);
	if (program_parse(data, len, &prog, &err) != REDRESS_OK)
		bench_die(PROGRAM_FILE, &err);
	free(data);
	if (tlog_begin(log, &err) != REDRESS_OK || program_add(log, &ada, &prog, &err) != REDRESS_OK ||
	    tlog_commit(log, &err) != REDRESS_OK)
		bench_die("program", &err);
	bench_act(log, keydir_master_key(kd), &fin, "fin", ROLE_FINANCE);
	{
		struct ledger_account_spec donor = {"contributions:bench", prog.currency, LEDGER_INCOME,
		                                    "Contributions (benchmark)", 0};
		char amount[MONEY_TEXT_SIZE];
		struct ledger_transfer_request req = {
		    "fund-bench", "contributions:bench", prog.fund, amount, 0, "Enough for every survivor"};
		int64_t total;

		if (prog.survivor_amount > INT64_MAX / n)
			bench_die("fund: the program's amounts for so many people overflow", NULL);
		total = prog.survivor_amount * n;
		money_format(total, currency_find(prog.currency, NULL), amount, sizeof(amount));
		if (tlog_begin(log, &err) != REDRESS_OK ||
		    ledger_account_open(log, &donor, NULL, &err) != REDRESS_OK ||
		    ledger_transfer_create(log, &req, NULL, NULL, &err) != REDRESS_OK ||
		    tlog_commit(log, &err) != REDRESS_OK)
			bench_die("fund", &err);
	}
	bench_act(log, keydir_master_key(kd), &rita, "rita", ROLE_REVIEWER);
	bench_act(log, keydir_master_key(kd), &rob, "rob", ROLE_REVIEWER);
	start = clock_monotonic_us();
	claims_cpu = bench_cpu_seconds();
	for (i = 0; i < n; i++) {
		char id[CLAIM_ID_MAX + 1];

		if (i % batch == 0 && tlog_begin(log, &err) != REDRESS_OK)
			bench_die("begin", &err);
		as(log, &carol);
		if (claim_open(log, &carol, prog.code, a.rows[i].pseudonym, NULL, id, &err) != REDRESS_OK ||
		    claim_submit(log, &carol, id, &err) != REDRESS_OK)
			bench_die("claim", &err);
		as(log, &rita);
		if (claim_approve(log, &rita, &a.keys, id, NULL, &err) != REDRESS_OK)
			bench_die("approve", &err);
		as(log, &rob);
		if (claim_approve(log, &rob, &a.keys, id, NULL, &err) != REDRESS_OK)
			bench_die("approve", &err);
		if ((i % batch == batch - 1 || i == n - 1) && tlog_commit(log, &err) != REDRESS_OK)
			bench_die("commit", &err);
		if (n >= 10 && (i + 1) % (n / 10) == 0) {
			fprintf(stderr, "bench_registry: %ld claims approved, %.1f s\n", i + 1,
			        bench_seconds_since(start));
			fflush(stderr);
		}
	}
	claims_s = bench_seconds_since(start);
	claims_cpu = bench_cpu_seconds() - claims_cpu;
	mem_claims = bench_peak_mib();
	printf("claims (set-up, no goal): %ld opened, submitted and approved twice (%ld events) in %.2f s ="
	       " %.0f claims/s\n",
	       n, 4 * n, claims_s, n / claims_s);
	printf("  in CPU time (whatever else ran): claims %.2f s = %.0f claims/s\n", claims_cpu,
	       n / claims_cpu);
	fflush(stdout);

	/* ---- entitlements: one run, one change ---- */
	as(log, &fin);
	if (tlog_size(log, &events_before, &err) != REDRESS_OK)
		bench_die("size", &err);
	start = clock_monotonic_us();
	ent_cpu = bench_cpu_seconds();
	if (tlog_begin(log, &err) != REDRESS_OK ||
	    entitlements_compute(log, &fin, prog.code, &run, &err) != REDRESS_OK ||
	    tlog_commit(log, &err) != REDRESS_OK)
		bench_die("entitlements", &err);
	ent_cpu = bench_cpu_seconds() - ent_cpu;
	ent_s = bench_seconds_since(start);
	mem_ent = bench_peak_mib();
	if (tlog_size(log, &events_after, &err) != REDRESS_OK)
		bench_die("size", &err);
	if ((long)run.booked != n || run.unresolved != 0) {
		fprintf(stderr, "bench_registry: booked %llu of %ld entitlements (%llu unresolved: %s)\n",
		        (unsigned long long)run.booked, n, (unsigned long long)run.unresolved,
		        run.first_unresolved);
		return 1;
	}
	rawpay_s = bench_raw_payable_inserts(rawpay, n);
	printf(
	    "entitlements: %llu booked (%llu events) in %.2f s = %.0f entitlements/s (goal: %ld in < 20 s);"
	    " raw SQLite inserts of the same number of payable rows: %.2f s = %.0f rows/s; ratio %.3f\n",
	    (unsigned long long)run.booked, (unsigned long long)(events_after - events_before), ent_s,
	    run.booked / ent_s, n, rawpay_s, n / rawpay_s, rawpay_s / ent_s);
	printf("  in CPU time (whatever else ran): entitlements %.2f s = %.0f entitlements/s\n", ent_cpu,
	       run.booked / ent_cpu);
	fflush(stdout);

	/* ---- the whole log audited ---- */
	bench_verify(log, sign_key_public(keydir_log_key(kd)), db, "");
	printf("peak memory: %ld MiB (goal < 1024; after the import %ld, the claims %ld, the entitlements "
	       "%ld)\n",
	       bench_peak_mib(), mem_import, mem_claims, mem_ent);
done:
	free(a.rows);
	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
	if (getenv("BENCH_KEEP") != NULL) {
		/* For profiling: redress --db DIR/registry.db --keys DIR/registry.keys audit verify */
		printf("kept %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
