/*
 * test_offices.c -- the rule of who sees whom (domain/offices), in process:
 * an office covers regions, a caseworker or reviewer in an office sees the
 * people of its regions and of none, and not another office's (with the
 * words of a pseudonym never registered); admins, finance, monitors, an
 * account in no office and the bootstrap see across; a transfer overrides
 * her region; a task of another office's person is not found; the
 * registry's list filters by office in SQL; bad input and refused roles
 * change nothing; audit is clean, and names a table edited behind the
 * log's back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/offices/offices.h"
#include "domain/programs/programs.h"
#include "logfix.h"

static const struct event_module *const modules[] = {&ledger_module,   &users_module,   &registry_module,
                                                     &programs_module, &claims_module,  &entitlements_module,
                                                     &casework_module, &offices_module, NULL};

#define CANARY_REASON "CANARY-TRANSFER-5e7a"

static const struct actor ada = {"ada", ROLE_ADMIN, 0};
static const struct actor nina = {"nina", ROLE_CASEWORKER, 0}; /* north */
static const struct actor sam = {"sam", ROLE_CASEWORKER, 0};   /* south */
static const struct actor rev = {"rev", ROLE_REVIEWER, 0};     /* south */
static const struct actor cross = {"cross", ROLE_CASEWORKER, 0};
static const struct actor fin = {"fin", ROLE_FINANCE, 0};
static const struct actor mona = {"mona", ROLE_MONITOR, 0};

struct fixture {
	struct logfix *lf;
	struct registry_keys keys;
	char north[REGISTRY_PSEUDONYM_MAX + 1], south[REGISTRY_PSEUDONYM_MAX + 1],
	    none[REGISTRY_PSEUDONYM_MAX + 1];
};

static void
add_person(struct fixture *f, const char *region, char *pseudonym)
{
	struct registry_new_person np;
	struct redress_error err;

	memset(&np, 0, sizeof(np));
	np.kind = REGISTRY_VICTIM;
	snprintf(np.identity.name, sizeof(np.identity.name), "Person %s", region);
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1931-02-03");
	snprintf(np.region, sizeof(np.region), "%s", region);
	memcpy(np.language, "ko", 3);
	logfix_account(f->lf, cross.name, cross.role);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (registry_add(f->lf->log, &cross, &f->keys, &np, pseudonym, &err) != REDRESS_OK)
		fail_msg("add: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
}

/* Runs one change as actor a; returns its result (rolled back when not REDRESS_OK). */
static enum redress_err
change(struct fixture *f, const struct actor *a,
       enum redress_err (*fn)(struct fixture *, const struct actor *, const void *, struct redress_error *),
       const void *arg, struct redress_error *err)
{
	struct redress_error e;
	enum redress_err rc;

	logfix_account(f->lf, a->name, a->role);
	assert_int_equal(tlog_begin(f->lf->log, &e), REDRESS_OK);
	if ((rc = fn(f, a, arg, err)) != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, &e), REDRESS_OK);
	return REDRESS_OK;
}

struct office_arg {
	const char *code, *name, *regions;
};

static enum redress_err
do_office(struct fixture *f, const struct actor *a, const void *arg, struct redress_error *err)
{
	const struct office_arg *o = arg;

	return offices_add(f->lf->log, a, o->code, o->name, o->regions, err);
}

struct staff_arg {
	const char *account, *office;
};

static enum redress_err
do_staff(struct fixture *f, const struct actor *a, const void *arg, struct redress_error *err)
{
	const struct staff_arg *s = arg;

	return offices_staff_set(f->lf->log, a, s->account, s->office, err);
}

struct transfer_arg {
	const char *pseudonym, *office, *reason;
};

static enum redress_err
do_transfer(struct fixture *f, const struct actor *a, const void *arg, struct redress_error *err)
{
	const struct transfer_arg *t = arg;

	return offices_transfer(f->lf->log, a, &f->keys, t->pseudonym, t->office, t->reason, err);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const struct actor *const all[] = {&ada, &nina, &sam, &rev, &cross, &fin, &mona};
	struct redress_error err;
	size_t i;

	assert_non_null(f);
	f->lf = logfix_new(modules, "test.example/offices");
	f->keys.master = keydir_master_key(f->lf->kd);
	f->keys.index = keydir_index_key(f->lf->kd);
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		logfix_account(f->lf, all[i]->name, all[i]->role);
	add_person(f, "SEOUL", f->north);
	add_person(f, "BUSAN", f->south);
	add_person(f, "JEJU", f->none);
	assert_int_equal(
	    change(f, &ada, do_office, &(struct office_arg){"north", "North office", "SEOUL,INCHEON"}, &err),
	    REDRESS_OK);
	assert_int_equal(
	    change(f, &ada, do_office, &(struct office_arg){"south", "South office", "BUSAN"}, &err),
	    REDRESS_OK);
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"nina", "north"}, &err), REDRESS_OK);
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"sam", "south"}, &err), REDRESS_OK);
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"rev", "south"}, &err), REDRESS_OK);
	/* An admin, finance or a monitor put in an office still sees across: the role decides. */
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"fin", "south"}, &err), REDRESS_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	logfix_free(f->lf);
	free(f);
	return 0;
}

/* 1 when a sees pseudonym by offices_require, checking that the two answers agree. */
static int
sees(struct fixture *f, const struct actor *a, const char *pseudonym)
{
	struct offices_scope scope;
	struct redress_error err;
	enum redress_err rc;
	int s;

	assert_int_equal(offices_scope_get(f->lf->store, a, &scope, &err), REDRESS_OK);
	s = offices_scope_sees(f->lf->store, &scope, pseudonym, &err);
	assert_true(s == 0 || s == 1);
	rc = offices_require(f->lf->store, a, pseudonym, &err);
	assert_int_equal(rc, s ? REDRESS_OK : REDRESS_E_NOTFOUND);
	if (!s) {
		/* The words of a pseudonym never registered. */
		char want[128];

		snprintf(want, sizeof(want), "no person '%s' (see 'redress person list')", pseudonym);
		assert_string_equal(err.message, want);
	}
	return s;
}

static void
test_rule(void **state)
{
	struct fixture *f = *state;
	struct actor boot;

	assert_true(sees(f, &nina, f->north));
	assert_false(sees(f, &nina, f->south));
	assert_true(sees(f, &nina, f->none));
	assert_true(sees(f, &sam, f->south));
	assert_false(sees(f, &sam, f->north));
	assert_false(sees(f, &rev, f->north));
	assert_true(sees(f, &rev, f->south));
	assert_true(sees(f, &cross, f->north));
	assert_true(sees(f, &cross, f->south));
	assert_true(sees(f, &ada, f->south));
	assert_true(sees(f, &fin, f->north));
	assert_true(sees(f, &mona, f->north));
	users_bootstrap_actor("os:root", &boot);
	assert_true(sees(f, &boot, f->north));
	/* No such person: no office, so the caller's own lookup says so. */
	assert_true(sees(f, &sam, "V-999999"));
	logfix_audit_clean(f->lf);
}

static enum redress_err
count_person(void *ctx, const struct registry_person *p, struct redress_error *err)
{
	(void)p;
	(void)err;
	(*(size_t *)ctx)++;
	return REDRESS_OK;
}

static void
test_list_and_transfer(void **state)
{
	struct fixture *f = *state;
	struct registry_filter all = {-1, -1, 0, 0, REGISTRY_ORDER_FRAILTY, NULL};
	char office[OFFICES_CODE_MAX + 1];
	struct redress_error err;
	uint64_t total = 0, before;
	size_t n = 0;

	all.office = "north";
	assert_int_equal(registry_list(f->lf->store, &all, 0, 50, count_person, &n, &total, &err),
	                 REDRESS_OK);
	assert_int_equal(n, 2); /* hers and the one of no office */
	assert_int_equal(total, 2);
	all.office = NULL;
	n = 0;
	assert_int_equal(registry_list(f->lf->store, &all, 0, 50, count_person, &n, &total, &err),
	                 REDRESS_OK);
	assert_int_equal(n, 3);

	before = logfix_size(f->lf);
	/* Refused: another office's person (as not found), no reason, no such office, her own office, a role.
	 */
	assert_int_equal(
	    change(f, &sam, do_transfer, &(struct transfer_arg){f->north, "south", "moved"}, &err),
	    REDRESS_E_NOTFOUND);
	assert_int_equal(change(f, &nina, do_transfer, &(struct transfer_arg){f->north, "south", ""}, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(
	    change(f, &nina, do_transfer, &(struct transfer_arg){f->north, "west", "moved"}, &err),
	    REDRESS_E_NOTFOUND);
	assert_int_equal(
	    change(f, &nina, do_transfer, &(struct transfer_arg){f->north, "north", "moved"}, &err),
	    REDRESS_E_CONFLICT);
	assert_int_equal(
	    change(f, &ada, do_transfer, &(struct transfer_arg){f->north, "south", "moved"}, &err),
	    REDRESS_E_REFUSED);
	assert_int_equal(logfix_size(f->lf), before);

	assert_int_equal(
	    change(f, &nina, do_transfer, &(struct transfer_arg){f->north, "south", CANARY_REASON}, &err),
	    REDRESS_OK);
	assert_int_equal(offices_person_office(f->lf->store, f->north, office, &err), REDRESS_OK);
	assert_string_equal(office, "south");
	assert_false(sees(f, &nina, f->north));
	assert_true(sees(f, &sam, f->north));
	all.office = "south";
	n = 0;
	assert_int_equal(registry_list(f->lf->store, &all, 0, 50, count_person, &n, &total, &err),
	                 REDRESS_OK);
	assert_int_equal(n, 3);
	logfix_assert_nowhere(f->lf, (const char *const[]){CANARY_REASON, NULL});
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE offices_persons SET office = 'north'");
	logfix_audit_finds(f->lf, "offices_persons");
}

static enum redress_err
do_task(struct fixture *f, const struct actor *a, const void *arg, struct redress_error *err)
{
	uint64_t task;

	return casework_task_add(f->lf->log, a, &f->keys, arg, "2099-01-01", "call her", NULL, &task, err);
}

static void
test_refs_and_refusals(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	char ref[24];
	uint64_t before;

	assert_int_equal(change(f, &nina, do_task, f->north, &err), REDRESS_OK);
	snprintf(ref, sizeof(ref), "%llu", (unsigned long long)logfix_size(f->lf) - 1);
	assert_int_equal(offices_require_ref(f->lf->store, &nina, OFFICES_REF_TASK, ref, &err), REDRESS_OK);
	assert_int_equal(offices_require_ref(f->lf->store, &sam, OFFICES_REF_TASK, ref, &err),
	                 REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "no task"));
	/* Not a number, or nothing there: the caller answers as before. */
	assert_int_equal(offices_require_ref(f->lf->store, &sam, OFFICES_REF_TASK, "x1", &err), REDRESS_OK);
	assert_int_equal(offices_require_ref(f->lf->store, &sam, OFFICES_REF_TASK, "99999", &err),
	                 REDRESS_OK);
	assert_int_equal(offices_require_ref(f->lf->store, &sam, OFFICES_REF_CLAIM, "C-000404", &err),
	                 REDRESS_OK);

	before = logfix_size(f->lf);
	assert_int_equal(change(f, &nina, do_office, &(struct office_arg){"east", "East", "JEJU"}, &err),
	                 REDRESS_E_REFUSED);
	assert_int_equal(change(f, &ada, do_office, &(struct office_arg){"east", "East", "BUSAN"}, &err),
	                 REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "office 'south'"));
	assert_int_equal(change(f, &ada, do_office, &(struct office_arg){"north", "Again", "JEJU"}, &err),
	                 REDRESS_E_CONFLICT);
	assert_int_equal(change(f, &ada, do_office, &(struct office_arg){"e ast", "East", "JEJU"}, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(change(f, &ada, do_office, &(struct office_arg){"east", "East", "JEJU,,X"}, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(change(f, &ada, do_office, &(struct office_arg){"east", "East", "JEJU,JEJU"}, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(change(f, &ada, do_office, &(struct office_arg){"east", "", "JEJU"}, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"nina", "north"}, &err),
	                 REDRESS_E_CONFLICT);
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"nina", "west"}, &err),
	                 REDRESS_E_NOTFOUND);
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"nobody", "north"}, &err),
	                 REDRESS_E_NOTFOUND);
	assert_int_equal(change(f, &sam, do_staff, &(struct staff_arg){"nina", "south"}, &err),
	                 REDRESS_E_REFUSED);
	assert_int_equal(logfix_size(f->lf), before);
	/* Out of her office: across again. */
	assert_int_equal(change(f, &ada, do_staff, &(struct staff_arg){"nina", NULL}, &err), REDRESS_OK);
	assert_true(sees(f, &nina, f->south));
	logfix_audit_clean(f->lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_and_transfer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refs_and_refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
