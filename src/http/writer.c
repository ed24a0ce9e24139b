/*
 * writer.c -- the one thread that changes the database.
 *
 * Requests that change something hand their change to this thread and are
 * suspended.  The writer takes every change waiting, makes them all inside
 * one log change (one transaction, one signed checkpoint, one fsync) and
 * only then lets their answers go: an answered change is durable, and a
 * disk that takes milliseconds to sync still commits thousands of changes a
 * second.  When one change of a group fails, the group is rolled back and
 * each change is made again alone, so that one request's error never
 * becomes another's.  A change that is only tried (a dry run: it sets
 * http_change.rollback) is made alone too, and rolled back once answered.
 *
 * The requests a commit answers come back soon with their next change (a
 * client with many to make keeps as many in flight as it has
 * connections).  Taken as they trickle in, they would be split between two
 * groups that take turns, each paying a sync for half of the clients; so
 * before taking a group the writer waits, a little, until as many changes
 * wait as the last group answered and left waiting -- at most as long as
 * the last group took to commit, and never more than WRITER_LINGER_MAX_US.
 * A client that does not come back costs the others that wait once, and
 * the next group expects fewer.
 *
 * Idempotency: a request with an Idempotency-Key header whose key the
 * account has used before gets the first answer again and changes nothing;
 * the same key on a different request is refused (422).  Answers are kept
 * sealed under the master key (they may hold a revealed identity) in
 * http_idempotency, committed in the same transaction as the change they
 * answer, for HTTP_IDEMPOTENCY_KEEP_S.
 *
 * Erasure reaches them: an answer that holds a person's data (a change
 * sets http_change.personal: a revealed identity, a pain.001 file with
 * IBANs, an evidence file) is also listed in http_idempotency_personal,
 * and erasing anyone deletes every such answer
 * (http_idempotency_forget_personal), in the erasure's own transaction.
 * Which persons an answer names is not kept (that too would be personal
 * data): a retry of such a request after an erasure is made again.  An
 * answer that holds a secret shown once (http_change.shown_once: an API
 * token, a second factor's secret) is not kept at all: a retry gets 409
 * "shown_once", and the secret is only ever hashed or sealed where it
 * lives.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "core/clock.h"
#include "crypto/hash.h"
#include "domain/idempotency/idempotency.h"
#include "http/http_int.h"

#define GROUP_MAX               512
#define WRITER_LINGER_MAX_US    10000
#define WRITER_SCRUB_RETRY_US   500000 /* a scrub readers held back is tried again this often */
#define HTTP_IDEMPOTENCY_KEEP_S (24 * 60 * 60)

struct http_job {
	struct http_job *next;
	struct http_request *req; /* NULL for a change of the server's own */
	struct http_response *res;
	http_change_fn fn;
	void *arg;
	int own;         /* fn makes its own change */
	size_t arg_size; /* > 0: arg is wiped before it is freed */
	struct actor actor;
	char actor_text[TLOG_ACTOR_MAX + 1];
	char idempotency_key[HTTP_IDEMPOTENCY_MAX + 1];
	uint8_t request_hash[HASH_SHA256_SIZE];
	int rollback; /* the change asked to be rolled back (a dry run): run alone, never committed */
	/* For http_change_run, which waits. */
	int done;
	enum redress_err rc;
	struct redress_error err;
	pthread_cond_t *done_cond;
};

enum redress_err
http_idempotency_forget_personal(struct store *store, struct redress_error *err)
{
	return idempotency_forget_personal(store, err);
}

static uint64_t
now_s(void)
{
	return (uint64_t)time(NULL);
}

/* The content types answers have; stored by name, given back as the same static string. */
static const char *
known_type(const char *type)
{
	static const char *const types[] = {"application/json", "text/plain; charset=utf-8",
	                                    "application/octet-stream", "application/xml"};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(type, types[i]) == 0)
			return types[i];
	return "application/octet-stream";
}

/* 1 when the key was seen: res then holds the answer to give. */
static int
idempotency_replay(struct http_change *c, struct http_job *job, struct redress_error *err,
                   enum redress_err *rc)
{
	struct idempotency_answer a;
	struct buf sealed, plain;
	char ad[IDEMPOTENCY_AD_SIZE];

	*rc = REDRESS_OK;
	buf_init(&sealed, 2 * HTTP_UPLOAD_MAX);
	if ((*rc = idempotency_get(c->store, job->actor.name, job->idempotency_key, &a, &sealed, err)) !=
	    REDRESS_OK) {
		buf_free(&sealed);
		if (*rc != REDRESS_E_NOTFOUND)
			return 1;
		*rc = REDRESS_OK;
		return 0;
	}
	if (!crypto_equal(a.request, job->request_hash, HASH_SHA256_SIZE)) {
		buf_free(&sealed);
		http_reply_error(job->res, 422, "idempotency_key_reused",
		                 "this Idempotency-Key was used for a different request");
		return 1;
	}
	buf_init_secret(&plain, HTTP_UPLOAD_MAX);
	idempotency_answer_ad(job->actor.name, job->idempotency_key, &a, ad);
	if ((*rc = seal_decrypt(c->keys.master, sealed.data, ad, &plain, err)) != REDRESS_OK) {
		error_set(err, REDRESS_E_TAMPERED,
		          "the answer kept for this Idempotency-Key does not open: it was changed in the "
		          "database, or kept before this release; the change was made once");
		*rc = err->code;
	} else {
		buf_reset(&job->res->body);
		buf_append(&job->res->body, plain.data, plain.len);
		job->res->status = (unsigned)a.status;
		job->res->content_type = known_type(a.content_type);
		job->res->replayed = 1;
	}
	buf_free(&plain);
	buf_free(&sealed);
	return 1;
}

static enum redress_err
idempotency_keep(struct http_change *c, struct http_job *job, struct redress_error *err)
{
	struct idempotency_answer a;
	struct buf sealed;
	char ad[IDEMPOTENCY_AD_SIZE];
	enum redress_err rc;

	memset(&a, 0, sizeof(a));
	memcpy(a.request, job->request_hash, HASH_SHA256_SIZE);
	a.status = job->res->status;
	snprintf(a.content_type, sizeof(a.content_type), "%s", known_type(job->res->content_type));
	buf_init(&sealed, 2 * HTTP_UPLOAD_MAX);
	if (c->shown_once) {
		/* Nothing that opens with the fund's keys may hold it: a retry learns it was made. */
		struct http_response said;

		memset(&said, 0, sizeof(said));
		buf_init(&said.body, HTTP_UPLOAD_MAX);
		http_reply_error(&said, 409, "shown_once",
		                 "this request was made and answered; what it made (an API token or a "
		                 "second factor's secret) is shown only once: revoke it and make another");
		a.status = said.status;
		idempotency_answer_ad(job->actor.name, job->idempotency_key, &a, ad);
		rc = seal_encrypt(c->keys.master, said.body.data != NULL ? said.body.data : "", said.body.len,
		                  ad, &sealed, err);
		buf_free(&said.body);
	} else {
		idempotency_answer_ad(job->actor.name, job->idempotency_key, &a, ad);
		rc = seal_encrypt(c->keys.master, job->res->body.data != NULL ? job->res->body.data : "",
		                  job->res->body.len, ad, &sealed, err);
	}
	if (rc == REDRESS_OK)
		rc = idempotency_put(c->store, job->actor.name, job->idempotency_key, &a, sealed.data,
		                     (int64_t)now_s(), c->personal, err);
	buf_free(&sealed);
	return rc;
}

/* Makes one job's change inside the open log change. */
static enum redress_err
run_one(struct http_app *app, struct http_job *job, struct redress_error *err)
{
	struct http_change c = {
	    .log = app->log,
	    .store = tlog_store(app->log),
	    .actor = &job->actor,
	    .keys = {keydir_master_key(app->config->keys), keydir_index_key(app->config->keys)},
	    .keydir = app->config->keys,
	};
	enum redress_err rc;

	buf_reset(&job->res->body);
	job->res->status = 0;
	job->res->replayed = 0;
	job->res->cookie[0] = job->res->disposition[0] = job->res->location[0] = '\0';
	if ((rc = tlog_set_actor(app->log, job->actor_text, err)) != REDRESS_OK)
		return rc;
	if (job->idempotency_key[0] != '\0' && idempotency_replay(&c, job, err, &rc))
		return rc;
	if ((rc = job->fn(&c, job->arg, job->res, err)) != REDRESS_OK) {
		if (job->res->status < 400)
			http_reply_fail(job->res, err);
		return rc;
	}
	if (job->res->status == 0)
		job->res->status = 200;
	if (c.rollback) {
		job->rollback = 1;
		return REDRESS_OK; /* nothing of it is kept: neither the scrub nor the idempotent answer */
	}
	if (c.scrub)
		app->scrub_pending = 1;
	if (job->idempotency_key[0] != '\0' && job->res->status < 300)
		rc = idempotency_keep(&c, job, err);
	return rc;
}

static void
fail_job(struct http_job *job, const struct redress_error *err)
{
	if (job->res->status < 400)
		http_reply_fail(job->res, err);
}

/* Lets the job's request go (or wakes http_change_run). */
static void
finish(struct http_app *app, struct http_job *job, enum redress_err rc, const struct redress_error *err)
{
	if (job->req != NULL) {
		struct http_request *req = job->req;

		if (job->arg != NULL && job->arg_size > 0)
			sodium_memzero(job->arg, job->arg_size);
		free(job->arg);
		free(job);
		pthread_mutex_lock(&app->queue_lock);
		req->state = HTTP_REQUEST_DONE;
		pthread_mutex_unlock(&app->queue_lock);
		MHD_resume_connection(req->conn);
		return;
	}
	pthread_mutex_lock(&app->queue_lock);
	job->rc = rc;
	if (err != NULL)
		job->err = *err;
	job->done = 1;
	pthread_cond_broadcast(job->done_cond);
	pthread_mutex_unlock(&app->queue_lock);
}

/* The metrics' tree size and events appended: before and after a change (sizes of the tree). */
static void
note_sizes(struct http_app *app, uint64_t before, uint64_t after)
{
	atomic_store(&app->metrics.tree_size, after);
	if (after > before)
		atomic_fetch_add(&app->metrics.events_appended, after - before);
}

/*
 * Counts a commit and the events it appended.  Called before any answer of
 * the commit goes out: a client that asks /healthz after its answer sees
 * its change in the tree size.  The sizes are the log handle's own (the
 * size its change began at, under the writers' lock, and the size it
 * left): no statement after the commit.
 */
static void
note_commit(struct http_app *app)
{
	uint64_t before, after;

	atomic_fetch_add(&app->metrics.commits, 1);
	/* Sessions a change ended (a lock, a disable, a reset) end on every server now, outside the change.
	 */
	http_sessions_flush(&app->sessions);
	tlog_committed(app->log, &before, &after);
	note_sizes(app, before, after);
}

/* note_commit for a job that made its own change, perhaps not through the log handle: the sizes read. */
static void
note_own_commit(struct http_app *app, uint64_t before)
{
	struct redress_error err;
	uint64_t after = 0;

	atomic_fetch_add(&app->metrics.commits, 1);
	http_sessions_flush(&app->sessions);
	if (tlog_size(app->log, &after, &err) == REDRESS_OK)
		note_sizes(app, before, after);
}

/*
 * After a change: a log grown beside the writer's own commits was written
 * by another process (the command line), which may have destroyed a
 * secret -- a person erased -- and could not empty the SQLite journal
 * while the server read.  The writer then empties it once its readers let
 * it (scrub).  Asked of the log inside each change (tlog_begin reads the
 * size there), so a command that commits just after the writer does is
 * noticed too.
 */
static void
note_other_writers(struct http_app *app)
{
	/* PostgreSQL has no journal a reader pins; there, other writers (servers too) are the usual case. */
	if (tlog_take_written_beside(app->log) && !store_is_pgsql(app->config->db))
		app->scrub_pending = 1;
}

/* A job whose function makes its own change (and commits it, or not). */
static enum redress_err
run_own(struct http_app *app, struct http_job *job, struct redress_error *err)
{
	struct http_change c = {
	    .log = app->log,
	    .store = tlog_store(app->log),
	    .actor = &job->actor,
	    .keys = {keydir_master_key(app->config->keys), keydir_index_key(app->config->keys)},
	    .keydir = app->config->keys,
	};
	enum redress_err rc;

	buf_reset(&job->res->body);
	job->res->status = 0;
	if ((rc = tlog_set_actor(app->log, job->actor_text, err)) != REDRESS_OK)
		return rc;
	if ((rc = job->fn(&c, job->arg, job->res, err)) != REDRESS_OK)
		return rc;
	if (job->res->status == 0)
		job->res->status = 200;
	return REDRESS_OK;
}

/* One job alone, in its own change. */
static void
run_alone(struct http_app *app, struct http_job *job)
{
	struct redress_error err;
	enum redress_err rc;
	uint64_t before = 0;

	error_clear(&err);
	job->rollback = 0;
	/*
	 * A statement a change left mid-rows (a page drawn after a refusal)
	 * would pin the writer to an old snapshot: once another process (the
	 * command line) wrote, every change would fail as "database is locked".
	 */
	store_end_reads(tlog_store(app->log));
	if (job->own) {
		(void)tlog_size(app->log, &before, &err);
		rc = run_own(app, job, &err);
	} else if ((rc = tlog_begin(app->log, &err)) == REDRESS_OK) {
		if ((rc = run_one(app, job, &err)) == REDRESS_OK && !job->rollback)
			rc = tlog_commit(app->log, &err);
		else
			tlog_rollback(app->log);
	}
	if (rc != REDRESS_OK)
		fail_job(job, &err);
	else if (job->own)
		note_own_commit(app, before);
	else if (!job->rollback)
		note_commit(app);
	finish(app, job, rc, &err);
}

/*
 * Leaves no copy of a destroyed secret in the database's files, once readers
 * let it.  A try holds the write lock while it waits for readers, so after
 * a try they refused the next waits WRITER_SCRUB_RETRY_US: trying after
 * every group would keep the lock from a command beside the server, whose
 * busy handler polls and would find it taken again each time.
 */
static void
scrub(struct http_app *app)
{
	struct redress_error err;

	if (!app->scrub_pending || clock_monotonic_us() < app->scrub_after_us)
		return;
	if (store_scrub_try(tlog_store(app->log), &err) == REDRESS_OK)
		app->scrub_pending = 0;
	else
		app->scrub_after_us = clock_monotonic_us() + WRITER_SCRUB_RETRY_US;
}

static void
run_group(struct http_app *app, struct http_job *jobs)
{
	struct redress_error err;
	struct http_job *job, *next;
	enum redress_err rc;

	error_clear(&err);
	for (job = jobs; job != NULL && !job->own; job = job->next)
		;
	if (jobs->next == NULL || job != NULL)
		goto each;                     /* one job, or one that makes its own change: each alone */
	store_end_reads(tlog_store(app->log)); /* as in run_alone */
	if ((rc = tlog_begin(app->log, &err)) != REDRESS_OK)
		goto each;
	/* A change that asks to be rolled back (a dry run) cannot share a commit: all go alone. */
	for (job = jobs; job != NULL; job = job->next)
		if ((rc = run_one(app, job, &err)) != REDRESS_OK || job->rollback)
			break;
	if (job == NULL && (rc = tlog_commit(app->log, &err)) == REDRESS_OK) {
		note_commit(app);
		for (job = jobs; job != NULL; job = next) {
			next = job->next;
			finish(app, job, REDRESS_OK, NULL);
		}
		goto out;
	}
	if (job == NULL && (rc == REDRESS_E_UNKNOWN || rc == REDRESS_E_STORE_IO)) {
		/* The group may be in the journal: making its changes again could make them twice. */
		for (job = jobs; job != NULL; job = next) {
			next = job->next;
			fail_job(job, &err);
			finish(app, job, rc, &err);
		}
		goto out;
	}
	if (job != NULL)
		tlog_rollback(app->log);
each:
	for (job = jobs; job != NULL; job = next) {
		next = job->next;
		run_alone(app, job);
	}
out:
	note_other_writers(app);
	scrub(app);
	/* Nothing read may keep a snapshot while the writer waits: it would pin the journal. */
	store_end_reads(tlog_store(app->log));
}

static void
expire_idempotency(struct http_app *app)
{
	struct redress_error err;
	struct store *store = tlog_store(app->log);

	if (store_begin(store, &err) != REDRESS_OK)
		return;
	if (idempotency_expire(store, (int64_t)(now_s() - HTTP_IDEMPOTENCY_KEEP_S), &err) != REDRESS_OK ||
	    store_commit(store, &err) != REDRESS_OK)
		store_rollback(store);
}

/* The jobs waiting, counting up to GROUP_MAX (under queue_lock). */
static size_t
queued(const struct http_app *app)
{
	const struct http_job *job;
	size_t n = 0;

	for (job = app->queue_head; job != NULL && n < GROUP_MAX; job = job->next)
		n++;
	return n;
}

/* The monotonic clock's time us from now, for pthread_cond_timedwait on queue_cond. */
static void
deadline_after(uint64_t us, struct timespec *deadline)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += (time_t)(us / 1000000);
	deadline->tv_nsec += (long)(us % 1000000) * 1000;
	if (deadline->tv_nsec >= 1000000000) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000;
	}
}

/*
 * With jobs waiting, waits until expect of them wait or linger_us have
 * passed (under queue_lock).
 */
static void
linger(struct http_app *app, size_t expect, uint64_t linger_us)
{
	struct timespec deadline;

	if (linger_us == 0 || queued(app) >= expect)
		return;
	deadline_after(linger_us, &deadline);
	while (!app->stopping && queued(app) < expect)
		if (pthread_cond_timedwait(&app->queue_cond, &app->queue_lock, &deadline) != 0)
			break;
}

/*
 * Asks the witnesses to cosign the latest checkpoint when the tree grew
 * since they were last asked.  After the group's answers are out, so a slow
 * witness delays the next group, never an answer already due.
 */
static void
cosign(struct http_app *app, uint64_t *asked)
{
	struct redress_error err;
	uint64_t size = 0;
	size_t got = 0;

	if (app->config->witness_count == 0 || tlog_size(app->log, &size, &err) != REDRESS_OK ||
	    size == *asked)
		return;
	if (http_cosign_collect(app->log, app->config->witnesses, app->config->witness_count,
	                        app->config->witness_timeout_ms, &got, &err) != REDRESS_OK)
		fprintf(stderr, "redress: cosignatures for size %llu not kept: %s\n",
		        (unsigned long long)size, err.message);
	*asked = size;
}

static void *
writer_main(void *arg)
{
	struct http_app *app = arg;
	uint64_t groups = 0, took_us = 0, asked = 0;
	size_t expect = 0; /* the jobs the last group answered, and those it left waiting */

	cosign(app, &asked); /* the checkpoint the server starts at */
	for (;;) {
		struct http_job *jobs, *tail;
		struct timespec deadline;
		uint64_t start;
		size_t n = 1;

		pthread_mutex_lock(&app->queue_lock);
		while (app->queue_head == NULL && !app->stopping) {
			if (!app->scrub_pending) {
				pthread_cond_wait(&app->queue_cond, &app->queue_lock);
				continue;
			}
			/* A scrub readers held back is tried again while nothing else is to be done. */
			deadline_after(WRITER_SCRUB_RETRY_US, &deadline);
			if (pthread_cond_timedwait(&app->queue_cond, &app->queue_lock, &deadline) != 0 &&
			    app->queue_head == NULL) {
				pthread_mutex_unlock(&app->queue_lock);
				scrub(app);
				store_end_reads(tlog_store(app->log));
				pthread_mutex_lock(&app->queue_lock);
			}
		}
		if (app->queue_head == NULL) {
			pthread_mutex_unlock(&app->queue_lock);
			break;
		}
		linger(app, expect, took_us < WRITER_LINGER_MAX_US ? took_us : WRITER_LINGER_MAX_US);
		jobs = tail = app->queue_head;
		while (tail->next != NULL && n < GROUP_MAX) {
			tail = tail->next;
			n++;
		}
		app->queue_head = tail->next;
		if (app->queue_head == NULL)
			app->queue_tail = NULL;
		tail->next = NULL;
		expect = n + queued(app);
		pthread_mutex_unlock(&app->queue_lock);
		start = clock_monotonic_us();
		run_group(app, jobs);
		took_us = clock_monotonic_us() - start;
		cosign(app, &asked);
		if (++groups % 4096 == 0)
			expire_idempotency(app);
	}
	return NULL;
}

enum redress_err
http_writer_start(struct http_app *app, struct redress_error *err)
{
	expire_idempotency(app);
	/* A command may have erased someone while readers kept the journal, before this server began. */
	app->scrub_pending = !store_is_pgsql(app->config->db);
	pthread_mutex_init(&app->queue_lock, NULL);
	/* The writer's timed waits (linger) count on the monotonic clock. */
	{
		pthread_condattr_t attr;

		pthread_condattr_init(&attr);
		pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
		pthread_cond_init(&app->queue_cond, &attr);
		pthread_condattr_destroy(&attr);
	}
	if (pthread_create(&app->writer, NULL, writer_main, app) != 0) {
		pthread_cond_destroy(&app->queue_cond);
		pthread_mutex_destroy(&app->queue_lock);
		return error_set(err, REDRESS_E_INTERNAL, "could not start the writer thread");
	}
	return REDRESS_OK;
}

void
http_writer_stop(struct http_app *app)
{
	pthread_mutex_lock(&app->queue_lock);
	app->stopping = 1;
	pthread_cond_broadcast(&app->queue_cond);
	pthread_mutex_unlock(&app->queue_lock);
	pthread_join(app->writer, NULL);
	pthread_cond_destroy(&app->queue_cond);
	pthread_mutex_destroy(&app->queue_lock);
}

static void
enqueue(struct http_app *app, struct http_job *job)
{
	pthread_mutex_lock(&app->queue_lock);
	if (app->queue_tail != NULL)
		app->queue_tail->next = job;
	else
		app->queue_head = job;
	app->queue_tail = job;
	pthread_cond_signal(&app->queue_cond);
	pthread_mutex_unlock(&app->queue_lock);
}

/* SHA-256 of what makes a request the same request: method, route, parameters, body. */
static void
request_hash(const struct http_request *req, uint8_t out[HASH_SHA256_SIZE])
{
	const struct buf *file;
	struct hash_sha256 h;
	size_t i;

	hash_sha256_init(&h);
	hash_sha256_update(&h, http_method_name(req->method), strlen(http_method_name(req->method)) + 1);
	if (req->route >= 0)
		hash_sha256_update(&h, http_routes[req->route].name,
		                   strlen(http_routes[req->route].name) + 1);
	for (i = 0; i < req->params.n; i++)
		hash_sha256_update(&h, req->params.values[i], strlen(req->params.values[i]) + 1);
	if (req->body.data != NULL)
		hash_sha256_update(&h, req->body.data, req->body.len);
	/* A multipart body: the file's name and bytes make the request too. */
	if ((file = http_upload_file(req)) != NULL) {
		hash_sha256_update(&h, req->upload_name, strlen(req->upload_name) + 1);
		if (file->data != NULL)
			hash_sha256_update(&h, file->data, file->len);
	}
	hash_sha256_final(&h, out);
}

static void
submit(struct http_request *req, http_change_fn fn, void *arg, size_t size, int own)
{
	struct http_job *job;

	/*
	 * HEAD is answered by a GET route without its body; a GET that makes a
	 * change (an opening of sealed data recorded, a letter) would then
	 * record what nobody was shown.
	 */
	if (req->method == HTTP_HEAD) {
		if (arg != NULL && size > 0)
			sodium_memzero(arg, size);
		free(arg);
		http_reply_error(&req->res, 405, "method_not_allowed",
		                 "this resource records who opened it: ask with GET, not HEAD");
		return;
	}
	if ((job = calloc(1, sizeof(*job))) == NULL) {
		if (arg != NULL && size > 0)
			sodium_memzero(arg, size);
		free(arg);
		http_reply_error(&req->res, 503, "unavailable", "out of memory");
		req->res.retry_after = 1;
		return;
	}
	job->req = req;
	job->res = &req->res;
	job->fn = fn;
	job->arg = arg;
	job->own = own;
	job->arg_size = size;
	job->actor = req->actor;
	snprintf(job->actor_text, sizeof(job->actor_text), "user:%s", req->actor.name);
	memcpy(job->idempotency_key, req->idempotency_key, sizeof(job->idempotency_key));
	if (own)
		job->idempotency_key[0] = '\0';
	if (job->idempotency_key[0] != '\0')
		request_hash(req, job->request_hash);
	req->state = HTTP_REQUEST_WAITING;
	MHD_suspend_connection(req->conn);
	enqueue(req->app, job);
}

void
http_change_submit(struct http_request *req, http_change_fn fn, void *arg)
{
	submit(req, fn, arg, 0, 0);
}

void
http_change_submit_wiped(struct http_request *req, http_change_fn fn, void *arg, size_t size)
{
	submit(req, fn, arg, size, 0);
}

void
http_change_submit_own(struct http_request *req, http_change_fn fn, void *arg)
{
	submit(req, fn, arg, 0, 1);
}

enum redress_err
http_change_run(struct http_app *app, const char *actor, http_change_fn fn, void *arg,
                struct redress_error *err)
{
	pthread_cond_t done;
	struct http_response res;
	struct http_job job;
	enum redress_err rc;

	memset(&job, 0, sizeof(job));
	memset(&res, 0, sizeof(res));
	buf_init(&res.body, HTTP_JSON_BODY_MAX);
	pthread_cond_init(&done, NULL);
	job.res = &res;
	job.fn = fn;
	job.arg = arg;
	snprintf(job.actor.name, sizeof(job.actor.name), "%s", actor);
	job.actor.role = ROLE_ADMIN;
	snprintf(job.actor_text, sizeof(job.actor_text), "%s", actor);
	job.done_cond = &done;
	enqueue(app, &job);
	pthread_mutex_lock(&app->queue_lock);
	while (!job.done)
		pthread_cond_wait(&done, &app->queue_lock);
	pthread_mutex_unlock(&app->queue_lock);
	pthread_cond_destroy(&done);
	buf_free(&res.body);
	rc = job.rc;
	if (rc != REDRESS_OK && err != NULL)
		*err = job.err;
	return rc;
}
