/*
 * bench_search.c -- finding a person by name at scale: PEOPLE synthetic
 * people, two in three with Korean names (a surname and two given
 * syllables drawn from common ones, so that parts repeat as they do in
 * life) and one in three with Latin ones (a given name and a surname
 * drawn from common ones, as bench/scale_people.c), registered in changes
 * of 1,000; then QUERIES searches through registry_search_find() (keyed
 * hashes of pairs, nothing decrypted), each timed: a random two-syllable
 * part of a Korean name, and a Latin whole name ("maria garcia"), whose
 * pairs of letters ("ar", "ia") many of the fund hold.  The median and the
 * 99th percentile of each kind are printed beside the goal (p99 under
 * 50 ms at 100,000 people), and beside a baseline measured in the same
 * run: one lookup of a pseudonym by its primary key (registry_get),
 * because these machines are shared and noisy; and beside each search's
 * CPU time (the thread's, CLOCK_THREAD_CPUTIME_ID), which the other
 * sessions' turns on the processors do not count.
 *
 * Usage: bench_search [PEOPLE [QUERIES [DIR]]]   (defaults 100000, 1000)
 * No real data: the names are drawn from syllable lists.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "core/clock.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"

static const struct event_module *const modules[] = {&users_module, &registry_module, NULL};

static const char *const surnames[] = {"김", "이", "박", "최", "정", "강",
                                       "조", "윤", "장", "임", "한", "오"};
static const char *const syllables[] = {"순", "자", "영", "옥", "정", "희", "미", "숙",
                                        "춘", "복", "말", "분", "금", "덕", "선", "남",
                                        "귀", "화", "례", "점", "연", "향", "월", "녀"};
/* Without accents, as a caller types them (the search folds case, not accents). */
static const char *const la_given[] = {"maria",  "rosa",  "ana",      "lucia", "carmen", "elena", "sofia",
                                       "isabel", "pilar", "remedios", "lola",  "teresa", "gloria"};
static const char *const la_family[] = {"gomez",   "rodriguez", "santos",   "cruz",    "reyes", "garcia",
                                        "mendoza", "flores",    "castillo", "navarro", "ortiz", "villanueva"};
#define NS  (sizeof(surnames) / sizeof(surnames[0]))
#define NG  (sizeof(syllables) / sizeof(syllables[0]))
#define NLG (sizeof(la_given) / sizeof(la_given[0]))
#define NLF (sizeof(la_family) / sizeof(la_family[0]))

static uint64_t rng = 88172645463325252ull;

static unsigned
draw(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static enum redress_err
count_one(void *ctx, const char *pseudonym, struct redress_error *err)
{
	(void)pseudonym;
	(void)err;
	(*(size_t *)ctx)++;
	return REDRESS_OK;
}

/* The CPU time this thread has used, in microseconds. */
static uint64_t
thread_cpu_us(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, queries = argc > 2 ? atol(argv[2]) : 1000, i;
	char dir[256], db[300], keys[300], cmd[600], pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_new_person p;
	struct registry_keys rk;
	struct registry_person person;
	struct redress_error err;
	struct actor carol = {"carol", ROLE_CASEWORKER, 0};
	struct keydir *kd = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	uint64_t *t, *tl, *tb, *cl, start, cpu;
	size_t found, total_found = 0, latin_found = 0;
	double add_s;

	bench_name("bench_search");
	if (n <= 0 || queries <= 0) {
		fprintf(stderr, "usage: bench_search [PEOPLE [QUERIES [DIR]]]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/redress-bench-XXXXXX", argc > 3 ? argv[3] : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/search.db", dir);
	snprintf(keys, sizeof(keys), "%s/search.keys", dir);
	if (crypto_setup(&err) != REDRESS_OK || keydir_create(keys, &err) != REDRESS_OK ||
	    keydir_open(keys, &kd, &err) != REDRESS_OK ||
	    store_open(db, STORE_OPEN_CREATE, &store, &err) != REDRESS_OK ||
	    tlog_create(store, keydir_log_key(kd), "bench.example/search", "bench", modules, &err) !=
	        REDRESS_OK ||
	    tlog_open(store, keydir_log_key(kd), modules, &log, &err) != REDRESS_OK ||
	    tlog_set_actor(log, "user:carol", &err) != REDRESS_OK)
		bench_die("setup", &err);
	rk.master = keydir_master_key(kd);
	rk.index = keydir_index_key(kd);

	printf("bench_search: %ld synthetic people, %ld name searches, in %s\n", n, queries, dir);
	fflush(stdout);
	start = clock_monotonic_us();
	for (i = 0; i < n; i++) {
		if (i % 1000 == 0 && tlog_begin(log, &err) != REDRESS_OK)
			bench_die("begin", &err);
		memset(&p, 0, sizeof(p));
		p.kind = REGISTRY_VICTIM;
		if (i % 3 == 2)
			snprintf(p.identity.name, sizeof(p.identity.name), "%s %s", la_given[draw(NLG)],
			         la_family[draw(NLF)]);
		else
			snprintf(p.identity.name, sizeof(p.identity.name), "%s%s%s", surnames[draw(NS)],
			         syllables[draw(NG)], syllables[draw(NG)]);
		snprintf(p.identity.birth_date, sizeof(p.identity.birth_date), "19%02u-0%u-1%u",
		         20 + draw(15), 1 + draw(9), draw(9));
		snprintf(p.identity.phone, sizeof(p.identity.phone), "010-%04u-%04ld", draw(10000),
		         i % 10000);
		memcpy(p.language, "ko", 3);
		if (registry_add(log, &carol, &rk, &p, pseudonym, &err) != REDRESS_OK)
			bench_die("registry_add", &err);
		if ((i % 1000 == 999 || i == n - 1) && tlog_commit(log, &err) != REDRESS_OK)
			bench_die("commit", &err);
	}
	add_s = bench_seconds_since(start);
	printf("register: %ld people in %.2f s = %.0f people/s (with their search tokens)\n", n, add_s,
	       (double)n / add_s);

	if ((t = calloc((size_t)queries, sizeof(*t))) == NULL ||
	    (tl = calloc((size_t)queries, sizeof(*tl))) == NULL ||
	    (tb = calloc((size_t)queries, sizeof(*tb))) == NULL ||
	    (cl = calloc((size_t)queries, sizeof(*cl))) == NULL) {
		fprintf(stderr, "bench_search: out of memory\n");
		return 1;
	}
	for (i = 0; i < queries; i++) {
		char query[64];
		size_t total = 0;

		/* A given name as a caller would give it: two syllables, in every surname. */
		snprintf(query, sizeof(query), "%s%s", syllables[draw(NG)], syllables[draw(NG)]);
		found = 0;
		start = clock_monotonic_us();
		if (registry_search_find(store, rk.index, query, count_one, &found, &total, &err) !=
		    REDRESS_OK)
			bench_die("search", &err);
		t[i] = clock_monotonic_us() - start;
		total_found += total;
		/* A Latin whole name, given name and surname. */
		snprintf(query, sizeof(query), "%s %s", la_given[draw(NLG)], la_family[draw(NLF)]);
		found = 0;
		cpu = thread_cpu_us();
		start = clock_monotonic_us();
		if (registry_search_find(store, rk.index, query, count_one, &found, &total, &err) !=
		    REDRESS_OK)
			bench_die("search", &err);
		tl[i] = clock_monotonic_us() - start;
		cl[i] = thread_cpu_us() - cpu;
		latin_found += total;
		snprintf(pseudonym, sizeof(pseudonym), "V-%06ld", 1 + (long)draw((unsigned)n));
		start = clock_monotonic_us();
		if (registry_get(store, pseudonym, &person, &err) != REDRESS_OK)
			bench_die("registry_get", &err);
		tb[i] = clock_monotonic_us() - start;
	}
	qsort(t, (size_t)queries, sizeof(*t), cmp_u64);
	qsort(tl, (size_t)queries, sizeof(*tl), cmp_u64);
	qsort(tb, (size_t)queries, sizeof(*tb), cmp_u64);
	qsort(cl, (size_t)queries, sizeof(*cl), cmp_u64);
	printf("name search, Korean part: median %.2f ms, p99 %.2f ms (goal p99 < 50 ms), %.1f persons found"
	       " on average\n",
	       (double)t[queries / 2] / 1000.0, (double)t[(size_t)((double)queries * 0.99)] / 1000.0,
	       (double)total_found / (double)queries);
	printf("name search, Latin whole name: median %.2f ms, p99 %.2f ms (goal p99 < 50 ms), %.1f persons"
	       " found on average\n",
	       (double)tl[queries / 2] / 1000.0, (double)tl[(size_t)((double)queries * 0.99)] / 1000.0,
	       (double)latin_found / (double)queries);
	printf("name search, Latin whole name, CPU time: median %.2f ms, p99 %.2f ms\n",
	       (double)cl[queries / 2] / 1000.0, (double)cl[(size_t)((double)queries * 0.99)] / 1000.0);
	printf("baseline, a pseudonym by its key: median %.3f ms, p99 %.3f ms\n",
	       (double)tb[queries / 2] / 1000.0, (double)tb[(size_t)((double)queries * 0.99)] / 1000.0);
	free(t);
	free(tl);
	free(tb);
	free(cl);
	tlog_close(&log);
	store_close(&store);
	keydir_close(&kd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (getenv("BENCH_KEEP") == NULL && system(cmd) != 0)
		fprintf(stderr, "bench_search: could not remove %s\n", dir);
	return 0;
}
