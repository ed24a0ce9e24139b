/*
 * test_program_rules.c -- the second program format: the three examples
 * parse to the rules they state and read back the same from their JSON;
 * every file in examples/ names its program and items in ko, ja and en;
 * malformed rules are refused naming the field; amounts in units are
 * exact with half-up rounding; combination and caps on random programs
 * agree with a brute-force reference; overflow is refused, never wrapped.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/mem.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"

static char *
read_example(const char *name, size_t *len_r)
{
	char path[4096];
	FILE *fp;
	char *text;
	long len;

	snprintf(path, sizeof(path), "%s/examples/%s", REDRESS_SRCDIR, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 0);
	rewind(fp);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	text[len] = '\0';
	fclose(fp);
	*len_r = (size_t)len;
	return text;
}

static void
parse_example(const char *name, struct program *p)
{
	struct redress_error err;
	size_t len;
	char *text = read_example(name, &len);

	if (program_parse(text, len, p, &err) != REDRESS_OK)
		fail_msg("%s: %s", name, err.message);
	free(text);
}

static void
test_examples(void **state)
{
	struct program *p = malloc(sizeof(*p));
	struct redress_error err;
	int64_t v;
	int harms[2];

	(void)state;
	assert_non_null(p);
	parse_example("colombia-1448.json", p);
	assert_int_equal(p->rules.nharms, 4);
	assert_int_equal(p->rules.nunits, 1);
	assert_string_equal(program_name(p, "ko"), "피해별 행정 배상 (콜롬비아식 예시)");
	assert_string_equal(program_name(p, "ja"), "被害別の行政補償（コロンビア型の例）");
	assert_string_equal(p->rules.harms[2].names.text[PROGRAM_LANG_JA], "性暴力");
	/* COP has two decimals: 566700 is 56,670,000 minor units, in force through 2012. */
	assert_int_equal(program_unit_value(p, 0, "2012-06-30", &v, &err), REDRESS_OK);
	assert_int_equal(v, 56670000);
	assert_int_equal(program_unit_value(p, 0, "2011-01-01", &v, &err), REDRESS_OK);
	assert_int_equal(v, 53560000);
	assert_int_equal(program_unit_value(p, 0, "2010-12-31", &v, &err), REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "unit 'smmlv' has no value on 2010-12-31"));
	/* Homicide (40) and displacement (17), 57 wages of 2012, capped per family at 40. */
	harms[0] = program_harm_find(p, "homicide");
	harms[1] = program_harm_find(p, "displacement");
	assert_int_equal(program_harms_amount(p, harms, 2, "2012-06-30", 0, &v, NULL, &err), REDRESS_OK);
	assert_int_equal(v, 40LL * 56670000);
	assert_int_equal(p->rules.npriority, 3);
	assert_int_equal(p->rules.priority[0], PROGRAM_PRIORITY_VULNERABILITY);
	assert_int_equal(p->rules.priority_vulnerability[0], REGISTRY_VULN_DISABILITY);
	assert_int_equal(p->rules.priority[1], PROGRAM_PRIORITY_FRAILTY);
	assert_int_equal(p->rules.priority[2], PROGRAM_PRIORITY_AGE);

	parse_example("pension.json", p);
	assert_int_equal(p->rules.form, PROGRAM_FORM_INSTALMENTS);
	assert_int_equal(p->rules.instalments.count, 120);
	assert_int_equal(p->rules.instalments.every_months, 1);
	assert_int_equal(p->rules.instalments.proof_every_months, 12);
	assert_int_equal(p->rules.instalments.proof_window_days, 60);
	assert_int_equal(p->rules.instalments.at_death, PROGRAM_AT_DEATH_STOP);
	assert_int_equal(p->rules.nexclusions, 1);
	assert_string_equal(p->rules.exclusions[0], "other-pension");
	assert_int_equal(p->survivor_amount, 51300);

	parse_example("awf-1995.json", p);
	assert_int_equal(p->rules.nservices, 3);
	assert_string_equal(p->rules.services[0].code, "medical");
	assert_int_equal(p->survivor_amount, 2000000);

	/* The flagship keeps the first format's rules (none), with its name in each language. */
	parse_example("flagship-2015.json", p);
	assert_int_equal(p->rules.nharms, 0);
	assert_int_equal(p->rules.form, PROGRAM_FORM_LUMP_SUM);
	assert_string_equal(program_name(p, "ko"), "화해·치유재단 (2015년 한일 합의)");
	assert_string_equal(program_name(p, "ja"), "和解・癒やし財団（2015年日韓合意）");
	assert_string_equal(program_name(p, "en"), p->name);
	free(p);
}

/* The next code point of UTF-8 text at *s (valid UTF-8: the parser checked it). */
static unsigned
next_code_point(const char **s)
{
	const unsigned char *u = (const unsigned char *)*s;
	unsigned c = u[0], n = c < 0x80 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : 3, i;

	c &= n == 0 ? 0x7f : 0x3f >> n;
	for (i = 1; i <= n; i++)
		c = (c << 6) | (u[i] & 0x3f);
	*s += n + 1;
	return c;
}

/* A name fit for its language: Hangul in Korean; kana or kanji and no Hangul in Japanese; ASCII in English.
 */
static void
assert_names(const char *file, const char *what, const struct program_names *n)
{
	int hangul = 0, japanese = 0, other = 0;
	const char *s;
	unsigned c;

	for (s = n->text[PROGRAM_LANG_KO]; *s != '\0';)
		hangul |= (c = next_code_point(&s)) >= 0xac00 && c <= 0xd7a3;
	if (!hangul)
		fail_msg("%s: %s has no Korean name ('%s')", file, what, n->text[PROGRAM_LANG_KO]);
	hangul = 0;
	for (s = n->text[PROGRAM_LANG_JA]; *s != '\0';) {
		c = next_code_point(&s);
		japanese |= (c >= 0x3040 && c <= 0x30ff) || (c >= 0x4e00 && c <= 0x9fff);
		hangul |= c >= 0xac00 && c <= 0xd7a3;
	}
	if (!japanese || hangul)
		fail_msg("%s: %s has no Japanese name ('%s')", file, what, n->text[PROGRAM_LANG_JA]);
	for (s = n->text[PROGRAM_LANG_EN]; *s != '\0'; s++)
		other |= (unsigned char)*s >= 0x80;
	if (n->text[PROGRAM_LANG_EN][0] == '\0' || other)
		fail_msg("%s: %s has no English name ('%s')", file, what, n->text[PROGRAM_LANG_EN]);
}

/* Every program file in examples/ names the program, its harms, units and services in ko, ja and en. */
static void
test_examples_named(void **state)
{
	struct program *p = malloc(sizeof(*p));
	char path[4096], what[64];
	struct dirent *e;
	size_t i, files = 0;
	DIR *dir;

	(void)state;
	assert_non_null(p);
	snprintf(path, sizeof(path), "%s/examples", REDRESS_SRCDIR);
	dir = opendir(path);
	assert_non_null(dir);
	while ((e = readdir(dir)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len < 5 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		files++;
		parse_example(e->d_name, p);
		assert_names(e->d_name, "the program", &p->rules.names);
		assert_string_equal(p->rules.names.text[PROGRAM_LANG_EN], p->name);
		for (i = 0; i < p->rules.nharms; i++) {
			snprintf(what, sizeof(what), "harm '%s'", p->rules.harms[i].code);
			assert_names(e->d_name, what, &p->rules.harms[i].names);
		}
		for (i = 0; i < p->rules.nunits; i++) {
			snprintf(what, sizeof(what), "unit '%s'", p->rules.units[i].code);
			assert_names(e->d_name, what, &p->rules.units[i].names);
		}
		for (i = 0; i < p->rules.nservices; i++) {
			snprintf(what, sizeof(what), "service '%s'", p->rules.services[i].code);
			assert_names(e->d_name, what, &p->rules.services[i].names);
		}
	}
	closedir(dir);
	assert_true(files >= 5);
	free(p);
}

/* The rules' JSON, put back into a file beside the first format's fields, parse to the same rules. */
static void
round_trip(const char *name)
{
	struct program *p = malloc(sizeof(*p)), *q = malloc(sizeof(*q));
	struct redress_error err;
	json_t *file, *rules;
	char *text;

	assert_non_null(p);
	assert_non_null(q);
	parse_example(name, p);
	file = program_json(p);
	assert_non_null(file);
	/* program_json adds readers' fields; the file's are kept. */
	json_object_del(file, "benefits_minor");
	json_object_del(file, "event");
	json_object_del(file, "version");
	if (p->rules.nharms > 0)
		json_object_del(file, "benefits");
	rules = program_rules_json(p);
	assert_non_null(rules);
	json_decref(rules);
	text = json_dumps(file, JSON_SORT_KEYS);
	json_decref(file);
	assert_non_null(text);
	if (program_parse(text, strlen(text), q, &err) != REDRESS_OK)
		fail_msg("%s again: %s", name, err.message);
	mem_json_free(text);
	assert_memory_equal(&p->rules, &q->rules, sizeof(p->rules));
	assert_int_equal(p->survivor_amount, q->survivor_amount);
	free(p);
	free(q);
}

static void
test_round_trip(void **state)
{
	(void)state;
	round_trip("colombia-1448.json");
	round_trip("pension.json");
	round_trip("awf-1995.json");
}

/* A KRW program with harms (rules given as the members after "approvals"). */
static enum redress_err
parse_rules(const char *rules, struct program *p, struct redress_error *err)
{
	char text[8192];

	snprintf(text, sizeof(text),
	         "{\"code\":\"t\",\"name\":\"T\",\"currency\":\"KRW\",\"cutoff\":\"2015-12-28\","
	         "\"accounts\":{\"fund\":\"bank:krw\",\"payable\":\"payable:t\",\"expense\":\"benefits:t\"},"
	         "\"approvals\":2%s%s}",
	         rules[0] != '\0' ? "," : "", rules);
	return program_parse(text, strlen(text), p, err);
}

static void
test_refuses_malformed_rules(void **state)
{
	static const struct {
		const char *rules, *message;
	} cases[] = {
	    {"", "field 'benefits' is missing"},
	    {"\"harms\":[]", "field 'harms' must be a list of harms, at least one"},
	    {"\"harms\":[{\"code\":\"a\",\"amount\":\"1\"}]", "field 'harms[0].names' is missing"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{},\"amount\":\"1\"}]",
	     "field 'harms[0].names' names nothing"},
	    {"\"harms\":[{\"code\":\"a b\",\"names\":{\"en\":\"A\"},\"amount\":\"1\"}]", "harms[0].code"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":\"1\"},"
	     "{\"code\":\"a\",\"names\":{\"en\":\"B\"},\"amount\":\"2\"}]",
	     "harm 'a' is declared twice (also harms[0])"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":\"1.5\"}]",
	     "field 'harms[0].amount'"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":7}]",
	     "field 'harms[0].amount' must be an amount in KRW"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":{\"unit\":\"w\",\"quantity\":"
	     "\"0\"}}],"
	     "\"units\":[{\"code\":\"w\",\"values\":[{\"from\":\"2000-01-01\",\"amount\":\"1\"}]}]",
	     "field 'harms[0].amount.quantity' is zero"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":{\"unit\":\"w\",\"quantity\":\"-"
	     "1\"}}],"
	     "\"units\":[{\"code\":\"w\",\"values\":[{\"from\":\"2000-01-01\",\"amount\":\"1\"}]}]",
	     "a quantity is decimal text"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":\"1\"}],"
	     "\"units\":[{\"code\":\"w\",\"values\":[{\"from\":\"2000-02-30\",\"amount\":\"1\"}]}]",
	     "field 'units[0].values[0].from' has day 30"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":\"1\"}],"
	     "\"units\":[{\"code\":\"w\",\"values\":[{\"from\":\"2000-01-01\",\"amount\":\"1\"}]}]",
	     "unit 'w' is counted in by no harm or cap"},
	    {"\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":\"1\"}],\"combine\":\"product\"",
	     "field 'combine' must be one of \"sum\", \"max\""},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"combine\":\"sum\"",
	     "field 'combine' without 'harms'"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"caps\":{\"household\":\"1\"}",
	     "unknown field 'caps.household'"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"priority\":[\"vulnerability:wealthy\"]",
	     "field 'priority[0]': vulnerability category 'wealthy' is not one of: disability, displaced"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},"
	     "\"priority\":[\"vulnerability:minority\",\"age\",\"vulnerability:minority\"]",
	     "field 'priority[2]': 'vulnerability:minority' is listed twice"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"priority\":[\"vulnerability\"]",
	     "field 'priority[0]' must be \"frailty\", \"age\" or \"vulnerability:CODE\""},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"priority\":[\"age\",\"frailty\","
	     "\"vulnerability:disability\",\"vulnerability:displaced\",\"vulnerability:sole-carer\","
	     "\"vulnerability:no-income\",\"vulnerability:minority\",\"vulnerability:disability\"]",
	     "at most 7"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"priority\":[\"age\",\"age\"]",
	     "field 'priority[1]': 'age' is listed twice"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"exclusions\":[{\"paid_by\":\"t\"}]",
	     "names the program itself"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"payment\":{\"form\":\"monthly\"}",
	     "field 'payment.form' must be one of \"lump_sum\", \"instalments\""},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"payment\":{\"form\":\"lump_sum\","
	     "\"count\":3}",
	     "unknown field 'payment.count'"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"payment\":{\"form\":\"instalments\","
	     "\"count\":12,\"every_months\":12,\"at_death\":\"stop\",\"proof_of_life\":{\"every_months\":6,"
	     "\"window_days\":30}}",
	     "is shorter than the time between two instalments"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"payment\":{\"form\":\"instalments\","
	     "\"count\":12,\"every_months\":1,\"at_death\":\"heirs\",\"proof_of_life\":{\"every_months\":12}"
	     "}",
	     "field 'payment.proof_of_life.window_days' must be a whole number of days"},
	    {"\"benefits\":{\"survivor\":\"0\",\"bereaved\":\"0\"},\"services\":[{\"code\":\"m\"}]",
	     "field 'services[0].names' is missing"},
	    {"\"benefits\":{\"survivor\":\"1\",\"bereaved\":\"0\"},\"names\":{\"ko\":\"\\u0007\"}",
	     "names.ko"},
	};
	struct program *p = malloc(sizeof(*p));
	struct redress_error err;
	size_t i;

	(void)state;
	assert_non_null(p);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (parse_rules(cases[i].rules, p, &err) == REDRESS_OK)
			fail_msg("case %zu (%s) was accepted", i, cases[i].rules);
		if (strstr(err.message, cases[i].message) == NULL)
			fail_msg("case %zu: '%s' does not say '%s'", i, err.message, cases[i].message);
	}
	/* Services alone are something to give: a program of services in kind only is valid. */
	assert_int_equal(parse_rules("\"benefits\":{\"survivor\":\"0\",\"bereaved\":\"0\"},"
	                             "\"services\":[{\"code\":\"m\",\"names\":{\"en\":\"medical\"}}]",
	                             p, &err),
	                 REDRESS_OK);
	free(p);
}

static void
test_rounding_half_up(void **state)
{
	struct program *p = malloc(sizeof(*p));
	struct redress_error err;
	struct program_amount a = {1, 0, 0, 0};
	int64_t v;

	(void)state;
	assert_non_null(p);
	assert_int_equal(
	    parse_rules(
	        "\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":{\"unit\":\"w\",\"quantity\":"
	        "\"1\"}}],"
	        "\"units\":[{\"code\":\"w\",\"values\":[{\"from\":\"2000-01-01\",\"amount\":\"3\"},"
	        "{\"from\":\"2001-01-01\",\"amount\":\"4999\"},{\"from\":\"2002-01-01\",\"amount\":\"5000\"},"
	        "{\"from\":\"2003-01-01\",\"amount\":\"9223372036854775807\"}]}]",
	        p, &err),
	    REDRESS_OK);
	a.num = 175000; /* 17.5 units of 3: 52.5, half up to 53 */
	assert_int_equal(program_amount_value(p, &a, "2000-06-01", &v, &err), REDRESS_OK);
	assert_int_equal(v, 53);
	a.num = 1; /* 0.0001 of 4999: 0.4999, down to 0 */
	assert_int_equal(program_amount_value(p, &a, "2001-06-01", &v, &err), REDRESS_OK);
	assert_int_equal(v, 0);
	a.num = 1; /* 0.0001 of 5000: 0.5, up to 1 */
	assert_int_equal(program_amount_value(p, &a, "2002-06-01", &v, &err), REDRESS_OK);
	assert_int_equal(v, 1);
	a.num = 20000; /* 2 units of the largest amount: refused, not wrapped */
	assert_int_equal(program_amount_value(p, &a, "2003-06-01", &v, &err), REDRESS_E_OVERFLOW);
	a.num = 10000;
	assert_int_equal(program_amount_value(p, &a, "2003-06-01", &v, &err), REDRESS_OK);
	assert_int_equal(v, INT64_MAX);
	free(p);
}

/* A small deterministic generator (xorshift), so a failure can be replayed from its seed. */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Brute force: quantity/10^4 x value by long division, half up; sum or max; caps from their room. */
static int64_t
reference_amount(const struct program *p, const struct program_amount *a, const char *date)
{
	int64_t value = 0, whole, rem;
	size_t i;
	const struct program_unit *u;

	if (a->unit < 0)
		return a->minor;
	u = &p->rules.units[a->unit];
	for (i = 0; i < u->nvalues; i++)
		if (strcmp(u->values[i].from, date) <= 0)
			value = u->values[i].minor;
	/* num * value fits: both are kept small by the generator. */
	whole = a->num * value / 10000;
	rem = a->num * value % 10000;
	return whole + (rem * 2 >= 10000 ? 1 : 0);
}

static void
test_random_against_reference(void **state)
{
	static const char *const dates[] = {"2000-01-01", "2004-07-15", "2010-12-31", "2020-02-29"};
	struct program *p = malloc(sizeof(*p));
	struct redress_error err;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int round, harms[PROGRAM_HARMS_MAX];

	(void)state;
	assert_non_null(p);
	for (round = 0; round < 2000; round++) {
		size_t nharms, n, i, k;
		int64_t got, uncapped, want, total = 0, family_before, room;
		const char *date = dates[next(&seed) % 4];

		memset(p, 0, sizeof(*p));
		snprintf(p->code, sizeof(p->code), "r%d", round);
		memcpy(p->currency, "KRW", 4);
		p->rules.nunits = 1 + next(&seed) % 2;
		for (i = 0; i < p->rules.nunits; i++) {
			struct program_unit *u = &p->rules.units[i];

			snprintf(u->code, sizeof(u->code), "u%zu", i);
			u->nvalues = 1 + next(&seed) % 3;
			for (k = 0; k < u->nvalues; k++) {
				snprintf(u->values[k].from, sizeof(u->values[k].from), "%04zu-01-01",
				         1990 + 8 * k);
				u->values[k].minor = 1 + (int64_t)(next(&seed) % 2000000);
			}
		}
		nharms = 1 + next(&seed) % 5;
		p->rules.nharms = nharms;
		for (i = 0; i < nharms; i++) {
			struct program_amount *a = &p->rules.harms[i].amount;

			snprintf(p->rules.harms[i].code, sizeof(p->rules.harms[i].code), "h%zu", i);
			a->set = 1;
			if (next(&seed) % 3 == 0) {
				a->unit = -1;
				a->minor = (int64_t)(next(&seed) % 100000000);
			} else {
				a->unit = (int)(next(&seed) % p->rules.nunits);
				a->num = 1 + (int64_t)(next(&seed) % 600000); /* up to 60 units, 4 decimals */
			}
		}
		p->rules.combine = next(&seed) % 2 ? PROGRAM_COMBINE_SUM : PROGRAM_COMBINE_MAX;
		if (next(&seed) % 2) {
			p->rules.cap_family.set = 1;
			p->rules.cap_family.unit = (int)(next(&seed) % p->rules.nunits);
			p->rules.cap_family.num = 1 + (int64_t)(next(&seed) % 800000);
		}
		n = 1 + next(&seed) % nharms;
		for (i = 0; i < n; i++)
			harms[i] = (int)(next(&seed) % nharms);
		family_before = (int64_t)(next(&seed) % 50000000);

		for (i = 0; i < n; i++) {
			int64_t one = reference_amount(p, &p->rules.harms[harms[i]].amount, date);

			if (p->rules.combine == PROGRAM_COMBINE_MAX)
				total = one > total ? one : total;
			else
				total += one;
		}
		want = total;
		if (p->rules.cap_family.set) {
			room = reference_amount(p, &p->rules.cap_family, date) - family_before;
			if (room < 0)
				room = 0;
			want = total < room ? total : room;
		}
		assert_int_equal(
		    program_harms_amount(p, harms, n, date, family_before, &got, &uncapped, &err),
		    REDRESS_OK);
		if (got != want || uncapped != total)
			fail_msg("seed round %d: got %lld (uncapped %lld), want %lld (uncapped %lld)", round,
			         (long long)got, (long long)uncapped, (long long)want, (long long)total);
		/* The cap per person: never more than the room it leaves, never negative. */
		{
			int64_t amount = got, before = (int64_t)(next(&seed) % 30000000);

			p->rules.cap_person = p->rules.cap_family;
			assert_int_equal(program_person_cap(p, date, before, &amount, &err), REDRESS_OK);
			if (p->rules.cap_person.set) {
				room = reference_amount(p, &p->rules.cap_person, date) - before;
				assert_int_equal(amount,
				                 got < (room < 0 ? 0 : room) ? got : (room < 0 ? 0 : room));
			} else {
				assert_int_equal(amount, got);
			}
		}
	}
	free(p);
}

/* Sums that overflow are refused. */
static void
test_sum_overflow(void **state)
{
	struct program *p = malloc(sizeof(*p));
	struct redress_error err;
	int harms[2] = {0, 1};
	int64_t v;

	(void)state;
	assert_non_null(p);
	assert_int_equal(
	    parse_rules(
	        "\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":\"9223372036854775807\"},"
	        "{\"code\":\"b\",\"names\":{\"en\":\"B\"},\"amount\":\"1\"}]",
	        p, &err),
	    REDRESS_OK);
	assert_int_equal(program_harms_amount(p, harms, 2, "2020-01-01", 0, &v, NULL, &err),
	                 REDRESS_E_OVERFLOW);
	p->rules.combine = PROGRAM_COMBINE_MAX;
	assert_int_equal(program_harms_amount(p, harms, 2, "2020-01-01", 0, &v, NULL, &err), REDRESS_OK);
	assert_int_equal(v, INT64_MAX);
	free(p);
}

/* Several errors in one file: every one found in one pass, each naming its field, in the file's order. */
static void
test_every_error_in_one_pass(void **state)
{
	static const char text[] =
	    "{\"code\":\"t\",\"name\":\"T\",\"currency\":\"KRW\",\"cutoff\":\"2015-02-30\","
	    "\"accounts\":{\"fund\":\"bank:krw\",\"payable\":7,\"expense\":\"benefits:t\"},\"approvals\":1,"
	    "\"units\":[{\"code\":\"w\",\"values\":[{\"from\":\"2000-01-01\",\"amount\":\"0\"}]}],"
	    "\"harms\":[{\"code\":\"a b\",\"names\":{\"en\":\"A\"},\"amount\":\"1\"},"
	    "{\"code\":\"ok\",\"names\":{\"en\":\"OK\"},\"amount\":{\"unit\":\"w\",\"quantity\":\"2\"}},"
	    "{\"code\":\"c\",\"names\":{\"fr\":\"C\"},\"amount\":\"1.5\"}],"
	    "\"priority\":[\"age\",\"wealth\",\"vulnerability:minority\"],"
	    "\"exclusions\":[{\"paid_by\":\"t\"}],\"services\":[{\"code\":\"m\"}]}";
	static const char *const expect[] = {
	    "field 'cutoff'",
	    "field 'accounts.payable' must be a string",
	    "field 'units[0].values[0].amount' is zero",
	    "field 'harms[0].code'",
	    "unknown field 'harms[2].names.fr'",
	    "field 'harms[2].amount'",
	    "field 'priority[1]' must be",
	    "field 'exclusions[0].paid_by' names the program itself",
	    "field 'services[0].names' is missing",
	    "field 'approvals' is 1",
	};
	struct program_errors *errs = calloc(1, sizeof(*errs));
	struct redress_error err;
	struct program p;
	size_t i;

	(void)state;
	assert_non_null(errs);
	assert_int_equal(program_parse_all(text, strlen(text), &p, errs, &err), REDRESS_E_INVALID);
	for (i = 0; i < errs->n; i++)
		print_message("  %zu: %s\n", i, errs->message[i]);
	assert_int_equal(errs->n, sizeof(expect) / sizeof(expect[0]));
	assert_int_equal(errs->more, 0);
	for (i = 0; i < errs->n; i++)
		if (strstr(errs->message[i], expect[i]) == NULL)
			fail_msg("error %zu is '%s', not '%s'", i, errs->message[i], expect[i]);
	assert_non_null(strstr(err.message, expect[0]));
	/* program_parse: the first, and how many more. */
	assert_int_equal(program_parse(text, strlen(text), &p, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "(and 9 more errors)"));
	/* One error is one, without "more"; a syntax error is one. */
	assert_int_equal(program_parse_all("{\"code\": }", 11, &p, errs, &err), REDRESS_E_INVALID);
	assert_int_equal(errs->n, 1);
	assert_non_null(strstr(errs->message[0], "1:"));
	assert_int_equal(
	    parse_rules("\"harms\":[{\"code\":\"a\",\"names\":{\"en\":\"A\"},\"amount\":\"x\"}]", &p, &err),
	    REDRESS_E_INVALID);
	assert_null(strstr(err.message, "more errors"));
	free(errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),         cmocka_unit_test(test_examples_named),
	    cmocka_unit_test(test_round_trip),       cmocka_unit_test(test_refuses_malformed_rules),
	    cmocka_unit_test(test_rounding_half_up), cmocka_unit_test(test_random_against_reference),
	    cmocka_unit_test(test_sum_overflow),     cmocka_unit_test(test_every_error_in_one_pass),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
