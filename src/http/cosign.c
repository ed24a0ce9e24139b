/*
 * cosign.c -- the fund's side of the witness protocol (C2SP tlog-witness):
 * posting each new checkpoint to the configured witnesses with libcurl,
 * checking the cosignatures that come back, and keeping them beside the
 * checkpoint so it is served cosigned.
 *
 * A witness answers 409 with the size it last cosigned when ours is not
 * the one it holds (the first time, or after a restart); we then send the
 * proof from that size once more.  Everything else a witness says is
 * logged and skipped: a witness that is down must never stop the fund.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "http/http.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/keychain.h"

#define COSIGN_ANSWER_MAX 65536

enum redress_err
http_witness_parse(const char *text, struct http_witness *w_r, struct redress_error *err)
{
	const char *sep = strchr(text, ',');
	size_t url_len;

	if (sep == NULL)
		sep = strchr(text, ' ');
	if (sep == NULL)
		return error_set(err, REDRESS_E_INVALID, "witness '%.120s': expected URL,VKEY", text);
	url_len = (size_t)(sep - text);
	if (url_len == 0 || url_len >= sizeof(w_r->url))
		return error_set(err, REDRESS_E_INVALID, "witness '%.120s': the URL must be 1 to %d bytes",
		                 text, HTTP_WITNESS_URL_MAX - 1);
	if (strncmp(text, "http://", 7) != 0 && strncmp(text, "https://", 8) != 0)
		return error_set(err, REDRESS_E_INVALID,
		                 "witness '%.120s': the URL must start with http:// or https://", text);
	memset(w_r, 0, sizeof(*w_r));
	memcpy(w_r->url, text, url_len);
	/* The submission prefix: add-checkpoint is appended to it with one slash. */
	while (url_len > 0 && w_r->url[url_len - 1] == '/')
		w_r->url[--url_len] = '\0';
	if (note_vkey_parse_type(sep + 1, NOTE_ALG_COSIGNATURE, &w_r->v, err) != REDRESS_OK)
		return error_prefix(err, "witness '%.120s'", text);
	return REDRESS_OK;
}

enum redress_err
http_witnesses_load(const char *keys_dir, struct http_witness *ws, size_t max, size_t *count_r,
                    struct redress_error *err)
{
	char path[4096], line[2048];
	size_t lineno = 0, len;
	FILE *f;
	enum redress_err rc = REDRESS_OK;

	if (keydir_file(path, sizeof(path), keys_dir, "witnesses", err) != REDRESS_OK)
		return err->code;
	if ((f = fopen(path, "r")) == NULL)
		return REDRESS_OK; /* no witnesses configured */
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (*count_r >= max) {
			rc = error_set(err, REDRESS_E_INVALID, "%.200s line %zu: more than %zu witnesses",
			               path, lineno, max);
			break;
		}
		if ((rc = http_witness_parse(line, &ws[*count_r], err)) != REDRESS_OK) {
			error_prefix(err, "%.200s line %zu", path, lineno);
			break;
		}
		(*count_r)++;
	}
	fclose(f);
	return rc;
}

static size_t
collect_body(char *data, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;

	/* libcurl hands at most CURL_MAX_WRITE_SIZE bytes at a time: no overflow. */
	buf_append(b, data, size * n);
	return buf_error(b, NULL) == REDRESS_OK ? size * n : 0;
}

/* Posts body to the witness; returns the HTTP status, or 0 when there was no answer. */
static long
post_once(const struct http_witness *w, const struct buf *body, unsigned timeout_ms, struct buf *answer)
{
	char url[HTTP_WITNESS_URL_MAX + 32];
	struct curl_slist *headers = NULL;
	CURL *c;
	long status = 0;

	snprintf(url, sizeof(url), "%s/add-checkpoint", w->url);
	if ((c = curl_easy_init()) == NULL)
		return 0;
	headers = curl_slist_append(headers, "Content-Type: text/plain; charset=utf-8");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body->len);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, answer);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	return status;
}

/* Parses a 409 answer: the witness's size in decimal and a newline. */
static int
parse_size_answer(const struct buf *answer, uint64_t *size_r)
{
	unsigned long long v;
	char *end;

	if (answer->len == 0 || answer->len > 21 || answer->data[0] < '0' || answer->data[0] > '9')
		return 0;
	v = strtoull(answer->data, &end, 10);
	if (*end != '\n' || end[1] != '\0')
		return 0;
	*size_r = v;
	return 1;
}

/* Asks one witness; returns 1 when it cosigned and the cosignature was kept. */
static int
ask_witness(struct tlog *log, struct http_witness *w, const struct buf *note, const struct checkpoint *cp,
            unsigned timeout_ms, struct redress_error *err)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	struct buf body, answer, cosigned;
	struct redress_error why;
	uint64_t old, used;
	size_t count, good = 0;
	long status = 0;
	int tries, kept = 0;

	buf_init(&body, COSIG_REQUEST_MAX);
	buf_init(&answer, COSIGN_ANSWER_MAX);
	buf_init(&cosigned, NOTE_MAX_SIZE);
	for (tries = 0; tries < 2; tries++) {
		old = w->known <= cp->size ? w->known : 0;
		count = 0;
		if (old > 0 && old < cp->size &&
		    tlog_prove_consistency(log, old, cp->size, &used, proof, &count, &why) != REDRESS_OK) {
			fprintf(stderr, "redress: witness %s: no proof from size %llu: %s\n", w->url,
			        (unsigned long long)old, why.message);
			goto out;
		}
		buf_reset(&body);
		buf_reset(&answer);
		cosig_request_format(&body, old, (const uint8_t(*)[MERKLE_HASH_SIZE])proof, count, note->data,
		                     note->len);
		if (buf_error(&body, &why) != REDRESS_OK)
			goto out;
		status = post_once(w, &body, timeout_ms, &answer);
		if (status == 409 && parse_size_answer(&answer, &w->known) && w->known <= cp->size)
			continue;
		break;
	}
	/* A handover the witness has passed already (it cosigned a later checkpoint): nothing to do. */
	if (status == 409 && w->known > cp->size)
		goto out;
	if (status != 200) {
		fprintf(stderr,
		        "redress: witness %s refused the checkpoint of size %llu (HTTP %ld): %.200s\n",
		        w->url, (unsigned long long)cp->size, status,
		        status == 0 ? "no answer" : (answer.data != NULL ? answer.data : ""));
		goto out;
	}
	/* Only lines by this witness, verified on this very checkpoint, are kept. */
	buf_append(&cosigned, note->data, note->len);
	buf_append(&cosigned, answer.data, answer.len);
	if (buf_error(&cosigned, &why) != REDRESS_OK ||
	    cosig_count(cosigned.data, cosigned.len, &w->v, 1, NULL, &good, &why) != REDRESS_OK ||
	    good != 1) {
		fprintf(stderr, "redress: witness %s answered without a valid cosignature: %s\n", w->url,
		        good == 0 ? "none by its key" : why.message);
		goto out;
	}
	{
		/* Keep just this witness's line (the answer may hold others'). */
		char *line = answer.data, *nl;
		size_t name_len = strlen(w->v.name);

		for (; line != NULL && *line != '\0'; line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl == NULL)
				break;
			if ((size_t)(nl - line) > 4 + name_len &&
			    memcmp(line + 4, w->v.name, name_len) == 0 && line[4 + name_len] == ' ') {
				char saved = nl[1];

				nl[1] = '\0';
				if (tlog_cosign_add(log, cp->size, w->v.name, line, err) != REDRESS_OK) {
					nl[1] = saved;
					goto out;
				}
				nl[1] = saved;
				kept = 1;
				break;
			}
		}
	}
	w->known = cp->size;
out:
	buf_free(&body);
	buf_free(&answer);
	buf_free(&cosigned);
	return kept;
}

/*
 * Shows a witness the log's key handovers it may not have seen, oldest
 * first, before a checkpoint of size that a later key signed: a witness
 * follows the log's key only through them (log/keychain.h).
 */
static enum redress_err
hand_over(struct tlog *log, struct http_witness *w, uint64_t size, unsigned timeout_ms,
          struct redress_error *err)
{
	const struct keychain *kc = tlog_keychain(log);
	struct checkpoint hcp;
	struct buf hnote;
	size_t i, text_len;
	enum redress_err rc = REDRESS_OK;

	buf_init(&hnote, NOTE_MAX_SIZE);
	for (i = 1; i < kc->count && kc->keys[i].from <= size; i++) {
		if (w->known >= kc->keys[i].from)
			continue;
		buf_reset(&hnote);
		if ((rc = tlog_checkpoint_at(log, kc->keys[i].from, &hnote, err)) != REDRESS_OK ||
		    (rc = keychain_verify(kc, hnote.data, hnote.len, &hcp, &text_len, err)) != REDRESS_OK)
			break;
		err->code = REDRESS_OK;
		(void)ask_witness(log, w, &hnote, &hcp, timeout_ms, err);
		if ((rc = err->code) != REDRESS_OK)
			break;
	}
	buf_free(&hnote);
	return rc;
}

enum redress_err
http_cosign_collect(struct tlog *log, struct http_witness *ws, size_t count, unsigned timeout_ms,
                    size_t *got_r, struct redress_error *err)
{
	struct checkpoint cp;
	struct buf note;
	const char *blank;
	size_t i, got = 0;
	enum redress_err rc;

	if (timeout_ms == 0)
		timeout_ms = HTTP_WITNESS_TIMEOUT_MS;
	buf_init(&note, NOTE_MAX_SIZE);
	if ((rc = tlog_checkpoint(log, &note, err)) != REDRESS_OK)
		goto out;
	blank = strstr(note.data, "\n\n");
	if (blank == NULL) {
		rc = error_set(err, REDRESS_E_INTERNAL, "the log's checkpoint is not a signed note");
		goto out;
	}
	if ((rc = checkpoint_parse(note.data, (size_t)(blank - note.data) + 1, &cp, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < count; i++) {
		err->code = REDRESS_OK;
		if ((rc = hand_over(log, &ws[i], cp.size, timeout_ms, err)) != REDRESS_OK)
			goto out;
		if (ask_witness(log, &ws[i], &note, &cp, timeout_ms, err))
			got++;
		else if (err->code != REDRESS_OK) {
			rc = err->code;
			goto out;
		}
	}
	if (got_r != NULL)
		*got_r = got;
out:
	buf_free(&note);
	return rc;
}
