/*
 * feed_reference.c -- the projection of an event to its public part as it
 * was first written (over jansson, until 2026-12-07), kept frozen for the
 * tests only: src/domain/reports/report_feed.c now walks the canonical
 * bytes, and test_feed and fuzz_feed_project check that it gives exactly
 * these bytes, so that no leaf of a version-3 event already written changes.
 * Do not "fix" this file: it is the definition the new code must match.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/seal.h"
#include "crypto/sign.h"
#include "domain/reports/reports.h"
#include "feed_reference.h"
#include "log/tlog.h"

#define FEED_DOMAIN     "redress-feed-1\n"
#define FEED_COMMIT_HEX 32

#define FEED_DOMAIN     "redress-feed-1\n"
#define FEED_COMMIT_HEX 32

/* Keys whose string values identify someone or something of someone's. */
static const char *const feed_committed[] = {
    "pseudonym", "victim", "relative", "beneficiary", "claimant", "from",   "holder",
    "iban",      "bic",    "account",  "identity",    "id_index", "method", "witness",
    "summary",   "reason", "password", "secret",      "hash",     "name",   NULL,
};

/* Event types whose data is public as it is: the program's rules, pledges, reports. */
static int
feed_public_type(const char *type)
{
	return strncmp(type, "programs.", 9) == 0 || strncmp(type, "pledges.", 8) == 0 ||
	       strncmp(type, "reports.", 8) == 0 || strcmp(type, "log.created") == 0;
}

static int
committed_key(const char *key)
{
	size_t i;

	for (i = 0; feed_committed[i] != NULL; i++)
		if (strcmp(feed_committed[i], key) == 0)
			return 1;
	/* A person's vulnerability categories (registry.vulnerability.recorded): no figure counts them. */
	return strcmp(key, "categories") == 0;
}

/* Whether s holds a pseudonym (V-123456, R-123456) anywhere: an account code or a reference naming one. */
static int
names_pseudonym(const char *s)
{
	const char *p;

	int i;

	for (p = s; (p = strchr(p, '-')) != NULL; p++) {
		if (p == s || (p[-1] != 'V' && p[-1] != 'R'))
			continue;
		/* "KR-11" is a region: the letter must start the string or follow a separator. */
		if (p - 1 > s && ((p[-2] >= 'A' && p[-2] <= 'Z') || (p[-2] >= 'a' && p[-2] <= 'z') ||
		                  (p[-2] >= '0' && p[-2] <= '9')))
			continue;
		for (i = 1; i <= 6 && p[i] >= '0' && p[i] <= '9'; i++)
			;
		if (i == 7)
			return 1;
	}
	return 0;
}

static json_t *
commit_as(const struct seal_key *key, const char *value, const char *prefix)
{
	char hex[SEAL_INDEX_TEXT_SIZE], text[SEAL_INDEX_TEXT_SIZE + 4];
	struct buf in;

	buf_init(&in, TLOG_EVENT_MAX);
	buf_puts(&in, FEED_DOMAIN);
	buf_puts(&in, value);
	seal_blind_index(key, in.data != NULL ? in.data : FEED_DOMAIN, hex);
	buf_free(&in);
	/* A blind index stays 64 hex digits, as the registry reads it. */
	snprintf(text, sizeof(text), "%s%.*s", prefix, prefix[0] == '\0' ? 64 : FEED_COMMIT_HEX, hex);
	return json_string(text);
}

/* "c:" and 32 hex digits; sealed text keeps its "s1:" form, so that it still reads as sealed. */
static json_t *
commit(const struct seal_key *key, const char *value)
{
	return commit_as(key, value, strncmp(value, "s1:", 3) == 0 ? "s1:" : "c:");
}

/* Replaces, in v (an object or array, recursively), what identifies. */
static void
feed_scrub(const struct seal_key *key, json_t *v)
{
	const char *k;
	json_t *item;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, item)
		{
			if (json_is_string(item) &&
			    (committed_key(k) || names_pseudonym(json_string_value(item)) ||
			     strncmp(json_string_value(item), "s1:", 3) == 0))
				json_object_set_new(v, k,
				                    strcmp(k, "id_index") == 0
				                        ? commit_as(key, json_string_value(item), "")
				                        : commit(key, json_string_value(item)));
			else
				feed_scrub(key, item);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item)
		{
			if (json_is_string(item) && names_pseudonym(json_string_value(item)))
				json_array_set_new(v, i, commit(key, json_string_value(item)));
			else
				feed_scrub(key, item);
		}
	}
}

/* ---- The public part of an event (version 3) ------------------------------------------------- */

#define FEED_FIELD_DOMAIN "redress-field-1\n"
#define FEED_FIELD_PREFIX "f:"

/*
 * The values a feed line shows only when they are not rare at the time the
 * feed is written: the public part commits to each with a salted
 * commitment, which the feed opens (the field's salt) when it shows the
 * value and gives as it is when it withholds it.
 */
static const struct {
	const char *type, *field;
} feed_withholdable[] = {
    {"registry.person.registered", "region"},
    {"registry.person.registered", "birth_year"},
};
#define FEED_WITHHOLDABLE (sizeof(feed_withholdable) / sizeof(feed_withholdable[0]))

/*
 * The value of a withholdable field as the feed shows it: the decade of a
 * birth year, a region as it is; a new reference the caller owns.
 */
static json_t *
field_shown(const char *field, json_t *value)
{
	if (strcmp(field, "birth_year") == 0 && json_is_integer(value))
		return json_integer(json_integer_value(value) / 10 * 10);
	return value != NULL ? json_incref(value) : json_null();
}

/* The field's salt: BLAKE2b-256 keyed with the event's secret salt over the field's name. */
static enum redress_err
field_salt(const uint8_t *salt, size_t salt_len, const char *field, uint8_t out[HASH_KEYED256_SIZE],
           struct redress_error *err)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "%s%s", FEED_FIELD_DOMAIN, field);

	if (n < 0 || (size_t)n >= sizeof(msg) || hash_keyed256(salt, salt_len, msg, (size_t)n, out) != 0)
		return error_set(err, REDRESS_E_INTERNAL, "no salt for field '%.32s'", field);
	return REDRESS_OK;
}

/*
 * The commitment "f:" + 64 hex digits to value (its canonical JSON) under a
 * field's salt: BLAKE2b-256 keyed with the field salt.  A new reference.
 */
static enum redress_err
field_commit(const uint8_t fsalt[HASH_KEYED256_SIZE], json_t *value, json_t **c_r, struct redress_error *err)
{
	uint8_t h[HASH_KEYED256_SIZE];
	char text[sizeof(FEED_FIELD_PREFIX) + 2 * HASH_KEYED256_SIZE];
	struct buf canon;
	enum redress_err rc;

	*c_r = NULL;
	buf_init(&canon, 4096);
	if ((rc = report_json_canon(value, &canon, err)) == REDRESS_OK) {
		hash_keyed256(fsalt, HASH_KEYED256_SIZE, canon.data, canon.len, h);
		memcpy(text, FEED_FIELD_PREFIX, 2);
		codec_hex_encode(h, sizeof(h), text + 2, sizeof(text) - 2, NULL);
		if ((*c_r = json_string(text)) == NULL)
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
	}
	buf_free(&canon);
	return rc;
}

/* The event's salt as bytes; REDRESS_E_TAMPERED when it has none of the right size. */
static enum redress_err
event_salt_bytes(json_t *ev, uint64_t seq, uint8_t salt[TLOG_SALT_SIZE + 3], struct redress_error *err)
{
	const char *text = json_string_value(json_object_get(ev, "salt"));
	size_t len = 0;

	if (text == NULL ||
	    codec_base64_decode(text, strlen(text), salt, TLOG_SALT_SIZE + 3, &len, NULL) != REDRESS_OK ||
	    len != TLOG_SALT_SIZE)
		return error_set(err, REDRESS_E_TAMPERED, "event %llu has no salt of %d bytes",
		                 (unsigned long long)seq, TLOG_SALT_SIZE);
	return REDRESS_OK;
}

/*
 * The public part of the event ev (its parsed bytes, which this changes)
 * as a new object in *pub_r: {"actor","data","day","seq","type","v"}, the
 * data scrubbed as the feed scrubs it and each withholdable field replaced
 * by its salted commitment.  With fsalts non-NULL, each withholdable
 * field's salt is kept there (field i of feed_withholdable at i; present[i]
 * set) for the feed to open it.
 */
static enum redress_err
feed_public(const struct seal_key *key, json_t *ev, json_t **pub_r,
            uint8_t fsalts[FEED_WITHHOLDABLE][HASH_KEYED256_SIZE], int present[FEED_WITHHOLDABLE],
            struct redress_error *err)
{
	const char *type = json_string_value(json_object_get(ev, "type"));
	const char *at = json_string_value(json_object_get(ev, "at"));
	const char *actor = json_string_value(json_object_get(ev, "actor"));
	json_t *data = json_object_get(ev, "data"), *seqv = json_object_get(ev, "seq"), *actor_v;
	uint8_t salt[TLOG_SALT_SIZE + 3], fs[HASH_KEYED256_SIZE];
	char day[16];
	size_t i;
	enum redress_err rc = REDRESS_OK;

	*pub_r = NULL;
	if (present != NULL)
		memset(present, 0, sizeof(int) * FEED_WITHHOLDABLE);
	if (type == NULL || at == NULL || strlen(at) < 10 || actor == NULL || !json_is_object(data) ||
	    !json_is_integer(seqv))
		return error_set(err, REDRESS_E_TAMPERED, "an event without type, at, actor, seq and data");
	if ((rc = event_salt_bytes(ev, (uint64_t)json_integer_value(seqv), salt, err)) != REDRESS_OK)
		return rc;
	if (!feed_public_type(type))
		feed_scrub(key, data);
	for (i = 0; i < FEED_WITHHOLDABLE && rc == REDRESS_OK; i++) {
		json_t *shown, *c;

		if (strcmp(type, feed_withholdable[i].type) != 0)
			continue;
		if ((rc = field_salt(salt, TLOG_SALT_SIZE, feed_withholdable[i].field, fs, err)) !=
		    REDRESS_OK)
			break;
		shown = field_shown(feed_withholdable[i].field,
		                    json_object_get(data, feed_withholdable[i].field));
		rc = field_commit(fs, shown, &c, err);
		json_decref(shown);
		if (rc != REDRESS_OK)
			break;
		json_object_set_new(data, feed_withholdable[i].field, c);
		if (fsalts != NULL) {
			memcpy(fsalts[i], fs, sizeof(fs));
			present[i] = 1;
		}
	}
	crypto_wipe(salt, sizeof(salt));
	crypto_wipe(fs, sizeof(fs));
	if (rc != REDRESS_OK)
		return rc;
	actor_v = commit(key, actor);
	snprintf(day, sizeof(day), "%.10s", at);
	*pub_r = json_pack("{s:o, s:O, s:s, s:O, s:s, s:i}", "actor", actor_v, "data", data, "day", day,
	                   "seq", seqv, "type", type, "v", 3);
	if (*pub_r == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	return REDRESS_OK;
}

enum redress_err
feed_reference_project(const void *ctx, const char *event, size_t len, struct buf *out,
                       struct redress_error *err)
{
	json_t *ev, *pub = NULL;
	enum redress_err rc;

	if ((ev = json_loadb(event, len, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return error_set(err, REDRESS_E_TAMPERED, "an event that is not JSON");
	if ((rc = feed_public(ctx, ev, &pub, NULL, NULL, err)) == REDRESS_OK)
		rc = report_json_canon(pub, out, err);
	json_decref(pub);
	json_decref(ev);
	return rc;
}
