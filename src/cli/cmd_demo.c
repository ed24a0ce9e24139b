/*
 * cmd_demo.c -- `redress demo`: the flagship fund of the 2015 Korea-Japan
 * agreement, set up from nothing with synthetic data, each step a change on
 * the log, then the balances and a full audit.
 *
 * No real person appears: the people are synthetic ("Demo Survivor One",
 * made-up dates) and known outside their files by pseudonyms.  The figures
 * are the agreement's: a contribution of 1,000,000,000 JPY, converted to
 * 10,800,000,000 KRW, paying 100,000,000 KRW to each surviving victim and
 * 20,000,000 KRW to the family of each victim who had died.  Each step is
 * done by the staff account whose role it needs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "crypto/codec.h"
#include "crypto/hash.h"
#include "crypto/totp.h"
#include "domain/claims/claims.h"
#include "domain/entitlements/entitlements.h"
#include "domain/ledger/ledger.h"
#include "domain/payments/payments_int.h"
#include "domain/pledges/pledges.h"
#include "domain/programs/programs.h"
#include "domain/reports/reports.h"
#include "http/http.h"
#include "log/audit.h"

/* The origin prefix of a demo's log. */
#define DEMO_ORIGIN "redress.demo/"

static void
demo_usage(FILE *f)
{
	fprintf(f, "usage: redress [--db PATH] [--keys DIR] demo [--fresh] [--listen HOST:PORT]\n\n"
	           "Creates the database (as 'init' does) and does a foundation's work with synthetic\n"
	           "people, each step by the staff account whose role it needs: the accounts, the\n"
	           "flagship program, the Government of Japan's contribution, its receipt and its\n"
	           "conversion to KRW; survivors and the families of victims who had died, their\n"
	           "consent and wishes (one declines); claims approved by two reviewers; the\n"
	           "entitlements; a survivor who dies unpaid, whose entitlement passes to her heir;\n"
	           "payments in queue order through the bank (pain.001 and camt.054 files written\n"
	           "beside the database; one returned by the bank and paid again, one still at the\n"
	           "bank).  Prints the demo accounts and their passwords, the balances, verifies\n"
	           "the log and prints the signed checkpoint.\n\n"
	           "  --fresh   remove an earlier demo database and its keys first\n"
	           "  --listen  then serve it, the web pages and the API, on HOST:PORT until\n"
	           "            SIGTERM or Ctrl-C (as 'redress serve'; 127.0.0.1:8080 in 'make run')\n");
}

/* The flagship program, as examples/flagship-2015.json has it (the demo test compares them). */
static const char demo_program[] =
    "{\"code\": \"flagship-2015\","
    " \"name\": \"Reconciliation and Healing Foundation (2015 agreement)\","
    " \"names\": {\"ko\": \"화해·치유재단 (2015년 한일 합의)\","
    " \"ja\": \"和解・癒やし財団（2015年日韓合意）\","
    " \"en\": \"Reconciliation and Healing Foundation (2015 agreement)\"},"
    " \"currency\": \"KRW\", \"cutoff\": \"2015-12-28\","
    " \"accounts\": {\"fund\": \"bank:krw\", \"payable\": \"payable:flagship-2015\","
    " \"expense\": \"benefits:flagship-2015\"},"
    " \"benefits\": {\"survivor\": \"100000000\", \"bereaved\": \"20000000\"},"
    " \"approvals\": 2}";

/* The staff, one account per role (and a second reviewer: approval needs four eyes). */
static const struct {
	const char *name;
	enum role role;
} demo_staff[] = {
    {"ada", ROLE_ADMIN},    {"cho", ROLE_CASEWORKER}, {"rin", ROLE_REVIEWER},
    {"ryu", ROLE_REVIEWER}, {"fumi", ROLE_FINANCE},   {"moe", ROLE_MONITOR},
};
#define DEMO_STAFF (sizeof(demo_staff) / sizeof(demo_staff[0]))

/* Synthetic people: no real name, no real date. */
static const struct {
	const char *name, *birth_date, *death_date; /* death_date NULL: alive */
	int frailty;
	enum registry_wish wish;
} demo_victims[] = {
    {"Demo Survivor One", "1926-02-11", NULL, 2, REGISTRY_WISH_ACCEPT},
    {"Demo Survivor Two", "1928-07-30", NULL, 3, REGISTRY_WISH_ACCEPT},
    {"Demo Survivor Three", "1929-01-05", NULL, 1, REGISTRY_WISH_ACCEPT},
    {"Demo Survivor Four", "1927-10-21", NULL, 0, REGISTRY_WISH_DECLINE},
    {"Demo Survivor Five", "1930-04-17", NULL, 1, REGISTRY_WISH_ACCEPT},
    {"Demo Victim Six", "1921-09-09", "2009-03-01", 0, REGISTRY_WISH_NONE},
    {"Demo Victim Seven", "1923-12-24", "2013-08-14", 0, REGISTRY_WISH_NONE},
};
#define DEMO_VICTIMS (sizeof(demo_victims) / sizeof(demo_victims[0]))

struct demo {
	struct cli *cli;
	struct registry_keys keys;
	char passwords[DEMO_STAFF][33];
	char totp[DEMO_STAFF][TOTP_BASE32_SIZE]; /* the base32 TOTP secret of those whose role needs one */
	char victims[DEMO_VICTIMS][REGISTRY_PSEUDONYM_MAX + 1];
	char heirs[4][REGISTRY_PSEUDONYM_MAX + 1];
};

/* From now on, act as staff account i. */
static enum redress_err
demo_as(struct demo *d, size_t i, struct redress_error *err)
{
	char actor[TLOG_ACTOR_MAX + 1];

	memset(&d->cli->actor, 0, sizeof(d->cli->actor));
	snprintf(d->cli->actor.name, sizeof(d->cli->actor.name), "%s", demo_staff[i].name);
	d->cli->actor.role = demo_staff[i].role;
	snprintf(actor, sizeof(actor), "user:%s", demo_staff[i].name);
	return tlog_set_actor(d->cli->log, actor, err);
}

static enum redress_err
demo_begin(struct demo *d, struct redress_error *err)
{
	return tlog_begin(d->cli->log, err);
}

/* Ends a change: commits it when rc is REDRESS_OK, rolls it back otherwise. */
static enum redress_err
demo_end(struct demo *d, enum redress_err rc, struct redress_error *err)
{
	if (rc != REDRESS_OK) {
		tlog_rollback(d->cli->log);
		return rc;
	}
	return tlog_commit(d->cli->log, err);
}

/* Enrols staff account i's second factor and keeps its base32 secret to print. */
static enum redress_err
demo_totp(struct demo *d, size_t i, struct redress_error *err)
{
	char uri[USERS_TOTP_URI_SIZE];
	const char *secret;
	enum redress_err rc;

	if ((rc = demo_begin(d, err)) != REDRESS_OK)
		return rc;
	rc = demo_end(d,
	              users_totp_enrol(d->cli->log, &d->cli->actor, keydir_master_key(d->cli->keydir),
	                               demo_staff[i].name, uri, sizeof(uri), err),
	              err);
	if (rc == REDRESS_OK && (secret = strstr(uri, "secret=")) != NULL)
		snprintf(d->totp[i], sizeof(d->totp[i]), "%.*s", (int)strcspn(secret + 7, "&"), secret + 7);
	crypto_wipe(uri, sizeof(uri));
	return rc;
}

/* The staff accounts: the bootstrap creates the administrator, who creates the rest. */
static enum redress_err
demo_staff_accounts(struct demo *d, struct redress_error *err)
{
	const struct seal_key *master = keydir_master_key(d->cli->keydir);
	uint8_t random[16];
	enum redress_err rc = REDRESS_OK;
	size_t i;

	for (i = 0; i < DEMO_STAFF && rc == REDRESS_OK; i++) {
		crypto_random(random, sizeof(random));
		codec_hex_encode(random, sizeof(random), d->passwords[i], sizeof(d->passwords[i]), NULL);
		if ((rc = demo_begin(d, err)) != REDRESS_OK)
			break;
		rc = demo_end(d,
		              users_add(d->cli->log, &d->cli->actor, master, demo_staff[i].name,
		                        demo_staff[i].role, d->passwords[i], err),
		              err);
		/* Once the first account exists, only accounts act (audit replays who may). */
		if (rc == REDRESS_OK && i == 0)
			rc = demo_as(d, 0, err);
		if (rc == REDRESS_OK && users_role_needs_totp(demo_staff[i].role))
			rc = demo_totp(d, i, err);
	}
	crypto_wipe(random, sizeof(random));
	printf("created %zu staff accounts, one per role\n", DEMO_STAFF);
	return rc;
}

/*
 * The administrator adds the program; finance records the Government of
 * Japan's pledge and its receipt, converted into the KRW fund at the
 * bank's booked amounts (domain/pledges: the ledger's exchange).
 */
static enum redress_err
demo_money(struct demo *d, struct redress_error *err)
{
	char pledge[PLEDGE_ID_MAX + 1];
	struct program p;
	enum redress_err rc;

	if ((rc = program_parse(demo_program, sizeof(demo_program) - 1, &p, err)) != REDRESS_OK ||
	    (rc = demo_as(d, 0, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK ||
	    (rc = demo_end(d, program_add(d->cli->log, &d->cli->actor, &p, err), err)) != REDRESS_OK)
		return rc;
	printf("added the program %s: %s, cutoff %s\n", p.code, p.name, p.cutoff);
	if ((rc = demo_as(d, 4, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK ||
	    (rc = demo_end(
	         d,
	         pledge_add(d->cli->log, &d->cli->actor, p.code, "Government of Japan", "1000000000", "JPY",
	                    "Under the agreement of 28 December 2015, which both governments called a"
	                    " final and irreversible resolution",
	                    pledge, err),
	         err)) != REDRESS_OK ||
	    (rc = demo_begin(d, err)) != REDRESS_OK ||
	    (rc = demo_end(
	         d,
	         pledge_receive(d->cli->log, &d->cli->actor, pledge, "1000000000", "10800000000", NULL, err),
	         err)) != REDRESS_OK)
		return rc;
	printf("recorded the pledge %s of 1000000000 JPY and its receipt, converted into 10800000000 KRW\n",
	       pledge);
	return REDRESS_OK;
}

static enum redress_err
demo_person(struct demo *d, enum registry_kind kind, const char *name, const char *birth_date, int frailty,
            char pseudonym[REGISTRY_PSEUDONYM_MAX + 1], struct redress_error *err)
{
	struct registry_new_person p;

	memset(&p, 0, sizeof(p));
	p.kind = kind;
	snprintf(p.identity.name, sizeof(p.identity.name), "%s", name);
	snprintf(p.identity.birth_date, sizeof(p.identity.birth_date), "%s", birth_date);
	memcpy(p.language, "ko", 3);
	p.frailty = frailty;
	return registry_add(d->cli->log, &d->cli->actor, &d->keys, &p, pseudonym, err);
}

/* The caseworker registers the people, their heirs, their consent and their wishes. */
static enum redress_err
demo_registry(struct demo *d, struct redress_error *err)
{
	static const char *const heir_names[] = {"Demo Daughter of Six", "Demo Son of Six",
	                                         "Demo Niece of Seven", "Demo Son of Two"};
	enum redress_err rc;
	size_t i;

	if ((rc = demo_as(d, 1, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < DEMO_VICTIMS && rc == REDRESS_OK; i++) {
		rc = demo_person(d, REGISTRY_VICTIM, demo_victims[i].name, demo_victims[i].birth_date,
		                 demo_victims[i].frailty, d->victims[i], err);
		if (rc == REDRESS_OK && demo_victims[i].death_date != NULL)
			rc = registry_death(d->cli->log, &d->cli->actor, &d->keys, d->victims[i],
			                    demo_victims[i].death_date, err);
		if (rc == REDRESS_OK && demo_victims[i].wish != REGISTRY_WISH_NONE)
			rc = registry_consent(d->cli->log, &d->cli->actor, &d->keys, d->victims[i],
			                      "processing", 1, "in person, with an interpreter", NULL, err);
		if (rc == REDRESS_OK && demo_victims[i].wish != REGISTRY_WISH_NONE)
			rc = registry_consult(d->cli->log, &d->cli->actor, &d->keys, d->victims[i],
			                      demo_victims[i].wish, NULL, err);
	}
	for (i = 0; i < 4 && rc == REDRESS_OK; i++)
		rc = demo_person(d, REGISTRY_RELATIVE, heir_names[i], "1955-05-05", 0, d->heirs[i], err);
	/* Six's two children share in halves, Seven's niece alone, Two's son alone. */
	if (rc == REDRESS_OK)
		rc = registry_relation_add(d->cli->log, &d->cli->actor, d->victims[5], d->heirs[0],
		                           "daughter", 1, 2, err);
	if (rc == REDRESS_OK)
		rc = registry_relation_add(d->cli->log, &d->cli->actor, d->victims[5], d->heirs[1], "son", 1,
		                           2, err);
	if (rc == REDRESS_OK)
		rc = registry_relation_add(d->cli->log, &d->cli->actor, d->victims[6], d->heirs[2], "niece",
		                           1, 1, err);
	if (rc == REDRESS_OK)
		rc = registry_relation_add(d->cli->log, &d->cli->actor, d->victims[1], d->heirs[3], "son", 1,
		                           1, err);
	if ((rc = demo_end(d, rc, err)) != REDRESS_OK)
		return rc;
	printf("registered %zu victims (%zu of them had died before the cutoff) and 4 heirs; one survivor "
	       "declines"
	       " the money\n",
	       DEMO_VICTIMS, (size_t)2);
	return REDRESS_OK;
}

/* A claim for every victim: opened by the caseworker, approved by both reviewers. */
static enum redress_err
demo_claims(struct demo *d, struct redress_error *err)
{
	char ids[DEMO_VICTIMS][CLAIM_ID_MAX + 1];
	enum redress_err rc;
	size_t i;

	if ((rc = demo_as(d, 1, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < DEMO_VICTIMS && rc == REDRESS_OK; i++)
		if ((rc = claim_open(d->cli->log, &d->cli->actor, "flagship-2015", d->victims[i], NULL,
		                     ids[i], err)) == REDRESS_OK)
			rc = claim_submit(d->cli->log, &d->cli->actor, ids[i], err);
	if ((rc = demo_end(d, rc, err)) != REDRESS_OK)
		return rc;
	for (size_t r = 2; r <= 3; r++) {
		if ((rc = demo_as(d, r, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK)
			return rc;
		for (i = 0; i < DEMO_VICTIMS && rc == REDRESS_OK; i++)
			rc = claim_approve(d->cli->log, &d->cli->actor, &d->keys, ids[i], NULL, err);
		if ((rc = demo_end(d, rc, err)) != REDRESS_OK)
			return rc;
	}
	printf("opened %zu claims; each approved by two reviewers\n", DEMO_VICTIMS);
	return REDRESS_OK;
}

/* One entitlement in the queue, to pay. */
struct demo_queue {
	size_t n;
	char id[16][ENTITLEMENT_ID_MAX + 1];
	char who[16][REGISTRY_PSEUDONYM_MAX + 1];
	char amount[16][MONEY_TEXT_SIZE];
};

static enum redress_err
demo_queued(void *ctx, const struct entitlement *e, const struct registry_person *p,
            struct redress_error *err)
{
	struct demo_queue *q = ctx;

	(void)p;
	if (q->n == 16)
		return error_set(err, REDRESS_E_INTERNAL, "the demo's queue is longer than it should be");
	snprintf(q->id[q->n], sizeof(q->id[q->n]), "%s", e->id);
	snprintf(q->who[q->n], sizeof(q->who[q->n]), "%s", e->beneficiary);
	money_format(e->amount, currency_find(e->currency, NULL), q->amount[q->n], sizeof(q->amount[q->n]));
	q->n++;
	return REDRESS_OK;
}

/* What the demo's files are named after: the database's file, or (PostgreSQL) the key directory. */
static const char *
demo_base(const struct demo *d)
{
	return store_is_pgsql(d->cli->db) ? d->cli->keys : d->cli->db;
}

/* A demo bank file's path: beside the database, "DIR/demo-NAME". */
static void
demo_bank_path(const struct demo *d, const char *name, char *out, size_t size)
{
	const char *base = demo_base(d);
	const char *slash = strrchr(base, '/');
	int dir = slash != NULL ? (int)(slash - base) : 1;

	snprintf(out, size, "%.*s/demo-%s", dir, slash != NULL ? base : ".", name);
}

/* The caseworker records where each beneficiary is paid; wrong names an account the bank will return. */
static enum redress_err
demo_bank_details(struct demo *d, const struct demo_queue *q, size_t only, int wrong,
                  struct redress_error *err)
{
	struct payments_bank b;
	enum redress_err rc;
	size_t i;

	if ((rc = demo_as(d, 1, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK)
		return rc;
	for (i = 0; i < q->n && rc == REDRESS_OK; i++) {
		if (only < q->n && i != only)
			continue;
		memset(&b, 0, sizeof(b));
		snprintf(b.account, sizeof(b.account), "DEMO-%03zu-%s", i + 1,
		         wrong && i == only ? "CLOSED" : "OPEN");
		snprintf(b.bic, sizeof(b.bic), "SHBKKRSE");
		snprintf(b.holder, sizeof(b.holder), "Demo Account Holder %zu", i + 1);
		rc = payments_bank_set(d->cli->log, &d->cli->actor, &d->keys, q->who[i], &b, err);
	}
	return demo_end(d, rc, err);
}

/* Finance makes a batch of what the queue holds and writes its pain.001; batch_r names it. */
static enum redress_err
demo_batch(struct demo *d, char batch_r[PAYMENTS_BATCH_ID_MAX + 1], struct redress_error *err)
{
	struct payments_batch_run run;
	char now[CLOCK_TEXT_SIZE], name[64], path[CLI_PATH_MAX + 64];
	struct buf pain;
	enum redress_err rc;

	if ((rc = demo_as(d, 4, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK ||
	    (rc = demo_end(d, payments_batch(d->cli->log, &d->cli->actor, "flagship-2015", 0, &run, err),
	                   err)) != REDRESS_OK)
		return rc;
	memcpy(batch_r, run.id, sizeof(run.id));
	clock_now_text(now);
	now[19] = '\0';
	buf_init(&pain, PAYMENTS_XML_MAX);
	snprintf(name, sizeof(name), "pain.001-%s.xml", run.id);
	demo_bank_path(d, name, path, sizeof(path));
	if ((rc = demo_begin(d, err)) == REDRESS_OK &&
	    (rc = demo_end(d, payments_export(d->cli->log, &d->cli->actor, &d->keys, run.id, now, &pain, err),
	                   err)) == REDRESS_OK)
		rc = cli_write_private(path, pain.data, pain.len, err);
	explicit_bzero(pain.data, pain.cap);
	buf_free(&pain);
	if (rc == REDRESS_OK)
		printf("batch %s: %llu payments in queue order, %s written for the bank\n", run.id,
		       (unsigned long long)run.orders, path);
	return rc;
}

/* What the demo's bank does with a batch: returns order returned (AC04), keeps the last if keep_last. */
struct demo_answer {
	struct payments_bank_entry e[16];
	size_t n, orders, returned;
	int keep_last;
	char today[11];
};

static enum redress_err
demo_answer_one(void *ctx, const struct payments_order *o, struct redress_error *err)
{
	struct demo_answer *a = ctx;
	struct payments_bank_entry *e = &a->e[a->n];

	if (a->n == 16)
		return error_set(err, REDRESS_E_INTERNAL, "the demo's batch is longer than it should be");
	a->orders++;
	memset(e, 0, sizeof(*e));
	snprintf(e->e2e, sizeof(e->e2e), "%s", o->id);
	money_format(o->amount, currency_find(o->currency, NULL), e->amount, sizeof(e->amount));
	memcpy(e->currency, o->currency, sizeof(e->currency));
	memcpy(e->date, a->today, sizeof(e->date));
	e->has_amount = 1;
	if (a->orders == a->returned) {
		e->what = PAYMENTS_BANK_RETURN;
		snprintf(e->reason, sizeof(e->reason), "AC04");
	} else
		e->what = PAYMENTS_BANK_SETTLE;
	a->n++;
	return REDRESS_OK;
}

/* The bank's camt.054 for batch, written beside the database and imported by finance. */
static enum redress_err
demo_bank_answers(struct demo *d, const char *batch, size_t returned, int keep_last,
                  struct redress_error *err)
{
	struct demo_answer a;
	struct payments_import_run run;
	struct payments_batch_info info;
	struct payments_debtor debtor;
	char now[CLOCK_TEXT_SIZE], name[64], path[CLI_PATH_MAX + 64];
	struct buf camt, back;
	enum redress_err rc;

	memset(&a, 0, sizeof(a));
	a.returned = returned;
	clock_now_text(now);
	memcpy(a.today, now, 10);
	if ((rc = payments_orders_each(tlog_store(d->cli->log), batch, demo_answer_one, &a, err)) !=
	    REDRESS_OK)
		return rc;
	if (keep_last && a.n > 0)
		a.n--; /* still at the bank */
	snprintf(name, sizeof(name), "camt.054-%s.xml", batch);
	demo_bank_path(d, name, path, sizeof(path));
	/* The notification is of the fund's account the batch was paid from. */
	if ((rc = payments_batch_get(tlog_store(d->cli->log), batch, &info, err)) != REDRESS_OK ||
	    (rc = payments_debtor_get(tlog_store(d->cli->log), info.program, &debtor, err)) != REDRESS_OK)
		return rc;
	buf_init(&camt, PAYMENTS_XML_MAX);
	if ((rc = payments_camt054_write(&camt, name, now, &debtor, a.e, a.n, err)) != REDRESS_OK ||
	    (rc = cli_write_private(path, camt.data, camt.len, err)) != REDRESS_OK) {
		buf_free(&camt);
		return rc;
	}
	buf_free(&camt);
	/* Read back from the file, as 'pay import' reads what a bank sends. */
	if ((rc = cli_read_file(path, PAYMENTS_XML_MAX, &back, err)) != REDRESS_OK)
		return rc;
	if ((rc = demo_as(d, 4, err)) == REDRESS_OK && (rc = demo_begin(d, err)) == REDRESS_OK)
		rc = demo_end(
		    d, payments_import(d->cli->log, &d->cli->actor, path, back.data, back.len, &run, err),
		    err);
	buf_free(&back);
	if (rc == REDRESS_OK)
		printf("the bank's %s: %llu settled, %llu returned%s\n", path,
		       (unsigned long long)run.settled, (unsigned long long)run.returned,
		       keep_last ? ", one still at the bank" : "");
	return rc;
}

/* Finance books the entitlements and pays the queue, in its order, through the bank. */
static enum redress_err
demo_pay(struct demo *d, struct redress_error *err)
{
	struct ledger_transfer_request too_much = {"pay-too-much", "bank:krw", "payable:flagship-2015",
	                                           "20000000000",  0,          NULL};
	struct payments_debtor debtor = {.program = "flagship-2015",
	                                 .name = "Reconciliation and Healing Foundation (demo)",
	                                 .iban = "DE89370400440532013000",
	                                 .bic = "SHBKKRSE"};
	struct entitlements_run run;
	struct demo_queue q;
	struct redress_error refused;
	char batch[PAYMENTS_BATCH_ID_MAX + 1];
	uint64_t moved = 0;
	int unresolved = 0;
	enum redress_err rc;

	if ((rc = demo_as(d, 4, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK ||
	    (rc = demo_end(d, entitlements_compute(d->cli->log, &d->cli->actor, "flagship-2015", &run, err),
	                   err)) != REDRESS_OK)
		return rc;
	printf("booked %llu entitlements (%llu declined by the person)\n", (unsigned long long)run.booked,
	       (unsigned long long)run.declined);

	/* Survivor Two dies before she is paid: her entitlement passes to her son. */
	if ((rc = demo_as(d, 1, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK)
		return rc;
	rc = registry_death(d->cli->log, &d->cli->actor, &d->keys, d->victims[1], "2026-11-01", err);
	if (rc == REDRESS_OK)
		rc = entitlements_on_death(d->cli->log, &d->cli->actor, d->victims[1], &moved, &unresolved,
		                           err);
	if ((rc = demo_end(d, rc, err)) != REDRESS_OK)
		return rc;
	printf("%s died unpaid: %llu entitlement passed to her heir %s\n", d->victims[1],
	       (unsigned long long)moved, d->heirs[3]);

	/*
	 * The bank: everyone in the queue gets bank details (the second an
	 * account that turns out closed), one batch in queue order, its
	 * pain.001; the bank books all but the second (returned, AC04) and the
	 * last (still at the bank).  The second's account is corrected and she
	 * is paid in a second batch.
	 */
	memset(&q, 0, sizeof(q));
	if ((rc = entitlements_queue(tlog_store(d->cli->log), "flagship-2015", demo_queued, &q, err)) !=
	    REDRESS_OK)
		return rc;
	if (q.n < 3)
		return error_set(err, REDRESS_E_INTERNAL, "the demo's queue is shorter than it should be");
	if ((rc = demo_bank_details(d, &q, q.n, 0, err)) != REDRESS_OK ||
	    (rc = demo_bank_details(d, &q, 1, 1, err)) != REDRESS_OK ||
	    (rc = demo_as(d, 4, err)) != REDRESS_OK || (rc = demo_begin(d, err)) != REDRESS_OK ||
	    (rc = demo_end(d, payments_debtor_set(d->cli->log, &d->cli->actor, &debtor, err), err)) !=
	        REDRESS_OK ||
	    (rc = demo_batch(d, batch, err)) != REDRESS_OK ||
	    (rc = demo_bank_answers(d, batch, 2, 1, err)) != REDRESS_OK ||
	    (rc = demo_bank_details(d, &q, 1, 0, err)) != REDRESS_OK ||
	    (rc = demo_batch(d, batch, err)) != REDRESS_OK ||
	    (rc = demo_bank_answers(d, batch, 0, 0, err)) != REDRESS_OK)
		return rc;
	printf(
	    "paid %zu entitlements in queue order, most frail and oldest first; one returned by the bank and"
	    " paid again; one still at the bank\n",
	    q.n);

	/* The fund can never pay out more than it holds. */
	if ((rc = demo_begin(d, err)) != REDRESS_OK)
		return rc;
	rc = ledger_transfer_create(d->cli->log, &too_much, NULL, NULL, &refused);
	tlog_rollback(d->cli->log);
	if (rc != REDRESS_E_REFUSED)
		return error_set(err, REDRESS_E_INTERNAL,
		                 "the ledger did not refuse an overdraft of the fund");
	printf("refused, as it must be: %s\n", refused.message);
	return REDRESS_OK;
}

static enum redress_err
demo_book(struct demo *d, struct redress_error *err)
{
	enum redress_err rc;

	if ((rc = demo_staff_accounts(d, err)) != REDRESS_OK || (rc = demo_money(d, err)) != REDRESS_OK ||
	    (rc = demo_registry(d, err)) != REDRESS_OK || (rc = demo_claims(d, err)) != REDRESS_OK)
		return rc;
	return demo_pay(d, err);
}

/*
 * The monitor publishes the program's public report (JSON and HTML beside
 * the database) and anyone verifies it with the log's public key alone.
 */
static enum redress_err
demo_report(struct demo *d, struct redress_error *err)
{
	struct report_published *pub = malloc(sizeof(*pub));
	char path[CLI_PATH_MAX + 32];
	struct report_verified v;
	struct buf out, vkey;
	const char *base = demo_base(d);
	size_t len = strlen(base);
	enum redress_err rc;
	FILE *f = NULL;
	int i;

	if (pub == NULL)
		return error_set(err, REDRESS_E_NOMEM, "out of memory");
	report_published_init(pub);
	buf_init(&out, 16u << 20);
	buf_init(&vkey, 4096);
	if (len > 3 && strcmp(base + len - 3, ".db") == 0)
		len -= 3;
	for (i = 0; i < 2; i++) {
		if ((rc = demo_as(d, 5, err)) != REDRESS_OK ||
		    (rc = report_publish(d->cli->log, &d->cli->actor, "flagship-2015", REPORT_K_DEFAULT, pub,
		                         err)) != REDRESS_OK)
			goto out;
		buf_reset(&out);
		rc = i == 0 ? report_render_html(pub, &out, err) : report_render_json(pub, &out, err);
		snprintf(path, sizeof(path), "%.*s-report.%s", (int)len, base, i == 0 ? "html" : "json");
		if (rc != REDRESS_OK)
			goto out;
		if ((f = fopen(path, "wb")) == NULL || fwrite(out.data, 1, out.len, f) != out.len ||
		    fclose(f) != 0) {
			f = NULL;
			rc = error_set(err, REDRESS_E_IO, "%.200s: cannot write the demo's report", path);
			goto out;
		}
		f = NULL;
	}
	if ((rc = tlog_vkey(d->cli->log, &vkey, err)) != REDRESS_OK)
		goto out;
	while (vkey.len > 0 && vkey.data[vkey.len - 1] == '\n')
		vkey.data[--vkey.len] = '\0';
	if ((rc = report_verify(out.data, out.len, vkey.data, &v, err)) != REDRESS_OK)
		goto out;
	printf(
	    "\npublished the public report of %s, computed at tree size %llu (event %llu): %.*s-report.html,"
	    " %s\nverified it with the public key alone: redress report verify %s --pubkey KEY\n",
	    v.program, (unsigned long long)v.computed_at, (unsigned long long)v.seq, (int)len, base, path,
	    path);
out:
	buf_free(&out);
	buf_free(&vkey);
	report_published_free(pub);
	free(pub);
	return rc;
}

static enum redress_err
demo_print_balance(void *ctx, const struct ledger_account *a, struct redress_error *err)
{
	const struct currency *cur = currency_find(a->currency, NULL);
	char posted_text[MONEY_TEXT_SIZE], avail_text[MONEY_TEXT_SIZE];
	int64_t posted, available;
	enum redress_err rc;

	(void)ctx;
	if ((rc = ledger_balance(a, &posted, &available, err)) != REDRESS_OK)
		return rc;
	money_format(posted, cur, posted_text, sizeof(posted_text));
	money_format(available, cur, avail_text, sizeof(avail_text));
	printf("  %-22s %18s %s", a->code, posted_text, a->currency);
	if (available != posted)
		printf("   (%s after pending payments)", avail_text);
	printf("\n");
	return REDRESS_OK;
}

/*
 * Removes an earlier demo database and its keys -- and nothing else: a
 * database whose log is not a demo's (its origin does not start with
 * DEMO_ORIGIN) is a fund's, and is never removed.  A PostgreSQL database
 * holding no log is left as it is; one holding a demo's loses every table
 * of its schema (store_destroy).
 */
static enum redress_err
demo_remove(struct cli *cli, struct redress_error *err)
{
	struct store *store = NULL;
	struct redress_error none;
	int64_t schema;
	enum redress_err rc;
	int demo;

	if (!store_is_pgsql(cli->db) && access(cli->db, F_OK) != 0)
		return REDRESS_OK;
	if (store_is_pgsql(cli->db)) {
		if ((rc = store_open(cli->db, STORE_OPEN_EXISTING, &store, err)) != REDRESS_OK)
			return rc;
		rc = tlog_schema_version(store, &schema, &none);
		store_close(&store);
		if (rc != REDRESS_OK)
			return REDRESS_OK; /* no log: nothing of an earlier demo's */
	}
	if ((rc = cli_open(cli, CLI_READ, err)) != REDRESS_OK)
		return error_prefix(
		    err, "--fresh removes only an earlier demo database, and '%.200s' is not one", cli->db);
	demo = strncmp(tlog_origin(cli->log), DEMO_ORIGIN, strlen(DEMO_ORIGIN)) == 0;
	cli_close(cli);
	if (!demo)
		return error_set(err, REDRESS_E_CONFLICT,
		                 "'%.200s' holds a fund's log, not a demo's: --fresh will not remove it",
		                 cli->db);
	if ((rc = store_open(cli->db, STORE_OPEN_EXISTING, &store, err)) != REDRESS_OK ||
	    (rc = store_destroy(&store, err)) != REDRESS_OK)
		return rc;
	keydir_remove_keys(cli->keys);
	rmdir(cli->keys);
	return REDRESS_OK;
}

int
cmd_demo(struct cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
	    {"fresh", no_argument, NULL, 'f'},
	    {"listen", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char origin[64], random_origin[64], db_shown[512];
	struct audit_report *report = NULL;
	struct redress_error err;
	struct demo d;
	struct buf out;
	const char *listen_at = NULL;
	int c, fresh = 0, status = 0;
	enum redress_err rc;
	unsigned i;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'f': fresh = 1; break;
		case 'l': listen_at = optarg; break;
		case 'h': demo_usage(stdout); return 0;
		default: return cli_bad_option("demo", argv);
		}
	}
	if (optind != argc)
		return cli_usage_error("demo", "unexpected argument '%s'", argv[optind]);
	if (listen_at != NULL) {
		/* A bad address is a usage error before any work, not after it. */
		struct http_config probe;

		if (http_listen_parse(listen_at, &probe, &err) != REDRESS_OK)
			return cli_usage_error("demo", "%s", err.message);
	}
	if (fresh && demo_remove(cli, &err) != REDRESS_OK)
		return cli_fail(&err);
	/* The origin marks the log as a demo's, so --fresh may remove it later. */
	cli_default_origin(random_origin, sizeof(random_origin));
	snprintf(origin, sizeof(origin), "%s%s", DEMO_ORIGIN, strchr(random_origin, '/') + 1);
	if (cli_init_database(cli, origin, &err) != REDRESS_OK)
		return cli_fail(&err);
	/* A PostgreSQL URI is printed without its password. */
	store_location_shown(cli->db, db_shown, sizeof(db_shown));
	printf("created the demo database %s (keys in %s)\n", db_shown, cli->keys);
	memset(&d, 0, sizeof(d));
	d.cli = cli;
	d.keys = cli_registry_keys(cli);
	rc = demo_book(&d, &err);
	if (rc != REDRESS_OK) {
		crypto_wipe(d.passwords, sizeof(d.passwords));
		crypto_wipe(d.totp, sizeof(d.totp));
		return cli_fail(&err);
	}

	printf("\nbalances:\n");
	if (ledger_account_each(tlog_store(cli->log), demo_print_balance, NULL, &err) != REDRESS_OK)
		return cli_fail(&err);

	report = calloc(1, sizeof(*report));
	if (report == NULL)
		return cli_fail(&(struct redress_error){REDRESS_E_NOMEM, "out of memory"});
	if (audit_verify(cli->log, sign_key_public(keydir_log_key(cli->keydir)), report, &err) !=
	    REDRESS_OK) {
		free(report);
		return cli_fail(&err);
	}
	printf("\naudit: %llu events, %llu signed checkpoints and %llu table rows checked: %s\n",
	       (unsigned long long)report->events, (unsigned long long)report->checkpoints,
	       (unsigned long long)report->rows, report->nfindings == 0 ? "all agree" : "PROBLEMS FOUND");
	for (i = 0; i < report->nfindings; i++)
		printf("  FAIL: %s\n", report->findings[i]);
	status = report->nfindings == 0 ? 0 : 1;
	free(report);

	buf_init(&out, 1 << 16);
	if (tlog_checkpoint(cli->log, &out, &err) != REDRESS_OK) {
		buf_free(&out);
		return cli_fail(&err);
	}
	printf("\nlatest signed checkpoint (anyone with the key below can verify it):\n%s", out.data);
	buf_reset(&out);
	if (tlog_vkey(cli->log, &out, &err) == REDRESS_OK)
		printf("\nverifier key: %s\n", out.data);
	buf_free(&out);
	printf("\ndemo accounts (synthetic, for this demo database only):\n");
	for (i = 0; i < DEMO_STAFF; i++)
		printf("  %-5s %-10s password %s%s%s\n", demo_staff[i].name,
		       users_role_name(demo_staff[i].role), d.passwords[i],
		       d.totp[i][0] != '\0' ? "  totp secret " : "", d.totp[i]);
	crypto_wipe(d.passwords, sizeof(d.passwords));
	if (status == 0 && demo_report(&d, &err) != REDRESS_OK)
		return cli_fail(&err);
	crypto_wipe(d.totp, sizeof(d.totp));
	printf("\ntry: redress --db %s --keys %s --as fumi queue --program flagship-2015\n"
	       "     redress --db %s --keys %s audit verify\n",
	       db_shown, cli->keys, db_shown, cli->keys);
	if (status != 0 || listen_at == NULL)
		return status;
	printf("\nweb interface: http://%s/  (sign in with an account above; Ctrl-C stops the server)\n",
	       listen_at);
	fflush(stdout);
	return cli_serve_at(cli, listen_at);
}
