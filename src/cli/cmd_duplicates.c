/*
 * cmd_duplicates.c -- `redress duplicates list` and `duplicates resolve`:
 * persons suspected to be one (the same whole name and birth year, found
 * by keyed hashes: domain/registry/registry_dups.c), and what staff decide
 * of each pair (domain/dups).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/claims/claims.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: redress duplicates list [--json]\n"
	           "       redress duplicates resolve PAIR --same|--distinct --reason TEXT [--json]\n\n"
	           "list     the suspected pairs not yet decided, each as PAIR (V-000001,V-000002: the one\n"
	           "         registered first, then the other), why (name+birth_year, or\n"
	           "         name+birth_year+region) and a merge waiting for a second staff member.\n"
	           "resolve  --distinct: they are two people; the pair is no longer listed.\n"
	           "         --same: one person registered twice.  The first staff member proposes the\n"
	           "         merge; another approves it by running the same command: the later-registered\n"
	           "         person is then merged into the earlier, her file says so, and no new claim\n"
	           "         is opened for her; the entitlement run books nothing for her claims (it\n"
	           "         reports them unresolved: decide them on the earlier person's file).  What\n"
	           "         was booked for her before is listed, for staff to follow up.\n"
	           "         --reason (required) is recorded, sealed.\n\n"
	           "list needs an account that reads persons; resolve a caseworker.\n");
}

struct list_out {
	json_t *json;
};

static enum redress_err
list_one(void *ctx, const struct dups_pair *p, struct redress_error *err)
{
	struct list_out *out = ctx;
	char name[DUPS_PAIR_MAX + 1];

	dups_pair_name(&p->pair, name, sizeof(name));
	if (out->json != NULL) {
		json_t *o = json_pack("{sssssssssIss}", "pair", name, "a", p->pair.a, "b", p->pair.b, "basis",
		                      registry_dup_basis_name(p->pair.basis), "proposal",
		                      (json_int_t)p->proposal, "proposed_by", p->proposer);

		if (o == NULL || json_array_append_new(out->json, o) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing duplicates");
		return REDRESS_OK;
	}
	if (p->proposal != 0)
		printf("%s\t%s\tmerge %" PRIu64 " proposed by %s, waiting for a second staff member\n", name,
		       registry_dup_basis_name(p->pair.basis), p->proposal, p->proposer);
	else
		printf("%s\t%s\n", name, registry_dup_basis_name(p->pair.basis));
	return REDRESS_OK;
}

static int
dups_list_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct list_out out = {NULL};
	struct redress_error err;
	size_t total = 0;
	int c, json = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: return cli_bad_option("duplicates", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("duplicates", "'list' takes no argument '%s'", argv[optind]);
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json && (out.json = json_array()) == NULL)
		return cli_fail(&(struct redress_error){REDRESS_E_NOMEM, "out of memory"});
	if (dups_list(tlog_store(cli->log), &cli->actor, list_one, &out, &total, &err) != REDRESS_OK) {
		json_decref(out.json);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(out.json);
	else if (total == 0)
		printf("no suspected duplicates\n");
	return 0;
}

static enum redress_err
holding_one(void *ctx, const struct claim *c, struct redress_error *err)
{
	const char *into = ctx;

	(void)err;
	printf("  %s holds claim %s (%s, %s): it stays hers, and books nothing from now on; any new"
	       " claim is opened for %s\n",
	       c->victim, c->id, c->program, claim_state_name(c->state), into);
	return REDRESS_OK;
}

/*
 * What the person merged away holds: her claims, which stay on her file,
 * and what was booked for her before the merge (README, "Suspected
 * duplicates", says what staff do of it), for staff to follow up.
 */
static int
print_holdings(struct cli *cli, const char *merged, const char *into)
{
	struct entitlement *items = NULL;
	struct redress_error err;
	size_t n = 0, i;

	if (claim_each_of_victim(tlog_store(cli->log), merged, holding_one, (void *)into, &err) !=
	        REDRESS_OK ||
	    entitlements_of_person(tlog_store(cli->log), merged, &items, &n, &err) != REDRESS_OK) {
		free(items);
		return cli_fail(&err);
	}
	for (i = 0; i < n; i++)
		printf("  %s was booked entitlement %s (claim %s, %s) before the merge: check it against %s's"
		       " file\n",
		       merged, items[i].id, items[i].claim, entitlement_state_name(items[i].state), into);
	free(items);
	return 0;
}

struct resolve_arg {
	const char *pair, *reason;
	int same;
	struct registry_dup_pair done;
	enum dups_outcome outcome;
	uint64_t seq;
};

static enum redress_err
do_resolve(struct cli *cli, void *arg, struct redress_error *err)
{
	struct resolve_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return dups_resolve(cli->log, &cli->actor, &keys, a->pair, a->same, a->reason, &a->done, &a->outcome,
	                    &a->seq, err);
}

static int
dups_resolve_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"same", no_argument, NULL, 's'},         {"distinct", no_argument, NULL, 'd'},
	    {"reason", required_argument, NULL, 'r'}, {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	struct resolve_arg a;
	char name[DUPS_PAIR_MAX + 1];
	int c, status, json = 0, same = 0, distinct = 0;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's': same = 1; break;
		case 'd': distinct = 1; break;
		case 'r': a.reason = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: return cli_bad_option("duplicates", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("duplicates",
		                       "'resolve' takes one PAIR, as 'duplicates list' prints it");
	if (same == distinct)
		return cli_usage_error("duplicates", "'resolve' needs one of --same and --distinct");
	if (a.reason == NULL)
		return cli_usage_error("duplicates", "'resolve' needs --reason: why, recorded sealed");
	a.pair = argv[optind];
	a.same = same;
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_resolve, &a)) != 0)
		return status;
	dups_pair_name(&a.done, name, sizeof(name));
	if (json) {
		cli_print_json(json_pack("{sssssssI}", "pair", name, "outcome", dups_outcome_name(a.outcome),
		                         "merged_into", a.outcome == DUPS_MERGED ? a.done.a : "", "event",
		                         (json_int_t)a.seq));
		return 0;
	}
	switch (a.outcome) {
	case DUPS_DISTINCT: printf("%s: recorded as two people (event %" PRIu64 ")\n", name, a.seq); break;
	case DUPS_PROPOSED:
		printf("%s: merge %" PRIu64 " proposed; it takes effect when another staff member runs"
		       " 'redress duplicates resolve %s --same'\n",
		       name, a.seq, name);
		break;
	case DUPS_MERGED:
		printf("%s: %s merged into %s (event %" PRIu64 ")\n", name, a.done.b, a.done.a, a.seq);
		return print_holdings(cli, a.done.b, a.done.a);
	}
	return 0;
}

enum redress_err
cli_merged_json(struct store *store, const char *pseudonym, json_t *file, struct redress_error *err)
{
	char into[REGISTRY_PSEUDONYM_MAX + 1];
	uint64_t seq;
	enum redress_err rc;

	if ((rc = dups_merged_into(store, pseudonym, into, &seq, err)) != REDRESS_OK || into[0] == '\0')
		return rc;
	if (json_object_set_new(file, "merged_into", json_string(into)) != 0 ||
	    json_object_set_new(file, "merged_event", json_integer((json_int_t)seq)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory showing %s", pseudonym);
	return REDRESS_OK;
}

int
cmd_duplicates(struct cli *cli, int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "list") == 0)
		return dups_list_cmd(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "resolve") == 0)
		return dups_resolve_cmd(cli, argc - 1, argv + 1);
	return cli_usage_error("duplicates", "unknown subcommand '%s': list or resolve", argv[1]);
}
