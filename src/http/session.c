/*
 * session.c -- signed-in browser sessions, in memory and written through
 * to the database (users_session_*), so a restart signs no one out.
 *
 * The cookie carries a 256-bit random token; the server keeps only its
 * SHA-256, in memory and in the database, so that a copy of either does
 * not hand out live sessions.  A session ends after HTTP_SESSION_IDLE_S
 * without a request, after HTTP_SESSION_ABSOLUTE_S in any case, at
 * sign-out, and when its account is locked, disabled or reset.  Each
 * session has its own CSRF token.  When it was last seen reaches the
 * database at most once a minute, and at shutdown: after a crash a
 * session may end up to a minute early, never late.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <stdio.h>

#include "crypto/codec.h"
#include "crypto/hash.h"
#include "http/http_int.h"

#define SEEN_WRITE_S 60 /* how stale the database's seen time may get */

enum redress_err
http_sessions_init(struct http_sessions *s, struct redress_error *err)
{
	memset(s, 0, sizeof(*s));
	s->slots = calloc(HTTP_SESSIONS_MAX, sizeof(*s->slots));
	if (s->slots == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for the session table");
	pthread_mutex_init(&s->lock, NULL);
	return REDRESS_OK;
}

/* The row of slot. */
static void
slot_row(const struct http_session *slot, struct users_session *row)
{
	memset(row, 0, sizeof(*row));
	codec_hex_encode(slot->hash, sizeof(slot->hash), row->hash, sizeof(row->hash), NULL);
	memcpy(row->account, slot->account, sizeof(row->account));
	row->role = slot->role;
	memcpy(row->csrf, slot->csrf, sizeof(slot->csrf));
	row->created = slot->created;
	row->seen = slot->seen;
}

/* Writes slot through (under s->lock). */
static void
store_put(struct http_sessions *s, struct http_session *slot)
{
	struct users_session row;
	struct redress_error err;

	if (s->store == NULL)
		return;
	slot_row(slot, &row);
	if (users_session_put(s->store, &row, &err) != REDRESS_OK)
		fprintf(stderr, "redress: a session could not be kept in the database: %s\n", err.message);
	else
		slot->stored_seen = slot->seen;
	/* An autocommit write ends, and lets the lock go, only when its statement is reset. */
	store_end_reads(s->store);
	sodium_memzero(&row, sizeof(row));
}

/* Deletes slot's row (under s->lock). */
static void
store_delete(struct http_sessions *s, const struct http_session *slot)
{
	char hex[USERS_SESSION_HASH_SIZE];
	struct redress_error err;

	if (s->store == NULL)
		return;
	codec_hex_encode(slot->hash, sizeof(slot->hash), hex, sizeof(hex), NULL);
	if (users_session_delete(s->store, hex, &err) != REDRESS_OK)
		fprintf(stderr, "redress: an ended session could not be removed from the database: %s\n",
		        err.message);
	store_end_reads(s->store);
}

/* Removes the rows of the accounts whose sessions ended (under s->lock, outside the writer's change). */
static void
flush_ended(struct http_sessions *s)
{
	struct redress_error err;
	size_t i;

	for (i = 0; s->store != NULL && i < s->ended_len; i++)
		if (users_sessions_delete_account(s->store, s->ended[i], &err) != REDRESS_OK)
			fprintf(
			    stderr,
			    "redress: the ended sessions of %s could not be removed from the database: %s\n",
			    s->ended[i], err.message);
	if (s->store != NULL)
		store_end_reads(s->store);
	s->ended_len = 0;
}

static int is_free(const struct http_session *slot);
static size_t home(const uint8_t hash[32]);

static enum redress_err
load_one(void *ctx, const struct users_session *row, struct redress_error *err)
{
	struct http_sessions *s = ctx;
	struct http_session *slot;
	size_t i, start;
	uint8_t hash[32];
	size_t len = 0;

	for (len = 0; len < 2 * sizeof(hash); len++) {
		char c = row->hash[len];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return REDRESS_OK; /* not a hash the server wrote */
		if (len % 2 == 0)
			hash[len / 2] = (uint8_t)(v << 4);
		else
			hash[len / 2] |= (uint8_t)v;
	}
	start = home(hash);
	for (i = 0; i < HTTP_SESSIONS_MAX; i++) {
		slot = &s->slots[(start + i) % HTTP_SESSIONS_MAX];
		if (!is_free(slot))
			continue;
		memcpy(slot->hash, hash, sizeof(hash));
		memcpy(slot->account, row->account, sizeof(slot->account));
		slot->role = row->role;
		slot->created = row->created;
		slot->seen = slot->stored_seen = row->seen;
		memcpy(slot->csrf, row->csrf, sizeof(slot->csrf));
		slot->csrf[sizeof(slot->csrf) - 1] = '\0';
		return REDRESS_OK;
	}
	(void)err;
	return REDRESS_OK; /* full: the rest sign in again */
}

enum redress_err
http_sessions_attach(struct http_sessions *s, struct store *store, uint64_t now, struct redress_error *err)
{
	enum redress_err rc;

	pthread_mutex_lock(&s->lock);
	rc = users_sessions_load(store, now > HTTP_SESSION_IDLE_S ? now - HTTP_SESSION_IDLE_S : 0,
	                         now > HTTP_SESSION_ABSOLUTE_S ? now - HTTP_SESSION_ABSOLUTE_S : 0, load_one,
	                         s, err);
	store_end_reads(store);
	s->store = store;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

void
http_sessions_free(struct http_sessions *s)
{
	size_t i;

	if (s->slots == NULL)
		return;
	flush_ended(s);
	for (i = 0; s->store != NULL && i < HTTP_SESSIONS_MAX; i++)
		if (!is_free(&s->slots[i]) && s->slots[i].seen != s->slots[i].stored_seen)
			store_put(s, &s->slots[i]);
	store_close(&s->store);
	free(s->ended);
	s->ended = NULL;
	sodium_memzero(s->slots, HTTP_SESSIONS_MAX * sizeof(*s->slots));
	free(s->slots);
	s->slots = NULL;
	pthread_mutex_destroy(&s->lock);
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
is_free(const struct http_session *slot)
{
	static const uint8_t zero[32];

	return memcmp(slot->hash, zero, sizeof(zero)) == 0;
}

static int
expired(const struct http_session *slot, uint64_t now)
{
	return now >= slot->seen + HTTP_SESSION_IDLE_S || now >= slot->created + HTTP_SESSION_ABSOLUTE_S;
}

/* The slot a hash starts probing at: the hash is uniformly random already. */
static size_t
home(const uint8_t hash[32])
{
	uint32_t h;

	memcpy(&h, hash, sizeof(h));
	return h % HTTP_SESSIONS_MAX;
}

int
http_session_create(struct http_sessions *s, const struct actor *actor, uint64_t now,
                    char token_r[HTTP_TOKEN_TEXT_SIZE], char csrf_r[HTTP_TOKEN_TEXT_SIZE])
{
	struct http_session *slot = NULL;
	uint8_t hash[32];
	size_t i, start;

	http_token_new(token_r);
	http_token_new(csrf_r);
	hash_sha256(token_r, strlen(token_r), hash);
	start = home(hash);
	pthread_mutex_lock(&s->lock);
	flush_ended(s);
	/* Sessions live at any slot; probing from home only makes the search short. */
	for (i = 0; i < HTTP_SESSIONS_MAX; i++) {
		struct http_session *cand = &s->slots[(start + i) % HTTP_SESSIONS_MAX];

		if (is_free(cand) || expired(cand, now)) {
			slot = cand;
			break;
		}
	}
	if (slot == NULL) {
		pthread_mutex_unlock(&s->lock);
		sodium_memzero(token_r, HTTP_TOKEN_TEXT_SIZE);
		sodium_memzero(csrf_r, HTTP_TOKEN_TEXT_SIZE);
		return -1;
	}
	if (!is_free(slot))
		store_delete(s, slot);
	memset(slot, 0, sizeof(*slot));
	memcpy(slot->hash, hash, sizeof(hash));
	memcpy(slot->account, actor->name, sizeof(slot->account));
	slot->role = actor->role;
	slot->created = slot->seen = now;
	memcpy(slot->csrf, csrf_r, HTTP_TOKEN_TEXT_SIZE);
	store_put(s, slot);
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

int
http_session_find(struct http_sessions *s, const char *token, uint64_t now, struct http_session *copy_r)
{
	struct http_session *slot;
	uint8_t hash[32];
	int found = 0;

	if (strlen(token) != HTTP_TOKEN_TEXT_SIZE - 1)
		return 0;
	hash_sha256(token, strlen(token), hash);
	pthread_mutex_lock(&s->lock);
	if (s->ended_len > 0)
		flush_ended(s);
	if ((slot = lookup(s, hash)) != NULL) {
		if (expired(slot, now)) {
			store_delete(s, slot);
			sodium_memzero(slot, sizeof(*slot));
		} else {
			slot->seen = now;
			if (now >= slot->stored_seen + SEEN_WRITE_S)
				store_put(s, slot);
			*copy_r = *slot;
			found = 1;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

void
http_session_end(struct http_sessions *s, const uint8_t hash[32])
{
	struct http_session *slot;

	pthread_mutex_lock(&s->lock);
	if ((slot = lookup(s, hash)) != NULL) {
		store_delete(s, slot);
		sodium_memzero(slot, sizeof(*slot));
	}
	pthread_mutex_unlock(&s->lock);
}

void
http_sessions_end_account(struct http_sessions *s, const char *account)
{
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < HTTP_SESSIONS_MAX; i++)
		if (!is_free(&s->slots[i]) && strcmp(s->slots[i].account, account) == 0)
			sodium_memzero(&s->slots[i], sizeof(s->slots[i]));
	if (s->store != NULL) {
		if (s->ended_len == s->ended_cap) {
			size_t cap = s->ended_cap == 0 ? 16 : s->ended_cap * 2;
			void *grown = realloc(s->ended, cap * sizeof(*s->ended));

			if (grown == NULL) {
				fprintf(
				    stderr,
				    "redress: out of memory: %s's ended sessions stay in the database until"
				    " they expire\n",
				    account);
				pthread_mutex_unlock(&s->lock);
				return;
			}
			s->ended = grown;
			s->ended_cap = cap;
		}
		snprintf(s->ended[s->ended_len++], sizeof(s->ended[0]), "%s", account);
	}
	pthread_mutex_unlock(&s->lock);
}
