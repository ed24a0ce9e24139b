/*
 * i18n.c -- per-request languages over GNU gettext (see i18n.h).
 *
 * Why uselocale() and not setlocale() or LANGUAGE: both of those are the
 * process's, and the server answers requests in different languages on
 * several threads at once.  A thread's locale (POSIX.1-2008) is its own,
 * and glibc's gettext looks the catalogue up by the name of the calling
 * thread's LC_MESSAGES.  The strings it returns live in the mapped .mo
 * file for the life of the process, so a page may keep them.
 */
#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/money.h"
#include "http/i18n.h"

#define DOMAIN "redress"

static const char *const codes[I18N_LANGS] = {"ko", "ja", "en"};
static const char *const locale_names[I18N_LANGS] = {"ko_KR.UTF-8", "ja_JP.UTF-8", "en_US.UTF-8"};

/* Made once by i18n_init(), before any thread; read-only after. */
static locale_t locales[I18N_LANGS];

static int
catalogue_exists(const char *dir)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/ko/LC_MESSAGES/" DOMAIN ".mo", dir);
	return access(path, R_OK) == 0;
}

void
i18n_init(const char *localedir)
{
	const char *dir = localedir;
	int i;

	if (dir == NULL)
		dir = getenv("REDRESS_LOCALEDIR");
#ifdef REDRESS_BUILD_LOCALEDIR
	/* Run from the build tree (make run, the tests): its freshly compiled catalogues. */
	if (dir == NULL && catalogue_exists(REDRESS_BUILD_LOCALEDIR))
		dir = REDRESS_BUILD_LOCALEDIR;
#endif
#ifdef REDRESS_LOCALEDIR
	if (dir == NULL)
		dir = REDRESS_LOCALEDIR;
#endif
	if (dir == NULL || !catalogue_exists(dir))
		fprintf(stderr, "redress: no translations found in %s: pages will be in English\n",
		        dir != NULL ? dir : "(no locale folder)");
	if (dir != NULL)
		bindtextdomain(DOMAIN, dir);
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	/* LANGUAGE outranks the thread's locale in glibc's lookup: the shell's must not pick every page's
	 * language. */
	unsetenv("LANGUAGE");
	for (i = 0; i < I18N_LANGS; i++) {
		if (locales[i] != (locale_t)0)
			continue;
		locales[i] = newlocale(LC_MESSAGES_MASK, locale_names[i], (locale_t)0);
		if (locales[i] == (locale_t)0 && i != I18N_EN)
			fprintf(stderr,
			        "redress: the locale %s is not installed, so %s pages will be in English "
			        "(scripts/install-deps generates it)\n",
			        locale_names[i], codes[i]);
	}
}

const char *
i18n_get(enum i18n_lang lang, const char *msgid)
{
	locale_t old;
	const char *text;

	if ((unsigned)lang >= I18N_LANGS || locales[lang] == (locale_t)0)
		return msgid;
	old = uselocale(locales[lang]);
	text = dgettext(DOMAIN, msgid);
	uselocale(old);
	return text;
}

const char *
i18n_code(enum i18n_lang lang)
{
	return (unsigned)lang < I18N_LANGS ? codes[lang] : "ko";
}

const char *
i18n_name(enum i18n_lang lang)
{
	static const char *const names[I18N_LANGS] = {"한국어", "日本語", "English"};

	return (unsigned)lang < I18N_LANGS ? names[lang] : names[I18N_KO];
}

int
i18n_parse(const char *code)
{
	int i;

	if (code == NULL)
		return -1;
	for (i = 0; i < I18N_LANGS; i++)
		if (strcmp(code, codes[i]) == 0)
			return i;
	return -1;
}

/* Reads a q-value "q=0.8" (three decimals at most) as thousandths; 1000 when absent or unreadable. */
static int
q_value(const char *params, size_t len)
{
	const char *q;
	int value = 0, digits = 0;
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=')
			break;
	if (i + 1 >= len)
		return 1000;
	q = params + i + 2;
	len -= i + 2;
	if (len == 0)
		return 1000;
	if (q[0] == '1')
		return 1000;
	if (q[0] != '0')
		return 1000;
	for (i = 2; i < len && i < 5 && q[1] == '.' && q[i] >= '0' && q[i] <= '9'; i++, digits++)
		value = value * 10 + (q[i] - '0');
	while (digits++ < 3)
		value *= 10;
	return value;
}

int
i18n_accept(const char *header)
{
	const char *p = header;
	int best = -1, best_q = 0;

	if (header == NULL)
		return -1;
	while (*p != '\0') {
		size_t len = strcspn(p, ","), tag = strcspn(p, ";,");
		const char *start = p;
		int i, q;

		while (tag > 0 && (*start == ' ' || *start == '\t')) {
			start++;
			tag--;
		}
		q = q_value(start + tag, len - (size_t)(start - p) - tag);
		for (i = 0; i < I18N_LANGS; i++)
			if (tag >= 2 && strncasecmp(start, codes[i], 2) == 0 &&
			    (tag == 2 || start[2] == '-') && q > best_q) {
				best = i;
				best_q = q;
			}
		p += len;
		if (*p == ',')
			p++;
	}
	return best;
}

/* Writes the digits of v grouped by thousands with commas. */
static void
grouped(struct buf *b, uint64_t v)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v), i;

	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf_putc(b, ',');
		buf_putc(b, digits[i]);
	}
}

/* The number part: sign, grouped whole units, and the fraction the currency has. */
static void
number(struct buf *b, int64_t minor, unsigned exponent)
{
	uint64_t magnitude = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t scale = 1;
	unsigned i;

	for (i = 0; i < exponent; i++)
		scale *= 10;
	if (minor < 0)
		buf_putc(b, '-');
	grouped(b, magnitude / scale);
	if (exponent > 0)
		buf_printf(b, ".%0*llu", (int)exponent, (unsigned long long)(magnitude % scale));
}

void
i18n_number(struct buf *b, int64_t n)
{
	number(b, n, 0);
}

void
i18n_money(struct buf *b, enum i18n_lang lang, int64_t minor, const char *code)
{
	const struct currency *cur = currency_find(code, NULL);
	unsigned exponent = cur != NULL ? cur->exponent : 0;
	int krw = strcmp(code, "KRW") == 0, jpy = strcmp(code, "JPY") == 0, usd = strcmp(code, "USD") == 0;

	if (cur == NULL) {
		buf_printf(b, "%.3s ", code);
		number(b, minor, 0);
		return;
	}
	if (lang == I18N_KO && (krw || jpy)) {
		number(b, minor, exponent);
		buf_puts(b, krw ? "원" : "엔");
	} else if (lang == I18N_KO && usd) {
		buf_puts(b, "US$");
		number(b, minor, exponent);
	} else if (lang == I18N_JA && (krw || jpy || usd)) {
		number(b, minor, exponent);
		buf_puts(b, krw ? "ウォン" : jpy ? "円" : "米ドル");
	} else {
		buf_printf(b, "%s ", cur->code);
		number(b, minor, exponent);
	}
}

void
i18n_date(struct buf *b, enum i18n_lang lang, const char *iso)
{
	static const char *const months[12] = {"January",   "February", "March",    "April",
	                                       "May",       "June",     "July",     "August",
	                                       "September", "October",  "November", "December"};
	int y, m, d, n = 0;

	if (iso == NULL)
		return;
	if (strlen(iso) < 10 || sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || m < 1 ||
	    m > 12 || d < 1 || d > 31) {
		buf_puts(b, iso);
		return;
	}
	if (lang == I18N_KO)
		buf_printf(b, "%d년 %d월 %d일", y, m, d);
	else if (lang == I18N_JA)
		buf_printf(b, "%d年%d月%d日", y, m, d);
	else
		buf_printf(b, "%d %s %d", d, months[m - 1], y);
}
