/*
 * fund.c -- closing a fund and its handover archive (fund.h): the event,
 * its table and replay, the freeze of intake, the archive's body (what
 * is left, from the other modules' tables) and its offline check.
 */
#include "domain/fund/fund.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/mem.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "domain/fund/fund_backup.h"
#include "domain/fund/fund_int.h"
#include "domain/programs/programs.h"
#include "domain/reports/reports.h"
#include "log/audit.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/keychain.h"
#include "log/merkle.h"
#include "log/note.h"

static const char fund_schema[] =
    "CREATE TABLE IF NOT EXISTS fund_closure (seq INTEGER PRIMARY KEY,"
    " successor TEXT NOT NULL, contact TEXT NOT NULL, archive TEXT NOT NULL);"
    /* A predecessor's archive taken over, and what it handed over, one row each. */
    "CREATE TABLE IF NOT EXISTS fund_inherited (seq INTEGER PRIMARY KEY, origin TEXT NOT NULL,"
    " archive TEXT NOT NULL UNIQUE, closed INTEGER NOT NULL, size INTEGER NOT NULL,"
    " successor TEXT NOT NULL, open_claims INTEGER NOT NULL, unpaid_entitlements INTEGER NOT NULL,"
    " accounts INTEGER NOT NULL, unpaid TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS fund_obligations (seq INTEGER PRIMARY KEY,"
    " inherited INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, program TEXT NOT NULL,"
    " person TEXT NOT NULL, state TEXT NOT NULL, currency TEXT NOT NULL, amount INTEGER NOT NULL,"
    " debits INTEGER NOT NULL, credits INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS fund_obligations_inherited ON fund_obligations (inherited, kind);";

const struct store_statement fund_statements[FUND_Q_COUNT] = {
    [FUND_Q_INSERT] =
        {.name = "fund.closure.insert",
         .sql = "INSERT INTO fund_closure (seq, successor, contact, archive) VALUES (?1, ?2, ?3, ?4)",
         .columns = ""},
    [FUND_Q_GET] = {.name = "fund.closure.get",
                    .sql = "SELECT seq, successor, contact, archive FROM fund_closure ORDER BY seq LIMIT 1",
                    .columns = "ittt"},
    /* What the successor takes over: claims not decided, entitlements not paid, the money. */
    [FUND_Q_OPEN_CLAIMS] = {.name = "fund.open_claims",
                            .sql = "SELECT id, program, state, victim FROM claims_claims"
                                   " WHERE state NOT IN ('approved', 'denied') ORDER BY id",
                            .columns = "tttt",
                            .reads = "claims"},
    [FUND_Q_UNPAID] = {.name = "fund.unpaid",
                       .sql = "SELECT id, program, beneficiary, amount, currency, state FROM entitlements"
                              " WHERE state NOT IN ('paid', 'declined', 'moved') ORDER BY id",
                       .columns = "tttitt",
                       .reads = "entitlements"},
    [FUND_Q_ACCOUNTS] = {.name = "fund.accounts",
                         .sql = "SELECT code, currency, debits_posted, credits_posted FROM ledger_accounts"
                                " ORDER BY code",
                         .columns = "ttii",
                         .reads = "ledger"},
    [FUND_Q_INHERITED_INSERT] = {.name = "fund.inherited.insert",
                                 .sql = "INSERT INTO fund_inherited (seq, origin, archive, closed, size,"
                                        " successor, open_claims, unpaid_entitlements, accounts, unpaid)"
                                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                                 .columns = ""},
    [FUND_Q_INHERITED_FIND] = {.name = "fund.inherited.find",
                               .sql = "SELECT seq FROM fund_inherited WHERE archive = ?1 OR seq = ?2",
                               .columns = "i"},
    [FUND_Q_OBLIGATION_INSERT] = {.name = "fund.obligation.insert",
                                  .sql = "INSERT INTO fund_obligations (seq, inherited, kind, id, program,"
                                         " person, state, currency, amount, debits, credits)"
                                         " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                                  .columns = ""},
    [FUND_Q_OBLIGATIONS] = {.name = "fund.obligations",
                            .sql = "SELECT o.seq, o.inherited, o.kind, o.id, o.program, o.person, o.state,"
                                   " o.currency, o.amount, o.debits, o.credits, i.origin"
                                   " FROM fund_obligations o JOIN fund_inherited i ON i.seq = o.inherited"
                                   " ORDER BY o.seq",
                            .columns = "iittttttiiit"},
    /* Audit: each inheritance against what it declared, counted from the obligations kept. */
    [FUND_Q_CHECK_COUNTS] = {.name = "fund.check.counts",
                             .sql =
                                 "SELECT i.seq, i.open_claims, i.unpaid_entitlements, i.accounts, i.unpaid,"
                                 " (SELECT count(*) FROM fund_obligations o"
                                 "  WHERE o.inherited = i.seq AND o.kind = 'claim'),"
                                 " (SELECT count(*) FROM fund_obligations o"
                                 "  WHERE o.inherited = i.seq AND o.kind = 'entitlement'),"
                                 " (SELECT count(*) FROM fund_obligations o"
                                 "  WHERE o.inherited = i.seq AND o.kind = 'account')"
                                 " FROM fund_inherited i ORDER BY i.seq",
                             .columns = "iiiitiii"},
    [FUND_Q_CHECK_SUMS] = {.name = "fund.check.sums",
                           .sql = "SELECT currency, sum(amount) FROM fund_obligations"
                                  " WHERE inherited = ?1 AND kind = 'entitlement' GROUP BY currency"
                                  " ORDER BY currency",
                           .columns = "ti"},
    [FUND_Q_SNAPSHOT_CLOSURE] = {.name = "fund_closure",
                                 .sql =
                                     "SELECT seq, successor, contact, archive FROM fund_closure ORDER BY seq",
                                 .columns = "ittt"},
    [FUND_Q_SNAPSHOT_INHERITED] = {.name = "fund_inherited",
                                   .sql = "SELECT seq, origin, archive, closed, size, successor, open_claims,"
                                          " unpaid_entitlements, accounts, unpaid FROM fund_inherited"
                                          " ORDER BY seq",
                                   .columns = "ittiitiiit"},
    [FUND_Q_SNAPSHOT_OBLIGATIONS] = {.name = "fund_obligations",
                                     .sql = "SELECT seq, inherited, kind, id, program, person, state,"
                                            " currency, amount, debits, credits FROM fund_obligations"
                                            " ORDER BY seq",
                                     .columns = "iittttttiii"},
};
const struct store_catalogue fund_catalogue = {"fund", fund_statements, STORE_COUNT(fund_statements)};

/* FUND_Q_GET's columns. */
static const struct store_field closure_fields[] = {
    STORE_FIELD(struct fund_closure, seq),
    STORE_FIELD(struct fund_closure, successor),
    STORE_FIELD(struct fund_closure, contact),
    STORE_FIELD(struct fund_closure, archive),
};

int
fund_closed(struct store *store, struct fund_closure *c_r, struct redress_error *err)
{
	struct fund_closure c;
	struct store_stmt *st;

	struct redress_error ignored;

	/* No table (a log opened without this module, as some tests' are): never closed. */
	if ((st = store_statement(store, &fund_catalogue, FUND_Q_GET, &ignored)) == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	switch (store_read_one(st, closure_fields, &c, err)) {
	case STORE_ROW: *c_r = c; return 1;
	case STORE_DONE: return 0;
	default: return -1;
	}
}

/* The closure an event records; REDRESS_E_INVALID when malformed. */
static enum redress_err
closure_read(const struct event *ev, struct fund_closure *c, struct redress_error *err)
{
	enum redress_err rc;

	memset(c, 0, sizeof(*c));
	c->seq = ev->seq;
	if ((rc = canon_get_string_into(ev->data, "successor", c->successor, sizeof(c->successor), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "contact", c->contact, sizeof(c->contact), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "archive", c->archive, sizeof(c->archive), err)) !=
	        REDRESS_OK)
		return error_prefix(err, "event %llu (%s)", (unsigned long long)ev->seq, ev->type);
	return REDRESS_OK;
}

static enum redress_err
fund_apply(struct store *store, const struct fund_closure *c, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &fund_catalogue, FUND_Q_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)c->seq);
	store_bind_text(st, 2, c->successor);
	store_bind_text(st, 3, c->contact);
	store_bind_text(st, 4, c->archive);
	return store_run(st, err);
}

static enum redress_err
fund_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct fund_closure c;
	enum redress_err rc;

	if (strcmp(ev->type, FUND_EV_INHERITED) == 0)
		return fund_inherited_apply(store, NULL, ev, err);
	if (strcmp(ev->type, FUND_EV_OBLIGATION) == 0)
		return fund_obligation_apply(store, NULL, NULL, 0, ev, err);
	if (strcmp(ev->type, FUND_EV_BACKUP_MADE) == 0)
		return fund_backup_event_check(ev, err); /* no table: the log is the record */
	if (strcmp(ev->type, FUND_EV_CLOSED) != 0)
		return error_set(err, REDRESS_E_INVALID, "event %llu: unknown type '%.64s'",
		                 (unsigned long long)ev->seq, ev->type);
	if ((rc = closure_read(ev, &c, err)) != REDRESS_OK)
		return rc;
	return fund_apply(store, &c, err);
}

/*
 * Audit's fold: a fund closes once, so the model is the closure, if any;
 * what it inherited never changes once recorded, so those rows go to the
 * fold at once, and the model keeps only which inheritances exist.
 */
struct fund_model {
	struct fund_closure closure;
	uint64_t *inherited;
	size_t ninherited, cap;
};

static void *
fund_fold_begin(void)
{
	return calloc(1, sizeof(struct fund_model));
}

static void
closure_row(struct audit_fold *fold, const struct fund_closure *c)
{
	struct audit_value row[4];

	row[0] = AUDIT_INT_VALUE(c->seq);
	row[1] = AUDIT_TEXT_VALUE(c->successor);
	row[2] = AUDIT_TEXT_VALUE(c->contact);
	row[3] = AUDIT_TEXT_VALUE(c->archive);
	audit_fold_row(fold, FUND_TABLE_CLOSURE, row, 4);
}

static enum redress_err
fund_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct fund_model *m = model;
	struct fund_closure next;
	enum redress_err rc;

	if (strcmp(ev->type, FUND_EV_INHERITED) == 0) {
		if ((rc = fund_inherited_apply(NULL, fold, ev, err)) != REDRESS_OK)
			return rc;
		if (m->ninherited == m->cap) {
			size_t cap = m->cap != 0 ? m->cap * 2 : 4;
			uint64_t *grown = realloc(m->inherited, cap * sizeof(*grown));

			if (grown == NULL)
				return error_set(err, REDRESS_E_NOMEM, "out of memory");
			m->inherited = grown;
			m->cap = cap;
		}
		m->inherited[m->ninherited++] = ev->seq;
		return REDRESS_OK;
	}
	if (strcmp(ev->type, FUND_EV_OBLIGATION) == 0)
		return fund_obligation_apply(NULL, fold, m->inherited, m->ninherited, ev, err);
	if (strcmp(ev->type, FUND_EV_BACKUP_MADE) == 0)
		return fund_backup_event_check(ev, err);
	if (strcmp(ev->type, FUND_EV_CLOSED) != 0)
		return error_set(err, REDRESS_E_INVALID, "event %llu: unknown type '%.64s'",
		                 (unsigned long long)ev->seq, ev->type);
	if ((rc = closure_read(ev, &next, err)) != REDRESS_OK)
		return rc;
	/* A second closure (only forged): its row too, which the table will lack. */
	if (m->closure.archive[0] != '\0')
		closure_row(fold, &m->closure);
	m->closure = next;
	return REDRESS_OK;
}

static void
fund_fold_end(void *model, struct audit_fold *fold)
{
	struct fund_model *m = model;

	if (m == NULL)
		return;
	if (fold != NULL && m->closure.archive[0] != '\0')
		closure_row(fold, &m->closure);
	free(m->inherited);
	free(m);
}

/* A row of FUND_Q_CHECK_SUMS. */
struct currency_sum {
	const char *currency;
	int64_t sum;
};

/* A row of FUND_Q_CHECK_COUNTS: an inheritance's declared counts, its unpaid sums, the counts kept. */
struct inherited_counts {
	int64_t seq;
	int64_t declared[3];
	const char *unpaid;
	int64_t kept[3];
};

static const struct store_field counts_fields[] = {
    STORE_FIELD(struct inherited_counts, seq),         STORE_FIELD(struct inherited_counts, declared[0]),
    STORE_FIELD(struct inherited_counts, declared[1]), STORE_FIELD(struct inherited_counts, declared[2]),
    STORE_FIELD_TEXT(struct inherited_counts, unpaid), STORE_FIELD(struct inherited_counts, kept[0]),
    STORE_FIELD(struct inherited_counts, kept[1]),     STORE_FIELD(struct inherited_counts, kept[2]),
};

/* The sums of an inheritance's unpaid entitlements as recorded, against what it declared. */
static enum redress_err
check_sums(struct store *store, int64_t seq, const char *declared_text, struct audit_report *report,
           struct redress_error *err)
{
	static const struct store_field sum_fields[] = {STORE_FIELD_TEXT(struct currency_sum, currency),
	                                                STORE_FIELD(struct currency_sum, sum)};
	json_t *declared = json_loads(declared_text, 0, NULL), *kept = json_object();
	struct currency_sum row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc = REDRESS_OK;

	if (declared == NULL || kept == NULL) {
		audit_finding(report, "fund_inherited %lld: its unpaid sums are not JSON", (long long)seq);
		goto out;
	}
	if ((st = store_statement(store, &fund_catalogue, FUND_Q_CHECK_SUMS, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_int64(st, 1, seq);
	while ((r = store_read(st, sum_fields, &row, err)) == STORE_ROW)
		json_object_set_new(kept, row.currency, json_integer((json_int_t)row.sum));
	if (r == STORE_ERROR)
		rc = err->code;
	else if (!json_equal(declared, kept))
		audit_finding(
		    report,
		    "fund.inherited %lld: the unpaid entitlements recorded do not add up to the sums"
		    " its archive declared",
		    (long long)seq);
out:
	json_decref(declared);
	json_decref(kept);
	return rc;
}

/*
 * What audit checks beyond replay: every inheritance holds as many
 * obligations of each kind as its archive declared, and its unpaid
 * entitlements add up to the sums it declared.  The obligations are
 * events of their own, so an import that dropped one is found here.
 */
static enum redress_err
fund_check(struct store *store, struct audit_report *report, struct redress_error *err)
{
	static const char *const kinds[3] = {"open claims", "unpaid entitlements", "ledger accounts"};
	struct inheritance {
		int64_t seq;
		char *unpaid;
	} *list = NULL, *grown;
	size_t n = 0, i;
	struct inherited_counts row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc = REDRESS_OK;
	int k;

	if ((st = store_statement(store, &fund_catalogue, FUND_Q_CHECK_COUNTS, err)) == NULL)
		return err->code;
	while ((r = store_read(st, counts_fields, &row, err)) == STORE_ROW) {
		for (k = 0; k < 3; k++)
			if (row.declared[k] != row.kept[k])
				audit_finding(report,
				              "fund.inherited %lld declares %lld %s, but %lld were recorded",
				              (long long)row.seq, (long long)row.declared[k], kinds[k],
				              (long long)row.kept[k]);
		/* The sums are read after this statement is done: one statement at a time. */
		if ((grown = realloc(list, (n + 1) * sizeof(*list))) == NULL ||
		    (grown[n].unpaid = strdup(row.unpaid)) == NULL) {
			list = grown != NULL ? grown : list;
			store_done(st);
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
			goto out;
		}
		list = grown;
		list[n++].seq = row.seq;
	}
	if (r == STORE_ERROR) {
		rc = err->code;
		goto out;
	}
	for (i = 0; i < n && rc == REDRESS_OK; i++)
		rc = check_sums(store, list[i].seq, list[i].unpaid, report, err);
out:
	for (i = 0; i < n; i++)
		free(list[i].unpaid);
	free(list);
	return rc;
}

/* In FUND_TABLE_* order. */
static const unsigned fund_snapshots[] = {FUND_Q_SNAPSHOT_CLOSURE, FUND_Q_SNAPSHOT_INHERITED,
                                          FUND_Q_SNAPSHOT_OBLIGATIONS};

const struct event_module fund_module = {
    .name = "fund",
    .type_prefix = "fund.",
    .schema = fund_schema,
    .catalogue = &fund_catalogue,
    .snapshot_ids = fund_snapshots,
    .nsnapshots = STORE_COUNT(fund_snapshots),
    .replay = fund_replay,
    .check = fund_check,
    .fold_begin = fund_fold_begin,
    .fold = fund_fold,
    .fold_end = fund_fold_end,
};

/* ---- The archive's body ---------------------------------------------------------------- */

/* Adds sum to the total of currency in totals (an object of currency -> integer). */
static enum redress_err
add_total(json_t *totals, const char *currency, int64_t amount, struct redress_error *err)
{
	json_t *t = json_object_get(totals, currency);
	int64_t sum = t != NULL ? (int64_t)json_integer_value(t) : 0;

	if (__builtin_add_overflow(sum, amount, &sum))
		return error_set(err, REDRESS_E_OVERFLOW, "the unpaid total in %s overflows", currency);
	if (json_object_set_new(totals, currency, json_integer(sum)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	return REDRESS_OK;
}

/* Rows of FUND_Q_OPEN_CLAIMS, FUND_Q_UNPAID and FUND_Q_ACCOUNTS, borrowed from the statement. */
struct open_claim_row {
	const char *id, *program, *state, *victim;
};
struct unpaid_row {
	const char *id, *program, *beneficiary;
	int64_t amount;
	const char *currency, *state;
};
struct account_row {
	const char *account, *currency;
	int64_t debits, credits;
};

static const struct store_field open_claim_fields[] = {
    STORE_FIELD_TEXT(struct open_claim_row, id),
    STORE_FIELD_TEXT(struct open_claim_row, program),
    STORE_FIELD_TEXT(struct open_claim_row, state),
    STORE_FIELD_TEXT(struct open_claim_row, victim),
};
static const struct store_field unpaid_fields[] = {
    STORE_FIELD_TEXT(struct unpaid_row, id),          STORE_FIELD_TEXT(struct unpaid_row, program),
    STORE_FIELD_TEXT(struct unpaid_row, beneficiary), STORE_FIELD(struct unpaid_row, amount),
    STORE_FIELD_TEXT(struct unpaid_row, currency),    STORE_FIELD_TEXT(struct unpaid_row, state),
};
static const struct store_field account_fields[] = {
    STORE_FIELD_TEXT(struct account_row, account),
    STORE_FIELD_TEXT(struct account_row, currency),
    STORE_FIELD(struct account_row, debits),
    STORE_FIELD(struct account_row, credits),
};

/* The body: what is left, from the tables as they stand, with its counts and sums. */
static enum redress_err
archive_body(struct tlog *log, const char *successor, const char *contact, const struct fund_reports *reports,
             json_t **body_r, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	json_t *body = NULL, *claims = json_array(), *unpaid = json_array(), *accounts = json_array(),
	       *sums = json_object();
	struct open_claim_row claim;
	struct unpaid_row owed;
	struct account_row account;
	struct store_stmt *st;
	enum store_step_result step;
	uint64_t size = 0;
	enum redress_err rc = REDRESS_OK;

	if (claims == NULL || unpaid == NULL || accounts == NULL || sums == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = tlog_size(log, &size, err)) != REDRESS_OK)
		goto out;
	if ((st = store_statement(store, &fund_catalogue, FUND_Q_OPEN_CLAIMS, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	while ((step = store_read(st, open_claim_fields, &claim, err)) == STORE_ROW)
		json_array_append_new(claims,
		                      json_pack("{s:s, s:s, s:s, s:s}", "id", claim.id, "program",
		                                claim.program, "state", claim.state, "victim", claim.victim));
	if (step == STORE_ERROR ||
	    (st = store_statement(store, &fund_catalogue, FUND_Q_UNPAID, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	while ((step = store_read(st, unpaid_fields, &owed, err)) == STORE_ROW) {
		json_array_append_new(unpaid, json_pack("{s:s, s:s, s:s, s:I, s:s, s:s}", "id", owed.id,
		                                        "program", owed.program, "beneficiary",
		                                        owed.beneficiary, "amount", (json_int_t)owed.amount,
		                                        "currency", owed.currency, "state", owed.state));
		if ((rc = add_total(sums, owed.currency, owed.amount, err)) != REDRESS_OK) {
			store_done(st);
			goto out;
		}
	}
	if (step == STORE_ERROR ||
	    (st = store_statement(store, &fund_catalogue, FUND_Q_ACCOUNTS, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	while ((step = store_read(st, account_fields, &account, err)) == STORE_ROW)
		json_array_append_new(accounts, json_pack("{s:s, s:s, s:I, s:I}", "account", account.account,
		                                          "currency", account.currency, "debits",
		                                          (json_int_t)account.debits, "credits",
		                                          (json_int_t)account.credits));
	if (step == STORE_ERROR) {
		rc = err->code;
		goto out;
	}
	body = json_pack("{s:s, s:I, s:s, s:s, s:O, s:O, s:O, s:{s:I, s:I, s:I, s:O}}", "origin",
	                 tlog_origin(log), "size", (json_int_t)size, "successor", successor, "contact",
	                 contact, "open_claims", claims, "unpaid_entitlements", unpaid, "accounts", accounts,
	                 "totals", "open_claims", (json_int_t)json_array_size(claims), "unpaid_entitlements",
	                 (json_int_t)json_array_size(unpaid), "accounts",
	                 (json_int_t)json_array_size(accounts), "unpaid", sums);
	if (body != NULL && reports != NULL && reports->list != NULL &&
	    json_object_set(body, "final_reports", reports->list) != 0) {
		json_decref(body);
		body = NULL;
	}
	if (body == NULL)
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the archive");
out:
	json_decref(claims);
	json_decref(unpaid);
	json_decref(accounts);
	json_decref(sums);
	*body_r = body;
	return rc;
}

enum redress_err
fund_close_ready(struct tlog *log, const struct actor *actor, const char *successor, const char *contact,
                 struct redress_error *err)
{
	struct fund_closure c;
	enum redress_err rc;
	int closed;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = text_check("--successor", successor, FUND_SUCCESSOR_MAX, err)) != REDRESS_OK ||
	    (rc = text_check("--contact", contact, FUND_CONTACT_MAX, err)) != REDRESS_OK)
		return rc;
	if ((closed = fund_closed(tlog_store(log), &c, err)) < 0)
		return err->code;
	if (closed)
		return error_set(err, REDRESS_E_CONFLICT, "the fund was closed already (event %llu), to %s",
		                 (unsigned long long)c.seq, c.successor);
	return REDRESS_OK;
}

void
fund_reports_init(struct fund_reports *r)
{
	r->list = NULL;
	r->texts = NULL;
}

void
fund_reports_free(struct fund_reports *r)
{
	json_decref(r->list);
	json_decref(r->texts);
	fund_reports_init(r);
}

/* Collects the programs' codes: each is published after, outside program_each's read. */
static enum redress_err
collect_code(void *ctx, const struct program *p, struct redress_error *err)
{
	if (json_array_append_new(ctx, json_string(p->code)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	return REDRESS_OK;
}

/* One program's final report: published, then kept as the archive will carry it. */
static enum redress_err
publish_one(struct tlog *log, const struct actor *actor, const char *program, int k, struct fund_reports *r,
            struct redress_error *err)
{
	struct report_published *pub = malloc(sizeof(*pub));
	struct buf text;
	enum redress_err rc;

	if (pub == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	report_published_init(pub);
	buf_init(&text, 16u << 20);
	if ((rc = report_publish(log, actor, program, k, pub, err)) != REDRESS_OK ||
	    (rc = report_render_json(pub, &text, err)) != REDRESS_OK) {
		error_prefix(err, "the final report of %s", program);
		goto out;
	}
	if (json_array_append_new(
	        r->list, json_pack("{s:s, s:I}", "program", program, "seq", (json_int_t)pub->seq)) != 0 ||
	    json_array_append_new(r->texts, json_stringn(text.data, text.len)) != 0)
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
out:
	buf_free(&text);
	report_published_free(pub);
	free(pub);
	return rc;
}

enum redress_err
fund_reports_publish(struct tlog *log, const struct actor *actor, int k, struct fund_reports *r,
                     struct redress_error *err)
{
	json_t *codes = json_array(), *code;
	size_t i;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK)
		goto out;
	fund_reports_free(r);
	if (codes == NULL || (r->list = json_array()) == NULL || (r->texts = json_array()) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = program_each(tlog_store(log), collect_code, codes, err)) != REDRESS_OK)
		goto out;
	json_array_foreach(codes, i, code)
	{
		if ((rc = publish_one(log, actor, json_string_value(code), k, r, err)) != REDRESS_OK)
			goto out;
	}
out:
	json_decref(codes);
	return rc;
}

enum redress_err
fund_close(struct tlog *log, const struct actor *actor, const char *successor, const char *contact,
           const struct fund_reports *reports, struct buf *body, uint64_t *seq_r, struct redress_error *err)
{
	struct fund_closure c;
	struct buf data;
	struct canon cw;
	char *text = NULL;
	json_t *b = NULL;
	enum redress_err rc;

	if ((rc = fund_close_ready(log, actor, successor, contact, err)) != REDRESS_OK)
		return rc;
	if ((rc = archive_body(log, successor, contact, reports, &b, err)) != REDRESS_OK)
		return rc;
	if ((text = json_dumps(b, JSON_SORT_KEYS | JSON_INDENT(1))) == NULL) {
		json_decref(b);
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing the archive");
	}
	json_decref(b);
	buf_reset(body);
	buf_puts(body, text);
	mem_json_free(text);
	if ((rc = buf_error(body, err)) != REDRESS_OK)
		return rc;
	memset(&c, 0, sizeof(c));
	hash_sha256_hex(body->data, body->len, c.archive);
	snprintf(c.successor, sizeof(c.successor), "%s", successor);
	snprintf(c.contact, sizeof(c.contact), "%s", contact);
	buf_init(&data, 4096);
	canon_init(&cw, &data);
	canon_object_begin(&cw);
	canon_key(&cw, "archive");
	canon_string(&cw, c.archive);
	canon_key(&cw, "contact");
	canon_string(&cw, contact);
	canon_key(&cw, "successor");
	canon_string(&cw, successor);
	canon_object_end(&cw);
	if ((rc = canon_error(&cw, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &fund_module, FUND_EV_CLOSED, &data, &c.seq, err);
	if (rc == REDRESS_OK)
		*seq_r = c.seq;
	buf_free(&data);
	return rc;
}

enum redress_err
fund_archive_write(struct tlog *log, const struct buf *body, const struct fund_reports *reports, uint64_t seq,
                   struct buf *out, struct redress_error *err)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	char b64[CODEC_BASE64_SIZE(MERKLE_HASH_SIZE)], *text = NULL, *ev64 = NULL;
	struct buf note, bytes, chain;
	json_t *root = NULL, *hashes = json_array(), *h = NULL;
	struct checkpoint cp;
	uint64_t size = 0, used = 0;
	size_t count = 0, i, text_len;
	enum redress_err rc;

	buf_init(&note, NOTE_MAX_SIZE);
	buf_init(&bytes, TLOG_EVENT_MAX);
	buf_init(&chain, 1u << 20);
	if ((rc = tlog_checkpoint_cosigned(log, &note, &size, err)) != REDRESS_OK ||
	    (rc = tlog_event_bytes(log, seq, &bytes, err)) != REDRESS_OK ||
	    (rc = tlog_prove_inclusion(log, seq, size, &used, proof, &count, err)) != REDRESS_OK ||
	    (rc = tlog_handovers_json(log, &chain, err)) != REDRESS_OK)
		goto out;
	/* The checkpoint served is the one the proof is for. */
	if ((rc = keychain_verify(tlog_keychain(log), note.data, note.len, &cp, &text_len, err)) !=
	    REDRESS_OK)
		goto out;
	for (i = 0; i < count; i++) {
		(void)codec_base64_encode(proof[i], MERKLE_HASH_SIZE, b64, sizeof(b64), NULL);
		json_array_append_new(hashes, json_string(b64));
	}
	if ((ev64 = malloc(CODEC_BASE64_SIZE(TLOG_EVENT_MAX))) == NULL ||
	    codec_base64_encode(bytes.data, bytes.len, ev64, CODEC_BASE64_SIZE(TLOG_EVENT_MAX), NULL) !=
	        REDRESS_OK ||
	    (h = json_loadb(chain.data, chain.len, 0, NULL)) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the archive");
		goto out;
	}
	root = json_pack("{s:s, s:s, s:s, s:{s:s, s:I, s:O}, s:O}", "format", FUND_ARCHIVE_FORMAT, "body",
	                 body->data, "event", ev64, "proof", "checkpoint", note.data, "size",
	                 (json_int_t)size, "inclusion", hashes, "handovers", h);
	/* A version-3 event's leaf also commits to its public part (log/tlog.h): its hash, to rebuild it. */
	if (root != NULL && tlog_event_version(bytes.data, bytes.len) == 3) {
		uint8_t hash[MERKLE_HASH_SIZE];
		char hex[2 * MERKLE_HASH_SIZE + 1];

		buf_reset(&chain);
		if ((rc = tlog_event_public(log, bytes.data, bytes.len, &chain, err)) != REDRESS_OK ||
		    (rc = buf_error(&chain, err)) != REDRESS_OK)
			goto out;
		hash_sha256(chain.data, chain.len, hash);
		(void)codec_hex_encode(hash, sizeof(hash), hex, sizeof(hex), NULL);
		if (json_object_set_new(root, "event_public", json_string(hex)) != 0) {
			json_decref(root);
			root = NULL;
		}
	}
	if (root != NULL && reports != NULL && reports->texts != NULL &&
	    json_object_set(root, "reports", reports->texts) != 0) {
		json_decref(root);
		root = NULL;
	}
	if (root == NULL || (text = json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(1))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the archive");
		goto out;
	}
	buf_puts(out, text);
	buf_putc(out, '\n');
	rc = buf_error(out, err);
out:
	mem_json_free(text);
	free(ev64);
	json_decref(root);
	json_decref(hashes);
	json_decref(h);
	buf_free(&note);
	buf_free(&bytes);
	buf_free(&chain);
	return rc;
}

/* ---- Checking an archive offline --------------------------------------------------------- */

/* Checks that the body's lists add up to its totals. */
static enum redress_err
body_check(json_t *body, struct fund_archive_verified *v, struct redress_error *err)
{
	json_t *claims = json_object_get(body, "open_claims"),
	       *unpaid = json_object_get(body, "unpaid_entitlements"),
	       *accounts = json_object_get(body, "accounts"), *totals = json_object_get(body, "totals"), *e,
	       *sums = json_object(), *stated;
	const char *cur;
	size_t i;
	enum redress_err rc = REDRESS_OK;

	if (!json_is_array(claims) || !json_is_array(unpaid) || !json_is_array(accounts) ||
	    !json_is_object(totals) || !json_is_object(stated = json_object_get(totals, "unpaid")) ||
	    !json_is_string(json_object_get(body, "successor"))) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "the archive's body needs 'successor', 'open_claims', 'unpaid_entitlements',"
		               " 'accounts' and 'totals'");
		goto out;
	}
	if ((json_int_t)json_array_size(claims) !=
	        json_integer_value(json_object_get(totals, "open_claims")) ||
	    (json_int_t)json_array_size(unpaid) !=
	        json_integer_value(json_object_get(totals, "unpaid_entitlements")) ||
	    (json_int_t)json_array_size(accounts) !=
	        json_integer_value(json_object_get(totals, "accounts"))) {
		rc = error_set(
		    err, REDRESS_E_CRYPTO,
		    "the archive lists %zu open claims, %zu unpaid entitlements and %zu accounts, but its"
		    " totals say otherwise: something was dropped",
		    json_array_size(claims), json_array_size(unpaid), json_array_size(accounts));
		goto out;
	}
	json_array_foreach(unpaid, i, e)
	{
		if (!json_is_integer(json_object_get(e, "amount")) ||
		    (cur = json_string_value(json_object_get(e, "currency"))) == NULL) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "unpaid entitlement %zu has no amount or currency", i + 1);
			goto out;
		}
		if ((rc = add_total(sums, cur, (int64_t)json_integer_value(json_object_get(e, "amount")),
		                    err)) != REDRESS_OK)
			goto out;
	}
	if (!json_equal(sums, stated)) {
		rc = error_set(err, REDRESS_E_CRYPTO,
		               "the unpaid entitlements listed do not add up to the archive's unpaid totals");
		goto out;
	}
	snprintf(v->successor, sizeof(v->successor), "%s",
	         json_string_value(json_object_get(body, "successor")));
	v->open_claims = json_array_size(claims);
	v->unpaid = json_array_size(unpaid);
	v->accounts = json_array_size(accounts);
out:
	json_decref(sums);
	return rc;
}

/*
 * The final reports the body lists (may be NULL: an archive made before
 * they were) against the reports the archive carries: as many, in order,
 * each verifying on its own with the fund's key, for the program and
 * event the body (and so the closing event) names, before the close.
 */
static enum redress_err
reports_check(json_t *list, json_t *texts, const char *vkey, const struct cosig_policy *policy,
              uint64_t closed, uint64_t *n_r, struct redress_error *err)
{
	struct report_verified rv;
	json_t *e;
	size_t i, n = list != NULL ? json_array_size(list) : 0;
	enum redress_err rc;

	*n_r = 0;
	if ((list != NULL && !json_is_array(list)) || (texts != NULL && !json_is_array(texts)) ||
	    n != (texts != NULL ? json_array_size(texts) : 0))
		return error_set(
		    err, REDRESS_E_CRYPTO,
		    "the archive's body lists %zu final reports, but it carries %zu: something was"
		    " dropped",
		    n, texts != NULL && json_is_array(texts) ? json_array_size(texts) : 0);
	json_array_foreach(list, i, e)
	{
		json_t *text = json_array_get(texts, i);
		const char *program = json_string_value(json_object_get(e, "program"));

		if (!json_is_string(text) || program == NULL || !json_is_integer(json_object_get(e, "seq")))
			return error_set(err, REDRESS_E_INVALID,
			                 "final report %zu: needs 'program' and 'seq', and its text", i + 1);
		if ((rc = report_verify_policy(json_string_value(text), json_string_length(text), vkey,
		                               policy, &rv, err)) != REDRESS_OK)
			return error_prefix(err, "final report %zu (%.64s)", i + 1, program);
		if (strcmp(rv.program, program) != 0 ||
		    rv.seq != (uint64_t)json_integer_value(json_object_get(e, "seq")) || rv.seq >= closed)
			return error_set(err, REDRESS_E_CRYPTO,
			                 "final report %zu is event %llu of %s, not the one the closing event"
			                 " names (%s, event %lld)",
			                 i + 1, (unsigned long long)rv.seq, rv.program, program,
			                 (long long)json_integer_value(json_object_get(e, "seq")));
	}
	*n_r = n;
	return REDRESS_OK;
}

enum redress_err
fund_archive_verify(const char *text, size_t len, const char *vkey, const struct cosig_policy *policy,
                    struct fund_archive_verified *v_r, struct redress_error *err)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], leaf[MERKLE_HASH_SIZE], public[MERKLE_HASH_SIZE];
	const char *body_text, *ev64, *note;
	struct keychain *chain = NULL;
	json_t *root = NULL, *prf, *hashes, *h, *body = NULL, *ev = NULL;
	uint8_t *bytes = NULL;
	struct checkpoint cp;
	char hex[65];
	size_t i, n = 0, blen = 0, hl;
	enum redress_err rc;

	memset(v_r, 0, sizeof(*v_r));
	if (len > FUND_ARCHIVE_MAX)
		return error_set(err, REDRESS_E_INVALID, "an archive is at most %u bytes", FUND_ARCHIVE_MAX);
	if ((chain = malloc(sizeof(*chain))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = keychain_init_vkey(chain, vkey, err)) != REDRESS_OK) {
		error_prefix(err, "the public key");
		goto out;
	}
	if ((root = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    strcmp(json_string_value(json_object_get(root, "format")) != NULL
	               ? json_string_value(json_object_get(root, "format"))
	               : "",
	           FUND_ARCHIVE_FORMAT) != 0 ||
	    (body_text = json_string_value(json_object_get(root, "body"))) == NULL ||
	    (ev64 = json_string_value(json_object_get(root, "event"))) == NULL ||
	    !json_is_object(prf = json_object_get(root, "proof")) ||
	    (note = json_string_value(json_object_get(prf, "checkpoint"))) == NULL ||
	    !json_is_array(hashes = json_object_get(prf, "inclusion")) ||
	    json_array_size(hashes) > MERKLE_MAX_PROOF) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "not an archive: needs 'format' " FUND_ARCHIVE_FORMAT
		               ", 'body', 'event' and 'proof' with 'checkpoint' and 'inclusion'");
		goto out;
	}
	/* The checkpoint: signed by the key in force at its size, through the handovers. */
	if ((rc = keychain_follow_json(chain, json_object_get(root, "handovers"), err)) != REDRESS_OK ||
	    (rc = keychain_verify(chain, note, strlen(note), &cp, NULL, err)) != REDRESS_OK ||
	    (rc = cosig_policy_check(policy, note, strlen(note), err)) != REDRESS_OK) {
		error_prefix(err, "the archive's checkpoint");
		goto out;
	}
	/* The event: its bytes in that tree. */
	if ((bytes = malloc(TLOG_EVENT_MAX + 3)) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	if (codec_base64_decode(ev64, strlen(ev64), bytes, TLOG_EVENT_MAX + 3, &blen, NULL) != REDRESS_OK) {
		rc = error_set(err, REDRESS_E_INVALID, "field 'event' is not base64 of an event");
		goto out;
	}
	json_array_foreach(hashes, i, h)
	{
		if (!json_is_string(h) ||
		    codec_base64_decode(json_string_value(h), json_string_length(h), proof[i],
		                        MERKLE_HASH_SIZE, &hl, NULL) != REDRESS_OK ||
		    hl != MERKLE_HASH_SIZE) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "field 'proof.inclusion[%zu]' is not a base64 hash", i);
			goto out;
		}
		n++;
	}
	if ((ev = json_loadb((const char *)bytes, blen, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_integer(json_object_get(ev, "seq")) ||
	    strcmp(json_string_value(json_object_get(ev, "type")) != NULL
	               ? json_string_value(json_object_get(ev, "type"))
	               : "",
	           FUND_EV_CLOSED) != 0) {
		rc = error_set(err, REDRESS_E_INVALID, "field 'event' is not a %s event", FUND_EV_CLOSED);
		goto out;
	}
	v_r->seq = (uint64_t)json_integer_value(json_object_get(ev, "seq"));
	if (json_object_get(root, "event_public") != NULL) {
		const char *ph = json_string_value(json_object_get(root, "event_public"));

		if (ph == NULL || strlen(ph) != 2 * MERKLE_HASH_SIZE ||
		    codec_hex_decode(ph, strlen(ph), public, sizeof(public), &hl, NULL) != REDRESS_OK ||
		    hl != MERKLE_HASH_SIZE) {
			rc = error_set(err, REDRESS_E_INVALID, "field 'event_public' is not 64 hex digits");
			goto out;
		}
	}
	if ((rc = tlog_leaf_of(bytes, blen, json_object_get(root, "event_public") != NULL ? public : NULL,
	                       leaf, err)) != REDRESS_OK) {
		error_prefix(err, "field 'event'");
		goto out;
	}
	if (v_r->seq >= cp.size ||
	    merkle_verify_inclusion(v_r->seq, cp.size, leaf, (const uint8_t(*)[MERKLE_HASH_SIZE])proof, n,
	                            cp.root, err) != REDRESS_OK) {
		rc = error_set(
		    err, REDRESS_E_CRYPTO,
		    "the closing event is not event %llu of the log signed at size %llu: its bytes, or the"
		    " proof, were altered",
		    (unsigned long long)v_r->seq, (unsigned long long)cp.size);
		goto out;
	}
	/* The body: the one the event names. */
	hash_sha256_hex(body_text, strlen(body_text), hex);
	if (strcmp(json_string_value(json_object_get(json_object_get(ev, "data"), "archive")) != NULL
	               ? json_string_value(json_object_get(json_object_get(ev, "data"), "archive"))
	               : "",
	           hex) != 0) {
		rc = error_set(
		    err, REDRESS_E_CRYPTO,
		    "the archive's body is not the one the log's closing event names: it was altered");
		goto out;
	}
	if ((body = json_loads(body_text, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		rc = error_set(err, REDRESS_E_INVALID, "the archive's body is not JSON");
		goto out;
	}
	if ((rc = body_check(body, v_r, err)) != REDRESS_OK ||
	    (rc = reports_check(json_object_get(body, "final_reports"), json_object_get(root, "reports"),
	                        vkey, policy, v_r->seq, &v_r->reports, err)) != REDRESS_OK)
		goto out;
	snprintf(v_r->origin, sizeof(v_r->origin), "%s", cp.origin);
	snprintf(v_r->archive, sizeof(v_r->archive), "%s", hex);
	v_r->size = cp.size;
	rc = REDRESS_OK;
out:
	free(bytes);
	free(chain);
	json_decref(ev);
	json_decref(body);
	json_decref(root);
	return rc;
}
