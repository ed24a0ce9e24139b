/*
 * bench_payments.c -- paying N entitlements (default 10,000) through the
 * bank and back, timed step by step: one batch of N orders (a pending
 * transfer, an entitlement change and an order event each), its pain.001
 * export (every payee's sealed bank details opened), and the import of a
 * camt.054 settling all of them (a posted transfer, a paid entitlement and
 * a settled order each), then the same file again (nothing changes), and
 * audit verify over the whole log.  The baseline, in the same run, is
 * libxml2 alone parsing the same camt.054 file.
 *
 * Set-up (people, bank details, claims approved by two reviewers,
 * entitlements) is untimed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "baseline.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments.h"
#include "domain/programs/programs.h"
#include "log/audit.h"

static const struct event_module *const modules[] = {
    &ledger_module, &users_module,        &registry_module, &programs_module,
    &claims_module, &entitlements_module, &payments_module, NULL};

static void
check(enum redress_err rc, const char *what, const struct redress_error *err)
{
	if (rc != REDRESS_OK)
		bench_die(what, err);
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 10000, i;
	char dir[256], db[300], keys[300], path[600];
	struct actor carol, rita, rob, ada, fin;
	struct redress_error err;
	struct keydir *kd = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	struct registry_keys rk;
	struct program prog;
	struct payments_batch_run br;
	struct payments_import_run ir;
	struct audit_report *report;
	struct buf file, pain, camt;
	double batch_s, export_s, import_s, again_s, parse_s, audit_s;
	uint64_t start, events;
	xmlDocPtr doc;

	bench_name("bench_payments");
	if (n <= 0) {
		fprintf(stderr, "usage: bench_payments [PAYMENTS [DIR]]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/redress-bench-XXXXXX", argc > 2 ? argv[2] : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/payments.db", dir);
	snprintf(keys, sizeof(keys), "%s/payments.keys", dir);
	printf("bench_payments: %ld payments, in %s\n", n, dir);
	fflush(stdout);
	check(crypto_setup(&err), "crypto", &err);
	check(keydir_create(keys, &err), "keys", &err);
	check(keydir_open(keys, &kd, &err), "keys", &err);
	check(store_open(db, STORE_OPEN_CREATE, &store, &err), "store", &err);
	check(tlog_create(store, keydir_log_key(kd), "bench.example/payments", "bench", modules, &err), "log",
	      &err);
	check(tlog_open(store, keydir_log_key(kd), modules, &log, &err), "log", &err);
	rk.master = keydir_master_key(kd);
	rk.index = keydir_index_key(kd);

	/* ---- set-up, untimed ---- */
	snprintf(path, sizeof(path), "%s/flagship-2015.json", BENCH_EXAMPLES);
	buf_init(&file, PROGRAM_FILE_MAX);
	{
		FILE *f = fopen(path, "rb");
		char chunk[4096];
		size_t got;

		if (f == NULL) {
			perror(path);
			return 1;
		}
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			buf_append(&file, chunk, got);
		fclose(f);
	}
	check(program_parse(file.data, file.len, &prog, &err), "program", &err);
	buf_free(&file);
	/* The staff first, each an account of its own, outside the changes that follow. */
	bench_act(log, keydir_master_key(kd), &carol, "carol", ROLE_CASEWORKER);
	bench_act(log, keydir_master_key(kd), &rita, "rita", ROLE_REVIEWER);
	bench_act(log, keydir_master_key(kd), &rob, "rob", ROLE_REVIEWER);
	bench_act(log, keydir_master_key(kd), &fin, "fin", ROLE_FINANCE);
	bench_act(log, keydir_master_key(kd), &ada, "ada", ROLE_ADMIN);
	check(tlog_begin(log, &err), "begin", &err);
	check(program_add(log, &ada, &prog, &err), "program", &err);
	bench_act(log, keydir_master_key(kd), &fin, "fin", ROLE_FINANCE);
	{
		struct ledger_account_spec gift = {"gift", "KRW", LEDGER_INCOME, NULL, 0};
		struct ledger_transfer_request t = {"gift-1",           "gift", "bank:krw",
		                                    "9000000000000000", 0,      NULL};
		struct payments_debtor d = {.program = "flagship-2015",
		                            .name = "Synthetic Foundation",
		                            .iban = "DE89370400440532013000",
		                            .bic = "SHBKKRSE"};

		check(ledger_account_open(log, &gift, NULL, &err), "gift", &err);
		check(ledger_transfer_create(log, &t, NULL, NULL, &err), "gift", &err);
		check(payments_debtor_set(log, &fin, &d, &err), "debtor", &err);
	}
	check(tlog_commit(log, &err), "commit", &err);
	for (i = 0; i < n; i++) {
		struct registry_new_person np;
		struct payments_bank b;
		char who[REGISTRY_PSEUDONYM_MAX + 1], id[CLAIM_ID_MAX + 1];

		if (i % 500 == 0)
			check(tlog_begin(log, &err), "begin", &err);
		bench_act(log, keydir_master_key(kd), &carol, "carol", ROLE_CASEWORKER);
		memset(&np, 0, sizeof(np));
		np.kind = REGISTRY_VICTIM;
		snprintf(np.identity.name, sizeof(np.identity.name), "Synthetic Person %06ld", i);
		snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "19%02ld-0%ld-1%ld",
		         20 + i % 16, 1 + i % 9, i % 10);
		snprintf(np.language, sizeof(np.language), "ko");
		np.frailty = (int)(i % 4);
		check(registry_add(log, &carol, &rk, &np, who, &err), "person", &err);
		memset(&b, 0, sizeof(b));
		snprintf(b.account, sizeof(b.account), "SYN-%06ld", i);
		snprintf(b.iban, sizeof(b.iban), "GB82WEST12345698765432");
		snprintf(b.bic, sizeof(b.bic), "SHBKKRSE");
		snprintf(b.holder, sizeof(b.holder), "Synthetic Holder %06ld", i);
		check(payments_bank_set(log, &carol, &rk, who, &b, &err), "bank", &err);
		check(claim_open(log, &carol, "flagship-2015", who, NULL, id, &err), "claim", &err);
		check(claim_submit(log, &carol, id, &err), "claim", &err);
		bench_act(log, keydir_master_key(kd), &rita, "rita", ROLE_REVIEWER);
		check(claim_approve(log, &rita, &rk, id, NULL, &err), "approve", &err);
		bench_act(log, keydir_master_key(kd), &rob, "rob", ROLE_REVIEWER);
		check(claim_approve(log, &rob, &rk, id, NULL, &err), "approve", &err);
		if (i % 500 == 499 || i == n - 1)
			check(tlog_commit(log, &err), "commit", &err);
	}
	bench_act(log, keydir_master_key(kd), &fin, "fin", ROLE_FINANCE);
	{
		struct entitlements_run run;

		check(tlog_begin(log, &err), "begin", &err);
		check(entitlements_compute(log, &fin, "flagship-2015", &run, &err), "entitlements", &err);
		check(tlog_commit(log, &err), "commit", &err);
	}

	/* ---- timed ---- */
	start = clock_monotonic_us();
	check(tlog_begin(log, &err), "begin", &err);
	check(payments_batch(log, &fin, "flagship-2015", 0, &br, &err), "batch", &err);
	check(tlog_commit(log, &err), "commit", &err);
	batch_s = bench_seconds_since(start);
	if ((long)br.orders != n) {
		fprintf(stderr, "bench_payments: %llu orders, not %ld\n", (unsigned long long)br.orders, n);
		return 1;
	}
	buf_init(&pain, PAYMENTS_XML_MAX);
	start = clock_monotonic_us();
	check(tlog_begin(log, &err), "begin", &err);
	check(payments_export(log, &fin, &rk, br.id, "2026-11-27T10:00:00", &pain, &err), "export", &err);
	check(tlog_commit(log, &err), "commit", &err);
	export_s = bench_seconds_since(start);

	buf_init(&camt, PAYMENTS_XML_MAX);
	buf_printf(
	    &camt,
	    "<?xml version=\"1.0\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.054.001.08\">"
	    "<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>BENCH-1</MsgId></GrpHdr><Ntfctn>\n");
	check(payments_orders_each(store, br.id, bench_camt_entry, &camt, &err), "camt", &err);
	buf_printf(&camt, "</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>\n");
	check(buf_error(&camt, &err), "camt", &err);

	start = clock_monotonic_us();
	doc = xmlReadMemory(camt.data, (int)camt.len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	parse_s = bench_seconds_since(start);
	xmlFreeDoc(doc);

	start = clock_monotonic_us();
	check(tlog_begin(log, &err), "begin", &err);
	check(payments_import(log, &fin, "bench.xml", camt.data, camt.len, &ir, &err), "import", &err);
	check(tlog_commit(log, &err), "commit", &err);
	import_s = bench_seconds_since(start);
	if ((long)ir.settled != n) {
		fprintf(stderr, "bench_payments: %llu settled, not %ld\n", (unsigned long long)ir.settled, n);
		return 1;
	}
	start = clock_monotonic_us();
	check(tlog_begin(log, &err), "begin", &err);
	check(payments_import(log, &fin, "bench.xml", camt.data, camt.len, &ir, &err), "import", &err);
	check(tlog_commit(log, &err), "commit", &err);
	again_s = bench_seconds_since(start);

	if ((report = calloc(1, sizeof(*report))) == NULL)
		return 1;
	start = clock_monotonic_us();
	check(audit_verify(log, tlog_public_key(log), report, &err), "audit", &err);
	audit_s = bench_seconds_since(start);
	check(tlog_size(log, &events, &err), "size", &err);
	if (report->nfindings != 0) {
		fprintf(stderr, "bench_payments: audit found %u problems: %s\n", report->nfindings,
		        report->findings[0]);
		return 1;
	}

	printf("batch:  %ld orders in %.2f s = %.0f orders/s\n", n, batch_s, n / batch_s);
	printf("export: pain.001 of %ld payments, %zu bytes, in %.2f s = %.0f payments/s\n", n, pain.len,
	       export_s, n / export_s);
	printf("import: camt.054 settling %ld payments, %zu bytes, in %.2f s = %.0f payments/s"
	       " (libxml2 alone parses it in %.3f s)\n",
	       n, camt.len, import_s, n / import_s, parse_s);
	printf("import of the same file again: %.3f s, nothing changed\n", again_s);
	printf("audit verify: %llu events in %.2f s%s\n", (unsigned long long)events, audit_s,
	       report->replayed ? " (replayed)" : "");
	printf("peak memory: %ld MiB\n", bench_peak_mib());
	free(report);
	buf_free(&pain);
	buf_free(&camt);
	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
	return 0;
}
