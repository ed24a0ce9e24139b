/*
 * cmd_receipt.c -- `redress receipt PSEUDONYM` (a survivor's one-page
 * receipt of the events that concern her, each proved against a signed and
 * cosigned checkpoint) and `redress receipt verify` (checking one offline
 * with the fund's public key).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/receipts/receipts.h"
#include "http/i18n.h"

/* The receipt's words in lang, from the same gettext catalogues as the pages (po/). */
static const char *
receipt_words(const char *lang, const char *msgid)
{
	static int ready;
	int l = i18n_parse(lang);

	if (!ready) {
		i18n_init(NULL);
		ready = 1;
	}
	return l < 0 ? msgid : i18n_get((enum i18n_lang)l, msgid);
}

static void
receipt_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress receipt PSEUDONYM [--out FILE] [--lang ko|ja|en] [--json]\n"
	        "       redress receipt verify FILE [--pubkey FILE] [--witness VKEY...] [--witness-threshold "
	        "K]\n\n"
	        "receipt writes one page (HTML; --json: the receipt alone) in her language (default: the\n"
	        "language she registered with) listing the events of the log that concern the person:\n"
	        "her consent and wishes, her claim's decisions, her entitlements, each payment order and\n"
	        "what the bank said of it.  Each comes with its exact bytes and an inclusion proof to the\n"
	        "latest checkpoint, with the witnesses' cosignatures kept for it; a QR code holds the\n"
	        "receipt's SHA-256.  No name is in it, and no event that names another person.  Needs an\n"
	        "account that may read persons (caseworker, admin).\n\n"
	        "verify checks a receipt (the page or its JSON) offline: the checkpoint is signed by the\n"
	        "key (--pubkey, as 'redress audit pubkey' prints it; default the database's), each event\n"
	        "is in the log under it and concerns the receipt's person; with --witness VKEY\n"
	        "(repeatable) and --witness-threshold K (default all), at least K of those witnesses\n"
	        "cosigned the checkpoint.  Exit 0 when it verifies, 19 when it does not, 12 when the\n"
	        "file is not a receipt.\n");
}

static int
receipt_make(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"lang", required_argument, NULL, 'l'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = NULL, *lang = NULL;
	struct redress_error err;
	struct buf json, page;
	char registered[3] = "en";
	int c, as_json = 0, status = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'o': path = optarg; break;
		case 'l': lang = optarg; break;
		case 'j': as_json = 1; break;
		case 'h': receipt_usage(stdout); return 0;
		default: return cli_bad_option("receipt", argv);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("receipt", "give one PSEUDONYM");
	if (lang != NULL && strcmp(lang, "ko") != 0 && strcmp(lang, "ja") != 0 && strcmp(lang, "en") != 0)
		return cli_usage_error("receipt", "--lang '%s': it is ko, ja or en", lang);
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	buf_init(&json, RECEIPT_MAX_BYTES);
	buf_init(&page, RECEIPT_MAX_BYTES);
	if (receipt_build(cli->log, argv[optind], &json, registered, &err) != REDRESS_OK)
		goto fail;
	if (lang == NULL)
		lang = strcmp(registered, "ko") == 0 || strcmp(registered, "ja") == 0 ? registered : "en";
	if (as_json) {
		buf_append(&page, json.data, json.len);
		buf_putc(&page, '\n');
	} else if (receipt_render_html(json.data, json.len, lang, receipt_words, &page, &err) != REDRESS_OK)
		goto fail;
	if (buf_error(&page, &err) != REDRESS_OK)
		goto fail;
	if (path != NULL) {
		/* It is hers: the pseudonym and her events' sealed bytes, for her and whom she shows it to.
		 */
		if (cli_write_private(path, page.data, page.len, &err) != REDRESS_OK)
			goto fail;
		fprintf(stderr, "receipt of %s: %s\n", argv[optind], path);
	} else {
		fwrite(page.data, 1, page.len, stdout);
	}
	goto out;
fail:
	status = cli_fail(&err);
out:
	buf_free(&json);
	buf_free(&page);
	return status;
}

static int
receipt_verify_cmd(struct cli *cli, int argc, char **argv)
{
	struct cli_verify_opts o;
	struct receipt_verified v;
	struct redress_error err;
	struct buf file, key;
	int status = cli_verify_options("receipt", argc, argv, receipt_usage, &o);

	if (status >= 0)
		return status;
	if (cli_verifier_key(cli, o.pubkey, &key, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_read_file(argv[optind], RECEIPT_MAX_BYTES, &file, &err) != REDRESS_OK) {
		buf_free(&key);
		return cli_fail(&err);
	}
	status = 0;
	if (receipt_verify(file.data != NULL ? file.data : "", file.len, key.data, &o.policy, &v, &err) !=
	    REDRESS_OK) {
		error_prefix(&err, "%.200s does not verify", argv[optind]);
		status = cli_fail(&err);
	} else {
		printf("%s: verified: %zu events of %s are in the log signed at size %llu; digest %s\n",
		       argv[optind], v.events, v.pseudonym, (unsigned long long)v.size, v.digest);
		if (o.policy.count > 0)
			printf("%s: cosigned by %zu of the %zu witnesses given (at least %zu needed)\n",
			       argv[optind], v.cosignatures, o.policy.count, o.policy.threshold);
	}
	buf_free(&file);
	buf_free(&key);
	return status;
}

int
cmd_receipt(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		receipt_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "verify") == 0)
		return receipt_verify_cmd(cli, argc - 1, argv + 1);
	return receipt_make(cli, argc, argv);
}
