/*
 * cmd_audit.c -- `redress audit ...`: what monitors use.  Checkpoints,
 * keys, event bytes and proofs need no secret; verify needs the trusted
 * public key from the key directory (or --pubkey), never the database's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "domain/idempotency/idempotency.h"
#include "domain/reports/reports.h"
#include "log/audit.h"
#include "log/cosig.h"
#include "log/note.h"

#define AUDIT_FILE_MAX (1u << 20)

static void
audit_usage(FILE *f)
{
	fprintf(f, "usage: redress audit checkpoint\n"
	           "       redress audit pubkey\n"
	           "       redress audit handovers\n"
	           "       redress audit show --index N [--raw | --leaf]\n"
	           "       redress audit prove --index N [--size M]\n"
	           "       redress audit prove --consistency OLD [--size NEW]\n"
	           "       redress audit verify [--json] [--checkpoint FILE] [--pubkey FILE]\n"
	           "                            [--witness VKEY...] [--witness-threshold K]\n"
	           "       redress audit cosign\n"
	           "       redress audit feed [--out FILE] [--k K]\n"
	           "       redress audit feed-verify FEED [--pubkey FILE] [--witness VKEY...]\n"
	           "                                 [--witness-threshold K]\n\n"
	           "checkpoint  the latest signed checkpoint (C2SP tlog-checkpoint in a signed note)\n"
	           "pubkey      the verifier key for checkpoints (signed-note vkey: name+hash+base64)\n"
	           "            that signs now (after 'keys rotate --log', the newest)\n"
	           "handovers   the log's key handovers as JSON, {\"handovers\": [NOTE, ...]}: each a\n"
	           "            checkpoint signed by the old key and the new, naming the new; with them\n"
	           "            a verifier holding the first key follows every rotation\n"
	           "show        event N as JSON; --raw prints its exact bytes; --leaf the Merkle leaf\n"
	           "            input (the bytes; for version 3 the 64-byte SHA-256(public part) ||\n"
	           "            SHA-256(bytes), binary), what an RFC 9162 verifier hashes\n"
	           "prove       an RFC 9162 inclusion proof of event N, or a consistency proof between\n"
	           "            tree sizes OLD and NEW; --size defaults to the current size.  JSON with\n"
	           "            base64 hashes.\n"
	           "verify      replays every event, rebuilds every table and compares, checks the tree\n"
	           "            and every signed checkpoint.  --checkpoint also checks a checkpoint kept\n"
	           "            outside the database (as published); --pubkey trusts the vkey in FILE\n"
	           "            instead of the key directory.  Exit 0 only when all agree, 1 when\n"
	           "            something does not (each finding is named).  With --witness VKEY\n"
	           "            (repeatable) and --witness-threshold K (default: all), the checkpoint\n"
	           "            given by --checkpoint must carry valid cosignatures by at least K of\n"
	           "            those witnesses, else exit 19.\n"
	           "cosign      asks the witnesses in the key directory's 'witnesses' file to cosign\n"
	           "            the latest checkpoint, and keeps their cosignatures; 'checkpoint' then\n"
	           "            prints it cosigned.\n"
	           "feed        the public feed (JSON lines): every event up to the latest checkpoint with\n"
	           "            its type, day, amounts, dates, program and states, identifying values\n"
	           "            replaced by keyed commitments, birth years as decades, and region and\n"
	           "            decade withheld for anyone in a cell of fewer than K (default 5)\n"
	           "            registered people.  'report recount' recomputes a report from it.\n"
	           "            Needs an account that may read aggregate reports (monitor, admin).\n"
	           "feed-verify checks a feed offline, with the log's verifier key only (--pubkey FILE,\n"
	           "            else the database's): its checkpoint is signed (and cosigned by K of the\n"
	           "            witnesses given), each line rebuilds to its Merkle leaf, and the leaves\n"
	           "            give the checkpoint's root.  An altered line is named, exit 19; lines\n"
	           "            of events written before version 3 are counted as not bound.\n");
}

/* Reads a whole small file into out. */
static enum redress_err
read_file(const char *path, struct buf *out, struct redress_error *err)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		return error_set(err, REDRESS_E_IO, "cannot read '%.200s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(out, chunk, n);
	fclose(f);
	if (buf_error(out, err) != REDRESS_OK)
		return error_prefix(err, "'%.200s'", path);
	return REDRESS_OK;
}

static int
audit_print_text(struct cli *cli, enum redress_err (*fn)(struct tlog *, struct buf *, struct redress_error *),
                 int newline)
{
	struct redress_error err;
	struct buf out;

	buf_init(&out, AUDIT_FILE_MAX);
	if (cli_open(cli, CLI_READ, &err) != REDRESS_OK || fn(cli->log, &out, &err) != REDRESS_OK) {
		buf_free(&out);
		return cli_fail(&err);
	}
	fwrite(out.data, 1, out.len, stdout);
	if (newline)
		fputc('\n', stdout);
	buf_free(&out);
	return 0;
}

static int
parse_index(const char *what, const char *text, uint64_t *value_r)
{
	struct redress_error err;
	unsigned long long v;

	if (text_parse_u64(what, text, &v, &err) != REDRESS_OK) {
		cli_usage_error("audit", "%s", err.message);
		return 0;
	}
	*value_r = v;
	return 1;
}

static int
audit_show(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"index", required_argument, NULL, 'i'},
	    {"raw", no_argument, NULL, 'r'},
	    {"leaf", no_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct redress_error err;
	struct buf out;
	json_t *event = NULL;
	uint64_t index = 0;
	int c, raw = 0, have_index = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!parse_index("--index", optarg, &index))
				return 2;
			have_index = 1;
			break;
		case 'r': raw = 1; break;
		case 'l': raw = 2; break;
		case 'h': audit_usage(stdout); return 0;
		default: return cli_bad_option("audit", argv);
		}
	}
	if (!have_index || optind != argc)
		return cli_usage_error("audit", "'show' needs --index N and nothing else");
	/* Events are pseudonym-level records: staff who may read persons only (never a monitor). */
	if (cli_open_as(cli, CLI_READ, PERM_PERSONS_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	buf_init(&out, TLOG_EVENT_MAX);
	if (tlog_event_bytes(cli->log, index, &out, &err) != REDRESS_OK) {
		buf_free(&out);
		return cli_fail(&err);
	}
	if (raw == 2) {
		/* The RFC 9162 leaf input: for version 3, its 64-byte leaf entry (binary). */
		struct buf entry;

		buf_init(&entry, TLOG_EVENT_MAX);
		if (tlog_event_entry(cli->log, out.data, out.len, &entry, &err) != REDRESS_OK) {
			buf_free(&entry);
			buf_free(&out);
			return cli_fail(&err);
		}
		fwrite(entry.data, 1, entry.len, stdout);
		buf_free(&entry);
	} else if (raw) {
		fwrite(out.data, 1, out.len, stdout);
	} else {
		event = json_loadb(out.data, out.len, 0, NULL);
		if (event != NULL)
			cli_print_json(event);
		else
			printf("%s\n", out.data);
	}
	buf_free(&out);
	return 0;
}

static json_t *
proof_hashes(uint8_t proof[][MERKLE_HASH_SIZE], size_t count)
{
	char b64[CODEC_BASE64_SIZE(MERKLE_HASH_SIZE)];
	json_t *hashes = json_array();
	size_t i;

	for (i = 0; i < count; i++) {
		codec_base64_encode(proof[i], MERKLE_HASH_SIZE, b64, sizeof(b64), NULL);
		json_array_append_new(hashes, json_string(b64));
	}
	return hashes;
}

static int
audit_prove(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"index", required_argument, NULL, 'i'},
	    {"consistency", required_argument, NULL, 'c'},
	    {"size", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	struct redress_error err;
	uint64_t index = 0, old = 0, size = 0, used = 0;
	int c, have_index = 0, have_old = 0;
	size_t count = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (!parse_index("--index", optarg, &index))
				return 2;
			have_index = 1;
			break;
		case 'c':
			if (!parse_index("--consistency", optarg, &old))
				return 2;
			have_old = 1;
			break;
		case 's':
			if (!parse_index("--size", optarg, &size))
				return 2;
			if (size == 0)
				return cli_usage_error("audit", "--size must be at least 1");
			break;
		case 'h': audit_usage(stdout); return 0;
		default: return cli_bad_option("audit", argv);
		}
	}
	if (have_index == have_old || optind != argc)
		return cli_usage_error("audit", "'prove' needs either --index N or --consistency OLD");
	if (cli_open(cli, CLI_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (have_index) {
		if (tlog_prove_inclusion(cli->log, index, size, &used, proof, &count, &err) != REDRESS_OK)
			return cli_fail(&err);
		cli_print_json(json_pack("{s:I, s:I, s:o}", "leaf_index", (json_int_t)index, "tree_size",
		                         (json_int_t)used, "hashes", proof_hashes(proof, count)));
	} else {
		if (tlog_prove_consistency(cli->log, old, size, &used, proof, &count, &err) != REDRESS_OK)
			return cli_fail(&err);
		cli_print_json(json_pack("{s:I, s:I, s:o}", "old_size", (json_int_t)old, "tree_size",
		                         (json_int_t)used, "hashes", proof_hashes(proof, count)));
	}
	return 0;
}

static int
audit_feed(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"k", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = NULL;
	struct redress_error err;
	unsigned long long k = REPORT_K_DEFAULT;
	struct buf out;
	int c, status = 0;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'o': path = optarg; break;
		case 'k':
			if (text_parse_u64("--k", optarg, &k, &err) != REDRESS_OK || k < REPORT_K_MIN ||
			    k > REPORT_K_MAX)
				return cli_usage_error("audit", "--k must be a whole number from %d to %d",
				                       REPORT_K_MIN, REPORT_K_MAX);
			break;
		case 'h': audit_usage(stdout); return 0;
		default: return cli_bad_option("audit", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("audit", "unexpected argument '%s'", argv[optind]);
	if (cli_open_as(cli, CLI_READ, PERM_AGGREGATES_READ, &err) != REDRESS_OK)
		return cli_fail(&err);
	buf_init(&out, (size_t)1 << 34);
	if (report_feed_write(cli->log, keydir_index_key(cli->keydir), (int)k, &out, &err) != REDRESS_OK ||
	    (path != NULL && cli_write_private(path, out.data, out.len, &err) != REDRESS_OK)) {
		status = cli_fail(&err);
	} else if (path == NULL) {
		fwrite(out.data, 1, out.len, stdout);
	}
	buf_free(&out);
	return status;
}

/* The log's handovers as {"handovers":[...]}. */
static enum redress_err
handovers_object(struct tlog *log, struct buf *out, struct redress_error *err)
{
	enum redress_err rc;

	buf_puts(out, "{\"handovers\":");
	if ((rc = tlog_handovers_json(log, out, err)) != REDRESS_OK)
		return rc;
	buf_puts(out, "}");
	return buf_error(out, err);
}

/* The latest checkpoint with the witnesses' cosignatures kept for it. */
static enum redress_err
checkpoint_cosigned(struct tlog *log, struct buf *out, struct redress_error *err)
{
	return tlog_checkpoint_cosigned(log, out, NULL, err);
}

/*
 * The projection to public parts, with the key directory's index key, once
 * the keys are checked to be this fund's: a wrong index key would make
 * every version-3 leaf differ.  Keys that are not the fund's are no finding
 * of the log's: the leaves are then taken as stored, and the audit says so.
 */
static void
audit_projection(struct cli *cli)
{
	struct redress_error e;

	if (tlog_keys_check(cli->log, keydir_master_key(cli->keydir), keydir_index_key(cli->keydir), &e) ==
	    REDRESS_OK)
		cli_log_public(cli);
}

/* The trusted public key: --pubkey FILE, or the key directory's. */
static enum redress_err
trusted_key(struct cli *cli, const char *pubkey_file, uint8_t key_r[SIGN_PUBLIC_SIZE],
            struct redress_error *err)
{
	struct note_verifier v;
	struct buf text;
	enum redress_err rc;

	if (pubkey_file == NULL) {
		if ((rc = keydir_open(cli->keys, &cli->keydir, err)) != REDRESS_OK)
			return error_prefix(err, "verify needs the trusted key (or --pubkey FILE)");
		memcpy(key_r, sign_key_public(keydir_log_key(cli->keydir)), SIGN_PUBLIC_SIZE);
		audit_projection(cli);
		return REDRESS_OK;
	}
	/* With --pubkey, the key directory still gives the index key that version-3 leaves need, if here. */
	if (keydir_open(cli->keys, &cli->keydir, err) == REDRESS_OK)
		audit_projection(cli);
	buf_init(&text, 4096);
	if ((rc = read_file(pubkey_file, &text, err)) == REDRESS_OK) {
		while (text.len > 0 && (text.data[text.len - 1] == '\n' || text.data[text.len - 1] == '\r'))
			text.data[--text.len] = '\0';
		if ((rc = note_vkey_parse(text.data, &v, err)) == REDRESS_OK) {
			if (strcmp(v.name, tlog_origin(cli->log)) != 0)
				rc =
				    error_set(err, REDRESS_E_KEYS, "--pubkey is for log '%.64s', not '%.64s'",
				              v.name, tlog_origin(cli->log));
			else
				memcpy(key_r, v.public_key, SIGN_PUBLIC_SIZE);
		} else {
			error_prefix(err, "--pubkey '%.200s'", pubkey_file);
		}
	}
	buf_free(&text);
	return rc;
}

/* `audit feed-verify FEED`: every line of a public feed bound to the signed checkpoint, offline. */
static int
audit_feed_verify(struct cli *cli, int argc, char **argv)
{
	struct cli_verify_opts o;
	struct report_feed_verified v;
	struct redress_error err;
	struct buf feed, key;
	uint64_t unbound;
	int64_t started;
	int status = cli_verify_options("audit", argc, argv, audit_usage, &o);

	if (status >= 0)
		return status;
	if (cli_verifier_key(cli, o.pubkey, &key, &err) != REDRESS_OK)
		return cli_fail(&err);
	if (cli_read_file(argv[optind], (size_t)1 << 34, &feed, &err) != REDRESS_OK) {
		buf_free(&key);
		return cli_fail(&err);
	}
	status = 0;
	started = clock_monotonic_us();
	if (report_feed_verify(feed.data != NULL ? feed.data : "", feed.len, key.data, &o.policy, &v, &err) !=
	    REDRESS_OK) {
		error_prefix(&err, "%.200s does not verify", argv[optind]);
		status = cli_fail(&err);
	} else {
		unbound = v.unbound_v1 + v.unbound_v2;
		printf(
		    "%s: verified: its %llu events give the root of the log signed at size %llu; %llu lines"
		    " bound to their leaves (%lld ms)\n",
		    argv[optind], (unsigned long long)v.size, (unsigned long long)v.size,
		    (unsigned long long)v.bound, (long long)((clock_monotonic_us() - started) / 1000));
		if (unbound > 0)
			printf("%s: %llu lines not bound to their leaves: events written before version 3"
			       " (%llu of version 1, %llu of version 2) have a leaf over their whole bytes,"
			       " salt included, which a feed line cannot rebuild; they are in the tree, their"
			       " lines are checked only by the recount\n",
			       argv[optind], (unsigned long long)unbound, (unsigned long long)v.unbound_v1,
			       (unsigned long long)v.unbound_v2);
		if (o.policy.count > 0)
			printf("%s: cosigned by at least %zu of the %zu witnesses given\n", argv[optind],
			       o.policy.threshold, o.policy.count);
	}
	buf_free(&feed);
	buf_free(&key);
	return status;
}

static int
audit_verify_cmd(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"checkpoint", required_argument, NULL, 'c'},
	    {"pubkey", required_argument, NULL, 'p'},
	    {"witness", required_argument, NULL, 'w'},
	    {"witness-threshold", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cosig_policy policy;
	char root[CODEC_BASE64_SIZE(MERKLE_HASH_SIZE)];
	const char *checkpoint_file = NULL, *pubkey_file = NULL;
	uint8_t key[SIGN_PUBLIC_SIZE];
	struct audit_report *report = NULL;
	struct redress_error err, hw;
	struct buf note;
	uint64_t started;
	unsigned i;
	int c, json = 0, status;

	memset(&policy, 0, sizeof(policy));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'c': checkpoint_file = optarg; break;
		case 'p': pubkey_file = optarg; break;
		case 'w':
			if (!cli_policy_witness(&policy, "audit", optarg))
				return 2;
			break;
		case 't':
			if (!cli_policy_threshold(&policy, "audit", optarg))
				return 2;
			break;
		case 'h': audit_usage(stdout); return 0;
		default: return cli_bad_option("audit", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("audit", "unexpected argument '%s'", argv[optind]);
	if (!cli_policy_finish(&policy, "audit"))
		return 2;
	if (policy.count > 0 && checkpoint_file == NULL)
		return cli_usage_error("audit", "--witness checks the checkpoint given by --checkpoint FILE");
	buf_init(&note, AUDIT_FILE_MAX);
	cli->high_water_later = 1; /* a finding of the audit, beside the others */
	if (cli_open(cli, CLI_READ, &err) != REDRESS_OK ||
	    trusted_key(cli, pubkey_file, key, &err) != REDRESS_OK)
		goto fail;
	if (checkpoint_file != NULL && read_file(checkpoint_file, &note, &err) != REDRESS_OK)
		goto fail;
	/* A checkpoint too few witnesses vouch for is refused before anything is replayed. */
	if (checkpoint_file != NULL &&
	    cosig_policy_check(&policy, note.data != NULL ? note.data : "", note.len, &err) != REDRESS_OK) {
		error_prefix(&err, "--checkpoint %.200s", checkpoint_file);
		goto fail;
	}
	report = calloc(1, sizeof(*report));
	if (report == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory");
		goto fail;
	}
	started = clock_monotonic_us();
	if (audit_verify(cli->log, key, report, &err) != REDRESS_OK)
		goto fail;
	/*
	 * The kept Idempotency-Key answers are no events: opened with the fund's
	 * key instead.  (The public report page keeps nothing: it renders the
	 * latest reports_published row, which the replay above checks.)
	 */
	if (cli->keydir != NULL &&
	    tlog_keys_check(cli->log, keydir_master_key(cli->keydir), keydir_index_key(cli->keydir), &err) ==
	        REDRESS_OK &&
	    idempotency_audit(tlog_store(cli->log), keydir_master_key(cli->keydir), report, &err) !=
	        REDRESS_OK)
		goto fail;
	if (checkpoint_file != NULL &&
	    audit_external_checkpoint(cli->log, key, note.data, note.len, report, &err) != REDRESS_OK)
		goto fail;
	if (cli_high_water(cli, 0, &hw) != REDRESS_OK)
		audit_finding(report, "%s", hw.message);
	codec_base64_encode(report->root, MERKLE_HASH_SIZE, root, sizeof(root), NULL);
	status = report->nfindings == 0 ? 0 : redress_exit_code(REDRESS_E_TAMPERED);
	if (json) {
		json_t *findings = json_array();

		for (i = 0; i < report->nfindings; i++)
			json_array_append_new(findings, json_string(report->findings[i]));
		cli_print_json(json_pack("{s:b, s:I, s:s, s:I, s:I, s:b, s:o, s:I, s:I, s:I}", "ok",
		                         report->nfindings == 0, "events", (json_int_t)report->events, "root",
		                         root, "checkpoints", (json_int_t)report->checkpoints, "rows",
		                         (json_int_t)report->rows, "replayed", report->replayed, "findings",
		                         findings, "more_findings", (json_int_t)report->dropped,
		                         "microseconds", (json_int_t)(clock_monotonic_us() - started),
		                         "unprojected", (json_int_t)report->unprojected));
	} else {
		for (i = 0; i < report->nfindings; i++)
			fprintf(stderr, "FAIL: %s\n", report->findings[i]);
		if (report->dropped > 0)
			fprintf(stderr, "FAIL: ... and %llu more\n", (unsigned long long)report->dropped);
		printf("%s: %llu events, %llu signed checkpoints, %llu table rows checked; root %s\n",
		       report->nfindings == 0 ? "verified" : "NOT VERIFIED",
		       (unsigned long long)report->events, (unsigned long long)report->checkpoints,
		       (unsigned long long)report->rows, root);
		if (report->unprojected > 0)
			printf("note: the leaves of %llu version-3 events were taken as stored, not"
			       " recomputed from their bytes: their public part needs the fund's own"
			       " index key (--keys)\n",
			       (unsigned long long)report->unprojected);
	}
	free(report);
	buf_free(&note);
	return status;
fail:
	free(report);
	buf_free(&note);
	return cli_fail(&err);
}

int
cmd_audit(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		audit_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		audit_usage(stdout);
		return 0;
	}
	if (strcmp(sub, "checkpoint") == 0 || strcmp(sub, "pubkey") == 0) {
		if (argc != 1)
			return cli_usage_error("audit", "'%s' takes no arguments", sub);
		return strcmp(sub, "checkpoint") == 0 ? audit_print_text(cli, checkpoint_cosigned, 0)
		                                      : audit_print_text(cli, tlog_vkey, 1);
	}
	if (strcmp(sub, "handovers") == 0) {
		if (argc != 1)
			return cli_usage_error("audit", "'handovers' takes no arguments");
		return audit_print_text(cli, handovers_object, 1);
	}
	if (strcmp(sub, "cosign") == 0) {
		struct redress_error err;
		size_t asked = 0, got = 0;

		if (argc != 1)
			return cli_usage_error("audit", "'cosign' takes no arguments");
		if (cli_open(cli, CLI_WRITE, &err) != REDRESS_OK ||
		    cli_cosign(cli, &asked, &got, &err) != REDRESS_OK)
			return cli_fail(&err);
		if (asked == 0) {
			error_set(&err, REDRESS_E_USAGE,
			          "no witnesses: the key directory has no 'witnesses' file");
			return cli_fail(&err);
		}
		printf("%zu of %zu witnesses cosigned the checkpoint\n", got, asked);
		return got == asked ? 0 : redress_exit_code(REDRESS_E_CRYPTO);
	}
	if (strcmp(sub, "feed") == 0)
		return audit_feed(cli, argc, argv);
	if (strcmp(sub, "feed-verify") == 0)
		return audit_feed_verify(cli, argc, argv);
	if (strcmp(sub, "show") == 0)
		return audit_show(cli, argc, argv);
	if (strcmp(sub, "prove") == 0)
		return audit_prove(cli, argc, argv);
	if (strcmp(sub, "verify") == 0)
		return audit_verify_cmd(cli, argc, argv);
	return cli_usage_error("audit", "'%s' is not an audit command", sub);
}
