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
#include "domain/reports/reports.h"

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

/*
 * Where the copy taken before a migration goes: beside a SQLite file
 * (FILE.schema-V-TIME.bak); for a PostgreSQL fund, which has no file, in
 * the working directory, named after the database
 * (DBNAME.schema-V-TIME.pgdump, pg_dump's custom format).
 */
static enum redress_err
migrate_backup_path(struct cli *cli, int64_t from, char *out, size_t size, struct redress_error *err)
{
	const char *suffix = store_dump_suffix(cli->store);
	char name[256] = "fund";
	int len;

	if (strcmp(suffix, ".bak") == 0)
		len = snprintf(out, size, "%s.schema-%lld-%lld.bak", cli->db, (long long)from,
		               (long long)time(NULL));
	else {
		/* postgresql://.../NAME?...: NAME, its characters kept to a file name's safe ones. */
		const char *slash = strstr(cli->db, "://"), *p;
		size_t n = 0;

		p = slash != NULL ? strchr(slash + 3, '/') : NULL;
		for (p = p != NULL ? p + 1 : ""; *p != '\0' && *p != '?' && n + 1 < sizeof(name); p++)
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')
				name[n++] = *p;
		if (n > 0)
			name[n] = '\0';
		len = snprintf(out, size, "%s.schema-%lld-%lld%s", name, (long long)from,
		               (long long)time(NULL), suffix);
	}
	if (len < 0 || (size_t)len >= size)
		return error_set(err, REDRESS_E_USAGE, "the backup's path is too long");
	return REDRESS_OK;
}

int
cmd_migrate(struct cli *cli, int argc, char **argv)
{
	char backup[CLI_PATH_MAX + 64];
	struct redress_error err;
	struct tlog_public pub;
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
		if ((rc = migrate_backup_path(cli, from, backup, sizeof(backup), &err)) != REDRESS_OK ||
		    (rc = store_dump(cli->store, backup, &err)) != REDRESS_OK)
			return cli_fail(&err);
		printf("backed up to %s\n", backup);
	}
	pub = report_feed_public(keydir_index_key(cli->keydir));
	if ((rc = tlog_migrate(cli->store, keydir_log_key(cli->keydir), cli_modules, &pub, &from, &err)) !=
	        REDRESS_OK ||
	    (rc = tlog_schema_version(cli->store, &after, &err)) != REDRESS_OK)
		return cli_fail(&err);
	printf("migrated the schema from version %lld to %lld\n", (long long)from, (long long)after);
	return 0;
}
