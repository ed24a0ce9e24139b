/*
 * cli_office.c -- the command line's half of offices' scope (domain/offices):
 * a caseworker or reviewer of one office names a person of another, and
 * the command answers as for a pseudonym never registered (exit 13),
 * whatever the command.  Checked in one place, when the acting account has
 * signed in (cli_open_signed_in): every argument that is a pseudonym
 * (V-N, R-N) or a claim's id (C-N), and the number a command takes of a
 * note, task, grievance, referral or proposed change.  Lists filter their
 * rows with cli_sees.
 */
#include <string.h>

#include "cli/cli.h"
#include "domain/offices/offices.h"

/* The commands whose first argument after the subcommand is the number of something of a person's. */
static const struct {
	const char *cmd, *sub;
	enum offices_ref kind;
} numbered[] = {
    {"note", "show", OFFICES_REF_NOTE},
    {"task", "done", OFFICES_REF_TASK},
    {"grievance", "resolve", OFFICES_REF_GRIEVANCE},
    {"referral", "outcome", OFFICES_REF_REFERRAL},
    {"person", "approve-change", OFFICES_REF_CHANGE},
    {"person", "reject-change", OFFICES_REF_CHANGE},
};

/* 1 when s is a letter among first, '-' and one or more digits. */
static int
looks_like(const char *s, const char *first)
{
	size_t i;

	if (s[0] == '\0' || strchr(first, s[0]) == NULL || s[1] != '-' || s[2] == '\0')
		return 0;
	for (i = 2; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

enum redress_err
cli_scope_args(struct cli *cli, struct redress_error *err)
{
	struct store *store = tlog_store(cli->log);
	enum redress_err rc = REDRESS_OK;
	int i;
	size_t k;

	if (cli->argc < 2 || cli->argv == NULL)
		return REDRESS_OK;
	if ((rc = offices_scope_get(store, &cli->actor, &cli->scope, err)) != REDRESS_OK || cli->scope.across)
		return rc;
	for (i = 1; i < cli->argc && rc == REDRESS_OK; i++) {
		const char *a = cli->argv[i];

		if (looks_like(a, "VR"))
			rc = offices_require(store, &cli->actor, a, err);
		else if (looks_like(a, "C"))
			rc = offices_require_ref(store, &cli->actor, OFFICES_REF_CLAIM, a, err);
		else if (i >= 2 && a[0] >= '0' && a[0] <= '9')
			/* A number on such a command: its operand, or an option's value that does no harm
			 * checked. */
			for (k = 0; k < sizeof(numbered) / sizeof(numbered[0]) && rc == REDRESS_OK; k++)
				if (strcmp(cli->argv[0], numbered[k].cmd) == 0 &&
				    strcmp(cli->argv[1], numbered[k].sub) == 0)
					rc =
					    offices_require_ref(store, &cli->actor, numbered[k].kind, a, err);
	}
	return rc;
}

int
cli_sees(struct cli *cli, const char *pseudonym, struct redress_error *err)
{
	if (cli->scope.across)
		return 1;
	return offices_scope_sees(tlog_store(cli->log), &cli->scope, pseudonym, err);
}
