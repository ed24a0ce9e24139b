/*
 * api_claims.c -- /api/v1/claims: a claim from intake to decision, with
 * the claims module's rules (domain/claims): the state each transition
 * needs, four eyes (two different reviewers, neither the one who opened
 * it), a reason for a denial.
 *
 * Evidence arrives as multipart/form-data (a part named "file"), is sealed
 * with the victim's key by the domain, and leaves only as the decrypted
 * bytes of one file, application/octet-stream, under a file name reduced to
 * harmless characters; each download is an event on the log (who read
 * which testimony, when), so it goes through the writer like a change.  Reasons travel in fixed fields the
 * writer wipes; neither they nor testimony are ever in an error or the access log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domain/claims/claims.h"
#include "http/api.h"

#define NO_CLAIM "there is no claim with that id"

/* ---- Reading ---------------------------------------------------------------- */

/* The list's array, and who asks: only the claims of people its office sees (domain/offices). */
struct claims_list {
	json_t *array;
	struct http_request *req;
	struct store *store;
};

static enum redress_err
claim_one(void *ctx, const struct claim *c, struct redress_error *err)
{
	struct claims_list *l = ctx;
	int sees;

	if ((sees = http_sees(l->req, l->store, c->victim, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	return api_append(l->array, claim_json(c), err);
}

void
api_claims_list(struct http_request *req, struct http_response *res)
{
	const char *state_text = http_query(req, "state"), *program = http_query(req, "program");
	struct redress_error err;
	enum claim_state state;
	struct claims_list l;
	struct store *store;
	json_t *array;
	int filter = -1;

	if (state_text != NULL) {
		if (claim_state_parse(state_text, &state, &err) != REDRESS_OK) {
			http_reply_error(res, 400, "invalid", "query parameter 'state': %s", err.message);
			return;
		}
		filter = (int)state;
	}
	if ((store = http_store(req, res)) == NULL)
		return;
	array = json_array();
	l.array = array;
	l.req = req;
	l.store = store;
	api_reply_list(res, "claims", array, claim_each(store, filter, program, claim_one, &l, &err), &err);
}

/* A yes-or-no query parameter: 1 or 0 (absent: 0), -1 after answering 400. */
static int
query_flag(struct http_request *req, struct http_response *res, const char *name)
{
	const char *text = http_query(req, name);

	if (text == NULL || strcmp(text, "false") == 0 || strcmp(text, "0") == 0)
		return 0;
	if (strcmp(text, "true") == 0 || strcmp(text, "1") == 0)
		return 1;
	http_reply_error(res, 400, "invalid", "query parameter '%s' must be true or false", name);
	return -1;
}

/* The claim with its reasons opened: a change, whose event records who opened them. */
static enum redress_err
do_show_reasons(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	const char *id = arg;
	json_t *file;
	enum redress_err rc;

	c->personal = 1; /* reasons may speak of her */
	if ((rc = claim_reasons_opened(c->log, c->actor, id, err)) != REDRESS_OK ||
	    (rc = claim_file_json(c->store, c->actor, &c->keys, id, &file, err)) != REDRESS_OK)
		return rc;
	if ((rc = claim_file_labels(c->log, c->store, id, file, err)) != REDRESS_OK) {
		json_decref(file);
		return rc;
	}
	http_reply_json(res, 200, file);
	return REDRESS_OK;
}

void
api_claims_show(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct store *store;
	struct tlog *log;
	json_t *file;
	char *id;
	int reasons;

	if ((reasons = query_flag(req, res, "reasons")) < 0)
		return;
	if (reasons) {
		if ((id = calloc(1, CLAIM_ID_MAX + 1)) == NULL) {
			http_reply_error(res, 503, "unavailable", "out of memory");
			return;
		}
		if (api_param_copy(req, res, "claim", id, CLAIM_ID_MAX + 1, NO_CLAIM) < 0) {
			free(id);
			return;
		}
		http_change_submit(req, do_show_reasons, id);
		return;
	}
	if ((store = http_store(req, res)) == NULL || (log = http_read_log(req, res)) == NULL)
		return;
	if (claim_file_json(store, &req->actor, NULL, http_param(req, "claim"), &file, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	if (claim_file_labels(log, store, http_param(req, "claim"), file, &err) != REDRESS_OK) {
		json_decref(file);
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200, file);
}

/* ---- Opening ------------------------------------------------------------------ */

struct open_arg {
	char program[65];
	char victim[REGISTRY_PSEUDONYM_MAX + 1];
	char claimant[REGISTRY_PSEUDONYM_MAX + 1];
};

/* Answers claim id as it stands after the change, with status. */
static enum redress_err
reply_claim(struct http_change *c, const char *id, unsigned status, struct http_response *res,
            struct redress_error *err)
{
	struct claim claim;
	enum redress_err rc;

	if ((rc = claim_get(c->store, id, &claim, err)) == REDRESS_OK)
		http_reply_json(res, status, claim_json(&claim));
	return rc;
}

static enum redress_err
do_open(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct open_arg *a = arg;
	char id[CLAIM_ID_MAX + 1];
	enum redress_err rc;

	/* The victim and claimant in the body, as a path's person (domain/offices): another office's is not
	 * found. */
	if ((rc = offices_require(c->store, c->actor, a->victim, err)) != REDRESS_OK ||
	    (a->claimant[0] != '\0' &&
	     (rc = offices_require(c->store, c->actor, a->claimant, err)) != REDRESS_OK))
		return rc;
	if ((rc = claim_open(c->log, c->actor, a->program, a->victim,
	                     a->claimant[0] != '\0' ? a->claimant : NULL, id, err)) != REDRESS_OK)
		return rc;
	return reply_claim(c, id, 201, res, err);
}

void
api_claims_open(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"program", "victim", "claimant", NULL};
	struct open_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             http_field_string(res, body, "program", 1, a->program, sizeof(a->program)) >= 0 &&
	                 http_field_string(res, body, "victim", 1, a->victim, sizeof(a->victim)) >= 0 &&
	                 http_field_string(res, body, "claimant", 0, a->claimant, sizeof(a->claimant)) >= 0,
	             do_open, a, sizeof(*a));
}

/* ---- Transitions ------------------------------------------------------------ */

struct transition_arg {
	char id[CLAIM_ID_MAX + 1];
	enum claim_action action;
	char reason[CLAIM_REASON_MAX + 1];
};

static enum redress_err
do_transition(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct transition_arg *a = arg;
	const char *reason = a->reason[0] != '\0' ? a->reason : NULL;
	enum redress_err rc;

	switch (a->action) {
	case CLAIM_SUBMIT: rc = claim_submit(c->log, c->actor, a->id, err); break;
	case CLAIM_APPROVE: rc = claim_approve(c->log, c->actor, &c->keys, a->id, reason, err); break;
	case CLAIM_DENY: rc = claim_deny(c->log, c->actor, &c->keys, a->id, reason, err); break;
	case CLAIM_UPHOLD:
	case CLAIM_OVERTURN:
		rc = claim_appeal_decide(c->log, c->actor, &c->keys, a->id, a->action == CLAIM_OVERTURN,
		                         reason, err);
		break;
	default: rc = claim_appeal(c->log, c->actor, &c->keys, a->id, reason, err); break;
	}
	if (rc != REDRESS_OK)
		return rc;
	return reply_claim(c, a->id, 200, res, err);
}

/* A transition's body: {"reason"}, required for a denial, refused for a submission. */
static void
transition(struct http_request *req, struct http_response *res, enum claim_action action)
{
	static const char *const with_reason[] = {"reason", NULL};
	static const char *const without[] = {NULL};
	struct transition_arg *a;
	json_t *body;

	a = api_form_begin(req, res, action == CLAIM_SUBMIT ? without : with_reason, action != CLAIM_DENY,
	                   sizeof(*a), &body);
	if (a == NULL)
		return;
	a->action = action;
	api_form_end(req, body,
	             api_param_copy(req, res, "claim", a->id, sizeof(a->id), NO_CLAIM) == 0 &&
	                 http_field_string(res, body, "reason", action == CLAIM_DENY, a->reason,
	                                   sizeof(a->reason)) >= 0,
	             do_transition, a, sizeof(*a));
}

void
api_claims_submit(struct http_request *req, struct http_response *res)
{
	transition(req, res, CLAIM_SUBMIT);
}

void
api_claims_approve(struct http_request *req, struct http_response *res)
{
	transition(req, res, CLAIM_APPROVE);
}

void
api_claims_deny(struct http_request *req, struct http_response *res)
{
	transition(req, res, CLAIM_DENY);
}

void
api_claims_appeal(struct http_request *req, struct http_response *res)
{
	transition(req, res, CLAIM_APPEAL);
}

/*
 * An appeal's decision: {"outcome": "upheld" | "overturned", "reason"},
 * both required; by the appeals role, never by one who took part in the
 * claim (403), on an appealed claim only (409).
 */
void
api_claims_appeal_decide(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"outcome", "reason", NULL};
	struct transition_arg *a;
	char outcome[16];
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = api_param_copy(req, res, "claim", a->id, sizeof(a->id), NO_CLAIM) == 0 &&
	     http_field_string(res, body, "outcome", 1, outcome, sizeof(outcome)) >= 0 &&
	     http_field_string(res, body, "reason", 1, a->reason, sizeof(a->reason)) >= 0;
	if (ok) {
		if (strcmp(outcome, "upheld") == 0) {
			a->action = CLAIM_UPHOLD;
		} else if (strcmp(outcome, "overturned") == 0) {
			a->action = CLAIM_OVERTURN;
		} else {
			http_reply_error(res, 400, "invalid",
			                 "field 'outcome' must be \"upheld\" or \"overturned\"");
			ok = 0;
		}
	}
	api_form_end(req, body, ok, do_transition, a, sizeof(*a));
}

/* ---- Harms ------------------------------------------------------------------------ */

struct harm_arg {
	char id[CLAIM_ID_MAX + 1];
	char harm[CLAIM_HARM_CODE_MAX + 1];
	char evidence[CLAIM_HARM_EVIDENCE_TEXT + 1]; /* "1,2" (naming) */
	char verdict[16];                            /* "approved" or "denied" (reviewing) */
};

/* A harm's answer: the claim's harms with their states this round. */
static enum redress_err
harm_one(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	if (json_array_append_new(ctx, claim_harm_json(h)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing harms");
	return REDRESS_OK;
}

static enum redress_err
reply_harms(struct http_change *c, const char *id, unsigned status, struct http_response *res,
            struct redress_error *err)
{
	json_t *harms = json_array();
	enum redress_err rc;

	if (harms == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing harms");
	if ((rc = claim_harm_each(c->store, id, harm_one, harms, err)) != REDRESS_OK) {
		json_decref(harms);
		return rc;
	}
	http_reply_json(res, status, json_pack("{s:s, s:o}", "claim", id, "harms", harms));
	return REDRESS_OK;
}

/* "1,2,5" into numbers; 0 when it is not such a list. */
static size_t
evidence_numbers(const char *text, int out[CLAIM_HARM_EVIDENCE_MAX])
{
	size_t n = 0;
	long v;
	char *end;

	while (*text != '\0') {
		if (*text < '0' || *text > '9' || n == CLAIM_HARM_EVIDENCE_MAX)
			return 0;
		v = strtol(text, &end, 10);
		if (v < 1 || v > CLAIM_EVIDENCE_FILES)
			return 0;
		out[n++] = (int)v;
		text = end;
		if (*text == ',')
			text++;
		else if (*text != '\0')
			return 0;
	}
	return n;
}

static enum redress_err
do_harm_add(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct harm_arg *a = arg;
	int evidence[CLAIM_HARM_EVIDENCE_MAX];
	size_t n = evidence_numbers(a->evidence, evidence);
	enum redress_err rc;

	if (n == 0)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "field 'evidence' must name the claim's evidence files that support the harm, \"1,2\"");
	if ((rc = claim_harm_add(c->log, c->actor, a->id, a->harm, evidence, n, err)) != REDRESS_OK)
		return rc;
	return reply_harms(c, a->id, 201, res, err);
}

/* POST /api/v1/claims/{claim}/harms {"harm", "evidence": "1,2"}: names a harm with its evidence. */
void
api_claims_harm_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"harm", "evidence", NULL};
	struct harm_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             api_param_copy(req, res, "claim", a->id, sizeof(a->id), NO_CLAIM) == 0 &&
	                 http_field_string(res, body, "harm", 1, a->harm, sizeof(a->harm)) >= 0 &&
	                 http_field_string(res, body, "evidence", 1, a->evidence, sizeof(a->evidence)) >= 0,
	             do_harm_add, a, sizeof(*a));
}

static enum redress_err
do_harm_review(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct harm_arg *a = arg;
	enum redress_err rc;

	if (strcmp(a->verdict, "approved") != 0 && strcmp(a->verdict, "denied") != 0)
		return error_set(err, REDRESS_E_INVALID,
		                 "field 'verdict' must be \"approved\" or \"denied\"");
	if ((rc = claim_harm_review(c->log, c->actor, a->id, a->harm, a->verdict[0] == 'a', err)) !=
	    REDRESS_OK)
		return rc;
	return reply_harms(c, a->id, 200, res, err);
}

/* POST /api/v1/claims/{claim}/harms/{harm}/review {"verdict": "approved" | "denied"}: a reviewer's verdict.
 */
void
api_claims_harm_review(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"verdict", NULL};
	struct harm_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(
	    req, body,
	    api_param_copy(req, res, "claim", a->id, sizeof(a->id), NO_CLAIM) == 0 &&
	        api_param_copy(req, res, "harm", a->harm, sizeof(a->harm), "there is no such harm") == 0 &&
	        http_field_string(res, body, "verdict", 1, a->verdict, sizeof(a->verdict)) >= 0,
	    do_harm_review, a, sizeof(*a));
}

/* ---- Evidence -------------------------------------------------------------------- */

struct evidence_arg {
	char id[CLAIM_ID_MAX + 1];
	char filename[CLAIM_FILENAME_MAX + 1];
	char label[CLAIM_LABEL_MAX + 1]; /* one of claim_evidence_labels, or "" */
	const struct buf *file;          /* the request's upload: it outlives the change */
};

static enum redress_err
do_evidence(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct evidence_arg *a = arg;
	char sha256[65];
	enum redress_err rc;
	struct claim claim;

	if ((rc = claim_evidence_add_labelled(c->log, c->actor, &c->keys, a->id, a->filename, a->label,
	                                      a->file->data, a->file->len, sha256, err)) != REDRESS_OK ||
	    (rc = claim_get(c->store, a->id, &claim, err)) != REDRESS_OK)
		return rc;
	http_reply_json(res, 201,
	                json_pack("{s:s, s:i, s:s, s:I, s:o}", "claim", claim.id, "n", claim.evidence,
	                          "sha256", sha256, "size", (json_int_t)a->file->len, "label",
	                          a->label[0] != '\0' ? json_string(a->label) : json_null()));
	return REDRESS_OK;
}

void
api_claims_evidence_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"label", NULL};
	const char *label = http_upload_field(req, "label");
	const struct buf *file;
	struct evidence_arg *a;

	if (http_upload_fields_only(req, res, fields) < 0)
		return;
	if (label != NULL && label[0] != '\0' && !claim_evidence_label_ok(label)) {
		http_reply_error(
		    res, 400, "invalid",
		    "field 'label' must be one of identity, testimony, medical, family, photo, letter, "
		    "other (what the file is)");
		return;
	}
	if ((file = http_upload_file(req)) == NULL || file->len == 0) {
		http_reply_error(res, 400, "invalid", "the form needs a non-empty part named 'file'");
		return;
	}
	if (req->upload_name[0] == '\0') {
		http_reply_error(res, 400, "invalid", "the part 'file' needs a filename");
		return;
	}
	if (strlen(req->upload_name) > CLAIM_FILENAME_MAX) {
		http_reply_error(res, 400, "invalid", "the part 'file' has a filename longer than %d bytes",
		                 CLAIM_FILENAME_MAX);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if (api_param_copy(req, res, "claim", a->id, sizeof(a->id), NO_CLAIM) < 0) {
		free(a);
		return;
	}
	memcpy(a->filename, req->upload_name, strlen(req->upload_name) + 1);
	if (label != NULL)
		memcpy(a->label, label, strlen(label) + 1); /* checked above: one of the labels */
	a->file = file;
	http_change_submit_wiped(req, do_evidence, a, sizeof(*a));
}

/* 1 for a letter, a digit, '.', '-' or '_': what a plain file name keeps. */
static int
plain_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '.' || ch == '-' || ch == '_';
}

/* 1 for a byte RFC 5987 lets stand unencoded in an ext-value (attr-char). */
static int
attr_char(unsigned char ch)
{
	return plain_char(ch) || (ch != '\0' && strchr("!#$&+^`|~", ch) != NULL);
}

/*
 * Content-Disposition for a file named name: its base name with every byte
 * but letters, digits, '.', '-' and '_' made '_', without leading dots, at
 * most 100 bytes ("evidence-N" when nothing is left); and, for a name
 * beyond ASCII (a Korean or Japanese file name), the name itself
 * percent-encoded as RFC 6266's filename*, when it fits.  No quote,
 * backslash or control byte can reach the header.
 */
static void
disposition(char *out, size_t size, const char *name, int n)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *base = strrchr(name, '/');
	char clean[101];
	size_t i, len = 0, used, plain;
	int ascii = 1;

	base = base != NULL ? base + 1 : name;
	while (*base == '.')
		base++;
	for (i = 0; base[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)base[i];

		ascii &= ch < 0x80;
		if (len < sizeof(clean) - 1)
			clean[len++] = plain_char(ch) ? (char)ch : '_';
	}
	clean[len] = '\0';
	if (len == 0)
		snprintf(out, size, "attachment; filename=\"evidence-%d\"", n);
	else
		snprintf(out, size, "attachment; filename=\"%s\"", clean);
	plain = used = strlen(out);
	if (ascii || plain + 32 > size)
		return;
	used += (size_t)snprintf(out + used, size - used, "; filename*=UTF-8''");
	for (i = 0; base[i] != '\0' && used + 4 <= size; i++) {
		unsigned char ch = (unsigned char)base[i];

		if (attr_char(ch)) {
			out[used++] = (char)ch;
		} else {
			out[used++] = '%';
			out[used++] = hex[ch >> 4];
			out[used++] = hex[ch & 15];
		}
	}
	/* Too long to say whole: the plain name alone. */
	out[base[i] == '\0' && used < size ? used : plain] = '\0';
}

struct read_arg {
	char id[CLAIM_ID_MAX + 1];
	int n;
};

static enum redress_err
do_evidence_get(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct read_arg *a = arg;
	char name[CLAIM_FILENAME_MAX + 1];
	enum redress_err rc;

	buf_reset(&res->body);
	c->personal = 1; /* testimony */
	if ((rc = claim_evidence_open(c->log, c->actor, &c->keys, a->id, a->n, &res->body, name, err)) !=
	    REDRESS_OK)
		return rc;
	res->status = 200;
	res->content_type = "application/octet-stream";
	disposition(res->disposition, sizeof(res->disposition), name, a->n);
	return REDRESS_OK;
}

/* A download is a change: the event that says who read which testimony, and when. */
void
api_claims_evidence_get(struct http_request *req, struct http_response *res)
{
	const char *text = http_param(req, "n");
	struct read_arg *a;
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(text, &end, 10);
	if (text[0] < '1' || text[0] > '9' || *end != '\0' || errno != 0 || n > CLAIM_EVIDENCE_FILES) {
		http_reply_error(res, 404, "not_found", "evidence is numbered 1 to %d", CLAIM_EVIDENCE_FILES);
		return;
	}
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		return;
	}
	if (api_param_copy(req, res, "claim", a->id, sizeof(a->id), NO_CLAIM) < 0) {
		free(a);
		return;
	}
	a->n = (int)n;
	http_change_submit(req, do_evidence_get, a);
}
