/*
 * api_audit.c -- the log for anyone to check: the signed checkpoint, the
 * public key, inclusion and consistency proofs (RFC 9162), public; and one
 * event's bytes, for accounts that may read pseudonym-level records (as
 * `redress audit show`); and the public feed from which monitors recount
 * the reports (`redress audit feed`), public too.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/canon.h"
#include "crypto/codec.h"
#include "domain/reports/reports.h"
#include "http/api.h"
#include "log/merkle.h"

void
api_audit_checkpoint(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct tlog *log;

	if ((log = http_read_log(req, res)) == NULL)
		return;
	buf_reset(&res->body);
	if (tlog_checkpoint_cosigned(log, &res->body, NULL, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	res->status = 200;
	res->content_type = "text/plain; charset=utf-8";
}

void
api_audit_feed(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct tlog *log;

	if ((log = http_read_log(req, res)) == NULL)
		return;
	buf_reset(&res->body);
	if (report_feed_write(log, keydir_index_key(req->app->config->keys), REPORT_K_DEFAULT, &res->body,
	                      &err) != REDRESS_OK) {
		buf_reset(&res->body);
		http_reply_fail(res, &err);
		return;
	}
	res->status = 200;
	res->content_type = "application/jsonl; charset=utf-8";
}

void
api_audit_pubkey(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct tlog *log;

	if ((log = http_read_log(req, res)) == NULL)
		return;
	buf_reset(&res->body);
	if (tlog_vkey(log, &res->body, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	buf_putc(&res->body, '\n');
	res->status = 200;
	res->content_type = "text/plain; charset=utf-8";
}

/* GET /api/v1/audit/handovers: the log's key handovers (log/keychain.h), public as the key is. */
void
api_audit_handovers(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct tlog *log;

	if ((log = http_read_log(req, res)) == NULL)
		return;
	buf_reset(&res->body);
	buf_puts(&res->body, "{\"handovers\":");
	if (tlog_handovers_json(log, &res->body, &err) != REDRESS_OK) {
		buf_reset(&res->body);
		http_reply_fail(res, &err);
		return;
	}
	buf_puts(&res->body, "}\n");
	res->status = 200;
	res->content_type = "application/json";
}

static json_t *
hashes_json(uint8_t proof[][MERKLE_HASH_SIZE], size_t count)
{
	char b64[CODEC_BASE64_SIZE(MERKLE_HASH_SIZE)];
	json_t *array = json_array();
	size_t i;

	for (i = 0; i < count; i++)
		if (codec_base64_encode(proof[i], MERKLE_HASH_SIZE, b64, sizeof(b64), NULL) == REDRESS_OK)
			json_array_append_new(array, json_string(b64));
	return array;
}

void
api_audit_inclusion(struct http_request *req, struct http_response *res)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	struct redress_error err;
	uint64_t index = 0, size = 0, used = 0;
	size_t count = 0;
	struct tlog *log;

	if (api_query_u64(req, res, "index", 1, &index) < 0 || api_query_u64(req, res, "size", 0, &size) < 0)
		return;
	if ((log = http_read_log(req, res)) == NULL)
		return;
	if (tlog_prove_inclusion(log, index, size, &used, proof, &count, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200,
	                json_pack("{s:I, s:I, s:o}", "leaf_index", (json_int_t)index, "tree_size",
	                          (json_int_t)used, "hashes", hashes_json(proof, count)));
}

void
api_audit_consistency(struct http_request *req, struct http_response *res)
{
	uint8_t proof[MERKLE_MAX_PROOF][MERKLE_HASH_SIZE];
	struct redress_error err;
	uint64_t old = 0, size = 0, used = 0;
	size_t count = 0;
	struct tlog *log;

	if (api_query_u64(req, res, "old", 1, &old) < 0 || api_query_u64(req, res, "size", 0, &size) < 0)
		return;
	if ((log = http_read_log(req, res)) == NULL)
		return;
	if (tlog_prove_consistency(log, old, size, &used, proof, &count, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	http_reply_json(res, 200,
	                json_pack("{s:I, s:I, s:o}", "old_size", (json_int_t)old, "tree_size",
	                          (json_int_t)used, "hashes", hashes_json(proof, count)));
}

/*
 * 1 when the account may see the event of bytes (len): it names no person
 * its office does not see (domain/offices), in its data's "pseudonym",
 * "victim", "claimant", "relative", "beneficiary" or "person"; 0 when it
 * names one, -1 with err set when the database failed.
 */
static int
event_seen(struct http_request *req, struct store *store, const char *bytes, size_t len,
           struct redress_error *err)
{
	static const char *const keys[] = {"pseudonym", "victim",      "claimant",
	                                   "relative",  "beneficiary", "person"};
	const struct canon_node *data;
	struct canon_doc doc;
	const char *who;
	size_t i;
	int sees = 1;

	if (http_sees(req, store, "", err) < 0)
		return -1;
	if (req->scope.across)
		return 1;
	canon_doc_init(&doc);
	if (canon_read(&doc, bytes, len, err) == REDRESS_OK &&
	    (data = canon_find(canon_root(&doc), "data")) != NULL)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && sees == 1; i++)
			if (canon_get_string(data, keys[i], &who, NULL) == REDRESS_OK)
				sees = http_sees(req, store, who, err);
	canon_doc_free(&doc);
	return sees;
}

void
api_audit_event(struct http_request *req, struct http_response *res)
{
	struct redress_error err;
	struct tlog *log;
	uint64_t seq;
	char *end;

	errno = 0;
	seq = strtoull(http_param(req, "seq"), &end, 10);
	if (*end != '\0' || errno != 0 || http_param(req, "seq")[0] < '0' ||
	    http_param(req, "seq")[0] > '9') {
		http_reply_error(res, 400, "invalid", "the event number must be a whole number");
		return;
	}
	if ((log = http_read_log(req, res)) == NULL)
		return;
	buf_reset(&res->body);
	if (tlog_event_bytes(log, seq, &res->body, &err) != REDRESS_OK) {
		http_reply_fail(res, &err);
		return;
	}
	/* An event of another office's person is not found, as the event that does not exist
	 * (domain/offices). */
	switch (event_seen(req, tlog_store(log), res->body.data, res->body.len, &err)) {
	case 1: break;
	case 0:
		buf_reset(&res->body);
		http_reply_error(res, 404, "not_found", "no event %llu in the log", (unsigned long long)seq);
		return;
	default:
		buf_reset(&res->body);
		http_reply_fail(res, &err);
		return;
	}
	res->status = 200;
	res->content_type = "application/json";
}
