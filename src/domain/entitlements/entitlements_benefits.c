/*
 * entitlements_benefits.c -- another benefit a person receives, recorded
 * on her file by a caseworker (a state pension, another fund's monthly
 * payment), so that a program whose rules exclude people receiving it
 * ("exclusions": [{"receives": "state-pension"}]) leaves her out.  Each
 * record is a final row; the latest for a person and a benefit says
 * whether she receives it.  No money moves.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/entitlements/entitlements_int.h"

#define BENEFIT_EVENT_DATA_MAX 512

/* ENTITLEMENTS_Q_BENEFITS_OF's row: the record, with whether she receives it as read. */
struct benefit_row {
	struct entitlement_benefit b;
	bool receives;
};

static struct store_stmt *
stmt(struct store *store, enum entitlements_statement id, struct redress_error *err)
{
	return store_statement(store, &entitlements_catalogue, id, err);
}

/* {"benefit", "on", "person", "receives"} */
static enum redress_err
encode_benefit(struct buf *out, const struct entitlement_benefit *b, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "benefit");
	canon_string(&c, b->benefit);
	canon_key(&c, "on");
	canon_string(&c, b->on);
	canon_key(&c, "person");
	canon_string(&c, b->person);
	canon_key(&c, "receives");
	canon_bool(&c, b->receives);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
entitlements_decode_benefit(const struct event *ev, struct entitlement_benefit *b, struct redress_error *err)
{
	static const char *const keys[] = {"benefit", "on", "person", "receives", NULL};
	enum redress_err rc;

	memset(b, 0, sizeof(*b));
	b->seq = ev->seq;
	text_copy(b->actor, sizeof(b->actor), ev->actor);
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "benefit", b->benefit, sizeof(b->benefit), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "on", b->on, sizeof(b->on), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "person", b->person, sizeof(b->person), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_bool(ev->data, "receives", &b->receives, err)) != REDRESS_OK ||
	    (rc = text_check_id("field 'person'", b->person, REGISTRY_PSEUDONYM_MAX, "-", err)) !=
	        REDRESS_OK ||
	    (rc = text_check_id("field 'benefit'", b->benefit, PROGRAM_ITEM_CODE_MAX, "._-", err)) !=
	        REDRESS_OK)
		return rc;
	return registry_date_check("field 'on'", b->on, err);
}

enum redress_err
entitlements_apply_benefit(struct store *store, const struct entitlement_benefit *b,
                           struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_BENEFIT_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)b->seq);
	store_bind_text(st, 2, b->person);
	store_bind_text(st, 3, b->benefit);
	store_bind_int64(st, 4, b->receives);
	store_bind_text(st, 5, b->on);
	store_bind_text(st, 6, b->actor);
	return store_run(st, err);
}

enum redress_err
entitlements_fold_benefit(const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct entitlement_benefit b;
	enum redress_err rc;

	if ((rc = entitlements_decode_benefit(ev, &b, err)) != REDRESS_OK)
		return rc;
	{
		const struct audit_value row[] = {AUDIT_INT_VALUE(b.seq),      AUDIT_TEXT_VALUE(b.person),
		                                  AUDIT_TEXT_VALUE(b.benefit), AUDIT_INT_VALUE(b.receives),
		                                  AUDIT_TEXT_VALUE(b.on),      AUDIT_TEXT_VALUE(b.actor)};

		audit_fold_row(fold, 4, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

enum redress_err
entitlements_receives(struct store *store, const char *person, const char *benefit, int *receives_r,
                      struct redress_error *err)
{
	static const struct store_field receives_field[] = {STORE_FIELD_BOOL_ROW};
	struct store_stmt *st;
	bool receives;

	*receives_r = 0;
	if ((st = stmt(store, ENTITLEMENTS_Q_BENEFIT_LATEST, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, person);
	store_bind_text(st, 2, benefit);
	switch (store_read_one(st, receives_field, &receives, err)) {
	case STORE_ROW: *receives_r = receives; return REDRESS_OK;
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
}

enum redress_err
entitlements_benefit_record(struct tlog *log, const struct actor *actor, const char *person,
                            const char *benefit, int receives, const char *on, struct redress_error *err)
{
	struct entitlement_benefit b;
	struct registry_person who;
	char today[11];
	struct buf data;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = text_check_id("--benefit", benefit, PROGRAM_ITEM_CODE_MAX, "._-", err)) != REDRESS_OK ||
	    (rc = registry_date_check("the benefit's date", on, err)) != REDRESS_OK ||
	    (rc = registry_get(tlog_store(log), person, &who, err)) != REDRESS_OK)
		return rc;
	entitlements_today(today);
	if (strcmp(on, today) > 0)
		return error_set(err, REDRESS_E_INVALID, "the benefit's date %s is in the future", on);
	memset(&b, 0, sizeof(b));
	text_copy(b.person, sizeof(b.person), who.pseudonym);
	text_copy(b.benefit, sizeof(b.benefit), benefit);
	text_copy(b.on, sizeof(b.on), on);
	text_copy(b.actor, sizeof(b.actor), tlog_actor(log));
	b.receives = receives != 0;
	buf_init(&data, BENEFIT_EVENT_DATA_MAX);
	if ((rc = encode_benefit(&data, &b, err)) == REDRESS_OK)
		rc =
		    tlog_append_apply(log, &entitlements_module, ENTITLEMENTS_EV_BENEFIT, &data, &b.seq, err);
	buf_free(&data);
	return rc;
}

enum redress_err
entitlements_benefits_each(struct store *store, const char *person,
                           enum redress_err (*fn)(void *ctx, const struct entitlement_benefit *b,
                                                  struct redress_error *err),
                           void *ctx, struct redress_error *err)
{
	static const struct store_field fields[] = {
	    STORE_FIELD(struct benefit_row, b.seq),         STORE_FIELD_CUT(struct benefit_row, b.person),
	    STORE_FIELD_CUT(struct benefit_row, b.benefit), STORE_FIELD(struct benefit_row, receives),
	    STORE_FIELD_CUT(struct benefit_row, b.on),      STORE_FIELD_CUT(struct benefit_row, b.actor),
	};
	struct benefit_row row;
	struct store_stmt *st;
	enum store_step_result step;
	enum redress_err rc;

	if ((st = stmt(store, ENTITLEMENTS_Q_BENEFITS_OF, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, person);
	memset(&row, 0, sizeof(row));
	while ((step = store_read(st, fields, &row, err)) == STORE_ROW) {
		row.b.receives = row.receives;
		if ((rc = fn(ctx, &row.b, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return step == STORE_DONE ? REDRESS_OK : err->code;
}
