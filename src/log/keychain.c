/*
 * keychain.c -- following the log's signing keys through their handovers
 * (log/keychain.h): the one place every verifier (audit, report and
 * receipt verification, witnesses, the high-water mark) asks which key
 * signs a checkpoint of a given size.
 */
#include "log/keychain.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "log/note.h"

/* The verifier of key under the chain's origin. */
static void
verifier_of(const struct keychain *kc, const uint8_t public_key[SIGN_PUBLIC_SIZE], struct note_verifier *v)
{
	memset(v, 0, sizeof(*v));
	memcpy(v->name, kc->origin, strlen(kc->origin) + 1);
	memcpy(v->public_key, public_key, SIGN_PUBLIC_SIZE);
	note_key_hash(v->name, public_key, v->key_hash);
}

void
keychain_init(struct keychain *kc, const char *origin, const uint8_t public_key[SIGN_PUBLIC_SIZE])
{
	memset(kc, 0, sizeof(*kc));
	snprintf(kc->origin, sizeof(kc->origin), "%s", origin);
	memcpy(kc->keys[0].public_key, public_key, SIGN_PUBLIC_SIZE);
	kc->count = 1;
}

enum redress_err
keychain_init_vkey(struct keychain *kc, const char *vkey, struct redress_error *err)
{
	struct note_verifier v;
	enum redress_err rc;

	if ((rc = note_vkey_parse(vkey, &v, err)) != REDRESS_OK)
		return rc;
	if (strlen(v.name) > CHECKPOINT_ORIGIN_MAX)
		return error_set(err, REDRESS_E_INVALID, "the key's name is longer than %d bytes",
		                 CHECKPOINT_ORIGIN_MAX);
	keychain_init(kc, v.name, v.public_key);
	return REDRESS_OK;
}

const struct keychain_key *
keychain_key_at(const struct keychain *kc, uint64_t size)
{
	size_t i = kc->count;

	while (i > 1 && kc->keys[i - 1].from > size)
		i--;
	return &kc->keys[i - 1];
}

int
keychain_find(const struct keychain *kc, const uint8_t public_key[SIGN_PUBLIC_SIZE])
{
	size_t i;

	for (i = 0; i < kc->count; i++)
		if (memcmp(kc->keys[i].public_key, public_key, SIGN_PUBLIC_SIZE) == 0)
			return (int)i;
	return -1;
}

enum redress_err
keychain_extension(const char *text, size_t text_len, struct note_verifier *v_r, struct redress_error *err)
{
	const size_t ext_len = strlen(KEYCHAIN_EXTENSION);
	char vkey[NOTE_NAME_MAX + 128];
	size_t pos = 0, line = 0;

	while (pos < text_len) {
		const char *nl = memchr(text + pos, '\n', text_len - pos);
		size_t len = (nl != NULL ? (size_t)(nl - text) : text_len) - pos;

		line++;
		if (line > 3 && len > ext_len && memcmp(text + pos, KEYCHAIN_EXTENSION, ext_len) == 0) {
			if (len - ext_len >= sizeof(vkey))
				return error_set(err, REDRESS_E_INVALID,
				                 "checkpoint line %zu: the new key is too long", line);
			memcpy(vkey, text + pos + ext_len, len - ext_len);
			vkey[len - ext_len] = '\0';
			if (note_vkey_parse(vkey, v_r, err) != REDRESS_OK)
				return error_prefix(err, "checkpoint line %zu (the new log key)", line);
			return REDRESS_OK;
		}
		if (nl == NULL)
			break;
		pos += len + 1;
	}
	return error_set(err, REDRESS_E_NOTFOUND, "the checkpoint names no new log key (not a handover)");
}

/* Does nothing: note_signatures is called for its checks and the text's length. */
static void
ignore_line(void *ctx, size_t lineno, const char *name, size_t name_len, const uint8_t *raw, size_t raw_len,
            const char *text, size_t text_len)
{
	(void)ctx, (void)lineno, (void)name, (void)name_len, (void)raw, (void)raw_len, (void)text,
	    (void)text_len;
}

/* Parses the note's checkpoint, of this chain's origin. */
static enum redress_err
read_checkpoint(const struct keychain *kc, const char *note, size_t len, struct checkpoint *cp_r,
                size_t *text_len_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = note_signatures(note, len, ignore_line, NULL, text_len_r, err)) != REDRESS_OK ||
	    (rc = checkpoint_parse(note, *text_len_r, cp_r, err)) != REDRESS_OK)
		return rc;
	if (strcmp(cp_r->origin, kc->origin) != 0)
		return error_set(err, REDRESS_E_CRYPTO, "the checkpoint is of log '%.64s', not '%.64s'",
		                 cp_r->origin, kc->origin);
	return REDRESS_OK;
}

enum redress_err
keychain_follow(struct keychain *kc, const char *note, size_t len, int *followed_r, struct redress_error *err)
{
	const struct keychain_key *last = &kc->keys[kc->count - 1];
	struct note_verifier v, old;
	struct checkpoint cp;
	size_t text_len;
	enum redress_err rc;
	int i;

	if (followed_r != NULL)
		*followed_r = 0;
	if ((rc = read_checkpoint(kc, note, len, &cp, &text_len, err)) != REDRESS_OK)
		return error_prefix(err, "handover");
	if ((rc = keychain_extension(note, text_len, &v, err)) != REDRESS_OK)
		return error_prefix(err, "handover at size %llu", (unsigned long long)cp.size);
	if (strcmp(v.name, kc->origin) != 0)
		return error_set(err, REDRESS_E_CRYPTO, "handover at size %llu: the new key is named '%.64s'",
		                 (unsigned long long)cp.size, v.name);
	/*
	 * One the chain has passed: the very handover followed before, or one
	 * to the key the chain starts at (a verifier who trusts a later key
	 * needs no earlier handover).
	 */
	i = keychain_find(kc, v.public_key);
	if (i == 0 || (i > 0 && kc->keys[i].from == cp.size))
		return REDRESS_OK;
	if (kc->count > 1 && cp.size <= last->from)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "handover at size %llu: the chain handed over at size %llu already",
		                 (unsigned long long)cp.size, (unsigned long long)last->from);
	if (keychain_find(kc, v.public_key) >= 0)
		return error_set(err, REDRESS_E_CRYPTO, "handover at size %llu: the new key was used before",
		                 (unsigned long long)cp.size);
	if (kc->count >= KEYCHAIN_MAX)
		return error_set(err, REDRESS_E_INVALID, "more than %d log keys", KEYCHAIN_MAX);
	verifier_of(kc, last->public_key, &old);
	if ((rc = note_verify(note, len, &old, NULL, err)) != REDRESS_OK)
		return error_prefix(err, "handover at size %llu: not signed by the key it hands over from",
		                    (unsigned long long)cp.size);
	if ((rc = note_verify(note, len, &v, NULL, err)) != REDRESS_OK)
		return error_prefix(err, "handover at size %llu: not signed by the new key",
		                    (unsigned long long)cp.size);
	memcpy(kc->keys[kc->count].public_key, v.public_key, SIGN_PUBLIC_SIZE);
	kc->keys[kc->count].from = cp.size;
	kc->count++;
	if (followed_r != NULL)
		*followed_r = 1;
	return REDRESS_OK;
}

enum redress_err
keychain_verify(const struct keychain *kc, const char *note, size_t len, struct checkpoint *cp_r,
                size_t *text_len_r, struct redress_error *err)
{
	const struct keychain_key *key;
	struct note_verifier v;
	struct redress_error e;
	size_t text_len, i;
	enum redress_err rc;

	if ((rc = read_checkpoint(kc, note, len, cp_r, &text_len, err)) != REDRESS_OK)
		return rc;
	if (text_len_r != NULL)
		*text_len_r = text_len;
	key = keychain_key_at(kc, cp_r->size);
	verifier_of(kc, key->public_key, &v);
	if (note_verify(note, len, &v, NULL, &e) == REDRESS_OK)
		return REDRESS_OK;
	if (e.code != REDRESS_E_CRYPTO) {
		*err = e;
		return e.code;
	}
	for (i = 0; i < kc->count; i++) {
		if (&kc->keys[i] == key)
			continue;
		verifier_of(kc, kc->keys[i].public_key, &v);
		if (note_verify(note, len, &v, NULL, NULL) != REDRESS_OK)
			continue;
		if (kc->keys[i].from > cp_r->size)
			return error_set(err, REDRESS_E_CRYPTO,
			                 "the checkpoint of size %llu is signed by a log key that signs only"
			                 " from size %llu",
			                 (unsigned long long)cp_r->size,
			                 (unsigned long long)kc->keys[i].from);
		return error_set(err, REDRESS_E_CRYPTO,
		                 "the checkpoint of size %llu is signed by a log key retired at size %llu"
		                 " (handed over to another), not by the key in force then",
		                 (unsigned long long)cp_r->size, (unsigned long long)kc->keys[i + 1].from);
	}
	return error_set(err, REDRESS_E_CRYPTO,
	                 "the checkpoint of size %llu is not signed by the log's key in force at that size"
	                 " (%s): a key no handover announced, or a forged note",
	                 (unsigned long long)cp_r->size, kc->count > 1 ? "after its handovers" : "its first");
}

enum redress_err
keychain_follow_json(struct keychain *kc, const struct json_t *handovers, struct redress_error *err)
{
	size_t i;

	if (handovers == NULL)
		return REDRESS_OK;
	if (!json_is_array(handovers) || json_array_size(handovers) >= KEYCHAIN_MAX)
		return error_set(err, REDRESS_E_INVALID, "'handovers' must be an array of at most %d notes",
		                 KEYCHAIN_MAX - 1);
	for (i = 0; i < json_array_size(handovers); i++) {
		const json_t *note = json_array_get(handovers, i);

		if (!json_is_string(note))
			return error_set(err, REDRESS_E_INVALID, "'handovers[%zu]' is not a string", i);
		if (keychain_follow(kc, json_string_value(note), json_string_length(note), NULL, err) !=
		    REDRESS_OK) {
			if (err->code == REDRESS_E_NOTFOUND)
				err->code = REDRESS_E_INVALID;
			return error_prefix(err, "'handovers[%zu]'", i);
		}
	}
	return REDRESS_OK;
}
