/*
 * cmd_outreach.c -- `redress outreach list --program CODE`: the fund's
 * daily work list of the people it owes and has not reached, most frail
 * and oldest first, with their last contact attempt (domain/casework).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/casework/casework.h"

static void
outreach_usage(FILE *f)
{
	fprintf(f, "usage: redress outreach list --program CODE [--limit N] [--json]\n\n"
	           "The people the program's rules make eligible and the fund has not reached:\n"
	           "living victims when it pays a survivor; living heirs of a victim who has died,\n"
	           "when it pays the bereaved (she died by its cutoff) or passes her own to her heirs\n"
	           "(she died after it, and its schedule does not stop at death); none its\n"
	           "exclusions leave out -- without a contact attempt that reached\n"
	           "them (or found they refused, or had died) and without a declined wish.  Most\n"
	           "frail and oldest first, each with the last attempt (channel, outcome, when) and\n"
	           "how many there were; at most --limit (1000 unless given).  Record each attempt\n"
	           "with 'redress contact add'.\n\n"
	           "Needs an account that reads persons.\n");
}

/* What a list's row needs: the array (NULL: text) and who asks. */
struct list_ctx {
	struct cli *cli;
	json_t *arr;
};

static enum redress_err
list_one(void *ctx, const struct casework_outreach *o, struct redress_error *err)
{
	struct list_ctx *l = ctx;
	json_t *arr = l->arr;
	int sees;

	/* Only the people the account's office sees (domain/offices). */
	if ((sees = cli_sees(l->cli, o->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (arr != NULL)
		return json_array_append_new(
		           arr, json_pack("{sssssisisosososI}", "pseudonym", o->pseudonym, "kind", o->kind,
		                          "birth_year", o->birth_year, "frailty", o->frailty, "last_channel",
		                          o->channel[0] != '\0' ? json_string(o->channel) : json_null(),
		                          "last_outcome",
		                          o->outcome[0] != '\0' ? json_string(o->outcome) : json_null(),
		                          "last_at", o->at[0] != '\0' ? json_string(o->at) : json_null(),
		                          "attempts", (json_int_t)o->attempts)) == 0
		           ? REDRESS_OK
		           : error_set(err, REDRESS_E_NOMEM, "out of memory listing the outreach");
	printf("%s\t%s\tborn %d\tfrailty %d\t%" PRIu64 " attempts\t%s\n", o->pseudonym, o->kind,
	       o->birth_year, o->frailty, o->attempts, o->at[0] != '\0' ? o->outcome : "never tried");
	return REDRESS_OK;
}

int
cmd_outreach(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"program", required_argument, NULL, 'p'},
	    {"limit", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct redress_error err;
	const char *program = NULL;
	uint64_t limit = 1000;
	json_t *arr = NULL;
	struct list_ctx l;
	int c;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		outreach_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "list") != 0)
		return cli_usage_error("outreach", "'%s' is not an outreach command", argv[1]);
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': program = optarg; break;
		case 'l':
			if ((limit = cli_number(optarg)) == 0 || limit > 1000000)
				return cli_usage_error("outreach", "--limit is a number from 1 to 1000000");
			break;
		case 'j': arr = json_array(); break;
		case 'h': outreach_usage(stdout); return 0;
		default: return cli_bad_option("outreach", argv);
		}
	}
	if (optind != argc || program == NULL) {
		json_decref(arr);
		return cli_usage_error("outreach", "'list' needs --program CODE and no argument");
	}
	l.cli = cli;
	l.arr = arr;
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK ||
	    casework_outreach_each(tlog_store(cli->log), program, limit, list_one, &l, &err) != REDRESS_OK) {
		json_decref(arr);
		return cli_fail(&err);
	}
	if (arr != NULL)
		cli_print_json(arr);
	return 0;
}
