/*
 * test_feed.c -- every line of the public feed is bound to its Merkle leaf
 * (docs/log.md, "The public feed"; issue 17).  Events of every type the
 * demo writes are appended as version 3 through the feed's projection; the
 * leaf each feed line lists, and the one it rebuilds from itself, is the
 * very leaf the log stored (proved against the tree's root); the feed
 * verifies offline with the log's key alone, the log's first event (written
 * before the projection was registered, version 2) counted as unbound; a
 * changed amount, day or region fails naming the line; a withheld region's
 * commitment opens to no guessed region under any salt a reader has; and
 * a log without the projection still writes version 2 and cannot make a
 * public part.  The projection (report_feed_project, over the canonical
 * bytes) gives, byte for byte, the public part of the first projection
 * over jansson (support/feed_reference.c) for every event the fixture
 * wrote and for events made to reach each of its rules; so no leaf of a
 * version-3 event already written changes.
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

#include "core/mem.h"
#include "crypto/keydir.h"
#include "domain/reports/reports.h"
#include "feed_reference.h"
#include "log/merkle.h"
#include "log/tlog.h"
#include "logfix.h"

static const struct event_module *const modules[] = {&reports_module, NULL};

/* The data of the first event of each type `redress demo` writes (but log.created), as it wrote it. */
static const struct {
	const char *type, *data;
} demo_events[] = {
    {"users.user.added",
     "{\"name\":\"ada\",\"password\":\"s1:+vNlEiuDag61dx3OgfzHgRk1ttd1SxTxirNzmhYjXngEf9gbCmah"
     "yG+APNeXYeRCGc2/7R+/d/nLkKYtiDFio2pEXB+r5xTM4mV4+r04DEIcQuIgcQCLRt7HISfpejXuxsm5n/dEExR3"
     "6oVxWCnlwI6rgnK3RR0meD7bnB+/LOvROVgFzJ9CvWk=\",\"role\":\"admin\"}"},
    {"users.totp.enrolled",
     "{\"name\":\"ada\",\"secret\":\"s1:x1JqVWIv2Fh6v/vM5DqfHAv068KsGVB1V78mUC4YRgIQTGtj8c3fLV"
     "UvDuIUVfDhJjI7m2Pa5TUznQVA\"}"},
    {"ledger.account.opened",
     "{\"code\":\"bank:krw\",\"currency\":\"KRW\",\"kind\":\"asset\",\"name\":\"Fund of progra"
     "m flagship-2015\",\"no_overdraft\":true}"},
    {"programs.program.added",
     "{\"accounts\":{\"expense\":\"benefits:flagship-2015\",\"fund\":\"bank:krw\",\"payable\":"
     "\"payable:flagship-2015\"},\"approvals\":2,\"benefits\":{\"bereaved\":20000000,\"survivo"
     "r\":100000000},\"code\":\"flagship-2015\",\"currency\":\"KRW\",\"cutoff\":\"2015-12-28\""
     ",\"name\":\"Reconciliation and Healing Foundation (2015 agreement)\",\"rules\":\"{\\\"na"
     "mes\\\":{\\\"en\\\":\\\"Reconciliation and Healing Foundation (2015 agreement)\\\",\\\"j"
     "a\\\":\\\"\\\\u548C\\\\u89E3\\\\u30FB\\\\u7652\\\\u3084\\\\u3057\\\\u8CA1\\\\u56E3\\\\uF"
     "F082015\\\\u5E74\\\\u65E5\\\\u97D3\\\\u5408\\\\u610F\\\\uFF09\\\",\\\"ko\\\":\\\"\\\\uD6"
     "54\\\\uD574\\\\u00B7\\\\uCE58\\\\uC720\\\\uC7AC\\\\uB2E8 (2015\\\\uB144 \\\\uD55C\\\\uC7"
     "7C \\\\uD569\\\\uC758)\\\"}}\"}"},
    {"ledger.transfer.created",
     "{\"amount\":1000000000,\"credit\":\"contributions:jpy\",\"currency\":\"JPY\",\"debit\":"
     "\"pledges:jpy\",\"exchange\":null,\"id\":\"pledge:P-000001\",\"pending\":false,\"ref\":"
     "\"Pledge P-000001 to program flagship-2015\"}"},
    {"pledges.pledge.added",
     "{\"amount\":1000000000,\"condition\":\"Under the agreement of 28 December 2015, which bo"
     "th governments called a final and irreversible resolution\",\"currency\":\"JPY\",\"donor"
     "\":\"Government of Japan\",\"id\":\"P-000001\",\"program\":\"flagship-2015\"}"},
    {"pledges.pledge.received",
     "{\"amount\":1000000000,\"currency\":\"JPY\",\"id\":\"P-000001.1\",\"pledge\":\"P-000001"
     "\",\"to_amount\":10800000000,\"to_currency\":\"KRW\"}"},
    {"registry.person.registered",
     "{\"birth_year\":1926,\"frailty\":2,\"id_index\":null,\"identity\":\"s1:AUg7BZHLljJCKpkp1"
     "9TEobyq0TNnUsUnhReoGLAfFlq3O1gcZjExc6WpCxJWlb87S2EwCHFvryT+7N5CzWE5KDxqU8mryy5KQ2f/v99no"
     "V4zs8H4r8wvEwKsd4fJ6kX28xK7q0ByjcxvTBqQpJTHUg/eSVPDlS+2qwQq0b4KneN9MYLvQajrqivp4V2TDgO6w"
     "NJx3xtZqvFtXNlbaYquIAFAHWb6N1qK\",\"kind\":\"victim\",\"language\":\"ko\",\"pseudonym\":"
     "\"V-000001\",\"region\":null}"},
    {"registry.consent.recorded",
     "{\"given\":true,\"method\":\"s1:uotjeaN5pANnuAgZlj2KV+rAOGhIX8U1x7pri8TBtoswLE03cMiS14X/"
     "gp+MCyyGsuoMT3ldK5Pvd1ZK4U+ly1Nn5NZJ8Z8TRujB8AuWCksWd4X9nYLL9C3ELGB33bPaB3qFMjqazZqEpEYD"
     "iqdfER1lddAIArH1uCWL8pQfvHPDRkJ+T1zNv1WIZjnrQpuAakQuInGtZ8cm9rAzi+dh/Awbtjh+kLb8\",\"pse"
     "udonym\":\"V-000001\",\"scope\":\"processing\",\"witness\":null}"},
    {"registry.consultation.recorded", "{\"pseudonym\":\"V-000001\",\"summary\":null,\"wish\":\"accept\"}"},
    {"registry.person.died", "{\"date\":\"2009-03-01\",\"pseudonym\":\"V-000006\"}"},
    {"registry.relation.added",
     "{\"den\":2,\"num\":1,\"relation\":\"daughter\",\"relative\":\"R-000001\",\"victim\":\"V-"
     "000006\"}"},
    {"claims.claim.opened",
     "{\"approvals\":2,\"claimant\":\"V-000001\",\"id\":\"C-000001\",\"program\":\"flagship-20"
     "15\",\"victim\":\"V-000001\"}"},
    {"claims.claim.submitted", "{\"claim\":\"C-000001\"}"},
    {"claims.claim.approved", "{\"claim\":\"C-000001\",\"reason\":null}"},
    {"entitlements.entitlement.booked",
     "{\"amount\":100000000,\"basis\":\"survivor\",\"beneficiary\":\"V-000001\",\"claim\":\"C-"
     "000001\",\"currency\":\"KRW\",\"from\":null,\"id\":\"E-C-000001-V-000001\",\"program\":"
     "\"flagship-2015\",\"program_version\":1,\"state\":\"queued\"}"},
    {"entitlements.entitlement.changed", "{\"id\":\"E-C-000002-V-000002\",\"state\":\"moved\"}"},
    {"payments.bank.recorded",
     "{\"pseudonym\":\"V-000001\",\"sealed\":\"s1:ZRCxhE0SbPrw4aB3zXRIFf8ZUApAH9MiozHdC5xxVcub"
     "2zeK9kwYt2WTH3Dpw1cq5hNsaj8ZnmKFsIPV5BEjoZq4Vi5eUMV7qMcT+NGSPZ4s7L7GqF8PLa0ROiinU5lWOsT0"
     "UrndsG3TkQlRDyzjzpZ/hYQMCAGk9ZztZOMZ8azxwDzb/q9ms+uMY0pS12oHkm1Kh51hSfnoch1vSGTB7NBUEsHf"
     "+3fB\"}"},
    {"payments.debtor.set",
     "{\"bic\":\"SHBKKRSE\",\"iban\":\"DE89370400440532013000\",\"name\":\"Reconciliation and "
     "Healing Foundation (demo)\",\"program\":\"flagship-2015\"}"},
    {"payments.batch.created", "{\"currency\":\"KRW\",\"id\":\"B-000001\",\"program\":\"flagship-2015\"}"},
    {"payments.order.created",
     "{\"amount\":100000000,\"batch\":\"B-000001\",\"beneficiary\":\"V-000001\",\"currency\":"
     "\"KRW\",\"entitlement\":\"E-C-000001-V-000001\",\"id\":\"B-000001-000001\"}"},
    {"payments.batch.exported",
     "{\"batch\":\"B-000001\",\"format\":\"pain.001.001.09\",\"orders\":7,\"sha256\":\"b9e56c5"
     "d1b4cb24ad8a9164cecb7de198101a1d17d86ff778066b98aa4d5b5a3\"}"},
    {"ledger.transfer.posted", "{\"id\":\"B-000001-000001\"}"},
    {"payments.order.settled",
     "{\"booked_on\":\"2026-12-07\",\"id\":\"B-000001-000001\",\"import\":\"e37d5b3c69ae4afbb7"
     "e289f9e6a1df1fa1d2a3f7cb37b5b2caab93d8fc64b308\"}"},
    {"ledger.transfer.voided", "{\"id\":\"B-000001-000002\"}"},
    {"payments.order.returned",
     "{\"id\":\"B-000001-000002\",\"import\":\"e37d5b3c69ae4afbb7e289f9e6a1df1fa1d2a3f7cb37b5b"
     "2caab93d8fc64b308\",\"reason\":\"AC04\"}"},
    {"payments.file.imported",
     "{\"kind\":\"camt.054.001.08\",\"msg_id\":\"camt.054-B-000001.xml\",\"returned\":1,\"sett"
     "led\":5,\"sha256\":\"e37d5b3c69ae4afbb7e289f9e6a1df1fa1d2a3f7cb37b5b2caab93d8fc64b308\","
     "\"unchanged\":0}"},
    {"reports.report.published",
     "{\"amounts\":{\"currency\":\"KRW\",\"owed\":100000000,\"paid\":340000000},\"benefit\":{"
     "\"form\":\"lump_sum\",\"instalments\":{\"held\":0,\"scheduled\":0,\"stopped\":0}},\"by_h"
     "arm\":[],\"casework\":{\"appeals\":{\"opened\":0,\"overturned\":0,\"upheld\":0},\"applie"
     "d\":7,\"eligible\":8,\"grievances\":{\"limit_days\":30,\"opened\":0,\"overdue\":0,\"reso"
     "lved\":0}},\"checkpoint\":{\"note\":\"redress.demo/edd4614dc3e99937\\n152\\nC4NIH1EIE9W0"
     "4F3YW1jV10SjIafCdIm+YH8bNA1JaeU=\\n\\n\342\200\224 redress.demo/edd4614dc3e99937 6BJtz8Y"
     "n5hsfN8CUEZC9VCc+LsRfSRp735ZOOmhQfC+lGSAxyc3XVPL2b2+oaRiti2PplgnXrt/HW8+6zOUrJqoM9w0=\\n"
     "\",\"root\":\"C4NIH1EIE9W04F3YW1jV10SjIafCdIm+YH8bNA1JaeU=\",\"size\":152},\"counts\":{"
     "\"approved\":7,\"consented\":0,\"deaths_before_payment\":\"fewer than 5\",\"declined\":"
     "\"fewer than 5\",\"paid\":6,\"reached\":5,\"registered\":11,\"waiting\":\"fewer than 5\""
     "},\"days_to_payment\":{\"median\":0,\"p90\":0},\"disbursements\":[{\"amount\":340000000,"
     "\"month\":\"2026-12\"}],\"fund\":{\"account\":\"bank:krw\",\"available\":10360000000,\"b"
     "alance\":10460000000,\"currency\":\"KRW\"},\"k\":5,\"pledges\":[{\"currency\":\"JPY\",\""
     "pledged\":1000000000,\"received\":1000000000}],\"program\":{\"code\":\"flagship-2015\","
     "\"name\":\"Reconciliation and Healing Foundation (2015 agreement)\"},\"statistics\":{\"b"
     "y_decade\":[],\"by_region\":[],\"total\":{\"paid\":0,\"people\":0,\"reached\":0}},\"v\":"
     "1}"},
};

#define NDEMO (sizeof(demo_events) / sizeof(demo_events[0]))

/* Registrations beside the demo's (whose region is null): three in KR-11 in the 1920s, one alone in KR-49. */
static const char *const people[] = {
    "{\"birth_year\":1921,\"frailty\":2,\"id_index\":null,\"identity\":\"s1:AAAA\",\"kind\":\"victim\","
    "\"language\":\"ko\",\"pseudonym\":\"V-000101\",\"region\":\"KR-11\"}",
    "{\"birth_year\":1925,\"frailty\":1,\"id_index\":null,\"identity\":\"s1:BBBB\",\"kind\":\"victim\","
    "\"language\":\"ko\",\"pseudonym\":\"V-000102\",\"region\":\"KR-11\"}",
    "{\"birth_year\":1928,\"frailty\":3,\"id_index\":null,\"identity\":\"s1:CCCC\",\"kind\":\"victim\","
    "\"language\":\"ko\",\"pseudonym\":\"V-000103\",\"region\":\"KR-11\"}",
    "{\"birth_year\":1941,\"frailty\":2,\"id_index\":null,\"identity\":\"s1:DDDD\",\"kind\":\"victim\","
    "\"language\":\"ja\",\"pseudonym\":\"V-000104\",\"region\":\"KR-49\"}",
};
#define NPEOPLE (sizeof(people) / sizeof(people[0]))

struct fix {
	struct logfix *lf;
	struct buf feed; /* the feed, with k = 2 */
	struct buf vkey;
};

static void
append_canonical(struct tlog *log, const char *type, const char *data)
{
	struct redress_error err;
	json_t *v = json_loads(data, 0, NULL);
	struct buf canon;

	assert_non_null(v);
	buf_init(&canon, TLOG_EVENT_MAX);
	assert_int_equal(report_json_canon(v, &canon, &err), REDRESS_OK);
	assert_int_equal(tlog_append(log, type, canon.data, canon.len, NULL, &err), REDRESS_OK);
	json_decref(v);
	buf_free(&canon);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct redress_error err;
	struct tlog_public pub;
	size_t i;

	assert_non_null(f);
	f->lf = logfix_new(modules, "test.example/feed");
	/* Registered after log.created (version 2), as cli_open registers it. */
	pub = report_feed_public(keydir_index_key(f->lf->kd));
	tlog_set_public(f->lf->log, &pub);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	for (i = 0; i < NDEMO; i++)
		append_canonical(f->lf->log, demo_events[i].type, demo_events[i].data);
	for (i = 0; i < NPEOPLE; i++)
		append_canonical(f->lf->log, "registry.person.registered", people[i]);
	assert_int_equal(tlog_commit(f->lf->log, &err), REDRESS_OK);
	buf_init(&f->feed, (size_t)1 << 24);
	buf_init(&f->vkey, 4096);
	assert_int_equal(report_feed_write(f->lf->log, keydir_index_key(f->lf->kd), 2, &f->feed, &err),
	                 REDRESS_OK);
	assert_int_equal(buf_error(&f->feed, &err), REDRESS_OK);
	assert_int_equal(tlog_vkey(f->lf->log, &f->vkey, &err), REDRESS_OK);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	buf_free(&f->feed);
	buf_free(&f->vkey);
	logfix_free(f->lf);
	free(f);
	return 0;
}

/* The feed's lines as a jansson array (line 0 the header). */
static json_t *
feed_lines(const struct buf *feed)
{
	json_t *lines = json_array();
	const char *p = feed->data, *end = feed->data + feed->len, *nl;

	for (; p < end; p = nl + 1) {
		json_t *line;

		nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl);
		line = json_loadb(p, (size_t)(nl - p), 0, NULL);
		assert_non_null(line);
		json_array_append_new(lines, line);
	}
	return lines;
}

/* The feed with line i replaced by line, re-serialised as the feed writes it. */
static void
feed_with(json_t *lines, size_t at, json_t *line, struct buf *out)
{
	size_t i;

	buf_reset(out);
	for (i = 0; i < json_array_size(lines); i++) {
		char *text =
		    json_dumps(i == at ? line : json_array_get(lines, i), JSON_SORT_KEYS | JSON_COMPACT);

		assert_non_null(text);
		buf_puts(out, text);
		buf_putc(out, '\n');
		mem_json_free(text);
	}
}

static void
hex_to(const char *hex, uint8_t out[MERKLE_HASH_SIZE])
{
	size_t i;

	assert_non_null(hex);
	assert_int_equal(strlen(hex), 2 * MERKLE_HASH_SIZE);
	for (i = 0; i < MERKLE_HASH_SIZE; i++) {
		unsigned v;

		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void
test_every_line_is_its_leaf(void **state)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE], root[MERKLE_HASH_SIZE], listed[MERKLE_HASH_SIZE],
	    computed[MERKLE_HASH_SIZE];
	struct fix *f = *state;
	struct report_feed_verified v;
	struct redress_error err;
	struct buf bytes;
	json_t *lines = feed_lines(&f->feed);
	uint64_t size = logfix_size(f->lf), seq, used;
	size_t count, types = 0;

	buf_init(&bytes, TLOG_EVENT_MAX);
	assert_int_equal(size, 1 + NDEMO + NPEOPLE);
	assert_int_equal(json_array_size(lines), 1 + size);
	assert_int_equal(tlog_root_at(f->lf->log, size, root, &err), REDRESS_OK);
	for (seq = 0; seq < size; seq++) {
		json_t *line = json_array_get(lines, seq + 1);

		buf_reset(&bytes);
		assert_int_equal(tlog_event_bytes(f->lf->log, seq, &bytes, &err), REDRESS_OK);
		assert_int_equal(tlog_event_version(bytes.data, bytes.len), seq == 0 ? 2 : 3);
		assert_int_equal(json_integer_value(json_object_get(line, "v")), seq == 0 ? 2 : 3);
		/* The leaf the line lists is the stored one: it proves inclusion against the tree's root. */
		hex_to(json_string_value(json_object_get(line, "leaf")), listed);
		assert_int_equal(tlog_prove_inclusion(f->lf->log, seq, size, &used, proof, &count, &err),
		                 REDRESS_OK);
		assert_int_equal(merkle_verify_inclusion(seq, size, listed,
		                                         (const uint8_t(*)[MERKLE_HASH_SIZE])proof, count,
		                                         root, &err),
		                 REDRESS_OK);
		/* And it is what the log computes from the event's bytes through the projection. */
		assert_int_equal(tlog_event_leaf(f->lf->log, bytes.data, bytes.len, computed, &err),
		                 REDRESS_OK);
		assert_memory_equal(computed, listed, MERKLE_HASH_SIZE);
		if (seq >= 1 && seq <= NDEMO) {
			assert_string_equal(json_string_value(json_object_get(line, "type")),
			                    demo_events[seq - 1].type);
			types++;
		}
	}
	assert_int_equal(types, NDEMO);
	/* Offline, with the key alone, every version-3 line rebuilds to its leaf. */
	assert_int_equal(report_feed_verify(f->feed.data, f->feed.len, f->vkey.data, NULL, &v, &err),
	                 REDRESS_OK);
	assert_int_equal(v.size, size);
	assert_int_equal(v.bound, size - 1);
	assert_int_equal(v.unbound_v2, 1);
	assert_int_equal(v.unbound_v1, 0);
	json_decref(lines);
	buf_free(&bytes);
}

/* Changes one value of the first line of type (and seq >= 1) by edit, and expects the verify to name it. */
static void
altered_fails(struct fix *f, const char *type, const char *member, json_t *value)
{
	struct report_feed_verified v;
	struct redress_error err;
	json_t *lines = feed_lines(&f->feed), *line = NULL;
	struct buf bad;
	char want[64];
	size_t i;

	buf_init(&bad, (size_t)1 << 24);
	/* The first line of type; for a registration, the first whose region and decade are shown. */
	for (i = 2; i < json_array_size(lines) && line == NULL; i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(lines, i), "type")), type) == 0 &&
		    (strcmp(type, "registry.person.registered") != 0 ||
		     json_object_get(json_array_get(lines, i), "opened") != NULL))
			line = json_deep_copy(json_array_get(lines, i));
	assert_non_null(line);
	i--;
	if (strcmp(member, "day") == 0)
		json_object_set_new(line, "day", value);
	else
		json_object_set_new(json_object_get(line, "data"), member, value);
	feed_with(lines, i, line, &bad);
	if (report_feed_verify(bad.data, bad.len, f->vkey.data, NULL, &v, &err) != REDRESS_E_CRYPTO)
		fail_msg("%s of %s changed: %s", member, type, err.message);
	snprintf(want, sizeof(want), "feed line %zu (event %zu", i + 1, i - 1);
	if (strstr(err.message, want) == NULL)
		fail_msg("'%s' does not name %s", err.message, want);
	json_decref(line);
	json_decref(lines);
	buf_free(&bad);
}

static void
test_altered_line_named(void **state)
{
	struct fix *f = *state;

	altered_fails(f, "ledger.transfer.created", "amount", json_integer(10800000001));
	altered_fails(f, "registry.person.died", "day", json_string("2015-12-27"));
	altered_fails(f, "registry.person.died", "date", json_string("2015-12-27"));
	altered_fails(f, "entitlements.entitlement.booked", "currency", json_string("JPY"));
	/* A shown region (KR-11, opened with its salt) or decade changed to another. */
	altered_fails(f, "registry.person.registered", "region", json_string("KR-26"));
	altered_fails(f, "registry.person.registered", "birth_year", json_integer(1930));
	/* Whom: the pseudonym's commitment. */
	altered_fails(f, "registry.person.registered", "pseudonym",
	              json_string("c:00000000000000000000000000000000"));
}

static void
test_relabelled_line_refused(void **state)
{
	struct fix *f = *state;
	struct report_feed_verified v;
	struct redress_error err;
	json_t *lines = feed_lines(&f->feed), *line;
	struct buf bad;

	/* A version-3 line called version 2, its amount changed: its leaf is listed, not rebuilt. */
	buf_init(&bad, (size_t)1 << 24);
	line = json_deep_copy(json_array_get(lines, 6));
	json_object_set_new(line, "v", json_integer(2));
	json_object_set_new(json_object_get(line, "data"), "amount", json_integer(1));
	feed_with(lines, 6, line, &bad);
	assert_int_equal(report_feed_verify(bad.data, bad.len, f->vkey.data, NULL, &v, &err),
	                 REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "feed line 7 (event 5) says version 2 after lines of version 3"));
	json_decref(line);
	json_decref(lines);
	buf_free(&bad);
}

static void
test_withheld_region_opens_to_no_guess(void **state)
{
	struct fix *f = *state;
	struct report_feed_verified v;
	struct redress_error err;
	json_t *lines = feed_lines(&f->feed), *line = NULL, *shown = NULL, *guess;
	struct buf bad;
	const char *salts[2];
	size_t i, at = 0, s;

	buf_init(&bad, (size_t)1 << 24);
	for (i = 1; i < json_array_size(lines); i++) {
		json_t *l = json_array_get(lines, i);

		if (json_object_get(l, "withheld") != NULL) {
			line = l;
			at = i;
		} else if (json_object_get(l, "opened") != NULL &&
		           json_string_value(json_object_get(json_object_get(l, "data"), "region")) != NULL)
			shown = l;
	}
	/* V-000104, alone in KR-49 and in the 1940s: both withheld, as commitments only. */
	assert_non_null(line);
	assert_non_null(shown);
	assert_true(json_is_null(json_object_get(json_object_get(line, "data"), "region")));
	assert_true(json_is_null(json_object_get(json_object_get(line, "data"), "birth_year")));
	assert_int_equal(
	    strncmp(json_string_value(json_object_get(json_object_get(line, "withheld"), "region")), "f:", 2),
	    0);
	assert_null(strstr(f->feed.data, "KR-49"));
	/* (Not "1941" alone: hex digits of a hash may hold it.) */
	assert_null(strstr(f->feed.data, "\"birth_year\":1941"));
	assert_null(strstr(f->feed.data, "\"birth_year\":1940"));
	/*
	 * Opening it to the right guess needs its field salt, which only the
	 * fund can derive (from the event's secret salt).  Every salt a reader
	 * has -- another line's, or none at all -- opens it to nothing.
	 */
	salts[0] = json_string_value(json_object_get(json_object_get(shown, "opened"), "region"));
	salts[1] = "0000000000000000000000000000000000000000000000000000000000000000";
	for (s = 0; s < 2; s++) {
		guess = json_deep_copy(line);
		json_object_set_new(json_object_get(guess, "data"), "region", json_string("KR-49"));
		json_object_del(json_object_get(guess, "withheld"), "region");
		json_object_set_new(guess, "opened", json_pack("{s:s}", "region", salts[s]));
		feed_with(lines, at, guess, &bad);
		assert_int_equal(report_feed_verify(bad.data, bad.len, f->vkey.data, NULL, &v, &err),
		                 REDRESS_E_CRYPTO);
		json_decref(guess);
	}
	json_decref(lines);
	buf_free(&bad);
}

static void
test_without_projection(void **state)
{
	struct fix *f = *state;
	struct redress_error err;
	struct buf bytes, part;
	uint64_t seq;

	buf_init(&bytes, TLOG_EVENT_MAX);
	buf_init(&part, TLOG_EVENT_MAX);
	tlog_set_public(f->lf->log, NULL);
	assert_false(tlog_has_public(f->lf->log));
	/* A version-3 event's public part needs the index key. */
	assert_int_equal(tlog_event_bytes(f->lf->log, 1, &bytes, &err), REDRESS_OK);
	assert_int_equal(tlog_event_public(f->lf->log, bytes.data, bytes.len, &part, &err), REDRESS_E_KEYS);
	/*
	 * Nor may it append: its event would be of version 2 after version 3,
	 * which audit refuses.  Refused, nothing written.
	 */
	seq = logfix_size(f->lf);
	assert_int_equal(tlog_begin(f->lf->log, &err), REDRESS_OK);
	assert_int_equal(tlog_append(f->lf->log, "registry.person.died",
	                             "{\"date\":\"2026-01-01\",\"pseudonym\":\"V-000101\"}",
	                             strlen("{\"date\":\"2026-01-01\",\"pseudonym\":\"V-000101\"}"), NULL,
	                             &err),
	                 REDRESS_E_INTERNAL);
	assert_non_null(strstr(err.message, "tlog_set_public"));
	tlog_rollback(f->lf->log);
	assert_int_equal(logfix_size(f->lf), seq);
	buf_free(&bytes);
	buf_free(&part);
}

/* The new projection and the reference give the same bytes for event (or both refuse it). */
static void
assert_same_projection(const struct seal_key *key, const char *event, size_t len)
{
	struct redress_error err, ref_err;
	struct buf got, want;
	enum redress_err rc, ref_rc;

	buf_init(&got, TLOG_EVENT_MAX + 1024);
	buf_init(&want, TLOG_EVENT_MAX + 1024);
	rc = report_feed_project(key, event, len, &got, &err);
	ref_rc = feed_reference_project(key, event, len, &want, &ref_err);
	if (rc != REDRESS_OK || ref_rc != REDRESS_OK || got.len != want.len ||
	    memcmp(got.data, want.data, got.len) != 0)
		print_error("event %.*s\n new (%d %s): %s\n ref (%d %s): %s\n", (int)len, event, rc,
		            rc == REDRESS_OK ? "" : err.message, got.data != NULL ? got.data : "", ref_rc,
		            ref_rc == REDRESS_OK ? "" : ref_err.message, want.data != NULL ? want.data : "");
	assert_int_equal(rc, REDRESS_OK);
	assert_int_equal(ref_rc, REDRESS_OK);
	assert_int_equal(got.len, want.len);
	assert_memory_equal(got.data, want.data, got.len);
	buf_free(&got);
	buf_free(&want);
}

/* Data made to reach each rule of the projection, under the types that treat it differently. */
static const char *const edge_data[] = {
    /* The region and decade: present, missing, null, sealed, a pseudonym, not a string, a negative year. */
    "{\"birth_year\":1999,\"region\":\"KR-11\"}",
    "{\"a\":1,\"zz\":2}",
    "{\"birth_year\":null,\"region\":null}",
    "{\"birth_year\":\"s1:AAAA\",\"region\":\"s1:BBBB\"}",
    "{\"birth_year\":-1925,\"region\":\"V-123456\"}",
    "{\"birth_year\":9223372036854775807,\"region\":{\"code\":\"KR-11\",\"victim\":\"V-000001\"}}",
    "{\"birth_year\":-9223372036854775808,\"region\":[\"V-000001\",\"KR-11\",[\"R-000002\"]]}",
    "{\"beneficiary\":\"x\",\"c\":\"plain\",\"region\":\"X\",\"z\":[1,true,null,\"s1:in-array\"]}",
    /* Committed members, an id_index, pseudonyms inside text and arrays, and what looks like one but is not.
     */
    "{\"id_index\":\"abc\",\"identity\":\"s1:xyz\",\"name\":\"\\u0001 \\\"q\\\" \\\\ \\n\",\"note\":"
    "\"for V-000001 and "
    "R-000002\",\"ref\":\"KR-11\",\"w\":\"XV-123456\",\"x\":\"V-12345\",\"y\":\"-123456\"}",
    "{\"list\":[{\"pseudonym\":\"V-000001\",\"reason\":\"\xed\x95\x9c\xea\xb5\xad\"},\"a "
    "V-000009\",\"s1:k\"],"
    "\"nested\":{\"deeper\":{\"n\":[[[\"R-000001\"]]],\"victim\":\"V-000001\"}},\"summary\":\"\"}",
    "{}",
    /* As deep as the public part may nest. */
    "{\"a\":[[[[[[[[[[1]]]]]]]]]],\"region\":[[[[[[[[[[\"V-000001\"]]]]]]]]]]}",
};

/* A region two deeper still: a registration's is replaced by its commitment, any other type's is refused. */
#define DEEP_REGION "{\"region\":[[[[[[[[[[[[\"V-000001\"]]]]]]]]]]]]}"

static const char *const edge_types[] = {
    "registry.person.registered", "registry.consent.recorded", "programs.program.added",
    "pledges.pledge.added",       "reports.report.published",  "log.created",
    "claims.claim.opened",
};

static void
test_projection_is_the_reference(void **state)
{
	struct fix *f = *state;
	const struct seal_key *key = keydir_index_key(f->lf->kd);
	static const char *const actors[] = {"ada", "s1:sealed-actor", "V-000001", "\xe5\x92\x8c"};
	static const char *const ats[] = {"2026-12-07T20:00:00Z", "2026-12-07",
	                                  "\xe5\x92\x8c\xe5\x92\x8c\xe5\x92\x8c-1"};
	struct redress_error err;
	struct buf bytes;
	uint64_t size = logfix_size(f->lf), seq;
	size_t i, j, n = 0;

	buf_init(&bytes, TLOG_EVENT_MAX);
	/* Every event the fixture wrote of version 3: the demo's types and the registrations. */
	for (seq = 1; seq < size; seq++) {
		buf_reset(&bytes);
		assert_int_equal(tlog_event_bytes(f->lf->log, seq, &bytes, &err), REDRESS_OK);
		assert_int_equal(tlog_event_version(bytes.data, bytes.len), 3);
		assert_same_projection(key, bytes.data, bytes.len);
		n++;
	}
	assert_int_equal(n, NDEMO + NPEOPLE);
	/* And the edges, under each kind of type, actor and time. */
	for (i = 0; i < sizeof(edge_data) / sizeof(edge_data[0]); i++)
		for (j = 0; j < sizeof(edge_types) / sizeof(edge_types[0]); j++) {
			buf_reset(&bytes);
			assert_int_equal(tlog_encode_event_version(
			                     &bytes, 3, actors[(i + j) % 4], ats[(i + j) % 3], edge_data[i],
			                     strlen(edge_data[i]), "AAECAwQFBgcICQoLDA0ODw==", i * 10 + j,
			                     edge_types[j], &err),
			                 REDRESS_OK);
			assert_same_projection(key, bytes.data, bytes.len);
		}
	for (j = 0; j < sizeof(edge_types) / sizeof(edge_types[0]); j++) {
		struct buf a, b;

		buf_reset(&bytes);
		assert_int_equal(tlog_encode_event_version(&bytes, 3, "ada", ats[0], DEEP_REGION,
		                                           strlen(DEEP_REGION), "AAECAwQFBgcICQoLDA0ODw==", 7,
		                                           edge_types[j], &err),
		                 REDRESS_OK);
		if (j == 0) {
			assert_same_projection(key, bytes.data, bytes.len);
			continue;
		}
		buf_init(&a, TLOG_EVENT_MAX);
		buf_init(&b, TLOG_EVENT_MAX);
		assert_int_equal(report_feed_project(key, bytes.data, bytes.len, &a, &err),
		                 REDRESS_E_TAMPERED);
		assert_int_not_equal(feed_reference_project(key, bytes.data, bytes.len, &b, &err),
		                     REDRESS_OK);
		buf_free(&a);
		buf_free(&b);
	}
	buf_free(&bytes);
}

/* What is not an event of version 3 is refused, naming the event, and nothing is made of it. */
static void
test_projection_refuses(void **state)
{
	struct fix *f = *state;
	const struct seal_key *key = keydir_index_key(f->lf->kd);
	static const char *const bad[] = {
	    "",
	    "[]",
	    "{\"actor\":\"a\"}",
	    "{\"at\":\"2026-12-07\",\"type\":\"x.y\"}",
	    /* Not canonical: white space, keys out of order. */
	    "{ "
	    "\"actor\":\"a\",\"at\":\"2026-12-07T00:00:00Z\",\"data\":{},\"salt\":\"AAECAwQFBgcICQoLDA0ODw=="
	    "\","
	    "\"seq\":1,\"type\":\"x.y\",\"v\":3}",
	    "{\"at\":\"2026-12-07T00:00:00Z\",\"actor\":\"a\",\"data\":{},\"salt\":\"AAECAwQFBgcICQoLDA0ODw=="
	    "\","
	    "\"seq\":1,\"type\":\"x.y\",\"v\":3}",
	    /* A salt of the wrong size, a time too short, data not an object, a day that cuts a character. */
	    "{\"actor\":\"a\",\"at\":\"2026-12-07T00:00:00Z\",\"data\":{},\"salt\":\"AAEC\",\"seq\":1,"
	    "\"type\":\"x.y\",\"v\":3}",
	    "{\"actor\":\"a\",\"at\":\"2026\",\"data\":{},\"salt\":\"AAECAwQFBgcICQoLDA0ODw==\",\"seq\":1,"
	    "\"type\":\"x.y\",\"v\":3}",
	    "{\"actor\":\"a\",\"at\":\"2026-12-07T00:00:00Z\",\"data\":[],\"salt\":\"AAECAwQFBgcICQoLDA0ODw=="
	    "\",\"seq\":1,\"type\":\"x.y\",\"v\":3}",
	    "{\"actor\":\"a\",\"at\":\"2026-12-0\xe5\x92\x8c\",\"data\":{},\"salt\":\"AAECAwQFBgcICQoLDA0ODw="
	    "=\",\"seq\":1,\"type\":\"x.y\",\"v\":3}",
	    /* Nested one deeper than the public part may (the first projection refused it too). */
	    "{\"actor\":\"a\",\"at\":\"2026-12-07T00:00:00Z\",\"data\":{\"a\":[[[[[[[[[[[1]]]]]]]]]]]},"
	    "\"salt\":"
	    "\"AAECAwQFBgcICQoLDA0ODw==\",\"seq\":1,\"type\":\"x.y\",\"v\":3}",
	};
	struct redress_error err;
	struct buf out;
	size_t i;

	buf_init(&out, TLOG_EVENT_MAX);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&out);
		assert_int_equal(report_feed_project(key, bad[i], strlen(bad[i]), &out, &err),
		                 REDRESS_E_TAMPERED);
		assert_non_null(strstr(err.message, "event"));
	}
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_line_is_its_leaf, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_altered_line_named, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_relabelled_line_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_withheld_region_opens_to_no_guess, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_without_projection, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_projection_is_the_reference, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_projection_refuses, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
