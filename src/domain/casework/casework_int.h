/*
 * casework_int.h -- what casework.c (commands and reads) and
 * casework_apply.c (events, tables, fold) share.  Private to
 * src/domain/casework.
 */
#ifndef REDRESS_DOMAIN_CASEWORK_INT_H
#define REDRESS_DOMAIN_CASEWORK_INT_H

#include "domain/casework/casework.h"
#include "log/audit.h"

#define CW_EV_NOTE               "casework.note.added"
#define CW_EV_NOTE_OPENED        "casework.note.opened"
#define CW_EV_TASK               "casework.task.added"
#define CW_EV_TASK_DONE          "casework.task.done"
#define CW_EV_CONTACT            "casework.contact.recorded"
#define CW_EV_REFERRAL           "casework.referral.made"
#define CW_EV_GRIEVANCE          "casework.grievance.opened"
#define CW_EV_GRIEVANCE_RESOLVED "casework.grievance.resolved"
#define CW_EV_REFERRAL_OUTCOME   "casework.referral.outcome"

#define CW_EVENT_DATA_MAX (96u * 1024)

/* The tables, in casework_module.snapshot_ids order. */
enum cw_table {
	CW_TABLE_NOTES,
	CW_TABLE_NOTE_OPENS,
	CW_TABLE_TASKS,
	CW_TABLE_TASKS_DONE,
	CW_TABLE_CONTACTS,
	CW_TABLE_REFERRALS,
	CW_TABLE_GRIEVANCES,
	CW_TABLE_GRIEVANCES_DONE,
	CW_TABLE_REFERRALS_DONE,
	CW_TABLE_COUNT
};

/* The statements of casework_catalogue, by id. */
enum {
	CW_Q_INSERT_NOTE,
	CW_Q_INSERT_NOTE_OPEN,
	CW_Q_INSERT_TASK,
	CW_Q_INSERT_TASK_DONE,
	CW_Q_INSERT_CONTACT,
	CW_Q_INSERT_REFERRAL,
	CW_Q_INSERT_GRIEVANCE,
	CW_Q_INSERT_GRIEVANCE_DONE,
	CW_Q_NOTE_GET,
	CW_Q_TASK_STATE,
	CW_Q_GRIEVANCE_STATE,
	CW_Q_NOTES,
	CW_Q_TASKS,
	CW_Q_CONTACTS,
	CW_Q_REFERRALS,
	CW_Q_GRIEVANCES,
	CW_Q_OUTREACH,
	CW_Q_PERSON_GRIEVANCES,
	CW_Q_INSERT_REFERRAL_DONE,
	CW_Q_REFERRAL_STATE,
	CW_Q_CANDIDATES, /* who any program could make eligible, and whether a contact reached her */
	/* Audit's snapshots, in enum cw_table order: each table whole, by its key. */
	CW_Q_SNAP_NOTES,
	CW_Q_SNAP_NOTE_OPENS,
	CW_Q_SNAP_TASKS,
	CW_Q_SNAP_TASKS_DONE,
	CW_Q_SNAP_CONTACTS,
	CW_Q_SNAP_REFERRALS,
	CW_Q_SNAP_GRIEVANCES,
	CW_Q_SNAP_GRIEVANCES_DONE,
	CW_Q_SNAP_REFERRALS_DONE,
	CW_Q_COUNT
};
extern const struct store_statement casework_statements[CW_Q_COUNT];
extern const struct store_catalogue casework_catalogue;

/*
 * The one row an event makes: its table and its values, column for
 * column as the table's snapshot reads them (strings borrowed from the
 * event).  pseudonym: whose file (NULL for a task done or a grievance
 * resolved); ref: the task or grievance these close.
 */
struct cw_row {
	enum cw_table table;
	struct audit_value values[8];
	size_t n;
	const char *pseudonym;
	int64_t ref;
};

/*
 * A row that closes another -- a task done, a grievance resolved, a
 * referral's outcome: its table, the table of what it closes, the state
 * statement (casework_ref_state), and words for errors ("task", "done").
 */
struct cw_closing {
	enum cw_table table, opened;
	unsigned state;
	const char *what, *closed;
};

/* table's closing (table one of CW_TABLE_TASKS_DONE, CW_TABLE_GRIEVANCES_DONE, CW_TABLE_REFERRALS_DONE). */
const struct cw_closing *casework_closing(enum cw_table table);

/* Reads ev back into its row, checking every field; unknown fields and types are refused. */
enum redress_err casework_event_row(const struct event *ev, struct cw_row *row, struct redress_error *err);

/* Applies one event to the tables, after the checks that need them. */
enum redress_err casework_replay(struct store *store, const struct event *ev, struct redress_error *err);

/*
 * The state of a note (q CW_Q_NOTE_GET), task (CW_Q_TASK_STATE),
 * grievance (CW_Q_GRIEVANCE_STATE) or referral (CW_Q_REFERRAL_STATE) numbered ref: its person into
 * pseudonym (REGISTRY_PSEUDONYM_MAX + 1 bytes), and *closed_r 1 when done
 * or resolved.  None: REDRESS_E_NOTFOUND naming what.
 */
enum redress_err casework_ref_state(struct store *store, unsigned q, int64_t ref, const char *what,
                                    char *pseudonym, int *closed_r, struct redress_error *err);

/*
 * The programs that set days of kind which (casework_rules.c), read once
 * for a list: casework_days_of() is casework_person_days() against them.
 * casework_days_free() frees them (also after an error).
 */
struct cw_days {
	enum casework_days which;
	struct program *programs;
	size_t n;
};
enum redress_err casework_days_load(struct store *store, enum casework_days which, struct cw_days *d,
                                    struct redress_error *err);
enum redress_err casework_days_of(struct store *store, const struct cw_days *d, const char *pseudonym,
                                  int *days_r, struct redress_error *err);
void casework_days_free(struct cw_days *d);

/* One word of a-z, 0-9 and - _ . (a party, a channel), at most max bytes. */
enum redress_err casework_word_check(const char *what, const char *s, size_t max, struct redress_error *err);

#endif
