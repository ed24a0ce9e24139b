/*
 * test_notice.c -- letters to a survivor (http/notice.h), in process with
 * every module: the kinds named; refused without her consent to contact
 * (nothing recorded), after its withdrawal, for a reviewer and for the
 * dead; written in her recorded language (Korean, Japanese, English); a
 * decision with its amount as the money writer writes it and its reason
 * opened on the record; her payments with their reference and state;
 * a reminder with her missing documents and her tasks; hostile text in
 * her name, her address and a task escaped; the opening of her name and
 * address recorded as a reveal, and no name or address in the database;
 * a daughter's letters of her dead mother's claim and her own share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "claimfix.h"
#include "domain/casework/casework.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"
#include "http/i18n.h"
#include "http/notice.h"

#define HOSTILE_NAME    "<script>alert('x')</script> Kim & \"Sun\""
#define CANARY_ADDRESS  "CANARY-ADDRESS-3e9b <b>bold</b>"
#define CANARY_REASON   "CANARY-REASON-71ac: testimony <i>consistent</i>"
#define CANARY_TASK     "CANARY-TASK-0f2d: bring <img src=x> her papers"
#define NAME_IN_PAGE    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Kim &amp; &quot;Sun&quot;"
#define ADDRESS_IN_PAGE "CANARY-ADDRESS-3e9b &lt;b&gt;bold&lt;/b&gt;"

/* Every module a letter reads: claimfix's, and entitlements and casework. */
static const struct event_module *const modules[] = {
    &ledger_module, &users_module,        &registry_module, &programs_module,
    &claims_module, &entitlements_module, &casework_module, NULL};

static int
setup(void **state)
{
	return claimfix_setup_with(state, modules, "test.example/notices");
}

struct world {
	struct fixture *f;
	struct actor carol, rita, rob, fina;
	char ko[REGISTRY_PSEUDONYM_MAX + 1], ja[REGISTRY_PSEUDONYM_MAX + 1], en[REGISTRY_PSEUDONYM_MAX + 1];
};

static void
person(struct world *w, const char *lang, char out[REGISTRY_PSEUDONYM_MAX + 1])
{
	struct fixture *f = w->f;
	struct registry_new_person np;
	struct redress_error err;

	memset(&np, 0, sizeof(np));
	np.kind = REGISTRY_VICTIM;
	snprintf(np.identity.name, sizeof(np.identity.name), "%s", HOSTILE_NAME);
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1928-03-01");
	snprintf(np.identity.address, sizeof(np.identity.address), "%s", CANARY_ADDRESS);
	snprintf(np.language, sizeof(np.language), "%s", lang);
	claimfix_act(f, &w->carol, "carol", ROLE_CASEWORKER);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (registry_add(f->log, &w->carol, &f->rkeys, &np, out, &err) != REDRESS_OK)
		fail_msg("registry_add: %s", err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

static void
consent(struct world *w, const char *pseudonym, int given)
{
	struct redress_error err;

	claimfix_act(w->f, &w->carol, "carol", ROLE_CASEWORKER);
	assert_int_equal(tlog_begin(w->f->log, &err), REDRESS_OK);
	if (registry_consent(w->f->log, &w->carol, &w->f->rkeys, pseudonym, NOTICE_SCOPE, given, "in person",
	                     NULL, &err) != REDRESS_OK)
		fail_msg("consent: %s", err.message);
	assert_int_equal(tlog_commit(w->f->log, &err), REDRESS_OK);
}

/* A fund with the flagship program (two approvals) and three survivors, one per language. */
static void
world(struct fixture *f, struct world *w)
{
	static const char text[] =
	    "{\"code\": \"flagship-2015\", \"name\": \"Flagship\", \"currency\": \"KRW\", \"cutoff\": "
	    "\"2015-12-28\", \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:flagship-2015\","
	    " \"expense\": \"benefits:flagship-2015\"},"
	    " \"benefits\": {\"survivor\": \"100000000\", \"bereaved\": \"20000000\"}, \"approvals\": 2}";
	static const struct ledger_account_spec gift = {"gift", "KRW", LEDGER_INCOME, NULL, 0};
	struct ledger_transfer_request funding = {0};
	struct redress_error err;
	struct program *p = calloc(1, sizeof(*p));

	assert_non_null(p);
	funding.id = "gift-1";
	funding.from = "gift";
	funding.to = "bank:krw";
	funding.amount = "1000000000";
	memset(w, 0, sizeof(*w));
	w->f = f;
	i18n_init(NULL);
	assert_int_equal(program_parse(text, strlen(text), p, &err), REDRESS_OK);
	claimfix_boot(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(program_add(f->log, &f->boot, p, &err), REDRESS_OK);
	/* A donor's gift in the fund, so that entitlements may be booked against it. */
	assert_int_equal(ledger_account_open(f->log, &gift, NULL, &err), REDRESS_OK);
	assert_int_equal(ledger_transfer_create(f->log, &funding, NULL, NULL, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	free(p);
	claimfix_act(f, &w->rita, "rita", ROLE_REVIEWER);
	claimfix_act(f, &w->rob, "rob", ROLE_REVIEWER);
	claimfix_act(f, &w->fina, "fina", ROLE_FINANCE);
	person(w, "ko", w->ko);
	person(w, "ja", w->ja);
	person(w, "en", w->en);
}

/* The words are the catalogues' (po/, compiled by the build) in the locales install-deps makes. */
static void
need_words(void)
{
	i18n_init(NULL);
	if (strcmp(i18n_get(I18N_JA, "Sign in"), "Sign in") == 0 ||
	    strcmp(i18n_get(I18N_KO, "Sign in"), "Sign in") == 0) {
		print_message("the ko and ja catalogues or locales are missing (build redress-gmo; "
		              "scripts/install-deps)\n");
		skip();
	}
}

/*
 * Renders a notice as actor in a change of its own: committed when it
 * works (*page_r, the caller frees it), rolled back when not, and then
 * the log is as it was.
 */
static enum redress_err
render(struct world *w, struct actor *actor, const char *pseudonym, enum notice_kind kind, char **page_r,
       uint64_t *recorded_r)
{
	struct fixture *f = w->f;
	uint64_t before = logfix_size(f->lf);
	struct redress_error err;
	struct buf out;
	enum redress_err rc;

	*page_r = NULL;
	claimfix_act(f, actor, actor->name, actor->role);
	buf_init_secret(&out, NOTICE_PAGE_MAX);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if ((rc = notice_render(f->log, actor, &f->rkeys, pseudonym, kind, NOTICE_HTML, &out, &err)) ==
	    REDRESS_OK) {
		assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
		assert_non_null(out.data);
		*page_r = strdup(out.data);
	} else {
		if (rc != REDRESS_E_REFUSED && rc != REDRESS_E_NOTFOUND)
			print_error("notice_render: %s\n", err.message);
		tlog_rollback(f->log);
		assert_int_equal(logfix_size(f->lf), before);
		assert_true(strlen(err.message) > 0);
		assert_null(strstr(err.message, "Kim"));
	}
	if (recorded_r != NULL)
		*recorded_r = logfix_size(f->lf) - before;
	buf_free(&out);
	return rc;
}

static void
test_kinds(void **state)
{
	struct redress_error err;
	enum notice_kind k;

	(void)state;
	assert_int_equal(notice_kind_parse("decision", &k, &err), REDRESS_OK);
	assert_int_equal(k, NOTICE_DECISION);
	assert_int_equal(notice_kind_parse("payment", &k, &err), REDRESS_OK);
	assert_int_equal(k, NOTICE_PAYMENT);
	assert_int_equal(notice_kind_parse("reminder", &k, &err), REDRESS_OK);
	assert_int_equal(k, NOTICE_REMINDER);
	assert_int_equal(notice_kind_parse("letter", &k, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "'letter'"));
	assert_int_equal(notice_kind_parse(NULL, &k, &err), REDRESS_E_INVALID);
	assert_string_equal(notice_kind_name(NOTICE_PAYMENT), "payment");
	{
		enum notice_format fm = NOTICE_HTML;

		assert_int_equal(notice_format_parse("pdf", &fm, &err), REDRESS_OK);
		assert_int_equal(fm, NOTICE_PDF);
		assert_int_equal(notice_format_parse("docx", &fm, &err), REDRESS_E_INVALID);
		assert_non_null(strstr(err.message, "html or pdf"));
		assert_int_equal(fm, NOTICE_PDF);
		assert_string_equal(notice_format_name(NOTICE_HTML), "html");
	}
}

static void
test_refused_without_consent(void **state)
{
	struct fixture *f = *state;
	struct world w;
	char *page;
	int allowed = 1;
	struct redress_error err;

	world(f, &w);
	assert_int_equal(notice_allowed(f->store, w.ko, &allowed, &err), REDRESS_OK);
	assert_int_equal(allowed, 0);
	/* Never asked: refused, nothing recorded (render checks the log's size). */
	assert_int_equal(render(&w, &w.carol, w.ko, NOTICE_REMINDER, &page, NULL), REDRESS_E_REFUSED);
	consent(&w, w.ko, 1);
	assert_int_equal(notice_allowed(f->store, w.ko, &allowed, &err), REDRESS_OK);
	assert_int_equal(allowed, 1);
	/* A reviewer may read her file but not open her name and address. */
	assert_int_equal(render(&w, &w.rita, w.ko, NOTICE_REMINDER, &page, NULL), REDRESS_E_REFUSED);
	assert_int_equal(render(&w, &w.carol, w.ko, NOTICE_REMINDER, &page, NULL), REDRESS_OK);
	free(page);
	/* A withdrawal stops letters at once. */
	consent(&w, w.ko, 0);
	assert_int_equal(render(&w, &w.carol, w.ko, NOTICE_PAYMENT, &page, NULL), REDRESS_E_REFUSED);
	assert_int_equal(render(&w, &w.carol, "V-999999", NOTICE_PAYMENT, &page, NULL), REDRESS_E_NOTFOUND);
	/* She has died: a letter goes to her heirs. */
	consent(&w, w.ja, 1);
	claimfix_act(f, &w.carol, "carol", ROLE_CASEWORKER);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(registry_death(f->log, &w.carol, &f->rkeys, w.ja, "2020-01-02", &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_int_equal(render(&w, &w.carol, w.ja, NOTICE_DECISION, &page, NULL), REDRESS_E_REFUSED);
}

/* Her language chooses the words, and the page says which it is in. */
static void
test_language_and_escaping(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *lang, *title, *none;
	} want[] = {
	    {"ko", "안내 말씀", "현재 부족하거나 기한이 다가온 사항은 없습니다."},
	    {"ja", "ご案内", "現在、不足しているものや期限のあるものはありません。"},
	    {"en", "Reminder", "Nothing is missing or due at present."},
	};
	struct world w;
	char *page, html_lang[32];
	const char *pseudonyms[3];
	uint64_t recorded;
	size_t i;

	need_words();
	world(f, &w);
	pseudonyms[0] = w.ko, pseudonyms[1] = w.ja, pseudonyms[2] = w.en;
	for (i = 0; i < 3; i++) {
		consent(&w, pseudonyms[i], 1);
		assert_int_equal(render(&w, &w.carol, pseudonyms[i], NOTICE_REMINDER, &page, &recorded),
		                 REDRESS_OK);
		snprintf(html_lang, sizeof(html_lang), "<html lang=\"%s\">", want[i].lang);
		if (strstr(page, html_lang) == NULL || strstr(page, want[i].title) == NULL ||
		    strstr(page, want[i].none) == NULL)
			fail_msg("the reminder in %s lacks its words:\n%s", want[i].lang, page);
		/* Her name and address, escaped; nothing hostile left as markup. */
		assert_non_null(strstr(page, NAME_IN_PAGE));
		assert_non_null(strstr(page, ADDRESS_IN_PAGE));
		assert_null(strstr(page, "<script"));
		assert_null(strstr(page, "<b>"));
		/* Print-ready and self-contained: A4, a print stylesheet, nothing fetched. */
		assert_non_null(strstr(page, "@page{size:A4"));
		assert_non_null(strstr(page, "@media print"));
		assert_null(strstr(page, "src="));
		assert_null(strstr(page, "<link"));
		/* The opening of her name and address is one event: a reveal. */
		assert_int_equal(recorded, 1);
		assert_true(claimfix_events_contain(f, "registry.person.revealed"));
		free(page);
	}
	/* Her name and address never in clear in the database or any event. */
	assert_false(claimfix_db_contains(f, "CANARY-ADDRESS-3e9b", strlen("CANARY-ADDRESS-3e9b")));
	assert_false(claimfix_events_contain(f, "CANARY-ADDRESS-3e9b"));
	assert_false(claimfix_db_contains(f, "alert('x')", strlen("alert('x')")));
}

/*
 * The same letter as a PDF: a whole file (%PDF- ... %%EOF), one reveal;
 * and a PDF that outgrows the caller's buffer is an error naming it, with
 * nothing recorded.  Never a byte of it in the database.
 */
static void
test_pdf(void **state)
{
	struct fixture *f = *state;
	struct world w;
	struct redress_error err;
	struct buf out;
	uint64_t before;
	enum redress_err rc;

	need_words();
	world(f, &w);
	consent(&w, w.ja, 1);
	claimfix_act(f, &w.carol, w.carol.name, w.carol.role);

	/* Too small a buffer: refused, named, rolled back. */
	before = logfix_size(f->lf);
	buf_init_secret(&out, 4096);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	rc = notice_render(f->log, &w.carol, &f->rkeys, w.ja, NOTICE_REMINDER, NOTICE_PDF, &out, &err);
	assert_int_not_equal(rc, REDRESS_OK);
	if (strstr(err.message, "longer than 4096 bytes") == NULL)
		fail_msg("the error does not name the limit: %s", err.message);
	tlog_rollback(f->log);
	buf_free(&out);
	assert_int_equal(logfix_size(f->lf), before);

	/* The real one. */
	buf_init_secret(&out, NOTICE_PAGE_MAX);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	rc = notice_render(f->log, &w.carol, &f->rkeys, w.ja, NOTICE_REMINDER, NOTICE_PDF, &out, &err);
	if (rc != REDRESS_OK)
		fail_msg("notice_render (pdf): %s", err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_true(out.len > 1000);
	assert_memory_equal(out.data, "%PDF-", 5);
	assert_non_null(memmem(out.data + out.len - 16, 16, "%%EOF", 5));
	assert_int_equal(logfix_size(f->lf), before + 1);
	assert_true(claimfix_events_contain(f, "registry.person.revealed"));
	buf_free(&out);
	assert_false(claimfix_db_contains(f, "%PDF-", 5));
	assert_false(claimfix_db_contains(f, "CANARY-ADDRESS-3e9b", strlen("CANARY-ADDRESS-3e9b")));

	/* A format out of range changes nothing. */
	buf_init_secret(&out, NOTICE_PAGE_MAX);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(notice_render(f->log, &w.carol, &f->rkeys, w.ja, NOTICE_REMINDER,
	                               (enum notice_format)7, &out, &err),
	                 REDRESS_E_INVALID);
	tlog_rollback(f->log);
	assert_int_equal(out.len, 0);
	buf_free(&out);
}

static void
step_for(struct world *w, struct actor *actor, int what, const char *victim, const char *claim,
         char newid[CLAIM_ID_MAX + 1])
{
	struct fixture *f = w->f;
	struct redress_error err;
	struct entitlements_run run;
	char sha[65];
	enum redress_err rc;

	claimfix_act(f, actor, actor->name, actor->role);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	switch (what) {
	case 0: rc = claim_open(f->log, actor, "flagship-2015", victim, NULL, newid, &err); break;
	case 1:
		rc = claim_evidence_add(f->log, actor, &f->rkeys, claim, "doc.txt", "evidence", 8, sha, &err);
		break;
	case 2: rc = claim_submit(f->log, actor, claim, &err); break;
	case 3: rc = claim_approve(f->log, actor, &f->rkeys, claim, CANARY_REASON, &err); break;
	default: rc = entitlements_compute(f->log, actor, "flagship-2015", &run, &err); break;
	}
	if (rc != REDRESS_OK)
		fail_msg("step %d: %s", what, err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

static void
step(struct world *w, struct actor *actor, int what, const char *claim, char newid[CLAIM_ID_MAX + 1])
{
	step_for(w, actor, what, w->ja, claim, newid);
}

/* Decision, payment and reminder as the tables say them, amounts as the money writer writes them. */
static void
test_kinds_content(void **state)
{
	struct fixture *f = *state;
	struct world w;
	struct buf amount;
	struct redress_error err;
	char claim[CLAIM_ID_MAX + 1], *page;
	uint64_t task, recorded;

	need_words();
	world(f, &w);
	consent(&w, w.ja, 1);
	/* Nothing yet: no decision, no payment; the claim opened without documents is what is missing. */
	step(&w, &w.carol, 0, NULL, claim);
	assert_int_equal(render(&w, &w.carol, w.ja, NOTICE_DECISION, &page, NULL), REDRESS_OK);
	assert_non_null(strstr(page, "あなたの申請についてはまだ決定が出ていません。"));
	free(page);
	assert_int_equal(render(&w, &w.carol, w.ja, NOTICE_PAYMENT, &page, NULL), REDRESS_OK);
	assert_non_null(strstr(page, "あなたへの支払いはまだ記録されていません。"));
	free(page);
	claimfix_act(f, &w.carol, "carol", ROLE_CASEWORKER);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(casework_task_add(f->log, &w.carol, &f->rkeys, w.ja, "2099-01-15", CANARY_TASK, NULL,
	                                   &task, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_int_equal(render(&w, &w.carol, w.ja, NOTICE_REMINDER, &page, NULL), REDRESS_OK);
	assert_non_null(strstr(page, "申請の書類: まだ届いていません。"));
	assert_non_null(strstr(page, claim));
	assert_non_null(strstr(page, "CANARY-TASK-0f2d: bring &lt;img src=x&gt; her papers"));
	assert_non_null(strstr(page, "2099年1月15日"));
	assert_null(strstr(page, "<img"));
	free(page);

	/* Approved with a reason, and booked. */
	step(&w, &w.carol, 1, claim, NULL);
	step(&w, &w.carol, 2, claim, NULL);
	step(&w, &w.rita, 3, claim, NULL);
	step(&w, &w.rob, 3, claim, NULL);
	step(&w, &w.fina, 4, NULL, NULL);
	buf_init(&amount, 128);
	i18n_money(&amount, I18N_JA, 100000000, "KRW");
	assert_string_equal(amount.data, "100,000,000ウォン");
	assert_int_equal(render(&w, &w.carol, w.ja, NOTICE_DECISION, &page, &recorded), REDRESS_OK);
	assert_non_null(strstr(page, "決定通知書"));
	assert_non_null(strstr(page, amount.data));
	assert_non_null(strstr(page, "CANARY-REASON-71ac: testimony &lt;i&gt;consistent&lt;/i&gt;"));
	assert_non_null(strstr(page, "不服を申し立てる"));
	/* Her identity opened, and the decision's reason opened: both on the record. */
	assert_int_equal(recorded, 2);
	assert_true(claimfix_events_contain(f, "claims.reasons.read"));
	free(page);
	assert_int_equal(render(&w, &w.carol, w.ja, NOTICE_PAYMENT, &page, NULL), REDRESS_OK);
	assert_non_null(strstr(page, amount.data));
	assert_non_null(strstr(page, "E-"));
	assert_non_null(strstr(page, "支払予定"));
	free(page);
	buf_free(&amount);
	assert_false(claimfix_db_contains(f, "CANARY-REASON-71ac", strlen("CANARY-REASON-71ac")));
	assert_false(claimfix_db_contains(f, "CANARY-TASK-0f2d", strlen("CANARY-TASK-0f2d")));
}

/*
 * A family: the daughter of a victim who died before the cutoff gets the
 * letter of her mother's claim's decision and her own share of the
 * bereaved amount, in her own language.
 */
static void
test_family(void **state)
{
	struct fixture *f = *state;
	struct world w;
	struct registry_new_person np;
	struct redress_error err;
	struct buf amount;
	char daughter[REGISTRY_PSEUDONYM_MAX + 1], claim[CLAIM_ID_MAX + 1], *page;

	need_words();
	world(f, &w);
	memset(&np, 0, sizeof(np));
	np.kind = REGISTRY_RELATIVE;
	snprintf(np.identity.name, sizeof(np.identity.name), "Synthetic Daughter");
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1950-06-07");
	snprintf(np.language, sizeof(np.language), "en");
	claimfix_act(f, &w.carol, "carol", ROLE_CASEWORKER);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(registry_add(f->log, &w.carol, &f->rkeys, &np, daughter, &err), REDRESS_OK);
	assert_int_equal(registry_relation_add(f->log, &w.carol, w.ko, daughter, "daughter", 1, 1, &err),
	                 REDRESS_OK);
	assert_int_equal(registry_death(f->log, &w.carol, &f->rkeys, w.ko, "2010-01-02", &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	consent(&w, daughter, 1);
	step_for(&w, &w.carol, 0, w.ko, NULL, claim);
	step_for(&w, &w.carol, 1, w.ko, claim, NULL);
	step_for(&w, &w.carol, 2, w.ko, claim, NULL);
	step_for(&w, &w.rita, 3, w.ko, claim, NULL);
	step_for(&w, &w.rob, 3, w.ko, claim, NULL);
	step_for(&w, &w.fina, 4, w.ko, NULL, NULL);
	buf_init(&amount, 128);
	i18n_money(&amount, I18N_EN, 20000000, "KRW");
	assert_string_equal(amount.data, "KRW 20,000,000");
	assert_int_equal(render(&w, &w.carol, daughter, NOTICE_DECISION, &page, NULL), REDRESS_OK);
	if (strstr(page, "<html lang=\"en\">") == NULL || strstr(page, claim) == NULL ||
	    strstr(page, "Approved") == NULL || strstr(page, amount.data) == NULL)
		fail_msg("the daughter's decision letter:\n%s", page);
	free(page);
	assert_int_equal(render(&w, &w.carol, daughter, NOTICE_PAYMENT, &page, NULL), REDRESS_OK);
	assert_non_null(strstr(page, amount.data));
	assert_non_null(strstr(page, "To be paid"));
	free(page);
	buf_free(&amount);
	/* Her mother has died: no letter to her. */
	assert_int_equal(render(&w, &w.carol, w.ko, NOTICE_DECISION, &page, NULL), REDRESS_E_REFUSED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test_setup_teardown(test_refused_without_consent, setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_language_and_escaping, setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_kinds_content, setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_family, setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_pdf, setup, claimfix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
