/*
 * keydir.h -- the key directory: the secrets that live outside the
 * database, so that a copy of the database alone can neither forge a
 * checkpoint nor (in later modules) read a person's file.
 *
 * The directory has mode 0700 and each key file mode 0600.  Files, each
 * one line of base64:
 *   log.key     the Ed25519 seed that signs checkpoints
 *   master.key  the key that wraps each person's data key (crypto/seal.h)
 *   index.key   the key of the blind index of national ids
 * and, written by the log (log/tlog.h, tlog_high_water), checkpoint: the
 * last signed checkpoint, the high-water mark the database is checked by.
 */
#ifndef REDRESS_CRYPTO_KEYDIR_H
#define REDRESS_CRYPTO_KEYDIR_H

#include "core/error.h"
#include "crypto/seal.h"
#include "crypto/sign.h"

struct keydir;

/*
 * Creates the directory (mode 0700) and a fresh log key in it.  Refuses
 * (REDRESS_E_KEYS) when a log key is already there, so keys are never
 * overwritten.  On failure nothing is left half-made.
 */
enum redress_err keydir_create(const char *path, struct redress_error *err);

/*
 * Removes the key files keydir_create writes (and the log's high-water
 * checkpoint kept beside them), and nothing else: for undoing
 * a failed init, and for discarding a demo's keys.  The keys are gone for
 * good: only for keys that never guarded anything of worth.
 */
void keydir_remove_keys(const char *path);

/*
 * Opens an existing key directory and loads its keys.  A missing directory
 * or key, a key file that others may read, or a malformed key is
 * REDRESS_E_KEYS naming the file.  The caller frees *kd_r with keydir_close().
 */
enum redress_err keydir_open(const char *path, struct keydir **kd_r, struct redress_error *err);

/* Wipes and frees the keys; NULL is a no-op; sets *kd to NULL. */
void keydir_close(struct keydir **kd);

/* The checkpoint-signing key, owned by kd. */
const struct sign_key *keydir_log_key(const struct keydir *kd);

/* The master key and the blind-index key, owned by kd. */
const struct seal_key *keydir_master_key(const struct keydir *kd);
const struct seal_key *keydir_index_key(const struct keydir *kd);

#endif
