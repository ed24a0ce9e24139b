/*
 * ledger_cache.c -- the accounts one change touches.  A batch of a thousand
 * payments from the same fund account then reads that account once and
 * writes its totals once, at commit, instead of a thousand times each.
 *
 * The cache is an open-addressed table of separately allocated entries, so
 * that pointers handed out stay valid while the table grows.  It lives in
 * the log's per-change module state and is freed when the change ends.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/ledger/ledger_int.h"

#define CACHE_INITIAL 16 /* slots; a power of two */

struct cache_entry {
	struct ledger_account account; /* first, so a pointer to it is one to the entry */
	int dirty;
};

struct ledger_cache {
	size_t count;
	size_t cap;
	struct cache_entry **slots;
};

static uint64_t
cache_hash(const char *code)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a */

	for (; *code != '\0'; code++)
		h = (h ^ (unsigned char)*code) * 1099511628211u;
	return h;
}

static struct cache_entry **
cache_slot(struct ledger_cache *c, const char *code)
{
	size_t i = (size_t)cache_hash(code) & (c->cap - 1);

	while (c->slots[i] != NULL && strcmp(c->slots[i]->account.code, code) != 0)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static int
cache_grow(struct ledger_cache *c)
{
	struct cache_entry **old = c->slots;
	size_t old_cap = c->cap, i, cap;

	if (__builtin_mul_overflow(old_cap ? old_cap : CACHE_INITIAL / 2, 2, &cap))
		return 0;
	c->slots = calloc(cap, sizeof(*c->slots));
	if (c->slots == NULL) {
		c->slots = old;
		return 0;
	}
	c->cap = cap;
	for (i = 0; i < old_cap; i++)
		if (old[i] != NULL)
			*cache_slot(c, old[i]->account.code) = old[i];
	free(old);
	return 1;
}

enum redress_err
ledger_cache_account(struct tlog *log, const char *code, struct ledger_account **a_r, struct redress_error *err)
{
	void **state = tlog_module_state(log, &ledger_module);
	struct ledger_cache *c;
	struct cache_entry **slot, *e;
	enum redress_err rc;

	if (state == NULL)
		return error_set(err, REDRESS_E_INTERNAL, "ledger used outside a change");
	if (*state == NULL && (*state = calloc(1, sizeof(struct ledger_cache))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory caching accounts");
	c = *state;
	if ((c->cap == 0 || (c->count + 1) * 2 > c->cap) && !cache_grow(c))
		return error_set(err, REDRESS_E_NOMEM, "out of memory caching accounts");
	slot = cache_slot(c, code);
	if (*slot != NULL) {
		*a_r = &(*slot)->account;
		return REDRESS_OK;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory caching accounts");
	if ((rc = ledger_account_get(tlog_store(log), code, &e->account, err)) != REDRESS_OK) {
		free(e);
		return rc;
	}
	*slot = e;
	c->count++;
	*a_r = &e->account;
	return REDRESS_OK;
}

void
ledger_cache_dirty(struct ledger_account *a)
{
	((struct cache_entry *)(void *)a)->dirty = 1;
}

enum redress_err
ledger_cache_flush(struct store *store, void *state, struct redress_error *err)
{
	struct ledger_cache *c = state;
	enum redress_err rc;
	size_t i;

	for (i = 0; i < c->cap; i++) {
		struct cache_entry *e = c->slots[i];

		if (e == NULL || !e->dirty)
			continue;
		if ((rc = ledger_write_totals(store, &e->account, err)) != REDRESS_OK)
			return rc;
		e->dirty = 0;
	}
	return REDRESS_OK;
}

void
ledger_cache_discard(void *state)
{
	struct ledger_cache *c = state;
	size_t i;

	for (i = 0; i < c->cap; i++)
		free(c->slots[i]);
	free(c->slots);
	free(c);
}
