/*
 * romanize.c -- Hangul and kana in Latin letters (romanize.h), by the
 * tables below: nothing here guesses, and a letter with no table makes
 * the name have no Latin form rather than a wrong one.
 */
#include "core/romanize.h"

#include <string.h>

#include "core/text.h"

#define PARTS_MAX 8
#define CHARS_MAX 64 /* of a name that count, as for search */

/* Revised Romanization: a syllable's initial, vowel and final, by their index in the syllable's code. */
static const char *const rr_initial[19] = {"g",  "kk", "n", "d",  "tt", "r", "m", "b", "pp", "s",
                                           "ss", "",   "j", "jj", "ch", "k", "t", "p", "h"};
static const char *const rr_vowel[21] = {"a",  "ae", "ya", "yae", "eo", "e",  "yeo", "ye", "o",  "wa", "wae",
                                         "oe", "yo", "u",  "wo",  "we", "wi", "yu",  "eu", "ui", "i"};
static const char *const rr_final[28] = {"",  "k",  "k", "k", "n", "n", "n", "t", "l", "k",
                                         "m", "l",  "l", "l", "p", "l", "m", "p", "p", "t",
                                         "t", "ng", "t", "t", "k", "t", "p", "t"};

/*
 * Surnames as they are usually written in Latin letters, where that is not
 * their Revised Romanization (김 is Kim on most passports, Gim by the
 * rules).  The common surnames of Korea's census, and the spelling most
 * of their bearers use.
 */
static const struct {
	const char *hangul, *latin;
} surnames[] = {
    {"김", "kim"},   {"이", "lee"},   {"박", "park"}, {"최", "choi"}, {"정", "jung"},  {"조", "cho"},
    {"윤", "yoon"},  {"임", "lim"},   {"오", "oh"},   {"신", "shin"}, {"권", "kwon"},  {"안", "ahn"},
    {"류", "ryu"},   {"유", "yoo"},   {"고", "ko"},   {"문", "moon"}, {"노", "noh"},   {"심", "shim"},
    {"곽", "kwak"},  {"성", "sung"},  {"주", "joo"},  {"우", "woo"},  {"구", "koo"},   {"엄", "um"},
    {"천", "chun"},  {"공", "kong"},  {"현", "hyun"}, {"변", "byun"}, {"추", "choo"},  {"선", "sun"},
    {"명", "myung"}, {"기", "ki"},    {"금", "keum"}, {"국", "kook"}, {"경", "kyung"}, {"부", "boo"},
    {"전", "jun"},   {"장", "chang"}, {"강", "kang"}, {"한", "han"},  {"서", "suh"},   {"황", "hwang"},
};

/* Modified Hepburn: hiragana U+3041 to U+3094 (katakana are read as these); "" for the small tsu. */
static const char *const kana[0x3094 - 0x3041 + 1] = {
    "a",  "a",   "i",  "i",  "u",  "u",   "e",  "e",  "o",  "o",  "ka", "ga", "ki", "gi", "ku", "gu",  "ke",
    "ge", "ko",  "go", "sa", "za", "shi", "ji", "su", "zu", "se", "ze", "so", "zo", "ta", "da", "chi", "ji",
    "",   "tsu", "zu", "te", "de", "to",  "do", "na", "ni", "nu", "ne", "no", "ha", "ba", "pa", "hi",  "bi",
    "pi", "fu",  "bu", "pu", "he", "be",  "pe", "ho", "bo", "po", "ma", "mi", "mu", "me", "mo", "ya",  "ya",
    "yu", "yu",  "yo", "yo", "ra", "ri",  "ru", "re", "ro", "wa", "wa", "i",  "e",  "o",  "n",  "vu"};

enum script { SCRIPT_NONE, SCRIPT_HANGUL, SCRIPT_KANA, SCRIPT_OTHER };

/* A name cut into parts at spaces, hyphens and middle dots, as code points. */
struct parts {
	unsigned long cp[PARTS_MAX][CHARS_MAX];
	size_t len[PARTS_MAX], n;
	enum script script;
};

static int
is_separator(unsigned long cp)
{
	return cp == ' ' || cp == '-' || cp == '.' || cp == '\'' || cp == '\t' || cp == 0x3000 ||
	       cp == 0x30fb || cp == 0x00b7 || cp == 0x00a0;
}

static enum script
script_of(unsigned long cp)
{
	if (cp >= 0xac00 && cp <= 0xd7a3)
		return SCRIPT_HANGUL;
	if ((cp >= 0x3041 && cp <= 0x3094) || (cp >= 0x30a1 && cp <= 0x30f4) || cp == 0x30fc)
		return SCRIPT_KANA;
	return SCRIPT_OTHER;
}

/* Cuts name into parts of one script; 0 when it mixes scripts, has one with no table, or is too long. */
static int
parts_read(const char *name, struct parts *p)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t len;
	int open = 0;

	memset(p, 0, sizeof(*p));
	while (*s != '\0') {
		unsigned long cp = text_utf8_next(s, &len);
		enum script script;

		s += len;
		if (is_separator(cp)) {
			open = 0;
			continue;
		}
		script = script_of(cp);
		if (script == SCRIPT_OTHER || (p->script != SCRIPT_NONE && script != p->script))
			return 0;
		p->script = script;
		if (!open) {
			if (p->n == PARTS_MAX)
				return 0;
			p->n++;
			open = 1;
		}
		if (p->len[p->n - 1] == CHARS_MAX)
			return 0;
		p->cp[p->n - 1][p->len[p->n - 1]++] = cp;
	}
	return p->n > 0;
}

/* Appends text to out (ROMANIZE_TEXT_MAX bytes, *used of them); 0 when it does not fit. */
static int
put(char *out, size_t *used, const char *text)
{
	size_t n = strlen(text);

	if (*used + n >= ROMANIZE_TEXT_MAX)
		return 0;
	memcpy(out + *used, text, n + 1);
	*used += n;
	return 1;
}

/* Syllables cps[0 .. n - 1] by the Revised Romanization, appended to out. */
static int
hangul_put(const unsigned long *cps, size_t n, char *out, size_t *used)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned long s = cps[i] - 0xac00;

		if (!put(out, used, rr_initial[s / 588]) || !put(out, used, rr_vowel[(s % 588) / 28]) ||
		    !put(out, used, rr_final[s % 28]))
			return 0;
	}
	return 1;
}

/* Kana cps[0 .. n - 1] by Hepburn, appended to out: small ya/yu/yo join the syllable before, small tsu
 * doubles the next. */
static int
kana_put(const unsigned long *cps, size_t n, char *out, size_t *used)
{
	int doubled = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned long cp = cps[i] >= 0x30a1 && cps[i] <= 0x30f4 ? cps[i] - 0x60 : cps[i];
		const char *roman;
		char first[2];

		if (cp == 0x30fc) /* the long vowel mark: as written, the vowel once */
			continue;
		if (cp == 0x3063) { /* small tsu */
			doubled = 1;
			continue;
		}
		roman = kana[cp - 0x3041];
		if ((cp == 0x3083 || cp == 0x3085 || cp == 0x3087) && *used >= 2 && out[*used - 1] == 'i') {
			/* き+ゃ kya, し+ゃ sha, ち+ゃ cha, じ+ゃ ja: the i gives way. */
			int palatal = out[*used - 2] == 'h' || out[*used - 2] == 'j';

			out[--*used] = '\0';
			if (!put(out, used, palatal ? roman + 1 : roman))
				return 0;
			continue;
		}
		if (doubled && roman[0] != '\0') {
			first[0] = roman[0] == 'c' ? 't' : roman[0];
			first[1] = '\0';
			if (!put(out, used, first))
				return 0;
		}
		doubled = 0;
		if (!put(out, used, roman))
			return 0;
	}
	return 1;
}

/* Part i of p in Latin letters appended to out. */
static int
part_put(const struct parts *p, size_t i, char *out, size_t *used)
{
	return p->script == SCRIPT_HANGUL ? hangul_put(p->cp[i], p->len[i], out, used)
	                                  : kana_put(p->cp[i], p->len[i], out, used);
}

/* The usual spelling of the one-syllable surname cp, or NULL. */
static const char *
surname_usual(unsigned long cp)
{
	size_t i, len;

	for (i = 0; i < sizeof(surnames) / sizeof(surnames[0]); i++)
		if (text_utf8_next((const unsigned char *)surnames[i].hangul, &len) == cp)
			return surnames[i].latin;
	return NULL;
}

/* Adds form to out unless it is empty or there already. */
static void
form_add(struct romanize_forms *out, const char *form)
{
	size_t i;

	if (form[0] == '\0' || out->n == ROMANIZE_FORMS_MAX)
		return;
	for (i = 0; i < out->n; i++)
		if (strcmp(out->form[i], form) == 0)
			return;
	memcpy(out->form[out->n++], form, strlen(form) + 1);
}

/* surname then given, and given then surname, into out; surname NULL: the first part is the surname. */
static void
both_orders(struct romanize_forms *out, const char *surname, const char *given)
{
	char form[ROMANIZE_TEXT_MAX];
	size_t used = 0;

	if (put(form, &used, surname) && put(form, &used, given))
		form_add(out, form);
	used = 0;
	form[0] = '\0';
	if (put(form, &used, given) && put(form, &used, surname))
		form_add(out, form);
	explicit_bzero(form, sizeof(form));
}

void
romanize_name(const char *name, struct romanize_forms *out)
{
	struct parts parts, *p = &parts;
	char first[ROMANIZE_TEXT_MAX], rest[ROMANIZE_TEXT_MAX];
	size_t first_used = 0, rest_used = 0, i;
	const char *usual;

	memset(out, 0, sizeof(*out));
	first[0] = rest[0] = '\0';
	if (!parts_read(name, p))
		goto out;
	if (p->n == 1 && p->script == SCRIPT_HANGUL && p->len[0] >= 2 && p->len[0] <= 4) {
		/* One part: a one-syllable surname, then the given name. */
		if (!hangul_put(p->cp[0], 1, first, &first_used) ||
		    !hangul_put(p->cp[0] + 1, p->len[0] - 1, rest, &rest_used))
			goto out;
		both_orders(out, first, rest);
		if ((usual = surname_usual(p->cp[0][0])) != NULL)
			both_orders(out, usual, rest);
		goto out;
	}
	if (p->n == 2) {
		if (!part_put(p, 0, first, &first_used) || !part_put(p, 1, rest, &rest_used))
			goto out;
		both_orders(out, first, rest);
		if (p->script == SCRIPT_HANGUL && p->len[0] == 1 &&
		    (usual = surname_usual(p->cp[0][0])) != NULL)
			both_orders(out, usual, rest);
		goto out;
	}
	/* Otherwise the parts in their order, as one. */
	for (i = 0; i < p->n; i++)
		if (!part_put(p, i, first, &first_used))
			goto out;
	form_add(out, first);
out:
	explicit_bzero(first, sizeof(first));
	explicit_bzero(rest, sizeof(rest));
	explicit_bzero(p, sizeof(*p));
}
