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

#define PROGRAMS_EV_ADDED "programs.program.added"

/* The characters of a program code after the first; account codes take the ledger's "._:-". */
#define PROGRAM_CODE_CHARS    "._-"
#define PROGRAM_ACCOUNT_CHARS "._:-"

extern const struct store_query programs_q_get;

/*
 * Checks every field of a program as the file parser, the commands and the
 * event reader all must: codes, currency, a real cutoff date, amounts,
 * approvals, three distinct accounts.  The error names the field as the
 * program file spells it ("accounts.fund").
 */
enum redress_err programs_check(const struct program *p, struct redress_error *err);

/* Reads the program under the cursor st (the columns of programs_q_get). */
void programs_read(struct store_stmt *st, struct program *p);

/* The canonical data of "programs.program.added", appended to out. */
enum redress_err programs_encode(struct buf *out, const struct program *p, struct redress_error *err);

/* Reads "programs.program.added" back: checks every field, refuses unknown ones. */
enum redress_err programs_decode(const struct event *ev, struct program *p, struct redress_error *err);

/* Inserts the program's row: the one way live commands and replay write the table. */
enum redress_err programs_apply(struct store *store, const struct program *p, struct redress_error *err);

#endif
