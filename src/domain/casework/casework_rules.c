/*
 * casework_rules.c -- casework by each program's rules: who a program
 * makes eligible (the outreach list, the public report's casework counts)
 * and which program's days hold for a person (when she is asked again
 * after an undecided wish, when her grievance is overdue).
 *
 * Eligible under a program: a living person the program could owe if a
 * claim were approved -- a victim when it pays a survivor (a survivor
 * amount, or harms); an heir of a victim who has died, when it pays the
 * bereaved (she died by the cutoff) or lets a survivor's own pass to her
 * heirs (she died after it, and the program's schedule does not stop at
 * death) -- and whom its exclusions do not leave out.  The cutoff and the
 * exclusions are read by domain/entitlements' own rules, as a run reads
 * them.
 *
 * A person's days: the shortest that the programs she is eligible for set
 * ("casework": {"grievance_days", "ask_again_days"}); the fund's 30 when
 * none of them sets one.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/casework/casework_int.h"
#include "domain/entitlements/entitlements.h"
#include "domain/programs/programs.h"

/* Whether p pays an amount so given: a fixed one above zero, or by harm. */
static int
pays(const struct program *p, int64_t amount)
{
	return amount > 0 || p->rules.nharms > 0;
}

struct heir_ctx {
	struct store *store;
	const struct program *p;
	int owed;
};

/* One victim whose heir she is: does p owe her heirs anything? */
static enum redress_err
heir_one(void *ctx, const char *victim, int64_t num, int64_t den, struct redress_error *err)
{
	struct heir_ctx *h = ctx;
	struct registry_person v;
	enum redress_err rc;

	(void)num;
	(void)den;
	if (h->owed)
		return REDRESS_OK;
	if ((rc = registry_get(h->store, victim, &v, err)) != REDRESS_OK)
		return rc;
	if (v.status != REGISTRY_DECEASED)
		return REDRESS_OK;
	if (entitlements_died_by_cutoff(h->p, &v))
		h->owed = pays(h->p, h->p->bereaved_amount);
	else
		h->owed = pays(h->p, h->p->survivor_amount) &&
		          !(h->p->rules.form == PROGRAM_FORM_INSTALMENTS &&
		            h->p->rules.instalments.at_death == PROGRAM_AT_DEATH_STOP);
	return REDRESS_OK;
}

enum redress_err
casework_eligible(struct store *store, const struct program *p, const struct registry_person *person,
                  int *eligible_r, struct redress_error *err)
{
	struct heir_ctx h = {store, p, 0};
	int excluded = 0;
	enum redress_err rc;

	*eligible_r = 0;
	if (person->status != REGISTRY_ALIVE)
		return REDRESS_OK;
	if (person->kind == REGISTRY_VICTIM)
		h.owed = pays(p, p->survivor_amount);
	else if ((rc = registry_heir_of(store, person->pseudonym, heir_one, &h, err)) != REDRESS_OK)
		return rc;
	if (!h.owed)
		return REDRESS_OK;
	if ((rc = entitlements_excluded(store, p, person->pseudonym, &excluded, err)) != REDRESS_OK)
		return rc;
	*eligible_r = !excluded;
	return REDRESS_OK;
}

/* A row of CW_Q_CANDIDATES: a living person, her kind, whether she has been reached. */
struct candidate_row {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	const char *kind;
	bool reached;
};

static const struct store_field candidate_fields[] = {
    STORE_FIELD_CUT(struct candidate_row, pseudonym),
    STORE_FIELD_TEXT(struct candidate_row, kind),
    STORE_FIELD(struct candidate_row, reached),
};

enum redress_err
casework_eligible_count(struct store *store, const struct program *p, int64_t *eligible_r, int64_t *reached_r,
                        struct redress_error *err)
{
	struct registry_person person;
	struct candidate_row row;
	struct store_stmt *st;
	enum store_step_result r;
	int eligible;
	enum redress_err rc;

	*eligible_r = *reached_r = 0;
	if ((st = store_statement(store, &casework_catalogue, CW_Q_CANDIDATES, err)) == NULL)
		return err->code;
	while ((r = store_read(st, candidate_fields, &row, err)) == STORE_ROW) {
		memset(&person, 0, sizeof(person));
		memcpy(person.pseudonym, row.pseudonym, sizeof(person.pseudonym));
		person.kind = strcmp(row.kind, "victim") == 0 ? REGISTRY_VICTIM : REGISTRY_RELATIVE;
		person.status = REGISTRY_ALIVE;
		if ((rc = casework_eligible(store, p, &person, &eligible, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
		if (!eligible)
			continue;
		(*eligible_r)++;
		if (row.reached)
			(*reached_r)++;
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* The days a program sets, of which kind. */
static int
program_days(const struct program *p, enum casework_days which)
{
	return which == CASEWORK_DAYS_GRIEVANCE ? p->rules.grievance_days : p->rules.ask_again_days;
}

static enum redress_err
load_one(void *ctx, const struct program *p, struct redress_error *err)
{
	struct cw_days *d = ctx;
	struct program *more;

	if (program_days(p, d->which) <= 0)
		return REDRESS_OK;
	if ((more = realloc(d->programs, (d->n + 1) * sizeof(*more))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading the programs' casework days");
	d->programs = more;
	d->programs[d->n++] = *p;
	return REDRESS_OK;
}

enum redress_err
casework_days_load(struct store *store, enum casework_days which, struct cw_days *d,
                   struct redress_error *err)
{
	memset(d, 0, sizeof(*d));
	d->which = which;
	return program_each(store, load_one, d, err);
}

void
casework_days_free(struct cw_days *d)
{
	free(d->programs);
	d->programs = NULL;
	d->n = 0;
}

enum redress_err
casework_days_of(struct store *store, const struct cw_days *d, const char *pseudonym, int *days_r,
                 struct redress_error *err)
{
	struct registry_person person;
	size_t i;
	int eligible, days = 0;
	enum redress_err rc;

	*days_r = d->which == CASEWORK_DAYS_GRIEVANCE ? CASEWORK_GRIEVANCE_DAYS : CASEWORK_ASK_AGAIN_DAYS;
	if (d->n == 0)
		return REDRESS_OK;
	if ((rc = registry_get(store, pseudonym, &person, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < d->n; i++) {
		int set = program_days(&d->programs[i], d->which);

		if (days != 0 && set >= days)
			continue;
		if ((rc = casework_eligible(store, &d->programs[i], &person, &eligible, err)) != REDRESS_OK)
			return rc;
		if (eligible)
			days = set;
	}
	if (days > 0)
		*days_r = days;
	return REDRESS_OK;
}

enum redress_err
casework_person_days(struct store *store, const char *pseudonym, enum casework_days which, int *days_r,
                     struct redress_error *err)
{
	struct cw_days d;
	enum redress_err rc;

	if ((rc = casework_days_load(store, which, &d, err)) == REDRESS_OK)
		rc = casework_days_of(store, &d, pseudonym, days_r, err);
	casework_days_free(&d);
	return rc;
}
