/*
 * fuzz_receipt.c -- libFuzzer target for `redress receipt verify`
 * (receipt_verify): a receipt is a file a survivor carries around and
 * anyone may hand to the checker.
 *
 * An input is a verifier key (its first line) and a receipt, a page or its
 * JSON (the rest).  Whatever the input, receipt_verify must return without
 * a crash, leak or undefined behaviour; an accepted receipt must be
 * accepted again with the same answer, name a pseudonym, and its digest be
 * 64 hex digits; every refusal says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "domain/receipts/receipts.h"
#include "support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct receipt_verified v1, v2;
	struct redress_error err;
	char *key, *text;
	size_t text_len;

	if (!support_split_key_line(data, size, &key, &text, &text_len))
		return 0;
	if (receipt_verify(text, text_len, key, NULL, &v1, &err) == REDRESS_OK) {
		if (receipt_verify(text, text_len, key, NULL, &v2, &err) != REDRESS_OK ||
		    memcmp(&v1, &v2, sizeof(v1)) != 0 || v1.pseudonym[0] == '\0' || strlen(v1.digest) != 64)
			abort();
	} else if (err.message[0] == '\0') {
		abort();
	}
	free(key);
	free(text);
	return 0;
}
