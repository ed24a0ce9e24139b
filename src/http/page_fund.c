/*
 * page_fund.c -- the pages of finance, the administrator and the
 * monitor: the fund's balances, the payment queue and the entitlement run;
 * the staff accounts and second-factor enrolment with its QR code; the
 * log's signed checkpoint for whoever checks the published figures.
 *
 * Amounts are written for the page's language (i18n_money): never a float,
 * always the currency's own minor units.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/qr.h"
#include "crypto/codec.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "http/page.h"
#include "http/page_program_history.h"

/* <td> holding an amount in the page's language, right-aligned. */
static void
td_money(struct page *p, int64_t minor, const char *currency)
{
	struct buf m;

	buf_init(&m, 128);
	i18n_money(&m, p->lang, minor, currency);
	html_raw_const(p->b, "<td class=\"num\">");
	html_text(p->b, m.data);
	html_raw_const(p->b, "</td>");
	buf_free(&m);
}

/* ---- Balances ----------------------------------------------------------------------- */

static const char *
kind_words(struct page *p, enum ledger_kind kind)
{
	switch (kind) {
	case LEDGER_ASSET: return T(p, "asset");
	case LEDGER_LIABILITY: return T(p, "liability");
	case LEDGER_EQUITY: return T(p, "equity");
	case LEDGER_INCOME: return T(p, "income");
	case LEDGER_EXPENSE: return T(p, "expense");
	}
	return "";
}

/*
 * The name of an account the system opens, in the page's language, by its
 * code's prefix (bank:krw, payable:PROGRAM ...), into out; an account of
 * another shape keeps the name it was opened with.
 */
static const char *
account_words(struct page *p, const struct ledger_account *a, char *out, size_t size)
{
	static const struct {
		const char *prefix;
		const char *words; /* "%s" stands for the code's rest */
		int currency;      /* the rest is a currency: written in capitals (krw: KRW) */
	} known[] = {
	    {"bank:", N_("The fund's bank account (%s)"), 1},
	    {"payable:", N_("Benefits payable under program %s"), 0},
	    {"benefits:", N_("Benefits paid under program %s"), 0},
	    {"pledges:", N_("Pledges receivable (%s)"), 1},
	    {"contributions:", N_("Contributions pledged (%s)"), 1},
	    {"exchange:", N_("Currency exchange (%s)"), 1},
	};
	const char *words, *at;
	char rest[LEDGER_CODE_MAX + 1];
	size_t i, j, n;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		n = strlen(known[i].prefix);
		if (strncmp(a->code, known[i].prefix, n) != 0 || a->code[n] == '\0')
			continue;
		words = i18n_get(p->lang, known[i].words);
		if ((at = strstr(words, "%s")) == NULL)
			break;
		for (j = 0; a->code[n + j] != '\0' && j < sizeof(rest) - 1; j++)
			rest[j] = known[i].currency && a->code[n + j] >= 'a' && a->code[n + j] <= 'z'
			              ? (char)(a->code[n + j] - 'a' + 'A')
			              : a->code[n + j];
		rest[j] = '\0';
		snprintf(out, size, "%.*s%s%s", (int)(at - words), words, rest, at + 2);
		return out;
	}
	return a->name;
}

static enum redress_err
balance_row(void *ctx, const struct ledger_account *a, struct redress_error *err)
{
	struct page *p = ctx;
	int64_t posted, pending;
	char words[LEDGER_NAME_MAX + 128];

	if (ledger_balance(a, &posted, &pending, err) != REDRESS_OK)
		return REDRESS_OK; /* an overflow is the audit's to report; the page shows the rest */
	html_raw_const(p->b, "<tr><td><code>");
	html_text(p->b, a->code);
	html_raw_const(p->b, "</code></td><td>");
	html_text(p->b, account_words(p, a, words, sizeof(words)));
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, kind_words(p, a->kind));
	html_raw_const(p->b, "</td>");
	td_money(p, posted, a->currency);
	td_money(p, pending, a->currency);
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

void
page_fund_balances(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Fund balances"))) == NULL)
		return;
	page_table_begin(&p, NULL);
	page_th(&p, T(&p, "Account"));
	page_th(&p, T(&p, "Name"));
	page_th(&p, T(&p, "Kind"));
	page_th(&p, T(&p, "Balance"));
	page_th(&p, T(&p, "With pending transfers"));
	html_raw_const(p.b, "</tr></thead><tbody>");
	if (ledger_account_each(store, balance_row, &p, &err) != REDRESS_OK) {
		page_table_end(&p);
		page_notice(&p, "error", T(&p, "The balances could not be read."));
		page_end(&p, 500);
		return;
	}
	page_table_end(&p);
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b, T(&p, "Balances are in each account's own currency, from the double-entry ledger."));
	html_raw_const(p.b, "</p>");
	page_end(&p, 200);
}

/* ---- The payment queue and the entitlement run ----------------------------------------------- */

/* The first this many of a queue: the next payments to make, and a page that stays small at any size. */
#define QUEUE_PAGE 100

struct queue_ctx {
	struct page *p;
	size_t n;
	int more; /* stopped at QUEUE_PAGE */
};

static const char *
basis_words(struct page *p, enum entitlement_basis basis)
{
	switch (basis) {
	case ENTITLEMENT_SURVIVOR: return T(p, "survivor");
	case ENTITLEMENT_BEREAVED: return T(p, "bereaved family");
	case ENTITLEMENT_INHERITED: return T(p, "inherited");
	}
	return "";
}

static enum redress_err
queue_row(void *ctx, const struct entitlement *e, const struct registry_person *person,
          struct redress_error *err)
{
	struct queue_ctx *q = ctx;
	struct page *p = q->p;

	if (q->n == QUEUE_PAGE) {
		q->more = 1;
		return error_set(err, REDRESS_E_OVERFLOW,
		                 "a page's worth"); /* stops the walk; not a failure */
	}
	if (q->n++ == 0) {
		page_table_begin(p, NULL);
		page_th(p, "#");
		page_th(p, T(p, "Beneficiary"));
		page_th(p, T(p, "Birth year"));
		page_th(p, T(p, "Frailty"));
		page_th(p, T(p, "Basis"));
		page_th(p, T(p, "Amount"));
		html_raw_const(p->b, "</tr></thead><tbody>");
	}
	html_raw_const(p->b, "<tr><td>");
	html_textf(p->b, "%zu", q->n);
	html_raw_const(p->b, "</td><td>");
	page_text_ids(p, e->beneficiary);
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%d", person->birth_year);
	html_raw_const(p->b, "</td><td>");
	html_textf(p->b, "%d", person->frailty);
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, basis_words(p, e->basis));
	html_raw_const(p->b, "</td>");
	td_money(p, e->amount, e->currency);
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

struct programs_ctx {
	struct page *p;
	struct store *store;
	int may_run;
};

static enum redress_err
program_queue(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct programs_ctx *pc = ctx;
	struct page *p = pc->p;
	struct queue_ctx q = {p, 0, 0};
	int failed;

	html_raw_const(p->b, "<section><h2>");
	html_text(p->b, program_name(prog, i18n_code(p->lang)));
	html_raw_const(p->b, "</h2><p><code>");
	html_text(p->b, prog->code);
	html_raw_const(p->b, "</code></p>");
	/* Its own order (page_program_history.c), when its rules give one. */
	if (prog->rules.npriority > 0) {
		struct buf order;

		buf_init(&order, 256);
		page_program_order(p, prog, &order);
		html_raw_const(p->b, "<p class=\"hint\">");
		html_textf(p->b, "%s: %s", T(p, "Order of payment"), order.data != NULL ? order.data : "");
		html_raw_const(p->b, "</p>");
		buf_free(&order);
	}
	/* "Nobody is waiting" only for an empty queue, not after a page of it. */
	failed = entitlements_queue(pc->store, prog->code, queue_row, &q, err) != REDRESS_OK && !q.more;
	if (page_list_end(p, failed, q.n, T(p, "The queue could not be read."),
	                  T(p, "Nobody is waiting to be paid under this program.")) < 0) {
		html_raw_const(p->b, "</section>");
		return REDRESS_OK;
	}
	if (q.more) {
		html_raw_const(p->b, "<p class=\"hint\">");
		html_textf(p->b, "%s %d", T(p, "The first in the queue; the number shown:"), QUEUE_PAGE);
		html_raw_const(p->b, "</p>");
	}
	if (pc->may_run) {
		html_raw_const(p->b, "<form class=\"form\" method=\"post\" action=\"/entitlements\">");
		page_csrf(p);
		html_raw_const(p->b, "<input type=\"hidden\" name=\"program\"");
		html_attr(p->b, "value", prog->code);
		html_raw_const(p->b, "><button type=\"submit\">");
		html_text(p->b, T(p, "Run the entitlements for this program"));
		html_raw_const(p->b, "</button></form>");
	}
	html_raw_const(p->b, "</section>");
	return REDRESS_OK;
}

void
page_fund_queue(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct programs_ctx pc;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Payment queue"))) == NULL)
		return;
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(p.b,
	          T(&p, "Oldest and most frail first: a payment that arrives after a survivor's death has "
	                "failed her. Those who declined are never paid and are not listed."));
	html_raw_const(p.b, "</p>");
	pc.p = &p;
	pc.store = store;
	pc.may_run = users_allows(&req->actor, PERM_ENTITLEMENTS_RUN);
	if (program_each(store, program_queue, &pc, &err) != REDRESS_OK)
		page_notice(&p, "error", T(&p, "The queue could not be read."));
	page_end(&p, 200);
}

struct run_arg {
	struct page_change pc;
	char program[PROGRAM_CODE_MAX + 1];
};

static void
run_fact(struct page *p, const char *label, unsigned long long n)
{
	char text[32];

	snprintf(text, sizeof(text), "%llu", n);
	page_fact(p, label, text);
}

static enum redress_err
do_run(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct run_arg *a = arg;
	struct entitlements_run run;
	struct program prog;
	enum redress_err rc;
	struct page p;
	struct buf m;

	memset(&run, 0, sizeof(run));
	rc = entitlements_compute(c->log, c->actor, a->program, &run, err);
	page_change_begin(&p, &a->pc, res, N_("Entitlement run"));
	if (rc != REDRESS_OK) {
		page_notice(
		    &p, "error",
		    rc == REDRESS_E_REFUSED
		        ? T(&p,
		            "The run was refused, and nothing was booked: the fund would be over-committed.")
		        : T(&p, "The run could not be made, and nothing was booked."));
		html_raw_const(p.b, "<p class=\"hint\">");
		html_text(p.b, err->message);
		html_raw_const(p.b, "</p>");
		/* An unknown program is the form's fault (404), not the server's. */
		page_end(&p, rc == REDRESS_E_REFUSED ? 422 : http_status_for(rc));
		return rc;
	}
	page_notice(&p, "ok", T(&p, "The entitlements are booked."));
	html_raw_const(p.b, "<dl class=\"facts\">");
	page_fact(&p, T(&p, "Program"), a->program);
	run_fact(&p, T(&p, "Entitlements booked"), run.booked);
	buf_init(&m, 128);
	if (program_get(c->store, a->program, &prog, err) == REDRESS_OK) {
		i18n_money(&m, p.lang, run.total, prog.currency);
		page_fact(&p, T(&p, "Their total"), m.data);
	}
	buf_free(&m);
	run_fact(&p, T(&p, "Of those, declined by the person"), run.declined);
	run_fact(&p, T(&p, "Already booked and unchanged"), run.skipped);
	run_fact(&p, T(&p, "Approved claims that cannot be computed yet"), run.unresolved);
	if (run.ended_at_death > 0)
		run_fact(&p, T(&p, "Approved claims owing nothing: payments stop at death"),
		         run.ended_at_death);
	html_raw_const(p.b, "</dl>");
	if (run.unresolved > 0) {
		html_raw_const(p.b, "<p class=\"hint\">");
		html_text(p.b, run.first_unresolved);
		html_raw_const(p.b, "</p>");
	}
	html_raw_const(p.b, "<p><a href=\"/queue\">");
	html_text(p.b, T(&p, "Payment queue"));
	html_raw_const(p.b, "</a></p>");
	page_end(&p, 200);
	return REDRESS_OK;
}

void
page_fund_run(struct http_request *req, struct http_response *res)
{
	struct run_arg *a = calloc(1, sizeof(*a));
	struct page p;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	page_change_init(&a->pc, req, res);
	if (!page_form_copy(req, "program", a->program, sizeof(a->program)) || a->program[0] == '\0') {
		free(a);
		page_begin(&p, req, res, N_("Entitlement run"));
		page_notice(&p, "error", T(&p, "Choose the program the claim is under."));
		page_end(&p, 422);
		return;
	}
	http_change_submit(req, do_run, a);
}

/* ---- Accounts (admin) ----------------------------------------------------------------- */

static enum redress_err
account_row(void *ctx, const char *name, enum role role, struct redress_error *err)
{
	struct programs_ctx *pc = ctx;
	struct page *p = pc->p;
	struct users_account acct;

	html_raw_const(p->b, "<tr><td>");
	html_text(p->b, name);
	html_raw_const(p->b, "</td><td>");
	html_text(p->b, page_role_words(p, role));
	html_raw_const(p->b, "</td><td>");
	if (users_account_get(pc->store, name, &acct, err) == REDRESS_OK) {
		html_text(p->b, acct.has_totp ? T(p, "yes") : T(p, "no"));
		html_raw_const(p->b, "</td><td>");
		html_text(p->b, acct.locked ? T(p, "locked") : "");
		page_admin_lock_form(p, name, acct.locked);
		page_admin_account_actions(p, &acct);
	} else {
		html_raw_const(p->b, "</td><td>");
	}
	/* A new second factor ends the old one at once: behind a confirmation, as a warning. */
	html_raw_const(p->b, "</td><td><details><summary");
	{
		char label[160];

		/* Each names its account for a screen reader, which reads controls out of their rows. */
		snprintf(label, sizeof(label), "%s: %s", T(p, "Enrol a new second factor"), name);
		html_attr(p->b, "aria-label", label);
	}
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Enrol a new second factor"));
	html_raw_const(p->b, "</summary><form method=\"post\" novalidate");
	html_href_path_suffix(p->b, "action", "/admin/accounts/", name, "/totp");
	html_raw_const(p->b, ">");
	page_csrf(p);
	html_raw_const(p->b, "<div class=\"field\"><input type=\"checkbox\" name=\"confirm\" value=\"yes\"");
	html_href_path(p->b, "id", "f-totp-confirm-", name);
	html_raw_const(p->b, "> <label class=\"inline\"");
	html_href_path(p->b, "for", "f-totp-confirm-", name);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "The old second factor stops working at once."));
	html_raw_const(p->b, "</label></div><button type=\"submit\" class=\"warning\">");
	html_text(p->b, T(p, "Replace the second factor"));
	html_raw_const(p->b, "</button></form></details></td></tr>");
	return REDRESS_OK;
}

void
page_admin_accounts(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct programs_ctx pc;
	struct store *store;
	struct page p;

	if ((store = page_open(&p, req, res, N_("Accounts and roles"))) == NULL)
		return;
	page_table_begin(&p, NULL);
	page_th(&p, T(&p, "Account"));
	page_th(&p, T(&p, "Role"));
	page_th(&p, T(&p, "Second factor"));
	page_th(&p, T(&p, "Locked"));
	page_th(&p, T(&p, "Enrolment"));
	html_raw_const(p.b, "</tr></thead><tbody>");
	pc.p = &p;
	pc.store = store;
	pc.may_run = 0;
	if (users_each(store, account_row, &pc, &err) != REDRESS_OK)
		page_notice(&p, "error", T(&p, "The accounts could not be read."));
	page_table_end(&p);
	page_admin_account_form(&p);
	page_end(&p, 200);
}

struct totp_arg {
	struct page_change pc;
	char name[USER_NAME_MAX + 1];
};

static enum redress_err
do_totp(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct totp_arg *a = arg;
	char uri[USERS_TOTP_URI_SIZE], label[USER_NAME_MAX + 64], *b64 = NULL;
	enum redress_err rc;
	struct buf svg, src;
	struct page p;
	size_t need;

	/* The drawing and the data: URI hold the secret: secret buffers, wiped when freed. */
	buf_init_secret(&svg, 1u << 20);
	buf_init_secret(&src, 2u << 20);
	c->shown_once = 1;
	rc = users_totp_enrol(c->log, c->actor, keydir_master_key(c->keydir), a->name, uri, sizeof(uri), err);
	page_change_begin(&p, &a->pc, res, N_("Second factor"));
	if (rc != REDRESS_OK) {
		page_notice(&p, "error",
		            T(&p, "The second factor could not be enrolled, and nothing changed."));
		html_raw_const(p.b, "<p class=\"hint\">");
		html_text(p.b, err->message);
		html_raw_const(p.b, "</p>");
		page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : 422);
		goto out;
	}
	snprintf(label, sizeof(label), "Second factor (TOTP) for the redress account %s", a->name);
	page_notice(&p, "ok", T(&p, "A new second factor is enrolled; any earlier one no longer works."));
	html_raw_const(p.b, "<p>");
	html_text(p.b, T(&p, "Scan this code with the account holder's authenticator app now: it is shown "
	                     "this once."));
	html_raw_const(p.b, "</p>");
	/* The SVG goes in as an image: a data: URL in src, escaped like any attribute, no markup pasted. */
	if (qr_svg(uri, label, &svg, err) == REDRESS_OK) {
		need = CODEC_BASE64_SIZE(svg.len);
		if ((b64 = malloc(need)) != NULL &&
		    codec_base64_encode(svg.data, svg.len, b64, need, err) == REDRESS_OK) {
			buf_puts(&src, "data:image/svg+xml;base64,");
			buf_puts(&src, b64);
			html_raw_const(p.b, "<p><img class=\"qr\" width=\"240\" height=\"240\"");
			html_attr(p.b, "src", src.data);
			html_attr(p.b, "alt", label);
			html_raw_const(p.b, "></p>");
		}
	}
	html_raw_const(p.b, "<details><summary>");
	html_text(p.b, T(&p, "The same as text, for an app that cannot scan"));
	html_raw_const(p.b, "</summary><p><code class=\"secret\">");
	html_text(p.b, uri);
	html_raw_const(p.b, "</code></p></details><p><a href=\"/admin/accounts\">");
	html_text(p.b, T(&p, "Accounts and roles"));
	html_raw_const(p.b, "</a></p>");
	page_end(&p, 200);
out:
	sodium_memzero(uri, sizeof(uri));
	if (b64 != NULL) {
		sodium_memzero(b64, strlen(b64));
		free(b64);
	}
	buf_free(&svg);
	buf_free(&src);
	return rc;
}

void
page_admin_totp(struct http_request *req, struct http_response *res)
{
	const char *name = http_param(req, "name");
	struct totp_arg *a = calloc(1, sizeof(*a));

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	{
		const char *confirm = http_form_field(req, "confirm");

		if (confirm == NULL || strcmp(confirm, "yes") != 0) {
			struct page p;

			free(a);
			page_begin_failed(&p, req, res, N_("Second factor"));
			page_notice(&p, "error",
			            T(&p, "Nothing was changed: tick the box to confirm that the old second "
			                  "factor may stop working."));
			html_raw_const(p.b, "<p><a href=\"/admin/accounts\">");
			html_text(p.b, T(&p, "Accounts and roles"));
			html_raw_const(p.b, "</a></p>");
			page_end(&p, 422);
			return;
		}
	}
	page_change_init(&a->pc, req, res);
	snprintf(a->name, sizeof(a->name), "%s", name);
	http_change_submit(req, do_totp, a);
}

/* ---- For monitors: the signed checkpoint ------------------------------------------------ */

void
page_transparency(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct buf text;
	struct tlog *log;
	struct page p;

	if ((log = http_read_log(req, res)) == NULL)
		return;
	buf_init(&text, 1u << 16);
	page_begin(&p, req, res, N_("Verifying the published figures"));
	html_raw_const(p.b, "<p>");
	html_text(p.b,
	          T(&p, "Every change the fund makes is an event in a tamper-evident log. The latest signed "
	                "checkpoint below commits to all of them; with the verifier key anyone can check it, "
	                "and proofs that the log only grew, without seeing a single name."));
	html_raw_const(p.b, "</p><h2>");
	html_text(p.b, T(&p, "Latest signed checkpoint"));
	html_raw_const(p.b, "</h2><pre class=\"note\">");
	if (tlog_checkpoint_cosigned(log, &text, NULL, &err) == REDRESS_OK)
		html_text(p.b, text.data);
	html_raw_const(p.b, "</pre><h2>");
	html_text(p.b, T(&p, "Verifier key"));
	html_raw_const(p.b, "</h2><pre class=\"note\">");
	buf_reset(&text);
	if (tlog_vkey(log, &text, &err) == REDRESS_OK)
		html_text(p.b, text.data);
	html_raw_const(p.b, "</pre><h2>");
	html_text(p.b, T(&p, "Downloads"));
	html_raw_const(p.b, "</h2><ul><li><a href=\"/api/v1/audit/checkpoint\">");
	html_text(p.b, T(&p, "The checkpoint (signed note)"));
	html_raw_const(p.b, "</a></li><li><a href=\"/api/v1/audit/pubkey\">");
	html_text(p.b, T(&p, "The verifier key"));
	html_raw_const(p.b, "</a></li><li><a href=\"/reports\">");
	html_text(p.b, T(&p, "The transparency report, with its figures and charts"));
	html_raw_const(p.b, "</a></li></ul>");
	buf_free(&text);
	page_end(&p, 200);
}
