/*
 * cmd_task.c -- `redress task add|list|done`: what must be done on a
 * person's file, by when and by whom (domain/casework).
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "domain/casework/casework.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"

static void
task_usage(FILE *f)
{
	fprintf(
	    f, "usage: redress task add PSEUDONYM --due YYYY-MM-DD --what TEXT [--for USER]\n"
	       "       redress task list [--mine] [--overdue] [--all] [--json]\n"
	       "       redress task done TASK\n\n"
	       "Tasks on a person's file.  --what is sealed with her key; --for gives the task to a\n"
	       "caseworker's account.  list shows the open tasks by due date (--all: done ones too;\n"
	       "--overdue: open tasks due before today; --mine: the acting account's), with what\n"
	       "each is, opened with her key.  done closes a task (once).\n"
	       "The open list also shows, as 'held', each instalment held for want of a proof of life\n"
	       "(programs paid in instalments): no one's task and no number, it goes once\n"
	       "a proof of life is recorded ('redress entitlements proof') and the next run releases it.\n\n"
	       "All need a caseworker.\n");
}

struct task_arg {
	const char *pseudonym, *due, *what, *assignee;
	uint64_t task;
};

static enum redress_err
do_add(struct cli *cli, void *arg, struct redress_error *err)
{
	struct task_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return casework_task_add(cli->log, &cli->actor, &keys, a->pseudonym, a->due, a->what, a->assignee,
	                         &a->task, err);
}

static enum redress_err
do_done(struct cli *cli, void *arg, struct redress_error *err)
{
	struct task_arg *a = arg;

	return casework_task_done(cli->log, &cli->actor, a->task, err);
}

struct list_ctx {
	struct cli *cli;
	json_t *json;
};

static enum redress_err
list_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct list_ctx *l = ctx;
	struct registry_keys keys = cli_registry_keys(l->cli);
	struct buf what;
	enum redress_err rc;
	int sees;

	/* Only the tasks of the people the account's office sees (domain/offices). */
	if ((sees = cli_sees(l->cli, it->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	buf_init_secret(&what, SEAL_PLAIN_MAX);
	if ((rc = casework_open_sealed(tlog_store(l->cli->log), &keys, it->pseudonym, "task", it->sealed,
	                               &what, err)) != REDRESS_OK) {
		/* An erased person's task stays listed; what it was can no longer be read. */
		if (rc != REDRESS_E_NOTFOUND)
			goto out;
		buf_reset(&what);
		buf_puts(&what, "(erased)");
		rc = REDRESS_OK;
	}
	if (l->json != NULL) {
		if (json_array_append_new(l->json, json_pack("{sIsssssssssbss}", "task", (json_int_t)it->seq,
		                                             "pseudonym", it->pseudonym, "due", it->due,
		                                             "for", it->assignee, "by", it->actor, "done",
		                                             it->closed_seq != 0, "what",
		                                             what.data != NULL ? what.data : "")) != 0)
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory listing tasks");
		goto out;
	}
	printf("%" PRIu64 "\t%s\tdue %s\t%s\t%s\t%s\n", it->seq, it->pseudonym, it->due,
	       it->assignee[0] != '\0' ? it->assignee : "-", it->closed_seq != 0 ? "done" : "open",
	       what.data != NULL ? what.data : "");
out:
	buf_free(&what);
	return rc;
}

/*
 * The instalments held for want of a proof of life, as tasks of the open
 * list: derived from the entitlements' state (domain/entitlements), so
 * they have no number and no one marks them done; a proof of life and the
 * next run end them.  With --overdue, those due before today.
 */
struct held_ctx {
	struct list_ctx *l;
	int overdue;
	char today[11];
};

static enum redress_err
held_program(void *ctx, const struct program *prog, struct redress_error *err)
{
	struct held_ctx *h = ctx;
	struct list_ctx *l = h->l;
	struct entitlement *items = NULL;
	enum redress_err rc = REDRESS_OK;
	size_t n = 0, i;
	int sees;

	if (prog->rules.form != PROGRAM_FORM_INSTALMENTS)
		return REDRESS_OK;
	if ((rc = entitlements_held(tlog_store(l->cli->log), prog->code, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < n && rc == REDRESS_OK; i++) {
		const struct entitlement *e = &items[i];

		if (h->overdue && strcmp(e->due_on, h->today) >= 0)
			continue;
		/* Only the people the account's office sees (domain/offices). */
		if ((sees = cli_sees(l->cli, e->beneficiary, err)) <= 0) {
			if (sees < 0)
				rc = err->code;
			continue;
		}
		if (l->json != NULL) {
			if (json_array_append_new(
			        l->json,
			        json_pack("{sssssssssss{ss}}", "held", e->id, "pseudonym", e->beneficiary,
			                  "program", prog->code, "due", e->due_on, "what",
			                  "a proof of life before the instalment is released", "done_by",
			                  "command", "redress entitlements proof")) != 0)
				rc = error_set(err, REDRESS_E_NOMEM, "out of memory listing tasks");
			continue;
		}
		printf("held\t%s\tdue %s\t-\topen\ta proof of life needed: instalment %s of %s"
		       " (redress entitlements proof %s --date D)\n",
		       e->beneficiary, e->due_on, e->id, prog->code, e->beneficiary);
	}
	free(items);
	return rc;
}

int
cmd_task(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"due", required_argument, NULL, 'd'},
	    {"what", required_argument, NULL, 'w'},
	    {"for", required_argument, NULL, 'f'},
	    {"mine", no_argument, NULL, 'm'},
	    {"overdue", no_argument, NULL, 'o'},
	    {"all", no_argument, NULL, 'a'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct casework_task_filter f = {NULL, 0, 1};
	struct task_arg a;
	struct list_ctx l = {cli, NULL};
	struct redress_error err;
	const char *sub;
	int c, json = 0, mine = 0, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		task_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	sub = argv[1];
	if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0 && strcmp(sub, "done") != 0)
		return cli_usage_error("task", "'%s' is not a task command", sub);
	memset(&a, 0, sizeof(a));
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd': a.due = optarg; break;
		case 'w': a.what = optarg; break;
		case 'f': a.assignee = optarg; break;
		case 'm': mine = 1; break;
		case 'o': f.overdue = 1; break;
		case 'a': f.open = 0; break;
		case 'j': json = 1; break;
		case 'h': task_usage(stdout); return 0;
		default: return cli_bad_option("task", argv);
		}
	}
	if (strcmp(sub, "add") == 0) {
		if (optind + 1 != argc || a.due == NULL || a.what == NULL)
			return cli_usage_error("task", "'add' takes one PSEUDONYM, --due and --what");
		a.pseudonym = argv[optind];
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_add, &a)) == 0)
			printf("%" PRIu64 "\n", a.task);
		return status;
	}
	if (strcmp(sub, "done") == 0) {
		if (optind + 1 != argc || (a.task = cli_number(argv[optind])) == 0)
			return cli_usage_error("task", "'done' takes one TASK, the number 'task list' shows");
		if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_done, &a)) == 0)
			printf("task %" PRIu64 ": done\n", a.task);
		return status;
	}
	if (optind != argc)
		return cli_usage_error("task", "'list' takes no argument '%s'", argv[optind]);
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_WRITE, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (mine)
		f.assignee = cli->actor.name;
	if (json)
		l.json = json_array();
	if (casework_tasks_each(tlog_store(cli->log), &f, list_one, &l, &err) != REDRESS_OK) {
		json_decref(l.json);
		return cli_fail(&err);
	}
	/* Held instalments are no one's and always open: not in --mine or --all's done ones, but open. */
	if (!mine) {
		struct held_ctx h = {&l, f.overdue, ""};
		char now[CLOCK_TEXT_SIZE];

		clock_now_text(now);
		memcpy(h.today, now, 10); /* the day, as due dates are written */
		if (program_each(tlog_store(cli->log), held_program, &h, &err) != REDRESS_OK) {
			json_decref(l.json);
			return cli_fail(&err);
		}
	}
	if (l.json != NULL)
		cli_print_json(l.json);
	return 0;
}
