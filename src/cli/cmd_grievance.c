/*
 * cmd_grievance.c -- `redress grievance open|list|resolve`: complaints
 * about the fund, each with its channel, its clock and its outcome
 * (domain/casework).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/casework/casework.h"

static void
grievance_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress grievance open PSEUDONYM --channel WORD --about TEXT\n"
	        "       redress grievance list [--overdue [--days N]] [--all] [--json]\n"
	        "       redress grievance resolve GRIEVANCE --outcome TEXT\n\n"
	        "A grievance has the channel it came by (one word: phone, letter, visit ...), what it\n"
	        "is about and, once resolved, its outcome (both sealed with her key).  list shows the\n"
	        "open ones (--all: resolved too) with the days each has been open and its limit;\n"
	        "--overdue only those open longer than their limit: the list an admin escalates.\n"
	        "A grievance's limit is the shortest casework.grievance_days of the programs she is\n"
	        "eligible for, %d days when none sets it; --days N: N days for every grievance.\n\n"
	        "open and resolve need a caseworker; list an account that reads persons (admins too).\n",
	        CASEWORK_GRIEVANCE_DAYS);
}

struct grievance_arg {
	const char *pseudonym, *channel, *text;
	uint64_t grievance;
};

static enum redress_err
do_open(struct cli *cli, void *arg, struct redress_error *err)
{
	struct grievance_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return casework_grievance_open(cli->log, &cli->actor, &keys, a->pseudonym, a->channel, a->text,
	                               &a->grievance, err);
}

static enum redress_err
do_resolve(struct cli *cli, void *arg, struct redress_error *err)
{
	struct grievance_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return casework_grievance_resolve(cli->log, &cli->actor, &keys, a->grievance, a->text, err);
}

/* What a list's row needs: the array (NULL: text) and who asks. */
struct list_ctx {
	struct cli *cli;
	json_t *arr;
};

static enum redress_err
list_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct list_ctx *l = ctx;
	json_t *arr = l->arr;
	int days = casework_days_since(it->at), sees;

	/* Only the grievances of the people the account's office sees (domain/offices). */
	if ((sees = cli_sees(l->cli, it->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;

	if (arr != NULL) {
		if (json_array_append_new(arr,
		                          json_pack("{sIsssssssssisisb}", "grievance", (json_int_t)it->seq,
		                                    "pseudonym", it->pseudonym, "channel", it->kind, "by",
		                                    it->actor, "at", it->at, "days_open", days, "limit_days",
		                                    it->limit_days, "resolved", it->closed_seq != 0)) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing grievances");
		return REDRESS_OK;
	}
	printf("%" PRIu64 "\t%s\t%s\t%s\t%d days\t%s\tlimit %d days\n", it->seq, it->pseudonym, it->kind,
	       it->at, days, it->closed_seq != 0 ? "resolved" : "open", it->limit_days);
	return REDRESS_OK;
}

int
cmd_grievance(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"channel", required_argument, NULL, 'c'},
	    {"about", required_argument, NULL, 'a'},
	    {"outcome", required_argument, NULL, 'o'},
	    {"overdue", no_argument, NULL, 'v'},
	    {"days", required_argument, NULL, 'd'},
	    {"all", no_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct grievance_arg a;
	struct redress_error err;
	const char *sub;
	int c, json = 0, status, overdue = 0, all = 0, days = CASEWORK_DAYS_HERS;
	uint64_t n;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		grievance_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "open") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "resolve") != 0)
		return cli_usage_error("grievance", "'%s' is not a grievance command", sub);
	memset(&a, 0, sizeof(a));
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'c': a.channel = optarg; break;
		case 'a':
		case 'o': a.text = optarg; break;
		case 'v': overdue = 1; break;
		case 'd':
			if ((n = cli_number(optarg)) == 0 || n > 3650)
				return cli_usage_error("grievance",
				                       "--days is a number of days from 1 to 3650");
			days = (int)n;
			break;
		case 'l': all = 1; break;
		case 'j': json = 1; break;
		case 'h': grievance_usage(stdout); return 0;
		default: return cli_bad_option("grievance", argv);
		}
	}
	if (strcmp(sub, "open") == 0) {
		if (optind + 1 != argc || a.channel == NULL || a.text == NULL)
			return cli_usage_error("grievance",
			                       "'open' takes one PSEUDONYM, --channel and --about");
		a.pseudonym = argv[optind];
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_open, &a)) == 0)
			printf("%" PRIu64 "\n", a.grievance);
		return status;
	}
	if (strcmp(sub, "resolve") == 0) {
		if (optind + 1 != argc || (a.grievance = cli_number(argv[optind])) == 0 || a.text == NULL)
			return cli_usage_error("grievance",
			                       "'resolve' takes one GRIEVANCE (its number) and --outcome");
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_resolve, &a)) == 0)
			printf("grievance %" PRIu64 ": resolved\n", a.grievance);
		return status;
	}
	if (optind != argc)
		return cli_usage_error("grievance", "'list' takes no argument '%s'", argv[optind]);
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	{
		json_t *arr = json ? json_array() : NULL;
		struct list_ctx l = {cli, arr};

		/* --overdue: by --days, or each by her own limit; else all, each with her own limit. */
		if (casework_grievances_each(tlog_store(cli->log), !all || overdue, overdue ? days : 0,
		                             list_one, &l, &err) != REDRESS_OK) {
			json_decref(arr);
			return cli_fail(&err);
		}
		if (arr != NULL)
			cli_print_json(arr);
	}
	return 0;
}
