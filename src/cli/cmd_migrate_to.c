/*
 * cmd_migrate_to.c -- `redress migrate --to postgresql://...`: moves a
 * SQLite fund into an empty PostgreSQL database, whole
 * (domain/fund/fund_copy.h: one snapshot, one change on the target, the
 * copy's log checked against the source's).
 */
#include <stdio.h>

#include "cli/cli.h"
#include "domain/fund/fund_copy.h"

int
cli_migrate_to(struct cli *cli, const char *target)
{
	struct fund_copy_done done;
	struct redress_error err;
	char shown[512];

	if (store_is_pgsql(cli->db) || !store_is_pgsql(target))
		return cli_usage_error("migrate",
		                       "'migrate --to' moves a SQLite fund (--db FILE) into a PostgreSQL "
		                       "database (--to postgresql://...)");
	/* The fund must open as any command opens it: its schema current, not behind its key directory's
	 * checkpoint (a stale copy moved would fork the log), its keys its own. */
	if (cli_open(cli, CLI_READ, &err) != REDRESS_OK || cli_open_keys(cli, &err) != REDRESS_OK)
		return cli_fail(&err);
	cli_close(cli);
	if (keydir_open(cli->keys, &cli->keydir, &err) != REDRESS_OK ||
	    fund_copy(cli->db, cli->keydir, target, cli_modules, &done, &err) != REDRESS_OK)
		return cli_fail(&err);
	store_location_shown(target, shown, sizeof(shown));
	printf("moved %zu tables (%llu rows) and %zu indexes into %s\n", done.tables,
	       (unsigned long long)done.rows, done.indexes, shown);
	printf("the log: %llu events, root %s, the same in both\n", (unsigned long long)done.events,
	       done.root);
	printf("next: redress --db '%s' --keys %s audit verify\n", shown, cli->keys);
	return 0;
}
