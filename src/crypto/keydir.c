/*
 * keydir.c -- creating and loading the key directory.  Files are written to
 * a temporary name and renamed, so a crash never leaves a half-written key.
 */
#include "crypto/keydir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/hash.h"

#define KEYDIR_LOG_KEY    "log.key"
#define KEYDIR_MASTER_KEY "master.key"
#define KEYDIR_INDEX_KEY  "index.key"
#define KEYDIR_FILE_MAX 256

struct keydir {
	struct sign_key *log_key;
	struct seal_key *master;
	struct seal_key *index;
};

static enum redress_err
keydir_path(char *out, size_t size, const char *dir, const char *file, struct redress_error *err)
{
	int n = snprintf(out, size, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= size)
		return error_set(err, REDRESS_E_KEYS, "key directory path '%.200s' is too long", dir);
	return REDRESS_OK;
}

static enum redress_err
keydir_write_secret(const char *path, const char *text, struct redress_error *err)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return error_set(err, REDRESS_E_KEYS, "key path '%.200s' is too long", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return error_set(err, REDRESS_E_KEYS, "cannot create key file '%.200s': %s", tmp,
		                 strerror(errno));
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) != 0) {
		error_set(err, REDRESS_E_KEYS, "cannot write key file '%.200s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return REDRESS_E_KEYS;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		error_set(err, REDRESS_E_KEYS, "cannot install key file '%.200s': %s", path, strerror(errno));
		unlink(tmp);
		return REDRESS_E_KEYS;
	}
	return REDRESS_OK;
}

/* Writes one key file: base64 of its 32 bytes and a newline, mode 0600. */
static enum redress_err
keydir_write_key(const char *dir, const char *name, const uint8_t bytes[32], struct redress_error *err)
{
	char file[PATH_MAX], text[KEYDIR_FILE_MAX];
	enum redress_err rc;
	size_t len;

	if ((rc = keydir_path(file, sizeof(file), dir, name, err)) != REDRESS_OK)
		return rc;
	rc = codec_base64_encode(bytes, 32, text, sizeof(text) - 1, err);
	if (rc == REDRESS_OK) {
		len = strlen(text);
		text[len] = '\n';
		text[len + 1] = '\0';
		rc = keydir_write_secret(file, text, err);
	}
	crypto_wipe(text, sizeof(text));
	return rc;
}

void
keydir_remove_keys(const char *dir)
{
	/* And the log's high-water checkpoint (log/tlog.h), which belongs to these keys' fund. */
	static const char *const names[] = {KEYDIR_LOG_KEY, KEYDIR_MASTER_KEY, KEYDIR_INDEX_KEY,
	                                    "checkpoint"};
	char file[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (keydir_path(file, sizeof(file), dir, names[i], NULL) == REDRESS_OK)
			unlink(file);
}

enum redress_err
keydir_create(const char *path, struct redress_error *err)
{
	char file[PATH_MAX];
	uint8_t seed[SIGN_SEED_SIZE];
	struct sign_key *key = NULL;
	struct stat st;
	enum redress_err rc;

	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_LOG_KEY, err)) != REDRESS_OK)
		return rc;
	/* Look before touching anything, so a refusal changes nothing. */
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return error_set(err, REDRESS_E_KEYS, "key directory '%.200s' is not a directory",
			                 path);
		if (access(file, F_OK) == 0)
			return error_set(
			    err, REDRESS_E_KEYS,
			    "'%.200s' already holds a log key; refusing to overwrite it (use another --keys)",
			    path);
		if ((st.st_mode & 077) != 0)
			return error_set(
			    err, REDRESS_E_KEYS,
			    "key directory '%.200s' is open to others (mode %03o): chmod 700 it, or give a"
			    " new --keys",
			    path, (unsigned)(st.st_mode & 0777));
	} else if (mkdir(path, 0700) != 0) {
		return error_set(err, REDRESS_E_KEYS, "cannot create key directory '%.200s': %s", path,
		                 strerror(errno));
	}
	if ((rc = sign_key_generate(&key, err)) != REDRESS_OK)
		return rc;
	sign_key_seed(key, seed);
	rc = keydir_write_key(path, KEYDIR_LOG_KEY, seed, err);
	sign_key_free(&key);
	/* The seal keys are plain random bytes. */
	if (rc == REDRESS_OK) {
		crypto_random(seed, sizeof(seed));
		rc = keydir_write_key(path, KEYDIR_MASTER_KEY, seed, err);
	}
	if (rc == REDRESS_OK) {
		crypto_random(seed, sizeof(seed));
		rc = keydir_write_key(path, KEYDIR_INDEX_KEY, seed, err);
	}
	crypto_wipe(seed, sizeof(seed));
	if (rc != REDRESS_OK)
		keydir_remove_keys(path);
	return rc;
}

static enum redress_err
keydir_read_seed(const char *file, uint8_t seed[SIGN_SEED_SIZE], struct redress_error *err)
{
	char text[KEYDIR_FILE_MAX];
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd;
	enum redress_err rc = REDRESS_OK;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, REDRESS_E_KEYS,
		                 "cannot read key '%.200s': %s (give --keys DIR or run 'redress init')", file,
		                 strerror(errno));
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0) {
		rc = error_set(err, REDRESS_E_KEYS, "key '%.200s' is readable by others: chmod 600 it", file);
		goto out;
	}
	n = read(fd, text, sizeof(text) - 1);
	if (n <= 0) {
		rc = error_set(err, REDRESS_E_KEYS, "key '%.200s' is empty or unreadable", file);
		goto out;
	}
	len = (size_t)n;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (codec_base64_decode(text, len, seed, SIGN_SEED_SIZE, &len, err) != REDRESS_OK ||
	    len != SIGN_SEED_SIZE)
		rc = error_set(err, REDRESS_E_KEYS, "key '%.200s' is malformed (expected base64 of 32 bytes)",
		               file);
out:
	crypto_wipe(text, sizeof(text));
	close(fd);
	return rc;
}

enum redress_err
keydir_open(const char *path, struct keydir **kd_r, struct redress_error *err)
{
	char file[PATH_MAX];
	uint8_t seed[SIGN_SEED_SIZE];
	struct keydir *kd;
	struct stat st;
	enum redress_err rc;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return error_set(
		    err, REDRESS_E_KEYS,
		    "key directory '%.200s' does not exist (give --keys DIR or run 'redress init')", path);
	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_LOG_KEY, err)) != REDRESS_OK)
		return rc;
	kd = calloc(1, sizeof(*kd));
	if (kd == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory loading keys");
	rc = keydir_read_seed(file, seed, err);
	if (rc == REDRESS_OK)
		rc = sign_key_from_seed(seed, &kd->log_key, err);
	if (rc == REDRESS_OK && (rc = keydir_path(file, sizeof(file), path, KEYDIR_MASTER_KEY, err)) == REDRESS_OK &&
	    (rc = keydir_read_seed(file, seed, err)) == REDRESS_OK)
		rc = seal_key_guarded_from_bytes(seed, &kd->master, err);
	if (rc == REDRESS_OK && (rc = keydir_path(file, sizeof(file), path, KEYDIR_INDEX_KEY, err)) == REDRESS_OK &&
	    (rc = keydir_read_seed(file, seed, err)) == REDRESS_OK)
		rc = seal_key_guarded_from_bytes(seed, &kd->index, err);
	crypto_wipe(seed, sizeof(seed));
	if (rc != REDRESS_OK) {
		keydir_close(&kd);
		return rc;
	}
	*kd_r = kd;
	return REDRESS_OK;
}

void
keydir_close(struct keydir **kd)
{
	if (kd == NULL || *kd == NULL)
		return;
	sign_key_free(&(*kd)->log_key);
	seal_key_free(&(*kd)->master);
	seal_key_free(&(*kd)->index);
	free(*kd);
	*kd = NULL;
}

const struct sign_key *
keydir_log_key(const struct keydir *kd)
{
	return kd->log_key;
}

const struct seal_key *
keydir_master_key(const struct keydir *kd)
{
	return kd->master;
}

const struct seal_key *
keydir_index_key(const struct keydir *kd)
{
	return kd->index;
}
