/*
 * fuzz_archive.c -- libFuzzer target for `redress fund verify` and the
 * check `fund import` runs first (fund_archive_verify): a closed fund's
 * archive is a file handed from one organisation to another.
 *
 * An input is a verifier key (its first line) and an archive (the rest).
 * Whatever the input, fund_archive_verify must return without a crash,
 * leak or undefined behaviour; an accepted archive must be accepted again
 * with the same answer, name its successor and origin, and its body's
 * digest be 64 hex digits; every refusal says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "domain/fund/fund.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fund_archive_verified v1, v2;
	struct redress_error err;
	char *key, *text;
	size_t text_len;

	if (!support_split_key_line(data, size, &key, &text, &text_len))
		return 0;
	error_clear(&err);
	if (fund_archive_verify(text, text_len, key, NULL, &v1, &err) == REDRESS_OK) {
		if (fund_archive_verify(text, text_len, key, NULL, &v2, &err) != REDRESS_OK ||
		    memcmp(&v1, &v2, sizeof(v1)) != 0 || v1.successor[0] == '\0' || v1.origin[0] == '\0' ||
		    strlen(v1.archive) != 64 || v1.seq >= v1.size)
			abort();
	} else if (err.message[0] == '\0') {
		abort();
	}
	free(key);
	free(text);
	return 0;
}
