/*
 * dups_int.h -- what dups.c (commands and reads) and dups_apply.c (events,
 * table, fold) share.  Private to src/domain/dups.
 */
#ifndef REDRESS_DOMAIN_DUPS_INT_H
#define REDRESS_DOMAIN_DUPS_INT_H

#include "domain/dups/dups.h"

#define DUPS_EV_DISTINCT "duplicates.pair.distinct"
#define DUPS_EV_PROPOSED "duplicates.merge.proposed"
#define DUPS_EV_MERGED   "duplicates.merge.approved"

#define DUPS_EVENT_DATA_MAX (16u * 1024)

/* The statements of dups_catalogue, by id. */
enum {
	DUPS_Q_INSERT,
	DUPS_Q_PAIR,     /* a pair's decisions, newest first */
	DUPS_Q_MERGED,   /* whom a person was merged into */
	DUPS_Q_ANY,      /* whether anyone was merged */
	DUPS_Q_SNAPSHOT, /* audit's */
	DUPS_Q_COUNT
};
extern const struct store_catalogue dups_catalogue;

/* What a pair's decisions come to, from its rows (dups_pair_state). */
struct dups_state {
	int decided;                       /* 1: distinct or merged */
	char decision[16];                 /* the deciding one: "distinct" or "merged", or "" */
	uint64_t proposal;                 /* a pending merge proposal's event, or 0 */
	char proposer[TLOG_ACTOR_MAX + 1]; /* its actor */
};

enum redress_err dups_pair_state(struct store *store, const char *a, const char *b, struct dups_state *s_r,
                                 struct redress_error *err);

#endif
