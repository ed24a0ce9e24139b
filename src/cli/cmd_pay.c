/*
 * cmd_pay.c -- `redress pay` (batches, pain.001 export, camt.054 and
 * pain.002 import, status, the fund's own account) and `redress person
 * bank` (a beneficiary's bank details, sealed).  Bank details never reach
 * an output but the pain.001 file itself, and never an error message.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/text.h"
#include "domain/payments/payments.h"

static void
pay_usage(FILE *f)
{
	fprintf(f, "usage: redress pay batch --program CODE [--limit N] [--json]\n"
	           "       redress pay export BATCH --format pain.001 [--out FILE]\n"
	           "       redress pay import FILE.xml\n"
	           "       redress pay status BATCH [--json]\n"
	           "       redress pay debtor --program CODE --name TEXT (--iban IBAN | --account NUMBER\n"
	           "                          [--scheme SCHEME]) --bic BIC\n\n"
	           "Pays entitlements through the fund's bank.\n\n"
	           "batch   makes payment orders of the unpaid entitlements (queued, or returned by the\n"
	           "        bank) in queue order, most frail then oldest, up to --limit; each amount is\n"
	           "        held as a pending ledger transfer from the fund to the payable account.\n"
	           "        Beneficiaries without bank details, or deceased, stay in the queue.\n"
	           "export  writes the batch's pending orders as an ISO 20022 pain.001.001.09 file\n"
	           "        (to FILE, mode 0600, or standard output); it holds the payees' bank\n"
	           "        details, and the export is recorded on the log with who made it.\n"
	           "import  reads the bank's answer, told by its namespace: camt.054.001.08 or\n"
	           "        camt.053.001.08 (a booked debit settles its payment; a credit with return\n"
	           "        information, or a reversal, returns it), entries applied in the file's\n"
	           "        order, or pain.002.001.10 (RJCT rejects it).  A returned or rejected\n"
	           "        payment's entitlement goes back to the queue with the bank's reason (its\n"
	           "        code, or its own text).  Entries not ours (fees, money coming in, an\n"
	           "        end-to-end id NOTPROVIDED) are counted and summed, never booked.  One\n"
	           "        change: an unknown id of ours, a repeated or mismatched one refuses the\n"
	           "        whole file, naming its line.  The same file twice changes nothing.\n"
	           "status  the batch's orders and what the bank did with each.\n"
	           "debtor  sets the fund's own account that a program pays from (pain.001's debtor):\n"
	           "        its IBAN, or where accounts have none (Korea, Japan) its account number\n"
	           "        and the number's scheme (an ISO code such as BBAN, the default, or the\n"
	           "        bank's own name for it).\n\n"
	           "Needs a finance account.\n");
}

static void
bank_usage(FILE *f)
{
	fprintf(
	    f, "usage: redress person bank PSEUDONYM --account TEXT [--iban TEXT] --bic BIC --holder TEXT\n\n"
	       "Records where a beneficiary is paid, sealed with her own key like her identity:\n"
	       "the account number, its IBAN where the bank uses one, the bank's BIC (8 or 11\n"
	       "characters) and the account holder's name.  A later record replaces an earlier\n"
	       "one.  Needs a caseworker.\n");
}

/* Copies an option's value into dst, refusing one too long for it (never echoing it). */
static int
option_into(char *dst, size_t size, const char *value, const char *cmd, const char *option)
{
	if (strlen(value) >= size) {
		cli_usage_error(cmd, "%s is longer than %zu bytes", option, size - 1);
		return redress_exit_code(REDRESS_E_USAGE);
	}
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

/* ---- person bank ---- */

struct bank_arg {
	const char *pseudonym;
	struct payments_bank bank;
};

static enum redress_err
do_bank(struct cli *cli, void *arg, struct redress_error *err)
{
	struct bank_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return payments_bank_set(cli->log, &cli->actor, &keys, a->pseudonym, &a->bank, err);
}

int
cmd_person_bank(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"account", required_argument, NULL, 'a'}, {"iban", required_argument, NULL, 'i'},
	    {"bic", required_argument, NULL, 'b'},     {"holder", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	struct bank_arg *a;
	int c, status = 0, have_account = 0, have_bic = 0, have_holder = 0;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return redress_exit_code(REDRESS_E_NOMEM);
	while (status == 0 && (c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			have_account = 1;
			status = option_into(a->bank.account, sizeof(a->bank.account), optarg, "person",
			                     "--account");
			break;
		case 'i':
			status = option_into(a->bank.iban, sizeof(a->bank.iban), optarg, "person", "--iban");
			break;
		case 'b':
			have_bic = 1;
			status = option_into(a->bank.bic, sizeof(a->bank.bic), optarg, "person", "--bic");
			break;
		case 'o':
			have_holder = 1;
			status =
			    option_into(a->bank.holder, sizeof(a->bank.holder), optarg, "person", "--holder");
			break;
		case 'h': bank_usage(stdout); goto out;
		default: status = cli_bad_option("person", argv); break;
		}
	}
	if (status != 0)
		goto out;
	if (optind + 1 != argc || !have_account || !have_bic || !have_holder) {
		status =
		    cli_usage_error("person", "'bank' takes one PSEUDONYM, --account, --bic and --holder");
		goto out;
	}
	a->pseudonym = argv[optind];
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_bank, a)) == 0)
		printf("%s: bank details recorded, sealed\n", a->pseudonym);
out:
	explicit_bzero(a, sizeof(*a));
	free(a);
	return status;
}

/* ---- pay debtor ---- */

static enum redress_err
do_debtor(struct cli *cli, void *arg, struct redress_error *err)
{
	return payments_debtor_set(cli->log, &cli->actor, arg, err);
}

static int
pay_debtor(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"program", required_argument, NULL, 'p'}, {"name", required_argument, NULL, 'n'},
	    {"iban", required_argument, NULL, 'i'},    {"bic", required_argument, NULL, 'b'},
	    {"account", required_argument, NULL, 'a'}, {"scheme", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	struct payments_debtor d;
	int c, status = 0;

	memset(&d, 0, sizeof(d));
	while (status == 0 && (c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p':
			status = option_into(d.program, sizeof(d.program), optarg, "pay", "--program");
			break;
		case 'n': status = option_into(d.name, sizeof(d.name), optarg, "pay", "--name"); break;
		case 'i': status = option_into(d.iban, sizeof(d.iban), optarg, "pay", "--iban"); break;
		case 'b': status = option_into(d.bic, sizeof(d.bic), optarg, "pay", "--bic"); break;
		case 'a':
			status = option_into(d.account, sizeof(d.account), optarg, "pay", "--account");
			break;
		case 's': status = option_into(d.scheme, sizeof(d.scheme), optarg, "pay", "--scheme"); break;
		case 'h': pay_usage(stdout); return 0;
		default: return cli_bad_option("pay", argv);
		}
	}
	if (status != 0)
		return status;
	if (optind != argc || d.program[0] == '\0' || d.name[0] == '\0' ||
	    (d.iban[0] == '\0') == (d.account[0] == '\0') || d.bic[0] == '\0' ||
	    (d.scheme[0] != '\0' && d.account[0] == '\0'))
		return cli_usage_error("pay",
		                       "'debtor' takes --program, --name, --bic, and --iban or --account"
		                       " (with --scheme, default BBAN)");
	if ((status = cli_run_change(cli, PERM_LEDGER_WRITE, do_debtor, &d)) == 0) {
		if (d.iban[0] != '\0')
			printf("program %s pays from the fund's account %s (%s)\n", d.program, d.iban, d.bic);
		else
			printf("program %s pays from the fund's account %s (%s, %s)\n", d.program, d.account,
			       d.scheme[0] != '\0' ? d.scheme : "BBAN", d.bic);
	}
	return status;
}

/* ---- pay batch ---- */

struct batch_arg {
	const char *program;
	unsigned long long limit;
	struct payments_batch_run run;
};

static enum redress_err
do_batch(struct cli *cli, void *arg, struct redress_error *err)
{
	struct batch_arg *a = arg;

	return payments_batch(cli->log, &cli->actor, a->program, a->limit, &a->run, err);
}

static int
pay_batch(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"program", required_argument, NULL, 'p'},
	    {"limit", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct batch_arg a;
	struct redress_error err;
	char total[MONEY_TEXT_SIZE];
	int c, json = 0, status;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': a.program = optarg; break;
		case 'l':
			if (text_parse_u64("--limit", optarg, &a.limit, &err) != REDRESS_OK || a.limit == 0)
				return cli_usage_error("pay", "--limit must be a whole number from 1");
			break;
		case 'j': json = 1; break;
		case 'h': pay_usage(stdout); return 0;
		default: return cli_bad_option("pay", argv);
		}
	}
	if (optind != argc || a.program == NULL)
		return cli_usage_error("pay", "'batch' takes --program CODE and options only");
	if ((status = cli_run_change(cli, PERM_LEDGER_WRITE, do_batch, &a)) != 0)
		return status;
	money_format(a.run.total, currency_find(a.run.currency, NULL), total, sizeof(total));
	if (json) {
		cli_print_json(json_pack("{s:s?, s:I, s:s, s:s, s:I, s:I, s:I}", "batch",
		                         a.run.id[0] ? a.run.id : NULL, "orders", (json_int_t)a.run.orders,
		                         "total", total, "currency", a.run.currency, "no_bank_details",
		                         (json_int_t)a.run.no_bank, "deceased", (json_int_t)a.run.deceased,
		                         "merged", (json_int_t)a.run.merged));
		return 0;
	}
	if (a.run.id[0] == '\0')
		printf("nothing to pay in program %s", a.program);
	else
		printf("batch %s: %llu payment orders, %s %s held at the bank until it answers", a.run.id,
		       (unsigned long long)a.run.orders, total, a.run.currency);
	if (a.run.no_bank > 0 || a.run.deceased > 0)
		printf("; left in the queue: %llu without bank details, %llu deceased",
		       (unsigned long long)a.run.no_bank, (unsigned long long)a.run.deceased);
	if (a.run.merged > 0)
		printf("; held in the queue: %llu of persons merged into another (decide them on her file)",
		       (unsigned long long)a.run.merged);
	putchar('\n');
	return 0;
}

/* ---- pay export ---- */

struct export_arg {
	const char *batch;
	struct buf file;
};

static enum redress_err
do_export(struct cli *cli, void *arg, struct redress_error *err)
{
	struct export_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);
	char now[CLOCK_TEXT_SIZE];

	/* pain.001's CreDtTm: seconds, no zone designator needed ("2026-11-27T19:17:02"). */
	clock_now_text(now);
	now[19] = '\0';
	return payments_export(cli->log, &cli->actor, &keys, a->batch, now, &a->file, err);
}

static int
pay_export(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct export_arg a;
	struct redress_error err;
	const char *format = NULL, *out = NULL;
	int c, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'h': pay_usage(stdout); return 0;
		default: return cli_bad_option("pay", argv);
		}
	}
	if (optind + 1 != argc || format == NULL)
		return cli_usage_error("pay", "'export' takes one BATCH and --format pain.001");
	if (strcmp(format, "pain.001") != 0 && strcmp(format, "pain.001.001.09") != 0)
		return cli_usage_error("pay", "--format '%.32s' is not known: pain.001 is", format);
	a.batch = argv[optind];
	buf_init(&a.file, PAYMENTS_XML_MAX);
	status = cli_run_change(cli, PERM_LEDGER_WRITE, do_export, &a);
	if (status == 0) {
		if (out != NULL) {
			if (cli_write_private(out, a.file.data, a.file.len, &err) != REDRESS_OK)
				status = cli_fail(&err);
		} else if (fwrite(a.file.data, 1, a.file.len, stdout) != a.file.len || fflush(stdout) != 0)
			status = redress_exit_code(REDRESS_E_IO);
	}
	if (a.file.data != NULL)
		explicit_bzero(a.file.data, a.file.cap);
	buf_free(&a.file);
	return status;
}

/* ---- pay import ---- */

/* The entries not ours, one line: how many, money in and out, never booked. */
static void
print_not_ours(const struct payments_import_run *run)
{
	const struct currency *cur = currency_find(run->foreign_currency, NULL);
	char in[MONEY_TEXT_SIZE] = "0", out[MONEY_TEXT_SIZE] = "0";

	if (cur != NULL) {
		money_format(run->foreign_in_total, cur, in, sizeof(in));
		money_format(run->foreign_out_total, cur, out, sizeof(out));
	}
	printf("not ours, not booked: %llu entries (%llu in: %s %s; %llu out: %s %s)%s%s\n",
	       (unsigned long long)run->foreign, (unsigned long long)run->foreign_in, in,
	       run->foreign_currency, (unsigned long long)run->foreign_out, out, run->foreign_currency,
	       run->foreign_mixed ? "; and entries in other currencies" : "",
	       run->foreign_unsummed > 0 ? "; some without an amount of their own" : "");
}

struct import_arg {
	const char *path;
	struct buf file;
	struct payments_import_run run;
};

static enum redress_err
do_import(struct cli *cli, void *arg, struct redress_error *err)
{
	struct import_arg *a = arg;

	return payments_import(cli->log, &cli->actor, a->path, a->file.data, a->file.len, &a->run, err);
}

static int
pay_import(struct cli *cli, int argc, char **argv)
{
	struct import_arg a;
	struct redress_error err;
	int status;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		pay_usage(stdout);
		return 0;
	}
	if (argc != 2)
		return cli_usage_error("pay", "'import' takes exactly one FILE.xml");
	memset(&a, 0, sizeof(a));
	a.path = argv[1];
	if (cli_read_file(a.path, PAYMENTS_XML_MAX, &a.file, &err) != REDRESS_OK)
		return cli_fail(&err);
	status = cli_run_change(cli, PERM_LEDGER_WRITE, do_import, &a);
	buf_free(&a.file);
	if (status != 0)
		return status;
	if (a.run.already)
		printf("%s (%s) was imported before: nothing changed\n", a.path, a.run.kind);
	else
		printf("%s (%s): %llu settled, %llu returned, %llu already so, %llu without effect\n", a.path,
		       a.run.kind, (unsigned long long)a.run.settled, (unsigned long long)a.run.returned,
		       (unsigned long long)a.run.unchanged, (unsigned long long)a.run.ignored);
	if (!a.run.already && a.run.foreign > 0)
		print_not_ours(&a.run);
	return 0;
}

/* ---- pay status ---- */

static enum redress_err
status_one(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	char amount[MONEY_TEXT_SIZE];

	(void)ctx;
	(void)err;
	money_format(o->amount, currency_find(o->currency, NULL), amount, sizeof(amount));
	printf("  %-16s %-10s %18s %s  %-8s", o->id, o->beneficiary, amount, o->currency,
	       payments_order_state_name(o->state));
	if (o->booked_on[0] != '\0')
		printf(" on %s", o->booked_on);
	if (o->reason[0] != '\0')
		printf(" (%s)", o->reason);
	putchar('\n');
	return REDRESS_OK;
}

static int
pay_status(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct payments_batch_info b;
	struct redress_error err;
	const struct currency *cur;
	char total[MONEY_TEXT_SIZE], settled[MONEY_TEXT_SIZE], pending[MONEY_TEXT_SIZE],
	    returned[MONEY_TEXT_SIZE];
	json_t *json;
	int c, as_json = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'j': as_json = 1; break;
		case 'h': pay_usage(stdout); return 0;
		default: return cli_bad_option("pay", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("pay", "'status' takes exactly one BATCH");
	if (cli_open_as(cli, CLI_READ, PERM_LEDGER_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (as_json) {
		if (payments_batch_json(tlog_store(cli->log), argv[optind], &json, &err) != REDRESS_OK)
			return cli_fail(&err);
		cli_print_json(json);
		return 0;
	}
	if (payments_batch_get(tlog_store(cli->log), argv[optind], &b, &err) != REDRESS_OK)
		return cli_fail(&err);
	cur = currency_find(b.currency, NULL);
	money_format(b.total, cur, total, sizeof(total));
	money_format(b.total_settled, cur, settled, sizeof(settled));
	money_format(b.total_pending, cur, pending, sizeof(pending));
	money_format(b.total_returned, cur, returned, sizeof(returned));
	printf("batch %s (%s): %llu orders, %s %s; settled %llu (%s), at the bank %llu (%s), "
	       "returned %llu"
	       " (%s); exported %llu times\n",
	       b.id, b.program, (unsigned long long)b.orders, total, b.currency,
	       (unsigned long long)b.settled, settled, (unsigned long long)b.pending, pending,
	       (unsigned long long)b.returned, returned, (unsigned long long)b.exports);
	if (payments_orders_each(tlog_store(cli->log), b.id, status_one, NULL, &err) != REDRESS_OK)
		return cli_fail(&err);
	return 0;
}

int
cmd_pay(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		pay_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "batch") == 0)
		return pay_batch(cli, argc, argv);
	if (strcmp(sub, "export") == 0)
		return pay_export(cli, argc, argv);
	if (strcmp(sub, "import") == 0)
		return pay_import(cli, argc, argv);
	if (strcmp(sub, "status") == 0)
		return pay_status(cli, argc, argv);
	if (strcmp(sub, "debtor") == 0)
		return pay_debtor(cli, argc, argv);
	return cli_usage_error("pay", "'%s' is not a pay command", sub);
}
