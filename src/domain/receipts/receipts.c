/*
 * receipts.c -- building, rendering and checking a survivor's receipt
 * (receipts.h).
 *
 * Which events concern her is decided in one place, concern_event(), used
 * both to build a receipt from the log and to check one offline, so the
 * two never disagree.  Events that carry pseudonyms are kept only when
 * every person they name is her (an heir's entitlement may also name the
 * victim it comes from: her own relation).  Events that carry only an id
 * (a decision on a claim, a payment settled) are kept when the id is one
 * of hers, learnt from the event that made it (the claim opened for her,
 * the entitlement booked to her, the order made out to her), which the
 * receipt therefore always holds before them: a checker learns the ids the
 * same way, from proved events only, so no id can be slipped in.
 */
#include "domain/receipts/receipts.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/html.h"
#include "core/mem.h"
#include "core/qr.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "log/checkpoint.h"
#include "log/cosig.h"
#include "log/keychain.h"
#include "log/merkle.h"
#include "log/note.h"

#define ID_MAX  64  /* bytes of a claim, entitlement or order id */
#define IDS_MAX 256 /* of each kind, for one person */

/* The ids of one kind that belong to her. */
struct idset {
	char ids[IDS_MAX][ID_MAX + 1];
	size_t n;
};

struct concern {
	const char *pseudonym;
	struct idset claims, entitlements, orders;
	int full; /* an id set overflowed: the receipt would be incomplete */
};

static int
idset_has(const struct idset *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->ids[i], id) == 0)
			return 1;
	return 0;
}

static void
idset_add(struct concern *c, struct idset *s, const char *id)
{
	if (id == NULL || idset_has(s, id))
		return;
	if (s->n >= IDS_MAX || strlen(id) > ID_MAX) {
		c->full = 1;
		return;
	}
	memcpy(s->ids[s->n++], id, strlen(id) + 1);
}

/* The string member key of o, or NULL. */
static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
names_her(const struct concern *c, json_t *data, const char *key)
{
	const char *v = str(data, key);

	return v != NULL && strcmp(v, c->pseudonym) == 0;
}

/*
 * Whether an event of type with data concerns her and may be shown in her
 * receipt; learns the ids it makes hers.
 */
static int
concern_event(struct concern *c, const char *type, json_t *data)
{
	if (strcmp(type, "registry.consent.recorded") == 0 ||
	    strcmp(type, "registry.consultation.recorded") == 0)
		return names_her(c, data, "pseudonym");
	if (strcmp(type, "claims.claim.opened") == 0) {
		/* Her claim, even if a relative opened it for her (its claimant is then her own kin). */
		if (!names_her(c, data, "victim"))
			return 0;
		idset_add(c, &c->claims, str(data, "id"));
		return 1;
	}
	if (strcmp(type, "claims.claim.submitted") == 0 || strcmp(type, "claims.claim.approved") == 0 ||
	    strcmp(type, "claims.claim.denied") == 0 || strcmp(type, "claims.claim.appealed") == 0 ||
	    strcmp(type, "claims.appeal.upheld") == 0 || strcmp(type, "claims.appeal.overturned") == 0 ||
	    strcmp(type, "claims.appeal.vote.upheld") == 0 ||
	    strcmp(type, "claims.appeal.vote.overturned") == 0) {
		const char *claim = str(data, "claim");

		return claim != NULL && idset_has(&c->claims, claim);
	}
	if (strcmp(type, "entitlements.entitlement.booked") == 0) {
		if (!names_her(c, data, "beneficiary"))
			return 0;
		idset_add(c, &c->entitlements, str(data, "id"));
		return 1;
	}
	if (strcmp(type, "entitlements.entitlement.changed") == 0) {
		const char *id = str(data, "id");

		return id != NULL && idset_has(&c->entitlements, id);
	}
	if (strcmp(type, "payments.order.created") == 0) {
		if (!names_her(c, data, "beneficiary"))
			return 0;
		idset_add(c, &c->orders, str(data, "id"));
		return 1;
	}
	if (strcmp(type, "payments.order.settled") == 0 || strcmp(type, "payments.order.returned") == 0) {
		const char *id = str(data, "id");

		return id != NULL && idset_has(&c->orders, id);
	}
	return 0;
}

static int
pseudonym_valid(const char *p)
{
	size_t i, n = strlen(p);

	if (n < 3 || n > 24 || (p[0] != 'V' && p[0] != 'R') || p[1] != '-')
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return 0;
	return 1;
}

static json_t *
proof_json(const uint8_t proof[][MERKLE_HASH_SIZE], size_t count)
{
	char b64[CODEC_BASE64_SIZE(MERKLE_HASH_SIZE)];
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < count; i++) {
		(void)codec_base64_encode(proof[i], MERKLE_HASH_SIZE, b64, sizeof(b64), NULL);
		json_array_append_new(a, json_string(b64));
	}
	return a;
}

/*
 * The hex SHA-256 of a version-3 event's public part, which its leaf
 * commits to beside its bytes (log/tlog.h): the receipt carries it so that
 * the leaf is rebuilt offline.  "" for an older event.
 */
static enum redress_err
public_hash(struct tlog *log, const struct buf *bytes, char hex[2 * MERKLE_HASH_SIZE + 1],
            struct redress_error *err)
{
	uint8_t hash[MERKLE_HASH_SIZE];
	struct buf part;
	enum redress_err rc;

	hex[0] = '\0';
	if (tlog_event_version(bytes->data, bytes->len) != 3)
		return REDRESS_OK;
	buf_init(&part, TLOG_EVENT_MAX + 1024);
	if ((rc = tlog_event_public(log, bytes->data, bytes->len, &part, err)) == REDRESS_OK &&
	    (rc = buf_error(&part, err)) == REDRESS_OK) {
		hash_sha256(part.data, part.len, hash);
		rc = codec_hex_encode(hash, sizeof(hash), hex, 2 * MERKLE_HASH_SIZE + 1, err);
	}
	buf_free(&part);
	return rc;
}

enum redress_err
receipt_build(struct tlog *log, const char *pseudonym, struct buf *out, char lang_r[3],
              struct redress_error *err)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	struct concern *c = NULL;
	struct buf bytes, note;
	json_t *root = NULL, *events = NULL;
	char *b64 = NULL, *dumped = NULL;
	uint64_t size = 0, seq, used;
	size_t count, b64_size;
	char public_hex[2 * MERKLE_HASH_SIZE + 1];
	int registered = 0;
	enum redress_err rc;

	buf_init(&bytes, TLOG_EVENT_MAX + 1024);
	buf_init(&note, NOTE_MAX_SIZE);
	if (!pseudonym_valid(pseudonym)) {
		rc = error_set(err, REDRESS_E_INVALID, "'%.40s' is not a pseudonym (V-000001, R-000001)",
		               pseudonym);
		goto out;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL || (events = json_array()) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	c->pseudonym = pseudonym;
	/* The checkpoint first: every event below it is proved against it. */
	if ((rc = tlog_checkpoint_cosigned(log, &note, &size, err)) != REDRESS_OK)
		goto out;
	b64_size = CODEC_BASE64_SIZE(TLOG_EVENT_MAX + 1024);
	if ((b64 = malloc(b64_size)) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	for (seq = 0; seq < size; seq++) {
		json_t *ev, *data;
		const char *type;

		buf_reset(&bytes);
		if ((rc = tlog_event_bytes(log, seq, &bytes, err)) != REDRESS_OK)
			goto out;
		if ((ev = json_loadb(bytes.data, bytes.len, 0, NULL)) == NULL) {
			rc = error_set(err, REDRESS_E_TAMPERED, "event %llu is not JSON",
			               (unsigned long long)seq);
			goto out;
		}
		type = str(ev, "type");
		data = json_object_get(ev, "data");
		if (type != NULL && strcmp(type, "registry.person.registered") == 0 &&
		    names_her(c, data, "pseudonym")) {
			registered = 1;
			if (lang_r != NULL && str(data, "language") != NULL &&
			    strlen(str(data, "language")) == 2)
				memcpy(lang_r, str(data, "language"), 3);
		}
		if (type != NULL && json_is_object(data) && concern_event(c, type, data)) {
			if (json_array_size(events) >= RECEIPT_EVENTS_MAX) {
				json_decref(ev);
				rc = error_set(err, REDRESS_E_NOMEM, "more than %d events concern %s",
				               RECEIPT_EVENTS_MAX, pseudonym);
				goto out;
			}
			if ((rc = tlog_prove_inclusion(log, seq, size, &used, proof, &count, err)) !=
			        REDRESS_OK ||
			    (rc = codec_base64_encode(bytes.data, bytes.len, b64, b64_size, err)) !=
			        REDRESS_OK) {
				json_decref(ev);
				goto out;
			}
			if ((rc = public_hash(log, &bytes, public_hex, err)) != REDRESS_OK) {
				json_decref(ev);
				goto out;
			}
			json_array_append_new(
			    events, json_pack("{s:I, s:s, s:s?, s:s, s:o, s:s?}", "seq", (json_int_t)seq,
			                      "type", type, "at", str(ev, "at"), "bytes", b64, "proof",
			                      proof_json((const uint8_t(*)[MERKLE_HASH_SIZE])proof, count),
			                      "public", public_hex[0] != '\0' ? public_hex : NULL));
		}
		json_decref(ev);
	}
	if (!registered) {
		rc = error_set(err, REDRESS_E_NOTFOUND, "no person %s", pseudonym);
		goto out;
	}
	if (c->full) {
		rc = error_set(err, REDRESS_E_NOMEM, "more than %d claims, entitlements or orders of %s",
		               IDS_MAX, pseudonym);
		goto out;
	}
	root = json_pack("{s:s, s:s, s:s, s:I, s:O}", "format", RECEIPT_FORMAT, "pseudonym", pseudonym,
	                 "checkpoint", note.data, "size", (json_int_t)size, "events", events);
	/* After a rotation of the log's key, the handovers that lead from the first key to it. */
	if (root != NULL && tlog_keychain(log)->count > 1) {
		struct buf chain;
		json_t *h = NULL;

		buf_init(&chain, 1024 * 1024);
		if ((rc = tlog_handovers_json(log, &chain, err)) == REDRESS_OK &&
		    ((h = json_loadb(chain.data, chain.len, 0, NULL)) == NULL ||
		     json_object_set_new(root, "handovers", h) != 0))
			rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the receipt");
		buf_free(&chain);
		if (rc != REDRESS_OK)
			goto out;
	}
	/* Sorted, compact, "/" escaped: the block can sit in a <script> and hashes the same every time. */
	if (root == NULL || (dumped = json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT | JSON_ESCAPE_SLASH |
	                                                   JSON_ENSURE_ASCII)) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory writing the receipt");
		goto out;
	}
	buf_puts(out, dumped);
	rc = buf_error(out, err);
out:
	mem_json_free(dumped);
	free(b64);
	json_decref(root);
	json_decref(events);
	free(c);
	buf_free(&bytes);
	buf_free(&note);
	return rc;
}

/* ---- The page ------------------------------------------------------------------------------ */

enum receipt_word {
	W_TITLE,
	W_INTRO,
	W_NUMBER,
	W_WHAT,
	W_WHEN,
	W_NONE,
	W_CHECKPOINT,
	W_DIGEST,
	W_HOW,
	W_QR,
	W_COUNT
};

/*
 * The page's words: msgids (English) that po/ko.po and po/ja.po translate
 * (xgettext finds them by N_, as in the pages); the caller's translate
 * function looks them up.
 */
#define N_(msgid) msgid
static const char *const receipt_words[W_COUNT] = {
    [W_TITLE] = N_("Receipt of the record"),
    [W_INTRO] =
        N_("This receipt lists the events in the fund's public log that concern you. It holds no name."),
    [W_NUMBER] = N_("No."),
    [W_WHAT] = N_("What happened"),
    [W_WHEN] = N_("When"),
    [W_NONE] = N_("No event is recorded yet."),
    [W_CHECKPOINT] = N_("Signed checkpoint"),
    [W_DIGEST] = N_("Digest of this receipt (SHA-256)"),
    [W_HOW] = N_("Anyone can check it with the fund's public key alone: redress receipt verify FILE --pubkey "
                 "KEY, or verify-receipt.html."),
    [W_QR] = N_("QR code of the receipt's digest"),
};

/* What each event type says. */
static const struct {
	const char *type;
	const char *words;
} receipt_types[] = {
    {"registry.consent.recorded", N_("Consent recorded")},
    {"registry.consultation.recorded", N_("Consultation and wish recorded")},
    {"claims.claim.opened", N_("Claim opened")},
    {"claims.claim.submitted", N_("Claim submitted")},
    {"claims.claim.approved", N_("Claim approved")},
    {"claims.claim.denied", N_("Claim denied")},
    {"claims.claim.appealed", N_("Claim appealed")},
    {"claims.appeal.upheld", N_("Appeal decided: the denial upheld")},
    {"claims.appeal.overturned", N_("Appeal decided: the claim approved")},
    {"claims.appeal.vote.upheld", N_("Appeal: one member voted to uphold the denial (two must agree)")},
    {"claims.appeal.vote.overturned", N_("Appeal: one member voted to approve the claim (two must agree)")},
    {"entitlements.entitlement.booked", N_("Entitlement booked")},
    {"entitlements.entitlement.changed", N_("Entitlement changed")},
    {"payments.order.created", N_("Payment ordered")},
    {"payments.order.settled", N_("Payment settled")},
    {"payments.order.returned", N_("Payment returned")},
};

static int
lang_index(const char *lang)
{
	if (strcmp(lang, "ko") == 0)
		return 0;
	if (strcmp(lang, "ja") == 0)
		return 1;
	if (strcmp(lang, "en") == 0)
		return 2;
	return -1;
}

static const char *
type_words(const char *type)
{
	size_t i;

	for (i = 0; i < sizeof(receipt_types) / sizeof(receipt_types[0]); i++)
		if (strcmp(receipt_types[i].type, type) == 0)
			return receipt_types[i].words;
	return type;
}

enum redress_err
receipt_render_html(const char *json, size_t len, const char *lang, receipt_translate_fn translate,
                    struct buf *out, struct redress_error *err)
{
	const char *w[W_COUNT];
	json_t *root = NULL, *events, *ev;
	char hex[65], qrtext[128];
	struct buf qr;
	size_t i;
	int li = lang_index(lang);
	enum redress_err rc;

	buf_init(&qr, 1u << 20);
	if (li < 0) {
		rc = error_set(err, REDRESS_E_INVALID, "language '%.8s': it is ko, ja or en", lang);
		goto out;
	}
	for (i = 0; i < W_COUNT; i++)
		w[i] = translate != NULL ? translate(lang, receipt_words[i]) : receipt_words[i];
	if ((root = json_loadb(json, len, 0, NULL)) == NULL ||
	    !json_is_array(events = json_object_get(root, "events"))) {
		rc = error_set(err, REDRESS_E_INVALID, "not a receipt");
		goto out;
	}
	hash_sha256_hex(json, len, hex);
	snprintf(qrtext, sizeof(qrtext), "redress-receipt:sha256:%s", hex);
	if ((rc = qr_svg(qrtext, w[W_QR], &qr, err)) != REDRESS_OK)
		goto out;
	html_raw_const(out, "<!DOCTYPE html>\n<html lang=\"");
	html_text(out, lang);
	html_raw_const(out, "\"><head><meta charset=\"utf-8\"><title>");
	html_text(out, w[W_TITLE]);
	html_raw_const(
	    out, "</title><style>body{font-family:sans-serif;max-width:48em;margin:1em auto;font-size:11pt}"
	         "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:2px 6px;"
	         "text-align:left}pre{white-space:pre-wrap;word-break:break-all;font-size:8pt}"
	         ".qr{width:9em;float:right}code{word-break:break-all}</style></head><body>\n<h1>");
	html_text(out, w[W_TITLE]);
	html_raw_const(out, " &mdash; ");
	html_text(out, str(root, "pseudonym"));
	html_raw_const(out, "</h1>\n<div class=\"qr\">");
	buf_append(out, qr.data, qr.len);
	html_raw_const(out, "</div>\n<p>");
	html_text(out, w[W_INTRO]);
	html_raw_const(out, "</p>\n");
	if (json_array_size(events) == 0) {
		html_raw_const(out, "<p>");
		html_text(out, w[W_NONE]);
		html_raw_const(out, "</p>\n");
	} else {
		html_raw_const(out, "<table><thead><tr><th>");
		html_text(out, w[W_NUMBER]);
		html_raw_const(out, "</th><th>");
		html_text(out, w[W_WHAT]);
		html_raw_const(out, "</th><th>");
		html_text(out, w[W_WHEN]);
		html_raw_const(out, "</th></tr></thead><tbody>\n");
		json_array_foreach(events, i, ev)
		{
			html_raw_const(out, "<tr><td>");
			html_textf(out, "%lld", (long long)json_integer_value(json_object_get(ev, "seq")));
			html_raw_const(out, "</td><td>");
			{
				const char *what = type_words(str(ev, "type") != NULL ? str(ev, "type") : "");

				html_text(out, translate != NULL ? translate(lang, what) : what);
			}
			html_raw_const(out, "</td><td>");
			html_text(out, str(ev, "at") != NULL ? str(ev, "at") : "");
			html_raw_const(out, "</td></tr>\n");
		}
		html_raw_const(out, "</tbody></table>\n");
	}
	html_raw_const(out, "<h2>");
	html_text(out, w[W_CHECKPOINT]);
	html_raw_const(out, "</h2>\n<pre>");
	html_text(out, str(root, "checkpoint") != NULL ? str(root, "checkpoint") : "");
	html_raw_const(out, "</pre>\n<p>");
	html_text(out, w[W_DIGEST]);
	html_raw_const(out, ": <code>");
	html_text(out, hex);
	html_raw_const(out, "</code></p>\n<p>");
	html_text(out, w[W_HOW]);
	/* The JSON was dumped with "/" escaped, so "</script>" cannot occur in it. */
	html_raw_const(out, "</p>\n<script type=\"application/json\" id=\"redress-receipt\">");
	buf_append(out, json, len);
	html_raw_const(out, "</script>\n</body></html>\n");
	rc = buf_error(out, err);
out:
	buf_free(&qr);
	json_decref(root);
	return rc;
}

/* ---- Checking ------------------------------------------------------------------------------ */

#define RECEIPT_BLOCK_OPEN  "<script type=\"application/json\" id=\"redress-receipt\">"
#define RECEIPT_BLOCK_CLOSE "</script>"

/* Finds the receipt JSON in text: the embedded block of a page, or the whole of a JSON file. */
static enum redress_err
receipt_json(const char *text, size_t len, const char **json_r, size_t *len_r, struct redress_error *err)
{
	const char *open, *close;

	if (len > 0 && text[0] == '{') {
		*json_r = text;
		*len_r = len;
		while (*len_r > 0 && (text[*len_r - 1] == '\n' || text[*len_r - 1] == '\r'))
			(*len_r)--;
		return REDRESS_OK;
	}
	open = strstr(text, RECEIPT_BLOCK_OPEN);
	if (open == NULL || (close = strstr(open, RECEIPT_BLOCK_CLOSE)) == NULL)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "no receipt: neither JSON nor a page with a <script id=\"redress-receipt\"> block");
	*json_r = open + strlen(RECEIPT_BLOCK_OPEN);
	*len_r = (size_t)(close - *json_r);
	return REDRESS_OK;
}

/* Checks one listed event: its bytes, its proof, and that it is hers. */
static enum redress_err
check_event(struct concern *c, json_t *ev, size_t n, const struct checkpoint *cp, uint8_t *raw,
            size_t raw_size, struct redress_error *err)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], leaf[MERKLE_HASH_SIZE], public[MERKLE_HASH_SIZE];
	json_t *p = json_object_get(ev, "proof"), *h, *inner = NULL;
	const char *b64 = str(ev, "bytes"), *type = str(ev, "type"), *itype;
	json_int_t seq = json_integer_value(json_object_get(ev, "seq"));
	size_t raw_len, got, i;
	enum redress_err rc;

	if (b64 == NULL || type == NULL || !json_is_integer(json_object_get(ev, "seq")) || seq < 0 ||
	    !json_is_array(p) || json_array_size(p) > MERKLE_MAX_PROOF)
		return error_set(err, REDRESS_E_INVALID,
		                 "event %zu: needs 'seq', 'type', 'bytes' and 'proof'", n);
	if (codec_base64_decode(b64, strlen(b64), raw, raw_size, &raw_len, NULL) != REDRESS_OK)
		return error_set(err, REDRESS_E_INVALID, "event %zu: 'bytes' is not base64", n);
	json_array_foreach(p, i, h)
	{
		const char *s = json_string_value(h);

		if (s == NULL ||
		    codec_base64_decode(s, strlen(s), proof[i], MERKLE_HASH_SIZE, &got, NULL) != REDRESS_OK ||
		    got != MERKLE_HASH_SIZE)
			return error_set(err, REDRESS_E_INVALID,
			                 "event %zu: proof hash %zu is not base64 of 32 bytes", n, i);
	}
	/* A version-3 event's leaf also commits to its public part, whose hash the receipt gives. */
	if (str(ev, "public") != NULL) {
		const char *hex = str(ev, "public");

		if (strlen(hex) != 2 * MERKLE_HASH_SIZE ||
		    codec_hex_decode(hex, strlen(hex), public, sizeof(public), &got, NULL) != REDRESS_OK ||
		    got != MERKLE_HASH_SIZE)
			return error_set(err, REDRESS_E_INVALID, "event %zu: 'public' is not 64 hex digits",
			                 n);
	}
	if ((rc = tlog_leaf_of(raw, raw_len, str(ev, "public") != NULL ? public : NULL, leaf, err)) !=
	    REDRESS_OK)
		return error_prefix(err, "event %zu", n);
	if ((rc = merkle_verify_inclusion((uint64_t)seq, cp->size, leaf,
	                                  (const uint8_t(*)[MERKLE_HASH_SIZE])proof, json_array_size(p),
	                                  cp->root, err)) != REDRESS_OK)
		return error_prefix(err, "event %zu (log index %lld) is not in the signed log", n,
		                    (long long)seq);
	/* What was proved is the bytes: the listed type and index must be theirs. */
	if ((inner = json_loadb((const char *)raw, raw_len, 0, NULL)) == NULL ||
	    json_integer_value(json_object_get(inner, "seq")) != seq ||
	    (itype = str(inner, "type")) == NULL || strcmp(itype, type) != 0) {
		json_decref(inner);
		return error_set(err, REDRESS_E_CRYPTO,
		                 "event %zu: its bytes are not the listed event %lld of type %.64s", n,
		                 (long long)seq, type);
	}
	if (!concern_event(c, type, json_object_get(inner, "data"))) {
		json_decref(inner);
		return error_set(err, REDRESS_E_CRYPTO,
		                 "event %zu (log index %lld, %.64s) does not concern %s", n, (long long)seq,
		                 type, c->pseudonym);
	}
	json_decref(inner);
	return REDRESS_OK;
}

enum redress_err
receipt_verify(const char *text, size_t len, const char *vkey, const struct cosig_policy *policy,
               struct receipt_verified *v_r, struct redress_error *err)
{
	struct keychain *chain = NULL;
	struct checkpoint cp;
	struct concern *c = NULL;
	const char *json = NULL, *note, *pseudonym;
	json_t *root = NULL, *events, *ev;
	uint8_t *raw = NULL;
	size_t json_len = 0, text_len, i;
	enum redress_err rc;

	memset(v_r, 0, sizeof(*v_r));
	if (len > RECEIPT_MAX_BYTES)
		return error_set(err, REDRESS_E_INVALID, "a receipt is at most %u bytes", RECEIPT_MAX_BYTES);
	if ((chain = malloc(sizeof(*chain))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	if ((rc = keychain_init_vkey(chain, vkey, err)) != REDRESS_OK) {
		free(chain);
		return error_prefix(err, "the public key");
	}
	if ((rc = receipt_json(text, len, &json, &json_len, err)) != REDRESS_OK) {
		free(chain);
		return rc;
	}
	if ((root = json_loadb(json, json_len, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		rc = error_set(err, REDRESS_E_INVALID, "the receipt's JSON does not parse");
		goto out;
	}
	if (strcmp(str(root, "format") != NULL ? str(root, "format") : "", RECEIPT_FORMAT) != 0 ||
	    (pseudonym = str(root, "pseudonym")) == NULL || !pseudonym_valid(pseudonym) ||
	    (note = str(root, "checkpoint")) == NULL ||
	    !json_is_array(events = json_object_get(root, "events"))) {
		rc = error_set(err, REDRESS_E_INVALID,
		               "not a receipt: needs 'format' " RECEIPT_FORMAT
		               ", 'pseudonym', 'checkpoint' and 'events'");
		goto out;
	}
	/* Signed by the key in force at its size, followed from the key given through the handovers. */
	if ((rc = keychain_follow_json(chain, json_object_get(root, "handovers"), err)) != REDRESS_OK) {
		error_prefix(err, "the receipt's key handovers");
		goto out;
	}
	if ((rc = keychain_verify(chain, note, strlen(note), &cp, &text_len, err)) != REDRESS_OK) {
		error_prefix(err, "the receipt's checkpoint");
		goto out;
	}
	if ((rc = cosig_policy_check(policy, note, strlen(note), err)) != REDRESS_OK) {
		error_prefix(err, "the receipt's checkpoint");
		goto out;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL || (raw = malloc(TLOG_EVENT_MAX + 1024)) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	c->pseudonym = pseudonym;
	json_array_foreach(events, i, ev)
	{
		if ((rc = check_event(c, ev, i + 1, &cp, raw, TLOG_EVENT_MAX + 1024, err)) != REDRESS_OK)
			goto out;
	}
	snprintf(v_r->pseudonym, sizeof(v_r->pseudonym), "%s", pseudonym);
	v_r->events = json_array_size(events);
	v_r->size = cp.size;
	if (policy != NULL)
		(void)cosig_count(note, strlen(note), policy->witnesses, policy->count, NULL,
		                  &v_r->cosignatures, NULL);
	hash_sha256_hex(json, json_len, v_r->digest);
	rc = REDRESS_OK;
out:
	free(raw);
	free(c);
	free(chain);
	json_decref(root);
	return rc;
}
