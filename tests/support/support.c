/*
 * support.c -- helpers shared by the tests and the fuzz targets.
 */
#include <stdlib.h>
#include <string.h>

#include "support.h"

uint64_t
support_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Unicode 15, table 3-7, "Well-Formed UTF-8 Byte Sequences": each row gives
 * the allowed range of each byte of one kind of sequence.
 */
static const struct {
	unsigned char lo[4], hi[4];
	size_t n;
} utf8_rows[] = {
    {{0x00}, {0x7f}, 1},
    {{0xc2, 0x80}, {0xdf, 0xbf}, 2},
    {{0xe0, 0xa0, 0x80}, {0xe0, 0xbf, 0xbf}, 3},
    {{0xe1, 0x80, 0x80}, {0xec, 0xbf, 0xbf}, 3},
    {{0xed, 0x80, 0x80}, {0xed, 0x9f, 0xbf}, 3},
    {{0xee, 0x80, 0x80}, {0xef, 0xbf, 0xbf}, 3},
    {{0xf0, 0x90, 0x80, 0x80}, {0xf0, 0xbf, 0xbf, 0xbf}, 4},
    {{0xf1, 0x80, 0x80, 0x80}, {0xf3, 0xbf, 0xbf, 0xbf}, 4},
    {{0xf4, 0x80, 0x80, 0x80}, {0xf4, 0x8f, 0xbf, 0xbf}, 4},
};

int
support_utf8_valid(const unsigned char *s, size_t len)
{
	size_t pos = 0, r, k;

	while (pos < len) {
		for (r = 0; r < sizeof(utf8_rows) / sizeof(utf8_rows[0]); r++) {
			if (len - pos < utf8_rows[r].n)
				continue;
			for (k = 0; k < utf8_rows[r].n; k++)
				if (s[pos + k] < utf8_rows[r].lo[k] || s[pos + k] > utf8_rows[r].hi[k])
					break;
			if (k == utf8_rows[r].n)
				break;
		}
		if (r == sizeof(utf8_rows) / sizeof(utf8_rows[0]))
			return 0;
		pos += utf8_rows[r].n;
	}
	return 1;
}

int
support_split_key_line(const uint8_t *data, size_t size, char **key_r, char **text_r, size_t *text_len_r)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t key_len;

	*key_r = *text_r = NULL;
	if (nl == NULL)
		return 0;
	key_len = (size_t)(nl - data);
	*text_len_r = size - key_len - 1;
	if ((*key_r = malloc(key_len + 1)) == NULL || (*text_r = malloc(*text_len_r + 1)) == NULL) {
		free(*key_r);
		*key_r = NULL;
		return 0;
	}
	memcpy(*key_r, data, key_len);
	(*key_r)[key_len] = '\0';
	memcpy(*text_r, nl + 1, *text_len_r);
	(*text_r)[*text_len_r] = '\0';
	return 1;
}
