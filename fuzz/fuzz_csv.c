/*
 * fuzz_csv.c -- libFuzzer target for the person files `redress person
 * import` reads (domain/registry/registry_csv.c), without a database.
 *
 * Besides crashes, leaks and undefined behaviour, the target aborts when
 * the parser breaks a promise of registry.h:
 *   - every row it hands over passes the checks `person add` makes (a
 *     name, a real birth date not in the future, a known kind, language
 *     and frailty), from line 2 on, lines and offsets only growing;
 *   - no two rows handed over share a national id as normalised;
 *   - a refusal is a documented code with "fuzz.csv: line N" in front, and
 *     the rows before it were all handed over in order;
 *   - the same bytes give the same answer twice.
 * The first byte, when the input has more than one, picks a row at which
 * the consumer refuses, to exercise that path too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/registry/registry_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ROWS 64 /* national ids remembered, to check they differ */

struct seen {
	size_t rows, last_line, last_offset, size;
	int refuse_at; /* -1: never */
	char ids[FUZZ_ROWS][REGISTRY_FIELD_MAX + 1];
};

static enum redress_err
row(void *ctx, size_t line, size_t offset, const struct registry_new_person *p, struct redress_error *err)
{
	struct seen *s = ctx;
	char norm[REGISTRY_FIELD_MAX + 1];
	const char *field;
	size_t i;

	if (line < 2 || line <= s->last_line || offset < s->last_offset || offset > s->size)
		abort();
	if (registry_new_person_check(p, &field, err) != REDRESS_OK || p->language[0] == '\0')
		abort();
	if (p->identity.national_id[0] != '\0') {
		if (registry_id_normalise(p->identity.national_id, norm, err) != REDRESS_OK)
			abort();
		for (i = 0; i < s->rows && i < FUZZ_ROWS; i++)
			if (strcmp(s->ids[i], norm) == 0)
				abort();
	} else {
		norm[0] = '\0';
	}
	if (s->rows < FUZZ_ROWS)
		memcpy(s->ids[s->rows], norm, strlen(norm) + 1);
	s->last_line = line;
	s->last_offset = offset;
	if ((int)s->rows++ == s->refuse_at)
		return error_set(err, REDRESS_E_CONFLICT, "refused");
	return REDRESS_OK;
}

static enum redress_err
run(const char *text, size_t size, int refuse_at, struct seen *s, struct redress_error *err)
{
	memset(s, 0, sizeof(*s));
	s->size = size;
	s->refuse_at = refuse_at;
	return registry_csv_parse(text, size, "fuzz.csv", row, s, err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct seen a, b;
	struct redress_error e1, e2;
	enum redress_err r1, r2;
	int refuse_at = -1;
	char *text;

	if (size > 1 && data[0] < 8) {
		refuse_at = data[0];
		data++, size--;
	}
	/* A copy of exactly size bytes, so that reading past the end is caught. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	r1 = run(text, size, refuse_at, &a, &e1);
	r2 = run(text, size, refuse_at, &b, &e2);
	if (r1 != r2 || a.rows != b.rows || (r1 != REDRESS_OK && strcmp(e1.message, e2.message) != 0))
		abort();
	if (r1 != REDRESS_OK) {
		if ((r1 != REDRESS_E_INVALID && r1 != REDRESS_E_CONFLICT && r1 != REDRESS_E_NOMEM) ||
		    e1.code != r1 || strncmp(e1.message, "fuzz.csv: ", 10) != 0)
			abort();
		if (r1 != REDRESS_E_NOMEM && strncmp(e1.message, "fuzz.csv: line ", 15) != 0)
			abort();
	} else if (refuse_at >= 0 && (size_t)refuse_at < a.rows) {
		abort(); /* the refusal was lost */
	}
	free(text);
	return 0;
}
