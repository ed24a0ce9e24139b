/*
 * test_reports.c -- the public report: small-count suppression attacked
 * by every population a small table could come from; the figures of a
 * fixture population (paid, owed, waiting, declined, deaths, days to
 * payment, consent-only breakdowns); no pseudonym in any output; the same
 * bytes when nothing changed; verification of a real report and refusal
 * of altered figures, checkpoints and keys; audit of the reports table.
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

#include "crypto/keydir.h"
#include "crypto/sign.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/fund/fund.h"
#include "domain/ledger/ledger.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "domain/reports/report_svg.h"
#include "domain/reports/reports.h"
#include "http/api.h"
#include "log/audit.h"
#include "log/note.h"
#include "logfix.h"
#include "support.h"

/* ---- Suppression, attacked by brute force ---- */

#define ROWS 2
#define MAXV 6 /* enumerate every population with at most this many in each row */
/*
 * and this many among the hidden: an attacker knows no bound there, so
 * the bound must not be what pins a value (registered 8, consented 1 or
 * 2, is 6 or 7 hidden).
 */
#define MAXH   14
#define NCELLS (9 + 3 * ROWS)

/*
 * The report's shape with one breakdown of ROWS rows: registered, reached,
 * paid; their parts among people who consented (3, 4, 5) and the hidden
 * rest (6, 7, 8); rows of people, reached, paid.
 */
struct table {
	struct report_cell cells[NCELLS];
	struct report_group groups[6];
	size_t members[6][ROWS > 2 ? ROWS : 2];
};

static void
table_fill(struct table *t, const int people[ROWS], const int reached[ROWS], const int paid[ROWS], int hp,
           int hr, int hpd)
{
	size_t i, r;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < NCELLS; i++) {
		t->cells[i].le = -1;
		t->cells[i].cost = 10;
	}
	for (r = 0; r < ROWS; r++) {
		size_t j = 9 + 3 * r;

		t->cells[j].value = people[r];
		t->cells[j + 1].value = reached[r];
		t->cells[j + 2].value = paid[r];
		t->cells[j + 1].le = t->cells[j + 2].le = (long)j;
		t->cells[j].cost = t->cells[j + 1].cost = t->cells[j + 2].cost = 1;
		t->cells[j].droppable = t->cells[j + 1].droppable = t->cells[j + 2].droppable = 1;
		t->cells[3].value += people[r];
		t->cells[4].value += reached[r];
		t->cells[5].value += paid[r];
	}
	t->cells[6].value = hp;
	t->cells[7].value = hr;
	t->cells[8].value = hpd;
	t->cells[6].hidden = t->cells[7].hidden = t->cells[8].hidden = 1;
	t->cells[7].le = t->cells[8].le = 6;
	t->cells[4].le = t->cells[5].le = 3;
	t->cells[0].value = t->cells[3].value + hp;
	t->cells[1].value = t->cells[4].value + hr;
	t->cells[2].value = t->cells[5].value + hpd;
	t->cells[1].le = 0;
	t->cells[4].droppable = t->cells[5].droppable = 1;
	for (i = 0; i < 3; i++) {
		t->groups[i].total = i;
		t->members[i][0] = 3 + i;
		t->members[i][1] = 6 + i;
		t->groups[i].members = t->members[i];
		t->groups[i].n = 2;
	}
	for (i = 0; i < 3; i++) {
		t->groups[3 + i].total = 3 + i;
		for (r = 0; r < ROWS; r++)
			t->members[3 + i][r] = 9 + 3 * r + i;
		t->groups[3 + i].members = t->members[3 + i];
		t->groups[3 + i].n = ROWS;
	}
}

/* Whether value v agrees with what cell c publishes, as an attacker reads it. */
static int
agrees(const struct report_cell *c, int64_t v, int k)
{
	if (c->hidden || c->mark == REPORT_DROPPED)
		return 1;
	switch (c->mark) {
	case REPORT_SHOWN: return v == c->value;
	case REPORT_FEWER: return v >= 1 && v < k;
	default: return v == 0 || v >= k;
	}
}

/*
 * Every population (rows and hidden parts up to MAXV) that gives the
 * published table: each count published as "fewer than k" or hidden with
 * 1..k-1 must take at least two values among them.
 */
static void
attack(const struct table *pub, int k)
{
	uint64_t seen[NCELLS] = {0}; /* bit v: value v is possible */
	int p[ROWS], re[ROWS], pa[ROWS], hp, hr, hpd;
	struct table t;
	size_t i;

	/* Two rows: nested loops over each row's (people, reached, paid) and the hidden (people, reached,
	 * paid). */
	for (p[0] = 0; p[0] <= MAXV; p[0]++)
		for (re[0] = 0; re[0] <= p[0]; re[0]++)
			for (pa[0] = 0; pa[0] <= p[0]; pa[0]++)
				for (p[1] = 0; p[1] <= MAXV; p[1]++)
					for (re[1] = 0; re[1] <= p[1]; re[1]++)
						for (pa[1] = 0; pa[1] <= p[1]; pa[1]++) {
							int ok = 1;

							for (i = 0; i < ROWS && ok; i++)
								ok =
								    agrees(&pub->cells[9 + 3 * i], p[i], k) &&
								    agrees(&pub->cells[10 + 3 * i], re[i],
								           k) &&
								    agrees(&pub->cells[11 + 3 * i], pa[i], k);
							if (!ok || !agrees(&pub->cells[3], p[0] + p[1], k) ||
							    !agrees(&pub->cells[4], re[0] + re[1], k) ||
							    !agrees(&pub->cells[5], pa[0] + pa[1], k))
								continue;
							for (hp = 0; hp <= MAXH; hp++)
								for (hr = 0; hr <= hp; hr++)
									for (hpd = 0; hpd <= hp; hpd++) {
										table_fill(&t, p, re, pa, hp,
										           hr, hpd);
										for (i = 0; i < 3 && ok; i++)
											ok = agrees(
											    &pub->cells[i],
											    t.cells[i].value,
											    k);
										if (!ok) {
											ok = 1;
											continue;
										}
										for (i = 0; i < NCELLS; i++)
											seen[i] |=
											    (uint64_t)1
											    << t.cells[i]
											           .value;
									}
						}
	for (i = 0; i < NCELLS; i++) {
		if (pub->cells[i].mark != REPORT_FEWER)
			continue;
		if ((seen[i] & (seen[i] - 1)) == 0) {
			char line[256];
			size_t j;
			int n = 0;

			for (j = 0; j < NCELLS; j++)
				n += snprintf(line + n, sizeof(line) - (size_t)n, "%lld%s ",
				              (long long)pub->cells[j].value,
				              pub->cells[j].mark == REPORT_SHOWN      ? ""
				              : pub->cells[j].mark == REPORT_FEWER    ? "f"
				              : pub->cells[j].mark == REPORT_WITHHELD ? "w"
				                                                      : "d");
			fail_msg("cell %zu (%lld) is pinned by the published table: %s", i,
			         (long long)pub->cells[i].value, line);
		}
	}
}

static void
test_suppress_attacked(void **state)
{
	/* Tables chosen to tempt each derivation, then random ones. */
	static const int fixed[][9] = {
	    /* people, reached, paid per row; hidden people, reached, paid */
	    {1, 1, 1, 5, 5, 5, 0, 0, 0}, /* one lone person in a row */
	    {1, 0, 0, 1, 0, 0, 5, 0, 0}, /* two ones that sum to a shown total */
	    {5, 5, 5, 5, 5, 5, 1, 0, 0}, /* one person without consent: registered - consented */
	    {4, 4, 4, 4, 4, 4, 0, 0, 0}, /* all k-1 */
	    {6, 5, 1, 6, 1, 5, 2, 1, 1}, {0, 0, 0, 2, 2, 2, 6, 6, 6},
	};
	struct redress_error err;
	struct table t;
	uint64_t seed = 42;
	size_t n, i;
	int k;

	(void)state;
	for (n = 0; n < sizeof(fixed) / sizeof(fixed[0]) + 14; n++) {
		int p[ROWS], re[ROWS], pa[ROWS], h[3];

		if (n < sizeof(fixed) / sizeof(fixed[0])) {
			for (i = 0; i < ROWS; i++) {
				p[i] = fixed[n][3 * i];
				re[i] = fixed[n][3 * i + 1];
				pa[i] = fixed[n][3 * i + 2];
			}
			for (i = 0; i < 3; i++)
				h[i] = fixed[n][6 + i];
		} else {
			for (i = 0; i < ROWS; i++) {
				p[i] = (int)(support_random(&seed) % 6);
				re[i] = p[i] ? (int)(support_random(&seed) % (uint64_t)(p[i] + 1)) : 0;
				pa[i] = p[i] ? (int)(support_random(&seed) % (uint64_t)(p[i] + 1)) : 0;
			}
			h[0] = (int)(support_random(&seed) % 6);
			h[1] = h[0] ? (int)(support_random(&seed) % (uint64_t)(h[0] + 1)) : 0;
			h[2] = h[0] ? (int)(support_random(&seed) % (uint64_t)(h[0] + 1)) : 0;
		}
		for (k = 3; k <= 5; k += 2) {
			table_fill(&t, p, re, pa, h[0], h[1], h[2]);
			for (i = 0; i < 6; i++)
				t.groups[i].members = t.members[i];
			assert_int_equal(report_suppress(t.cells, NCELLS, t.groups, 6, k, &err), REDRESS_OK);
			/* Primary suppression: exactly the counts 1..k-1 say "fewer than k". */
			for (i = 0; i < NCELLS; i++)
				if (t.cells[i].mark != REPORT_DROPPED)
					assert_int_equal(t.cells[i].mark == REPORT_FEWER,
					                 t.cells[i].value >= 1 && t.cells[i].value < k);
			attack(&t, k);
		}
	}
}

static void
test_suppress_refusals(void **state)
{
	struct redress_error err;
	struct report_cell cells[3] = {
	    {3, 0, 0, 0, -1, REPORT_SHOWN}, {1, 0, 0, 0, -1, REPORT_SHOWN}, {1, 0, 0, 0, -1, REPORT_SHOWN}};
	const size_t members[2] = {1, 2};
	const struct report_group g = {0, members, 2};

	(void)state;
	assert_int_equal(report_suppress(cells, 3, &g, 1, 2, &err), REDRESS_E_INVALID);
	assert_int_equal(report_suppress(cells, 3, &g, 1, 101, &err), REDRESS_E_INVALID);
	/* 3 = 1 + 1 does not hold. */
	assert_int_equal(report_suppress(cells, 3, &g, 1, 5, &err), REDRESS_E_INVALID);
	cells[0].value = 2;
	assert_int_equal(report_suppress(cells, 3, &g, 1, 5, &err), REDRESS_OK);
	assert_int_equal(cells[1].mark, REPORT_FEWER);
}

/* ---- A population, its figures and its report ---- */

static const struct event_module *const modules[] = {
    &ledger_module,       &users_module,   &registry_module, &programs_module, &claims_module,
    &entitlements_module, &pledges_module, &reports_module,  &casework_module, NULL};

static const char program_text[] =
    "{\"code\": \"flagship-2015\", \"name\": \"Flagship <&> \\\"Fund\\\"\", \"currency\": \"KRW\","
    " \"cutoff\": \"2015-12-28\", \"accounts\": {\"fund\": \"bank:krw\", \"payable\": "
    "\"payable:flagship-2015\","
    " \"expense\": \"benefits:flagship-2015\"},"
    " \"benefits\": {\"survivor\": \"100000000\", \"bereaved\": \"20000000\"}, \"approvals\": 2}";

struct fix {
	struct logfix *lf;
	struct actor boot, monitor, finance;
};

/* YYYY-MM-DD, days after today (UTC). */
static void
day_after(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static void sql(struct fix *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sql(struct fix *f, const char *fmt, ...)
{
	char text[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	logfix_tamper(f->lf, text);
}

/*
 * 30 people V-000001..V-000030 (registered at event 0, today): 1-24
 * consent to statistics, 25 consented then withdrew; 1-21 consulted, 2, 3
 * and 21 last declined; 12 approved claims; entitlements of 100,000,000:
 * 1-10 paid i days after registration, 11, 12 queued, 13 batched, 14
 * returned, 15 declined, 16 moved at her death, 17 dead and still queued.
 */
static int
setup(void **state)
{
	static const char *const regions[] = {"KR-11", "KR-26", "JP-13"};
	struct fix *f = calloc(1, sizeof(*f));
	struct redress_error err;
	struct program p;
	char day[11];
	int i;

	assert_non_null(f);
	f->lf = logfix_new(modules, "test.example/reports");
	users_bootstrap_actor("os:tester", &f->boot);
	f->monitor.role = ROLE_MONITOR;
	memcpy(f->monitor.name, "mon", 4);
	f->finance.role = ROLE_FINANCE;
	memcpy(f->finance.name, "fin", 4);
	assert_int_equal(program_parse(program_text, strlen(program_text), &p, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(program_add(f->lf->log, &f->boot, &p, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	for (i = 1; i <= 30; i++) {
		sql(f,
		    "INSERT INTO registry_persons VALUES ('V-%06d', 'victim', '%s', %s, %d, '%s', 'ko', 0, "
		    "'x', NULL, 0,"
		    " %s, NULL)",
		    i, i == 16 || i == 17 ? "deceased" : "alive",
		    i == 16 || i == 17 ? "'2026-01-01'" : "NULL", 1925 + i % 10, regions[i % 3],
		    i == 16 || i == 17 ? "1" : "NULL");
		if (i <= 25)
			sql(f,
			    "INSERT INTO registry_consents VALUES (%d, 'V-%06d', 'statistics', 1, 'x', NULL, "
			    "'a', 't')",
			    1000 + i, i);
		if (i <= 21)
			sql(f,
			    "INSERT INTO registry_consultations VALUES (%d, 'V-%06d', '%s', NULL, 'a', 't')",
			    2000 + i, i,
			    i == 2    ? "accept"
			    : i == 21 ? "decline"
			              : "undecided");
		if (i <= 13)
			sql(f,
			    "INSERT INTO claims_claims VALUES ('C-%06d', 'flagship-2015', 'V-%06d', "
			    "'V-%06d', '%s', 'u', 2,"
			    " 2, 1, 0, 1, 1, 0, 0, 0)",
			    i, i, i, i <= 12 ? "approved" : "submitted");
		if (i <= 17) {
			static const char *const states[] = {"queued",   "queued", "batched", "returned",
			                                     "declined", "moved",  "queued"};

			day_after(i, day);
			sql(f,
			    "INSERT INTO entitlements VALUES ('E-C-%06d-V-%06d', 'C-%06d', 'flagship-2015', "
			    "'V-%06d',"
			    " 100000000, 'KRW', 'survivor', '%s', NULL, 1, NULL, %s%s%s, NULL, NULL)",
			    i, i, i, i, i <= 10 ? "paid" : states[i - 11], i <= 10 ? "'" : "",
			    i <= 10 ? day : "NULL", i <= 10 ? "'" : "");
		}
	}
	sql(f,
	    "INSERT INTO registry_consents VALUES (3000, 'V-000025', 'statistics', 0, 'x', NULL, 'a', 't')");
	sql(f, "INSERT INTO registry_consultations VALUES (3001, 'V-000002', 'decline', NULL, 'a', 't')");
	sql(f, "INSERT INTO registry_consultations VALUES (3002, 'V-000003', 'decline', NULL, 'a', 't')");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	if (f->lf != NULL)
		logfix_free(f->lf);
	free(f);
	return 0;
}

static void
check_count(const struct report_count *c, int64_t want, int k)
{
	assert_int_equal(c->value, want);
	if (want >= 1 && want < k)
		assert_int_equal(c->mark, REPORT_FEWER);
}

/*
 * The casework counts: eligible (alive victims), applied, grievances
 * opened, resolved and overdue on the day of the last event (the fund's 30
 * days, or the program's "casework.grievance_days"), appeals opened,
 * upheld and overturned; small ones "fewer than k"; a program's limit
 * refused out of range or with an unknown field.
 */
static void
test_casework_counts(void **state)
{
	static const char short_text[] =
	    "{\"code\": \"short-2015\", \"name\": \"Short\", \"currency\": \"KRW\", \"cutoff\": "
	    "\"2015-12-28\","
	    " \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:short-2015\","
	    " \"expense\": \"benefits:short-2015\"},"
	    " \"benefits\": {\"survivor\": \"100\", \"bereaved\": \"20\"}, \"approvals\": 2,"
	    " \"casework\": {\"grievance_days\": 5}}";
	struct fix *f = *state;
	struct redress_error err;
	struct program p;
	struct report r;
	char d40[11], d10[11], d0[11], text[600];

	day_after(-40, d40);
	day_after(-10, d10);
	day_after(0, d0);
	sql(f,
	    "INSERT INTO casework_grievances VALUES (5001, 'V-000001', 'letter', 's1:x', 'u', "
	    "'%sT09:00:00Z'),"
	    " (5002, 'V-000002', 'phone', 's1:x', 'u', '%sT09:00:00Z'),"
	    " (5003, 'V-000003', 'phone', 's1:x', 'u', '%sT09:00:00Z'),"
	    " (5004, 'V-000004', 'visit', 's1:x', 'u', '%sT00:00:00Z')",
	    d40, d10, d10, d0);
	sql(f, "INSERT INTO casework_grievances_resolved VALUES (5003, 5005, 's1:x', 'u', '%sT10:00:00Z')",
	    d0);
	sql(f,
	    "INSERT INTO claims_decisions VALUES (6001, 'C-000001', 'appealed', 1, 'u', NULL),"
	    " (6002, 'C-000002', 'appealed', 1, 'u', NULL), (6003, 'C-000003', 'appealed', 1, 'u', NULL),"
	    " (6004, 'C-000004', 'appealed', 1, 'u', NULL), (6005, 'C-000001', 'overturned', 1, 'a', 's1:r'),"
	    " (6006, 'C-000002', 'overturned', 1, 'a', 's1:r'), (6007, 'C-000003', 'overturned', 1, 'a', "
	    "'s1:r'),"
	    " (6008, 'C-000004', 'upheld', 1, 'a', 's1:r')");
	report_init(&r);
	assert_int_equal(report_compute(f->lf->log, "flagship-2015", 3, &r, &err), REDRESS_OK);
	check_count(&r.eligible, 28, 3);
	check_count(&r.applied, 13, 3);
	check_count(&r.grievances_opened, 4, 3);
	check_count(&r.grievances_resolved, 1, 3);
	check_count(&r.grievances_overdue, 1, 3); /* 40 days open; 10 and 0 are within 30 */
	assert_int_equal(r.grievance_days, 30);
	check_count(&r.appeals_opened, 4, 3);
	check_count(&r.appeals_overturned, 3, 3);
	check_count(&r.appeals_upheld, 1, 3);
	/* Opened 4 less overturned 3 would give the one upheld: one of the two is withheld. */
	assert_true(r.appeals_opened.mark == REPORT_WITHHELD || r.appeals_overturned.mark == REPORT_WITHHELD);
	report_free(&r);

	/* A program's own limit: 5 days, so the grievance of 10 days is overdue too. */
	assert_int_equal(program_parse(short_text, strlen(short_text), &p, &err), REDRESS_OK);
	assert_int_equal(p.rules.grievance_days, 5);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	if (program_add(f->lf->log, &f->boot, &p, &err) != REDRESS_OK)
		fail_msg("program_add: %s", err.message);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	report_init(&r);
	assert_int_equal(report_compute(f->lf->log, "short-2015", 3, &r, &err), REDRESS_OK);
	assert_int_equal(r.grievance_days, 5);
	check_count(&r.grievances_overdue, 2, 3);
	check_count(&r.applied, 0, 3);
	report_free(&r);

	/* Bad limits are refused by name. */
	snprintf(text, sizeof(text), "%.*s0}}", (int)(strlen(short_text) - 3), short_text);
	assert_int_equal(program_parse(text, strlen(text), &p, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "casework.grievance_days"));
	snprintf(text, sizeof(text), "%.*s5, \"colour\": 1}}", (int)(strlen(short_text) - 3), short_text);
	assert_int_equal(program_parse(text, strlen(text), &p, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "casework.colour"));
}

static void
test_figures(void **state)
{
	struct fix *f = *state;
	struct redress_error err;
	struct report r;
	int64_t people = 0, sum;
	size_t i;

	report_init(&r);
	assert_int_equal(report_compute(f->lf->log, "flagship-2015", 5, &r, &err), REDRESS_OK);
	check_count(&r.registered, 30, 5);
	check_count(&r.reached, 21, 5);
	check_count(&r.declined, 3, 5);
	check_count(&r.consented, 24, 5);
	check_count(&r.approved, 12, 5);
	check_count(&r.paid, 10, 5);
	check_count(&r.waiting, 5, 5);
	check_count(&r.deaths, 2, 5);
	assert_int_equal(r.amount_paid, 1000000000);
	assert_int_equal(r.amount_owed, 500000000); /* queued, batched, returned; never declined or moved */
	assert_int_equal(r.days_shown, 1);
	assert_int_equal(r.days_median, 5);
	assert_int_equal(r.days_p90, 9);
	assert_int_equal(r.size, logfix_size(f->lf));
	/* Breakdowns count only the 24 who consented; each row is one region. */
	assert_int_equal(r.by_region.n, 3);
	for (i = 0, sum = 0; i < r.by_region.n; i++)
		sum += r.by_region.rows[i].people.value;
	assert_int_equal(sum, 24);
	for (i = 0, people = 0; i < r.by_decade.n; i++)
		people += r.by_decade.rows[i].people.value;
	assert_int_equal(people, 24);
	assert_string_equal(r.by_region.rows[0].group, "JP-13");
	assert_int_equal(r.consented_paid.value, 10);
	/* Fewer than k paid: no quantiles. */
	report_free(&r);
	sql(f, "UPDATE entitlements SET state = 'queued', paid_on = NULL WHERE beneficiary > 'V-000004'"
	       " AND state = 'paid'");
	report_init(&r);
	assert_int_equal(report_compute(f->lf->log, "flagship-2015", 5, &r, &err), REDRESS_OK);
	assert_int_equal(r.paid.value, 4);
	assert_int_equal(r.paid.mark, REPORT_FEWER);
	assert_int_equal(r.days_shown, 0);
	report_free(&r);
	report_init(&r);
	assert_int_equal(report_compute(f->lf->log, "no-such", 5, &r, &err), REDRESS_E_NOTFOUND);
	assert_int_equal(report_compute(f->lf->log, "flagship-2015", 2, &r, &err), REDRESS_E_INVALID);
	report_free(&r);
}

static void
render_all(struct report_published *pub, struct buf *json, struct buf *csv, struct buf *html)
{
	struct redress_error err;

	buf_init(json, REPORT_MAX_BYTES * 2);
	buf_init(csv, REPORT_MAX_BYTES);
	buf_init(html, REPORT_MAX_BYTES * 2);
	assert_int_equal(report_render_json(pub, json, &err), REDRESS_OK);
	assert_int_equal(report_render_csv(pub, csv, &err), REDRESS_OK);
	assert_int_equal(report_render_html(pub, html, &err), REDRESS_OK);
}

/* Frees two published reports and their renderings (render_all's). */
static void
free_two(struct report_published *a, struct report_published *b, struct buf *ja, struct buf *ca,
         struct buf *ha, struct buf *jb, struct buf *cb, struct buf *hb)
{
	report_published_free(a);
	report_published_free(b);
	free(a);
	free(b);
	buf_free(ja);
	buf_free(ca);
	buf_free(ha);
	buf_free(jb);
	buf_free(cb);
	buf_free(hb);
}

static void
publish(struct fix *f, int k, struct report_published *pub)
{
	struct redress_error err;

	report_published_init(pub);
	assert_int_equal(report_publish(f->lf->log, &f->monitor, "flagship-2015", k, pub, &err), REDRESS_OK);
}

static void
test_same_bytes_and_no_pseudonym(void **state)
{
	struct fix *f = *state;
	struct report_published *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	struct buf ja, ca, ha, jb, cb, hb;
	struct redress_error err;
	struct report r1, r2;
	struct buf e1, e2;
	uint64_t size;
	char id[PLEDGE_ID_MAX + 1];

	assert_non_null(a);
	assert_non_null(b);
	/* The body is a function of the tables: computed twice, the same bytes. */
	report_init(&r1);
	report_init(&r2);
	buf_init(&e1, REPORT_MAX_BYTES);
	buf_init(&e2, REPORT_MAX_BYTES);
	assert_int_equal(report_compute(f->lf->log, "flagship-2015", 5, &r1, &err), REDRESS_OK);
	assert_int_equal(report_compute(f->lf->log, "flagship-2015", 5, &r2, &err), REDRESS_OK);
	assert_int_equal(report_encode(&r1, &e1, &err), REDRESS_OK);
	assert_int_equal(report_encode(&r2, &e2, &err), REDRESS_OK);
	assert_int_equal(e1.len, e2.len);
	assert_memory_equal(e1.data, e2.data, e1.len);
	report_free(&r1);
	report_free(&r2);
	buf_free(&e1);
	buf_free(&e2);

	/* Published, then published again with nothing changed: nothing appended, the same bytes. */
	publish(f, 5, a);
	assert_int_equal(a->reused, 0);
	assert_int_equal(a->seq, a->report.size);
	size = logfix_size(f->lf);
	publish(f, 5, b);
	assert_int_equal(b->reused, 1);
	assert_int_equal(logfix_size(f->lf), size);
	render_all(a, &ja, &ca, &ha);
	render_all(b, &jb, &cb, &hb);
	assert_int_equal(ja.len, jb.len);
	assert_memory_equal(ja.data, jb.data, ja.len);
	assert_int_equal(ca.len, cb.len);
	assert_memory_equal(ca.data, cb.data, ca.len);
	assert_int_equal(ha.len, hb.len);
	assert_memory_equal(ha.data, hb.data, ha.len);
	/* No pseudonym, in any format; the program's name escaped in HTML. */
	assert_null(strstr(ja.data, "V-0"));
	assert_null(strstr(ca.data, "V-0"));
	assert_null(strstr(ha.data, "V-0"));
	assert_null(strstr(ja.data, "E-C-"));
	assert_null(strstr(ha.data, "<&>"));
	assert_non_null(strstr(ha.data, "Flagship &lt;&amp;&gt; &quot;Fund&quot;"));
	assert_non_null(strstr(ha.data, "<svg"));
	assert_null(strstr(ha.data, "<script"));
	assert_non_null(strstr(ca.data, "\"Flagship <&> \"\"Fund\"\"\""));
	assert_non_null(strstr(ca.data, "people,,declined payment,fewer than 5,people"));
	/* Another k is another report. */
	report_published_free(b);
	publish(f, 3, b);
	assert_int_equal(b->reused, 0);
	assert_int_equal(logfix_size(f->lf), size + 1);
	/* After a change, a new report at the new size. */
	report_published_free(b);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(
	    pledge_add(f->lf->log, &f->finance, "flagship-2015", "Donor", "5", "USD", NULL, id, &err),
	    REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	publish(f, 5, b);
	assert_int_equal(b->reused, 0);
	assert_int_equal(b->report.npledged, 1);
	assert_string_equal(b->report.pledged[0].currency, "USD");
	free_two(a, b, &ja, &ca, &ha, &jb, &cb, &hb);
}

/* Replaces the first occurrence of from in text (NUL-terminated, room for the change) by to. */
static int
replace(char *text, size_t size, const char *from, const char *to)
{
	char *at = strstr(text, from);
	size_t tail;

	if (at == NULL)
		return 0;
	tail = strlen(at + strlen(from));
	assert_true(strlen(text) - strlen(from) + strlen(to) < size);
	memmove(at + strlen(to), at + strlen(from), tail + 1);
	memcpy(at, to, strlen(to));
	return 1;
}

static enum redress_err
verify_altered(const struct buf *json, const char *vkey, const char *from, const char *to,
               struct redress_error *err)
{
	size_t size = json->len + 256;
	char *copy = malloc(size);
	struct report_verified v;
	enum redress_err rc;

	assert_non_null(copy);
	memcpy(copy, json->data, json->len + 1);
	assert_true(replace(copy, size, from, to));
	rc = report_verify(copy, strlen(copy), vkey, &v, err);
	free(copy);
	return rc;
}

/* The JSON the public page serves for flagship-2015 (report_shown_load), into json; its seq and k. */
static enum redress_err
shown_json(struct fix *f, struct buf *json, uint64_t *seq_r, int *k_r, struct redress_error *err)
{
	struct report_published *pub = malloc(sizeof(*pub));
	enum redress_err rc;

	assert_non_null(pub);
	report_published_init(pub);
	buf_reset(json);
	if ((rc = report_shown_load(f->lf->log, "flagship-2015", pub, err)) == REDRESS_OK &&
	    (rc = report_render_json(pub, json, err)) == REDRESS_OK) {
		*seq_r = pub->seq;
		*k_r = pub->report.k;
	}
	report_published_free(pub);
	free(pub);
	return rc;
}

/* How many of the audit's findings contain needle. */
static unsigned
audit_naming(struct fix *f, const char *needle)
{
	struct audit_report *r = calloc(1, sizeof(*r));
	struct redress_error err;
	unsigned i, n = 0;

	assert_non_null(r);
	if (audit_verify(f->lf->log, sign_key_public(keydir_log_key(f->lf->kd)), r, &err) != REDRESS_OK)
		fail_msg("audit: %s", err.message);
	for (i = 0; i < r->nfindings; i++)
		if (strstr(r->findings[i], needle) != NULL)
			n++;
		else
			fprintf(stderr, "finding: %s\n", r->findings[i]);
	free(r);
	return n;
}

/* vkey of the log as it signs now, without its trailing newline. */
static void
log_vkey(struct fix *f, struct buf *vkey)
{
	struct redress_error err;

	buf_reset(vkey);
	assert_int_equal(tlog_vkey(f->lf->log, vkey, &err), REDRESS_OK);
	while (vkey->len > 0 && vkey->data[vkey->len - 1] == '\n')
		vkey->data[--vkey->len] = '\0';
}

/*
 * The public page shows the program's latest published report, whoever
 * published it (the server's function, report_publish as `report public`
 * does, fund close's final reports), rendered from the log: the same bytes
 * report_publish gave, verifiable after a witness's cosignature and a
 * rotation of the log's key.  Its reports_published row deleted, or its
 * seq changed, is named by the audit's replay; a seq naming no report is
 * REDRESS_E_TAMPERED, never shown.
 */
static void
test_shown_latest(void **state)
{
	struct fix *f = *state;
	struct report_published *b = malloc(sizeof(*b));
	struct tlog_public projection = report_feed_public(keydir_index_key(f->lf->kd));
	struct buf json, jb, first_vkey;
	struct fund_reports final;
	struct sign_key *next = NULL;
	struct report_verified v;
	struct redress_error err;
	uint64_t seq = 0, a_seq, c_seq;
	int k = 0;

	assert_non_null(b);
	buf_init(&json, REPORT_MAX_BYTES * 2);
	buf_init(&jb, REPORT_MAX_BYTES * 2);
	buf_init(&first_vkey, 4096);
	/* The fixture's people were written behind the log's back: gone, so that the audit finds nothing. */
	sql(f, "DELETE FROM entitlements; DELETE FROM claims_claims; DELETE FROM registry_consultations;"
	       " DELETE FROM registry_consents; DELETE FROM registry_persons");
	/* Version-3 events, as the server writes: the report's public part is in its JSON. */
	tlog_set_public(f->lf->log, &projection);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_E_NOTFOUND);

	/* The server's publish (k 5), then report_publish as the command line (k 3): the later is shown. */
	assert_int_equal(api_reports_publish_default(f->lf->log, &f->monitor, "flagship-2015", &err),
	                 REDRESS_OK);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_OK);
	assert_int_equal(k, REPORT_K_DEFAULT);
	a_seq = seq;
	publish(f, 3, b);
	assert_true(b->seq > a_seq);
	assert_int_equal(report_render_json(b, &jb, &err), REDRESS_OK);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_OK);
	assert_int_equal(seq, b->seq);
	assert_int_equal(k, 3);
	/* Byte for byte what report_publish gave. */
	assert_int_equal(json.len, jb.len);
	assert_memory_equal(json.data, jb.data, jb.len);

	/* A third, by fund close's final reports (k 7). */
	fund_reports_init(&final);
	assert_int_equal(fund_reports_publish(f->lf->log, &f->boot, 7, &final, &err), REDRESS_OK);
	fund_reports_free(&final);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_OK);
	assert_true(seq > b->seq);
	assert_int_equal(k, 7);
	c_seq = seq;
	assert_int_equal(audit_naming(f, ""), 0);

	/* A witness's cosignature, a new log key (an event of its own): still served, and it verifies. */
	log_vkey(f, &first_vkey);
	assert_int_equal(tlog_cosign_add(f->lf->log, logfix_size(f->lf), "witness.example",
	                                 "\xe2\x80\x94 witness.example AAAA\n", &err),
	                 REDRESS_OK);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_OK);
	assert_non_null(strstr(json.data, "witness.example AAAA"));
	assert_int_equal(sign_key_generate(&next, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(tlog_rotate_key(f->lf->log, next, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_OK);
	assert_int_equal(seq, c_seq);
	/* Against the key the fund published first, the handovers in the JSON leading on. */
	if (report_verify(json.data, json.len, first_vkey.data, &v, &err) != REDRESS_OK)
		fail_msg("the served report against the log's key: %s", err.message);
	assert_int_equal(v.seq, c_seq);
	assert_true(v.proof_size > c_seq + 1);
	assert_int_equal(audit_naming(f, "reports_published"), 0);

	/*
	 * The latest row's seq changed: lower, the report before is shown; to an
	 * event that is no report, refused.  The audit names both.
	 */
	sql(f, "UPDATE reports_published SET seq = 0 WHERE seq = %llu", (unsigned long long)c_seq);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_OK);
	assert_int_equal(seq, b->seq);
	assert_int_not_equal(audit_naming(f, "reports_published"), 0);
	sql(f, "UPDATE reports_published SET seq = %llu WHERE seq = 0", (unsigned long long)(c_seq + 1));
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_E_TAMPERED);
	assert_non_null(strstr(err.message, "names event"));
	assert_int_not_equal(audit_naming(f, "reports_published"), 0);
	sql(f, "UPDATE reports_published SET seq = %llu WHERE seq = %llu", (unsigned long long)c_seq,
	    (unsigned long long)(c_seq + 1));
	assert_int_equal(audit_naming(f, "reports_published"), 0);
	/* Deleted: the one before is shown, and the audit names the missing row. */
	sql(f, "DELETE FROM reports_published WHERE seq = %llu", (unsigned long long)c_seq);
	assert_int_equal(shown_json(f, &json, &seq, &k, &err), REDRESS_OK);
	assert_int_equal(seq, b->seq);
	assert_int_not_equal(audit_naming(f, "reports_published"), 0);

	report_published_free(b);
	free(b);
	buf_free(&json);
	buf_free(&jb);
	buf_free(&first_vkey);
	/* The log signs with next no more once closed: the fixture's teardown closes it first. */
	logfix_free(f->lf);
	f->lf = NULL;
	sign_key_free(&next);
}

/*
 * A program's name that a spreadsheet would run as a formula
 * (=HYPERLINK(...), +, -, @, a tab or CR first) comes out of the CSV with
 * a quote before it, as OWASP advises; a number stays a number.
 */
static void
test_csv_formula(void **state)
{
	struct fix *f = *state;
	struct report_published *pub = malloc(sizeof(*pub));
	static const char *const names[] = {
	    "=HYPERLINK(\"http://evil.example/\",\"x\")", "+1+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"};
	struct redress_error err;
	struct buf csv;
	size_t i;

	assert_non_null(pub);
	publish(f, 5, pub);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(pub->report.program_name, sizeof(pub->report.program_name), "%s", names[i]);
		buf_init(&csv, REPORT_MAX_BYTES);
		assert_int_equal(report_render_csv(pub, &csv, &err), REDRESS_OK);
		if (strstr(csv.data, ",name,") == NULL)
			fail_msg("no name row: %s", csv.data);
		/* The value after "program,,name," starts with the quote (inside the field's own quotes, if
		 * any). */
		{
			const char *v = strstr(csv.data, "program,,name,") + strlen("program,,name,");

			if (*v == '"')
				v++;
			if (*v != '\'')
				fail_msg("the name %s came out as a formula: %.60s", names[i], v);
		}
		buf_free(&csv);
	}
	/* A negative amount is a number, not a formula: left as it is. */
	buf_init(&csv, REPORT_MAX_BYTES);
	snprintf(pub->report.program_name, sizeof(pub->report.program_name), "-12.50");
	assert_int_equal(report_render_csv(pub, &csv, &err), REDRESS_OK);
	assert_non_null(strstr(csv.data, "program,,name,-12.50,\r\n"));
	buf_free(&csv);
	report_published_free(pub);
	free(pub);
}

static void
test_verify(void **state)
{
	struct fix *f = *state;
	struct report_published *pub = malloc(sizeof(*pub));
	struct buf json, csv, html, vkey, other;
	struct report_verified v;
	struct redress_error err;
	struct keydir *kd2;
	char dir[64], keys[96], cmd[128];

	assert_non_null(pub);
	publish(f, 5, pub);
	render_all(pub, &json, &csv, &html);
	buf_init(&vkey, 4096);
	assert_int_equal(tlog_vkey(f->lf->log, &vkey, &err), REDRESS_OK);
	while (vkey.len > 0 && vkey.data[vkey.len - 1] == '\n')
		vkey.data[--vkey.len] = '\0';
	assert_int_equal(report_verify(json.data, json.len, vkey.data, &v, &err), REDRESS_OK);
	assert_int_equal(v.seq, pub->seq);
	assert_int_equal(v.computed_at, pub->report.size);
	assert_string_equal(v.program, "flagship-2015");
	/* An altered figure, anywhere in the body. */
	assert_int_equal(verify_altered(&json, vkey.data, "\"registered\": 30", "\"registered\": 31", &err),
	                 REDRESS_E_CRYPTO);
	assert_int_equal(
	    verify_altered(&json, vkey.data, "\"paid\": 1000000000", "\"paid\": 1000000001", &err),
	    REDRESS_E_CRYPTO);
	assert_int_equal(
	    verify_altered(&json, vkey.data, "\"declined\": \"fewer than 5\"", "\"declined\": 3", &err),
	    REDRESS_E_CRYPTO);
	assert_int_equal(verify_altered(&json, vkey.data, "\"median\": 5", "\"median\": 4", &err),
	                 REDRESS_E_CRYPTO);
	/* A number with a fraction, a renamed member, the event's time or place. */
	assert_int_equal(verify_altered(&json, vkey.data, "\"registered\": 30", "\"registered\": 30.0", &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(verify_altered(&json, vkey.data, "\"reached\"", "\"Reached\"", &err),
	                 REDRESS_E_CRYPTO);
	assert_int_equal(verify_altered(&json, vkey.data, "\"at\": \"2", "\"at\": \"1", &err),
	                 REDRESS_E_CRYPTO);
	/* The checkpoint the figures name, or the one that includes them. */
	assert_int_equal(verify_altered(&json, vkey.data, "\"size\": ", "\"size\": 1", &err) != REDRESS_OK,
	                 1);
	{
		char from[64], to[64];

		snprintf(from, sizeof(from), "\\n%llu\\n", (unsigned long long)pub->report.size);
		snprintf(to, sizeof(to), "\\n%llu\\n", (unsigned long long)pub->report.size - 1);
		assert_int_not_equal(verify_altered(&json, vkey.data, from, to, &err), REDRESS_OK);
		snprintf(from, sizeof(from), "\\n%llu\\n", (unsigned long long)pub->proof_size);
		snprintf(to, sizeof(to), "\\n%llu\\n", (unsigned long long)pub->proof_size + 1);
		assert_int_not_equal(verify_altered(&json, vkey.data, from, to, &err), REDRESS_OK);
	}
	assert_int_not_equal(verify_altered(&json, vkey.data, "\"inclusion\": [\n      \"",
	                                    "\"inclusion\": [\n      \"0", &err),
	                     REDRESS_OK);
	/* Another fund's key. */
	snprintf(dir, sizeof(dir), "/tmp/redress-test-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(keys, sizeof(keys), "%s/k", dir);
	assert_int_equal(keydir_create(keys, &err), REDRESS_OK);
	assert_int_equal(keydir_open(keys, &kd2, &err), REDRESS_OK);
	buf_init(&other, 4096);
	note_vkey_format(&other, tlog_origin(f->lf->log), sign_key_public(keydir_log_key(kd2)));
	while (other.len > 0 && other.data[other.len - 1] == '\n')
		other.data[--other.len] = '\0';
	assert_int_equal(report_verify(json.data, json.len, other.data, &v, &err), REDRESS_E_CRYPTO);
	keydir_close(&kd2);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	/* Not JSON, not a report, not a key. */
	assert_int_equal(report_verify("{", 1, vkey.data, &v, &err), REDRESS_E_INVALID);
	assert_int_equal(report_verify("{}", 2, vkey.data, &v, &err), REDRESS_E_INVALID);
	assert_int_not_equal(report_verify(json.data, json.len, "nonsense", &v, &err), REDRESS_OK);
	buf_free(&vkey);
	buf_free(&other);
	buf_free(&json);
	buf_free(&csv);
	buf_free(&html);
	report_published_free(pub);
	free(pub);
}

static void
test_svg(void **state)
{
	struct report r;
	struct buf out;

	(void)state;
	report_init(&r);
	memcpy(r.currency, "KRW", 4);
	r.k = 5;
	r.nmonths = 2;
	memcpy(r.months[0].month, "2026-01", 8);
	r.months[0].amount = 100;
	memcpy(r.months[1].month, "2026-02", 8);
	r.months[1].amount = 300;
	r.fund_balance = 600;
	r.amount_paid = 400;
	r.paid.value = 7;
	r.waiting.value = 2;
	r.waiting.mark = REPORT_FEWER;
	buf_init(&out, 1 << 20);
	report_svg_disbursements(&r, &out);
	report_svg_people(&r, &out);
	assert_int_equal(out.failed, REDRESS_OK);
	assert_non_null(strstr(out.data, "1000 KRW")); /* the fund: held plus paid */
	assert_non_null(strstr(out.data, "fewer than 5"));
	assert_null(strstr(out.data, "script"));
	/* The suppressed count has no bar of its length: only the dashed frame. */
	assert_non_null(strstr(out.data, "stroke-dasharray"));
	buf_free(&out);
	report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_suppress_refusals),
	    cmocka_unit_test(test_suppress_attacked),
	    cmocka_unit_test_setup_teardown(test_figures, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_casework_counts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_same_bytes_and_no_pseudonym, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_csv_formula, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shown_latest, setup, teardown),
	    cmocka_unit_test(test_svg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
