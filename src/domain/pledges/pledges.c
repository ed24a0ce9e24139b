/*
 * pledges.c -- recording pledges and booking their receipts, through the
 * ledger, as pledges.h promises: a pledge is a receivable, a receipt moves
 * it into the program's fund (through the ledger's exchange when the
 * donor's currency is not the program's), and a receipt never exceeds what
 * remains of its pledge.
 */
#include "domain/pledges/pledges.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"
#include "domain/ledger/ledger.h"
#include "domain/pledges/pledges_int.h"
#include "domain/programs/programs.h"

/* "pledges:jpy" or "contributions:jpy": the ledger's codes are lower case, like bank:krw. */
static void
account_code(char *out, size_t size, const char *prefix, const char *currency)
{
	size_t n, i;

	n = (size_t)snprintf(out, size, "%s%s", prefix, currency);
	for (i = strlen(prefix); i < n && i < size; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* Opens code when missing; an existing one must be of kind, in currency. */
static enum redress_err
pledge_account(struct tlog *log, const char *code, const char *currency, enum ledger_kind kind,
               int no_overdraft, const char *name, struct redress_error *err)
{
	struct ledger_account_spec spec;
	struct ledger_account a;
	enum redress_err rc;

	rc = ledger_account_current(log, code, &a, err);
	if (rc == REDRESS_OK) {
		if (a.kind != kind || strcmp(a.currency, currency) != 0)
			return error_set(
			    err, REDRESS_E_CONFLICT, "account '%s' is %s %s: pledges need it to be the %s %s",
			    code, a.currency, ledger_kind_name(a.kind), currency, ledger_kind_name(kind));
		return REDRESS_OK;
	}
	if (rc != REDRESS_E_NOTFOUND)
		return rc;
	memset(&spec, 0, sizeof(spec));
	spec.code = code;
	spec.currency = currency;
	spec.kind = kind;
	spec.name = name;
	spec.no_overdraft = no_overdraft;
	return ledger_account_open(log, &spec, NULL, err);
}

enum redress_err
pledge_add(struct tlog *log, const struct actor *actor, const char *program, const char *donor,
           const char *amount, const char *currency, const char *condition, char *id_r,
           struct redress_error *err)
{
	char receivable[LEDGER_CODE_MAX + 1], income[LEDGER_CODE_MAX + 1], transfer[LEDGER_ID_MAX + 1],
	    name[LEDGER_NAME_MAX + 1], ref[LEDGER_REF_MAX + 1];
	struct ledger_transfer_request req;
	const struct currency *cur;
	struct program prog;
	struct pledge p;
	struct buf data;
	uint64_t n;
	enum redress_err rc;

	memset(&p, 0, sizeof(p));
	if ((rc = users_require(actor, PERM_LEDGER_WRITE, err)) != REDRESS_OK)
		return rc;
	if ((rc = program_get(tlog_store(log), program, &prog, err)) != REDRESS_OK)
		return rc;
	if ((rc = text_check("--donor", donor, PLEDGE_DONOR_MAX, err)) != REDRESS_OK)
		return rc;
	if (condition != NULL &&
	    (rc = text_check("--condition", condition, PLEDGE_CONDITION_MAX, err)) != REDRESS_OK)
		return rc;
	if ((cur = currency_find(currency, err)) == NULL)
		return error_prefix(err, "--currency");
	if ((rc = money_parse(amount, cur, &p.amount, err)) != REDRESS_OK)
		return error_prefix(err, "--amount");
	if (p.amount == 0)
		return error_set(err, REDRESS_E_INVALID, "--amount: a pledge of nothing is not a pledge");
	if ((rc = pledges_count(tlog_store(log), &n, err)) != REDRESS_OK)
		return rc;
	snprintf(p.id, sizeof(p.id), "P-%06llu", (unsigned long long)n + 1);
	text_copy(p.program, sizeof(p.program), prog.code);
	text_copy(p.donor, sizeof(p.donor), donor);
	text_copy(p.currency, sizeof(p.currency), cur->code);
	text_copy(p.condition, sizeof(p.condition), condition);
	if ((rc = pledges_check(&p, err)) != REDRESS_OK)
		return rc;

	/* The promise, as a receivable. */
	account_code(receivable, sizeof(receivable), "pledges:", p.currency);
	account_code(income, sizeof(income), "contributions:", p.currency);
	snprintf(name, sizeof(name), "Pledges receivable, %s", p.currency);
	if ((rc = pledge_account(log, receivable, p.currency, LEDGER_ASSET, 1, name, err)) != REDRESS_OK)
		return rc;
	snprintf(name, sizeof(name), "Contributions pledged, %s", p.currency);
	if ((rc = pledge_account(log, income, p.currency, LEDGER_INCOME, 0, name, err)) != REDRESS_OK)
		return rc;
	snprintf(transfer, sizeof(transfer), "pledge:%s", p.id);
	snprintf(ref, sizeof(ref), "Pledge %s to program %s", p.id, p.program);
	memset(&req, 0, sizeof(req));
	req.id = transfer;
	req.from = income;
	req.to = receivable;
	req.amount = amount;
	req.ref = ref;
	if ((rc = ledger_transfer_create(log, &req, NULL, NULL, err)) != REDRESS_OK)
		return rc;

	buf_init(&data, PLEDGES_EVENT_MAX);
	if ((rc = pledges_encode_added(&data, &p, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &pledges_module, PLEDGES_EV_ADDED, &data, &p.added_seq, err);
	buf_free(&data);
	if (rc == REDRESS_OK && id_r != NULL)
		memcpy(id_r, p.id, strlen(p.id) + 1);
	return rc;
}

enum redress_err
pledge_receive(struct tlog *log, const struct actor *actor, const char *id, const char *amount,
               const char *to_amount, struct pledge_receipt *r_r, struct redress_error *err)
{
	char receivable[LEDGER_CODE_MAX + 1], transfer[LEDGER_ID_MAX + 1], ref[LEDGER_REF_MAX + 1],
	    left_text[MONEY_TEXT_SIZE];
	const struct currency *cur, *pcur;
	struct pledge_receipt r;
	struct program prog;
	struct pledge p;
	struct buf data;
	int64_t left;
	enum redress_err rc;

	memset(&r, 0, sizeof(r));
	if ((rc = users_require(actor, PERM_LEDGER_WRITE, err)) != REDRESS_OK ||
	    (rc = pledge_get(tlog_store(log), id, &p, err)) != REDRESS_OK ||
	    (rc = program_get(tlog_store(log), p.program, &prog, err)) != REDRESS_OK)
		return rc;
	if ((cur = currency_find(p.currency, err)) == NULL ||
	    (pcur = currency_find(prog.currency, err)) == NULL)
		return err->code;
	if ((rc = money_parse(amount, cur, &r.amount, err)) != REDRESS_OK)
		return error_prefix(err, "--amount (%s)", cur->code);
	if (r.amount == 0)
		return error_set(err, REDRESS_E_INVALID, "--amount: a receipt of nothing is not a receipt");
	if ((rc = money_sub(p.amount, p.received, &left, err)) != REDRESS_OK)
		return rc;
	if (r.amount > left) {
		money_format(left, cur, left_text, sizeof(left_text));
		return error_set(err, REDRESS_E_REFUSED,
		                 "pledge %s: a receipt of %s %s is more than the %s %s that remain of it",
		                 p.id, amount, cur->code, left_text, cur->code);
	}
	if (strcmp(cur->code, pcur->code) == 0) {
		if (to_amount != NULL) {
			int64_t to;

			if ((rc = money_parse(to_amount, pcur, &to, err)) != REDRESS_OK)
				return error_prefix(err, "--to-amount (%s)", pcur->code);
			if (to != r.amount)
				return error_set(
				    err, REDRESS_E_INVALID,
				    "--to-amount: pledge %s is in %s, the program's own currency, so"
				    " nothing is converted and --to-amount must equal --amount or be left "
				    "out",
				    p.id, cur->code);
		}
		r.to_amount = r.amount;
	} else {
		if (to_amount == NULL)
			return error_set(
			    err, REDRESS_E_USAGE,
			    "pledge %s is in %s and program %s in %s: say with --to-amount what the"
			    " bank booked into the fund in %s",
			    p.id, cur->code, prog.code, pcur->code, pcur->code);
		if ((rc = money_parse(to_amount, pcur, &r.to_amount, err)) != REDRESS_OK)
			return error_prefix(err, "--to-amount (%s)", pcur->code);
		if (r.to_amount == 0)
			return error_set(err, REDRESS_E_INVALID, "--to-amount: the fund received nothing");
	}
	snprintf(r.id, sizeof(r.id), "%s.%llu", p.id, (unsigned long long)p.receipts + 1);
	text_copy(r.pledge, sizeof(r.pledge), p.id);
	text_copy(r.currency, sizeof(r.currency), cur->code);
	text_copy(r.to_currency, sizeof(r.to_currency), pcur->code);

	account_code(receivable, sizeof(receivable), "pledges:", p.currency);
	snprintf(transfer, sizeof(transfer), "receipt:%s", r.id);
	snprintf(ref, sizeof(ref), "Receipt %s of pledge %s", r.id, p.id);
	if (strcmp(cur->code, pcur->code) == 0) {
		struct ledger_transfer_request req;

		memset(&req, 0, sizeof(req));
		req.id = transfer;
		req.from = receivable;
		req.to = prog.fund;
		req.amount = amount;
		req.ref = ref;
		rc = ledger_transfer_create(log, &req, NULL, NULL, err);
	} else {
		struct ledger_exchange_request fx;

		memset(&fx, 0, sizeof(fx));
		fx.id = transfer;
		fx.from = receivable;
		fx.amount = amount;
		fx.to = prog.fund;
		fx.to_amount = to_amount;
		fx.ref = ref;
		rc = ledger_exchange(log, &fx, NULL, NULL, NULL, err);
	}
	if (rc != REDRESS_OK)
		return rc;
	buf_init(&data, PLEDGES_EVENT_MAX);
	if ((rc = pledges_encode_received(&data, &r, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &pledges_module, PLEDGES_EV_RECEIVED, &data, &r.seq, err);
	buf_free(&data);
	if (rc == REDRESS_OK && r_r != NULL)
		*r_r = r;
	return rc;
}
