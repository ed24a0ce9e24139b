/*
 * payments_json.c -- a batch and its orders as JSON, one shape for `redress
 * pay status --json` and the HTTP API.  Orders name beneficiaries by
 * pseudonym only; bank details never appear here.
 */
#include "domain/payments/payments.h"

static void
amount_text(int64_t minor, const char *currency, char out[MONEY_TEXT_SIZE])
{
	money_format(minor, currency_find(currency, NULL), out, MONEY_TEXT_SIZE);
}

static enum redress_err
order_json(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	char amount[MONEY_TEXT_SIZE];

	amount_text(o->amount, o->currency, amount);
	if (json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s?, s:s?}", "id", o->id,
	                                         "entitlement", o->entitlement, "beneficiary", o->beneficiary,
	                                         "amount", amount, "currency", o->currency, "state",
	                                         payments_order_state_name(o->state), "booked_on",
	                                         o->booked_on[0] ? o->booked_on : NULL, "reason",
	                                         o->reason[0] ? o->reason : NULL)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing payment orders");
	return REDRESS_OK;
}

enum redress_err
payments_batch_json(struct store *store, const char *batch, json_t **json_r, struct redress_error *err)
{
	char total[MONEY_TEXT_SIZE], settled[MONEY_TEXT_SIZE], pending[MONEY_TEXT_SIZE],
	    returned[MONEY_TEXT_SIZE];
	struct payments_batch_info b;
	json_t *orders;
	enum redress_err rc;

	*json_r = NULL;
	if ((rc = payments_batch_get(store, batch, &b, err)) != REDRESS_OK)
		return rc;
	if ((orders = json_array()) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing payment orders");
	if ((rc = payments_orders_each(store, b.id, order_json, orders, err)) != REDRESS_OK) {
		json_decref(orders);
		return rc;
	}
	amount_text(b.total, b.currency, total);
	amount_text(b.total_settled, b.currency, settled);
	amount_text(b.total_pending, b.currency, pending);
	amount_text(b.total_returned, b.currency, returned);
	*json_r = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:o}", "batch",
	                    b.id, "program", b.program, "currency", b.currency, "total", total, "orders",
	                    (json_int_t)b.orders, "settled", (json_int_t)b.settled, "pending",
	                    (json_int_t)b.pending, "returned", (json_int_t)b.returned, "total_settled",
	                    settled, "total_pending", pending, "total_returned", returned, "exports",
	                    (json_int_t)b.exports, "payments", orders);
	if (*json_r == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory describing batch %s", b.id);
	return REDRESS_OK;
}
