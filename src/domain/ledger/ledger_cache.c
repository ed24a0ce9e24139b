/*
 * ledger_cache.c -- the accounts one change touches.  A batch of a thousand
 * payments from the same fund account then reads that account once and
 * writes its totals once, at commit, instead of a thousand times each.
 *
 * Entries are allocated one by one, so pointers handed out stay valid while
 * the table grows.  The cache lives in the log's per-change module state
 * and is freed when the change ends.
 */
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "domain/ledger/ledger_int.h"

struct cache_entry {
	struct ledger_account account; /* first, so a pointer to it is one to the entry */
	int dirty;
};

enum redress_err
ledger_cache_account(struct tlog *log, const char *code, struct ledger_account **a_r,
                     struct redress_error *err)
{
	return ledger_cache_get(tlog_module_state(log, &ledger_module), tlog_store(log), code, a_r, err);
}

enum redress_err
ledger_cache_get(void **state, struct store *store, const char *code, struct ledger_account **a_r,
                 struct redress_error *err)
{
	struct cache_entry *e;
	struct strmap *map;
	enum redress_err rc;

	if (state == NULL)
		return error_set(err, REDRESS_E_INTERNAL, "ledger used outside a change");
	if (*state == NULL) {
		if ((*state = malloc(sizeof(struct strmap))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory caching accounts");
		strmap_init(*state);
	}
	map = *state;
	if ((e = strmap_get(map, code)) != NULL) {
		*a_r = &e->account;
		return REDRESS_OK;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory caching accounts");
	if ((rc = ledger_account_get(store, code, &e->account, err)) != REDRESS_OK ||
	    (rc = strmap_put(map, e->account.code, e, err)) != REDRESS_OK) {
		free(e);
		return rc;
	}
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
	struct strmap *map = state;
	enum redress_err rc;
	size_t i;

	for (i = 0; i < map->cap; i++) {
		struct cache_entry *e = map->slots[i].value;

		if (map->slots[i].key == NULL || !e->dirty)
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
	struct strmap *map = state;
	size_t i;

	for (i = 0; i < map->cap; i++)
		if (map->slots[i].key != NULL)
			free(map->slots[i].value);
	strmap_free(map);
	free(map);
}
