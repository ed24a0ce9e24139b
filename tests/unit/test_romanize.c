/*
 * test_romanize.c -- Hangul and kana in Latin letters (core/romanize.h):
 * the tables' forms, both orders, the usual surname spellings, and the
 * names that have no Latin form (kanji, mixed scripts).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/romanize.h"

/* 1 when form is among f's forms. */
static int
has(const struct romanize_forms *f, const char *form)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->form[i], form) == 0)
			return 1;
	return 0;
}

static void
test_hangul(void **state)
{
	struct romanize_forms f;

	(void)state;
	/* Revised Romanization, the usual surname, and each order. */
	romanize_name("김복동", &f);
	assert_int_equal(f.n, 4);
	assert_true(has(&f, "gimbokdong"));
	assert_true(has(&f, "bokdonggim"));
	assert_true(has(&f, "kimbokdong"));
	assert_true(has(&f, "bokdongkim"));
	/* A surname whose usual spelling is the rules': two forms, no repeat. */
	romanize_name("한순옥", &f);
	assert_int_equal(f.n, 2);
	assert_true(has(&f, "hansunok"));
	assert_true(has(&f, "sunokhan"));
	/* Written apart: the parts as they are, both orders. */
	romanize_name("이 옥선", &f);
	assert_true(has(&f, "iokseon"));
	assert_true(has(&f, "leeokseon"));
	assert_true(has(&f, "okseonlee"));
	/* A double initial, a compound vowel and a double final: 꿹 is kk + we + lg (k). */
	romanize_name("꿹꿹", &f);
	assert_true(has(&f, "kkwekkkwek"));
}

static void
test_kana(void **state)
{
	struct romanize_forms f;

	(void)state;
	romanize_name("たなか はなこ", &f);
	assert_int_equal(f.n, 2);
	assert_true(has(&f, "tanakahanako"));
	assert_true(has(&f, "hanakotanaka"));
	/* Katakana read as hiragana; small ya/yu/yo; a small tsu doubles; the long mark is dropped. */
	romanize_name("キョウコ", &f);
	assert_true(has(&f, "kyouko"));
	romanize_name("しょうこ", &f);
	assert_true(has(&f, "shouko"));
	romanize_name("じゅん", &f);
	assert_true(has(&f, "jun"));
	romanize_name("ちゃこ", &f);
	assert_true(has(&f, "chako"));
	romanize_name("いっぺい", &f);
	assert_true(has(&f, "ippei"));
	romanize_name("マッチ", &f);
	assert_true(has(&f, "matchi"));
	romanize_name("ユーコ", &f);
	assert_true(has(&f, "yuko"));
}

static void
test_no_latin_form(void **state)
{
	struct romanize_forms f;

	(void)state;
	romanize_name("田中花子", &f); /* kanji: a reading is the person's, not a table's */
	assert_int_equal(f.n, 0);
	romanize_name("김 Bokdong", &f); /* mixed scripts */
	assert_int_equal(f.n, 0);
	romanize_name("Kim Bok-dong", &f); /* Latin already */
	assert_int_equal(f.n, 0);
	romanize_name("", &f);
	assert_int_equal(f.n, 0);
	romanize_name("たなか\xff", &f); /* a byte no table reads */
	assert_int_equal(f.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hangul),
	    cmocka_unit_test(test_kana),
	    cmocka_unit_test(test_no_latin_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
