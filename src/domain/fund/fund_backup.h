/*
 * fund_backup.h -- a backup of the fund: its database and its key
 * directory as one file sealed under a passphrase (crypto/sealfile.h),
 * written by `redress backup` and by the server's POST /api/v1/backup.
 * `redress restore` reads it back (src/cli/cmd_backup.c).
 *
 * The copy of the database is one snapshot, taken while servers go on
 * writing: every change committed before it began, nothing half-done.
 * Writing a backup changes nothing in the fund; whoever hands one out
 * records that with fund_backup_record ("fund.backup.made", an admin's
 * event), after the copy was taken: a backup never holds its own event.
 *
 * Inside the sealed stream, entries one after another, each a type byte,
 * an 8-byte big-endian length and that many bytes:
 *   'M'  the manifest: text lines "format 1", "origin ...", "events N"
 *   'K'  the key directory's three keys (KEYDIR_SECRET_SIZE bytes)
 *   'D'  the database file (SQLite)
 *   'E'  the end (length 0)
 */
#ifndef REDRESS_DOMAIN_FUND_BACKUP_H
#define REDRESS_DOMAIN_FUND_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define FUND_EV_BACKUP_MADE      "fund.backup.made"
#define FUND_BACKUP_MANIFEST_MAX 1024
#define FUND_BACKUP_DB_MAX       (UINT64_C(1) << 44) /* 16 TiB: beyond that a length is damage */
#define FUND_BACKUP_SCRATCH_MAX  4096                /* bytes of a scratch directory's path */

/*
 * Copies the fund's database, consistently, into a new SQLite file at
 * path; REDRESS_OK or err filled and no file left.  NULL in
 * fund_backup_to: store_backup() on the log's store (a SQLite fund).
 */
typedef enum redress_err (*fund_backup_copy_fn)(void *arg, const char *path, struct redress_error *err);

/* Where a backup goes. */
struct fund_backup_to {
	const char *path;   /* the file to create (must not exist); with fd >= 0, only its name in messages */
	int fd;             /* >= 0: sealed onto this file, opened by the caller, who keeps it; else -1 */
	const char *beside; /* the database's copy is made in a private directory beside this path */
	fund_backup_copy_fn copy;
	void *copy_arg;
};

/* What a backup holds. */
struct fund_backup {
	uint64_t events;  /* the log's size when the copy began: the copy holds at least these */
	uint64_t db_size; /* bytes of the database's copy */
	uint64_t bytes;   /* bytes of the sealed file (only for fd >= 0, else 0) */
	char sha256[65];  /* hex SHA-256 of the sealed file (only for fd >= 0, else "") */
};

/*
 * Writes a backup of the fund log reads, with the keys of the key
 * directory at keys_path (the caller has checked that they are the log's),
 * sealed under passphrase (at least PASSWORD_MIN characters: else
 * REDRESS_E_INVALID).  With to->fd >= 0 the file is read back for its
 * size and SHA-256 (*made_r).  On failure nothing is left at to->path
 * (with an fd, what was written stays in the caller's file, to drop).
 * The scratch copy of the database is removed either way.
 */
enum redress_err fund_backup_write(struct tlog *log, const char *keys_path, const struct fund_backup_to *to,
                                   const char *passphrase, struct fund_backup *made_r,
                                   struct redress_error *err);

/*
 * Records, inside a change on log, that actor (PERM_USERS_MANAGE, else
 * REDRESS_E_REFUSED) took the backup made describes: an event
 * "fund.backup.made" {"bytes","events","sha256"}.  No table changes.
 */
enum redress_err fund_backup_record(struct tlog *log, const struct actor *actor,
                                    const struct fund_backup *made, uint64_t *seq_r,
                                    struct redress_error *err);

/* Checks a fund.backup.made event's data (replay and audit): REDRESS_E_INVALID naming the event. */
enum redress_err fund_backup_event_check(const struct event *ev, struct redress_error *err);

/*
 * Makes a private directory (mode 0700) beside path, "DIR/.redress-backup-XXXXXX",
 * into dir (size bytes); fund_backup_scratch_remove removes it and the
 * database files it may hold.
 */
enum redress_err fund_backup_scratch(const char *path, char *dir, size_t size, struct redress_error *err);
void fund_backup_scratch_remove(const char *dir);

#endif
