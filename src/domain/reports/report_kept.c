/*
 * report_kept.c -- the report a program's public page shows, rebuilt from
 * the log on every request: a report's body decoded back into its figures
 * (report_decode), and the program's latest published report -- the
 * reports_published row with the greatest seq, whoever published it --
 * loaded from its event with a proof against the latest signed checkpoint
 * (report_shown_load).
 *
 * What it promises: nothing shown is kept apart from the log.  The row
 * names the event; the figures, actor, time and proof come from the log
 * itself, so a rendering is what the current renderer makes of the
 * event.  A row whose seq names no report of its program is
 * REDRESS_E_TAMPERED; a row edited or deleted is the audit's (replay and
 * table digest), like any projection.
 */
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "domain/reports/reports.h"
#include "domain/reports/reports_int.h"

/* The member key of obj when obj is an object, else NULL. */
static const struct canon_node *
member(const struct canon_node *obj, const char *key)
{
	return obj != NULL && obj->type == CANON_OBJECT ? canon_find(obj, key) : NULL;
}

static int64_t
int_of(const struct canon_node *obj, const char *key)
{
	const struct canon_node *n = member(obj, key);

	return n != NULL && n->type == CANON_INT ? n->num : 0;
}

static void
text_of(const struct canon_node *obj, const char *key, char *dst, size_t size)
{
	const struct canon_node *n = member(obj, key);

	text_copy(dst, size, n != NULL && n->type == CANON_STRING ? n->str : "");
}

/* A count as put_count wrote it: a number, "fewer than K" or "withheld". */
static void
count_of(const struct canon_node *obj, const char *key, struct report_count *c)
{
	const struct canon_node *n = member(obj, key);

	memset(c, 0, sizeof(*c));
	if (n != NULL && n->type == CANON_INT)
		c->value = n->num;
	else if (n != NULL && n->type == CANON_STRING && strncmp(n->str, "fewer than ", 11) == 0)
		c->mark = REPORT_FEWER;
	else
		c->mark = REPORT_WITHHELD;
}

static void
breakdown_of(const struct canon_node *obj, const char *key, struct report_breakdown *b)
{
	const struct canon_node *n = member(obj, key), *row;

	b->n = 0;
	b->dropped = n == NULL || n->type != CANON_ARRAY;
	if (b->dropped)
		return;
	for (row = canon_first(n); row < canon_end(n) && b->n < REPORT_GROUPS_MAX; row = canon_next(row)) {
		struct report_row *r = &b->rows[b->n++];

		text_of(row, "group", r->group, sizeof(r->group));
		count_of(row, "people", &r->people);
		count_of(row, "reached", &r->reached);
		count_of(row, "paid", &r->paid);
	}
}

/* The figures of root (a report's body), leniently: report_decode checks them by encoding them again. */
static void
figures_of(const struct canon_node *root, struct report *r)
{
	const struct canon_node *n, *x,
	    *amounts = member(root, "amounts"), *benefit = member(root, "benefit"),
	    *casework = member(root, "casework"), *counts = member(root, "counts"),
	    *days = member(root, "days_to_payment"), *fund = member(root, "fund"),
	    *stats = member(root, "statistics");

	r->k = (int)int_of(root, "k");
	text_of(member(root, "program"), "code", r->program, sizeof(r->program));
	text_of(member(root, "program"), "name", r->program_name, sizeof(r->program_name));
	text_of(amounts, "currency", r->currency, sizeof(r->currency));
	r->amount_owed = int_of(amounts, "owed");
	r->amount_paid = int_of(amounts, "paid");
	text_of(benefit, "form", r->form, sizeof(r->form));
	count_of(member(benefit, "instalments"), "held", &r->held);
	count_of(member(benefit, "instalments"), "scheduled", &r->scheduled);
	count_of(member(benefit, "instalments"), "stopped", &r->stopped);
	if ((n = member(benefit, "services")) != NULL && n->type == CANON_ARRAY)
		for (x = canon_first(n); x < canon_end(n) && r->nservices < REPORT_SERVICES_MAX;
		     x = canon_next(x)) {
			struct report_service *s = &r->services[r->nservices++];

			text_of(x, "service", s->service, sizeof(s->service));
			count_of(x, "delivered", &s->delivered);
			count_of(x, "refused", &s->refused);
			count_of(x, "scheduled", &s->scheduled);
		}
	if ((n = member(root, "by_harm")) != NULL && n->type == CANON_ARRAY)
		for (x = canon_first(n); x < canon_end(n) && r->nharms < REPORT_HARMS_MAX;
		     x = canon_next(x)) {
			struct report_harm *h = &r->harms[r->nharms++];

			text_of(x, "harm", h->harm, sizeof(h->harm));
			count_of(x, "claims", &h->claims);
			h->paid = int_of(x, "paid");
		}
	count_of(member(casework, "appeals"), "opened", &r->appeals_opened);
	count_of(member(casework, "appeals"), "overturned", &r->appeals_overturned);
	count_of(member(casework, "appeals"), "upheld", &r->appeals_upheld);
	count_of(casework, "applied", &r->applied);
	count_of(casework, "eligible", &r->eligible);
	count_of(casework, "reached", &r->eligible_reached);
	r->grievance_days = (int)int_of(member(casework, "grievances"), "limit_days");
	count_of(member(casework, "grievances"), "opened", &r->grievances_opened);
	count_of(member(casework, "grievances"), "overdue", &r->grievances_overdue);
	count_of(member(casework, "grievances"), "resolved", &r->grievances_resolved);
	count_of(counts, "approved", &r->approved);
	count_of(counts, "consented", &r->consented);
	count_of(counts, "deaths_before_payment", &r->deaths);
	count_of(counts, "declined", &r->declined);
	count_of(counts, "paid", &r->paid);
	count_of(counts, "reached", &r->reached);
	count_of(counts, "registered", &r->registered);
	count_of(counts, "waiting", &r->waiting);
	r->days_shown = (n = member(days, "median")) != NULL && n->type == CANON_INT;
	r->days_median = int_of(days, "median");
	r->days_p90 = int_of(days, "p90");
	if ((n = member(root, "disbursements")) != NULL && n->type == CANON_ARRAY)
		for (x = canon_first(n); x < canon_end(n) && r->nmonths < REPORT_MONTHS_MAX;
		     x = canon_next(x)) {
			text_of(x, "month", r->months[r->nmonths].month, sizeof(r->months[0].month));
			r->months[r->nmonths++].amount = int_of(x, "amount");
		}
	text_of(fund, "account", r->fund_account, sizeof(r->fund_account));
	r->fund_available = int_of(fund, "available");
	r->fund_balance = int_of(fund, "balance");
	if ((n = member(root, "pledges")) != NULL && n->type == CANON_ARRAY)
		for (x = canon_first(n); x < canon_end(n) && r->npledged < REPORT_CURRENCIES_MAX;
		     x = canon_next(x)) {
			struct report_pledged *p = &r->pledged[r->npledged++];

			text_of(x, "currency", p->currency, sizeof(p->currency));
			p->pledged = int_of(x, "pledged");
			p->received = int_of(x, "received");
		}
	breakdown_of(stats, "by_decade", &r->by_decade);
	breakdown_of(stats, "by_region", &r->by_region);
	count_of(member(stats, "total"), "paid", &r->consented_paid);
	count_of(member(stats, "total"), "reached", &r->consented_reached);
	r->size = (uint64_t)int_of(member(root, "checkpoint"), "size");
}

enum redress_err
report_decode(const char *body, size_t len, struct report *r, struct redress_error *err)
{
	const struct canon_node *cp;
	struct canon_doc doc;
	struct buf again;
	size_t root_len = 0;
	enum redress_err rc;

	canon_doc_init(&doc);
	buf_init(&again, REPORT_MAX_BYTES);
	buf_reset(&r->checkpoint);
	{
		struct buf keep = r->checkpoint;

		memset(r, 0, sizeof(*r));
		r->checkpoint = keep;
	}
	if ((rc = canon_read(&doc, body, len, err)) != REDRESS_OK)
		goto out;
	figures_of(canon_root(&doc), r);
	cp = member(canon_root(&doc), "checkpoint");
	buf_puts(&r->checkpoint, member(cp, "note") != NULL && member(cp, "note")->type == CANON_STRING
	                             ? member(cp, "note")->str
	                             : "");
	if (member(cp, "root") != NULL && member(cp, "root")->type == CANON_STRING)
		(void)codec_base64_decode(member(cp, "root")->str, strlen(member(cp, "root")->str), r->root,
		                          sizeof(r->root), &root_len, NULL);
	/* Whatever the reading above missed or misread, the body would not come back the same. */
	if ((rc = buf_error(&r->checkpoint, err)) != REDRESS_OK ||
	    (rc = report_encode(r, &again, err)) != REDRESS_OK || (rc = buf_error(&again, err)) != REDRESS_OK)
		goto out;
	if (root_len != sizeof(r->root) || again.len != len || memcmp(again.data, body, len) != 0)
		rc = error_set(err, REDRESS_E_INVALID, "the report's body does not read back as a report");
out:
	buf_free(&again);
	canon_doc_free(&doc);
	return rc;
}

/* REPORTS_Q_LATEST's row. */
struct latest_read {
	int64_t seq;
};

enum redress_err
report_shown_load(struct tlog *log, const char *program, struct report_published *pub,
                  struct redress_error *err)
{
	static const struct store_field seq_field[] = {STORE_FIELD(struct latest_read, seq)};
	struct latest_read row;
	struct store_stmt *st;
	struct buf latest;
	uint64_t seq, size = 0;
	enum redress_err rc;

	if ((st = store_statement(tlog_store(log), &reports_catalogue, REPORTS_Q_LATEST, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	switch (store_read(st, seq_field, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no report of %.64s has been published", program);
	default: return err->code;
	}
	store_done(st);
	seq = row.seq < 0 ? UINT64_MAX : (uint64_t)row.seq;
	/* What report_publish proves against: the latest signed checkpoint, with its cosignatures. */
	buf_init(&latest, 1u << 20);
	rc = tlog_checkpoint_cosigned(log, &latest, &size, err);
	buf_free(&latest);
	if (rc != REDRESS_OK)
		return rc;
	if ((rc = report_published_load(log, seq, size, pub, err)) != REDRESS_OK) {
		if (rc == REDRESS_E_INVALID || rc == REDRESS_E_NOTFOUND) {
			error_prefix(
			    err,
			    "the latest report of program %.64s in reports_published names event %llu,"
			    " which is not a published report the log holds",
			    program, (unsigned long long)seq);
			rc = err->code = REDRESS_E_TAMPERED;
		}
		return rc;
	}
	if (strcmp(pub->report.program, program) != 0)
		return error_set(err, REDRESS_E_TAMPERED,
		                 "the latest report of program %.64s in reports_published names event %llu,"
		                 " a report of program %.64s",
		                 program, (unsigned long long)seq, pub->report.program);
	return tlog_cosignatures_at(log, size, &pub->proof_checkpoint, err);
}
