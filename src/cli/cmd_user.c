/*
 * cmd_user.c -- `redress user ...`: staff accounts and their roles.
 * Adding an account is one change on the log; the password travels only
 * as its Argon2id hash sealed under the master key (domain/users).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static void
user_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress [--as USER] user add NAME --role ROLE [--password-file FILE]\n"
	        "       redress [--as USER] user list [--json]\n\n"
	        "Staff accounts.  Each acts with --as NAME before the command, its password read\n"
	        "from the file REDRESS_PASSWORD_FILE names, or typed on the terminal.  Until the\n"
	        "fund has an account the operating-system user acts (the bootstrap), and may add\n"
	        "only the first admin; once one exists, every command but 'audit' needs --as.\n\n"
	        "add   adds account NAME (a-z, 0-9 and . _ -, starting with a letter or digit, at\n"
	        "      most %d characters) with one role:\n"
	        "        admin       staff accounts, programs, erasure; reads persons, claims,\n"
	        "                    balances, aggregates\n"
	        "        caseworker  registers persons, consent, consultations, claim intake;\n"
	        "                    reveals identity for that work\n"
	        "        reviewer    decides claims; reads claims and persons, never identity\n"
	        "        finance     the ledger, entitlements, the payment queue; reads claims\n"
	        "        monitor     balances and aggregate reports only\n"
	        "      --password-file FILE  the password is FILE's first line; without it the\n"
	        "      password is asked twice on the terminal.  At least %d characters.\n"
	        "list  the accounts and their roles (--json: as JSON); never any password material.\n\n"
	        "Both need an admin (or the bootstrap).\n",
	        USER_NAME_MAX, PASSWORD_MIN);
}

/* The new account's password, typed twice on the terminal. */
static enum redress_err
new_password(const char *name, char *out, size_t size, struct redress_error *err)
{
	char again[PASSWORD_MAX + 1], prompt[USER_NAME_MAX + 48];
	enum redress_err rc;

	if (!isatty(STDIN_FILENO))
		return error_set(err, REDRESS_E_USAGE,
		                 "the new account's password: give --password-file FILE, or run redress from"
		                 " a terminal to type it");
	snprintf(prompt, sizeof(prompt), "New password for %s: ", name);
	if ((rc = cli_password_ask(prompt, out, size, err)) != REDRESS_OK)
		return rc;
	snprintf(prompt, sizeof(prompt), "The same again: ");
	if ((rc = cli_password_ask(prompt, again, sizeof(again), err)) == REDRESS_OK &&
	    strcmp(out, again) != 0)
		rc = error_set(err, REDRESS_E_INVALID, "the two passwords typed differ; nothing was changed");
	explicit_bzero(again, sizeof(again));
	if (rc != REDRESS_OK)
		explicit_bzero(out, size);
	return rc;
}

static int
user_add(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"role", required_argument, NULL, 'r'},
	    {"password-file", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char password[PASSWORD_MAX + 1];
	const char *file = NULL, *name;
	struct redress_error err;
	enum redress_err rc;
	enum role role = ROLE_MONITOR;
	int c, have_role = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (users_role_parse(optarg, &role, &err) != REDRESS_OK)
				return cli_usage_error("user", "--role: %s", err.message);
			have_role = 1;
			break;
		case 'p': file = optarg; break;
		case 'h': user_usage(stdout); return 0;
		default: return cli_bad_option("user", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("user", "'add' takes exactly one account NAME");
	if (!have_role)
		return cli_usage_error("user",
		                       "'add' needs --role admin|caseworker|reviewer|finance|monitor");
	name = argv[optind];
	if (users_name_check(name, &err) != REDRESS_OK)
		return cli_fail(&err);
	/* A file that cannot be read is found before anyone signs in. */
	if (file != NULL && cli_password_from_file(file, password, sizeof(password), &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_open_as(cli, CLI_WRITE, PERM_USERS_MANAGE, &err) != REDRESS_OK)
		goto fail;
	if (file == NULL && new_password(name, password, sizeof(password), &err) != REDRESS_OK)
		goto fail;
	if (tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	rc = users_add(cli->log, &cli->actor, keydir_master_key(cli->keydir), name, role, password, &err);
	if (rc != REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		goto fail;
	explicit_bzero(password, sizeof(password));
	printf("account %s (%s) added%s\n", name, users_role_name(role),
	       cli->actor.bootstrap ? ": from now on every command but 'audit' needs --as NAME" : "");
	return 0;
fail:
	explicit_bzero(password, sizeof(password));
	return cli_fail(&err);
}

struct list_out {
	struct store *store;
	json_t *json; /* an array, or NULL for text */
};

static enum redress_err
list_one(void *ctx, const char *name, enum role role, struct redress_error *err)
{
	struct list_out *out = ctx;
	struct users_account a;
	enum redress_err rc;

	if (out->json == NULL) {
		printf("%-24s %s\n", name, users_role_name(role));
		return REDRESS_OK;
	}
	if ((rc = users_account_get(out->store, name, &a, err)) != REDRESS_OK)
		return rc;
	json_array_append_new(out->json, users_account_json(&a));
	return REDRESS_OK;
}

static int
user_list(struct cli *cli, int argc, char **argv)
{
	struct list_out out = {NULL, NULL};
	struct redress_error err;
	int i, json = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			user_usage(stdout);
			return 0;
		} else {
			return cli_usage_error("user", "'list' takes only --json, not '%s'", argv[i]);
		}
	}
	if (cli_open_as(cli, CLI_READ, PERM_USERS_MANAGE, &err) != REDRESS_OK)
		return cli_fail(&err);
	out.store = tlog_store(cli->log);
	if (json)
		out.json = json_array();
	if (users_each(tlog_store(cli->log), list_one, &out, &err) != REDRESS_OK) {
		json_decref(out.json);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(out.json);
	return 0;
}

int
cmd_user(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		user_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "add") == 0)
		return user_add(cli, argc, argv);
	if (strcmp(sub, "list") == 0)
		return user_list(cli, argc, argv);
	return cli_usage_error("user", "'%s' is not a user command (add, list)", sub);
}
