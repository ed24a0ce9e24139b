/*
 * bench_scale.c -- `make bench-scale`: a whole synthetic fund at national
 * scale (BENCH_SCALE_PEOPLE victims, default 200,000; issue 15 asks for
 * 10,000,000), every stage timed, each beside a baseline measured in the
 * same run where one exists, and the table written to the file given
 * (build-bench/scale.txt) as well as to stdout.
 *
 *   people:       scale_people.c's file (Korean, Japanese and Latin names,
 *                 an heir for one victim in ten), untimed.
 *   import:       the file through registry_csv_parse + registry_add in one
 *                 change, as `redress person import` does; baseline: raw
 *                 SQLite inserts of the same rows into a table shaped like
 *                 registry_persons with its indexes (one transaction).
 *   heirs:        each heir recorded as her victim's (registry_relation_add),
 *                 1,000 a change.
 *   bank details: every victim's (payments_bank_set, sealed), 1,000 a change.
 *   claims:       open, submit and two approvals per victim (four eyes),
 *                 1,000 victims a change.
 *   entitlements: one run for the program; baseline: raw inserts of as many
 *                 payable rows into a table shaped like ledger_transfers.
 *   payments:     one batch of up to PAYMENTS_BATCH_MAX orders, its pain.001,
 *                 and the bank's camt.054 settling all of them.
 *   report:       the public report computed (report_compute).
 *   audit verify: the whole log; baseline: a raw scan of the same events
 *                 hashed with SHA-256.
 *   reads:        what the server reads for a case file (the person and her
 *                 heirs), a page of the list (50, frailest first) and a name
 *                 search, each 500 times at random, in process (no HTTP:
 *                 bench_http measures the server itself): p50 and p99.
 *
 * Each stage's wall time and CPU time are both given: on a machine others
 * share, the wall clock counts their turns too.  Memory is the peak of
 * anonymous memory during the stage (baseline.h says why not getrusage's,
 * which is given once, for the whole run).
 *
 * Usage: bench_scale OUT [DIR]   (BENCH_SCALE_PEOPLE sets the size; with
 * BENCH_KEEP set the fund is kept)
 */
#include <csv.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/money.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "domain/reports/reports.h"
#include "domain/users/users.h"
#include "log/audit.h"
#include "scale_people.h"

#ifndef BENCH_EXAMPLES
#define BENCH_EXAMPLES "examples"
#endif
#define PROGRAM_FILE BENCH_EXAMPLES "/flagship-2015.json"
#define BATCH        1000 /* victims a change, past the import */
#define READS        500  /* samples of each read */
#define STAGES_MAX   16

/* As src/cli/main.c's cli_modules. */
static const struct event_module *const modules[] = {&ledger_module,
                                                     &users_module,
                                                     &registry_module,
                                                     &programs_module,
                                                     &claims_module,
                                                     &entitlements_module,
                                                     &payments_module,
                                                     &pledges_module,
                                                     &reports_module,
                                                     &casework_module,
                                                     NULL};

/* One line of the table. */
struct stage {
	char name[48];
	long count;       /* items done */
	const char *unit; /* "people", "claims" ... */
	double wall, cpu; /* seconds */
	double base_wall; /* the baseline's seconds for the same count, or 0 */
	char base[80];    /* what the baseline is */
	long anon_mib;    /* peak anonymous memory during the stage */
	char note[160];
};

static struct stage stages[STAGES_MAX];
static size_t nstages;
static uint64_t stage_start;
static double stage_cpu;

static void
check(enum redress_err rc, const char *what, const struct redress_error *err)
{
	if (rc != REDRESS_OK)
		bench_die(what, err);
}

static void
stage_begin(void)
{
	bench_anon_reset();
	stage_cpu = bench_cpu_seconds();
	stage_start = clock_monotonic_us();
}

static struct stage *
stage_end(const char *name, long count, const char *unit)
{
	struct stage *s = &stages[nstages < STAGES_MAX - 1 ? nstages++ : nstages];

	s->wall = bench_seconds_since(stage_start);
	s->cpu = bench_cpu_seconds() - stage_cpu;
	s->anon_mib = bench_anon_peak_mib();
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->count = count;
	s->unit = unit;
	printf("%-24s %9ld %-9s %8.2f s wall %8.2f s CPU  %6ld MiB\n", name, count, unit, s->wall, s->cpu,
	       s->anon_mib);
	fflush(stdout);
	return s;
}

static char *
read_all(const char *path, size_t *len_r)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (data = malloc((size_t)size + 1)) == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) {
		perror(path);
		exit(1);
	}
	fclose(f);
	data[size] = '\0';
	*len_r = (size_t)size;
	return data;
}

/* The bytes of a database: its file and its write-ahead journal. */
static long
file_bytes(const char *path)
{
	char wal[512];
	struct stat st;
	long n = 0;

	if (stat(path, &st) == 0)
		n += (long)st.st_size;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (stat(wal, &st) == 0)
		n += (long)st.st_size;
	return n;
}

/* ---- baselines ---- */

/* The same people, in clear, into a table shaped like registry_persons with its indexes. */
static double
raw_person_inserts(const char *path, long victims)
{
	static const char schema[] =
	    "CREATE TABLE persons (pseudonym TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL,"
	    " birth_year INTEGER NOT NULL, region TEXT, language TEXT NOT NULL, frailty INTEGER NOT NULL,"
	    " identity TEXT NOT NULL, id_index TEXT, registered_seq INTEGER NOT NULL);"
	    "CREATE INDEX persons_kind ON persons (kind, registered_seq);"
	    "CREATE INDEX persons_id_index ON persons (id_index);"
	    "CREATE INDEX persons_registered ON persons (registered_seq);";
	char pseudonym[24], identity[256];
	uint64_t seed = SCALE_PEOPLE_SEED, start;
	struct scale_person v, h;
	sqlite3_stmt *st;
	sqlite3 *db = bench_raw_open(path, schema);
	long i, seq = 0, relatives = 0;
	int heir;

	bench_sqlite_ok(
	    sqlite3_prepare_v2(db,
	                       "INSERT INTO persons VALUES (?1, ?2, 'alive', ?3, ?4, ?5, ?6, ?7, ?8,"
	                       " ?9)",
	                       -1, &st, NULL),
	    db, "prepare");
	start = clock_monotonic_us();
	bench_sqlite_ok(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), db, "begin");
	for (i = 1; i <= victims; i++) {
		scale_person_make(&seed, i, &v, &h, &heir);
		for (int k = 0; k <= heir; k++) {
			const struct scale_person *r = k == 0 ? &v : &h;

			if (k == 0)
				snprintf(pseudonym, sizeof(pseudonym), "V-%06ld", i);
			else
				snprintf(pseudonym, sizeof(pseudonym), "R-%06ld", ++relatives);
			snprintf(identity, sizeof(identity), "%s|%s|%s", r->name, r->birth_date, r->phone);
			sqlite3_bind_text(st, 1, pseudonym, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 2, k == 0 ? "victim" : "relative", -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 3, atoi(r->birth_date));
			sqlite3_bind_text(st, 4, r->region, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 5, r->language, -1, SQLITE_STATIC);
			sqlite3_bind_int(st, 6, r->frailty);
			sqlite3_bind_text(st, 7, identity, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(st, 8, r->national_id, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(st, 9, ++seq);
			bench_sqlite_ok(sqlite3_step(st), db, "insert");
			sqlite3_reset(st);
		}
	}
	return bench_raw_finish(db, st, start);
}

/* ---- stages ---- */

struct import_arg {
	struct tlog *log;
	const struct actor *actor;
	struct registry_keys keys;
	long rows;
};

static enum redress_err
import_row(void *ctx, size_t line, size_t offset, const struct registry_new_person *p,
           struct redress_error *err)
{
	struct import_arg *a = ctx;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	enum redress_err rc;

	(void)line;
	(void)offset;
	if ((rc = registry_add(a->log, a->actor, &a->keys, p, pseudonym, err)) == REDRESS_OK)
		a->rows++;
	return rc;
}

static void
pseudonym(char *out, size_t size, char kind, long number)
{
	snprintf(out, size, "%c-%06ld", kind, number);
}

static enum redress_err
count_one(void *ctx, const struct registry_person *p, struct redress_error *err)
{
	(void)p;
	(void)err;
	(*(long *)ctx)++;
	return REDRESS_OK;
}

static enum redress_err
count_heir(void *ctx, const char *relative, int64_t num, int64_t den, struct redress_error *err)
{
	(void)relative;
	(void)num;
	(void)den;
	(void)err;
	(*(long *)ctx)++;
	return REDRESS_OK;
}

static enum redress_err
count_found(void *ctx, const char *p, struct redress_error *err)
{
	(void)p;
	(void)err;
	(*(long *)ctx)++;
	return REDRESS_OK;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* p50 and p99 of READS samples, in ms, into note. */
static void
percentiles(double *ms, char *note, size_t size, const char *what)
{
	qsort(ms, READS, sizeof(ms[0]), cmp_double);
	snprintf(note, size, "%s: p50 %.2f ms, p99 %.2f ms", what, ms[READS / 2], ms[READS * 99 / 100]);
}

static void
write_table(FILE *f, long victims, long relatives, long db_bytes, const char *build)
{
	char date[32];
	time_t now = time(NULL);
	size_t i;

	strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	fprintf(f, "bench-scale: %ld victims and %ld heirs (%ld people), %s build, %s\n", victims, relatives,
	        victims + relatives, build, date);
	fprintf(f, "database: %ld bytes = %.0f bytes a person\n\n", db_bytes,
	        (double)db_bytes / (double)(victims + relatives));
	fprintf(f,
	        "| stage | count | wall s | CPU s | rate (wall) | rate (CPU) | baseline, same run | ratio |"
	        " peak anon MiB | 10 M at this rate |\n");
	fprintf(f, "|---|---|---|---|---|---|---|---|---|---|\n");
	for (i = 0; i < nstages; i++) {
		const struct stage *s = &stages[i];
		/* Linear: every stage grows with the victims, but the orders (1,000,000 asked of one batch).
		 */
		double at10m = strcmp(s->unit, "orders") == 0
		                   ? s->wall * 1e6 / (double)(s->count > 0 ? s->count : 1)
		                   : s->wall * 1e7 / (double)victims;

		if (s->count == 0 || strcmp(s->unit, "reads") == 0) {
			fprintf(f, "| %s | | %.2f | %.2f | | | | | %ld | |\n", s->name, s->wall, s->cpu,
			        s->anon_mib);
			continue;
		}
		fprintf(f, "| %s | %ld %s | %.2f | %.2f | %.0f/s | %.0f/s | ", s->name, s->count, s->unit,
		        s->wall, s->cpu, s->count / s->wall, s->cpu > 0 ? s->count / s->cpu : 0);
		if (s->base_wall > 0)
			fprintf(f, "%s %.0f/s | %.3f |", s->base, s->count / s->base_wall,
			        s->base_wall / s->wall);
		else
			fprintf(f, " | |");
		fprintf(f, " %ld | %.1f min%s |\n", s->anon_mib, at10m / 60,
		        strcmp(s->unit, "orders") == 0 ? " (1 M orders)" : "");
	}
	fprintf(f, "\n");
	for (i = 0; i < nstages; i++)
		if (stages[i].note[0] != '\0')
			fprintf(f, "- %s: %s\n", stages[i].name, stages[i].note);
	fprintf(f,
	        "- peak resident set of the whole run (getrusage, with the mapped database pages): %ld MiB\n",
	        bench_peak_mib());
}

int
main(int argc, char **argv)
{
	const char *env = getenv("BENCH_SCALE_PEOPLE");
	long victims = env != NULL ? atol(env) : 200000, relatives, i, found;
	char dir[256], csv[300], db[300], keys[300], raw[300], rawpay[300], cmd[700], p[32];
	struct actor carol, rita, rob, ada, fin;
	struct redress_error err;
	struct import_arg a;
	struct keydir *kd = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	struct registry_keys rk;
	struct program prog;
	struct stage *s;
	uint64_t events, seed;
	size_t len;
	char *data;
	FILE *out;
	int help;

	bench_name("bench_scale");
	/* An option is no output file: `--help` once started a whole 200,000-person run. */
	help = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
	if (argc < 2 || victims <= 0 || argv[1][0] == '-') {
		fprintf(help ? stdout : stderr, "usage: BENCH_SCALE_PEOPLE=N bench_scale OUT [DIR]\n");
		return help ? 0 : 2;
	}
	bench_anon_watch();
	snprintf(dir, sizeof(dir), "%s/redress-scale-XXXXXX", argc > 2 ? argv[2] : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(csv, sizeof(csv), "%s/people.csv", dir);
	snprintf(db, sizeof(db), "%s/fund.db", dir);
	snprintf(keys, sizeof(keys), "%s/fund.keys", dir);
	snprintf(raw, sizeof(raw), "%s/raw-persons.db", dir);
	snprintf(rawpay, sizeof(rawpay), "%s/raw-payables.db", dir);
	printf("bench_scale: %ld victims, in %s\n", victims, dir);
	scale_people_csv(csv, victims, &relatives);
	printf("people: %ld victims and %ld heirs, %ld bytes of CSV\n", victims, relatives, file_bytes(csv));
	fflush(stdout);

	check(crypto_setup(&err), "crypto", &err);
	check(keydir_create(keys, &err), "keys", &err);
	check(keydir_open(keys, &kd, &err), "keys", &err);
	check(store_open(db, STORE_OPEN_CREATE, &store, &err), "store", &err);
	check(tlog_create(store, keydir_log_key(kd), "bench.example/scale", "bench", modules, &err), "log",
	      &err);
	check(tlog_open(store, keydir_log_key(kd), modules, &log, &err), "log", &err);
	rk.master = keydir_master_key(kd);
	rk.index = keydir_index_key(kd);
	bench_act(log, rk.master, &carol, "carol", ROLE_CASEWORKER);
	bench_act(log, rk.master, &rita, "rita", ROLE_REVIEWER);
	bench_act(log, rk.master, &rob, "rob", ROLE_REVIEWER);
	bench_act(log, rk.master, &fin, "fin", ROLE_FINANCE);
	bench_act(log, rk.master, &ada, "ada", ROLE_ADMIN);

	/* ---- import ---- */
	bench_act(log, rk.master, &carol, "carol", ROLE_CASEWORKER);
	memset(&a, 0, sizeof(a));
	a.log = log;
	a.actor = &carol;
	a.keys = rk;
	stage_begin();
	data = read_all(csv, &len);
	check(tlog_begin(log, &err), "begin", &err);
	check(registry_csv_parse(data, len, csv, import_row, &a, &err), "import", &err);
	check(tlog_commit(log, &err), "commit", &err);
	explicit_bzero(data, len);
	free(data);
	s = stage_end("import", a.rows, "people");
	if (a.rows != victims + relatives)
		bench_die("import: not every row was imported", NULL);
	s->base_wall = raw_person_inserts(raw, victims);
	snprintf(s->base, sizeof(s->base), "raw SQLite inserts, same rows and indexes");
	snprintf(s->note, sizeof(s->note), "database after the import: %.0f bytes a person (raw: %.0f)",
	         (double)file_bytes(db) / (double)a.rows, (double)file_bytes(raw) / (double)a.rows);

	/* ---- heirs ---- */
	stage_begin();
	for (i = 1; i <= relatives; i++) {
		char v[32], r[32];

		if (i % BATCH == 1)
			check(tlog_begin(log, &err), "begin", &err);
		pseudonym(v, sizeof(v), 'V', i * 10);
		pseudonym(r, sizeof(r), 'R', i);
		check(registry_relation_add(log, &carol, v, r, "daughter", 1, 1, &err), "heir", &err);
		if (i % BATCH == 0 || i == relatives)
			check(tlog_commit(log, &err), "commit", &err);
	}
	stage_end("heirs recorded", relatives, "heirs");

	/* ---- program, money ---- */
	data = read_all(PROGRAM_FILE, &len);
	check(program_parse(data, len, &prog, &err), PROGRAM_FILE, &err);
	free(data);
	bench_act(log, rk.master, &ada, "ada", ROLE_ADMIN);
	check(tlog_begin(log, &err), "begin", &err);
	check(program_add(log, &ada, &prog, &err), "program", &err);
	check(tlog_commit(log, &err), "commit", &err);
	bench_act(log, rk.master, &fin, "fin", ROLE_FINANCE);
	{
		struct ledger_account_spec donor = {"contributions:bench", prog.currency, LEDGER_INCOME,
		                                    "Contributions (benchmark)", 0};
		char amount[MONEY_TEXT_SIZE];
		struct ledger_transfer_request req = {
		    "fund-bench", "contributions:bench", prog.fund, amount, 0, "Enough for every survivor"};
		struct payments_debtor d = {.program = "flagship-2015",
		                            .name = "Synthetic Foundation",
		                            .iban = "DE89370400440532013000",
		                            .bic = "SHBKKRSE"};
		int64_t total;

		if (__builtin_mul_overflow(prog.survivor_amount, victims, &total))
			bench_die("fund: the program's amounts for so many people overflow", NULL);
		money_format(total, currency_find(prog.currency, NULL), amount, sizeof(amount));
		check(tlog_begin(log, &err), "begin", &err);
		check(ledger_account_open(log, &donor, NULL, &err), "fund", &err);
		check(ledger_transfer_create(log, &req, NULL, NULL, &err), "fund", &err);
		check(payments_debtor_set(log, &fin, &d, &err), "debtor", &err);
		check(tlog_commit(log, &err), "commit", &err);
	}

	/* ---- bank details ---- */
	bench_act(log, rk.master, &carol, "carol", ROLE_CASEWORKER);
	stage_begin();
	for (i = 1; i <= victims; i++) {
		struct payments_bank b;

		if (i % BATCH == 1)
			check(tlog_begin(log, &err), "begin", &err);
		memset(&b, 0, sizeof(b));
		snprintf(b.account, sizeof(b.account), "SYN-%08ld", i);
		snprintf(b.iban, sizeof(b.iban), "GB82WEST12345698765432");
		snprintf(b.bic, sizeof(b.bic), "SHBKKRSE");
		snprintf(b.holder, sizeof(b.holder), "Synthetic Holder %08ld", i);
		pseudonym(p, sizeof(p), 'V', i);
		check(payments_bank_set(log, &carol, &rk, p, &b, &err), "bank", &err);
		if (i % BATCH == 0 || i == victims)
			check(tlog_commit(log, &err), "commit", &err);
	}
	stage_end("bank details", victims, "people");

	/* ---- claims, four eyes ---- */
	stage_begin();
	for (i = 1; i <= victims; i++) {
		char id[CLAIM_ID_MAX + 1], actor[USER_NAME_MAX + 8];

		if (i % BATCH == 1)
			check(tlog_begin(log, &err), "begin", &err);
		pseudonym(p, sizeof(p), 'V', i);
		check(tlog_set_actor(log, "user:carol", &err), "actor", &err);
		check(claim_open(log, &carol, prog.code, p, NULL, id, &err), "claim", &err);
		check(claim_submit(log, &carol, id, &err), "claim", &err);
		snprintf(actor, sizeof(actor), "user:%s", rita.name);
		check(tlog_set_actor(log, actor, &err), "actor", &err);
		check(claim_approve(log, &rita, &rk, id, NULL, &err), "approve", &err);
		snprintf(actor, sizeof(actor), "user:%s", rob.name);
		check(tlog_set_actor(log, actor, &err), "actor", &err);
		check(claim_approve(log, &rob, &rk, id, NULL, &err), "approve", &err);
		if (i % BATCH == 0 || i == victims)
			check(tlog_commit(log, &err), "commit", &err);
	}
	s = stage_end("claims (open, submit, 2 approvals)", victims, "claims");
	snprintf(s->note, sizeof(s->note), "%ld events, 4 a claim", 4 * victims);

	/* ---- entitlements ---- */
	bench_act(log, rk.master, &fin, "fin", ROLE_FINANCE);
	{
		struct entitlements_run run;

		stage_begin();
		check(tlog_begin(log, &err), "begin", &err);
		check(entitlements_compute(log, &fin, prog.code, &run, &err), "entitlements", &err);
		check(tlog_commit(log, &err), "commit", &err);
		s = stage_end("entitlement run", (long)run.booked, "entitlements");
		if ((long)run.booked != victims)
			bench_die("entitlements: not every victim's was booked", NULL);
		s->base_wall = bench_raw_payable_inserts(rawpay, victims);
		snprintf(s->base, sizeof(s->base), "raw SQLite inserts of payable rows");
	}

	/* ---- payments: a batch, its pain.001, the bank's camt.054 ---- */
	{
		struct payments_batch_run br;
		struct payments_import_run ir;
		struct buf pain, camt;
		long orders = victims < PAYMENTS_BATCH_MAX ? victims : PAYMENTS_BATCH_MAX;

		stage_begin();
		check(tlog_begin(log, &err), "begin", &err);
		check(payments_batch(log, &fin, prog.code, (uint64_t)orders, &br, &err), "batch", &err);
		check(tlog_commit(log, &err), "commit", &err);
		s = stage_end("payment batch", (long)br.orders, "orders");
		snprintf(s->note, sizeof(s->note),
		         "at most PAYMENTS_BATCH_MAX (%d) orders a batch: 1,000,000 in one is"
		         " refused",
		         PAYMENTS_BATCH_MAX);
		buf_init(&pain, PAYMENTS_XML_MAX);
		stage_begin();
		check(tlog_begin(log, &err), "begin", &err);
		check(payments_export(log, &fin, &rk, br.id, "2026-11-27T10:00:00", &pain, &err), "export",
		      &err);
		check(tlog_commit(log, &err), "commit", &err);
		s = stage_end("pain.001 export", (long)br.orders, "orders");
		snprintf(s->note, sizeof(s->note), "%zu bytes, built whole in memory (PAYMENTS_XML_MAX %u)",
		         pain.len, PAYMENTS_XML_MAX);
		buf_init(&camt, PAYMENTS_XML_MAX);
		buf_printf(&camt,
		           "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:"
		           "camt.054.001.08\"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>SCALE-1</MsgId></GrpHdr>"
		           "<Ntfctn>\n");
		check(payments_orders_each(store, br.id, bench_camt_entry, &camt, &err), "camt", &err);
		buf_printf(&camt, "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n");
		check(buf_error(&camt, &err), "camt", &err);
		stage_begin();
		check(tlog_begin(log, &err), "begin", &err);
		check(payments_import(log, &fin, "scale.xml", camt.data, camt.len, &ir, &err), "import",
		      &err);
		check(tlog_commit(log, &err), "commit", &err);
		s = stage_end("camt.054 import", (long)ir.settled, "orders");
		snprintf(s->note, sizeof(s->note), "%zu bytes, parsed whole (libxml2 tree)", camt.len);
		buf_free(&pain);
		buf_free(&camt);
	}

	/* ---- the public report ---- */
	{
		struct report *r = calloc(1, sizeof(*r));

		if (r == NULL)
			bench_die("calloc", NULL);
		report_init(r);
		stage_begin();
		check(report_compute(log, prog.code, 10, r, &err), "report", &err);
		stage_end("public report (compute)", 1, "report");
		report_free(r);
		free(r);
	}

	/* ---- audit verify ---- */
	{
		struct audit_report *report = calloc(1, sizeof(*report));
		long scanned;

		if (report == NULL)
			bench_die("calloc", NULL);
		check(tlog_size(log, &events, &err), "size", &err);
		stage_begin();
		check(audit_verify(log, tlog_public_key(log), report, &err), "verify", &err);
		s = stage_end("audit verify", (long)report->events, "events");
		if (report->nfindings != 0) {
			fprintf(stderr, "bench_scale: audit found problems: %s\n", report->findings[0]);
			return 1;
		}
		s->base_wall = bench_raw_scan_hash(db, &scanned);
		snprintf(s->base, sizeof(s->base), "raw scan + SHA-256 of the events");
		snprintf(s->note, sizeof(s->note), "%llu rows compared%s; CPU counts audit's threads",
		         (unsigned long long)report->rows, report->replayed ? ", replayed row by row" : "");
		free(report);
	}

	/* ---- reads, in process ---- */
	{
		static double get_ms[READS], list_ms[READS], frail_ms[READS], find_ms[READS];
		struct registry_filter f = {-1, -1, 0, 0, REGISTRY_ORDER_REGISTERED, NULL};
		struct scale_person v, h;
		uint64_t t, total;
		size_t hits;
		static char n1[READS][96];
		long step = victims / READS > 0 ? victims / READS : 1, k;
		int heir;

		/* Names to look for: drawn as the generator drew them, one every victims / READS. */
		seed = SCALE_PEOPLE_SEED;
		memset(n1, 0, sizeof(n1));
		for (i = 1, k = 0; i <= victims; i++) {
			scale_person_make(&seed, i, &v, &h, &heir);
			if (i % step == 0 && k < READS)
				snprintf(n1[k++], sizeof(n1[0]), "%s", v.name);
		}
		stage_begin();
		seed = 7;
		for (i = 0; i < READS; i++) {
			struct registry_person person;
			long heirs = 0;

			pseudonym(p, sizeof(p), 'V',
			          1 + (long)(((seed = seed * 6364136223846793005ull + 1) >> 33) %
			                     (uint64_t)victims));
			t = clock_monotonic_us();
			check(registry_get(store, p, &person, &err), "get", &err);
			check(registry_heirs(store, p, count_heir, &heirs, &err), "heirs", &err);
			get_ms[i] = (double)(clock_monotonic_us() - t) / 1000;
			found = 0;
			t = clock_monotonic_us();
			check(registry_list(store, &f, (size_t)(i * 50 % (victims > 50 ? victims - 50 : 1)),
			                    50, count_one, &found, &total, &err),
			      "list", &err);
			list_ms[i] = (double)(clock_monotonic_us() - t) / 1000;
			f.order = REGISTRY_ORDER_FRAILTY;
			t = clock_monotonic_us();
			check(registry_list(store, &f, (size_t)(i * 50 % (victims > 50 ? victims - 50 : 1)),
			                    50, count_one, &found, &total, &err),
			      "list", &err);
			frail_ms[i] = (double)(clock_monotonic_us() - t) / 1000;
			f.order = REGISTRY_ORDER_REGISTERED;
			found = 0;
			t = clock_monotonic_us();
			if (registry_search_find(store, rk.index, n1[i][0] != '\0' ? n1[i] : "김순자",
			                         count_found, &found, &hits, &err) != REDRESS_OK &&
			    err.code != REDRESS_E_OVERFLOW)
				bench_die("search", &err);
			find_ms[i] = (double)(clock_monotonic_us() - t) / 1000;
			store_end_reads(store);
		}
		s = stage_end("reads (case, lists, search)", READS * 4, "reads");
		percentiles(get_ms, s->note, sizeof(s->note), "case file (person and heirs)");
		s = &stages[nstages++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "reads: list page");
		s->unit = "reads";
		percentiles(list_ms, s->note, sizeof(s->note),
		            "a page of 50 in the pages' order, at an offset");
		s = &stages[nstages++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "reads: list page, frailest first");
		s->unit = "reads";
		percentiles(frail_ms, s->note, sizeof(s->note), "a page of 50, frailest first, at an offset");
		s = &stages[nstages++];
		memset(s, 0, sizeof(*s));
		snprintf(s->name, sizeof(s->name), "reads: name search");
		s->unit = "reads";
		percentiles(find_ms, s->note, sizeof(s->note), "a whole name (every pair of it)");
	}

	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
	if ((out = fopen(argv[1], "w")) == NULL) {
		perror(argv[1]);
		return 1;
	}
#ifdef NDEBUG
	write_table(out, victims, relatives, file_bytes(db), "release");
#else
	write_table(out, victims, relatives, file_bytes(db), "debug");
#endif
	fclose(out);
	write_table(stdout, victims, relatives, file_bytes(db), "");
	if (getenv("BENCH_KEEP") != NULL) {
		printf("kept %s\n", dir);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
