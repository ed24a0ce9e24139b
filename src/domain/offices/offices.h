/*
 * offices.h -- a national program's offices, and which people each
 * office's staff see.
 *
 * An office has a code, a name and the regions it covers (a region in one
 * office at most).  A staff account may belong to one office; a caseworker
 * or a reviewer of an office sees and acts on the people of its regions
 * only -- lists, search, case files, claims, tasks, on the command line,
 * the API and the pages alike.  Admins, finance, monitors (and any role
 * but caseworker and reviewer), an account with no office, and the
 * bootstrap see across.  A fund with no offices behaves as before.
 *
 * A person's office is the one she was last transferred to (an event,
 * "offices.person.transferred", with its reason sealed under her key), or
 * else the office that covers her region.  A person whose region no
 * office covers (or who has none) is seen by every office: no one is left
 * without an office to look after her.
 *
 * To staff of another office, a person of another office does not exist:
 * offices_require answers REDRESS_E_NOTFOUND with the very message of a
 * pseudonym that was never registered (404 over HTTP, exit 13 on the
 * command line), so that a refusal does not confirm she is registered.
 *
 * Every change is an event ("offices.*") in the caller's change
 * (tlog_begin ... tlog_commit; on error the caller rolls back).
 */
#ifndef REDRESS_DOMAIN_OFFICES_H
#define REDRESS_DOMAIN_OFFICES_H

#include <stdint.h>

#include "core/error.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/tlog.h"
#include "store/store.h"

#define OFFICES_CODE_MAX    16  /* an office's code: [A-Za-z0-9-], starting with a letter or digit */
#define OFFICES_NAME_MAX    100 /* bytes of an office's name */
#define OFFICES_REGIONS_MAX 64  /* regions one office covers */
#define OFFICES_REASON_MAX  REGISTRY_TEXT_MAX

extern const struct event_module offices_module;

/* Checks an office's code (REDRESS_E_INVALID naming the character and position). */
enum redress_err offices_code_check(const char *code, struct redress_error *err);

/*
 * Adds office code named name covering regions, a comma-separated list of
 * region codes ("SEOUL,INCHEON": each as the registry checks a region,
 * none twice).  An event "offices.office.added".  Needs
 * PERM_USERS_MANAGE.  A code already taken, or a region another office
 * covers, is REDRESS_E_CONFLICT (naming the office).
 */
enum redress_err offices_add(struct tlog *log, const struct actor *actor, const char *code, const char *name,
                             const char *regions, struct redress_error *err);

/* An office as offices_each gives it: regions comma-separated in order. */
struct offices_office {
	char code[OFFICES_CODE_MAX + 1];
	char name[OFFICES_NAME_MAX + 1];
	char regions[OFFICES_REGIONS_MAX * (REGISTRY_REGION_MAX + 1) + 1];
	uint64_t staff; /* accounts that belong to it */
};

/* Calls fn for each office in code order. */
enum redress_err offices_each(struct store *store,
                              enum redress_err (*fn)(void *ctx, const struct offices_office *o,
                                                     struct redress_error *err),
                              void *ctx, struct redress_error *err);

/*
 * Puts account in office (NULL or "": in none, which sees across).  An
 * event "offices.staff.assigned".  Needs PERM_USERS_MANAGE.
 * REDRESS_E_NOTFOUND for no such account or office; REDRESS_E_CONFLICT
 * when the account is there already.
 */
enum redress_err offices_staff_set(struct tlog *log, const struct actor *actor, const char *account,
                                   const char *office, struct redress_error *err);

/* The office account belongs to into office_r ("" for none). */
enum redress_err offices_staff_get(struct store *store, const char *account,
                                   char office_r[OFFICES_CODE_MAX + 1], struct redress_error *err);

/*
 * Transfers pseudonym to office (an event "offices.person.transferred"),
 * which then holds her whatever her region; reason (required) is sealed
 * with her key.  Needs PERM_PERSONS_WRITE and that actor sees her now.
 * REDRESS_E_NOTFOUND for no such person (or one actor does not see) or
 * office; REDRESS_E_CONFLICT when she is erased or of that office already.
 */
enum redress_err offices_transfer(struct tlog *log, const struct actor *actor,
                                  const struct registry_keys *keys, const char *pseudonym, const char *office,
                                  const char *reason, struct redress_error *err);

/*
 * The office pseudonym belongs to into office_r: the last transfer's, else
 * her region's, else "" (seen by every office; also for no such person).
 */
enum redress_err offices_person_office(struct store *store, const char *pseudonym,
                                       char office_r[OFFICES_CODE_MAX + 1], struct redress_error *err);

/*
 * Whose people an actor sees: across (1: everyone) or only office's.
 * Caseworkers and reviewers with an office see that office's; everyone
 * else across.
 */
struct offices_scope {
	int across;
	char office[OFFICES_CODE_MAX + 1];
};

/* The scope of actor into *scope_r. */
enum redress_err offices_scope_get(struct store *store, const struct actor *actor,
                                   struct offices_scope *scope_r, struct redress_error *err);

/*
 * 1 when scope sees pseudonym (her office is scope's, or none), 0 when
 * not; -1 with err set when the database failed.
 */
int offices_scope_sees(struct store *store, const struct offices_scope *scope, const char *pseudonym,
                       struct redress_error *err);

/*
 * REDRESS_OK when actor may see pseudonym; REDRESS_E_NOTFOUND with the
 * registry's "no person" message when she is another office's.
 */
enum redress_err offices_require(struct store *store, const struct actor *actor, const char *pseudonym,
                                 struct redress_error *err);

/* What a route or command may name that belongs to one person. */
enum offices_ref {
	OFFICES_REF_CLAIM,     /* a claim's id: its victim */
	OFFICES_REF_NOTE,      /* a case note's number */
	OFFICES_REF_TASK,      /* a task's number */
	OFFICES_REF_GRIEVANCE, /* a grievance's number */
	OFFICES_REF_REFERRAL,  /* a referral's number */
	OFFICES_REF_CHANGE,    /* a proposed correction's number */
};

/*
 * offices_require for the person ref (the text of a claim id or a number)
 * belongs to.  Something that does not exist is REDRESS_OK: the caller
 * answers its own "no such" as before.  A person actor does not see is
 * REDRESS_E_NOTFOUND saying there is no such claim, note ... (as the
 * caller would).
 */
enum redress_err offices_require_ref(struct store *store, const struct actor *actor, enum offices_ref kind,
                                     const char *ref, struct redress_error *err);

#endif
