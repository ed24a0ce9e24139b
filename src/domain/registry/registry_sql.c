/*
 * registry_sql.c -- the registry's statements: one catalogue
 * (registry_catalogue), indexed by the ids of enum registry_statement
 * (registry_int.h), each with its result columns' types, prepared with the
 * log's when a fund is opened (docs/store.md).  The schema stays beside the
 * events in registry_apply.c; the snapshots audit compares are here too.
 */
#include <stddef.h>
#include <string.h>

#include "domain/registry/registry_int.h"

/* A person's public row, as struct registry_person holds it (registry_person_row reads it). */
#define PERSON_COLUMNS                                                                                       \
	"pseudonym, kind, status, death_date, birth_year, region, language, frailty, registered_seq"
#define PERSON_TYPES "ttttittii"

/*
 * The filtered list: ?1 kind or '', ?2 status or '', ?3 the least frailty,
 * ?4 1 for only those with an entitlement not yet paid (queued, returned or
 * at the bank: the entitlements module's table, read here for the pages'
 * filter; hence .reads), 2 for only those with a payment the bank
 * returned, ?5 the order ('registered', 'frailty', 'birth'), ?6 limit, ?7
 * offset.  One statement per order (?5 only checked), so that the default
 * order, registration, walks its index instead of sorting the whole table.
 */
#define LIST_WHERE                                                                                           \
	" WHERE (?1 = '' OR kind = ?1) AND (?2 = '' OR status = ?2) AND frailty >= ?3 AND (?4 = 0 OR"        \
	" EXISTS (SELECT 1 FROM entitlements e WHERE e.beneficiary = registry_persons.pseudonym"             \
	" AND e.state IN ('queued', 'returned', 'batched') AND (?4 = 1 OR e.state = 'returned')))"
#define LIST_SELECT "SELECT " PERSON_COLUMNS " FROM registry_persons" LIST_WHERE " AND ?5 = ?5 ORDER BY "
/*
 * The same for the staff of one office (domain/offices), ?8 its code: only
 * the people it sees, hers by transfer or by region, and those of no
 * office.  Statements of their own, so that the lists without an office
 * never read the offices module's tables.
 */
#define LIST_OFFICE                                                                                          \
	" AND coalesce((SELECT t.office FROM offices_persons t WHERE t.pseudonym = "                         \
	"registry_persons.pseudonym),"                                                                       \
	" (SELECT r.office FROM offices_regions r WHERE r.region = registry_persons.region), ?8) = ?8"
#define LIST_SELECT_OFFICE                                                                                   \
	"SELECT " PERSON_COLUMNS " FROM registry_persons" LIST_WHERE LIST_OFFICE " AND ?5 = ?5 ORDER BY "

/* REGISTRY_SEARCH_INSERT_ROWS pairs of parameters: (?1, ?2) ... (?63, ?64). */
#define PAIRS_32                                                                                             \
	"(?1, ?2), (?3, ?4), (?5, ?6), (?7, ?8), (?9, ?10), (?11, ?12), (?13, ?14),"                         \
	" (?15, ?16), (?17, ?18), (?19, ?20), (?21, ?22), (?23, ?24), (?25, ?26),"                           \
	" (?27, ?28), (?29, ?30), (?31, ?32), (?33, ?34), (?35, ?36), (?37, ?38),"                           \
	" (?39, ?40), (?41, ?42), (?43, ?44), (?45, ?46), (?47, ?48), (?49, ?50),"                           \
	" (?51, ?52), (?53, ?54), (?55, ?56), (?57, ?58), (?59, ?60), (?61, ?62),"                           \
	" (?63, ?64)"

static const struct store_statement registry_statements[REGISTRY_Q_COUNT] = {
    /* Persons. */
    [REGISTRY_Q_PERSON_GET] = {.name = "registry.person.get",
                               .sql = "SELECT " PERSON_COLUMNS " FROM registry_persons WHERE pseudonym = ?1",
                               .columns = PERSON_TYPES},
    [REGISTRY_Q_PERSON_LAST] = {.name = "registry.person.last",
                                .sql = "SELECT pseudonym FROM registry_persons WHERE kind = ?1"
                                       " ORDER BY registered_seq DESC LIMIT 1",
                                .columns = "t"},
    [REGISTRY_Q_PERSON_INSERT] = {.name = "registry.person.insert",
                                  .sql = "INSERT INTO registry_persons (pseudonym, kind, status, death_date,"
                                         " birth_year, region, language, frailty, identity, id_index,"
                                         " registered_seq, death_seq, erased_seq)"
                                         " VALUES (?1, ?2, 'alive', NULL, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL,"
                                         " NULL)",
                                  .columns = ""},
    [REGISTRY_Q_PERSON_DIED] = {.name = "registry.person.died",
                                .sql = "UPDATE registry_persons SET status = 'deceased', death_date = ?2,"
                                       " death_seq = ?3 WHERE pseudonym = ?1",
                                .columns = ""},
    [REGISTRY_Q_PERSON_ERASED] = {.name = "registry.person.erased",
                                  .sql = "UPDATE registry_persons SET status = 'erased', erased_seq = ?2"
                                         " WHERE pseudonym = ?1",
                                  .columns = ""},
    [REGISTRY_Q_PERSONS_ALL] = {.name = "registry.persons.all",
                                .sql = "SELECT " PERSON_COLUMNS " FROM registry_persons"
                                       " ORDER BY kind, registered_seq",
                                .columns = PERSON_TYPES},
    [REGISTRY_Q_PERSONS_STATUS] = {.name = "registry.persons.status",
                                   .sql = "SELECT " PERSON_COLUMNS " FROM registry_persons WHERE status = ?1"
                                          " ORDER BY kind, registered_seq",
                                   .columns = PERSON_TYPES},
    [REGISTRY_Q_PERSONS_PAGE] = {.name = "registry.persons.page",
                                 .sql = "SELECT " PERSON_COLUMNS " FROM registry_persons"
                                        " WHERE registered_seq > ?1 AND (?2 = '' OR status = ?2)"
                                        " ORDER BY registered_seq LIMIT ?3",
                                 .columns = PERSON_TYPES},
    [REGISTRY_Q_PERSONS_COUNT_ALL] = {.name = "registry.persons.count_all",
                                      .sql = "SELECT count(*) FROM registry_persons",
                                      .columns = "i"},
    [REGISTRY_Q_PERSONS_LIST] = {.name = "registry.persons.list",
                                 .sql = LIST_SELECT "registered_seq LIMIT ?6 OFFSET ?7",
                                 .columns = PERSON_TYPES,
                                 .reads = "entitlements"},
    [REGISTRY_Q_PERSONS_LIST_FRAILTY] = {.name = "registry.persons.list_frailty",
                                         .sql = LIST_SELECT "frailty DESC, registered_seq LIMIT ?6 OFFSET ?7",
                                         .columns = PERSON_TYPES,
                                         .reads = "entitlements"},
    [REGISTRY_Q_PERSONS_LIST_BIRTH] = {.name = "registry.persons.list_birth",
                                       .sql = LIST_SELECT "birth_year, registered_seq LIMIT ?6 OFFSET ?7",
                                       .columns = PERSON_TYPES,
                                       .reads = "entitlements"},
    [REGISTRY_Q_PERSONS_COUNT] = {.name = "registry.persons.count",
                                  .sql = "SELECT count(*) FROM registry_persons" LIST_WHERE
                                         " AND ?5 = ?5 AND ?6 = ?6 AND ?7 = ?7",
                                  .columns = "i",
                                  .reads = "entitlements"},
    [REGISTRY_Q_PERSONS_LIST_OFFICE] = {.name = "registry.persons.list_office",
                                        .sql = LIST_SELECT_OFFICE "registered_seq LIMIT ?6 OFFSET ?7",
                                        .columns = PERSON_TYPES,
                                        .reads = "entitlements offices"},
    [REGISTRY_Q_PERSONS_LIST_FRAILTY_OFFICE] = {.name = "registry.persons.list_frailty_office",
                                                .sql = LIST_SELECT_OFFICE
                                                "frailty DESC, registered_seq LIMIT ?6 OFFSET ?7",
                                                .columns = PERSON_TYPES,
                                                .reads = "entitlements offices"},
    [REGISTRY_Q_PERSONS_LIST_BIRTH_OFFICE] = {.name = "registry.persons.list_birth_office",
                                              .sql = LIST_SELECT_OFFICE
                                              "birth_year, registered_seq LIMIT ?6 OFFSET ?7",
                                              .columns = PERSON_TYPES,
                                              .reads = "entitlements offices"},
    [REGISTRY_Q_PERSONS_COUNT_OFFICE] = {.name = "registry.persons.count_office",
                                         .sql = "SELECT count(*) FROM registry_persons" LIST_WHERE LIST_OFFICE
                                                " AND ?5 = ?5 AND ?6 = ?6 AND ?7 = ?7",
                                         .columns = "i",
                                         .reads = "entitlements offices"},
    [REGISTRY_Q_IDENTITY_GET] = {.name = "registry.identity.get",
                                 .sql = "SELECT identity FROM registry_persons WHERE pseudonym = ?1",
                                 .columns = "t"},
    [REGISTRY_Q_INDEX_HOLDER] = {.name = "registry.index.holder",
                                 .sql = "SELECT pseudonym FROM registry_persons WHERE id_index = ?1"
                                        " AND status <> 'erased' ORDER BY pseudonym LIMIT 1",
                                 .columns = "t"},

    /* Data keys (not a projection of the log: registry_apply.c says why). */
    [REGISTRY_Q_KEY_GET] = {.name = "registry.key.get",
                            .sql = "SELECT wrapped FROM registry_keys WHERE pseudonym = ?1",
                            .columns = "t"},
    [REGISTRY_Q_KEY_INSERT] = {.name = "registry.key.insert",
                               .sql = "INSERT INTO registry_keys (pseudonym, wrapped) VALUES (?1, ?2)",
                               .columns = ""},
    [REGISTRY_Q_KEY_DELETE] = {.name = "registry.key.delete",
                               .sql = "DELETE FROM registry_keys WHERE pseudonym = ?1",
                               .columns = ""},
    [REGISTRY_Q_KEYS_AFTER] = {.name = "registry.keys.after",
                               .sql = "SELECT pseudonym, wrapped FROM registry_keys WHERE pseudonym > ?1"
                                      " ORDER BY pseudonym LIMIT ?2",
                               .columns = "tt"},
    [REGISTRY_Q_KEY_REWRAP] = {.name = "registry.key.rewrap",
                               .sql = "UPDATE registry_keys SET wrapped = ?2 WHERE pseudonym = ?1",
                               .columns = ""},

    /* Relations. */
    [REGISTRY_Q_RELATION_PAIR] = {.name = "registry.relation.pair",
                                  .sql = "SELECT seq FROM registry_relations WHERE victim = ?1"
                                         " AND relative = ?2",
                                  .columns = "i"},
    [REGISTRY_Q_RELATION_SHARES] = {.name = "registry.relation.shares",
                                    .sql = "SELECT num, den FROM registry_relations WHERE victim = ?1"
                                           " ORDER BY seq",
                                    .columns = "ii"},
    [REGISTRY_Q_RELATION_INSERT] = {.name = "registry.relation.insert",
                                    .sql = "INSERT INTO registry_relations (seq, victim, relative, relation,"
                                           " num, den) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                    .columns = ""},
    [REGISTRY_Q_HEIRS] = {.name = "registry.heirs",
                          .sql =
                              "SELECT relative, num, den, relation FROM registry_relations WHERE victim = ?1"
                              " ORDER BY length(relative), relative",
                          .columns = "tiit"},
    [REGISTRY_Q_HEIR_OF] = {.name = "registry.heir_of",
                            .sql = "SELECT victim, num, den FROM registry_relations WHERE relative = ?1"
                                   " ORDER BY seq",
                            .columns = "tii"},

    /* Consents, consultations, reveals. */
    [REGISTRY_Q_CONSENT_INSERT] = {.name = "registry.consent.insert",
                                   .sql =
                                       "INSERT INTO registry_consents (seq, pseudonym, scope, given, method,"
                                       " witness, actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                   .columns = ""},
    [REGISTRY_Q_CONSENT_LATEST] = {.name = "registry.consent.latest",
                                   .sql = "SELECT given FROM registry_consents WHERE pseudonym = ?1"
                                          " AND scope = ?2 ORDER BY seq DESC LIMIT 1",
                                   .columns = "i"},
    [REGISTRY_Q_CONSENTS_LATEST] = {.name = "registry.consents.latest",
                                    .sql = "SELECT c.scope, c.given, c.seq FROM registry_consents c"
                                           " WHERE c.pseudonym = ?1 AND c.seq = (SELECT max(d.seq)"
                                           " FROM registry_consents d WHERE d.pseudonym = ?1"
                                           " AND d.scope = c.scope) ORDER BY c.scope",
                                    .columns = "tii"},
    [REGISTRY_Q_CONSENT_HISTORY] = {.name = "registry.consent.history",
                                    .sql = "SELECT scope, given, seq, actor, at FROM registry_consents"
                                           " WHERE pseudonym = ?1 ORDER BY seq",
                                    .columns = "tiitt"},
    [REGISTRY_Q_CONSULT_INSERT] = {.name = "registry.consultation.insert",
                                   .sql = "INSERT INTO registry_consultations (seq, pseudonym, wish, summary,"
                                          " actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                   .columns = ""},
    [REGISTRY_Q_WISH_LATEST] = {.name = "registry.wish.latest",
                                .sql = "SELECT wish FROM registry_consultations WHERE pseudonym = ?1"
                                       " ORDER BY seq DESC LIMIT 1",
                                .columns = "t"},
    [REGISTRY_Q_CONSULTATIONS] = {.name = "registry.consultations",
                                  .sql = "SELECT wish, seq, actor, at FROM registry_consultations"
                                         " WHERE pseudonym = ?1 ORDER BY seq",
                                  .columns = "titt"},
    [REGISTRY_Q_REVEAL_INSERT] = {.name = "registry.reveal.insert",
                                  .sql = "INSERT INTO registry_reveals (seq, pseudonym, actor, at, reason)"
                                         " VALUES (?1, ?2, ?3, ?4, ?5)",
                                  .columns = ""},

    /* Search tokens (registry_search.c). */
    [REGISTRY_Q_SEARCH_DELETE] = {.name = "registry.search.delete",
                                  .sql = "DELETE FROM registry_search WHERE token = ?1 AND pseudonym = ?2",
                                  .columns = ""},
    [REGISTRY_Q_SEARCH_OWNED_GET] = {.name = "registry.search.owned_get",
                                     .sql = "SELECT tokens FROM registry_search_owned WHERE pseudonym = ?1",
                                     .columns = "t"},
    [REGISTRY_Q_SEARCH_OWNED_DELETE] = {.name = "registry.search.owned_delete",
                                        .sql = "DELETE FROM registry_search_owned WHERE pseudonym = ?1",
                                        .columns = ""},
    [REGISTRY_Q_SEARCH_INSERT] = {.name = "registry.search.insert",
                                  .sql = "INSERT INTO registry_search (token, pseudonym) VALUES (?1, ?2)"
                                         " ON CONFLICT DO NOTHING",
                                  .columns = ""},
    [REGISTRY_Q_SEARCH_INSERT_MANY] = {.name = "registry.search.insert_many",
                                       .sql =
                                           "INSERT INTO registry_search (token, pseudonym) VALUES " PAIRS_32
                                           " ON CONFLICT DO NOTHING",
                                       .columns = ""},
    [REGISTRY_Q_SEARCH_OWNED_INSERT] = {.name = "registry.search.owned_insert",
                                        .sql = "INSERT INTO registry_search_owned (pseudonym, tokens)"
                                               " VALUES (?1, ?2)",
                                        .columns = ""},
    [REGISTRY_Q_SEARCH_FIND] = {.name = "registry.search.find",
                                .sql = "SELECT pseudonym FROM registry_search WHERE token = ?1"
                                       " ORDER BY pseudonym",
                                .columns = "t"},
    [REGISTRY_Q_SEARCH_PROBE] = {.name = "registry.search.probe",
                                 .sql = "SELECT count(*) FROM (SELECT 1 FROM registry_search WHERE token = ?1"
                                        " LIMIT ?2) AS probe",
                                 .columns = "i"},

    /* Duplicate keys (registry_dups.c): who shares whose, never erased persons. */
    [REGISTRY_Q_DUP_DELETE] = {.name = "registry.dup.delete",
                               .sql = "DELETE FROM registry_dup_keys WHERE pseudonym = ?1",
                               .columns = ""},
    [REGISTRY_Q_DUP_INSERT] = {.name = "registry.dup.insert",
                               .sql = "INSERT INTO registry_dup_keys (key, pseudonym) VALUES (?1, ?2)"
                                      " ON CONFLICT DO NOTHING",
                               .columns = ""},
    [REGISTRY_Q_DUP_OF] = {.name = "registry.dup.of",
                           .sql = "SELECT DISTINCT p.pseudonym, p.registered_seq, coalesce(p.region, ''),"
                                  " coalesce(q.region, ''), q.registered_seq"
                                  " FROM registry_dup_keys x JOIN registry_dup_keys y ON y.key = x.key"
                                  " AND y.pseudonym <> x.pseudonym"
                                  " JOIN registry_persons p ON p.pseudonym = y.pseudonym"
                                  " JOIN registry_persons q ON q.pseudonym = x.pseudonym"
                                  " WHERE x.pseudonym = ?1 AND p.status <> 'erased' AND q.status <> 'erased'"
                                  " ORDER BY p.registered_seq",
                           .columns = "titti"},
    [REGISTRY_Q_DUP_PAIRS] = {.name = "registry.dup.pairs",
                              .sql = "SELECT DISTINCT pa.pseudonym, pb.pseudonym, coalesce(pa.region, ''),"
                                     " coalesce(pb.region, ''), pa.registered_seq, pb.registered_seq"
                                     " FROM registry_dup_keys x JOIN registry_dup_keys y ON y.key = x.key"
                                     " AND y.pseudonym <> x.pseudonym"
                                     " JOIN registry_persons pa ON pa.pseudonym = x.pseudonym"
                                     " JOIN registry_persons pb ON pb.pseudonym = y.pseudonym"
                                     " WHERE pa.registered_seq < pb.registered_seq AND pa.status <> 'erased'"
                                     " AND pb.status <> 'erased'"
                                     " ORDER BY pb.registered_seq, pa.registered_seq",
                              .columns = "ttttii"},

    /* The module's own check (registry_check). */
    [REGISTRY_Q_CHECK_KEYS] = {.name = "registry.check.keys",
                               .sql = "SELECT p.pseudonym, p.status, k.pseudonym IS NOT NULL"
                                      " FROM registry_persons p LEFT JOIN registry_keys k"
                                      " ON k.pseudonym = p.pseudonym"
                                      " WHERE (p.status = 'erased') = (k.pseudonym IS NOT NULL)"
                                      " ORDER BY p.pseudonym",
                               .columns = "tti"},
    [REGISTRY_Q_CHECK_ORPHAN_KEYS] = {.name = "registry.check.orphan_keys",
                                      .sql = "SELECT k.pseudonym FROM registry_keys k LEFT JOIN"
                                             " registry_persons p ON p.pseudonym = k.pseudonym"
                                             " WHERE p.pseudonym IS NULL ORDER BY k.pseudonym",
                                      .columns = "t"},
    [REGISTRY_Q_CHECK_SHARES] = {.name = "registry.check.shares",
                                 .sql = "SELECT victim, num, den FROM registry_relations"
                                        " ORDER BY victim, seq",
                                 .columns = "tii"},
    /* Corrections (registry_change.c): a person's correctable columns, the changes and their decisions. */
    [REGISTRY_Q_CHANGE_ROW_GET] = {.name = "registry.change.row_get",
                                   .sql =
                                       "SELECT birth_year, region, language, frailty, identity, id_index,"
                                       " registered_seq, status FROM registry_persons WHERE pseudonym = ?1",
                                   .columns = "ittittit"},
    [REGISTRY_Q_CHANGE_ROW_SET] = {.name = "registry.change.row_set",
                                   .sql = "UPDATE registry_persons SET birth_year = ?2, region = ?3,"
                                          " language = ?4, frailty = ?5, identity = ?6, id_index = ?7"
                                          " WHERE pseudonym = ?1",
                                   .columns = ""},
    [REGISTRY_Q_CHANGE_INSERT] = {.name = "registry.change.insert",
                                  .sql =
                                      "INSERT INTO registry_changes (seq, pseudonym, fields, before, after,"
                                      " reason, actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                  .columns = ""},
    [REGISTRY_Q_CHANGE_GET] = {.name = "registry.change.get",
                               .sql = "SELECT c.pseudonym, c.fields, c.before, c.after, c.actor,"
                                      " coalesce(d.decision, '') FROM registry_changes c"
                                      " LEFT JOIN registry_change_decisions d ON d.change = c.seq"
                                      " WHERE c.seq = ?1",
                               .columns = "tttttt"},
    [REGISTRY_Q_CHANGE_DECIDE] = {.name = "registry.change.decide",
                                  .sql =
                                      "INSERT INTO registry_change_decisions (change, seq, decision, actor,"
                                      " at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                  .columns = ""},
    [REGISTRY_Q_CHANGES_ALL] = {.name = "registry.change.all",
                                .sql =
                                    "SELECT c.seq, c.pseudonym, c.fields, c.actor, c.at,"
                                    " coalesce(d.decision, ''), coalesce(d.actor, '') FROM registry_changes c"
                                    " LEFT JOIN registry_change_decisions d ON d.change = c.seq"
                                    " ORDER BY c.seq",
                                .columns = "itttttt"},
    [REGISTRY_Q_CHANGES_PENDING] = {.name = "registry.change.pending",
                                    .sql = "SELECT c.seq, c.pseudonym, c.fields, c.actor, c.at, '', ''"
                                           " FROM registry_changes c WHERE NOT EXISTS (SELECT 1 FROM"
                                           " registry_change_decisions d WHERE d.change = c.seq)"
                                           " ORDER BY c.seq",
                                    .columns = "itttttt"},
    /*
     * Audit's snapshots.  registry_persons is read twice: what registration
     * fixes (audit's fold hashes it as each person is registered and forgets
     * it), and what death and erasure change (held in the fold's compact
     * model until the end).  Between them they cover every column.
     */
    [REGISTRY_Q_SNAPSHOT_PERSONS] = {.name = "registry_persons",
                                     .sql = "SELECT pseudonym, kind, birth_year, region, language, frailty,"
                                            " identity, id_index, registered_seq FROM registry_persons"
                                            " ORDER BY pseudonym",
                                     .columns = "ttittitti"},
    [REGISTRY_Q_SNAPSHOT_STATUS] = {.name = "registry_persons",
                                    .sql = "SELECT pseudonym, status, death_date, death_seq, erased_seq"
                                           " FROM registry_persons ORDER BY pseudonym",
                                    .columns = "tttii"},
    [REGISTRY_Q_SNAPSHOT_RELATIONS] = {.name = "registry_relations",
                                       .sql = "SELECT seq, victim, relative, relation, num, den"
                                              " FROM registry_relations ORDER BY seq",
                                       .columns = "itttii"},
    [REGISTRY_Q_SNAPSHOT_CONSENTS] = {.name = "registry_consents",
                                      .sql = "SELECT seq, pseudonym, scope, given, method, witness, actor, at"
                                             " FROM registry_consents ORDER BY seq",
                                      .columns = "ittitttt"},
    [REGISTRY_Q_SNAPSHOT_CONSULTATIONS] = {.name = "registry_consultations",
                                           .sql = "SELECT seq, pseudonym, wish, summary, actor, at"
                                                  " FROM registry_consultations ORDER BY seq",
                                           .columns = "ittttt"},
    [REGISTRY_Q_SNAPSHOT_REVEALS] = {.name = "registry_reveals",
                                     .sql = "SELECT seq, pseudonym, actor, at, reason FROM registry_reveals"
                                            " ORDER BY seq",
                                     .columns = "itttt"},
    [REGISTRY_Q_SNAPSHOT_CHANGES] = {.name = "registry_changes",
                                     .sql = "SELECT seq, pseudonym, fields, before, after, reason, actor, at"
                                            " FROM registry_changes ORDER BY seq",
                                     .columns = "ittttttt"},
    [REGISTRY_Q_VULN_INSERT] =
        {.name = "registry.vulnerability.insert",
         .sql = "INSERT INTO registry_vulnerabilities (seq, pseudonym, categories, reason,"
                " actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
         .columns = ""},
    [REGISTRY_Q_VULN_LATEST] =
        {.name = "registry.vulnerability.latest",
         .sql = "SELECT categories, seq FROM registry_vulnerabilities WHERE pseudonym = ?1"
                " ORDER BY seq DESC LIMIT 1",
         .columns = "ti"},
    [REGISTRY_Q_VULN_HISTORY] = {.name = "registry.vulnerability.history",
                                 .sql = "SELECT categories, seq, actor, at FROM registry_vulnerabilities"
                                        " WHERE pseudonym = ?1 ORDER BY seq",
                                 .columns = "titt"},
    [REGISTRY_Q_SNAPSHOT_VULNERABILITIES] = {.name = "registry_vulnerabilities",
                                             .sql = "SELECT seq, pseudonym, categories, reason, actor, at"
                                                    " FROM registry_vulnerabilities ORDER BY seq",
                                             .columns = "ittttt"},
    [REGISTRY_Q_SNAPSHOT_DECISIONS] = {.name = "registry_change_decisions",
                                       .sql = "SELECT change, seq, decision, actor, at"
                                              " FROM registry_change_decisions ORDER BY change",
                                       .columns = "iittt"},
};

const struct store_catalogue registry_catalogue = {"registry", registry_statements,
                                                   STORE_COUNT(registry_statements)};

struct store_stmt *
registry_stmt(struct store *store, enum registry_statement id, struct redress_error *err)
{
	return store_statement(store, &registry_catalogue, id, err);
}

const struct store_field registry_int_field[1] = {STORE_FIELD_INT64_ROW};
const struct store_field registry_text_field[1] = {{0, sizeof(const char *), 0, STORE_BORROW}};

/* A person's row as the statement gives it: kind and status as text. */
struct person_row {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char kind[16];
	char status[16];
	char death_date[11];
	int64_t birth_year;
	char region[REGISTRY_REGION_MAX + 1];
	char language[3];
	int64_t frailty;
	int64_t registered_seq;
};

#define PERSON_FIELD(f) STORE_FIELD(struct person_row, f)
static const struct store_field person_fields[] = {
    PERSON_FIELD(pseudonym),  PERSON_FIELD(kind),       PERSON_FIELD(status),
    PERSON_FIELD(death_date), PERSON_FIELD(birth_year), PERSON_FIELD(region),
    PERSON_FIELD(language),   PERSON_FIELD(frailty),    PERSON_FIELD(registered_seq),
};

enum store_step_result
registry_person_row(struct store_stmt *st, struct registry_person *p, struct redress_error *err)
{
	struct person_row row;
	enum store_step_result r;

	memset(p, 0, sizeof(*p));
	memset(&row, 0, sizeof(row));
	r = store_read(st, person_fields, &row, err);
	if (r != STORE_ROW)
		return r;
	/* Rows are written only here; audit names a row with a value these would not accept. */
	if (registry_kind_parse(row.kind, &p->kind, NULL) != REDRESS_OK)
		p->kind = REGISTRY_VICTIM;
	if (registry_status_parse(row.status, &p->status, NULL) != REDRESS_OK)
		p->status = REGISTRY_ALIVE;
	memcpy(p->pseudonym, row.pseudonym, sizeof(p->pseudonym));
	memcpy(p->death_date, row.death_date, sizeof(p->death_date));
	p->birth_year = (int)row.birth_year;
	memcpy(p->region, row.region, sizeof(p->region));
	memcpy(p->language, row.language, sizeof(p->language));
	p->frailty = (int)row.frailty;
	p->registered_seq = (uint64_t)row.registered_seq;
	return STORE_ROW;
}
