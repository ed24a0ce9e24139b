/*
 * cmd_note.c -- `redress note add|list|show`: case notes on a person's
 * file, sealed with her key; opening one is recorded (domain/casework).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/casework/casework.h"

static void
note_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress note add PSEUDONYM --file FILE\n"
	        "       redress note list PSEUDONYM [--json]\n"
	        "       redress note show NOTE --reason TEXT\n\n"
	        "Case notes: what a caseworker learnt or did, in her file.  A note's text is sealed\n"
	        "with her own key (erasing her makes it unreadable everywhere); the list shows only\n"
	        "who wrote each note, when, and how often it was opened.  show opens one and\n"
	        "records who read it, when, and --reason (sealed).\n"
	        "FILE is UTF-8 text of at most %d bytes.\n\n"
	        "add and show need a caseworker; list an account that reads persons.\n",
	        CASEWORK_TEXT_MAX);
}

/* A positive event number from the command line; 0 when text is not one. */
uint64_t
cli_number(const char *text)
{
	char *end;
	unsigned long long v;

	if (text == NULL || text[0] < '0' || text[0] > '9')
		return 0;
	v = strtoull(text, &end, 10);
	if (*end != '\0' || v > INT64_MAX)
		return 0;
	return v;
}

struct note_arg {
	const char *pseudonym, *reason;
	struct buf text;
	uint64_t note;
	char whose[REGISTRY_PSEUDONYM_MAX + 1];
	struct buf opened;
};

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct note_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return casework_note_add(cli->log, &cli->actor, &keys, a->pseudonym, a->text.data, &a->note, err);
}

static enum redress_err
do_show(struct cli *cli, void *arg, struct redress_error *err)
{
	struct note_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);
	enum redress_err rc;

	if ((rc = casework_note_open(cli->log, &cli->actor, &keys, a->note, a->reason, a->whose, &a->opened,
	                             err)) == REDRESS_OK)
		printf("note %" PRIu64 " on %s:\n%s\n", a->note, a->whose,
		       a->opened.data != NULL ? a->opened.data : "");
	return rc;
}

static enum redress_err
list_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	json_t *arr = ctx;

	if (arr != NULL) {
		if (json_array_append_new(arr, json_pack("{sIsssssssI}", "note", (json_int_t)it->seq,
		                                         "pseudonym", it->pseudonym, "by", it->actor, "at",
		                                         it->at, "opened", (json_int_t)it->opened)) != 0)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing notes");
		return REDRESS_OK;
	}
	printf("%" PRIu64 "\t%s\t%s\topened %" PRIu64 "\n", it->seq, it->actor, it->at, it->opened);
	return REDRESS_OK;
}

int
cmd_note(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"file", required_argument, NULL, 'f'},
	    {"reason", required_argument, NULL, 'r'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct note_arg a;
	struct redress_error err;
	const char *sub, *file = NULL;
	int c, json = 0, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		note_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0)
		return cli_usage_error("note", "'%s' is not a note command", sub);
	memset(&a, 0, sizeof(a));
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': file = optarg; break;
		case 'r': a.reason = optarg; break;
		case 'j': json = 1; break;
		case 'h': note_usage(stdout); return 0;
		default: return cli_bad_option("note", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("note", "'%s' takes one %s", sub,
		                       strcmp(sub, "show") == 0 ? "NOTE" : "PSEUDONYM");
	if (strcmp(sub, "add") == 0) {
		if (file == NULL)
			return cli_usage_error("note", "'add' needs --file FILE (the note's text)");
		a.pseudonym = argv[optind];
		if (cli_read_file(file, CASEWORK_TEXT_MAX, &a.text, &err) != REDRESS_OK)
			return cli_fail(&err);
		if (a.text.data == NULL || strlen(a.text.data) != a.text.len) {
			buf_free(&a.text);
			fprintf(stderr, "redress: '%.200s' is empty or holds a NUL byte: a note is text\n",
			        file);
			return redress_exit_code(REDRESS_E_INVALID);
		}
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_add, &a)) == 0)
			printf("%" PRIu64 "\n", a.note);
		explicit_bzero(a.text.data, a.text.len);
		buf_free(&a.text);
		return status;
	}
	if (strcmp(sub, "show") == 0) {
		if ((a.note = cli_number(argv[optind])) == 0)
			return cli_usage_error("note", "NOTE is the note's number, as 'note list' shows it");
		if (a.reason == NULL)
			return cli_usage_error("note", "'show' needs --reason: why the note is read");
		status = cli_run_change(cli, PERM_PERSONS_REVEAL, do_show, &a);
		if (a.opened.data != NULL)
			explicit_bzero(a.opened.data, a.opened.len);
		buf_free(&a.opened);
		return status;
	}
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	{
		json_t *arr = json ? json_array() : NULL;

		if (casework_notes_each(tlog_store(cli->log), argv[optind], list_one, arr, &err) !=
		    REDRESS_OK) {
			json_decref(arr);
			return cli_fail(&err);
		}
		if (arr != NULL)
			cli_print_json(arr);
	}
	return 0;
}
