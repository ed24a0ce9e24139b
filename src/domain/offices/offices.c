/*
 * offices.c -- offices' commands (an office added, an account put in one,
 * a person transferred) and the one rule of who sees whom: the actor's
 * scope (offices_scope_get) and whether it sees a person
 * (offices_scope_sees, offices_require).  Tables and events are in
 * offices_apply.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/mem.h"
#include "core/text.h"
#include "crypto/seal.h"
#include "domain/offices/offices_int.h"

static struct store_stmt *
stmt(struct store *store, unsigned id, struct redress_error *err)
{
	return store_statement(store, &offices_catalogue, id, err);
}

enum redress_err
offices_one_text(struct store_stmt *st, char *out, size_t size, int *found_r, struct redress_error *err)
{
	const struct store_field text_field[] = {{0, size, 0, STORE_CUT}};

	*found_r = 0;
	out[0] = '\0';
	switch (store_read_one(st, text_field, out, err)) {
	case STORE_ROW: *found_r = 1; return REDRESS_OK;
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
}

enum redress_err
offices_add(struct tlog *log, const struct actor *actor, const char *code, const char *name,
            const char *regions, struct redress_error *err)
{
	struct buf data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = offices_code_check(code, err)) != REDRESS_OK ||
	    (rc = text_check("an office's name (--name)", name, OFFICES_NAME_MAX, err)) != REDRESS_OK ||
	    (rc = offices_regions_each(regions, NULL, NULL, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, OFFICES_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "code");
	canon_string(&c, code);
	canon_key(&c, "name");
	canon_string(&c, name);
	canon_key(&c, "regions");
	canon_string(&c, regions);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = offices_append(log, OFFICES_EV_ADDED, &data, err);
	buf_free(&data);
	return rc;
}

enum redress_err
offices_each(struct store *store,
             enum redress_err (*fn)(void *ctx, const struct offices_office *o, struct redress_error *err),
             void *ctx, struct redress_error *err)
{
	static const struct store_field office_fields[] = {STORE_FIELD_CUT(struct offices_office, code),
	                                                   STORE_FIELD_CUT(struct offices_office, name),
	                                                   STORE_FIELD(struct offices_office, staff)};
	static const struct store_field region_field[] = {{0, sizeof(const char *), 0, STORE_BORROW}};
	struct offices_office *all = NULL, *grown, row;
	const char *region;
	struct store_stmt *st;
	size_t n = 0, cap = 0, i, len;
	enum store_step_result step;
	enum redress_err rc = REDRESS_OK;

	/* The offices first, then each one's regions: one statement at a time. */
	if ((st = stmt(store, OFFICES_Q_OFFICES, err)) == NULL)
		return err->code;
	memset(&row, 0, sizeof(row));
	while ((step = store_read(st, office_fields, &row, err)) == STORE_ROW) {
		if (n == cap) {
			size_t bytes;

			cap = cap == 0 ? 8 : cap * 2;
			if (__builtin_mul_overflow(cap, sizeof(*all), &bytes) ||
			    (grown = mem_realloc(all, bytes)) == NULL) {
				store_done(st);
				rc = error_set(err, REDRESS_E_NOMEM, "out of memory listing offices");
				goto out;
			}
			all = grown;
		}
		all[n++] = row;
	}
	if (step != STORE_DONE) {
		rc = err->code;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((st = stmt(store, OFFICES_Q_REGIONS_OF, err)) == NULL) {
			rc = err->code;
			goto out;
		}
		store_bind_text(st, 1, all[i].code);
		len = 0;
		while ((step = store_read(st, region_field, &region, err)) == STORE_ROW)
			len += (size_t)snprintf(all[i].regions + len, sizeof(all[i].regions) - len, "%s%s",
			                        len > 0 ? "," : "", region);
		if (step != STORE_DONE) {
			rc = err->code;
			goto out;
		}
	}
	for (i = 0; i < n && rc == REDRESS_OK; i++)
		rc = fn(ctx, &all[i], err);
out:
	free(all);
	return rc;
}

enum redress_err
offices_staff_get(struct store *store, const char *account, char office_r[OFFICES_CODE_MAX + 1],
                  struct redress_error *err)
{
	struct store_stmt *st;
	int found;

	if ((st = stmt(store, OFFICES_Q_STAFF_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	return offices_one_text(st, office_r, OFFICES_CODE_MAX + 1, &found, err);
}

enum redress_err
offices_staff_set(struct tlog *log, const struct actor *actor, const char *account, const char *office,
                  struct redress_error *err)
{
	struct store *store = tlog_store(log);
	char now[OFFICES_CODE_MAX + 1];
	struct users_account acct;
	struct buf data;
	struct canon c;
	enum redress_err rc;

	if (office != NULL && office[0] == '\0')
		office = NULL;
	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = users_name_check(account, err)) != REDRESS_OK ||
	    (office != NULL && (rc = offices_code_check(office, err)) != REDRESS_OK) ||
	    (rc = users_account_get(store, account, &acct, err)) != REDRESS_OK ||
	    (rc = offices_staff_get(store, account, now, err)) != REDRESS_OK)
		return rc;
	if (office != NULL && (rc = offices_office_require(store, office, err)) != REDRESS_OK)
		return rc;
	if (strcmp(now, office != NULL ? office : "") == 0)
		return error_set(err, REDRESS_E_CONFLICT,
		                 office != NULL ? "account '%s' is in office '%s' already"
		                                : "account '%s' is in no office already",
		                 account, office);
	buf_init(&data, OFFICES_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "account");
	canon_string(&c, account);
	canon_key(&c, "office");
	if (office != NULL)
		canon_string(&c, office);
	else
		canon_null(&c);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = offices_append(log, OFFICES_EV_STAFF, &data, err);
	buf_free(&data);
	return rc;
}

enum redress_err
offices_person_office(struct store *store, const char *pseudonym, char office_r[OFFICES_CODE_MAX + 1],
                      struct redress_error *err)
{
	struct store_stmt *st;
	int found;

	if ((st = stmt(store, OFFICES_Q_PERSON_OFFICE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	return offices_one_text(st, office_r, OFFICES_CODE_MAX + 1, &found, err);
}

enum redress_err
offices_scope_get(struct store *store, const struct actor *actor, struct offices_scope *scope_r,
                  struct redress_error *err)
{
	memset(scope_r, 0, sizeof(*scope_r));
	scope_r->across = 1;
	/* Only those who work on files are held to an office; the bootstrap is the keys' holder. */
	if (actor == NULL || actor->bootstrap ||
	    (actor->role != ROLE_CASEWORKER && actor->role != ROLE_REVIEWER))
		return REDRESS_OK;
	if (offices_staff_get(store, actor->name, scope_r->office, err) != REDRESS_OK)
		return err->code;
	scope_r->across = scope_r->office[0] == '\0';
	return REDRESS_OK;
}

int
offices_scope_sees(struct store *store, const struct offices_scope *scope, const char *pseudonym,
                   struct redress_error *err)
{
	char office[OFFICES_CODE_MAX + 1];

	if (scope->across)
		return 1;
	if (offices_person_office(store, pseudonym, office, err) != REDRESS_OK)
		return -1;
	return office[0] == '\0' || strcmp(office, scope->office) == 0;
}

enum redress_err
offices_require(struct store *store, const struct actor *actor, const char *pseudonym,
                struct redress_error *err)
{
	struct offices_scope scope;
	int sees;

	if (offices_scope_get(store, actor, &scope, err) != REDRESS_OK)
		return err->code;
	if ((sees = offices_scope_sees(store, &scope, pseudonym, err)) < 0)
		return err->code;
	if (sees)
		return REDRESS_OK;
	/* The registry's own words for a pseudonym never registered: nothing says she exists. */
	return error_set(err, REDRESS_E_NOTFOUND, "no person '%s' (see 'redress person list')", pseudonym);
}

enum redress_err
offices_require_ref(struct store *store, const struct actor *actor, enum offices_ref kind, const char *ref,
                    struct redress_error *err)
{
	static const struct {
		unsigned q;
		const char *what;
	} refs[] = {
	    [OFFICES_REF_CLAIM] = {OFFICES_Q_CLAIM_PERSON, "claim"},
	    [OFFICES_REF_NOTE] = {OFFICES_Q_NOTE_PERSON, "note"},
	    [OFFICES_REF_TASK] = {OFFICES_Q_TASK_PERSON, "task"},
	    [OFFICES_REF_GRIEVANCE] = {OFFICES_Q_GRIEVANCE_PERSON, "grievance"},
	    [OFFICES_REF_REFERRAL] = {OFFICES_Q_REFERRAL_PERSON, "referral"},
	    [OFFICES_REF_CHANGE] = {OFFICES_Q_CHANGE_PERSON, "proposed change"},
	};
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct offices_scope scope;
	struct store_stmt *st;
	long long n = 0;
	int found, sees;
	char *end;

	if ((size_t)kind >= sizeof(refs) / sizeof(refs[0]) || ref == NULL)
		return error_set(err, REDRESS_E_INTERNAL, "offices_require_ref: no such kind of reference");
	if (offices_scope_get(store, actor, &scope, err) != REDRESS_OK)
		return err->code;
	if (scope.across)
		return REDRESS_OK;
	if ((st = stmt(store, refs[kind].q, err)) == NULL)
		return err->code;
	if (kind == OFFICES_REF_CLAIM) {
		store_bind_text(st, 1, ref);
	} else {
		/* Not a number: the caller refuses it as before. */
		n = strtoll(ref, &end, 10);
		if (ref[0] < '0' || ref[0] > '9' || *end != '\0' || n <= 0) {
			store_done(st);
			return REDRESS_OK;
		}
		store_bind_int64(st, 1, n);
	}
	if (offices_one_text(st, pseudonym, sizeof(pseudonym), &found, err) != REDRESS_OK)
		return err->code;
	if (!found)
		return REDRESS_OK;
	if ((sees = offices_scope_sees(store, &scope, pseudonym, err)) < 0)
		return err->code;
	if (sees)
		return REDRESS_OK;
	if (kind == OFFICES_REF_CLAIM)
		return error_set(err, REDRESS_E_NOTFOUND, "no claim '%.32s' (see 'redress claim list')", ref);
	return error_set(err, REDRESS_E_NOTFOUND, "no %s %lld", refs[kind].what, n);
}

enum redress_err
offices_transfer(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                 const char *pseudonym, const char *office, const char *reason, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	char now[OFFICES_CODE_MAX + 1];
	struct seal_key *key = NULL;
	struct registry_person p;
	struct buf sealed, data;
	struct canon c;
	enum redress_err rc;

	buf_init(&sealed, SEAL_PLAIN_MAX);
	buf_init(&data, OFFICES_EVENT_DATA_MAX);
	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = offices_code_check(office, err)) != REDRESS_OK)
		goto out;
	if (reason == NULL || reason[0] == '\0') {
		rc = error_set(err, REDRESS_E_INVALID, "a transfer needs a reason (--reason): why she moves");
		goto out;
	}
	if ((rc = text_check("the reason", reason, OFFICES_REASON_MAX, err)) != REDRESS_OK ||
	    (rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK ||
	    (rc = offices_require(store, actor, pseudonym, err)) != REDRESS_OK)
		goto out;
	if (p.status == REGISTRY_ERASED) {
		rc = error_set(err, REDRESS_E_CONFLICT,
		               "%s was erased: nothing more can be recorded of this person", pseudonym);
		goto out;
	}
	if ((rc = offices_office_require(store, office, err)) != REDRESS_OK)
		goto out;
	if ((rc = offices_person_office(store, pseudonym, now, err)) != REDRESS_OK)
		goto out;
	if (strcmp(now, office) == 0) {
		rc = error_set(err, REDRESS_E_CONFLICT, "%s is of office '%s' already", pseudonym, office);
		goto out;
	}
	if ((rc = registry_data_key(store, keys, pseudonym, &key, err)) != REDRESS_OK ||
	    (rc = registry_seal_text(key, pseudonym, "transfer", reason, &sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "office");
	canon_string(&c, office);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_key(&c, "reason");
	canon_string(&c, sealed.data);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = offices_append(log, OFFICES_EV_TRANSFERRED, &data, err);
out:
	seal_key_free(&key);
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}
