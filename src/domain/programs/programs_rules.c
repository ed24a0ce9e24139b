/*
 * programs_rules.c -- the rules of a program beyond its flat schedule:
 * localized names, units with dated values, harms and their amounts, caps,
 * how harms combine, the queue's priority, exclusions, the form of
 * benefit (lump sum or instalments with proof of life) and services in
 * kind.  One reader for the program file, the event and the table (all
 * hold the same JSON), one writer (program_rules_json), and the exact
 * arithmetic of amounts in units (docs/programs.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "domain/programs/programs_int.h"
#include "domain/registry/registry.h"

/* Exact products of quantities and values need more than 64 bits. */
__extension__ typedef __int128 wide;

static const char *const lang_codes[PROGRAM_LANGS] = {"ko", "ja", "en"};

static const char *const combine_names[] = {[PROGRAM_COMBINE_SUM] = "sum", [PROGRAM_COMBINE_MAX] = "max"};
static const char *const priority_names[] = {[PROGRAM_PRIORITY_FRAILTY] = "frailty",
                                             [PROGRAM_PRIORITY_AGE] = "age",
                                             [PROGRAM_PRIORITY_VULNERABILITY] = "vulnerability"};
static const char *const at_death_names[] = {
    [PROGRAM_AT_DEATH_STOP] = "stop", [PROGRAM_AT_DEATH_HEIRS] = "heirs"};

#define NAMES_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Reading a file or an event's rules: where we are, for errors. */
struct reader {
	const struct currency *cur;
	struct redress_error *err;
	struct program_errors *all; /* NULL: stop at the first error */
};

int
programs_errors_keep(struct program_errors *all, enum redress_err rc, const struct redress_error *err)
{
	if (rc == REDRESS_OK)
		return 1;
	if (rc != REDRESS_E_INVALID || all == NULL)
		return 0;
	if (all->n < PROGRAM_ERRORS_MAX)
		memcpy(all->message[all->n++], err->message, sizeof(all->message[0]));
	else
		all->more++;
	return 1;
}

/* Whether reading goes on after rc (programs_errors_keep). */
static int
keep(const struct reader *r, enum redress_err rc)
{
	return programs_errors_keep(r->all, rc, r->err);
}

/* Refuses members of obj not in allowed (a NULL-ended list); where names obj. */
static enum redress_err
only(const struct reader *r, json_t *obj, const char *const *allowed, const char *where)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(obj, key, v)
	{
		for (i = 0; allowed[i] != NULL && strcmp(allowed[i], key) != 0; i++)
			;
		if (allowed[i] == NULL)
			return error_set(r->err, REDRESS_E_INVALID, "unknown field '%s%s%.64s'", where,
			                 where[0] != '\0' ? "." : "", key);
	}
	(void)v;
	return REDRESS_OK;
}

/* A string with no NUL that fits size bytes, copied into dst. */
static enum redress_err
string_at(const struct reader *r, json_t *v, const char *where, char *dst, size_t size)
{
	size_t len;

	if (!json_is_string(v))
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' must be a string", where);
	len = json_string_length(v);
	if (len != strlen(json_string_value(v)))
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' holds a NUL character", where);
	if (len >= size)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' is %zu bytes long; the limit is %zu",
		                 where, len, size - 1);
	memcpy(dst, json_string_value(v), len + 1);
	return REDRESS_OK;
}

/* {"ko": ..., "ja": ..., "en": ...}: each optional, at least one. */
static enum redress_err
names_at(const struct reader *r, json_t *v, const char *where, struct program_names *n)
{
	char at[96], what[112];
	json_t *t;
	size_t i, given = 0;
	enum redress_err rc;

	if (!json_is_object(v))
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field '%s' must be an object of names by language (\"ko\", \"ja\", \"en\")",
		                 where);
	{
		static const char *const langs[] = {"en", "ja", "ko", NULL};

		if ((rc = only(r, v, langs, where)) != REDRESS_OK)
			return rc;
	}
	for (i = 0; i < PROGRAM_LANGS; i++) {
		if ((t = json_object_get(v, lang_codes[i])) == NULL)
			continue;
		snprintf(at, sizeof(at), "%s.%s", where, lang_codes[i]);
		if ((rc = string_at(r, t, at, n->text[i], sizeof(n->text[i]))) != REDRESS_OK)
			return rc;
		snprintf(what, sizeof(what), "field '%s'", at);
		if ((rc = text_check(what, n->text[i], PROGRAM_LABEL_MAX, r->err)) != REDRESS_OK)
			return rc;
		given++;
	}
	if (given == 0)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' names nothing: give ko, ja or en",
		                 where);
	return REDRESS_OK;
}

/* A code of letters, digits and "._-", unique among the first n of list. */
static enum redress_err
code_at(const struct reader *r, json_t *obj, const char *where, char dst[PROGRAM_ITEM_CODE_MAX + 1])
{
	char at[96];
	json_t *v = json_object_get(obj, "code");
	enum redress_err rc;

	snprintf(at, sizeof(at), "%s.code", where);
	if (v == NULL)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' is missing", at);
	if ((rc = string_at(r, v, at, dst, PROGRAM_ITEM_CODE_MAX + 1)) != REDRESS_OK)
		return rc;
	snprintf(at, sizeof(at), "field '%s.code'", where);
	return text_check_id(at, dst, PROGRAM_ITEM_CODE_MAX, PROGRAM_CODE_CHARS, r->err);
}

/*
 * A quantity of a unit: decimal text, at most PROGRAM_QUANTITY_DIGITS
 * fraction digits, greater than zero, at most 10^9 units.
 */
static enum redress_err
quantity_at(const struct reader *r, const char *text, const char *where, int64_t *num_r)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, fdigits = 0, dot = 0;
	const char *s;

	for (s = text; *s != '\0'; s++) {
		if (*s == '.' && !dot && digits > 0) {
			dot = 1;
			continue;
		}
		if (*s < '0' || *s > '9')
			goto bad;
		if (dot) {
			if (++fdigits > PROGRAM_QUANTITY_DIGITS)
				return error_set(r->err, REDRESS_E_INVALID,
				                 "field '%s' is '%.32s': at most %d digits after the point",
				                 where, text, PROGRAM_QUANTITY_DIGITS);
			frac = frac * 10 + (*s - '0');
		} else {
			if (++digits > 9)
				return error_set(r->err, REDRESS_E_INVALID,
				                 "field '%s' is '%.32s': more than 999999999 units", where,
				                 text);
			whole = whole * 10 + (*s - '0');
		}
	}
	if (digits == 0 || (dot && fdigits == 0))
		goto bad;
	for (; fdigits < PROGRAM_QUANTITY_DIGITS; fdigits++)
		frac *= 10;
	*num_r = whole * 10000 + frac;
	if (*num_r == 0)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' is zero", where);
	return REDRESS_OK;
bad:
	return error_set(r->err, REDRESS_E_INVALID,
	                 "field '%s' is '%.32s': a quantity is decimal text such as \"40\" or \"17.5\"",
	                 where, text);
}

static int
unit_find(const struct program_rules *rules, const char *code)
{
	size_t i;

	for (i = 0; i < rules->nunits; i++)
		if (strcmp(rules->units[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* "100000000" (fixed, in the currency) or {"unit": CODE, "quantity": "40"}. */
static enum redress_err
amount_at(const struct reader *r, const struct program_rules *rules, json_t *v, const char *where,
          struct program_amount *a)
{
	static const char *const fields[] = {"quantity", "unit", NULL};
	char text[MONEY_TEXT_SIZE + 8], at[96], code[PROGRAM_ITEM_CODE_MAX + 1];
	json_t *u, *q;
	enum redress_err rc;

	memset(a, 0, sizeof(*a));
	a->set = 1;
	a->unit = -1;
	if (json_is_string(v)) {
		if ((rc = string_at(r, v, where, text, sizeof(text))) != REDRESS_OK)
			return rc;
		if ((rc = money_parse(text, r->cur, &a->minor, r->err)) != REDRESS_OK)
			return error_prefix(r->err, "field '%s'", where);
		return REDRESS_OK;
	}
	if (!json_is_object(v))
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field '%s' must be an amount in %s (\"1000000\") or a quantity of a unit"
		                 " ({\"unit\": \"...\", \"quantity\": \"40\"})",
		                 where, r->cur->code);
	if ((rc = only(r, v, fields, where)) != REDRESS_OK)
		return rc;
	snprintf(at, sizeof(at), "%s.unit", where);
	if ((u = json_object_get(v, "unit")) == NULL)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' is missing", at);
	if ((rc = string_at(r, u, at, code, sizeof(code))) != REDRESS_OK)
		return rc;
	if ((a->unit = unit_find(rules, code)) < 0)
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field '%s' is '%s', which is not in 'units' (declare it there first)", at,
		                 code);
	snprintf(at, sizeof(at), "%s.quantity", where);
	if ((q = json_object_get(v, "quantity")) == NULL)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' is missing", at);
	if ((rc = string_at(r, q, at, text, sizeof(text))) != REDRESS_OK)
		return rc;
	return quantity_at(r, text, at, &a->num);
}

/* units[i]: its code, names and dated values. */
static enum redress_err
unit_at(const struct reader *r, json_t *u, size_t i, struct program_rules *rules)
{
	static const char *const fields[] = {"code", "names", "values", NULL};
	static const char *const value_fields[] = {"amount", "from", NULL};
	struct program_unit *unit = &rules->units[i];
	char where[64], at[96], text[MONEY_TEXT_SIZE + 8];
	json_t *values, *e, *f;
	size_t k;
	enum redress_err rc;

	snprintf(where, sizeof(where), "units[%zu]", i);
	if (!json_is_object(u))
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' must be an object", where);
	if ((rc = only(r, u, fields, where)) != REDRESS_OK ||
	    (rc = code_at(r, u, where, unit->code)) != REDRESS_OK)
		return rc;
	if (unit_find(rules, unit->code) >= 0)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s.code': unit '%s' is declared twice",
		                 where, unit->code);
	/* Declared from here on, so that an amount in it is not refused for what is wrong below. */
	rules->nunits = i + 1;
	snprintf(at, sizeof(at), "%s.names", where);
	if ((f = json_object_get(u, "names")) != NULL && !keep(r, rc = names_at(r, f, at, &unit->names)))
		return rc;
	snprintf(at, sizeof(at), "%s.values", where);
	values = json_object_get(u, "values");
	if (!json_is_array(values) || json_array_size(values) == 0)
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field '%s' must be a list of {\"from\": \"YYYY-MM-DD\", \"amount\": ...},"
		                 " at least one",
		                 at);
	if (json_array_size(values) > PROGRAM_UNIT_VALUES_MAX)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' has %zu values; the limit is %d", at,
		                 json_array_size(values), PROGRAM_UNIT_VALUES_MAX);
	json_array_foreach(values, k, e)
	{
		char eat[128];

		snprintf(eat, sizeof(eat), "%s[%zu]", at, k);
		if (!json_is_object(e))
			return error_set(r->err, REDRESS_E_INVALID, "field '%s' must be an object", eat);
		if ((rc = only(r, e, value_fields, eat)) != REDRESS_OK)
			return rc;
		snprintf(where, sizeof(where), "%.50s.from", eat);
		if ((f = json_object_get(e, "from")) == NULL)
			return error_set(r->err, REDRESS_E_INVALID, "field '%s' is missing", where);
		if ((rc = string_at(r, f, where, unit->values[k].from, sizeof(unit->values[k].from))) !=
		    REDRESS_OK)
			return rc;
		{
			char what[96];

			snprintf(what, sizeof(what), "field '%s'", where);
			if ((rc = registry_date_check(what, unit->values[k].from, r->err)) != REDRESS_OK)
				return rc;
		}
		if (k > 0 && strcmp(unit->values[k - 1].from, unit->values[k].from) >= 0)
			return error_set(r->err, REDRESS_E_INVALID,
			                 "field '%s' is %s, not after the entry before it (%s): list the"
			                 " values oldest first, one per date",
			                 where, unit->values[k].from, unit->values[k - 1].from);
		snprintf(where, sizeof(where), "%.50s.amount", eat);
		if ((f = json_object_get(e, "amount")) == NULL)
			return error_set(r->err, REDRESS_E_INVALID, "field '%s' is missing", where);
		if ((rc = string_at(r, f, where, text, sizeof(text))) != REDRESS_OK)
			return rc;
		if ((rc = money_parse(text, r->cur, &unit->values[k].minor, r->err)) != REDRESS_OK)
			return error_prefix(r->err, "field '%s'", where);
		if (unit->values[k].minor == 0)
			return error_set(r->err, REDRESS_E_INVALID, "field '%s' is zero", where);
	}
	unit->nvalues = json_array_size(values);
	return REDRESS_OK;
}

static enum redress_err
units_at(const struct reader *r, json_t *v, struct program_rules *rules)
{
	json_t *u;
	size_t i;
	enum redress_err rc;

	if (!json_is_array(v))
		return error_set(r->err, REDRESS_E_INVALID, "field 'units' must be a list");
	if (json_array_size(v) > PROGRAM_UNITS_MAX)
		return error_set(r->err, REDRESS_E_INVALID, "field 'units' has %zu units; the limit is %d",
		                 json_array_size(v), PROGRAM_UNITS_MAX);
	json_array_foreach(v, i, u)
	{
		if (!keep(r, rc = unit_at(r, u, i, rules)))
			return rc;
	}
	return REDRESS_OK;
}

/* harms[i]: its code, names and amount, each read whatever is wrong with the others. */
static enum redress_err
harm_at(const struct reader *r, json_t *h, size_t i, struct program_rules *rules)
{
	static const char *const fields[] = {"amount", "code", "names", NULL};
	struct program_harm *harm = &rules->harms[i];
	char where[64], at[96];
	json_t *f;
	size_t k;
	enum redress_err rc;

	snprintf(where, sizeof(where), "harms[%zu]", i);
	if (!json_is_object(h))
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' must be an object", where);
	if (!keep(r, rc = only(r, h, fields, where)))
		return rc;
	if (!keep(r, rc = code_at(r, h, where, harm->code)))
		return rc;
	for (k = 0; rc == REDRESS_OK && k < i; k++)
		if (strcmp(rules->harms[k].code, harm->code) == 0 &&
		    !keep(r, rc = error_set(r->err, REDRESS_E_INVALID,
		                            "field '%s.code': harm '%s' is declared twice (also harms[%zu])",
		                            where, harm->code, k)))
			return rc;
	snprintf(at, sizeof(at), "%s.names", where);
	if ((f = json_object_get(h, "names")) == NULL)
		rc = error_set(r->err, REDRESS_E_INVALID,
		               "field '%s' is missing: a harm is named for the people it is read to", at);
	else
		rc = names_at(r, f, at, &harm->names);
	if (!keep(r, rc))
		return rc;
	snprintf(at, sizeof(at), "%s.amount", where);
	if ((f = json_object_get(h, "amount")) == NULL)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' is missing", at);
	return amount_at(r, rules, f, at, &harm->amount);
}

static enum redress_err
harms_at(const struct reader *r, json_t *v, struct program_rules *rules)
{
	json_t *h;
	size_t i;
	enum redress_err rc;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'harms' must be a list of harms, at least one");
	if (json_array_size(v) > PROGRAM_HARMS_MAX)
		return error_set(r->err, REDRESS_E_INVALID, "field 'harms' has %zu harms; the limit is %d",
		                 json_array_size(v), PROGRAM_HARMS_MAX);
	json_array_foreach(v, i, h)
	{
		rc = harm_at(r, h, i, rules);
		rules->nharms = i + 1;
		if (!keep(r, rc))
			return rc;
	}
	return REDRESS_OK;
}

/* The index of text in names (n of them), or -1. */
static int
name_index(const char *const *names, size_t n, const char *text)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (names[i] != NULL && strcmp(names[i], text) == 0)
			return (int)i;
	return -1;
}

/* A string member that must be one of names; where names it. */
static enum redress_err
choice_at(const struct reader *r, json_t *v, const char *where, const char *const *names, size_t n,
          int *index_r)
{
	char text[32], list[128];
	size_t i, used = 0;
	enum redress_err rc;

	if ((rc = string_at(r, v, where, text, sizeof(text))) != REDRESS_OK && rc != REDRESS_E_INVALID)
		return rc;
	if (rc == REDRESS_OK && (*index_r = name_index(names, n, text)) >= 0)
		return REDRESS_OK;
	list[0] = '\0';
	for (i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s\"%s\"", i > 0 ? ", " : "",
		                         names[i]);
	return error_set(r->err, REDRESS_E_INVALID, "field '%s' must be one of %s", where, list);
}

static int
positive_int(json_t *v, int max, int *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > max)
		return 0;
	*out = (int)json_integer_value(v);
	return 1;
}

/*
 * {"form": "lump_sum"} or {"form": "instalments", "count": 120,
 * "every_months": 1, "proof_of_life": {"every_months": 12, "window_days":
 * 60}, "at_death": "stop"}.
 */
static enum redress_err
payment_at(const struct reader *r, json_t *v, struct program_rules *rules)
{
	static const char *const forms[] = {"lump_sum", "instalments"};
	static const char *const lump_fields[] = {"form", NULL};
	static const char *const fields[] = {"at_death", "count",         "every_months",
	                                     "form",     "proof_of_life", NULL};
	static const char *const proof_fields[] = {"every_months", "window_days", NULL};
	struct program_instalments *in = &rules->instalments;
	json_t *f, *proof;
	int form, at_death;
	enum redress_err rc;

	if (!json_is_object(v))
		return error_set(r->err, REDRESS_E_INVALID, "field 'payment' must be an object");
	if ((f = json_object_get(v, "form")) == NULL)
		return error_set(r->err, REDRESS_E_INVALID, "field 'payment.form' is missing");
	if ((rc = choice_at(r, f, "payment.form", forms, NAMES_COUNT(forms), &form)) != REDRESS_OK)
		return rc;
	rules->form = (enum program_form)form;
	if (rules->form == PROGRAM_FORM_LUMP_SUM)
		return only(r, v, lump_fields, "payment");
	if ((rc = only(r, v, fields, "payment")) != REDRESS_OK)
		return rc;
	if (!positive_int(json_object_get(v, "count"), PROGRAM_INSTALMENTS_MAX, &in->count))
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'payment.count' must be a whole number of instalments, 1 to %d",
		                 PROGRAM_INSTALMENTS_MAX);
	if (!positive_int(json_object_get(v, "every_months"), 120, &in->every_months))
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'payment.every_months' must be a whole number of months, 1 to 120");
	if ((f = json_object_get(v, "at_death")) == NULL)
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'payment.at_death' is missing: say whether the schedule stops"
		                 " (\"stop\") or passes to her heirs (\"heirs\")");
	if ((rc = choice_at(r, f, "payment.at_death", at_death_names, NAMES_COUNT(at_death_names),
	                    &at_death)) != REDRESS_OK)
		return rc;
	in->at_death = (enum program_at_death)at_death;
	if ((proof = json_object_get(v, "proof_of_life")) == NULL)
		return REDRESS_OK;
	if (!json_is_object(proof))
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'payment.proof_of_life' must be an object");
	if ((rc = only(r, proof, proof_fields, "payment.proof_of_life")) != REDRESS_OK)
		return rc;
	if (!positive_int(json_object_get(proof, "every_months"), 120, &in->proof_every_months))
		return error_set(
		    r->err, REDRESS_E_INVALID,
		    "field 'payment.proof_of_life.every_months' must be a whole number of months,"
		    " 1 to 120");
	if (!positive_int(json_object_get(proof, "window_days"), 366, &in->proof_window_days))
		return error_set(
		    r->err, REDRESS_E_INVALID,
		    "field 'payment.proof_of_life.window_days' must be a whole number of days, 1 to"
		    " 366: how long before a payment a proof of life counts");
	return REDRESS_OK;
}

static enum redress_err
service_at(const struct reader *r, json_t *s, size_t i, struct program_rules *rules)
{
	static const char *const fields[] = {"code", "names", NULL};
	struct program_service *svc = &rules->services[i];
	char where[64], at[96];
	json_t *f;
	size_t k;
	enum redress_err rc;

	snprintf(where, sizeof(where), "services[%zu]", i);
	if (!json_is_object(s))
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' must be an object", where);
	if ((rc = only(r, s, fields, where)) != REDRESS_OK ||
	    (rc = code_at(r, s, where, svc->code)) != REDRESS_OK)
		return rc;
	for (k = 0; k < i; k++)
		if (strcmp(rules->services[k].code, svc->code) == 0)
			return error_set(r->err, REDRESS_E_INVALID,
			                 "field '%s.code': service '%s' is declared twice", where, svc->code);
	snprintf(at, sizeof(at), "%s.names", where);
	if ((f = json_object_get(s, "names")) == NULL)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s' is missing", at);
	return names_at(r, f, at, &svc->names);
}

static enum redress_err
services_at(const struct reader *r, json_t *v, struct program_rules *rules)
{
	json_t *s;
	size_t i;
	enum redress_err rc;

	if (!json_is_array(v))
		return error_set(r->err, REDRESS_E_INVALID, "field 'services' must be a list");
	if (json_array_size(v) > PROGRAM_SERVICES_MAX)
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'services' has %zu services; the limit is %d", json_array_size(v),
		                 PROGRAM_SERVICES_MAX);
	json_array_foreach(v, i, s)
	{
		rc = service_at(r, s, i, rules);
		rules->nservices = i + 1;
		if (!keep(r, rc))
			return rc;
	}
	return REDRESS_OK;
}

static enum redress_err
caps_at(const struct reader *r, json_t *v, struct program_rules *rules)
{
	static const char *const fields[] = {"family", "person", NULL};
	json_t *f;
	enum redress_err rc;

	if (!json_is_object(v))
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'caps' must be an object: {\"person\": ..., \"family\": ...}");
	if ((rc = only(r, v, fields, "caps")) != REDRESS_OK)
		return rc;
	if ((f = json_object_get(v, "person")) != NULL &&
	    (rc = amount_at(r, rules, f, "caps.person", &rules->cap_person)) != REDRESS_OK)
		return rc;
	if ((f = json_object_get(v, "family")) != NULL &&
	    (rc = amount_at(r, rules, f, "caps.family", &rules->cap_family)) != REDRESS_OK)
		return rc;
	return REDRESS_OK;
}

/* One priority key's text ("frailty", "age", "vulnerability:disability") into out. */
static void
priority_text(const struct program_rules *rules, size_t i, char *out, size_t size)
{
	if (rules->priority[i] == PROGRAM_PRIORITY_VULNERABILITY)
		snprintf(out, size, "vulnerability:%s",
		         registry_vulnerability_code(rules->priority_vulnerability[i]));
	else
		snprintf(out, size, "%s", priority_names[rules->priority[i]]);
}

/* priority[i]: "frailty", "age" or "vulnerability:CODE", not listed before. */
static enum redress_err
priority_key_at(const struct reader *r, json_t *e, size_t i, struct program_rules *rules)
{
	char where[32], text[64], list[160];
	size_t k;
	int index, used = 0;
	enum redress_err rc;

	snprintf(where, sizeof(where), "priority[%zu]", i);
	if (json_is_string(e) && strncmp(json_string_value(e), "vulnerability:", 14) == 0) {
		const char *code = json_string_value(e) + 14;

		if ((index = registry_vulnerability_find(code)) < 0) {
			for (k = 0, list[0] = '\0'; registry_vulnerability_code((int)k) != NULL; k++)
				used += snprintf(list + used, sizeof(list) - (size_t)used, "%s%s",
				                 k > 0 ? ", " : "", registry_vulnerability_code((int)k));
			return error_set(r->err, REDRESS_E_INVALID,
			                 "field '%s': vulnerability category '%.32s' is not one of: %s",
			                 where, code, list);
		}
		rules->priority[i] = PROGRAM_PRIORITY_VULNERABILITY;
		rules->priority_vulnerability[i] = index;
	} else {
		static const char *const plain[] = {"frailty", "age"};

		if ((rc = choice_at(r, e, where, plain, NAMES_COUNT(plain), &index)) != REDRESS_OK)
			return error_set(r->err, REDRESS_E_INVALID,
			                 "field '%s' must be \"frailty\", \"age\" or \"vulnerability:CODE\"",
			                 where);
		rules->priority[i] = (enum program_priority)index;
	}
	priority_text(rules, i, text, sizeof(text));
	for (k = 0; k < i; k++)
		if (rules->priority[k] == rules->priority[i] &&
		    (rules->priority[i] != PROGRAM_PRIORITY_VULNERABILITY ||
		     rules->priority_vulnerability[k] == rules->priority_vulnerability[i]))
			return error_set(r->err, REDRESS_E_INVALID, "field '%s': '%s' is listed twice", where,
			                 text);
	return REDRESS_OK;
}

static enum redress_err
priority_at(const struct reader *r, json_t *v, struct program_rules *rules)
{
	json_t *e;
	size_t i;
	enum redress_err rc;

	if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > PROGRAM_PRIORITY_MAX)
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'priority' must be a list of \"frailty\", \"age\" and"
		                 " \"vulnerability:CODE\", most important first, at most %d",
		                 PROGRAM_PRIORITY_MAX);
	json_array_foreach(v, i, e)
	{
		/* A key not understood is none of the others: it never equals a later one. */
		rules->priority[i] = (enum program_priority) - 1;
		rc = priority_key_at(r, e, i, rules);
		rules->npriority = i + 1;
		if (!keep(r, rc))
			return rc;
	}
	return REDRESS_OK;
}

static enum redress_err
exclusion_at(const struct reader *r, json_t *e, size_t i, const char *self, struct program_rules *rules)
{
	static const char *const fields[] = {"paid_by", "receives", NULL};
	char where[64], what[96];
	const char *key;
	json_t *f;
	enum redress_err rc;

	snprintf(where, sizeof(where), "exclusions[%zu]", i);
	if (json_is_object(e) && (rc = only(r, e, fields, where)) != REDRESS_OK)
		return rc;
	if (!json_is_object(e) || json_object_size(e) != 1)
		return error_set(
		    r->err, REDRESS_E_INVALID,
		    "field '%s' must be {\"paid_by\": \"PROGRAM\"} or {\"receives\": \"BENEFIT\"}", where);
	/* A person paid by another program, or receiving another benefit recorded on her file. */
	rules->exclusion_receives[i] = json_object_get(e, "receives") != NULL;
	key = rules->exclusion_receives[i] ? "receives" : "paid_by";
	f = json_object_get(e, key);
	snprintf(what, sizeof(what), "%s.%s", where, key);
	if ((rc = string_at(r, f, what, rules->exclusions[i], sizeof(rules->exclusions[i]))) != REDRESS_OK)
		return rc;
	snprintf(what, sizeof(what), "field '%s.%s'", where, key);
	if (rules->exclusion_receives[i])
		return text_check_id(what, rules->exclusions[i], PROGRAM_ITEM_CODE_MAX, "._-", r->err);
	if ((rc = text_check_id(what, rules->exclusions[i], PROGRAM_CODE_MAX, PROGRAM_CODE_CHARS, r->err)) !=
	    REDRESS_OK)
		return rc;
	if (strcmp(rules->exclusions[i], self) == 0)
		return error_set(r->err, REDRESS_E_INVALID, "field '%s.paid_by' names the program itself",
		                 where);
	return REDRESS_OK;
}

static enum redress_err
exclusions_at(const struct reader *r, json_t *v, const char *self, struct program_rules *rules)
{
	json_t *e;
	size_t i;
	enum redress_err rc;

	if (!json_is_array(v))
		return error_set(r->err, REDRESS_E_INVALID, "field 'exclusions' must be a list");
	if (json_array_size(v) > PROGRAM_EXCLUSIONS_MAX)
		return error_set(r->err, REDRESS_E_INVALID,
		                 "field 'exclusions' has %zu entries; the limit is %d", json_array_size(v),
		                 PROGRAM_EXCLUSIONS_MAX);
	json_array_foreach(v, i, e)
	{
		rc = exclusion_at(r, e, i, self, rules);
		rules->nexclusions = i + 1;
		if (!keep(r, rc))
			return rc;
	}
	return REDRESS_OK;
}

enum redress_err
programs_rules_parse(json_t *root, struct program *p, struct program_errors *all, struct redress_error *err)
{
	struct reader r;
	struct program_rules *rules = &p->rules;
	json_t *v;
	int combine;
	enum redress_err rc;

	memset(rules, 0, sizeof(*rules));
	if ((r.cur = currency_find(p->currency, err)) == NULL)
		return error_prefix(err, "field 'currency'");
	r.err = err;
	r.all = all;
	if ((v = json_object_get(root, "names")) != NULL &&
	    !keep(&r, rc = names_at(&r, v, "names", &rules->names)))
		return rc;
	/* Units before everything that may be counted in them. */
	if ((v = json_object_get(root, "units")) != NULL && !keep(&r, rc = units_at(&r, v, rules)))
		return rc;
	if ((v = json_object_get(root, "harms")) != NULL && !keep(&r, rc = harms_at(&r, v, rules)))
		return rc;
	if ((v = json_object_get(root, "combine")) != NULL) {
		if (rules->nharms == 0)
			rc = error_set(err, REDRESS_E_INVALID,
			               "field 'combine' without 'harms': nothing to combine");
		else if ((rc = choice_at(&r, v, "combine", combine_names, NAMES_COUNT(combine_names),
		                         &combine)) == REDRESS_OK)
			rules->combine = (enum program_combine)combine;
		if (!keep(&r, rc))
			return rc;
	}
	if ((v = json_object_get(root, "caps")) != NULL && !keep(&r, rc = caps_at(&r, v, rules)))
		return rc;
	if ((v = json_object_get(root, "priority")) != NULL && !keep(&r, rc = priority_at(&r, v, rules)))
		return rc;
	if ((v = json_object_get(root, "exclusions")) != NULL &&
	    !keep(&r, rc = exclusions_at(&r, v, p->code, rules)))
		return rc;
	if ((v = json_object_get(root, "payment")) != NULL && !keep(&r, rc = payment_at(&r, v, rules)))
		return rc;
	if ((v = json_object_get(root, "services")) != NULL && !keep(&r, rc = services_at(&r, v, rules)))
		return rc;
	if ((v = json_object_get(root, "casework")) != NULL) {
		static const char *const casework_fields[] = {"ask_again_days", "grievance_days", NULL};

		if (!json_is_object(v))
			rc = error_set(err, REDRESS_E_INVALID, "field 'casework' must be an object");
		else if ((rc = only(&r, v, casework_fields, "casework")) == REDRESS_OK) {
			/* Each a whole number of days, and what it is for (for the error). */
			const struct {
				const char *field, *what;
				int *days;
			} limits[] = {
			    {"grievance_days", "how long a grievance may stay open", &rules->grievance_days},
			    {"ask_again_days", "when a person who was undecided is asked again",
			     &rules->ask_again_days},
			};
			size_t i;

			for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
				if (json_object_get(v, limits[i].field) != NULL &&
				    !positive_int(json_object_get(v, limits[i].field), PROGRAM_DAYS_MAX,
				                  limits[i].days) &&
				    !keep(&r, rc = error_set(
				                  err, REDRESS_E_INVALID,
				                  "field 'casework.%s' must be a whole number of days, 1 to"
				                  " %d: %s",
				                  limits[i].field, PROGRAM_DAYS_MAX, limits[i].what)))
					return rc;
			rc = REDRESS_OK;
		}
		if (!keep(&r, rc))
			return rc;
	}
	return REDRESS_OK;
}

enum redress_err
programs_rules_check(const struct program *p, struct redress_error *err)
{
	const struct program_rules *rules = &p->rules;
	size_t i;

	if (rules->nharms > 0 && (p->survivor_amount != 0 || p->bereaved_amount != 0))
		return error_set(
		    err, REDRESS_E_INVALID,
		    "field 'benefits': a program with 'harms' pays by harm; leave 'benefits' out");
	if (rules->nunits > 0) {
		int used[PROGRAM_UNITS_MAX] = {0};

		for (i = 0; i < rules->nharms; i++)
			if (rules->harms[i].amount.unit >= 0)
				used[rules->harms[i].amount.unit] = 1;
		if (rules->cap_person.set && rules->cap_person.unit >= 0)
			used[rules->cap_person.unit] = 1;
		if (rules->cap_family.set && rules->cap_family.unit >= 0)
			used[rules->cap_family.unit] = 1;
		for (i = 0; i < rules->nunits; i++)
			if (!used[i])
				return error_set(
				    err, REDRESS_E_INVALID,
				    "field 'units[%zu]': unit '%s' is counted in by no harm or cap", i,
				    rules->units[i].code);
	}
	if (rules->form == PROGRAM_FORM_INSTALMENTS && rules->instalments.proof_every_months > 0 &&
	    rules->instalments.proof_every_months < rules->instalments.every_months)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "field 'payment.proof_of_life.every_months' (%d) is shorter than the time between"
		    " two instalments (%d): a proof before each payment is enough",
		    rules->instalments.proof_every_months, rules->instalments.every_months);
	return REDRESS_OK;
}

static json_t *
names_json(const struct program_names *n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o != NULL && i < PROGRAM_LANGS; i++)
		if (n->text[i][0] != '\0' &&
		    json_object_set_new(o, lang_codes[i], json_string(n->text[i])) != 0) {
			json_decref(o);
			return NULL;
		}
	return o;
}

static void
quantity_text(int64_t num, char out[32])
{
	int64_t whole = num / 10000, frac = num % 10000;
	int digits = PROGRAM_QUANTITY_DIGITS;

	if (frac == 0) {
		snprintf(out, 32, "%lld", (long long)whole);
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(out, 32, "%lld.%0*lld", (long long)whole, digits, (long long)frac);
}

static json_t *
amount_json(const struct program *p, const struct program_amount *a)
{
	char text[32];

	if (a->unit < 0) {
		money_format(a->minor, currency_find(p->currency, NULL), text, sizeof(text));
		return json_string(text);
	}
	quantity_text(a->num, text);
	return json_pack("{s:s, s:s}", "unit", p->rules.units[a->unit].code, "quantity", text);
}

/* Sets key to v in o (stealing v); a NULL v or a failure is out of memory. */
static int
put(json_t *o, const char *key, json_t *v)
{
	return v == NULL || json_object_set_new(o, key, v) != 0;
}

json_t *
program_rules_json(const struct program *p)
{
	const struct program_rules *rules = &p->rules;
	const struct currency *cur = currency_find(p->currency, NULL);
	json_t *o = json_object(), *a, *e;
	char text[MONEY_TEXT_SIZE];
	size_t i, k;
	int bad = o == NULL;

	if (!bad && (rules->names.text[0][0] || rules->names.text[1][0] || rules->names.text[2][0]))
		bad |= put(o, "names", names_json(&rules->names));
	if (!bad && rules->nunits > 0) {
		bad |= put(o, "units", a = json_array());
		for (i = 0; !bad && i < rules->nunits; i++) {
			const struct program_unit *u = &rules->units[i];
			json_t *values = json_array();

			e = json_pack("{s:s, s:o}", "code", u->code, "values", values);
			bad |= e == NULL || json_array_append_new(a, e) != 0;
			if (!bad && (u->names.text[0][0] || u->names.text[1][0] || u->names.text[2][0]))
				bad |= put(e, "names", names_json(&u->names));
			for (k = 0; !bad && k < u->nvalues; k++) {
				money_format(u->values[k].minor, cur, text, sizeof(text));
				bad |= json_array_append_new(values, json_pack("{s:s, s:s}", "from",
				                                               u->values[k].from, "amount",
				                                               text)) != 0;
			}
		}
	}
	if (!bad && rules->nharms > 0) {
		bad |= put(o, "harms", a = json_array());
		for (i = 0; !bad && i < rules->nharms; i++)
			bad |= json_array_append_new(
			           a, json_pack("{s:s, s:o, s:o}", "code", rules->harms[i].code, "names",
			                        names_json(&rules->harms[i].names), "amount",
			                        amount_json(p, &rules->harms[i].amount))) != 0;
		if (!bad)
			bad |= put(o, "combine", json_string(combine_names[rules->combine]));
	}
	if (!bad && (rules->cap_person.set || rules->cap_family.set)) {
		bad |= put(o, "caps", e = json_object());
		if (!bad && rules->cap_person.set)
			bad |= put(e, "person", amount_json(p, &rules->cap_person));
		if (!bad && rules->cap_family.set)
			bad |= put(e, "family", amount_json(p, &rules->cap_family));
	}
	if (!bad && rules->npriority > 0) {
		bad |= put(o, "priority", a = json_array());
		for (i = 0; !bad && i < rules->npriority; i++) {
			char key[64];

			priority_text(rules, i, key, sizeof(key));
			bad |= json_array_append_new(a, json_string(key)) != 0;
		}
	}
	if (!bad && rules->nexclusions > 0) {
		bad |= put(o, "exclusions", a = json_array());
		for (i = 0; !bad && i < rules->nexclusions; i++)
			bad |=
			    json_array_append_new(
			        a, json_pack("{s:s}", rules->exclusion_receives[i] ? "receives" : "paid_by",
			                     rules->exclusions[i])) != 0;
	}
	if (!bad && rules->form == PROGRAM_FORM_INSTALMENTS) {
		const struct program_instalments *in = &rules->instalments;

		bad |= put(o, "payment",
		           e = json_pack("{s:s, s:i, s:i, s:s}", "form", "instalments", "count", in->count,
		                         "every_months", in->every_months, "at_death",
		                         at_death_names[in->at_death]));
		if (!bad && in->proof_every_months > 0)
			bad |= put(e, "proof_of_life",
			           json_pack("{s:i, s:i}", "every_months", in->proof_every_months,
			                     "window_days", in->proof_window_days));
	}
	if (!bad && rules->nservices > 0) {
		bad |= put(o, "services", a = json_array());
		for (i = 0; !bad && i < rules->nservices; i++)
			bad |= json_array_append_new(
			           a, json_pack("{s:s, s:o}", "code", rules->services[i].code, "names",
			                        names_json(&rules->services[i].names))) != 0;
	}
	if (!bad && (rules->grievance_days > 0 || rules->ask_again_days > 0)) {
		json_t *cw = json_object();

		bad |= put(o, "casework", cw);
		if (!bad && rules->grievance_days > 0)
			bad |= put(cw, "grievance_days", json_integer(rules->grievance_days));
		if (!bad && rules->ask_again_days > 0)
			bad |= put(cw, "ask_again_days", json_integer(rules->ask_again_days));
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int
programs_rules_empty(const struct program *p)
{
	const struct program_rules *r = &p->rules;

	return !r->names.text[0][0] && !r->names.text[1][0] && !r->names.text[2][0] && r->nunits == 0 &&
	       r->nharms == 0 && !r->cap_person.set && !r->cap_family.set && r->npriority == 0 &&
	       r->nexclusions == 0 && r->form == PROGRAM_FORM_LUMP_SUM && r->nservices == 0 &&
	       r->grievance_days == 0 && r->ask_again_days == 0;
}

const char *
program_name(const struct program *p, const char *lang)
{
	int i = lang != NULL ? name_index(lang_codes, PROGRAM_LANGS, lang) : -1;

	if (i < 0)
		i = PROGRAM_LANG_EN;
	return p->rules.names.text[i][0] != '\0' ? p->rules.names.text[i] : p->name;
}

int
program_harm_find(const struct program *p, const char *code)
{
	size_t i;

	for (i = 0; i < p->rules.nharms; i++)
		if (strcmp(p->rules.harms[i].code, code) == 0)
			return (int)i;
	return -1;
}

enum redress_err
program_unit_value(const struct program *p, int unit, const char *date, int64_t *minor_r,
                   struct redress_error *err)
{
	const struct program_unit *u;
	size_t i;

	if (unit < 0 || (size_t)unit >= p->rules.nunits)
		return error_set(err, REDRESS_E_INTERNAL, "program '%s' has no unit %d", p->code, unit);
	u = &p->rules.units[unit];
	for (i = u->nvalues; i > 0; i--)
		if (strcmp(u->values[i - 1].from, date) <= 0) {
			*minor_r = u->values[i - 1].minor;
			return REDRESS_OK;
		}
	return error_set(err, REDRESS_E_NOTFOUND,
	                 "program '%s': unit '%s' has no value on %s (its table starts on %s)", p->code,
	                 u->code, date, u->values[0].from);
}

enum redress_err
program_amount_value(const struct program *p, const struct program_amount *a, const char *date,
                     int64_t *minor_r, struct redress_error *err)
{
	int64_t value;
	wide product;
	enum redress_err rc;

	if (a->unit < 0) {
		*minor_r = a->minor;
		return REDRESS_OK;
	}
	if ((rc = program_unit_value(p, a->unit, date, &value, err)) != REDRESS_OK)
		return rc;
	/* quantity x value exactly, then half up to the minor unit: (2x + d) / 2d. */
	product = (wide)a->num * value;
	product = (2 * product + 10000) / 20000;
	if (product > INT64_MAX)
		return error_set(err, REDRESS_E_OVERFLOW,
		                 "program '%s': %lld/10000 units of '%s' at %lld overflow an amount", p->code,
		                 (long long)a->num, p->rules.units[a->unit].code, (long long)value);
	*minor_r = (int64_t)product;
	return REDRESS_OK;
}

/* min(amount, cap - before), never below zero. */
static enum redress_err
apply_cap(const struct program *p, const struct program_amount *cap, const char *date, int64_t before,
          int64_t *amount, struct redress_error *err)
{
	int64_t limit, room;
	enum redress_err rc;

	if (!cap->set)
		return REDRESS_OK;
	if ((rc = program_amount_value(p, cap, date, &limit, err)) != REDRESS_OK)
		return rc;
	if (__builtin_sub_overflow(limit, before, &room))
		return error_set(err, REDRESS_E_OVERFLOW, "program '%s': a cap's room overflows", p->code);
	if (room < 0)
		room = 0;
	if (*amount > room)
		*amount = room;
	return REDRESS_OK;
}

enum redress_err
program_person_cap(const struct program *p, const char *date, int64_t person_before, int64_t *amount,
                   struct redress_error *err)
{
	return apply_cap(p, &p->rules.cap_person, date, person_before, amount, err);
}

enum redress_err
program_harms_amount(const struct program *p, const int *harms, size_t n, const char *date,
                     int64_t family_before, int64_t *minor_r, int64_t *uncapped_r, struct redress_error *err)
{
	int64_t total = 0, one;
	size_t i;
	enum redress_err rc;

	for (i = 0; i < n; i++) {
		if (harms[i] < 0 || (size_t)harms[i] >= p->rules.nharms)
			return error_set(err, REDRESS_E_INTERNAL, "program '%s' has no harm %d", p->code,
			                 harms[i]);
		if ((rc = program_amount_value(p, &p->rules.harms[harms[i]].amount, date, &one, err)) !=
		    REDRESS_OK)
			return rc;
		if (p->rules.combine == PROGRAM_COMBINE_MAX) {
			if (one > total)
				total = one;
		} else if (__builtin_add_overflow(total, one, &total)) {
			return error_set(err, REDRESS_E_OVERFLOW, "program '%s': the harms' amounts overflow",
			                 p->code);
		}
	}
	if (uncapped_r != NULL)
		*uncapped_r = total;
	if ((rc = apply_cap(p, &p->rules.cap_family, date, family_before, &total, err)) != REDRESS_OK)
		return rc;
	*minor_r = total;
	return REDRESS_OK;
}

enum redress_err
programs_rules_text(const struct program *p, struct buf *out, struct redress_error *err)
{
	json_t *rules;
	char *text;
	enum redress_err rc;

	if (programs_rules_empty(p))
		return REDRESS_OK;
	if ((rules = program_rules_json(p)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing program '%s''s rules", p->code);
	text = json_dumps(rules, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(rules);
	if (text == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing program '%s''s rules", p->code);
	if (strlen(text) > PROGRAM_RULES_TEXT_MAX)
		rc = error_set(err, REDRESS_E_INVALID,
		               "program '%s': its rules are %zu bytes; the limit is %d", p->code,
		               strlen(text), PROGRAM_RULES_TEXT_MAX);
	else {
		buf_puts(out, text);
		rc = buf_error(out, err);
	}
	mem_json_free(text);
	return rc;
}

/*
 * The rules last read on this thread, by what their reading depends on:
 * the text, the program's code and its currency.  Every step of a claim
 * reads its program, and parsing the same text again each time was about
 * a tenth of a claim's cost (bench_registry).  Only a reading that
 * succeeded is kept, and only a text that fits; the rules are public.
 */
#define RULES_MEMO_TEXT 8192
static _Thread_local struct {
	int valid;
	char code[PROGRAM_CODE_MAX + 1];
	char currency[CURRENCY_CODE_SIZE];
	size_t len;
	char text[RULES_MEMO_TEXT];
	struct program_rules rules;
} memo;

static int
memo_matches(const struct program *p, const char *text, size_t len)
{
	return memo.valid && memo.len == len && strcmp(memo.code, p->code) == 0 &&
	       strcmp(memo.currency, p->currency) == 0 && memcmp(memo.text, text, len) == 0;
}

static void
memo_keep(const struct program *p, const char *text, size_t len)
{
	memo.valid = 0;
	if (len >= sizeof(memo.text) || strlen(p->code) >= sizeof(memo.code) ||
	    strlen(p->currency) >= sizeof(memo.currency))
		return;
	memcpy(memo.code, p->code, strlen(p->code) + 1);
	memcpy(memo.currency, p->currency, strlen(p->currency) + 1);
	memcpy(memo.text, text, len);
	memo.len = len;
	memo.rules = p->rules;
	memo.valid = 1;
}

enum redress_err
programs_rules_load(struct program *p, const char *text, struct redress_error *err)
{
	json_error_t jerr;
	json_t *root;
	enum redress_err rc;
	unsigned long failures = mem_failures();
	size_t len;

	memset(&p->rules, 0, sizeof(p->rules));
	if (text == NULL || text[0] == '\0')
		return REDRESS_OK;
	len = strlen(text);
	if (memo_matches(p, text, len)) {
		p->rules = memo.rules;
		return REDRESS_OK;
	}
	root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	/* jansson tells out of memory as a syntax error: the allocator tells it apart. */
	if (root == NULL &&
	    (json_error_code(&jerr) == json_error_out_of_memory || mem_failures() != failures))
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading program '%s''s rules", p->code);
	if (root == NULL)
		return error_set(err, REDRESS_E_INVALID, "program '%s': its rules are not JSON (%d:%d: %s)",
		                 p->code, jerr.line, jerr.column, jerr.text);
	rc = json_is_object(root)
	         ? programs_rules_parse(root, p, NULL, err)
	         : error_set(err, REDRESS_E_INVALID, "program '%s': its rules are not an object", p->code);
	json_decref(root);
	if (rc == REDRESS_OK)
		memo_keep(p, text, len);
	return rc;
}
