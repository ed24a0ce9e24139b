/*
 * test_salt.c -- a public inclusion proof reveals nothing about an event
 * (issue 10, item 6).  Anyone may fetch the tree's size and every sibling
 * hash of any leaf; events are small JSON of few plausible values (who,
 * when, which person, which wish).  The attack: enumerate the plausible
 * bytes of an event and keep the one whose leaf hash the proof accepts.
 * It must fail on every event the log writes now (each carries a secret
 * salt of TLOG_SALT_SIZE random bytes), and it does succeed on an event of
 * the same contents without a salt, so the test can tell the two apart.
 * The attacker is given more than a real one has: the exact time, actor,
 * type and position.  Only the wish is unknown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/canon.h"
#include "domain/ledger/ledger.h"
#include "log/merkle.h"
#include "log/tlog.h"
#include "logfix.h"

static const struct event_module *const modules[] = {&ledger_module, NULL};

static const char *const wishes[] = {"accepted", "declined", "ask-again", "refused", NULL};

#define TYPE "registry.consultation.recorded"

static void
data_of(const char *wish, struct buf *out)
{
	buf_reset(out);
	buf_printf(out, "{\"person\":\"V-000004\",\"wish\":\"%s\"}", wish);
}

/*
 * The attack: for each plausible wish, the bytes of the event (without a
 * salt: the attacker cannot know one), checked against the public proof.
 * Returns the wish found, or NULL.
 */
static const char *
brute_force(const char *actor, const char *at, uint64_t seq, uint64_t size,
            const uint8_t (*proof)[MERKLE_HASH_SIZE], size_t count, const uint8_t root[MERKLE_HASH_SIZE])
{
	struct redress_error err;
	struct buf data, bytes;
	uint8_t leaf[MERKLE_HASH_SIZE];
	const char *found = NULL;
	size_t i;

	buf_init(&data, 4096);
	buf_init(&bytes, 8192);
	for (i = 0; wishes[i] != NULL && found == NULL; i++) {
		data_of(wishes[i], &data);
		buf_reset(&bytes);
		assert_int_equal(
		    tlog_encode_event(&bytes, actor, at, data.data, data.len, NULL, seq, TYPE, &err),
		    REDRESS_OK);
		merkle_leaf_hash(bytes.data, bytes.len, leaf);
		if (merkle_verify_inclusion(seq, size, leaf, proof, count, root, &err) == REDRESS_OK)
			found = wishes[i];
	}
	buf_free(&data);
	buf_free(&bytes);
	return found;
}

static void
test_proof_reveals_nothing(void **state)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], root[MERKLE_HASH_SIZE], leaf[MERKLE_HASH_SIZE];
	struct logfix *f = logfix_new(modules, "test.example/salt");
	struct redress_error err;
	struct canon_doc doc;
	struct buf data, bytes, plain;
	const char *at, *salt;
	uint64_t seq, size;
	size_t count;
	int i;

	(void)state;
	buf_init(&data, 4096);
	buf_init(&bytes, TLOG_EVENT_MAX);
	buf_init(&plain, TLOG_EVENT_MAX);
	canon_doc_init(&doc);
	/* Some events around it, as in any fund. */
	for (i = 0; i < 5; i++) {
		data_of(i == 2 ? "declined" : "accepted", &data);
		assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
		assert_int_equal(tlog_append(f->log, TYPE, data.data, data.len, i == 2 ? &seq : NULL, &err),
		                 REDRESS_OK);
		assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	}
	assert_int_equal(tlog_size(f->log, &size, &err), REDRESS_OK);
	/* What anyone gets: the proof and the signed root. */
	assert_int_equal(tlog_prove_inclusion(f->log, seq, size, &size, proof, &count, &err), REDRESS_OK);
	assert_int_equal(tlog_root_at(f->log, size, root, &err), REDRESS_OK);
	/* What the attacker is given beyond that: the event's time (read here from the event). */
	assert_int_equal(tlog_event_bytes(f->log, seq, &bytes, &err), REDRESS_OK);
	assert_int_equal(canon_read(&doc, bytes.data, bytes.len, &err), REDRESS_OK);
	assert_int_equal(canon_get_string(canon_root(&doc), "at", &at, &err), REDRESS_OK);
	assert_int_equal(canon_get_string(canon_root(&doc), "salt", &salt, &err), REDRESS_OK);
	assert_int_equal(strlen(salt), TLOG_SALT_TEXT_SIZE - 1);
	assert_null(
	    brute_force("os:tester", at, seq, size, (const uint8_t(*)[MERKLE_HASH_SIZE])proof, count, root));

	/* With the salt, the same bytes are the leaf: the proof holds for those who may read the event. */
	data_of("declined", &data);
	assert_int_equal(
	    tlog_encode_event(&plain, "os:tester", at, data.data, data.len, salt, seq, TYPE, &err),
	    REDRESS_OK);
	assert_int_equal(plain.len, bytes.len);
	assert_memory_equal(plain.data, bytes.data, bytes.len);
	merkle_leaf_hash(plain.data, plain.len, leaf);
	assert_int_equal(merkle_verify_inclusion(seq, size, leaf, (const uint8_t(*)[MERKLE_HASH_SIZE])proof,
	                                         count, root, &err),
	                 REDRESS_OK);

	/*
	 * The same event without a salt (as events were written before), alone
	 * in a tree: its root is its leaf hash, its proof empty.  The attack finds it.
	 */
	buf_reset(&plain);
	assert_int_equal(tlog_encode_event(&plain, "os:tester", at, data.data, data.len, NULL, 0, TYPE, &err),
	                 REDRESS_OK);
	merkle_leaf_hash(plain.data, plain.len, leaf);
	assert_string_equal(brute_force("os:tester", at, 0, 1, NULL, 0, leaf), "declined");

	canon_doc_free(&doc);
	buf_free(&data);
	buf_free(&bytes);
	buf_free(&plain);
	logfix_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_proof_reveals_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
