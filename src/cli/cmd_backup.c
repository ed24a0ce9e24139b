/*
 * cmd_backup.c -- `redress backup` and `redress restore`: the fund's
 * database and its key directory as one file sealed under a passphrase
 * (crypto/sealfile.h), and back into a new place.
 *
 * Writing the backup is fund_backup_write (domain/fund/fund_backup.h,
 * which says what the file holds), shared with the server's
 * POST /api/v1/backup; this file reads the options and the passphrase,
 * and restores.  A backup from the command line records no event: it
 * needs the key directory, not an account.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/hash.h"
#include "crypto/sealfile.h"
#include "crypto/sign.h"
#include "domain/fund/fund_backup.h"
#include "domain/fund/fund_copy.h"

static void
backup_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress [--db PATH] [--keys DIR] backup --out FILE [--passphrase-file F]\n\n"
	        "Writes FILE (which must not exist; mode 0600): a consistent copy of the database,\n"
	        "taken while servers go on writing, and the key directory's keys, sealed\n"
	        "(XChaCha20-Poly1305, libsodium secretstream) under a key Argon2id derives from the\n"
	        "passphrase.  It changes nothing in the fund and needs no --as: whoever can read\n"
	        "the key directory may copy it.  Restore it with 'redress restore'.  A PostgreSQL\n"
	        "fund (--db postgresql://...) is copied from one REPEATABLE READ snapshot into a\n"
	        "SQLite file, its log's root checked, and restores into either kind of database.\n\n"
	        "--passphrase-file F  the passphrase is F's first line (at least %d characters);\n"
	        "         without it, it is asked twice on the terminal.\n"
	        "Keep the passphrase apart from the backups: a backup with its passphrase is the\n"
	        "whole fund.\n",
	        PASSWORD_MIN);
}

static void
restore_usage(FILE *f)
{
	fprintf(f, "usage: redress restore FILE --db PATH --keys DIR [--passphrase-file F]\n\n"
	           "Unseals the backup FILE into a new database PATH and a new key directory DIR\n"
	           "(neither may exist yet), and checks that the keys are the log's.  PATH may be a\n"
	           "postgresql:// URI of an empty database (createdb): the fund is moved into it as\n"
	           "'migrate --to' does, its log's root checked.  Then run\n"
	           "'redress --db PATH --keys DIR audit verify'.\n\n"
	           "--passphrase-file F  the passphrase is F's first line; without it, it is asked\n"
	           "         on the terminal.\n"
	           "A wrong passphrase, a file cut short or damaged: a message saying which, exit\n"
	           "status 19 or 12, and nothing restored.\n");
}

/* The passphrase from file, or typed (twice when confirm). */
static enum redress_err
backup_passphrase(const char *file, int confirm, char *out, size_t size, struct redress_error *err)
{
	char again[PASSWORD_MAX + 1];
	enum redress_err rc;

	if (file != NULL)
		rc = cli_password_from_file(file, out, size, err);
	else if (!isatty(STDIN_FILENO))
		return error_set(err, REDRESS_E_USAGE,
		                 "the backup's passphrase: give --passphrase-file FILE, or run redress from a"
		                 " terminal to type it");
	else if ((rc = cli_password_ask("Backup passphrase: ", out, size, err)) == REDRESS_OK && confirm) {
		if ((rc = cli_password_ask("The same again: ", again, sizeof(again), err)) == REDRESS_OK &&
		    strcmp(out, again) != 0)
			rc = error_set(err, REDRESS_E_INVALID,
			               "the two passphrases typed differ; nothing was written");
		explicit_bzero(again, sizeof(again));
	}
	if (rc == REDRESS_OK && strlen(out) < PASSWORD_MIN)
		rc = error_set(err, REDRESS_E_INVALID, "the passphrase has fewer than %d characters",
		               PASSWORD_MIN);
	if (rc != REDRESS_OK)
		explicit_bzero(out, size);
	return rc;
}

/* A PostgreSQL fund: one REPEATABLE READ snapshot of it copied into a SQLite file, its log's root checked. */
static enum redress_err
copy_pgsql(void *arg, const char *path, struct redress_error *err)
{
	struct cli *cli = arg;

	return fund_copy(cli->db, cli->keydir, path, cli_modules, NULL, err);
}

int
cmd_backup(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"passphrase-file", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char pass[PASSWORD_MAX + 1];
	const char *out = NULL, *file = NULL;
	struct fund_backup_to to;
	struct fund_backup made;
	struct redress_error err;
	int c, status = 1;

	pass[0] = '\0';
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'p': file = optarg; break;
		case 'h': backup_usage(stdout); return 0;
		default: return cli_bad_option("backup", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("backup", "unexpected '%s'", argv[optind]);
	if (out == NULL)
		return cli_usage_error("backup", "needs --out FILE");
	if (access(out, F_OK) == 0) {
		error_set(&err, REDRESS_E_IO, "'%.200s' already exists: refusing to overwrite it", out);
		return cli_fail(&err);
	}
	if (backup_passphrase(file, 1, pass, sizeof(pass), &err) != REDRESS_OK)
		goto fail;
	/* The fund must open, and the keys must be its own, before anything is written. */
	if (cli_open(cli, CLI_READ, &err) != REDRESS_OK || cli_open_keys(cli, &err) != REDRESS_OK)
		goto fail;
	memset(&to, 0, sizeof(to));
	to.path = out;
	to.fd = -1;
	to.beside = out;
	if (store_is_pgsql(cli->db)) {
		to.copy = copy_pgsql;
		to.copy_arg = cli;
	}
	if (fund_backup_write(cli->log, cli->keys, &to, pass, &made, &err) != REDRESS_OK)
		goto fail;
	printf("backup %s: fund %s, %llu events, a database of %llu bytes and its keys, sealed under the"
	       " passphrase\n",
	       out, tlog_origin(cli->log), (unsigned long long)made.events, (unsigned long long)made.db_size);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
out:
	explicit_bzero(pass, sizeof(pass));
	return status;
}

/* Reads an entry's type and length; REDRESS_E_INVALID for a type other than want. */
static enum redress_err
entry_read(struct sealfile *sf, const char *path, char want, uint64_t *len_r, struct redress_error *err)
{
	uint8_t head[9];
	enum redress_err rc;
	int i;

	if ((rc = sealfile_read(sf, head, sizeof(head), err)) != REDRESS_OK)
		return rc;
	if (head[0] != (uint8_t)want)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "backup '%.200s' holds an entry of type '%c' where '%c' belongs: not a backup"
		    " this redress can read",
		    path, head[0] >= 0x20 && head[0] < 0x7f ? head[0] : '?', want);
	*len_r = 0;
	for (i = 1; i <= 8; i++)
		*len_r = (*len_r << 8) | head[i];
	return REDRESS_OK;
}

/* Copies the 'D' entry's len bytes into a new file at path (mode 0600). */
static enum redress_err
restore_db(struct sealfile *sf, const char *path, uint64_t len, int *made_r, struct redress_error *err)
{
	static uint8_t chunk[SEALFILE_BLOCK];
	enum redress_err rc = REDRESS_OK;
	size_t take;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0)
		return error_set(err, REDRESS_E_IO, "cannot create '%.200s': %s", path, strerror(errno));
	*made_r = 1;
	while (len > 0 && rc == REDRESS_OK) {
		take = len > sizeof(chunk) ? sizeof(chunk) : (size_t)len;
		if ((rc = sealfile_read(sf, chunk, take, err)) == REDRESS_OK &&
		    write(fd, chunk, take) != (ssize_t)take)
			rc = error_set(err, REDRESS_E_IO, "cannot write '%.200s': %s", path, strerror(errno));
		len -= take;
	}
	if (rc == REDRESS_OK && fsync(fd) != 0)
		rc = error_set(err, REDRESS_E_IO, "cannot write '%.200s': %s", path, strerror(errno));
	close(fd);
	return rc;
}

int
cmd_restore(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"keys", required_argument, NULL, 'k'},
	    {"passphrase-file", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char pass[PASSWORD_MAX + 1], tmp[CLI_PATH_MAX + 16], manifest[FUND_BACKUP_MANIFEST_MAX + 1],
	    scratch[CLI_PATH_MAX], scratch_shown[CLI_PATH_MAX];
	uint8_t keys[KEYDIR_SECRET_SIZE];
	struct fund_copy_done done;
	const char *file = NULL, *in;
	struct sealfile *sf = NULL;
	struct redress_error err;
	uint64_t len, events = 0;
	int c, status = 1, made_tmp = 0, made_keys = 0, made_db = 0, had_keydir, pg;

	pass[0] = '\0';
	scratch[0] = '\0';
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
		case 'k':
			if (strlen(optarg) == 0 || strlen(optarg) >= CLI_PATH_MAX)
				return cli_usage_error("restore", "--%s must be 1 to %d bytes",
				                       c == 'd' ? "db" : "keys", CLI_PATH_MAX - 1);
			memcpy(c == 'd' ? cli->db : cli->keys, optarg, strlen(optarg) + 1);
			break;
		case 'p': file = optarg; break;
		case 'h': restore_usage(stdout); return 0;
		default: return cli_bad_option("restore", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("restore", "takes exactly one backup FILE");
	in = argv[optind];
	/* Where it goes must be new: a restore never overwrites a fund (a PostgreSQL one: cli_copy_to_pgsql
	 * checks). */
	pg = store_is_pgsql(cli->db);
	snprintf(tmp, sizeof(tmp), "%s-wal", cli->db);
	if (!pg && (access(cli->db, F_OK) == 0 || access(tmp, F_OK) == 0)) {
		error_set(&err, REDRESS_E_CONFLICT,
		          "'%.200s' already exists: restore into a new --db PATH; nothing was changed",
		          cli->db);
		return cli_fail(&err);
	}
	had_keydir = access(cli->keys, F_OK) == 0;
	snprintf(tmp, sizeof(tmp), "%s.restoring", cli->db);
	/* Into PostgreSQL: the SQLite copy unsealed beside the key directory, then moved in whole. */
	if (pg) {
		if (fund_backup_scratch(cli->keys, scratch, sizeof(scratch), &err) != REDRESS_OK)
			goto fail;
		snprintf(tmp, sizeof(tmp), "%s/fund.db", scratch);
	}
	if (backup_passphrase(file, 0, pass, sizeof(pass), &err) != REDRESS_OK ||
	    sealfile_open(in, pass, &sf, &err) != REDRESS_OK)
		goto fail;
	explicit_bzero(pass, sizeof(pass));
	if (entry_read(sf, in, 'M', &len, &err) != REDRESS_OK)
		goto fail;
	if (len > FUND_BACKUP_MANIFEST_MAX) {
		error_set(&err, REDRESS_E_INVALID, "backup '%.200s' has a manifest of %llu bytes: damaged",
		          in, (unsigned long long)len);
		goto fail;
	}
	if (sealfile_read(sf, manifest, (size_t)len, &err) != REDRESS_OK)
		goto fail;
	manifest[len] = '\0';
	if (strncmp(manifest, "format 1\n", 9) != 0) {
		error_set(&err, REDRESS_E_INVALID,
		          "backup '%.200s' is of a format this redress does not read", in);
		goto fail;
	}
	if (entry_read(sf, in, 'K', &len, &err) != REDRESS_OK)
		goto fail;
	if (len != sizeof(keys)) {
		error_set(&err, REDRESS_E_INVALID,
		          "backup '%.200s' holds %llu bytes of keys, not %zu: damaged", in,
		          (unsigned long long)len, sizeof(keys));
		goto fail;
	}
	if (sealfile_read(sf, keys, sizeof(keys), &err) != REDRESS_OK ||
	    entry_read(sf, in, 'D', &len, &err) != REDRESS_OK)
		goto fail;
	if (len > FUND_BACKUP_DB_MAX) {
		error_set(&err, REDRESS_E_INVALID, "backup '%.200s' claims a database of %llu bytes: damaged",
		          in, (unsigned long long)len);
		goto fail;
	}
	if (restore_db(sf, tmp, len, &made_tmp, &err) != REDRESS_OK ||
	    entry_read(sf, in, 'E', &len, &err) != REDRESS_OK || sealfile_end(sf, &err) != REDRESS_OK)
		goto fail;
	/* Everything read and whole: only now is anything put in place. */
	if (keydir_import(cli->keys, keys, &err) != REDRESS_OK)
		goto fail;
	made_keys = 1;
	if (pg) {
		if (keydir_open(cli->keys, &cli->keydir, &err) != REDRESS_OK ||
		    fund_copy(tmp, cli->keydir, cli->db, cli_modules, &done, &err) != REDRESS_OK)
			goto fail;
		keydir_close(&cli->keydir);
		printf("moved %zu tables (%llu rows) and %zu indexes into the PostgreSQL database\n",
		       done.tables, (unsigned long long)done.rows, done.indexes);
		printf("the log: %llu events, root %s, the same in both\n", (unsigned long long)done.events,
		       done.root);
	} else if (rename(tmp, cli->db) != 0) {
		error_set(&err, REDRESS_E_IO, "cannot rename '%.200s' into place: %s", tmp, strerror(errno));
		goto fail;
	}
	made_tmp = pg;
	made_db = !pg;
	if (cli_open(cli, CLI_READ, &err) != REDRESS_OK || cli_open_keys(cli, &err) != REDRESS_OK ||
	    tlog_size(cli->log, &events, &err) != REDRESS_OK)
		goto fail;
	store_location_shown(cli->db, scratch_shown, sizeof(scratch_shown));
	printf("restored %s into %s with keys in %s: fund %s, %llu events; now run 'redress --db %s --keys %s"
	       " audit verify'\n",
	       in, scratch_shown, cli->keys, tlog_origin(cli->log), (unsigned long long)events, scratch_shown,
	       cli->keys);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
	cli_close(cli);
	if (made_db) {
		unlink(cli->db);
		snprintf(tmp, sizeof(tmp), "%s-wal", cli->db);
		unlink(tmp);
		snprintf(tmp, sizeof(tmp), "%s-shm", cli->db);
		unlink(tmp);
	}
	if (made_keys) {
		keydir_remove_keys(cli->keys);
		if (!had_keydir)
			rmdir(cli->keys);
	}
out:
	if (made_tmp && !pg) {
		snprintf(tmp, sizeof(tmp), "%s.restoring", cli->db);
		unlink(tmp);
	}
	fund_backup_scratch_remove(scratch);
	sealfile_close(&sf);
	crypto_wipe(keys, sizeof(keys));
	explicit_bzero(pass, sizeof(pass));
	return status;
}
