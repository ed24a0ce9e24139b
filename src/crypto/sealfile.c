/*
 * sealfile.c -- a file sealed under a passphrase (see sealfile.h).
 */
#include "crypto/sealfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAGIC          "RDRSBKP\n"
#define MAGIC_LEN      8
#define VERSION        1
#define KDF_ARGON2ID13 1
#define SALT_LEN       16
#define FIXED_LEN      (MAGIC_LEN + 4 + 8 + 8 + SALT_LEN) /* the header before the stream's own */
#define HEADER_LEN     (FIXED_LEN + crypto_secretstream_xchacha20poly1305_HEADERBYTES)
#define CHECK_TEXT     "redress backup: passphrase right"
#define CIPHER_MAX     (SEALFILE_BLOCK + crypto_secretstream_xchacha20poly1305_ABYTES)

_Static_assert(SALT_LEN == crypto_pwhash_SALTBYTES, "salt size");

struct sealfile {
	crypto_secretstream_xchacha20poly1305_state state;
	int fd;
	int writing;
	int ended; /* reading: the final block has been opened */
	int on_fd; /* writing onto the caller's file (a dup of it): no rename, nothing to remove */
	char path[PATH_MAX];
	char tmp[PATH_MAX];
	uint64_t offset;  /* reading: bytes of the file consumed, for messages */
	size_t have, pos; /* plain bytes in buf, and how many were used */
	uint8_t buf[SEALFILE_BLOCK];
	uint8_t cipher[CIPHER_MAX];
};

static void
put_be(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

static uint64_t
get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

static struct sealfile *
sealfile_new(void)
{
	/* sodium_malloc: the stream's key lives in the state; guard pages and mlock. */
	struct sealfile *sf = sodium_malloc(sizeof(*sf));

	if (sf != NULL) {
		memset(sf, 0, sizeof(*sf));
		sf->fd = -1;
	}
	return sf;
}

static void
sealfile_free(struct sealfile *sf)
{
	if (sf->fd >= 0)
		close(sf->fd);
	sodium_free(sf); /* wipes it */
}

static enum redress_err
derive(const char *passphrase, const uint8_t *salt, uint64_t ops, uint64_t mem,
       uint8_t key[crypto_secretstream_xchacha20poly1305_KEYBYTES], struct redress_error *err)
{
	if (crypto_pwhash(key, crypto_secretstream_xchacha20poly1305_KEYBYTES, passphrase, strlen(passphrase),
	                  salt, ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return error_set(err, REDRESS_E_NOMEM,
		                 "Argon2id could not get the %llu MiB it needs to derive the backup's key",
		                 (unsigned long long)(mem >> 20));
	return REDRESS_OK;
}

static enum redress_err
write_all(struct sealfile *sf, const void *data, size_t len, struct redress_error *err)
{
	const uint8_t *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(sf->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return error_set(err, REDRESS_E_IO, "cannot write '%.200s': %s", sf->tmp,
			                 strerror(n < 0 ? errno : ENOSPC));
		p += n;
		len -= (size_t)n;
	}
	return REDRESS_OK;
}

/* Seals one block (len bytes of plain, ad for the first) and writes it with its length. */
static enum redress_err
push_block(struct sealfile *sf, const uint8_t *plain, size_t len, const uint8_t *ad, size_t ad_len,
           uint8_t tag, struct redress_error *err)
{
	unsigned long long clen = 0;
	uint8_t lenbuf[4];
	enum redress_err rc;

	crypto_secretstream_xchacha20poly1305_push(&sf->state, sf->cipher, &clen, plain, len, ad, ad_len,
	                                           tag);
	put_be(lenbuf, clen, 4);
	if ((rc = write_all(sf, lenbuf, 4, err)) != REDRESS_OK)
		return rc;
	return write_all(sf, sf->cipher, (size_t)clen, err);
}

/* Writes the header and the check block onto sf->fd; on failure aborts *sfp. */
static enum redress_err
seal_start(struct sealfile **sfp, const char *passphrase, struct redress_error *err)
{
	uint8_t header[HEADER_LEN], key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	struct sealfile *sf = *sfp;
	enum redress_err rc;

	sf->writing = 1;
	memcpy(header, MAGIC, MAGIC_LEN);
	header[8] = VERSION;
	header[9] = KDF_ARGON2ID13;
	header[10] = header[11] = 0;
	put_be(header + 12, SEALFILE_OPSLIMIT, 8);
	put_be(header + 20, SEALFILE_MEMLIMIT, 8);
	randombytes_buf(header + 28, SALT_LEN);
	rc = derive(passphrase, header + 28, SEALFILE_OPSLIMIT, SEALFILE_MEMLIMIT, key, err);
	if (rc == REDRESS_OK) {
		crypto_secretstream_xchacha20poly1305_init_push(&sf->state, header + FIXED_LEN, key);
		rc = write_all(sf, header, HEADER_LEN, err);
	}
	sodium_memzero(key, sizeof(key));
	if (rc == REDRESS_OK)
		rc = push_block(sf, (const uint8_t *)CHECK_TEXT, sizeof(CHECK_TEXT) - 1, header, FIXED_LEN, 0,
		                err);
	if (rc != REDRESS_OK)
		sealfile_abort(sfp);
	return rc;
}

enum redress_err
sealfile_create(const char *path, const char *passphrase, struct sealfile **sf_r, struct redress_error *err)
{
	struct sealfile *sf;
	enum redress_err rc;
	int n;

	if ((sf = sealfile_new()) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory starting a backup");
	n = snprintf(sf->path, sizeof(sf->path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(sf->path) ||
	    (n = snprintf(sf->tmp, sizeof(sf->tmp), "%s.tmp", path)) < 0 || (size_t)n >= sizeof(sf->tmp)) {
		sealfile_free(sf);
		return error_set(err, REDRESS_E_IO, "path '%.200s' is too long", path);
	}
	if (access(path, F_OK) == 0) {
		sealfile_free(sf);
		return error_set(err, REDRESS_E_IO, "'%.200s' already exists: refusing to overwrite it",
		                 path);
	}
	sf->fd = open(sf->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (sf->fd < 0) {
		rc = error_set(err, REDRESS_E_IO, "cannot create '%.200s': %s", sf->tmp, strerror(errno));
		sealfile_free(sf);
		return rc;
	}
	if ((rc = seal_start(&sf, passphrase, err)) != REDRESS_OK)
		return rc;
	*sf_r = sf;
	return REDRESS_OK;
}

enum redress_err
sealfile_create_fd(int fd, const char *name, const char *passphrase, struct sealfile **sf_r,
                   struct redress_error *err)
{
	struct sealfile *sf;
	enum redress_err rc;

	if ((sf = sealfile_new()) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory starting a backup");
	snprintf(sf->path, sizeof(sf->path), "%s", name);
	snprintf(sf->tmp, sizeof(sf->tmp), "%s", name);
	sf->on_fd = 1;
	if ((sf->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0) {
		rc = error_set(err, REDRESS_E_IO, "cannot write '%.200s': %s", name, strerror(errno));
		sealfile_free(sf);
		return rc;
	}
	if ((rc = seal_start(&sf, passphrase, err)) != REDRESS_OK)
		return rc;
	*sf_r = sf;
	return REDRESS_OK;
}

enum redress_err
sealfile_write(struct sealfile *sf, const void *data, size_t len, struct redress_error *err)
{
	const uint8_t *p = data;
	enum redress_err rc;
	size_t take;

	while (len > 0) {
		take = SEALFILE_BLOCK - sf->have;
		if (take > len)
			take = len;
		memcpy(sf->buf + sf->have, p, take);
		sf->have += take;
		p += take;
		len -= take;
		if (sf->have == SEALFILE_BLOCK) {
			if ((rc = push_block(sf, sf->buf, sf->have, NULL, 0, 0, err)) != REDRESS_OK)
				return rc;
			sf->have = 0;
		}
	}
	return REDRESS_OK;
}

enum redress_err
sealfile_finish(struct sealfile **sfp, struct redress_error *err)
{
	struct sealfile *sf = *sfp;
	enum redress_err rc;

	rc = push_block(sf, sf->buf, sf->have, NULL, 0, crypto_secretstream_xchacha20poly1305_TAG_FINAL, err);
	if (rc == REDRESS_OK && fsync(sf->fd) != 0)
		rc = error_set(err, REDRESS_E_IO, "cannot sync '%.200s': %s", sf->tmp, strerror(errno));
	if (rc == REDRESS_OK && !sf->on_fd) {
		close(sf->fd);
		sf->fd = -1;
		if (rename(sf->tmp, sf->path) != 0)
			rc = error_set(err, REDRESS_E_IO, "cannot rename '%.200s' into place: %s", sf->tmp,
			               strerror(errno));
	}
	if (rc != REDRESS_OK) {
		sealfile_abort(sfp);
		return rc;
	}
	sealfile_free(sf);
	*sfp = NULL;
	return REDRESS_OK;
}

void
sealfile_abort(struct sealfile **sf)
{
	if (sf == NULL || *sf == NULL)
		return;
	if ((*sf)->writing && !(*sf)->on_fd)
		unlink((*sf)->tmp);
	sealfile_free(*sf);
	*sf = NULL;
}

/* Reads exactly len bytes of the file, or says how it fell short: 1 read, 0 end of file, -1 error. */
static int
read_exact(int fd, void *out, size_t len)
{
	uint8_t *p = out;
	ssize_t n;

	while (len > 0) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		p += n;
		len -= (size_t)n;
	}
	return 1;
}

static enum redress_err
truncated(struct sealfile *sf, struct redress_error *err)
{
	return error_set(err, REDRESS_E_INVALID,
	                 "backup '%.200s' is truncated: it ends inside or before the block at byte %llu (an"
	                 " interrupted copy?); nothing was restored",
	                 sf->path, (unsigned long long)sf->offset);
}

/* Reads and opens the next block into buf; ad for the first. */
static enum redress_err
pull_block(struct sealfile *sf, const uint8_t *ad, size_t ad_len, struct redress_error *err)
{
	unsigned long long plen = 0;
	uint8_t lenbuf[4], tag = 0;
	uint64_t at = sf->offset, clen;
	int r;

	if ((r = read_exact(sf->fd, lenbuf, 4)) <= 0)
		return r < 0 ? error_set(err, REDRESS_E_IO, "cannot read '%.200s': %s", sf->path,
		                         strerror(errno))
		             : truncated(sf, err);
	clen = get_be(lenbuf, 4);
	if (clen < crypto_secretstream_xchacha20poly1305_ABYTES || clen > CIPHER_MAX)
		return error_set(
		    err, REDRESS_E_CRYPTO,
		    "backup '%.200s' is damaged at byte %llu: a block length of %llu is impossible", sf->path,
		    (unsigned long long)at, (unsigned long long)clen);
	if ((r = read_exact(sf->fd, sf->cipher, (size_t)clen)) <= 0)
		return r < 0 ? error_set(err, REDRESS_E_IO, "cannot read '%.200s': %s", sf->path,
		                         strerror(errno))
		             : truncated(sf, err);
	sf->offset += 4 + clen;
	if (crypto_secretstream_xchacha20poly1305_pull(&sf->state, sf->buf, &plen, &tag, sf->cipher, clen, ad,
	                                               ad_len) != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 ad != NULL
		                     ? "backup '%.200s': wrong passphrase (or the file's header is damaged)"
		                     : "backup '%.200s' is damaged at byte %llu: a block does not open",
		                 sf->path, (unsigned long long)at);
	sf->have = (size_t)plen;
	sf->pos = 0;
	if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
		sf->ended = 1;
	return REDRESS_OK;
}

enum redress_err
sealfile_open(const char *path, const char *passphrase, struct sealfile **sf_r, struct redress_error *err)
{
	uint8_t header[HEADER_LEN], key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	struct sealfile *sf;
	uint64_t ops, mem;
	enum redress_err rc;
	int n, r;

	if ((sf = sealfile_new()) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory opening a backup");
	n = snprintf(sf->path, sizeof(sf->path), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(sf->path)) {
		rc = error_set(err, REDRESS_E_IO, "path '%.200s' is too long", path);
		goto fail;
	}
	if ((sf->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = error_set(err, REDRESS_E_IO, "cannot read backup '%.200s': %s", path, strerror(errno));
		goto fail;
	}
	r = read_exact(sf->fd, header, HEADER_LEN);
	if (r < 0) {
		rc = error_set(err, REDRESS_E_IO, "cannot read backup '%.200s': %s", path, strerror(errno));
		goto fail;
	}
	if (r == 0 || memcmp(header, MAGIC, MAGIC_LEN) != 0) {
		rc = error_set(err, REDRESS_E_INVALID,
		               r == 0 && memcmp(header, MAGIC, MAGIC_LEN) == 0
		                   ? "backup '%.200s' is truncated inside its header"
		                   : "'%.200s' is not a redress backup (its first bytes are not \"RDRSBKP\")",
		               path);
		goto fail;
	}
	ops = get_be(header + 12, 8);
	mem = get_be(header + 20, 8);
	if (header[8] != VERSION || header[9] != KDF_ARGON2ID13) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "backup '%.200s' is of version %u with key derivation %u: this redress reads"
		               " version %d with Argon2id (%d)",
		               path, header[8], header[9], VERSION, KDF_ARGON2ID13);
		goto fail;
	}
	if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > SEALFILE_OPSLIMIT_MAX ||
	    mem < crypto_pwhash_MEMLIMIT_MIN || mem > SEALFILE_MEMLIMIT_MAX) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "backup '%.200s' asks Argon2id for %llu passes over %llu bytes: beyond what"
		               " redress allows (at most %u passes, %u bytes); the header is damaged",
		               path, (unsigned long long)ops, (unsigned long long)mem, SEALFILE_OPSLIMIT_MAX,
		               SEALFILE_MEMLIMIT_MAX);
		goto fail;
	}
	sf->offset = HEADER_LEN;
	if ((rc = derive(passphrase, header + 28, ops, mem, key, err)) != REDRESS_OK)
		goto fail;
	r = crypto_secretstream_xchacha20poly1305_init_pull(&sf->state, header + FIXED_LEN, key);
	sodium_memzero(key, sizeof(key));
	if (r != 0) {
		rc = error_set(err, REDRESS_E_CRYPTO, "backup '%.200s': its stream header is invalid", path);
		goto fail;
	}
	if ((rc = pull_block(sf, header, FIXED_LEN, err)) != REDRESS_OK)
		goto fail;
	if (sf->ended || sf->have != sizeof(CHECK_TEXT) - 1 || memcmp(sf->buf, CHECK_TEXT, sf->have) != 0) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "backup '%.200s' has no redress content after its header", path);
		goto fail;
	}
	sf->have = sf->pos = 0;
	*sf_r = sf;
	return REDRESS_OK;
fail:
	sealfile_free(sf);
	return rc;
}

enum redress_err
sealfile_read(struct sealfile *sf, void *out, size_t len, struct redress_error *err)
{
	uint8_t *p = out;
	enum redress_err rc;
	size_t take;

	while (len > 0) {
		if (sf->pos == sf->have) {
			if (sf->ended)
				return truncated(sf, err);
			if ((rc = pull_block(sf, NULL, 0, err)) != REDRESS_OK)
				return rc;
			continue;
		}
		take = sf->have - sf->pos;
		if (take > len)
			take = len;
		memcpy(p, sf->buf + sf->pos, take);
		sf->pos += take;
		p += take;
		len -= take;
	}
	return REDRESS_OK;
}

enum redress_err
sealfile_end(struct sealfile *sf, struct redress_error *err)
{
	enum redress_err rc;
	uint8_t extra;
	int r;

	/* The final block may be empty: open it. */
	while (!sf->ended && sf->pos == sf->have)
		if ((rc = pull_block(sf, NULL, 0, err)) != REDRESS_OK)
			return rc;
	if (sf->pos != sf->have)
		return error_set(err, REDRESS_E_INVALID,
		                 "backup '%.200s' holds more than its contents say (at byte %llu): damaged",
		                 sf->path, (unsigned long long)sf->offset);
	r = read_exact(sf->fd, &extra, 1);
	if (r != 0)
		return error_set(err, REDRESS_E_INVALID,
		                 "backup '%.200s' has bytes after its last block (at byte %llu): damaged",
		                 sf->path, (unsigned long long)sf->offset);
	return REDRESS_OK;
}

void
sealfile_close(struct sealfile **sf)
{
	if (sf == NULL || *sf == NULL)
		return;
	sealfile_free(*sf);
	*sf = NULL;
}
