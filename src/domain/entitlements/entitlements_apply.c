/*
 * entitlements_apply.c -- the entitlements' events and table: encoding,
 * decoding, applying (live and in audit's replay), the audit fold, reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/strmap.h"
#include "core/text.h"
#include "domain/entitlements/entitlements_int.h"
#include "domain/programs/programs.h"
#include "log/audit.h"

static const char entitlements_schema[] =
    "CREATE TABLE IF NOT EXISTS entitlements ("
    " id TEXT PRIMARY KEY,"
    " claim TEXT NOT NULL,"
    " program TEXT NOT NULL,"
    " beneficiary TEXT NOT NULL,"
    " amount INTEGER NOT NULL CHECK (amount > 0),"
    " currency TEXT NOT NULL,"
    " basis TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " from_id TEXT,"
    " booked_seq INTEGER NOT NULL,"
    " changed_seq INTEGER,"
    " paid_on TEXT,"
    " return_reason TEXT,"
    " program_version INTEGER);"
    "CREATE INDEX IF NOT EXISTS entitlements_beneficiary ON entitlements (beneficiary, state);"
    "CREATE INDEX IF NOT EXISTS entitlements_program ON entitlements (program, state);"
    "CREATE INDEX IF NOT EXISTS entitlements_claim ON entitlements (claim);"
    /* An instalment's due date, beside its row (a schedule's entitlements only). */
    "CREATE TABLE IF NOT EXISTS entitlements_schedule ("
    " id TEXT PRIMARY KEY,"
    " due_on TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS entitlements_proofs ("
    " seq INTEGER PRIMARY KEY,"
    " person TEXT NOT NULL,"
    " proved_on TEXT NOT NULL,"
    " actor TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entitlements_proofs_person ON entitlements_proofs (person, proved_on);"
    /* Services in kind: each record final (scheduled, delivered, refused), the latest the state. */
    "CREATE TABLE IF NOT EXISTS entitlements_services ("
    " seq INTEGER PRIMARY KEY,"
    " claim TEXT NOT NULL,"
    " service TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " service_on TEXT NOT NULL,"
    " provider TEXT NOT NULL,"
    " actor TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entitlements_services_claim ON entitlements_services (claim, service, seq);"
    /* Other benefits a person receives, each record final, the latest the state. */
    "CREATE TABLE IF NOT EXISTS entitlements_benefits ("
    " seq INTEGER PRIMARY KEY,"
    " person TEXT NOT NULL,"
    " benefit TEXT NOT NULL,"
    " receives INTEGER NOT NULL,"
    " benefit_on TEXT NOT NULL,"
    " actor TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS entitlements_benefits_person ON entitlements_benefits (person, benefit, "
    "seq);";

#define COLUMNS                                                                                              \
	"id, claim, program, beneficiary, amount, currency, basis, state, from_id, booked_seq, changed_seq," \
	" paid_on, return_reason, program_version"

/* A row with its due date (instalments): what every read gives. */
#define READ_SELECT                                                                                          \
	"SELECT e.id, e.claim, e.program, e.beneficiary, e.amount, e.currency, e.basis, e.state, e.from_id," \
	" e.booked_seq, e.changed_seq, e.paid_on, e.return_reason, s.due_on, e.program_version"              \
	" FROM entitlements e LEFT JOIN entitlements_schedule s ON s.id = e.id"
#define READ_COLUMNS "ttttittttiittti"

static const struct store_statement entitlements_statements[] = {
    [ENTITLEMENTS_Q_INSERT] =
        {.name = "entitlements.insert",
         .sql = "INSERT INTO entitlements (" COLUMNS
                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL, NULL, NULL, ?11)",
         .columns = ""},
    [ENTITLEMENTS_Q_CHANGE] = {.name = "entitlements.change",
                               .sql = "UPDATE entitlements SET state = ?2, changed_seq = ?3, paid_on = ?4,"
                                      " return_reason = ?5 WHERE id = ?1",
                               .columns = ""},
    [ENTITLEMENTS_Q_GET] = {.name = "entitlements.get",
                            .sql = READ_SELECT " WHERE e.id = ?1",
                            .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_OF] = {.name = "entitlements.of",
                           .sql = READ_SELECT
                           " WHERE e.beneficiary = ?1"
                           " AND e.state IN ('queued', 'declined', 'returned', 'scheduled', 'held')"
                           " ORDER BY e.id",
                           .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_OF_PERSON] = {.name = "entitlements.of_person",
                                  .sql = READ_SELECT " WHERE e.beneficiary = ?1 ORDER BY e.booked_seq",
                                  .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_OF_CLAIM] = {.name = "entitlements.of_claim",
                                 .sql = READ_SELECT " WHERE e.claim = ?1 ORDER BY e.id",
                                 .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_QUEUED] = {.name = "entitlements.queued",
                               .sql =
                                   READ_SELECT " WHERE e.program = ?1 AND e.state IN ('queued', 'returned')",
                               .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_UNPAID_BENEFICIARIES] = {.name = "entitlements.unpaid_beneficiaries",
                                             .sql = "SELECT DISTINCT beneficiary FROM entitlements"
                                                    " WHERE program = ?1"
                                                    " AND state IN ('queued', 'declined', 'returned')",
                                             .columns = "t"},
    [ENTITLEMENTS_Q_DUE] = {.name = "entitlements.due",
                            .sql = READ_SELECT " WHERE e.program = ?1 AND e.state IN ('scheduled', 'held')"
                                               " AND s.due_on <= ?2 ORDER BY e.id",
                            .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_STATE_COUNTS] = {.name = "entitlements.state_counts",
                                     .sql = "SELECT state, count(*) FROM entitlements WHERE program = ?1"
                                            " GROUP BY state ORDER BY state",
                                     .columns = "ti"},
    [ENTITLEMENTS_Q_BENEFIT_INSERT] =
        {.name = "entitlements.benefit.insert",
         .sql = "INSERT INTO entitlements_benefits (seq, person, benefit, receives,"
                " benefit_on, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
         .columns = ""},
    [ENTITLEMENTS_Q_BENEFIT_LATEST] = {.name = "entitlements.benefit.latest",
                                       .sql = "SELECT receives FROM entitlements_benefits WHERE person = ?1"
                                              " AND benefit = ?2 ORDER BY seq DESC LIMIT 1",
                                       .columns = "i"},
    [ENTITLEMENTS_Q_IN_STATE] = {.name = "entitlements.in_state",
                                 .sql = READ_SELECT " WHERE e.state = ?1 ORDER BY e.id",
                                 .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_HELD] = {.name = "entitlements.held",
                             .sql = READ_SELECT " WHERE e.program = ?1 AND e.state = 'held'"
                                                " ORDER BY s.due_on, e.id",
                             .columns = READ_COLUMNS},
    [ENTITLEMENTS_Q_SCHEDULE_INSERT] = {.name = "entitlements.schedule.insert",
                                        .sql =
                                            "INSERT INTO entitlements_schedule (id, due_on) VALUES (?1, ?2)",
                                        .columns = ""},
    [ENTITLEMENTS_Q_PROOF_INSERT] = {.name = "entitlements.proof.insert",
                                     .sql = "INSERT INTO entitlements_proofs (seq, person, proved_on, actor)"
                                            " VALUES (?1, ?2, ?3, ?4)",
                                     .columns = ""},
    [ENTITLEMENTS_Q_PROOF_LATEST] = {.name = "entitlements.proof.latest",
                                     .sql = "SELECT proved_on FROM entitlements_proofs WHERE person = ?1"
                                            " ORDER BY proved_on DESC LIMIT 1",
                                     .columns = "t"},
    [ENTITLEMENTS_Q_SERVICE_INSERT] =
        {.name = "entitlements.service.insert",
         .sql = "INSERT INTO entitlements_services (seq, claim, service, state,"
                " service_on, provider, actor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
         .columns = ""},
    [ENTITLEMENTS_Q_SERVICE_LATEST] = {.name = "entitlements.service.latest",
                                       .sql = "SELECT state FROM entitlements_services WHERE claim = ?1"
                                              " AND service = ?2 ORDER BY seq DESC LIMIT 1",
                                       .columns = "t"},
    [ENTITLEMENTS_Q_SERVICES_OF] = {.name = "entitlements.services.of",
                                    .sql = "SELECT seq, claim, service, state, service_on, provider, actor"
                                           " FROM entitlements_services WHERE claim = ?1 ORDER BY seq",
                                    .columns = "ittttt"
                                               "t"},
    /* Each claim's service's latest record, counted by service and state, for the public report. */
    [ENTITLEMENTS_Q_SERVICE_COUNTS] = {.name = "entitlements.service.counts",
                                       .sql =
                                           "SELECT s.service, s.state, count(*) FROM entitlements_services s"
                                           " JOIN claims_claims c ON c.id = s.claim WHERE c.program = ?1"
                                           " AND s.seq = (SELECT max(t.seq) FROM entitlements_services t"
                                           " WHERE t.claim = s.claim AND t.service = s.service)"
                                           " GROUP BY s.service, s.state ORDER BY s.service, s.state",
                                       .columns = "tti",
                                       .reads = "claims"},
    [ENTITLEMENTS_Q_BENEFITS_OF] = {.name = "entitlements.benefits.of",
                                    .sql = "SELECT seq, person, benefit, receives, benefit_on, actor"
                                           " FROM entitlements_benefits WHERE person = ?1 ORDER BY seq",
                                    .columns = "ittitt"},
    /* Audit's snapshots: each table whole, by its key. */
    [ENTITLEMENTS_Q_SNAPSHOT] = {.name = "entitlements",
                                 .sql = "SELECT " COLUMNS " FROM entitlements ORDER BY id",
                                 .columns = "ttttittttiitti"},
    [ENTITLEMENTS_Q_SNAPSHOT_SCHEDULE] = {.name = "entitlements_schedule",
                                          .sql = "SELECT id, due_on FROM entitlements_schedule ORDER BY id",
                                          .columns = "tt"},
    [ENTITLEMENTS_Q_SNAPSHOT_PROOFS] = {.name = "entitlements_proofs",
                                        .sql = "SELECT seq, person, proved_on, actor FROM entitlements_proofs"
                                               " ORDER BY seq",
                                        .columns = "ittt"},
    [ENTITLEMENTS_Q_SNAPSHOT_SERVICES] = {.name = "entitlements_services",
                                          .sql =
                                              "SELECT seq, claim, service, state, service_on, provider, actor"
                                              " FROM entitlements_services ORDER BY seq",
                                          .columns = "itttttt"},
    [ENTITLEMENTS_Q_SNAPSHOT_BENEFITS] = {.name = "entitlements_benefits",
                                          .sql = "SELECT seq, person, benefit, receives, benefit_on, actor"
                                                 " FROM entitlements_benefits ORDER BY seq",
                                          .columns = "ittitt"},
};

const struct store_catalogue entitlements_catalogue = {"entitlements", entitlements_statements,
                                                       STORE_COUNT(entitlements_statements)};

static struct store_stmt *
stmt(struct store *store, enum entitlements_statement id, struct redress_error *err)
{
	return store_statement(store, &entitlements_catalogue, id, err);
}

/* An entitlement as READ_COLUMNS hold it: the struct, with its basis and state as text. */
struct entitlement_row {
	struct entitlement e;
	const char *basis, *state;
};

/* READ_COLUMNS, each text cut to its field as before; column 10 is not kept. */
static const struct store_field entitlement_fields[] = {
    STORE_FIELD_CUT(struct entitlement_row, e.id),
    STORE_FIELD_CUT(struct entitlement_row, e.claim),
    STORE_FIELD_CUT(struct entitlement_row, e.program),
    STORE_FIELD_CUT(struct entitlement_row, e.beneficiary),
    STORE_FIELD(struct entitlement_row, e.amount),
    STORE_FIELD_CUT(struct entitlement_row, e.currency),
    STORE_FIELD_TEXT(struct entitlement_row, basis),
    STORE_FIELD_TEXT(struct entitlement_row, state),
    STORE_FIELD_CUT(struct entitlement_row, e.from),
    STORE_FIELD(struct entitlement_row, e.booked_seq),
    STORE_SKIP,
    STORE_FIELD_CUT(struct entitlement_row, e.paid_on),
    STORE_FIELD_CUT(struct entitlement_row, e.return_reason),
    STORE_FIELD_CUT(struct entitlement_row, e.due_on),
    STORE_FIELD(struct entitlement_row, e.program_version), /* NULL (booked before schema 11): 0 */
};

/* Steps st (READ_COLUMNS) and reads its row into *e, as store_read(). */
static enum store_step_result
entitlement_next(struct store_stmt *st, struct entitlement *e, struct redress_error *err)
{
	struct entitlement_row row;
	enum store_step_result r;

	memset(&row, 0, sizeof(row));
	if ((r = store_read(st, entitlement_fields, &row, err)) != STORE_ROW)
		return r;
	*e = row.e;
	if (!entitlements_basis_parse(row.basis, &e->basis))
		e->basis =
		    ENTITLEMENT_SURVIVOR; /* unreachable for rows written here; audit names such a row */
	if (!entitlements_state_parse(row.state, &e->state))
		e->state = ENTITLEMENT_QUEUED;
	return STORE_ROW;
}

enum redress_err
entitlements_encode(struct buf *out, const struct entitlement *e, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "amount");
	canon_int(&c, e->amount);
	canon_key(&c, "basis");
	canon_string(&c, entitlement_basis_name(e->basis));
	canon_key(&c, "beneficiary");
	canon_string(&c, e->beneficiary);
	canon_key(&c, "claim");
	canon_string(&c, e->claim);
	canon_key(&c, "currency");
	canon_string(&c, e->currency);
	if (e->due_on[0] != '\0') {
		canon_key(&c, "due_on");
		canon_string(&c, e->due_on);
	}
	canon_key(&c, "from");
	if (e->from[0] != '\0')
		canon_string(&c, e->from);
	else
		canon_null(&c);
	canon_key(&c, "id");
	canon_string(&c, e->id);
	canon_key(&c, "program");
	canon_string(&c, e->program);
	if (e->program_version > 0) {
		canon_key(&c, "program_version");
		canon_int(&c, e->program_version);
	}
	canon_key(&c, "state");
	canon_string(&c, entitlement_state_name(e->state));
	canon_object_end(&c);
	return canon_error(&c, err);
}

static enum redress_err
decode_booked(const struct event *ev, struct entitlement *e, struct redress_error *err)
{
	/* Sorted, as canon_only_keys walks them. */
	static const char *const keys[] = {"amount",   "basis",           "beneficiary", "claim",
	                                   "currency", "due_on",          "from",        "id",
	                                   "program",  "program_version", "state",       NULL};
	const char *basis, *state;
	int64_t version = 0;
	enum redress_err rc;

	memset(e, 0, sizeof(*e));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "id", e->id, sizeof(e->id), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "claim", e->claim, sizeof(e->claim), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "program", e->program, sizeof(e->program), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "beneficiary", e->beneficiary, sizeof(e->beneficiary),
	                                err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", e->currency, sizeof(e->currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "from", e->from, sizeof(e->from), err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt_into(ev->data, "due_on", e->due_on, sizeof(e->due_on), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "amount", &e->amount, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "basis", &basis, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "state", &state, err)) != REDRESS_OK)
		return rc;
	/* Absent in events booked before versions were recorded. */
	if (canon_find(ev->data, "program_version") != NULL) {
		if ((rc = canon_get_int(ev->data, "program_version", &version, err)) != REDRESS_OK)
			return rc;
		if (version < 1 || version > INT32_MAX)
			return error_set(err, REDRESS_E_INVALID,
			                 "entitlement '%s': program_version %lld is not a version", e->id,
			                 (long long)version);
		e->program_version = (int)version;
	}
	/* A schedule's instalment is booked scheduled, with its due date; anything else queued or declined.
	 */
	if (!entitlements_basis_parse(basis, &e->basis) || !entitlements_state_parse(state, &e->state) ||
	    (e->due_on[0] == '\0' && e->state != ENTITLEMENT_QUEUED && e->state != ENTITLEMENT_DECLINED) ||
	    (e->due_on[0] != '\0' && e->state != ENTITLEMENT_SCHEDULED))
		return error_set(err, REDRESS_E_INVALID, "entitlement '%s' has an unknown basis or state",
		                 e->id);
	if (e->due_on[0] != '\0' && (rc = registry_date_check("due_on", e->due_on, err)) != REDRESS_OK)
		return rc;
	if (e->amount <= 0)
		return error_set(err, REDRESS_E_INVALID, "entitlement '%s' has a non-positive amount", e->id);
	if ((rc = text_check_id("entitlement id", e->id, ENTITLEMENT_ID_MAX, "-", err)) != REDRESS_OK)
		return rc;
	if (currency_find(e->currency, err) == NULL)
		return err->code;
	e->booked_seq = ev->seq;
	return REDRESS_OK;
}

/* A changed event: {"id", "paid_on"?, "reason"?, "state"}; paid_on only for paid, reason only for returned.
 */
struct changed {
	const char *id;
	enum entitlement_state to;
	const char *paid_on; /* NULL unless paid */
	const char *reason;  /* NULL unless returned */
};

static enum redress_err
decode_changed(const struct event *ev, struct changed *c, struct redress_error *err)
{
	static const char *const keys[] = {"id", "paid_on", "reason", "state", NULL};
	const char *state;
	enum redress_err rc;

	memset(c, 0, sizeof(*c));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "id", &c->id, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "state", &state, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(ev->data, "paid_on", &c->paid_on, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(ev->data, "reason", &c->reason, err)) != REDRESS_OK)
		return rc;
	if (!entitlements_state_parse(state, &c->to))
		return error_set(err, REDRESS_E_INVALID, "unknown entitlement state '%.32s'", state);
	if ((c->to == ENTITLEMENT_PAID) != (c->paid_on != NULL))
		return error_set(err, REDRESS_E_INVALID,
		                 "entitlement '%.64s': a paid date belongs to, and only to, the state paid",
		                 c->id);
	if (c->paid_on != NULL && (rc = registry_date_check("paid_on", c->paid_on, err)) != REDRESS_OK)
		return rc;
	if ((c->to == ENTITLEMENT_RETURNED) != (c->reason != NULL) ||
	    (c->reason != NULL && !entitlements_reason_ok(c->reason)))
		return error_set(
		    err, REDRESS_E_INVALID,
		    "entitlement '%.64s': a return reason belongs to, and only to, the state returned",
		    c->id);
	return REDRESS_OK;
}

int
entitlements_transition_ok(enum entitlement_state from, enum entitlement_state to)
{
	switch (to) {
	/* Released instalments follow the wish as queued ones do. */
	case ENTITLEMENT_QUEUED:
		return from == ENTITLEMENT_DECLINED || from == ENTITLEMENT_SCHEDULED ||
		       from == ENTITLEMENT_HELD;
	case ENTITLEMENT_DECLINED:
		return from == ENTITLEMENT_QUEUED || from == ENTITLEMENT_RETURNED ||
		       from == ENTITLEMENT_SCHEDULED || from == ENTITLEMENT_HELD;
	case ENTITLEMENT_MOVED:
		return from == ENTITLEMENT_QUEUED || from == ENTITLEMENT_DECLINED ||
		       from == ENTITLEMENT_RETURNED || from == ENTITLEMENT_HELD;
	case ENTITLEMENT_BATCHED: return from == ENTITLEMENT_QUEUED || from == ENTITLEMENT_RETURNED;
	case ENTITLEMENT_PAID: return from == ENTITLEMENT_BATCHED;
	/* Returned at the bank, before settlement or after it (a return the bank booked later). */
	case ENTITLEMENT_RETURNED: return from == ENTITLEMENT_BATCHED || from == ENTITLEMENT_PAID;
	case ENTITLEMENT_SCHEDULED: return 0; /* only booked so */
	case ENTITLEMENT_HELD: return from == ENTITLEMENT_SCHEDULED;
	case ENTITLEMENT_STOPPED:
		return from == ENTITLEMENT_SCHEDULED || from == ENTITLEMENT_HELD ||
		       from == ENTITLEMENT_QUEUED || from == ENTITLEMENT_DECLINED ||
		       from == ENTITLEMENT_RETURNED;
	}
	return 0;
}

int
entitlements_reason_ok(const char *reason)
{
	struct redress_error err;

	return text_check_chars("reason", reason, ENTITLEMENT_REASON_MAX, &err) == REDRESS_OK;
}

enum redress_err
entitlements_apply_booked(struct store *store, const struct entitlement *e, struct redress_error *err)
{
	struct store_stmt *st;

	enum redress_err rc;

	if ((st = stmt(store, ENTITLEMENTS_Q_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, e->id);
	store_bind_text(st, 2, e->claim);
	store_bind_text(st, 3, e->program);
	store_bind_text(st, 4, e->beneficiary);
	store_bind_int64(st, 5, e->amount);
	store_bind_text(st, 6, e->currency);
	store_bind_text(st, 7, entitlement_basis_name(e->basis));
	store_bind_text(st, 8, entitlement_state_name(e->state));
	store_bind_text(st, 9, e->from[0] != '\0' ? e->from : NULL);
	store_bind_int64(st, 10, (int64_t)e->booked_seq);
	if (e->program_version > 0)
		store_bind_int64(st, 11, e->program_version);
	if ((rc = store_run(st, err)) != REDRESS_OK || e->due_on[0] == '\0')
		return rc;
	if ((st = stmt(store, ENTITLEMENTS_Q_SCHEDULE_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, e->id);
	store_bind_text(st, 2, e->due_on);
	return store_run(st, err);
}

enum redress_err
entitlements_apply_changed(struct store *store, const char *id, enum entitlement_state to,
                           const char *paid_on, const char *reason, uint64_t seq, struct redress_error *err)
{
	struct entitlement e;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = entitlement_get(store, id, &e, err)) != REDRESS_OK)
		return rc;
	if (!entitlements_transition_ok(e.state, to))
		return error_set(err, REDRESS_E_CONFLICT, "entitlement '%s' is %s: it cannot become %s", id,
		                 entitlement_state_name(e.state), entitlement_state_name(to));
	if ((st = stmt(store, ENTITLEMENTS_Q_CHANGE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	store_bind_text(st, 2, entitlement_state_name(to));
	store_bind_int64(st, 3, (int64_t)seq);
	store_bind_text(st, 4, to == ENTITLEMENT_PAID ? paid_on : NULL);
	store_bind_text(st, 5, to == ENTITLEMENT_RETURNED ? reason : NULL);
	return store_run(st, err);
}

enum redress_err
entitlement_get(struct store *store, const char *id, struct entitlement *e_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, id);
	switch (entitlement_next(st, e_r, err)) {
	case STORE_ROW: return REDRESS_OK;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no entitlement '%.64s'", id);
	default: return err->code;
	}
}

/* Reads every row of st into a growing array. */
static enum redress_err
read_all(struct store_stmt *st, struct entitlement **items_r, size_t *n_r, struct redress_error *err)
{
	struct entitlement *items = NULL, *grown;
	struct entitlement e;
	size_t n = 0, cap = 0;
	enum store_step_result r;

	while ((r = entitlement_next(st, &e, err)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(items, cap * sizeof(*items))) == NULL) {
				store_done(st);
				free(items);
				return error_set(err, REDRESS_E_NOMEM, "out of memory reading entitlements");
			}
			items = grown;
		}
		items[n++] = e;
	}
	if (r == STORE_ERROR) {
		free(items);
		return err->code;
	}
	*items_r = items;
	*n_r = n;
	return REDRESS_OK;
}

enum redress_err
entitlements_of(struct store *store, const char *beneficiary, struct entitlement **items_r, size_t *n_r,
                struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_OF, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, beneficiary);
	return read_all(st, items_r, n_r, err);
}

enum redress_err
entitlements_of_person(struct store *store, const char *beneficiary, struct entitlement **items_r,
                       size_t *n_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_OF_PERSON, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, beneficiary);
	return read_all(st, items_r, n_r, err);
}

enum redress_err
entitlements_of_claim(struct store *store, const char *claim, struct entitlement **items_r, size_t *n_r,
                      struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_OF_CLAIM, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, claim);
	return read_all(st, items_r, n_r, err);
}

/* A row of one text column, borrowed; or of a text and a count. */
struct text_row {
	const char *text;
	int64_t n;
};

enum redress_err
entitlements_unpaid_beneficiaries(struct store *store, const char *program,
                                  enum redress_err (*fn)(void *ctx, const char *beneficiary,
                                                         struct redress_error *err),
                                  void *ctx, struct redress_error *err)
{
	static const struct store_field beneficiary_field[] = {STORE_FIELD_TEXT(struct text_row, text)};
	struct text_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	if ((st = stmt(store, ENTITLEMENTS_Q_UNPAID_BENEFICIARIES, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	while ((r = store_read(st, beneficiary_field, &row, err)) == STORE_ROW)
		if ((rc = fn(ctx, row.text, err)) != REDRESS_OK)
			return rc;
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* A queued entitlement with what orders it. */
struct queued {
	struct entitlement e;
	struct registry_person p;
	unsigned vulnerable; /* her vulnerability categories (registry.h), a mask */
};

/* The program's order: its priority keys (most frail first, oldest first), then booking. */
struct queue_keys {
	size_t n;
	enum program_priority key[PROGRAM_PRIORITY_MAX];
	int category[PROGRAM_PRIORITY_MAX]; /* PROGRAM_PRIORITY_VULNERABILITY's */
	int vulnerability;                  /* 1: a key needs the categories */
};

static int
queue_order(const void *a, const void *b, void *ctx)
{
	const struct queued *x = a, *y = b;
	const struct queue_keys *keys = ctx;
	size_t i;

	for (i = 0; i < keys->n; i++) {
		if (keys->key[i] == PROGRAM_PRIORITY_FRAILTY && x->p.frailty != y->p.frailty)
			return y->p.frailty - x->p.frailty; /* most frail first */
		if (keys->key[i] == PROGRAM_PRIORITY_AGE && x->p.birth_year != y->p.birth_year)
			return x->p.birth_year - y->p.birth_year; /* oldest first */
		if (keys->key[i] == PROGRAM_PRIORITY_VULNERABILITY) {
			int xv = (x->vulnerable >> keys->category[i]) & 1,
			    yv = (y->vulnerable >> keys->category[i]) & 1;

			if (xv != yv)
				return yv - xv; /* with the category first */
		}
	}
	return x->e.booked_seq < y->e.booked_seq ? -1 : x->e.booked_seq > y->e.booked_seq;
}

/* The program's priority keys; frailty then age when it gives none. */
static enum redress_err
queue_keys(struct store *store, const char *program, struct queue_keys *keys, struct redress_error *err)
{
	struct program *p;
	enum redress_err rc;

	memset(keys, 0, sizeof(*keys));
	keys->n = 2;
	keys->key[0] = PROGRAM_PRIORITY_FRAILTY;
	keys->key[1] = PROGRAM_PRIORITY_AGE;
	if ((p = malloc(sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = program_get(store, program, p, err)) == REDRESS_OK && p->rules.npriority > 0) {
		size_t i;

		keys->n = p->rules.npriority;
		memcpy(keys->key, p->rules.priority, sizeof(keys->key));
		memcpy(keys->category, p->rules.priority_vulnerability, sizeof(keys->category));
		for (i = 0; i < keys->n; i++)
			keys->vulnerability |= keys->key[i] == PROGRAM_PRIORITY_VULNERABILITY;
	}
	free(p);
	/* No such program has no queue either: the defaults order nothing. */
	return rc == REDRESS_E_NOTFOUND ? REDRESS_OK : rc;
}

enum redress_err
entitlements_queue(struct store *store, const char *program,
                   enum redress_err (*fn)(void *ctx, const struct entitlement *e,
                                          const struct registry_person *p, struct redress_error *err),
                   void *ctx, struct redress_error *err)
{
	struct entitlement *items = NULL;
	struct queue_keys keys;
	struct queued *q = NULL;
	struct store_stmt *st;
	enum redress_err rc;
	size_t n = 0, i;

	if ((rc = queue_keys(store, program, &keys, err)) != REDRESS_OK)
		return rc;
	if ((st = stmt(store, ENTITLEMENTS_Q_QUEUED, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	if ((rc = read_all(st, &items, &n, err)) != REDRESS_OK)
		return rc;
	if (n > 0 && (q = calloc(n, sizeof(*q))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory ordering the queue");
		goto out;
	}
	for (i = 0; i < n; i++) {
		q[i].e = items[i];
		if ((rc = registry_get(store, items[i].beneficiary, &q[i].p, err)) != REDRESS_OK ||
		    (keys.vulnerability &&
		     (rc = registry_vulnerability_get(store, items[i].beneficiary, &q[i].vulnerable, NULL,
		                                      err)) != REDRESS_OK))
			goto out;
	}
	if (n > 0)
		qsort_r(q, n, sizeof(*q), queue_order, &keys);
	for (i = 0; i < n; i++)
		if ((rc = fn(ctx, &q[i].e, &q[i].p, err)) != REDRESS_OK)
			goto out;
	rc = REDRESS_OK;
out:
	free(items);
	free(q);
	return rc;
}

/* A proof of life: {"on", "person"}. */
enum redress_err
entitlements_encode_proof(struct buf *out, const char *person, const char *on, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "on");
	canon_string(&c, on);
	canon_key(&c, "person");
	canon_string(&c, person);
	canon_object_end(&c);
	return canon_error(&c, err);
}

static enum redress_err
decode_proof(const struct event *ev, char person[REGISTRY_PSEUDONYM_MAX + 1], char on[11],
             struct redress_error *err)
{
	static const char *const keys[] = {"on", "person", NULL};
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "person", person, REGISTRY_PSEUDONYM_MAX + 1, err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "on", on, 11, err)) != REDRESS_OK ||
	    (rc = text_check_id("field 'person'", person, REGISTRY_PSEUDONYM_MAX, "-", err)) != REDRESS_OK)
		return rc;
	return registry_date_check("field 'on'", on, err);
}

enum redress_err
entitlements_apply_proof(struct store *store, const char *person, const char *on, const char *actor,
                         uint64_t seq, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_PROOF_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)seq);
	store_bind_text(st, 2, person);
	store_bind_text(st, 3, on);
	store_bind_text(st, 4, actor);
	return store_run(st, err);
}

/* ENTITLEMENTS_Q_PROOF_LATEST's row: a date, cut to YYYY-MM-DD's size as before. */
struct proof_on {
	char on[11];
};

enum redress_err
entitlements_latest_proof(struct store *store, const char *person, char on_r[11], struct redress_error *err)
{
	static const struct store_field on_field[] = {STORE_FIELD_CUT(struct proof_on, on)};
	struct proof_on row;
	struct store_stmt *st;

	on_r[0] = '\0';
	if ((st = stmt(store, ENTITLEMENTS_Q_PROOF_LATEST, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, person);
	switch (store_read_one(st, on_field, &row, err)) {
	case STORE_ROW: memcpy(on_r, row.on, sizeof(row.on)); return REDRESS_OK;
	case STORE_DONE: return REDRESS_OK;
	default: return err->code;
	}
}

enum redress_err
entitlements_due(struct store *store, const char *program, const char *today, struct entitlement **items_r,
                 size_t *n_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_DUE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	store_bind_text(st, 2, today);
	return read_all(st, items_r, n_r, err);
}

enum redress_err
entitlements_claim_paid(struct store *store, const char *claim, int64_t *paid_r, struct redress_error *err)
{
	struct entitlement *items = NULL;
	size_t n = 0, i;
	enum redress_err rc;

	*paid_r = 0;
	if ((rc = entitlements_of_claim(store, claim, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < n; i++)
		if (items[i].state == ENTITLEMENT_PAID &&
		    __builtin_add_overflow(*paid_r, items[i].amount, paid_r)) {
			rc = error_set(err, REDRESS_E_OVERFLOW, "claim '%s': what it paid is beyond 64 bits",
			               claim);
			break;
		}
	free(items);
	return rc;
}

enum redress_err
entitlements_count_by_state(struct store *store, const char *program, int64_t counts_r[ENTITLEMENT_STATES],
                            struct redress_error *err)
{
	static const struct store_field count_fields[] = {STORE_FIELD_TEXT(struct text_row, text),
	                                                  STORE_FIELD(struct text_row, n)};
	struct text_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum entitlement_state state;

	memset(counts_r, 0, ENTITLEMENT_STATES * sizeof(counts_r[0]));
	if ((st = stmt(store, ENTITLEMENTS_Q_STATE_COUNTS, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	while ((r = store_read(st, count_fields, &row, err)) == STORE_ROW)
		if (entitlements_state_parse(row.text, &state))
			counts_r[state] = row.n;
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
entitlements_in_state(struct store *store, enum entitlement_state state, struct entitlement **items_r,
                      size_t *n_r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_IN_STATE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, entitlement_state_name(state));
	return read_all(st, items_r, n_r, err);
}

enum redress_err
entitlements_held(struct store *store, const char *program, struct entitlement **items_r, size_t *n_r,
                  struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, ENTITLEMENTS_Q_HELD, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, program);
	return read_all(st, items_r, n_r, err);
}

static enum redress_err
entitlements_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct entitlement e;
	struct changed c;
	enum redress_err rc;

	if (strcmp(ev->type, ENTITLEMENTS_EV_PROOF) == 0) {
		char person[REGISTRY_PSEUDONYM_MAX + 1], on[11];

		if ((rc = decode_proof(ev, person, on, err)) != REDRESS_OK)
			return rc;
		return entitlements_apply_proof(store, person, on, ev->actor, ev->seq, err);
	}
	if (strcmp(ev->type, ENTITLEMENTS_EV_SERVICE) == 0) {
		struct entitlement_service sv;

		if ((rc = entitlements_decode_service(ev, &sv, err)) != REDRESS_OK)
			return rc;
		return entitlements_apply_service(store, &sv, err);
	}
	if (strcmp(ev->type, ENTITLEMENTS_EV_BENEFIT) == 0) {
		struct entitlement_benefit b;

		if ((rc = entitlements_decode_benefit(ev, &b, err)) != REDRESS_OK)
			return rc;
		return entitlements_apply_benefit(store, &b, err);
	}

	if (strcmp(ev->type, ENTITLEMENTS_EV_BOOKED) == 0) {
		if ((rc = decode_booked(ev, &e, err)) != REDRESS_OK)
			return rc;
		return entitlements_apply_booked(store, &e, err);
	}
	if (strcmp(ev->type, ENTITLEMENTS_EV_CHANGED) == 0) {
		if ((rc = decode_changed(ev, &c, err)) != REDRESS_OK)
			return rc;
		return entitlements_apply_changed(store, c.id, c.to, c.paid_on, c.reason, ev->seq, err);
	}
	return error_set(err, REDRESS_E_INVALID, "unknown entitlements event type '%.64s'", ev->type);
}

/* The audit fold: every entitlement may change state, so all are held until the end. */
struct model {
	struct strmap rows;     /* id -> struct held */
	struct strmap services; /* "CLAIM/SERVICE" -> its latest state's name (a constant) */
};

struct held {
	struct entitlement e;
	int64_t changed_seq; /* -1: never changed */
};

static void *
entitlements_fold_begin(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (m != NULL) {
		strmap_init(&m->rows);
		strmap_init(&m->services);
	}
	return m;
}

static enum redress_err
entitlements_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct model *m = model;
	struct held *h;
	struct changed c;
	enum redress_err rc;

	if (strcmp(ev->type, ENTITLEMENTS_EV_BOOKED) == 0) {
		if ((h = calloc(1, sizeof(*h))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding entitlements");
		if ((rc = decode_booked(ev, &h->e, err)) != REDRESS_OK ||
		    (rc = strmap_put(&m->rows, h->e.id, h, err)) != REDRESS_OK) {
			free(h);
			return rc;
		}
		h->changed_seq = -1;
		if (h->e.due_on[0] != '\0') {
			/* A due date never changes: its row is final now. */
			const struct audit_value row[] = {AUDIT_TEXT_VALUE(h->e.id),
			                                  AUDIT_TEXT_VALUE(h->e.due_on)};

			audit_fold_row(fold, 1, row, 2);
		}
		return REDRESS_OK;
	}
	if (strcmp(ev->type, ENTITLEMENTS_EV_SERVICE) == 0)
		return entitlements_fold_service(&m->services, ev, fold, err);
	if (strcmp(ev->type, ENTITLEMENTS_EV_BENEFIT) == 0)
		return entitlements_fold_benefit(ev, fold, err);
	if (strcmp(ev->type, ENTITLEMENTS_EV_PROOF) == 0) {
		char person[REGISTRY_PSEUDONYM_MAX + 1], on[11];

		if ((rc = decode_proof(ev, person, on, err)) != REDRESS_OK)
			return rc;
		{
			const struct audit_value row[] = {AUDIT_INT_VALUE(ev->seq), AUDIT_TEXT_VALUE(person),
			                                  AUDIT_TEXT_VALUE(on), AUDIT_TEXT_VALUE(ev->actor)};

			audit_fold_row(fold, 2, row, 4);
		}
		return REDRESS_OK;
	}
	if (strcmp(ev->type, ENTITLEMENTS_EV_CHANGED) == 0) {
		if ((rc = decode_changed(ev, &c, err)) != REDRESS_OK)
			return rc;
		if ((h = strmap_get(&m->rows, c.id)) == NULL)
			return error_set(err, REDRESS_E_NOTFOUND, "no entitlement '%.64s'", c.id);
		if (!entitlements_transition_ok(h->e.state, c.to))
			return error_set(err, REDRESS_E_CONFLICT, "entitlement '%s' cannot become %s", c.id,
			                 entitlement_state_name(c.to));
		h->e.state = c.to;
		h->changed_seq = (int64_t)ev->seq;
		text_copy(h->e.paid_on, sizeof(h->e.paid_on), c.paid_on != NULL ? c.paid_on : "");
		text_copy(h->e.return_reason, sizeof(h->e.return_reason), c.reason != NULL ? c.reason : "");
		return REDRESS_OK;
	}
	return error_set(err, REDRESS_E_INVALID, "unknown entitlements event type '%.64s'", ev->type);
}

static void
entitlements_fold_end(void *model, struct audit_fold *fold)
{
	struct model *m = model;
	size_t i;

	for (i = 0; i < m->rows.cap; i++) {
		struct held *h = m->rows.slots[i].value;

		if (m->rows.slots[i].key == NULL)
			continue;
		if (fold != NULL) {
			const struct audit_value row[] = {
			    AUDIT_TEXT_VALUE(h->e.id),
			    AUDIT_TEXT_VALUE(h->e.claim),
			    AUDIT_TEXT_VALUE(h->e.program),
			    AUDIT_TEXT_VALUE(h->e.beneficiary),
			    AUDIT_INT_VALUE(h->e.amount),
			    AUDIT_TEXT_VALUE(h->e.currency),
			    AUDIT_TEXT_VALUE(entitlement_basis_name(h->e.basis)),
			    AUDIT_TEXT_VALUE(entitlement_state_name(h->e.state)),
			    AUDIT_TEXT_OR_NULL_VALUE(h->e.from),
			    AUDIT_INT_VALUE(h->e.booked_seq),
			    h->changed_seq >= 0 ? AUDIT_INT_VALUE(h->changed_seq)
			                        : (struct audit_value){AUDIT_NULL, 0, NULL},
			    AUDIT_TEXT_OR_NULL_VALUE(h->e.paid_on),
			    AUDIT_TEXT_OR_NULL_VALUE(h->e.return_reason),
			    h->e.program_version > 0 ? AUDIT_INT_VALUE(h->e.program_version)
			                             : (struct audit_value){AUDIT_NULL, 0, NULL},
			};

			audit_fold_row(fold, 0, row, sizeof(row) / sizeof(row[0]));
		}
		free(h);
	}
	strmap_free(&m->rows);
	entitlements_fold_services_free(&m->services);
	free(m);
}

static const unsigned entitlements_snapshots[] = {
    ENTITLEMENTS_Q_SNAPSHOT, ENTITLEMENTS_Q_SNAPSHOT_SCHEDULE, ENTITLEMENTS_Q_SNAPSHOT_PROOFS,
    ENTITLEMENTS_Q_SNAPSHOT_SERVICES, ENTITLEMENTS_Q_SNAPSHOT_BENEFITS};

const struct event_module entitlements_module = {
    .name = "entitlements",
    .type_prefix = "entitlements.",
    .schema = entitlements_schema,
    .catalogue = &entitlements_catalogue,
    .snapshot_ids = entitlements_snapshots,
    .nsnapshots = STORE_COUNT(entitlements_snapshots),
    .replay = entitlements_replay,
    .fold_begin = entitlements_fold_begin,
    .fold = entitlements_fold,
    .fold_end = entitlements_fold_end,
};
