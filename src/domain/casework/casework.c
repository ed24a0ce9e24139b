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

/*
 * Appends the event, reads its bytes back and applies them through
 * casework_replay(), as audit's replay does: the tables get exactly what
 * the log holds, its actor and time included.  *seq_r: the event's number.
 */
static enum redress_err
append_apply(struct tlog *log, const char *type, struct buf *data, uint64_t *seq_r, struct redress_error *err)
{
	const struct canon_node *root;
	struct canon_doc doc;
	struct buf bytes;
	struct event ev;
	uint64_t seq;
	enum redress_err rc;

	if ((rc = tlog_append_buf(log, type, data, &seq, err)) != REDRESS_OK)
		return rc;
	buf_init(&bytes, TLOG_EVENT_MAX);
	canon_doc_init(&doc);
	if ((rc = tlog_event_bytes(log, seq, &bytes, err)) != REDRESS_OK ||
	    (rc = canon_read(&doc, bytes.data, bytes.len, err)) != REDRESS_OK)
		goto out;
	root = canon_root(&doc);
	memset(&ev, 0, sizeof(ev));
	ev.seq = seq;
	ev.data = canon_find(root, "data");
	if ((rc = canon_get_string(root, "type", &ev.type, err)) != REDRESS_OK ||
	    (rc = canon_get_string(root, "actor", &ev.actor, err)) != REDRESS_OK ||
	    (rc = canon_get_string(root, "at", &ev.at, err)) != REDRESS_OK)
		goto out;
	if (ev.data == NULL || ev.data->type != CANON_OBJECT) {
		rc = error_set(err, REDRESS_E_INTERNAL, "event %llu has no data object",
		               (unsigned long long)seq);
		goto out;
	}
	if ((rc = casework_replay(tlog_store(log), &ev, err)) == REDRESS_OK && seq_r != NULL)
		*seq_r = seq;
out:
	canon_doc_free(&doc);
	buf_free(&bytes);
	return rc;
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
 * The common path of a command on a person's file: checks the actor and
 * the person, seals each of the n texts (texts[i] under field fields[i],
 * NULL left NULL) with her key into sealed[i], and leaves the rest to the
 * caller.  The caller frees sealed[0..n) with buf_free().
 */
static enum redress_err
seal_for(struct tlog *log, const struct registry_keys *keys, const char *pseudonym, size_t n,
         const char *const *fields, const char *const *texts, struct buf *sealed, struct redress_error *err)
{
	struct seal_key *key = NULL;
	size_t i;
	enum redress_err rc;

	for (i = 0; i < n; i++)
		buf_init(&sealed[i], SEAL_PLAIN_MAX);
	if ((rc = person_live(tlog_store(log), pseudonym, err)) != REDRESS_OK ||
	    (rc = registry_data_key(tlog_store(log), keys, pseudonym, &key, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < n && rc == REDRESS_OK; i++)
		if (texts[i] != NULL)
			rc = registry_seal_text(key, pseudonym, fields[i], texts[i], &sealed[i], err);
	seal_key_free(&key);
	return rc;
}

static void
opt_string(struct canon *c, const char *key, const char *s)
{
	canon_key(c, key);
	if (s != NULL)
		canon_string(c, s);
	else
		canon_null(c);
}

enum redress_err
casework_note_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                  const char *pseudonym, const char *text, uint64_t *note_r, struct redress_error *err)
{
	static const char *const fields[] = {"note"};
	const char *texts[] = {text};
	struct buf sealed[1], data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = text_ok("the note", text, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, CW_EVENT_DATA_MAX);
	if ((rc = seal_for(log, keys, pseudonym, 1, fields, texts, sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_key(&c, "text");
	canon_string(&c, sealed[0].data);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, CW_EV_NOTE, &data, note_r, err);
out:
	buf_free(&sealed[0]);
	buf_free(&data);
	return rc;
}

enum redress_err
casework_note_open(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                   uint64_t note, const char *reason, char pseudonym_r[REGISTRY_PSEUDONYM_MAX + 1],
                   struct buf *text_r, struct redress_error *err)
{
	static const char *const fields[] = {"note-reason"};
	const char *texts[] = {reason};
	struct store *store = tlog_store(log);
	struct seal_key *key = NULL;
	struct buf sealed[1], data;
	struct store_stmt *st;
	struct canon c;
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
	switch (store_step(st, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no note %llu (see 'redress note list PSEUDONYM')",
		                 (unsigned long long)note);
	default: return err->code;
	}
	text_copy(pseudonym_r, REGISTRY_PSEUDONYM_MAX + 1, store_column_text(st, 0));
	buf_init(&data, CW_EVENT_DATA_MAX);
	if ((rc = registry_data_key(store, keys, pseudonym_r, &key, err)) != REDRESS_OK ||
	    (rc = registry_open_text(key, pseudonym_r, "note", store_column_text(st, 1), text_r, err)) !=
	        REDRESS_OK)
		goto out;
	store_done(st);
	if ((rc = seal_for(log, keys, pseudonym_r, 1, fields, texts, sealed, err)) == REDRESS_OK) {
		canon_init(&c, &data);
		canon_object_begin(&c);
		canon_key(&c, "note");
		canon_int(&c, (int64_t)note);
		canon_key(&c, "pseudonym");
		canon_string(&c, pseudonym_r);
		canon_key(&c, "reason");
		canon_string(&c, sealed[0].data);
		canon_object_end(&c);
		if ((rc = canon_error(&c, err)) == REDRESS_OK)
			rc = append_apply(log, CW_EV_NOTE_OPENED, &data, NULL, err);
	}
	buf_free(&sealed[0]);
out:
	store_done(st);
	seal_key_free(&key);
	buf_free(&data);
	if (rc != REDRESS_OK) {
		buf_free(text_r);
		buf_init_secret(text_r, SEAL_PLAIN_MAX);
	}
	return rc;
}

/* Steps st and calls fn with each row as an item (the reads' common columns). */
static enum redress_err
items_each(struct store_stmt *st, casework_fn fn, void *ctx, struct redress_error *err)
{
	struct casework_item item;
	enum store_step_result r;
	enum redress_err rc;

	while ((r = store_step(st, err)) == STORE_ROW) {
		memset(&item, 0, sizeof(item));
		item.seq = (uint64_t)store_column_int64(st, 0);
		text_copy(item.pseudonym, sizeof(item.pseudonym), store_column_text(st, 1));
		text_copy(item.actor, sizeof(item.actor), store_column_text(st, 2));
		text_copy(item.at, sizeof(item.at), store_column_text(st, 3));
		text_copy(item.due, sizeof(item.due), store_column_text(st, 4));
		text_copy(item.assignee, sizeof(item.assignee), store_column_text(st, 5));
		text_copy(item.kind, sizeof(item.kind), store_column_text(st, 6));
		text_copy(item.outcome, sizeof(item.outcome), store_column_text(st, 7));
		item.closed_seq = (uint64_t)store_column_int64(st, 8);
		text_copy(item.closed_at, sizeof(item.closed_at), store_column_text(st, 9));
		item.opened = (uint64_t)store_column_int64(st, 10);
		item.sealed = store_column_text(st, 11);
		if ((rc = fn(ctx, &item, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
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
	static const char *const fields[] = {"task"};
	const char *texts[] = {what};
	char now[11];
	struct buf sealed[1], data;
	struct canon c;
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
	buf_init(&data, CW_EVENT_DATA_MAX);
	if ((rc = seal_for(log, keys, pseudonym, 1, fields, texts, sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "due");
	canon_string(&c, due);
	opt_string(&c, "for", assignee);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_key(&c, "what");
	canon_string(&c, sealed[0].data);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, CW_EV_TASK, &data, task_r, err);
out:
	buf_free(&sealed[0]);
	buf_free(&data);
	return rc;
}

/* Appends {"KEY": ref} and, when outcome is given, its sealed text: a task done, a grievance resolved. */
static enum redress_err
close_item(struct tlog *log, const char *type, const char *key, uint64_t ref, const char *sealed_outcome,
           struct redress_error *err)
{
	struct buf data;
	struct canon c;
	enum redress_err rc;

	buf_init(&data, CW_EVENT_DATA_MAX);
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, key);
	canon_int(&c, (int64_t)ref);
	if (sealed_outcome != NULL) {
		canon_key(&c, "outcome");
		canon_string(&c, sealed_outcome);
	}
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, type, &data, NULL, err);
	buf_free(&data);
	return rc;
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
	return close_item(log, CW_EV_TASK_DONE, "task", task, NULL, err);
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
	static const char *const fields[] = {"contact"};
	const char *texts[] = {note};
	struct buf sealed[1], data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (note != NULL && (rc = text_ok("the contact's note", note, err)) != REDRESS_OK))
		return rc;
	buf_init(&data, CW_EVENT_DATA_MAX);
	if ((rc = seal_for(log, keys, pseudonym, 1, fields, texts, sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "channel");
	canon_string(&c, casework_channel_name(channel));
	opt_string(&c, "note", note != NULL ? sealed[0].data : NULL);
	canon_key(&c, "outcome");
	canon_string(&c, casework_outcome_name(outcome));
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, CW_EV_CONTACT, &data, contact_r, err);
out:
	buf_free(&sealed[0]);
	buf_free(&data);
	return rc;
}

enum redress_err
casework_referral_add(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                      const char *pseudonym, const char *party, const char *what, uint64_t *referral_r,
                      struct redress_error *err)
{
	static const char *const fields[] = {"referral"};
	const char *texts[] = {what};
	struct buf sealed[1], data;
	struct canon c;
	enum redress_err rc;

	char scope[REGISTRY_SCOPE_MAX + 1];
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
	buf_init(&data, CW_EVENT_DATA_MAX);
	if ((rc = seal_for(log, keys, pseudonym, 1, fields, texts, sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "party");
	canon_string(&c, party);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_key(&c, "what");
	canon_string(&c, sealed[0].data);
	canon_object_end(&c);
	/* Her consent to the share is checked where the event is applied, so replay checks it too. */
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, CW_EV_REFERRAL, &data, referral_r, err);
out:
	buf_free(&sealed[0]);
	buf_free(&data);
	return rc;
}

enum redress_err
casework_grievance_open(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                        const char *pseudonym, const char *channel, const char *about, uint64_t *grievance_r,
                        struct redress_error *err)
{
	static const char *const fields[] = {"grievance"};
	const char *texts[] = {about};
	struct buf sealed[1], data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = casework_word_check("channel", channel, CASEWORK_CHANNEL_MAX, err)) != REDRESS_OK ||
	    (rc = text_ok("what the grievance is about", about, err)) != REDRESS_OK)
		return rc;
	buf_init(&data, CW_EVENT_DATA_MAX);
	if ((rc = seal_for(log, keys, pseudonym, 1, fields, texts, sealed, err)) != REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "about");
	canon_string(&c, sealed[0].data);
	canon_key(&c, "channel");
	canon_string(&c, channel);
	canon_key(&c, "pseudonym");
	canon_string(&c, pseudonym);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = append_apply(log, CW_EV_GRIEVANCE, &data, grievance_r, err);
out:
	buf_free(&sealed[0]);
	buf_free(&data);
	return rc;
}

enum redress_err
casework_grievance_resolve(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                           uint64_t grievance, const char *outcome, struct redress_error *err)
{
	static const char *const fields[] = {"grievance-outcome"};
	const char *texts[] = {outcome};
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	struct buf sealed[1];
	int closed = 0;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_WRITE, err)) != REDRESS_OK ||
	    (rc = text_ok("the outcome", outcome, err)) != REDRESS_OK)
		return rc;
	if (grievance == 0 || grievance > INT64_MAX)
		return error_set(err, REDRESS_E_INVALID, "a grievance's number is a positive integer");
	if ((rc = casework_ref_state(tlog_store(log), CW_Q_GRIEVANCE_STATE, (int64_t)grievance, "grievance",
	                             pseudonym, &closed, err)) != REDRESS_OK)
		return rc;
	if (closed)
		return error_set(err, REDRESS_E_CONFLICT, "grievance %llu is resolved already",
		                 (unsigned long long)grievance);
	if ((rc = seal_for(log, keys, pseudonym, 1, fields, texts, sealed, err)) == REDRESS_OK)
		rc = close_item(log, CW_EV_GRIEVANCE_RESOLVED, "grievance", grievance, sealed[0].data, err);
	buf_free(&sealed[0]);
	return rc;
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
	int days;
	casework_fn fn;
	void *ctx;
};

static enum redress_err
overdue_one(void *ctx, const struct casework_item *item, struct redress_error *err)
{
	struct overdue_ctx *o = ctx;

	if (casework_days_since(item->at) <= o->days)
		return REDRESS_OK;
	return o->fn(o->ctx, item, err);
}

enum redress_err
casework_grievances_each(struct store *store, int open, int days, casework_fn fn, void *ctx,
                         struct redress_error *err)
{
	struct overdue_ctx o = {days, fn, ctx};
	struct store_stmt *st;

	if ((st = store_statement(store, &casework_catalogue, CW_Q_GRIEVANCES, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, open);
	return items_each(st, days > 0 ? overdue_one : fn, days > 0 ? (void *)&o : ctx, err);
}
