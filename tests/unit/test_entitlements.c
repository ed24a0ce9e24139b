/*
 * test_entitlements.c -- sharing an amount among heirs by exact fractions:
 * nothing lost or created, the documented remainder rule, and refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/entitlements/entitlements.h"
#include "support.h"

/* Exact products of amounts and shares need more than 64 bits. */
__extension__ typedef __int128 wide;

static int64_t
sum(const int64_t *parts, size_t n)
{
	int64_t s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += parts[i];
	return s;
}

static void
test_split_even(void **state)
{
	const int64_t num[] = {1, 1}, den[] = {2, 2};
	struct redress_error err;
	int64_t parts[2];

	(void)state;
	assert_int_equal(entitlements_split(20000000, num, den, 2, parts, &err), REDRESS_OK);
	assert_int_equal(parts[0], 10000000);
	assert_int_equal(parts[1], 10000000);
}

static void
test_split_thirds_remainder(void **state)
{
	/* 100 in thirds: 33 each and one unit left, to the first on a tie. */
	const int64_t num[] = {1, 1, 1}, den[] = {3, 3, 3};
	struct redress_error err;
	int64_t parts[3];

	(void)state;
	assert_int_equal(entitlements_split(100, num, den, 3, parts, &err), REDRESS_OK);
	assert_int_equal(parts[0], 34);
	assert_int_equal(parts[1], 33);
	assert_int_equal(parts[2], 33);
}

static void
test_split_largest_remainder_wins(void **state)
{
	/* 10 by 1/6, 1/3, 1/2: 1.666.., 3.333.., 5 -> 1, 3, 5 and one unit to the 2/3 remainder. */
	const int64_t num[] = {1, 1, 1}, den[] = {6, 3, 2};
	struct redress_error err;
	int64_t parts[3];

	(void)state;
	assert_int_equal(entitlements_split(10, num, den, 3, parts, &err), REDRESS_OK);
	assert_int_equal(parts[0], 2);
	assert_int_equal(parts[1], 3);
	assert_int_equal(parts[2], 5);
}

static void
test_split_refusals(void **state)
{
	const int64_t num3[] = {1, 1}, den3[] = {2, 4}; /* 3/4 */
	const int64_t num5[] = {3, 1}, den5[] = {4, 2}; /* 5/4 */
	const int64_t bad_num[] = {0}, bad_den[] = {1};
	const int64_t over_num[] = {3}, over_den[] = {2};
	struct redress_error err;
	int64_t parts[2];

	(void)state;
	assert_int_equal(entitlements_split(100, num3, den3, 2, parts, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "3/4, not 1"));
	assert_int_equal(entitlements_split(100, num5, den5, 2, parts, &err), REDRESS_E_INVALID);
	assert_int_equal(entitlements_split(100, bad_num, bad_den, 1, parts, &err), REDRESS_E_INVALID);
	assert_int_equal(entitlements_split(100, over_num, over_den, 1, parts, &err), REDRESS_E_INVALID);
	assert_int_equal(entitlements_split(100, num3, den3, 0, parts, &err), REDRESS_E_INVALID);
}

static void
test_split_random_conserves(void **state)
{
	struct redress_error err;
	uint64_t seed = 2015;
	int round;

	(void)state;
	for (round = 0; round < 20000; round++) {
		int64_t num[8], den[8], parts[8], left, amount;
		size_t n = 1 + (size_t)(support_random(&seed) % 8), i;
		int64_t d = 1 + (int64_t)(support_random(&seed) % 1000);

		/* n shares of a common denominator d that add up to exactly d/d. */
		if ((int64_t)n > d)
			d = (int64_t)n;
		left = d;
		for (i = 0; i + 1 < n; i++) {
			int64_t most = left - (int64_t)(n - 1 - i);

			num[i] = 1 + (int64_t)(support_random(&seed) % (uint64_t)most);
			den[i] = d;
			left -= num[i];
		}
		num[n - 1] = left;
		den[n - 1] = d;
		/* Any non-negative int64, small ones often. */
		amount = (int64_t)((support_random(&seed) >> 1) >> (support_random(&seed) % 63));
		assert_int_equal(entitlements_split(amount, num, den, n, parts, &err), REDRESS_OK);
		assert_int_equal(sum(parts, n), amount);
		for (i = 0; i < n; i++) {
			/* Each part is its exact share, rounded down or up by less than one unit. */
			wide exact = (wide)amount * num[i];

			assert_true((wide)parts[i] * den[i] <= exact + den[i]);
			assert_true((wide)parts[i] * den[i] >= exact - den[i]);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_split_even),
	    cmocka_unit_test(test_split_thirds_remainder),
	    cmocka_unit_test(test_split_largest_remainder_wins),
	    cmocka_unit_test(test_split_refusals),
	    cmocka_unit_test(test_split_random_conserves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
