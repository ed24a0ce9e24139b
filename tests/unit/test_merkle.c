/*
 * test_merkle.c -- the RFC 9162 Merkle tree against published vectors, a
 * naive reference written from the RFC's recursive definitions, and
 * corrupted proofs that must not verify.
 *
 * The reference below hashes by concatenating bytes into a buffer and calling
 * hash_sha256 once, so it shares no code with merkle.c beyond SHA-256.
 * SHA-256 itself, on the CPU's SHA extensions where it has them, is held to
 * FIPS 180-4's examples and to libsodium's on every length up to a few
 * blocks, whole and in pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "crypto/hash.h"
#include "log/merkle.h"

#define HS MERKLE_HASH_SIZE

/* Proof buffers have room to extend a proof by a couple of hashes. */
#define PROOF_ROOM (MERKLE_MAX_PROOF + 4)

typedef uint8_t hash_t[HS];

/* The verifiers take const arrays; ISO C before C23 needs the cast. */
#define CP(p) ((const uint8_t(*)[HS])(p))

/* ---- helpers ---- */

static void
unhex(const char *s, uint8_t *out, size_t len)
{
	size_t i;
	unsigned v;

	assert_int_equal(strlen(s), 2 * len);
	for (i = 0; i < len; i++) {
		char byte[3] = {s[2 * i], s[2 * i + 1], '\0'};

		v = (unsigned)strtoul(byte, NULL, 16);
		out[i] = (uint8_t)v;
	}
}

static unsigned
bits(uint64_t x)
{
	return x == 0 ? 0 : 64 - (unsigned)__builtin_clzll(x);
}

/* splitmix64: a fixed seed gives the same "random" sizes on every run. */
static uint64_t
rnd(uint64_t *s)
{
	uint64_t z;

	*s += UINT64_C(0x9e3779b97f4a7c15);
	z = *s;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* ---- the reference, from RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 ---- */

static void
ref_leaf(const void *data, size_t len, uint8_t out[HS])
{
	uint8_t buf[1 + 64];

	assert_true(len <= 64);
	buf[0] = 0x00;
	if (len > 0)
		memcpy(buf + 1, data, len);
	hash_sha256(buf, 1 + len, out);
}

static void
ref_node(const uint8_t l[HS], const uint8_t r[HS], uint8_t out[HS])
{
	uint8_t buf[1 + 2 * HS];

	buf[0] = 0x01;
	memcpy(buf + 1, l, HS);
	memcpy(buf + 1 + HS, r, HS);
	hash_sha256(buf, sizeof(buf), out);
}

/* "the largest power of two smaller than n (i.e., k < n <= 2k)" */
static uint64_t
ref_k(uint64_t n)
{
	uint64_t k = 1;

	while (2 * k < n)
		k *= 2;
	return k;
}

/* MTH(D[n]) over leaf hashes d, so MTH({d0}) is d0 itself. */
static void
ref_mth(const hash_t *d, uint64_t n, uint8_t out[HS])
{
	uint8_t l[HS], r[HS];
	uint64_t k;

	if (n == 0) {
		hash_sha256("", 0, out);
		return;
	}
	if (n == 1) {
		memcpy(out, d[0], HS);
		return;
	}
	k = ref_k(n);
	ref_mth(d, k, l);
	ref_mth(d + k, n - k, r);
	ref_node(l, r, out);
}

static void
ref_path(uint64_t m, const hash_t *d, uint64_t n, hash_t *out, size_t *count)
{
	uint64_t k;

	if (n == 1)
		return;
	k = ref_k(n);
	if (m < k) {
		ref_path(m, d, k, out, count);
		ref_mth(d + k, n - k, out[(*count)++]);
	} else {
		ref_path(m - k, d + k, n - k, out, count);
		ref_mth(d, k, out[(*count)++]);
	}
}

static void
ref_subproof(uint64_t m, const hash_t *d, uint64_t n, int b, hash_t *out, size_t *count)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			ref_mth(d, n, out[(*count)++]);
		return;
	}
	k = ref_k(n);
	if (m <= k) {
		ref_subproof(m, d, k, b, out, count);
		ref_mth(d + k, n - k, out[(*count)++]);
	} else {
		ref_subproof(m - k, d + k, n - k, 0, out, count);
		ref_mth(d, k, out[(*count)++]);
	}
}

static void
ref_proof(uint64_t m, const hash_t *d, uint64_t n, hash_t *out, size_t *count)
{
	*count = 0;
	ref_subproof(m, d, n, 1, out, count);
}

/* ---- an in-memory node store ---- */

struct store {
	hash_t *nodes[MERKLE_MAX_LEVELS];
	uint8_t *present[MERKLE_MAX_LEVELS];
	uint64_t cap[MERKLE_MAX_LEVELS]; /* nodes that fit at each level */
	uint64_t limit;                  /* reads must lie within the first limit leaves */
	unsigned long reads, writes;
	unsigned long fail_read_at;  /* fail the Nth read from now (1-based); 0 never */
	unsigned long fail_write_at; /* likewise for writes */
	int bad;                     /* a read or write outside what the test allows */
};

static struct store *
store_new(uint64_t max_leaves)
{
	struct store *s;
	unsigned l;

	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	for (l = 0; l < MERKLE_MAX_LEVELS && (max_leaves >> l) != 0; l++) {
		s->cap[l] = max_leaves >> l;
		s->nodes[l] = calloc(s->cap[l], sizeof(hash_t));
		s->present[l] = calloc(s->cap[l], 1);
		assert_non_null(s->nodes[l]);
		assert_non_null(s->present[l]);
	}
	s->limit = max_leaves;
	return s;
}

static void
store_free(struct store *s)
{
	unsigned l;

	for (l = 0; l < MERKLE_MAX_LEVELS; l++) {
		free(s->nodes[l]);
		free(s->present[l]);
	}
	free(s);
}

static enum redress_err
store_read(void *ctx, unsigned level, uint64_t index, uint8_t out[HS], struct redress_error *err)
{
	struct store *s = ctx;

	s->reads++;
	if (s->fail_read_at != 0 && --s->fail_read_at == 0)
		return error_set(err, REDRESS_E_STORE, "injected read failure");
	/* Node (level, index) ends at leaf (index + 1) << level. */
	if (level >= MERKLE_MAX_LEVELS || index >= (s->limit >> level)) {
		s->bad = 1;
		return error_set(err, REDRESS_E_NOTFOUND, "read of node (%u, %lu) past the limit", level,
		                 (unsigned long)index);
	}
	if (index >= s->cap[level] || !s->present[level][index]) {
		s->bad = 2;
		return error_set(err, REDRESS_E_NOTFOUND, "read of node (%u, %lu) never written", level,
		                 (unsigned long)index);
	}
	memcpy(out, s->nodes[level][index], HS);
	return REDRESS_OK;
}

static enum redress_err
store_write(void *ctx, unsigned level, uint64_t index, const uint8_t hash[HS], struct redress_error *err)
{
	struct store *s = ctx;

	s->writes++;
	if (s->fail_write_at != 0 && --s->fail_write_at == 0)
		return error_set(err, REDRESS_E_STORE, "injected write failure");
	if (level >= MERKLE_MAX_LEVELS || index >= s->cap[level]) {
		s->bad = 3;
		return error_set(err, REDRESS_E_INTERNAL, "write of node (%u, %lu) out of room", level,
		                 (unsigned long)index);
	}
	memcpy(s->nodes[level][index], hash, HS);
	s->present[level][index] = 1;
	return REDRESS_OK;
}

/* A store of n leaves whose leaf i is the 8 bytes of i, little-endian. */
static struct store *
store_build(uint64_t n, hash_t **leaves_r, struct merkle_range *r_r)
{
	struct redress_error err;
	struct merkle_range r;
	struct store *s;
	hash_t *d;
	uint8_t data[8];
	uint64_t i;
	unsigned b;

	s = store_new(n);
	d = calloc(n ? n : 1, sizeof(hash_t));
	assert_non_null(d);
	merkle_range_init(&r);
	for (i = 0; i < n; i++) {
		for (b = 0; b < 8; b++)
			data[b] = (uint8_t)(i >> (8 * b));
		ref_leaf(data, sizeof(data), d[i]);
		assert_int_equal(merkle_range_append(&r, d[i], store_write, s, &err), REDRESS_OK);
	}
	assert_int_equal(s->bad, 0);
	*leaves_r = d;
	if (r_r != NULL)
		*r_r = r;
	return s;
}

/* ---- the certificate-transparency vectors ---- */

/*
 * From transparency-dev/merkle, proof/verify_test.go (the same as
 * google/certificate-transparency-go's merkle tests): eight leaves and the
 * roots of the trees of their first 1..8.
 *
 * By hand: leaf 0 is empty, so root(1) = SHA-256(00) = 6e340b9c...; leaf 1
 * is the byte 00, so its hash is SHA-256(00 00) = 96a296d2...; then
 * root(2) = SHA-256(01 || 6e340b9c... || 96a296d2...) = fac54203....
 * Leaf 2 is 10, SHA-256(00 10) = 0298d122..., and as k = 2 for n = 3,
 * root(3) = SHA-256(01 || fac54203... || 0298d122...) = aeb6bcfe....
 * (Checked with sha256sum and by test_hand_derivation below.)
 */
static const char *const ct_leaves[] = {
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
};

static const char *const ct_roots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

#define CT_N 8

/* The vectors number leaves from 1; these are 0-based. */
static const struct {
	uint64_t index, size;
	size_t count;
	const char *proof[3];
} ct_inclusion[] = {
    {0, 1, 0, {NULL}},
    {0,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     3,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, 1, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     3,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct {
	uint64_t old_size, size;
	size_t count;
	const char *proof[3];
} ct_consistency[] = {
    {1, 1, 0, {NULL}},
    {1,
     8,
     3,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     2,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     3,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

/* A store of the eight vector leaves, hashed by merkle_leaf_hash. */
static struct store *
ct_store(hash_t d[CT_N])
{
	struct redress_error err;
	struct merkle_range r;
	struct store *s;
	uint8_t data[16];
	size_t i, len;

	s = store_new(CT_N);
	merkle_range_init(&r);
	for (i = 0; i < CT_N; i++) {
		len = strlen(ct_leaves[i]) / 2;
		unhex(ct_leaves[i], data, len);
		merkle_leaf_hash(data, len, d[i]);
		assert_int_equal(merkle_range_append(&r, d[i], store_write, s, &err), REDRESS_OK);
	}
	return s;
}

/* ---- tests ---- */

static int
setup(void **state)
{
	struct redress_error err;

	(void)state;
	return crypto_setup(&err) == REDRESS_OK ? 0 : -1;
}

static void
test_empty_tree(void **state)
{
	struct redress_error err;
	struct merkle_range r;
	struct store *s;
	uint8_t want[HS], got[HS];

	(void)state;
	unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, HS);
	merkle_empty_root(got);
	assert_memory_equal(got, want, HS);

	/* Size 0 needs no reads at all. */
	s = store_new(1);
	memset(got, 0, HS);
	assert_int_equal(merkle_root(0, store_read, s, got, &err), REDRESS_OK);
	assert_memory_equal(got, want, HS);
	assert_int_equal(s->reads, 0);

	merkle_range_init(&r);
	assert_int_equal(r.size, 0);
	assert_int_equal(r.count, 0);
	merkle_range_root(&r, got);
	assert_memory_equal(got, want, HS);
	assert_int_equal(merkle_range_load(&r, 0, store_read, s, &err), REDRESS_OK);
	assert_int_equal(r.count, 0);
	assert_int_equal(s->reads, 0);
	store_free(s);
}

static void
test_hand_derivation(void **state)
{
	uint8_t buf[1 + 2 * HS], l0[HS], l1[HS], l2[HS], root2[HS], root3[HS], want[HS], got[HS];
	uint8_t byte;

	(void)state;
	/* root(1) is the leaf hash of the empty leaf: SHA-256 of one zero byte. */
	byte = 0x00;
	hash_sha256(&byte, 1, l0);
	unhex(ct_roots[0], want, HS);
	assert_memory_equal(l0, want, HS);
	merkle_leaf_hash(NULL, 0, got);
	assert_memory_equal(got, want, HS);

	/* Leaf 1 is the byte 00: SHA-256(00 00). */
	buf[0] = 0x00;
	buf[1] = 0x00;
	hash_sha256(buf, 2, l1);
	unhex("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", want, HS);
	assert_memory_equal(l1, want, HS);
	byte = 0x00;
	merkle_leaf_hash(&byte, 1, got);
	assert_memory_equal(got, want, HS);

	/* root(2) = SHA-256(01 || l0 || l1). */
	buf[0] = 0x01;
	memcpy(buf + 1, l0, HS);
	memcpy(buf + 1 + HS, l1, HS);
	hash_sha256(buf, sizeof(buf), root2);
	unhex(ct_roots[1], want, HS);
	assert_memory_equal(root2, want, HS);
	merkle_node_hash(l0, l1, got);
	assert_memory_equal(got, want, HS);

	/* Leaf 2 is the byte 10; root(3) splits at k = 2: SHA-256(01 || root(2) || l2). */
	buf[0] = 0x00;
	buf[1] = 0x10;
	hash_sha256(buf, 2, l2);
	unhex("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7", want, HS);
	assert_memory_equal(l2, want, HS);
	buf[0] = 0x01;
	memcpy(buf + 1, root2, HS);
	memcpy(buf + 1 + HS, l2, HS);
	hash_sha256(buf, sizeof(buf), root3);
	unhex(ct_roots[2], want, HS);
	assert_memory_equal(root3, want, HS);

	/* merkle_node_hash may write over either input. */
	memcpy(got, root2, HS);
	merkle_node_hash(got, l2, got);
	assert_memory_equal(got, want, HS);
	memcpy(got, l2, HS);
	merkle_node_hash(root2, got, got);
	assert_memory_equal(got, want, HS);
}

static void
test_known_roots(void **state)
{
	struct redress_error err;
	struct merkle_range r;
	struct store *s;
	hash_t d[CT_N];
	uint8_t want[HS], got[HS];
	uint64_t n;

	(void)state;
	s = ct_store(d);
	merkle_range_init(&r);
	for (n = 1; n <= CT_N; n++) {
		unhex(ct_roots[n - 1], want, HS);
		assert_int_equal(merkle_range_append(&r, d[n - 1], NULL, NULL, &err), REDRESS_OK);
		merkle_range_root(&r, got);
		assert_memory_equal(got, want, HS);
		assert_int_equal(merkle_root(n, store_read, s, got, &err), REDRESS_OK);
		assert_memory_equal(got, want, HS);
		ref_mth(CP(d), n, got);
		assert_memory_equal(got, want, HS);
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
}

static void
test_known_inclusion(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t d[CT_N], want[3], proof[PROOF_ROOM];
	uint8_t root[HS];
	size_t i, j, count;

	(void)state;
	s = ct_store(d);
	for (i = 0; i < sizeof(ct_inclusion) / sizeof(ct_inclusion[0]); i++) {
		s->limit = ct_inclusion[i].size;
		for (j = 0; j < ct_inclusion[i].count; j++)
			unhex(ct_inclusion[i].proof[j], want[j], HS);
		assert_int_equal(merkle_prove_inclusion(ct_inclusion[i].index, ct_inclusion[i].size,
		                                        store_read, s, proof, &count, &err),
		                 REDRESS_OK);
		assert_int_equal(count, ct_inclusion[i].count);
		if (count > 0)
			assert_memory_equal(proof, want, count * HS);
		unhex(ct_roots[ct_inclusion[i].size - 1], root, HS);
		assert_int_equal(merkle_verify_inclusion(ct_inclusion[i].index, ct_inclusion[i].size,
		                                         d[ct_inclusion[i].index], CP(want), count, root,
		                                         &err),
		                 REDRESS_OK);
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
}

static void
test_known_consistency(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t d[CT_N], want[3], proof[PROOF_ROOM];
	uint8_t old_root[HS], root[HS];
	size_t i, j, count;

	(void)state;
	s = ct_store(d);
	for (i = 0; i < sizeof(ct_consistency) / sizeof(ct_consistency[0]); i++) {
		s->limit = ct_consistency[i].size;
		for (j = 0; j < ct_consistency[i].count; j++)
			unhex(ct_consistency[i].proof[j], want[j], HS);
		assert_int_equal(merkle_prove_consistency(ct_consistency[i].old_size, ct_consistency[i].size,
		                                          store_read, s, proof, &count, &err),
		                 REDRESS_OK);
		assert_int_equal(count, ct_consistency[i].count);
		if (count > 0)
			assert_memory_equal(proof, want, count * HS);
		unhex(ct_roots[ct_consistency[i].old_size - 1], old_root, HS);
		unhex(ct_roots[ct_consistency[i].size - 1], root, HS);
		assert_int_equal(merkle_verify_consistency(ct_consistency[i].old_size, ct_consistency[i].size,
		                                           old_root, root, CP(want), count, &err),
		                 REDRESS_OK);
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
}

#define SMALL 70

static void
test_reference_subtrees(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t *d;
	uint8_t want[HS], got[HS];
	uint64_t n, lo, hi, top;
	enum redress_err rc;

	(void)state;
	s = store_build(SMALL, &d, NULL);
	for (n = 1; n <= SMALL; n++) {
		s->limit = n;
		s->reads = 0;
		ref_mth(CP(d), n, want);
		assert_int_equal(merkle_root(n, store_read, s, got, &err), REDRESS_OK);
		assert_memory_equal(got, want, HS);
		/* One read per perfect subtree of the right edge. */
		assert_int_equal(s->reads, (unsigned long)__builtin_popcountll(n));
	}
	/*
	 * Every range that starts at a multiple of its largest perfect piece is
	 * answered and equals MTH of its leaves; every other range is refused.
	 */
	for (hi = 1; hi <= SMALL; hi++) {
		s->limit = hi;
		for (lo = 0; lo < hi; lo++) {
			top = UINT64_C(1) << (bits(hi - lo) - 1);
			rc = merkle_subtree_hash(lo, hi, store_read, s, got, &err);
			if (lo % top != 0) {
				assert_int_equal(rc, REDRESS_E_INVALID);
				continue;
			}
			assert_int_equal(rc, REDRESS_OK);
			ref_mth(CP(d + lo), hi - lo, want);
			assert_memory_equal(got, want, HS);
		}
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

static void
test_reference_inclusion(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t *d, proof[PROOF_ROOM], want[PROOF_ROOM];
	uint8_t root[HS];
	uint64_t n, m;
	size_t count, want_count;

	(void)state;
	s = store_build(SMALL, &d, NULL);
	for (n = 1; n <= SMALL; n++) {
		s->limit = n;
		ref_mth(CP(d), n, root);
		for (m = 0; m < n; m++) {
			s->reads = 0;
			assert_int_equal(merkle_prove_inclusion(m, n, store_read, s, proof, &count, &err),
			                 REDRESS_OK);
			assert_true(s->reads <= 2 * bits(n) + 1);
			want_count = 0;
			ref_path(m, CP(d), n, want, &want_count);
			assert_int_equal(count, want_count);
			if (count > 0)
				assert_memory_equal(proof, want, count * HS);
			assert_int_equal(merkle_verify_inclusion(m, n, d[m], CP(proof), count, root, &err),
			                 REDRESS_OK);
		}
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

static void
test_reference_consistency(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t *d, roots[SMALL + 1], proof[PROOF_ROOM], want[PROOF_ROOM];
	uint64_t n, m;
	size_t count, want_count;

	(void)state;
	s = store_build(SMALL, &d, NULL);
	for (n = 1; n <= SMALL; n++)
		ref_mth(CP(d), n, roots[n]);
	for (n = 1; n <= SMALL; n++) {
		s->limit = n;
		for (m = 1; m <= n; m++) {
			s->reads = 0;
			assert_int_equal(merkle_prove_consistency(m, n, store_read, s, proof, &count, &err),
			                 REDRESS_OK);
			assert_true(s->reads <= 2 * bits(n) + 1);
			ref_proof(m, CP(d), n, want, &want_count);
			assert_int_equal(count, want_count);
			if (count > 0)
				assert_memory_equal(proof, want, count * HS);
			assert_int_equal(
			    merkle_verify_consistency(m, n, roots[m], roots[n], CP(proof), count, &err),
			    REDRESS_OK);
		}
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

#define LARGE  100000
#define NSIZES 25

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_random_large(void **state)
{
	static struct merkle_range ranges[NSIZES];
	static hash_t roots[NSIZES];
	struct redress_error err;
	struct merkle_range r, loaded;
	struct store *s;
	hash_t *d, proof[PROOF_ROOM], want[PROOF_ROOM];
	uint64_t sizes[NSIZES], seed, n, m, idx[3];
	uint8_t got[HS], data[8];
	size_t i, j, t, count, want_count;
	unsigned b;

	(void)state;
	seed = 20240611;
	/* Twenty random sizes and a few around powers of two. */
	for (i = 0; i < 20; i++)
		sizes[i] = 1 + rnd(&seed) % LARGE;
	sizes[20] = 65535;
	sizes[21] = 65536;
	sizes[22] = 65537;
	sizes[23] = LARGE - 1;
	sizes[24] = LARGE;
	qsort(sizes, NSIZES, sizeof(sizes[0]), cmp_u64);

	/* Append every leaf, keeping the range at each chosen size. */
	s = store_new(LARGE);
	d = calloc(LARGE, sizeof(hash_t));
	assert_non_null(d);
	merkle_range_init(&r);
	j = 0;
	for (n = 0; n < LARGE; n++) {
		for (b = 0; b < 8; b++)
			data[b] = (uint8_t)(n >> (8 * b));
		merkle_leaf_hash(data, sizeof(data), d[n]);
		assert_int_equal(merkle_range_append(&r, d[n], store_write, s, &err), REDRESS_OK);
		while (j < NSIZES && sizes[j] == r.size)
			ranges[j++] = r;
	}
	assert_int_equal(j, NSIZES);
	assert_int_equal(s->bad, 0);

	for (i = 0; i < NSIZES; i++) {
		n = sizes[i];
		s->limit = n;
		ref_mth(CP(d), n, roots[i]);
		merkle_range_root(&ranges[i], got);
		assert_memory_equal(got, roots[i], HS);
		assert_int_equal(merkle_root(n, store_read, s, got, &err), REDRESS_OK);
		assert_memory_equal(got, roots[i], HS);
		assert_int_equal(merkle_range_load(&loaded, n, store_read, s, &err), REDRESS_OK);
		/* Slots above count hold whatever appending left there. */
		assert_int_equal(loaded.size, ranges[i].size);
		assert_int_equal(loaded.count, ranges[i].count);
		assert_memory_equal(loaded.peaks, ranges[i].peaks, loaded.count * HS);

		for (t = 0; t < 18; t++) {
			m = t == 0 ? 0 : t == 1 ? n - 1 : rnd(&seed) % n;
			s->reads = 0;
			assert_int_equal(merkle_prove_inclusion(m, n, store_read, s, proof, &count, &err),
			                 REDRESS_OK);
			assert_true(count <= bits(n));
			assert_true(s->reads <= 2 * bits(n) + 1);
			assert_int_equal(
			    merkle_verify_inclusion(m, n, d[m], CP(proof), count, roots[i], &err),
			    REDRESS_OK);
		}
	}
	/* Every pair of chosen sizes, against roots from the reference. */
	for (i = 0; i < NSIZES; i++) {
		s->limit = sizes[i];
		for (j = 0; j <= i; j++) {
			s->reads = 0;
			assert_int_equal(
			    merkle_prove_consistency(sizes[j], sizes[i], store_read, s, proof, &count, &err),
			    REDRESS_OK);
			assert_true(count <= bits(sizes[i]) + 1);
			assert_true(s->reads <= 2 * bits(sizes[i]) + 1);
			assert_int_equal(merkle_verify_consistency(sizes[j], sizes[i], roots[j], roots[i],
			                                           CP(proof), count, &err),
			                 REDRESS_OK);
		}
	}
	/* A few large proofs compared hash for hash with the reference. */
	n = sizes[NSIZES - 2];
	s->limit = n;
	idx[0] = 0;
	idx[1] = n / 3;
	idx[2] = n - 1;
	for (t = 0; t < 3; t++) {
		assert_int_equal(merkle_prove_inclusion(idx[t], n, store_read, s, proof, &count, &err),
		                 REDRESS_OK);
		want_count = 0;
		ref_path(idx[t], CP(d), n, want, &want_count);
		assert_int_equal(count, want_count);
		assert_memory_equal(proof, want, count * HS);
		m = idx[t] + 1;
		assert_int_equal(merkle_prove_consistency(m, n, store_read, s, proof, &count, &err),
		                 REDRESS_OK);
		ref_proof(m, CP(d), n, want, &want_count);
		assert_int_equal(count, want_count);
		if (count > 0)
			assert_memory_equal(proof, want, count * HS);
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

/* Expects verification to fail with REDRESS_E_CRYPTO and a message. */
static void
inclusion_fails(uint64_t index, uint64_t size, const uint8_t leaf[HS], const hash_t *proof, size_t count,
                const uint8_t root[HS])
{
	struct redress_error err;

	err.message[0] = '\0';
	assert_int_equal(merkle_verify_inclusion(index, size, leaf, proof, count, root, &err),
	                 REDRESS_E_CRYPTO);
	assert_true(err.message[0] != '\0');
}

static void
consistency_fails(uint64_t old_size, uint64_t size, const uint8_t old_root[HS], const uint8_t root[HS],
                  const hash_t *proof, size_t count)
{
	struct redress_error err;

	err.message[0] = '\0';
	assert_int_equal(merkle_verify_consistency(old_size, size, old_root, root, proof, count, &err),
	                 REDRESS_E_CRYPTO);
	assert_true(err.message[0] != '\0');
}

#define REJECT_MAX 40

static void
test_verify_inclusion_rejects(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t *d, proof[PROOF_ROOM], bad[PROOF_ROOM], zero;
	uint8_t root[HS], wrong[HS];
	uint64_t n, m;
	size_t count, i;
	unsigned bit;

	(void)state;
	memset(zero, 0, HS);
	memset(proof, 0, sizeof(proof));
	s = store_build(REJECT_MAX, &d, NULL);
	for (n = 1; n <= REJECT_MAX; n++) {
		s->limit = n;
		ref_mth(CP(d), n, root);
		for (m = 0; m < n; m++) {
			assert_int_equal(merkle_prove_inclusion(m, n, store_read, s, proof, &count, &err),
			                 REDRESS_OK);
			assert_int_equal(merkle_verify_inclusion(m, n, d[m], CP(proof), count, root, &err),
			                 REDRESS_OK);

			/* A flipped bit in any hash of the proof: every bit for small trees. */
			for (i = 0; i < count; i++) {
				memcpy(bad, proof, count * HS);
				for (bit = 0; bit < 8 * HS; bit++) {
					if (n > 8 && bit != (unsigned)((i * 37 + m) % (8 * HS)))
						continue;
					bad[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
					inclusion_fails(m, n, d[m], CP(bad), count, root);
					bad[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
				}
			}
			/* Wrong index. */
			if (m > 0)
				inclusion_fails(m - 1, n, d[m], CP(proof), count, root);
			inclusion_fails(m + 1, n, d[m], CP(proof), count, root);
			inclusion_fails(m ^ 2, n, d[m], CP(proof), count, root);
			inclusion_fails(n, n, d[m], CP(proof), count, root);
			inclusion_fails(UINT64_MAX, n, d[m], CP(proof), count, root);
			/* Wrong size: a tree twice or half as big has another height here. */
			inclusion_fails(m, 2 * n, d[m], CP(proof), count, root);
			inclusion_fails(m, n / 2, d[m], CP(proof), count, root);
			inclusion_fails(m, 0, d[m], CP(proof), count, root);
			inclusion_fails(m, UINT64_MAX, d[m], CP(proof), count, root);
			/* Wrong leaf or root. */
			memcpy(wrong, d[m], HS);
			wrong[HS - 1] ^= 1;
			inclusion_fails(m, n, wrong, CP(proof), count, root);
			memcpy(wrong, root, HS);
			wrong[0] ^= 0x80;
			inclusion_fails(m, n, d[m], CP(proof), count, wrong);
			merkle_empty_root(wrong);
			inclusion_fails(m, n, d[m], CP(proof), count, wrong);
			/* Truncated, at either end. */
			if (count > 0) {
				inclusion_fails(m, n, d[m], CP(proof), count - 1, root);
				inclusion_fails(m, n, d[m], CP(proof + 1), count - 1, root);
			}
			/* Extended, at either end, with garbage or the root. */
			memcpy(bad, proof, count * HS);
			memcpy(bad[count], zero, HS);
			inclusion_fails(m, n, d[m], CP(bad), count + 1, root);
			memcpy(bad[count], root, HS);
			inclusion_fails(m, n, d[m], CP(bad), count + 1, root);
			memcpy(bad[count], proof[0], HS);
			memcpy(bad[count + 1], proof[0], HS);
			inclusion_fails(m, n, d[m], CP(bad), count + 2, root);
			memcpy(bad[0], root, HS);
			memcpy(bad[1], proof, count * HS);
			inclusion_fails(m, n, d[m], CP(bad), count + 1, root);
			memcpy(bad[0], zero, HS);
			inclusion_fails(m, n, d[m], CP(bad), count + 1, root);
		}
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

static void
test_verify_consistency_rejects(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t *d, roots[REJECT_MAX + 1], proof[PROOF_ROOM], bad[PROOF_ROOM], zero;
	uint8_t wrong[HS];
	uint64_t n, m;
	size_t count, i;
	unsigned bit;

	(void)state;
	memset(zero, 0, HS);
	s = store_build(REJECT_MAX, &d, NULL);
	for (n = 1; n <= REJECT_MAX; n++)
		ref_mth(CP(d), n, roots[n]);
	for (n = 2; n <= REJECT_MAX; n++) {
		s->limit = n;
		for (m = 1; m < n; m++) {
			assert_int_equal(merkle_prove_consistency(m, n, store_read, s, proof, &count, &err),
			                 REDRESS_OK);
			assert_true(count > 0);
			assert_int_equal(
			    merkle_verify_consistency(m, n, roots[m], roots[n], CP(proof), count, &err),
			    REDRESS_OK);

			for (i = 0; i < count; i++) {
				memcpy(bad, proof, count * HS);
				for (bit = 0; bit < 8 * HS; bit++) {
					if (n > 8 && bit != (unsigned)((i * 41 + m + n) % (8 * HS)))
						continue;
					bad[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
					consistency_fails(m, n, roots[m], roots[n], CP(bad), count);
					bad[i][bit / 8] ^= (uint8_t)(1u << (bit % 8));
				}
			}
			/* Wrong sizes. */
			consistency_fails(m - 1, n, roots[m], roots[n], CP(proof), count);
			consistency_fails(m + 1, n, roots[m], roots[n], CP(proof), count);
			consistency_fails(m ^ 2, n, roots[m], roots[n], CP(proof), count);
			consistency_fails(m, 2 * n, roots[m], roots[n], CP(proof), count);
			consistency_fails(m, n / 2, roots[m], roots[n], CP(proof), count);
			consistency_fails(n, m, roots[m], roots[n], CP(proof), count);
			consistency_fails(m, UINT64_MAX, roots[m], roots[n], CP(proof), count);
			/* Wrong or swapped roots. */
			memcpy(wrong, roots[m], HS);
			wrong[7] ^= 4;
			consistency_fails(m, n, wrong, roots[n], CP(proof), count);
			memcpy(wrong, roots[n], HS);
			wrong[7] ^= 4;
			consistency_fails(m, n, roots[m], wrong, CP(proof), count);
			consistency_fails(m, n, roots[n], roots[m], CP(proof), count);
			consistency_fails(m, n, roots[m], roots[m], CP(proof), count);
			/* Empty, truncated at either end. */
			consistency_fails(m, n, roots[m], roots[n], CP(proof), 0);
			consistency_fails(m, n, roots[m], roots[n], CP(proof), count - 1);
			if (count > 1)
				consistency_fails(m, n, roots[m], roots[n], CP(proof + 1), count - 1);
			/* Extended at the end. */
			memcpy(bad, proof, count * HS);
			memcpy(bad[count], zero, HS);
			consistency_fails(m, n, roots[m], roots[n], CP(bad), count + 1);
			memcpy(bad[count], roots[m], HS);
			consistency_fails(m, n, roots[m], roots[n], CP(bad), count + 1);
			memcpy(bad[count], roots[n], HS);
			consistency_fails(m, n, roots[m], roots[n], CP(bad), count + 1);
			/* Extended at the front. */
			memcpy(bad[1], proof, count * HS);
			memcpy(bad[0], zero, HS);
			consistency_fails(m, n, roots[m], roots[n], CP(bad), count + 1);
			memcpy(bad[0], roots[m], HS);
			consistency_fails(m, n, roots[m], roots[n], CP(bad), count + 1);
			memcpy(bad[0], roots[n], HS);
			consistency_fails(m, n, roots[m], roots[n], CP(bad), count + 1);
			memcpy(bad[0], proof[0], HS);
			consistency_fails(m, n, roots[m], roots[n], CP(bad), count + 1);
		}
	}

	/* Equal sizes: only the empty proof between equal roots. */
	assert_int_equal(merkle_verify_consistency(5, 5, roots[5], roots[5], NULL, 0, &err), REDRESS_OK);
	consistency_fails(5, 5, roots[5], roots[6], NULL, 0);
	memcpy(bad[0], roots[5], HS);
	consistency_fails(5, 5, roots[5], roots[5], CP(bad), 1);
	/* The RFC has no proof from the empty tree. */
	merkle_empty_root(wrong);
	consistency_fails(0, 5, wrong, roots[5], NULL, 0);
	consistency_fails(0, 0, wrong, wrong, NULL, 0);
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

/*
 * Each way a proof can fail is named in the message, and an empty proof is
 * never read, so NULL will do for it.
 */
static void
expect_message(enum redress_err rc, const struct redress_error *err, const char *part)
{
	assert_int_equal(rc, REDRESS_E_CRYPTO);
	assert_int_equal(err->code, REDRESS_E_CRYPTO);
	if (strstr(err->message, part) == NULL)
		fail_msg("message \"%s\" does not say \"%s\"", err->message, part);
}

static void
test_verify_messages(void **state)
{
	struct redress_error err;
	struct store *s;
	hash_t d[CT_N], proof[PROOF_ROOM], roots[CT_N + 1];
	uint8_t wrong[HS];
	size_t count;
	uint64_t n;

	(void)state;
	s = ct_store(d);
	for (n = 1; n <= CT_N; n++)
		unhex(ct_roots[n - 1], roots[n], HS);

	/* Inclusion of leaf 5 of 8: three hashes. */
	assert_int_equal(merkle_prove_inclusion(5, 8, store_read, s, proof, &count, &err), REDRESS_OK);
	assert_int_equal(count, 3);
	expect_message(merkle_verify_inclusion(8, 8, d[5], CP(proof), count, roots[8], &err), &err,
	               "leaf index 8 is not in a tree of 8 leaves");
	memcpy(proof[3], roots[8], HS);
	expect_message(merkle_verify_inclusion(5, 8, d[5], CP(proof), 4, roots[8], &err), &err,
	               "more than its path");
	expect_message(merkle_verify_inclusion(5, 8, d[5], CP(proof), 2, roots[8], &err), &err,
	               "fewer than its path");
	expect_message(merkle_verify_inclusion(5, 8, d[5], NULL, 0, roots[8], &err), &err,
	               "fewer than its path");
	expect_message(merkle_verify_inclusion(5, 8, d[4], CP(proof), 3, roots[8], &err), &err,
	               "does not lead to the root");
	/* A one-leaf tree: the empty proof, and the leaf is the root. */
	assert_int_equal(merkle_verify_inclusion(0, 1, d[0], NULL, 0, roots[1], &err), REDRESS_OK);
	expect_message(merkle_verify_inclusion(0, 1, d[1], NULL, 0, roots[1], &err), &err,
	               "does not lead to the root");

	/* Consistency from 6 to 8: three hashes. */
	assert_int_equal(merkle_prove_consistency(6, 8, store_read, s, proof, &count, &err), REDRESS_OK);
	assert_int_equal(count, 3);
	expect_message(merkle_verify_consistency(9, 8, roots[6], roots[8], CP(proof), count, &err), &err,
	               "old size 9 is not between 1 and the new size 8");
	expect_message(merkle_verify_consistency(0, 8, roots[6], roots[8], CP(proof), count, &err), &err,
	               "old size 0");
	expect_message(merkle_verify_consistency(6, 8, roots[6], roots[8], NULL, 0, &err), &err, "is empty");
	/* Power-of-two old sizes take the old root as their first hash, so they too. */
	expect_message(merkle_verify_consistency(4, 8, roots[4], roots[8], NULL, 0, &err), &err, "is empty");
	memcpy(proof[3], roots[8], HS);
	expect_message(merkle_verify_consistency(6, 8, roots[6], roots[8], CP(proof), 4, &err), &err,
	               "too many");
	expect_message(merkle_verify_consistency(6, 8, roots[6], roots[8], CP(proof), 2, &err), &err,
	               "too few");
	expect_message(merkle_verify_consistency(6, 8, roots[5], roots[8], CP(proof), 3, &err), &err,
	               "does not lead to the old root");
	expect_message(merkle_verify_consistency(6, 8, roots[6], roots[7], CP(proof), 3, &err), &err,
	               "does not lead to the new root");
	expect_message(merkle_verify_consistency(8, 8, roots[8], roots[8], CP(proof), 1, &err), &err,
	               "must be empty");
	memcpy(wrong, roots[8], HS);
	wrong[0] ^= 1;
	expect_message(merkle_verify_consistency(8, 8, roots[8], wrong, NULL, 0, &err), &err,
	               "different roots");
	store_free(s);
}

static void
test_bad_arguments(void **state)
{
	const uint64_t big = (UINT64_C(1) << 63) + 1;
	struct redress_error err;
	struct merkle_range r;
	struct store *s;
	hash_t *d, proof[PROOF_ROOM];
	uint8_t got[HS];
	size_t count;

	(void)state;
	s = store_build(8, &d, NULL);
	s->reads = 0;

	count = 99;
	err.message[0] = '\0';
	assert_int_equal(merkle_prove_inclusion(5, 5, store_read, s, proof, &count, &err), REDRESS_E_INVALID);
	assert_int_equal(err.code, REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "leaf index 5"));
	assert_int_equal(count, 0);
	assert_int_equal(merkle_prove_inclusion(0, 0, store_read, s, proof, &count, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_prove_inclusion(0, big, store_read, s, proof, &count, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "2^63"));
	assert_int_equal(merkle_prove_inclusion(0, UINT64_MAX, store_read, s, proof, &count, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(merkle_prove_inclusion(0, 4, NULL, s, proof, &count, &err), REDRESS_E_INVALID);

	count = 99;
	assert_int_equal(merkle_prove_consistency(0, 5, store_read, s, proof, &count, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "old size 0"));
	assert_int_equal(count, 0);
	assert_int_equal(merkle_prove_consistency(6, 5, store_read, s, proof, &count, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(merkle_prove_consistency(0, 0, store_read, s, proof, &count, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(merkle_prove_consistency(1, big, store_read, s, proof, &count, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(merkle_prove_consistency(1, 4, NULL, s, proof, &count, &err), REDRESS_E_INVALID);
	/* Equal sizes are valid and give the empty proof, without a read. */
	count = 99;
	assert_int_equal(merkle_prove_consistency(5, 5, store_read, s, proof, &count, &err), REDRESS_OK);
	assert_int_equal(count, 0);

	assert_int_equal(merkle_subtree_hash(3, 3, store_read, s, got, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_subtree_hash(4, 3, store_read, s, got, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_subtree_hash(1, 3, store_read, s, got, &err), REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "[1, 3)"));
	assert_int_equal(merkle_subtree_hash(2, 6, store_read, s, got, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_subtree_hash(0, big, store_read, s, got, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_subtree_hash(0, 1, NULL, s, got, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_root(big, store_read, s, got, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_root(UINT64_MAX, store_read, s, got, &err), REDRESS_E_INVALID);

	merkle_range_init(&r);
	assert_int_equal(merkle_range_load(&r, big, store_read, s, &err), REDRESS_E_INVALID);
	assert_int_equal(merkle_range_load(&r, 3, NULL, s, &err), REDRESS_E_INVALID);
	assert_int_equal(r.size, 0);

	/* A range whose peaks do not match its size is a bug, and is refused. */
	merkle_range_init(&r);
	r.size = 3;
	r.count = 1;
	assert_int_equal(merkle_range_append(&r, d[0], NULL, NULL, &err), REDRESS_E_INTERNAL);
	assert_int_equal(r.size, 3);

	assert_int_equal(s->reads, 0);
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

/* Records every write an append makes. */
struct write_log {
	unsigned n;
	unsigned level[MERKLE_MAX_LEVELS + 1];
	uint64_t index[MERKLE_MAX_LEVELS + 1];
	hash_t hash[MERKLE_MAX_LEVELS + 1];
};

static enum redress_err
log_write(void *ctx, unsigned level, uint64_t index, const uint8_t hash[HS], struct redress_error *err)
{
	struct write_log *w = ctx;

	if (w->n > MERKLE_MAX_LEVELS)
		return error_set(err, REDRESS_E_INTERNAL, "too many writes");
	w->level[w->n] = level;
	w->index[w->n] = index;
	memcpy(w->hash[w->n], hash, HS);
	w->n++;
	return REDRESS_OK;
}

static void
test_range_append_writes(void **state)
{
	struct redress_error err;
	struct write_log w;
	struct merkle_range r;
	struct store *s;
	hash_t *d;
	uint8_t want[HS];
	uint64_t n;
	unsigned i, ones;

	(void)state;
	s = store_build(SMALL, &d, NULL);
	store_free(s);
	merkle_range_init(&r);
	for (n = 0; n < SMALL; n++) {
		/* Appending leaf n completes one subtree per trailing one bit of n, and the leaf. */
		ones = (unsigned)__builtin_ctzll(~n);
		w.n = 0;
		assert_int_equal(merkle_range_append(&r, d[n], log_write, &w, &err), REDRESS_OK);
		assert_int_equal(w.n, ones + 1);
		for (i = 0; i < w.n; i++) {
			assert_int_equal(w.level[i], i);
			assert_int_equal(w.index[i], n >> i);
			ref_mth(CP(d + ((n >> i) << i)), UINT64_C(1) << i, want);
			assert_memory_equal(w.hash[i], want, HS);
		}
		assert_int_equal(r.size, n + 1);
		assert_int_equal(r.count, (unsigned)__builtin_popcountll(n + 1));
	}
	free(d);
}

static void
test_range_load(void **state)
{
	struct redress_error err;
	struct merkle_range r, loaded;
	struct store *s;
	hash_t *d;
	uint8_t a[HS], b[HS], want[HS];
	uint64_t n;

	(void)state;
	s = store_build(SMALL, &d, NULL);
	merkle_range_init(&r);
	for (n = 0; n <= SMALL; n++) {
		if (n > 0)
			assert_int_equal(merkle_range_append(&r, d[n - 1], NULL, NULL, &err), REDRESS_OK);
		s->limit = n;
		s->reads = 0;
		memset(&loaded, 0xa5, sizeof(loaded));
		assert_int_equal(merkle_range_load(&loaded, n, store_read, s, &err), REDRESS_OK);
		assert_int_equal(s->reads, (unsigned long)__builtin_popcountll(n));
		assert_int_equal(loaded.size, r.size);
		assert_int_equal(loaded.count, r.count);
		assert_memory_equal(loaded.peaks, r.peaks, r.count * HS);
		merkle_range_root(&loaded, a);
		assert_int_equal(merkle_root(n, store_read, s, b, &err), REDRESS_OK);
		ref_mth(CP(d), n, want);
		assert_memory_equal(a, want, HS);
		assert_memory_equal(b, want, HS);

		/* A loaded range carries on appending exactly as the built one. */
		if (n < SMALL) {
			struct merkle_range r2 = r;

			assert_int_equal(merkle_range_append(&loaded, d[n], NULL, NULL, &err), REDRESS_OK);
			assert_int_equal(merkle_range_append(&r2, d[n], NULL, NULL, &err), REDRESS_OK);
			assert_int_equal(loaded.count, r2.count);
			assert_memory_equal(loaded.peaks, r2.peaks, r2.count * HS);
		}
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

/*
 * A tree of 2^63 equal leaves: every node of level L has the same hash, so
 * 64 hashes are a consistent store of the largest tree allowed.
 */
struct uniform {
	hash_t h[MERKLE_MAX_LEVELS];
	uint64_t limit;
	unsigned long reads, writes;
	int bad;
};

static enum redress_err
uniform_read(void *ctx, unsigned level, uint64_t index, uint8_t out[HS], struct redress_error *err)
{
	struct uniform *u = ctx;

	u->reads++;
	if (level >= MERKLE_MAX_LEVELS || index >= (u->limit >> level)) {
		u->bad = 1;
		return error_set(err, REDRESS_E_NOTFOUND, "read past the limit");
	}
	memcpy(out, u->h[level], HS);
	return REDRESS_OK;
}

static enum redress_err
uniform_write(void *ctx, unsigned level, uint64_t index, const uint8_t hash[HS], struct redress_error *err)
{
	struct uniform *u = ctx;

	/* Appending leaf 2^63 - 1 completes the node of level L at index (2^63 - 1) >> L. */
	if (level != u->writes || index != ((UINT64_C(1) << 63) - 1) >> level ||
	    memcmp(hash, u->h[level], HS))
		u->bad = 2;
	u->writes++;
	(void)err;
	return REDRESS_OK;
}

static void
test_huge_tree(void **state)
{
	const uint64_t top = UINT64_C(1) << 63;
	static const uint64_t olds[] = {1, 2, 3, 5, (UINT64_C(1) << 62) + 1, (UINT64_C(1) << 63) - 1};
	struct redress_error err;
	struct merkle_range r, saved;
	struct uniform u;
	hash_t proof[PROOF_ROOM];
	uint8_t root[HS], root_less[HS], old_root[HS], want[HS];
	size_t count, i, longest;
	unsigned l;

	(void)state;
	memset(&u, 0, sizeof(u));
	ref_leaf("x", 1, u.h[0]);
	for (l = 1; l < MERKLE_MAX_LEVELS; l++)
		ref_node(u.h[l - 1], u.h[l - 1], u.h[l]);
	u.limit = top;

	assert_int_equal(merkle_root(top, uniform_read, &u, root, &err), REDRESS_OK);
	assert_memory_equal(root, u.h[63], HS);
	/* The tree one short is the fold of all 63 lower levels. */
	memcpy(want, u.h[0], HS);
	for (l = 1; l < 63; l++)
		ref_node(u.h[l], want, want);
	assert_int_equal(merkle_root(top - 1, uniform_read, &u, root_less, &err), REDRESS_OK);
	assert_memory_equal(root_less, want, HS);
	assert_int_equal(merkle_subtree_hash(top / 2, top, uniform_read, &u, want, &err), REDRESS_OK);
	assert_memory_equal(want, u.h[62], HS);

	/* The last leaf of the full tree: one sibling per level. */
	assert_int_equal(merkle_prove_inclusion(top - 1, top, uniform_read, &u, proof, &count, &err),
	                 REDRESS_OK);
	assert_int_equal(count, 63);
	for (i = 0; i < count; i++)
		assert_memory_equal(proof[i], u.h[i], HS);
	assert_int_equal(merkle_verify_inclusion(top - 1, top, u.h[0], CP(proof), count, root, &err),
	                 REDRESS_OK);
	assert_int_equal(merkle_prove_inclusion(0, top, uniform_read, &u, proof, &count, &err), REDRESS_OK);
	assert_int_equal(merkle_verify_inclusion(0, top, u.h[0], CP(proof), count, root, &err), REDRESS_OK);

	u.limit = top - 1;
	assert_int_equal(merkle_prove_inclusion(top - 2, top - 1, uniform_read, &u, proof, &count, &err),
	                 REDRESS_OK);
	assert_int_equal(merkle_verify_inclusion(top - 2, top - 1, u.h[0], CP(proof), count, root_less, &err),
	                 REDRESS_OK);
	u.limit = top;

	/*
	 * Consistency from 3 to 2^63 is the longest a proof gets: 61 siblings
	 * down to [0, 4), then [3, 4), [0, 2) and [2, 3).
	 */
	longest = 0;
	for (i = 0; i < sizeof(olds) / sizeof(olds[0]); i++) {
		assert_int_equal(merkle_root(olds[i], uniform_read, &u, old_root, &err), REDRESS_OK);
		assert_int_equal(
		    merkle_prove_consistency(olds[i], top, uniform_read, &u, proof, &count, &err),
		    REDRESS_OK);
		assert_true(count <= MERKLE_MAX_PROOF);
		if (count > longest)
			longest = count;
		assert_int_equal(
		    merkle_verify_consistency(olds[i], top, old_root, root, CP(proof), count, &err),
		    REDRESS_OK);
		if (olds[i] == 3)
			assert_int_equal(count, MERKLE_MAX_PROOF);
	}
	assert_int_equal(longest, MERKLE_MAX_PROOF);

	/* Loading 2^63 - 1 gives 63 peaks; one append completes every level. */
	assert_int_equal(merkle_range_load(&r, top - 1, uniform_read, &u, &err), REDRESS_OK);
	assert_int_equal(r.count, 63);
	merkle_range_root(&r, want);
	assert_memory_equal(want, root_less, HS);
	assert_int_equal(merkle_range_append(&r, u.h[0], uniform_write, &u, &err), REDRESS_OK);
	assert_int_equal(u.writes, 64);
	assert_int_equal(r.size, top);
	assert_int_equal(r.count, 1);
	merkle_range_root(&r, want);
	assert_memory_equal(want, root, HS);

	/* And the tree is then full. */
	saved = r;
	err.message[0] = '\0';
	assert_int_equal(merkle_range_append(&r, u.h[0], uniform_write, &u, &err), REDRESS_E_OVERFLOW);
	assert_true(err.message[0] != '\0');
	assert_memory_equal(&r, &saved, sizeof(r));
	assert_int_equal(u.writes, 64);
	assert_int_equal(u.bad, 0);
}

/* A failed read is passed up as it is, and yields no proof. */
static void
test_read_failures(void **state)
{
	static const uint64_t pairs[][2] = {{0, 1},   {0, 7},  {6, 7},   {3, 13},
	                                    {12, 13}, {1, 64}, {37, 70}, {69, 70}};
	struct redress_error err;
	struct merkle_range r, saved;
	struct store *s;
	hash_t *d, proof[PROOF_ROOM];
	uint8_t got[HS];
	unsigned long need, k;
	size_t i, count;
	int kind;

	(void)state;
	s = store_build(SMALL, &d, NULL);
	for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		s->limit = pairs[i][1];
		for (kind = 0; kind < 4; kind++) {
			/* Count the reads a clean run makes, then fail each in turn. */
			for (k = 0;; k++) {
				enum redress_err rc;

				s->reads = 0;
				s->fail_read_at = k;
				count = 99;
				err.message[0] = '\0';
				switch (kind) {
				case 0:
					rc = merkle_prove_inclusion(pairs[i][0], pairs[i][1], store_read, s,
					                            proof, &count, &err);
					break;
				case 1:
					rc = merkle_prove_consistency(pairs[i][0] + 1, pairs[i][1],
					                              store_read, s, proof, &count, &err);
					break;
				case 2:
					rc = merkle_root(pairs[i][1], store_read, s, got, &err);
					count = 0;
					break;
				default:
					merkle_range_init(&r);
					saved = r;
					rc = merkle_range_load(&r, pairs[i][1], store_read, s, &err);
					count = 0;
					if (rc != REDRESS_OK)
						assert_memory_equal(&r, &saved, sizeof(r));
					break;
				}
				if (k == 0) {
					assert_int_equal(rc, REDRESS_OK);
					need = s->reads;
					continue;
				}
				if (k > need) {
					assert_int_equal(rc, REDRESS_OK);
					break;
				}
				assert_int_equal(rc, REDRESS_E_STORE);
				assert_string_equal(err.message, "injected read failure");
				assert_int_equal(count, 0);
				assert_int_equal(s->reads, k);
			}
		}
	}
	s->fail_read_at = 0;
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

/* A failed write is passed up and leaves the range as it was. */
static void
test_write_failures(void **state)
{
	struct redress_error err;
	struct merkle_range r, saved;
	struct store *s;
	hash_t *d;
	uint64_t n;
	unsigned long k, need;

	(void)state;
	s = store_build(SMALL, &d, NULL);
	merkle_range_init(&r);
	for (n = 0; n < SMALL; n++) {
		need = (unsigned long)__builtin_ctzll(~n) + 1;
		saved = r;
		for (k = 1; k <= need; k++) {
			s->fail_write_at = k;
			err.message[0] = '\0';
			assert_int_equal(merkle_range_append(&r, d[n], store_write, s, &err),
			                 REDRESS_E_STORE);
			assert_string_equal(err.message, "injected write failure");
			assert_memory_equal(&r, &saved, sizeof(r));
		}
		s->fail_write_at = 0;
		s->writes = 0;
		assert_int_equal(merkle_range_append(&r, d[n], store_write, s, &err), REDRESS_OK);
		assert_int_equal(s->writes, need);
	}
	assert_int_equal(s->bad, 0);
	store_free(s);
	free(d);
}

static void
digest_is(const char *hex, const uint8_t d[HS])
{
	char got[2 * HS + 1];
	size_t i;

	for (i = 0; i < HS; i++)
		snprintf(got + 2 * i, 3, "%02x", d[i]);
	assert_string_equal(got, hex);
}

/* SHA-256 of data as hash_sha256 gives it, and as three updates split at a and b give it. */
static void
sha256_both_ways(const uint8_t *data, size_t len, size_t a, size_t b, uint8_t whole[HS], uint8_t parts[HS])
{
	struct hash_sha256 st;

	hash_sha256(data, len, whole);
	hash_sha256_init(&st);
	hash_sha256_update(&st, data, a);
	hash_sha256_update(&st, data + a, b - a);
	hash_sha256_update(&st, data + b, len - b);
	hash_sha256_final(&st, parts);
}

static void
test_sha256_extensions(void **state)
{
	static uint8_t data[1000000];
	uint8_t d[HS], fast[HS], fast_parts[HS], slow[HS], slow_parts[HS];
	uint32_t x = 12345;
	size_t len, a, b, i;
	int accelerated;

	(void)state;
	for (i = 0; i < sizeof(data); i++) {
		x = x * 1103515245u + 12345u;
		data[i] = (uint8_t)(x >> 16);
	}
	accelerated = hash_sha256_accelerate(1);
	print_message("SHA-256 on the CPU's SHA extensions: %s\n",
	              accelerated ? "yes" : "no (libsodium's alone)");
	/* FIPS 180-4's examples. */
	hash_sha256("", 0, d);
	digest_is("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", d);
	hash_sha256("abc", 3, d);
	digest_is("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", d);
	hash_sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, d);
	digest_is("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1", d);
	{
		static uint8_t as[1000000];

		memset(as, 'a', sizeof(as));
		hash_sha256(as, sizeof(as), d);
		digest_is("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", d);
	}
	/* Every length up to five blocks, and some long ones, in pieces across block edges; as libsodium. */
	for (len = 0; len <= 330 || len < sizeof(data); len = len <= 330 ? len + 1 : len * 3 + 7) {
		if (len > sizeof(data))
			len = sizeof(data);
		a = len / 3;
		b = len - len / 5;
		hash_sha256_accelerate(1);
		sha256_both_ways(data, len, a, b, fast, fast_parts);
		hash_sha256_accelerate(0);
		sha256_both_ways(data, len, a, b, slow, slow_parts);
		assert_memory_equal(fast, slow, HS);
		assert_memory_equal(fast_parts, slow, HS);
		assert_memory_equal(slow_parts, slow, HS);
		if (len == sizeof(data))
			break;
	}
	assert_int_equal(hash_sha256_accelerate(1), accelerated);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sha256_extensions),
	    cmocka_unit_test(test_empty_tree),
	    cmocka_unit_test(test_hand_derivation),
	    cmocka_unit_test(test_known_roots),
	    cmocka_unit_test(test_known_inclusion),
	    cmocka_unit_test(test_known_consistency),
	    cmocka_unit_test(test_reference_subtrees),
	    cmocka_unit_test(test_reference_inclusion),
	    cmocka_unit_test(test_reference_consistency),
	    cmocka_unit_test(test_random_large),
	    cmocka_unit_test(test_verify_inclusion_rejects),
	    cmocka_unit_test(test_verify_consistency_rejects),
	    cmocka_unit_test(test_verify_messages),
	    cmocka_unit_test(test_bad_arguments),
	    cmocka_unit_test(test_range_append_writes),
	    cmocka_unit_test(test_range_load),
	    cmocka_unit_test(test_huge_tree),
	    cmocka_unit_test(test_read_failures),
	    cmocka_unit_test(test_write_failures),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
