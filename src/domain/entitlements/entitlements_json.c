/*
 * entitlements_json.c -- the payment queue, an entitlements run, the held
 * instalments and the services in kind as JSON, one shape for every
 * reader: `redress queue --json`, `entitlements held --json` and the HTTP
 * API.  Pseudonyms only: a queue row names a beneficiary by pseudonym, with
 * the frailty and birth year that put her where she is.
 */
#include "domain/entitlements/entitlements.h"

/* The version of the rules it was booked under; null when booked before versions were recorded. */
static json_t *
version_json(const struct entitlement *e)
{
	return e->program_version > 0 ? json_integer(e->program_version) : json_null();
}

json_t *
entitlement_queue_json(uint64_t position, const struct entitlement *e, const struct registry_person *p)
{
	const struct currency *cur = currency_find(e->currency, NULL);
	char amount[MONEY_TEXT_SIZE];

	json_t *row;

	money_format(e->amount, cur, amount, sizeof(amount));
	row = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:i, s:s, s:o}", "position",
	                (json_int_t)position, "entitlement", e->id, "claim", e->claim, "beneficiary",
	                e->beneficiary, "amount", amount, "currency", e->currency, "amount_minor",
	                (json_int_t)e->amount, "frailty", p->frailty, "birth_year", p->birth_year, "state",
	                entitlement_state_name(e->state), "program_version", version_json(e));
	/* A payment the bank returned is queued again, with the bank's reason. */
	if (row != NULL && e->return_reason[0] != '\0')
		json_object_set_new(row, "return_reason", json_string(e->return_reason));
	return row;
}

json_t *
entitlements_run_json(const char *program, int dry_run, const struct entitlements_run *run)
{
	return json_pack(
	    "{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:s?, s:I, s:I, s:I, s:I, s:I}", "program", program,
	    "dry_run", dry_run, "booked", (json_int_t)run->booked, "total_minor", (json_int_t)run->total,
	    "declined", (json_int_t)run->declined, "changed", (json_int_t)run->changed, "skipped",
	    (json_int_t)run->skipped, "unresolved", (json_int_t)run->unresolved, "first_unresolved",
	    run->unresolved > 0 ? run->first_unresolved : NULL, "excluded", (json_int_t)run->excluded,
	    "capped_minor", (json_int_t)run->capped, "released", (json_int_t)run->released, "held",
	    (json_int_t)run->held, "ended_at_death", (json_int_t)run->ended_at_death);
}

json_t *
entitlement_held_json(const struct entitlement *e, const char *last_proof)
{
	const struct currency *cur = currency_find(e->currency, NULL);
	char amount[MONEY_TEXT_SIZE];

	money_format(e->amount, cur, amount, sizeof(amount));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s?, s:o, s:s}", "entitlement", e->id, "claim",
	                 e->claim, "beneficiary", e->beneficiary, "amount", amount, "currency", e->currency,
	                 "amount_minor", (json_int_t)e->amount, "due_on", e->due_on, "last_proof",
	                 last_proof[0] != '\0' ? last_proof : NULL, "program_version", version_json(e),
	                 "state", entitlement_state_name(e->state));
}

json_t *
entitlement_service_json(const struct entitlement_service *s)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "event", (json_int_t)s->seq, "claim",
	                 s->claim, "service", s->service, "state", entitlement_service_state_name(s->state),
	                 "on", s->on, "provider", s->provider, "by", s->actor);
}
