/*
 * entitlements.c -- computing, booking and moving entitlements, and the
 * payment queue.  See entitlements.h for the rules.
 */
#include "domain/entitlements/entitlements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/clock.h"
#include "core/text.h"
#include "domain/claims/claims.h"
#include "domain/dups/dups.h"
#include "domain/entitlements/entitlements_int.h"
#include "domain/ledger/ledger.h"
#include "domain/programs/programs.h"

#define HEIRS_MAX 64 /* heirs of one person */

/* Exact products of amounts and shares need more than 64 bits. */
__extension__ typedef __int128 wide;
#define EVENT_DATA_MAX 2048

static const char *const state_names[] = {
    [ENTITLEMENT_QUEUED] = "queued",       [ENTITLEMENT_DECLINED] = "declined",
    [ENTITLEMENT_MOVED] = "moved",         [ENTITLEMENT_BATCHED] = "batched",
    [ENTITLEMENT_PAID] = "paid",           [ENTITLEMENT_RETURNED] = "returned",
    [ENTITLEMENT_SCHEDULED] = "scheduled", [ENTITLEMENT_HELD] = "held",
    [ENTITLEMENT_STOPPED] = "stopped",
};

static const char *const basis_names[] = {
    [ENTITLEMENT_SURVIVOR] = "survivor",
    [ENTITLEMENT_BEREAVED] = "bereaved",
    [ENTITLEMENT_INHERITED] = "inherited",
};

const char *
entitlement_state_name(enum entitlement_state state)
{
	return (size_t)state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state] : "?";
}

const char *
entitlement_basis_name(enum entitlement_basis basis)
{
	return (size_t)basis < sizeof(basis_names) / sizeof(basis_names[0]) ? basis_names[basis] : "?";
}

int
entitlements_state_parse(const char *text, enum entitlement_state *state_r)
{
	size_t i;

	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(text, state_names[i]) == 0) {
			*state_r = (enum entitlement_state)i;
			return 1;
		}
	return 0;
}

int
entitlements_basis_parse(const char *text, enum entitlement_basis *basis_r)
{
	size_t i;

	for (i = 0; i < sizeof(basis_names) / sizeof(basis_names[0]); i++)
		if (strcmp(text, basis_names[i]) == 0) {
			*basis_r = (enum entitlement_basis)i;
			return 1;
		}
	return 0;
}

/* 1 when a/b > c/d, for positive denominators, exactly. */
static int
fraction_greater(wide a, wide b, wide c, wide d)
{
	return a * d > c * b;
}

enum redress_err
entitlements_split(int64_t amount, const int64_t *num, const int64_t *den, size_t n, int64_t *parts,
                   struct redress_error *err)
{
	wide sum_num = 0, sum_den = 1, rem[HEIRS_MAX], given = 0;
	int taken[HEIRS_MAX];
	size_t i, k, best;
	int64_t leftover;

	if (n == 0 || n > HEIRS_MAX)
		return error_set(err, REDRESS_E_INVALID, "%zu heirs: between 1 and %d are supported", n,
		                 HEIRS_MAX);
	if (amount < 0)
		return error_set(err, REDRESS_E_INVALID, "a negative amount cannot be shared");
	/* The shares must add up to exactly 1: sum them as one reduced fraction. */
	for (i = 0; i < n; i++) {
		wide a, b, g, x, y;

		if (num[i] <= 0 || den[i] <= 0 || num[i] > den[i] || den[i] > 1000000)
			return error_set(err, REDRESS_E_INVALID,
			                 "share %lld/%lld is not a fraction in (0, 1]", (long long)num[i],
			                 (long long)den[i]);
		a = sum_num * den[i] + (wide)num[i] * sum_den;
		b = sum_den * den[i];
		for (x = a, y = b; y != 0;) {
			g = x % y;
			x = y;
			y = g;
		}
		sum_num = a / x;
		sum_den = b / x;
		if (sum_den > ((wide)1 << 100))
			return error_set(err, REDRESS_E_OVERFLOW,
			                 "the heirs' shares are too fine to add up exactly");
	}
	if (sum_num != sum_den)
		return error_set(err, REDRESS_E_INVALID, "the heirs' shares add up to %lld/%lld, not 1",
		                 (long long)sum_num, (long long)sum_den);
	for (i = 0; i < n; i++) {
		wide whole = (wide)amount * num[i];

		parts[i] = (int64_t)(whole / den[i]);
		rem[i] = whole % den[i];
		given += parts[i];
		taken[i] = 0;
	}
	leftover = (int64_t)((wide)amount - given);
	if (leftover < 0 || (size_t)leftover >= n)
		return error_set(err, REDRESS_E_INTERNAL, "shares left %lld units for %zu heirs",
		                 (long long)leftover, n);
	/* Largest remainders first; on a tie the earlier heir. */
	for (k = 0; k < (size_t)leftover; k++) {
		best = n;
		for (i = 0; i < n; i++)
			if (!taken[i] &&
			    (best == n || fraction_greater(rem[i], den[i], rem[best], den[best])))
				best = i;
		taken[best] = 1;
		parts[best]++;
	}
	return REDRESS_OK;
}

/* The heirs of a person: pseudonyms and shares. */
struct heirs {
	size_t n;
	char who[HEIRS_MAX][REGISTRY_PSEUDONYM_MAX + 1];
	int64_t num[HEIRS_MAX], den[HEIRS_MAX], parts[HEIRS_MAX];
};

static enum redress_err
heir_one(void *ctx, const char *relative, int64_t num, int64_t den, struct redress_error *err)
{
	struct heirs *h = ctx;

	if (h->n == HEIRS_MAX)
		return error_set(err, REDRESS_E_INVALID, "more than %d heirs", HEIRS_MAX);
	snprintf(h->who[h->n], sizeof(h->who[h->n]), "%s", relative);
	h->num[h->n] = num;
	h->den[h->n] = den;
	h->n++;
	return REDRESS_OK;
}

/* Loads pseudonym's heirs and splits amount among them; why_r says why not. */
static enum redress_err
heirs_split(struct store *store, const char *pseudonym, int64_t amount, struct heirs *h, char *why,
            size_t why_size, struct redress_error *err)
{
	struct redress_error e;
	enum redress_err rc;

	memset(h, 0, sizeof(*h));
	if ((rc = registry_heirs(store, pseudonym, heir_one, h, err)) != REDRESS_OK)
		return rc;
	if (h->n == 0) {
		snprintf(why, why_size, "%s has died and no heirs are recorded", pseudonym);
		return REDRESS_E_NOTFOUND;
	}
	if (entitlements_split(amount, h->num, h->den, h->n, h->parts, &e) != REDRESS_OK) {
		snprintf(why, why_size, "%s: %s", pseudonym, e.message);
		return REDRESS_E_INVALID;
	}
	return REDRESS_OK;
}

/* Appends the booked event for e and applies it from its bytes (tlog_append_apply). */
static enum redress_err
book_event(struct tlog *log, struct entitlement *e, struct redress_error *err)
{
	struct buf data;
	enum redress_err rc;

	buf_init(&data, EVENT_DATA_MAX);
	if ((rc = entitlements_encode(&data, e, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &entitlements_module, ENTITLEMENTS_EV_BOOKED, &data,
		                       &e->booked_seq, err);
	buf_free(&data);
	return rc;
}

/*
 * Appends a state change of id and applies it; paid_on (paid) and reason
 * (returned) are NULL for the other states.
 */
static enum redress_err
state_event_full(struct tlog *log, const char *id, enum entitlement_state to, const char *paid_on,
                 const char *reason, struct redress_error *err)
{
	struct buf data;
	struct canon c;
	enum redress_err rc;

	buf_init(&data, EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "id");
	canon_string(&c, id);
	if (paid_on != NULL) {
		canon_key(&c, "paid_on");
		canon_string(&c, paid_on);
	}
	if (reason != NULL) {
		canon_key(&c, "reason");
		canon_string(&c, reason);
	}
	canon_key(&c, "state");
	canon_string(&c, entitlement_state_name(to));
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &entitlements_module, ENTITLEMENTS_EV_CHANGED, &data, NULL, err);
	buf_free(&data);
	return rc;
}

/* A state change (queued, declined, moved) of id. */
static enum redress_err
state_event(struct tlog *log, const char *id, enum entitlement_state to, struct redress_error *err)
{
	return state_event_full(log, id, to, NULL, NULL, err);
}

enum redress_err
entitlements_payment_state(struct tlog *log, const char *id, enum entitlement_state to, const char *paid_on,
                           const char *reason, struct redress_error *err)
{
	struct entitlement e;
	enum redress_err rc;

	if (to != ENTITLEMENT_BATCHED && to != ENTITLEMENT_PAID && to != ENTITLEMENT_RETURNED)
		return error_set(err, REDRESS_E_INTERNAL, "%s is not a payment state",
		                 entitlement_state_name(to));
	if ((rc = entitlement_get(tlog_store(log), id, &e, err)) != REDRESS_OK)
		return rc;
	if (!entitlements_transition_ok(e.state, to))
		return error_set(err, REDRESS_E_CONFLICT, "entitlement '%s' is %s: it cannot become %s", id,
		                 entitlement_state_name(e.state), entitlement_state_name(to));
	if (to == ENTITLEMENT_PAID &&
	    (paid_on == NULL || (rc = registry_date_check("paid_on", paid_on, err)) != REDRESS_OK))
		return paid_on == NULL ? error_set(err, REDRESS_E_INVALID, "a payment needs its booking date")
		                       : rc;
	if (to == ENTITLEMENT_RETURNED && (reason == NULL || !entitlements_reason_ok(reason)))
		return error_set(err, REDRESS_E_INVALID,
		                 "a return needs the bank's reason code (1 to 4 of A-Z and 0-9)");
	return state_event_full(log, id, to, to == ENTITLEMENT_PAID ? paid_on : NULL,
	                        to == ENTITLEMENT_RETURNED ? reason : NULL, err);
}

/* The state a beneficiary's latest wish puts a new or queued entitlement in. */
static enum redress_err
wished_state(struct store *store, const char *pseudonym, enum entitlement_state *state_r,
             struct redress_error *err)
{
	enum registry_wish wish;
	enum redress_err rc;

	if ((rc = registry_latest_wish(store, pseudonym, &wish, err)) != REDRESS_OK)
		return rc;
	*state_r = wish == REGISTRY_WISH_DECLINE ? ENTITLEMENT_DECLINED : ENTITLEMENT_QUEUED;
	return REDRESS_OK;
}

void
entitlements_today(char out[11])
{
	char now[CLOCK_TEXT_SIZE];

	clock_now_text(now);
	memcpy(out, now, 10);
	out[10] = '\0';
}

/*
 * What beneficiary already holds under program (in any state but moved,
 * which her heirs hold now) into *held_r, and whether she holds anything
 * under one of the programs p excludes (*excluded_r).  Claim c's own
 * entitlements are left out: they are what is being computed.
 */
static enum redress_err
held_before(struct store *store, const struct program *p, const struct claim *c, const char *beneficiary,
            int64_t *held_r, int *excluded_r, struct redress_error *err)
{
	struct entitlement *items = NULL;
	size_t n = 0, i, k;
	enum redress_err rc;

	*held_r = 0;
	*excluded_r = 0;
	if (p->rules.cap_person.set == 0 && p->rules.nexclusions == 0)
		return REDRESS_OK;
	if ((rc = entitlements_of_person(store, beneficiary, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; rc == REDRESS_OK && i < n; i++) {
		/* What her heirs hold now, and (in a preview) this claim's own, being recomputed. */
		if (items[i].state == ENTITLEMENT_MOVED || strcmp(items[i].claim, c->id) == 0)
			continue;
		if (strcmp(items[i].program, p->code) == 0)
			rc = money_add(*held_r, items[i].amount, held_r, err);
		for (k = 0; k < p->rules.nexclusions; k++)
			if (!p->rules.exclusion_receives[k] &&
			    strcmp(items[i].program, p->rules.exclusions[k]) == 0)
				*excluded_r = 1;
	}
	free(items);
	/* Another benefit recorded on her file. */
	for (k = 0; rc == REDRESS_OK && !*excluded_r && k < p->rules.nexclusions; k++)
		if (p->rules.exclusion_receives[k])
			rc = entitlements_receives(store, beneficiary, p->rules.exclusions[k], excluded_r,
			                           err);
	return rc;
}

enum redress_err
entitlements_excluded(struct store *store, const struct program *p, const char *beneficiary, int *excluded_r,
                      struct redress_error *err)
{
	struct claim none;
	int64_t held;

	/* No claim of hers is being computed: every entitlement she holds counts. */
	memset(&none, 0, sizeof(none));
	return held_before(store, p, &none, beneficiary, &held, excluded_r, err);
}

int
entitlements_died_by_cutoff(const struct program *p, const struct registry_person *victim)
{
	return victim->status == REGISTRY_DECEASED && strcmp(victim->death_date, p->cutoff) <= 0;
}

/*
 * One beneficiary's part of claim c, before it is booked or previewed: an
 * excluded beneficiary is counted and left out; the cap per person
 * applies; a zero amount is no entitlement.  Then sink.
 */
static enum redress_err
owed_one(struct store *store, const struct program *p, const struct claim *c, const char *beneficiary,
         int64_t amount, enum entitlement_basis basis, struct entitlements_run *run,
         const struct entitlements_sink *sink, struct redress_error *err)
{
	char today[11];
	int64_t held, before = amount;
	int excluded;
	enum redress_err rc;

	if (amount == 0)
		return REDRESS_OK;
	if ((rc = held_before(store, p, c, beneficiary, &held, &excluded, err)) != REDRESS_OK)
		return rc;
	if (excluded) {
		run->excluded++;
		return REDRESS_OK;
	}
	if (p->rules.cap_person.set) {
		entitlements_today(today);
		if ((rc = program_person_cap(p, today, held, &amount, err)) != REDRESS_OK ||
		    (rc = money_add(run->capped, before - amount, &run->capped, err)) != REDRESS_OK)
			return rc;
	}
	if (amount == 0)
		return REDRESS_OK;
	return sink->fn(sink->ctx, p, c, beneficiary, amount, basis, run, err);
}

/* Days since 1970-01-01 of a valid YYYY-MM-DD (Howard Hinnant's days_from_civil). */
static int64_t
date_days(const char *d)
{
	int64_t y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	int64_t m = (d[5] - '0') * 10 + (d[6] - '0'), day = (d[8] - '0') * 10 + (d[9] - '0');
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date days after 1970-01-01 (civil_from_days). */
static void
days_date(int64_t z, char out[11])
{
	int64_t era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 11, "%04lld-%02lld-%02lld", (long long)y, (long long)m, (long long)d);
}

/* d plus months (may be negative), the day kept or cut to the month's last; then plus days. */
static void
date_shift(const char *d, int months, int days, char out[11])
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	int m = (d[5] - '0') * 10 + (d[6] - '0') - 1 + months, day = (d[8] - '0') * 10 + (d[9] - '0'), last;
	char tmp[11];

	y += m >= 0 ? m / 12 : -((11 - m) / 12);
	m = ((m % 12) + 12) % 12;
	last = mdays[m] + (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m + 1, day < last ? day : last);
	days_date(date_days(tmp) + days, out);
}

/*
 * Books a schedule: the program's count of instalments of amount each,
 * the first due today and each next every_months later, all scheduled
 * (the run releases those due).
 */
static enum redress_err
book_schedule(struct tlog *log, const struct program *p, const struct claim *c, const char *beneficiary,
              int64_t amount, enum entitlement_basis basis, struct entitlements_run *run,
              struct redress_error *err)
{
	const struct program_instalments *in = &p->rules.instalments;
	struct entitlement e;
	char today[11];
	int k;
	enum redress_err rc;

	entitlements_today(today);
	for (k = 0; k < in->count; k++) {
		memset(&e, 0, sizeof(e));
		snprintf(e.id, sizeof(e.id), "E-%s-%s-%03d", c->id, beneficiary, k + 1);
		snprintf(e.claim, sizeof(e.claim), "%s", c->id);
		snprintf(e.program, sizeof(e.program), "%s", p->code);
		e.program_version = p->version;
		snprintf(e.beneficiary, sizeof(e.beneficiary), "%s", beneficiary);
		memcpy(e.currency, p->currency, sizeof(e.currency));
		e.amount = amount;
		e.basis = basis;
		e.state = ENTITLEMENT_SCHEDULED;
		date_shift(today, k * in->every_months, 0, e.due_on);
		if ((rc = book_event(log, &e, err)) != REDRESS_OK ||
		    (rc = money_add(run->total, amount, &run->total, err)) != REDRESS_OK)
			return rc;
		run->booked++;
	}
	return REDRESS_OK;
}

/*
 * Releases the program's instalments due by today: to the beneficiary's
 * wished state when the program asks no proof of life or her latest one
 * is recent enough (no earlier than the due date less the proof's period
 * and window), else held.
 */
static enum redress_err
release_due(struct tlog *log, const struct program *p, struct entitlements_run *run,
            struct redress_error *err)
{
	const struct program_instalments *in = &p->rules.instalments;
	struct entitlement *items = NULL;
	char today[11], proof[11], needed[11];
	enum entitlement_state want;
	size_t n = 0, i;
	enum redress_err rc;

	if (p->rules.form != PROGRAM_FORM_INSTALMENTS)
		return REDRESS_OK;
	entitlements_today(today);
	if ((rc = entitlements_due(tlog_store(log), p->code, today, &items, &n, err)) != REDRESS_OK)
		return rc;
	for (i = 0; rc == REDRESS_OK && i < n; i++) {
		if (in->proof_every_months > 0) {
			if ((rc = entitlements_latest_proof(tlog_store(log), items[i].beneficiary, proof,
			                                    err)) != REDRESS_OK)
				break;
			date_shift(items[i].due_on, -in->proof_every_months, -in->proof_window_days, needed);
			if (proof[0] == '\0' || strcmp(proof, needed) < 0) {
				if (items[i].state == ENTITLEMENT_SCHEDULED) {
					run->held++;
					rc = state_event(log, items[i].id, ENTITLEMENT_HELD, err);
				}
				continue;
			}
		}
		if ((rc = wished_state(tlog_store(log), items[i].beneficiary, &want, err)) != REDRESS_OK)
			break;
		run->released++;
		rc = state_event(log, items[i].id, want, err);
	}
	free(items);
	return rc;
}

/* Books one claim/beneficiary pair (a sink of owed_one). */
static enum redress_err
book_one(void *ctx, const struct program *p, const struct claim *c, const char *beneficiary, int64_t amount,
         enum entitlement_basis basis, struct entitlements_run *run, struct redress_error *err)
{
	struct tlog *log = ctx;
	struct entitlement e;
	enum entitlement_state want;
	enum redress_err rc;

	/* Only claims with no entitlement yet come here (reconcile_claim), so the pair is new. */
	if (p->rules.form == PROGRAM_FORM_INSTALMENTS)
		return book_schedule(log, p, c, beneficiary, amount, basis, run, err);
	if ((rc = wished_state(tlog_store(log), beneficiary, &want, err)) != REDRESS_OK)
		return rc;
	memset(&e, 0, sizeof(e));
	snprintf(e.id, sizeof(e.id), "E-%s-%s", c->id, beneficiary);
	snprintf(e.claim, sizeof(e.claim), "%s", c->id);
	snprintf(e.program, sizeof(e.program), "%s", p->code);
	e.program_version = p->version;
	snprintf(e.beneficiary, sizeof(e.beneficiary), "%s", beneficiary);
	memcpy(e.currency, p->currency, sizeof(e.currency));
	e.amount = amount;
	e.basis = basis;
	e.state = want;
	if ((rc = book_event(log, &e, err)) != REDRESS_OK)
		return rc;
	run->booked++;
	if (want == ENTITLEMENT_DECLINED)
		run->declined++;
	return money_add(run->total, amount, &run->total, err);
}

/*
 * The run's payable: one ledger transfer of everything it booked, from the
 * program's payable account to its expense account.  The fund owes it all,
 * declined entitlements included (kept for the person, should she accept);
 * the entitlements table is the subsidiary ledger that says to whom.
 */
static enum redress_err
book_payable(struct tlog *log, const struct program *p, const struct entitlements_run *run,
             struct redress_error *err)
{
	char id[LEDGER_ID_MAX + 1], amount[MONEY_TEXT_SIZE], ref[LEDGER_REF_MAX + 1];
	struct ledger_transfer_request req;
	uint64_t next;
	enum redress_err rc;

	if (run->total == 0)
		return REDRESS_OK;
	/* Named after the run's first event position: unique, and found again from the log. */
	if ((rc = tlog_size(log, &next, err)) != REDRESS_OK)
		return rc;
	snprintf(id, sizeof(id), "E-RUN-%llu", (unsigned long long)next);
	snprintf(ref, sizeof(ref), "%.64s: %llu entitlements", p->code, (unsigned long long)run->booked);
	money_format(run->total, currency_find(p->currency, NULL), amount, sizeof(amount));
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.from = p->payable;
	req.to = p->expense;
	req.amount = amount;
	req.ref = ref;
	return ledger_transfer_create(log, &req, NULL, NULL, err);
}

/* A claim's approved harms, as indexes into its program's. */
struct harm_pick {
	const struct program *p;
	int index[PROGRAM_HARMS_MAX];
	size_t n;
};

static void
unresolved(struct entitlements_run *run, const char *claim, const char *why)
{
	if (run->unresolved++ == 0)
		snprintf(run->first_unresolved, sizeof(run->first_unresolved), "claim %s: %s", claim, why);
}

/*
 * A claim computed before is not computed again (what happened since, a
 * death, went through entitlements_on_death); its entitlements only follow
 * their beneficiaries' latest wishes.  *done_r is 1 when it had any.
 */
static enum redress_err
reconcile_claim(struct tlog *log, const struct claim *c, struct entitlements_run *run, int *done_r,
                struct redress_error *err)
{
	struct entitlement *items = NULL;
	enum entitlement_state want;
	enum redress_err rc;
	size_t n = 0, i;

	if ((rc = entitlements_of_claim(tlog_store(log), c->id, &items, &n, err)) != REDRESS_OK)
		return rc;
	*done_r = n > 0;
	for (i = 0; rc == REDRESS_OK && i < n; i++) {
		/* Moved, batched and paid ones are out of the person's wish's reach. */
		if (items[i].state != ENTITLEMENT_QUEUED && items[i].state != ENTITLEMENT_DECLINED &&
		    items[i].state != ENTITLEMENT_RETURNED)
			continue;
		if ((rc = wished_state(tlog_store(log), items[i].beneficiary, &want, err)) != REDRESS_OK)
			break;
		/* A returned one that she still accepts stays returned, with the bank's reason. */
		if (want == items[i].state ||
		    (want == ENTITLEMENT_QUEUED && items[i].state == ENTITLEMENT_RETURNED)) {
			run->skipped++;
			continue;
		}
		run->changed++;
		rc = state_event(log, items[i].id, want, err);
	}
	free(items);
	return rc;
}

static enum redress_err
approved_harm(void *ctx, const struct claim_harm *h, struct redress_error *err)
{
	struct harm_pick *pick = ctx;
	int i = program_harm_find(pick->p, h->harm);

	if (h->state != CLAIM_HARM_APPROVED)
		return REDRESS_OK;
	if (i < 0)
		return error_set(err, REDRESS_E_INTERNAL,
		                 "claim %s names harm '%s', which program '%s' lacks", h->claim, h->harm,
		                 pick->p->code);
	if (pick->n == PROGRAM_HARMS_MAX)
		return error_set(err, REDRESS_E_INTERNAL, "claim %s names more harms than its program has",
		                 h->claim);
	pick->index[pick->n++] = i;
	return REDRESS_OK;
}

/*
 * What a claim under a program that pays by harm is owed: its approved
 * harms, combined and capped per family, valued today.  *none_r is 1 (and
 * the run says why) when no harm is approved.
 */
static enum redress_err
harms_amount(struct store *store, const struct program *p, const struct claim *c,
             struct entitlements_run *run, int64_t *amount_r, int *none_r, struct redress_error *err)
{
	struct harm_pick pick;
	char today[11];
	int64_t uncapped;
	enum redress_err rc;

	memset(&pick, 0, sizeof(pick));
	pick.p = p;
	*none_r = 0;
	if ((rc = claim_harm_each(store, c->id, approved_harm, &pick, err)) != REDRESS_OK)
		return rc;
	if (pick.n == 0) {
		*none_r = 1;
		unresolved(run, c->id, "no harm is approved: reviewers approve each harm the claim names");
		return REDRESS_OK;
	}
	entitlements_today(today);
	/* One claim per victim and program: nothing is held for her family before it. */
	if ((rc = program_harms_amount(p, pick.index, pick.n, today, 0, amount_r, &uncapped, err)) !=
	    REDRESS_OK)
		return rc;
	return money_add(run->capped, uncapped - *amount_r, &run->capped, err);
}

/*
 * *merged_r is 1 (and the run says why) when who, the claim's victim or
 * one of her heirs, was merged into another person (domain/dups): the same
 * real person would be paid on two files, so staff decide on the other's.
 */
static enum redress_err
merged_away(struct tlog *log, const struct claim *c, const char *who, const char *as,
            struct entitlements_run *run, int *merged_r, struct redress_error *err)
{
	char into[REGISTRY_PSEUDONYM_MAX + 1], why[128];
	enum redress_err rc;

	*merged_r = 0;
	if (run->none_merged)
		return REDRESS_OK;
	if ((rc = dups_merged_into_log(log, who, into, NULL, err)) != REDRESS_OK || into[0] == '\0')
		return rc;
	*merged_r = 1;
	snprintf(why, sizeof(why), "its %s %s was merged into %s: decide it on %s's file", as, who, into,
	         into);
	unresolved(run, c->id, why);
	return REDRESS_OK;
}

enum redress_err
entitlements_owe_claim(struct tlog *log, const struct program *p, const struct claim *c,
                       struct entitlements_run *run, const struct entitlements_sink *sink,
                       struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct registry_person victim;
	struct heirs *h = NULL;
	char why[128];
	enum entitlement_basis basis;
	int64_t amount, survivor, bereaved;
	int died_by_cutoff, none, merged = 0;
	enum redress_err rc;
	size_t i;

	if ((rc = registry_get(store, c->victim, &victim, err)) != REDRESS_OK)
		return rc;
	if (victim.status == REGISTRY_ERASED) {
		unresolved(run, c->id, "the victim's file has been erased");
		return REDRESS_OK;
	}
	if ((rc = merged_away(log, c, c->victim, "victim", run, &merged, err)) != REDRESS_OK || merged)
		return rc;
	survivor = p->survivor_amount;
	bereaved = p->bereaved_amount;
	if (p->rules.nharms > 0) {
		if ((rc = harms_amount(store, p, c, run, &survivor, &none, err)) != REDRESS_OK || none)
			return rc;
		bereaved = survivor;
	}
	died_by_cutoff = entitlements_died_by_cutoff(p, &victim);
	if (!died_by_cutoff && victim.status == REGISTRY_ALIVE)
		return owed_one(store, p, c, victim.pseudonym, survivor, ENTITLEMENT_SURVIVOR, run, sink,
		                err);
	/*
	 * Her own schedule would have stopped at her death (stops_at_death), so
	 * nothing of it passes to her heirs; casework_eligible leaves them off
	 * the outreach list by the same rule.
	 */
	if (!died_by_cutoff && p->rules.form == PROGRAM_FORM_INSTALMENTS &&
	    p->rules.instalments.at_death == PROGRAM_AT_DEATH_STOP) {
		run->ended_at_death++;
		return REDRESS_OK;
	}
	/* Her heirs share: the bereaved amount, or her own if she died after the cutoff. */
	amount = died_by_cutoff ? bereaved : survivor;
	basis = died_by_cutoff ? ENTITLEMENT_BEREAVED : ENTITLEMENT_INHERITED;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	rc = heirs_split(store, victim.pseudonym, amount, h, why, sizeof(why), err);
	if (rc == REDRESS_E_NOTFOUND || rc == REDRESS_E_INVALID) {
		unresolved(run, c->id, why);
		rc = REDRESS_OK;
		goto out;
	}
	/* An heir merged away: her share would be paid on two files; nothing is booked until decided. */
	for (i = 0; rc == REDRESS_OK && !merged && i < h->n; i++)
		rc = merged_away(log, c, h->who[i], "heir", run, &merged, err);
	for (i = 0; rc == REDRESS_OK && !merged && i < h->n; i++)
		rc = owed_one(store, p, c, h->who[i], h->parts[i], basis, run, sink, err);
out:
	free(h);
	return rc;
}

/* Books one approved claim by the program's rules. */
static enum redress_err
compute_claim(struct tlog *log, const struct program *p, const struct claim *c, struct entitlements_run *run,
              struct redress_error *err)
{
	const struct entitlements_sink book = {book_one, log};
	enum redress_err rc;
	int done;

	if ((rc = reconcile_claim(log, c, run, &done, err)) != REDRESS_OK || done)
		return rc;
	return entitlements_owe_claim(log, p, c, run, &book, err);
}

/* The approved claims of a program, collected before any is booked. */
struct claim_list {
	size_t n, cap;
	struct claim *items;
};

static enum redress_err
collect_claim(void *ctx, const struct claim *c, struct redress_error *err)
{
	struct claim_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct claim *items = realloc(l->items, cap * sizeof(*items));

		if (items == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory listing claims");
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n++] = *c;
	return REDRESS_OK;
}

/* Refuses a run that would leave the fund owing more than it holds. */
static enum redress_err
check_commitment(struct tlog *log, const struct program *p, struct redress_error *err)
{
	const struct currency *cur = currency_find(p->currency, NULL);
	char have[MONEY_TEXT_SIZE], owe[MONEY_TEXT_SIZE], short_by[MONEY_TEXT_SIZE];
	struct ledger_account fund, payable;
	int64_t fund_posted, fund_available, owed_posted, owed, shortfall;
	enum redress_err rc;

	if ((rc = ledger_account_current(log, p->fund, &fund, err)) != REDRESS_OK ||
	    (rc = ledger_account_current(log, p->payable, &payable, err)) != REDRESS_OK ||
	    (rc = ledger_balance(&fund, &fund_posted, &fund_available, err)) != REDRESS_OK ||
	    (rc = ledger_balance(&payable, &owed_posted, &owed, err)) != REDRESS_OK)
		return rc;
	if (fund_available >= owed)
		return REDRESS_OK;
	if ((rc = money_sub(owed, fund_available, &shortfall, err)) != REDRESS_OK)
		return rc;
	money_format(fund_available, cur, have, sizeof(have));
	money_format(owed, cur, owe, sizeof(owe));
	money_format(shortfall, cur, short_by, sizeof(short_by));
	return error_set(
	    err, REDRESS_E_REFUSED,
	    "the fund '%s' holds %s %s but would owe %s %s: it falls short by %s %s; nothing was booked",
	    p->fund, have, p->currency, owe, p->currency, short_by, p->currency);
}

static enum redress_err move_to_heirs(struct tlog *log, const char *pseudonym, uint64_t *moved_r,
                                      int *unresolved_r, struct redress_error *err);

/* The deceased among a program's unpaid beneficiaries (few: people die one at a time). */
struct deceased_list {
	struct store *store;
	size_t n, cap;
	char (*who)[REGISTRY_PSEUDONYM_MAX + 1];
};

static enum redress_err
collect_deceased(void *ctx, const char *beneficiary, struct redress_error *err)
{
	struct deceased_list *l = ctx;
	struct registry_person p;
	enum redress_err rc;

	if ((rc = registry_get(l->store, beneficiary, &p, err)) != REDRESS_OK)
		return rc;
	if (p.status != REGISTRY_DECEASED)
		return REDRESS_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		char(*who)[REGISTRY_PSEUDONYM_MAX + 1] = realloc(l->who, cap * sizeof(*who));

		if (who == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory");
		l->who = who;
		l->cap = cap;
	}
	snprintf(l->who[l->n++], sizeof(l->who[0]), "%s", beneficiary);
	return REDRESS_OK;
}

static enum redress_err
move_deceased(struct tlog *log, const char *program, struct entitlements_run *run, struct redress_error *err)
{
	struct deceased_list l = {tlog_store(log), 0, 0, NULL};
	enum redress_err rc;
	uint64_t moved;
	int open;
	size_t i;

	rc = entitlements_unpaid_beneficiaries(tlog_store(log), program, collect_deceased, &l, err);
	for (i = 0; rc == REDRESS_OK && i < l.n; i++) {
		rc = move_to_heirs(log, l.who[i], &moved, &open, err);
		run->changed += moved;
		if (rc == REDRESS_OK && open && run->unresolved++ == 0)
			snprintf(run->first_unresolved, sizeof(run->first_unresolved),
			         "%s has died unpaid and her heirs are not recorded (shares adding up to 1)",
			         l.who[i]);
	}
	free(l.who);
	return rc;
}

enum redress_err
entitlements_compute(struct tlog *log, const struct actor *actor, const char *program,
                     struct entitlements_run *run_r, struct redress_error *err)
{
	struct claim_list claims = {0, 0, NULL};
	struct program p;
	enum redress_err rc;
	size_t i;
	int merged;

	memset(run_r, 0, sizeof(*run_r));
	if ((rc = users_require(actor, PERM_ENTITLEMENTS_RUN, err)) != REDRESS_OK ||
	    (rc = program_get(tlog_store(log), program, &p, err)) != REDRESS_OK ||
	    (rc = dups_any_merged_log(log, &merged, err)) != REDRESS_OK)
		return rc;
	run_r->none_merged = !merged;
	if ((rc = claim_each(tlog_store(log), CLAIM_APPROVED, program, collect_claim, &claims, err)) !=
	    REDRESS_OK)
		goto out;
	for (i = 0; rc == REDRESS_OK && i < claims.n; i++)
		rc = compute_claim(log, &p, &claims.items[i], run_r, err);
	/* Beneficiaries who died unpaid, whose heirs were recorded only later. */
	if (rc == REDRESS_OK)
		rc = move_deceased(log, program, run_r, err);
	/* Instalments due: released with a proof of life, held without. */
	if (rc == REDRESS_OK)
		rc = release_due(log, &p, run_r, err);
	if (rc == REDRESS_OK)
		rc = book_payable(log, &p, run_r, err);
	if (rc == REDRESS_OK)
		rc = check_commitment(log, &p, err);
out:
	free(claims.items);
	return rc;
}

/* The queued entitlements of one beneficiary, collected before any is moved. */
struct entitlement_list {
	size_t n, cap;
	struct entitlement *items;
};

/*
 * An instalment whose schedule stops at its beneficiary's death: under
 * "at_death": "stop" every unpaid one, under "heirs" those not due yet.
 * Stops it (*stop_r 1) and takes its amount back out of the payable (a
 * ledger transfer from the expense account to the payable one).  prog is
 * a cache: the program last loaded.
 */
static enum redress_err
stops_at_death(struct tlog *log, const struct entitlement *e, struct program *prog, int *stop_r,
               struct redress_error *err)
{
	char id[LEDGER_ID_MAX + 1], amount[MONEY_TEXT_SIZE], ref[LEDGER_REF_MAX + 1];
	struct ledger_transfer_request req;
	uint64_t next;
	enum redress_err rc;

	*stop_r = 0;
	if (e->due_on[0] == '\0')
		return REDRESS_OK;
	if (strcmp(prog->code, e->program) != 0 &&
	    (rc = program_get(tlog_store(log), e->program, prog, err)) != REDRESS_OK)
		return rc;
	if (prog->rules.instalments.at_death == PROGRAM_AT_DEATH_HEIRS && e->state != ENTITLEMENT_SCHEDULED)
		return REDRESS_OK;
	*stop_r = 1;
	if ((rc = state_event(log, e->id, ENTITLEMENT_STOPPED, err)) != REDRESS_OK ||
	    (rc = tlog_size(log, &next, err)) != REDRESS_OK)
		return rc;
	/* Named after its event position, as a run's payable is: unique, and found again from the log. */
	snprintf(id, sizeof(id), "E-STOP-%llu", (unsigned long long)next);
	snprintf(ref, sizeof(ref), "%.64s: %.64s stopped at death", prog->code, e->id);
	money_format(e->amount, currency_find(prog->currency, NULL), amount, sizeof(amount));
	memset(&req, 0, sizeof(req));
	req.id = id;
	req.from = prog->expense;
	req.to = prog->payable;
	req.amount = amount;
	req.ref = ref;
	return ledger_transfer_create(log, &req, NULL, NULL, err);
}

/* Moves pseudonym's unpaid entitlements to her heirs; the caller checked the permission. */
static enum redress_err
move_to_heirs(struct tlog *log, const char *pseudonym, uint64_t *moved_r, int *unresolved_r,
              struct redress_error *err)
{
	struct entitlement_list list = {0, 0, NULL};
	struct heirs *h = NULL;
	struct program *prog = NULL;
	char why[128];
	enum redress_err rc;
	size_t i, k;

	if (moved_r != NULL)
		*moved_r = 0;
	if (unresolved_r != NULL)
		*unresolved_r = 0;
	if ((rc = entitlements_of(tlog_store(log), pseudonym, &list.items, &list.n, err)) != REDRESS_OK)
		return rc;
	if (list.n == 0)
		goto out;
	if ((h = calloc(1, sizeof(*h))) == NULL || (prog = calloc(1, sizeof(*prog))) == NULL) {
		rc = error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < list.n; i++) {
		struct entitlement *e = &list.items[i];
		int stop;

		if ((rc = stops_at_death(log, e, prog, &stop, err)) != REDRESS_OK)
			goto out;
		if (stop)
			continue;
		rc = heirs_split(tlog_store(log), pseudonym, e->amount, h, why, sizeof(why), err);
		if (rc == REDRESS_E_NOTFOUND || rc == REDRESS_E_INVALID) {
			/* Stays queued, visibly owed, until heirs are recorded and the death is re-run. */
			if (unresolved_r != NULL)
				*unresolved_r = 1;
			rc = REDRESS_OK;
			continue;
		}
		if (rc != REDRESS_OK || (rc = state_event(log, e->id, ENTITLEMENT_MOVED, err)) != REDRESS_OK)
			goto out;
		for (k = 0; k < h->n; k++) {
			struct entitlement heir = *e;

			if (h->parts[k] == 0)
				continue;
			if (snprintf(heir.id, sizeof(heir.id), "%s-%s", e->id, h->who[k]) >=
			    (int)sizeof(heir.id)) {
				rc = error_set(err, REDRESS_E_OVERFLOW,
				               "entitlement id for %s's heir too long", e->id);
				goto out;
			}
			snprintf(heir.beneficiary, sizeof(heir.beneficiary), "%s", h->who[k]);
			snprintf(heir.from, sizeof(heir.from), "%s", e->id);
			heir.due_on[0] = '\0'; /* due already: the heirs' share is owed now */
			heir.amount = h->parts[k];
			heir.basis = ENTITLEMENT_INHERITED;
			if ((rc = wished_state(tlog_store(log), heir.beneficiary, &heir.state, err)) !=
			        REDRESS_OK ||
			    (rc = book_event(log, &heir, err)) != REDRESS_OK)
				goto out;
		}
		if (moved_r != NULL)
			(*moved_r)++;
	}
out:
	free(h);
	free(prog);
	free(list.items);
	return rc;
}

enum redress_err
entitlements_on_death(struct tlog *log, const struct actor *actor, const char *pseudonym, uint64_t *moved_r,
                      int *unresolved_r, struct redress_error *err)
{
	enum redress_err rc;

	if (moved_r != NULL)
		*moved_r = 0;
	if (unresolved_r != NULL)
		*unresolved_r = 0;
	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK)
		return rc;
	return move_to_heirs(log, pseudonym, moved_r, unresolved_r, err);
}

enum redress_err
entitlements_proof_record(struct tlog *log, const struct actor *actor, const char *person, const char *on,
                          struct redress_error *err)
{
	struct registry_person who;
	char today[11];
	struct buf data;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = registry_date_check("the proof's date", on, err)) != REDRESS_OK ||
	    (rc = registry_get(tlog_store(log), person, &who, err)) != REDRESS_OK)
		return rc;
	entitlements_today(today);
	if (strcmp(on, today) > 0)
		return error_set(err, REDRESS_E_INVALID, "the proof's date %s is in the future", on);
	if (who.status != REGISTRY_ALIVE)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "%s is not alive in the registry: a proof of life cannot be recorded",
		                 person);
	buf_init(&data, EVENT_DATA_MAX);
	if ((rc = entitlements_encode_proof(&data, who.pseudonym, on, err)) == REDRESS_OK)
		rc = tlog_append_apply(log, &entitlements_module, ENTITLEMENTS_EV_PROOF, &data, NULL, err);
	buf_free(&data);
	return rc;
}
