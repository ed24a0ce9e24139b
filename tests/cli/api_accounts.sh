# api_accounts.sh -- staff accounts over time over real HTTP: an admin
# disables an account and its session and API token stop at once (also
# when the command line disables it while the server runs); enabling lets
# it sign in again; an admin's password reset keeps the account out until
# it chooses a new password with POST /api/v1/password; a change of role
# takes effect in the account's live session; a grant of admin waits (202)
# for a second admin; refusals (no such role, no such account, a
# caseworker asking) change nothing.  Sessions survive a restart of the
# server, and the database holds only their hashes.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

for who in ada cho moe ryu; do
	sign_in "$who"
done
expect_exit 0 as cho user token
token=$OUT
tcall() { # METHOD PATH: as cho's API token
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $token" "$BASE$2")
	OUT=$(cat "$T/body")
}
call cho GET /persons
expect_status 200 "cho's session before"
tcall GET /persons
expect_status 200 "cho's token before"

# ---- Disable over HTTP: the session and the token end at once ------------------------
size=$(log_size)
jcall cho POST /users/moe/disable '{}'
expect_status 403 "a caseworker disabling"
jcall ada POST /users/nobody/disable '{}'
expect_status 404 "disabling no one"
jcall ada POST /users/ada/disable '{}'
expect_status 422 "an admin disabling itself"
expect_eq "$(log_size)" "$size" "log size after refused disables"
jcall ada POST /users/cho/disable '{}'
expect_status 200 "disabling cho"
expect_eq "$(printf '%s' "$OUT" | json disabled)" true
call cho GET /persons
expect_status 401 "cho's session after the disable"
tcall GET /persons
expect_status 401 "cho's token after the disable"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "{\"username\":\"cho\",\"password\":\"$(field_of cho password)\"}" "$BASE/session")
expect_status 401 "cho signing in while disabled"
expect_in "$(cat "$T/body")" "may not sign in now"  # disabled, locked and unknown answered alike
jcall ada POST /users/cho/disable '{}'
expect_status 409 "disabling twice"
jcall ada POST /users/cho/enable '{}'
expect_status 200 "enabling cho"
sign_in cho
tcall GET /persons
expect_status 200 "cho's token after enabling"

# ---- Disabled on the command line while the server runs -------------------------------
expect_exit 0 as ada user disable cho
call cho GET /persons
expect_status 401 "cho's session after a disable on the command line"
expect_exit 0 as ada user enable cho
sign_in cho

# ---- Role: takes effect in the live session ----------------------------------------------
jcall ada POST /users/moe/role '{"role": "emperor"}'
expect_status 400 "a role that does not exist"
expect_in "$OUT" "emperor"
call moe GET /persons
expect_status 403 "a monitor reading persons"
jcall ada POST /users/moe/role '{"role": "caseworker"}'
expect_status 200 "moe made caseworker"
expect_eq "$(printf '%s' "$OUT" | json role)" caseworker
call moe GET /persons
expect_status 200 "moe's session, now a caseworker's"
# The demo has one admin: the first grant of admin is at once; the next waits for the other admin.
jcall ada POST /users/ryu/role '{"role": "admin"}'
expect_status 200 "the second admin, made by the only one"
call ryu GET /users
expect_status 200 "ryu's session, now an admin's"
jcall ada POST /users/fumi/role '{"role": "admin"}'
expect_status 202 "a grant of admin, waiting"
expect_eq "$(printf '%s' "$OUT" | json pending_role)" admin
expect_eq "$(printf '%s' "$OUT" | json role)" finance
jcall ada POST /users/fumi/role '{"role": "admin"}'
expect_status 422 "the same admin approving its own grant"
expect_in "$OUT" "needs a second admin"
jcall ryu POST /users/fumi/role '{"role": "admin"}'
expect_status 200 "a second admin approving"
expect_eq "$(printf '%s' "$OUT" | json role)" admin

# ---- Password reset: out until a new one is chosen -----------------------------------
jcall ada POST /users/cho/password '{"password": "short"}'
expect_status 400 "a reset to a short password"
jcall ada POST /users/cho/password '{"password": "canary-reset-5e1d0c"}'
expect_status 200 "an admin's reset"
expect_eq "$(printf '%s' "$OUT" | json must_change_password)" true
call cho GET /persons
expect_status 401 "cho's session after the reset"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary '{"username":"cho","password":"canary-reset-5e1d0c"}' "$BASE/session")
expect_status 403 "signing in with the reset password"
expect_in "$(cat "$T/body")" '"code":"password_change_required"'
expect_in "$(cat "$T/body")" "must choose a new password"
# A wrong password for a reset account says nothing of the reset.
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary '{"username":"cho","password":"wrong-password-000"}' "$BASE/session")
expect_status 401 "a wrong password for a reset account"
expect_not_in "$(cat "$T/body")" "new password"
pw() { # USER OLD NEW
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$1\",\"password\":\"$2\",\"new_password\":\"$3\"}" "$BASE/password")
	OUT=$(cat "$T/body")
}
pw cho wrong-password-000 canary-chosen-9a8b7c
expect_status 401 "a new password with a wrong old one"
pw cho canary-reset-5e1d0c canary-chosen-9a8b7c
expect_status 200 "choosing a new password"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/cho.jar" -H 'Content-Type: application/json' \
	--data-binary '{"username":"cho","password":"canary-chosen-9a8b7c"}' "$BASE/session")
expect_status 201 "signing in with the chosen password"
json csrf_token <"$T/body" >"$T/cho.csrf"

# ---- The page where a reset account chooses its new password --------------------------------
ROOT=${BASE%/api/v1}
jcall ada POST /users/cho/password '{"password": "canary-reset-2-77aa11"}'
expect_status 200 "a second reset"
curl -s -c "$T/pg.jar" -b "$T/pg.jar" "$ROOT/sign-in" >"$T/form.html"
tok=$(grep -o 'name="csrf_token" value="[^"]*"' "$T/form.html" | sed 's/.*value="//; s/"$//')
checks=$((checks + 1))
[ -n "$tok" ] || fail "no pre-session token on the sign-in form"
page_post() { # PATH FIELD=VALUE...
	path=$1
	shift
	args=(--data-urlencode "csrf_token=$tok")
	for f in "$@"; do
		args+=(--data-urlencode "$f")
	done
	STATUS=$(curl -s -o "$T/body" -D "$T/page-headers" -w '%{http_code}' -c "$T/pg.jar" -b "$T/pg.jar" "${args[@]}" "$ROOT$path")
	# A refused form is post/redirect/get: its answer is at the address it is sent to.
	refused=$(sed -n 's/^[Ll]ocation: \(\/sign-in\/refused\/[^[:space:]]*\).*/\1/p' "$T/page-headers")
	if [ "$STATUS" = 303 ] && [ -n "$refused" ]; then
		STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/pg.jar" -b "$T/pg.jar" "$ROOT$refused")
	fi
	OUT=$(cat "$T/body")
}
page_post /sign-in username=cho password=canary-reset-2-77aa11
expect_status 403 "the page's sign-in with a reset password"
expect_in "$OUT" 'action="/sign-in/password"'
expect_in "$OUT" 'name="new_password2"'
size=$(log_size)
page_post /sign-in/password username=cho password=canary-reset-2-77aa11 new_password=canary-page-1aa new_password2=canary-page-2bb
expect_status 422 "two new passwords that differ"
page_post /sign-in/password username=cho password=canary-reset-2-77aa11 new_password=short new_password2=short
expect_status 422 "a short new password"
page_post /sign-in/password username=cho password=canary-reset-2-77aa11 new_password=canary-reset-2-77aa11 new_password2=canary-reset-2-77aa11
expect_status 422 "the given password as the new one"
page_post /sign-in/password username=cho password=wrong-password-000 new_password=canary-page-1aa new_password2=canary-page-1aa
expect_status 401 "a wrong given password"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/pg.jar" -b "$T/pg.jar" --data-urlencode "csrf_token=not-the-token" \
	--data-urlencode username=cho --data-urlencode password=canary-reset-2-77aa11 \
	--data-urlencode new_password=canary-page-1aa --data-urlencode new_password2=canary-page-1aa "$ROOT/sign-in/password")
expect_status 400 "a form without its pre-session token"
expect_eq "$(log_size)" "$size" "log size after refused new passwords"
sleep 3 # the wrong passwords above are failed sign-ins from this address: let the throttle's wait pass
page_post /sign-in/password username=cho password=canary-reset-2-77aa11 new_password=canary-page-1aa new_password2=canary-page-1aa
expect_status 303 "choosing the new password on the page signs in"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/pg.jar" "$ROOT/account")
expect_status 200 "cho's account page in the new session"
expect_in "$(cat "$T/body")" "cho"
expect_eq "$(log_size)" "$((size + 1))" "one event for the new password"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/cho.jar" -H 'Content-Type: application/json' \
	--data-binary '{"username":"cho","password":"canary-page-1aa"}' "$BASE/session")
expect_status 201 "signing in over the API with the page's password"
json csrf_token <"$T/body" >"$T/cho.csrf"

# ---- The admin's page: the same changes from forms ----------------------------------------
ROOT=${BASE%/api/v1}
STATUS=$(curl -s -o "$T/page" -w '%{http_code}' -b "$T/ada.jar" "$ROOT/admin/accounts")
expect_status 200 "the accounts page"
expect_in "$(cat "$T/page")" 'action="/admin/accounts/moe/disable"'
expect_in "$(cat "$T/page")" 'action="/admin/accounts/moe/password"'
sign_in moe
page_post() { # WHO PATH FORM...
	who=$1 path=$2
	shift 2
	out=$(curl -s -o "$T/page" -w '%{http_code} %{redirect_url}' -b "$T/$who.jar" --data-urlencode "csrf_token=$(cat "$T/$who.csrf")" "$@" "$ROOT$path")
	STATUS=${out%% *}
	LOCATION=${out#* }
}
# A refused form is answered 303 to its page (post/redirect/get): STATUS becomes that page's, asked as WHO.
page_refused() { # WHO
	expect_in "$LOCATION" "/refused/"
	STATUS=$(curl -s -o "$T/page" -w '%{http_code}' -b "$T/$1.jar" "$LOCATION")
}
page_post ada /admin/accounts/moe/disable
expect_status 303 "disabling from the page"
call moe GET /programs
expect_status 401 "moe's session after a disable on the page"
page_post ada /admin/accounts/moe/enable
expect_status 303 "enabling from the page"
page_post ada /admin/accounts/moe/role --data-urlencode role=emperor
expect_status 303 "a role that does not exist, from the page: to its refused page"
page_refused ada
expect_status 422 "a role that does not exist, from the page"
page_post ada /admin/accounts/moe/role --data-urlencode role=monitor
expect_status 303 "a role from the page"
expect_in "$(as ada user list | grep '^moe ')" "monitor"
page_post ada /admin/accounts/moe/password --data-urlencode password=short
expect_status 303 "a short password from the page: to its refused page"
page_refused ada
expect_status 422 "a short password from the page"
sign_in moe
page_post moe /admin/accounts/ada/disable
expect_status 403 "a monitor disabling from the page"

# ---- Sessions survive a restart; the database holds only their hashes -------------------
call cho GET /persons
expect_status 200 "cho's session before the restart"
stop_server
"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/port2" 2>>"$T/server.log" &
SERVER=$!
for _ in $(seq 100); do
	[ -s "$T/port2" ] && break
	sleep 0.1
done
BASE="http://127.0.0.1:$(head -n1 "$T/port2")/api/v1"
call cho GET /persons
expect_status 200 "cho's session after the restart"
jcall cho POST /persons '{"kind": "victim", "name": "Synthetic Restart", "birth_date": "1930-05-05", "frailty": 1}'
expect_status 201 "a change in the session kept over the restart (its CSRF token too)"
cookie=$(awk '$6 == "redress_session" { print $7 }' "$T/cho.jar")
checks=$((checks + 1))
[ -n "$cookie" ] || fail "no session cookie in cho's jar"
grep -qa "$cookie" $(db_files) 2>/dev/null && fail "a session token is in the database in clear"
grep -qa "$(cat "$T/cho.csrf")" $(db_files) 2>/dev/null && fail "a CSRF token is in the database in clear"
call cho DELETE /session
expect_status 200 "signing out"
call cho GET /persons
expect_status 401 "the session after signing out"

stop_server
expect_exit 0 rd audit verify
checks=$((checks + 1))
grep -qa "canary-chosen-9a8b7c\|canary-reset-5e1d0c\|canary-page-1aa\|canary-reset-2-77aa11" "$DB" && fail "a password is in the database in clear"
finish
