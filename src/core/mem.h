/*
 * mem.h -- the allocator under buf and jansson: a block freed as a secret
 * is wiped first, and a test can make the Nth allocation fail.
 *
 * Secret blocks: mem_free_secret(p, size) wipes size bytes and frees.
 * jansson allocates through mem_json_wiping() (once, before any thread):
 * it gets no size when it frees, so each of its blocks carries its size in
 * a header, and every block is wiped (passwords and identities pass
 * through jansson).
 *
 * Failure injection (tests only): mem_fail_at(n) on a thread makes that
 * thread's nth allocation from now fail (and only that one); 0 turns it
 * off.  Counted: mem_alloc and mem_realloc (every buffer's growth), jansson's.
 */
#ifndef REDRESS_CORE_MEM_H
#define REDRESS_CORE_MEM_H

#include <stddef.h>

/* malloc(size), unless failure injection says this one fails (NULL). */
void *mem_alloc(size_t size);

/* realloc(p, size) (for what holds no secret), unless failure injection says this one fails (NULL). */
void *mem_realloc(void *p, size_t size);

/* Wipes size bytes of p, then frees it; NULL is fine. */
void mem_free_secret(void *p, size_t size);

/* Wipes size bytes at p, in a way the compiler keeps. */
void mem_wipe(void *p, size_t size);

/* This thread's nth allocation from now fails; 0: none does. */
void mem_fail_at(unsigned long n);

/* Allocations this thread made since mem_fail_at(). */
unsigned long mem_count(void);

/*
 * Allocations through mem_alloc and mem_realloc that failed on this
 * thread, injected or real, ever: a caller compares it before and after a
 * call that folds out of memory into another error (jansson's parser).
 */
unsigned long mem_failures(void);

/*
 * Tests: hook sees each secret block (jansson's or buf's) after its wipe,
 * just before it is freed; NULL removes it.  Not for threads.
 */
typedef void (*mem_free_hook)(const void *p, size_t size);
void mem_set_free_hook(mem_free_hook hook);

/* Makes jansson allocate through mem_alloc and wipe every block it frees. */
void mem_json_wiping(void);

/*
 * Frees what jansson allocated for the caller (json_dumps' text) with
 * jansson's own free: never free() it, which mem_json_wiping would break.
 */
void mem_json_free(void *p);

#endif
