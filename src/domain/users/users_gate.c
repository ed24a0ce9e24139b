/*
 * users_gate.c -- audit's replay of roles: who may have made each event.
 *
 * `redress audit verify` replays the log from its first event.  Before
 * each event is folded, users_gate looks at its actor in the accounts as
 * the log stands just before it (users_fold.c keeps each account's role)
 * and checks that the actor held the permission the event's type needs.
 * A role edited in the database and edited back, an event appended by
 * someone who holds the keys but went around the commands: each is a
 * finding naming the event, its actor, the actor's role then and the
 * permission it lacked.
 *
 * Actors: "user:NAME" (an account, by its role at that moment);
 * "os:NAME" (the operating-system user who holds the keys: anything while
 * the fund has no account yet -- the bootstrap -- and afterwards only the
 * recovery of an account, which needs the keys); "system:http" (the
 * server itself, which only locks an account after failed sign-ins).
 */
#include <stdio.h>
#include <string.h>

#include "domain/users/users_int.h"

#define BIT(p) (1u << (p))

/* What an event type needs: any one of the permissions in perms. */
struct gate_rule {
	const char *type; /* a whole type, or a prefix ending in '.' */
	unsigned perms;
	int self; /* 1: the account named in the event's "name" may make it for itself */
};

/*
 * Every event type redress writes, with the permissions under which a
 * command writes it.  A type several commands write (a ledger transfer is
 * booked by finance, by an entitlement run and by a recorded death) takes
 * any of theirs.  The first matching row applies; the users module's
 * types not named here need PERM_USERS_MANAGE (its last row).
 */
static const struct gate_rule rules[] = {
    {"programs.", BIT(PERM_PROGRAMS_MANAGE), 0},
    {"pledges.", BIT(PERM_LEDGER_WRITE), 0},
    {"ledger.account.opened", BIT(PERM_LEDGER_WRITE) | BIT(PERM_PROGRAMS_MANAGE) | BIT(PERM_ENTITLEMENTS_RUN),
     0},
    {"ledger.", BIT(PERM_LEDGER_WRITE) | BIT(PERM_ENTITLEMENTS_RUN) | BIT(PERM_PERSONS_WRITE), 0},
    {"entitlements.proof.recorded", BIT(PERM_PERSONS_WRITE), 0},
    {"entitlements.service.recorded", BIT(PERM_PERSONS_WRITE), 0},
    {"entitlements.", BIT(PERM_ENTITLEMENTS_RUN) | BIT(PERM_PERSONS_WRITE) | BIT(PERM_LEDGER_WRITE), 0},
    {"claims.claim.approved", BIT(PERM_CLAIMS_DECIDE), 0},
    {"claims.claim.denied", BIT(PERM_CLAIMS_DECIDE), 0},
    /* An appealed claim's harms are reviewed by the appeals role (the state decides, claims checks it). */
    {"claims.harm.reviewed", BIT(PERM_CLAIMS_DECIDE) | BIT(PERM_APPEALS_DECIDE), 0},
    {"claims.appeal.", BIT(PERM_APPEALS_DECIDE), 0},
    {"claims.evidence.read", BIT(PERM_CLAIMS_READ), 0},
    {"claims.reasons.read", BIT(PERM_CLAIMS_READ), 0},
    {"claims.", BIT(PERM_CLAIMS_INTAKE), 0},
    {"registry.person.revealed", BIT(PERM_PERSONS_REVEAL), 0},
    {"registry.search.recorded", BIT(PERM_PERSONS_REVEAL), 0},
    {"registry.person.erased", BIT(PERM_PERSONS_ERASE), 0},
    {"registry.consent.recorded", BIT(PERM_CONSENT_WRITE), 0},
    {"registry.consultation.recorded", BIT(PERM_CONSENT_WRITE), 0},
    {"registry.", BIT(PERM_PERSONS_WRITE), 0},
    {"payments.bank.recorded", BIT(PERM_PERSONS_WRITE), 0},
    {"casework.note.opened", BIT(PERM_PERSONS_REVEAL), 0},
    {"casework.", BIT(PERM_PERSONS_WRITE), 0},
    {"duplicates.", BIT(PERM_PERSONS_WRITE), 0},
    {"payments.", BIT(PERM_LEDGER_WRITE), 0},
    {"reports.", BIT(PERM_AGGREGATES_READ), 0},
    {"fund.", BIT(PERM_USERS_MANAGE), 0},
    {"offices.person.transferred", BIT(PERM_PERSONS_WRITE), 0},
    {"offices.", BIT(PERM_USERS_MANAGE), 0},
    {TLOG_EV_KEY_ROTATED, BIT(PERM_USERS_MANAGE), 0},
    {USERS_EV_TOTP_ENROLLED, BIT(PERM_USERS_MANAGE), 1},
    /* Before tokens were made by their own account only, an admin made them: both verify. */
    {USERS_EV_TOKEN_ISSUED, BIT(PERM_USERS_MANAGE), 1},
    /* An account changes its own password (reset 0); an admin resets another's. */
    {USERS_EV_PASSWORD, BIT(PERM_USERS_MANAGE), 1},
    {"users.", BIT(PERM_USERS_MANAGE), 0},
};

static const struct gate_rule *
rule_for(const char *type)
{
	size_t i, len;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		len = strlen(rules[i].type);
		if (rules[i].type[len - 1] == '.' ? strncmp(type, rules[i].type, len) == 0
		                                  : strcmp(type, rules[i].type) == 0)
			return &rules[i];
	}
	return NULL;
}

/* The permissions of rule as words: "decide claims". */
static void
perms_text(unsigned perms, char *out, size_t size)
{
	size_t len = 0;
	unsigned p;

	out[0] = '\0';
	for (p = 0; p < 32 && len < size; p++)
		if (perms & BIT(p))
			len += (size_t)snprintf(out + len, size - len, "%s%s", len > 0 ? "' or '" : "",
			                        users_permission_name((enum permission)p));
}

/* The account an event names in its data's "name" (or "account"), or "". */
static const char *
named_account(const struct event *ev)
{
	const char *name = NULL;

	if (ev->data == NULL || (canon_get_string(ev->data, "name", &name, NULL) != REDRESS_OK &&
	                         canon_get_string(ev->data, "account", &name, NULL) != REDRESS_OK))
		return "";
	return name;
}

void
users_gate(void *model, const struct event *ev, struct audit_report *report)
{
	const struct gate_rule *rule = rule_for(ev->type);
	const char *account;
	struct actor actor;
	char need[160];
	unsigned p;

	if (rule == NULL) {
		audit_finding(report, "event %llu (%.64s): no rule says who may make it",
		              (unsigned long long)ev->seq, ev->type);
		return;
	}
	if (strncmp(ev->actor, "os:", 3) == 0) {
		/*
		 * The keys' holder: the bootstrap, then only a recovery (which the
		 * keys alone allow).  Events of version 1 were made before this
		 * rule, when the keys' holder could enrol a second factor or mint
		 * a token after the first account: they are history, not findings.
		 */
		if (!users_fold_any(model) || strcmp(ev->type, USERS_EV_RECOVERED) == 0 || ev->version == 1 ||
		    !users_fold_first_os(model))
			return;
		audit_finding(report,
		              "event %llu (%.64s): made by '%.64s', the operating-system user, after the fund"
		              " had staff accounts: only an account may make it (later such events are not"
		              " named again)",
		              (unsigned long long)ev->seq, ev->type, ev->actor);
		return;
	}
	if (strcmp(ev->actor, "system:http") == 0) {
		if (strcmp(ev->type, USERS_EV_LOCKED) != 0)
			audit_finding(
			    report,
			    "event %llu (%.64s): made by the server itself, which only locks accounts",
			    (unsigned long long)ev->seq, ev->type);
		return;
	}
	memset(&actor, 0, sizeof(actor));
	if (strncmp(ev->actor, "user:", 5) != 0 || !users_fold_role(model, ev->actor + 5, &actor.role)) {
		audit_finding(report,
		              "event %llu (%.64s): its actor '%.64s' is no account at that point of the log",
		              (unsigned long long)ev->seq, ev->type, ev->actor);
		return;
	}
	snprintf(actor.name, sizeof(actor.name), "%s", ev->actor + 5);
	account = named_account(ev);
	if (rule->self && strcmp(account, actor.name) == 0)
		return;
	for (p = 0; p < 32; p++)
		if ((rule->perms & BIT(p)) && users_allows(&actor, (enum permission)p))
			return;
	perms_text(rule->perms, need, sizeof(need));
	audit_finding(report,
	              "event %llu (%.64s): its actor '%.64s' was %s then and lacked the permission to '%s'",
	              (unsigned long long)ev->seq, ev->type, ev->actor, users_role_name(actor.role), need);
}
