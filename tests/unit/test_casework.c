/*
 * test_casework.c -- corrections and casework with the log, in process:
 * a correction of phone or frailty applies at once and the row follows;
 * one of name, birth date or national id waits for another account's
 * approval (the proposer's own is refused, a stale one is a conflict);
 * notes, tasks, contacts, referrals and grievances sealed so that no canary
 * reaches the database, its journal or any event; opening a note recorded;
 * a referral refused without consent to share:PARTY and stopped by its
 * withdrawal; roles refused; bad input changing nothing; erasure making
 * notes unreadable; audit clean on its fast path, and naming tables edited
 * behind the log's back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "logfix.h"

static const struct event_module *const modules[] = {
    &ledger_module, &users_module,        &registry_module, &programs_module,
    &claims_module, &entitlements_module, &casework_module, NULL};

#define CANARY_NAME    "CANARY-NAME-18ab"
#define CANARY_NAME2   "CANARY-NAME-TWO-7c21"
#define CANARY_PHONE   "CANARY-PHONE-4d0e"
#define CANARY_PHONE2  "CANARY-PHONE-TWO-90f3"
#define CANARY_REASON  "CANARY-REASON-55e2"
#define CANARY_NOTE    "CANARY-NOTE-e81b"
#define CANARY_OPEN    "CANARY-OPEN-2f4c"
#define CANARY_TASK    "CANARY-TASK-6a9d"
#define CANARY_CONTACT "CANARY-CONTACT-b3c7"
#define CANARY_REFER   "CANARY-REFER-0d5a"
#define CANARY_GRIEF   "CANARY-GRIEF-73e1"
#define CANARY_OUTCOME "CANARY-OUTCOME-c6f8"
#define CANARY_ANSWER  "CANARY-ANSWER-91d4"

static const char *const canaries[] = {
    CANARY_NAME, CANARY_NAME2,   CANARY_PHONE, CANARY_PHONE2, CANARY_REASON,  CANARY_NOTE,   CANARY_OPEN,
    CANARY_TASK, CANARY_CONTACT, CANARY_REFER, CANARY_GRIEF,  CANARY_OUTCOME, CANARY_ANSWER, NULL};

static const struct actor cid = {"cid", ROLE_CASEWORKER, 0};
static const struct actor cy = {"cy", ROLE_CASEWORKER, 0};
static const struct actor rita = {"rita", ROLE_REVIEWER, 0};
static const struct actor mona = {"mona", ROLE_MONITOR, 0};

struct fixture {
	struct logfix *lf;
	struct registry_keys keys;
	char p[REGISTRY_PSEUDONYM_MAX + 1]; /* a victim, registered by cid */
};

/* Acts as account a from now on (the log's actor), making it when new. */
static const struct actor *
as(struct fixture *f, const struct actor *a)
{
	logfix_account(f->lf, a->name, a->role);
	return a;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct registry_new_person np;
	struct redress_error err;

	assert_non_null(f);
	f->lf = logfix_new(modules, "test.example/casework");
	f->keys.master = keydir_master_key(f->lf->kd);
	f->keys.index = keydir_index_key(f->lf->kd);
	memset(&np, 0, sizeof(np));
	np.kind = REGISTRY_VICTIM;
	snprintf(np.identity.name, sizeof(np.identity.name), "%s", CANARY_NAME);
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1931-02-03");
	snprintf(np.identity.phone, sizeof(np.identity.phone), "%s", CANARY_PHONE);
	memcpy(np.language, "ko", 3);
	np.frailty = 1;
	as(f, &rita);
	as(f, &mona);
	as(f, &cy);
	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (registry_add(f->lf->log, &cid, &f->keys, &np, f->p, &err) != REDRESS_OK)
		fail_msg("add: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
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

/* No canary in the database, its journal, or any event's bytes. */
static void
no_canary_anywhere(struct fixture *f)
{
	logfix_assert_nowhere(f->lf, canaries);
}

/* The identity as a reveal opens it (recorded, as any reveal). */
static void
reveal(struct fixture *f, struct registry_identity *id)
{
	struct redress_error err;

	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (registry_reveal(f->lf->log, &cid, &f->keys, f->p, NULL, id, &err) != REDRESS_OK)
		fail_msg("reveal: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
}

static enum redress_err
update(struct fixture *f, const struct actor *a, const struct registry_update *u, const char *reason,
       uint64_t *change_r, struct redress_error *err)
{
	enum redress_err rc;

	as(f, a);
	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	if ((rc = registry_update(f->lf->log, a, &f->keys, f->p, u, reason, change_r, err)) != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static enum redress_err
decide(struct fixture *f, const struct actor *a, uint64_t change, int approve, struct redress_error *err)
{
	enum redress_err rc;

	as(f, a);
	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	if ((rc = registry_change_decide(f->lf->log, a, &f->keys, change, approve, err)) != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static struct registry_update
no_update(void)
{
	struct registry_update u;

	memset(&u, 0, sizeof(u));
	u.frailty = -1;
	return u;
}

/* Phone and frailty change at once; the row (the queue's order) follows; audit folds it. */
static void
test_update_at_once(void **state)
{
	struct fixture *f = *state;
	struct registry_update u = no_update();
	struct registry_identity id;
	struct registry_person p;
	struct redress_error err;
	uint64_t change = 99, before;

	u.phone = CANARY_PHONE2;
	u.frailty = 3;
	before = logfix_size(f->lf);
	if (update(f, &cid, &u, CANARY_REASON, &change, &err) != REDRESS_OK)
		fail_msg("update: %s", err.message);
	assert_int_equal(change, 0);
	assert_int_equal(logfix_size(f->lf), before + 1);
	assert_int_equal(registry_get(f->lf->store, f->p, &p, &err), REDRESS_OK);
	assert_int_equal(p.frailty, 3);
	reveal(f, &id);
	assert_string_equal(id.phone, CANARY_PHONE2);
	assert_string_equal(id.name, CANARY_NAME);
	no_canary_anywhere(f);
	logfix_audit_clean(f->lf);
	/* The same values again: nothing to change, nothing written. */
	before = logfix_size(f->lf);
	assert_int_equal(update(f, &cid, &u, "again", &change, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "nothing to change"));
	assert_int_equal(logfix_size(f->lf), before);
	/* A row edited behind the log's back is found. */
	logfix_tamper(f->lf, "UPDATE registry_persons SET frailty = 0");
	logfix_audit_finds(f->lf, "registry_persons");
}

/* A change of name and birth date waits for a second account; the proposer cannot approve it. */
static void
test_update_four_eyes(void **state)
{
	struct fixture *f = *state;
	struct registry_update u = no_update();
	struct registry_identity id;
	struct registry_person p;
	struct redress_error err;
	uint64_t change = 0, before;

	u.name = CANARY_NAME2;
	u.birth_date = "1929-12-31";
	if (update(f, &cid, &u, CANARY_REASON, &change, &err) != REDRESS_OK)
		fail_msg("propose: %s", err.message);
	assert_true(change > 0);
	reveal(f, &id);
	assert_string_equal(id.name, CANARY_NAME); /* not yet */
	before = logfix_size(f->lf);
	assert_int_equal(decide(f, &cid, change, 1, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "another staff member must approve it"));
	assert_int_equal(decide(f, &rita, change, 1, &err),
	                 REDRESS_E_REFUSED); /* a reviewer changes no file */
	assert_int_equal(logfix_size(f->lf), before);
	if (decide(f, &cy, change, 1, &err) != REDRESS_OK)
		fail_msg("approve: %s", err.message);
	reveal(f, &id);
	assert_string_equal(id.name, CANARY_NAME2);
	assert_string_equal(id.birth_date, "1929-12-31");
	assert_int_equal(registry_get(f->lf->store, f->p, &p, &err), REDRESS_OK);
	assert_int_equal(p.birth_year, 1929);
	assert_int_equal(decide(f, &cy, change, 1, &err), REDRESS_E_CONFLICT); /* once */
	no_canary_anywhere(f);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE registry_change_decisions SET actor = 'user:cid'");
	logfix_audit_finds(f->lf, "registry_change_decisions");
}

/* A proposal made from a file that changed since cannot be approved; a rejection ends it. */
static void
test_update_stale_and_rejected(void **state)
{
	struct fixture *f = *state;
	struct registry_update u = no_update(), v = no_update();
	struct registry_identity id;
	struct redress_error err;
	uint64_t change = 0, other = 0, before;

	u.national_id = "900101-2345678";
	assert_int_equal(update(f, &cid, &u, "id card seen", &change, &err), REDRESS_OK);
	v.phone = CANARY_PHONE2;
	assert_int_equal(update(f, &cy, &v, "new number", &other, &err), REDRESS_OK);
	before = logfix_size(f->lf);
	assert_int_equal(decide(f, &cy, change, 1, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "changed since"));
	assert_int_equal(logfix_size(f->lf), before);
	assert_int_equal(decide(f, &cid, change, 0, &err), REDRESS_OK); /* withdrawn by its proposer */
	assert_int_equal(decide(f, &cy, change, 1, &err), REDRESS_E_CONFLICT);
	reveal(f, &id);
	assert_string_equal(id.national_id, "");
	assert_string_equal(id.phone, CANARY_PHONE2);
	logfix_audit_clean(f->lf);
}

/* Bad input, wrong roles and another's national id change nothing. */
static void
test_update_refused(void **state)
{
	struct fixture *f = *state;
	struct registry_update u = no_update();
	struct registry_new_person np;
	struct redress_error err;
	char other[REGISTRY_PSEUDONYM_MAX + 1];
	uint64_t change = 0, before;

	memset(&np, 0, sizeof(np));
	np.kind = REGISTRY_VICTIM;
	snprintf(np.identity.name, sizeof(np.identity.name), "Synthetic Other");
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1930-01-01");
	snprintf(np.identity.national_id, sizeof(np.identity.national_id), "300101-1111111");
	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(registry_add(f->lf->log, &cid, &f->keys, &np, other, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	before = logfix_size(f->lf);
	u.phone = "010";
	assert_int_equal(update(f, &cid, &u, NULL, &change, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "--reason"));
	assert_int_equal(update(f, &rita, &u, "r", &change, &err), REDRESS_E_REFUSED);
	assert_int_equal(update(f, &mona, &u, "r", &change, &err), REDRESS_E_REFUSED);
	u = no_update();
	u.birth_date = "1931-02-30";
	assert_int_equal(update(f, &cid, &u, "r", &change, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "birth_date"));
	u = no_update();
	u.language = "xx";
	assert_int_equal(update(f, &cid, &u, "r", &change, &err), REDRESS_E_INVALID);
	u = no_update();
	u.national_id = "300101 1111111"; /* the other's, spaced */
	assert_int_equal(update(f, &cid, &u, "r", &change, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, other));
	assert_int_equal(logfix_size(f->lf), before);
	assert_int_equal(decide(f, &cy, 424242, 1, &err), REDRESS_E_NOTFOUND);
	logfix_audit_clean(f->lf);
}

static enum redress_err
count_item(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	(void)it;
	(void)err;
	(*(int *)ctx)++;
	return REDRESS_OK;
}

static enum redress_err
first_item(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	(void)err;
	*(struct casework_item *)ctx = *it;
	((struct casework_item *)ctx)->sealed = NULL;
	return REDRESS_OK;
}

/* Notes: sealed; opening one is an event with its sealed reason; a reviewer may not open one. */
static void
test_notes(void **state)
{
	struct fixture *f = *state;
	char whose[REGISTRY_PSEUDONYM_MAX + 1];
	struct casework_item it;
	struct redress_error err;
	struct buf text;
	uint64_t note = 0, before;

	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    casework_note_add(f->lf->log, &cid, &f->keys, f->p, CANARY_NOTE "\nsecond line", &note, &err),
	    REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	before = logfix_size(f->lf);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(casework_note_open(f->lf->log, &rita, &f->keys, note, "curious", whose, &text, &err),
	                 REDRESS_E_REFUSED);
	buf_free(&text);
	assert_int_equal(casework_note_open(f->lf->log, &cid, &f->keys, note, NULL, whose, &text, &err),
	                 REDRESS_E_INVALID);
	buf_free(&text);
	if (casework_note_open(f->lf->log, &cid, &f->keys, note, CANARY_OPEN, whose, &text, &err) !=
	    REDRESS_OK)
		fail_msg("open: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_string_equal(text.data, CANARY_NOTE "\nsecond line");
	assert_string_equal(whose, f->p);
	buf_free(&text);
	assert_int_equal(logfix_size(f->lf), before + 1);
	memset(&it, 0, sizeof(it));
	assert_int_equal(casework_notes_each(f->lf->store, f->p, first_item, &it, &err), REDRESS_OK);
	assert_int_equal(it.seq, note);
	assert_int_equal(it.opened, 1);
	/* A control character is refused, naming its line. */
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(casework_note_add(f->lf->log, &cid, &f->keys, f->p, "one\ntwo\x01", &note, &err),
	                 REDRESS_E_INVALID);
	tlog_rollback(f->lf->log);
	assert_non_null(strstr(err.message, "line 2"));
	no_canary_anywhere(f);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "DELETE FROM casework_note_opens");
	logfix_audit_finds(f->lf, "casework_note_opens");
}

/* Tasks: due dates, assignees who work on files, overdue, done once. */
static void
test_tasks(void **state)
{
	struct fixture *f = *state;
	struct casework_task_filter all = {NULL, 0, 0}, mine = {"cy", 0, 1}, overdue = {NULL, 1, 1};
	struct redress_error err;
	uint64_t task = 0;
	int n;

	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    casework_task_add(f->lf->log, &cid, &f->keys, f->p, "2020-01-01", "late", NULL, &task, &err),
	    REDRESS_E_INVALID);
	assert_int_equal(
	    casework_task_add(f->lf->log, &cid, &f->keys, f->p, "2099-01-01", "x", "rita", &task, &err),
	    REDRESS_E_INVALID);
	assert_int_equal(
	    casework_task_add(f->lf->log, &cid, &f->keys, f->p, "2099-01-01", "x", "nobody", &task, &err),
	    REDRESS_E_NOTFOUND);
	assert_int_equal(
	    casework_task_add(f->lf->log, &rita, &f->keys, f->p, "2099-01-01", "x", NULL, &task, &err),
	    REDRESS_E_REFUSED);
	if (casework_task_add(f->lf->log, &cid, &f->keys, f->p, "2099-01-01", CANARY_TASK, "cy", &task,
	                      &err) != REDRESS_OK)
		fail_msg("task: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	n = 0;
	assert_int_equal(casework_tasks_each(f->lf->store, &mine, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(casework_tasks_each(f->lf->store, &overdue, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 0);
	/* Made overdue behind the log's back: the list shows it, and audit names the edit. */
	logfix_tamper(f->lf, "UPDATE casework_tasks SET due = '2001-01-01'");
	n = 0;
	assert_int_equal(casework_tasks_each(f->lf->store, &overdue, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 1);
	logfix_audit_finds(f->lf, "casework_tasks");
	logfix_tamper(f->lf, "UPDATE casework_tasks SET due = '2099-01-01'");
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(casework_task_done(f->lf->log, &cid, task, &err), REDRESS_OK);
	assert_int_equal(casework_task_done(f->lf->log, &cid, task, &err), REDRESS_E_CONFLICT);
	assert_int_equal(casework_task_done(f->lf->log, &cid, 777777, &err), REDRESS_E_NOTFOUND);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	n = 0;
	assert_int_equal(casework_tasks_each(f->lf->store, &mine, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(casework_tasks_each(f->lf->store, &all, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 1);
	no_canary_anywhere(f);
	logfix_audit_clean(f->lf);
}

static enum redress_err
consent(struct fixture *f, int given, struct redress_error *err)
{
	enum redress_err rc;

	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	rc = registry_consent(f->lf->log, &cid, &f->keys, f->p, "share:legal-aid", given, "in person", NULL,
	                      err);
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	return rc;
}

static uint64_t last_referral; /* the number refer() last made */

static enum redress_err
refer(struct fixture *f, const char *party, struct redress_error *err)
{
	uint64_t referral = 0;
	enum redress_err rc;

	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	if ((rc = casework_referral_add(f->lf->log, &cid, &f->keys, f->p, party, CANARY_REFER, &referral,
	                                err)) != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	last_referral = referral;
	return REDRESS_OK;
}

/* Records what came of referral number referral as account a. */
static enum redress_err
answer(struct fixture *f, const struct actor *a, uint64_t referral, const char *outcome,
       struct redress_error *err)
{
	enum redress_err rc;

	as(f, a);
	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	if ((rc = casework_referral_outcome(f->lf->log, a, &f->keys, referral, outcome, err)) != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static enum redress_err
referral_closed(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	(void)err;
	*(uint64_t *)ctx = it->closed_seq;
	return REDRESS_OK;
}

/*
 * What came of a referral: sealed (no canary anywhere), once, by a
 * caseworker only; bad input and unknown referrals change nothing; the
 * list says it was answered; audit replays it and names its table edited.
 */
static void
test_referral_outcome(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	uint64_t before, referral, closed = 1;

	assert_int_equal(consent(f, 1, &err), REDRESS_OK);
	if (refer(f, "legal-aid", &err) != REDRESS_OK)
		fail_msg("refer: %s", err.message);
	referral = last_referral;
	assert_int_equal(casework_referrals_each(f->lf->store, f->p, referral_closed, &closed, &err),
	                 REDRESS_OK);
	assert_int_equal(closed, 0);
	before = logfix_size(f->lf);
	assert_int_equal(answer(f, &rita, referral, "x", &err), REDRESS_E_REFUSED);
	assert_int_equal(answer(f, &mona, referral, "x", &err), REDRESS_E_REFUSED);
	assert_int_equal(answer(f, &cid, referral, "", &err), REDRESS_E_INVALID);
	assert_int_equal(answer(f, &cid, referral, "bad\001control", &err), REDRESS_E_INVALID);
	assert_int_equal(answer(f, &cid, 0, "x", &err), REDRESS_E_INVALID);
	assert_int_equal(answer(f, &cid, referral + 1000, "x", &err), REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "referral"));
	assert_int_equal(logfix_size(f->lf), before);
	if (answer(f, &cy, referral, CANARY_ANSWER, &err) != REDRESS_OK)
		fail_msg("answer: %s", err.message);
	assert_int_equal(logfix_size(f->lf), before + 1);
	assert_int_equal(answer(f, &cid, referral, "again", &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "answered already"));
	assert_int_equal(casework_referrals_each(f->lf->store, f->p, referral_closed, &closed, &err),
	                 REDRESS_OK);
	assert_int_equal(closed, before); /* the outcome's event */
	no_canary_anywhere(f);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE casework_referral_outcomes SET actor = 'user:mona'");
	logfix_audit_finds(f->lf, "casework_referral_outcomes");
}

/* A referral needs her consent to share with that party; a withdrawal stops referrals at once. */
static void
test_referrals(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	uint64_t before = logfix_size(f->lf);
	int n = 0;

	assert_int_equal(refer(f, "legal-aid", &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "share:legal-aid"));
	assert_int_equal(refer(f, "Legal Aid", &err), REDRESS_E_INVALID);
	assert_int_equal(logfix_size(f->lf), before);
	assert_int_equal(consent(f, 1, &err), REDRESS_OK);
	if (refer(f, "legal-aid", &err) != REDRESS_OK)
		fail_msg("refer: %s", err.message);
	assert_int_equal(refer(f, "clinic", &err), REDRESS_E_REFUSED); /* another party: another consent */
	assert_int_equal(consent(f, 0, &err), REDRESS_OK);
	assert_int_equal(refer(f, "legal-aid", &err), REDRESS_E_REFUSED);
	assert_int_equal(casework_referrals_each(f->lf->store, f->p, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 1);
	no_canary_anywhere(f);
	logfix_audit_clean(f->lf);
}

/* Contacts and grievances: sealed notes, days open, resolved once; erasure closes her file. */
static void
test_contacts_grievances_erasure(void **state)
{
	struct fixture *f = *state;
	char whose[REGISTRY_PSEUDONYM_MAX + 1];
	const struct actor ada = {"ada", ROLE_ADMIN, 0};
	struct redress_error err;
	struct buf text;
	uint64_t contact = 0, grievance = 0, note = 0;
	int n = 0;

	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(casework_contact_add(f->lf->log, &cid, &f->keys, f->p, CW_PHONE, CW_NO_ANSWER,
	                                      CANARY_CONTACT, &contact, &err),
	                 REDRESS_OK);
	assert_int_equal(casework_contact_add(f->lf->log, &cid, &f->keys, "V-999999", CW_PHONE, CW_REACHED,
	                                      NULL, &contact, &err),
	                 REDRESS_E_NOTFOUND);
	assert_int_equal(
	    casework_grievance_open(f->lf->log, &cid, &f->keys, f->p, "Phone!", "x", &grievance, &err),
	    REDRESS_E_INVALID);
	assert_int_equal(casework_grievance_open(f->lf->log, &cid, &f->keys, f->p, "phone", CANARY_GRIEF,
	                                         &grievance, &err),
	                 REDRESS_OK);
	assert_int_equal(casework_note_add(f->lf->log, &cid, &f->keys, f->p, CANARY_NOTE, &note, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(casework_grievances_each(f->lf->store, 1, 0, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(casework_person_grievances_each(f->lf->store, f->p, count_item, &n, &err),
	                 REDRESS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(casework_person_grievances_each(f->lf->store, "V-999999", count_item, &n, &err),
	                 REDRESS_E_NOTFOUND);
	n = 0;
	/* Overdue: none today; one when it was opened long ago (behind the log's back, then put back). */
	assert_int_equal(
	    casework_grievances_each(f->lf->store, 1, CASEWORK_GRIEVANCE_DAYS, count_item, &n, &err),
	    REDRESS_OK);
	assert_int_equal(n, 0);
	{
		struct casework_item it;
		char sql[160];

		assert_int_equal(casework_grievances_each(f->lf->store, 1, 0, first_item, &it, &err),
		                 REDRESS_OK);
		logfix_tamper(f->lf, "UPDATE casework_grievances SET at = '2020-01-01T00:00:00Z'");
		assert_int_equal(
		    casework_grievances_each(f->lf->store, 1, CASEWORK_GRIEVANCE_DAYS, count_item, &n, &err),
		    REDRESS_OK);
		assert_int_equal(n, 1);
		logfix_audit_finds(f->lf, "casework_grievances");
		snprintf(sql, sizeof(sql), "UPDATE casework_grievances SET at = '%s'", it.at);
		logfix_tamper(f->lf, sql);
	}
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    casework_grievance_resolve(f->lf->log, &cid, &f->keys, grievance, CANARY_OUTCOME, &err),
	    REDRESS_OK);
	assert_int_equal(casework_grievance_resolve(f->lf->log, &cid, &f->keys, grievance, "again", &err),
	                 REDRESS_E_CONFLICT);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	no_canary_anywhere(f);
	/* Erased: her note no longer opens, and nothing more is recorded on her file. */
	as(f, &ada);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(registry_erase(f->lf->log, &ada, f->p, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(casework_note_open(f->lf->log, &cid, &f->keys, note, "why", whose, &text, &err),
	                 REDRESS_E_NOTFOUND);
	buf_free(&text);
	assert_int_equal(casework_contact_add(f->lf->log, &cid, &f->keys, f->p, CW_VISIT, CW_REACHED, NULL,
	                                      &contact, &err),
	                 REDRESS_E_CONFLICT);
	tlog_rollback(f->lf->log);
	logfix_audit_clean(f->lf);
}

/* An undecided wish makes a task to ask her again; another wish makes none. */
static void
test_undecided_asks_again(void **state)
{
	struct fixture *f = *state;
	struct casework_task_filter open = {NULL, 0, 1};
	struct redress_error err;
	uint64_t task = 99;
	int n = 0;

	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    casework_consult(f->lf->log, &cid, &f->keys, f->p, REGISTRY_WISH_ACCEPT, NULL, &task, &err),
	    REDRESS_OK);
	assert_int_equal(task, 0);
	assert_int_equal(casework_consult(f->lf->log, &cid, &f->keys, f->p, REGISTRY_WISH_UNDECIDED,
	                                  "wants time", &task, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_true(task > 0);
	assert_int_equal(casework_tasks_each(f->lf->store, &open, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 1);
	/* A reviewer may not consult: nothing is recorded, no task made. */
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    casework_consult(f->lf->log, &rita, &f->keys, f->p, REGISTRY_WISH_UNDECIDED, NULL, &task, &err),
	    REDRESS_E_REFUSED);
	tlog_rollback(f->lf->log);
	n = 0;
	assert_int_equal(casework_tasks_each(f->lf->store, &open, count_item, &n, &err), REDRESS_OK);
	assert_int_equal(n, 1);
	logfix_audit_clean(f->lf);
}

/* Adds the program of JSON text as ada; fails the test on error. */
static void
add_program(struct fixture *f, const char *text)
{
	const struct actor ada = {"ada", ROLE_ADMIN, 0};
	struct redress_error err;
	struct program *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	as(f, &ada);
	if (program_parse(text, strlen(text), p, &err) != REDRESS_OK)
		fail_msg("parse: %s", err.message);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (program_add(f->lf->log, &ada, p, &err) != REDRESS_OK)
		fail_msg("program_add: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	free(p);
}

#define PROGRAM_JSON(code, cutoff, survivor, bereaved, more)                                                 \
	"{\"code\": \"" code "\", \"name\": \"" code "\", \"currency\": \"KRW\", \"cutoff\": \"" cutoff      \
	"\","                                                                                                \
	" \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:" code                               \
	"\", \"expense\": \"benefits:" code "\"}, \"benefits\": {\"survivor\": \"" survivor                  \
	"\", \"bereaved\": \"" bereaved "\"},"                                                               \
	" \"approvals\": 2" more "}"

/* Registers a person of kind, born in 1930; *p_r her pseudonym. */
static void
add_person(struct fixture *f, enum registry_kind kind, char p_r[REGISTRY_PSEUDONYM_MAX + 1])
{
	struct registry_new_person np;
	struct redress_error err;

	memset(&np, 0, sizeof(np));
	np.kind = kind;
	static int serial;

	snprintf(np.identity.name, sizeof(np.identity.name), "Person %d", ++serial);
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1930-01-01");
	memcpy(np.language, "ko", 3);
	if (registry_add(f->lf->log, &cid, &f->keys, &np, p_r, &err) != REDRESS_OK)
		fail_msg("add: %s", err.message);
}

struct names {
	size_t n;
	char who[8][REGISTRY_PSEUDONYM_MAX + 1];
};

static enum redress_err
outreach_name(void *ctx, const struct casework_outreach *o, struct redress_error *err)
{
	struct names *l = ctx;

	(void)err;
	if (l->n < 8)
		snprintf(l->who[l->n], sizeof(l->who[0]), "%s", o->pseudonym);
	l->n++;
	return REDRESS_OK;
}

/* Whether pseudonym is on program's outreach list (limit rows). */
static int
on_list(struct fixture *f, const char *program, uint64_t limit, const char *pseudonym, size_t *n_r)
{
	struct names l;
	struct redress_error err;
	size_t i;

	memset(&l, 0, sizeof(l));
	if (casework_outreach_each(f->lf->store, program, limit, outreach_name, &l, &err) != REDRESS_OK)
		fail_msg("outreach: %s", err.message);
	*n_r = l.n;
	for (i = 0; i < l.n && i < 8; i++)
		if (strcmp(l.who[i], pseudonym) == 0)
			return 1;
	return 0;
}

/*
 * Two programs over one registry: the flagship (survivor and bereaved,
 * cutoff 2015) and one that pays no bereaved benefit (cutoff 1995), and a
 * third that excludes a benefit.  The outreach lists, the report's counts
 * and the days each person's programs set follow each program's rules.
 */
static void
test_rules_per_program(void **state)
{
	struct fixture *f = *state;
	char v2[REGISTRY_PSEUDONYM_MAX + 1], v3[REGISTRY_PSEUDONYM_MAX + 1];
	char r1[REGISTRY_PSEUDONYM_MAX + 1], r2[REGISTRY_PSEUDONYM_MAX + 1], due[11];
	struct casework_task_filter open = {NULL, 0, 1};
	struct casework_item it;
	struct redress_error err;
	struct program *p = calloc(1, sizeof(*p));
	struct registry_person her;
	char sql[160], at[32];
	int64_t eligible, reached;
	uint64_t task = 0, grievance = 0, contact = 0;
	size_t n;
	int days, yes, count = 0;
	time_t when;
	struct tm tm;

	assert_non_null(p);
	add_program(f, PROGRAM_JSON("flagship-2015", "2015-12-28", "100000000", "20000000", ""));
	add_program(f, PROGRAM_JSON("awf-1995", "1995-07-19", "2000000", "0",
	                            ", \"casework\": {\"ask_again_days\": 7, \"grievance_days\": 10}"));
	add_program(f, PROGRAM_JSON("pension-x", "2015-12-28", "500", "0",
	                            ", \"exclusions\": [{\"receives\": \"state-pension\"}],"
	                            " \"casework\": {\"ask_again_days\": 3}"));
	/* v2 died after the 1995 cutoff, before the 2015 one; v3 before both.  r1 is v2's heir, r2 v3's. */
	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	add_person(f, REGISTRY_VICTIM, v2);
	add_person(f, REGISTRY_VICTIM, v3);
	add_person(f, REGISTRY_RELATIVE, r1);
	add_person(f, REGISTRY_RELATIVE, r2);
	assert_int_equal(registry_relation_add(f->lf->log, &cid, v2, r1, "daughter", 1, 1, &err), REDRESS_OK);
	assert_int_equal(registry_relation_add(f->lf->log, &cid, v3, r2, "son", 1, 1, &err), REDRESS_OK);
	assert_int_equal(registry_death(f->lf->log, &cid, &f->keys, v2, "2000-05-05", &err), REDRESS_OK);
	assert_int_equal(registry_death(f->lf->log, &cid, &f->keys, v3, "1990-05-05", &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);

	/* The flagship: the living victim, and both heirs (bereaved, by its 2015 cutoff). */
	assert_true(on_list(f, "flagship-2015", 100, f->p, &n));
	assert_int_equal(n, 3);
	assert_true(on_list(f, "flagship-2015", 100, r1, &n) && on_list(f, "flagship-2015", 100, r2, &n));
	/* No bereaved benefit: r2's victim died by the 1995 cutoff; r1's after it, so her own passes to r1.
	 */
	assert_true(on_list(f, "awf-1995", 100, r1, &n));
	assert_int_equal(n, 2);
	assert_false(on_list(f, "awf-1995", 100, r2, &n));
	/* The limit stops the list. */
	(void)on_list(f, "flagship-2015", 1, f->p, &n);
	assert_int_equal(n, 1);
	assert_int_equal(
	    casework_outreach_each(f->lf->store, "nope", 10, outreach_name, &(struct names){0}, &err),
	    REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "nope"));

	/* The report's counts, and reached: a contact that reached her. */
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    casework_contact_add(f->lf->log, &cid, &f->keys, r1, CW_VISIT, CW_REACHED, NULL, &contact, &err),
	    REDRESS_OK);
	assert_int_equal(casework_contact_add(f->lf->log, &cid, &f->keys, r2, CW_PHONE, CW_NO_ANSWER, NULL,
	                                      &contact, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(program_get(f->lf->store, "flagship-2015", p, &err), REDRESS_OK);
	assert_int_equal(casework_eligible_count(f->lf->store, p, &eligible, &reached, &err), REDRESS_OK);
	assert_int_equal(eligible, 3);
	assert_int_equal(reached, 1);
	assert_false(on_list(f, "flagship-2015", 100, r1, &n)); /* reached: off the list */
	assert_int_equal(program_get(f->lf->store, "awf-1995", p, &err), REDRESS_OK);
	assert_int_equal(casework_eligible_count(f->lf->store, p, &eligible, &reached, &err), REDRESS_OK);
	assert_int_equal(eligible, 2);
	assert_int_equal(reached, 1);

	/* Excluded by a benefit she receives: off that program's list, and its days no longer hers. */
	assert_int_equal(program_get(f->lf->store, "pension-x", p, &err), REDRESS_OK);
	assert_int_equal(casework_eligible_count(f->lf->store, p, &eligible, &reached, &err), REDRESS_OK);
	assert_int_equal(eligible, 1); /* the victim only: both heirs' victims died by its cutoff, no bereaved */
	assert_int_equal(casework_person_days(f->lf->store, f->p, CASEWORK_DAYS_ASK_AGAIN, &days, &err),
	                 REDRESS_OK);
	assert_int_equal(days, 3);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    entitlements_benefit_record(f->lf->log, &cid, f->p, "state-pension", 1, "2020-01-01", &err),
	    REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(registry_get(f->lf->store, f->p, &her, &err), REDRESS_OK);
	assert_int_equal(casework_eligible(f->lf->store, p, &her, &yes, &err), REDRESS_OK);
	assert_false(yes);
	assert_false(on_list(f, "pension-x", 100, f->p, &n));
	assert_int_equal(n, 0);
	assert_true(on_list(f, "awf-1995", 100, f->p, &n));

	/* Her days: the shortest of the programs she is eligible for (awf: 7, 10); r2's: the fund's. */
	assert_int_equal(casework_person_days(f->lf->store, f->p, CASEWORK_DAYS_ASK_AGAIN, &days, &err),
	                 REDRESS_OK);
	assert_int_equal(days, 7);
	assert_int_equal(casework_person_days(f->lf->store, f->p, CASEWORK_DAYS_GRIEVANCE, &days, &err),
	                 REDRESS_OK);
	assert_int_equal(days, 10);
	assert_int_equal(casework_person_days(f->lf->store, r2, CASEWORK_DAYS_ASK_AGAIN, &days, &err),
	                 REDRESS_OK);
	assert_int_equal(days, CASEWORK_ASK_AGAIN_DAYS);
	assert_int_equal(casework_person_days(f->lf->store, r2, CASEWORK_DAYS_GRIEVANCE, &days, &err),
	                 REDRESS_OK);
	assert_int_equal(days, CASEWORK_GRIEVANCE_DAYS);
	assert_int_equal(casework_person_days(f->lf->store, "V-999999", CASEWORK_DAYS_GRIEVANCE, &days, &err),
	                 REDRESS_E_NOTFOUND);

	/* Undecided: asked again in her programs' 7 days, not the fund's 30. */
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    casework_consult(f->lf->log, &cid, &f->keys, f->p, REGISTRY_WISH_UNDECIDED, NULL, &task, &err),
	    REDRESS_OK);
	assert_int_equal(
	    casework_grievance_open(f->lf->log, &cid, &f->keys, f->p, "phone", "late", &grievance, &err),
	    REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(casework_tasks_each(f->lf->store, &open, first_item, &it, &err), REDRESS_OK);
	when = time(NULL) + 7 * 86400;
	gmtime_r(&when, &tm);
	strftime(due, sizeof(due), "%Y-%m-%d", &tm);
	assert_string_equal(it.due, due);

	/* Her grievance, opened 15 days ago: overdue by her program's 10 days, not by the fund's 30. */
	when = time(NULL) - 15 * 86400;
	gmtime_r(&when, &tm);
	strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(sql, sizeof(sql), "UPDATE casework_grievances SET at = '%s'", at);
	logfix_tamper(f->lf, sql);
	assert_int_equal(
	    casework_grievances_each(f->lf->store, 1, CASEWORK_DAYS_HERS, count_item, &count, &err),
	    REDRESS_OK);
	assert_int_equal(count, 1);
	assert_int_equal(casework_grievances_each(f->lf->store, 1, CASEWORK_DAYS_HERS, first_item, &it, &err),
	                 REDRESS_OK);
	assert_int_equal(it.limit_days, 10);
	count = 0;
	assert_int_equal(casework_grievances_each(f->lf->store, 1, 30, count_item, &count, &err), REDRESS_OK);
	assert_int_equal(count, 0);
	assert_int_equal(casework_grievances_each(f->lf->store, 1, -5, count_item, &count, &err),
	                 REDRESS_E_INVALID);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_rules_per_program, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_at_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_four_eyes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_stale_and_rejected, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_notes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tasks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_referrals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_referral_outcome, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_contacts_grievances_erasure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_undecided_asks_again, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
