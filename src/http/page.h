/*
 * page.h -- the HTML pages for the foundation's staff: what the page_*.c
 * files share.  One file a part of the work (page_session.c: signing in,
 * the account; page_persons.c: the caseworker's pages), the layout and
 * the language here (page.c), escaping in html.h, words in i18n.h.
 *
 * A page handler starts with page_begin(), writes its main content with
 * html.h's functions (T() for the words of the page, in the request's
 * language), and ends with page_end().  Forms post back
 * application/x-www-form-urlencoded with page_csrf() inside; a form that
 * is wrong is shown again with the error beside each field (status 422),
 * and nothing is saved; a form that worked answers 303 to the next page.
 */
#ifndef REDRESS_HTTP_PAGE_H
#define REDRESS_HTTP_PAGE_H

#include "core/html.h"
#include "http/http_int.h"
#include "http/i18n.h"

#define PAGE_MAX (4u << 20) /* a page's bytes */

struct page {
	struct http_request *req;
	struct http_response *res;
	struct buf *b; /* res->body */
	enum i18n_lang lang;
	const char *title; /* the page's title in its language (static, the catalogue's) */
	int tables;        /* tables opened by page_table_begin and not yet closed */
};

/* The words of the page p in its language: T(p, "Sign in"). */
#define T(p, msgid) i18n_get((p)->lang, "" msgid "")

/* The request's language: ?lang= (then remembered in a cookie), the cookie, Accept-Language, Korean. */
enum i18n_lang page_lang(struct http_request *req, struct http_response *res);

/*
 * Starts a page: the document's head (title, the stylesheet), the skip
 * link, the header with the fund's name, the navigation for the signed-in
 * account's role, the language switch, and opens <main>.  title is a
 * msgid.
 */
void page_begin(struct page *p, struct http_request *req, struct http_response *res, const char *title);

/* The same in language lang, for a page rendered away from its request (on the writer's thread). */
void page_begin_lang(struct page *p, struct http_request *req, struct http_response *res, const char *title,
                     enum i18n_lang lang);

/*
 * The same for a form that came back refused: the title starts with
 * "Error: " in the page's language (오류: , エラー: ), so that a screen
 * reader says so first.
 */
void page_begin_failed(struct page *p, struct http_request *req, struct http_response *res,
                       const char *title);
void page_begin_full(struct page *p, struct http_request *req, struct http_response *res, const char *title,
                     enum i18n_lang lang, int failed);

/*
 * The error summary at the top of a refused form: a box that takes the
 * focus when the page loads (autofocus; no script), with one link per
 * message to its field (#f-NAME).  names[i] is the field of errors[i]
 * (a message in the page's language, or NULL: that field is fine).
 */
void page_error_summary(struct page *p, const char *const *names, const char *const *errors, size_t n);

/*
 * A refusal of the program parser (programs.h: English, for the command
 * line) in lang, appended to out: the field names and values it quotes
 * kept, the rest translated (page_program_words.c); a message it does not
 * know kept in English after a sentence in lang.
 */
void page_program_error(struct buf *out, enum i18n_lang lang, const char *message);

/* An ISO 20022 reason code of a returned payment (AC04 ...) in words, the code in brackets. */
const char *page_bank_reason_words(struct page *p, const char *code);

/* Closes <main> and the document; answers status as text/html. */
void page_end(struct page *p, unsigned status);

/* The hidden csrf_token field of a form (the session's). */
void page_csrf(struct page *p);

/*
 * A labelled text input: label (msgid), name (a literal), type, value
 * (may be NULL), error (a message already in the page's language, or
 * NULL), required.  The error sits beside the field, tied to it by
 * aria-describedby, and the field gets aria-invalid.
 */
void page_input(struct page *p, const char *label, const char *name, const char *type, const char *value,
                const char *error, int required, const char *autocomplete);

/* The same with a hint (already in the page's language) between label and field, tied by aria-describedby. */
void page_input_hint(struct page *p, const char *label, const char *name, const char *type, const char *value,
                     const char *error, int required, const char *autocomplete, const char *hint);

/*
 * A date as people type it (2026-12-07, 2026/12/7, 2026. 12. 7.,
 * 2026年12月7日, 2026년 12월 7일) as "YYYY-MM-DD" in out (text and out may
 * be the same).  0, or -1 when it is not a date of a real day (out
 * unchanged).
 */
int page_date_parse(const char *text, char out[11]);

/*
 * An amount as people type it, thousands separators and spaces dropped
 * ("50,000,000" -> "50000000") into out (size bytes): 0, or -1 when
 * anything else than digits, one leading '-' and '.' remains, or out is
 * too small.
 */
int page_amount_parse(const char *text, char *out, size_t size);

/* A labelled <textarea> of rows lines: the same as page_input() otherwise. */
void page_textarea(struct page *p, const char *label, const char *name, const char *value, const char *error,
                   int required, int rows);

/*
 * A labelled <select> named name: label a msgid; options with
 * page_option() (text in the page's language, selected when value equals
 * current); error as for page_input().
 */
void page_select_begin(struct page *p, const char *label, const char *name, const char *error);
/* The same for a choice the form cannot go without: its label says (required), the select is required. */
void page_select_required_begin(struct page *p, const char *label, const char *name, const char *error);
void page_option(struct page *p, const char *value, const char *text, const char *current);
void page_select_end(struct page *p, const char *name, const char *error);

/* The request's read connection, then page_begin(); NULL (after answering) when there is none. */
struct store *page_open(struct page *p, struct http_request *req, struct http_response *res,
                        const char *title);

/*
 * text, escaped, with each of its ids, dates and codes kept on one line
 * (V-000001, B-000001-000001, 2026-12-07, benefits:flagship-2015): a
 * word of ASCII with a digit, a hyphen or a colon in it, at most
 * PAGE_ID_MAX bytes, inside <span class="id"> (white-space: nowrap), so
 * that a narrow cell does not break it at its hyphens.  Other words,
 * Hangul, kana and kanji break as the language does.
 */
#define PAGE_ID_MAX 40
void page_text_ids(struct page *p, const char *text);

/* A column heading <th scope="col">, and a cell (its ids kept whole); text already in the page's language. */
void page_th(struct page *p, const char *text);
void page_td(struct page *p, const char *text);

/* <dt>label</dt><dd>value</dd> (an em dash when value is empty; its ids kept whole); both already in the
 * page's language. */
void page_fact(struct page *p, const char *label, const char *value);

/* A link back to pseudonym's case file, "Back to the case file V-000001" (the task pages' first line). */
void page_back_to_file(struct page *p, const char *pseudonym);

/*
 * An event's time "YYYY-MM-DDTHH:MM:SSZ" (UTC, as the log keeps it) in the
 * fund's time zone (the process's TZ, which `redress serve --time-zone`
 * sets; Asia/Seoul by default): the date as the page's language writes it,
 * then the time of day and the zone, "2026년 12월 7일 11:39 KST".
 */
void page_when(struct page *p, const char *at);

/* The time event seq was recorded, "YYYY-MM-DDTHH:MM:SSZ", into at; 0, or -1 when it cannot be read. */
int page_event_at(struct tlog *log, uint64_t seq, char at[40]);

/* A log actor as staff know it: "user:cho" is "cho"; "os:root" (the bootstrap) stays as it is. */
const char *page_actor(const char *actor);

/* The role's name in the page's language. */
const char *page_role_words(struct page *p, enum role role);

/* A notice box: kind "error", "info" (neither failed nor done) or "ok"; text in the page's language. */
void page_notice(struct page *p, const char *kind, const char *text);

/*
 * Ends a listing whose rows opened a table at the first row: closes the
 * table (n rows), then says error when the listing failed (returning -1),
 * or empty when it had no row.
 */
int page_list_end(struct page *p, int failed, size_t n, const char *error, const char *empty);

/*
 * Opens a table and its head row ("<table><thead><tr>") inside the box
 * that scrolls it sideways on a narrow screen: a region named label (NULL:
 * the page's title) that the keyboard reaches (tabindex 0), so that a
 * table without a link in it can still be scrolled (WCAG 2.1.1; axe's
 * scrollable-region-focusable).  The pages' script (assets/redress.js)
 * takes the tab stop away while the table fits, and gives it back when
 * it no longer does.  page_table_end, or page_list_end, closes both.
 */
void page_table_begin(struct page *p, const char *label);

/* Closes the body, the table and its box: "</tbody></table></div>". */
void page_table_end(struct page *p);

/*
 * Opens a table whose rows become cards below 40rem instead of scrolling:
 * each cell shown under its heading's words (the label given to
 * page_td_begin), for rows too rich to read sideways (a form in a cell).
 * page_table_end or page_list_end closes it.
 */
void page_table_stacked_begin(struct page *p);

/* Opens a cell under label (its heading's words, shown before it on a phone); cls may be NULL. */
void page_td_begin(struct page *p, const char *label, const char *cls);

/* Answers 303 to path (a literal or built from escaped parts; checked with html_url_ok). */
void page_redirect(struct http_response *res, const char *path);

/* The stylesheet's URL, "/assets/redress.HASH.css". */
const char *page_css_url(void);

/* The script's URL, "/assets/redress.HASH.js" (assets/redress.js: a table's box a tab stop only while it
 * scrolls). */
const char *page_js_url(void);

/*
 * What a change made for a page needs to render its answer on the
 * writer's thread, away from its request: the request's method, account
 * and CSRF token (a shadow request without a connection) and the
 * language.  Embed it in the change's argument; page_change_init() fills
 * it on the request's thread, page_change_begin() starts the page.
 */
struct page_change {
	struct http_request shadow;
	enum i18n_lang lang;
};

void page_change_init(struct page_change *pc, struct http_request *req, struct http_response *res);
void page_change_begin(struct page *p, struct page_change *pc, struct http_response *res, const char *title);
void page_change_begin_failed(struct page *p, struct page_change *pc, struct http_response *res,
                              const char *title);

/* Copies form field name into out (size bytes; "" when absent); 0 when it is too long (out is then ""). */
int page_form_copy(struct http_request *req, const char *name, char *out, size_t size);

/*
 * page_accounts.c: a refused change of an account, on the page begun (as
 * failed): msgid (N_() text) as the error notice, detail (may be NULL: the
 * domain's words) as a hint, the way back to the accounts, then the page's
 * end with status.
 */
void page_account_refusal(struct page *p, const char *msgid, const char *detail, unsigned status);

/* page_session.c */
void page_home(struct http_request *req, struct http_response *res);
void page_sign_in_form(struct http_request *req, struct http_response *res);
void page_sign_in(struct http_request *req, struct http_response *res);
void page_new_password_form(struct http_request *req, struct http_response *res);
void page_new_password(struct http_request *req, struct http_response *res);
void page_sign_out(struct http_request *req, struct http_response *res);
void page_account(struct http_request *req, struct http_response *res);
/* refused.c: GET /refused/{id}, a refused form's page kept for its session (post/redirect/get). */
void page_refused(struct http_request *req, struct http_response *res);
void page_asset(struct http_request *req, struct http_response *res);

/* page_persons.c */
void page_persons_find(struct http_request *req, struct http_response *res);
void page_persons_new(struct http_request *req, struct http_response *res);
void page_persons_add(struct http_request *req, struct http_response *res);
void page_persons_show(struct http_request *req, struct http_response *res);
void page_persons_reveal(struct http_request *req, struct http_response *res);
void page_persons_search(struct http_request *req, struct http_response *res);

/* page_persons.c: consent and consultations */
void page_persons_consent(struct http_request *req, struct http_response *res);
void page_persons_consult(struct http_request *req, struct http_response *res);
void page_persons_heir(struct http_request *req, struct http_response *res);
void page_persons_bank(struct http_request *req, struct http_response *res);

/* page_persons.c: the task pages the case file links to, each one form (GET; the POST records it) */
void page_persons_consent_form(struct http_request *req, struct http_response *res);
void page_persons_consult_form(struct http_request *req, struct http_response *res);
void page_persons_heir_form(struct http_request *req, struct http_response *res);
void page_persons_bank_form(struct http_request *req, struct http_response *res);
void page_persons_death_form(struct http_request *req, struct http_response *res);

/* page_casework.c: a person's casework page and its forms; the caseworker's work list */
void page_casework_show(struct http_request *req, struct http_response *res);
void page_casework_note(struct http_request *req, struct http_response *res);
void page_casework_task(struct http_request *req, struct http_response *res);
void page_casework_contact(struct http_request *req, struct http_response *res);
void page_casework_grievance(struct http_request *req, struct http_response *res);
void page_casework_referral(struct http_request *req, struct http_response *res);
void page_casework_correct(struct http_request *req, struct http_response *res);
void page_casework_proof(struct http_request *req, struct http_response *res);
void page_casework_transfer(struct http_request *req, struct http_response *res);
void page_work_note_open(struct http_request *req, struct http_response *res);
void page_casework_notice(struct http_request *req, struct http_response *res);
void page_work(struct http_request *req, struct http_response *res);
void page_work_task_done(struct http_request *req, struct http_response *res);
void page_work_change_approve(struct http_request *req, struct http_response *res);
void page_work_change_reject(struct http_request *req, struct http_response *res);
void page_work_grievance_resolve(struct http_request *req, struct http_response *res);
void page_work_referral_outcome(struct http_request *req, struct http_response *res);
/* For a caseworker: a notice of her overdue tasks, with a link to the work list (nothing when none). */
void page_casework_overdue_notice(struct page *p, struct store *store);
/* page_dups.c: suspected duplicates, and deciding each pair */
void page_duplicates(struct http_request *req, struct http_response *res);
void page_duplicates_resolve(struct http_request *req, struct http_response *res);
/* On a case file: whom she was merged into, or the suspected pairs she makes not yet decided (pseudonyms). */
void page_dups_notice(struct page *p, struct store *store, const char *pseudonym);
/* In a list's row: ", merged into V-000001" when pseudonym was merged (nothing else, nor on error). */
void page_dups_merged_words(struct page *p, struct store *store, const char *pseudonym);

/* page_backup.c: the admin's backup, a download */
void page_backup_form(struct http_request *req, struct http_response *res);
void page_backup_take(struct http_request *req, struct http_response *res);
/* The backup's form again, saying err (the event could not be recorded: nothing was sent). */
void page_backup_failed(struct page_change *pc, struct http_response *res, const struct redress_error *err);

/* page_claims.c */
void page_claims_list(struct http_request *req, struct http_response *res);
void page_claims_show(struct http_request *req, struct http_response *res);
void page_claims_open(struct http_request *req, struct http_response *res);
void page_claims_evidence(struct http_request *req, struct http_response *res);
void page_claims_download(struct http_request *req, struct http_response *res);
void page_claims_submit(struct http_request *req, struct http_response *res);
void page_claims_approve(struct http_request *req, struct http_response *res);
void page_claims_deny(struct http_request *req, struct http_response *res);
void page_claims_appeal(struct http_request *req, struct http_response *res);
/* An appeal's decision (the appeals role): the claim approved, or its denial upheld; a reason each. */
void page_claims_uphold(struct http_request *req, struct http_response *res);
void page_claims_overturn(struct http_request *req, struct http_response *res);
void page_claims_reason(struct http_request *req, struct http_response *res);

/*
 * A table of the claims in state (-1: all) of victim (NULL: everyone's),
 * or a sentence saying there is none; the number shown, -1 after saying
 * they could not be read.
 */
int page_claims_table(struct page *p, struct store *store, int state, const char *victim);

/* The page opening a claim for the person (GET /persons/{pseudonym}/claims; the case file links to it). */
void page_claims_open_form(struct http_request *req, struct http_response *res);

/* page_fund.c */
void page_fund_balances(struct http_request *req, struct http_response *res);
void page_fund_queue(struct http_request *req, struct http_response *res);
void page_fund_run(struct http_request *req, struct http_response *res);
void page_admin_accounts(struct http_request *req, struct http_response *res);
void page_admin_totp(struct http_request *req, struct http_response *res);
void page_transparency(struct http_request *req, struct http_response *res);

/* page_reports.c: the published transparency reports, and publishing them */
void page_reports(struct http_request *req, struct http_response *res);
void page_reports_publish(struct http_request *req, struct http_response *res);

/* page_finance.c */
void page_pledges(struct http_request *req, struct http_response *res);
void page_pledges_add(struct http_request *req, struct http_response *res);
void page_pledges_receive(struct http_request *req, struct http_response *res);
void page_batches(struct http_request *req, struct http_response *res);
void page_batches_create(struct http_request *req, struct http_response *res);
void page_batches_show(struct http_request *req, struct http_response *res);
void page_batches_export(struct http_request *req, struct http_response *res);
void page_bank_files(struct http_request *req, struct http_response *res);

/* page_admin.c: accounts added, locked and unlocked; programs; erasing a person */
void page_admin_account_add(struct http_request *req, struct http_response *res);
void page_admin_lock(struct http_request *req, struct http_response *res);
void page_admin_unlock(struct http_request *req, struct http_response *res);
void page_admin_programs(struct http_request *req, struct http_response *res);
/* page_offices.c: /admin/offices, the offices, one added, an account put in one (domain/offices). */
void page_offices(struct http_request *req, struct http_response *res);
void page_offices_add(struct http_request *req, struct http_response *res);
void page_offices_staff(struct http_request *req, struct http_response *res);
void page_admin_program_show(struct http_request *req, struct http_response *res);
void page_admin_program_add(struct http_request *req, struct http_response *res);
void page_persons_erase_confirm(struct http_request *req, struct http_response *res);
void page_persons_erase(struct http_request *req, struct http_response *res);

/* page_admin.c: a program's name (or a harm's, a unit's) in the page's language, else the first given, else
 * "". */
struct program_names;
const char *page_names_text(const struct page *p, const struct program_names *n);

/*
 * The name of the program code in the page's language (program_name), its
 * code if it cannot be read.  cache holds the last program read, for a
 * list whose rows mostly name one program: zero it before the first call.
 */
struct program;
const char *page_program_words(struct page *p, struct store *store, const char *code, struct program *cache);

/* The form adding an account (the accounts page shows it). */
void page_admin_account_form(struct page *p);

/* The lock or unlock button of account name, as the account is (locked 1) or not. */
void page_admin_lock_form(struct page *p, const char *name, int locked);

/*
 * page_accounts.c: an account's disable or enable button, its role, and a
 * password reset, beside its row; and the routes they post to.
 */
void page_admin_account_actions(struct page *p, const struct users_account *a);
void page_admin_disable(struct http_request *req, struct http_response *res);
void page_admin_enable(struct http_request *req, struct http_response *res);
void page_admin_role(struct http_request *req, struct http_response *res);
void page_admin_password(struct http_request *req, struct http_response *res);

/* page_persons.c: a death, recorded from the case file */
void page_persons_death(struct http_request *req, struct http_response *res);

/* The stylesheet (assets/redress.css, embedded at build time). */
extern const char http_asset_css[];
extern const size_t http_asset_css_len;

/* The script (assets/redress.js, embedded at build time). */
extern const char http_asset_js[];
extern const size_t http_asset_js_len;

#endif
