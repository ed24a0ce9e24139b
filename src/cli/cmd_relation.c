/*
 * cmd_relation.c -- `redress relation add`: who inherits from a victim,
 * and by what share.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static void
relation_usage(FILE *f)
{
	fprintf(f, "usage: redress relation add VICTIM RELATIVE --relation WORD --share P/Q\n\n"
	           "Records that RELATIVE (R-...) is an heir of VICTIM (V-...) with the share P/Q,\n"
	           "an exact fraction (0 < P <= Q <= 1000000, kept reduced): 1/2, 1/3, 2/5.  The\n"
	           "shares of one victim's heirs may not add up to more than 1.  --relation is one\n"
	           "word of letters, digits, '-' and '_' (daughter, son, grandchild, spouse), never a\n"
	           "name: it is kept in clear.  Needs a caseworker.\n");
}

struct relation_arg {
	const char *victim, *relative, *relation;
	int64_t num, den;
};

static enum redress_err
do_relation(struct cli *cli, void *arg, struct redress_error *err)
{
	struct relation_arg *r = arg;

	return registry_relation_add(cli->log, &cli->actor, r->victim, r->relative, r->relation, r->num,
	                             r->den, err);
}

int
cmd_relation(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"relation", required_argument, NULL, 'r'},
	    {"share", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct relation_arg r = {NULL, NULL, NULL, 0, 0};
	struct redress_error err;
	const char *share = NULL;
	int c, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		relation_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "add") != 0)
		return cli_usage_error("relation", "'%s' is not a relation command", argv[1]);
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r': r.relation = optarg; break;
		case 's': share = optarg; break;
		case 'h': relation_usage(stdout); return 0;
		default: return cli_bad_option("relation", argv);
		}
	}
	if (optind + 2 != argc || r.relation == NULL || share == NULL)
		return cli_usage_error("relation", "'add' takes VICTIM RELATIVE --relation WORD --share P/Q");
	if (registry_share_parse(share, &r.num, &r.den, &err) != REDRESS_OK)
		return cli_fail(&err);
	r.victim = argv[optind];
	r.relative = argv[optind + 1];
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_relation, &r)) == 0)
		printf("%s is an heir of %s (%s, %lld/%lld)\n", r.relative, r.victim, r.relation,
		       (long long)r.num, (long long)r.den);
	return status;
}
