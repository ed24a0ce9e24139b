/*
 * cmd_fund.c -- `redress fund close` and `redress fund verify`: the end of
 * a fund, handed to its successor with an archive the successor checks
 * (domain/fund/fund.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/fund/fund.h"

static void
fund_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress [--as ADMIN] fund close --successor NAME --contact TEXT --out ARCHIVE\n"
	        "       redress fund verify ARCHIVE [--pubkey FILE] [--witness VKEY...] [--witness-threshold "
	        "K]\n\n"
	        "close   closes the fund, in one change: the event fund.closed names the successor, how\n"
	        "        to reach them, and the SHA-256 of the archive's body -- every claim not decided,\n"
	        "        every entitlement not paid (with the sums per currency) and every ledger\n"
	        "        account's posted totals, as they stand.  From then on new claims are refused\n"
	        "        with the successor's name and contact.  ARCHIVE (a new file, mode 0600: it names\n"
	        "        the people to be paid) holds the body, the event's bytes and its inclusion proof\n"
	        "        to the latest (cosigned) checkpoint.  Run 'report public' first for the final\n"
	        "        report, and record the survivors' wishes for what is left ('consult add').\n"
	        "        Needs an admin.\n"
	        "verify  checks an archive offline with the fund's verifier key (--pubkey, or the\n"
	        "        database's): the checkpoint is the fund's (through its key handovers), the\n"
	        "        closing event is in it and names this body, and the body's lists add up to\n"
	        "        its totals.  With --witness, the checkpoint's cosignatures too.\n");
}

static int
fund_close_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"successor", required_argument, NULL, 's'},
	    {"contact", required_argument, NULL, 'c'},
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *successor = NULL, *contact = NULL, *path = NULL;
	struct redress_error err;
	struct buf body, archive;
	uint64_t seq = 0;
	int c, status = 1;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's': successor = optarg; break;
		case 'c': contact = optarg; break;
		case 'o': path = optarg; break;
		case 'h': fund_usage(stdout); return 0;
		default: return cli_bad_option("fund", argv);
		}
	}
	if (successor == NULL || contact == NULL || path == NULL || optind != argc)
		return cli_usage_error("fund",
		                       "'close' needs --successor NAME, --contact TEXT and --out ARCHIVE");
	if (access(path, F_OK) == 0) {
		error_set(&err, REDRESS_E_IO, "'%.200s' exists: refusing to overwrite it", path);
		return cli_fail(&err);
	}
	buf_init(&body, FUND_ARCHIVE_MAX);
	buf_init(&archive, FUND_ARCHIVE_MAX);
	if (cli_open_as(cli, CLI_WRITE, PERM_USERS_MANAGE, &err) != REDRESS_OK ||
	    tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (fund_close(cli->log, &cli->actor, successor, contact, &body, &seq, &err) != REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		goto fail;
	/* The witnesses first, so the archive's checkpoint is cosigned (best effort). */
	(void)cli_cosign(cli, NULL, NULL, &err);
	if (fund_archive_write(cli->log, &body, seq, &archive, &err) != REDRESS_OK ||
	    cli_write_private(path, archive.data, archive.len, &err) != REDRESS_OK) {
		fprintf(stderr, "redress: the fund is closed (event %llu), but the archive was not written\n",
		        (unsigned long long)seq);
		goto fail;
	}
	printf("the fund is closed (event %llu); new claims go to %s.  Archive: %s\n"
	       "Give it to the successor, who checks it with 'redress fund verify %s --pubkey FUND.vkey'.\n",
	       (unsigned long long)seq, successor, path, path);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
out:
	buf_free(&body);
	buf_free(&archive);
	return status;
}

static int
fund_verify_cmd(struct cli *cli, int argc, char **argv)
{
	struct fund_archive_verified v;
	struct cli_verify_opts o;
	struct redress_error err;
	struct buf file, key;
	int status = cli_verify_options("fund", argc, argv, fund_usage, &o);

	if (status >= 0)
		return status;
	if (cli_verifier_key(cli, o.pubkey, &key, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_read_file(argv[optind], FUND_ARCHIVE_MAX, &file, &err) != REDRESS_OK) {
		buf_free(&key);
		return cli_fail(&err);
	}
	status = 0;
	if (fund_archive_verify(file.data != NULL ? file.data : "", file.len, key.data, &o.policy, &v,
	                        &err) != REDRESS_OK) {
		error_prefix(&err, "%.200s does not verify", argv[optind]);
		status = cli_fail(&err);
	} else {
		printf(
		    "%s: verified: the fund closed at event %llu (log signed at size %llu), handing %llu open"
		    " claims, %llu unpaid entitlements and %llu ledger accounts to %s\n",
		    argv[optind], (unsigned long long)v.seq, (unsigned long long)v.size,
		    (unsigned long long)v.open_claims, (unsigned long long)v.unpaid,
		    (unsigned long long)v.accounts, v.successor);
	}
	buf_free(&file);
	buf_free(&key);
	return status;
}

int
cmd_fund(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		fund_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "close") == 0)
		return fund_close_cmd(cli, argc, argv);
	if (strcmp(sub, "verify") == 0)
		return fund_verify_cmd(cli, argc, argv);
	return cli_usage_error("fund", "'%s' is not a fund command (close, verify)", sub);
}
