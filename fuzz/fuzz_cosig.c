/*
 * fuzz_cosig.c -- libFuzzer target for what a witness reads from the
 * network (log/cosig.c): the tlog-witness add-checkpoint request body
 * (cosig_request_parse) and the cosignature lines of the checkpoint in it
 * (cosig_count, over note_signatures).
 *
 * Whatever the input, neither may crash, leak or read out of bounds; a
 * body that parses must lie within the input, hold at most 63 proof lines,
 * and parse again to the same request once formatted (the format is a
 * function of the parts); every refusal says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "log/cosig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cosig_request r1, r2;
	static const char witness[] =
	    "monitor.example/w1+5c0de1e9+BOQ3OOnpnaP1zJIiEXuUcKNfEzBvYaKkf7zsxyz0u5wl";
	struct note_verifier w;
	struct redress_error err;
	const char *body = (const char *)data;
	struct buf again;
	size_t good = 0;

	if (cosig_request_parse(body, size, &r1, &err) != REDRESS_OK) {
		if (err.message[0] == '\0')
			abort();
		return 0;
	}
	if (r1.proof_count > COSIG_PROOF_MAX || r1.note < body || r1.note + r1.note_len != body + size ||
	    r1.note_len == 0)
		abort();
	buf_init(&again, COSIG_REQUEST_MAX * 2);
	cosig_request_format(&again, r1.old_size, (const uint8_t(*)[MERKLE_HASH_SIZE])r1.proof,
	                     r1.proof_count, r1.note, r1.note_len);
	if (buf_error(&again, NULL) == REDRESS_OK && again.len <= COSIG_REQUEST_MAX) {
		if (cosig_request_parse(again.data, again.len, &r2, &err) != REDRESS_OK ||
		    r2.old_size != r1.old_size || r2.proof_count != r1.proof_count ||
		    memcmp(r2.proof, r1.proof, r1.proof_count * MERKLE_HASH_SIZE) != 0 ||
		    r2.note_len != r1.note_len || memcmp(r2.note, r1.note, r1.note_len) != 0)
			abort();
	}
	buf_free(&again);
	/* The key may not parse (its hash is made up): then the walk alone is fuzzed, with no witness. */
	if (note_vkey_parse_type(witness, NOTE_ALG_COSIGNATURE, &w, &err) == REDRESS_OK)
		(void)cosig_count(r1.note, r1.note_len, &w, 1, NULL, &good, &err);
	else
		(void)cosig_count(r1.note, r1.note_len, NULL, 0, NULL, &good, &err);
	if (good > 1)
		abort();
	return 0;
}
