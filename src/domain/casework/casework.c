/*
 * casework.c -- casework's commands (check the actor, validate, seal with
 * her key, append the event, apply it) and its reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/casework/casework_int.h"
#include "domain/programs/programs.h"

/* Appends the event and applies it through casework_replay() (tlog_append_apply). */
static enum redress_err
append_apply(struct tlog *log, const char *type, struct buf *data, uint64_t *seq_r, struct redress_error *err)
{
	return tlog_append_apply(log, &casework_module, type, data, seq_r, err);
}

/* A person whose file may still be written: registered, not erased. */
static enum redress_err
person_live(struct store *store, const char *pseudonym, struct redress_error *err)
{
	struct registry_person p;
	enum redress_err rc;

	if ((rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if (p.status == REGISTRY_ERASED)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "%s was erased: nothing more can be recorded of this person", pseudonym);
	return REDRESS_OK;
}

/*
 * Text written about her (a note may run over lines): required, at most
 * CASEWORK_TEXT_MAX bytes, valid UTF-8, no control character but line
 * breaks and tabs.
 */
static enum redress_err
text_ok(const char *what, const char *text, struct redress_error *err)
{
	size_t i, len, line = 1;

	if (text == NULL || text[0] == '\0')
		return error_set(err, REDRESS_E_INVALID, "%s is empty", what);
	len = strlen(text);
	if (len > CASEWORK_TEXT_MAX)
		return error_set(err, REDRESS_E_INVALID, "%s is %zu bytes long; the limit is %d", what, len,
		                 CASEWORK_TEXT_MAX);
	if (!text_utf8_valid(text, len))
		return error_set(err, REDRESS_E_INVALID, "%s is not valid UTF-8", what);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n')
			line++;
		else if ((ch < 0x20 && ch != '\t' && ch != '\r') || ch == 0x7f)
			return error_set(err, REDRESS_E_INVALID,
			                 "%s has a control character 0x%02x on line %zu", what, ch, line);
	}
	return REDRESS_OK;
}

/*
 * One member of an event's data, in the order the event keeps them (by
 * key): text in clear (NULL: null), or sealed with her key under field
 * when field is given, or the number num when text and field are NULL and
 * is_num is set.
 */
struct member {
	const char *key, *text, *field;
	int64_t num;
	int is_num;
};

/*
 * The common path of a casework command: checks that pseudonym (NULL for
 * none) may still be written, seals the members that ask for it with her
 * key, writes the n members as the event's data and appends and applies
 * the event of type; *seq_r (may be NULL) gets its number.
 */
static enum redress_err
record(struct tlog *log, const struct registry_keys *keys, const char *pseudonym, const char *type,
       const struct member *m, size_t n, uint64_t *seq_r, struct redress_error *err)
{
	struct seal_key *key = NULL;
	struct buf sealed, data;
	struct canon c;
	size_t i;
	enum redress_err rc = REDRESS_OK;

	buf_init(&sealed, SEAL_PLAIN_MAX);
	buf_init(&data, CW_EVENT_DATA_MAX);
	if (pseudonym != NULL && (rc = person_live(tlog_store(log), pseudonym, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	for (i = 0; i < n && rc == REDRESS_OK; i++) {
		canon_key(&c, m[i].key);
		if (m[i].is_num) {
			canon_int(&c, m[i].num);
		} else if (m[i].text == NULL) {
			canon_null(&c);
		} else if (m[i].field == NULL) {
			canon_string(&c, m[i].text);
		} else {
			/* One sealed member at most: her key is opened for it alone. */
			if ((key == NULL && (rc = registry_data_key(tlog_store(log), keys, pseudonym, &key,
			                                            err)) != REDRESS_OK) ||
			    (rc = registry_seal_text(key, pseudonym, m[i].field, m[i].text, &sealed, err)) !=
			        REDRESS_OK)
				break;
			canon_string(&c, sealed.data);
		}
	}
	canon_object_end(&c);
	if (rc == REDRESS_OK && (rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, type, &data, seq_r, err);
out:
	seal_key_free(&key);
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}

enum redress_err
casework_note_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                  const char *pseudonym, const char *text, uint64_t *note_r, struct redress_error *err)
{
	const struct member m[] = {{"pseudonym", pseudonym, NULL, 0, 0}, {"text", text, "note", 0, 0}};
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = text_ok("the note", text, err)) != REDRESS_OK)
		return rc;
	return record(log, keys, pseudonym, CW_EV_NOTE, m, 2, note_r, err);
}

/* CW_Q_NOTE_GET's row: the note's person and its sealed text, borrowed. */
struct note_row {
	const char *pseudonym, *sealed;
};

static const struct store_field note_fields[] = {STORE_FIELD_TEXT(struct note_row, pseudonym),
                                                 STORE_FIELD_TEXT(struct note_row, sealed)};

enum redress_err
casework_note_open(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                   uint64_t note, const char *reason, char pseudonym_r[REGISTRY_PSEUDONYM_MAX + 1],
                   struct buf *text_r, struct redress_error *err)
{
	struct store *store = tlog_store(log);
	struct seal_key *key = NULL;
	struct note_row row;
	struct store_stmt *st;
	enum redress_err rc;

	buf_init_secret(text_r, SEAL_PLAIN_MAX);
	if ((rc = users_require(actor, PERM_PERSONS_REVEAL, err)) != REDRESS_OK)
		return rc;
	if (reason == NULL || reason[0] == '\0')
		return error_set(err, REDRESS_E_INVALID, "opening a note needs a reason: why it is read");
	if ((rc = text_check("reason", reason, REGISTRY_TEXT_MAX, err)) != REDRESS_OK)
		return rc;
	if (note == 0 || note > INT64_MAX)
		return error_set(err, REDRESS_E_INVALID, "a note's number is a positive integer");
	if ((st = store_statement(store, &casework_catalogue, CW_Q_NOTE_GET, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, (int64_t)note);
	switch (store_read(st, note_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no note %llu (see 'redress note list PSEUDONYM')",
		                 (unsigned long long)note);
	default: return err->code;
	}
	text_copy(pseudonym_r, REGISTRY_PSEUDONYM_MAX + 1, row.pseudonym);
	if ((rc = registry_data_key(store, keys, pseudonym_r, &key, err)) != REDRESS_OK ||
	    (rc = registry_open_text(key, pseudonym_r, "note", row.sealed, text_r, err)) != REDRESS_OK)
		goto out;
	store_done(st);
	{
		const struct member m[] = {{"note", NULL, NULL, (int64_t)note, 1},
		                           {"pseudonym", pseudonym_r, NULL, 0, 0},
		                           {"reason", reason, "note-reason", 0, 0}};

		rc = record(log, keys, pseudonym_r, CW_EV_NOTE_OPENED, m, 3, NULL, err);
	}
out:
	store_done(st);
	seal_key_free(&key);
	if (rc != REDRESS_OK) {
		buf_free(text_r);
		buf_init_secret(text_r, SEAL_PLAIN_MAX);
	}
	return rc;
}

/* The reads' common columns (CW_Q_NOTES ... CW_Q_GRIEVANCES), each text cut to its field as before. */
static const struct store_field item_fields[] = {
    STORE_FIELD(struct casework_item, seq),        STORE_FIELD_CUT(struct casework_item, pseudonym),
    STORE_FIELD_CUT(struct casework_item, actor),  STORE_FIELD_CUT(struct casework_item, at),
    STORE_FIELD_CUT(struct casework_item, due),    STORE_FIELD_CUT(struct casework_item, assignee),
    STORE_FIELD_CUT(struct casework_item, kind),   STORE_FIELD_CUT(struct casework_item, outcome),
    STORE_FIELD(struct casework_item, closed_seq), STORE_FIELD_CUT(struct casework_item, closed_at),
    STORE_FIELD(struct casework_item, opened),     STORE_FIELD_TEXT(struct casework_item, sealed),
};

/* What items_each hands store_each: the caller's function and its context. */
struct item_call {
	casework_fn fn;
	void *ctx;
};

/* Calls fn with an item (a struct casework_item) and returns what it does. */
static enum redress_err
item_call(void *arg, void *row, struct redress_error *err)
{
	const struct item_call *call = arg;

	return call->fn(call->ctx, row, err);
}

/* Steps st and calls fn with each row as an item (the reads' common columns). */
static enum redress_err
items_each(struct store_stmt *st, casework_fn fn, void *ctx, struct redress_error *err)
{
	struct item_call call = {fn, ctx};
	struct casework_item item;

	memset(&item, 0, sizeof(item));
	return store_each(st, item_fields, &item, item_call, &call, err);
}

/* A read of one person's items: she must be registered. */
static enum redress_err
person_items(struct store *store, unsigned q, const char *pseudonym, casework_fn fn, void *ctx,
             struct redress_error *err)
{
	struct registry_person p;
	struct store_stmt *st;
	enum redress_err rc;

	if (pseudonym != NULL && (rc = registry_get(store, pseudonym, &p, err)) != REDRESS_OK)
		return rc;
	if ((st = store_statement(store, &casework_catalogue, q, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	return items_each(st, fn, ctx, err);
}

enum redress_err
casework_notes_each(struct store *store, const char *pseudonym, casework_fn fn, void *ctx,
                    struct redress_error *err)
{
	return person_items(store, CW_Q_NOTES, pseudonym, fn, ctx, err);
}

enum redress_err
casework_contacts_each(struct store *store, const char *pseudonym, casework_fn fn, void *ctx,
                       struct redress_error *err)
{
	return person_items(store, CW_Q_CONTACTS, pseudonym, fn, ctx, err);
}

enum redress_err
casework_person_grievances_each(struct store *store, const char *pseudonym, casework_fn fn, void *ctx,
                                struct redress_error *err)
{
	return person_items(store, CW_Q_PERSON_GRIEVANCES, pseudonym, fn, ctx, err);
}

enum redress_err
casework_referrals_each(struct store *store, const char *pseudonym, casework_fn fn, void *ctx,
                        struct redress_error *err)
{
	return person_items(store, CW_Q_REFERRALS, pseudonym, fn, ctx, err);
}

/* Today, UTC, "YYYY-MM-DD". */
static void
today(char out[11])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, 11, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
	         tm.tm_mday % 100);
}

enum redress_err
casework_task_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                  const char *pseudonym, const char *due, const char *what, const char *assignee,
                  uint64_t *task_r, struct redress_error *err)
{
	char now[11];
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = text_ok("what the task is", what, err)) != REDRESS_OK ||
	    (rc = registry_date_check("due date", due, err)) != REDRESS_OK)
		return rc;
	today(now);
	if (strcmp(due, now) < 0)
		return error_set(err, REDRESS_E_INVALID, "due date %s is in the past (today is %s)", due,
		                 now);
	if (assignee != NULL) {
		struct users_account acct;
		struct actor who;

		memset(&who, 0, sizeof(who));
		if ((rc = users_name_check(assignee, err)) != REDRESS_OK ||
		    (rc = users_account_get(tlog_store(log), assignee, &acct, err)) != REDRESS_OK)
			return error_prefix(err, "--for");
		who.role = acct.role;
		text_copy(who.name, sizeof(who.name), assignee);
		if (!users_allows(&who, PERM_PERSONS_WRITE))
			return error_set(
			    err, REDRESS_E_INVALID,
			    "--for: account '%s' (%s) does not work on persons' files; give the task to a"
			    " caseworker",
			    assignee, users_role_name(who.role));
	}
	{
		const struct member m[] = {{"due", due, NULL, 0, 0},
		                           {"for", assignee, NULL, 0, 0},
		                           {"pseudonym", pseudonym, NULL, 0, 0},
		                           {"what", what, "task", 0, 0}};

		return record(log, keys, pseudonym, CW_EV_TASK, m, 4, task_r, err);
	}
}

/* Closes a task (its number under key) or resolves a grievance (with its outcome sealed for pseudonym). */
static enum redress_err
close_item(struct tlog *log, const struct registry_keys *keys, const char *type, const char *key,
           uint64_t ref, const char *pseudonym, const char *outcome, struct redress_error *err)
{
	/* The field an outcome is sealed for: "grievance-outcome", "referral-outcome". */
	int referral = strcmp(key, "referral") == 0;
	const char *field = referral ? "referral-outcome" : "grievance-outcome";
	/* Canonical JSON: members in key order ("grievance" < "outcome" < "referral"). */
	const struct member m[] = {{key, NULL, NULL, (int64_t)ref, 1}, {"outcome", outcome, field, 0, 0}};
	const struct member r[] = {{"outcome", outcome, field, 0, 0}, {key, NULL, NULL, (int64_t)ref, 1}};

	return record(log, keys, outcome != NULL ? pseudonym : NULL, type, referral ? r : m,
	              outcome != NULL ? 2 : 1, NULL, err);
}

enum redress_err
casework_task_done(struct tlog *log, const struct actor *actor, uint64_t task, struct redress_error *err)
{
	char whose[REGISTRY_PSEUDONYM_MAX + 1];
	int closed = 0;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK)
		return rc;
	if (task == 0 || task > INT64_MAX)
		return error_set(err, REDRESS_E_INVALID, "a task's number is a positive integer");
	/* Checked before the event is written, as its replay checks it: a refusal appends nothing. */
	if ((rc = casework_ref_state(tlog_store(log), CW_Q_TASK_STATE, (int64_t)task, "task", whose, &closed,
	                             err)) != REDRESS_OK)
		return rc;
	if (closed)
		return error_set(err, REDRESS_E_CONFLICT, "task %llu is done already",
		                 (unsigned long long)task);
	return close_item(log, NULL, CW_EV_TASK_DONE, "task", task, NULL, NULL, err);
}

enum redress_err
casework_tasks_each(struct store *store, const struct casework_task_filter *f, casework_fn fn, void *ctx,
                    struct redress_error *err)
{
	struct store_stmt *st;
	char now[11];

	if ((st = store_statement(store, &casework_catalogue, CW_Q_TASKS, err)) == NULL)
		return err->code;
	today(now);
	store_bind_text(st, 1, f->assignee);
	store_bind_int64(st, 2, f->open || f->overdue);
	store_bind_text(st, 3, f->overdue ? now : NULL);
	return items_each(st, fn, ctx, err);
}

enum redress_err
casework_open_sealed(struct store *store, const struct registry_keys *keys, const char *pseudonym,
                     const char *field, const char *sealed, struct buf *out, struct redress_error *err)
{
	struct seal_key *key = NULL;
	enum redress_err rc;

	if ((rc = registry_data_key(store, keys, pseudonym, &key, err)) == REDRESS_OK)
		rc = registry_open_text(key, pseudonym, field, sealed, out, err);
	seal_key_free(&key);
	return rc;
}

enum redress_err
casework_contact_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                     const char *pseudonym, enum casework_channel channel, enum casework_outcome outcome,
                     const char *note, uint64_t *contact_r, struct redress_error *err)
{
	const struct member m[] = {{"channel", casework_channel_name(channel), NULL, 0, 0},
	                           {"note", note, "contact", 0, 0},
	                           {"outcome", casework_outcome_name(outcome), NULL, 0, 0},
	                           {"pseudonym", pseudonym, NULL, 0, 0}};
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (note != NULL && (rc = text_ok("the contact's note", note, err)) != REDRESS_OK))
		return rc;
	return record(log, keys, pseudonym, CW_EV_CONTACT, m, 4, contact_r, err);
}

enum redress_err
casework_referral_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                      const char *pseudonym, const char *party, const char *what, uint64_t *referral_r,
                      struct redress_error *err)
{
	const struct member m[] = {{"party", party, NULL, 0, 0},
	                           {"pseudonym", pseudonym, NULL, 0, 0},
	                           {"what", what, "referral", 0, 0}};
	char scope[REGISTRY_SCOPE_MAX + 1];
	enum redress_err rc;
	int given = 0;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = casework_word_check("party", party, CASEWORK_PARTY_MAX, err)) != REDRESS_OK ||
	    (rc = text_ok("what the referral is for", what, err)) != REDRESS_OK)
		return rc;
	/* Her consent, before anything is written (replay checks it again). */
	snprintf(scope, sizeof(scope), "share:%s", party);
	if ((rc = person_live(tlog_store(log), pseudonym, err)) != REDRESS_OK ||
	    (rc = registry_consent_given(tlog_store(log), pseudonym, scope, &given, err)) != REDRESS_OK)
		return rc;
	if (!given)
		return error_set(
		    err, REDRESS_E_REFUSED,
		    "%s has not consented to '%s': she is not referred to %s without it (see 'redress"
		    " consent grant')",
		    pseudonym, scope, party);
	/* Her consent to the share is checked again where the event is applied, so replay checks it too. */
	return record(log, keys, pseudonym, CW_EV_REFERRAL, m, 3, referral_r, err);
}

enum redress_err
casework_grievance_open(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                        const char *pseudonym, const char *channel, const char *about, uint64_t *grievance_r,
                        struct redress_error *err)
{
	const struct member m[] = {{"about", about, "grievance", 0, 0},
	                           {"channel", channel, NULL, 0, 0},
	                           {"pseudonym", pseudonym, NULL, 0, 0}};
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = casework_word_check("channel", channel, CASEWORK_CHANNEL_MAX, err)) != REDRESS_OK ||
	    (rc = text_ok("what the grievance is about", about, err)) != REDRESS_OK)
		return rc;
	return record(log, keys, pseudonym, CW_EV_GRIEVANCE, m, 3, grievance_r, err);
}

/* Records the outcome (sealed) that closes a grievance or a referral (k), numbered number. */
static enum redress_err
close_with_outcome(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                   const struct cw_closing *k, const char *type, uint64_t number, const char *outcome,
                   struct redress_error *err)
{
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	int closed = 0;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = text_ok("the outcome", outcome, err)) != REDRESS_OK)
		return rc;
	if (number == 0 || number > INT64_MAX)
		return error_set(err, REDRESS_E_INVALID, "a %s's number is a positive integer", k->what);
	if ((rc = casework_ref_state(tlog_store(log), k->state, (int64_t)number, k->what, pseudonym, &closed,
	                             err)) != REDRESS_OK)
		return rc;
	if (closed)
		return error_set(err, REDRESS_E_CONFLICT, "%s %llu is %s already", k->what,
		                 (unsigned long long)number, k->closed);
	return close_item(log, keys, type, k->what, number, pseudonym, outcome, err);
}

enum redress_err
casework_grievance_resolve(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                           uint64_t grievance, const char *outcome, struct redress_error *err)
{
	return close_with_outcome(log, actor, keys, casework_closing(CW_TABLE_GRIEVANCES_DONE),
	                          CW_EV_GRIEVANCE_RESOLVED, grievance, outcome, err);
}

enum redress_err
casework_referral_outcome(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                          uint64_t referral, const char *outcome, struct redress_error *err)
{
	return close_with_outcome(log, actor, keys, casework_closing(CW_TABLE_REFERRALS_DONE),
	                          CW_EV_REFERRAL_OUTCOME, referral, outcome, err);
}

int
casework_days_since(const char *at)
{
	struct tm tm;
	time_t then, now = time(NULL);
	int y, mo, d;

	if (at == NULL || sscanf(at, "%4d-%2d-%2d", &y, &mo, &d) != 3)
		return 0;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	then = timegm(&tm);
	if (then == (time_t)-1 || now <= then)
		return 0;
	return (int)((now - then) / 86400);
}

struct overdue_ctx {
	struct store *store;
	int days;             /* as casework_grievances_each's */
	struct cw_days *hers; /* the programs' limits, when days is not > 0 */
	casework_fn fn;
	void *ctx;
};

/* Gives the grievance its limit, and passes it on when listed (days 0) or overdue. */
static enum redress_err
overdue_one(void *ctx, const struct casework_item *item, struct redress_error *err)
{
	struct overdue_ctx *o = ctx;
	struct casework_item it = *item;
	enum redress_err rc;

	if (o->days > 0)
		it.limit_days = o->days;
	else if ((rc = casework_days_of(o->store, o->hers, item->pseudonym, &it.limit_days, err)) !=
	         REDRESS_OK)
		return rc;
	if (o->days != 0 && (it.closed_seq != 0 || casework_days_since(item->at) <= it.limit_days))
		return REDRESS_OK;
	return o->fn(o->ctx, &it, err);
}

enum redress_err
casework_grievances_each(struct store *store, int open, int days, casework_fn fn, void *ctx,
                         struct redress_error *err)
{
	struct cw_days hers;
	struct overdue_ctx o = {store, days, &hers, fn, ctx};
	struct store_stmt *st;
	enum redress_err rc;

	if (days < 0 && days != CASEWORK_DAYS_HERS)
		return error_set(err, REDRESS_E_INVALID, "a grievance's limit is a positive number of days");
	if ((rc = casework_days_load(store, CASEWORK_DAYS_GRIEVANCE, &hers, err)) != REDRESS_OK)
		goto out;
	if ((st = store_statement(store, &casework_catalogue, CW_Q_GRIEVANCES, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_int64(st, 1, open);
	rc = items_each(st, overdue_one, &o, err);
out:
	casework_days_free(&hers);
	return rc;
}

/* CW_Q_OUTREACH's columns, each text cut to its field. */
static const struct store_field outreach_fields[] = {
    STORE_FIELD_CUT(struct casework_outreach, pseudonym), STORE_FIELD_CUT(struct casework_outreach, kind),
    STORE_FIELD(struct casework_outreach, birth_year),    STORE_FIELD(struct casework_outreach, frailty),
    STORE_FIELD_CUT(struct casework_outreach, channel),   STORE_FIELD_CUT(struct casework_outreach, outcome),
    STORE_FIELD_CUT(struct casework_outreach, at),        STORE_FIELD(struct casework_outreach, attempts),
};

enum redress_err
casework_outreach_each(struct store *store, const char *program, uint64_t limit,
                       enum redress_err (*fn)(void *ctx, const struct casework_outreach *o,
                                              struct redress_error *err),
                       void *ctx, struct redress_error *err)
{
	struct casework_outreach o;
	struct registry_person person;
	struct program *prog;
	struct store_stmt *st = NULL;
	enum store_step_result r = STORE_DONE;
	uint64_t listed = 0;
	int eligible;
	enum redress_err rc;

	/* A program with its rules is some kilobytes: on the heap, not on a server thread's stack. */
	if ((prog = malloc(sizeof(*prog))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory reading program %s", program);
	if ((rc = program_get(store, program, prog, err)) != REDRESS_OK)
		goto out;
	if ((st = store_statement(store, &casework_catalogue, CW_Q_OUTREACH, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	memset(&o, 0, sizeof(o));
	while (listed < limit && (r = store_read(st, outreach_fields, &o, err)) == STORE_ROW) {
		memset(&person, 0, sizeof(person));
		text_copy(person.pseudonym, sizeof(person.pseudonym), o.pseudonym);
		person.kind = strcmp(o.kind, "victim") == 0 ? REGISTRY_VICTIM : REGISTRY_RELATIVE;
		person.status = REGISTRY_ALIVE;
		/* The program's own rules: its cutoff, what it pays, whom it excludes. */
		if ((rc = casework_eligible(store, prog, &person, &eligible, err)) != REDRESS_OK)
			goto out;
		if (!eligible)
			continue;
		listed++;
		if ((rc = fn(ctx, &o, err)) != REDRESS_OK)
			goto out;
	}
	rc = r == STORE_ERROR ? err->code : REDRESS_OK;
out:
	if (st != NULL)
		store_done(st);
	free(prog);
	return rc;
}

enum redress_err
casework_consult(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                 const char *pseudonym, enum registry_wish wish, const char *summary, uint64_t *task_r,
                 struct redress_error *err)
{
	char due[11];
	time_t when;
	struct tm tm;
	int days;
	enum redress_err rc;

	*task_r = 0;
	if ((rc = registry_consult(log, actor, keys, pseudonym, wish, summary, err)) != REDRESS_OK ||
	    wish != REGISTRY_WISH_UNDECIDED)
		return rc;
	/* When the programs she is eligible for say (the fund's 30 days when none does). */
	if ((rc = casework_person_days(tlog_store(log), pseudonym, CASEWORK_DAYS_ASK_AGAIN, &days, err)) !=
	    REDRESS_OK)
		return rc;
	when = time(NULL) + (time_t)days * 86400;
	gmtime_r(&when, &tm);
	snprintf(due, sizeof(due), "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
	         tm.tm_mday % 100);
	return casework_task_add(log, actor, keys, pseudonym, due,
	                         "Ask her again: she was undecided (recorded with the consultation).", NULL,
	                         task_r, err);
}
