/*
 * test_pledges.c -- pledges and their receipts: the ledger after a receipt
 * in the program's currency and after one converted through the exchange,
 * receipts that would exceed the pledge, bad input naming its field and
 * changing nothing, permissions, and audit naming each edited row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "domain/reports/reports.h"
#include "logfix.h"
#include "support.h"

static const struct event_module *const modules[] = {
    &ledger_module,       &users_module,   &registry_module, &programs_module, &claims_module,
    &entitlements_module, &pledges_module, &reports_module,  &casework_module, NULL};

static const char program_text[] =
    "{\"code\": \"flagship-2015\", \"name\": \"Flagship\", \"currency\": \"KRW\", \"cutoff\": \"2015-12-28\","
    " \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:flagship-2015\","
    " \"expense\": \"benefits:flagship-2015\"},"
    " \"benefits\": {\"survivor\": \"100000000\", \"bereaved\": \"20000000\"}, \"approvals\": 2}";

struct fix {
	struct logfix *lf;
	struct actor boot, finance, monitor;
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct redress_error err;
	struct program p;

	assert_non_null(f);
	f->lf = logfix_new(modules, "test.example/pledges");
	users_bootstrap_actor("os:tester", &f->boot);
	f->finance.role = ROLE_FINANCE;
	memcpy(f->finance.name, "fin", 4);
	f->monitor.role = ROLE_MONITOR;
	memcpy(f->monitor.name, "mon", 4);
	assert_int_equal(program_parse(program_text, strlen(program_text), &p, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(program_add(f->lf->log, &f->boot, &p, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	logfix_free(f->lf);
	free(f);
	return 0;
}

static int64_t
balance(struct fix *f, const char *code)
{
	struct ledger_account a;
	struct redress_error err;
	int64_t posted, avail;

	assert_int_equal(ledger_account_get(f->lf->store, code, &a, &err), REDRESS_OK);
	assert_int_equal(ledger_balance(&a, &posted, &avail, &err), REDRESS_OK);
	return posted;
}

static enum redress_err
add(struct fix *f, const struct actor *a, const char *program, const char *donor, const char *amount,
    const char *currency, const char *condition, char *id, struct redress_error *err)
{
	enum redress_err rc;

	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	rc = pledge_add(f->lf->log, a, program, donor, amount, currency, condition, id, err);
	if (rc != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static enum redress_err
receive(struct fix *f, const struct actor *a, const char *id, const char *amount, const char *to_amount,
        struct redress_error *err)
{
	enum redress_err rc;

	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	rc = pledge_receive(f->lf->log, a, id, amount, to_amount, NULL, err);
	if (rc != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static void
test_same_currency(void **state)
{
	struct fix *f = *state;
	struct redress_error err;
	struct pledge p;
	char id[PLEDGE_ID_MAX + 1];

	assert_int_equal(
	    add(f, &f->finance, "flagship-2015", "Donor Foundation", "500000000", "KRW", NULL, id, &err),
	    REDRESS_OK);
	assert_string_equal(id, "P-000001");
	assert_int_equal(balance(f, "pledges:krw"), 500000000);
	assert_int_equal(balance(f, "contributions:krw"), 500000000);
	assert_int_equal(receive(f, &f->finance, id, "200000000", NULL, &err), REDRESS_OK);
	assert_int_equal(receive(f, &f->finance, id, "300000000", "300000000", &err), REDRESS_OK);
	assert_int_equal(balance(f, "bank:krw"), 500000000);
	assert_int_equal(balance(f, "pledges:krw"), 0);
	assert_int_equal(pledge_get(f->lf->store, id, &p, &err), REDRESS_OK);
	assert_int_equal(p.received, 500000000);
	assert_int_equal(p.receipts, 2);
	assert_string_equal(p.condition, "");
	/* Nothing remains: one unit more is refused, and changes nothing. */
	uint64_t size = logfix_size(f->lf);
	assert_int_equal(receive(f, &f->finance, id, "1", NULL, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "remain"));
	assert_int_equal(logfix_size(f->lf), size);
	/* In the program's own currency, --to-amount other than --amount is an error. */
	assert_int_equal(add(f, &f->finance, "flagship-2015", "Second", "10", "KRW", NULL, id, &err),
	                 REDRESS_OK);
	assert_int_equal(receive(f, &f->finance, id, "5", "6", &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "--to-amount"));
	logfix_audit_clean(f->lf);
}

static void
test_converted(void **state)
{
	struct fix *f = *state;
	struct redress_error err;
	struct pledge p;
	char id[PLEDGE_ID_MAX + 1];
	uint64_t size;

	assert_int_equal(add(f, &f->finance, "flagship-2015", "Government of Japan", "1000000000", "JPY",
	                     "final and irreversible resolution", id, &err),
	                 REDRESS_OK);
	size = logfix_size(f->lf);
	/* Converted receipts need the fund's amount from the bank. */
	assert_int_equal(receive(f, &f->finance, id, "1000000000", NULL, &err), REDRESS_E_USAGE);
	assert_non_null(strstr(err.message, "--to-amount"));
	assert_int_equal(logfix_size(f->lf), size);
	assert_int_equal(receive(f, &f->finance, id, "600000000", "6480000000", &err), REDRESS_OK);
	assert_int_equal(receive(f, &f->finance, id, "400000000", "4320000000", &err), REDRESS_OK);
	assert_int_equal(balance(f, "bank:krw"), 10800000000);
	assert_int_equal(balance(f, "pledges:jpy"), 0);
	assert_int_equal(balance(f, "contributions:jpy"), 1000000000);
	/* The exchange accounts hold each side, as the ledger's exchange books it. */
	assert_int_equal(balance(f, "exchange:JPY"), -1000000000);
	assert_int_equal(balance(f, "exchange:KRW"), 10800000000);
	assert_int_equal(pledge_get(f->lf->store, id, &p, &err), REDRESS_OK);
	assert_string_equal(p.condition, "final and irreversible resolution");
	assert_string_equal(p.currency, "JPY");
	logfix_audit_clean(f->lf);
}

static void
test_bad_input(void **state)
{
	struct fix *f = *state;
	struct redress_error err;
	char id[PLEDGE_ID_MAX + 1];
	uint64_t size = logfix_size(f->lf);

	assert_int_equal(add(f, &f->finance, "no-such", "D", "1", "KRW", NULL, id, &err), REDRESS_E_NOTFOUND);
	assert_int_equal(add(f, &f->finance, "flagship-2015", "D", "1", "XXX", NULL, id, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "--currency"));
	assert_int_equal(add(f, &f->finance, "flagship-2015", "D", "1,000", "KRW", NULL, id, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "--amount"));
	assert_int_equal(add(f, &f->finance, "flagship-2015", "D", "0", "KRW", NULL, id, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(add(f, &f->finance, "flagship-2015", "D\x01", "1", "KRW", NULL, id, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "--donor"));
	assert_int_equal(add(f, &f->finance, "flagship-2015", "", "1", "KRW", NULL, id, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(add(f, &f->finance, "flagship-2015", "D", "1", "KRW", "\n", id, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "--condition"));
	assert_int_equal(receive(f, &f->finance, "P-000009", "1", NULL, &err), REDRESS_E_NOTFOUND);
	/* Only finance changes the ledger. */
	assert_int_equal(add(f, &f->monitor, "flagship-2015", "D", "1", "KRW", NULL, id, &err),
	                 REDRESS_E_REFUSED);
	assert_int_equal(logfix_size(f->lf), size);
}

static void
test_audit_names_rows(void **state)
{
	struct fix *f = *state;
	struct redress_error err;
	char id[PLEDGE_ID_MAX + 1];

	assert_int_equal(
	    add(f, &f->finance, "flagship-2015", "Donor", "1000", "USD", "a condition", id, &err),
	    REDRESS_OK);
	assert_int_equal(receive(f, &f->finance, id, "400", "520000", &err), REDRESS_OK);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE pledges_pledges SET received = 100000 WHERE id = 'P-000001'");
	logfix_audit_finds(f->lf, "pledges_pledges");
	logfix_tamper(f->lf, "UPDATE pledges_pledges SET received = 40000 WHERE id = 'P-000001'");
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE pledges_receipts SET to_amount = 1 WHERE id = 'P-000001.1'");
	logfix_audit_finds(f->lf, "pledges_receipts");
	logfix_tamper(f->lf, "UPDATE pledges_receipts SET to_amount = 520000 WHERE id = 'P-000001.1'");
	logfix_tamper(f->lf, "UPDATE pledges_pledges SET condition = 'none' WHERE id = 'P-000001'");
	logfix_audit_finds(f->lf, "pledges_pledges");
	logfix_tamper(f->lf, "UPDATE pledges_pledges SET condition = 'a condition' WHERE id = 'P-000001'");
	logfix_tamper(f->lf, "DELETE FROM pledges_receipts");
	logfix_audit_finds(f->lf, "pledges_receipts");
}

/* A published report is an event and a row, audited like any other. */
static void
test_report_row_audited(void **state)
{
	struct fix *f = *state;
	struct report_published *pub = malloc(sizeof(*pub));
	struct redress_error err;
	char id[PLEDGE_ID_MAX + 1];

	assert_non_null(pub);
	assert_int_equal(add(f, &f->finance, "flagship-2015", "Donor", "1000", "USD", NULL, id, &err),
	                 REDRESS_OK);
	report_published_init(pub);
	assert_int_equal(report_publish(f->lf->log, &f->finance, "flagship-2015", 5, pub, &err),
	                 REDRESS_E_REFUSED);
	assert_int_equal(report_publish(f->lf->log, &f->monitor, "flagship-2015", 5, pub, &err), REDRESS_OK);
	report_published_free(pub);
	free(pub);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE reports_published SET k = 7");
	logfix_audit_finds(f->lf, "reports_published");
	logfix_tamper(f->lf, "UPDATE reports_published SET k = 5");
	logfix_tamper(f->lf, "DELETE FROM reports_published");
	logfix_audit_finds(f->lf, "reports_published");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_same_currency, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_converted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_report_row_audited, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
