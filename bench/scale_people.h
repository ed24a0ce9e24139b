/*
 * scale_people.h -- the synthetic fund of `make bench-scale`: victims with
 * Korean, Japanese and Latin names (Hangul, kanji and kana, Latin letters
 * with accents), birth dates in 1920-1935, a national id shaped by
 * country, a telephone, and for one victim in ten an heir (a relative of
 * the same script, born 1950-1975).  Drawn from a fixed seed: the same
 * size gives the same file, byte for byte.  No real person's data: names
 * are common given names and surnames put together at random.
 */
#ifndef REDRESS_BENCH_SCALE_PEOPLE_H
#define REDRESS_BENCH_SCALE_PEOPLE_H

#include <stdint.h>

#define SCALE_PEOPLE_SEED 20151228 /* the date of the 2015 agreement */

struct scale_person {
	int relative; /* 0: a victim; 1: the heir of the victim before her */
	char name[96], birth_date[11], national_id[32], phone[24], region[8];
	const char *language; /* static: "ko", "ja", "en" */
	int frailty;
};

/*
 * Writes the import file of n victims and their heirs (n / 10 of them),
 * each heir on the line after her victim, as `redress person import`
 * reads it; *relatives_r gets the number of heirs.  Exits on failure.
 */
void scale_people_csv(const char *path, long n, long *relatives_r);

/* Victim i (from 1) and, when *heir_r is set, her heir; *seed advances (start at SCALE_PEOPLE_SEED). */
void scale_person_make(uint64_t *seed, long i, struct scale_person *victim, struct scale_person *heir,
                       int *heir_r);

#endif
