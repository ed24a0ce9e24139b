/*
 * test_programs.c -- programs as data: the two example files parse to the
 * rules they state; every malformed field of a program file is refused
 * with its name (or the line and column of a syntax error); adding a
 * program records its event, opens its accounts through the ledger, and
 * refuses a fund that is not a no-overdraft asset in its currency; audit
 * agrees with the table without replaying, and names a row edited behind
 * its back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "claimfix.h"
#include "core/clock.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"

/* The flagship program, as in programs.h and examples/flagship-2015.json (less its names). */
static const char flagship[] =
    "{\n"
    "  \"code\": \"flagship-2015\",\n"
    "  \"name\": \"Reconciliation and Healing Foundation (2015 agreement)\",\n"
    "  \"currency\": \"KRW\",\n"
    "  \"cutoff\": \"2015-12-28\",\n"
    "  \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:flagship-2015\",\n"
    "               \"expense\": \"benefits:flagship-2015\"},\n"
    "  \"benefits\": {\"survivor\": \"100000000\", \"bereaved\": \"20000000\"},\n"
    "  \"approvals\": 2\n"
    "}\n";

static char *
read_example(const char *name, size_t *len_r)
{
	char path[4096];
	FILE *fp;
	char *text;
	long len;

	snprintf(path, sizeof(path), "%s/examples/%s", REDRESS_SRCDIR, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	assert_true(len > 0);
	rewind(fp);
	text = malloc((size_t)len + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)len, fp), (size_t)len);
	text[len] = '\0';
	fclose(fp);
	*len_r = (size_t)len;
	return text;
}

static void
parse_ok(const char *text, struct program *p)
{
	struct redress_error err;

	error_clear(&err);
	if (program_parse(text, strlen(text), p, &err) != REDRESS_OK)
		fail_msg("refused: %s", err.message);
}

static void
test_examples(void **state)
{
	struct program p, q;
	size_t len;
	char *text;

	(void)state;
	text = read_example("flagship-2015.json", &len);
	parse_ok(text, &p);
	/*
	 * The file in examples/ is the program in programs.h, field for field,
	 * with its names in Korean, Japanese and English besides (the text
	 * here, of the first format, has none: such a file stays valid).
	 */
	parse_ok(flagship, &q);
	assert_string_equal(q.rules.names.text[PROGRAM_LANG_KO], "");
	assert_string_equal(p.rules.names.text[PROGRAM_LANG_KO], "화해·치유재단 (2015년 한일 합의)");
	assert_string_equal(p.rules.names.text[PROGRAM_LANG_JA], "和解・癒やし財団（2015年日韓合意）");
	assert_string_equal(p.rules.names.text[PROGRAM_LANG_EN], p.name);
	memcpy(&q.rules.names, &p.rules.names, sizeof(q.rules.names));
	assert_memory_equal(&p, &q, sizeof(p));
	free(text);
	assert_string_equal(p.code, "flagship-2015");
	assert_string_equal(p.name, "Reconciliation and Healing Foundation (2015 agreement)");
	assert_string_equal(p.currency, "KRW");
	assert_string_equal(p.cutoff, "2015-12-28");
	assert_string_equal(p.fund, "bank:krw");
	assert_string_equal(p.payable, "payable:flagship-2015");
	assert_string_equal(p.expense, "benefits:flagship-2015");
	assert_int_equal(p.survivor_amount, 100000000);
	assert_int_equal(p.bereaved_amount, 20000000);
	assert_int_equal(p.approvals, 2);

	/* Another currency, with cents; other dates, amounts and rule: no code changed. */
	text = read_example("another-program.json", &len);
	parse_ok(text, &p);
	free(text);
	assert_string_equal(p.currency, "USD");
	assert_string_equal(p.cutoff, "1988-08-10");
	assert_int_equal(p.survivor_amount, 2000000);
	assert_int_equal(p.bereaved_amount, 750050);
	assert_int_equal(p.approvals, 3);
	assert_string_equal(p.fund, "bank:usd");
}

/* The flagship text with one fragment replaced; the result must be refused naming expect. */
struct bad_case {
	const char *from; /* NULL: the whole text is to */
	const char *to;
	const char *expect;
};

static const struct bad_case bad_cases[] = {
    /* Syntax: line and column. */
    {NULL, "{\"code\": }", "1:"},
    {NULL, "{\n  \"code\": \"x\",\n  oops\n}", "3:"},
    {NULL, "", "1:"},
    {"\"approvals\": 2\n}", "\"approvals\": 2\n} trailing", "10:"},
    {"\"approvals\": 2", "\"approvals\": 2, \"approvals\": 3", "duplicate"},
    {NULL, "[]", "JSON object"},
    {NULL, "\"flagship\"", "1:"},
    /* Unknown fields, at every level. */
    {"\"approvals\": 2", "\"approvals\": 2, \"colour\": \"red\"", "unknown field 'colour'"},
    {"\"fund\": \"bank:krw\",", "\"fund\": \"bank:krw\", \"bank\": \"x\",", "unknown field 'accounts.bank'"},
    {"\"bereaved\": \"20000000\"}", "\"bereaved\": \"20000000\", \"orphan\": \"1\"}",
     "unknown field 'benefits.orphan'"},
    /* Missing fields. */
    {"\"code\": \"flagship-2015\",", "", "field 'code' is missing"},
    {"\"name\": \"Reconciliation and Healing Foundation (2015 agreement)\",", "", "field 'name' is missing"},
    {"\"currency\": \"KRW\",", "", "field 'currency' is missing"},
    {"\"cutoff\": \"2015-12-28\",", "", "field 'cutoff' is missing"},
    {",\n  \"approvals\": 2", "", "field 'approvals' is missing"},
    {"\"fund\": \"bank:krw\", ", "", "field 'accounts.fund' is missing"},
    {"\"payable\": \"payable:flagship-2015\",", "", "field 'accounts.payable' is missing"},
    {",\n               \"expense\": \"benefits:flagship-2015\"", "", "field 'accounts.expense' is missing"},
    {"\"survivor\": \"100000000\", ", "", "field 'benefits.survivor' is missing"},
    {", \"bereaved\": \"20000000\"", "", "field 'benefits.bereaved' is missing"},
    /* Wrong types. */
    {"\"code\": \"flagship-2015\"", "\"code\": 2015", "field 'code' must be a string"},
    {"\"name\": \"Reconciliation and Healing Foundation (2015 agreement)\"", "\"name\": null",
     "field 'name' must be a string"},
    {"\"currency\": \"KRW\"", "\"currency\": [\"KRW\"]", "field 'currency' must be a string"},
    {"\"cutoff\": \"2015-12-28\"", "\"cutoff\": 20151228", "field 'cutoff' must be a string"},
    {"\"approvals\": 2", "\"approvals\": \"2\"", "field 'approvals' must be a whole number"},
    {"\"approvals\": 2", "\"approvals\": 2.0", "field 'approvals' must be a whole number"},
    {"\"approvals\": 2", "\"approvals\": true", "field 'approvals' must be a whole number"},
    {"\"survivor\": \"100000000\"", "\"survivor\": 100000000", "field 'benefits.survivor' must be a string"},
    {"\"fund\": \"bank:krw\"", "\"fund\": {}", "field 'accounts.fund' must be a string"},
    /* Bad values. */
    {"\"code\": \"flagship-2015\"", "\"code\": \"flagship 2015\"", "field 'code'"},
    {"\"code\": \"flagship-2015\"", "\"code\": \"\"", "field 'code'"},
    {"\"code\": \"flagship-2015\"", "\"code\": \"-flagship\"", "field 'code'"},
    {"\"name\": \"Reconciliation and Healing Foundation (2015 agreement)\"", "\"name\": \"\"",
     "field 'name'"},
    {"\"name\": \"Reconciliation and Healing Foundation (2015 agreement)\"", "\"name\": \"a\\tb\"",
     "field 'name'"},
    {"\"name\": \"Reconciliation and Healing Foundation (2015 agreement)\"", "\"name\": \"a\\u0000b\"", "3:"},
    {"\"currency\": \"KRW\"", "\"currency\": \"XXX\"", "field 'currency'"},
    {"\"currency\": \"KRW\"", "\"currency\": \"krw\"", "field 'currency'"},
    {"\"currency\": \"KRW\"", "\"currency\": \"KRWX\"", "field 'currency'"},
    {"\"cutoff\": \"2015-12-28\"", "\"cutoff\": \"2015-02-30\"", "field 'cutoff'"},
    {"\"cutoff\": \"2015-12-28\"", "\"cutoff\": \"2015-13-01\"", "field 'cutoff'"},
    {"\"cutoff\": \"2015-12-28\"", "\"cutoff\": \"28/12/2015\"", "field 'cutoff'"},
    {"\"cutoff\": \"2015-12-28\"", "\"cutoff\": \"2015-12-28T00:00\"", "field 'cutoff'"},
    {"\"cutoff\": \"2015-12-28\"", "\"cutoff\": \"\"", "field 'cutoff'"},
    {"\"fund\": \"bank:krw\"", "\"fund\": \"exchange:KRW\"", "field 'accounts.fund'"},
    {"\"fund\": \"bank:krw\"", "\"fund\": \"bank krw\"", "field 'accounts.fund'"},
    {"\"payable\": \"payable:flagship-2015\"", "\"payable\": \"\"", "field 'accounts.payable'"},
    {"\"expense\": \"benefits:flagship-2015\"", "\"expense\": \"benefits/flagship\"",
     "field 'accounts.expense'"},
    {"\"expense\": \"benefits:flagship-2015\"", "\"expense\": \"bank:krw\"", "field 'accounts'"},
    {"\"survivor\": \"100000000\"", "\"survivor\": \"100,000,000\"", "field 'benefits.survivor'"},
    {"\"survivor\": \"100000000\"", "\"survivor\": \"-5\"", "field 'benefits.survivor'"},
    {"\"survivor\": \"100000000\"", "\"survivor\": \"1e8\"", "field 'benefits.survivor'"},
    {"\"survivor\": \"100000000\"", "\"survivor\": \"100000000.5\"", "field 'benefits.survivor'"},
    {"\"survivor\": \"100000000\"", "\"survivor\": \"99999999999999999999\"", "field 'benefits.survivor'"},
    {"\"survivor\": \"100000000\"", "\"survivor\": \"\"", "field 'benefits.survivor'"},
    {"\"bereaved\": \"20000000\"", "\"bereaved\": \" 20000000\"", "field 'benefits.bereaved'"},
    {"\"survivor\": \"100000000\", \"bereaved\": \"20000000\"", "\"survivor\": \"0\", \"bereaved\": \"0\"",
     "field 'benefits'"},
    {"\"approvals\": 2", "\"approvals\": 1", "field 'approvals'"},
    {"\"approvals\": 2", "\"approvals\": 0", "field 'approvals'"},
    {"\"approvals\": 2", "\"approvals\": -2", "field 'approvals'"},
    {"\"approvals\": 2", "\"approvals\": 11", "field 'approvals'"},
    {"\"approvals\": 2", "\"approvals\": 99999999999999999999", "9:35:"},
    {NULL,
     "{\"code\": \"a\", \"name\": \"n\", \"currency\": \"KRW\", \"cutoff\": \"2015-12-28\", \"accounts\": [],"
     " \"benefits\": {}, \"approvals\": 2}",
     "field 'accounts' must be an object"},
};

static void
test_refuses_every_malformed_field(void **state)
{
	struct redress_error err;
	struct program p;
	char text[4096];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];

		if (c->from == NULL) {
			snprintf(text, sizeof(text), "%s", c->to);
		} else {
			const char *at = strstr(flagship, c->from);

			if (at == NULL)
				fail_msg("case %zu: '%s' is not in the flagship text", i, c->from);
			snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - flagship), flagship, c->to,
			         at + strlen(c->from));
		}
		memset(&p, 0x5a, sizeof(p));
		error_clear(&err);
		if (program_parse(text, strlen(text), &p, &err) == REDRESS_OK)
			fail_msg("case %zu accepted:\n%s", i, text);
		/* An amount beyond 64 bits says so: overflow; everything else is invalid input. */
		assert_true(err.code == REDRESS_E_INVALID || err.code == REDRESS_E_OVERFLOW);
		if (strstr(err.message, c->expect) == NULL)
			fail_msg("case %zu: '%s' does not say '%s'", i, err.message, c->expect);
		/* Nothing was written into the result. */
		assert_int_equal(((unsigned char *)&p)[0], 0x5a);
	}
	/* A name over the limit; a file over the limit. */
	{
		char name[PROGRAM_NAME_MAX + 2];
		const char *at = strstr(flagship, "Reconciliation");

		memset(name, 'n', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		snprintf(text, sizeof(text), "%.*s%s\"%s", (int)(at - flagship), flagship, name,
		         strchr(at, '"') + 1);
		assert_int_equal(program_parse(text, strlen(text), &p, &err), REDRESS_E_INVALID);
		assert_non_null(strstr(err.message, "field 'name'"));
		assert_int_equal(program_parse(flagship, PROGRAM_FILE_MAX + 1, &p, &err), REDRESS_E_INVALID);
		assert_non_null(strstr(err.message, "limit"));
	}
}

static void
add(struct fixture *f, const struct program *p)
{
	struct redress_error err;

	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (program_add(f->log, &f->boot, p, &err) != REDRESS_OK)
		fail_msg("program_add: %s", err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

/* Runs program_add in a change, rolled back on error; returns its result. */
static enum redress_err
try_add(struct fixture *f, const struct actor *actor, const struct program *p, struct redress_error *err)
{
	enum redress_err rc;

	assert_int_equal(tlog_begin(f->log, err), REDRESS_OK);
	if ((rc = program_add(f->log, actor, p, err)) != REDRESS_OK) {
		tlog_rollback(f->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static void
open_account(struct fixture *f, const char *code, const char *cur, enum ledger_kind kind, int no_overdraft)
{
	struct ledger_account_spec spec = {code, cur, kind, NULL, no_overdraft};
	struct redress_error err;

	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_account_open(f->log, &spec, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

static void
test_add_opens_accounts(void **state)
{
	static const char event_data[] =
	    "\"data\":{\"accounts\":{\"expense\":\"benefits:flagship-2015\",\"fund\":\"bank:krw\","
	    "\"payable\":"
	    "\"payable:flagship-2015\"},\"approvals\":2,\"benefits\":{\"bereaved\":20000000,\"survivor\":"
	    "100000000},"
	    "\"code\":\"flagship-2015\",\"currency\":\"KRW\",\"cutoff\":\"2015-12-28\",\"name\":"
	    "\"Reconciliation and"
	    " Healing Foundation (2015 agreement)\"},\"salt\":\"";
	struct fixture *f = *state;
	struct redress_error err;
	struct ledger_account a;
	struct program p, got;
	struct buf bytes;

	parse_ok(flagship, &p);
	add(f, &p);
	/* Event 0 is the log's; 1-3 open the fund, the payable and the expense account; 4 is the program. */
	assert_int_equal(logfix_size(f->lf), 5);
	buf_init(&bytes, TLOG_EVENT_MAX);
	assert_int_equal(tlog_event_bytes(f->log, 4, &bytes, &err), REDRESS_OK);
	if (strstr(bytes.data, event_data) == NULL ||
	    strstr(bytes.data, "\",\"seq\":4,\"type\":\"programs.program.added\",\"v\":2}") == NULL)
		fail_msg("event 4 is %s", bytes.data);
	buf_reset(&bytes);
	assert_int_equal(tlog_event_bytes(f->log, 1, &bytes, &err), REDRESS_OK);
	assert_non_null(strstr(bytes.data, "\"type\":\"ledger.account.opened\""));
	buf_free(&bytes);

	assert_int_equal(ledger_account_get(f->store, "bank:krw", &a, &err), REDRESS_OK);
	assert_int_equal(a.kind, LEDGER_ASSET);
	assert_true(a.no_overdraft);
	assert_string_equal(a.currency, "KRW");
	assert_int_equal(ledger_account_get(f->store, "payable:flagship-2015", &a, &err), REDRESS_OK);
	assert_int_equal(a.kind, LEDGER_LIABILITY);
	assert_int_equal(ledger_account_get(f->store, "benefits:flagship-2015", &a, &err), REDRESS_OK);
	assert_int_equal(a.kind, LEDGER_EXPENSE);

	assert_int_equal(program_get(f->store, "flagship-2015", &got, &err), REDRESS_OK);
	p.added_seq = 4;
	assert_memory_equal(&got, &p, sizeof(p));
	assert_int_equal(program_get(f->store, "nothing", &got, &err), REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "nothing"));

	/* The same code again: refused, nothing changed. */
	assert_int_equal(try_add(f, &f->boot, &p, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "flagship-2015"));
	assert_int_equal(logfix_size(f->lf), 5);
	logfix_audit_clean(f->lf);
}

static void
test_existing_fund(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	struct program p;
	uint64_t before;

	/* The demo's KRW fund: a no-overdraft asset that money has already reached. */
	open_account(f, "bank:krw", "KRW", LEDGER_ASSET, 1);
	open_account(f, "bank:loose", "KRW", LEDGER_ASSET, 0);
	open_account(f, "bank:jpy", "JPY", LEDGER_ASSET, 1);
	open_account(f, "loan", "KRW", LEDGER_LIABILITY, 1);
	parse_ok(flagship, &p);

	/* A fund that may go below zero, in another currency, or not an asset: refused, nothing changed. */
	before = logfix_size(f->lf);
	snprintf(p.fund, sizeof(p.fund), "bank:loose");
	assert_int_equal(try_add(f, &f->boot, &p, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "accounts.fund"));
	snprintf(p.fund, sizeof(p.fund), "bank:jpy");
	assert_int_equal(try_add(f, &f->boot, &p, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "JPY"));
	snprintf(p.fund, sizeof(p.fund), "loan");
	assert_int_equal(try_add(f, &f->boot, &p, &err), REDRESS_E_REFUSED);
	/* A payable that is not a liability. */
	snprintf(p.fund, sizeof(p.fund), "bank:krw");
	snprintf(p.payable, sizeof(p.payable), "bank:loose");
	assert_int_equal(try_add(f, &f->boot, &p, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "accounts.payable"));
	assert_int_equal(logfix_size(f->lf), before);
	assert_int_equal(program_get(f->store, "flagship-2015", &p, &err), REDRESS_E_NOTFOUND);

	/* The good fund is used as it is: two accounts opened, and the program. */
	parse_ok(flagship, &p);
	add(f, &p);
	assert_int_equal(logfix_size(f->lf), before + 3);
	logfix_audit_clean(f->lf);
}

static void
test_permission_and_rules_as_data(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	struct actor reviewer, admin;
	struct program p, q;
	uint64_t size;
	size_t len;
	char *text;

	parse_ok(flagship, &p);
	claimfix_act(f, &reviewer, "rita", ROLE_REVIEWER);
	size = logfix_size(f->lf);
	assert_int_equal(try_add(f, &reviewer, &p, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "rita"));
	assert_int_equal(logfix_size(f->lf), size);

	claimfix_act(f, &admin, "ada", ROLE_ADMIN);
	assert_int_equal(try_add(f, &admin, &p, &err), REDRESS_OK);
	text = read_example("another-program.json", &len);
	assert_int_equal(program_parse(text, len, &q, &err), REDRESS_OK);
	free(text);
	assert_int_equal(try_add(f, &admin, &q, &err), REDRESS_OK);
	assert_int_equal(program_get(f->store, "example-usd-1988", &q, &err), REDRESS_OK);
	assert_int_equal(q.survivor_amount, 2000000);
	assert_string_equal(q.currency, "USD");
	logfix_audit_clean(f->lf);
}

static void
test_audit_names_tampered_program(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	struct program p;

	parse_ok(flagship, &p);
	add(f, &p);
	logfix_audit_clean(f->lf);
	assert_int_equal(
	    store_exec(
	        f->store,
	        "UPDATE programs_programs SET survivor_amount = 200000000 WHERE code = 'flagship-2015'",
	        &err),
	    REDRESS_OK);
	claimfix_audit_finds(f, "programs_programs 'flagship-2015': survivor_amount");
	assert_int_equal(
	    store_exec(
	        f->store,
	        "UPDATE programs_programs SET survivor_amount = 100000000 WHERE code = 'flagship-2015';"
	        "INSERT INTO programs_programs VALUES ('forged', 'x', 'KRW', '2015-12-28', 'bank:krw',"
	        " 'payable:flagship-2015', 'benefits:flagship-2015', 1, 1, 2, 9)",
	        &err),
	    REDRESS_OK);
	claimfix_audit_finds(f, "programs_programs 'forged': row in the database that no event created");
	/* The program's accounts are checked too. */
	assert_int_equal(store_exec(f->store,
	                            "DELETE FROM programs_programs WHERE code = 'forged';"
	                            "UPDATE ledger_accounts SET no_overdraft = 0 WHERE code = 'bank:krw'",
	                            &err),
	                 REDRESS_OK);
	claimfix_audit_finds(f, "program 'flagship-2015': account 'bank:krw'");
}

/* Runs a version's proposal (approve 0) or approval in a change, rolled back on error. */
static enum redress_err
try_version(struct fixture *f, const struct actor *actor, const struct program *p, const char *from,
            int approve, int version, int *version_r, struct redress_error *err)
{
	struct actor as;
	enum redress_err rc;

	/* The log attributes the events to actor. */
	claimfix_act(f, &as, actor->name, actor->role);
	assert_int_equal(tlog_begin(f->log, err), REDRESS_OK);
	rc = approve ? program_version_approve(f->log, actor, p->code, version, err)
	             : program_version_propose(f->log, actor, p, from, version_r, err);
	if (rc != REDRESS_OK) {
		tlog_rollback(f->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static void
test_versions(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	struct actor ada, ada2;
	struct program p, q, got;
	char today[CLOCK_TEXT_SIZE];
	uint64_t size;
	int version = 0;

	clock_now_text(today);
	today[10] = '\0';
	parse_ok(flagship, &p);
	claimfix_act(f, &ada, "ada", ROLE_ADMIN);
	/* The second admin: the fixture's first account. */
	claimfix_act(f, &ada2, "root", ROLE_ADMIN);
	assert_int_equal(try_add(f, &ada, &p, &err), REDRESS_OK);
	q = p;
	q.survivor_amount = 150000000;

	/* What a new version may not change, a day in the past, a caseworker: refused, nothing written. */
	size = logfix_size(f->lf);
	snprintf(q.currency, sizeof(q.currency), "JPY");
	assert_int_equal(try_version(f, &ada, &q, today, 0, 0, &version, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "keeps its currency"));
	snprintf(q.currency, sizeof(q.currency), "KRW");
	snprintf(q.expense, sizeof(q.expense), "benefits:other");
	assert_int_equal(try_version(f, &ada, &q, today, 0, 0, &version, &err), REDRESS_E_INVALID);
	snprintf(q.expense, sizeof(q.expense), "%s", p.expense);
	assert_int_equal(try_version(f, &ada, &q, "2001-01-01", 0, 0, &version, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "in the past"));
	assert_int_equal(try_version(f, &ada, &q, "2099-02-30", 0, 0, &version, &err), REDRESS_E_INVALID);
	assert_int_equal(logfix_size(f->lf), size);

	/* Proposed: numbered 2, not in force before a second admin approves it. */
	assert_int_equal(try_version(f, &ada, &q, today, 0, 0, &version, &err), REDRESS_OK);
	assert_int_equal(version, 2);
	assert_int_equal(program_get(f->store, p.code, &got, &err), REDRESS_OK);
	assert_int_equal(got.version, 1);
	assert_int_equal(got.survivor_amount, 100000000);
	assert_int_equal(try_version(f, &ada, &q, today, 0, 0, &version, &err), REDRESS_E_CONFLICT);
	size = logfix_size(f->lf);
	assert_int_equal(try_version(f, &ada, &q, NULL, 1, 2, NULL, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "second admin"));
	assert_int_equal(try_version(f, &ada2, &q, NULL, 1, 3, NULL, &err), REDRESS_E_NOTFOUND);
	assert_int_equal(logfix_size(f->lf), size);

	/* Approved by another admin: in force today; version 1 stays readable. */
	assert_int_equal(try_version(f, &ada2, &q, NULL, 1, 2, NULL, &err), REDRESS_OK);
	assert_int_equal(try_version(f, &ada2, &q, NULL, 1, 2, NULL, &err), REDRESS_E_CONFLICT);
	assert_int_equal(program_get(f->store, p.code, &got, &err), REDRESS_OK);
	assert_int_equal(got.version, 2);
	assert_string_equal(got.from, today);
	assert_int_equal(got.survivor_amount, 150000000);
	assert_int_equal(program_version_get(f->store, p.code, 1, &got, &err), REDRESS_OK);
	assert_int_equal(got.survivor_amount, 100000000);

	/* A version from a later day, approved: not in force before that day. */
	q.survivor_amount = 200000000;
	assert_int_equal(try_version(f, &ada2, &q, "2099-01-01", 0, 0, &version, &err), REDRESS_OK);
	assert_int_equal(version, 3);
	assert_int_equal(try_version(f, &ada, &q, NULL, 1, 3, NULL, &err), REDRESS_OK);
	assert_int_equal(program_get(f->store, p.code, &got, &err), REDRESS_OK);
	assert_int_equal(got.version, 2);
	assert_int_equal(program_version_get(f->store, p.code, 3, &got, &err), REDRESS_OK);
	assert_int_equal(got.survivor_amount, 200000000);
	assert_string_equal(got.from, "2099-01-01");
	logfix_audit_clean(f->lf);

	/* A version's row edited behind the log's back is found. */
	assert_int_equal(
	    store_exec(f->store, "UPDATE programs_versions SET survivor_amount = 1 WHERE version = 2", &err),
	    REDRESS_OK);
	claimfix_audit_finds(f, "programs_versions 'flagship-2015': survivor_amount");
	assert_int_equal(
	    store_exec(f->store,
	               "UPDATE programs_versions SET survivor_amount = 150000000 WHERE version = 2;"
	               "DELETE FROM programs_version_adds WHERE version = 3",
	               &err),
	    REDRESS_OK);
	claimfix_audit_finds(f, "programs_version_adds");
}

/*
 * A program's rules read in turn with another version's, whose rules text
 * is as long and differs by one digit: each read gives its own (the
 * rules' reading is kept per thread, by text, code and currency:
 * programs_rules.c).
 */
static void
test_versions_rules_read_in_turn(void **state)
{
	static const char usd[] =
	    "{\"code\": \"caps-usd\", \"name\": \"Caps in dollars\", \"currency\": \"USD\","
	    " \"cutoff\": \"2015-12-28\", \"accounts\": {\"fund\": \"bank:usd\", \"payable\": "
	    "\"payable:usd\","
	    " \"expense\": \"benefits:usd\"}, \"benefits\": {\"survivor\": \"100\", \"bereaved\": \"20\"},"
	    " \"approvals\": 2, \"caps\": {\"person\": \"10\"}}";
	struct fixture *f = *state;
	struct redress_error err;
	struct actor ada, ada2;
	struct program p, q, got;
	char today[CLOCK_TEXT_SIZE];
	int i, version = 0;

	clock_now_text(today);
	today[10] = '\0';
	claimfix_act(f, &ada, "ada", ROLE_ADMIN);
	claimfix_act(f, &ada2, "root", ROLE_ADMIN);
	parse_ok(usd, &p);
	assert_int_equal(try_add(f, &ada, &p, &err), REDRESS_OK);
	q = p;
	q.rules.cap_person.minor = 2000;
	assert_int_equal(try_version(f, &ada, &q, today, 0, 0, &version, &err), REDRESS_OK);
	assert_int_equal(try_version(f, &ada2, &q, NULL, 1, version, NULL, &err), REDRESS_OK);
	for (i = 0; i < 3; i++) {
		assert_int_equal(program_get(f->store, p.code, &got, &err), REDRESS_OK);
		assert_int_equal(got.version, 2);
		assert_int_equal(got.rules.cap_person.minor, 2000);
		assert_int_equal(program_version_get(f->store, p.code, 1, &got, &err), REDRESS_OK);
		assert_int_equal(got.rules.cap_person.minor, 1000);
	}
	logfix_audit_clean(f->lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_examples),
	    cmocka_unit_test(test_refuses_every_malformed_field),
	    cmocka_unit_test_setup_teardown(test_add_opens_accounts, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_existing_fund, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_permission_and_rules_as_data, claimfix_setup,
	                                    claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_versions, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_versions_rules_read_in_turn, claimfix_setup,
	                                    claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_tampered_program, claimfix_setup,
	                                    claimfix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
