/*
 * page_backup.c -- the admin's backup page: GET /admin/backup explains
 * what a backup is and asks for a passphrase (twice) and her own password;
 * POST /admin/backup answers with the backup itself, a download, made as
 * POST /api/v1/backup makes it (http_backup_take, api_backup.c).  A
 * refused form comes back with each error beside its field, and nothing
 * made or recorded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http/api.h"
#include "http/page.h"

/* The form's fields and their errors (msgids, or NULL). */
struct backup_form {
	const char *passphrase_error;
	const char *again_error;
	const char *password_error;
	const char *detail; /* a message of the server's, in English, or NULL */
};

static void
backup_page(struct page *p, const struct backup_form *f, unsigned status)
{
	static const char *const names[] = {"passphrase", "passphrase2", "password"};
	const char *errors[3];
	size_t n = 0, i;

	errors[0] = f != NULL && f->passphrase_error != NULL ? i18n_get(p->lang, f->passphrase_error) : NULL;
	errors[1] = f != NULL && f->again_error != NULL ? i18n_get(p->lang, f->again_error) : NULL;
	errors[2] = f != NULL && f->password_error != NULL ? i18n_get(p->lang, f->password_error) : NULL;
	if (f != NULL) {
		const char *sn[3], *se[3];

		for (i = 0; i < 3; i++)
			if (errors[i] != NULL) {
				sn[n] = names[i];
				se[n++] = errors[i];
			}
		if (n > 0)
			page_error_summary(p, sn, se, n);
		else
			page_notice(p, "error",
			            T(p, "The backup could not be made, and nothing was recorded."));
		if (f->detail != NULL) {
			html_raw_const(p->b, "<p class=\"hint\">");
			html_text(p->b, f->detail);
			html_raw_const(p->b, "</p>");
		}
	}
	html_raw_const(p->b, "<p>");
	html_text(p->b,
	          T(p, "A backup is one file holding the whole fund: every record, the log, and the keys "
	               "that open people's identities. It is locked with a passphrase you choose here."));
	html_raw_const(p->b, "</p><p>");
	html_text(p->b,
	          T(p, "Keep the passphrase apart from the backups, with a different person or in a "
	               "different place: a backup together with its passphrase is the whole fund. Without "
	               "the passphrase a backup cannot be opened by anyone, so do not lose it."));
	html_raw_const(p->b, "</p><p>");
	html_text(p->b,
	          T(p, "Making the backup is recorded in the log under your name. To put a backup back, "
	               "an administrator of the machine runs 'redress restore' into a new place."));
	html_raw_const(p->b, "</p><form class=\"form\" method=\"post\" action=\"/admin/backup\">");
	page_csrf(p);
	page_input_hint(p, N_("Passphrase for this backup (at least 10 characters)"), "passphrase",
	                "password", NULL, errors[0], 1, "new-password",
	                T(p, "A long sentence is easier to remember and harder to guess than a word."));
	page_input(p, N_("The same passphrase again"), "passphrase2", "password", NULL, errors[1], 1,
	           "new-password");
	page_input(p, N_("Your own password, to confirm it is you"), "password", "password", NULL, errors[2],
	           1, "current-password");
	html_raw_const(p->b, "<button type=\"submit\">");
	html_text(p->b, T(p, "Download the backup"));
	html_raw_const(p->b, "</button></form>");
	page_end(p, status);
}

void
page_backup_form(struct http_request *req, struct http_response *res)
{
	struct page p;

	page_begin(&p, req, res, N_("Backup of the fund"));
	backup_page(&p, NULL, 200);
}

void
page_backup_failed(struct page_change *pc, struct http_response *res, const struct redress_error *err)
{
	struct backup_form f;
	struct page p;

	memset(&f, 0, sizeof(f));
	f.detail = err->message;
	page_change_begin_failed(&p, pc, res, N_("Backup of the fund"));
	backup_page(&p, &f, http_status_for(err->code));
}

void
page_backup_take(struct http_request *req, struct http_response *res)
{
	char *passphrase = sodium_malloc(PASSWORD_MAX + 1), *again = sodium_malloc(PASSWORD_MAX + 1),
	     *password = sodium_malloc(PASSWORD_MAX + 1);
	struct backup_form f;
	struct redress_error err;
	unsigned wait = 0, status = 422;
	struct page p;

	memset(&f, 0, sizeof(f));
	if (passphrase == NULL || again == NULL || password == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		goto out;
	}
	if (!page_form_copy(req, "passphrase", passphrase, PASSWORD_MAX + 1) ||
	    strlen(passphrase) < PASSWORD_MIN)
		f.passphrase_error = N_("The passphrase needs at least 10 characters.");
	else if (!page_form_copy(req, "passphrase2", again, PASSWORD_MAX + 1) ||
	         strcmp(passphrase, again) != 0)
		f.again_error = N_("The two passphrases differ: type the same one twice.");
	if (!page_form_copy(req, "password", password, PASSWORD_MAX + 1) || password[0] == '\0')
		f.password_error = N_("Type your own password.");
	if (f.passphrase_error == NULL && f.again_error == NULL && f.password_error == NULL) {
		switch (http_backup_take(req, res, passphrase, password, &wait, &err)) {
		case HTTP_BACKUP_OK: goto out;
		case HTTP_BACKUP_PASSWORD: f.password_error = N_("The password is wrong."); break;
		case HTTP_BACKUP_PASSPHRASE:
			f.passphrase_error = N_("The passphrase needs at least 10 characters.");
			break;
		case HTTP_BACKUP_THROTTLED:
			res->retry_after = wait;
			status = 429;
			f.detail = err.message;
			break;
		case HTTP_BACKUP_ERROR:
			status = http_status_for(err.code);
			f.detail = err.message;
			break;
		}
	}
	page_begin_failed(&p, req, res, N_("Backup of the fund"));
	backup_page(&p, &f, status);
out:
	if (passphrase != NULL)
		sodium_free(passphrase);
	if (again != NULL)
		sodium_free(again);
	if (password != NULL)
		sodium_free(password);
}
