/*
 * report_svg.c -- the report's two charts as SVG (see report_svg.h).
 */
#include "domain/reports/report_svg.h"

#include <stdio.h>

#include "core/html.h"
#include "core/money.h"

__extension__ typedef __int128 wide;

#define W      640
#define H      260
#define LEFT   90
#define RIGHT  20
#define TOP    30
#define BOTTOM 50

void
report_count_text(const struct report_count *c, int k, char *out, size_t size)
{
	if (c->mark == REPORT_SHOWN)
		snprintf(out, size, "%lld", (long long)c->value);
	else if (c->mark == REPORT_FEWER)
		snprintf(out, size, "fewer than %d", k);
	else
		snprintf(out, size, "withheld");
}

/* An amount and its currency, as element text. */
static void
put_money(struct buf *out, int64_t amount, const struct currency *cur, const char *code)
{
	char text[MONEY_TEXT_SIZE];

	money_format(amount, cur, text, sizeof(text));
	html_text(out, text);
	html_raw_const(out, " ");
	html_text(out, code);
}

/* value scaled into 0..span of max, in integers. */
static long
scale(int64_t value, int64_t max, long span)
{
	if (max <= 0 || value <= 0)
		return 0;
	if (value >= max)
		return span;
	return (long)((wide)value * span / max);
}

void
report_svg_disbursements(const struct report *r, struct buf *out)
{
	const struct currency *cur = currency_find(r->currency, NULL);
	int64_t total = 0, fund = 0, max, cum = 0;
	long plot_w = W - LEFT - RIGHT, plot_h = H - TOP - BOTTOM, y, bar_w;
	size_t i;

	for (i = 0; i < r->nmonths; i++)
		if (__builtin_add_overflow(total, r->months[i].amount, &total))
			total = INT64_MAX;
	if (__builtin_add_overflow(r->fund_balance, r->amount_paid, &fund))
		fund = INT64_MAX;
	max = fund > total ? fund : total;
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\""
	           " viewBox=\"0 0 %d %d\" aria-labelledby=\"svg-dis-t svg-dis-d\">",
	           W, H, W, H);
	html_raw_const(out,
	               "<title id=\"svg-dis-t\">Money paid, cumulative by month, against the fund</title>");
	html_raw_const(out, "<desc id=\"svg-dis-d\">");
	put_money(out, total, cur, r->currency);
	html_raw_const(out, " paid in all; the fund has held ");
	put_money(out, fund, cur, r->currency);
	html_raw_const(out, ".</desc>");
	buf_printf(out,
	           "<rect x=\"%d\" y=\"%d\" width=\"%ld\" height=\"%ld\" fill=\"#f7f7f7\" stroke=\"#999\"/>",
	           LEFT, TOP, plot_w, plot_h);
	/* The fund, a line across. */
	y = TOP + plot_h - scale(fund, max, plot_h);
	buf_printf(out,
	           "<line x1=\"%d\" y1=\"%ld\" x2=\"%ld\" y2=\"%ld\" stroke=\"#1a5fb4\" stroke-width=\"2\"/>",
	           LEFT, y, (long)LEFT + plot_w, y);
	html_raw_const(out, "<text x=\"");
	buf_printf(out, "%d\" y=\"%ld\" font-size=\"11\" text-anchor=\"end\">", LEFT - 4, y + 4);
	html_raw_const(out, "fund</text>");
	/* Cumulative payments, one bar a month. */
	bar_w = r->nmonths > 0 ? plot_w / (long)r->nmonths : plot_w;
	if (bar_w < 1)
		bar_w = 1;
	for (i = 0; i < r->nmonths; i++) {
		long h;

		if (__builtin_add_overflow(cum, r->months[i].amount, &cum))
			cum = INT64_MAX;
		h = scale(cum, max, plot_h);
		buf_printf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"#26a269\">",
		           LEFT + (long)i * bar_w + 1, TOP + plot_h - h, bar_w > 2 ? bar_w - 2 : 1, h);
		html_raw_const(out, "<title>");
		html_text(out, r->months[i].month);
		html_raw_const(out, ": ");
		put_money(out, cum, cur, r->currency);
		html_raw_const(out, " paid so far</title></rect>");
		if (r->nmonths <= 24 || i == 0 || i + 1 == r->nmonths) {
			buf_printf(out, "<text x=\"%ld\" y=\"%ld\" font-size=\"10\" text-anchor=\"middle\">",
			           LEFT + (long)i * bar_w + bar_w / 2, (long)TOP + plot_h + 14);
			html_text(out, r->months[i].month);
			html_raw_const(out, "</text>");
		}
	}
	if (r->nmonths == 0) {
		buf_printf(out, "<text x=\"%ld\" y=\"%ld\" font-size=\"12\" text-anchor=\"middle\">",
		           LEFT + plot_w / 2, TOP + plot_h / 2);
		html_raw_const(out, "nothing paid yet</text>");
	}
	buf_printf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">", LEFT, H - 10);
	html_raw_const(out, "green: paid so far (cumulative); blue: the fund (held now plus paid), in ");
	html_text(out, r->currency);
	html_raw_const(out, "</text></svg>");
}

void
report_svg_people(const struct report *r, struct buf *out)
{
	const struct report_count *counts[2] = {&r->paid, &r->waiting};
	static const char *const labels[2] = {"paid", "still waiting"};
	static const char *const colours[2] = {"#26a269", "#c64600"};
	long plot_w = W - LEFT - RIGHT - 120, row_h = 50;
	char text[32];
	int64_t max = 1;
	size_t i;

	for (i = 0; i < 2; i++)
		if (counts[i]->mark == REPORT_SHOWN && counts[i]->value > max)
			max = counts[i]->value;
	buf_printf(out,
	           "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"%d\" height=\"%d\""
	           " viewBox=\"0 0 %d %d\" aria-labelledby=\"svg-ppl-t svg-ppl-d\">",
	           W, 150, W, 150);
	html_raw_const(out, "<title id=\"svg-ppl-t\">People paid against people still waiting</title>");
	html_raw_const(out, "<desc id=\"svg-ppl-d\">");
	for (i = 0; i < 2; i++) {
		report_count_text(counts[i], r->k, text, sizeof(text));
		html_text(out, labels[i]);
		html_raw_const(out, ": ");
		html_text(out, text);
		if (i == 0)
			html_raw_const(out, "; ");
		else
			html_raw_const(out, ".");
	}
	html_raw_const(out, "</desc>");
	for (i = 0; i < 2; i++) {
		long y = 20 + (long)i * (row_h + 10);

		buf_printf(out, "<text x=\"%d\" y=\"%ld\" font-size=\"12\" text-anchor=\"end\">", LEFT - 6,
		           y + row_h / 2 + 4);
		html_text(out, labels[i]);
		html_raw_const(out, "</text>");
		report_count_text(counts[i], r->k, text, sizeof(text));
		if (counts[i]->mark == REPORT_SHOWN) {
			long w = scale(counts[i]->value, max, plot_w);

			buf_printf(out, "<rect x=\"%d\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"%s\"/>",
			           LEFT, y, w, row_h, colours[i]);
			buf_printf(out, "<text x=\"%ld\" y=\"%ld\" font-size=\"12\">", LEFT + w + 6,
			           y + row_h / 2 + 4);
		} else {
			/* A suppressed count has no bar: its length would tell it. */
			buf_printf(out,
			           "<rect x=\"%d\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"none\""
			           " stroke=\"#999\" stroke-dasharray=\"4 3\"/>",
			           LEFT, y, plot_w, row_h);
			buf_printf(out, "<text x=\"%ld\" y=\"%ld\" font-size=\"12\">", (long)LEFT + 8,
			           y + row_h / 2 + 4);
		}
		html_text(out, text);
		html_raw_const(out, "</text>");
	}
	html_raw_const(out, "</svg>");
}
