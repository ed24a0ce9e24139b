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
	return json_pack("{s:s, s:s, s:b, s:b, s:I}", "name", a->name, "role", users_role_name(a->role),
	                 "totp", a->has_totp, "locked", a->locked, "tokens", (json_int_t)a->tokens);
}
