/*
 * fuzz_casework.c -- libFuzzer target for the events of corrections
 * (domain/registry/registry_change.c) and of casework (domain/casework):
 * their decoders, their replay into the tables, and audit's fold of them.
 *
 * An input is canonical JSON: an object {"type": T, "data": D, "actor": A}
 * (actor optional, "user:fuzz" by default), or an array of up to
 * FUZZ_EVENTS_MAX of them, replayed in turn as audit replays the log, into
 * an in-memory database that holds one registered victim (V-000001) who
 * consented to share:legal-aid, and a note on her file -- inside a
 * transaction rolled back after every input.  The same events are folded
 * by the registry's and casework's folds, from their baseline, as audit's
 * fast path folds them.  Refusals are expected; crashes, leaks and
 * undefined behaviour are not.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/canon.h"
#include "core/error.h"
#include "crypto/hash.h"
#include "domain/casework/casework.h"
#include "domain/registry/registry.h"
#include "log/audit.h"
#include "log/tlog.h"
#include "store/store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_EVENTS_MAX 16
#define FUZZ_TABLES     12

static struct store *fuzz_store;
static struct canon_doc fuzz_doc, fuzz_base_doc;

static const char *const fuzz_baseline[][2] = {
    {"registry.person.registered",
     "{\"birth_year\":1930,\"frailty\":1,\"id_index\":null,\"identity\":\"s1:AAAA\","
     "\"kind\":\"victim\",\"language\":\"ko\",\"pseudonym\":\"V-000001\",\"region\":null}"},
    {"registry.consent.recorded", "{\"given\":true,\"method\":\"s1:AAAA\",\"pseudonym\":\"V-000001\","
                                  "\"scope\":\"share:legal-aid\",\"witness\":null}"},
    {"casework.note.added", "{\"pseudonym\":\"V-000001\",\"text\":\"s1:AAAA\"}"},
};

static const struct event_module *
module_of(const char *type)
{
	if (strncmp(type, casework_module.type_prefix, strlen(casework_module.type_prefix)) == 0)
		return &casework_module;
	return &registry_module;
}

/* The folds of one input: each module's model and digests, from the baseline. */
struct folds {
	void *models[2];
	struct audit_digest digests[2][FUZZ_TABLES];
	struct audit_fold fold[2];
	uint8_t key[HASH_KEYED128_KEY_SIZE];
	struct buf scratch;
};

static void
fold_one(struct folds *f, const struct event *ev)
{
	const struct event_module *m = module_of(ev->type);
	size_t i = m == &casework_module;
	struct redress_error err;

	if (f->models[i] != NULL)
		(void)m->fold(f->models[i], ev, &f->fold[i], &err);
}

static void
apply(struct folds *f, const struct canon_node *obj, uint64_t seq)
{
	const struct canon_node *type = canon_find(obj, "type"), *data = canon_find(obj, "data"),
	                        *actor = canon_find(obj, "actor");
	struct redress_error err;
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = seq;
	ev.type = type != NULL && type->type == CANON_STRING ? type->str : "casework.note.added";
	ev.actor = actor != NULL && actor->type == CANON_STRING ? actor->str : "user:fuzz";
	ev.at = "2026-12-07T00:00:00Z";
	ev.data = data != NULL && data->type == CANON_OBJECT ? data : obj;
	(void)module_of(ev.type)->replay(fuzz_store, &ev, &err);
	fold_one(f, &ev);
}

static void
baseline(struct folds *f, int replay)
{
	struct redress_error err;
	size_t i;

	for (i = 0; i < sizeof(fuzz_baseline) / sizeof(fuzz_baseline[0]); i++) {
		struct event ev = {.seq = i + 1,
		                   .type = fuzz_baseline[i][0],
		                   .actor = "user:fuzz",
		                   .at = "2026-12-07T00:00:00Z"};

		if (canon_read(&fuzz_base_doc, fuzz_baseline[i][1], strlen(fuzz_baseline[i][1]), &err) !=
		    REDRESS_OK)
			abort();
		ev.data = canon_root(&fuzz_base_doc);
		if (replay && module_of(ev.type)->replay(fuzz_store, &ev, &err) != REDRESS_OK)
			abort();
		if (f != NULL)
			fold_one(f, &ev);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct redress_error err;

	(void)argc;
	(void)argv;
	if (store_open(":memory:", STORE_OPEN_CREATE, &fuzz_store, &err) != REDRESS_OK ||
	    store_exec(fuzz_store, registry_module.schema, &err) != REDRESS_OK ||
	    store_exec(fuzz_store, casework_module.schema, &err) != REDRESS_OK ||
	    store_begin(fuzz_store, &err) != REDRESS_OK)
		abort();
	baseline(NULL, 1);
	if (store_commit(fuzz_store, &err) != REDRESS_OK)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct canon_node *root, *c;
	struct redress_error err;
	struct folds f;
	size_t i;

	if (canon_read(&fuzz_doc, (const char *)data, size, &err) != REDRESS_OK)
		return 0;
	root = canon_root(&fuzz_doc);
	memset(&f, 0, sizeof(f));
	buf_init(&f.scratch, 1u << 20);
	for (i = 0; i < 2; i++) {
		f.models[i] = (i == 0 ? &registry_module : &casework_module)->fold_begin();
		f.fold[i] = (struct audit_fold){f.key, f.digests[i], &f.scratch};
	}
	baseline(&f, 0);
	if (store_begin(fuzz_store, &err) != REDRESS_OK)
		abort();
	if (root->type == CANON_OBJECT) {
		apply(&f, root, 10);
	} else if (root->type == CANON_ARRAY) {
		i = 0;
		for (c = canon_first(root); c < canon_end(root) && i < FUZZ_EVENTS_MAX;
		     c = canon_next(c), i++)
			if (c->type == CANON_OBJECT)
				apply(&f, c, 10 + i);
	}
	store_rollback(fuzz_store);
	for (i = 0; i < 2; i++)
		if (f.models[i] != NULL)
			(i == 0 ? &registry_module : &casework_module)->fold_end(f.models[i], &f.fold[i]);
	buf_free(&f.scratch);
	return 0;
}
