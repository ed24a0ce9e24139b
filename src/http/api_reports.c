/*
 * api_reports.c -- the public transparency report over HTTP.
 *
 *   POST /api/v1/programs/{code}/reports   publishes one (monitors, admins): the
 *                                          figures at the current checkpoint,
 *                                          appended to the log (domain/reports)
 *   GET  /report?program=CODE[&format=html|json|csv]
 *                                          the program's latest published report
 *                                          (by the server, `report public` or
 *                                          `fund close`), for anyone, with its charts
 *
 * Publishing computes over the whole registry, so anonymous readers never
 * trigger it: they get the latest report the log holds, rendered from its
 * event on every request (report_shown_load), nothing kept apart from the
 * log.  The JSON form carries the checkpoint and proofs for `redress
 * report verify`.
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

/* Renders pub in formats[f] into res with status. */
static enum redress_err
reply(const struct report_published *pub, int f, int status, struct http_response *res,
      struct redress_error *err)
{
	struct buf out;
	enum redress_err rc;

	buf_init(&out, 16u << 20);
	if ((rc = formats[f].render(pub, &out, err)) == REDRESS_OK &&
	    (rc = buf_error(&out, err)) == REDRESS_OK) {
		http_reply_text(res, status, formats[f].content_type, out.data, out.len);
		if (strcmp(formats[f].name, "html") == 0)
			http_allow_style(res);
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
		rc = reply(pub, a->format, 201, res, err);
	report_published_free(pub);
	free(pub);
	return rc;
}

enum redress_err
api_reports_publish_default(struct tlog *log, const struct actor *actor, const char *program,
                            struct redress_error *err)
{
	struct report_published *pub = calloc(1, sizeof(*pub));
	enum redress_err rc;

	if (pub == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for a report");
	report_published_init(pub);
	rc = report_publish(log, actor, program, REPORT_K_DEFAULT, pub, err);
	report_published_free(pub);
	free(pub);
	return rc;
}

/*
 * The program's latest published report, rebuilt from log into pub
 * (report_shown_load): REDRESS_E_NOTFOUND when none was published,
 * REDRESS_E_TAMPERED when reports_published names no report of it.
 */
static enum redress_err
shown(struct http_request *req, struct tlog *log, const char *program, struct report_published *pub,
      struct redress_error *err)
{
	struct tlog_public projection = report_feed_public(http_registry_keys(req).index);

	/* The report event's public part (version 3) needs the index key, as the server's own log has. */
	tlog_set_public(log, &projection);
	return report_shown_load(log, program, pub, err);
}

enum redress_err
api_reports_shown(struct http_request *req, struct http_response *res, const char *program, struct buf *out,
                  struct redress_error *err)
{
	struct report_published *pub;
	struct tlog *log;
	enum redress_err rc;

	if ((log = http_read_log(req, res)) == NULL)
		return error_set(err, REDRESS_E_STORE, "the log could not be read");
	if ((pub = calloc(1, sizeof(*pub))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for a report");
	report_published_init(pub);
	if ((rc = shown(req, log, program, pub, err)) == REDRESS_OK &&
	    (rc = report_render_json(pub, out, err)) == REDRESS_OK)
		rc = buf_error(out, err);
	report_published_free(pub);
	free(pub);
	return rc;
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
	struct report_published *pub;
	struct redress_error err;
	struct tlog *log;
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
	if ((log = http_read_log(req, res)) == NULL)
		return;
	if ((pub = calloc(1, sizeof(*pub))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	report_published_init(pub);
	if (shown(req, log, program, pub, &err) != REDRESS_OK ||
	    reply(pub, f, 200, res, &err) != REDRESS_OK) {
		if (err.code == REDRESS_E_NOTFOUND)
			http_reply_error(
			    res, 404, "not_found",
			    "no report of this program has been published yet: a monitor publishes one"
			    " with POST /api/v1/programs/CODE/reports");
		else
			http_reply_fail(res, &err);
	}
	report_published_free(pub);
	free(pub);
}
