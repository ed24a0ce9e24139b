/*
 * session.c -- signed-in browser sessions, kept in the database (the
 * sessions module's table), shared by every server of the fund, with a
 * short cache in memory.
 *
 * The cookie carries a 256-bit random token.  The database holds its
 * SHA-256 (never the token), the account's keyed tag (to end all of an
 * account's sessions) and the account's name sealed under a key drawn
 * from the token, so a copy of the database hands out no live session
 * and names no one.  The CSRF token is drawn from the token too and
 * stored nowhere.  A session ends after HTTP_SESSION_IDLE_S without a
 * request, after HTTP_SESSION_ABSOLUTE_S in any case, at sign-out, and
 * when its account is locked, disabled, reset or changes its password;
 * ended on one server, it is refused by every other within
 * HTTP_SESSION_RECHECK_S.  When it was last seen reaches the database at
 * most once a minute, and at shutdown: a session may end up to a minute
 * early, never late.  Without a database (a store never attached) the
 * sessions live in memory only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/codec.h"
#include "crypto/hash.h"
#include "domain/sessions/sessions.h"
#include "http/http_int.h"

#define SEEN_WRITE_S 60 /* how stale the database's seen time may get */
#define SWEEP_S      60 /* how often expired rows are deleted */

static const char seal_context[] = "redress session account";
static const char csrf_context[] = "redress session csrf";

enum redress_err
http_sessions_init(struct http_sessions *s, struct redress_error *err)
{
	memset(s, 0, sizeof(*s));
	s->slots = calloc(HTTP_SESSIONS_MAX, sizeof(*s->slots));
	if (s->slots == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for the session table");
	pthread_mutex_init(&s->lock, NULL);
	pthread_mutex_init(&s->ended_lock, NULL);
	return REDRESS_OK;
}

/* 32 bytes drawn from token under context (BLAKE2b keyed with the token). */
static void
from_token(const char *token, const char *context, uint8_t out[32])
{
	crypto_generichash(out, 32, (const unsigned char *)context, strlen(context),
	                   (const unsigned char *)token, strlen(token));
}

/* The CSRF token of the session of token. */
static void
csrf_of(const char *token, char out[HTTP_TOKEN_TEXT_SIZE])
{
	uint8_t bytes[32];

	from_token(token, csrf_context, bytes);
	sodium_bin2base64(out, HTTP_TOKEN_TEXT_SIZE, bytes, sizeof(bytes),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(bytes, sizeof(bytes));
}

/* The key that seals the account's name of the session of token; NULL when out of memory. */
static struct seal_key *
seal_of(const char *token, struct redress_error *err)
{
	struct seal_key *key = NULL;
	uint8_t bytes[SEAL_KEY_SIZE];

	from_token(token, seal_context, bytes);
	if (seal_key_from_bytes(bytes, &key, err) != REDRESS_OK)
		key = NULL;
	sodium_memzero(bytes, sizeof(bytes));
	return key;
}

/* The account's tag in the table: a blind index, so the table does not name the account. */
static void
tag_of(const struct http_sessions *s, const char *account, char out[SESSIONS_TAG_SIZE])
{
	char value[USER_NAME_MAX + 32];

	snprintf(value, sizeof(value), "session-account:%s", account);
	seal_blind_index(s->index_key, value, out);
	sodium_memzero(value, sizeof(value));
}

static void
hex_of(const uint8_t hash[32], char out[SESSIONS_HASH_SIZE])
{
	codec_hex_encode(hash, 32, out, SESSIONS_HASH_SIZE, NULL);
}

/* Writes slot's seen time through (under s->lock). */
static void
store_seen(struct http_sessions *s, struct http_session *slot)
{
	char hex[SESSIONS_HASH_SIZE];
	struct redress_error err;

	hex_of(slot->hash, hex);
	if (sessions_seen(s->store, hex, slot->seen, &err) != REDRESS_OK)
		fprintf(stderr, "redress: when a session was last seen could not be written: %s\n",
		        err.message);
	else
		slot->stored_seen = slot->seen;
	/* An autocommit write ends, and lets the lock go, only when its statement is reset. */
	store_end_reads(s->store);
}

/* Deletes the row of the session of hash (under s->lock). */
static void
store_delete(struct http_sessions *s, const uint8_t hash[32])
{
	char hex[SESSIONS_HASH_SIZE];
	struct redress_error err;

	if (s->store == NULL)
		return;
	hex_of(hash, hex);
	if (sessions_delete(s->store, hex, &err) != REDRESS_OK)
		fprintf(stderr, "redress: an ended session could not be removed from the database: %s\n",
		        err.message);
	store_end_reads(s->store);
}

/* Deletes the expired rows, at most once every SWEEP_S (under s->lock). */
static void
sweep(struct http_sessions *s, uint64_t now)
{
	struct redress_error err;

	if (s->store == NULL || now < s->swept + SWEEP_S)
		return;
	s->swept = now;
	if (sessions_expire(s->store, now > HTTP_SESSION_IDLE_S ? now - HTTP_SESSION_IDLE_S : 0,
	                    now > HTTP_SESSION_ABSOLUTE_S ? now - HTTP_SESSION_ABSOLUTE_S : 0,
	                    &err) != REDRESS_OK ||
	    sessions_throttle_expire(s->store,
	                             now > HTTP_THROTTLE_FORGET_S ? now - HTTP_THROTTLE_FORGET_S : 0,
	                             &err) != REDRESS_OK)
		fprintf(stderr, "redress: expired sessions could not be removed from the database: %s\n",
		        err.message);
	store_end_reads(s->store);
}

static int
is_free(const struct http_session *slot)
{
	static const uint8_t zero[32];

	return memcmp(slot->hash, zero, sizeof(zero)) == 0;
}

void
http_sessions_flush(struct http_sessions *s)
{
	char(*ended)[USER_NAME_MAX + 1];
	char tag[SESSIONS_TAG_SIZE];
	struct redress_error err;
	size_t i, j, len;

	pthread_mutex_lock(&s->ended_lock);
	ended = s->ended;
	len = s->ended_len;
	s->ended = NULL;
	s->ended_len = s->ended_cap = 0;
	pthread_mutex_unlock(&s->ended_lock);
	if (len == 0) {
		free(ended);
		return;
	}
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < len; i++) {
		for (j = 0; j < HTTP_SESSIONS_MAX; j++)
			if (!is_free(&s->slots[j]) && strcmp(s->slots[j].account, ended[i]) == 0)
				sodium_memzero(&s->slots[j], sizeof(s->slots[j]));
		if (s->store == NULL)
			continue;
		tag_of(s, ended[i], tag);
		/* The error names the database's trouble, never the account. */
		if (sessions_delete_tag(s->store, tag, &err) != REDRESS_OK)
			fprintf(stderr,
			        "redress: an account's ended sessions could not be removed from the "
			        "database: %s\n",
			        err.message);
		store_end_reads(s->store);
	}
	pthread_mutex_unlock(&s->lock);
	sodium_memzero(ended, len * sizeof(*ended));
	free(ended);
}

enum redress_err
http_sessions_attach(struct http_sessions *s, struct store *store, const struct seal_key *index_key,
                     uint64_t now, struct redress_error *err)
{
	pthread_mutex_lock(&s->lock);
	s->store = store;
	s->index_key = index_key;
	s->swept = 0;
	sweep(s, now);
	pthread_mutex_unlock(&s->lock);
	(void)err;
	return REDRESS_OK;
}

void
http_sessions_free(struct http_sessions *s)
{
	size_t i;

	if (s->slots == NULL)
		return;
	http_sessions_flush(s);
	for (i = 0; s->store != NULL && i < HTTP_SESSIONS_MAX; i++)
		if (!is_free(&s->slots[i]) && s->slots[i].seen != s->slots[i].stored_seen)
			store_seen(s, &s->slots[i]);
	store_close(&s->store);
	sodium_memzero(s->slots, HTTP_SESSIONS_MAX * sizeof(*s->slots));
	free(s->slots);
	s->slots = NULL;
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->ended_lock);
}

void
http_token_new(char out[HTTP_TOKEN_TEXT_SIZE])
{
	uint8_t bytes[32];

	crypto_random(bytes, sizeof(bytes));
	sodium_bin2base64(out, HTTP_TOKEN_TEXT_SIZE, bytes, sizeof(bytes),
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(bytes, sizeof(bytes));
}

static int
expired(uint64_t created, uint64_t seen, uint64_t now)
{
	return now >= seen + HTTP_SESSION_IDLE_S || now >= created + HTTP_SESSION_ABSOLUTE_S;
}

/* The slot a hash starts probing at: the hash is uniformly random already. */
static size_t
home(const uint8_t hash[32])
{
	uint32_t h;

	memcpy(&h, hash, sizeof(h));
	return h % HTTP_SESSIONS_MAX;
}

/*
 * A slot for a session of hash: a free one, or an expired session's
 * (ended in the database too); with a database, when none, the home
 * slot (memory is a cache: its session lives on in the database).  NULL
 * when in memory only and every slot holds a live session.
 */
static struct http_session *
take_slot(struct http_sessions *s, const uint8_t hash[32], uint64_t now)
{
	size_t i, start = home(hash);

	for (i = 0; i < HTTP_SESSIONS_MAX; i++) {
		struct http_session *cand = &s->slots[(start + i) % HTTP_SESSIONS_MAX];

		if (is_free(cand))
			return cand;
		if (expired(cand->created, cand->seen, now)) {
			store_delete(s, cand->hash);
			sodium_memzero(cand, sizeof(*cand));
			return cand;
		}
	}
	if (s->store == NULL)
		return NULL;
	sodium_memzero(&s->slots[start], sizeof(s->slots[start]));
	return &s->slots[start];
}

/* Keeps the new session of slot in the database (under s->lock). */
static enum redress_err
store_create(struct http_sessions *s, const struct http_session *slot, const char *token,
             struct redress_error *err)
{
	struct sessions_row row;
	struct seal_key *key;
	struct buf sealed;
	enum redress_err rc;

	memset(&row, 0, sizeof(row));
	hex_of(slot->hash, row.hash);
	tag_of(s, slot->account, row.tag);
	row.created = slot->created;
	row.seen = slot->seen;
	buf_init(&sealed, 256);
	if ((key = seal_of(token, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	if ((rc = seal_encrypt(key, slot->account, strlen(slot->account), row.hash, &sealed, err)) !=
	        REDRESS_OK ||
	    (rc = sessions_put(s->store, &row, sealed.data, err)) != REDRESS_OK)
		goto out;
out:
	store_end_reads(s->store);
	seal_key_free(&key);
	buf_free(&sealed);
	return rc;
}

int
http_session_create(struct http_sessions *s, const struct actor *actor, uint64_t now,
                    char token_r[HTTP_TOKEN_TEXT_SIZE], char csrf_r[HTTP_TOKEN_TEXT_SIZE],
                    struct redress_error *err)
{
	struct http_session *slot;
	uint8_t hash[32];

	http_sessions_flush(s);
	http_token_new(token_r);
	csrf_of(token_r, csrf_r);
	hash_sha256(token_r, strlen(token_r), hash);
	pthread_mutex_lock(&s->lock);
	sweep(s, now);
	if ((slot = take_slot(s, hash, now)) == NULL) {
		pthread_mutex_unlock(&s->lock);
		sodium_memzero(token_r, HTTP_TOKEN_TEXT_SIZE);
		sodium_memzero(csrf_r, HTTP_TOKEN_TEXT_SIZE);
		return -1;
	}
	memcpy(slot->hash, hash, sizeof(hash));
	memcpy(slot->account, actor->name, sizeof(slot->account));
	slot->created = slot->seen = slot->stored_seen = slot->checked = now;
	memcpy(slot->csrf, csrf_r, HTTP_TOKEN_TEXT_SIZE);
	if (s->store != NULL && store_create(s, slot, token_r, err) != REDRESS_OK) {
		sodium_memzero(slot, sizeof(*slot));
		pthread_mutex_unlock(&s->lock);
		sodium_memzero(token_r, HTTP_TOKEN_TEXT_SIZE);
		sodium_memzero(csrf_r, HTTP_TOKEN_TEXT_SIZE);
		return -2;
	}
	pthread_mutex_unlock(&s->lock);
	return 0;
}

static struct http_session *
lookup(struct http_sessions *s, const uint8_t hash[32])
{
	size_t i, start = home(hash);

	for (i = 0; i < HTTP_SESSIONS_MAX; i++) {
		struct http_session *slot = &s->slots[(start + i) % HTTP_SESSIONS_MAX];

		if (!is_free(slot) && sodium_memcmp(slot->hash, hash, 32) == 0)
			return slot;
	}
	return NULL;
}

/*
 * Asks the database about the session of token (under s->lock): 1 it
 * lives (*slot_r, taken if NULL, filled from its row), 0 it does not,
 * -1 the database could not say.
 */
static int
ask_database(struct http_sessions *s, const char *token, const uint8_t hash[32], uint64_t now,
             struct http_session **slot_r, struct redress_error *err)
{
	struct http_session *slot = *slot_r;
	char hex[SESSIONS_HASH_SIZE];
	struct sessions_row row;
	struct seal_key *key = NULL;
	struct buf sealed, name;
	enum redress_err rc;
	int live = 0;

	buf_init(&sealed, 256);
	buf_init_secret(&name, USER_NAME_MAX + 1);
	hex_of(hash, hex);
	rc = sessions_get(s->store, hex, &row, &sealed, err);
	store_end_reads(s->store);
	if (rc == REDRESS_E_NOTFOUND)
		goto out;
	if (rc != REDRESS_OK) {
		live = -1;
		goto out;
	}
	if (expired(row.created, row.seen, now)) {
		store_delete(s, hash);
		goto out;
	}
	/* A row this token's key does not open signs no one in. */
	if ((key = seal_of(token, err)) == NULL) {
		live = -1;
		goto out;
	}
	if (seal_decrypt(key, sealed.data, hex, &name, err) != REDRESS_OK || name.len == 0 ||
	    name.len > USER_NAME_MAX)
		goto out;
	if (slot == NULL && (slot = take_slot(s, hash, now)) == NULL)
		goto out; /* not reached: with a database the cache always has a slot */
	if (sodium_memcmp(slot->hash, hash, 32) != 0) {
		sodium_memzero(slot, sizeof(*slot));
		memcpy(slot->hash, hash, 32);
		slot->seen = row.seen;
	}
	memcpy(slot->account, name.data, name.len + 1);
	slot->created = row.created;
	if (row.seen > slot->seen)
		slot->seen = row.seen;
	slot->stored_seen = row.seen;
	slot->checked = now;
	csrf_of(token, slot->csrf);
	*slot_r = slot;
	live = 1;
out:
	seal_key_free(&key);
	buf_free(&sealed);
	buf_free(&name);
	return live;
}

int
http_session_find(struct http_sessions *s, const char *token, uint64_t now, struct http_session *copy_r,
                  struct redress_error *err)
{
	struct http_session *slot;
	uint8_t hash[32];
	int found = 0;

	if (strlen(token) != HTTP_TOKEN_TEXT_SIZE - 1)
		return 0;
	http_sessions_flush(s);
	hash_sha256(token, strlen(token), hash);
	pthread_mutex_lock(&s->lock);
	slot = lookup(s, hash);
	if (slot != NULL && expired(slot->created, slot->seen, now)) {
		store_delete(s, hash);
		sodium_memzero(slot, sizeof(*slot));
		goto out;
	}
	if (s->store != NULL && (slot == NULL || now >= slot->checked + HTTP_SESSION_RECHECK_S)) {
		if ((found = ask_database(s, token, hash, now, &slot, err)) != 1) {
			/* Ended elsewhere: gone here too; the database away: kept, asked again next time. */
			if (found == 0 && slot != NULL)
				sodium_memzero(slot, sizeof(*slot));
			goto out;
		}
	}
	if (slot == NULL)
		goto out;
	slot->seen = now;
	if (s->store != NULL && now >= slot->stored_seen + SEEN_WRITE_S)
		store_seen(s, slot);
	*copy_r = *slot;
	found = 1;
out:
	pthread_mutex_unlock(&s->lock);
	sodium_memzero(hash, sizeof(hash));
	return found;
}

void
http_session_end(struct http_sessions *s, const uint8_t hash[32])
{
	struct http_session *slot;

	pthread_mutex_lock(&s->lock);
	if ((slot = lookup(s, hash)) != NULL)
		sodium_memzero(slot, sizeof(*slot));
	store_delete(s, hash);
	pthread_mutex_unlock(&s->lock);
}

void
http_sessions_end_account(struct http_sessions *s, const char *account)
{
	pthread_mutex_lock(&s->ended_lock);
	if (s->ended_len == s->ended_cap) {
		size_t cap = s->ended_cap == 0 ? 16 : s->ended_cap * 2;
		void *grown = realloc(s->ended, cap * sizeof(*s->ended));

		if (grown == NULL) {
			/* The account's state (locked, disabled) still refuses them at each request. */
			fprintf(stderr,
			        "redress: out of memory: an account's sessions end only when they expire\n");
			pthread_mutex_unlock(&s->ended_lock);
			return;
		}
		s->ended = grown;
		s->ended_cap = cap;
	}
	snprintf(s->ended[s->ended_len++], sizeof(s->ended[0]), "%s", account);
	pthread_mutex_unlock(&s->ended_lock);
}
