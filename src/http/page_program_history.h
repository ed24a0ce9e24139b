/*
 * page_program_history.h -- the pages of a program's versions and of a
 * person's vulnerability categories and other benefits
 * (page_program_history.c), and what the program's page and the case file
 * show of them.
 */
#ifndef REDRESS_HTTP_PAGE_PROGRAM_HISTORY_H
#define REDRESS_HTTP_PAGE_PROGRAM_HISTORY_H

#include "domain/programs/programs.h"
#include "http/page.h"

/* The program's order of payment in words ("Vulnerable first: disability, most frail first, ..."), appended
 * to out. */
void page_program_order(struct page *p, const struct program *prog, struct buf *out);

/*
 * A program form's file input ("file"), for rules longer than a form field
 * takes (HTTP_FORM_FIELD_MAX bytes): its form is multipart, and the file,
 * when one is chosen, is read instead of the box.
 */
void page_program_file_input(struct page *p);

/* The program page's section: its versions with their dates, and the way to propose or approve one. */
void page_program_versions(struct page *p, struct store *store, const struct program *prog);

/* The case file's facts (inside its <dl>): her vulnerability categories, the other benefits she receives. */
void page_casefile_vulnerability(struct page *p, struct store *store, const char *pseudonym);
void page_casefile_benefits(struct page *p, struct store *store, const char *pseudonym);
/* The case file's task links (inside its <ul class="tasks">) to the two pages below. */
void page_casefile_benefit_links(struct page *p, const char *pseudonym);

/* GET and POST /admin/programs/{code}/versions/new, /admin/programs/{code}/versions. */
void page_admin_version_new(struct http_request *req, struct http_response *res);
void page_admin_version_propose(struct http_request *req, struct http_response *res);
/* GET (the confirmation) and POST /admin/programs/{code}/versions/{version}/approve. */
void page_admin_version_confirm(struct http_request *req, struct http_response *res);
void page_admin_version_approve(struct http_request *req, struct http_response *res);
/* GET and POST /persons/{pseudonym}/vulnerability and /persons/{pseudonym}/benefits. */
void page_persons_vulnerability_form(struct http_request *req, struct http_response *res);
void page_persons_vulnerability(struct http_request *req, struct http_response *res);
void page_persons_benefits_form(struct http_request *req, struct http_response *res);
void page_persons_benefits(struct http_request *req, struct http_response *res);

#endif
