/*
 * test_witness.c -- cosignatures (log/cosig.c) and a witness's checks and
 * state (log/witness.c) against real logs: one history cosigned step by
 * step, then a fork of it (the same key and origin, other events) shown to
 * the same witness, which must refuse it, also after a restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "crypto/keydir.h"
#include "log/cosig.h"
#include "log/witness.h"
#include "logfix.h"

static const struct event_module *const no_modules[] = {NULL};

#define ORIGIN "test.example/witnessed"
#define NOW    1796000000u

struct fix {
	struct logfix *a; /* the history the witness sees first */
	struct store *bs; /* a second database: the fork, signed by the same key */
	struct tlog *b;
	char wdir[192];
	char vkey[512];
	struct witness *w;
};

/* The add-checkpoint body for log's latest checkpoint, from old. */
static void
request(struct tlog *log, uint64_t old, struct buf *out)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	struct redress_error err;
	struct buf note;
	uint64_t size, used;
	size_t count = 0;

	buf_init(&note, NOTE_MAX_SIZE);
	assert_int_equal(tlog_checkpoint(log, &note, &err), REDRESS_OK);
	assert_int_equal(tlog_size(log, &size, &err), REDRESS_OK);
	if (old > 0 && old < size)
		assert_int_equal(tlog_prove_consistency(log, old, size, &used, proof, &count, &err),
		                 REDRESS_OK);
	buf_reset(out);
	cosig_request_format(out, old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof, count, note.data, note.len);
	buf_free(&note);
}

static unsigned
post(struct fix *f, struct tlog *log, uint64_t old, struct buf *answer, struct redress_error *why)
{
	struct buf body;
	unsigned status;

	buf_init(&body, COSIG_REQUEST_MAX);
	request(log, old, &body);
	buf_reset(answer);
	status = witness_add_checkpoint(f->w, body.data, body.len, NOW, answer, why);
	buf_free(&body);
	return status;
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct redress_error err;
	char db[192];
	const char *keys[1];
	struct buf vk;

	assert_non_null(f);
	f->a = logfix_new(no_modules, ORIGIN);
	snprintf(db, sizeof(db), "%s/fork.db", f->a->dir);
	assert_int_equal(store_open(db, STORE_OPEN_CREATE, &f->bs, &err), REDRESS_OK);
	assert_int_equal(tlog_create(f->bs, keydir_log_key(f->a->kd), ORIGIN, "os:tester", no_modules, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_open(f->bs, keydir_log_key(f->a->kd), no_modules, &f->b, &err), REDRESS_OK);
	assert_int_equal(tlog_set_actor(f->b, "os:tester", &err), REDRESS_OK);
	snprintf(f->wdir, sizeof(f->wdir), "%s/witness", f->a->dir);
	assert_int_equal(keydir_witness_create(f->wdir, "monitor.example/w1", &err), REDRESS_OK);
	buf_init(&vk, 4096);
	assert_int_equal(tlog_vkey(f->a->log, &vk, &err), REDRESS_OK);
	snprintf(f->vkey, sizeof(f->vkey), "%s", vk.data);
	buf_free(&vk);
	keys[0] = f->vkey;
	assert_int_equal(witness_open(f->wdir, keys, 1, &f->w, &err), REDRESS_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	char path[256];

	witness_close(&f->w);
	tlog_close(&f->b);
	store_close(&f->bs);
	snprintf(path, sizeof(path), "rm -rf '%s/witness' '%s/fork.db'*", f->a->dir, f->a->dir);
	assert_int_equal(system(path), 0);
	logfix_free(f->a);
	free(f);
	return 0;
}

/* The witness's verifier key, as a policy of one. */
static void
policy_of_witness(struct fix *f, struct cosig_policy *p, size_t threshold)
{
	struct redress_error err;
	struct buf vk;

	memset(p, 0, sizeof(*p));
	buf_init(&vk, 4096);
	witness_vkey(f->w, &vk);
	assert_int_equal(cosig_policy_add(p, vk.data, &err), REDRESS_OK);
	p->threshold = threshold;
	buf_free(&vk);
}

static void
test_cosigns_a_growing_log_and_refuses_a_fork(void **state)
{
	struct fix *f = *state;
	struct redress_error why;
	struct buf answer;
	const char *keys[1] = {f->vkey};

	buf_init(&answer, 65536);
	/* First sight: old 0, no proof. */
	assert_int_equal(post(f, f->a->log, 0, &answer, &why), 200);
	assert_non_null(strstr(answer.data, "\xe2\x80\x94 monitor.example/w1 "));
	logfix_append(f->a->log, 2, "a");
	assert_int_equal(post(f, f->a->log, 1, &answer, &why), 200);
	/* A stale old size: 409 with the size it holds. */
	assert_int_equal(post(f, f->a->log, 1, &answer, &why), 409);
	assert_string_equal(answer.data, "3\n");

	/* The fork: the same key and origin, size 3, other events. */
	logfix_append(f->b, 2, "b");
	assert_int_equal(post(f, f->b, 3, &answer, &why), 422);
	assert_non_null(strstr(why.message, "FORK"));
	/* A larger fork whose proof is from its own history: does not extend what was cosigned. */
	logfix_append(f->b, 2, "b2");
	assert_int_equal(post(f, f->b, 3, &answer, &why), 422);
	assert_non_null(strstr(why.message, "does not extend"));

	/* After a restart the witness still holds size 3 and still refuses the fork. */
	witness_close(&f->w);
	assert_int_equal(witness_open(f->wdir, keys, 1, &f->w, &why), REDRESS_OK);
	assert_int_equal(post(f, f->b, 3, &answer, &why), 422);
	logfix_append(f->a->log, 1, "a2");
	assert_int_equal(post(f, f->a->log, 3, &answer, &why), 200);
	buf_free(&answer);
}

static void
test_refusals(void **state)
{
	struct fix *f = *state;
	struct redress_error why, err;
	struct buf answer, body;
	struct logfix *other;
	const char *keys[1] = {f->vkey};
	struct witness *w2 = NULL;

	buf_init(&answer, 65536);
	buf_init(&body, COSIG_REQUEST_MAX);
	/* A log it does not watch: 404. */
	other = logfix_new(no_modules, "other.example/log");
	assert_int_equal(post(f, other->log, 0, &answer, &why), 404);
	logfix_free(other);
	/* Signed by another key under the same origin: 403. */
	other = logfix_new(no_modules, ORIGIN);
	assert_int_equal(post(f, other->log, 0, &answer, &why), 403);
	logfix_free(other);
	/* Malformed: 400. */
	buf_puts(&body, "old 01\n\nx\n");
	assert_int_equal(witness_add_checkpoint(f->w, body.data, body.len, NOW, &answer, &why), 400);
	/* Old above the size: 400. */
	request(f->a->log, 7, &body);
	assert_int_equal(witness_add_checkpoint(f->w, body.data, body.len, NOW, &answer, &why), 400);
	/* A proof from size 0: 422. */
	buf_reset(&body);
	buf_puts(&body, "old 0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n");
	{
		struct buf note;

		buf_init(&note, NOTE_MAX_SIZE);
		assert_int_equal(tlog_checkpoint(f->a->log, &note, &err), REDRESS_OK);
		buf_append(&body, note.data, note.len);
		buf_free(&note);
	}
	assert_int_equal(witness_add_checkpoint(f->w, body.data, body.len, NOW, &answer, &why), 422);
	/* Nothing cosigned so far: a second witness over the same directory sees size 0. */
	assert_int_equal(witness_open(f->wdir, keys, 1, &w2, &err), REDRESS_OK);
	witness_close(&w2);
	buf_free(&answer);
	buf_free(&body);
}

static void
test_policy(void **state)
{
	struct fix *f = *state;
	struct redress_error why, err;
	struct cosig_policy p;
	struct buf answer, note;
	struct sign_key *k2;
	char *bad;

	buf_init(&answer, 65536);
	buf_init(&note, NOTE_MAX_SIZE);
	assert_int_equal(post(f, f->a->log, 0, &answer, &why), 200);
	assert_int_equal(tlog_checkpoint(f->a->log, &note, &err), REDRESS_OK);
	/* Without the cosignature: a policy of 1 refuses it. */
	policy_of_witness(f, &p, 1);
	assert_int_equal(cosig_policy_check(&p, note.data, note.len, &err), REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "by 0 of the 1 witnesses"));
	buf_append(&note, answer.data, answer.len);
	assert_int_equal(cosig_policy_check(&p, note.data, note.len, &err), REDRESS_OK);
	/* The log's own signature still verifies with the cosignature there. */
	{
		struct note_verifier v;

		assert_int_equal(note_vkey_parse(f->vkey, &v, &err), REDRESS_OK);
		assert_int_equal(note_verify(note.data, note.len, &v, NULL, &err), REDRESS_OK);
	}
	/* Two of two, the second witness never asked: too few. */
	assert_int_equal(sign_key_generate(&k2, &err), REDRESS_OK);
	{
		struct buf vk;

		buf_init(&vk, 4096);
		note_vkey_format_type(&vk, "monitor.example/w2", NOTE_ALG_COSIGNATURE, sign_key_public(k2));
		assert_int_equal(cosig_policy_add(&p, vk.data, &err), REDRESS_OK);
		buf_free(&vk);
	}
	p.threshold = 2;
	assert_int_equal(cosig_policy_check(&p, note.data, note.len, &err), REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "missing: monitor.example/w2"));
	/* A threshold above the witnesses is a bad policy. */
	p.threshold = 3;
	assert_int_equal(cosig_policy_check(&p, note.data, note.len, &err), REDRESS_E_INVALID);
	/* A log key given as a witness key is refused (type 0x01, not 0x04). */
	assert_int_equal(cosig_policy_add(&p, f->vkey, &err), REDRESS_E_INVALID);
	/* An altered cosignature is a bad signature, not an absent one. */
	p.threshold = 1;
	bad = strstr(note.data, "monitor.example/w1 ");
	assert_non_null(bad);
	bad += strlen("monitor.example/w1 ") + 20;
	*bad = *bad == 'A' ? 'B' : 'A';
	assert_int_equal(cosig_policy_check(&p, note.data, note.len, &err), REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "does not verify"));
	sign_key_free(&k2);
	buf_free(&answer);
	buf_free(&note);
}

static void
test_cosigned_checkpoint_kept(void **state)
{
	struct fix *f = *state;
	struct redress_error why, err;
	struct cosig_policy p;
	struct buf answer, note;
	uint64_t size;

	buf_init(&answer, 65536);
	buf_init(&note, NOTE_MAX_SIZE);
	assert_int_equal(post(f, f->a->log, 0, &answer, &why), 200);
	assert_int_equal(tlog_cosign_add(f->a->log, 1, "monitor.example/w1", answer.data, &err), REDRESS_OK);
	assert_int_equal(tlog_checkpoint_cosigned(f->a->log, &note, &size, &err), REDRESS_OK);
	assert_int_equal(size, 1);
	policy_of_witness(f, &p, 1);
	assert_int_equal(cosig_policy_check(&p, note.data, note.len, &err), REDRESS_OK);
	/* Kept beside the log, the cosignatures disturb no audit. */
	logfix_audit_clean(f->a);
	/* A newer checkpoint has no cosignature yet. */
	logfix_append(f->a->log, 1, "later");
	buf_reset(&note);
	assert_int_equal(tlog_checkpoint_cosigned(f->a->log, &note, &size, &err), REDRESS_OK);
	assert_int_equal(size, 2);
	assert_int_equal(cosig_policy_check(&p, note.data, note.len, &err), REDRESS_E_CRYPTO);
	buf_free(&answer);
	buf_free(&note);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_cosigns_a_growing_log_and_refuses_a_fork, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_policy, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cosigned_checkpoint_kept, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
