/*
 * people.h -- the synthetic people the benchmarks register: "Synthetic
 * Person 000123", a birth date drawn in 1920-1935, a national id
 * "SYN-270412-0000123" (birth date, serial); no real data.  The same seed
 * gives the same rows, so every benchmark and its baseline see the same
 * people.
 */
#ifndef REDRESS_BENCH_PEOPLE_H
#define REDRESS_BENCH_PEOPLE_H

#include <stdint.h>

#define BENCH_PEOPLE_SEED 2015

struct bench_person {
	char name[40], birth_date[11], national_id[24], region[8];
	const char *language; /* static */
	int frailty;
};

/* The next of splitmix64's numbers from *s (which it advances). */
uint64_t bench_splitmix(uint64_t *s);

/* Row i (from 1) of the file; *seed advances (start it at BENCH_PEOPLE_SEED). */
void bench_person_make(uint64_t *seed, long i, struct bench_person *r);

/*
 * Writes n victims as the CSV file `redress person import` reads
 * (kind,name,birth_date,national_id,region,language,frailty); exits on
 * failure.
 */
void bench_people_csv(const char *path, long n);

#endif
