/*
 * pledges_apply.c -- the pledges' events and tables: encoding, decoding,
 * applying (live and in audit's replay), the audit fold, and reads.  A
 * pledge's row changes with each receipt (what has been received, how many
 * receipts), so the fold holds pledges to the end; receipts are final when
 * their event is read.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/strmap.h"
#include "core/text.h"
#include "domain/pledges/pledges_int.h"
#include "log/audit.h"

static const char pledges_schema[] = "CREATE TABLE IF NOT EXISTS pledges_pledges ("
                                     " id TEXT PRIMARY KEY,"
                                     " program TEXT NOT NULL,"
                                     " donor TEXT NOT NULL,"
                                     " amount INTEGER NOT NULL CHECK (amount > 0),"
                                     " currency TEXT NOT NULL,"
                                     " condition TEXT,"
                                     " received INTEGER NOT NULL,"
                                     " receipts INTEGER NOT NULL,"
                                     " added_seq INTEGER NOT NULL,"
                                     " received_seq INTEGER);"
                                     "CREATE INDEX IF NOT EXISTS pledges_pledges_program ON pledges_pledges"
                                     " (program, id);"
                                     "CREATE TABLE IF NOT EXISTS pledges_receipts ("
                                     " id TEXT PRIMARY KEY,"
                                     " pledge TEXT NOT NULL,"
                                     " amount INTEGER NOT NULL,"
                                     " currency TEXT NOT NULL,"
                                     " to_amount INTEGER NOT NULL,"
                                     " to_currency TEXT NOT NULL,"
                                     " seq INTEGER NOT NULL);";

#define PLEDGE_COLUMNS                                                                                       \
	"id, program, donor, amount, currency, condition, received, receipts, added_seq, received_seq"
#define RECEIPT_COLUMNS "id, pledge, amount, currency, to_amount, to_currency, seq"

/* The module's statements, by id (enum pledges_statement in pledges_int.h). */
static const struct store_statement pledges_statements[PLEDGES_Q_COUNT] = {
    [PLEDGES_Q_GET] = {.name = "pledges.get",
                       .sql = "SELECT " PLEDGE_COLUMNS " FROM pledges_pledges WHERE id = ?1",
                       .columns = "tttittiiii"},
    [PLEDGES_Q_EACH] = {.name = "pledges.each",
                        .sql = "SELECT " PLEDGE_COLUMNS " FROM pledges_pledges"
                               " WHERE ?1 IS NULL OR program = ?1 ORDER BY"
                               " length(id), id",
                        .columns = "tttittiiii"},
    [PLEDGES_Q_PLEDGES_COUNT] = {.name = "pledges.count",
                                 .sql = "SELECT count(*) FROM pledges_pledges",
                                 .columns = "i"},
    [PLEDGES_Q_INSERT] = {.name = "pledges.insert",
                          .sql = "INSERT INTO pledges_pledges (" PLEDGE_COLUMNS
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, ?7, NULL)",
                          .columns = ""},
    [PLEDGES_Q_RECEIVED] =
        {.name = "pledges.received",
         .sql = "UPDATE pledges_pledges SET received = ?2, receipts = ?3, received_seq = ?4 WHERE id = ?1",
         .columns = ""},
    [PLEDGES_Q_RECEIPT_INSERT] = {.name = "pledges.receipt.insert",
                                  .sql = "INSERT INTO pledges_receipts (" RECEIPT_COLUMNS
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                  .columns = ""},
    [PLEDGES_Q_SNAPSHOT_PLEDGES] = {.name = "pledges_pledges",
                                    .sql = "SELECT " PLEDGE_COLUMNS " FROM pledges_pledges ORDER BY id",
                                    .columns = "tttittiiii"},
    [PLEDGES_Q_SNAPSHOT_RECEIPTS] = {.name = "pledges_receipts",
                                     .sql = "SELECT " RECEIPT_COLUMNS " FROM pledges_receipts ORDER BY id",
                                     .columns = "ttititi"},
};

const struct store_catalogue pledges_catalogue = {"pledges", pledges_statements,
                                                  STORE_COUNT(pledges_statements)};

/* A pledge as pledge_next reads it: the struct, and the column it does not keep. */
struct pledge_read {
	struct pledge p;
	int64_t received_seq;
};

#define FIELD(member) STORE_FIELD(struct pledge_read, member)

static const struct store_field pledge_fields[] = {
    FIELD(p.id),        FIELD(p.program),  FIELD(p.donor),    FIELD(p.amount),    FIELD(p.currency),
    FIELD(p.condition), FIELD(p.received), FIELD(p.receipts), FIELD(p.added_seq), FIELD(received_seq),
};

/* Steps st (PLEDGES_Q_GET or _EACH) and reads its row into *p, as store_read(). */
static enum store_step_result
pledge_next(struct store_stmt *st, struct pledge *p, struct redress_error *err)
{
	struct pledge_read r;
	enum store_step_result s;

	memset(&r, 0, sizeof(r));
	if ((s = store_read(st, pledge_fields, &r, err)) == STORE_ROW)
		*p = r.p;
	return s;
}

enum redress_err
pledges_check(const struct pledge *p, struct redress_error *err)
{
	enum redress_err rc;
	size_t len = strlen(p->id);

	if (len < 8 || strncmp(p->id, "P-", 2) != 0 || strspn(p->id + 2, "0123456789") != len - 2)
		return error_set(err, REDRESS_E_INVALID, "pledge id '%.20s' is not P- and digits", p->id);
	if ((rc = text_check_id("program", p->program, 64, "._-", err)) != REDRESS_OK ||
	    (rc = text_check("donor", p->donor, PLEDGE_DONOR_MAX, err)) != REDRESS_OK)
		return rc;
	if (p->condition[0] != '\0' &&
	    (rc = text_check("condition", p->condition, PLEDGE_CONDITION_MAX, err)) != REDRESS_OK)
		return rc;
	if (currency_find(p->currency, err) == NULL)
		return err->code;
	if (p->amount <= 0)
		return error_set(err, REDRESS_E_INVALID, "pledge %s: amount must be positive", p->id);
	return REDRESS_OK;
}

enum redress_err
pledges_encode_added(struct buf *out, const struct pledge *p, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "amount");
	canon_int(&c, p->amount);
	canon_key(&c, "condition");
	if (p->condition[0] != '\0')
		canon_string(&c, p->condition);
	else
		canon_null(&c);
	canon_key(&c, "currency");
	canon_string(&c, p->currency);
	canon_key(&c, "donor");
	canon_string(&c, p->donor);
	canon_key(&c, "id");
	canon_string(&c, p->id);
	canon_key(&c, "program");
	canon_string(&c, p->program);
	canon_object_end(&c);
	return canon_error(&c, err);
}

enum redress_err
pledges_encode_received(struct buf *out, const struct pledge_receipt *r, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "amount");
	canon_int(&c, r->amount);
	canon_key(&c, "currency");
	canon_string(&c, r->currency);
	canon_key(&c, "id");
	canon_string(&c, r->id);
	canon_key(&c, "pledge");
	canon_string(&c, r->pledge);
	canon_key(&c, "to_amount");
	canon_int(&c, r->to_amount);
	canon_key(&c, "to_currency");
	canon_string(&c, r->to_currency);
	canon_object_end(&c);
	return canon_error(&c, err);
}

static enum redress_err
decode_added(const struct event *ev, struct pledge *p, struct redress_error *err)
{
	static const char *const keys[] = {"amount", "condition", "currency", "donor", "id", "program", NULL};
	enum redress_err rc;

	memset(p, 0, sizeof(*p));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", p->id, sizeof(p->id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "program", p->program, sizeof(p->program), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "donor", p->donor, sizeof(p->donor), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", p->currency, sizeof(p->currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "condition", p->condition, sizeof(p->condition),
	                                    err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "amount", &p->amount, err)) != REDRESS_OK)
		return rc;
	p->added_seq = ev->seq;
	return pledges_check(p, err);
}

static enum redress_err
decode_received(const struct event *ev, struct pledge_receipt *r, struct redress_error *err)
{
	static const char *const keys[] = {"amount",    "currency",    "id", "pledge",
	                                   "to_amount", "to_currency", NULL};
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", r->id, sizeof(r->id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "pledge", r->pledge, sizeof(r->pledge), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", r->currency, sizeof(r->currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "to_currency", r->to_currency, sizeof(r->to_currency),
	                                err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "amount", &r->amount, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "to_amount", &r->to_amount, err)) != REDRESS_OK)
		return rc;
	if (r->amount <= 0 || r->to_amount <= 0)
		return error_set(err, REDRESS_E_INVALID, "receipt %s: amounts must be positive", r->id);
	if (currency_find(r->currency, err) == NULL || currency_find(r->to_currency, err) == NULL)
		return err->code;
	r->seq = ev->seq;
	return REDRESS_OK;
}

/*
 * What a receipt does to its pledge, checked: the currency is the pledge's,
 * the receipt is the next one, and the total never exceeds the pledge.
 */
static enum redress_err
receipt_onto(struct pledge *p, const struct pledge_receipt *r, struct redress_error *err)
{
	char want[PLEDGE_ID_MAX + 24];
	int64_t total;

	snprintf(want, sizeof(want), "%s.%llu", p->id, (unsigned long long)p->receipts + 1);
	if (strcmp(r->id, want) != 0)
		return error_set(err, REDRESS_E_CONFLICT, "receipt '%.40s' of pledge %s should be '%s'",
		                 r->id, p->id, want);
	if (strcmp(r->currency, p->currency) != 0)
		return error_set(err, REDRESS_E_INVALID, "receipt %s is in %s, its pledge in %s", r->id,
		                 r->currency, p->currency);
	if (__builtin_add_overflow(p->received, r->amount, &total) || total > p->amount)
		return error_set(err, REDRESS_E_REFUSED, "receipt %s takes pledge %s beyond its amount",
		                 r->id, p->id);
	p->received = total;
	p->receipts++;
	return REDRESS_OK;
}

enum redress_err
pledges_apply_added(struct store *store, const struct pledge *p, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &pledges_catalogue, PLEDGES_Q_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p->id);
	store_bind_text(st, 2, p->program);
	store_bind_text(st, 3, p->donor);
	store_bind_int64(st, 4, p->amount);
	store_bind_text(st, 5, p->currency);
	store_bind_text(st, 6, p->condition[0] != '\0' ? p->condition : NULL);
	store_bind_int64(st, 7, (int64_t)p->added_seq);
	return store_run(st, err);
}

enum redress_err
pledges_apply_received(struct store *store, const struct pledge_receipt *r, struct redress_error *err)
{
	struct store_stmt *st;
	struct pledge p;
	enum redress_err rc;

	if ((rc = pledge_get(store, r->pledge, &p, err)) != REDRESS_OK ||
	    (rc = receipt_onto(&p, r, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &pledges_catalogue, PLEDGES_Q_RECEIVED, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p.id);
	store_bind_int64(st, 2, p.received);
	store_bind_int64(st, 3, (int64_t)p.receipts);
	store_bind_int64(st, 4, (int64_t)r->seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &pledges_catalogue, PLEDGES_Q_RECEIPT_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, r->id);
	store_bind_text(st, 2, r->pledge);
	store_bind_int64(st, 3, r->amount);
	store_bind_text(st, 4, r->currency);
	store_bind_int64(st, 5, r->to_amount);
	store_bind_text(st, 6, r->to_currency);
	store_bind_int64(st, 7, (int64_t)r->seq);
	return store_run(st, err);
}

enum redress_err
pledge_get(struct store *store, const char *id, struct pledge *p_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &pledges_catalogue, PLEDGES_Q_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	switch (pledge_next(st, p_r, err)) {
	case STORE_ROW: store_done(st); return REDRESS_OK;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no pledge '%.40s' (see 'redress pledge list')",
		                 id);
	default: return err->code;
	}
}

enum redress_err
pledge_each(struct store *store, const char *program,
            enum redress_err (*fn)(void *ctx, const struct pledge *p, struct redress_error *err), void *ctx,
            struct redress_error *err)
{
	struct store_stmt *st;
	struct pledge p;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = store_statement(store, &pledges_catalogue, PLEDGES_Q_EACH, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	while ((r = pledge_next(st, &p, err)) == STORE_ROW) {
		if ((rc = fn(ctx, &p, err)) != REDRESS_OK)
			return rc;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
pledges_count(struct store *store, uint64_t *n_r, struct redress_error *err)
{
	static const struct store_field count_field[] = {STORE_FIELD_INT64_ROW};
	struct store_stmt *st;
	int64_t n;

	if ((st = store_statement(store, &pledges_catalogue, PLEDGES_Q_PLEDGES_COUNT, err)) == NULL)
		return err->code;
	if (store_read_one(st, count_field, &n, err) != STORE_ROW)
		return err->code;
	*n_r = (uint64_t)n;
	return REDRESS_OK;
}

static enum redress_err
pledges_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct pledge_receipt r;
	struct pledge p;
	enum redress_err rc;

	if (strcmp(ev->type, PLEDGES_EV_ADDED) == 0) {
		if ((rc = decode_added(ev, &p, err)) != REDRESS_OK)
			return rc;
		return pledges_apply_added(store, &p, err);
	}
	if (strcmp(ev->type, PLEDGES_EV_RECEIVED) == 0) {
		if ((rc = decode_received(ev, &r, err)) != REDRESS_OK)
			return rc;
		return pledges_apply_received(store, &r, err);
	}
	return error_set(err, REDRESS_E_INVALID, "unknown pledges event type '%.64s'", ev->type);
}

/* Audit's fast path: pledges held to the end (receipts change them), receipts hashed at once. */
struct held {
	struct pledge p;
	int64_t received_seq; /* -1: nothing received */
};

static void *
pledges_fold_begin(void)
{
	struct strmap *m = malloc(sizeof(*m));

	if (m != NULL)
		strmap_init(m);
	return m;
}

static enum redress_err
pledges_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct strmap *m = model;
	struct pledge_receipt r;
	struct held *h;
	enum redress_err rc;

	if (strcmp(ev->type, PLEDGES_EV_ADDED) == 0) {
		if ((h = calloc(1, sizeof(*h))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding pledges");
		if ((rc = decode_added(ev, &h->p, err)) != REDRESS_OK)
			goto fail;
		if (strmap_get(m, h->p.id) != NULL) {
			rc = error_set(err, REDRESS_E_CONFLICT, "pledge %s is added twice", h->p.id);
			goto fail;
		}
		h->received_seq = -1;
		if ((rc = strmap_put(m, h->p.id, h, err)) != REDRESS_OK)
			goto fail;
		return REDRESS_OK;
	fail:
		free(h);
		return rc;
	}
	if (strcmp(ev->type, PLEDGES_EV_RECEIVED) == 0) {
		if ((rc = decode_received(ev, &r, err)) != REDRESS_OK)
			return rc;
		if ((h = strmap_get(m, r.pledge)) == NULL)
			return error_set(err, REDRESS_E_NOTFOUND, "no pledge '%.40s'", r.pledge);
		if ((rc = receipt_onto(&h->p, &r, err)) != REDRESS_OK)
			return rc;
		h->received_seq = (int64_t)r.seq;
		{
			const struct audit_value row[] = {
			    AUDIT_TEXT_VALUE(r.id),       AUDIT_TEXT_VALUE(r.pledge),
			    AUDIT_INT_VALUE(r.amount),    AUDIT_TEXT_VALUE(r.currency),
			    AUDIT_INT_VALUE(r.to_amount), AUDIT_TEXT_VALUE(r.to_currency),
			    AUDIT_INT_VALUE(r.seq),
			};

			audit_fold_row(fold, 1, row, sizeof(row) / sizeof(row[0]));
		}
		return REDRESS_OK;
	}
	return error_set(err, REDRESS_E_INVALID, "unknown pledges event type '%.64s'", ev->type);
}

static void
pledges_fold_end(void *model, struct audit_fold *fold)
{
	struct strmap *m = model;
	size_t i;

	for (i = 0; i < m->cap; i++) {
		struct held *h = m->slots[i].value;

		if (m->slots[i].key == NULL)
			continue;
		if (fold != NULL) {
			const struct audit_value row[] = {
			    AUDIT_TEXT_VALUE(h->p.id),
			    AUDIT_TEXT_VALUE(h->p.program),
			    AUDIT_TEXT_VALUE(h->p.donor),
			    AUDIT_INT_VALUE(h->p.amount),
			    AUDIT_TEXT_VALUE(h->p.currency),
			    AUDIT_TEXT_OR_NULL_VALUE(h->p.condition),
			    AUDIT_INT_VALUE(h->p.received),
			    AUDIT_INT_VALUE(h->p.receipts),
			    AUDIT_INT_VALUE(h->p.added_seq),
			    h->received_seq >= 0 ? AUDIT_INT_VALUE(h->received_seq)
			                         : (struct audit_value){AUDIT_NULL, 0, NULL},
			};

			audit_fold_row(fold, 0, row, sizeof(row) / sizeof(row[0]));
		}
		free(h);
	}
	strmap_free(m);
	free(m);
}

static const unsigned pledges_snapshots[] = {PLEDGES_Q_SNAPSHOT_PLEDGES, PLEDGES_Q_SNAPSHOT_RECEIPTS};

const struct event_module pledges_module = {
    .name = "pledges",
    .type_prefix = "pledges.",
    .schema = pledges_schema,
    .catalogue = &pledges_catalogue,
    .snapshot_ids = pledges_snapshots,
    .nsnapshots = STORE_COUNT(pledges_snapshots),
    .replay = pledges_replay,
    .fold_begin = pledges_fold_begin,
    .fold = pledges_fold,
    .fold_end = pledges_fold_end,
};
