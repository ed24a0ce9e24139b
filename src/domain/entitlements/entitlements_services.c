/*
 * entitlements_services.c -- services in kind: a program's medical or
 * welfare support, recorded delivery by delivery by a caseworker (date and
 * provider), with no bank transfer.  Every record is a final row; a
 * service's state is its latest record's.  The event, its rules (shared
 * by the command, replay and audit's fold), the table and the reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/entitlements/entitlements_int.h"

/* ENTITLEMENTS_Q_SERVICE_LATEST's row: the latest state, cut to its field as before. */
struct service_latest {
	char state[16];
};

/* ENTITLEMENTS_Q_SERVICES_OF's row: the record, its state as text. */
struct service_row {
	struct entitlement_service s;
	const char *state;
};

/* ENTITLEMENTS_Q_SERVICE_COUNTS's row, its text borrowed. */
struct service_count {
	const char *service, *state;
	int64_t n;
};

static const char *const service_state_names[] = {
    [ENTITLEMENT_SERVICE_SCHEDULED] = "scheduled",
    [ENTITLEMENT_SERVICE_DELIVERED] = "delivered",
    [ENTITLEMENT_SERVICE_REFUSED] = "refused",
};

#define SERVICE_STATES (sizeof(service_state_names) / sizeof(service_state_names[0]))

const char *
entitlement_service_state_name(enum entitlement_service_state state)
{
	return (size_t)state < SERVICE_STATES ? service_state_names[state] : "?";
}

int
entitlement_service_state_parse(const char *text, enum entitlement_service_state *state_r)
{
	size_t i;

	for (i = 0; i < SERVICE_STATES; i++)
		if (strcmp(text, service_state_names[i]) == 0) {
			*state_r = (enum entitlement_service_state)i;
			return 1;
		}
	return 0;
}

/* The rule of a record after the latest (NULL: none): nothing follows a delivered or refused service. */
static enum redress_err
service_follows(const struct entitlement_service *s, const char *latest, struct redress_error *err)
{
	if (latest != NULL && strcmp(latest, "scheduled") != 0)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "service '%s' of claim %s is %s already: nothing follows that", s->service,
		                 s->claim, latest);
	return REDRESS_OK;
}

/* The fields every reader checks: the claim's id, the service's code, the date, the provider. */
static enum redress_err
service_fields(const struct entitlement_service *s, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = text_check_id("claim", s->claim, 16, "-", err)) != REDRESS_OK ||
	    (rc = text_check_id("service", s->service, 32, "._-", err)) != REDRESS_OK ||
	    (rc = registry_date_check("the service's date", s->on, err)) != REDRESS_OK ||
	    (rc = text_check("provider", s->provider, ENTITLEMENT_PROVIDER_MAX, err)) != REDRESS_OK)
		return rc;
	return REDRESS_OK;
}

static enum redress_err
encode_service(struct buf *out, const struct entitlement_service *s, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "claim");
	canon_string(&c, s->claim);
	canon_key(&c, "on");
	canon_string(&c, s->on);
	canon_key(&c, "provider");
	canon_string(&c, s->provider);
	canon_key(&c, "service");
	canon_string(&c, s->service);
	canon_key(&c, "state");
	canon_string(&c, entitlement_service_state_name(s->state));
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
entitlements_decode_service(const struct event *ev, struct entitlement_service *s, struct redress_error *err)
{
	static const char *const keys[] = {"claim", "on", "provider", "service", "state", NULL};
	char state[16];
	enum redress_err rc;

	memset(s, 0, sizeof(*s));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "claim", s->claim, sizeof(s->claim), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "service", s->service, sizeof(s->service), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "state", state, sizeof(state), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "on", s->on, sizeof(s->on), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "provider", s->provider, sizeof(s->provider), err)) !=
	        REDRESS_OK)
		return rc;
	if (!entitlement_service_state_parse(state, &s->state))
		return error_set(err, REDRESS_E_INVALID,
		                 "field 'state' is '%s', not scheduled, delivered or refused", state);
	s->seq = ev->seq;
	text_copy(s->actor, sizeof(s->actor), ev->actor);
	return service_fields(s, err);
}

enum redress_err
entitlements_apply_service(struct store *store, const struct entitlement_service *s,
                           struct redress_error *err)
{
	static const struct store_field latest_field[] = {STORE_FIELD_CUT(struct service_latest, state)};
	struct service_latest latest;
	struct store_stmt *st;
	enum redress_err rc;
	int found = 0;

	if ((st = store_statement(store, &entitlements_catalogue, ENTITLEMENTS_Q_SERVICE_LATEST, err)) ==
	    NULL)
		return err->code;
	store_bind_text(st, 1, s->claim);
	store_bind_text(st, 2, s->service);
	switch (store_read_one(st, latest_field, &latest, err)) {
	case STORE_ROW: found = 1; break;
	case STORE_DONE: break;
	default: return err->code;
	}
	if ((rc = service_follows(s, found ? latest.state : NULL, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &entitlements_catalogue, ENTITLEMENTS_Q_SERVICE_INSERT, err)) ==
	    NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)s->seq);
	store_bind_text(st, 2, s->claim);
	store_bind_text(st, 3, s->service);
	store_bind_text(st, 4, entitlement_service_state_name(s->state));
	store_bind_text(st, 5, s->on);
	store_bind_text(st, 6, s->provider);
	store_bind_text(st, 7, s->actor);
	return store_run(st, err);
}

/* The model's entry: its key ("CLAIM/SERVICE") and the latest state's name. */
struct latest_service {
	char key[17 + 33 + 1];
	const char *state;
};

enum redress_err
entitlements_fold_service(struct strmap *latest, const struct event *ev, struct audit_fold *fold,
                          struct redress_error *err)
{
	struct entitlement_service s;
	struct latest_service *l;
	char key[sizeof(l->key)];
	enum redress_err rc;

	if ((rc = entitlements_decode_service(ev, &s, err)) != REDRESS_OK)
		return rc;
	snprintf(key, sizeof(key), "%s/%s", s.claim, s.service);
	l = strmap_get(latest, key);
	if ((rc = service_follows(&s, l != NULL ? l->state : NULL, err)) != REDRESS_OK)
		return rc;
	if (l == NULL) {
		if ((l = calloc(1, sizeof(*l))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding services");
		memcpy(l->key, key, sizeof(key));
		if ((rc = strmap_put(latest, l->key, l, err)) != REDRESS_OK) {
			free(l);
			return rc;
		}
	}
	l->state = entitlement_service_state_name(s.state);
	{
		const struct audit_value row[] = {
		    AUDIT_INT_VALUE(s.seq),     AUDIT_TEXT_VALUE(s.claim), AUDIT_TEXT_VALUE(s.service),
		    AUDIT_TEXT_VALUE(l->state), AUDIT_TEXT_VALUE(s.on),    AUDIT_TEXT_VALUE(s.provider),
		    AUDIT_TEXT_VALUE(s.actor),
		};

		audit_fold_row(fold, 3, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

void
entitlements_fold_services_free(struct strmap *latest)
{
	size_t i;

	for (i = 0; i < latest->cap; i++)
		if (latest->slots[i].key != NULL)
			free(latest->slots[i].value);
	strmap_free(latest);
}

enum redress_err
entitlements_service_record(struct tlog *log, const struct actor *actor, const char *claim,
                            const char *service, enum entitlement_service_state state, const char *on,
                            const char *provider, struct redress_error *err)
{
	struct entitlement_service s;
	struct program *p = NULL;
	struct claim c;
	char today[11];
	struct buf data;
	size_t i;
	enum redress_err rc;

	memset(&s, 0, sizeof(s));
	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK)
		return rc;
	if (strlen(claim) >= sizeof(s.claim) || strlen(service) >= sizeof(s.service) ||
	    strlen(on) >= sizeof(s.on) || strlen(provider) >= sizeof(s.provider))
		return error_set(err, REDRESS_E_INVALID, "the claim, service, date or provider is too long");
	text_copy(s.claim, sizeof(s.claim), claim);
	text_copy(s.service, sizeof(s.service), service);
	text_copy(s.on, sizeof(s.on), on);
	text_copy(s.provider, sizeof(s.provider), provider);
	s.state = state;
	text_copy(s.actor, sizeof(s.actor), tlog_actor(log));
	if ((rc = service_fields(&s, err)) != REDRESS_OK)
		return rc;
	entitlements_today(today);
	if (strcmp(s.on, today) > 0 && state != ENTITLEMENT_SERVICE_SCHEDULED)
		return error_set(err, REDRESS_E_INVALID,
		                 "the service's date %s is in the future: only a scheduled one may be", s.on);
	if ((rc = claim_get(tlog_store(log), claim, &c, err)) != REDRESS_OK)
		return rc;
	if (c.state != CLAIM_APPROVED)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "claim %s is %s: services in kind follow an approved claim", c.id,
		                 claim_state_name(c.state));
	if ((p = malloc(sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = program_get(tlog_store(log), c.program, p, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < p->rules.nservices && strcmp(p->rules.services[i].code, service) != 0; i++)
		;
	if (i == p->rules.nservices) {
		rc = error_set(err, REDRESS_E_INVALID, "program '%s' gives no service '%s' in kind%s",
		               p->code, service, p->rules.nservices == 0 ? " (it gives none)" : "");
		goto out;
	}
	buf_init(&data, 1024);
	if ((rc = encode_service(&data, &s, err)) == REDRESS_OK)
		rc =
		    tlog_append_apply(log, &entitlements_module, ENTITLEMENTS_EV_SERVICE, &data, &s.seq, err);
	buf_free(&data);
out:
	free(p);
	return rc;
}

enum redress_err
entitlements_service_each(struct store *store, const char *claim,
                          enum redress_err (*fn)(void *ctx, const struct entitlement_service *s,
                                                 struct redress_error *err),
                          void *ctx, struct redress_error *err)
{
	static const struct store_field fields[] = {
	    STORE_FIELD(struct service_row, s.seq),         STORE_FIELD_CUT(struct service_row, s.claim),
	    STORE_FIELD_CUT(struct service_row, s.service), STORE_FIELD_TEXT(struct service_row, state),
	    STORE_FIELD_CUT(struct service_row, s.on),      STORE_FIELD_CUT(struct service_row, s.provider),
	    STORE_FIELD_CUT(struct service_row, s.actor),
	};
	struct service_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &entitlements_catalogue, ENTITLEMENTS_Q_SERVICES_OF, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, claim);
	memset(&row, 0, sizeof(row));
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW) {
		(void)entitlement_service_state_parse(row.state, &row.s.state);
		if ((rc = fn(ctx, &row.s, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
entitlements_service_counts(struct store *store, const char *program,
                            enum redress_err (*fn)(void *ctx, const char *service,
                                                   enum entitlement_service_state state, int64_t count,
                                                   struct redress_error *err),
                            void *ctx, struct redress_error *err)
{
	static const struct store_field fields[] = {STORE_FIELD_TEXT(struct service_count, service),
	                                            STORE_FIELD_TEXT(struct service_count, state),
	                                            STORE_FIELD(struct service_count, n)};
	enum entitlement_service_state state;
	struct service_count row;
	struct store_stmt *st;
	enum store_step_result step;
	enum redress_err rc;

	if ((st = store_statement(store, &entitlements_catalogue, ENTITLEMENTS_Q_SERVICE_COUNTS, err)) ==
	    NULL)
		return err->code;
	store_bind_text(st, 1, program);
	while ((step = store_read(st, fields, &row, err)) == STORE_ROW) {
		if (!entitlement_service_state_parse(row.state, &state)) {
			rc = error_set(err, REDRESS_E_TAMPERED,
			               "entitlements_services holds the state '%.32s'", row.state);
			store_done(st);
			return rc;
		}
		if ((rc = fn(ctx, row.service, state, row.n, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return step == STORE_DONE ? REDRESS_OK : err->code;
}
