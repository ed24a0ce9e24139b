/*
 * api_reports.c -- the public transparency report over HTTP.
 *
 *   POST /api/v1/programs/{code}/reports   publishes one (monitors, admins): the
 *                                          figures at the current checkpoint,
 *                                          appended to the log (domain/reports)
 *   GET  /report?program=CODE[&format=html|json|csv]
 *                                          the latest one published through the
 *                                          server, for anyone, with its charts
 *
 * Publishing computes over the whole registry, so anonymous readers never
 * trigger it: they get what was published, kept by the reports module
 * (reports_rendering_keep: public figures only, nothing personal) so that
 * it outlives a restart.  The JSON form carries the checkpoint and proofs
 * for `redress report verify`.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/reports/reports.h"
#include "http/api.h"
#include "http/page.h"

static const struct {
	const char *name;
	const char *content_type;
	enum redress_err (*render)(const struct report_published *pub, struct buf *out,
	                           struct redress_error *err);
} formats[] = {
    {"json", "application/json", report_render_json},
    {"csv", "text/csv; charset=utf-8", report_render_csv},
    {"html", "text/html; charset=utf-8", report_render_html},
};

static int
format_index(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return (int)i;
	return -1;
}

struct publish_arg {
	char program[65];
	int64_t k;
	int format;
};

/* Keeps every rendering of pub for the public page; renders the one asked for into res. */
static enum redress_err
keep(struct store *store, const struct publish_arg *a, const struct report_published *pub,
     struct http_response *res, struct redress_error *err)
{
	struct buf out;
	enum redress_err rc = REDRESS_OK;
	size_t i;

	buf_init(&out, 16u << 20);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]) && rc == REDRESS_OK; i++) {
		buf_reset(&out);
		if ((rc = formats[i].render(pub, &out, err)) != REDRESS_OK ||
		    (rc = buf_error(&out, err)) != REDRESS_OK)
			break;
		if ((rc = reports_rendering_keep(store, a->program, formats[i].name, pub->seq, out.data,
		                                 out.len, err)) != REDRESS_OK)
			break;
		if (res != NULL && (int)i == a->format) {
			http_reply_text(res, 201, formats[i].content_type, out.data, out.len);
			if (strcmp(formats[i].name, "html") == 0)
				http_allow_style(res);
		}
	}
	buf_free(&out);
	return rc;
}

static enum redress_err
do_publish(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct publish_arg *a = arg;
	struct report_published *pub = calloc(1, sizeof(*pub));
	enum redress_err rc;

	if (pub == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for a report");
	report_published_init(pub);
	if ((rc = report_publish(c->log, c->actor, a->program, (int)a->k, pub, err)) == REDRESS_OK)
		rc = keep(c->store, a, pub, res, err);
	report_published_free(pub);
	free(pub);
	return rc;
}

enum redress_err
api_reports_publish_keep(struct tlog *log, const struct actor *actor, struct store *store,
                         const char *program, struct redress_error *err)
{
	struct publish_arg a;
	struct report_published *pub = calloc(1, sizeof(*pub));
	enum redress_err rc;

	if (pub == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for a report");
	memset(&a, 0, sizeof(a));
	snprintf(a.program, sizeof(a.program), "%s", program);
	a.k = REPORT_K_DEFAULT;
	a.format = -1;
	report_published_init(pub);
	if ((rc = report_publish(log, actor, program, REPORT_K_DEFAULT, pub, err)) == REDRESS_OK)
		rc = keep(store, &a, pub, NULL, err);
	report_published_free(pub);
	free(pub);
	return rc;
}

/*
 * The rendering of program in formats[f] kept for the public page, into
 * body, only when it is what the log's report renders (the audit's check,
 * reports_rendering_check): figures edited in the table, or an older
 * report put in its place, are REDRESS_E_TAMPERED naming it, never shown
 * as the fund's.  REDRESS_E_NOTFOUND when none was kept.
 */
static enum redress_err
checked_get(struct http_request *req, struct tlog *log, struct store *store, const char *program, int f,
            struct buf *body, struct redress_error *err)
{
	struct tlog_public projection = report_feed_public(http_registry_keys(req).index);
	struct buf json;
	uint64_t seq = 0, json_seq;
	enum redress_err rc;

	if ((rc = reports_rendering_get(store, program, formats[f].name, &seq, body, err)) != REDRESS_OK)
		return rc;
	buf_init(&json, 16u << 20);
	json_seq = seq;
	if (f != 0 &&
	    (rc = reports_rendering_get(store, program, "json", &json_seq, &json, err)) != REDRESS_OK &&
	    rc != REDRESS_E_NOTFOUND)
		goto out;
	/* The report event's public part (version 3) needs the index key, as the server's own log has. */
	tlog_set_public(log, &projection);
	rc = reports_rendering_check(log, program, formats[f].name, seq, body->data, body->len, json_seq,
	                             f == 0 ? body->data : json.data, f == 0 ? body->len : json.len, err);
out:
	buf_free(&json);
	return rc;
}

enum redress_err
api_reports_stored(struct http_request *req, struct http_response *res, struct store *store,
                   const char *program, struct buf *out, struct redress_error *err)
{
	struct tlog *log;

	if ((log = http_read_log(req, res)) == NULL)
		return error_set(err, REDRESS_E_STORE, "the log could not be read");
	return checked_get(req, log, store, program, 0, out, err);
}

void
api_reports_publish(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"k", "format", NULL};
	const char *code = http_param(req, "code");
	struct publish_arg *a;
	char format[8] = "json";
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 1, sizeof(*a), &body)) == NULL)
		return;
	a->k = REPORT_K_DEFAULT;
	ok = http_field_int(res, body, "k", 0, REPORT_K_MIN, REPORT_K_MAX, &a->k) >= 0 &&
	     http_field_string(res, body, "format", 0, format, sizeof(format)) >= 0;
	if (ok && strlen(code) >= sizeof(a->program)) {
		http_reply_error(res, 404, "not_found", "there is no program with that code");
		ok = 0;
	}
	if (ok && (a->format = format_index(format[0] != '\0' ? format : "json")) < 0) {
		http_reply_error(res, 400, "invalid", "field 'format': it is html, csv or json");
		ok = 0;
	}
	if (!ok) {
		api_form_end(req, body, 0, do_publish, a, sizeof(*a));
		return;
	}
	memcpy(a->program, code, strlen(code) + 1);
	json_decref(body);
	/* report_publish makes its own change: computed, then appended only if the log moved. */
	http_change_submit_own(req, do_publish, a);
}

void
api_reports_public(struct http_request *req, struct http_response *res)
{
	const char *program = http_query(req, "program"), *format = http_query(req, "format");
	struct redress_error err;
	struct store *store;
	struct tlog *log;
	struct buf body;
	int f;

	if (program == NULL) {
		/* The reports' page names every program and its report. */
		page_redirect(res, "/reports");
		return;
	}
	if ((f = format_index(format != NULL ? format : "html")) < 0) {
		http_reply_error(res, 400, "invalid", "query parameter 'format': it is html, csv or json");
		return;
	}
	if ((store = http_store(req, res)) == NULL || (log = http_read_log(req, res)) == NULL)
		return;
	buf_init(&body, 16u << 20);
	if (checked_get(req, log, store, program, f, &body, &err) != REDRESS_OK) {
		if (err.code == REDRESS_E_NOTFOUND)
			http_reply_error(
			    res, 404, "not_found",
			    "no report of this program has been published here yet: a monitor publishes one"
			    " with POST /api/v1/programs/CODE/reports");
		else
			http_reply_fail(res, &err);
		goto out;
	}
	http_reply_text(res, 200, formats[f].content_type, body.data, body.len);
	if (strcmp(formats[f].name, "html") == 0)
		http_allow_style(res);
out:
	buf_free(&body);
}
