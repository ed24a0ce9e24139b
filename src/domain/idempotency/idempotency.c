/*
 * idempotency.c -- the kept answers to changes asked with an
 * Idempotency-Key (idempotency.h): their table, its catalogue, and the
 * module that has it made and prepared with the fund's other tables.
 */
#include "domain/idempotency/idempotency.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "crypto/codec.h"

static const char idempotency_schema[] = "CREATE TABLE IF NOT EXISTS idempotency_answers ("
                                         " account TEXT NOT NULL,"
                                         " key TEXT NOT NULL,"
                                         " request BLOB NOT NULL,"
                                         " status INTEGER NOT NULL,"
                                         " content_type TEXT NOT NULL,"
                                         " body TEXT NOT NULL,"
                                         " at INTEGER NOT NULL,"
                                         " PRIMARY KEY (account, key));"
                                         "CREATE TABLE IF NOT EXISTS idempotency_personal ("
                                         " account TEXT NOT NULL,"
                                         " key TEXT NOT NULL,"
                                         " PRIMARY KEY (account, key));";

enum idempotency_statement {
	IDEMPOTENCY_Q_GET,
	IDEMPOTENCY_Q_PUT,
	IDEMPOTENCY_Q_EXPIRE,
	IDEMPOTENCY_Q_PERSONAL_PUT,
	IDEMPOTENCY_Q_PERSONAL_EXPIRE,
	IDEMPOTENCY_Q_FORGET,
	IDEMPOTENCY_Q_PERSONAL_CLEAR,
	IDEMPOTENCY_Q_EACH, /* every kept answer, for the audit */
	IDEMPOTENCY_Q_COUNT
};

static const struct store_statement idempotency_statements[IDEMPOTENCY_Q_COUNT] = {
    [IDEMPOTENCY_Q_GET] = {.name = "idempotency.get",
                           .sql = "SELECT request, status, content_type, body FROM idempotency_answers"
                                  " WHERE account = ?1 AND key = ?2",
                           .columns = "bitt"},
    [IDEMPOTENCY_Q_PUT] = {.name = "idempotency.put",
                           .sql = "INSERT INTO idempotency_answers (account, key, request, status,"
                                  " content_type, body, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           .columns = ""},
    [IDEMPOTENCY_Q_EXPIRE] = {.name = "idempotency.expire",
                              .sql = "DELETE FROM idempotency_answers WHERE at < ?1",
                              .columns = ""},
    [IDEMPOTENCY_Q_PERSONAL_PUT] = {.name = "idempotency.personal.put",
                                    .sql = "INSERT INTO idempotency_personal (account, key) VALUES (?1, ?2)",
                                    .columns = ""},
    [IDEMPOTENCY_Q_PERSONAL_EXPIRE] = {.name = "idempotency.personal.expire",
                                       .sql = "DELETE FROM idempotency_personal WHERE NOT EXISTS (SELECT 1"
                                              " FROM idempotency_answers i WHERE i.account ="
                                              " idempotency_personal.account AND i.key ="
                                              " idempotency_personal.key)",
                                       .columns = ""},
    [IDEMPOTENCY_Q_FORGET] = {.name = "idempotency.forget",
                              .sql = "DELETE FROM idempotency_answers WHERE EXISTS (SELECT 1 FROM"
                                     " idempotency_personal p WHERE p.account = idempotency_answers.account"
                                     " AND p.key = idempotency_answers.key)",
                              .columns = ""},
    [IDEMPOTENCY_Q_PERSONAL_CLEAR] = {.name = "idempotency.personal.clear",
                                      .sql = "DELETE FROM idempotency_personal",
                                      .columns = ""},
    [IDEMPOTENCY_Q_EACH] = {.name = "idempotency.each",
                            .sql = "SELECT account, key, request, status, content_type, body"
                                   " FROM idempotency_answers ORDER BY account, key",
                            .columns = "ttbitt"},
};

static const struct store_catalogue idempotency_catalogue = {"idempotency", idempotency_statements,
                                                             STORE_COUNT(idempotency_statements)};

/* IDEMPOTENCY_Q_GET's row, borrowed: checked before it is kept. */
struct answer_read {
	const void *request;
	size_t request_len;
	int64_t status;
	const char *type, *sealed;
};

static const struct store_field answer_fields[] = {
    STORE_FIELD_BLOB(struct answer_read, request, request_len), STORE_FIELD(struct answer_read, status),
    STORE_FIELD_TEXT(struct answer_read, type), STORE_FIELD_TEXT(struct answer_read, sealed)};

enum redress_err
idempotency_get(struct store *store, const char *account, const char *key, struct idempotency_answer *a_r,
                struct buf *sealed, struct redress_error *err)
{
	struct answer_read row;
	struct store_stmt *st;

	if ((st = store_statement(store, &idempotency_catalogue, IDEMPOTENCY_Q_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	store_bind_text(st, 2, key);
	/* Borrowed: the body is as large as an answer may be, no fixed field holds it. */
	switch (store_read(st, answer_fields, &row, err)) {
	case STORE_ROW: break;
	case STORE_DONE:
		return error_set(err, REDRESS_E_NOTFOUND, "no answer is kept for this Idempotency-Key");
	default: return err->code;
	}
	if (row.request_len != HASH_SHA256_SIZE || strlen(row.type) > IDEMPOTENCY_TYPE_MAX) {
		store_done(st);
		return error_set(err, REDRESS_E_STORE,
		                 "the answer kept for Idempotency-Key '%.64s' is malformed", key);
	}
	memcpy(a_r->request, row.request, HASH_SHA256_SIZE);
	a_r->status = row.status;
	memcpy(a_r->content_type, row.type, strlen(row.type) + 1);
	buf_puts(sealed, row.sealed);
	store_done(st);
	return buf_error(sealed, err);
}

enum redress_err
idempotency_put(struct store *store, const char *account, const char *key, const struct idempotency_answer *a,
                const char *sealed, int64_t at, int personal, struct redress_error *err)
{
	struct store_stmt *st;
	enum redress_err rc;

	if ((st = store_statement(store, &idempotency_catalogue, IDEMPOTENCY_Q_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	store_bind_text(st, 2, key);
	store_bind_blob(st, 3, a->request, HASH_SHA256_SIZE);
	store_bind_int64(st, 4, a->status);
	store_bind_text(st, 5, a->content_type);
	store_bind_text(st, 6, sealed);
	store_bind_int64(st, 7, at);
	if ((rc = store_run(st, err)) != REDRESS_OK || !personal)
		return rc;
	if ((st = store_statement(store, &idempotency_catalogue, IDEMPOTENCY_Q_PERSONAL_PUT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, account);
	store_bind_text(st, 2, key);
	return store_run(st, err);
}

void
idempotency_answer_ad(const char *account, const char *key, const struct idempotency_answer *a,
                      char out[IDEMPOTENCY_AD_SIZE])
{
	uint8_t digest[HASH_SHA256_SIZE];
	char hex[2 * HASH_SHA256_SIZE + 1], status[24];
	struct hash_sha256 h;

	snprintf(status, sizeof(status), "%lld", (long long)a->status);
	hash_sha256_init(&h);
	hash_sha256_update(&h, account, strlen(account) + 1);
	hash_sha256_update(&h, key, strlen(key) + 1);
	hash_sha256_update(&h, a->request, HASH_SHA256_SIZE);
	hash_sha256_update(&h, status, strlen(status) + 1);
	hash_sha256_update(&h, a->content_type, strlen(a->content_type) + 1);
	hash_sha256_final(&h, digest);
	codec_hex_encode(digest, sizeof(digest), hex, sizeof(hex), NULL);
	snprintf(out, IDEMPOTENCY_AD_SIZE, "http.idempotency.2 %s", hex);
}

/* A kept answer as IDEMPOTENCY_Q_EACH reads it, borrowed from the statement. */
struct kept_row {
	const char *account, *key;
	const void *request;
	size_t request_len;
	int64_t status;
	const char *content_type, *body;
};

enum redress_err
idempotency_audit(struct store *store, const struct seal_key *master, struct audit_report *report,
                  struct redress_error *err)
{
	static const struct store_field fields[] = {
	    STORE_FIELD_TEXT(struct kept_row, account),
	    STORE_FIELD_TEXT(struct kept_row, key),
	    STORE_FIELD_BLOB(struct kept_row, request, request_len),
	    STORE_FIELD(struct kept_row, status),
	    STORE_FIELD_TEXT(struct kept_row, content_type),
	    STORE_FIELD_TEXT(struct kept_row, body),
	};
	char ad[IDEMPOTENCY_AD_SIZE];
	struct idempotency_answer a;
	struct redress_error open_err;
	struct kept_row row;
	struct store_stmt *st;
	struct buf plain;
	enum store_step_result r;

	if ((st = store_statement(store, &idempotency_catalogue, IDEMPOTENCY_Q_EACH, err)) == NULL)
		return err->code;
	buf_init_secret(&plain, IDEMPOTENCY_ANSWER_MAX);
	while ((r = store_read(st, fields, &row, err)) == STORE_ROW) {
		memset(&a, 0, sizeof(a));
		if (row.request_len != HASH_SHA256_SIZE || strlen(row.content_type) > IDEMPOTENCY_TYPE_MAX) {
			audit_finding(report, "idempotency_answers (%.64s, %.64s): malformed", row.account,
			              row.key);
			continue;
		}
		memcpy(a.request, row.request, HASH_SHA256_SIZE);
		a.status = row.status;
		memcpy(a.content_type, row.content_type, strlen(row.content_type) + 1);
		idempotency_answer_ad(row.account, row.key, &a, ad);
		buf_reset(&plain);
		if (seal_decrypt(master, row.body, ad, &plain, &open_err) != REDRESS_OK)
			audit_finding(report,
			              "idempotency_answers (%.64s, %.64s): the kept answer does not open: its"
			              " status, request or body was edited, or it was moved from another"
			              " account's key, behind the server's back",
			              row.account, row.key);
	}
	buf_free(&plain);
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* Runs statement id of the catalogue, binding before to ?1 when it is >= 0. */
static enum redress_err
run(struct store *store, enum idempotency_statement id, int64_t before, struct redress_error *err)
{
	struct store_stmt *st;

	if ((st = store_statement(store, &idempotency_catalogue, id, err)) == NULL)
		return err->code;
	if (before >= 0)
		store_bind_int64(st, 1, before);
	return store_run(st, err);
}

enum redress_err
idempotency_expire(struct store *store, int64_t before, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = run(store, IDEMPOTENCY_Q_EXPIRE, before, err)) != REDRESS_OK)
		return rc;
	return run(store, IDEMPOTENCY_Q_PERSONAL_EXPIRE, -1, err);
}

enum redress_err
idempotency_forget_personal(struct store *store, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = run(store, IDEMPOTENCY_Q_FORGET, -1, err)) != REDRESS_OK)
		return rc;
	return run(store, IDEMPOTENCY_Q_PERSONAL_CLEAR, -1, err);
}

/* The module has no events: one that claims to be its is not replayed. */
static enum redress_err
idempotency_replay(struct store *store, const struct event *ev, struct redress_error *err)
{
	(void)store;
	return error_set(err, REDRESS_E_INVALID, "event type '%.64s' is unknown: idempotency keeps no events",
	                 ev->type);
}

const struct event_module idempotency_module = {
    .name = "idempotency",
    .type_prefix = "idempotency.",
    .schema = idempotency_schema,
    .catalogue = &idempotency_catalogue,
    .snapshot_ids = NULL,
    .nsnapshots = 0,
    .replay = idempotency_replay,
};
