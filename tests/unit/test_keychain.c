/*
 * test_keychain.c -- a rotation of the log's signing key (tlog_rotate_key)
 * and the chain verifiers follow through it (log/keychain.c): the
 * handover is signed by both keys and names the new one; a verifier that
 * holds only the first key follows it; a checkpoint signed by a key no
 * handover announced, or by the old key after the handover, is refused; a
 * forged handover is refused; a witness follows the handover and refuses
 * the new key without it; audit verify passes across the rotation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "crypto/keydir.h"
#include "log/audit.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/keychain.h"
#include "log/note.h"
#include "log/witness.h"
#include "logfix.h"

static const struct event_module *const no_modules[] = {NULL};

#define ORIGIN "test.example/rotated"
#define NOW    1796000000u

struct fix {
	struct logfix *f;
	struct sign_key *next; /* the key handed over to */
	uint8_t first[SIGN_PUBLIC_SIZE];
	uint64_t handover; /* the handover's size */
};

static void
rotate(struct fix *x)
{
	struct redress_error err;

	assert_int_equal(sign_key_generate(&x->next, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(x->f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_rotate_key(x->f->log, x->next, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(x->f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_size(x->f->log, &x->handover, &err), REDRESS_OK);
}

static int
setup(void **state)
{
	struct fix *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	x->f = logfix_new(no_modules, ORIGIN);
	memcpy(x->first, sign_key_public(keydir_log_key(x->f->kd)), SIGN_PUBLIC_SIZE);
	logfix_append(x->f->log, 3, "before");
	rotate(x);
	logfix_append(x->f->log, 2, "after");
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *x = *state;

	logfix_free(x->f); /* closes the log before the key it signs with goes */
	sign_key_free(&x->next);
	free(x);
	return 0;
}

/* The log's handovers as a jansson array. */
static json_t *
handovers(struct tlog *log)
{
	struct redress_error err;
	struct buf text;
	json_t *a;

	buf_init(&text, 1 << 20);
	assert_int_equal(tlog_handovers_json(log, &text, &err), REDRESS_OK);
	a = json_loadb(text.data, text.len, 0, NULL);
	assert_non_null(a);
	buf_free(&text);
	return a;
}

/* A checkpoint body of size with root, signed by key alone. */
static void
forge(const struct sign_key *key, uint64_t size, const uint8_t root[MERKLE_HASH_SIZE], const char *extension,
      struct buf *out)
{
	struct redress_error err;
	struct checkpoint cp;
	struct buf body;

	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", ORIGIN);
	cp.size = size;
	memcpy(cp.root, root, MERKLE_HASH_SIZE);
	buf_init(&body, 4096);
	checkpoint_format(&body, &cp);
	if (extension != NULL)
		buf_puts(&body, extension);
	buf_reset(out);
	assert_int_equal(note_sign(out, body.data, body.len, ORIGIN, key, &err), REDRESS_OK);
	buf_free(&body);
}

/*
 * Audit verify with the first key trusted: no finding but the test events'
 * unknown type (this log has no modules to own them).
 */
static void
audit_clean(struct fix *x)
{
	struct audit_report *r = calloc(1, sizeof(*r));
	struct redress_error err;
	unsigned i;

	assert_non_null(r);
	assert_int_equal(audit_verify(x->f->log, x->first, r, &err), REDRESS_OK);
	for (i = 0; i < r->nfindings; i++)
		if (strstr(r->findings[i], "unknown type 'test.event'") == NULL)
			fail_msg("finding: %s", r->findings[i]);
	assert_int_equal(r->events, logfix_size(x->f));
	assert_true(r->checkpoints >= 4);
	free(r);
}

static void
test_the_chain_is_followed_from_the_first_key(void **state)
{
	struct fix *x = *state;
	struct redress_error err;
	struct keychain kc, bare;
	struct checkpoint cp;
	struct buf note;
	json_t *h = handovers(x->f->log);

	assert_int_equal(json_array_size(h), 1);
	assert_int_equal(x->handover, 5); /* log.created, 3 events, the rotation */
	/* The log's current key is the new one; its chain has two keys. */
	assert_memory_equal(tlog_public_key(x->f->log), sign_key_public(x->next), SIGN_PUBLIC_SIZE);
	assert_int_equal(tlog_keychain(x->f->log)->count, 2);

	buf_init(&note, 1 << 16);
	assert_int_equal(tlog_checkpoint(x->f->log, &note, &err), REDRESS_OK);
	keychain_init(&kc, ORIGIN, x->first);
	assert_int_equal(keychain_follow_json(&kc, h, &err), REDRESS_OK);
	assert_int_equal(kc.count, 2);
	assert_int_equal(kc.keys[1].from, x->handover);
	assert_int_equal(keychain_verify(&kc, note.data, note.len, &cp, NULL, &err), REDRESS_OK);
	assert_int_equal(cp.size, 7);
	/* Following the same handover again changes nothing. */
	assert_int_equal(keychain_follow_json(&kc, h, &err), REDRESS_OK);
	assert_int_equal(kc.count, 2);

	/* Without the handover, the first key alone refuses the new key's checkpoint: unannounced. */
	keychain_init(&bare, ORIGIN, x->first);
	assert_int_equal(keychain_verify(&bare, note.data, note.len, &cp, NULL, &err), REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "not signed by the log's key in force"));
	/* ... but accepts the handover itself, which the old key signed too. */
	assert_int_equal(keychain_verify(&bare, json_string_value(json_array_get(h, 0)),
	                                 json_string_length(json_array_get(h, 0)), &cp, NULL, &err),
	                 REDRESS_OK);
	assert_int_equal(cp.size, x->handover);

	/* The old key signing a later size: retired, refused. */
	forge(keydir_log_key(x->f->kd), 7, cp.root, NULL, &note);
	assert_int_equal(keychain_verify(&kc, note.data, note.len, &cp, NULL, &err), REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "retired at size 5"));
	buf_free(&note);
	json_decref(h);
}

static void
test_forged_handovers_are_refused(void **state)
{
	struct fix *x = *state;
	struct redress_error err;
	struct sign_key *mallory = NULL;
	struct keychain kc;
	struct buf note, ext;
	uint8_t root[MERKLE_HASH_SIZE] = {0};

	buf_init(&note, 1 << 16);
	buf_init(&ext, 1024);
	assert_int_equal(sign_key_generate(&mallory, &err), REDRESS_OK);
	buf_puts(&ext, KEYCHAIN_EXTENSION);
	note_vkey_format(&ext, ORIGIN, sign_key_public(mallory));
	buf_putc(&ext, '\n');

	/* Names mallory's key, signed by mallory alone: not by the key it hands over from. */
	keychain_init(&kc, ORIGIN, x->first);
	forge(mallory, 9, root, ext.data, &note);
	assert_int_equal(keychain_follow(&kc, note.data, note.len, NULL, &err), REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "not signed by the key it hands over from"));
	assert_int_equal(kc.count, 1);
	/* Signed by the old key but not by the key it names: no proof the new key is held. */
	forge(keydir_log_key(x->f->kd), 9, root, ext.data, &note);
	assert_int_equal(keychain_follow(&kc, note.data, note.len, NULL, &err), REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "not signed by the new key"));
	/* No extension line: not a handover at all. */
	forge(keydir_log_key(x->f->kd), 9, root, NULL, &note);
	assert_int_equal(keychain_follow(&kc, note.data, note.len, NULL, &err), REDRESS_E_NOTFOUND);
	assert_int_equal(kc.count, 1);

	sign_key_free(&mallory);
	buf_free(&note);
	buf_free(&ext);
}

static void
test_the_log_reopens_only_with_its_current_key(void **state)
{
	struct fix *x = *state;
	struct redress_error err;
	struct tlog *again = NULL;

	assert_int_equal(tlog_open(x->f->store, keydir_log_key(x->f->kd), no_modules, &again, &err),
	                 REDRESS_E_KEYS);
	assert_non_null(strstr(err.message, "keys rotate --log"));
	assert_int_equal(tlog_open(x->f->store, x->next, no_modules, &again, &err), REDRESS_OK);
	/* The reopened log has the same chain, from log_meta and the handover checkpoint. */
	assert_int_equal(tlog_keychain(again)->count, 2);
	assert_int_equal(tlog_keychain(again)->keys[1].from, x->handover);
	tlog_close(&again);
	/* Audit with the first key as the trusted one: every checkpoint by the key in force. */
	audit_clean(x);
}

static void
test_a_rotation_refused_changes_nothing(void **state)
{
	struct fix *x = *state;
	struct redress_error err;
	uint64_t size;

	/* A key the log used before. */
	assert_int_equal(tlog_begin(x->f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_rotate_key(x->f->log, keydir_log_key(x->f->kd), &err), REDRESS_E_KEYS);
	tlog_rollback(x->f->log);
	assert_int_equal(tlog_size(x->f->log, &size, &err), REDRESS_OK);
	assert_int_equal(size, 7);
	assert_int_equal(tlog_keychain(x->f->log)->count, 2);
	/* The log still signs with the new key. */
	logfix_append(x->f->log, 1, "later");
	audit_clean(x);
}

/* The add-checkpoint body for the checkpoint note (as stored) of size, from old. */
static unsigned
post(struct witness *w, struct tlog *log, uint64_t old, uint64_t size, struct buf *answer,
     struct redress_error *why)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	struct redress_error err;
	struct buf note, body;
	uint64_t used;
	size_t count = 0;
	unsigned status;

	buf_init(&note, NOTE_MAX_SIZE);
	buf_init(&body, COSIG_REQUEST_MAX);
	assert_int_equal(tlog_checkpoint_at(log, size, &note, &err), REDRESS_OK);
	if (old > 0 && old < size)
		assert_int_equal(tlog_prove_consistency(log, old, size, &used, proof, &count, &err),
		                 REDRESS_OK);
	cosig_request_format(&body, old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof, count, note.data,
	                     note.len);
	buf_reset(answer);
	status = witness_add_checkpoint(w, body.data, body.len, NOW, answer, why);
	buf_free(&note);
	buf_free(&body);
	return status;
}

static void
test_a_witness_follows_the_handover(void **state)
{
	struct fix *x = *state;
	struct redress_error err, why;
	struct witness *w = NULL;
	struct buf vk, answer;
	char wdir[192], first[512];
	const char *keys[1] = {first};

	buf_init(&vk, 4096);
	buf_init(&answer, 65536);
	note_vkey_format(&vk, ORIGIN, x->first);
	snprintf(first, sizeof(first), "%s", vk.data);
	snprintf(wdir, sizeof(wdir), "%s/witness", x->f->dir);
	assert_int_equal(keydir_witness_create(wdir, "monitor.example/w1", &err), REDRESS_OK);
	assert_int_equal(witness_open(wdir, keys, 1, &w, &err), REDRESS_OK);
	/* Before the rotation: cosigned with the first key. */
	assert_int_equal(post(w, x->f->log, 0, 4, &answer, &why), 200);
	/* The new key's checkpoint without its handover: refused. */
	assert_int_equal(post(w, x->f->log, 4, 7, &answer, &why), 403);
	assert_non_null(strstr(why.message, "not signed by the log's key in force"));
	/* The handover: followed and cosigned; then the new key's checkpoint is. */
	assert_int_equal(post(w, x->f->log, 4, x->handover, &answer, &why), 200);
	assert_int_equal(post(w, x->f->log, x->handover, 7, &answer, &why), 200);
	/* After a restart the witness still knows the new key. */
	witness_close(&w);
	assert_int_equal(witness_open(wdir, keys, 1, &w, &err), REDRESS_OK);
	logfix_append(x->f->log, 1, "more");
	assert_int_equal(post(w, x->f->log, 7, 8, &answer, &why), 200);
	witness_close(&w);
	buf_free(&vk);
	buf_free(&answer);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_the_chain_is_followed_from_the_first_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forged_handovers_are_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_the_log_reopens_only_with_its_current_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_rotation_refused_changes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_a_witness_follows_the_handover, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
