/*
 * romanize.h -- a name in Hangul or kana written in Latin letters, by
 * documented tables, so that one woman registered once as 김복동 and once
 * as "Kim Bok-dong" is found a suspected duplicate (domain/registry's
 * duplicate keys) without anyone opening either file.
 *
 * Hangul: the Revised Romanization of Korean (Ministry of Culture and
 * Tourism, notice 2000-8), syllable by syllable and without the sound
 * changes between syllables (its rule for personal names), and beside it
 * the spelling most Korean surnames are written with in passports and
 * letters (Kim, Lee, Park, ... where the Revised Romanization gives Gim,
 * I, Bak: the table is in romanize.c).  Kana: modified Hepburn in ASCII
 * (long vowels as written, ー dropped), hiragana and katakana alike.
 * Kanji have no table -- a name's reading is the person's, not a
 * dictionary's -- so a name holding kanji, or any letter that is not
 * Latin, Hangul or kana, has no Latin form here.
 */
#ifndef REDRESS_CORE_ROMANIZE_H
#define REDRESS_CORE_ROMANIZE_H

#include <stddef.h>

#define ROMANIZE_FORMS_MAX 4
#define ROMANIZE_TEXT_MAX  512 /* bytes of a form, with its NUL */

/* The Latin forms of one name: form[0 .. n - 1], lowercase a-z only, each different. */
struct romanize_forms {
	char form[ROMANIZE_FORMS_MAX][ROMANIZE_TEXT_MAX];
	size_t n;
};

/*
 * The Latin forms of name (UTF-8) into out; none (out->n 0) when name has
 * no Hangul or kana, or has a letter with no table.  Spaces, hyphens and
 * middle dots separate parts and are dropped.  A Korean name written as
 * one part of two to four syllables is read as a one-syllable surname and
 * a given name: its forms are the Revised Romanization, the same with the
 * surname's usual spelling, and each with the surname last (as documents
 * in Latin letters often write it).  A name in two parts gives both
 * orders.  The caller wipes out when the name is personal data.
 */
void romanize_name(const char *name, struct romanize_forms *out);

#endif
