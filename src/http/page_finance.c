/*
 * page_finance.c -- finance's pages for the money in and the money out:
 * the pledges with their receipts, and the payment batches made from the
 * queue, with the pain.001 file for the bank and the bank's answer
 * (camt.054 or pain.002) read back.
 *
 * Every change goes through the writer (http_change_submit): a form that
 * is wrong is shown again with the error beside its field and nothing is
 * saved; the domain's refusal is shown with its own words and the change
 * is rolled back.
 */
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "domain/payments/payments.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "http/page.h"

/* Amount text as typed: "1000000.00" and a little room. */
#define AMOUNT_TEXT_MAX 40

/* The batches listed on their page: the newest this many. */
#define BATCHES_PAGE 100

/* A page change's own failure to allocate: nothing was submitted. */
static void
out_of_memory(struct http_response *res)
{
	http_reply_error(res, 503, "unavailable", "out of memory");
}

static void
text_money(struct page *p, int64_t minor, const char *currency)
{
	struct buf m;

	buf_init(&m, 128);
	i18n_money(&m, p->lang, minor, currency);
	html_text(p->b, m.data);
	buf_free(&m);
}

static void
td_money(struct page *p, int64_t minor, const char *currency)
{
	html_raw_const(p->b, "<td class=\"num\">");
	text_money(p, minor, currency);
	html_raw_const(p->b, "</td>");
}

/*
 * A labelled input whose id is made unique by key (several forms on one
 * page): id "f-NAME-KEY"; error as for page_input().
 */
static void
keyed_input(struct page *p, const char *label, const char *name, const char *key, const char *value,
            const char *error, int required)
{
	char id[96], error_id[112];

	snprintf(id, sizeof(id), "f-%s-%s", name, key);
	snprintf(error_id, sizeof(error_id), "%s-error", id);
	html_raw_const(p->b, "<div class=\"field\"><label");
	html_attr(p->b, "for", id);
	html_raw_const(p->b, ">");
	html_text(p->b, i18n_get(p->lang, label));
	if (required) {
		html_raw_const(p->b, " <span class=\"req\">(");
		html_text(p->b, T(p, "required"));
		html_raw_const(p->b, ")</span>");
	}
	html_raw_const(p->b, "</label><input type=\"text\" inputmode=\"decimal\"");
	html_attr(p->b, "id", id);
	html_attr(p->b, "name", name);
	if (value != NULL)
		html_attr(p->b, "value", value);
	if (required)
		html_raw_const(p->b, " required");
	if (error != NULL) {
		html_raw_const(p->b, " aria-invalid=\"true\"");
		html_attr(p->b, "aria-describedby", error_id);
	}
	html_raw_const(p->b, ">");
	if (error != NULL) {
		html_raw_const(p->b, "<p class=\"field-error\"");
		html_attr(p->b, "id", error_id);
		html_raw_const(p->b, ">");
		html_text(p->b, error);
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "</div>");
}

/* The domain's message, in English, below a notice. */
static void
hint(struct page *p, const char *text)
{
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b, text);
	html_raw_const(p->b, "</p>");
}

/* ---- Pledges and receipts --------------------------------------------------------------------- */

enum { PF_PROGRAM, PF_DONOR, PF_AMOUNT, PF_CURRENCY, PF_CONDITION, PF_COUNT };
enum { RF_AMOUNT, RF_TO_AMOUNT, RF_COUNT };

/* What was typed into the pledge form, and what is wrong with it, field by field. */
struct pledge_form {
	char program[PROGRAM_CODE_MAX + 1];
	char donor[PLEDGE_DONOR_MAX + 1];
	char amount[AMOUNT_TEXT_MAX + 1];
	char currency[CURRENCY_CODE_SIZE + 4];
	char condition[PLEDGE_CONDITION_MAX + 1];
	const char *errors[PF_COUNT]; /* in the page's language, or NULL */
};

/* What was typed into one pledge's receipt form. */
struct receipt_form {
	char pledge[PLEDGE_ID_MAX + 1];
	char amount[AMOUNT_TEXT_MAX + 1];
	char to_amount[AMOUNT_TEXT_MAX + 1];
	const char *errors[RF_COUNT];
};

struct pledges_ctx {
	struct page *p;
	struct store *store;
	const struct receipt_form *receipt; /* the form shown again, or NULL */
	const struct pledge_form *form;     /* the pledge form shown again, or NULL */
	int may_write;
	size_t n;
};

static void
receipt_form(struct pledges_ctx *pc, const struct pledge *pl)
{
	struct page *p = pc->p;
	const struct receipt_form *rf =
	    pc->receipt != NULL && strcmp(pc->receipt->pledge, pl->id) == 0 ? pc->receipt : NULL;
	struct redress_error err;
	struct program prog;
	int other = 0;

	if (program_get(pc->store, pl->program, &prog, &err) == REDRESS_OK)
		other = strcmp(prog.currency, pl->currency) != 0;
	html_raw_const(p->b, "<details");
	if (rf != NULL)
		html_raw_const(p->b, " open");
	html_raw_const(p->b, "><summary>");
	html_text(p->b, T(p, "Book a receipt"));
	html_raw_const(p->b, "</summary><form class=\"form\" method=\"post\"");
	html_href_path_suffix(p->b, "action", "/pledges/", pl->id, "/receipts");
	html_raw_const(p->b, ">");
	page_csrf(p);
	keyed_input(p, N_("Amount received, in the pledge's currency"), "amount", pl->id,
	            rf != NULL ? rf->amount : NULL, rf != NULL ? rf->errors[RF_AMOUNT] : NULL, 1);
	if (other)
		keyed_input(p, N_("Amount that reached the fund, in the program's currency"), "to_amount",
		            pl->id, rf != NULL ? rf->to_amount : NULL,
		            rf != NULL ? rf->errors[RF_TO_AMOUNT] : NULL, 1);
	html_raw_const(p->b, "<button type=\"submit\"");
	{
		char label[160];

		snprintf(label, sizeof(label), "%s: %s", T(p, "Book the receipt"), pl->id);
		html_attr(p->b, "aria-label", label);
	}
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Book the receipt"));
	html_raw_const(p->b, "</button></form></details>");
}

static enum redress_err
pledge_row(void *ctx, const struct pledge *pl, struct redress_error *err)
{
	struct pledges_ctx *pc = ctx;
	struct page *p = pc->p;
	struct program prog;

	(void)err;
	if (pc->n++ == 0) {
		page_table_stacked_begin(p); /* a receipt form in a row: cards on a phone, not a scroll */
		page_th(p, T(p, "Pledge"));
		page_th(p, T(p, "Program"));
		page_th(p, T(p, "Donor"));
		page_th(p, T(p, "Amount"));
		page_th(p, T(p, "Received"));
		page_th(p, T(p, "Conditions"));
		if (pc->may_write)
			page_th(p, T(p, "Receipt"));
		html_raw_const(p->b, "</tr></thead><tbody>");
	}
	html_raw_const(p->b, "<tr>");
	page_td_begin(p, T(p, "Pledge"), NULL);
	html_raw_const(p->b, "<code>");
	html_text(p->b, pl->id);
	html_raw_const(p->b, "</code></td>");
	page_td_begin(p, T(p, "Program"), NULL);
	prog.code[0] = '\0';
	html_text(p->b, page_program_words(p, pc->store, pl->program, &prog));
	html_raw_const(p->b, "</td>");
	page_td_begin(p, T(p, "Donor"), NULL);
	html_text(p->b, pl->donor);
	html_raw_const(p->b, "</td>");
	page_td_begin(p, T(p, "Amount"), "num");
	text_money(p, pl->amount, pl->currency);
	html_raw_const(p->b, "</td>");
	page_td_begin(p, T(p, "Received"), "num");
	text_money(p, pl->received, pl->currency);
	html_raw_const(p->b, "</td>");
	page_td_begin(p, T(p, "Conditions"), NULL);
	html_text(p->b, pl->condition[0] != '\0' ? pl->condition : T(p, "none"));
	html_raw_const(p->b, "</td>");
	if (pc->may_write) {
		page_td_begin(p, T(p, "Receipt"), NULL);
		if (pl->received < pl->amount)
			receipt_form(pc, pl);
		else
			html_text(p->b, T(p, "received in full"));
		html_raw_const(p->b, "</td>");
	}
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

static enum redress_err
program_choice(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct pledges_ctx *pc = ctx;

	(void)err;
	page_option(pc->p, prog->code, program_name(prog, i18n_code(pc->p->lang)),
	            pc->form != NULL ? pc->form->program : NULL);
	return REDRESS_OK;
}

/* The pledges page's content after its heading: the list, each receipt form, the pledge form. */
static void
pledges_body(struct page *p, struct store *store, const struct pledge_form *form,
             const struct receipt_form *receipt)
{
	struct pledges_ctx pc = {p, store, receipt, form, 0, 0};
	const char *none[PF_COUNT] = {NULL};
	const char *const *errors = form != NULL ? form->errors : none;
	struct redress_error err;
	int failed;

	pc.may_write = users_allows(&p->req->actor, PERM_LEDGER_WRITE);
	html_raw_const(p->b, "<p class=\"hint\">");
	html_text(p->b, T(p, "What donors have promised the fund, on what conditions, and what has "
	                     "arrived. A pledge is booked as a receivable; each receipt moves money into "
	                     "the program's fund."));
	html_raw_const(p->b, "</p>");
	/* The listing runs first: page_list_end needs the rows it counted. */
	failed = pledge_each(store, NULL, pledge_row, &pc, &err) != REDRESS_OK;
	page_list_end(p, failed, pc.n, T(p, "The pledges could not be read."),
	              T(p, "No pledge has been recorded yet."));
	if (!pc.may_write)
		return;
	html_raw_const(p->b, "<h2>");
	html_text(p->b, T(p, "Record a pledge"));
	html_raw_const(p->b, "</h2><form class=\"form\" method=\"post\" action=\"/pledges\">");
	page_csrf(p);
	page_select_required_begin(p, N_("Program"), "program", errors[PF_PROGRAM]);
	program_each(store, program_choice, &pc, &err);
	page_select_end(p, "program", errors[PF_PROGRAM]);
	page_input(p, N_("Donor"), "donor", "text", form != NULL ? form->donor : NULL, errors[PF_DONOR], 1,
	           "organization");
	page_input(p, N_("Amount"), "amount", "text", form != NULL ? form->amount : NULL, errors[PF_AMOUNT],
	           1, "off");
	page_input(p, N_("Currency (ISO 4217, for example JPY)"), "currency", "text",
	           form != NULL ? form->currency : NULL, errors[PF_CURRENCY], 1, "off");
	page_input(p, N_("Conditions attached, if any"), "condition", "text",
	           form != NULL ? form->condition : NULL, errors[PF_CONDITION], 0, "off");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Record the pledge"));
	html_raw_const(p->b, "</button></form>");
}

void
page_pledges(struct http_request *req, struct http_response *res)
{
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Pledges and receipts"))) == NULL)
		return;
	pledges_body(&p, store, NULL, NULL);
	page_end(&p, 200);
}

struct pledge_arg {
	struct page_change pc;
	struct pledge_form form;
	struct receipt_form receipt;
	int is_receipt;
};

static enum redress_err
do_pledge(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct pledge_arg *a = arg;
	char id[PLEDGE_ID_MAX + 1];
	enum redress_err rc;
	struct page p;

	if (a->is_receipt)
		rc = pledge_receive(c->log, c->actor, a->receipt.pledge, a->receipt.amount,
		                    a->receipt.to_amount[0] != '\0' ? a->receipt.to_amount : NULL, NULL, err);
	else
		rc = pledge_add(c->log, c->actor, a->form.program, a->form.donor, a->form.amount,
		                a->form.currency, a->form.condition[0] != '\0' ? a->form.condition : NULL, id,
		                err);
	if (rc == REDRESS_OK) {
		page_redirect(res, "/pledges");
		return REDRESS_OK;
	}
	/* Rolled back: the form again, the domain's refusal beside the field it concerns. */
	page_change_begin(&p, &a->pc, res, N_("Pledges and receipts"));
	if (a->is_receipt) {
		if (rc == REDRESS_E_USAGE)
			a->receipt.errors[RF_TO_AMOUNT] = T(
			    &p, "Give the amount the bank booked into the fund, in the program's currency.");
		else if (rc == REDRESS_E_REFUSED)
			a->receipt.errors[RF_AMOUNT] = T(&p, "This is more than what remains of the pledge.");
		else
			a->receipt.errors[RF_AMOUNT] = T(&p, "The receipt could not be booked.");
	} else if (rc == REDRESS_E_NOTFOUND) {
		a->form.errors[PF_PROGRAM] = T(&p, "There is no such program.");
	}
	page_notice(&p, "error", T(&p, "Nothing was saved."));
	hint(&p, err->message);
	pledges_body(&p, c->store, a->is_receipt ? NULL : &a->form, a->is_receipt ? &a->receipt : NULL);
	page_end(&p, rc == REDRESS_E_NOTFOUND && a->is_receipt ? 404 : 422);
	return rc;
}

/* The form shown again on the request's thread, before anything is submitted. */
static void
pledge_form_again(struct http_request *req, struct http_response *res, struct pledge_arg *a)
{
	struct store *store = http_store(req, res);
	struct page p;

	if (store != NULL) {
		page_begin(&p, req, res, N_("Pledges and receipts"));
		page_notice(&p, "error", T(&p, "Nothing was saved: see the fields marked below."));
		pledges_body(&p, store, a->is_receipt ? NULL : &a->form, a->is_receipt ? &a->receipt : NULL);
		page_end(&p, 422);
	}
	free(a);
}

/*
 * 1 when text (size bytes) is an amount in currency code (found), as
 * money_parse() reads it once the thousands separators people type
 * ("50,000,000") are dropped; text is then rewritten without them.  0
 * leaves text as typed, to be shown again.
 */
static int
amount_ok(char *text, size_t size, const char *code)
{
	char plain[AMOUNT_TEXT_MAX + 1];
	struct redress_error err;
	const struct currency *cur;
	int64_t minor;

	if ((cur = currency_find(code, &err)) == NULL || page_amount_parse(text, plain, sizeof(plain)) != 0 ||
	    money_parse(plain, cur, &minor, &err) != REDRESS_OK || minor <= 0)
		return 0;
	snprintf(text, size, "%s", plain);
	return 1;
}

void
page_pledges_add(struct http_request *req, struct http_response *res)
{
	struct pledge_arg *a = calloc(1, sizeof(*a));
	struct redress_error err;
	struct page p;
	int bad = 0;
	size_t i;

	if (a == NULL) {
		out_of_memory(res);
		return;
	}
	page_change_init(&a->pc, req, res);
	p.lang = a->pc.lang;
	if (!page_form_copy(req, "program", a->form.program, sizeof(a->form.program)) ||
	    a->form.program[0] == '\0')
		a->form.errors[PF_PROGRAM] = T(&p, "Choose the program the pledge is for.");
	if (!page_form_copy(req, "donor", a->form.donor, sizeof(a->form.donor)))
		a->form.errors[PF_DONOR] = T(&p, "The donor's name is too long.");
	else if (a->form.donor[0] == '\0')
		a->form.errors[PF_DONOR] = T(&p, "Name the donor: an institution or a government.");
	if (!page_form_copy(req, "currency", a->form.currency, sizeof(a->form.currency)) ||
	    currency_find(a->form.currency, &err) == NULL)
		a->form.errors[PF_CURRENCY] = T(&p, "Give a currency code such as KRW, JPY or USD.");
	if (!page_form_copy(req, "amount", a->form.amount, sizeof(a->form.amount)) ||
	    (a->form.errors[PF_CURRENCY] == NULL &&
	     !amount_ok(a->form.amount, sizeof(a->form.amount), a->form.currency)) ||
	    a->form.amount[0] == '\0')
		a->form.errors[PF_AMOUNT] =
		    T(&p, "Give an amount above zero in the currency's units, for example 1,000,000,000.");
	if (!page_form_copy(req, "condition", a->form.condition, sizeof(a->form.condition)))
		a->form.errors[PF_CONDITION] = T(&p, "The conditions are too long: at most 2000 bytes.");
	for (i = 0; i < PF_COUNT; i++)
		bad |= a->form.errors[i] != NULL;
	if (bad) {
		pledge_form_again(req, res, a);
		return;
	}
	http_change_submit(req, do_pledge, a);
}

void
page_pledges_receive(struct http_request *req, struct http_response *res)
{
	char plain[AMOUNT_TEXT_MAX + 1];
	struct pledge_arg *a = calloc(1, sizeof(*a));
	struct redress_error err;
	struct pledge pl;
	struct store *store;
	struct page p;

	if (a == NULL) {
		out_of_memory(res);
		return;
	}
	page_change_init(&a->pc, req, res);
	p.lang = a->pc.lang;
	a->is_receipt = 1;
	snprintf(a->receipt.pledge, sizeof(a->receipt.pledge), "%s", http_param(req, "id"));
	if ((store = http_store(req, res)) == NULL) {
		free(a);
		return;
	}
	if (pledge_get(store, a->receipt.pledge, &pl, &err) != REDRESS_OK) {
		page_begin(&p, req, res, N_("Pledges and receipts"));
		page_notice(&p, "error", T(&p, "There is no such pledge."));
		page_end(&p, 404);
		free(a);
		return;
	}
	if (!page_form_copy(req, "amount", a->receipt.amount, sizeof(a->receipt.amount)) ||
	    !amount_ok(a->receipt.amount, sizeof(a->receipt.amount), pl.currency))
		a->receipt.errors[RF_AMOUNT] =
		    T(&p, "Give the amount received, above zero, in the pledge's currency.");
	if (!page_form_copy(req, "to_amount", a->receipt.to_amount, sizeof(a->receipt.to_amount)))
		a->receipt.errors[RF_TO_AMOUNT] = T(&p, "The amount is too long.");
	else if (a->receipt.to_amount[0] != '\0' &&
	         page_amount_parse(a->receipt.to_amount, plain, sizeof(plain)) == 0)
		snprintf(a->receipt.to_amount, sizeof(a->receipt.to_amount), "%s", plain);
	if (a->receipt.errors[RF_AMOUNT] != NULL || a->receipt.errors[RF_TO_AMOUNT] != NULL) {
		pledge_form_again(req, res, a);
		return;
	}
	http_change_submit(req, do_pledge, a);
}

/* ---- Payment batches ------------------------------------------------------------------------ */

struct batches_ctx {
	struct page *p;
	struct store *store;
	size_t n;
	int more;
};

static enum redress_err
batch_row(void *ctx, const char *id, struct redress_error *err)
{
	struct batches_ctx *bc = ctx;
	struct page *p = bc->p;
	struct payments_batch_info b;

	if (bc->n == BATCHES_PAGE) {
		bc->more = 1;
		return error_set(err, REDRESS_E_OVERFLOW, "a page's worth"); /* stops the walk */
	}
	if (payments_batch_get(bc->store, id, &b, err) != REDRESS_OK)
		return err->code;
	if (bc->n++ == 0) {
		page_table_begin(p, NULL);
		page_th(p, T(p, "Batch"));
		page_th(p, T(p, "Program"));
		page_th(p, T(p, "Orders"));
		page_th(p, T(p, "Pending"));
		page_th(p, T(p, "Settled"));
		page_th(p, T(p, "Returned"));
		page_th(p, T(p, "Total"));
		html_raw_const(p->b, "</tr></thead><tbody>");
	}
	html_raw_const(p->b, "<tr><td><a");
	html_href_path(p->b, "href", "/batches/", b.id);
	html_raw_const(p->b, ">");
	html_text(p->b, b.id);
	html_raw_const(p->b, "</a></td><td><code>");
	html_text(p->b, b.program);
	html_raw_const(p->b, "</code></td><td class=\"num\">");
	html_textf(p->b, "%llu", (unsigned long long)b.orders);
	html_raw_const(p->b, "</td><td class=\"num\">");
	html_textf(p->b, "%llu", (unsigned long long)b.pending);
	html_raw_const(p->b, "</td><td class=\"num\">");
	html_textf(p->b, "%llu", (unsigned long long)b.settled);
	html_raw_const(p->b, "</td><td class=\"num\">");
	html_textf(p->b, "%llu", (unsigned long long)b.returned);
	html_raw_const(p->b, "</td>");
	td_money(p, b.total, b.currency);
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

static enum redress_err
batch_program_choice(void *ctx, const struct program *prog, struct redress_error *err)
{
	(void)err;
	page_option(ctx, prog->code, program_name(prog, i18n_code(((struct page *)ctx)->lang)), NULL);
	return REDRESS_OK;
}

/* The bank file upload form: a camt.054 or a pain.002. */
static void
import_form(struct page *p)
{
	html_raw_const(p->b, "<h2>");
	html_text(p->b, T(p, "The bank's answer"));
	html_raw_const(p->b, "</h2><p class=\"hint\">");
	html_text(p->b, T(p, "Upload the bank's camt.054 (booked payments) or pain.002 (payment status) "
	                     "file: settled orders are posted, returned ones voided. The same file twice "
	                     "changes nothing."));
	html_raw_const(p->b, "</p><form class=\"form\" method=\"post\" action=\"/bank-files\""
	                     " enctype=\"multipart/form-data\">");
	page_csrf(p);
	html_raw_const(p->b, "<div class=\"field\"><label for=\"f-file\">");
	html_text(p->b, T(p, "Bank file (XML)"));
	html_raw_const(p->b,
	               "</label><input id=\"f-file\" name=\"file\" type=\"file\""
	               " accept=\".xml,application/xml,text/xml\" required></div><button type=\"submit\">");
	html_text(p->b, T(p, "Read the bank file"));
	html_raw_const(p->b, "</button></form>");
}

/* The batches page's content: creating one, the list, the bank file form. */
static void
batches_body(struct page *p, struct store *store)
{
	struct batches_ctx bc = {p, store, 0, 0};
	struct redress_error err;
	int failed;
	int may_write = users_allows(&p->req->actor, PERM_LEDGER_WRITE);

	if (may_write) {
		html_raw_const(p->b, "<h2>");
		html_text(p->b, T(p, "Make a batch from the queue"));
		html_raw_const(p->b, "</h2><p class=\"hint\">");
		html_text(p->b, T(p, "The next payments in the queue, oldest and most frail first, become "
		                     "orders held at the bank until its answer settles or returns them."));
		html_raw_const(p->b, "</p><form class=\"form\" method=\"post\" action=\"/batches\">");
		page_csrf(p);
		page_select_begin(p, N_("Program"), "program", NULL);
		program_each(store, batch_program_choice, p, &err);
		page_select_end(p, "program", NULL);
		page_input(p, N_("At most this many orders (empty: all)"), "limit", "number", NULL, NULL, 0,
		           "off");
		html_raw_const(p->b, "<button type=\"submit\">");
		html_text(p->b, T(p, "Make the batch"));
		html_raw_const(p->b, "</button></form>");
	}
	html_raw_const(p->b, "<h2>");
	html_text(p->b, T(p, "Batches"));
	html_raw_const(p->b, "</h2>");
	failed = payments_batch_each(store, batch_row, &bc, &err) != REDRESS_OK && !bc.more;
	page_list_end(p, failed, bc.n, T(p, "The batches could not be read."),
	              T(p, "No batch has been made yet."));
	if (may_write)
		import_form(p);
}

void
page_batches(struct http_request *req, struct http_response *res)
{
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Payment batches"))) == NULL)
		return;
	batches_body(&p, store);
	page_end(&p, 200);
}

struct batch_arg {
	struct page_change pc;
	char program[PROGRAM_CODE_MAX + 1];
	unsigned long long limit;
};

static enum redress_err
do_batch(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct batch_arg *a = arg;
	struct payments_batch_run run;
	enum redress_err rc;
	char path[64];
	struct page p;

	memset(&run, 0, sizeof(run));
	rc = payments_batch(c->log, c->actor, a->program, a->limit, &run, err);
	if (rc == REDRESS_OK && run.id[0] != '\0') {
		snprintf(path, sizeof(path), "/batches/%s", run.id);
		page_redirect(res, path);
		return REDRESS_OK;
	}
	page_change_begin(&p, &a->pc, res, N_("Payment batches"));
	if (rc != REDRESS_OK) {
		page_notice(&p, "error", T(&p, "The batch could not be made, and nothing was saved."));
		hint(&p, err->message);
	} else {
		/* Not a success: no batch was made.  Say why, and where the work to unblock it is. */
		page_notice(&p, "info",
		            T(&p, "No batch was made: nobody in this program's queue can be paid now."));
		if (run.no_bank > 0 || run.deceased > 0) {
			html_raw_const(p.b, "<p class=\"hint\">");
			html_textf(p.b, "%s %llu; %s %llu",
			           T(&p, "Left in the queue for lack of bank details:"),
			           (unsigned long long)run.no_bank, T(&p, "deceased or erased:"),
			           (unsigned long long)run.deceased);
			html_raw_const(p.b, "</p>");
		}
		if (run.merged > 0) {
			html_raw_const(p.b, "<p class=\"hint\">");
			html_textf(p.b, "%s %llu. %s",
			           T(&p, "Held in the queue: persons merged into another:"),
			           (unsigned long long)run.merged,
			           T(&p, "Caseworkers decide them on the file each was merged into."));
			html_raw_const(p.b, "</p>");
		}
		if (run.no_bank > 0) {
			html_raw_const(p.b, "<p><a href=\"/persons?unpaid=1\">");
			html_text(
			    p.b,
			    T(&p, "The persons not yet paid: record their bank details on their case files"));
			html_raw_const(p.b, "</a></p>");
		}
	}
	batches_body(&p, c->store);
	page_end(&p, rc == REDRESS_OK ? 200 : rc == REDRESS_E_NOTFOUND ? 404 : 422);
	return rc;
}

void
page_batches_create(struct http_request *req, struct http_response *res)
{
	struct batch_arg *a = calloc(1, sizeof(*a));
	char limit[24], *end;
	struct store *store;
	struct page p;

	if (a == NULL) {
		out_of_memory(res);
		return;
	}
	page_change_init(&a->pc, req, res);
	if (!page_form_copy(req, "program", a->program, sizeof(a->program)) || a->program[0] == '\0' ||
	    !page_form_copy(req, "limit", limit, sizeof(limit)))
		goto refused;
	if (limit[0] != '\0') {
		if (limit[0] < '0' || limit[0] > '9')
			goto refused;
		a->limit = strtoull(limit, &end, 10);
		if (*end != '\0' || a->limit > PAYMENTS_BATCH_MAX)
			goto refused;
	}
	http_change_submit(req, do_batch, a);
	return;
refused:
	free(a);
	if ((store = http_store(req, res)) == NULL)
		return;
	page_begin(&p, req, res, N_("Payment batches"));
	page_notice(&p, "error",
	            T(&p,
	              "Choose a program, and give the number of orders as a whole number up to 100000, or "
	              "leave it empty."));
	batches_body(&p, store);
	page_end(&p, 422);
}

static const char *
order_state_words(struct page *p, enum payments_order_state state)
{
	switch (state) {
	case PAYMENTS_PENDING: return T(p, "pending at the bank");
	case PAYMENTS_SETTLED: return T(p, "settled");
	case PAYMENTS_RETURNED: return T(p, "returned");
	}
	return "";
}

static enum redress_err
order_row(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	struct page *p = ctx;

	(void)err;
	html_raw_const(p->b, "<tr><td><code>");
	html_text(p->b, o->id);
	html_raw_const(p->b, "</code></td><td>");
	page_text_ids(p, o->beneficiary);
	html_raw_const(p->b, "</td>");
	td_money(p, o->amount, o->currency);
	html_raw_const(p->b, "<td>");
	html_text(p->b, order_state_words(p, o->state));
	if (o->state == PAYMENTS_SETTLED && o->booked_on[0] != '\0') {
		html_text(p->b, " ");
		page_text_ids(p, o->booked_on);
	}
	if (o->state == PAYMENTS_RETURNED && o->reason[0] != '\0') {
		html_raw_const(p->b, " <code>");
		html_text(p->b, o->reason);
		html_raw_const(p->b, "</code>");
	}
	html_raw_const(p->b, "</td></tr>");
	return REDRESS_OK;
}

static void
count_fact(struct page *p, const char *label, uint64_t n, int64_t total, const char *currency)
{
	struct buf m;
	char text[192];

	buf_init(&m, 128);
	i18n_money(&m, p->lang, total, currency);
	snprintf(text, sizeof(text), "%llu (%s)", (unsigned long long)n, m.data != NULL ? m.data : "");
	page_fact(p, label, text);
	buf_free(&m);
}

/* A batch's page body; its status (200, or 404 after saying there is no such batch). */
static unsigned
batch_body(struct page *p, struct store *store, const char *id)
{
	struct payments_batch_info b;
	struct redress_error err;
	char text[32];

	if (payments_batch_get(store, id, &b, &err) != REDRESS_OK) {
		page_notice(p, "error", T(p, "There is no such batch."));
		return 404;
	}
	html_raw_const(p->b, "<dl class=\"facts\">");
	page_fact(p, T(p, "Batch"), b.id);
	page_fact(p, T(p, "Program"), b.program);
	count_fact(p, T(p, "Orders"), b.orders, b.total, b.currency);
	count_fact(p, T(p, "Pending"), b.pending, b.total_pending, b.currency);
	count_fact(p, T(p, "Settled"), b.settled, b.total_settled, b.currency);
	count_fact(p, T(p, "Returned"), b.returned, b.total_returned, b.currency);
	snprintf(text, sizeof(text), "%llu", (unsigned long long)b.exports);
	page_fact(p, T(p, "Times its payment file was downloaded"), text);
	html_raw_const(p->b, "</dl>");
	if (users_allows(&p->req->actor, PERM_LEDGER_WRITE) && b.pending > 0) {
		html_raw_const(p->b, "<form class=\"form\" method=\"post\"");
		html_href_path_suffix(p->b, "action", "/batches/", b.id, "/export");
		html_raw_const(p->b, ">");
		page_csrf(p);
		html_raw_const(p->b, "<p class=\"hint\">");
		html_text(p->b,
		          T(p, "The pain.001 file of the pending orders, for the bank. Each download is "
		               "recorded with who took it."));
		html_raw_const(p->b, "</p><button type=\"submit\">");
		html_text(p->b, T(p, "Download the payment file (pain.001)"));
		html_raw_const(p->b, "</button></form>");
	}
	html_raw_const(p->b, "<h2>");
	html_text(p->b, T(p, "Orders"));
	html_raw_const(p->b, "</h2>");
	page_table_begin(p, T(p, "Orders"));
	page_th(p, T(p, "Order"));
	page_th(p, T(p, "Beneficiary"));
	page_th(p, T(p, "Amount"));
	page_th(p, T(p, "State"));
	html_raw_const(p->b, "</tr></thead><tbody>");
	if (payments_orders_each(store, b.id, order_row, p, &err) != REDRESS_OK) {
		page_table_end(p);
		page_notice(p, "error", T(p, "The orders could not be read."));
	} else {
		page_table_end(p);
	}
	if (users_allows(&p->req->actor, PERM_LEDGER_WRITE))
		import_form(p);
	html_raw_const(p->b, "<p><a href=\"/batches\">");
	html_text(p->b, T(p, "Payment batches"));
	html_raw_const(p->b, "</a></p>");
	return 200;
}

void
page_batches_show(struct http_request *req, struct http_response *res)
{
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Payment batch"))) == NULL)
		return;
	page_end(&p, batch_body(&p, store, http_param(req, "id")));
}

struct export_arg {
	struct page_change pc;
	char batch[PAYMENTS_BATCH_ID_MAX + 1];
};

static enum redress_err
do_export(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct export_arg *a = arg;
	char now[CLOCK_TEXT_SIZE];
	enum redress_err rc;
	struct page p;

	/* pain.001's CreDtTm: seconds, no zone designator. */
	clock_now_text(now);
	now[19] = '\0';
	buf_reset(&res->body);
	rc = payments_export(c->log, c->actor, &c->keys, a->batch, now, &res->body, err);
	if (rc == REDRESS_OK) {
		res->status = 200;
		res->content_type = "application/xml";
		snprintf(res->disposition, sizeof(res->disposition),
		         "attachment; filename=\"pain.001-%s.xml\"", a->batch);
		return REDRESS_OK;
	}
	buf_reset(&res->body);
	page_change_begin(&p, &a->pc, res, N_("Payment batch"));
	page_notice(&p, "error", T(&p, "The payment file could not be made, and nothing was recorded."));
	hint(&p, err->message);
	page_end(&p, batch_body(&p, c->store, a->batch) == 200 ? 422 : 404);
	return rc;
}

void
page_batches_export(struct http_request *req, struct http_response *res)
{
	struct export_arg *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		out_of_memory(res);
		return;
	}
	page_change_init(&a->pc, req, res);
	snprintf(a->batch, sizeof(a->batch), "%s", http_param(req, "id"));
	http_change_submit(req, do_export, a);
}

struct import_arg {
	struct page_change pc;
	char name[256]; /* the uploaded file's name, for errors */
	size_t len;
	char bytes[]; /* the file */
};

static void
run_fact_u(struct page *p, const char *label, uint64_t n)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)n);
	page_fact(p, label, text);
}

static enum redress_err
do_import(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct import_arg *a = arg;
	struct payments_import_run run;
	enum redress_err rc;
	struct page p;

	memset(&run, 0, sizeof(run));
	rc = payments_import(c->log, c->actor, a->name, a->bytes, a->len, &run, err);
	if (rc != REDRESS_OK) {
		page_change_begin_failed(&p, &a->pc, res, N_("The bank's answer"));
		page_notice(&p, "error", T(&p, "The bank file was refused, and nothing was changed."));
		/* The parser's own words are English and technical: say what the file must be instead. */
		hint(&p,
		     rc == REDRESS_E_CONFLICT
		         ? T(&p, "The file names payment orders the fund does not have, or in another state.")
		         : T(&p, "The fund reads only the bank's camt.054 statements and pain.002 status "
		                 "reports, as XML. Ask the bank for one of them, and send it as it came."));
		html_raw_const(p.b, "<p><a href=\"/batches\">");
		html_text(p.b, T(&p, "Payment batches"));
		html_raw_const(p.b, "</a></p>");
		page_end(&p, 422);
		return rc;
	}
	page_change_begin(&p, &a->pc, res, N_("The bank's answer"));
	page_notice(&p, "ok",
	            run.already ? T(&p, "This file was read before; nothing changed.")
	                        : T(&p, "The bank file was read."));
	html_raw_const(p.b, "<dl class=\"facts\">");
	page_fact(&p, T(&p, "Kind"), run.kind);
	page_fact(&p, "SHA-256", run.sha256);
	run_fact_u(&p, T(&p, "Orders settled"), run.settled);
	run_fact_u(&p, T(&p, "Orders returned"), run.returned);
	run_fact_u(&p, T(&p, "Already so, unchanged"), run.unchanged);
	run_fact_u(&p, T(&p, "Entries not ours, ignored"), run.ignored);
	if (!run.already && run.foreign > 0) {
		/* Fees, money coming in, NOTPROVIDED: counted and summed, never booked. */
		const struct currency *cur = currency_find(run.foreign_currency, NULL);
		char in[MONEY_TEXT_SIZE] = "0", out[MONEY_TEXT_SIZE] = "0", text[160];

		if (cur != NULL) {
			money_format(run.foreign_in_total, cur, in, sizeof(in));
			money_format(run.foreign_out_total, cur, out, sizeof(out));
		}
		snprintf(text, sizeof(text), "%llu (+%s / -%s %s)", (unsigned long long)run.foreign, in, out,
		         run.foreign_currency);
		page_fact(&p, T(&p, "Entries not ours, not booked"), text);
	}
	html_raw_const(p.b, "</dl><p><a href=\"/batches\">");
	html_text(p.b, T(&p, "Payment batches"));
	html_raw_const(p.b, "</a></p>");
	page_end(&p, 200);
	return REDRESS_OK;
}

void
page_bank_files(struct http_request *req, struct http_response *res)
{
	const struct buf *file = http_upload_file(req);
	struct redress_error err;
	struct import_arg *a;
	struct store *store;
	struct page p;

	/* A file cut short at the upload limit is no file: never read a truncated statement. */
	if (file == NULL || file->len == 0 || buf_error(file, &err) != REDRESS_OK ||
	    file->len > PAYMENTS_XML_MAX) {
		if ((store = http_store(req, res)) == NULL)
			return;
		page_begin(&p, req, res, N_("Payment batches"));
		page_notice(&p, "error",
		            file == NULL || file->len == 0
		                ? T(&p, "Choose the bank's file to upload.")
		                : T(&p, "The file is too large for a bank file; nothing was read."));
		batches_body(&p, store);
		page_end(&p, 422);
		return;
	}
	if ((a = calloc(1, sizeof(*a) + file->len + 1)) == NULL) {
		out_of_memory(res);
		return;
	}
	page_change_init(&a->pc, req, res);
	snprintf(a->name, sizeof(a->name), "%s",
	         req->upload_name[0] != '\0' ? req->upload_name : "the bank file");
	memcpy(a->bytes, file->data, file->len);
	a->len = file->len;
	http_change_submit(req, do_import, a);
}
