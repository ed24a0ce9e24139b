/*
 * test_note.c -- signed notes (log/note.c) and checkpoint bodies
 * (log/checkpoint.c).
 *
 * The known answers come from the tests of Go's golang.org/x/mod/sumdb/note
 * (note_test.go: the PeterNeumann and EnochRoot keys and signatures) and
 * from the example in c2sp.org/tlog-checkpoint.  Ed25519 signing is
 * deterministic, so signing Go's text with Go's test seed must give Go's
 * note byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/sign.h"
#include "log/checkpoint.h"
#include "log/note.h"

#define TEST_BUF_MAX (2 * NOTE_MAX_SIZE)

/* golang.org/x/mod/sumdb/note, note_test.go. */
static const char peter_vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
static const char peter_skey64[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"; /* 0x01 || seed */
static const char enoch_vkey[] = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
static const char go_text[] = "If you think cryptography is the answer to your problem,\n"
                              "then you don't know what your problem is.\n";
static const char peter_sig[] =
    "\xe2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
static const char enoch_sig[] =
    "\xe2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

/*
 * The Go checksum database's key (golang/go, src/cmd/go/internal/modfetch/
 * key.go; its base64 holds '+') and a checkpoint it published, as quoted in
 * Sigsum's proposal to adopt the checkpoint format.  Its origin line has
 * spaces, which origins may.
 */
static const char sumdb_vkey[] = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
static const char sumdb_note[] =
    "go.sum database tree\n"
    "15368405\n"
    "/g9am3I6YWNKaZX/jkne1fqd9zEyjss+JXyPXG0WfkY=\n"
    "\n"
    "\xe2\x80\x94 sum.golang.org "
    "Az3grqJGUaSGukG9p8nI2vKgiFn7qGHxn0W+mrwyI6Gz3F0t1J3LzmWk/p96Ybf295EjwdSwlzgijq5WA9d1Ded7owM=\n";

/* The example.com/foo key and note of an earlier c2sp.org/signed-note. */
static const char foo_vkey[] = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
static const char foo_note[] =
    "This is an example message.\n"
    "\n"
    "\xe2\x80\x94 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

/* c2sp.org/tlog-checkpoint, the example's note text. */
static const char c2sp_checkpoint[] = "example.com/behind-the-sofa\n"
                                      "20852163\n"
                                      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";

static int
group_setup(void **state)
{
	struct redress_error err;

	(void)state;
	return crypto_setup(&err) == REDRESS_OK ? 0 : -1;
}

static void
load_vkey(const char *text, struct note_verifier *v)
{
	struct redress_error err;

	error_clear(&err);
	if (note_vkey_parse(text, v, &err) != REDRESS_OK)
		fail_msg("vkey %s: %s", text, err.message);
}

/* Joins up to four strings into b, which the caller frees. */
static void
join(struct buf *b, const char *s1, const char *s2, const char *s3, const char *s4)
{
	buf_init(b, TEST_BUF_MAX);
	buf_puts(b, s1);
	if (s2 != NULL)
		buf_puts(b, s2);
	if (s3 != NULL)
		buf_puts(b, s3);
	if (s4 != NULL)
		buf_puts(b, s4);
	assert_int_equal(buf_error(b, NULL), REDRESS_OK);
}

/* Verifies len bytes at msg and checks the code and, if given, a word of the message. */
static void
expect_verify(const char *msg, size_t len, const struct note_verifier *v, enum redress_err want,
              const char *needle)
{
	struct redress_error err;
	size_t text_len = 12345;
	enum redress_err rc;

	error_clear(&err);
	rc = note_verify(msg, len, v, &text_len, &err);
	if (rc != want)
		fail_msg("note_verify gave %d (%s), want %d, for:\n%.*s", rc, err.message, want,
		         msg != NULL ? (int)len : 0, msg != NULL ? msg : "");
	if (want != REDRESS_OK) {
		assert_int_equal(text_len, 12345); /* untouched on failure */
		assert_true(err.message[0] != '\0');
	}
	if (needle != NULL && strstr(err.message, needle) == NULL)
		fail_msg("message \"%s\" does not mention \"%s\"", err.message, needle);
}

/* Joins s1..s4 and verifies them as a note against v. */
static void
expect_note(const char *s1, const char *s2, const char *s3, const char *s4, const struct note_verifier *v,
            enum redress_err want, const char *needle)
{
	struct buf b;

	join(&b, s1, s2, s3, s4);
	expect_verify(b.data, b.len, v, want, needle);
	buf_free(&b);
}

/* The PeterNeumann key, rebuilt from the seed in Go's tests. */
static struct sign_key *
peter_key(void)
{
	struct redress_error err;
	struct sign_key *key = NULL;
	uint8_t raw[64];
	size_t len = 0;

	assert_int_equal(
	    codec_base64_decode(peter_skey64, strlen(peter_skey64), raw, sizeof(raw), &len, &err),
	    REDRESS_OK);
	assert_int_equal(len, 1 + SIGN_SEED_SIZE);
	assert_int_equal(raw[0], 0x01);
	assert_int_equal(sign_key_from_seed(raw + 1, &key, &err), REDRESS_OK);
	crypto_wipe(raw, sizeof(raw));
	return key;
}

/* ---- known answers from Go ---- */

static void
test_go_vkey(void **state)
{
	static const uint8_t hash[4] = {0xc7, 0x4f, 0x20, 0xa3};
	struct note_verifier v;
	uint8_t kh[4];

	(void)state;
	load_vkey(peter_vkey, &v);
	assert_string_equal(v.name, "PeterNeumann");
	assert_memory_equal(v.key_hash, hash, 4);
	note_key_hash(v.name, v.public_key, kh);
	assert_memory_equal(kh, hash, 4);
	load_vkey(enoch_vkey, &v);
	assert_string_equal(v.name, "EnochRoot");
}

static void
test_go_open(void **state)
{
	struct note_verifier peter, enoch;
	struct redress_error err;
	struct buf b;
	size_t text_len = 0;

	(void)state;
	load_vkey(peter_vkey, &peter);
	load_vkey(enoch_vkey, &enoch);

	join(&b, go_text, "\n", peter_sig, NULL);
	assert_int_equal(note_verify(b.data, b.len, &peter, &text_len, &err), REDRESS_OK);
	assert_int_equal(text_len, strlen(go_text));
	assert_memory_equal(b.data, go_text, text_len);
	/* Signed by Peter only: Enoch finds no signature of his. */
	expect_verify(b.data, b.len, &enoch, REDRESS_E_CRYPTO, "not signed by key EnochRoot+af0cfe78");
	buf_free(&b);

	/* Signed by both: each verifier finds its own and ignores the other's. */
	join(&b, go_text, "\n", peter_sig, enoch_sig);
	assert_int_equal(note_verify(b.data, b.len, &peter, &text_len, &err), REDRESS_OK);
	assert_int_equal(text_len, strlen(go_text));
	assert_int_equal(note_verify(b.data, b.len, &enoch, &text_len, &err), REDRESS_OK);
	assert_int_equal(text_len, strlen(go_text));
	buf_free(&b);

	/* A repeated good signature is still good. */
	expect_note(go_text, "\n", peter_sig, peter_sig, &peter, REDRESS_OK, NULL);
}

static void
test_go_sign(void **state)
{
	struct redress_error err;
	struct sign_key *key;
	struct buf b;

	(void)state;
	key = peter_key();

	buf_init(&b, TEST_BUF_MAX);
	assert_int_equal(note_sign(&b, go_text, strlen(go_text), "PeterNeumann", key, &err), REDRESS_OK);
	assert_int_equal(b.len, strlen(go_text) + 1 + strlen(peter_sig));
	assert_memory_equal(b.data, go_text, strlen(go_text));
	assert_string_equal(b.data + strlen(go_text), "\n" /* blank line */ "\xe2\x80\x94 PeterNeumann "
	                                              "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1"
	                                              "FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n");

	buf_reset(&b);
	note_vkey_format(&b, "PeterNeumann", sign_key_public(key));
	assert_int_equal(buf_error(&b, &err), REDRESS_OK);
	assert_string_equal(b.data, peter_vkey);

	buf_free(&b);
	sign_key_free(&key);
	assert_null(key);
}

static void
test_go_bad_messages(void **state)
{
	struct note_verifier peter;
	char cut[sizeof(peter_sig)];

	(void)state;
	load_vkey(peter_vkey, &peter);
	memcpy(cut, peter_sig, sizeof(peter_sig));
	cut[strlen(cut) - 1] = '\0'; /* without its newline */

	/* note_test.go's badMsgs, each malformed. */
	expect_note(go_text, NULL, NULL, NULL, &peter, REDRESS_E_INVALID, "no blank line");
	expect_note(go_text, "\n", NULL, NULL, &peter, REDRESS_E_INVALID, "no signature line");
	expect_note(go_text, "\n", cut, NULL, &peter, REDRESS_E_INVALID, "newline");
	expect_note("\x01", go_text, "\n", peter_sig, &peter, REDRESS_E_INVALID, "byte 0");
	expect_note("\xff", go_text, "\n", peter_sig, &peter, REDRESS_E_INVALID, "byte 0");
	expect_note(
	    go_text, "\n",
	    "\xe2\x80\x94 Bad Name "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
	    NULL, &peter, REDRESS_E_INVALID, NULL);
	expect_note(
	    go_text, "\n",
	    "\xe2\x80\x94 Bad Name "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	    NULL, &peter, REDRESS_E_INVALID, "base64");
	expect_note(go_text, "\n", peter_sig, "Unexpected line.\n", &peter, REDRESS_E_INVALID,
	            "signature line 2 does not start with an em dash");
}

static void
test_go_invalid_signature(void **state)
{
	struct note_verifier peter;
	char sig[sizeof(peter_sig) + 4];
	size_t n = strlen(peter_sig);

	(void)state;
	load_vkey(peter_vkey, &peter);

	/* note_test.go inserts "ABCD" at byte 60: still base64, now too long. */
	memcpy(sig, peter_sig, 60);
	memcpy(sig + 60, "ABCD", 4);
	memcpy(sig + 64, peter_sig + 60, n - 60 + 1);
	expect_note(go_text, "\n", sig, NULL, &peter, REDRESS_E_CRYPTO, "does not verify");
	/* A bad signature by the verifier's key spoils a good one beside it. */
	expect_note(go_text, "\n", peter_sig, sig, &peter, REDRESS_E_CRYPTO, "signature line 2");
	expect_note(go_text, "\n", sig, peter_sig, &peter, REDRESS_E_CRYPTO, "signature line 1");
}

static void
test_go_vkey_manglings(void **state)
{
	struct note_verifier v;
	struct redress_error err;
	char s[sizeof(peter_vkey)];
	size_t n = strlen(peter_vkey), i, j;

	(void)state;
	/* As TestNewVerifier: every proper substring, every byte bumped. */
	for (i = 0; i <= n; i++) {
		for (j = i + 1; j <= n; j++) {
			if (i == 0 && j == n)
				continue;
			memcpy(s, peter_vkey + i, j - i);
			s[j - i] = '\0';
			if (note_vkey_parse(s, &v, &err) != REDRESS_E_INVALID)
				fail_msg("accepted mangled key %s", s);
		}
	}
	for (i = 0; i < n; i++) {
		memcpy(s, peter_vkey, n + 1);
		s[i]++;
		if (note_vkey_parse(s, &v, &err) != REDRESS_E_INVALID)
			fail_msg("accepted mangled key %s", s);
	}

	/* Wrong length key, with adjusted key hash. */
	error_clear(&err);
	assert_int_equal(
	    note_vkey_parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==", &v,
	                    &err),
	    REDRESS_E_INVALID);
	/* Unknown algorithm, with adjusted key hash: the algorithm byte is named. */
	error_clear(&err);
	assert_int_equal(
	    note_vkey_parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", &v, &err),
	    REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "0x65 is not Ed25519"));
}

static void
test_published_notes(void **state)
{
	struct note_verifier v;
	struct checkpoint cp;
	struct redress_error err;
	size_t text_len = 0;
	char *copy;

	(void)state;
	load_vkey(foo_vkey, &v);
	assert_int_equal(note_verify(foo_note, strlen(foo_note), &v, &text_len, &err), REDRESS_OK);
	assert_int_equal(text_len, strlen("This is an example message.\n"));

	load_vkey(sumdb_vkey, &v);
	assert_string_equal(v.name, "sum.golang.org");
	assert_int_equal(note_verify(sumdb_note, strlen(sumdb_note), &v, &text_len, &err), REDRESS_OK);
	assert_int_equal(checkpoint_parse(sumdb_note, text_len, &cp, &err), REDRESS_OK);
	assert_string_equal(cp.origin, "go.sum database tree");
	assert_true(cp.size == 15368405);
	assert_int_equal(cp.root[0], 0xfe); /* "/g9a" */

	/* One bit of the size changed. */
	copy = strdup(sumdb_note);
	assert_non_null(copy);
	copy[strlen("go.sum database tree\n1536840")] = '4';
	expect_verify(copy, strlen(copy), &v, REDRESS_E_CRYPTO, "does not verify");
	free(copy);
}

/* ---- verifier keys ---- */

static void
test_vkey_refused(void **state)
{
	static const struct {
		const char *text;
		const char *needle;
	} cases[] = {
	    {"", "no '+'"},
	    {"PeterNeumann", "no '+'"},
	    {"+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name"},
	    {"Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name"},
	    {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"},
	    {"PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
	    {"PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
	    {"PeterNeumann+c74f20a3ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"},
	    {"PeterNeumann+c74f20a3+", "base64"},
	    {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64"},
	    {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW\n", "base64"},
	    {"PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!", "base64"},
	};
	struct note_verifier v, before;
	struct redress_error err;
	size_t i;

	(void)state;
	memset(&before, 0xa5, sizeof(before));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v = before;
		error_clear(&err);
		if (note_vkey_parse(cases[i].text, &v, &err) != REDRESS_E_INVALID)
			fail_msg("accepted verifier key \"%s\"", cases[i].text);
		if (strstr(err.message, cases[i].needle) == NULL)
			fail_msg("key \"%s\": message \"%s\" does not mention \"%s\"", cases[i].text,
			         err.message, cases[i].needle);
		assert_memory_equal(&v, &before, sizeof(v)); /* nothing written on failure */
	}
	assert_int_equal(note_vkey_parse(NULL, &v, &err), REDRESS_E_INVALID);
}

static void
test_vkey_algorithm_and_hash(void **state)
{
	struct note_verifier v;
	struct redress_error err;
	struct sign_key *key = NULL;
	struct hash_sha256 st;
	uint8_t raw[33], sum[HASH_SHA256_SIZE];
	char b64[CODEC_BASE64_SIZE(33)], text[512];
	static const char name[] = "redress.example/log";

	(void)state;
	assert_int_equal(sign_key_generate(&key, &err), REDRESS_OK);

	/* Algorithm byte 0x02 (ECDSA) with a hash computed to match it: only
	 * the algorithm is wrong, and it is named. */
	raw[0] = 0x02;
	memcpy(raw + 1, sign_key_public(key), 32);
	hash_sha256_init(&st);
	hash_sha256_update(&st, name, strlen(name));
	hash_sha256_update(&st, "\n", 1);
	hash_sha256_update(&st, raw, sizeof(raw));
	hash_sha256_final(&st, sum);
	assert_int_equal(codec_base64_encode(raw, sizeof(raw), b64, sizeof(b64), &err), REDRESS_OK);
	snprintf(text, sizeof(text), "%s+%02x%02x%02x%02x+%s", name, sum[0], sum[1], sum[2], sum[3], b64);
	error_clear(&err);
	assert_int_equal(note_vkey_parse(text, &v, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "0x02 is not Ed25519"));

	/* The right algorithm byte but the hash of another name. */
	raw[0] = 0x01;
	note_key_hash("redress.example/other", sign_key_public(key), sum);
	assert_int_equal(codec_base64_encode(raw, sizeof(raw), b64, sizeof(b64), &err), REDRESS_OK);
	snprintf(text, sizeof(text), "%s+%02x%02x%02x%02x+%s", name, sum[0], sum[1], sum[2], sum[3], b64);
	error_clear(&err);
	assert_int_equal(note_vkey_parse(text, &v, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "does not match"));

	/* Upper-case hex is read as Go reads it. */
	note_key_hash(name, sign_key_public(key), sum);
	snprintf(text, sizeof(text), "%s+%02X%02X%02X%02X+%s", name, sum[0], sum[1], sum[2], sum[3], b64);
	assert_int_equal(note_vkey_parse(text, &v, &err), REDRESS_OK);
	assert_memory_equal(v.public_key, sign_key_public(key), 32);

	sign_key_free(&key);
}

static void
test_vkey_round_trip(void **state)
{
	struct note_verifier v;
	struct redress_error err;
	struct sign_key *key = NULL;
	struct buf b;
	char longname[NOTE_NAME_MAX + 2];
	uint8_t kh[4];

	(void)state;
	assert_int_equal(sign_key_generate(&key, &err), REDRESS_OK);
	buf_init(&b, 4096);
	note_vkey_format(&b, "redress.example/fund-2015", sign_key_public(key));
	assert_int_equal(buf_error(&b, &err), REDRESS_OK);
	assert_int_equal(note_vkey_parse(b.data, &v, &err), REDRESS_OK);
	assert_string_equal(v.name, "redress.example/fund-2015");
	assert_memory_equal(v.public_key, sign_key_public(key), SIGN_PUBLIC_SIZE);
	note_key_hash(v.name, v.public_key, kh);
	assert_memory_equal(v.key_hash, kh, 4);

	/* The longest name allowed fits the struct; one more byte is refused. */
	memset(longname, 'n', NOTE_NAME_MAX);
	longname[NOTE_NAME_MAX] = '\0';
	buf_reset(&b);
	note_vkey_format(&b, longname, sign_key_public(key));
	assert_int_equal(note_vkey_parse(b.data, &v, &err), REDRESS_OK);
	assert_int_equal(strlen(v.name), NOTE_NAME_MAX);
	longname[NOTE_NAME_MAX] = 'n';
	longname[NOTE_NAME_MAX + 1] = '\0';
	buf_reset(&b);
	note_vkey_format(&b, longname, sign_key_public(key));
	assert_int_equal(note_vkey_parse(b.data, &v, &err), REDRESS_E_INVALID);

	buf_free(&b);
	sign_key_free(&key);
}

static void
test_name_valid(void **state)
{
	char longname[NOTE_NAME_MAX + 2];

	(void)state;
	assert_true(note_name_valid("PeterNeumann"));
	assert_true(note_name_valid("redress.example/log~1"));
	assert_true(note_name_valid("a"));
	assert_false(note_name_valid(NULL));
	assert_false(note_name_valid(""));
	assert_false(note_name_valid("a+b"));
	assert_false(note_name_valid("a b"));
	assert_false(note_name_valid("a\tb"));
	assert_false(note_name_valid("a\nb"));
	assert_false(note_name_valid("a\x7f"));
	assert_false(note_name_valid("\xed\x95\x9c")); /* Hangul: valid UTF-8 but outside what we issue */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[NOTE_NAME_MAX] = '\0';
	assert_true(note_name_valid(longname));
	longname[NOTE_NAME_MAX] = 'n';
	longname[NOTE_NAME_MAX + 1] = '\0';
	assert_false(note_name_valid(longname));
}

/* ---- signing and verifying ---- */

static void
test_round_trip(void **state)
{
	static const char
	    *const
	        texts[] =
	            {
	                "\n",
	                "one line\n",
	                "a\n\nblank lines inside\n\n",
	                "\xed\x94\xbc\xed\x95\xb4\xec\x9e\x90 \xe8\xa2\xab\xe5\xae\xb3\xe8\x80\x85 "
	                "survivor\n", /* Korean,
	                                 Japanese
	                               */
	                "tab-free \x7f DEL is not a control character the spec forbids\n",
	                c2sp_checkpoint,
	            };
	struct note_verifier v;
	struct redress_error err;
	struct sign_key *key = NULL;
	struct buf b, vk;
	size_t i, text_len;

	(void)state;
	assert_int_equal(sign_key_generate(&key, &err), REDRESS_OK);
	buf_init(&vk, 4096);
	note_vkey_format(&vk, "redress.example/log", sign_key_public(key));
	load_vkey(vk.data, &v);

	buf_init(&b, TEST_BUF_MAX);
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		buf_reset(&b);
		if (note_sign(&b, texts[i], strlen(texts[i]), "redress.example/log", key, &err) != REDRESS_OK)
			fail_msg("sign %zu: %s", i, err.message);
		text_len = 0;
		if (note_verify(b.data, b.len, &v, &text_len, &err) != REDRESS_OK)
			fail_msg("verify %zu: %s", i, err.message);
		assert_int_equal(text_len, strlen(texts[i]));
		assert_memory_equal(b.data, texts[i], text_len);
		/* A NULL text_len_r is allowed. */
		assert_int_equal(note_verify(b.data, b.len, &v, NULL, &err), REDRESS_OK);
	}

	/* Appending: a second signature by another key, in Go's style. */
	{
		struct sign_key *other = NULL;
		struct note_verifier ov;
		struct buf ob, onote;

		assert_int_equal(sign_key_generate(&other, &err), REDRESS_OK);
		buf_init(&ob, 4096);
		note_vkey_format(&ob, "witness.example", sign_key_public(other));
		load_vkey(ob.data, &ov);
		buf_init(&onote, TEST_BUF_MAX);
		assert_int_equal(note_sign(&onote, go_text, strlen(go_text), "witness.example", other, &err),
		                 REDRESS_OK);
		buf_reset(&b);
		assert_int_equal(note_sign(&b, go_text, strlen(go_text), "redress.example/log", key, &err),
		                 REDRESS_OK);
		/* The witness's signature line, after the log's. */
		buf_puts(&b, onote.data + strlen(go_text) + 1);
		assert_int_equal(note_verify(b.data, b.len, &v, &text_len, &err), REDRESS_OK);
		assert_int_equal(note_verify(b.data, b.len, &ov, &text_len, &err), REDRESS_OK);
		assert_int_equal(text_len, strlen(go_text));
		buf_free(&ob);
		buf_free(&onote);
		sign_key_free(&other);
	}

	buf_free(&b);
	buf_free(&vk);
	sign_key_free(&key);
}

static void
test_sign_refused(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *needle;
	} cases[] = {
	    {"", 0, "newline"},
	    {"abc", 3, "newline"},
	    {"abc\nd", 5, "newline"},
	    {"a\x01\n", 3, "byte 1"},
	    {"a\tb\n", 4, "byte 1"},
	    {"a\rb\n", 4, "byte 1"},
	    {"a\0b\n", 4, "byte 1"},
	    {"\xff\n", 2, "byte 0"},
	    {"\xc0\x80\n", 3, "byte 0"},         /* overlong NUL */
	    {"x\xed\xa0\x80\n", 5, "byte 1"},    /* a surrogate */
	    {"\xf4\x90\x80\x80\n", 5, "byte 0"}, /* above U+10FFFF */
	    {"ab\xe2\x80\n", 5, "byte 2"},       /* cut short */
	    {"\x80\n", 2, "byte 0"},             /* a lone continuation byte */
	};
	struct redress_error err;
	struct sign_key *key = NULL;
	struct buf b;
	size_t i;

	(void)state;
	assert_int_equal(sign_key_generate(&key, &err), REDRESS_OK);
	buf_init(&b, TEST_BUF_MAX);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		error_clear(&err);
		if (note_sign(&b, cases[i].text, cases[i].len, "k", key, &err) != REDRESS_E_INVALID)
			fail_msg("signed bad text %zu", i);
		if (strstr(err.message, cases[i].needle) == NULL)
			fail_msg("case %zu: message \"%s\" does not mention \"%s\"", i, err.message,
			         cases[i].needle);
		assert_int_equal(b.len, 0); /* nothing appended */
	}
	assert_int_equal(note_sign(&b, NULL, 0, "k", key, &err), REDRESS_E_INVALID);

	/* Names that cannot be written on a signature line or a key. */
	assert_int_equal(note_sign(&b, "x\n", 2, "", key, &err), REDRESS_E_INVALID);
	assert_int_equal(note_sign(&b, "x\n", 2, "a+b", key, &err), REDRESS_E_INVALID);
	assert_int_equal(note_sign(&b, "x\n", 2, "a b", key, &err), REDRESS_E_INVALID);
	assert_int_equal(note_sign(&b, "x\n", 2, NULL, key, &err), REDRESS_E_INVALID);
	assert_int_equal(b.len, 0);
	buf_free(&b);

	/* A buffer too small for the note fails with its sticky error. */
	buf_init(&b, 64);
	assert_int_equal(note_sign(&b, go_text, strlen(go_text), "k", key, &err), REDRESS_E_OVERFLOW);
	buf_free(&b);

	/* A text so long that the signed note would pass NOTE_MAX_SIZE. */
	{
		char *big = malloc(NOTE_MAX_SIZE);

		assert_non_null(big);
		memset(big, 'a', NOTE_MAX_SIZE);
		big[NOTE_MAX_SIZE - 51] = '\n';
		buf_init(&b, TEST_BUF_MAX);
		error_clear(&err);
		assert_int_equal(note_sign(&b, big, NOTE_MAX_SIZE - 50, "k", key, &err), REDRESS_E_INVALID);
		assert_non_null(strstr(err.message, "exceed"));
		buf_free(&b);
		free(big);
	}
	sign_key_free(&key);
}

static void
test_verify_malformed(void **state)
{
	struct note_verifier peter;
	char msg[512];
	size_t n;

	(void)state;
	load_vkey(peter_vkey, &peter);

	expect_verify("", 0, &peter, REDRESS_E_INVALID, "no blank line");
	expect_verify(NULL, 0, &peter, REDRESS_E_INVALID, "no blank line");
	expect_verify(NULL, 5, &peter, REDRESS_E_INVALID, NULL);
	expect_verify("\n", 1, &peter, REDRESS_E_INVALID, "no blank line");
	expect_verify("\n\n", 2, &peter, REDRESS_E_INVALID, "no signature line");
	/* Missing blank line: the signature runs straight on from the text. */
	expect_note(go_text, peter_sig, NULL, NULL, &peter, REDRESS_E_INVALID, "no blank line");
	/* A trailing blank line after the signatures. */
	expect_note(go_text, "\n", peter_sig, "\n", &peter, REDRESS_E_INVALID, "no signature line");

	/* Dashes that are not U+2014 followed by a space. */
	expect_note(
	    go_text, "\n",
	    "- PeterNeumann "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	    NULL, &peter, REDRESS_E_INVALID, "em dash");
	expect_note(
	    go_text, "\n",
	    "\xe2\x80\x93 PeterNeumann " /* en dash */
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	    NULL, &peter, REDRESS_E_INVALID, "em dash");
	expect_note(
	    go_text, "\n",
	    "\xe2\x80\x94PeterNeumann "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	    NULL, &peter, REDRESS_E_INVALID, "em dash");
	expect_note(go_text, "\n", "\xe2\x80\x94\n", NULL, &peter, REDRESS_E_INVALID, "em dash");
	expect_note(go_text, "\n", "\xe2\x80\x94 PeterNeumann\n", NULL, &peter, REDRESS_E_INVALID,
	            "no space");

	/* Bad base64 and bad lengths. */
	expect_note(
	    go_text, "\n",
	    "\xe2\x80\x94 PeterNeumann "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
	    NULL, &peter, REDRESS_E_INVALID, "base64");
	expect_note(
	    go_text, "\n",
	    "\xe2\x80\x94 PeterNeumann "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnA!=\n",
	    NULL, &peter, REDRESS_E_INVALID, "base64");
	expect_note(
	    go_text, "\n",
	    "\xe2\x80\x94 PeterNeumann  "
	    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
	    NULL, &peter, REDRESS_E_INVALID, "base64");
	expect_note(go_text, "\n", "\xe2\x80\x94 PeterNeumann \n", NULL, &peter, REDRESS_E_INVALID, "base64");
	expect_note(go_text, "\n", "\xe2\x80\x94 PeterNeumann AAAA\n", NULL, &peter, REDRESS_E_INVALID,
	            "too short");
	/* Peter's key hash and no signature at all: malformed, not a bad signature. */
	expect_note(go_text, "\n", "\xe2\x80\x94 PeterNeumann x08gow==\n", NULL, &peter, REDRESS_E_INVALID,
	            "too short");

	/* Names the specification forbids on any signature line. */
	expect_note(go_text, "\n", "\xe2\x80\x94 a+b AAAAAAAA\n", NULL, &peter, REDRESS_E_INVALID,
	            "key name");
	expect_note(go_text, "\n",
	            "\xe2\x80\x94 a\xc2\xa0"
	            "b AAAAAAAA\n",
	            NULL, &peter, REDRESS_E_INVALID, "key name"); /* U+00A0 */
	expect_note(go_text, "\n",
	            "\xe2\x80\x94 a\xe3\x80\x80"
	            "b AAAAAAAA\n",
	            NULL, &peter, REDRESS_E_INVALID, "key name"); /* U+3000 */
	expect_note(go_text, "\n", "\xe2\x80\x94  AAAAAAAA\n", NULL, &peter, REDRESS_E_INVALID, "key name");

	/* Control characters and bad UTF-8 anywhere, even in the text. */
	n = (size_t)snprintf(msg, sizeof(msg), "a%cb\n\n%s", '\0', peter_sig);
	expect_verify(msg, n, &peter, REDRESS_E_INVALID, "byte 1");
	expect_note("a\tb\n\n", peter_sig, NULL, NULL, &peter, REDRESS_E_INVALID, "byte 1");
	expect_note("a\r\n\n", peter_sig, NULL, NULL, &peter, REDRESS_E_INVALID, "byte 1");
	expect_note(go_text, "\n", peter_sig, "\x1b", &peter, REDRESS_E_INVALID, NULL);
	expect_note("\xed\xa0\x80\n\n", peter_sig, NULL, NULL, &peter, REDRESS_E_INVALID, "byte 0");
	expect_note("\xc1\xbf\n\n", peter_sig, NULL, NULL, &peter, REDRESS_E_INVALID, "byte 0");
	expect_note(go_text, "\n", peter_sig, "\xe2\x80\x94 x AAAAAAAA\xff\n", &peter, REDRESS_E_INVALID,
	            NULL);

	/* A sequence cut short by the end of the message is refused without
	 * reading past it: the copy is exactly as long as the message, so
	 * AddressSanitizer sees any read beyond. */
	{
		static const char *const tails[] = {"\xe2", "\xe2\x80", "\xf0\x9f\x98", "\xc3"};
		struct buf b;
		char *exact;
		size_t t;

		for (t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			join(&b, go_text, "\n", peter_sig, tails[t]);
			exact = malloc(b.len);
			assert_non_null(exact);
			memcpy(exact, b.data, b.len);
			expect_verify(exact, b.len, &peter, REDRESS_E_INVALID, "not UTF-8");
			free(exact);
			buf_free(&b);
		}
	}
}

static void
test_verify_crypto(void **state)
{
	struct note_verifier peter, imposter_v;
	struct redress_error err;
	struct sign_key *imposter = NULL;
	struct buf b, tampered, vk;
	uint8_t raw[4 + 64 + 1];
	char b64[CODEC_BASE64_SIZE(sizeof(raw))], line[256];
	size_t i;

	(void)state;
	load_vkey(peter_vkey, &peter);

	/* Tampered text. */
	join(&tampered, go_text, "\n", peter_sig, NULL);
	memcpy(strstr(tampered.data, "cryptography"), "cryptographY", 12);
	expect_verify(tampered.data, tampered.len, &peter, REDRESS_E_CRYPTO, "does not verify");
	buf_free(&tampered);

	/* Tampered signature: one base64 character changed in the
	 * signature proper (after the key hash), still 68 bytes. */
	join(&tampered, go_text, "\n", peter_sig, NULL);
	i = strlen(go_text) + 1 + strlen("\xe2\x80\x94 PeterNeumann ") + 40;
	tampered.data[i] = tampered.data[i] == 'A' ? 'B' : 'A';
	expect_verify(tampered.data, tampered.len, &peter, REDRESS_E_CRYPTO, "signature line 1");
	buf_free(&tampered);

	/* Wrong key hash: "xxxx" for the hash, as note_test.go does; the
	 * signature is then another key's and ignored, leaving none. */
	join(&tampered, go_text, "\n", peter_sig, NULL);
	memcpy(strstr(tampered.data, "x08g"), "xxxx", 4);
	expect_verify(tampered.data, tampered.len, &peter, REDRESS_E_CRYPTO, "not signed by key");
	buf_free(&tampered);

	/* Same name, another key: its hash differs, so it is ignored. */
	assert_int_equal(sign_key_generate(&imposter, &err), REDRESS_OK);
	buf_init(&b, TEST_BUF_MAX);
	assert_int_equal(note_sign(&b, go_text, strlen(go_text), "PeterNeumann", imposter, &err), REDRESS_OK);
	expect_verify(b.data, b.len, &peter, REDRESS_E_CRYPTO, "not signed by key PeterNeumann+c74f20a3");
	/* ... and the imposter's own verifier accepts it, so the note is sound. */
	buf_init(&vk, 4096);
	note_vkey_format(&vk, "PeterNeumann", sign_key_public(imposter));
	load_vkey(vk.data, &imposter_v);
	assert_int_equal(note_verify(b.data, b.len, &imposter_v, NULL, &err), REDRESS_OK);
	/* Peter's real signature beside it verifies. */
	buf_puts(&b, peter_sig);
	assert_int_equal(note_verify(b.data, b.len, &peter, NULL, &err), REDRESS_OK);
	buf_free(&b);
	buf_free(&vk);

	/* Peter's name and key hash on a signature of the wrong length. */
	memcpy(raw, peter.key_hash, 4);
	memset(raw + 4, 0x5a, sizeof(raw) - 4);
	assert_int_equal(codec_base64_encode(raw, 5, b64, sizeof(b64), &err), REDRESS_OK);
	snprintf(line, sizeof(line), "\xe2\x80\x94 PeterNeumann %s\n", b64);
	expect_note(go_text, "\n", peter_sig, line, &peter, REDRESS_E_CRYPTO, "signature line 2");
	assert_int_equal(codec_base64_encode(raw, sizeof(raw), b64, sizeof(b64), &err), REDRESS_OK);
	snprintf(line, sizeof(line), "\xe2\x80\x94 PeterNeumann %s\n", b64);
	expect_note(go_text, "\n", line, peter_sig, &peter, REDRESS_E_CRYPTO, "signature line 1");
	/* Right length, garbage signature. */
	assert_int_equal(codec_base64_encode(raw, 68, b64, sizeof(b64), &err), REDRESS_OK);
	snprintf(line, sizeof(line), "\xe2\x80\x94 PeterNeumann %s\n", b64);
	expect_note(go_text, "\n", peter_sig, line, &peter, REDRESS_E_CRYPTO, "does not verify");

	/* Peter's good signature with one byte more after it. */
	{
		size_t blen = 0;

		assert_int_equal(codec_base64_decode(strrchr(peter_sig, ' ') + 1,
		                                     strlen(strrchr(peter_sig, ' ') + 1) - 1, raw,
		                                     sizeof(raw), &blen, &err),
		                 REDRESS_OK);
		assert_int_equal(blen, 68);
		raw[68] = 0;
		assert_int_equal(codec_base64_encode(raw, 69, b64, sizeof(b64), &err), REDRESS_OK);
		snprintf(line, sizeof(line), "\xe2\x80\x94 PeterNeumann %s\n", b64);
		expect_note(go_text, "\n", line, NULL, &peter, REDRESS_E_CRYPTO, "does not verify");
	}

	/* Unknown keys are ignored whatever their signature's length, and
	 * under any name the specification allows, ASCII or not. */
	memset(raw, 0x33, sizeof(raw));
	assert_int_equal(codec_base64_encode(raw, 5, b64, sizeof(b64), &err), REDRESS_OK);
	snprintf(line, sizeof(line), "\xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac.example/log %s\n", b64);
	expect_note(go_text, "\n", line, peter_sig, &peter, REDRESS_OK, NULL);
	expect_note(go_text, "\n", line, NULL, &peter, REDRESS_E_CRYPTO, "not signed");
	/* Peter's name with another hash, or another name with Peter's hash. */
	snprintf(line, sizeof(line), "\xe2\x80\x94 PeterNeumann %s\n", b64);
	expect_note(go_text, "\n", peter_sig, line, &peter, REDRESS_OK, NULL);
	memcpy(raw, peter.key_hash, 4);
	assert_int_equal(codec_base64_encode(raw, sizeof(raw), b64, sizeof(b64), &err), REDRESS_OK);
	snprintf(line, sizeof(line), "\xe2\x80\x94 PeterNeuman %s\n", b64);
	expect_note(go_text, "\n", peter_sig, line, &peter, REDRESS_OK, NULL);

	sign_key_free(&imposter);
}

static void
test_verify_limits(void **state)
{
	struct note_verifier peter;
	struct buf b;
	char *big;
	int i;

	(void)state;
	load_vkey(peter_vkey, &peter);

	/* NOTE_MAX_SIGNATURES lines are read; one more is refused. */
	join(&b, go_text, "\n", NULL, NULL);
	for (i = 0; i < NOTE_MAX_SIGNATURES; i++)
		buf_puts(&b, peter_sig);
	expect_verify(b.data, b.len, &peter, REDRESS_OK, NULL);
	buf_puts(&b, peter_sig);
	expect_verify(b.data, b.len, &peter, REDRESS_E_INVALID, "101 signature lines");
	buf_free(&b);
	/* Unknown keys count too. */
	join(&b, go_text, "\n", peter_sig, NULL);
	for (i = 0; i < NOTE_MAX_SIGNATURES; i++)
		buf_puts(&b, enoch_sig);
	expect_verify(b.data, b.len, &peter, REDRESS_E_INVALID, "limit of 100");
	buf_free(&b);

	/* A note over NOTE_MAX_SIZE is refused before anything is read. */
	big = malloc(NOTE_MAX_SIZE + 1);
	assert_non_null(big);
	memset(big, 'a', NOTE_MAX_SIZE + 1);
	expect_verify(big, NOTE_MAX_SIZE + 1, &peter, REDRESS_E_INVALID, "over the limit");
	free(big);
}

/* ---- checkpoints ---- */

static void
test_checkpoint_c2sp_example(void **state)
{
	struct checkpoint cp;
	struct redress_error err;
	struct buf b;

	(void)state;
	assert_int_equal(checkpoint_parse(c2sp_checkpoint, strlen(c2sp_checkpoint), &cp, &err), REDRESS_OK);
	assert_string_equal(cp.origin, "example.com/behind-the-sofa");
	assert_int_equal(cp.size, 20852163);
	assert_int_equal(cp.root[0], 0x0a);
	assert_int_equal(cp.root[31], 0x62);
	buf_init(&b, 4096);
	checkpoint_format(&b, &cp);
	assert_int_equal(buf_error(&b, &err), REDRESS_OK);
	assert_string_equal(b.data, c2sp_checkpoint);
	buf_free(&b);
}

static void
test_checkpoint_round_trip(void **state)
{
	static const uint64_t sizes[] = {0, 1, 9, 10, 20852163, 1000000000000ULL, (uint64_t)INT64_MAX};
	struct checkpoint cp, back;
	struct redress_error err;
	struct buf b;
	size_t i;

	(void)state;
	buf_init(&b, 4096);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&cp, 0, sizeof(cp));
		snprintf(cp.origin, sizeof(cp.origin), "redress.example/log/%zu", i);
		cp.size = sizes[i];
		hash_sha256(&cp.size, sizeof(cp.size), cp.root);
		buf_reset(&b);
		checkpoint_format(&b, &cp);
		assert_int_equal(buf_error(&b, &err), REDRESS_OK);
		memset(&back, 0x77, sizeof(back));
		if (checkpoint_parse(b.data, b.len, &back, &err) != REDRESS_OK)
			fail_msg("%s: %s", b.data, err.message);
		assert_string_equal(back.origin, cp.origin);
		assert_true(back.size == cp.size);
		assert_memory_equal(back.root, cp.root, sizeof(cp.root));
	}

	/* Extension lines are allowed and ignored. */
	buf_puts(&b, "extension one\n\xe2\x80\x94 not a signature here\n");
	assert_int_equal(checkpoint_parse(b.data, b.len, &back, &err), REDRESS_OK);
	assert_true(back.size == (uint64_t)INT64_MAX);

	/* The longest origin allowed. */
	memset(cp.origin, 'o', CHECKPOINT_ORIGIN_MAX);
	cp.origin[CHECKPOINT_ORIGIN_MAX] = '\0';
	buf_reset(&b);
	checkpoint_format(&b, &cp);
	assert_int_equal(checkpoint_parse(b.data, b.len, &back, &err), REDRESS_OK);
	assert_string_equal(back.origin, cp.origin);
	buf_free(&b);
}

static void
test_checkpoint_malformed(void **state)
{
	static const char root[] = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
	static const struct {
		const char *text;
		const char *needle;
	} cases[] = {
	    {"", "line 1 (origin)"},
	    {"\n", "line 1 (origin) is empty"},
	    {"\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 1 (origin) is empty"},
	    {"o\n", "line 2 (tree size) is missing"},
	    {"o\n5\n", "line 3 (root hash) is missing"},
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "does not end in a newline"},
	    {"o\n\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n007\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n 5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n5 \nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n1e3\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n0x10\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n9223372036854775808\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 (tree size)"},
	    {"o\n99999999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n",
	     "line 2 (tree size)"},
	    {"o\n5\n\n", "line 3 (root hash)"},
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "line 3 (root hash)"},  /* no padding */
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n", "line 3 (root hash)"},  /* 31 bytes */
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n", "line 3 (root hash)"}, /* 33 bytes */
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=AAAA\n", "line 3 (root hash)"},
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", "line 3 (root hash)"}, /* URL alphabet */
	    {"o\n5\n CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 3 (root hash)"},
	    {"o\n5\n0a4e59a6a1863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62\n",
	     "line 3 (root hash)"},
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n", "line 4 (extension) is empty"},
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next\n\n", "line 5 (extension) is empty"},
	    {"o\x01\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 1 holds a control character"},
	    {"o\n5\r\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "line 2 holds a control character"},
	    {"o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\ne\tx\n",
	     "line 4 holds a control character"},
	};
	struct checkpoint cp, before;
	struct redress_error err;
	char text[512], origin[CHECKPOINT_ORIGIN_MAX + 2];
	size_t i, n;

	(void)state;
	memset(&before, 0x5c, sizeof(before));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cp = before;
		error_clear(&err);
		if (checkpoint_parse(cases[i].text, strlen(cases[i].text), &cp, &err) != REDRESS_E_INVALID)
			fail_msg("accepted checkpoint %zu:\n%s", i, cases[i].text);
		if (strstr(err.message, cases[i].needle) == NULL)
			fail_msg("checkpoint %zu: message \"%s\" does not name \"%s\"", i, err.message,
			         cases[i].needle);
		assert_memory_equal(&cp, &before, sizeof(cp)); /* nothing written on failure */
	}

	/* A NUL inside the origin would cut it short: refused. */
	n = (size_t)snprintf(text, sizeof(text), "a%cb\n5\n%s\n", '\0', root);
	error_clear(&err);
	assert_int_equal(checkpoint_parse(text, n, &cp, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "line 1 holds a control character at column 2"));

	/* An origin one byte over the limit. */
	memset(origin, 'o', CHECKPOINT_ORIGIN_MAX + 1);
	origin[CHECKPOINT_ORIGIN_MAX + 1] = '\0';
	n = (size_t)snprintf(text, sizeof(text), "%s\n5\n%s\n", origin, root);
	error_clear(&err);
	assert_int_equal(checkpoint_parse(text, n, &cp, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "line 1 (origin) is 257 bytes"));

	assert_int_equal(checkpoint_parse(NULL, 3, &cp, &err), REDRESS_E_INVALID);
	assert_int_equal(checkpoint_parse(NULL, 0, &cp, &err), REDRESS_E_INVALID);
}

static void
test_checkpoint_signed(void **state)
{
	struct note_verifier v;
	struct checkpoint cp, back;
	struct redress_error err;
	struct sign_key *key;
	struct buf body, note;
	size_t text_len;

	(void)state;
	key = peter_key();
	load_vkey(peter_vkey, &v);

	memset(&cp, 0, sizeof(cp));
	snprintf(cp.origin, sizeof(cp.origin), "%s", "PeterNeumann");
	cp.size = 8;
	/* RFC 6962's test tree of eight leaves has this root. */
	{
		static const uint8_t root8[32] = {0x5d, 0xc9, 0xda, 0x79, 0xa7, 0x06, 0x59, 0xa9,
		                                  0xad, 0x55, 0x9c, 0xb7, 0x01, 0xde, 0xd9, 0xa2,
		                                  0xab, 0x9d, 0x82, 0x3a, 0xad, 0x2f, 0x49, 0x60,
		                                  0xcf, 0xe3, 0x70, 0xef, 0xf4, 0x60, 0x43, 0x28};
		memcpy(cp.root, root8, sizeof(root8));
	}
	buf_init(&body, 4096);
	checkpoint_format(&body, &cp);
	assert_int_equal(buf_error(&body, &err), REDRESS_OK);
	buf_init(&note, 4096);
	assert_int_equal(note_sign(&note, body.data, body.len, "PeterNeumann", key, &err), REDRESS_OK);

	assert_int_equal(note_verify(note.data, note.len, &v, &text_len, &err), REDRESS_OK);
	assert_int_equal(text_len, body.len);
	assert_int_equal(checkpoint_parse(note.data, text_len, &back, &err), REDRESS_OK);
	assert_string_equal(back.origin, cp.origin);
	assert_true(back.size == 8);
	assert_memory_equal(back.root, cp.root, 32);

	/* The size changed after signing: the signature no longer holds. */
	note.data[strlen("PeterNeumann\n")] = '9';
	expect_verify(note.data, note.len, &v, REDRESS_E_CRYPTO, "does not verify");

	buf_free(&body);
	buf_free(&note);
	sign_key_free(&key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_go_vkey),
	    cmocka_unit_test(test_go_open),
	    cmocka_unit_test(test_go_sign),
	    cmocka_unit_test(test_go_bad_messages),
	    cmocka_unit_test(test_go_invalid_signature),
	    cmocka_unit_test(test_go_vkey_manglings),
	    cmocka_unit_test(test_published_notes),
	    cmocka_unit_test(test_vkey_refused),
	    cmocka_unit_test(test_vkey_algorithm_and_hash),
	    cmocka_unit_test(test_vkey_round_trip),
	    cmocka_unit_test(test_name_valid),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_sign_refused),
	    cmocka_unit_test(test_verify_malformed),
	    cmocka_unit_test(test_verify_crypto),
	    cmocka_unit_test(test_verify_limits),
	    cmocka_unit_test(test_checkpoint_c2sp_example),
	    cmocka_unit_test(test_checkpoint_round_trip),
	    cmocka_unit_test(test_checkpoint_malformed),
	    cmocka_unit_test(test_checkpoint_signed),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
