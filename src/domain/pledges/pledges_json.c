/*
 * pledges_json.c -- a pledge as JSON, one shape for `redress pledge list
 * --json` and the HTTP API.  Pledges are the fund's public record: donor,
 * amount, condition and what was received.
 */
#include "domain/pledges/pledges.h"

json_t *
pledge_json(const struct pledge *p)
{
	const struct currency *cur = currency_find(p->currency, NULL);
	char amount[MONEY_TEXT_SIZE], received[MONEY_TEXT_SIZE];
	json_t *o;

	money_format(p->amount, cur, amount, sizeof(amount));
	money_format(p->received, cur, received, sizeof(received));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "id", p->id, "program", p->program, "donor",
	              p->donor, "currency", p->currency, "amount", amount, "received", received,
	              "amount_minor", (json_int_t)p->amount, "received_minor", (json_int_t)p->received);
	if (o != NULL)
		json_object_set_new(o, "condition",
		                    p->condition[0] != '\0' ? json_string(p->condition) : json_null());
	return o;
}
