/*
 * mem.c -- wiping frees, jansson's allocator with a size header, and the
 * tests' failure injection (thread-local, so a test fails one request's
 * allocations and not the other threads').
 */
#include "core/mem.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* jansson's blocks: the size first, padded so the block stays aligned for any type. */
#define JSON_HEADER (sizeof(max_align_t))

static _Thread_local unsigned long fail_at, made, failures;
static mem_free_hook free_hook;

void
mem_fail_at(unsigned long n)
{
	fail_at = n;
	made = 0;
}

unsigned long
mem_count(void)
{
	return made;
}

unsigned long
mem_failures(void)
{
	return failures;
}

void *
mem_alloc(size_t size)
{
	void *p;

	made++;
	p = fail_at != 0 && made == fail_at ? NULL : malloc(size);
	if (p == NULL)
		failures++;
	return p;
}

void *
mem_realloc(void *p, size_t size)
{
	void *q;

	made++;
	q = fail_at != 0 && made == fail_at ? NULL : realloc(p, size);
	if (q == NULL)
		failures++;
	return q;
}

void
mem_wipe(void *p, size_t size)
{
	if (p != NULL && size > 0)
		explicit_bzero(p, size);
}

void
mem_free_secret(void *p, size_t size)
{
	if (p == NULL)
		return;
	mem_wipe(p, size);
	if (free_hook != NULL)
		free_hook(p, size);
	free(p);
}

void
mem_set_free_hook(mem_free_hook hook)
{
	free_hook = hook;
}

static void *
json_alloc(size_t size)
{
	size_t total;
	unsigned char *p;

	if (__builtin_add_overflow(size, JSON_HEADER, &total) || (p = mem_alloc(total)) == NULL)
		return NULL;
	memcpy(p, &total, sizeof(total));
	return p + JSON_HEADER;
}

static void
json_release(void *ptr)
{
	unsigned char *p;
	size_t total;

	if (ptr == NULL)
		return;
	p = (unsigned char *)ptr - JSON_HEADER;
	memcpy(&total, p, sizeof(total));
	mem_free_secret(p, total);
}

void
mem_json_wiping(void)
{
	json_set_alloc_funcs(json_alloc, json_release);
}

void
mem_json_free(void *p)
{
	json_malloc_t alloc_fn;
	json_free_t free_fn;

	json_get_alloc_funcs(&alloc_fn, &free_fn);
	free_fn(p);
}
