/*
 * cmd_consult.c -- `redress consult add`: what a person said when the fund
 * asked her, and her wish.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/casework/casework.h"

static void
consult_usage(FILE *f)
{
	fprintf(f, "usage: redress consult add PSEUDONYM --wish accept|decline|undecided [--summary TEXT]\n\n"
	           "Records a consultation and the wish the person stated: accept (the payment),\n"
	           "decline (it: she is then never paid, and never counted as unreached), or\n"
	           "undecided (ask again: a task to ask her again is added to her file, due in the\n"
	           "shortest casework.ask_again_days of the programs she is eligible for; 30 days\n"
	           "when none sets it).\n"
	           "The latest wish is what counts; someone never consulted\n"
	           "has the wish 'none'.  --summary, what was said, is sealed with her key.\n"
	           "Needs a caseworker.\n");
}

struct consult_arg {
	const char *pseudonym, *summary;
	enum registry_wish wish;
	uint64_t task; /* the task to ask again, after an undecided wish */
	int days;      /* in how many days */
};

static enum redress_err
do_consult(struct cli *cli, void *arg, struct redress_error *err)
{
	struct consult_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	enum redress_err rc;

	/* An undecided wish makes a task to ask her again (domain/casework), when her programs say. */
	if ((rc = casework_consult(cli->log, &cli->actor, &keys, a->pseudonym, a->wish, a->summary, &a->task,
	                           err)) != REDRESS_OK ||
	    a->task == 0)
		return rc;
	return casework_person_days(tlog_store(cli->log), a->pseudonym, CASEWORK_DAYS_ASK_AGAIN, &a->days,
	                            err);
}

int
cmd_consult(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"wish", required_argument, NULL, 'w'},
	    {"summary", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct consult_arg a = {NULL, NULL, REGISTRY_WISH_NONE, 0, 0};
	struct redress_error err;
	int c, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		consult_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "add") != 0)
		return cli_usage_error("consult", "'%s' is not a consult command", argv[1]);
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (registry_wish_parse(optarg, &a.wish, &err) != REDRESS_OK)
				return cli_usage_error("consult", "--wish: %s", err.message);
			break;
		case 's': a.summary = optarg; break;
		case 'h': consult_usage(stdout); return 0;
		default: return cli_bad_option("consult", argv);
		}
	}
	if (optind + 1 != argc || a.wish == REGISTRY_WISH_NONE)
		return cli_usage_error("consult", "'add' takes one PSEUDONYM and --wish");
	a.pseudonym = argv[optind];
	if ((status = cli_run_change(cli, PERM_CONSENT_WRITE, do_consult, &a)) == 0) {
		printf("%s: consulted; wish %s\n", a.pseudonym, registry_wish_name(a.wish));
		if (a.task != 0)
			printf("%s: task %llu to ask her again in %d days\n", a.pseudonym,
			       (unsigned long long)a.task, a.days);
	}
	return status;
}
