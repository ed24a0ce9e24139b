/*
 * dups.c -- the duplicates module's commands and reads: listing the
 * suspected pairs not yet decided, and deciding one (dups.h says how).
 */
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/dups/dups_int.h"

static const char *const outcome_names[] = {"distinct", "proposed", "merged"};

const char *
dups_outcome_name(enum dups_outcome o)
{
	return (size_t)o < sizeof(outcome_names) / sizeof(outcome_names[0]) ? outcome_names[o] : "?";
}

void
dups_pair_name(const struct registry_dup_pair *pair, char *out, size_t size)
{
	snprintf(out, size, "%s,%s", pair->a, pair->b);
}

/* One pseudonym of a pair: 1 to REGISTRY_PSEUDONYM_MAX of [A-Z0-9-]. */
static enum redress_err
pseudonym_part(const char *s, size_t len, const char *which, char out[REGISTRY_PSEUDONYM_MAX + 1],
               struct redress_error *err)
{
	size_t i;

	if (len == 0 || len > REGISTRY_PSEUDONYM_MAX)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "the pair's %s pseudonym is empty or longer than %d characters: write the pair"
		    " as V-000001,V-000002",
		    which, REGISTRY_PSEUDONYM_MAX);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return error_set(
			    err, REDRESS_E_INVALID,
			    "the pair's %s pseudonym has a character other than A-Z, 0-9 and '-':"
			    " write the pair as V-000001,V-000002",
			    which);
	memcpy(out, s, len);
	out[len] = '\0';
	return REDRESS_OK;
}

enum redress_err
dups_pair_parse(const char *text, char x_r[REGISTRY_PSEUDONYM_MAX + 1], char y_r[REGISTRY_PSEUDONYM_MAX + 1],
                struct redress_error *err)
{
	const char *comma;
	enum redress_err rc;

	if (text == NULL || (comma = strchr(text, ',')) == NULL)
		return error_set(err, REDRESS_E_INVALID,
		                 "a pair is two pseudonyms with a comma between them: V-000001,V-000002");
	if ((rc = pseudonym_part(text, (size_t)(comma - text), "first", x_r, err)) != REDRESS_OK ||
	    (rc = pseudonym_part(comma + 1, strlen(comma + 1), "second", y_r, err)) != REDRESS_OK)
		return rc;
	if (strcmp(x_r, y_r) == 0)
		return error_set(err, REDRESS_E_INVALID, "a pair is two persons, not %s twice", x_r);
	return REDRESS_OK;
}

struct list_ctx {
	struct store *store;
	enum redress_err (*fn)(void *ctx, const struct dups_pair *p, struct redress_error *err);
	void *ctx;
	size_t total;
};

static enum redress_err
list_one(void *ctx, const struct registry_dup_pair *pair, struct redress_error *err)
{
	struct list_ctx *l = ctx;
	struct dups_state s;
	struct dups_pair p;
	enum redress_err rc;

	if ((rc = dups_pair_state(l->store, pair->a, pair->b, &s, err)) != REDRESS_OK)
		return rc;
	if (s.decided)
		return REDRESS_OK;
	memset(&p, 0, sizeof(p));
	p.pair = *pair;
	p.proposal = s.proposal;
	text_copy(p.proposer, sizeof(p.proposer), s.proposer);
	l->total++;
	return l->fn(l->ctx, &p, err);
}

enum redress_err
dups_list(struct store *store, const struct actor *actor,
          enum redress_err (*fn)(void *ctx, const struct dups_pair *p, struct redress_error *err), void *ctx,
          size_t *total_r, struct redress_error *err)
{
	struct list_ctx l = {store, fn, ctx, 0};
	enum redress_err rc;

	if (total_r != NULL)
		*total_r = 0;
	if ((rc = users_require(actor, PERM_PERSONS_READ, err)) != REDRESS_OK ||
	    (rc = registry_dup_pairs(store, list_one, &l, err)) != REDRESS_OK)
		return rc;
	if (total_r != NULL)
		*total_r = l.total;
	return REDRESS_OK;
}

struct undecided_ctx {
	struct store *store;
	const char *self;
	registry_dup_fn fn;
	void *ctx;
};

static enum redress_err
undecided_one(void *ctx, const struct registry_dup_pair *pair, struct redress_error *err)
{
	struct undecided_ctx *u = ctx;
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	struct dups_state s;
	enum redress_err rc;

	if ((rc = dups_pair_state(u->store, pair->a, pair->b, &s, err)) != REDRESS_OK ||
	    (rc = dups_merged_into(u->store, strcmp(pair->a, u->self) == 0 ? pair->b : pair->a, into, NULL,
	                           err)) != REDRESS_OK)
		return rc;
	if (s.decided || into[0] != '\0')
		return REDRESS_OK;
	return u->fn(u->ctx, pair, err);
}

enum redress_err
dups_undecided_of(struct store *store, const char *pseudonym, registry_dup_fn fn, void *ctx,
                  struct redress_error *err)
{
	struct undecided_ctx u = {store, pseudonym, fn, ctx};

	return registry_dup_candidates(store, pseudonym, undecided_one, &u, err);
}

enum redress_err
dups_resolve(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
             const char *pair_text, int same, const char *reason, struct registry_dup_pair *pair_r,
             enum dups_outcome *outcome_r, uint64_t *seq_r, struct redress_error *err)
{
	char x[REGISTRY_PSEUDONYM_MAX + 1], y[REGISTRY_PSEUDONYM_MAX + 1];
	struct store *store = tlog_store(log);
	struct registry_dup_pair pair;
	struct seal_key *key = NULL;
	struct buf sealed, data;
	enum dups_outcome outcome;
	struct dups_state s;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = dups_pair_parse(pair_text, x, y, err)) != REDRESS_OK)
		return rc;
	if (reason == NULL || reason[0] == '\0')
		return error_set(err, REDRESS_E_INVALID,
		                 "deciding a pair needs a reason: it is recorded, sealed");
	if ((rc = text_check("reason", reason, DUPS_REASON_MAX, err)) != REDRESS_OK ||
	    (rc = registry_dup_pair_get(store, x, y, &pair, err)) != REDRESS_OK ||
	    (rc = dups_pair_state(store, pair.a, pair.b, &s, err)) != REDRESS_OK)
		return rc;
	if (s.decided)
		return error_set(err, REDRESS_E_CONFLICT, "the pair %s,%s was decided already (%s)", pair.a,
		                 pair.b, s.decision);
	outcome = !same ? DUPS_DISTINCT : s.proposal == 0 ? DUPS_PROPOSED : DUPS_MERGED;
	buf_init(&sealed, SEAL_PLAIN_MAX);
	buf_init(&data, DUPS_EVENT_DATA_MAX);
	if ((rc = registry_data_key(store, keys, pair.b, &key, err)) != REDRESS_OK ||
	    (rc = registry_seal_text(key, pair.b, "dup-reason", reason, &sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "a");
	canon_string(&c, pair.a);
	canon_key(&c, "b");
	canon_string(&c, pair.b);
	canon_key(&c, "basis");
	canon_string(&c, registry_dup_basis_name(pair.basis));
	if (outcome == DUPS_MERGED) {
		canon_key(&c, "proposal");
		canon_int(&c, (int64_t)s.proposal);
	}
	canon_key(&c, "reason");
	canon_string(&c, sealed.data);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) != REDRESS_OK)
		goto out;
	/* The replay checks the rest against the tables: four eyes, merged persons, erasure. */
	rc = tlog_append_apply(log, &dups_module,
	                       outcome == DUPS_DISTINCT   ? DUPS_EV_DISTINCT
	                       : outcome == DUPS_PROPOSED ? DUPS_EV_PROPOSED
	                                                  : DUPS_EV_MERGED,
	                       &data, seq_r, err);
	if (rc == REDRESS_OK) {
		if (pair_r != NULL)
			*pair_r = pair;
		*outcome_r = outcome;
	}
out:
	seal_key_free(&key);
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}
