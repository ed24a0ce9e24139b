/*
 * cli_change.c -- one change on the log, as the acting account: what every
 * subcommand that changes something does around its domain call.
 */
#include "cli/cli.h"

/* The change, once cli is open as the acting account. */
static int
run_opened(struct cli *cli, enum redress_err (*fn)(struct cli *cli, void *arg, struct redress_error *err),
           void *arg)
{
	struct redress_error err;

	if (tlog_begin(cli->log, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (fn(cli, arg, &err) != REDRESS_OK) {
		tlog_rollback(cli->log);
		return cli_fail(&err);
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		return cli_fail(&err);
	return 0;
}

int
cli_run_change(struct cli *cli, enum permission perm,
               enum redress_err (*fn)(struct cli *cli, void *arg, struct redress_error *err), void *arg)
{
	struct redress_error err;

	if (cli_open_as(cli, CLI_WRITE, perm, &err) != REDRESS_OK)
		return cli_fail(&err);
	return run_opened(cli, fn, arg);
}

int
cli_run_own_change(struct cli *cli,
                   enum redress_err (*fn)(struct cli *cli, void *arg, struct redress_error *err), void *arg)
{
	struct redress_error err;

	if (cli_open_signed_in(cli, CLI_WRITE, &err) != REDRESS_OK)
		return cli_fail(&err);
	return run_opened(cli, fn, arg);
}
