/*
 * users_json.c -- staff accounts as JSON, one shape for every reader:
 * `redress user list --json` and the HTTP API.  Never any password, secret
 * or token: whether a second factor is enrolled, how many tokens are live,
 * whether the account is locked.
 */
#include "domain/users/users.h"

json_t *
users_account_json(const struct users_account *a)
{
	json_t *j =
	    json_pack("{s:s, s:s, s:b, s:b, s:I, s:b, s:b}", "name", a->name, "role",
	              users_role_name(a->role), "totp", a->has_totp, "locked", a->locked, "tokens",
	              (json_int_t)a->tokens, "disabled", a->disabled, "must_change_password", a->must_change);

	if (j != NULL && a->has_pending_role)
		json_object_set_new(j, "pending_role", json_string(users_role_name(a->pending_role)));
	return j;
}
