/*
 * notice.h -- letters to a survivor or her family: the decision on a claim,
 * her payments, or what is missing or due, as one print-ready HTML page
 * (A4, a print stylesheet, nothing fetched from elsewhere) or as a PDF (A4,
 * laid out by pango, fonts Noto Sans CJK KR/JP embedded), in her recorded
 * language (Korean, Japanese or English, from the pages' gettext
 * catalogues).  Both are written from one content (notice_int.h), so they
 * never say different things.
 *
 * A letter carries her name and address, opened from her sealed identity:
 * rendering one is a reveal, recorded on the log (registry_reveal, with
 * the fixed reason "notice: KIND") in the caller's change, and the reason
 * of a decision it quotes is opened on the record too
 * (claim_reasons_opened_why).  A letter is only for someone whose latest
 * word on the consent scope "contact" is a grant: else REDRESS_E_REFUSED
 * and nothing is recorded.  Needs PERM_PERSONS_REVEAL (a caseworker).
 *
 * It lives beside the pages (it writes through core/html and http/i18n)
 * and is used by `redress notice render`, the API and the casework page.
 */
#ifndef REDRESS_HTTP_NOTICE_H
#define REDRESS_HTTP_NOTICE_H

#include "core/buf.h"
#include "core/error.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define NOTICE_SCOPE    "contact"  /* the consent a letter needs */
#define NOTICE_CLAIMS   64         /* claims one decision letter lists, at most */
#define NOTICE_PAGE_MAX (4u << 20) /* bytes of one letter, HTML or PDF (its fonts' subsets included) */
#define NOTICE_REASON   "notice: " /* the reveal's reason: this and the kind */

enum notice_kind {
	NOTICE_DECISION, /* her claim's decision: harms, amounts, reason, how to appeal */
	NOTICE_PAYMENT,  /* her entitlements and payments: amount, due, state, paid on */
	NOTICE_REMINDER, /* what is missing or due: documents, a proof of life, open tasks */
	NOTICE_KINDS
};

enum notice_format {
	NOTICE_HTML, /* text/html, one page with a print stylesheet */
	NOTICE_PDF,  /* application/pdf, A4 pages */
	NOTICE_FORMATS
};

/* "html" or "pdf"; "?" out of range. */
const char *notice_format_name(enum notice_format format);

/* The format named text; REDRESS_E_INVALID naming it and the two formats when it is neither. */
enum redress_err notice_format_parse(const char *text, enum notice_format *format_r,
                                     struct redress_error *err);

/* "decision", "payment", "reminder". */
const char *notice_kind_name(enum notice_kind kind);

/* The kind named text; REDRESS_E_INVALID naming it and the three kinds when it is none. */
enum redress_err notice_kind_parse(const char *text, enum notice_kind *kind_r, struct redress_error *err);

/*
 * 1 in *allowed_r when a letter may be written to pseudonym: she is
 * registered, not erased, and her latest word on "contact" is a grant.
 * Reads only.  An unknown pseudonym is REDRESS_E_NOTFOUND.
 */
enum redress_err notice_allowed(struct store *store, const char *pseudonym, int *allowed_r,
                                struct redress_error *err);

/*
 * Renders the letter of kind for pseudonym, as format, into out (which the caller
 * initialised with a maximum of at least NOTICE_PAGE_MAX; it holds her name
 * and address: the caller wipes it, buf_init_secret does), in her recorded
 * language, dated today, and records the opening of her identity in the
 * caller's change (tlog_begin ... tlog_commit; on error the caller rolls
 * back, and out may hold part of a page: wipe it).  Errors:
 * REDRESS_E_NOTFOUND (no such person, or erased), REDRESS_E_REFUSED (no
 * consent to be contacted, or she has died: a letter goes to her heirs),
 * REDRESS_E_INVALID (a kind or format out of range), REDRESS_E_IO (the PDF
 * could not be laid out or written: a font missing, cairo's error named);
 * a role without
 * PERM_PERSONS_REVEAL is refused by users_require.
 */
enum redress_err notice_render(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                               const char *pseudonym, enum notice_kind kind, enum notice_format format,
                               struct buf *out, struct redress_error *err);

#endif
