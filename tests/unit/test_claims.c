/*
 * test_claims.c -- claims with the log, in process: the whole state
 * machine, every illegal transition refused and changing nothing; four
 * eyes (the opener may not approve, nor a reviewer twice in a round; the
 * program's number of different reviewers is needed; an appeal starts the
 * count again); appeals decided by the appeals role alone, never by an
 * account that took part in the claim, once; who may do what; the rules of opening; evidence sealed
 * with the victim's key and read back whole, its canary content and name
 * nowhere in clear in the database's files or the events, any damage to
 * the stored file refused; each reading of it recorded on the log; and
 * audit agreeing with every table after a full workflow (no replay) and
 * naming each table edited behind its back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "claimfix.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "domain/claims/claims.h"
#include "domain/claims/claims_int.h" /* claims_transition: the rules alone */
#include "domain/programs/programs.h"

#define EVIDENCE_CANARY "canary-evidence-3b7e19c2-letter-of-the-survivor"
#define NAME_CANARY     "canary-name-8d41f0aa-medical-record.pdf"
#define REASON_CANARY   "canary-reason-c90e2b17-testimony-is-consistent"

struct world {
	struct fixture *f;
	struct actor carol, cid;      /* caseworkers */
	struct actor rita, rob, ruth; /* reviewers */
	struct actor ada;             /* an admin */
	struct actor ana, abe, aya;   /* the appeals role */
	char victim[REGISTRY_PSEUDONYM_MAX + 1], victim2[REGISTRY_PSEUDONYM_MAX + 1];
	char relative[REGISTRY_PSEUDONYM_MAX + 1];
};

static void
person(struct fixture *f, enum registry_kind kind, const char *name, char out[REGISTRY_PSEUDONYM_MAX + 1])
{
	struct registry_new_person np;
	struct redress_error err;

	memset(&np, 0, sizeof(np));
	np.kind = kind;
	snprintf(np.identity.name, sizeof(np.identity.name), "%s", name);
	snprintf(np.identity.birth_date, sizeof(np.identity.birth_date), "1928-03-01");
	snprintf(np.language, sizeof(np.language), "ko");
	claimfix_boot(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (registry_add(f->log, &f->boot, &f->rkeys, &np, out, &err) != REDRESS_OK)
		fail_msg("registry_add: %s", err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

/* A fund with the flagship program, two victims and a relative. */
static void
world(struct fixture *f, struct world *w, int approvals)
{
	struct redress_error err;
	struct program p;
	static const char text[] =
	    "{\"code\": \"flagship-2015\", \"name\": \"Flagship\", \"currency\": \"KRW\", \"cutoff\": "
	    "\"2015-12-28\","
	    " \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:flagship-2015\","
	    " \"expense\": \"benefits:flagship-2015\"},"
	    " \"benefits\": {\"survivor\": \"100000000\", \"bereaved\": \"20000000\"}, \"approvals\": 2}";

	memset(w, 0, sizeof(*w));
	w->f = f;
	assert_int_equal(program_parse(text, strlen(text), &p, &err), REDRESS_OK);
	p.approvals = approvals;
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(program_add(f->log, &f->boot, &p, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	person(f, REGISTRY_VICTIM, "Synthetic Victim One", w->victim);
	person(f, REGISTRY_VICTIM, "Synthetic Victim Two", w->victim2);
	person(f, REGISTRY_RELATIVE, "Synthetic Daughter", w->relative);
	claimfix_act(f, &w->carol, "carol", ROLE_CASEWORKER);
	claimfix_act(f, &w->cid, "cid", ROLE_CASEWORKER);
	claimfix_act(f, &w->rita, "rita", ROLE_REVIEWER);
	claimfix_act(f, &w->rob, "rob", ROLE_REVIEWER);
	claimfix_act(f, &w->ruth, "ruth", ROLE_REVIEWER);
	claimfix_act(f, &w->ada, "ada", ROLE_ADMIN);
	claimfix_act(f, &w->ana, "ana", ROLE_APPEALS);
	claimfix_act(f, &w->abe, "abe", ROLE_APPEALS);
	claimfix_act(f, &w->aya, "aya", ROLE_APPEALS);
}

/* Makes actor the one acting (the log's actor too). */
static const struct actor *
as(struct world *w, struct actor *actor)
{
	claimfix_act(w->f, actor, actor->name, actor->role);
	return actor;
}

enum step { OPEN, EVIDENCE, SUBMIT, APPROVE, DENY, APPEAL, UPHOLD, OVERTURN };

/*
 * Runs one command in its own change as actor; on error rolls back and
 * checks that nothing changed: the log's size and the claim's row.
 */
static enum redress_err
run(struct world *w, struct actor *actor, enum step step, const char *id, const char *reason,
    struct redress_error *err)
{
	struct fixture *f = w->f;
	struct claim before, after;
	char sha[65], newid[CLAIM_ID_MAX + 1];
	uint64_t size = logfix_size(f->lf);
	int had = id != NULL && claim_get(f->store, id, &before, err) == REDRESS_OK;
	enum redress_err rc;

	as(w, actor);
	assert_int_equal(tlog_begin(f->log, err), REDRESS_OK);
	switch (step) {
	case OPEN: rc = claim_open(f->log, actor, "flagship-2015", w->victim, NULL, newid, err); break;
	case EVIDENCE:
		rc = claim_evidence_add(f->log, actor, &f->rkeys, id, "doc.txt", "evidence", 8, sha, err);
		break;
	case SUBMIT: rc = claim_submit(f->log, actor, id, err); break;
	case APPROVE: rc = claim_approve(f->log, actor, &f->rkeys, id, reason, err); break;
	case DENY: rc = claim_deny(f->log, actor, &f->rkeys, id, reason, err); break;
	case UPHOLD: rc = claim_appeal_decide(f->log, actor, &f->rkeys, id, 0, reason, err); break;
	case OVERTURN: rc = claim_appeal_decide(f->log, actor, &f->rkeys, id, 1, reason, err); break;
	default: rc = claim_appeal(f->log, actor, &f->rkeys, id, reason, err); break;
	}
	if (rc != REDRESS_OK) {
		tlog_rollback(f->log);
		assert_int_equal(logfix_size(f->lf), size);
		if (had) {
			assert_int_equal(claim_get(f->store, id, &after, err), REDRESS_OK);
			assert_memory_equal(&before, &after, sizeof(before));
		}
		return rc;
	}
	assert_int_equal(tlog_commit(f->log, err), REDRESS_OK);
	return REDRESS_OK;
}

static void
ok(struct world *w, struct actor *actor, enum step step, const char *id, const char *reason)
{
	struct redress_error err;

	error_clear(&err);
	if (run(w, actor, step, id, reason, &err) != REDRESS_OK)
		fail_msg("step %d on %s by %s refused: %s", (int)step, id != NULL ? id : "-", actor->name,
		         err.message);
}

/* The step is refused with code, and the message says needle. */
static void
refused(struct world *w, struct actor *actor, enum step step, const char *id, const char *reason,
        enum redress_err code, const char *needle)
{
	struct redress_error err;
	enum redress_err rc;

	error_clear(&err);
	rc = run(w, actor, step, id, reason, &err);
	if (rc != code || strstr(err.message, needle) == NULL)
		fail_msg("step %d on %s by %s: got %d '%s', wanted %d '%s'", (int)step,
		         id != NULL ? id : "(none)", actor->name, (int)rc, err.message, (int)code, needle);
}

static char *
open_claim(struct world *w, const char *victim, const char *claimant, char id[CLAIM_ID_MAX + 1])
{
	struct redress_error err;

	as(w, &w->carol);
	assert_int_equal(tlog_begin(w->f->log, &err), REDRESS_OK);
	if (claim_open(w->f->log, &w->carol, "flagship-2015", victim, claimant, id, &err) != REDRESS_OK)
		fail_msg("claim_open: %s", err.message);
	assert_int_equal(tlog_commit(w->f->log, &err), REDRESS_OK);
	return id;
}

static struct claim
get(struct world *w, const char *id)
{
	struct redress_error err;
	struct claim c;

	assert_int_equal(claim_get(w->f->store, id, &c, &err), REDRESS_OK);
	return c;
}

static void
test_state_machine(void **state)
{
	struct fixture *f = *state;
	struct world w;
	char id[CLAIM_ID_MAX + 1];
	struct claim c;

	world(f, &w, 2);
	open_claim(&w, w.victim, NULL, id);
	assert_string_equal(id, "C-000001");
	c = get(&w, id);
	assert_int_equal(c.state, CLAIM_OPEN);
	assert_string_equal(c.victim, w.victim);
	assert_string_equal(c.claimant, w.victim);
	assert_string_equal(c.opened_by, "user:carol");
	assert_int_equal(c.approvals_needed, 2);
	assert_int_equal(c.decided_seq, 0);

	/* open: only evidence and submit. */
	refused(&w, &w.rita, APPROVE, id, NULL, REDRESS_E_CONFLICT, "is open");
	refused(&w, &w.rita, DENY, id, "no", REDRESS_E_CONFLICT, "is open");
	refused(&w, &w.carol, APPEAL, id, NULL, REDRESS_E_CONFLICT, "is open");
	ok(&w, &w.carol, EVIDENCE, id, NULL);
	ok(&w, &w.carol, SUBMIT, id, NULL);
	assert_int_equal(get(&w, id).state, CLAIM_SUBMITTED);

	/* submitted: no evidence, no second submission, no appeal. */
	refused(&w, &w.carol, SUBMIT, id, NULL, REDRESS_E_CONFLICT, "is submitted");
	refused(&w, &w.carol, APPEAL, id, NULL, REDRESS_E_CONFLICT, "is submitted");
	refused(&w, &w.carol, EVIDENCE, id, NULL, REDRESS_E_CONFLICT, "is submitted");
	ok(&w, &w.rita, APPROVE, id, NULL);
	c = get(&w, id);
	assert_int_equal(c.state, CLAIM_SUBMITTED);
	assert_int_equal(c.approvals, 1);
	/* A denial at once, with a reason; without one, refused. */
	refused(&w, &w.rob, DENY, id, NULL, REDRESS_E_INVALID, "reason");
	ok(&w, &w.rob, DENY, id, "documents missing");
	c = get(&w, id);
	assert_int_equal(c.state, CLAIM_DENIED);
	assert_true(c.decided_seq > 0);

	/* denied: only evidence and appeal. */
	refused(&w, &w.carol, SUBMIT, id, NULL, REDRESS_E_CONFLICT, "is denied");
	refused(&w, &w.ruth, APPROVE, id, NULL, REDRESS_E_CONFLICT, "is denied");
	refused(&w, &w.ruth, DENY, id, "again", REDRESS_E_CONFLICT, "is denied");
	ok(&w, &w.carol, EVIDENCE, id, NULL);
	ok(&w, &w.carol, APPEAL, id, "new documents");
	c = get(&w, id);
	assert_int_equal(c.state, CLAIM_APPEALED);
	assert_int_equal(c.approvals, 0);
	assert_int_equal(c.round, 1);
	assert_int_equal(c.decided_seq, 0);
	assert_int_equal(c.evidence, 2);

	/* appealed: no evidence, no submission, no second appeal; reviewers no longer decide it. */
	refused(&w, &w.carol, SUBMIT, id, NULL, REDRESS_E_CONFLICT, "is appealed");
	refused(&w, &w.carol, APPEAL, id, NULL, REDRESS_E_CONFLICT, "is appealed");
	refused(&w, &w.carol, EVIDENCE, id, NULL, REDRESS_E_CONFLICT, "is appealed");
	refused(&w, &w.ruth, APPROVE, id, NULL, REDRESS_E_CONFLICT, "the appeals role");
	refused(&w, &w.ruth, DENY, id, "no", REDRESS_E_CONFLICT, "the appeals role");
	ok(&w, &w.ana, OVERTURN, id, "consistent");
	assert_int_equal(get(&w, id).state, CLAIM_APPEALED); /* a vote: two must agree */
	ok(&w, &w.abe, OVERTURN, id, "consistent");
	c = get(&w, id);
	assert_int_equal(c.state, CLAIM_APPROVED);
	assert_int_equal(c.round, 1);
	assert_true(c.decided_seq > 0);

	/* approved: final. */
	refused(&w, &w.carol, SUBMIT, id, NULL, REDRESS_E_CONFLICT, "is approved");
	refused(&w, &w.rob, APPROVE, id, NULL, REDRESS_E_CONFLICT, "is approved");
	refused(&w, &w.rob, DENY, id, "late", REDRESS_E_CONFLICT, "is approved");
	refused(&w, &w.carol, APPEAL, id, NULL, REDRESS_E_CONFLICT, "is approved");
	refused(&w, &w.carol, EVIDENCE, id, NULL, REDRESS_E_CONFLICT, "is approved");
	logfix_audit_clean(f->lf);
}

static enum redress_err
count_decision(void *ctx, const struct claim_decision *d, struct redress_error *err)
{
	int *n = ctx;

	(void)err;
	(void)d;
	(*n)++;
	return REDRESS_OK;
}

static void
test_four_eyes(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	struct actor carol_reviewing;
	struct world w;
	char id[CLAIM_ID_MAX + 1];
	int n = 0;

	world(f, &w, 3);
	open_claim(&w, w.victim, NULL, id);
	ok(&w, &w.carol, SUBMIT, id, NULL);
	/* The account that opened the claim may not approve it, whatever its role now. */
	claimfix_act(f, &carol_reviewing, "carol", ROLE_REVIEWER);
	refused(&w, &carol_reviewing, APPROVE, id, NULL, REDRESS_E_REFUSED, "opened by user:carol");
	ok(&w, &w.rita, APPROVE, id, NULL);
	/* The same reviewer twice in a round: refused, the count unchanged. */
	refused(&w, &w.rita, APPROVE, id, NULL, REDRESS_E_REFUSED, "already approved");
	assert_int_equal(get(&w, id).approvals, 1);
	ok(&w, &w.rob, APPROVE, id, NULL);
	/* Two of three: still submitted. */
	assert_int_equal(get(&w, id).state, CLAIM_SUBMITTED);
	ok(&w, &w.ruth, APPROVE, id, NULL);
	assert_int_equal(get(&w, id).state, CLAIM_APPROVED);
	/* The history names each reviewer: submit and three approvals. */
	assert_int_equal(claim_decision_each(f->store, id, count_decision, &n, &err), REDRESS_OK);
	assert_int_equal(n, 4);
	logfix_audit_clean(f->lf);
}

static void
test_permissions(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	struct actor monitor, finance;
	struct world w;
	char id[CLAIM_ID_MAX + 1];
	struct buf out;
	char name[CLAIM_FILENAME_MAX + 1];

	world(f, &w, 2);
	/* A reviewer cannot open, add evidence, submit or appeal. */
	refused(&w, &w.rita, OPEN, NULL, NULL, REDRESS_E_REFUSED, "rita");
	open_claim(&w, w.victim, NULL, id);
	refused(&w, &w.rita, EVIDENCE, id, NULL, REDRESS_E_REFUSED, "rita");
	refused(&w, &w.rita, SUBMIT, id, NULL, REDRESS_E_REFUSED, "rita");
	ok(&w, &w.cid, SUBMIT, id, NULL);
	/* A caseworker or an admin cannot decide. */
	refused(&w, &w.carol, APPROVE, id, NULL, REDRESS_E_REFUSED, "carol");
	refused(&w, &w.cid, DENY, id, "no", REDRESS_E_REFUSED, "cid");
	refused(&w, &w.ada, APPROVE, id, NULL, REDRESS_E_REFUSED, "ada");
	ok(&w, &w.rita, DENY, id, "no");
	refused(&w, &w.rita, APPEAL, id, NULL, REDRESS_E_REFUSED, "rita");
	/* A monitor reads no evidence; finance may read claims. */
	claimfix_act(f, &monitor, "mona", ROLE_MONITOR);
	claimfix_act(f, &finance, "fin", ROLE_FINANCE);
	buf_init(&out, 1024);
	assert_int_equal(claim_evidence_read(f->store, &monitor, &f->rkeys, id, 1, &out, name, &err),
	                 REDRESS_E_REFUSED);
	assert_int_equal(claim_evidence_read(f->store, &finance, &f->rkeys, id, 1, &out, name, &err),
	                 REDRESS_E_NOTFOUND);
	buf_free(&out);
	logfix_audit_clean(f->lf);
}

static void
test_open_rules(void **state)
{
	struct fixture *f = *state;
	struct redress_error err;
	struct world w;
	char id[CLAIM_ID_MAX + 1];
	uint64_t size;
	struct claim c;

	world(f, &w, 2);
	as(&w, &w.carol);
	size = logfix_size(f->lf);
#define OPEN_FAILS(program, victim, claimant, code, needle)                                                  \
	do {                                                                                                 \
		assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);                                      \
		assert_int_equal(claim_open(f->log, &w.carol, program, victim, claimant, id, &err), code);   \
		tlog_rollback(f->log);                                                                       \
		if (strstr(err.message, needle) == NULL)                                                     \
			fail_msg("'%s' does not say '%s'", err.message, needle);                             \
	} while (0)
	OPEN_FAILS("nothing", w.victim, NULL, REDRESS_E_NOTFOUND, "no program 'nothing'");
	OPEN_FAILS("flagship-2015", "V-999999", NULL, REDRESS_E_NOTFOUND, "V-999999");
	OPEN_FAILS("flagship-2015", w.relative, NULL, REDRESS_E_INVALID, "not a victim");
	OPEN_FAILS("flagship-2015", w.victim, "R-999999", REDRESS_E_NOTFOUND, "R-999999");
	OPEN_FAILS("flagship-2015", "V 1", NULL, REDRESS_E_INVALID, "victim");
	assert_int_equal(logfix_size(f->lf), size);

	/* A relative may claim for a victim; a second claim for the same victim is refused. */
	open_claim(&w, w.victim, w.relative, id);
	c = get(&w, id);
	assert_string_equal(c.claimant, w.relative);
	OPEN_FAILS("flagship-2015", w.victim, NULL, REDRESS_E_CONFLICT, "already has claim C-000001");
	open_claim(&w, w.victim2, NULL, id);
	assert_string_equal(id, "C-000002");

	/* An erased victim can no longer be named. */
	claimfix_boot(f);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(registry_erase(f->log, &f->boot, w.victim2, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	{
		char other[REGISTRY_PSEUDONYM_MAX + 1];

		person(f, REGISTRY_VICTIM, "Synthetic Victim Three", other);
		as(&w, &w.carol);
		OPEN_FAILS("flagship-2015", other, w.victim2, REDRESS_E_REFUSED, "erased");
	}
#undef OPEN_FAILS
	logfix_audit_clean(f->lf);
}

static void
test_evidence_round_trip(void **state)
{
	struct fixture *f = *state;
	uint8_t digest[HASH_SHA256_SIZE];
	char id[CLAIM_ID_MAX + 1], sha[65], want[65], name[CLAIM_FILENAME_MAX + 1];
	struct redress_error err;
	struct world w;
	struct buf out;
	size_t len = (5u << 19) + 12345, i; /* 2.5 MiB and more: three sealed parts */
	char *data = malloc(len);

	assert_non_null(data);
	for (i = 0; i < len; i++)
		data[i] = EVIDENCE_CANARY[i % (sizeof(EVIDENCE_CANARY) - 1)];
	world(f, &w, 2);
	open_claim(&w, w.victim, NULL, id);
	as(&w, &w.carol);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (claim_evidence_add(f->log, &w.carol, &f->rkeys, id, "/home/carol/scans/" NAME_CANARY, data, len,
	                       sha, &err) != REDRESS_OK)
		fail_msg("claim_evidence_add: %s", err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	hash_sha256(data, len, digest);
	assert_int_equal(codec_hex_encode(digest, sizeof(digest), want, sizeof(want), &err), REDRESS_OK);
	assert_string_equal(sha, want);
	/* The event binds the file: its SHA-256 and size are in the log. */
	assert_true(claimfix_events_contain(f, want));

	/* Read back whole, with its base name. */
	buf_init(&out, CLAIM_EVIDENCE_MAX);
	assert_int_equal(claim_evidence_read(f->store, &w.carol, &f->rkeys, id, 1, &out, name, &err),
	                 REDRESS_OK);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, data, len);
	assert_string_equal(name, NAME_CANARY);
	buf_free(&out);

	/* A sealed reason too. */
	ok(&w, &w.carol, SUBMIT, id, NULL);
	ok(&w, &w.rita, APPROVE, id, REASON_CANARY);

	/* Nothing of it in clear: not the content, not the name, not the reason. */
	assert_false(claimfix_db_contains(f, EVIDENCE_CANARY, strlen(EVIDENCE_CANARY)));
	assert_false(claimfix_db_contains(f, "canary-evidence", strlen("canary-evidence")));
	assert_false(claimfix_db_contains(f, NAME_CANARY, strlen(NAME_CANARY)));
	assert_false(claimfix_db_contains(f, "canary-name", strlen("canary-name")));
	assert_false(claimfix_db_contains(f, REASON_CANARY, strlen(REASON_CANARY)));
	assert_false(claimfix_events_contain(f, "canary"));
	logfix_audit_clean(f->lf);

	/* A stored part altered, or cut off: refused, nothing handed back. */
	logfix_tamper(f->lf, "UPDATE claims_evidence_blobs SET sealed = substr(sealed, 1, 40) || 'AAAA' ||"
	                     " substr(sealed, 45) WHERE part = 1");
	buf_init(&out, CLAIM_EVIDENCE_MAX);
	assert_int_equal(claim_evidence_read(f->store, &w.carol, &f->rkeys, id, 1, &out, name, &err),
	                 REDRESS_E_CRYPTO);
	assert_int_equal(out.len, 0);
	logfix_tamper(f->lf, "DELETE FROM claims_evidence_blobs WHERE part = 2");
	assert_int_equal(claim_evidence_read(f->store, &w.carol, &f->rkeys, id, 1, &out, name, &err),
	                 REDRESS_E_CRYPTO);
	logfix_tamper(f->lf, "DELETE FROM claims_evidence_blobs WHERE part = 1");
	assert_int_equal(claim_evidence_read(f->store, &w.carol, &f->rkeys, id, 1, &out, name, &err),
	                 REDRESS_E_CRYPTO);
	assert_non_null(strstr(err.message, "does not match"));
	buf_free(&out);
	/* Every sealed part gone: audit says so. */
	logfix_tamper(f->lf, "DELETE FROM claims_evidence_blobs");
	claimfix_audit_finds(f, "claims_evidence 'C-000001/1': its sealed file is missing");
	free(data);
}

/*
 * Opens evidence file n of claim id as actor in a change of its own:
 * recorded (one event more) when it succeeds, nothing recorded and
 * nothing handed back when it is refused.
 */
static enum redress_err
open_evidence(struct world *w, struct actor *actor, const char *id, int n, struct redress_error *err)
{
	struct fixture *f = w->f;
	char name[CLAIM_FILENAME_MAX + 1];
	uint64_t size = logfix_size(f->lf);
	struct buf out;
	enum redress_err rc;

	as(w, actor);
	buf_init(&out, 1u << 20);
	assert_int_equal(tlog_begin(f->log, err), REDRESS_OK);
	if ((rc = claim_evidence_open(f->log, actor, &f->rkeys, id, n, &out, name, err)) == REDRESS_OK) {
		assert_int_equal(tlog_commit(f->log, err), REDRESS_OK);
		assert_int_equal(out.len, 8);
		assert_memory_equal(out.data, "evidence", 8);
		assert_string_equal(name, "doc.txt");
		assert_int_equal(logfix_size(f->lf), size + 1);
	} else {
		tlog_rollback(f->log);
		assert_int_equal(out.len, 0);
		assert_int_equal(logfix_size(f->lf), size);
	}
	buf_free(&out);
	return rc;
}

/* Reading testimony is on the log, as a reveal is; audit replays and folds the reads. */
static void
test_evidence_reads(void **state)
{
	struct fixture *f = *state;
	char id[CLAIM_ID_MAX + 1];
	struct redress_error err;
	struct actor monitor;
	struct world w;

	world(f, &w, 2);
	open_claim(&w, w.victim, NULL, id);
	ok(&w, &w.carol, EVIDENCE, id, NULL);
	assert_int_equal(open_evidence(&w, &w.rita, id, 1, &err), REDRESS_OK);
	assert_true(claimfix_events_contain(f, "{\"claim\":\"C-000001\",\"n\":1}"));
	assert_int_equal(open_evidence(&w, &w.rita, id, 2, &err), REDRESS_E_NOTFOUND);
	claimfix_act(f, &monitor, "mona", ROLE_MONITOR);
	assert_int_equal(open_evidence(&w, &monitor, id, 1, &err), REDRESS_E_REFUSED);
	/* After approval too: audit's fold no longer holds an approved claim. */
	ok(&w, &w.carol, SUBMIT, id, NULL);
	ok(&w, &w.rita, APPROVE, id, NULL);
	ok(&w, &w.rob, APPROVE, id, NULL);
	assert_int_equal(open_evidence(&w, &w.rob, id, 1, &err), REDRESS_OK);
	logfix_audit_clean(f->lf);
	/* A table edited: audit replays every event, the reads among them. */
	logfix_tamper(f->lf, "UPDATE claims_claims SET evidence = 5 WHERE id = 'C-000001'");
	claimfix_audit_finds(f, "claims_claims 'C-000001'");
}

/* Keeps the first evidence file seen. */
static enum redress_err
first_evidence(void *ctx, const struct claim_evidence *e, struct redress_error *err)
{
	struct claim_evidence *out = ctx;

	(void)err;
	if (out->n == 0)
		*out = *e;
	return REDRESS_OK;
}

/* Keeps the last evidence file seen. */
static enum redress_err
last_evidence(void *ctx, const struct claim_evidence *e, struct redress_error *err)
{
	(void)err;
	*(struct claim_evidence *)ctx = *e;
	return REDRESS_OK;
}

/*
 * Evidence labels: a file attached with a label has it (read back from
 * its event), one attached without has none, a label not in the list is
 * refused and nothing changes; audit replays both clean.
 */
static void
test_evidence_labels(void **state)
{
	struct fixture *f = *state;
	char id[CLAIM_ID_MAX + 1], sha[65], label[CLAIM_LABEL_MAX + 1];
	struct claim_evidence e;
	struct redress_error err;
	struct world w;
	uint64_t size;

	world(f, &w, 2);
	open_claim(&w, w.victim, NULL, id);
	as(&w, &w.carol);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(claim_evidence_add_labelled(f->log, &w.carol, &f->rkeys, id, "scan.pdf", "medical",
	                                             "evidence", 8, sha, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	ok(&w, &w.carol, EVIDENCE, id, NULL); /* without a label */
	size = logfix_size(f->lf);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(claim_evidence_add_labelled(f->log, &w.carol, &f->rkeys, id, "x.pdf", "diary",
	                                             "evidence", 8, sha, &err),
	                 REDRESS_E_INVALID);
	assert_non_null(strstr(err.message, "not one of"));
	tlog_rollback(f->log);
	assert_int_equal(logfix_size(f->lf), size);
	assert_int_equal(get(&w, id).evidence, 2);

	memset(&e, 0, sizeof(e));
	assert_true(claimfix_events_contain(f, "\"label\":\"medical\""));
	assert_int_equal(claim_evidence_each(f->store, id, first_evidence, &e, &err), REDRESS_OK);
	assert_int_equal(e.n, 1);
	assert_int_equal(claim_evidence_label(f->log, &e, label, &err), REDRESS_OK);
	assert_string_equal(label, "medical");
	e.n = 0;
	assert_int_equal(claim_evidence_each(f->store, id, last_evidence, &e, &err), REDRESS_OK);
	assert_int_equal(e.n, 2);
	assert_int_equal(claim_evidence_label(f->log, &e, label, &err), REDRESS_OK);
	assert_string_equal(label, "");
	assert_true(claim_evidence_label_ok("testimony"));
	assert_false(claim_evidence_label_ok(""));
	assert_false(claim_evidence_label_ok("Medical"));
	logfix_audit_clean(f->lf);
}

#define WHY_CANARY "canary-why-51d0e3aa-her-daughter-Kim-asked"

/*
 * Opening a decision's reasons with why (the page's path): the event
 * "claims.reasons.read" holds why sealed (a canary never in clear in the
 * database), the audit replays it clean; without keys, or with an empty
 * why, nothing is recorded.
 */
static void
test_reasons_opened_why(void **state)
{
	struct fixture *f = *state;
	char id[CLAIM_ID_MAX + 1];
	struct redress_error err;
	struct world w;
	uint64_t size;

	world(f, &w, 2);
	open_claim(&w, w.victim, NULL, id);
	ok(&w, &w.carol, SUBMIT, id, NULL);
	ok(&w, &w.rita, DENY, id, "not enough");
	as(&w, &w.carol);
	size = logfix_size(f->lf);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(claim_reasons_opened_why(f->log, &w.carol, NULL, id, WHY_CANARY, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(claim_reasons_opened_why(f->log, &w.carol, &f->rkeys, id, "", &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(claim_reasons_opened_why(f->log, &w.carol, &f->rkeys, id, WHY_CANARY, &err),
	                 REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	assert_int_equal(logfix_size(f->lf), size + 1);
	assert_true(claimfix_events_contain(f, "\"why\":\""));
	assert_false(claimfix_db_contains(f, WHY_CANARY, strlen(WHY_CANARY)));
	/* Without why, as the API and the command line record it. */
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	assert_int_equal(claim_reasons_opened(f->log, &w.carol, id, &err), REDRESS_OK);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	logfix_audit_clean(f->lf);
}

/* A claim opened by carol and denied at event 9, on its own (no log). */
static void
denied(struct claim *c, const char *id)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", id);
	snprintf(c->opened_by, sizeof(c->opened_by), "user:carol");
	c->approvals_needed = 2;
	c->state = CLAIM_DENIED;
	c->decided_seq = 9;
}

/* claims_transition with the event's action alone (and an appeal's deciders). */
static enum redress_err
step(struct claim *c, enum claim_action action, const char *actor, int before, uint64_t seq, int deciders,
     struct redress_error *err)
{
	struct claims_ev_transition t;

	memset(&t, 0, sizeof(t));
	snprintf(t.claim, sizeof(t.claim), "%s", c->id);
	t.action = action;
	t.deciders = deciders;
	return claims_transition(c, &t, actor, before, seq, err);
}

/*
 * The rules of an appeal's decision, as commands, replay and the fold
 * share them (claims_transition): only an appealed claim; not by its
 * opener nor by one who took part before; upheld stays denied for good,
 * overturned is approved; a claim appealed once.  An appeal whose event
 * names no deciders (made before two were asked) is decided by one.
 */
static void
test_appeal_rules(void **state)
{
	struct redress_error err;
	struct claim c, d;

	(void)state;
	denied(&c, "C-000001");

	d = c;
	assert_int_equal(step(&d, CLAIM_UPHOLD, "user:ana", 0, 10, 0, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "is denied"));
	assert_int_equal(step(&d, CLAIM_APPEAL, "user:cid", 0, 10, 0, &err), REDRESS_OK);
	assert_int_equal(d.state, CLAIM_APPEALED);
	assert_int_equal(d.round, 1);
	c = d;
	assert_int_equal(step(&d, CLAIM_OVERTURN, "user:carol", 0, 11, 0, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "opened claim C-000001 before"));
	assert_int_equal(step(&d, CLAIM_OVERTURN, "user:rita", CLAIMS_BEFORE_TOOK_PART, 11, 0, &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "decided or reviewed claim C-000001 before"));
	assert_memory_equal(&c, &d, sizeof(c)); /* refusals changed nothing */
	assert_int_equal(step(&d, CLAIM_APPROVE, "user:ruth", 0, 11, 0, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "appeal-decide"));
	/* One decides this appeal: a vote would be its decision. */
	assert_int_equal(step(&d, CLAIM_VOTE_OVERTURN, "user:ana", 0, 11, 0, &err), REDRESS_E_INVALID);
	assert_int_equal(step(&d, CLAIM_OVERTURN, "user:ana", 0, 11, 0, &err), REDRESS_OK);
	assert_int_equal(d.state, CLAIM_APPROVED);
	assert_int_equal(d.decided_seq, 11);

	d = c;
	assert_int_equal(step(&d, CLAIM_UPHOLD, "user:ana", 0, 12, 0, &err), REDRESS_OK);
	assert_int_equal(d.state, CLAIM_DENIED);
	assert_int_equal(d.decided_seq, 12);
	assert_int_equal(step(&d, CLAIM_UPHOLD, "user:abe", 0, 13, 0, &err), REDRESS_E_CONFLICT);
	assert_int_equal(step(&d, CLAIM_APPEAL, "user:cid", 0, 13, 0, &err), REDRESS_E_CONFLICT);
	assert_non_null(strstr(err.message, "appealed only once"));
}

/*
 * Deciding an appeal takes a second person (DESIGN.md): with two deciders
 * a member's word alone is a vote; the same member votes once; members who
 * disagree wait for a third; the decision comes when two agree.
 */
static void
test_appeal_two_deciders(void **state)
{
	struct redress_error err;
	struct claim c, d;

	(void)state;
	denied(&c, "C-000002");
	assert_int_equal(step(&c, CLAIM_APPEAL, "user:cid", 0, 10, CLAIMS_DECIDERS_MAX + 1, &err),
	                 REDRESS_E_INVALID);
	assert_int_equal(step(&c, CLAIM_APPEAL, "user:cid", 0, 10, CLAIM_APPEAL_DECIDERS, &err), REDRESS_OK);
	assert_int_equal(c.deciders, 2);
	assert_int_equal(claims_deciders(&c), 2);

	d = c;
	/* A decision by one member alone is refused: it is a vote. */
	assert_int_equal(step(&d, CLAIM_OVERTURN, "user:ana", 0, 11, 0, &err), REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "decided when 2 members of the appeals role agree"));
	assert_memory_equal(&c, &d, sizeof(c));
	assert_int_equal(step(&d, CLAIM_VOTE_OVERTURN, "user:ana", 0, 11, 0, &err), REDRESS_OK);
	assert_int_equal(d.state, CLAIM_APPEALED);
	assert_int_equal(d.votes_overturned, 1);
	assert_int_equal(d.decided_seq, 0);
	/* ana again: refused, whatever she would say. */
	c = d;
	assert_int_equal(step(&d, CLAIM_OVERTURN, "user:ana", CLAIMS_BEFORE_VOTED, 12, 0, &err),
	                 REDRESS_E_REFUSED);
	assert_non_null(strstr(err.message, "has given its decision on claim C-000002's appeal already"));
	assert_int_equal(step(&d, CLAIM_VOTE_UPHOLD, "user:ana", CLAIMS_BEFORE_VOTED, 12, 0, &err),
	                 REDRESS_E_REFUSED);
	/* The opener and who took part before cannot vote either. */
	assert_int_equal(step(&d, CLAIM_VOTE_UPHOLD, "user:carol", 0, 12, 0, &err), REDRESS_E_REFUSED);
	assert_int_equal(step(&d, CLAIM_VOTE_UPHOLD, "user:rita", CLAIMS_BEFORE_TOOK_PART, 12, 0, &err),
	                 REDRESS_E_REFUSED);
	/* A second vote to overturn would be the decision: as a vote it is refused. */
	assert_int_equal(step(&d, CLAIM_VOTE_OVERTURN, "user:abe", 0, 12, 0, &err), REDRESS_E_INVALID);
	assert_memory_equal(&c, &d, sizeof(c));
	/* abe disagrees: a vote to uphold; the claim waits for a third. */
	assert_int_equal(step(&d, CLAIM_UPHOLD, "user:abe", 0, 12, 0, &err), REDRESS_E_REFUSED);
	assert_int_equal(step(&d, CLAIM_VOTE_UPHOLD, "user:abe", 0, 12, 0, &err), REDRESS_OK);
	assert_int_equal(d.state, CLAIM_APPEALED);
	assert_int_equal(d.votes_upheld, 1);
	assert_int_equal(d.votes_overturned, 1);
	/* ada agrees with ana: overturned, approved. */
	assert_int_equal(step(&d, CLAIM_OVERTURN, "user:ada", 0, 13, 0, &err), REDRESS_OK);
	assert_int_equal(d.state, CLAIM_APPROVED);
	assert_int_equal(d.decided_seq, 13);
}

/*
 * Appeals with the log: only the appeals role decides one; an account
 * that reviewed the claim (even holding the appeals role now) or opened it
 * is refused; a reason is needed; an appeal is decided once and a claim
 * appealed once; every refusal changes nothing; audit agrees.
 */
static void
test_appeals(void **state)
{
	struct fixture *f = *state;
	struct world w;
	char id[CLAIM_ID_MAX + 1], id2[CLAIM_ID_MAX + 1];
	struct actor rita_now, carol_now;
	struct claim c;

	world(f, &w, 2);
	open_claim(&w, w.victim, NULL, id);
	ok(&w, &w.carol, SUBMIT, id, NULL);
	ok(&w, &w.rita, APPROVE, id, NULL);
	ok(&w, &w.rob, DENY, id, "papers missing");
	refused(&w, &w.ana, OVERTURN, id, "no", REDRESS_E_CONFLICT, "is denied");
	refused(&w, &w.ana, APPEAL, id, "x", REDRESS_E_REFUSED, "may not open or submit claims");
	ok(&w, &w.cid, APPEAL, id, "papers found");

	/* The appeals role alone; reviewers, caseworkers and admins are refused. */
	refused(&w, &w.ruth, OVERTURN, id, "fine", REDRESS_E_REFUSED, "may not decide appeals");
	refused(&w, &w.cid, UPHOLD, id, "no", REDRESS_E_REFUSED, "may not decide appeals");
	refused(&w, &w.ada, OVERTURN, id, "fine", REDRESS_E_REFUSED, "may not decide appeals");
	/* Not one who took part: rita approved, rob denied, carol opened it, whatever role they hold now. */
	rita_now = w.rita;
	rita_now.role = ROLE_APPEALS;
	refused(&w, &rita_now, OVERTURN, id, "fine", REDRESS_E_REFUSED, "user:rita decided or reviewed");
	carol_now = w.carol;
	carol_now.role = ROLE_APPEALS;
	refused(&w, &carol_now, UPHOLD, id, "no", REDRESS_E_REFUSED, "user:carol opened");
	/* A reason is what she is told: needed. */
	refused(&w, &w.ana, UPHOLD, id, NULL, REDRESS_E_INVALID, "needs a reason");
	refused(&w, &w.ana, UPHOLD, id, "", REDRESS_E_INVALID, "needs a reason");
	/* Two members who agree decide it: ana's word is a vote; she gives it once. */
	ok(&w, &w.ana, UPHOLD, id, "the papers do not show it");
	c = get(&w, id);
	assert_int_equal(c.state, CLAIM_APPEALED);
	assert_int_equal(c.deciders, CLAIM_APPEAL_DECIDERS);
	assert_int_equal(c.votes_upheld, 1);
	assert_int_equal(c.decided_seq, 0);
	refused(&w, &w.ana, UPHOLD, id, "again", REDRESS_E_REFUSED, "has given its decision");
	refused(&w, &w.ana, OVERTURN, id, "changed my mind", REDRESS_E_REFUSED, "has given its decision");
	/* abe disagrees: a vote to overturn; aya agrees with ana: upheld. */
	ok(&w, &w.abe, OVERTURN, id, "the papers may show it");
	assert_int_equal(get(&w, id).state, CLAIM_APPEALED);
	logfix_audit_clean(f->lf);
	ok(&w, &w.aya, UPHOLD, id, "the papers do not show it");
	c = get(&w, id);
	assert_int_equal(c.state, CLAIM_DENIED);
	assert_int_equal(c.votes_upheld, 1);
	assert_int_equal(c.votes_overturned, 1);
	assert_true(c.decided_seq > 0);
	/* Decided once; appealed once. */
	refused(&w, &w.abe, OVERTURN, id, "again", REDRESS_E_CONFLICT, "is denied");
	refused(&w, &w.cid, APPEAL, id, "again", REDRESS_E_CONFLICT, "appealed only once");

	/* A second claim overturned: approved, for the next entitlement run. */
	open_claim(&w, w.victim2, NULL, id2);
	ok(&w, &w.carol, SUBMIT, id2, NULL);
	ok(&w, &w.ruth, DENY, id2, "not a victim");
	ok(&w, &w.cid, APPEAL, id2, NULL);
	ok(&w, &w.abe, OVERTURN, id2, "she is");
	ok(&w, &w.ana, OVERTURN, id2, "she is");
	c = get(&w, id2);
	assert_int_equal(c.state, CLAIM_APPROVED);
	assert_true(c.decided_seq > 0);
	logfix_audit_clean(f->lf);
}

/* A full workflow on two claims, then each table edited behind the log's back. */
static void
full_workflow(struct world *w, char id1[CLAIM_ID_MAX + 1], char id2[CLAIM_ID_MAX + 1])
{
	world(w->f, w, 2);
	open_claim(w, w->victim, w->relative, id1);
	ok(w, &w->carol, EVIDENCE, id1, NULL);
	ok(w, &w->carol, SUBMIT, id1, NULL);
	ok(w, &w->rita, APPROVE, id1, "fine");
	ok(w, &w->rob, DENY, id1, "not fine");
	ok(w, &w->cid, EVIDENCE, id1, NULL);
	ok(w, &w->cid, APPEAL, id1, NULL);
	ok(w, &w->ana, OVERTURN, id1, "documents found");
	ok(w, &w->abe, OVERTURN, id1, "documents found");
	open_claim(w, w->victim2, NULL, id2);
	ok(w, &w->carol, SUBMIT, id2, NULL);
	ok(w, &w->rob, APPROVE, id2, NULL);
}

static void
test_audit(void **state)
{
	struct fixture *f = *state;
	char id1[CLAIM_ID_MAX + 1], id2[CLAIM_ID_MAX + 1];
	struct world w;

	w.f = f;
	full_workflow(&w, id1, id2);
	assert_int_equal(get(&w, id1).state, CLAIM_APPROVED);
	assert_int_equal(get(&w, id2).state, CLAIM_SUBMITTED);
	logfix_audit_clean(f->lf);

	logfix_tamper(f->lf, "UPDATE claims_claims SET state = 'approved' WHERE id = 'C-000002'");
	claimfix_audit_finds(f,
	                     "claims_claims 'C-000002': state is 'approved' in the database but 'submitted'");
	logfix_tamper(f->lf, "UPDATE claims_claims SET state = 'submitted' WHERE id = 'C-000002';"
	                     "UPDATE claims_claims SET approvals_needed = 1 WHERE id = 'C-000001'");
	claimfix_audit_finds(f, "claims_claims 'C-000001': approvals_needed");
	logfix_tamper(f->lf,
	              "UPDATE claims_claims SET approvals_needed = 2 WHERE id = 'C-000001';"
	              "UPDATE claims_decisions SET actor = 'user:carol' WHERE action = 'overturned' AND "
	              "actor = 'user:abe'");
	claimfix_audit_finds(f, "claims_decisions");
	logfix_tamper(
	    f->lf, "UPDATE claims_decisions SET actor = 'user:abe' WHERE actor = 'user:carol' AND action = "
	           "'overturned';"
	           "DELETE FROM claims_evidence WHERE id = 'C-000001/2'");
	claimfix_audit_finds(f, "claims_evidence 'C-000001/2': row the log creates is missing");
	/* The appeal's votes are the log's: a count or a vote edited behind its back is found. */
	logfix_tamper(f->lf, "UPDATE claims_claims SET votes_overturned = 0 WHERE id = 'C-000001'");
	claimfix_audit_finds(f, "claims_claims 'C-000001': votes_overturned");
	logfix_tamper(f->lf, "UPDATE claims_claims SET votes_overturned = 1 WHERE id = 'C-000001';"
	                     "DELETE FROM claims_decisions WHERE action = 'vote-overturned'");
	claimfix_audit_finds(f, "claims_decisions");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_state_machine, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_four_eyes, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test(test_appeal_rules),
	    cmocka_unit_test(test_appeal_two_deciders),
	    cmocka_unit_test_setup_teardown(test_appeals, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_permissions, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_open_rules, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_evidence_round_trip, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_evidence_reads, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_audit, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_reasons_opened_why, claimfix_setup, claimfix_teardown),
	    cmocka_unit_test_setup_teardown(test_evidence_labels, claimfix_setup, claimfix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
