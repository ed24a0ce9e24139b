/*
 * cmd_pledge.c -- `redress pledge add|receive|list`: what donors promise a
 * program, on what conditions, and what the fund has received of it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/pledges/pledges.h"

static void
pledge_usage(FILE *f)
{
	fprintf(f, "usage: redress pledge add --program CODE --donor TEXT --amount N --currency CUR\n"
	           "                          [--condition TEXT]\n"
	           "       redress pledge receive ID --amount N [--to-amount M]\n"
	           "       redress pledge list [--program CODE] [--json]\n\n"
	           "add records what a donor promises a program, in the donor's currency, with the\n"
	           "conditions attached to it, and books it as a receivable (contributions:CUR to\n"
	           "pledges:CUR); it prints the pledge's id.  receive books what the bank received\n"
	           "against a pledge into the program's fund: --amount in the pledge's currency and,\n"
	           "when the program's currency is another, --to-amount, what the bank booked into\n"
	           "the fund, converted through the ledger's exchange (no rate is computed).  A\n"
	           "receipt never exceeds what remains of the pledge.  add and receive need a finance\n"
	           "account; list (the fund's public record) an account that may read balances.\n");
}

struct pledge_arg {
	const char *program, *donor, *amount, *currency, *condition, *to_amount, *id;
	char new_id[PLEDGE_ID_MAX + 1];
	struct pledge_receipt receipt;
};

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct pledge_arg *a = arg;

	return pledge_add(cli->log, &cli->actor, a->program, a->donor, a->amount, a->currency, a->condition,
	                  a->new_id, err);
}

static enum redress_err
do_receive(struct cli *cli, void *arg, struct redress_error *err)
{
	struct pledge_arg *a = arg;

	return pledge_receive(cli->log, &cli->actor, a->id, a->amount, a->to_amount, &a->receipt, err);
}

struct list_out {
	json_t *json;
	unsigned long long n;
};

static enum redress_err
list_one(void *ctx, const struct pledge *p, struct redress_error *err)
{
	struct list_out *out = ctx;
	const struct currency *cur = currency_find(p->currency, NULL);
	char amount[MONEY_TEXT_SIZE], received[MONEY_TEXT_SIZE];

	(void)err;
	out->n++;
	money_format(p->amount, cur, amount, sizeof(amount));
	money_format(p->received, cur, received, sizeof(received));
	if (out->json != NULL) {
		json_array_append_new(out->json, pledge_json(p));
		return REDRESS_OK;
	}
	printf("%-9s %-16s %18s %s received %18s  %s%s%s\n", p->id, p->program, amount, p->currency, received,
	       p->donor, p->condition[0] != '\0' ? "; condition: " : "", p->condition);
	return REDRESS_OK;
}

int
cmd_pledge(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"program", required_argument, NULL, 'p'},
	    {"donor", required_argument, NULL, 'd'},
	    {"amount", required_argument, NULL, 'a'},
	    {"currency", required_argument, NULL, 'c'},
	    {"condition", required_argument, NULL, 'C'},
	    {"to-amount", required_argument, NULL, 't'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct pledge_arg a;
	struct redress_error err;
	const char *sub;
	int c, json = 0, status;

	memset(&a, 0, sizeof(a));
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		pledge_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "receive") != 0 && strcmp(sub, "list") != 0)
		return cli_usage_error("pledge", "'%s' is not a pledge command", sub);
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': a.program = optarg; break;
		case 'd': a.donor = optarg; break;
		case 'a': a.amount = optarg; break;
		case 'c': a.currency = optarg; break;
		case 'C': a.condition = optarg; break;
		case 't': a.to_amount = optarg; break;
		case 'j': json = 1; break;
		case 'h': pledge_usage(stdout); return 0;
		default: return cli_bad_option("pledge", argv);
		}
	}
	if (strcmp(sub, "add") == 0) {
		if (optind != argc)
			return cli_usage_error("pledge", "unexpected argument '%s'", argv[optind]);
		if (a.program == NULL || a.donor == NULL || a.amount == NULL || a.currency == NULL)
			return cli_usage_error("pledge",
			                       "'add' needs --program, --donor, --amount and --currency");
		if (a.to_amount != NULL || json)
			return cli_usage_error("pledge", "'add' takes no --to-amount or --json");
		if ((status = cli_run_change(cli, PERM_LEDGER_WRITE, do_add, &a)) == 0)
			printf("%s\n", a.new_id);
		return status;
	}
	if (strcmp(sub, "receive") == 0) {
		if (optind + 1 != argc)
			return cli_usage_error("pledge", "'receive' takes one pledge ID");
		if (a.amount == NULL)
			return cli_usage_error("pledge", "'receive' needs --amount");
		if (a.program != NULL || a.donor != NULL || a.currency != NULL || a.condition != NULL || json)
			return cli_usage_error("pledge", "'receive' takes only --amount and --to-amount");
		a.id = argv[optind];
		if ((status = cli_run_change(cli, PERM_LEDGER_WRITE, do_receive, &a)) == 0) {
			const struct currency *cur = currency_find(a.receipt.currency, NULL),
			                      *to = currency_find(a.receipt.to_currency, NULL);
			char amount[MONEY_TEXT_SIZE], to_amount[MONEY_TEXT_SIZE];

			money_format(a.receipt.amount, cur, amount, sizeof(amount));
			money_format(a.receipt.to_amount, to, to_amount, sizeof(to_amount));
			printf("%s: received %s %s into the fund as %s %s\n", a.receipt.id, amount,
			       a.receipt.currency, to_amount, a.receipt.to_currency);
		}
		return status;
	}
	/* list */
	{
		struct list_out out = {NULL, 0};

		if (optind != argc)
			return cli_usage_error("pledge", "unexpected argument '%s'", argv[optind]);
		if (a.donor != NULL || a.amount != NULL || a.currency != NULL || a.condition != NULL ||
		    a.to_amount != NULL)
			return cli_usage_error("pledge", "'list' takes only --program and --json");
		if (cli_open_as(cli, CLI_READ, PERM_BALANCES_READ, &err) != REDRESS_OK)
			return cli_fail(&err);
		if (json)
			out.json = json_array();
		if (pledge_each(tlog_store(cli->log), a.program, list_one, &out, &err) != REDRESS_OK) {
			json_decref(out.json);
			return cli_fail(&err);
		}
		if (json)
			cli_print_json(out.json);
		else if (out.n == 0)
			printf("no pledges\n");
		return 0;
	}
}
