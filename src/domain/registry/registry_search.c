/*
 * registry_search.c -- finding a person by name, telephone or national id
 * without decrypting anyone: keyed blind indexes of normalized tokens.
 *
 * At registration (and by `redress person reindex` for persons registered
 * before), the clear identity is cut into tokens, each hashed under the
 * key directory's index key with a domain of its own, and only the hashes
 * are stored beside the pseudonym (registry_search).  A query is cut the
 * same way and looked up hash by hash.
 *
 *   - A name is normalized (ASCII and full-width Latin lower-cased,
 *     katakana folded to hiragana, spaces and punctuation dropped) and cut
 *     into its characters and its pairs of adjacent characters.  A query
 *     of one character looks its character up; a longer one needs every
 *     pair of it (so "순자" finds 김순자, and "じゅん" finds ジュン).  A
 *     Latin letter or a digit alone is no token (it would name most of a
 *     fund, and a name of twenty letters would write twenty more rows):
 *     a query of one of them finds no one.
 *   - A telephone number is its digits (+82 10 ... as 010 ...): the whole
 *     number and its last four digits are tokens.
 *   - A national id is as registry_id_normalise() writes it.
 *   - The whole normalised name with the birth year is a duplicate key
 *     (registry_dups.c), in a table of its own.
 *
 * What this gives away: equal tokens have equal hashes, so whoever reads
 * the database learns how many persons share a token (a frequent surname
 * stands out), never the token.  Without the index key no hash can be
 * computed.  A token keeps 64 bits of its hash: two tokens of a fund of a
 * million distinct tokens share one by chance less than once in 10^7
 * funds, and that only adds candidates.  Pairs of characters also match
 * names that hold both pairs apart: results are candidates, confirmed by
 * a reveal.
 *
 * Each search by identity is an event on the log, like a reveal: who
 * searched, when, by what (name or number), how many were found, and the
 * reason, sealed under the master key.  The query itself is never kept.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/text.h"
#include "crypto/seal.h"
#include "domain/registry/registry_int.h"

#define SEARCH_DOMAIN     "redress search 1:"
#define SEARCH_TOKEN_HEX  16 /* of the 64 hex digits of a blind index: 64 bits */
#define SEARCH_CHARS_MAX  64 /* characters of a name or query that count */
#define SEARCH_TOKENS_MAX (2 * SEARCH_CHARS_MAX + 4)

/*
 * The characters of a name as they count for search, into cps (at most
 * SEARCH_CHARS_MAX); returns how many.
 */
static size_t
name_chars(const char *name, unsigned long cps[SEARCH_CHARS_MAX])
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = 0, len;
	unsigned long cp;

	while (*s != '\0' && n < SEARCH_CHARS_MAX) {
		cp = text_utf8_next(s, &len);
		s += len;
		if (cp >= 0xff01 && cp <= 0xff5e) /* full-width Latin and digits */
			cp -= 0xfee0;
		if (cp >= 'A' && cp <= 'Z')
			cp += 'a' - 'A';
		if (cp >= 0x30a1 && cp <= 0x30f6) /* katakana as hiragana */
			cp -= 0x60;
		if (cp < 0x80 && !((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')))
			continue; /* spaces, hyphens, dots, apostrophes */
		if (cp == 0x3000 || cp == 0x30fb || cp == 0x00b7 || cp == 0x00a0 || cp == 0x3001 ||
		    cp == 0x3002)
			continue; /* the ideographic space, middle dots, no-break space, 、 。 */
		cps[n++] = cp;
	}
	return n;
}

/* The digits of a telephone number, +82 (Korea) and +81 (Japan) written as the national 0. */
static size_t
phone_digits(const char *phone, char *out, size_t size)
{
	size_t n = 0, i;

	for (i = 0; phone[i] != '\0' && n + 1 < size; i++)
		if (phone[i] >= '0' && phone[i] <= '9')
			out[n++] = phone[i];
	out[n] = '\0';
	if (n >= 11 && (strncmp(out, "82", 2) == 0 || strncmp(out, "81", 2) == 0) && phone[0] == '+') {
		memmove(out + 1, out + 2, n - 1);
		out[0] = '0';
		n--;
	}
	return n;
}

/* The token kind:value as its hash under the index key, SEARCH_TOKEN_HEX hex digits and a NUL. */
static void
token_hash(const struct seal_key *index_key, const char *kind, const char *value,
           char out[SEARCH_TOKEN_HEX + 1])
{
	char text[sizeof(SEARCH_DOMAIN) + 16 + REGISTRY_FIELD_MAX + 8], full[SEAL_INDEX_TEXT_SIZE];
	size_t d = sizeof(SEARCH_DOMAIN) - 1, k = strlen(kind), v = strlen(value);

	/* SEARCH_DOMAIN kind ":" value, cut to the buffer as snprintf would (by hand: millions a run). */
	if (k > sizeof(text) - d - 2)
		k = sizeof(text) - d - 2;
	if (v > sizeof(text) - d - k - 2)
		v = sizeof(text) - d - k - 2;
	memcpy(text, SEARCH_DOMAIN, d);
	memcpy(text + d, kind, k);
	text[d + k] = ':';
	memcpy(text + d + k + 1, value, v);
	text[d + k + 1 + v] = '\0';
	seal_blind_index(index_key, text, full);
	memcpy(out, full, SEARCH_TOKEN_HEX);
	out[SEARCH_TOKEN_HEX] = '\0';
	explicit_bzero(text, sizeof(text));
}

/* cps[from, from + n) as UTF-8 into out (at least 4 * n + 1 bytes). */
static void
chars_text(const unsigned long *cps, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		unsigned long cp = cps[i];

		if (cp < 0x80)
			out[o++] = (char)cp;
		else if (cp < 0x800) {
			out[o++] = (char)(0xc0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (cp < 0x10000) {
			out[o++] = (char)(0xe0 | (cp >> 12));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	out[o] = '\0';
}

struct tokens {
	char hash[SEARCH_TOKENS_MAX][SEARCH_TOKEN_HEX + 1];
	size_t n;
};

static void
tokens_add(struct tokens *t, const struct seal_key *index_key, const char *kind, const char *value)
{
	if (t->n < SEARCH_TOKENS_MAX)
		token_hash(index_key, kind, value, t->hash[t->n++]);
}

void
registry_search_token(const struct seal_key *index_key, const char *kind, const char *value, char out[33])
{
	token_hash(index_key, kind, value, out);
}

void
registry_search_name_text(const char *name, char *out, size_t size)
{
	unsigned long cps[SEARCH_CHARS_MAX];
	char text[4 * SEARCH_CHARS_MAX + 1];
	size_t n = name_chars(name, cps);

	chars_text(cps, n, text);
	text_copy(out, size, text);
	explicit_bzero(cps, sizeof(cps));
	explicit_bzero(text, sizeof(text));
}

/* A name's tokens: every character (n1) and every pair (n2); with query set, only what a query needs. */
static void
name_tokens(struct tokens *t, const struct seal_key *index_key, const char *name, int query)
{
	unsigned long cps[SEARCH_CHARS_MAX];
	char text[4 * 2 + 1];
	size_t n = name_chars(name, cps), i;

	for (i = 0; i < n; i++) {
		/* One Latin letter or digit would name most of a fund: only other scripts' characters alone.
		 */
		if ((!query || n == 1) && cps[i] >= 0x80) {
			chars_text(cps + i, 1, text);
			tokens_add(t, index_key, "n1", text);
		}
		if (i + 1 < n) {
			chars_text(cps + i, 2, text);
			tokens_add(t, index_key, "n2", text);
		}
	}
	explicit_bzero(cps, sizeof(cps));
	explicit_bzero(text, sizeof(text));
}

/* An identity's tokens: her name's, her telephone's and her national id's. */
static void
identity_tokens(struct tokens *t, const struct seal_key *index_key, const struct registry_identity *id)
{
	char digits[REGISTRY_FIELD_MAX + 1], norm[REGISTRY_FIELD_MAX + 1];
	struct redress_error ignored;
	size_t n;

	name_tokens(t, index_key, id->name, 0);
	if ((n = phone_digits(id->phone, digits, sizeof(digits))) >= 4) {
		tokens_add(t, index_key, "p", digits);
		tokens_add(t, index_key, "p4", digits + n - 4);
	}
	if (id->national_id[0] != '\0' &&
	    registry_id_normalise(id->national_id, norm, &ignored) == REDRESS_OK)
		tokens_add(t, index_key, "i", norm);
	explicit_bzero(digits, sizeof(digits));
	explicit_bzero(norm, sizeof(norm));
}

static int
token_cmp(const void *a, const void *b)
{
	return memcmp(a, b, SEARCH_TOKEN_HEX);
}

/* Sorts t's tokens and drops the duplicates (a token twice in one name). */
static void
tokens_unique(struct tokens *t)
{
	size_t i, n;

	qsort(t->hash, t->n, sizeof(t->hash[0]), token_cmp);
	for (i = n = 0; i < t->n; i++)
		if (n == 0 || memcmp(t->hash[n - 1], t->hash[i], SEARCH_TOKEN_HEX) != 0)
			memmove(t->hash[n++], t->hash[i], sizeof(t->hash[0]));
	t->n = n;
}

/*
 * Her tokens as one row of registry_search_owned: their hex digits one
 * after the other (what registry_search_forget reads to delete them).
 */
static enum redress_err
owned_insert(struct store *store, const char *pseudonym, const struct tokens *t, struct redress_error *err)
{
	char all[SEARCH_TOKENS_MAX * SEARCH_TOKEN_HEX + 1];
	struct store_stmt *st;
	size_t i;

	if (t->n == 0)
		return REDRESS_OK;
	for (i = 0; i < t->n; i++)
		memcpy(all + i * SEARCH_TOKEN_HEX, t->hash[i], SEARCH_TOKEN_HEX);
	all[t->n * SEARCH_TOKEN_HEX] = '\0';
	if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_OWNED_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	store_bind_text(st, 2, all);
	return store_run(st, err);
}

enum redress_err
registry_search_index(struct store *store, const struct seal_key *index_key, const char *pseudonym,
                      const struct registry_identity *id, struct redress_error *err)
{
	struct tokens *t = calloc(1, sizeof(*t));
	struct store_stmt *st;
	enum redress_err rc = REDRESS_OK;
	size_t i;

	if (t == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory indexing %s for search", pseudonym);
	identity_tokens(t, index_key, id);
	tokens_unique(t);
	if ((rc = registry_search_forget(store, pseudonym, err)) != REDRESS_OK ||
	    (rc = registry_dup_key_write(store, index_key, pseudonym, id, err)) != REDRESS_OK ||
	    (rc = owned_insert(store, pseudonym, t, err)) != REDRESS_OK)
		goto out;
	for (i = 0; i < t->n; i++) {
		if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_INSERT, err)) == NULL) {
			rc = err->code;
			goto out;
		}
		store_bind_text(st, 1, t->hash[i]);
		store_bind_text(st, 2, pseudonym);
		if ((rc = store_run(st, err)) != REDRESS_OK)
			goto out;
	}
out:
	free(t);
	return rc;
}

/*
 * The tokens of persons registered in the current change, waiting in the
 * registry's state of the change (tlog_module_state): written sorted by
 * token when SEARCH_PENDING_MAX are waiting and when the change commits
 * (the module's flush), because a B-tree takes keys in order many times
 * faster than at random, and an import of a million people writes tens of
 * millions of tokens.  The more wait, the more of them land on each page
 * of registry_search when the tree is larger than SQLite's page cache
 * (2,097,152 against 262,144: 19.7 against 21.7 s of CPU for 200,000
 * people).  Only hashes wait here, never a name; who they are (the
 * registry_search_owned rows) is written at the same flush, first, in the
 * order the persons came (the end of its table).
 *
 * Cutting a name into tokens and hashing each (some 25 keyed hashes a
 * person, an eighth of an import's time) needs nothing of the database:
 * past SEARCH_WORKER_FROM persons in one change, a second thread does it
 * while this one writes the next persons' rows.  It takes the persons'
 * names, telephones and national ids from a ring of SEARCH_RING (wiped as
 * each is done), appends their pairs to v in the order they came, and
 * touches no database; every flush first waits until it has done all.
 * What is written is the same as without it, byte for byte.
 */
#define SEARCH_PENDING_MAX 2097152 /* pairs, 32 MB, and their persons' pseudonyms */
#define SEARCH_WORKER_FROM 64      /* persons in one change before the second thread starts */
#define SEARCH_RING        256     /* identities waiting for it */
#define SEARCH_BATCH       64      /* handed to it at once (one wake-up, not one a person) */
#define SEARCH_CHECK_EVERY 4096    /* persons: how often the pairs waiting are counted */

/* A pair waiting: its token as the number its hex digits write, and its person's place in who. */
struct search_pair {
	uint64_t key;
	uint32_t person;
};

/* A person waiting for her tokens: what identity_tokens reads of her identity. */
struct search_job {
	uint32_t person;
	struct registry_identity id; /* name, telephone and national id only */
};

struct search_pending {
	struct search_pair *v; /* the worker's while it runs and has work; this thread's at a flush */
	size_t n, cap;
	char (*who)[REGISTRY_PSEUDONYM_MAX + 1]; /* the persons of the pairs, as they came */
	size_t nwho, capwho;
	const struct seal_key *index_key;
	/* The second thread, its ring and what it found (all under mu once it runs). */
	pthread_t thread;
	int started, stop, busy, nomem;
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	uint64_t last[2];        /* registry_change_last: per kind, 0 for none */
	struct search_job *ring; /* SEARCH_RING */
	size_t head, count;      /* the worker's to take: ring[head], count of them */
	size_t tail, staged;     /* this thread's: the next slot, and how many it filled since handing */
};

static const char hex_digits[] = "0123456789abcdef";

/* The number a token's lower-case hex digits write (SEARCH_TOKEN_HEX of them: 64 bits). */
static uint64_t
token_key(const char *token)
{
	uint64_t key = 0;
	size_t i;

	for (i = 0; i < SEARCH_TOKEN_HEX; i++)
		key = key << 4 | (uint64_t)(token[i] <= '9' ? token[i] - '0' : token[i] - 'a' + 10);
	return key;
}

/* The token again from its number. */
static void
token_text(uint64_t key, char out[SEARCH_TOKEN_HEX + 1])
{
	size_t i;

	for (i = SEARCH_TOKEN_HEX; i > 0; i--, key >>= 4)
		out[i - 1] = hex_digits[key & 0xf];
	out[SEARCH_TOKEN_HEX] = '\0';
}

/* By token, then as they came (her registration: the order of registry_search's second column, nearly). */
static int
pair_cmp(const void *a, const void *b)
{
	const struct search_pair *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->person < y->person ? -1 : x->person > y->person;
}

/*
 * Sorts v's n pairs as pair_cmp orders them, by a radix sort of their
 * keys, 16 bits at a time from the lowest: each pass is stable and the
 * pairs come in the order of their persons, so that pairs of one token
 * stay in that order.  Returns 0 when out of memory for the copy (v
 * unchanged).
 */
static int
pairs_sort(struct search_pair *v, size_t n)
{
	struct search_pair *tmp, *from = v, *to, *swap;
	size_t *count, i, sum, c;
	unsigned shift;

	if ((tmp = malloc(n * sizeof(*tmp))) == NULL)
		return 0;
	if ((count = malloc(65536 * sizeof(*count))) == NULL) {
		free(tmp);
		return 0;
	}
	to = tmp;
	for (shift = 0; shift < 64; shift += 16) {
		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(from[i].key >> shift) & 0xffff]++;
		for (i = 0, sum = 0; i < 65536; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			to[count[(from[i].key >> shift) & 0xffff]++] = from[i];
		swap = from;
		from = to;
		to = swap;
	}
	/* Four passes: the sorted pairs are back in v. */
	free(count);
	free(tmp);
	return 1;
}

/* Makes room in *v (*cap elements of size bytes) for need of them, doubling; 0 when out of memory. */
static int
array_room(void **v, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap != 0 ? *cap : 256;
	void *grown;

	if (need <= *cap)
		return 1;
	while (n < need)
		n *= 2;
	if ((grown = realloc(*v, n * size)) == NULL)
		return 0;
	*v = grown;
	*cap = n;
	return 1;
}

/*
 * Appends the pairs of person (her place in who) to q->v, her tokens in
 * their order (tokens_unique's: by token); 0 when out of memory.
 */
static int
pairs_add(struct search_pending *q, uint32_t person, const struct registry_identity *id)
{
	struct tokens *t;
	size_t i;
	int ok;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return 0;
	identity_tokens(t, q->index_key, id);
	tokens_unique(t);
	if ((ok = array_room((void **)&q->v, &q->cap, q->n + t->n, sizeof(q->v[0]))))
		for (i = 0; i < t->n; i++) {
			q->v[q->n].key = token_key(t->hash[i]);
			q->v[q->n].person = person;
			q->n++;
		}
	free(t);
	return ok;
}

/* The second thread: each person of the ring in turn, until told to stop. */
static void *
search_worker(void *arg)
{
	struct search_pending *q = arg;
	struct search_job *job;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->count == 0 && !q->stop)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->count == 0)
			break;
		job = &q->ring[q->head];
		q->busy = 1;
		pthread_mutex_unlock(&q->mu);
		/* v is this thread's while busy: the other waits for idle before it reads it. */
		if (!q->nomem && !pairs_add(q, job->person, &job->id))
			q->nomem = 1;
		explicit_bzero(&job->id, sizeof(job->id));
		pthread_mutex_lock(&q->mu);
		q->busy = 0;
		q->head = (q->head + 1) % SEARCH_RING;
		if (--q->count == 0 || q->count == SEARCH_RING - SEARCH_BATCH)
			pthread_cond_signal(&q->idle); /* all done, or room for a batch */
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/*
 * Hands the persons staged to the second thread, then waits until a batch
 * more fits in the ring (count + staged never passes SEARCH_RING).
 */
static void
search_worker_hand(struct search_pending *q)
{
	pthread_mutex_lock(&q->mu);
	if (q->staged != 0) {
		q->count += q->staged;
		q->staged = 0;
		pthread_cond_signal(&q->work);
	}
	while (q->count > SEARCH_RING - SEARCH_BATCH)
		pthread_cond_wait(&q->idle, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

/* Waits until the second thread (if any) has done every person given it; then v is this thread's. */
static enum redress_err
search_worker_drain(struct search_pending *q, struct redress_error *err)
{
	if (q->started) {
		search_worker_hand(q);
		pthread_mutex_lock(&q->mu);
		while (q->count != 0 || q->busy)
			pthread_cond_wait(&q->idle, &q->mu);
		pthread_mutex_unlock(&q->mu);
	}
	if (q->nomem)
		return error_set(err, REDRESS_E_NOMEM, "out of memory indexing persons for search");
	return REDRESS_OK;
}

/* Hands person's identity to the second thread, starting it if need be; 0 when it cannot run. */
static int
search_worker_give(struct search_pending *q, uint32_t person, const struct registry_identity *id)
{
	struct search_job *job;

	if (!q->started) {
		if (q->ring == NULL && (q->ring = calloc(SEARCH_RING, sizeof(*q->ring))) == NULL)
			return 0;
		if (pthread_mutex_init(&q->mu, NULL) != 0)
			return 0;
		if (pthread_cond_init(&q->work, NULL) != 0) {
			pthread_mutex_destroy(&q->mu);
			return 0;
		}
		if (pthread_cond_init(&q->idle, NULL) != 0) {
			pthread_cond_destroy(&q->work);
			pthread_mutex_destroy(&q->mu);
			return 0;
		}
		if (pthread_create(&q->thread, NULL, search_worker, q) != 0) {
			pthread_cond_destroy(&q->idle);
			pthread_cond_destroy(&q->work);
			pthread_mutex_destroy(&q->mu);
			return 0;
		}
		q->started = 1;
	}
	/* The worker reads only slots handed to it; this one is past them (search_worker_hand). */
	job = &q->ring[q->tail];
	job->person = person;
	text_copy(job->id.name, sizeof(job->id.name), id->name);
	text_copy(job->id.phone, sizeof(job->id.phone), id->phone);
	text_copy(job->id.national_id, sizeof(job->id.national_id), id->national_id);
	q->tail = (q->tail + 1) % SEARCH_RING;
	if (++q->staged == SEARCH_BATCH)
		search_worker_hand(q);
	return 1;
}

/* Her tokens as one row of registry_search_owned from her pairs v[from, to) (in token order). */
static enum redress_err
owned_write(struct store *store, const char *pseudonym, const struct search_pair *v, size_t n,
            struct redress_error *err)
{
	char all[SEARCH_TOKENS_MAX * SEARCH_TOKEN_HEX + 1], token[SEARCH_TOKEN_HEX + 1];
	struct store_stmt *st;
	size_t i;

	for (i = 0; i < n && i < SEARCH_TOKENS_MAX; i++) {
		token_text(v[i].key, token);
		memcpy(all + i * SEARCH_TOKEN_HEX, token, SEARCH_TOKEN_HEX);
	}
	all[i * SEARCH_TOKEN_HEX] = '\0';
	if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_OWNED_INSERT, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	store_bind_text(st, 2, all);
	return store_run(st, err);
}

enum redress_err
registry_search_pending_flush(struct store *store, void *state, struct redress_error *err)
{
	char token[REGISTRY_SEARCH_INSERT_ROWS][SEARCH_TOKEN_HEX + 1];
	struct search_pending *q = state;
	struct store_stmt *st;
	enum redress_err rc = REDRESS_OK;
	size_t i, j, n;

	if (q == NULL)
		return REDRESS_OK;
	if ((rc = search_worker_drain(q, err)) != REDRESS_OK)
		return rc;
	if (q->n == 0)
		return REDRESS_OK;
	/* Who they are first: each person's pairs lie together, as they came. */
	for (i = 0; i < q->n && rc == REDRESS_OK; i = j) {
		for (j = i + 1; j < q->n && q->v[j].person == q->v[i].person; j++)
			;
		rc = owned_write(store, q->who[q->v[i].person], q->v + i, j - i, err);
	}
	if (rc != REDRESS_OK)
		return rc;
	if (!pairs_sort(q->v, q->n))
		qsort(q->v, q->n, sizeof(q->v[0]), pair_cmp);
	n = q->n;
	q->n = 0;
	/* REGISTRY_SEARCH_INSERT_ROWS at once, then the rest one by one. */
	for (i = 0; i + REGISTRY_SEARCH_INSERT_ROWS <= n && rc == REDRESS_OK;
	     i += REGISTRY_SEARCH_INSERT_ROWS) {
		if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_INSERT_MANY, err)) == NULL)
			return err->code;
		for (j = 0; j < REGISTRY_SEARCH_INSERT_ROWS; j++) {
			token_text(q->v[i + j].key, token[j]);
			store_bind_text(st, (int)(2 * j + 1), token[j]);
			store_bind_text(st, (int)(2 * j + 2), q->who[q->v[i + j].person]);
		}
		rc = store_run(st, err);
	}
	for (; i < n && rc == REDRESS_OK; i++) {
		if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_INSERT, err)) == NULL)
			return err->code;
		token_text(q->v[i].key, token[0]);
		store_bind_text(st, 1, token[0]);
		store_bind_text(st, 2, q->who[q->v[i].person]);
		rc = store_run(st, err);
	}
	q->nwho = 0;
	return rc;
}

void
registry_search_pending_discard(void *state)
{
	struct search_pending *q = state;

	if (q == NULL)
		return;
	if (q->started) {
		pthread_mutex_lock(&q->mu);
		q->stop = 1;
		pthread_cond_signal(&q->work);
		pthread_mutex_unlock(&q->mu);
		pthread_join(q->thread, NULL);
		pthread_cond_destroy(&q->idle);
		pthread_cond_destroy(&q->work);
		pthread_mutex_destroy(&q->mu);
	}
	if (q->ring != NULL) {
		/* A rolled-back import may leave identities in it. */
		explicit_bzero(q->ring, SEARCH_RING * sizeof(*q->ring));
		free(q->ring);
	}
	free(q->v);
	free(q->who);
	free(q);
}

uint64_t
registry_change_last(void **slot, enum registry_kind kind)
{
	struct search_pending *q = *slot;

	return q != NULL && (size_t)kind < sizeof(q->last) / sizeof(q->last[0]) ? q->last[kind] : 0;
}

enum redress_err
registry_change_set_last(void **slot, enum registry_kind kind, uint64_t number, struct redress_error *err)
{
	struct search_pending *q;

	if (*slot == NULL && (*slot = calloc(1, sizeof(struct search_pending))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory registering a person");
	q = *slot;
	if ((size_t)kind < sizeof(q->last) / sizeof(q->last[0]))
		q->last[kind] = number;
	return REDRESS_OK;
}

enum redress_err
registry_search_flush(struct tlog *log, struct redress_error *err)
{
	void **slot = tlog_module_state(log, &registry_module);

	return slot == NULL ? REDRESS_OK : registry_search_pending_flush(tlog_store(log), *slot, err);
}

enum redress_err
registry_search_index_new(struct tlog *log, const struct seal_key *index_key, const char *pseudonym,
                          const struct registry_identity *id, struct redress_error *err)
{
	void **slot = tlog_module_state(log, &registry_module);
	struct search_pending *q;
	uint32_t person;
	enum redress_err rc = REDRESS_OK;

	if (slot == NULL)
		return error_set(err, REDRESS_E_INTERNAL, "%s indexed for search outside a change",
		                 pseudonym);
	if ((rc = registry_dup_key_write(tlog_store(log), index_key, pseudonym, id, err)) != REDRESS_OK)
		return rc;
	if (*slot == NULL && (*slot = calloc(1, sizeof(struct search_pending))) == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory indexing %s for search", pseudonym);
	q = *slot;
	/* The second thread reads the key: changed only once it has done all (a first key: not started). */
	if (q->index_key != index_key) {
		if (q->index_key != NULL && (rc = search_worker_drain(q, err)) == REDRESS_OK)
			rc = registry_search_pending_flush(tlog_store(log), q, err);
		if (rc != REDRESS_OK)
			return rc;
		q->index_key = index_key;
	}
	if (q->nwho >= UINT32_MAX ||
	    !array_room((void **)&q->who, &q->capwho, q->nwho + 1, sizeof(q->who[0])))
		return error_set(err, REDRESS_E_NOMEM, "out of memory indexing %s for search", pseudonym);
	person = (uint32_t)q->nwho++;
	text_copy(q->who[person], sizeof(q->who[0]), pseudonym);
	/* On the second thread past the first persons of a change; here when it cannot run. */
	if (q->nwho <= SEARCH_WORKER_FROM || !search_worker_give(q, person, id)) {
		if ((rc = search_worker_drain(q, err)) != REDRESS_OK)
			return rc;
		if (!pairs_add(q, person, id))
			return error_set(err, REDRESS_E_NOMEM, "out of memory indexing %s for search",
			                 pseudonym);
	}
	/* Every SEARCH_CHECK_EVERY persons, whether enough pairs wait to be written. */
	if (q->nwho % SEARCH_CHECK_EVERY == 0) {
		if ((rc = search_worker_drain(q, err)) != REDRESS_OK)
			return rc;
		if (q->n >= SEARCH_PENDING_MAX)
			rc = registry_search_pending_flush(tlog_store(log), q, err);
	}
	return rc;
}

enum redress_err
registry_search_forget(struct store *store, const char *pseudonym, struct redress_error *err)
{
	enum store_step_result r;
	const char *tokens;
	struct store_stmt *st;
	struct buf all;
	enum redress_err rc = REDRESS_OK;
	size_t i;

	/*
	 * Her tokens from registry_search_owned (a row holds one or more, 16
	 * hex digits each; a fund migrated from schema 12 has one a row),
	 * read whole before any is deleted; then each pair, then those rows.
	 */
	buf_init(&all, 65536);
	if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_OWNED_GET, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, pseudonym);
	while ((r = store_read(st, registry_text_field, &tokens, err)) == STORE_ROW)
		buf_puts(&all, tokens);
	if (r != STORE_DONE) {
		rc = err->code;
		goto out;
	}
	if ((rc = buf_error(&all, err)) != REDRESS_OK)
		goto out;
	if (all.len % SEARCH_TOKEN_HEX != 0) {
		rc = error_set(err, REDRESS_E_STORE, "%s's search tokens are not whole (%zu hex digits)",
		               pseudonym, all.len);
		goto out;
	}
	for (i = 0; i + SEARCH_TOKEN_HEX <= all.len; i += SEARCH_TOKEN_HEX) {
		char token[SEARCH_TOKEN_HEX + 1];

		memcpy(token, all.data + i, SEARCH_TOKEN_HEX);
		token[SEARCH_TOKEN_HEX] = '\0';
		if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_DELETE, err)) == NULL) {
			rc = err->code;
			goto out;
		}
		store_bind_text(st, 1, token);
		store_bind_text(st, 2, pseudonym);
		if ((rc = store_run(st, err)) != REDRESS_OK)
			goto out;
	}
	if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_OWNED_DELETE, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, pseudonym);
	if ((rc = store_run(st, err)) != REDRESS_OK)
		goto out;
	/* Her duplicate key goes with her tokens. */
	if ((st = registry_stmt(store, REGISTRY_Q_DUP_DELETE, err)) == NULL) {
		rc = err->code;
		goto out;
	}
	store_bind_text(st, 1, pseudonym);
	rc = store_run(st, err);
out:
	buf_free(&all);
	return rc;
}

/* A sorted set of pseudonyms. */
struct hits {
	char (*p)[REGISTRY_PSEUDONYM_MAX + 1];
	size_t n, cap;
};

static enum redress_err
hits_add(struct hits *h, const char *pseudonym, struct redress_error *err)
{
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 64;
		void *grown;

		if (cap > REGISTRY_SEARCH_HITS_MAX)
			return error_set(err, REDRESS_E_OVERFLOW,
			                 "more than %d persons match: give more of the name",
			                 REGISTRY_SEARCH_HITS_MAX);
		if ((grown = realloc(h->p, cap * sizeof(*h->p))) == NULL)
			return error_set(err, REDRESS_E_NOMEM, "out of memory searching");
		h->p = grown;
		h->cap = cap;
	}
	snprintf(h->p[h->n++], sizeof(h->p[0]), "%s", pseudonym);
	return REDRESS_OK;
}

static int
hits_has(const struct hits *h, const char *pseudonym)
{
	size_t lo = 0, hi = h->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(h->p[mid], pseudonym);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/*
 * The persons holding token, into out (sorted, as the query orders them),
 * at most limit of them: *whole_r is 0 when the list was longer (out then
 * holds its first limit), else 1.
 */
static enum redress_err
token_hits_upto(struct store *store, const char *token, size_t limit, struct hits *out, int *whole_r,
                struct redress_error *err)
{
	enum store_step_result r;
	const char *pseudonym;
	struct store_stmt *st;
	enum redress_err rc;
	size_t read = 0;

	*whole_r = 1;
	if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_FIND, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, token);
	while ((r = store_read(st, registry_text_field, &pseudonym, err)) == STORE_ROW) {
		if (read++ == limit) {
			*whole_r = 0;
			store_done(st);
			return REDRESS_OK;
		}
		if ((rc = hits_add(out, pseudonym, err)) != REDRESS_OK) {
			store_done(st);
			return rc;
		}
	}
	return r == STORE_DONE ? REDRESS_OK : err->code;
}

/* The persons holding token, into out (sorted, as the query orders them). */
static enum redress_err
token_hits(struct store *store, const char *token, struct hits *out, struct redress_error *err)
{
	int whole;

	return token_hits_upto(store, token, SIZE_MAX, out, &whole, err);
}

/* Keeps in h (sorted) only the persons b (sorted) has too. */
static void
hits_intersect(struct hits *h, const struct hits *b)
{
	size_t j, n;

	for (j = n = 0; j < h->n; j++)
		if (hits_has(b, h->p[j]))
			memmove(h->p[n++], h->p[j], sizeof(h->p[0]));
	h->n = n;
}

/* Adds to all (sorted, no duplicates) what b has that all has not. */
static enum redress_err
hits_union(struct hits *all, const struct hits *b, struct redress_error *err)
{
	struct hits merged = {0};
	size_t i = 0, j = 0;
	enum redress_err rc = REDRESS_OK;

	while (rc == REDRESS_OK && (i < all->n || j < b->n)) {
		int c = i == all->n ? 1 : j == b->n ? -1 : strcmp(all->p[i], b->p[j]);

		rc = hits_add(&merged, c <= 0 ? all->p[i] : b->p[j], err);
		i += c <= 0;
		j += c >= 0;
	}
	free(all->p);
	*all = merged;
	return rc;
}

/* Drops the tokens t holds twice, keeping the first of each where it stands (the query's order). */
static void
tokens_once(struct tokens *t)
{
	size_t i, j, n;

	for (i = n = 0; i < t->n; i++) {
		for (j = 0; j < n && memcmp(t->hash[j], t->hash[i], SEARCH_TOKEN_HEX) != 0; j++)
			;
		if (j == n)
			memmove(t->hash[n++], t->hash[i], sizeof(t->hash[0]));
	}
	t->n = n;
}

/*
 * A name query's tokens are pairs of letters; a pair of Hangul syllables
 * is rare, but a pair of Latin letters ("an", "ia") is held by much of a
 * fund.  So the rarest token is found first by counting each token's
 * list, up to SEARCH_PROBE_ROWS and never further than the rarest counted
 * so far (a longer list cannot be the rarest: "maria garcia" counts about
 * eight times its rarest pair's persons, not eight times
 * SEARCH_PROBE_ROWS).  When one is shorter than SEARCH_PROBE_ROWS, its
 * list is read; while more than SEARCH_FEW persons are left, the other
 * tokens' lists are read too, the farthest from the rarest in the query
 * first (likely of another word: whoever holds "rc" holds "ci", not
 * "ma"), each merged in memory with the persons left, until one is more
 * than SEARCH_MERGE_ROWS times as long as they are many (reading a row
 * costs a few percent of a lookup).  Then each person left has her own
 * tokens read in one lookup (registry_search_owned: one row of them all)
 * and the tokens not merged are looked for among them, instead of one
 * lookup in registry_search per person and token (measured at 100,000
 * people: a Latin whole name's CPU time halved).  When every token is
 * common, every list is read whole and the lists intersected in memory.
 * Every way the persons found are those holding every token.
 */
#define SEARCH_PROBE_ROWS 4096
#define SEARCH_MERGE_ROWS 8   /* rows of a list read for each person left, at most */
#define SEARCH_FEW        256 /* persons left few enough to check one by one */

/* How many hold token, counted up to limit, into *count_r. */
static enum redress_err
token_probe(struct store *store, const char *token, int64_t limit, int64_t *count_r,
            struct redress_error *err)
{
	struct store_stmt *st;
	enum store_step_result r;

	if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_PROBE, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, token);
	store_bind_int64(st, 2, limit);
	if ((r = store_read_one(st, registry_int_field, count_r, err)) != STORE_ROW)
		return r == STORE_DONE ? error_set(err, REDRESS_E_STORE, "a token's count gave no row")
		                       : err->code;
	return REDRESS_OK;
}

/* Every list read whole, intersected in memory (next is room for one list). */
static enum redress_err
name_hits_whole(struct store *store, const struct tokens *t, struct hits *h, struct hits *next,
                struct redress_error *err)
{
	enum redress_err rc = REDRESS_OK;
	size_t i;

	for (i = 0; i < t->n && rc == REDRESS_OK; i++) {
		next->n = 0;
		if ((rc = token_hits(store, t->hash[i], i == 0 ? h : next, err)) != REDRESS_OK || i == 0)
			continue;
		hits_intersect(h, next);
	}
	return rc;
}

/*
 * Whether pseudonym holds every token of t numbered in rest[0, n), into
 * *holds_r: her own tokens are read in one lookup (registry_search_owned,
 * which holds what registry_search holds of her) and each is looked for
 * among them.  mine is room for them.
 */
static enum redress_err
person_holds(struct store *store, const struct tokens *t, const size_t *rest, size_t n, const char *pseudonym,
             struct buf *mine, int *holds_r, struct redress_error *err)
{
	enum store_step_result r;
	const char *tokens;
	struct store_stmt *st;
	enum redress_err rc;
	size_t i, k;

	buf_reset(mine);
	if ((st = registry_stmt(store, REGISTRY_Q_SEARCH_OWNED_GET, err)) == NULL)
		return err->code;
	store_bind_text(st, 1, pseudonym);
	while ((r = store_read(st, registry_text_field, &tokens, err)) == STORE_ROW)
		buf_puts(mine, tokens);
	if (r != STORE_DONE)
		return err->code;
	if ((rc = buf_error(mine, err)) != REDRESS_OK)
		return rc;
	*holds_r = 1;
	for (k = 0; k < n && *holds_r; k++) {
		for (i = 0; i + SEARCH_TOKEN_HEX <= mine->len; i += SEARCH_TOKEN_HEX)
			if (memcmp(mine->data + i, t->hash[rest[k]], SEARCH_TOKEN_HEX) == 0)
				break;
		*holds_r = i + SEARCH_TOKEN_HEX <= mine->len;
	}
	return REDRESS_OK;
}

static size_t
distance(size_t a, size_t b)
{
	return a > b ? a - b : b - a;
}

/* The persons holding every token of t (in the query's order, each once), into h, sorted; next is room to
 * work in. */
static enum redress_err
name_hits(struct store *store, const struct tokens *t, struct hits *h, struct hits *next,
          struct redress_error *err)
{
	int64_t count = 0, best = SEARCH_PROBE_ROWS;
	size_t order[SEARCH_TOKENS_MAX], rest[SEARCH_TOKENS_MAX], i, j, n, nrest = 0, rarest = 0;
	struct buf mine;
	enum redress_err rc;
	int whole, holds = 0;

	if (t->n < 2)
		return name_hits_whole(store, t, h, next, err);
	for (i = 0; i < t->n; i++) {
		/* Counted no further than the rarest so far: a longer list is not the rarest. */
		if ((rc = token_probe(store, t->hash[i], best, &count, err)) != REDRESS_OK)
			return rc;
		if (count == 0)
			return REDRESS_OK; /* no one holds this one */
		if (count < best) {
			best = count;
			rarest = i;
		}
	}
	if (best >= SEARCH_PROBE_ROWS)
		return name_hits_whole(store, t, h, next, err);
	/* The rarest first, then the others farthest from it in the query first. */
	order[0] = rarest;
	for (i = 0, n = 1; i < t->n; i++) {
		if (i == rarest)
			continue;
		for (j = n; j > 1 && distance(order[j - 1], rarest) < distance(i, rarest); j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	if ((rc = token_hits(store, t->hash[order[0]], h, err)) != REDRESS_OK)
		return rc;
	for (i = 1; i < t->n && h->n > SEARCH_FEW; i++) {
		next->n = 0;
		if ((rc = token_hits_upto(store, t->hash[order[i]], h->n * SEARCH_MERGE_ROWS, next, &whole,
		                          err)) != REDRESS_OK)
			return rc;
		if (!whole) /* too long to read for so few: it and the rest looked up */
			break;
		hits_intersect(h, next);
	}
	for (; i < t->n; i++)
		rest[nrest++] = order[i];
	/* Each person left: her own tokens read, those not merged looked for among them. */
	buf_init(&mine, 4096);
	for (j = n = 0; j < h->n && nrest > 0; j++) {
		if ((rc = person_holds(store, t, rest, nrest, h->p[j], &mine, &holds, err)) != REDRESS_OK)
			goto out;
		if (holds)
			memmove(h->p[n++], h->p[j], sizeof(h->p[0]));
	}
	if (nrest > 0)
		h->n = n;
	rc = REDRESS_OK;
out:
	buf_free(&mine);
	return rc;
}

enum redress_err
registry_search_find(struct store *store, const struct seal_key *index_key, const char *query,
                     enum redress_err (*fn)(void *ctx, const char *pseudonym, struct redress_error *err),
                     void *ctx, size_t *total_r, struct redress_error *err)
{
	struct tokens *t = calloc(1, sizeof(*t));
	struct hits all = {0}, h = {0}, next = {0};
	struct redress_error ignored;
	char digits[REGISTRY_FIELD_MAX + 1], norm[REGISTRY_FIELD_MAX + 1];
	enum redress_err rc = REDRESS_OK;
	size_t i, n;

	*total_r = 0;
	if (t == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory searching");
	/* By name: every token of the query. */
	name_tokens(t, index_key, query, 1);
	tokens_once(t);
	rc = name_hits(store, t, &h, &next, err);
	if (rc == REDRESS_OK)
		rc = hits_union(&all, &h, err);
	/* By number: a telephone (whole, or its last four digits) and a national id. */
	t->n = 0;
	if ((n = phone_digits(query, digits, sizeof(digits))) >= 4)
		tokens_add(t, index_key, n == 4 ? "p4" : "p", digits);
	if (registry_id_normalise(query, norm, &ignored) == REDRESS_OK) /* else it is no national id */
		tokens_add(t, index_key, "i", norm);
	explicit_bzero(digits, sizeof(digits));
	explicit_bzero(norm, sizeof(norm));
	for (i = 0; i < t->n && rc == REDRESS_OK; i++) {
		next.n = 0;
		if ((rc = token_hits(store, t->hash[i], &next, err)) == REDRESS_OK)
			rc = hits_union(&all, &next, err);
	}
	for (i = 0; i < all.n && rc == REDRESS_OK; i++)
		rc = fn(ctx, all.p[i], err);
	*total_r = all.n;
	free(all.p);
	free(h.p);
	free(next.p);
	free(t);
	return rc;
}

enum redress_err
registry_search_record(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                       const char *by, const char *reason, uint64_t found, struct redress_error *err)
{
	struct buf sealed, data;
	struct canon c;
	enum redress_err rc;

	if ((rc = users_require(actor, PERM_PERSONS_REVEAL, err)) != REDRESS_OK ||
	    (rc = text_check("reason", reason, REGISTRY_TEXT_MAX, err)) != REDRESS_OK)
		return rc;
	if (reason[0] == '\0')
		return error_set(err, REDRESS_E_INVALID,
		                 "a search by identity needs a reason: it is recorded");
	if (strcmp(by, "name") != 0 && strcmp(by, "number") != 0)
		return error_set(err, REDRESS_E_INVALID, "a search is by 'name' or 'number', not '%.16s'",
		                 by);
	buf_init(&sealed, SEAL_PLAIN_MAX);
	buf_init(&data, REGISTRY_EVENT_DATA_MAX);
	if ((rc = seal_encrypt(keys->master, reason, strlen(reason), "search/reason", &sealed, err)) !=
	    REDRESS_OK)
		goto out;
	canon_init(&c, &data);
	canon_object_begin(&c);
	canon_key(&c, "by");
	canon_string(&c, by);
	canon_key(&c, "found");
	canon_int(&c, (int64_t)found);
	canon_key(&c, "reason");
	canon_string(&c, sealed.data);
	canon_object_end(&c);
	if ((rc = canon_error(&c, err)) == REDRESS_OK)
		rc = registry_append_apply(log, REGISTRY_EV_SEARCHED, &data, err);
out:
	buf_free(&sealed);
	buf_free(&data);
	return rc;
}
