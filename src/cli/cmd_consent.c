/*
 * cmd_consent.c -- `redress consent grant|withdraw`: what a person allows
 * the fund to do with her file, per scope, and how she said so.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void
consent_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress consent grant PSEUDONYM --scope SCOPE --method TEXT [--witness TEXT]\n"
	        "       redress consent withdraw PSEUDONYM --scope SCOPE --method TEXT [--witness TEXT]\n\n"
	        "Records that the person grants or withdraws consent for one SCOPE: processing\n"
	        "(keeping her file at all), statistics (counting her in published figures),\n"
	        "contact, or share:PARTY (handing her file to PARTY, one word).  The latest word\n"
	        "per scope is what counts, and every word is kept.  --method says how she gave it\n"
	        "(\"in person, in Korean\", \"by telephone, recorded\"); --witness who witnessed it.\n"
	        "Both are sealed with her key.  Needs a caseworker.\n");
}

struct consent_arg {
	const char *pseudonym, *scope, *method, *witness;
	int given;
};

static enum redress_err
do_consent(struct cli *cli, void *arg, struct redress_error *err)
{
	struct consent_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return registry_consent(cli->log, &cli->actor, &keys, a->pseudonym, a->scope, a->given, a->method,
	                        a->witness, err);
}

int
cmd_consent(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"scope", required_argument, NULL, 's'},
	    {"method", required_argument, NULL, 'm'},
	    {"witness", required_argument, NULL, 'w'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct consent_arg a = {NULL, NULL, NULL, NULL, 0};
	int c, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		consent_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "grant") == 0)
		a.given = 1;
	else if (strcmp(argv[1], "withdraw") != 0)
		return cli_usage_error("consent", "'%s' is not grant or withdraw", argv[1]);
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's': a.scope = optarg; break;
		case 'm': a.method = optarg; break;
		case 'w': a.witness = optarg; break;
		case 'h': consent_usage(stdout); return 0;
		default: return cli_bad_option("consent", argv);
		}
	}
	if (optind + 1 != argc || a.scope == NULL || a.method == NULL)
		return cli_usage_error("consent", "'%s' takes one PSEUDONYM, --scope and --method", argv[0]);
	a.pseudonym = argv[optind];
	if ((status = cli_run_change(cli, PERM_CONSENT_WRITE, do_consent, &a)) == 0)
		printf("%s: %s consent %s\n", a.pseudonym, a.scope, a.given ? "granted" : "withdrawn");
	return status;
}
