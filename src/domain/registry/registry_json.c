/*
 * registry_json.c -- a person's file as JSON, identity aside: the one shape
 * `redress person ... --json` and the HTTP API give.  Only the fields kept
 * in clear (registry.h) can appear here; identity is never in this shape.
 */
#include <stdio.h>

#include "domain/registry/registry.h"

json_t *
registry_person_json(const struct registry_person *p)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:I}", "pseudonym", p->pseudonym, "kind",
	                      registry_kind_name(p->kind), "status", registry_status_name(p->status),
	                      "birth_year", p->birth_year, "language", p->language, "frailty", p->frailty,
	                      "registered_event", (json_int_t)p->registered_seq);

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "region", p->region[0] != '\0' ? json_string(p->region) : json_null());
	json_object_set_new(o, "death_date",
	                    p->death_date[0] != '\0' ? json_string(p->death_date) : json_null());
	return o;
}

json_t *
registry_identity_json(const struct registry_identity *id)
{
	json_t *o = json_pack("{s:s, s:s}", "name", id->name, "birth_date", id->birth_date);

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "national_id",
	                    id->national_id[0] ? json_string(id->national_id) : json_null());
	json_object_set_new(o, "phone", id->phone[0] ? json_string(id->phone) : json_null());
	json_object_set_new(o, "address", id->address[0] ? json_string(id->address) : json_null());
	return o;
}

static enum redress_err
file_consent(void *ctx, const char *scope, int given, uint64_t seq, struct redress_error *err)
{
	if (json_object_set_new(ctx, scope,
	                        json_pack("{s:b, s:I}", "given", given, "event", (json_int_t)seq)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading consents");
	return REDRESS_OK;
}

static enum redress_err
file_heir(void *ctx, const char *relative, int64_t num, int64_t den, struct redress_error *err)
{
	char share[48];

	snprintf(share, sizeof(share), "%lld/%lld", (long long)num, (long long)den);
	if (json_array_append_new(ctx, json_pack("{s:s, s:s}", "relative", relative, "share", share)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading heirs");
	return REDRESS_OK;
}

enum redress_err
registry_file_json(struct store *store, const char *pseudonym, struct registry_person *p_r, json_t **file_r,
                   struct redress_error *err)
{
	json_t *file = NULL, *consents = json_object(), *heirs = json_array();
	enum registry_wish wish;
	enum redress_err rc;

	*file_r = NULL;
	if (consents == NULL || heirs == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory reading a file");
		goto out;
	}
	if ((rc = registry_get(store, pseudonym, p_r, err)) != REDRESS_OK ||
	    (rc = registry_latest_wish(store, p_r->pseudonym, &wish, err)) != REDRESS_OK ||
	    (rc = registry_consents_each(store, p_r->pseudonym, file_consent, consents, err)) != REDRESS_OK)
		goto out;
	if (p_r->kind == REGISTRY_VICTIM &&
	    (rc = registry_heirs(store, p_r->pseudonym, file_heir, heirs, err)) != REDRESS_OK)
		goto out;
	if ((file = registry_person_json(p_r)) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory reading a file");
		goto out;
	}
	json_object_set_new(file, "wish", json_string(registry_wish_name(wish)));
	{
		json_t *v = json_array();
		unsigned mask;
		uint64_t seq;
		int i;

		if ((rc = registry_vulnerability_get(store, p_r->pseudonym, &mask, &seq, err)) !=
		    REDRESS_OK) {
			json_decref(file);
			goto out;
		}
		for (i = 0; v != NULL && i < REGISTRY_VULNS; i++)
			if (mask & (1u << i))
				json_array_append_new(v, json_string(registry_vulnerability_code(i)));
		/* Her vulnerability categories (codes), and the event that recorded them (null: never). */
		json_object_set_new(file, "vulnerability", v);
		json_object_set_new(file, "vulnerability_event",
		                    seq > 0 ? json_integer((json_int_t)seq) : json_null());
	}
	json_object_set(file, "consents", consents);
	json_object_set(file, "heirs", heirs);
	*file_r = file;
out:
	json_decref(consents);
	json_decref(heirs);
	return rc;
}
