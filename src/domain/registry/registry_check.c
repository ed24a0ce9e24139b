/*
 * registry_check.c -- what each registry field may hold: names of kinds,
 * statuses and wishes, pseudonyms, dates, shares, scopes, and the national
 * id as the blind index normalises it.  Commands, the CSV parser and the
 * event decoders all check through here, so the log never carries what a
 * command would refuse.
 *
 * Messages name the field, never its value when the value is personal
 * (a name, a birth date, a national id): they may end up in a terminal's
 * scrollback or a log.
 */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/text.h"
#include "domain/registry/registry_int.h"

static const char *const kind_names[] = {[REGISTRY_VICTIM] = "victim", [REGISTRY_RELATIVE] = "relative"};
static const char kind_letters[] = {[REGISTRY_VICTIM] = 'V', [REGISTRY_RELATIVE] = 'R'};
static const char *const status_names[] = {
    [REGISTRY_ALIVE] = "alive", [REGISTRY_DECEASED] = "deceased", [REGISTRY_ERASED] = "erased"};
static const char *const wish_names[] = {[REGISTRY_WISH_NONE] = "none",
                                         [REGISTRY_WISH_ACCEPT] = "accept",
                                         [REGISTRY_WISH_DECLINE] = "decline",
                                         [REGISTRY_WISH_UNDECIDED] = "undecided"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *
registry_kind_name(enum registry_kind kind)
{
	return (size_t)kind < COUNT(kind_names) ? kind_names[kind] : "?";
}

const char *
registry_status_name(enum registry_status status)
{
	return (size_t)status < COUNT(status_names) ? status_names[status] : "?";
}

const char *
registry_wish_name(enum registry_wish wish)
{
	return (size_t)wish < COUNT(wish_names) ? wish_names[wish] : "?";
}

/* The index of text in names, or -1. */
static int
name_index(const char *const *names, size_t n, const char *text)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], text) == 0)
			return (int)i;
	return -1;
}

enum redress_err
registry_kind_parse(const char *text, enum registry_kind *kind_r, struct redress_error *err)
{
	int i = name_index(kind_names, COUNT(kind_names), text);

	if (i < 0)
		return error_set(err, REDRESS_E_INVALID, "kind '%.32s' is not victim or relative", text);
	*kind_r = (enum registry_kind)i;
	return REDRESS_OK;
}

enum redress_err
registry_status_parse(const char *text, enum registry_status *status_r, struct redress_error *err)
{
	int i = name_index(status_names, COUNT(status_names), text);

	if (i < 0)
		return error_set(err, REDRESS_E_INVALID, "status '%.32s' is not alive, deceased or erased",
		                 text);
	*status_r = (enum registry_status)i;
	return REDRESS_OK;
}

enum redress_err
registry_wish_parse(const char *text, enum registry_wish *wish_r, struct redress_error *err)
{
	int i = name_index(wish_names, COUNT(wish_names), text);

	/* "none" is what the registry says of someone never consulted, not a wish to record. */
	if (i <= 0)
		return error_set(err, REDRESS_E_INVALID, "wish '%.32s' is not accept, decline or undecided",
		                 text);
	*wish_r = (enum registry_wish)i;
	return REDRESS_OK;
}

void
registry_pseudonym_format(enum registry_kind kind, uint64_t number, char out[REGISTRY_PSEUDONYM_MAX + 1])
{
	snprintf(out, REGISTRY_PSEUDONYM_MAX + 1, "%c-%06llu", kind_letters[kind == REGISTRY_RELATIVE],
	         (unsigned long long)number);
}

enum redress_err
registry_pseudonym_parse(const char *text, enum registry_kind *kind_r, uint64_t *number_r,
                         struct redress_error *err)
{
	char again[REGISTRY_PSEUDONYM_MAX + 1];
	enum registry_kind kind;
	uint64_t number = 0;
	size_t i, len = strlen(text);

	if (len < 8 || len > REGISTRY_PSEUDONYM_MAX || (text[0] != 'V' && text[0] != 'R') || text[1] != '-')
		goto bad;
	for (i = 2; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			goto bad;
		number = number * 10 + (uint64_t)(text[i] - '0');
	}
	kind = text[0] == 'V' ? REGISTRY_VICTIM : REGISTRY_RELATIVE;
	registry_pseudonym_format(kind, number, again);
	/* One spelling per person: V-000042, never V-0000042. */
	if (number == 0 || number > REGISTRY_NUMBER_MAX || strcmp(again, text) != 0)
		goto bad;
	*kind_r = kind;
	*number_r = number;
	return REDRESS_OK;
bad:
	return error_set(
	    err, REDRESS_E_INVALID,
	    "a pseudonym is V-000042 (a victim) or R-000007 (a relative): 'V' or 'R', '-', six digits");
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
registry_date_year(const char *date)
{
	return (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
}

enum redress_err
registry_date_check(const char *what, const char *date, struct redress_error *err)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d, i;

	if (date == NULL || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return error_set(err, REDRESS_E_INVALID, "%s is not a date written YYYY-MM-DD", what);
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return error_set(err, REDRESS_E_INVALID, "%s is not a date written YYYY-MM-DD", what);
	y = registry_date_year(date);
	m = (date[5] - '0') * 10 + (date[6] - '0');
	d = (date[8] - '0') * 10 + (date[9] - '0');
	if (y < 1900 || y > 2199)
		return error_set(err, REDRESS_E_INVALID, "%s has a year outside 1900 to 2199", what);
	if (m < 1 || m > 12)
		return error_set(err, REDRESS_E_INVALID, "%s has month %02d: months are 01 to 12", what, m);
	if (d < 1 || d > days[m - 1] + (m == 2 && leap(y)))
		return error_set(err, REDRESS_E_INVALID, "%s has day %02d, which its month does not have",
		                 what, d);
	return REDRESS_OK;
}

void
registry_today(char out[11])
{
	char now[CLOCK_TEXT_SIZE];

	clock_now_text(now);
	memcpy(out, now, 10);
	out[10] = '\0';
}

enum redress_err
registry_region_check(const char *region, struct redress_error *err)
{
	size_t i, len = strlen(region);

	if (len == 0 || len > REGISTRY_REGION_MAX)
		return error_set(err, REDRESS_E_INVALID, "region must be 1 to %d characters",
		                 REGISTRY_REGION_MAX);
	for (i = 0; i < len; i++) {
		char c = region[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return error_set(
			    err, REDRESS_E_INVALID,
			    "region has a character other than letters, digits and '-' at position %zu",
			    i + 1);
	}
	return REDRESS_OK;
}

enum redress_err
registry_language_check(const char *language, struct redress_error *err)
{
	if (strcmp(language, "ko") == 0 || strcmp(language, "ja") == 0 || strcmp(language, "en") == 0)
		return REDRESS_OK;
	return error_set(err, REDRESS_E_INVALID, "language '%.16s' is not ko, ja or en", language);
}

enum redress_err
registry_frailty_check(int64_t frailty, struct redress_error *err)
{
	if (frailty >= 0 && frailty <= 3)
		return REDRESS_OK;
	return error_set(err, REDRESS_E_INVALID, "frailty %lld is not 0, 1, 2 or 3", (long long)frailty);
}

enum redress_err
registry_birth_year_check(int64_t year, struct redress_error *err)
{
	if (year >= 1900 && year <= 2199)
		return REDRESS_OK;
	return error_set(err, REDRESS_E_INVALID, "birth year %lld is outside 1900 to 2199", (long long)year);
}

enum redress_err
registry_scope_check(const char *scope, struct redress_error *err)
{
	enum redress_err rc;

	if (strcmp(scope, "processing") == 0 || strcmp(scope, "statistics") == 0 ||
	    strcmp(scope, "contact") == 0)
		return REDRESS_OK;
	if (strncmp(scope, "share:", 6) == 0) {
		if ((rc = text_check_id("the party of a share: scope", scope + 6, REGISTRY_PARTY_MAX, "._-",
		                        err)) != REDRESS_OK)
			return rc;
		return REDRESS_OK;
	}
	return error_set(err, REDRESS_E_INVALID,
	                 "scope '%.80s' is not processing, statistics, contact or share:PARTY", scope);
}

/* The code point of the UTF-8 sequence at s (its length in *len_r), or -1 when it is not one of 2 or 3 bytes.
 */
static long
relation_code_point(const unsigned char *s, size_t *len_r)
{
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*len_r = 2;
		return ((long)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*len_r = 3;
		return ((long)(s[0] & 0x0f) << 12) | ((long)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	return -1;
}

enum redress_err
registry_relation_check(const char *relation, struct redress_error *err)
{
	/*
	 * One word ("daughter", "조카", "娘", "めい"): letters of Latin, Hangul,
	 * kana or kanji, digits, '-' and '_', at most REGISTRY_RELATION_MAX
	 * bytes; no space nor punctuation, so that it stays a word, not a
	 * sentence about the person.
	 */
	const unsigned char *s = (const unsigned char *)relation;
	size_t i = 0, len, n;
	long cp;

	if (relation == NULL || *relation == '\0')
		return error_set(err, REDRESS_E_INVALID, "relation is empty");
	if ((len = strlen(relation)) > REGISTRY_RELATION_MAX)
		return error_set(err, REDRESS_E_INVALID, "relation is longer than %d bytes",
		                 REGISTRY_RELATION_MAX);
	while (i < len) {
		unsigned char c = s[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    (i > 0 && (c == '-' || c == '_'))) {
			i++;
			continue;
		}
		cp = c >= 0x80 ? relation_code_point(s + i, &n) : -1;
		if ((cp >= 0xac00 && cp <= 0xd7a3) ||                 /* Hangul syllables */
		    (cp >= 0x3041 && cp <= 0x3096) ||                 /* hiragana */
		    (cp >= 0x30a1 && cp <= 0x30fa) || cp == 0x30fc || /* katakana, the long vowel mark */
		    (cp >= 0x4e00 && cp <= 0x9fff)) {                 /* kanji (CJK unified ideographs) */
			i += n;
			continue;
		}
		if (c >= 0x20 && c < 0x7f)
			return error_set(
			    err, REDRESS_E_INVALID,
			    "relation '%.40s' has '%c' at byte %zu: use one word of letters (Latin, "
			    "Hangul, kana, kanji), digits, '-' and '_'",
			    relation, c, i + 1);
		return error_set(
		    err, REDRESS_E_INVALID,
		    "relation has a character at byte %zu that is not a letter (Latin, Hangul, kana, "
		    "kanji), a digit, '-' or '_'",
		    i + 1);
	}
	return REDRESS_OK;
}

/* 128-bit integers, a GCC and Clang extension, for products of two int64 values. */
__extension__ typedef __int128 wide;

static wide
gcd_wide(wide a, wide b)
{
	while (b != 0) {
		wide t = a % b;

		a = b;
		b = t;
	}
	return a;
}

enum redress_err
registry_share_check(int64_t num, int64_t den, struct redress_error *err)
{
	if (den < 1 || den > REGISTRY_SHARE_DEN_MAX || num < 1 || num > den)
		return error_set(err, REDRESS_E_INVALID,
		                 "a share is P/Q with 0 < P <= Q <= %d, not %lld/%lld",
		                 REGISTRY_SHARE_DEN_MAX, (long long)num, (long long)den);
	if (gcd_wide(num, den) != 1)
		return error_set(err, REDRESS_E_INVALID, "share %lld/%lld is not reduced", (long long)num,
		                 (long long)den);
	return REDRESS_OK;
}

enum redress_err
registry_share_parse(const char *text, int64_t *num_r, int64_t *den_r, struct redress_error *err)
{
	char part[32];
	const char *slash = strchr(text, '/');
	unsigned long long num, den;
	struct redress_error e;
	int64_t g;
	size_t len;

	if (slash == NULL || (len = (size_t)(slash - text)) == 0 || len >= sizeof(part))
		goto bad;
	memcpy(part, text, len);
	part[len] = '\0';
	if (text_parse_u64("share", part, &num, &e) != REDRESS_OK ||
	    text_parse_u64("share", slash + 1, &den, &e) != REDRESS_OK)
		goto bad;
	if (num == 0 || den == 0 || den > REGISTRY_SHARE_DEN_MAX || num > den)
		return error_set(err, REDRESS_E_INVALID, "share '%.32s' must be P/Q with 0 < P <= Q <= %d",
		                 text, REGISTRY_SHARE_DEN_MAX);
	g = (int64_t)gcd_wide((wide)num, (wide)den);
	*num_r = (int64_t)num / g;
	*den_r = (int64_t)den / g;
	return REDRESS_OK;
bad:
	return error_set(err, REDRESS_E_INVALID, "share '%.32s' is not a fraction P/Q such as 1/3", text);
}

enum redress_err
registry_share_add(int64_t *sum_num, int64_t *sum_den, int64_t num, int64_t den, struct redress_error *err)
{
	wide n, d, g;

	/* Both fractions are non-negative with denominators >= 1: each product fits 127 bits. */
	n = (wide)*sum_num * den + (wide)num * *sum_den;
	d = (wide)*sum_den * den;
	g = gcd_wide(n, d);
	if (g > 1) {
		n /= g;
		d /= g;
	}
	if (n > INT64_MAX || d > INT64_MAX)
		return error_set(err, REDRESS_E_OVERFLOW, "the heirs' shares are too fine to add up exactly");
	*sum_num = (int64_t)n;
	*sum_den = (int64_t)d;
	return REDRESS_OK;
}

/* Appends the UTF-8 character at s (len bytes) to out as the index sees it; returns bytes consumed. */
static size_t
normalise_char(const unsigned char *s, char *out, size_t *n)
{
	unsigned cp;

	if (s[0] < 0x80) {
		if (s[0] != ' ' && s[0] != '-')
			out[(*n)++] = (char)(s[0] >= 'a' && s[0] <= 'z' ? s[0] - 'a' + 'A' : s[0]);
		return 1;
	}
	if ((s[0] & 0xf0) == 0xe0 && s[1] != 0 && s[2] != 0) {
		cp = ((unsigned)(s[0] & 0x0f) << 12) | ((unsigned)(s[1] & 0x3f) << 6) | (s[2] & 0x3f);
		/* Ideographic space, hyphens and dashes, full-width hyphen-minus: dropped. */
		if (cp == 0x3000 || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xff0d)
			return 3;
		/* Full-width digits and letters, as typed with an East Asian input method. */
		if ((cp >= 0xff10 && cp <= 0xff19) || (cp >= 0xff21 && cp <= 0xff3a)) {
			out[(*n)++] = (char)(cp - 0xff10 + '0');
			return 3;
		}
		if (cp >= 0xff41 && cp <= 0xff5a) {
			out[(*n)++] = (char)(cp - 0xff41 + 'A');
			return 3;
		}
		memcpy(out + *n, s, 3);
		*n += 3;
		return 3;
	}
	out[(*n)++] = (char)s[0];
	return 1;
}

enum redress_err
registry_id_normalise(const char *id, char out[REGISTRY_FIELD_MAX + 1], struct redress_error *err)
{
	const unsigned char *s = (const unsigned char *)id;
	size_t n = 0, len = strlen(id), i = 0;

	if (len > REGISTRY_FIELD_MAX)
		return error_set(err, REDRESS_E_INVALID, "national id is longer than %d bytes",
		                 REGISTRY_FIELD_MAX);
	/* Never longer than the input: every step writes at most what it reads. */
	while (i < len)
		i += normalise_char(s + i, out, &n);
	out[n] = '\0';
	if (n == 0)
		return error_set(err, REDRESS_E_INVALID, "national id holds no letter or digit");
	return REDRESS_OK;
}

static enum redress_err
optional_text(const char *what, const char *s, size_t max, struct redress_error *err)
{
	return s[0] == '\0' ? REDRESS_OK : text_check(what, s, max, err);
}

enum redress_err
registry_new_person_check(const struct registry_new_person *p, const char **field_r,
                          struct redress_error *err)
{
	char today[11], norm[REGISTRY_FIELD_MAX + 1];
	const struct registry_identity *id = &p->identity;
	enum redress_err rc;

	/* Each check first names its field, so that a failure leaves *field_r on it. */
	*field_r = "kind";
	if (p->kind != REGISTRY_VICTIM && p->kind != REGISTRY_RELATIVE)
		return error_set(err, REDRESS_E_INVALID, "kind must be victim or relative");
	*field_r = "name";
	if ((rc = text_check("name", id->name, REGISTRY_NAME_MAX, err)) != REDRESS_OK)
		return rc;
	*field_r = "birth_date";
	if ((rc = registry_date_check("birth date", id->birth_date, err)) != REDRESS_OK)
		return rc;
	registry_today(today);
	if (strcmp(id->birth_date, today) > 0)
		return error_set(err, REDRESS_E_INVALID, "birth date is in the future");
	*field_r = "national_id";
	if ((rc = optional_text("national id", id->national_id, REGISTRY_FIELD_MAX, err)) != REDRESS_OK ||
	    (id->national_id[0] != '\0' &&
	     (rc = registry_id_normalise(id->national_id, norm, err)) != REDRESS_OK))
		return rc;
	*field_r = "phone";
	if ((rc = optional_text("phone", id->phone, REGISTRY_FIELD_MAX, err)) != REDRESS_OK)
		return rc;
	*field_r = "address";
	if ((rc = optional_text("address", id->address, REGISTRY_FIELD_MAX, err)) != REDRESS_OK)
		return rc;
	*field_r = "region";
	if (p->region[0] != '\0' && (rc = registry_region_check(p->region, err)) != REDRESS_OK)
		return rc;
	*field_r = "language";
	if (p->language[0] != '\0' && (rc = registry_language_check(p->language, err)) != REDRESS_OK)
		return rc;
	*field_r = "frailty";
	return registry_frailty_check(p->frailty, err);
}
