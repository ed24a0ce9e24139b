/*
 * claims_int.h -- what claims.c (commands and reads), claims_apply.c
 * (events, tables, replay) and claims_fold.c (audit's fast path) share.
 * Private to src/domain/claims.
 */
#ifndef REDRESS_DOMAIN_CLAIMS_INT_H
#define REDRESS_DOMAIN_CLAIMS_INT_H

#include "core/buf.h"
#include "domain/claims/claims.h"
#include "log/audit.h"

#define CLAIMS_EV_OPENED        "claims.claim.opened"
#define CLAIMS_EV_EVIDENCE      "claims.evidence.added"
#define CLAIMS_EV_SUBMITTED     "claims.claim.submitted"
#define CLAIMS_EV_APPROVED      "claims.claim.approved"
#define CLAIMS_EV_DENIED        "claims.claim.denied"
#define CLAIMS_EV_APPEALED      "claims.claim.appealed"
#define CLAIMS_EV_READ          "claims.evidence.read"
#define CLAIMS_EV_REASONS       "claims.reasons.read"
#define CLAIMS_EV_HARM          "claims.harm.claimed"
#define CLAIMS_EV_HARM_REV      "claims.harm.reviewed"
#define CLAIMS_EV_UPHELD        "claims.appeal.upheld"
#define CLAIMS_EV_OVERTURN      "claims.appeal.overturned"
#define CLAIMS_EV_VOTE_UPHOLD   "claims.appeal.vote.upheld"
#define CLAIMS_EV_VOTE_OVERTURN "claims.appeal.vote.overturned"

/*
 * Sealed text is "s1:" and the base64 of a 24-byte nonce, the plain bytes
 * and a 16-byte tag: a reason of CLAIM_REASON_MAX bytes seals to under
 * 5,500 characters, a file name to under 400.
 */
#define CLAIMS_SEALED_MAX 8192

/* Evidence is sealed in parts of this many bytes, one row each. */
#define CLAIMS_EVIDENCE_PART (1u << 20)

/* The snapshot tables, in claims_module.snapshot_ids order. */
enum {
	CLAIMS_TABLE_CLAIMS,
	CLAIMS_TABLE_EVIDENCE,
	CLAIMS_TABLE_DECISIONS,
	CLAIMS_TABLE_HARMS,
	CLAIMS_TABLE_HARM_REVIEWS,
};

/* The module's statements (claims_apply.c; docs/store.md). */
enum claims_statement {
	CLAIMS_Q_GET,
	CLAIMS_Q_INSERT,
	CLAIMS_Q_UPDATE,
	CLAIMS_Q_EVIDENCE_INSERT,
	CLAIMS_Q_DECISION_INSERT,
	CLAIMS_Q_APPROVED_BY,
	CLAIMS_Q_TOOK_PART,          /* did actor approve, deny or review a harm of a claim before a round */
	CLAIMS_Q_VOTED_BY,           /* has actor voted on this round's appeal */
	CLAIMS_Q_HARM_INSERT,        /* a harm named on a claim */
	CLAIMS_Q_HARM_GET,           /* one harm of a claim: 1 row when named */
	CLAIMS_Q_HARM_REVIEW_INSERT, /* a reviewer's verdict on a harm */
	CLAIMS_Q_HARM_REVIEWED_BY,   /* has actor reviewed this harm this round */
	CLAIMS_Q_HARMS_OF,           /* a claim's harms with this round's verdicts */
	CLAIMS_Q_COUNT,              /* how many claims there are (a dialect each) */
	CLAIMS_Q_BY_VICTIM,          /* a victim's claim under a program */
	CLAIMS_Q_EACH,               /* claims by state and program, either may be NULL */
	CLAIMS_Q_EACH_STATE,         /* the same, by state alone, through its index */
	CLAIMS_Q_EACH_VICTIM,        /* a victim's claims */
	CLAIMS_Q_EVIDENCE_EACH,      /* a claim's evidence files */
	CLAIMS_Q_EVIDENCE_GET,       /* one evidence file's sealed name, SHA-256 and size */
	CLAIMS_Q_DECISION_EACH,      /* a claim's transitions */
	CLAIMS_Q_REASON_GET,         /* one decision's sealed reason */
	CLAIMS_Q_BLOB_PUT,           /* one sealed part of an evidence file */
	CLAIMS_Q_BLOB_PARTS,         /* an evidence file's sealed parts, in order */
	CLAIMS_Q_SNAPSHOT_CLAIMS,    /* the snapshots, in CLAIMS_TABLE_* order */
	CLAIMS_Q_SNAPSHOT_EVIDENCE,
	CLAIMS_Q_SNAPSHOT_DECISIONS,
	CLAIMS_Q_SNAPSHOT_HARMS,
	CLAIMS_Q_SNAPSHOT_HARM_REVIEWS,
	CLAIMS_Q_CHECK_BLOBS,   /* evidence rows without their sealed file */
	CLAIMS_Q_CHECK_ORPHANS, /* sealed files without their evidence row */
};

extern const struct store_catalogue claims_catalogue;

/* A harm event's fields: named (with evidence) or reviewed (with a verdict). */
struct claims_ev_harm {
	char claim[CLAIM_ID_MAX + 1];
	char harm[CLAIM_HARM_CODE_MAX + 1];
	char evidence[CLAIM_HARM_EVIDENCE_TEXT + 1]; /* named: "1,2" */
	int approve;                                 /* reviewed: 1 approved, 0 denied */
};

/* An evidence event's fields; name and sha256 borrowed from the event or the command. */
struct claims_ev_evidence {
	char claim[CLAIM_ID_MAX + 1];
	int n;
	const char *name; /* sealed */
	const char *sha256;
	int64_t size;
	char label[CLAIM_LABEL_MAX + 1]; /* "": none (files from before labels) */
};

/* An evidence read's fields: which file of which claim was opened (the actor is the event's). */
struct claims_ev_read {
	char claim[CLAIM_ID_MAX + 1];
	int n; /* the evidence file; 0 in "claims.reasons.read" (its decisions' reasons), which has no "n" */
	const char *why; /* "claims.reasons.read": why they were opened, sealed (borrowed); NULL: not given */
};

/* A transition event's fields; reason borrowed (sealed, or NULL). */
struct claims_ev_transition {
	char claim[CLAIM_ID_MAX + 1];
	enum claim_action action;
	const char *reason;
	int deciders; /* an appeal's: the members who must agree (0: not named, one decides) */
};

/*
 * Steps st (CLAIMS_Q_GET's columns) and reads its claim into *c, as
 * store_read(): STORE_ROW, STORE_DONE, or STORE_ERROR with err filled.
 */
enum store_step_result claims_next(struct store_stmt *st, struct claim *c, struct redress_error *err);

/* "C-000001" ...: an id as claim_open makes them. */
enum redress_err claims_id_check(const char *id, struct redress_error *err);

/* The event type of a transition; and an action from its name (1 when known). */
const char *claims_action_event(enum claim_action action);
int claims_action_parse(const char *text, enum claim_action *action_r);

/*
 * The rules of a transition t on the claim as it stands, shared by the
 * commands, replay and the fold: state, four eyes, the count of approvals,
 * the appeal's members who must agree.  actor is the event's; before is,
 * for an approval, 1 when actor already approved this round, and for an
 * appeal's decision or vote CLAIMS_BEFORE_TOOK_PART when actor took part
 * in an earlier round, CLAIMS_BEFORE_VOTED when it voted on this appeal
 * (claims_appeal_before).  On success c is the claim after the transition
 * (seq is the event's); on error c is unchanged and err names the state or
 * the rule.
 */
enum redress_err claims_transition(struct claim *c, const struct claims_ev_transition *t, const char *actor,
                                   int before, uint64_t seq, struct redress_error *err);

#define CLAIMS_BEFORE_TOOK_PART 1
#define CLAIMS_BEFORE_VOTED     2
#define CLAIMS_DECIDERS_MAX     9 /* an appeal's deciders, at most */

/* The members who must agree on c's appeal (claims.h): 1 for an appeal made before two were asked. */
int claims_deciders(const struct claim *c);
/* The action decides or votes on an appeal; it needs a reason (a denial, an appeal's decision or vote). */
int claims_action_on_appeal(enum claim_action action);
int claims_action_needs_reason(enum claim_action action);
/* *before_r for claims_transition on c's appeal: took part before, voted on it, or 0. */
enum redress_err claims_appeal_before(struct store *store, const struct claim *c, const char *actor,
                                      int *before_r, struct redress_error *err);

/* 1 in *took_part_r when actor approved or denied claim id, or reviewed one of its harms, before round. */
enum redress_err claims_took_part(struct store *store, const char *id, int round, const char *actor,
                                  int *took_part_r, struct redress_error *err);

/* Evidence may be attached in this state. */
int claims_evidence_allowed(enum claim_state state);

/* Canonical event data, appended to out. */
enum redress_err claims_encode_opened(struct buf *out, const struct claim *c, struct redress_error *err);
enum redress_err claims_encode_evidence(struct buf *out, const struct claims_ev_evidence *e,
                                        struct redress_error *err);
enum redress_err claims_encode_transition(struct buf *out, const struct claims_ev_transition *t,
                                          struct redress_error *err);
enum redress_err claims_encode_read(struct buf *out, const struct claims_ev_read *r,
                                    struct redress_error *err);

/* Reading events back: each checks every field and refuses unknown ones. */
enum redress_err claims_decode_opened(const struct event *ev, struct claim *c, struct redress_error *err);
enum redress_err claims_decode_evidence(const struct event *ev, struct claims_ev_evidence *e,
                                        struct redress_error *err);
enum redress_err claims_decode_transition(const struct event *ev, struct claims_ev_transition *t,
                                          struct redress_error *err);
enum redress_err claims_decode_read(const struct event *ev, struct claims_ev_read *r,
                                    struct redress_error *err);

/*
 * Applying events to the tables; the commands and replay share these.
 * actor and seq are the event's.  claims_apply_transition checks the rules
 * (claims_transition) against the tables.
 */
enum redress_err claims_apply_opened(struct store *store, const struct claim *c, struct redress_error *err);
enum redress_err claims_apply_evidence(struct store *store, const struct claims_ev_evidence *e,
                                       const char *actor, uint64_t seq, struct redress_error *err);
enum redress_err claims_apply_transition(struct store *store, const struct claims_ev_transition *t,
                                         const char *actor, uint64_t seq, struct redress_error *err);

/*
 * Harms (claims_harms.c): the events' data, read back (every field
 * checked: the claim id, the harm's code, the evidence list ascending and
 * within bounds), the rules shared by commands, replay and the fold, and
 * the tables.  claims_harm_rules checks a harm event against the claim c
 * as it stands: its state, and for a review that actor did not open it
 * nor, on an appealed claim, take part in it before (took_part, from
 * claims_took_part).
 */
enum redress_err claims_encode_harm(struct buf *out, const struct claims_ev_harm *h, int reviewed,
                                    struct redress_error *err);
enum redress_err claims_decode_harm(const struct event *ev, struct claims_ev_harm *h,
                                    struct redress_error *err);
enum redress_err claims_harm_rules(const struct claim *c, const struct claims_ev_harm *h, int reviewed,
                                   const char *actor, int took_part, struct redress_error *err);
enum redress_err claims_apply_harm(struct store *store, const struct event *ev,
                                   const struct claims_ev_harm *h, struct redress_error *err);
void claims_fold_harm(struct audit_fold *fold, const struct claims_ev_harm *h, const char *actor,
                      uint64_t seq);
void claims_fold_harm_review(struct audit_fold *fold, const struct claims_ev_harm *h, int round,
                             const char *actor, uint64_t seq);

/* 1 in *approved_r when actor has approved claim id in round. */
enum redress_err claims_approved_by(struct store *store, const char *id, int round, const char *actor,
                                    int *approved_r, struct redress_error *err);

/* Audit's fast path (claims_fold.c). */
void *claims_fold_begin(void);
enum redress_err claims_fold(void *model, const struct event *ev, struct audit_fold *fold,
                             struct redress_error *err);
void claims_fold_end(void *model, struct audit_fold *fold);

/* The rows of each table as the snapshot queries read them, for the fold. */
void claims_fold_claim(struct audit_fold *fold, const struct claim *c);
void claims_fold_evidence(struct audit_fold *fold, const struct claims_ev_evidence *e, const char *actor,
                          uint64_t seq);
void claims_fold_decision(struct audit_fold *fold, const struct claims_ev_transition *t, int round,
                          const char *actor, uint64_t seq);

#endif
