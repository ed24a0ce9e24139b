/*
 * cmd_migrate.c -- `redress migrate`: brings a database made by an older
 * redress to this one's schema, after a backup beside it.
 *
 * Every other command refuses a database whose schema is older (or newer)
 * than its own, so that a server and a command line of two releases never
 * write one fund in two shapes; this is the one way forward.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static void
migrate_usage(FILE *f)
{
	fprintf(f, "usage: redress [--db PATH] [--keys DIR] migrate\n"
	           "       redress --db FILE --keys DIR migrate --to postgresql://...\n\n"
	           "Upgrades the database's schema to this redress's version, one numbered migration\n"
	           "at a time, each recorded in the log as a 'log.migrated' event, all in one change.\n"
	           "First copies the database to PATH.schema-N-TIME.bak (N the version found).  Stop\n"
	           "every server of the fund first.  A database already current is left alone.\n\n"
	           "--to URI  moves the SQLite fund FILE (its schema current) into the PostgreSQL\n"
	           "         database URI, which must exist and be empty (createdb): every table and\n"
	           "         row of one snapshot of FILE in one transaction, then checks that the\n"
	           "         copy's log has the same size and root.  FILE is not changed; on any\n"
	           "         failure URI stays empty.  Then serve the fund from URI with the same\n"
	           "         key directory, and run audit verify on it.\n");
}

int
cmd_migrate(struct cli *cli, int argc, char **argv)
{
	char backup[CLI_PATH_MAX + 64];
	struct redress_error err;
	int64_t from = 0, after = 0;
	enum redress_err rc;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		migrate_usage(stdout);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "--to") == 0)
		return cli_migrate_to(cli, argv[2]);
	if (argc != 1)
		return cli_usage_error("migrate", "'migrate' takes no argument but --to URI");
	if ((rc = store_open(cli->db, STORE_OPEN_EXISTING, &cli->store, &err)) != REDRESS_OK ||
	    (rc = keydir_open(cli->keys, &cli->keydir, &err)) != REDRESS_OK ||
	    (rc = tlog_schema_version(cli->store, &from, &err)) != REDRESS_OK)
		return cli_fail(&err);
	if (from == TLOG_SCHEMA_VERSION) {
		printf("the schema is version %lld already: nothing to do\n", (long long)from);
		return 0;
	}
	if (from < TLOG_SCHEMA_VERSION) {
		snprintf(backup, sizeof(backup), "%s.schema-%lld-%lld.bak", cli->db, (long long)from,
		         (long long)time(NULL));
		if ((rc = store_backup(cli->store, backup, &err)) != REDRESS_OK)
			return cli_fail(&err);
		printf("backed up to %s\n", backup);
	}
	if ((rc = tlog_migrate(cli->store, keydir_log_key(cli->keydir), cli_modules, &from, &err)) !=
	        REDRESS_OK ||
	    (rc = tlog_schema_version(cli->store, &after, &err)) != REDRESS_OK)
		return cli_fail(&err);
	printf("migrated the schema from version %lld to %lld\n", (long long)from, (long long)after);
	return 0;
}
