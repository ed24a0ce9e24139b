/*
 * api_persons.c -- /api/v1/persons and /api/v1/relations: the registry
 * over HTTP, with the command line's rules (domain/registry).
 *
 * The file a reader gets never holds identity; identity comes only from
 * POST .../reveal, which is a change (the event that says who read whose
 * file, when and why) and whose answer is never cached by anyone
 * (Cache-Control: no-store on every answer).  Request bodies that carry
 * identity are read into fixed fields and wiped with the request.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "domain/casework/casework.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements.h"
#include "http/api.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX     1000
#define NO_PERSON    "no person has that pseudonym"

/* ---- Reading ---------------------------------------------------------------- */

struct page {
	json_t *persons;
	uint64_t last;
	size_t count; /* rows read, those of other offices included: a full page may have a next */
	struct http_request *req;
	struct store *store;
};

static enum redress_err
page_one(void *ctx, const struct registry_person *p, struct redress_error *err)
{
	struct page *page = ctx;
	int sees;

	/* Only the people the account's office sees (domain/offices); a page may then hold fewer. */
	page->last = p->registered_seq;
	page->count++;
	if ((sees = http_sees(page->req, page->store, p->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (json_array_append_new(page->persons, registry_person_json(p)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing persons");
	return REDRESS_OK;
}

void
api_persons_list(struct http_request *req, struct http_response *res)
{
	struct page page = {NULL, 0, 0, req, NULL};
	struct redress_error err;
	enum registry_status status;
	const char *status_text = http_query(req, "status");
	uint64_t after = 0, limit = PAGE_DEFAULT;
	struct store *store;
	int filter = -1;

	if (api_query_u64(req, res, "after", 0, &after) < 0 ||
	    api_query_u64(req, res, "limit", 0, &limit) < 0)
		return;
	if (limit == 0 || limit > PAGE_MAX) {
		http_reply_error(res, 400, "invalid", "query parameter 'limit' must be 1 to %d", PAGE_MAX);
		return;
	}
	if (status_text != NULL) {
		if (registry_status_parse(status_text, &status, &err) != REDRESS_OK) {
			http_reply_error(res, 400, "invalid", "query parameter 'status': %s", err.message);
			return;
		}
		filter = (int)status;
	}
	if ((store = http_store(req, res)) == NULL)
		return;
	page.persons = json_array();
	page.store = store;
	if (registry_page(store, filter, after, (size_t)limit, page_one, &page, &err) != REDRESS_OK) {
		json_decref(page.persons);
		http_reply_fail(res, &err);
		return;
	}
	/* A full page may have a next one: "next" is where it starts. */
	http_reply_json(res, 200,
	                json_pack("{s:o, s:o}", "persons", page.persons, "next",
	                          page.count == limit ? json_integer((json_int_t)page.last) : json_null()));
}

void
api_persons_show(struct http_request *req, struct http_response *res)
{
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_person p;
	struct redress_error err;
	struct store *store;
	uint64_t merged;
	json_t *file;

	if ((store = http_store(req, res)) == NULL)
		return;
	if (registry_file_json(store, http_param(req, "pseudonym"), &p, &file, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	/* A person merged into another (domain/dups) says whom. */
	if (dups_merged_into(store, p.pseudonym, into, &merged, &err) != REDRESS_OK) {
		json_decref(file);
		http_reply_fail(res, &err);
		return;
	}
	if (into[0] != '\0') {
		json_object_set_new(file, "merged_into", json_string(into));
		json_object_set_new(file, "merged_event", json_integer((json_int_t)merged));
	}
	http_reply_json(res, 200, file);
}

/* ---- Registering ------------------------------------------------------------ */

struct add_arg {
	struct registry_new_person person;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
};

/* A suspected duplicate of the person just registered, for her answer: pseudonyms only. */
static enum redress_err
dup_one(void *ctx, const struct registry_dup_pair *pair, struct redress_error *err)
{
	struct dups_pair p;

	memset(&p, 0, sizeof(p));
	p.pair = *pair;
	return api_append(ctx, api_dup_pair_json(&p), err);
}

static enum redress_err
do_add(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct add_arg *a = arg;
	enum redress_err rc;
	json_t *dups;

	if ((rc = registry_add(c->log, c->actor, &c->keys, &a->person, a->pseudonym, err)) != REDRESS_OK)
		return rc;
	/* Registered all the same; the pairs she makes are named, to be decided (domain/dups). */
	if ((dups = json_array()) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory registering");
	if ((rc = registry_dup_candidates(tlog_store(c->log), a->pseudonym, dup_one, dups, err)) !=
	    REDRESS_OK) {
		json_decref(dups);
		return rc;
	}
	/* The writer wipes a->person once done: it may need it again (a group rolled back). */
	http_reply_json(res, 201,
	                json_pack("{s:s, s:o}", "pseudonym", a->pseudonym, "suspected_duplicates", dups));
	return REDRESS_OK;
}

void
api_persons_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"kind",    "name",   "birth_date", "national_id", "phone",
	                                     "address", "region", "language",   "frailty",     NULL};
	struct registry_identity *id;
	struct redress_error err;
	struct add_arg *a;
	char kind[16];
	int64_t frailty = 0;
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	id = &a->person.identity;
	ok = http_field_string(res, body, "kind", 1, kind, sizeof(kind)) >= 0 &&
	     http_field_string(res, body, "name", 1, id->name, sizeof(id->name)) >= 0 &&
	     http_field_string(res, body, "birth_date", 1, id->birth_date, sizeof(id->birth_date)) >= 0 &&
	     http_field_string(res, body, "national_id", 0, id->national_id, sizeof(id->national_id)) >= 0 &&
	     http_field_string(res, body, "phone", 0, id->phone, sizeof(id->phone)) >= 0 &&
	     http_field_string(res, body, "address", 0, id->address, sizeof(id->address)) >= 0 &&
	     http_field_string(res, body, "region", 0, a->person.region, sizeof(a->person.region)) >= 0 &&
	     http_field_string(res, body, "language", 0, a->person.language, sizeof(a->person.language)) >=
	         0 &&
	     http_field_int(res, body, "frailty", 0, 0, 3, &frailty) >= 0;
	if (ok && registry_kind_parse(kind, &a->person.kind, &err) != REDRESS_OK) {
		http_reply_error(res, 400, "invalid", "field 'kind': %s", err.message);
		ok = 0;
	}
	a->person.frailty = (int)frailty;
	api_form_end(req, body, ok, do_add, a, sizeof(*a));
}

/* ---- Reveal: identity, recorded ---------------------------------------------------- */

struct reveal_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char reason[REGISTRY_TEXT_MAX + 1];
};

static enum redress_err
do_reveal(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct reveal_arg *a = arg;
	struct registry_identity id;
	enum redress_err rc;

	c->personal = 1; /* her identity: a kept answer goes when anyone is erased */
	rc = registry_reveal(c->log, c->actor, &c->keys, a->pseudonym,
	                     a->reason[0] != '\0' ? a->reason : NULL, &id, err);
	if (rc == REDRESS_OK)
		http_reply_json(res, 200,
		                json_pack("{s:s, s:o}", "pseudonym", a->pseudonym, "identity",
		                          registry_identity_json(&id)));
	sodium_memzero(&id, sizeof(id));
	return rc;
}

/* Copies the {pseudonym} of the path, refusing what cannot be one. */
static int
pseudonym_param(struct http_request *req, struct http_response *res, char out[REGISTRY_PSEUDONYM_MAX + 1])
{
	return api_param_copy(req, res, "pseudonym", out, REGISTRY_PSEUDONYM_MAX + 1, NO_PERSON);
}

void
api_persons_reveal(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"reason", NULL};
	struct reveal_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 1, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             pseudonym_param(req, res, a->pseudonym) == 0 &&
	                 http_field_string(res, body, "reason", 0, a->reason, sizeof(a->reason)) >= 0,
	             do_reveal, a, sizeof(*a));
}

/* ---- Death and erasure -------------------------------------------------------- */

struct death_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char date[11];
};

static enum redress_err
do_death(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct death_arg *a = arg;
	uint64_t moved = 0;
	int unresolved = 0;
	enum redress_err rc;

	if ((rc = registry_death(c->log, c->actor, &c->keys, a->pseudonym, a->date, err)) != REDRESS_OK)
		return rc;
	/* In the same change: what she was owed and not yet paid passes to her heirs. */
	if ((rc = entitlements_on_death(c->log, c->actor, a->pseudonym, &moved, &unresolved, err)) !=
	    REDRESS_OK)
		return rc;
	http_reply_json(res, 200,
	                json_pack("{s:s, s:s, s:I, s:b}", "pseudonym", a->pseudonym, "death_date", a->date,
	                          "entitlements_moved", (json_int_t)moved, "unresolved", unresolved));
	return REDRESS_OK;
}

void
api_persons_death(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"date", NULL};
	struct death_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             pseudonym_param(req, res, a->pseudonym) == 0 &&
	                 http_field_string(res, body, "date", 1, a->date, sizeof(a->date)) >= 0,
	             do_death, a, sizeof(*a));
}

static enum redress_err
do_erase(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	const char *pseudonym = arg;
	enum redress_err rc;

	if ((rc = registry_erase(c->log, c->actor, pseudonym, err)) != REDRESS_OK ||
	    (rc = http_idempotency_forget_personal(c->store, err)) != REDRESS_OK)
		return rc;
	c->scrub = 1;
	http_reply_json(res, 200, json_pack("{s:s, s:s}", "pseudonym", pseudonym, "status", "erased"));
	return REDRESS_OK;
}

void
api_persons_erase(struct http_request *req, struct http_response *res)
{
	api_param_submit(req, res, "pseudonym", REGISTRY_PSEUDONYM_MAX, NO_PERSON, do_erase);
}

/* ---- Consent and consultations ---------------------------------------------------- */

struct consent_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char scope[REGISTRY_SCOPE_MAX + 1];
	char method[REGISTRY_TEXT_MAX + 1];
	char witness[REGISTRY_TEXT_MAX + 1];
	int given;
};

static enum redress_err
do_consent(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct consent_arg *a = arg;
	enum redress_err rc;

	rc = registry_consent(c->log, c->actor, &c->keys, a->pseudonym, a->scope, a->given, a->method,
	                      a->witness[0] != '\0' ? a->witness : NULL, err);
	if (rc == REDRESS_OK)
		http_reply_json(res, 200,
		                json_pack("{s:s, s:s, s:b}", "pseudonym", a->pseudonym, "scope", a->scope,
		                          "given", a->given));
	return rc;
}

void
api_persons_consent(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"scope", "given", "method", "witness", NULL};
	struct consent_arg *a;
	json_t *body;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	api_form_end(req, body,
	             pseudonym_param(req, res, a->pseudonym) == 0 &&
	                 http_field_string(res, body, "scope", 1, a->scope, sizeof(a->scope)) >= 0 &&
	                 http_field_bool(res, body, "given", 1, &a->given) >= 0 &&
	                 http_field_string(res, body, "method", 1, a->method, sizeof(a->method)) >= 0 &&
	                 http_field_string(res, body, "witness", 0, a->witness, sizeof(a->witness)) >= 0,
	             do_consent, a, sizeof(*a));
}

struct consult_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char summary[REGISTRY_TEXT_MAX + 1];
	enum registry_wish wish;
};

static enum redress_err
do_consult(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct consult_arg *a = arg;
	uint64_t task = 0;
	enum redress_err rc;

	/* An undecided wish makes a task to ask her again (domain/casework). */
	rc = casework_consult(c->log, c->actor, &c->keys, a->pseudonym, a->wish,
	                      a->summary[0] != '\0' ? a->summary : NULL, &task, err);
	if (rc == REDRESS_OK)
		http_reply_json(
		    res, 201,
		    json_pack("{s:s, s:s}", "pseudonym", a->pseudonym, "wish", registry_wish_name(a->wish)));
	return rc;
}

void
api_persons_consult(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"wish", "summary", NULL};
	struct redress_error err;
	struct consult_arg *a;
	char wish[16];
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = pseudonym_param(req, res, a->pseudonym) == 0 &&
	     http_field_string(res, body, "wish", 1, wish, sizeof(wish)) >= 0 &&
	     http_field_string(res, body, "summary", 0, a->summary, sizeof(a->summary)) >= 0;
	if (ok && registry_wish_parse(wish, &a->wish, &err) != REDRESS_OK) {
		http_reply_error(res, 400, "invalid", "field 'wish': %s", err.message);
		ok = 0;
	}
	api_form_end(req, body, ok, do_consult, a, sizeof(*a));
}

/* ---- Relations ------------------------------------------------------------------ */

struct relation_arg {
	char victim[REGISTRY_PSEUDONYM_MAX + 1];
	char relative[REGISTRY_PSEUDONYM_MAX + 1];
	char relation[64];
	int64_t num, den;
};

static enum redress_err
do_relation(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct relation_arg *a = arg;
	enum redress_err rc;
	char share[48];

	/* The two persons in the body, as a path's person (domain/offices): another office's is not found. */
	if ((rc = offices_require(c->store, c->actor, a->victim, err)) == REDRESS_OK &&
	    (rc = offices_require(c->store, c->actor, a->relative, err)) == REDRESS_OK)
		rc = registry_relation_add(c->log, c->actor, a->victim, a->relative, a->relation, a->num, a->den,
		                           err);
	if (rc != REDRESS_OK)
		return rc;
	snprintf(share, sizeof(share), "%lld/%lld", (long long)a->num, (long long)a->den);
	http_reply_json(res, 201,
	                json_pack("{s:s, s:s, s:s, s:s}", "victim", a->victim, "relative", a->relative,
	                          "relation", a->relation, "share", share));
	return REDRESS_OK;
}

void
api_relations_add(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"victim", "relative", "relation", "share", NULL};
	struct redress_error err;
	struct relation_arg *a;
	char share[32];
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = http_field_string(res, body, "victim", 1, a->victim, sizeof(a->victim)) >= 0 &&
	     http_field_string(res, body, "relative", 1, a->relative, sizeof(a->relative)) >= 0 &&
	     http_field_string(res, body, "relation", 1, a->relation, sizeof(a->relation)) >= 0 &&
	     http_field_string(res, body, "share", 1, share, sizeof(share)) >= 0;
	if (ok && registry_share_parse(share, &a->num, &a->den, &err) != REDRESS_OK) {
		http_reply_error(res, 400, "invalid", "field 'share': %s", err.message);
		ok = 0;
	}
	api_form_end(req, body, ok, do_relation, a, sizeof(*a));
}
