/*
 * pledges_int.h -- what pledges.c (the commands) and pledges_apply.c (the
 * events, the tables, replay and audit's fold) share.  Private to
 * src/domain/pledges.
 */
#ifndef REDRESS_DOMAIN_PLEDGES_INT_H
#define REDRESS_DOMAIN_PLEDGES_INT_H

#include "core/buf.h"
#include "domain/pledges/pledges.h"

#define PLEDGES_EV_ADDED    "pledges.pledge.added"
#define PLEDGES_EV_RECEIVED "pledges.pledge.received"
#define PLEDGES_EVENT_MAX   8192

/* The canonical data of the two events. */
enum redress_err pledges_encode_added(struct buf *out, const struct pledge *p, struct redress_error *err);
enum redress_err pledges_encode_received(struct buf *out, const struct pledge_receipt *r,
                                         struct redress_error *err);

/* Applying them to the tables: the one way commands and replay write them. */
enum redress_err pledges_apply_added(struct store *store, const struct pledge *p, struct redress_error *err);
enum redress_err pledges_apply_received(struct store *store, const struct pledge_receipt *r,
                                        struct redress_error *err);

/* The number of pledges recorded, for the next id. */
enum redress_err pledges_count(struct store *store, uint64_t *n_r, struct redress_error *err);

/* Checks the fields a pledge must have valid, as commands and the event reader both must. */
enum redress_err pledges_check(const struct pledge *p, struct redress_error *err);

/* The module's statements (pledges_catalogue, in pledges_apply.c), by id. */
enum pledges_statement {
	PLEDGES_Q_GET,
	PLEDGES_Q_EACH,
	PLEDGES_Q_PLEDGES_COUNT,
	PLEDGES_Q_INSERT,
	PLEDGES_Q_RECEIVED,
	PLEDGES_Q_RECEIPT_INSERT,
	PLEDGES_Q_SNAPSHOT_PLEDGES,
	PLEDGES_Q_SNAPSHOT_RECEIPTS,
	PLEDGES_Q_COUNT
};
extern const struct store_catalogue pledges_catalogue;

#endif
