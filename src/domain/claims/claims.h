/*
 * claims.h -- a claim for a victim under a program, from intake to decision.
 *
 *   open -> submitted -> approved        (after `approvals` approvals by
 *                     \-> denied  -> appealed -> approved (overturned)
 *                                             \-> denied   (upheld; final)
 *
 * A claim is for one victim (registry pseudonym) under one program; the
 * claimant is the victim or a relative acting for her or her estate.
 * Evidence files are stored sealed (crypto/seal.h) with the victim's data
 * key, and their SHA-256 recorded.  Approval needs `approvals` approvals
 * (program.approvals, at least two) by different reviewers, none of whom
 * opened the claim.  Every transition checks the current state, is an
 * event ("claims.*"), and a decision carries its reason (sealed: it may
 * describe the person).
 *
 * An appeal (a caseworker's, on the survivor's behalf, against a denial;
 * once per claim) is decided only by accounts of the `appeals` role that
 * took no part in the claim before: they did not open it, approve or
 * deny it, or review any of its harms in an earlier round.  Deciding an
 * appeal takes a second person (DESIGN.md): it is decided when
 * CLAIM_APPEAL_DECIDERS members agree, each member's decision before
 * that being a vote (an appeal made before this rule, whose event names
 * no deciders, was decided by one).  Upheld, the claim stays denied for
 * good; overturned, it is approved (and the next entitlement run books
 * what it is owed).
 *
 * Claim ids are "C-000001", in order of opening.
 */
#ifndef REDRESS_DOMAIN_CLAIMS_H
#define REDRESS_DOMAIN_CLAIMS_H

#include <jansson.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "crypto/seal.h"
#include "domain/registry/registry.h"
#include "domain/users/users.h"
#include "log/tlog.h"

#define CLAIM_ID_MAX          16
#define CLAIM_REASON_MAX      4000
#define CLAIM_EVIDENCE_MAX    (64u << 20) /* bytes in one evidence file */
#define CLAIM_FILENAME_MAX    255         /* bytes in an evidence file's base name */
#define CLAIM_EVIDENCE_FILES  1000        /* evidence files on one claim, at most */
#define CLAIM_APPEAL_DECIDERS 2           /* appeals members who must agree to decide an appeal */

enum claim_state {
	CLAIM_OPEN,
	CLAIM_SUBMITTED,
	CLAIM_APPROVED,
	CLAIM_DENIED,
	CLAIM_APPEALED,
};

struct claim {
	char id[CLAIM_ID_MAX + 1];
	char program[65];
	char victim[REGISTRY_PSEUDONYM_MAX + 1];
	char claimant[REGISTRY_PSEUDONYM_MAX + 1];
	enum claim_state state;
	char opened_by[TLOG_ACTOR_MAX + 1]; /* the log's actor: "user:NAME", or "os:NAME" for the bootstrap */
	int approvals_needed;               /* the program's approvals when the claim was opened */
	int approvals;                      /* approvals since the last submission or appeal */
	int round;                          /* appeals so far: approvals count within one round */
	int evidence;                       /* evidence files attached */
	uint64_t opened_seq;
	uint64_t decided_seq; /* 0 until approved or denied; 0 again after an appeal */
	/*
	 * The appeal's members who must agree (0 before an appeal, and for an
	 * appeal made before two were asked: one decides), and the votes given
	 * so far for each outcome.
	 */
	int deciders;
	int votes_upheld, votes_overturned;
};

/* A transition, as the history (claim_decision_each) records it. */
enum claim_action {
	CLAIM_SUBMIT,
	CLAIM_APPROVE,
	CLAIM_DENY,
	CLAIM_APPEAL,
	CLAIM_UPHOLD,        /* an appeal upheld: the claim stays denied */
	CLAIM_OVERTURN,      /* an appeal overturned: the claim is approved */
	CLAIM_VOTE_UPHOLD,   /* one appeals member's vote to uphold, before the members agree */
	CLAIM_VOTE_OVERTURN, /* one appeals member's vote to overturn */
};

/* One evidence file, without its content or its (sealed) name. */
struct claim_evidence {
	char claim[CLAIM_ID_MAX + 1];
	int n; /* 1, 2, ... in order of attaching */
	char sha256[65];
	int64_t size;
	char added_by[TLOG_ACTOR_MAX + 1];
	uint64_t added_seq;
};

/* One transition of a claim, with who made it. */
struct claim_decision {
	uint64_t seq; /* the event */
	char claim[CLAIM_ID_MAX + 1];
	enum claim_action action;
	int round;
	char actor[TLOG_ACTOR_MAX + 1];
	int has_reason;
};

/*
 * The harms a claim names (a program with "harms", domain/programs): each
 * with the evidence files that support it, reviewed harm by harm.  A harm
 * is approved when, in the claim's current round, the program's number of
 * different reviewers (none of whom opened the claim) approved it and none
 * denied it; denied when any reviewer denied it; else pending.  An appeal
 * starts a new round for the harms too.
 */
#define CLAIM_HARM_CODE_MAX      32
#define CLAIM_HARM_EVIDENCE_MAX  16                            /* evidence files named for one harm */
#define CLAIM_HARM_EVIDENCE_TEXT (CLAIM_HARM_EVIDENCE_MAX * 5) /* "1,2,17": numbers and commas */

enum claim_harm_state {
	CLAIM_HARM_PENDING,
	CLAIM_HARM_APPROVED,
	CLAIM_HARM_DENIED,
};

struct claim_harm {
	char claim[CLAIM_ID_MAX + 1];
	char harm[CLAIM_HARM_CODE_MAX + 1];
	char evidence[CLAIM_HARM_EVIDENCE_TEXT + 1]; /* "1,2": the claim's evidence files, ascending */
	int approvals;                               /* different reviewers, this round */
	int denials;                                 /* this round */
	enum claim_harm_state state;
	uint64_t claimed_seq;
};

extern const struct event_module claims_module;

const char *claim_harm_state_name(enum claim_harm_state state);

/*
 * Names harm (a code of the claim's program) on claim id, supported by the
 * claim's evidence files evidence[0..n-1] (1 to CLAIM_HARM_EVIDENCE_MAX of
 * them, each attached already): event "claims.harm.claimed".  While the
 * claim is open, or denied (for an appeal).  A harm named twice is
 * REDRESS_E_CONFLICT.  Needs PERM_CLAIMS_INTAKE.
 */
enum redress_err claim_harm_add(struct tlog *log, const struct actor *actor, const char *id, const char *harm,
                                const int *evidence, size_t n, struct redress_error *err);

/*
 * A reviewer's verdict on one harm of claim id (approve 1, deny 0): event
 * "claims.harm.reviewed".  While the claim is submitted or appealed; not
 * by the account that opened it, and once per reviewer, harm and round
 * (REDRESS_E_REFUSED).  Needs PERM_CLAIMS_DECIDE while submitted; while
 * appealed PERM_APPEALS_DECIDE, and not by an account that took part in
 * the claim before (as claim_appeal_decide).
 */
enum redress_err claim_harm_review(struct tlog *log, const struct actor *actor, const char *id,
                                   const char *harm, int approve, struct redress_error *err);

/* Calls fn for each harm claim id names, in order of naming, with its state this round. */
enum redress_err claim_harm_each(struct store *store, const char *id,
                                 enum redress_err (*fn)(void *ctx, const struct claim_harm *h,
                                                        struct redress_error *err),
                                 void *ctx, struct redress_error *err);

const char *claim_state_name(enum claim_state state);
enum redress_err claim_state_parse(const char *text, enum claim_state *state_r, struct redress_error *err);
const char *claim_action_name(enum claim_action action); /* "submitted", "approved", ... */

/*
 * Opens a claim under program for victim (a victim in the registry, not
 * erased), claimant defaulting to the victim.  Needs PERM_CLAIMS_INTAKE.
 */
enum redress_err claim_open(struct tlog *log, const struct actor *actor, const char *program,
                            const char *victim, const char *claimant, char id_r[CLAIM_ID_MAX + 1],
                            struct redress_error *err);

/*
 * Attaches len bytes of evidence named filename (its base name is kept,
 * sealed), sealed under the victim's data key (unwrapped with keys->master);
 * records its SHA-256 (hex) in sha256_r.  Only while the claim is open or
 * denied (new evidence for an appeal): what reviewers are deciding on does
 * not change under them.  Needs PERM_CLAIMS_INTAKE.
 */
enum redress_err claim_evidence_add(struct tlog *log, const struct actor *actor,
                                    const struct registry_keys *keys, const char *id, const char *filename,
                                    const void *data, size_t len, char sha256_r[65],
                                    struct redress_error *err);

/*
 * What kind of document an evidence file is, chosen when it is attached
 * (the page shows it in words): one of claim_evidence_labels, NULL-
 * terminated ("identity", "testimony", "medical", "family", "photo",
 * "letter", "other"), kept in clear in the event (a kind, never a name);
 * files attached before labels have none ("").
 */
#define CLAIM_LABEL_MAX 15
extern const char *const claim_evidence_labels[];

/* 1 when label is one of claim_evidence_labels. */
int claim_evidence_label_ok(const char *label);

/*
 * claim_evidence_add with label (one of claim_evidence_labels; NULL or ""
 * for none): any other is REDRESS_E_INVALID, nothing changed.
 */
enum redress_err claim_evidence_add_labelled(struct tlog *log, const struct actor *actor,
                                             const struct registry_keys *keys, const char *id,
                                             const char *filename, const char *label, const void *data,
                                             size_t len, char sha256_r[65], struct redress_error *err);

/* The label evidence e was attached with, read from its event, into label_r ("" for none). */
enum redress_err claim_evidence_label(struct tlog *log, const struct claim_evidence *e,
                                      char label_r[CLAIM_LABEL_MAX + 1], struct redress_error *err);

/*
 * Transitions; reason may be NULL except for deny.  Wrong state:
 * REDRESS_E_CONFLICT naming the state.  The actor is the log's
 * (tlog_actor): an approval by the account that opened the claim, or a
 * second by the same account in the same round, is REDRESS_E_REFUSED.
 * submit and appeal need PERM_CLAIMS_INTAKE, approve and deny
 * PERM_CLAIMS_DECIDE.  approve and deny act on a submitted claim only (an
 * appealed one is claim_appeal_decide's); a claim is appealed once (a
 * second appeal, after the first was upheld, is REDRESS_E_CONFLICT).
 */
enum redress_err claim_submit(struct tlog *log, const struct actor *actor, const char *id,
                              struct redress_error *err);
enum redress_err claim_approve(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                               const char *id, const char *reason, struct redress_error *err);
enum redress_err claim_deny(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                            const char *id, const char *reason, struct redress_error *err);
enum redress_err claim_appeal(struct tlog *log, const struct actor *actor, const struct registry_keys *keys,
                              const char *id, const char *reason, struct redress_error *err);

/*
 * Decides the appeal of claim id (appealed): overturn 1 approves it, 0
 * upholds the denial (events "claims.appeal.overturned" and
 * "claims.appeal.upheld"), with reason (required: it is what the
 * survivor is told, sealed as a denial's is).  Needs PERM_APPEALS_DECIDE;
 * an account that opened the claim, approved or denied it, or reviewed
 * one of its harms in an earlier round is REDRESS_E_REFUSED naming its
 * part; a claim not appealed (never, or decided already) is
 * REDRESS_E_CONFLICT naming its state.  Nothing changes on error.
 */
enum redress_err claim_appeal_decide(struct tlog *log, const struct actor *actor,
                                     const struct registry_keys *keys, const char *id, int overturn,
                                     const char *reason, struct redress_error *err);

/* Reads a claim; REDRESS_E_NOTFOUND naming id when there is none. */
enum redress_err claim_get(struct store *store, const char *id, struct claim *c_r, struct redress_error *err);

/* Calls fn for each claim (state filter: -1 for all; program: NULL for all), in id order. */
enum redress_err claim_each(struct store *store, int state, const char *program,
                            enum redress_err (*fn)(void *ctx, const struct claim *c,
                                                   struct redress_error *err),
                            void *ctx, struct redress_error *err);

/* Calls fn for each claim of victim, in order of opening, by the index (for a case file). */
enum redress_err claim_each_of_victim(struct store *store, const char *victim,
                                      enum redress_err (*fn)(void *ctx, const struct claim *c,
                                                             struct redress_error *err),
                                      void *ctx, struct redress_error *err);

/* Calls fn for each evidence file of claim id, and each transition, in order. */
enum redress_err claim_evidence_each(struct store *store, const char *id,
                                     enum redress_err (*fn)(void *ctx, const struct claim_evidence *e,
                                                            struct redress_error *err),
                                     void *ctx, struct redress_error *err);
enum redress_err claim_decision_each(struct store *store, const char *id,
                                     enum redress_err (*fn)(void *ctx, const struct claim_decision *d,
                                                            struct redress_error *err),
                                     void *ctx, struct redress_error *err);

/*
 * Opens evidence file n of claim id: appends its bytes to out (whose
 * maximum must allow them) and its base name to name_r, after checking its
 * size and SHA-256 against what the log recorded (REDRESS_E_CRYPTO when they
 * differ).  Needs PERM_CLAIMS_READ.  An erased victim's evidence is gone
 * with her key: REDRESS_E_NOTFOUND.
 */
enum redress_err claim_evidence_read(struct store *store, const struct actor *actor,
                                     const struct registry_keys *keys, const char *id, int n, struct buf *out,
                                     char name_r[CLAIM_FILENAME_MAX + 1], struct redress_error *err);

/*
 * claim_evidence_read, recorded: inside a change, appends the event
 * "claims.evidence.read" (who opened which file of which claim; the
 * evidence is testimony, and reading it is on the log as a reveal is).
 * On any error out is as it was and nothing is recorded.
 */
enum redress_err claim_evidence_open(struct tlog *log, const struct actor *actor,
                                     const struct registry_keys *keys, const char *id, int n, struct buf *out,
                                     char name_r[CLAIM_FILENAME_MAX + 1], struct redress_error *err);

/*
 * Records that actor opens the sealed reasons of claim id's decisions (an
 * event "claims.reasons.read", inside a change): every path that opens
 * them (the API's ?reasons=true, `claim show --reasons`) records it
 * first, as a reveal is recorded.  Needs PERM_CLAIMS_READ;
 * REDRESS_E_NOTFOUND for no such claim.
 */
enum redress_err claim_reasons_opened(struct tlog *log, const struct actor *actor, const char *id,
                                      struct redress_error *err);

/*
 * claim_reasons_opened with why they are opened (the web page asks it, as
 * a reveal asks): why, free text of at most CLAIM_REASON_MAX bytes that
 * may name people, is sealed under the victim's data key (keys->master
 * unwraps it) bound to the claim and the event, as a decision's reason is,
 * and erased with her.  why NULL records no reason.
 */
enum redress_err claim_reasons_opened_why(struct tlog *log, const struct actor *actor,
                                          const struct registry_keys *keys, const char *id, const char *why,
                                          struct redress_error *err);

/* Opens the reason of a transition (d->has_reason) into out.  Needs PERM_CLAIMS_READ. */
enum redress_err claim_reason_read(struct store *store, const struct actor *actor,
                                   const struct registry_keys *keys, const struct claim_decision *d,
                                   struct buf *out, struct redress_error *err);

/*
 * JSON for readers (claims_json.c), new references the caller decrefs:
 *   claim_json:      a claim as a list shows it (NULL when out of memory);
 *   claim_file_json: claim id with its evidence (hash, size, who added it,
 *                    never the file) and its history; with keys, each
 *                    decision's reason opened (actor needs
 *                    PERM_CLAIMS_READ), without, sealed.  Fills *file_r,
 *                    or on error leaves it NULL: REDRESS_E_NOTFOUND naming
 *                    id when there is no such claim.
 */
json_t *claim_json(const struct claim *c);
json_t *claim_harm_json(const struct claim_harm *h);
enum redress_err claim_file_json(struct store *store, const struct actor *actor,
                                 const struct registry_keys *keys, const char *id, json_t **file_r,
                                 struct redress_error *err);
/* Adds to file (claim_file_json's, of claim id) each evidence file's "label" (null: none), read from log. */
enum redress_err claim_file_labels(struct tlog *log, struct store *store, const char *id, json_t *file,
                                   struct redress_error *err);

#endif
