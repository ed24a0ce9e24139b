/*
 * strmap.c -- string-keyed hash table.  The load factor stays at or below
 * one half, so probes are short and an empty slot always exists.
 */
#include "core/strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STRMAP_INITIAL 16

static uint64_t
strmap_hash(const char *key)
{
	uint64_t h = 1469598103934665603u; /* FNV-1a, then a final mix */

	for (; *key != '\0'; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211u;
	h ^= h >> 32;
	return h;
}

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void
strmap_free(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

/* The slot holding key, or the empty slot where it would go. */
static size_t
strmap_find(const struct strmap *m, const char *key)
{
	size_t i = (size_t)strmap_hash(key) & (m->cap - 1);

	while (m->slots[i].key != NULL && strcmp(m->slots[i].key, key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = strmap_find(m, key);
	return m->slots[i].key != NULL ? m->slots[i].value : NULL;
}

static int
strmap_grow(struct strmap *m)
{
	struct strmap_slot *old = m->slots;
	size_t old_cap = m->cap, cap, i;

	if (__builtin_mul_overflow(old_cap != 0 ? old_cap : STRMAP_INITIAL / 2, 2, &cap) ||
	    cap > SIZE_MAX / sizeof(*m->slots))
		return 0;
	m->slots = calloc(cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		m->slots = old;
		return 0;
	}
	m->cap = cap;
	for (i = 0; i < old_cap; i++)
		if (old[i].key != NULL)
			m->slots[strmap_find(m, old[i].key)] = old[i];
	free(old);
	return 1;
}

enum redress_err
strmap_put(struct strmap *m, const char *key, void *value, struct redress_error *err)
{
	size_t i;

	if ((m->cap == 0 || (m->count + 1) * 2 > m->cap) && !strmap_grow(m))
		return error_set(err, REDRESS_E_NOMEM, "out of memory growing a table of %zu entries",
		                 m->count);
	i = strmap_find(m, key);
	if (m->slots[i].key != NULL)
		return error_set(err, REDRESS_E_CONFLICT, "'%.64s' is already in the table", key);
	m->slots[i].key = key;
	m->slots[i].value = value;
	m->count++;
	return REDRESS_OK;
}

void *
strmap_remove(struct strmap *m, const char *key)
{
	size_t i, j, home;
	void *value;

	if (m->cap == 0)
		return NULL;
	i = strmap_find(m, key);
	if (m->slots[i].key == NULL)
		return NULL;
	value = m->slots[i].value;
	/* Shift later members of the probe run back over the hole. */
	for (j = (i + 1) & (m->cap - 1); m->slots[j].key != NULL; j = (j + 1) & (m->cap - 1)) {
		home = (size_t)strmap_hash(m->slots[j].key) & (m->cap - 1);
		/* Move j into i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].key = NULL;
	m->slots[i].value = NULL;
	m->count--;
	return value;
}
