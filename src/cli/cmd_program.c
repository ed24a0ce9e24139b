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
#include "core/clock.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"

static void
program_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress [--as USER] program add --file PROGRAM.json [--from YYYY-MM-DD]\n"
	        "       redress [--as USER] program approve CODE --version N\n"
	        "       redress [--as USER] program diff --file PROGRAM.json [--json]\n"
	        "       redress [--as USER] program diff CODE --version N [--json]\n"
	        "       redress [--as USER] program history CODE [--json]\n"
	        "       redress [--as USER] program show CODE [--version N] [--json]\n\n"
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
	        "'add' of a file under a code already added proposes a new version of that\n"
	        "program (same currency and accounts), in force from --from (default today, never\n"
	        "in the past) once another admin approves it with 'approve'; entitlements booked\n"
	        "before keep their amounts.  'history' lists the versions; 'show --version N' one.\n"
	        "'diff' shows what a new version of a program (a file, or a version proposed)\n"
	        "would change before anything is made: every approved claim computed under both\n"
	        "rules, who would gain or lose and by how much, the figures by harm, and what the\n"
	        "fund would then owe against what it holds.\n"
	        "'add', 'approve' and 'diff' need an admin; 'show' and 'history' an account that\n"
	        "reads claims.\n",
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
	if (p->version > 1)
		printf("  version    %d, in force from %s%s\n", p->version, p->from,
		       p->added_seq == 0 ? " once a second admin approves it" : "");
}

struct add_arg {
	struct program *p;
	const char *from; /* --from, or NULL */
	int version;      /* the version proposed; 0: a new program added */
};

/* A new program, or a new version of one already added (proposed, for a second admin to approve). */
static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct add_arg *a = arg;
	struct program *old;
	char today[CLOCK_TEXT_SIZE];
	enum redress_err rc;

	if ((old = malloc(sizeof(*old))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	rc = program_version_get(tlog_store(cli->log), a->p->code, 1, old, err);
	free(old);
	if (rc == REDRESS_E_NOTFOUND) {
		if (a->from != NULL)
			return error_set(
			    err, REDRESS_E_INVALID,
			    "--from is the day a new version of a program already added is in force;"
			    " program '%s' is new",
			    a->p->code);
		if ((rc = program_add(cli->log, &cli->actor, a->p, err)) != REDRESS_OK)
			return rc;
		return program_get(tlog_store(cli->log), a->p->code, a->p, err);
	}
	if (rc != REDRESS_OK)
		return rc;
	clock_now_text(today);
	today[10] = '\0';
	if ((rc = program_version_propose(cli->log, &cli->actor, a->p, a->from != NULL ? a->from : today,
	                                  &a->version, err)) != REDRESS_OK)
		return rc;
	return program_version_get(tlog_store(cli->log), a->p->code, a->version, a->p, err);
}

/* Reads and parses the program file named by --file; 0, or the exit status. */
static int
read_program_file(int argc, char **argv, const char *cmd, struct program *p, int *json, const char **from)
{
	static const struct option options[] = {
	    {"file", required_argument, NULL, 'f'},
	    {"from", required_argument, NULL, 'F'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct program_errors *errs;
	struct redress_error err;
	const char *file = NULL;
	struct buf text;
	enum redress_err rc;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': file = optarg; break;
		case 'F':
			if (from == NULL)
				return cli_bad_option("program", argv);
			*from = optarg;
			break;
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
	if ((errs = malloc(sizeof(*errs))) == NULL) {
		buf_free(&text);
		return redress_exit_code(REDRESS_E_NOMEM);
	}
	/* Every error of the file at once, one a line, each naming its field. */
	rc = program_parse_all(text.data != NULL ? text.data : "", text.len, p, errs, &err);
	buf_free(&text);
	if (rc == REDRESS_E_INVALID && errs->n > 1) {
		size_t i;

		for (i = 0; i < errs->n; i++)
			fprintf(stderr, "redress: %.200s: %s\n", file, errs->message[i]);
		if (errs->more > 0)
			fprintf(stderr, "redress: %.200s: and %zu more errors\n", file, errs->more);
		free(errs);
		return redress_exit_code(rc);
	}
	free(errs);
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

/* Prints a preview of p (the new rules, named what) against the rules in force. */
static void
print_diff(const struct program *p, const struct entitlements_diff *d, const char *what)
{
	const struct currency *cur = currency_find(p->currency, NULL);
	char a[MONEY_TEXT_SIZE], b[MONEY_TEXT_SIZE];
	size_t i;

	printf("program %s: %llu approved claims computed under the rules in force and under %s\n", p->code,
	       (unsigned long long)d->claims, what);
	money_format(d->old_total, cur, a, sizeof(a));
	money_format(d->new_total, cur, b, sizeof(b));
	printf("  owed        %s %s now, %s %s under the new rules\n", a, p->currency, b, p->currency);
	money_format(d->gained, cur, a, sizeof(a));
	money_format(d->lost, cur, b, sizeof(b));
	printf("  gain        %llu beneficiaries, %s %s in all\n  lose        %llu beneficiaries, %s %s in"
	       " all\n  unchanged   %llu\n",
	       (unsigned long long)d->gain, a, p->currency, (unsigned long long)d->lose, b, p->currency,
	       (unsigned long long)d->same);
	for (i = 0; i < d->nharms; i++) {
		money_format(d->harms[i].old_amount, cur, a, sizeof(a));
		money_format(d->harms[i].new_amount, cur, b, sizeof(b));
		printf("  harm %-20s %llu claims: %s -> %s %s\n", d->harms[i].harm,
		       (unsigned long long)d->harms[i].claims, a, b, p->currency);
	}
	money_format(d->holds, cur, a, sizeof(a));
	money_format(d->would_owe, cur, b, sizeof(b));
	printf("  fund        holds %s %s; would owe %s %s more", a, p->currency, b, p->currency);
	if (d->short_by > 0) {
		money_format(d->short_by, cur, a, sizeof(a));
		printf(": short by %s %s", a, p->currency);
	}
	printf("\n");
	for (i = 0; i < d->nchanges; i++) {
		money_format(d->changes[i].old_amount, cur, a, sizeof(a));
		money_format(d->changes[i].new_amount, cur, b, sizeof(b));
		printf("  %-10s %-10s %s -> %s\n", d->changes[i].claim, d->changes[i].beneficiary, a, b);
	}
}

/* Parses CODE --version N [--json] (json NULL: no --json); 0, -1 for --help, or an exit status. */
static int
parse_code_version(int argc, char **argv, const char *cmd, const char **code, int *version, int *json)
{
	int i;

	*code = NULL;
	*version = 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 && json != NULL)
			*json = 1;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			program_usage(stdout);
			return -1;
		} else if (strcmp(argv[i], "--version") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end != '\0' || end == argv[i] || v < 1 || v > PROGRAM_VERSIONS_MAX)
				return cli_usage_error("program",
				                       "--version is a number from 1 to %d, not '%s'",
				                       PROGRAM_VERSIONS_MAX, argv[i]);
			*version = (int)v;
		} else if (argv[i][0] == '-')
			return cli_usage_error("program", "unknown option '%s' for '%s'", argv[i], cmd);
		else if (*code == NULL)
			*code = argv[i];
		else
			return cli_usage_error("program", "'%s' takes one program CODE", cmd);
	}
	if (*code == NULL)
		return cli_usage_error("program", "'%s' needs a program CODE", cmd);
	if (*version == 0 && strcmp(cmd, "show") != 0)
		return cli_usage_error("program", "'%s' needs --version N", cmd);
	return 0;
}

/* Previews p (the new rules, named what) against the rules in force, as JSON or text; the exit status. */
static int
show_preview(struct cli *cli, const struct program *p, const char *what, int json)
{
	struct entitlements_diff d;
	struct redress_error err;
	int status = 0;

	memset(&d, 0, sizeof(d));
	if (entitlements_preview(cli->log, &cli->actor, p, &d, &err) != REDRESS_OK)
		status = cli_fail(&err);
	else if (json)
		cli_print_json(entitlements_diff_json(p->code, p->currency, &d));
	else
		print_diff(p, &d, what);
	entitlements_diff_free(&d);
	return status;
}

/* program diff CODE --version N [--json]: a version proposed (or any) against the rules in force. */
static int
program_diff_version_cmd(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	struct program *p;
	const char *code;
	char what[64];
	int version, json = 0, status;

	if ((status = parse_code_version(argc, argv, "diff", &code, &version, &json)) != 0)
		return status < 0 ? 0 : status;
	if ((p = malloc(sizeof(*p))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	snprintf(what, sizeof(what), "version %d's", version);
	if (cli_open_as(cli, CLI_READ, PERM_PROGRAMS_MANAGE, &err) != REDRESS_OK ||
	    program_version_get(tlog_store(cli->log), code, version, p, &err) != REDRESS_OK)
		status = cli_fail(&err);
	else
		status = show_preview(cli, p, what, json);
	free(p);
	return status;
}

static int
program_diff_cmd(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	struct program *p;
	char what[256];
	int json = 0, status;

	if (argc > 1 && argv[1][0] != '-')
		return program_diff_version_cmd(cli, argc, argv);
	/* A program with its rules is some kilobytes: on the heap. */
	if ((p = malloc(sizeof(*p))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	if ((status = read_program_file(argc, argv, "diff", p, &json, NULL)) != 0)
		status = status < 0 ? 0 : status;
	else if (cli_open_as(cli, CLI_READ, PERM_PROGRAMS_MANAGE, &err) != REDRESS_OK)
		status = cli_fail(&err);
	else {
		snprintf(what, sizeof(what), "%.200s's", argv[argc - 1]);
		status = show_preview(cli, p, what, json);
	}
	free(p);
	return status;
}

struct approve_arg {
	const char *code;
	int version;
};

static enum redress_err
do_approve(struct cli *cli, void *arg, struct redress_error *err)
{
	struct approve_arg *a = arg;

	return program_version_approve(cli->log, &cli->actor, a->code, a->version, err);
}

/* program approve CODE --version N */
static int
program_approve_cmd(struct cli *cli, int argc, char **argv)
{
	struct approve_arg a;
	struct redress_error err;
	struct program *p;
	int status;

	if ((status = parse_code_version(argc, argv, "approve", &a.code, &a.version, NULL)) != 0)
		return status < 0 ? 0 : status;
	if ((status = cli_run_change(cli, PERM_PROGRAMS_MANAGE, do_approve, &a)) != 0)
		return status;
	if ((p = malloc(sizeof(*p))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	if (program_version_get(tlog_store(cli->log), a.code, a.version, p, &err) != REDRESS_OK) {
		free(p);
		return cli_fail(&err);
	}
	printf("version %d of program %s approved: in force from %s\n", a.version, a.code, p->from);
	free(p);
	return 0;
}

static enum redress_err
version_row(void *ctx, const struct program_version *v, struct redress_error *err)
{
	json_t *array = ctx, *o;

	if (array != NULL) {
		if ((o = program_version_json(v)) == NULL || json_array_append_new(array, o) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory");
		return REDRESS_OK;
	}
	if (v->version == 1)
		printf("version 1   added by event %llu\n", (unsigned long long)v->added_seq);
	else if (v->added_seq == 0)
		printf("version %-3d from %s, proposed by %s (event %llu); awaits a second admin\n",
		       v->version, v->from, v->proposed_by, (unsigned long long)v->proposed_seq);
	else
		printf("version %-3d from %s, proposed by %s (event %llu), approved by %s (event %llu)\n",
		       v->version, v->from, v->proposed_by, (unsigned long long)v->proposed_seq, v->added_by,
		       (unsigned long long)v->added_seq);
	return REDRESS_OK;
}

/* program history CODE [--json] */
static int
program_history_cmd(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	const char *code = NULL;
	json_t *array = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			if (array == NULL && (array = json_array()) == NULL) {
				error_set(&err, REDRESS_E_NOMEM, "out of memory");
				return cli_fail(&err);
			}
		} else if (argv[i][0] == '-') {
			json_decref(array);
			return cli_usage_error("program", "unknown option '%s' for 'history'", argv[i]);
		} else if (code == NULL)
			code = argv[i];
		else {
			json_decref(array);
			return cli_usage_error("program", "'history' takes one program CODE");
		}
	}
	if (code == NULL) {
		json_decref(array);
		return cli_usage_error("program", "'history' needs a program CODE");
	}
	if (cli_open_as(cli, CLI_READ, PERM_CLAIMS_READ, &err) != REDRESS_OK ||
	    program_versions_each(tlog_store(cli->log), code, version_row, array, &err) != REDRESS_OK) {
		json_decref(array);
		return cli_fail(&err);
	}
	if (array != NULL)
		cli_print_json(array);
	return 0;
}

static int
program_add_cmd(struct cli *cli, int argc, char **argv)
{
	struct add_arg a = {NULL, NULL, 0};
	struct program *p;
	int status;

	if ((p = malloc(sizeof(*p))) == NULL) {
		struct redress_error err;

		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	a.p = p;
	if ((status = read_program_file(argc, argv, "add", p, NULL, &a.from)) == 0 &&
	    (status = cli_run_change(cli, PERM_PROGRAMS_MANAGE, do_add, &a)) == 0) {
		print_program(p);
		if (a.version > 1)
			printf("version %d of program %s proposed; another admin approves it with"
			       " 'redress program approve %s --version %d' (see 'redress program diff %s "
			       "--version %d')\n",
			       a.version, p->code, p->code, a.version, p->code, a.version);
	}
	free(p);
	return status < 0 ? 0 : status;
}

static int
program_show_cmd(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	struct program *p;
	const char *code;
	int version, json = 0, status;

	if ((status = parse_code_version(argc, argv, "show", &code, &version, &json)) != 0)
		return status < 0 ? 0 : status;
	if ((p = malloc(sizeof(*p))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	if (cli_open_as(cli, CLI_READ, PERM_CLAIMS_READ, &err) != REDRESS_OK ||
	    (version == 0
	         ? program_get(tlog_store(cli->log), code, p, &err)
	         : program_version_get(tlog_store(cli->log), code, version, p, &err)) != REDRESS_OK) {
		free(p);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(program_json(p));
	else
		print_program(p);
	free(p);
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
	if (strcmp(sub, "approve") == 0)
		return program_approve_cmd(cli, argc, argv);
	if (strcmp(sub, "history") == 0)
		return program_history_cmd(cli, argc, argv);
	return cli_usage_error("program", "'%s' is not a program command", sub);
}
