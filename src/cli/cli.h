/*
 * cli.h -- what the `redress` subcommands share: the global options, opening
 * the database, the keys and the log, and printing.  One file per
 * subcommand (cmd_*.c) behind the dispatcher in main.c, as in git.
 */
#ifndef REDRESS_CLI_H
#define REDRESS_CLI_H

#include <jansson.h>
#include <stdio.h>

#include "core/error.h"
#include "crypto/keydir.h"
#include "domain/offices/offices.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/cosig.h"
#include "log/tlog.h"
#include "store/store.h"

#define CLI_PATH_MAX 4096

struct cli {
	char db[CLI_PATH_MAX];            /* --db, REDRESS_DB, or ./redress.db */
	char keys[CLI_PATH_MAX];          /* --keys, REDRESS_KEYS, or beside the database */
	char os_user[TLOG_ACTOR_MAX + 1]; /* "os:NAME", the bootstrap actor's name */
	char as[USER_NAME_MAX + 1];       /* --as: the staff account to act as, or "" */
	struct actor actor;               /* who is acting, once cli_open_as() has run */
	/* Opened by cli_open(), closed by cli_close(). */
	struct store *store;
	struct keydir *keydir;
	struct tlog *log;
	int high_water_later; /* cli_open leaves the high-water check to the command (audit verify) */
	int keys_check_later; /* cli_open leaves the keys' fingerprints to the command (keys rotate) */
	/* The command's words (argv[0] the command), for cli_scope_args; and the actor's scope it found. */
	int argc;
	char **argv;
	struct offices_scope scope;
};

enum cli_open_mode {
	CLI_READ,  /* the log without its signing key */
	CLI_WRITE, /* the log with its key: changes are possible */
};

/*
 * Checks the open log against the high-water checkpoint in the key
 * directory (tlog_high_water); with keep, the log keeps it up to date.
 */
enum redress_err cli_high_water(struct cli *cli, int keep, struct redress_error *err);

/*
 * Opens the database, (for CLI_WRITE) the keys, and the log, and checks the
 * log against the high-water checkpoint in the key directory.
 */
enum redress_err cli_open(struct cli *cli, enum cli_open_mode mode, struct redress_error *err);

/*
 * cli_open(), then establishes who is acting (cli->actor) and attributes
 * the log's events to them: while the fund has no staff accounts, the OS
 * user (the bootstrap, "os:NAME"; --as is then REDRESS_E_REFUSED); once it
 * has, the account named by --as ("user:NAME"), whose password is read
 * from the file named by REDRESS_PASSWORD_FILE or asked on the terminal
 * (no --as, or a wrong name or password: REDRESS_E_REFUSED).  Opens the
 * keys in either mode: signing in needs the master key.  Then checks that
 * the actor may do perm (REDRESS_E_REFUSED naming account, role and what).
 * On failure everything is closed again.
 */
enum redress_err cli_open_as(struct cli *cli, enum cli_open_mode mode, enum permission perm,
                             struct redress_error *err);

/*
 * cli_open_as without the check of a permission: for what an account may
 * do to itself whatever its role (enrolling its own second factor), where
 * the domain function checks who may.
 */
enum redress_err cli_open_signed_in(struct cli *cli, enum cli_open_mode mode, struct redress_error *err);

/*
 * Opens the key directory when cli_open() did not (CLI_READ), and checks
 * that its log key is the one the database was created with
 * (REDRESS_E_KEYS otherwise).
 */
enum redress_err cli_open_keys(struct cli *cli, struct redress_error *err);

/*
 * Registers with cli->log the projection of events to their public parts
 * (the feed's, keyed with the key directory's index key), so that appends
 * write version-3 events and audit recomputes their leaves.  Nothing
 * without a log or a key directory.
 */
void cli_log_public(struct cli *cli);

/*
 * Offices (cli_office.c): REDRESS_E_NOTFOUND, as for a person never
 * registered, when the command's arguments name a person (or her claim,
 * note, task ...) the signed-in account's office does not see; fills
 * cli->scope.  cli_open_signed_in calls it.
 */
enum redress_err cli_scope_args(struct cli *cli, struct redress_error *err);
/* 1 when the acting account sees pseudonym, 0 when not, -1 with err set: for lists. */
int cli_sees(struct cli *cli, const char *pseudonym, struct redress_error *err);

/* The registry's keys from the key directory (after cli_open_as). */
struct registry_keys cli_registry_keys(const struct cli *cli);

/*
 * Staff passwords (password.c).  Each fills out (size bytes, at least
 * PASSWORD_MAX + 1) with one line, without its newline, and the caller
 * wipes it with explicit_bzero() once used; on failure out holds nothing.
 *   cli_password_for:       the password of account name for --as: the
 *                           first line of the file REDRESS_PASSWORD_FILE
 *                           names, else typed on the terminal when stdin
 *                           is one, else REDRESS_E_USAGE saying so;
 *   cli_password_from_file: the first line of path;
 *   cli_password_ask:       typed on /dev/tty after prompt, echo off.
 */
enum redress_err cli_password_for(const char *name, char *out, size_t size, struct redress_error *err);
enum redress_err cli_password_from_file(const char *path, char *out, size_t size, struct redress_error *err);
enum redress_err cli_password_ask(const char *prompt, char *out, size_t size, struct redress_error *err);
void cli_close(struct cli *cli);

/*
 * Creates the database, the key directory and the log, and leaves them open
 * in cli.  Refuses an existing log or key; on failure removes what it made.
 */
enum redress_err cli_init_database(struct cli *cli, const char *origin, struct redress_error *err);

/* A fresh origin: "redress.local/" and 16 random hex digits. */
void cli_default_origin(char *origin, size_t size);

/*
 * Reads the whole file path (at most max bytes, else REDRESS_E_INVALID
 * saying so before reading) into out, which it initialises; the caller
 * frees out with buf_free().  On failure out holds nothing.
 */
enum redress_err cli_read_file(const char *path, size_t max, struct buf *out, struct redress_error *err);

/*
 * Writes len bytes to path, created (or truncated) with mode 0600 because
 * it holds what others may not read (a pain.001 file's bank details), and
 * synced.  REDRESS_E_IO naming the path on failure.
 */
enum redress_err cli_write_private(const char *path, const char *data, size_t len, struct redress_error *err);

/*
 * Runs fn as one change (tlog_begin ... tlog_commit) as an account that may
 * do perm; rolls back on fn's error.  Returns the exit status, having
 * reported any error.  What fn prints on standard output is held until the
 * change has committed, and dropped if it did not.
 */
int cli_run_change(struct cli *cli, enum permission perm,
                   enum redress_err (*fn)(struct cli *cli, void *arg, struct redress_error *err), void *arg);

/* cli_run_change for any signed-in account: fn decides what it may do (its own things). */
int cli_run_own_change(struct cli *cli,
                       enum redress_err (*fn)(struct cli *cli, void *arg, struct redress_error *err),
                       void *arg);

/* The modules redress is made of, NULL-terminated, for the log. */
extern const struct event_module *const cli_modules[];

/* Prints a JSON value to stdout, indented, with a newline; takes the reference. */
void cli_print_json(json_t *value);

/*
 * Reports an error on stderr as "redress: MESSAGE" and returns the exit
 * status documented for it.
 */
int cli_fail(const struct redress_error *err);

/* A usage error: prints "redress CMD: MESSAGE" and the hint, returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An option getopt did not accept: names it, returns 2. */
int cli_bad_option(const char *cmd, char **argv);

/* Subcommands: argv[0] is the subcommand's name. */
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_migrate(struct cli *cli, int argc, char **argv);
/* `migrate --to URI` (cmd_migrate_to.c): a SQLite fund into an empty PostgreSQL database; an exit status. */
int cli_migrate_to(struct cli *cli, const char *target);
int cmd_ledger(struct cli *cli, int argc, char **argv);
int cmd_audit(struct cli *cli, int argc, char **argv);
int cmd_demo(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_person(struct cli *cli, int argc, char **argv);
int cmd_relation(struct cli *cli, int argc, char **argv);
int cmd_consent(struct cli *cli, int argc, char **argv);
int cmd_consult(struct cli *cli, int argc, char **argv);
int cmd_program(struct cli *cli, int argc, char **argv);
int cmd_claim(struct cli *cli, int argc, char **argv);
int cmd_entitlements(struct cli *cli, int argc, char **argv);
int cmd_queue(struct cli *cli, int argc, char **argv);
int cmd_pay(struct cli *cli, int argc, char **argv);
/* `person bank`, in cmd_pay.c: argv[0] is "bank". */
int cmd_person_bank(struct cli *cli, int argc, char **argv);
/* `person update`, `approve-change`, `reject-change`, `changes` (cmd_person_change.c): argv[0] is which. */
int cmd_person_change(struct cli *cli, int argc, char **argv);
void cli_person_change_usage(FILE *f);
int cmd_serve(struct cli *cli, int argc, char **argv);

/* Closes what cli has open and serves the database on listen ("HOST:PORT"), as `serve` does. */
int cli_serve_at(struct cli *cli, const char *listen);
int cmd_pledge(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_backup(struct cli *cli, int argc, char **argv);
int cmd_restore(struct cli *cli, int argc, char **argv);
int cmd_keys(struct cli *cli, int argc, char **argv);
int cmd_witness(struct cli *cli, int argc, char **argv);
int cmd_receipt(struct cli *cli, int argc, char **argv);
int cmd_fund(struct cli *cli, int argc, char **argv);
/* Casework (domain/casework): notes, tasks, contacts, referrals, grievances. */
int cmd_note(struct cli *cli, int argc, char **argv);
/* Letters to a person (http/notice.h): decision, payment, reminder. */
int cmd_notice(struct cli *cli, int argc, char **argv);
int cmd_task(struct cli *cli, int argc, char **argv);
int cmd_contact(struct cli *cli, int argc, char **argv);
int cmd_referral(struct cli *cli, int argc, char **argv);
int cmd_grievance(struct cli *cli, int argc, char **argv);
int cmd_outreach(struct cli *cli, int argc, char **argv);
/* Suspected duplicates (domain/dups): list the pairs, decide each. */
int cmd_duplicates(struct cli *cli, int argc, char **argv);
/* Adds "merged_into" and "merged_event" to a case file's JSON when pseudonym was merged (cmd_duplicates.c). */
enum redress_err cli_merged_json(struct store *store, const char *pseudonym, json_t *file,
                                 struct redress_error *err);
/* Offices (domain/offices): their regions and staff, and a person's transfer. */
int cmd_office(struct cli *cli, int argc, char **argv);
/* A positive event number given on the command line (cmd_note.c); 0 when text is not one. */
uint64_t cli_number(const char *text);

/*
 * A witness policy from the command line (cmd_witness.c): --witness VKEY
 * (repeatable) adds a witness, --witness-threshold K sets how many must
 * have cosigned.  Each returns 0 after a usage error naming cmd (its exit
 * status is then 2), else 1.  cli_policy_finish checks the two agree; a
 * policy with witnesses and no threshold needs all of them.
 */
int cli_policy_witness(struct cosig_policy *policy, const char *cmd, const char *vkey);
int cli_policy_threshold(struct cosig_policy *policy, const char *cmd, const char *text);
int cli_policy_finish(struct cosig_policy *policy, const char *cmd);

/* The options every offline check shares: --pubkey FILE and a witness policy. */
struct cli_verify_opts {
	const char *pubkey;
	struct cosig_policy policy;
};

/*
 * Parses the options of `CMD verify FILE` (--pubkey, --witness,
 * --witness-threshold, --help) into o.  Returns -1 when the command goes
 * on (argv[optind] is FILE), else the exit status (after the usage or an
 * error was printed).
 */
int cli_verify_options(const char *cmd, int argc, char **argv, void (*usage)(FILE *),
                       struct cli_verify_opts *o);

/*
 * Loads the verifier key text, one line without its newline, into key
 * (initialised here; the caller frees it with buf_free()): the file pubkey,
 * or the key of the database when pubkey is NULL.  On failure key holds
 * nothing.
 */
enum redress_err cli_verifier_key(struct cli *cli, const char *pubkey, struct buf *key,
                                  struct redress_error *err);

/*
 * Asks the witnesses listed in the key directory's witnesses file (if any)
 * to cosign the log's latest checkpoint, keeping what they answer.  Best
 * effort; *got_r and *asked_r (may be NULL) count.  The log must be open
 * for writing.
 */
enum redress_err cli_cosign(struct cli *cli, size_t *asked_r, size_t *got_r, struct redress_error *err);

#endif
