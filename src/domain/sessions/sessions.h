/*
 * sessions.h -- signed-in browser sessions in the database, shared by
 * every server of a fund: a session made on one server is found by any
 * other, outlives a restart, and ends everywhere when it is ended on one.
 *
 * The module stores what the server gives it and nothing it could use:
 * a session is known by the SHA-256 of its cookie's token (never the
 * token), its account by a keyed tag (to end all of an account's
 * sessions) and by its name sealed under a key drawn from the token
 * (so only the holder of the cookie can read it).  Sessions are the
 * servers' working state, not fund data and not events: audit neither
 * replays nor compares them.  The crypto is the server's (http/session.c).
 */
#ifndef REDRESS_DOMAIN_SESSIONS_H
#define REDRESS_DOMAIN_SESSIONS_H

#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "log/tlog.h"
#include "store/store.h"

#define SESSIONS_HASH_SIZE 65 /* 64 lowercase hex digits of the token's SHA-256, and a NUL */
#define SESSIONS_TAG_SIZE  65 /* 64 hex digits of the account's keyed tag, and a NUL */

/* A session's row. */
struct sessions_row {
	char hash[SESSIONS_HASH_SIZE];
	char tag[SESSIONS_TAG_SIZE];
	uint64_t created, seen; /* seconds since the epoch */
};

/* Adds a session; account_sealed is the sealed text of its account's name. */
enum redress_err sessions_put(struct store *store, const struct sessions_row *row, const char *account_sealed,
                              struct redress_error *err);

/*
 * The session of hash: REDRESS_OK with *row_r filled and its sealed
 * account appended to sealed; REDRESS_E_NOTFOUND when there is none
 * (ended, expired or never made); other errors with err filled (the
 * database away: the session is not known to have ended).
 */
enum redress_err sessions_get(struct store *store, const char *hash, struct sessions_row *row_r,
                              struct buf *sealed, struct redress_error *err);

/* Records that the session of hash was seen at seen (never moves it back). */
enum redress_err sessions_seen(struct store *store, const char *hash, uint64_t seen,
                               struct redress_error *err);

/* Ends the session of hash. */
enum redress_err sessions_delete(struct store *store, const char *hash, struct redress_error *err);

/* Ends every session of the account tagged tag. */
enum redress_err sessions_delete_tag(struct store *store, const char *tag, struct redress_error *err);

/* Ends the sessions seen before seen_after or created before created_after. */
enum redress_err sessions_expire(struct store *store, uint64_t seen_after, uint64_t created_after,
                                 struct redress_error *err);

/*
 * Failed sign-ins, counted in the database so that every server of the
 * fund slows the same guesser (http/throttle.c decides the waits).  A
 * count is kept under a keyed tag of an account or of a client address
 * (SESSIONS_TAG_SIZE), never the name or the address.
 */

/* The failures counted under tag and when the last came; 0 and 0 when none. */
enum redress_err sessions_throttle_get(struct store *store, const char *tag, unsigned *failures_r,
                                       uint64_t *last_r, struct redress_error *err);

/* Counts one more failure under tag at now; *failures_r is the count with it. */
enum redress_err sessions_throttle_fail(struct store *store, const char *tag, uint64_t now,
                                        unsigned *failures_r, struct redress_error *err);

/* Forgets the failures under tag (a sign-in that succeeded). */
enum redress_err sessions_throttle_clear(struct store *store, const char *tag, struct redress_error *err);

/* Forgets the counts whose last failure came before before. */
enum redress_err sessions_throttle_expire(struct store *store, uint64_t before, struct redress_error *err);

extern const struct event_module sessions_module;

#endif
