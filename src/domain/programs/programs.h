/*
 * programs.h -- a reparations program and its rules, as data.
 *
 * A program file (JSON) names the program, its currency, its cutoff date,
 * the ledger accounts it uses, and its benefit schedule; `program add`
 * records it as an event and opens the accounts it names when missing.
 * Another program with other amounts, dates and accounts needs no code:
 *
 *   {
 *     "code": "flagship-2015",
 *     "name": "Reconciliation and Healing Foundation (2015 agreement)",
 *     "currency": "KRW",
 *     "cutoff": "2015-12-28",
 *     "accounts": {"fund": "bank:krw", "payable": "payable:flagship-2015",
 *                  "expense": "benefits:flagship-2015"},
 *     "benefits": {"survivor": "100000000", "bereaved": "20000000"},
 *     "approvals": 2
 *   }
 *
 * Rules: a victim alive on the cutoff date is entitled to "survivor"; the
 * heirs of a victim who had died before it share "bereaved" by their
 * shares.  A survivor who dies after the cutoff but before she is paid
 * passes her entitlement to her heirs.  "approvals" is how many different
 * reviewers must approve a claim (at least 2).  "fund" must be an asset
 * account that may not go below zero; "payable" (a liability) and
 * "expense" are opened when missing.
 */
#ifndef REDRESS_DOMAIN_PROGRAMS_H
#define REDRESS_DOMAIN_PROGRAMS_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "core/money.h"
#include "domain/ledger/ledger.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define PROGRAM_CODE_MAX      64
#define PROGRAM_NAME_MAX      200
#define PROGRAM_FILE_MAX      (1u << 20)
#define PROGRAM_APPROVALS_MIN 2  /* four eyes, at least */
#define PROGRAM_APPROVALS_MAX 10 /* more reviewers than that is a typing error */

/* The program's own limits on its rules (docs/programs.md). */
#define PROGRAM_LABEL_MAX       200 /* bytes of one localized name */
#define PROGRAM_ITEM_CODE_MAX   32  /* a harm's, unit's or service's code */
#define PROGRAM_HARMS_MAX       16
#define PROGRAM_UNITS_MAX       4
#define PROGRAM_UNIT_VALUES_MAX 32
#define PROGRAM_EXCLUSIONS_MAX  8
#define PROGRAM_SERVICES_MAX    8
#define PROGRAM_PRIORITY_MAX    7     /* frailty, age and five vulnerability categories */
#define PROGRAM_QUANTITY_DIGITS 4     /* fraction digits of a quantity of a unit ("17.5") */
#define PROGRAM_INSTALMENTS_MAX 1200  /* a hundred years of monthly payments */
#define PROGRAM_RULES_TEXT_MAX  65536 /* the rules' canonical JSON in an event */
#define PROGRAM_DAYS_MAX        3650  /* a casework limit in days: ten years */

/* The languages of the pages: a program's names are given in each. */
enum program_lang { PROGRAM_LANG_KO, PROGRAM_LANG_JA, PROGRAM_LANG_EN, PROGRAM_LANGS };

/* A name in each language; "" where the file gave none. */
struct program_names {
	char text[PROGRAM_LANGS][PROGRAM_LABEL_MAX + 1];
};

/*
 * An amount as a rule gives it: a fixed amount, or a quantity of a unit
 * (40 monthly minimum wages) whose value in minor units is dated in the
 * program's table.  quantity is num / 10^PROGRAM_QUANTITY_DIGITS exactly.
 */
struct program_amount {
	int set;       /* 0: the rule gives no amount (no cap) */
	int unit;      /* -1: fixed; else an index into program.units */
	int64_t minor; /* fixed: minor units */
	int64_t num;   /* in a unit: the quantity times 10^PROGRAM_QUANTITY_DIGITS */
};

struct program_unit {
	char code[PROGRAM_ITEM_CODE_MAX + 1];
	struct program_names names;
	size_t nvalues;
	struct {
		char from[11]; /* YYYY-MM-DD: in force from this day until the next entry's */
		int64_t minor; /* one unit's value */
	} values[PROGRAM_UNIT_VALUES_MAX];
};

struct program_harm {
	char code[PROGRAM_ITEM_CODE_MAX + 1];
	struct program_names names;
	struct program_amount amount;
};

/* How the amounts of several approved harms of one claim combine. */
enum program_combine {
	PROGRAM_COMBINE_SUM, /* added up (then capped) */
	PROGRAM_COMBINE_MAX, /* the largest one only */
};

/* One key of the payment queue's order, most important first. */
enum program_priority {
	PROGRAM_PRIORITY_FRAILTY, /* most frail first */
	PROGRAM_PRIORITY_AGE,     /* oldest (birth year) first */
	/* "vulnerability:CODE": people with that category recorded first (domain/registry's vocabulary). */
	PROGRAM_PRIORITY_VULNERABILITY,
};

enum program_form {
	PROGRAM_FORM_LUMP_SUM,    /* one payment */
	PROGRAM_FORM_INSTALMENTS, /* a schedule of payments, each after a proof of life */
};

/* What becomes of the rest of a schedule when its beneficiary dies. */
enum program_at_death {
	PROGRAM_AT_DEATH_STOP,  /* it stops; nothing passes to heirs */
	PROGRAM_AT_DEATH_HEIRS, /* the instalments due and unpaid pass to her heirs */
};

struct program_instalments {
	int count;              /* payments in the schedule */
	int every_months;       /* months between two payments */
	int proof_every_months; /* a proof of life at least this often; 0: none asked */
	int proof_window_days;  /* a proof counts for this many days before a payment */
	enum program_at_death at_death;
};

struct program_service {
	char code[PROGRAM_ITEM_CODE_MAX + 1];
	struct program_names names;
};

/*
 * The rules beyond the flat schedule (docs/programs.md); a program file of
 * the first format has none of them (nharms, nservices 0, lump sum).
 */
struct program_rules {
	struct program_names names;
	size_t nunits;
	struct program_unit units[PROGRAM_UNITS_MAX];
	size_t nharms;
	struct program_harm harms[PROGRAM_HARMS_MAX];
	enum program_combine combine;
	struct program_amount cap_person; /* a beneficiary's total under the program */
	struct program_amount cap_family; /* a victim's total, all her claims and heirs together */
	size_t npriority;
	enum program_priority priority[PROGRAM_PRIORITY_MAX];
	int priority_vulnerability[PROGRAM_PRIORITY_MAX]; /* PROGRAM_PRIORITY_VULNERABILITY: the category */
	size_t nexclusions;
	char exclusions[PROGRAM_EXCLUSIONS_MAX][PROGRAM_CODE_MAX + 1]; /* paid by these programs: excluded */
	/* 1: exclusions[i] is a benefit recorded on her file ({"receives"}), not a program ({"paid_by"}). */
	int exclusion_receives[PROGRAM_EXCLUSIONS_MAX];
	enum program_form form;
	struct program_instalments instalments; /* form PROGRAM_FORM_INSTALMENTS */
	size_t nservices;
	struct program_service services[PROGRAM_SERVICES_MAX];
	/* "casework": {"grievance_days": N}: days a grievance may stay open (0: the fund's, 30). */
	int grievance_days;
	/* "casework": {"ask_again_days": N}: days until an undecided person is asked again (0: the fund's,
	 * 30). */
	int ask_again_days;
};

struct program {
	char code[PROGRAM_CODE_MAX + 1];
	char name[PROGRAM_NAME_MAX + 1];
	char currency[CURRENCY_CODE_SIZE];
	char cutoff[11]; /* YYYY-MM-DD */
	char fund[LEDGER_CODE_MAX + 1];
	char payable[LEDGER_CODE_MAX + 1];
	char expense[LEDGER_CODE_MAX + 1];
	int64_t survivor_amount; /* minor units */
	int64_t bereaved_amount; /* minor units, shared among heirs */
	int approvals;           /* different reviewers who must approve a claim */
	uint64_t added_seq;      /* the event that added it (0 for a program only parsed) */
	struct program_rules rules;
	/*
	 * Which version of the program this is: 1 as first added (from ""),
	 * else a version a second admin approved (programs.version.added),
	 * in force from the day from (YYYY-MM-DD).
	 */
	int version;
	char from[11];
};

/* A version of a program as its history lists it. */
struct program_version {
	int version;
	char from[11];                        /* in force from; "" for version 1 */
	uint64_t proposed_seq;                /* the event that proposed it (version 1: added it) */
	char proposed_by[TLOG_ACTOR_MAX + 1]; /* "" for version 1 */
	uint64_t added_seq;                   /* the second admin's approval; 0: awaiting it */
	char added_by[TLOG_ACTOR_MAX + 1];
};

#define PROGRAM_VERSIONS_MAX 1000

extern const struct event_module programs_module;

/*
 * Parses a program file (len bytes of JSON).  Every error names the field
 * (and, for JSON syntax, the line and column) and changes nothing.  err
 * holds the first error found, followed by "(and N more errors)" when
 * there were others: program_parse_all lists them all.
 */
enum redress_err program_parse(const char *text, size_t len, struct program *p_r, struct redress_error *err);

/* Every error of a program file found in one pass, each naming its field ("harms[2].amount"). */
#define PROGRAM_ERRORS_MAX 32
struct program_errors {
	size_t n;    /* messages kept, in the order found (the file's order, mostly) */
	size_t more; /* errors found beyond PROGRAM_ERRORS_MAX, not kept */
	char message[PROGRAM_ERRORS_MAX][REDRESS_ERROR_MAX];
};

/*
 * program_parse, going on after an invalid field to report every field
 * that is wrong in errs (cleared first): each field of the top, of
 * "accounts" and "benefits", and each section of the rules, each element
 * of their lists (units, harms, services, exclusions, priority) and each
 * field of a harm is read whatever came before it; a field that needs
 * another (amounts need the currency) is skipped while that one is wrong.
 * Checks across fields run once each field is right.  err holds the first
 * error as program_parse gives it.  A syntax error is one error (the JSON
 * cannot be read past it).
 */
enum redress_err program_parse_all(const char *text, size_t len, struct program *p_r,
                                   struct program_errors *errs, struct redress_error *err);

/*
 * Records the program (event "programs.program.added") and opens its
 * payable and expense accounts when missing; the fund account must exist
 * (money reaches it through the ledger) or is opened, as an asset that may
 * not go below zero, when missing.  A code already used is
 * REDRESS_E_CONFLICT.  Needs PERM_PROGRAMS_MANAGE.
 */
enum redress_err program_add(struct tlog *log, const struct actor *actor, const struct program *p,
                             struct redress_error *err);

/*
 * Reads a program as it is in force today: its latest version approved by
 * a second admin whose day has come, else the program as first added.
 * REDRESS_E_NOTFOUND naming code when there is none.
 */
enum redress_err program_get(struct store *store, const char *code, struct program *p_r,
                             struct redress_error *err);

/*
 * A new version of a program (docs/programs.md, "Versions"): p is the new
 * rules under an existing code, with the same currency, fund, payable and
 * expense accounts, in force from the day from (YYYY-MM-DD, not before
 * today).  An admin proposes it (event "programs.version.proposed",
 * *version_r its number: the last one's plus one); another admin approves
 * it (event "programs.version.added"), after which program_get gives it
 * from that day.  Entitlements booked before keep the amounts they were
 * booked with: a run books only what is not booked yet.  A proposal while
 * another awaits approval is REDRESS_E_CONFLICT; an approval by its
 * proposer is REDRESS_E_REFUSED.  Both need PERM_PROGRAMS_MANAGE, inside a
 * change.
 */
enum redress_err program_version_propose(struct tlog *log, const struct actor *actor, const struct program *p,
                                         const char *from, int *version_r, struct redress_error *err);
enum redress_err program_version_approve(struct tlog *log, const struct actor *actor, const char *code,
                                         int version, struct redress_error *err);

/* Reads version (1: as first added) of program code, approved or not; REDRESS_E_NOTFOUND when none. */
enum redress_err program_version_get(struct store *store, const char *code, int version, struct program *p_r,
                                     struct redress_error *err);

/* Calls fn for each version of program code, version 1 first. */
enum redress_err program_versions_each(struct store *store, const char *code,
                                       enum redress_err (*fn)(void *ctx, const struct program_version *v,
                                                              struct redress_error *err),
                                       void *ctx, struct redress_error *err);

/* Calls fn for each program as in force today (program_get), in code order; stops at fn's first error. */
enum redress_err program_each(struct store *store,
                              enum redress_err (*fn)(void *ctx, const struct program *p,
                                                     struct redress_error *err),
                              void *ctx, struct redress_error *err);

/*
 * The program's name in lang ("ko", "ja", "en"; anything else is "en"),
 * falling back to its name field.  Borrowed from p.
 */
const char *program_name(const struct program *p, const char *lang);

/* Harm code's index in p's rules, or -1. */
int program_harm_find(const struct program *p, const char *code);

/*
 * One unit's value in force on date (YYYY-MM-DD): the latest entry whose
 * "from" is on or before it.  REDRESS_E_NOTFOUND naming the unit and the
 * date when the table starts later.
 */
enum redress_err program_unit_value(const struct program *p, int unit, const char *date, int64_t *minor_r,
                                    struct redress_error *err);

/*
 * An amount rule's value on date, in minor units: fixed, or quantity x the
 * unit's value then, rounded half up to the minor unit (the one rounding a
 * conversion makes; docs/programs.md).  Checked: an overflow is
 * REDRESS_E_OVERFLOW naming what.
 */
enum redress_err program_amount_value(const struct program *p, const struct program_amount *a,
                                      const char *date, int64_t *minor_r, struct redress_error *err);

/*
 * What a claim's approved harms (indexes into p's harms, n of them) are
 * owed on date: each harm's amount, combined by the program's rule, then
 * capped per family (the victim's claims already hold family_before: a
 * victim's total, all her heirs together).  Never negative.  *uncapped_r
 * (may be NULL) is the amount before the cap.
 */
enum redress_err program_harms_amount(const struct program *p, const int *harms, size_t n, const char *date,
                                      int64_t family_before, int64_t *minor_r, int64_t *uncapped_r,
                                      struct redress_error *err);

/*
 * The cap per person on date: *amount is lowered so that a beneficiary
 * who already holds person_before under the program holds at most the
 * cap (never below zero).  No cap: unchanged.
 */
enum redress_err program_person_cap(const struct program *p, const char *date, int64_t person_before,
                                    int64_t *amount, struct redress_error *err);

/*
 * The rules as JSON in the program file's own shape (the fields of the
 * second format only; NULL-free even when there are none): what the event
 * carries and `program show --json` prints.  New reference; NULL when out
 * of memory.
 */
json_t *program_rules_json(const struct program *p);

/*
 * The program as JSON for readers (programs_json.c): its rules, each
 * amount as decimal text in its currency and in minor units, and the event
 * that added it.  A new reference the caller decrefs; NULL when out of
 * memory.
 */
json_t *program_json(const struct program *p);

/* A version as program history lists it (same ownership as program_json). */
json_t *program_version_json(const struct program_version *v);

#endif
