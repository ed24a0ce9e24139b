/*
 * reports.c -- computing a program's public figures from the tables,
 * suppressing small counts, encoding the report's body and publishing it
 * on the log with its proof.  See reports.h for what a report promises.
 */
#include "domain/reports/reports.h"
#include "domain/reports/reports_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "domain/reports/report_cells.h"
#include "log/checkpoint.h"

/* Read-only queries over the other modules' tables: a report writes none of them. */
/*
 * The people who consented to statistics, with whether each was reached and
 * paid.  Paid beneficiaries are gathered once and joined, so that no
 * per-person lookup can fall on the (program, state) index.
 */
/* Beneficiaries of the program who died and were never paid: one pass over its entitlements. */

void
report_init(struct report *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->checkpoint, 64 * 1024);
}

void
report_free(struct report *r)
{
	buf_free(&r->checkpoint);
}

void
report_published_init(struct report_published *p)
{
	memset(p, 0, sizeof(*p));
	report_init(&p->report);
	buf_init(&p->body, REPORT_MAX_BYTES);
	buf_init(&p->proof_checkpoint, 64 * 1024);
	buf_init(&p->handovers, 1024 * 1024);
}

void
report_published_free(struct report_published *p)
{
	report_free(&p->report);
	buf_free(&p->body);
	buf_free(&p->proof_checkpoint);
	buf_free(&p->handovers);
}

/* One count from a query taking the program as ?1 (or no parameter). */
/*
 * A row of a text and up to three integers, as most of the report's
 * queries give (REPORTS_Q_DAYS "ti" ... REPORTS_Q_CONSENTED "tiii"): the
 * reader fills as many fields as the statement declares columns.
 */
struct labelled_row {
	const char *text; /* borrowed from the statement */
	int64_t n[3];
};

static const struct store_field labelled_fields[] = {
    STORE_FIELD_TEXT(struct labelled_row, text),
    STORE_FIELD(struct labelled_row, n[0]),
    STORE_FIELD(struct labelled_row, n[1]),
    STORE_FIELD(struct labelled_row, n[2]),
};

static enum redress_err
count_query(struct store *store, enum reports_statement id, const char *program, int64_t *n_r,
            struct redress_error *err)
{
	static const struct store_field count_field[] = {STORE_FIELD_INT64_ROW};
	struct store_stmt *st;

	if ((st = store_statement(store, &reports_catalogue, id, err)) == NULL)
		return err->code;
	if (program != NULL)
		store_bind_text(st, 1, program);
	switch (store_read(st, count_field, n_r, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_INTERNAL, "query %s gave no row",
		                 reports_catalogue.statements[id].name);
	default: return err->code;
	}
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* "YYYY-MM-DD..." to days; 0 and -1 when it is not a date. */
static int
parse_day(const char *s, int64_t *days_r)
{
	int y, m, d;
	char tail;

	if (s == NULL || strlen(s) < 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3 || m < 1 ||
	    m > 12 || d < 1 || d > 31)
		return 0;
	*days_r = days_from_civil(y, m, d);
	return 1;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* The date part of event seq's time. */
static enum redress_err
event_day(struct tlog *log, uint64_t seq, struct buf *scratch, struct canon_doc *doc, int64_t *days_r,
          struct redress_error *err)
{
	const char *at;
	enum redress_err rc;

	buf_reset(scratch);
	if ((rc = tlog_event_bytes(log, seq, scratch, err)) != REDRESS_OK ||
	    (rc = canon_read(doc, scratch->data, scratch->len, err)) != REDRESS_OK ||
	    (rc = canon_get_string(canon_root(doc), "at", &at, err)) != REDRESS_OK)
		return rc;
	if (!parse_day(at, days_r))
		return error_set(err, REDRESS_E_INVALID, "event %llu has no date", (unsigned long long)seq);
	return REDRESS_OK;
}

/* Median (the lower one) and 90th percentile (nearest rank) of days from registration to payment. */
static enum redress_err
days_to_payment(struct tlog *log, const char *program, int64_t paid_people, struct report *r,
                struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct labelled_row row;
	struct store_stmt *st;
	struct canon_doc doc;
	struct buf scratch;
	int64_t *days = NULL, *grown, reg, paid;
	size_t n = 0, cap = 0, rank;
	enum store_step_result step;
	enum redress_err rc = REDRESS_OK;

	r->days_shown = 0;
	if (paid_people < r->k)
		return REDRESS_OK;
	canon_doc_init(&doc);
	buf_init(&scratch, TLOG_EVENT_MAX);
	/*
	 * Registration days come from the log, one event each; collect the
	 * rows first, since reading an event uses the store too.
	 */
	{
		struct pair {
			int64_t paid;
			uint64_t seq;
		} *pairs = NULL, *pg;
		size_t np = 0, pcap = 0, i;

		if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_DAYS, err)) == NULL) {
			rc = err->code;
			goto out;
		}
		store_bind_text(st, 1, program);
		while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW) {
			if (!parse_day(row.text, &paid)) {
				free(pairs);
				rc = error_set(err, REDRESS_E_INVALID,
				               "a paid entitlement of program %s has no paid_on date",
				               program);
				goto out;
			}
			if (np == pcap) {
				pcap = pcap ? pcap * 2 : 64;
				if ((pg = realloc(pairs, pcap * sizeof(*pairs))) == NULL) {
					free(pairs);
					rc = error_set(err, REDRESS_E_NOMEM,
					               "out of memory reading payment dates");
					goto out;
				}
				pairs = pg;
			}
			pairs[np].paid = paid;
			pairs[np].seq = (uint64_t)row.n[0];
			np++;
		}
		if (step == STORE_ERROR) {
			free(pairs);
			rc = err->code;
			goto out;
		}
		for (i = 0; i < np; i++) {
			if ((rc = event_day(log, pairs[i].seq, &scratch, &doc, &reg, err)) != REDRESS_OK) {
				free(pairs);
				goto out;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				if ((grown = realloc(days, cap * sizeof(*days))) == NULL) {
					free(pairs);
					rc = error_set(err, REDRESS_E_NOMEM,
					               "out of memory reading payment dates");
					goto out;
				}
				days = grown;
			}
			days[n++] = pairs[i].paid - reg;
		}
		free(pairs);
	}
	if ((int64_t)n < r->k)
		goto out;
	qsort(days, n, sizeof(*days), cmp_i64);
	r->days_median = days[(n - 1) / 2];
	rank = (9 * n + 9) / 10; /* ceil(0.9 n), nearest rank, 1-based */
	r->days_p90 = days[rank - 1];
	r->days_shown = 1;
out:
	free(days);
	buf_free(&scratch);
	canon_doc_free(&doc);
	return rc;
}

/* Looks a breakdown group up by name, adding it (in name order comes later). */
static struct report_row *
row_for(struct report_breakdown *b, const char *group)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->rows[i].group, group) == 0)
			return &b->rows[i];
	if (b->n == REPORT_GROUPS_MAX)
		return NULL;
	text_copy(b->rows[b->n].group, sizeof(b->rows[b->n].group), group);
	return &b->rows[b->n++];
}

static int
cmp_row(const void *a, const void *b)
{
	return strcmp(((const struct report_row *)a)->group, ((const struct report_row *)b)->group);
}

/* The registry's cells, settled for k (report_cells.h): who the feed withholds, and so the report. */
static enum redress_err
registry_cells(struct store *store, int64_t k, struct report_cells *cells, struct redress_error *err)
{
	struct labelled_row row;
	struct store_stmt *st;
	enum store_step_result step;
	enum redress_err rc;

	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_CELLS, err)) == NULL)
		return err->code;
	while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW)
		if ((rc = report_cells_add(cells, row.text, row.n[0], row.n[1], err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	if (step == STORE_ERROR)
		return err->code;
	report_cells_settle(cells, k);
	return REDRESS_OK;
}

/*
 * People who consented to statistics, by region and by decade of birth.
 * A person whose region or decade is too rare to show (report_cells.h) is
 * in the group "withheld" of both, as the public feed withholds her: so a
 * recount from the feed gives these rows too.
 */
static enum redress_err
breakdowns(struct store *store, const char *program, struct report *r, struct redress_error *err)
{
	struct report_cells cells;
	struct labelled_row row;
	struct store_stmt *st;
	enum store_step_result step;
	enum redress_err rc;
	char decade[16];

	report_cells_init(&cells);
	if ((rc = registry_cells(store, r->k, &cells, err)) != REDRESS_OK)
		goto out;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_CONSENTED, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, program);
	while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW) {
		const char *region = row.text;
		int64_t year = row.n[0];
		int reached = row.n[1] != 0, paid = row.n[2] != 0;
		struct report_row *rows[2];
		size_t i;

		snprintf(decade, sizeof(decade), "%llds", (long long)(year / 10 * 10));
		if (report_cells_withheld(&cells, region, year)) {
			rows[0] = row_for(&r->by_region, REPORT_CELLS_WITHHELD);
			rows[1] = row_for(&r->by_decade, REPORT_CELLS_WITHHELD);
		} else {
			rows[0] = row_for(&r->by_region, region[0] != '\0' ? region : "unknown");
			rows[1] = row_for(&r->by_decade, decade);
		}
		if (rows[0] == NULL || rows[1] == NULL) {
			store_done(st);
			rc = error_set(err, REDRESS_E_NOMEM, "more than %d groups in a breakdown",
			               REPORT_GROUPS_MAX);
			goto out;
		}
		for (i = 0; i < 2; i++) {
			rows[i]->people.value++;
			rows[i]->reached.value += reached;
			rows[i]->paid.value += paid;
		}
		r->consented.value++;
		r->consented_reached.value += reached;
		r->consented_paid.value += paid;
	}
	if (step == STORE_ERROR) {
		rc = err->code;
		goto out;
	}
	qsort(r->by_region.rows, r->by_region.n, sizeof(r->by_region.rows[0]), cmp_row);
	qsort(r->by_decade.rows, r->by_decade.n, sizeof(r->by_decade.rows[0]), cmp_row);
	rc = REDRESS_OK;
out:
	report_cells_free(&cells);
	return rc;
}

/* What by_harm gathers: the report, and the store its claims are read from. */
struct harm_walk {
	struct store *store;
	struct report *r;
	const char *claim;
	int64_t paid; /* the current claim's, read once it has an approved harm */
	int paid_read;
};

static enum redress_err
harm_one(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	struct harm_walk *w = ctx;
	struct report *r = w->r;
	enum redress_err rc;
	size_t i;

	if (h->state != CLAIM_HARM_APPROVED)
		return REDRESS_OK;
	if (!w->paid_read) {
		if ((rc = entitlements_claim_paid(w->store, w->claim, &w->paid, err)) != REDRESS_OK)
			return rc;
		w->paid_read = 1;
	}
	for (i = 0; i < r->nharms && strcmp(r->harms[i].harm, h->harm) != 0; i++)
		;
	if (i == r->nharms) {
		if (r->nharms == REPORT_HARMS_MAX)
			return error_set(err, REDRESS_E_NOMEM, "claims with more than %d harms",
			                 REPORT_HARMS_MAX);
		text_copy(r->harms[i].harm, sizeof(r->harms[i].harm), h->harm);
		r->nharms++;
	}
	if (__builtin_add_overflow(r->harms[i].claims.value, 1, &r->harms[i].claims.value) ||
	    __builtin_add_overflow(r->harms[i].paid, w->paid, &r->harms[i].paid))
		return error_set(err, REDRESS_E_OVERFLOW, "harm %s: its figures overflow", h->harm);
	return REDRESS_OK;
}

static enum redress_err
harm_claim(void *ctx, const struct claim *c, struct redress_error *err)
{
	struct harm_walk *w = ctx;

	w->claim = c->id;
	w->paid = 0;
	w->paid_read = 0;
	return claim_harm_each(w->store, c->id, harm_one, w, err);
}

/* One count of entitlements_service_counts into the report's row of its service. */
static enum redress_err
service_count(void *ctx, const char *service, enum entitlement_service_state state, int64_t count,
              struct redress_error *err)
{
	struct report *r = ctx;
	size_t i;

	for (i = 0; i < r->nservices && strcmp(r->services[i].service, service) != 0; i++)
		;
	/* A service a later version of the program no longer declares: not a row of this report. */
	if (i == r->nservices)
		return REDRESS_OK;
	(state == ENTITLEMENT_SERVICE_DELIVERED ? &r->services[i].delivered
	 : state == ENTITLEMENT_SERVICE_REFUSED ? &r->services[i].refused
	                                        : &r->services[i].scheduled)
	    ->value = count;
	(void)err;
	return REDRESS_OK;
}

/*
 * Services in kind: every service the program declares, in code order,
 * its claims' services counted by their latest state.
 */
static enum redress_err
by_service(struct store *store, const struct program *p, struct report *r, struct redress_error *err)
{
	size_t i, j;

	for (i = 0; i < p->rules.nservices && i < REPORT_SERVICES_MAX; i++)
		text_copy(r->services[i].service, sizeof(r->services[i].service), p->rules.services[i].code);
	r->nservices = i;
	for (i = 1; i < r->nservices; i++)
		for (j = i; j > 0 && strcmp(r->services[j - 1].service, r->services[j].service) > 0; j--) {
			struct report_service tmp = r->services[j];

			r->services[j] = r->services[j - 1];
			r->services[j - 1] = tmp;
		}
	if (r->nservices == 0)
		return REDRESS_OK;
	return entitlements_service_counts(store, p->code, service_count, r, err);
}

/*
 * By harm, through the claims' and the entitlements' own functions: each
 * approved claim's approved harms, and what it paid; harms in code order.
 * By form: the program's form and its instalments' states.
 */
static enum redress_err
by_harm_and_form(struct store *store, const struct program *p, struct report *r, struct redress_error *err)
{
	struct harm_walk w = {store, r, NULL, 0, 0};
	int64_t counts[ENTITLEMENT_STATES];
	enum redress_err rc;
	size_t i, j;

	text_copy(r->form, sizeof(r->form),
	          p->rules.form == PROGRAM_FORM_INSTALMENTS ? "instalments" : "lump_sum");
	if ((rc = claim_each(store, CLAIM_APPROVED, p->code, harm_claim, &w, err)) != REDRESS_OK ||
	    (rc = entitlements_count_by_state(store, p->code, counts, err)) != REDRESS_OK)
		return rc;
	for (i = 1; i < r->nharms; i++)
		for (j = i; j > 0 && strcmp(r->harms[j - 1].harm, r->harms[j].harm) > 0; j--) {
			struct report_harm tmp = r->harms[j];

			r->harms[j] = r->harms[j - 1];
			r->harms[j - 1] = tmp;
		}
	r->scheduled.value = counts[ENTITLEMENT_SCHEDULED];
	r->held.value = counts[ENTITLEMENT_HELD];
	r->stopped.value = counts[ENTITLEMENT_STOPPED];
	return by_service(store, p, r, err);
}

/* Where each published count sits among the suppression cells. */
enum {
	C_REGISTERED,
	C_REACHED,
	C_CONSENTED,
	C_DECLINED,
	C_APPROVED,
	C_PAID,
	C_WAITING,
	C_DEATHS,
	C_CONSENTED_REACHED,
	C_CONSENTED_PAID,
	C_HIDDEN_PEOPLE, /* registered, not consented to statistics */
	C_HIDDEN_REACHED,
	C_HIDDEN_PAID,
	C_SCHEDULED, /* instalments not due yet */
	C_HELD,      /* instalments held for want of a proof of life */
	C_STOPPED,   /* instalments stopped at death */
	C_ELIGIBLE,
	C_CW_REACHED,   /* eligible, reached by a contact attempt */
	C_CW_UNREACHED, /* hidden: eligible less reached */
	C_APPLIED,
	C_GRIEV_OPENED,
	C_GRIEV_RESOLVED,
	C_GRIEV_OPEN, /* hidden: opened less resolved */
	C_GRIEV_OVERDUE,
	C_APPEALS,
	C_UPHELD,
	C_OVERTURNED,
	C_APPEALS_PENDING, /* hidden: opened less decided */
	C_FIXED
};

/* Suppression over the whole table: headline counts, their hidden differences, both breakdowns. */
static enum redress_err
suppress(struct report *r, struct redress_error *err)
{
	struct report_count *fixed[C_HIDDEN_PEOPLE] = {
	    &r->registered, &r->reached, &r->consented, &r->declined,          &r->approved,
	    &r->paid,       &r->waiting, &r->deaths,    &r->consented_reached, &r->consented_paid};
	struct report_breakdown *tables[2] = {&r->by_region, &r->by_decade};
	size_t nbreak = 3 * (r->by_region.n + r->by_decade.n);
	size_t ncells = C_FIXED + nbreak + r->nharms + 3 * r->nservices, i, t, j, col, g = 0;
	size_t svc = C_FIXED + nbreak + r->nharms; /* the services' cells, three a service */
	struct report_cell *cells = NULL;
	struct report_group groups[3 + 6 + 3];
	size_t *members = NULL, nm = 0;
	enum redress_err rc;

	if ((cells = calloc(ncells, sizeof(*cells))) == NULL ||
	    (members = calloc(6 + ncells, sizeof(*members))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory suppressing small counts");
		goto out;
	}
	for (i = 0; i < ncells; i++) {
		cells[i].le = -1;
		cells[i].cost = 10;
	}
	for (i = 0; i < C_HIDDEN_PEOPLE; i++)
		cells[i].value = fixed[i]->value;
	cells[C_CONSENTED].cost = 5;
	cells[C_CONSENTED_REACHED].cost = cells[C_CONSENTED_PAID].cost = 2;
	cells[C_CONSENTED_REACHED].droppable = cells[C_CONSENTED_PAID].droppable = 1;
	cells[C_REACHED].le = C_REGISTERED;
	cells[C_CONSENTED].le = C_REGISTERED;
	cells[C_DECLINED].le = C_REACHED;
	cells[C_CONSENTED_REACHED].le = C_CONSENTED;
	cells[C_CONSENTED_PAID].le = C_CONSENTED;
	cells[C_HIDDEN_PEOPLE].hidden = cells[C_HIDDEN_REACHED].hidden = cells[C_HIDDEN_PAID].hidden = 1;
	cells[C_HIDDEN_REACHED].le = cells[C_HIDDEN_PAID].le = C_HIDDEN_PEOPLE;
	cells[C_SCHEDULED].value = r->scheduled.value;
	cells[C_HELD].value = r->held.value;
	cells[C_STOPPED].value = r->stopped.value;
	/* Casework: each count at most the one it is part of; opened = resolved + open, and = decided +
	 * pending. */
	cells[C_ELIGIBLE].value = r->eligible.value;
	cells[C_ELIGIBLE].le = C_REGISTERED;
	cells[C_CW_REACHED].value = r->eligible_reached.value;
	cells[C_CW_REACHED].le = C_ELIGIBLE;
	cells[C_CW_UNREACHED].hidden = 1;
	cells[C_CW_UNREACHED].le = C_ELIGIBLE;
	cells[C_APPLIED].value = r->applied.value;
	cells[C_GRIEV_OPENED].value = r->grievances_opened.value;
	cells[C_GRIEV_RESOLVED].value = r->grievances_resolved.value;
	cells[C_GRIEV_RESOLVED].le = C_GRIEV_OPENED;
	cells[C_GRIEV_OPEN].hidden = 1;
	cells[C_GRIEV_OPEN].le = C_GRIEV_OPENED;
	cells[C_GRIEV_OVERDUE].value = r->grievances_overdue.value;
	cells[C_GRIEV_OVERDUE].le = C_GRIEV_OPEN;
	cells[C_APPEALS].value = r->appeals_opened.value;
	cells[C_APPEALS].le = C_APPLIED;
	cells[C_UPHELD].value = r->appeals_upheld.value;
	cells[C_UPHELD].le = C_APPEALS;
	cells[C_OVERTURNED].value = r->appeals_overturned.value;
	cells[C_OVERTURNED].le = C_APPEALS;
	cells[C_APPEALS_PENDING].hidden = 1;
	cells[C_APPEALS_PENDING].le = C_APPEALS;
	if (__builtin_sub_overflow(r->grievances_opened.value, r->grievances_resolved.value,
	                           &cells[C_GRIEV_OPEN].value) ||
	    __builtin_sub_overflow(r->eligible.value, r->eligible_reached.value,
	                           &cells[C_CW_UNREACHED].value) ||
	    __builtin_sub_overflow(r->appeals_opened.value, r->appeals_upheld.value,
	                           &cells[C_APPEALS_PENDING].value) ||
	    __builtin_sub_overflow(cells[C_APPEALS_PENDING].value, r->appeals_overturned.value,
	                           &cells[C_APPEALS_PENDING].value)) {
		rc = error_set(err, REDRESS_E_OVERFLOW, "report counts overflow");
		goto out;
	}
	{
		static const size_t griev[2] = {C_GRIEV_RESOLVED, C_GRIEV_OPEN};
		static const size_t appeals[3] = {C_UPHELD, C_OVERTURNED, C_APPEALS_PENDING};
		static const size_t eligible[2] = {C_CW_REACHED, C_CW_UNREACHED};

		groups[g].total = C_GRIEV_OPENED;
		groups[g].members = griev;
		groups[g++].n = 2;
		groups[g].total = C_APPEALS;
		groups[g].members = appeals;
		groups[g++].n = 3;
		groups[g].total = C_ELIGIBLE;
		groups[g].members = eligible;
		groups[g++].n = 2;
	}
	/* A harm's claims are among the approved claims; a claim may have several harms, so no sum holds. */
	for (i = 0; i < r->nharms; i++) {
		cells[C_FIXED + nbreak + i].value = r->harms[i].claims.value;
		cells[C_FIXED + nbreak + i].le = C_APPROVED;
		cells[C_FIXED + nbreak + i].cost = 1;
	}
	/* A service's claims by state: each among the approved claims; they add up to no published total. */
	for (i = 0; i < r->nservices; i++) {
		const struct report_count *by_state[3] = {&r->services[i].scheduled,
		                                          &r->services[i].delivered, &r->services[i].refused};

		for (j = 0; j < 3; j++) {
			cells[svc + 3 * i + j].value = by_state[j]->value;
			cells[svc + 3 * i + j].le = C_APPROVED;
			cells[svc + 3 * i + j].cost = 1;
		}
	}
	if (__builtin_sub_overflow(r->registered.value, r->consented.value, &cells[C_HIDDEN_PEOPLE].value) ||
	    __builtin_sub_overflow(r->reached.value, r->consented_reached.value,
	                           &cells[C_HIDDEN_REACHED].value) ||
	    __builtin_sub_overflow(r->paid.value, r->consented_paid.value, &cells[C_HIDDEN_PAID].value)) {
		rc = error_set(err, REDRESS_E_OVERFLOW, "report counts overflow");
		goto out;
	}
	/* registered = consented + not; reached and paid likewise. */
	{
		static const size_t pairs[3][3] = {{C_REGISTERED, C_CONSENTED, C_HIDDEN_PEOPLE},
		                                   {C_REACHED, C_CONSENTED_REACHED, C_HIDDEN_REACHED},
		                                   {C_PAID, C_CONSENTED_PAID, C_HIDDEN_PAID}};

		for (i = 0; i < 3; i++) {
			groups[g].total = pairs[i][0];
			groups[g].members = members + nm;
			groups[g].n = 2;
			members[nm++] = pairs[i][1];
			members[nm++] = pairs[i][2];
			g++;
		}
	}
	/* Each breakdown's column adds up to its total. */
	for (t = 0, j = C_FIXED; t < 2; t++) {
		size_t base = j;

		for (i = 0; i < tables[t]->n; i++, j += 3) {
			struct report_row *row = &tables[t]->rows[i];

			cells[j].value = row->people.value;
			cells[j + 1].value = row->reached.value;
			cells[j + 2].value = row->paid.value;
			cells[j + 1].le = cells[j + 2].le = (long)j;
			cells[j].cost = cells[j + 1].cost = cells[j + 2].cost = 1;
			cells[j].droppable = cells[j + 1].droppable = cells[j + 2].droppable = 1;
		}
		for (col = 0; col < 3; col++) {
			static const size_t totals[3] = {C_CONSENTED, C_CONSENTED_REACHED, C_CONSENTED_PAID};

			groups[g].total = totals[col];
			groups[g].members = members + nm;
			groups[g].n = tables[t]->n;
			for (i = 0; i < tables[t]->n; i++)
				members[nm++] = base + 3 * i + col;
			g++;
		}
	}
	if ((rc = report_suppress(cells, ncells, groups, g, r->k, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < C_HIDDEN_PEOPLE; i++)
		fixed[i]->mark = cells[i].mark;
	r->scheduled.mark = cells[C_SCHEDULED].mark;
	r->held.mark = cells[C_HELD].mark;
	r->stopped.mark = cells[C_STOPPED].mark;
	r->eligible.mark = cells[C_ELIGIBLE].mark;
	r->eligible_reached.mark = cells[C_CW_REACHED].mark;
	r->applied.mark = cells[C_APPLIED].mark;
	r->grievances_opened.mark = cells[C_GRIEV_OPENED].mark;
	r->grievances_resolved.mark = cells[C_GRIEV_RESOLVED].mark;
	r->grievances_overdue.mark = cells[C_GRIEV_OVERDUE].mark;
	r->appeals_opened.mark = cells[C_APPEALS].mark;
	r->appeals_upheld.mark = cells[C_UPHELD].mark;
	r->appeals_overturned.mark = cells[C_OVERTURNED].mark;
	for (i = 0; i < r->nharms; i++)
		r->harms[i].claims.mark = cells[C_FIXED + nbreak + i].mark;
	for (i = 0; i < r->nservices; i++) {
		r->services[i].scheduled.mark = cells[svc + 3 * i].mark;
		r->services[i].delivered.mark = cells[svc + 3 * i + 1].mark;
		r->services[i].refused.mark = cells[svc + 3 * i + 2].mark;
	}
	for (t = 0, j = C_FIXED; t < 2; t++) {
		for (i = 0; i < tables[t]->n; i++, j += 3) {
			tables[t]->rows[i].people.mark = cells[j].mark;
			tables[t]->rows[i].reached.mark = cells[j + 1].mark;
			tables[t]->rows[i].paid.mark = cells[j + 2].mark;
			if (cells[j].mark == REPORT_DROPPED)
				tables[t]->dropped = 1;
		}
	}
	if (r->by_region.dropped || r->by_decade.dropped) {
		r->by_region.dropped = r->by_decade.dropped = 1;
		r->by_region.n = r->by_decade.n = 0;
	}
out:
	free(cells);
	free(members);
	return rc;
}

/* The program's fund, money owed and paid, pledges, and disbursements by month. */
static enum redress_err
money(struct store *store, const struct program *p, struct report *r, struct redress_error *err)
{
	struct ledger_account a;
	struct labelled_row row;
	struct store_stmt *st;
	enum store_step_result step;
	enum redress_err rc;
	size_t i;

	text_copy(r->fund_account, sizeof(r->fund_account), p->fund);
	if ((rc = ledger_account_get(store, p->fund, &a, err)) != REDRESS_OK ||
	    (rc = ledger_balance(&a, &r->fund_balance, &r->fund_available, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_AMOUNTS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p->code);
	while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW) {
		int64_t *sum = strcmp(row.text, "paid") == 0 ? &r->amount_paid : &r->amount_owed;

		if (__builtin_add_overflow(*sum, row.n[0], sum))
			return error_set(err, REDRESS_E_OVERFLOW,
			                 "program %s: the sum of its entitlements overflows", p->code);
	}
	if (step == STORE_ERROR)
		return err->code;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_MONTHS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p->code);
	while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW) {
		const char *month = row.text;

		if (r->nmonths == 0 || strcmp(r->months[r->nmonths - 1].month, month) != 0) {
			if (r->nmonths == REPORT_MONTHS_MAX)
				return error_set(err, REDRESS_E_NOMEM, "payments over more than %d months",
				                 REPORT_MONTHS_MAX);
			text_copy(r->months[r->nmonths].month, sizeof(r->months[0].month), month);
			r->months[r->nmonths++].amount = 0;
		}
		if (__builtin_add_overflow(r->months[r->nmonths - 1].amount, row.n[0],
		                           &r->months[r->nmonths - 1].amount))
			return error_set(err, REDRESS_E_OVERFLOW, "program %s: a month's payments overflow",
			                 p->code);
	}
	if (step == STORE_ERROR)
		return err->code;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_PLEDGED, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p->code);
	while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW) {
		const char *cur = row.text;
		struct report_pledged *x = NULL;

		for (i = 0; i < r->npledged; i++)
			if (strcmp(r->pledged[i].currency, cur) == 0)
				x = &r->pledged[i];
		if (x == NULL) {
			if (r->npledged == REPORT_CURRENCIES_MAX)
				return error_set(err, REDRESS_E_NOMEM, "pledges in more than %d currencies",
				                 REPORT_CURRENCIES_MAX);
			x = &r->pledged[r->npledged++];
			text_copy(x->currency, sizeof(x->currency), cur);
		}
		if (__builtin_add_overflow(x->pledged, row.n[0], &x->pledged) ||
		    __builtin_add_overflow(x->received, row.n[1], &x->received))
			return error_set(err, REDRESS_E_OVERFLOW, "program %s: its pledges overflow",
			                 p->code);
	}
	if (step == STORE_ERROR)
		return err->code;
	/* Currency order, for the same bytes every time. */
	for (i = 1; i < r->npledged; i++) {
		size_t j = i;

		while (j > 0 && strcmp(r->pledged[j - 1].currency, r->pledged[j].currency) > 0) {
			struct report_pledged tmp = r->pledged[j];

			r->pledged[j] = r->pledged[j - 1];
			r->pledged[j - 1] = tmp;
			j--;
		}
	}
	return REDRESS_OK;
}

/*
 * Casework: eligible, reached, applied, grievances and appeals.  "Overdue" is
 * counted on the day of the last event the report counts (event size-1),
 * never on today's: the report is a function of the log.
 */
static enum redress_err
casework_figures(struct tlog *log, const struct program *p, struct report *r, struct redress_error *err)
{
	static const struct store_field two[] = {{0, sizeof(int64_t), 0, 0},
	                                         {sizeof(int64_t), sizeof(int64_t), 0, 0}};
	struct store *store = tlog_store(log);
	struct labelled_row row;
	struct canon_doc doc;
	struct store_stmt *st;
	struct buf scratch;
	enum store_step_result step;
	int64_t counts[2], today = 0, opened;
	enum redress_err rc;

	const char *program = p->code;

	/* The program's limit where it sets one (as first added, like the rest of the report). */
	r->grievance_days = p->rules.grievance_days > 0 ? p->rules.grievance_days : CASEWORK_GRIEVANCE_DAYS;
	/* Eligible by the program's own rules, as its outreach list reads them; reached by a contact. */
	if ((rc = casework_eligible_count(store, p, &r->eligible.value, &r->eligible_reached.value, err)) !=
	        REDRESS_OK ||
	    (rc = count_query(store, REPORTS_Q_APPLIED, program, &r->applied.value, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_APPEALS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW) {
		const char *action = row.text;
		struct report_count *to = strcmp(action, "appealed") == 0 ? &r->appeals_opened
		                          : strcmp(action, "upheld") == 0 ? &r->appeals_upheld
		                                                          : &r->appeals_overturned;

		to->value = row.n[0];
	}
	if (step == STORE_ERROR)
		return err->code;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_GRIEVANCES, err)) == NULL)
		return err->code;
	switch (store_read(st, two, counts, err)) {
	case STORE_ROW: store_done(st); break;
	case STORE_DONE: return error_set(err, REDRESS_E_INTERNAL, "query reports.grievances gave no row");
	default: return err->code;
	}
	r->grievances_opened.value = counts[0];
	r->grievances_resolved.value = counts[1];
	if (counts[0] == counts[1] || r->size == 0)
		return REDRESS_OK;
	buf_init(&scratch, TLOG_EVENT_MAX);
	canon_doc_init(&doc);
	rc = event_day(log, r->size - 1, &scratch, &doc, &today, err);
	canon_doc_free(&doc);
	buf_free(&scratch);
	if (rc != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_GRIEVANCES_OPEN, err)) == NULL)
		return err->code;
	while ((step = store_read(st, labelled_fields, &row, err)) == STORE_ROW)
		if (parse_day(row.text, &opened) && today - opened > r->grievance_days)
			r->grievances_overdue.value++;
	return step == STORE_ERROR ? err->code : REDRESS_OK;
}

enum redress_err
report_compute(struct tlog *log, const char *program, int k, struct report *r, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct checkpoint cp;
	struct program p;
	int own = 0;
	enum redress_err rc;
	const char *note;

	buf_reset(&r->checkpoint);
	{
		struct buf keep = r->checkpoint;

		memset(r, 0, sizeof(*r));
		r->checkpoint = keep;
	}
	if (k < REPORT_K_MIN || k > REPORT_K_MAX)
		return error_set(err, REDRESS_E_INVALID, "--k %d: k must be %d to %d", k, REPORT_K_MIN,
		                 REPORT_K_MAX);
	r->k = k;
	if (!store_in_transaction(store)) {
		if ((rc = store_begin_read(store, err)) != REDRESS_OK)
			return rc;
		own = 1;
	}
	/*
	 * The program as first added: its name, currency, accounts and form.  A
	 * report is a function of the tables at one size, never of the day it
	 * is computed (a version in force from a later day would change it).
	 */
	if ((rc = program_version_get(store, program, 1, &p, err)) != REDRESS_OK)
		goto out;
	text_copy(r->program, sizeof(r->program), p.code);
	text_copy(r->program_name, sizeof(r->program_name), p.name);
	text_copy(r->currency, sizeof(r->currency), p.currency);
	/* The checkpoint these tables are at. */
	if ((rc = tlog_checkpoint(log, &r->checkpoint, err)) != REDRESS_OK)
		goto out;
	note = r->checkpoint.data != NULL ? r->checkpoint.data : "";
	{
		const char *blank = strstr(note, "\n\n");

		if (blank == NULL) {
			rc = error_set(err, REDRESS_E_INTERNAL, "the log's checkpoint is not a signed note");
			goto out;
		}
		if ((rc = checkpoint_parse(note, (size_t)(blank - note) + 1, &cp, err)) != REDRESS_OK)
			goto out;
	}
	r->size = cp.size;
	memcpy(r->root, cp.root, sizeof(r->root));
	if ((rc = count_query(store, REPORTS_Q_REGISTERED, NULL, &r->registered.value, err)) != REDRESS_OK ||
	    (rc = count_query(store, REPORTS_Q_REACHED, NULL, &r->reached.value, err)) != REDRESS_OK ||
	    (rc = count_query(store, REPORTS_Q_DECLINED, NULL, &r->declined.value, err)) != REDRESS_OK ||
	    (rc = count_query(store, REPORTS_Q_APPROVED, p.code, &r->approved.value, err)) != REDRESS_OK ||
	    (rc = count_query(store, REPORTS_Q_PAID_PEOPLE, p.code, &r->paid.value, err)) != REDRESS_OK ||
	    (rc = count_query(store, REPORTS_Q_WAITING, p.code, &r->waiting.value, err)) != REDRESS_OK ||
	    (rc = count_query(store, REPORTS_Q_DEATHS, p.code, &r->deaths.value, err)) != REDRESS_OK ||
	    (rc = breakdowns(store, p.code, r, err)) != REDRESS_OK ||
	    (rc = money(store, &p, r, err)) != REDRESS_OK ||
	    (rc = by_harm_and_form(store, &p, r, err)) != REDRESS_OK ||
	    (rc = days_to_payment(log, p.code, r->paid.value, r, err)) != REDRESS_OK ||
	    (rc = casework_figures(log, &p, r, err)) != REDRESS_OK)
		goto out;
	rc = suppress(r, err);
out:
	if (own)
		store_rollback(store);
	return rc;
}
