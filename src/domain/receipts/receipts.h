/*
 * receipts.h -- a survivor's receipt: the log's events that concern one
 * person (her consent and wishes, her claim's decisions, her entitlements,
 * each payment order and what the bank said of it), each with its exact
 * bytes and an inclusion proof to one signed -- and, where witnesses
 * answered, cosigned -- checkpoint, so that she, her family or an advocate
 * can check with nothing but the fund's public key that the fund recorded
 * what it told her, and show it to a monitor without anyone being named.
 *
 * A receipt holds no name: only her pseudonym, the events' bytes (whose
 * personal fields are sealed ciphertext, and which carry the log's secret
 * per-event randomness where the log has it) and hashes.  An event that
 * names another person (an heir's share of her claim, another person's
 * payment) is left out, so a receipt says nothing about anyone else; a
 * claim a relative opened for her shows that relative's pseudonym, her own
 * kin's, and no more.
 *
 * The receipt is JSON (RECEIPT_FORMAT); the page for people embeds it,
 * with a QR code of its SHA-256, in a <script type="application/json"
 * id="redress-receipt"> block that `redress receipt verify` and the static
 * page docs/verify-receipt.html read back.
 */
#ifndef REDRESS_DOMAIN_RECEIPTS_H
#define REDRESS_DOMAIN_RECEIPTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "log/tlog.h"

#define RECEIPT_FORMAT     "redress-receipt-1"
#define RECEIPT_MAX_BYTES  (8u << 20) /* a receipt file, HTML or JSON */
#define RECEIPT_EVENTS_MAX 4096       /* events in one receipt */

struct cosig_policy;

/*
 * Appends to out the receipt JSON of the person with pseudonym, proved
 * against the log's latest checkpoint with the cosignatures kept for it;
 * *lang_r (may be NULL; 3 bytes) is the language she registered with.  A
 * pseudonym never registered is REDRESS_E_NOTFOUND; a malformed one
 * REDRESS_E_INVALID.  Reads the whole log once.
 */
enum redress_err receipt_build(struct tlog *log, const char *pseudonym, struct buf *out, char lang_r[3],
                               struct redress_error *err);

/*
 * Looks up a receipt's words (English msgids, in po/) in lang ("ko", "ja",
 * "en"): the caller's translations (the command line's are the pages'
 * gettext catalogues); the result is not freed and lives as long as the
 * process.
 */
typedef const char *(*receipt_translate_fn)(const char *lang, const char *msgid);

/*
 * Appends to out a one-page HTML receipt in lang ("ko", "ja" or "en", else
 * REDRESS_E_INVALID) for the receipt JSON (len bytes): the events in a
 * table, the checkpoint, the digest as text and as a QR code, and the JSON
 * itself embedded for verifiers.  Its words are translate's (NULL: the
 * English msgids).
 */
enum redress_err receipt_render_html(const char *json, size_t len, const char *lang,
                                     receipt_translate_fn translate, struct buf *out,
                                     struct redress_error *err);

/* What receipt_verify found. */
struct receipt_verified {
	char pseudonym[32];
	size_t events;
	uint64_t size;       /* the checkpoint's tree size */
	char digest[65];     /* SHA-256 of the receipt JSON, hex: what the QR code holds */
	size_t cosignatures; /* valid ones by the policy's witnesses */
};

/*
 * Checks a receipt (an HTML page with the embedded block, or the JSON
 * alone; len bytes) with the log's verifier key vkey: the checkpoint is
 * signed by it (and meets policy, when not NULL), each event's bytes hash
 * with its proof to the checkpoint's root, and each event is of a kind a
 * receipt lists and names the receipt's pseudonym or one of her claims,
 * entitlements or orders whose creating event is proved before it.  REDRESS_E_CRYPTO when a hash or
 * signature does not verify; REDRESS_E_INVALID naming what is malformed.
 */
enum redress_err receipt_verify(const char *text, size_t len, const char *vkey,
                                const struct cosig_policy *policy, struct receipt_verified *v_r,
                                struct redress_error *err);

#endif
