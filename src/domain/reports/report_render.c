/*
 * report_render.c -- a published report as JSON (jansson), CSV (libcsv's
 * quoting) and HTML (core/html.h's escaping writer, with the SVG charts of
 * report_svg.h).  Every format carries the same figures and the checkpoint
 * they were computed at; only JSON carries the proof that report verify
 * checks.  Each is a function of the published report alone: the same
 * report gives the same bytes.  Nothing rendered is kept: the public
 * page renders the log's latest report on every request
 * (report_shown_load), so a release that changes a byte a renderer
 * writes changes what the page serves from then on, and nothing else.
 */
#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/mem.h"
#include "core/money.h"
#include "crypto/codec.h"
#include "domain/reports/report_svg.h"
#include "domain/reports/reports.h"

static json_t *
hashes(const uint8_t (*h)[MERKLE_HASH_SIZE], size_t n)
{
	json_t *a = json_array();
	char hex[2 * MERKLE_HASH_SIZE + 1];
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		codec_hex_encode(h[i], MERKLE_HASH_SIZE, hex, sizeof(hex), NULL);
		json_array_append_new(a, json_string(hex));
	}
	return a;
}

enum redress_err
report_render_json(const struct report_published *pub, struct buf *out, struct redress_error *err)
{
	json_t *root = NULL, *body;
	json_error_t jerr;
	char *text = NULL;
	enum redress_err rc = REDRESS_OK;

	if ((body = json_loadb(pub->body.data, pub->body.len, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return error_set(err, REDRESS_E_INTERNAL, "the report's body does not read back: %s",
		                 jerr.text);
	root = json_pack("{s:s, s:{s:s, s:s, s:I, s:s}, s:{s:s, s:I, s:o, s:o}, s:o}", "format",
	                 "redress public report 1; check it with 'redress report verify FILE --pubkey KEY'",
	                 "event", "actor", pub->actor, "at", pub->at, "seq", (json_int_t)pub->seq, "type",
	                 REPORTS_EV_PUBLISHED, "proof", "checkpoint",
	                 pub->proof_checkpoint.data != NULL ? pub->proof_checkpoint.data : "", "size",
	                 (json_int_t)pub->proof_size, "inclusion", hashes(pub->proof, pub->proof_count),
	                 "consistency", hashes(pub->consistency, pub->consistency_count), "report", body);
	/* The log's key handovers, so a reader holding an earlier key follows to the one that signed. */
	if (root != NULL && pub->handovers.len > 2) {
		json_t *h = json_loadb(pub->handovers.data, pub->handovers.len, 0, NULL);

		if (h == NULL || json_object_set_new(root, "handovers", h) != 0) {
			json_decref(root);
			root = NULL;
		}
	}
	/* The report's own event is public, salt and all: the salt hides other events, not this one. */
	if (root != NULL && pub->salt[0] != '\0' &&
	    json_object_set_new(json_object_get(root, "event"), "salt", json_string(pub->salt)) != 0) {
		json_decref(root);
		root = NULL;
	}
	/* Version 3 (its leaf commits to its public part apart): said, so that verify rebuilds it so. */
	if (root != NULL && pub->version == 3 &&
	    (json_object_set_new(json_object_get(root, "event"), "v", json_integer(pub->version)) != 0 ||
	     json_object_set_new(json_object_get(root, "event"), "public", json_string(pub->public_hash)) !=
	         0)) {
		json_decref(root);
		root = NULL;
	}
	if (root == NULL || (text = json_dumps(root, JSON_INDENT(2) | JSON_SORT_KEYS)) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the report as JSON");
		goto out;
	}
	buf_puts(out, text);
	buf_putc(out, '\n');
	rc = buf_error(out, err);
out:
	mem_json_free(text);
	json_decref(root);
	return rc;
}

/* 1 when s is a plain number ("-12.50"): a spreadsheet reads it as a number, never as a formula. */
static int
csv_number(const char *s)
{
	size_t i = s[0] == '-' ? 1 : 0, digits = 0;

	for (; s[i] != '\0'; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] != '.')
			return 0;
	}
	return digits > 0;
}

/*
 * One CSV field, quoted by libcsv when it needs it.  A field a spreadsheet
 * would run as a formula (=, +, -, @, tab or CR first: a program's name
 * "=HYPERLINK(...)") gets a quote before it, as OWASP advises for CSV
 * injection; a plain number is left as it is.
 */
static void
csv_field(struct buf *out, const char *s, int last)
{
	size_t len, need;
	char *q, *guarded = NULL;

	if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0' && !csv_number(s)) {
		len = strlen(s);
		if ((guarded = malloc(len + 2)) == NULL) {
			buf_append(out, NULL, (size_t)-1); /* makes the buffer fail: out of memory */
			return;
		}
		guarded[0] = '\'';
		memcpy(guarded + 1, s, len + 1);
		s = guarded;
	}
	len = strlen(s);

	/* A field needs quotes only for comma, quote, CR or LF; libcsv writes it quoted always. */
	if (strpbrk(s, ",\"\r\n") == NULL) {
		buf_puts(out, s);
	} else {
		need = csv_write(NULL, 0, s, len);
		if ((q = malloc(need)) == NULL) {
			buf_append(out, NULL, (size_t)-1); /* makes the buffer fail: out of memory */
		} else {
			csv_write(q, need, s, len);
			buf_append(out, q, need);
			free(q);
		}
	}
	buf_puts(out, last ? "\r\n" : ",");
	free(guarded);
}

static void
csv_row(struct buf *out, const char *section, const char *group, const char *figure, const char *value,
        const char *unit)
{
	csv_field(out, section, 0);
	csv_field(out, group, 0);
	csv_field(out, figure, 0);
	csv_field(out, value, 0);
	csv_field(out, unit, 1);
}

static void
csv_count(struct buf *out, const char *section, const char *group, const char *figure,
          const struct report_count *c, int k)
{
	char text[32];

	report_count_text(c, k, text, sizeof(text));
	csv_row(out, section, group, figure, text, "people");
}

static void
csv_money(struct buf *out, const char *section, const char *group, const char *figure, int64_t v,
          const char *currency)
{
	char text[MONEY_TEXT_SIZE];

	money_format(v, currency_find(currency, NULL), text, sizeof(text));
	csv_row(out, section, group, figure, text, currency);
}

static void
csv_breakdown(struct buf *out, const char *section, const struct report_breakdown *b, int k)
{
	size_t i;

	if (b->dropped) {
		csv_row(out, section, "", "table", "withheld", "");
		return;
	}
	for (i = 0; i < b->n; i++) {
		csv_count(out, section, b->rows[i].group, "consented to statistics", &b->rows[i].people, k);
		csv_count(out, section, b->rows[i].group, "reached", &b->rows[i].reached, k);
		csv_count(out, section, b->rows[i].group, "paid", &b->rows[i].paid, k);
	}
}

enum redress_err
report_render_csv(const struct report_published *pub, struct buf *out, struct redress_error *err)
{
	const struct report *r = &pub->report;
	char text[64], root[64];
	size_t i;

	codec_base64_encode(r->root, sizeof(r->root), root, sizeof(root), NULL);
	csv_row(out, "section", "group", "figure", "value", "unit");
	csv_row(out, "program", "", "code", r->program, "");
	csv_row(out, "program", "", "name", r->program_name, "");
	snprintf(text, sizeof(text), "%llu", (unsigned long long)r->size);
	csv_row(out, "checkpoint", "", "tree size", text, "events");
	csv_row(out, "checkpoint", "", "root hash", root, "base64");
	snprintf(text, sizeof(text), "%llu", (unsigned long long)pub->seq);
	csv_row(out, "checkpoint", "", "report event", text, "index");
	snprintf(text, sizeof(text), "%d", r->k);
	csv_row(out, "suppression", "", "k", text, "people");
	csv_count(out, "people", "", "registered", &r->registered, r->k);
	csv_count(out, "people", "", "reached", &r->reached, r->k);
	csv_count(out, "people", "", "consented to statistics", &r->consented, r->k);
	csv_count(out, "people", "", "declined payment", &r->declined, r->k);
	csv_count(out, "program", "", "claims approved", &r->approved, r->k);
	csv_count(out, "program", "", "paid", &r->paid, r->k);
	csv_count(out, "program", "", "still waiting", &r->waiting, r->k);
	csv_count(out, "program", "", "deaths before payment", &r->deaths, r->k);
	if (r->days_shown) {
		snprintf(text, sizeof(text), "%lld", (long long)r->days_median);
		csv_row(out, "program", "", "median days from registration to payment", text, "days");
		snprintf(text, sizeof(text), "%lld", (long long)r->days_p90);
		csv_row(out, "program", "", "90th percentile days from registration to payment", text,
		        "days");
	} else {
		snprintf(text, sizeof(text), "fewer than %d paid", r->k);
		csv_row(out, "program", "", "median days from registration to payment", text, "days");
		csv_row(out, "program", "", "90th percentile days from registration to payment", text,
		        "days");
	}
	csv_money(out, "money", "", "amount paid", r->amount_paid, r->currency);
	csv_money(out, "money", "", "amount still owed", r->amount_owed, r->currency);
	csv_money(out, "money", r->fund_account, "fund balance", r->fund_balance, r->currency);
	csv_money(out, "money", r->fund_account, "fund available", r->fund_available, r->currency);
	for (i = 0; i < r->npledged; i++) {
		csv_money(out, "pledges", r->pledged[i].currency, "pledged", r->pledged[i].pledged,
		          r->pledged[i].currency);
		csv_money(out, "pledges", r->pledged[i].currency, "received", r->pledged[i].received,
		          r->pledged[i].currency);
	}
	for (i = 0; i < r->nmonths; i++)
		csv_money(out, "disbursements", r->months[i].month, "paid", r->months[i].amount, r->currency);
	csv_count(out, "statistics", "total", "consented to statistics", &r->consented, r->k);
	csv_count(out, "statistics", "total", "reached", &r->consented_reached, r->k);
	csv_count(out, "statistics", "total", "paid", &r->consented_paid, r->k);
	csv_breakdown(out, "by region", &r->by_region, r->k);
	csv_breakdown(out, "by decade of birth", &r->by_decade, r->k);
	csv_row(out, "benefit", "", "form", r->form, "");
	report_count_text(&r->scheduled, r->k, text, sizeof(text));
	csv_row(out, "benefit", "instalments", "scheduled, not due yet", text, "instalments");
	report_count_text(&r->held, r->k, text, sizeof(text));
	csv_row(out, "benefit", "instalments", "held for want of a proof of life", text, "instalments");
	report_count_text(&r->stopped, r->k, text, sizeof(text));
	csv_row(out, "benefit", "instalments", "stopped at death", text, "instalments");
	for (i = 0; i < r->nservices; i++) {
		csv_count(out, "services in kind", r->services[i].service, "scheduled",
		          &r->services[i].scheduled, r->k);
		csv_count(out, "services in kind", r->services[i].service, "delivered",
		          &r->services[i].delivered, r->k);
		csv_count(out, "services in kind", r->services[i].service, "refused", &r->services[i].refused,
		          r->k);
	}
	csv_count(out, "casework", "", "eligible", &r->eligible, r->k);
	csv_count(out, "casework", "", "eligible and reached (a contact attempt reached her)",
	          &r->eligible_reached, r->k);
	csv_count(out, "casework", "", "applied (claims opened)", &r->applied, r->k);
	csv_count(out, "casework", "grievances", "opened", &r->grievances_opened, r->k);
	csv_count(out, "casework", "grievances", "resolved", &r->grievances_resolved, r->k);
	snprintf(text, sizeof(text), "open longer than %d days", r->grievance_days);
	csv_count(out, "casework", "grievances", text, &r->grievances_overdue, r->k);
	csv_count(out, "casework", "appeals", "opened", &r->appeals_opened, r->k);
	csv_count(out, "casework", "appeals", "upheld", &r->appeals_upheld, r->k);
	csv_count(out, "casework", "appeals", "overturned", &r->appeals_overturned, r->k);
	for (i = 0; i < r->nharms; i++) {
		report_count_text(&r->harms[i].claims, r->k, text, sizeof(text));
		csv_row(out, "by harm", r->harms[i].harm, "claims approved with this harm", text, "claims");
		if (r->harms[i].claims.mark == REPORT_SHOWN)
			csv_money(out, "by harm", r->harms[i].harm, "paid", r->harms[i].paid, r->currency);
		else
			csv_row(out, "by harm", r->harms[i].harm, "paid", "withheld", r->currency);
	}
	return buf_error(out, err);
}

static void
html_count_cell(struct buf *out, const struct report_count *c, int k)
{
	char text[32];

	report_count_text(c, k, text, sizeof(text));
	if (c->mark == REPORT_SHOWN)
		html_raw_const(out, "<td class=\"n\">");
	else
		html_raw_const(out, "<td class=\"n suppressed\">");
	html_text(out, text);
	html_raw_const(out, "</td>");
}

static void
html_row_count(struct buf *out, const char *label, const struct report_count *c, int k)
{
	html_raw_const(out, "<tr><th scope=\"row\">");
	html_text(out, label);
	html_raw_const(out, "</th>");
	html_count_cell(out, c, k);
	html_raw_const(out, "</tr>\n");
}

static void
html_row_money(struct buf *out, const char *label, int64_t v, const char *currency)
{
	char text[MONEY_TEXT_SIZE];

	money_format(v, currency_find(currency, NULL), text, sizeof(text));
	html_raw_const(out, "<tr><th scope=\"row\">");
	html_text(out, label);
	html_raw_const(out, "</th><td class=\"n\">");
	html_text(out, text);
	html_raw_const(out, " ");
	html_text(out, currency);
	html_raw_const(out, "</td></tr>\n");
}

static void
html_breakdown(struct buf *out, const char *caption, const char *head, const struct report_breakdown *b,
               int k)
{
	size_t i;

	html_raw_const(out, "<table>\n<caption>");
	html_text(out, caption);
	html_raw_const(out, "</caption>\n");
	if (b->dropped) {
		html_raw_const(
		    out, "<tr><td>Withheld: too few people to show without singling anyone out.</td></tr>\n"
		         "</table>\n");
		return;
	}
	html_raw_const(out, "<tr><th scope=\"col\">");
	html_text(out, head);
	html_raw_const(out,
	               "</th><th scope=\"col\">consented to statistics</th><th scope=\"col\">reached</th>"
	               "<th scope=\"col\">paid</th></tr>\n");
	for (i = 0; i < b->n; i++) {
		html_raw_const(out, "<tr><th scope=\"row\">");
		html_text(out, b->rows[i].group);
		html_raw_const(out, "</th>");
		html_count_cell(out, &b->rows[i].people, k);
		html_count_cell(out, &b->rows[i].reached, k);
		html_count_cell(out, &b->rows[i].paid, k);
		html_raw_const(out, "</tr>\n");
	}
	html_raw_const(out, "</table>\n");
}

enum redress_err
report_render_html(const struct report_published *pub, struct buf *out, struct redress_error *err)
{
	const struct report *r = &pub->report;
	char text[160], root[64];
	size_t i;

	codec_base64_encode(r->root, sizeof(r->root), root, sizeof(root), NULL);
	html_raw_const(
	    out,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Public report: ");
	html_text(out, r->program_name);
	html_raw_const(
	    out, "</title>\n<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;padding:0 1em}"
	         "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em}"
	         "td.n{text-align:right}td.suppressed{font-style:italic}th[scope=row]{text-align:left}"
	         "caption{font-weight:bold;text-align:left}pre{white-space:pre-wrap;word-break:break-all}"
	         "</style>\n</head>\n<body>\n<main>\n<h1>Public report: ");
	html_text(out, r->program_name);
	html_raw_const(out, "</h1>\n<p>Program <code>");
	html_text(out, r->program);
	html_raw_const(out, "</code>.  Computed at tree size ");
	snprintf(text, sizeof(text), "%llu", (unsigned long long)r->size);
	html_text(out, text);
	html_raw_const(out, " of the fund's log (root <code>");
	html_text(out, root);
	html_raw_const(out, "</code>), published as event ");
	snprintf(text, sizeof(text), "%llu", (unsigned long long)pub->seq);
	html_text(out, text);
	html_raw_const(out, ".  Counts from 1 to ");
	snprintf(text, sizeof(text), "%d", r->k - 1);
	html_text(out, text);
	html_raw_const(out, " are shown as &#8220;fewer than ");
	snprintf(text, sizeof(text), "%d", r->k);
	html_text(out, text);
	html_raw_const(out,
	               "&#8221;, and others are withheld where they would let one be worked out.  Breakdowns "
	               "count only people who consented to statistics.  Money is exact.</p>\n");

	html_raw_const(out, "<table>\n<caption>People and claims</caption>\n");
	html_row_count(out, "people registered", &r->registered, r->k);
	html_row_count(out, "reached (consulted at least once)", &r->reached, r->k);
	html_row_count(out, "consented to statistics", &r->consented, r->k);
	html_row_count(out, "declined payment", &r->declined, r->k);
	html_row_count(out, "claims approved", &r->approved, r->k);
	html_row_count(out, "paid", &r->paid, r->k);
	html_row_count(out, "still waiting", &r->waiting, r->k);
	html_row_count(out, "deaths before payment", &r->deaths, r->k);
	html_raw_const(out,
	               "<tr><th scope=\"row\">days from registration to payment: median, 90th percentile</th>"
	               "<td class=\"n\">");
	if (r->days_shown)
		snprintf(text, sizeof(text), "%lld, %lld", (long long)r->days_median, (long long)r->days_p90);
	else
		snprintf(text, sizeof(text), "not shown: fewer than %d paid", r->k);
	html_text(out, text);
	html_raw_const(out, "</td></tr>\n</table>\n");

	html_raw_const(out, "<table>\n<caption>Money</caption>\n");
	html_row_money(out, "paid", r->amount_paid, r->currency);
	html_row_money(out, "still owed", r->amount_owed, r->currency);
	snprintf(text, sizeof(text), "fund balance (%s)", r->fund_account);
	html_row_money(out, text, r->fund_balance, r->currency);
	snprintf(text, sizeof(text), "fund available, pending payments held (%s)", r->fund_account);
	html_row_money(out, text, r->fund_available, r->currency);
	for (i = 0; i < r->npledged; i++) {
		snprintf(text, sizeof(text), "pledged in %s", r->pledged[i].currency);
		html_row_money(out, text, r->pledged[i].pledged, r->pledged[i].currency);
		snprintf(text, sizeof(text), "received in %s", r->pledged[i].currency);
		html_row_money(out, text, r->pledged[i].received, r->pledged[i].currency);
	}
	html_raw_const(out, "</table>\n<h2>Disbursement against the fund</h2>\n<figure>");
	report_svg_disbursements(r, out);
	html_raw_const(out, "</figure>\n<h2>People paid and people still waiting</h2>\n<figure>");
	report_svg_people(r, out);
	html_raw_const(out, "</figure>\n<h2>Breakdowns</h2>\n<table>\n<caption>People who consented to "
	                    "statistics</caption>\n");
	html_row_count(out, "consented to statistics", &r->consented, r->k);
	html_row_count(out, "of them reached", &r->consented_reached, r->k);
	html_row_count(out, "of them paid", &r->consented_paid, r->k);
	html_raw_const(out, "</table>\n");
	html_breakdown(out, "By region", "region", &r->by_region, r->k);
	html_breakdown(out, "By decade of birth", "decade", &r->by_decade, r->k);
	html_raw_const(out, "<table>\n<caption>By form of benefit: ");
	html_text(out, r->form);
	html_raw_const(out, "</caption>\n");
	html_row_count(out, "instalments scheduled, not due yet", &r->scheduled, r->k);
	html_row_count(out, "instalments held for want of a proof of life", &r->held, r->k);
	html_row_count(out, "instalments stopped at death", &r->stopped, r->k);
	if (r->nservices > 0) {
		html_raw_const(out,
		               "</table>\n<table>\n<caption>Services in kind: claims by the service's "
		               "state</caption>\n<tr><th scope=\"col\">service</th><th scope=\"col\">"
		               "scheduled</th><th scope=\"col\">delivered</th><th scope=\"col\">refused</th>"
		               "</tr>\n");
		for (i = 0; i < r->nservices; i++) {
			html_raw_const(out, "<tr><th scope=\"row\">");
			html_text(out, r->services[i].service);
			html_raw_const(out, "</th>");
			html_count_cell(out, &r->services[i].scheduled, r->k);
			html_count_cell(out, &r->services[i].delivered, r->k);
			html_count_cell(out, &r->services[i].refused, r->k);
			html_raw_const(out, "</tr>\n");
		}
	}
	html_raw_const(
	    out, "</table>\n<table>\n<caption>Casework: reaching people, grievances and appeals</caption>\n");
	html_row_count(out, "people eligible", &r->eligible, r->k);
	html_row_count(out, "people eligible and reached by a contact attempt", &r->eligible_reached, r->k);
	html_row_count(out, "claims applied for", &r->applied, r->k);
	html_row_count(out, "grievances opened", &r->grievances_opened, r->k);
	html_row_count(out, "grievances resolved", &r->grievances_resolved, r->k);
	snprintf(text, sizeof(text), "grievances open longer than %d days", r->grievance_days);
	html_row_count(out, text, &r->grievances_overdue, r->k);
	html_row_count(out, "appeals opened", &r->appeals_opened, r->k);
	html_row_count(out, "appeals upheld", &r->appeals_upheld, r->k);
	html_row_count(out, "appeals overturned: claim approved", &r->appeals_overturned, r->k);
	html_raw_const(out, "</table>\n");
	if (r->nharms > 0) {
		html_raw_const(out,
		               "<table>\n<caption>By harm: approved claims with the harm approved, and what "
		               "they paid (a claim with several harms counts in each)</caption>\n");
		for (i = 0; i < r->nharms; i++) {
			html_row_count(out, r->harms[i].harm, &r->harms[i].claims, r->k);
			snprintf(text, sizeof(text), "%s: paid", r->harms[i].harm);
			if (r->harms[i].claims.mark == REPORT_SHOWN)
				html_row_money(out, text, r->harms[i].paid, r->currency);
		}
		html_raw_const(out, "</table>\n");
	}
	html_raw_const(out, "<h2>The checkpoint these figures were computed at</h2>\n<pre>");
	html_text(out, r->checkpoint.data != NULL ? r->checkpoint.data : "");
	html_raw_const(
	    out, "</pre>\n<p>The JSON form of this report carries the proof that it is in the log; check it "
	         "with <code>redress report verify REPORT.json --pubkey KEY</code>.</p>\n</main>\n</body>\n"
	         "</html>\n");
	return buf_error(out, err);
}
