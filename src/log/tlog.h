/*
 * tlog.h -- the event log: the truth from which every table is derived.
 *
 * Every change to redress is an event appended here.  An event's bytes are
 * canonical JSON (core/canon.h):
 *
 *   {"actor":A,"at":T,"data":D,"salt":S,"seq":N,"type":TYPE,"v":3}
 *
 * where N is the event's 0-based position, which is also its Merkle leaf
 * index; T the UTC time (core/clock.h); A who did it; TYPE a dotted name
 * owned by one domain module ("ledger.transfer.created"); D that module's
 * canonical object; S the base64 of TLOG_SALT_SIZE secret random bytes.
 * The salt makes a leaf hash impossible to guess from an event's few
 * plausible contents, so the public proofs (every sibling hash) reveal
 * nothing about any event; it is kept with the event and shown only to
 * those who may read events.  Events written before salts ("v":1) have no
 * "salt" and still verify; events of version 2 are those below with the
 * leaf of their bytes.  The events are the leaves of an RFC 9162
 * Merkle tree (log/merkle.h) whose nodes are stored beside them.
 *
 * Version 3 (written now, when the log has a projection, tlog_set_public)
 * has the same bytes with "v":3, but its leaf is not the hash of those
 * bytes: it is the hash of a 64-byte leaf entry,
 *
 *   SHA-256(public part) || SHA-256(event bytes)
 *
 * where the public part is what the public feed publishes of the event
 * (canonical JSON; made by the projection the domain registers, since the
 * log knows nothing of what identifies someone).  A monitor holding a
 * feed line then rebuilds the leaf from it alone, while the second half,
 * over the whole event with its secret salt, keeps the leaf unguessable
 * and binds every byte of the event.  Events of versions 1 and 2 keep
 * their bytes and their leaves.
 *
 * A change happens inside tlog_begin() ... tlog_commit(): the domain module
 * appends its event(s) and updates its tables through the same store, and
 * tlog_commit() signs a checkpoint for the new tree size and commits all of
 * it in one database transaction.  Either everything is there or nothing.
 */
#ifndef REDRESS_LOG_TLOG_H
#define REDRESS_LOG_TLOG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/canon.h"
#include "core/error.h"
#include "crypto/sign.h"
#include "log/merkle.h"
#include "store/store.h"

#define TLOG_EVENT_MAX (1u << 20) /* bytes in one event */
#define TLOG_ACTOR_MAX 128
#define TLOG_TYPE_MAX  64
#define TLOG_VERSION   3  /* leaf over the public part and the whole event; 2: salted, 1: before salts */
#define TLOG_SALT_SIZE 16 /* bytes of secret randomness in each event: 128 bits */
/* The salt's text: the padded base64 of TLOG_SALT_SIZE bytes, with its NUL. */
#define TLOG_SALT_TEXT_SIZE (((TLOG_SALT_SIZE + 2) / 3) * 4 + 1)
/*
 * The version of the database's schema (every module's tables), kept in
 * log_meta as "schema"; a database without it is version 1 (every fund
 * made before schema versions, up to commit 5b42a33).  Each version past 1
 * is a migration in tlog.c's list, made by 'redress migrate'.
 */
#define TLOG_SCHEMA_VERSION 19

/* An event as read back from the log, for replay. */
struct event {
	uint64_t seq;
	const char *type;
	const char *actor;
	const char *at;
	const struct canon_node *data; /* the event's "data" object */
	int version;                   /* its "v": 1 before salts; 0 where not read (replay) */
	/*
	 * When the event is applied by tlog_append_apply, the module's slot for
	 * the change (tlog_module_state), so that replay may keep work for the
	 * change's end (the ledger's account totals, written once at commit);
	 * NULL in audit's replay, which writes everything at once.
	 */
	void **state;
};

struct audit_report;
struct audit_fold;

/*
 * What a domain module tells the log about itself.  Every event whose type
 * starts with type_prefix belongs to the module, and only the module's
 * replay function interprets it.
 */
struct event_module {
	const char *name;        /* "ledger" */
	const char *type_prefix; /* "ledger." */
	/* DDL for the module's projection tables; must be re-runnable (IF NOT EXISTS). */
	const char *schema;
	/* The module's statements, prepared when the log is opened (NULL: none). */
	const struct store_catalogue *catalogue;
	/*
	 * The ids of nsnapshots statements of .catalogue that read each
	 * projection table whole, ordered by its key, key first.  Audit runs
	 * them on the live tables and on the replayed ones, and compares and
	 * digests their rows by the statements' declared column types, so that
	 * a fund digests the same on every backend.
	 */
	const unsigned *snapshot_ids;
	size_t nsnapshots;
	/* Applies one of the module's events to the tables in store. */
	enum redress_err (*replay)(struct store *store, const struct event *ev, struct redress_error *err);
	/* Checks invariants of the live tables (may be NULL); adds findings to report. */
	enum redress_err (*check)(struct store *store, struct audit_report *report,
	                          struct redress_error *err);
	/*
	 * Work a module defers to the end of a change (may be NULL): its
	 * state from tlog_module_state() is flushed into store just before
	 * the change commits, and discarded (freed) after the commit or a
	 * rollback.  Deferring lets a change of many events write a row
	 * that many of them touch once rather than once per event.
	 */
	enum redress_err (*flush)(struct store *store, void *state, struct redress_error *err);
	void (*discard)(void *state);
	/*
	 * Audit's fast path (may all be NULL; audit then always replays into
	 * SQL).  fold_begin makes an empty in-memory model; fold applies one
	 * event to it, adding to fold every row that no later event can
	 * change; fold_end adds the rows still held (fold may be NULL: just
	 * free) and frees the model.  The rows must be, column for column,
	 * what the snapshot queries read from the tables.
	 */
	void *(*fold_begin)(void);
	enum redress_err (*fold)(void *model, const struct event *ev, struct audit_fold *fold,
	                         struct redress_error *err);
	void (*fold_end)(void *model, struct audit_fold *fold);
	/*
	 * Audit's check of who made each event (may be NULL; needs fold):
	 * called in the fast pass with the module's fold model for every
	 * event of the log, whichever module owns it, in order and before the
	 * event is folded, so the model is the state just before it.  Adds a
	 * finding to report when the event's actor could not have made it at
	 * that moment.  The users module replays roles this way.
	 */
	void (*gate)(void *model, const struct event *ev, struct audit_report *report);
};

/*
 * The projection of an event to its public part, registered with the log
 * by the layer that knows what a public feed may show (the reports
 * module's feed, with the fund's index key as ctx).  project appends to
 * out the public part of the version-3 event (len bytes, as tlog encodes
 * it): canonical JSON, a function of the event's bytes and ctx only, the
 * same on every call and in every later redress (a change to it is a new
 * event version).  It changes nothing on failure.
 */
struct tlog_public {
	enum redress_err (*project)(const void *ctx, const char *event, size_t len, struct buf *out,
	                            struct redress_error *err);
	const void *ctx; /* owned by the caller; must outlive the log */
	/*
	 * Optional: the same projection of an event already read (canon_read
	 * of the same bytes, its root), to the same bytes.  tlog_append reads
	 * each event once, and tlog_append_apply replays its data from that
	 * read; NULL: project reads the bytes itself.
	 */
	enum redress_err (*project_read)(const void *ctx, const struct canon_node *event, struct buf *out,
	                                 struct redress_error *err);
};

/* The log's own statements (tlog_catalogue), by id. */
enum tlog_statement {
	TLOG_Q_META_SET,
	TLOG_Q_META_GET,
	TLOG_Q_SIZE,
	TLOG_Q_EVENT_INSERT,
	TLOG_Q_EVENT_GET,
	TLOG_Q_NODE_INSERT,
	TLOG_Q_NODE_GET,
	TLOG_Q_LEAF_GET,
	TLOG_Q_CHECKPOINT_INSERT,
	TLOG_Q_CHECKPOINT_LATEST,
	TLOG_Q_EVENTS_ALL,
	TLOG_Q_NODES_ALL,
	TLOG_Q_CHECKPOINTS_ALL,
	TLOG_Q_META_PUT,
	TLOG_Q_CHECKPOINT_LATEST_SIZE,
	TLOG_Q_COSIG_PUT,
	TLOG_Q_COSIG_AT,
	TLOG_Q_CHECKPOINT_AT,
	TLOG_Q_COUNT
};
extern const struct store_statement tlog_statements[TLOG_Q_COUNT];
extern const struct store_catalogue tlog_catalogue;

struct tlog;
struct seal_key;

/*
 * Creates a new log in an empty database: the log's and every module's
 * tables, and the first event, "log.created", which records origin (the
 * checkpoint origin line) and the public key that signs its checkpoints.
 * modules is NULL-terminated.  Nothing is written on failure.
 */
enum redress_err tlog_create(struct store *store, const struct sign_key *key, const char *origin,
                             const char *actor, const struct event_module *const *modules,
                             struct redress_error *err);

/* tlog_create whose first event is already of version 3, by the projection pub (copied). */
enum redress_err tlog_create_public(struct store *store, const struct sign_key *key, const char *origin,
                                    const char *actor, const struct event_module *const *modules,
                                    const struct tlog_public *pub, struct redress_error *err);

/*
 * Opens the log kept in store.  key signs checkpoints and may be NULL for a
 * read-only log; when given, it must be the key the log was created with.
 * The store and key stay owned by the caller and must outlive the log.
 * The caller frees *log_r with tlog_close().
 */
enum redress_err tlog_open(struct store *store, const struct sign_key *key,
                           const struct event_module *const *modules, struct tlog **log_r,
                           struct redress_error *err);

/*
 * Checks that master and index (the key directory's master.key and
 * index.key) are the keys this fund was made with, by fingerprints kept in
 * log_meta; a mismatch is REDRESS_E_KEYS naming the file (so that a wrong
 * index.key never lets a national id register twice).  A fund without
 * fingerprints yet gets them recorded, when the log was opened with its key.
 */
enum redress_err tlog_keys_check(struct tlog *log, const struct seal_key *master,
                                 const struct seal_key *index, struct redress_error *err);

/*
 * Records master as the fund's master key (its fingerprint), inside the
 * change open on log: `keys rotate`, in the change that seals everything
 * again under it.
 */
enum redress_err tlog_keys_record_master(struct tlog *log, const struct seal_key *master,
                                         struct redress_error *err);

/* 1 when the fund's recorded master-key fingerprint is master's; 0 when not, or none is recorded. */
int tlog_keys_is_master(struct tlog *log, const struct seal_key *master);

/*
 * The high-water mark: the last signed checkpoint, kept in a file outside
 * the database (the key directory's "checkpoint"), so that a database that
 * lost its latest changes (a cut or deleted journal, an old copy put back)
 * is found before anything is written on it -- which would fork the log.
 * Checks the database against the file at path (absent: nothing to check):
 * fewer events than the file's checkpoint is REDRESS_E_STORE_IO, a tree
 * that does not have the file's root at its size REDRESS_E_TAMPERED, a file
 * not signed by this log REDRESS_E_KEYS.  With keep, this log writes the
 * file after each commit that signs a checkpoint (and now, when it lags).
 */
enum redress_err tlog_high_water(struct tlog *log, const char *path, int keep, struct redress_error *err);

/*
 * For a log kept by tlog_high_water that commits often (a server): the
 * file is written by a thread of its own from now on, the commit only
 * handing its checkpoint over (replacing the file waits for the disk).
 * The file is then behind the database by at most the write under way;
 * tlog_close writes the last one.  Nothing to do for a log that keeps no
 * file.  REDRESS_E_NOMEM or REDRESS_E_INTERNAL when the thread cannot be had.
 */
enum redress_err tlog_high_water_async(struct tlog *log, struct redress_error *err);

/*
 * The schema's version of a database: REDRESS_OK with *version_r; a
 * database without a redress log is REDRESS_E_STORE.  tlog_open() refuses
 * a database whose version is not TLOG_SCHEMA_VERSION, naming what to do
 * (an older one: 'redress migrate'; a newer one: a newer redress).
 */
enum redress_err tlog_schema_version(struct store *store, int64_t *version_r, struct redress_error *err);

/* Makes the log's tables and every module's where missing, and nothing else (the target of a copy). */
enum redress_err tlog_schema_make(struct store *store, const struct event_module *const *modules,
                                  struct redress_error *err);

/*
 * Brings an older database's schema to TLOG_SCHEMA_VERSION, one numbered
 * migration at a time, all in one change: each runs its DDL and appends a
 * "log.migrated" event ({"from": N, "to": N+1, "what": "..."}), so the log
 * holds the schema's history.  key signs the checkpoint.  *from_r is the
 * version found.  Nothing is changed when it fails (or when the schema is
 * already current).  The caller backs the database up first.  projection
 * (may be NULL: version 2) makes the "log.migrated" events version 3.
 */
enum redress_err tlog_migrate(struct store *store, const struct sign_key *key,
                              const struct event_module *const *modules, const struct tlog_public *projection,
                              int64_t *from_r, struct redress_error *err);

/*
 * Registers the projection of events to their public parts (copied; NULL
 * or a NULL project takes it away).  A log with one appends version-3
 * events and checks their leaves (tlog_event_leaf); a log without one
 * appends version 2 (a scratch log, such as a recount's) and cannot
 * recompute a version-3 leaf from the event's bytes.
 */
void tlog_set_public(struct tlog *log, const struct tlog_public *pub);
int tlog_has_public(const struct tlog *log);

/* An event's version from its canonical bytes (they end in "v":N}): 1, 2, 3; 0 when unreadable. */
int tlog_event_version(const void *event, size_t len);

/* The leaf hash of a version-3 event from its leaf entry's halves: SHA-256(public part), SHA-256(bytes). */
void tlog_leaf_entry(const uint8_t public_hash[MERKLE_HASH_SIZE],
                     const uint8_t private_hash[MERKLE_HASH_SIZE], uint8_t leaf_r[MERKLE_HASH_SIZE]);

/* The leaf hash of a version-3 event from its public part's SHA-256 and its bytes. */
void tlog_leaf_v3(const uint8_t public_hash[MERKLE_HASH_SIZE], const void *event, size_t len,
                  uint8_t leaf_r[MERKLE_HASH_SIZE]);

/*
 * The leaf hash of an event from its bytes alone, for a verifier: the
 * RFC 9162 leaf of the bytes for versions 1 and 2; for version 3 the leaf
 * of public_hash (the SHA-256 of its public part, as a receipt or an
 * archive carries it) and the bytes.  A version-3 event without
 * public_hash is REDRESS_E_INVALID.
 */
enum redress_err tlog_leaf_of(const void *event, size_t len, const uint8_t *public_hash,
                              uint8_t leaf_r[MERKLE_HASH_SIZE], struct redress_error *err);

/*
 * Appends the public part of a version-3 event (len bytes) to out, by the
 * log's projection; REDRESS_E_KEYS when the log has none (opened without
 * the fund's index key), REDRESS_E_INVALID for an event of another version.
 */
enum redress_err tlog_event_public(struct tlog *log, const void *event, size_t len, struct buf *out,
                                   struct redress_error *err);

/*
 * Appends to out the RFC 9162 leaf input of an event (len bytes): its
 * bytes for versions 1 and 2; for version 3 the 64-byte leaf entry,
 * SHA-256(public part) || SHA-256(bytes), by the log's projection
 * (REDRESS_E_KEYS without one).  What an RFC 9162 verifier hashes as the
 * leaf (`audit show --leaf`).
 */
enum redress_err tlog_event_entry(struct tlog *log, const void *event, size_t len, struct buf *out,
                                  struct redress_error *err);

/*
 * The leaf hash of an event (len bytes) as the log computes it at append:
 * for version 3 through the log's projection (REDRESS_E_KEYS without one).
 */
enum redress_err tlog_event_leaf(struct tlog *log, const void *event, size_t len,
                                 uint8_t leaf_r[MERKLE_HASH_SIZE], struct redress_error *err);
/*
 * The same with the caller's scratch buffer for the public part: it reads
 * the log only, so several threads may call it at once on one log.
 */
enum redress_err tlog_event_leaf_in(const struct tlog *log, const void *event, size_t len,
                                    struct buf *scratch, uint8_t leaf_r[MERKLE_HASH_SIZE],
                                    struct redress_error *err);

/* Frees the log (not its store); NULL is a no-op; sets *log to NULL. */
void tlog_close(struct tlog **log);

/* Who the following events are attributed to ("os:alice", later "user:bob"). */
enum redress_err tlog_set_actor(struct tlog *log, const char *actor, struct redress_error *err);

/*
 * Dates the following events at (RFC 3339, as clock.h writes it) instead of
 * the clock; NULL or "" goes back to the clock.  Only for rebuilding tables
 * from a public feed (report_recount), never for the fund's own log.
 */
enum redress_err tlog_set_time(struct tlog *log, const char *at, struct redress_error *err);

struct store *tlog_store(struct tlog *log);
const char *tlog_origin(const struct tlog *log);
/* Who the next events are attributed to (as tlog_set_actor set it), owned by the log. */
const char *tlog_actor(const struct tlog *log);
const struct event_module *const *tlog_modules(const struct tlog *log);

/*
 * The slot where module keeps its state for the current change; NULL
 * outside a change or for a module the log was not opened with.  The slot
 * starts NULL at each tlog_begin(); the module allocates into it, and its
 * flush and discard functions see what it put there.
 */
void **tlog_module_state(struct tlog *log, const struct event_module *module);

/* Starts a change (takes the database's write lock). */
enum redress_err tlog_begin(struct tlog *log, struct redress_error *err);

/*
 * Appends an event of type with data (data_len bytes of one canonical JSON
 * object) and its Merkle nodes.  *seq_r (may be NULL) is its position.
 * Only between tlog_begin and tlog_commit.
 */
enum redress_err tlog_append(struct tlog *log, const char *type, const char *data, size_t data_len,
                             uint64_t *seq_r, struct redress_error *err);

/*
 * Appends to out the bytes of an event (the Merkle leaf input, the format
 * above) with data (data_len bytes of one canonical JSON object) and salt
 * (its text; NULL for an event of version 1, written before salts): what
 * tlog_append writes, and what an offline verifier rebuilds from an
 * event's parts.
 */
enum redress_err tlog_encode_event(struct buf *out, const char *actor, const char *at, const char *data,
                                   size_t data_len, const char *salt, uint64_t seq, const char *type,
                                   struct redress_error *err);

/* tlog_encode_event of an event of version (1 without a salt; 2 or 3 with one). */
enum redress_err tlog_encode_event_version(struct buf *out, int version, const char *actor, const char *at,
                                           const char *data, size_t data_len, const char *salt, uint64_t seq,
                                           const char *type, struct redress_error *err);

/*
 * tlog_append with the data a module built in a struct buf: the buffer's
 * sticky error (out of memory, over its limit) is reported first.
 */
enum redress_err tlog_append_buf(struct tlog *log, const char *type, const struct buf *data, uint64_t *seq_r,
                                 struct redress_error *err);

/*
 * The one path from a change to the tables: appends an event of module's
 * (type must start with its prefix) and applies it to the tables by the
 * module's own replay function, from the very bytes appended.  What a
 * change writes is then by construction what audit's replay writes.
 * *seq_r (may be NULL) is the event's position.  Only between tlog_begin
 * and tlog_commit; on failure the caller rolls the change back.
 */
enum redress_err tlog_append_apply(struct tlog *log, const struct event_module *module, const char *type,
                                   const struct buf *data, uint64_t *seq_r, struct redress_error *err);

/*
 * Signs a checkpoint for the new tree size and commits the transaction.
 * On failure everything since tlog_begin is rolled back.
 */
enum redress_err tlog_commit(struct tlog *log, struct redress_error *err);

/* Abandons the change; nothing since tlog_begin remains. */
void tlog_rollback(struct tlog *log);

/*
 * Nonzero when a change begun on this handle since the last call found the
 * tree grown by another handle (another process: the command line beside a
 * server) after this handle's own last commit; clears the mark.  The
 * first change after opening notices nothing: the handle had no commit to
 * compare with.
 */
int tlog_take_written_beside(struct tlog *log);

/*
 * The tree size this handle's last commit began at and left, as the handle
 * knows them (no database read); 0 when it has committed nothing yet.
 */
void tlog_committed(const struct tlog *log, uint64_t *start_r, uint64_t *size_r);

/* The number of events in the log (the tree size). */
enum redress_err tlog_size(struct tlog *log, uint64_t *size_r, struct redress_error *err);

/* Appends the latest signed checkpoint (a whole signed note) to out. */
enum redress_err tlog_checkpoint(struct tlog *log, struct buf *out, struct redress_error *err);

/*
 * Appends the latest signed checkpoint with every witness's cosignature line
 * kept for it (log/cosig.h) to out: the note a witness policy is checked
 * on.  *size_r (may be NULL) is its tree size.
 */
enum redress_err tlog_checkpoint_cosigned(struct tlog *log, struct buf *out, uint64_t *size_r,
                                          struct redress_error *err);

/*
 * Appends the witnesses' cosignature lines kept for the checkpoint of size
 * (none: nothing), in the order tlog_checkpoint_cosigned lists them.
 */
enum redress_err tlog_cosignatures_at(struct tlog *log, uint64_t size, struct buf *out,
                                      struct redress_error *err);

/*
 * Keeps witness's cosignature line (one "— NAME BASE64\n" line, already
 * verified by the caller) on the checkpoint of size, replacing that
 * witness's earlier one for the size.  Its own transaction; never inside a
 * change (REDRESS_E_INTERNAL).  On failure nothing is kept.
 */
enum redress_err tlog_cosign_add(struct tlog *log, uint64_t size, const char *witness, const char *line,
                                 struct redress_error *err);

/* Appends the verifier key (signed-note vkey text) of the log to out. */
enum redress_err tlog_vkey(struct tlog *log, struct buf *out, struct redress_error *err);

/* Appends the exact bytes of event seq (its Merkle leaf input) to out. */
enum redress_err tlog_event_bytes(struct tlog *log, uint64_t seq, struct buf *out, struct redress_error *err);

/* Proofs against the tree of the first size events (size 0: the current size). */
enum redress_err tlog_prove_inclusion(struct tlog *log, uint64_t index, uint64_t size, uint64_t *size_r,
                                      uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r,
                                      struct redress_error *err);
enum redress_err tlog_prove_consistency(struct tlog *log, uint64_t old_size, uint64_t size, uint64_t *size_r,
                                        uint8_t proof_r[][MERKLE_HASH_SIZE], size_t *count_r,
                                        struct redress_error *err);

/* The root of the tree of the first size events, from the stored nodes. */
enum redress_err tlog_root_at(struct tlog *log, uint64_t size, uint8_t root_r[MERKLE_HASH_SIZE],
                              struct redress_error *err);

/* The log's public key that signs now (the first, unless the key was rotated). */
const uint8_t *tlog_public_key(const struct tlog *log);

/* The log's signing keys over time (log/keychain.h), owned by the log. */
struct keychain;
const struct keychain *tlog_keychain(const struct tlog *log);

/* Appends the signed checkpoint of size (as signed, no cosignatures) to out; none is REDRESS_E_NOTFOUND. */
enum redress_err tlog_checkpoint_at(struct tlog *log, uint64_t size, struct buf *out,
                                    struct redress_error *err);

/*
 * Appends the log's handover checkpoints, oldest first, to out as one JSON
 * array of strings (each a whole signed note): what a verifier who holds
 * an earlier key needs to follow the chain (`redress audit handovers`,
 * the "handovers" of a published report and of a receipt).  "[]" for a
 * log never rotated.
 */
enum redress_err tlog_handovers_json(struct tlog *log, struct buf *out, struct redress_error *err);

/*
 * The same, as they stood when the tree had size events: the handovers at
 * sizes up to size (what a report proved against the checkpoint of size
 * carried when it was published, whatever rotations came later).
 */
enum redress_err tlog_handovers_json_at(struct tlog *log, uint64_t size, struct buf *out,
                                        struct redress_error *err);

/* The event of a rotation of the log's signing key (`keys rotate --log`). */
#define TLOG_EV_KEY_ROTATED "log.key.rotated"

/*
 * Hands the log over to new_key, inside the change open on log (which
 * must have been opened with its current key): appends the event
 * "log.key.rotated" ({"public_key": BASE64}) and makes the change's
 * checkpoint a handover (log/keychain.h), signed by the current key and
 * by new_key, whose size is recorded in log_meta.  Once committed, new_key
 * signs every later checkpoint (the caller keeps it alive as long as the
 * log); rolled back, nothing changed.  A key the log used before is
 * REDRESS_E_KEYS.
 */
enum redress_err tlog_rotate_key(struct tlog *log, const struct sign_key *new_key, struct redress_error *err);

/* Position in the node table of the interior perfect subtree (level >= 1, index). */
uint64_t tlog_node_id(unsigned level, uint64_t index);

#endif
