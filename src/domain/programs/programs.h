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
};

extern const struct event_module programs_module;

/*
 * Parses a program file (len bytes of JSON).  Every error names the field
 * (and, for JSON syntax, the line and column) and changes nothing.
 */
enum redress_err program_parse(const char *text, size_t len, struct program *p_r, struct redress_error *err);

/*
 * Records the program (event "programs.program.added") and opens its
 * payable and expense accounts when missing; the fund account must exist
 * (money reaches it through the ledger) or is opened, as an asset that may
 * not go below zero, when missing.  A code already used is
 * REDRESS_E_CONFLICT.  Needs PERM_PROGRAMS_MANAGE.
 */
enum redress_err program_add(struct tlog *log, const struct actor *actor, const struct program *p,
                             struct redress_error *err);

/* Reads a program; REDRESS_E_NOTFOUND naming code when there is none. */
enum redress_err program_get(struct store *store, const char *code, struct program *p_r,
                             struct redress_error *err);

/* Calls fn for each program, in code order; stops at fn's first error. */
enum redress_err program_each(struct store *store,
                              enum redress_err (*fn)(void *ctx, const struct program *p,
                                                     struct redress_error *err),
                              void *ctx, struct redress_error *err);

/*
 * The program as JSON for readers (programs_json.c): its rules, each
 * amount as decimal text in its currency and in minor units, and the event
 * that added it.  A new reference the caller decrefs; NULL when out of
 * memory.
 */
json_t *program_json(const struct program *p);

#endif
