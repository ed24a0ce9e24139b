/*
 * page_program_words.c -- a refusal of the program parser (programs.h) in
 * the page's language.  The parser words its errors in English for the
 * command line and the API; a program pasted or written in the editor is
 * refused on a page, in Korean or Japanese.  Each English message is
 * matched against the patterns below, which are also the msgids of the
 * catalogues (po/): "%1$s" ... "%5$s" stand for the parts that vary (a
 * field's name, a value, a limit), kept as they are and put where the
 * translation puts them.  A message that matches no pattern is kept in
 * English after a sentence in the page's language.
 */
#include <string.h>

#include "http/page.h"

#define WORDS_CAPTURES 6     /* %1$s ... %5$s; [0] unused */
#define WORDS_DEPTH    2     /* a pattern's part that is itself a message, translated once more */
#define WORDS_STEPS    20000 /* tries of one pattern against one message: quoted values cannot make it slow */

struct capture {
	const char *at;
	size_t len;
};

/*
 * Patterns, most specific first; nested names the part that is a message
 * of its own (0: none); inner patterns are jansson's, read only inside a
 * syntax error's message.
 */
static const struct {
	const char *msgid;
	int nested;
	int inner;
} patterns[] = {
    {N_("1:1: a program file is one JSON object"), 0, 0},
    {N_("field '%1$s': account codes starting with '%2$s' are the ledger's own"), 0, 0},
    {N_("field 'accounts': fund, payable and expense must be three different accounts"), 0, 0},
    {N_("field '%1$s' is negative"), 0, 0},
    {N_("field 'benefits': survivor and bereaved are both zero and there are no 'harms' or 'services': the "
        "program would pay nothing"),
     0, 0},
    {N_("field 'approvals' is %1$s; it must be %2$s to %3$s (different reviewers approve a claim: four eyes "
        "at least)"),
     0, 0},
    {N_("unknown field '%1$s' (the fields of %2$s are: %3$s)"), 0, 0},
    {N_("unknown field '%1$s' (the fields are: %2$s)"), 0, 0},
    {N_("unknown field '%1$s'"), 0, 0},
    {N_("field '%1$s' is missing: a harm is named for the people it is read to"), 0, 0},
    {N_("field '%1$s' is missing: say whether the schedule stops (\"stop\") or passes to her heirs "
        "(\"heirs\")"),
     0, 0},
    {N_("field '%1$s' is missing"), 0, 0},
    {N_("field '%1$s' must be a string"), 0, 0},
    {N_("field '%1$s' must be a whole number"), 0, 0},
    {N_("field '%1$s' must be an object"), 0, 0},
    {N_("field '%1$s' must be a list"), 0, 0},
    {N_("field '%1$s' holds a NUL character"), 0, 0},
    {N_("field '%1$s' is %2$s bytes long; the limit is %3$s"), 0, 0},
    {N_("the program file is %1$s bytes; the limit is %2$s"), 0, 0},
    {N_("field '%1$s' must be an object of names by language (\"ko\", \"ja\", \"en\")"), 0, 0},
    {N_("field '%1$s' names nothing: give ko, ja or en"), 0, 0},
    {N_("field '%1$s' is '%2$s': at most %3$s digits after the point"), 0, 0},
    {N_("field '%1$s' is '%2$s': more than 999999999 units"), 0, 0},
    {N_("field '%1$s' is zero"), 0, 0},
    {N_("field '%1$s' is '%2$s': a quantity is decimal text such as \"40\" or \"17.5\""), 0, 0},
    {N_("field '%1$s' must be an amount in %2$s (\"1000000\") or a quantity of a unit ({\"unit\": \"...\", "
        "\"quantity\": \"40\"})"),
     0, 0},
    {N_("field '%1$s' is '%2$s', which is not in 'units' (declare it there first)"), 0, 0},
    {N_("field '%1$s' has %2$s units; the limit is %3$s"), 0, 0},
    {N_("field '%1$s' has %2$s harms; the limit is %3$s"), 0, 0},
    {N_("field '%1$s' has %2$s services; the limit is %3$s"), 0, 0},
    {N_("field '%1$s' has %2$s entries; the limit is %3$s"), 0, 0},
    {N_("field '%1$s' has %2$s values; the limit is %3$s"), 0, 0},
    {N_("field '%1$s.code': unit '%2$s' is declared twice"), 0, 0},
    {N_("field '%1$s.code': service '%2$s' is declared twice"), 0, 0},
    {N_("field '%1$s.code': harm '%2$s' is declared twice (also harms[%3$s])"), 0, 0},
    {N_("field '%1$s' must be a list of {\"from\": \"YYYY-MM-DD\", \"amount\": ...}, at least one"), 0, 0},
    {N_("field '%1$s' is %2$s, not after the entry before it (%3$s): list the values oldest first, one per "
        "date"),
     0, 0},
    {N_("field '%1$s' must be a list of harms, at least one"), 0, 0},
    {N_("field '%1$s' must be one of %2$s"), 0, 0},
    {N_("field '%1$s' must be a whole number of instalments, 1 to %2$s"), 0, 0},
    {N_("field '%1$s' must be a whole number of months, 1 to 120"), 0, 0},
    {N_("field '%1$s' must be a whole number of days, 1 to 366: how long before a payment a proof of life "
        "counts"),
     0, 0},
    {N_("field '%1$s' must be an object: {\"person\": ..., \"family\": ...}"), 0, 0},
    {N_("field '%1$s' must be a list of \"frailty\" and \"age\", most important first"), 0, 0},
    {N_("field '%1$s': '%2$s' is listed twice"), 0, 0},
    {N_("field '%1$s' must be {\"paid_by\": \"PROGRAM\"} or {\"receives\": \"BENEFIT\"}"), 0, 0},
    {N_("field '%1$s.paid_by' names the program itself"), 0, 0},
    {N_("field 'combine' without 'harms': nothing to combine"), 0, 0},
    {N_("field 'benefits': a program with 'harms' pays by harm; leave 'benefits' out"), 0, 0},
    {N_("field '%1$s': unit '%2$s' is counted in by no harm or cap"), 0, 0},
    {N_("field '%1$s' (%2$s) is shorter than the time between two instalments (%3$s): a proof before each "
        "payment is enough"),
     0, 0},
    {N_("field '%1$s' is empty"), 0, 0},
    {N_("field '%1$s' has a control character at byte %2$s"), 0, 0},
    {N_("field '%1$s' is not valid UTF-8"), 0, 0},
    {N_("field '%1$s' '%2$s...' is longer than %3$s characters"), 0, 0},
    {N_("field '%1$s' is %2$s characters long; the limit is %3$s"), 0, 0},
    {N_("field '%1$s' is longer than %2$s characters"), 0, 0},
    {N_("field '%1$s' has a byte 0x%2$s at position %3$s: use letters, digits and '%4$s'"), 0, 0},
    {N_("field '%1$s' '%2$s' has '%3$s' at position %4$s: use letters, digits and '%5$s', starting with a "
        "letter or digit"),
     0, 0},
    {N_("unknown currency '%1$s': give an ISO 4217 code such as KRW, JPY, USD or EUR"), 0, 0},
    {N_("field '%1$s' is not a date written YYYY-MM-DD"), 0, 0},
    {N_("field '%1$s' has a year outside 1900 to 2199"), 0, 0},
    {N_("field '%1$s' has month %2$s: months are 01 to 12"), 0, 0},
    {N_("field '%1$s' has day %2$s, which its month does not have"), 0, 0},
    {N_("field '%1$s': %2$s"), 2, 0},
    {N_("a field is not valid text"), 0, 0},
    {N_("amount is empty"), 0, 0},
    {N_("amount '%1$s' is not a decimal number (misplaced '.')"), 0, 0},
    {N_("amount has a byte 0x%1$s at position %2$s: use digits and at most one '.'"), 0, 0},
    {N_("amount '%1$s' has '%2$s' at position %3$s: use digits and at most one '.'"), 0, 0},
    {N_("amount '%1$s' has more than %2$s decimal places for %3$s"), 0, 0},
    {N_("amount '%1$s' is too large"), 0, 0},
    {N_("amount '%1$s' ends in '.'"), 0, 0},
    {N_("program '%1$s' already exists (added by event %2$s); a new version of it is proposed by one admin "
        "('redress program add --file') and approved by another"),
     0, 0},
    /* jansson's words for a syntax error (after "LINE:COLUMN: ") */
    {N_("%1$s near '%2$s'"), 1, 1},
    {N_("%1$s near end of file"), 1, 1},
    {N_("'[' or '{' expected"), 0, 1},
    {N_("string or '}' expected"), 0, 1},
    {N_("':' expected"), 0, 1},
    {N_("'}' expected"), 0, 1},
    {N_("']' expected"), 0, 1},
    {N_("',' or '}' expected"), 0, 1},
    {N_("',' or ']' expected"), 0, 1},
    {N_("unexpected token"), 0, 1},
    {N_("invalid token"), 0, 1},
    {N_("end of file expected"), 0, 1},
    {N_("premature end of input"), 0, 1},
    {N_("unexpected newline"), 0, 1},
    {N_("duplicate object key"), 0, 1},
    {N_("invalid escape"), 0, 1},
};

/* A jansson syntax error as the parser words it ("3:5: TEXT"); the words the page shows. */
static const char syntax_msgid[] = N_("line %1$s, column %2$s: %3$s");
static const char fallback_msgid[] = N_("The program was refused: %1$s");

/* The placeholder "%N$s" at s: N (1 to 5), else 0. */
static int
placeholder(const char *s)
{
	return s[0] == '%' && s[1] >= '1' && s[1] <= '5' && s[2] == '$' && s[3] == 's' ? s[1] - '0' : 0;
}

/*
 * Whether text matches pattern in full, each placeholder one or more bytes
 * (shortest first); no, once *steps tries are spent.
 */
static int
match(const char *pat, const char *text, struct capture *caps, unsigned *steps)
{
	size_t len, max;
	int n;

	for (; (n = placeholder(pat)) == 0; pat++, text++) {
		if (*pat == '\0')
			return *text == '\0';
		if (*pat != *text)
			return 0;
	}
	max = strlen(text);
	for (len = 1; len <= max; len++) {
		if ((*steps)++ >= WORDS_STEPS)
			return 0;
		caps[n].at = text;
		caps[n].len = len;
		if (match(pat + 4, text + len, caps, steps))
			return 1;
	}
	return 0;
}

/* "L:C: TEXT" with L and C digits: the three parts. */
static int
syntax_error(const char *text, struct capture *caps)
{
	int k;

	for (k = 1; k <= 2; k++) {
		caps[k].at = text;
		caps[k].len = strspn(text, "0123456789");
		if (caps[k].len == 0 || text[caps[k].len] != ':')
			return 0;
		text += caps[k].len + 1;
	}
	if (*text != ' ')
		return 0;
	caps[3].at = text + 1;
	caps[3].len = strlen(text + 1);
	return caps[3].len > 0;
}

static void words(struct buf *out, enum i18n_lang lang, const char *message, size_t len, int depth);

/* The translation of msgid with its placeholders replaced by the captured parts. */
static void
fill(struct buf *out, enum i18n_lang lang, const char *msgid, const struct capture *caps, int nested,
     int depth)
{
	const char *s = i18n_get(lang, msgid);
	int n;

	while (*s != '\0') {
		if ((n = placeholder(s)) != 0 && caps[n].at != NULL) {
			if (n == nested)
				words(out, lang, caps[n].at, caps[n].len, depth + 1);
			else
				buf_append(out, caps[n].at, caps[n].len);
			s += 4;
		} else
			buf_putc(out, *s++);
	}
}

static void
words(struct buf *out, enum i18n_lang lang, const char *message, size_t len, int depth)
{
	struct capture caps[WORDS_CAPTURES];
	char text[REDRESS_ERROR_MAX];
	size_t i;

	if (len >= sizeof(text))
		len = sizeof(text) - 1;
	memcpy(text, message, len);
	text[len] = '\0';
	if (lang == I18N_EN || depth > WORDS_DEPTH) {
		buf_puts(out, text);
		return;
	}
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		unsigned steps = 0;

		memset(caps, 0, sizeof(caps));
		if ((!patterns[i].inner || depth > 0) && match(patterns[i].msgid, text, caps, &steps)) {
			fill(out, lang, patterns[i].msgid, caps, patterns[i].nested, depth);
			return;
		}
	}
	memset(caps, 0, sizeof(caps));
	if (syntax_error(text, caps)) {
		fill(out, lang, syntax_msgid, caps, 3, depth);
		return;
	}
	caps[1].at = text;
	caps[1].len = len;
	fill(out, lang, depth == 0 ? fallback_msgid : "%1$s", caps, 0, depth);
}

/* program_parse's note that a file has more errors than the one it names (programs.h). */
static const char more_msgid[] = N_("%1$s (and %2$s more errors)");

void
page_program_error(struct buf *out, enum i18n_lang lang, const char *message)
{
	static const char open[] = " (and ", close[] = " more errors)";
	struct capture caps[WORDS_CAPTURES];
	const char *tail = strstr(message, open);
	size_t len = strlen(message), digits;

	/* "FIRST (and N more errors)": the first translated, then how many more. */
	if (tail != NULL && len > strlen(close) && strcmp(message + len - strlen(close), close) == 0) {
		digits = (size_t)(message + len - strlen(close) - (tail + strlen(open)));
		if (digits > 0 && strspn(tail + strlen(open), "0123456789") == digits) {
			memset(caps, 0, sizeof(caps));
			caps[1].at = message;
			caps[1].len = (size_t)(tail - message);
			caps[2].at = tail + strlen(open);
			caps[2].len = digits;
			fill(out, lang, more_msgid, caps, 1, 0);
			return;
		}
	}
	words(out, lang, message, len, 0);
}
