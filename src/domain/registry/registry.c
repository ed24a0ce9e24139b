/*
 * registry.c -- the registry's commands (check the actor, validate, seal,
 * append the event, apply it) and its reads.
 *
 * Each person's data key is random, wrapped under the master key (ad
 * "PSEUDONYM/key") in registry_keys, and seals every personal field of her
 * file with the ad "PSEUDONYM/FIELD".  Plain text of those fields exists
 * only in memory, is padded before sealing (REGISTRY_SEAL_PAD) and wiped
 * after use.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/registry/registry_int.h"

#define BLIND_INDEX_DOMAIN "redress national id 1:"

/* Wipes what a buffer held (personal data in clear) and frees it. */
static void
buf_wipe(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->cap);
	buf_free(b);
}

/* A pseudonym given from outside: REDRESS_E_INVALID without echoing what was typed instead. */
static enum redress_err
pseudonym_check(const char *text, enum registry_kind *kind_r, struct redress_error *err)
{
	enum registry_kind kind;
	uint64_t number;
	enum redress_err rc;

	if ((rc = registry_pseudonym_parse(text, &kind, &number, err)) != REDRESS_OK)
		return rc;
	if (kind_r != NULL)
		*kind_r = kind;
	return REDRESS_OK;
}

enum redress_err
registry_get(struct store *store, const char *pseudonym, struct registry_person *p_r,
             struct redress_error *err)
{
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = pseudonym_check(pseudonym, NULL, err)) != REDRESS_OK)
		return rc;
	if ((st = registry_stmt(store, REGISTRY_Q_PERSON_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	switch (registry_person_row(st, p_r, err)) {
	case STORE_ROW: return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no person '%s' (see 'redress person list')",
		                 pseudonym);
	default: return err->code;
	}
}

/* The person, who must exist and not have been erased (REDRESS_E_CONFLICT). */
static enum redress_err
get_live(struct store *store, const char *pseudonym, struct registry_person *p, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = registry_get(store, pseudonym, p, err)) != REDRESS_OK)
		return rc;
	if (p->status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "%s was erased: nothing more can be recorded of this person", pseudonym);
	return REDRESS_OK;
}

/* Checks that pseudonym is registered, then prepares q with it bound to ?1. */
static struct store_stmt *
person_query(struct store *store, const char *pseudonym, enum registry_statement q, struct redress_error *err)
{
	struct registry_person p;
	struct store_stmt *st;

	if (registry_get(store, pseudonym, &p, err) != REDRESS_OK ||
	    (st = registry_stmt(store, q, err)) == NULL)
		return NULL;
	store_bind_text(st, 1, pseudonym);
	return st;
}

/* Calls fn with each person of st's rows (a statement of a person's columns); stops at fn's first error. */
static enum redress_err
persons_each(struct store_stmt *st,
             enum redress_err (*fn)(void *ctx, const struct registry_person *p, struct redress_error *err),
             void *ctx, struct redress_error *err)
{
	struct registry_person p;
	enum store_step_result r;
	enum redress_err rc;

	while ((r = registry_person_row(st, &p, err)) == STORE_ROW)
		if ((rc = fn(ctx, &p, err)) != REDRESS_OK)
			return rc;
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
registry_each(struct store *store, int status,
              enum redress_err (*fn)(void *ctx, const struct registry_person *p, struct redress_error *err),
              void *ctx, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = registry_stmt(store, status < 0 ? REGISTRY_Q_PERSONS_ALL : REGISTRY_Q_PERSONS_STATUS,
	                        err)) == NULL)
		return err->code;
	if (status >= 0)
		store_bind_text(st, 1, registry_status_name((enum registry_status)status));
	return persons_each(st, fn, ctx, err);
}

enum redress_err
registry_page(struct store *store, int status, uint64_t after, size_t limit,
              enum redress_err (*fn)(void *ctx, const struct registry_person *p, struct redress_error *err),
              void *ctx, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = registry_stmt(store, REGISTRY_Q_PERSONS_PAGE, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, after > INT64_MAX ? INT64_MAX : (int64_t)after);
	store_bind_text(st, 2, status < 0 ? "" : registry_status_name((enum registry_status)status));
	store_bind_int64(st, 3, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	return persons_each(st, fn, ctx, err);
}

static void
list_bind(struct store_stmt *st, const struct registry_filter *f, size_t limit, size_t offset)
{
	store_bind_text(st, 1, f->kind < 0 ? "" : registry_kind_name((enum registry_kind)f->kind));
	store_bind_text(st, 2, f->status < 0 ? "" : registry_status_name((enum registry_status)f->status));
	store_bind_int64(st, 3, f->frailty);
	store_bind_int64(st, 4, f->unpaid < 0 || f->unpaid > 2 ? 0 : f->unpaid);
	store_bind_text(st, 5,
	                f->order == REGISTRY_ORDER_FRAILTY ? "frailty"
	                : f->order == REGISTRY_ORDER_BIRTH ? "birth"
	                                                   : "registered");
	store_bind_int64(st, 6, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	store_bind_int64(st, 7, offset > INT64_MAX ? INT64_MAX : (int64_t)offset);
	if (f->office != NULL && f->office[0] != '\0')
		store_bind_text(st, 8, f->office);
}

enum redress_err
registry_list(struct store *store, const struct registry_filter *f, size_t offset, size_t limit,
              enum redress_err (*fn)(void *ctx, const struct registry_person *p, struct redress_error *err),
              void *ctx, uint64_t *total_r, struct redress_error *err)
{
	struct store_stmt *st;
	enum store_step_result r;
	int64_t total;
	int office = f->office != NULL && f->office[0] != '\0';

	*total_r = 0;
	/* Without a filter, the count SQLite keeps by its smallest index; with one, a scan. */
	if (f->kind < 0 && f->status < 0 && f->frailty <= 0 && (f->unpaid <= 0 || f->unpaid > 2) &&
	    (f->office == NULL || f->office[0] == '\0')) {
		if ((st = registry_stmt(store, REGISTRY_Q_PERSONS_COUNT_ALL, err)) == NULL)
			return err->code;
	} else {
		if ((st = registry_stmt(store,
		                        office ? REGISTRY_Q_PERSONS_COUNT_OFFICE : REGISTRY_Q_PERSONS_COUNT,
		                        err)) == NULL)
			return err->code;
		list_bind(st, f, limit, offset);
	}
	if ((r = store_read_one(st, registry_int_field, &total, err)) != STORE_ROW)
		return r == STORE_DONE ? error_set(err, REDRESS_E_INTERNAL, "no count of persons")
		                       : err->code;
	*total_r = (uint64_t)total;
	if ((st = registry_stmt(
	         store,
	         f->order == REGISTRY_ORDER_FRAILTY
	             ? (office ? REGISTRY_Q_PERSONS_LIST_FRAILTY_OFFICE : REGISTRY_Q_PERSONS_LIST_FRAILTY)
	         : f->order == REGISTRY_ORDER_BIRTH
	             ? (office ? REGISTRY_Q_PERSONS_LIST_BIRTH_OFFICE : REGISTRY_Q_PERSONS_LIST_BIRTH)
	             : (office ? REGISTRY_Q_PERSONS_LIST_OFFICE : REGISTRY_Q_PERSONS_LIST),
	         err)) == NULL)
		return err->code;
	list_bind(st, f, limit, offset);
	return persons_each(st, fn, ctx, err);
}

/* A share's row (REGISTRY_Q_HEIRS, REGISTRY_Q_HEIR_OF): the other person, num, den (and the relation). */
struct share_row {
	char other[REGISTRY_PSEUDONYM_MAX + 1];
	int64_t num, den;
	char relation[REGISTRY_RELATION_MAX + 1];
};

static const struct store_field share_fields[] = {
    STORE_FIELD(struct share_row, other),
    STORE_FIELD(struct share_row, num),
    STORE_FIELD(struct share_row, den),
    STORE_FIELD(struct share_row, relation),
};

/* Calls fn with each share of st's rows; stops at fn's first error. */
static enum redress_err
shares_each(struct store_stmt *st,
            enum redress_err (*fn)(void *ctx, const char *other, int64_t num, int64_t den,
                                   struct redress_error *err),
            void *ctx, struct redress_error *err)
{
	struct share_row row;
	enum store_step_result r;
	enum redress_err rc;

	while ((r = store_read(st, share_fields, &row, err)) == STORE_ROW)
		if ((rc = fn(ctx, row.other, row.num, row.den, err)) != REDRESS_OK)
			return rc;
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
registry_heirs(struct store *store, const char *victim,
               enum redress_err (*fn)(void *ctx, const char *relative, int64_t num, int64_t den,
                                      struct redress_error *err),
               void *ctx, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = person_query(store, victim, REGISTRY_Q_HEIRS, err)) == NULL)
		return err->code;
	return shares_each(st, fn, ctx, err);
}

enum redress_err
registry_heir_of(struct store *store, const char *relative,
                 enum redress_err (*fn)(void *ctx, const char *victim, int64_t num, int64_t den,
                                        struct redress_error *err),
                 void *ctx, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = person_query(store, relative, REGISTRY_Q_HEIR_OF, err)) == NULL)
		return err->code;
	return shares_each(st, fn, ctx, err);
}

enum redress_err
registry_consent_given(struct store *store, const char *pseudonym, const char *scope, int *given_r,
                       struct redress_error *err)
{
	struct store_stmt *st;
	int64_t given;
	enum redress_err rc;

	if ((rc = registry_scope_check(scope, err)) != REDRESS_OK)
		return rc;
	if ((st = person_query(store, pseudonym, REGISTRY_Q_CONSENT_LATEST, err)) == NULL)
		return err->code;
	store_bind_text(st, 2, scope);
	switch (store_read(st, registry_int_field, &given, err)) {
	case STORE_ROW: *given_r = given != 0; return REDRESS_OK;
	case STORE_DONE: *given_r = 0; return REDRESS_OK;
	default: return err->code;
	}
}

/* A consent's row: REGISTRY_Q_CONSENTS_LATEST's columns, and REGISTRY_Q_CONSENT_HISTORY's. */
struct consent_row {
	char scope[REGISTRY_SCOPE_MAX + 1];
	int64_t given, seq;
	char actor[TLOG_ACTOR_MAX + 1];
	char at[40];
};

enum redress_err
registry_consents_each(struct store *store, const char *pseudonym,
                       enum redress_err (*fn)(void *ctx, const char *scope, int given, uint64_t seq,
                                              struct redress_error *err),
                       void *ctx, struct redress_error *err)
{
	static const struct store_field fields[] = {
	    STORE_FIELD(struct consent_row, scope),
	    STORE_FIELD(struct consent_row, given),
	    STORE_FIELD(struct consent_row, seq),
	};
	struct consent_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = person_query(store, pseudonym, REGISTRY_Q_CONSENTS_LATEST, err)) == NULL)
		return err->code;
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW)
		if ((rc = fn(ctx, row.scope, row.given != 0, (uint64_t)row.seq, err)) != REDRESS_OK)
			return rc;
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
registry_consent_history(struct store *store, const char *pseudonym,
                         enum redress_err (*fn)(void *ctx, const struct registry_consent_event *e,
                                                struct redress_error *err),
                         void *ctx, struct redress_error *err)
{
	static const struct store_field fields[] = {
	    STORE_FIELD(struct consent_row, scope), STORE_FIELD(struct consent_row, given),
	    STORE_FIELD(struct consent_row, seq),   STORE_FIELD(struct consent_row, actor),
	    STORE_FIELD(struct consent_row, at),
	};
	struct registry_consent_event e;
	struct consent_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = person_query(store, pseudonym, REGISTRY_Q_CONSENT_HISTORY, err)) == NULL)
		return err->code;
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW) {
		memcpy(e.scope, row.scope, sizeof(e.scope));
		e.given = row.given != 0;
		e.seq = (uint64_t)row.seq;
		text_copy(e.actor, sizeof(e.actor), row.actor);
		text_copy(e.at, sizeof(e.at), row.at);
		if ((rc = fn(ctx, &e, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
registry_consultations_each(struct store *store, const char *pseudonym,
                            enum redress_err (*fn)(void *ctx, const struct registry_consultation *c,
                                                   struct redress_error *err),
                            void *ctx, struct redress_error *err)
{
	struct consultation_row {
		char wish[16];
		int64_t seq;
		char actor[TLOG_ACTOR_MAX + 1];
		char at[40];
	} row;
	static const struct store_field fields[] = {
	    STORE_FIELD(struct consultation_row, wish),
	    STORE_FIELD(struct consultation_row, seq),
	    STORE_FIELD(struct consultation_row, actor),
	    STORE_FIELD(struct consultation_row, at),
	};
	struct registry_consultation c;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = person_query(store, pseudonym, REGISTRY_Q_CONSULTATIONS, err)) == NULL)
		return err->code;
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW) {
		if ((rc = registry_wish_parse(row.wish, &c.wish, err)) != REDRESS_OK)
			return rc;
		c.seq = (uint64_t)row.seq;
		text_copy(c.actor, sizeof(c.actor), row.actor);
		text_copy(c.at, sizeof(c.at), row.at);
		if ((rc = fn(ctx, &c, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
registry_latest_wish(struct store *store, const char *pseudonym, enum registry_wish *wish_r,
                     struct redress_error *err)
{
	struct store_stmt *st;
	const char *wish;

	if ((st = person_query(store, pseudonym, REGISTRY_Q_WISH_LATEST, err)) == NULL)
		return err->code;
	switch (store_read(st, registry_text_field, &wish, err)) {
	case STORE_ROW: return registry_wish_parse(wish, wish_r, err);
	case STORE_DONE: *wish_r = REGISTRY_WISH_NONE; return REDRESS_OK;
	default: return err->code;
	}
}

/*
 * Appends the event, reads its bytes back and applies them, so that the
 * tables get exactly what the log holds, its actor and time included.
 */
static enum redress_err append_apply(struct tlog *log, const char *type, struct buf *data, uint64_t *seq_r,
                                     struct redress_error *err);

enum redress_err
registry_append_apply(struct tlog *log, const char *type, struct buf *data, struct redress_error *err)
{
	return append_apply(log, type, data, NULL, err);
}

static enum redress_err
append_apply(struct tlog *log, const char *type, struct buf *data, uint64_t *seq_r, struct redress_error *err)
{
	return tlog_append_apply(log, &registry_module, type, data, seq_r, err);
}

/* "PSEUDONYM/field": what binds a sealed field to its owner and place. */
static void
seal_ad(char *ad, size_t size, const char *pseudonym, const char *field)
{
	snprintf(ad, size, "%s/%s", pseudonym, field);
}

/* Seals len bytes of text, padded with NULs to a multiple of REGISTRY_SEAL_PAD, and appends it to out. */
static enum redress_err
seal_field(const struct seal_key *key, const char *pseudonym, const char *field, const char *text, size_t len,
           struct buf *out, struct redress_error *err)
{
	char ad[REGISTRY_PSEUDONYM_MAX + 32];
	size_t padded;
	char *plain;
	enum redress_err rc;

	padded = (len / REGISTRY_SEAL_PAD + 1) * REGISTRY_SEAL_PAD;
	if ((plain = calloc(1, padded)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory sealing a field");
	memcpy(plain, text, len);
	seal_ad(ad, sizeof(ad), pseudonym, field);
	rc = seal_encrypt(key, plain, padded, ad, out, err);
	explicit_bzero(plain, padded);
	free(plain);
	return rc;
}

/* Opens a sealed field into out, without its padding. */
static enum redress_err
open_field(const struct seal_key *key, const char *pseudonym, const char *field, const char *sealed,
           struct buf *out, struct redress_error *err)
{
	char ad[REGISTRY_PSEUDONYM_MAX + 32];
	enum redress_err rc;

	seal_ad(ad, sizeof(ad), pseudonym, field);
	if ((rc = seal_decrypt(key, sealed, ad, out, err)) != REDRESS_OK)
		return error_prefix(err, "%s's %s", pseudonym, field);
	while (out->len > 0 && out->data[out->len - 1] == '\0')
		out->len--;
	return REDRESS_OK;
}

enum redress_err
registry_data_key(struct store *store, const struct registry_keys *keys, const char *pseudonym,
                  struct seal_key **key_r, struct redress_error *err)
{
	char ad[REGISTRY_PSEUDONYM_MAX + 32];
	const char *sealed;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = pseudonym_check(pseudonym, NULL, err)) != REDRESS_OK)
		return rc;
	if ((st = registry_stmt(store, REGISTRY_Q_KEY_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	switch (store_read(st, registry_text_field, &sealed, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "%s has no data key: not registered, or erased",
		                 pseudonym);
	default: return err->code;
	}
	seal_ad(ad, sizeof(ad), pseudonym, "key");
	if (seal_unwrap(keys->master, sealed, ad, key_r, err) != REDRESS_OK)
		return error_prefix(err, "%s's data key (is this the fund's master key?)", pseudonym);
	return REDRESS_OK;
}

static void
canon_opt_string(struct canon *c, const char *key, const char *s)
{
	canon_key(c, key);
	if (s != NULL && s[0] != '\0')
		canon_string(c, s);
	else
		canon_null(c);
}

static enum redress_err
identity_encode(const struct registry_identity *id, struct buf *out, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_opt_string(&c, "address", id->address);
	canon_key(&c, "birth_date");
	canon_string(&c, id->birth_date);
	canon_key(&c, "name");
	canon_string(&c, id->name);
	canon_opt_string(&c, "national_id", id->national_id);
	canon_opt_string(&c, "phone", id->phone);
	canon_object_end(&c);
	return canon_error(&c, err);
}

static enum redress_err
identity_decode(const char *json, size_t len, struct registry_identity *id, struct redress_error *err)
{
	static const char *const keys[] = {"address", "birth_date", "name", "national_id", "phone", NULL};
	const char *address, *birth, *name, *nid, *phone;
	const struct canon_node *root;
	struct canon_doc doc;
	enum redress_err rc;

	canon_doc_init(&doc);
	memset(id, 0, sizeof(*id));
	if ((rc = canon_read(&doc, json, len, err)) != REDRESS_OK)
		goto out;
	root = canon_root(&doc);
	if ((rc = canon_only_keys(root, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(root, "address", &address, err)) != REDRESS_OK ||
	    (rc = canon_get_string(root, "birth_date", &birth, err)) != REDRESS_OK ||
	    (rc = canon_get_string(root, "name", &name, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(root, "national_id", &nid, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(root, "phone", &phone, err)) != REDRESS_OK)
		goto out;
	text_copy(id->address, sizeof(id->address), address);
	text_copy(id->birth_date, sizeof(id->birth_date), birth);
	text_copy(id->name, sizeof(id->name), name);
	text_copy(id->national_id, sizeof(id->national_id), nid);
	text_copy(id->phone, sizeof(id->phone), phone);
out:
	/* The document's text holds the identity in clear. */
	if (doc.text != NULL)
		explicit_bzero(doc.text, doc.text_cap);
	canon_doc_free(&doc);
	if (rc != REDRESS_OK)
		error_prefix(err, "identity");
	return rc;
}

/* Opens pseudonym's identity with key. */
static enum redress_err
identity_open(struct store *store, const struct seal_key *key, const char *pseudonym,
              struct registry_identity *id_r, struct redress_error *err)
{
	const char *sealed;
	struct store_stmt *st;
	struct buf plain;
	enum redress_err rc;

	if ((st = registry_stmt(store, REGISTRY_Q_IDENTITY_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	switch (store_read(st, registry_text_field, &sealed, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no person '%s'", pseudonym);
	default: return err->code;
	}
	buf_init(&plain, SEAL_PLAIN_MAX);
	if ((rc = open_field(key, pseudonym, "identity", sealed, &plain, err)) == REDRESS_OK)
		rc = identity_decode(plain.data, plain.len, id_r, err);
	buf_wipe(&plain);
	return rc;
}

static enum redress_err national_id_index_for(struct store *store, const struct registry_keys *keys,
                                              const char *national_id, const char *self,
                                              char index[SEAL_INDEX_TEXT_SIZE], struct redress_error *err);

/* The blind index of a national id, or "" for none; REDRESS_E_CONFLICT when someone not erased holds it. */
static enum redress_err
national_id_index(struct store *store, const struct registry_keys *keys, const char *national_id,
                  char index[SEAL_INDEX_TEXT_SIZE], struct redress_error *err)
{
	return national_id_index_for(store, keys, national_id, NULL, index, err);
}

/* As national_id_index, but self (or NULL) holding it is no conflict: a correction of her own. */
static enum redress_err
national_id_index_for(struct store *store, const struct registry_keys *keys, const char *national_id,
                      const char *self, char index[SEAL_INDEX_TEXT_SIZE], struct redress_error *err)
{
	char norm[REGISTRY_FIELD_MAX + 1], *value;
	const char *holder;
	size_t len;
	struct store_stmt *st;
	enum redress_err rc;

	index[0] = '\0';
	if (national_id[0] == '\0')
		return REDRESS_OK;
	if ((rc = registry_id_normalise(national_id, norm, err)) != REDRESS_OK)
		return rc;
	len = sizeof(BLIND_INDEX_DOMAIN) + strlen(norm);
	if ((value = malloc(len)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory indexing a national id");
	snprintf(value, len, "%s%s", BLIND_INDEX_DOMAIN, norm);
	seal_blind_index(keys->index, value, index);
	explicit_bzero(value, len);
	explicit_bzero(norm, sizeof(norm));
	free(value);
	if ((st = registry_stmt(store, REGISTRY_Q_INDEX_HOLDER, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, index);
	switch (store_read(st, registry_text_field, &holder, err)) {
	case STORE_ROW:
		if (self != NULL && strcmp(self, holder) == 0) {
			store_done(st);
			return REDRESS_OK;
		}
		return error_set(err, REDRESS_E_CONFLICT, "this national id is already registered to %s",
		                 holder);
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
}

enum redress_err
registry_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
             const struct registry_new_person *p, char pseudonym_r[REGISTRY_PSEUDONYM_MAX + 1],
             struct redress_error *err)
{
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1], index[SEAL_INDEX_TEXT_SIZE],
	    ad[REGISTRY_PSEUDONYM_MAX + 32];
	struct store *store = tlog_store(log);
	struct seal_key *key = NULL;
	struct buf plain, identity, wrapped, data;
	const char *field, *language;
	struct store_stmt *st;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = registry_new_person_check(p, &field, err)) != REDRESS_OK ||
	    (rc = national_id_index(store, keys, p->identity.national_id, index, err)) != REDRESS_OK ||
	    (rc = registry_next_pseudonym(store, tlog_module_state(log, &registry_module), p->kind, pseudonym,
	                                  err)) != REDRESS_OK)
		return rc;
	language = p->language[0] != '\0' ? p->language : "ko";
	buf_init(&plain, SEAL_PLAIN_MAX);
	buf_init(&identity, SEAL_PLAIN_MAX);
	buf_init(&wrapped, 1024);
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	/* A key of her own, wrapped under the master key and bound to her pseudonym. */
	seal_ad(ad, sizeof(ad), pseudonym, "key");
	if ((rc = seal_key_random(&key, err)) != REDRESS_OK ||
	    (rc = seal_wrap(keys->master, key, ad, &wrapped, err)) != REDRESS_OK)
		goto out;
	if ((rc = identity_encode(&p->identity, &plain, err)) != REDRESS_OK ||
	    (rc = seal_field(key, pseudonym, "identity", plain.data, plain.len, &identity, err)) !=
	        REDRESS_OK)
		goto out;

	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "birth_year");
	canon_int(&c, registry_date_year(p->identity.birth_date));
	canon_key(&c, "frailty");
	canon_int(&c, p->frailty);
	canon_opt_string(&c, "id_index", index);
	canon_key(&c, "identity");
	canon_string(&c, identity.data);
	canon_key(&c, "kind");
	canon_string(&c, registry_kind_name(p->kind));
	canon_key(&c, "language");
	canon_string(&c, language);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_opt_string(&c, "region", p->region);
	canon_object_end(&c);
	/* Her row by replay of the very bytes appended, as audit's replay writes it (tlog_append_apply). */
	if ((rc = canon_error(&c, err)) != REDRESS_OK ||
	    (rc = append_apply(log, REGISTRY_EV_REGISTERED, &data, NULL, err)) != REDRESS_OK)
		goto out;
	if ((st = registry_stmt(store, REGISTRY_Q_KEY_INSERT, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, pseudonym);
	store_bind_text(st, 2, wrapped.data);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		goto out;
	/* Findable by name, telephone and national id, in the same change: keyed hashes only. */
	if ((rc = registry_search_index_new(log, keys->index, pseudonym, &p->identity, err)) != REDRESS_OK)
		goto out;
	memcpy(pseudonym_r, pseudonym, sizeof(pseudonym));
out:
	seal_key_free(&key);
	buf_wipe(&plain);
	buf_free(&identity);
	buf_free(&wrapped);
	buf_free(&data);
	return rc;
}

enum redress_err
registry_reveal(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                const char *pseudonym, const char *reason, struct registry_identity *id_r,
                struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person p;
	struct seal_key *key = NULL;
	struct buf sealed, data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_REVEAL, err)) != REDRESS_OK ||
	    (rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if (reason != NULL && (rc = text_check("reason", reason, REGISTRY_TEXT_MAX, err)) != REDRESS_OK)
		return rc;
	if (p.status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_NOTFOUND, "%s was erased: the identity can no longer be read",
		                 pseudonym);
	if ((rc = registry_data_key(store, keys, pseudonym, &key, err)) != REDRESS_OK)
		return rc;
	buf_init(&sealed, SEAL_PLAIN_MAX);
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	if ((rc = identity_open(store, key, pseudonym, id_r, err)) != REDRESS_OK)
		goto out;
	if (reason != NULL &&
	    (rc = seal_field(key, pseudonym, "reason", reason, strlen(reason), &sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_opt_string(&c, "reason", sealed.data);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, REGISTRY_EV_REVEALED, &data, NULL, err);
out:
	if (rc != REDRESS_OK)
		explicit_bzero(id_r, sizeof(*id_r));
	seal_key_free(&key);
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}

enum redress_err
registry_death(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
               const char *pseudonym, const char *date, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_identity *id = NULL;
	struct registry_person p;
	struct seal_key *key = NULL;
	char today[11];
	struct buf data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = registry_date_check("date of death", date, err)) != REDRESS_OK ||
	    (rc = get_live(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	registry_today(today);
	if (strcmp(date, today) > 0)
		return error_set(err, REDRESS_E_INVALID, "date of death is in the future");
	if (p.status != REGISTRY_ALIVE)
		return error_set(err, REDRESS_E_CONFLICT, "%s is already recorded as deceased (on %s)",
		                 pseudonym, p.death_date);
	/* The birth date is sealed: open it to compare, and forget it. */
	if ((id = malloc(sizeof(*id))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	if ((rc = registry_data_key(store, keys, pseudonym, &key, err)) != REDRESS_OK ||
	    (rc = identity_open(store, key, pseudonym, id, err)) != REDRESS_OK)
		goto out;
	if (strcmp(date, id->birth_date) < 0) {
		rc = error_set(err, REDRESS_E_INVALID, "date of death is before %s's birth date", pseudonym);
		goto out;
	}
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "date");
	canon_string(&c, date);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, REGISTRY_EV_DIED, &data, NULL, err);
out:
	explicit_bzero(id, sizeof(*id));
	free(id);
	seal_key_free(&key);
	buf_free(&data);
	return rc;
}

enum redress_err
registry_erase(struct tlog *log, const struct actor *actor, const char *pseudonym, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person p;
	struct store_stmt *st;
	struct buf data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_ERASE, err)) != REDRESS_OK ||
	    (rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if (p.status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_CONFLICT, "%s was already erased", pseudonym);
	/* Her tokens may still wait to be written (registered in this change): written, then forgotten. */
	if ((rc = registry_search_flush(log, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK &&
	    (rc = append_apply(log, REGISTRY_EV_ERASED, &data, NULL, err)) == REDRESS_OK) {
		/* The crypto-shredding: without this row no sealed field of hers opens again. */
		if ((st = registry_stmt(store, REGISTRY_Q_KEY_DELETE, err)) == NULL)
			rc = err->code;
		else {
			store_bind_text(st, 1, pseudonym);
			rc = store_run(st, err);
		}
	}
	buf_free(&data);
	return rc;
}

enum redress_err
registry_relation_add(struct tlog *log, const struct actor *actor, const char *victim, const char *relative,
                      const char *relation, int64_t num, int64_t den, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person v, r;
	enum registry_kind kind;
	int64_t sum[2] = {0, 1};
	struct buf data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK)
		return rc;
	if ((rc = pseudonym_check(victim, &kind, err)) != REDRESS_OK)
		return error_prefix(err, "VICTIM");
	if (kind != REGISTRY_VICTIM)
		return error_set(err, REDRESS_E_INVALID,
		                 "%s is a relative's pseudonym; a victim's starts with V-", victim);
	if ((rc = pseudonym_check(relative, &kind, err)) != REDRESS_OK)
		return error_prefix(err, "RELATIVE");
	if (kind != REGISTRY_RELATIVE)
		return error_set(err, REDRESS_E_INVALID,
		                 "%s is a victim's pseudonym; a relative's starts with R-", relative);
	if ((rc = registry_relation_check(relation, err)) != REDRESS_OK)
		return rc;
	/* Reduced (0/1 + num/den), so that the same share is always written the same way. */
	if (num > 0 && den > 0 && (rc = registry_share_add(&sum[0], &sum[1], num, den, err)) == REDRESS_OK) {
		num = sum[0];
		den = sum[1];
		sum[0] = 0;
		sum[1] = 1;
	}
	if ((rc = registry_share_check(num, den, err)) != REDRESS_OK ||
	    (rc = get_live(store, victim, &v, err)) != REDRESS_OK ||
	    (rc = get_live(store, relative, &r, err)) != REDRESS_OK)
		return rc;
	/* The pair not yet recorded, and the shares not over 1: replay_relation checks both. */
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "den");
	canon_int(&c, den);
	canon_key(&c, "num");
	canon_int(&c, num);
	canon_key(&c, "relation");
	canon_string(&c, relation);
	canon_key(&c, "relative");
	canon_string(&c, relative);
	canon_key(&c, "victim");
	canon_string(&c, victim);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, REGISTRY_EV_RELATION, &data, NULL, err);
	buf_free(&data);
	return rc;
}

enum redress_err
registry_consent(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                 const char *pseudonym, const char *scope, int given, const char *method, const char *witness,
                 struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person p;
	struct seal_key *key = NULL;
	struct buf sealed_method, sealed_witness, data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_CONSENT_WRITE, err)) != REDRESS_OK ||
	    (rc = pseudonym_check(pseudonym, NULL, err)) != REDRESS_OK ||
	    (rc = registry_scope_check(scope, err)) != REDRESS_OK ||
	    (rc = text_check("method", method, REGISTRY_TEXT_MAX, err)) != REDRESS_OK ||
	    (witness != NULL &&
	     (rc = text_check("witness", witness, REGISTRY_TEXT_MAX, err)) != REDRESS_OK) ||
	    (rc = get_live(store, pseudonym, &p, err)) != REDRESS_OK ||
	    (rc = registry_data_key(store, keys, pseudonym, &key, err)) != REDRESS_OK)
		return rc;
	buf_init(&sealed_method, SEAL_PLAIN_MAX);
	buf_init(&sealed_witness, SEAL_PLAIN_MAX);
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	if ((rc = seal_field(key, pseudonym, "method", method, strlen(method), &sealed_method, err)) !=
	        REDRESS_OK ||
	    (witness != NULL && (rc = seal_field(key, pseudonym, "witness", witness, strlen(witness),
	                                         &sealed_witness, err)) != REDRESS_OK))
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "given");
	canon_bool(&c, given != 0);
	canon_key(&c, "method");
	canon_string(&c, sealed_method.data);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_key(&c, "scope");
	canon_string(&c, scope);
	canon_opt_string(&c, "witness", sealed_witness.data);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, REGISTRY_EV_CONSENT, &data, NULL, err);
out:
	seal_key_free(&key);
	buf_free(&sealed_method);
	buf_free(&sealed_witness);
	buf_free(&data);
	return rc;
}

enum redress_err
registry_consult(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                 const char *pseudonym, enum registry_wish wish, const char *summary,
                 struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person p;
	struct seal_key *key = NULL;
	struct buf sealed, data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_CONSENT_WRITE, err)) != REDRESS_OK ||
	    (rc = pseudonym_check(pseudonym, NULL, err)) != REDRESS_OK)
		return rc;
	if (wish != REGISTRY_WISH_ACCEPT && wish != REGISTRY_WISH_DECLINE && wish != REGISTRY_WISH_UNDECIDED)
		return error_set(err, REDRESS_E_INVALID,
		                 "a consultation records accept, decline or undecided");
	if ((summary != NULL &&
	     (rc = text_check("summary", summary, REGISTRY_TEXT_MAX, err)) != REDRESS_OK) ||
	    (rc = get_live(store, pseudonym, &p, err)) != REDRESS_OK ||
	    (rc = registry_data_key(store, keys, pseudonym, &key, err)) != REDRESS_OK)
		return rc;
	buf_init(&sealed, SEAL_PLAIN_MAX);
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	if (summary != NULL && (rc = seal_field(key, pseudonym, "summary", summary, strlen(summary), &sealed,
	                                        err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_opt_string(&c, "summary", sealed.data);
	canon_key(&c, "wish");
	canon_string(&c, registry_wish_name(wish));
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, REGISTRY_EV_CONSULT, &data, NULL, err);
out:
	seal_key_free(&key);
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}

struct reindex {
	struct store *store;
	const struct registry_keys *keys;
	uint64_t count;
};

/* One person re-indexed for search: her identity opened with her data key, cut into tokens. */
static enum redress_err
reindex_one(void *ctx, const struct registry_person *p, struct redress_error *err)
{
	struct reindex *r = ctx;
	struct registry_identity *id;
	struct seal_key *key = NULL;
	enum redress_err rc;

	if (p->status == REGISTRY_ERASED)
		return registry_search_forget(r->store, p->pseudonym, err);
	if ((id = calloc(1, sizeof(*id))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory re-indexing %s", p->pseudonym);
	if ((rc = registry_data_key(r->store, r->keys, p->pseudonym, &key, err)) == REDRESS_OK &&
	    (rc = identity_open(r->store, key, p->pseudonym, id, err)) == REDRESS_OK &&
	    (rc = registry_search_index(r->store, r->keys->index, p->pseudonym, id, err)) == REDRESS_OK)
		r->count++;
	explicit_bzero(id, sizeof(*id));
	free(id);
	seal_key_free(&key);
	return rc;
}

enum redress_err
registry_search_reindex(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                        uint64_t *count_r, struct redress_error *err)
{
	struct reindex r = {tlog_store(log), keys, 0};
	enum redress_err rc;

	*count_r = 0;
	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = registry_search_flush(log, err)) != REDRESS_OK ||
	    (rc = registry_each(r.store, -1, reindex_one, &r, err)) != REDRESS_OK)
		return rc;
	*count_r = r.count;
	return REDRESS_OK;
}

/* ---- For corrections (registry_change.c) and the modules that seal what concerns a person ---- */

enum redress_err
registry_append_apply_seq(struct tlog *log, const char *type, struct buf *data, uint64_t *seq_r,
                          struct redress_error *err)
{
	return append_apply(log, type, data, seq_r, err);
}

enum redress_err
registry_seal_text(const struct seal_key *key, const char *pseudonym, const char *field, const char *text,
                   struct buf *out, struct redress_error *err)
{
	return seal_field(key, pseudonym, field, text, strlen(text), out, err);
}

enum redress_err
registry_open_text(const struct seal_key *key, const char *pseudonym, const char *field, const char *sealed,
                   struct buf *out, struct redress_error *err)
{
	return open_field(key, pseudonym, field, sealed, out, err);
}

enum redress_err
registry_identity_seal(const struct seal_key *key, const char *pseudonym, const struct registry_identity *id,
                       struct buf *out, struct redress_error *err)
{
	struct buf plain;
	enum redress_err rc;

	buf_init(&plain, SEAL_PLAIN_MAX);
	if ((rc = identity_encode(id, &plain, err)) == REDRESS_OK)
		rc = seal_field(key, pseudonym, "identity", plain.data, plain.len, out, err);
	buf_wipe(&plain);
	return rc;
}

enum redress_err
registry_identity_unseal(const struct seal_key *key, const char *pseudonym, const char *sealed,
                         struct registry_identity *id_r, struct redress_error *err)
{
	struct buf plain;
	enum redress_err rc;

	buf_init(&plain, SEAL_PLAIN_MAX);
	if ((rc = open_field(key, pseudonym, "identity", sealed, &plain, err)) == REDRESS_OK)
		rc = identity_decode(plain.data, plain.len, id_r, err);
	buf_wipe(&plain);
	return rc;
}

enum redress_err
registry_id_index(struct store *store, const struct registry_keys *keys, const char *national_id,
                  const char *self, char index[SEAL_INDEX_TEXT_SIZE], struct redress_error *err)
{
	return national_id_index_for(store, keys, national_id, self, index, err);
}
