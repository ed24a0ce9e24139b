/*
 * report_cells.c -- the fixed point of small-cell withholding
 * (report_cells.h), on hash tables so that ten million registrations cost
 * one lookup each.
 */
#include "domain/reports/report_cells.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELLS_REGION_MAX 63

struct cells_count {
	char key[CELLS_REGION_MAX + 1];
	int64_t n; /* people in pairs not withheld */
};

struct report_cells_pair {
	char key[CELLS_REGION_MAX + 24];
	int64_t n;
	int withheld;
	struct cells_count *region, *decade;
};

static int64_t
decade_of(int64_t year)
{
	return year >= 0 ? year / 10 * 10 : -((-year + 9) / 10 * 10);
}

void
report_cells_init(struct report_cells *c)
{
	memset(c, 0, sizeof(*c));
	strmap_init(&c->pairs);
	strmap_init(&c->regions);
	strmap_init(&c->decades);
}

static void
free_values(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key != NULL)
			free(m->slots[i].value);
	strmap_free(m);
}

void
report_cells_free(struct report_cells *c)
{
	free_values(&c->pairs);
	free_values(&c->regions);
	free_values(&c->decades);
	report_cells_init(c);
}

/* The count of key in m, made when absent; NULL when out of memory. */
static struct cells_count *
count_for(struct strmap *m, const char *key, struct redress_error *err)
{
	struct cells_count *cc = strmap_get(m, key);

	if (cc != NULL)
		return cc;
	if ((cc = calloc(1, sizeof(*cc))) == NULL) {
		error_set(err, REDRESS_E_NOMEM, "out of memory counting cells");
		return NULL;
	}
	snprintf(cc->key, sizeof(cc->key), "%s", key);
	if (strmap_put(m, cc->key, cc, err) != REDRESS_OK) {
		free(cc);
		return NULL;
	}
	return cc;
}

enum redress_err
report_cells_add(struct report_cells *c, const char *region, int64_t birth_year, int64_t n,
                 struct redress_error *err)
{
	char key[CELLS_REGION_MAX + 24], decade[24];
	struct report_cells_pair *p;

	if (strlen(region) > CELLS_REGION_MAX)
		return error_set(err, REDRESS_E_INVALID, "a region longer than %d bytes", CELLS_REGION_MAX);
	if (decade_of(birth_year) == REPORT_CELLS_SENTINEL_YEAR)
		return REDRESS_OK;
	snprintf(decade, sizeof(decade), "%lld", (long long)decade_of(birth_year));
	snprintf(key, sizeof(key), "%s\n%s", region, decade);
	if ((p = strmap_get(&c->pairs, key)) == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory counting cells");
		memcpy(p->key, key, sizeof(key));
		if ((p->region = count_for(&c->regions, region, err)) == NULL ||
		    (p->decade = count_for(&c->decades, decade, err)) == NULL ||
		    strmap_put(&c->pairs, p->key, p, err) != REDRESS_OK) {
			free(p);
			return err->code;
		}
	}
	if (__builtin_add_overflow(p->n, n, &p->n) ||
	    __builtin_add_overflow(p->region->n, n, &p->region->n) ||
	    __builtin_add_overflow(p->decade->n, n, &p->decade->n))
		return error_set(err, REDRESS_E_OVERFLOW, "cell counts overflow");
	c->settled = 0;
	return REDRESS_OK;
}

void
report_cells_settle(struct report_cells *c, int64_t k)
{
	size_t i;
	int changed = 1;

	while (changed) {
		changed = 0;
		for (i = 0; i < c->pairs.cap; i++) {
			struct report_cells_pair *p = c->pairs.slots[i].value;

			if (c->pairs.slots[i].key == NULL || p->withheld ||
			    (p->region->n >= k && p->decade->n >= k))
				continue;
			p->withheld = 1;
			p->region->n -= p->n;
			p->decade->n -= p->n;
			changed = 1;
		}
	}
	c->settled = 1;
}

int
report_cells_withheld(const struct report_cells *c, const char *region, int64_t birth_year)
{
	char key[CELLS_REGION_MAX + 24];
	const struct report_cells_pair *p;

	if (decade_of(birth_year) == REPORT_CELLS_SENTINEL_YEAR || strlen(region) > CELLS_REGION_MAX)
		return 1;
	snprintf(key, sizeof(key), "%s\n%lld", region, (long long)decade_of(birth_year));
	p = strmap_get(&c->pairs, key);
	return p == NULL || p->withheld;
}
