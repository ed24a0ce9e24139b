/*
 * cmd_referral.c -- `redress referral add|outcome|list`: referring a
 * person to another party, only with her consent to share with it, and
 * recording what came of it (domain/casework).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/casework/casework.h"

static void
referral_usage(FILE *f)
{
	fprintf(f, "usage: redress referral add PSEUDONYM --to PARTY --what TEXT\n"
	           "       redress referral outcome REFERRAL --outcome TEXT\n"
	           "       redress referral list PSEUDONYM [--json]\n\n"
	           "Refers a person to PARTY (one word: a-z, 0-9, - _ .) for --what (sealed with her\n"
	           "key).  Refused unless her latest word on the consent scope share:PARTY is a\n"
	           "grant (see 'redress consent'): a withdrawal stops\n"
	           "referrals at once.  outcome records what came of referral REFERRAL (its number,\n"
	           "as add printed it): the party's answer, sealed with her key, once.\n\n"
	           "add and outcome need a caseworker; list an account that reads persons.\n");
}

struct referral_arg {
	const char *pseudonym, *party, *what, *outcome;
	uint64_t referral;
};

static enum redress_err
do_outcome(struct cli *cli, void *arg, struct redress_error *err)
{
	struct referral_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return casework_referral_outcome(cli->log, &cli->actor, &keys, a->referral, a->outcome, err);
}

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct referral_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return casework_referral_add(cli->log, &cli->actor, &keys, a->pseudonym, a->party, a->what,
	                             &a->referral, err);
}

static enum redress_err
list_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	json_t *arr = ctx;

	if (arr != NULL) {
		if (json_array_append_new(arr, json_pack("{sIsssssssssb}", "referral", (json_int_t)it->seq,
		                                         "pseudonym", it->pseudonym, "to", it->kind, "by",
		                                         it->actor, "at", it->at, "answered",
		                                         it->closed_seq != 0)) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing referrals");
		return REDRESS_OK;
	}
	printf("%" PRIu64 "\t%s\tto %s\t%s\t%s\t%s\n", it->seq, it->pseudonym, it->kind, it->actor, it->at,
	       it->closed_seq != 0 ? "answered" : "waiting");
	return REDRESS_OK;
}

int
cmd_referral(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"to", required_argument, NULL, 't'},      {"what", required_argument, NULL, 'w'},
	    {"outcome", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	struct referral_arg a;
	struct redress_error err;
	const char *sub;
	int c, json = 0, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		referral_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "outcome") != 0)
		return cli_usage_error("referral", "'%s' is not a referral command", sub);
	memset(&a, 0, sizeof(a));
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 't': a.party = optarg; break;
		case 'w': a.what = optarg; break;
		case 'o': a.outcome = optarg; break;
		case 'j': json = 1; break;
		case 'h': referral_usage(stdout); return 0;
		default: return cli_bad_option("referral", argv);
		}
	}
	if (strcmp(sub, "outcome") == 0) {
		if (optind + 1 != argc || (a.referral = cli_number(argv[optind])) == 0 || a.outcome == NULL)
			return cli_usage_error(
			    "referral", "'outcome' takes one REFERRAL (its number) and --outcome TEXT");
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_outcome, &a)) == 0)
			printf("referral %" PRIu64 ": answered\n", a.referral);
		return status;
	}
	if (optind + 1 != argc)
		return cli_usage_error("referral", "'%s' takes one PSEUDONYM", sub);
	if (strcmp(sub, "add") == 0) {
		if (a.party == NULL || a.what == NULL)
			return cli_usage_error("referral", "'add' needs --to PARTY and --what TEXT");
		a.pseudonym = argv[optind];
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_add, &a)) == 0)
			printf("%" PRIu64 "\n", a.referral);
		return status;
	}
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	{
		json_t *arr = json ? json_array() : NULL;

		if (casework_referrals_each(tlog_store(cli->log), argv[optind], list_one, arr, &err) !=
		    REDRESS_OK) {
			json_decref(arr);
			return cli_fail(&err);
		}
		if (arr != NULL)
			cli_print_json(arr);
	}
	return 0;
}
