/*
 * dups.h -- deciding what suspected duplicates are: two people, or one
 * person registered twice.
 *
 * The registry says who is suspected (registry_dup_pairs: the same whole
 * name and birth year, by keyed hashes, never by opening an identity).
 * This module records what staff decided of each pair, as events
 * ("duplicates.*") in the caller's change, applied to one table that is a
 * projection of the log:
 *
 *   - distinct: they are two people; the pair is no longer listed;
 *   - same: the later-registered person (b) is merged into the earlier
 *     (a).  One staff member proposes it and another approves it (four
 *     eyes, as a correction of identity fields: docs/casework.md); the
 *     approval is the merge event, which audit replays.  From then on b's
 *     file says "merged into a", no new claim is opened for b, and the
 *     entitlement run books nothing for a claim of b's (entitlements.c:
 *     it reports it unresolved, to be decided on a's file).
 *
 * The reason of every decision is sealed with b's data key, so that
 * erasing her makes it unreadable.  Who may: listing needs
 * PERM_PERSONS_READ, deciding PERM_PERSONS_WRITE (a caseworker).
 */
#ifndef REDRESS_DOMAIN_DUPS_H
#define REDRESS_DOMAIN_DUPS_H

#include <stdint.h>

#include "core/error.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/tlog.h"
#include "store/store.h"

#define DUPS_PAIR_MAX   (2 * REGISTRY_PSEUDONYM_MAX + 1) /* "V-000001,V-000002" */
#define DUPS_REASON_MAX 1000                             /* bytes of a decision's reason */

extern const struct event_module dups_module;

/* A suspected pair not yet decided, as the list shows it: nothing sealed. */
struct dups_pair {
	struct registry_dup_pair pair;
	uint64_t proposal; /* a merge proposed and waiting for a second person: its number, or 0 */
	char proposer[TLOG_ACTOR_MAX + 1]; /* who proposed it, or "" */
};

/* The pair's name, "A,B" (a first), into out (at least DUPS_PAIR_MAX + 1 bytes). */
void dups_pair_name(const struct registry_dup_pair *pair, char *out, size_t size);

/*
 * Splits text "A,B" into two pseudonyms (each 1 to REGISTRY_PSEUDONYM_MAX
 * of [A-Z0-9-]); REDRESS_E_INVALID naming what is wrong.
 */
enum redress_err dups_pair_parse(const char *text, char x_r[REGISTRY_PSEUDONYM_MAX + 1],
                                 char y_r[REGISTRY_PSEUDONYM_MAX + 1], struct redress_error *err);

/*
 * Calls fn with each suspected pair not yet decided (neither distinct nor
 * merged), in order of the later one's registration; *total_r (may be
 * NULL) gets how many.  Needs PERM_PERSONS_READ.
 */
enum redress_err dups_list(struct store *store, const struct actor *actor,
                           enum redress_err (*fn)(void *ctx, const struct dups_pair *p,
                                                  struct redress_error *err),
                           void *ctx, size_t *total_r, struct redress_error *err);

/*
 * Calls fn with each suspected pair pseudonym makes that is not yet
 * decided and whose other person was not merged away, oldest first: what
 * her file shows.
 */
enum redress_err dups_undecided_of(struct store *store, const char *pseudonym, registry_dup_fn fn, void *ctx,
                                   struct redress_error *err);

/* What dups_resolve made of a pair. */
enum dups_outcome {
	DUPS_DISTINCT, /* recorded as two people */
	DUPS_PROPOSED, /* a merge proposed: it waits for a second staff member */
	DUPS_MERGED,   /* a proposal approved: b is merged into a */
};

const char *dups_outcome_name(enum dups_outcome o); /* "distinct", "proposed", "merged" */

/*
 * Decides the pair "X,Y" (either order): same 0 records them as distinct;
 * same 1 proposes a merge, or approves the one another staff member
 * proposed (the proposer approving is REDRESS_E_REFUSED).  reason is
 * required (at most DUPS_REASON_MAX bytes) and sealed.  A pair that is no
 * suspected pair is REDRESS_E_NOTFOUND; one decided already, or a person
 * merged away already, REDRESS_E_CONFLICT.  *pair_r (may be NULL) gets
 * the pair in its order, *outcome_r what was made and *seq_r its event.
 * Needs PERM_PERSONS_WRITE.  Nothing changes on error.
 */
enum redress_err dups_resolve(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                              const char *pair, int same, const char *reason,
                              struct registry_dup_pair *pair_r, enum dups_outcome *outcome_r, uint64_t *seq_r,
                              struct redress_error *err);

/*
 * Into into_r, the person pseudonym was merged into ("" when she was not),
 * and into *seq_r (may be NULL) the merge's event.
 */
enum redress_err dups_merged_into(struct store *store, const char *pseudonym,
                                  char into_r[REGISTRY_PSEUDONYM_MAX + 1], uint64_t *seq_r,
                                  struct redress_error *err);

/*
 * dups_merged_into through log, for the modules that must ask whatever
 * modules their log was opened with (the entitlement run): into_r is ""
 * when the log was opened without this module (a unit test's: nothing can
 * have been merged through it).
 */
enum redress_err dups_merged_into_log(struct tlog *log, const char *pseudonym,
                                      char into_r[REGISTRY_PSEUDONYM_MAX + 1], uint64_t *seq_r,
                                      struct redress_error *err);

/*
 * Into *any_r, 1 when anyone in the fund was merged into another person
 * (0 as well when log was opened without this module).  The entitlement
 * run and the pay batch ask once, and per person only when so: a fund
 * that merged nobody pays no lookup per claim.  The answer holds for the
 * change the caller is in, which merges nobody.
 */
enum redress_err dups_any_merged_log(struct tlog *log, int *any_r, struct redress_error *err);

/*
 * REDRESS_E_CONFLICT saying so when pseudonym was merged into another
 * person (through log, as dups_merged_into_log); what a new claim, an
 * approval and an overturned appeal check (domain/claims).
 */
enum redress_err dups_check_not_merged(struct tlog *log, const char *pseudonym, struct redress_error *err);

#endif
