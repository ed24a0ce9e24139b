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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct receipt_verified v1, v2;
	struct redress_error err;
	const uint8_t *nl = memchr(data, '\n', size);
	char *key, *text;
	size_t key_len, text_len;

	if (nl == NULL)
		return 0;
	key_len = (size_t)(nl - data);
	text_len = size - key_len - 1;
	if ((key = malloc(key_len + 1)) == NULL || (text = malloc(text_len + 1)) == NULL) {
		free(key);
		return 0;
	}
	memcpy(key, data, key_len);
	key[key_len] = '\0';
	/* Files are read NUL-terminated (cli_read_file), and so is this. */
	memcpy(text, nl + 1, text_len);
	text[text_len] = '\0';
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
