/*
 * reply.c -- the answers handlers give: JSON, text, and errors in one
 * shape, {"error": {"status", "code", "message"}}, whose message names what
 * was wrong and where and never repeats a personal value.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "http/http_int.h"

/* The answer when nothing more can be allocated: served from static memory as it is. */
static const char out_of_memory[] =
    "{\"error\":{\"status\":500,\"code\":\"internal\",\"message\":\"out of memory\"}}\n";

void
http_reply_out_of_memory(struct http_response *res)
{
	buf_reset(&res->body);
	res->status = 500;
	res->content_type = "application/json";
	res->fixed = out_of_memory;
}

void
http_reply_json(struct http_response *res, unsigned status, json_t *value)
{
	char *text;

	buf_reset(&res->body);
	res->fixed = NULL;
	res->status = status;
	res->content_type = "application/json";
	/* Never through http_reply_error: it needs json_pack, which would fail again (issue 10). */
	if (value == NULL) {
		http_reply_out_of_memory(res);
		return;
	}
	text = json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(value);
	if (text == NULL) {
		http_reply_out_of_memory(res);
		return;
	}
	buf_puts(&res->body, text);
	buf_putc(&res->body, '\n');
	mem_json_free(text);
	if (buf_error(&res->body, NULL) == REDRESS_E_NOMEM)
		http_reply_out_of_memory(res);
}

void
http_reply_text(struct http_response *res, unsigned status, const char *content_type, const char *text,
                size_t len)
{
	buf_reset(&res->body);
	res->fixed = NULL;
	res->status = status;
	res->content_type = content_type;
	buf_append(&res->body, text, len);
	if (buf_error(&res->body, NULL) == REDRESS_E_NOMEM)
		http_reply_out_of_memory(res);
}

void
http_reply_error(struct http_response *res, unsigned status, const char *code, const char *fmt, ...)
{
	char message[REDRESS_ERROR_MAX];
	json_t *value;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	value = json_pack("{s:{s:i, s:s, s:s}}", "error", "status", (int)status, "code", code, "message",
	                  message);
	/* json_pack fails on invalid UTF-8 in message (say so rather than nothing), or out of memory. */
	if (value == NULL)
		value = json_pack("{s:{s:i, s:s, s:s}}", "error", "status", (int)status, "code", code,
		                  "message", "the request was refused (the message was not valid UTF-8)");
	http_reply_json(res, status, value);
}

unsigned
http_status_for(enum redress_err code)
{
	switch (code) {
	case REDRESS_OK: return 200;
	case REDRESS_E_USAGE:
	case REDRESS_E_INVALID: return 400;
	case REDRESS_E_NOTFOUND: return 404;
	case REDRESS_E_CONFLICT: return 409;
	case REDRESS_E_REFUSED:
	case REDRESS_E_OVERFLOW: return 422;
	case REDRESS_E_PASSWORD_RESET: return 403;
	case REDRESS_E_NOMEM:
	case REDRESS_E_BUSY:
	case REDRESS_E_UNKNOWN: return 503;
	case REDRESS_E_FULL: return 507;
	case REDRESS_E_TAMPERED: return 500;
	case REDRESS_E_STORE_IO:
	case REDRESS_E_NODB:
	case REDRESS_E_STORE:
	case REDRESS_E_KEYS:
	case REDRESS_E_CRYPTO:
	case REDRESS_E_IO:
	case REDRESS_E_INTERNAL: return 500;
	}
	return 500;
}

static const char *
code_word(enum redress_err code)
{
	switch (code) {
	case REDRESS_OK: return "ok";
	case REDRESS_E_USAGE:
	case REDRESS_E_INVALID: return "invalid";
	case REDRESS_E_NOTFOUND: return "not_found";
	case REDRESS_E_CONFLICT: return "conflict";
	case REDRESS_E_REFUSED: return "refused";
	case REDRESS_E_OVERFLOW: return "overflow";
	case REDRESS_E_NOMEM: return "unavailable";
	case REDRESS_E_TAMPERED: return "tampered";
	case REDRESS_E_STORE: return "store";
	case REDRESS_E_KEYS: return "keys";
	case REDRESS_E_CRYPTO: return "crypto";
	case REDRESS_E_IO: return "io";
	case REDRESS_E_INTERNAL: return "internal";
	case REDRESS_E_BUSY: return "busy";
	case REDRESS_E_FULL: return "disk_full";
	case REDRESS_E_STORE_IO: return "store_io";
	case REDRESS_E_UNKNOWN: return "outcome_unknown";
	case REDRESS_E_NODB: return "no_database";
	case REDRESS_E_PASSWORD_RESET: return "password_change_required";
	}
	return "internal";
}

void
http_reply_fail(struct http_response *res, const struct redress_error *err)
{
	unsigned status = http_status_for(err->code);

	if (status == 503)
		res->retry_after = 1;
	if (err->code == REDRESS_E_UNKNOWN)
		http_reply_error(
		    res, status, code_word(err->code),
		    "%s; retry with the same Idempotency-Key, which makes the change at most once",
		    err->message);
	else
		http_reply_error(res, status, code_word(err->code), "%s",
		                 err->message[0] != '\0' ? err->message : redress_strerror(err->code));
}

void
http_allow_style(struct http_response *res)
{
	uint8_t digest[HASH_SHA256_SIZE];
	const char *start, *end;

	res->style_hash[0] = '\0';
	if (res->body.data == NULL || (start = strstr(res->body.data, "<style>")) == NULL)
		return;
	start += strlen("<style>");
	if ((end = strstr(start, "</style>")) == NULL)
		return;
	hash_sha256(start, (size_t)(end - start), digest);
	if (codec_base64_encode(digest, sizeof(digest), res->style_hash, sizeof(res->style_hash), NULL) !=
	    REDRESS_OK)
		res->style_hash[0] = '\0';
}
