/*
 * claims.c -- the claims' commands: validate, check the permission, the
 * state and the rules, append the event, apply it.  Evidence files and
 * reasons are sealed with the victim's data key.  Reading claims, their
 * evidence and their history is here too.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "domain/claims/claims_int.h"
#include "domain/dups/dups.h"
#include "domain/fund/fund.h"
#include "domain/programs/programs.h"

#define CLAIMS_EVENT_DATA_MAX (CLAIMS_SEALED_MAX + 1024)

/* An evidence row and a decision row as the catalogue's readers fill them. */
struct evidence_read {
	char claim[CLAIM_ID_MAX + 1];
	int64_t n;
	char sha256[65];
	int64_t size;
	char added_by[TLOG_ACTOR_MAX + 1];
	int64_t added_seq;
};

struct decision_read {
	int64_t seq;
	char claim[CLAIM_ID_MAX + 1];
	char action[16];
	int64_t round;
	char actor[TLOG_ACTOR_MAX + 1];
	int64_t has_reason;
};

#define FIELD(type, member) STORE_FIELD(struct type, member)

/* CLAIMS_Q_EVIDENCE_EACH's columns, and CLAIMS_Q_DECISION_EACH's. */
static const struct store_field evidence_fields[] = {
    FIELD(evidence_read, claim), FIELD(evidence_read, n),        FIELD(evidence_read, sha256),
    FIELD(evidence_read, size),  FIELD(evidence_read, added_by), FIELD(evidence_read, added_seq),
};
static const struct store_field decision_fields[] = {
    FIELD(decision_read, seq),   FIELD(decision_read, claim), FIELD(decision_read, action),
    FIELD(decision_read, round), FIELD(decision_read, actor), FIELD(decision_read, has_reason),
};

enum redress_err
claim_get(struct store *store, const char *id, struct claim *c_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	switch (claims_next(st, c_r, err)) {
	case STORE_ROW: return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no claim '%.32s' (see 'redress claim list')", id);
	default: return err->code;
	}
}

/* Calls fn with each claim st's rows give. */
static enum redress_err
each_row(struct store_stmt *st,
         enum redress_err (*fn)(void *ctx, const struct claim *c, struct redress_error *err), void *ctx,
         struct redress_error *err)
{
	enum store_step_result r;
	enum redress_err rc;
	struct claim c;

	while ((r = claims_next(st, &c, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &c, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
claim_each(struct store *store, int state, const char *program,
           enum redress_err (*fn)(void *ctx, const struct claim *c, struct redress_error *err), void *ctx,
           struct redress_error *err)
{
	struct store_stmt *st;

	if (state >= 0 && program == NULL) {
		if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_EACH_STATE, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, claim_state_name((enum claim_state)state));
	} else {
		if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_EACH, err)) == NULL)
			return err->code;
		store_bind_text(st, 1, state >= 0 ? claim_state_name((enum claim_state)state) : NULL);
		store_bind_text(st, 2, program);
	}
	return each_row(st, fn, ctx, err);
}

enum redress_err
claim_each_of_victim(struct store *store, const char *victim,
                     enum redress_err (*fn)(void *ctx, const struct claim *c, struct redress_error *err),
                     void *ctx, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_EACH_VICTIM, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, victim);
	return each_row(st, fn, ctx, err);
}

enum redress_err
claim_evidence_each(struct store *store, const char *id,
                    enum redress_err (*fn)(void *ctx, const struct claim_evidence *e,
                                           struct redress_error *err),
                    void *ctx, struct redress_error *err)
{
	struct evidence_read row;
	struct claim_evidence e;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_EVIDENCE_EACH, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	while ((r = store_read(st, evidence_fields, &row, err)) == STORE_ROW) {
		memset(&e, 0, sizeof(e));
		memcpy(e.claim, row.claim, sizeof(e.claim));
		e.n = (int)row.n;
		memcpy(e.sha256, row.sha256, sizeof(e.sha256));
		e.size = row.size;
		memcpy(e.added_by, row.added_by, sizeof(e.added_by));
		e.added_seq = (uint64_t)row.added_seq;
		if ((rc = fn(ctx, &e, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
claim_decision_each(struct store *store, const char *id,
                    enum redress_err (*fn)(void *ctx, const struct claim_decision *d,
                                           struct redress_error *err),
                    void *ctx, struct redress_error *err)
{
	struct decision_read row;
	struct claim_decision d;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_DECISION_EACH, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	while ((r = store_read(st, decision_fields, &row, err)) == STORE_ROW) {
		memset(&d, 0, sizeof(d));
		d.seq = (uint64_t)row.seq;
		memcpy(d.claim, row.claim, sizeof(d.claim));
		if (!claims_action_parse(row.action, &d.action))
			return error_set(err, REDRESS_E_STORE,
			                 "claims_decisions %llu: unknown action '%.32s'",
			                 (unsigned long long)d.seq, row.action);
		d.round = (int)row.round;
		memcpy(d.actor, row.actor, sizeof(d.actor));
		d.has_reason = row.has_reason != 0;
		if ((rc = fn(ctx, &d, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* The victim's data key, unwrapped; the caller frees it with seal_key_free(). */
static enum redress_err
victim_key(struct store *store, const struct registry_keys *keys, const char *victim, struct seal_key **key_r,
           struct redress_error *err)
{
	if (keys == NULL || keys->master == NULL)
		return error_set(err, REDRESS_E_KEYS,
		                 "the master key is needed to seal or open a claim's files");
	return registry_data_key(store, keys, victim, key_r, err);
}

/* A person in the registry who may take part in a claim as role ("victim", "claimant"). */
static enum redress_err
person_check(struct store *store, const char *role, const char *pseudonym, struct registry_person *p_r,
             struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = text_check_id(role, pseudonym, REGISTRY_PSEUDONYM_MAX, "-", err)) != REDRESS_OK)
		return rc;
	if ((rc = registry_get(store, pseudonym, p_r, err)) != REDRESS_OK)
		return error_prefix(err, "%s", role);
	if (p_r->status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_REFUSED, "%s %s was erased: no claim can name her", role,
		                 pseudonym);
	return REDRESS_OK;
}

/* CLAIMS_Q_BY_VICTIM's row (two texts, borrowed) or CLAIMS_Q_COUNT's (an integer). */
struct text_pair {
	const char *text[2];
	int64_t n;
};

static const struct store_field by_victim_fields[] = {STORE_FIELD_TEXT(struct text_pair, text[0]),
                                                      STORE_FIELD_TEXT(struct text_pair, text[1])};
static const struct store_field count_fields[] = {STORE_FIELD(struct text_pair, n)};

enum redress_err
claim_open(struct tlog *log, const struct actor *actor, const char *program, const char *victim,
           const char *claimant, char id_r[CLAIM_ID_MAX + 1], struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person v, cl;
	struct text_pair pair;
	struct store_stmt *st;
	struct program p;
	struct claim c;
	struct buf data;
	uint64_t count;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_CLAIMS_INTAKE, err)) != REDRESS_OK)
		return rc;
	/* A closed fund takes no new claim: the successor does (fund.h). */
	{
		struct fund_closure closure;
		int closed = fund_closed(store, &closure, err);

		if (closed < 0)
			return err->code;
		if (closed)
			return error_set(
			    err, REDRESS_E_REFUSED,
			    "the fund is closed (event %llu): new claims go to its successor, %s (%s)",
			    (unsigned long long)closure.seq, closure.successor, closure.contact);
	}
	if ((rc = text_check_id("program", program, PROGRAM_CODE_MAX, "._-", err)) != REDRESS_OK ||
	    (rc = program_get(store, program, &p, err)) != REDRESS_OK ||
	    (rc = person_check(store, "victim", victim, &v, err)) != REDRESS_OK)
		return rc;
	if (v.kind != REGISTRY_VICTIM)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "%s is a relative, not a victim: a claim is for a victim (a relative may be its"
		    " claimant)",
		    victim);
	if (claimant == NULL)
		claimant = victim;
	else if ((rc = person_check(store, "claimant", claimant, &cl, err)) != REDRESS_OK)
		return rc;
	/* No new claim names a person merged into another (domain/dups). */
	if ((rc = dups_check_not_merged(log, victim, err)) != REDRESS_OK ||
	    (rc = dups_check_not_merged(log, claimant, err)) != REDRESS_OK)
		return rc;
	/* One claim per victim and program: a second one would be paid twice. */
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_BY_VICTIM, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p.code);
	store_bind_text(st, 2, victim);
	switch (store_read(st, by_victim_fields, &pair, err)) {
	case STORE_ROW:
		return error_set(
		    err, REDRESS_E_CONFLICT,
		    "%s already has claim %s under program %s (%s): a denied claim is appealed, not"
		    " opened again",
		    victim, pair.text[0], p.code, pair.text[1]);
	case STORE_DONE: break;
	default: return err->code;
	}
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_COUNT, err)) == NULL)
		return err->code;
	if (store_read(st, count_fields, &pair, err) != STORE_ROW)
		return err->code;
	count = (uint64_t)pair.n;

	memset(&c, 0, sizeof(c));
	snprintf(c.id, sizeof(c.id), "C-%06llu", (unsigned long long)count + 1);
	text_copy(c.program, sizeof(c.program), p.code);
	text_copy(c.victim, sizeof(c.victim), victim);
	text_copy(c.claimant, sizeof(c.claimant), claimant);
	text_copy(c.opened_by, sizeof(c.opened_by), tlog_actor(log));
	c.state = CLAIM_OPEN;
	c.approvals_needed = p.approvals;
	buf_init(&data, CLAIMS_EVENT_DATA_MAX);
	if ((rc = claims_encode_opened(&data, &c, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &claims_module, CLAIMS_EV_OPENED, &data, &c.opened_seq, err);
	buf_free(&data);
	if (rc == REDRESS_OK)
		memcpy(id_r, c.id, strlen(c.id) + 1);
	return rc;
}

/* Checks id and reads the claim. */
static enum redress_err
load(struct store *store, const char *id, struct claim *c, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = claims_id_check(id, err)) != REDRESS_OK)
		return rc;
	return claim_get(store, id, c, err);
}

/* Seals the part-th CLAIMS_EVIDENCE_PART bytes of data and stores them beside the event. */
static enum redress_err
blob_put(struct store *store, const struct seal_key *key, const struct claim *c, int n, uint64_t part,
         const void *data, size_t len, struct buf *sealed, struct redress_error *err)
{
	char ad[CLAIM_ID_MAX + 64];
	struct store_stmt *st;
	enum redress_err rc;

	snprintf(ad, sizeof(ad), "%s/evidence/%d/part/%llu", c->id, n, (unsigned long long)part);
	buf_reset(sealed);
	if ((rc = seal_encrypt(key, data, len, ad, sealed, err)) != REDRESS_OK ||
	    (rc = buf_error(sealed, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_BLOB_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, c->id);
	store_bind_int64(st, 2, n);
	store_bind_int64(st, 3, (int64_t)part);
	store_bind_text(st, 4, sealed->data);
	return store_run(st, err);
}

/* The base name of a path: what follows the last '/'. */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}

const char *const claim_evidence_labels[] = {"identity", "testimony", "medical", "family",
                                             "photo",    "letter",    "other",   NULL};

int
claim_evidence_label_ok(const char *label)
{
	size_t i;

	for (i = 0; claim_evidence_labels[i] != NULL; i++)
		if (strcmp(label, claim_evidence_labels[i]) == 0)
			return 1;
	return 0;
}

enum redress_err
claim_evidence_label(struct tlog *log, const struct claim_evidence *e, char label_r[CLAIM_LABEL_MAX + 1],
                     struct redress_error *err)
{
	const struct canon_node *data;
	struct canon_doc doc;
	struct buf bytes;
	enum redress_err rc;

	label_r[0] = '\0';
	buf_init(&bytes, CLAIMS_EVENT_DATA_MAX + 4096);
	canon_doc_init(&doc);
	if ((rc = tlog_event_bytes(log, e->added_seq, &bytes, err)) == REDRESS_OK &&
	    (rc = canon_read(&doc, bytes.data, bytes.len, err)) == REDRESS_OK) {
		if ((data = canon_find(canon_root(&doc), "data")) == NULL)
			rc = error_set(err, REDRESS_E_STORE, "event %llu has no data",
			               (unsigned long long)e->added_seq);
		else
			rc = canon_get_string_opt_into(data, "label", label_r, CLAIM_LABEL_MAX + 1, err);
	}
	canon_doc_free(&doc);
	buf_free(&bytes);
	if (rc != REDRESS_OK)
		label_r[0] = '\0';
	return rc;
}

enum redress_err
claim_evidence_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                   const char *id, const char *filename, const void *data, size_t len, char sha256_r[65],
                   struct redress_error *err)
{
	return claim_evidence_add_labelled(log, actor, keys, id, filename, NULL, data, len, sha256_r, err);
}

enum redress_err
claim_evidence_add_labelled(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                            const char *id, const char *filename, const char *label, const void *data,
                            size_t len, char sha256_r[65], struct redress_error *err)
{
	uint8_t digest[HASH_SHA256_SIZE];
	char sha256[65], ad[CLAIM_ID_MAX + 64];
	struct store *store = tlog_store(log);
	struct seal_key *key = NULL;
	struct claims_ev_evidence e;
	struct buf sealed, name, event;
	const char *base;
	uint64_t part;
	size_t off;
	struct claim c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_CLAIMS_INTAKE, err)) != REDRESS_OK ||
	    (rc = load(store, id, &c, err)) != REDRESS_OK)
		return rc;
	base = base_name(filename);
	if ((rc = text_check("evidence file name", base, CLAIM_FILENAME_MAX, err)) != REDRESS_OK)
		return rc;
	if (label != NULL && label[0] != '\0' && !claim_evidence_label_ok(label))
		return error_set(
		    err, REDRESS_E_INVALID,
		    "evidence label '%.32s' is not one of identity, testimony, medical, family, photo,"
		    " letter, other",
		    label);
	if (len == 0)
		return error_set(err, REDRESS_E_INVALID, "evidence file '%.64s' is empty", base);
	if (len > CLAIM_EVIDENCE_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "evidence file '%.64s' is %zu bytes; the limit is %u", base, len,
		                 CLAIM_EVIDENCE_MAX);
	if (!claims_evidence_allowed(c.state))
		return error_set(err, REDRESS_E_CONFLICT,
		                 "claim %s is %s: evidence is added only while it is open, or denied (for an"
		                 " appeal)",
		                 c.id, claim_state_name(c.state));
	if (c.evidence >= CLAIM_EVIDENCE_FILES)
		return error_set(err, REDRESS_E_REFUSED,
		                 "claim %s already has %d evidence files, the most it may have", c.id,
		                 CLAIM_EVIDENCE_FILES);
	if ((rc = victim_key(store, keys, c.victim, &key, err)) != REDRESS_OK)
		return rc;
	hash_sha256(data, len, digest);
	codec_hex_encode(digest, sizeof(digest), sha256, sizeof(sha256), NULL);

	memset(&e, 0, sizeof(e));
	text_copy(e.claim, sizeof(e.claim), c.id);
	e.n = c.evidence + 1;
	e.sha256 = sha256;
	e.size = (int64_t)len;
	if (label != NULL)
		text_copy(e.label, sizeof(e.label), label);
	buf_init(&sealed, CODEC_BASE64_SIZE(CLAIMS_EVIDENCE_PART + 64) + 8);
	buf_init(&name, CLAIMS_SEALED_MAX);
	buf_init(&event, CLAIMS_EVENT_DATA_MAX);
	for (off = 0, part = 0, rc = REDRESS_OK; off < len && rc == REDRESS_OK;
	     off += CLAIMS_EVIDENCE_PART, part++)
		rc = blob_put(store, key, &c, e.n, part, (const char *)data + off,
		              len - off < CLAIMS_EVIDENCE_PART ? len - off : CLAIMS_EVIDENCE_PART, &sealed,
		              err);
	if (rc != REDRESS_OK)
		goto out;
	snprintf(ad, sizeof(ad), "%s/evidence/%d/name", c.id, e.n);
	if ((rc = seal_encrypt(key, base, strlen(base), ad, &name, err)) != REDRESS_OK ||
	    (rc = buf_error(&name, err)) != REDRESS_OK)
		goto out;
	e.name = name.data;
	if ((rc = claims_encode_evidence(&event, &e, err)) != REDRESS_OK ||
	    (rc = tlog_append_apply(log, &claims_module, CLAIMS_EV_EVIDENCE, &event, NULL, err)) !=
	        REDRESS_OK)
		goto out;
	memcpy(sha256_r, sha256, sizeof(sha256));
out:
	buf_free(&sealed);
	buf_free(&name);
	buf_free(&event);
	seal_key_free(&key);
	return rc;
}

static enum redress_err
harm_count(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	(void)h;
	(void)err;
	(*(int *)ctx)++;
	return REDRESS_OK;
}

/* A claim under a program that pays by harm is submitted naming at least one. */
static enum redress_err
harms_named(struct store *store, const struct claim *c, struct redress_error *err)
{
	struct program *p;
	int n = 0;
	enum redress_err rc;

	if ((p = malloc(sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = program_get(store, c->program, p, err)) == REDRESS_OK && p->rules.nharms > 0 &&
	    (rc = claim_harm_each(store, c->id, harm_count, &n, err)) == REDRESS_OK && n == 0)
		rc = error_set(err, REDRESS_E_REFUSED,
		               "claim %s names no harm, and program '%s' pays by harm: name each with its"
		               " evidence first ('redress claim harm add %s --harm CODE --evidence N')",
		               c->id, p->code, c->id);
	free(p);
	return rc;
}

/*
 * One transition: permission, state and rules checked first (so that a
 * refusal changes nothing and says why), then the reason sealed, the event
 * appended and applied (which checks the rules again, as replay does).
 */
static enum redress_err
transition(struct tlog *log, const struct actor *actor, const struct registry_keys *keys, const char *id,
           enum claim_action action, const char *reason, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct claims_ev_transition t;
	struct seal_key *key = NULL;
	struct claim c, after;
	struct buf sealed, event;
	char ad[CLAIM_ID_MAX + 64];
	uint64_t seq;
	int before = 0, decides_appeal = action == CLAIM_UPHOLD || action == CLAIM_OVERTURN;
	enum permission perm = PERM_CLAIMS_INTAKE;
	enum redress_err rc;

	if (action == CLAIM_APPROVE || action == CLAIM_DENY)
		perm = PERM_CLAIMS_DECIDE;
	else if (decides_appeal)
		perm = PERM_APPEALS_DECIDE;
	rc = users_require(actor, perm, err);
	if (rc != REDRESS_OK || (rc = load(store, id, &c, err)) != REDRESS_OK)
		return rc;
	if (action == CLAIM_DENY && (reason == NULL || reason[0] == '\0'))
		return error_set(err, REDRESS_E_INVALID, "a denial needs a reason (--reason TEXT)");
	if (decides_appeal && (reason == NULL || reason[0] == '\0'))
		return error_set(err, REDRESS_E_INVALID,
		                 "an appeal's decision needs a reason, what she is told (--reason TEXT)");
	if (action == CLAIM_SUBMIT && c.state == CLAIM_OPEN &&
	    (rc = harms_named(store, &c, err)) != REDRESS_OK)
		return rc;
	/*
	 * A claim naming a person merged into another is decided on the other's
	 * file: approving it here would pay one woman on two files (domain/dups).
	 */
	if ((action == CLAIM_APPROVE || action == CLAIM_OVERTURN) &&
	    ((rc = dups_check_not_merged(log, c.victim, err)) != REDRESS_OK ||
	     (rc = dups_check_not_merged(log, c.claimant, err)) != REDRESS_OK))
		return rc;
	if (reason != NULL && (rc = text_check("reason", reason, CLAIM_REASON_MAX, err)) != REDRESS_OK)
		return rc;
	if (action == CLAIM_APPROVE &&
	    (rc = claims_approved_by(store, c.id, c.round, tlog_actor(log), &before, err)) != REDRESS_OK)
		return rc;
	if (decides_appeal &&
	    (rc = claims_appeal_before(store, &c, tlog_actor(log), &before, err)) != REDRESS_OK)
		return rc;
	/* Until enough members agree, a member's decision is her vote (claims.h). */
	if (decides_appeal &&
	    (action == CLAIM_UPHOLD ? c.votes_upheld : c.votes_overturned) + 1 < claims_deciders(&c))
		action = action == CLAIM_UPHOLD ? CLAIM_VOTE_UPHOLD : CLAIM_VOTE_OVERTURN;
	memset(&t, 0, sizeof(t));
	text_copy(t.claim, sizeof(t.claim), c.id);
	t.action = action;
	if (action == CLAIM_APPEAL)
		t.deciders = CLAIM_APPEAL_DECIDERS;
	after = c;
	if ((rc = tlog_size(log, &seq, err)) != REDRESS_OK ||
	    (rc = claims_transition(&after, &t, tlog_actor(log), before, seq, err)) != REDRESS_OK)
		return rc;

	buf_init(&sealed, CLAIMS_SEALED_MAX);
	buf_init(&event, CLAIMS_EVENT_DATA_MAX);
	if (reason != NULL) {
		/* Bound to the claim and the event it belongs to: it cannot be moved to another. */
		snprintf(ad, sizeof(ad), "%s/reason/%llu", c.id, (unsigned long long)seq);
		if ((rc = victim_key(store, keys, c.victim, &key, err)) != REDRESS_OK ||
		    (rc = seal_encrypt(key, reason, strlen(reason), ad, &sealed, err)) != REDRESS_OK ||
		    (rc = buf_error(&sealed, err)) != REDRESS_OK)
			goto out;
		t.reason = sealed.data;
	}
	if ((rc = claims_encode_transition(&event, &t, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &claims_module, claims_action_event(action), &event, NULL, err);
out:
	buf_free(&sealed);
	buf_free(&event);
	seal_key_free(&key);
	return rc;
}

enum redress_err
claim_submit(struct tlog *log, const struct actor *actor, const char *id, struct redress_error *err)
{
	return transition(log, actor, NULL, id, CLAIM_SUBMIT, NULL, err);
}

enum redress_err
claim_approve(struct tlog *log, const struct actor *actor, const struct registry_keys *keys, const char *id,
              const char *reason, struct redress_error *err)
{
	return transition(log, actor, keys, id, CLAIM_APPROVE, reason, err);
}

enum redress_err
claim_deny(struct tlog *log, const struct actor *actor, const struct registry_keys *keys, const char *id,
           const char *reason, struct redress_error *err)
{
	return transition(log, actor, keys, id, CLAIM_DENY, reason, err);
}

enum redress_err
claim_appeal(struct tlog *log, const struct actor *actor, const struct registry_keys *keys, const char *id,
             const char *reason, struct redress_error *err)
{
	return transition(log, actor, keys, id, CLAIM_APPEAL, reason, err);
}

enum redress_err
claim_appeal_decide(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                    const char *id, int overturn, const char *reason, struct redress_error *err)
{
	return transition(log, actor, keys, id, overturn ? CLAIM_OVERTURN : CLAIM_UPHOLD, reason, err);
}

/* CLAIMS_Q_EVIDENCE_GET's row: the sealed file name, its SHA-256 and size, borrowed. */
struct evidence_sealed {
	const char *name, *sha256;
	int64_t size;
};

static const struct store_field evidence_get_fields[] = {
    STORE_FIELD_TEXT(struct evidence_sealed, name),
    STORE_FIELD_TEXT(struct evidence_sealed, sha256),
    STORE_FIELD(struct evidence_sealed, size),
};

/* CLAIMS_Q_BLOB_PARTS's row: a part's number and its sealed text, borrowed. */
struct sealed_part {
	int64_t n;
	const char *sealed;
};

static const struct store_field part_fields[] = {STORE_FIELD(struct sealed_part, n),
                                                 STORE_FIELD_TEXT(struct sealed_part, sealed)};

enum redress_err
claim_evidence_read(struct store *store, const struct actor *actor, const struct registry_keys *keys,
                    const char *id, int n, struct buf *out, char name_r[CLAIM_FILENAME_MAX + 1],
                    struct redress_error *err)
{
	uint8_t digest[HASH_SHA256_SIZE];
	char sha256[65], want[65], ad[CLAIM_ID_MAX + 64];
	struct evidence_sealed ev;
	struct sealed_part pt;
	struct hash_sha256 h;
	struct seal_key *key = NULL;
	struct store_stmt *st;
	struct buf name, part;
	enum store_step_result r;
	int64_t size, got = 0, expect_part = 0;
	size_t start = out->len;
	struct claim c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_CLAIMS_READ, err)) != REDRESS_OK ||
	    (rc = load(store, id, &c, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_EVIDENCE_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, c.id);
	store_bind_int64(st, 2, n);
	switch (store_read(st, evidence_get_fields, &ev, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "claim %s has no evidence %d (it has %d)", c.id, n,
		                 c.evidence);
	default: return err->code;
	}
	buf_init(&name, CLAIM_FILENAME_MAX + 1);
	buf_init(&part, CLAIMS_EVIDENCE_PART + 1);
	text_copy(want, sizeof(want), ev.sha256);
	size = ev.size;
	snprintf(ad, sizeof(ad), "%s/evidence/%d/name", c.id, n);
	if ((rc = victim_key(store, keys, c.victim, &key, err)) != REDRESS_OK ||
	    (rc = seal_decrypt(key, ev.name, ad, &name, err)) != REDRESS_OK)
		goto out;
	hash_sha256_init(&h);
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_BLOB_PARTS, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, c.id);
	store_bind_int64(st, 2, n);
	while ((r = store_read(st, part_fields, &pt, err)) == STORE_ROW) {
		if (pt.n != expect_part) {
			rc = error_set(err, REDRESS_E_CRYPTO, "evidence %s/%d: part %lld is missing", c.id, n,
			               (long long)expect_part);
			goto out;
		}
		snprintf(ad, sizeof(ad), "%s/evidence/%d/part/%lld", c.id, n, (long long)expect_part);
		buf_reset(&part);
		if ((rc = seal_decrypt(key, pt.sealed, ad, &part, err)) != REDRESS_OK)
			goto out;
		hash_sha256_update(&h, part.data, part.len);
		buf_append(out, part.data, part.len);
		got += (int64_t)part.len;
		expect_part++;
	}
	if (r == STORE_ERROR || (rc = buf_error(out, err)) != REDRESS_OK) {
		rc = err->code;
		goto out;
	}
	hash_sha256_final(&h, digest);
	codec_hex_encode(digest, sizeof(digest), sha256, sizeof(sha256), NULL);
	if (got != size || strcmp(sha256, want) != 0) {
		rc = error_set(
		    err, REDRESS_E_CRYPTO,
		    "evidence %s/%d does not match what the log recorded (%lld bytes, SHA-256 %.16s...):"
		    " the stored file was altered or cut",
		    c.id, n, (long long)size, want);
		goto out;
	}
	text_copy(name_r, CLAIM_FILENAME_MAX + 1, name.data);
out:
	if (rc != REDRESS_OK && out->failed == REDRESS_OK && out->len > start) {
		/* Nothing of a file that did not check out is handed back. */
		memset(out->data + start, 0, out->len - start);
		out->len = start;
		out->data[start] = '\0';
	}
	buf_free(&name);
	if (part.data != NULL)
		memset(part.data, 0, part.len);
	buf_free(&part);
	seal_key_free(&key);
	return rc;
}

enum redress_err
claim_reason_read(struct store *store, const struct actor *actor, const struct registry_keys *keys,
                  const struct claim_decision *d, struct buf *out, struct redress_error *err)
{
	char ad[CLAIM_ID_MAX + 64];
	struct seal_key *key = NULL;
	struct store_stmt *st;
	struct claim c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_CLAIMS_READ, err)) != REDRESS_OK ||
	    (rc = load(store, d->claim, &c, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &claims_catalogue, CLAIMS_Q_REASON_GET, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)d->seq);
	store_bind_text(st, 2, c.id);
	switch (store_step(st, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "claim %s has no decision at event %llu", c.id,
		                 (unsigned long long)d->seq);
	default: return err->code;
	}
	if (store_column_is_null(st, 0))
		return error_set(err, REDRESS_E_NOTFOUND, "the decision at event %llu gave no reason",
		                 (unsigned long long)d->seq);
	snprintf(ad, sizeof(ad), "%s/reason/%llu", c.id, (unsigned long long)d->seq);
	if ((rc = victim_key(store, keys, c.victim, &key, err)) == REDRESS_OK)
		rc = seal_decrypt(key, store_column_text(st, 0), ad, out, err);
	seal_key_free(&key);
	return rc;
}

enum redress_err
claim_reasons_opened(struct tlog *log, const struct actor *actor, const char *id, struct redress_error *err)
{
	return claim_reasons_opened_why(log, actor, NULL, id, NULL, err);
}

enum redress_err
claim_reasons_opened_why(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                         const char *id, const char *why, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct seal_key *key = NULL;
	struct claims_ev_read r;
	struct buf event, sealed;
	struct claim c;
	char ad[CLAIM_ID_MAX + 64];
	uint64_t seq;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_CLAIMS_READ, err)) != REDRESS_OK ||
	    (rc = claim_get(store, id, &c, err)) != REDRESS_OK)
		return rc;
	if (why != NULL && (keys == NULL || why[0] == '\0'))
		return error_set(err, REDRESS_E_INVALID,
		                 "why the reasons are opened: give it, with the keys");
	if (why != NULL && (rc = text_check("why", why, CLAIM_REASON_MAX, err)) != REDRESS_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	text_copy(r.claim, sizeof(r.claim), c.id);
	buf_init(&event, CLAIMS_EVENT_DATA_MAX);
	buf_init(&sealed, CLAIMS_SEALED_MAX);
	if (why != NULL) {
		/* Bound to the claim and the event that records it, as a decision's reason is. */
		if ((rc = tlog_size(log, &seq, err)) != REDRESS_OK)
			goto out;
		snprintf(ad, sizeof(ad), "%s/why/%llu", c.id, (unsigned long long)seq);
		if ((rc = victim_key(store, keys, c.victim, &key, err)) != REDRESS_OK ||
		    (rc = seal_encrypt(key, why, strlen(why), ad, &sealed, err)) != REDRESS_OK ||
		    (rc = buf_error(&sealed, err)) != REDRESS_OK)
			goto out;
		r.why = sealed.data;
	}
	if ((rc = claims_encode_read(&event, &r, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &claims_module, CLAIMS_EV_REASONS, &event, NULL, err);
out:
	buf_free(&event);
	buf_free(&sealed);
	seal_key_free(&key);
	return rc;
}

enum redress_err
claim_evidence_open(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                    const char *id, int n, struct buf *out, char name_r[CLAIM_FILENAME_MAX + 1],
                    struct redress_error *err)
{
	struct claims_ev_read r;
	struct buf event;
	size_t start = out->len;
	enum redress_err rc;

	if ((rc = claim_evidence_read(tlog_store(log), actor, keys, id, n, out, name_r, err)) != REDRESS_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	text_copy(r.claim, sizeof(r.claim), id);
	r.n = n;
	buf_init(&event, CLAIMS_EVENT_DATA_MAX);
	if ((rc = claims_encode_read(&event, &r, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &claims_module, CLAIMS_EV_READ, &event, NULL, err);
	buf_free(&event);
	if (rc != REDRESS_OK && out->len > start) {
		/* A read that could not be recorded hands nothing back. */
		memset(out->data + start, 0, out->len - start);
		out->len = start;
		out->data[start] = '\0';
	}
	return rc;
}
