/*
 * cmd_report.c -- `redress report public` (compute a program's public
 * report, append it to the log, write it as HTML, CSV or JSON) and
 * `redress report verify` (check a published JSON report offline against
 * the log's public key).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/text.h"
#include "domain/reports/reports.h"
#include "log/cosig.h"

static void
report_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress report public --program CODE [--format html|csv|json] [--out FILE] [--k K]\n"
	        "       redress report verify REPORT.json [--pubkey FILE] [--witness VKEY...]\n"
	        "                                          [--witness-threshold K]\n"
	        "       redress report recount --feed FEED REPORT.json\n\n"
	        "public computes the program's aggregate figures (people registered, reached,\n"
	        "consented, declined; claims approved; paid, waiting, amounts paid and owed; the\n"
	        "fund and the pledges; days from registration to payment; deaths before payment),\n"
	        "shows counts from 1 to K-1 as \"fewer than K\" and withholds others where they\n"
	        "would let one be worked out, appends the report to the log, and writes it (default\n"
	        "json, to standard output).  K is 3 to 100, default 5.  Publishing again with\n"
	        "nothing changed gives the same bytes.  Needs an account that may read aggregate\n"
	        "reports (monitor, admin).\n\n"
	        "verify checks a JSON report offline: its figures are the logged event's bytes, the\n"
	        "event is in the log under a checkpoint signed by the key, and the checkpoint the\n"
	        "figures were computed at is signed too and consistent with it.  --pubkey is the\n"
	        "verifier key ('redress audit pubkey'); without it, the key of the database's key\n"
	        "directory.  --witness VKEY (repeatable) and --witness-threshold K (default: all of\n"
	        "them) also require the checkpoint it is proved against to carry valid cosignatures\n"
	        "by at least K of those witnesses; public asks the key directory's witnesses to\n"
	        "cosign before it writes the proof.  Exit 0 when it verifies; 19 when a hash or\n"
	        "signature does not (altered) or too few witnesses cosigned; 12 when the report is\n"
	        "malformed.\n\n"
	        "recount recomputes every figure of a published JSON report, small-count suppression\n"
	        "included, from the public feed ('redress audit feed'), with no database and no key,\n"
	        "and checks that the result is the report's figures byte for byte.  Exit 0 when it is;\n"
	        "19 when a figure differs (the first named); 12 when the feed or report is malformed.\n");
}

static int
report_public(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"program", required_argument, NULL, 'p'}, {"format", required_argument, NULL, 'f'},
	    {"out", required_argument, NULL, 'o'},     {"k", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
	};
	const char *program = NULL, *format = "json", *path = NULL;
	struct report_published *pub = NULL;
	struct redress_error err;
	unsigned long long k = REPORT_K_DEFAULT;
	struct buf out;
	FILE *f;
	int c, status = 0;
	enum redress_err rc;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'p': program = optarg; break;
		case 'f': format = optarg; break;
		case 'o': path = optarg; break;
		case 'k':
			if (text_parse_u64("--k", optarg, &k, &err) != REDRESS_OK || k < REPORT_K_MIN ||
			    k > REPORT_K_MAX)
				return cli_usage_error("report", "--k must be a whole number from %d to %d",
				                       REPORT_K_MIN, REPORT_K_MAX);
			break;
		case 'h': report_usage(stdout); return 0;
		default: return cli_bad_option("report", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("report", "unexpected argument '%s'", argv[optind]);
	if (program == NULL)
		return cli_usage_error("report", "'public' needs --program CODE");
	if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "html") != 0)
		return cli_usage_error("report", "--format '%s': it is html, csv or json", format);
	if (cli_open_as(cli, CLI_WRITE, PERM_AGGREGATES_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if ((pub = malloc(sizeof(*pub))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		return cli_fail(&err);
	}
	report_published_init(pub);
	buf_init(&out, 16u << 20);
	if ((rc = report_publish(cli->log, &cli->actor, program, (int)k, pub, &err)) != REDRESS_OK)
		goto fail;
	/* With witnesses configured, the proof is against the checkpoint they cosigned: ask them, then
	 * publish again (nothing changed, so the same event) to prove against it. */
	{
		size_t asked = 0, got = 0;

		if ((rc = cli_cosign(cli, &asked, &got, &err)) != REDRESS_OK)
			goto fail;
		if (asked > 0) {
			int reused = pub->reused;

			fprintf(stderr, "report: %zu of %zu witnesses cosigned the checkpoint\n", got, asked);
			report_published_free(pub);
			report_published_init(pub);
			if ((rc = report_publish(cli->log, &cli->actor, program, (int)k, pub, &err)) !=
			    REDRESS_OK)
				goto fail;
			pub->reused = reused;
		}
	}
	if (strcmp(format, "json") == 0)
		rc = report_render_json(pub, &out, &err);
	else if (strcmp(format, "csv") == 0)
		rc = report_render_csv(pub, &out, &err);
	else
		rc = report_render_html(pub, &out, &err);
	if (rc != REDRESS_OK)
		goto fail;
	if (path != NULL) {
		if ((f = fopen(path, "wb")) == NULL || fwrite(out.data, 1, out.len, f) != out.len) {
			if (f != NULL)
				fclose(f);
			error_set(&err, REDRESS_E_IO, "--out %.200s: cannot write the report", path);
			goto fail;
		}
		if (fclose(f) != 0) {
			error_set(&err, REDRESS_E_IO, "--out %.200s: cannot write the report", path);
			goto fail;
		}
		fprintf(stderr, "report of %s at tree size %llu, event %llu%s: %s\n", program,
		        (unsigned long long)pub->report.size, (unsigned long long)pub->seq,
		        pub->reused ? " (already published, nothing changed since)" : "", path);
	} else {
		fwrite(out.data, 1, out.len, stdout);
	}
	goto out;
fail:
	status = cli_fail(&err);
out:
	buf_free(&out);
	report_published_free(pub);
	free(pub);
	return status;
}

static int
report_verify_cmd(struct cli *cli, int argc, char **argv)
{
	struct cli_verify_opts o;
	struct report_verified v;
	struct redress_error err;
	struct buf report, key;
	int status = cli_verify_options("report", argc, argv, report_usage, &o);

	if (status >= 0)
		return status;
	if (cli_verifier_key(cli, o.pubkey, &key, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_read_file(argv[optind], 2 * REPORT_MAX_BYTES, &report, &err) != REDRESS_OK) {
		buf_free(&key);
		return cli_fail(&err);
	}
	status = 0;
	if (report_verify_policy(report.data != NULL ? report.data : "", report.len, key.data, &o.policy, &v,
	                         &err) != REDRESS_OK) {
		error_prefix(&err, "%.200s does not verify", argv[optind]);
		status = cli_fail(&err);
	} else {
		printf(
		    "%s: verified: the report of program %s, computed at tree size %llu, is event %llu of the"
		    " log signed at size %llu\n",
		    argv[optind], v.program, (unsigned long long)v.computed_at, (unsigned long long)v.seq,
		    (unsigned long long)v.proof_size);
		if (o.policy.count > 0)
			printf("%s: cosigned by at least %zu of the %zu witnesses given\n", argv[optind],
			       o.policy.threshold, o.policy.count);
	}
	buf_free(&report);
	buf_free(&key);
	return status;
}

static int
report_recount_cmd(int argc, char **argv)
{
	static const struct option options[] = {
	    {"feed", required_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *feed_path = NULL, *tmp = getenv("TMPDIR");
	struct redress_error err;
	struct buf feed, report;
	size_t bytes = 0;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': feed_path = optarg; break;
		case 'h': report_usage(stdout); return 0;
		default: return cli_bad_option("report", argv);
		}
	}
	if (feed_path == NULL || optind + 1 != argc)
		return cli_usage_error("report", "'recount' takes --feed FEED and one REPORT.json");
	if (cli_read_file(feed_path, (size_t)1 << 34, &feed, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_read_file(argv[optind], 2 * REPORT_MAX_BYTES, &report, &err) != REDRESS_OK) {
		buf_free(&feed);
		return cli_fail(&err);
	}
	if (report_recount(feed.data != NULL ? feed.data : "", feed.len,
	                   report.data != NULL ? report.data : "", report.len, cli_modules,
	                   tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", &bytes, &err) != REDRESS_OK) {
		error_prefix(&err, "%.200s does not recount", argv[optind]);
		status = cli_fail(&err);
	} else {
		printf("%s: recounted from %s: every figure matches, %zu bytes identical\n", argv[optind],
		       feed_path, bytes);
	}
	buf_free(&feed);
	buf_free(&report);
	return status;
}

int
cmd_report(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		report_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "public") == 0)
		return report_public(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "verify") == 0)
		return report_verify_cmd(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "recount") == 0)
		return report_recount_cmd(argc - 1, argv + 1);
	return cli_usage_error("report", "'%s' is not a report command", argv[1]);
}
