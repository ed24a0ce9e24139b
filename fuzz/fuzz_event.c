/*
 * fuzz_event.c -- libFuzzer target for the canonical JSON reader
 * (core/canon_read.c) and writer (core/canon.c) and for the replay of
 * events by the ledger (domain/ledger/ledger_apply.c) and the staff accounts
 * (domain/users/users_apply.c).
 *
 * The reader accepts only canonical form, so whatever canon_read accepts,
 * canon_write_node must write back as exactly the bytes it was given.  If
 * not, the reader accepts something the writer would never write, two
 * honest parties could hash the same event differently, and the target
 * aborts.  One document is reused for every input, as audit reuses it.
 *
 * An object is then replayed as an event, the way audit replays the log:
 * its "type" member names the event (a ledger transfer when there is none;
 * a "users." type goes to the users module),
 * its "data" member, or else the object itself, is the event's data.  An
 * array replays each object in it in turn, so that the fuzzer can reach
 * sequences such as open, transfer, post.  Replay runs against an in-memory
 * database that already holds a few accounts and a pending transfer, inside
 * a transaction rolled back after every input, so that no input sees
 * another's state.  Refusals are expected; crashes, leaks and undefined
 * behaviour are not, and neither is a ledger out of balance: whatever
 * replay accepted, per currency the debits must still equal the credits and
 * no total may be negative.  That is checked with a query of its own
 * rather than through the ledger's check, which is also run, for its own
 * crashes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/canon.h"
#include "core/error.h"
#include "domain/ledger/ledger.h"
#include "domain/users/users.h"
#include "log/audit.h"
#include "log/tlog.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Events in one array input that are replayed; the rest are only read. */
#define FUZZ_EVENTS_MAX 16

static struct store *fuzz_store;
static struct canon_doc fuzz_doc;

/* Currencies out of balance, and accounts with a negative total. */
static const struct store_query fuzz_q_unbalanced = {
    "fuzz.unbalanced",
    "SELECT (SELECT count(*) FROM (SELECT currency FROM ledger_accounts GROUP BY currency"
    " HAVING sum(debits_posted) <> sum(credits_posted) OR sum(debits_pending) <> sum(credits_pending)))"
    " + (SELECT count(*) FROM ledger_accounts WHERE debits_posted < 0 OR credits_posted < 0"
    " OR debits_pending < 0 OR credits_pending < 0)"};

/*
 * The state every input starts from, built through replay itself: accounts
 * a and b in KRW (a may not be overdrawn), c in USD, and a pending transfer
 * p1 from a to b.
 */
static const char *const fuzz_baseline[][2] = {
    {"ledger.account.opened",
     "{\"code\":\"a\",\"currency\":\"KRW\",\"kind\":\"asset\",\"name\":\"A\",\"no_overdraft\":true}"},
    {"ledger.account.opened",
     "{\"code\":\"b\",\"currency\":\"KRW\",\"kind\":\"liability\",\"name\":\"B\",\"no_overdraft\":false}"},
    {"ledger.account.opened",
     "{\"code\":\"c\",\"currency\":\"USD\",\"kind\":\"equity\",\"name\":\"C\",\"no_overdraft\":false}"},
    {"ledger.transfer.created", "{\"amount\":10,\"credit\":\"a\",\"currency\":\"KRW\",\"debit\":\"b\","
                                "\"exchange\":null,\"id\":\"p1\",\"pending\":true,\"ref\":null}"},
};

/* Writes n back into out; returns 0 when the writer refuses it. */
static int
encode(const struct canon_node *n, struct buf *out)
{
	struct canon c;

	canon_init(&c, out);
	canon_write_node(&c, n);
	return canon_error(&c, NULL) == REDRESS_OK;
}

/*
 * Aborts when the ledger is out of balance.  SQLite's sum() is exact and
 * fails on overflow, which totals near INT64_MAX can legitimately cause;
 * then the balance cannot be judged this way and the input passes.
 */
static void
check_balanced(void)
{
	static struct audit_report report;
	struct redress_error err;
	struct store_stmt *st;
	enum store_step_result r;

	if ((st = store_query(fuzz_store, &fuzz_q_unbalanced, &err)) == NULL)
		abort();
	r = store_step(st, &err);
	if (r == STORE_ROW && store_column_int64(st, 0) != 0)
		abort();
	if (r == STORE_ROW)
		(void)store_step(st, &err);
	if (ledger_module.check != NULL) {
		memset(&report, 0, sizeof(report));
		(void)ledger_module.check(fuzz_store, &report, &err);
	}
}

static enum redress_err
replay(const struct canon_node *obj, uint64_t seq, struct redress_error *err)
{
	const struct canon_node *type = canon_find(obj, "type"), *data = canon_find(obj, "data");
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = seq;
	ev.type = type != NULL && type->type == CANON_STRING ? type->str : "ledger.transfer.created";
	ev.actor = "fuzz";
	ev.at = "2024-06-01T00:00:00Z";
	ev.data = data != NULL && data->type == CANON_OBJECT ? data : obj;
	if (strncmp(ev.type, users_module.type_prefix, strlen(users_module.type_prefix)) == 0)
		return users_module.replay(fuzz_store, &ev, err);
	return ledger_module.replay(fuzz_store, &ev, err);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct redress_error err;
	size_t i;

	(void)argc;
	(void)argv;
	if (store_open(":memory:", STORE_OPEN_CREATE, &fuzz_store, &err) != REDRESS_OK ||
	    store_exec(fuzz_store, ledger_module.schema, &err) != REDRESS_OK ||
	    store_exec(fuzz_store, users_module.schema, &err) != REDRESS_OK ||
	    store_begin(fuzz_store, &err) != REDRESS_OK)
		abort();
	for (i = 0; i < sizeof(fuzz_baseline) / sizeof(fuzz_baseline[0]); i++) {
		struct event ev = {
		    .seq = i + 1, .type = fuzz_baseline[i][0], .actor = "fuzz", .at = "2024-06-01T00:00:00Z"};

		if (canon_read(&fuzz_doc, fuzz_baseline[i][1], strlen(fuzz_baseline[i][1]), &err) !=
		    REDRESS_OK)
			abort();
		ev.data = canon_root(&fuzz_doc);
		if (ledger_module.replay(fuzz_store, &ev, &err) != REDRESS_OK)
			abort();
	}
	if (store_commit(fuzz_store, &err) != REDRESS_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct canon_node *root, *c;
	struct redress_error err;
	struct buf out;
	size_t i;

	if (canon_read(&fuzz_doc, (const char *)data, size, &err) != REDRESS_OK) {
		/* A refusal is an error that names a byte of the input (or its end). */
		if (err.code != REDRESS_E_INVALID || canon_root(&fuzz_doc) != NULL)
			abort();
		return 0;
	}
	root = canon_root(&fuzz_doc);
	if (root == NULL || root->span != fuzz_doc.count)
		abort();

	/* Written back, the bytes are the input's; one more byte of room shows any excess. */
	buf_init(&out, size + 1);
	if (!encode(root, &out) || out.len != size || memcmp(out.data, data, size) != 0)
		abort();
	buf_free(&out);

	if (store_begin(fuzz_store, &err) != REDRESS_OK)
		abort();
	/* Like audit, a refused event is noted and the next one replayed. */
	if (root->type == CANON_OBJECT) {
		(void)replay(root, 1, &err);
	} else if (root->type == CANON_ARRAY) {
		i = 0;
		for (c = canon_first(root); c < canon_end(root) && i < FUZZ_EVENTS_MAX;
		     c = canon_next(c), i++)
			if (c->type == CANON_OBJECT)
				(void)replay(c, 1 + i, &err);
	}
	check_balanced();
	store_rollback(fuzz_store);
	return 0;
}
