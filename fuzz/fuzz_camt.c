/*
 * fuzz_camt.c -- libFuzzer target for the bank files `redress pay import`
 * reads (domain/payments/payments_xml.c: camt.054.001.08, camt.053.001.08
 * and pain.002.001.10), without a database.
 *
 * Besides crashes, leaks and undefined behaviour, the target aborts when
 * the reader breaks a promise of payments_int.h:
 *   - a file it accepts has a kind, a message id, and entries each with a
 *     printable end-to-end id of at most 35 characters (or, a whole batch
 *     rejected, its printable batch id; or, an entry not ours, neither),
 *     no id twice saying the same thing, a positive line, a booking date
 *     of the form YYYY-MM-DD for a settlement or return, a reason for a
 *     return or rejection (a code of 1 to 4 of A-Z, 0-9, or the bank's
 *     text: valid UTF-8 of at most 35 characters), and an amount (where
 *     given) of digits and at most one point with a known currency;
 *   - a refusal is a documented code whose message begins with the file's
 *     name (entries read before it are freed, never used);
 *   - no input with a document type declaration is ever accepted;
 *   - the same bytes give the same answer twice.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "core/text.h"
#include "domain/payments/payments_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	xmlInitParser();
	return 0;
}

static int
printable(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return 1;
}

static void
check_entry(const struct payments_bank_file *f, size_t k)
{
	const struct payments_bank_entry *e = &f->entries[k];
	size_t i;
	int dot = 0;

	if (e->line <= 0)
		abort();
	/* Not ours: no id of ours, nothing to book; only its amount is checked below. */
	if (e->what == PAYMENTS_BANK_FOREIGN) {
		if (e->batch[0] != '\0' || (e->e2e[0] != '\0' && !printable(e->e2e, PAYMENTS_ORDER_ID_MAX)))
			abort();
	} else {
		/* An order named, or (pain.002) a whole batch rejected. */
		if ((e->e2e[0] != '\0') == (e->batch[0] != '\0'))
			abort();
		if (e->e2e[0] != '\0'
		        ? !printable(e->e2e, PAYMENTS_ORDER_ID_MAX)
		        : !printable(e->batch, PAYMENTS_BATCH_ID_MAX) || e->what != PAYMENTS_BANK_REJECT)
			abort();
		for (i = 0; i < k; i++)
			if (f->entries[i].what == e->what && strcmp(f->entries[i].e2e, e->e2e) == 0 &&
			    strcmp(f->entries[i].batch, e->batch) == 0)
				abort();
	}
	if (e->what == PAYMENTS_BANK_SETTLE || e->what == PAYMENTS_BANK_RETURN) {
		if (strlen(e->date) != 10 || e->date[4] != '-' || e->date[7] != '-')
			abort();
	}
	if (e->what == PAYMENTS_BANK_RETURN || e->what == PAYMENTS_BANK_REJECT) {
		struct redress_error err;

		if (text_check_chars("reason", e->reason, PAYMENTS_REASON_MAX, &err) != REDRESS_OK)
			abort();
	}
	if (e->what == PAYMENTS_BANK_SETTLE && !e->has_amount)
		abort();
	if (e->has_amount) {
		if (e->amount[0] == '\0' || currency_find(e->currency, NULL) == NULL)
			abort();
		for (i = 0; e->amount[i] != '\0'; i++)
			if (e->amount[i] == '.' ? dot++ > 0 : (e->amount[i] < '0' || e->amount[i] > '9'))
				abort();
	}
}

static enum redress_err
run(const uint8_t *data, size_t size, struct payments_bank_file *f, struct redress_error *err)
{
	enum redress_err rc = payments_bank_file_read((const char *)data, size, "fuzz.xml", f, err);
	size_t k;

	if (rc == REDRESS_OK) {
		if (f->kind[0] == '\0' || f->msg_id[0] == '\0')
			abort();
		if (memmem(data, size, "<!DOCTYPE", 9) != NULL || memmem(data, size, "<!ENTITY", 8) != NULL)
			abort();
		for (k = 0; k < f->n; k++)
			check_entry(f, k);
	} else {
		if (rc != REDRESS_E_INVALID && rc != REDRESS_E_NOMEM)
			abort();
		if (strncmp(err->message, "fuzz.xml", 8) != 0 &&
		    strstr(err->message, "out of memory") == NULL)
			abort();
	}
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct payments_bank_file a, b;
	struct redress_error ea, eb;
	enum redress_err ra, rb;
	size_t k;

	ra = run(data, size, &a, &ea);
	rb = run(data, size, &b, &eb);
	if (ra != rb || a.n != b.n || (ra != REDRESS_OK && strcmp(ea.message, eb.message) != 0))
		abort();
	for (k = 0; ra == REDRESS_OK && k < a.n; k++)
		if (memcmp(&a.entries[k], &b.entries[k], sizeof(a.entries[k])) != 0)
			abort();
	payments_bank_file_free(&a);
	payments_bank_file_free(&b);
	return 0;
}
