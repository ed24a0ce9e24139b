/*
 * cmd_notice.c -- `redress notice render PSEUDONYM --kind decision|payment|reminder
 * [--format html|pdf] [--output FILE]`: a letter to a survivor or her family in
 * her language, as an HTML page or a PDF, only where she consented to be
 * contacted; writing it opens her name and address, which is recorded as a
 * reveal (http/notice.h).  A PDF is never written to a terminal.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/i18n.h"
#include "http/notice.h"

static void
notice_usage(FILE *f)
{
	fprintf(f, "usage: redress notice render PSEUDONYM --kind decision|payment|reminder\n"
	           "                            [--format html|pdf] [--output FILE]\n\n"
	           "Writes a letter to the person, in the language recorded on her file (Korean, Japanese\n"
	           "or English), as one print-ready HTML page (A4, the default) or, with --format pdf, as\n"
	           "an A4 PDF (fonts Noto Sans CJK KR or JP, from fonts-noto-cjk, embedded): the fund's\n"
	           "name, today's date, her name and address, and\n"
	           "  decision  her claim's decision: approved or denied, the amount by harm, the reason,\n"
	           "            how to appeal or make a complaint;\n"
	           "  payment   her entitlements and payments: amount, due date, state, date paid;\n"
	           "  reminder  what is missing or due: documents, a proof of life, open tasks.\n"
	           "Refused (exit 5) unless her latest word on the consent scope 'contact' is a grant, or\n"
	           "when she has died (write to her heirs).  Her name and address are opened from her\n"
	           "sealed identity: the opening is recorded as a reveal with the reason 'notice: KIND'.\n"
	           "--output FILE (or --out) writes the letter to FILE (mode 0600) instead of standard\n"
	           "output; a PDF is not written to a terminal (exit 2): give --output or redirect.\n"
	           "Needs a caseworker.\n");
}

struct notice_arg {
	const char *pseudonym;
	enum notice_kind kind;
	enum notice_format format;
	struct buf page;
};

static enum redress_err
do_render(struct cli *cli, void *arg, struct redress_error *err)
{
	struct notice_arg *a = arg;
	struct registry_keys keys = cli_registry_keys(cli);

	buf_reset(&a->page);
	return notice_render(cli->log, &cli->actor, &keys, a->pseudonym, a->kind, a->format, &a->page, err);
}

int
cmd_notice(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"kind", required_argument, NULL, 'k'}, {"format", required_argument, NULL, 'f'},
	    {"out", required_argument, NULL, 'o'},  {"output", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	struct notice_arg a;
	struct redress_error err;
	const char *kind = NULL, *format = "html", *path = NULL;
	int c, status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		notice_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "render") != 0)
		return cli_usage_error("notice", "'%s' is not a notice command (render)", argv[1]);
	memset(&a, 0, sizeof(a));
	argc--, argv++;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'k': kind = optarg; break;
		case 'f': format = optarg; break;
		case 'o': path = optarg; break;
		case 'h': notice_usage(stdout); return 0;
		default: return cli_bad_option("notice", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("notice", "'render' takes one PSEUDONYM");
	if (kind == NULL)
		return cli_usage_error("notice", "'render' needs --kind decision, payment or reminder");
	if (notice_kind_parse(kind, &a.kind, &err) != REDRESS_OK)
		return cli_usage_error("notice", "--kind %s", err.message);
	if (notice_format_parse(format, &a.format, &err) != REDRESS_OK)
		return cli_usage_error("notice", "--format %s", err.message);
	/* Binary on a terminal garbles it and says nothing: refused before her identity is opened. */
	if (a.format == NOTICE_PDF && path == NULL && isatty(STDOUT_FILENO))
		return cli_usage_error("notice", "--format pdf: standard output is a terminal; give --output "
		                                 "FILE or redirect it to a file");
	a.pseudonym = argv[optind];
	i18n_init(NULL);
	/* Her name and address: wiped when let go. */
	buf_init_secret(&a.page, NOTICE_PAGE_MAX);
	status = cli_run_change(cli, PERM_PERSONS_REVEAL, do_render, &a);
	if (status == 0) {
		if (path != NULL) {
			if (cli_write_private(path, a.page.data, a.page.len, &err) != REDRESS_OK)
				status = cli_fail(&err);
			else
				fprintf(stderr, "%s notice to %s: %s\n", notice_kind_name(a.kind),
				        a.pseudonym, path);
		} else if (fwrite(a.page.data, 1, a.page.len, stdout) != a.page.len || fflush(stdout) != 0) {
			error_set(&err, REDRESS_E_IO, "could not write the notice to standard output");
			status = cli_fail(&err);
		}
	}
	buf_free(&a.page);
	return status;
}
