/*
 * users_auth.c -- what signing in needs beyond a password: the TOTP second
 * factor (enrolment and checking a code), API tokens (issue, revoke,
 * authenticate) and account locks.  Each change is an event, written
 * through users_apply.c like every users event.
 *
 * Secrets: a TOTP secret is sealed under the master key before it enters
 * an event; the otpauth URI that carries it in clear goes only to the
 * caller, who shows it once.  A token's text goes only to the caller; the
 * log and the tables hold its SHA-256.  Every local copy is wiped.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/totp.h"
#include "domain/users/users_int.h"

#define USERS_EVENT_DATA_MAX 4096
#define TOKEN_RANDOM_SIZE    32
/* "rdt_" and the unpadded base64url of TOKEN_RANDOM_SIZE bytes. */
#define TOKEN_TEXT_LEN (sizeof(USERS_TOKEN_PREFIX) - 1 + (TOKEN_RANDOM_SIZE * 4 + 2) / 3)

_Static_assert(TOKEN_TEXT_LEN < USERS_TOKEN_SIZE, "a token's text fits USERS_TOKEN_SIZE");

/* One message for every token refused but a locked account's, so it tells nothing of which tokens exist. */
#define USERS_TOKEN_REFUSED "API token refused: it is malformed, unknown or revoked"

int
users_role_needs_totp(enum role role)
{
	return role == ROLE_ADMIN || role == ROLE_REVIEWER || role == ROLE_FINANCE || role == ROLE_APPEALS;
}

/* USERS_Q_ACCOUNT_GET's row: the role and the pending role (NULL: "") borrowed, the flags as read. */
struct account_read {
	const char *role;
	bool has_totp, locked;
	int64_t tokens;
	bool disabled, must_change;
	const char *pending_role;
};

static const struct store_field account_fields[] = {
    STORE_FIELD_TEXT(struct account_read, role),
    STORE_FIELD(struct account_read, has_totp),
    STORE_FIELD(struct account_read, locked),
    STORE_FIELD(struct account_read, tokens),
    STORE_FIELD(struct account_read, disabled),
    STORE_FIELD(struct account_read, must_change),
    STORE_FIELD_TEXT(struct account_read, pending_role),
};

enum redress_err
users_account_get(struct store *store, const char *name, struct users_account *acct_r,
                  struct redress_error *err)
{
	struct account_read row;
	struct store_stmt *st;
	enum redress_err rc;

	if ((rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &users_catalogue, USERS_Q_ACCOUNT_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, name);
	switch (store_read(st, account_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no account '%.64s'", name);
	default: return err->code;
	}
	memset(acct_r, 0, sizeof(*acct_r));
	memcpy(acct_r->name, name, strlen(name) + 1);
	if (users_role_parse(row.role, &acct_r->role, NULL) != REDRESS_OK)
		return error_set(
		    err, REDRESS_E_STORE,
		    "account '%.64s' has a malformed row in the database (run 'redress audit verify')", name);
	acct_r->has_totp = row.has_totp;
	acct_r->locked = row.locked;
	acct_r->tokens = (uint64_t)row.tokens;
	acct_r->disabled = row.disabled;
	acct_r->must_change = row.must_change;
	/* A NULL pending role reads as "", which is no role. */
	if (row.pending_role[0] != '\0' &&
	    users_role_parse(row.pending_role, &acct_r->pending_role, NULL) == REDRESS_OK)
		acct_r->has_pending_role = 1;
	return REDRESS_OK;
}

/* Appends s to out with every byte but RFC 3986's unreserved ones percent-encoded. */
static void
url_escape(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~') {
			buf_putc(out, (char)c);
		} else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

/* The otpauth:// URI of name's secret into uri. */
static enum redress_err
totp_uri(const char *name, const uint8_t secret[TOTP_SECRET_SIZE], char *uri, size_t uri_size,
         struct redress_error *err)
{
	char base32[TOTP_BASE32_SIZE];
	struct buf b;
	enum redress_err rc;

	if ((rc = totp_secret_base32(secret, TOTP_SECRET_SIZE, base32, sizeof(base32), err)) != REDRESS_OK)
		return rc;
	buf_init(&b, uri_size > 0 ? uri_size - 1 : 0);
	buf_puts(&b, "otpauth://totp/redress:");
	url_escape(&b, name);
	buf_printf(&b, "?secret=%s&issuer=redress&algorithm=SHA1&digits=%d&period=%d", base32, TOTP_DIGITS,
	           TOTP_PERIOD);
	explicit_bzero(base32, sizeof(base32));
	if ((rc = buf_error(&b, err)) == REDRESS_OK)
		memcpy(uri, b.data, b.len + 1);
	else
		rc = error_set(err, REDRESS_E_OVERFLOW,
		               "the otpauth URI of account '%s' needs more than %zu bytes", name, uri_size);
	if (b.data != NULL)
		explicit_bzero(b.data, b.cap);
	buf_free(&b);
	return rc;
}

enum redress_err
users_totp_enrol(struct tlog *log, const struct actor *actor, const struct seal_key *master, const char *name,
                 char *uri, size_t uri_size, struct redress_error *err)
{
	uint8_t secret[TOTP_SECRET_SIZE];
	char ad[USERS_SEAL_AD_SIZE];
	struct users_account acct;
	struct users_totp_row t;
	struct buf sealed, data;
	enum redress_err rc;

	if (uri_size > 0)
		uri[0] = '\0';
	if ((rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	/* An account may enrol its own second factor; others' needs the right to manage accounts. */
	if (actor == NULL || actor->bootstrap || strcmp(actor->name, name) != 0)
		if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK)
			return rc;
	if ((rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;

	buf_init(&sealed, USERS_SEALED_MAX);
	buf_init(&data, USERS_EVENT_DATA_MAX);
	totp_secret_new(secret);
	memset(&t, 0, sizeof(t));
	memcpy(t.name, name, strlen(name) + 1);
	users_totp_ad(name, ad);
	if ((rc = seal_encrypt(master, secret, sizeof(secret), ad, &sealed, err)) != REDRESS_OK)
		goto out;
	memcpy(t.secret_sealed, sealed.data, sealed.len + 1);
	if ((rc = totp_uri(name, secret, uri, uri_size, err)) != REDRESS_OK ||
	    (rc = users_encode_totp(&data, &t, err)) != REDRESS_OK ||
	    (rc = tlog_append_apply(log, &users_module, USERS_EV_TOTP_ENROLLED, &data, &t.enrolled_seq,
	                            err)) != REDRESS_OK)
		goto out;
out:
	explicit_bzero(secret, sizeof(secret));
	if (rc != REDRESS_OK && uri_size > 0)
		explicit_bzero(uri, uri_size);
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}

enum redress_err
users_totp_verify(struct store *store, const struct seal_key *master, const char *name, const char *code,
                  uint64_t unix_now, uint64_t *step_r, struct redress_error *err)
{
	char ad[USERS_SEAL_AD_SIZE];
	struct users_totp_row t;
	struct buf secret;
	enum redress_err rc;

	rc = users_name_check(name, NULL) == REDRESS_OK ? users_totp_get(store, name, &t, err)
	                                                : REDRESS_E_NOTFOUND;
	if (rc == REDRESS_E_NOTFOUND)
		return error_set(err, REDRESS_E_REFUSED,
		                 USERS_TOTP_REFUSED ": no TOTP secret is enrolled for this"
		                                    " account");
	if (rc != REDRESS_OK)
		return rc;
	users_totp_ad(name, ad);
	buf_init(&secret, TOTP_SECRET_SIZE);
	if (seal_decrypt(master, t.secret_sealed, ad, &secret, err) != REDRESS_OK) {
		rc = error_set(err, REDRESS_E_CRYPTO,
		               "account '%s': its TOTP secret does not open with this fund's master key"
		               " (wrong --keys, or the row was altered: run 'redress audit verify')",
		               name);
		goto out;
	}
	rc = totp_verify((const uint8_t *)secret.data, secret.len, code, unix_now, step_r, err);
out:
	if (secret.data != NULL)
		explicit_bzero(secret.data, secret.cap);
	buf_free(&secret);
	return rc;
}

/* The stored form of a token: the hex of the SHA-256 of its text. */
static void
token_hash(const char *token, size_t len, char hex[USERS_TOKEN_HASH_SIZE])
{
	uint8_t digest[HASH_SHA256_SIZE];

	hash_sha256(token, len, digest);
	codec_hex_encode(digest, sizeof(digest), hex, USERS_TOKEN_HASH_SIZE, NULL);
}

enum redress_err
users_token_issue(struct tlog *log, const struct actor *actor, const char *name, char *token, size_t size,
                  struct redress_error *err)
{
	uint8_t random[TOKEN_RANDOM_SIZE];
	char text[USERS_TOKEN_SIZE];
	struct users_account acct;
	struct users_token_row k;
	struct buf data;
	size_t prefix = sizeof(USERS_TOKEN_PREFIX) - 1;
	enum redress_err rc;

	if (size > 0)
		token[0] = '\0';
	if ((rc = users_name_check(name, err)) != REDRESS_OK)
		return rc;
	/*
	 * Only for itself: a token acts with the account's full power and no
	 * second factor, so one minted by an admin for a reviewer would let
	 * her decide claims as him (four eyes by one pair).
	 */
	if (actor == NULL || actor->bootstrap || strcmp(actor->name, name) != 0)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "an API token is made by its own account only: sign in as '%s' to make one"
		    " (%s may revoke it)",
		    name, actor != NULL && users_allows(actor, PERM_USERS_MANAGE) ? "you" : "an admin");
	if (size < TOKEN_TEXT_LEN + 1)
		return error_set(err, REDRESS_E_OVERFLOW, "a token needs %zu bytes, not %zu",
		                 TOKEN_TEXT_LEN + 1, size);
	if ((rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;

	buf_init(&data, USERS_EVENT_DATA_MAX);
	crypto_random(random, sizeof(random));
	memcpy(text, USERS_TOKEN_PREFIX, prefix);
	if ((rc = codec_base64url_encode(random, sizeof(random), text + prefix, sizeof(text) - prefix,
	                                 err)) != REDRESS_OK)
		goto out;
	memset(&k, 0, sizeof(k));
	token_hash(text, strlen(text), k.hash);
	memcpy(k.account, name, strlen(name) + 1);
	if ((rc = users_encode_token(&data, &k, err)) != REDRESS_OK ||
	    (rc = tlog_append_apply(log, &users_module, USERS_EV_TOKEN_ISSUED, &data, &k.issued_seq, err)) !=
	        REDRESS_OK)
		goto out;
	memcpy(token, text, strlen(text) + 1);
out:
	explicit_bzero(random, sizeof(random));
	explicit_bzero(text, sizeof(text));
	buf_free(&data);
	return rc;
}

enum redress_err
users_tokens_revoke(struct tlog *log, const struct actor *actor, const char *name, uint64_t *revoked_r,
                    struct redress_error *err)
{
	struct users_account acct;
	struct users_revoke_ev r;
	struct buf data;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;
	memset(&r, 0, sizeof(r));
	memcpy(r.name, name, strlen(name) + 1);
	r.count = (int64_t)acct.tokens;
	buf_init(&data, USERS_EVENT_DATA_MAX);
	if ((rc = users_encode_revoke(&data, &r, err)) == REDRESS_OK &&
	    (rc = tlog_append_apply(log, &users_module, USERS_EV_TOKENS_REVOKED, &data, &r.seq, err)) ==
	        REDRESS_OK &&
	    revoked_r != NULL)
		*revoked_r = acct.tokens;
	buf_free(&data);
	return rc;
}

/* 1 when token has the shape of one: the prefix, then base64url characters, TOKEN_TEXT_LEN in all. */
static int
token_wellformed(const char *token, size_t *len_r)
{
	size_t i, prefix = sizeof(USERS_TOKEN_PREFIX) - 1;

	if (token == NULL || strncmp(token, USERS_TOKEN_PREFIX, prefix) != 0)
		return 0;
	for (i = prefix; i < TOKEN_TEXT_LEN; i++) {
		char c = token[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_'))
			return 0;
	}
	*len_r = i;
	return token[i] == '\0';
}

struct users_vouched {
	pthread_rwlock_t lock; /* lookups share it (each request makes one), additions take it alone */
	const struct seal_key *master; /* the key the records opened under */
	struct vouched_slot {
		int used;
		enum role role;
		char name[USER_NAME_MAX + 1];
		char sealed[USERS_SEALED_MAX + 1];
	} slot[USERS_VOUCHED_SLOTS];
};

struct users_vouched *
users_vouched_new(const struct seal_key *master)
{
	struct users_vouched *v = calloc(1, sizeof(*v));

	if (v == NULL)
		return NULL;
	pthread_rwlock_init(&v->lock, NULL);
	v->master = master;
	return v;
}

void
users_vouched_free(struct users_vouched **v)
{
	if (*v == NULL)
		return;
	pthread_rwlock_destroy(&(*v)->lock);
	free(*v);
	*v = NULL;
}

/* a's slot: a hash (FNV-1a) of its name, so that an account keeps its slot. */
static struct vouched_slot *
vouched_slot(struct users_vouched *v, const struct users_row *a)
{
	uint32_t h = 2166136261u;
	const char *p;

	for (p = a->name; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return &v->slot[h % USERS_VOUCHED_SLOTS];
}

/* 1 when a's record, with a's name and role, opened under master before. */
static int
vouched_seen(struct users_vouched *v, const struct seal_key *master, const struct users_row *a)
{
	struct vouched_slot *s;
	int seen;

	if (v == NULL || v->master != master)
		return 0;
	s = vouched_slot(v, a);
	pthread_rwlock_rdlock(&v->lock);
	seen = s->used && s->role == a->role && strcmp(s->name, a->name) == 0 &&
	       strcmp(s->sealed, a->password_sealed) == 0;
	pthread_rwlock_unlock(&v->lock);
	return seen;
}

/* Remembers that a's record opened for a's name and role under master. */
static void
vouched_add(struct users_vouched *v, const struct seal_key *master, const struct users_row *a)
{
	struct vouched_slot *s;

	if (v == NULL || v->master != master)
		return;
	s = vouched_slot(v, a);
	pthread_rwlock_wrlock(&v->lock);
	s->used = 1;
	s->role = a->role;
	text_copy(s->name, sizeof(s->name), a->name);
	text_copy(s->sealed, sizeof(s->sealed), a->password_sealed);
	pthread_rwlock_unlock(&v->lock);
}

enum redress_err
users_token_authenticate(struct store *store, const struct seal_key *master, const char *token,
                         struct actor *actor_r, struct redress_error *err)
{
	return users_token_authenticate_vouched(store, master, NULL, token, actor_r, err);
}

/* USERS_Q_TOKEN_FIND's row, its text borrowed: copied and checked before the statement ends. */
struct token_read {
	const char *name, *role;
	bool revoked, locked;
	const char *password;
	bool disabled;
};

enum redress_err
users_token_authenticate_vouched(struct store *store, const struct seal_key *master,
                                 struct users_vouched *vouched, const char *token, struct actor *actor_r,
                                 struct redress_error *err)
{
	static const struct store_field token_fields[] = {
	    STORE_FIELD_TEXT(struct token_read, name),     STORE_FIELD_TEXT(struct token_read, role),
	    STORE_FIELD(struct token_read, revoked),       STORE_FIELD(struct token_read, locked),
	    STORE_FIELD_TEXT(struct token_read, password), STORE_FIELD(struct token_read, disabled),
	};
	char hash[USERS_TOKEN_HASH_SIZE];
	struct token_read row;
	struct store_stmt *st;
	struct users_row a;
	struct buf opened;
	enum redress_err rc;
	int malformed, revoked, locked, disabled;
	size_t len;

	if (!token_wellformed(token, &len))
		return error_set(err, REDRESS_E_REFUSED, USERS_TOKEN_REFUSED);
	token_hash(token, len, hash);
	if ((st = store_statement(store, &users_catalogue, USERS_Q_TOKEN_FIND, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, hash);
	switch (store_read(st, token_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_REFUSED, USERS_TOKEN_REFUSED);
	default: return err->code;
	}
	/* One row at most: copied, and the statement ended at once, so no snapshot outlives the lookup. */
	memset(&a, 0, sizeof(a));
	malformed = users_role_parse(row.role, &a.role, NULL) != REDRESS_OK ||
	            strlen(row.name) >= sizeof(a.name) || strlen(row.password) >= sizeof(a.password_sealed);
	text_copy(a.name, sizeof(a.name), row.name);
	text_copy(a.password_sealed, sizeof(a.password_sealed), row.password);
	revoked = row.revoked;
	locked = row.locked;
	disabled = row.disabled;
	store_done(st);
	if (revoked)
		return error_set(err, REDRESS_E_REFUSED, USERS_TOKEN_REFUSED);
	if (malformed)
		return error_set(
		    err, REDRESS_E_STORE,
		    "account '%.64s' has a malformed row in the database (run 'redress audit verify')",
		    a.name);
	if (locked)
		return error_set(err, REDRESS_E_REFUSED,
		                 "API token refused: account '%.64s' is locked; an admin can unlock it"
		                 " ('redress user unlock %.64s')",
		                 a.name, a.name);
	if (disabled)
		return error_set(err, REDRESS_E_REFUSED,
		                 "API token refused: account '%.64s' is disabled; an admin can enable it"
		                 " ('redress user enable %.64s')",
		                 a.name, a.name);
	/* The role is the one the account's sealed record was made for, not merely what the row says. */
	if (!vouched_seen(vouched, master, &a)) {
		buf_init_secret(&opened, USERS_SEALED_MAX);
		rc = users_open_password(master, &a, &opened, err);
		buf_free(&opened);
		if (rc == REDRESS_E_NOMEM)
			return rc;
		if (rc != REDRESS_OK)
			return error_set(
			    err, REDRESS_E_REFUSED,
			    "API token refused: account '%s': its password record does not open for"
			    " the role its row names (the row was altered: run 'redress audit verify')",
			    a.name);
		vouched_add(vouched, master, &a);
	}
	memset(actor_r, 0, sizeof(*actor_r));
	memcpy(actor_r->name, a.name, sizeof(actor_r->name));
	actor_r->role = a.role;
	actor_r->bootstrap = 0;
	return REDRESS_OK;
}

enum redress_err
users_lock(struct tlog *log, const char *name, const char *reason, struct redress_error *err)
{
	struct users_account acct;
	struct users_lock_row l;
	struct buf data;
	enum redress_err rc;

	if ((rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK ||
	    (rc = text_check("a lock's reason", reason, USERS_REASON_MAX, err)) != REDRESS_OK)
		return rc;
	if (acct.locked)
		return REDRESS_OK;
	memset(&l, 0, sizeof(l));
	memcpy(l.name, name, strlen(name) + 1);
	memcpy(l.reason, reason, strlen(reason) + 1);
	buf_init(&data, USERS_EVENT_DATA_MAX);
	if ((rc = users_encode_lock(&data, &l, 1, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &users_module, USERS_EV_LOCKED, &data, &l.locked_seq, err);
	buf_free(&data);
	return rc;
}

enum redress_err
users_unlock(struct tlog *log, const struct actor *actor, const char *name, struct redress_error *err)
{
	struct users_account acct;
	struct users_lock_row l;
	struct buf data;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_USERS_MANAGE, err)) != REDRESS_OK ||
	    (rc = users_account_get(tlog_store(log), name, &acct, err)) != REDRESS_OK)
		return rc;
	if (!acct.locked)
		return error_set(err, REDRESS_E_CONFLICT, "account '%s' is not locked", name);
	memset(&l, 0, sizeof(l));
	memcpy(l.name, name, strlen(name) + 1);
	buf_init(&data, USERS_EVENT_DATA_MAX);
	if ((rc = users_encode_lock(&data, &l, 0, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &users_module, USERS_EV_UNLOCKED, &data, &l.locked_seq, err);
	buf_free(&data);
	return rc;
}
