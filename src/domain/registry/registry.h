/*
 * registry.h -- the people a fund exists for: victims and their relatives,
 * their consent, what they said when consulted, and who inherits.
 *
 * A person is known outside the case file only by a pseudonym, V-000042 for
 * a victim and R-000007 for a relative, given in order of registration.
 * The identity fields (name, national id, exact birth date, phone, address)
 * are sealed (crypto/seal.h) with the person's own data key, itself
 * wrapped under the master key in registry_keys -- a table that is not a
 * projection of the log, so that `person erase` can destroy the key (and
 * with it every sealed field, in the tables, the log and any later backup)
 * while the log still verifies.  Only these stay in clear, because the
 * fund's rules and its queue need them: kind, status, date of death,
 * birth year, region, language, frailty.
 *
 * Duplicates are found by a blind index of the normalised national id
 * (crypto/seal.h), never the id itself.
 *
 * Every change is an event ("registry.*") inside a change
 * (tlog_begin ... tlog_commit); on error the caller rolls the change back.
 * Commands check the actor's permission (domain/users) themselves.
 */
#ifndef REDRESS_DOMAIN_REGISTRY_H
#define REDRESS_DOMAIN_REGISTRY_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/seal.h"
#include "domain/users/users.h"
#include "log/tlog.h"
#include "store/store.h"

#define REGISTRY_PSEUDONYM_SIZE 10 /* "V-000042" and a NUL; more digits after 999999 */
#define REGISTRY_PSEUDONYM_MAX  16
#define REGISTRY_NAME_MAX       200
#define REGISTRY_FIELD_MAX      500  /* national id, phone, address */
#define REGISTRY_REGION_MAX     16   /* a region code: [A-Za-z0-9-] */
#define REGISTRY_SCOPE_MAX      80   /* "processing", "statistics", "contact", "share:PARTY" */
#define REGISTRY_RELATION_MAX   32   /* bytes of a relation word: "daughter", "조카", never a name */
#define REGISTRY_TEXT_MAX       4000 /* consultation summary, method, witness */

enum registry_kind {
	REGISTRY_VICTIM,
	REGISTRY_RELATIVE,
};

enum registry_status {
	REGISTRY_ALIVE,
	REGISTRY_DECEASED,
	REGISTRY_ERASED, /* the data key is destroyed; only the pseudonym and the clear fields remain */
};

enum registry_wish {
	REGISTRY_WISH_NONE, /* never consulted */
	REGISTRY_WISH_ACCEPT,
	REGISTRY_WISH_DECLINE,
	REGISTRY_WISH_UNDECIDED,
};

/* What a person's file says, identity aside. */
struct registry_person {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	enum registry_kind kind;
	enum registry_status status;
	char death_date[11]; /* YYYY-MM-DD, or "" */
	int birth_year;
	char region[REGISTRY_REGION_MAX + 1]; /* or "" */
	char language[3];                     /* "ko", "ja", "en" */
	int frailty;                          /* 0 (none known) to 3 (most frail): the queue's order */
	uint64_t registered_seq;
};

/* The identity fields, in clear: only in memory, only after a reveal. */
struct registry_identity {
	char name[REGISTRY_NAME_MAX + 1];
	char birth_date[11];
	char national_id[REGISTRY_FIELD_MAX + 1]; /* or "" */
	char phone[REGISTRY_FIELD_MAX + 1];       /* or "" */
	char address[REGISTRY_FIELD_MAX + 1];     /* or "" */
};

/* What `person add` and `person import` give. */
struct registry_new_person {
	enum registry_kind kind;
	struct registry_identity identity; /* name and birth_date required */
	char region[REGISTRY_REGION_MAX + 1];
	char language[3]; /* default "ko" */
	int frailty;
};

/* The keys registry commands need, from the key directory. */
struct registry_keys {
	const struct seal_key *master; /* wraps each person's data key */
	const struct seal_key *index;  /* the blind index of national ids */
};

extern const struct event_module registry_module;

const char *registry_kind_name(enum registry_kind kind);
const char *registry_status_name(enum registry_status status);
const char *registry_wish_name(enum registry_wish wish);
enum redress_err registry_wish_parse(const char *text, enum registry_wish *wish_r, struct redress_error *err);
/* A consent's scope: processing, statistics, contact or share:PARTY (PARTY one word: letters, digits, ._-). */
enum redress_err registry_scope_check(const char *scope, struct redress_error *err);
enum redress_err registry_kind_parse(const char *text, enum registry_kind *kind_r, struct redress_error *err);
enum redress_err registry_status_parse(const char *text, enum registry_status *status_r,
                                       struct redress_error *err);

/* Checks a calendar date "YYYY-MM-DD" (a real day, 1900 to 2199); names what is wrong. */
enum redress_err registry_date_check(const char *what, const char *date, struct redress_error *err);

/*
 * Checks every field of a new person as registry_add() will; *field_r
 * names the failing field as the CSV header does ("birth_date"), so that a
 * form can say what is wrong beside the field.
 */
enum redress_err registry_new_person_check(const struct registry_new_person *p, const char **field_r,
                                           struct redress_error *err);

/*
 * Registers a person and writes the new pseudonym into pseudonym_r.  A
 * national id already registered (by its blind index) is
 * REDRESS_E_CONFLICT naming the pseudonym that holds it.
 */
enum redress_err registry_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                              const struct registry_new_person *p,
                              char pseudonym_r[REGISTRY_PSEUDONYM_MAX + 1], struct redress_error *err);

enum redress_err registry_get(struct store *store, const char *pseudonym, struct registry_person *p_r,
                              struct redress_error *err);

/*
 * The data key of pseudonym, unwrapped with keys->master, for the modules
 * that seal what concerns a person with it (a claim's evidence files and
 * decision reasons).  The caller frees *key_r with seal_key_free().  An
 * erased person, whose key is destroyed, is REDRESS_E_NOTFOUND.
 */
enum redress_err registry_data_key(struct store *store, const struct registry_keys *keys,
                                   const char *pseudonym, struct seal_key **key_r, struct redress_error *err);

/*
 * Opens the identity fields of pseudonym into *id_r, and records the reveal
 * as an event (who read whose file, when, why).  reason may be NULL.
 * Needs PERM_PERSONS_REVEAL; an erased person is REDRESS_E_NOTFOUND.
 */
enum redress_err registry_reveal(struct tlog *log, const struct actor *actor,
                                 const struct registry_keys *keys, const char *pseudonym, const char *reason,
                                 struct registry_identity *id_r, struct redress_error *err);

/*
 * JSON for readers (registry_json.c); new references the caller decrefs.
 *   registry_person_json:   the clear fields (NULL when out of memory);
 *   registry_identity_json: the identity, only ever after a reveal;
 *   registry_file_json:     the case file without identity: the clear
 *                           fields, the latest wish, consent per scope
 *                           (the latest word, its event) and, for a victim,
 *                           her heirs with their shares.  *p_r gets the
 *                           person; unknown pseudonym: REDRESS_E_NOTFOUND.
 */
json_t *registry_person_json(const struct registry_person *p);
json_t *registry_identity_json(const struct registry_identity *id);
enum redress_err registry_file_json(struct store *store, const char *pseudonym, struct registry_person *p_r,
                                    json_t **file_r, struct redress_error *err);

/*
 * Calls fn for at most limit persons registered after event after (status
 * filter: -1 for all), in order of registration: pages that stay put while
 * people are added.
 */
enum redress_err registry_page(struct store *store, int status, uint64_t after, size_t limit,
                               enum redress_err (*fn)(void *ctx, const struct registry_person *p,
                                                      struct redress_error *err),
                               void *ctx, struct redress_error *err);

/* What the staff's list of persons shows: -1 (or 0) for "any". */
enum registry_order { REGISTRY_ORDER_REGISTERED, REGISTRY_ORDER_FRAILTY, REGISTRY_ORDER_BIRTH };

struct registry_filter {
	int kind;    /* enum registry_kind, or -1 */
	int status;  /* enum registry_status, or -1 */
	int frailty; /* the least frailty, 0 for any */
	int unpaid; /* 1: only persons with an entitlement not yet paid; 2: only those with a returned payment
	             */
	enum registry_order order;
	const char *office; /* domain/offices: only the people this office's staff see; NULL or "" for all */
};

/*
 * Calls fn for at most limit persons matching f from offset on, in f's
 * order (then order of registration); *total_r gets how many match in all,
 * for numbered pages.
 */
enum redress_err
registry_list(struct store *store, const struct registry_filter *f, size_t offset, size_t limit,
              enum redress_err (*fn)(void *ctx, const struct registry_person *p, struct redress_error *err),
              void *ctx, uint64_t *total_r, struct redress_error *err);

/* Calls fn for each person (status filter: -1 for all), in pseudonym order. */
enum redress_err registry_each(struct store *store, int status,
                               enum redress_err (*fn)(void *ctx, const struct registry_person *p,
                                                      struct redress_error *err),
                               void *ctx, struct redress_error *err);

/*
 * Records a death on date (not in the future, not before the birth date,
 * which keys open to compare); a person already deceased or erased is
 * REDRESS_E_CONFLICT.  Needs PERM_PERSONS_WRITE.
 */
enum redress_err registry_death(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                                const char *pseudonym, const char *date, struct redress_error *err);

/*
 * Destroys the person's data key (crypto-shredding) and records it.  Needs
 * PERM_PERSONS_ERASE.  The key row is deleted in the change; once the
 * change commits, call store_scrub() so that no copy of it stays in the
 * database's journal.  Backups made before stay readable with the master
 * key: erasure reaches only forward.
 */
enum redress_err registry_erase(struct tlog *log, const struct actor *actor, const char *pseudonym,
                                struct redress_error *err);

/* Parses a share "P/Q" (0 < P <= Q <= 1,000,000) into its reduced fraction. */
enum redress_err registry_share_parse(const char *text, int64_t *num_r, int64_t *den_r,
                                      struct redress_error *err);

/*
 * Records that relative is an heir of victim with share num/den (0 < num
 * <= den, den <= 1,000,000), and the relation ("daughter", "son", ...).
 * The shares of one victim's heirs may not add up to more than 1.
 */
enum redress_err registry_relation_add(struct tlog *log, const struct actor *actor, const char *victim,
                                       const char *relative, const char *relation, int64_t num, int64_t den,
                                       struct redress_error *err);

/* Calls fn for each heir of victim, in relative-pseudonym order. */
enum redress_err registry_heirs(struct store *store, const char *victim,
                                enum redress_err (*fn)(void *ctx, const char *relative, int64_t num,
                                                       int64_t den, struct redress_error *err),
                                void *ctx, struct redress_error *err);

/* ---- Finding a person by identity (registry_search.c) ---- */

#define REGISTRY_SEARCH_HITS_MAX 100000 /* persons one search may find */

/*
 * Indexes id for search under pseudonym, in the caller's change: keyed
 * hashes (index_key) of the name's characters and pairs of characters,
 * the telephone's digits and the national id; replaces her earlier ones.
 */
enum redress_err registry_search_index(struct store *store, const struct seal_key *index_key,
                                       const char *pseudonym, const struct registry_identity *id,
                                       struct redress_error *err);

/* Forgets pseudonym's search tokens (an erasure does, in its change). */
enum redress_err registry_search_forget(struct store *store, const char *pseudonym,
                                        struct redress_error *err);

/*
 * Calls fn with each person whose name holds query (any part, in any
 * script: every pair of its characters, or its one character), or whose
 * telephone (whole, or its last four digits) or national id is query, in
 * pseudonym order; *total_r gets how many.  Nothing is decrypted.  More
 * than REGISTRY_SEARCH_HITS_MAX matches is REDRESS_E_OVERFLOW.
 */
enum redress_err
registry_search_find(struct store *store, const struct seal_key *index_key, const char *query,
                     enum redress_err (*fn)(void *ctx, const char *pseudonym, struct redress_error *err),
                     void *ctx, size_t *total_r, struct redress_error *err);

/*
 * Records a search by identity on the log, like a reveal: who and when
 * (the event's), by "name" or "number", how many were found, and reason
 * (required, sealed under keys->master).  The query is never recorded.
 * Needs PERM_PERSONS_REVEAL.
 */
enum redress_err registry_search_record(struct tlog *log, const struct actor *actor,
                                        const struct registry_keys *keys, const char *by, const char *reason,
                                        uint64_t found, struct redress_error *err);

/*
 * Indexes every person for search again (a fund registered before search
 * existed), opening each identity once with the keys, in the caller's
 * change; erased persons lose their tokens.  *count_r: persons indexed.
 * Needs PERM_PERSONS_WRITE.
 */
enum redress_err registry_search_reindex(struct tlog *log, const struct actor *actor,
                                         const struct registry_keys *keys, uint64_t *count_r,
                                         struct redress_error *err);

/* ---- Suspected duplicates (registry_dups.c) ---- */

/*
 * Two persons are suspected to be one when their whole names, normalised
 * as search normalises them (Latin lower-cased, full-width Latin made
 * ASCII, katakana as hiragana, spaces and punctuation dropped), and their
 * birth years are equal: each person's keyed hash of the two (under the
 * index key) is her duplicate key, written at registration, import,
 * correction and `person reindex`, never anyone's name.  Names match
 * within a script only: 김순자 and Kim Sun-ja are not found as one.
 * Equal regions (both given) make the suspicion stronger.  Erased persons
 * are never suspected.
 */
enum registry_dup_basis { REGISTRY_DUP_NAME_YEAR, REGISTRY_DUP_NAME_YEAR_REGION };

/* "name+birth_year" or "name+birth_year+region". */
const char *registry_dup_basis_name(enum registry_dup_basis basis);

struct registry_dup_pair {
	char a[REGISTRY_PSEUDONYM_MAX + 1]; /* registered first */
	char b[REGISTRY_PSEUDONYM_MAX + 1]; /* registered after */
	enum registry_dup_basis basis;
};

typedef enum redress_err (*registry_dup_fn)(void *ctx, const struct registry_dup_pair *pair,
                                            struct redress_error *err);

/* Calls fn with each pair pseudonym makes with the persons sharing her duplicate key, oldest first. */
enum redress_err registry_dup_candidates(struct store *store, const char *pseudonym, registry_dup_fn fn,
                                         void *ctx, struct redress_error *err);

/* Calls fn with every suspected pair, in order of the later one's registration; stops at fn's error. */
enum redress_err registry_dup_pairs(struct store *store, registry_dup_fn fn, void *ctx,
                                    struct redress_error *err);

/*
 * The pair of x and y (in either order) into *pair_r when they share a
 * duplicate key; REDRESS_E_NOTFOUND naming both when they do not, or
 * when either is unknown or erased.
 */
enum redress_err registry_dup_pair_get(struct store *store, const char *x, const char *y,
                                       struct registry_dup_pair *pair_r, struct redress_error *err);

/*
 * Checks a relation word: one word of Latin, Hangul, kana or kanji letters,
 * digits, '-' and '_', at most 32 bytes ("daughter", "조카", "娘").
 */
enum redress_err registry_relation_check(const char *relation, struct redress_error *err);

/* Calls fn for each victim whose heir relative is, in the order recorded: whose heir she is. */
enum redress_err registry_heir_of(struct store *store, const char *relative,
                                  enum redress_err (*fn)(void *ctx, const char *victim, int64_t num,
                                                         int64_t den, struct redress_error *err),
                                  void *ctx, struct redress_error *err);

/*
 * Grants (given 1) or withdraws (0) consent for scope: "processing",
 * "statistics", "contact", or "share:PARTY".  method says how it was given
 * ("in person", "by telephone, recorded"); witness may be NULL; both are
 * sealed like identity fields.
 */
enum redress_err registry_consent(struct tlog *log, const struct actor *actor,
                                  const struct registry_keys *keys, const char *pseudonym, const char *scope,
                                  int given, const char *method, const char *witness,
                                  struct redress_error *err);

/* 1 in *given_r when the latest word on scope for pseudonym is a grant. */
enum redress_err registry_consent_given(struct store *store, const char *pseudonym, const char *scope,
                                        int *given_r, struct redress_error *err);

/* Calls fn with the latest word on each scope of pseudonym's consent, in scope order. */
enum redress_err registry_consents_each(struct store *store, const char *pseudonym,
                                        enum redress_err (*fn)(void *ctx, const char *scope, int given,
                                                               uint64_t seq, struct redress_error *err),
                                        void *ctx, struct redress_error *err);

/* One grant or withdrawal of consent, as the log recorded it; the method and witness stay sealed. */
struct registry_consent_event {
	char scope[REGISTRY_SCOPE_MAX + 1];
	int given;       /* 1: granted, 0: withdrawn */
	uint64_t seq;    /* the log event */
	char actor[128]; /* who recorded it: "user:NAME", "os:NAME" ... */
	char at[40];     /* when: the event's RFC 3339 time, UTC */
};

/*
 * Calls fn with every grant and withdrawal of pseudonym's consent, in the
 * order of the log (each scope's history interleaved as it happened);
 * stops at fn's first error.  Nothing sealed is read.
 */
enum redress_err registry_consent_history(struct store *store, const char *pseudonym,
                                          enum redress_err (*fn)(void *ctx,
                                                                 const struct registry_consent_event *e,
                                                                 struct redress_error *err),
                                          void *ctx, struct redress_error *err);

/* One consultation: the wish, when and by whom; its summary stays sealed. */
struct registry_consultation {
	enum registry_wish wish;
	uint64_t seq;    /* the log event */
	char actor[128]; /* who recorded it */
	char at[40];     /* when: RFC 3339, UTC */
};

/* Calls fn with each of pseudonym's consultations in the order of the log; stops at fn's first error. */
enum redress_err registry_consultations_each(struct store *store, const char *pseudonym,
                                             enum redress_err (*fn)(void *ctx,
                                                                    const struct registry_consultation *c,
                                                                    struct redress_error *err),
                                             void *ctx, struct redress_error *err);

/* Records a consultation: the person's wish and a summary (sealed; may be NULL). */
enum redress_err registry_consult(struct tlog *log, const struct actor *actor,
                                  const struct registry_keys *keys, const char *pseudonym,
                                  enum registry_wish wish, const char *summary, struct redress_error *err);

/* The latest wish (REGISTRY_WISH_NONE when never consulted). */
enum redress_err registry_latest_wish(struct store *store, const char *pseudonym, enum registry_wish *wish_r,
                                      struct redress_error *err);

/*
 * The CSV import's parser, apart from any database so that it can be
 * fuzzed.  A person file is UTF-8 CSV (RFC 4180; an initial byte-order
 * mark is skipped) whose first line names the columns, in any order:
 *
 *   kind,name,birth_date,national_id,phone,address,region,language,frailty
 *
 * kind, name and birth_date are required; the other columns may be left
 * out, and their cells empty (language then "ko", frailty 0).  Blank lines
 * are skipped.  Each row is checked as `person add` checks its options;
 * two rows with the same national id (as the blind index normalises it)
 * are an error too.  For each good row, in order, fn gets the row's first
 * line, the bytes read so far (for progress) and the person.  The first
 * problem stops the parse: err says "NAME: line N, field 'F': what" (NAME
 * is name, the file's), and fn's own errors come prefixed with the file
 * and line.  At most REGISTRY_CSV_MAX bytes.
 */
#define REGISTRY_CSV_MAX (256u * 1024 * 1024)

enum redress_err registry_csv_parse(const char *bytes, size_t len, const char *name,
                                    enum redress_err (*fn)(void *ctx, size_t line, size_t offset,
                                                           const struct registry_new_person *p,
                                                           struct redress_error *err),
                                    void *ctx, struct redress_error *err);

/*
 * Re-wraps every person's data key from old_master to new_master, inside
 * the caller's change (registry_rewrap.c); *count_r is how many.  A key
 * that does not open with old_master is REDRESS_E_CRYPTO naming the
 * person, and the caller rolls the change back.
 */
enum redress_err registry_keys_rewrap(struct store *store, const struct seal_key *old_master,
                                      const struct seal_key *new_master, uint64_t *count_r,
                                      struct redress_error *err);

/* ---- Correcting a record (registry_change.c) ---- */

#define REGISTRY_REASON_MAX 1000 /* bytes of a correction's reason */

/*
 * A correction: each field NULL (or, for frailty, -1) where it stays as
 * it is.  name, birth_date and national_id are identity fields a second
 * staff member must approve; the others take effect at once.  A field
 * given as "" is cleared (phone, address, national_id, region only).
 */
struct registry_update {
	const char *name, *birth_date, *national_id, *phone, *address, *region, *language;
	int frailty; /* 0 to 3, or -1 */
};

/*
 * Corrects pseudonym's file.  The event keeps the fields before and after
 * (the identity sealed under her key, so that erasure reaches the old
 * values too), the names of the fields changed, the reason (required,
 * sealed) and the actor.  A change to name, birth date or national id is
 * only proposed: *change_r gets its number (the event's), and nothing
 * changes until registry_change_approve(); otherwise it applies at once
 * and *change_r is 0.  Nothing to change is REDRESS_E_INVALID; a national
 * id another person holds REDRESS_E_CONFLICT.  Needs PERM_PERSONS_WRITE.
 */
enum redress_err registry_update(struct tlog *log, const struct actor *actor,
                                 const struct registry_keys *keys, const char *pseudonym,
                                 const struct registry_update *u, const char *reason, uint64_t *change_r,
                                 struct redress_error *err);

/*
 * Approves (approve 1) or rejects (0) proposed change number change.  The
 * actor must be another account than the one who proposed it
 * (REDRESS_E_REFUSED); a change decided already, or a file changed since
 * the proposal, is REDRESS_E_CONFLICT.  Needs PERM_PERSONS_WRITE.
 */
enum redress_err registry_change_decide(struct tlog *log, const struct actor *actor,
                                        const struct registry_keys *keys, uint64_t change, int approve,
                                        struct redress_error *err);

/* A proposed change as its row keeps it: the fields' names, who proposed it, and whether it is decided. */
struct registry_change {
	uint64_t seq;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char fields[128];     /* "birth_date,name" */
	char actor[128];      /* who proposed it */
	char at[40];          /* when */
	char decision[16];    /* "", "approved" or "rejected" */
	char decided_by[128]; /* or "" */
};

/* Calls fn with each change proposed (pending only: pending 1), oldest first. */
enum redress_err registry_changes_each(struct store *store, int pending,
                                       enum redress_err (*fn)(void *ctx, const struct registry_change *c,
                                                              struct redress_error *err),
                                       void *ctx, struct redress_error *err);

/* ---- Sealing what concerns a person with her data key (for other modules) ---- */

/*
 * Seals text for pseudonym's field with key (her data key), padded as her
 * identity is, and appends it to out; registry_open_text opens it into
 * out, without the padding (the caller wipes out).
 */
enum redress_err registry_seal_text(const struct seal_key *key, const char *pseudonym, const char *field,
                                    const char *text, struct buf *out, struct redress_error *err);
/* Checks that s is sealed text as registry_seal_text writes it ("s1:" and base64, at most 64 KiB); names key.
 */
enum redress_err registry_sealed_check(const char *key, const char *s, struct redress_error *err);
struct canon_node;
/*
 * An event's field key that holds sealed text (at most max characters),
 * borrowed into *s_r; when optional, an absent or null field is *s_r NULL.
 * The registry's and casework's events read their sealed fields so.
 */
enum redress_err registry_get_sealed(const struct canon_node *data, const char *key, int optional, size_t max,
                                     const char **s_r, struct redress_error *err);
enum redress_err registry_open_text(const struct seal_key *key, const char *pseudonym, const char *field,
                                    const char *sealed, struct buf *out, struct redress_error *err);

/*
 * Vulnerability categories (registry_vulnerability.c): what a caseworker
 * records of a person so that a program may pay the most vulnerable first
 * ("priority": ["vulnerability:disability", ...]).  A small fixed
 * vocabulary, each with its name in ko, ja and en; a person's categories
 * are the latest record's (none recorded: none).  The codes are in clear,
 * like frailty, because the queue orders by them without keys and audit
 * replays them; the reason, which may say why (a diagnosis, a status), is
 * sealed with her data key (PSEUDONYM/vulnerability) and goes with
 * erasure.  A set of categories is a bit mask: bit i is category i.
 */
enum registry_vulnerability {
	REGISTRY_VULN_DISABILITY, /* a disability or a long illness */
	REGISTRY_VULN_DISPLACED,  /* displaced from her home */
	REGISTRY_VULN_SOLE_CARER, /* the only carer of children or others */
	REGISTRY_VULN_NO_INCOME,  /* no income of her own */
	REGISTRY_VULN_MINORITY,   /* of a minority the program names */
	REGISTRY_VULNS
};
#define REGISTRY_VULN_TEXT_MAX 80 /* "disability,displaced,...": every code, commas between */

/* Code i ("disability"), or NULL past the last. */
const char *registry_vulnerability_code(int i);
/* Category i's name in lang ("ko", "ja", anything else English); NULL past the last. */
const char *registry_vulnerability_name(int i, const char *lang);
/* The index of code, or -1. */
int registry_vulnerability_find(const char *code);
/*
 * Reads "disability,no-income" (codes separated by commas, in any order,
 * spaces around them allowed; "" or "none" is none) into a mask.  An
 * unknown or repeated code is REDRESS_E_INVALID naming it and the codes.
 */
enum redress_err registry_vulnerability_parse(const char *text, unsigned *mask_r, struct redress_error *err);
/* The mask as the event writes it: codes in vocabulary order, commas between; "" for none. */
void registry_vulnerability_text(unsigned mask, char out[REGISTRY_VULN_TEXT_MAX + 1]);

/*
 * Records pseudonym's categories (event "registry.vulnerability.recorded"),
 * replacing the ones recorded before; reason (required, at most
 * REGISTRY_TEXT_MAX bytes) sealed with her data key.  Needs
 * PERM_PERSONS_WRITE; an erased person is REDRESS_E_CONFLICT.
 */
enum redress_err registry_vulnerability_record(struct tlog *log, const struct actor *actor,
                                               const struct registry_keys *keys, const char *pseudonym,
                                               unsigned mask, const char *reason, struct redress_error *err);

/* pseudonym's categories now (0: none recorded), and the event that recorded them (0: none; seq_r may be
 * NULL). */
enum redress_err registry_vulnerability_get(struct store *store, const char *pseudonym, unsigned *mask_r,
                                            uint64_t *seq_r, struct redress_error *err);

/* One record as the history lists it. */
struct registry_vulnerability_record {
	uint64_t seq;
	unsigned mask;
	char actor[TLOG_ACTOR_MAX + 1];
	char at[40];
};

/* Calls fn for each record of pseudonym's, oldest first; stops at fn's first error. */
enum redress_err
registry_vulnerability_each(struct store *store, const char *pseudonym,
                            enum redress_err (*fn)(void *ctx, const struct registry_vulnerability_record *r,
                                                   struct redress_error *err),
                            void *ctx, struct redress_error *err);

#endif
