/*
 * fuzz_romanize.c -- libFuzzer target for the Latin forms of a name
 * (core/romanize.c), which reads every name registered or imported.
 *
 * Each input, NUL-terminated, is romanized.  Besides crashes and undefined
 * behaviour, the target aborts when an answer breaks romanize.h's promise:
 * at most ROMANIZE_FORMS_MAX forms, each non-empty, of lowercase a-z only,
 * terminated within ROMANIZE_TEXT_MAX, no two alike; and none at all for
 * a name with no Hangul or kana in it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/romanize.h"
#include "core/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when text holds a Hangul syllable or a kana, read as romanize reads it (core/text.h). */
static int
may_have_hangul_or_kana(const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned long cp;
	size_t len;

	for (; *s != '\0'; s += len) {
		cp = text_utf8_next(s, &len);
		if ((cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0x3041 && cp <= 0x30fc))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct romanize_forms forms;
	char *name = malloc(size + 1);
	size_t i, j, len;

	if (name == NULL)
		return 0;
	memcpy(name, data, size);
	name[size] = '\0';
	romanize_name(name, &forms);
	if (forms.n > ROMANIZE_FORMS_MAX || (forms.n > 0 && !may_have_hangul_or_kana(name)))
		abort();
	for (i = 0; i < forms.n; i++) {
		len = strnlen(forms.form[i], ROMANIZE_TEXT_MAX);
		if (len == 0 || len == ROMANIZE_TEXT_MAX)
			abort();
		for (j = 0; j < len; j++)
			if (forms.form[i][j] < 'a' || forms.form[i][j] > 'z')
				abort();
		for (j = 0; j < i; j++)
			if (strcmp(forms.form[i], forms.form[j]) == 0)
				abort();
	}
	free(name);
	return 0;
}
