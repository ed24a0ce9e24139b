/*
 * sha256_ni.c -- SHA-256 (FIPS 180-4) on the x86 SHA extensions: the
 * compression function in SHA-NI instructions (four rounds of the message
 * schedule a step, as Intel's white paper lays it out), the padding and the
 * state in plain C.  On any other CPU or compiler sha256_ni_available()
 * says 0 and hash.c stays with libsodium.
 */
#include <string.h>

#include "crypto/sha256_ni.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>

/* The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] __attribute__((aligned(16))) = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

int
sha256_ni_available(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & bit_SHA) != 0;
}

/*
 * Compresses n blocks at p into h.  The instructions keep the state as
 * ABEF and CDGH; msg[g % 4] holds the schedule's words 4g..4g+3, the
 * next group made from the four before it while the rounds go on.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
sha256_ni_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	const __m128i swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
	__m128i s0, s1, tmp, t, abef, cdgh, msg[4];
	int i;

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[0]), 0xB1); /* CDAB */
	s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)(const void *)&h[4]), 0x1B);  /* EFGH */
	s0 = _mm_alignr_epi8(tmp, s1, 8);                                                     /* ABEF */
	s1 = _mm_blend_epi16(s1, tmp, 0xF0);                                                  /* CDGH */
	for (; n > 0; n--, p += 64) {
		abef = s0;
		cdgh = s1;
		for (i = 0; i < 4; i++)
			msg[i] = _mm_shuffle_epi8(
			    _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i)), swap);
		for (i = 0; i < 16; i++) {
			t = _mm_add_epi32(msg[i & 3],
			                  _mm_load_si128((const __m128i *)(const void *)&sha256_k[4 * i]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, t);
			/* Group i + 1 of the schedule, from groups i - 3 (already through msg1), i - 1 and i.
			 */
			if (i >= 3 && i < 15) {
				tmp = _mm_alignr_epi8(msg[i & 3], msg[(i - 1) & 3], 4);
				msg[(i + 1) & 3] = _mm_add_epi32(msg[(i + 1) & 3], tmp);
				msg[(i + 1) & 3] = _mm_sha256msg2_epu32(msg[(i + 1) & 3], msg[i & 3]);
			}
			t = _mm_shuffle_epi32(t, 0x0E);
			s0 = _mm_sha256rnds2_epu32(s0, s1, t);
			/* Group i - 1 starts to become group i + 3, now that group i - 1 was last read above.
			 */
			if (i >= 1 && i < 13)
				msg[(i - 1) & 3] = _mm_sha256msg1_epu32(msg[(i - 1) & 3], msg[i & 3]);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
	}
	tmp = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
	s1 = _mm_shuffle_epi32(s1, 0xB1);    /* DCHG */
	s0 = _mm_blend_epi16(tmp, s1, 0xF0); /* DCBA */
	s1 = _mm_alignr_epi8(s1, tmp, 8);    /* ABEF */
	_mm_storeu_si128((__m128i *)(void *)&h[0], s0);
	_mm_storeu_si128((__m128i *)(void *)&h[4], s1);
}

#else

int
sha256_ni_available(void)
{
	return 0;
}

static void
sha256_ni_blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	(void)h;
	(void)p;
	(void)n;
}

#endif

void
sha256_ni_init(struct sha256_ni *s)
{
	/* The first 32 bits of the fractional parts of the square roots of the first 8 primes. */
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

	memcpy(s->h, iv, sizeof(iv));
	s->bytes = 0;
}

void
sha256_ni_update(struct sha256_ni *s, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t have = (size_t)(s->bytes % 64), n;

	s->bytes += len;
	if (have > 0) {
		n = 64 - have < len ? 64 - have : len;
		memcpy(s->buf + have, p, n);
		p += n;
		len -= n;
		if (have + n < 64)
			return;
		sha256_ni_blocks(s->h, s->buf, 1);
	}
	if (len >= 64) {
		sha256_ni_blocks(s->h, p, len / 64);
		p += len / 64 * 64;
		len %= 64;
	}
	if (len > 0)
		memcpy(s->buf, p, len);
}

void
sha256_ni_final(struct sha256_ni *s, uint8_t out[32])
{
	uint64_t bits = s->bytes * 8;
	size_t have = (size_t)(s->bytes % 64);
	int i;

	s->buf[have++] = 0x80;
	if (have > 56) {
		memset(s->buf + have, 0, 64 - have);
		sha256_ni_blocks(s->h, s->buf, 1);
		have = 0;
	}
	memset(s->buf + have, 0, 56 - have);
	for (i = 0; i < 8; i++)
		s->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_ni_blocks(s->h, s->buf, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}
