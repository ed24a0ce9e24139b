/*
 * test_ledger.c -- the ledger and the log together, in process: the rules of
 * double entry, idempotency, two-phase transfers, exchange, overdraft, and
 * that the audit agrees with every table after each kind of change and
 * names every table edited behind its back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "domain/ledger/ledger.h"
#include "log/audit.h"
#include "log/checkpoint.h"
#include "log/note.h"
#include "logfix.h"

static const struct event_module *const modules[] = {&ledger_module, NULL};

static int
setup(void **state)
{
	*state = logfix_new(modules, "test.example/log");
	return 0;
}

static int
teardown(void **state)
{
	logfix_free(*state);
	return 0;
}

static void
open_account(struct logfix *f, const char *code, const char *cur, enum ledger_kind kind, int no_overdraft)
{
	struct ledger_account_spec spec = {code, cur, kind, NULL, no_overdraft};
	struct redress_error err;

	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_account_open(f->log, &spec, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

/* Runs one transfer in its own change; returns its result code. */
static enum redress_err
transfer(struct logfix *f, const char *id, const char *from, const char *to, const char *amount, int pending,
         int *replayed, struct redress_error *err)
{
	struct ledger_transfer_request req = {id, from, to, amount, pending, NULL};
	enum redress_err rc;

	assert_int_equal(tlog_begin(f->log, err), REDRESS_OK);
	rc = ledger_transfer_create(f->log, &req, NULL, replayed, err);
	if (rc != REDRESS_OK) {
		tlog_rollback(f->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static int64_t
balance(struct logfix *f, const char *code, int with_pending)
{
	struct ledger_account a;
	struct redress_error err;
	int64_t posted, available;

	assert_int_equal(ledger_account_get(f->store, code, &a, &err), REDRESS_OK);
	assert_int_equal(ledger_balance(&a, &posted, &available, &err), REDRESS_OK);
	return with_pending ? available : posted;
}

static void
fund(struct logfix *f)
{
	struct redress_error err;

	open_account(f, "income", "KRW", LEDGER_INCOME, 0);
	open_account(f, "bank", "KRW", LEDGER_ASSET, 1);
	open_account(f, "payable", "KRW", LEDGER_LIABILITY, 0);
	assert_int_equal(transfer(f, "in-1", "income", "bank", "1000", 0, NULL, &err), REDRESS_OK);
}

/*
 * A change's transfers reach the tables through their events' replay
 * (tlog_append_apply), which keeps the accounts' totals in the change's
 * cache: the change sees them at once, the table at commit, and the
 * audit's replay (which writes at every event) agrees with the result.
 */
static void
test_change_books_through_replay(void **state)
{
	static const struct ledger_transfer_request reqs[] = {
	    {"c-1", "bank", "payable", "100", 0, NULL},
	    {"c-2", "bank", "payable", "50", 1, NULL},
	    {"c-3", "bank", "payable", "20", 1, NULL},
	};
	struct logfix *f = *state;
	struct ledger_account a;
	struct ledger_transfer t;
	struct redress_error err;
	size_t i;

	fund(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++)
		assert_int_equal(ledger_transfer_create(f->log, &reqs[i], NULL, NULL, &err), REDRESS_OK);
	assert_int_equal(ledger_transfer_post(f->log, "c-2", &t, &err), REDRESS_OK);
	assert_int_equal(t.state, LEDGER_POSTED);
	assert_true(t.resolved_seq > (int64_t)t.created_seq);
	assert_int_equal(ledger_transfer_void(f->log, "c-3", &t, &err), REDRESS_OK);
	assert_int_equal(t.state, LEDGER_VOIDED);
	/* The change sees its totals; the table gets them at commit. */
	assert_int_equal(ledger_account_current(f->log, "bank", &a, &err), REDRESS_OK);
	assert_int_equal(a.credits_posted, 150);
	assert_int_equal(a.credits_pending, 0);
	assert_int_equal(balance(f, "bank", 0), 1000);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_int_equal(balance(f, "bank", 0), 850);
	assert_int_equal(balance(f, "bank", 1), 850);
	assert_int_equal(balance(f, "payable", 0), -150);
	logfix_audit_clean(f);
}

static void
test_double_entry_and_balances(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;

	fund(f);
	assert_int_equal(balance(f, "bank", 0), 1000);
	assert_int_equal(balance(f, "income", 0), 1000);
	assert_int_equal(transfer(f, "pay-1", "bank", "payable", "300", 0, NULL, &err), REDRESS_OK);
	assert_int_equal(balance(f, "bank", 0), 700);
	/* A liability debited goes down on its normal side. */
	assert_int_equal(balance(f, "payable", 0), -300);
	logfix_audit_clean(f);
}

static void
test_idempotent_retry(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	uint64_t before;
	int replayed = 0;

	fund(f);
	before = logfix_size(f);
	assert_int_equal(transfer(f, "in-1", "income", "bank", "1000", 0, &replayed, &err), REDRESS_OK);
	assert_int_equal(replayed, 1);
	/* The retry appended nothing but the commit's checkpoint. */
	assert_int_equal(logfix_size(f), before);
	assert_int_equal(balance(f, "bank", 0), 1000);
	assert_int_equal(transfer(f, "in-1", "income", "bank", "999", 0, NULL, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "--amount"));
	assert_int_equal(transfer(f, "in-1", "income", "bank", "1000", 1, NULL, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "--pending"));
	assert_int_equal(logfix_size(f), before);
	logfix_audit_clean(f);
}

static void
test_overdraft_counts_pending(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	uint64_t before;

	fund(f);
	assert_int_equal(transfer(f, "hold", "bank", "payable", "600", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(balance(f, "bank", 0), 1000);
	assert_int_equal(balance(f, "bank", 1), 400);
	before = logfix_size(f);
	assert_int_equal(transfer(f, "too-much", "bank", "payable", "401", 0, NULL, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "bank"));
	assert_int_equal(logfix_size(f), before);
	assert_int_equal(transfer(f, "exact", "bank", "payable", "400", 0, NULL, &err), REDRESS_OK);
	assert_int_equal(balance(f, "bank", 1), 0);
	logfix_audit_clean(f);
}

static void
test_overdraft_both_sides(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;

	fund(f);
	/* A liability that may not go below zero: paying into it more than it owes is refused. */
	open_account(f, "strict", "KRW", LEDGER_LIABILITY, 1);
	open_account(f, "owed", "KRW", LEDGER_EXPENSE, 0);
	assert_int_equal(transfer(f, "t1", "bank", "strict", "1", 0, NULL, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "'strict'"));
	assert_int_equal(transfer(f, "t2", "strict", "owed", "50", 0, NULL, &err), REDRESS_OK);
	assert_int_equal(transfer(f, "t3", "bank", "strict", "50", 0, NULL, &err), REDRESS_OK);
	assert_int_equal(balance(f, "strict", 0), 0);
	logfix_audit_clean(f);
}

static void
test_two_phase(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	struct ledger_transfer t;

	fund(f);
	assert_int_equal(transfer(f, "p1", "bank", "payable", "100", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(transfer(f, "p2", "bank", "payable", "200", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_transfer_post(f->log, "p1", &t, &err), REDRESS_OK);
	assert_int_equal(t.state, LEDGER_POSTED);
	assert_int_equal(ledger_transfer_void(f->log, "p2", &t, &err), REDRESS_OK);
	assert_int_equal(t.state, LEDGER_VOIDED);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_int_equal(balance(f, "bank", 0), 900);
	assert_int_equal(balance(f, "bank", 1), 900);

	/* Once only; and never a transfer that was posted at once. */
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_transfer_post(f->log, "p1", &t, &err), REDRESS_E_CONFLICT);
	assert_int_equal(ledger_transfer_void(f->log, "p2", &t, &err), REDRESS_E_CONFLICT);
	assert_int_equal(ledger_transfer_void(f->log, "in-1", &t, &err), REDRESS_E_CONFLICT);
	assert_int_equal(ledger_transfer_post(f->log, "nope", &t, &err), REDRESS_E_NOTFOUND);
	tlog_rollback(f->log);
	logfix_audit_clean(f);
}

static void
test_refusals_change_nothing(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	uint64_t before;

	fund(f);
	open_account(f, "usd", "USD", LEDGER_ASSET, 0);
	before = logfix_size(f);
	assert_int_equal(transfer(f, "x", "bank", "nowhere", "1", 0, NULL, &err), REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "nowhere"));
	assert_int_equal(transfer(f, "x", "bank", "usd", "1", 0, NULL, &err), REDRESS_E_REFUSED);
	assert_int_equal(transfer(f, "x", "bank", "payable", "1.5", 0, NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(transfer(f, "x", "bank", "payable", "0", 0, NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(transfer(f, "x", "bank", "bank", "1", 0, NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(transfer(f, "bad id", "bank", "payable", "1", 0, NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(transfer(f, "x/y", "bank", "payable", "1", 0, NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(transfer(f, "x", "bank", "payable", "99999999999999999999", 0, NULL, &err),
	                 REDRESS_E_OVERFLOW);
	assert_int_equal(logfix_size(f), before);
	assert_int_equal(balance(f, "bank", 0), 1000);
	logfix_audit_clean(f);
}

static void
test_totals_overflow_is_an_error(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	char max[32];

	open_account(f, "src", "JPY", LEDGER_INCOME, 0);
	open_account(f, "dst", "JPY", LEDGER_ASSET, 0);
	snprintf(max, sizeof(max), "%lld", (long long)INT64_MAX);
	assert_int_equal(transfer(f, "big", "src", "dst", max, 0, NULL, &err), REDRESS_OK);
	assert_int_equal(transfer(f, "one-more", "src", "dst", "1", 0, NULL, &err), REDRESS_E_OVERFLOW);
	assert_int_equal(balance(f, "dst", 0), INT64_MAX);
	logfix_audit_clean(f);
}

static void
test_exchange(void **state)
{
	struct logfix *f = *state;
	struct ledger_exchange_request fx = {"fx-1", "jpy", "1000000000", "krw", "10800000000", NULL};
	struct ledger_transfer out, in;
	struct redress_error err;
	int replayed = 0;
	uint64_t before;

	open_account(f, "gift", "JPY", LEDGER_INCOME, 0);
	open_account(f, "jpy", "JPY", LEDGER_ASSET, 1);
	open_account(f, "krw", "KRW", LEDGER_ASSET, 1);
	assert_int_equal(transfer(f, "gift-1", "gift", "jpy", "1000000000", 0, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_exchange(f->log, &fx, &out, &in, &replayed, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_string_equal(out.id, "fx-1/out");
	assert_string_equal(in.id, "fx-1/in");
	assert_string_equal(out.debit, "exchange:JPY");
	assert_string_equal(in.credit, "exchange:KRW");
	assert_int_equal(balance(f, "jpy", 0), 0);
	assert_int_equal(balance(f, "krw", 0), 10800000000LL);

	/* The same exchange again: nothing; with another amount: refused. */
	before = logfix_size(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_exchange(f->log, &fx, NULL, NULL, &replayed, &err), REDRESS_OK);
	assert_int_equal(replayed, 1);
	fx.to_amount = "10800000001";
	assert_int_equal(ledger_exchange(f->log, &fx, NULL, NULL, NULL, &err), REDRESS_E_CONFLICT);
	tlog_rollback(f->log);
	assert_int_equal(logfix_size(f), before);

	/* A second exchange that would overdraw: neither leg is booked. */
	fx.id = "fx-2";
	fx.amount = "1";
	fx.to_amount = "11";
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_exchange(f->log, &fx, NULL, NULL, NULL, &err), REDRESS_E_REFUSED);
	tlog_rollback(f->log);
	assert_int_equal(logfix_size(f), before);
	assert_int_equal(ledger_transfer_get(f->store, "fx-2/in", &in, &err), REDRESS_E_NOTFOUND);
	logfix_audit_clean(f);
}

static void
test_checkpoint_and_proofs(void **state)
{
	struct logfix *f = *state;
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], leaf[MERKLE_HASH_SIZE], root[MERKLE_HASH_SIZE];
	struct note_verifier v;
	struct redress_error err;
	struct checkpoint cp;
	struct buf note, vkey, ev;
	uint64_t i, size, used;
	size_t count, text_len;

	fund(f);
	buf_init(&note, 65536);
	buf_init(&vkey, 1024);
	buf_init(&ev, TLOG_EVENT_MAX);
	assert_int_equal(tlog_checkpoint(f->log, &note, &err), REDRESS_OK);
	assert_int_equal(tlog_vkey(f->log, &vkey, &err), REDRESS_OK);
	assert_int_equal(note_vkey_parse(vkey.data, &v, &err), REDRESS_OK);
	assert_int_equal(note_verify(note.data, note.len, &v, &text_len, &err), REDRESS_OK);
	assert_int_equal(checkpoint_parse(note.data, text_len, &cp, &err), REDRESS_OK);
	size = logfix_size(f);
	assert_int_equal(cp.size, size);
	assert_string_equal(cp.origin, "test.example/log");
	assert_int_equal(tlog_root_at(f->log, size, root, &err), REDRESS_OK);
	assert_memory_equal(root, cp.root, MERKLE_HASH_SIZE);
	for (i = 0; i < size; i++) {
		buf_reset(&ev);
		assert_int_equal(tlog_event_bytes(f->log, i, &ev, &err), REDRESS_OK);
		merkle_leaf_hash(ev.data, ev.len, leaf);
		assert_int_equal(tlog_prove_inclusion(f->log, i, 0, &used, proof, &count, &err), REDRESS_OK);
		assert_int_equal(used, size);
		assert_int_equal(merkle_verify_inclusion(i, size, leaf,
		                                         (const uint8_t(*)[MERKLE_HASH_SIZE])proof, count,
		                                         cp.root, &err),
		                 REDRESS_OK);
	}
	assert_int_equal(tlog_prove_inclusion(f->log, size, 0, &used, proof, &count, &err),
	                 REDRESS_E_NOTFOUND);
	buf_free(&note);
	buf_free(&vkey);
	buf_free(&ev);
}

static void
test_wrong_key_refused(void **state)
{
	struct logfix *f = *state;
	struct sign_key *other = NULL;
	struct redress_error err;
	struct tlog *log = NULL;

	assert_int_equal(sign_key_generate(&other, &err), REDRESS_OK);
	assert_int_equal(tlog_open(f->store, other, modules, &log, &err), REDRESS_E_KEYS);
	assert_null(log);
	sign_key_free(&other);
}

/* Edits made with plain SQL, behind the log's back, must each be named. */
static void
test_audit_names_edited_balance(void **state)
{
	struct logfix *f = *state;

	fund(f);
	logfix_tamper(f, "UPDATE ledger_accounts SET debits_posted = 5000 WHERE code = 'bank'");
	logfix_audit_finds(f, "ledger_accounts 'bank': debits_posted is '5000'");
}

static void
test_audit_names_inserted_row(void **state)
{
	struct logfix *f = *state;

	fund(f);
	logfix_tamper(f, "INSERT INTO ledger_transfers VALUES "
	                 "('ghost','bank','income',1,'KRW',0,'posted',NULL,NULL,1,NULL)");
	logfix_audit_finds(f, "ledger_transfers 'ghost': row in the database that no event created");
}

static void
test_audit_names_deleted_row(void **state)
{
	struct logfix *f = *state;

	fund(f);
	logfix_tamper(f, "DELETE FROM ledger_transfers WHERE id = 'in-1'");
	logfix_audit_finds(f, "ledger_transfers 'in-1': row the log creates is missing");
}

static void
test_audit_names_deleted_event(void **state)
{
	struct logfix *f = *state;

	fund(f);
	logfix_tamper(f, "DELETE FROM log_events WHERE seq = 2");
	logfix_audit_finds(f, "event 2 missing");
}

static void
test_audit_names_truncated_log(void **state)
{
	struct logfix *f = *state;
	char sql[128];

	fund(f);
	snprintf(sql, sizeof(sql), "DELETE FROM log_events WHERE seq = %llu",
	         (unsigned long long)(logfix_size(f) - 1));
	logfix_tamper(f, sql);
	logfix_audit_finds(f, "deleted from the end");
}

static void
test_audit_names_altered_event(void **state)
{
	struct logfix *f = *state;

	fund(f);
	if (f->pg_name[0] != '\0')
		logfix_tamper(f,
		              "UPDATE log_events SET body = convert_to(replace(convert_from(body, 'UTF8'), "
		              "'\"amount\":1000', '\"amount\":9000'), 'UTF8') WHERE seq = 4");
	else
		logfix_tamper(f, "UPDATE log_events SET body = CAST(replace(CAST(body AS TEXT), "
		                 "'\"amount\":1000', '\"amount\":9000') AS BLOB) WHERE seq = 4");
	logfix_audit_finds(f, "event 4 was altered");
}

static void
test_audit_names_reordered_events(void **state)
{
	struct logfix *f = *state;

	fund(f);
	logfix_tamper(f, "UPDATE log_events SET seq = -1 WHERE seq = 2;"
	                 "UPDATE log_events SET seq = 2 WHERE seq = 3;"
	                 "UPDATE log_events SET seq = 3 WHERE seq = -1;");
	logfix_audit_finds(f, "history reordered");
}

static void
test_audit_names_rewritten_tree(void **state)
{
	struct logfix *f = *state;

	fund(f);
	/* A forger who rewrites an event and its whole tree still cannot re-sign. */
	logfix_tamper(f, f->pg_name[0] != '\0'
	                     ? "UPDATE log_nodes SET hash = decode(repeat('00', 32), 'hex') "
	                       "WHERE id = (SELECT max(id) FROM log_nodes)"
	                     : "UPDATE log_nodes SET hash = zeroblob(32) "
	                       "WHERE id = (SELECT max(id) FROM log_nodes)");
	logfix_audit_finds(f, "does not match the events");
	logfix_tamper(f, "UPDATE log_checkpoints SET note = replace(note, 'test.example', 'test.exampl3')");
	logfix_audit_finds(f, "checkpoint at size");
}

/*
 * Audit reads the events in batches of 2,048 and makes their leaves on two
 * threads (log/audit.c): a log of several batches verifies, and what is
 * wrong in a later batch is named at its own event.
 */
static void
test_audit_across_batches(void **state)
{
	struct logfix *f = *state;

	struct redress_error err;
	char id[32];
	int i;

	fund(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	for (i = 0; i < 5000; i++) {
		struct ledger_transfer_request req = {id, "income", "bank", "1", 0, NULL};

		snprintf(id, sizeof(id), "many-%d", i);
		if (ledger_transfer_create(f->log, &req, NULL, NULL, &err) != REDRESS_OK)
			fail_msg("transfer %d: %s", i, err.message);
	}
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	logfix_audit_clean(f);
	logfix_tamper(
	    f, "UPDATE log_events SET leaf = (SELECT leaf FROM log_events WHERE seq = 10) WHERE seq = 4100");
	logfix_audit_finds(f, "event 4100 does not match its stored leaf hash");
	logfix_tamper(f, "DELETE FROM log_events WHERE seq = 4700");
	logfix_audit_finds(f, "event 4700 missing");
	/* A body larger than any event is named, not an error that stops the audit. */
	logfix_tamper(
	    f, f->pg_name[0] != '\0'
	           ? "UPDATE log_events SET body = decode(repeat('20', 1100000), 'hex') WHERE seq = 4300"
	           : "UPDATE log_events SET body = zeroblob(1100000) WHERE seq = 4300");
	logfix_audit_finds(f, "event 4300: its public part cannot be made: it is 1100000 bytes");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_double_entry_and_balances, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_idempotent_retry, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overdraft_counts_pending, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_overdraft_both_sides, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_two_phase, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_totals_overflow_is_an_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_exchange, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_checkpoint_and_proofs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrong_key_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_edited_balance, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_inserted_row, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_deleted_row, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_deleted_event, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_truncated_log, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_altered_event, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_reordered_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_rewritten_tree, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_across_batches, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_change_books_through_replay, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
