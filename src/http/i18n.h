/*
 * i18n.h -- the pages in Korean, Japanese and English, through GNU
 * gettext.
 *
 * The catalogues are po/ko.po, po/ja.po and po/en.po, compiled by msgfmt
 * into LOCALEDIR/LANG/LC_MESSAGES/redress.mo.  A request's language is not
 * the process's: each lookup switches the calling thread's LC_MESSAGES
 * with uselocale() to a locale made once for each language, and glibc's
 * dgettext() reads the catalogue of the thread's locale.  glibc only
 * switches for a locale that exists on the machine, so ko_KR.UTF-8,
 * ja_JP.UTF-8 and en_US.UTF-8 must be generated (scripts/install-deps
 * does it); where one is missing, its pages are in English (the msgids)
 * and the server says so once when it starts.
 *
 * msgids are the English text.  Mark them with N_() so that xgettext
 * finds them (meson's redress-pot target); look them up with i18n_get().
 */
#ifndef REDRESS_HTTP_I18N_H
#define REDRESS_HTTP_I18N_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"

#define N_(msgid) msgid

enum i18n_lang {
	I18N_KO, /* the default: most of the fund's staff and the survivors */
	I18N_JA,
	I18N_EN,
	I18N_LANGS
};

/*
 * Binds the "redress" text domain to localedir (NULL: $REDRESS_LOCALEDIR,
 * else the build tree's po folder when it holds the catalogues, else the
 * installed locale folder) and makes each language's locale.  Unsets
 * LANGUAGE, which would otherwise override every request's language with
 * the shell's: so call it before starting threads.  Never fails: what is
 * missing is reported on stderr and its language falls back to English.
 */
void i18n_init(const char *localedir);

/* The translation of msgid in lang (msgid itself when there is none); never NULL, never freed. */
const char *i18n_get(enum i18n_lang lang, const char *msgid);

/* "ko", "ja", "en". */
const char *i18n_code(enum i18n_lang lang);

/* The language's own name for itself: "한국어", "日本語", "English". */
const char *i18n_name(enum i18n_lang lang);

/* The language of code ("ko", "ja", "en"); -1 when it is none of them. */
int i18n_parse(const char *code);

/*
 * The first of ko, ja and en that an Accept-Language header ranks highest
 * (q-values honoured, "ja-JP" is ja, "*" is ignored); -1 when none.
 */
int i18n_accept(const char *header);

/*
 * An amount of minor units in currency code ("KRW", "JPY", "USD" ...),
 * grouped by thousands, written as the language writes it:
 *   ko  100,000,000원  1,000,000,000엔  US$1,234.50
 *   ja  100,000,000ウォン  1,000,000,000円  1,234.50米ドル
 *   en  KRW 100,000,000  JPY 1,000,000,000  USD 1,234.50
 * Any other currency is "CODE amount" in every language.
 */
void i18n_number(struct buf *b, int64_t n); /* a count with thousands separators: 3,000 */
void i18n_money(struct buf *b, enum i18n_lang lang, int64_t minor, const char *code);

/*
 * A date "YYYY-MM-DD" (or longer: the first ten characters count) as
 * ko "2026년 11월 27일", ja "2026年11月27日", en "27 November 2026"; text that is not such a date is
 * written as it is.  The output is plain text: escape it where it goes.
 */
void i18n_date(struct buf *b, enum i18n_lang lang, const char *iso);

#endif
