/*
 * cmd_contact.c -- `redress contact add|list`: every attempt to reach a
 * person, its channel and what came of it (domain/casework).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/casework/casework.h"

static void
contact_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress contact add PSEUDONYM --channel visit|phone|letter|sms|email\n"
	        "                          --outcome reached|no-answer|moved|refused|deceased [--note TEXT]\n"
	        "       redress contact list [PSEUDONYM] [--json]\n\n"
	        "Each attempt to reach a person is an event: how (--channel), what came of it\n"
	        "(--outcome) and --note, sealed with her key.  list shows the attempts, oldest\n"
	        "first, without the notes.\n\n"
	        "add needs a caseworker; list an account that reads persons.\n");
}

struct contact_arg {
	const char *pseudonym, *note;
	enum casework_channel channel;
	enum casework_outcome outcome;
	uint64_t contact;
};

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct contact_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return casework_contact_add(cli->log, &cli->actor, &keys, a->pseudonym, a->channel, a->outcome,
	                            a->note, &a->contact, err);
}

static enum redress_err
list_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	json_t *arr = ctx;

	if (arr != NULL) {
		if (json_array_append_new(arr, json_pack("{sIssssssssss}", "contact", (json_int_t)it->seq,
		                                         "pseudonym", it->pseudonym, "channel", it->kind,
		                                         "outcome", it->outcome, "by", it->actor, "at",
		                                         it->at)) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing contacts");
		return REDRESS_OK;
	}
	printf("%" PRIu64 "\t%s\t%s\t%s\t%s\t%s\n", it->seq, it->pseudonym, it->kind, it->outcome, it->actor,
	       it->at);
	return REDRESS_OK;
}

int
cmd_contact(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"channel", required_argument, NULL, 'c'}, {"outcome", required_argument, NULL, 'o'},
	    {"note", required_argument, NULL, 'n'},    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	struct contact_arg a;
	struct redress_error err;
	const char *sub;
	int c, json = 0, status, have_channel = 0, have_outcome = 0;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		contact_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0)
		return cli_usage_error("contact", "'%s' is not a contact command", sub);
	memset(&a, 0, sizeof(a));
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (casework_channel_parse(optarg, &a.channel, &err) != REDRESS_OK)
				return cli_usage_error("contact", "--channel: %s", err.message);
			have_channel = 1;
			break;
		case 'o':
			if (casework_outcome_parse(optarg, &a.outcome, &err) != REDRESS_OK)
				return cli_usage_error("contact", "--outcome: %s", err.message);
			have_outcome = 1;
			break;
		case 'n': a.note = optarg; break;
		case 'j': json = 1; break;
		case 'h': contact_usage(stdout); return 0;
		default: return cli_bad_option("contact", argv);
		}
	}
	if (strcmp(sub, "add") == 0) {
		if (optind + 1 != argc || !have_channel || !have_outcome)
			return cli_usage_error("contact",
			                       "'add' takes one PSEUDONYM, --channel and --outcome");
		a.pseudonym = argv[optind];
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_add, &a)) == 0)
			printf("%" PRIu64 "\n", a.contact);
		return status;
	}
	if (optind + 1 < argc)
		return cli_usage_error("contact", "'list' takes at most one PSEUDONYM");
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	{
		json_t *arr = json ? json_array() : NULL;

		if (casework_contacts_each(tlog_store(cli->log), optind < argc ? argv[optind] : NULL,
		                           list_one, arr, &err) != REDRESS_OK) {
			json_decref(arr);
			return cli_fail(&err);
		}
		if (arr != NULL)
			cli_print_json(arr);
	}
	return 0;
}
