/*
 * report_verify.c -- checking a published report offline, with nothing
 * but the report and the log's verifier key (see report_verify() in
 * reports.h).  Every field read from the report is checked for its type
 * and size before use; a report that is malformed is refused naming the
 * field, one that was altered is refused naming what no longer verifies.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "domain/reports/reports.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/keychain.h"
#include "log/note.h"

/* Writes a jansson value as canonical JSON (core/canon.h): sorted keys, integers only. */
static enum redress_err
to_canon(struct canon *c, json_t *v, const char *where, unsigned depth, struct redress_error *err)
{
	const char **keys = NULL;
	const char *key;
	json_t *member;
	size_t i, n;
	enum redress_err rc = REDRESS_OK;

	if (depth > CANON_MAX_DEPTH - 4)
		return error_set(err, REDRESS_E_INVALID, "%s: nested too deep", where);
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		n = json_object_size(v);
		if (n > CANON_MAX_MEMBERS)
			return error_set(err, REDRESS_E_INVALID, "%s: too many members", where);
		if (n > 0 && (keys = calloc(n, sizeof(*keys))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory reading the report");
		i = 0;
		json_object_foreach(v, key, member) keys[i++] = key;
		/* Byte order, as canonical JSON sorts keys (insertion sort: objects are small). */
		for (i = 1; i < n; i++) {
			const char *k = keys[i];
			size_t j = i;

			while (j > 0 && strcmp(keys[j - 1], k) > 0) {
				keys[j] = keys[j - 1];
				j--;
			}
			keys[j] = k;
		}
		canon_object_begin(c);
		for (i = 0; i < n && rc == REDRESS_OK; i++) {
			if (strlen(keys[i]) >= CANON_KEY_MAX) {
				rc = error_set(err, REDRESS_E_INVALID, "%s: a key is too long", where);
				break;
			}
			canon_key(c, keys[i]);
			rc = to_canon(c, json_object_get(v, keys[i]), keys[i], depth + 1, err);
		}
		canon_object_end(c);
		free(keys);
		return rc;
	case JSON_ARRAY:
		canon_array_begin(c);
		for (i = 0; i < json_array_size(v) && rc == REDRESS_OK; i++)
			rc = to_canon(c, json_array_get(v, i), where, depth + 1, err);
		canon_array_end(c);
		return rc;
	case JSON_STRING: canon_string(c, json_string_value(v)); return REDRESS_OK;
	case JSON_INTEGER: canon_int(c, json_integer_value(v)); return REDRESS_OK;
	case JSON_TRUE: canon_bool(c, 1); return REDRESS_OK;
	case JSON_FALSE: canon_bool(c, 0); return REDRESS_OK;
	case JSON_NULL: canon_null(c); return REDRESS_OK;
	default:
		return error_set(err, REDRESS_E_INVALID,
		                 "%s: a number with a fraction has no place in a report", where);
	}
}

/* Lower-case hex of exactly 2 * n digits into out; 0 when it is not that. */
static int
hex_decode(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	for (i = 0; i < 2 * n; i++) {
		int v;

		if (s[i] >= '0' && s[i] <= '9')
			v = s[i] - '0';
		else if (s[i] >= 'a' && s[i] <= 'f')
			v = s[i] - 'a' + 10;
		else
			return 0;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return s[2 * n] == '\0';
}

enum redress_err
report_json_canon(json_t *v, struct buf *out, struct redress_error *err)
{
	struct canon c;
	enum redress_err rc;

	canon_init(&c, out);
	if ((rc = to_canon(&c, v, "value", 0, err)) != REDRESS_OK)
		return rc;
	if ((rc = canon_error(&c, err)) != REDRESS_OK)
		return rc;
	return buf_error(out, err);
}

/* The member key of obj as a string (size bytes with its NUL at most); "" on error. */
static enum redress_err
get_string(json_t *obj, const char *key, const char **s_r, size_t max, struct redress_error *err)
{
	json_t *v = json_object_get(obj, key);

	*s_r = "";
	if (!json_is_string(v) || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be a string of at most %zu bytes",
		                 key, max);
	*s_r = json_string_value(v);
	return REDRESS_OK;
}

static enum redress_err
get_uint(json_t *obj, const char *key, uint64_t *n_r, struct redress_error *err)
{
	json_t *v = json_object_get(obj, key);

	*n_r = 0; /* defined on every path, also when the caller goes on after an error */
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return error_set(err, REDRESS_E_INVALID, "field '%s' must be a non-negative integer", key);
	*n_r = (uint64_t)json_integer_value(v);
	return REDRESS_OK;
}

static enum redress_err
get_hashes(json_t *obj, const char *key, uint8_t (*out)[MERKLE_HASH_SIZE], size_t max, size_t *n_r,
           struct redress_error *err)
{
	json_t *a = json_object_get(obj, key);
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > max)
		return error_set(err, REDRESS_E_INVALID,
		                 "field 'proof.%s' must be an array of at most %zu hashes", key, max);
	for (i = 0; i < json_array_size(a); i++) {
		json_t *h = json_array_get(a, i);

		if (!json_is_string(h) || json_string_length(h) != 2 * MERKLE_HASH_SIZE ||
		    !hex_decode(json_string_value(h), out[i], MERKLE_HASH_SIZE))
			return error_set(err, REDRESS_E_INVALID,
			                 "field 'proof.%s[%zu]' must be 64 hex digits", key, i);
	}
	*n_r = json_array_size(a);
	return REDRESS_OK;
}

/* Verifies a signed checkpoint note by the log's key in force at its size, and reads its body. */
static enum redress_err
signed_checkpoint(const char *note, const struct keychain *kc, const char *what, struct checkpoint *cp,
                  struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = keychain_verify(kc, note, strlen(note), cp, NULL, err)) != REDRESS_OK)
		return error_prefix(err, "%s", what);
	return REDRESS_OK;
}

enum redress_err
report_verify(const char *json, size_t len, const char *vkey, struct report_verified *v_r,
              struct redress_error *err)
{
	return report_verify_policy(json, len, vkey, NULL, v_r, err);
}

enum redress_err
report_verify_policy(const char *json, size_t len, const char *vkey, const struct cosig_policy *policy,
                     struct report_verified *v_r, struct redress_error *err)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], cons[MERKLE_MAX_PROOF + 2][MERKLE_HASH_SIZE];
	json_t *root = NULL, *event, *proofs, *body, *cpj, *prog;
	/* Set before use on every path; initialised for gcc -O3, which cannot see that through get_string. */
	const char *actor = NULL, *at = NULL, *type = NULL, *note = NULL, *proof_note = NULL,
	           *root_text = NULL, *code = NULL, *salt = NULL;
	struct checkpoint computed, later;
	struct keychain *chain = NULL;
	struct buf bytes, data;
	struct canon c;
	json_error_t jerr;
	uint8_t leaf[MERKLE_HASH_SIZE], named_root[MERKLE_HASH_SIZE];
	uint64_t seq = 0, size = 0, proof_size = 0;
	size_t nproof, ncons, rlen;
	int version;
	enum redress_err rc;

	memset(v_r, 0, sizeof(*v_r));
	buf_init(&bytes, REPORT_MAX_BYTES + 4096);
	buf_init(&data, REPORT_MAX_BYTES);
	if (len > REPORT_MAX_BYTES * 2) {
		rc = error_set(err, REDRESS_E_INVALID, "the report is larger than %u bytes",
		               REPORT_MAX_BYTES * 2);
		goto out;
	}
	if ((chain = malloc(sizeof(*chain))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = keychain_init_vkey(chain, vkey, err)) != REDRESS_OK) {
		error_prefix(err, "the public key");
		goto out;
	}
	if ((root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		rc = error_set(err, REDRESS_E_INVALID, "the report is not JSON: line %d, column %d: %s",
		               jerr.line, jerr.column, jerr.text);
		goto out;
	}
	/* The log's key handovers since the key given, when it was rotated (log/keychain.h). */
	if ((rc = keychain_follow_json(chain, json_object_get(root, "handovers"), err)) != REDRESS_OK) {
		error_prefix(err, "the report's key handovers");
		goto out;
	}
	event = json_object_get(root, "event");
	proofs = json_object_get(root, "proof");
	body = json_object_get(root, "report");
	if (!json_is_object(event) || !json_is_object(proofs) || !json_is_object(body)) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "the report needs the objects 'event', 'proof' and 'report'");
		goto out;
	}
	if ((rc = get_string(event, "actor", &actor, TLOG_ACTOR_MAX, err)) != REDRESS_OK ||
	    (rc = get_string(event, "at", &at, 64, err)) != REDRESS_OK ||
	    (rc = get_string(event, "type", &type, TLOG_TYPE_MAX, err)) != REDRESS_OK ||
	    (rc = get_uint(event, "seq", &seq, err)) != REDRESS_OK ||
	    (rc = get_string(proofs, "checkpoint", &proof_note, NOTE_MAX_SIZE, err)) != REDRESS_OK ||
	    (rc = get_uint(proofs, "size", &proof_size, err)) != REDRESS_OK ||
	    (rc = get_hashes(proofs, "inclusion", proof, MERKLE_MAX_PROOF, &nproof, err)) != REDRESS_OK ||
	    (rc = get_hashes(proofs, "consistency", cons, MERKLE_MAX_PROOF + 2, &ncons, err)) != REDRESS_OK)
		goto out;
	/* The event's salt: reports published before salts have none. */
	if (json_object_get(event, "salt") != NULL &&
	    (rc = get_string(event, "salt", &salt, TLOG_SALT_TEXT_SIZE, err)) != REDRESS_OK)
		goto out;
	/* Its version: 3 says so; before, 2 with a salt and 1 without. */
	version = salt != NULL ? 2 : 1;
	if (json_object_get(event, "v") != NULL) {
		uint64_t v = 0;

		if ((rc = get_uint(event, "v", &v, err)) != REDRESS_OK)
			goto out;
		if (v != 3 || salt == NULL) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "field 'event.v' must be 3, with a salt, or absent");
			goto out;
		}
		version = 3;
	}
	if (strcmp(type, REPORTS_EV_PUBLISHED) != 0) {
		rc = error_set(err, REDRESS_E_INVALID, "field 'event.type' must be '%s'",
		               REPORTS_EV_PUBLISHED);
		goto out;
	}
	cpj = json_object_get(body, "checkpoint");
	prog = json_object_get(body, "program");
	if (!json_is_object(cpj) || !json_is_object(prog)) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "field 'report' needs the objects 'checkpoint' and 'program'");
		goto out;
	}
	if ((rc = get_string(cpj, "note", &note, NOTE_MAX_SIZE, err)) != REDRESS_OK ||
	    (rc = get_string(cpj, "root", &root_text, 64, err)) != REDRESS_OK ||
	    (rc = get_uint(cpj, "size", &size, err)) != REDRESS_OK ||
	    (rc = get_string(prog, "code", &code, 64, err)) != REDRESS_OK)
		goto out;

	/* The event's bytes, from the report's own figures. */
	canon_init(&c, &data);
	if ((rc = to_canon(&c, body, "report", 0, err)) != REDRESS_OK ||
	    (rc = canon_error(&c, err)) != REDRESS_OK)
		goto out;
	if ((rc = tlog_encode_event_version(&bytes, version, actor, at, data.data, data.len, salt, seq, type,
	                                    err)) != REDRESS_OK)
		goto out;
	if (version == 3) {
		/*
		 * Its leaf commits to its public part apart, whose actor is a
		 * commitment only the fund can make: the report gives the part's
		 * hash, and the leaf still binds every byte of the event above.
		 */
		const char *hex = NULL;
		uint8_t public_hash[MERKLE_HASH_SIZE];

		if ((rc = get_string(event, "public", &hex, 2 * MERKLE_HASH_SIZE, err)) != REDRESS_OK ||
		    !hex_decode(hex, public_hash, MERKLE_HASH_SIZE)) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "field 'event.public' must be 64 hex digits in an event of version 3");
			goto out;
		}
		tlog_leaf_v3(public_hash, bytes.data, bytes.len, leaf);
	} else
		merkle_leaf_hash(bytes.data, bytes.len, leaf);

	/* The checkpoint that includes it, signed by the key. */
	if ((rc = signed_checkpoint(proof_note, chain, "field 'proof.checkpoint'", &later, err)) !=
	    REDRESS_OK)
		goto out;
	/* And cosigned by enough witnesses: the public saw the history the monitors saw. */
	if ((rc = cosig_policy_check(policy, proof_note, strlen(proof_note), err)) != REDRESS_OK) {
		error_prefix(err, "field 'proof.checkpoint'");
		goto out;
	}
	if (later.size != proof_size || seq >= later.size) {
		rc = error_set(
		    err, REDRESS_E_INVALID,
		    "field 'proof.size' is %llu, the signed checkpoint's size %llu, the event %llu: they"
		    " do not agree",
		    (unsigned long long)proof_size, (unsigned long long)later.size, (unsigned long long)seq);
		goto out;
	}
	if ((rc = merkle_verify_inclusion(seq, later.size, leaf, (const uint8_t(*)[MERKLE_HASH_SIZE])proof,
	                                  nproof, later.root, err)) != REDRESS_OK) {
		rc = error_set(
		    err, REDRESS_E_CRYPTO,
		    "the report is not the event at index %llu of the log signed at size %llu: its bytes,"
		    " or the proof, were altered",
		    (unsigned long long)seq, (unsigned long long)later.size);
		goto out;
	}

	/* The checkpoint it names as computed at: signed, the same log, just before the event. */
	if ((rc = signed_checkpoint(note, chain, "field 'report.checkpoint.note'", &computed, err)) !=
	    REDRESS_OK)
		goto out;
	if (codec_base64_decode(root_text, strlen(root_text), named_root, sizeof(named_root), &rlen, NULL) !=
	        REDRESS_OK ||
	    rlen != MERKLE_HASH_SIZE || memcmp(named_root, computed.root, MERKLE_HASH_SIZE) != 0 ||
	    computed.size != size) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "fields 'report.checkpoint.root' and 'size' are not the signed checkpoint's");
		goto out;
	}
	if (strcmp(computed.origin, later.origin) != 0 || computed.size != seq) {
		rc = error_set(
		    err, REDRESS_E_INVALID,
		    "the report says it was computed at size %llu of '%.64s' but is event %llu of '%.64s'",
		    (unsigned long long)computed.size, computed.origin, (unsigned long long)seq,
		    later.origin);
		goto out;
	}
	if ((rc = merkle_verify_consistency(computed.size, later.size, computed.root, later.root,
	                                    (const uint8_t(*)[MERKLE_HASH_SIZE])cons, ncons, err)) !=
	    REDRESS_OK) {
		rc = error_set(
		    err, REDRESS_E_CRYPTO,
		    "the checkpoint the report was computed at (size %llu) is not consistent with the one"
		    " that includes it (size %llu)",
		    (unsigned long long)computed.size, (unsigned long long)later.size);
		goto out;
	}
	text_copy(v_r->program, sizeof(v_r->program), code);
	v_r->computed_at = computed.size;
	v_r->seq = seq;
	v_r->proof_size = later.size;
	rc = REDRESS_OK;
out:
	free(chain);
	json_decref(root);
	buf_free(&bytes);
	buf_free(&data);
	return rc;
}
