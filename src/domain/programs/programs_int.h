/*
 * programs_int.h -- what programs.c (the file parser and the commands) and
 * programs_apply.c (the event, the table, replay and audit's fold) share.
 * Private to src/domain/programs.
 */
#ifndef REDRESS_DOMAIN_PROGRAMS_INT_H
#define REDRESS_DOMAIN_PROGRAMS_INT_H

#include "core/buf.h"
#include "domain/programs/programs.h"
#include "log/audit.h"

#define PROGRAMS_EV_ADDED            "programs.program.added"
#define PROGRAMS_EV_VERSION_PROPOSED "programs.version.proposed"
#define PROGRAMS_EV_VERSION_ADDED    "programs.version.added"

/* The characters of a program code after the first; account codes take the ledger's "._:-". */
#define PROGRAM_CODE_CHARS    "._-"
#define PROGRAM_ACCOUNT_CHARS "._:-"

/* The module's statements (programs_apply.c). */
enum programs_statement {
	PROGRAMS_Q_GET,                /* a program with its rules, by code */
	PROGRAMS_Q_ALL,                /* every program with its rules, by code */
	PROGRAMS_Q_INSERT,             /* the first format's row */
	PROGRAMS_Q_RULES_INSERT,       /* the rules' row */
	PROGRAMS_Q_VERSION_INSERT,     /* a proposed version's row */
	PROGRAMS_Q_VERSION_ADD_INSERT, /* a second admin's approval of it */
	PROGRAMS_Q_VERSION_IN_FORCE,   /* a program's latest approved version in force on a day */
	PROGRAMS_Q_VERSION_GET,        /* one version, approved or not */
	PROGRAMS_Q_VERSIONS,           /* a program's versions, oldest first */
	PROGRAMS_Q_VERSION_LAST,       /* a program's last version number (1 when none was proposed) */
	PROGRAMS_Q_SNAPSHOT,           /* audit's: each table whole, by its key */
	PROGRAMS_Q_SNAPSHOT_RULES,
	PROGRAMS_Q_SNAPSHOT_VERSIONS,
	PROGRAMS_Q_SNAPSHOT_VERSION_ADDS,
};

extern const struct store_catalogue programs_catalogue;

/*
 * Checks every field of a program as the file parser, the commands and the
 * event reader all must: codes, currency, a real cutoff date, amounts,
 * approvals, three distinct accounts.  The error names the field as the
 * program file spells it ("accounts.fund").
 */
enum redress_err programs_check(const struct program *p, struct redress_error *err);

/*
 * The rules (programs_rules.c): programs_rules_parse reads the second
 * format's fields of root (a program file, or the rules an event or a row
 * holds) into p->rules, p's code and currency already set; every error
 * names the field and changes nothing but p->rules.  With all not NULL it
 * goes on past invalid fields, keeping each error there (and then returns
 * REDRESS_OK unless something else failed).  programs_rules_check
 * checks what spans fields.  programs_rules_empty is 1 for a program of
 * the first format.
 */
enum redress_err programs_rules_parse(json_t *root, struct program *p, struct program_errors *all,
                                      struct redress_error *err);

/*
 * Whether a parse goes on after rc: REDRESS_OK, or an invalid field whose
 * error (in err) is kept in all when all is not NULL (collecting every
 * error); anything else stops it.
 */
int programs_errors_keep(struct program_errors *all, enum redress_err rc, const struct redress_error *err);
enum redress_err programs_rules_check(const struct program *p, struct redress_error *err);
int programs_rules_empty(const struct program *p);

/*
 * The rules' canonical text (sorted keys, compact) into out, or "" for a
 * program of the first format: what the event and the table hold.
 */
enum redress_err programs_rules_text(const struct program *p, struct buf *out, struct redress_error *err);

/* Reads rules text (from an event or a row) into p->rules. */
enum redress_err programs_rules_load(struct program *p, const char *text, struct redress_error *err);

/* Reads the program under the cursor st (PROGRAMS_Q_GET's columns), its rules parsed. */
enum store_step_result programs_next(struct store_stmt *st, struct program *p, int versioned,
                                     struct redress_error *err);

/* The canonical data of "programs.program.added", appended to out; rules_text "" for none. */
enum redress_err programs_encode(struct buf *out, const struct program *p, const char *rules_text,
                                 struct redress_error *err);

/*
 * Reads "programs.program.added" back (or, for "programs.version.proposed",
 * the same fields with "version" and "from" into p->version and p->from):
 * checks every field, refuses unknown ones.  *rules_text_r is the event's
 * rules text (borrowed from ev), "" for none.
 */
enum redress_err programs_decode(const struct event *ev, struct program *p, const char **rules_text_r,
                                 struct redress_error *err);

/*
 * The versions (programs_versions.c): the commands' checks shared with
 * replay, and the rows they write.  programs_version_apply inserts a
 * proposed version (p->version, p->from; proposed by actor at seq);
 * programs_version_add_apply the second admin's approval.  Each checks
 * what replay must refuse: a version that is not the next, an approval of
 * a version not awaiting one or by its proposer.
 */
enum redress_err programs_version_apply(struct store *store, const struct program *p, const char *rules_text,
                                        uint64_t seq, const char *actor, struct redress_error *err);
enum redress_err programs_version_add_apply(struct store *store, const char *code, int version, uint64_t seq,
                                            const char *actor, struct redress_error *err);
enum redress_err programs_version_add_decode(const struct event *ev, char code[PROGRAM_CODE_MAX + 1],
                                             int *version_r, struct redress_error *err);
/* Replaces p (read as version 1) by the version of it in force today, if one is. */
enum redress_err programs_in_force(struct store *store, struct program *p, struct redress_error *err);
enum redress_err programs_versions_replay(struct store *store, const struct event *ev,
                                          struct redress_error *err);

/*
 * Inserts the program's rows (rules_text "" for none): the one way live
 * commands and replay write the tables.
 */
enum redress_err programs_apply(struct store *store, const struct program *p, const char *rules_text,
                                struct redress_error *err);

#endif
