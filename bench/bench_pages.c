/*
 * bench_pages.c -- `make bench`: the web pages' render time, server side,
 * with many people in the database.  PEOPLE synthetic victims are
 * registered (one change), each with a claim opened under the flagship
 * program and one in a hundred submitted for review; then the case file of
 * random people and the review queue are rendered through their page
 * handlers, as the server calls them, on one read connection, and the
 * median and 99th percentile are printed beside the goal (5 ms).  The
 * baseline beside them is the least any case file costs: reading the same
 * person's row with registry_get.
 *
 * Usage: bench_pages [PEOPLE [RENDERS]]   (defaults 100000, 2000)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements.h"
#include "domain/fund/fund.h"
#include "domain/idempotency/idempotency.h"
#include "domain/ledger/ledger.h"
#include "domain/offices/offices.h"
#include "domain/payments/payments.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "domain/reports/reports.h"
#include "domain/sessions/sessions.h"
#include "domain/users/users.h"
#include "http/page.h"

#ifndef BENCH_EXAMPLES
#define BENCH_EXAMPLES "examples"
#endif

/* Every module, as a fund the server serves has them (the pages read offices, duplicates, casework). */
static const struct event_module *const modules[] = {
    &ledger_module,   &users_module,        &registry_module, &programs_module,
    &claims_module,   &entitlements_module, &payments_module, &pledges_module,
    &reports_module,  &idempotency_module,  &fund_module,     &casework_module,
    &sessions_module, &dups_module,         &offices_module,  NULL};

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
actor_set(struct tlog *log, struct actor *a, const char *name, enum role role)
{
	char text[USER_NAME_MAX + 8];
	struct redress_error err;

	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	a->role = role;
	snprintf(text, sizeof(text), "user:%s", name);
	if (tlog_set_actor(log, text, &err) != REDRESS_OK)
		bench_die("actor", &err);
}

/* Renders one page through handler as a signed-in caseworker would ask for it; returns microseconds. */
static uint64_t
render(http_handler handler, struct store *store, const struct actor *actor, const char *param_name,
       const char *param, size_t *bytes_r)
{
	struct http_request *req = calloc(1, sizeof(*req));
	struct redress_error err;
	uint64_t start, took;

	if (req == NULL)
		exit(1);
	req->store = store; /* http_store() hands out the request's own connection */
	req->method = HTTP_GET;
	req->auth = HTTP_AUTH_COOKIE;
	req->actor = *actor;
	snprintf(req->csrf, sizeof(req->csrf), "bench-csrf-token");
	if (param != NULL) {
		req->params.n = 1;
		req->params.names[0] = param_name;
		req->params.name_lens[0] = strlen(param_name);
		snprintf(req->params.values[0], sizeof(req->params.values[0]), "%s", param);
	}
	buf_init(&req->res.body, PAGE_MAX);
	start = clock_monotonic_us();
	/* As the server does for a GET (http_store): one snapshot for the page. */
	if (getenv("BENCH_NO_SNAPSHOT") == NULL && store_begin_read(store, &err) != REDRESS_OK)
		exit(1);
	handler(req, &req->res);
	if (store_in_transaction(store))
		store_rollback(store);
	took = clock_monotonic_us() - start;
	if (req->res.status != 200) {
		fprintf(stderr, "bench_pages: status %u for %s: %.900s\n", req->res.status,
		        param != NULL ? param : "",
		        req->res.body.data != NULL ? strstr(req->res.body.data, "<main") : "");
		exit(1);
	}
	*bytes_r = req->res.body.len;
	store_end_reads(store);
	buf_free(&req->res.body);
	free(req);
	return took;
}

static void
report(const char *what, uint64_t *us, long n, size_t bytes, double baseline_us)
{
	qsort(us, (size_t)n, sizeof(*us), cmp_u64);
	printf(
	    "%s: %ld renders, median %.3f ms, p99 %.3f ms, %zu bytes; baseline (registry_get alone) %.3f ms;"
	    " goal p99 < 5 ms: %s\n",
	    what, n, us[n / 2] / 1000.0, us[(n * 99) / 100] / 1000.0, bytes, baseline_us / 1000.0,
	    us[(n * 99) / 100] < 5000 ? "met" : "MISSED");
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, renders = argc > 2 ? atol(argv[2]) : 2000, i;
	char dir[256], db[300], keys[300], pseudonym[REGISTRY_PSEUDONYM_MAX + 1], id[CLAIM_ID_MAX + 1];
	char **pseudonyms;
	struct actor carol, ada;
	struct registry_new_person person;
	struct registry_person got;
	struct redress_error err;
	struct keydir *kd = NULL;
	struct store *store = NULL, *reader = NULL;
	struct tlog *log = NULL;
	struct registry_keys rk;
	struct program prog;
	uint64_t *us, start, seed = 42;
	size_t bytes = 0, len;
	double base;
	FILE *f;
	char *text;

	bench_name("bench_pages");
	i18n_init(NULL); /* the pages in Korean, as the staff read them */
	if (n <= 0 || renders <= 0) {
		fprintf(stderr, "usage: bench_pages [PEOPLE [RENDERS]]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "/tmp/redress-bench-pages-XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/pages.db", dir);
	snprintf(keys, sizeof(keys), "%s/pages.keys", dir);
	printf("bench_pages: %ld synthetic people, a claim each, in %s\n", n, dir);
	fflush(stdout);
	if (crypto_setup(&err) != REDRESS_OK || keydir_create(keys, &err) != REDRESS_OK ||
	    keydir_open(keys, &kd, &err) != REDRESS_OK ||
	    store_open(db, STORE_OPEN_CREATE, &store, &err) != REDRESS_OK ||
	    tlog_create(store, keydir_log_key(kd), "bench.example/pages", "bench", modules, &err) !=
	        REDRESS_OK ||
	    tlog_open(store, keydir_log_key(kd), modules, &log, &err) != REDRESS_OK)
		bench_die("setup", &err);
	rk.master = keydir_master_key(kd);
	rk.index = keydir_index_key(kd);

	/* The program, as examples/flagship-2015.json has it. */
	if ((f = fopen(BENCH_EXAMPLES "/flagship-2015.json", "rb")) == NULL) {
		perror(BENCH_EXAMPLES "/flagship-2015.json");
		return 1;
	}
	text = malloc(PROGRAM_FILE_MAX);
	len = fread(text, 1, PROGRAM_FILE_MAX, f);
	fclose(f);
	actor_set(log, &ada, "ada", ROLE_ADMIN);
	if (program_parse(text, len, &prog, &err) != REDRESS_OK || tlog_begin(log, &err) != REDRESS_OK ||
	    program_add(log, &ada, &prog, &err) != REDRESS_OK || tlog_commit(log, &err) != REDRESS_OK)
		bench_die("program", &err);
	free(text);

	/* The people and their claims, in one change each. */
	pseudonyms = calloc((size_t)n, sizeof(*pseudonyms));
	actor_set(log, &carol, "carol", ROLE_CASEWORKER);
	start = clock_monotonic_us();
	if (tlog_begin(log, &err) != REDRESS_OK)
		bench_die("begin", &err);
	for (i = 0; i < n; i++) {
		memset(&person, 0, sizeof(person));
		person.kind = REGISTRY_VICTIM;
		snprintf(person.identity.name, sizeof(person.identity.name), "Synthetic Person %06ld", i);
		snprintf(person.identity.birth_date, sizeof(person.identity.birth_date),
		         "19%02ld-%02ld-%02ld", 20 + i % 16, 1 + i % 12, 1 + i % 28);
		snprintf(person.language, sizeof(person.language), "ko");
		person.frailty = (int)(i % 4);
		if (registry_add(log, &carol, &rk, &person, pseudonym, &err) != REDRESS_OK ||
		    claim_open(log, &carol, prog.code, pseudonym, NULL, id, &err) != REDRESS_OK ||
		    (i % 100 == 0 && claim_submit(log, &carol, id, &err) != REDRESS_OK))
			bench_die("register", &err);
		pseudonyms[i] = strdup(pseudonym);
	}
	if (tlog_commit(log, &err) != REDRESS_OK)
		bench_die("commit", &err);
	printf("set-up: %ld people and claims in %.2f s\n", n, bench_seconds_since(start));
	fflush(stdout);

	if (store_reopen(store, STORE_OPEN_EXISTING, &reader, &err) != REDRESS_OK)
		bench_die("reader", &err);
	us = calloc((size_t)renders, sizeof(*us));

	/* Baseline: the person's row alone. */
	start = clock_monotonic_us();
	for (i = 0; i < renders; i++) {
		seed = seed * 6364136223846793005ull + 1;
		if (registry_get(reader, pseudonyms[(seed >> 33) % (uint64_t)n], &got, &err) != REDRESS_OK)
			bench_die("registry_get", &err);
	}
	base = (double)(clock_monotonic_us() - start) / (double)renders;
	store_end_reads(reader);

	for (i = 0; i < renders; i++) {
		seed = seed * 6364136223846793005ull + 1;
		us[i] = render(page_persons_show, reader, &carol, "pseudonym",
		               pseudonyms[(seed >> 33) % (uint64_t)n], &bytes);
	}
	report("case file", us, renders, bytes, base);
	actor_set(log, &ada, "rita", ROLE_REVIEWER);
	for (i = 0; i < renders; i++)
		us[i] = render(page_claims_list, reader, &ada, NULL, NULL, &bytes);
	report("review queue", us, renders, bytes, base);

	for (i = 0; i < n; i++)
		free(pseudonyms[i]);
	free(pseudonyms);
	free(us);
	store_close(&reader);
	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
	if (getenv("BENCH_KEEP") == NULL) {
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench_pages: could not remove %s\n", dir);
	}
	return 0;
}
