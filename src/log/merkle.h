/*
 * merkle.h -- the Merkle tree of RFC 9162, section 2.1.
 *
 * Leaf hash  = SHA-256(0x00 || leaf input)
 * Node hash  = SHA-256(0x01 || left || right)
 * The tree over n leaves splits at k, the largest power of two below n.
 *
 * Storage is the caller's: the tree is kept as the hashes of its *perfect
 * aligned subtrees* -- node (level L, index i) covers leaves
 * [i * 2^L, (i + 1) * 2^L) -- read and written through callbacks.  Every
 * hash a root or a proof needs is either such a node or is computed from
 * O(log n) of them, so a tree of any size is served without loading it.
 *
 * Nothing here allocates.  Proofs hold at most MERKLE_MAX_PROOF hashes.
 */
#ifndef REDRESS_LOG_MERKLE_H
#define REDRESS_LOG_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define MERKLE_HASH_SIZE 32
#define MERKLE_MAX_PROOF                                                                                     \
	64 /* a 2^64-leaf tree has proofs of at most 64 hashes (consistency: 64+1 bound below) */
#define MERKLE_MAX_LEVELS 64

/* The root of the empty tree is SHA-256 of nothing. */
void merkle_empty_root(uint8_t out[MERKLE_HASH_SIZE]);
void merkle_leaf_hash(const void *leaf, size_t len, uint8_t out[MERKLE_HASH_SIZE]);
void merkle_node_hash(const uint8_t left[MERKLE_HASH_SIZE], const uint8_t right[MERKLE_HASH_SIZE],
                      uint8_t out[MERKLE_HASH_SIZE]);

/*
 * Reads the stored hash of the perfect subtree (level, index) into out.
 * Returns REDRESS_OK, or an error (filled in err) that is passed up as is.
 */
typedef enum redress_err (*merkle_read_fn)(void *ctx, unsigned level, uint64_t index,
                                           uint8_t out[MERKLE_HASH_SIZE], struct redress_error *err);

/* Stores the hash of the perfect subtree (level, index), just completed. */
typedef enum redress_err (*merkle_write_fn)(void *ctx, unsigned level, uint64_t index,
                                            const uint8_t hash[MERKLE_HASH_SIZE], struct redress_error *err);

/*
 * The right edge of a tree: the roots of the perfect subtrees that its size
 * decomposes into, largest (leftmost) first.  It is all that appending needs
 * and it gives the root in O(log n) without any reads.
 */
struct merkle_range {
	uint64_t size;
	unsigned count;                                     /* == popcount(size) */
	uint8_t peaks[MERKLE_MAX_LEVELS][MERKLE_HASH_SIZE]; /* peaks[0] is the leftmost, largest */
};

/* An empty range (size 0). */
void merkle_range_init(struct merkle_range *r);

/* Loads the right edge of a tree of size leaves from storage (popcount(size) reads). */
enum redress_err merkle_range_load(struct merkle_range *r, uint64_t size, merkle_read_fn read, void *ctx,
                                   struct redress_error *err);

/*
 * Appends the leaf whose *leaf hash* is given.  write (which may be NULL) is
 * called for every perfect subtree the append completes, the leaf itself
 * (level 0) first, then each parent in turn.  On error r is unchanged.
 */
enum redress_err merkle_range_append(struct merkle_range *r, const uint8_t leaf_hash[MERKLE_HASH_SIZE],
                                     merkle_write_fn write, void *ctx, struct redress_error *err);

/* The RFC 9162 root of the range's tree (the empty root for size 0). */
void merkle_range_root(const struct merkle_range *r, uint8_t out[MERKLE_HASH_SIZE]);

/* MTH(D[lo:hi]) for 0 <= lo < hi <= size, where D[lo:hi] is a subtree RFC 9162 would form. */
enum redress_err merkle_subtree_hash(uint64_t lo, uint64_t hi, merkle_read_fn read, void *ctx,
                                     uint8_t out[MERKLE_HASH_SIZE], struct redress_error *err);

/* The root of the first size leaves of a stored tree. */
enum redress_err merkle_root(uint64_t size, merkle_read_fn read, void *ctx, uint8_t out[MERKLE_HASH_SIZE],
                             struct redress_error *err);

/*
 * The inclusion proof (RFC 9162 2.1.3.1) of leaf index in the tree of the
 * first size leaves.  proof_r has room for MERKLE_MAX_PROOF hashes; *count_r
 * is how many were written.  index >= size is REDRESS_E_INVALID.
 */
enum redress_err merkle_prove_inclusion(uint64_t index, uint64_t size, merkle_read_fn read, void *ctx,
                                        uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r,
                                        struct redress_error *err);

/*
 * The consistency proof (RFC 9162 2.1.4.1) between the first old_size and
 * the first size leaves.  0 < old_size <= size, else REDRESS_E_INVALID.
 * (old_size == size gives an empty proof.)
 */
enum redress_err merkle_prove_consistency(uint64_t old_size, uint64_t size, merkle_read_fn read, void *ctx,
                                          uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r,
                                          struct redress_error *err);

/* RFC 9162 2.1.3.2.  REDRESS_OK when the proof is valid, else REDRESS_E_CRYPTO naming why. */
enum redress_err merkle_verify_inclusion(uint64_t index, uint64_t size,
                                         const uint8_t leaf_hash[MERKLE_HASH_SIZE],
                                         const uint8_t proof[][MERKLE_HASH_SIZE], size_t count,
                                         const uint8_t root[MERKLE_HASH_SIZE], struct redress_error *err);

/* RFC 9162 2.1.4.2.  REDRESS_OK when the proof is valid, else REDRESS_E_CRYPTO naming why. */
enum redress_err merkle_verify_consistency(uint64_t old_size, uint64_t size,
                                           const uint8_t old_root[MERKLE_HASH_SIZE],
                                           const uint8_t root[MERKLE_HASH_SIZE],
                                           const uint8_t proof[][MERKLE_HASH_SIZE], size_t count,
                                           struct redress_error *err);

#endif
