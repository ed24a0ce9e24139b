/*
 * programs_apply.c -- the programs' event and table: encoding the event,
 * reading it back, applying it, replaying it, and folding it for audit's
 * fast path.  A program's row is never changed once added, and each
 * version after it is two final rows (proposed, approved), so each row is
 * final when its event is read: the fold hashes it at once and keeps only
 * the code, to refuse a second program under the same code as replay would.
 */
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/strmap.h"
#include "core/text.h"
#include "domain/programs/programs_int.h"
#include "domain/registry/registry.h"

static const char programs_schema[] = "CREATE TABLE IF NOT EXISTS programs_programs ("
                                      " code TEXT PRIMARY KEY,"
                                      " name TEXT NOT NULL,"
                                      " currency TEXT NOT NULL,"
                                      " cutoff TEXT NOT NULL,"
                                      " fund TEXT NOT NULL,"
                                      " payable TEXT NOT NULL,"
                                      " expense TEXT NOT NULL,"
                                      " survivor_amount INTEGER NOT NULL,"
                                      " bereaved_amount INTEGER NOT NULL,"
                                      " approvals INTEGER NOT NULL,"
                                      " added_seq INTEGER NOT NULL);"
                                      /* The rules beyond the flat schedule, as the event holds them. */
                                      "CREATE TABLE IF NOT EXISTS programs_rules ("
                                      " code TEXT PRIMARY KEY,"
                                      " rules TEXT NOT NULL);"
                                      /*
                                       * The versions after the first: each proposed by an admin
                                       * (a final row), approved by another (a final row beside
                                       * it); the program's row keeps version 1.
                                       */
                                      "CREATE TABLE IF NOT EXISTS programs_versions ("
                                      " code TEXT NOT NULL,"
                                      " version INTEGER NOT NULL,"
                                      " from_on TEXT NOT NULL,"
                                      " name TEXT NOT NULL,"
                                      " currency TEXT NOT NULL,"
                                      " cutoff TEXT NOT NULL,"
                                      " fund TEXT NOT NULL,"
                                      " payable TEXT NOT NULL,"
                                      " expense TEXT NOT NULL,"
                                      " survivor_amount INTEGER NOT NULL,"
                                      " bereaved_amount INTEGER NOT NULL,"
                                      " approvals INTEGER NOT NULL,"
                                      " rules TEXT NOT NULL,"
                                      " proposed_seq INTEGER NOT NULL,"
                                      " proposed_by TEXT NOT NULL,"
                                      " PRIMARY KEY (code, version));"
                                      "CREATE TABLE IF NOT EXISTS programs_version_adds ("
                                      " code TEXT NOT NULL,"
                                      " version INTEGER NOT NULL,"
                                      " added_seq INTEGER NOT NULL,"
                                      " added_by TEXT NOT NULL,"
                                      " PRIMARY KEY (code, version));";

#define PROGRAM_COLUMNS                                                                                      \
	"code, name, currency, cutoff, fund, payable, expense, survivor_amount, bereaved_amount, approvals," \
	" added_seq"
#define PROGRAM_SELECT                                                                                       \
	"SELECT p.code, p.name, p.currency, p.cutoff, p.fund, p.payable, p.expense, p.survivor_amount,"      \
	" p.bereaved_amount, p.approvals, p.added_seq, coalesce(r.rules, '')"                                \
	" FROM programs_programs p LEFT JOIN programs_rules r ON r.code = p.code"

#define VERSION_COLUMNS                                                                                      \
	"code, version, from_on, name, currency, cutoff, fund, payable, expense, survivor_amount,"           \
	" bereaved_amount, approvals, rules, proposed_seq, proposed_by"
/* A version read as programs_next reads a program, then its number and day. */
#define VERSION_SELECT                                                                                       \
	"SELECT v.code, v.name, v.currency, v.cutoff, v.fund, v.payable, v.expense, v.survivor_amount,"      \
	" v.bereaved_amount, v.approvals, coalesce(a.added_seq, 0), v.rules, v.version, v.from_on"           \
	" FROM programs_versions v LEFT JOIN programs_version_adds a"                                        \
	" ON a.code = v.code AND a.version = v.version"

static const struct store_statement programs_statements[] = {
    [PROGRAMS_Q_GET] = {.name = "programs.get",
                        .sql = PROGRAM_SELECT " WHERE p.code = ?1",
                        .columns = "tttttttiiiit"},
    [PROGRAMS_Q_ALL] = {.name = "programs.all",
                        .sql = PROGRAM_SELECT " ORDER BY p.code",
                        .columns = "tttttttiiiit"},
    [PROGRAMS_Q_INSERT] = {.name = "programs.insert",
                           .sql = "INSERT INTO programs_programs (" PROGRAM_COLUMNS
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                           .columns = ""},
    [PROGRAMS_Q_RULES_INSERT] = {.name = "programs.rules.insert",
                                 .sql = "INSERT INTO programs_rules (code, rules) VALUES (?1, ?2)",
                                 .columns = ""},
    [PROGRAMS_Q_SNAPSHOT] = {.name = "programs_programs",
                             .sql = "SELECT " PROGRAM_COLUMNS " FROM programs_programs ORDER BY code",
                             .columns = "tttttttiiii"},
    [PROGRAMS_Q_SNAPSHOT_RULES] = {.name = "programs_rules",
                                   .sql = "SELECT code, rules FROM programs_rules ORDER BY code",
                                   .columns = "tt"},
    [PROGRAMS_Q_SNAPSHOT_VERSIONS] = {.name = "programs_versions",
                                      .sql = "SELECT " VERSION_COLUMNS " FROM programs_versions"
                                             " ORDER BY code, version",
                                      .columns = "titttttttiiitit"},
    [PROGRAMS_Q_SNAPSHOT_VERSION_ADDS] = {.name = "programs_version_adds",
                                          .sql = "SELECT code, version, added_seq, added_by FROM"
                                                 " programs_version_adds ORDER BY code, version",
                                          .columns = "tiit"},
    [PROGRAMS_Q_VERSION_INSERT] = {.name = "programs.version.insert",
                                   .sql = "INSERT INTO programs_versions (" VERSION_COLUMNS
                                          ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                                          " ?14, ?15)",
                                   .columns = ""},
    [PROGRAMS_Q_VERSION_ADD_INSERT] = {.name = "programs.version.add.insert",
                                       .sql = "INSERT INTO programs_version_adds (code, version, added_seq,"
                                              " added_by) VALUES (?1, ?2, ?3, ?4)",
                                       .columns = ""},
    [PROGRAMS_Q_VERSION_IN_FORCE] = {.name = "programs.version.in_force",
                                     .sql = VERSION_SELECT " WHERE v.code = ?1 AND v.from_on <= ?2"
                                                           " AND a.added_seq IS NOT NULL"
                                                           " ORDER BY v.version DESC LIMIT 1",
                                     .columns = "tttttttiiiitit"},
    [PROGRAMS_Q_VERSION_GET] = {.name = "programs.version.get",
                                .sql = VERSION_SELECT " WHERE v.code = ?1 AND v.version = ?2",
                                .columns = "tttttttiiiitit"},
    [PROGRAMS_Q_VERSIONS] = {.name = "programs.versions",
                             .sql = "SELECT v.version, v.from_on, v.proposed_seq, v.proposed_by,"
                                    " coalesce(a.added_seq, 0), coalesce(a.added_by, '')"
                                    " FROM programs_versions v LEFT JOIN programs_version_adds a"
                                    " ON a.code = v.code AND a.version = v.version"
                                    " WHERE v.code = ?1 ORDER BY v.version",
                             .columns = "ititit"},
    [PROGRAMS_Q_VERSION_LAST] =
        {.name = "programs.version.last",
         .sql = "SELECT coalesce(max(version), 1) FROM programs_versions WHERE code = ?1",
         .columns = "i"},
};

const struct store_catalogue programs_catalogue = {"programs", programs_statements,
                                                   STORE_COUNT(programs_statements)};

/*
 * A program's row as read (PROGRAMS_Q_GET's columns; a version's add its
 * number and first day), before it is copied into a struct program: a
 * read that finds no row leaves the caller's program as it was.  The
 * rules are borrowed and parsed.
 */
struct program_head {
	char code[PROGRAM_CODE_MAX + 1];
	char name[PROGRAM_NAME_MAX + 1];
	char currency[CURRENCY_CODE_SIZE];
	char cutoff[11];
	char fund[LEDGER_CODE_MAX + 1];
	char payable[LEDGER_CODE_MAX + 1];
	char expense[LEDGER_CODE_MAX + 1];
	int64_t survivor_amount, bereaved_amount;
	int approvals;
	uint64_t added_seq;
	const char *rules;
	int version;
	char from[11];
};

/* Each text cut to its field, as text_copy cut it before. */
#define PROGRAM_FIELDS                                                                                       \
	STORE_FIELD_CUT(struct program_head, code), STORE_FIELD_CUT(struct program_head, name),              \
	    STORE_FIELD_CUT(struct program_head, currency), STORE_FIELD_CUT(struct program_head, cutoff),    \
	    STORE_FIELD_CUT(struct program_head, fund), STORE_FIELD_CUT(struct program_head, payable),       \
	    STORE_FIELD_CUT(struct program_head, expense),                                                   \
	    STORE_FIELD(struct program_head, survivor_amount),                                               \
	    STORE_FIELD(struct program_head, bereaved_amount), STORE_FIELD(struct program_head, approvals),  \
	    STORE_FIELD(struct program_head, added_seq), STORE_FIELD_TEXT(struct program_head, rules)

static const struct store_field program_fields[] = {PROGRAM_FIELDS};
static const struct store_field program_version_fields[] = {
    PROGRAM_FIELDS, STORE_FIELD(struct program_head, version), STORE_FIELD_CUT(struct program_head, from)};

/* Copies array member m of the head into the program (the same size in both). */
#define HEAD_COPY(p, h, m)                                                                                   \
	do {                                                                                                 \
		_Static_assert(sizeof((p)->m) == sizeof((h)->m), "program and its head differ in " #m);      \
		memcpy((p)->m, (h)->m, sizeof((p)->m));                                                      \
	} while (0)

enum store_step_result
programs_next(struct store_stmt *st, struct program *p, int versioned, struct redress_error *err)
{
	struct program_head h;
	enum store_step_result r;

	memset(&h, 0, sizeof(h));
	if ((r = store_read(st, versioned ? program_version_fields : program_fields, &h, err)) != STORE_ROW)
		return r;
	memset(p, 0, sizeof(*p));
	HEAD_COPY(p, &h, code);
	HEAD_COPY(p, &h, name);
	HEAD_COPY(p, &h, currency);
	HEAD_COPY(p, &h, cutoff);
	HEAD_COPY(p, &h, fund);
	HEAD_COPY(p, &h, payable);
	HEAD_COPY(p, &h, expense);
	HEAD_COPY(p, &h, from);
	p->survivor_amount = h.survivor_amount;
	p->bereaved_amount = h.bereaved_amount;
	p->approvals = h.approvals;
	p->added_seq = h.added_seq;
	p->version = versioned ? h.version : 1;
	if (programs_rules_load(p, h.rules, err) != REDRESS_OK) {
		store_done(st);
		return STORE_ERROR;
	}
	return STORE_ROW;
}

/*
 * {"accounts":{"expense","fund","payable"},"approvals","benefits":{"bereaved","survivor"},
 *  "code","currency","cutoff","name","rules"}: the file's shape, amounts in minor units;
 * "rules" (the second format's fields as canonical JSON text, programs_rules_text) only
 * when the program has any, so a program of the first format is the event it always was;
 * "from" and "version" only for a version after the first ("programs.version.proposed").
 */
enum redress_err
programs_encode(struct buf *out, const struct program *p, const char *rules_text, struct redress_error *err)
{
	struct canon c;

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "accounts");
	canon_object_begin(&c);
	canon_key(&c, "expense");
	canon_string(&c, p->expense);
	canon_key(&c, "fund");
	canon_string(&c, p->fund);
	canon_key(&c, "payable");
	canon_string(&c, p->payable);
	canon_object_end(&c);
	canon_key(&c, "approvals");
	canon_int(&c, p->approvals);
	canon_key(&c, "benefits");
	canon_object_begin(&c);
	canon_key(&c, "bereaved");
	canon_int(&c, p->bereaved_amount);
	canon_key(&c, "survivor");
	canon_int(&c, p->survivor_amount);
	canon_object_end(&c);
	canon_key(&c, "code");
	canon_string(&c, p->code);
	canon_key(&c, "currency");
	canon_string(&c, p->currency);
	canon_key(&c, "cutoff");
	canon_string(&c, p->cutoff);
	if (p->version > 1) {
		canon_key(&c, "from");
		canon_string(&c, p->from);
	}
	canon_key(&c, "name");
	canon_string(&c, p->name);
	if (rules_text[0] != '\0') {
		canon_key(&c, "rules");
		canon_string(&c, rules_text);
	}
	if (p->version > 1) {
		canon_key(&c, "version");
		canon_int(&c, p->version);
	}
	canon_object_end(&c);
	return canon_error(&c, err);
}

/* The member key of obj, which must be an object with only the allowed members. */
static enum redress_err
sub_object(const struct canon_node *obj, const char *key, const char *const *allowed,
           const struct canon_node **sub_r, struct redress_error *err)
{
	const struct canon_node *sub = canon_find(obj, key);

	if (sub == NULL || sub->type != CANON_OBJECT)
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be an object", key);
	*sub_r = sub;
	return canon_only_keys(sub, allowed, err);
}

enum redress_err
programs_decode(const struct event *ev, struct program *p, const char **rules_text_r,
                struct redress_error *err)
{
	static const char *const keys[] = {"accounts", "approvals", "benefits", "code", "currency",
	                                   "cutoff",   "name",      "rules",    NULL};
	static const char *const version_keys[] = {"accounts", "approvals", "benefits", "code",
	                                           "currency", "cutoff",    "from",     "name",
	                                           "rules",    "version",   NULL};
	int proposed = strcmp(ev->type, PROGRAMS_EV_VERSION_PROPOSED) == 0;
	static const char *const account_keys[] = {"expense", "fund", "payable", NULL};
	static const char *const benefit_keys[] = {"bereaved", "survivor", NULL};
	const struct canon_node *accounts = NULL, *benefits = NULL;
	int64_t approvals;
	enum redress_err rc;

	memset(p, 0, sizeof(*p));
	p->version = 1;
	if ((rc = canon_only_keys(ev->data, proposed ? version_keys : keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "code", p->code, sizeof(p->code), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "name", p->name, sizeof(p->name), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "currency", p->currency, sizeof(p->currency), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(ev->data, "cutoff", p->cutoff, sizeof(p->cutoff), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "approvals", &approvals, err)) != REDRESS_OK ||
	    (rc = sub_object(ev->data, "accounts", account_keys, &accounts, err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(accounts, "fund", p->fund, sizeof(p->fund), err)) != REDRESS_OK ||
	    (rc = canon_get_string_into(accounts, "payable", p->payable, sizeof(p->payable), err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string_into(accounts, "expense", p->expense, sizeof(p->expense), err)) !=
	        REDRESS_OK ||
	    (rc = sub_object(ev->data, "benefits", benefit_keys, &benefits, err)) != REDRESS_OK ||
	    (rc = canon_get_int(benefits, "survivor", &p->survivor_amount, err)) != REDRESS_OK ||
	    (rc = canon_get_int(benefits, "bereaved", &p->bereaved_amount, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(ev->data, "rules", rules_text_r, err)) != REDRESS_OK)
		return rc;
	if (*rules_text_r == NULL)
		*rules_text_r = "";
	else if ((*rules_text_r)[0] == '\0')
		return error_set(err, REDRESS_E_INVALID, "field 'rules' is empty");
	if ((rc = programs_rules_load(p, *rules_text_r, err)) != REDRESS_OK)
		return rc;
	if (approvals < PROGRAM_APPROVALS_MIN || approvals > PROGRAM_APPROVALS_MAX)
		return error_set(err, REDRESS_E_INVALID, "field 'approvals' is %lld", (long long)approvals);
	p->approvals = (int)approvals;
	p->added_seq = ev->seq;
	if (proposed) {
		int64_t version;

		if ((rc = canon_get_int(ev->data, "version", &version, err)) != REDRESS_OK ||
		    (rc = canon_get_string_into(ev->data, "from", p->from, sizeof(p->from), err)) !=
		        REDRESS_OK)
			return rc;
		if (version < 2 || version > PROGRAM_VERSIONS_MAX)
			return error_set(err, REDRESS_E_INVALID, "field 'version' is %lld",
			                 (long long)version);
		p->version = (int)version;
		p->added_seq = 0;
		if ((rc = registry_date_check("field 'from'", p->from, err)) != REDRESS_OK)
			return rc;
	}
	/* What the commands would refuse, the log may not carry either. */
	return programs_check(p, err);
}

enum redress_err
programs_apply(struct store *store, const struct program *p, const char *rules_text,
               struct redress_error *err)
{
	struct store_stmt *st;
	enum redress_err rc;

	if ((st = store_statement(store, &programs_catalogue, PROGRAMS_Q_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p->code);
	store_bind_text(st, 2, p->name);
	store_bind_text(st, 3, p->currency);
	store_bind_text(st, 4, p->cutoff);
	store_bind_text(st, 5, p->fund);
	store_bind_text(st, 6, p->payable);
	store_bind_text(st, 7, p->expense);
	store_bind_int64(st, 8, p->survivor_amount);
	store_bind_int64(st, 9, p->bereaved_amount);
	store_bind_int64(st, 10, p->approvals);
	store_bind_int64(st, 11, (int64_t)p->added_seq);
	if ((rc = store_run(st, err)) != REDRESS_OK || rules_text[0] == '\0')
		return rc;
	if ((st = store_statement(store, &programs_catalogue, PROGRAMS_Q_RULES_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, p->code);
	store_bind_text(st, 2, rules_text);
	return store_run(st, err);
}

static enum redress_err
programs_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct program p;
	const char *rules;
	enum redress_err rc;

	if (strcmp(ev->type, PROGRAMS_EV_ADDED) != 0)
		return programs_versions_replay(store, ev, err);
	if ((rc = programs_decode(ev, &p, &rules, err)) != REDRESS_OK)
		return rc;
	return programs_apply(store, &p, rules, err);
}

struct check_ctx {
	struct store *store;
	struct audit_report *report;
};

/* Each program's accounts are still what it needs: the fund a no-overdraft asset, all in its currency. */
static enum redress_err
check_accounts(void *ctx, const struct program *p, struct redress_error *err)
{
	static const enum ledger_kind kinds[] = {LEDGER_ASSET, LEDGER_LIABILITY, LEDGER_EXPENSE};
	const char *codes[] = {p->fund, p->payable, p->expense};
	struct check_ctx *c = ctx;
	struct ledger_account a;
	struct redress_error e;
	enum redress_err rc;
	size_t i;

	for (i = 0; i < 3; i++) {
		rc = ledger_account_get(c->store, codes[i], &a, &e);
		if (rc == REDRESS_E_NOTFOUND) {
			audit_finding(c->report, "program '%s': its account '%s' does not exist", p->code,
			              codes[i]);
			continue;
		}
		if (rc != REDRESS_OK) {
			*err = e;
			return rc;
		}
		if (a.kind != kinds[i] || strcmp(a.currency, p->currency) != 0 || (i == 0 && !a.no_overdraft))
			audit_finding(c->report,
			              "program '%s': account '%s' is %s %s%s, not the %s %s it needs",
			              p->code, codes[i], a.currency, ledger_kind_name(a.kind),
			              a.no_overdraft ? " (no overdraft)" : "", p->currency,
			              i == 0 ? "no-overdraft asset" : ledger_kind_name(kinds[i]));
	}
	return REDRESS_OK;
}

static enum redress_err
programs_check_tables(struct store *store, struct audit_report *report, struct redress_error *err)
{
	struct check_ctx c = {store, report};

	return program_each(store, check_accounts, &c, err);
}

/* Audit's fast path. */
static void *
programs_fold_begin(void)
{
	struct strmap *codes = malloc(sizeof(*codes));

	if (codes != NULL)
		strmap_init(codes);
	return codes;
}

/*
 * A version's event, folded: its row is final at once (a proposal, an
 * approval).  The program must have been added; the order of versions
 * and the second admin are what replay checks against the tables.
 */
static enum redress_err
fold_version(struct strmap *codes, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct program *p;
	const char *rules;
	char code[PROGRAM_CODE_MAX + 1];
	int version;
	enum redress_err rc;

	if (strcmp(ev->type, PROGRAMS_EV_VERSION_ADDED) == 0) {
		if ((rc = programs_version_add_decode(ev, code, &version, err)) != REDRESS_OK)
			return rc;
		if (strmap_get(codes, code) == NULL)
			return error_set(err, REDRESS_E_NOTFOUND,
			                 "a version of program '%s', which was never added", code);
		{
			const struct audit_value row[] = {AUDIT_TEXT_VALUE(code), AUDIT_INT_VALUE(version),
			                                  AUDIT_INT_VALUE(ev->seq),
			                                  AUDIT_TEXT_VALUE(ev->actor)};

			audit_fold_row(fold, 3, row, sizeof(row) / sizeof(row[0]));
		}
		return REDRESS_OK;
	}
	if ((p = malloc(sizeof(*p))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding programs");
	if ((rc = programs_decode(ev, p, &rules, err)) == REDRESS_OK && strmap_get(codes, p->code) == NULL)
		rc = error_set(err, REDRESS_E_NOTFOUND, "a version of program '%s', which was never added",
		               p->code);
	if (rc == REDRESS_OK) {
		const struct audit_value row[] = {
		    AUDIT_TEXT_VALUE(p->code),
		    AUDIT_INT_VALUE(p->version),
		    AUDIT_TEXT_VALUE(p->from),
		    AUDIT_TEXT_VALUE(p->name),
		    AUDIT_TEXT_VALUE(p->currency),
		    AUDIT_TEXT_VALUE(p->cutoff),
		    AUDIT_TEXT_VALUE(p->fund),
		    AUDIT_TEXT_VALUE(p->payable),
		    AUDIT_TEXT_VALUE(p->expense),
		    AUDIT_INT_VALUE(p->survivor_amount),
		    AUDIT_INT_VALUE(p->bereaved_amount),
		    AUDIT_INT_VALUE(p->approvals),
		    AUDIT_TEXT_VALUE(rules),
		    AUDIT_INT_VALUE(ev->seq),
		    AUDIT_TEXT_VALUE(ev->actor),
		};

		audit_fold_row(fold, 2, row, sizeof(row) / sizeof(row[0]));
	}
	free(p);
	return rc;
}

static enum redress_err
programs_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct strmap *codes = model;
	struct program p;
	const char *rules;
	char *code;
	enum redress_err rc;

	if (strcmp(ev->type, PROGRAMS_EV_VERSION_PROPOSED) == 0 ||
	    strcmp(ev->type, PROGRAMS_EV_VERSION_ADDED) == 0)
		return fold_version(codes, ev, fold, err);
	if (strcmp(ev->type, PROGRAMS_EV_ADDED) != 0)
		return error_set(err, REDRESS_E_INVALID, "unknown programs event type '%.64s'", ev->type);
	if ((rc = programs_decode(ev, &p, &rules, err)) != REDRESS_OK)
		return rc;
	if (strmap_get(codes, p.code) != NULL)
		return error_set(err, REDRESS_E_CONFLICT, "program '%s' is added twice", p.code);
	if ((code = strdup(p.code)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding programs");
	if ((rc = strmap_put(codes, code, code, err)) != REDRESS_OK) {
		free(code);
		return rc;
	}
	{
		const struct audit_value row[] = {
		    AUDIT_TEXT_VALUE(p.code),           AUDIT_TEXT_VALUE(p.name),
		    AUDIT_TEXT_VALUE(p.currency),       AUDIT_TEXT_VALUE(p.cutoff),
		    AUDIT_TEXT_VALUE(p.fund),           AUDIT_TEXT_VALUE(p.payable),
		    AUDIT_TEXT_VALUE(p.expense),        AUDIT_INT_VALUE(p.survivor_amount),
		    AUDIT_INT_VALUE(p.bereaved_amount), AUDIT_INT_VALUE(p.approvals),
		    AUDIT_INT_VALUE(p.added_seq),
		};

		audit_fold_row(fold, 0, row, sizeof(row) / sizeof(row[0]));
	}
	if (rules[0] != '\0') {
		const struct audit_value row[] = {AUDIT_TEXT_VALUE(p.code), AUDIT_TEXT_VALUE(rules)};

		audit_fold_row(fold, 1, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

static void
programs_fold_end(void *model, struct audit_fold *fold)
{
	struct strmap *codes = model;
	size_t i;

	(void)fold;
	for (i = 0; i < codes->cap; i++)
		free(codes->slots[i].value);
	strmap_free(codes);
	free(codes);
}

/* In the order of the fold's tables. */
static const unsigned programs_snapshots[] = {PROGRAMS_Q_SNAPSHOT, PROGRAMS_Q_SNAPSHOT_RULES,
                                              PROGRAMS_Q_SNAPSHOT_VERSIONS, PROGRAMS_Q_SNAPSHOT_VERSION_ADDS};

const struct event_module programs_module = {
    .name = "programs",
    .type_prefix = "programs.",
    .schema = programs_schema,
    .catalogue = &programs_catalogue,
    .snapshot_ids = programs_snapshots,
    .nsnapshots = STORE_COUNT(programs_snapshots),
    .replay = programs_replay,
    .check = programs_check_tables,
    .fold_begin = programs_fold_begin,
    .fold = programs_fold,
    .fold_end = programs_fold_end,
};
