/*
 * registry_dups.c -- suspected duplicates: persons whose whole name and
 * birth year are the same, found by a keyed hash of the two (a duplicate
 * key), never by opening anyone's identity.
 *
 * The key is written with the person's search tokens (registry_search.c)
 * at registration, import, an approved correction and `person reindex`,
 * and forgotten with them at erasure.  What a pair is decided to be --
 * two people, or one person registered twice -- is the duplicates
 * module's (domain/dups): this file only says who shares a key.
 *
 * What this gives away: whoever reads the database learns which persons
 * share a name and a birth year, as the search's tokens already tell; not
 * the name.  Without the index key no key can be computed.
 */
#include <string.h>

#include "core/romanize.h"
#include "core/text.h"
#include "domain/registry/registry_int.h"

#define DUP_NAME_MAX (4 * 64 + 1) /* registry_search.c's characters of a name, as UTF-8 */

static const char *const basis_names[] = {"name+birth_year", "name+birth_year+region"};

const char *
registry_dup_basis_name(enum registry_dup_basis basis)
{
	return (size_t)basis < sizeof(basis_names) / sizeof(basis_names[0]) ? basis_names[basis] : "?";
}

/* The duplicate key of a name (as search reads it) and a birth year, for pseudonym. */
static enum redress_err
dup_key_insert(struct store *store, const struct seal_key *index_key, const char *pseudonym,
               const char *birth_date, const char *name, struct redress_error *err)
{
	char value[ROMANIZE_TEXT_MAX + 16], key[33];
	struct store_stmt *st;

	snprintf(value, sizeof(value), "%.4s:%s", birth_date, name);
	registry_search_token(index_key, "dup", value, key);
	explicit_bzero(value, sizeof(value));
	if ((st = registry_stmt(store, REGISTRY_Q_DUP_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, key);
	store_bind_text(st, 2, pseudonym);
	return store_run(st, err);
}

enum redress_err
registry_dup_key_write(struct store *store, const struct seal_key *index_key, const char *pseudonym,
                       const struct registry_identity *id, struct redress_error *err)
{
	char name[DUP_NAME_MAX];
	struct romanize_forms forms;
	enum redress_err rc;
	size_t i;

	registry_search_name_text(id->name, name, sizeof(name));
	if (name[0] == '\0' || strlen(id->birth_date) < 4)
		return REDRESS_OK; /* nothing to compare */
	rc = dup_key_insert(store, index_key, pseudonym, id->birth_date, name, err);
	explicit_bzero(name, sizeof(name));
	if (rc != REDRESS_OK)
		return rc;
	/*
	 * A name in Hangul or kana has keys of its Latin forms too (core/romanize.h),
	 * so that the same woman registered in Latin letters shares one.
	 */
	romanize_name(id->name, &forms);
	for (i = 0; rc == REDRESS_OK && i < forms.n; i++)
		rc = dup_key_insert(store, index_key, pseudonym, id->birth_date, forms.form[i], err);
	explicit_bzero(&forms, sizeof(forms));
	return rc;
}

/* The pair of two persons, the one registered first as a; regions equal and given: the stronger basis. */
static void
pair_make(struct registry_dup_pair *pair, const char *x, int64_t x_seq, const char *x_region, const char *y,
          int64_t y_seq, const char *y_region)
{
	int x_first = x_seq < y_seq;

	text_copy(pair->a, sizeof(pair->a), x_first ? x : y);
	text_copy(pair->b, sizeof(pair->b), x_first ? y : x);
	pair->basis = x_region[0] != '\0' && strcmp(x_region, y_region) == 0 ? REGISTRY_DUP_NAME_YEAR_REGION
	                                                                     : REGISTRY_DUP_NAME_YEAR;
}

/* Two persons of a key (REGISTRY_Q_DUP_OF: x and her; REGISTRY_Q_DUP_PAIRS: x and y). */
struct dup_row {
	const char *x, *y, *x_region, *y_region;
	int64_t x_seq, y_seq;
};

static const struct store_field dup_of_fields[] = {
    STORE_FIELD_TEXT(struct dup_row, x), STORE_FIELD(struct dup_row, x_seq),
    STORE_FIELD_TEXT(struct dup_row, x_region), STORE_FIELD_TEXT(struct dup_row, y_region),
    STORE_FIELD(struct dup_row, y_seq)};
static const struct store_field dup_pair_fields[] = {
    STORE_FIELD_TEXT(struct dup_row, x),        STORE_FIELD_TEXT(struct dup_row, y),
    STORE_FIELD_TEXT(struct dup_row, x_region), STORE_FIELD_TEXT(struct dup_row, y_region),
    STORE_FIELD(struct dup_row, x_seq),         STORE_FIELD(struct dup_row, y_seq)};

enum redress_err
registry_dup_candidates(struct store *store, const char *pseudonym, registry_dup_fn fn, void *ctx,
                        struct redress_error *err)
{
	struct registry_dup_pair pair;
	struct dup_row row;
	enum store_step_result r;
	struct store_stmt *st;
	enum redress_err rc;

	if ((st = registry_stmt(store, REGISTRY_Q_DUP_OF, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	while ((r = store_read(st, dup_of_fields, &row, err)) == STORE_ROW) {
		pair_make(&pair, row.x, row.x_seq, row.x_region, pseudonym, row.y_seq, row.y_region);
		if ((rc = fn(ctx, &pair, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

enum redress_err
registry_dup_pairs(struct store *store, registry_dup_fn fn, void *ctx, struct redress_error *err)
{
	struct registry_dup_pair pair;
	struct dup_row row;
	enum store_step_result r;
	struct store_stmt *st;
	enum redress_err rc;

	if ((st = registry_stmt(store, REGISTRY_Q_DUP_PAIRS, err)) == NULL)
		return err->code;
	while ((r = store_read(st, dup_pair_fields, &row, err)) == STORE_ROW) {
		pair_make(&pair, row.x, row.x_seq, row.x_region, row.y, row.y_seq, row.y_region);
		if ((rc = fn(ctx, &pair, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

struct pair_find {
	const char *other;
	struct registry_dup_pair *pair;
	int found;
};

static enum redress_err
pair_find_one(void *ctx, const struct registry_dup_pair *pair, struct redress_error *err)
{
	struct pair_find *f = ctx;

	(void)err;
	if (!f->found && (strcmp(pair->a, f->other) == 0 || strcmp(pair->b, f->other) == 0)) {
		*f->pair = *pair;
		f->found = 1;
	}
	return REDRESS_OK;
}

enum redress_err
registry_dup_pair_get(struct store *store, const char *x, const char *y, struct registry_dup_pair *pair_r,
                      struct redress_error *err)
{
	struct pair_find f = {y, pair_r, 0};
	enum redress_err rc;

	if (strcmp(x, y) == 0)
		return error_set(err, REDRESS_E_INVALID, "a pair is two persons, not %s twice", x);
	if ((rc = registry_dup_candidates(store, x, pair_find_one, &f, err)) != REDRESS_OK)
		return rc;
	if (!f.found)
		return error_set(err, REDRESS_E_NOTFOUND,
		                 "%s and %s are not suspected duplicates (no name and birth year in common,"
		                 " or one is unknown or erased)",
		                 x, y);
	return REDRESS_OK;
}
