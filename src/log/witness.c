/*
 * witness.c -- the witness's checks and state (C2SP tlog-witness,
 * add-checkpoint), apart from HTTP so that they can be tested alone.
 *
 * The order of the checks and the status each failure gets are the
 * specification's.  The new state is on disk before the cosignature is
 * returned, so a crash never leaves a cosignature the witness forgot.
 */
#include "log/witness.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/note.h"

/* One log the witness watches, and what it last cosigned for it. */
struct witness_log {
	struct note_verifier v;             /* the log's key; v.name is its origin */
	char hex[2 * HASH_SHA256_SIZE + 1]; /* SHA-256 of the origin, lowercase hex */
	char path[PATH_MAX];                /* its state file */
	int have;                           /* 0: never cosigned (size 0) */
	uint64_t size;
	uint8_t root[MERKLE_HASH_SIZE];
	struct buf note; /* the last cosigned checkpoint, with our cosignature */
};

struct witness {
	char dir[PATH_MAX];
	char name[NOTE_NAME_MAX + 1];
	struct sign_key *key;
	struct witness_log logs[WITNESS_LOGS_MAX];
	size_t count;
};

/* Reads a state file into wl; a missing file is a log never cosigned. */
static enum redress_err
load_state(struct witness_log *wl, struct redress_error *err)
{
	struct checkpoint cp;
	char chunk[4096];
	size_t text_len, n;
	FILE *f;
	enum redress_err rc;

	if ((f = fopen(wl->path, "rb")) == NULL) {
		if (errno == ENOENT)
			return REDRESS_OK;
		return error_set(err, REDRESS_E_IO, "cannot read witness state '%.200s': %s", wl->path,
		                 strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&wl->note, chunk, n);
	fclose(f);
	if ((rc = buf_error(&wl->note, err)) != REDRESS_OK)
		return rc;
	if ((rc = note_verify(wl->note.data, wl->note.len, &wl->v, &text_len, err)) != REDRESS_OK ||
	    (rc = checkpoint_parse(wl->note.data, text_len, &cp, err)) != REDRESS_OK)
		return error_prefix(err, "witness state '%.200s'", wl->path);
	if (strcmp(cp.origin, wl->v.name) != 0)
		return error_set(err, REDRESS_E_INVALID, "witness state '%.200s' is for origin '%.64s'",
		                 wl->path, cp.origin);
	wl->have = 1;
	wl->size = cp.size;
	memcpy(wl->root, cp.root, sizeof(cp.root));
	return REDRESS_OK;
}

/* Replaces the state file with data: a temporary file, fsync, rename, fsync of the directory. */
static enum redress_err
save_state(const struct witness *w, const struct witness_log *wl, const char *data, size_t len,
           struct redress_error *err)
{
	char tmp[PATH_MAX];
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", wl->path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return error_set(err, REDRESS_E_IO, "witness state path '%.200s' is too long", wl->path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0)
		return error_set(err, REDRESS_E_IO, "cannot write witness state '%.200s': %s", tmp,
		                 strerror(errno));
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) != 0) {
		error_set(err, REDRESS_E_IO, "cannot write witness state '%.200s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return REDRESS_E_IO;
	}
	close(fd);
	if (rename(tmp, wl->path) != 0) {
		error_set(err, REDRESS_E_IO, "cannot install witness state '%.200s': %s", wl->path,
		          strerror(errno));
		unlink(tmp);
		return REDRESS_E_IO;
	}
	if ((fd = open(w->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	return REDRESS_OK;
}

enum redress_err
witness_open(const char *dir, const char *const *log_vkeys, size_t count, struct witness **w_r,
             struct redress_error *err)
{
	struct witness *w;
	char file[2 * HASH_SHA256_SIZE + 32];
	uint8_t sum[HASH_SHA256_SIZE];
	enum redress_err rc;
	size_t i, j;
	int n;

	if (count == 0 || count > WITNESS_LOGS_MAX)
		return error_set(err, REDRESS_E_USAGE, "a witness watches 1 to %d logs (--log-key)",
		                 WITNESS_LOGS_MAX);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	n = snprintf(w->dir, sizeof(w->dir), "%s", dir);
	if (n < 0 || (size_t)n >= sizeof(w->dir)) {
		free(w);
		return error_set(err, REDRESS_E_KEYS, "key directory path '%.200s' is too long", dir);
	}
	for (i = 0; i < WITNESS_LOGS_MAX; i++)
		buf_init(&w->logs[i].note, NOTE_MAX_SIZE);
	if ((rc = keydir_witness_open(dir, w->name, sizeof(w->name), &w->key, err)) != REDRESS_OK)
		goto fail;
	if (!note_name_valid(w->name)) {
		rc = error_set(err, REDRESS_E_KEYS, "the witness name in '%.200s' is not a valid key name",
		               dir);
		goto fail;
	}
	for (i = 0; i < count; i++) {
		struct witness_log *wl = &w->logs[i];

		if ((rc = note_vkey_parse(log_vkeys[i], &wl->v, err)) != REDRESS_OK) {
			error_prefix(err, "--log-key '%.80s'", log_vkeys[i]);
			goto fail;
		}
		for (j = 0; j < i; j++)
			if (strcmp(w->logs[j].v.name, wl->v.name) == 0) {
				rc = error_set(err, REDRESS_E_USAGE, "--log-key: two keys for origin '%.64s'",
				               wl->v.name);
				goto fail;
			}
		hash_sha256(wl->v.name, strlen(wl->v.name), sum);
		(void)codec_hex_encode(sum, sizeof(sum), wl->hex, sizeof(wl->hex), NULL);
		n = snprintf(file, sizeof(file), "log-%s.checkpoint", wl->hex);
		if (n < 0 || (size_t)n >= sizeof(file) ||
		    (rc = keydir_file(wl->path, sizeof(wl->path), dir, file, err)) != REDRESS_OK) {
			rc = error_set(err, REDRESS_E_KEYS, "key directory path '%.200s' is too long", dir);
			goto fail;
		}
		w->count++;
		if ((rc = load_state(wl, err)) != REDRESS_OK)
			goto fail;
	}
	*w_r = w;
	return REDRESS_OK;
fail:
	witness_close(&w);
	return rc;
}

void
witness_close(struct witness **w)
{
	size_t i;

	if (w == NULL || *w == NULL)
		return;
	sign_key_free(&(*w)->key);
	for (i = 0; i < WITNESS_LOGS_MAX; i++)
		buf_free(&(*w)->logs[i].note);
	free(*w);
	*w = NULL;
}

void
witness_vkey(const struct witness *w, struct buf *out)
{
	note_vkey_format_type(out, w->name, NOTE_ALG_COSIGNATURE, sign_key_public(w->key));
}

/* Does nothing: note_signatures is called for its checks and the text's length. */
static void
ignore_line(void *ctx, size_t lineno, const char *name, size_t name_len, const uint8_t *raw, size_t raw_len,
            const char *text, size_t text_len)
{
}

unsigned
witness_add_checkpoint(struct witness *w, const char *body, size_t len, uint64_t now, struct buf *out,
                       struct redress_error *why)
{
	struct cosig_request *req;
	struct witness_log *wl = NULL;
	struct checkpoint cp;
	uint8_t empty[MERKLE_HASH_SIZE];
	struct buf line, state;
	size_t text_len, i;
	unsigned status;
	enum redress_err rc;

	buf_init(&line, 4096);
	buf_init(&state, NOTE_MAX_SIZE);
	if ((req = malloc(sizeof(*req))) == NULL) {
		error_set(why, REDRESS_E_NOMEM, "out of memory");
		status = 500;
		goto out;
	}
	if (cosig_request_parse(body, len, req, why) != REDRESS_OK ||
	    note_signatures(req->note, req->note_len, ignore_line, NULL, &text_len, why) != REDRESS_OK ||
	    checkpoint_parse(req->note, text_len, &cp, why) != REDRESS_OK) {
		status = 400;
		goto out;
	}
	for (i = 0; i < w->count; i++)
		if (strcmp(w->logs[i].v.name, cp.origin) == 0)
			wl = &w->logs[i];
	if (wl == NULL) {
		error_set(why, REDRESS_E_NOTFOUND, "origin '%.64s' is not a log this witness watches",
		          cp.origin);
		status = 404;
		goto out;
	}
	if ((rc = note_verify(req->note, req->note_len, &wl->v, NULL, why)) != REDRESS_OK) {
		status = rc == REDRESS_E_CRYPTO ? 403 : 400;
		goto out;
	}
	if (req->old_size > cp.size) {
		error_set(why, REDRESS_E_INVALID, "old size %llu is above the checkpoint's size %llu",
		          (unsigned long long)req->old_size, (unsigned long long)cp.size);
		status = 400;
		goto out;
	}
	if (req->old_size != (wl->have ? wl->size : 0)) {
		error_set(why, REDRESS_E_CONFLICT, "old size %llu is not the size last cosigned, %llu",
		          (unsigned long long)req->old_size, (unsigned long long)(wl->have ? wl->size : 0));
		buf_printf(out, "%llu\n", (unsigned long long)(wl->have ? wl->size : 0));
		status = 409;
		goto out;
	}
	merkle_empty_root(empty);
	if (cp.size == 0 && memcmp(cp.root, empty, sizeof(empty)) != 0) {
		error_set(why, REDRESS_E_CRYPTO, "a checkpoint of size 0 whose root is not the empty tree's");
		status = 422;
		goto out;
	}
	if (req->old_size == 0) {
		if (req->proof_count != 0) {
			error_set(why, REDRESS_E_CRYPTO, "a consistency proof from size 0 must be empty");
			status = 422;
			goto out;
		}
	} else if (req->old_size == cp.size) {
		if (memcmp(cp.root, wl->root, sizeof(cp.root)) != 0) {
			error_set(
			    why, REDRESS_E_CRYPTO,
			    "FORK: a checkpoint of size %llu with another root than the one cosigned at "
			    "that size",
			    (unsigned long long)cp.size);
			status = 422;
			goto out;
		}
	} else if (merkle_verify_consistency(req->old_size, cp.size, wl->root, cp.root,
	                                     (const uint8_t(*)[MERKLE_HASH_SIZE])req->proof, req->proof_count,
	                                     why) != REDRESS_OK) {
		error_prefix(why,
		             "FORK: the checkpoint of size %llu does not extend the one cosigned at %llu",
		             (unsigned long long)cp.size, (unsigned long long)req->old_size);
		status = 422;
		goto out;
	}
	if (cosig_sign(&line, req->note, text_len, w->name, w->key, now, why) != REDRESS_OK) {
		status = 500;
		goto out;
	}
	buf_append(&state, req->note, req->note_len);
	buf_append(&state, line.data, line.len);
	if (buf_error(&state, why) != REDRESS_OK ||
	    save_state(w, wl, state.data, state.len, why) != REDRESS_OK) {
		status = 500;
		goto out;
	}
	wl->have = 1;
	wl->size = cp.size;
	memcpy(wl->root, cp.root, sizeof(cp.root));
	buf_reset(&wl->note);
	buf_append(&wl->note, state.data, state.len);
	buf_append(out, line.data, line.len);
	status = buf_error(out, why) == REDRESS_OK ? 200 : 500;
out:
	free(req);
	buf_free(&line);
	buf_free(&state);
	return status;
}

enum redress_err
witness_latest(const struct witness *w, const char *origin_hex, struct buf *out, struct redress_error *err)
{
	size_t i;

	for (i = 0; i < w->count; i++)
		if (strcmp(w->logs[i].hex, origin_hex) == 0 && w->logs[i].have) {
			buf_append(out, w->logs[i].note.data, w->logs[i].note.len);
			return buf_error(out, err);
		}
	return error_set(err, REDRESS_E_NOTFOUND, "no checkpoint cosigned for that log");
}
