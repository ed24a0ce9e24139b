/*
 * reports.h -- the public transparency report of a program: aggregate
 * figures that monitors can check against the signed log, and that single
 * out no one.
 *
 * What it promises:
 *   - Figures per program: people registered, reached (consulted at least
 *     once), consented to statistics, declined payment (latest wish),
 *     claims approved, people paid, people still waiting, amount paid,
 *     amount still owed (queued, batched or returned entitlements, never
 *     declined ones), the fund's balance and the pledges by currency,
 *     median and 90th-percentile days from registration to payment, and
 *     deaths before payment (beneficiaries who died never paid).  People
 *     figures count the whole registry, which every program shares.
 *   - Counts from 1 to k-1 are published as "fewer than k", and further
 *     counts are withheld until none of them can be worked out from the
 *     others (report_suppress.h).  Breakdowns (by region, by decade of
 *     birth) count only people whose latest word on the "statistics" scope
 *     is consent.  Money is exact.  Quantiles of days are published only
 *     when at least k people were paid.
 *   - By harm (a program that pays by harm): for each harm, approved
 *     claims that have it approved, and what they paid; by form of
 *     benefit: the program's form, and its instalments scheduled, held
 *     (no proof of life) and stopped (at death), which are neither paid
 *     nor owed.  The same suppression holds for every count.
 *   - Casework: people eligible by the program's rules, of them reached
 *     by a contact attempt, claims applied, grievances opened,
 *     resolved and overdue (open longer than the limit on the day of the
 *     last event counted: no clock), appeals opened, upheld and overturned;
 *     suppressed as the rest.
 *   - No name, pseudonym or other per-person value ever enters a report.
 *   - Deterministic: the report is a function of the tables at one tree
 *     size and of k; it names that size, the root and the signed
 *     checkpoint note, and no clock.  Its body (canonical JSON) is the data
 *     of the event "reports.report.published", appended to the log, so the
 *     published report carries the event's place and an inclusion proof
 *     against the checkpoint that follows it: report_verify() checks all
 *     of it offline with the log's public key.
 *   - Publishing again when the log's last event is already this report
 *     (same program, same k, same figures) appends nothing and gives the
 *     same bytes.
 */
#ifndef REDRESS_DOMAIN_REPORTS_H
#define REDRESS_DOMAIN_REPORTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "domain/reports/report_suppress.h"
#include "domain/users/users.h"
#include "log/merkle.h"
#include "log/tlog.h"

#define REPORTS_EV_PUBLISHED  "reports.report.published"
#define REPORT_MAX_BYTES      (1u << 20) /* a published report, and its body */
#define REPORT_GROUPS_MAX     200        /* rows of one breakdown */
#define REPORT_MONTHS_MAX     600        /* months of disbursements */
#define REPORT_CURRENCIES_MAX 32
#define REPORT_HARMS_MAX      64 /* harms of one program, all its versions */

/* One published count, after suppression. */
struct report_count {
	int64_t value; /* meaningful only when mark is REPORT_SHOWN */
	enum report_mark mark;
};

/* A row of a breakdown: people who consented to statistics in one group. */
struct report_row {
	char group[72]; /* a region code, "1920s", or "unknown" */
	struct report_count people, reached, paid;
};

struct report_breakdown {
	size_t n;
	int dropped; /* left out whole: too few people to show without singling anyone out */
	struct report_row rows[REPORT_GROUPS_MAX];
};

struct report_month {
	char month[8];  /* YYYY-MM of the bank's booking date */
	int64_t amount; /* paid that month, minor units */
};

struct report_pledged {
	char currency[4];
	int64_t pledged, received; /* minor units of currency */
};

/*
 * A harm's row: approved claims that have it approved (a claim with
 * several harms counts in each, so rows do not add up), and what those
 * claims' entitlements paid, published only when the count is.
 */
struct report_harm {
	char harm[33];
	struct report_count claims;
	int64_t paid; /* minor units */
};

/*
 * A service in kind's row (a program's "services", every one it declares):
 * claims' services by their latest state, each count suppressed as the
 * others are.
 */
#define REPORT_SERVICES_MAX 8 /* PROGRAM_SERVICES_MAX */
struct report_service {
	char service[33];
	struct report_count scheduled, delivered, refused;
};

/* The figures of a report: what its body holds. */
struct report {
	char program[65];
	char program_name[201];
	char currency[4];
	int k;
	/* The checkpoint it was computed at. */
	uint64_t size;
	uint8_t root[MERKLE_HASH_SIZE];
	struct buf checkpoint; /* the signed checkpoint note at size */
	/* People (the whole registry) and the program. */
	struct report_count registered, reached, consented, declined, approved, paid, waiting, deaths;
	struct report_count consented_reached, consented_paid; /* the breakdowns' totals */
	struct report_breakdown by_region, by_decade;
	int64_t amount_paid, amount_owed; /* minor units of the program's currency */
	char fund_account[65];
	int64_t fund_balance, fund_available; /* posted, and less pending */
	size_t npledged;
	struct report_pledged pledged[REPORT_CURRENCIES_MAX];
	int days_shown; /* median and p90 published (at least k paid) */
	int64_t days_median, days_p90;
	size_t nmonths;
	struct report_month months[REPORT_MONTHS_MAX];
	/* By harm, and by form of benefit (the form the program was added with). */
	size_t nharms;
	struct report_harm harms[REPORT_HARMS_MAX];
	char form[16]; /* "lump_sum" or "instalments" */
	/* Instalments not paid nor owed: not due yet, held for want of a proof of life, stopped at death. */
	struct report_count scheduled, held, stopped;
	/* Services in kind, in code order; none (and no "services" in the body) for a program without. */
	size_t nservices;
	struct report_service services[REPORT_SERVICES_MAX];
	/*
	 * Casework: people eligible (by the program's rules, as its outreach
	 * list reads them: casework_eligible), of them reached by a contact
	 * attempt, claims opened under the program;
	 * grievances (the whole registry's) opened, resolved, and open longer
	 * than grievance_days on the day of the last event counted; the
	 * program's appeals opened, upheld and overturned.
	 */
	struct report_count eligible, eligible_reached, applied;
	struct report_count grievances_opened, grievances_resolved, grievances_overdue;
	struct report_count appeals_opened, appeals_upheld, appeals_overturned;
	int grievance_days;
};

/* A report as published: its body, the event that holds it, and the proof. */
struct report_published {
	struct report report;
	struct buf body; /* canonical JSON: the event's data */
	uint64_t seq;    /* the event's position */
	char actor[TLOG_ACTOR_MAX + 1];
	char at[32];                    /* the event's time */
	char salt[TLOG_SALT_TEXT_SIZE]; /* the event's salt, published with it ("" before salts) */
	int version;                    /* the event's version (tlog.h): 3 binds it to its feed line */
	char public_hash[65];           /* version 3: the hex SHA-256 of its public part (its feed line's) */
	uint64_t proof_size;            /* the tree the proof is for: seq + 1 or more */
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	size_t proof_count;
	uint8_t consistency[MERKLE_MAX_PROOF + 2][MERKLE_HASH_SIZE]; /* from the size computed at */
	size_t consistency_count;
	struct buf proof_checkpoint; /* the signed checkpoint note at proof_size */
	struct buf handovers;        /* the log's key handovers, a JSON array (tlog_handovers_json) */
	int reused;                  /* 1 when the log's last event already was this report */
};

extern const struct event_module reports_module;

void report_init(struct report *r);
void report_free(struct report *r);
void report_published_init(struct report_published *p);
void report_published_free(struct report_published *p);

/*
 * Computes program's figures from the tables as they are (at the log's
 * current size), with suppression for k.  Outside a change.  An unknown
 * program is REDRESS_E_NOTFOUND; a k out of range REDRESS_E_INVALID.
 */
enum redress_err report_compute(struct tlog *log, const char *program, int k, struct report *r,
                                struct redress_error *err);

/* The report's body, canonical JSON, appended to out. */
enum redress_err report_encode(const struct report *r, struct buf *out, struct redress_error *err);

/*
 * Computes the report (report_compute), appends it to the log as the event
 * "reports.report.published" in its own change -- unless the log's last
 * event is this very report, which is then reused -- and fills pub with
 * the body, the event and its inclusion proof against the checkpoint that
 * follows.  Needs PERM_AGGREGATES_READ.  The log must have its signing key.
 */
/*
 * Decodes a report's body (canonical JSON, len bytes) back into its
 * figures: r is then what report_encode gives those very bytes from
 * (checked by encoding it again).  A body that does not read back so is
 * REDRESS_E_INVALID.
 */
enum redress_err report_decode(const char *body, size_t len, struct report *r, struct redress_error *err);

/*
 * Rebuilds from the log alone the published report that report_publish
 * gave when the event at seq was proved against the checkpoint of
 * proof_size: the body, actor, time, salt, version and public hash of the
 * event, its figures (report_decode), the checkpoint of proof_size as
 * signed (without cosignatures), the key handovers at sizes up to
 * proof_size, and the inclusion and consistency proofs.  The same bytes
 * after more events and after key rotations.  An event that is not a
 * published report, or a size that does not hold it, is REDRESS_E_INVALID
 * (REDRESS_E_NOTFOUND for an event or checkpoint that does not exist).
 */
enum redress_err report_published_load(struct tlog *log, uint64_t seq, uint64_t proof_size,
                                       struct report_published *pub, struct redress_error *err);

/*
 * The report program's public page shows: its latest published report
 * (the reports_published row with the greatest seq, whoever published
 * it), rebuilt from the log by report_published_load with the proof
 * against the latest signed checkpoint and that checkpoint's
 * cosignatures -- what report_publish gives for it now.  None published
 * is REDRESS_E_NOTFOUND; a row whose seq names no report of program the
 * log holds is REDRESS_E_TAMPERED naming it.  Needs the log's public
 * projection (tlog_set_public) for version-3 events.
 */
enum redress_err report_shown_load(struct tlog *log, const char *program, struct report_published *pub,
                                   struct redress_error *err);

enum redress_err report_publish(struct tlog *log, const struct actor *actor, const char *program, int k,
                                struct report_published *pub, struct redress_error *err);

/* Renders a published report.  Every renderer writes the same figures. */
enum redress_err report_render_json(const struct report_published *pub, struct buf *out,
                                    struct redress_error *err);
enum redress_err report_render_csv(const struct report_published *pub, struct buf *out,
                                   struct redress_error *err);
enum redress_err report_render_html(const struct report_published *pub, struct buf *out,
                                    struct redress_error *err);

/* What report_verify found. */
struct report_verified {
	char program[65];
	uint64_t computed_at; /* the tree size the figures were computed at */
	uint64_t seq;         /* the report event's position */
	uint64_t proof_size;  /* the checkpoint it was proved against */
};

/*
 * Verifies a published JSON report (len bytes) offline against the log's
 * verifier key (vkey, signed-note vkey text): the body re-encodes to the
 * event's canonical bytes; its leaf hash with the inclusion proof gives the
 * root of the signed checkpoint that follows it; the checkpoint it names as
 * computed at is signed by the same key, for the same origin, at the
 * event's position, and consistent with the later one.  Anything altered is
 * REDRESS_E_CRYPTO (a hash or signature that does not verify) or
 * REDRESS_E_INVALID (malformed, naming the field).
 */
enum redress_err report_verify(const char *json, size_t len, const char *vkey, struct report_verified *v_r,
                               struct redress_error *err);

struct cosig_policy;
struct json_t;

/* Appends the jansson value v to out as canonical JSON (core/canon.h): sorted keys, integers only. */
enum redress_err report_json_canon(struct json_t *v, struct buf *out, struct redress_error *err);

/*
 * The public feed (report_feed.c): every event of the log up to its latest
 * checkpoint, one JSON line each, with its type, day and data, identifying
 * values replaced by keyed commitments and region and birth decade withheld
 * for a person in a cell of fewer than k registered people (docs/log.md,
 * "The public feed").  index_key keys the commitments (never in the feed).
 */
struct seal_key;
enum redress_err report_feed_write(struct tlog *log, const struct seal_key *index_key, int k, struct buf *out,
                                   struct redress_error *err);

/*
 * The projection of an event to its public part (log/tlog.h, struct
 * tlog_public; ctx is the fund's index key, a const struct seal_key *):
 * what its feed line publishes, with each value the feed may withhold
 * (region, birth decade) as a salted commitment.  Registered with every
 * log opened with the key directory, so that appends write version 3.
 */
enum redress_err report_feed_project(const void *ctx, const char *event, size_t len, struct buf *out,
                                     struct redress_error *err);
/* The same of the event already read (canon_read of its bytes; its root): the same bytes out. */
enum redress_err report_feed_project_read(const void *ctx, const struct canon_node *event, struct buf *out,
                                          struct redress_error *err);

/* The projection above as a log takes it, for index_key (which must outlive the log). */
struct tlog_public report_feed_public(const struct seal_key *index_key);

/*
 * Recomputes the published JSON report (report_json, len bytes) from the
 * feed: replays the feed's events up to the size the report was computed
 * at into a scratch database in tmpdir (removed after), computes the
 * report there with the same program and k, and compares its canonical
 * body with the published one byte for byte.  Equal: REDRESS_OK and
 * *bytes_r their length; different: REDRESS_E_CRYPTO naming the first
 * figure that differs; a malformed feed or report: REDRESS_E_INVALID.
 */
enum redress_err report_recount(const char *feed, size_t feed_len, const char *report_json, size_t len,
                                const struct event_module *const *modules, const char *tmpdir,
                                size_t *bytes_r, struct redress_error *err);

/* What report_feed_verify found. */
struct report_feed_verified {
	uint64_t size;       /* events in the feed: the checkpoint's size */
	uint64_t bound;      /* lines of version 3: each rebuilt to its leaf from the line alone */
	uint64_t unbound_v1; /* lines of events of version 1 (before salts): their leaf as listed */
	uint64_t unbound_v2; /* lines of events of version 2: the same */
};

/*
 * Checks a public feed (len bytes) offline with the log's verifier key
 * (vkey) and a witness policy (NULL: none): its header's checkpoint is
 * signed by the key in force at its size (through the header's handovers)
 * and cosigned as policy asks; it has one line per event 0 .. size-1, in
 * order; each version-3 line rebuilds to the leaf it lists (the opened
 * fields committed again under their salts); and the listed leaves give
 * the checkpoint's root, which binds every line at once.  Lines of older
 * events list their leaf, which the line itself cannot be checked against
 * (counted in v_r).  An altered line is REDRESS_E_CRYPTO naming it; a
 * malformed one REDRESS_E_INVALID naming the line.
 */
enum redress_err report_feed_verify(const char *feed, size_t len, const char *vkey,
                                    const struct cosig_policy *policy, struct report_feed_verified *v_r,
                                    struct redress_error *err);

/*
 * report_verify, and the checkpoint the report is proved against must carry
 * valid cosignatures by at least policy->threshold of its witnesses
 * (log/cosig.h; NULL: no policy).  Too few is REDRESS_E_CRYPTO naming how
 * many and which are missing.
 */
enum redress_err report_verify_policy(const char *json, size_t len, const char *vkey,
                                      const struct cosig_policy *policy, struct report_verified *v_r,
                                      struct redress_error *err);

#endif
