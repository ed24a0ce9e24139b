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
 *   witnesses   (optional, not secret) the witnesses whose cosignatures
 *               the fund collects: lines "URL VKEY", '#' comments
 *
 * A witness's own key directory (redress witness) holds witness.key (its
 * Ed25519 seed) and witness.name (its key name), and its state: the last
 * checkpoint it cosigned for each log.
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

/* The three keys as one secret: log seed, master key, index key, 32 bytes each. */
#define KEYDIR_SECRET_SIZE 96

/*
 * Reads the key directory's three keys into secret (caller-owned, wiped by
 * the caller), checked as keydir_open checks them.  REDRESS_E_KEYS naming
 * the file on failure.
 */
enum redress_err keydir_export(const char *path, uint8_t secret[KEYDIR_SECRET_SIZE],
                               struct redress_error *err);

/*
 * Writes a key directory at path from secret (as keydir_export made it):
 * the directory is created (mode 0700) or must be empty of keys, as
 * keydir_create requires.  On failure no key is left behind.
 */
enum redress_err keydir_import(const char *path, const uint8_t secret[KEYDIR_SECRET_SIZE],
                               struct redress_error *err);

/*
 * A new master key, for `redress keys rotate`, in two steps so that a
 * crash between them loses nothing:
 *   keydir_master_pending: the new key in master.key.new, made (mode 0600)
 *     when there is none, else the one an interrupted rotation left;
 *     *made_r says which.  The caller frees *key_r with seal_key_free().
 *   keydir_master_install: master.key.new renamed over master.key, once
 *     the database holds everything sealed under it; the old key file is
 *     gone (its blocks are not overwritten: the file system may keep them).
 */
enum redress_err keydir_master_pending(const char *path, struct seal_key **key_r, int *made_r,
                                       struct redress_error *err);
enum redress_err keydir_master_install(const char *path, struct redress_error *err);

/*
 * A new log signing key, for `redress keys rotate --log`, in the same two
 * steps: keydir_log_pending makes log.key.new (mode 0600) or loads the one
 * an interrupted rotation left (*made_r says which; the caller frees
 * *key_r with sign_key_free()); keydir_log_install renames it over
 * log.key once the fund's handover to it is committed.
 */
enum redress_err keydir_log_pending(const char *path, struct sign_key **key_r, int *made_r,
                                    struct redress_error *err);
enum redress_err keydir_log_install(const char *path, struct redress_error *err);

/* Wipes and frees the keys; NULL is a no-op; sets *kd to NULL. */
void keydir_close(struct keydir **kd);

/* The checkpoint-signing key, owned by kd. */
const struct sign_key *keydir_log_key(const struct keydir *kd);

/* The master key and the blind-index key, owned by kd. */
const struct seal_key *keydir_master_key(const struct keydir *kd);
const struct seal_key *keydir_index_key(const struct keydir *kd);

/* Writes DIR/FILE into out (size bytes); too long is REDRESS_E_KEYS. */
enum redress_err keydir_file(char *out, size_t size, const char *dir, const char *file,
                             struct redress_error *err);

/*
 * Creates a witness's key directory (mode 0700, or an existing one that is
 * 0700 and holds no witness key) with a fresh witness.key and name in
 * witness.name.  Refuses to overwrite a key (REDRESS_E_KEYS).  On failure
 * no key is left.
 */
enum redress_err keydir_witness_create(const char *path, const char *name, struct redress_error *err);

/*
 * Loads a witness's name (into name_r, name_size bytes) and key; the caller
 * frees *key_r with sign_key_free().  Missing or readable-by-others files
 * are REDRESS_E_KEYS naming the file.
 */
enum redress_err keydir_witness_open(const char *path, char *name_r, size_t name_size,
                                     struct sign_key **key_r, struct redress_error *err);

#endif
