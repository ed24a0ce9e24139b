/*
 * fund_backup.c -- a sealed backup of the fund and the event that says
 * one was handed out (fund_backup.h).
 */
#include "domain/fund/fund_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/canon.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "crypto/seal.h"
#include "crypto/sealfile.h"
#include "crypto/sign.h"
#include "domain/fund/fund.h"
#include "store/store.h"

static enum redress_err
entry_head(struct sealfile *sf, char type, uint64_t len, struct redress_error *err)
{
	uint8_t head[9];
	int i;

	head[0] = (uint8_t)type;
	for (i = 8; i >= 1; i--, len >>= 8)
		head[i] = (uint8_t)len;
	return sealfile_write(sf, head, sizeof(head), err);
}

/* Appends the file at path as entry 'D'. */
static enum redress_err
entry_file(struct sealfile *sf, const char *path, uint64_t *size_r, struct redress_error *err)
{
	uint8_t *chunk = malloc(SEALFILE_BLOCK);
	enum redress_err rc;
	struct stat st;
	ssize_t n;
	int fd = -1;

	if (chunk == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory copying the database into the backup");
		goto out;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0) {
		rc = error_set(err, REDRESS_E_IO, "cannot read the copy '%.200s': %s", path, strerror(errno));
		goto out;
	}
	*size_r = (uint64_t)st.st_size;
	if ((rc = entry_head(sf, 'D', (uint64_t)st.st_size, err)) != REDRESS_OK)
		goto out;
	while ((n = read(fd, chunk, SEALFILE_BLOCK)) > 0)
		if ((rc = sealfile_write(sf, chunk, (size_t)n, err)) != REDRESS_OK)
			goto out;
	if (n < 0)
		rc = error_set(err, REDRESS_E_IO, "cannot read the copy '%.200s': %s", path, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	free(chunk);
	return rc;
}

enum redress_err
fund_backup_scratch(const char *path, char *dir, size_t size, struct redress_error *err)
{
	char copy[FUND_BACKUP_SCRATCH_MAX];
	int n;

	dir[0] = '\0';
	n = snprintf(copy, sizeof(copy), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(copy))
		return error_set(err, REDRESS_E_IO, "path '%.200s' is too long", path);
	n = snprintf(dir, size, "%s/.redress-backup-XXXXXX", dirname(copy));
	if (n < 0 || (size_t)n >= size) {
		dir[0] = '\0';
		return error_set(err, REDRESS_E_IO, "path '%.200s' is too long", path);
	}
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		return error_set(err, REDRESS_E_IO, "cannot make a scratch directory beside '%.200s': %s",
		                 path, strerror(errno));
	}
	return REDRESS_OK;
}

void
fund_backup_scratch_remove(const char *dir)
{
	static const char *const files[] = {"fund.db", "fund.db-wal", "fund.db-shm", "fund.db-journal"};
	char path[FUND_BACKUP_SCRATCH_MAX + 32];

	if (dir == NULL || dir[0] == '\0')
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The size and SHA-256 of what fd holds, read from its start. */
static enum redress_err
digest_fd(int fd, const char *name, struct fund_backup *made, struct redress_error *err)
{
	uint8_t sum[HASH_SHA256_SIZE], *chunk = malloc(SEALFILE_BLOCK);
	struct hash_sha256 h;
	off_t at = 0;
	ssize_t n;
	int e;

	if (chunk == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading back the backup");
	hash_sha256_init(&h);
	while ((n = pread(fd, chunk, SEALFILE_BLOCK, at)) > 0) {
		hash_sha256_update(&h, chunk, (size_t)n);
		at += n;
	}
	e = errno;
	free(chunk);
	if (n < 0)
		return error_set(err, REDRESS_E_IO, "cannot read back '%.200s': %s", name, strerror(e));
	hash_sha256_final(&h, sum);
	made->bytes = (uint64_t)at;
	for (size_t i = 0; i < sizeof(sum); i++)
		snprintf(made->sha256 + 2 * i, 3, "%02x", sum[i]);
	return REDRESS_OK;
}

enum redress_err
fund_backup_write(struct tlog *log, const char *keys_path, const struct fund_backup_to *to,
                  const char *passphrase, struct fund_backup *made_r, struct redress_error *err)
{
	char dir[FUND_BACKUP_SCRATCH_MAX], copy[FUND_BACKUP_SCRATCH_MAX + 16],
	    manifest[FUND_BACKUP_MANIFEST_MAX];
	uint8_t keys[KEYDIR_SECRET_SIZE];
	struct sealfile *sf = NULL;
	enum redress_err rc;
	int n;

	dir[0] = '\0';
	memset(made_r, 0, sizeof(*made_r));
	if (strlen(passphrase) < PASSWORD_MIN)
		return error_set(err, REDRESS_E_INVALID, "the passphrase has fewer than %d characters",
		                 PASSWORD_MIN);
	if ((rc = tlog_size(log, &made_r->events, err)) != REDRESS_OK ||
	    (rc = keydir_export(keys_path, keys, err)) != REDRESS_OK)
		goto out;
	if ((rc = fund_backup_scratch(to->beside, dir, sizeof(dir), err)) != REDRESS_OK)
		goto out;
	snprintf(copy, sizeof(copy), "%s/fund.db", dir);
	if ((rc = to->copy != NULL ? to->copy(to->copy_arg, copy, err)
	                           : store_backup(tlog_store(log), copy, err)) != REDRESS_OK)
		goto out;
	n = snprintf(manifest, sizeof(manifest), "format 1\norigin %s\nevents %llu\n", tlog_origin(log),
	             (unsigned long long)made_r->events);
	if (n < 0 || (size_t)n >= sizeof(manifest)) {
		rc = error_set(err, REDRESS_E_INTERNAL, "the backup's manifest does not fit");
		goto out;
	}
	if ((rc = to->fd >= 0 ? sealfile_create_fd(to->fd, to->path, passphrase, &sf, err)
	                      : sealfile_create(to->path, passphrase, &sf, err)) != REDRESS_OK ||
	    (rc = entry_head(sf, 'M', (uint64_t)n, err)) != REDRESS_OK ||
	    (rc = sealfile_write(sf, manifest, (size_t)n, err)) != REDRESS_OK ||
	    (rc = entry_head(sf, 'K', sizeof(keys), err)) != REDRESS_OK ||
	    (rc = sealfile_write(sf, keys, sizeof(keys), err)) != REDRESS_OK ||
	    (rc = entry_file(sf, copy, &made_r->db_size, err)) != REDRESS_OK ||
	    (rc = entry_head(sf, 'E', 0, err)) != REDRESS_OK ||
	    (rc = sealfile_finish(&sf, err)) != REDRESS_OK)
		goto out;
	if (to->fd >= 0)
		rc = digest_fd(to->fd, to->path, made_r, err);
out:
	sealfile_abort(&sf);
	fund_backup_scratch_remove(dir);
	crypto_wipe(keys, sizeof(keys));
	return rc;
}

enum redress_err
fund_backup_record(struct tlog *log, const struct actor *actor, const struct fund_backup *made,
                   uint64_t *seq_r, struct redress_error *err)
{
	struct buf data;
	struct canon cw;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK)
		return rc;
	if (strlen(made->sha256) != 64 || made->bytes > INT64_MAX || made->events > INT64_MAX)
		return error_set(err, REDRESS_E_INTERNAL, "a backup without its size and SHA-256 to record");
	buf_init(&data, 512);
	canon_init(&cw, &data);
	canon_object_begin(&cw);
	canon_key(&cw, "bytes");
	canon_int(&cw, (int64_t)made->bytes);
	canon_key(&cw, "events");
	canon_int(&cw, (int64_t)made->events);
	canon_key(&cw, "sha256");
	canon_string(&cw, made->sha256);
	canon_object_end(&cw);
	if ((rc = canon_error(&cw, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &fund_module, FUND_EV_BACKUP_MADE, &data, seq_r, err);
	buf_free(&data);
	return rc;
}

enum redress_err
fund_backup_event_check(const struct event *ev, struct redress_error *err)
{
	char sha[65];
	int64_t bytes, events;
	size_t i;

	if (canon_get_int(ev->data, "bytes", &bytes, err) != REDRESS_OK ||
	    canon_get_int(ev->data, "events", &events, err) != REDRESS_OK ||
	    canon_get_string_into(ev->data, "sha256", sha, sizeof(sha), err) != REDRESS_OK)
		return error_prefix(err, "event %llu (%s)", (unsigned long long)ev->seq, ev->type);
	for (i = 0; sha[i] != '\0' && strchr("0123456789abcdef", sha[i]) != NULL; i++)
		;
	if (bytes < 0 || events < 0 || i != 64 || sha[i] != '\0')
		return error_set(
		    err, REDRESS_E_INVALID,
		    "event %llu (%s): bytes and events must be whole numbers, sha256 64 hex digits",
		    (unsigned long long)ev->seq, ev->type);
	return REDRESS_OK;
}
