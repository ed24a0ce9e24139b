/*
 * cmd_witness.c -- `redress witness`: a monitor's own witness (C2SP
 * tlog-witness) that cosigns the fund's checkpoints only while they extend
 * what it saw before; and the witness policies and cosignature collection
 * the other commands share.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"
#include "log/cosig.h"
#include "log/witness.h"

static void
witness_usage(FILE *f)
{
	fprintf(f, "usage: redress witness init --name NAME --keys DIR\n"
	           "       redress witness serve --keys DIR --log-key VKEY [--log-key VKEY...]\n"
	           "                             [--listen HOST:PORT] [--ready-fd FD]\n"
	           "       redress witness pubkey --keys DIR\n\n"
	           "A witness is run by a monitor on her own machine with her own key.  It keeps the\n"
	           "last checkpoint it cosigned for each log it watches (in DIR), and cosigns a new one\n"
	           "(C2SP tlog-cosignature, cosignature/v1) only when a consistency proof shows it\n"
	           "extends that one.  A checkpoint of the same size with another root, or one that\n"
	           "does not extend what it saw, is refused (HTTP 422) and logged as a FORK on stderr.\n\n"
	           "init    makes DIR (mode 0700) with a fresh Ed25519 key named NAME (e.g.\n"
	           "        monitor.example/w1), and prints its verifier key, which the fund gives to\n"
	           "        'redress serve --witness URL,VKEY' and the public to '--witness VKEY'\n"
	           "pubkey  prints the witness's verifier key again\n"
	           "serve   answers POST /add-checkpoint and GET /HEX/checkpoint (tlog-witness) for\n"
	           "        the logs whose verifier keys ('redress audit pubkey') are given, on\n"
	           "        --listen (default 127.0.0.1:8090), until SIGTERM or SIGINT\n");
}

int
cli_policy_witness(struct cosig_policy *policy, const char *cmd, const char *vkey)
{
	struct redress_error err;

	if (cosig_policy_add(policy, vkey, &err) != REDRESS_OK) {
		cli_usage_error(cmd, "--witness: %s", err.message);
		return 0;
	}
	return 1;
}

int
cli_policy_threshold(struct cosig_policy *policy, const char *cmd, const char *text)
{
	char *end;
	unsigned long k;

	errno = 0;
	k = strtoul(text, &end, 10);
	if (text[0] < '1' || text[0] > '9' || *end != '\0' || errno != 0 || k > COSIG_WITNESSES_MAX) {
		cli_usage_error(cmd, "--witness-threshold must be a whole number from 1 to %d",
		                COSIG_WITNESSES_MAX);
		return 0;
	}
	policy->threshold = k;
	return 1;
}

int
cli_policy_finish(struct cosig_policy *policy, const char *cmd)
{
	if (policy->count == 0 && policy->threshold > 0) {
		cli_usage_error(cmd, "--witness-threshold needs the witnesses' keys (--witness VKEY)");
		return 0;
	}
	if (policy->count > 0 && policy->threshold == 0)
		policy->threshold = policy->count;
	if (policy->threshold > policy->count) {
		cli_usage_error(cmd, "--witness-threshold %zu is more than the %zu witnesses given",
		                policy->threshold, policy->count);
		return 0;
	}
	return 1;
}

int
cli_verify_options(const char *cmd, int argc, char **argv, void (*usage)(FILE *), struct cli_verify_opts *o)
{
	static const struct option options[] = {
	    {"pubkey", required_argument, NULL, 'k'},
	    {"witness", required_argument, NULL, 'w'},
	    {"witness-threshold", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'k': o->pubkey = optarg; break;
		case 'w':
			if (!cli_policy_witness(&o->policy, cmd, optarg))
				return 2;
			break;
		case 't':
			if (!cli_policy_threshold(&o->policy, cmd, optarg))
				return 2;
			break;
		case 'h': usage(stdout); return 0;
		default: return cli_bad_option(cmd, argv);
		}
	}
	if (!cli_policy_finish(&o->policy, cmd))
		return 2;
	if (optind + 1 != argc)
		return cli_usage_error(cmd, "'verify' takes one FILE");
	return -1;
}

enum redress_err
cli_verifier_key(struct cli *cli, const char *pubkey, struct buf *key, struct redress_error *err)
{
	enum redress_err rc;

	if (pubkey != NULL) {
		if ((rc = cli_read_file(pubkey, 64 * 1024, key, err)) != REDRESS_OK)
			return rc;
	} else {
		buf_init(key, 64 * 1024);
		if ((rc = cli_open(cli, CLI_READ, err)) != REDRESS_OK ||
		    (rc = tlog_vkey(cli->log, key, err)) != REDRESS_OK) {
			buf_free(key);
			return error_prefix(err, "no --pubkey, and the database's key cannot be read");
		}
	}
	/* The key file holds one line; the verifier key is that line. */
	while (key->len > 0 && (key->data[key->len - 1] == '\n' || key->data[key->len - 1] == '\r'))
		key->data[--key->len] = '\0';
	if (key->data == NULL) {
		buf_free(key);
		return error_set(err, REDRESS_E_INVALID, "--pubkey %.200s is empty",
		                 pubkey != NULL ? pubkey : "");
	}
	return REDRESS_OK;
}

enum redress_err
cli_cosign(struct cli *cli, size_t *asked_r, size_t *got_r, struct redress_error *err)
{
	struct http_witness *ws;
	size_t count = 0, got = 0;
	enum redress_err rc;

	if ((ws = calloc(HTTP_WITNESSES_MAX, sizeof(*ws))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = http_witnesses_load(cli->keys, ws, HTTP_WITNESSES_MAX, &count, err)) == REDRESS_OK &&
	    count > 0)
		rc = http_cosign_collect(cli->log, ws, count, 0, &got, err);
	free(ws);
	if (asked_r != NULL)
		*asked_r = count;
	if (got_r != NULL)
		*got_r = got;
	return rc;
}

/* Prints the verifier key of the witness in dir. */
static int
witness_print_vkey(const char *dir)
{
	struct redress_error err;
	struct sign_key *key = NULL;
	char name[NOTE_NAME_MAX + 2];
	struct buf out;

	if (keydir_witness_open(dir, name, sizeof(name), &key, &err) != REDRESS_OK)
		return cli_fail(&err);
	buf_init(&out, 4096);
	note_vkey_format_type(&out, name, NOTE_ALG_COSIGNATURE, sign_key_public(key));
	printf("%s\n", out.data != NULL ? out.data : "");
	buf_free(&out);
	sign_key_free(&key);
	return 0;
}

static int
witness_init(int argc, char **argv)
{
	static const struct option options[] = {
	    {"name", required_argument, NULL, 'n'},
	    {"keys", required_argument, NULL, 'k'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *name = NULL, *dir = NULL;
	struct redress_error err;
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'n': name = optarg; break;
		case 'k': dir = optarg; break;
		case 'h': witness_usage(stdout); return 0;
		default: return cli_bad_option("witness", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("witness", "unexpected argument '%s'", argv[optind]);
	if (name == NULL || dir == NULL)
		return cli_usage_error("witness", "'init' needs --name NAME and --keys DIR");
	if (!note_name_valid(name))
		return cli_usage_error(
		    "witness",
		    "--name '%.64s': a key name is 1 to %d bytes of printable ASCII, no space or '+'", name,
		    NOTE_NAME_MAX);
	if (keydir_witness_create(dir, name, &err) != REDRESS_OK)
		return cli_fail(&err);
	return witness_print_vkey(dir);
}

static int
witness_serve(int argc, char **argv)
{
	static const struct option options[] = {
	    {"keys", required_argument, NULL, 'k'},   {"log-key", required_argument, NULL, 'l'},
	    {"listen", required_argument, NULL, 'L'}, {"ready-fd", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *logs[WITNESS_LOGS_MAX];
	struct http_witness_config wc;
	struct http_config hc;
	struct redress_error err;
	char *end;
	unsigned long fd;
	int c;

	memset(&wc, 0, sizeof(wc));
	memset(&hc, 0, sizeof(hc));
	snprintf(wc.host, sizeof(wc.host), "127.0.0.1");
	wc.port = 8090;
	wc.ready_fd = -1;
	wc.log_vkeys = logs;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'k': wc.dir = optarg; break;
		case 'l':
			if (wc.log_count >= WITNESS_LOGS_MAX)
				return cli_usage_error("witness", "at most %d --log-key", WITNESS_LOGS_MAX);
			logs[wc.log_count++] = optarg;
			break;
		case 'L':
			if (http_listen_parse(optarg, &hc, &err) != REDRESS_OK)
				return cli_usage_error("witness", "%s", err.message);
			memcpy(wc.host, hc.host, sizeof(wc.host));
			wc.port = hc.port;
			break;
		case 'r':
			errno = 0;
			fd = strtoul(optarg, &end, 10);
			if (optarg[0] < '0' || optarg[0] > '9' || *end != '\0' || errno != 0 || fd > 1024)
				return cli_usage_error("witness",
				                       "--ready-fd must be a number from 0 to 1024");
			wc.ready_fd = (int)fd;
			break;
		case 'h': witness_usage(stdout); return 0;
		default: return cli_bad_option("witness", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("witness", "unexpected argument '%s'", argv[optind]);
	if (wc.dir == NULL || wc.log_count == 0)
		return cli_usage_error("witness", "'serve' needs --keys DIR and at least one --log-key VKEY");
	if (http_witness_serve(&wc, &err) != REDRESS_OK)
		return cli_fail(&err);
	return 0;
}

int
cmd_witness(struct cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		witness_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "init") == 0)
		return witness_init(argc - 1, argv + 1);
	if (strcmp(argv[1], "serve") == 0)
		return witness_serve(argc - 1, argv + 1);
	if (strcmp(argv[1], "pubkey") == 0) {
		if (argc != 4 || strcmp(argv[2], "--keys") != 0)
			return cli_usage_error("witness", "'pubkey' takes --keys DIR");
		return witness_print_vkey(argv[3]);
	}
	return cli_usage_error("witness", "'%s' is not a witness command", argv[1]);
}
