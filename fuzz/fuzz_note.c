/*
 * fuzz_note.c -- libFuzzer target for the signed-note and checkpoint
 * parsers.
 *
 * Each input is read as a signed note (against the PeterNeumann key of Go's
 * note tests, so that the seed corpus holds notes that verify), as verifier
 * key text, and as a checkpoint body.  It is also signed as note text with a
 * fixed key and the result verified: whatever note_sign() accepts,
 * note_verify() must accept and give back unchanged, else the two disagree
 * on what a well-formed note is and the target aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/hash.h"
#include "crypto/sign.h"
#include "log/checkpoint.h"
#include "log/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* golang.org/x/mod/sumdb/note, note_test.go. */
static const char fuzz_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

static struct note_verifier fuzz_verifier;
static struct note_verifier fuzz_signer_verifier;
static struct sign_key *fuzz_signer;

/* Sets up the keys once; any failure here is a bug in the target. */
static void
fuzz_setup(void)
{
	static int done;
	static const uint8_t seed[SIGN_SEED_SIZE] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
	                                             12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,
	                                             23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
	struct redress_error err;
	struct buf b;

	if (done)
		return;
	if (crypto_setup(&err) != REDRESS_OK ||
	    note_vkey_parse(fuzz_vkey, &fuzz_verifier, &err) != REDRESS_OK ||
	    sign_key_from_seed(seed, &fuzz_signer, &err) != REDRESS_OK)
		abort();
	buf_init(&b, 1024);
	note_vkey_format(&b, "fuzz.example/log", sign_key_public(fuzz_signer));
	if (buf_error(&b, &err) != REDRESS_OK ||
	    note_vkey_parse(b.data, &fuzz_signer_verifier, &err) != REDRESS_OK)
		abort();
	buf_free(&b);
	done = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *msg = (const char *)data;
	struct redress_error err;
	struct note_verifier v;
	struct checkpoint cp;
	struct buf b;
	size_t text_len = 0;
	char *copy;

	fuzz_setup();

	/* As a signed note; if it verifies, its text as a checkpoint. */
	if (note_verify(msg, size, &fuzz_verifier, &text_len, &err) == REDRESS_OK) {
		if (text_len > size)
			abort();
		(void)checkpoint_parse(msg, text_len, &cp, &err);
	}

	/* As verifier key text, which is NUL-terminated. */
	copy = malloc(size + 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	(void)note_vkey_parse(copy, &v, &err);
	free(copy);

	/* As a checkpoint body. */
	(void)checkpoint_parse(msg, size, &cp, &err);

	/* As note text: what is signed must verify and give the text back. */
	buf_init(&b, 2 * NOTE_MAX_SIZE);
	if (note_sign(&b, msg, size, "fuzz.example/log", fuzz_signer, &err) == REDRESS_OK) {
		if (note_verify(b.data, b.len, &fuzz_signer_verifier, &text_len, &err) != REDRESS_OK ||
		    text_len != size || memcmp(b.data, data, size) != 0)
			abort();
	}
	buf_free(&b);
	return 0;
}
