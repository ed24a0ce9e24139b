/*
 * merkle.c -- the Merkle tree of RFC 9162, section 2.1, over the caller's
 * store of perfect aligned subtrees.
 *
 * Every subtree that MTH, PATH or SUBPROOF forms is either perfect and
 * aligned (one stored node) or lies on a right edge, where it is the right
 * fold of the perfect subtrees its width decomposes into.  So the proofs are
 * built top-down by the RFC's recursion, unrolled into loops, and each hash
 * they name is fetched with at most popcount(width) reads.  Because the
 * recursion walks from the root, siblings come out outermost first; the RFC
 * lists them innermost first, so the finished list is reversed.
 *
 * Trees are limited to MERKLE_SIZE_MAX leaves.  That keeps every level below
 * 64 (so 1 << level is defined), every right edge within MERKLE_MAX_LEVELS
 * peaks, and every proof within MERKLE_MAX_PROOF hashes: a tree of at most
 * 2^63 leaves is at most 63 levels deep, an inclusion proof has one hash per
 * level and a consistency proof at most one more.
 */
#include "log/merkle.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

#include "crypto/hash.h"

_Static_assert(MERKLE_HASH_SIZE == HASH_SHA256_SIZE, "RFC 9162 hashes with SHA-256");
_Static_assert(MERKLE_MAX_PROOF >= 64 && MERKLE_MAX_LEVELS >= 64, "limits below what 2^63 leaves need");

#define MERKLE_SIZE_MAX (UINT64_C(1) << 63)

static const uint8_t merkle_leaf_prefix = 0x00;
static const uint8_t merkle_node_prefix = 0x01;

/* The number of bits needed to write x: 0 for 0, 64 for 2^63 and above. */
static unsigned
bit_len(uint64_t x)
{
	return x == 0 ? 0 : 64 - (unsigned)__builtin_clzll(x);
}

/* The RFC's k: the largest power of two strictly below n, for n >= 2. */
static uint64_t
split_point(uint64_t n)
{
	return UINT64_C(1) << (bit_len(n - 1) - 1);
}

void
merkle_empty_root(uint8_t out[MERKLE_HASH_SIZE])
{
	hash_sha256("", 0, out);
}

void
merkle_leaf_hash(const void *leaf, size_t len, uint8_t out[MERKLE_HASH_SIZE])
{
	struct hash_sha256 st;

	hash_sha256_init(&st);
	hash_sha256_update(&st, &merkle_leaf_prefix, 1);
	if (len > 0)
		hash_sha256_update(&st, leaf, len);
	hash_sha256_final(&st, out);
}

/*
 * out may be left or right: nothing is written to it until both have been
 * consumed, which lets the folds below hash in place.
 */
void
merkle_node_hash(const uint8_t left[MERKLE_HASH_SIZE], const uint8_t right[MERKLE_HASH_SIZE],
                 uint8_t out[MERKLE_HASH_SIZE])
{
	struct hash_sha256 st;

	hash_sha256_init(&st);
	hash_sha256_update(&st, &merkle_node_prefix, 1);
	hash_sha256_update(&st, left, MERKLE_HASH_SIZE);
	hash_sha256_update(&st, right, MERKLE_HASH_SIZE);
	hash_sha256_final(&st, out);
}

/*
 * MTH(D[lo:hi]), lo < hi, for lo aligned to the largest power of two not
 * above hi - lo.  The width then splits into perfect subtrees, largest
 * first, each aligned at its own size; MTH splits off exactly these from the
 * left, so it is their fold from the right.  Reads only within [lo, hi).
 */
static enum redress_err
subtree_hash(uint64_t lo, uint64_t hi, merkle_read_fn read, void *ctx, uint8_t out[MERKLE_HASH_SIZE],
             struct redress_error *err)
{
	uint8_t node[MERKLE_HASH_SIZE];
	enum redress_err rc;
	uint64_t width, end, start;
	unsigned level;
	int first;

	width = hi - lo;
	end = hi;
	first = 1;
	while (width != 0) {
		/* The smallest piece left is the rightmost one. */
		level = (unsigned)__builtin_ctzll(width);
		start = end - (UINT64_C(1) << level);
		if (first) {
			rc = read(ctx, level, start >> level, out, err);
			if (rc != REDRESS_OK)
				return rc;
			first = 0;
		} else {
			rc = read(ctx, level, start >> level, node, err);
			if (rc != REDRESS_OK)
				return rc;
			merkle_node_hash(node, out, out);
		}
		end = start;
		width &= width - 1;
	}
	return REDRESS_OK;
}

enum redress_err
merkle_subtree_hash(uint64_t lo, uint64_t hi, merkle_read_fn read, void *ctx, uint8_t out[MERKLE_HASH_SIZE],
                    struct redress_error *err)
{
	uint64_t top;

	if (read == NULL)
		return error_set(err, REDRESS_E_INVALID, "merkle subtree hash: no read callback");
	if (lo >= hi || hi > MERKLE_SIZE_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "merkle subtree [%" PRIu64 ", %" PRIu64 ") is empty or beyond 2^63 leaves",
		                 lo, hi);
	/*
	 * Every subtree RFC 9162 forms starts at a multiple of a power of two
	 * at least its width.  The weaker alignment asked here is what the
	 * stored nodes can answer; anything else would need a read per leaf.
	 */
	top = UINT64_C(1) << (bit_len(hi - lo) - 1);
	if ((lo & (top - 1)) != 0)
		return error_set(err, REDRESS_E_INVALID,
		                 "merkle subtree [%" PRIu64 ", %" PRIu64
		                 ") does not start at a multiple of %" PRIu64
		                 ", so it is not a subtree of the tree",
		                 lo, hi, top);
	return subtree_hash(lo, hi, read, ctx, out, err);
}

enum redress_err
merkle_root(uint64_t size, merkle_read_fn read, void *ctx, uint8_t out[MERKLE_HASH_SIZE],
            struct redress_error *err)
{
	if (size == 0) {
		merkle_empty_root(out);
		return REDRESS_OK;
	}
	return merkle_subtree_hash(0, size, read, ctx, out, err);
}

/* Reverses the first n hashes of p, turning root-first into leaf-first. */
static void
reverse_hashes(uint8_t p[][MERKLE_HASH_SIZE], size_t n)
{
	uint8_t t[MERKLE_HASH_SIZE];
	size_t i;

	for (i = 0; i < n / 2; i++) {
		memcpy(t, p[i], MERKLE_HASH_SIZE);
		memcpy(p[i], p[n - 1 - i], MERKLE_HASH_SIZE);
		memcpy(p[n - 1 - i], t, MERKLE_HASH_SIZE);
	}
}

/*
 * PATH(m, D[n]) unrolled: [lo, hi) is the subtree holding leaf index, and
 * each step keeps the half that holds it and records the other.  Since
 * lo < lo + k < hi <= size throughout, no sum below can overflow, and no
 * sibling reaches past size.
 */
enum redress_err
merkle_prove_inclusion(uint64_t index, uint64_t size, merkle_read_fn read, void *ctx,
                       uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r, struct redress_error *err)
{
	enum redress_err rc;
	uint64_t lo, hi, k;
	size_t n;

	*count_r = 0;
	if (read == NULL)
		return error_set(err, REDRESS_E_INVALID, "merkle inclusion proof: no read callback");
	if (size > MERKLE_SIZE_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "merkle inclusion proof: tree size %" PRIu64 " is above the limit of 2^63",
		                 size);
	if (index >= size)
		return error_set(err, REDRESS_E_INVALID,
		                 "merkle inclusion proof: leaf index %" PRIu64 " is not in a tree of %" PRIu64
		                 " leaves",
		                 index, size);

	lo = 0;
	hi = size;
	n = 0;
	while (hi - lo > 1) {
		if (n >= MERKLE_MAX_PROOF)
			return error_set(err, REDRESS_E_INTERNAL,
			                 "merkle inclusion proof longer than %d hashes", MERKLE_MAX_PROOF);
		k = split_point(hi - lo);
		if (index - lo < k) {
			rc = subtree_hash(lo + k, hi, read, ctx, proof_r[n], err);
			hi = lo + k;
		} else {
			rc = subtree_hash(lo, lo + k, read, ctx, proof_r[n], err);
			lo += k;
		}
		if (rc != REDRESS_OK)
			return rc;
		n++;
	}
	reverse_hashes(proof_r, n);
	*count_r = n;
	return REDRESS_OK;
}

/*
 * PROOF(m, D[n]) = SUBPROOF(m, D[n], true) unrolled: [lo, hi) is the current
 * subtree, m the part of it that the old tree covers, and complete says
 * whether [lo, hi) has only ever been entered from the left (the RFC's b),
 * in which case the verifier already knows its hash as the old root.
 */
enum redress_err
merkle_prove_consistency(uint64_t old_size, uint64_t size, merkle_read_fn read, void *ctx,
                         uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r, struct redress_error *err)
{
	enum redress_err rc;
	uint64_t lo, hi, m, k;
	size_t n;
	int complete;

	*count_r = 0;
	if (read == NULL)
		return error_set(err, REDRESS_E_INVALID, "merkle consistency proof: no read callback");
	if (size > MERKLE_SIZE_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "merkle consistency proof: tree size %" PRIu64 " is above the limit of 2^63",
		                 size);
	if (old_size == 0 || old_size > size)
		return error_set(err, REDRESS_E_INVALID,
		                 "merkle consistency proof: old size %" PRIu64
		                 " is not between 1 and the new size %" PRIu64,
		                 old_size, size);

	lo = 0;
	hi = size;
	m = old_size;
	complete = 1;
	n = 0;
	/* While m < hi - lo, hi - lo >= 2 as m >= 1, so k is defined. */
	while (m != hi - lo) {
		if (n >= MERKLE_MAX_PROOF)
			return error_set(err, REDRESS_E_INTERNAL,
			                 "merkle consistency proof longer than %d hashes", MERKLE_MAX_PROOF);
		k = split_point(hi - lo);
		if (m <= k) {
			rc = subtree_hash(lo + k, hi, read, ctx, proof_r[n], err);
			hi = lo + k;
		} else {
			rc = subtree_hash(lo, lo + k, read, ctx, proof_r[n], err);
			lo += k;
			m -= k;
			complete = 0;
		}
		if (rc != REDRESS_OK)
			return rc;
		n++;
	}
	if (!complete) {
		if (n >= MERKLE_MAX_PROOF)
			return error_set(err, REDRESS_E_INTERNAL,
			                 "merkle consistency proof longer than %d hashes", MERKLE_MAX_PROOF);
		rc = subtree_hash(lo, hi, read, ctx, proof_r[n], err);
		if (rc != REDRESS_OK)
			return rc;
		n++;
	}
	reverse_hashes(proof_r, n);
	*count_r = n;
	return REDRESS_OK;
}

/*
 * RFC 9162 2.1.3.2, step by step.  fn and sn are the positions of the node
 * being built and of the last node at the same level; the path is valid only
 * if it climbs exactly to the root (sn reaches 0 with the last hash).
 */
enum redress_err
merkle_verify_inclusion(uint64_t index, uint64_t size, const uint8_t leaf_hash[MERKLE_HASH_SIZE],
                        const uint8_t proof[][MERKLE_HASH_SIZE], size_t count,
                        const uint8_t root[MERKLE_HASH_SIZE], struct redress_error *err)
{
	uint8_t r[MERKLE_HASH_SIZE];
	uint64_t fn, sn;
	size_t i;

	if (index >= size)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "inclusion proof: leaf index %" PRIu64 " is not in a tree of %" PRIu64
		                 " leaves",
		                 index, size);
	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, MERKLE_HASH_SIZE);
	for (i = 0; i < count; i++) {
		if (sn == 0)
			return error_set(err, REDRESS_E_CRYPTO,
			                 "inclusion proof of leaf %" PRIu64 " in a tree of %" PRIu64
			                 " leaves has %zu hashes, more than its path",
			                 index, size, count);
		if ((fn & 1) != 0 || fn == sn) {
			merkle_node_hash(proof[i], r, r);
			/* Skip the levels where this node has no right sibling. */
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node_hash(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "inclusion proof of leaf %" PRIu64 " in a tree of %" PRIu64
		                 " leaves has %zu hashes, fewer than its path",
		                 index, size, count);
	if (memcmp(r, root, MERKLE_HASH_SIZE) != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "inclusion proof of leaf %" PRIu64 " in a tree of %" PRIu64
		                 " leaves does not lead to the root",
		                 index, size);
	return REDRESS_OK;
}

/*
 * RFC 9162 2.1.4.2.  Two cases are settled before the algorithm: an old size
 * of 0 has no proof in the RFC (PROOF needs 0 < m), and equal sizes have the
 * empty proof PROOF(m, D[m]) = {}, which step 1 would refuse, so it holds
 * exactly when the roots agree.  The RFC prepends first_hash for a
 * power-of-two old size; here that is done by starting from old_root
 * instead of proof[0], so nothing is copied.
 */
enum redress_err
merkle_verify_consistency(uint64_t old_size, uint64_t size, const uint8_t old_root[MERKLE_HASH_SIZE],
                          const uint8_t root[MERKLE_HASH_SIZE], const uint8_t proof[][MERKLE_HASH_SIZE],
                          size_t count, struct redress_error *err)
{
	uint8_t fr[MERKLE_HASH_SIZE], sr[MERKLE_HASH_SIZE];
	uint64_t fn, sn;
	size_t i;

	if (old_size == 0 || old_size > size)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "consistency proof: old size %" PRIu64
		                 " is not between 1 and the new size %" PRIu64,
		                 old_size, size);
	if (old_size == size) {
		if (count != 0)
			return error_set(err, REDRESS_E_CRYPTO,
			                 "consistency proof between two trees of %" PRIu64
			                 " leaves must be empty, not %zu hashes",
			                 size, count);
		if (memcmp(old_root, root, MERKLE_HASH_SIZE) != 0)
			return error_set(err, REDRESS_E_CRYPTO,
			                 "two trees of %" PRIu64 " leaves have different roots", size);
		return REDRESS_OK;
	}
	if (count == 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "consistency proof from %" PRIu64 " to %" PRIu64 " leaves is empty",
		                 old_size, size);

	if ((old_size & (old_size - 1)) == 0) {
		memcpy(fr, old_root, MERKLE_HASH_SIZE);
		i = 0;
	} else {
		memcpy(fr, proof[0], MERKLE_HASH_SIZE);
		i = 1;
	}
	memcpy(sr, fr, MERKLE_HASH_SIZE);
	fn = old_size - 1;
	sn = size - 1;
	while ((fn & 1) != 0) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < count; i++) {
		if (sn == 0)
			return error_set(err, REDRESS_E_CRYPTO,
			                 "consistency proof from %" PRIu64 " to %" PRIu64
			                 " leaves has %zu hashes, too many",
			                 old_size, size, count);
		if ((fn & 1) != 0 || fn == sn) {
			merkle_node_hash(proof[i], fr, fr);
			merkle_node_hash(proof[i], sr, sr);
			while ((fn & 1) == 0 && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node_hash(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "consistency proof from %" PRIu64 " to %" PRIu64
		                 " leaves has %zu hashes, too few",
		                 old_size, size, count);
	if (memcmp(fr, old_root, MERKLE_HASH_SIZE) != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "consistency proof from %" PRIu64 " to %" PRIu64
		                 " leaves does not lead to the old root",
		                 old_size, size);
	if (memcmp(sr, root, MERKLE_HASH_SIZE) != 0)
		return error_set(err, REDRESS_E_CRYPTO,
		                 "consistency proof from %" PRIu64 " to %" PRIu64
		                 " leaves does not lead to the new root",
		                 old_size, size);
	return REDRESS_OK;
}

void
merkle_range_init(struct merkle_range *r)
{
	memset(r, 0, sizeof(*r));
}

/*
 * The peaks of a tree of size leaves are the perfect subtrees of its set
 * bits, from the highest: the one of bit L starts where the larger ones end.
 * Filled in a copy so that r is unchanged on error.
 */
enum redress_err
merkle_range_load(struct merkle_range *r, uint64_t size, merkle_read_fn read, void *ctx,
                  struct redress_error *err)
{
	struct merkle_range t;
	enum redress_err rc;
	uint64_t start;
	unsigned level;

	if (read == NULL)
		return error_set(err, REDRESS_E_INVALID, "merkle range: no read callback");
	if (size > MERKLE_SIZE_MAX)
		return error_set(err, REDRESS_E_INVALID,
		                 "merkle range: tree size %" PRIu64 " is above the limit of 2^63", size);
	merkle_range_init(&t);
	start = 0;
	for (level = bit_len(size); level-- > 0;) {
		if ((size & (UINT64_C(1) << level)) == 0)
			continue;
		rc = read(ctx, level, start >> level, t.peaks[t.count], err);
		if (rc != REDRESS_OK)
			return rc;
		t.count++;
		start += UINT64_C(1) << level;
	}
	t.size = size;
	*r = t;
	return REDRESS_OK;
}

/*
 * Appending leaf number size is binary increment: each trailing one bit of
 * size is a peak of the same level as the node being carried, and the two
 * merge.  The carried hash is built in a local and the peaks are touched
 * only once every write has succeeded, so r is unchanged on error.
 */
enum redress_err
merkle_range_append(struct merkle_range *r, const uint8_t leaf_hash[MERKLE_HASH_SIZE], merkle_write_fn write,
                    void *ctx, struct redress_error *err)
{
	uint8_t h[MERKLE_HASH_SIZE];
	enum redress_err rc;
	uint64_t size;
	unsigned level, count;

	if (r->size > MERKLE_SIZE_MAX || r->count != (unsigned)__builtin_popcountll(r->size))
		return error_set(err, REDRESS_E_INTERNAL,
		                 "merkle range of %" PRIu64 " leaves holds %u peaks, not one per set bit",
		                 r->size, r->count);
	if (r->size >= MERKLE_SIZE_MAX || __builtin_add_overflow(r->size, 1, &size))
		return error_set(err, REDRESS_E_OVERFLOW, "merkle tree is full at 2^63 leaves");

	memcpy(h, leaf_hash, MERKLE_HASH_SIZE);
	if (write != NULL) {
		rc = write(ctx, 0, r->size, h, err);
		if (rc != REDRESS_OK)
			return rc;
	}
	count = r->count;
	/* size < 2^63 leaves bit 63 clear, so level stays below 63 here. */
	for (level = 0; ((r->size >> level) & 1) != 0; level++) {
		merkle_node_hash(r->peaks[count - 1], h, h);
		count--;
		if (write != NULL) {
			rc = write(ctx, level + 1, r->size >> (level + 1), h, err);
			if (rc != REDRESS_OK)
				return rc;
		}
	}
	memcpy(r->peaks[count], h, MERKLE_HASH_SIZE);
	r->count = count + 1;
	r->size = size;
	return REDRESS_OK;
}

/* MTH splits off the peaks from the left, so the root is their right fold. */
void
merkle_range_root(const struct merkle_range *r, uint8_t out[MERKLE_HASH_SIZE])
{
	unsigned i;

	assert(r->count <= MERKLE_MAX_LEVELS);
	if (r->count == 0) {
		merkle_empty_root(out);
		return;
	}
	memcpy(out, r->peaks[r->count - 1], MERKLE_HASH_SIZE);
	for (i = r->count - 1; i > 0; i--)
		merkle_node_hash(r->peaks[i - 1], out, out);
}
