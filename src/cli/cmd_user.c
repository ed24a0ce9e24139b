/*
 * cmd_user.c -- `redress user ...`: staff accounts and their roles, their
 * second factor, API tokens and locks.  Each change is one change on the
 * log; the password travels only as its Argon2id hash and the TOTP secret
 * only sealed under the master key, a token only as its SHA-256
 * (domain/users).  The secret and the token are printed once, by the
 * command that makes them, and wiped.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/qr.h"

static void
user_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress [--as USER] user add NAME --role ROLE [--password-file FILE]\n"
	        "       redress [--as USER] user list [--json]\n"
	        "       redress [--as USER] user totp NAME [--svg FILE]\n"
	        "       redress --as USER user token [USER]\n"
	        "       redress [--as USER] user revoke NAME\n"
	        "       redress [--as USER] user lock NAME --reason TEXT\n"
	        "       redress [--as USER] user unlock NAME\n"
	        "       redress [--as USER] user disable|enable NAME\n"
	        "       redress [--as USER] user password [NAME] [--password-file FILE]\n"
	        "       redress [--as USER] user role NAME ROLE\n"
	        "       redress user recover NAME [--password-file FILE]\n\n"
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
	        "list  the accounts, their roles, whether each has a second factor (totp yes/no),\n"
	        "      how many API tokens it holds and whether it is locked (--json: as JSON);\n"
	        "      never any password, secret or token.\n"
	        "totp  enrols a new second factor for NAME (replacing any earlier one): prints\n"
	        "      the otpauth:// URI and its QR code to scan with an authenticator app, once.\n"
	        "      --svg FILE also writes the QR code as an SVG image (mode 0600).  admin,\n"
	        "      reviewer and finance accounts sign in on the web with a code from it.\n"
	        "      An account may enrol itself.\n"
	        "token prints a new API token for the acting account itself (a bearer token for\n"
	        "      the JSON API), once: only its SHA-256 is kept.  No one makes a token for\n"
	        "      another account, not even an admin (four eyes must stay two people).\n"
	        "revoke ends every API token of NAME and prints how many.\n"
	        "lock  locks NAME (as the server does after repeated failed sign-ins): it signs\n"
	        "      in no more, by password or token; --reason is kept in the log, in clear.\n"
	        "unlock unlocks NAME.\n"
	        "disable ends NAME's access at once: its sessions and API tokens stop working and\n"
	        "      it signs in no more until 'enable'.  An admin may not disable itself.\n"
	        "password  without NAME: changes the --as account's own password (its current\n"
	        "      one from REDRESS_PASSWORD_FILE or the terminal, the new one from\n"
	        "      --password-file or typed twice); this is also how an account whose\n"
	        "      password was reset chooses a new one.  With NAME: an admin resets NAME's\n"
	        "      password, which NAME must change before signing in again.\n"
	        "role  changes NAME's role (an event on the log).  Granting admin takes two\n"
	        "      admins: the first records a pending grant, a second admin running the same\n"
	        "      command makes it.  The last admin cannot lose the role.\n"
	        "recover  with the fund's key directory, no account: gives NAME a new password\n"
	        "      and unlocks it (an event, by the operating-system user).  For the only\n"
	        "      admin, locked out or her password lost.  Run it on the server, as whoever\n"
	        "      holds the keys; --as is refused.\n\n"
	        "All need an admin (or the bootstrap), but for an account enrolling its own\n"
	        "second factor or making its own token, and recover, which needs the keys.\n",
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
		return cli_usage_error(
		    "user", "'add' needs --role admin|caseworker|reviewer|finance|monitor|appeals");
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

	(void)role;
	if ((rc = users_account_get(out->store, name, &a, err)) != REDRESS_OK)
		return rc;
	if (out->json != NULL)
		json_array_append_new(out->json, users_account_json(&a));
	else
		printf("%-24s %-10s totp %-3s  tokens %llu%s%s%s%s%s\n", a.name, users_role_name(a.role),
		       a.has_totp ? "yes" : "no", (unsigned long long)a.tokens, a.locked ? "  locked" : "",
		       a.disabled ? "  disabled" : "", a.must_change ? "  must-change-password" : "",
		       a.has_pending_role ? "  pending:" : "",
		       a.has_pending_role ? users_role_name(a.pending_role) : "");
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

/* What a subcommand that names one account was given. */
struct one_account {
	const char *name;
	const char *svg;    /* totp: --svg FILE */
	const char *reason; /* lock: --reason TEXT */
	char token[USERS_TOKEN_SIZE];
	uint64_t revoked;
};

/*
 * Parses "SUB NAME [options]": the options sub takes (--svg for totp,
 * --reason for lock) and exactly one account name.  Returns -1 to go on,
 * else the exit status (help printed, or a usage error).
 */
static int
one_account_args(const char *sub, int argc, char **argv, struct one_account *a)
{
	static const struct option options[] = {
	    {"svg", required_argument, NULL, 's'},
	    {"reason", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(a, 0, sizeof(*a));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (strcmp(sub, "totp") != 0)
				return cli_usage_error("user", "'%s' takes no --svg", sub);
			a->svg = optarg;
			break;
		case 'r':
			if (strcmp(sub, "lock") != 0)
				return cli_usage_error("user", "'%s' takes no --reason", sub);
			a->reason = optarg;
			break;
		case 'h': user_usage(stdout); return 0;
		default: return cli_bad_option("user", argv);
		}
	}
	/* A token is for the acting account itself: its name may be left out. */
	if (strcmp(sub, "token") == 0 && optind == argc)
		return -1;
	if (optind + 1 != argc)
		return cli_usage_error("user", "'%s' takes exactly one account NAME", sub);
	if (strcmp(sub, "lock") == 0 && a->reason == NULL)
		return cli_usage_error("user", "'lock' needs --reason TEXT (kept in the log, in clear)");
	a->name = argv[optind];
	return -1;
}

static enum redress_err
token_change(struct cli *cli, void *arg, struct redress_error *err)
{
	struct one_account *a = arg;

	if (a->name == NULL)
		a->name = cli->actor.name;
	return users_token_issue(cli->log, &cli->actor, a->name, a->token, sizeof(a->token), err);
}

static enum redress_err
revoke_change(struct cli *cli, void *arg, struct redress_error *err)
{
	struct one_account *a = arg;

	return users_tokens_revoke(cli->log, &cli->actor, a->name, &a->revoked, err);
}

static enum redress_err
lock_change(struct cli *cli, void *arg, struct redress_error *err)
{
	struct one_account *a = arg;

	return users_lock(cli->log, a->name, a->reason, err);
}

static enum redress_err
unlock_change(struct cli *cli, void *arg, struct redress_error *err)
{
	struct one_account *a = arg;

	return users_unlock(cli->log, &cli->actor, a->name, err);
}

static int
user_token(struct cli *cli, int argc, char **argv)
{
	struct one_account a;
	int rc;

	if ((rc = one_account_args("token", argc, argv, &a)) >= 0)
		return rc;
	if ((rc = cli_run_own_change(cli, token_change, &a)) == 0) {
		printf("%s\n", a.token);
		fprintf(stderr,
		        "API token for account %s: shown this once, only its hash is kept; give it to the"
		        " client as 'Authorization: Bearer TOKEN'; 'redress user revoke %s' ends it\n",
		        a.name, a.name);
	}
	explicit_bzero(a.token, sizeof(a.token));
	return rc;
}

static int
user_revoke(struct cli *cli, int argc, char **argv)
{
	struct one_account a;
	int rc;

	if ((rc = one_account_args("revoke", argc, argv, &a)) >= 0)
		return rc;
	if ((rc = cli_run_change(cli, PERM_USERS_MANAGE, revoke_change, &a)) == 0)
		printf("account %s: %llu API token%s revoked\n", a.name, (unsigned long long)a.revoked,
		       a.revoked == 1 ? "" : "s");
	return rc;
}

static int
user_lock(struct cli *cli, int argc, char **argv, int locked)
{
	struct one_account a;
	int rc;

	if ((rc = one_account_args(locked ? "lock" : "unlock", argc, argv, &a)) >= 0)
		return rc;
	if ((rc = cli_run_change(cli, PERM_USERS_MANAGE, locked ? lock_change : unlock_change, &a)) == 0)
		printf("account %s %s\n", a.name,
		       locked ? "locked: it signs in no more until 'redress user unlock'" : "unlocked");
	return rc;
}

/* Opens path for the SVG, mode 0600 (it holds the secret), refusing to follow a link. */
static enum redress_err
svg_open(const char *path, FILE **f_r, struct redress_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || (*f_r = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return error_set(err, REDRESS_E_IO, "cannot write '%.200s': %s", path, strerror(errno));
	}
	return REDRESS_OK;
}

static int
user_totp(struct cli *cli, int argc, char **argv)
{
	char uri[USERS_TOTP_URI_SIZE], label[USER_NAME_MAX + 48];
	struct redress_error err;
	struct one_account a;
	struct buf svg;
	FILE *f = NULL;
	int rc;

	if ((rc = one_account_args("totp", argc, argv, &a)) >= 0)
		return rc;
	uri[0] = '\0';
	buf_init(&svg, 1u << 20);
	/* A file that cannot be written is found before anything changes. */
	if (a.svg != NULL && svg_open(a.svg, &f, &err) != REDRESS_OK)
		goto fail;
	/* An account may enrol itself whatever its role: users_totp_enrol decides who may. */
	if (cli_open_signed_in(cli, CLI_WRITE, &err) != REDRESS_OK ||
	    tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (users_totp_enrol(cli->log, &cli->actor, keydir_master_key(cli->keydir), a.name, uri, sizeof(uri),
	                     &err) != REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		goto fail;
	printf("account %s: a new second factor is enrolled; any earlier one no longer works.\n"
	       "Scan the QR code with an authenticator app, or enter this URI in it (shown this once):\n"
	       "%s\n",
	       a.name, uri);
	if (qr_terminal(uri, stdout, &err) != REDRESS_OK)
		goto fail;
	if (f != NULL) {
		snprintf(label, sizeof(label), "Second factor (TOTP) for the redress account %s", a.name);
		if (qr_svg(uri, label, &svg, &err) != REDRESS_OK)
			goto fail;
		if (fwrite(svg.data, 1, svg.len, f) != svg.len || fclose(f) != 0) {
			f = NULL;
			error_set(
			    &err, REDRESS_E_IO,
			    "cannot write '%.200s': %s (the second factor is enrolled: use the URI above)",
			    a.svg, strerror(errno));
			goto fail;
		}
		f = NULL;
		printf("The QR code is also in %s (mode 0600): delete it once scanned.\n", a.svg);
	}
	rc = 0;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	if (f != NULL)
		fclose(f);
	explicit_bzero(uri, sizeof(uri));
	if (svg.data != NULL)
		explicit_bzero(svg.data, svg.cap);
	buf_free(&svg);
	return rc;
}

struct disable_arg {
	const char *name;
	int disabled;
};

static enum redress_err
disable_change(struct cli *cli, void *arg, struct redress_error *err)
{
	struct disable_arg *a = arg;

	return users_disable(cli->log, &cli->actor, a->name, a->disabled, err);
}

static int
user_disable(struct cli *cli, int argc, char **argv, int disabled)
{
	struct disable_arg a;
	struct one_account one;
	int rc;

	if ((rc = one_account_args(disabled ? "disable" : "enable", argc, argv, &one)) >= 0)
		return rc;
	a.name = one.name;
	a.disabled = disabled;
	if ((rc = cli_run_change(cli, PERM_USERS_MANAGE, disable_change, &a)) == 0)
		printf("account %s %s\n", a.name,
		       disabled ? "disabled: its sessions and API tokens end now; it signs in no more until"
		                  " 'redress user enable'"
		                : "enabled");
	return rc;
}

struct role_arg {
	const char *name;
	enum role role;
	int pending;
};

static enum redress_err
role_change(struct cli *cli, void *arg, struct redress_error *err)
{
	struct role_arg *a = arg;

	return users_role_set(cli->log, &cli->actor, keydir_master_key(cli->keydir), a->name, a->role,
	                      &a->pending, err);
}

static int
user_role(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	struct role_arg a;
	int rc;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		user_usage(stdout);
		return 0;
	}
	if (argc != 3)
		return cli_usage_error("user", "'role' takes an account NAME and a ROLE");
	a.name = argv[1];
	a.pending = 0;
	if (users_name_check(a.name, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (users_role_parse(argv[2], &a.role, &err) != REDRESS_OK)
		return cli_usage_error("user", "ROLE: %s", err.message);
	if ((rc = cli_run_change(cli, PERM_USERS_MANAGE, role_change, &a)) == 0) {
		if (a.pending)
			printf(
			    "account %s: the grant of admin is recorded and waits for a second admin to run"
			    " 'redress --as OTHER user role %s admin'\n",
			    a.name, a.name);
		else
			printf("account %s is now %s\n", a.name, users_role_name(a.role));
	}
	return rc;
}

/* `user password [NAME] [--password-file FILE]`. */
static int
user_password(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"password-file", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char old[PASSWORD_MAX + 1], password[PASSWORD_MAX + 1], actor[TLOG_ACTOR_MAX + 1];
	const char *file = NULL, *name = NULL;
	struct redress_error err;
	enum redress_err rc;
	int c, status;

	old[0] = password[0] = '\0';
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': file = optarg; break;
		case 'h': user_usage(stdout); return 0;
		default: return cli_bad_option("user", argv);
		}
	}
	if (optind + 1 < argc)
		return cli_usage_error("user", "'password' takes at most one account NAME");
	if (optind < argc)
		name = argv[optind];
	if (name != NULL && users_name_check(name, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (name == NULL && cli->as[0] == '\0')
		return cli_usage_error("user", "'password' without NAME changes your own: give --as NAME");
	if (file != NULL && cli_password_from_file(file, password, sizeof(password), &err) != REDRESS_OK)
		goto fail;
	if (name == NULL || strcmp(name, cli->as) == 0) {
		/* Your own: the current password proves it, even when a reset keeps you from signing in. */
		name = cli->as;
		if (cli_open(cli, CLI_WRITE, &err) != REDRESS_OK ||
		    cli_password_for(name, old, sizeof(old), &err) != REDRESS_OK)
			goto fail;
		if (file == NULL && new_password(name, password, sizeof(password), &err) != REDRESS_OK)
			goto fail;
		snprintf(actor, sizeof(actor), "user:%s", name);
		if (tlog_set_actor(cli->log, actor, &err) != REDRESS_OK ||
		    tlog_begin(cli->log, &err) != REDRESS_OK)
			goto fail;
		rc = users_password_change(cli->log, keydir_master_key(cli->keydir), name, old, password,
		                           &err);
	} else {
		if (cli_open_as(cli, CLI_WRITE, PERM_USERS_MANAGE, &err) != REDRESS_OK)
			goto fail;
		if (file == NULL && new_password(name, password, sizeof(password), &err) != REDRESS_OK)
			goto fail;
		if (tlog_begin(cli->log, &err) != REDRESS_OK)
			goto fail;
		rc = users_password_reset(cli->log, &cli->actor, keydir_master_key(cli->keydir), name,
		                          password, &err);
	}
	if (rc != REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (strcmp(name, cli->as) == 0)
		printf("account %s: password changed\n", name);
	else
		printf(
		    "account %s: password reset; it must choose a new one ('redress --as %s user password')"
		    " before it signs in again\n",
		    name, name);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
out:
	explicit_bzero(old, sizeof(old));
	explicit_bzero(password, sizeof(password));
	return status;
}

static int
user_recover(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"password-file", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char password[PASSWORD_MAX + 1];
	const char *file = NULL, *name;
	struct redress_error err;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': file = optarg; break;
		case 'h': user_usage(stdout); return 0;
		default: return cli_bad_option("user", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("user", "'recover' takes exactly one account NAME");
	if (cli->as[0] != '\0')
		return cli_usage_error(
		    "user", "'recover' acts with the fund's keys, not as an account: leave out --as");
	name = argv[optind];
	if (users_name_check(name, &err) != REDRESS_OK)
		return cli_fail(&err);
	password[0] = '\0';
	if (file != NULL && cli_password_from_file(file, password, sizeof(password), &err) != REDRESS_OK)
		return cli_fail(&err);
	/* The key directory is the authority: opening for writing needs it, and no one signs in. */
	if (cli_open(cli, CLI_WRITE, &err) != REDRESS_OK ||
	    (file == NULL && new_password(name, password, sizeof(password), &err) != REDRESS_OK) ||
	    tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (users_recover(cli->log, keydir_master_key(cli->keydir), name, password, &err) != REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK)
		goto fail;
	explicit_bzero(password, sizeof(password));
	printf("account %s recovered with the fund's keys: a new password, and unlocked\n", name);
	return 0;
fail:
	explicit_bzero(password, sizeof(password));
	return cli_fail(&err);
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
	if (strcmp(sub, "totp") == 0)
		return user_totp(cli, argc, argv);
	if (strcmp(sub, "token") == 0)
		return user_token(cli, argc, argv);
	if (strcmp(sub, "revoke") == 0)
		return user_revoke(cli, argc, argv);
	if (strcmp(sub, "lock") == 0)
		return user_lock(cli, argc, argv, 1);
	if (strcmp(sub, "unlock") == 0)
		return user_lock(cli, argc, argv, 0);
	if (strcmp(sub, "disable") == 0)
		return user_disable(cli, argc, argv, 1);
	if (strcmp(sub, "enable") == 0)
		return user_disable(cli, argc, argv, 0);
	if (strcmp(sub, "password") == 0)
		return user_password(cli, argc, argv);
	if (strcmp(sub, "role") == 0)
		return user_role(cli, argc, argv);
	if (strcmp(sub, "recover") == 0)
		return user_recover(cli, argc, argv);
	return cli_usage_error("user",
	                       "'%s' is not a user command (add, list, totp, token, revoke, lock, unlock,"
	                       " disable, enable, password, role, recover)",
	                       sub);
}
