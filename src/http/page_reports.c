/*
 * page_reports.c -- the transparency reports as a page: for each program,
 * the figures of its latest published report in the page's language and
 * layout (counts with separators, "fewer than 5" in words, money in the
 * program's currency, the breakdowns and disbursements or a sentence
 * saying there are none), when it was published and by which event, the
 * signed downloads, and -- for the role that may -- the button that
 * publishes it again.
 *
 * The page reads what was published (the JSON the API renders from the
 * log's latest report event of the program), never the registry's tables:
 * what it shows is exactly what monitors can verify offline.
 * Publishing is a change of its own (report_publish); the page then
 * answers 303 to the reports (post/redirect/get).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "domain/programs/programs.h"
#include "domain/reports/reports.h"
#include "http/api.h"
#include "http/page.h"

/* A published count: a number with separators, or the report's withheld words in the page's language. */
static void
count_text(struct page *p, json_t *v, int k, struct buf *out)
{
	buf_reset(out);
	if (json_is_integer(v))
		i18n_number(out, json_integer_value(v));
	else if (json_is_string(v) && strncmp(json_string_value(v), "fewer than", 10) == 0) {
		/* "fewer than 5" in each language's own word order. */
		if (p->lang == I18N_KO)
			buf_printf(out, "%d 미만", k);
		else if (p->lang == I18N_JA)
			buf_printf(out, "%d 未満", k);
		else
			buf_printf(out, "fewer than %d", k);
	} else
		buf_puts(out, T(p, "withheld (it would single someone out)"));
}

static void
count_fact(struct page *p, const char *label, json_t *counts, const char *key, int k, struct buf *tmp)
{
	count_text(p, json_object_get(counts, key), k, tmp);
	page_fact(p, label, tmp->data);
}

static void
money_fact(struct page *p, const char *label, json_t *amount, const char *currency, struct buf *tmp)
{
	buf_reset(tmp);
	if (json_is_integer(amount))
		i18n_money(tmp, p->lang, json_integer_value(amount), currency);
	page_fact(p, label, tmp->data);
}

/* A breakdown (rows of group, people, reached, paid), or the sentence for none. */
static void
breakdown(struct page *p, const char *title, json_t *rows, int k, struct buf *tmp)
{
	json_t *row;
	size_t i;

	html_raw_const(p->b, "<h4>");
	html_text(p->b, title);
	html_raw_const(p->b, "</h4>");
	if (json_array_size(rows) == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b,
		          T(p, "Nothing to show: too few people have consented to be counted in statistics "
		               "to show any group without singling someone out."));
		html_raw_const(p->b, "</p>");
		return;
	}
	page_table_begin(p, NULL);
	page_th(p, T(p, "Group"));
	page_th(p, T(p, "People"));
	page_th(p, T(p, "Reached"));
	page_th(p, T(p, "Paid"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	json_array_foreach(rows, i, row)
	{
		static const char *const keys[] = {"people", "reached", "paid"};
		size_t j;

		html_raw_const(p->b, "<tr>");
		page_td(p, json_string_value(json_object_get(row, "group")));
		for (j = 0; j < 3; j++) {
			count_text(p, json_object_get(row, keys[j]), k, tmp);
			html_raw_const(p->b, "<td class=\"num\">");
			html_text(p->b, tmp->data);
			html_raw_const(p->b, "</td>");
		}
		html_raw_const(p->b, "</tr>");
	}
	page_table_end(p);
}

/* The figures of a published report (its JSON), in the page's language. */
static void
report_figures(struct page *p, json_t *doc, const char *code)
{
	json_t *report = json_object_get(doc, "report"), *counts = json_object_get(report, "counts"),
	       *amounts = json_object_get(report, "amounts"), *fund = json_object_get(report, "fund"),
	       *event = json_object_get(doc, "event"), *v;
	const char *currency = json_string_value(json_object_get(amounts, "currency")),
	           *fund_currency = json_string_value(json_object_get(fund, "currency"));
	int k = (int)json_integer_value(json_object_get(report, "k"));
	struct buf tmp;
	size_t i;

	buf_init(&tmp, 256);
	if (currency == NULL)
		currency = "";
	if (fund_currency == NULL)
		fund_currency = currency;
	html_raw_const(p->b, "<p>");
	html_text(p->b, T(p, "Published"));
	html_raw_const(p->b, " ");
	page_when(p, json_string_value(json_object_get(event, "at")) != NULL
	                 ? json_string_value(json_object_get(event, "at"))
	                 : "");
	html_textf(p->b, " · %s %lld", T(p, "log event"),
	           (long long)json_integer_value(json_object_get(event, "seq")));
	html_raw_const(p->b, "</p><dl class=\"facts\">");
	count_fact(p, T(p, "People registered"), counts, "registered", k, &tmp);
	count_fact(p, T(p, "Reached (consulted at least once)"), counts, "reached", k, &tmp);
	count_fact(p, T(p, "Consented to statistics"), counts, "consented", k, &tmp);
	count_fact(p, T(p, "Declined the payment"), counts, "declined", k, &tmp);
	count_fact(p, T(p, "Claims approved"), counts, "approved", k, &tmp);
	count_fact(p, T(p, "People paid"), counts, "paid", k, &tmp);
	count_fact(p, T(p, "People still waiting"), counts, "waiting", k, &tmp);
	count_fact(p, T(p, "Died before being paid"), counts, "deaths_before_payment", k, &tmp);
	money_fact(p, T(p, "Amount paid"), json_object_get(amounts, "paid"), currency, &tmp);
	money_fact(p, T(p, "Amount still owed"), json_object_get(amounts, "owed"), currency, &tmp);
	money_fact(p, T(p, "The fund's balance"), json_object_get(fund, "balance"), fund_currency, &tmp);
	money_fact(p, T(p, "Available (less payments at the bank)"), json_object_get(fund, "available"),
	           fund_currency, &tmp);
	html_raw_const(p->b, "</dl><h4>");
	html_text(p->b, T(p, "Pledges"));
	html_raw_const(p->b, "</h4>");
	v = json_object_get(report, "pledges");
	if (json_array_size(v) == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "No pledge has been recorded."));
		html_raw_const(p->b, "</p>");
	} else {
		json_t *row;

		page_table_begin(p, NULL);
		page_th(p, T(p, "Pledged"));
		page_th(p, T(p, "Received"));
		html_raw_const(p->b, "</tr></thead><tbody>");
		json_array_foreach(v, i, row)
		{
			const char *cur = json_string_value(json_object_get(row, "currency"));

			html_raw_const(p->b, "<tr><td class=\"num\">");
			buf_reset(&tmp);
			i18n_money(&tmp, p->lang, json_integer_value(json_object_get(row, "pledged")),
			           cur ? cur : "");
			html_text(p->b, tmp.data);
			html_raw_const(p->b, "</td><td class=\"num\">");
			buf_reset(&tmp);
			i18n_money(&tmp, p->lang, json_integer_value(json_object_get(row, "received")),
			           cur ? cur : "");
			html_text(p->b, tmp.data);
			html_raw_const(p->b, "</td></tr>");
		}
		page_table_end(p);
	}
	html_raw_const(p->b, "<h4>");
	html_text(p->b, T(p, "Paid each month"));
	html_raw_const(p->b, "</h4>");
	v = json_object_get(report, "disbursements");
	if (json_array_size(v) == 0) {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "Nothing has been paid yet."));
		html_raw_const(p->b, "</p>");
	} else {
		json_t *row;

		page_table_begin(p, NULL);
		page_th(p, T(p, "Month"));
		page_th(p, T(p, "Amount paid"));
		html_raw_const(p->b, "</tr></thead><tbody>");
		json_array_foreach(v, i, row)
		{
			html_raw_const(p->b, "<tr>");
			page_td(p, json_string_value(json_object_get(row, "month")));
			html_raw_const(p->b, "<td class=\"num\">");
			buf_reset(&tmp);
			i18n_money(&tmp, p->lang, json_integer_value(json_object_get(row, "amount")),
			           currency);
			html_text(p->b, tmp.data);
			html_raw_const(p->b, "</td></tr>");
		}
		page_table_end(p);
	}
	v = json_object_get(report, "statistics");
	breakdown(p, T(p, "By region (people who consented to statistics)"), json_object_get(v, "by_region"),
	          k, &tmp);
	breakdown(p, T(p, "By decade of birth (people who consented to statistics)"),
	          json_object_get(v, "by_decade"), k, &tmp);
	html_raw_const(p->b, "<p>");
	html_text(p->b, T(p, "Download the signed report, to verify it offline:"));
	html_raw_const(p->b, " <a");
	html_href_path_suffix(p->b, "href", "/report?program=", code, "&format=json");
	html_raw_const(p->b, ">JSON</a> · <a");
	html_href_path_suffix(p->b, "href", "/report?program=", code, "&format=csv");
	html_raw_const(p->b, ">CSV</a> · <a");
	html_href_path_suffix(p->b, "href", "/report?program=", code, "&format=html");
	html_raw_const(p->b, " lang=\"en\" hreflang=\"en\">HTML (English)</a></p>");
	buf_free(&tmp);
}

struct reports_ctx {
	struct page *p;
	struct http_response *res;
	struct store *store;
	size_t n;
};

static enum redress_err
program_report(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct reports_ctx *rc = ctx;
	struct page *p = rc->p;
	struct redress_error e;
	json_error_t jerr;
	json_t *doc = NULL;
	struct buf body;

	(void)err;
	memset(&e, 0, sizeof(e));
	rc->n++;
	html_raw_const(p->b, "<section");
	html_attr(p->b, "id", prog->code);
	html_raw_const(p->b, "><h2>");
	html_text(p->b, program_name(prog, i18n_code(p->lang)));
	html_raw_const(p->b, " <span class=\"hint\">");
	html_text(p->b, prog->code);
	html_raw_const(p->b, "</span></h2>");
	buf_init(&body, REPORT_MAX_BYTES * 2);
	if (api_reports_shown(p->req, rc->res, prog->code, &body, &e) == REDRESS_OK &&
	    (doc = json_loadb(body.data, body.len, 0, &jerr)) != NULL)
		report_figures(p, doc, prog->code);
	else if (e.code == REDRESS_E_TAMPERED) {
		/* Edited behind the log's back: no figure of it is shown; audit verify names it. */
		page_notice(p, "error",
		            T(p,
		              "The report kept for this page is not what the signed log holds, so it is not "
		              "shown. The fund's audit names it; publishing the report again replaces it."));
	} else {
		html_raw_const(p->b, "<p>");
		html_text(p->b, T(p, "No report of this program has been published yet."));
		html_raw_const(p->b, "</p>");
	}
	if (users_allows(&p->req->actor, PERM_AGGREGATES_READ)) {
		html_raw_const(p->b, "<form method=\"post\"");
		html_href_path_suffix(p->b, "action", "/reports/", prog->code, "");
		html_raw_const(p->b, ">");
		page_csrf(p);
		html_raw_const(p->b, "<button type=\"submit\">");
		html_text(p->b, doc != NULL ? T(p, "Publish the report again, as the log stands now")
		                            : T(p, "Publish the report"));
		html_raw_const(p->b, "</button></form>");
	}
	html_raw_const(p->b, "</section>");
	json_decref(doc);
	buf_free(&body);
	return REDRESS_OK;
}

void
page_reports(struct http_request *req, struct http_response *res)
{
	struct reports_ctx rc;
	struct redress_error err;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Transparency reports"))) == NULL)
		return;
	html_raw_const(p.b, "<p>");
	html_text(p.b,
	          T(&p, "Each report counts people and money per program without singling anyone out: "
	                "a count under 5 is shown as \"fewer than 5\". Each is an event on the signed log, "
	                "which anyone can verify."));
	html_raw_const(p.b, "</p>");
	rc.p = &p;
	rc.res = res;
	rc.store = store;
	rc.n = 0;
	if (program_each(store, program_report, &rc, &err) != REDRESS_OK) {
		page_notice(&p, "error", T(&p, "The programs could not be read."));
		page_end(&p, 500);
		return;
	}
	if (rc.n == 0) {
		html_raw_const(p.b, "<p>");
		html_text(p.b, T(&p, "No program has been set up yet."));
		html_raw_const(p.b, "</p>");
	}
	page_end(&p, 200);
}

struct publish_page_arg {
	struct page_change pc;
	char program[65];
};

static enum redress_err
do_publish_page(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct publish_page_arg *a = arg;
	enum redress_err rc;
	char path[96];
	struct page p;

	if ((rc = api_reports_publish_default(c->log, c->actor, a->program, err)) == REDRESS_OK) {
		snprintf(path, sizeof(path), "/reports#%s", a->program);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Transparency reports"));
	page_notice(&p, "error",
	            rc == REDRESS_E_NOTFOUND ? T(&p, "There is no program with this code.")
	                                     : T(&p, "The report could not be published. Try again."));
	html_raw_const(p.b, "<p><a href=\"/reports\">");
	html_text(p.b, T(&p, "Transparency reports"));
	html_raw_const(p.b, "</a></p>");
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : 500);
	return rc;
}

void
page_reports_publish(struct http_request *req, struct http_response *res)
{
	const char *code = http_param(req, "code");
	struct publish_page_arg *a;

	if (strlen(code) >= sizeof(a->program) || code[0] == '\0') {
		http_page_refuse(req, res, 404);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	memcpy(a->program, code, strlen(code) + 1);
	/* report_publish makes its own change: computed, then appended only if the log moved. */
	http_change_submit_own(req, do_publish_page, a);
}
