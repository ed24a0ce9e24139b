/*
 * main.c -- the `redress` command: global options, then a subcommand.
 *
 *   redress [--db PATH] [--keys DIR] [--as USER] COMMAND [ARGS]
 *
 * Exit status: 0 success; 1 audit found problems; 2 usage; 10 + the error
 * number for other failures (docs/errors.md).
 */
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/mem.h"
#include "crypto/hash.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/idempotency/idempotency.h"
#include "domain/fund/fund.h"
#include "domain/ledger/ledger.h"
#include "domain/offices/offices.h"
#include "domain/payments/payments.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "domain/dups/dups.h"
#include "domain/reports/reports.h"
#include "domain/sessions/sessions.h"
#include "domain/users/users.h"

const struct event_module *const cli_modules[] = {&ledger_module,
                                                  &users_module,
                                                  &registry_module,
                                                  &programs_module,
                                                  &claims_module,
                                                  &entitlements_module,
                                                  &payments_module,
                                                  &pledges_module,
                                                  &reports_module,
                                                  &idempotency_module,
                                                  &fund_module,
                                                  &casework_module,
                                                  &sessions_module,
                                                  &dups_module,
                                                  &offices_module,
                                                  NULL};

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create a database, its key directory and its log"},
    {"migrate", cmd_migrate, "upgrade a database made by an older redress (backs it up first)"},
    {"ledger", cmd_ledger, "accounts, transfers, exchanges, balances and history of the fund"},
    {"audit", cmd_audit, "checkpoints, proofs, and verification of the whole log"},
    {"demo", cmd_demo, "set up the flagship fund with synthetic data and verify it"},
    {"user", cmd_user, "staff accounts, roles, second factor, API tokens, locks"},
    {"person", cmd_person, "the people the fund is for: register, show, list, import, death, erase"},
    {"relation", cmd_relation, "heirs of a victim and their shares"},
    {"consent", cmd_consent, "a person's consent, per scope: grant or withdraw"},
    {"consult", cmd_consult, "consultations and the wish each person stated"},
    {"note", cmd_note, "sealed case notes on a person's file; opening one is recorded"},
    {"task", cmd_task, "what must be done on a person's file, by when and by whom"},
    {"contact", cmd_contact, "every attempt to reach a person, and what came of it"},
    {"referral", cmd_referral, "referring a person to another party, with her consent to share"},
    {"notice", cmd_notice, "a letter to a person in her language: decision, payment or reminder"},
    {"outreach", cmd_outreach, "who the fund owes and has not reached, most frail and oldest first"},
    {"office", cmd_office, "offices: the regions each covers, its staff, a person's transfer"},
    {"grievance", cmd_grievance, "complaints: channel, days open, outcome; the overdue escalate"},
    {"duplicates", cmd_duplicates, "persons suspected to be one: list the pairs, decide each (merges take two)"},
    {"program", cmd_program, "a program's rules: currency, cutoff, benefits, approvals"},
    {"claim", cmd_claim, "claims: intake, evidence, review, decision, appeal"},
    {"entitlements", cmd_entitlements, "book what approved claims are owed, by the program's rules"},
    {"queue", cmd_queue, "what is owed and unpaid, most frail and oldest first"},
    {"pay", cmd_pay, "payment batches, pain.001 for the bank, camt.054 and pain.002 back"},
    {"pledge", cmd_pledge, "what donors promise a program, its conditions, and its receipts"},
    {"receipt", cmd_receipt, "a survivor's receipt of the events that concern her, and checking one offline"},
    {"fund", cmd_fund, "close the fund, handing what is left to a successor with an archive it checks"},
    {"report", cmd_report, "the public transparency report, and verifying a published one"},
    {"serve", cmd_serve, "the JSON API over HTTP, for staff in their roles and for monitors"},
    {"backup", cmd_backup, "an encrypted, consistent copy of the fund and its keys, while it runs"},
    {"restore", cmd_restore, "a backup back into a new database and key directory"},
    {"keys", cmd_keys, "split the keys among custodians, and recover them from their shares"},
    {"witness", cmd_witness, "a monitor's witness that cosigns checkpoints and refuses a forked log"},
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: redress [--db PATH] [--keys DIR] [--as USER] COMMAND [ARGS]\n\n"
	           "Administers a reparations or survivor-support fund: every change is an event on a\n"
	           "tamper-evident log that monitors can verify.\n\n"
	           "Global options (before the command):\n"
	           "  --db PATH    the SQLite database (default ./redress.db; also REDRESS_DB), or a\n"
	           "               postgresql:// URI (PostgreSQL; --keys is then needed)\n"
	           "  --keys DIR   the key directory (default: beside the database, NAME.keys;\n"
	           "               also REDRESS_KEYS)\n"
	           "  --as USER    the staff account acting; its password is the first line of the\n"
	           "               file named by REDRESS_PASSWORD_FILE, or asked on the terminal.\n"
	           "               Needed once the fund has accounts (see 'redress user --help');\n"
	           "               until then the operating-system user acts, and may add the\n"
	           "               first admin\n"
	           "  --help       this text; 'redress COMMAND --help' for a command\n"
	           "  --version    the version\n\n"
	           "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nExit status: 0 success, 1 audit found problems, 2 usage error,\n"
	           "10+N other errors (see docs/errors.md).\n");
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "redress %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'redress %s --help')\n", cmd);
	return redress_exit_code(REDRESS_E_USAGE);
}

int
cli_bad_option(const char *cmd, char **argv)
{
	/* getopt has just stepped past the offending word. */
	if (optopt != 0 && optind > 0 && argv[optind - 1][0] == '-' && argv[optind - 1][1] != '-')
		return cli_usage_error(cmd, "unknown option '-%c' or it needs a value", optopt);
	return cli_usage_error(cmd, "unknown option '%s', or it needs a value",
	                       optind > 0 ? argv[optind - 1] : "?");
}

int
cli_fail(const struct redress_error *err)
{
	fprintf(stderr, "redress: %s\n",
	        err->message[0] != '\0' ? err->message : redress_strerror(err->code));
	return redress_exit_code(err->code);
}

void
cli_print_json(json_t *value)
{
	char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);

	if (text != NULL) {
		fputs(text, stdout);
		fputc('\n', stdout);
		mem_json_free(text);
	}
	json_decref(value);
}

/* Copies src into dst, refusing what does not fit. */
static int
set_path(char *dst, const char *src, const char *what)
{
	size_t len = strlen(src);

	if (len == 0 || len >= CLI_PATH_MAX) {
		fprintf(stderr, "redress: %s must be 1 to %d bytes\n", what, CLI_PATH_MAX - 1);
		return 0;
	}
	memcpy(dst, src, len + 1);
	return 1;
}

/* The key directory beside db: "x/redress.db" -> "x/redress.keys". */
static void
default_keys(char *keys, const char *db)
{
	size_t len = strlen(db);

	if (len > 3 && strcmp(db + len - 3, ".db") == 0)
		len -= 3;
	snprintf(keys, CLI_PATH_MAX, "%.*s.keys", (int)len, db);
}

static void
default_actor(char *actor, size_t size)
{
	struct passwd *pw = getpwuid(geteuid());

	if (pw != NULL && pw->pw_name != NULL && pw->pw_name[0] != '\0' && strlen(pw->pw_name) < size - 4)
		snprintf(actor, size, "os:%s", pw->pw_name);
	else
		snprintf(actor, size, "os:uid-%u", (unsigned)geteuid());
}

enum redress_err
cli_high_water(struct cli *cli, int keep, struct redress_error *err)
{
	char path[CLI_PATH_MAX + 16];

	if (snprintf(path, sizeof(path), "%s/checkpoint", cli->keys) >= (int)sizeof(path))
		return error_set(err, REDRESS_E_USAGE, "the key directory's path is too long");
	return tlog_high_water(cli->log, path, keep, err);
}

void
cli_log_public(struct cli *cli)
{
	struct tlog_public pub;

	if (cli->log == NULL || cli->keydir == NULL)
		return;
	pub = report_feed_public(keydir_index_key(cli->keydir));
	tlog_set_public(cli->log, &pub);
}

enum redress_err
cli_open(struct cli *cli, enum cli_open_mode mode, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = store_open(cli->db, STORE_OPEN_EXISTING, &cli->store, err)) != REDRESS_OK)
		return rc;
	if (mode == CLI_WRITE && (rc = keydir_open(cli->keys, &cli->keydir, err)) != REDRESS_OK)
		goto fail;
	rc = tlog_open(cli->store, cli->keydir != NULL ? keydir_log_key(cli->keydir) : NULL, cli_modules,
	               &cli->log, err);
	if (rc != REDRESS_OK)
		goto fail;
	cli_log_public(cli);
	if ((rc = tlog_set_actor(cli->log, cli->os_user, err)) != REDRESS_OK ||
	    (!cli->high_water_later && (rc = cli_high_water(cli, mode == CLI_WRITE, err)) != REDRESS_OK) ||
	    (cli->keydir != NULL && !cli->keys_check_later &&
	     (rc = tlog_keys_check(cli->log, keydir_master_key(cli->keydir), keydir_index_key(cli->keydir),
	                           err)) != REDRESS_OK))
		goto fail;
	return REDRESS_OK;
fail:
	cli_close(cli);
	return rc;
}

enum redress_err
cli_open_keys(struct cli *cli, struct redress_error *err)
{
	enum redress_err rc;

	if (cli->keydir != NULL)
		return REDRESS_OK;
	if ((rc = keydir_open(cli->keys, &cli->keydir, err)) != REDRESS_OK)
		return rc;
	if (!crypto_equal(sign_key_public(keydir_log_key(cli->keydir)), tlog_public_key(cli->log),
	                  SIGN_PUBLIC_SIZE))
		return error_set(err, REDRESS_E_KEYS,
		                 "the key directory's log key is not the key this database was created with"
		                 " (wrong --keys?)");
	cli_log_public(cli);
	return REDRESS_OK;
}

/* Signs in as cli->as with the password from REDRESS_PASSWORD_FILE or the terminal. */
static enum redress_err
sign_in(struct cli *cli, struct redress_error *err)
{
	char password[PASSWORD_MAX + 1], actor[TLOG_ACTOR_MAX + 1];
	enum redress_err rc;

	rc = cli_password_for(cli->as, password, sizeof(password), err);
	if (rc == REDRESS_OK)
		rc = users_authenticate(tlog_store(cli->log), keydir_master_key(cli->keydir), cli->as,
		                        password, &cli->actor, err);
	explicit_bzero(password, sizeof(password));
	if (rc != REDRESS_OK)
		return rc;
	snprintf(actor, sizeof(actor), "user:%s", cli->actor.name);
	return tlog_set_actor(cli->log, actor, err);
}

enum redress_err
cli_open_as(struct cli *cli, enum cli_open_mode mode, enum permission perm, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = cli_open_signed_in(cli, mode, err)) != REDRESS_OK)
		return rc;
	if ((rc = users_require(&cli->actor, perm, err)) != REDRESS_OK)
		cli_close(cli);
	return rc;
}

enum redress_err
cli_open_signed_in(struct cli *cli, enum cli_open_mode mode, struct redress_error *err)
{
	uint64_t accounts;
	enum redress_err rc;

	if ((rc = cli_open(cli, mode, err)) != REDRESS_OK)
		return rc;
	if ((rc = cli_open_keys(cli, err)) != REDRESS_OK ||
	    (rc = users_count(tlog_store(cli->log), &accounts, err)) != REDRESS_OK)
		goto fail;
	if (accounts == 0) {
		/* The bootstrap: whoever holds the keys sets the fund up, as the OS user. */
		if (cli->as[0] != '\0') {
			rc = error_set(
			    err, REDRESS_E_REFUSED,
			    "this fund has no staff accounts yet: create the first with 'redress user"
			    " add NAME --role admin'");
			goto fail;
		}
		users_bootstrap_actor(cli->os_user, &cli->actor);
	} else if (cli->as[0] == '\0') {
		rc = error_set(err, REDRESS_E_REFUSED,
		               "this fund has staff accounts: say which one is acting with 'redress --as NAME"
		               " COMMAND ...' (its password from the file REDRESS_PASSWORD_FILE names, or"
		               " typed on the terminal)");
		goto fail;
	} else if ((rc = sign_in(cli, err)) != REDRESS_OK || (rc = cli_scope_args(cli, err)) != REDRESS_OK) {
		goto fail;
	}
	return REDRESS_OK;
fail:
	cli_close(cli);
	return rc;
}

struct registry_keys
cli_registry_keys(const struct cli *cli)
{
	struct registry_keys keys = {NULL, NULL};

	if (cli->keydir != NULL) {
		keys.master = keydir_master_key(cli->keydir);
		keys.index = keydir_index_key(cli->keydir);
	}
	return keys;
}

void
cli_close(struct cli *cli)
{
	tlog_close(&cli->log);
	keydir_close(&cli->keydir);
	store_close(&cli->store);
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
	    {"db", required_argument, NULL, 'd'}, {"keys", required_argument, NULL, 'k'},
	    {"as", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},  {NULL, 0, NULL, 0},
	};
	struct redress_error err;
	struct cli cli;
	const char *env;
	int c, keys_given = 0, status;
	size_t i;

	memset(&cli, 0, sizeof(cli));
	error_clear(&err);
	/* Passwords and identities pass through jansson: every block it frees is wiped (before any JSON). */
	mem_json_wiping();
	/* The database, its journal and anything else redress writes are the fund's alone. */
	umask(077);
	/* Option errors are reported by redress, in one line naming the option. */
	opterr = 0;
	if (crypto_setup(&err) != REDRESS_OK)
		return cli_fail(&err);
	memcpy(cli.db, "redress.db", sizeof("redress.db"));
	if ((env = getenv("REDRESS_DB")) != NULL && *env != '\0' && !set_path(cli.db, env, "REDRESS_DB"))
		return 2;
	if ((env = getenv("REDRESS_KEYS")) != NULL && *env != '\0') {
		if (!set_path(cli.keys, env, "REDRESS_KEYS"))
			return 2;
		keys_given = 1;
	}
	/* '+' stops at the first non-option: the subcommand parses the rest. */
	while ((c = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!set_path(cli.db, optarg, "--db"))
				return 2;
			break;
		case 'k':
			if (!set_path(cli.keys, optarg, "--keys"))
				return 2;
			keys_given = 1;
			break;
		case 'a':
			if (users_name_check(optarg, &err) != REDRESS_OK) {
				fprintf(stderr, "redress: --as: %s\n", err.message);
				return redress_exit_code(REDRESS_E_USAGE);
			}
			memcpy(cli.as, optarg, strlen(optarg) + 1);
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("redress %s\n", REDRESS_VERSION); return 0;
		default:
			fprintf(stderr, "redress: unknown global option '%s' (see 'redress --help')\n",
			        argv[optind - 1]);
			return redress_exit_code(REDRESS_E_USAGE);
		}
	}
	if (!keys_given && store_is_pgsql(cli.db)) {
		fprintf(stderr, "redress: a PostgreSQL database has no directory to keep the keys beside: "
		                "give the key directory with --keys or REDRESS_KEYS\n");
		return redress_exit_code(REDRESS_E_USAGE);
	}
	if (!keys_given)
		default_keys(cli.keys, cli.db);
	default_actor(cli.os_user, sizeof(cli.os_user));
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, argv[optind]) != 0)
			continue;
		argc -= optind;
		argv += optind;
		optind = 0; /* GNU getopt: start afresh for the subcommand */
		cli.argc = argc;
		cli.argv = argv;
		status = commands[i].run(&cli, argc, argv);
		cli_close(&cli);
		return status;
	}
	fprintf(stderr, "redress: '%s' is not a command (see 'redress --help')\n", argv[optind]);
	return 2;
}
