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
 */
#include <stdio.h>
#include <string.h>

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

static unsigned
wait_for(const struct http_throttle_slot *s, uint64_t now)
{
	uint64_t wait, until;
	unsigned over;

	if (s == NULL || s->failures < HTTP_THROTTLE_FREE)
		return 0;
	over = s->failures - HTTP_THROTTLE_FREE;
	wait = over >= 10 ? HTTP_THROTTLE_WAIT_MAX : (uint64_t)2 << over;
	if (wait > HTTP_THROTTLE_WAIT_MAX)
		wait = HTTP_THROTTLE_WAIT_MAX;
	until = s->last + wait;
	return until > now ? (unsigned)(until - now) : 0;
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
	unsigned a, i;

	keys(account, address, akey, ikey, sizeof(akey));
	pthread_mutex_lock(&t->lock);
	a = wait_for(find(t, akey, 0, now), now);
	i = wait_for(find(t, ikey, 0, now), now);
	pthread_mutex_unlock(&t->lock);
	return a > i ? a : i;
}

unsigned
http_throttle_fail(struct http_throttle *t, const char *account, const char *address, uint64_t now)
{
	char akey[sizeof(t->slots[0].key)], ikey[sizeof(t->slots[0].key)];
	struct http_throttle_slot *s;
	unsigned failures;

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
}
