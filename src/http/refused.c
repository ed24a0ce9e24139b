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

int
http_refused_wanted(const struct http_request *req, const struct http_response *res)
{
	return req->route >= 0 && http_routes[req->route].page && req->method == HTTP_POST &&
	       req->auth == HTTP_AUTH_COOKIE && res->fixed == NULL && res->status >= 400 &&
	       res->status < 500 && res->status != 401 && res->status != 403 && res->content_type != NULL &&
	       strncmp(res->content_type, "text/html", 9) == 0 && buf_error(&res->body, NULL) == REDRESS_OK;
}

void
http_refused_redirect(struct http_request *req, struct http_response *res)
{
	struct http_refused *r = &req->app->refused;
	struct http_refused_page *s;
	uint8_t random[16];
	char id[HTTP_REFUSED_ID_SIZE], path[64];
	uint64_t now = (uint64_t)time(NULL);
	char *copy;

	if ((copy = mem_alloc(res->body.len + 1)) == NULL)
		return; /* drawn at the POST's address, as before */
	memcpy(copy, res->body.data, res->body.len);
	copy[res->body.len] = '\0';
	crypto_random(random, sizeof(random));
	sodium_bin2hex(id, sizeof(id), random, sizeof(random));
	pthread_mutex_lock(&r->lock);
	s = slot_take(r, now);
	slot_clear(s);
	memcpy(s->id, id, sizeof(id));
	memcpy(s->session, req->session, sizeof(s->session));
	s->until = now + HTTP_REFUSED_KEEP_S;
	s->status = res->status;
	s->body = copy;
	s->len = res->body.len + 1;
	memcpy(s->style_hash, res->style_hash, sizeof(s->style_hash));
	pthread_mutex_unlock(&r->lock);
	snprintf(path, sizeof(path), "/refused/%s", id);
	page_redirect(res, path);
	res->style_hash[0] = '\0';
}

void
page_refused(struct http_request *req, struct http_response *res)
{
	struct http_refused *r = &req->app->refused;
	const char *id = http_param(req, "id");
	uint64_t now = (uint64_t)time(NULL);
	int found = 0;
	size_t i;

	pthread_mutex_lock(&r->lock);
	for (i = 0; i < HTTP_REFUSED_SLOTS && !found; i++) {
		struct http_refused_page *s = &r->slot[i];

		if (s->until <= now || s->body == NULL || strcmp(s->id, id) != 0 ||
		    sodium_memcmp(s->session, req->session, sizeof(s->session)) != 0)
			continue;
		buf_reset(&res->body);
		buf_append(&res->body, s->body, s->len - 1);
		res->status = s->status;
		res->content_type = "text/html; charset=utf-8";
		memcpy(res->style_hash, s->style_hash, sizeof(res->style_hash));
		found = 1;
	}
	pthread_mutex_unlock(&r->lock);
	if (!found)
		http_page_refuse(req, res, 404);
}
