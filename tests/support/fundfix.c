/*
 * fundfix.c -- people, a funded program and approved claims for the domain tests
 * (fundfix.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/ledger/ledger.h"
#include "fundfix.h"

void
fundfix_person(struct logfix *f, const struct registry_keys *keys, const struct registry_new_person *np,
               char out[REGISTRY_PSEUDONYM_MAX + 1])
{
	static const struct actor cid = {"cid", ROLE_CASEWORKER, 0};
	struct redress_error err;

	logfix_account(f, cid.name, cid.role);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (registry_add(f->log, &cid, keys, np, out, &err) != REDRESS_OK)
		fail_msg("registering %s: %s", np->identity.birth_date, err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

void
fundfix_program(struct logfix *f, const char *text, const char *amount, struct program *p_r)
{
	struct ledger_account_spec gift = {"gift", NULL, LEDGER_INCOME, NULL, 0};
	struct ledger_transfer_request funding = {0};
	const struct actor ada = {"ada", ROLE_ADMIN, 0};
	struct redress_error err;

	if (program_parse(text, strlen(text), p_r, &err) != REDRESS_OK)
		fail_msg("the test's program: %s", err.message);
	logfix_account(f, ada.name, ada.role);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (program_add(f->log, &ada, p_r, &err) != REDRESS_OK)
		fail_msg("program_add: %s", err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	gift.currency = p_r->currency;
	funding.id = "gift-1";
	funding.from = "gift";
	funding.to = p_r->fund;
	funding.amount = amount;
	logfix_account(f, "fin", ROLE_FINANCE);
	assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
	if (ledger_account_open(f->log, &gift, NULL, &err) != REDRESS_OK ||
	    ledger_transfer_create(f->log, &funding, NULL, NULL, &err) != REDRESS_OK)
		fail_msg("funding %s: %s", p_r->fund, err.message);
	assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
}

void
fundfix_claim_approved(struct logfix *f, const struct registry_keys *keys, const char *program,
                       const char *victim, char id_r[CLAIM_ID_MAX + 1])
{
	static const struct actor cid = {"cid", ROLE_CASEWORKER, 0}, rita = {"rita", ROLE_REVIEWER, 0},
	                          rob = {"rob", ROLE_REVIEWER, 0};
	const struct actor *steps[] = {&cid, &cid, &rita, &rob};
	struct redress_error err;
	enum redress_err rc;
	size_t i;

	for (i = 0; i < 4; i++) {
		logfix_account(f, steps[i]->name, steps[i]->role);
		assert_int_equal(tlog_begin(f->log, &err), REDRESS_OK);
		rc = i == 0   ? claim_open(f->log, &cid, program, victim, NULL, id_r, &err)
		     : i == 1 ? claim_submit(f->log, &cid, id_r, &err)
		              : claim_approve(f->log, steps[i], keys, id_r, "consistent", &err);
		if (rc != REDRESS_OK)
			fail_msg("claim step %zu for %s: %s", i, victim, err.message);
		assert_int_equal(tlog_commit(f->log, &err), REDRESS_OK);
	}
}
