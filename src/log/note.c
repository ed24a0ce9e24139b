/*
 * note.c -- C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys.
 *
 * Parsing follows the specification's rules for a well-formed note: the
 * whole message is UTF-8 with no ASCII control character but newline; the
 * text ends at the last blank line; every line after it is a signature line
 * "— NAME BASE64\n".  A signature by a key other than the verifier's is
 * checked for form and then ignored, as the specification requires, so a
 * witness can cosign our checkpoints and a key can be rotated.  Every
 * signature line that names the verifier's key (name and key hash) must
 * verify: the specification says a client SHOULD reject a note carrying a
 * bad one, and we do.
 */
#include "log/note.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/codec.h"
#include "crypto/hash.h"

/* U+2014 EM DASH and a space open every signature line. */
#define NOTE_SIG_PREFIX     "\xe2\x80\x94 "
#define NOTE_SIG_PREFIX_LEN 4

/* A signature decodes to the 4-byte key hash and the signature proper. */
#define NOTE_SIG_RAW_SIZE (4 + SIGN_SIZE)

/* Verifier key text is NAME "+" 8 hex digits "+" base64(0x01 || key). */
#define NOTE_VKEY_KEY_SIZE (1 + SIGN_PUBLIC_SIZE)

/*
 * Decodes the UTF-8 sequence at p (n > 0 bytes available) as RFC 3629 allows
 * it: no overlong forms, no surrogates, nothing above U+10FFFF.  Returns its
 * length in bytes and stores the code point in *cp_r, or returns 0 when the
 * bytes are not valid UTF-8.
 */
static size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp_r)
{
	uint32_t cp, min;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp_r = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	*cp_r = cp;
	return len;
}

/*
 * Checks that len bytes at p are UTF-8 holding no ASCII control character
 * other than newline.  Returns 1 when they are; else 0, with the offset of
 * the first offending byte in *bad_r.
 */
static int
note_text_wellformed(const char *p, size_t len, size_t *bad_r)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		n = utf8_decode(u + i, len - i, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\n')) {
			*bad_r = i;
			return 0;
		}
		i += n;
	}
	return 1;
}

/*
 * The white space of Unicode (White_Space property), the set Go's
 * unicode.IsSpace tests and the specification forbids in key names.
 */
static int
unicode_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 || cp == 0x202f ||
	       cp == 0x205f || cp == 0x3000;
}

/*
 * Whether the name on another party's signature line is one the
 * specification allows: non-empty UTF-8 with no white space and no '+'.
 * This is wider than note_name_valid(), which governs the names of our own
 * keys, so that a cosignature under a non-ASCII name is ignored rather than
 * taken for a malformed note.
 */
static int
note_sig_name_valid(const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, n;
	uint32_t cp;

	if (len == 0)
		return 0;
	while (i < len) {
		n = utf8_decode(u + i, len - i, &cp);
		if (n == 0 || cp < 0x20 || cp == '+' || unicode_space(cp))
			return 0;
		i += n;
	}
	return 1;
}

int
note_name_valid(const char *name)
{
	unsigned char c;
	size_t i;

	if (name == NULL || name[0] == '\0')
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		c = (unsigned char)name[i];
		if (i >= NOTE_NAME_MAX || c <= ' ' || c > '~' || c == '+')
			return 0;
	}
	return 1;
}

void
note_key_hash(const char *name, const uint8_t public_key[SIGN_PUBLIC_SIZE], uint8_t out[4])
{
	note_key_hash_type(name, NOTE_ALG_ED25519, public_key, out);
}

void
note_key_hash_type(const char *name, uint8_t alg, const uint8_t public_key[SIGN_PUBLIC_SIZE], uint8_t out[4])
{
	struct hash_sha256 st;
	uint8_t sep[2] = {'\n', alg}, sum[HASH_SHA256_SIZE];

	hash_sha256_init(&st);
	hash_sha256_update(&st, name, strlen(name));
	hash_sha256_update(&st, sep, sizeof(sep));
	hash_sha256_update(&st, public_key, SIGN_PUBLIC_SIZE);
	hash_sha256_final(&st, sum);
	memcpy(out, sum, 4);
}

void
note_vkey_format(struct buf *out, const char *name, const uint8_t public_key[SIGN_PUBLIC_SIZE])
{
	note_vkey_format_type(out, name, NOTE_ALG_ED25519, public_key);
}

void
note_vkey_format_type(struct buf *out, const char *name, uint8_t alg,
                      const uint8_t public_key[SIGN_PUBLIC_SIZE])
{
	uint8_t raw[NOTE_VKEY_KEY_SIZE], kh[4];
	char b64[CODEC_BASE64_SIZE(NOTE_VKEY_KEY_SIZE)];

	note_key_hash_type(name, alg, public_key, kh);
	raw[0] = alg;
	memcpy(raw + 1, public_key, SIGN_PUBLIC_SIZE);
	/* The sizes are fixed at compile time, so the encoder cannot fail. */
	(void)codec_base64_encode(raw, sizeof(raw), b64, sizeof(b64), NULL);
	buf_printf(out, "%s+%02x%02x%02x%02x+%s", name, kh[0], kh[1], kh[2], kh[3], b64);
}

/* The value of hex digit c, or -1.  Either case is accepted, as Go does. */
static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum redress_err
note_vkey_parse(const char *text, struct note_verifier *v_r, struct redress_error *err)
{
	return note_vkey_parse_type(text, NOTE_ALG_ED25519, v_r, err);
}

enum redress_err
note_vkey_parse_type(const char *text, uint8_t alg, struct note_verifier *v_r, struct redress_error *err)
{
	struct note_verifier v;
	struct hash_sha256 st;
	uint8_t raw[NOTE_VKEY_KEY_SIZE + 1], sum[HASH_SHA256_SIZE];
	const char *plus1, *plus2, *key64;
	size_t name_len, raw_len = 0, i;
	int hi, lo;

	if (text == NULL)
		return error_set(err, REDRESS_E_INVALID, "verifier key: no text given");
	memset(&v, 0, sizeof(v));

	/* The name ends at the first '+', the hash at the second; the base64
	 * that follows may itself hold '+'. */
	plus1 = strchr(text, '+');
	if (plus1 == NULL)
		return error_set(err, REDRESS_E_INVALID,
		                 "verifier key: expected NAME+HASH+KEY, found no '+'");
	name_len = (size_t)(plus1 - text);
	if (name_len == 0 || name_len > NOTE_NAME_MAX)
		return error_set(err, REDRESS_E_INVALID, "verifier key: the name must be 1 to %d bytes",
		                 NOTE_NAME_MAX);
	memcpy(v.name, text, name_len);
	v.name[name_len] = '\0';
	if (!note_name_valid(v.name))
		return error_set(
		    err, REDRESS_E_INVALID,
		    "verifier key: the name may hold only printable ASCII other than space and '+'");

	plus2 = strchr(plus1 + 1, '+');
	if (plus2 == NULL || plus2 - (plus1 + 1) != 8)
		return error_set(err, REDRESS_E_INVALID,
		                 "verifier key: the key hash after the name must be 8 hex digits then '+'");
	for (i = 0; i < 4; i++) {
		hi = hex_value(plus1[1 + 2 * i]);
		lo = hex_value(plus1[2 + 2 * i]);
		if (hi < 0 || lo < 0)
			return error_set(err, REDRESS_E_INVALID,
			                 "verifier key: the key hash after the name must be 8 hex digits");
		v.key_hash[i] = (uint8_t)(hi << 4 | lo);
	}

	/* One spare byte in raw tells a key that is too long from one that
	 * fits exactly. */
	key64 = plus2 + 1;
	if (codec_base64_decode(key64, strlen(key64), raw, sizeof(raw), &raw_len, NULL) != REDRESS_OK ||
	    raw_len == 0)
		return error_set(err, REDRESS_E_INVALID,
		                 "verifier key: the key after the hash is not base64 of a %d-byte key",
		                 NOTE_VKEY_KEY_SIZE);

	/* The hash covers the type byte and the key as written, so it is
	 * checked before either is interpreted, as Go's NewVerifier does. */
	hash_sha256_init(&st);
	hash_sha256_update(&st, v.name, name_len);
	hash_sha256_update(&st, "\n", 1);
	hash_sha256_update(&st, raw, raw_len);
	hash_sha256_final(&st, sum);
	if (memcmp(sum, v.key_hash, 4) != 0)
		return error_set(
		    err, REDRESS_E_INVALID,
		    "verifier key: the key hash %02x%02x%02x%02x does not match the name and key "
		    "(they hash to %02x%02x%02x%02x)",
		    v.key_hash[0], v.key_hash[1], v.key_hash[2], v.key_hash[3], sum[0], sum[1], sum[2],
		    sum[3]);
	if (raw[0] != alg)
		return error_set(err, REDRESS_E_INVALID,
		                 "verifier key: signature type 0x%02x is not %s (0x%02x)", raw[0],
		                 alg == NOTE_ALG_ED25519 ? "Ed25519" : "an Ed25519 cosignature key", alg);
	if (raw_len != NOTE_VKEY_KEY_SIZE)
		return error_set(err, REDRESS_E_INVALID, "verifier key: an Ed25519 key is %d bytes, not %zu",
		                 SIGN_PUBLIC_SIZE, raw_len - 1);
	memcpy(v.public_key, raw + 1, SIGN_PUBLIC_SIZE);
	*v_r = v;
	return REDRESS_OK;
}

enum redress_err
note_sign(struct buf *out, const char *text, size_t len, const char *name, const struct sign_key *key,
          struct redress_error *err)
{
	uint8_t raw[NOTE_SIG_RAW_SIZE];
	char b64[CODEC_BASE64_SIZE(NOTE_SIG_RAW_SIZE)];
	size_t bad, total;

	if (!note_name_valid(name))
		return error_set(
		    err, REDRESS_E_INVALID,
		    "note: key name must be 1 to %d bytes of printable ASCII other than space and '+'",
		    NOTE_NAME_MAX);
	if (text == NULL || len == 0 || text[len - 1] != '\n')
		return error_set(err, REDRESS_E_INVALID, "note: the text must end in a newline");
	/* A note that could not be verified is refused here, not found out
	 * later by whoever reads it. */
	if (!note_text_wellformed(text, len, &bad))
		return error_set(
		    err, REDRESS_E_INVALID,
		    "note: byte %zu of the text is not UTF-8 or is a control character other than "
		    "newline",
		    bad);
	/* text, blank line, prefix, name, space, base64, newline. */
	total = len + 1 + NOTE_SIG_PREFIX_LEN + strlen(name) + 1 + (sizeof(b64) - 1) + 1;
	if (total > NOTE_MAX_SIZE || total < len)
		return error_set(err, REDRESS_E_INVALID, "note: a signed note would exceed %d bytes",
		                 NOTE_MAX_SIZE);

	note_key_hash(name, sign_key_public(key), raw);
	sign_detached(key, text, len, raw + 4);
	(void)codec_base64_encode(raw, sizeof(raw), b64, sizeof(b64), NULL);

	buf_append(out, text, len);
	buf_putc(out, '\n');
	buf_append(out, NOTE_SIG_PREFIX, NOTE_SIG_PREFIX_LEN);
	buf_puts(out, name);
	buf_putc(out, ' ');
	buf_puts(out, b64);
	buf_putc(out, '\n');
	return buf_error(out, err);
}

enum redress_err
note_signatures(const char *msg, size_t len, note_signature_fn fn, void *ctx, size_t *text_len_r,
                struct redress_error *err)
{
	const char *sigs, *end, *line, *nl, *name, *sp, *b64;
	uint8_t *raw = NULL;
	size_t text_len, sigs_len, bad, i, lines, lineno, name_len, raw_len;
	enum redress_err rc;

	if (msg == NULL && len > 0)
		return error_set(err, REDRESS_E_INVALID, "note: no text given");
	if (len > NOTE_MAX_SIZE)
		return error_set(err, REDRESS_E_INVALID, "note: %zu bytes is over the limit of %d", len,
		                 NOTE_MAX_SIZE);
	if (!note_text_wellformed(msg, len, &bad))
		return error_set(err, REDRESS_E_INVALID,
		                 "note: byte %zu is not UTF-8 or is a control character other than newline",
		                 bad);

	/* The text ends at the last blank line; what follows are signatures. */
	text_len = 0;
	for (i = len; i >= 2; i--) {
		if (msg[i - 2] == '\n' && msg[i - 1] == '\n') {
			text_len = i - 1;
			break;
		}
	}
	if (text_len == 0)
		return error_set(err, REDRESS_E_INVALID,
		                 "note: no blank line separates the text from signatures");
	sigs = msg + text_len + 1;
	sigs_len = len - text_len - 1;
	end = msg + len;
	if (sigs_len == 0)
		return error_set(err, REDRESS_E_INVALID, "note: no signature line follows the blank line");
	if (msg[len - 1] != '\n')
		return error_set(err, REDRESS_E_INVALID,
		                 "note: the last signature line does not end in a newline");

	/* Counting lines first bounds the work before any of it is done. */
	lines = 0;
	for (line = sigs; line < end; line++)
		if (*line == '\n')
			lines++;
	if (lines > NOTE_MAX_SIGNATURES)
		return error_set(err, REDRESS_E_INVALID,
		                 "note: %zu signature lines, more than the limit of %d", lines,
		                 NOTE_MAX_SIGNATURES);

	/* Other parties' signatures may be of any length (post-quantum ones
	 * run to kilobytes), and each must still be valid base64, so one
	 * scratch buffer as long as the whole block holds any of them. */
	raw = malloc(sigs_len);
	if (raw == NULL)
		return error_set(err, REDRESS_E_NOMEM, "note: out of memory reading signatures");

	lineno = 0;
	for (line = sigs; line < end; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(end - line));
		if ((size_t)(nl - line) < NOTE_SIG_PREFIX_LEN ||
		    memcmp(line, NOTE_SIG_PREFIX, NOTE_SIG_PREFIX_LEN) != 0) {
			rc = error_set(
			    err, REDRESS_E_INVALID,
			    "note: signature line %zu does not start with an em dash (U+2014) and a space",
			    lineno);
			goto out;
		}
		name = line + NOTE_SIG_PREFIX_LEN;
		sp = memchr(name, ' ', (size_t)(nl - name));
		if (sp == NULL) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "note: signature line %zu has no space between key name and signature",
			               lineno);
			goto out;
		}
		name_len = (size_t)(sp - name);
		if (!note_sig_name_valid(name, name_len)) {
			rc = error_set(err, REDRESS_E_INVALID,
			               "note: signature line %zu has an invalid key name", lineno);
			goto out;
		}
		b64 = sp + 1;
		if (b64 == nl || codec_base64_decode(b64, (size_t)(nl - b64), raw, sigs_len, &raw_len,
		                                     NULL) != REDRESS_OK) {
			rc = error_set(err, REDRESS_E_INVALID, "note: signature line %zu is not valid base64",
			               lineno);
			goto out;
		}
		if (raw_len < 5) {
			rc = error_set(
			    err, REDRESS_E_INVALID,
			    "note: signature line %zu is too short to hold a key hash and a signature",
			    lineno);
			goto out;
		}
		fn(ctx, lineno, name, name_len, raw, raw_len, msg, text_len);
	}
	if (text_len_r != NULL)
		*text_len_r = text_len;
	rc = REDRESS_OK;
out:
	free(raw);
	return rc;
}

/* What note_verify counts while walking the signature lines. */
struct note_tally {
	const struct note_verifier *v;
	size_t good;
	size_t first_bad; /* the line number of the first bad signature by v, or 0 */
};

static void
note_tally_line(void *ctx, size_t lineno, const char *name, size_t name_len, const uint8_t *raw,
                size_t raw_len, const char *text, size_t text_len)
{
	struct note_tally *t = ctx;

	if (name_len != strlen(t->v->name) || memcmp(name, t->v->name, name_len) != 0 ||
	    memcmp(raw, t->v->key_hash, 4) != 0)
		return; /* Another key's: ignored, as the specification requires. */
	if (raw_len == NOTE_SIG_RAW_SIZE && sign_verify(t->v->public_key, text, text_len, raw + 4))
		t->good++;
	else if (t->first_bad == 0)
		t->first_bad = lineno;
}

enum redress_err
note_verify(const char *msg, size_t len, const struct note_verifier *v, size_t *text_len_r,
            struct redress_error *err)
{
	struct note_tally t = {v, 0, 0};
	size_t text_len;
	enum redress_err rc;

	if ((rc = note_signatures(msg, len, note_tally_line, &t, &text_len, err)) != REDRESS_OK)
		return rc;
	if (t.first_bad != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "note: signature line %zu, by key %s+%02x%02x%02x%02x, does not verify",
		                 t.first_bad, v->name, v->key_hash[0], v->key_hash[1], v->key_hash[2],
		                 v->key_hash[3]);
	if (t.good == 0)
		return error_set(err, REDRESS_E_CRYPTO, "note: not signed by key %s+%02x%02x%02x%02x",
		                 v->name, v->key_hash[0], v->key_hash[1], v->key_hash[2], v->key_hash[3]);
	if (text_len_r != NULL)
		*text_len_r = text_len;
	return REDRESS_OK;
}
