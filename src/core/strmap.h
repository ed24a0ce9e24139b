/*
 * strmap.h -- a hash table from NUL-terminated string keys to pointers.
 *
 * Open addressing with linear probing and backward-shift deletion, so there
 * are no tombstones and lookups stay short after many deletions.  The table
 * does not own keys or values: a key must stay valid while it is in the
 * table (keep it inside the value), and the caller frees the values.
 */
#ifndef REDRESS_CORE_STRMAP_H
#define REDRESS_CORE_STRMAP_H

#include <stddef.h>

#include "core/error.h"

struct strmap_slot {
	const char *key; /* NULL: empty */
	void *value;
};

struct strmap {
	size_t count;
	size_t cap; /* a power of two, or 0 before the first insert */
	struct strmap_slot *slots;
};

/* An empty map; no memory until the first insert. */
void strmap_init(struct strmap *m);

/* Frees the table (not keys or values). */
void strmap_free(struct strmap *m);

/* The value for key, or NULL. */
void *strmap_get(const struct strmap *m, const char *key);

/*
 * Adds key -> value.  Returns REDRESS_E_CONFLICT when key is there already
 * (the map is unchanged), REDRESS_E_NOMEM when it cannot grow.
 */
enum redress_err strmap_put(struct strmap *m, const char *key, void *value, struct redress_error *err);

/* Removes key and returns its value, or NULL when absent. */
void *strmap_remove(struct strmap *m, const char *key);

/*
 * Iteration: for (i = 0; i < m->cap; i++) if (m->slots[i].key != NULL) ...
 * The map must not change meanwhile.
 */

#endif
