/*
 * session.c -- signed-in browser sessions, in memory.
 *
 * The cookie carries a 256-bit random token; the server keeps only its
 * SHA-256, so that a copy of the server's memory or a core file does not
 * hand out live sessions.  A session ends after HTTP_SESSION_IDLE_S without
 * a request, after HTTP_SESSION_ABSOLUTE_S in any case, at sign-out, and
 * when the server stops: signing in again is cheap, a stolen session that
 * outlives a restart is not.  Each session has its own CSRF token.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypto/hash.h"
#include "http/http_int.h"

enum redress_err
http_sessions_init(struct http_sessions *s, struct redress_error *err)
{
	s->slots = calloc(HTTP_SESSIONS_MAX, sizeof(*s->slots));
	if (s->slots == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory for the session table");
	pthread_mutex_init(&s->lock, NULL);
	return REDRESS_OK;
}

void
http_sessions_free(struct http_sessions *s)
{
	if (s->slots == NULL)
		return;
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
	memset(slot, 0, sizeof(*slot));
	memcpy(slot->hash, hash, sizeof(hash));
	memcpy(slot->account, actor->name, sizeof(slot->account));
	slot->role = actor->role;
	slot->created = slot->seen = now;
	memcpy(slot->csrf, csrf_r, HTTP_TOKEN_TEXT_SIZE);
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
	if ((slot = lookup(s, hash)) != NULL) {
		if (expired(slot, now)) {
			sodium_memzero(slot, sizeof(*slot));
		} else {
			slot->seen = now;
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
	if ((slot = lookup(s, hash)) != NULL)
		sodium_memzero(slot, sizeof(*slot));
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
	pthread_mutex_unlock(&s->lock);
}
