/*
 * api_casework.c -- corrections and casework over HTTP, with the command
 * line's rules (domain/registry/registry_change.c, domain/casework):
 *
 *   POST /api/v1/persons/{pseudonym}/update        a correction (or a proposal)
 *   GET  /api/v1/changes                           proposals waiting (?all=1: every one)
 *   POST /api/v1/changes/{change}/approve|reject   the second staff member's word
 *   GET|POST /api/v1/persons/{pseudonym}/notes     notes (no text) | a new one
 *   POST /api/v1/notes/{note}/open                 a note's text, the opening recorded
 *   GET  /api/v1/tasks                             ?mine=1 ?overdue=1 ?all=1
 *   POST /api/v1/persons/{pseudonym}/tasks, /api/v1/tasks/{task}/done
 *   GET  /api/v1/contacts (?pseudonym=), POST /api/v1/persons/{pseudonym}/contacts
 *   GET|POST /api/v1/persons/{pseudonym}/referrals, POST /api/v1/referrals/{referral}/outcome
 *   GET  /api/v1/grievances (?overdue=1 ?days=N ?all=1), POST .../grievances, /grievances/{g}/resolve
 *   GET  /api/v1/programs/{code}/outreach            who is owed and not yet reached
 *   GET  /api/v1/persons/{pseudonym}/notices/{kind}  a letter to her (text/html, or application/pdf
 *                                                    for ?format=pdf or Accept: application/pdf;
 * http/notice.h), only with her consent to contact; the opening of her name and address is recorded (the
 * writer)
 *
 * Bodies that carry what is written about her are read into fixed fields
 * the writer wipes; answers are never cached (Cache-Control: no-store).
 */
#include <stdlib.h>
#include <string.h>

#include "domain/casework/casework.h"
#include "http/api.h"
#include "http/notice.h"

#define NO_PERSON    "no person has that pseudonym"
#define NO_CHANGE    "there is no change with that number"
#define NO_NOTE      "there is no note with that number"
#define NO_TASK      "there is no task with that number"
#define NO_GRIEVANCE "there is no grievance with that number"
#define NO_REFERRAL  "there is no referral with that number"

/* A path parameter that is an event's number: 0, or -1 after answering 404 with missing. */
static int
number_param(struct http_request *req, struct http_response *res, const char *name, const char *missing,
             uint64_t *v_r)
{
	const char *text = http_param(req, name);
	uint64_t v = 0;
	size_t i;

	for (i = 0; text != NULL && text[i] >= '0' && text[i] <= '9' && i < 19; i++)
		v = v * 10 + (uint64_t)(text[i] - '0');
	if (text == NULL || i == 0 || text[i] != '\0' || v == 0) {
		http_reply_error(res, 404, "not_found", "%s", missing);
		return -1;
	}
	*v_r = v;
	return 0;
}

/* A query flag: 1 when ?name=1, 0 when absent or 0; -1 after answering 400. */
static int
query_flag(struct http_request *req, struct http_response *res, const char *name)
{
	const char *v = http_query(req, name);

	if (v == NULL || strcmp(v, "0") == 0)
		return 0;
	if (strcmp(v, "1") == 0)
		return 1;
	http_reply_error(res, 400, "invalid", "query parameter '%s' is 0 or 1", name);
	return -1;
}

static json_t *
item_json(const struct casework_item *it, const char *number_key)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s}", number_key, (json_int_t)it->seq, "pseudonym",
	                      it->pseudonym, "by", it->actor, "at", it->at);

	if (o == NULL)
		return NULL;
	if (it->due[0] != '\0')
		json_object_set_new(o, "due", json_string(it->due));
	if (strcmp(number_key, "task") == 0)
		json_object_set_new(o, "for",
		                    it->assignee[0] != '\0' ? json_string(it->assignee) : json_null());
	if (strcmp(number_key, "contact") == 0) {
		json_object_set_new(o, "channel", json_string(it->kind));
		json_object_set_new(o, "outcome", json_string(it->outcome));
	}
	if (strcmp(number_key, "referral") == 0) {
		json_object_set_new(o, "to", json_string(it->kind));
		json_object_set_new(o, "answered", json_boolean(it->closed_seq != 0));
	}
	if (strcmp(number_key, "grievance") == 0) {
		json_object_set_new(o, "channel", json_string(it->kind));
		json_object_set_new(o, "days_open", json_integer(casework_days_since(it->at)));
		if (it->limit_days > 0) /* the fund's list: each grievance's limit (a case file's: none) */
			json_object_set_new(o, "limit_days", json_integer(it->limit_days));
		json_object_set_new(o, "resolved", json_boolean(it->closed_seq != 0));
	}
	if (strcmp(number_key, "task") == 0)
		json_object_set_new(o, "done", json_boolean(it->closed_seq != 0));
	if (strcmp(number_key, "note") == 0)
		json_object_set_new(o, "opened", json_integer((json_int_t)it->opened));
	return o;
}

/* ---- Corrections ---------------------------------------------------------------- */

struct update_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char reason[REGISTRY_REASON_MAX + 1];
	char name[REGISTRY_NAME_MAX + 1], birth_date[16], national_id[REGISTRY_FIELD_MAX + 1];
	char phone[REGISTRY_FIELD_MAX + 1], address[REGISTRY_FIELD_MAX + 1];
	char region[REGISTRY_REGION_MAX + 1], language[8];
	int has[8]; /* which of name .. language were given, in that order */
	int64_t frailty;
};

static enum redress_err
do_update(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct update_arg *a = arg;
	struct registry_update u;
	uint64_t change = 0;
	enum redress_err rc;

	memset(&u, 0, sizeof(u));
	u.name = a->has[0] ? a->name : NULL;
	u.birth_date = a->has[1] ? a->birth_date : NULL;
	u.national_id = a->has[2] ? a->national_id : NULL;
	u.phone = a->has[3] ? a->phone : NULL;
	u.address = a->has[4] ? a->address : NULL;
	u.region = a->has[5] ? a->region : NULL;
	u.language = a->has[6] ? a->language : NULL;
	u.frailty = a->has[7] ? (int)a->frailty : -1;
	if ((rc = registry_update(c->log, c->actor, &c->keys, a->pseudonym, &u, a->reason, &change, err)) !=
	    REDRESS_OK)
		return rc;
	http_reply_json(res, change != 0 ? 202 : 200,
	                json_pack("{s:s, s:o, s:b}", "pseudonym", a->pseudonym, "change",
	                          change != 0 ? json_integer((json_int_t)change) : json_null(), "applied",
	                          change == 0));
	return REDRESS_OK;
}

void
api_persons_update(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"reason",  "name",   "birth_date", "national_id", "phone",
	                                     "address", "region", "language",   "frailty",     NULL};
	struct update_arg *a;
	json_t *body;
	int ok, r;

	if ((a = api_form_begin(req, res, fields, 0, sizeof(*a), &body)) == NULL)
		return;
	ok = api_param_copy(req, res, "pseudonym", a->pseudonym, sizeof(a->pseudonym), NO_PERSON) == 0 &&
	     http_field_string(res, body, "reason", 1, a->reason, sizeof(a->reason)) >= 0 &&
	     (r = http_field_string(res, body, "name", 0, a->name, sizeof(a->name))) >= 0 &&
	     (a->has[0] = r, 1) &&
	     (r = http_field_string(res, body, "birth_date", 0, a->birth_date, sizeof(a->birth_date))) >= 0 &&
	     (a->has[1] = r, 1) &&
	     (r = http_field_string(res, body, "national_id", 0, a->national_id, sizeof(a->national_id))) >=
	         0 &&
	     (a->has[2] = r, 1) &&
	     (r = http_field_string(res, body, "phone", 0, a->phone, sizeof(a->phone))) >= 0 &&
	     (a->has[3] = r, 1) &&
	     (r = http_field_string(res, body, "address", 0, a->address, sizeof(a->address))) >= 0 &&
	     (a->has[4] = r, 1) &&
	     (r = http_field_string(res, body, "region", 0, a->region, sizeof(a->region))) >= 0 &&
	     (a->has[5] = r, 1) &&
	     (r = http_field_string(res, body, "language", 0, a->language, sizeof(a->language))) >= 0 &&
	     (a->has[6] = r, 1) && (r = http_field_int(res, body, "frailty", 0, 0, 3, &a->frailty)) >= 0 &&
	     (a->has[7] = r, 1);
	api_form_end(req, body, ok, do_update, a, sizeof(*a));
}

/* A list's array, and who asks: only the rows of people its office sees. */
struct scoped_list {
	json_t *array;
	struct http_request *req;
	struct store *store;
};

static enum redress_err
change_one(void *ctx, const struct registry_change *ch, struct redress_error *err)
{
	struct scoped_list *l = ctx;
	int sees;

	if ((sees = http_sees(l->req, l->store, ch->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	return api_append(
	    l->array,
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "change", (json_int_t)ch->seq, "pseudonym",
	              ch->pseudonym, "fields", ch->fields, "proposed_by", ch->actor, "at", ch->at, "decision",
	              ch->decision[0] != '\0' ? ch->decision : "pending", "decided_by", ch->decided_by),
	    err);
}

void
api_changes_list(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct scoped_list l;
	struct store *store;
	json_t *arr;
	int all;

	if ((all = query_flag(req, res, "all")) < 0 || (store = http_store(req, res)) == NULL)
		return;
	arr = json_array();
	l.array = arr;
	l.req = req;
	l.store = store;
	api_reply_list(res, "changes", arr, registry_changes_each(store, !all, change_one, &l, &err), &err);
}

struct decide_arg {
	uint64_t change;
	int approve;
};

static enum redress_err
do_decide(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct decide_arg *a = arg;
	enum redress_err rc;

	if ((rc = registry_change_decide(c->log, c->actor, &c->keys, a->change, a->approve, err)) !=
	    REDRESS_OK)
		return rc;
	http_reply_json(res, 200,
	                json_pack("{s:I, s:s}", "change", (json_int_t)a->change, "decision",
	                          a->approve ? "approved" : "rejected"));
	return REDRESS_OK;
}

static void
decide(struct http_request *req, struct http_response *res, int approve)
{
	static const char *const fields[] = {NULL};
	struct decide_arg *a;
	json_t *body;
	int ok;

	if ((a = api_form_begin(req, res, fields, 1, sizeof(*a), &body)) == NULL)
		return;
	a->approve = approve;
	ok = number_param(req, res, "change", NO_CHANGE, &a->change) == 0;
	api_form_end(req, body, ok, do_decide, a, sizeof(*a));
}

void
api_changes_approve(struct http_request *req, struct http_response *res)
{
	decide(req, res, 1);
}

void
api_changes_reject(struct http_request *req, struct http_response *res)
{
	decide(req, res, 0);
}

/* ---- Notes, tasks, contacts, referrals, grievances: changes ----------------------- */

/* Where a body field is kept in the argument. */
enum cw_slot { S_TEXT, S_REASON, S_WORD, S_DUE, S_ASSIGNEE, S_OUTCOME, S_COUNT };

/* One argument for every casework change; which slots count depends on the action. */
struct cw_arg {
	const struct cw_action *action;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	char text[CASEWORK_TEXT_MAX +
	          1]; /* a note, a task's what, a referral's what, a grievance's about/outcome */
	char reason[REGISTRY_TEXT_MAX + 1];
	char word[CASEWORK_PARTY_MAX + 1]; /* a party, a channel */
	char due[16];
	char assignee[USER_NAME_MAX + 1];
	char outcome[32];
	int has[S_COUNT];                       /* which slots the body gave */
	uint64_t number;                        /* a note, task or grievance named by the path */
	uint64_t made;                          /* the number of what the action made */
	char whose[REGISTRY_PSEUDONYM_MAX + 1]; /* a note opened: her pseudonym */
	struct buf opened;                      /* a note opened: its text (wiped) */
};

/* One body field of an action: its name, its slot, and whether it must be there. */
struct cw_field {
	const char *name;
	enum cw_slot slot;
	int required;
};

/*
 * One casework change over HTTP: its body fields, what the path names (a
 * person, or a numbered thing), the domain call, and the answer: 201 with
 * the number of what it made, or 200 with the thing's number and flag.
 */
struct cw_action {
	const char *key;     /* the answer's number: "note", "task" ... */
	const char *number;  /* the path's numbered parameter, or NULL: the path names her pseudonym */
	const char *missing; /* 404 when the path names nothing */
	struct cw_field fields[4];
	enum redress_err (*run)(struct http_change *c, struct cw_arg *a, struct redress_error *err);
	const char *flag; /* "done", "resolved": 200 {key, flag: true}; NULL: 201 {key, pseudonym} */
};

static char *
slot_of(struct cw_arg *a, enum cw_slot s, size_t *size_r)
{
	switch (s) {
	case S_TEXT: *size_r = sizeof(a->text); return a->text;
	case S_REASON: *size_r = sizeof(a->reason); return a->reason;
	case S_WORD: *size_r = sizeof(a->word); return a->word;
	case S_DUE: *size_r = sizeof(a->due); return a->due;
	case S_ASSIGNEE: *size_r = sizeof(a->assignee); return a->assignee;
	default: *size_r = sizeof(a->outcome); return a->outcome;
	}
}

static enum redress_err
run_note_add(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_note_add(c->log, c->actor, &c->keys, a->pseudonym, a->text, &a->made, err);
}

static enum redress_err
run_note_open(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_note_open(c->log, c->actor, &c->keys, a->number, a->reason, a->whose, &a->opened,
	                          err);
}

static enum redress_err
run_task_add(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_task_add(c->log, c->actor, &c->keys, a->pseudonym, a->due, a->text,
	                         a->has[S_ASSIGNEE] ? a->assignee : NULL, &a->made, err);
}

static enum redress_err
run_task_done(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_task_done(c->log, c->actor, a->number, err);
}

static enum redress_err
run_contact_add(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	enum casework_channel channel;
	enum casework_outcome outcome;
	enum redress_err rc;

	if ((rc = casework_channel_parse(a->word, &channel, err)) != REDRESS_OK ||
	    (rc = casework_outcome_parse(a->outcome, &outcome, err)) != REDRESS_OK)
		return rc;
	return casework_contact_add(c->log, c->actor, &c->keys, a->pseudonym, channel, outcome,
	                            a->has[S_TEXT] ? a->text : NULL, &a->made, err);
}

static enum redress_err
run_referral_add(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_referral_add(c->log, c->actor, &c->keys, a->pseudonym, a->word, a->text, &a->made,
	                             err);
}

static enum redress_err
run_grievance_open(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_grievance_open(c->log, c->actor, &c->keys, a->pseudonym, a->word, a->text, &a->made,
	                               err);
}

static enum redress_err
run_grievance_resolve(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_grievance_resolve(c->log, c->actor, &c->keys, a->number, a->text, err);
}

static enum redress_err
run_referral_outcome(struct http_change *c, struct cw_arg *a, struct redress_error *err)
{
	return casework_referral_outcome(c->log, c->actor, &c->keys, a->number, a->text, err);
}

static const struct cw_action act_note_add = {"note",       NULL, NO_PERSON, {{"text", S_TEXT, 1}},
                                              run_note_add, NULL};
static const struct cw_action act_note_open = {"note",        "note", NO_NOTE, {{"reason", S_REASON, 1}},
                                               run_note_open, NULL};
static const struct cw_action act_task_add = {
    "task",       NULL, NO_PERSON, {{"due", S_DUE, 1}, {"what", S_TEXT, 1}, {"for", S_ASSIGNEE, 0}},
    run_task_add, NULL};
static const struct cw_action act_task_done = {"task",        "task", NO_TASK, {{NULL, S_TEXT, 0}},
                                               run_task_done, "done"};
static const struct cw_action act_contact_add = {
    "contact",       NULL,
    NO_PERSON,       {{"channel", S_WORD, 1}, {"outcome", S_OUTCOME, 1}, {"note", S_TEXT, 0}},
    run_contact_add, NULL};
static const struct cw_action act_referral_add = {
    "referral", NULL, NO_PERSON, {{"to", S_WORD, 1}, {"what", S_TEXT, 1}}, run_referral_add, NULL};
static const struct cw_action act_grievance_open = {
    "grievance", NULL, NO_PERSON, {{"channel", S_WORD, 1}, {"about", S_TEXT, 1}}, run_grievance_open, NULL};
static const struct cw_action act_grievance_resolve = {
    "grievance", "grievance", NO_GRIEVANCE, {{"outcome", S_TEXT, 1}}, run_grievance_resolve, "resolved"};

static const struct cw_action act_referral_outcome = {
    "referral", "referral", NO_REFERRAL, {{"outcome", S_TEXT, 1}}, run_referral_outcome, "answered"};

static enum redress_err
do_action(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct cw_arg *a = arg;
	const struct cw_action *act = a->action;
	enum redress_err rc;

	buf_init_secret(&a->opened, SEAL_PLAIN_MAX);
	if ((rc = act->run(c, a, err)) != REDRESS_OK)
		goto out;
	if (act == &act_note_open) {
		c->personal = 1; /* her note's text: a kept answer goes when anyone is erased */
		http_reply_json(res, 200,
		                json_pack("{s:I, s:s, s:s}", "note", (json_int_t)a->number, "pseudonym",
		                          a->whose, "text", a->opened.data != NULL ? a->opened.data : ""));
	} else if (act->flag != NULL)
		http_reply_json(res, 200,
		                json_pack("{s:I, s:b}", act->key, (json_int_t)a->number, act->flag, 1));
	else
		http_reply_json(
		    res, 201,
		    json_pack("{s:I, s:s}", act->key, (json_int_t)a->made, "pseudonym", a->pseudonym));
out:
	buf_free(&a->opened);
	return rc;
}

/* Reads act's path and body into its argument, and submits it. */
static void
action(struct http_request *req, struct http_response *res, const struct cw_action *act)
{
	const char *names[5];
	struct cw_arg *a;
	json_t *body;
	size_t i, n = 0, size;
	int ok, r;

	for (i = 0; i < 4 && act->fields[i].name != NULL; i++)
		names[n++] = act->fields[i].name;
	names[n] = NULL;
	if ((a = api_form_begin(req, res, names, n == 0, sizeof(*a), &body)) == NULL)
		return;
	a->action = act;
	ok = act->number != NULL ? number_param(req, res, act->number, act->missing, &a->number) == 0
	                         : api_param_copy(req, res, "pseudonym", a->pseudonym, sizeof(a->pseudonym),
	                                          act->missing) == 0;
	for (i = 0; ok && i < n; i++) {
		char *out = slot_of(a, act->fields[i].slot, &size);

		if ((r = http_field_string(res, body, act->fields[i].name, act->fields[i].required, out,
		                           size)) < 0)
			ok = 0;
		else
			a->has[act->fields[i].slot] = r;
	}
	api_form_end(req, body, ok, do_action, a, sizeof(*a));
}

void
api_notes_add(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_note_add);
}

void
api_notes_open(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_note_open);
}

void
api_tasks_add(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_task_add);
}

void
api_tasks_done(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_task_done);
}

void
api_contacts_add(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_contact_add);
}

void
api_referrals_add(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_referral_add);
}

void
api_referrals_outcome(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_referral_outcome);
}

void
api_grievances_open(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_grievance_open);
}

void
api_grievances_resolve(struct http_request *req, struct http_response *res)
{
	action(req, res, &act_grievance_resolve);
}

/* ---- Reads -------------------------------------------------------------------------- */

struct list_ctx {
	json_t *array;
	const char *key;
	struct store *store;
	struct registry_keys keys; /* tasks: what each is, opened with her key */
	struct http_request *req;  /* who asks: only the rows of people its office sees */
};

static enum redress_err
list_one(void *ctx, const struct casework_item *it, struct redress_error *err)
{
	struct list_ctx *l = ctx;
	json_t *o;
	int sees;

	if ((sees = http_sees(l->req, l->store, it->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	o = item_json(it, l->key);

	if (o != NULL && strcmp(l->key, "task") == 0) {
		struct buf what;

		buf_init_secret(&what, SEAL_PLAIN_MAX);
		if (casework_open_sealed(l->store, &l->keys, it->pseudonym, "task", it->sealed, &what, err) ==
		    REDRESS_OK)
			json_object_set_new(o, "what", json_string(what.data != NULL ? what.data : ""));
		else if (err->code == REDRESS_E_NOTFOUND)
			json_object_set_new(o, "what", json_null()); /* she was erased */
		else {
			buf_free(&what);
			json_decref(o);
			return err->code;
		}
		buf_free(&what);
	}
	return api_append(l->array, o, err);
}

static void
person_list(struct http_request *req, struct http_response *res, const char *key, const char *plural,
            enum redress_err (*each)(struct store *, const char *, casework_fn, void *,
                                     struct redress_error *))
{
	struct list_ctx l = {NULL, key, NULL, {NULL, NULL}, req};
	struct redress_error err;

	if ((l.store = http_store(req, res)) == NULL)
		return;
	l.array = json_array();
	api_reply_list(res, plural, l.array, each(l.store, http_param(req, "pseudonym"), list_one, &l, &err),
	               &err);
}

void
api_notes_list(struct http_request *req, struct http_response *res)
{
	person_list(req, res, "note", "notes", casework_notes_each);
}

void
api_referrals_list(struct http_request *req, struct http_response *res)
{
	person_list(req, res, "referral", "referrals", casework_referrals_each);
}

void
api_contacts_list(struct http_request *req, struct http_response *res)
{
	struct list_ctx l = {NULL, "contact", NULL, {NULL, NULL}, req};
	struct redress_error err;
	const char *who = http_query(req, "pseudonym");

	if ((l.store = http_store(req, res)) == NULL)
		return;
	l.array = json_array();
	api_reply_list(res, "contacts", l.array, casework_contacts_each(l.store, who, list_one, &l, &err),
	               &err);
}

void
api_tasks_list(struct http_request *req, struct http_response *res)
{
	struct list_ctx l = {NULL, "task", NULL, {NULL, NULL}, req};
	struct casework_task_filter f = {NULL, 0, 1};
	struct redress_error err;
	int mine, overdue, all;

	if ((mine = query_flag(req, res, "mine")) < 0 || (overdue = query_flag(req, res, "overdue")) < 0 ||
	    (all = query_flag(req, res, "all")) < 0 || (l.store = http_store(req, res)) == NULL)
		return;
	f.assignee = mine ? req->actor.name : NULL;
	f.overdue = overdue;
	f.open = !all;
	l.keys = http_registry_keys(req);
	l.array = json_array();
	api_reply_list(res, "tasks", l.array, casework_tasks_each(l.store, &f, list_one, &l, &err), &err);
}

void
api_grievances_list(struct http_request *req, struct http_response *res)
{
	struct list_ctx l = {NULL, "grievance", NULL, {NULL, NULL}, req};
	struct redress_error err;
	uint64_t days = 0;
	int overdue, all, given;

	if ((overdue = query_flag(req, res, "overdue")) < 0 || (all = query_flag(req, res, "all")) < 0 ||
	    (given = api_query_u64(req, res, "days", 0, &days)) < 0)
		return;
	/* No days: each grievance's own limit, by the programs she is eligible for (domain/casework). */
	if (given && (days == 0 || days > 3650)) {
		http_reply_error(res, 400, "invalid", "query parameter 'days' must be 1 to 3650");
		return;
	}
	if ((l.store = http_store(req, res)) == NULL)
		return;
	l.array = json_array();
	api_reply_list(res, "grievances", l.array,
	               casework_grievances_each(l.store, !all || overdue,
	                                        !overdue   ? 0
	                                        : days > 0 ? (int)days
	                                                   : CASEWORK_DAYS_HERS,
	                                        list_one, &l, &err),
	               &err);
}

static enum redress_err
outreach_one(void *ctx, const struct casework_outreach *o, struct redress_error *err)
{
	struct scoped_list *l = ctx;
	int sees;

	if ((sees = http_sees(l->req, l->store, o->pseudonym, err)) <= 0)
		return sees < 0 ? err->code : REDRESS_OK;
	return api_append(
	    l->array,
	    json_pack("{s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:I}", "pseudonym", o->pseudonym, "kind", o->kind,
	              "birth_year", o->birth_year, "frailty", o->frailty, "last_channel",
	              o->channel[0] != '\0' ? json_string(o->channel) : json_null(), "last_outcome",
	              o->outcome[0] != '\0' ? json_string(o->outcome) : json_null(), "last_at",
	              o->at[0] != '\0' ? json_string(o->at) : json_null(), "attempts",
	              (json_int_t)o->attempts),
	    err);
}

void
api_programs_outreach(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	uint64_t limit = 1000;
	struct scoped_list l;
	struct store *store;
	json_t *arr;

	if (api_query_u64(req, res, "limit", 0, &limit) < 0)
		return;
	if (limit == 0 || limit > 1000000) {
		http_reply_error(res, 400, "invalid", "query parameter 'limit' must be 1 to 1000000");
		return;
	}
	if ((store = http_store(req, res)) == NULL)
		return;
	arr = json_array();
	l.array = arr;
	l.req = req;
	l.store = store;
	api_reply_list(res, "outreach", arr,
	               casework_outreach_each(store, http_param(req, "code"), limit, outreach_one, &l, &err),
	               &err);
}

/* ---- Letters to her (http/notice.h) ------------------------------------------------------ */

struct notice_api_arg {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	enum notice_kind kind;
	enum notice_format format;
};

static enum redress_err
do_notice(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct notice_api_arg *a = arg;
	struct buf page;
	enum redress_err rc;

	c->personal = 1; /* her name and address: a kept answer goes when anyone is erased */
	buf_init_secret(&page, NOTICE_PAGE_MAX);
	if ((rc = notice_render(c->log, c->actor, &c->keys, a->pseudonym, a->kind, a->format, &page, err)) ==
	        REDRESS_OK &&
	    a->format == NOTICE_PDF) {
		/* A download named by her pseudonym and the kind, never kept by a cache (no-store). */
		http_reply_text(res, 200, "application/pdf", page.data, page.len);
		snprintf(res->disposition, sizeof(res->disposition),
		         "attachment; filename=\"notice-%s-%s.pdf\"", a->pseudonym,
		         notice_kind_name(a->kind));
	} else if (rc == REDRESS_OK) {
		http_reply_text(res, 200, "text/html; charset=utf-8", page.data, page.len);
		http_allow_style(res);
	}
	buf_free(&page);
	return rc;
}

void
api_persons_notice(struct http_request *req, struct http_response *res)
{
	const char *format, *accept;
	struct notice_api_arg *a;
	struct redress_error err;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		http_reply_out_of_memory(res);
		return;
	}
	if (api_param_copy(req, res, "pseudonym", a->pseudonym, sizeof(a->pseudonym), NO_PERSON) != 0) {
		free(a);
		return;
	}
	if (notice_kind_parse(http_param(req, "kind"), &a->kind, &err) != REDRESS_OK) {
		free(a);
		http_reply_error(res, 404, "not_found", "%s", err.message);
		return;
	}
	/* ?format= names it; else an Accept that asks for a PDF gets one; else HTML. */
	format = http_query(req, "format");
	accept = http_header(req, "Accept");
	if (format == NULL)
		a->format =
		    accept != NULL && strstr(accept, "application/pdf") != NULL ? NOTICE_PDF : NOTICE_HTML;
	else if (notice_format_parse(format, &a->format, &err) != REDRESS_OK) {
		free(a);
		http_reply_error(res, 400, "invalid", "query parameter 'format': %s", err.message);
		return;
	}
	http_change_submit(req, do_notice, a);
}
