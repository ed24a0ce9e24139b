/*
 * cmd_init.c -- `redress init`: a new database, key directory and log.
 * Refuses to touch an existing log or key; on failure removes what it made.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "domain/reports/reports.h"

/* Room for a readable origin; the log accepts longer ones, people should not. */
#define INIT_ORIGIN_MAX 128
#define ORIGIN_CHARS    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/:"

static void
init_usage(FILE *f)
{
	fprintf(f, "usage: redress [--db PATH] [--keys DIR] init [--origin NAME]\n\n"
	           "Creates the database, the key directory (mode 0700) holding a new Ed25519 log key\n"
	           "(mode 0600), and the log, whose first event records the key.\n\n"
	           "  --origin NAME  the log's name in its checkpoints (default: redress.local/ and 16\n"
	           "                 random hex digits); letters, digits and . _ - / : only\n");
}

/* Removes the files init created when it fails half-way. */
static void
init_undo(const struct cli *cli, int made_db, int made_keys, int had_keydir)
{
	char path[CLI_PATH_MAX + 16];

	if (made_keys) {
		keydir_remove_keys(cli->keys);
		if (!had_keydir)
			rmdir(cli->keys);
	}
	if (made_db) {
		unlink(cli->db);
		snprintf(path, sizeof(path), "%s-wal", cli->db);
		unlink(path);
		snprintf(path, sizeof(path), "%s-shm", cli->db);
		unlink(path);
	}
}

enum redress_err
cli_init_database(struct cli *cli, const char *origin, struct redress_error *err)
{
	int made_db, made_keys = 0, had_keydir;
	struct tlog_public pub;
	enum redress_err rc;

	made_db = access(cli->db, F_OK) != 0;
	had_keydir = access(cli->keys, F_OK) == 0;
	if ((rc = store_open(cli->db, STORE_OPEN_CREATE, &cli->store, err)) != REDRESS_OK)
		return rc;
	/* Refuse an existing log before any key is made. */
	int64_t schema;

	if (tlog_schema_version(cli->store, &schema, err) == REDRESS_OK) {
		rc = error_set(err, REDRESS_E_CONFLICT,
		               "'%.200s' already holds a redress log; nothing was changed", cli->db);
		goto fail;
	}
	if ((rc = keydir_create(cli->keys, err)) != REDRESS_OK)
		goto fail;
	made_keys = 1;
	if ((rc = keydir_open(cli->keys, &cli->keydir, err)) != REDRESS_OK)
		goto fail;
	pub = report_feed_public(keydir_index_key(cli->keydir));
	if ((rc = tlog_create_public(cli->store, keydir_log_key(cli->keydir), origin, cli->os_user,
	                             cli_modules, &pub, err)) != REDRESS_OK)
		goto fail;
	if ((rc = tlog_open(cli->store, keydir_log_key(cli->keydir), cli_modules, &cli->log, err)) !=
	    REDRESS_OK)
		goto fail;
	cli_log_public(cli);
	if ((rc = tlog_set_actor(cli->log, cli->os_user, err)) != REDRESS_OK ||
	    (rc = cli_high_water(cli, 1, err)) != REDRESS_OK ||
	    (rc = tlog_keys_check(cli->log, keydir_master_key(cli->keydir), keydir_index_key(cli->keydir),
	                          err)) != REDRESS_OK)
		goto fail;
	/* A new fund has no staff accounts: whoever creates it acts (the bootstrap). */
	users_bootstrap_actor(cli->os_user, &cli->actor);
	return REDRESS_OK;
fail:
	cli_close(cli);
	init_undo(cli, made_db, made_keys, had_keydir);
	return rc;
}

int
cmd_init(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"origin", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char origin[INIT_ORIGIN_MAX + 1], db_shown[512];
	struct redress_error err;
	int c;
	size_t i;

	origin[0] = '\0';
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (strlen(optarg) == 0 || strlen(optarg) > INIT_ORIGIN_MAX)
				return cli_usage_error("init", "--origin must be 1 to %d characters",
				                       INIT_ORIGIN_MAX);
			for (i = 0; optarg[i] != '\0'; i++)
				if (strchr(ORIGIN_CHARS, optarg[i]) == NULL)
					return cli_usage_error(
					    "init", "--origin has '%c': use letters, digits and . _ - / :",
					    optarg[i]);
			memcpy(origin, optarg, strlen(optarg) + 1);
			break;
		case 'h': init_usage(stdout); return 0;
		default: return cli_bad_option("init", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
	if (origin[0] == '\0')
		cli_default_origin(origin, sizeof(origin));
	if (cli_init_database(cli, origin, &err) != REDRESS_OK)
		return cli_fail(&err);
	/* A PostgreSQL URI is printed without its password. */
	store_location_shown(cli->db, db_shown, sizeof(db_shown));
	printf("created %s\n  log origin: %s\n  keys:       %s (keep a copy somewhere safe; without log.key\n"
	       "              no checkpoint can be signed)\n",
	       db_shown, origin, cli->keys);
	/* Why and how to split the keys, said once, when there is one copy of them. */
	printf("\nThe key directory is the only copy of the keys: lose master.key and no person's\n"
	       "identity can ever be read again; leak it and anyone with the database reads them\n"
	       "all.  Split it among custodians so that no one alone holds it and no single loss\n"
	       "loses it, e.g. three shares of which any two rebuild it:\n"
	       "  redress --db %s --keys %s keys split --shares 3 --threshold 2 --out SHARES_DIR\n"
	       "give one share each to people who never keep two together (for the flagship fund:\n"
	       "the foundation, a survivors' organisation, an independent trustee), then delete\n"
	       "SHARES_DIR.  And take encrypted backups: 'redress backup --help'; docs/operations.md.\n",
	       db_shown, cli->keys);
	return 0;
}

void
cli_default_origin(char *origin, size_t size)
{
	uint8_t random[8];
	char hex[sizeof(random) * 2 + 1];

	crypto_random(random, sizeof(random));
	codec_hex_encode(random, sizeof(random), hex, sizeof(hex), NULL);
	snprintf(origin, size, "redress.local/%s", hex);
}
