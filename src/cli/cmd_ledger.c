/*
 * cmd_ledger.c -- `redress ledger ...`: the fund's accounts and transfers.
 * Each change is one log change: begin, the ledger command, commit.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/ledger/ledger.h"

static void
ledger_usage(FILE *f)
{
	fprintf(f, "usage: redress ledger account add CODE --currency CUR [--kind KIND] [--no-overdraft] "
	           "[--name TEXT]\n"
	           "       redress ledger transfer --id ID --from CODE --to CODE --amount N [--pending] "
	           "[--ref TEXT]\n"
	           "       redress ledger post ID\n"
	           "       redress ledger void ID\n"
	           "       redress ledger exchange --id ID --from CODE --amount N --to CODE --to-amount M "
	           "[--ref TEXT]\n"
	           "       redress ledger balance [CODE] [--json]\n"
	           "       redress ledger history CODE [--json]\n\n"
	           "Amounts are decimal text in the account's currency, with no more decimals than it\n"
	           "has (KRW and JPY none, USD and EUR two): 100000000, 1250.50.\n"
	           "A transfer moves money from --from (credited) to --to (debited); both accounts hold\n"
	           "the same currency.  KIND is asset (default), liability, equity, income or expense.\n"
	           "--no-overdraft refuses any transfer that would take the balance below zero.\n"
	           "The transfer id is its idempotency key: the same id and fields again changes nothing;\n"
	           "the same id with other fields is refused.  --pending holds the amount until\n"
	           "'ledger post ID' settles it or 'ledger void ID' cancels it.\n"
	           "'exchange' books a conversion as two linked transfers (ID/out and ID/in) through the\n"
	           "accounts exchange:CUR, with both amounts as the bank booked them.\n"
	           "Once the fund has staff accounts, each command runs as one (redress --as USER\n"
	           "ledger ...): changes and 'history' need the finance role; 'balance' finance,\n"
	           "admin or monitor.\n");
}

/* Runs one change as an account that may change the ledger; what fn prints shows once it committed. */
static int
run_change(struct cli *cli, enum redress_err (*fn)(struct cli *cli, void *arg, struct redress_error *err),
           void *arg)
{
	return cli_run_change(cli, PERM_LEDGER_WRITE, fn, arg);
}

static void
print_amount(const char *prefix, int64_t minor, const char *currency, const char *suffix)
{
	const struct currency *cur = currency_find(currency, NULL);
	char text[MONEY_TEXT_SIZE];

	if (cur != NULL)
		money_format(minor, cur, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%lld", (long long)minor);
	printf("%s%s %s%s", prefix, text, currency, suffix);
}

static void
print_transfer(const struct ledger_transfer *t, int replayed)
{
	printf("transfer %s: ", t->id);
	print_amount("", t->amount, t->currency, "");
	printf(" from %s to %s, %s (event %llu)%s\n", t->credit, t->debit, ledger_state_name(t->state),
	       (unsigned long long)(t->resolved_seq >= 0 ? (uint64_t)t->resolved_seq : t->created_seq),
	       replayed ? " -- already booked; nothing changed" : "");
}

static enum redress_err
do_account_add(struct cli *cli, void *arg, struct redress_error *err)
{
	const struct ledger_account_spec *spec = arg;
	int existed = 0;
	enum redress_err rc;

	if ((rc = ledger_account_open(cli->log, spec, &existed, err)) != REDRESS_OK)
		return rc;
	printf("account %s (%s, %s%s)%s\n", spec->code, spec->currency, ledger_kind_name(spec->kind),
	       spec->no_overdraft ? ", no overdraft" : "",
	       existed ? " already exists; nothing changed" : " opened");
	return REDRESS_OK;
}

static int
ledger_account(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"currency", required_argument, NULL, 'c'}, {"kind", required_argument, NULL, 'k'},
	    {"no-overdraft", no_argument, NULL, 'n'},   {"name", required_argument, NULL, 'N'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	struct ledger_account_spec spec;
	struct redress_error err;
	int c;

	memset(&spec, 0, sizeof(spec));
	spec.kind = LEDGER_ASSET;
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		ledger_usage(stdout);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "add") != 0)
		return cli_usage_error("ledger", "'ledger account' takes 'add'");
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'c': spec.currency = optarg; break;
		case 'k':
			if (ledger_kind_parse(optarg, &spec.kind, &err) != REDRESS_OK)
				return cli_usage_error("ledger", "--kind: %s", err.message);
			break;
		case 'n': spec.no_overdraft = 1; break;
		case 'N': spec.name = optarg; break;
		case 'h': ledger_usage(stdout); return 0;
		default: return cli_bad_option("ledger", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("ledger", "'account add' takes exactly one CODE");
	if (spec.currency == NULL)
		return cli_usage_error("ledger", "'account add' needs --currency CUR");
	spec.code = argv[optind];
	return run_change(cli, do_account_add, &spec);
}

static enum redress_err
do_transfer(struct cli *cli, void *arg, struct redress_error *err)
{
	struct ledger_transfer t;
	int replayed = 0;
	enum redress_err rc;

	if ((rc = ledger_transfer_create(cli->log, arg, &t, &replayed, err)) != REDRESS_OK)
		return rc;
	print_transfer(&t, replayed);
	return REDRESS_OK;
}

static int
ledger_transfer(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"id", required_argument, NULL, 'i'}, {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'}, {"amount", required_argument, NULL, 'a'},
	    {"pending", no_argument, NULL, 'p'},  {"ref", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},     {NULL, 0, NULL, 0},
	};
	struct ledger_transfer_request req;
	int c;

	memset(&req, 0, sizeof(req));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'i': req.id = optarg; break;
		case 'f': req.from = optarg; break;
		case 't': req.to = optarg; break;
		case 'a': req.amount = optarg; break;
		case 'p': req.pending = 1; break;
		case 'r': req.ref = optarg; break;
		case 'h': ledger_usage(stdout); return 0;
		default: return cli_bad_option("ledger", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("ledger", "unexpected argument '%s'", argv[optind]);
	if (req.id == NULL || req.from == NULL || req.to == NULL || req.amount == NULL)
		return cli_usage_error("ledger", "'transfer' needs --id, --from, --to and --amount");
	return run_change(cli, do_transfer, &req);
}

struct resolve_arg {
	const char *id;
	int post;
};

static enum redress_err
do_resolve(struct cli *cli, void *arg, struct redress_error *err)
{
	const struct resolve_arg *r = arg;
	struct ledger_transfer t;
	enum redress_err rc;

	rc = r->post ? ledger_transfer_post(cli->log, r->id, &t, err)
	             : ledger_transfer_void(cli->log, r->id, &t, err);
	if (rc != REDRESS_OK)
		return rc;
	print_transfer(&t, 0);
	return REDRESS_OK;
}

static int
ledger_resolve(struct cli *cli, int argc, char **argv, int post)
{
	struct resolve_arg r;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		ledger_usage(stdout);
		return 0;
	}
	if (argc != 2)
		return cli_usage_error("ledger", "'%s' takes exactly one transfer ID", argv[0]);
	r.id = argv[1];
	r.post = post;
	return run_change(cli, do_resolve, &r);
}

static enum redress_err
do_exchange(struct cli *cli, void *arg, struct redress_error *err)
{
	struct ledger_transfer out, in;
	int replayed = 0;
	enum redress_err rc;

	if ((rc = ledger_exchange(cli->log, arg, &out, &in, &replayed, err)) != REDRESS_OK)
		return rc;
	print_transfer(&out, replayed);
	print_transfer(&in, replayed);
	return REDRESS_OK;
}

static int
ledger_exchange_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"id", required_argument, NULL, 'i'},
	    {"from", required_argument, NULL, 'f'},
	    {"amount", required_argument, NULL, 'a'},
	    {"to", required_argument, NULL, 't'},
	    {"to-amount", required_argument, NULL, 'A'},
	    {"ref", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct ledger_exchange_request req;
	int c;

	memset(&req, 0, sizeof(req));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'i': req.id = optarg; break;
		case 'f': req.from = optarg; break;
		case 'a': req.amount = optarg; break;
		case 't': req.to = optarg; break;
		case 'A': req.to_amount = optarg; break;
		case 'r': req.ref = optarg; break;
		case 'h': ledger_usage(stdout); return 0;
		default: return cli_bad_option("ledger", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("ledger", "unexpected argument '%s'", argv[optind]);
	if (req.id == NULL || req.from == NULL || req.to == NULL || req.amount == NULL ||
	    req.to_amount == NULL)
		return cli_usage_error("ledger",
		                       "'exchange' needs --id, --from, --amount, --to and --to-amount");
	return run_change(cli, do_exchange, &req);
}

/* Both the list and the one-account form print through here. */
struct balance_out {
	json_t *json; /* an array, or NULL for text */
};

static enum redress_err
balance_one(void *ctx, const struct ledger_account *a, struct redress_error *err)
{
	struct balance_out *out = ctx;
	int64_t posted, available;
	enum redress_err rc;

	if ((rc = ledger_balance(a, &posted, &available, err)) != REDRESS_OK)
		return rc;
	if (out->json != NULL) {
		json_t *row = ledger_account_json(a, err);

		if (row == NULL)
			return err->code;
		json_array_append_new(out->json, row);
		return REDRESS_OK;
	}
	printf("%-24s %-3s %-9s", a->code, a->currency, ledger_kind_name(a->kind));
	print_amount(" ", posted, a->currency, "");
	if (available != posted)
		print_amount("  (available ", available, a->currency, ")");
	printf("\n");
	return REDRESS_OK;
}

static int
parse_json_flag(int argc, char **argv, int *json, const char **arg, const char *cmd)
{
	int i;

	*json = 0;
	*arg = NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			*json = 1;
		else if (strcmp(argv[i], "--help") == 0)
			return -1;
		else if (argv[i][0] == '-')
			return cli_usage_error("ledger", "unknown option '%s' for '%s'", argv[i], cmd);
		else if (*arg == NULL)
			*arg = argv[i];
		else
			return cli_usage_error("ledger", "'%s' takes at most one account code", cmd);
	}
	return 0;
}

static int
ledger_balance_cmd(struct cli *cli, int argc, char **argv)
{
	struct balance_out out = {NULL};
	struct ledger_account a;
	struct redress_error err;
	const char *code;
	int json, status;

	if ((status = parse_json_flag(argc, argv, &json, &code, "balance")) != 0) {
		if (status < 0)
			ledger_usage(stdout);
		return status < 0 ? 0 : status;
	}
	if (cli_open_as(cli, CLI_READ, PERM_BALANCES_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json)
		out.json = json_array();
	if (code != NULL) {
		if (ledger_account_get(tlog_store(cli->log), code, &a, &err) != REDRESS_OK ||
		    balance_one(&out, &a, &err) != REDRESS_OK)
			goto fail;
	} else if (ledger_account_each(tlog_store(cli->log), balance_one, &out, &err) != REDRESS_OK) {
		goto fail;
	}
	if (json) {
		if (code != NULL) {
			json_t *one = json_incref(json_array_get(out.json, 0));

			json_decref(out.json);
			out.json = one;
		}
		cli_print_json(out.json);
	}
	return 0;
fail:
	json_decref(out.json);
	return cli_fail(&err);
}

struct history_out {
	const char *code;
	int debit_normal; /* the account grows with debits (asset, expense) */
	json_t *json;
};

static enum redress_err
history_one(void *ctx, const struct ledger_transfer *t, struct redress_error *err)
{
	struct history_out *out = ctx;
	int incoming = strcmp(t->debit, out->code) == 0;
	const char *other = incoming ? t->credit : t->debit;

	(void)err;
	if (out->json != NULL) {
		json_t *row = json_pack(
		    "{s:I, s:s, s:s, s:s, s:o, s:I, s:s, s:s}", "event", (json_int_t)t->created_seq, "id",
		    t->id, "direction", incoming ? "in" : "out", "counterparty", other, "amount",
		    ledger_amount_json(t->amount, t->currency), "amount_minor", (json_int_t)t->amount,
		    "currency", t->currency, "state", ledger_state_name(t->state));

		json_object_set_new(row, "ref", t->ref[0] ? json_string(t->ref) : json_null());
		json_object_set_new(row, "resolved_event",
		                    t->resolved_seq >= 0 ? json_integer(t->resolved_seq) : json_null());
		json_array_append_new(out->json, row);
		return REDRESS_OK;
	}
	/* The sign is the effect on the account's balance, read on its normal side. */
	printf("%8llu  %-24s %-3s ", (unsigned long long)t->created_seq, t->id, incoming ? "in" : "out");
	print_amount(incoming == out->debit_normal ? "+" : "-", t->amount, t->currency, "");
	printf("  %s %-20s %s%s%s\n", incoming ? "from" : "to  ", other, ledger_state_name(t->state),
	       t->ref[0] ? "  ref: " : "", t->ref);
	return REDRESS_OK;
}

static int
ledger_history_cmd(struct cli *cli, int argc, char **argv)
{
	struct history_out out = {NULL, 0, NULL};
	struct ledger_account a;
	struct redress_error err;
	int json, status;

	if ((status = parse_json_flag(argc, argv, &json, &out.code, "history")) != 0) {
		if (status < 0)
			ledger_usage(stdout);
		return status < 0 ? 0 : status;
	}
	if (out.code == NULL)
		return cli_usage_error("ledger", "'history' needs an account CODE");
	if (cli_open_as(cli, CLI_READ, PERM_LEDGER_READ, &err) != REDRESS_OK ||
	    ledger_account_get(tlog_store(cli->log), out.code, &a, &err) != REDRESS_OK)
		return cli_fail(&err);
	out.debit_normal = a.kind == LEDGER_ASSET || a.kind == LEDGER_EXPENSE;
	if (json)
		out.json = json_array();
	if (ledger_history(tlog_store(cli->log), out.code, history_one, &out, &err) != REDRESS_OK) {
		json_decref(out.json);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(out.json);
	return 0;
}

int
cmd_ledger(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		ledger_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "account") == 0)
		return ledger_account(cli, argc, argv);
	if (strcmp(sub, "transfer") == 0)
		return ledger_transfer(cli, argc, argv);
	if (strcmp(sub, "post") == 0)
		return ledger_resolve(cli, argc, argv, 1);
	if (strcmp(sub, "void") == 0)
		return ledger_resolve(cli, argc, argv, 0);
	if (strcmp(sub, "exchange") == 0)
		return ledger_exchange_cmd(cli, argc, argv);
	if (strcmp(sub, "balance") == 0)
		return ledger_balance_cmd(cli, argc, argv);
	if (strcmp(sub, "history") == 0)
		return ledger_history_cmd(cli, argc, argv);
	return cli_usage_error("ledger", "'%s' is not a ledger command", sub);
}
