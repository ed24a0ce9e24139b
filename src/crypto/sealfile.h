/*
 * sealfile.h -- a file sealed under a passphrase, for backups: libsodium's
 * secretstream (XChaCha20-Poly1305) under a key derived by Argon2id.
 *
 * The file is a header and a stream of blocks:
 *
 *   magic        8 bytes  "RDRSBKP\n"
 *   version      1 byte   1
 *   kdf          1 byte   1 (Argon2id v1.3)
 *   reserved     2 bytes  0
 *   opslimit     8 bytes  big-endian, Argon2id's passes
 *   memlimit     8 bytes  big-endian, Argon2id's memory in bytes
 *   salt        16 bytes
 *   stream      24 bytes  secretstream's header
 *   blocks: a 4-byte big-endian length, then that many bytes of one
 *           secretstream message (at most SEALFILE_BLOCK bytes of plain
 *           text and its 17 bytes of overhead).
 *
 * The header's 44 bytes before the stream's own are the first block's
 * associated data, so a header changed in any byte fails to open.  The
 * first block is a fixed text: failing to open it means a wrong passphrase
 * (or a damaged header), told apart from damage further on.  The last
 * block carries secretstream's FINAL tag: a file cut short is found as
 * such.  Each block binds its place in the stream, so blocks cannot be
 * reordered, repeated or dropped unnoticed.
 */
#ifndef REDRESS_CRYPTO_SEALFILE_H
#define REDRESS_CRYPTO_SEALFILE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define SEALFILE_BLOCK (64u * 1024u) /* bytes of plain text per block, at most */
/* Argon2id's cost for a new file: three passes over 128 MiB. */
#define SEALFILE_OPSLIMIT 3u
#define SEALFILE_MEMLIMIT (128u * 1024u * 1024u)
/* What a file may ask for, at most, so a forged header cannot exhaust the machine. */
#define SEALFILE_OPSLIMIT_MAX 16u
#define SEALFILE_MEMLIMIT_MAX (1024u * 1024u * 1024u)

struct sealfile;

/*
 * Creates path (which must not exist; REDRESS_E_IO otherwise) as a sealed
 * file under passphrase, written under a temporary name (path and ".tmp",
 * mode 0600) until sealfile_finish renames it.  The caller ends *sf_r with
 * sealfile_finish or sealfile_abort.
 */
enum redress_err sealfile_create(const char *path, const char *passphrase, struct sealfile **sf_r,
                                 struct redress_error *err);

/*
 * The same, onto fd, a file the caller opened for writing (an unlinked
 * temporary one): the stream begins at fd's offset; name only names it in
 * messages.  sealfile_finish syncs it and renames nothing; sealfile_abort
 * removes nothing (the caller drops the file).  The caller keeps fd: it
 * is never closed here.
 */
enum redress_err sealfile_create_fd(int fd, const char *name, const char *passphrase, struct sealfile **sf_r,
                                    struct redress_error *err);

/* Seals and writes len bytes.  REDRESS_E_IO naming the file on failure. */
enum redress_err sealfile_write(struct sealfile *sf, const void *data, size_t len, struct redress_error *err);

/*
 * Writes the last block, syncs, renames the file into place and frees
 * *sf (set to NULL) whatever happens; on failure nothing is left at path.
 */
enum redress_err sealfile_finish(struct sealfile **sf, struct redress_error *err);

/* Stops writing and removes what was written; frees *sf; NULL is a no-op. */
void sealfile_abort(struct sealfile **sf);

/*
 * Opens a sealed file with passphrase.  Not a sealed file (no magic), an
 * unknown version or costs beyond the maxima: REDRESS_E_INVALID; a wrong
 * passphrase (or damaged header): REDRESS_E_CRYPTO saying so.  The caller
 * frees *sf_r with sealfile_close.
 */
enum redress_err sealfile_open(const char *path, const char *passphrase, struct sealfile **sf_r,
                               struct redress_error *err);

/*
 * Reads exactly len bytes of plain text into out.  A block that does not
 * open is REDRESS_E_CRYPTO ("damaged at byte N"); a file that ends before
 * its last block, or a stream that ends before len bytes, is
 * REDRESS_E_INVALID ("truncated").
 */
enum redress_err sealfile_read(struct sealfile *sf, void *out, size_t len, struct redress_error *err);

/* REDRESS_OK when every byte has been read and the last block was the final one; else as sealfile_read. */
enum redress_err sealfile_end(struct sealfile *sf, struct redress_error *err);

/* Wipes the key and buffers and frees *sf (set to NULL); NULL is a no-op. */
void sealfile_close(struct sealfile **sf);

#endif
