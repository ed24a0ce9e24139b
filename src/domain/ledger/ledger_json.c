/*
 * ledger_json.c -- accounts and transfers as JSON, one shape for every
 * reader: `redress ledger ... --json` and the HTTP API.  Amounts appear
 * twice: as decimal text in the currency's own exponent ("1000000000" JPY,
 * "12.50" USD), and in minor units for programs.
 */
#include "domain/ledger/ledger.h"

json_t *
ledger_amount_json(int64_t minor, const char *currency)
{
	const struct currency *cur = currency_find(currency, NULL);
	char text[MONEY_TEXT_SIZE];

	money_format(minor, cur, text, sizeof(text));
	return json_string(text);
}

json_t *
ledger_account_json(const struct ledger_account *a, struct redress_error *err)
{
	int64_t posted, available;
	json_t *o;

	if (ledger_balance(a, &posted, &available, err) != REDRESS_OK)
		return NULL;
	o = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:I, s:I, s:I, s:I, s:I}", "code", a->code, "name",
	              a->name, "currency", a->currency, "kind", ledger_kind_name(a->kind), "no_overdraft",
	              a->no_overdraft, "balance", ledger_amount_json(posted, a->currency), "available",
	              ledger_amount_json(available, a->currency), "balance_minor", (json_int_t)posted,
	              "debits_posted", (json_int_t)a->debits_posted, "credits_posted",
	              (json_int_t)a->credits_posted, "debits_pending", (json_int_t)a->debits_pending,
	              "credits_pending", (json_int_t)a->credits_pending);
	if (o == NULL)
		error_set(err, REDRESS_E_NOMEM, "out of memory writing account %s", a->code);
	return o;
}

json_t *
ledger_transfer_json(const struct ledger_transfer *t)
{
	json_t *o =
	    json_pack("{s:s, s:s, s:s, s:o, s:I, s:s, s:s, s:b, s:I}", "id", t->id, "from", t->credit, "to",
	              t->debit, "amount", ledger_amount_json(t->amount, t->currency), "amount_minor",
	              (json_int_t)t->amount, "currency", t->currency, "state", ledger_state_name(t->state),
	              "pending", t->two_phase, "event", (json_int_t)t->created_seq);

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "ref", t->ref[0] != '\0' ? json_string(t->ref) : json_null());
	json_object_set_new(o, "exchange", t->exchange[0] != '\0' ? json_string(t->exchange) : json_null());
	json_object_set_new(o, "resolved_event",
	                    t->resolved_seq >= 0 ? json_integer(t->resolved_seq) : json_null());
	return o;
}
