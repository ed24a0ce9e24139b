/*
 * notice.h -- letters to a survivor or her family: the decision on a claim,
 * her payments, or what is missing or due, as one print-ready HTML page
 * (A4, a print stylesheet, nothing fetched from elsewhere) in her recorded
 * language (Korean, Japanese or English, from the pages' gettext
 * catalogues).
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
#define NOTICE_PAGE_MAX (1u << 20) /* bytes of one letter */
#define NOTICE_REASON   "notice: " /* the reveal's reason: this and the kind */

enum notice_kind {
	NOTICE_DECISION, /* her claim's decision: harms, amounts, reason, how to appeal */
	NOTICE_PAYMENT,  /* her entitlements and payments: amount, due, state, paid on */
	NOTICE_REMINDER, /* what is missing or due: documents, a proof of life, open tasks */
	NOTICE_KINDS
};

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
 * Renders the letter of kind for pseudonym into out (which the caller
 * initialised with a maximum of at least NOTICE_PAGE_MAX; it holds her name
 * and address: the caller wipes it, buf_init_secret does), in her recorded
 * language, dated today, and records the opening of her identity in the
 * caller's change (tlog_begin ... tlog_commit; on error the caller rolls
 * back, and out may hold part of a page: wipe it).  Errors:
 * REDRESS_E_NOTFOUND (no such person, or erased), REDRESS_E_REFUSED (no
 * consent to be contacted, or she has died: a letter goes to her heirs),
 * REDRESS_E_INVALID (a kind out of range); a role without
 * PERM_PERSONS_REVEAL is refused by users_require.
 */
enum redress_err notice_render(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                               const char *pseudonym, enum notice_kind kind, struct buf *out,
                               struct redress_error *err);

#endif
