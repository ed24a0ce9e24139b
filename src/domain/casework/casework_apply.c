/*
 * casework_apply.c -- casework's events and tables: reading each event
 * back (every field checked, unknown fields refused), applying it, and
 * folding it for audit's fast path.
 *
 * Every event makes exactly one row of one table, final when the event is
 * read: a task done or a grievance resolved is a row of its own, not a
 * change to the task's or the grievance's.  So one function (event_row)
 * turns an event into its row, which replay inserts and the fold hashes:
 * the two cannot disagree.  The checks that need state -- the person
 * exists and is not erased, the note, task or grievance named exists and
 * is not closed, her consent to the share -- replay makes against the
 * tables; the fold keeps what it needs of the notes, tasks and grievances
 * (a few bytes each) and leaves the person and her consent to the replay
 * that a differing digest starts.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "domain/casework/casework_int.h"
#include "log/audit.h"

static const char casework_schema[] =
    "CREATE TABLE IF NOT EXISTS casework_notes ("
    " seq INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL, text TEXT NOT NULL, actor TEXT NOT NULL,"
    " at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS casework_notes_person ON casework_notes (pseudonym, seq);"
    "CREATE TABLE IF NOT EXISTS casework_note_opens ("
    " seq INTEGER PRIMARY KEY, note INTEGER NOT NULL, pseudonym TEXT NOT NULL, reason TEXT NOT NULL,"
    " actor TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS casework_note_opens_note ON casework_note_opens (note);"
    "CREATE TABLE IF NOT EXISTS casework_tasks ("
    " seq INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL, due TEXT NOT NULL, assignee TEXT,"
    " what TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS casework_tasks_due ON casework_tasks (due, seq);"
    "CREATE TABLE IF NOT EXISTS casework_tasks_done ("
    " task INTEGER PRIMARY KEY, seq INTEGER NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS casework_contacts ("
    " seq INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL, channel TEXT NOT NULL, outcome TEXT NOT NULL,"
    " note TEXT, actor TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS casework_contacts_person ON casework_contacts (pseudonym, seq);"
    "CREATE TABLE IF NOT EXISTS casework_referrals ("
    " seq INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL, party TEXT NOT NULL, what TEXT NOT NULL,"
    " actor TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS casework_referrals_person ON casework_referrals (pseudonym, seq);"
    "CREATE TABLE IF NOT EXISTS casework_grievances ("
    " seq INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL, channel TEXT NOT NULL, about TEXT NOT NULL,"
    " actor TEXT NOT NULL, at TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS casework_grievances_resolved ("
    " grievance INTEGER PRIMARY KEY, seq INTEGER NOT NULL, outcome TEXT NOT NULL, actor TEXT NOT NULL,"
    " at TEXT NOT NULL);"
    /* What came of a referral (sealed), once: the party's answer, as the caseworker heard it. */
    "CREATE TABLE IF NOT EXISTS casework_referral_outcomes ("
    " referral INTEGER PRIMARY KEY, seq INTEGER NOT NULL, outcome TEXT NOT NULL, actor TEXT NOT NULL,"
    " at TEXT NOT NULL);";

#define ITEM_COLUMNS_TASK                                                                                    \
	"t.seq, t.pseudonym, t.actor, t.at, t.due, coalesce(t.assignee, ''), '', '', coalesce(d.seq, 0),"    \
	" coalesce(d.at, ''), 0, t.what"

const struct store_statement casework_statements[CW_Q_COUNT] = {
    [CW_Q_INSERT_NOTE] = {.name = "casework.note.insert",
                          .sql = "INSERT INTO casework_notes (seq, pseudonym, text, actor, at)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5)",
                          .columns = ""},
    [CW_Q_INSERT_NOTE_OPEN] = {.name = "casework.note_open.insert",
                               .sql =
                                   "INSERT INTO casework_note_opens (seq, note, pseudonym, reason, actor, at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                               .columns = ""},
    [CW_Q_INSERT_TASK] = {.name = "casework.task.insert",
                          .sql = "INSERT INTO casework_tasks (seq, pseudonym, due, assignee, what, actor, at)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                          .columns = ""},
    [CW_Q_INSERT_TASK_DONE] =
        {.name = "casework.task_done.insert",
         .sql = "INSERT INTO casework_tasks_done (task, seq, actor, at) VALUES (?1, ?2, ?3, ?4)",
         .columns = ""},
    [CW_Q_INSERT_CONTACT] =
        {.name = "casework.contact.insert",
         .sql = "INSERT INTO casework_contacts (seq, pseudonym, channel, outcome, note, actor,"
                " at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
         .columns = ""},
    [CW_Q_INSERT_REFERRAL] = {.name = "casework.referral.insert",
                              .sql = "INSERT INTO casework_referrals (seq, pseudonym, party, what, actor, at)"
                                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              .columns = ""},
    [CW_Q_INSERT_GRIEVANCE] =
        {.name = "casework.grievance.insert",
         .sql = "INSERT INTO casework_grievances (seq, pseudonym, channel, about, actor, at)"
                " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
         .columns = ""},
    [CW_Q_INSERT_GRIEVANCE_DONE] = {.name = "casework.grievance_resolved.insert",
                                    .sql =
                                        "INSERT INTO casework_grievances_resolved (grievance, seq, outcome,"
                                        " actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                    .columns = ""},
    [CW_Q_NOTE_GET] = {.name = "casework.note.get",
                       .sql = "SELECT pseudonym, text FROM casework_notes WHERE seq = ?1",
                       .columns = "tt"},
    [CW_Q_TASK_STATE] = {.name = "casework.task.state",
                         .sql = "SELECT t.pseudonym, d.seq IS NOT NULL FROM casework_tasks t"
                                " LEFT JOIN casework_tasks_done d ON d.task = t.seq WHERE t.seq = ?1",
                         .columns = "ti"},
    [CW_Q_GRIEVANCE_STATE] = {.name = "casework.grievance.state",
                              .sql = "SELECT g.pseudonym, r.seq IS NOT NULL FROM casework_grievances g"
                                     " LEFT JOIN casework_grievances_resolved r ON r.grievance = g.seq"
                                     " WHERE g.seq = ?1",
                              .columns = "ti"},
    [CW_Q_NOTES] = {.name = "casework.notes",
                    .sql = "SELECT n.seq, n.pseudonym, n.actor, n.at, '', '', '', '', 0, '',"
                           " (SELECT count(*) FROM casework_note_opens o WHERE o.note = n.seq), ''"
                           " FROM casework_notes n WHERE n.pseudonym = ?1 ORDER BY n.seq",
                    .columns = "itttttttitit"},
    [CW_Q_TASKS] = {.name = "casework.tasks",
                    .sql = "SELECT " ITEM_COLUMNS_TASK " FROM casework_tasks t"
                           " LEFT JOIN casework_tasks_done d ON d.task = t.seq"
                           " WHERE (?1 IS NULL OR t.assignee = ?1) AND (?2 = 0 OR d.seq IS NULL)"
                           " AND (?3 IS NULL OR t.due < ?3) ORDER BY t.due, t.seq",
                    .columns = "itttttttitit"},
    [CW_Q_CONTACTS] = {.name = "casework.contacts",
                       .sql = "SELECT seq, pseudonym, actor, at, '', '', channel, outcome, 0, '', 0, ''"
                              " FROM casework_contacts WHERE (?1 IS NULL OR pseudonym = ?1) ORDER BY seq",
                       .columns = "itttttttitit"},
    [CW_Q_REFERRALS] = {.name = "casework.referrals",
                        .sql = "SELECT f.seq, f.pseudonym, f.actor, f.at, '', '', f.party, '',"
                               " coalesce(o.seq, 0), coalesce(o.at, ''), 0, ''"
                               " FROM casework_referrals f"
                               " LEFT JOIN casework_referral_outcomes o ON o.referral = f.seq"
                               " WHERE f.pseudonym = ?1 ORDER BY f.seq",
                        .columns = "itttttttitit"},
    [CW_Q_GRIEVANCES] = {.name = "casework.grievances",
                         .sql = "SELECT g.seq, g.pseudonym, g.actor, g.at, '', '', g.channel, '',"
                                " coalesce(r.seq, 0), coalesce(r.at, ''), 0, '' FROM casework_grievances g"
                                " LEFT JOIN casework_grievances_resolved r ON r.grievance = g.seq"
                                " WHERE (?1 = 0 OR r.seq IS NULL) ORDER BY g.seq",
                         .columns = "itttttttitit"},
    /*
     * The outreach list's candidates: living victims and the living heirs
     * of victims who have died -- whom a program may owe; its own rules
     * then decide (casework_eligible) -- without an attempt that reached
     * her (or found she refused or had died), and without a declined wish
     * (declining is never "unreached"); most frail and oldest first, with
     * the last attempt.
     */
    [CW_Q_OUTREACH] =
        {.name = "casework.outreach",
         .sql = "SELECT p.pseudonym, p.kind, p.birth_year, p.frailty,"
                " coalesce((SELECT c.channel FROM casework_contacts c WHERE c.pseudonym = p.pseudonym"
                " ORDER BY c.seq DESC LIMIT 1), ''),"
                " coalesce((SELECT c.outcome FROM casework_contacts c WHERE c.pseudonym = p.pseudonym"
                " ORDER BY c.seq DESC LIMIT 1), ''),"
                " coalesce((SELECT c.at FROM casework_contacts c WHERE c.pseudonym = p.pseudonym"
                " ORDER BY c.seq DESC LIMIT 1), ''),"
                " (SELECT count(*) FROM casework_contacts c WHERE c.pseudonym = p.pseudonym)"
                " FROM registry_persons p"
                " WHERE p.status = 'alive' AND (p.kind = 'victim' OR EXISTS (SELECT 1 FROM"
                " registry_relations r JOIN registry_persons v ON v.pseudonym = r.victim"
                " WHERE r.relative = p.pseudonym AND v.status = 'deceased'))"
                " AND NOT EXISTS (SELECT 1 FROM casework_contacts c WHERE c.pseudonym = p.pseudonym"
                " AND c.outcome IN ('reached', 'refused', 'deceased'))"
                " AND coalesce((SELECT w.wish FROM registry_consultations w WHERE"
                " w.pseudonym = p.pseudonym ORDER BY w.seq DESC LIMIT 1), '') <> 'decline'"
                " ORDER BY p.frailty DESC, p.birth_year, p.registered_seq",
         .columns = "ttiittti",
         .reads = "registry"},
    [CW_Q_PERSON_GRIEVANCES] =
        {.name = "casework.grievances.person",
         .sql = "SELECT g.seq, g.pseudonym, g.actor, g.at, '', '', g.channel, '',"
                " coalesce(r.seq, 0), coalesce(r.at, ''), 0, '' FROM casework_grievances g"
                " LEFT JOIN casework_grievances_resolved r ON r.grievance = g.seq"
                " WHERE g.pseudonym = ?1 ORDER BY g.seq",
         .columns = "itttttttitit"},
    [CW_Q_INSERT_REFERRAL_DONE] = {.name = "casework.referral_outcome.insert",
                                   .sql = "INSERT INTO casework_referral_outcomes (referral, seq, outcome,"
                                          " actor, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                                   .columns = ""},
    [CW_Q_REFERRAL_STATE] = {.name = "casework.referral.state",
                             .sql = "SELECT f.pseudonym, o.seq IS NOT NULL FROM casework_referrals f"
                                    " LEFT JOIN casework_referral_outcomes o ON o.referral = f.seq"
                                    " WHERE f.seq = ?1",
                             .columns = "ti"},
    /* Whom a program may owe (casework_eligible decides), and whether an attempt reached her. */
    [CW_Q_CANDIDATES] = {.name = "casework.candidates",
                         .sql =
                             "SELECT p.pseudonym, p.kind, CASE WHEN EXISTS (SELECT 1 FROM casework_contacts c"
                             " WHERE c.pseudonym = p.pseudonym AND c.outcome = 'reached') THEN 1 ELSE 0 END"
                             " FROM registry_persons p WHERE p.status = 'alive' AND (p.kind = 'victim'"
                             " OR EXISTS (SELECT 1 FROM registry_relations r JOIN registry_persons v"
                             " ON v.pseudonym = r.victim WHERE r.relative = p.pseudonym"
                             " AND v.status = 'deceased')) ORDER BY p.pseudonym",
                         .columns = "tti",
                         .reads = "registry"},
    /* Audit's snapshots, in enum cw_table order: each table whole, by its key. */
    [CW_Q_SNAP_NOTES] = {.name = "casework_notes",
                         .sql = "SELECT seq, pseudonym, text, actor, at FROM casework_notes ORDER BY seq",
                         .columns = "itttt"},
    [CW_Q_SNAP_NOTE_OPENS] = {.name = "casework_note_opens",
                              .sql = "SELECT seq, note, pseudonym, reason, actor, at FROM casework_note_opens"
                                     " ORDER BY seq",
                              .columns = "iitttt"},
    [CW_Q_SNAP_TASKS] = {.name = "casework_tasks",
                         .sql = "SELECT seq, pseudonym, due, assignee, what, actor, at FROM casework_tasks"
                                " ORDER BY seq",
                         .columns = "itttttt"},
    [CW_Q_SNAP_TASKS_DONE] = {.name = "casework_tasks_done",
                              .sql = "SELECT task, seq, actor, at FROM casework_tasks_done ORDER BY task",
                              .columns = "iitt"},
    [CW_Q_SNAP_CONTACTS] =
        {.name = "casework_contacts",
         .sql = "SELECT seq, pseudonym, channel, outcome, note, actor, at FROM casework_contacts"
                " ORDER BY seq",
         .columns = "itttttt"},
    [CW_Q_SNAP_REFERRALS] = {.name = "casework_referrals",
                             .sql = "SELECT seq, pseudonym, party, what, actor, at FROM casework_referrals"
                                    " ORDER BY seq",
                             .columns = "ittttt"},
    [CW_Q_SNAP_GRIEVANCES] = {.name = "casework_grievances",
                              .sql =
                                  "SELECT seq, pseudonym, channel, about, actor, at FROM casework_grievances"
                                  " ORDER BY seq",
                              .columns = "ittttt"},
    [CW_Q_SNAP_GRIEVANCES_DONE] = {.name = "casework_grievances_resolved",
                                   .sql = "SELECT grievance, seq, outcome, actor, at FROM"
                                          " casework_grievances_resolved ORDER BY grievance",
                                   .columns = "iittt"},
    [CW_Q_SNAP_REFERRALS_DONE] = {.name = "casework_referral_outcomes",
                                  .sql = "SELECT referral, seq, outcome, actor, at FROM"
                                         " casework_referral_outcomes ORDER BY referral",
                                  .columns = "iittt"},
};

const struct store_catalogue casework_catalogue = {"casework", casework_statements,
                                                   STORE_COUNT(casework_statements)};

/* The snapshots, in enum cw_table order. */
static const unsigned casework_snapshots[] = {
    CW_Q_SNAP_NOTES,      CW_Q_SNAP_NOTE_OPENS,      CW_Q_SNAP_TASKS,
    CW_Q_SNAP_TASKS_DONE, CW_Q_SNAP_CONTACTS,        CW_Q_SNAP_REFERRALS,
    CW_Q_SNAP_GRIEVANCES, CW_Q_SNAP_GRIEVANCES_DONE, CW_Q_SNAP_REFERRALS_DONE};

/* Each table's insert, in enum cw_table order. */
static const unsigned table_insert[CW_TABLE_COUNT] = {
    CW_Q_INSERT_NOTE,      CW_Q_INSERT_NOTE_OPEN,      CW_Q_INSERT_TASK,
    CW_Q_INSERT_TASK_DONE, CW_Q_INSERT_CONTACT,        CW_Q_INSERT_REFERRAL,
    CW_Q_INSERT_GRIEVANCE, CW_Q_INSERT_GRIEVANCE_DONE, CW_Q_INSERT_REFERRAL_DONE,
};

static const char *const channel_names[] = {"visit", "phone", "letter", "sms", "email"};
static const char *const outcome_names[] = {"reached", "no-answer", "moved", "refused", "deceased"};

const char *
casework_channel_name(enum casework_channel c)
{
	return (size_t)c < sizeof(channel_names) / sizeof(channel_names[0]) ? channel_names[c] : "?";
}

const char *
casework_outcome_name(enum casework_outcome o)
{
	return (size_t)o < sizeof(outcome_names) / sizeof(outcome_names[0]) ? outcome_names[o] : "?";
}

enum redress_err
casework_channel_parse(const char *text, enum casework_channel *c_r, struct redress_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(channel_names) / sizeof(channel_names[0]); i++)
		if (strcmp(text, channel_names[i]) == 0) {
			*c_r = (enum casework_channel)i;
			return REDRESS_OK;
		}
	return error_set(err, REDRESS_E_INVALID,
	                 "channel '%.32s' is not one of visit, phone, letter, sms, email", text);
}

enum redress_err
casework_outcome_parse(const char *text, enum casework_outcome *o_r, struct redress_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(outcome_names) / sizeof(outcome_names[0]); i++)
		if (strcmp(text, outcome_names[i]) == 0) {
			*o_r = (enum casework_outcome)i;
			return REDRESS_OK;
		}
	return error_set(err, REDRESS_E_INVALID,
	                 "outcome '%.32s' is not one of reached, no-answer, moved, refused, deceased", text);
}

enum redress_err
casework_word_check(const char *what, const char *s, size_t max, struct redress_error *err)
{
	size_t i, len = strlen(s);

	if (len == 0 || len > max)
		return error_set(err, REDRESS_E_INVALID, "%s is empty or longer than %zu bytes", what, max);
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (i > 0 && (s[i] == '-' || s[i] == '_' || s[i] == '.'))))
			return error_set(
			    err, REDRESS_E_INVALID,
			    "%s '%.64s' has '%c' at position %zu: use a-z, 0-9 and - _ ., starting with a"
			    " letter or digit",
			    what, s, s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', i + 1);
	return REDRESS_OK;
}

static enum redress_err
get_sealed(const struct canon_node *data, const char *key, int optional, const char **s_r,
           struct redress_error *err)
{
	return registry_get_sealed(data, key, optional, CW_EVENT_DATA_MAX, s_r, err);
}

static enum redress_err
get_pseudonym(const struct canon_node *data, const char **s_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = canon_get_string(data, "pseudonym", s_r, err)) != REDRESS_OK)
		return rc;
	if (strlen(*s_r) > REGISTRY_PSEUDONYM_MAX || (*s_r)[0] == '\0' ||
	    ((*s_r)[0] != 'V' && (*s_r)[0] != 'R') || (*s_r)[1] != '-')
		return error_set(err, REDRESS_E_INVALID, "field 'pseudonym' is not a pseudonym");
	return REDRESS_OK;
}

static enum redress_err
get_ref(const struct canon_node *data, const char *key, int64_t *v_r, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = canon_get_int(data, key, v_r, err)) != REDRESS_OK)
		return rc;
	if (*v_r <= 0)
		return error_set(err, REDRESS_E_INVALID, "field '%s' is not an event's number", key);
	return REDRESS_OK;
}

#define V_TEXT(s) ((struct audit_value){AUDIT_TEXT, 0, (s)})
#define V_INT(v)  ((struct audit_value){AUDIT_INT, (int64_t)(v), NULL})
#define V_OPT(s)  ((s) != NULL ? V_TEXT(s) : (struct audit_value){AUDIT_NULL, 0, NULL})

enum redress_err
casework_event_row(const struct event *ev, struct cw_row *row, struct redress_error *err)
{
	const struct canon_node *d = ev->data;
	const char *pseudonym = NULL, *a = NULL, *b = NULL, *c = NULL;
	int64_t ref = 0;
	enum redress_err rc;

	memset(row, 0, sizeof(*row));
	row->values[0] = V_INT(ev->seq);
	if (strcmp(ev->type, CW_EV_NOTE) == 0) {
		static const char *const keys[] = {"pseudonym", "text", NULL};

		if ((rc = canon_only_keys(d, keys, err)) != REDRESS_OK ||
		    (rc = get_pseudonym(d, &pseudonym, err)) != REDRESS_OK ||
		    (rc = get_sealed(d, "text", 0, &a, err)) != REDRESS_OK)
			return rc;
		row->table = CW_TABLE_NOTES;
		row->values[1] = V_TEXT(pseudonym);
		row->values[2] = V_TEXT(a);
		row->n = 3;
	} else if (strcmp(ev->type, CW_EV_NOTE_OPENED) == 0) {
		static const char *const keys[] = {"note", "pseudonym", "reason", NULL};

		if ((rc = canon_only_keys(d, keys, err)) != REDRESS_OK ||
		    (rc = get_ref(d, "note", &ref, err)) != REDRESS_OK ||
		    (rc = get_pseudonym(d, &pseudonym, err)) != REDRESS_OK ||
		    (rc = get_sealed(d, "reason", 0, &a, err)) != REDRESS_OK)
			return rc;
		row->table = CW_TABLE_NOTE_OPENS;
		row->values[1] = V_INT(ref);
		row->values[2] = V_TEXT(pseudonym);
		row->values[3] = V_TEXT(a);
		row->n = 4;
	} else if (strcmp(ev->type, CW_EV_TASK) == 0) {
		static const char *const keys[] = {"due", "for", "pseudonym", "what", NULL};

		if ((rc = canon_only_keys(d, keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string(d, "due", &a, err)) != REDRESS_OK ||
		    (rc = registry_date_check("due date", a, err)) != REDRESS_OK ||
		    (rc = canon_get_string_opt(d, "for", &b, err)) != REDRESS_OK ||
		    (b != NULL && (rc = users_name_check(b, err)) != REDRESS_OK) ||
		    (rc = get_pseudonym(d, &pseudonym, err)) != REDRESS_OK ||
		    (rc = get_sealed(d, "what", 0, &c, err)) != REDRESS_OK)
			return rc;
		row->table = CW_TABLE_TASKS;
		row->values[1] = V_TEXT(pseudonym);
		row->values[2] = V_TEXT(a);
		row->values[3] = V_OPT(b);
		row->values[4] = V_TEXT(c);
		row->n = 5;
	} else if (strcmp(ev->type, CW_EV_TASK_DONE) == 0 ||
	           strcmp(ev->type, CW_EV_GRIEVANCE_RESOLVED) == 0 ||
	           strcmp(ev->type, CW_EV_REFERRAL_OUTCOME) == 0) {
		static const char *const task_keys[] = {"task", NULL};
		static const char *const grievance_keys[] = {"grievance", "outcome", NULL};
		static const char *const referral_keys[] = {"outcome", "referral", NULL};
		int task = strcmp(ev->type, CW_EV_TASK_DONE) == 0;
		int referral = strcmp(ev->type, CW_EV_REFERRAL_OUTCOME) == 0;
		const char *key = task ? "task" : referral ? "referral" : "grievance";

		if ((rc = canon_only_keys(d,
		                          task       ? task_keys
		                          : referral ? referral_keys
		                                     : grievance_keys,
		                          err)) != REDRESS_OK ||
		    (rc = get_ref(d, key, &ref, err)) != REDRESS_OK ||
		    (!task && (rc = get_sealed(d, "outcome", 0, &a, err)) != REDRESS_OK))
			return rc;
		row->table = task       ? CW_TABLE_TASKS_DONE
		             : referral ? CW_TABLE_REFERRALS_DONE
		                        : CW_TABLE_GRIEVANCES_DONE;
		row->values[0] = V_INT(ref);
		row->values[1] = V_INT(ev->seq);
		row->n = 2;
		if (!task)
			row->values[row->n++] = V_TEXT(a);
		row->ref = ref;
	} else if (strcmp(ev->type, CW_EV_CONTACT) == 0) {
		static const char *const keys[] = {"channel", "note", "outcome", "pseudonym", NULL};
		enum casework_channel ch;
		enum casework_outcome out;

		if ((rc = canon_only_keys(d, keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string(d, "channel", &a, err)) != REDRESS_OK ||
		    (rc = casework_channel_parse(a, &ch, err)) != REDRESS_OK ||
		    (rc = get_sealed(d, "note", 1, &c, err)) != REDRESS_OK ||
		    (rc = canon_get_string(d, "outcome", &b, err)) != REDRESS_OK ||
		    (rc = casework_outcome_parse(b, &out, err)) != REDRESS_OK ||
		    (rc = get_pseudonym(d, &pseudonym, err)) != REDRESS_OK)
			return rc;
		row->table = CW_TABLE_CONTACTS;
		row->values[1] = V_TEXT(pseudonym);
		row->values[2] = V_TEXT(a);
		row->values[3] = V_TEXT(b);
		row->values[4] = V_OPT(c);
		row->n = 5;
	} else if (strcmp(ev->type, CW_EV_REFERRAL) == 0 || strcmp(ev->type, CW_EV_GRIEVANCE) == 0) {
		static const char *const referral_keys[] = {"party", "pseudonym", "what", NULL};
		static const char *const grievance_keys[] = {"about", "channel", "pseudonym", NULL};
		int referral = strcmp(ev->type, CW_EV_REFERRAL) == 0;

		if ((rc = canon_only_keys(d, referral ? referral_keys : grievance_keys, err)) != REDRESS_OK ||
		    (rc = canon_get_string(d, referral ? "party" : "channel", &a, err)) != REDRESS_OK ||
		    (rc = casework_word_check(referral ? "party" : "channel", a,
		                              referral ? CASEWORK_PARTY_MAX : CASEWORK_CHANNEL_MAX, err)) !=
		        REDRESS_OK ||
		    (rc = get_pseudonym(d, &pseudonym, err)) != REDRESS_OK ||
		    (rc = get_sealed(d, referral ? "what" : "about", 0, &b, err)) != REDRESS_OK)
			return rc;
		row->table = referral ? CW_TABLE_REFERRALS : CW_TABLE_GRIEVANCES;
		row->values[1] = V_TEXT(pseudonym);
		row->values[2] = V_TEXT(a);
		row->values[3] = V_TEXT(b);
		row->n = 4;
	} else {
		return error_set(err, REDRESS_E_INVALID, "unknown casework event type '%.64s'", ev->type);
	}
	row->pseudonym = pseudonym;
	row->values[row->n++] = V_TEXT(ev->actor);
	row->values[row->n++] = V_TEXT(ev->at);
	return REDRESS_OK;
}

const struct cw_closing *
casework_closing(enum cw_table table)
{
	static const struct cw_closing closings[] = {
	    {CW_TABLE_TASKS_DONE, CW_TABLE_TASKS, CW_Q_TASK_STATE, "task", "done"},
	    {CW_TABLE_GRIEVANCES_DONE, CW_TABLE_GRIEVANCES, CW_Q_GRIEVANCE_STATE, "grievance", "resolved"},
	    {CW_TABLE_REFERRALS_DONE, CW_TABLE_REFERRALS, CW_Q_REFERRAL_STATE, "referral", "answered"},
	};
	size_t i;

	for (i = 0; i < sizeof(closings) / sizeof(closings[0]) - 1; i++)
		if (closings[i].table == table)
			break;
	return &closings[i];
}

/* A row of CW_Q_NOTE_GET, CW_Q_TASK_STATE or CW_Q_GRIEVANCE_STATE as casework_ref_state keeps it. */
struct ref_row {
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
	bool closed;
};

/* A note's second column is its sealed text, not a state. */
static const struct store_field note_ref_fields[] = {STORE_FIELD_CUT(struct ref_row, pseudonym), STORE_SKIP};
static const struct store_field state_ref_fields[] = {STORE_FIELD_CUT(struct ref_row, pseudonym),
                                                      STORE_FIELD(struct ref_row, closed)};

enum redress_err
casework_ref_state(struct store *store, unsigned q, int64_t ref, const char *what, char *pseudonym,
                   int *closed_r, struct redress_error *err)
{
	struct store_stmt *st;
	struct ref_row row;

	if ((st = store_statement(store, &casework_catalogue, q, err)) == NULL)
		return err->code;
	store_bind_int64(st, 1, ref);
	memset(&row, 0, sizeof(row));
	switch (store_read_one(st, q == CW_Q_NOTE_GET ? note_ref_fields : state_ref_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE: return error_set(err, REDRESS_E_NOTFOUND, "no %s %lld", what, (long long)ref);
	default: return err->code;
	}
	memcpy(pseudonym, row.pseudonym, sizeof(row.pseudonym));
	*closed_r = row.closed;
	return REDRESS_OK;
}

enum redress_err
casework_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	char whose[REGISTRY_PSEUDONYM_MAX + 1];
	struct registry_person p;
	struct store_stmt *st;
	struct cw_row row;
	int closed = 0, given = 0;
	size_t i;
	enum redress_err rc;

	if ((rc = casework_event_row(ev, &row, err)) != REDRESS_OK)
		return rc;
	if (row.pseudonym != NULL) {
		if ((rc = registry_get(store, row.pseudonym, &p, err)) != REDRESS_OK)
			return rc;
		if (p.status == REGISTRY_ERASED)
			return error_set(err, REDRESS_E_CONFLICT,
			                 "%s was erased: nothing more can be recorded of this person",
			                 row.pseudonym);
	}
	switch (row.table) {
	case CW_TABLE_NOTE_OPENS:
		if ((rc = casework_ref_state(store, CW_Q_NOTE_GET, row.values[1].i, "note", whose, &closed,
		                             err)) != REDRESS_OK)
			return rc;
		if (strcmp(whose, row.pseudonym) != 0)
			return error_set(err, REDRESS_E_INVALID, "note %lld is %s's, not %s's",
			                 (long long)row.values[1].i, whose, row.pseudonym);
		break;
	case CW_TABLE_TASKS_DONE:
	case CW_TABLE_GRIEVANCES_DONE:
	case CW_TABLE_REFERRALS_DONE: {
		const struct cw_closing *k = casework_closing(row.table);

		if ((rc = casework_ref_state(store, k->state, row.ref, k->what, whose, &closed, err)) !=
		    REDRESS_OK)
			return rc;
		if (closed)
			return error_set(err, REDRESS_E_CONFLICT, "%s %lld is %s already", k->what,
			                 (long long)row.ref, k->closed);
		break;
	}
	case CW_TABLE_REFERRALS: {
		char scope[REGISTRY_SCOPE_MAX + 1];

		snprintf(scope, sizeof(scope), "share:%s", row.values[2].s);
		if ((rc = registry_consent_given(store, row.pseudonym, scope, &given, err)) != REDRESS_OK)
			return rc;
		if (!given)
			return error_set(err, REDRESS_E_REFUSED,
			                 "%s has not consented to '%s': she is not referred to %s without it",
			                 row.pseudonym, scope, row.values[2].s);
		break;
	}
	default: break;
	}
	if ((st = store_statement(store, &casework_catalogue, table_insert[row.table], err)) == NULL)
		return err->code;
	for (i = 0; i < row.n; i++) {
		if (row.values[i].type == AUDIT_INT)
			store_bind_int64(st, (int)i + 1, row.values[i].i);
		else if (row.values[i].type == AUDIT_TEXT)
			store_bind_text(st, (int)i + 1, row.values[i].s);
		else
			store_bind_null(st, (int)i + 1);
	}
	return store_run(st, err);
}

/* ---- Audit's fold: every row is final; the model keeps what later events refer to ---- */

struct fold_ref {
	int64_t seq;
	uint8_t table; /* CW_TABLE_NOTES, CW_TABLE_TASKS, CW_TABLE_GRIEVANCES or CW_TABLE_REFERRALS */
	uint8_t closed;
	char pseudonym[REGISTRY_PSEUDONYM_MAX + 1];
};

struct cw_model {
	struct fold_ref *v; /* in the order of the log: sorted by seq */
	size_t n, cap;
};

static void *
casework_fold_begin(void)
{
	return calloc(1, sizeof(struct cw_model));
}

static struct fold_ref *
model_find(struct cw_model *m, int64_t seq, uint8_t table)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->v[mid].seq == seq)
			return m->v[mid].table == table ? &m->v[mid] : NULL;
		if (m->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static enum redress_err
casework_fold(void *model, const struct event *ev, struct audit_fold *fold, struct redress_error *err)
{
	struct cw_model *m = model;
	struct fold_ref *r;
	struct cw_row row;
	enum redress_err rc;

	if ((rc = casework_event_row(ev, &row, err)) != REDRESS_OK)
		return rc;
	switch (row.table) {
	case CW_TABLE_NOTES:
	case CW_TABLE_TASKS:
	case CW_TABLE_GRIEVANCES:
	case CW_TABLE_REFERRALS:
		if (m->n == m->cap) {
			size_t cap = m->cap != 0 ? m->cap * 2 : 64;
			struct fold_ref *v = realloc(m->v, cap * sizeof(*v));

			if (v == NULL)
				return error_set(err, REDRESS_E_NOMEM, "out of memory folding casework");
			m->v = v;
			m->cap = cap;
		}
		r = &m->v[m->n++];
		memset(r, 0, sizeof(*r));
		r->seq = (int64_t)ev->seq;
		r->table = (uint8_t)row.table;
		text_copy(r->pseudonym, sizeof(r->pseudonym), row.pseudonym);
		break;
	case CW_TABLE_NOTE_OPENS:
		if ((r = model_find(m, row.values[1].i, CW_TABLE_NOTES)) == NULL)
			return error_set(err, REDRESS_E_NOTFOUND, "no note %lld", (long long)row.values[1].i);
		if (strcmp(r->pseudonym, row.pseudonym) != 0)
			return error_set(err, REDRESS_E_INVALID, "note %lld is %s's, not %s's",
			                 (long long)r->seq, r->pseudonym, row.pseudonym);
		break;
	case CW_TABLE_TASKS_DONE:
	case CW_TABLE_GRIEVANCES_DONE:
	case CW_TABLE_REFERRALS_DONE: {
		const struct cw_closing *k = casework_closing(row.table);

		if ((r = model_find(m, row.ref, (uint8_t)k->opened)) == NULL)
			return error_set(err, REDRESS_E_NOTFOUND, "no %s %lld", k->what, (long long)row.ref);
		if (r->closed)
			return error_set(err, REDRESS_E_CONFLICT, "%s %lld is %s already", k->what,
			                 (long long)row.ref, k->closed);
		r->closed = 1;
		break;
	}
	default: break;
	}
	audit_fold_row(fold, row.table, row.values, row.n);
	return REDRESS_OK;
}

static void
casework_fold_end(void *model, struct audit_fold *fold)
{
	struct cw_model *m = model;

	(void)fold;
	free(m->v);
	free(m);
}

const struct event_module casework_module = {
    .name = "casework",
    .type_prefix = "casework.",
    .schema = casework_schema,
    .catalogue = &casework_catalogue,
    .snapshot_ids = casework_snapshots,
    .nsnapshots = STORE_COUNT(casework_snapshots),
    .replay = casework_replay,
    .fold_begin = casework_fold_begin,
    .fold = casework_fold,
    .fold_end = casework_fold_end,
};
