/*
 * api.h -- the handlers of /api/v1, one file per part of the fund
 * (api_persons.c, api_ledger.c ...), and what they share.  routes.c puts
 * them in the route table with the permission each needs; a handler can
 * count on the router having checked it.
 */
#ifndef REDRESS_HTTP_API_H
#define REDRESS_HTTP_API_H

#include "http/http_int.h"

/*
 * Reading a change request: api_form_begin() reads the JSON body (absent is
 * {} when body_optional), refuses a field not in fields (NULL-terminated),
 * and gives a zeroed argument of size bytes for the change; NULL after
 * answering.  The handler then reads the fields into the argument, and
 * api_form_end() submits fn with it when ok (the writer wipes it once
 * done), or else (an answer already in res) wipes and frees it; either way
 * it drops body.
 */
void *api_form_begin(struct http_request *req, struct http_response *res, const char *const *fields,
                     int body_optional, size_t size, json_t **body_r);
void api_form_end(struct http_request *req, json_t *body, int ok, http_change_fn fn, void *arg, size_t size);

/* A whole-number query parameter: 1 read, 0 absent (optional), -1 after answering 400. */
int api_query_u64(struct http_request *req, struct http_response *res, const char *name, int required,
                  uint64_t *value_r);

/*
 * Copies path parameter name into out (size bytes); a value too long to be
 * one answers 404 with missing ("there is no claim with that id").  0, or
 * -1 after answering.
 */
int api_param_copy(struct http_request *req, struct http_response *res, const char *name, char *out,
                   size_t size, const char *missing);

/* Submits fn with a copy of path parameter name (at most max bytes, else 404 with missing) as its argument.
 */
void api_param_submit(struct http_request *req, struct http_response *res, const char *name, size_t max,
                      const char *missing, http_change_fn fn);

/*
 * Answers {"key": array} (taking array) when rc is REDRESS_OK, else drops
 * array and answers err.
 */
void api_reply_list(struct http_response *res, const char *key, json_t *array, enum redress_err rc,
                    const struct redress_error *err);

/* Appends value (taken; NULL is out of memory) to array, for the domain's each-callbacks. */
enum redress_err api_append(json_t *array, json_t *value, struct redress_error *err);

/* api_meta.c */
void api_healthz(struct http_request *req, struct http_response *res);
void api_metrics(struct http_request *req, struct http_response *res);
void api_openapi(struct http_request *req, struct http_response *res);

/* api_audit.c */
void api_audit_checkpoint(struct http_request *req, struct http_response *res);
void api_audit_feed(struct http_request *req, struct http_response *res);
void api_audit_pubkey(struct http_request *req, struct http_response *res);
void api_audit_handovers(struct http_request *req, struct http_response *res);
void api_audit_inclusion(struct http_request *req, struct http_response *res);
void api_audit_consistency(struct http_request *req, struct http_response *res);
void api_audit_event(struct http_request *req, struct http_response *res);

/* api_session.c */
void api_session_create(struct http_request *req, struct http_response *res);
void api_session_show(struct http_request *req, struct http_response *res);
void api_session_delete(struct http_request *req, struct http_response *res);

/* api_offices.c: offices, an account's office, a person's transfer (domain/offices). */
void api_offices_list(struct http_request *req, struct http_response *res);
void api_offices_add(struct http_request *req, struct http_response *res);
void api_users_office(struct http_request *req, struct http_response *res);
void api_persons_transfer(struct http_request *req, struct http_response *res);

/* api_persons.c */
void api_persons_list(struct http_request *req, struct http_response *res);
void api_persons_add(struct http_request *req, struct http_response *res);
void api_persons_show(struct http_request *req, struct http_response *res);
void api_persons_reveal(struct http_request *req, struct http_response *res);
/* api_casework.c: a letter to her, its opening recorded (http/notice.h). */
void api_persons_notice(struct http_request *req, struct http_response *res);
void api_persons_death(struct http_request *req, struct http_response *res);
void api_persons_erase(struct http_request *req, struct http_response *res);
void api_persons_consent(struct http_request *req, struct http_response *res);
void api_persons_consult(struct http_request *req, struct http_response *res);
void api_relations_add(struct http_request *req, struct http_response *res);

/* api_casework.c: corrections and casework */
void api_persons_update(struct http_request *req, struct http_response *res);
void api_changes_list(struct http_request *req, struct http_response *res);
void api_changes_approve(struct http_request *req, struct http_response *res);
void api_changes_reject(struct http_request *req, struct http_response *res);
void api_notes_list(struct http_request *req, struct http_response *res);
void api_notes_add(struct http_request *req, struct http_response *res);
void api_notes_open(struct http_request *req, struct http_response *res);
void api_tasks_list(struct http_request *req, struct http_response *res);
void api_tasks_add(struct http_request *req, struct http_response *res);
void api_tasks_done(struct http_request *req, struct http_response *res);
void api_contacts_list(struct http_request *req, struct http_response *res);
void api_contacts_add(struct http_request *req, struct http_response *res);
void api_referrals_list(struct http_request *req, struct http_response *res);
void api_referrals_add(struct http_request *req, struct http_response *res);
void api_grievances_list(struct http_request *req, struct http_response *res);
void api_grievances_open(struct http_request *req, struct http_response *res);
void api_grievances_resolve(struct http_request *req, struct http_response *res);
void api_referrals_outcome(struct http_request *req, struct http_response *res);
void api_programs_outreach(struct http_request *req, struct http_response *res);

/* api_dups.c: suspected duplicates */
struct dups_pair;
json_t *api_dup_pair_json(const struct dups_pair *p); /* a pair as the list shows it; NULL: out of memory */
void api_duplicates_list(struct http_request *req, struct http_response *res);
void api_duplicates_resolve(struct http_request *req, struct http_response *res);

/* api_ledger.c */
void api_ledger_accounts(struct http_request *req, struct http_response *res);
void api_ledger_account_add(struct http_request *req, struct http_response *res);
void api_ledger_balances(struct http_request *req, struct http_response *res);
void api_ledger_transfers(struct http_request *req, struct http_response *res);
void api_ledger_transfer_show(struct http_request *req, struct http_response *res);
void api_ledger_transfer_add(struct http_request *req, struct http_response *res);
void api_ledger_transfer_post(struct http_request *req, struct http_response *res);
void api_ledger_transfer_void(struct http_request *req, struct http_response *res);
void api_ledger_exchange(struct http_request *req, struct http_response *res);

/* api_payments.c */
void api_persons_bank(struct http_request *req, struct http_response *res);
void api_programs_debtor(struct http_request *req, struct http_response *res);

/*
 * The request's body read as a program file (program_parse), on the heap
 * (the caller frees it); NULL after answering 400 naming the field.
 */
struct program;
struct program *api_program_file(struct http_request *req, struct http_response *res);

/* Proof of life, held instalments, services in kind and a rule change's preview (api_entitlements.c). */
void api_persons_proof(struct http_request *req, struct http_response *res);
void api_programs_held(struct http_request *req, struct http_response *res);
void api_claims_services(struct http_request *req, struct http_response *res);
void api_claims_service_add(struct http_request *req, struct http_response *res);
void api_programs_diff(struct http_request *req, struct http_response *res);
void api_programs_versions(struct http_request *req, struct http_response *res);
void api_programs_version_propose(struct http_request *req, struct http_response *res);
void api_programs_version_approve(struct http_request *req, struct http_response *res);
void api_persons_benefit(struct http_request *req, struct http_response *res);
/* A person's vulnerability categories (api_entitlements.c): {"categories": "disability,...", "reason"}. */
void api_persons_vulnerability(struct http_request *req, struct http_response *res);
void api_programs_batch(struct http_request *req, struct http_response *res);
void api_batches_show(struct http_request *req, struct http_response *res);
void api_batches_export(struct http_request *req, struct http_response *res);
void api_bank_files_import(struct http_request *req, struct http_response *res);
void api_pledges_list(struct http_request *req, struct http_response *res);
void api_pledges_add(struct http_request *req, struct http_response *res);
void api_pledges_receive(struct http_request *req, struct http_response *res);

/* api_reports.c */
void api_reports_publish(struct http_request *req, struct http_response *res);
void api_reports_public(struct http_request *req, struct http_response *res);
/*
 * For the pages: publishes program's report (k the default) in its own
 * change on log, as POST .../reports does; and the JSON rendering of the
 * program's latest published report, rebuilt from the log as GET /report
 * serves it, appended to out (REDRESS_E_NOTFOUND when none was
 * published, REDRESS_E_TAMPERED when reports_published names no report
 * of the program).
 */
enum redress_err api_reports_publish_default(struct tlog *log, const struct actor *actor, const char *program,
                                             struct redress_error *err);
enum redress_err api_reports_shown(struct http_request *req, struct http_response *res, const char *program,
                                   struct buf *out, struct redress_error *err);
/* api_programs.c */
void api_programs_list(struct http_request *req, struct http_response *res);
void api_programs_show(struct http_request *req, struct http_response *res);
void api_programs_add(struct http_request *req, struct http_response *res);
void api_programs_entitlements(struct http_request *req, struct http_response *res);
void api_programs_queue(struct http_request *req, struct http_response *res);

/* api_claims.c */
void api_claims_list(struct http_request *req, struct http_response *res);
void api_claims_open(struct http_request *req, struct http_response *res);
void api_claims_show(struct http_request *req, struct http_response *res);
void api_claims_submit(struct http_request *req, struct http_response *res);
void api_claims_harm_add(struct http_request *req, struct http_response *res);
void api_claims_harm_review(struct http_request *req, struct http_response *res);
void api_claims_appeal(struct http_request *req, struct http_response *res);
void api_claims_appeal_decide(struct http_request *req, struct http_response *res);
void api_claims_approve(struct http_request *req, struct http_response *res);
void api_claims_deny(struct http_request *req, struct http_response *res);
void api_claims_evidence_add(struct http_request *req, struct http_response *res);
void api_claims_evidence_get(struct http_request *req, struct http_response *res);

/* api_users.c */
void api_users_list(struct http_request *req, struct http_response *res);
void api_users_add(struct http_request *req, struct http_response *res);
void api_users_token(struct http_request *req, struct http_response *res);
void api_users_revoke(struct http_request *req, struct http_response *res);
void api_users_totp(struct http_request *req, struct http_response *res);
void api_users_lock(struct http_request *req, struct http_response *res);
void api_users_unlock(struct http_request *req, struct http_response *res);
void api_users_disable(struct http_request *req, struct http_response *res);
void api_users_enable(struct http_request *req, struct http_response *res);
void api_users_password(struct http_request *req, struct http_response *res);
void api_users_role(struct http_request *req, struct http_response *res);
void api_password_change(struct http_request *req, struct http_response *res);

/* api_backup.c: an admin's download of a sealed backup (the page's form takes it too). */
void api_backup(struct http_request *req, struct http_response *res);

enum http_backup_result {
	HTTP_BACKUP_OK,         /* the backup is made and the event submitted: the writer answers */
	HTTP_BACKUP_THROTTLED,  /* too many wrong passwords, or another backup running: wait seconds */
	HTTP_BACKUP_PASSWORD,   /* the account's own password is wrong (counted as a failed sign-in) */
	HTTP_BACKUP_PASSPHRASE, /* the passphrase is shorter than PASSWORD_MIN */
	HTTP_BACKUP_ERROR,      /* anything else: err */
};

/*
 * Checks the signed-in admin's password again, makes the backup sealed
 * under passphrase into an unlinked private file, puts that file in res
 * and submits the change that records "fund.backup.made" (the writer then
 * answers 200 with the file).  Anything but HTTP_BACKUP_OK has answered
 * nothing and changed nothing: err says why.  The caller wipes both
 * secrets.
 */
enum http_backup_result http_backup_take(struct http_request *req, struct http_response *res,
                                         const char *passphrase, const char *password, unsigned *wait_r,
                                         struct redress_error *err);

#endif
