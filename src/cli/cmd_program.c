/*
 * cmd_program.c -- `redress program ...`: a program's rules, as data.
 * Adding one is one change on the log: its accounts (when missing) and the
 * program itself.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"

static void
program_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress [--as USER] program add --file PROGRAM.json\n"
	        "       redress [--as USER] program diff --file PROGRAM.json [--json]\n"
	        "       redress [--as USER] program show CODE [--json]\n\n"
	        "A program file is one JSON object (see examples/flagship-2015.json):\n"
	        "  code       the program's code: letters, digits and . _ -\n"
	        "  name       its name\n"
	        "  currency   ISO 4217 code of everything it pays\n"
	        "  cutoff     YYYY-MM-DD: a victim alive that day is a survivor\n"
	        "  accounts   {\"fund\": ..., \"payable\": ..., \"expense\": ...}: ledger account codes\n"
	        "  benefits   {\"survivor\": ..., \"bereaved\": ...}: decimal text in the currency,\n"
	        "             \"100000000\" or \"20000.00\"; bereaved is shared among the heirs\n"
	        "  approvals  how many different reviewers approve a claim (%d to %d)\n"
	        "  names, units, harms, combine, caps, priority, exclusions, payment, services:\n"
	        "             the rules of programs that pay by harm, in instalments or in kind\n"
	        "             (docs/programs.md)\n"
	        "Any other field is refused.  'add' opens the payable (a liability that may not go\n"
	        "below zero) and the expense account when missing; the fund must be an asset that\n"
	        "may not go below zero, in the program's currency, and is opened so when missing.\n"
	        "A program is never changed: a new rule is a new program.  'diff' shows what a\n"
	        "new version of a program (same code) would change before anything is made: every\n"
	        "approved claim computed under both rules, who would gain or lose and by how much,\n"
	        "the figures by harm, and what the fund would then owe against what it holds.\n"
	        "'add' and 'diff' need an admin; 'show' an account that reads claims.\n",
	        PROGRAM_APPROVALS_MIN, PROGRAM_APPROVALS_MAX);
}

static void
amount_text(int64_t minor, const char *currency, char out[MONEY_TEXT_SIZE])
{
	const struct currency *cur = currency_find(currency, NULL);

	if (cur != NULL)
		money_format(minor, cur, out, MONEY_TEXT_SIZE);
	else
		snprintf(out, MONEY_TEXT_SIZE, "%lld", (long long)minor);
}

static void
print_program(const struct program *p)
{
	char survivor[MONEY_TEXT_SIZE], bereaved[MONEY_TEXT_SIZE];

	amount_text(p->survivor_amount, p->currency, survivor);
	amount_text(p->bereaved_amount, p->currency, bereaved);
	printf("program %s (event %llu)\n"
	       "  name       %s\n"
	       "  currency   %s\n"
	       "  cutoff     %s\n"
	       "  survivor   %s %s\n"
	       "  bereaved   %s %s, shared among the heirs\n"
	       "  approvals  %d different reviewers\n"
	       "  accounts   fund %s, payable %s, expense %s\n",
	       p->code, (unsigned long long)p->added_seq, p->name, p->currency, p->cutoff, survivor,
	       p->currency, bereaved, p->currency, p->approvals, p->fund, p->payable, p->expense);
}

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct program *p = arg;
	enum redress_err rc;

	if ((rc = program_add(cli->log, &cli->actor, p, err)) != REDRESS_OK)
		return rc;
	return program_get(tlog_store(cli->log), p->code, p, err);
}

/* Reads and parses the program file named by --file; 0, or the exit status. */
static int
read_program_file(int argc, char **argv, const char *cmd, struct program *p, int *json)
{
	static const struct option options[] = {
	    {"file", required_argument, NULL, 'f'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct redress_error err;
	const char *file = NULL;
	struct buf text;
	enum redress_err rc;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': file = optarg; break;
		case 'j':
			if (json == NULL)
				return cli_bad_option("program", argv);
			*json = 1;
			break;
		case 'h': program_usage(stdout); return -1;
		default: return cli_bad_option("program", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("program", "unexpected argument '%s'", argv[optind]);
	if (file == NULL)
		return cli_usage_error("program", "'%s' needs --file PROGRAM.json", cmd);
	if (cli_read_file(file, PROGRAM_FILE_MAX, &text, &err) != REDRESS_OK)
		return cli_fail(&err);
	rc = program_parse(text.data != NULL ? text.data : "", text.len, p, &err);
	buf_free(&text);
	if (rc != REDRESS_OK) {
		/* A syntax error reads FILE:LINE:COLUMN: ..., a field's FILE: field '...' ... */
		if (err.message[0] >= '0' && err.message[0] <= '9') {
			char msg[REDRESS_ERROR_MAX];

			memcpy(msg, err.message, sizeof(msg));
			error_set(&err, rc, "%.200s:%s", file, msg);
		} else {
			error_prefix(&err, "%.200s", file);
		}
		return cli_fail(&err);
	}
	return 0;
}

static int
program_diff_cmd(struct cli *cli, int argc, char **argv)
{
	const struct currency *cur;
	struct entitlements_diff d;
	struct redress_error err;
	struct program *p;
	char a[MONEY_TEXT_SIZE], b[MONEY_TEXT_SIZE];
	size_t i;
	int json = 0, status;

	/* A program with its rules is some kilobytes: on the heap. */
	if ((p = malloc(sizeof(*p))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	memset(&d, 0, sizeof(d));
	if ((status = read_program_file(argc, argv, "diff", p, &json)) != 0) {
		status = status < 0 ? 0 : status;
		goto out;
	}
	if (cli_open_as(cli, CLI_READ, PERM_PROGRAMS_MANAGE, &err) != REDRESS_OK ||
	    entitlements_preview(cli->log, &cli->actor, p, &d, &err) != REDRESS_OK) {
		status = cli_fail(&err);
		goto out;
	}
	if (json) {
		cli_print_json(entitlements_diff_json(p->code, p->currency, &d));
		goto out;
	}
	cur = currency_find(p->currency, NULL);
	printf("program %s: %llu approved claims computed under the rules in force and under %s's\n", p->code,
	       (unsigned long long)d.claims, argv[argc - 1]);
	money_format(d.old_total, cur, a, sizeof(a));
	money_format(d.new_total, cur, b, sizeof(b));
	printf("  owed        %s %s now, %s %s under the new rules\n", a, p->currency, b, p->currency);
	money_format(d.gained, cur, a, sizeof(a));
	money_format(d.lost, cur, b, sizeof(b));
	printf("  gain        %llu beneficiaries, %s %s in all\n  lose        %llu beneficiaries, %s %s in"
	       " all\n  unchanged   %llu\n",
	       (unsigned long long)d.gain, a, p->currency, (unsigned long long)d.lose, b, p->currency,
	       (unsigned long long)d.same);
	for (i = 0; i < d.nharms; i++) {
		money_format(d.harms[i].old_amount, cur, a, sizeof(a));
		money_format(d.harms[i].new_amount, cur, b, sizeof(b));
		printf("  harm %-20s %llu claims: %s -> %s %s\n", d.harms[i].harm,
		       (unsigned long long)d.harms[i].claims, a, b, p->currency);
	}
	money_format(d.holds, cur, a, sizeof(a));
	money_format(d.would_owe, cur, b, sizeof(b));
	printf("  fund        holds %s %s; would owe %s %s more", a, p->currency, b, p->currency);
	if (d.short_by > 0) {
		money_format(d.short_by, cur, a, sizeof(a));
		printf(": short by %s %s", a, p->currency);
	}
	printf("\n");
	for (i = 0; i < d.nchanges; i++) {
		money_format(d.changes[i].old_amount, cur, a, sizeof(a));
		money_format(d.changes[i].new_amount, cur, b, sizeof(b));
		printf("  %-10s %-10s %s -> %s\n", d.changes[i].claim, d.changes[i].beneficiary, a, b);
	}
out:
	entitlements_diff_free(&d);
	free(p);
	return status;
}

static int
program_add_cmd(struct cli *cli, int argc, char **argv)
{
	struct program *p;
	int status;

	if ((p = malloc(sizeof(*p))) == NULL) {
		struct redress_error err;

		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	if ((status = read_program_file(argc, argv, "add", p, NULL)) == 0 &&
	    (status = cli_run_change(cli, PERM_PROGRAMS_MANAGE, do_add, p)) == 0)
		print_program(p);
	free(p);
	return status < 0 ? 0 : status;
}

static int
program_show_cmd(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	struct program p;
	const char *code = NULL;
	int i, json = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			program_usage(stdout);
			return 0;
		} else if (argv[i][0] == '-')
			return cli_usage_error("program", "unknown option '%s' for 'show'", argv[i]);
		else if (code == NULL)
			code = argv[i];
		else
			return cli_usage_error("program", "'show' takes one program CODE");
	}
	if (code == NULL)
		return cli_usage_error("program", "'show' needs a program CODE");
	if (cli_open_as(cli, CLI_READ, PERM_CLAIMS_READ, &err) != REDRESS_OK ||
	    program_get(tlog_store(cli->log), code, &p, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (!json) {
		print_program(&p);
		return 0;
	}
	cli_print_json(program_json(&p));
	return 0;
}

int
cmd_program(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		program_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "add") == 0)
		return program_add_cmd(cli, argc, argv);
	if (strcmp(sub, "show") == 0)
		return program_show_cmd(cli, argc, argv);
	if (strcmp(sub, "diff") == 0)
		return program_diff_cmd(cli, argc, argv);
	return cli_usage_error("program", "'%s' is not a program command", sub);
}
