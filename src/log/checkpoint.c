/*
 * checkpoint.c -- the C2SP tlog-checkpoint body (c2sp.org/tlog-checkpoint).
 *
 * The body is normally the text of a note that note_verify() accepted, so
 * it is already UTF-8 without control characters; the parser still refuses
 * control characters and NULs itself so that it is safe on any bytes and
 * never hands back an origin that a NUL would cut short.
 */
#include "log/checkpoint.h"

#include <inttypes.h>
#include <string.h>

#include "crypto/codec.h"

/* 2^63 - 1 has 19 digits; more than that cannot fit. */
#define CHECKPOINT_SIZE_DIGITS_MAX 19

void
checkpoint_format(struct buf *out, const struct checkpoint *cp)
{
	char b64[CODEC_BASE64_SIZE(MERKLE_HASH_SIZE)];

	/* The sizes are fixed at compile time, so the encoder cannot fail. */
	(void)codec_base64_encode(cp->root, sizeof(cp->root), b64, sizeof(b64), NULL);
	buf_printf(out, "%s\n%" PRIu64 "\n%s\n", cp->origin, cp->size, b64);
}

/*
 * Parses the tree size line: decimal digits, no sign, no leading zero
 * unless the size is 0, at most 2^63 - 1 (the largest size the store's
 * signed 64-bit integers hold).  Returns 1 and sets *size_r on success.
 */
static int
checkpoint_parse_size(const char *p, size_t len, uint64_t *size_r)
{
	uint64_t size = 0;
	size_t i;

	if (len == 0 || len > CHECKPOINT_SIZE_DIGITS_MAX || (len > 1 && p[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		size = size * 10 + (uint64_t)(p[i] - '0');
	}
	/* Nineteen digits are below 10^19 < 2^64, so only this bound is left. */
	if (size > (uint64_t)INT64_MAX)
		return 0;
	*size_r = size;
	return 1;
}

enum redress_err
checkpoint_parse(const char *text, size_t len, struct checkpoint *cp_r, struct redress_error *err)
{
	struct checkpoint cp;
	const char *line, *nl, *end;
	uint8_t root[MERKLE_HASH_SIZE + 1];
	size_t lineno, line_len, root_len, i;

	if (text == NULL && len > 0)
		return error_set(err, REDRESS_E_INVALID, "checkpoint: no text given");
	if (len == 0)
		return error_set(err, REDRESS_E_INVALID, "checkpoint: empty, line 1 (origin) is missing");
	if (text[len - 1] != '\n')
		return error_set(err, REDRESS_E_INVALID,
		                 "checkpoint: the last line does not end in a newline");
	memset(&cp, 0, sizeof(cp));

	end = text + len;
	lineno = 0;
	for (line = text; line < end; line = nl + 1) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(end - line));
		line_len = (size_t)(nl - line);
		for (i = 0; i < line_len; i++)
			if ((unsigned char)line[i] < 0x20)
				return error_set(
				    err, REDRESS_E_INVALID,
				    "checkpoint: line %zu holds a control character at column %zu", lineno,
				    i + 1);
		switch (lineno) {
		case 1:
			if (line_len == 0)
				return error_set(err, REDRESS_E_INVALID,
				                 "checkpoint: line 1 (origin) is empty");
			if (line_len > CHECKPOINT_ORIGIN_MAX)
				return error_set(
				    err, REDRESS_E_INVALID,
				    "checkpoint: line 1 (origin) is %zu bytes, over the limit of %d",
				    line_len, CHECKPOINT_ORIGIN_MAX);
			memcpy(cp.origin, line, line_len);
			cp.origin[line_len] = '\0';
			break;
		case 2:
			if (!checkpoint_parse_size(line, line_len, &cp.size))
				return error_set(
				    err, REDRESS_E_INVALID,
				    "checkpoint: line 2 (tree size) must be a decimal number without "
				    "sign or leading zeros, at most %" PRId64,
				    INT64_MAX);
			break;
		case 3:
			/* One spare byte tells a longer hash from an exact one. */
			if (line_len == 0 ||
			    codec_base64_decode(line, line_len, root, sizeof(root), &root_len, NULL) !=
			        REDRESS_OK ||
			    root_len != MERKLE_HASH_SIZE)
				return error_set(err, REDRESS_E_INVALID,
				                 "checkpoint: line 3 (root hash) is not base64 of %d bytes",
				                 MERKLE_HASH_SIZE);
			memcpy(cp.root, root, MERKLE_HASH_SIZE);
			break;
		default:
			/* Extension lines are opaque to us but must not be empty:
			 * an empty one would be the note's blank line. */
			if (line_len == 0)
				return error_set(err, REDRESS_E_INVALID,
				                 "checkpoint: line %zu (extension) is empty", lineno);
			break;
		}
	}
	if (lineno < 2)
		return error_set(err, REDRESS_E_INVALID, "checkpoint: line 2 (tree size) is missing");
	if (lineno < 3)
		return error_set(err, REDRESS_E_INVALID, "checkpoint: line 3 (root hash) is missing");
	*cp_r = cp;
	return REDRESS_OK;
}
