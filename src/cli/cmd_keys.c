/*
 * cmd_keys.c -- `redress keys split` and `redress keys recover`: the key
 * directory's three keys (crypto/keydir.h) split among N custodians by
 * Shamir's scheme (crypto/shamir.h), any K of whom rebuild them, and fewer
 * of whom learn nothing.
 *
 * A share file is text a person can print, type back or scan:
 *
 *   redress key share 1
 *   fund: ORIGIN
 *   log-key: BASE64 of the log's Ed25519 public key
 *   keys: 32 hex digits, the start of the SHA-256 of "redress keys 1"
 *         and the three keys: what the rebuilt keys must hash to
 *   set: 16 hex digits naming this split (shares of two splits never mix)
 *   share: I
 *   threshold: K
 *   shares: N
 *   data: BASE64 of the share's 96 bytes
 *   check: 16 hex digits, the start of the SHA-256 of the lines above
 *
 * followed by the same lines as a QR code drawn in text, and the same QR
 * code as an SVG file beside it.  The check finds a mistyped line; the
 * log key finds a share of another fund; the keys' hash proves the rebuilt
 * keys are the fund's (a wrong share cannot pass it).  The hash commits to
 * 96 random bytes: it tells nothing of them that anyone could compute.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/qr.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/shamir.h"
#include "crypto/sign.h"

#define SHARE_MAGIC          "redress key share 1"
#define SHARE_TEXT_MAX       1024
#define SHARE_FILE_MAX       (64 * 1024)
#define SHARE_SET_HEX        16
#define SHARE_CHECK_HEX      16
#define SHARE_CUSTODIANS_MAX 16 /* shares a split makes, at most */
#define SHARE_B64_SIZE       ((KEYDIR_SECRET_SIZE + 2) / 3 * 4 + 1)
#define SHARE_ORIGIN_MAX     256
#define SHARE_KEYS_HEX       32

static void
keys_usage(FILE *f)
{
	fprintf(f,
	        "usage: redress [--db PATH] [--keys DIR] keys split --shares N --threshold K --out DIR\n"
	        "       redress keys recover --out KEYDIR SHARE...\n"
	        "       redress [--as ADMIN] keys rotate [--log]\n\n"
	        "split    splits the key directory's keys (the log key, the master key that opens every\n"
	        "         person's file, the index key) into N share files in DIR (a new directory,\n"
	        "         mode 0700): share-I.txt to print (text and a QR code) and share-I.svg (the QR\n"
	        "         code alone).  Any K shares rebuild the keys; K-1 reveal nothing of them.\n"
	        "         2 <= K <= N <= %d.  Give each share to one custodian, then delete DIR.\n"
	        "recover  rebuilds a key directory KEYDIR (new, or empty of keys) from at least K\n"
	        "         share files of one split; checks each share's checksum, that all are of one\n"
	        "         fund and one split, and that the keys rebuilt are that fund's.\n"
	        "rotate   a new master key: every person's data key re-wrapped and every account's\n"
	        "         password hash and second factor sealed again under it, in one change;\n"
	        "         then the old key opens nothing in this fund.  Interrupted, run it again:\n"
	        "         it finishes.  Needs an admin.  Stop the server first; split the keys again\n"
	        "         after.\n"
	        "rotate --log  a new log signing key: one change records it ('log.key.rotated') and\n"
	        "         its checkpoint, the handover, is signed by the old key and the new one, so\n"
	        "         a verifier who knows the old key follows to the new ('redress audit\n"
	        "         handovers' prints the chain).  Interrupted, run it again.  Needs an admin.\n"
	        "         Stop the server first; split the keys again after.\n\n"
	        "split and recover change nothing in the fund and need no --as: whoever holds the\n"
	        "key directory, or K shares, holds the fund.  See docs/operations.md for who\n"
	        "should hold shares.\n",
	        SHARE_CUSTODIANS_MAX);
}

/* A share as its file says. */
struct share {
	char origin[SHARE_ORIGIN_MAX];
	char log_key[SIGN_PUBLIC_SIZE * 2];
	char set[SHARE_SET_HEX + 1];
	char keys[SHARE_KEYS_HEX + 1];
	unsigned index, threshold, shares;
	uint8_t data[KEYDIR_SECRET_SIZE];
};

/* The check of text: the first 8 bytes of its SHA-256, in hex. */
static void
share_check(const char *text, size_t len, char out[SHARE_CHECK_HEX + 1])
{
	uint8_t digest[HASH_SHA256_SIZE];

	hash_sha256(text, len, digest);
	codec_hex_encode(digest, SHARE_CHECK_HEX / 2, out, SHARE_CHECK_HEX + 1, NULL);
}

/* What the keys must hash to: the start of SHA-256("redress keys 1" || secret), in hex. */
static void
keys_hash(const uint8_t secret[KEYDIR_SECRET_SIZE], char out[SHARE_KEYS_HEX + 1])
{
	static const char label[] = "redress keys 1";
	struct hash_sha256 h;
	uint8_t digest[HASH_SHA256_SIZE];

	hash_sha256_init(&h);
	hash_sha256_update(&h, label, sizeof(label) - 1);
	hash_sha256_update(&h, secret, KEYDIR_SECRET_SIZE);
	hash_sha256_final(&h, digest);
	codec_hex_encode(digest, SHARE_KEYS_HEX / 2, out, SHARE_KEYS_HEX + 1, NULL);
}

/* The share's lines, its check last, into text. */
static enum redress_err
share_text(const struct share *s, char *text, size_t size, struct redress_error *err)
{
	char data[SHARE_B64_SIZE], check[SHARE_CHECK_HEX + 1];
	enum redress_err rc;
	int n, m;

	if ((rc = codec_base64_encode(s->data, sizeof(s->data), data, sizeof(data), err)) != REDRESS_OK)
		return rc;
	n = snprintf(text, size,
	             SHARE_MAGIC
	             "\nfund: %s\nlog-key: %s\nkeys: %s\nset: %s\nshare: %u\nthreshold: %u\nshares: %u\n"
	             "data: %s\n",
	             s->origin, s->log_key, s->keys, s->set, s->index, s->threshold, s->shares, data);
	crypto_wipe(data, sizeof(data));
	if (n < 0 || (size_t)n >= size)
		return error_set(err, REDRESS_E_INVALID, "a share's text does not fit (origin too long?)");
	share_check(text, (size_t)n, check);
	m = snprintf(text + n, size - (size_t)n, "check: %s\n", check);
	if (m < 0 || (size_t)m >= size - (size_t)n)
		return error_set(err, REDRESS_E_INVALID, "a share's text does not fit (origin too long?)");
	return REDRESS_OK;
}

/* Writes DIR/share-I.txt and DIR/share-I.svg for one share. */
static enum redress_err
share_write(const char *dir, const struct share *s, struct redress_error *err)
{
	char text[SHARE_TEXT_MAX], path[CLI_PATH_MAX + 32], label[128];
	struct buf svg;
	FILE *f = NULL;
	enum redress_err rc;

	buf_init(&svg, 1u << 20);
	if ((rc = share_text(s, text, sizeof(text), err)) != REDRESS_OK)
		goto out;
	snprintf(path, sizeof(path), "%s/share-%u.txt", dir, s->index);
	if ((f = fopen(path, "wx")) == NULL) {
		rc = error_set(err, REDRESS_E_IO, "cannot create '%.200s': %s", path, strerror(errno));
		goto out;
	}
	fprintf(f, "%s\n", text);
	fprintf(f,
	        "This is share %u of %u of the keys of the redress fund %s.  Any %u shares rebuild\n"
	        "the keys ('redress keys recover'); fewer reveal nothing.  Keep it where only you can\n"
	        "reach it; never keep two shares together.  The QR code below holds the lines above.\n\n",
	        s->index, s->shares, s->origin, s->threshold);
	if ((rc = qr_terminal(text, f, err)) != REDRESS_OK)
		goto out;
	if (fclose(f) != 0) {
		f = NULL;
		rc = error_set(err, REDRESS_E_IO, "cannot write '%.200s': %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
	snprintf(label, sizeof(label), "Share %u of %u of a redress fund's keys", s->index, s->shares);
	if ((rc = qr_svg(text, label, &svg, err)) != REDRESS_OK)
		goto out;
	snprintf(path, sizeof(path), "%s/share-%u.svg", dir, s->index);
	if ((f = fopen(path, "wx")) == NULL) {
		rc = error_set(err, REDRESS_E_IO, "cannot create '%.200s': %s", path, strerror(errno));
		goto out;
	}
	if (fwrite(svg.data, 1, svg.len, f) != svg.len || fclose(f) != 0) {
		f = NULL;
		rc = error_set(err, REDRESS_E_IO, "cannot write '%.200s': %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
out:
	if (f != NULL)
		fclose(f);
	crypto_wipe(text, sizeof(text));
	if (svg.data != NULL)
		crypto_wipe(svg.data, svg.cap);
	buf_free(&svg);
	return rc;
}

/* A count option: 1 to max. */
static int
count_arg(const char *text, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < 1 || v > max)
		return 0;
	*out = (unsigned)v;
	return 1;
}

static int
keys_split(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"shares", required_argument, NULL, 'n'},
	    {"threshold", required_argument, NULL, 'k'},
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint8_t secret[KEYDIR_SECRET_SIZE], set[SHARE_SET_HEX / 2];
	uint8_t shares[SHARE_CUSTODIANS_MAX * KEYDIR_SECRET_SIZE];
	const char *out = NULL;
	struct redress_error err;
	struct share s;
	unsigned n = 0, k = 0, i;
	int c, status = 1, made = 0;

	memset(&s, 0, sizeof(s));
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'n':
			if (!count_arg(optarg, SHARE_CUSTODIANS_MAX, &n))
				return cli_usage_error("keys", "--shares: '%s' is not a number from 2 to %d",
				                       optarg, SHARE_CUSTODIANS_MAX);
			break;
		case 'k':
			if (!count_arg(optarg, SHARE_CUSTODIANS_MAX, &k))
				return cli_usage_error("keys",
				                       "--threshold: '%s' is not a number from 2 to %d",
				                       optarg, SHARE_CUSTODIANS_MAX);
			break;
		case 'o': out = optarg; break;
		case 'h': keys_usage(stdout); return 0;
		default: return cli_bad_option("keys", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("keys", "'split' takes no '%s'", argv[optind]);
	if (n == 0 || k == 0 || out == NULL)
		return cli_usage_error("keys", "'split' needs --shares N --threshold K --out DIR");
	if (k < 2 || k > n)
		return cli_usage_error("keys", "--threshold %u with --shares %u: need 2 <= K <= N", k, n);
	if (cli_open(cli, CLI_READ, &err) != REDRESS_OK || cli_open_keys(cli, &err) != REDRESS_OK ||
	    keydir_export(cli->keys, secret, &err) != REDRESS_OK)
		goto fail;
	if (strlen(tlog_origin(cli->log)) >= sizeof(s.origin)) {
		error_set(&err, REDRESS_E_INVALID, "the fund's origin is too long for a share file");
		goto fail;
	}
	memcpy(s.origin, tlog_origin(cli->log), strlen(tlog_origin(cli->log)) + 1);
	if (codec_base64_encode(tlog_public_key(cli->log), SIGN_PUBLIC_SIZE, s.log_key, sizeof(s.log_key),
	                        &err) != REDRESS_OK)
		goto fail;
	keys_hash(secret, s.keys);
	crypto_random(set, sizeof(set));
	codec_hex_encode(set, sizeof(set), s.set, sizeof(s.set), NULL);
	if (shamir_split(secret, sizeof(secret), n, k, shares, &err) != REDRESS_OK)
		goto fail;
	if (mkdir(out, 0700) != 0) {
		error_set(&err, REDRESS_E_IO, "cannot create '%.200s': %s (give a new directory)", out,
		          strerror(errno));
		goto fail;
	}
	made = 1;
	s.threshold = k;
	s.shares = n;
	for (i = 0; i < n; i++) {
		s.index = i + 1;
		memcpy(s.data, shares + (size_t)i * KEYDIR_SECRET_SIZE, KEYDIR_SECRET_SIZE);
		if (share_write(out, &s, &err) != REDRESS_OK)
			goto fail;
	}
	printf("%u shares of the keys of fund %s in %s (split %s): any %u rebuild them.\n"
	       "Give share-I.txt (print it) or share-I.svg to custodian I, one each, then delete %s.\n",
	       n, s.origin, out, s.set, k, out);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
	if (made) {
		char path[CLI_PATH_MAX + 32];

		for (i = 1; i <= n; i++) {
			snprintf(path, sizeof(path), "%s/share-%u.txt", out, i);
			unlink(path);
			snprintf(path, sizeof(path), "%s/share-%u.svg", out, i);
			unlink(path);
		}
		rmdir(out);
	}
out:
	crypto_wipe(secret, sizeof(secret));
	crypto_wipe(shares, sizeof(shares));
	crypto_wipe(&s, sizeof(s));
	return status;
}

/* The value of "KEY: value" in line (len bytes), copied into out; 0 when line is not that key. */
static int
share_field(const char *line, size_t len, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	if (len < klen + 2 || memcmp(line, key, klen) != 0 || line[klen] != ':' || line[klen + 1] != ' ')
		return 0;
	if (len - klen - 2 >= size)
		return -1;
	memcpy(out, line + klen + 2, len - klen - 2);
	out[len - klen - 2] = '\0';
	return 1;
}

/* Reads and checks one share file. */
static enum redress_err
share_read(const char *path, struct share *s, struct redress_error *err)
{
	static const char *const keys[] = {"fund",  "log-key",   "keys",   "set",
	                                   "share", "threshold", "shares", "data"};
	char value[SHARE_TEXT_MAX], check[SHARE_CHECK_HEX + 1];
	const char *p, *nl;
	struct buf file;
	size_t len, i, got;
	enum redress_err rc;
	int r;

	memset(s, 0, sizeof(*s));
	if ((rc = cli_read_file(path, SHARE_FILE_MAX, &file, err)) != REDRESS_OK)
		return rc;
	p = file.data;
	if (strncmp(p, SHARE_MAGIC "\n", sizeof(SHARE_MAGIC)) != 0) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "'%.200s' is not a redress key share (its first line is not"
		               " '" SHARE_MAGIC "')",
		               path);
		goto out;
	}
	p += sizeof(SHARE_MAGIC);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if ((r = share_field(p, len, keys[i], value, sizeof(value))) != 1) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "share '%.200s', line %zu: expected '%s: ...'%s", path, i + 2, keys[i],
			               r < 0 ? " (too long)" : "");
			goto out;
		}
		rc = REDRESS_OK;
		switch (i) {
		case 0:
			if (strlen(value) >= sizeof(s->origin))
				rc = REDRESS_E_INVALID;
			else
				memcpy(s->origin, value, strlen(value) + 1);
			break;
		case 1:
			if (strlen(value) >= sizeof(s->log_key))
				rc = REDRESS_E_INVALID;
			else
				memcpy(s->log_key, value, strlen(value) + 1);
			break;
		case 2:
			if (strlen(value) != SHARE_KEYS_HEX ||
			    strspn(value, "0123456789abcdef") != SHARE_KEYS_HEX)
				rc = REDRESS_E_INVALID;
			else
				memcpy(s->keys, value, SHARE_KEYS_HEX + 1);
			break;
		case 3:
			if (strlen(value) != SHARE_SET_HEX ||
			    strspn(value, "0123456789abcdef") != SHARE_SET_HEX)
				rc = REDRESS_E_INVALID;
			else
				memcpy(s->set, value, SHARE_SET_HEX + 1);
			break;
		case 4:
			if (!count_arg(value, SHAMIR_SHARES_MAX, &s->index))
				rc = REDRESS_E_INVALID;
			break;
		case 5:
			if (!count_arg(value, SHAMIR_SHARES_MAX, &s->threshold) || s->threshold < 2)
				rc = REDRESS_E_INVALID;
			break;
		case 6:
			if (!count_arg(value, SHAMIR_SHARES_MAX, &s->shares) || s->shares < s->threshold ||
			    s->index > s->shares)
				rc = REDRESS_E_INVALID;
			break;
		default:
			if (codec_base64_decode(value, strlen(value), s->data, sizeof(s->data), &got, NULL) !=
			        REDRESS_OK ||
			    got != sizeof(s->data))
				rc = REDRESS_E_INVALID;
			break;
		}
		if (rc != REDRESS_OK) {
			rc = error_set(err, REDRESS_E_INVALID, "share '%.200s', line %zu: '%s' is malformed",
			               path, i + 2, keys[i]);
			goto out;
		}
		p = nl != NULL ? nl + 1 : p + len;
	}
	nl = strchr(p, '\n');
	len = nl != NULL ? (size_t)(nl - p) : strlen(p);
	if (share_field(p, len, "check", value, sizeof(value)) != 1) {
		rc =
		    error_set(err, REDRESS_E_INVALID, "share '%.200s', line 10: expected 'check: ...'", path);
		goto out;
	}
	share_check(file.data, (size_t)(p - file.data), check);
	if (strcmp(value, check) != 0) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "share '%.200s': its check does not match its lines (a line mistyped or"
		               " damaged?)",
		               path);
		goto out;
	}
	rc = REDRESS_OK;
out:
	crypto_wipe(value, sizeof(value));
	if (file.data != NULL)
		crypto_wipe(file.data, file.cap);
	buf_free(&file);
	if (rc != REDRESS_OK)
		crypto_wipe(s, sizeof(*s));
	return rc;
}

static int
keys_recover(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	uint8_t secret[KEYDIR_SECRET_SIZE], xs[SHAMIR_SHARES_MAX];
	const uint8_t *ys[SHAMIR_SHARES_MAX];
	char log_key[SIGN_PUBLIC_SIZE * 2], hash[SHARE_KEYS_HEX + 1];
	struct share *shares = NULL;
	struct sign_key *key = NULL;
	const char *out = NULL;
	struct redress_error err;
	unsigned count, i, j;
	int c, status = 1;

	(void)cli;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'h': keys_usage(stdout); return 0;
		default: return cli_bad_option("keys", argv);
		}
	}
	if (out == NULL || optind >= argc)
		return cli_usage_error("keys", "'recover' needs --out KEYDIR and share files");
	if (argc - optind > SHAMIR_SHARES_MAX)
		return cli_usage_error("keys", "'recover' takes at most %d share files", SHAMIR_SHARES_MAX);
	count = (unsigned)(argc - optind);
	if ((shares = calloc(count, sizeof(*shares))) == NULL) {
		error_set(&err, REDRESS_E_NOMEM, "out of memory reading shares");
		goto fail;
	}
	for (i = 0; i < count; i++) {
		if (share_read(argv[optind + i], &shares[i], &err) != REDRESS_OK)
			goto fail;
		if (strcmp(shares[i].log_key, shares[0].log_key) != 0 ||
		    strcmp(shares[i].origin, shares[0].origin) != 0) {
			error_set(&err, REDRESS_E_INVALID,
			          "share '%.200s' is of another fund (%s, log key %s) than '%.200s' (%s, log "
			          "key %s);"
			          " nothing was written",
			          argv[optind + i], shares[i].origin, shares[i].log_key, argv[optind],
			          shares[0].origin, shares[0].log_key);
			goto fail;
		}
		if (strcmp(shares[i].set, shares[0].set) != 0 ||
		    strcmp(shares[i].keys, shares[0].keys) != 0 ||
		    shares[i].threshold != shares[0].threshold) {
			error_set(
			    &err, REDRESS_E_INVALID,
			    "share '%.200s' is of another split (%s) than '%.200s' (%s): shares of two splits"
			    " never combine; nothing was written",
			    argv[optind + i], shares[i].set, argv[optind], shares[0].set);
			goto fail;
		}
		for (j = 0; j < i; j++)
			if (shares[j].index == shares[i].index) {
				error_set(&err, REDRESS_E_INVALID,
				          "'%.200s' and '%.200s' are both share %u: each share counts once",
				          argv[optind + j], argv[optind + i], shares[i].index);
				goto fail;
			}
		xs[i] = (uint8_t)shares[i].index;
		ys[i] = shares[i].data;
	}
	if (count < shares[0].threshold) {
		error_set(&err, REDRESS_E_INVALID,
		          "%u share%s given; this split needs %u to rebuild the keys: nothing was written",
		          count, count == 1 ? "" : "s", shares[0].threshold);
		goto fail;
	}
	if (shamir_combine(xs, ys, shares[0].threshold, sizeof(secret), secret, &err) != REDRESS_OK)
		goto fail;
	/* The log key rebuilt must be the one the shares name: a wrong share cannot pass. */
	if (sign_key_from_seed(secret, &key, &err) != REDRESS_OK ||
	    codec_base64_encode(sign_key_public(key), SIGN_PUBLIC_SIZE, log_key, sizeof(log_key), &err) !=
	        REDRESS_OK)
		goto fail;
	keys_hash(secret, hash);
	if (strcmp(log_key, shares[0].log_key) != 0 || strcmp(hash, shares[0].keys) != 0) {
		error_set(&err, REDRESS_E_CRYPTO,
		          "the shares do not rebuild the keys of fund %s: one of them is wrong (its data "
		          "altered, or"
		          " made up); nothing was written",
		          shares[0].origin);
		goto fail;
	}
	if (keydir_import(out, secret, &err) != REDRESS_OK)
		goto fail;
	printf("keys of fund %s rebuilt in %s from %u shares\n", shares[0].origin, out, shares[0].threshold);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
out:
	sign_key_free(&key);
	crypto_wipe(secret, sizeof(secret));
	if (shares != NULL)
		crypto_wipe(shares, count * sizeof(*shares));
	free(shares);
	return status;
}

/* Seals everything under master again under new_key, in the change open in cli. */
static enum redress_err
rotate_change(struct cli *cli, const struct seal_key *old, const struct seal_key *new_key,
              uint64_t *persons_r, uint64_t *accounts_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = registry_keys_rewrap(tlog_store(cli->log), old, new_key, persons_r, err)) != REDRESS_OK ||
	    (rc = users_reseal(cli->log, &cli->actor, old, new_key, accounts_r, err)) != REDRESS_OK)
		return rc;
	/* The fund's fingerprint of its master key follows, in the same change. */
	return tlog_keys_record_master(cli->log, new_key, err);
}

/*
 * `keys rotate`: a new master key.  The new key is written first, beside
 * the old (master.key.new); then one change seals every person's data key,
 * password hash and TOTP secret again under it; then the new key replaces
 * the old.  Run again after a crash, it finishes what was begun: with the
 * same new key, redoing the change, or (the change committed) only the
 * last step.
 */
/*
 * An interrupted rotation whose change committed: the fund records the
 * waiting key's fingerprint already.  Returns 1 when so.
 */
static int
rotation_committed(struct cli *cli)
{
	struct seal_key *pending = NULL;
	struct redress_error err;
	int made = 0, done = 0;
	char path[CLI_PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/master.key.new", cli->keys);
	if (access(path, F_OK) != 0)
		return 0;
	/* Committed when the fund's fingerprint is the waiting key's (rotate_change records it). */
	cli->keys_check_later = 1;
	if (cli_open(cli, CLI_WRITE, &err) == REDRESS_OK &&
	    keydir_master_pending(cli->keys, &pending, &made, &err) == REDRESS_OK)
		done = tlog_keys_is_master(cli->log, pending);
	cli->keys_check_later = 0;
	seal_key_free(&pending);
	cli_close(cli);
	memset(&cli->actor, 0, sizeof(cli->actor));
	return done;
}

/*
 * `keys rotate --log`: a new log signing key.  The new key is written
 * first (log.key.new); one change appends "log.key.rotated" and signs its
 * checkpoint with both keys (the handover); then the new key replaces the
 * old.  Run again after a crash: when the fund's log already signs with
 * the waiting key, only the last step is left.
 */
static int
keys_rotate_log(struct cli *cli)
{
	struct sign_key *new_key = NULL;
	struct redress_error err;
	struct buf vkey;
	char path[CLI_PATH_MAX + 32];
	uint64_t size = 0;
	int made = 0, status = 1;

	buf_init(&vkey, 1024);
	snprintf(path, sizeof(path), "%s/log.key.new", cli->keys);
	if (access(path, F_OK) == 0) {
		/* Committed already when the log signs with the waiting key now. */
		int done = 0;

		if (cli_open(cli, CLI_READ, &err) == REDRESS_OK &&
		    keydir_log_pending(cli->keys, &new_key, &made, &err) == REDRESS_OK)
			done = crypto_equal(tlog_public_key(cli->log), sign_key_public(new_key),
			                    SIGN_PUBLIC_SIZE);
		sign_key_free(&new_key);
		cli_close(cli);
		if (done) {
			if (keydir_log_install(cli->keys, &err) != REDRESS_OK)
				return cli_fail(&err);
			printf("finished an interrupted rotation: the new log key is in place\n");
			return 0;
		}
		made = 0;
	}
	if (cli_open_as(cli, CLI_WRITE, PERM_USERS_MANAGE, &err) != REDRESS_OK ||
	    keydir_log_pending(cli->keys, &new_key, &made, &err) != REDRESS_OK)
		goto fail;
	if (tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (tlog_rotate_key(cli->log, new_key, &err) != REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK || keydir_log_install(cli->keys, &err) != REDRESS_OK ||
	    tlog_size(cli->log, &size, &err) != REDRESS_OK || tlog_vkey(cli->log, &vkey, &err) != REDRESS_OK)
		goto fail;
	printf("a new log key: %s\n"
	       "the handover checkpoint at size %llu is signed by the old key and the new one; every later\n"
	       "checkpoint by the new key alone.  Give monitors and witnesses the chain ('redress audit\n"
	       "handovers'); restart the server, take a new backup and split the keys again.\n",
	       vkey.data, (unsigned long long)size);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
	if (made)
		fprintf(stderr,
		        "redress: the new log key waits in %s/log.key.new: run 'redress keys rotate --log'"
		        " again to finish\n",
		        cli->keys);
out:
	sign_key_free(&new_key);
	buf_free(&vkey);
	return status;
}

static int
keys_rotate(struct cli *cli, int argc, char **argv)
{
	struct seal_key *new_key = NULL;
	struct redress_error err;
	uint64_t persons = 0, accounts = 0;
	int made = 0, status = 1;

	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		keys_usage(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "--log") == 0)
		return keys_rotate_log(cli);
	if (argc > 1)
		return cli_usage_error("keys", "'rotate' takes only '--log', not '%s'", argv[1]);
	if (rotation_committed(cli)) {
		if (keydir_master_install(cli->keys, &err) != REDRESS_OK)
			return cli_fail(&err);
		printf("finished an interrupted rotation: the new master key is in place\n");
		return 0;
	}
	if (cli_open_as(cli, CLI_WRITE, PERM_USERS_MANAGE, &err) != REDRESS_OK ||
	    keydir_master_pending(cli->keys, &new_key, &made, &err) != REDRESS_OK)
		goto fail;
	if (tlog_begin(cli->log, &err) != REDRESS_OK)
		goto fail;
	if (rotate_change(cli, keydir_master_key(cli->keydir), new_key, &persons, &accounts, &err) !=
	    REDRESS_OK) {
		tlog_rollback(cli->log);
		goto fail;
	}
	if (tlog_commit(cli->log, &err) != REDRESS_OK || keydir_master_install(cli->keys, &err) != REDRESS_OK)
		goto fail;
	printf("a new master key: %llu data keys re-wrapped, %llu accounts' secrets sealed again; the old"
	       " key opens nothing in this fund now.\n"
	       "Restart the server, take a new backup, and split the keys again ('redress keys split'):"
	       " old shares and backups hold the old key.\n",
	       (unsigned long long)persons, (unsigned long long)accounts);
	status = 0;
	goto out;
fail:
	status = cli_fail(&err);
	if (made)
		fprintf(stderr,
		        "redress: the new key waits in %s/master.key.new: run 'redress keys rotate' again to"
		        " finish\n",
		        cli->keys);
out:
	seal_key_free(&new_key);
	return status;
}

int
cmd_keys(struct cli *cli, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (sub == NULL || strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
		keys_usage(sub == NULL ? stderr : stdout);
		return sub == NULL ? 2 : 0;
	}
	argc--, argv++;
	if (strcmp(sub, "split") == 0)
		return keys_split(cli, argc, argv);
	if (strcmp(sub, "recover") == 0)
		return keys_recover(cli, argc, argv);
	if (strcmp(sub, "rotate") == 0)
		return keys_rotate(cli, argc, argv);
	return cli_usage_error("keys", "'%s' is not a keys command (split, recover, rotate)", sub);
}
