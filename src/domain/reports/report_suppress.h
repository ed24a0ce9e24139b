/*
 * report_suppress.h -- small-count suppression for a table of counts that
 * add up, such that no suppressed count can be worked out from the others.
 *
 * The cells are counts; some are hidden (never published, such as "people
 * who did not consent to statistics", which is a difference of two
 * published totals).  Groups say which cells add up to which: the members
 * of a group sum to its total.  A cell may also be known to be at most
 * another (people reached in a row <= people in that row).
 *
 * The promise: every count between 1 and k-1, published or hidden, is
 * "sensitive"; a published one is shown as "fewer than k" (REPORT_FEWER).
 * Then further cells are withheld (REPORT_WITHHELD, complementary
 * suppression) until no sensitive cell is pinned to one value by the
 * published cells, the groups' sums and the inequalities, as an attacker
 * who knows that "fewer than k" means 1..k-1 and that a withheld count is
 * 0 or at least k would work it out.  Withheld cells are chosen among
 * counts of at least k, cheapest first (by the cost the caller gives, then
 * the smallest count); cells marked droppable (a breakdown table) may be
 * dropped whole (REPORT_DROPPED: not published at all) when that is what
 * it takes.  The check is bound propagation over the sums and
 * inequalities; tests/unit/test_reports.c checks its result against every
 * population a small table could come from.
 */
#ifndef REDRESS_DOMAIN_REPORT_SUPPRESS_H
#define REDRESS_DOMAIN_REPORT_SUPPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define REPORT_K_MIN     3 /* with k = 2, "fewer than 2" would say "exactly 1" */
#define REPORT_K_MAX     100
#define REPORT_K_DEFAULT 5

enum report_mark {
	REPORT_SHOWN,    /* published as it is */
	REPORT_FEWER,    /* 1..k-1: published as "fewer than k" (or hidden) */
	REPORT_WITHHELD, /* withheld to protect another cell (complementary) */
	REPORT_DROPPED,  /* its whole table is not published */
};

struct report_cell {
	int64_t value;
	int hidden;    /* never published */
	int droppable; /* part of a table that may be dropped whole */
	int cost;      /* how much withholding it costs the reader (higher: later) */
	long le;       /* index of a cell this one is at most, or -1 */
	enum report_mark mark;
};

struct report_group {
	size_t total;          /* the cell the members add up to */
	const size_t *members; /* indices of the members */
	size_t n;
};

/*
 * Marks cells (mark set by this function) for k.  REDRESS_E_INVALID for
 * a k out of range or sums that do not hold; REDRESS_E_INTERNAL should no
 * protection be found (it always is: the last resort withholds totals).
 */
enum redress_err report_suppress(struct report_cell *cells, size_t ncells, const struct report_group *groups,
                                 size_t ngroups, int k, struct redress_error *err);

/*
 * The bounds an attacker can put on each cell from what is published
 * (lo_r, hi_r: ncells each; big is the bound for an unknown count).  For
 * tests and for report_suppress itself.
 */
void report_bounds(const struct report_cell *cells, size_t ncells, const struct report_group *groups,
                   size_t ngroups, int k, int64_t big, int64_t *lo_r, int64_t *hi_r);

#endif
