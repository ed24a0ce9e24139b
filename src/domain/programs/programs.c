/*
 * programs.c -- a program file read from outside (jansson), its checks,
 * and the commands: add (the event, and the program's ledger accounts),
 * get, each.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/programs/programs_int.h"
#include "domain/registry/registry.h"

#define PROGRAMS_EVENT_DATA_MAX 4096

/*
 * The fields a program file may hold, each object's in order; anything
 * else is refused.  The first format's fields, then the rules'
 * (programs_rules.c): names, units, harms, combine, caps, priority,
 * exclusions, payment, services.
 */
static const char *const top_fields[] = {
    "accounts",   "approvals", "benefits", "caps",  "casework", "code",     "combine",  "currency", "cutoff",
    "exclusions", "harms",     "name",     "names", "payment",  "priority", "services", "units",    NULL};
static const char *const account_fields[] = {"expense", "fund", "payable", NULL};
static const char *const benefit_fields[] = {"bereaved", "survivor", NULL};

static int
is_exchange_account(const char *code)
{
	return strncmp(code, LEDGER_EXCHANGE_PREFIX, strlen(LEDGER_EXCHANGE_PREFIX)) == 0;
}

static enum redress_err
account_check(const char *field, const char *code, struct redress_error *err)
{
	char what[64];
	enum redress_err rc;

	snprintf(what, sizeof(what), "field '%s'", field);
	if ((rc = text_check_id(what, code, LEDGER_CODE_MAX, PROGRAM_ACCOUNT_CHARS, err)) != REDRESS_OK)
		return rc;
	if (is_exchange_account(code))
		return error_set(err, REDRESS_E_INVALID,
		                 "field '%s': account codes starting with '%s' are the ledger's own", field,
		                 LEDGER_EXCHANGE_PREFIX);
	return REDRESS_OK;
}

enum redress_err
programs_check(const struct program *p, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = text_check_id("field 'code'", p->code, PROGRAM_CODE_MAX, PROGRAM_CODE_CHARS, err)) !=
	        REDRESS_OK ||
	    (rc = text_check("field 'name'", p->name, PROGRAM_NAME_MAX, err)) != REDRESS_OK)
		return rc;
	if (currency_find(p->currency, err) == NULL)
		return error_prefix(err, "field 'currency'");
	if ((rc = registry_date_check("field 'cutoff'", p->cutoff, err)) != REDRESS_OK)
		return rc;
	if ((rc = account_check("accounts.fund", p->fund, err)) != REDRESS_OK ||
	    (rc = account_check("accounts.payable", p->payable, err)) != REDRESS_OK ||
	    (rc = account_check("accounts.expense", p->expense, err)) != REDRESS_OK)
		return rc;
	if (strcmp(p->fund, p->payable) == 0 || strcmp(p->fund, p->expense) == 0 ||
	    strcmp(p->payable, p->expense) == 0)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "field 'accounts': fund, payable and expense must be three different accounts");
	if (p->survivor_amount < 0)
		return error_set(err, REDRESS_E_INVALID, "field 'benefits.survivor' is negative");
	if (p->bereaved_amount < 0)
		return error_set(err, REDRESS_E_INVALID, "field 'benefits.bereaved' is negative");
	if (p->survivor_amount == 0 && p->bereaved_amount == 0 && p->rules.nharms == 0 &&
	    p->rules.nservices == 0)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "field 'benefits': survivor and bereaved are both zero and there are no 'harms' or"
		    " 'services': the program would pay nothing");
	if (p->approvals < PROGRAM_APPROVALS_MIN || p->approvals > PROGRAM_APPROVALS_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "field 'approvals' is %d; it must be %d to %d (different reviewers approve a"
		                 " claim: four eyes at least)",
		                 p->approvals, PROGRAM_APPROVALS_MIN, PROGRAM_APPROVALS_MAX);
	return programs_rules_check(p, err);
}

/* The dotted name of key inside the object named prefix ("" for the top). */
static void
field_name(char *out, size_t size, const char *prefix, const char *key)
{
	snprintf(out, size, "%s%s%.64s", prefix, prefix[0] != '\0' ? "." : "", key);
}

/* Refuses any member of obj not in allowed. */
static enum redress_err
only_fields(json_t *obj, const char *const *allowed, const char *prefix, struct redress_error *err)
{
	char name[160], list[160];
	const char *key;
	json_t *value;
	size_t i, used;

	json_object_foreach(obj, key, value)
	{
		for (i = 0; allowed[i] != NULL && strcmp(allowed[i], key) != 0; i++)
			;
		if (allowed[i] != NULL)
			continue;
		used = 0;
		list[0] = '\0';
		for (i = 0; allowed[i] != NULL && used < sizeof(list); i++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i > 0 ? ", " : "",
			                         allowed[i]);
		field_name(name, sizeof(name), prefix, key);
		return error_set(err, REDRESS_E_INVALID, "unknown field '%s' (the fields%s%s are: %s)", name,
		                 prefix[0] != '\0' ? " of " : "", prefix, list);
	}
	return REDRESS_OK;
}

/* The member key of obj, which must be there and of type want ("a string", ...). */
static json_t *
member(json_t *obj, const char *prefix, const char *key, int (*is)(const json_t *), const char *want,
       struct redress_error *err)
{
	json_t *v = json_object_get(obj, key);
	char name[160];

	field_name(name, sizeof(name), prefix, key);
	if (v == NULL) {
		error_set(err, REDRESS_E_INVALID, "field '%s' is missing", name);
		return NULL;
	}
	if (!is(v)) {
		error_set(err, REDRESS_E_INVALID, "field '%s' must be %s", name, want);
		return NULL;
	}
	return v;
}

static int
is_string(const json_t *v)
{
	return json_is_string(v);
}

static int
is_object(const json_t *v)
{
	return json_is_object(v);
}

static int
is_integer(const json_t *v)
{
	return json_is_integer(v);
}

/* Copies the string member key into dst (size bytes), refusing what does not fit. */
static enum redress_err
string_field(json_t *obj, const char *prefix, const char *key, char *dst, size_t size,
             struct redress_error *err)
{
	json_t *v = member(obj, prefix, key, is_string, "a string", err);
	char name[160];
	size_t len;

	if (v == NULL)
		return err->code;
	field_name(name, sizeof(name), prefix, key);
	len = json_string_length(v);
	if (len != strlen(json_string_value(v)))
		return error_set(err, REDRESS_E_INVALID, "field '%s' holds a NUL character", name);
	if (len >= size)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is %zu bytes long; the limit is %zu",
		                 name, len, size - 1);
	memcpy(dst, json_string_value(v), len + 1);
	return REDRESS_OK;
}

/* An amount: decimal text in the program's currency, "100000000" or "1250.50". */
static enum redress_err
amount_field(json_t *obj, const char *key, const struct currency *cur, int64_t *minor_r,
             struct redress_error *err)
{
	char text[MONEY_TEXT_SIZE + 8];
	enum redress_err rc;

	if ((rc = string_field(obj, "benefits", key, text, sizeof(text), err)) != REDRESS_OK)
		return rc;
	if ((rc = money_parse(text, cur, minor_r, err)) != REDRESS_OK)
		return error_prefix(err, "field 'benefits.%s'", key);
	return REDRESS_OK;
}

/* Whether parsing goes on after rc (programs_errors_keep). */
static int
keep(struct program_errors *all, enum redress_err rc, const struct redress_error *err)
{
	return programs_errors_keep(all, rc, err);
}

/* "accounts": its three codes, each read whatever is wrong with the others. */
static enum redress_err
parse_accounts(json_t *root, struct program *p, struct program_errors *all, struct redress_error *err)
{
	json_t *accounts;
	enum redress_err rc;

	if ((accounts = member(root, "", "accounts", is_object, "an object", err)) == NULL)
		return err->code;
	if (!keep(all, rc = only_fields(accounts, account_fields, "accounts", err), err))
		return rc;
	if ((rc = string_field(accounts, "accounts", "fund", p->fund, sizeof(p->fund), err)) == REDRESS_OK)
		rc = account_check("accounts.fund", p->fund, err);
	if (!keep(all, rc, err))
		return rc;
	if ((rc = string_field(accounts, "accounts", "payable", p->payable, sizeof(p->payable), err)) ==
	    REDRESS_OK)
		rc = account_check("accounts.payable", p->payable, err);
	if (!keep(all, rc, err))
		return rc;
	if ((rc = string_field(accounts, "accounts", "expense", p->expense, sizeof(p->expense), err)) ==
	    REDRESS_OK)
		rc = account_check("accounts.expense", p->expense, err);
	return rc;
}

/* "benefits": the flat schedule, in the currency cur. */
static enum redress_err
parse_benefits(json_t *root, const struct currency *cur, struct program *p, struct program_errors *all,
               struct redress_error *err)
{
	json_t *benefits;
	enum redress_err rc;

	if ((benefits = member(root, "", "benefits", is_object, "an object", err)) == NULL)
		return err->code;
	if (!keep(all, rc = only_fields(benefits, benefit_fields, "benefits", err), err) ||
	    !keep(all, rc = amount_field(benefits, "survivor", cur, &p->survivor_amount, err), err))
		return rc;
	return amount_field(benefits, "bereaved", cur, &p->bereaved_amount, err);
}

static enum redress_err
parse_approvals(json_t *root, struct program *p, struct redress_error *err)
{
	json_t *approvals;
	json_int_t n;

	if ((approvals = member(root, "", "approvals", is_integer, "a whole number", err)) == NULL)
		return err->code;
	n = json_integer_value(approvals);
	if (n < PROGRAM_APPROVALS_MIN || n > PROGRAM_APPROVALS_MAX)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "field 'approvals' is %lld; it must be %d to %d (different reviewers approve a"
		    " claim: four eyes at least)",
		    (long long)n, PROGRAM_APPROVALS_MIN, PROGRAM_APPROVALS_MAX);
	p->approvals = (int)n;
	return REDRESS_OK;
}

/*
 * The file's object, every field read whatever is wrong with the others
 * when all is not NULL (program_parse_all); the checks across fields once
 * each is right.
 */
static enum redress_err
parse_object(json_t *root, struct program *p, struct program_errors *all, struct redress_error *err)
{
	const struct currency *cur = NULL;
	enum redress_err rc;

	if (!keep(all, rc = only_fields(root, top_fields, "", err), err))
		return rc;
	/* Each field checked as programs_check will, so that every one is named at once. */
	if ((rc = string_field(root, "", "code", p->code, sizeof(p->code), err)) == REDRESS_OK)
		rc = text_check_id("field 'code'", p->code, PROGRAM_CODE_MAX, PROGRAM_CODE_CHARS, err);
	if (!keep(all, rc, err))
		return rc;
	if ((rc = string_field(root, "", "name", p->name, sizeof(p->name), err)) == REDRESS_OK)
		rc = text_check("field 'name'", p->name, PROGRAM_NAME_MAX, err);
	if (!keep(all, rc, err))
		return rc;
	if ((rc = string_field(root, "", "currency", p->currency, sizeof(p->currency), err)) == REDRESS_OK &&
	    (cur = currency_find(p->currency, err)) == NULL)
		rc = error_prefix(err, "field 'currency'");
	if (!keep(all, rc, err))
		return rc;
	if ((rc = string_field(root, "", "cutoff", p->cutoff, sizeof(p->cutoff), err)) == REDRESS_OK)
		rc = registry_date_check("field 'cutoff'", p->cutoff, err);
	if (!keep(all, rc, err) || !keep(all, rc = parse_accounts(root, p, all, err), err))
		return rc;
	/* Amounts are in the currency: they are read once it is known. */
	if (cur != NULL) {
		memcpy(p->currency, cur->code, sizeof(p->currency));
		/* A program that pays by harm may leave the flat schedule out. */
		if ((json_object_get(root, "benefits") != NULL || json_object_get(root, "harms") == NULL) &&
		    !keep(all, rc = parse_benefits(root, cur, p, all, err), err))
			return rc;
		if (!keep(all, rc = programs_rules_parse(root, p, all, err), err))
			return rc;
	}
	if (!keep(all, rc = parse_approvals(root, p, err), err))
		return rc;
	if (all != NULL && all->n > 0) {
		/* err holds the last error kept: the first is what the caller names. */
		error_set(err, REDRESS_E_INVALID, "%s", all->message[0]);
		return REDRESS_E_INVALID;
	}
	return programs_check(p, err);
}

enum redress_err
program_parse_all(const char *text, size_t len, struct program *p_r, struct program_errors *errs,
                  struct redress_error *err)
{
	struct program *p;
	json_error_t jerr;
	json_t *root;
	enum redress_err rc;

	if (errs != NULL) {
		errs->n = 0;
		errs->more = 0;
	}
	if (len > PROGRAM_FILE_MAX)
		rc = error_set(err, REDRESS_E_INVALID, "the program file is %zu bytes; the limit is %u", len,
		               PROGRAM_FILE_MAX);
	else if ((p = calloc(1, sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading a program file");
	else {
		p->version = 1; /* a file is a program as first added, until a proposal numbers it */
		root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
		if (root == NULL)
			rc =
			    error_set(err, REDRESS_E_INVALID, "%d:%d: %s", jerr.line, jerr.column, jerr.text);
		else if (!json_is_object(root))
			rc = error_set(err, REDRESS_E_INVALID, "1:1: a program file is one JSON object");
		else
			rc = parse_object(root, p, errs, err);
		json_decref(root);
		if (rc == REDRESS_OK)
			*p_r = *p;
		free(p);
	}
	/* A single error (syntax, or found by a check across fields) is the list's one. */
	if (rc == REDRESS_E_INVALID && errs != NULL && errs->n == 0)
		programs_errors_keep(errs, rc, err);
	return rc;
}

enum redress_err
program_parse(const char *text, size_t len, struct program *p_r, struct redress_error *err)
{
	struct program_errors *errs = malloc(sizeof(*errs));
	enum redress_err rc;

	if (errs == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading a program file");
	rc = program_parse_all(text, len, p_r, errs, err);
	if (rc == REDRESS_E_INVALID && errs->n + errs->more > 1) {
		char first[REDRESS_ERROR_MAX];

		memcpy(first, errs->message[0], sizeof(first));
		error_set(err, rc, "%.400s (and %zu more errors)", first, errs->n + errs->more - 1);
	}
	free(errs);
	return rc;
}

enum redress_err
program_get(struct store *store, const char *code, struct program *p_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &programs_catalogue, PROGRAMS_Q_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	switch (programs_next(st, p_r, 0, err)) {
	case STORE_ROW: store_done(st); return programs_in_force(store, p_r, err);
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND,
		                 "no program '%.64s' (add it with 'redress program add --file PROGRAM.json')",
		                 code);
	default: return err->code;
	}
}

enum redress_err
program_each(struct store *store,
             enum redress_err (*fn)(void *ctx, const struct program *p, struct redress_error *err), void *ctx,
             struct redress_error *err)
{
	struct program *p;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc = REDRESS_OK;

	if ((st = store_statement(store, &programs_catalogue, PROGRAMS_Q_ALL, err)) == NULL)
		return err->code;
	/* A program with its rules is some kilobytes: one on the heap, not on a server thread's stack. */
	if ((p = malloc(sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing programs");
	while ((r = programs_next(st, p, 0, err)) == STORE_ROW)
		if ((rc = programs_in_force(store, p, err)) != REDRESS_OK ||
		    (rc = fn(ctx, p, err)) != REDRESS_OK)
			goto out;
	rc = r == STORE_DONE ? REDRESS_OK : err->code;
out:
	free(p);
	return rc;
}

/*
 * Opens the account code when it is missing (no_overdraft as given); an
 * account already there must be of kind in the program's currency, and the
 * fund, an asset, no-overdraft: the fund can never pay out more than it
 * holds.
 */
static enum redress_err
program_account(struct tlog *log, const struct program *p, const char *field, const char *code,
                enum ledger_kind kind, int no_overdraft, const char *name, struct redress_error *err)
{
	struct ledger_account_spec spec;
	struct ledger_account a;
	enum redress_err rc;

	int need_no_overdraft = kind == LEDGER_ASSET;

	rc = ledger_account_get(tlog_store(log), code, &a, err);
	if (rc == REDRESS_OK) {
		if (a.kind != kind || strcmp(a.currency, p->currency) != 0 ||
		    (need_no_overdraft && !a.no_overdraft))
			return error_set(err, REDRESS_E_REFUSED,
			                 "%s: account '%s' exists as %s %s%s; program '%s' needs %s %s%s",
			                 field, code, a.currency, ledger_kind_name(a.kind),
			                 a.no_overdraft ? " (no overdraft)" : "", p->code, p->currency,
			                 ledger_kind_name(kind),
			                 need_no_overdraft ? " that may not go below zero" : "");
		return REDRESS_OK;
	}
	if (rc != REDRESS_E_NOTFOUND)
		return rc;
	memset(&spec, 0, sizeof(spec));
	spec.code = code;
	spec.currency = p->currency;
	spec.kind = kind;
	spec.name = name;
	spec.no_overdraft = no_overdraft;
	if ((rc = ledger_account_open(log, &spec, NULL, err)) != REDRESS_OK)
		return error_prefix(err, "%s", field);
	return REDRESS_OK;
}

enum redress_err
program_add(struct tlog *log, const struct actor *actor, const struct program *p, struct redress_error *err)
{
	char fund_name[LEDGER_NAME_MAX + 1], payable_name[LEDGER_NAME_MAX + 1],
	    expense_name[LEDGER_NAME_MAX + 1];
	struct program q = *p, old;
	struct buf data, rules;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PROGRAMS_MANAGE, err)) != REDRESS_OK ||
	    (rc = programs_check(&q, err)) != REDRESS_OK)
		return rc;
	rc = program_get(tlog_store(log), q.code, &old, err);
	if (rc == REDRESS_OK)
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "program '%s' already exists (added by event %llu); a new version of it is proposed"
		    " by one admin ('redress program add --file') and approved by another",
		    q.code, (unsigned long long)old.added_seq);
	if (rc != REDRESS_E_NOTFOUND)
		return rc;
	snprintf(fund_name, sizeof(fund_name), "Fund of program %s", q.code);
	snprintf(payable_name, sizeof(payable_name), "Benefits payable under program %s", q.code);
	snprintf(expense_name, sizeof(expense_name), "Benefits under program %s", q.code);
	/*
	 * The payable may not go below zero either: the fund never pays a
	 * beneficiary more than the program owes.
	 */
	if ((rc = program_account(log, &q, "accounts.fund", q.fund, LEDGER_ASSET, 1, fund_name, err)) !=
	        REDRESS_OK ||
	    (rc = program_account(log, &q, "accounts.payable", q.payable, LEDGER_LIABILITY, 1, payable_name,
	                          err)) != REDRESS_OK ||
	    (rc = program_account(log, &q, "accounts.expense", q.expense, LEDGER_EXPENSE, 0, expense_name,
	                          err)) != REDRESS_OK)
		return rc;
	buf_init(&data, PROGRAMS_EVENT_DATA_MAX + 2 * PROGRAM_RULES_TEXT_MAX);
	buf_init(&rules, PROGRAM_RULES_TEXT_MAX + 1);
	buf_puts(&rules, "");
	if ((rc = programs_rules_text(&q, &rules, err)) == REDRESS_OK &&
	    (rc = programs_encode(&data, &q, rules.data != NULL ? rules.data : "", err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &programs_module, PROGRAMS_EV_ADDED, &data, &q.added_seq, err);
	buf_free(&data);
	buf_free(&rules);
	return rc;
}
