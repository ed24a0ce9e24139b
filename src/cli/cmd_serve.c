/*
 * cmd_serve.c -- `redress serve`: the JSON API over HTTP (src/http).
 *
 * The server holds the key directory for as long as it runs: it signs the
 * log's checkpoints, checks passwords against hashes sealed under the
 * master key, and opens sealed fields for the people allowed to see them.
 * It stops on SIGTERM or SIGINT once the requests in flight are answered.
 * SIGHUP (systemctl reload) re-reads the key directory and says whether it
 * still holds this fund's keys, readable only by the server, so a key file
 * damaged or opened to others is found while the server runs; the server
 * goes on with the keys it loaded at start.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "crypto/hash.h"
#include "http/http.h"

static void
serve_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress serve [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--threads N]\n"
	        "                     [--ready-fd FD] [--time-zone ZONE] [--witness URL,VKEY...]\n"
	        "                     [--witness-timeout MS]\n\n"
	        "Serves the fund's JSON API under /api/v1 (described at /api/v1/openapi.json), and\n"
	        "/healthz and /metrics, until SIGTERM or SIGINT; then finishes the requests in flight.\n"
	        "SIGHUP re-checks the key directory and writes a status line; it stops nothing.\n"
	        "One line per request on stderr: time, method, route, status, duration, account.\n\n"
	        "  --listen HOST:PORT  default 127.0.0.1:8080; [V6ADDR]:PORT for IPv6; port 0 picks a\n"
	        "                      free port (printed on stderr)\n"
	        "  --tls-cert FILE     PEM certificate chain; with --tls-key, serve HTTPS (cookies\n"
	        "  --tls-key FILE      then carry Secure, and Strict-Transport-Security is sent)\n"
	        "  --threads N         worker threads, 1 to 64 (default 2); changes are made by one\n"
	        "                      writer thread that commits many requests together\n"
	        "  --ready-fd FD       write the port to descriptor FD once listening, then close it\n"
	        "                      (for supervisors and tests)\n"
	        "  --time-zone ZONE    the fund's time zone, in which the pages show times (default\n"
	        "                      Asia/Seoul; any zone of /usr/share/zoneinfo, such as Asia/Tokyo)\n"
	        "  --witness URL,VKEY  a witness (C2SP tlog-witness; 'redress witness') asked to\n"
	        "                      cosign each new checkpoint, after the answers are sent;\n"
	        "                      repeatable; also read from the key directory's 'witnesses'\n"
	        "                      file, one 'URL VKEY' a line.  /api/v1/audit/checkpoint then\n"
	        "                      serves the checkpoint with their cosignatures\n"
	        "  --witness-timeout MS  how long to wait for one witness (default 3000)\n");
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

/*
 * Makes zone the process's time zone (TZ), before any thread starts, so
 * that localtime_r() gives the fund's time on every thread; 0 when zone
 * names no file of /usr/share/zoneinfo.
 */
static int
time_zone_set(const char *zone)
{
	char path[192];
	size_t i;

	if (zone[0] == '\0' || zone[0] == '/' || strstr(zone, "..") != NULL || strlen(zone) > 64)
		return 0;
	for (i = 0; zone[i] != '\0'; i++)
		if (!((zone[i] >= 'A' && zone[i] <= 'Z') || (zone[i] >= 'a' && zone[i] <= 'z') ||
		      (zone[i] >= '0' && zone[i] <= '9') || strchr("/_+-", zone[i]) != NULL))
			return 0;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", zone);
	if (access(path, R_OK) != 0)
		return 0;
	if (setenv("TZ", zone, 1) != 0)
		return 0;
	tzset();
	return 1;
}
/* The witnesses of `serve`: few, and the server's for as long as it runs. */
static struct http_witness serve_witnesses[HTTP_WITNESSES_MAX];

static void
default_config(struct http_config *config)
{
	memset(config, 0, sizeof(*config));
	memset(serve_witnesses, 0, sizeof(serve_witnesses));
	config->witnesses = serve_witnesses;
	snprintf(config->host, sizeof(config->host), "127.0.0.1");
	config->port = 8080;
	config->ready_fd = -1;
}

/* SIGHUP: is the key directory still whole, private, and this fund's? */
static void
serve_reload(void *ctx)
{
	struct cli *cli = ctx;
	struct keydir *now = NULL;
	struct redress_error err;

	if (keydir_open(cli->keys, &now, &err) != REDRESS_OK)
		fprintf(stderr,
		        "redress: SIGHUP: key directory: %s (serving on with the keys loaded at start)\n",
		        err.message);
	else if (!crypto_equal(sign_key_public(keydir_log_key(now)),
	                       sign_key_public(keydir_log_key(cli->keydir)), SIGN_PUBLIC_SIZE))
		fprintf(stderr,
		        "redress: SIGHUP: key directory '%s' now holds another log key than the one this"
		        " server signs with: restore the right keys\n",
		        cli->keys);
	else
		fprintf(stderr, "redress: SIGHUP: key directory '%s' checked: this fund's keys, private\n",
		        cli->keys);
	keydir_close(&now);
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
	if (http_witnesses_load(cli->keys, config->witnesses, HTTP_WITNESSES_MAX, &config->witness_count,
	                        &err) != REDRESS_OK) {
		keydir_close(&cli->keydir);
		return cli_fail(&err);
	}
	config->db = cli->db;
	config->keys = cli->keydir;
	config->keys_path = cli->keys;
	config->modules = cli_modules;
	config->reload = serve_reload;
	config->reload_ctx = cli;
	rc = http_serve(config, &err);
	keydir_close(&cli->keydir);
	return rc == REDRESS_OK ? 0 : cli_fail(&err);
}

int
cmd_serve(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"listen", required_argument, NULL, 'l'},   {"tls-cert", required_argument, NULL, 'c'},
	    {"tls-key", required_argument, NULL, 'k'},  {"threads", required_argument, NULL, 't'},
	    {"ready-fd", required_argument, NULL, 'r'}, {"time-zone", required_argument, NULL, 'z'},
	    {"witness", required_argument, NULL, 'w'},  {"witness-timeout", required_argument, NULL, 'W'},
	    {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	struct http_config config;
	struct redress_error err;
	const char *zone = "Asia/Seoul";
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
		case 'z': zone = optarg; break;
		case 'w':
			if (config.witness_count >= HTTP_WITNESSES_MAX)
				return cli_usage_error("serve", "at most %d witnesses", HTTP_WITNESSES_MAX);
			if (http_witness_parse(optarg, &config.witnesses[config.witness_count], &err) !=
			    REDRESS_OK)
				return cli_usage_error("serve", "--witness: %s", err.message);
			config.witness_count++;
			break;
		case 'W':
			if (!parse_uint("--witness-timeout", optarg, 100, 60000, &n))
				return 2;
			config.witness_timeout_ms = (unsigned)n;
			break;
		case 'h': serve_usage(stdout); return 0;
		default: return cli_bad_option("serve", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
	if ((config.tls_cert == NULL) != (config.tls_key == NULL))
		return cli_usage_error("serve", "--tls-cert and --tls-key go together");
	if (!time_zone_set(zone))
		return cli_usage_error(
		    "serve",
		    "--time-zone '%.64s' is not a time zone of /usr/share/zoneinfo (such as "
		    "Asia/Seoul)",
		    zone);
	return serve(cli, &config);
}

int
cli_serve_at(struct cli *cli, const char *listen)
{
	(void)time_zone_set("Asia/Seoul"); /* the pages' times, as serve defaults them */
	struct http_config config;
	struct redress_error err;

	default_config(&config);
	if (http_listen_parse(listen, &config, &err) != REDRESS_OK)
		return cli_fail(&err);
	cli_close(cli);
	return serve(cli, &config);
}
