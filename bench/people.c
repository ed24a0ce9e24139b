/*
 * people.c -- the synthetic people of the benchmarks.
 */
#include "people.h"

#include <stdio.h>
#include <stdlib.h>

uint64_t
bench_splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void
bench_person_make(uint64_t *seed, long i, struct bench_person *r)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	static const char *const regions[] = {"KR-11", "KR-26", "KR-27", "KR-28", "KR-29", "KR-30",
	                                      "KR-31", "KR-41", "KR-42", "KR-43", "KR-44", "KR-45",
	                                      "KR-46", "KR-47", "KR-48", "KR-49", "KR-50"};
	uint64_t x = bench_splitmix(seed);
	int year = 1920 + (int)(x % 16), month = 1 + (int)((x >> 8) % 12), dim, day,
	    lang = (int)((x >> 24) % 100);

	dim = mdays[month - 1] + (month == 2 && year % 4 == 0 ? 1 : 0); /* 1920-1935: no century */
	snprintf(r->name, sizeof(r->name), "Synthetic Person %06ld", i);
	day = 1 + (int)((x >> 16) % (uint64_t)dim);
	snprintf(r->birth_date, sizeof(r->birth_date), "%04d-%02d-%02d", year, month, day);
	/* Shaped like a Korean resident number, so not in file order: birth date, then a serial. */
	snprintf(r->national_id, sizeof(r->national_id), "SYN-%02d%02d%02d-%07ld", year % 100, month, day, i);
	snprintf(r->region, sizeof(r->region), "%s",
	         regions[(x >> 32) % (sizeof(regions) / sizeof(regions[0]))]);
	r->language = lang < 90 ? "ko" : lang < 97 ? "ja" : "en";
	r->frailty = (int)((x >> 40) % 4);
}

void
bench_people_csv(const char *path, long n)
{
	uint64_t seed = BENCH_PEOPLE_SEED;
	struct bench_person r;
	FILE *f = fopen(path, "w");
	long i;

	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs("kind,name,birth_date,national_id,region,language,frailty\n", f);
	for (i = 1; i <= n; i++) {
		bench_person_make(&seed, i, &r);
		fprintf(f, "victim,%s,%s,%s,%s,%s,%d\n", r.name, r.birth_date, r.national_id, r.region,
		        r.language, r.frailty);
	}
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}
