/*
 * test_dups.c -- suspected duplicates with the log, in process: the same
 * whole name (in other spacing, case, full-width Latin, katakana for
 * hiragana) and birth year make a pair, another year or name does not,
 * equal regions make the stronger basis; a correction of the name moves
 * her key, an erasure forgets it; a pair decided distinct leaves the
 * list; a merge proposed by one caseworker is refused to its proposer and
 * approved by another; the merged person is merged into no one else;
 * bad input, unknown pairs, decisions made twice and roles that may not
 * are refused and change nothing; no canary in clear anywhere; audit
 * clean on its fast path, and naming the table edited behind its back;
 * with the fund's modules, two approved claims of one woman registered
 * twice, merged: the entitlement run books one entitlement, for the
 * person she was merged into, and reports the other claim unresolved,
 * naming whom (in the run and in a rule change's preview alike); an
 * entitlement booked for her before the merge held out of payment batches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/claims/claims.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments.h"
#include "domain/programs/programs.h"
#include "fundfix.h"
#include "logfix.h"

static const struct event_module *const modules[] = {&users_module, &registry_module, &dups_module, NULL};
/* The entitlement run's modules too. */
static const struct event_module *const fund_modules[] = {
    &ledger_module,   &users_module,  &registry_module,
    &programs_module, &claims_module, &entitlements_module,
    &payments_module, &dups_module,   NULL};

#define CANARY_NAME   "Qzvik Dupxname"
#define CANARY_REASON "CANARY-REASON-3e7a"

/* ("Canary" would not do: PostgreSQL's catalogue names "Spanish (Canary Islands)".) */
static const char *const canaries[] = {"Qzvik", "qzvik",       "Dupxname", "dupxname",
                                       "XNAME", CANARY_REASON, NULL};

static const struct actor cid = {"cid", ROLE_CASEWORKER, 0};
static const struct actor cy = {"cy", ROLE_CASEWORKER, 0};
static const struct actor rita = {"rita", ROLE_REVIEWER, 0};
static const struct actor mona = {"mona", ROLE_MONITOR, 0};
static const struct actor rob = {"rob", ROLE_REVIEWER, 0};
static const struct actor ada = {"ada", ROLE_ADMIN, 0};
static const struct actor fin = {"fin", ROLE_FINANCE, 0};

struct fixture {
	struct logfix *lf;
	struct registry_keys keys;
};

static const struct actor *
as(struct fixture *f, const struct actor *a)
{
	logfix_account(f->lf, a->name, a->role);
	return a;
}

static int
setup_with(void **state, const struct event_module *const *with)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->lf = logfix_new(with, "test.example/dups");
	f->keys.master = keydir_master_key(f->lf->kd);
	f->keys.index = keydir_index_key(f->lf->kd);
	as(f, &rita);
	as(f, &mona);
	as(f, &cy);
	as(f, &cid);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, modules);
}

static int
setup_fund(void **state)
{
	return setup_with(state, fund_modules);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	logfix_free(f->lf);
	free(f);
	return 0;
}

/* Registers a victim as cid; returns her pseudonym in out. */
static void
add(struct fixture *f, const char *name, const char *birth, const char *region,
    char out[REGISTRY_PSEUDONYM_MAX + 1])
{
	struct registry_new_person np;

	memset(&np, 0, sizeof(np));
	np.kind = REGISTRY_VICTIM;
	snprintf(np.identity.name, sizeof(np.identity.name), "%s", name);
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "%s", birth);
	snprintf(np.region, sizeof(np.region), "%s", region);
	memcpy(np.language, "ko", 3);
	fundfix_person(f->lf, &f->keys, &np, out);
}

struct seen {
	char pairs[16][2 * REGISTRY_PSEUDONYM_MAX + 8];
	enum registry_dup_basis basis[16];
	uint64_t proposal[16];
	size_t n;
};

static enum redress_err
seen_pair(void *ctx, const struct registry_dup_pair *pair, struct redress_error *err)
{
	struct seen *s = ctx;

	(void)err;
	assert_true(s->n < 16);
	dups_pair_name(pair, s->pairs[s->n], sizeof(s->pairs[0]));
	s->basis[s->n++] = pair->basis;
	return REDRESS_OK;
}

static enum redress_err
seen_listed(void *ctx, const struct dups_pair *p, struct redress_error *err)
{
	struct seen *s = ctx;

	s->proposal[s->n] = p->proposal;
	return seen_pair(ctx, &p->pair, err);
}

/* The undecided pairs, as caseworker cid lists them. */
static void
list(struct fixture *f, struct seen *s)
{
	struct redress_error err;
	size_t total = 0;

	memset(s, 0, sizeof(*s));
	if (dups_list(tlog_store(f->lf->log), &cid, seen_listed, s, &total, &err) != REDRESS_OK)
		fail_msg("list: %s", err.message);
	assert_int_equal(total, s->n);
}

static int
listed(const struct seen *s, const char *a, const char *b)
{
	char name[2 * REGISTRY_PSEUDONYM_MAX + 8];
	size_t i;

	snprintf(name, sizeof(name), "%s,%s", a, b);
	for (i = 0; i < s->n; i++)
		if (strcmp(s->pairs[i], name) == 0)
			return 1;
	return 0;
}

/* Decides pair text as a; returns the result (a failed change is rolled back) and *outcome_r. */
static enum redress_err
resolve(struct fixture *f, const struct actor *a, const char *pair, int same, const char *reason,
        enum dups_outcome *outcome_r, struct redress_error *err)
{
	enum dups_outcome outcome = DUPS_DISTINCT;
	enum redress_err rc;

	as(f, a);
	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	if ((rc = dups_resolve(f->lf->log, a, &f->keys, pair, same, reason, NULL, &outcome, NULL, err)) !=
	    REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	if (outcome_r != NULL)
		*outcome_r = outcome;
	return REDRESS_OK;
}

static void
test_found_by_name_and_year(void **state)
{
	struct fixture *f = *state;
	char a[REGISTRY_PSEUDONYM_MAX + 1], b[REGISTRY_PSEUDONYM_MAX + 1], c[REGISTRY_PSEUDONYM_MAX + 1],
	    d[REGISTRY_PSEUDONYM_MAX + 1], e[REGISTRY_PSEUDONYM_MAX + 1], k[REGISTRY_PSEUDONYM_MAX + 1],
	    h[REGISTRY_PSEUDONYM_MAX + 1], w[REGISTRY_PSEUDONYM_MAX + 1];
	struct redress_error err;
	struct seen s;

	add(f, CANARY_NAME, "1931-04-05", "KR-11", a);
	add(f, "qzvik   DUP-XNAME", "1931-12-30", "KR-11", b); /* same, and same region */
	add(f,
	    "\xef\xbc\xb1"
	    "zvik Dupxname",
	    "1931-01-01", "", c);                                            /* a full-width Q; no region */
	add(f, CANARY_NAME, "1932-04-05", "KR-11", d);                       /* another year */
	add(f, "Qzvik Dupxnamy", "1931-04-05", "KR-11", e);                  /* another name */
	add(f, "\xe3\x82\xab\xe3\x83\x8a", "1930-01-01", "", k);             /* カナ */
	add(f, "\xe3\x81\x8b\xe3\x81\xaa", "1930-05-05", "", h);             /* かな */
	add(f, "\xea\xb9\x80\xec\x88\x9c\xec\x9e\x90", "1930-01-01", "", w); /* 김순자: alone */

	memset(&s, 0, sizeof(s));
	assert_int_equal(registry_dup_candidates(tlog_store(f->lf->log), b, seen_pair, &s, &err), REDRESS_OK);
	assert_int_equal(s.n, 2);
	assert_true(listed(&s, a, b));
	assert_int_equal(s.basis[0], REGISTRY_DUP_NAME_YEAR_REGION);
	assert_true(listed(&s, b, c));
	assert_int_equal(s.basis[1], REGISTRY_DUP_NAME_YEAR);

	list(f, &s);
	assert_int_equal(s.n, 4);
	assert_true(listed(&s, a, b));
	assert_true(listed(&s, a, c));
	assert_true(listed(&s, b, c));
	assert_true(listed(&s, k, h));
	assert_false(listed(&s, a, d));
	assert_false(listed(&s, a, e));
	memset(&s, 0, sizeof(s));
	assert_int_equal(registry_dup_candidates(tlog_store(f->lf->log), w, seen_pair, &s, &err), REDRESS_OK);
	assert_int_equal(s.n, 0);
	/* A reader of files lists; a monitor may not. */
	assert_int_equal(dups_list(tlog_store(f->lf->log), &rita, seen_listed, &s, NULL, &err), REDRESS_OK);
	assert_int_equal(dups_list(tlog_store(f->lf->log), &mona, seen_listed, &s, NULL, &err),
	                 REDRESS_E_REFUSED);
	logfix_assert_nowhere(f->lf, canaries);
	logfix_audit_clean(f->lf);
}

/*
 * Across scripts: a name in Hangul or kana meets its Latin forms (the
 * Revised Romanization, the surname's usual spelling, Hepburn; either
 * order), never a kanji name (no table reads it).
 */
static void
test_found_across_scripts(void **state)
{
	struct fixture *f = *state;
	char x[REGISTRY_PSEUDONYM_MAX + 1], y[REGISTRY_PSEUDONYM_MAX + 1], z[REGISTRY_PSEUDONYM_MAX + 1],
	    t[REGISTRY_PSEUDONYM_MAX + 1], j[REGISTRY_PSEUDONYM_MAX + 1], l[REGISTRY_PSEUDONYM_MAX + 1],
	    q[REGISTRY_PSEUDONYM_MAX + 1], r[REGISTRY_PSEUDONYM_MAX + 1];
	struct seen s;

	add(f, "\xea\xb9\x80\xeb\xb3\xb5\xeb\x8f\x99", "1931-04-05", "", x); /* 김복동 */
	add(f, "Kim Bok-dong", "1931-08-01", "", y);                         /* the usual spelling */
	add(f, "Bokdong GIM", "1931-02-02", "", z);                          /* the rules', surname last */
	add(f, "Kim Bok-dong", "1935-04-05", "", t);                         /* another year */
	add(f, "\xe7\x94\xb0\xe4\xb8\xad\xe8\x8a\xb1\xe5\xad\x90", "1930-01-01", "", j); /* 田中花子 */
	add(f, "Tanaka Hanako", "1930-03-03", "", l);
	add(f, "\xe3\x81\x9f\xe3\x81\xaa\xe3\x81\x8b \xe3\x81\xaf\xe3\x81\xaa\xe3\x81\x93", "1928-01-01", "",
	    q); /* たなか はなこ */
	add(f, "Hanako Tanaka", "1928-09-09", "", r);

	list(f, &s);
	assert_true(listed(&s, x, y));
	assert_true(listed(&s, x, z));
	assert_true(listed(&s, q, r));
	assert_false(listed(&s, x, t));
	assert_false(listed(&s, y, z)); /* two Latin spellings meet only through her Hangul */
	assert_false(listed(&s, j, l)); /* kanji: no table */
	assert_int_equal(s.n, 3);
	logfix_audit_clean(f->lf);
}

static void
test_correction_and_erasure_move_the_key(void **state)
{
	struct fixture *f = *state;
	char a[REGISTRY_PSEUDONYM_MAX + 1], b[REGISTRY_PSEUDONYM_MAX + 1], c[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_update u;
	struct redress_error err;
	uint64_t change = 0;
	struct seen s;

	add(f, CANARY_NAME, "1931-04-05", "", a);
	add(f, "Qzvik Otherxname", "1931-04-05", "", b);
	add(f, CANARY_NAME, "1931-07-07", "", c);
	list(f, &s);
	assert_int_equal(s.n, 1);
	/* b's name corrected to a's: proposed by cid, approved by cy; then she is suspected too. */
	memset(&u, 0, sizeof(u));
	u.frailty = -1;
	u.name = CANARY_NAME;
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (registry_update(f->lf->log, &cid, &f->keys, b, &u, CANARY_REASON, &change, &err) != REDRESS_OK)
		fail_msg("update: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	as(f, &cy);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (registry_change_decide(f->lf->log, &cy, &f->keys, change, 1, &err) != REDRESS_OK)
		fail_msg("approve: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	list(f, &s);
	assert_int_equal(s.n, 3);
	assert_true(listed(&s, a, b));
	/* Erased, she is suspected no more, and her key is gone. */
	logfix_account(f->lf, "ada", ROLE_ADMIN);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (registry_erase(f->lf->log, &(struct actor){"ada", ROLE_ADMIN, 0}, c, &err) != REDRESS_OK)
		fail_msg("erase: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	list(f, &s);
	assert_int_equal(s.n, 1);
	assert_true(listed(&s, a, b));
	assert_int_equal(resolve(f, &cid, "V-000001,V-000003", 0, "r", NULL, &err), REDRESS_E_NOTFOUND);
	logfix_audit_clean(f->lf);
}

static void
test_distinct_and_merge(void **state)
{
	struct fixture *f = *state;
	char a[REGISTRY_PSEUDONYM_MAX + 1], b[REGISTRY_PSEUDONYM_MAX + 1], c[REGISTRY_PSEUDONYM_MAX + 1],
	    pair[40], into[REGISTRY_PSEUDONYM_MAX + 1];
	enum dups_outcome outcome;
	struct redress_error err;
	uint64_t size, seq;
	struct seen s;

	add(f, CANARY_NAME, "1931-04-05", "", a);
	add(f, CANARY_NAME, "1931-05-05", "", b);
	add(f, CANARY_NAME, "1931-06-05", "", c);
	list(f, &s);
	assert_int_equal(s.n, 3);

	/* Refusals change nothing. */
	size = logfix_size(f->lf);
	snprintf(pair, sizeof(pair), "%s,%s", a, b);
	assert_int_equal(resolve(f, &cid, a, 0, "r", NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(resolve(f, &cid, "V-000001,V-000001", 0, "r", NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(resolve(f, &cid, "V-000001,v-2", 0, "r", NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(resolve(f, &cid, ",V-000001", 0, "r", NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(resolve(f, &cid, "V-000001,V-00000000000000000002", 0, "r", NULL, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(resolve(f, &cid, pair, 0, "", NULL, &err), REDRESS_E_INVALID);
	assert_int_equal(resolve(f, &cid, "V-000001,V-000099", 0, "r", NULL, &err), REDRESS_E_NOTFOUND);
	assert_non_null(strstr(err.message, "not suspected duplicates"));
	assert_int_equal(resolve(f, &rita, pair, 0, "r", NULL, &err), REDRESS_E_REFUSED);
	assert_int_equal(resolve(f, &mona, pair, 1, "r", NULL, &err), REDRESS_E_REFUSED);
	assert_int_equal(logfix_size(f->lf), size);

	/* Distinct, given in either order: the pair leaves the list, and stays decided. */
	snprintf(pair, sizeof(pair), "%s,%s", c, b);
	assert_int_equal(resolve(f, &cid, pair, 0, CANARY_REASON, &outcome, &err), REDRESS_OK);
	assert_int_equal(outcome, DUPS_DISTINCT);
	list(f, &s);
	assert_int_equal(s.n, 2);
	assert_false(listed(&s, b, c));
	assert_int_equal(resolve(f, &cy, pair, 1, "r", NULL, &err), REDRESS_E_CONFLICT);

	/* Same: proposed, refused to the proposer, approved by another. */
	snprintf(pair, sizeof(pair), "%s,%s", a, b);
	assert_int_equal(resolve(f, &cid, pair, 1, CANARY_REASON, &outcome, &err), REDRESS_OK);
	assert_int_equal(outcome, DUPS_PROPOSED);
	list(f, &s);
	assert_true(listed(&s, a, b));
	assert_true(s.proposal[0] != 0 || s.proposal[1] != 0);
	size = logfix_size(f->lf);
	assert_int_equal(resolve(f, &cid, pair, 1, "again", NULL, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "second staff member"));
	assert_int_equal(logfix_size(f->lf), size);
	assert_int_equal(dups_merged_into(tlog_store(f->lf->log), b, into, NULL, &err), REDRESS_OK);
	assert_string_equal(into, "");
	assert_int_equal(resolve(f, &cy, pair, 1, CANARY_REASON, &outcome, &err), REDRESS_OK);
	assert_int_equal(outcome, DUPS_MERGED);
	assert_int_equal(dups_merged_into(tlog_store(f->lf->log), b, into, &seq, &err), REDRESS_OK);
	assert_string_equal(into, a);
	assert_true(seq > 0);
	assert_int_equal(dups_check_not_merged(f->lf->log, b, &err), REDRESS_E_CONFLICT);
	assert_int_equal(dups_check_not_merged(f->lf->log, a, &err), REDRESS_OK);
	assert_int_equal(resolve(f, &cy, pair, 0, "r", NULL, &err), REDRESS_E_CONFLICT);
	list(f, &s);
	assert_int_equal(s.n, 1);
	assert_true(listed(&s, a, c));
	/* A person merged away is merged again into no one: c,b is decided; a,c may merge still. */
	logfix_assert_nowhere(f->lf, canaries);
	logfix_audit_clean(f->lf);

	/* The table edited behind the log's back: audit names it. */
	logfix_tamper(f->lf, "UPDATE dups_decisions SET decision = 'distinct' WHERE decision = 'merged'");
	logfix_audit_finds(f->lf, "dups_decisions");
}

/* A claim of victim under the flagship, opened, submitted and approved by two reviewers. */
static void
approved_claim(struct fixture *f, const char *victim, char id[CLAIM_ID_MAX + 1])
{
	fundfix_claim_approved(f->lf, &f->keys, "flagship-2015", victim, id);
}

/* The flagship program (two approvals) and a gift that holds both survivors' amounts. */
static void
flagship(struct fixture *f, struct program *p)
{
	static const char text[] =
	    "{\"code\": \"flagship-2015\", \"name\": \"Flagship\", \"currency\": \"KRW\", \"cutoff\": "
	    "\"2015-12-28\", \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:flagship-2015\","
	    " \"expense\": \"benefits:flagship-2015\"},"
	    " \"benefits\": {\"survivor\": \"100000000\", \"bereaved\": \"20000000\"}, \"approvals\": 2}";

	fundfix_program(f->lf, text, "300000000", p);
}

/* The flagship funded, and one woman registered twice: a, then b. */
static void
one_woman_twice(struct fixture *f, struct program *p, char a[REGISTRY_PSEUDONYM_MAX + 1],
                char b[REGISTRY_PSEUDONYM_MAX + 1])
{
	as(f, &ada);
	as(f, &rob);
	as(f, &fin);
	flagship(f, p);
	add(f, CANARY_NAME, "1931-04-05", "", a);
	add(f, CANARY_NAME, "1931-05-05", "", b);
}

/* How many entitlements are booked: of claim for beneficiary, or (claim NULL) in all. */
static int64_t
booked(struct fixture *f, const char *claim, const char *beneficiary)
{
	static const struct store_query all = {"test.entitlements", "SELECT count(*) FROM entitlements"};
	static const struct store_query of = {
	    "test.entitlements.of",
	    "SELECT count(*) FROM entitlements WHERE claim = ?1 AND beneficiary = ?2"};
	struct redress_error err;
	struct store_stmt *st;
	int64_t n;

	if ((st = store_query(tlog_store(f->lf->log), claim != NULL ? &of : &all, &err)) == NULL)
		fail_msg("%s", err.message);
	if (claim != NULL) {
		store_bind_text(st, 1, claim);
		store_bind_text(st, 2, beneficiary);
	}
	assert_int_equal(store_step(st, &err), STORE_ROW);
	n = store_column_int64(st, 0);
	store_done(st);
	return n;
}

static void
test_merged_claim_books_nothing(void **state)
{
	struct fixture *f = *state;
	char a[REGISTRY_PSEUDONYM_MAX + 1], b[REGISTRY_PSEUDONYM_MAX + 1], pair[40], why[160];
	char claim_a[CLAIM_ID_MAX + 1], claim_b[CLAIM_ID_MAX + 1];
	struct entitlements_diff *d = calloc(1, sizeof(*d));
	struct program *p = calloc(1, sizeof(*p));
	struct entitlements_run run;
	struct redress_error err;

	assert_non_null(d);
	assert_non_null(p);
	one_woman_twice(f, p, a, b);
	approved_claim(f, a, claim_a);
	approved_claim(f, b, claim_b);

	/* Merged with four eyes: b into a. */
	snprintf(pair, sizeof(pair), "%s,%s", a, b);
	assert_int_equal(resolve(f, &cid, pair, 1, CANARY_REASON, NULL, &err), REDRESS_OK);
	assert_int_equal(resolve(f, &cy, pair, 1, CANARY_REASON, NULL, &err), REDRESS_OK);

	/* A rule change's preview computes the same: one survivor owed, b's claim unresolved. */
	snprintf(why, sizeof(why), "claim %s: its victim %s was merged into %s: decide it on %s's file",
	         claim_b, b, a, a);
	as(f, &ada);
	if (entitlements_preview(f->lf->log, &ada, p, d, &err) != REDRESS_OK)
		fail_msg("preview: %s", err.message);
	assert_int_equal(d->new_run.unresolved, 1);
	assert_string_equal(d->new_run.first_unresolved, why);

	/* The run: one entitlement, a's; b's claim reported, not booked. */
	as(f, &fin);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (entitlements_compute(f->lf->log, &fin, "flagship-2015", &run, &err) != REDRESS_OK)
		fail_msg("run: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(run.booked, 1);
	assert_int_equal(run.total, 100000000);
	assert_int_equal(run.unresolved, 1);
	assert_string_equal(run.first_unresolved, why);
	assert_int_equal(booked(f, claim_a, a), 1);
	assert_int_equal(booked(f, claim_b, b), 0);
	assert_int_equal(booked(f, NULL, NULL), 1);

	/* Run again: still nothing for b. */
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(entitlements_compute(f->lf->log, &fin, "flagship-2015", &run, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(run.booked, 0);
	assert_int_equal(run.unresolved, 1);
	assert_int_equal(booked(f, NULL, NULL), 1);
	logfix_audit_clean(f->lf);
	entitlements_diff_free(d);
	free(d);
	free(p);
}

/*
 * A claim naming a person merged away is approved neither by a reviewer
 * nor by an overturned appeal, and no new one names her: it would pay her
 * on two files.  Each refusal changes nothing.
 */
static void
test_merged_claim_not_approved(void **state)
{
	struct fixture *f = *state;
	char a[REGISTRY_PSEUDONYM_MAX + 1], b[REGISTRY_PSEUDONYM_MAX + 1], pair[40];
	char claim_b[CLAIM_ID_MAX + 1], other[CLAIM_ID_MAX + 1];
	struct program *p = calloc(1, sizeof(*p));
	struct redress_error err;
	uint64_t size;

	assert_non_null(p);
	one_woman_twice(f, p, a, b);
	/* b's claim opened and submitted before anyone saw the pair. */
	as(f, &cid);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(claim_open(f->lf->log, &cid, "flagship-2015", b, NULL, claim_b, &err), REDRESS_OK);
	assert_int_equal(claim_submit(f->lf->log, &cid, claim_b, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);

	snprintf(pair, sizeof(pair), "%s,%s", a, b);
	assert_int_equal(resolve(f, &cid, pair, 1, CANARY_REASON, NULL, &err), REDRESS_OK);
	assert_int_equal(resolve(f, &cy, pair, 1, CANARY_REASON, NULL, &err), REDRESS_OK);

	size = logfix_size(f->lf);
	as(f, &rita);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(claim_approve(f->lf->log, &rita, &f->keys, claim_b, "consistent", &err),
	                 REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "was merged into"));
	assert_non_null(strstr(err.message, a));
	as(f, &cid);
	assert_int_equal(claim_open(f->lf->log, &cid, "flagship-2015", b, NULL, other, &err),
	                 REDRESS_E_CONFLICT);
	tlog_rollback(f->lf->log);
	assert_int_equal(logfix_size(f->lf), size);
	/* Denying it stays possible: that closes her duplicate file's claim. */
	as(f, &rita);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(claim_deny(f->lf->log, &rita, &f->keys, claim_b, "a duplicate file", &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	logfix_audit_clean(f->lf);
	free(p);
}

/* An entitlement booked before the merge is held out of every payment batch. */
static void
test_merged_entitlement_held(void **state)
{
	struct fixture *f = *state;
	char a[REGISTRY_PSEUDONYM_MAX + 1], b[REGISTRY_PSEUDONYM_MAX + 1], pair[40],
	    claim_b[CLAIM_ID_MAX + 1];
	struct program *p = calloc(1, sizeof(*p));
	struct payments_batch_run batch;
	struct entitlements_run run;
	struct redress_error err;
	uint64_t size;

	assert_non_null(p);
	one_woman_twice(f, p, a, b);
	approved_claim(f, b, claim_b);
	as(f, &fin);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(entitlements_compute(f->lf->log, &fin, "flagship-2015", &run, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(run.booked, 1);
	assert_int_equal(booked(f, claim_b, b), 1);

	/* Before the merge a batch would take it (she has no bank details: left for that alone). */
	as(f, &fin);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(payments_batch(f->lf->log, &fin, "flagship-2015", 0, &batch, &err), REDRESS_OK);
	tlog_rollback(f->lf->log);
	assert_int_equal(batch.no_bank, 1);
	assert_int_equal(batch.merged, 0);

	snprintf(pair, sizeof(pair), "%s,%s", a, b);
	assert_int_equal(resolve(f, &cid, pair, 1, CANARY_REASON, NULL, &err), REDRESS_OK);
	assert_int_equal(resolve(f, &cy, pair, 1, CANARY_REASON, NULL, &err), REDRESS_OK);

	/* After it: held, named as merged, nothing ordered. */
	as(f, &fin);
	size = logfix_size(f->lf);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(payments_batch(f->lf->log, &fin, "flagship-2015", 0, &batch, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(batch.merged, 1);
	assert_int_equal(batch.no_bank, 0);
	assert_int_equal(batch.orders, 0);
	assert_string_equal(batch.id, "");
	assert_int_equal(logfix_size(f->lf), size);
	logfix_audit_clean(f->lf);
	free(p);
}

static void
test_pair_parse(void **state)
{
	char x[REGISTRY_PSEUDONYM_MAX + 1], y[REGISTRY_PSEUDONYM_MAX + 1];
	struct redress_error err;

	(void)state;
	assert_int_equal(dups_pair_parse("V-000001,R-000002", x, y, &err), REDRESS_OK);
	assert_string_equal(x, "V-000001");
	assert_string_equal(y, "R-000002");
	assert_int_equal(dups_pair_parse("V-000001", x, y, &err), REDRESS_E_INVALID);
	assert_int_equal(dups_pair_parse("V-000001,", x, y, &err), REDRESS_E_INVALID);
	assert_int_equal(dups_pair_parse("V-1,V-2,V-3", x, y, &err), REDRESS_E_INVALID);
	assert_int_equal(dups_pair_parse("V-1,<b>", x, y, &err), REDRESS_E_INVALID);
	assert_int_equal(dups_pair_parse(NULL, x, y, &err), REDRESS_E_INVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_found_by_name_and_year, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_found_across_scripts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_correction_and_erasure_move_the_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_distinct_and_merge, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_merged_claim_books_nothing, setup_fund, teardown),
	    cmocka_unit_test_setup_teardown(test_merged_entitlement_held, setup_fund, teardown),
	    cmocka_unit_test_setup_teardown(test_merged_claim_not_approved, setup_fund, teardown),
	    cmocka_unit_test(test_pair_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
