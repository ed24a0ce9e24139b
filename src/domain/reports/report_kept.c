/*
 * report_kept.c -- the renderings kept for the public report page
 * (reports_renderings), checked against the log: a report's body decoded
 * back into its figures (report_decode), and each kept rendering rendered
 * again from the report event it names and compared byte for byte
 * (reports_rendering_check, reports_renderings_audit).
 *
 * What it promises: a rendering passes only when it is exactly what the
 * log's report event at its seq renders -- the event, of the program the
 * row is for, with the proof at the size its JSON names, the handovers as
 * they stood then and the cosignatures kept for that size -- and when the
 * program's renderings name the same event.  Nothing here depends on the
 * time or on the log's size now: the same rendering passes after more
 * events and after a key rotation.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "domain/reports/reports.h"
#include "domain/reports/reports_int.h"
#include "log/audit.h"

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

/* The formats kept, in the order they are rendered. */
static const struct {
	const char *name;
	enum redress_err (*render)(const struct report_published *pub, struct buf *out,
	                           struct redress_error *err);
} formats[] = {
    {"json", report_render_json},
    {"csv", report_render_csv},
    {"html", report_render_html},
};

/*
 * What the program's kept JSON rendering names: its proof's size, and its
 * checkpoint note (cosignatures and all) into note.  0 when it names none.
 */
static int
json_proof(const void *json, size_t len, uint64_t *size_r, struct buf *note)
{
	json_t *root = json != NULL ? json_loadb(json, len, 0, NULL) : NULL;
	json_t *proof = json_object_get(root, "proof");
	json_t *size = json_object_get(proof, "size"), *cp = json_object_get(proof, "checkpoint");
	int ok = json_is_integer(size) && json_integer_value(size) > 0 && json_is_string(cp);

	if (ok) {
		*size_r = (uint64_t)json_integer_value(size);
		buf_puts(note, json_string_value(cp));
	}
	json_decref(root);
	return ok;
}

/* Whether the n bytes at line (one line, its newline included) are one of kept's lines. */
static int
line_kept(const struct buf *kept, const char *line, size_t n)
{
	const char *at = kept->data, *end = kept->data + kept->len, *nl;

	while (at != NULL && at < end) {
		nl = memchr(at, '\n', (size_t)(end - at));
		if (nl != NULL && (size_t)(nl - at) + 1 == n && memcmp(at, line, n) == 0)
			return 1;
		at = nl != NULL ? nl + 1 : NULL;
	}
	return 0;
}

/*
 * Whether note is the checkpoint signed at the proof's size (pub's) with
 * none but cosignature lines the fund keeps for that size after it: the
 * witnesses may cosign after the report was kept, so the JSON may carry
 * fewer than are kept now.
 */
static enum redress_err
cosigned_as_kept(struct tlog *log, const struct report_published *pub, const struct buf *note, int *ok_r,
                 struct redress_error *err)
{
	const struct buf *bare = &pub->proof_checkpoint;
	struct buf kept;
	const char *line, *end;
	enum redress_err rc;

	*ok_r = 0;
	if (note->data == NULL || bare->data == NULL)
		return REDRESS_OK;
	if (note->len < bare->len || memcmp(note->data, bare->data, bare->len) != 0)
		return REDRESS_OK;
	buf_init(&kept, 1u << 20);
	if ((rc = tlog_cosignatures_at(log, pub->proof_size, &kept, err)) != REDRESS_OK)
		goto out;
	*ok_r = 1;
	for (line = note->data + bare->len; line < note->data + note->len; line = end + 1) {
		size_t n;

		if ((end = memchr(line, '\n', (size_t)(note->data + note->len - line))) == NULL) {
			*ok_r = 0;
			break;
		}
		n = (size_t)(end - line) + 1;
		if (!line_kept(&kept, line, n)) {
			*ok_r = 0;
			break;
		}
	}
out:
	buf_free(&kept);
	return rc;
}

enum redress_err
reports_rendering_check(struct tlog *log, const char *program, const char *format, uint64_t seq,
                        const void *body, size_t len, uint64_t json_seq, const void *json, size_t json_len,
                        struct redress_error *err)
{
	struct report_published *pub = NULL;
	struct buf note, out;
	uint64_t proof_size = seq + 1;
	int f = -1, named, cosigned = 0;
	size_t i;
	enum redress_err rc;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, format) == 0)
			f = (int)i;
	if (f < 0)
		return error_set(err, REDRESS_E_TAMPERED,
		                 "report rendering of program %.64s in format '%.16s':"
		                 " there is no such format",
		                 program, format);
	if (seq != json_seq)
		return error_set(
		    err, REDRESS_E_TAMPERED,
		    "report rendering of program %.64s (%s) names event %llu, its JSON rendering event"
		    " %llu: one of them was replaced",
		    program, format, (unsigned long long)seq, (unsigned long long)json_seq);
	if ((pub = calloc(1, sizeof(*pub))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for a report");
	report_published_init(pub);
	buf_init(&note, 1u << 20);
	buf_init(&out, 16u << 20);
	named = json_proof(json, json_len, &proof_size, &note);
	if ((rc = report_published_load(log, seq, proof_size, pub, err)) != REDRESS_OK) {
		if (rc == REDRESS_E_INVALID || rc == REDRESS_E_NOTFOUND) {
			error_prefix(err,
			             "report rendering of program %.64s (%s) names event %llu, which is not a"
			             " published report with a proof at size %llu",
			             program, format, (unsigned long long)seq,
			             (unsigned long long)proof_size);
			rc = err->code = REDRESS_E_TAMPERED;
		}
		goto out;
	}
	if (strcmp(pub->report.program, program) != 0) {
		rc = error_set(
		    err, REDRESS_E_TAMPERED,
		    "report rendering of program %.64s (%s) holds event %llu, a report of program %.64s",
		    program, format, (unsigned long long)seq, pub->report.program);
		goto out;
	}
	if (named && (rc = cosigned_as_kept(log, pub, &note, &cosigned, err)) != REDRESS_OK)
		goto out;
	if (cosigned) {
		buf_reset(&pub->proof_checkpoint);
		buf_append(&pub->proof_checkpoint, note.data, note.len);
	}
	if ((rc = formats[f].render(pub, &out, err)) != REDRESS_OK ||
	    (rc = buf_error(&out, err)) != REDRESS_OK)
		goto out;
	if (out.len != len || memcmp(out.data, body, len) != 0)
		rc = error_set(
		    err, REDRESS_E_TAMPERED,
		    "report rendering of program %.64s (%s) is not what the log's report at event %llu"
		    " renders: its figures, proof or event were edited behind the log's back",
		    program, format, (unsigned long long)seq);
out:
	buf_free(&out);
	buf_free(&note);
	report_published_free(pub);
	free(pub);
	return rc;
}

/* A kept rendering, copied out of REPORTS_Q_RENDERING_EACH's row. */
struct kept {
	char program[65];
	char format[17];
	uint64_t seq;
	void *body;
	size_t len;
};

/* The row as the statement lends it. */
struct kept_read {
	const char *program, *format;
	int64_t seq;
	const void *body;
	size_t len;
};

static void
kept_free(struct kept *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(k[i].body);
	free(k);
}

/* Every kept rendering, read whole before any is checked (the check reads the log on the same connection). */
static enum redress_err
kept_all(struct store *store, struct kept **all_r, size_t *n_r, struct redress_error *err)
{
	static const struct store_field fields[] = {
	    STORE_FIELD_TEXT(struct kept_read, program),
	    STORE_FIELD_TEXT(struct kept_read, format),
	    STORE_FIELD(struct kept_read, seq),
	    STORE_FIELD_BLOB(struct kept_read, body, len),
	};
	struct kept *all = NULL, *k;
	struct kept_read row;
	struct store_stmt *st;
	size_t n = 0, cap = 0;
	enum store_step_result step;

	*all_r = NULL;
	*n_r = 0;
	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_RENDERING_EACH, err)) == NULL)
		return err->code;
	while ((step = store_read(st, fields, &row, err)) == STORE_ROW) {
		if (n == cap) {
			size_t more = cap == 0 ? 8 : cap * 2;

			if ((k = realloc(all, more * sizeof(*all))) == NULL) {
				store_done(st);
				kept_free(all, n);
				return error_set(err, REDRESS_E_NOMEM,
				                 "out of memory for the kept renderings");
			}
			all = k;
			cap = more;
		}
		k = &all[n];
		memset(k, 0, sizeof(*k));
		text_copy(k->program, sizeof(k->program), row.program);
		text_copy(k->format, sizeof(k->format), row.format);
		k->seq = row.seq < 0 ? UINT64_MAX : (uint64_t)row.seq;
		if ((k->body = malloc(row.len > 0 ? row.len : 1)) == NULL) {
			store_done(st);
			kept_free(all, n);
			return error_set(err, REDRESS_E_NOMEM, "out of memory for the kept renderings");
		}
		memcpy(k->body, row.body, row.len);
		k->len = row.len;
		n++;
	}
	if (step != STORE_DONE) {
		kept_free(all, n);
		return err->code;
	}
	*all_r = all;
	*n_r = n;
	return REDRESS_OK;
}

enum redress_err
reports_renderings_audit(struct tlog *log, struct audit_report *report, struct redress_error *err)
{
	struct redress_error found;
	struct kept *all, *json;
	size_t n, i, j;
	enum redress_err rc;

	if ((rc = kept_all(tlog_store(log), &all, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < n; i++) {
		/* The program's JSON rendering: the event and proof size the others must agree with. */
		json = NULL;
		for (j = 0; j < n; j++)
			if (strcmp(all[j].program, all[i].program) == 0 && strcmp(all[j].format, "json") == 0)
				json = &all[j];
		rc = reports_rendering_check(log, all[i].program, all[i].format, all[i].seq, all[i].body,
		                             all[i].len, json != NULL ? json->seq : all[i].seq,
		                             json != NULL ? json->body : NULL, json != NULL ? json->len : 0,
		                             &found);
		if (rc == REDRESS_E_TAMPERED) {
			audit_finding(report, "%s", found.message);
		} else if (rc != REDRESS_OK) {
			*err = found;
			break;
		}
		report->rows++;
		rc = REDRESS_OK;
	}
	kept_free(all, n);
	return rc;
}
