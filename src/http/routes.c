/*
 * routes.c -- every route the server has, the permission each needs, and
 * its name in logs and metrics.  docs/openapi.json describes the same
 * routes; tests/http check that the two agree and that each route answers
 * each role as this table says.
 */
#include "http/api.h"
#include "http/page.h"

#define R(method, pattern, name, access, perm, handler)                                                      \
	{                                                                                                    \
		HTTP_##method, pattern, name, access, perm, handler, 0, 0, 0                                 \
	}
#define PUBLIC(method, pattern, name, handler)      R(method, pattern, name, HTTP_PUBLIC, 0, handler)
#define ACCOUNT(method, pattern, name, handler)     R(method, pattern, name, HTTP_ANY_ACCOUNT, 0, handler)
#define NEEDS(perm, method, pattern, name, handler) R(method, pattern, name, HTTP_SIGNED_IN, perm, handler)
/* A route whose body may be larger than a JSON request's (a bank file). */
#define NEEDS_BODY(max, perm, method, pattern, name, handler)                                                \
	{                                                                                                    \
		HTTP_##method, pattern, name, HTTP_SIGNED_IN, perm, handler, max, 0, 0                       \
	}
/* The routes that take a file (multipart/form-data, up to HTTP_UPLOAD_MAX); no other route reads multipart.
 */
#define NEEDS_FILE(perm, method, pattern, name, handler)                                                     \
	{                                                                                                    \
		HTTP_##method, pattern, name, HTTP_SIGNED_IN, perm, handler, 0, 0, 1                         \
	}
#define PAGE_NEEDS_FILE(perm, method, pattern, name, handler)                                                \
	{                                                                                                    \
		HTTP_##method, pattern, name, HTTP_SIGNED_IN, perm, handler, 0, 1, 1                         \
	}
/* Pages: a refusal is a page too (to the sign-in page, or "not allowed"), not JSON. */
#define P(method, pattern, name, access, perm, handler)                                                      \
	{                                                                                                    \
		HTTP_##method, pattern, name, access, perm, handler, 0, 1, 0                                 \
	}
#define PAGE_PUBLIC(method, pattern, name, handler)  P(method, pattern, name, HTTP_PUBLIC, 0, handler)
#define PAGE_ACCOUNT(method, pattern, name, handler) P(method, pattern, name, HTTP_ANY_ACCOUNT, 0, handler)
#define PAGE_NEEDS(perm, method, pattern, name, handler)                                                     \
	P(method, pattern, name, HTTP_SIGNED_IN, perm, handler)

const struct http_route http_routes[] = {
    PUBLIC(GET, "/healthz", "healthz", api_healthz),
    PUBLIC(GET, "/metrics", "metrics", api_metrics),
    PUBLIC(GET, "/api/v1/openapi.json", "openapi", api_openapi),

    PUBLIC(POST, "/api/v1/session", "session.create", api_session_create),
    PUBLIC(POST, "/api/v1/password", "password.change", api_password_change),
    NEEDS_BODY(HTTP_BACKUP_BODY_MAX, PERM_USERS_MANAGE, POST, "/api/v1/backup", "backup.make", api_backup),
    ACCOUNT(GET, "/api/v1/session", "session.show", api_session_show),
    ACCOUNT(DELETE, "/api/v1/session", "session.delete", api_session_delete),

    PUBLIC(GET, "/api/v1/audit/checkpoint", "audit.checkpoint", api_audit_checkpoint),
    PUBLIC(GET, "/api/v1/audit/feed", "audit.feed", api_audit_feed),
    PUBLIC(GET, "/api/v1/audit/pubkey", "audit.pubkey", api_audit_pubkey),
    PUBLIC(GET, "/api/v1/audit/handovers", "audit.handovers", api_audit_handovers),
    PUBLIC(GET, "/api/v1/audit/proofs/inclusion", "audit.inclusion", api_audit_inclusion),
    PUBLIC(GET, "/api/v1/audit/proofs/consistency", "audit.consistency", api_audit_consistency),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/audit/events/{seq}", "audit.event", api_audit_event),

    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/persons", "persons.list", api_persons_list),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons", "persons.add", api_persons_add),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/persons/{pseudonym}", "persons.show", api_persons_show),
    NEEDS(PERM_PERSONS_REVEAL, POST, "/api/v1/persons/{pseudonym}/reveal", "persons.reveal",
          api_persons_reveal),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/death", "persons.death", api_persons_death),
    NEEDS(PERM_PERSONS_ERASE, POST, "/api/v1/persons/{pseudonym}/erase", "persons.erase", api_persons_erase),
    NEEDS(PERM_CONSENT_WRITE, POST, "/api/v1/persons/{pseudonym}/consents", "persons.consent",
          api_persons_consent),
    NEEDS(PERM_CONSENT_WRITE, POST, "/api/v1/persons/{pseudonym}/consultations", "persons.consult",
          api_persons_consult),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/relations", "relations.add", api_relations_add),

    /* Corrections and casework (api_casework.c). */
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/update", "persons.update",
          api_persons_update),
    NEEDS(PERM_PERSONS_WRITE, GET, "/api/v1/changes", "changes.list", api_changes_list),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/changes/{change}/approve", "changes.approve",
          api_changes_approve),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/changes/{change}/reject", "changes.reject", api_changes_reject),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/persons/{pseudonym}/notes", "notes.list", api_notes_list),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/notes", "notes.add", api_notes_add),
    NEEDS(PERM_PERSONS_REVEAL, POST, "/api/v1/notes/{note}/open", "notes.open", api_notes_open),
    NEEDS(PERM_PERSONS_WRITE, GET, "/api/v1/tasks", "tasks.list", api_tasks_list),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/tasks", "tasks.add", api_tasks_add),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/tasks/{task}/done", "tasks.done", api_tasks_done),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/contacts", "contacts.list", api_contacts_list),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/contacts", "contacts.add", api_contacts_add),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/persons/{pseudonym}/referrals", "referrals.list",
          api_referrals_list),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/referrals", "referrals.add",
          api_referrals_add),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/referrals/{referral}/outcome", "referrals.outcome",
          api_referrals_outcome),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/grievances", "grievances.list", api_grievances_list),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/grievances", "grievances.open",
          api_grievances_open),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/grievances/{grievance}/resolve", "grievances.resolve",
          api_grievances_resolve),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/programs/{code}/outreach", "programs.outreach",
          api_programs_outreach),
    NEEDS(PERM_PERSONS_REVEAL, GET, "/api/v1/persons/{pseudonym}/notices/{kind}", "persons.notice",
          api_persons_notice),

    NEEDS(PERM_LEDGER_READ, GET, "/api/v1/ledger/accounts", "ledger.accounts", api_ledger_accounts),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/ledger/accounts", "ledger.account.add", api_ledger_account_add),
    NEEDS(PERM_BALANCES_READ, GET, "/api/v1/ledger/balances", "ledger.balances", api_ledger_balances),
    NEEDS(PERM_LEDGER_READ, GET, "/api/v1/ledger/transfers", "ledger.transfers", api_ledger_transfers),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/ledger/transfers", "ledger.transfer.add",
          api_ledger_transfer_add),
    NEEDS(PERM_LEDGER_READ, GET, "/api/v1/ledger/transfers/{id}", "ledger.transfer.show",
          api_ledger_transfer_show),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/ledger/transfers/{id}/post", "ledger.transfer.post",
          api_ledger_transfer_post),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/ledger/transfers/{id}/void", "ledger.transfer.void",
          api_ledger_transfer_void),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/ledger/exchanges", "ledger.exchange", api_ledger_exchange),

    ACCOUNT(GET, "/api/v1/programs", "programs.list", api_programs_list),
    NEEDS(PERM_PROGRAMS_MANAGE, POST, "/api/v1/programs", "programs.add", api_programs_add),
    ACCOUNT(GET, "/api/v1/programs/{code}", "programs.show", api_programs_show),
    NEEDS(PERM_ENTITLEMENTS_RUN, POST, "/api/v1/programs/{code}/entitlements", "programs.entitlements",
          api_programs_entitlements),
    NEEDS(PERM_QUEUE_READ, GET, "/api/v1/programs/{code}/queue", "programs.queue", api_programs_queue),
    NEEDS(PERM_PROGRAMS_MANAGE, POST, "/api/v1/programs/{code}/diff", "programs.diff", api_programs_diff),
    NEEDS(PERM_CLAIMS_READ, GET, "/api/v1/programs/{code}/versions", "programs.versions", api_programs_versions),
    NEEDS(PERM_PROGRAMS_MANAGE, POST, "/api/v1/programs/{code}/versions", "programs.versions.propose",
          api_programs_version_propose),
    NEEDS(PERM_PROGRAMS_MANAGE, POST, "/api/v1/programs/{code}/versions/{version}/approve",
          "programs.versions.approve", api_programs_version_approve),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/benefits", "persons.benefits",
          api_persons_benefit),
    NEEDS(PERM_PERSONS_READ, GET, "/api/v1/programs/{code}/held", "programs.held", api_programs_held),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/proof", "persons.proof", api_persons_proof),
    NEEDS(PERM_CLAIMS_READ, GET, "/api/v1/claims/{claim}/services", "claims.services", api_claims_services),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/claims/{claim}/services", "claims.services.add",
          api_claims_service_add),

    NEEDS(PERM_CLAIMS_READ, GET, "/api/v1/claims", "claims.list", api_claims_list),
    NEEDS(PERM_CLAIMS_INTAKE, POST, "/api/v1/claims", "claims.open", api_claims_open),
    NEEDS(PERM_CLAIMS_READ, GET, "/api/v1/claims/{claim}", "claims.show", api_claims_show),
    NEEDS(PERM_CLAIMS_INTAKE, POST, "/api/v1/claims/{claim}/submit", "claims.submit", api_claims_submit),
    NEEDS(PERM_CLAIMS_INTAKE, POST, "/api/v1/claims/{claim}/appeal", "claims.appeal", api_claims_appeal),
    NEEDS(PERM_CLAIMS_DECIDE, POST, "/api/v1/claims/{claim}/approve", "claims.approve", api_claims_approve),
    NEEDS(PERM_CLAIMS_DECIDE, POST, "/api/v1/claims/{claim}/deny", "claims.deny", api_claims_deny),
    NEEDS(PERM_CLAIMS_INTAKE, POST, "/api/v1/claims/{claim}/harms", "claims.harms.add", api_claims_harm_add),
    NEEDS(PERM_CLAIMS_DECIDE, POST, "/api/v1/claims/{claim}/harms/{harm}/review", "claims.harms.review",
          api_claims_harm_review),
    NEEDS_FILE(PERM_CLAIMS_INTAKE, POST, "/api/v1/claims/{claim}/evidence", "claims.evidence.add",
               api_claims_evidence_add),
    NEEDS(PERM_CLAIMS_READ, GET, "/api/v1/claims/{claim}/evidence/{n}", "claims.evidence.get",
          api_claims_evidence_get),

    NEEDS(PERM_USERS_MANAGE, GET, "/api/v1/users", "users.list", api_users_list),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users", "users.add", api_users_add),
    ACCOUNT(POST, "/api/v1/users/{name}/tokens", "users.token", api_users_token),
    NEEDS(PERM_USERS_MANAGE, DELETE, "/api/v1/users/{name}/tokens", "users.revoke", api_users_revoke),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/totp", "users.totp", api_users_totp),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/lock", "users.lock", api_users_lock),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/unlock", "users.unlock", api_users_unlock),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/disable", "users.disable", api_users_disable),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/enable", "users.enable", api_users_enable),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/password", "users.password", api_users_password),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/role", "users.role", api_users_role),
    /* Offices (api_offices.c): who sees whom. */
    NEEDS(PERM_USERS_MANAGE, GET, "/api/v1/offices", "offices.list", api_offices_list),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/offices", "offices.add", api_offices_add),
    NEEDS(PERM_USERS_MANAGE, POST, "/api/v1/users/{name}/office", "users.office", api_users_office),
    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/transfer", "persons.transfer",
          api_persons_transfer),

    NEEDS(PERM_PERSONS_WRITE, POST, "/api/v1/persons/{pseudonym}/bank", "persons.bank", api_persons_bank),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/programs/{code}/debtor", "programs.debtor", api_programs_debtor),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/programs/{code}/batches", "batches.create", api_programs_batch),
    NEEDS(PERM_LEDGER_READ, GET, "/api/v1/batches/{id}", "batches.show", api_batches_show),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/batches/{id}/export", "batches.export", api_batches_export),
    NEEDS_BODY(HTTP_UPLOAD_MAX, PERM_LEDGER_WRITE, POST, "/api/v1/bank-files", "bank_files.import",
               api_bank_files_import),
    NEEDS(PERM_BALANCES_READ, GET, "/api/v1/pledges", "pledges.list", api_pledges_list),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/pledges", "pledges.add", api_pledges_add),
    NEEDS(PERM_LEDGER_WRITE, POST, "/api/v1/pledges/{id}/receipts", "pledges.receive", api_pledges_receive),

    NEEDS(PERM_AGGREGATES_READ, POST, "/api/v1/programs/{code}/reports", "reports.publish",
          api_reports_publish),
    PUBLIC(GET, "/report", "reports.public", api_reports_public),

    /* The pages for people (page_*.c); their forms carry the CSRF token in a field. */
    PAGE_PUBLIC(GET, "/", "page.home", page_home),
    PAGE_PUBLIC(GET, "/assets/{name}", "page.asset", page_asset),
    PAGE_PUBLIC(GET, "/sign-in", "page.sign_in.form", page_sign_in_form),
    PAGE_PUBLIC(POST, "/sign-in", "page.sign_in", page_sign_in),
    PAGE_PUBLIC(GET, "/sign-in/password", "page.new_password.form", page_new_password_form),
    PAGE_PUBLIC(POST, "/sign-in/password", "page.new_password", page_new_password),
    PAGE_PUBLIC(GET, "/sign-in/refused/{id}", "page.sign_in.refused", page_refused),
    PAGE_ACCOUNT(POST, "/sign-out", "page.sign_out", page_sign_out),
    PAGE_ACCOUNT(GET, "/account", "page.account", page_account),
    PAGE_ACCOUNT(GET, "/refused/{id}", "page.refused", page_refused),
    PAGE_ACCOUNT(GET, "/shown/{id}", "page.shown", page_refused),
    PAGE_NEEDS(PERM_PERSONS_READ, GET, "/persons", "page.persons.find", page_persons_find),
    PAGE_NEEDS(PERM_PERSONS_WRITE, GET, "/persons/new", "page.persons.new", page_persons_new),
    PAGE_NEEDS(PERM_PERSONS_READ, GET, "/persons/{pseudonym}/casework", "page.casework", page_casework_show),
    PAGE_NEEDS(PERM_PERSONS_REVEAL, POST, "/persons/{pseudonym}/notices/{kind}", "page.casework.notice",
               page_casework_notice),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/casework/notes", "page.casework.note",
               page_casework_note),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/casework/tasks", "page.casework.task",
               page_casework_task),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/casework/contacts", "page.casework.contact",
               page_casework_contact),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/casework/grievances",
               "page.casework.grievance", page_casework_grievance),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/casework/corrections",
               "page.casework.correct", page_casework_correct),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/casework/proofs", "page.casework.proof",
               page_casework_proof),
    PAGE_NEEDS(PERM_PERSONS_REVEAL, POST, "/work/notes/{note}/open", "page.work.note_open", page_work_note_open),
    PAGE_NEEDS(PERM_PERSONS_READ, GET, "/work", "page.work", page_work),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/work/tasks/{task}/done", "page.work.task_done",
               page_work_task_done),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/work/changes/{change}/approve", "page.work.approve",
               page_work_change_approve),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/work/changes/{change}/reject", "page.work.reject",
               page_work_change_reject),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/work/grievances/{grievance}/resolve", "page.work.resolve",
               page_work_grievance_resolve),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/casework/referrals", "page.casework.referral",
               page_casework_referral),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/work/referrals/{referral}/outcome", "page.work.referral_outcome",
               page_work_referral_outcome),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons", "page.persons.add", page_persons_add),
    PAGE_NEEDS(PERM_PERSONS_REVEAL, POST, "/persons/search", "page.persons.search", page_persons_search),
    PAGE_NEEDS(PERM_PERSONS_READ, GET, "/persons/{pseudonym}", "page.persons.show", page_persons_show),
    PAGE_NEEDS(PERM_PERSONS_REVEAL, POST, "/persons/{pseudonym}/reveal", "page.persons.reveal",
               page_persons_reveal),
    PAGE_NEEDS(PERM_CONSENT_WRITE, POST, "/persons/{pseudonym}/consents", "page.persons.consent",
               page_persons_consent),
    PAGE_NEEDS(PERM_CONSENT_WRITE, POST, "/persons/{pseudonym}/consultations", "page.persons.consult",
               page_persons_consult),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/heirs", "page.persons.heir",
               page_persons_heir),
    PAGE_NEEDS(PERM_CLAIMS_INTAKE, POST, "/persons/{pseudonym}/claims", "page.claims.open", page_claims_open),
    /* The case file's task pages: one form each, posting to the same address. */
    PAGE_NEEDS(PERM_CONSENT_WRITE, GET, "/persons/{pseudonym}/consents", "page.persons.consent_form",
               page_persons_consent_form),
    PAGE_NEEDS(PERM_CONSENT_WRITE, GET, "/persons/{pseudonym}/consultations", "page.persons.consult_form",
               page_persons_consult_form),
    PAGE_NEEDS(PERM_PERSONS_WRITE, GET, "/persons/{pseudonym}/heirs", "page.persons.heir_form",
               page_persons_heir_form),
    PAGE_NEEDS(PERM_PERSONS_WRITE, GET, "/persons/{pseudonym}/bank", "page.persons.bank_form",
               page_persons_bank_form),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/bank", "page.persons.bank", page_persons_bank),
    PAGE_NEEDS(PERM_PERSONS_WRITE, GET, "/persons/{pseudonym}/death", "page.persons.death_form",
               page_persons_death_form),
    PAGE_NEEDS(PERM_CLAIMS_INTAKE, GET, "/persons/{pseudonym}/claims", "page.claims.open_form",
               page_claims_open_form),
    PAGE_NEEDS(PERM_CLAIMS_READ, GET, "/claims", "page.claims.list", page_claims_list),
    PAGE_NEEDS(PERM_CLAIMS_READ, GET, "/claims/{id}", "page.claims.show", page_claims_show),
    PAGE_NEEDS_FILE(PERM_CLAIMS_INTAKE, POST, "/claims/{id}/evidence", "page.claims.evidence",
                    page_claims_evidence),
    PAGE_NEEDS(PERM_CLAIMS_READ, GET, "/claims/{id}/evidence/{n}", "page.claims.download",
               page_claims_download),
    PAGE_NEEDS(PERM_CLAIMS_INTAKE, POST, "/claims/{id}/submit", "page.claims.submit", page_claims_submit),
    PAGE_NEEDS(PERM_CLAIMS_DECIDE, POST, "/claims/{id}/approve", "page.claims.approve", page_claims_approve),
    PAGE_NEEDS(PERM_CLAIMS_DECIDE, POST, "/claims/{id}/deny", "page.claims.deny", page_claims_deny),
    PAGE_NEEDS(PERM_CLAIMS_INTAKE, POST, "/claims/{id}/appeal", "page.claims.appeal", page_claims_appeal),
    PAGE_NEEDS(PERM_PERSONS_REVEAL, POST, "/claims/{id}/reasons/{seq}", "page.claims.reason",
               page_claims_reason),
    PAGE_NEEDS(PERM_BALANCES_READ, GET, "/fund", "page.fund.balances", page_fund_balances),
    PAGE_NEEDS(PERM_QUEUE_READ, GET, "/queue", "page.fund.queue", page_fund_queue),
    PAGE_NEEDS(PERM_ENTITLEMENTS_RUN, POST, "/entitlements", "page.fund.run", page_fund_run),
    PAGE_NEEDS(PERM_BALANCES_READ, GET, "/pledges", "page.pledges.list", page_pledges),
    PAGE_NEEDS(PERM_LEDGER_WRITE, POST, "/pledges", "page.pledges.add", page_pledges_add),
    PAGE_NEEDS(PERM_LEDGER_WRITE, POST, "/pledges/{id}/receipts", "page.pledges.receive",
               page_pledges_receive),
    PAGE_NEEDS(PERM_LEDGER_READ, GET, "/batches", "page.batches.list", page_batches),
    PAGE_NEEDS(PERM_LEDGER_WRITE, POST, "/batches", "page.batches.create", page_batches_create),
    PAGE_NEEDS(PERM_LEDGER_READ, GET, "/batches/{id}", "page.batches.show", page_batches_show),
    PAGE_NEEDS(PERM_LEDGER_WRITE, POST, "/batches/{id}/export", "page.batches.export", page_batches_export),
    PAGE_NEEDS_FILE(PERM_LEDGER_WRITE, POST, "/bank-files", "page.bank_files", page_bank_files),
    PAGE_NEEDS(PERM_USERS_MANAGE, GET, "/admin/accounts", "page.admin.accounts", page_admin_accounts),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts/{name}/totp", "page.admin.totp", page_admin_totp),
    /* The admin's and caseworker's pages of web3: accounts, programs, a death, erasing. */
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts", "page.admin.account_add", page_admin_account_add),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts/{name}/lock", "page.admin.lock", page_admin_lock),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts/{name}/unlock", "page.admin.unlock",
               page_admin_unlock),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts/{name}/disable", "page.admin.disable",
               page_admin_disable),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts/{name}/enable", "page.admin.enable",
               page_admin_enable),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts/{name}/role", "page.admin.role", page_admin_role),
    PAGE_NEEDS(PERM_USERS_MANAGE, GET, "/admin/offices", "page.admin.offices", page_offices),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/offices", "page.admin.offices.add", page_offices_add),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/offices/staff", "page.admin.offices.staff", page_offices_staff),
    PAGE_NEEDS(PERM_USERS_MANAGE, POST, "/admin/accounts/{name}/password", "page.admin.password",
               page_admin_password),
    /* An admin's backup (api_backup.c, page_backup.c): a small body of two secrets (issue 10 item 8). */
    PAGE_NEEDS(PERM_USERS_MANAGE, GET, "/admin/backup", "page.admin.backup_form", page_backup_form),
    {HTTP_POST, "/admin/backup", "page.admin.backup", HTTP_SIGNED_IN, PERM_USERS_MANAGE, page_backup_take,
     HTTP_BACKUP_FORM_MAX, 1, 0},
    PAGE_NEEDS(PERM_PROGRAMS_MANAGE, GET, "/admin/programs", "page.admin.programs", page_admin_programs),
    PAGE_NEEDS(PERM_PROGRAMS_MANAGE, POST, "/admin/programs", "page.admin.program_add",
               page_admin_program_add),
    PAGE_NEEDS(PERM_PROGRAMS_MANAGE, GET, "/admin/programs/{code}", "page.admin.program",
               page_admin_program_show),
    PAGE_NEEDS(PERM_PERSONS_WRITE, POST, "/persons/{pseudonym}/death", "page.persons.death",
               page_persons_death),
    PAGE_NEEDS(PERM_PERSONS_ERASE, GET, "/persons/{pseudonym}/erase", "page.persons.erase_confirm",
               page_persons_erase_confirm),
    PAGE_NEEDS(PERM_PERSONS_ERASE, POST, "/persons/{pseudonym}/erase", "page.persons.erase",
               page_persons_erase),
    PAGE_NEEDS(PERM_AGGREGATES_READ, GET, "/transparency", "page.transparency", page_transparency),
    /* The transparency reports: public to read, published by a monitor. */
    PAGE_PUBLIC(GET, "/reports", "page.reports", page_reports),
    PAGE_NEEDS(PERM_AGGREGATES_READ, POST, "/reports/{code}", "page.reports.publish", page_reports_publish),
};

const size_t http_routes_count = sizeof(http_routes) / sizeof(http_routes[0]);
