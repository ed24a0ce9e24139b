/*
 * checkpoint.h -- the body of a transparency log checkpoint (C2SP
 * tlog-checkpoint): three lines, origin, decimal tree size, base64 root
 * hash, each ending in "\n", optionally followed by extension lines.
 * Signing and verifying the note around it is note.h's.
 */
#ifndef REDRESS_LOG_CHECKPOINT_H
#define REDRESS_LOG_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "log/merkle.h"

#define CHECKPOINT_ORIGIN_MAX 256

struct checkpoint {
	char origin[CHECKPOINT_ORIGIN_MAX + 1];
	uint64_t size;
	uint8_t root[MERKLE_HASH_SIZE];
};

/* Appends the checkpoint body (no extension lines) to out. */
void checkpoint_format(struct buf *out, const struct checkpoint *cp);

/*
 * Parses a checkpoint body of len bytes (the signed text of a note).  The
 * size must be decimal without leading zeros (or "0"), fit in 63 bits, and
 * the root must be base64 of exactly 32 bytes; extension lines are allowed
 * and ignored.  Anything else is REDRESS_E_INVALID naming the line.
 */
enum redress_err checkpoint_parse(const char *text, size_t len, struct checkpoint *cp_r,
                                  struct redress_error *err);

#endif
