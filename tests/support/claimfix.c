/*
 * claimfix.c -- see claimfix.h.
 */
#include "claimfix.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/claims/claims.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "log/audit.h"

static const struct event_module *const modules[] = {&ledger_module,   &users_module,  &registry_module,
                                                     &programs_module, &claims_module, NULL};

int
claimfix_setup(void **state)
{
	return claimfix_setup_with(state, modules, "test.example/fund");
}

int
claimfix_setup_with(void **state, const struct event_module *const *with, const char *origin)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->lf = logfix_new(with, origin);
	f->store = f->lf->store;
	f->log = f->lf->log;
	f->rkeys.master = keydir_master_key(f->lf->kd);
	f->rkeys.index = keydir_index_key(f->lf->kd);
	claimfix_boot(f);
	*state = f;
	return 0;
}

int
claimfix_teardown(void **state)
{
	struct fixture *f = *state;

	logfix_free(f->lf);
	free(f);
	return 0;
}

void
claimfix_act(struct fixture *f, struct actor *actor, const char *name, enum role role)
{
	char log_actor[USER_NAME_MAX + 8], copy[USER_NAME_MAX + 1];
	struct redress_error err;

	/* name may be actor->name itself. */
	snprintf(copy, sizeof(copy), "%s", name);
	logfix_account(f->lf, copy, role);
	memset(actor, 0, sizeof(*actor));
	memcpy(actor->name, copy, sizeof(copy));
	actor->role = role;
	snprintf(log_actor, sizeof(log_actor), "user:%s", copy);
	assert_int_equal(tlog_set_actor(f->log, log_actor, &err), REDRESS_OK);
}

void
claimfix_boot(struct fixture *f)
{
	struct redress_error err;

	users_bootstrap_actor("os:tester", &f->boot);
	assert_int_equal(tlog_set_actor(f->log, "os:tester", &err), REDRESS_OK);
}

void
claimfix_audit_finds(struct fixture *f, const char *needle)
{
	struct audit_report *r = calloc(1, sizeof(*r));
	struct redress_error err;
	unsigned i;

	logfix_audit_finds(f->lf, needle);
	assert_non_null(r);
	assert_int_equal(audit_verify(f->log, sign_key_public(keydir_log_key(f->lf->kd)), r, &err),
	                 REDRESS_OK);
	for (i = 0; i < r->nfindings; i++)
		if (strstr(r->findings[i], "cannot be replayed") != NULL)
			fail_msg("%s", r->findings[i]);
	free(r);
}

static int
file_contains(const char *path, const void *needle, size_t len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL, *grown;
	size_t size = 0, cap = 0, n;
	int found;

	if (fp == NULL)
		return 0;
	for (;;) {
		if (size + 65536 > cap) {
			cap = (cap + 65536) * 2;
			grown = realloc(data, cap);
			assert_non_null(grown);
			data = grown;
		}
		if ((n = fread(data + size, 1, cap - size, fp)) == 0)
			break;
		size += n;
	}
	fclose(fp);
	found = data != NULL && memmem(data, size, needle, len) != NULL;
	free(data);
	return found;
}

int
claimfix_db_contains(struct fixture *f, const void *needle, size_t len)
{
	static const char *const suffixes[] = {"", "-wal", "-journal", "-shm"};
	char path[160];
	size_t i;

	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", f->lf->db, suffixes[i]);
		if (file_contains(path, needle, len))
			return 1;
	}
	return 0;
}

int
claimfix_events_contain(struct fixture *f, const char *needle)
{
	struct redress_error err;
	struct buf bytes;
	uint64_t seq, size = logfix_size(f->lf);
	int found = 0;

	buf_init(&bytes, TLOG_EVENT_MAX);
	for (seq = 0; seq < size && !found; seq++) {
		buf_reset(&bytes);
		assert_int_equal(tlog_event_bytes(f->log, seq, &bytes, &err), REDRESS_OK);
		found = memmem(bytes.data, bytes.len, needle, strlen(needle)) != NULL;
	}
	buf_free(&bytes);
	return found;
}
