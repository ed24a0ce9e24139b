/*
 * cmd_serve.c -- `redress serve`: the JSON API over HTTP (src/http).
 *
 * The server holds the key directory for as long as it runs: it signs the
 * log's checkpoints, checks passwords against hashes sealed under the
 * master key, and opens sealed fields for the people allowed to see them.
 * It stops on SIGTERM or SIGINT once the requests in flight are answered.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/http.h"

static void
serve_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--threads N]\n"
	        "                     [--ready-fd FD]\n\n"
	        "Serves the fund's JSON API under /api/v1 (described at /api/v1/openapi.json), and\n"
	        "/healthz and /metrics, until SIGTERM or SIGINT; then finishes the requests in flight.\n"
	        "One line per request on stderr: time, method, route, status, duration, account.\n\n"
	        "  --listen HOST:PORT  default 127.0.0.1:8080; [V6ADDR]:PORT for IPv6; port 0 picks a\n"
	        "                      free port (printed on stderr)\n"
	        "  --tls-cert FILE     PEM certificate chain; with --tls-key, serve HTTPS (cookies\n"
	        "  --tls-key FILE      then carry Secure, and Strict-Transport-Security is sent)\n"
	        "  --threads N         worker threads, 1 to 64 (default 2); changes are made by one\n"
	        "                      writer thread that commits many requests together\n"
	        "  --ready-fd FD       write the port to descriptor FD once listening, then close it\n"
	        "                      (for supervisors and tests)\n");
}

static int
parse_uint(const char *option, const char *text, unsigned long min, unsigned long max, unsigned long *value)
{
	char *end;

	errno = 0;
	*value = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || *value < min || *value > max) {
		cli_usage_error("serve", "%s must be a number from %lu to %lu", option, min, max);
		return 0;
	}
	return 1;
}

static void
default_config(struct http_config *config)
{
	memset(config, 0, sizeof(*config));
	snprintf(config->host, sizeof(config->host), "127.0.0.1");
	config->port = 8080;
	config->ready_fd = -1;
}

/* Serves until SIGTERM or SIGINT with the key directory of cli. */
static int
serve(struct cli *cli, struct http_config *config)
{
	struct redress_error err;
	enum redress_err rc;

	/* The database must be this key directory's: tlog_open checks the log key. */
	if (keydir_open(cli->keys, &cli->keydir, &err) != REDRESS_OK)
		return cli_fail(&err);
	config->db = cli->db;
	config->keys = cli->keydir;
	config->keys_path = cli->keys;
	config->modules = cli_modules;
	rc = http_serve(config, &err);
	keydir_close(&cli->keydir);
	return rc == REDRESS_OK ? 0 : cli_fail(&err);
}

int
cmd_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"tls-cert", required_argument, NULL, 'c'},
	    {"tls-key", required_argument, NULL, 'k'},
	    {"threads", required_argument, NULL, 't'},
	    {"ready-fd", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct http_config config;
	struct redress_error err;
	unsigned long n;
	int c;

	default_config(&config);
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (http_listen_parse(optarg, &config, &err) != REDRESS_OK)
				return cli_usage_error("serve", "%s", err.message);
			break;
		case 'c': config.tls_cert = optarg; break;
		case 'k': config.tls_key = optarg; break;
		case 't':
			if (!parse_uint("--threads", optarg, 1, 64, &n))
				return 2;
			config.threads = (unsigned)n;
			break;
		case 'r':
			if (!parse_uint("--ready-fd", optarg, 0, 1024, &n))
				return 2;
			config.ready_fd = (int)n;
			break;
		case 'h': serve_usage(stdout); return 0;
		default: return cli_bad_option("serve", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
	if ((config.tls_cert == NULL) != (config.tls_key == NULL))
		return cli_usage_error("serve", "--tls-cert and --tls-key go together");
	return serve(cli, &config);
}

int
cli_serve_at(struct cli *cli, const char *listen)
{
	struct http_config config;
	struct redress_error err;

	default_config(&config);
	if (http_listen_parse(listen, &config, &err) != REDRESS_OK)
		return cli_fail(&err);
	cli_close(cli);
	return serve(cli, &config);
}
