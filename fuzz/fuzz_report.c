/*
 * fuzz_report.c -- libFuzzer target for `redress report verify`'s parser
 * and checks (report_verify).
 *
 * An input is a verifier key (its first line) and a published JSON report
 * (the rest), so that the seed corpus holds reports that verify under
 * their own key and the fuzzer can alter the key, the proof, the
 * checkpoints and the figures alike.  Whatever the input, report_verify
 * must return without a crash, leak or undefined behaviour; an accepted
 * report must be accepted again with the same answer (verification is a
 * function of the bytes), must name a program, and must have been
 * computed at the very position of its event.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "domain/reports/reports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_verified v1, v2;
	struct redress_error err;
	const uint8_t *nl = memchr(data, '\n', size);
	char *key;
	size_t key_len;

	if (nl == NULL)
		return 0;
	key_len = (size_t)(nl - data);
	if ((key = malloc(key_len + 1)) == NULL)
		return 0;
	memcpy(key, data, key_len);
	key[key_len] = '\0';
	if (report_verify((const char *)nl + 1, size - key_len - 1, key, &v1, &err) == REDRESS_OK) {
		if (report_verify((const char *)nl + 1, size - key_len - 1, key, &v2, &err) != REDRESS_OK ||
		    memcmp(&v1, &v2, sizeof(v1)) != 0 || v1.program[0] == '\0' || v1.computed_at != v1.seq ||
		    v1.seq >= v1.proof_size)
			abort();
	} else if (err.message[0] == '\0') {
		abort(); /* every refusal says why */
	}
	free(key);
	return 0;
}
