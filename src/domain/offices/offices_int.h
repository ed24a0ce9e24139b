/*
 * offices_int.h -- what offices.c (commands, scope) and offices_apply.c
 * (events, tables, statements) share.  Private to src/domain/offices.
 */
#ifndef REDRESS_DOMAIN_OFFICES_INT_H
#define REDRESS_DOMAIN_OFFICES_INT_H

#include "domain/offices/offices.h"

#define OFFICES_EV_ADDED       "offices.office.added"
#define OFFICES_EV_STAFF       "offices.staff.assigned"
#define OFFICES_EV_TRANSFERRED "offices.person.transferred"

#define OFFICES_EVENT_DATA_MAX 16384

/* The module's statements (offices_catalogue, in offices_apply.c), by id. */
enum offices_statement {
	OFFICES_Q_OFFICE_INSERT,
	OFFICES_Q_OFFICE_GET,
	OFFICES_Q_OFFICES,
	OFFICES_Q_REGION_INSERT,
	OFFICES_Q_REGION_GET,
	OFFICES_Q_REGIONS_OF,
	OFFICES_Q_STAFF_COUNT,
	OFFICES_Q_STAFF_DELETE,
	OFFICES_Q_STAFF_INSERT,
	OFFICES_Q_STAFF_GET,
	OFFICES_Q_PERSON_DELETE,
	OFFICES_Q_PERSON_INSERT,
	OFFICES_Q_PERSON_OFFICE,
	OFFICES_Q_CLAIM_PERSON,
	OFFICES_Q_NOTE_PERSON,
	OFFICES_Q_TASK_PERSON,
	OFFICES_Q_GRIEVANCE_PERSON,
	OFFICES_Q_REFERRAL_PERSON,
	OFFICES_Q_CHANGE_PERSON,
	OFFICES_Q_SNAP_OFFICES,
	OFFICES_Q_SNAP_REGIONS,
	OFFICES_Q_SNAP_STAFF,
	OFFICES_Q_SNAP_PERSONS,
	OFFICES_Q_COUNT
};
extern const struct store_catalogue offices_catalogue;

/* A region's code: 1 to REGISTRY_REGION_MAX of [A-Za-z0-9-] (as the registry checks it). */
enum redress_err offices_region_check(const char *region, struct redress_error *err);

/*
 * Calls fn for each region of the comma-separated list regions (checked,
 * none twice, at most OFFICES_REGIONS_MAX).
 */
enum redress_err offices_regions_each(const char *regions,
                                      enum redress_err (*fn)(void *ctx, const char *region,
                                                             struct redress_error *err),
                                      void *ctx, struct redress_error *err);

/* 1 when office code exists, 0 when not, -1 with err set on failure. */
int offices_exists(struct store *store, const char *code, struct redress_error *err);

/* REDRESS_OK when office code exists; REDRESS_E_NOTFOUND naming it when not. */
enum redress_err offices_office_require(struct store *store, const char *code, struct redress_error *err);

/*
 * Reads the one text column of a one-row statement into out (size bytes,
 * cut to fit) and ends it; *found_r 0 and out "" when there is no row.
 */
enum redress_err offices_one_text(struct store_stmt *st, char *out, size_t size, int *found_r,
                                  struct redress_error *err);

/* Appends an event of the module and applies it (offices_replay). */
enum redress_err offices_append(struct tlog *log, const char *type, struct buf *data,
                                struct redress_error *err);

#endif
