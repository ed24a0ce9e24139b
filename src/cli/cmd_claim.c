/*
 * cmd_claim.c -- `redress claim ...`: a claim from intake to decision.
 * Each change is one change on the log, made by the acting account, whose
 * role decides what it may do (domain/users): caseworkers open claims, add
 * evidence, submit and appeal; reviewers approve and deny.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/claims/claims.h"

static void
claim_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: redress [--as USER] claim open --program CODE --victim PSEUDONYM [--claimant PSEUDONYM]\n"
	    "       redress [--as USER] claim evidence add CLAIM FILE [--label KIND]\n"
	    "       redress [--as USER] claim harm add CLAIM --harm CODE --evidence N[,N...]\n"
	    "       redress [--as USER] claim harm approve|deny CLAIM --harm CODE\n"
	    "       redress [--as USER] claim submit CLAIM\n"
	    "       redress [--as USER] claim approve CLAIM [--reason TEXT]\n"
	    "       redress [--as USER] claim deny CLAIM --reason TEXT\n"
	    "       redress [--as USER] claim appeal CLAIM [--reason TEXT]\n"
	    "       redress [--as USER] claim appeal-decide CLAIM --uphold|--overturn --reason TEXT\n"
	    "       redress [--as USER] claim show CLAIM [--json] [--reasons]\n"
	    "       redress [--as USER] claim list [--status STATE] [--program CODE] [--json]\n\n"
	    "A claim is for one victim under one program; the claimant (default: the victim)\n"
	    "is a registered person acting for her or her estate.  'open' prints the claim's\n"
	    "id (C-000001).  States: open -> submitted -> approved, or denied -> appealed ->\n"
	    "approved (overturned) or denied for good (upheld).  Approval needs the program's\n"
	    "number of approvals by different reviewers, none of whom opened the claim; one\n"
	    "denial (with a reason) denies it.  A claim is appealed once, by a caseworker for\n"
	    "the survivor; 'appeal-decide' needs the appeals role and an account that took no\n"
	    "part in the claim before (opened, approved, denied, reviewed a harm).\n"
	    "'evidence add' seals FILE (at most %u MiB) with the victim's key and prints its\n"
	    "SHA-256; evidence is added while the claim is open, or denied (for an appeal).\n"
	    "--label says what the file is: identity, testimony, medical, family, photo,\n"
	    "letter or other (the pages ask for it; 'show' lists it).\n"
	    "Reasons are sealed too; 'show --reasons' opens them.\n"
	    "Under a program that pays by harm, 'harm add' names a harm (a code of the\n"
	    "program's) with the evidence files that support it, while the claim is open;\n"
	    "reviewers then approve or deny each harm while it is submitted: a harm is\n"
	    "approved by the program's number of different reviewers, denied by one.\n"
	    "open, evidence, harm add, submit and appeal need a caseworker; approve, deny and\n"
	    "harm approve|deny a reviewer (an appealed claim's harms: the appeals role);\n"
	    "appeal-decide the appeals role;\n"
	    "show and list an account that reads claims.\n",
	    CLAIM_EVIDENCE_MAX >> 20);
}

struct open_arg {
	const char *program, *victim, *claimant;
	char id[CLAIM_ID_MAX + 1];
};

static enum redress_err
do_open(struct cli *cli, void *arg, struct redress_error *err)
{
	struct open_arg *a = arg;

	return claim_open(cli->log, &cli->actor, a->program, a->victim, a->claimant, a->id, err);
}

static int
claim_open_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"program", required_argument, NULL, 'p'},
	    {"victim", required_argument, NULL, 'v'},
	    {"claimant", required_argument, NULL, 'c'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct open_arg a;
	int c, status;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': a.program = optarg; break;
		case 'v': a.victim = optarg; break;
		case 'c': a.claimant = optarg; break;
		case 'h': claim_usage(stdout); return 0;
		default: return cli_bad_option("claim", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("claim", "unexpected argument '%s'", argv[optind]);
	if (a.program == NULL || a.victim == NULL)
		return cli_usage_error("claim", "'open' needs --program CODE and --victim PSEUDONYM");
	if ((status = cli_run_change(cli, PERM_CLAIMS_INTAKE, do_open, &a)) == 0)
		printf("%s\n", a.id);
	return status;
}

struct evidence_arg {
	const char *id, *path, *label; /* label: one of claim_evidence_labels, or NULL */
	struct buf data;
	char sha256[65];
};

static enum redress_err
do_evidence(struct cli *cli, void *arg, struct redress_error *err)
{
	struct evidence_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	return claim_evidence_add_labelled(cli->log, &cli->actor, &keys, a->id, a->path, a->label,
	                                   a->data.data, a->data.len, a->sha256, err);
}

static int
claim_evidence_cmd(struct cli *cli, int argc, char **argv)
{
	struct evidence_arg a;
	struct redress_error err;
	int status;

	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		claim_usage(stdout);
		return 0;
	}
	if ((argc != 4 && (argc != 6 || strcmp(argv[4], "--label") != 0)) || strcmp(argv[1], "add") != 0)
		return cli_usage_error("claim", "'evidence' takes: add CLAIM FILE [--label KIND]");
	memset(&a, 0, sizeof(a));
	a.id = argv[2];
	a.path = argv[3];
	a.label = argc == 6 ? argv[5] : NULL;
	if (a.label != NULL && !claim_evidence_label_ok(a.label))
		return cli_usage_error(
		    "claim",
		    "--label '%s' is not a kind of evidence: identity, testimony, medical, "
		    "family, photo, letter or other",
		    a.label);
	if (cli_read_file(a.path, CLAIM_EVIDENCE_MAX, &a.data, &err) != REDRESS_OK)
		return cli_fail(&err);
	status = cli_run_change(cli, PERM_CLAIMS_INTAKE, do_evidence, &a);
	/* The file's bytes are a person's: wipe them before they are freed. */
	if (a.data.data != NULL)
		memset(a.data.data, 0, a.data.len);
	buf_free(&a.data);
	if (status == 0)
		printf("%s\n", a.sha256);
	return status;
}

struct transition_arg {
	const char *id, *reason;
	enum claim_action action;
	struct claim after; /* the claim once the change is made */
};

static enum redress_err
do_transition(struct cli *cli, void *arg, struct redress_error *err)
{
	struct transition_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);
	enum redress_err rc;

	switch (a->action) {
	case CLAIM_SUBMIT: rc = claim_submit(cli->log, &cli->actor, a->id, err); break;
	case CLAIM_APPROVE: rc = claim_approve(cli->log, &cli->actor, &keys, a->id, a->reason, err); break;
	case CLAIM_DENY: rc = claim_deny(cli->log, &cli->actor, &keys, a->id, a->reason, err); break;
	case CLAIM_UPHOLD:
	case CLAIM_OVERTURN:
		rc = claim_appeal_decide(cli->log, &cli->actor, &keys, a->id, a->action == CLAIM_OVERTURN,
		                         a->reason, err);
		break;
	default: rc = claim_appeal(cli->log, &cli->actor, &keys, a->id, a->reason, err); break;
	}
	if (rc != REDRESS_OK)
		return rc;
	return claim_get(tlog_store(cli->log), a->id, &a->after, err);
}

static int
claim_transition_cmd(struct cli *cli, int argc, char **argv, enum claim_action action)
{
	static const struct option options[] = {
	    {"reason", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct transition_arg a;
	int c, status;

	memset(&a, 0, sizeof(a));
	a.action = action;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'r': a.reason = optarg; break;
		case 'h': claim_usage(stdout); return 0;
		default: return cli_bad_option("claim", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("claim", "'%s' takes exactly one CLAIM", argv[0]);
	a.id = argv[optind];
	if (action == CLAIM_SUBMIT && a.reason != NULL)
		return cli_usage_error("claim", "'submit' takes no --reason");
	if (action == CLAIM_DENY && a.reason == NULL)
		return cli_usage_error("claim", "'deny' needs --reason TEXT");
	status = cli_run_change(
	    cli, action == CLAIM_APPROVE || action == CLAIM_DENY ? PERM_CLAIMS_DECIDE : PERM_CLAIMS_INTAKE,
	    do_transition, &a);
	if (status != 0)
		return status;
	if (action == CLAIM_APPROVE && a.after.state != CLAIM_APPROVED)
		printf("claim %s: approval %d of %d recorded; it needs %d more, each by another reviewer\n",
		       a.after.id, a.after.approvals, a.after.approvals_needed,
		       a.after.approvals_needed - a.after.approvals);
	else
		printf("claim %s %s\n", a.after.id, claim_state_name(a.after.state));
	return 0;
}

/* appeal-decide */

static int
claim_appeal_decide_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"uphold", no_argument, NULL, 'u'},
	    {"overturn", no_argument, NULL, 'o'},
	    {"reason", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct transition_arg a;
	int c, uphold = 0, overturn = 0, status;

	memset(&a, 0, sizeof(a));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'u': uphold = 1; break;
		case 'o': overturn = 1; break;
		case 'r': a.reason = optarg; break;
		case 'h': claim_usage(stdout); return 0;
		default: return cli_bad_option("claim", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("claim", "'appeal-decide' takes exactly one CLAIM");
	a.id = argv[optind];
	if (uphold + overturn != 1)
		return cli_usage_error("claim", "'appeal-decide' needs one of --uphold or --overturn");
	if (a.reason == NULL || a.reason[0] == '\0')
		return cli_usage_error("claim", "'appeal-decide' needs --reason TEXT: what she is told");
	a.action = overturn ? CLAIM_OVERTURN : CLAIM_UPHOLD;
	if ((status = cli_run_change(cli, PERM_APPEALS_DECIDE, do_transition, &a)) != 0)
		return status;
	if (a.after.state == CLAIM_APPEALED)
		printf("claim %s: your vote to %s is recorded (%d of the %d members of the appeals role who"
		       " must agree); the claim stays appealed until they do\n",
		       a.after.id, overturn ? "overturn" : "uphold",
		       overturn ? a.after.votes_overturned : a.after.votes_upheld, a.after.deciders);
	else
		printf("claim %s: appeal %s; the claim is %s\n", a.after.id,
		       overturn ? "overturned" : "upheld", claim_state_name(a.after.state));
	return 0;
}

/* harms */

struct harm_arg {
	const char *id, *harm;
	int review, approve;
	int evidence[CLAIM_HARM_EVIDENCE_MAX];
	size_t n;
};

static enum redress_err
do_harm(struct cli *cli, void *arg, struct redress_error *err)
{
	struct harm_arg *a = arg;

	if (a->review)
		return claim_harm_review(cli->log, &cli->actor, a->id, a->harm, a->approve, err);
	return claim_harm_add(cli->log, &cli->actor, a->id, a->harm, a->evidence, a->n, err);
}

/* "1,2,5" into a->evidence; 0 when it is not such a list. */
static int
evidence_list(const char *text, struct harm_arg *a)
{
	const char *s = text;
	long n;
	char *end;

	a->n = 0;
	while (*s != '\0') {
		if (*s < '0' || *s > '9' || a->n == CLAIM_HARM_EVIDENCE_MAX)
			return 0;
		n = strtol(s, &end, 10);
		if (n < 1 || n > CLAIM_EVIDENCE_FILES)
			return 0;
		a->evidence[a->n++] = (int)n;
		s = end;
		if (*s == ',')
			s++;
		else if (*s != '\0')
			return 0;
	}
	return a->n > 0;
}

static int
claim_harm_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"harm", required_argument, NULL, 'H'},
	    {"evidence", required_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *verb = argc > 1 ? argv[1] : "", *evidence = NULL;
	struct harm_arg a;
	int c, status;

	memset(&a, 0, sizeof(a));
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		claim_usage(stdout);
		return 0;
	}
	if (strcmp(verb, "add") != 0 && strcmp(verb, "approve") != 0 && strcmp(verb, "deny") != 0)
		return cli_usage_error("claim", "'harm' takes: add, approve or deny");
	a.review = strcmp(verb, "add") != 0;
	a.approve = strcmp(verb, "approve") == 0;
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'H': a.harm = optarg; break;
		case 'e': evidence = optarg; break;
		case 'h': claim_usage(stdout); return 0;
		default: return cli_bad_option("claim", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("claim", "'harm %s' takes exactly one CLAIM", verb);
	a.id = argv[optind];
	if (a.harm == NULL)
		return cli_usage_error("claim", "'harm %s' needs --harm CODE", verb);
	if (a.review && evidence != NULL)
		return cli_usage_error("claim", "'harm %s' takes no --evidence", verb);
	if (!a.review && (evidence == NULL || !evidence_list(evidence, &a)))
		return cli_usage_error("claim",
		                       "'harm add' needs --evidence N[,N...]: the claim's evidence files that"
		                       " support the harm, by number (1 to %d of them)",
		                       CLAIM_HARM_EVIDENCE_MAX);
	/* A review needs a reviewer, or on an appealed claim the appeals role: the claim decides. */
	status = a.review ? cli_run_own_change(cli, do_harm, &a)
	                  : cli_run_change(cli, PERM_CLAIMS_INTAKE, do_harm, &a);
	if (status == 0)
		printf("claim %s: harm %s %s\n", a.id, a.harm,
		       !a.review   ? "named"
		       : a.approve ? "approved by you"
		                   : "denied");
	return status;
}

static enum redress_err
show_harm(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	(void)ctx;
	(void)err;
	printf("  harm %-20s %-8s evidence %s, %d approvals, %d denials (event %llu)\n", h->harm,
	       claim_harm_state_name(h->state), h->evidence, h->approvals, h->denials,
	       (unsigned long long)h->claimed_seq);
	return REDRESS_OK;
}

/* show */

struct show_out {
	struct cli *cli;
	int reasons; /* open the sealed reasons */
};

static enum redress_err
show_evidence(void *ctx, const struct claim_evidence *e, struct redress_error *err)
{
	struct show_out *out = ctx;
	char label[CLAIM_LABEL_MAX + 1];
	enum redress_err rc;

	if ((rc = claim_evidence_label(out->cli->log, e, label, err)) != REDRESS_OK)
		return rc;
	printf("  evidence %d  %s  %s  %lld bytes, by %s (event %llu)\n", e->n,
	       label[0] != '\0' ? label : "-", e->sha256, (long long)e->size, e->added_by,
	       (unsigned long long)e->added_seq);
	return REDRESS_OK;
}

static enum redress_err
show_decision(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	struct show_out *out = ctx;
	struct registry_keys keys = cli_registry_keys(out->cli);
	struct buf reason;
	enum redress_err rc;

	buf_init(&reason, CLAIM_REASON_MAX + 1);
	if (d->has_reason && out->reasons &&
	    (rc = claim_reason_read(tlog_store(out->cli->log), &out->cli->actor, &keys, d, &reason, err)) !=
	        REDRESS_OK) {
		buf_free(&reason);
		return rc;
	}
	printf("  event %-6llu %-9s by %s, round %d%s%s%s\n", (unsigned long long)d->seq,
	       claim_action_name(d->action), d->actor, d->round,
	       d->has_reason && reason.data == NULL ? " (reason sealed)" : "",
	       reason.data != NULL ? ": " : "", reason.data != NULL ? reason.data : "");
	buf_free(&reason);
	return REDRESS_OK;
}

static int
claim_show_cmd(struct cli *cli, int argc, char **argv)
{
	struct show_out out = {cli, 0};
	struct registry_keys keys;
	struct redress_error err;
	struct claim c;
	const char *id = NULL;
	json_t *file;
	int i, json = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--reasons") == 0)
			out.reasons = 1;
		else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			claim_usage(stdout);
			return 0;
		} else if (argv[i][0] == '-')
			return cli_usage_error("claim", "unknown option '%s' for 'show'", argv[i]);
		else if (id == NULL)
			id = argv[i];
		else
			return cli_usage_error("claim", "'show' takes one CLAIM");
	}
	if (id == NULL)
		return cli_usage_error("claim", "'show' needs a CLAIM");
	if (cli_open_as(cli, out.reasons ? CLI_WRITE : CLI_READ, PERM_CLAIMS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	/* Opening sealed reasons is recorded first, as a reveal is: nothing is shown unrecorded. */
	if (out.reasons) {
		if (tlog_begin(cli->log, &err) != REDRESS_OK)
			return cli_fail(&err);
		if (claim_reasons_opened(cli->log, &cli->actor, id, &err) != REDRESS_OK) {
			tlog_rollback(cli->log);
			return cli_fail(&err);
		}
		if (tlog_commit(cli->log, &err) != REDRESS_OK)
			return cli_fail(&err);
	}
	if (json) {
		keys = cli_registry_keys(cli);
		if (claim_file_json(tlog_store(cli->log), &cli->actor, out.reasons ? &keys : NULL, id, &file,
		                    &err) != REDRESS_OK)
			return cli_fail(&err);
		if (claim_file_labels(cli->log, tlog_store(cli->log), id, file, &err) != REDRESS_OK) {
			json_decref(file);
			return cli_fail(&err);
		}
		cli_print_json(file);
		return 0;
	}
	if (claim_get(tlog_store(cli->log), id, &c, &err) != REDRESS_OK)
		return cli_fail(&err);
	printf("claim %s\n  program   %s\n  victim    %s\n  claimant  %s\n  state     %s", c.id, c.program,
	       c.victim, c.claimant, claim_state_name(c.state));
	if (c.state == CLAIM_SUBMITTED || c.state == CLAIM_APPEALED)
		printf(" (%d of %d approvals)", c.approvals, c.approvals_needed);
	printf("\n  opened    by %s (event %llu)\n", c.opened_by, (unsigned long long)c.opened_seq);
	if (claim_evidence_each(tlog_store(cli->log), c.id, show_evidence, &out, &err) != REDRESS_OK ||
	    claim_harm_each(tlog_store(cli->log), c.id, show_harm, &out, &err) != REDRESS_OK ||
	    claim_decision_each(tlog_store(cli->log), c.id, show_decision, &out, &err) != REDRESS_OK)
		return cli_fail(&err);
	return 0;
}

/* list */

/* A list's array (NULL: text), and who asks: only the claims of people its office sees (domain/offices). */
struct list_ctx {
	struct cli *cli;
	json_t *array;
};

static enum redress_err
list_one(void *ctx, const struct claim *c, struct redress_error *err)
{
	struct list_ctx *l = ctx;
	json_t *array = l->array;
	int sees;

	if ((sees = cli_sees(l->cli, c->victim, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	if (array != NULL) {
		json_array_append_new(array, claim_json(c));
		return REDRESS_OK;
	}
	printf("%-10s %-20s %-10s %-10s %-9s %d/%d approvals, %d evidence\n", c->id, c->program, c->victim,
	       c->claimant, claim_state_name(c->state), c->approvals, c->approvals_needed, c->evidence);
	return REDRESS_OK;
}

static int
claim_list_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"status", required_argument, NULL, 's'},
	    {"program", required_argument, NULL, 'p'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct list_ctx l;
	struct redress_error err;
	enum claim_state state;
	const char *program = NULL;
	json_t *array = NULL;
	int c, status = -1, json = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			if (claim_state_parse(optarg, &state, &err) != REDRESS_OK)
				return cli_usage_error("claim", "--status: %s", err.message);
			status = (int)state;
			break;
		case 'p': program = optarg; break;
		case 'j': json = 1; break;
		case 'h': claim_usage(stdout); return 0;
		default: return cli_bad_option("claim", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("claim", "unexpected argument '%s'", argv[optind]);
	if (cli_open_as(cli, CLI_READ, PERM_CLAIMS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (json)
		array = json_array();
	l.cli = cli;
	l.array = array;
	if (claim_each(tlog_store(cli->log), status, program, list_one, &l, &err) != REDRESS_OK) {
		json_decref(array);
		return cli_fail(&err);
	}
	if (json)
		cli_print_json(array);
	return 0;
}

int
cmd_claim(struct cli *cli, int argc, char **argv)
{
	static const struct {
		const char *name;
		enum claim_action action;
	} transitions[] = {
	    {"submit", CLAIM_SUBMIT},
	    {"approve", CLAIM_APPROVE},
	    {"deny", CLAIM_DENY},
	    {"appeal", CLAIM_APPEAL},
	};
	const char *sub = argc > 1 ? argv[1] : NULL;
	size_t i;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		claim_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "open") == 0)
		return claim_open_cmd(cli, argc, argv);
	if (strcmp(sub, "evidence") == 0)
		return claim_evidence_cmd(cli, argc, argv);
	if (strcmp(sub, "harm") == 0)
		return claim_harm_cmd(cli, argc, argv);
	if (strcmp(sub, "appeal-decide") == 0)
		return claim_appeal_decide_cmd(cli, argc, argv);
	for (i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (strcmp(sub, transitions[i].name) == 0)
			return claim_transition_cmd(cli, argc, argv, transitions[i].action);
	if (strcmp(sub, "show") == 0)
		return claim_show_cmd(cli, argc, argv);
	if (strcmp(sub, "list") == 0)
		return claim_list_cmd(cli, argc, argv);
	return cli_usage_error("claim", "'%s' is not a claim command", sub);
}
