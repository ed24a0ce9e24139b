/*
 * test_catalogue.c -- every table is one module's (docs/store.md).
 *
 * A table belongs to the module whose name it bears ("ledger_accounts" is
 * the ledger's, "entitlements" the entitlements module's, "log_events" the
 * log's).  A statement may touch the tables of its own module; it may read
 * another module's only when its .reads names that module, and it may
 * never write one.  This reads every statement of every catalogue of the
 * fund -- its portable SQL and each dialect's -- and holds it to that, so
 * that a read across modules cannot be added without being declared, and
 * `grep '\.reads = '` stays the whole list of them.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements.h"
#include "domain/fund/fund.h"
#include "domain/idempotency/idempotency.h"
#include "domain/ledger/ledger.h"
#include "domain/offices/offices.h"
#include "domain/payments/payments.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "domain/reports/reports.h"
#include "domain/sessions/sessions.h"
#include "domain/users/users.h"
#include "log/tlog.h"
#include "store/store.h"

/* The fund's modules, as the command line opens them (src/cli/main.c). */
static const struct event_module *const modules[] = {
    &ledger_module,       &users_module,    &registry_module, &programs_module, &claims_module,
    &entitlements_module, &payments_module, &pledges_module,  &reports_module,  &idempotency_module,
    &fund_module,         &casework_module, &sessions_module, &dups_module,     &offices_module,
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

#define WORD_MAX 64

/* The owner of table word: "log" for the log's tables, else the module whose name it bears; NULL: none. */
static const char *
owner_of(const char *word)
{
	size_t i, n;

	if (strncmp(word, "log_", 4) == 0)
		return "log";
	for (i = 0; i < NMODULES; i++) {
		n = strlen(modules[i]->name);
		if (strncmp(word, modules[i]->name, n) == 0 && (word[n] == '\0' || word[n] == '_'))
			return modules[i]->name;
	}
	return NULL;
}

/* Whether word is a table some module's schema or the log's statements create or name. */
static int
is_table(const char *word)
{
	char pattern[WORD_MAX + 32];
	size_t i;

	snprintf(pattern, sizeof(pattern), "CREATE TABLE IF NOT EXISTS %s ", word);
	for (i = 0; i < NMODULES; i++)
		if (modules[i]->schema != NULL && strstr(modules[i]->schema, pattern) != NULL)
			return 1;
	/* The log's five (tlog.c's schema is its own); the log's tables all begin "log_". */
	return strcmp(word, "log_meta") == 0 || strcmp(word, "log_events") == 0 ||
	       strcmp(word, "log_nodes") == 0 || strcmp(word, "log_checkpoints") == 0 ||
	       strcmp(word, "log_cosignatures") == 0;
}

/* Whether name is one of the words of list (names between spaces). */
static int
listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (list != NULL && (p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return 1;
		p += n;
	}
	return 0;
}

/* Whether the statement text writes (the keyword before a table). */
static int
writes_before(const char *sql, const char *at)
{
	static const char *const verbs[] = {"INSERT INTO ",           "INSERT OR REPLACE INTO ",
	                                    "INSERT OR IGNORE INTO ", "UPDATE ",
	                                    "DELETE FROM ",           "REPLACE INTO "};
	size_t i, n;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		n = strlen(verbs[i]);
		if ((size_t)(at - sql) >= n && strncmp(at - n, verbs[i], n) == 0)
			return 1;
	}
	return 0;
}

/*
 * The tables sql touches that module may not: another module's table not in
 * reads, or any other module's table written.  Counts them into *bad and
 * prints each, naming the statement.
 */
static void
check_sql(const char *module, const struct store_statement *q, const char *sql, int *bad)
{
	char word[WORD_MAX + 1];
	const char *p = sql, *start, *owner;
	size_t n;

	while (*p != '\0') {
		if (*p == '\'') { /* a string literal names no table */
			for (p++; *p != '\0' && *p != '\''; p++)
				;
			if (*p != '\0')
				p++;
			continue;
		}
		if (!isalpha((unsigned char)*p) && *p != '_') {
			p++;
			continue;
		}
		start = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		n = (size_t)(p - start);
		if (n > WORD_MAX || (start > sql && (start[-1] == '.' || isdigit((unsigned char)start[-1]))))
			continue;
		memcpy(word, start, n);
		word[n] = '\0';
		if (!is_table(word) || (owner = owner_of(word)) == NULL || strcmp(owner, module) == 0)
			continue;
		if (writes_before(sql, start)) {
			print_error("%s writes %s, the %s module's table\n", q->name, word, owner);
			(*bad)++;
		} else if (!listed(q->reads, owner)) {
			print_error("%s reads %s, the %s module's table, without .reads = \"%s\"\n", q->name,
			            word, owner, owner);
			(*bad)++;
		}
	}
}

static void
check_catalogue(const struct store_catalogue *c, int *bad, size_t *statements, size_t *declared)
{
	size_t i;

	for (i = 0; i < c->count; i++) {
		const struct store_statement *q = &c->statements[i];

		assert_non_null(q->name);
		assert_non_null(q->sql);
		/* A statement's name begins with its module's, so an error names both. */
		assert_int_equal(strncmp(q->name, c->module, strlen(c->module)), 0);
		check_sql(c->module, q, q->sql, bad);
		if (q->sql_sqlite != NULL)
			check_sql(c->module, q, q->sql_sqlite, bad);
		if (q->sql_pgsql != NULL)
			check_sql(c->module, q, q->sql_pgsql, bad);
		if (q->reads != NULL)
			(*declared)++;
		(*statements)++;
	}
}

/* Every statement of every catalogue touches only its own tables and those its .reads names. */
static void
test_every_read_across_modules_is_declared(void **state)
{
	size_t i, statements = 0, declared = 0;
	int bad = 0;

	(void)state;
	check_catalogue(&tlog_catalogue, &bad, &statements, &declared);
	for (i = 0; i < NMODULES; i++)
		if (modules[i]->catalogue != NULL) {
			assert_string_equal(modules[i]->catalogue->module, modules[i]->name);
			check_catalogue(modules[i]->catalogue, &bad, &statements, &declared);
		}
	print_message("%zu statements, %zu of them declare reads across modules\n", statements, declared);
	assert_true(statements > 200);
	assert_int_equal(bad, 0);
}

/* The check itself finds an undeclared read, a declared one, and a write across modules. */
static void
test_the_check_can_fail(void **state)
{
	static const struct store_statement undeclared = {
	    .name = "payments.test.undeclared",
	    .sql = "SELECT o.amount FROM payments_orders o JOIN entitlements e ON e.seq = o.seq"};
	static const struct store_statement declared = {
	    .name = "payments.test.declared",
	    .sql = "SELECT o.amount FROM payments_orders o JOIN entitlements e ON e.seq = o.seq",
	    .reads = "ledger entitlements"};
	static const struct store_statement write = {
	    .name = "payments.test.write",
	    .sql = "UPDATE ledger_accounts SET balance = 0 WHERE name = 'entitlements'",
	    .reads = "ledger"};
	static const struct store_statement literal = {
	    .name = "payments.test.literal",
	    .sql = "SELECT count(*) FROM payments_orders WHERE note = 'log_events'"};
	int bad = 0;

	(void)state;
	check_sql("payments", &undeclared, undeclared.sql, &bad);
	assert_int_equal(bad, 1);
	bad = 0;
	check_sql("payments", &declared, declared.sql, &bad);
	assert_int_equal(bad, 0);
	check_sql("payments", &write, write.sql, &bad);
	assert_int_equal(bad, 1);
	bad = 0;
	check_sql("payments", &literal, literal.sql, &bad);
	assert_int_equal(bad, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_check_can_fail),
	    cmocka_unit_test(test_every_read_across_modules_is_declared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
