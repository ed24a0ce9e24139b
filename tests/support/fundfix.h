/*
 * fundfix.h -- on top of logfix, the steps many domain tests take before
 * the one they test: a person registered, a program added and its fund
 * account funded, and a claim taken through to approval by two reviewers.  Each step is made
 * by the account whose role it needs (audit checks who made every
 * event), in a change of its own; any failure fails the test, naming
 * the step.
 */
#ifndef REDRESS_TESTS_FUNDFIX_H
#define REDRESS_TESTS_FUNDFIX_H

#include "domain/claims/claims.h"
#include "domain/programs/programs.h"
#include "domain/registry/registry.h"
#include "logfix.h"

/*
 * Registers np as the caseworker "cid" in a change of its own; her
 * pseudonym in out.
 */
void fundfix_person(struct logfix *f, const struct registry_keys *keys, const struct registry_new_person *np,
                    char out[REGISTRY_PSEUDONYM_MAX + 1]);

/*
 * Adds the program in text (parsed into *p_r) as the admin "ada"; then,
 * as the finance officer "fin", opens the income account "gift" in the
 * program's currency and moves amount (decimal text) from it to the
 * program's fund account.
 */
void fundfix_program(struct logfix *f, const char *text, const char *amount, struct program *p_r);

/*
 * Opens and submits a claim of victim under program as the caseworker
 * "cid", then approves it as the reviewers "rita" and "rob"; its id in
 * id_r.
 */
void fundfix_claim_approved(struct logfix *f, const struct registry_keys *keys, const char *program,
                            const char *victim, char id_r[CLAIM_ID_MAX + 1]);

#endif
