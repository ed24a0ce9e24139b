/*
 * cmd_person_change.c -- correcting a person's file: `redress person
 * update`, `person approve-change`, `person reject-change` and `person
 * changes` (domain/registry/registry_change.c).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

void
cli_person_change_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress person update PSEUDONYM --reason TEXT [--phone TEXT] [--address TEXT]\n"
	        "                             [--region CODE] [--language ko|ja|en] [--frailty 0-3]\n"
	        "                             [--name TEXT] [--birth-date YYYY-MM-DD] [--national-id TEXT]\n"
	        "       redress person approve-change CHANGE\n"
	        "       redress person reject-change CHANGE\n"
	        "       redress person changes [--all] [--json]\n\n"
	        "update  corrects her file.  Phone, address, region, language and frailty change at\n"
	        "        once (the payment queue follows a changed frailty at once).  Name, birth\n"
	        "        date and national id are who she is: a change to any of them is proposed,\n"
	        "        printed as its number, and takes effect only when another staff member\n"
	        "        approves it.  The event keeps the file before and after, sealed under her\n"
	        "        key, and --reason (required), sealed.  A value given as \"\" clears an\n"
	        "        optional field.\n"
	        "approve-change  applies a proposed change; never by the account that proposed it.\n"
	        "reject-change   ends a proposed change without applying it.\n"
	        "changes         the changes waiting for approval (--all: every change proposed).\n\n"
	        "All need a caseworker.\n");
}

static int
parse_change(const char *text, uint64_t *change_r)
{
	char *end;
	unsigned long long v;

	if (text[0] < '0' || text[0] > '9')
		return 0;
	v = strtoull(text, &end, 10);
	if (*end != '\0' || v == 0 || v > INT64_MAX)
		return 0;
	*change_r = v;
	return 1;
}

struct update_arg {
	const char *pseudonym, *reason;
	struct registry_update u;
	uint64_t change;
};

static enum redress_err
do_update(struct cli *cli, void *arg, struct redress_error *err)
{
	struct update_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return registry_update(cli->log, &cli->actor, &keys, a->pseudonym, &a->u, a->reason, &a->change, err);
}

static int
person_update(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"reason", required_argument, NULL, 'r'},
	    {"phone", required_argument, NULL, 'p'},
	    {"address", required_argument, NULL, 'a'},
	    {"region", required_argument, NULL, 'g'},
	    {"language", required_argument, NULL, 'l'},
	    {"frailty", required_argument, NULL, 'f'},
	    {"name", required_argument, NULL, 'n'},
	    {"birth-date", required_argument, NULL, 'b'},
	    {"national-id", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct update_arg a;
	int c, status;

	memset(&a, 0, sizeof(a));
	a.u.frailty = -1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r': a.reason = optarg; break;
		case 'p': a.u.phone = optarg; break;
		case 'a': a.u.address = optarg; break;
		case 'g': a.u.region = optarg; break;
		case 'l': a.u.language = optarg; break;
		case 'n': a.u.name = optarg; break;
		case 'b': a.u.birth_date = optarg; break;
		case 'i': a.u.national_id = optarg; break;
		case 'f':
			if (optarg[0] < '0' || optarg[0] > '3' || optarg[1] != '\0')
				return cli_usage_error("person", "--frailty is 0, 1, 2 or 3");
			a.u.frailty = optarg[0] - '0';
			break;
		case 'h': cli_person_change_usage(stdout); return 0;
		default: return cli_bad_option("person", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("person", "'update' takes one PSEUDONYM and the fields to change");
	if (a.reason == NULL)
		return cli_usage_error("person", "'update' needs --reason: why the file was wrong");
	a.pseudonym = argv[optind];
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_update, &a)) != 0)
		return status;
	if (a.change != 0)
		printf("%s: change %" PRIu64 " proposed; it takes effect when another staff member runs"
		       " 'redress person approve-change %" PRIu64 "'\n",
		       a.pseudonym, a.change, a.change);
	else
		printf("%s: updated\n", a.pseudonym);
	return 0;
}

struct decide_arg {
	uint64_t change;
	int approve;
};

static enum redress_err
do_decide(struct cli *cli, void *arg, struct redress_error *err)
{
	struct decide_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return registry_change_decide(cli->log, &cli->actor, &keys, a->change, a->approve, err);
}

static int
person_decide(struct cli *cli, int argc, char **argv, int approve)
{
	struct decide_arg a = {0, approve};
	int status;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		cli_person_change_usage(stdout);
		return 0;
	}
	if (argc != 2 || !parse_change(argv[1], &a.change))
		return cli_usage_error("person", "'%s' takes one CHANGE, the number 'person update' printed",
		                       argv[0]);
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_decide, &a)) == 0)
		printf("change %" PRIu64 ": %s\n", a.change, approve ? "approved and applied" : "rejected");
	return status;
}

struct changes_out {
	json_t *json;
	struct cli *cli; /* who asks: only the changes of people its office sees (domain/offices) */
};

static enum redress_err
change_one(void *ctx, const struct registry_change *ch, struct redress_error *err)
{
	struct changes_out *out = ctx;
	int sees;

	if ((sees = cli_sees(out->cli, ch->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (out->json != NULL) {
		json_t *o = json_pack("{sIssssssssssss}", "change", (json_int_t)ch->seq, "pseudonym",
		                      ch->pseudonym, "fields", ch->fields, "proposed_by", ch->actor, "at",
		                      ch->at, "decision", ch->decision[0] != '\0' ? ch->decision : "pending",
		                      "decided_by", ch->decided_by);

		if (o == NULL || json_array_append_new(out->json, o) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing changes");
		return REDRESS_OK;
	}
	printf("%" PRIu64 "\t%s\t%s\t%s\t%s\t%s\n", ch->seq, ch->pseudonym, ch->fields, ch->actor, ch->at,
	       ch->decision[0] != '\0' ? ch->decision : "pending");
	return REDRESS_OK;
}

static int
person_changes(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"all", no_argument, NULL, 'a'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct changes_out out = {NULL, cli};
	struct redress_error err;
	int c, all = 0, json = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'j': json = 1; break;
		case 'h': cli_person_change_usage(stdout); return 0;
		default: return cli_bad_option("person", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("person", "'changes' takes no argument '%s'", argv[optind]);
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_WRITE, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json && (out.json = json_array()) == NULL)
		return cli_fail(&(struct redress_error){REDRESS_E_NOMEM, "out of memory"});
	if (registry_changes_each(tlog_store(cli->log), !all, change_one, &out, &err) != REDRESS_OK) {
		json_decref(out.json);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(out.json);
	return 0;
}

int
cmd_person_change(struct cli *cli, int argc, char **argv)
{
	if (strcmp(argv[0], "update") == 0)
		return person_update(cli, argc, argv);
	if (strcmp(argv[0], "approve-change") == 0)
		return person_decide(cli, argc, argv, 1);
	if (strcmp(argv[0], "reject-change") == 0)
		return person_decide(cli, argc, argv, 0);
	return person_changes(cli, argc, argv);
}
