/*
 * cmd_office.c -- `redress office add|list|assign|transfer|of`: a national
 * program's offices, the regions each covers, the staff of each, and
 * moving a person from one office to another (domain/offices).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/offices/offices.h"

static void
office_usage(FILE *f)
{
	fprintf(f, "usage: redress office add CODE --name TEXT --regions R1,R2,...\n"
	           "       redress office list [--json]\n"
	           "       redress office assign USER CODE|--none\n"
	           "       redress office transfer PSEUDONYM --to CODE --reason TEXT\n"
	           "       redress office of PSEUDONYM\n\n"
	           "Offices and whom their staff see.  A caseworker or reviewer of an office sees and\n"
	           "acts on the people of its regions only (and on people no office covers); every\n"
	           "other role, and an account in no office, sees across.  A person's office is the\n"
	           "one she was last transferred to, else the one covering her region.\n\n"
	           "add, list and assign need an admin; transfer a caseworker who sees her (the reason\n"
	           "is sealed with her key); of anyone who may read her file.\n");
}

struct office_arg {
	const char *code, *name, *regions, *user, *pseudonym, *reason;
};

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct office_arg *a = arg;

	return offices_add(cli->log, &cli->actor, a->code, a->name, a->regions, err);
}

static enum redress_err
do_assign(struct cli *cli, void *arg, struct redress_error *err)
{
	struct office_arg *a = arg;

	return offices_staff_set(cli->log, &cli->actor, a->user, a->code, err);
}

static enum redress_err
do_transfer(struct cli *cli, void *arg, struct redress_error *err)
{
	struct office_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return offices_transfer(cli->log, &cli->actor, &keys, a->pseudonym, a->code, a->reason, err);
}

static enum redress_err
list_one(void *ctx, const struct offices_office *o, struct redress_error *err)
{
	json_t *json = ctx;

	if (json == NULL) {
		printf("%s\t%s\t%s\t%llu staff\n", o->code, o->name, o->regions,
		       (unsigned long long)o->staff);
		return REDRESS_OK;
	}
	if (json_array_append_new(json, json_pack("{sssssssI}", "code", o->code, "name", o->name, "regions",
	                                          o->regions, "staff", (json_int_t)o->staff)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory listing offices");
	return REDRESS_OK;
}

static int
list(struct cli *cli, int json)
{
	struct redress_error err;
	json_t *out = NULL;

	if (cli_open_as(cli, CLI_READ, PERM_USERS_MANAGE, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json && (out = json_array()) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory listing offices");
		return cli_fail(&err);
	}
	if (offices_each(tlog_store(cli->log), list_one, out, &err) != REDRESS_OK) {
		json_decref(out);
		return cli_fail(&err);
	}
	if (out != NULL)
		cli_print_json(out);
	return 0;
}

/* `office of PSEUDONYM`: her office, or "-" for none; another office's person is not found (13). */
static int
of(struct cli *cli, const char *pseudonym)
{
	char office[OFFICES_CODE_MAX + 1];
	struct registry_person p;
	struct redress_error err;
	struct store *store;

	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	store = tlog_store(cli->log);
	if (registry_get(store, pseudonym, &p, &err) != REDRESS_OK ||
	    offices_require(store, &cli->actor, pseudonym, &err) != REDRESS_OK ||
	    offices_person_office(store, pseudonym, office, &err) != REDRESS_OK)
		return cli_fail(&err);
	printf("%s\n", office[0] != '\0' ? office : "-");
	return 0;
}

int
cmd_office(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"name", required_argument, NULL, 'n'}, {"regions", required_argument, NULL, 'r'},
	    {"to", required_argument, NULL, 't'},   {"reason", required_argument, NULL, 'R'},
	    {"none", no_argument, NULL, 'N'},       {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	struct office_arg a;
	const char *sub;
	int c, json = 0, none = 0, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		office_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "assign") != 0 &&
	    strcmp(sub, "transfer") != 0 && strcmp(sub, "of") != 0)
		return cli_usage_error("office", "'%s' is not an office command", sub);
	memset(&a, 0, sizeof(a));
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'n': a.name = optarg; break;
		case 'r': a.regions = optarg; break;
		case 't': a.code = optarg; break;
		case 'R': a.reason = optarg; break;
		case 'N': none = 1; break;
		case 'j': json = 1; break;
		case 'h': office_usage(stdout); return 0;
		default: return cli_bad_option("office", argv);
		}
	}
	if (strcmp(sub, "add") == 0) {
		if (optind + 1 != argc || a.name == NULL || a.regions == NULL || a.code != NULL)
			return cli_usage_error("office", "'add' takes one CODE, --name and --regions");
		a.code = argv[optind];
		if ((status = cli_run_change(cli, PERM_USERS_MANAGE, do_add, &a)) == 0)
			printf("office %s\n", a.code);
		return status;
	}
	if (strcmp(sub, "assign") == 0) {
		if (optind + 2 - none != argc || a.code != NULL)
			return cli_usage_error("office",
			                       "'assign' takes a USER and an office's CODE, or --none");
		a.user = argv[optind];
		a.code = none ? NULL : argv[optind + 1];
		if ((status = cli_run_change(cli, PERM_USERS_MANAGE, do_assign, &a)) == 0)
			printf("%s: %s\n", a.user, a.code != NULL ? a.code : "in no office (sees across)");
		return status;
	}
	if (strcmp(sub, "transfer") == 0) {
		if (optind + 1 != argc || a.code == NULL || a.reason == NULL)
			return cli_usage_error("office", "'transfer' takes one PSEUDONYM, --to and --reason");
		a.pseudonym = argv[optind];
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_transfer, &a)) == 0)
			printf("%s: office %s\n", a.pseudonym, a.code);
		return status;
	}
	if (strcmp(sub, "of") == 0) {
		if (optind + 1 != argc)
			return cli_usage_error("office", "'of' takes one PSEUDONYM");
		return of(cli, argv[optind]);
	}
	if (optind != argc)
		return cli_usage_error("office", "'list' takes no argument '%s'", argv[optind]);
	return list(cli, json);
}
