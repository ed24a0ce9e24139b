/*
 * test_registry.c -- the registry with the log, in process: pseudonyms in
 * order, identity sealed so that no canary value reaches the database, its
 * journal or any event; reveals recorded; duplicates found through the
 * blind index; erasure that leaves the log verifiable; exact shares; roles;
 * the CSV parser's rows and its errors by line and field; and audit naming
 * every table edited behind the log's back.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry_int.h" /* registry_share_add, for its overflow */
#include "logfix.h"

static const struct event_module *const modules[] = {&registry_module, NULL};

/* Values that must never be found outside a reveal. */
#define CANARY_NAME    "CANARY-NAME-7f3a"
#define CANARY_NID     "CANARY-NID-91c2"
#define CANARY_PHONE   "CANARY-PHONE-2b6e"
#define CANARY_ADDRESS "CANARY-ADDR-c04d"
#define CANARY_BIRTH   "1931-07-19"
#define CANARY_SUMMARY "CANARY-SUMMARY-5e18"
#define CANARY_WITNESS "CANARY-WITNESS-a9f7"
#define CANARY_METHOD  "CANARY-METHOD-33d0"
#define CANARY_REASON  "CANARY-REASON-0c61"

static const char *const canaries[] = {CANARY_NAME,   CANARY_NID,      CANARY_PHONE,   CANARY_ADDRESS,
                                       CANARY_BIRTH,  CANARY_SUMMARY,  CANARY_WITNESS, CANARY_METHOD,
                                       CANARY_REASON, "CANARYNID91C2", /* as normalised */
                                       NULL};

static const struct actor caseworker = {"carol", ROLE_CASEWORKER, 0};
static const struct actor reviewer = {"rita", ROLE_REVIEWER, 0};
static const struct actor monitor = {"mona", ROLE_MONITOR, 0};
static const struct actor admin = {"ada", ROLE_ADMIN, 0};

struct fixture {
	struct logfix *lf;
	struct registry_keys keys;
};

/* A fund of the given modules. */
static int
setup_modules(void **state, const struct event_module *const *mods, const char *origin)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->lf = logfix_new(mods, origin);
	f->keys.master = keydir_master_key(f->lf->kd);
	f->keys.index = keydir_index_key(f->lf->kd);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_modules(state, modules, "test.example/registry");
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	logfix_free(f->lf);
	free(f);
	return 0;
}

static void
person(struct registry_new_person *p, enum registry_kind kind, const char *name, const char *birth,
       const char *nid)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	snprintf(p->identity.name, sizeof(p->identity.name), "%s", name);
	snprintf(p->identity.birth_date, sizeof(p->identity.birth_date), "%s", birth);
	snprintf(p->identity.national_id, sizeof(p->identity.national_id), "%s", nid != NULL ? nid : "");
	memcpy(p->language, "ko", 3);
}

/* Runs one registration in its own change; the result code, and the pseudonym in out. */
static enum redress_err
add(struct fixture *f, const struct actor *who, const struct registry_new_person *p, char *out,
    struct redress_error *err)
{
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	enum redress_err rc;

	assert_int_equal(tlog_begin(f->lf->log, err), REDRESS_OK);
	if ((rc = registry_add(f->lf->log, who, &f->keys, p, pseudonym, err)) != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, err), REDRESS_OK);
	if (out != NULL)
		memcpy(out, pseudonym, sizeof(pseudonym));
	return REDRESS_OK;
}

static void
add_ok(struct fixture *f, enum registry_kind kind, const char *name, const char *birth, const char *nid,
       const char *expect)
{
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_new_person p;
	struct redress_error err;

	person(&p, kind, name, birth, nid);
	if (add(f, &caseworker, &p, pseudonym, &err) != REDRESS_OK)
		fail_msg("add %s: %s", name, err.message);
	assert_string_equal(pseudonym, expect);
}

/* The commands below, each in its own change, returning their result. */
static enum redress_err
begin(struct fixture *f, struct redress_error *err)
{
	return tlog_begin(f->lf->log, err);
}

static enum redress_err
end(struct fixture *f, enum redress_err rc, struct redress_error *err)
{
	struct redress_error e;

	if (rc != REDRESS_OK) {
		tlog_rollback(f->lf->log);
		return rc;
	}
	assert_int_equal(tlog_commit(f->lf->log, &e), REDRESS_OK);
	(void)err;
	return REDRESS_OK;
}

static enum redress_err
reveal(struct fixture *f, const struct actor *who, const char *pseudonym, const char *reason,
       struct registry_identity *id, struct redress_error *err)
{
	assert_int_equal(begin(f, err), REDRESS_OK);
	return end(f, registry_reveal(f->lf->log, who, &f->keys, pseudonym, reason, id, err), err);
}

static enum redress_err
death(struct fixture *f, const char *pseudonym, const char *date, struct redress_error *err)
{
	assert_int_equal(begin(f, err), REDRESS_OK);
	return end(f, registry_death(f->lf->log, &caseworker, &f->keys, pseudonym, date, err), err);
}

static enum redress_err
erase(struct fixture *f, const struct actor *who, const char *pseudonym, struct redress_error *err)
{
	enum redress_err rc;

	assert_int_equal(begin(f, err), REDRESS_OK);
	if ((rc = end(f, registry_erase(f->lf->log, who, pseudonym, err), err)) == REDRESS_OK)
		assert_int_equal(store_scrub(f->lf->store, err), REDRESS_OK);
	return rc;
}

static enum redress_err
relation(struct fixture *f, const char *victim, const char *relative, int64_t num, int64_t den,
         struct redress_error *err)
{
	assert_int_equal(begin(f, err), REDRESS_OK);
	return end(
	    f, registry_relation_add(f->lf->log, &caseworker, victim, relative, "daughter", num, den, err),
	    err);
}

static enum redress_err
consent(struct fixture *f, const char *pseudonym, const char *scope, int given, const char *witness,
        struct redress_error *err)
{
	assert_int_equal(begin(f, err), REDRESS_OK);
	return end(f,
	           registry_consent(f->lf->log, &caseworker, &f->keys, pseudonym, scope, given, CANARY_METHOD,
	                            witness, err),
	           err);
}

static enum redress_err
consult(struct fixture *f, const char *pseudonym, enum registry_wish wish, const char *summary,
        struct redress_error *err)
{
	assert_int_equal(begin(f, err), REDRESS_OK);
	return end(f, registry_consult(f->lf->log, &caseworker, &f->keys, pseudonym, wish, summary, err),
	           err);
}

static void
expect_error(enum redress_err got, enum redress_err want, const struct redress_error *err, const char *needle)
{
	if (got != want)
		fail_msg("result %d, expected %d (%s)", got, want, got != REDRESS_OK ? err->message : "ok");
	if (needle != NULL && strstr(err->message, needle) == NULL)
		fail_msg("message '%s' does not contain '%s'", err->message, needle);
}

/* Reads a whole file into memory (the caller frees); NULL with *len 0 when it does not exist. */
static void
assert_no_canary(const char *what, const char *data, size_t len)
{
	size_t i;

	for (i = 0; canaries[i] != NULL; i++)
		if (data != NULL && memmem(data, len, canaries[i], strlen(canaries[i])) != NULL)
			fail_msg("%s holds the canary '%s'", what, canaries[i]);
}

/* No canary in the database's files, its journal (PostgreSQL: its WAL), or the bytes of any event. */
static void
assert_no_canary_anywhere(struct fixture *f)
{
	char what[32];
	struct redress_error err;
	struct buf bytes;
	uint64_t seq;
	size_t len;
	char *data;

	data = logfix_db_bytes(f->lf, &len);
	assert_non_null(data);
	assert_no_canary("the database or its journal", data, len);
	free(data);
	for (seq = 0; seq < logfix_size(f->lf); seq++) {
		buf_init(&bytes, TLOG_EVENT_MAX);
		assert_int_equal(tlog_event_bytes(f->lf->log, seq, &bytes, &err), REDRESS_OK);
		snprintf(what, sizeof(what), "event %llu", (unsigned long long)seq);
		assert_no_canary(what, bytes.data, bytes.len);
		buf_free(&bytes);
	}
}

static void
canary_victim(struct fixture *f)
{
	struct registry_new_person p;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct redress_error err;

	person(&p, REGISTRY_VICTIM, CANARY_NAME, CANARY_BIRTH, CANARY_NID);
	snprintf(p.identity.phone, sizeof(p.identity.phone), "%s", CANARY_PHONE);
	snprintf(p.identity.address, sizeof(p.identity.address), "%s", CANARY_ADDRESS);
	memcpy(p.region, "KR-11", 6);
	p.frailty = 3;
	assert_int_equal(add(f, &caseworker, &p, pseudonym, &err), REDRESS_OK);
	assert_string_equal(pseudonym, "V-000001");
}

struct heir_of_ctx {
	int n;
	char victim[REGISTRY_PSEUDONYM_MAX + 1];
	int64_t num, den;
};

static enum redress_err
heir_of_one(void *ctx, const char *victim, int64_t num, int64_t den, struct redress_error *err)
{
	struct heir_of_ctx *h = ctx;

	(void)err;
	h->n++;
	snprintf(h->victim, sizeof(h->victim), "%s", victim);
	h->num = num;
	h->den = den;
	return REDRESS_OK;
}

/* A relation is one word in Latin, Hangul, kana or kanji; never a sentence, a space or a sign. */
static void
test_relation_words(void **state)
{
	struct redress_error err;
	static const char *const good[] = {"daughter", "grand-son", "조카",   "딸",    "娘",
	                                   "めい",     "おい",      "イトコ", "姪っ子"};
	static const char *const bad[] = {"",
	                                  "my niece",
	                                  "조카 ",
	                                  "-son",
	                                  "niece!",
	                                  "김순자 씨",
	                                  "\xed\x9f\xbf",
	                                  "\xc3\xa9t\xc3\xa9",
	                                  "\xe3\x80\x80",
	                                  "\xea\xb0",
	                                  "0123456789012345678901234567890123"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (registry_relation_check(good[i], &err) != REDRESS_OK)
			fail_msg("'%s' refused: %s", good[i], err.message);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (registry_relation_check(bad[i], &err) != REDRESS_E_INVALID)
			fail_msg("bad relation %zu accepted", i);
		assert_non_null(strstr(err.message, "relation"));
	}
	/* Ten Hangul syllables are 30 bytes: taken; eleven are 33: refused, by bytes. */
	assert_int_equal(registry_relation_check("가나다라마바사아자차", &err), REDRESS_OK);
	assert_int_equal(registry_relation_check("가나다라마바사아자차카", &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "32 bytes"));
}

static void
test_pseudonyms_in_order(void **state)
{
	struct fixture *f = *state;
	struct registry_person p;
	struct redress_error err;

	add_ok(f, REGISTRY_VICTIM, "A", "1930-01-01", NULL, "V-000001");
	add_ok(f, REGISTRY_RELATIVE, "B", "1960-01-01", NULL, "R-000001");
	add_ok(f, REGISTRY_VICTIM, "C", "1929-12-31", NULL, "V-000002");
	add_ok(f, REGISTRY_RELATIVE, "D", "1962-02-28", NULL, "R-000002");
	assert_int_equal(registry_get(f->lf->store, "V-000002", &p, &err), REDRESS_OK);
	assert_int_equal(p.kind, REGISTRY_VICTIM);
	assert_int_equal(p.status, REGISTRY_ALIVE);
	assert_int_equal(p.birth_year, 1929);
	assert_string_equal(p.language, "ko");
	expect_error(registry_get(f->lf->store, "V-000009", &p, &err), REDRESS_E_NOTFOUND, &err,
	             "no person 'V-000009'");
	expect_error(registry_get(f->lf->store, "V-1", &p, &err), REDRESS_E_INVALID, &err,
	             "a pseudonym is V-000042");
	expect_error(registry_get(f->lf->store, "V-0000002", &p, &err), REDRESS_E_INVALID, &err, NULL);
	/* In one change (each kind's last number kept in the change): in order per kind, then after a
	 * rollback. */
	{
		static const enum registry_kind kinds[] = {
		    REGISTRY_RELATIVE, REGISTRY_VICTIM, REGISTRY_VICTIM, REGISTRY_RELATIVE, REGISTRY_VICTIM};
		static const char *const expect[] = {"R-000003", "V-000003", "V-000004", "R-000004",
		                                     "V-000005"};
		char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
		struct registry_new_person np;
		size_t i;

		for (i = 0; i < 2; i++) {
			assert_int_equal(begin(f, &err), REDRESS_OK);
			person(&np, REGISTRY_VICTIM, "E", "1931-01-01", NULL);
			assert_int_equal(
			    registry_add(f->lf->log, &caseworker, &f->keys, &np, pseudonym, &err),
			    REDRESS_OK);
			assert_string_equal(pseudonym, "V-000003");
			tlog_rollback(f->lf->log);
		}
		assert_int_equal(begin(f, &err), REDRESS_OK);
		for (i = 0; i < 5; i++) {
			person(&np, kinds[i], "F", kinds[i] == REGISTRY_VICTIM ? "1931-01-01" : "1961-01-01",
			       NULL);
			assert_int_equal(
			    registry_add(f->lf->log, &caseworker, &f->keys, &np, pseudonym, &err),
			    REDRESS_OK);
			assert_string_equal(pseudonym, expect[i]);
		}
		assert_int_equal(end(f, REDRESS_OK, &err), REDRESS_OK);
	}
	logfix_audit_clean(f->lf);
}

static void
test_canaries_never_in_clear(void **state)
{
	struct fixture *f = *state;
	struct registry_identity id;
	struct redress_error err;

	canary_victim(f);
	add_ok(f, REGISTRY_RELATIVE, "Kim", "1960-05-05", NULL, "R-000001");
	assert_int_equal(consent(f, "V-000001", "processing", 1, CANARY_WITNESS, &err), REDRESS_OK);
	assert_int_equal(consult(f, "V-000001", REGISTRY_WISH_DECLINE, CANARY_SUMMARY, &err), REDRESS_OK);
	assert_int_equal(relation(f, "V-000001", "R-000001", 1, 2, &err), REDRESS_OK);
	assert_int_equal(reveal(f, &caseworker, "V-000001", CANARY_REASON, &id, &err), REDRESS_OK);
	assert_no_canary_anywhere(f);
	logfix_audit_clean(f->lf);
	assert_no_canary_anywhere(f);
}

static void
test_reveal_opens_and_is_recorded(void **state)
{
	struct fixture *f = *state;
	struct registry_identity id;
	struct redress_error err;
	struct buf bytes;
	uint64_t before;

	canary_victim(f);
	before = logfix_size(f->lf);
	assert_int_equal(tlog_set_actor(f->lf->log, "user:carol", &err), REDRESS_OK);
	assert_int_equal(reveal(f, &caseworker, "V-000001", CANARY_REASON, &id, &err), REDRESS_OK);
	assert_string_equal(id.name, CANARY_NAME);
	assert_string_equal(id.birth_date, CANARY_BIRTH);
	assert_string_equal(id.national_id, CANARY_NID);
	assert_string_equal(id.phone, CANARY_PHONE);
	assert_string_equal(id.address, CANARY_ADDRESS);
	/* The reveal is an event naming who read the file. */
	assert_int_equal(logfix_size(f->lf), before + 1);
	buf_init(&bytes, TLOG_EVENT_MAX);
	assert_int_equal(tlog_event_bytes(f->lf->log, before, &bytes, &err), REDRESS_OK);
	assert_non_null(strstr(bytes.data, "\"actor\":\"user:carol\""));
	assert_non_null(strstr(bytes.data, "\"type\":\"registry.person.revealed\""));
	assert_non_null(strstr(bytes.data, "\"reason\":\"s1:"));
	buf_free(&bytes);
	/* Without a reason too; and a reviewer may not. */
	assert_int_equal(reveal(f, &caseworker, "V-000001", NULL, &id, &err), REDRESS_OK);
	expect_error(reveal(f, &reviewer, "V-000001", NULL, &id, &err), REDRESS_E_REFUSED, &err,
	             "may not reveal a person's identity");
	expect_error(reveal(f, &caseworker, "V-000002", NULL, &id, &err), REDRESS_E_NOTFOUND, &err, NULL);
	assert_int_equal(logfix_size(f->lf), before + 2);
	logfix_tamper(f->lf, "UPDATE registry_reveals SET actor = 'user:nobody' WHERE seq = (SELECT min(seq) "
	                     "FROM registry_reveals)");
	logfix_audit_finds(f->lf, "registry_reveals");
}

static void
test_duplicate_national_id(void **state)
{
	struct fixture *f = *state;
	struct registry_new_person p;
	struct redress_error err;
	uint64_t before;

	add_ok(f, REGISTRY_VICTIM, "A", "1930-01-01", "800101-2345678", "V-000001");
	add_ok(f, REGISTRY_VICTIM, "B", "1930-01-01", "ab-12", "V-000002");
	before = logfix_size(f->lf);
	person(&p, REGISTRY_VICTIM, "C", "1931-01-01", " 8001012345678 ");
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_CONFLICT, &err,
	             "already registered to V-000001");
	person(&p, REGISTRY_RELATIVE, "D", "1961-01-01", "800101 - 2345 678");
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_CONFLICT, &err, "V-000001");
	person(&p, REGISTRY_VICTIM, "E", "1931-01-01", "AB12");
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_CONFLICT, &err, "V-000002");
	/* Full-width digits and an ideographic space, as an East Asian keyboard types them. */
	person(&p, REGISTRY_VICTIM, "F", "1931-01-01",
	       "\xef\xbc\xa1\xef\xbd\x82\xe3\x80\x80\xef\xbc\x91\xef\xbc\x92");
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_CONFLICT, &err, "V-000002");
	person(&p, REGISTRY_VICTIM, "G", "1931-01-01", " - ");
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err,
	             "national id holds no letter");
	assert_int_equal(logfix_size(f->lf), before);
	add_ok(f, REGISTRY_VICTIM, "H", "1931-01-01", "800101-2345679", "V-000003");
	logfix_audit_clean(f->lf);
}

static void
test_bad_input_changes_nothing(void **state)
{
	static const struct {
		const char *birth, *needle;
	} dates[] = {
	    {"1930-02-31", "day 31, which its month does not have"},
	    {"1931-02-29", "day 29"},
	    {"1930-13-01", "month 13"},
	    {"1899-12-31", "outside 1900 to 2199"},
	    {"2150-01-01", "in the future"},
	    {"30-01-01", "YYYY-MM-DD"},
	    {"1930/01/01", "YYYY-MM-DD"},
	    {"", "YYYY-MM-DD"},
	};
	struct fixture *f = *state;
	struct registry_new_person p;
	struct redress_error err;
	uint64_t before;
	size_t i;

	add_ok(f, REGISTRY_VICTIM, "A", "1932-02-29", NULL, "V-000001");
	before = logfix_size(f->lf);
	for (i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		person(&p, REGISTRY_VICTIM, "X", dates[i].birth, NULL);
		expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, dates[i].needle);
		/* The message names the field, never the value. */
		if (dates[i].birth[0] != '\0')
			assert_null(strstr(err.message, dates[i].birth));
	}
	person(&p, REGISTRY_VICTIM, "", "1930-01-01", NULL);
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, "name is empty");
	person(&p, REGISTRY_VICTIM, "bad\x01name", "1930-01-01", NULL);
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, "control character");
	person(&p, REGISTRY_VICTIM, "bad \xc3\x28", "1930-01-01", NULL);
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, "not valid UTF-8");
	person(&p, REGISTRY_VICTIM, "X", "1930-01-01", NULL);
	memcpy(p.language, "fr", 3);
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, "not ko, ja or en");
	person(&p, REGISTRY_VICTIM, "X", "1930-01-01", NULL);
	p.frailty = 4;
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, "frailty 4");
	person(&p, REGISTRY_VICTIM, "X", "1930-01-01", NULL);
	memcpy(p.region, "KR 11", 6);
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, "region");
	person(&p, (enum registry_kind)7, "X", "1930-01-01", NULL);
	expect_error(add(f, &caseworker, &p, NULL, &err), REDRESS_E_INVALID, &err, "kind");
	/* Deaths: a real day, not before birth, not in the future, once. */
	expect_error(death(f, "V-000001", "1932-02-28", &err), REDRESS_E_INVALID, &err,
	             "before V-000001's birth date");
	expect_error(death(f, "V-000001", "2001-02-29", &err), REDRESS_E_INVALID, &err, "day 29");
	expect_error(death(f, "V-000001", "2190-01-01", &err), REDRESS_E_INVALID, &err, "in the future");
	expect_error(death(f, "V-000009", "2001-01-01", &err), REDRESS_E_NOTFOUND, &err,
	             "no person 'V-000009'");
	assert_int_equal(logfix_size(f->lf), before);
	assert_int_equal(death(f, "V-000001", "1932-02-29", &err), REDRESS_OK);
	expect_error(death(f, "V-000001", "2001-01-01", &err), REDRESS_E_CONFLICT, &err,
	             "already recorded as deceased");
	logfix_audit_clean(f->lf);
}

/* The pseudonyms a search finds, joined by spaces, into out. */
struct found_ctx {
	char text[256];
};

static enum redress_err
found_one(void *ctx, const char *pseudonym, struct redress_error *err)
{
	struct found_ctx *fc = ctx;
	size_t len = strlen(fc->text);

	(void)err;
	snprintf(fc->text + len, sizeof(fc->text) - len, "%s%s", len ? " " : "", pseudonym);
	return REDRESS_OK;
}

static const char *
find(struct fixture *f, const char *query, struct found_ctx *fc)
{
	struct redress_error err;
	size_t total = 99;

	fc->text[0] = '\0';
	assert_int_equal(
	    registry_search_find(f->lf->store, f->keys.index, query, found_one, fc, &total, &err),
	    REDRESS_OK);
	assert_int_equal(total, fc->text[0] == '\0' ? 0 : 1 + (size_t)(strchr(fc->text, ' ') != NULL));
	return fc->text;
}

/* A name in any script, a part of it, a telephone, a national id; the tokens are keyed hashes only. */
static void
test_search(void **state)
{
	struct fixture *f = *state;
	struct registry_new_person p;
	struct redress_error err;
	struct found_ctx fc;
	uint64_t count = 0;

	person(&p, REGISTRY_VICTIM, "김순자", "1930-01-01", "800101-2345678");
	snprintf(p.identity.phone, sizeof(p.identity.phone), "+82 10-2222-3333");
	assert_int_equal(add(f, &caseworker, &p, NULL, &err), REDRESS_OK); /* V-000001 */
	person(&p, REGISTRY_VICTIM, "山田 ハナコ", "1931-01-01", NULL);
	assert_int_equal(add(f, &caseworker, &p, NULL, &err), REDRESS_OK); /* V-000002 */
	person(&p, REGISTRY_VICTIM, "Kim Soon-ja", "1932-01-01", NULL);
	assert_int_equal(add(f, &caseworker, &p, NULL, &err), REDRESS_OK); /* V-000003 */

	assert_string_equal(find(f, "순자", &fc), "V-000001");
	assert_string_equal(find(f, "김", &fc), "V-000001");
	assert_string_equal(find(f, "자김", &fc), "");           /* a pair she does not have */
	assert_string_equal(find(f, "はなこ", &fc), "V-000002"); /* hiragana finds katakana */
	assert_string_equal(find(f, "ＨＡＮＡ", &fc), "");
	assert_string_equal(find(f, "山田", &fc), "V-000002");
	assert_string_equal(find(f, "soon ja", &fc), "V-000003");
	assert_string_equal(find(f, "SOONJA", &fc), "V-000003");
	assert_string_equal(find(f, "Ｓｏｏｎ", &fc), "V-000003"); /* full-width Latin */
	assert_string_equal(find(f, "010-2222-3333", &fc), "V-000001");
	assert_string_equal(find(f, "3333", &fc), "V-000001");
	assert_string_equal(find(f, "800101-2345678", &fc), "V-000001");
	assert_string_equal(find(f, "", &fc), "");
	/* Only hashes are stored: a canary name and telephone are nowhere in clear, nor in parts. */
	person(&p, REGISTRY_RELATIVE, CANARY_NAME, "1960-01-01", NULL);
	snprintf(p.identity.phone, sizeof(p.identity.phone), "%s", CANARY_PHONE);
	assert_int_equal(add(f, &caseworker, &p, NULL, &err), REDRESS_OK); /* R-000001 */
	assert_string_equal(find(f, CANARY_NAME, &fc), "R-000001");

	/* A search is recorded with a reason, by a role that may reveal; never without one. */
	assert_int_equal(begin(f, &err), REDRESS_OK);
	expect_error(registry_search_record(f->lf->log, &caseworker, &f->keys, "name", "", 1, &err),
	             REDRESS_E_INVALID, &err, "reason");
	assert_int_equal(end(f, REDRESS_E_INVALID, &err), REDRESS_E_INVALID);
	assert_int_equal(begin(f, &err), REDRESS_OK);
	expect_error(registry_search_record(f->lf->log, &monitor, &f->keys, "name", "why", 1, &err),
	             REDRESS_E_REFUSED, &err, NULL);
	assert_int_equal(end(f, REDRESS_E_REFUSED, &err), REDRESS_E_REFUSED);
	assert_int_equal(begin(f, &err), REDRESS_OK);
	assert_int_equal(
	    end(f, registry_search_record(f->lf->log, &caseworker, &f->keys, "name", CANARY_REASON, 1, &err),
	        &err),
	    REDRESS_OK);
	assert_no_canary_anywhere(f); /* the reason is sealed */

	/* Erasing her forgets her tokens; a re-index indexes the others again. */
	assert_int_equal(erase(f, &admin, "V-000001", &err), REDRESS_OK);
	assert_string_equal(find(f, "순자", &fc), "");
	assert_int_equal(begin(f, &err), REDRESS_OK);
	assert_int_equal(
	    end(f, registry_search_reindex(f->lf->log, &caseworker, &f->keys, &count, &err), &err),
	    REDRESS_OK);
	assert_int_equal(count, 3);
	assert_string_equal(find(f, "はなこ", &fc), "V-000002");
	assert_string_equal(find(f, "순자", &fc), "");
}

static enum redress_err
count_found(void *ctx, const char *pseudonym, struct redress_error *err)
{
	(void)pseudonym;
	(void)err;
	(*(size_t *)ctx)++;
	return REDRESS_OK;
}

/*
 * A name query finds those holding every pair of it, whichever way it is
 * read: from its rarest pair's list (a pair held by fewer than 4,096,
 * registry_search.c's SEARCH_PROBE_ROWS) merged with the other pairs'
 * lists that are short (one who holds both ends but not the middle is not
 * found), each person left looked up for the pairs whose lists are long,
 * seven a statement (a long name in two), or, when every pair is that
 * common, from every list read whole.  Latin and Hangul, pairs across the
 * space included.
 */
static void
test_search_rare_and_common(void **state)
{
	static const char *const others[] = {"Anna Marr",        "Marsh Anna", "Anna Marrowbridge",
	                                     "Bob Marrowbridge", "김순자",     "박순자",
	                                     "최영희옥",         "최영이희옥", "박영희"};
	struct fixture *f = *state;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_new_person p;
	struct redress_error err;
	struct found_ctx fc;
	size_t i, n = 0, total = 0;

	assert_int_equal(begin(f, &err), REDRESS_OK);
	for (i = 0; i < 4100; i++) { /* V-000001 .. V-004100 */
		person(&p, REGISTRY_VICTIM, "Anna Marsh", "1930-01-01", NULL);
		assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, pseudonym, &err),
		                 REDRESS_OK);
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++) { /* V-004101 .. V-004109 */
		person(&p, REGISTRY_VICTIM, others[i], "1930-01-01", NULL);
		assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, pseudonym, &err),
		                 REDRESS_OK);
	}
	assert_int_equal(end(f, REDRESS_OK, &err), REDRESS_OK);
	assert_string_equal(pseudonym, "V-004109");

	/* Every pair (an nn na am ma ar) held by more than 4,096: every list read; not Marsh Anna (no "am").
	 */
	assert_int_equal(
	    registry_search_find(f->lf->store, f->keys.index, "anna mar", count_found, &n, &total, &err),
	    REDRESS_OK);
	assert_int_equal(n, 4102);
	assert_int_equal(total, 4102);
	/* A rare pair ("rr", "ha" across the space) and common ones. */
	assert_string_equal(find(f, "anna marr", &fc), "V-004101 V-004103");
	assert_string_equal(find(f, "marsh anna", &fc), "V-004102");
	/* Fifteen pairs: Bob holds the rare ones, not the common an nn na am, read in the second round. */
	assert_string_equal(find(f, "ANNA MARROWBRIDGE", &fc), "V-004103");
	assert_string_equal(find(f, "bob marrowbridge", &fc), "V-004104");
	assert_string_equal(find(f, "marrowbridge", &fc), "V-004103 V-004104");
	assert_string_equal(find(f, "anna marrowbridgx", &fc), ""); /* a pair no one holds */
	assert_string_equal(find(f, "anna marrsh", &fc), "");       /* every pair held, never by one person */
	/* Hangul: two pairs, one pair. */
	assert_string_equal(find(f, "김순자", &fc), "V-004105");
	assert_string_equal(find(f, "순자", &fc), "V-004105 V-004106");
	assert_string_equal(find(f, "박순", &fc), "V-004106");
	/*
	 * The rarest (최영, tied with 영희 and 희옥, counted first) and the far
	 * pair (희옥) merged: 최영이희옥 holds both, not 영희 between them.
	 */
	assert_string_equal(find(f, "최영희옥", &fc), "V-004107");
	assert_string_equal(find(f, "최영이희옥", &fc), "V-004108");
	assert_string_equal(find(f, "영희", &fc), "V-004107 V-004109");

	/*
	 * Rarest pairs held by more than the few checked one by one.  "bo
	 * marsh": bo (661) is the rarest, merged with the far pair sh (330
	 * left), then rs is too long to read for so few, so each one's own
	 * tokens are searched for rs, ar, ma and om (a Bob Marsh lacks om).
	 * "bo tom": ot (400: Bo Tom, Otto Marx) is the rarest, merged with the
	 * short lists om, bo (not an Otto Marx) and to.
	 */
	assert_int_equal(begin(f, &err), REDRESS_OK);
	for (i = 0; i < 860; i++) {
		static const char *const names[] = {"Bo Marsh", "Bob Marsh", "Tom Marx",
		                                    "Bo Tom",   "Bob Tod",   "Otto Marx"};
		static const size_t upto[] = {300, 330, 430, 730, 760, 860};
		size_t k = 0;

		while (i >= upto[k])
			k++;
		person(&p, REGISTRY_VICTIM, names[k], "1930-01-01", NULL);
		assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, pseudonym, &err),
		                 REDRESS_OK);
	}
	assert_int_equal(end(f, REDRESS_OK, &err), REDRESS_OK);
	n = 0;
	assert_int_equal(
	    registry_search_find(f->lf->store, f->keys.index, "bo marsh", count_found, &n, &total, &err),
	    REDRESS_OK);
	assert_int_equal(n, 300);
	assert_int_equal(total, 300);
	n = 0;
	assert_int_equal(
	    registry_search_find(f->lf->store, f->keys.index, "bo tom", count_found, &n, &total, &err),
	    REDRESS_OK);
	assert_int_equal(n, 300);
	n = 0;
	assert_int_equal(
	    registry_search_find(f->lf->store, f->keys.index, "bob marsh", count_found, &n, &total, &err),
	    REDRESS_OK);
	assert_int_equal(n, 30);
}

/*
 * The count of search tokens the table holds for pseudonym, after checking
 * that registry_search_owned (what deleting hers reads) holds as many.
 */
static long
tokens_of(struct fixture *f, const char *pseudonym)
{
	static const struct store_query q = {"test.tokens",
	                                     "SELECT count(*) FROM registry_search WHERE pseudonym = ?1"};
	static const struct store_query same = {"test.tokens_owned",
	                                        "SELECT coalesce(sum(length(tokens)), 0) / 16 FROM"
	                                        " registry_search_owned WHERE pseudonym = ?1"};
	struct redress_error err;
	struct store_stmt *st = store_query(f->lf->store, &q, &err);
	long n;

	assert_non_null(st);
	store_bind_text(st, 1, pseudonym);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	n = (long)store_column_int64(st, 0);
	store_done(st);
	assert_non_null(st = store_query(f->lf->store, &same, &err));
	store_bind_text(st, 1, pseudonym);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_int_equal(store_column_int64(st, 0), n);
	store_done(st);
	return n;
}

/*
 * Tokens of many registrations in one change are written when it commits
 * (sorted), none when it is rolled back, and a person erased in the change
 * that registered her leaves none; one Latin letter alone is no token.
 */
static void
test_search_tokens_in_one_change(void **state)
{
	struct fixture *f = *state;
	char a[REGISTRY_PSEUDONYM_MAX + 1], b[REGISTRY_PSEUDONYM_MAX + 1], c[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_new_person p;
	struct redress_error err;
	struct found_ctx fc;

	/* Rolled back: no row, no token. */
	assert_int_equal(begin(f, &err), REDRESS_OK);
	person(&p, REGISTRY_VICTIM, "이옥선", "1927-01-01", NULL);
	assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, a, &err), REDRESS_OK);
	tlog_rollback(f->lf->log);
	assert_int_equal(tokens_of(f, "V-000001"), 0);
	assert_string_equal(find(f, "옥선", &fc), "");

	assert_int_equal(begin(f, &err), REDRESS_OK);
	person(&p, REGISTRY_VICTIM, "이옥선", "1927-01-01", NULL);
	assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, a, &err), REDRESS_OK);
	person(&p, REGISTRY_VICTIM, "Kang Il-chul", "1928-01-01", NULL);
	assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, b, &err), REDRESS_OK);
	person(&p, REGISTRY_VICTIM, "박옥선", "1929-01-01", NULL);
	assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, c, &err), REDRESS_OK);
	assert_int_equal(registry_erase(f->lf->log, &admin, c, &err), REDRESS_OK);
	assert_int_equal(end(f, REDRESS_OK, &err), REDRESS_OK);
	assert_string_equal(a, "V-000001");
	assert_string_equal(find(f, "옥선", &fc), "V-000001");
	assert_string_equal(find(f, "ilchul", &fc), "V-000002");
	assert_string_equal(find(f, "k", &fc), ""); /* one Latin letter */
	assert_string_equal(find(f, "이", &fc), "V-000001");
	/* 이옥선: 3 characters, 2 pairs; Kang Il-chul: 10 letters, 9 pairs, no letter alone. */
	assert_int_equal(tokens_of(f, a), 5);
	assert_int_equal(tokens_of(f, b), 9);
	assert_int_equal(tokens_of(f, c), 0);
	logfix_audit_clean(f->lf);
}

/* The search's two tables, every row in order, into out (cleared first). */
static void
search_rows(struct fixture *f, struct buf *out)
{
	static const struct store_query pairs = {
	    "test.search_rows",
	    "SELECT token || ' ' || pseudonym FROM registry_search ORDER BY token, pseudonym"};
	static const struct store_query owned = {
	    "test.search_owned_rows",
	    "SELECT pseudonym || ' ' || tokens FROM registry_search_owned ORDER BY pseudonym, tokens"};
	const struct store_query *const q[] = {&pairs, &owned};
	struct redress_error err;
	struct store_stmt *st;
	size_t i;

	buf_reset(out);
	for (i = 0; i < 2; i++) {
		assert_non_null(st = store_query(f->lf->store, q[i], &err));
		while (store_step(st, &err) == STORE_ROW) {
			buf_puts(out, store_column_text(st, 0));
			buf_puts(out, "\n");
		}
		store_done(st);
	}
	assert_int_equal(buf_error(out, &err), REDRESS_OK);
}

/*
 * An import of many persons in one change hashes their tokens on a second
 * thread past the first 64: what it writes is row for row what indexing
 * each person alone writes (a reindex); a rolled-back import of hundreds
 * (the thread still busy) leaves no token; a person erased in the change
 * that registered her, past the 64th, leaves none.
 */
static void
test_search_tokens_second_thread(void **state)
{
	static const char *const names[] = {"김순자", "Kang Il-chul", "ジュン 山田", "박옥선", "Maria Lopez"};
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1], erased[REGISTRY_PSEUDONYM_MAX + 1];
	struct fixture *f = *state;
	struct registry_new_person p;
	struct redress_error err;
	struct buf before, after;
	uint64_t count;
	int i;

	buf_init(&before, 1 << 24);
	buf_init(&after, 1 << 24);
	assert_int_equal(begin(f, &err), REDRESS_OK);
	for (i = 0; i < 300; i++) {
		person(&p, REGISTRY_VICTIM, names[i % 5], "1927-01-01", NULL);
		assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, pseudonym, &err),
		                 REDRESS_OK);
	}
	tlog_rollback(f->lf->log);
	search_rows(f, &before);
	assert_int_equal(before.len, 0);

	assert_int_equal(begin(f, &err), REDRESS_OK);
	for (i = 0; i < 700; i++) {
		char name[64], nid[32];

		snprintf(name, sizeof(name), "%s %d", names[i % 5], i);
		snprintf(nid, sizeof(nid), "SYN-270101-%07d", i);
		person(&p, REGISTRY_VICTIM, name, "1927-01-01", nid);
		snprintf(p.identity.phone, sizeof(p.identity.phone), "010-1234-%04d", i);
		assert_int_equal(registry_add(f->lf->log, &caseworker, &f->keys, &p, pseudonym, &err),
		                 REDRESS_OK);
		if (i == 400)
			memcpy(erased, pseudonym, sizeof(erased));
	}
	assert_int_equal(registry_erase(f->lf->log, &admin, erased, &err), REDRESS_OK);
	assert_int_equal(end(f, REDRESS_OK, &err), REDRESS_OK);
	assert_string_equal(pseudonym, "V-000700");
	assert_int_equal(tokens_of(f, "V-000001"), tokens_of(f, "V-000006"));
	assert_true(tokens_of(f, "V-000650") > 10);
	assert_int_equal(tokens_of(f, erased), 0);
	search_rows(f, &before);

	/* Each person indexed alone, on this thread: the same rows. */
	assert_int_equal(begin(f, &err), REDRESS_OK);
	assert_int_equal(registry_search_reindex(f->lf->log, &caseworker, &f->keys, &count, &err),
	                 REDRESS_OK);
	assert_int_equal(end(f, REDRESS_OK, &err), REDRESS_OK);
	assert_int_equal(count, 699);
	search_rows(f, &after);
	assert_true(before.len > 700 * 16);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.data, after.data, before.len);
	logfix_audit_clean(f->lf);
	buf_free(&before);
	buf_free(&after);
}

/* The list's modules: it reads the entitlements module's table for its unpaid filter. */
static const struct event_module *const list_modules[] = {
    &ledger_module,       &users_module, &registry_module, &programs_module, &claims_module,
    &entitlements_module, NULL};

static int
setup_list(void **state)
{
	return setup_modules(state, list_modules, "test.example/registry-list");
}

struct listed {
	char text[256];
};

static enum redress_err
listed_one(void *ctx, const struct registry_person *p, struct redress_error *err)
{
	struct listed *l = ctx;
	size_t len = strlen(l->text);

	(void)err;
	snprintf(l->text + len, sizeof(l->text) - len, "%s%s", len > 0 ? " " : "", p->pseudonym);
	return REDRESS_OK;
}

/* registry_list in each order (one statement each), a page at an offset, and the count with and without a
 * filter. */
static void
test_list_orders(void **state)
{
	static const struct {
		const char *name, *birth;
		int frailty;
	} people[] = {{"Kim A", "1930-01-01", 1},
	              {"Kim B", "1925-01-01", 3},
	              {"Kim C", "1928-01-01", 3},
	              {"Kim D", "1931-01-01", 0}};
	struct registry_filter all = {-1, -1, 0, 0, REGISTRY_ORDER_REGISTERED, NULL};
	struct registry_new_person p;
	struct redress_error err;
	struct fixture *f = *state;
	struct listed l;
	uint64_t total;
	size_t i;

	for (i = 0; i < sizeof(people) / sizeof(people[0]); i++) {
		person(&p, REGISTRY_VICTIM, people[i].name, people[i].birth, NULL);
		p.frailty = people[i].frailty;
		assert_int_equal(add(f, &caseworker, &p, NULL, &err), REDRESS_OK);
	}
	memset(&l, 0, sizeof(l));
	assert_int_equal(registry_list(f->lf->store, &all, 0, 10, listed_one, &l, &total, &err), REDRESS_OK);
	assert_string_equal(l.text, "V-000001 V-000002 V-000003 V-000004");
	assert_int_equal(total, 4);
	all.order = REGISTRY_ORDER_FRAILTY; /* frailest first, then in the order registered */
	memset(&l, 0, sizeof(l));
	assert_int_equal(registry_list(f->lf->store, &all, 0, 10, listed_one, &l, &total, &err), REDRESS_OK);
	assert_string_equal(l.text, "V-000002 V-000003 V-000001 V-000004");
	all.order = REGISTRY_ORDER_BIRTH; /* the eldest first */
	memset(&l, 0, sizeof(l));
	assert_int_equal(registry_list(f->lf->store, &all, 1, 2, listed_one, &l, &total, &err), REDRESS_OK);
	assert_string_equal(l.text, "V-000003 V-000001");
	assert_int_equal(total, 4);
	all.frailty = 2; /* a filter: counted by the filtered statement */
	memset(&l, 0, sizeof(l));
	assert_int_equal(registry_list(f->lf->store, &all, 0, 10, listed_one, &l, &total, &err), REDRESS_OK);
	assert_string_equal(l.text, "V-000002 V-000003");
	assert_int_equal(total, 2);
}

static void
test_erase_shreds(void **state)
{
	struct fixture *f = *state;
	struct registry_identity id;
	struct registry_person p;
	struct redress_error err;
	struct store_stmt *st;
	static const struct store_query q = {"test.keys", "SELECT count(*) FROM registry_keys"};

	canary_victim(f);
	add_ok(f, REGISTRY_RELATIVE, "Kim", "1960-05-05", NULL, "R-000001");
	assert_int_equal(consent(f, "V-000001", "contact", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(death(f, "V-000001", "2020-01-01", &err), REDRESS_OK);
	/* Only an admin erases. */
	expect_error(erase(f, &caseworker, "V-000001", &err), REDRESS_E_REFUSED, &err,
	             "may not erase a person");
	assert_int_equal(erase(f, &admin, "V-000001", &err), REDRESS_OK);
	assert_int_equal(registry_get(f->lf->store, "V-000001", &p, &err), REDRESS_OK);
	assert_int_equal(p.status, REGISTRY_ERASED);
	assert_string_equal(p.death_date, "2020-01-01");
	expect_error(reveal(f, &caseworker, "V-000001", NULL, &id, &err), REDRESS_E_NOTFOUND, &err,
	             "was erased");
	expect_error(erase(f, &admin, "V-000001", &err), REDRESS_E_CONFLICT, &err, "already erased");
	expect_error(consent(f, "V-000001", "contact", 0, NULL, &err), REDRESS_E_CONFLICT, &err,
	             "was erased");
	expect_error(relation(f, "V-000001", "R-000001", 1, 2, &err), REDRESS_E_CONFLICT, &err, "was erased");
	st = store_query(f->lf->store, &q, &err);
	assert_non_null(st);
	assert_int_equal(store_step(st, &err), STORE_ROW);
	assert_int_equal(store_column_int64(st, 0), 1);
	/* The same national id may be registered again: the erased file no longer holds it. */
	add_ok(f, REGISTRY_VICTIM, "Again", "1931-01-01", CANARY_NID, "V-000002");
	logfix_audit_clean(f->lf);
	assert_no_canary_anywhere(f);
	/* A key put back behind the log's back is named. */
	logfix_tamper(f->lf, "INSERT INTO registry_keys VALUES ('V-000001', 's1:AAAA')");
	logfix_audit_finds(f->lf, "V-000001 is erased but its data key was not destroyed");
}

/* The wrapped data key of pseudonym as registry_keys holds it, into out (empty: none). */
static void
wrapped_key_of(struct fixture *f, const char *pseudonym, char *out, size_t size)
{
	static const struct store_query q = {"test.wrapped",
	                                     "SELECT wrapped FROM registry_keys WHERE pseudonym = ?1"};
	struct redress_error err;
	struct store_stmt *st = store_query(f->lf->store, &q, &err);

	assert_non_null(st);
	store_bind_text(st, 1, pseudonym);
	out[0] = '\0';
	if (store_step(st, &err) == STORE_ROW)
		snprintf(out, size, "%s", store_column_text(st, 0));
	store_done(st);
}

/* 1 when wrapped (pseudonym's) opens under master. */
static int
opens_under(const struct seal_key *master, const char *pseudonym, const char *wrapped)
{
	struct seal_key *key = NULL;
	struct redress_error err;
	char ad[REGISTRY_PSEUDONYM_MAX + 32];
	int opened;

	snprintf(ad, sizeof(ad), "%s/key", pseudonym);
	opened = seal_unwrap(master, wrapped, ad, &key, &err) == REDRESS_OK;
	seal_key_free(&key);
	return opened;
}

/* What wrapped_in found: wrapped keys opening under a key as V-000001's (hers) or V-000002's (kept). */
struct wrapped_scan {
	size_t hers, kept;
};

/*
 * Every sealed text of wrapped_len characters in data ("s1:" and base64),
 * tried under master as the data key of V-000001 and of V-000002.
 */
static struct wrapped_scan
wrapped_in(const char *data, size_t len, const struct seal_key *master, size_t wrapped_len)
{
	struct wrapped_scan found = {0, 0};
	char candidate[512];
	const char *at = data, *end = data + len;

	assert_true(wrapped_len < sizeof(candidate));
	while ((at = memmem(at, (size_t)(end - at), "s1:", 3)) != NULL) {
		size_t i;

		if ((size_t)(end - at) < wrapped_len)
			break;
		for (i = 3; i < wrapped_len &&
		            (isalnum((unsigned char)at[i]) || at[i] == '+' || at[i] == '/' || at[i] == '=');
		     i++)
			;
		if (i == wrapped_len) {
			memcpy(candidate, at, wrapped_len);
			candidate[wrapped_len] = '\0';
			found.hers += (size_t)opens_under(master, "V-000001", candidate);
			found.kept += (size_t)opens_under(master, "V-000002", candidate);
		}
		at += 3;
	}
	return found;
}

/*
 * Erasure finished by a rotation of the master key (docs/deploy.md,
 * "Erasure on PostgreSQL"): after the erase, her wrapped data key may
 * stay in the database's files (PostgreSQL's dead tuples and WAL; on
 * SQLite the scrub removes it); after the rotation, every copy of it that
 * the files hold opens only under the old master key, which the
 * procedure destroys, and her identity is nowhere in clear.  The people
 * kept open under the new key only.
 */
static void
test_erasure_finished_by_rotation(void **state)
{
	struct fixture *f = *state;
	struct seal_key *new_master = NULL;
	struct redress_error err;
	const struct seal_key *old_master;
	struct wrapped_scan scan;
	struct registry_identity id;
	char gone[512], kept[512], kept_after[512];
	uint64_t count = 0;
	size_t len;
	char *bytes;

	canary_victim(f);
	add_ok(f, REGISTRY_VICTIM, "Kept", "1932-02-02", NULL, "V-000002");
	wrapped_key_of(f, "V-000001", gone, sizeof(gone));
	wrapped_key_of(f, "V-000002", kept, sizeof(kept));
	assert_true(gone[0] != '\0' && kept[0] != '\0');
	assert_true(opens_under(f->keys.master, "V-000001", gone));
	assert_int_equal(erase(f, &admin, "V-000001", &err), REDRESS_OK);

	/* The rotation: every remaining data key sealed again, in one change. */
	assert_int_equal(seal_key_random(&new_master, &err), REDRESS_OK);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(registry_keys_rewrap(f->lf->store, f->keys.master, new_master, &count, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(count, 1);
	wrapped_key_of(f, "V-000002", kept_after, sizeof(kept_after));
	assert_true(opens_under(new_master, "V-000002", kept_after));
	assert_false(opens_under(f->keys.master, "V-000002", kept_after));
	old_master = f->keys.master;
	f->keys.master = new_master;
	assert_int_equal(reveal(f, &caseworker, "V-000002", "a check after rotation", &id, &err), REDRESS_OK);
	assert_string_equal(id.name, "Kept");
	f->keys.master = old_master;
	explicit_bzero(&id, sizeof(id));

	/*
	 * Every wrapped key the files hold (dead rows and WAL included), tried
	 * under the new master key as hers: none opens.  The scan is shown to
	 * find wrapped keys by finding the kept person's new one.
	 */
	if (f->lf->pg_name[0] != '\0') /* PostgreSQL's WAL logs an update's changed middle only: its pages */
		assert_int_equal(store_exec(f->lf->store, "CHECKPOINT", &err), REDRESS_OK);
	bytes = logfix_db_bytes(f->lf, &len);
	scan = wrapped_in(bytes, len, new_master, strlen(kept_after));
	assert_int_equal(scan.hers, 0);
	assert_true(scan.kept > 0);
	if (memmem(bytes, len, gone, strlen(gone)) != NULL)
		print_message("her wrapped data key is still in the database's files (dead rows, WAL): "
		              "it opens under the old master key only\n");
	free(bytes);
	assert_no_canary_anywhere(f);
	seal_key_free(&new_master);
}

static void
test_shares_exact(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	int64_t num, den;
	uint64_t before;

	add_ok(f, REGISTRY_VICTIM, "V", "1930-01-01", NULL, "V-000001");
	add_ok(f, REGISTRY_RELATIVE, "a", "1960-01-01", NULL, "R-000001");
	add_ok(f, REGISTRY_RELATIVE, "b", "1960-01-01", NULL, "R-000002");
	add_ok(f, REGISTRY_RELATIVE, "c", "1960-01-01", NULL, "R-000003");
	add_ok(f, REGISTRY_RELATIVE, "d", "1960-01-01", NULL, "R-000004");
	assert_int_equal(registry_share_parse("2/4", &num, &den, &err), REDRESS_OK);
	assert_int_equal(num, 1);
	assert_int_equal(den, 2);
	expect_error(registry_share_parse("0/3", &num, &den, &err), REDRESS_E_INVALID, &err, NULL);
	expect_error(registry_share_parse("4/3", &num, &den, &err), REDRESS_E_INVALID, &err, NULL);
	expect_error(registry_share_parse("1/1000001", &num, &den, &err), REDRESS_E_INVALID, &err, NULL);
	expect_error(registry_share_parse("1/", &num, &den, &err), REDRESS_E_INVALID, &err, "not a fraction");
	expect_error(registry_share_parse("0.5", &num, &den, &err), REDRESS_E_INVALID, &err,
	             "not a fraction");
	expect_error(registry_share_parse("-1/2", &num, &den, &err), REDRESS_E_INVALID, &err, NULL);
	expect_error(registry_share_parse("1/2/3", &num, &den, &err), REDRESS_E_INVALID, &err, NULL);
	assert_int_equal(relation(f, "V-000001", "R-000001", 2, 4, &err), REDRESS_OK);
	assert_int_equal(relation(f, "V-000001", "R-000002", 1, 3, &err), REDRESS_OK);
	before = logfix_size(f->lf);
	expect_error(relation(f, "V-000001", "R-000003", 1, 5, &err), REDRESS_E_REFUSED, &err,
	             "already hold 5/6; another 1/5 would make more than 1");
	expect_error(relation(f, "V-000001", "R-000001", 1, 6, &err), REDRESS_E_CONFLICT, &err,
	             "already recorded");
	expect_error(relation(f, "R-000001", "R-000003", 1, 6, &err), REDRESS_E_INVALID, &err,
	             "a victim's starts with V-");
	expect_error(relation(f, "V-000001", "V-000001", 1, 6, &err), REDRESS_E_INVALID, &err,
	             "a relative's starts with R-");
	expect_error(relation(f, "V-000001", "R-000009", 1, 6, &err), REDRESS_E_NOTFOUND, &err, NULL);
	expect_error(relation(f, "V-000001", "R-000003", 7, 6, &err), REDRESS_E_INVALID, &err, NULL);
	assert_int_equal(logfix_size(f->lf), before);
	/* Exactly the whole is allowed; nothing beyond. */
	assert_int_equal(relation(f, "V-000001", "R-000003", 1, 6, &err), REDRESS_OK);
	/* Whose heir a relative is, from the relative's side. */
	{
		struct heir_of_ctx h = {0};

		assert_int_equal(registry_heir_of(f->lf->store, "R-000003", heir_of_one, &h, &err),
		                 REDRESS_OK);
		assert_int_equal(h.n, 1);
		assert_string_equal(h.victim, "V-000001");
		assert_int_equal(h.num, 1);
		assert_int_equal(h.den, 6);
		h.n = 0;
		assert_int_equal(registry_heir_of(f->lf->store, "V-000001", heir_of_one, &h, &err),
		                 REDRESS_OK);
		assert_int_equal(h.n, 0);
		expect_error(registry_heir_of(f->lf->store, "R-000099", heir_of_one, &h, &err),
		             REDRESS_E_NOTFOUND, &err, NULL);
	}
	expect_error(relation(f, "V-000001", "R-000004", 1, 1000000, &err), REDRESS_E_REFUSED, &err,
	             "already hold 1/1");
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE registry_relations SET num = 5 WHERE relative = 'R-000003'");
	logfix_audit_finds(f->lf, "registry_relations");
	logfix_audit_finds(f->lf, "the shares of V-000001's heirs add up to more than 1");
}

static void
test_share_arithmetic_overflow(void **state)
{
	struct redress_error err;
	int64_t num = 1, den = 999983; /* primes, so nothing reduces */

	(void)state;
	assert_int_equal(registry_share_add(&num, &den, 1, 999979, &err), REDRESS_OK);
	assert_int_equal(den, (int64_t)999983 * 999979);
	assert_int_equal(registry_share_add(&num, &den, 1, 999961, &err), REDRESS_OK);
	expect_error(registry_share_add(&num, &den, 1, 999959, &err), REDRESS_E_OVERFLOW, &err, "too fine");
}

static void
test_consent_and_wishes(void **state)
{
	struct fixture *f = *state;
	enum registry_wish wish;
	struct redress_error err;
	int given = -1;

	add_ok(f, REGISTRY_VICTIM, "A", "1930-01-01", NULL, "V-000001");
	assert_int_equal(registry_latest_wish(f->lf->store, "V-000001", &wish, &err), REDRESS_OK);
	assert_int_equal(wish, REGISTRY_WISH_NONE);
	assert_int_equal(registry_consent_given(f->lf->store, "V-000001", "processing", &given, &err),
	                 REDRESS_OK);
	assert_int_equal(given, 0);
	assert_int_equal(consent(f, "V-000001", "processing", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(consent(f, "V-000001", "share:cedaw", 1, CANARY_WITNESS, &err), REDRESS_OK);
	assert_int_equal(consent(f, "V-000001", "processing", 0, NULL, &err), REDRESS_OK);
	assert_int_equal(registry_consent_given(f->lf->store, "V-000001", "processing", &given, &err),
	                 REDRESS_OK);
	assert_int_equal(given, 0);
	assert_int_equal(registry_consent_given(f->lf->store, "V-000001", "share:cedaw", &given, &err),
	                 REDRESS_OK);
	assert_int_equal(given, 1);
	expect_error(consent(f, "V-000001", "marketing", 1, NULL, &err), REDRESS_E_INVALID, &err,
	             "not processing");
	expect_error(consent(f, "V-000001", "share:", 1, NULL, &err), REDRESS_E_INVALID, &err, "party");
	expect_error(consent(f, "V-000001", "share:a b", 1, NULL, &err), REDRESS_E_INVALID, &err, NULL);
	assert_int_equal(consult(f, "V-000001", REGISTRY_WISH_UNDECIDED, NULL, &err), REDRESS_OK);
	assert_int_equal(consult(f, "V-000001", REGISTRY_WISH_DECLINE, CANARY_SUMMARY, &err), REDRESS_OK);
	assert_int_equal(registry_latest_wish(f->lf->store, "V-000001", &wish, &err), REDRESS_OK);
	assert_int_equal(wish, REGISTRY_WISH_DECLINE);
	expect_error(consult(f, "V-000001", REGISTRY_WISH_NONE, NULL, &err), REDRESS_E_INVALID, &err, NULL);
	expect_error(registry_wish_parse("none", &wish, &err), REDRESS_E_INVALID, &err, NULL);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE registry_consultations SET wish = 'accept' WHERE wish = 'decline'");
	logfix_audit_finds(f->lf, "registry_consultations");
}

/* What the history readers saw, as "scope:given " or "wish " in order. */
struct history {
	char seen[256];
	uint64_t last_seq;
};

static enum redress_err
history_consent(void *ctx, const struct registry_consent_event *e, struct redress_error *err)
{
	struct history *h = ctx;
	size_t len = strlen(h->seen);

	(void)err;
	assert_true(e->seq > h->last_seq);
	assert_true(e->actor[0] != '\0');
	assert_true(strlen(e->at) >= 20);
	h->last_seq = e->seq;
	snprintf(h->seen + len, sizeof(h->seen) - len, "%s:%d ", e->scope, e->given);
	return REDRESS_OK;
}

static enum redress_err
history_consult(void *ctx, const struct registry_consultation *c, struct redress_error *err)
{
	struct history *h = ctx;
	size_t len = strlen(h->seen);

	(void)err;
	assert_true(c->seq > h->last_seq);
	assert_true(c->actor[0] != '\0');
	h->last_seq = c->seq;
	snprintf(h->seen + len, sizeof(h->seen) - len, "%s ", registry_wish_name(c->wish));
	return REDRESS_OK;
}

static void
test_consent_history(void **state)
{
	struct fixture *f = *state;
	struct history h = {{0}, 0};
	struct redress_error err;

	add_ok(f, REGISTRY_VICTIM, "A", "1930-01-01", NULL, "V-000001");
	add_ok(f, REGISTRY_VICTIM, "B", "1931-01-01", NULL, "V-000002");
	assert_int_equal(registry_consent_history(f->lf->store, "V-000001", history_consent, &h, &err),
	                 REDRESS_OK);
	assert_string_equal(h.seen, "");
	assert_int_equal(consent(f, "V-000001", "processing", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(consent(f, "V-000002", "processing", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(consent(f, "V-000001", "contact", 1, CANARY_WITNESS, &err), REDRESS_OK);
	assert_int_equal(consent(f, "V-000001", "processing", 0, NULL, &err), REDRESS_OK);
	assert_int_equal(registry_consent_history(f->lf->store, "V-000001", history_consent, &h, &err),
	                 REDRESS_OK);
	/* Every word, in the log's order, each scope's interleaved; another person's not at all. */
	assert_string_equal(h.seen, "processing:1 contact:1 processing:0 ");
	memset(&h, 0, sizeof(h));
	assert_int_equal(consult(f, "V-000001", REGISTRY_WISH_UNDECIDED, NULL, &err), REDRESS_OK);
	assert_int_equal(consult(f, "V-000002", REGISTRY_WISH_DECLINE, NULL, &err), REDRESS_OK);
	assert_int_equal(consult(f, "V-000001", REGISTRY_WISH_ACCEPT, CANARY_SUMMARY, &err), REDRESS_OK);
	assert_int_equal(registry_consultations_each(f->lf->store, "V-000001", history_consult, &h, &err),
	                 REDRESS_OK);
	assert_string_equal(h.seen, "undecided accept ");
}

static void
test_roles(void **state)
{
	struct fixture *f = *state;
	struct registry_new_person p;
	struct redress_error err;

	person(&p, REGISTRY_VICTIM, "A", "1930-01-01", NULL);
	expect_error(add(f, &reviewer, &p, NULL, &err), REDRESS_E_REFUSED, &err,
	             "may not register or change persons");
	expect_error(add(f, &monitor, &p, NULL, &err), REDRESS_E_REFUSED, &err, NULL);
	expect_error(add(f, &admin, &p, NULL, &err), REDRESS_E_REFUSED, &err, NULL);
	assert_false(users_allows(&monitor, PERM_PERSONS_READ));
	assert_true(users_allows(&reviewer, PERM_PERSONS_READ));
	assert_false(users_allows(&reviewer, PERM_PERSONS_REVEAL));
	assert_int_equal(add(f, &caseworker, &p, NULL, &err), REDRESS_OK);
	assert_int_equal(begin(f, &err), REDRESS_OK);
	expect_error(
	    end(f,
	        registry_consent(f->lf->log, &reviewer, &f->keys, "V-000001", "contact", 1, "x", NULL, &err),
	        &err),
	    REDRESS_E_REFUSED, &err, NULL);
	assert_int_equal(begin(f, &err), REDRESS_OK);
	expect_error(
	    end(f, registry_death(f->lf->log, &monitor, &f->keys, "V-000001", "2000-01-01", &err), &err),
	    REDRESS_E_REFUSED, &err, NULL);
	assert_int_equal(logfix_size(f->lf), 2);
}

static void
test_audit_names_edited_person(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;

	canary_victim(f);
	assert_int_equal(death(f, "V-000001", "2020-01-01", &err), REDRESS_OK);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "UPDATE registry_persons SET frailty = 0 WHERE pseudonym = 'V-000001'");
	logfix_audit_finds(f->lf, "registry_persons 'V-000001': frailty is '0'");
	logfix_tamper(
	    f->lf, "UPDATE registry_persons SET frailty = 3, status = 'alive' WHERE pseudonym = 'V-000001'");
	logfix_audit_finds(f->lf, "registry_persons 'V-000001': status is 'alive'");
	logfix_tamper(f->lf, "UPDATE registry_persons SET status = 'deceased'; DELETE FROM registry_keys");
	logfix_audit_finds(f->lf, "V-000001 has no data key");
}

/* A CSV row as the parser hands it over. */
struct csv_rows {
	size_t n;
	size_t lines[16];
	struct registry_new_person rows[16];
	int fail_at; /* refuse the row at this index, to see the error prefixed */
};

static enum redress_err
collect(void *ctx, size_t line, size_t offset, const struct registry_new_person *p, struct redress_error *err)
{
	struct csv_rows *r = ctx;

	(void)offset;
	if ((int)r->n == r->fail_at)
		return error_set(err, REDRESS_E_CONFLICT, "refused by the test");
	assert_true(r->n < 16);
	r->lines[r->n] = line;
	r->rows[r->n++] = *p;
	return REDRESS_OK;
}

static enum redress_err
parse(const char *csv, struct csv_rows *r, struct redress_error *err)
{
	memset(r, 0, sizeof(*r));
	r->fail_at = -1;
	return registry_csv_parse(csv, strlen(csv), "people.csv", collect, r, err);
}

static void
test_csv_rows(void **state)
{
	struct redress_error err;
	struct csv_rows r;

	(void)state;
	assert_int_equal(
	    parse("\xef\xbb\xbfkind,name,birth_date,national_id,phone,address,region,language,frailty\r\n"
	          "victim,\"Kim, \"\"Soon\"\"\",1930-01-01,800101-2345678,010,\"Seoul, Mapo\",KR-11,ja,3\r\n"
	          "\r\n"
	          "relative,Lee,1960-02-29,,,,,,\n",
	          &r, &err),
	    REDRESS_OK);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.lines[0], 2);
	assert_int_equal(r.lines[1], 4);
	assert_string_equal(r.rows[0].identity.name, "Kim, \"Soon\"");
	assert_string_equal(r.rows[0].identity.address, "Seoul, Mapo");
	assert_string_equal(r.rows[0].language, "ja");
	assert_int_equal(r.rows[0].frailty, 3);
	assert_int_equal(r.rows[1].kind, REGISTRY_RELATIVE);
	assert_string_equal(r.rows[1].language, "ko");
	assert_int_equal(r.rows[1].frailty, 0);
	/* Columns in any order, the optional ones left out; no final newline. */
	assert_int_equal(parse("birth_date,name,kind\n1931-03-03,Park,victim", &r, &err), REDRESS_OK);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.rows[0].identity.name, "Park");
	/* A header alone is a file of no one. */
	assert_int_equal(parse("kind,name,birth_date\n", &r, &err), REDRESS_OK);
	assert_int_equal(r.n, 0);
}

static void
test_csv_errors(void **state)
{
	static const struct {
		const char *csv, *message;
	} bad[] = {
	    {"", "people.csv: line 1: no header"},
	    {"kind,name,birth_date,nickname\n", "people.csv: line 1: unknown column 'nickname'"},
	    {"Kim Soon-ja,victim,1930-01-01\n", "people.csv: line 1: header cell 1 is not a column name"},
	    {"kind,name,kind,birth_date\n", "column 'kind' is named twice"},
	    {"kind,name\n", "the header has no 'birth_date' column"},
	    {"kind,name,birth_date\nvictim,A,1930-02-31\n",
	     "people.csv: line 2, field 'birth_date': birth date has day 31"},
	    {"kind,name,birth_date\nvictim,A,1930-01-01\nvictim,B,2150-01-01\n",
	     "people.csv: line 3, field 'birth_date': birth date is in the future"},
	    {"kind,name,birth_date\nvictim,A,1930-01-01\nperson,B,1930-01-01\n", "line 3, field 'kind'"},
	    {"kind,name,birth_date\nvictim,,1930-01-01\n", "line 2, field 'name': name is empty"},
	    {"kind,name,birth_date,frailty\nvictim,A,1930-01-01,9\n", "line 2, field 'frailty'"},
	    {"kind,name,birth_date,language\nvictim,A,1930-01-01,fr\n", "line 2, field 'language'"},
	    {"kind,name,birth_date,region\nvictim,A,1930-01-01,K R\n", "line 2, field 'region'"},
	    {"kind,name,birth_date\nvictim,A,1930-01-01,extra\n", "line 2: 4 fields where the header has 3"},
	    {"kind,name,birth_date\nvictim,A\n", "line 2: 2 fields where the header has 3"},
	    {"kind,name,birth_date\nvictim,\"A,1930-01-01\n", "line 2: malformed CSV"},
	    {"kind,name,birth_date\nvictim,A\"B,1930-01-01\n", "line 2: malformed CSV"},
	    {"kind,name,birth_date,national_id\nvictim,A,1930-01-01,12-34\nvictim,B,1930-01-01,x\n\n"
	     "relative,D,1960-01-01, 1234 \n",
	     "people.csv: line 5, field 'national_id': the same national id as line 2"},
	    /* A quoted cell may run over lines (its row is named by its first), but no field holds a line
	       break. */
	    {"kind,name,birth_date\nvictim,A,1930-01-01\nvictim,\"B\nC\",1930-01-01\n",
	     "people.csv: line 3, field 'name': name has a control character"},
	};
	struct redress_error err;
	struct csv_rows r;
	char csv[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum redress_err rc = parse(bad[i].csv, &r, &err);

		if (rc == REDRESS_OK)
			fail_msg("case %zu parsed", i);
		if (strstr(err.message, bad[i].message) == NULL)
			fail_msg("case %zu: '%s' does not contain '%s'", i, err.message, bad[i].message);
		/* No personal value is quoted back. */
		assert_null(strstr(err.message, "Kim Soon-ja"));
		assert_null(strstr(err.message, "1234"));
	}
	/* A NUL inside a cell. */
	memcpy(csv, "kind,name,birth_date\nvictim,A\0B,1930-01-01\n", 44);
	memset(&r, 0, sizeof(r));
	r.fail_at = -1;
	assert_int_equal(registry_csv_parse(csv, 43, "people.csv", collect, &r, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "line 2: cell 2 holds a NUL byte"));
	/* The consumer's refusal is named by file and line. */
	memset(&r, 0, sizeof(r));
	r.fail_at = 1;
	assert_int_equal(
	    registry_csv_parse("kind,name,birth_date\nvictim,A,1930-01-01\n\nvictim,B,1930-01-01\n", 62,
	                       "people.csv", collect, &r, &err),
	    REDRESS_E_CONFLICT);
	assert_string_equal(err.message, "people.csv: line 4: refused by the test");
}

static void
test_fold_matches_replay(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	char name[16];
	int i;

	/* Enough people to grow the fold's arrays, with every kind of event. */
	for (i = 0; i < 150; i++) {
		struct registry_new_person p;
		char nid[16];

		snprintf(name, sizeof(name), "P%d", i);
		snprintf(nid, sizeof(nid), "ID%d", i);
		person(&p, i % 3 == 0 ? REGISTRY_RELATIVE : REGISTRY_VICTIM, name, "1940-01-01",
		       i % 2 ? nid : NULL);
		p.frailty = i % 4;
		assert_int_equal(add(f, &caseworker, &p, NULL, &err), REDRESS_OK);
	}
	assert_int_equal(relation(f, "V-000001", "R-000001", 1, 3, &err), REDRESS_OK);
	assert_int_equal(relation(f, "V-000001", "R-000002", 2, 3, &err), REDRESS_OK);
	assert_int_equal(death(f, "V-000003", "2010-10-10", &err), REDRESS_OK);
	assert_int_equal(erase(f, &admin, "V-000004", &err), REDRESS_OK);
	assert_int_equal(erase(f, &admin, "V-000003", &err), REDRESS_OK);
	assert_int_equal(consent(f, "R-000005", "statistics", 1, NULL, &err), REDRESS_OK);
	assert_int_equal(consult(f, "R-000005", REGISTRY_WISH_ACCEPT, NULL, &err), REDRESS_OK);
	logfix_audit_clean(f->lf);
	logfix_tamper(f->lf, "DELETE FROM registry_persons WHERE pseudonym = 'V-000050'");
	logfix_audit_finds(f->lf,
	                   "registry_persons 'V-000050': row the log creates is missing from the database");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pseudonyms_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_canaries_never_in_clear, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reveal_opens_and_is_recorded, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_duplicate_national_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_input_changes_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_erase_shreds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_erasure_finished_by_rotation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_shares_exact, setup, teardown),
	    cmocka_unit_test(test_share_arithmetic_overflow),
	    cmocka_unit_test_setup_teardown(test_consent_and_wishes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_consent_history, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_audit_names_edited_person, setup, teardown),
	    cmocka_unit_test(test_csv_rows),
	    cmocka_unit_test(test_relation_words),
	    cmocka_unit_test_setup_teardown(test_search, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search_tokens_second_thread, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search_tokens_in_one_change, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_search_rare_and_common, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_orders, setup_list, teardown),
	    cmocka_unit_test(test_csv_errors),
	    cmocka_unit_test_setup_teardown(test_fold_matches_replay, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
