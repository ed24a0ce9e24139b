/*
 * refused.c -- post/redirect/get for a page's refused form.
 *
 * A form refused (a field wrong, a rule of the domain) was answered at the
 * address it was posted to, so a reload posted it again.  Now the answer,
 * drawn whole as before (every field's error in one pass, the values typed
 * kept), is kept here for HTTP_REFUSED_KEEP_S seconds under a random id,
 * bound to the session that posted it, and the POST is answered 303 to
 * GET /refused/ID, which gives it back with its status as often as it is
 * asked: a reload shows the same refusal and posts nothing.  Another
 * session, or the same id after its time, gets "no such page".  A
 * role's refusal (403, "not allowed") is no form's error: it stays.
 *
 * The sign-in forms are posted before there is a session: theirs are kept
 * for the pre-session cookie (whose path is /sign-in) and given back at
 * GET /sign-in/refused/ID, a wrong password (401), a missing code (403)
 * and a wait (429) alike.
 *
 * A page shown once (a reveal: the identity it shows is recorded as seen
 * once) is kept the same way and answered at GET /shown/ID: the first GET
 * gives it (no-store, like every answer about people) and wipes it; a
 * reload or the way back to it afterwards leads to the page it came from
 * (the case file, whose form reveals again with a new reason), so a reload
 * posts nothing and the revealed values stay in no history or cache.
 *
 * What is kept may hold what a person typed (a name, an address), so it
 * lives in memory only, and is wiped when it is let go.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "core/mem.h"
#include "crypto/hash.h"
#include "http/http_int.h"
#include "http/page.h"

void
http_refused_init(struct http_refused *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
}

static void
slot_clear(struct http_refused_page *s)
{
	mem_free_secret(s->body, s->len);
	sodium_memzero(s, sizeof(*s));
}

void
http_refused_free(struct http_refused *r)
{
	size_t i;

	for (i = 0; i < HTTP_REFUSED_SLOTS; i++)
		slot_clear(&r->slot[i]);
	pthread_mutex_destroy(&r->lock);
}

/* A free or expired slot, else the one that expires first. */
static struct http_refused_page *
slot_take(struct http_refused *r, uint64_t now)
{
	struct http_refused_page *best = &r->slot[0];
	size_t i;

	for (i = 0; i < HTTP_REFUSED_SLOTS; i++) {
		if (r->slot[i].until <= now)
			return &r->slot[i];
		if (r->slot[i].until < best->until)
			best = &r->slot[i];
	}
	return best;
}

/* A sign-in form's route: posted, and its refusals shown, under the pre-session cookie. */
static int
presign_route(const struct http_request *req)
{
	return req->route >= 0 && strncmp(http_routes[req->route].pattern, "/sign-in", 8) == 0;
}

/*
 * Whose a kept page is, into owner: the session's token hash, or on a
 * sign-in route without a session the pre-session cookie's hash.  0 when
 * the request has neither.
 */
static int
refused_owner(const struct http_request *req, uint8_t owner[32])
{
	char token[HTTP_TOKEN_TEXT_SIZE];

	if (req->auth == HTTP_AUTH_COOKIE) {
		memcpy(owner, req->session, 32);
		return 1;
	}
	if (req->auth != HTTP_AUTH_NONE || !presign_route(req) ||
	    !http_cookie(req, HTTP_PRESIGN_COOKIE, token, sizeof(token)) ||
	    strlen(token) != HTTP_TOKEN_TEXT_SIZE - 1)
		return 0;
	hash_sha256(token, strlen(token), owner);
	sodium_memzero(token, sizeof(token));
	return 1;
}

int
http_refused_wanted(const struct http_request *req, const struct http_response *res)
{
	uint8_t owner[32];
	int refused, once;

	if (req->route < 0 || !http_routes[req->route].page || req->method != HTTP_POST ||
	    res->fixed != NULL || res->content_type == NULL ||
	    strncmp(res->content_type, "text/html", 9) != 0 || buf_error(&res->body, NULL) != REDRESS_OK ||
	    !refused_owner(req, owner))
		return 0;
	once = res->once_back[0] != '\0' && res->status == 200;
	if (req->auth == HTTP_AUTH_COOKIE)
		refused = res->status >= 400 && res->status < 500 && res->status != 401 && res->status != 403;
	else /* a sign-in's 400 is a form that was not the server's (no token): no form's error */
		refused = res->status > 400 && res->status < 500;
	return once || refused;
}

void
http_refused_redirect(struct http_request *req, struct http_response *res)
{
	struct http_refused *r = &req->app->refused;
	struct http_refused_page *s;
	uint8_t random[16], owner[32];
	char id[HTTP_REFUSED_ID_SIZE], path[64];
	uint64_t now = (uint64_t)time(NULL);
	char *copy;

	if (!refused_owner(req, owner) || (copy = mem_alloc(res->body.len + 1)) == NULL)
		return; /* drawn at the POST's address, as before */
	memcpy(copy, res->body.data, res->body.len);
	copy[res->body.len] = '\0';
	crypto_random(random, sizeof(random));
	sodium_bin2hex(id, sizeof(id), random, sizeof(random));
	pthread_mutex_lock(&r->lock);
	s = slot_take(r, now);
	slot_clear(s);
	memcpy(s->id, id, sizeof(id));
	memcpy(s->session, owner, sizeof(s->session));
	s->until = now + HTTP_REFUSED_KEEP_S;
	s->status = res->status;
	s->retry_after = res->retry_after;
	s->body = copy;
	s->len = res->body.len + 1;
	memcpy(s->style_hash, res->style_hash, sizeof(s->style_hash));
	memcpy(s->once_back, res->once_back, sizeof(s->once_back));
	pthread_mutex_unlock(&r->lock);
	snprintf(path, sizeof(path), "%s/%s",
	         res->once_back[0] != '\0'       ? "/shown"
	         : req->auth == HTTP_AUTH_COOKIE ? "/refused"
	                                         : "/sign-in/refused",
	         id);
	page_redirect(res, path);
	res->style_hash[0] = '\0';
	res->retry_after = 0;
	res->once_back[0] = '\0';
	sodium_memzero(owner, sizeof(owner));
}

void
page_refused(struct http_request *req, struct http_response *res)
{
	struct http_refused *r = &req->app->refused;
	const char *id = http_param(req, "id");
	/* /shown/ID gives pages shown once; /refused/ID and /sign-in/refused/ID refused forms. */
	int once = strncmp(http_routes[req->route].pattern, "/shown/", 7) == 0;
	uint64_t now = (uint64_t)time(NULL);
	uint8_t owner[32];
	char back[sizeof(r->slot[0].once_back)] = "";
	int found = 0;
	size_t i;

	if (!refused_owner(req, owner)) {
		http_page_refuse(req, res, 404);
		return;
	}
	pthread_mutex_lock(&r->lock);
	for (i = 0; i < HTTP_REFUSED_SLOTS && !found; i++) {
		struct http_refused_page *s = &r->slot[i];

		if (s->until <= now || strcmp(s->id, id) != 0 || (s->once_back[0] != '\0') != once ||
		    sodium_memcmp(s->session, owner, sizeof(s->session)) != 0)
			continue;
		found = 1;
		if (s->body == NULL) { /* shown once already */
			memcpy(back, s->once_back, sizeof(back));
			continue;
		}
		buf_reset(&res->body);
		buf_append(&res->body, s->body, s->len - 1);
		res->status = s->status;
		res->retry_after = s->retry_after;
		res->content_type = "text/html; charset=utf-8";
		memcpy(res->style_hash, s->style_hash, sizeof(res->style_hash));
		if (once) {
			mem_free_secret(s->body, s->len);
			s->body = NULL;
			s->len = 0;
		}
	}
	pthread_mutex_unlock(&r->lock);
	sodium_memzero(owner, sizeof(owner));
	if (!found)
		http_page_refuse(req, res, 404);
	else if (back[0] != '\0') {
		page_lang(req, res);
		page_redirect(res, back);
	}
}
