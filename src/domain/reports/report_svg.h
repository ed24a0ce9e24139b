/*
 * report_svg.h -- the public report's charts as server-side SVG: no
 * script, no external resource, every text from data escaped (core/html.h).
 * The CLI's HTML report and the web server's /report page both draw them.
 *
 *   report_svg_disbursements  money paid, cumulative by month of the bank's
 *                             booking, against the fund (what it holds now
 *                             plus what it has paid)
 *   report_svg_people         people paid against people still waiting,
 *                             where a suppressed count is drawn as its
 *                             label ("fewer than 5", "withheld"), never as
 *                             a bar whose length would tell it
 *
 * Scaling is integer arithmetic (128-bit intermediates): no floating point
 * near money.  Each appends one <svg> element with a <title> and <desc> for
 * screen readers to out; the caller checks out's sticky error.
 */
#ifndef REDRESS_DOMAIN_REPORT_SVG_H
#define REDRESS_DOMAIN_REPORT_SVG_H

#include "core/buf.h"
#include "domain/reports/reports.h"

void report_svg_disbursements(const struct report *r, struct buf *out);
void report_svg_people(const struct report *r, struct buf *out);

/* The text a count is published as: its digits, "fewer than K" or "withheld" (size >= 32). */
void report_count_text(const struct report_count *c, int k, char *out, size_t size);

#endif
