/*
 * test_idempotency.c -- the idempotency module's kept answers (found, a key
 * kept twice refused, expiry, the answers that name a person forgotten)
 * and tlog_append_apply, the one path from a change to the tables: an
 * event of another module's type is refused and one the module cannot
 * apply leaves nothing once rolled back, while a good one is applied from
 * the bytes appended and audits clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/idempotency/idempotency.h"
#include "domain/ledger/ledger.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "logfix.h"
#include "support.h"

static const struct event_module *const modules[] = {&ledger_module, &users_module, &pledges_module,
                                                     &idempotency_module, NULL};

static void
answer(struct idempotency_answer *a, uint8_t fill, int64_t status)
{
	memset(a, 0, sizeof(*a));
	memset(a->request, fill, sizeof(a->request));
	a->status = status;
	memcpy(a->content_type, "application/json", sizeof("application/json"));
}

/* Runs one change on the fixture's store: put (account, key) with personal, at. */
static enum redress_err
put(struct logfix *lf, const char *account, const char *key, uint8_t fill, int personal, int64_t at)
{
	struct idempotency_answer a;
	struct redress_error err;
	enum redress_err rc;

	answer(&a, fill, 201);
	assert_int_equal(store_begin(lf->store, &err), REDRESS_OK);
	rc = idempotency_put(lf->store, account, key, &a, "sealed-body", at, personal, &err);
	if (rc == REDRESS_OK)
		assert_int_equal(store_commit(lf->store, &err), REDRESS_OK);
	else
		store_rollback(lf->store);
	return rc;
}

static enum redress_err
get(struct logfix *lf, const char *account, const char *key, struct idempotency_answer *a, struct buf *body)
{
	struct redress_error err;

	buf_reset(body);
	return idempotency_get(lf->store, account, key, a, body, &err);
}

static void
test_answers(void **state)
{
	struct logfix *lf = logfix_new(modules, "test.example/idempotency");
	struct idempotency_answer a;
	struct redress_error err;
	struct buf body;

	(void)state;
	buf_init(&body, 1u << 16);
	assert_int_equal(get(lf, "ada", "k1", &a, &body), REDRESS_E_NOTFOUND);
	assert_int_equal(put(lf, "ada", "k1", 0x11, 0, 1000), REDRESS_OK);
	assert_int_equal(put(lf, "ada", "k2", 0x22, 1, 2000), REDRESS_OK);
	assert_int_equal(put(lf, "bo", "k1", 0x33, 0, 3000), REDRESS_OK);
	/* The same key again, for the same account: refused, the first answer kept. */
	assert_int_equal(put(lf, "ada", "k1", 0x44, 0, 4000), REDRESS_E_CONFLICT);
	assert_int_equal(get(lf, "ada", "k1", &a, &body), REDRESS_OK);
	assert_int_equal(a.request[0], 0x11);
	assert_int_equal(a.status, 201);
	assert_string_equal(a.content_type, "application/json");
	assert_int_equal(body.len, strlen("sealed-body"));
	assert_memory_equal(body.data, "sealed-body", body.len);

	/* Expiry: what was given before 2500 goes, its personal mark with it. */
	assert_int_equal(store_begin(lf->store, &err), REDRESS_OK);
	assert_int_equal(idempotency_expire(lf->store, 2500, &err), REDRESS_OK);
	assert_int_equal(store_commit(lf->store, &err), REDRESS_OK);
	assert_int_equal(get(lf, "ada", "k1", &a, &body), REDRESS_E_NOTFOUND);
	assert_int_equal(get(lf, "ada", "k2", &a, &body), REDRESS_E_NOTFOUND);
	assert_int_equal(get(lf, "bo", "k1", &a, &body), REDRESS_OK);

	/* An erasure forgets the answers that name a person, and only those. */
	assert_int_equal(put(lf, "ada", "k3", 0x55, 1, 5000), REDRESS_OK);
	assert_int_equal(store_begin(lf->store, &err), REDRESS_OK);
	assert_int_equal(idempotency_forget_personal(lf->store, &err), REDRESS_OK);
	assert_int_equal(store_commit(lf->store, &err), REDRESS_OK);
	assert_int_equal(get(lf, "ada", "k3", &a, &body), REDRESS_E_NOTFOUND);
	assert_int_equal(get(lf, "bo", "k1", &a, &body), REDRESS_OK);
	/* Not events: the log holds none of it, and the audit is clean. */
	logfix_audit_clean(lf);
	buf_free(&body);
	logfix_free(lf);
}

static void
test_append_apply(void **state)
{
	struct logfix *lf = logfix_new(modules, "test.example/idempotency");
	struct redress_error err;
	struct buf data;
	uint64_t size, seq = 0;

	(void)state;
	buf_init(&data, 4096);
	size = logfix_size(lf);

	/* Another module's type: refused before anything is appended. */
	buf_puts(&data, "{\"x\":1}");
	assert_int_equal(tlog_begin(lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    tlog_append_apply(lf->log, &pledges_module, "ledger.account.opened", &data, &seq, &err),
	    REDRESS_E_INTERNAL);
	assert_non_null(strstr(err.message, "not module pledges's"));
	tlog_rollback(lf->log);
	assert_int_equal(logfix_size(lf), size);

	/* The module's type with data its replay refuses: an error, nothing left once rolled back. */
	assert_int_equal(tlog_begin(lf->log, &err), REDRESS_OK);
	assert_int_not_equal(tlog_append_apply(lf->log, &pledges_module, "pledges.added", &data, &seq, &err),
	                     REDRESS_OK);
	tlog_rollback(lf->log);
	assert_int_equal(logfix_size(lf), size);

	/* A good event (a ledger account, through the ledger's replay): applied, at the position it was
	 * given. */
	buf_reset(&data);
	buf_puts(&data, "{\"code\":\"cash\",\"currency\":\"KRW\",\"kind\":\"asset\",\"name\":\"Cash\","
	                "\"no_overdraft\":false}");
	assert_int_equal(tlog_begin(lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    tlog_append_apply(lf->log, &ledger_module, "ledger.account.opened", &data, &seq, &err),
	    REDRESS_OK);
	assert_int_equal(tlog_commit(lf->log, &err), REDRESS_OK);
	assert_int_equal(seq, size);
	{
		struct ledger_account acc;

		assert_int_equal(ledger_account_get(lf->store, "cash", &acc, &err), REDRESS_OK);
		assert_string_equal(acc.name, "Cash");
		assert_int_equal(acc.opened_seq, seq);
	}
	logfix_audit_clean(lf);
	buf_free(&data);
	logfix_free(lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answers),
	    cmocka_unit_test(test_append_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
