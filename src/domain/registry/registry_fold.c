/*
 * registry_fold.c -- the registry's events folded into memory, for audit's
 * fast path (log/audit.h).
 *
 * Most rows are final when their event is read: a relation, a consent, a
 * consultation, a reveal, and the part of a person's row that registration
 * fixes (identity, index, birth year, region, language, frailty).  Those
 * are hashed into the fold at once and forgotten.  What death and erasure
 * change -- status, date of death, and the events that changed them -- is
 * a snapshot of its own (REGISTRY_TABLE_PERSON_STATUS) and is held until
 * the end in a compact array indexed by the pseudonym's number, about 40
 * bytes a person: ten million people fold in well under half a gigabyte,
 * and no sealed field is ever held.
 *
 * The rows are the snapshot queries' rows, column for column
 * (registry_apply.c, registry_snapshots).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/registry/registry_int.h"

struct fold_person {
	int64_t death_seq;  /* -1: alive */
	int64_t erased_seq; /* -1: not erased */
	int64_t share_num;  /* a victim's heirs' shares so far, reduced */
	int64_t share_den;
	uint32_t death; /* YYYYMMDD, or 0 */
	uint16_t birth_year;
	uint8_t status; /* enum registry_status */
};

struct fold_people {
	struct fold_person *v; /* v[number - 1] */
	size_t n, cap;
};

struct registry_model {
	struct fold_people kinds[2];          /* by enum registry_kind */
	struct registry_change_fold *changes; /* corrections proposed (registry_change.c) */
};

void *
registry_fold_begin(void)
{
	return calloc(1, sizeof(struct registry_model));
}

static void
fold_status(struct audit_fold *fold, enum registry_kind kind, size_t number, const struct fold_person *p)
{
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1], death[16];
	const struct audit_value null = {AUDIT_NULL, 0, NULL};

	registry_pseudonym_format(kind, number, pseudonym);
	snprintf(death, sizeof(death), "%04u-%02u-%02u", (unsigned)(p->death / 10000),
	         (unsigned)(p->death / 100 % 100), (unsigned)(p->death % 100));
	{
		const struct audit_value row[] = {
		    AUDIT_TEXT_VALUE(pseudonym),
		    AUDIT_TEXT_VALUE(registry_status_name((enum registry_status)p->status)),
		    p->death != 0 ? AUDIT_TEXT_VALUE(death) : null,
		    p->death_seq >= 0 ? AUDIT_INT_VALUE(p->death_seq) : null,
		    p->erased_seq >= 0 ? AUDIT_INT_VALUE(p->erased_seq) : null,
		};

		audit_fold_row(fold, REGISTRY_TABLE_PERSON_STATUS, row, sizeof(row) / sizeof(row[0]));
	}
}

/* The person a pseudonym names, or REDRESS_E_NOTFOUND. */
static enum redress_err
model_person(struct registry_model *m, const char *pseudonym, int want_live, struct fold_person **p_r,
             struct redress_error *err)
{
	enum registry_kind kind;
	uint64_t number;
	enum redress_err rc;

	if ((rc = registry_pseudonym_parse(pseudonym, &kind, &number, err)) != REDRESS_OK)
		return rc;
	if (number > m->kinds[kind].n)
		return error_set(err, REDRESS_E_NOTFOUND, "no person '%s'", pseudonym);
	*p_r = &m->kinds[kind].v[number - 1];
	if (want_live && (*p_r)->status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_CONFLICT, "%s was erased", pseudonym);
	return REDRESS_OK;
}

static enum redress_err
fold_registered(struct registry_model *m, const struct event *ev, struct audit_fold *fold,
                struct redress_error *err)
{
	struct registry_ev_person r;
	struct fold_people *people;
	struct fold_person *p = NULL;
	enum registry_kind kind;
	uint64_t number;
	enum redress_err rc;

	if ((rc = registry_decode_person(ev, &r, err)) != REDRESS_OK ||
	    (rc = registry_pseudonym_parse(r.p.pseudonym, &kind, &number, err)) != REDRESS_OK)
		return rc;
	people = &m->kinds[kind];
	if (number != people->n + 1) {
		char expect[REGISTRY_PSEUDONYM_MAX + 1];

		registry_pseudonym_format(kind, people->n + 1, expect);
		return error_set(err, REDRESS_E_INVALID, "pseudonym %s is out of order: the next %s is %s",
		                 r.p.pseudonym, registry_kind_name(kind), expect);
	}
	if (people->n == people->cap) {
		size_t cap = people->cap != 0 ? people->cap * 2 : 64;
		struct fold_person *v = realloc(people->v, cap * sizeof(*v));

		if (v == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory folding persons");
		people->v = v;
		people->cap = cap;
	}
	p = &people->v[people->n++];
	memset(p, 0, sizeof(*p));
	p->death_seq = -1;
	p->erased_seq = -1;
	p->share_den = 1;
	p->birth_year = (uint16_t)r.p.birth_year;
	p->status = REGISTRY_ALIVE;
	{
		const struct audit_value row[] = {
		    AUDIT_TEXT_VALUE(r.p.pseudonym),
		    AUDIT_TEXT_VALUE(registry_kind_name(r.p.kind)),
		    AUDIT_INT_VALUE(r.p.birth_year),
		    AUDIT_TEXT_OR_NULL_VALUE(r.p.region),
		    AUDIT_TEXT_VALUE(r.p.language),
		    AUDIT_INT_VALUE(r.p.frailty),
		    AUDIT_TEXT_VALUE(r.identity),
		    r.id_index != NULL ? AUDIT_TEXT_VALUE(r.id_index)
		                       : (struct audit_value){AUDIT_NULL, 0, NULL},
		    AUDIT_INT_VALUE(ev->seq),
		};

		audit_fold_row(fold, REGISTRY_TABLE_PERSONS, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

static enum redress_err
fold_died(struct registry_model *m, const struct event *ev, struct redress_error *err)
{
	const char *pseudonym, *date;
	struct fold_person *p = NULL;
	enum redress_err rc;

	if ((rc = registry_decode_died(ev, &pseudonym, &date, err)) != REDRESS_OK ||
	    (rc = model_person(m, pseudonym, 1, &p, err)) != REDRESS_OK)
		return rc;
	if (p->status != REGISTRY_ALIVE)
		return error_set(err, REDRESS_E_CONFLICT, "%s is already recorded as deceased", pseudonym);
	if (registry_date_year(date) < p->birth_year)
		return error_set(err, REDRESS_E_INVALID, "%s's date of death is before the year of birth",
		                 pseudonym);
	p->status = REGISTRY_DECEASED;
	p->death =
	    (uint32_t)(registry_date_year(date) * 10000 + ((date[5] - '0') * 10 + (date[6] - '0')) * 100 +
	               (date[8] - '0') * 10 + (date[9] - '0'));
	p->death_seq = (int64_t)ev->seq;
	return REDRESS_OK;
}

static enum redress_err
fold_erased(struct registry_model *m, const struct event *ev, struct redress_error *err)
{
	const char *pseudonym;
	struct fold_person *p = NULL;
	enum redress_err rc;

	if ((rc = registry_decode_pseudonym(ev, &pseudonym, err)) != REDRESS_OK ||
	    (rc = model_person(m, pseudonym, 1, &p, err)) != REDRESS_OK)
		return rc;
	p->status = REGISTRY_ERASED;
	p->erased_seq = (int64_t)ev->seq;
	return REDRESS_OK;
}

static enum redress_err
fold_relation(struct registry_model *m, const struct event *ev, struct audit_fold *fold,
              struct redress_error *err)
{
	struct registry_ev_relation r;
	struct fold_person *victim = NULL, *relative = NULL;
	int64_t num, den;
	enum redress_err rc;

	if ((rc = registry_decode_relation(ev, &r, err)) != REDRESS_OK ||
	    (rc = model_person(m, r.victim, 1, &victim, err)) != REDRESS_OK ||
	    (rc = model_person(m, r.relative, 1, &relative, err)) != REDRESS_OK)
		return rc;
	num = victim->share_num;
	den = victim->share_den;
	if ((rc = registry_share_add(&num, &den, r.num, r.den, err)) != REDRESS_OK)
		return rc;
	if (num > den)
		return error_set(err, REDRESS_E_REFUSED,
		                 "the shares of %s's heirs would add up to more than 1", r.victim);
	victim->share_num = num;
	victim->share_den = den;
	{
		const struct audit_value row[] = {
		    AUDIT_INT_VALUE(ev->seq),     AUDIT_TEXT_VALUE(r.victim), AUDIT_TEXT_VALUE(r.relative),
		    AUDIT_TEXT_VALUE(r.relation), AUDIT_INT_VALUE(r.num),     AUDIT_INT_VALUE(r.den),
		};

		audit_fold_row(fold, REGISTRY_TABLE_RELATIONS, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

#define SEALED_OR_NULL(s) ((s) != NULL ? AUDIT_TEXT_VALUE(s) : (struct audit_value){AUDIT_NULL, 0, NULL})

static enum redress_err
fold_consent(struct registry_model *m, const struct event *ev, struct audit_fold *fold,
             struct redress_error *err)
{
	struct registry_ev_note r;
	struct fold_person *p = NULL;
	enum redress_err rc;

	if ((rc = registry_decode_consent(ev, &r, err)) != REDRESS_OK ||
	    (rc = model_person(m, r.pseudonym, 1, &p, err)) != REDRESS_OK)
		return rc;
	{
		const struct audit_value row[] = {
		    AUDIT_INT_VALUE(ev->seq),    AUDIT_TEXT_VALUE(r.pseudonym), AUDIT_TEXT_VALUE(r.scope),
		    AUDIT_INT_VALUE(r.given),    AUDIT_TEXT_VALUE(r.sealed),    SEALED_OR_NULL(r.witness),
		    AUDIT_TEXT_VALUE(ev->actor), AUDIT_TEXT_VALUE(ev->at),
		};

		audit_fold_row(fold, REGISTRY_TABLE_CONSENTS, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

static enum redress_err
fold_consult(struct registry_model *m, const struct event *ev, struct audit_fold *fold,
             struct redress_error *err)
{
	struct registry_ev_note r;
	struct fold_person *p = NULL;
	enum redress_err rc;

	if ((rc = registry_decode_consult(ev, &r, err)) != REDRESS_OK ||
	    (rc = model_person(m, r.pseudonym, 1, &p, err)) != REDRESS_OK)
		return rc;
	{
		const struct audit_value row[] = {
		    AUDIT_INT_VALUE(ev->seq),
		    AUDIT_TEXT_VALUE(r.pseudonym),
		    AUDIT_TEXT_VALUE(registry_wish_name(r.wish)),
		    SEALED_OR_NULL(r.sealed),
		    AUDIT_TEXT_VALUE(ev->actor),
		    AUDIT_TEXT_VALUE(ev->at),
		};

		audit_fold_row(fold, REGISTRY_TABLE_CONSULTATIONS, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

static enum redress_err
fold_reveal(struct registry_model *m, const struct event *ev, struct audit_fold *fold,
            struct redress_error *err)
{
	struct registry_ev_note r;
	struct fold_person *p = NULL;
	enum redress_err rc;

	if ((rc = registry_decode_reveal(ev, &r, err)) != REDRESS_OK ||
	    (rc = model_person(m, r.pseudonym, 1, &p, err)) != REDRESS_OK)
		return rc;
	{
		const struct audit_value row[] = {
		    AUDIT_INT_VALUE(ev->seq), AUDIT_TEXT_VALUE(r.pseudonym), AUDIT_TEXT_VALUE(ev->actor),
		    AUDIT_TEXT_VALUE(ev->at), SEALED_OR_NULL(r.sealed),
		};

		audit_fold_row(fold, REGISTRY_TABLE_REVEALS, row, sizeof(row) / sizeof(row[0]));
	}
	return REDRESS_OK;
}

enum redress_err
registry_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct registry_model *m = model;

	if (strcmp(ev->type, REGISTRY_EV_REGISTERED) == 0)
		return fold_registered(m, ev, fold, err);
	if (strcmp(ev->type, REGISTRY_EV_REVEALED) == 0)
		return fold_reveal(m, ev, fold, err);
	if (strcmp(ev->type, REGISTRY_EV_DIED) == 0)
		return fold_died(m, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_ERASED) == 0)
		return fold_erased(m, ev, err);
	if (strcmp(ev->type, REGISTRY_EV_RELATION) == 0)
		return fold_relation(m, ev, fold, err);
	if (strcmp(ev->type, REGISTRY_EV_CONSENT) == 0)
		return fold_consent(m, ev, fold, err);
	if (strcmp(ev->type, REGISTRY_EV_SEARCHED) == 0)
		return registry_decode_search(ev, err);
	if (strcmp(ev->type, REGISTRY_EV_CONSULT) == 0)
		return fold_consult(m, ev, fold, err);
	if (strcmp(ev->type, REGISTRY_EV_CHANGED) == 0 || strcmp(ev->type, REGISTRY_EV_PROPOSED) == 0 ||
	    strcmp(ev->type, REGISTRY_EV_REJECTED) == 0) {
		struct fold_person *p = NULL;
		const char *pseudonym = NULL;
		int year;
		enum redress_err rc;

		if ((rc = registry_change_fold(&m->changes, ev, fold, &pseudonym, &year, err)) !=
		        REDRESS_OK ||
		    (rc = model_person(m, pseudonym, 1, &p, err)) != REDRESS_OK)
			return rc;
		if (year >= 0)
			p->birth_year = (uint16_t)year;
		return REDRESS_OK;
	}
	if (strcmp(ev->type, REGISTRY_EV_VULNERABILITY) == 0) {
		struct registry_ev_vulnerability r;
		struct fold_person *p = NULL;
		enum redress_err rc;

		if ((rc = registry_decode_vulnerability(ev, &r, err)) != REDRESS_OK ||
		    (rc = model_person(m, r.pseudonym, 1, &p, err)) != REDRESS_OK)
			return rc;
		registry_vulnerability_fold_row(ev, &r, fold);
		return REDRESS_OK;
	}
	return error_set(err, REDRESS_E_INVALID, "unknown registry event type '%.64s'", ev->type);
}

void
registry_fold_end(void *model, struct audit_fold *fold)
{
	struct registry_model *m = model;
	size_t k, i;

	for (k = 0; k < 2; k++) {
		for (i = 0; fold != NULL && i < m->kinds[k].n; i++)
			fold_status(fold, (enum registry_kind)k, i + 1, &m->kinds[k].v[i]);
		free(m->kinds[k].v);
	}
	registry_change_fold_free(&m->changes);
	free(m);
}
