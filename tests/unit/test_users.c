/*
 * test_users.c -- staff accounts with the log, in process: the whole
 * role-by-permission table against the documented one, adding accounts
 * and signing in, the bootstrap's limits, refusals that do not tell which
 * accounts exist, passwords and their hashes never in clear in the
 * database file or any event (canary values), and audit agreeing with the
 * accounts table and naming each row edited behind its back.  Then the
 * second factor (enrolment by an admin or the account itself, codes checked
 * in their window, re-enrolment replacing the secret, the secret bound to
 * its account), API tokens (issued, authenticated by hash, revoked), locks
 * (password and token refused until unlocked), none of the secrets or
 * tokens in clear, and audit naming their tables' tampered rows and events
 * that break the commands' rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/keydir.h"
#include "crypto/totp.h"
#include "domain/ledger/ledger.h"
#include "domain/users/users.h"
#include "log/audit.h"
#include "logfix.h"

static const struct event_module *const modules[] = {&ledger_module, &users_module, NULL};

/* Passwords no other test or fixture uses, to look for in the bytes. */
#define ADA_PASSWORD "canary-ada-7f3a9c1e-pw"
#define BOB_PASSWORD "canary-bob-51d0b8aa-pw"

/* The OS user, while there are no accounts. */
static struct actor boot;

static int
setup(void **state)
{
	*state = logfix_new(modules, "test.example/users");
	return 0;
}

static int
teardown(void **state)
{
	logfix_free(*state);
	return 0;
}

/* Adds an account in a change of its own; returns the result, the change rolled back on error. */
static enum redress_err
add(struct logfix *f, const struct actor *actor, const char *name, enum role role, const char *password,
    struct redress_error *err)
{
	enum redress_err rc;

	assert_int_equal(tlog_begin(f->log, err), REDRESS_OK);
	rc = users_add(f->log, actor, keydir_master_key(f->kd), name, role, password, err);
	if (rc != REDRESS_OK) {
		tlog_rollback(f->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static uint64_t
count(struct logfix *f)
{
	struct redress_error err;
	uint64_t n;

	assert_int_equal(users_count(f->store, &n, &err), REDRESS_OK);
	return n;
}

/* ada, the first admin (added by the bootstrap), and bob, a reviewer she adds. */
static void
staff(struct logfix *f, struct actor *ada_r)
{
	struct redress_error err;
	struct actor ada;

	assert_int_equal(add(f, &boot, "ada", ROLE_ADMIN, ADA_PASSWORD, &err), REDRESS_OK);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "ada", ADA_PASSWORD, &ada, &err),
	    REDRESS_OK);
	assert_int_equal(tlog_set_actor(f->log, "user:ada", &err), REDRESS_OK);
	assert_int_equal(add(f, &ada, "bob", ROLE_REVIEWER, BOB_PASSWORD, &err), REDRESS_OK);
	if (ada_r != NULL)
		*ada_r = ada;
}

/* The table in README.md ("Staff accounts and roles"), written out again, not derived from the code. */
static const struct {
	enum role role;
	enum permission allowed[8];
	size_t n;
} documented[] = {
    {ROLE_ADMIN,
     {PERM_USERS_MANAGE, PERM_PROGRAMS_MANAGE, PERM_PERSONS_ERASE, PERM_PERSONS_READ, PERM_CLAIMS_READ,
      PERM_BALANCES_READ, PERM_AGGREGATES_READ},
     7},
    {ROLE_CASEWORKER,
     {PERM_PERSONS_WRITE, PERM_PERSONS_READ, PERM_PERSONS_REVEAL, PERM_CONSENT_WRITE, PERM_CLAIMS_INTAKE,
      PERM_CLAIMS_READ},
     6},
    {ROLE_REVIEWER, {PERM_CLAIMS_DECIDE, PERM_CLAIMS_READ, PERM_PERSONS_READ}, 3},
    {ROLE_FINANCE,
     {PERM_LEDGER_WRITE, PERM_LEDGER_READ, PERM_BALANCES_READ, PERM_ENTITLEMENTS_RUN, PERM_QUEUE_READ,
      PERM_CLAIMS_READ},
     6},
    {ROLE_MONITOR, {PERM_BALANCES_READ, PERM_AGGREGATES_READ}, 2},
    {ROLE_APPEALS, {PERM_APPEALS_DECIDE, PERM_CLAIMS_READ}, 2},
};

#define ROLES 6
#define PERMS (PERM_APPEALS_DECIDE + 1)

static void
test_permission_table(void **state)
{
	struct redress_error err;
	struct actor a;
	char want[REDRESS_ERROR_MAX];
	size_t r, p, i;
	int allowed;

	(void)state;
	assert_int_equal(sizeof(documented) / sizeof(documented[0]), ROLES);
	for (r = 0; r < ROLES; r++) {
		memset(&a, 0, sizeof(a));
		snprintf(a.name, sizeof(a.name), "someone");
		a.role = documented[r].role;
		for (p = 0; p < PERMS; p++) {
			allowed = 0;
			for (i = 0; i < documented[r].n; i++)
				if (documented[r].allowed[i] == (enum permission)p)
					allowed = 1;
			if (users_allows(&a, (enum permission)p) != allowed)
				fail_msg(
				    "role %s, permission '%s': the code says %d, the documented table %d",
				    users_role_name(a.role), users_permission_name((enum permission)p),
				    !allowed, allowed);
			if (allowed) {
				assert_int_equal(users_require(&a, (enum permission)p, &err), REDRESS_OK);
				continue;
			}
			assert_int_equal(users_require(&a, (enum permission)p, &err), REDRESS_E_REFUSED);
			snprintf(want, sizeof(want), "account 'someone' (%s) may not %s",
			         users_role_name(a.role), users_permission_name((enum permission)p));
			assert_non_null(strstr(err.message, want));
		}
	}
	/* The bootstrap may do anything; no one at all may do nothing. */
	for (p = 0; p < PERMS; p++) {
		assert_true(users_allows(&boot, (enum permission)p));
		assert_false(users_allows(NULL, (enum permission)p));
		assert_int_equal(users_require(NULL, (enum permission)p, &err), REDRESS_E_REFUSED);
	}
	/* Every permission has its own words, and some role has it. */
	for (p = 0; p < PERMS; p++) {
		assert_string_not_equal(users_permission_name((enum permission)p), "?");
		for (i = p + 1; i < PERMS; i++)
			assert_string_not_equal(users_permission_name((enum permission)p),
			                        users_permission_name((enum permission)i));
	}
	/* The refusal names the role that may. */
	a.role = ROLE_MONITOR;
	assert_int_equal(users_require(&a, PERM_LEDGER_WRITE, &err), REDRESS_E_REFUSED);
	assert_string_equal(
	    err.message,
	    "account 'someone' (monitor) may not change the ledger: that needs the role finance");
	assert_int_equal(users_require(&a, PERM_CLAIMS_READ, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "admin or caseworker or reviewer or finance"));
}

static void
test_roles_and_names(void **state)
{
	static const char *const names[] = {"admin",   "caseworker", "reviewer",
	                                    "finance", "monitor",    "appeals"};
	struct redress_error err;
	struct actor cut;
	enum role role;
	char long_name[USER_NAME_MAX + 2], long_os[200];
	size_t i;

	(void)state;
	for (i = 0; i < ROLES; i++) {
		assert_int_equal(users_role_parse(names[i], &role, &err), REDRESS_OK);
		assert_string_equal(users_role_name(role), names[i]);
	}
	assert_int_equal(users_role_parse("Admin", &role, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "admin, caseworker, reviewer, finance, monitor, appeals"));
	assert_int_equal(users_role_parse("", &role, &err), REDRESS_E_INVALID);

	assert_int_equal(users_name_check("ada", &err), REDRESS_OK);
	assert_int_equal(users_name_check("j.kim_2-b", &err), REDRESS_OK);
	assert_int_equal(users_name_check("7", &err), REDRESS_OK);
	assert_int_equal(users_name_check("Ada", &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "'A' at position 1"));
	assert_int_equal(users_name_check("-ada", &err), REDRESS_E_INVALID);
	assert_int_equal(users_name_check("a da", &err), REDRESS_E_INVALID);
	assert_int_equal(users_name_check("a:b", &err), REDRESS_E_INVALID);
	assert_int_equal(users_name_check("\xc3\xa9", &err), REDRESS_E_INVALID);
	assert_int_equal(users_name_check("", &err), REDRESS_E_INVALID);
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_int_equal(users_name_check(long_name, &err), REDRESS_E_INVALID);
	long_name[USER_NAME_MAX] = '\0';
	assert_int_equal(users_name_check(long_name, &err), REDRESS_OK);

	/* The bootstrap's name is cut to fit an actor; the log records the OS user whole. */
	memset(long_os, 'x', sizeof(long_os) - 1);
	long_os[sizeof(long_os) - 1] = '\0';
	users_bootstrap_actor(long_os, &cut);
	assert_int_equal(strlen(cut.name), USER_NAME_MAX);
	assert_true(cut.bootstrap);
}

static enum redress_err
collect(void *ctx, const char *name, enum role role, struct redress_error *err)
{
	struct buf *out = ctx;

	(void)err;
	buf_printf(out, "%s:%s;", name, users_role_name(role));
	return REDRESS_OK;
}

static void
test_add_and_authenticate(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	struct actor ada, bob;
	struct buf list;
	uint64_t before;

	assert_int_equal(count(f), 0);
	before = logfix_size(f);
	staff(f, &ada);
	assert_int_equal(count(f), 2);
	assert_int_equal(logfix_size(f), before + 2);
	assert_string_equal(ada.name, "ada");
	assert_int_equal(ada.role, ROLE_ADMIN);
	assert_false(ada.bootstrap);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &bob, &err),
	    REDRESS_OK);
	assert_string_equal(bob.name, "bob");
	assert_int_equal(bob.role, ROLE_REVIEWER);
	assert_false(users_allows(&bob, PERM_USERS_MANAGE));

	/* A reviewer may not add accounts, and a refusal changes nothing. */
	before = logfix_size(f);
	assert_int_equal(add(f, &bob, "carol", ROLE_FINANCE, "another long password", &err),
	                 REDRESS_E_REFUSED);
	assert_string_equal(err.message, "account 'bob' (reviewer) may not manage staff accounts: that needs"
	                                 " the role admin");
	assert_int_equal(logfix_size(f), before);
	assert_int_equal(count(f), 2);

	assert_int_equal(add(f, &ada, "carol", ROLE_FINANCE, "another long password", &err), REDRESS_OK);
	buf_init(&list, 4096);
	assert_int_equal(users_each(f->store, collect, &list, &err), REDRESS_OK);
	assert_string_equal(list.data, "ada:admin;bob:reviewer;carol:finance;");
	buf_free(&list);
	logfix_audit_clean(f);
}

static void
test_bootstrap_limits(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;

	/* The first account must be an admin, or no one could ever add another. */
	assert_int_equal(add(f, &boot, "mon", ROLE_MONITOR, "a long enough password", &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "the first account must be an admin"));
	assert_int_equal(count(f), 0);
	assert_int_equal(add(f, &boot, "ada", ROLE_ADMIN, ADA_PASSWORD, &err), REDRESS_OK);
	/* Once there is one, the bootstrap is over. */
	assert_int_equal(add(f, &boot, "eve", ROLE_ADMIN, "a long enough password", &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "this fund has staff accounts"));
	assert_int_equal(count(f), 1);
}

static void
test_duplicate_name_conflict(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	struct actor ada;
	uint64_t before;

	staff(f, &ada);
	before = logfix_size(f);
	assert_int_equal(add(f, &ada, "bob", ROLE_FINANCE, "quite another password", &err),
	                 REDRESS_E_CONFLICT);
	assert_string_equal(err.message, "account 'bob' already exists (reviewer)");
	assert_int_equal(logfix_size(f), before);
	/* bob is still the reviewer with his own password. */
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &ada, &err),
	    REDRESS_OK);
	assert_int_equal(ada.role, ROLE_REVIEWER);
}

static void
test_password_rules(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	struct actor ada;

	staff(f, &ada);
	/* Nine characters are too few; the message never shows the password. */
	assert_int_equal(add(f, &ada, "p1", ROLE_MONITOR, "123456789", &err), REDRESS_E_INVALID);
	assert_string_equal(err.message, "the password has 9 characters; a staff password has at least 10");
	assert_int_equal(add(f, &ada, "p1", ROLE_MONITOR, "", &err), REDRESS_E_INVALID);
	/* Characters, not bytes: nine Hangul syllables are 27 bytes and still nine characters. */
	assert_int_equal(
	    add(f, &ada, "p1", ROLE_MONITOR,
	        "\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0"
	        "\x80\xea\xb0\x80\xea\xb0\x80",
	        &err),
	    REDRESS_E_INVALID);
	assert_int_equal(add(f, &ada, "p1", ROLE_MONITOR, "tab\there-and-more", &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "control character"));
	assert_int_equal(add(f, &ada, "p1", ROLE_MONITOR, "bad \xff utf-8 bytes", &err), REDRESS_E_INVALID);
	assert_int_equal(count(f), 2);
	/* Ten characters are enough, ten Hangul syllables too. */
	assert_int_equal(add(f, &ada, "p1", ROLE_MONITOR, "1234567890", &err), REDRESS_OK);
	assert_int_equal(
	    add(f, &ada, "p2", ROLE_MONITOR,
	        "\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0"
	        "\x80\xea\xb0\x80\xea\xb0\x80\xea\xb0\x80",
	        &err),
	    REDRESS_OK);
	/* An invalid name is refused before anything else. */
	assert_int_equal(add(f, &ada, "P3", ROLE_MONITOR, "1234567890", &err), REDRESS_E_INVALID);
	assert_int_equal(count(f), 4);
}

static void
test_refusal_does_not_tell_which_names_exist(void **state)
{
	struct logfix *f = *state;
	struct redress_error wrong_password, unknown_name, bad_name;
	struct actor a;

	staff(f, NULL);
	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "ada", BOB_PASSWORD, &a, &wrong_password),
	    REDRESS_E_REFUSED);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "nobody", ADA_PASSWORD, &a, &unknown_name),
	    REDRESS_E_REFUSED);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "No Body!", ADA_PASSWORD, &a, &bad_name),
	    REDRESS_E_REFUSED);
	assert_string_equal(wrong_password.message, unknown_name.message);
	assert_string_equal(wrong_password.message, bad_name.message);
	assert_null(strstr(wrong_password.message, "ada"));
	/* A refusal fills in no one. */
	assert_int_equal(((unsigned char *)&a)[0], 0x5a);
	/* The right password differs from a wrong one by a single character. */
	assert_int_equal(users_authenticate(f->store, keydir_master_key(f->kd), "ada", ADA_PASSWORD "x", &a,
	                                    &wrong_password),
	                 REDRESS_E_REFUSED);
}

/* The database's bytes on either backend (logfix_db_bytes: SQLite's file and -wal, or the cluster's files and
 * WAL). */
static void
db_bytes(struct logfix *f, struct buf *out)
{
	size_t len;
	char *data = logfix_db_bytes(f, &len);

	assert_non_null(data);
	buf_append(out, data, len);
	free(data);
	assert_int_equal(buf_error(out, NULL), REDRESS_OK);
}

static void
assert_absent(const struct buf *hay, const char *needle, const char *what)
{
	if (hay->len > 0 && memmem(hay->data, hay->len, needle, strlen(needle)) != NULL)
		fail_msg("%s holds '%s' in clear", what, needle);
}

/* The clear Argon2id hash of name's password, opened from its row with the master key. */
static void
opened_hash(struct logfix *f, const char *name, struct buf *hash_r)
{
	static const struct store_query q = {
	    "test.sealed", "SELECT password_sealed, role FROM users_accounts WHERE name = ?1"};
	char ad[128];
	struct redress_error err;
	struct store_stmt *st;

	assert_non_null(st = store_query(f->store, &q, &err));
	store_bind_text(st, 1, name);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_memory_equal(store_column_text(st, 0), "s1:", 3);
	/* The label binds the account's name and role (users_int.h, USERS_SEAL_AD_SIZE). */
	snprintf(ad, sizeof(ad), "user:%s/password/role:%s", name, store_column_text(st, 1));
	assert_int_equal(seal_decrypt(keydir_master_key(f->kd), store_column_text(st, 0), ad, hash_r, &err),
	                 REDRESS_OK);
	assert_memory_equal(hash_r->data, "$argon2id$", 10);
}

static void
test_no_password_or_hash_in_clear(void **state)
{
	struct logfix *f = *state;
	struct buf ada_hash, bob_hash, bytes, ev;
	struct redress_error err;
	char what[64];
	const char *tail;
	uint64_t i, size;

	staff(f, NULL);
	buf_init(&ada_hash, 1024);
	buf_init(&bob_hash, 1024);
	opened_hash(f, "ada", &ada_hash);
	opened_hash(f, "bob", &bob_hash);

	/* Every event: not the password, not the hash, not even the hash's last part (the digest). */
	buf_init(&ev, TLOG_EVENT_MAX);
	size = logfix_size(f);
	for (i = 0; i < size; i++) {
		buf_reset(&ev);
		assert_int_equal(tlog_event_bytes(f->log, i, &ev, &err), REDRESS_OK);
		snprintf(what, sizeof(what), "event %llu", (unsigned long long)i);
		assert_absent(&ev, ADA_PASSWORD, what);
		assert_absent(&ev, BOB_PASSWORD, what);
		assert_absent(&ev, ada_hash.data, what);
		assert_absent(&ev, bob_hash.data, what);
		assert_absent(&ev, strrchr(ada_hash.data, '$') + 1, what);
		assert_absent(&ev, strrchr(bob_hash.data, '$') + 1, what);
		assert_absent(&ev, "argon2", what);
		if (strstr(ev.data, "users.user.added") != NULL)
			assert_non_null(strstr(ev.data, "\"password\":\"s1:"));
	}

	/* The database file and its write-ahead log, byte for byte. */
	buf_init(&bytes, 1u << 28);
	db_bytes(f, &bytes);
	assert_true(bytes.len > 0);
	tail = strrchr(ada_hash.data, '$') + 1;
	assert_absent(&bytes, ADA_PASSWORD, "the database");
	assert_absent(&bytes, BOB_PASSWORD, "the database");
	assert_absent(&bytes, ada_hash.data, "the database");
	assert_absent(&bytes, bob_hash.data, "the database");
	assert_absent(&bytes, tail, "the database");
	assert_absent(&bytes, strrchr(bob_hash.data, '$') + 1, "the database");
	assert_absent(&bytes, "$argon2id$", "the database");
	/* The check can see: the account names themselves are in the file. */
	assert_non_null(memmem(bytes.data, bytes.len, "users_accounts", strlen("users_accounts")));
	buf_free(&bytes);
	buf_free(&ev);
	buf_free(&ada_hash);
	buf_free(&bob_hash);
}

static void
test_sealed_hash_bound_to_its_account(void **state)
{
	struct logfix *f = *state;
	struct keydir *other = NULL;
	struct redress_error err;
	struct actor a;
	char path[160];

	staff(f, NULL);
	/* bob's sealed hash copied into ada's row does not let bob's password in as ada. */
	assert_int_equal(store_exec(f->store,
	                            "UPDATE users_accounts SET password_sealed = (SELECT password_sealed FROM"
	                            " users_accounts WHERE name = 'bob') WHERE name = 'ada'",
	                            &err),
	                 REDRESS_OK);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "ada", BOB_PASSWORD, &a, &err),
	    REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "does not open"));
	/* Another fund's master key opens nothing here. */
	snprintf(path, sizeof(path), "%s/other.keys", f->dir);
	assert_int_equal(keydir_create(path, &err), REDRESS_OK);
	assert_int_equal(keydir_open(path, &other, &err), REDRESS_OK);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(other), "bob", BOB_PASSWORD, &a, &err),
	    REDRESS_E_CRYPTO);
	keydir_close(&other);
	/* And audit names the edited row. */
	logfix_audit_finds(f, "users_accounts 'ada': password_sealed is ");
}

static void
test_audit_clean_after_accounts_and_ledger(void **state)
{
	struct logfix *f = *state;
	struct ledger_account_spec spec = {"bank", "KRW", LEDGER_ASSET, NULL, 0};
	struct redress_error err;

	logfix_audit_clean(f);
	staff(f, NULL);
	logfix_audit_clean(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_account_open(f->log, &spec, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	logfix_audit_clean(f);
}

static void
test_events_name_the_actor(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	struct buf ev;

	staff(f, NULL);
	buf_init(&ev, TLOG_EVENT_MAX);
	/* ada was added by the bootstrap, bob by ada. */
	assert_int_equal(tlog_event_bytes(f->log, 1, &ev, &err), REDRESS_OK);
	assert_non_null(strstr(ev.data, "\"actor\":\"os:tester\""));
	assert_non_null(strstr(ev.data, "\"data\":{\"name\":\"ada\",\"password\":\"s1:"));
	assert_non_null(strstr(ev.data, "\"role\":\"admin\"},"));
	buf_reset(&ev);
	assert_int_equal(tlog_event_bytes(f->log, 2, &ev, &err), REDRESS_OK);
	assert_non_null(strstr(ev.data, "\"actor\":\"user:ada\""));
	assert_non_null(strstr(ev.data, "\"type\":\"users.user.added\""));
	buf_free(&ev);
}

static void
test_audit_names_raised_role(void **state)
{
	struct logfix *f = *state;

	staff(f, NULL);
	logfix_tamper(f, "UPDATE users_accounts SET role = 'admin' WHERE name = 'bob'");
	logfix_audit_finds(f,
	                   "users_accounts 'bob': role is 'admin' in the database but 'reviewer' by the log");
}

static void
test_audit_names_inserted_account(void **state)
{
	struct logfix *f = *state;

	staff(f, NULL);
	logfix_tamper(
	    f, "INSERT INTO users_accounts SELECT 'eve', 'admin', password_sealed, 9 FROM users_accounts"
	       " WHERE name = 'ada'");
	logfix_audit_finds(f, "users_accounts 'eve': row in the database that no event created");
}

static void
test_audit_names_deleted_account(void **state)
{
	struct logfix *f = *state;

	staff(f, NULL);
	logfix_tamper(f, "DELETE FROM users_accounts WHERE name = 'bob'");
	logfix_audit_finds(f, "users_accounts 'bob': row the log creates is missing from the database");
}

/* An event that carries a hash in clear, or adds a name twice, is named as such. */
static void
test_audit_names_bad_events(void **state)
{
	static const char clear[] =
	    "{\"name\":\"mal\",\"password\":\"$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA\","
	    "\"role\":\"admin\"}";
	struct logfix *f = *state;
	struct redress_error err;
	struct buf again;
	uint64_t seq;

	staff(f, NULL);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_append(f->log, "users.user.added", clear, strlen(clear), &seq, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	logfix_audit_finds(f, "field 'password' is not a sealed hash");

	/* bob's event again, appended without going through users_add. */
	buf_init(&again, TLOG_EVENT_MAX);
	assert_int_equal(tlog_event_bytes(f->log, 2, &again, &err), REDRESS_OK);
	{
		const char *data = strstr(again.data, "\"data\":") + strlen("\"data\":");
		const char *end = strstr(data, "},\"salt\"") + 1;

		assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
		assert_int_equal(
		    tlog_append(f->log, "users.user.added", data, (size_t)(end - data), &seq, &err),
		    REDRESS_OK);
		assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	}
	buf_free(&again);
	logfix_audit_finds(f, "is added twice");
	/* With a table edited too, audit replays row by row: the same events are named again. */
	logfix_tamper(f, "UPDATE users_accounts SET role = 'finance' WHERE name = 'ada'");
	logfix_audit_finds(f,
	                   "users_accounts 'ada': role is 'finance' in the database but 'admin' by the log");
	logfix_audit_finds(f, "field 'password' is not a sealed hash");
	logfix_audit_finds(f, "cannot be replayed");
}

/* ---- The second factor, API tokens and locks ---- */

/* Decodes RFC 4648 base32 (upper case, no padding): the test's own, not liboath's. */
static size_t
base32_decode(const char *s, size_t len, uint8_t *out, size_t size)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint32_t acc = 0;
	size_t i, n = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		const char *p = strchr(alphabet, s[i]);

		assert_non_null(p);
		acc = (acc << 5) | (uint32_t)(p - alphabet);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			assert_true(n < size);
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

/* The secret an otpauth URI carries, checking the URI's shape for name. */
static void
uri_secret(const char *uri, const char *name, uint8_t secret[TOTP_SECRET_SIZE], char base32[TOTP_BASE32_SIZE])
{
	char head[128];
	const char *s, *end;

	snprintf(head, sizeof(head), "otpauth://totp/redress:%s?secret=", name);
	assert_true(strncmp(uri, head, strlen(head)) == 0);
	s = uri + strlen(head);
	assert_non_null(end = strchr(s, '&'));
	assert_string_equal(end, "&issuer=redress&algorithm=SHA1&digits=6&period=30");
	assert_int_equal((size_t)(end - s), TOTP_BASE32_SIZE - 1);
	memcpy(base32, s, (size_t)(end - s));
	base32[end - s] = '\0';
	assert_int_equal(base32_decode(s, (size_t)(end - s), secret, TOTP_SECRET_SIZE), TOTP_SECRET_SIZE);
}

/* Ends the change a call ran in: committed when it returned REDRESS_OK, else rolled back. */
static enum redress_err
change_end(struct logfix *f, enum redress_err rc, struct redress_error *err)
{
	if (rc != REDRESS_OK) {
		tlog_rollback(f->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->log, err), REDRESS_OK);
	return REDRESS_OK;
}

/* Runs call in a change of its own (call is evaluated after tlog_begin). */
#define IN_CHANGE(f, err, call)                                                                              \
	change_end((f), tlog_begin((f)->log, (err)) == REDRESS_OK ? (call) : (err)->code, (err))

static enum redress_err
enrol(struct logfix *f, const struct actor *actor, const char *name, char uri[USERS_TOTP_URI_SIZE],
      struct redress_error *err)
{
	return IN_CHANGE(
	    f, err,
	    users_totp_enrol(f->log, actor, keydir_master_key(f->kd), name, uri, USERS_TOTP_URI_SIZE, err));
}

/* bob, the reviewer staff() adds, acting for himself. */
static const struct actor BOB = {"bob", ROLE_REVIEWER, 0};

/* actor issues a token for name, the log's actor being actor. */
static enum redress_err
issue(struct logfix *f, const struct actor *actor, const char *name, char token[USERS_TOKEN_SIZE],
      struct redress_error *err)
{
	char log_actor[USER_NAME_MAX + 8], was[TLOG_ACTOR_MAX + 1];
	struct redress_error e;
	enum redress_err rc;

	snprintf(was, sizeof(was), "%s", tlog_actor(f->log));
	snprintf(log_actor, sizeof(log_actor), "user:%s", actor->name);
	assert_int_equal(tlog_set_actor(f->log, log_actor, err), REDRESS_OK);
	rc = IN_CHANGE(f, err, users_token_issue(f->log, actor, name, token, USERS_TOKEN_SIZE, err));
	assert_int_equal(tlog_set_actor(f->log, was, &e), REDRESS_OK);
	return rc;
}

static enum redress_err
revoke(struct logfix *f, const struct actor *actor, const char *name, uint64_t *n_r,
       struct redress_error *err)
{
	return IN_CHANGE(f, err, users_tokens_revoke(f->log, actor, name, n_r, err));
}

/* Locks (unlocker NULL: users_lock, by the log's actor) or unlocks in a change of its own. */
static enum redress_err
lock(struct logfix *f, const struct actor *unlocker, const char *name, const char *reason,
     struct redress_error *err)
{
	return IN_CHANGE(f, err,
	                 unlocker == NULL ? users_lock(f->log, name, reason, err)
	                                  : users_unlock(f->log, unlocker, name, err));
}

static struct users_account
account(struct logfix *f, const char *name)
{
	struct users_account a;
	struct redress_error err;

	assert_int_equal(users_account_get(f->store, name, &a, &err), REDRESS_OK);
	assert_string_equal(a.name, name);
	return a;
}

static void
test_roles_needing_totp(void **state)
{
	(void)state;
	assert_true(users_role_needs_totp(ROLE_ADMIN));
	assert_true(users_role_needs_totp(ROLE_REVIEWER));
	assert_true(users_role_needs_totp(ROLE_FINANCE));
	assert_false(users_role_needs_totp(ROLE_CASEWORKER));
	assert_false(users_role_needs_totp(ROLE_MONITOR));
}

static void
test_totp_enrol_and_verify(void **state)
{
	struct logfix *f = *state;
	char uri[USERS_TOTP_URI_SIZE], base32[TOTP_BASE32_SIZE], code[TOTP_DIGITS_MAX + 1], wrong[8];
	uint8_t secret[TOTP_SECRET_SIZE], old[TOTP_SECRET_SIZE];
	const uint64_t now = 1800000000;
	struct redress_error err;
	struct actor ada, bob, carl;
	struct users_account a;
	uint64_t step = 0;

	staff(f, &ada);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &bob, &err),
	    REDRESS_OK);
	assert_int_equal(users_account_get(f->store, "nobody", &a, &err), REDRESS_E_NOTFOUND);
	a = account(f, "bob");
	assert_int_equal(a.role, ROLE_REVIEWER);
	assert_false(a.has_totp);
	assert_false(a.locked);
	assert_int_equal(a.tokens, 0);

	/* Before enrolment: refused, saying so, as for a name that does not exist. */
	assert_int_equal(
	    users_totp_verify(f->store, keydir_master_key(f->kd), "bob", "123456", now, &step, &err),
	    REDRESS_E_REFUSED);
	assert_true(strncmp(err.message, USERS_TOTP_REFUSED ": ", strlen(USERS_TOTP_REFUSED) + 2) == 0);
	assert_non_null(strstr(err.message, "no TOTP"));
	assert_int_equal(
	    users_totp_verify(f->store, keydir_master_key(f->kd), "nobody", "123456", now, &step, &err),
	    REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "no TOTP"));

	/* ada (admin) enrols bob. */
	assert_int_equal(enrol(f, &ada, "bob", uri, &err), REDRESS_OK);
	uri_secret(uri, "bob", secret, base32);
	assert_true(account(f, "bob").has_totp);
	assert_int_equal(totp_generate(secret, sizeof(secret), now, 6, code, sizeof(code), &err), REDRESS_OK);
	assert_int_equal(users_totp_verify(f->store, keydir_master_key(f->kd), "bob", code, now, &step, &err),
	                 REDRESS_OK);
	assert_int_equal(step, now / TOTP_PERIOD);
	/* A wrong code, and a malformed one. */
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 1) % 1000000);
	assert_int_equal(
	    users_totp_verify(f->store, keydir_master_key(f->kd), "bob", wrong, now, &step, &err),
	    REDRESS_E_REFUSED);
	assert_true(strncmp(err.message, USERS_TOTP_REFUSED, strlen(USERS_TOTP_REFUSED)) == 0);
	assert_null(strstr(err.message, wrong));
	assert_int_equal(
	    users_totp_verify(f->store, keydir_master_key(f->kd), "bob", "12a456", now, &step, &err),
	    REDRESS_E_REFUSED);
	/* Too late. */
	assert_int_equal(users_totp_verify(f->store, keydir_master_key(f->kd), "bob", code,
	                                   now + 3 * TOTP_PERIOD, &step, &err),
	                 REDRESS_E_REFUSED);

	/* bob may enrol himself again (a new phone), which replaces the secret. */
	memcpy(old, secret, sizeof(old));
	assert_int_equal(enrol(f, &bob, "bob", uri, &err), REDRESS_OK);
	uri_secret(uri, "bob", secret, base32);
	assert_memory_not_equal(old, secret, sizeof(old));
	assert_int_equal(totp_generate(secret, sizeof(secret), now, 6, code, sizeof(code), &err), REDRESS_OK);
	assert_int_equal(users_totp_verify(f->store, keydir_master_key(f->kd), "bob", code, now, &step, &err),
	                 REDRESS_OK);
	assert_int_equal(totp_generate(old, sizeof(old), now, 6, wrong, sizeof(wrong), &err), REDRESS_OK);
	if (strcmp(wrong, code) != 0)
		assert_int_equal(
		    users_totp_verify(f->store, keydir_master_key(f->kd), "bob", wrong, now, &step, &err),
		    REDRESS_E_REFUSED);

	/* bob, a reviewer, may not enrol ada; nobody enrols an account that does not exist. */
	assert_int_equal(enrol(f, &bob, "ada", uri, &err), REDRESS_E_REFUSED);
	assert_string_equal(uri, "");
	assert_non_null(strstr(err.message, "may not manage staff accounts"));
	assert_int_equal(enrol(f, &ada, "nobody", uri, &err), REDRESS_E_NOTFOUND);
	/* An actor merely named like the account but not it (the bootstrap's OS user) gets no exception. */
	memset(&carl, 0, sizeof(carl));
	snprintf(carl.name, sizeof(carl.name), "carl");
	carl.role = ROLE_MONITOR;
	assert_int_equal(enrol(f, &carl, "bob", uri, &err), REDRESS_E_REFUSED);
	assert_int_equal(enrol(f, &ada, "ada", uri, &err), REDRESS_OK);
	assert_true(account(f, "ada").has_totp);

	/* The event names who enrolled whom and carries the secret sealed. */
	logfix_audit_clean(f);
	explicit_bzero(secret, sizeof(secret));
}

/* The secret is bound to its account: bob's sealed secret moved to ada's row opens for no one. */
static void
test_totp_secret_bound_to_account(void **state)
{
	struct logfix *f = *state;
	char uri[USERS_TOTP_URI_SIZE], base32[TOTP_BASE32_SIZE], code[8];
	uint8_t secret[TOTP_SECRET_SIZE];
	struct redress_error err;
	struct actor ada;
	uint64_t step;

	staff(f, &ada);
	assert_int_equal(enrol(f, &ada, "bob", uri, &err), REDRESS_OK);
	assert_int_equal(enrol(f, &ada, "ada", uri, &err), REDRESS_OK);
	uri_secret(uri, "ada", secret, base32);
	logfix_tamper(f, "UPDATE users_totp SET secret_sealed = (SELECT secret_sealed FROM users_totp"
	                 " WHERE name = 'bob') WHERE name = 'ada'");
	assert_int_equal(totp_generate(secret, sizeof(secret), 1800000000, 6, code, sizeof(code), &err),
	                 REDRESS_OK);
	assert_int_equal(
	    users_totp_verify(f->store, keydir_master_key(f->kd), "ada", code, 1800000000, &step, &err),
	    REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "does not open"));
	logfix_audit_finds(f, "users_totp 'ada': secret_sealed is ");
}

static void
test_tokens(void **state)
{
	struct logfix *f = *state;
	char t1[USERS_TOKEN_SIZE], t2[USERS_TOKEN_SIZE], forged[USERS_TOKEN_SIZE];
	struct redress_error err;
	struct actor ada, bob, who;
	uint64_t n = 99, size;
	size_t i;

	staff(f, &ada);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &bob, &err),
	    REDRESS_OK);
	assert_int_equal(issue(f, &BOB, "bob", t1, &err), REDRESS_OK);
	assert_int_equal(issue(f, &BOB, "bob", t2, &err), REDRESS_OK);
	/* "rdt_" and 43 characters of base64url. */
	assert_int_equal(strlen(t1), 47);
	assert_memory_equal(t1, "rdt_", 4);
	for (i = 4; i < 47; i++)
		assert_non_null(
		    strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", t1[i]));
	assert_string_not_equal(t1, t2);
	assert_int_equal(account(f, "bob").tokens, 2);

	memset(&who, 0, sizeof(who));
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), t1, &who, &err),
	                 REDRESS_OK);
	assert_string_equal(who.name, "bob");
	assert_int_equal(who.role, ROLE_REVIEWER);
	assert_false(who.bootstrap);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), t2, &who, &err),
	                 REDRESS_OK);

	/* Malformed and unknown tokens: one message, which never repeats the token. */
	memcpy(forged, t1, sizeof(forged));
	forged[10] = forged[10] == 'A' ? 'B' : 'A';
	{
		const char *bad[] = {"",
		                     "rdt_",
		                     "rdt_x",
		                     forged,
		                     "xdt_"
		                     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		                     "rdt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
		                     "rdt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(
			    users_token_authenticate(f->store, keydir_master_key(f->kd), bad[i], &who, &err),
			    REDRESS_E_REFUSED);
			assert_non_null(strstr(err.message, "API token refused"));
		}
		assert_null(strstr(err.message, "rdt_"));
	}
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), NULL, &who, &err),
	                 REDRESS_E_REFUSED);

	/*
	 * A token is made by its own account only: an admin minting one for
	 * a reviewer could decide claims as him.  Only who manages accounts
	 * revokes.
	 */
	assert_int_equal(issue(f, &ada, "bob", forged, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "made by its own account only"));
	assert_string_equal(forged, "");
	assert_int_equal(revoke(f, &bob, "bob", &n, &err), REDRESS_E_REFUSED);
	assert_int_equal(issue(f, &ada, "nobody", forged, &err), REDRESS_E_REFUSED);
	/* A buffer too small for a token gets none. */
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(users_token_issue(f->log, &BOB, "bob", forged, 40, &err), REDRESS_E_OVERFLOW);
	tlog_rollback(f->log);

	/* A token for ada too, which bob's revocation leaves alone. */
	assert_int_equal(issue(f, &ada, "ada", forged, &err), REDRESS_OK);
	assert_int_equal(revoke(f, &ada, "bob", &n, &err), REDRESS_OK);
	assert_int_equal(n, 2);
	assert_int_equal(account(f, "bob").tokens, 0);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), t1, &who, &err),
	                 REDRESS_E_REFUSED);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), t2, &who, &err),
	                 REDRESS_E_REFUSED);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), forged, &who, &err),
	                 REDRESS_OK);
	assert_string_equal(who.name, "ada");
	/* Revoking none is an event too (who tried to end them, and when). */
	size = logfix_size(f);
	assert_int_equal(revoke(f, &ada, "bob", &n, &err), REDRESS_OK);
	assert_int_equal(n, 0);
	assert_int_equal(logfix_size(f), size + 1);
	/* A new one after revocation works. */
	assert_int_equal(issue(f, &BOB, "bob", t1, &err), REDRESS_OK);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), t1, &who, &err),
	                 REDRESS_OK);
	assert_int_equal(account(f, "bob").tokens, 1);
	logfix_audit_clean(f);
	explicit_bzero(t1, sizeof(t1));
	explicit_bzero(t2, sizeof(t2));
}

/*
 * Authenticating by token reads one row and leaves no statement on it: a
 * statement left on a row keeps its connection's snapshot (a server's
 * pooled reader would then answer from the past and keep the journal from
 * ever being emptied).  Another connection can empty the journal at once.
 */
static void
test_token_lookup_keeps_no_snapshot(void **state)
{
	struct logfix *f = *state;
	char token[USERS_TOKEN_SIZE];
	struct redress_error err;
	struct store *other = NULL;
	struct actor who;

	staff(f, NULL);
	assert_int_equal(issue(f, &BOB, "bob", token, &err), REDRESS_OK);
	assert_int_equal(store_reopen(f->store, STORE_OPEN_EXISTING, &other, &err), REDRESS_OK);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), token, &who, &err),
	                 REDRESS_OK);
	assert_string_equal(who.name, "bob");
	if (store_scrub(other, &err) != REDRESS_OK)
		fail_msg("after a token lookup, the journal could not be emptied: %s", err.message);
	/* A token refused after its row is read (the account locked): the same. */
	assert_int_equal(lock(f, NULL, "bob", "test", &err), REDRESS_OK);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), token, &who, &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "locked"));
	if (store_scrub(other, &err) != REDRESS_OK)
		fail_msg("after a refused token, the journal could not be emptied: %s", err.message);
	store_close(&other);
	explicit_bzero(token, sizeof(token));
}

static void
test_locks(void **state)
{
	struct logfix *f = *state;
	char token[USERS_TOKEN_SIZE];
	struct redress_error err;
	struct actor ada, bob, who;
	struct buf ev;
	uint64_t size;

	staff(f, &ada);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &bob, &err),
	    REDRESS_OK);
	assert_int_equal(issue(f, &BOB, "bob", token, &err), REDRESS_OK);

	/* The server locks bob after failed sign-ins, as itself. */
	assert_int_equal(tlog_set_actor(f->log, "system:http", &err), REDRESS_OK);
	assert_int_equal(lock(f, NULL, "bob", "5 failed sign-ins from 192.0.2.7", &err), REDRESS_OK);
	assert_true(account(f, "bob").locked);
	buf_init(&ev, TLOG_EVENT_MAX);
	assert_int_equal(tlog_event_bytes(f->log, logfix_size(f) - 1, &ev, &err), REDRESS_OK);
	assert_non_null(strstr(ev.data, "\"actor\":\"system:http\""));
	assert_non_null(strstr(ev.data, "\"type\":\"users.account.locked\""));
	assert_non_null(strstr(ev.data, "\"reason\":\"5 failed sign-ins from 192.0.2.7\""));
	/* Locked again: nothing new. */
	size = logfix_size(f);
	assert_int_equal(lock(f, NULL, "bob", "again", &err), REDRESS_OK);
	assert_int_equal(logfix_size(f), size);
	assert_int_equal(lock(f, NULL, "nobody", "x", &err), REDRESS_E_NOTFOUND);
	assert_int_equal(lock(f, NULL, "ada", "bad\x01reason", &err), REDRESS_E_INVALID);

	/* Locked: neither the right password nor a token signs bob in. */
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &who, &err),
	    REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "locked"));
	assert_non_null(strstr(err.message, "an admin can unlock it"));
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", "wrong-password-123", &who, &err),
	    REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "locked"));
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), token, &who, &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "locked"));
	logfix_audit_clean(f);

	/* Only who manages accounts unlocks. */
	assert_int_equal(tlog_set_actor(f->log, "user:bob", &err), REDRESS_OK);
	assert_int_equal(lock(f, &bob, "bob", NULL, &err), REDRESS_E_REFUSED);
	assert_int_equal(tlog_set_actor(f->log, "user:ada", &err), REDRESS_OK);
	assert_int_equal(lock(f, &ada, "bob", NULL, &err), REDRESS_OK);
	assert_false(account(f, "bob").locked);
	assert_int_equal(lock(f, &ada, "bob", NULL, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "not locked"));
	assert_int_equal(lock(f, &ada, "nobody", NULL, &err), REDRESS_E_NOTFOUND);
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &who, &err),
	    REDRESS_OK);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), token, &who, &err),
	                 REDRESS_OK);
	/* Locked twice over time: each lock its own event and row. */
	assert_int_equal(lock(f, NULL, "bob", "again", &err), REDRESS_OK);
	logfix_audit_clean(f);
	buf_free(&ev);
}

/* No TOTP secret (raw or base32) nor token in clear in any event, the database or its journal. */
static void
test_second_factor_secrets_not_in_clear(void **state)
{
	struct logfix *f = *state;
	char uri[USERS_TOTP_URI_SIZE], base32[TOTP_BASE32_SIZE], token[USERS_TOKEN_SIZE], what[64];
	char hexsecret[2 * TOTP_SECRET_SIZE + 1], b64[64];
	uint8_t secret[TOTP_SECRET_SIZE], digest[HASH_SHA256_SIZE];
	char tokhash[2 * HASH_SHA256_SIZE + 1];
	struct redress_error err;
	struct buf ev, bytes;
	struct actor ada;
	uint64_t i, size;

	staff(f, &ada);
	assert_int_equal(enrol(f, &ada, "bob", uri, &err), REDRESS_OK);
	uri_secret(uri, "bob", secret, base32);
	assert_int_equal(issue(f, &BOB, "bob", token, &err), REDRESS_OK);
	assert_int_equal(codec_hex_encode(secret, sizeof(secret), hexsecret, sizeof(hexsecret), &err),
	                 REDRESS_OK);
	assert_int_equal(codec_base64_encode(secret, sizeof(secret), b64, sizeof(b64), &err), REDRESS_OK);
	hash_sha256(token, strlen(token), digest);
	assert_int_equal(codec_hex_encode(digest, sizeof(digest), tokhash, sizeof(tokhash), &err),
	                 REDRESS_OK);

	buf_init(&ev, TLOG_EVENT_MAX);
	size = logfix_size(f);
	for (i = 0; i < size; i++) {
		buf_reset(&ev);
		assert_int_equal(tlog_event_bytes(f->log, i, &ev, &err), REDRESS_OK);
		snprintf(what, sizeof(what), "event %llu", (unsigned long long)i);
		assert_absent(&ev, base32, what);
		assert_absent(&ev, hexsecret, what);
		assert_absent(&ev, b64, what);
		assert_absent(&ev, token, what);
		assert_absent(&ev, token + 4, what);
		assert_absent(&ev, "otpauth", what);
		if (memmem(ev.data, ev.len, secret, sizeof(secret)) != NULL)
			fail_msg("%s holds the raw TOTP secret", what);
	}
	buf_init(&bytes, 1u << 28);
	db_bytes(f, &bytes);
	assert_absent(&bytes, base32, "the database");
	assert_absent(&bytes, hexsecret, "the database");
	assert_absent(&bytes, b64, "the database");
	assert_absent(&bytes, token, "the database");
	assert_absent(&bytes, token + 4, "the database");
	assert_absent(&bytes, "otpauth", "the database");
	if (memmem(bytes.data, bytes.len, secret, sizeof(secret)) != NULL)
		fail_msg("the database holds the raw TOTP secret");
	/* The check can see: the token's hash is there, as it must be to find the token. */
	assert_non_null(memmem(bytes.data, bytes.len, tokhash, strlen(tokhash)));
	buf_free(&bytes);
	buf_free(&ev);
	explicit_bzero(secret, sizeof(secret));
}

/* Rows of the new tables edited behind the log's back are each named. */
static void
test_audit_names_tampered_auth_rows(void **state)
{
	struct logfix *f = *state;
	char uri[USERS_TOTP_URI_SIZE], token[USERS_TOKEN_SIZE];
	struct redress_error err;
	struct actor ada;
	uint64_t n;

	staff(f, &ada);
	assert_int_equal(enrol(f, &ada, "bob", uri, &err), REDRESS_OK);
	assert_int_equal(issue(f, &BOB, "bob", token, &err), REDRESS_OK);
	assert_int_equal(revoke(f, &ada, "bob", &n, &err), REDRESS_OK);
	assert_int_equal(issue(f, &ada, "ada", token, &err), REDRESS_OK);
	assert_int_equal(lock(f, NULL, "bob", "3 failed sign-ins", &err), REDRESS_OK);
	logfix_audit_clean(f);

	/* A revoked token made live again. */
	logfix_tamper(f, "UPDATE users_tokens SET revoked_seq = NULL WHERE account = 'bob'");
	logfix_audit_finds(f, "users_tokens '");
	logfix_audit_finds(f, "revoked_seq is ");
	/* A token inserted for bob. */
	logfix_tamper(f, "INSERT INTO users_tokens VALUES ('"
	                 "0000000000000000000000000000000000000000000000000000000000000000"
	                 "', 'bob', 3, NULL)");
	logfix_audit_finds(
	    f, "users_tokens '0000000000000000000000000000000000000000000000000000000000000000': row in"
	       " the database that no event created");
	/* The lock deleted, and the TOTP row deleted. */
	logfix_tamper(f, "DELETE FROM users_locks WHERE name = 'bob'");
	logfix_audit_finds(f, "users_locks 'bob': row the log creates is missing from the database");
	logfix_tamper(f, "DELETE FROM users_totp WHERE name = 'bob'");
	logfix_audit_finds(f, "users_totp 'bob': row the log creates is missing from the database");
}

/* Events that break the rules the commands keep are named. */
static void
test_audit_names_bad_auth_events(void **state)
{
	static const char unknown[] = "{\"hash\":\""
	                              "1111111111111111111111111111111111111111111111111111111111111111"
	                              "\",\"name\":\"zed\"}";
	static const char wrong_count[] = "{\"count\":5,\"name\":\"bob\"}";
	static const char unlock[] = "{\"name\":\"bob\"}";
	struct logfix *f = *state;
	struct redress_error err;

	staff(f, NULL);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(tlog_append(f->log, "users.token.issued", unknown, strlen(unknown), NULL, &err),
	                 REDRESS_OK);
	assert_int_equal(
	    tlog_append(f->log, "users.tokens.revoked", wrong_count, strlen(wrong_count), NULL, &err),
	    REDRESS_OK);
	assert_int_equal(tlog_append(f->log, "users.account.unlocked", unlock, strlen(unlock), NULL, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	logfix_audit_finds(f, "account 'zed', which was never added");
	logfix_audit_finds(f, "0 tokens revoked, the event says 5");
	logfix_audit_finds(f, "account 'bob' is unlocked already");
}

/* The staff, and a token made by bob (a reviewer) for himself, into token. */
static void
staff_and_bobs_token(struct logfix *f, char token[USERS_TOKEN_SIZE])
{
	struct redress_error err;
	struct actor ada, bob;

	staff(f, &ada);
	memset(&bob, 0, sizeof(bob));
	snprintf(bob.name, sizeof(bob.name), "bob");
	bob.role = ROLE_REVIEWER;
	assert_int_equal(tlog_set_actor(f->log, "user:bob", &err), REDRESS_OK);
	assert_int_equal(issue(f, &bob, "bob", token, &err), REDRESS_OK);
}

/*
 * Someone who can write the database but holds no key raises bob to admin
 * in users_accounts: signing in with his password or his token is refused,
 * since his sealed password record names the role it was made for.
 */
static void
test_role_edited_in_database_gives_no_power(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	char token[USERS_TOKEN_SIZE];
	struct actor who;

	staff_and_bobs_token(f, token);
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), token, &who, &err),
	                 REDRESS_OK);
	assert_int_equal(who.role, ROLE_REVIEWER);

	logfix_tamper(f, "UPDATE users_accounts SET role = 'admin' WHERE name = 'bob'");
	assert_int_not_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &who, &err),
	    REDRESS_OK);
	assert_non_null(strstr(err.message, "altered"));
	assert_int_equal(users_token_authenticate(f->store, keydir_master_key(f->kd), token, &who, &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "altered"));

	/* Edited back, both work again with the role the log gave. */
	logfix_tamper(f, "UPDATE users_accounts SET role = 'reviewer' WHERE name = 'bob'");
	assert_int_equal(
	    users_authenticate(f->store, keydir_master_key(f->kd), "bob", BOB_PASSWORD, &who, &err),
	    REDRESS_OK);
	assert_int_equal(who.role, ROLE_REVIEWER);
}

/*
 * What a server remembers of the records that opened (users_vouched)
 * spares their decryption, never their check: after bob's token was
 * accepted (and remembered), a role edited in the table, or a record
 * swapped for another account's, is refused as without the memory;
 * edited back, the token works again.
 */
static void
test_vouched_records_still_checked(void **state)
{
	struct logfix *f = *state;
	struct redress_error err;
	char token[USERS_TOKEN_SIZE];
	struct actor who;
	struct users_vouched *v = users_vouched_new(keydir_master_key(f->kd));
	const struct seal_key *master = keydir_master_key(f->kd);
	int i;

	assert_non_null(v);
	staff_and_bobs_token(f, token);
	for (i = 0; i < 2; i++) {
		assert_int_equal(users_token_authenticate_vouched(f->store, master, v, token, &who, &err),
		                 REDRESS_OK);
		assert_int_equal(who.role, ROLE_REVIEWER);
	}

	logfix_tamper(f, "UPDATE users_accounts SET role = 'admin' WHERE name = 'bob'");
	assert_int_equal(users_token_authenticate_vouched(f->store, master, v, token, &who, &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "altered"));
	logfix_tamper(f, "UPDATE users_accounts SET role = 'reviewer' WHERE name = 'bob'");
	assert_int_equal(users_token_authenticate_vouched(f->store, master, v, token, &who, &err),
	                 REDRESS_OK);
	assert_int_equal(who.role, ROLE_REVIEWER);

	/* ada's record (an admin's) in bob's row, with the role it was sealed for. */
	logfix_tamper(f, "UPDATE users_accounts SET role = 'admin', password_sealed = (SELECT password_sealed"
	                 " FROM users_accounts WHERE name = 'ada') WHERE name = 'bob'");
	assert_int_equal(users_token_authenticate_vouched(f->store, master, v, token, &who, &err),
	                 REDRESS_E_REFUSED);

	users_vouched_free(&v);
	assert_null(v);
	users_vouched_free(&v); /* NULL: nothing */
	explicit_bzero(token, sizeof(token));
}

/*
 * Audit replays roles.  bob (a reviewer) raised to admin in the table,
 * adds an account through a server that trusted the table; the row is
 * edited back.  Audit names the event: bob was a reviewer then.  An event
 * appended around the commands (as someone with the keys could) by an
 * account without the permission is named the same way.
 */
static void
test_audit_replays_roles(void **state)
{
	struct ledger_account_spec spec = {"cash", "KRW", LEDGER_ASSET, NULL, 0};
	struct logfix *f = *state;
	struct redress_error err;
	struct actor bob_as_admin;
	char want[160];
	uint64_t at;

	staff(f, NULL);
	logfix_audit_clean(f); /* the bootstrap (os:tester before any account) verifies */
	memset(&bob_as_admin, 0, sizeof(bob_as_admin));
	snprintf(bob_as_admin.name, sizeof(bob_as_admin.name), "bob");
	bob_as_admin.role = ROLE_ADMIN;
	logfix_tamper(f, "UPDATE users_accounts SET role = 'admin' WHERE name = 'bob'");
	assert_int_equal(tlog_set_actor(f->log, "user:bob", &err), REDRESS_OK);
	at = logfix_size(f);
	assert_int_equal(add(f, &bob_as_admin, "eve", ROLE_CASEWORKER, ADA_PASSWORD, &err), REDRESS_OK);
	logfix_tamper(f, "UPDATE users_accounts SET role = 'reviewer' WHERE name = 'bob'");
	snprintf(
	    want, sizeof(want),
	    "event %llu (users.user.added): its actor 'user:bob' was reviewer then and lacked the permission"
	    " to 'manage staff accounts'",
	    (unsigned long long)at);
	logfix_audit_finds(f, want);

	/* Around the commands: the ledger has no permission check of its own. */
	at = logfix_size(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_account_open(f->log, &spec, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	snprintf(want, sizeof(want),
	         "event %llu (ledger.account.opened): its actor 'user:bob' was reviewer then",
	         (unsigned long long)at);
	logfix_audit_finds(f, want);
	logfix_audit_finds(f, "lacked the permission to 'manage programs' or 'change the ledger'");

	/* An actor that is no account, and the OS user after the bootstrap. */
	assert_int_equal(tlog_set_actor(f->log, "user:mallory", &err), REDRESS_OK);
	spec.code = "cash2";
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_account_open(f->log, &spec, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	logfix_audit_finds(f, "its actor 'user:mallory' is no account at that point of the log");
	assert_int_equal(tlog_set_actor(f->log, "os:tester", &err), REDRESS_OK);
	spec.code = "cash3";
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(ledger_account_open(f->log, &spec, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	logfix_audit_finds(
	    f, "made by 'os:tester', the operating-system user, after the fund had staff accounts");
}

int
main(void)
{
	users_bootstrap_actor("os:tester", &boot);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_permission_table),
	    cmocka_unit_test(test_roles_and_names),
	    cmocka_unit_test_setup_teardown(test_add_and_authenticate, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bootstrap_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_duplicate_name_conflict, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_password_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusal_does_not_tell_which_names_exist, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_password_or_hash_in_clear, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sealed_hash_bound_to_its_account, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_clean_after_accounts_and_ledger, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_events_name_the_actor, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_raised_role, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_inserted_account, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_deleted_account, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_bad_events, setup, teardown),
	    cmocka_unit_test(test_roles_needing_totp),
	    cmocka_unit_test_setup_teardown(test_totp_enrol_and_verify, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_totp_secret_bound_to_account, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_locks, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_second_factor_secrets_not_in_clear, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_tampered_auth_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_bad_auth_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_role_edited_in_database_gives_no_power, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_vouched_records_still_checked, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_replays_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_token_lookup_keeps_no_snapshot, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
