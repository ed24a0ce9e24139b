/*
 * page_dups.c -- the page of suspected duplicates (domain/dups): persons
 * with the same whole name and birth year, found by keyed hashes, each
 * pair with why it is suspected and, for a caseworker, the form that
 * decides it.
 *
 *   GET  /work/duplicates                     the pairs not yet decided (readers of files)
 *   POST /work/duplicates/{pair}/resolve      decision=distinct|same, reason (caseworkers)
 *
 * "Same" is proposed by one caseworker and approved by another, who
 * presses the same button: the later-registered person is then merged
 * into the earlier.  No name is shown, only pseudonyms linking to the
 * files.  A decision that worked answers 303 back to the list; one that
 * did not is drawn with why, and saved nothing.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/dups/dups.h"
#include "http/page.h"

/* What the decision form posts, and what a refusal draws again. */
struct dups_page_arg {
	struct page_change pc;
	char pair[HTTP_PARAM_MAX + 1];
	char decision[16];
	char reason[DUPS_REASON_MAX + 1];
};

static const char *
basis_words(struct page *p, enum registry_dup_basis basis)
{
	return basis == REGISTRY_DUP_NAME_YEAR_REGION ? T(p, "same name, birth year and region")
	                                              : T(p, "same name and birth year");
}

/* A link to a person's file. */
static void
person_link(struct page *p, const char *pseudonym)
{
	html_raw_const(p->b, "<a");
	html_href_path(p->b, "href", "/persons/", pseudonym);
	html_raw_const(p->b, ">");
	html_text(p->b, pseudonym);
	html_raw_const(p->b, "</a>");
}

/* The decision form of one pair: the reason, and a button for each decision. */
static void
decide_form(struct page *p, const char *name, int proposed, const char *reason, const char *error)
{
	char path[DUPS_PAIR_MAX + 32], id[DUPS_PAIR_MAX + 16];

	snprintf(path, sizeof(path), "/work/duplicates/%s/resolve", name);
	snprintf(id, sizeof(id), "reason-%s", name);
	html_raw_const(p->b, "<form method=\"post\"");
	html_href(p->b, "action", path);
	html_raw_const(p->b, ">");
	page_csrf(p);
	html_raw_const(p->b, "<label");
	html_attr(p->b, "for", id);
	html_raw_const(p->b, ">");
	html_text(p->b, T(p, "Why (sealed, required)"));
	html_raw_const(p->b, "</label>");
	if (error != NULL) {
		html_raw_const(p->b, "<p class=\"field-error\">");
		html_text(p->b, error);
		html_raw_const(p->b, "</p>");
	}
	html_raw_const(p->b, "<textarea required rows=\"2\" name=\"reason\"");
	html_attr(p->b, "id", id);
	html_raw_const(p->b, ">");
	html_text(p->b, reason);
	html_raw_const(p->b, "</textarea><button type=\"submit\" name=\"decision\" value=\"distinct\">");
	html_text(p->b, T(p, "Two people"));
	html_raw_const(p->b, "</button> <button type=\"submit\" name=\"decision\" value=\"same\">");
	html_text(p->b, proposed ? T(p, "Approve the merge") : T(p, "Same person: propose a merge"));
	html_raw_const(p->b, "</button></form>");
}

struct pair_rows {
	struct page *p;
	size_t n;
	int may_decide;
	const char *heads[4];
};

static void
cell_begin(struct pair_rows *r, size_t col)
{
	page_td_begin(r->p, r->heads[col], NULL);
}

static enum redress_err
pair_row(void *ctx, const struct dups_pair *d, struct redress_error *err)
{
	struct pair_rows *r = ctx;
	struct page *p = r->p;
	char name[DUPS_PAIR_MAX + 1];
	size_t i;

	(void)err;
	if (r->n++ == 0) {
		r->heads[0] = T(p, "Persons");
		r->heads[1] = T(p, "Why suspected");
		r->heads[2] = T(p, "Merge");
		r->heads[3] = T(p, "Decide");
		page_table_stacked_begin(p); /* a decide form in a row: cards on a phone */
		for (i = 0; i < (r->may_decide ? 4u : 3u); i++)
			page_th(p, r->heads[i]);
		html_raw_const(p->b, "</tr></thead><tbody>");
	}
	dups_pair_name(&d->pair, name, sizeof(name));
	html_raw_const(p->b, "<tr>");
	cell_begin(r, 0);
	person_link(p, d->pair.a);
	html_raw_const(p->b, " &amp; ");
	person_link(p, d->pair.b);
	html_raw_const(p->b, "</td>");
	cell_begin(r, 1);
	html_text(p->b, basis_words(p, d->pair.basis));
	html_raw_const(p->b, "</td>");
	cell_begin(r, 2);
	if (d->proposal != 0) {
		html_text(p->b, T(p, "proposed by"));
		html_raw_const(p->b, " ");
		html_text(p->b, page_actor(d->proposer));
		html_raw_const(p->b, ": ");
		html_text(p->b, T(p, "another staff member approves it"));
	} else {
		html_text(p->b, "\xe2\x80\x94");
	}
	html_raw_const(p->b, "</td>");
	if (r->may_decide) {
		cell_begin(r, 3);
		decide_form(p, name, d->proposal != 0, "", NULL);
		html_raw_const(p->b, "</td>");
	}
	html_raw_const(p->b, "</tr>");
	return REDRESS_OK;
}

struct notice_pairs {
	struct store *store;
	const char *self;
	struct buf *others; /* ", "-separated pseudonyms */
	size_t n;
};

static enum redress_err
notice_pair(void *ctx, const struct registry_dup_pair *pair, struct redress_error *err)
{
	struct notice_pairs *np = ctx;
	const char *other = strcmp(pair->a, np->self) == 0 ? pair->b : pair->a;

	(void)err;
	if (np->n++ > 0)
		buf_puts(np->others, ", ");
	buf_puts(np->others, other);
	return REDRESS_OK;
}

void
page_dups_merged_words(struct page *p, struct store *store, const char *pseudonym)
{
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	struct redress_error err;

	if (store == NULL || dups_merged_into(store, pseudonym, into, NULL, &err) != REDRESS_OK ||
	    into[0] == '\0')
		return;
	html_raw_const(p->b, ", ");
	html_text(p->b, T(p, "merged into"));
	html_raw_const(p->b, " ");
	html_text(p->b, into);
}

void
page_dups_notice(struct page *p, struct store *store, const char *pseudonym)
{
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	struct redress_error err;
	struct buf others;
	struct notice_pairs np = {store, pseudonym, &others, 0};

	if (dups_merged_into(store, pseudonym, into, NULL, &err) != REDRESS_OK)
		return;
	if (into[0] != '\0') {
		html_raw_const(p->b, "<p class=\"notice notice-info\" role=\"status\"><strong>");
		html_text(p->b, T(p, "Merged into"));
		html_raw_const(p->b, " ");
		person_link(p, into);
		html_raw_const(p->b, "</strong> ");
		html_text(p->b, T(p, "She was registered twice: no new claim is opened on this file."));
		html_raw_const(p->b, "</p>");
		return;
	}
	buf_init(&others, 4096);
	if (dups_undecided_of(store, pseudonym, notice_pair, &np, &err) == REDRESS_OK && np.n > 0 &&
	    buf_error(&others, &err) == REDRESS_OK) {
		html_raw_const(p->b, "<p class=\"notice notice-info\" role=\"status\">");
		html_text(p->b, T(p, "She may be the same person as:"));
		html_raw_const(p->b, " ");
		html_text(p->b, others.data);
		html_raw_const(p->b, ". <a href=\"/work/duplicates\">");
		html_text(p->b, T(p, "Decide on the page of suspected duplicates"));
		html_raw_const(p->b, "</a></p>");
	}
	buf_free(&others);
}

void
page_duplicates(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	struct page p;
	struct pair_rows r = {&p, 0, 0, {NULL}};
	enum redress_err rc;

	if ((store = page_open(&p, req, res, N_("Suspected duplicates"))) == NULL)
		return;
	r.may_decide = users_allows(&req->actor, PERM_PERSONS_WRITE);
	html_raw_const(p.b, "<p class=\"hint\">");
	html_text(
	    p.b, T(&p, "Persons registered with the same name and birth year, found without opening anyone's "
	               "file. Both stay registered until you decide: two people, or one person registered "
	               "twice (merged into the one registered first, with a second staff member)."));
	html_raw_const(p.b, "</p>");
	rc = dups_list(store, &req->actor, pair_row, &r, NULL, &err);
	page_list_end(&p, rc != REDRESS_OK, r.n, T(&p, "The suspected duplicates could not be read."),
	              T(&p, "No suspected duplicate is waiting."));
	page_end(&p, 200);
}

/* Decides the pair; 303 back to the list, else the refusal with the form again. */
static enum redress_err
do_resolve(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct dups_page_arg *a = arg;
	enum dups_outcome outcome;
	struct page p;
	enum redress_err rc;

	rc = dups_resolve(c->log, c->actor, &c->keys, a->pair, strcmp(a->decision, "same") == 0, a->reason,
	                  NULL, &outcome, NULL, err);
	if (rc == REDRESS_OK) {
		page_redirect(res, "/work/duplicates");
		return REDRESS_OK;
	}
	page_change_begin_failed(&p, &a->pc, res, N_("Suspected duplicates"));
	html_raw_const(p.b, "<p><a href=\"/work/duplicates\">");
	html_text(p.b, T(&p, "Back to the suspected duplicates"));
	html_raw_const(p.b, "</a></p>");
	page_notice(&p, "error", err->message);
	page_notice(&p, "info", T(&p, "Nothing was saved."));
	page_end(&p, rc == REDRESS_E_NOTFOUND ? 404 : rc == REDRESS_E_CONFLICT ? 409 : 422);
	return rc;
}

void
page_duplicates_resolve(struct http_request *req, struct http_response *res)
{
	struct dups_page_arg *a = calloc(1, sizeof(*a));
	const char *pair = http_param(req, "pair");
	struct page p;
	const char *why = NULL;

	if (a == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if (pair == NULL || strlen(pair) > DUPS_PAIR_MAX) {
		free(a);
		http_page_refuse(req, res, 404);
		return;
	}
	page_change_init(&a->pc, req, res);
	memcpy(a->pair, pair, strlen(pair) + 1);
	if (!page_form_copy(req, "decision", a->decision, sizeof(a->decision)) ||
	    (strcmp(a->decision, "same") != 0 && strcmp(a->decision, "distinct") != 0))
		why = N_("Choose: two people, or the same person.");
	else if (!page_form_copy(req, "reason", a->reason, sizeof(a->reason)))
		why = N_("The reason is too long: at most 1000 bytes.");
	else if (a->reason[0] == '\0')
		why = N_("Say why: the reason is recorded, sealed.");
	if (why == NULL) {
		http_change_submit(req, do_resolve, a);
		return;
	}
	page_begin_failed(&p, req, res, N_("Suspected duplicates"));
	html_raw_const(p.b, "<p><a href=\"/work/duplicates\">");
	html_text(p.b, T(&p, "Back to the suspected duplicates"));
	html_raw_const(p.b, "</a></p>");
	page_notice(&p, "info", T(&p, "Nothing was saved."));
	decide_form(&p, a->pair, 0, a->reason, i18n_get(p.lang, why));
	page_end(&p, 422);
	sodium_memzero(a, sizeof(*a));
	free(a);
}
