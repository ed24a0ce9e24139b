/*
 * fuzz_program.c -- libFuzzer target for program files
 * (domain/programs: program_parse), which come from outside.
 *
 * Besides crashes and undefined behaviour, the target aborts when an
 * answer contradicts another:
 *   - a refusal is REDRESS_E_INVALID or REDRESS_E_OVERFLOW, with a message;
 *   - a program that parses passes the checks the event reader makes
 *     (so it can always be recorded and replayed), and written back as a
 *     program file (program_json: the rules of the second format too) it
 *     parses again to the very same program.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "domain/programs/programs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_round_trip(const struct program *p)
{
	const struct currency *cur = currency_find(p->currency, NULL);
	struct redress_error err;
	struct program *q;
	json_t *obj;
	char *text;

	if (cur == NULL || p->approvals < PROGRAM_APPROVALS_MIN || p->approvals > PROGRAM_APPROVALS_MAX ||
	    p->survivor_amount < 0 || p->bereaved_amount < 0 || strlen(p->cutoff) != 10)
		abort();
	/*
	 * The readers' JSON is the file's shape plus members of their own (the
	 * minor units, the event, the version and the day it is in force
	 * from); the rules as the file gives them.
	 */
	if ((obj = program_json(p)) == NULL)
		abort();
	json_object_del(obj, "benefits_minor");
	json_object_del(obj, "event");
	json_object_del(obj, "version");
	json_object_del(obj, "from");
	if (p->rules.nharms > 0)
		json_object_del(obj, "benefits");
	if ((text = json_dumps(obj, JSON_COMPACT)) == NULL || (q = malloc(sizeof(*q))) == NULL)
		abort();
	json_decref(obj);
	if (program_parse(text, strlen(text), q, &err) != REDRESS_OK || memcmp(p, q, sizeof(*q)) != 0) {
		fprintf(stderr, "a parsed program does not parse back the same: %s\n", text);
		abort();
	}
	free(q);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct redress_error err;
	struct program p;
	enum redress_err rc;

	memset(&p, 0, sizeof(p));
	error_clear(&err);
	rc = program_parse((const char *)data, size, &p, &err);
	if (rc != REDRESS_OK) {
		if ((rc != REDRESS_E_INVALID && rc != REDRESS_E_OVERFLOW) || err.code != rc ||
		    err.message[0] == '\0')
			abort();
		return 0;
	}
	check_round_trip(&p);
	return 0;
}
