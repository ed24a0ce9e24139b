/*
 * scale_people.c -- the synthetic people of `make bench-scale` (scale_people.h).
 */
#include "scale_people.h"

#include "people.h"

#include <stdio.h>
#include <stdlib.h>

#define PICK(list, x) ((list)[(x) % (sizeof(list) / sizeof((list)[0]))])

static const char *const ko_family[] = {"김", "이", "박", "최", "정", "강", "조", "윤", "장", "임",
                                        "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"};
static const char *const ko_syllable[] = {"순", "자", "옥", "선", "영", "숙", "정", "희", "말", "분",
                                          "복", "덕", "금", "례", "춘", "화", "남", "수", "경", "애"};
static const char *const ja_family[] = {"山田", "田中", "佐藤", "鈴木", "高橋", "渡辺", "伊藤",
                                        "中村", "小林", "加藤", "吉田", "山本", "松本", "井上"};
static const char *const ja_given[] = {"ハナコ", "花子", "ヨシコ", "良子", "キヨ", "春子", "ミツ",
                                       "とみ",   "ふみ", "千代",   "ウメ", "静江", "タケ"};
static const char *const la_given[] = {"María",  "Rosa",  "Ana",      "Lucía", "Carmen", "Elena", "Sofía",
                                       "Isabel", "Pilar", "Remedios", "Lola",  "Teresa", "Gloria"};
static const char *const la_family[] = {"Gómez",   "Rodríguez", "Santos",   "Cruz",    "Reyes", "García",
                                        "Mendoza", "Flores",    "Castillo", "Navarro", "Ortiz", "Villanueva"};
static const char *const ko_regions[] = {"KR-11", "KR-26", "KR-27", "KR-28",
                                         "KR-41", "KR-43", "KR-47", "KR-48"};
static const char *const ja_regions[] = {"JP-13", "JP-27", "JP-40", "JP-47"};
static const char *const la_regions[] = {"CO-ANT", "CO-BOL", "CO-DC", "PH-00", "NL-NH"};

/* A name of the script of language, drawn from x. */
static void
make_name(char *out, size_t size, const char *language, uint64_t x)
{
	if (language[0] == 'k')
		snprintf(out, size, "%s%s%s", PICK(ko_family, x), PICK(ko_syllable, x >> 8),
		         PICK(ko_syllable, x >> 16));
	else if (language[0] == 'j')
		snprintf(out, size, "%s %s", PICK(ja_family, x), PICK(ja_given, x >> 8));
	else
		snprintf(out, size, "%s %s %s", PICK(la_given, x), PICK(la_family, x >> 8),
		         PICK(la_family, x >> 16));
}

/* Everything but the name and the kind, for person number i (victims and heirs share the numbering). */
static void
make_rest(struct scale_person *r, long i, uint64_t x, int year_from, int years)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int year = year_from + (int)(x % (uint64_t)years), month = 1 + (int)((x >> 8) % 12), day;

	day = 1 + (int)((x >> 16) % (uint64_t)mdays[month - 1]);
	snprintf(r->birth_date, sizeof(r->birth_date), "%04d-%02d-%02d", year, month, day);
	if (r->language[0] == 'k') {
		snprintf(r->national_id, sizeof(r->national_id), "%02d%02d%02d-%08ld", year % 100, month, day,
		         i);
		snprintf(r->phone, sizeof(r->phone), "+82 10-%04ld-%04ld", i / 10000 % 10000, i % 10000);
		snprintf(r->region, sizeof(r->region), "%s", PICK(ko_regions, x >> 32));
	} else if (r->language[0] == 'j') {
		snprintf(r->national_id, sizeof(r->national_id), "JP%010ld", i);
		snprintf(r->phone, sizeof(r->phone), "+81 90-%04ld-%04ld", i / 10000 % 10000, i % 10000);
		snprintf(r->region, sizeof(r->region), "%s", PICK(ja_regions, x >> 32));
	} else {
		snprintf(r->national_id, sizeof(r->national_id), "CC%010ld", i);
		snprintf(r->phone, sizeof(r->phone), "+57 310 %03ld %04ld", i / 10000 % 1000, i % 10000);
		snprintf(r->region, sizeof(r->region), "%s", PICK(la_regions, x >> 32));
	}
	r->frailty = (int)((x >> 40) % 4);
}

void
scale_person_make(uint64_t *seed, long i, struct scale_person *victim, struct scale_person *heir, int *heir_r)
{
	uint64_t x = bench_splitmix(seed), y = bench_splitmix(seed);
	int lang = (int)((x >> 48) % 100);

	/* Mostly Korean, as the first fund's survivors; Japanese and Latin names for the others. */
	victim->relative = 0;
	victim->language = lang < 70 ? "ko" : lang < 85 ? "ja" : "en";
	make_name(victim->name, sizeof(victim->name), victim->language, x);
	make_rest(victim, 2 * i, x, 1920, 16);
	*heir_r = i % 10 == 0;
	if (*heir_r) {
		heir->relative = 1;
		heir->language = victim->language;
		make_name(heir->name, sizeof(heir->name), heir->language, y);
		make_rest(heir, 2 * i + 1, y, 1950, 26);
	}
}

static void
write_row(FILE *f, const struct scale_person *r)
{
	fprintf(f, "%s,%s,%s,%s,%s,,%s,%s,%d\n", r->relative ? "relative" : "victim", r->name, r->birth_date,
	        r->national_id, r->phone, r->region, r->language, r->frailty);
}

void
scale_people_csv(const char *path, long n, long *relatives_r)
{
	uint64_t seed = SCALE_PEOPLE_SEED;
	struct scale_person v, h;
	FILE *f = fopen(path, "w");
	long i;
	int heir;

	*relatives_r = 0;
	if (f == NULL) {
		perror(path);
		exit(1);
	}
	fputs("kind,name,birth_date,national_id,phone,address,region,language,frailty\n", f);
	for (i = 1; i <= n; i++) {
		scale_person_make(&seed, i, &v, &h, &heir);
		write_row(f, &v);
		if (heir) {
			write_row(f, &h);
			(*relatives_r)++;
		}
	}
	if (fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}
