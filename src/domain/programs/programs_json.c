/*
 * programs_json.c -- a program's rules as JSON, one shape for every reader:
 * `redress program show --json` and the HTTP API.  Amounts appear as
 * decimal text in the program's currency and again in minor units; the
 * rules of the second format (harms, units, caps ...) as the file gives them.
 */
#include <stdio.h>

#include "domain/programs/programs.h"

/* The decimal text of minor units in currency; plain minor units for a currency not known. */
static json_t *
amount_json(int64_t minor, const char *currency)
{
	const struct currency *cur = currency_find(currency, NULL);
	char text[MONEY_TEXT_SIZE];

	if (cur != NULL)
		money_format(minor, cur, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%lld", (long long)minor);
	return json_string(text);
}

json_t *
program_json(const struct program *p)
{
	json_t *o, *rules;

	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:{s:o, s:o}, s:{s:I, s:I}, s:i, s:I}", "code",
	              p->code, "name", p->name, "currency", p->currency, "cutoff", p->cutoff, "accounts",
	              "fund", p->fund, "payable", p->payable, "expense", p->expense, "benefits", "survivor",
	              amount_json(p->survivor_amount, p->currency), "bereaved",
	              amount_json(p->bereaved_amount, p->currency), "benefits_minor", "survivor",
	              (json_int_t)p->survivor_amount, "bereaved", (json_int_t)p->bereaved_amount, "approvals",
	              p->approvals, "event", (json_int_t)p->added_seq);
	/* The second format's rules beside the first's, in the file's own shape. */
	rules = o != NULL ? program_rules_json(p) : NULL;
	if (rules == NULL || json_object_update(o, rules) != 0) {
		json_decref(rules);
		json_decref(o);
		return NULL;
	}
	json_decref(rules);
	/* Which version this is, and from when (a version after the first), and whether it is approved. */
	if (json_object_set_new(o, "version", json_integer(p->version > 0 ? p->version : 1)) != 0 ||
	    (p->version > 1 && (json_object_set_new(o, "from", json_string(p->from)) != 0 ||
	                        json_object_set_new(o, "approved", json_boolean(p->added_seq != 0)) != 0))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *
program_version_json(const struct program_version *v)
{
	return json_pack("{s:i, s:s?, s:I, s:s?, s:o?, s:s?, s:s}", "version", v->version, "from",
	                 v->from[0] != '\0' ? v->from : NULL, "proposed_event", (json_int_t)v->proposed_seq,
	                 "proposed_by", v->proposed_by[0] != '\0' ? v->proposed_by : NULL, "added_event",
	                 v->added_seq != 0 ? json_integer((json_int_t)v->added_seq) : NULL, "added_by",
	                 v->added_by[0] != '\0' ? v->added_by : NULL, "state",
	                 v->added_seq != 0 ? "approved" : "proposed");
}
