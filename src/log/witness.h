/*
 * witness.h -- a transparency-log witness (C2SP tlog-witness): the state a
 * monitor keeps on her own machine, with her own key, so that the fund
 * cannot show her one history and the public another.
 *
 * For each log it is told to watch (by the log's verifier key; the log's
 * origin is the key's name) the witness keeps the last checkpoint it
 * cosigned, in DIR/log-HEX.checkpoint (HEX: SHA-256 of the origin),
 * replaced atomically (write, fsync, rename, fsync the directory) before a
 * cosignature is given out.  A new checkpoint is cosigned only if a
 * consistency proof shows it extends that one; the same size with another
 * root, or a tree that does not extend it, is refused and never cosigned.
 *
 * Not thread-safe: the caller serialises witness_add_checkpoint (the check
 * and the write of the state must be one step, as the protocol requires).
 */
#ifndef REDRESS_LOG_WITNESS_H
#define REDRESS_LOG_WITNESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/sign.h"

#define WITNESS_LOGS_MAX 16

struct witness;

/*
 * Opens the witness whose key directory is dir (keydir_witness_create made
 * it) for the logs whose verifier keys are log_vkeys[0..count-1], loading
 * what it cosigned before.  A bad key, a state file that is not a checkpoint
 * signed by its log: REDRESS_E_KEYS / REDRESS_E_INVALID naming the file.
 * The caller frees *w_r with witness_close().
 */
enum redress_err witness_open(const char *dir, const char *const *log_vkeys, size_t count,
                              struct witness **w_r, struct redress_error *err);

/* Wipes the key and frees; NULL is a no-op; sets *w to NULL. */
void witness_close(struct witness **w);

/* Appends the witness's cosignature verifier key (NAME+HASH+BASE64(0x04||key)) to out. */
void witness_vkey(const struct witness *w, struct buf *out);

/*
 * Handles an add-checkpoint request body (len bytes) received at time now
 * (POSIX seconds) and returns the HTTP status the protocol assigns:
 *   200  out holds the cosignature line, and the state was persisted first
 *   400  malformed request, or old size above the checkpoint's
 *   403  not signed by the log's key
 *   404  a log this witness does not watch
 *   409  the old size is not the size last cosigned: out holds "SIZE\n"
 *   422  a bad consistency proof, or the same size with another root: a fork
 *   500  the state could not be written (nothing cosigned)
 * For any status but 200, why says what was refused and why, for the
 * witness's log.
 */
unsigned witness_add_checkpoint(struct witness *w, const char *body, size_t len, uint64_t now,
                                struct buf *out, struct redress_error *why);

/*
 * Appends the last checkpoint cosigned for the log whose origin hashes to
 * origin_hex (64 lowercase hex digits), with the log's and the witness's
 * signatures, to out.  None: REDRESS_E_NOTFOUND.
 */
enum redress_err witness_latest(const struct witness *w, const char *origin_hex, struct buf *out,
                                struct redress_error *err);

#endif
