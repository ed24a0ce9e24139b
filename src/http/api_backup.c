/*
 * api_backup.c -- POST /api/v1/backup: an admin downloads a backup of the
 * fund (domain/fund/fund_backup.h), sealed under a passphrase she gives,
 * after typing her own password again.  The admin page's form
 * (page_backup.c) takes the same way through http_backup_take().
 *
 * The backup is written into an unlinked private file (O_TMPFILE, mode
 * 0600, beside the database), an event "fund.backup.made" (who, the log's
 * size it holds, the sealed file's SHA-256) is committed through the
 * writer, and only then is the file answered, streamed from its
 * descriptor: if the event cannot be recorded nothing is sent.  The
 * backup is a copy taken before its own event, so a fund restored from it
 * never holds that event.  One backup is made at a time (Argon2id alone
 * takes 128 MiB); a second is told to wait.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "crypto/keydir.h"
#include "domain/fund/fund_backup.h"
#include "domain/fund/fund_copy.h"
#include "http/api.h"
#include "http/page.h"

static atomic_flag backup_running = ATOMIC_FLAG_INIT;

/* An unlinked private file beside path (O_TMPFILE, or a named one unlinked at once); -1 with err. */
static int
backup_tmpfile(const char *path, struct redress_error *err)
{
	char dir[FUND_BACKUP_SCRATCH_MAX], name[FUND_BACKUP_SCRATCH_MAX + 32];
	int fd, n;

	n = snprintf(dir, sizeof(dir), "%s", path);
	if (n < 0 || (size_t)n >= sizeof(dir)) {
		error_set(err, REDRESS_E_IO, "the database's path is too long for a backup beside it");
		return -1;
	}
	snprintf(name, sizeof(name), "%s", dirname(dir));
	if ((fd = open(name, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)) >= 0)
		return fd;
	/* A file system without O_TMPFILE: a named file, unlinked before anything is written. */
	snprintf(name + strlen(name), sizeof(name) - strlen(name), "/.redress-backup-XXXXXX");
	if ((fd = mkostemp(name, O_CLOEXEC)) < 0) {
		error_set(err, REDRESS_E_IO,
		          "cannot make a private file for the backup beside the database: %s",
		          strerror(errno));
		return -1;
	}
	unlink(name);
	return fd;
}

/* A PostgreSQL fund's copy for its backup (fund_backup_copy_fn): one at a time (backup_running). */
static enum redress_err
copy_pgsql(void *arg, const char *path, struct redress_error *err)
{
	const struct http_app *app = arg;

	return fund_copy(app->config->db, app->config->keys, path, app->config->modules, NULL, err);
}

struct backup_arg {
	struct fund_backup made;
	char filename[64];
	int page;              /* asked from the page: a failure answers as the page's form */
	struct page_change pc; /* when page */
};

static enum redress_err
do_backup(struct http_change *c, void *arg, struct http_response *res, struct redress_error *err)
{
	struct backup_arg *a = arg;
	enum redress_err rc;
	uint64_t seq;

	/* A retry with the same Idempotency-Key is told the file was given once, never a second copy. */
	c->shown_once = 1;
	if ((rc = fund_backup_record(c->log, c->actor, &a->made, &seq, err)) != REDRESS_OK) {
		if (a->page)
			page_backup_failed(&a->pc, res, err);
		return rc;
	}
	res->status = 200;
	res->content_type = "application/octet-stream";
	snprintf(res->disposition, sizeof(res->disposition), "attachment; filename=\"%s\"", a->filename);
	return REDRESS_OK;
}

enum http_backup_result
http_backup_take(struct http_request *req, struct http_response *res, const char *passphrase,
                 const char *password, unsigned *wait_r, struct redress_error *err)
{
	const struct http_config *config = req->app->config;
	struct fund_backup_to to;
	struct backup_arg *a = NULL;
	struct actor again;
	struct store *store;
	struct tlog *log;
	enum http_backup_result result = HTTP_BACKUP_ERROR;
	struct tm tm;
	time_t now = time(NULL);
	char scratch[FUND_BACKUP_SCRATCH_MAX];
	int fd = -1, running = 0, pg = store_is_pgsql(config->db);

	*wait_r = 0;
	if ((*wait_r =
	         http_throttle_wait(&req->app->throttle, req->actor.name, req->address, (uint64_t)now)) > 0)
		return HTTP_BACKUP_THROTTLED;
	if ((store = http_store(req, res)) == NULL) {
		error_set(err, REDRESS_E_STORE, "the database could not be opened");
		return HTTP_BACKUP_ERROR;
	}
	/* Step-up: the admin's own password again, checked and counted as a sign-in's. */
	if (users_authenticate(store, keydir_master_key(config->keys), req->actor.name, password, &again,
	                       err) != REDRESS_OK) {
		if (err->code != REDRESS_E_REFUSED && err->code != REDRESS_E_PASSWORD_RESET)
			return HTTP_BACKUP_ERROR;
		http_throttle_fail(&req->app->throttle, req->actor.name, req->address, (uint64_t)now);
		error_set(err, REDRESS_E_REFUSED, "the password is wrong: type your own password again");
		return HTTP_BACKUP_PASSWORD;
	}
	http_throttle_clear(&req->app->throttle, req->actor.name, req->address);
	if (strlen(passphrase) < PASSWORD_MIN) {
		error_set(err, REDRESS_E_INVALID, "field 'passphrase' needs at least %d characters",
		          PASSWORD_MIN);
		return HTTP_BACKUP_PASSPHRASE;
	}
	if (atomic_flag_test_and_set(&backup_running)) {
		*wait_r = 10;
		error_set(err, REDRESS_E_BUSY, "another backup is being made: try again in a moment");
		return HTTP_BACKUP_THROTTLED;
	}
	running = 1;
	if ((a = calloc(1, sizeof(*a))) == NULL) {
		error_set(err, REDRESS_E_NOMEM, "out of memory");
		goto out;
	}
	if ((log = http_read_log(req, res)) == NULL) {
		error_set(err, REDRESS_E_STORE, "the log could not be read");
		goto out;
	}
	/*
	 * The sealed file and the database's scratch copy go beside a SQLite
	 * database; a PostgreSQL fund has no directory of its own here, so
	 * they go in the key directory, as private as the keys they hold.
	 */
	if (pg &&
	    snprintf(scratch, sizeof(scratch), "%s/backup", config->keys_path) >= (int)sizeof(scratch)) {
		error_set(err, REDRESS_E_IO, "the key directory's path is too long for a backup in it");
		goto out;
	}
	if ((fd = backup_tmpfile(pg ? scratch : config->db, err)) < 0)
		goto out;
	if (req->route >= 0 && http_routes[req->route].page) {
		a->page = 1;
		page_change_init(&a->pc, req, res);
	}
	gmtime_r(&now, &tm);
	strftime(a->filename, sizeof(a->filename), "redress-backup-%Y%m%d-%H%M%S.rbk", &tm);
	memset(&to, 0, sizeof(to));
	to.path = a->filename;
	to.fd = fd;
	to.beside = pg ? scratch : config->db;
	if (pg) {
		/* One REPEATABLE READ snapshot of it, copied into a SQLite file, its log's root checked. */
		to.copy = copy_pgsql;
		to.copy_arg = req->app;
	}
	if (fund_backup_write(log, config->keys_path, &to, passphrase, &a->made, err) != REDRESS_OK)
		goto out;
	/* The response owns the file from here: sent on success, closed otherwise. */
	res->has_file = 1;
	res->file_fd = fd;
	res->file_size = a->made.bytes;
	fd = -1;
	http_change_submit(req, do_backup, a);
	a = NULL;
	result = HTTP_BACKUP_OK;
out:
	if (fd >= 0)
		close(fd);
	free(a);
	if (running)
		atomic_flag_clear(&backup_running);
	return result;
}

void
api_backup(struct http_request *req, struct http_response *res)
{
	static const char *const fields[] = {"passphrase", "password", NULL};
	char *passphrase = NULL, *password = NULL;
	struct redress_error err;
	json_t *body = NULL;
	unsigned wait;

	/* Secrets in guarded memory, wiped when let go. */
	if ((passphrase = sodium_malloc(PASSWORD_MAX + 1)) == NULL ||
	    (password = sodium_malloc(PASSWORD_MAX + 1)) == NULL) {
		http_reply_error(res, 503, "unavailable", "out of memory");
		goto out;
	}
	passphrase[0] = password[0] = '\0';
	if ((body = http_body_object(req, res)) == NULL)
		goto out;
	if (http_fields_only(res, body, fields) < 0 ||
	    http_field_string(res, body, "passphrase", 1, passphrase, PASSWORD_MAX + 1) < 0 ||
	    http_field_string(res, body, "password", 1, password, PASSWORD_MAX + 1) < 0)
		goto out;
	if (strlen(passphrase) < PASSWORD_MIN) {
		http_reply_error(res, 400, "invalid", "field 'passphrase' needs at least %d characters",
		                 PASSWORD_MIN);
		goto out;
	}
	switch (http_backup_take(req, res, passphrase, password, &wait, &err)) {
	case HTTP_BACKUP_OK: break;
	case HTTP_BACKUP_THROTTLED:
		res->retry_after = wait;
		http_reply_error(res, 429, "throttled", "%s",
		                 err.code == REDRESS_E_BUSY ? err.message
		                                            : "too many wrong passwords; try again later");
		break;
	case HTTP_BACKUP_PASSWORD: http_reply_error(res, 403, "forbidden", "%s", err.message); break;
	case HTTP_BACKUP_PASSPHRASE: http_reply_error(res, 400, "invalid", "%s", err.message); break;
	case HTTP_BACKUP_ERROR: http_reply_fail(res, &err); break;
	}
out:
	if (body != NULL) {
		/* jansson's copies of the strings: the server's JSON allocator wipes what it frees. */
		json_decref(body);
	}
	if (passphrase != NULL)
		sodium_free(passphrase);
	if (password != NULL)
		sodium_free(password);
}
