/*
 * report_feed.c -- the public feed of the log, and recounting a published
 * report from it (reports.h; the design is docs/log.md, "The public feed").
 *
 * The feed keeps what the public report is made of -- each event's type,
 * day, amounts, currencies, dates, program, states, wishes, consent scopes
 * -- and replaces every identifying value (pseudonyms, staff and account
 * names, bank details, free text, sealed fields, the actor, and any id or
 * reference that embeds a pseudonym) by a keyed commitment
 * "c:" + 32 hex digits of BLAKE2b under the fund's index key, with the
 * domain prefix "redress-feed-1\n".  Equal values give equal commitments,
 * so the feed still joins a person's claim to her registration; without
 * the key no commitment can be opened or guessed.  A registration's birth
 * year becomes its decade; region and decade are withheld (null) for a
 * person whose region or decade has fewer than k registered people.
 *
 * The ids the fund numbers in sequence (claims C-000001, entitlements,
 * batches, orders, pledges) stay in clear: they say nothing of a person,
 * and the modules that replay the feed read them in their own formats.
 *
 * The recount replays the feed into a scratch database through the
 * modules' own replay functions and runs the report's own computation on
 * it, so there is one definition of every figure.
 *
 * An event of version 3 has a Merkle leaf over its public part -- what its
 * feed line publishes, region and decade as salted commitments -- and its
 * whole bytes (log/tlog.h).  The projection to that part lives here, and
 * is registered with the log (report_feed_project); the feed writes each
 * line from it, opening or withholding the committed fields, and
 * report_feed_verify rebuilds every line's leaf and the tree's root from
 * the feed alone.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/canon.h"
#include "core/mem.h"
#include "core/text.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/seal.h"
#include "crypto/sign.h"
#include "domain/reports/report_cells.h"
#include "domain/reports/reports.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/keychain.h"
#include "log/note.h"

#define FEED_FORMAT     "redress-feed-1"
#define FEED_DOMAIN     "redress-feed-1\n"
#define FEED_COMMIT_HEX 32

/*
 * Keys whose string values identify someone or something of someone's:
 * pseudonym victim relative beneficiary claimant from holder iban bic
 * account identity id_index method witness summary reason password secret
 * hash name, and categories.  committed_key looks them up by first letter
 * (every string member of every event asks).
 */
#define KEY_IS(k, lit) (strcmp((k), (lit)) == 0)
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
	switch (key[0]) {
	case 'a': return KEY_IS(key, "account");
	case 'b': return KEY_IS(key, "beneficiary") || KEY_IS(key, "bic");
	/* A person's vulnerability categories (registry.vulnerability.recorded): no figure counts them. */
	case 'c': return KEY_IS(key, "claimant") || KEY_IS(key, "categories");
	case 'f': return KEY_IS(key, "from");
	case 'h': return KEY_IS(key, "holder") || KEY_IS(key, "hash");
	case 'i': return KEY_IS(key, "iban") || KEY_IS(key, "identity") || KEY_IS(key, "id_index");
	case 'm': return KEY_IS(key, "method");
	case 'n': return KEY_IS(key, "name");
	case 'p': return KEY_IS(key, "pseudonym") || KEY_IS(key, "password");
	case 'r': return KEY_IS(key, "relative") || KEY_IS(key, "reason");
	case 's': return KEY_IS(key, "summary") || KEY_IS(key, "secret");
	case 'v': return KEY_IS(key, "victim");
	case 'w': return KEY_IS(key, "witness");
	default: return 0;
	}
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

#define COMMIT_TEXT_SIZE (SEAL_INDEX_TEXT_SIZE + 4) /* "s1:" and 64 hex digits at most, with the NUL */

/*
 * The commitment to value as text: prefix and 32 hex digits of its blind
 * index under the feed's domain, or with prefix "" all 64 (as the
 * registry reads an id_index).
 */
static void
commit_text(const struct seal_key *key, const char *value, const char *prefix, char text[COMMIT_TEXT_SIZE])
{
	char hex[SEAL_INDEX_TEXT_SIZE], small[512];
	size_t vlen = strlen(value), plen = strlen(prefix), digits = prefix[0] == '\0' ? 64 : FEED_COMMIT_HEX;
	struct buf in;

	if (vlen < sizeof(small) - sizeof(FEED_DOMAIN)) {
		/* The common case, without an allocation: a pseudonym, a name, a sealed field. */
		memcpy(small, FEED_DOMAIN, sizeof(FEED_DOMAIN) - 1);
		memcpy(small + sizeof(FEED_DOMAIN) - 1, value, vlen + 1);
		seal_blind_index(key, small, hex);
	} else {
		buf_init(&in, TLOG_EVENT_MAX);
		buf_puts(&in, FEED_DOMAIN);
		buf_puts(&in, value);
		seal_blind_index(key, in.data != NULL ? in.data : FEED_DOMAIN, hex);
		buf_free(&in);
	}
	memcpy(text, prefix, plen);
	memcpy(text + plen, hex, digits);
	text[plen + digits] = '\0';
}

/* "c:", or "s1:" for sealed text, so that it still reads as sealed. */
static const char *
commit_prefix(const char *value)
{
	return strncmp(value, "s1:", 3) == 0 ? "s1:" : "c:";
}

static json_t *
commit(const struct seal_key *key, const char *value)
{
	char text[COMMIT_TEXT_SIZE];

	commit_text(key, value, commit_prefix(value), text);
	return json_string(text);
}

/* The commitment to the value of member name: an id_index keeps all its 64 digits and no prefix. */
static void
commit_member_text(const struct seal_key *key, const char *name, const char *value,
                   char text[COMMIT_TEXT_SIZE])
{
	commit_text(key, value, strcmp(name, "id_index") == 0 ? "" : commit_prefix(value), text);
}

/* Whether a member key's string value s is replaced by its commitment. */
static int
committed_member(const char *key, const char *s)
{
	return committed_key(key) || names_pseudonym(s) || strncmp(s, "s1:", 3) == 0;
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
			if (json_is_string(item) && committed_member(k, json_string_value(item))) {
				char text[COMMIT_TEXT_SIZE];

				commit_member_text(key, k, json_string_value(item), text);
				json_object_set_new(v, k, json_string(text));
			} else
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

/* The event's salt (its base64 text) as bytes; REDRESS_E_TAMPERED when it has none of the right size. */
static enum redress_err
event_salt_bytes(const char *text, int64_t seq, uint8_t salt[TLOG_SALT_SIZE + 3], struct redress_error *err)
{
	size_t len = 0;

	if (text == NULL ||
	    codec_base64_decode(text, strlen(text), salt, TLOG_SALT_SIZE + 3, &len, NULL) != REDRESS_OK ||
	    len != TLOG_SALT_SIZE)
		return error_set(err, REDRESS_E_TAMPERED, "event %llu has no salt of %d bytes",
		                 (unsigned long long)seq, TLOG_SALT_SIZE);
	return REDRESS_OK;
}

/*
 * The projection walks the event's canonical bytes (canon_read, into a
 * flat array of nodes, no allocation per value) and writes the public part
 * straight out through the canonical writer: members keep their order, so
 * nothing is sorted, and only the strings that identify are rewritten.
 * Its bytes are those of the first projection over jansson
 * (tests/support/feed_reference.c), which test_feed and fuzz_feed_project
 * hold it to: the leaves of the version-3 events already written depend on
 * them.
 */

/* A string member of obj, or NULL when it is missing or not a string. */
static const char *
member_string(const struct canon_node *obj, const char *key)
{
	const struct canon_node *n = canon_find(obj, key);

	return n != NULL && n->type == CANON_STRING ? n->str : NULL;
}

/*
 * Writes n, the value of member name (NULL for an array's item), scrubbed
 * as feed_scrub scrubs it: a string that identifies becomes its
 * commitment, objects and arrays are walked (canon_read bounds the depth).
 */
static void
scrub_write(const struct seal_key *key, struct canon *c, const struct canon_node *n, const char *name)
{
	const struct canon_node *m;
	char text[COMMIT_TEXT_SIZE];

	switch (n->type) {
	case CANON_STRING:
		if (name != NULL && committed_member(name, n->str)) {
			commit_member_text(key, name, n->str, text);
			canon_string(c, text);
		} else if (name == NULL && names_pseudonym(n->str)) {
			commit_text(key, n->str, commit_prefix(n->str), text);
			canon_string(c, text);
		} else {
			canon_string_read(c, n->str);
		}
		break;
	case CANON_OBJECT:
		canon_object_begin(c);
		for (m = canon_first(n); m < canon_end(n); m = canon_next(m)) {
			canon_key_read(c, m->key);
			scrub_write(key, c, m, m->key);
		}
		canon_object_end(c);
		break;
	case CANON_ARRAY:
		canon_array_begin(c);
		for (m = canon_first(n); m < canon_end(n); m = canon_next(m))
			scrub_write(key, c, m, NULL);
		canon_array_end(c);
		break;
	default: canon_write_node(c, n);
	}
}

/*
 * How deep the public part may nest (its root at 0), as report_json_canon
 * allows and so as the first projection did: an event nested deeper never
 * had a public part, and must not get one now.
 */
#define PUBLIC_DEPTH_MAX (CANON_MAX_DEPTH - 4)

/* How deep n nests: 0 for a scalar, one more than its deepest member or item for a container. */
static unsigned
node_height(const struct canon_node *n)
{
	const struct canon_node *m;
	unsigned h = 0, mh;

	if (n->type != CANON_OBJECT && n->type != CANON_ARRAY)
		return 0;
	for (m = canon_first(n); m < canon_end(n); m = canon_next(m))
		if ((mh = node_height(m)) > h)
			h = mh;
	return h + 1;
}

/* "f:" and 64 hex digits, with the NUL. */
#define FIELD_TEXT_SIZE (sizeof(FEED_FIELD_PREFIX) + 2 * HASH_KEYED256_SIZE)
/* The most bytes a withholdable field's shown value may take (as the first projection allowed). */
#define FIELD_VALUE_MAX 4096

/*
 * The salted commitment (field_commit) to member field of data as the feed
 * shows it: scrubbed when scrub is set, a birth year as its decade, null
 * when missing.  scratch (max FIELD_VALUE_MAX) holds its canonical bytes.
 */
static enum redress_err
field_commit_node(const struct seal_key *key, const uint8_t fsalt[HASH_KEYED256_SIZE],
                  const struct canon_node *data, const char *field, int scrub, struct buf *scratch,
                  char text[FIELD_TEXT_SIZE], struct redress_error *err)
{
	const struct canon_node *v = canon_find(data, field);
	uint8_t h[HASH_KEYED256_SIZE];
	struct canon c;
	enum redress_err rc;

	if (v != NULL && node_height(v) > PUBLIC_DEPTH_MAX)
		return error_set(err, REDRESS_E_TAMPERED, "field '%s' is nested too deep", field);
	buf_reset(scratch);
	canon_init(&c, scratch);
	if (v == NULL)
		canon_null(&c);
	else if (strcmp(field, "birth_year") == 0 && v->type == CANON_INT)
		canon_int(&c, v->num / 10 * 10);
	else if (scrub)
		scrub_write(key, &c, v, field);
	else
		canon_write_node(&c, v);
	if ((rc = canon_error(&c, err)) != REDRESS_OK || (rc = buf_error(scratch, err)) != REDRESS_OK)
		return rc;
	hash_keyed256(fsalt, HASH_KEYED256_SIZE, scratch->data, scratch->len, h);
	memcpy(text, FEED_FIELD_PREFIX, 2);
	return codec_hex_encode(h, sizeof(h), text + 2, FIELD_TEXT_SIZE - 2, err);
}

/*
 * Appends to out the public part of the event (len bytes of canonical
 * JSON): {"actor","data","day","seq","type","v":3}, the data scrubbed as
 * the feed scrubs it and each withholdable field replaced by its salted
 * commitment.  With fsalts non-NULL, each withholdable field's salt is
 * kept there (field i of feed_withholdable at i; present[i] set) for the
 * feed to open it.  REDRESS_E_TAMPERED for bytes that are not such an
 * event; out may then hold a part of the answer.
 */
static enum redress_err
feed_project_read(const struct seal_key *key, const struct canon_node *ev, struct buf *out,
                  uint8_t fsalts[FEED_WITHHOLDABLE][HASH_KEYED256_SIZE], int present[FEED_WITHHOLDABLE],
                  struct redress_error *err)
{
	struct {
		const char *name;
		char text[FIELD_TEXT_SIZE];
	} over[FEED_WITHHOLDABLE], tmp;
	const struct canon_node *data, *seq, *m;
	const char *type, *at, *actor;
	uint8_t salt[TLOG_SALT_SIZE + 3], fs[HASH_KEYED256_SIZE];
	char text[COMMIT_TEXT_SIZE], day[11];
	struct buf scratch;
	struct canon c;
	size_t i, j, n = 0, next = 0;
	int scrub;
	enum redress_err rc;

	/* Allocates only for an event with a withholdable field. */
	buf_init(&scratch, FIELD_VALUE_MAX);
	if (present != NULL)
		memset(present, 0, sizeof(int) * FEED_WITHHOLDABLE);
	type = member_string(ev, "type");
	at = member_string(ev, "at");
	actor = member_string(ev, "actor");
	data = canon_find(ev, "data");
	seq = canon_find(ev, "seq");
	if (type == NULL || at == NULL || strlen(at) < 10 || actor == NULL || data == NULL ||
	    data->type != CANON_OBJECT || seq == NULL || seq->type != CANON_INT) {
		rc = error_set(err, REDRESS_E_TAMPERED, "an event without type, at, actor, seq and data");
		goto out;
	}
	/* The day is the time's first ten bytes, which must not cut a character. */
	if (!text_utf8_valid(at, 10)) {
		rc = error_set(err, REDRESS_E_TAMPERED, "event %lld has no day", (long long)seq->num);
		goto out;
	}
	if ((rc = event_salt_bytes(member_string(ev, "salt"), seq->num, salt, err)) != REDRESS_OK)
		goto out;
	scrub = !feed_public_type(type);
	for (i = 0; i < FEED_WITHHOLDABLE; i++) {
		if (strcmp(type, feed_withholdable[i].type) != 0)
			continue;
		if ((rc = field_salt(salt, TLOG_SALT_SIZE, feed_withholdable[i].field, fs, err)) !=
		        REDRESS_OK ||
		    (rc = field_commit_node(key, fs, data, feed_withholdable[i].field, scrub, &scratch,
		                            over[n].text, err)) != REDRESS_OK)
			goto out;
		over[n++].name = feed_withholdable[i].field;
		if (fsalts != NULL) {
			memcpy(fsalts[i], fs, sizeof(fs));
			present[i] = 1;
		}
	}
	/* The data's members sit at depth 2 of the public part; the withholdable ones are replaced. */
	for (m = canon_first(data); m < canon_end(data); m = canon_next(m)) {
		for (i = 0; i < n && strcmp(over[i].name, m->key) != 0; i++)
			;
		if (i == n && node_height(m) > PUBLIC_DEPTH_MAX - 2) {
			rc = error_set(err, REDRESS_E_TAMPERED, "event %lld: its data is nested too deep",
			               (long long)seq->num);
			goto out;
		}
	}
	/* In the order of the data's members (insertion sort: there are two). */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(over[j - 1].name, over[j].name) > 0; j--) {
			tmp = over[j];
			over[j] = over[j - 1];
			over[j - 1] = tmp;
		}

	canon_init(&c, out);
	canon_object_begin(&c);
	canon_key(&c, "actor");
	commit_text(key, actor, commit_prefix(actor), text);
	canon_string(&c, text);
	canon_key(&c, "data");
	canon_object_begin(&c);
	for (m = canon_first(data); m < canon_end(data); m = canon_next(m)) {
		for (; next < n && strcmp(over[next].name, m->key) < 0; next++) {
			canon_key(&c, over[next].name);
			canon_string(&c, over[next].text);
		}
		canon_key_read(&c, m->key);
		if (next < n && strcmp(over[next].name, m->key) == 0)
			canon_string(&c, over[next++].text);
		else if (scrub)
			scrub_write(key, &c, m, m->key);
		else
			canon_write_node(&c, m);
	}
	for (; next < n; next++) {
		canon_key(&c, over[next].name);
		canon_string(&c, over[next].text);
	}
	canon_object_end(&c);
	canon_key(&c, "day");
	memcpy(day, at, 10);
	day[10] = '\0';
	canon_string(&c, day);
	canon_key(&c, "seq");
	canon_int(&c, seq->num);
	canon_key(&c, "type");
	canon_string_read(&c, type);
	canon_key(&c, "v");
	canon_int(&c, 3);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = buf_error(out, err);
out:
	crypto_wipe(salt, sizeof(salt));
	crypto_wipe(fs, sizeof(fs));
	crypto_wipe(&over, sizeof(over));
	buf_free(&scratch);
	return rc;
}

/* feed_project_read of the event's len canonical bytes, read here. */
static enum redress_err
feed_project(const struct seal_key *key, const char *event, size_t len, struct buf *out,
             uint8_t fsalts[FEED_WITHHOLDABLE][HASH_KEYED256_SIZE], int present[FEED_WITHHOLDABLE],
             struct redress_error *err)
{
	struct redress_error why;
	struct canon_doc doc;
	enum redress_err rc;

	canon_doc_init(&doc);
	if (present != NULL)
		memset(present, 0, sizeof(int) * FEED_WITHHOLDABLE);
	if (canon_read(&doc, event, len, &why) != REDRESS_OK)
		rc = error_set(err, REDRESS_E_TAMPERED, "an event that is not canonical JSON (%s)",
		               why.message);
	else
		rc = feed_project_read(key, canon_root(&doc), out, fsalts, present, err);
	canon_doc_free(&doc);
	return rc;
}

enum redress_err
report_feed_project(const void *ctx, const char *event, size_t len, struct buf *out,
                    struct redress_error *err)
{
	return feed_project(ctx, event, len, out, NULL, NULL, err);
}

enum redress_err
report_feed_project_read(const void *ctx, const struct canon_node *event, struct buf *out,
                         struct redress_error *err)
{
	return feed_project_read(ctx, event, out, NULL, NULL, err);
}

struct tlog_public
report_feed_public(const struct seal_key *index_key)
{
	struct tlog_public pub = {report_feed_project, index_key, report_feed_project_read};

	return pub;
}

/* A registration's region ("" for none) and birth year, as the feed and the report count them. */
static void
region_year(json_t *data, const char **region_r, int64_t *year_r)
{
	const char *r = json_string_value(json_object_get(data, "region"));

	*region_r = r != NULL ? r : "";
	*year_r = (int64_t)json_integer_value(json_object_get(data, "birth_year"));
}

/* Appends line (whose reference it takes) to out as one compact JSON line with sorted keys. */
static enum redress_err
put_line(struct buf *out, json_t *line, struct redress_error *err)
{
	char *dumped = line != NULL ? json_dumps(line, JSON_SORT_KEYS | JSON_COMPACT) : NULL;

	json_decref(line);
	if (dumped == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing the feed");
	buf_puts(out, dumped);
	buf_putc(out, '\n');
	mem_json_free(dumped);
	return REDRESS_OK;
}

/* Puts the hex of n bytes as member key of obj. */
static enum redress_err
put_hex(json_t *obj, const char *key, const uint8_t *bytes, size_t n, struct redress_error *err)
{
	char hex[2 * 64 + 1];
	enum redress_err rc;

	if ((rc = codec_hex_encode(bytes, n, hex, sizeof(hex), err)) != REDRESS_OK)
		return rc;
	if (json_object_set_new(obj, key, json_string(hex)) != 0)
		return error_set(err, REDRESS_E_NOMEM, "out of memory writing the feed");
	return REDRESS_OK;
}

/*
 * Appends the feed line of event seq (ev its parsed bytes, whose reference
 * this takes; bytes, len as stored), withholding its region and decade
 * when small.  A version-3 line is its public part with each withholdable
 * field opened (shown, with its salt in "opened") or withheld (null in
 * data, its commitment in "withheld"), the SHA-256 of the event's bytes
 * ("private") and its leaf: what a monitor rebuilds the leaf from.  An
 * older event's line is scrubbed as before, with its leaf, unbound.
 */
static enum redress_err
feed_line(const struct seal_key *key, json_t *ev, uint64_t seq, const char *bytes, size_t len, int small,
          struct buf *out, struct redress_error *err)
{
	uint8_t fsalts[FEED_WITHHOLDABLE][HASH_KEYED256_SIZE], leaf[MERKLE_HASH_SIZE], hash[MERKLE_HASH_SIZE];
	int present[FEED_WITHHOLDABLE], version = tlog_event_version(bytes, len);
	json_t *line = NULL, *data = json_object_get(ev, "data"), *kept[FEED_WITHHOLDABLE];
	json_t *opened = NULL, *withheld = NULL;
	const char *type = json_string_value(json_object_get(ev, "type"));
	struct buf pub;
	size_t i;
	enum redress_err rc = REDRESS_OK;

	buf_init(&pub, TLOG_EVENT_MAX + 1024);
	for (i = 0; i < FEED_WITHHOLDABLE; i++)
		kept[i] = json_incref(json_object_get(data, feed_withholdable[i].field));
	if (version != 3) {
		const char *at = json_string_value(json_object_get(ev, "at"));
		const char *actor = json_string_value(json_object_get(ev, "actor"));
		char day[16];

		for (i = 0; i < FEED_WITHHOLDABLE; i++)
			if (strcmp(type, feed_withholdable[i].type) == 0)
				json_object_set_new(data, feed_withholdable[i].field,
				                    small ? json_null()
				                          : field_shown(feed_withholdable[i].field, kept[i]));
		if (!feed_public_type(type))
			feed_scrub(key, data);
		snprintf(day, sizeof(day), "%.10s", at);
		merkle_leaf_hash(bytes, len, leaf);
		line = json_pack("{s:I, s:s, s:s, s:o, s:O, s:i}", "seq", (json_int_t)seq, "type", type,
		                 "day", day, "actor", commit(key, actor != NULL ? actor : ""), "data", data,
		                 "v", version);
		if (line == NULL) {
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the feed");
			goto out;
		}
	} else {
		if ((rc = feed_project(key, bytes, len, &pub, fsalts, present, err)) != REDRESS_OK)
			goto out;
		/* The line is the public part, with the withholdable fields opened or withheld below. */
		if ((line = json_loadb(pub.data, pub.len, 0, NULL)) == NULL) {
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the feed");
			goto out;
		}
		hash_sha256(pub.data, pub.len, hash);
		tlog_leaf_v3(hash, bytes, len, leaf);
		hash_sha256(bytes, len, hash);
		if ((rc = put_hex(line, "private", hash, sizeof(hash), err)) != REDRESS_OK)
			goto out;
		data = json_object_get(line, "data");
		for (i = 0; i < FEED_WITHHOLDABLE; i++) {
			if (!present[i])
				continue;
			if (small) {
				if (withheld == NULL)
					withheld = json_object();
				json_object_set(withheld, feed_withholdable[i].field,
				                json_object_get(data, feed_withholdable[i].field));
				json_object_set_new(data, feed_withholdable[i].field, json_null());
			} else {
				if (opened == NULL)
					opened = json_object();
				if ((rc = put_hex(opened, feed_withholdable[i].field, fsalts[i],
				                  HASH_KEYED256_SIZE, err)) != REDRESS_OK)
					goto out;
				json_object_set_new(data, feed_withholdable[i].field,
				                    field_shown(feed_withholdable[i].field, kept[i]));
			}
		}
		if (opened != NULL)
			json_object_set(line, "opened", opened);
		if (withheld != NULL)
			json_object_set(line, "withheld", withheld);
	}
	if ((rc = put_hex(line, "leaf", leaf, sizeof(leaf), err)) != REDRESS_OK)
		goto out;
	rc = put_line(out, line, err);
	line = NULL;
out:
	crypto_wipe(fsalts, sizeof(fsalts));
	for (i = 0; i < FEED_WITHHOLDABLE; i++)
		json_decref(kept[i]);
	json_decref(opened);
	json_decref(withheld);
	json_decref(line);
	json_decref(ev);
	buf_free(&pub);
	return rc;
}

enum redress_err
report_feed_write(struct tlog *log, const struct seal_key *index_key, int k, struct buf *out,
                  struct redress_error *err)
{
	struct report_cells cells;
	struct buf bytes, note;
	uint64_t size = 0, seq;
	json_t *ev = NULL, *header;
	int pass;
	enum redress_err rc;

	buf_init(&bytes, TLOG_EVENT_MAX + 1024);
	buf_init(&note, NOTE_MAX_SIZE);
	report_cells_init(&cells);
	if ((rc = tlog_checkpoint_cosigned(log, &note, &size, err)) != REDRESS_OK)
		goto out;
	if ((rc = tlog_handovers_json(log, &bytes, err)) != REDRESS_OK)
		goto out;
	header = json_pack("{s:s, s:s, s:I, s:i}", "feed", FEED_FORMAT, "checkpoint", note.data, "size",
	                   (json_int_t)size, "k", k);
	/* The log's key handovers, so a reader holding an earlier key follows to the one that signed. */
	if (header != NULL && bytes.len > 2)
		json_object_set_new(header, "handovers", json_loadb(bytes.data, bytes.len, 0, NULL));
	if ((rc = put_line(out, header, err)) != REDRESS_OK)
		goto out;
	/* Pass 0 counts the cells; pass 1 writes. */
	for (pass = 0; pass < 2; pass++) {
		if (pass == 1)
			report_cells_settle(&cells, k);
		for (seq = 0; seq < size; seq++) {
			const char *type, *at, *region;
			json_t *data;
			int64_t year;
			int small;

			buf_reset(&bytes);
			if ((rc = tlog_event_bytes(log, seq, &bytes, err)) != REDRESS_OK)
				goto out;
			if ((ev = json_loadb(bytes.data, bytes.len, 0, NULL)) == NULL ||
			    (type = json_string_value(json_object_get(ev, "type"))) == NULL ||
			    (at = json_string_value(json_object_get(ev, "at"))) == NULL ||
			    !json_is_object(data = json_object_get(ev, "data"))) {
				rc = error_set(err, REDRESS_E_TAMPERED, "event %llu is not an event",
				               (unsigned long long)seq);
				goto out;
			}
			if (strcmp(type, "registry.person.registered") == 0) {
				region_year(data, &region, &year);
				if (pass == 0 &&
				    (rc = report_cells_add(&cells, region, year, 1, err)) != REDRESS_OK)
					goto out;
				small = pass == 1 && report_cells_withheld(&cells, region, year);
			} else
				small = 0;
			if (pass == 1) {
				rc = feed_line(index_key, ev, seq, bytes.data, bytes.len, small, out, err);
				ev = NULL; /* feed_line took it */
				if (rc != REDRESS_OK)
					goto out;
			}
			json_decref(ev);
			ev = NULL;
		}
	}
	rc = buf_error(out, err);
out:
	json_decref(ev);
	report_cells_free(&cells);
	buf_free(&bytes);
	buf_free(&note);
	return rc;
}

/* ---- Recount --------------------------------------------------------------------------------- */

/*
 * The synthetic pseudonyms a recount gives the people of a feed: the
 * registry accepts only V-/R- and six digits, and the figures depend on who
 * is who, never on the names, so each commitment gets the next number of
 * its kind when it is registered.
 */
struct aliases {
	json_t *map; /* commitment -> synthetic pseudonym or id */
	unsigned victims, relatives;
	unsigned long long others;
};

/* Gives every other commitment in v a short id of its own ("c" and 10 digits): ids have length limits. */
static void
alias_rest(struct aliases *a, json_t *v)
{
	const char *k;
	json_t *item, *alias;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach(v, k, item)
		{
			if (json_is_string(item) && strncmp(json_string_value(item), "c:", 2) == 0) {
				if ((alias = json_object_get(a->map, json_string_value(item))) == NULL) {
					char text[24];

					snprintf(text, sizeof(text), "c%010llu", ++a->others);
					alias = json_string(text);
					json_object_set_new(a->map, json_string_value(item), alias);
				}
				json_object_set(v, k, alias);
			} else
				alias_rest(a, item);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, item) alias_rest(a, item);
	}
}

static const char *const pseudonym_keys[] = {"pseudonym", "victim", "relative", "beneficiary",
                                             "claimant",  "from",   NULL};

static void
alias_people(struct aliases *a, const char *type, json_t *data)
{
	size_t i;

	if (strcmp(type, "registry.person.registered") == 0) {
		const char *c = json_string_value(json_object_get(data, "pseudonym"));
		const char *kind = json_string_value(json_object_get(data, "kind"));
		char alias[16];

		if (c != NULL && json_object_get(a->map, c) == NULL) {
			if (kind != NULL && strcmp(kind, "relative") == 0)
				snprintf(alias, sizeof(alias), "R-%06u", ++a->relatives % 1000000);
			else
				snprintf(alias, sizeof(alias), "V-%06u", ++a->victims % 1000000);
			json_object_set_new(a->map, c, json_string(alias));
		}
	}
	for (i = 0; pseudonym_keys[i] != NULL; i++) {
		const char *c = json_string_value(json_object_get(data, pseudonym_keys[i]));
		json_t *alias = c != NULL ? json_object_get(a->map, c) : NULL;

		if (alias != NULL)
			json_object_set(data, pseudonym_keys[i], alias);
	}
	alias_rest(a, data);
}

/* Replays one feed line into the scratch log and its tables. */
static enum redress_err
replay_line(struct tlog *log, const struct event_module *const *modules, struct aliases *a, json_t *entry,
            uint64_t want, struct buf *data, struct redress_error *err)
{
	const char *type = json_string_value(json_object_get(entry, "type"));
	const char *day = json_string_value(json_object_get(entry, "day"));
	const char *actor = json_string_value(json_object_get(entry, "actor"));
	json_t *d = json_object_get(entry, "data");
	char at[40];
	struct canon_doc doc;
	size_t i;
	enum redress_err rc;

	if (type == NULL || day == NULL || actor == NULL || !json_is_object(d) || strlen(day) != 10 ||
	    json_integer_value(json_object_get(entry, "seq")) != (json_int_t)want)
		return error_set(err, REDRESS_E_INVALID,
		                 "feed line for event %llu: needs seq %llu, type, day, actor, data",
		                 (unsigned long long)want, (unsigned long long)want);
	snprintf(at, sizeof(at), "%sT00:00:00.000000Z", day);
	alias_people(a, type, d);
	/* A withheld decade is replayed as 1900, which no survivor's can be: a row of its own. */
	if (strcmp(type, "registry.person.registered") == 0 && json_is_null(json_object_get(d, "birth_year")))
		json_object_set_new(d, "birth_year", json_integer(1900));
	buf_reset(data);
	if ((rc = report_json_canon(d, data, err)) != REDRESS_OK ||
	    (rc = tlog_set_actor(log, actor, err)) != REDRESS_OK ||
	    (rc = tlog_set_time(log, at, err)) != REDRESS_OK ||
	    (rc = tlog_append(log, type, data->data, data->len, NULL, err)) != REDRESS_OK)
		return error_prefix(err, "feed event %llu", (unsigned long long)want);
	canon_doc_init(&doc);
	if ((rc = canon_read(&doc, data->data, data->len, err)) != REDRESS_OK)
		goto out;
	/*
	 * Staff accounts are no part of any figure, and their names are
	 * commitments: not replayed; nor vulnerability categories, committed.
	 */
	for (i = 0; modules[i] != NULL && strncmp(type, "users.", 6) != 0 &&
	            strcmp(type, "registry.vulnerability.recorded") != 0;
	     i++) {
		if (strncmp(type, modules[i]->type_prefix, strlen(modules[i]->type_prefix)) != 0)
			continue;
		{
			struct event ev = {want, type, actor, at, canon_root(&doc), 0, NULL};

			rc = modules[i]->replay(tlog_store(log), &ev, err);
		}
		break;
	}
out:
	canon_doc_free(&doc);
	if (rc != REDRESS_OK)
		error_prefix(err, "feed event %llu (%.64s)", (unsigned long long)want, type);
	return rc;
}

enum redress_err
report_recount(const char *feed, size_t feed_len, const char *report_json, size_t len,
               const struct event_module *const *modules, const char *tmpdir, size_t *bytes_r,
               struct redress_error *err)
{
	char dir[4096], db[4200], origin[CHECKPOINT_ORIGIN_MAX + 1];
	json_t *root = NULL, *body, *header = NULL, *entry = NULL;
	struct store *store = NULL;
	struct tlog *log = NULL;
	struct sign_key *key = NULL;
	struct report *r = NULL;
	struct buf expected, got, data;
	const char *program, *p, *nl, *end = feed + feed_len, *note;
	struct checkpoint cp;
	struct aliases aliases = {json_object(), 0, 0, 0};
	uint64_t size, seq = 1;
	int k, made = 0;
	size_t i;
	enum redress_err rc;

	buf_init(&expected, REPORT_MAX_BYTES);
	buf_init(&got, REPORT_MAX_BYTES);
	buf_init(&data, TLOG_EVENT_MAX);
	/* The published figures, canonical: what the recount must give byte for byte. */
	if ((root = json_loadb(report_json, len, JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    !json_is_object(body = json_object_get(root, "report")) ||
	    (program = json_string_value(json_object_get(json_object_get(body, "program"), "code"))) ==
	        NULL ||
	    (note = json_string_value(json_object_get(json_object_get(body, "checkpoint"), "note"))) ==
	        NULL ||
	    !json_is_integer(json_object_get(body, "k"))) {
		rc = error_set(err, REDRESS_E_INVALID, "the report is not a published JSON report");
		goto out;
	}
	k = (int)json_integer_value(json_object_get(body, "k"));
	if ((rc = report_json_canon(body, &expected, err)) != REDRESS_OK)
		goto out;
	{
		const char *blank = strstr(note, "\n\n");

		if (blank == NULL ||
		    (rc = checkpoint_parse(note, (size_t)(blank - note) + 1, &cp, err)) != REDRESS_OK) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "the report's checkpoint is not a signed checkpoint");
			goto out;
		}
	}
	size = cp.size;
	snprintf(origin, sizeof(origin), "%s", cp.origin);
	/* The feed's header. */
	nl = memchr(feed, '\n', feed_len);
	if (nl == NULL || (header = json_loadb(feed, (size_t)(nl - feed), 0, NULL)) == NULL ||
	    strcmp(json_string_value(json_object_get(header, "feed")) != NULL
	               ? json_string_value(json_object_get(header, "feed"))
	               : "",
	           FEED_FORMAT) != 0) {
		rc = error_set(err, REDRESS_E_INVALID, "feed line 1: not a %s header", FEED_FORMAT);
		goto out;
	}
	if ((uint64_t)json_integer_value(json_object_get(header, "size")) < size) {
		rc = error_set(
		    err, REDRESS_E_INVALID, "the feed holds %lld events, the report was computed at %llu",
		    (long long)json_integer_value(json_object_get(header, "size")), (unsigned long long)size);
		goto out;
	}
	/* A scratch fund, its own throwaway key: only its tables matter. */
	if (snprintf(dir, sizeof(dir), "%s/redress-recount-XXXXXX", tmpdir) >= (int)sizeof(dir) ||
	    mkdtemp(dir) == NULL) {
		rc = error_set(err, REDRESS_E_IO, "cannot make a scratch directory in %.200s", tmpdir);
		goto out;
	}
	made = 1;
	snprintf(db, sizeof(db), "%s/recount.db", dir);
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	report_init(r);
	if ((rc = store_open(db, STORE_OPEN_CREATE, &store, err)) != REDRESS_OK ||
	    (rc = sign_key_generate(&key, err)) != REDRESS_OK ||
	    (rc = tlog_create(store, key, origin, "feed:recount", modules, err)) != REDRESS_OK ||
	    (rc = tlog_open(store, key, modules, &log, err)) != REDRESS_OK ||
	    (rc = tlog_begin(log, err)) != REDRESS_OK)
		goto out;
	/* Line 2 is event 0 (the log's creation, made afresh above); events 1 .. size-1 are replayed. */
	for (p = nl + 1, i = 2; p < end && seq < size; p = nl + 1, i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		json_decref(entry);
		if ((entry = json_loadb(p, (size_t)(nl - p), 0, NULL)) == NULL) {
			rc = error_set(err, REDRESS_E_INVALID, "feed line %zu is not JSON", i);
			goto fail;
		}
		if (json_integer_value(json_object_get(entry, "seq")) == 0)
			continue;
		if ((rc = replay_line(log, modules, &aliases, entry, seq, &data, err)) != REDRESS_OK)
			goto fail;
		seq++;
		if (nl == end)
			break;
	}
	if (seq != size) {
		rc = error_set(err, REDRESS_E_INVALID, "the feed ends at event %llu, before %llu",
		               (unsigned long long)seq, (unsigned long long)size);
		goto fail;
	}
	if ((rc = tlog_set_time(log, NULL, err)) != REDRESS_OK || (rc = tlog_commit(log, err)) != REDRESS_OK)
		goto out;
	if ((rc = report_compute(log, program, k, r, err)) != REDRESS_OK)
		goto out;
	/* The checkpoint is the published one: its binding to the log is report verify's to check. */
	buf_reset(&r->checkpoint);
	buf_puts(&r->checkpoint, note);
	memcpy(r->root, cp.root, sizeof(cp.root));
	if ((rc = report_encode(r, &got, err)) != REDRESS_OK)
		goto out;
	if (got.len != expected.len || memcmp(got.data, expected.data, got.len) != 0) {
		size_t at = 0;

		while (at < got.len && at < expected.len && got.data[at] == expected.data[at])
			at++;
		rc = error_set(err, REDRESS_E_CRYPTO,
		               "the feed recounts other figures than the report's: they differ at byte %zu "
		               "(published '%.60s', recounted '%.60s')",
		               at, expected.data + (at > 20 ? at - 20 : 0),
		               got.data + (at > 20 ? at - 20 : 0));
		goto out;
	}
	if (bytes_r != NULL)
		*bytes_r = got.len;
	rc = REDRESS_OK;
	goto out;
fail:
	tlog_rollback(log);
out:
	tlog_close(&log);
	store_close(&store);
	sign_key_free(&key);
	if (r != NULL) {
		report_free(r);
		free(r);
	}
	if (made) {
		char path[4300];

		snprintf(path, sizeof(path), "%s-wal", db);
		unlink(path);
		snprintf(path, sizeof(path), "%s-shm", db);
		unlink(path);
		unlink(db);
		rmdir(dir);
	}
	json_decref(entry);
	json_decref(header);
	json_decref(root);
	json_decref(aliases.map);
	buf_free(&expected);
	buf_free(&got);
	buf_free(&data);
	return rc;
}

/* ---- Verifying a feed against its checkpoint ------------------------------------------------- */

/* Reads member key of line as 32 bytes of hex into out; 0 when it is not that. */
static int
line_hash(json_t *line, const char *key, uint8_t out[MERKLE_HASH_SIZE])
{
	const char *hex = json_string_value(json_object_get(line, key));
	size_t got = 0;

	return hex != NULL && strlen(hex) == 2 * MERKLE_HASH_SIZE &&
	       codec_hex_decode(hex, strlen(hex), out, MERKLE_HASH_SIZE, &got, NULL) == REDRESS_OK &&
	       got == MERKLE_HASH_SIZE;
}

/* The members a version-3 line may have: its public part's, and what opens it. */
static int
line_member_known(const char *key)
{
	static const char *const known[] = {"actor", "data",   "day",      "seq",  "type",
	                                    "v",     "opened", "withheld", "leaf", "private"};
	size_t i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i], key) == 0)
			return 1;
	return 0;
}

/*
 * The leaf of a version-3 feed line, rebuilt from the line alone: its
 * public part with each opened field committed again under the salt the
 * line gives and each withheld one as its commitment, then the leaf of
 * that part's hash and "private".  REDRESS_E_INVALID (naming what) for a
 * line not so formed.
 */
static enum redress_err
line_leaf_v3(json_t *line, uint8_t leaf_r[MERKLE_HASH_SIZE], struct redress_error *err)
{
	json_t *data = json_object_get(line, "data"), *opened = json_object_get(line, "opened");
	json_t *withheld = json_object_get(line, "withheld"), *pub = NULL, *pdata = NULL, *v;
	uint8_t private_hash[MERKLE_HASH_SIZE], hash[MERKLE_HASH_SIZE], fs[HASH_KEYED256_SIZE];
	const char *key;
	struct buf canon;
	enum redress_err rc = REDRESS_OK;

	json_object_foreach(line, key, v)
	{
		if (!line_member_known(key))
			return error_set(err, REDRESS_E_INVALID, "member '%.32s' is no part of a feed line",
			                 key);
	}
	if (!json_is_string(json_object_get(line, "actor")) || !json_is_object(data) ||
	    !json_is_string(json_object_get(line, "day")) || !json_is_integer(json_object_get(line, "seq")) ||
	    !json_is_string(json_object_get(line, "type")) || !line_hash(line, "private", private_hash) ||
	    (opened != NULL && !json_is_object(opened)) || (withheld != NULL && !json_is_object(withheld)))
		return error_set(
		    err, REDRESS_E_INVALID,
		    "a line of version 3 needs actor, data, day, seq, type and private (64 hex)");
	if ((pdata = json_deep_copy(data)) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	buf_init(&canon, TLOG_EVENT_MAX + 1024);
	json_object_foreach(opened, key, v)
	{
		json_t *c = NULL;
		const char *hex = json_string_value(v);
		size_t got = 0;

		if (json_object_get(data, key) == NULL || hex == NULL || strlen(hex) != 2 * sizeof(fs) ||
		    codec_hex_decode(hex, strlen(hex), fs, sizeof(fs), &got, NULL) != REDRESS_OK ||
		    got != sizeof(fs)) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "opened field '%.32s': needs its value in data and a salt of 64 hex",
			               key);
			goto out;
		}
		if ((rc = field_commit(fs, json_object_get(data, key), &c, err)) != REDRESS_OK)
			goto out;
		json_object_set_new(pdata, key, c);
	}
	json_object_foreach(withheld, key, v)
	{
		const char *c = json_string_value(v);

		if (!json_is_null(json_object_get(data, key)) || c == NULL ||
		    strncmp(c, FEED_FIELD_PREFIX, 2) != 0 || strlen(c) != 2 + 2 * HASH_KEYED256_SIZE ||
		    json_object_get(opened, key) != NULL) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "withheld field '%.32s': needs null in data and a commitment f:HEX",
			               key);
			goto out;
		}
		json_object_set(pdata, key, v);
	}
	pub = json_pack("{s:O, s:O, s:O, s:O, s:O, s:i}", "actor", json_object_get(line, "actor"), "data",
	                pdata, "day", json_object_get(line, "day"), "seq", json_object_get(line, "seq"),
	                "type", json_object_get(line, "type"), "v", 3);
	if (pub == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = report_json_canon(pub, &canon, err)) != REDRESS_OK)
		goto out;
	hash_sha256(canon.data, canon.len, hash);
	tlog_leaf_entry(hash, private_hash, leaf_r);
out:
	crypto_wipe(fs, sizeof(fs));
	json_decref(pdata);
	json_decref(pub);
	buf_free(&canon);
	return rc;
}

enum redress_err
report_feed_verify(const char *feed, size_t len, const char *vkey, const struct cosig_policy *policy,
                   struct report_feed_verified *v_r, struct redress_error *err)
{
	const char *p, *nl, *end = feed + len, *note;
	json_t *header = NULL, *line = NULL;
	struct keychain *chain = NULL;
	struct merkle_range range;
	struct checkpoint cp;
	uint8_t leaf[MERKLE_HASH_SIZE], listed[MERKLE_HASH_SIZE], root[MERKLE_HASH_SIZE];
	uint64_t seq = 0;
	size_t lineno = 1;
	enum redress_err rc;

	memset(v_r, 0, sizeof(*v_r));
	merkle_range_init(&range);
	if ((chain = malloc(sizeof(*chain))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = keychain_init_vkey(chain, vkey, err)) != REDRESS_OK) {
		error_prefix(err, "the public key");
		goto out;
	}
	nl = memchr(feed, '\n', len);
	if (nl == NULL ||
	    (header = json_loadb(feed, (size_t)(nl - feed), JSON_REJECT_DUPLICATES, NULL)) == NULL ||
	    strcmp(json_string_value(json_object_get(header, "feed")) != NULL
	               ? json_string_value(json_object_get(header, "feed"))
	               : "",
	           FEED_FORMAT) != 0 ||
	    (note = json_string_value(json_object_get(header, "checkpoint"))) == NULL ||
	    !json_is_integer(json_object_get(header, "size"))) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "feed line 1: not a %s header with its checkpoint and size", FEED_FORMAT);
		goto out;
	}
	/* The checkpoint: signed by the key in force at its size (through the handovers), cosigned enough. */
	if ((rc = keychain_follow_json(chain, json_object_get(header, "handovers"), err)) != REDRESS_OK ||
	    (rc = keychain_verify(chain, note, strlen(note), &cp, NULL, err)) != REDRESS_OK ||
	    (rc = cosig_policy_check(policy, note, strlen(note), err)) != REDRESS_OK) {
		error_prefix(err, "feed line 1: the checkpoint");
		goto out;
	}
	if ((uint64_t)json_integer_value(json_object_get(header, "size")) != cp.size) {
		rc = error_set(err, REDRESS_E_INVALID, "feed line 1: size %lld is not the checkpoint's %llu",
		               (long long)json_integer_value(json_object_get(header, "size")),
		               (unsigned long long)cp.size);
		goto out;
	}
	v_r->size = cp.size;
	/* Every event up to the checkpoint, in order, each line's leaf rebuilt where it can be. */
	for (p = nl + 1; p < end; p = nl + 1) {
		int version;

		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		lineno++;
		if (nl == p && nl == end)
			break;
		json_decref(line);
		if ((line = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES, NULL)) == NULL ||
		    !json_is_object(line)) {
			rc = error_set(err, REDRESS_E_INVALID, "feed line %zu is not a JSON object", lineno);
			goto out;
		}
		if (seq >= cp.size || json_integer_value(json_object_get(line, "seq")) != (json_int_t)seq ||
		    !json_is_integer(json_object_get(line, "seq"))) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "feed line %zu: expected event %llu of the %llu the checkpoint holds",
			               lineno, (unsigned long long)seq, (unsigned long long)cp.size);
			goto out;
		}
		if (!line_hash(line, "leaf", listed)) {
			rc =
			    error_set(err, REDRESS_E_INVALID, "feed line %zu (event %llu): no leaf of 64 hex",
			              lineno, (unsigned long long)seq);
			goto out;
		}
		version = (int)json_integer_value(json_object_get(line, "v"));
		if (version == 3) {
			if ((rc = line_leaf_v3(line, leaf, err)) != REDRESS_OK) {
				error_prefix(err, "feed line %zu (event %llu)", lineno,
				             (unsigned long long)seq);
				goto out;
			}
			if (memcmp(leaf, listed, sizeof(leaf)) != 0) {
				rc = error_set(
				    err, REDRESS_E_CRYPTO,
				    "feed line %zu (event %llu, %.64s): what it says is not what its "
				    "leaf commits to: the line was altered",
				    lineno, (unsigned long long)seq,
				    json_string_value(json_object_get(line, "type")) != NULL
				        ? json_string_value(json_object_get(line, "type"))
				        : "?");
				goto out;
			}
			v_r->bound++;
		} else if ((version == 1 || version == 2) && v_r->bound > 0) {
			/* A fund never goes back from version 3: this line was relabelled to escape its leaf.
			 */
			rc = error_set(
			    err, REDRESS_E_CRYPTO,
			    "feed line %zu (event %llu) says version %d after lines of version 3: a "
			    "fund never goes back, the line was relabelled",
			    lineno, (unsigned long long)seq, version);
			goto out;
		} else if (version == 1 || version == 2) {
			/* Its leaf is the hash of bytes the feed does not give: in the tree, not bound to the
			 * line. */
			if (version == 1)
				v_r->unbound_v1++;
			else
				v_r->unbound_v2++;
		} else {
			rc = error_set(err, REDRESS_E_INVALID, "feed line %zu (event %llu): unknown version",
			               lineno, (unsigned long long)seq);
			goto out;
		}
		if ((rc = merkle_range_append(&range, listed, NULL, NULL, err)) != REDRESS_OK)
			goto out;
		seq++;
		if (nl == end)
			break;
	}
	if (seq != cp.size) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "the feed ends at event %llu, the checkpoint holds %llu",
		               (unsigned long long)seq, (unsigned long long)cp.size);
		goto out;
	}
	merkle_range_root(&range, root);
	if (memcmp(root, cp.root, sizeof(root)) != 0) {
		rc = error_set(err, REDRESS_E_CRYPTO,
		               "the feed's %llu leaves do not give the root of the signed checkpoint: a "
		               "listed leaf was altered, or the feed is of another history",
		               (unsigned long long)seq);
		goto out;
	}
	rc = REDRESS_OK;
out:
	free(chain);
	json_decref(line);
	json_decref(header);
	return rc;
}
