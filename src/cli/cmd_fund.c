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

#include <jansson.h>

#include "cli/cli.h"
#include "core/text.h"
#include "domain/fund/fund.h"
#include "domain/reports/reports.h"

static void
fund_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: redress [--as ADMIN] fund close --successor NAME --contact TEXT --out ARCHIVE [--k K]\n"
	    "       redress fund verify ARCHIVE [--pubkey FILE] [--witness VKEY...] [--witness-threshold "
	    "K]\n"
	    "       redress [--as ADMIN] fund import ARCHIVE --pubkey FILE [--witness VKEY...]\n"
	    "               [--witness-threshold K]\n"
	    "       redress [--as ADMIN] fund inherited [--json]\n\n"
	    "close   closes the fund, in one change: the event fund.closed names the successor, how\n"
	    "        to reach them, and the SHA-256 of the archive's body -- every claim not decided,\n"
	    "        every entitlement not paid (with the sums per currency) and every ledger\n"
	    "        account's posted totals, as they stand.  From then on new claims are refused\n"
	    "        with the successor's name and contact.  ARCHIVE (a new file, mode 0600: it names\n"
	    "        the people to be paid) holds the body, the event's bytes and its inclusion proof\n"
	    "        to the latest (cosigned) checkpoint, and the final public report of every\n"
	    "        program, published just before (small cells withheld below --k, default %d).\n"
	    "        Record the survivors' wishes for what is left first ('consult add').\n"
	    "        Needs an admin.\n"
	    "verify  checks an archive offline with the fund's verifier key (--pubkey, or the\n"
	    "        database's): the checkpoint is the fund's (through its key handovers), the\n"
	    "        closing event is in it and names this body, and the body's lists add up to\n"
	    "        its totals, and each final report verifies and is the one the body names.\n"
	    "        With --witness, the checkpoint's cosignatures too.\n"
	    "import  the successor's side, in the successor's own fund: checks ARCHIVE as 'verify'\n"
	    "        does with the closed fund's key (--pubkey, required), then records it, in one\n"
	    "        change: the event fund.inherited and one fund.obligation per open claim, unpaid\n"
	    "        entitlement and ledger account it hands over.  'audit verify' then checks that\n"
	    "        nothing was dropped.  An archive taken over already is refused.  Needs an admin.\n"
	    "inherited  lists what was taken over, one line each (or JSON with --json).\n",
	    REPORT_K_DEFAULT);
}

static int
fund_close_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"successor", required_argument, NULL, 's'},
	    {"contact", required_argument, NULL, 'c'},
	    {"out", required_argument, NULL, 'o'},
	    {"k", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *successor = NULL, *contact = NULL, *path = NULL;
	unsigned long long k = REPORT_K_DEFAULT;
	struct fund_reports reports;
	struct redress_error err;
	struct buf body, archive;
	uint64_t seq = 0;
	int c, status = 1;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's': successor = optarg; break;
		case 'c': contact = optarg; break;
		case 'o': path = optarg; break;
		case 'k':
			if (text_parse_u64("--k", optarg, &k, &err) != REDRESS_OK || k < REPORT_K_MIN ||
			    k > REPORT_K_MAX)
				return cli_usage_error("fund", "--k must be a whole number from %d to %d",
				                       REPORT_K_MIN, REPORT_K_MAX);
			break;
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
	fund_reports_init(&reports);
	if (cli_open_as(cli, CLI_WRITE, PERM_USERS_MANAGE, &err) != REDRESS_OK)
		goto fail;
	/* Refused (not an admin, bad text, closed already) before any report is published. */
	if (fund_close_ready(cli->log, &cli->actor, successor, contact, &err) != REDRESS_OK)
		goto fail;
	/* The final reports, each in its own change, then the close. */
	if (fund_reports_publish(cli->log, &cli->actor, (int)k, &reports, &err) != REDRESS_OK ||
	    tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (fund_close(cli->log, &cli->actor, successor, contact, &reports, &body, &seq, &err) !=
	    REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		goto fail;
	/* The witnesses first, so the archive's checkpoint is cosigned (best effort). */
	(void)cli_cosign(cli, NULL, NULL, &err);
	if (fund_archive_write(cli->log, &body, &reports, seq, &archive, &err) != REDRESS_OK ||
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
	fund_reports_free(&reports);
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
		    " claims, %llu unpaid entitlements and %llu ledger accounts to %s, with %llu final"
		    " reports\n",
		    argv[optind], (unsigned long long)v.seq, (unsigned long long)v.size,
		    (unsigned long long)v.open_claims, (unsigned long long)v.unpaid,
		    (unsigned long long)v.accounts, v.successor, (unsigned long long)v.reports);
	}
	buf_free(&file);
	buf_free(&key);
	return status;
}

static int
fund_import_cmd(struct cli *cli, int argc, char **argv)
{
	struct fund_archive_verified v;
	struct cli_verify_opts o;
	struct redress_error err;
	struct buf file, key;
	uint64_t seq = 0;
	int status = cli_verify_options("fund", argc, argv, fund_usage, &o);

	if (status >= 0)
		return status;
	/* The closed fund's key: never this fund's own, which the archive is not signed with. */
	if (o.pubkey == NULL)
		return cli_usage_error("fund",
		                       "'import' needs --pubkey FILE, the closed fund's verifier key");
	buf_init(&file, 0);
	if (cli_verifier_key(cli, o.pubkey, &key, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_read_file(argv[optind], FUND_ARCHIVE_MAX, &file, &err) != REDRESS_OK ||
	    cli_open_as(cli, CLI_WRITE, PERM_USERS_MANAGE, &err) != REDRESS_OK ||
	    tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (fund_inherit(cli->log, &cli->actor, file.data != NULL ? file.data : "", file.len, key.data,
	                 &o.policy, &v, &seq, &err) != REDRESS_OK) {
		tlog_rollback(cli->log);
		error_prefix(&err, "%.200s", argv[optind]);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		goto fail;
	printf("taken over (event %llu): %llu open claims, %llu unpaid entitlements and %llu ledger accounts"
	       " of %s, closed at its event %llu\n",
	       (unsigned long long)seq, (unsigned long long)v.open_claims, (unsigned long long)v.unpaid,
	       (unsigned long long)v.accounts, v.origin, (unsigned long long)v.seq);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
out:
	buf_free(&file);
	buf_free(&key);
	return status;
}

struct inherited_print {
	int json;
	size_t n;
};

static enum redress_err
inherited_line(void *ctx, const struct fund_obligation *o, struct redress_error *err)
{
	struct inherited_print *p = ctx;

	(void)err;
	if (p->json) {
		json_t *j =
		    json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "seq",
		              (json_int_t)o->seq, "inherited", (json_int_t)o->inherited, "kind", o->kind,
		              "id", o->id, "program", o->program, "person", o->person, "state", o->state,
		              "currency", o->currency, "amount", (json_int_t)o->amount, "debits",
		              (json_int_t)o->debits, "credits", (json_int_t)o->credits, "origin", o->origin);

		printf("%s", p->n == 0 ? "[\n" : ",\n");
		if (j != NULL)
			json_dumpf(j, stdout, JSON_SORT_KEYS | JSON_COMPACT);
		json_decref(j);
	} else if (strcmp(o->kind, "account") == 0) {
		printf("%-11s %-24s %s debits %lld credits %lld  (%s)\n", o->kind, o->id, o->currency,
		       (long long)o->debits, (long long)o->credits, o->origin);
	} else {
		printf("%-11s %-24s %-16s %-10s %-12s %lld %s  (%s)\n", o->kind, o->id, o->program, o->person,
		       o->state, (long long)o->amount, o->currency, o->origin);
	}
	p->n++;
	return REDRESS_OK;
}

static int
fund_inherited_cmd(struct cli *cli, int argc, char **argv)
{
	struct inherited_print p = {0, 0};
	struct redress_error err;

	if (argc == 2 && strcmp(argv[1], "--json") == 0)
		p.json = 1;
	else if (argc != 1)
		return cli_usage_error("fund", "'inherited' takes only --json");
	if (cli_open_as(cli, CLI_READ, PERM_USERS_MANAGE, &err) != REDRESS_OK ||
	    fund_obligations_each(tlog_store(cli->log), inherited_line, &p, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (p.json)
		printf("%s]\n", p.n == 0 ? "[" : "\n");
	else if (p.n == 0)
		printf("nothing taken over\n");
	return 0;
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
	if (strcmp(sub, "import") == 0)
		return fund_import_cmd(cli, argc, argv);
	if (strcmp(sub, "inherited") == 0)
		return fund_inherited_cmd(cli, argc, argv);
	return cli_usage_error("fund", "'%s' is not a fund command (close, verify, import, inherited)", sub);
}
