/*
 * cosig.c -- witnesses' cosignatures (C2SP tlog-cosignature, Ed25519
 * cosignature/v1) and the tlog-witness add-checkpoint request body.
 *
 * Signing and checking a cosignature rebuild the same message: the header
 * line, the time line, then the checkpoint body exactly as signed by the
 * log.  Walking a note's signature lines is note.c's (note_signatures), so
 * a cosigned checkpoint is held to the same well-formedness as any note.
 */
#include "log/cosig.h"

#include <stdio.h>
#include <string.h>

#include "crypto/codec.h"

#define COSIG_HEADER "cosignature/v1\n"
/* keyid, timestamp, signature */
#define COSIG_RAW_SIZE   (4 + 8 + SIGN_SIZE)
#define COSIG_SIG_PREFIX "\xe2\x80\x94 "

/* Builds the signed message: header, "time T\n", body. */
static void
cosig_message(struct buf *msg, const char *body, size_t body_len, uint64_t timestamp)
{
	buf_puts(msg, COSIG_HEADER);
	buf_printf(msg, "time %llu\n", (unsigned long long)timestamp);
	buf_append(msg, body, body_len);
}

enum redress_err
cosig_sign(struct buf *out, const char *body, size_t body_len, const char *name, const struct sign_key *key,
           uint64_t timestamp, struct redress_error *err)
{
	uint8_t raw[COSIG_RAW_SIZE];
	char b64[CODEC_BASE64_SIZE(COSIG_RAW_SIZE)];
	struct buf msg;
	enum redress_err rc;
	int i;

	if (!note_name_valid(name))
		return error_set(err, REDRESS_E_INVALID, "cosignature: '%.64s' is not a valid key name",
		                 name);
	if (timestamp == 0 || timestamp > (uint64_t)INT64_MAX)
		return error_set(err, REDRESS_E_INVALID, "cosignature: the time must be from 1 to 2^63-1");
	if (body == NULL || body_len == 0 || body[body_len - 1] != '\n')
		return error_set(err, REDRESS_E_INVALID,
		                 "cosignature: the checkpoint body must end in a newline");
	buf_init(&msg, NOTE_MAX_SIZE);
	cosig_message(&msg, body, body_len, timestamp);
	if ((rc = buf_error(&msg, err)) != REDRESS_OK)
		goto out;
	note_key_hash_type(name, NOTE_ALG_COSIGNATURE, sign_key_public(key), raw);
	for (i = 0; i < 8; i++)
		raw[4 + i] = (uint8_t)(timestamp >> (56 - 8 * i));
	sign_detached(key, msg.data, msg.len, raw + 12);
	(void)codec_base64_encode(raw, sizeof(raw), b64, sizeof(b64), NULL);
	buf_puts(out, COSIG_SIG_PREFIX);
	buf_puts(out, name);
	buf_putc(out, ' ');
	buf_puts(out, b64);
	buf_putc(out, '\n');
	rc = buf_error(out, err);
out:
	buf_free(&msg);
	return rc;
}

/* What cosig_count gathers while note_signatures walks the lines. */
struct cosig_tally {
	const struct note_verifier *ws;
	size_t count;
	int *valid;
	size_t bad_line;    /* first line naming a witness that fails, or 0 */
	size_t bad_witness; /* which witness it named */
	int nomem;
};

static void
cosig_tally_line(void *ctx, size_t lineno, const char *name, size_t name_len, const uint8_t *raw,
                 size_t raw_len, const char *text, size_t text_len)
{
	struct cosig_tally *t = ctx;
	uint64_t ts = 0;
	struct buf msg;
	size_t i;
	int j, ok;

	for (i = 0; i < t->count; i++) {
		const struct note_verifier *w = &t->ws[i];

		if (name_len != strlen(w->name) || memcmp(name, w->name, name_len) != 0 ||
		    memcmp(raw, w->key_hash, 4) != 0)
			continue;
		ok = 0;
		if (raw_len == COSIG_RAW_SIZE) {
			for (j = 0; j < 8; j++)
				ts = ts << 8 | raw[4 + j];
			if (ts != 0 && ts <= (uint64_t)INT64_MAX) {
				buf_init(&msg, NOTE_MAX_SIZE);
				cosig_message(&msg, text, text_len, ts);
				if (buf_error(&msg, NULL) != REDRESS_OK)
					t->nomem = 1;
				else
					ok = sign_verify(w->public_key, msg.data, msg.len, raw + 12);
				buf_free(&msg);
			}
		}
		if (ok)
			t->valid[i] = 1;
		else if (t->bad_line == 0) {
			t->bad_line = lineno;
			t->bad_witness = i;
		}
	}
}

enum redress_err
cosig_count(const char *msg, size_t len, const struct note_verifier *ws, size_t count, int *valid_r,
            size_t *good_r, struct redress_error *err)
{
	int valid[COSIG_WITNESSES_MAX] = {0};
	struct cosig_tally t = {ws, count, valid, 0, 0, 0};
	enum redress_err rc;
	size_t i, good = 0;

	if (count > COSIG_WITNESSES_MAX)
		return error_set(err, REDRESS_E_INVALID, "cosignatures: more than %d witnesses",
		                 COSIG_WITNESSES_MAX);
	if ((rc = note_signatures(msg, len, cosig_tally_line, &t, NULL, err)) != REDRESS_OK)
		return rc;
	if (t.nomem)
		return error_set(err, REDRESS_E_NOMEM, "cosignatures: out of memory");
	if (t.bad_line != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "signature line %zu, a cosignature by witness %s, does not verify",
		                 t.bad_line, ws[t.bad_witness].name);
	for (i = 0; i < count; i++) {
		good += (size_t)valid[i];
		if (valid_r != NULL)
			valid_r[i] = valid[i];
	}
	if (good_r != NULL)
		*good_r = good;
	return REDRESS_OK;
}

enum redress_err
cosig_policy_add(struct cosig_policy *policy, const char *vkey, struct redress_error *err)
{
	enum redress_err rc;

	if (policy->count >= COSIG_WITNESSES_MAX)
		return error_set(err, REDRESS_E_INVALID, "witness policy: more than %d witnesses",
		                 COSIG_WITNESSES_MAX);
	rc = note_vkey_parse_type(vkey, NOTE_ALG_COSIGNATURE, &policy->witnesses[policy->count], err);
	if (rc != REDRESS_OK)
		return error_prefix(err, "witness key '%.80s'", vkey);
	policy->count++;
	return REDRESS_OK;
}

enum redress_err
cosig_policy_check(const struct cosig_policy *policy, const char *msg, size_t len, struct redress_error *err)
{
	int valid[COSIG_WITNESSES_MAX];
	char names[256];
	enum redress_err rc;
	size_t good, i, at = 0;
	int n;

	if (policy == NULL || (policy->count == 0 && policy->threshold == 0))
		return REDRESS_OK;
	if (policy->threshold == 0 || policy->threshold > policy->count)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "witness policy: the threshold %zu must be from 1 to the %zu witnesses given",
		    policy->threshold, policy->count);
	if ((rc = cosig_count(msg, len, policy->witnesses, policy->count, valid, &good, err)) != REDRESS_OK)
		return rc;
	if (good >= policy->threshold)
		return REDRESS_OK;
	names[0] = '\0';
	for (i = 0; i < policy->count && at < sizeof(names); i++) {
		if (valid[i])
			continue;
		n = snprintf(names + at, sizeof(names) - at, "%s%s", at > 0 ? ", " : "",
		             policy->witnesses[i].name);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return error_set(
	    err, REDRESS_E_CRYPTO,
	    "the checkpoint has valid cosignatures by %zu of the %zu witnesses, the policy needs "
	    "%zu (missing: %s)",
	    good, policy->count, policy->threshold, names);
}

/* Parses a decimal with no leading zero ("0" alone allowed) of at most 63 bits. */
static int
parse_size(const char *p, size_t len, uint64_t *v_r)
{
	uint64_t v = 0;
	size_t i;

	if (len == 0 || len > 19 || (len > 1 && p[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	if (v > (uint64_t)INT64_MAX)
		return 0;
	*v_r = v;
	return 1;
}

enum redress_err
cosig_request_parse(const char *body, size_t len, struct cosig_request *r_r, struct redress_error *err)
{
	const char *p = body, *end = body + len, *nl;
	size_t lineno = 1, got;

	if (len > COSIG_REQUEST_MAX)
		return error_set(err, REDRESS_E_INVALID, "request: %zu bytes is over the limit of %d", len,
		                 COSIG_REQUEST_MAX);
	memset(r_r, 0, sizeof(*r_r));
	nl = len > 0 ? memchr(p, '\n', len) : NULL;
	if (nl == NULL || nl - p < 5 || memcmp(p, "old ", 4) != 0 ||
	    !parse_size(p + 4, (size_t)(nl - p - 4), &r_r->old_size))
		return error_set(err, REDRESS_E_INVALID,
		                 "request line 1: expected 'old SIZE' (decimal, no leading zero)");
	for (p = nl + 1;; p = nl + 1) {
		lineno++;
		if (p >= end || (nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return error_set(
			    err, REDRESS_E_INVALID,
			    "request line %zu: expected a proof hash or the empty line before the "
			    "checkpoint",
			    lineno);
		if (nl == p)
			break;
		if (r_r->proof_count >= COSIG_PROOF_MAX)
			return error_set(err, REDRESS_E_INVALID,
			                 "request: more than %d consistency proof lines", COSIG_PROOF_MAX);
		if (codec_base64_decode(p, (size_t)(nl - p), r_r->proof[r_r->proof_count], MERKLE_HASH_SIZE,
		                        &got, NULL) != REDRESS_OK ||
		    got != MERKLE_HASH_SIZE)
			return error_set(err, REDRESS_E_INVALID,
			                 "request line %zu: a proof line is base64 of one 32-byte hash",
			                 lineno);
		r_r->proof_count++;
	}
	r_r->note = nl + 1;
	r_r->note_len = (size_t)(end - r_r->note);
	if (r_r->note_len == 0)
		return error_set(err, REDRESS_E_INVALID, "request: no checkpoint after the empty line");
	return REDRESS_OK;
}

void
cosig_request_format(struct buf *out, uint64_t old_size, const uint8_t proof[][MERKLE_HASH_SIZE],
                     size_t proof_count, const char *note, size_t note_len)
{
	char b64[CODEC_BASE64_SIZE(MERKLE_HASH_SIZE)];
	size_t i;

	buf_printf(out, "old %llu\n", (unsigned long long)old_size);
	for (i = 0; i < proof_count; i++) {
		(void)codec_base64_encode(proof[i], MERKLE_HASH_SIZE, b64, sizeof(b64), NULL);
		buf_puts(out, b64);
		buf_putc(out, '\n');
	}
	buf_putc(out, '\n');
	buf_append(out, note, note_len);
}
