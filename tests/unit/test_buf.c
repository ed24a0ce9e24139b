/*
 * test_buf.c -- the secret buffers and the allocator under them
 * (core/buf.h, core/mem.h), and the server's answer when memory runs out
 * (http_reply_error with allocations failing).
 *
 * A secret buffer must wipe every block it lets go: the old block each
 * time it grows (a plain realloc frees it unwiped) and the last when
 * freed; jansson, once mem_json_wiping() is called, must wipe every block
 * it frees (a password parsed from a request passes through it).  The
 * free hook of core/mem.h sees each such block just before free() and
 * checks that not one byte of it is left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/buf.h"
#include "core/mem.h"
#include "http/http_int.h"

static size_t freed, freed_bytes, dirty;

static void
count_free(const void *p, size_t size)
{
	const unsigned char *b = p;
	size_t i;

	freed++;
	freed_bytes += size;
	for (i = 0; i < size; i++)
		if (b[i] != 0) {
			dirty++;
			return;
		}
}

static void
hook_on(void)
{
	freed = freed_bytes = dirty = 0;
	mem_set_free_hook(count_free);
}

static void
test_secret_growth_wipes_old_blocks(void **state)
{
	struct buf b;
	char chunk[100];
	size_t i;

	(void)state;
	memset(chunk, 'S', sizeof(chunk));
	hook_on();
	buf_init_secret(&b, 1u << 20);
	for (i = 0; i < 1000; i++) /* 100 KB: from 64 bytes, eleven growths */
		buf_append(&b, chunk, sizeof(chunk));
	assert_int_equal(buf_error(&b, NULL), REDRESS_OK);
	assert_int_equal(b.len, 1000 * sizeof(chunk));
	/* Each growth let the old block go, wiped; none was freed unwiped. */
	assert_true(freed >= 10);
	assert_int_equal(dirty, 0);
	buf_free(&b);
	assert_int_equal(dirty, 0);
	assert_true(freed_bytes >= 1000 * sizeof(chunk));
	/* Still secret after being freed: reused, it wipes again. */
	buf_append(&b, chunk, 10);
	freed = 0;
	buf_free(&b);
	assert_int_equal(freed, 1);
	mem_set_free_hook(NULL);
}

static void
test_plain_buffer_is_not_secret(void **state)
{
	struct buf b;

	(void)state;
	hook_on();
	buf_init(&b, 1u << 20);
	buf_printf(&b, "%0500d", 7);
	buf_free(&b);
	assert_int_equal(freed, 0);
	mem_set_free_hook(NULL);
}

static void
test_jansson_wipes_what_it_frees(void **state)
{
	json_t *v;
	char *text;

	(void)state;
	mem_json_wiping();
	hook_on();
	v = json_loads("{\"username\":\"ada\",\"password\":\"hunter2-CANARY-0123456789\"}", 0, NULL);
	assert_non_null(v);
	text = json_dumps(v, JSON_COMPACT);
	assert_non_null(text);
	assert_non_null(strstr(text, "hunter2-CANARY"));
	mem_json_free(text);
	json_decref(v);
	assert_true(freed >= 4); /* the object, two strings and the text at least */
	assert_int_equal(dirty, 0);
	mem_set_free_hook(NULL);
}

static void
test_fail_at(void **state)
{
	struct buf b;
	char chunk[100] = {0};

	(void)state;
	buf_init_secret(&b, 1u << 20);
	mem_fail_at(2);
	buf_append(&b, chunk, sizeof(chunk)); /* the first allocation */
	buf_append(&b, chunk, sizeof(chunk)); /* the second: fails */
	assert_int_equal(buf_error(&b, NULL), REDRESS_E_NOMEM);
	assert_int_equal(mem_count(), 2);
	mem_json_wiping();
	mem_fail_at(1);
	assert_null(json_object());
	mem_fail_at(0);
	buf_free(&b);
}

/*
 * Out of memory, an error answer used to recurse without end:
 * http_reply_json(NULL) called http_reply_error, whose json_pack failed
 * again.  Now it is the preformed 500, and needs nothing allocated.
 */
static void
test_error_answer_out_of_memory(void **state)
{
	struct http_response res;
	unsigned long n;

	(void)state;
	mem_json_wiping();
	for (n = 1; n <= 8; n++) {
		memset(&res, 0, sizeof(res));
		buf_init_secret(&res.body, 1u << 20);
		mem_fail_at(n);
		http_reply_error(&res, 404, "not_found", "there is no such resource");
		mem_fail_at(0);
		if (res.fixed != NULL) {
			assert_int_equal(res.status, 500);
			assert_non_null(strstr(res.fixed, "\"status\":500"));
		} else {
			/* The message may be the fallback's, when the failing allocation was the first json_pack's. */
			assert_int_equal(res.status, 404);
			assert_non_null(strstr(res.body.data, "\"status\":404"));
		}
		buf_free(&res.body);
	}
	memset(&res, 0, sizeof(res));
	buf_init(&res.body, 1024);
	http_reply_json(&res, 200, NULL);
	assert_int_equal(res.status, 500);
	assert_non_null(res.fixed);
	buf_free(&res.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_secret_growth_wipes_old_blocks),
	    cmocka_unit_test(test_plain_buffer_is_not_secret),
	    cmocka_unit_test(test_jansson_wipes_what_it_frees),
	    cmocka_unit_test(test_fail_at),
	    cmocka_unit_test(test_error_answer_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
