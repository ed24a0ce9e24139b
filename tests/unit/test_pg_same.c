/*
 * test_pg_same.c -- the same history gives the same tables on both
 * backends: one ledger history (accounts, transfers, a pending transfer
 * posted and one voided, a refusal) made on a SQLite fund and on a
 * PostgreSQL fund, then every row of every table the audit reads (the
 * module's snapshot queries) compared between them, column by column and
 * by type; and `audit verify` clean on both with the same counts.  Equal
 * rows under the audit's typed row hash are equal digests, so a history
 * audited on one backend digests the same on the other.  Needs a cluster
 * (tests/pg/run.sh sets REDRESS_TEST_PG); skipped otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/ledger/ledger.h"
#include "log/audit.h"
#include "logfix.h"
#include "store/store.h"

static const struct event_module *const modules[] = {&ledger_module, NULL};

/* The history, each step one change; the refusal changes nothing. */
static void
history(struct logfix *f)
{
	static const struct ledger_account_spec accounts[] = {
	    {"gift", "KRW", LEDGER_INCOME, NULL, 0},
	    {"bank", "KRW", LEDGER_ASSET, "the fund's bank account", 1},
	    {"yen", "JPY", LEDGER_ASSET, NULL, 0},
	};
	struct ledger_transfer_request reqs[] = {
	    {"t-1", "gift", "bank", "1000000", 0, "first gift"},
	    {"t-2", "gift", "bank", "250", 0, NULL},
	    {"p-1", "bank", "gift", "300", 1, NULL},
	    {"p-2", "bank", "gift", "50", 1, "to be voided"},
	};
	struct ledger_transfer_request over = {"t-over", "bank", "gift", "999999999", 0, NULL};
	struct ledger_transfer t;
	struct redress_error err;
	size_t i;

	for (i = 0; i < sizeof(accounts) / sizeof(accounts[0]); i++) {
		assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
		assert_int_equal(ledger_account_open(f->log, &accounts[i], NULL, &err), REDRESS_OK);
		assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	}
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
		if (ledger_transfer_create(f->log, &reqs[i], &t, NULL, &err) != REDRESS_OK)
			fail_msg("transfer %s: %s", reqs[i].id, err.message);
		assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	}
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_transfer_post(f->log, "p-1", &t, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_transfer_void(f->log, "p-2", &t, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	/* An overdraft of the no-overdraft account: refused, nothing kept. */
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_transfer_create(f->log, &over, &t, NULL, &err), REDRESS_E_REFUSED);
	tlog_rollback(f->log);
}

/* Compares the rows of snapshot statement id of catalogue c on both stores, column by column. */
static void
same_rows(const struct store_catalogue *c, unsigned id, struct store *a, struct store *b)
{
	const struct store_statement *q = &c->statements[id];
	struct redress_error err;
	struct store_stmt *sa, *sb;
	enum store_step_result ra, rb;
	int rows = 0, i;

	assert_non_null(sa = store_statement(a, c, id, &err));
	assert_non_null(sb = store_statement(b, c, id, &err));
	for (;;) {
		ra = store_step(sa, &err);
		rb = store_step(sb, &err);
		assert_int_not_equal(ra, STORE_ERROR);
		if (ra != rb)
			fail_msg("%s: row %d is on one backend only", q->name, rows);
		if (ra == STORE_DONE)
			break;
		assert_int_equal(store_column_count(sa), store_column_count(sb));
		for (i = 0; i < store_column_count(sa); i++) {
			size_t la, lb;
			const void *pa, *pb;

			if (store_column_is_null(sa, i) != store_column_is_null(sb, i) ||
			    store_column_is_integer(sa, i) != store_column_is_integer(sb, i))
				fail_msg("%s: row %d, column %s: of another type", q->name, rows,
				         store_column_name(sa, i));
			if (store_column_is_integer(sa, i)) {
				assert_int_equal(store_column_int64(sa, i), store_column_int64(sb, i));
				continue;
			}
			pa = store_column_blob(sa, i, &la);
			pb = store_column_blob(sb, i, &lb);
			if (la != lb || (la > 0 && memcmp(pa, pb, la) != 0))
				fail_msg("%s: row %d, column %s: '%.*s' against '%.*s'", q->name, rows,
				         store_column_name(sa, i), (int)la, (const char *)pa, (int)lb,
				         (const char *)pb);
		}
		rows++;
	}
	assert_true(rows > 0);
}

static void
test_same_history_same_tables(void **state)
{
	const char *pg = getenv("REDRESS_TEST_PG");
	struct logfix *on_sqlite, *on_pgsql;
	char *saved;
	size_t i;

	(void)state;
	assert_non_null(pg);
	assert_non_null(saved = strdup(pg));
	assert_int_equal(unsetenv("REDRESS_TEST_PG"), 0);
	on_sqlite = logfix_new(modules, "test.example/same");
	assert_int_equal(setenv("REDRESS_TEST_PG", saved, 1), 0);
	on_pgsql = logfix_new(modules, "test.example/same");
	assert_string_equal(store_backend_name(on_sqlite->store), "sqlite");
	assert_string_equal(store_backend_name(on_pgsql->store), "pgsql");

	history(on_sqlite);
	history(on_pgsql);
	assert_int_equal(logfix_size(on_sqlite), logfix_size(on_pgsql));
	assert_true(ledger_module.nsnapshots > 0);
	for (i = 0; i < ledger_module.nsnapshots; i++)
		same_rows(ledger_module.catalogue, ledger_module.snapshot_ids[i], on_sqlite->store,
		          on_pgsql->store);
	logfix_audit_clean(on_sqlite);
	logfix_audit_clean(on_pgsql);

	logfix_free(on_sqlite);
	logfix_free(on_pgsql);
	free(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_history_same_tables),
	};

	/* Without a cluster: skipped, as meson counts a skip (77). */
	if (getenv("REDRESS_TEST_PG") == NULL || getenv("REDRESS_TEST_PG")[0] == '\0') {
		printf("SKIP: needs a PostgreSQL cluster (tests/pg/run.sh)\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
