/*
 * cmd_demo.c -- `redress demo`: the flagship fund of the 2015 Korea-Japan
 * agreement, set up from nothing with synthetic data, each step a change on
 * the log, then the balances and a full audit.
 *
 * No real person appears: beneficiaries are pseudonyms (V-000001 ...) that
 * stand for no one.  The figures are the agreement's: a contribution of
 * 1,000,000,000 JPY, converted to 10,800,000,000 KRW, paying 100,000,000 KRW
 * to each surviving victim and 20,000,000 KRW to the family of each victim
 * who had died.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/ledger/ledger.h"
#include "log/audit.h"

#define DEMO_SURVIVORS 5
#define DEMO_FAMILIES  3
/* The origin prefix of a demo's log. */
#define DEMO_ORIGIN "redress.demo/"

static void
demo_usage(FILE *f)
{
	fprintf(f, "usage: redress [--db PATH] [--keys DIR] demo [--fresh]\n\n"
	           "Creates the database (as 'init' does) and books the flagship fund with synthetic\n"
	           "beneficiaries: the pledge, its receipt, the conversion to KRW, entitlements and\n"
	           "payments (one returned by the bank and paid again).  Prints the balances, verifies\n"
	           "the log and prints the signed checkpoint.\n\n"
	           "  --fresh  remove an earlier demo database and its keys first\n");
}

static const struct ledger_account_spec demo_accounts[] = {
    {"contributions:japan", "JPY", LEDGER_INCOME, "Contribution of the Government of Japan (2015 agreement)",
     0},
    {"pledge:japan", "JPY", LEDGER_ASSET, "Pledge receivable from the Government of Japan", 0},
    {"bank:jpy", "JPY", LEDGER_ASSET, "Foundation bank account, JPY", 1},
    {"bank:krw", "KRW", LEDGER_ASSET, "Foundation bank account, KRW", 1},
    {"payable:survivors", "KRW", LEDGER_LIABILITY, "Benefits payable to surviving victims", 0},
    {"payable:families", "KRW", LEDGER_LIABILITY, "Benefits payable to bereaved families", 0},
    {"benefits:survivors", "KRW", LEDGER_EXPENSE, "Benefits to surviving victims", 0},
    {"benefits:families", "KRW", LEDGER_EXPENSE, "Benefits to bereaved families", 0},
};

/* One change holding one transfer; prints what was booked. */
static enum redress_err
demo_transfer(struct tlog *log, const char *id, const char *from, const char *to, const char *amount,
              int pending, const char *ref, struct redress_error *err)
{
	struct ledger_transfer_request req = {id, from, to, amount, pending, ref};
	struct ledger_transfer t;
	enum redress_err rc;

	if ((rc = tlog_begin(log, err)) != REDRESS_OK)
		return rc;
	if ((rc = ledger_transfer_create(log, &req, &t, NULL, err)) != REDRESS_OK) {
		tlog_rollback(log);
		return rc;
	}
	return tlog_commit(log, err);
}

static enum redress_err
demo_resolve(struct tlog *log, const char *id, int post, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = tlog_begin(log, err)) != REDRESS_OK)
		return rc;
	rc = post ? ledger_transfer_post(log, id, NULL, err) : ledger_transfer_void(log, id, NULL, err);
	if (rc != REDRESS_OK) {
		tlog_rollback(log);
		return rc;
	}
	return tlog_commit(log, err);
}

static enum redress_err
demo_print_balance(void *ctx, const struct ledger_account *a, struct redress_error *err)
{
	const struct currency *cur = currency_find(a->currency, NULL);
	char posted_text[MONEY_TEXT_SIZE], avail_text[MONEY_TEXT_SIZE];
	int64_t posted, available;
	enum redress_err rc;

	(void)ctx;
	if ((rc = ledger_balance(a, &posted, &available, err)) != REDRESS_OK)
		return rc;
	money_format(posted, cur, posted_text, sizeof(posted_text));
	money_format(available, cur, avail_text, sizeof(avail_text));
	printf("  %-22s %18s %s", a->code, posted_text, a->currency);
	if (available != posted)
		printf("   (%s after pending payments)", avail_text);
	printf("\n");
	return REDRESS_OK;
}

static enum redress_err
demo_book(struct tlog *log, struct redress_error *err)
{
	char id[64], pay[64], ref[64];
	struct ledger_exchange_request fx = {
	    "fx-2016-09-01", "bank:jpy",    "1000000000",
	    "bank:krw",      "10800000000", "Conversion of the contribution at the bank's booked amounts"};
	struct ledger_transfer_request too_much = {"pay-too-much", "bank:krw", "payable:survivors",
	                                           "20000000000",  0,          NULL};
	struct redress_error refused;
	enum redress_err rc;
	size_t i;

	if ((rc = tlog_begin(log, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < sizeof(demo_accounts) / sizeof(demo_accounts[0]); i++)
		if ((rc = ledger_account_open(log, &demo_accounts[i], NULL, err)) != REDRESS_OK) {
			tlog_rollback(log);
			return rc;
		}
	if ((rc = tlog_commit(log, err)) != REDRESS_OK)
		return rc;
	printf("opened %zu accounts\n", sizeof(demo_accounts) / sizeof(demo_accounts[0]));

	if ((rc = demo_transfer(log, "pledge-2015-12-28", "contributions:japan", "pledge:japan", "1000000000",
	                        0, "Pledge under the agreement of 28 December 2015", err)) != REDRESS_OK ||
	    (rc = demo_transfer(log, "receipt-2016-08-31", "pledge:japan", "bank:jpy", "1000000000", 0,
	                        "Receipt of the contribution", err)) != REDRESS_OK)
		return rc;
	printf("booked the pledge of 1000000000 JPY and its receipt\n");
	if ((rc = tlog_begin(log, err)) != REDRESS_OK)
		return rc;
	if ((rc = ledger_exchange(log, &fx, NULL, NULL, NULL, err)) != REDRESS_OK) {
		tlog_rollback(log);
		return rc;
	}
	if ((rc = tlog_commit(log, err)) != REDRESS_OK)
		return rc;
	printf("converted 1000000000 JPY into 10800000000 KRW\n");

	/* Entitlements: survivors V-000001..5, families of V-000006..8. */
	for (i = 1; i <= DEMO_SURVIVORS + DEMO_FAMILIES; i++) {
		int survivor = i <= DEMO_SURVIVORS;

		snprintf(id, sizeof(id), "ent-V-%06zu", i);
		snprintf(ref, sizeof(ref), "V-%06zu", i);
		if ((rc = demo_transfer(log, id, survivor ? "payable:survivors" : "payable:families",
		                        survivor ? "benefits:survivors" : "benefits:families",
		                        survivor ? "100000000" : "20000000", 0, ref, err)) != REDRESS_OK)
			return rc;
	}
	printf("booked %d survivor and %d family entitlements\n", DEMO_SURVIVORS, DEMO_FAMILIES);

	/* Payments: held pending, then settled; V-000004's is returned and paid again. */
	for (i = 1; i <= DEMO_SURVIVORS + DEMO_FAMILIES; i++) {
		int survivor = i <= DEMO_SURVIVORS;

		snprintf(pay, sizeof(pay), "pay-V-%06zu", i);
		snprintf(ref, sizeof(ref), "V-%06zu", i);
		if ((rc = demo_transfer(log, pay, "bank:krw",
		                        survivor ? "payable:survivors" : "payable:families",
		                        survivor ? "100000000" : "20000000", 1, ref, err)) != REDRESS_OK)
			return rc;
		if (i == DEMO_SURVIVORS + DEMO_FAMILIES)
			continue; /* left pending: in the bank's hands */
		if ((rc = demo_resolve(log, pay, i != 4, err)) != REDRESS_OK)
			return rc;
	}
	if ((rc = demo_transfer(log, "pay-V-000004-again", "bank:krw", "payable:survivors", "100000000", 1,
	                        "V-000004 (first payment returned: account closed)", err)) != REDRESS_OK ||
	    (rc = demo_resolve(log, "pay-V-000004-again", 1, err)) != REDRESS_OK)
		return rc;
	printf("paid %d beneficiaries; one payment returned by the bank and paid again; one still pending\n",
	       DEMO_SURVIVORS + DEMO_FAMILIES - 1);

	/* The fund can never pay out more than it holds. */
	if ((rc = tlog_begin(log, err)) != REDRESS_OK)
		return rc;
	rc = ledger_transfer_create(log, &too_much, NULL, NULL, &refused);
	tlog_rollback(log);
	if (rc != REDRESS_E_REFUSED)
		return error_set(err, REDRESS_E_INTERNAL,
		                 "the ledger did not refuse an overdraft of the fund");
	printf("refused, as it must be: %s\n", refused.message);
	return REDRESS_OK;
}

/*
 * Removes an earlier demo database and its keys -- and nothing else: a
 * database whose log is not a demo's (its origin does not start with
 * DEMO_ORIGIN) is a fund's, and is never removed.
 */
static enum redress_err
demo_remove(struct cli *cli, struct redress_error *err)
{
	char path[CLI_PATH_MAX + 16];
	enum redress_err rc;
	int demo;

	if (access(cli->db, F_OK) != 0)
		return REDRESS_OK;
	if ((rc = cli_open(cli, CLI_READ, err)) != REDRESS_OK)
		return error_prefix(
		    err, "--fresh removes only an earlier demo database, and '%.200s' is not one", cli->db);
	demo = strncmp(tlog_origin(cli->log), DEMO_ORIGIN, strlen(DEMO_ORIGIN)) == 0;
	cli_close(cli);
	if (!demo)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "'%.200s' holds a fund's log, not a demo's: --fresh will not remove it",
		                 cli->db);

	keydir_remove_keys(cli->keys);
	rmdir(cli->keys);
	unlink(cli->db);
	snprintf(path, sizeof(path), "%s-wal", cli->db);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", cli->db);
	unlink(path);
	return REDRESS_OK;
}

int
cmd_demo(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"fresh", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char origin[64], random_origin[64];
	struct audit_report *report = NULL;
	struct redress_error err;
	struct buf out;
	int c, fresh = 0, status = 0;
	unsigned i;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': fresh = 1; break;
		case 'h': demo_usage(stdout); return 0;
		default: return cli_bad_option("demo", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
	if (fresh && demo_remove(cli, &err) != REDRESS_OK)
		return cli_fail(&err);
	/* The origin marks the log as a demo's, so --fresh may remove it later. */
	cli_default_origin(random_origin, sizeof(random_origin));
	snprintf(origin, sizeof(origin), "%s%s", DEMO_ORIGIN, strchr(random_origin, '/') + 1);
	if (cli_init_database(cli, origin, &err) != REDRESS_OK)
		return cli_fail(&err);
	printf("created the demo database %s (keys in %s)\n", cli->db, cli->keys);
	if (demo_book(cli->log, &err) != REDRESS_OK)
		return cli_fail(&err);

	printf("\nbalances:\n");
	if (ledger_account_each(tlog_store(cli->log), demo_print_balance, NULL, &err) != REDRESS_OK)
		return cli_fail(&err);

	report = calloc(1, sizeof(*report));
	if (report == NULL)
		return cli_fail(&(struct redress_error){REDRESS_E_NOMEM, "out of memory"});
	if (audit_verify(cli->log, sign_key_public(keydir_log_key(cli->keydir)), report, &err) !=
	    REDRESS_OK) {
		free(report);
		return cli_fail(&err);
	}
	printf("\naudit: %llu events, %llu signed checkpoints and %llu table rows checked: %s\n",
	       (unsigned long long)report->events, (unsigned long long)report->checkpoints,
	       (unsigned long long)report->rows, report->nfindings == 0 ? "all agree" : "PROBLEMS FOUND");
	for (i = 0; i < report->nfindings; i++)
		printf("  FAIL: %s\n", report->findings[i]);
	status = report->nfindings == 0 ? 0 : 1;
	free(report);

	buf_init(&out, 1 << 16);
	if (tlog_checkpoint(cli->log, &out, &err) != REDRESS_OK) {
		buf_free(&out);
		return cli_fail(&err);
	}
	printf("\nlatest signed checkpoint (anyone with the key below can verify it):\n%s", out.data);
	buf_reset(&out);
	if (tlog_vkey(cli->log, &out, &err) == REDRESS_OK)
		printf("\nverifier key: %s\n", out.data);
	buf_free(&out);
	printf(
	    "\ntry: redress --db %s --keys %s ledger balance\n     redress --db %s --keys %s audit verify\n",
	    cli->db, cli->keys, cli->db, cli->keys);
	return status;
}
