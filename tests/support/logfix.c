/*
 * logfix.c -- the shared fixture of the domain modules' cmocka tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "logfix.h"

#include "crypto/hash.h"
#include "log/audit.h"

struct logfix *
logfix_new(const struct event_module *const *modules, const char *origin)
{
	struct logfix *f = calloc(1, sizeof(*f));
	struct redress_error err;

	assert_non_null(f);
	assert_int_equal(crypto_setup(&err), REDRESS_OK);
	snprintf(f->dir, sizeof(f->dir), "/tmp/redress-test-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	snprintf(f->keys, sizeof(f->keys), "%s/t.keys", f->dir);
	assert_int_equal(keydir_create(f->keys, &err), REDRESS_OK);
	assert_int_equal(keydir_open(f->keys, &f->kd, &err), REDRESS_OK);
	assert_int_equal(store_open(f->db, STORE_OPEN_CREATE, &f->store, &err), REDRESS_OK);
	assert_int_equal(tlog_create(f->store, keydir_log_key(f->kd), origin, "os:tester", modules, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_open(f->store, keydir_log_key(f->kd), modules, &f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_set_actor(f->log, "os:tester", &err), REDRESS_OK);
	return f;
}

void
logfix_free(struct logfix *f)
{
	char cmd[256];

	tlog_close(&f->log);
	store_close(&f->store);
	keydir_close(&f->kd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
}

uint64_t
logfix_size(struct logfix *f)
{
	struct redress_error err;
	uint64_t size;

	assert_int_equal(tlog_size(f->log, &size, &err), REDRESS_OK);
	return size;
}

/* Runs the audit into a fresh report, which the caller frees. */
static struct audit_report *
audit(struct logfix *f)
{
	struct audit_report *r = calloc(1, sizeof(*r));
	struct redress_error err;

	assert_non_null(r);
	assert_int_equal(audit_verify(f->log, sign_key_public(keydir_log_key(f->kd)), r, &err), REDRESS_OK);
	return r;
}

void
logfix_audit_clean(struct logfix *f)
{
	struct audit_report *r = audit(f);
	unsigned i;

	for (i = 0; i < r->nfindings; i++)
		fprintf(stderr, "finding: %s\n", r->findings[i]);
	assert_int_equal(r->nfindings, 0);
	assert_int_equal(r->events, logfix_size(f));
	assert_int_equal(r->replayed, 0);
	free(r);
}

void
logfix_audit_finds(struct logfix *f, const char *needle)
{
	struct audit_report *r = audit(f);
	unsigned i;
	int found = 0;

	for (i = 0; i < r->nfindings; i++)
		if (strstr(r->findings[i], needle) != NULL)
			found = 1;
	if (!found)
		for (i = 0; i < r->nfindings; i++)
			fprintf(stderr, "finding: %s\n", r->findings[i]);
	free(r);
	if (!found)
		fail_msg("no finding contains '%s'", needle);
}

void
logfix_tamper(struct logfix *f, const char *sql)
{
	struct redress_error err;

	assert_int_equal(store_exec(f->store, sql, &err), REDRESS_OK);
}
