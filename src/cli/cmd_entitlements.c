/*
 * cmd_entitlements.c -- `redress entitlements compute` and `redress queue`:
 * what approved claims are owed, booked as payables, and the order the
 * fund pays them in.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"

static void
entitlements_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: redress entitlements compute --program CODE [--dry-run] [--json]\n"
	    "       redress entitlements proof PSEUDONYM --date YYYY-MM-DD\n"
	    "       redress entitlements service CLAIM --service CODE --state scheduled|delivered|refused\n"
	    "               --date YYYY-MM-DD --provider TEXT\n"
	    "       redress entitlements services CLAIM [--json]\n"
	    "       redress entitlements held --program CODE [--json]\n"
	    "       redress entitlements benefit PSEUDONYM --benefit CODE --date YYYY-MM-DD [--ended]\n\n"
	    "Books what every approved claim of the program is owed, by the program's rules:\n"
	    "the survivor amount to a victim alive on the cutoff date; the bereaved amount,\n"
	    "shared by exact fractions, to the heirs of a victim who had died by then.  Each\n"
	    "is a payable in the ledger (payable account to expense account).  Running it again\n"
	    "books nothing twice; it follows changed wishes (a person who declines is booked as\n"
	    "declined and never paid).  A run that would make the fund owe more than it holds\n"
	    "books nothing and says by how much it falls short.  Needs a finance account.\n"
	    "Under a program that pays by harm, a claim is owed its approved harms (units\n"
	    "valued on the day of the run), combined and capped per family, then per person;\n"
	    "a beneficiary paid by a program its rules exclude is left out.  Under a program\n"
	    "paid in instalments it books a schedule and releases each instalment when due,\n"
	    "if she has a proof of life recent enough; else it is held until 'proof' records\n"
	    "one (a caseworker).  A death stops the schedule as the program says.\n"
	    "'service' records a service in kind of an approved claim's program (its date and\n"
	    "provider, an organisation; no money moves): scheduled, then delivered or refused.\n"
	    "'held' lists the instalments held for want of a proof of life, oldest due first,\n"
	    "with her latest proof: whom a caseworker should see.\n"
	    "'benefit' records on her file another benefit she receives (or, --ended, no\n"
	    "longer does) from a day: a program excluding people who receive it leaves her out.\n\n"
	    "  --dry-run  compute and report, book nothing\n"
	    "  --json     the run's figures as JSON\n"
	    "  --date     the day the proof of life was given, or the service's\n"
	    "  --service  a code of the program's services in kind\n"
	    "  --state    scheduled, delivered or refused\n"
	    "  --provider who gives the service (an organisation)\n"
	    "  --benefit  the code of another benefit (\"state-pension\")\n"
	    "  --ended    she no longer receives it\n");
}

static void
queue_usage(FILE *f)
{
	fprintf(f, "usage: redress queue --program CODE [--json]\n\n"
	           "The entitlements owed and not yet paid, in the order the fund pays them: the\n"
	           "most frail first, then the oldest, then in order of booking.  Entitlements the bank\n"
	           "returned are listed with its reason; those in a batch at the bank are not.\n"
	           "Pseudonyms only.\n"
	           "Needs a finance account.\n");
}

/* Parses --program CODE, --dry-run and --json; returns -1 for --help, else 0 or an exit status. */
static int
parse_program_options(int argc, char **argv, const char *cmd, const char **program, int *dry, int *json)
{
	static const struct option options[] = {
	    {"program", required_argument, NULL, 'p'},
	    {"dry-run", no_argument, NULL, 'd'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	*program = NULL;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': *program = optarg; break;
		case 'd':
			if (dry == NULL)
				return cli_bad_option(cmd, argv);
			*dry = 1;
			break;
		case 'j':
			if (json == NULL)
				return cli_bad_option(cmd, argv);
			*json = 1;
			break;
		case 'h': return -1;
		default: return cli_bad_option(cmd, argv);
		}
	}
	if (optind != argc)
		return cli_usage_error(cmd, "unexpected argument '%s'", argv[optind]);
	if (*program == NULL)
		return cli_usage_error(cmd, "--program CODE is required");
	return 0;
}

struct proof_arg {
	const char *person, *on;
};

static enum redress_err
do_proof(struct cli *cli, void *arg, struct redress_error *err)
{
	struct proof_arg *a = arg;

	return entitlements_proof_record(cli->log, &cli->actor, a->person, a->on, err);
}

/* entitlements proof PSEUDONYM --date YYYY-MM-DD */
static int
proof_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"date", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct proof_arg a = {NULL, NULL};
	int c, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'd': a.on = optarg; break;
		case 'h': entitlements_usage(stdout); return 0;
		default: return cli_bad_option("entitlements", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("entitlements", "'proof' takes exactly one PSEUDONYM");
	if (a.on == NULL)
		return cli_usage_error("entitlements", "'proof' needs --date YYYY-MM-DD");
	a.person = argv[optind];
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_proof, &a)) == 0)
		printf("proof of life of %s on %s recorded\n", a.person, a.on);
	return status;
}

struct benefit_arg {
	const char *person, *benefit, *on;
	int ended;
};

static enum redress_err
do_benefit(struct cli *cli, void *arg, struct redress_error *err)
{
	struct benefit_arg *a = arg;

	return entitlements_benefit_record(cli->log, &cli->actor, a->person, a->benefit, !a->ended, a->on,
	                                   err);
}

/* entitlements benefit PSEUDONYM --benefit CODE --date YYYY-MM-DD [--ended] */
static int
benefit_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"benefit", required_argument, NULL, 'b'},
	    {"date", required_argument, NULL, 'd'},
	    {"ended", no_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct benefit_arg a = {NULL, NULL, NULL, 0};
	int c, status;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'b': a.benefit = optarg; break;
		case 'd': a.on = optarg; break;
		case 'e': a.ended = 1; break;
		case 'h': entitlements_usage(stdout); return 0;
		default: return cli_bad_option("entitlements", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("entitlements", "'benefit' takes exactly one PSEUDONYM");
	if (a.benefit == NULL || a.on == NULL)
		return cli_usage_error("entitlements",
		                       "'benefit' needs --benefit CODE and --date YYYY-MM-DD");
	a.person = argv[optind];
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_benefit, &a)) == 0)
		printf("%s %s %s from %s\n", a.person, a.ended ? "no longer receives" : "receives", a.benefit,
		       a.on);
	return status;
}

struct service_arg {
	const char *claim, *service, *on, *provider;
	enum entitlement_service_state state;
};

static enum redress_err
do_service(struct cli *cli, void *arg, struct redress_error *err)
{
	struct service_arg *a = arg;

	return entitlements_service_record(cli->log, &cli->actor, a->claim, a->service, a->state, a->on,
	                                   a->provider, err);
}

/* entitlements service CLAIM --service CODE --state STATE --date D --provider TEXT */
static int
service_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"service", required_argument, NULL, 's'}, {"state", required_argument, NULL, 't'},
	    {"date", required_argument, NULL, 'd'},    {"provider", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	struct service_arg a;
	const char *state = NULL;
	int c, status;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's': a.service = optarg; break;
		case 't': state = optarg; break;
		case 'd': a.on = optarg; break;
		case 'p': a.provider = optarg; break;
		case 'h': entitlements_usage(stdout); return 0;
		default: return cli_bad_option("entitlements", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("entitlements", "'service' takes exactly one CLAIM");
	a.claim = argv[optind];
	if (a.service == NULL || state == NULL || a.on == NULL || a.provider == NULL)
		return cli_usage_error("entitlements",
		                       "'service' needs --service CODE, --state STATE, --date YYYY-MM-DD and"
		                       " --provider TEXT");
	if (!entitlement_service_state_parse(state, &a.state))
		return cli_usage_error("entitlements", "--state is scheduled, delivered or refused, not '%s'",
		                       state);
	if ((status = cli_run_change(cli, PERM_PERSONS_WRITE, do_service, &a)) == 0)
		printf("claim %s: service %s %s on %s by %s\n", a.claim, a.service, state, a.on, a.provider);
	return status;
}

/* Appends v (taken; NULL when out of memory) to array. */
static enum redress_err
json_push(json_t *array, json_t *v, struct redress_error *err)
{
	if (v == NULL || json_array_append_new(array, v) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	return REDRESS_OK;
}

static enum redress_err
service_row(void *ctx, const struct entitlement_service *s, struct redress_error *err)
{
	json_t *array = ctx;

	if (array != NULL)
		return json_push(array, entitlement_service_json(s), err);
	printf("%-6llu %-16s %-10s %s  %s (by %s)\n", (unsigned long long)s->seq, s->service,
	       entitlement_service_state_name(s->state), s->on, s->provider, s->actor);
	return REDRESS_OK;
}

/* entitlements services CLAIM [--json] */
static int
services_cmd(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	json_t *array = NULL;
	const char *claim = NULL;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			array = array != NULL ? array : json_array();
		else if (argv[i][0] == '-')
			return cli_usage_error("entitlements", "unknown option '%s' for 'services'", argv[i]);
		else if (claim == NULL)
			claim = argv[i];
		else
			return cli_usage_error("entitlements", "'services' takes one CLAIM");
	}
	if (claim == NULL) {
		json_decref(array);
		return cli_usage_error("entitlements", "'services' needs a CLAIM");
	}
	if (cli_open_as(cli, CLI_READ, PERM_CLAIMS_READ, &err) != REDRESS_OK ||
	    entitlements_service_each(tlog_store(cli->log), claim, service_row, array, &err) != REDRESS_OK) {
		json_decref(array);
		return cli_fail(&err);
	}
	if (array != NULL)
		cli_print_json(array);
	return 0;
}

/* entitlements held --program CODE [--json] */
static int
held_cmd(struct cli *cli, int argc, char **argv)
{
	struct redress_error err;
	struct entitlement *items = NULL;
	char proof[11], amount[MONEY_TEXT_SIZE];
	const char *program;
	json_t *array = NULL;
	size_t n = 0, i;
	struct program *p = NULL;
	int json = 0, status;

	if ((status = parse_program_options(argc, argv, "entitlements", &program, NULL, &json)) != 0) {
		if (status < 0)
			entitlements_usage(stdout);
		return status < 0 ? 0 : status;
	}
	/* An unknown program is not an empty list; a program with its rules is some kilobytes. */
	if ((p = malloc(sizeof(*p))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		goto fail;
	}
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK ||
	    program_get(tlog_store(cli->log), program, p, &err) != REDRESS_OK ||
	    entitlements_held(tlog_store(cli->log), program, &items, &n, &err) != REDRESS_OK)
		goto fail;
	if (json && (array = json_array()) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < n; i++) {
		if (entitlements_latest_proof(tlog_store(cli->log), items[i].beneficiary, proof, &err) !=
		    REDRESS_OK)
			goto fail;
		if (array != NULL) {
			if (json_push(array, entitlement_held_json(&items[i], proof), &err) != REDRESS_OK)
				goto fail;
			continue;
		}
		money_format(items[i].amount, currency_find(items[i].currency, NULL), amount, sizeof(amount));
		printf("%-10s %-24s due %s  %18s %s  last proof of life: %s\n", items[i].beneficiary,
		       items[i].id, items[i].due_on, amount, items[i].currency,
		       proof[0] != '\0' ? proof : "none");
	}
	if (array != NULL)
		cli_print_json(array);
	else if (n == 0)
		printf("no instalment of %s is held\n", program);
	free(items);
	free(p);
	return 0;
fail:
	json_decref(array);
	free(items);
	free(p);
	return cli_fail(&err);
}

int
cmd_entitlements(struct cli *cli, int argc, char **argv)
{
	struct entitlements_run run;
	struct redress_error err;
	char total[MONEY_TEXT_SIZE];
	const char *program;
	int dry = 0, json = 0, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		entitlements_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "proof") == 0)
		return proof_cmd(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "service") == 0)
		return service_cmd(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "services") == 0)
		return services_cmd(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "held") == 0)
		return held_cmd(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "benefit") == 0)
		return benefit_cmd(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "compute") != 0)
		return cli_usage_error("entitlements", "'%s' is not an entitlements command", argv[1]);
	argc--, argv++;
	if ((status = parse_program_options(argc, argv, "entitlements", &program, &dry, &json)) != 0) {
		if (status < 0)
			entitlements_usage(stdout);
		return status < 0 ? 0 : status;
	}
	if (cli_open_as(cli, CLI_WRITE, PERM_ENTITLEMENTS_RUN, &err) != REDRESS_OK ||
	    tlog_begin(cli->log, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (entitlements_compute(cli->log, &cli->actor, program, &run, &err) != REDRESS_OK) {
		tlog_rollback(cli->log);
		return cli_fail(&err);
	}
	if (dry)
		tlog_rollback(cli->log);
	else if (tlog_commit(cli->log, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json) {
		cli_print_json(entitlements_run_json(program, dry, &run));
		return 0;
	}
	snprintf(total, sizeof(total), "%lld", (long long)run.total);
	printf("%s%llu entitlements%s (%llu of them declined by the person), %s in minor units;"
	       " %llu already booked, %llu moved by a changed wish\n",
	       dry ? "dry run, nothing changed: would book " : "", (unsigned long long)run.booked,
	       dry ? "" : " booked", (unsigned long long)run.declined, total, (unsigned long long)run.skipped,
	       (unsigned long long)run.changed);
	if (run.unresolved > 0)
		printf("%llu approved claims cannot be computed yet; the first: %s\n",
		       (unsigned long long)run.unresolved, run.first_unresolved);
	if (run.excluded > 0)
		printf("%llu beneficiaries left out: a program the rules exclude pays them\n",
		       (unsigned long long)run.excluded);
	if (run.released > 0 || run.held > 0)
		printf("%llu instalments released to the queue, %llu held for want of a proof of life\n",
		       (unsigned long long)run.released, (unsigned long long)run.held);
	if (run.capped > 0)
		printf("%lld in minor units held back by the caps per family and per person\n",
		       (long long)run.capped);
	if (run.ended_at_death > 0)
		printf("%llu approved claims owe nothing: the victim died after the cutoff and %s's "
		       "payments stop at death\n",
		       (unsigned long long)run.ended_at_death, program);
	return 0;
}

struct queue_out {
	json_t *json;
	unsigned long long position;
};

static enum redress_err
queue_one(void *ctx, const struct entitlement *e, const struct registry_person *p, struct redress_error *err)
{
	struct queue_out *out = ctx;
	const struct currency *cur = currency_find(e->currency, NULL);
	char amount[MONEY_TEXT_SIZE];

	(void)err;
	out->position++;
	if (out->json != NULL) {
		json_array_append_new(out->json, entitlement_queue_json(out->position, e, p));
		return REDRESS_OK;
	}
	money_format(e->amount, cur, amount, sizeof(amount));
	printf("%6llu  %-10s %18s %s  %-9s frailty %d, born %d  (%s)", out->position, e->beneficiary, amount,
	       e->currency, entitlement_basis_name(e->basis), p->frailty, p->birth_year, e->claim);
	if (e->return_reason[0] != '\0')
		printf("  returned by the bank: %s", e->return_reason);
	putchar('\n');
	return REDRESS_OK;
}

int
cmd_queue(struct cli *cli, int argc, char **argv)
{
	struct queue_out out = {NULL, 0};
	struct redress_error err;
	const char *program;
	int json = 0, status;

	if ((status = parse_program_options(argc, argv, "queue", &program, NULL, &json)) != 0) {
		if (status < 0)
			queue_usage(stdout);
		return status < 0 ? 0 : status;
	}
	if (cli_open_as(cli, CLI_READ, PERM_QUEUE_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json)
		out.json = json_array();
	if (entitlements_queue(tlog_store(cli->log), program, queue_one, &out, &err) != REDRESS_OK) {
		json_decref(out.json);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(out.json);
	else if (out.position == 0)
		printf("nothing owed and unpaid in program %s\n", program);
	return 0;
}
