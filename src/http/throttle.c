/*
 * throttle.c -- slowing down password guessing.
 *
 * Failed sign-ins are counted per account and per client address.  The
 * first HTTP_THROTTLE_FREE failures cost nothing; each later one doubles
 * the wait before the next try (2, 4, 8 ... seconds, at most
 * HTTP_THROTTLE_WAIT_MAX).  A success clears both counts.  The table is
 * fixed in size: when it is full, an entry not yet imposing a wait is
 * forgotten first (the one idle longest), so that flooding the table with
 * fresh names or addresses does not reset the count of an account being
 * guessed.  Failures never lock an account (api_session.c): a lock is an
 * admin's deliberate act.
 *
 * Once the server's sessions have their database (http_throttle_share),
 * the counts are kept there too, under keyed tags of the account and the
 * address (never the name or the address), so that every server of the
 * fund slows the same guesser and a restart forgets nothing: the wait is
 * the longer of this server's and the database's.  A count in the
 * database is forgotten a day after its last failure.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "crypto/seal.h"
#include "domain/sessions/sessions.h"
#include "http/http_int.h"

void
http_throttle_init(struct http_throttle *t)
{
	memset(t->slots, 0, sizeof(t->slots));
	pthread_mutex_init(&t->lock, NULL);
}

void
http_throttle_free(struct http_throttle *t)
{
	pthread_mutex_destroy(&t->lock);
}

/* 1 when a is the better slot to forget: one still free of waits before one being throttled, then the older.
 */
static int
forget_first(const struct http_throttle_slot *a, const struct http_throttle_slot *b)
{
	int a_waits = a->failures >= HTTP_THROTTLE_FREE, b_waits = b->failures >= HTTP_THROTTLE_FREE;

	if (a_waits != b_waits)
		return !a_waits;
	return a->last < b->last;
}

static struct http_throttle_slot *
find(struct http_throttle *t, const char *key, int create, uint64_t now)
{
	struct http_throttle_slot *empty = NULL, *victim = NULL;
	size_t i;

	for (i = 0; i < HTTP_THROTTLE_SLOTS; i++) {
		struct http_throttle_slot *s = &t->slots[i];

		if (s->key[0] == '\0') {
			if (empty == NULL)
				empty = s;
			continue;
		}
		if (strcmp(s->key, key) == 0)
			return s;
		if (victim == NULL || forget_first(s, victim))
			victim = s;
	}
	if (!create)
		return NULL;
	/*
	 * Full: forget a slot that imposes no wait yet, so that a flood of
	 * failures under fresh names or addresses cannot wipe the count of an
	 * account being guessed (and keep it from ever being locked).
	 */
	if (empty == NULL)
		empty = victim;
	memset(empty, 0, sizeof(*empty));
	snprintf(empty->key, sizeof(empty->key), "%s", key);
	empty->last = now;
	return empty;
}

/* Seconds still to wait after failures, the last at last. */
static unsigned
wait_after(unsigned failures, uint64_t last, uint64_t now)
{
	uint64_t wait, until;
	unsigned over;

	if (failures < HTTP_THROTTLE_FREE)
		return 0;
	over = failures - HTTP_THROTTLE_FREE;
	wait = over >= 10 ? HTTP_THROTTLE_WAIT_MAX : (uint64_t)2 << over;
	if (wait > HTTP_THROTTLE_WAIT_MAX)
		wait = HTTP_THROTTLE_WAIT_MAX;
	if (__builtin_add_overflow(last, wait, &until))
		until = UINT64_MAX;
	return until > now ? (unsigned)(until - now) : 0;
}

static unsigned
wait_for(const struct http_throttle_slot *s, uint64_t now)
{
	return s == NULL ? 0 : wait_after(s->failures, s->last, now);
}

/* The database's tag of a count key ("a:NAME" or "i:ADDRESS"). */
static void
tag_of(const struct http_sessions *shared, const char *key, char out[SESSIONS_TAG_SIZE])
{
	char value[sizeof(((struct http_throttle_slot *)0)->key) + 32];

	snprintf(value, sizeof(value), "sign-in-failures:%s", key);
	seal_blind_index(shared->index_key, value, out);
	sodium_memzero(value, sizeof(value));
}

/* What the shared counts do (under the sessions' lock, on their connection). */
enum shared_op { SHARED_WAIT, SHARED_FAIL, SHARED_CLEAR };

/*
 * Applies op to the database's count under key; for SHARED_WAIT returns
 * the seconds it imposes, for SHARED_FAIL the count with this failure.  A
 * database that cannot answer is logged and counts for nothing: this
 * server's own counts still hold.
 */
static unsigned
shared(struct http_throttle *t, enum shared_op op, const char *key, uint64_t now)
{
	struct http_sessions *s = t->shared;
	char tag[SESSIONS_TAG_SIZE];
	struct redress_error err;
	enum redress_err rc = REDRESS_OK;
	unsigned failures = 0, out = 0;
	uint64_t last = 0;

	if (s == NULL)
		return 0;
	pthread_mutex_lock(&s->lock);
	if (s->store == NULL)
		goto out;
	tag_of(s, key, tag);
	switch (op) {
	case SHARED_WAIT:
		if ((rc = sessions_throttle_get(s->store, tag, &failures, &last, &err)) == REDRESS_OK)
			out = wait_after(failures, last, now);
		break;
	case SHARED_FAIL:
		if ((rc = sessions_throttle_fail(s->store, tag, now, &failures, &err)) == REDRESS_OK)
			out = failures;
		break;
	case SHARED_CLEAR: rc = sessions_throttle_clear(s->store, tag, &err); break;
	}
	/* An autocommit write ends, and lets the lock go, only when its statement is reset. */
	store_end_reads(s->store);
	if (rc != REDRESS_OK)
		fprintf(stderr, "redress: failed sign-ins could not be counted in the database: %s\n",
		        err.message);
out:
	pthread_mutex_unlock(&s->lock);
	return out;
}

void
http_throttle_share(struct http_throttle *t, struct http_sessions *sessions)
{
	t->shared = sessions;
}

static void
keys(const char *account, const char *address, char *akey, char *ikey, size_t size)
{
	snprintf(akey, size, "a:%s", account);
	snprintf(ikey, size, "i:%s", address);
}

unsigned
http_throttle_wait(struct http_throttle *t, const char *account, const char *address, uint64_t now)
{
	char akey[sizeof(t->slots[0].key)], ikey[sizeof(t->slots[0].key)];
	unsigned a, i, db;

	keys(account, address, akey, ikey, sizeof(akey));
	pthread_mutex_lock(&t->lock);
	a = wait_for(find(t, akey, 0, now), now);
	i = wait_for(find(t, ikey, 0, now), now);
	pthread_mutex_unlock(&t->lock);
	if (a < (db = shared(t, SHARED_WAIT, akey, now)))
		a = db;
	if (i < (db = shared(t, SHARED_WAIT, ikey, now)))
		i = db;
	return a > i ? a : i;
}

unsigned
http_throttle_fail(struct http_throttle *t, const char *account, const char *address, uint64_t now)
{
	char akey[sizeof(t->slots[0].key)], ikey[sizeof(t->slots[0].key)];
	struct http_throttle_slot *s;
	unsigned failures, db;

	keys(account, address, akey, ikey, sizeof(akey));
	pthread_mutex_lock(&t->lock);
	s = find(t, ikey, 1, now);
	s->failures++;
	s->last = now;
	s = find(t, akey, 1, now);
	s->failures++;
	s->last = now;
	failures = s->failures;
	pthread_mutex_unlock(&t->lock);
	(void)shared(t, SHARED_FAIL, ikey, now);
	if (failures < (db = shared(t, SHARED_FAIL, akey, now)))
		failures = db;
	return failures;
}

void
http_throttle_clear(struct http_throttle *t, const char *account, const char *address)
{
	char akey[sizeof(t->slots[0].key)], ikey[sizeof(t->slots[0].key)];
	struct http_throttle_slot *s;

	keys(account, address, akey, ikey, sizeof(akey));
	pthread_mutex_lock(&t->lock);
	if ((s = find(t, akey, 0, 0)) != NULL)
		memset(s, 0, sizeof(*s));
	pthread_mutex_unlock(&t->lock);
	(void)shared(t, SHARED_CLEAR, akey, 0);
}
