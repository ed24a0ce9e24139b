/*
 * report_cells.h -- which people's region and birth decade are too rare to
 * show: the one rule the public feed and the report's breakdowns share, so
 * that a report recounted from the feed is the report published.
 *
 * People are counted by (region, decade) pair over the whole registry.  A
 * pair is withheld when its region's or its decade's count, over the
 * pairs not withheld, is below k; withholding one pair lowers the counts
 * of its region and decade, so the rule is applied again until nothing
 * changes (a fixed point).  At the fixed point every region and decade
 * still shown holds at least k people -- also when only the people shown
 * are counted, which is what a recount from the feed sees.  So the feed
 * withholds exactly the people the report groups as "withheld", and the
 * recount, counting the people the feed shows, withholds no one more.
 */
#ifndef REDRESS_DOMAIN_REPORT_CELLS_H
#define REDRESS_DOMAIN_REPORT_CELLS_H

#include <stdint.h>

#include "core/error.h"
#include "core/strmap.h"

/* The breakdowns' group for the people withheld. */
#define REPORT_CELLS_WITHHELD "withheld"
/*
 * The birth year a feed's withheld person is replayed with (no survivor's
 * can be): such a person is withheld whatever the counts say, and counts
 * in no region or decade.
 */
#define REPORT_CELLS_SENTINEL_YEAR 1900

struct report_cells {
	struct strmap pairs;   /* "REGION\n1920" -> struct report_cells_pair */
	struct strmap regions; /* "REGION" -> its count over the pairs not withheld */
	struct strmap decades; /* "1920" */
	int settled;
};

void report_cells_init(struct report_cells *c);

/* Frees everything; the cells are empty after. */
void report_cells_free(struct report_cells *c);

/*
 * Counts n more people of region ("" for none) born in birth_year (its
 * decade counts).  A birth year of the sentinel's decade is not counted.
 * REDRESS_E_NOMEM when the tables cannot grow; REDRESS_E_INVALID for a
 * region longer than 63 bytes.
 */
enum redress_err report_cells_add(struct report_cells *c, const char *region, int64_t birth_year, int64_t n,
                                  struct redress_error *err);

/* Applies the rule above for k until the fixed point. */
void report_cells_settle(struct report_cells *c, int64_t k);

/* 1 when a person of region born in birth_year is withheld (after settle); a pair never added is. */
int report_cells_withheld(const struct report_cells *c, const char *region, int64_t birth_year);

#endif
