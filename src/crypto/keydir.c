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

#define KEYDIR_LOG_KEY      "log.key"
#define KEYDIR_MASTER_KEY   "master.key"
#define KEYDIR_INDEX_KEY    "index.key"
#define KEYDIR_MASTER_NEW   "master.key.new"
#define KEYDIR_LOG_NEW      "log.key.new"
#define KEYDIR_WITNESS_KEY  "witness.key"
#define KEYDIR_WITNESS_NAME "witness.name"
#define KEYDIR_FILE_MAX     256

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

/*
 * Readies path to receive a new key file: an existing directory must be
 * one, hold no such key already (REDRESS_E_KEYS naming what, with hint) and
 * be closed to others; a missing one is made with mode 0700.  Looks before
 * touching anything, so a refusal changes nothing.
 */
static enum redress_err
keydir_prepare(const char *path, const char *file, const char *what, const char *hint,
               struct redress_error *err)
{
	struct stat st;

	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode))
			return error_set(err, REDRESS_E_KEYS, "key directory '%.200s' is not a directory",
			                 path);
		if (access(file, F_OK) == 0)
			return error_set(err, REDRESS_E_KEYS,
			                 "'%.200s' already holds %s; refusing to overwrite it%s", path, what,
			                 hint);
		if ((st.st_mode & 077) != 0)
			return error_set(
			    err, REDRESS_E_KEYS,
			    "key directory '%.200s' is open to others (mode %03o): chmod 700 it%s", path,
			    (unsigned)(st.st_mode & 0777), hint[0] != '\0' ? ", or give a new --keys" : "");
	} else if (mkdir(path, 0700) != 0) {
		return error_set(err, REDRESS_E_KEYS, "cannot create key directory '%.200s': %s", path,
		                 strerror(errno));
	}
	return REDRESS_OK;
}

enum redress_err
keydir_create(const char *path, struct redress_error *err)
{
	char file[PATH_MAX];
	uint8_t seed[SIGN_SEED_SIZE];
	struct sign_key *key = NULL;
	enum redress_err rc;

	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_LOG_KEY, err)) != REDRESS_OK)
		return rc;
	if ((rc = keydir_prepare(path, file, "a log key", " (use another --keys)", err)) != REDRESS_OK)
		return rc;
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
	if (rc == REDRESS_OK &&
	    (rc = keydir_path(file, sizeof(file), path, KEYDIR_MASTER_KEY, err)) == REDRESS_OK &&
	    (rc = keydir_read_seed(file, seed, err)) == REDRESS_OK)
		rc = seal_key_guarded_from_bytes(seed, &kd->master, err);
	if (rc == REDRESS_OK &&
	    (rc = keydir_path(file, sizeof(file), path, KEYDIR_INDEX_KEY, err)) == REDRESS_OK &&
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

enum redress_err
keydir_export(const char *path, uint8_t secret[KEYDIR_SECRET_SIZE], struct redress_error *err)
{
	static const char *const names[] = {KEYDIR_LOG_KEY, KEYDIR_MASTER_KEY, KEYDIR_INDEX_KEY};
	char file[PATH_MAX];
	enum redress_err rc = REDRESS_OK;
	size_t i;

	for (i = 0; i < 3 && rc == REDRESS_OK; i++)
		if ((rc = keydir_path(file, sizeof(file), path, names[i], err)) == REDRESS_OK)
			rc = keydir_read_seed(file, secret + 32 * i, err);
	if (rc != REDRESS_OK)
		crypto_wipe(secret, KEYDIR_SECRET_SIZE);
	return rc;
}

enum redress_err
keydir_import(const char *path, const uint8_t secret[KEYDIR_SECRET_SIZE], struct redress_error *err)
{
	static const char *const names[] = {KEYDIR_LOG_KEY, KEYDIR_MASTER_KEY, KEYDIR_INDEX_KEY};
	char file[PATH_MAX];
	struct stat st;
	enum redress_err rc = REDRESS_OK;
	size_t i;

	/* Look before touching anything, so a refusal changes nothing. */
	for (i = 0; i < 3; i++) {
		if ((rc = keydir_path(file, sizeof(file), path, names[i], err)) != REDRESS_OK)
			return rc;
		if (access(file, F_OK) == 0)
			return error_set(
			    err, REDRESS_E_KEYS,
			    "'%.200s' already holds %s; refusing to overwrite it (give a new --keys"
			    " or --out directory)",
			    path, names[i]);
	}
	if (stat(path, &st) == 0) {
		if (!S_ISDIR(st.st_mode) || (st.st_mode & 077) != 0)
			return error_set(err, REDRESS_E_KEYS,
			                 "'%.200s' is not a directory of mode 700: give a new directory",
			                 path);
	} else if (mkdir(path, 0700) != 0) {
		return error_set(err, REDRESS_E_KEYS, "cannot create key directory '%.200s': %s", path,
		                 strerror(errno));
	}
	for (i = 0; i < 3 && rc == REDRESS_OK; i++)
		rc = keydir_write_key(path, names[i], secret + 32 * i, err);
	if (rc != REDRESS_OK)
		keydir_remove_keys(path);
	return rc;
}

enum redress_err
keydir_master_pending(const char *path, struct seal_key **key_r, int *made_r, struct redress_error *err)
{
	char file[PATH_MAX];
	uint8_t bytes[SEAL_KEY_SIZE];
	enum redress_err rc;

	*made_r = 0;
	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_MASTER_NEW, err)) != REDRESS_OK)
		return rc;
	if (access(file, F_OK) != 0) {
		crypto_random(bytes, sizeof(bytes));
		if ((rc = keydir_write_key(path, KEYDIR_MASTER_NEW, bytes, err)) != REDRESS_OK)
			goto out;
		*made_r = 1;
	} else if ((rc = keydir_read_seed(file, bytes, err)) != REDRESS_OK) {
		goto out;
	}
	rc = seal_key_guarded_from_bytes(bytes, key_r, err);
out:
	crypto_wipe(bytes, sizeof(bytes));
	return rc;
}

/* Renames DIR/new_name over DIR/name, durably: the last step of a rotation. */
static enum redress_err
keydir_install(const char *path, const char *new_name, const char *name, const char *what,
               struct redress_error *err)
{
	char from[PATH_MAX], to[PATH_MAX];
	enum redress_err rc;
	int fd;

	if ((rc = keydir_path(from, sizeof(from), path, new_name, err)) != REDRESS_OK ||
	    (rc = keydir_path(to, sizeof(to), path, name, err)) != REDRESS_OK)
		return rc;
	if (rename(from, to) != 0)
		return error_set(err, REDRESS_E_KEYS, "cannot install the new %s '%.200s': %s", what, from,
		                 strerror(errno));
	/* The rename is durable once the directory is synced. */
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return REDRESS_OK;
}

enum redress_err
keydir_master_install(const char *path, struct redress_error *err)
{
	return keydir_install(path, KEYDIR_MASTER_NEW, KEYDIR_MASTER_KEY, "master key", err);
}

enum redress_err
keydir_log_pending(const char *path, struct sign_key **key_r, int *made_r, struct redress_error *err)
{
	char file[PATH_MAX];
	uint8_t seed[SIGN_SEED_SIZE];
	struct sign_key *key = NULL;
	enum redress_err rc;

	*made_r = 0;
	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_LOG_NEW, err)) != REDRESS_OK)
		return rc;
	if (access(file, F_OK) != 0) {
		if ((rc = sign_key_generate(&key, err)) != REDRESS_OK)
			return rc;
		sign_key_seed(key, seed);
		if ((rc = keydir_write_key(path, KEYDIR_LOG_NEW, seed, err)) != REDRESS_OK)
			goto out;
		*made_r = 1;
		*key_r = key;
		key = NULL;
		goto out;
	}
	if ((rc = keydir_read_seed(file, seed, err)) != REDRESS_OK)
		goto out;
	rc = sign_key_from_seed(seed, key_r, err);
out:
	sign_key_free(&key);
	crypto_wipe(seed, sizeof(seed));
	return rc;
}

enum redress_err
keydir_log_install(const char *path, struct redress_error *err)
{
	return keydir_install(path, KEYDIR_LOG_NEW, KEYDIR_LOG_KEY, "log key", err);
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

enum redress_err
keydir_file(char *out, size_t size, const char *dir, const char *file, struct redress_error *err)
{
	return keydir_path(out, size, dir, file, err);
}

enum redress_err
keydir_witness_create(const char *path, const char *name, struct redress_error *err)
{
	char file[PATH_MAX], text[KEYDIR_FILE_MAX];
	uint8_t seed[SIGN_SEED_SIZE];
	struct sign_key *key = NULL;
	enum redress_err rc;
	int n;

	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_WITNESS_KEY, err)) != REDRESS_OK)
		return rc;
	n = snprintf(text, sizeof(text), "%s\n", name);
	if (n < 0 || (size_t)n >= sizeof(text))
		return error_set(err, REDRESS_E_INVALID, "witness name is longer than %d bytes",
		                 KEYDIR_FILE_MAX - 2);
	if ((rc = keydir_prepare(path, file, "a witness key", "", err)) != REDRESS_OK)
		return rc;
	if ((rc = sign_key_generate(&key, err)) != REDRESS_OK)
		return rc;
	sign_key_seed(key, seed);
	sign_key_free(&key);
	if ((rc = keydir_write_key(path, KEYDIR_WITNESS_KEY, seed, err)) == REDRESS_OK) {
		char namefile[PATH_MAX];

		if ((rc = keydir_path(namefile, sizeof(namefile), path, KEYDIR_WITNESS_NAME, err)) ==
		    REDRESS_OK)
			rc = keydir_write_secret(namefile, text, err);
		if (rc != REDRESS_OK)
			unlink(file);
	}
	crypto_wipe(seed, sizeof(seed));
	return rc;
}

enum redress_err
keydir_witness_open(const char *path, char *name_r, size_t name_size, struct sign_key **key_r,
                    struct redress_error *err)
{
	char file[PATH_MAX];
	uint8_t seed[SIGN_SEED_SIZE];
	ssize_t got;
	size_t len;
	enum redress_err rc;
	int fd;

	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_WITNESS_NAME, err)) != REDRESS_OK)
		return rc;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return error_set(err, REDRESS_E_KEYS,
		                 "cannot read '%.200s': %s (run 'redress witness init' first)", file,
		                 strerror(errno));
	got = read(fd, name_r, name_size - 1);
	close(fd);
	if (got <= 0)
		return error_set(err, REDRESS_E_KEYS, "'%.200s' is empty or unreadable", file);
	len = (size_t)got;
	while (len > 0 && (name_r[len - 1] == '\n' || name_r[len - 1] == '\r'))
		len--;
	name_r[len] = '\0';
	if ((rc = keydir_path(file, sizeof(file), path, KEYDIR_WITNESS_KEY, err)) != REDRESS_OK)
		return rc;
	if ((rc = keydir_read_seed(file, seed, err)) != REDRESS_OK)
		return rc;
	rc = sign_key_from_seed(seed, key_r, err);
	crypto_wipe(seed, sizeof(seed));
	return rc;
}
