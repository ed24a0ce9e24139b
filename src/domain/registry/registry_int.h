/*
 * registry_int.h -- what registry.c (commands and reads), registry_apply.c
 * (events and tables), registry_fold.c (audit's fast path) and
 * registry_csv.c (the import parser) share.  Private to src/domain/registry.
 */
#ifndef REDRESS_DOMAIN_REGISTRY_INT_H
#define REDRESS_DOMAIN_REGISTRY_INT_H

#include "domain/registry/registry.h"
#include "log/audit.h"

#define REGISTRY_EV_REGISTERED "registry.person.registered"
#define REGISTRY_EV_REVEALED   "registry.person.revealed"
#define REGISTRY_EV_DIED       "registry.person.died"
#define REGISTRY_EV_ERASED     "registry.person.erased"
#define REGISTRY_EV_RELATION   "registry.relation.added"
#define REGISTRY_EV_CONSENT    "registry.consent.recorded"
#define REGISTRY_EV_CONSULT    "registry.consultation.recorded"
#define REGISTRY_EV_SEARCHED   "registry.search.recorded" /* a search by name or number: by, found, reason */
/* Corrections (registry_change.c): made at once, proposed, or rejected. */
#define REGISTRY_EV_CHANGED  "registry.person.changed"
#define REGISTRY_EV_PROPOSED "registry.person.change.proposed"
#define REGISTRY_EV_REJECTED "registry.person.change.rejected"
/* Vulnerability categories (registry_vulnerability.c). */
#define REGISTRY_EV_VULNERABILITY "registry.vulnerability.recorded"

#define REGISTRY_PARTY_MAX      64 /* the PARTY of "share:PARTY" */
#define REGISTRY_SHARE_DEN_MAX  1000000
#define REGISTRY_NUMBER_MAX     99999999999999ull /* 14 digits fit REGISTRY_PSEUDONYM_MAX */
#define REGISTRY_EVENT_DATA_MAX (64u * 1024)

/*
 * Sealed fields are padded to a multiple of this many bytes before sealing,
 * so that a ciphertext's length says little about a name's.
 */
#define REGISTRY_SEAL_PAD 128

/* The clear part of a registration, as its event carries it. */
struct registry_ev_person {
	struct registry_person p;
	const char *identity; /* sealed; borrowed from the event */
	const char *id_index; /* 64 hex digits, or NULL */
};

/* A consent, a consultation or a reveal, as its event carries it; strings borrowed. */
struct registry_ev_note {
	const char *pseudonym;
	const char *scope;       /* consent */
	int given;               /* consent */
	enum registry_wish wish; /* consultation */
	const char *sealed;      /* method (consent), summary (consultation), reason (reveal); or NULL */
	const char *witness;     /* consent; or NULL */
};

struct registry_ev_relation {
	const char *victim;
	const char *relative;
	const char *relation;
	int64_t num, den;
};

/*
 * A pseudonym's parts: REDRESS_OK when text is exactly what
 * registry_pseudonym_format makes of a kind and a number >= 1.
 */
enum redress_err registry_pseudonym_parse(const char *text, enum registry_kind *kind_r, uint64_t *number_r,
                                          struct redress_error *err);
void registry_pseudonym_format(enum registry_kind kind, uint64_t number,
                               char out[REGISTRY_PSEUDONYM_MAX + 1]);

/* Field checks shared by commands, the CSV parser and the decoders. */
enum redress_err registry_region_check(const char *region, struct redress_error *err);
enum redress_err registry_language_check(const char *language, struct redress_error *err);
enum redress_err registry_frailty_check(int64_t frailty, struct redress_error *err);
enum redress_err registry_birth_year_check(int64_t year, struct redress_error *err);
/* 0 < num <= den <= REGISTRY_SHARE_DEN_MAX, reduced. */
enum redress_err registry_share_check(int64_t num, int64_t den, struct redress_error *err);

/* The year of a date registry_date_check accepted. */
int registry_date_year(const char *date);

/* Today, UTC, "YYYY-MM-DD". */
void registry_today(char out[11]);

/*
 * The national id as the blind index sees it: spaces (ASCII and
 * ideographic) and hyphens dropped, full-width letters and digits made
 * ASCII, letters upper-case.  REDRESS_E_INVALID when nothing is left.
 */
enum redress_err registry_id_normalise(const char *id, char out[REGISTRY_FIELD_MAX + 1],
                                       struct redress_error *err);

/*
 * Adds num/den to the fraction sum_num over sum_den (reduced), exactly;
 * REDRESS_E_OVERFLOW when the reduced result does not fit 64 bits.
 */
enum redress_err registry_share_add(int64_t *sum_num, int64_t *sum_den, int64_t num, int64_t den,
                                    struct redress_error *err);

/* Reading events back: each checks every field and refuses unknown ones. */
enum redress_err registry_decode_person(const struct event *ev, struct registry_ev_person *r,
                                        struct redress_error *err);
enum redress_err registry_decode_pseudonym(const struct event *ev, const char **pseudonym_r,
                                           struct redress_error *err);
enum redress_err registry_decode_died(const struct event *ev, const char **pseudonym_r, const char **date_r,
                                      struct redress_error *err);
enum redress_err registry_decode_reveal(const struct event *ev, struct registry_ev_note *r,
                                        struct redress_error *err);
enum redress_err registry_decode_relation(const struct event *ev, struct registry_ev_relation *r,
                                          struct redress_error *err);
enum redress_err registry_decode_consent(const struct event *ev, struct registry_ev_note *r,
                                         struct redress_error *err);
enum redress_err registry_decode_consult(const struct event *ev, struct registry_ev_note *r,
                                         struct redress_error *err);
/* A search's event: only checked; it changes no table (the log is its record). */
enum redress_err registry_decode_search(const struct event *ev, struct redress_error *err);

/*
 * A newly registered person's search tokens, kept in the change's registry
 * state and written sorted by token (registry_search.c says why): when
 * enough wait, at registry_search_flush(), and when the change commits.
 * Until then a search in the same change does not find her.
 */
enum redress_err registry_search_index_new(struct tlog *log, const struct seal_key *index_key,
                                           const char *pseudonym, const struct registry_identity *id,
                                           struct redress_error *err);
/*
 * Writes pseudonym's duplicate key (registry_dups.c): a keyed hash of her
 * whole normalised name and her birth year, under index_key.  She has
 * none yet: she is new, or registry_search_forget() has just deleted her
 * earlier ones (a reindex, a correction).  Written at once, not deferred like the search's tokens, so
 * that a person registered later in the same change (an import) finds her.
 */
enum redress_err registry_dup_key_write(struct store *store, const struct seal_key *index_key,
                                        const char *pseudonym, const struct registry_identity *id,
                                        struct redress_error *err);
/* registry_search.c's normalised name (what a search and a duplicate key see), as UTF-8 into out. */
void registry_search_name_text(const char *name, char *out, size_t size);
/* registry_search.c's keyed hash of kind:value under index_key (32 hex digits and a NUL). */
void registry_search_token(const struct seal_key *index_key, const char *kind, const char *value,
                           char out[33]);
/* Writes the change's waiting tokens now (before an erasure or a re-index reads or deletes tokens). */
enum redress_err registry_search_flush(struct tlog *log, struct redress_error *err);
/* registry_module's flush and discard of the waiting tokens. */
enum redress_err registry_search_pending_flush(struct store *store, void *state, struct redress_error *err);
void registry_search_pending_discard(void *state);

/* registry.c's append_apply, for registry_search.c: appends the event and applies it. */
enum redress_err registry_append_apply(struct tlog *log, const char *type, struct buf *data,
                                       struct redress_error *err);

/*
 * Applies one event to the tables.  Every command of the module appends
 * its event through tlog_append_apply, which comes here with the very
 * bytes appended, as audit's replay does, so the tables are by
 * construction what the log says (the event's actor and time included).
 */
enum redress_err registry_replay(struct store *store, const struct event *ev, struct redress_error *err);

/*
 * The pseudonym the next person of kind gets: the last one's number plus
 * one.  state is the registry's slot of the change (ev->state,
 * tlog_module_state) or NULL (audit's replay): once a person of kind was
 * registered in the change, her number is kept there (registry_change_last)
 * and read instead of the table, which only replay writes.
 */
enum redress_err registry_next_pseudonym(struct store *store, void **state, enum registry_kind kind,
                                         char out[REGISTRY_PSEUDONYM_MAX + 1], struct redress_error *err);

/* The number of the last person of kind registered in the change (slot: its registry state); 0: none. */
uint64_t registry_change_last(void **slot, enum registry_kind kind);

/* Keeps number as the last person of kind registered in the change; out of memory only. */
enum redress_err registry_change_set_last(void **slot, enum registry_kind kind, uint64_t number,
                                          struct redress_error *err);

#define REGISTRY_SEARCH_INSERT_ROWS 32

/* Each person's search tokens, one row (registry_apply.c's schema; the migration to schema 13 makes it). */
#define REGISTRY_SEARCH_OWNED_SCHEMA                                                                         \
	"CREATE TABLE IF NOT EXISTS registry_search_owned ("                                                 \
	" pseudonym TEXT NOT NULL,"                                                                          \
	" tokens TEXT NOT NULL,"                                                                             \
	" PRIMARY KEY (pseudonym, tokens)) WITHOUT ROWID;"

/* The registry's statements (registry_sql.c), by id in registry_catalogue. */
enum registry_statement {
	REGISTRY_Q_PERSON_GET,
	REGISTRY_Q_PERSON_LAST,
	REGISTRY_Q_PERSON_INSERT,
	REGISTRY_Q_PERSON_DIED,
	REGISTRY_Q_PERSON_ERASED,
	REGISTRY_Q_PERSONS_ALL,
	REGISTRY_Q_PERSONS_STATUS,
	REGISTRY_Q_PERSONS_PAGE,
	REGISTRY_Q_PERSONS_COUNT_ALL, /* the list's count without a filter */
	/* The filtered list, by enum registry_order, and its count: they read the entitlements' table. */
	REGISTRY_Q_PERSONS_LIST,
	REGISTRY_Q_PERSONS_LIST_FRAILTY,
	REGISTRY_Q_PERSONS_LIST_BIRTH,
	REGISTRY_Q_PERSONS_COUNT,
	REGISTRY_Q_PERSONS_LIST_OFFICE, /* the four above, for one office's staff (domain/offices) */
	REGISTRY_Q_PERSONS_LIST_FRAILTY_OFFICE,
	REGISTRY_Q_PERSONS_LIST_BIRTH_OFFICE,
	REGISTRY_Q_PERSONS_COUNT_OFFICE,
	REGISTRY_Q_IDENTITY_GET,
	REGISTRY_Q_INDEX_HOLDER,
	REGISTRY_Q_KEY_GET,
	REGISTRY_Q_KEY_INSERT,
	REGISTRY_Q_KEY_DELETE,
	REGISTRY_Q_KEYS_AFTER,
	REGISTRY_Q_KEY_REWRAP,
	REGISTRY_Q_RELATION_PAIR,
	REGISTRY_Q_RELATION_SHARES,
	REGISTRY_Q_RELATION_INSERT,
	REGISTRY_Q_HEIRS,
	REGISTRY_Q_HEIR_OF,
	REGISTRY_Q_CONSENT_INSERT,
	REGISTRY_Q_CONSENT_LATEST,
	REGISTRY_Q_CONSENTS_LATEST,
	REGISTRY_Q_CONSENT_HISTORY,
	REGISTRY_Q_CONSULT_INSERT,
	REGISTRY_Q_WISH_LATEST,
	REGISTRY_Q_CONSULTATIONS,
	REGISTRY_Q_REVEAL_INSERT,
	REGISTRY_Q_SEARCH_DELETE,    /* one pair */
	REGISTRY_Q_SEARCH_OWNED_GET, /* her tokens, 16 hex digits each, one or more a row */
	REGISTRY_Q_SEARCH_OWNED_DELETE,
	REGISTRY_Q_SEARCH_INSERT,
	REGISTRY_Q_SEARCH_INSERT_MANY, /* REGISTRY_SEARCH_INSERT_ROWS pairs at once */
	REGISTRY_Q_SEARCH_OWNED_INSERT,
	REGISTRY_Q_SEARCH_FIND,
	REGISTRY_Q_SEARCH_PROBE, /* how many hold a token, counted up to a limit */
	/* Duplicate keys (registry_dups.c). */
	REGISTRY_Q_DUP_DELETE,
	REGISTRY_Q_DUP_INSERT,
	REGISTRY_Q_DUP_OF,
	REGISTRY_Q_DUP_PAIRS,
	REGISTRY_Q_CHECK_KEYS,
	REGISTRY_Q_CHECK_ORPHAN_KEYS,
	REGISTRY_Q_CHECK_SHARES,
	/* Corrections (registry_change.c). */
	REGISTRY_Q_CHANGE_ROW_GET,
	REGISTRY_Q_CHANGE_ROW_SET,
	REGISTRY_Q_CHANGE_INSERT,
	REGISTRY_Q_CHANGE_GET,
	REGISTRY_Q_CHANGE_DECIDE,
	REGISTRY_Q_CHANGES_ALL,
	REGISTRY_Q_CHANGES_PENDING,
	/* Vulnerability categories (registry_vulnerability.c). */
	REGISTRY_Q_VULN_INSERT,
	REGISTRY_Q_VULN_LATEST,
	REGISTRY_Q_VULN_HISTORY,
	/* Audit's snapshots, in REGISTRY_TABLE_* order, named by their tables. */
	REGISTRY_Q_SNAPSHOT_PERSONS,
	REGISTRY_Q_SNAPSHOT_STATUS,
	REGISTRY_Q_SNAPSHOT_RELATIONS,
	REGISTRY_Q_SNAPSHOT_CONSENTS,
	REGISTRY_Q_SNAPSHOT_CONSULTATIONS,
	REGISTRY_Q_SNAPSHOT_REVEALS,
	REGISTRY_Q_SNAPSHOT_CHANGES, /* registry_change.c's tables */
	REGISTRY_Q_SNAPSHOT_DECISIONS,
	REGISTRY_Q_SNAPSHOT_VULNERABILITIES, /* registry_vulnerability.c's table */
	REGISTRY_Q_COUNT
};
extern const struct store_catalogue registry_catalogue;

/* Statement id of registry_catalogue, reset, nothing bound (store_statement()); NULL with err filled. */
struct store_stmt *registry_stmt(struct store *store, enum registry_statement id, struct redress_error *err);

/*
 * Row readers of a statement of one column (store_read()): an 'i' column
 * into an int64_t, a 't' column borrowed into a const char * (valid until
 * the statement's next step, so read it with store_read, not
 * store_read_one, when the text is used after the read).
 */
extern const struct store_field registry_int_field[1];
extern const struct store_field registry_text_field[1];

/*
 * Steps st, a statement of a person's columns (REGISTRY_Q_PERSON_GET's),
 * and reads its row into p: STORE_ROW, STORE_DONE, or STORE_ERROR with err
 * filled.
 */
enum store_step_result registry_person_row(struct store_stmt *st, struct registry_person *p,
                                           struct redress_error *err);

/* Audit's fast path: the registry's events folded into a compact model. */
void *registry_fold_begin(void);
enum redress_err registry_fold(void *model, const struct event *ev, struct audit_fold *fold,
                               struct redress_error *err);
void registry_fold_end(void *model, struct audit_fold *fold);

/* registry.c's helpers for corrections (registry_change.c). */
enum redress_err registry_append_apply_seq(struct tlog *log, const char *type, struct buf *data,
                                           uint64_t *seq_r, struct redress_error *err);
enum redress_err registry_identity_seal(const struct seal_key *key, const char *pseudonym,
                                        const struct registry_identity *id, struct buf *out,
                                        struct redress_error *err);
enum redress_err registry_identity_unseal(const struct seal_key *key, const char *pseudonym,
                                          const char *sealed, struct registry_identity *id_r,
                                          struct redress_error *err);
/* The blind index of national_id ("" for none); held by anyone not erased but self: REDRESS_E_CONFLICT. */
enum redress_err registry_id_index(struct store *store, const struct registry_keys *keys,
                                   const char *national_id, const char *self,
                                   char index[SEAL_INDEX_TEXT_SIZE], struct redress_error *err);

/* Corrections' events applied (registry_change.c), for registry_replay. */
enum redress_err registry_change_replay(struct store *store, const struct event *ev,
                                        struct redress_error *err);

/*
 * Corrections' part of audit's fold, kept in the registry's fold model:
 * folds ev (one of the corrections' types); *pseudonym_r gets the person
 * it changes and *birth_year_r her birth year after it (or -1 when it
 * changes no person's row).  registry_change_fold_free frees *cf.
 */
struct registry_change_fold;
enum redress_err registry_change_fold(struct registry_change_fold **cf, const struct event *ev,
                                      struct audit_fold *fold, const char **pseudonym_r, int *birth_year_r,
                                      struct redress_error *err);
void registry_change_fold_free(struct registry_change_fold **cf);
#define REGISTRY_CHANGE_SCHEMA                                                                               \
	"CREATE TABLE IF NOT EXISTS registry_changes ("                                                      \
	" seq INTEGER PRIMARY KEY,"                                                                          \
	" pseudonym TEXT NOT NULL,"                                                                          \
	" fields TEXT NOT NULL,"                                                                             \
	" before TEXT NOT NULL,"                                                                             \
	" after TEXT NOT NULL,"                                                                              \
	" reason TEXT NOT NULL,"                                                                             \
	" actor TEXT NOT NULL,"                                                                              \
	" at TEXT NOT NULL);"                                                                                \
	"CREATE TABLE IF NOT EXISTS registry_change_decisions ("                                             \
	" change INTEGER PRIMARY KEY,"                                                                       \
	" seq INTEGER NOT NULL,"                                                                             \
	" decision TEXT NOT NULL,"                                                                           \
	" actor TEXT NOT NULL,"                                                                              \
	" at TEXT NOT NULL);"

/*
 * Vulnerability categories (registry_vulnerability.c): one final row per
 * record, the latest a person's.  The decoder checks every field; replay
 * inserts the row (the person must be live); the fold hashes it.
 */
#define REGISTRY_VULNERABILITY_SCHEMA                                                                        \
	"CREATE TABLE IF NOT EXISTS registry_vulnerabilities ("                                              \
	" seq INTEGER PRIMARY KEY,"                                                                          \
	" pseudonym TEXT NOT NULL,"                                                                          \
	" categories TEXT NOT NULL,"                                                                         \
	" reason TEXT NOT NULL,"                                                                             \
	" actor TEXT NOT NULL,"                                                                              \
	" at TEXT NOT NULL);"                                                                                \
	"CREATE INDEX IF NOT EXISTS registry_vulnerabilities_person ON registry_vulnerabilities "            \
	"(pseudonym, seq);"
struct registry_ev_vulnerability {
	const char *pseudonym;
	unsigned mask;
	char categories[REGISTRY_VULN_TEXT_MAX + 1]; /* canonical */
	const char *reason;                          /* sealed */
};
enum redress_err registry_decode_vulnerability(const struct event *ev, struct registry_ev_vulnerability *r,
                                               struct redress_error *err);
enum redress_err registry_vulnerability_replay(struct store *store, const struct event *ev,
                                               struct redress_error *err);
/* The row of a decoded record (the person checked live by the caller). */
void registry_vulnerability_fold_row(const struct event *ev, const struct registry_ev_vulnerability *r,
                                     struct audit_fold *fold);

/* The snapshot tables, in registry_module.snapshot_ids order. */
enum {
	REGISTRY_TABLE_PERSONS,       /* what registration fixes */
	REGISTRY_TABLE_PERSON_STATUS, /* what death and erasure change, of the same rows */
	REGISTRY_TABLE_RELATIONS,
	REGISTRY_TABLE_CONSENTS,
	REGISTRY_TABLE_CONSULTATIONS,
	REGISTRY_TABLE_REVEALS,
	REGISTRY_TABLE_CHANGES,   /* proposed corrections (registry_change.c) */
	REGISTRY_TABLE_DECISIONS, /* their approvals and rejections */
	REGISTRY_TABLE_VULNERABILITIES,
};

#endif
