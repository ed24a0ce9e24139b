/*
 * registry_change.c -- correcting a person's file: `person update` and the
 * second staff member's `person approve-change`.
 *
 * A correction is an event that keeps the person's row before and after
 * (birth year, region, language, frailty, her identity sealed under her own
 * key, its blind index), the names of the fields it changes, the reason
 * (sealed) and, by the event, the actor.  Erasing her destroys the key that
 * opens the old values as well as the new.
 *
 * Phone, address, region, language and frailty change at once
 * ("registry.person.changed"): the payment queue reads the row, so it
 * follows a changed frailty at once.  Name, birth date and national id are
 * who she is: a change to any of them is only proposed
 * ("registry.person.change.proposed", a row of registry_changes) and takes
 * effect when another account approves it -- a "registry.person.changed"
 * naming the proposal -- or ends when someone rejects it
 * ("registry.person.change.rejected").  Replay refuses an approval by the
 * proposer, an identity change that names no proposal, and any change
 * whose "before" is not the row as it stands: a correction can only be
 * made to the file it was made from.
 *
 * Audit's fold (registry_change_fold) takes the row before out of the
 * registry's multiset digest and puts the row after in, so corrections
 * keep the fast path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/registry/registry_int.h"

#define CHANGE_FIELDS_MAX 128

/* The part of a person's row a correction changes. */
struct side {
	int64_t birth_year, frailty;
	char region[REGISTRY_REGION_MAX + 1]; /* "" for none */
	char language[3];
	char id_index[SEAL_INDEX_TEXT_SIZE]; /* "" for none */
	const char *identity;                /* sealed; borrowed */
};

/* The fields a correction may name, in the order its list keeps them. */
static const char *const change_fields[] = {"address", "birth_date",  "frailty", "language",
                                            "name",    "national_id", "phone",   "region"};
#define N_FIELDS (sizeof(change_fields) / sizeof(change_fields[0]))

static int
field_is_identity(const char *f)
{
	return strcmp(f, "birth_date") == 0 || strcmp(f, "name") == 0 || strcmp(f, "national_id") == 0;
}

/*
 * Checks a list of fields "a,b" (known names, ascending, no repeats, at
 * least one); *identity_r: 1 when it names an identity field.
 */
static enum redress_err
fields_check(const char *list, int *identity_r, struct redress_error *err)
{
	const char *p = list;
	int last = -1;

	*identity_r = 0;
	if (*p == '\0' || strlen(list) >= CHANGE_FIELDS_MAX)
		return error_set(err, REDRESS_E_INVALID, "field 'fields' is empty or too long");
	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		int i, found = -1;

		for (i = 0; i < (int)N_FIELDS; i++)
			if (strlen(change_fields[i]) == len && strncmp(change_fields[i], p, len) == 0)
				found = i;
		if (found < 0 || found <= last)
			return error_set(err, REDRESS_E_INVALID,
			                 "field 'fields' names '%.*s': unknown, repeated or out of order",
			                 (int)len, p);
		if (field_is_identity(change_fields[found]))
			*identity_r = 1;
		last = found;
		p += len;
		if (*p == ',' && *++p == '\0')
			return error_set(err, REDRESS_E_INVALID, "field 'fields' ends in a comma");
	}
	return REDRESS_OK;
}

static void
side_value(struct canon *c, const struct side *s)
{
	canon_object_begin(c);
	canon_key(c, "birth_year");
	canon_int(c, s->birth_year);
	canon_key(c, "frailty");
	canon_int(c, s->frailty);
	canon_key(c, "id_index");
	if (s->id_index[0] != '\0')
		canon_string(c, s->id_index);
	else
		canon_null(c);
	canon_key(c, "identity");
	canon_string(c, s->identity);
	canon_key(c, "language");
	canon_string(c, s->language);
	canon_key(c, "region");
	if (s->region[0] != '\0')
		canon_string(c, s->region);
	else
		canon_null(c);
	canon_object_end(c);
}

static void
side_encode(struct canon *c, const char *key, const struct side *s)
{
	canon_key(c, key);
	side_value(c, s);
}

/* A side as the text registry_changes keeps: its canonical JSON. */
static enum redress_err
side_text(const struct side *s, struct buf *out, struct redress_error *err)
{
	struct canon c;

	buf_reset(out);
	canon_init(&c, out);
	side_value(&c, s);
	return canon_error(&c, err);
}

static enum redress_err
side_decode(const struct canon_node *obj, const char *key, struct side *s, struct redress_error *err)
{
	static const char *const keys[] = {"birth_year", "frailty", "id_index", "identity",
	                                   "language",   "region",  NULL};
	const struct canon_node *n = canon_find(obj, key);
	const char *index, *region, *language;
	enum redress_err rc;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (n == NULL || n->type != CANON_OBJECT)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is not an object", key);
	if ((rc = canon_only_keys(n, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_int(n, "birth_year", &s->birth_year, err)) != REDRESS_OK ||
	    (rc = registry_birth_year_check(s->birth_year, err)) != REDRESS_OK ||
	    (rc = canon_get_int(n, "frailty", &s->frailty, err)) != REDRESS_OK ||
	    (rc = registry_frailty_check(s->frailty, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(n, "id_index", &index, err)) != REDRESS_OK ||
	    (rc = canon_get_string(n, "identity", &s->identity, err)) != REDRESS_OK ||
	    (rc = canon_get_string(n, "language", &language, err)) != REDRESS_OK ||
	    (rc = registry_language_check(language, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(n, "region", &region, err)) != REDRESS_OK ||
	    (region != NULL && (rc = registry_region_check(region, err)) != REDRESS_OK))
		return error_prefix(err, "field '%s'", key);
	if (registry_sealed_check("identity", s->identity, err) != REDRESS_OK)
		return error_prefix(err, "field '%s'", key);
	if (index != NULL) {
		for (i = 0; index[i] != '\0'; i++)
			if (!((index[i] >= '0' && index[i] <= '9') || (index[i] >= 'a' && index[i] <= 'f')))
				break;
		if (index[i] != '\0' || i != SEAL_INDEX_TEXT_SIZE - 1)
			return error_set(err, REDRESS_E_INVALID, "field '%s': id_index is not a blind index",
			                 key);
		memcpy(s->id_index, index, SEAL_INDEX_TEXT_SIZE);
	}
	text_copy(s->language, sizeof(s->language), language);
	text_copy(s->region, sizeof(s->region), region != NULL ? region : "");
	return REDRESS_OK;
}

/* A correction's event, read back; strings borrowed from it. */
struct ev_change {
	const char *pseudonym, *fields, *reason; /* reason: NULL on an approval */
	struct side before, after;
	int64_t registered;
	int64_t change; /* the proposal an approval or rejection names; 0: none */
	int identity;   /* the fields name an identity field */
};

enum redress_err
registry_sealed_check(const char *key, const char *s, struct redress_error *err)
{
	size_t i;

	if (strncmp(s, "s1:", 3) != 0 || s[3] == '\0' || strlen(s) > 64 * 1024)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is not sealed text", key);
	for (i = 3; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '/' || s[i] == '='))
			return error_set(err, REDRESS_E_INVALID, "field '%s' is not sealed text", key);
	return REDRESS_OK;
}

enum redress_err
registry_get_sealed(const struct canon_node *data, const char *key, int optional, size_t max,
                    const char **s_r, struct redress_error *err)
{
	enum redress_err rc;

	rc = optional ? canon_get_string_opt(data, key, s_r, err) : canon_get_string(data, key, s_r, err);
	if (rc != REDRESS_OK || *s_r == NULL)
		return rc;
	if (strlen(*s_r) > max)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is longer than %zu characters", key,
		                 max);
	return registry_sealed_check(key, *s_r, err);
}

static enum redress_err
pseudonym_ok(const char *s, struct redress_error *err)
{
	enum registry_kind kind;
	uint64_t number;

	if (registry_pseudonym_parse(s, &kind, &number, err) != REDRESS_OK)
		return error_prefix(err, "field 'pseudonym'");
	return REDRESS_OK;
}

static enum redress_err
decode_change(const struct event *ev, struct ev_change *r, struct redress_error *err)
{
	static const char *const changed[] = {"after",     "before", "change",     "fields",
	                                      "pseudonym", "reason", "registered", NULL};
	static const char *const proposed[] = {"after",  "before",     "fields", "pseudonym",
	                                       "reason", "registered", NULL};
	static const char *const rejected[] = {"change", "pseudonym", NULL};
	int is_changed = strcmp(ev->type, REGISTRY_EV_CHANGED) == 0;
	int is_rejected = strcmp(ev->type, REGISTRY_EV_REJECTED) == 0;
	const struct canon_node *n;
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data,
	                          is_changed    ? changed
	                          : is_rejected ? rejected
	                                        : proposed,
	                          err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "pseudonym", &r->pseudonym, err)) != REDRESS_OK ||
	    (rc = pseudonym_ok(r->pseudonym, err)) != REDRESS_OK)
		return rc;
	if (is_changed || is_rejected) {
		n = canon_find(ev->data, "change");
		if (n != NULL && n->type == CANON_INT && n->num > 0)
			r->change = n->num;
		else if (is_rejected || (n != NULL && n->type != CANON_NULL))
			return error_set(err, REDRESS_E_INVALID, "field 'change' is not a change's number");
	}
	if (is_rejected)
		return REDRESS_OK;
	if ((rc = canon_get_string(ev->data, "fields", &r->fields, err)) != REDRESS_OK ||
	    (rc = fields_check(r->fields, &r->identity, err)) != REDRESS_OK ||
	    (rc = side_decode(ev->data, "before", &r->before, err)) != REDRESS_OK ||
	    (rc = side_decode(ev->data, "after", &r->after, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "registered", &r->registered, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(ev->data, "reason", &r->reason, err)) != REDRESS_OK)
		return rc;
	if (r->reason != NULL && (rc = registry_sealed_check("reason", r->reason, err)) != REDRESS_OK)
		return rc;
	if (r->reason == NULL && r->change == 0)
		return error_set(err, REDRESS_E_INVALID, "a correction gives its reason");
	if (r->registered < 0)
		return error_set(err, REDRESS_E_INVALID, "field 'registered' is negative");
	if (!is_changed && !r->identity)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "only a change to name, birth date or national id is proposed; '%s' is made at once",
		    r->fields);
	if (is_changed && r->identity && r->change == 0)
		return error_set(err, REDRESS_E_REFUSED,
		                 "%s: a change to '%s' takes a second staff member's approval, and names no"
		                 " approved proposal",
		                 r->pseudonym, r->fields);
	return REDRESS_OK;
}

/* REGISTRY_Q_CHANGE_ROW_GET's row: a side (its identity borrowed), when registered, its status. */
struct row_read {
	struct side s;
	int64_t registered;
	const char *status;
};

static const struct store_field row_fields[] = {
    STORE_FIELD(struct row_read, s.birth_year),    STORE_FIELD_CUT(struct row_read, s.region),
    STORE_FIELD_CUT(struct row_read, s.language),  STORE_FIELD(struct row_read, s.frailty),
    STORE_FIELD_TEXT(struct row_read, s.identity), STORE_FIELD_CUT(struct row_read, s.id_index),
    STORE_FIELD(struct row_read, registered),      STORE_FIELD_TEXT(struct row_read, status),
};

/* The person's row as it stands (identity into idbuf); REDRESS_E_CONFLICT when erased. */
static enum redress_err
row_get(struct store *store, const char *pseudonym, struct side *s, int64_t *registered_r, struct buf *idbuf,
        struct redress_error *err)
{
	struct store_stmt *st;
	struct row_read row;

	memset(s, 0, sizeof(*s));
	if ((st = registry_stmt(store, REGISTRY_Q_CHANGE_ROW_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	memset(&row, 0, sizeof(row));
	switch (store_read(st, row_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no person '%s'", pseudonym);
	default: return err->code;
	}
	if (strcmp(row.status, "erased") == 0) {
		store_done(st);
		return error_set(err, REDRESS_E_CONFLICT,
		                 "%s was erased: nothing more can be recorded of this person", pseudonym);
	}
	*s = row.s;
	buf_reset(idbuf);
	buf_puts(idbuf, row.s.identity);
	*registered_r = row.registered;
	store_done(st);
	if (idbuf->failed != REDRESS_OK)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading %s's row", pseudonym);
	s->identity = idbuf->data;
	return REDRESS_OK;
}

static int
side_equal(const struct side *a, const struct side *b)
{
	return a->birth_year == b->birth_year && a->frailty == b->frailty &&
	       strcmp(a->region, b->region) == 0 && strcmp(a->language, b->language) == 0 &&
	       strcmp(a->id_index, b->id_index) == 0 && strcmp(a->identity, b->identity) == 0;
}

/* The proposal change, as its row keeps it. */
struct proposal {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char fields[CHANGE_FIELDS_MAX];
	char actor[TLOG_ACTOR_MAX + 1];
	char decision[16];
	struct buf before, after; /* the sides' canonical text */
};

/* REGISTRY_Q_CHANGE_GET's row: the proposal's short fields cut as before, its sides borrowed. */
struct proposal_read {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char fields[CHANGE_FIELDS_MAX];
	const char *before, *after;
	char actor[TLOG_ACTOR_MAX + 1];
	char decision[16];
};

static const struct store_field proposal_fields[] = {
    STORE_FIELD_CUT(struct proposal_read, pseudonym), STORE_FIELD_CUT(struct proposal_read, fields),
    STORE_FIELD_TEXT(struct proposal_read, before),   STORE_FIELD_TEXT(struct proposal_read, after),
    STORE_FIELD_CUT(struct proposal_read, actor),     STORE_FIELD_CUT(struct proposal_read, decision),
};

static enum redress_err
proposal_get(struct store *store, int64_t change, struct proposal *p, struct redress_error *err)
{
	struct proposal_read row;
	struct store_stmt *st;

	if ((st = registry_stmt(store, REGISTRY_Q_CHANGE_GET, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, change);
	switch (store_read(st, proposal_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND,
		                 "no proposed change %lld (see 'redress person changes')", (long long)change);
	default: return err->code;
	}
	memcpy(p->pseudonym, row.pseudonym, sizeof(p->pseudonym));
	memcpy(p->fields, row.fields, sizeof(p->fields));
	buf_reset(&p->before);
	buf_puts(&p->before, row.before);
	buf_reset(&p->after);
	buf_puts(&p->after, row.after);
	memcpy(p->actor, row.actor, sizeof(p->actor));
	memcpy(p->decision, row.decision, sizeof(p->decision));
	store_done(st);
	if (p->before.failed != REDRESS_OK || p->after.failed != REDRESS_OK)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading change %lld",
		                 (long long)change);
	return REDRESS_OK;
}

static void
proposal_init(struct proposal *p)
{
	memset(p, 0, sizeof(*p));
	buf_init(&p->before, 64 * 1024);
	buf_init(&p->after, 64 * 1024);
}

static void
proposal_free(struct proposal *p)
{
	buf_free(&p->before);
	buf_free(&p->after);
}

static enum redress_err
decision_insert(struct store *store, int64_t change, const struct event *ev, const char *decision,
                struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = registry_stmt(store, REGISTRY_Q_CHANGE_DECIDE, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, change);
	store_bind_int64(st, 2, (int64_t)ev->seq);
	store_bind_text(st, 3, decision);
	store_bind_text(st, 4, ev->actor);
	store_bind_text(st, 5, ev->at);
	return store_run(st, err);
}

/* Checks that a decision on proposal change by ev's actor may be made now. */
static enum redress_err
proposal_open(const struct proposal *p, int64_t change, const char *pseudonym, const char *actor, int approve,
              struct redress_error *err)
{
	if (strcmp(p->pseudonym, pseudonym) != 0)
		return error_set(err, REDRESS_E_INVALID, "change %lld is %s's, not %s's", (long long)change,
		                 p->pseudonym, pseudonym);
	if (p->decision[0] != '\0')
		return error_set(err, REDRESS_E_CONFLICT, "change %lld was %s already", (long long)change,
		                 p->decision);
	if (approve && strcmp(p->actor, actor) == 0)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "change %lld to %s's %s was proposed by %s: another staff member must approve it",
		    (long long)change, pseudonym, p->fields, actor);
	return REDRESS_OK;
}

enum redress_err
registry_change_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct ev_change r;
	struct side now;
	struct proposal prop;
	struct buf idbuf, text;
	struct store_stmt *st;
	int64_t registered;
	enum redress_err rc;

	if ((rc = decode_change(ev, &r, err)) != REDRESS_OK)
		return rc;
	buf_init(&idbuf, 64 * 1024);
	buf_init(&text, 64 * 1024);
	proposal_init(&prop);
	if (strcmp(ev->type, REGISTRY_EV_REJECTED) == 0) {
		if ((rc = proposal_get(store, r.change, &prop, err)) == REDRESS_OK &&
		    (rc = proposal_open(&prop, r.change, r.pseudonym, ev->actor, 0, err)) == REDRESS_OK)
			rc = decision_insert(store, r.change, ev, "rejected", err);
		goto out;
	}
	if ((rc = row_get(store, r.pseudonym, &now, &registered, &idbuf, err)) != REDRESS_OK)
		goto out;
	if (!side_equal(&now, &r.before) || registered != r.registered) {
		rc = error_set(err, REDRESS_E_CONFLICT,
		               "%s's file changed since this correction was made from it: make it again",
		               r.pseudonym);
		goto out;
	}
	if (strcmp(ev->type, REGISTRY_EV_PROPOSED) == 0) {
		if ((st = registry_stmt(store, REGISTRY_Q_CHANGE_INSERT, err)) == NULL) {
			rc = err->code;
			goto out;
		}
		if ((rc = side_text(&r.before, &idbuf, err)) != REDRESS_OK ||
		    (rc = side_text(&r.after, &text, err)) != REDRESS_OK)
			goto out;
		store_bind_int64(st, 1, (int64_t)ev->seq);
		store_bind_text(st, 2, r.pseudonym);
		store_bind_text(st, 3, r.fields);
		store_bind_text(st, 4, idbuf.data);
		store_bind_text(st, 5, text.data);
		store_bind_text(st, 6, r.reason);
		store_bind_text(st, 7, ev->actor);
		store_bind_text(st, 8, ev->at);
		rc = store_run(st, err);
		goto out;
	}
	if (r.change != 0) {
		if ((rc = proposal_get(store, r.change, &prop, err)) != REDRESS_OK ||
		    (rc = proposal_open(&prop, r.change, r.pseudonym, ev->actor, 1, err)) != REDRESS_OK ||
		    (rc = side_text(&r.before, &idbuf, err)) != REDRESS_OK ||
		    (rc = side_text(&r.after, &text, err)) != REDRESS_OK)
			goto out;
		if (strcmp(prop.fields, r.fields) != 0 || strcmp(prop.before.data, idbuf.data) != 0 ||
		    strcmp(prop.after.data, text.data) != 0) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "the approval of change %lld is not the change proposed",
			               (long long)r.change);
			goto out;
		}
		if ((rc = decision_insert(store, r.change, ev, "approved", err)) != REDRESS_OK)
			goto out;
	}
	if ((st = registry_stmt(store, REGISTRY_Q_CHANGE_ROW_SET, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, r.pseudonym);
	store_bind_int64(st, 2, r.after.birth_year);
	store_bind_text(st, 3, r.after.region[0] != '\0' ? r.after.region : NULL);
	store_bind_text(st, 4, r.after.language);
	store_bind_int64(st, 5, r.after.frailty);
	store_bind_text(st, 6, r.after.identity);
	store_bind_text(st, 7, r.after.id_index[0] != '\0' ? r.after.id_index : NULL);
	rc = store_run(st, err);
out:
	proposal_free(&prop);
	buf_free(&idbuf);
	buf_free(&text);
	return rc;
}

/* ---- Commands ---- */

/* Appends name to a field list "a,b" (called in change_fields order). */
static void
fields_add(char *list, size_t size, const char *name)
{
	size_t len = strlen(list);

	snprintf(list + len, size - len, "%s%s", len > 0 ? "," : "", name);
}

static void
encode_change(struct canon *c, const struct side *after, const struct side *before, int64_t change,
              const char *fields, const char *pseudonym, const char *reason, int64_t registered, int proposal)
{
	canon_object_begin(c);
	side_encode(c, "after", after);
	side_encode(c, "before", before);
	if (!proposal) {
		canon_key(c, "change");
		if (change > 0)
			canon_int(c, change);
		else
			canon_null(c);
	}
	canon_key(c, "fields");
	canon_string(c, fields);
	canon_key(c, "pseudonym");
	canon_string(c, pseudonym);
	canon_key(c, "reason");
	if (reason != NULL)
		canon_string(c, reason);
	else
		canon_null(c);
	canon_key(c, "registered");
	canon_int(c, registered);
	canon_object_end(c);
}

/* Sets dst (size bytes) from src when given; 1 when that changes it. */
static int
take(char *dst, size_t size, const char *src)
{
	if (src == NULL || strcmp(dst, src) == 0)
		return 0;
	text_copy(dst, size, src);
	return 1;
}

enum redress_err
registry_update(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                const char *pseudonym, const struct registry_update *u, const char *reason,
                uint64_t *change_r, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_new_person np;
	struct registry_identity old;
	struct side before, after;
	struct seal_key *key = NULL;
	struct buf idbuf, sealed_id, sealed_reason, data;
	char fields[CHANGE_FIELDS_MAX] = "";
	const char *field;
	int64_t registered;
	uint64_t seq = 0;
	int identity = 0, changed[N_FIELDS] = {0};
	struct canon c;
	size_t i;
	enum redress_err rc;

	*change_r = 0;
	memset(&np, 0, sizeof(np));
	memset(&old, 0, sizeof(old));
	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK)
		return rc;
	if (reason == NULL || reason[0] == '\0')
		return error_set(err, REDRESS_E_INVALID,
		                 "a correction needs --reason: why the file was wrong");
	if ((rc = text_check("reason", reason, REGISTRY_REASON_MAX, err)) != REDRESS_OK)
		return rc;
	buf_init(&idbuf, 64 * 1024);
	buf_init(&sealed_id, SEAL_PLAIN_MAX);
	buf_init(&sealed_reason, SEAL_PLAIN_MAX);
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	if ((rc = row_get(store, pseudonym, &before, &registered, &idbuf, err)) != REDRESS_OK ||
	    (rc = registry_data_key(store, keys, pseudonym, &key, err)) != REDRESS_OK ||
	    (rc = registry_identity_unseal(key, pseudonym, before.identity, &old, err)) != REDRESS_OK)
		goto out;
	/* The file after: what she has, with what the correction gives. */
	{
		struct registry_person p;

		if ((rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
			goto out;
		np.kind = p.kind;
	}
	np.identity = old;
	text_copy(np.region, sizeof(np.region), before.region);
	text_copy(np.language, sizeof(np.language), before.language);
	np.frailty = (int)before.frailty;
	changed[0] = take(np.identity.address, sizeof(np.identity.address), u->address);
	changed[1] = take(np.identity.birth_date, sizeof(np.identity.birth_date), u->birth_date);
	if (u->frailty >= 0 && u->frailty != np.frailty) {
		np.frailty = u->frailty;
		changed[2] = 1;
	}
	changed[3] = take(np.language, sizeof(np.language), u->language);
	changed[4] = take(np.identity.name, sizeof(np.identity.name), u->name);
	changed[5] = take(np.identity.national_id, sizeof(np.identity.national_id), u->national_id);
	changed[6] = take(np.identity.phone, sizeof(np.identity.phone), u->phone);
	changed[7] = take(np.region, sizeof(np.region), u->region);
	/* Given values that do not fit are named, never cut. */
	if ((u->name != NULL && strlen(u->name) > REGISTRY_NAME_MAX) ||
	    (u->national_id != NULL && strlen(u->national_id) > REGISTRY_FIELD_MAX) ||
	    (u->phone != NULL && strlen(u->phone) > REGISTRY_FIELD_MAX) ||
	    (u->address != NULL && strlen(u->address) > REGISTRY_FIELD_MAX) ||
	    (u->region != NULL && strlen(u->region) > REGISTRY_REGION_MAX) ||
	    (u->language != NULL && strlen(u->language) > 2) ||
	    (u->birth_date != NULL && strlen(u->birth_date) > 10)) {
		rc = error_set(err, REDRESS_E_INVALID, "a value given is longer than its field allows");
		goto out;
	}
	if ((rc = registry_new_person_check(&np, &field, err)) != REDRESS_OK) {
		error_prefix(err, "%s", field);
		goto out;
	}
	for (i = 0; i < N_FIELDS; i++)
		if (changed[i]) {
			fields_add(fields, sizeof(fields), change_fields[i]);
			identity |= field_is_identity(change_fields[i]);
		}
	if (fields[0] == '\0') {
		rc = error_set(err, REDRESS_E_INVALID,
		               "%s: nothing to change: every value given is what the file holds", pseudonym);
		goto out;
	}
	after = before;
	after.birth_year = registry_date_year(np.identity.birth_date);
	after.frailty = np.frailty;
	text_copy(after.region, sizeof(after.region), np.region);
	text_copy(after.language, sizeof(after.language), np.language);
	if (changed[5] && (rc = registry_id_index(store, keys, np.identity.national_id, pseudonym,
	                                          after.id_index, err)) != REDRESS_OK)
		goto out;
	if (changed[0] || changed[1] || changed[4] || changed[5] || changed[6]) {
		if ((rc = registry_identity_seal(key, pseudonym, &np.identity, &sealed_id, err)) !=
		    REDRESS_OK)
			goto out;
		after.identity = sealed_id.data;
	}
	if ((rc = registry_seal_text(key, pseudonym, "reason", reason, &sealed_reason, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	encode_change(&c, &after, &before, 0, fields, pseudonym, sealed_reason.data, registered, identity);
	if ((rc = canon_error(&c, err)) != REDRESS_OK ||
	    (rc = registry_append_apply_seq(log, identity ? REGISTRY_EV_PROPOSED : REGISTRY_EV_CHANGED, &data,
	                                    &seq, err)) != REDRESS_OK)
		goto out;
	if (identity) {
		*change_r = seq;
	} else if (changed[6] && ((rc = registry_search_flush(log, err)) != REDRESS_OK ||
	                          (rc = registry_search_index(store, keys->index, pseudonym, &np.identity,
	                                                      err)) != REDRESS_OK)) {
		goto out;
	}
out:
	explicit_bzero(&old, sizeof(old));
	explicit_bzero(&np, sizeof(np));
	seal_key_free(&key);
	buf_free(&idbuf);
	buf_free(&sealed_id);
	buf_free(&sealed_reason);
	buf_free(&data);
	return rc;
}

enum redress_err
registry_change_decide(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                       uint64_t change, int approve, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_identity id;
	struct proposal prop;
	struct side now, before, after;
	struct canon_doc bdoc, adoc;
	struct seal_key *key = NULL;
	struct buf idbuf, data, text;
	int64_t registered;
	struct canon c;
	enum redress_err rc;

	memset(&id, 0, sizeof(id));
	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK)
		return rc;
	if (change == 0 || change > INT64_MAX)
		return error_set(err, REDRESS_E_INVALID, "a change's number is a positive integer");
	proposal_init(&prop);
	canon_doc_init(&bdoc);
	canon_doc_init(&adoc);
	buf_init(&idbuf, 64 * 1024);
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	buf_init(&text, 64 * 1024);
	if ((rc = proposal_get(store, (int64_t)change, &prop, err)) != REDRESS_OK ||
	    (rc = proposal_open(&prop, (int64_t)change, prop.pseudonym, tlog_actor(log), approve, err)) !=
	        REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	if (!approve) {
		canon_object_begin(&c);
		canon_key(&c, "change");
		canon_int(&c, (int64_t)change);
		canon_key(&c, "pseudonym");
		canon_string(&c, prop.pseudonym);
		canon_object_end(&c);
		if ((rc = canon_error(&c, err)) == REDRESS_OK)
			rc = registry_append_apply(log, REGISTRY_EV_REJECTED, &data, err);
		goto out;
	}
	if ((rc = row_get(store, prop.pseudonym, &now, &registered, &idbuf, err)) != REDRESS_OK)
		goto out;
	/* The sides as the proposal keeps them, read back; side_decode reads a member of an object. */
	{
		struct buf wrapped;
		struct canon_doc *docs[2] = {&bdoc, &adoc};
		struct side *sides[2] = {&before, &after};
		struct buf *texts[2] = {&prop.before, &prop.after};
		int k;

		for (k = 0; k < 2; k++) {
			buf_init(&wrapped, 64 * 1024);
			buf_puts(&wrapped, "{\"s\":");
			buf_append(&wrapped, texts[k]->data, texts[k]->len);
			buf_puts(&wrapped, "}");
			if (wrapped.failed != REDRESS_OK)
				rc = error_set(err, REDRESS_E_NOMEM, "out of memory reading change %llu",
				               (unsigned long long)change);
			else if ((rc = canon_read(docs[k], wrapped.data, wrapped.len, err)) == REDRESS_OK)
				rc = side_decode(canon_root(docs[k]), "s", sides[k], err);
			buf_free(&wrapped);
			if (rc != REDRESS_OK)
				goto out;
		}
	}
	if (!side_equal(&now, &before)) {
		rc = error_set(
		    err, REDRESS_E_CONFLICT,
		    "%s's file changed since change %llu was proposed: reject it and propose it again",
		    prop.pseudonym, (unsigned long long)change);
		goto out;
	}
	canon_init(&c, &text);
	encode_change(&c, &after, &before, (int64_t)change, prop.fields, prop.pseudonym, NULL, registered, 0);
	if ((rc = canon_error(&c, err)) != REDRESS_OK ||
	    (rc = registry_append_apply(log, REGISTRY_EV_CHANGED, &text, err)) != REDRESS_OK)
		goto out;
	/* Findable by her name and numbers as they are now. */
	if ((rc = registry_data_key(store, keys, prop.pseudonym, &key, err)) != REDRESS_OK ||
	    (rc = registry_identity_unseal(key, prop.pseudonym, after.identity, &id, err)) != REDRESS_OK)
		goto out;
	/* Her tokens from a registration in this change written first, to be replaced with the rest. */
	if ((rc = registry_search_flush(log, err)) == REDRESS_OK)
		rc = registry_search_index(store, keys->index, prop.pseudonym, &id, err);
out:
	explicit_bzero(&id, sizeof(id));
	seal_key_free(&key);
	canon_doc_free(&bdoc);
	canon_doc_free(&adoc);
	proposal_free(&prop);
	buf_free(&idbuf);
	buf_free(&data);
	buf_free(&text);
	return rc;
}

/* REGISTRY_Q_CHANGES_ALL's and _PENDING's columns, cut to the struct's fields as before. */
static const struct store_field change_row_fields[] = {
    STORE_FIELD(struct registry_change, seq),
    STORE_FIELD_CUT(struct registry_change, pseudonym),
    STORE_FIELD_CUT(struct registry_change, fields),
    STORE_FIELD_CUT(struct registry_change, actor),
    STORE_FIELD_CUT(struct registry_change, at),
    STORE_FIELD_CUT(struct registry_change, decision),
    STORE_FIELD_CUT(struct registry_change, decided_by),
};

enum redress_err
registry_changes_each(struct store *store, int pending,
                      enum redress_err (*fn)(void *ctx, const struct registry_change *c,
                                             struct redress_error *err),
                      void *ctx, struct redress_error *err)
{
	struct registry_change row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = registry_stmt(store, pending ? REGISTRY_Q_CHANGES_PENDING : REGISTRY_Q_CHANGES_ALL, err)) ==
	    NULL)
		return err->code;
	memset(&row, 0, sizeof(row));
	while ((r = store_read(st, change_row_fields, &row, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &row, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* ---- Audit's fold ---- */

struct fold_proposal {
	int64_t seq;
	char *actor, *fields, *before, *after; /* the sides' canonical text */
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	int decided;
};

struct registry_change_fold {
	struct fold_proposal *v;
	size_t n, cap;
	struct buf scratch;
};

void
registry_change_fold_free(struct registry_change_fold **cf)
{
	size_t i;

	if (*cf == NULL)
		return;
	for (i = 0; i < (*cf)->n; i++) {
		free((*cf)->v[i].actor);
		free((*cf)->v[i].fields);
		free((*cf)->v[i].before);
		free((*cf)->v[i].after);
	}
	free((*cf)->v);
	buf_free(&(*cf)->scratch);
	free(*cf);
	*cf = NULL;
}

static void
fold_person_row(struct audit_fold *fold, const char *pseudonym, const struct side *s, int64_t registered,
                int remove)
{
	enum registry_kind kind = REGISTRY_VICTIM;
	uint64_t number;
	const struct audit_value null = {AUDIT_NULL, 0, NULL};

	(void)registry_pseudonym_parse(pseudonym, &kind, &number, NULL);
	{
		const struct audit_value row[] = {
		    AUDIT_TEXT_VALUE(pseudonym),
		    AUDIT_TEXT_VALUE(registry_kind_name(kind)),
		    AUDIT_INT_VALUE(s->birth_year),
		    s->region[0] != '\0' ? AUDIT_TEXT_VALUE(s->region) : null,
		    AUDIT_TEXT_VALUE(s->language),
		    AUDIT_INT_VALUE(s->frailty),
		    AUDIT_TEXT_VALUE(s->identity),
		    s->id_index[0] != '\0' ? AUDIT_TEXT_VALUE(s->id_index) : null,
		    AUDIT_INT_VALUE(registered),
		};

		if (remove)
			audit_fold_unrow(fold, REGISTRY_TABLE_PERSONS, row, sizeof(row) / sizeof(row[0]));
		else
			audit_fold_row(fold, REGISTRY_TABLE_PERSONS, row, sizeof(row) / sizeof(row[0]));
	}
}

static struct fold_proposal *
fold_find(struct registry_change_fold *cf, int64_t change)
{
	size_t lo = 0, hi = cf->n;

	/* Proposals are appended in the order of the log: sorted by seq. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cf->v[mid].seq == change)
			return &cf->v[mid];
		if (cf->v[mid].seq < change)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void
fold_decision(struct audit_fold *fold, int64_t change, const struct event *ev, const char *decision)
{
	const struct audit_value row[] = {
	    AUDIT_INT_VALUE(change),     AUDIT_INT_VALUE(ev->seq), AUDIT_TEXT_VALUE(decision),
	    AUDIT_TEXT_VALUE(ev->actor), AUDIT_TEXT_VALUE(ev->at),
	};

	audit_fold_row(fold, REGISTRY_TABLE_DECISIONS, row, sizeof(row) / sizeof(row[0]));
}

static char *
dup_text(const char *s)
{
	size_t len = strlen(s) + 1;
	char *d = malloc(len);

	if (d != NULL)
		memcpy(d, s, len);
	return d;
}

enum redress_err
registry_change_fold(struct registry_change_fold **cfp, const struct event *ev, struct audit_fold *fold,
                     const char **pseudonym_r, int *birth_year_r, struct redress_error *err)
{
	struct registry_change_fold *cf = *cfp;
	struct fold_proposal *p = NULL;
	struct ev_change r;
	struct buf after_text;
	enum redress_err rc;

	*birth_year_r = -1;
	if ((rc = decode_change(ev, &r, err)) != REDRESS_OK)
		return rc;
	*pseudonym_r = r.pseudonym;
	if (cf == NULL) {
		if ((cf = calloc(1, sizeof(*cf))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding changes");
		buf_init(&cf->scratch, 64 * 1024);
		*cfp = cf;
	}
	if (r.change != 0) {
		if ((p = fold_find(cf, r.change)) == NULL)
			return error_set(err, REDRESS_E_NOTFOUND, "no proposed change %lld",
			                 (long long)r.change);
		if (strcmp(p->pseudonym, r.pseudonym) != 0)
			return error_set(err, REDRESS_E_INVALID, "change %lld is %s's, not %s's",
			                 (long long)r.change, p->pseudonym, r.pseudonym);
		if (p->decided)
			return error_set(err, REDRESS_E_CONFLICT, "change %lld was decided already",
			                 (long long)r.change);
	}
	if (strcmp(ev->type, REGISTRY_EV_REJECTED) == 0) {
		p->decided = 1;
		fold_decision(fold, r.change, ev, "rejected");
		return REDRESS_OK;
	}
	buf_init(&after_text, 64 * 1024);
	if ((rc = side_text(&r.before, &cf->scratch, err)) != REDRESS_OK ||
	    (rc = side_text(&r.after, &after_text, err)) != REDRESS_OK)
		goto out;
	if (strcmp(ev->type, REGISTRY_EV_PROPOSED) == 0) {
		struct fold_proposal *q;

		if (cf->n == cf->cap) {
			size_t cap = cf->cap != 0 ? cf->cap * 2 : 16;
			struct fold_proposal *v = realloc(cf->v, cap * sizeof(*v));

			if (v == NULL) {
				rc = error_set(err, REDRESS_E_NOMEM, "out of memory folding changes");
				goto out;
			}
			cf->v = v;
			cf->cap = cap;
		}
		q = &cf->v[cf->n];
		memset(q, 0, sizeof(*q));
		q->seq = (int64_t)ev->seq;
		text_copy(q->pseudonym, sizeof(q->pseudonym), r.pseudonym);
		q->actor = dup_text(ev->actor);
		q->fields = dup_text(r.fields);
		q->before = dup_text(cf->scratch.data);
		q->after = dup_text(after_text.data);
		cf->n++;
		if (q->actor == NULL || q->fields == NULL || q->before == NULL || q->after == NULL) {
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory folding changes");
			goto out;
		}
		{
			const struct audit_value row[] = {
			    AUDIT_INT_VALUE(ev->seq),    AUDIT_TEXT_VALUE(r.pseudonym),
			    AUDIT_TEXT_VALUE(r.fields),  AUDIT_TEXT_VALUE(q->before),
			    AUDIT_TEXT_VALUE(q->after),  AUDIT_TEXT_VALUE(r.reason),
			    AUDIT_TEXT_VALUE(ev->actor), AUDIT_TEXT_VALUE(ev->at),
			};

			audit_fold_row(fold, REGISTRY_TABLE_CHANGES, row, sizeof(row) / sizeof(row[0]));
		}
		goto out;
	}
	if (p != NULL) {
		if (strcmp(p->actor, ev->actor) == 0) {
			rc = error_set(err, REDRESS_E_REFUSED, "change %lld approved by its proposer %s",
			               (long long)r.change, ev->actor);
			goto out;
		}
		if (strcmp(p->fields, r.fields) != 0 || strcmp(p->before, cf->scratch.data) != 0 ||
		    strcmp(p->after, after_text.data) != 0) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "the approval of change %lld is not the change proposed",
			               (long long)r.change);
			goto out;
		}
		p->decided = 1;
		fold_decision(fold, r.change, ev, "approved");
	}
	/* The row before leaves the digest, the row after joins it. */
	fold_person_row(fold, r.pseudonym, &r.before, r.registered, 1);
	fold_person_row(fold, r.pseudonym, &r.after, r.registered, 0);
	*birth_year_r = (int)r.after.birth_year;
out:
	buf_free(&after_text);
	return rc;
}
