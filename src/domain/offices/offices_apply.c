/*
 * offices_apply.c -- the offices module's tables, statements and events:
 * reading each event back (every field checked, unknown fields refused)
 * and applying it, the one way the live commands and audit's replay write
 * the tables.  Audit replays these events into SQL (no fold): they are
 * few, one per office, per account and per transfer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/offices/offices_int.h"
#include "log/audit.h"

static const char offices_schema[] =
    "CREATE TABLE IF NOT EXISTS offices_offices ("
    " code TEXT PRIMARY KEY, name TEXT NOT NULL, added_seq INTEGER NOT NULL);"
    /* A region is in one office at most: a person's office follows from her region. */
    "CREATE TABLE IF NOT EXISTS offices_regions ("
    " region TEXT PRIMARY KEY, office TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS offices_regions_office ON offices_regions (office, region);"
    /* An account with no row belongs to no office: it sees across. */
    "CREATE TABLE IF NOT EXISTS offices_staff ("
    " account TEXT PRIMARY KEY, office TEXT NOT NULL, seq INTEGER NOT NULL);"
    /* A person's last transfer, which holds her whatever her region; the reason sealed with her key. */
    "CREATE TABLE IF NOT EXISTS offices_persons ("
    " pseudonym TEXT PRIMARY KEY, office TEXT NOT NULL, reason TEXT NOT NULL, seq INTEGER NOT NULL);";

/* The SQL of a person's office, her pseudonym ?1: her transfer's, else her region's, else ''. */
#define PERSON_OFFICE                                                                                        \
	"SELECT coalesce((SELECT t.office FROM offices_persons t WHERE t.pseudonym = ?1),"                   \
	" (SELECT r.office FROM registry_persons p JOIN offices_regions r ON r.region = p.region"            \
	" WHERE p.pseudonym = ?1), '')"

static const struct store_statement offices_statements[OFFICES_Q_COUNT] = {
    [OFFICES_Q_OFFICE_INSERT] =
        {.name = "offices.office.insert",
         .sql = "INSERT INTO offices_offices (code, name, added_seq) VALUES (?1, ?2, ?3)",
         .columns = ""},
    [OFFICES_Q_OFFICE_GET] = {.name = "offices.office.get",
                              .sql = "SELECT name FROM offices_offices WHERE code = ?1",
                              .columns = "t"},
    [OFFICES_Q_OFFICES] = {.name = "offices.offices",
                           .sql = "SELECT o.code, o.name, (SELECT count(*) FROM offices_staff s WHERE"
                                  " s.office = o.code) FROM offices_offices o ORDER BY o.code",
                           .columns = "tti"},
    [OFFICES_Q_REGION_INSERT] = {.name = "offices.region.insert",
                                 .sql = "INSERT INTO offices_regions (region, office) VALUES (?1, ?2)",
                                 .columns = ""},
    [OFFICES_Q_REGION_GET] = {.name = "offices.region.get",
                              .sql = "SELECT office FROM offices_regions WHERE region = ?1",
                              .columns = "t"},
    [OFFICES_Q_REGIONS_OF] = {.name = "offices.regions_of",
                              .sql = "SELECT region FROM offices_regions WHERE office = ?1 ORDER BY region",
                              .columns = "t"},
    [OFFICES_Q_STAFF_COUNT] = {.name = "offices.staff.count",
                               .sql = "SELECT count(*) FROM offices_staff WHERE office = ?1",
                               .columns = "i"},
    [OFFICES_Q_STAFF_DELETE] = {.name = "offices.staff.delete",
                                .sql = "DELETE FROM offices_staff WHERE account = ?1",
                                .columns = ""},
    [OFFICES_Q_STAFF_INSERT] = {.name = "offices.staff.insert",
                                .sql = "INSERT INTO offices_staff (account, office, seq) VALUES (?1, ?2, ?3)",
                                .columns = ""},
    [OFFICES_Q_STAFF_GET] = {.name = "offices.staff.get",
                             .sql = "SELECT office FROM offices_staff WHERE account = ?1",
                             .columns = "t"},
    [OFFICES_Q_PERSON_DELETE] = {.name = "offices.person.delete",
                                 .sql = "DELETE FROM offices_persons WHERE pseudonym = ?1",
                                 .columns = ""},
    [OFFICES_Q_PERSON_INSERT] = {.name = "offices.person.insert",
                                 .sql = "INSERT INTO offices_persons (pseudonym, office, reason, seq)"
                                        " VALUES (?1, ?2, ?3, ?4)",
                                 .columns = ""},
    [OFFICES_Q_PERSON_OFFICE] = {.name = "offices.person.office",
                                 .sql = PERSON_OFFICE,
                                 .columns = "t",
                                 .reads = "registry"},
    /* Whose is a claim, a note, a task ...: the person the scope of a route or command follows. */
    [OFFICES_Q_CLAIM_PERSON] = {.name = "offices.claim.person",
                                .sql = "SELECT victim FROM claims_claims WHERE id = ?1",
                                .columns = "t",
                                .reads = "claims"},
    [OFFICES_Q_NOTE_PERSON] = {.name = "offices.note.person",
                               .sql = "SELECT pseudonym FROM casework_notes WHERE seq = ?1",
                               .columns = "t",
                               .reads = "casework"},
    [OFFICES_Q_TASK_PERSON] = {.name = "offices.task.person",
                               .sql = "SELECT pseudonym FROM casework_tasks WHERE seq = ?1",
                               .columns = "t",
                               .reads = "casework"},
    [OFFICES_Q_GRIEVANCE_PERSON] = {.name = "offices.grievance.person",
                                    .sql = "SELECT pseudonym FROM casework_grievances WHERE seq = ?1",
                                    .columns = "t",
                                    .reads = "casework"},
    [OFFICES_Q_REFERRAL_PERSON] = {.name = "offices.referral.person",
                                   .sql = "SELECT pseudonym FROM casework_referrals WHERE seq = ?1",
                                   .columns = "t",
                                   .reads = "casework"},
    [OFFICES_Q_CHANGE_PERSON] = {.name = "offices.change.person",
                                 .sql = "SELECT pseudonym FROM registry_changes WHERE seq = ?1",
                                 .columns = "t",
                                 .reads = "registry"},
    /* Audit's snapshots: each table whole, by its key. */
    [OFFICES_Q_SNAP_OFFICES] = {.name = "offices_offices",
                                .sql = "SELECT code, name, added_seq FROM offices_offices ORDER BY code",
                                .columns = "tti"},
    [OFFICES_Q_SNAP_REGIONS] = {.name = "offices_regions",
                                .sql = "SELECT region, office FROM offices_regions ORDER BY region",
                                .columns = "tt"},
    [OFFICES_Q_SNAP_STAFF] = {.name = "offices_staff",
                              .sql = "SELECT account, office, seq FROM offices_staff ORDER BY account",
                              .columns = "tti"},
    [OFFICES_Q_SNAP_PERSONS] = {.name = "offices_persons",
                                .sql = "SELECT pseudonym, office, reason, seq FROM offices_persons"
                                       " ORDER BY pseudonym",
                                .columns = "ttti"},
};

const struct store_catalogue offices_catalogue = {"offices", offices_statements,
                                                  STORE_COUNT(offices_statements)};

static const unsigned offices_snapshots[] = {OFFICES_Q_SNAP_OFFICES, OFFICES_Q_SNAP_REGIONS,
                                             OFFICES_Q_SNAP_STAFF, OFFICES_Q_SNAP_PERSONS};

static struct store_stmt *
stmt(struct store *store, unsigned id, struct redress_error *err)
{
	return store_statement(store, &offices_catalogue, id, err);
}

/* Runs a statement that returns no row. */
static enum redress_err
run(struct store_stmt *st, struct redress_error *err)
{
	switch (store_step(st, err)) {
	case STORE_DONE: return REDRESS_OK;
	case STORE_ROW: store_done(st); return error_set(err, REDRESS_E_INTERNAL, "a write returned a row");
	default: return err->code;
	}
}

enum redress_err
offices_region_check(const char *region, struct redress_error *err)
{
	return text_check_id("a region", region, REGISTRY_REGION_MAX, "-", err);
}

enum redress_err
offices_code_check(const char *code, struct redress_error *err)
{
	return text_check_id("an office's code", code, OFFICES_CODE_MAX, "-", err);
}

enum redress_err
offices_regions_each(const char *regions,
                     enum redress_err (*fn)(void *ctx, const char *region, struct redress_error *err),
                     void *ctx, struct redress_error *err)
{
	char seen[OFFICES_REGIONS_MAX][REGISTRY_REGION_MAX + 1];
	char region[REGISTRY_REGION_MAX + 1];
	const char *p = regions, *comma;
	size_t n = 0, i, len;
	enum redress_err rc;

	if (regions == NULL || regions[0] == '\0')
		return error_set(err, REDRESS_E_INVALID,
		                 "an office covers at least one region (--regions R1,R2)");
	for (;;) {
		comma = strchr(p, ',');
		len = comma != NULL ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len > REGISTRY_REGION_MAX)
			return error_set(err, REDRESS_E_INVALID,
			                 "region %zu of the list is empty or longer than %d characters",
			                 n + 1, REGISTRY_REGION_MAX);
		memcpy(region, p, len);
		region[len] = '\0';
		if ((rc = offices_region_check(region, err)) != REDRESS_OK)
			return rc;
		for (i = 0; i < n; i++)
			if (strcmp(seen[i], region) == 0)
				return error_set(err, REDRESS_E_INVALID, "region '%s' is listed twice",
				                 region);
		if (n == OFFICES_REGIONS_MAX)
			return error_set(err, REDRESS_E_INVALID, "an office covers at most %d regions",
			                 OFFICES_REGIONS_MAX);
		memcpy(seen[n++], region, len + 1);
		if (fn != NULL && (rc = fn(ctx, region, err)) != REDRESS_OK)
			return rc;
		if (comma == NULL)
			return REDRESS_OK;
		p = comma + 1;
	}
}

int
offices_exists(struct store *store, const char *code, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = stmt(store, OFFICES_Q_OFFICE_GET, err)) == NULL)
		return -1;
	store_bind_text(st, 1, code);
	switch (store_step(st, err)) {
	case STORE_ROW: store_done(st); return 1;
	case STORE_DONE: return 0;
	default: return -1;
	}
}

enum redress_err
offices_office_require(struct store *store, const char *code, struct redress_error *err)
{
	int exists;

	if ((exists = offices_exists(store, code, err)) < 0)
		return err->code;
	if (!exists)
		return error_set(err, REDRESS_E_NOTFOUND, "no office '%s' (see 'redress office list')", code);
	return REDRESS_OK;
}

struct region_ctx {
	struct store *store;
	const char *office;
};

/* Inserts one region of an office, refusing one another office covers. */
static enum redress_err
region_put(void *ctx, const char *region, struct redress_error *err)
{
	struct region_ctx *r = ctx;
	struct store_stmt *st;
	char other[OFFICES_CODE_MAX + 1];
	int found;

	if ((st = stmt(r->store, OFFICES_Q_REGION_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, region);
	if (offices_one_text(st, other, sizeof(other), &found, err) != REDRESS_OK)
		return err->code;
	if (found)
		return error_set(err, REDRESS_E_CONFLICT, "region '%s' is covered by office '%s' already",
		                 region, other);
	if ((st = stmt(r->store, OFFICES_Q_REGION_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, region);
	store_bind_text(st, 2, r->office);
	return run(st, err);
}

static enum redress_err
apply_added(struct store *store, const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"code", "name", "regions", NULL};
	const char *code, *name, *regions;
	struct region_ctx r;
	struct store_stmt *st;
	enum redress_err rc;
	int exists;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "code", &code, err)) != REDRESS_OK ||
	    (rc = offices_code_check(code, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "name", &name, err)) != REDRESS_OK ||
	    (rc = text_check("an office's name", name, OFFICES_NAME_MAX, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "regions", &regions, err)) != REDRESS_OK ||
	    (rc = offices_regions_each(regions, NULL, NULL, err)) != REDRESS_OK)
		return rc;
	if ((exists = offices_exists(store, code, err)) < 0)
		return err->code;
	if (exists)
		return error_set(err, REDRESS_E_CONFLICT, "office '%s' exists already", code);
	if ((st = stmt(store, OFFICES_Q_OFFICE_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, name);
	store_bind_int64(st, 3, (int64_t)ev->seq);
	if ((rc = run(st, err)) != REDRESS_OK)
		return rc;
	r.store = store;
	r.office = code;
	return offices_regions_each(regions, region_put, &r, err);
}

static enum redress_err
apply_staff(struct store *store, const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"account", "office", NULL};
	const char *account, *office;
	struct users_account acct;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "account", &account, err)) != REDRESS_OK ||
	    (rc = users_name_check(account, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(ev->data, "office", &office, err)) != REDRESS_OK ||
	    (office != NULL && (rc = offices_code_check(office, err)) != REDRESS_OK) ||
	    (rc = users_account_get(store, account, &acct, err)) != REDRESS_OK)
		return rc;
	if (office != NULL && (rc = offices_office_require(store, office, err)) != REDRESS_OK)
		return rc;
	if ((st = stmt(store, OFFICES_Q_STAFF_DELETE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	if ((rc = run(st, err)) != REDRESS_OK || office == NULL)
		return rc;
	if ((st = stmt(store, OFFICES_Q_STAFF_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	store_bind_text(st, 2, office);
	store_bind_int64(st, 3, (int64_t)ev->seq);
	return run(st, err);
}

static enum redress_err
apply_transferred(struct store *store, const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"office", "pseudonym", "reason", NULL};
	const char *office, *pseudonym, *reason;
	struct registry_person p;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "office", &office, err)) != REDRESS_OK ||
	    (rc = offices_code_check(office, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "pseudonym", &pseudonym, err)) != REDRESS_OK ||
	    (rc = registry_get_sealed(ev->data, "reason", 0, OFFICES_EVENT_DATA_MAX, &reason, err)) !=
	        REDRESS_OK ||
	    (rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if (p.status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "%s was erased: nothing more can be recorded of this person", pseudonym);
	if ((rc = offices_office_require(store, office, err)) != REDRESS_OK)
		return rc;
	if ((st = stmt(store, OFFICES_Q_PERSON_DELETE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	if ((rc = run(st, err)) != REDRESS_OK)
		return rc;
	if ((st = stmt(store, OFFICES_Q_PERSON_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	store_bind_text(st, 2, office);
	store_bind_text(st, 3, reason);
	store_bind_int64(st, 4, (int64_t)ev->seq);
	return run(st, err);
}

static enum redress_err
offices_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	if (strcmp(ev->type, OFFICES_EV_ADDED) == 0)
		return apply_added(store, ev, err);
	if (strcmp(ev->type, OFFICES_EV_STAFF) == 0)
		return apply_staff(store, ev, err);
	if (strcmp(ev->type, OFFICES_EV_TRANSFERRED) == 0)
		return apply_transferred(store, ev, err);
	return error_set(err, REDRESS_E_INVALID, "unknown offices event type '%.64s'", ev->type);
}

enum redress_err
offices_append(struct tlog *log, const char *type, struct buf *data, struct redress_error *err)
{
	return tlog_append_apply(log, &offices_module, type, data, NULL, err);
}

/*
 * Audit's fast path.  An office's row and its regions' are final when its
 * event is read; an account's office and a person's transfer hold until a
 * later event of the same account or person, so the model keeps the last
 * of each (a list searched in order: offices are few, and transfers rare)
 * and adds them at the end.  The fold checks the fields as replay does;
 * what needs the other modules' tables (the account, the person) it
 * leaves to the replay that a differing digest starts.
 */
struct held {
	char *key, *office, *reason; /* reason: NULL for an account */
	int64_t seq;
};

struct offices_model {
	struct held *staff, *persons;
	size_t nstaff, npersons, capstaff, cappersons;
};

static void *
offices_fold_begin(void)
{
	return calloc(1, sizeof(struct offices_model));
}

/* Keeps key's last row in *list (replacing an earlier one); office NULL drops it. */
static enum redress_err
hold(struct held **list, size_t *n, size_t *cap, const char *key, const char *office, const char *reason,
     int64_t seq, struct redress_error *err)
{
	struct held h = {0}, *grown;
	size_t i, bytes;

	for (i = 0; i < *n; i++)
		if (strcmp((*list)[i].key, key) == 0)
			break;
	if (i < *n) {
		free((*list)[i].key);
		free((*list)[i].office);
		free((*list)[i].reason);
		(*list)[i] = (*list)[--*n];
	}
	if (office == NULL)
		return REDRESS_OK;
	if (*n == *cap) {
		size_t c = *cap == 0 ? 16 : *cap * 2;

		if (__builtin_mul_overflow(c, sizeof(**list), &bytes) ||
		    (grown = realloc(*list, bytes)) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding offices");
		*list = grown;
		*cap = c;
	}
	h.seq = seq;
	if ((h.key = strdup(key)) == NULL || (h.office = strdup(office)) == NULL ||
	    (reason != NULL && (h.reason = strdup(reason)) == NULL)) {
		free(h.key);
		free(h.office);
		return error_set(err, REDRESS_E_NOMEM, "out of memory folding offices");
	}
	(*list)[(*n)++] = h;
	return REDRESS_OK;
}

struct fold_region {
	struct audit_fold *fold;
	const char *office;
};

static enum redress_err
fold_region(void *ctx, const char *region, struct redress_error *err)
{
	struct fold_region *r = ctx;
	struct audit_value v[2] = {{AUDIT_TEXT, 0, region}, {AUDIT_TEXT, 0, r->office}};

	(void)err;
	audit_fold_row(r->fold, 1, v, 2);
	return REDRESS_OK;
}

static enum redress_err
offices_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct offices_model *m = model;
	const char *a, *b, *c;
	enum redress_err rc;

	if (strcmp(ev->type, OFFICES_EV_ADDED) == 0) {
		static const char *const keys[] = {"code", "name", "regions", NULL};
		struct fold_region r;
		struct audit_value v[3];

		if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "code", &a, err)) != REDRESS_OK ||
		    (rc = offices_code_check(a, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "name", &b, err)) != REDRESS_OK ||
		    (rc = text_check("an office's name", b, OFFICES_NAME_MAX, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "regions", &c, err)) != REDRESS_OK ||
		    (rc = offices_regions_each(c, NULL, NULL, err)) != REDRESS_OK)
			return rc;
		v[0] = (struct audit_value){AUDIT_TEXT, 0, a};
		v[1] = (struct audit_value){AUDIT_TEXT, 0, b};
		v[2] = (struct audit_value){AUDIT_INT, (int64_t)ev->seq, NULL};
		audit_fold_row(fold, 0, v, 3);
		r.fold = fold;
		r.office = a;
		return offices_regions_each(c, fold_region, &r, err);
	}
	if (strcmp(ev->type, OFFICES_EV_STAFF) == 0) {
		static const char *const keys[] = {"account", "office", NULL};

		if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "account", &a, err)) != REDRESS_OK ||
		    (rc = users_name_check(a, err)) != REDRESS_OK ||
		    (rc = canon_get_string_opt(ev->data, "office", &b, err)) != REDRESS_OK ||
		    (b != NULL && (rc = offices_code_check(b, err)) != REDRESS_OK))
			return rc;
		return hold(&m->staff, &m->nstaff, &m->capstaff, a, b, NULL, (int64_t)ev->seq, err);
	}
	if (strcmp(ev->type, OFFICES_EV_TRANSFERRED) == 0) {
		static const char *const keys[] = {"office", "pseudonym", "reason", NULL};

		if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "office", &a, err)) != REDRESS_OK ||
		    (rc = offices_code_check(a, err)) != REDRESS_OK ||
		    (rc = canon_get_string(ev->data, "pseudonym", &b, err)) != REDRESS_OK ||
		    (rc = registry_get_sealed(ev->data, "reason", 0, OFFICES_EVENT_DATA_MAX, &c, err)) !=
		        REDRESS_OK)
			return rc;
		return hold(&m->persons, &m->npersons, &m->cappersons, b, a, c, (int64_t)ev->seq, err);
	}
	return error_set(err, REDRESS_E_INVALID, "unknown offices event type '%.64s'", ev->type);
}

static void
offices_fold_end(void *model, struct audit_fold *fold)
{
	struct offices_model *m = model;
	struct audit_value v[4];
	size_t i;

	for (i = 0; i < m->nstaff; i++) {
		v[0] = (struct audit_value){AUDIT_TEXT, 0, m->staff[i].key};
		v[1] = (struct audit_value){AUDIT_TEXT, 0, m->staff[i].office};
		v[2] = (struct audit_value){AUDIT_INT, m->staff[i].seq, NULL};
		if (fold != NULL)
			audit_fold_row(fold, 2, v, 3);
		free(m->staff[i].key);
		free(m->staff[i].office);
	}
	for (i = 0; i < m->npersons; i++) {
		v[0] = (struct audit_value){AUDIT_TEXT, 0, m->persons[i].key};
		v[1] = (struct audit_value){AUDIT_TEXT, 0, m->persons[i].office};
		v[2] = (struct audit_value){AUDIT_TEXT, 0, m->persons[i].reason};
		v[3] = (struct audit_value){AUDIT_INT, m->persons[i].seq, NULL};
		if (fold != NULL)
			audit_fold_row(fold, 3, v, 4);
		free(m->persons[i].key);
		free(m->persons[i].office);
		free(m->persons[i].reason);
	}
	free(m->staff);
	free(m->persons);
	free(m);
}

const struct event_module offices_module = {
    .name = "offices",
    .type_prefix = "offices.",
    .schema = offices_schema,
    .catalogue = &offices_catalogue,
    .snapshot_ids = offices_snapshots,
    .nsnapshots = STORE_COUNT(offices_snapshots),
    .replay = offices_replay,
    .fold_begin = offices_fold_begin,
    .fold = offices_fold,
    .fold_end = offices_fold_end,
};
