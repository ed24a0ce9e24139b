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
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/mem.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/keychain.h"
#include "log/note.h"

/* One log the witness watches, and what it last cosigned for it. */
struct witness_log {
	struct note_verifier v;             /* the log's key; v.name is its origin */
	char hex[2 * HASH_SHA256_SIZE + 1]; /* SHA-256 of the origin, lowercase hex */
	char path[PATH_MAX];                /* its state file */
	char hpath[PATH_MAX];               /* its handovers: a JSON array of notes, oldest first */
	struct keychain chain;              /* the log's keys, from the --log-key through the handovers */
	json_t *handovers;                  /* what hpath holds */
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
	if ((rc = keychain_verify(&wl->chain, wl->note.data, wl->note.len, &cp, &text_len, err)) !=
	    REDRESS_OK)
		return error_prefix(err, "witness state '%.200s'", wl->path);
	if (strcmp(cp.origin, wl->v.name) != 0)
		return error_set(err, REDRESS_E_INVALID, "witness state '%.200s' is for origin '%.64s'",
		                 wl->path, cp.origin);
	wl->have = 1;
	wl->size = cp.size;
	memcpy(wl->root, cp.root, sizeof(cp.root));
	return REDRESS_OK;
}

/* Reads the log's handovers the witness followed before (none: a file not there yet). */
static enum redress_err
load_handovers(struct witness_log *wl, struct redress_error *err)
{
	json_error_t jerr;

	if (access(wl->hpath, F_OK) != 0) {
		wl->handovers = json_array();
		return wl->handovers != NULL ? REDRESS_OK : error_set(err, REDRESS_E_NOMEM, "out of memory");
	}
	if ((wl->handovers = json_load_file(wl->hpath, JSON_REJECT_DUPLICATES, &jerr)) == NULL)
		return error_set(err, REDRESS_E_INVALID, "witness handovers '%.200s': %s", wl->hpath,
		                 jerr.text);
	if (keychain_follow_json(&wl->chain, wl->handovers, err) != REDRESS_OK)
		return error_prefix(err, "witness handovers '%.200s'", wl->hpath);
	return REDRESS_OK;
}

/* Replaces the file at path with data: a temporary file, fsync, rename, fsync of the directory. */
static enum redress_err
save_file(const struct witness *w, const char *path, const char *data, size_t len, struct redress_error *err)
{
	char tmp[PATH_MAX];
	int fd, n;

	n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return error_set(err, REDRESS_E_IO, "witness state path '%.200s' is too long", path);
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
	if (rename(tmp, path) != 0) {
		error_set(err, REDRESS_E_IO, "cannot install witness state '%.200s': %s", path,
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

/* Keeps a handover followed: appended to the log's handovers file, before the state names its size. */
static enum redress_err
save_handover(const struct witness *w, struct witness_log *wl, const char *note, size_t len,
              struct redress_error *err)
{
	json_t *copy = json_deep_copy(wl->handovers);
	char *text = NULL;
	enum redress_err rc;

	if (copy == NULL || json_array_append_new(copy, json_stringn(note, len)) != 0 ||
	    (text = json_dumps(copy, JSON_INDENT(1))) == NULL) {
		json_decref(copy);
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	}
	rc = save_file(w, wl->hpath, text, strlen(text), err);
	mem_json_free(text);
	if (rc != REDRESS_OK) {
		json_decref(copy);
		return rc;
	}
	json_decref(wl->handovers);
	wl->handovers = copy;
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
		keychain_init(&wl->chain, wl->v.name, wl->v.public_key);
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
		n = snprintf(file, sizeof(file), "log-%s.handovers", wl->hex);
		if (n < 0 || (size_t)n >= sizeof(file) ||
		    keydir_file(wl->hpath, sizeof(wl->hpath), dir, file, err) != REDRESS_OK) {
			rc = error_set(err, REDRESS_E_KEYS, "key directory path '%.200s' is too long", dir);
			goto fail;
		}
		w->count++;
		if ((rc = load_handovers(wl, err)) != REDRESS_OK || (rc = load_state(wl, err)) != REDRESS_OK)
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
	for (i = 0; i < WITNESS_LOGS_MAX; i++) {
		buf_free(&(*w)->logs[i].note);
		json_decref((*w)->logs[i].handovers);
	}
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
	struct keychain *next = NULL; /* the chain with the handover this request is, if it is one */
	int followed = 0;
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
	/*
	 * A handover from the key in force now is followed (once it is
	 * cosigned); a forged one is refused; any other checkpoint must be
	 * signed by the key in force at its size.
	 */
	if ((next = malloc(sizeof(*next))) == NULL) {
		error_set(why, REDRESS_E_NOMEM, "out of memory");
		status = 500;
		goto out;
	}
	*next = wl->chain;
	rc = keychain_follow(next, req->note, req->note_len, &followed, why);
	if (rc == REDRESS_E_NOTFOUND || (rc == REDRESS_OK && !followed))
		rc = keychain_verify(&wl->chain, req->note, req->note_len, &cp, NULL, why);
	if (rc != REDRESS_OK) {
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
	    (followed && save_handover(w, wl, req->note, req->note_len, why) != REDRESS_OK) ||
	    save_file(w, wl->path, state.data, state.len, why) != REDRESS_OK) {
		status = 500;
		goto out;
	}
	if (followed)
		wl->chain = *next;
	wl->have = 1;
	wl->size = cp.size;
	memcpy(wl->root, cp.root, sizeof(cp.root));
	buf_reset(&wl->note);
	buf_append(&wl->note, state.data, state.len);
	buf_append(out, line.data, line.len);
	status = buf_error(out, why) == REDRESS_OK ? 200 : 500;
out:
	free(next);
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
