/*
 * cli_change.c -- one change on the log, as the acting account: what every
 * subcommand that changes something does around its domain call.
 *
 * What the change prints is held in memory until it has committed, and
 * dropped when it fails: "transfer ... posted" is never printed for a
 * transfer that a full disk then refused.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* Standard output while a change runs: in an anonymous memory file, or (held < 0) where it was. */
struct held_output {
	int saved; /* the real standard output, or -1 */
	int mem;
};

static void
output_hold(struct held_output *h)
{
	h->saved = h->mem = -1;
	fflush(stdout);
	if ((h->mem = memfd_create("redress-output", MFD_CLOEXEC)) < 0)
		return;
	if ((h->saved = dup(STDOUT_FILENO)) < 0 || dup2(h->mem, STDOUT_FILENO) < 0) {
		if (h->saved >= 0)
			close(h->saved);
		close(h->mem);
		h->saved = h->mem = -1;
	}
}

/* Puts standard output back; with keep, writes out what was held. */
static void
output_release(struct held_output *h, int keep)
{
	char chunk[8192];
	ssize_t n;

	fflush(stdout);
	if (h->saved < 0)
		return;
	dup2(h->saved, STDOUT_FILENO);
	close(h->saved);
	if (keep && lseek(h->mem, 0, SEEK_SET) == 0)
		while ((n = read(h->mem, chunk, sizeof(chunk))) > 0)
			if (write(STDOUT_FILENO, chunk, (size_t)n) != n)
				break;
	close(h->mem);
	h->saved = h->mem = -1;
}

/* The change, once cli is open as the acting account. */
static int
run_opened(struct cli *cli, enum redress_err (*fn)(struct cli *cli, void *arg, struct redress_error *err),
           void *arg)
{
	struct held_output held;
	struct redress_error err;
	enum redress_err rc;

	if (tlog_begin(cli->log, &err) != REDRESS_OK)
		return cli_fail(&err);
	output_hold(&held);
	if ((rc = fn(cli, arg, &err)) != REDRESS_OK)
		tlog_rollback(cli->log);
	else
		rc = tlog_commit(cli->log, &err);
	output_release(&held, rc == REDRESS_OK);
	if (rc != REDRESS_OK)
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
