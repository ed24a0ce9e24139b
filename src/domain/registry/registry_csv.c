/*
 * registry_csv.c -- the person file that `person import` reads, parsed
 * with libcsv (strict RFC 4180 quoting) into checked struct
 * registry_new_person rows.  No database: the fuzz target calls it alone.
 *
 * libcsv reports fields and row ends but not where they are, so the input
 * is fed one line at a time and the line a row starts on is noted as it
 * starts.  A quoted field may run over several lines; its row is named by
 * its first.
 *
 * The cells hold personal data in clear: they are wiped after each row, and
 * no message quotes a cell's value.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"
#include "core/text.h"
#include "domain/registry/registry_int.h"

enum column {
	COL_KIND,
	COL_NAME,
	COL_BIRTH_DATE,
	COL_NATIONAL_ID,
	COL_PHONE,
	COL_ADDRESS,
	COL_REGION,
	COL_LANGUAGE,
	COL_FRAILTY,
	NCOLUMNS,
};

static const char *const column_names[NCOLUMNS] = {"kind",    "name",   "birth_date", "national_id", "phone",
                                                   "address", "region", "language",   "frailty"};

/* The longest value each column may hold, in bytes. */
static const size_t column_max[NCOLUMNS] = {8,
                                            REGISTRY_NAME_MAX,
                                            REGISTRY_FIELD_MAX,
                                            REGISTRY_FIELD_MAX,
                                            REGISTRY_FIELD_MAX,
                                            REGISTRY_FIELD_MAX,
                                            REGISTRY_REGION_MAX,
                                            2,
                                            1};

/* A national id seen in the file, and where. */
struct seen_id {
	size_t line;
	char norm[]; /* the key in the map */
};

struct csv_state {
	const char *name; /* the file, for messages */
	enum redress_err (*fn)(void *ctx, size_t line, size_t offset, const struct registry_new_person *p,
	                       struct redress_error *err);
	void *ctx;
	size_t line;     /* the line being fed, from 1 */
	size_t row_line; /* the line the current row started on */
	size_t offset;   /* bytes fed so far */
	int in_row;      /* a field of the current row has been seen */
	int header_done;
	int map[NCOLUMNS]; /* header position -> column */
	size_t ncolumns;   /* positions in the header */
	size_t field;      /* fields seen in the current row */
	struct {
		char v[NCOLUMNS][REGISTRY_FIELD_MAX + 1];
	} cells; /* the current row's cells, by column */
	struct registry_new_person person;
	struct strmap ids; /* normalised national id -> struct seen_id */
	enum redress_err rc;
	struct redress_error *err;
};

/* Records the first error (later callbacks then do nothing). */
static void
fail_row(struct csv_state *st, const char *column, const struct redress_error *why)
{
	if (column != NULL)
		error_set(st->err, why->code, "%s: line %zu, field '%s': %s", st->name, st->row_line, column,
		          why->message);
	else
		error_set(st->err, why->code, "%s: line %zu: %s", st->name, st->row_line, why->message);
	st->rc = why->code;
}

/* A header cell that is a plain lower-case word, and so may be quoted back (a data cell never is). */
static int
is_word(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 32)
		return 0;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return 0;
	return 1;
}

static void
header_cell(struct csv_state *st, const char *s, size_t len)
{
	struct redress_error e;
	size_t f = st->field, c, i;

	for (c = 0; c < NCOLUMNS; c++)
		if (strlen(column_names[c]) == len && memcmp(column_names[c], s, len) == 0)
			break;
	if (c == NCOLUMNS) {
		if (is_word(s, len))
			error_set(&e, REDRESS_E_INVALID,
			          "unknown column '%.*s' (the columns are kind, name, birth_date, "
			          "national_id, phone,"
			          " address, region, language, frailty)",
			          (int)len, s);
		else
			error_set(&e, REDRESS_E_INVALID,
			          "header cell %zu is not a column name: the first line must name the columns"
			          " (kind,name,birth_date,...)",
			          f + 1);
		fail_row(st, NULL, &e);
		return;
	}
	for (i = 0; i < f; i++)
		if (st->map[i] == (int)c) {
			error_set(&e, REDRESS_E_INVALID, "column '%s' is named twice", column_names[c]);
			fail_row(st, NULL, &e);
			return;
		}
	st->map[f] = (int)c;
}

static void
on_field(void *field, size_t len, void *data)
{
	struct csv_state *st = data;
	const char *s = field != NULL ? field : "";
	struct redress_error e;
	int c;

	if (st->rc != REDRESS_OK)
		return;
	st->in_row = 1;
	if (memchr(s, '\0', len) != NULL) {
		error_set(&e, REDRESS_E_INVALID, "cell %zu holds a NUL byte", st->field + 1);
		fail_row(st, NULL, &e);
		return;
	}
	if (!st->header_done) {
		if (st->field >= NCOLUMNS) {
			error_set(&e, REDRESS_E_INVALID,
			          "the header names more than the %d columns there are", NCOLUMNS);
			fail_row(st, NULL, &e);
			return;
		}
		header_cell(st, s, len);
		st->field++;
		return;
	}
	if (st->field < st->ncolumns) {
		c = st->map[st->field];
		if (len > column_max[c]) {
			error_set(&e, REDRESS_E_INVALID, "%zu bytes long; the limit is %zu", len,
			          column_max[c]);
			fail_row(st, column_names[c], &e);
			return;
		}
		memcpy(st->cells.v[c], s, len);
		st->cells.v[c][len] = '\0';
	}
	st->field++;
}

/* Builds st->person from the cells; REDRESS_OK or the failing column in *column_r. */
static enum redress_err
build_person(struct csv_state *st, const char **column_r, struct redress_error *err)
{
	struct registry_new_person *p = &st->person;
	const char *frailty = st->cells.v[COL_FRAILTY];
	enum redress_err rc;

	memset(p, 0, sizeof(*p));
	*column_r = "kind";
	if ((rc = registry_kind_parse(st->cells.v[COL_KIND], &p->kind, err)) != REDRESS_OK)
		return rc;
	text_copy(p->identity.name, sizeof(p->identity.name), st->cells.v[COL_NAME]);
	text_copy(p->identity.birth_date, sizeof(p->identity.birth_date), st->cells.v[COL_BIRTH_DATE]);
	text_copy(p->identity.national_id, sizeof(p->identity.national_id), st->cells.v[COL_NATIONAL_ID]);
	text_copy(p->identity.phone, sizeof(p->identity.phone), st->cells.v[COL_PHONE]);
	text_copy(p->identity.address, sizeof(p->identity.address), st->cells.v[COL_ADDRESS]);
	text_copy(p->region, sizeof(p->region), st->cells.v[COL_REGION]);
	text_copy(p->language, sizeof(p->language),
	          st->cells.v[COL_LANGUAGE][0] != '\0' ? st->cells.v[COL_LANGUAGE] : "ko");
	if (frailty[0] != '\0' && (frailty[0] < '0' || frailty[0] > '3' || frailty[1] != '\0')) {
		*column_r = "frailty";
		return error_set(err, REDRESS_E_INVALID, "frailty is not 0, 1, 2 or 3");
	}
	p->frailty = frailty[0] != '\0' ? frailty[0] - '0' : 0;
	return registry_new_person_check(p, column_r, err);
}

/* Refuses a national id seen on an earlier line of the file. */
static enum redress_err
check_duplicate(struct csv_state *st, struct redress_error *err)
{
	char norm[REGISTRY_FIELD_MAX + 1];
	struct seen_id *seen, *earlier;
	size_t len;
	enum redress_err rc;

	if (st->person.identity.national_id[0] == '\0')
		return REDRESS_OK;
	if ((rc = registry_id_normalise(st->person.identity.national_id, norm, err)) != REDRESS_OK)
		return rc;
	if ((earlier = strmap_get(&st->ids, norm)) != NULL)
		rc = error_set(err, REDRESS_E_INVALID, "the same national id as line %zu", earlier->line);
	else if ((seen = malloc(sizeof(*seen) + (len = strlen(norm)) + 1)) == NULL)
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory reading the file");
	else {
		seen->line = st->row_line;
		memcpy(seen->norm, norm, len + 1);
		if ((rc = strmap_put(&st->ids, seen->norm, seen, err)) != REDRESS_OK)
			free(seen);
	}
	explicit_bzero(norm, sizeof(norm));
	return rc;
}

static void
on_row(int terminator, void *data)
{
	struct csv_state *st = data;
	struct redress_error e;
	const char *column = NULL;
	size_t i;

	(void)terminator;
	if (st->rc != REDRESS_OK)
		return;
	st->in_row = 0;
	if (!st->header_done) {
		static const enum column required[] = {COL_KIND, COL_NAME, COL_BIRTH_DATE};

		st->ncolumns = st->field;
		st->field = 0;
		st->header_done = 1;
		for (i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
			size_t f;

			for (f = 0; f < st->ncolumns && st->map[f] != (int)required[i]; f++)
				;
			if (f == st->ncolumns) {
				error_set(&e, REDRESS_E_INVALID, "the header has no '%s' column",
				          column_names[required[i]]);
				fail_row(st, NULL, &e);
				return;
			}
		}
		return;
	}
	if (st->field != st->ncolumns) {
		error_set(&e, REDRESS_E_INVALID, "%zu fields where the header has %zu", st->field,
		          st->ncolumns);
		fail_row(st, NULL, &e);
	} else if (build_person(st, &column, &e) != REDRESS_OK) {
		fail_row(st, column, &e);
	} else if (check_duplicate(st, &e) != REDRESS_OK) {
		fail_row(st, "national_id", &e);
	} else if (st->fn(st->ctx, st->row_line, st->offset, &st->person, &e) != REDRESS_OK) {
		fail_row(st, NULL, &e);
	}
	for (i = 0; i < NCOLUMNS; i++)
		explicit_bzero(st->cells.v[i], sizeof(st->cells.v[i]));
	explicit_bzero(&st->person, sizeof(st->person));
	st->field = 0;
}

/* The end of the line starting at s: after its "\n", "\r\n" or lone "\r", or at end. */
static size_t
line_length(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			return i + 1;
		if (s[i] == '\r')
			return i + 1 < len && s[i + 1] == '\n' ? i + 2 : i + 1;
	}
	return len;
}

static int
is_blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

static void
malformed(struct csv_state *st, struct csv_parser *p)
{
	struct redress_error e;

	error_set(&e, csv_error(p) == CSV_ENOMEM ? REDRESS_E_NOMEM : REDRESS_E_INVALID,
	          "malformed CSV (%s): a quote must open a field and close it before ',' or the line's end,"
	          " and a quote inside a quoted field is written twice",
	          csv_strerror(csv_error(p)));
	fail_row(st, NULL, &e);
}

static void
free_ids(struct strmap *ids)
{
	size_t i;

	for (i = 0; i < ids->cap; i++) {
		struct seen_id *seen = ids->slots[i].value;

		if (ids->slots[i].key == NULL)
			continue;
		explicit_bzero(seen->norm, strlen(seen->norm));
		free(seen);
	}
	strmap_free(ids);
}

enum redress_err
registry_csv_parse(const char *bytes, size_t len, const char *name,
                   enum redress_err (*fn)(void *ctx, size_t line, size_t offset,
                                          const struct registry_new_person *p, struct redress_error *err),
                   void *ctx, struct redress_error *err)
{
	struct csv_parser parser;
	struct csv_state *st;
	size_t pos = 0, n;
	enum redress_err rc;

	if (len > REGISTRY_CSV_MAX)
		return error_set(err, REDRESS_E_INVALID, "%s is %zu bytes; the most one import reads is %u",
		                 name, len, REGISTRY_CSV_MAX);
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading %s", name);
	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		free(st);
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading %s", name);
	}
	st->name = name;
	st->fn = fn;
	st->ctx = ctx;
	st->err = err;
	st->line = 1;
	strmap_init(&st->ids);
	/* A byte-order mark, as spreadsheets write, is not part of the first column's name. */
	if (len >= 3 && memcmp(bytes, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && st->rc == REDRESS_OK) {
		n = line_length(bytes + pos, len - pos);
		st->offset = pos + n;
		if (!st->in_row && is_blank(bytes + pos, n)) {
			pos += n;
			st->line++;
			continue;
		}
		if (!st->in_row)
			st->row_line = st->line;
		if (csv_parse(&parser, bytes + pos, n, on_field, on_row, st) != n && st->rc == REDRESS_OK)
			malformed(st, &parser);
		pos += n;
		st->line++;
	}
	if (st->rc == REDRESS_OK && csv_fini(&parser, on_field, on_row, st) != 0 && st->rc == REDRESS_OK)
		malformed(st, &parser);
	if (st->rc == REDRESS_OK && !st->header_done) {
		struct redress_error e;

		st->row_line = 1;
		error_set(&e, REDRESS_E_INVALID,
		          "no header: the first line must name the columns (kind,name,...)");
		fail_row(st, NULL, &e);
	}
	rc = st->rc;
	/* libcsv's buffer held the last cells read. */
	if (parser.entry_buf != NULL)
		explicit_bzero(parser.entry_buf, parser.entry_size);
	csv_free(&parser);
	free_ids(&st->ids);
	explicit_bzero(st, sizeof(*st));
	free(st);
	return rc;
}
