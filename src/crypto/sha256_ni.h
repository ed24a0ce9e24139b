/*
 * sha256_ni.h -- SHA-256 on the x86 SHA extensions (private to src/crypto).
 *
 * libsodium's SHA-256 is portable C; on a CPU with the SHA extensions the
 * same digest costs about a fifth of the time, and every event is hashed
 * two or three times at append and again at audit.  hash.c uses this where
 * sha256_ni_available() says the CPU has them, and libsodium elsewhere;
 * the digests are the same (tests/unit/test_merkle.c compares the two).
 */
#ifndef REDRESS_CRYPTO_SHA256_NI_H
#define REDRESS_CRYPTO_SHA256_NI_H

#include <stddef.h>
#include <stdint.h>

struct sha256_ni {
	uint32_t h[8];   /* the chaining value */
	uint64_t bytes;  /* hashed so far */
	uint8_t buf[64]; /* the block being filled: bytes % 64 of it */
};

/* 1 when this CPU has the SHA extensions (and SSSE3, SSE4.1) and this build can use them. */
int sha256_ni_available(void);

/* Call only when sha256_ni_available() said 1. */
void sha256_ni_init(struct sha256_ni *s);
void sha256_ni_update(struct sha256_ni *s, const void *data, size_t len);
/* Writes the digest; s must be initialised again before it is used again. */
void sha256_ni_final(struct sha256_ni *s, uint8_t out[32]);

#endif
