/*
 * reports_apply.c -- a report's body as canonical JSON (the data of the
 * event "reports.report.published"), publishing it on the log with its
 * inclusion proof, and the module's table: one row per published report
 * (program, k, the tree size it was computed at, the SHA-256 of its body),
 * so that audit checks the record of what was published like any other.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "domain/reports/reports.h"
#include "domain/reports/reports_int.h"
#include "log/audit.h"
#include "log/checkpoint.h"

static const char reports_schema[] = "CREATE TABLE IF NOT EXISTS reports_published ("
                                     " seq INTEGER PRIMARY KEY,"
                                     " program TEXT NOT NULL,"
                                     " k INTEGER NOT NULL,"
                                     " computed_at INTEGER NOT NULL,"
                                     " sha256 TEXT NOT NULL,"
                                     " actor TEXT NOT NULL);";

#define REPORT_COLUMNS "seq, program, k, computed_at, sha256, actor"

/* The module's statements, by id (enum reports_statement in reports_int.h). */
static const struct store_statement reports_statements[REPORTS_Q_COUNT] = {
    [REPORTS_Q_REGISTERED] = {.name = "reports.registered",
                              .sql = "SELECT count(*) FROM registry_persons",
                              .columns = "i",
                              .reads = "registry"},
    [REPORTS_Q_REACHED] = {.name = "reports.reached",
                           .sql = "SELECT count(DISTINCT pseudonym) FROM registry_consultations",
                           .columns = "i",
                           .reads = "registry"},
    [REPORTS_Q_DECLINED] =
        {.name = "reports.declined",
         .sql = "SELECT count(*) FROM registry_persons p WHERE (SELECT c.wish FROM registry_consultations c"
                " WHERE c.pseudonym = p.pseudonym ORDER BY c.seq DESC LIMIT 1) = 'decline'",
         .columns = "i",
         .reads = "registry"},
    /* Everyone registered, by region and birth year: the cells small-cell withholding counts. */
    [REPORTS_Q_CELLS] = {.name = "reports.cells",
                         .sql = "SELECT coalesce(region, ''), birth_year, count(*) FROM registry_persons"
                                " GROUP BY coalesce(region, ''), birth_year",
                         .columns = "tii",
                         .reads = "registry"},
    [REPORTS_Q_CONSENTED] =
        {.name = "reports.consented",
         .sql = "SELECT p.region, p.birth_year,"
                " EXISTS (SELECT 1 FROM registry_consultations c WHERE c.pseudonym = p.pseudonym),"
                " x.beneficiary IS NOT NULL"
                " FROM registry_persons p LEFT JOIN (SELECT DISTINCT beneficiary FROM entitlements"
                "  WHERE program = ?1 AND state = 'paid') x ON x.beneficiary = p.pseudonym"
                " WHERE (SELECT s.given FROM registry_consents s WHERE s.pseudonym = p.pseudonym"
                " AND s.scope = 'statistics' ORDER BY s.seq DESC LIMIT 1) = 1",
         .columns = "tiii",
         .reads = "registry entitlements"},
    [REPORTS_Q_APPROVED] =
        {.name = "reports.approved",
         .sql = "SELECT count(*) FROM claims_claims WHERE program = ?1 AND state = 'approved'",
         .columns = "i",
         .reads = "claims"},
    [REPORTS_Q_PAID_PEOPLE] =
        {.name = "reports.paid_people",
         .sql = "SELECT count(DISTINCT beneficiary) FROM entitlements WHERE program = ?1 AND state = 'paid'",
         .columns = "i",
         .reads = "entitlements"},
    [REPORTS_Q_WAITING] = {.name = "reports.waiting",
                           .sql = "SELECT count(DISTINCT beneficiary) FROM entitlements WHERE"
                                  " program = ?1 AND state IN ('queued', 'batched', 'returned')",
                           .columns = "i",
                           .reads = "entitlements"},
    [REPORTS_Q_AMOUNTS] = {.name = "reports.amounts",
                           .sql = "SELECT state, amount FROM entitlements WHERE program = ?1"
                                  " AND state IN ('paid', 'queued', 'batched', 'returned')",
                           .columns = "ti",
                           .reads = "entitlements"},
    [REPORTS_Q_DEATHS] = {.name = "reports.deaths",
                          .sql = "SELECT count(*) FROM (SELECT beneficiary, max(CASE WHEN state = 'paid' "
                                 "THEN 1 ELSE 0 END) AS paid"
                                 " FROM entitlements WHERE program = ?1 GROUP BY beneficiary) x"
                                 " JOIN registry_persons p ON p.pseudonym = x.beneficiary WHERE x.paid = 0 "
                                 "AND p.death_seq IS NOT NULL",
                          .columns = "i",
                          .reads = "entitlements registry"},
    [REPORTS_Q_DAYS] =
        {.name = "reports.days",
         .sql = "SELECT min(e.paid_on), min(p.registered_seq) FROM entitlements e JOIN registry_persons p"
                " ON p.pseudonym = e.beneficiary WHERE e.program = ?1 AND e.state = 'paid'"
                " GROUP BY e.beneficiary",
         .columns = "ti",
         .reads = "entitlements registry"},
    [REPORTS_Q_MONTHS] = {.name = "reports.months",
                          .sql = "SELECT substr(paid_on, 1, 7), amount FROM entitlements"
                                 " WHERE program = ?1 AND state = 'paid' ORDER BY paid_on",
                          .columns = "ti",
                          .reads = "entitlements"},
    [REPORTS_Q_PLEDGED] = {.name = "reports.pledged",
                           .sql = "SELECT currency, amount, received FROM pledges_pledges WHERE program = ?1",
                           .columns = "tii",
                           .reads = "pledges"},
    [REPORTS_Q_APPLIED] = {.name = "reports.applied",
                           .sql = "SELECT count(*) FROM claims_claims WHERE program = ?1",
                           .columns = "i",
                           .reads = "claims"},
    [REPORTS_Q_APPEALS] = {.name = "reports.appeals",
                           .sql = "SELECT d.action, count(*) FROM claims_decisions d JOIN claims_claims c"
                                  " ON c.id = d.claim WHERE c.program = ?1"
                                  " AND d.action IN ('appealed', 'upheld', 'overturned') GROUP BY d.action",
                           .columns = "ti",
                           .reads = "claims"},
    [REPORTS_Q_GRIEVANCES] = {.name = "reports.grievances",
                              .sql = "SELECT (SELECT count(*) FROM casework_grievances),"
                                     " (SELECT count(*) FROM casework_grievances_resolved)",
                              .columns = "ii",
                              .reads = "casework"},
    [REPORTS_Q_GRIEVANCES_OPEN] = {.name = "reports.grievances.open",
                                   .sql = "SELECT substr(g.at, 1, 10) FROM casework_grievances g"
                                          " WHERE NOT EXISTS (SELECT 1 FROM casework_grievances_resolved r"
                                          " WHERE r.grievance = g.seq)",
                                   .columns = "t",
                                   .reads = "casework"},
    [REPORTS_Q_INSERT] = {.name = "reports.insert",
                          .sql = "INSERT INTO reports_published (" REPORT_COLUMNS
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                          .columns = ""},
    [REPORTS_Q_SNAPSHOT] = {.name = "reports_published",
                            .sql = "SELECT " REPORT_COLUMNS " FROM reports_published ORDER BY seq",
                            .columns = "itiitt"},
    [REPORTS_Q_LATEST] = {.name = "reports.latest",
                          .sql = "SELECT seq FROM reports_published WHERE program = ?1"
                                 " ORDER BY seq DESC LIMIT 1",
                          .columns = "i"},
};

const struct store_catalogue reports_catalogue = {"reports", reports_statements,
                                                  STORE_COUNT(reports_statements)};

#define FEWER_MAX 32

static void
put_count(struct canon *c, const struct report_count *n, int k)
{
	char text[FEWER_MAX];

	switch (n->mark) {
	case REPORT_SHOWN: canon_int(c, n->value); break;
	case REPORT_FEWER:
		snprintf(text, sizeof(text), "fewer than %d", k);
		canon_string(c, text);
		break;
	default: canon_string(c, "withheld"); break;
	}
}

static void
put_breakdown(struct canon *c, const struct report_breakdown *b, int k)
{
	size_t i;

	if (b->dropped) {
		canon_null(c);
		return;
	}
	canon_array_begin(c);
	for (i = 0; i < b->n; i++) {
		canon_object_begin(c);
		canon_key(c, "group");
		canon_string(c, b->rows[i].group);
		canon_key(c, "paid");
		put_count(c, &b->rows[i].paid, k);
		canon_key(c, "people");
		put_count(c, &b->rows[i].people, k);
		canon_key(c, "reached");
		put_count(c, &b->rows[i].reached, k);
		canon_object_end(c);
	}
	canon_array_end(c);
}

enum redress_err
report_encode(const struct report *r, struct buf *out, struct redress_error *err)
{
	char root[64];
	struct canon c;
	size_t i;

	if (codec_base64_encode(r->root, sizeof(r->root), root, sizeof(root), err) != REDRESS_OK)
		return err->code;
	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "amounts");
	canon_object_begin(&c);
	canon_key(&c, "currency");
	canon_string(&c, r->currency);
	canon_key(&c, "owed");
	canon_int(&c, r->amount_owed);
	canon_key(&c, "paid");
	canon_int(&c, r->amount_paid);
	canon_object_end(&c);
	canon_key(&c, "benefit");
	canon_object_begin(&c);
	canon_key(&c, "form");
	canon_string(&c, r->form);
	canon_key(&c, "instalments");
	canon_object_begin(&c);
	canon_key(&c, "held");
	put_count(&c, &r->held, r->k);
	canon_key(&c, "scheduled");
	put_count(&c, &r->scheduled, r->k);
	canon_key(&c, "stopped");
	put_count(&c, &r->stopped, r->k);
	canon_object_end(&c);
	/* Services in kind, only for a program that declares some: other reports stay as they were. */
	if (r->nservices > 0) {
		canon_key(&c, "services");
		canon_array_begin(&c);
		for (i = 0; i < r->nservices; i++) {
			canon_object_begin(&c);
			canon_key(&c, "delivered");
			put_count(&c, &r->services[i].delivered, r->k);
			canon_key(&c, "refused");
			put_count(&c, &r->services[i].refused, r->k);
			canon_key(&c, "scheduled");
			put_count(&c, &r->services[i].scheduled, r->k);
			canon_key(&c, "service");
			canon_string(&c, r->services[i].service);
			canon_object_end(&c);
		}
		canon_array_end(&c);
	}
	canon_object_end(&c);
	canon_key(&c, "by_harm");
	canon_array_begin(&c);
	for (i = 0; i < r->nharms; i++) {
		canon_object_begin(&c);
		canon_key(&c, "claims");
		put_count(&c, &r->harms[i].claims, r->k);
		canon_key(&c, "harm");
		canon_string(&c, r->harms[i].harm);
		/* What a group of claims paid, only where the group is shown: never a few people's amounts.
		 */
		canon_key(&c, "paid");
		if (r->harms[i].claims.mark == REPORT_SHOWN)
			canon_int(&c, r->harms[i].paid);
		else
			canon_null(&c);
		canon_object_end(&c);
	}
	canon_array_end(&c);
	canon_key(&c, "casework");
	canon_object_begin(&c);
	canon_key(&c, "appeals");
	canon_object_begin(&c);
	canon_key(&c, "opened");
	put_count(&c, &r->appeals_opened, r->k);
	canon_key(&c, "overturned");
	put_count(&c, &r->appeals_overturned, r->k);
	canon_key(&c, "upheld");
	put_count(&c, &r->appeals_upheld, r->k);
	canon_object_end(&c);
	canon_key(&c, "applied");
	put_count(&c, &r->applied, r->k);
	canon_key(&c, "eligible");
	put_count(&c, &r->eligible, r->k);
	canon_key(&c, "grievances");
	canon_object_begin(&c);
	canon_key(&c, "limit_days");
	canon_int(&c, r->grievance_days);
	canon_key(&c, "opened");
	put_count(&c, &r->grievances_opened, r->k);
	canon_key(&c, "overdue");
	put_count(&c, &r->grievances_overdue, r->k);
	canon_key(&c, "resolved");
	put_count(&c, &r->grievances_resolved, r->k);
	canon_object_end(&c);
	canon_key(&c, "reached");
	put_count(&c, &r->eligible_reached, r->k);
	canon_object_end(&c);
	canon_key(&c, "checkpoint");
	canon_object_begin(&c);
	canon_key(&c, "note");
	canon_string(&c, r->checkpoint.data != NULL ? r->checkpoint.data : "");
	canon_key(&c, "root");
	canon_string(&c, root);
	canon_key(&c, "size");
	canon_int(&c, (int64_t)r->size);
	canon_object_end(&c);
	canon_key(&c, "counts");
	canon_object_begin(&c);
	canon_key(&c, "approved");
	put_count(&c, &r->approved, r->k);
	canon_key(&c, "consented");
	put_count(&c, &r->consented, r->k);
	canon_key(&c, "deaths_before_payment");
	put_count(&c, &r->deaths, r->k);
	canon_key(&c, "declined");
	put_count(&c, &r->declined, r->k);
	canon_key(&c, "paid");
	put_count(&c, &r->paid, r->k);
	canon_key(&c, "reached");
	put_count(&c, &r->reached, r->k);
	canon_key(&c, "registered");
	put_count(&c, &r->registered, r->k);
	canon_key(&c, "waiting");
	put_count(&c, &r->waiting, r->k);
	canon_object_end(&c);
	canon_key(&c, "days_to_payment");
	canon_object_begin(&c);
	canon_key(&c, "median");
	if (r->days_shown)
		canon_int(&c, r->days_median);
	else
		canon_null(&c);
	canon_key(&c, "p90");
	if (r->days_shown)
		canon_int(&c, r->days_p90);
	else
		canon_null(&c);
	canon_object_end(&c);
	canon_key(&c, "disbursements");
	canon_array_begin(&c);
	for (i = 0; i < r->nmonths; i++) {
		canon_object_begin(&c);
		canon_key(&c, "amount");
		canon_int(&c, r->months[i].amount);
		canon_key(&c, "month");
		canon_string(&c, r->months[i].month);
		canon_object_end(&c);
	}
	canon_array_end(&c);
	canon_key(&c, "fund");
	canon_object_begin(&c);
	canon_key(&c, "account");
	canon_string(&c, r->fund_account);
	canon_key(&c, "available");
	canon_int(&c, r->fund_available);
	canon_key(&c, "balance");
	canon_int(&c, r->fund_balance);
	canon_key(&c, "currency");
	canon_string(&c, r->currency);
	canon_object_end(&c);
	canon_key(&c, "k");
	canon_int(&c, r->k);
	canon_key(&c, "pledges");
	canon_array_begin(&c);
	for (i = 0; i < r->npledged; i++) {
		canon_object_begin(&c);
		canon_key(&c, "currency");
		canon_string(&c, r->pledged[i].currency);
		canon_key(&c, "pledged");
		canon_int(&c, r->pledged[i].pledged);
		canon_key(&c, "received");
		canon_int(&c, r->pledged[i].received);
		canon_object_end(&c);
	}
	canon_array_end(&c);
	canon_key(&c, "program");
	canon_object_begin(&c);
	canon_key(&c, "code");
	canon_string(&c, r->program);
	canon_key(&c, "name");
	canon_string(&c, r->program_name);
	canon_object_end(&c);
	canon_key(&c, "statistics");
	canon_object_begin(&c);
	canon_key(&c, "by_decade");
	put_breakdown(&c, &r->by_decade, r->k);
	canon_key(&c, "by_region");
	put_breakdown(&c, &r->by_region, r->k);
	canon_key(&c, "total");
	canon_object_begin(&c);
	canon_key(&c, "paid");
	put_count(&c, &r->consented_paid, r->k);
	canon_key(&c, "people");
	put_count(&c, &r->consented, r->k);
	canon_key(&c, "reached");
	put_count(&c, &r->consented_reached, r->k);
	canon_object_end(&c);
	canon_object_end(&c);
	canon_key(&c, "v");
	canon_int(&c, 1);
	canon_object_end(&c);
	return canon_error(&c, err);
}

/* The row a published report leaves: what the event says, hashed. */
struct row {
	uint64_t seq;
	char program[65];
	int64_t k, computed_at;
	char sha256[2 * HASH_SHA256_SIZE + 1];
	char actor[TLOG_ACTOR_MAX + 1];
};

static enum redress_err
decode(const struct event *ev, struct row *row, struct redress_error *err)
{
	const struct canon_node *program, *checkpoint;
	struct canon c;
	struct buf bytes;
	uint8_t digest[HASH_SHA256_SIZE];
	enum redress_err rc;

	memset(row, 0, sizeof(*row));
	row->seq = ev->seq;
	text_copy(row->actor, sizeof(row->actor), ev->actor);
	if ((program = canon_find(ev->data, "program")) == NULL ||
	    (checkpoint = canon_find(ev->data, "checkpoint")) == NULL)
		return error_set(err, REDRESS_E_INVALID, "report event %llu has no program or checkpoint",
		                 (unsigned long long)ev->seq);
	if ((rc = canon_get_string_into(program, "code", row->program, sizeof(row->program), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "k", &row->k, err)) != REDRESS_OK ||
	    (rc = canon_get_int(checkpoint, "size", &row->computed_at, err)) != REDRESS_OK)
		return rc;
	if (row->computed_at != (int64_t)ev->seq)
		return error_set(err, REDRESS_E_INVALID,
		                 "report event %llu says it was computed at size %lld",
		                 (unsigned long long)ev->seq, (long long)row->computed_at);
	buf_init(&bytes, REPORT_MAX_BYTES);
	canon_init(&c, &bytes);
	canon_write_node(&c, ev->data);
	if ((rc = canon_error(&c, err)) == REDRESS_OK) {
		hash_sha256(bytes.data, bytes.len, digest);
		rc = codec_hex_encode(digest, sizeof(digest), row->sha256, sizeof(row->sha256), err);
	}
	buf_free(&bytes);
	return rc;
}

static enum redress_err
apply(struct store *store, const struct row *row, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &reports_catalogue, REPORTS_Q_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)row->seq);
	store_bind_text(st, 2, row->program);
	store_bind_int64(st, 3, row->k);
	store_bind_int64(st, 4, row->computed_at);
	store_bind_text(st, 5, row->sha256);
	store_bind_text(st, 6, row->actor);
	return store_run(st, err);
}

static enum redress_err
reports_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct row row;
	enum redress_err rc;

	if (strcmp(ev->type, REPORTS_EV_PUBLISHED) != 0)
		return error_set(err, REDRESS_E_INVALID, "unknown reports event type '%.64s'", ev->type);
	if ((rc = decode(ev, &row, err)) != REDRESS_OK)
		return rc;
	return apply(store, &row, err);
}

static void *
reports_fold_begin(void)
{
	static int nothing;

	return &nothing;
}

static enum redress_err
reports_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct row row;
	enum redress_err rc;

	(void)model;
	if (strcmp(ev->type, REPORTS_EV_PUBLISHED) != 0)
		return error_set(err, REDRESS_E_INVALID, "unknown reports event type '%.64s'", ev->type);
	if ((rc = decode(ev, &row, err)) != REDRESS_OK)
		return rc;
	{
		const struct audit_value values[] = {
		    AUDIT_INT_VALUE(row.seq),     AUDIT_TEXT_VALUE(row.program),
		    AUDIT_INT_VALUE(row.k),       AUDIT_INT_VALUE(row.computed_at),
		    AUDIT_TEXT_VALUE(row.sha256), AUDIT_TEXT_VALUE(row.actor),
		};

		audit_fold_row(fold, 0, values, sizeof(values) / sizeof(values[0]));
	}
	return REDRESS_OK;
}

static void
reports_fold_end(void *model, struct audit_fold *fold)
{
	(void)model;
	(void)fold;
}

static const unsigned reports_snapshots[] = {REPORTS_Q_SNAPSHOT};

const struct event_module reports_module = {
    .name = "reports",
    .type_prefix = "reports.",
    .schema = reports_schema,
    .catalogue = &reports_catalogue,
    .snapshot_ids = reports_snapshots,
    .nsnapshots = STORE_COUNT(reports_snapshots),
    .replay = reports_replay,
    .fold_begin = reports_fold_begin,
    .fold = reports_fold,
    .fold_end = reports_fold_end,
};

/* The signed note's body: the text before the blank line. */
static enum redress_err
note_checkpoint(const char *note, struct checkpoint *cp, struct redress_error *err)
{
	const char *blank = strstr(note, "\n\n");

	if (blank == NULL)
		return error_set(err, REDRESS_E_INVALID, "a checkpoint is not a signed note");
	return checkpoint_parse(note, (size_t)(blank - note) + 1, cp, err);
}

/*
 * The report event's salt, version and (version 3) the hash of its public
 * part, published with it so that anyone rebuilds its leaf ("" before salts).
 */
static enum redress_err
event_salt(struct tlog *log, const struct buf *bytes, const struct canon_node *root,
           struct report_published *pub, struct redress_error *err)
{
	const char *salt = NULL;
	int64_t version = 1;
	uint8_t hash[MERKLE_HASH_SIZE];
	struct buf part;
	enum redress_err rc = REDRESS_OK;

	pub->salt[0] = '\0';
	pub->public_hash[0] = '\0';
	if (canon_get_string(root, "salt", &salt, NULL) == REDRESS_OK)
		text_copy(pub->salt, sizeof(pub->salt), salt);
	pub->version = canon_get_int(root, "v", &version, NULL) == REDRESS_OK ? (int)version : 1;
	if (pub->version != 3)
		return REDRESS_OK;
	buf_init(&part, TLOG_EVENT_MAX + 1024);
	if ((rc = tlog_event_public(log, bytes->data, bytes->len, &part, err)) == REDRESS_OK &&
	    (rc = buf_error(&part, err)) == REDRESS_OK) {
		hash_sha256(part.data, part.len, hash);
		rc = codec_hex_encode(hash, sizeof(hash), pub->public_hash, sizeof(pub->public_hash), err);
	}
	buf_free(&part);
	return rc;
}

/*
 * Whether the log's last event is this very report: the same body at the
 * size before it.  *same_r is 1 then, with pub->body, seq, actor and at
 * filled from it.
 */
static enum redress_err
last_is_same(struct tlog *log, uint64_t size, struct report_published *pub, int *same_r,
             struct redress_error *err)
{
	struct canon_doc doc;
	struct buf bytes;
	const char *type, *actor, *at, *note;
	const struct canon_node *data, *checkpoint;
	struct canon c;
	enum redress_err rc;

	*same_r = 0;
	if (size < 2)
		return REDRESS_OK;
	canon_doc_init(&doc);
	buf_init(&bytes, TLOG_EVENT_MAX);
	if ((rc = tlog_event_bytes(log, size - 1, &bytes, err)) != REDRESS_OK ||
	    (rc = canon_read(&doc, bytes.data, bytes.len, err)) != REDRESS_OK ||
	    (rc = canon_get_string(canon_root(&doc), "type", &type, err)) != REDRESS_OK)
		goto out;
	if (strcmp(type, REPORTS_EV_PUBLISHED) != 0)
		goto out;
	data = canon_find(canon_root(&doc), "data");
	checkpoint = canon_find(data, "checkpoint");
	if (checkpoint == NULL || (rc = canon_get_string(checkpoint, "note", &note, err)) != REDRESS_OK ||
	    (rc = canon_get_string(canon_root(&doc), "actor", &actor, err)) != REDRESS_OK ||
	    (rc = canon_get_string(canon_root(&doc), "at", &at, err)) != REDRESS_OK)
		goto out;
	/* The figures now, as they would have been encoded at size - 1 (no report changes them). */
	{
		struct report *r = &pub->report;
		struct checkpoint cp;

		if ((rc = note_checkpoint(note, &cp, err)) != REDRESS_OK)
			goto out;
		if (cp.size != size - 1)
			goto out;
		r->size = cp.size;
		memcpy(r->root, cp.root, sizeof(r->root));
		buf_reset(&r->checkpoint);
		buf_puts(&r->checkpoint, note);
		buf_reset(&pub->body);
		if ((rc = report_encode(r, &pub->body, err)) != REDRESS_OK)
			goto out;
	}
	buf_reset(&bytes);
	canon_init(&c, &bytes);
	canon_write_node(&c, data);
	if ((rc = canon_error(&c, err)) != REDRESS_OK)
		goto out;
	if (bytes.len == pub->body.len && memcmp(bytes.data, pub->body.data, bytes.len) == 0) {
		*same_r = 1;
		pub->seq = size - 1;
		text_copy(pub->actor, sizeof(pub->actor), actor);
		text_copy(pub->at, sizeof(pub->at), at);
		buf_reset(&bytes);
		if ((rc = tlog_event_bytes(log, size - 1, &bytes, err)) == REDRESS_OK)
			rc = event_salt(log, &bytes, canon_root(&doc), pub, err);
	}
out:
	buf_free(&bytes);
	canon_doc_free(&doc);
	return rc;
}

/* The event's actor and time, as the log recorded them. */
static enum redress_err
event_meta(struct tlog *log, struct report_published *pub, struct redress_error *err)
{
	struct canon_doc doc;
	struct buf bytes;
	const char *actor, *at;
	enum redress_err rc;

	canon_doc_init(&doc);
	buf_init(&bytes, TLOG_EVENT_MAX);
	if ((rc = tlog_event_bytes(log, pub->seq, &bytes, err)) == REDRESS_OK &&
	    (rc = canon_read(&doc, bytes.data, bytes.len, err)) == REDRESS_OK &&
	    (rc = canon_get_string(canon_root(&doc), "actor", &actor, err)) == REDRESS_OK &&
	    (rc = canon_get_string(canon_root(&doc), "at", &at, err)) == REDRESS_OK) {
		text_copy(pub->actor, sizeof(pub->actor), actor);
		text_copy(pub->at, sizeof(pub->at), at);
		rc = event_salt(log, &bytes, canon_root(&doc), pub, err);
	}
	buf_free(&bytes);
	canon_doc_free(&doc);
	return rc;
}

enum redress_err
report_publish(struct tlog *log, const struct actor *actor, const char *program, int k,
               struct report_published *pub, struct redress_error *err)
{
	struct checkpoint cp;
	uint64_t size, proved;
	int same = 0;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_AGGREGATES_READ, err)) != REDRESS_OK)
		return rc;
	if ((rc = report_compute(log, program, k, &pub->report, err)) != REDRESS_OK)
		return rc;
	size = pub->report.size;
	if ((rc = last_is_same(log, size, pub, &same, err)) != REDRESS_OK)
		return rc;
	if (same) {
		pub->reused = 1;
	} else {
		/* last_is_same dated the figures at the size before: date them now again. */
		struct checkpoint now;

		buf_reset(&pub->report.checkpoint);
		if ((rc = tlog_checkpoint(log, &pub->report.checkpoint, err)) != REDRESS_OK ||
		    (rc = note_checkpoint(pub->report.checkpoint.data, &now, err)) != REDRESS_OK)
			return rc;
		pub->report.size = now.size;
		memcpy(pub->report.root, now.root, sizeof(now.root));
		if (now.size != size)
			return error_set(err, REDRESS_E_CONFLICT,
			                 "the log grew while the report was computed: publish it again");
		buf_reset(&pub->body);
		if ((rc = report_encode(&pub->report, &pub->body, err)) != REDRESS_OK ||
		    (rc = buf_error(&pub->body, err)) != REDRESS_OK)
			return rc;
		if ((rc = tlog_begin(log, err)) != REDRESS_OK)
			return rc;
		/* Its row by replay of the very bytes appended (tlog_append_apply), as audit's replay writes
		 * it. */
		if ((rc = tlog_append_apply(log, &reports_module, REPORTS_EV_PUBLISHED, &pub->body, &pub->seq,
		                            err)) != REDRESS_OK)
			goto fail;
		if (pub->seq != pub->report.size) {
			/* Someone else's change came between: the figures would not be at this size. */
			rc = error_set(err, REDRESS_E_CONFLICT,
			               "the log grew while the report was computed: publish it again");
			goto fail;
		}
		if ((rc = tlog_commit(log, err)) != REDRESS_OK)
			return rc;
		if ((rc = event_meta(log, pub, err)) != REDRESS_OK)
			return rc;
	}
	/* The proof: against the latest signed checkpoint, and consistency from the size computed at. */
	buf_reset(&pub->proof_checkpoint);
	if ((rc = tlog_checkpoint_cosigned(log, &pub->proof_checkpoint, NULL, err)) != REDRESS_OK ||
	    (rc = note_checkpoint(pub->proof_checkpoint.data, &cp, err)) != REDRESS_OK)
		return rc;
	pub->proof_size = cp.size;
	buf_reset(&pub->handovers);
	if ((rc = tlog_handovers_json(log, &pub->handovers, err)) != REDRESS_OK)
		return rc;
	if ((rc = tlog_prove_inclusion(log, pub->seq, cp.size, &proved, pub->proof, &pub->proof_count,
	                               err)) != REDRESS_OK ||
	    (rc = tlog_prove_consistency(log, pub->report.size, cp.size, &proved, pub->consistency,
	                                 &pub->consistency_count, err)) != REDRESS_OK)
		return rc;
	return REDRESS_OK;
fail:
	tlog_rollback(log);
	return rc;
}

enum redress_err
report_published_load(struct tlog *log, uint64_t seq, uint64_t proof_size, struct report_published *pub,
                      struct redress_error *err)
{
	struct canon_doc doc;
	struct buf bytes;
	const char *type;
	const struct canon_node *data;
	struct canon c;
	uint64_t proved;
	enum redress_err rc;

	canon_doc_init(&doc);
	buf_init(&bytes, TLOG_EVENT_MAX);
	pub->seq = seq;
	pub->reused = 0;
	if ((rc = tlog_event_bytes(log, seq, &bytes, err)) != REDRESS_OK ||
	    (rc = canon_read(&doc, bytes.data, bytes.len, err)) != REDRESS_OK ||
	    (rc = canon_get_string(canon_root(&doc), "type", &type, err)) != REDRESS_OK)
		goto out;
	if (strcmp(type, REPORTS_EV_PUBLISHED) != 0 ||
	    (data = canon_find(canon_root(&doc), "data")) == NULL) {
		rc = error_set(err, REDRESS_E_INVALID, "event %llu is not a published report (it is %.64s)",
		               (unsigned long long)seq, type);
		goto out;
	}
	buf_reset(&pub->body);
	canon_init(&c, &pub->body);
	canon_write_node(&c, data);
	if ((rc = canon_error(&c, err)) != REDRESS_OK || (rc = event_meta(log, pub, err)) != REDRESS_OK ||
	    (rc = report_decode(pub->body.data, pub->body.len, &pub->report, err)) != REDRESS_OK)
		goto out;
	if (pub->report.size != seq) {
		rc = error_set(err, REDRESS_E_INVALID, "report event %llu says it was computed at size %llu",
		               (unsigned long long)seq, (unsigned long long)pub->report.size);
		goto out;
	}
	/* The proof as report_publish made it at proof_size: the checkpoint as signed, the handovers then. */
	if (proof_size <= seq) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "a proof of event %llu at size %llu, which does not hold it",
		               (unsigned long long)seq, (unsigned long long)proof_size);
		goto out;
	}
	pub->proof_size = proof_size;
	buf_reset(&pub->proof_checkpoint);
	buf_reset(&pub->handovers);
	if ((rc = tlog_checkpoint_at(log, proof_size, &pub->proof_checkpoint, err)) != REDRESS_OK ||
	    (rc = tlog_handovers_json_at(log, proof_size, &pub->handovers, err)) != REDRESS_OK ||
	    (rc = tlog_prove_inclusion(log, seq, proof_size, &proved, pub->proof, &pub->proof_count, err)) !=
	        REDRESS_OK ||
	    (rc = tlog_prove_consistency(log, pub->report.size, proof_size, &proved, pub->consistency,
	                                 &pub->consistency_count, err)) != REDRESS_OK)
		goto out;
out:
	buf_free(&bytes);
	canon_doc_free(&doc);
	return rc;
}
