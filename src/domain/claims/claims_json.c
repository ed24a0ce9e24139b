/*
 * claims_json.c -- claims as JSON, one shape for every reader: `redress
 * claim list|show --json` and the HTTP API.  Pseudonyms only; the sealed
 * reasons of decisions appear only when the reader asks for them (and may
 * read claims), evidence only as its hash, size and who added it.
 */
#include "crypto/sign.h"
#include "domain/claims/claims.h"
#include "log/tlog.h"

/* An appeal's part of a claim: the members who must agree, and the votes given while they do not yet. */
static void
appeal_json(json_t *o, const struct claim *c)
{
	if (o != NULL && c->round > 0)
		json_object_set_new(o, "appeal",
		                    json_pack("{s:i, s:i, s:i}", "deciders",
		                              c->deciders > 1 ? c->deciders : 1, "votes_upheld",
		                              c->votes_upheld, "votes_overturned", c->votes_overturned));
}

json_t *
claim_json(const struct claim *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "id", c->id, "program", c->program,
	                      "victim", c->victim, "claimant", c->claimant, "state",
	                      claim_state_name(c->state), "approvals", c->approvals, "approvals_needed",
	                      c->approvals_needed, "evidence", c->evidence);

	appeal_json(o, c);
	return o;
}

struct file_out {
	struct store *store;
	const struct actor *actor;
	const struct registry_keys *keys; /* NULL: reasons stay sealed */
	json_t *evidence, *history, *harms;
};

json_t *
claim_harm_json(const struct claim_harm *h)
{
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:I}", "harm", h->harm, "state",
	                 claim_harm_state_name(h->state), "evidence", h->evidence, "approvals", h->approvals,
	                 "denials", h->denials, "event", (json_int_t)h->claimed_seq);
}

static enum redress_err
harm_one(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	struct file_out *out = ctx;

	if (json_array_append_new(out->harms, claim_harm_json(h)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing the harms of claim %s",
		                 h->claim);
	return REDRESS_OK;
}

static enum redress_err
evidence_one(void *ctx, const struct claim_evidence *e, struct redress_error *err)
{
	struct file_out *out = ctx;

	if (json_array_append_new(out->evidence, json_pack("{s:i, s:s, s:I, s:s, s:I}", "n", e->n, "sha256",
	                                                   e->sha256, "size", (json_int_t)e->size, "added_by",
	                                                   e->added_by, "event", (json_int_t)e->added_seq)) !=
	    0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing the evidence of claim %s",
		                 e->claim);
	return REDRESS_OK;
}

static enum redress_err
decision_one(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	struct file_out *out = ctx;
	struct buf reason;
	enum redress_err rc = REDRESS_OK;
	json_t *row;

	buf_init(&reason, CLAIM_REASON_MAX + 1);
	if (d->has_reason && out->keys != NULL &&
	    (rc = claim_reason_read(out->store, out->actor, out->keys, d, &reason, err)) != REDRESS_OK)
		goto out;
	row = json_pack("{s:I, s:s, s:i, s:s, s:b}", "event", (json_int_t)d->seq, "action",
	                claim_action_name(d->action), "round", d->round, "actor", d->actor, "has_reason",
	                d->has_reason);
	if (row != NULL && reason.data != NULL)
		json_object_set_new(row, "reason", json_string(reason.data));
	if (json_array_append_new(out->history, row) != 0)
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory listing the history of claim %s",
		               d->claim);
out:
	/* A reason may describe the person: wipe it, not just free it. */
	if (reason.data != NULL)
		crypto_wipe(reason.data, reason.len);
	buf_free(&reason);
	return rc;
}

enum redress_err
claim_file_json(struct store *store, const struct actor *actor, const struct registry_keys *keys,
                const char *id, json_t **file_r, struct redress_error *err)
{
	struct file_out out = {store, actor, keys, json_array(), json_array(), json_array()};
	enum redress_err rc;
	struct claim c;
	json_t *o = NULL;

	*file_r = NULL;
	if ((rc = claim_get(store, id, &c, err)) != REDRESS_OK ||
	    (rc = claim_evidence_each(store, c.id, evidence_one, &out, err)) != REDRESS_OK ||
	    (rc = claim_decision_each(store, c.id, decision_one, &out, err)) != REDRESS_OK ||
	    (rc = claim_harm_each(store, c.id, harm_one, &out, err)) != REDRESS_OK)
		goto out;
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:s, s:I, s:o, s:O, s:O}", "id", c.id,
	              "program", c.program, "victim", c.victim, "claimant", c.claimant, "state",
	              claim_state_name(c.state), "approvals", c.approvals, "approvals_needed",
	              c.approvals_needed, "round", c.round, "opened_by", c.opened_by, "opened_event",
	              (json_int_t)c.opened_seq, "decided_event",
	              c.decided_seq != 0 ? json_integer((json_int_t)c.decided_seq) : json_null(), "evidence",
	              out.evidence, "history", out.history);
	appeal_json(o, &c);
	if (o == NULL || json_object_set(o, "harms", out.harms) != 0) {
		json_decref(o);
		o = NULL;
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing claim %s", c.id);
		goto out;
	}
	*file_r = o;
out:
	json_decref(out.evidence);
	json_decref(out.history);
	json_decref(out.harms);
	return rc;
}

/* Each evidence file's label, read from the event that attached it (claim_evidence_label). */
struct labels_ctx {
	struct tlog *log;
	json_t *evidence;
};

static enum redress_err
label_one(void *ctx, const struct claim_evidence *e, struct redress_error *err)
{
	struct labels_ctx *l = ctx;
	char label[CLAIM_LABEL_MAX + 1];
	enum redress_err rc;
	json_t *item;
	size_t i;

	if ((rc = claim_evidence_label(l->log, e, label, err)) != REDRESS_OK)
		return rc;
	json_array_foreach(l->evidence, i, item)
	{
		if (json_integer_value(json_object_get(item, "n")) == e->n &&
		    json_object_set_new(item, "label", label[0] != '\0' ? json_string(label) : json_null()) !=
		        0)
			return error_set(err, REDRESS_E_NOMEM,
			                 "out of memory labelling the evidence of claim %s", e->claim);
	}
	return REDRESS_OK;
}

enum redress_err
claim_file_labels(struct tlog *log, struct store *store, const char *id, json_t *file,
                  struct redress_error *err)
{
	struct labels_ctx l = {log, json_object_get(file, "evidence")};

	if (!json_is_array(l.evidence))
		return REDRESS_OK;
	return claim_evidence_each(store, id, label_one, &l, err);
}
