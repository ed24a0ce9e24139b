/*
 * registry_apply.c -- the registry's events and tables: reading each event
 * back (every field checked, unknown fields refused) and applying it.
 * Live commands (registry.c) append their event and apply it from the
 * very bytes appended through registry_replay() (tlog_append_apply), as
 * audit's replay does, so the tables are by construction a function of
 * the log.
 *
 * registry_keys is the exception, on purpose: it holds each person's data
 * key wrapped under the master key, is written by the command beside its
 * event, and is deleted by erasure.  It is no projection of the log (the
 * log never holds a key), so it has no snapshot and no fold, and replay
 * never writes it; the module's check compares it with the persons.
 */
#include <stdio.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/registry/registry_int.h"
#include "log/audit.h"

#define REGISTRY_SEALED_MAX 8192 /* characters of sealed text in one field */

/*
 * No FOREIGN KEY clauses, as in the ledger: the commands check that every
 * pseudonym a row names exists, and audit replays the log against every
 * row.  registry_persons_kind serves the next pseudonym and the lists.
 */
static const char registry_schema[] =
    "CREATE TABLE IF NOT EXISTS registry_persons ("
    " pseudonym TEXT PRIMARY KEY,"
    " kind TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " death_date TEXT,"
    " birth_year INTEGER NOT NULL,"
    " region TEXT,"
    " language TEXT NOT NULL,"
    " frailty INTEGER NOT NULL,"
    " identity TEXT NOT NULL,"
    " id_index TEXT,"
    " registered_seq INTEGER NOT NULL,"
    " death_seq INTEGER,"
    " erased_seq INTEGER);"
    "CREATE INDEX IF NOT EXISTS registry_persons_kind ON registry_persons (kind, registered_seq);"
    "CREATE INDEX IF NOT EXISTS registry_persons_id_index ON registry_persons (id_index);"
    "CREATE INDEX IF NOT EXISTS registry_persons_registered ON registry_persons (registered_seq);"
    /*
     * The frailest-first list reads this index in its order: a page of 50
     * without sorting everyone; with the filters' columns in it, a deep
     * offset walks the index, not every skipped person's row.
     */
    "CREATE INDEX IF NOT EXISTS registry_persons_frailty"
    " ON registry_persons (frailty DESC, registered_seq, kind, status);"
    "CREATE TABLE IF NOT EXISTS registry_keys ("
    " pseudonym TEXT PRIMARY KEY,"
    " wrapped TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS registry_relations ("
    " seq INTEGER PRIMARY KEY,"
    " victim TEXT NOT NULL,"
    " relative TEXT NOT NULL,"
    " relation TEXT NOT NULL,"
    " num INTEGER NOT NULL,"
    " den INTEGER NOT NULL,"
    " UNIQUE (victim, relative));"
    "CREATE TABLE IF NOT EXISTS registry_consents ("
    " seq INTEGER PRIMARY KEY,"
    " pseudonym TEXT NOT NULL,"
    " scope TEXT NOT NULL,"
    " given INTEGER NOT NULL,"
    " method TEXT NOT NULL,"
    " witness TEXT,"
    " actor TEXT NOT NULL,"
    " at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS registry_consents_scope ON registry_consents (pseudonym, scope, seq);"
    "CREATE TABLE IF NOT EXISTS registry_consultations ("
    " seq INTEGER PRIMARY KEY,"
    " pseudonym TEXT NOT NULL,"
    " wish TEXT NOT NULL,"
    " summary TEXT,"
    " actor TEXT NOT NULL,"
    " at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS registry_consultations_person ON registry_consultations (pseudonym, seq);"
    "CREATE TABLE IF NOT EXISTS registry_reveals ("
    " seq INTEGER PRIMARY KEY,"
    " pseudonym TEXT NOT NULL,"
    " actor TEXT NOT NULL,"
    " at TEXT NOT NULL,"
    " reason TEXT);"
    /* registry_search.c's keyed blind indexes: derived from the sealed identity, not from the log. */
    "CREATE TABLE IF NOT EXISTS registry_search ("
    " token TEXT NOT NULL,"
    " pseudonym TEXT NOT NULL,"
    " PRIMARY KEY (token, pseudonym)) WITHOUT ROWID;"
    /*
     * Whose tokens are which, for deleting hers: a table of its own, not an
     * index on registry_search, so that an import writes it in registration
     * order (appending) while registry_search takes the same pairs in token
     * order; an index would take them in token order too, at random.
     */
    REGISTRY_SEARCH_OWNED_SCHEMA
    /* registry_dups.c's duplicate keys (whole name and birth year, keyed): derived like the search's. */
    "CREATE TABLE IF NOT EXISTS registry_dup_keys ("
    " key TEXT NOT NULL,"
    " pseudonym TEXT NOT NULL,"
    " PRIMARY KEY (key, pseudonym)) WITHOUT ROWID;"
    "CREATE INDEX IF NOT EXISTS registry_dup_keys_pseudonym ON registry_dup_keys (pseudonym);"
    /* registry_change.c's: corrections proposed, and their approvals and rejections. */
    REGISTRY_CHANGE_SCHEMA
        /* registry_vulnerability.c's: a person's vulnerability categories, each record final. */
        REGISTRY_VULNERABILITY_SCHEMA;

static enum redress_err
get_sealed(const struct canon_node *data, const char *key, int optional, const char **s_r,
           struct redress_error *err)
{
	return registry_get_sealed(data, key, optional, REGISTRY_SEALED_MAX, s_r, err);
}

/* A pseudonym field of kind (or of either kind when kind_r is given). */
static enum redress_err
get_pseudonym(const struct canon_node *data, const char *key, int want_kind, enum registry_kind *kind_r,
              const char **s_r, struct redress_error *err)
{
	enum registry_kind kind;
	uint64_t number;
	enum redress_err rc;

	if ((rc = canon_get_string(data, key, s_r, err)) != REDRESS_OK)
		return rc;
	if ((rc = registry_pseudonym_parse(*s_r, &kind, &number, err)) != REDRESS_OK)
		return error_prefix(err, "field '%s'", key);
	if (want_kind >= 0 && kind != (enum registry_kind)want_kind)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is not a %s", key,
		                 registry_kind_name((enum registry_kind)want_kind));
	if (kind_r != NULL)
		*kind_r = kind;
	return REDRESS_OK;
}

static int
is_index(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == SEAL_INDEX_TEXT_SIZE - 1;
}

enum redress_err
registry_decode_person(const struct event *ev, struct registry_ev_person *r, struct redress_error *err)
{
	static const char *const keys[] = {"birth_year", "frailty",   "id_index", "identity", "kind",
	                                   "language",   "pseudonym", "region",   NULL};
	const char *pseudonym, *kind, *language, *region;
	enum registry_kind pkind = REGISTRY_VICTIM;
	int64_t year, frailty;
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(ev->data, "pseudonym", -1, &pkind, &pseudonym, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "kind", &kind, err)) != REDRESS_OK ||
	    (rc = registry_kind_parse(kind, &r->p.kind, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "birth_year", &year, err)) != REDRESS_OK ||
	    (rc = registry_birth_year_check(year, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "frailty", &frailty, err)) != REDRESS_OK ||
	    (rc = registry_frailty_check(frailty, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "language", &language, err)) != REDRESS_OK ||
	    (rc = registry_language_check(language, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(ev->data, "region", &region, err)) != REDRESS_OK ||
	    (region != NULL && (rc = registry_region_check(region, err)) != REDRESS_OK) ||
	    (rc = get_sealed(ev->data, "identity", 0, &r->identity, err)) != REDRESS_OK ||
	    (rc = canon_get_string_opt(ev->data, "id_index", &r->id_index, err)) != REDRESS_OK)
		return rc;
	if (pkind != r->p.kind)
		return error_set(err, REDRESS_E_INVALID, "pseudonym '%s' is not a %s's", pseudonym, kind);
	if (r->id_index != NULL && !is_index(r->id_index))
		return error_set(err, REDRESS_E_INVALID, "field 'id_index' is not a blind index");
	text_copy(r->p.pseudonym, sizeof(r->p.pseudonym), pseudonym);
	r->p.status = REGISTRY_ALIVE;
	r->p.birth_year = (int)year;
	r->p.frailty = (int)frailty;
	text_copy(r->p.language, sizeof(r->p.language), language);
	text_copy(r->p.region, sizeof(r->p.region), region != NULL ? region : "");
	r->p.registered_seq = ev->seq;
	return REDRESS_OK;
}

enum redress_err
registry_decode_pseudonym(const struct event *ev, const char **pseudonym_r, struct redress_error *err)
{
	static const char *const keys[] = {"pseudonym", NULL};
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK)
		return rc;
	return get_pseudonym(ev->data, "pseudonym", -1, NULL, pseudonym_r, err);
}

enum redress_err
registry_decode_died(const struct event *ev, const char **pseudonym_r, const char **date_r,
                     struct redress_error *err)
{
	static const char *const keys[] = {"date", "pseudonym", NULL};
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(ev->data, "pseudonym", -1, NULL, pseudonym_r, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "date", date_r, err)) != REDRESS_OK)
		return rc;
	return registry_date_check("date of death", *date_r, err);
}

enum redress_err
registry_decode_reveal(const struct event *ev, struct registry_ev_note *r, struct redress_error *err)
{
	static const char *const keys[] = {"pseudonym", "reason", NULL};
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(ev->data, "pseudonym", -1, NULL, &r->pseudonym, err)) != REDRESS_OK)
		return rc;
	return get_sealed(ev->data, "reason", 1, &r->sealed, err);
}

enum redress_err
registry_decode_search(const struct event *ev, struct redress_error *err)
{
	static const char *const keys[] = {"by", "found", "reason", NULL};
	const char *by, *sealed;
	int64_t found;
	enum redress_err rc;

	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "by", &by, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "found", &found, err)) != REDRESS_OK ||
	    (rc = get_sealed(ev->data, "reason", 0, &sealed, err)) != REDRESS_OK)
		return rc;
	if (strcmp(by, "name") != 0 && strcmp(by, "number") != 0)
		return error_set(err, REDRESS_E_INVALID, "field 'by' is '%.16s', not name or number", by);
	if (found < 0)
		return error_set(err, REDRESS_E_INVALID, "field 'found' is %lld", (long long)found);
	return REDRESS_OK;
}

enum redress_err
registry_decode_relation(const struct event *ev, struct registry_ev_relation *r, struct redress_error *err)
{
	static const char *const keys[] = {"den", "num", "relation", "relative", "victim", NULL};
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(ev->data, "victim", REGISTRY_VICTIM, NULL, &r->victim, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(ev->data, "relative", REGISTRY_RELATIVE, NULL, &r->relative, err)) !=
	        REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "relation", &r->relation, err)) != REDRESS_OK ||
	    (rc = registry_relation_check(r->relation, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "num", &r->num, err)) != REDRESS_OK ||
	    (rc = canon_get_int(ev->data, "den", &r->den, err)) != REDRESS_OK)
		return rc;
	return registry_share_check(r->num, r->den, err);
}

enum redress_err
registry_decode_consent(const struct event *ev, struct registry_ev_note *r, struct redress_error *err)
{
	static const char *const keys[] = {"given", "method", "pseudonym", "scope", "witness", NULL};
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(ev->data, "pseudonym", -1, NULL, &r->pseudonym, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "scope", &r->scope, err)) != REDRESS_OK ||
	    (rc = registry_scope_check(r->scope, err)) != REDRESS_OK ||
	    (rc = canon_get_bool(ev->data, "given", &r->given, err)) != REDRESS_OK ||
	    (rc = get_sealed(ev->data, "method", 0, &r->sealed, err)) != REDRESS_OK)
		return rc;
	return get_sealed(ev->data, "witness", 1, &r->witness, err);
}

enum redress_err
registry_decode_consult(const struct event *ev, struct registry_ev_note *r, struct redress_error *err)
{
	static const char *const keys[] = {"pseudonym", "summary", "wish", NULL};
	const char *wish;
	enum redress_err rc;

	memset(r, 0, sizeof(*r));
	if ((rc = canon_only_keys(ev->data, keys, err)) != REDRESS_OK ||
	    (rc = get_pseudonym(ev->data, "pseudonym", -1, NULL, &r->pseudonym, err)) != REDRESS_OK ||
	    (rc = canon_get_string(ev->data, "wish", &wish, err)) != REDRESS_OK ||
	    (rc = registry_wish_parse(wish, &r->wish, err)) != REDRESS_OK)
		return rc;
	if (r->wish == REGISTRY_WISH_NONE)
		return error_set(err, REDRESS_E_INVALID, "a consultation records a wish, not '%s'", wish);
	return get_sealed(ev->data, "summary", 1, &r->sealed, err);
}

/* The person, who must not have been erased. */
static enum redress_err
person_live(struct store *store, const char *pseudonym, struct registry_person *p, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = registry_get(store, pseudonym, p, err)) != REDRESS_OK)
		return rc;
	if (p->status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_CONFLICT, "%s was erased", pseudonym);
	return REDRESS_OK;
}

enum redress_err
registry_next_pseudonym(struct store *store, void **state, enum registry_kind kind,
                        char out[REGISTRY_PSEUDONYM_MAX + 1], struct redress_error *err)
{
	struct store_stmt *st;
	const char *previous;
	enum registry_kind k;
	uint64_t last = 0;
	enum redress_err rc;

	if (state != NULL && (last = registry_change_last(state, kind)) != 0)
		goto next;
	if ((st = registry_stmt(store, REGISTRY_Q_PERSON_LAST, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, registry_kind_name(kind));
	switch (store_read(st, registry_text_field, &previous, err)) {
	case STORE_ROW:
		if ((rc = registry_pseudonym_parse(previous, &k, &last, err)) != REDRESS_OK)
			return rc;
		break;
	case STORE_DONE: break;
	default: return err->code;
	}
next:
	if (last >= REGISTRY_NUMBER_MAX)
		return error_set(err, REDRESS_E_OVERFLOW, "no pseudonym is left for another %s",
		                 registry_kind_name(kind));
	registry_pseudonym_format(kind, last + 1, out);
	return REDRESS_OK;
}

/* Inserts a registration's row, r->p.registered_seq its event, once replay has checked it. */
static enum redress_err
registry_person_insert(struct store *store, const struct registry_ev_person *r, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = registry_stmt(store, REGISTRY_Q_PERSON_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, r->p.pseudonym);
	store_bind_text(st, 2, registry_kind_name(r->p.kind));
	store_bind_int64(st, 3, r->p.birth_year);
	store_bind_text(st, 4, r->p.region[0] != '\0' ? r->p.region : NULL);
	store_bind_text(st, 5, r->p.language);
	store_bind_int64(st, 6, r->p.frailty);
	store_bind_text(st, 7, r->identity);
	store_bind_text(st, 8, r->id_index);
	store_bind_int64(st, 9, (int64_t)r->p.registered_seq);
	return store_run(st, err);
}

static enum redress_err
replay_registered(struct store *store, const struct event *ev, struct redress_error *err)
{
	char expect[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_ev_person r;
	enum redress_err rc;

	if ((rc = registry_decode_person(ev, &r, err)) != REDRESS_OK)
		return rc;
	/* Pseudonyms are given in order, per kind. */
	if ((rc = registry_next_pseudonym(store, ev->state, r.p.kind, expect, err)) != REDRESS_OK)
		return rc;
	if (strcmp(expect, r.p.pseudonym) != 0)
		return error_set(err, REDRESS_E_INVALID, "pseudonym %s is out of order: the next %s is %s",
		                 r.p.pseudonym, registry_kind_name(r.p.kind), expect);
	if ((rc = registry_person_insert(store, &r, err)) != REDRESS_OK || ev->state == NULL)
		return rc;
	{
		enum registry_kind kind;
		uint64_t number;

		if ((rc = registry_pseudonym_parse(r.p.pseudonym, &kind, &number, err)) != REDRESS_OK)
			return rc;
		return registry_change_set_last(ev->state, kind, number, err);
	}
}

static enum redress_err
replay_died(struct store *store, const struct event *ev, struct redress_error *err)
{
	const char *pseudonym, *date;
	struct registry_person p;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = registry_decode_died(ev, &pseudonym, &date, err)) != REDRESS_OK ||
	    (rc = person_live(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if (p.status != REGISTRY_ALIVE)
		return error_set(err, REDRESS_E_CONFLICT, "%s is already recorded as deceased", pseudonym);
	if (registry_date_year(date) < p.birth_year)
		return error_set(err, REDRESS_E_INVALID, "%s's date of death is before the year of birth",
		                 pseudonym);
	if ((st = registry_stmt(store, REGISTRY_Q_PERSON_DIED, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	store_bind_text(st, 2, date);
	store_bind_int64(st, 3, (int64_t)ev->seq);
	return store_run(st, err);
}

static enum redress_err
replay_erased(struct store *store, const struct event *ev, struct redress_error *err)
{
	const char *pseudonym;
	struct registry_person p;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = registry_decode_pseudonym(ev, &pseudonym, err)) != REDRESS_OK ||
	    (rc = person_live(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if ((st = registry_stmt(store, REGISTRY_Q_PERSON_ERASED, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	store_bind_int64(st, 2, (int64_t)ev->seq);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		return rc;
	/* Her search tokens go with her data key: nothing can find her by name any more. */
	return registry_search_forget(store, pseudonym, err);
}

/* A share's fraction (REGISTRY_Q_RELATION_SHARES), or a victim's share (REGISTRY_Q_CHECK_SHARES). */
struct fraction_row {
	const char *victim;
	int64_t num, den;
};

static const struct store_field fraction_fields[] = {STORE_FIELD(struct fraction_row, num),
                                                     STORE_FIELD(struct fraction_row, den)};
static const struct store_field victim_fraction_fields[] = {STORE_FIELD_TEXT(struct fraction_row, victim),
                                                            STORE_FIELD(struct fraction_row, num),
                                                            STORE_FIELD(struct fraction_row, den)};

/* The sum of the shares victim's heirs hold, reduced. */
static enum redress_err
shares_sum(struct store *store, const char *victim, int64_t *num_r, int64_t *den_r, struct redress_error *err)
{
	struct fraction_row row;
	struct store_stmt *st;
	enum store_step_result r;
	enum redress_err rc;

	*num_r = 0;
	*den_r = 1;
	if ((st = registry_stmt(store, REGISTRY_Q_RELATION_SHARES, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, victim);
	while ((r = store_read(st, fraction_fields, &row, err)) == STORE_ROW)
		if ((rc = registry_share_add(num_r, den_r, row.num, row.den, err)) != REDRESS_OK)
			return rc;
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

static enum redress_err
replay_relation(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct registry_ev_relation r;
	struct registry_person victim, relative;
	struct store_stmt *st;
	int64_t num, den, held_num, held_den;
	enum redress_err rc;

	if ((rc = registry_decode_relation(ev, &r, err)) != REDRESS_OK ||
	    (rc = person_live(store, r.victim, &victim, err)) != REDRESS_OK ||
	    (rc = person_live(store, r.relative, &relative, err)) != REDRESS_OK)
		return rc;
	if ((st = registry_stmt(store, REGISTRY_Q_RELATION_PAIR, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, r.victim);
	store_bind_text(st, 2, r.relative);
	switch (store_step(st, err)) {
	case STORE_ROW:
		return error_set(err, REDRESS_E_CONFLICT, "%s is already recorded as an heir of %s",
		                 r.relative, r.victim);
	case STORE_DONE: break;
	default: return err->code;
	}
	if ((rc = shares_sum(store, r.victim, &held_num, &held_den, err)) != REDRESS_OK)
		return rc;
	num = held_num;
	den = held_den;
	if ((rc = registry_share_add(&num, &den, r.num, r.den, err)) != REDRESS_OK)
		return rc;
	if (num > den)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "%s's heirs already hold %lld/%lld; another %lld/%lld would make more than 1", r.victim,
		    (long long)held_num, (long long)held_den, (long long)r.num, (long long)r.den);
	if ((st = registry_stmt(store, REGISTRY_Q_RELATION_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)ev->seq);
	store_bind_text(st, 2, r.victim);
	store_bind_text(st, 3, r.relative);
	store_bind_text(st, 4, r.relation);
	store_bind_int64(st, 5, r.num);
	store_bind_int64(st, 6, r.den);
	return store_run(st, err);
}

static enum redress_err
replay_consent(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct registry_ev_note r;
	struct registry_person p;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = registry_decode_consent(ev, &r, err)) != REDRESS_OK ||
	    (rc = person_live(store, r.pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if ((st = registry_stmt(store, REGISTRY_Q_CONSENT_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)ev->seq);
	store_bind_text(st, 2, r.pseudonym);
	store_bind_text(st, 3, r.scope);
	store_bind_int64(st, 4, r.given);
	store_bind_text(st, 5, r.sealed);
	store_bind_text(st, 6, r.witness);
	store_bind_text(st, 7, ev->actor);
	store_bind_text(st, 8, ev->at);
	return store_run(st, err);
}

static enum redress_err
replay_consult(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct registry_ev_note r;
	struct registry_person p;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = registry_decode_consult(ev, &r, err)) != REDRESS_OK ||
	    (rc = person_live(store, r.pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if ((st = registry_stmt(store, REGISTRY_Q_CONSULT_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)ev->seq);
	store_bind_text(st, 2, r.pseudonym);
	store_bind_text(st, 3, registry_wish_name(r.wish));
	store_bind_text(st, 4, r.sealed);
	store_bind_text(st, 5, ev->actor);
	store_bind_text(st, 6, ev->at);
	return store_run(st, err);
}

static enum redress_err
replay_reveal(struct store *store, const struct event *ev, struct redress_error *err)
{
	struct registry_ev_note r;
	struct registry_person p;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = registry_decode_reveal(ev, &r, err)) != REDRESS_OK ||
	    (rc = person_live(store, r.pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if ((st = registry_stmt(store, REGISTRY_Q_REVEAL_INSERT, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)ev->seq);
	store_bind_text(st, 2, r.pseudonym);
	store_bind_text(st, 3, ev->actor);
	store_bind_text(st, 4, ev->at);
	store_bind_text(st, 5, r.sealed);
	return store_run(st, err);
}

enum redress_err
registry_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	if (strcmp(ev->type, REGISTRY_EV_REGISTERED) == 0)
		return replay_registered(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_REVEALED) == 0)
		return replay_reveal(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_DIED) == 0)
		return replay_died(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_ERASED) == 0)
		return replay_erased(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_RELATION) == 0)
		return replay_relation(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_CONSENT) == 0)
		return replay_consent(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_CONSULT) == 0)
		return replay_consult(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_SEARCHED) == 0)
		return registry_decode_search(ev, err);
	if (strcmp(ev->type, REGISTRY_EV_CHANGED) == 0 || strcmp(ev->type, REGISTRY_EV_PROPOSED) == 0 ||
	    strcmp(ev->type, REGISTRY_EV_REJECTED) == 0)
		return registry_change_replay(store, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_VULNERABILITY) == 0)
		return registry_vulnerability_replay(store, ev, err);
	return error_set(err, REDRESS_E_INVALID, "unknown registry event type '%.64s'", ev->type);
}

/*
 * What the tables must hold beside the log: a data key for every person
 * not erased and none for an erased one (a key left behind means erasure
 * did not happen; a key missing means a file can no longer be opened), and
 * no victim's heirs holding more than the whole.
 */
/* REGISTRY_Q_CHECK_KEYS's row: the person, and whether a key is kept (the status is not read). */
struct key_check_row {
	const char *pseudonym;
	int64_t keyed;
};

static const struct store_field key_check_fields[] = {STORE_FIELD_TEXT(struct key_check_row, pseudonym),
                                                      STORE_SKIP, STORE_FIELD(struct key_check_row, keyed)};

static enum redress_err
registry_check(struct store *store, struct audit_report *report, struct redress_error *err)
{
	char victim[REGISTRY_PSEUDONYM_MAX + 1] = "";
	struct key_check_row key;
	struct fraction_row share;
	const char *orphan;
	struct store_stmt *st;
	enum store_step_result r;
	int64_t num = 0, den = 1;
	int over = 0;

	if ((st = registry_stmt(store, REGISTRY_Q_CHECK_KEYS, err)) == NULL)
		return err->code;
	while ((r = store_read(st, key_check_fields, &key, err)) == STORE_ROW) {
		if (key.keyed != 0)
			audit_finding(report,
			              "registry person %.16s is erased but its data key was not destroyed",
			              key.pseudonym);
		else
			audit_finding(report,
			              "registry person %.16s has no data key: its file cannot be opened",
			              key.pseudonym);
	}
	if (r == STORE_ERROR)
		return err->code;
	if ((st = registry_stmt(store, REGISTRY_Q_CHECK_ORPHAN_KEYS, err)) == NULL)
		return err->code;
	while ((r = store_read(st, registry_text_field, &orphan, err)) == STORE_ROW)
		audit_finding(report, "registry_keys holds a key for %.16s, who is not registered", orphan);
	if (r == STORE_ERROR)
		return err->code;
	if ((st = registry_stmt(store, REGISTRY_Q_CHECK_SHARES, err)) == NULL)
		return err->code;
	while ((r = store_read(st, victim_fraction_fields, &share, err)) == STORE_ROW) {
		struct redress_error e;

		if (strcmp(victim, share.victim) != 0) {
			text_copy(victim, sizeof(victim), share.victim);
			num = 0, den = 1, over = 0;
		}
		if (over)
			continue;
		if (registry_share_add(&num, &den, share.num, share.den, &e) != REDRESS_OK || num > den) {
			audit_finding(report, "registry: the shares of %s's heirs add up to more than 1",
			              victim);
			over = 1;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* The snapshots (registry_sql.c), in REGISTRY_TABLE_* order: the fold digests its rows by these indexes. */
static const unsigned registry_snapshots[] = {
    REGISTRY_Q_SNAPSHOT_PERSONS,  REGISTRY_Q_SNAPSHOT_STATUS,        REGISTRY_Q_SNAPSHOT_RELATIONS,
    REGISTRY_Q_SNAPSHOT_CONSENTS, REGISTRY_Q_SNAPSHOT_CONSULTATIONS, REGISTRY_Q_SNAPSHOT_REVEALS,
    REGISTRY_Q_SNAPSHOT_CHANGES,  REGISTRY_Q_SNAPSHOT_DECISIONS,     REGISTRY_Q_SNAPSHOT_VULNERABILITIES,
};

const struct event_module registry_module = {
    .name = "registry",
    .type_prefix = "registry.",
    .schema = registry_schema,
    .catalogue = &registry_catalogue,
    .snapshot_ids = registry_snapshots,
    .nsnapshots = STORE_COUNT(registry_snapshots),
    .replay = registry_replay,
    .check = registry_check,
    .flush = registry_search_pending_flush,
    .discard = registry_search_pending_discard,
    .fold_begin = registry_fold_begin,
    .fold = registry_fold,
    .fold_end = registry_fold_end,
};
