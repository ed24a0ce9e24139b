/*
 * report_suppress.c -- primary and complementary suppression of small
 * counts, checked by bound propagation: see report_suppress.h.
 */
#include "domain/reports/report_suppress.h"

#include <stdlib.h>

#define BIG        ((int64_t)1 << 40) /* "unknown" as a count: more than any fund has people */
#define MAX_ROUNDS 200                /* propagation rounds; tables are small and converge fast */

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

void
report_bounds(const struct report_cell *cells, size_t ncells, const struct report_group *groups,
              size_t ngroups, int k, int64_t big, int64_t *lo, int64_t *hi)
{
	size_t i, g, m, round;
	int changed = 1;

	for (i = 0; i < ncells; i++) {
		const struct report_cell *c = &cells[i];

		if (c->mark == REPORT_FEWER) {
			lo[i] = 1;
			hi[i] = k - 1;
		} else if (c->mark == REPORT_WITHHELD) {
			lo[i] = k;
			hi[i] = big;
		} else if (c->hidden || c->mark == REPORT_DROPPED) {
			lo[i] = 0;
			hi[i] = big;
		} else {
			lo[i] = hi[i] = c->value;
		}
	}
	for (round = 0; changed && round < MAX_ROUNDS; round++) {
		changed = 0;
		for (g = 0; g < ngroups; g++) {
			const struct report_group *gr = &groups[g];
			int64_t sum_lo = 0, sum_hi = 0, nlo, nhi;
			size_t t = gr->total;

			for (m = 0; m < gr->n; m++) {
				sum_lo = min64(sum_lo + lo[gr->members[m]], big * 4);
				sum_hi = min64(sum_hi + hi[gr->members[m]], big * 4);
			}
			/* The total is the sum of its members. */
			nlo = max64(lo[t], sum_lo);
			nhi = min64(hi[t], sum_hi);
			if (nlo != lo[t] || nhi != hi[t]) {
				lo[t] = nlo;
				hi[t] = nhi;
				changed = 1;
			}
			/* Each member is the total less the others. */
			for (m = 0; m < gr->n; m++) {
				size_t c = gr->members[m];
				int64_t others_lo = sum_lo - lo[c], others_hi = sum_hi - hi[c];

				nlo = max64(lo[c], lo[t] - others_hi);
				nhi = min64(hi[c], hi[t] - others_lo);
				if (nlo != lo[c] || nhi != hi[c]) {
					sum_lo += nlo - lo[c];
					sum_hi += nhi - hi[c];
					lo[c] = nlo;
					hi[c] = nhi;
					changed = 1;
				}
			}
		}
		for (i = 0; i < ncells; i++) {
			long j = cells[i].le;

			if (j < 0)
				continue;
			if (hi[j] < hi[i]) {
				hi[i] = hi[j];
				changed = 1;
			}
			if (lo[i] > lo[j]) {
				lo[j] = lo[i];
				changed = 1;
			}
		}
	}
}

/* Sensitive cells (1..k-1, published or hidden) that the published cells pin to one value. */
static size_t
pinned(const struct report_cell *cells, size_t ncells, const struct report_group *groups, size_t ngroups,
       int k, int64_t *lo, int64_t *hi)
{
	size_t i, n = 0;

	report_bounds(cells, ncells, groups, ngroups, k, BIG, lo, hi);
	for (i = 0; i < ncells; i++)
		if (cells[i].mark == REPORT_FEWER && lo[i] >= hi[i])
			n++;
	return n;
}

enum redress_err
report_suppress(struct report_cell *cells, size_t ncells, const struct report_group *groups, size_t ngroups,
                int k, struct redress_error *err)
{
	int64_t *lo = NULL, *hi = NULL, sum;
	size_t i, g, m, now, best, best_pins, pins;
	int dropped = 0, any_droppable = 0;
	enum redress_err rc = REDRESS_OK;

	if (k < REPORT_K_MIN || k > REPORT_K_MAX)
		return error_set(err, REDRESS_E_INVALID, "k is %d: it must be %d to %d", k, REPORT_K_MIN,
		                 REPORT_K_MAX);
	for (g = 0; g < ngroups; g++) {
		for (sum = 0, m = 0; m < groups[g].n; m++)
			if (__builtin_add_overflow(sum, cells[groups[g].members[m]].value, &sum))
				return error_set(err, REDRESS_E_OVERFLOW, "group %zu of the report overflows",
				                 g);
		if (sum != cells[groups[g].total].value)
			return error_set(err, REDRESS_E_INVALID,
			                 "group %zu of the report adds up to %lld, not %lld", g,
			                 (long long)sum, (long long)cells[groups[g].total].value);
	}
	for (i = 0; i < ncells; i++) {
		if (cells[i].value < 0 || (cells[i].le >= 0 && cells[i].value > cells[cells[i].le].value))
			return error_set(err, REDRESS_E_INVALID, "report cell %zu is %lld, out of its bounds",
			                 i, (long long)cells[i].value);
		cells[i].mark = cells[i].value >= 1 && cells[i].value < k ? REPORT_FEWER : REPORT_SHOWN;
		any_droppable |= cells[i].droppable;
	}
	if (ncells == 0)
		return REDRESS_OK;
	if ((lo = calloc(ncells, sizeof(*lo))) == NULL || (hi = calloc(ncells, sizeof(*hi))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory suppressing small counts");
		goto out;
	}
	while ((now = pinned(cells, ncells, groups, ngroups, k, lo, hi)) > 0) {
		best = ncells;
		best_pins = now + 1;
		for (i = 0; i < ncells; i++) {
			if (cells[i].hidden || cells[i].mark != REPORT_SHOWN || cells[i].value < k)
				continue;
			cells[i].mark = REPORT_WITHHELD;
			pins = pinned(cells, ncells, groups, ngroups, k, lo, hi);
			cells[i].mark = REPORT_SHOWN;
			if (best == ncells || pins < best_pins ||
			    (pins == best_pins &&
			     (cells[i].cost < cells[best].cost ||
			      (cells[i].cost == cells[best].cost && cells[i].value < cells[best].value)))) {
				best = i;
				best_pins = pins;
			}
		}
		if ((best == ncells || best_pins >= now) && any_droppable && !dropped) {
			/* Withholding one more count does not help: leave the breakdowns out. */
			for (i = 0; i < ncells; i++)
				if (cells[i].droppable)
					cells[i].mark = REPORT_DROPPED;
			dropped = 1;
			continue;
		}
		if (best == ncells) {
			rc = error_set(err, REDRESS_E_INTERNAL,
			               "no suppression protects the report's small counts");
			goto out;
		}
		cells[best].mark = REPORT_WITHHELD;
	}
out:
	free(lo);
	free(hi);
	return rc;
}
