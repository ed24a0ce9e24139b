# api.sh -- the programs, claims and accounts of /api/v1 over real HTTP:
# `redress serve` on a loopback port over a fresh demo database, driven
# with curl by the demo's staff, each signed in with its password and (for
# admin, reviewers and finance) a TOTP code from oathtool.  A whole claim
# (intake, evidence, submission, two approvals by two reviewers, the
# entitlement run and the queue), the refusals on the way, the evidence
# coming back byte for byte, API tokens and their revocation, locks.  The
# answers are compared with the command line's --json: one shape for both.
# The roles matrix, CSRF and idempotency are tests/http's.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

# same_json A B WHAT: the two texts are the same JSON value.
same_json() {
	checks=$((checks + 1))
	node -e 'const [a, b] = process.argv.slice(1); process.exit(JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b)) ? 0 : 1)' "$1" "$2" ||
		fail "$3 differ: '$1' against '$2'"
}

for who in ada cho rin ryu fumi moe; do
	sign_in "$who"
done

# ---- Programs ---------------------------------------------------------------
call moe GET /programs
expect_status 200 "any account reads the programs"
expect_eq "$(printf '%s' "$OUT" | json programs.0.code)" flagship-2015 "the demo's program"
call moe GET /programs/flagship-2015
expect_status 200
same_json "$OUT" "$(as ada program show flagship-2015 --json)" "the program over HTTP and on the command line"
call moe GET /programs/no-such
expect_status 404
# A new program is its rules file, as `program add --file` reads it.
rules=$(sed -e 's/"flagship-2015"/"api-test-2026"/' -e 's/payable:flagship-2015/payable:api-test-2026/' \
	-e 's/benefits:flagship-2015/benefits:api-test-2026/' "$SRCDIR/examples/flagship-2015.json")
jcall cho POST /programs "$rules"
expect_status 403 "a caseworker adding a program"
jcall ada POST /programs "$rules"
expect_status 201 "an admin adding a program"
expect_eq "$(printf '%s' "$OUT" | json code)" api-test-2026
jcall ada POST /programs "$rules"
expect_status 409 "the same program again"
jcall ada POST /programs '{"code": "x", "colour": "red"}'
expect_status 400 "a program with a field nobody knows"
expect_in "$OUT" "colour"
jcall ada POST /programs '{"code": '
expect_status 400 "a program that is not JSON"
call ada POST /programs -H 'Content-Type: text/plain' --data-binary "$rules"
expect_status 415 "a program that is not application/json"

# ---- A claim from intake to the queue ------------------------------------------
jcall cho POST /persons '{"kind": "victim", "name": "Synthetic Api Survivor", "birth_date": "1931-03-01", "frailty": 3}'
expect_status 201 "registering a survivor"
victim=$(printf '%s' "$OUT" | json pseudonym)
jcall rin POST /claims "{\"program\": \"flagship-2015\", \"victim\": \"$victim\"}"
expect_status 403 "a reviewer opening a claim"
jcall cho POST /claims "{\"program\": \"flagship-2015\", \"victim\": \"$victim\", \"colour\": 1}"
expect_status 400 "a claim with an unknown field"
expect_in "$OUT" "unknown field 'colour'"
jcall cho POST /claims "{\"program\": \"flagship-2015\", \"victim\": \"$victim\"}"
expect_status 201 "opening a claim"
claim=$(printf '%s' "$OUT" | json id)
expect_eq "$(printf '%s' "$OUT" | json state)" open "a new claim's state"

# Evidence: multipart, sealed by the server, back byte for byte.
head -c 200000 /dev/urandom >"$T/testimony.bin"
printf 'Synthetic testimony canary-testimony\n' >>"$T/testimony.bin"
call cho POST "/claims/$claim/evidence" -F "file=@$T/testimony.bin" -F "label=diary"
expect_status 400 "evidence with a label that is no kind of evidence"
expect_in "$OUT" "'label'"
call cho POST "/claims/$claim/evidence" -F "file=@$T/testimony.bin;filename=../Testimony (one).pdf" -F "label=testimony"
expect_status 201 "uploading evidence"
expect_eq "$(printf '%s' "$OUT" | json label)" testimony "the evidence's label in the answer"
expect_eq "$(printf '%s' "$OUT" | json sha256)" "$(sha256sum "$T/testimony.bin" | cut -d' ' -f1)" "the evidence's SHA-256"
expect_eq "$(printf '%s' "$OUT" | json n)" 1 "the evidence's number"
# A file named in Korean keeps its name for the browser (RFC 6266 filename*), and a plain one.
printf 'Synthetic second statement\n' >"$T/second.txt"
call cho POST "/claims/$claim/evidence" -F "file=@$T/second.txt;filename=증언 기록.txt"
expect_status 201 "uploading evidence named in Korean"
expect_eq "$(printf '%s' "$OUT" | json n)" 2 "the second evidence's number"
jcall cho POST "/claims/$claim/evidence" '{"file": "x"}'
expect_status 415 "evidence as JSON"
call cho POST "/claims/$claim/evidence" -F "file=@$T/testimony.bin" -F "note=x"
expect_status 400 "evidence with a field nobody knows"
expect_in "$OUT" "'note'"
call cho POST "/claims/$claim/evidence" -F "file="
expect_status 400 "evidence without a file"
expect_in "$OUT" "part named 'file'"

jcall cho POST "/claims/$claim/approve" '{}'
expect_status 403 "a caseworker approving"
jcall rin POST "/claims/$claim/approve" '{}'
expect_status 409 "approving a claim not yet submitted"
jcall cho POST "/claims/$claim/submit" '{"reason": "x"}'
expect_status 400 "a submission with a reason"
call cho POST "/claims/$claim/submit"
expect_status 200 "submitting"
expect_eq "$(printf '%s' "$OUT" | json state)" submitted
jcall rin POST "/claims/$claim/approve" '{"reason": "Synthetic reason canary-reason"}'
expect_status 200 "the first approval"
expect_eq "$(printf '%s' "$OUT" | json approvals)" 1
jcall rin POST "/claims/$claim/approve" '{}'
expect_status 422 "a second approval by the same reviewer"
expect_in "$OUT" '"code":"refused"'
jcall ryu POST "/claims/$claim/deny" '{}'
expect_status 400 "a denial without a reason"
expect_in "$OUT" "field 'reason' is required"
jcall ryu POST "/claims/$claim/approve" '{}'
expect_status 200 "the second approval, by another reviewer"
expect_eq "$(printf '%s' "$OUT" | json state)" approved
call cho POST "/claims/$claim/evidence" -F "file=@$T/testimony.bin"
expect_status 409 "evidence for an approved claim"

call rin GET "/claims/$claim"
expect_status 200
expect_eq "$(printf '%s' "$OUT" | json history.length)" 3 "transitions in the history"
expect_eq "$(printf '%s' "$OUT" | json history.1.actor)" "user:rin" "who approved first"
expect_eq "$(printf '%s' "$OUT" | json evidence.0.label)" testimony "the label chosen at upload, in the claim"
expect_eq "$(printf '%s' "$OUT" | json evidence.1.label)" null "a file uploaded without a label has none"
same_json "$OUT" "$(as rin claim show "$claim" --json)" "the claim over HTTP and on the command line"
case "$OUT" in *canary-reason*) fail "a reason shown without being asked for" ;; esac
call rin GET "/claims/$claim?reasons=true"
expect_in "$OUT" "canary-reason" "the reasons asked for"
same_json "$OUT" "$(as rin claim show "$claim" --json --reasons)" "the claim with reasons"
call rin GET "/claims?state=approved&program=flagship-2015"
expect_status 200
expect_in "$OUT" "\"id\":\"$claim\""
same_json "$(printf '%s' "$OUT" | json claims)" "$(as rin claim list --status approved --program flagship-2015 --json)" "the claim list"
call rin GET "/claims?state=lost"
expect_status 400 "an unknown state"
call moe GET "/claims/$claim"
expect_status 403 "a monitor reading a claim"
call rin GET /claims/C-999999
expect_status 404

size=$(log_size)
call rin GET "/claims/$claim/evidence/1"
expect_status 200 "downloading the evidence"
expect_eq "$(log_size)" "$((size + 1))" "log size after a download: reading testimony is recorded"
cmp -s "$T/body" "$T/testimony.bin" || fail "the evidence downloaded differs from the upload"
checks=$((checks + 1))
expect_in "$(cat "$T/headers")" 'Content-Type: application/octet-stream'
expect_in "$(cat "$T/headers")" 'Content-Disposition: attachment; filename="Testimony__one_.pdf"'
call rin GET "/claims/$claim/evidence/2"
expect_status 200 "downloading the evidence named in Korean"
cmp -s "$T/body" "$T/second.txt" || fail "the second evidence downloaded differs from the upload"
expect_in "$(cat "$T/headers")" "Content-Disposition: attachment; filename=\"_____________.txt\"; filename*=UTF-8''%EC%A6%9D%EC%96%B8%20%EA%B8%B0%EB%A1%9D.txt"
call rin GET "/claims/$claim/evidence/3"
expect_status 404 "evidence that does not exist"
call rin GET "/claims/$claim/evidence/0"
expect_status 404
call moe GET "/claims/$claim/evidence/1"
expect_status 403 "a monitor reading testimony"
expect_eq "$(log_size)" "$((size + 2))" "log size after refused downloads"
expect_exit 0 as ada audit show --index "$size" --raw
expect_in "$OUT" '"type":"claims.evidence.read"'
expect_in "$OUT" '"actor":"user:rin"'
expect_in "$OUT" "{\"claim\":\"$claim\",\"n\":1}"

# Entitlements: a dry run books nothing; the run books once.
size=$(log_size)
jcall rin POST /programs/flagship-2015/entitlements '{"dry_run": true}'
expect_status 403 "a reviewer running entitlements"
jcall fumi POST /programs/flagship-2015/entitlements '{"dry_run": true}'
expect_status 200 "a dry run"
expect_eq "$(printf '%s' "$OUT" | json booked)" 1 "a dry run's bookings"
expect_eq "$(printf '%s' "$OUT" | json dry_run)" true
jcall fumi POST /programs/flagship-2015/entitlements '{"dry_run": true}'
expect_eq "$(printf '%s' "$OUT" | json booked)" 1 "a second dry run's bookings: the first kept nothing"
expect_eq "$(log_size)" "$size" "log size after dry runs"
jcall fumi POST /programs/flagship-2015/entitlements '{"dry_run": "yes"}'
expect_status 400
jcall fumi POST /programs/flagship-2015/entitlements '{}'
expect_status 200 "the run"
expect_eq "$(printf '%s' "$OUT" | json booked)" 1 "the run's bookings"
jcall fumi POST /programs/flagship-2015/entitlements '{}'
expect_eq "$(printf '%s' "$OUT" | json booked)" 0 "a second run books nothing twice"
jcall fumi POST /programs/no-such/entitlements '{}'
expect_status 404

call fumi GET /programs/flagship-2015/queue
expect_status 200 "the queue"
expect_in "$OUT" "\"beneficiary\":\"$victim\""
same_json "$(printf '%s' "$OUT" | json queue)" "$(as fumi queue --program flagship-2015 --json)" "the queue"
call cho GET /programs/flagship-2015/queue
expect_status 403 "a caseworker reading the queue"
call fumi GET /programs/no-such/queue
expect_status 404

# ---- Accounts ---------------------------------------------------------------------
call ada GET /users
expect_status 200
same_json "$(printf '%s' "$OUT" | json users)" "$(as ada user list --json)" "the accounts"
call cho GET /users
expect_status 403 "a caseworker listing accounts"
jcall ada POST /users '{"name": "newcw", "role": "caseworker", "password": "canary-password-1"}'
expect_status 201 "adding an account"
expect_eq "$OUT" '{"name":"newcw","role":"caseworker","totp":false,"locked":false,"tokens":0,"disabled":false,"must_change_password":false}'
jcall ada POST /users '{"name": "newcw", "role": "caseworker", "password": "canary-password-1"}'
expect_status 409 "an account that exists"
jcall ada POST /users '{"name": "x2", "role": "emperor", "password": "canary-password-1"}'
expect_status 400
expect_in "$OUT" "field 'role'"

# An API token: made by its own account only, shown once, good until revoked.
call ada POST /users/fumi/tokens
expect_status 403 "an admin making a token for another account"
call fumi POST /users/fumi/tokens
expect_status 201 "issuing a token"
token=$(printf '%s' "$OUT" | json token)
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/programs/flagship-2015/queue")
expect_eq "$STATUS" 200 "the queue by bearer token"
call ada DELETE /users/fumi/tokens
expect_status 200 "revoking"
expect_eq "$(printf '%s' "$OUT" | json revoked)" 1 "tokens revoked"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/programs/flagship-2015/queue")
expect_eq "$STATUS" 401 "a revoked token"
call fumi GET /session
expect_status 401 "a session after its account's tokens were revoked"
call ada POST /users/nobody/tokens
expect_status 403

# The second factor: the URI and its QR code, once.
call ada POST /users/newcw/totp
expect_status 201 "enrolling a second factor"
expect_in "$(printf '%s' "$OUT" | json uri)" "otpauth://totp/redress:newcw?secret="
expect_in "$(printf '%s' "$OUT" | json qr_svg)" '<svg xmlns="http://www.w3.org/2000/svg"'

# Locks: the account's sessions end at once; unlocked, it signs in again.
call moe GET /session
expect_status 200
jcall ada POST /users/moe/lock '{}'
expect_status 400 "a lock without a reason"
jcall ada POST /users/moe/lock '{"reason": "Synthetic reason: laptop lost"}'
expect_status 200 "locking"
expect_eq "$(printf '%s' "$OUT" | json locked)" true
call moe GET /session
expect_status 401 "a locked account's session"
call ada POST /users/moe/unlock
expect_status 200 "unlocking"
expect_eq "$(printf '%s' "$OUT" | json locked)" false
call ada POST /users/moe/unlock
expect_status 409 "unlocking an account not locked"
sign_in moe

# Nothing personal in the server's log: no name, reason, testimony or secret.
stop_server
for canary in "Synthetic Api Survivor" canary-reason canary-testimony canary-password "laptop lost" "$token" otpauth; do
	checks=$((checks + 1))
	if grep -qaF -- "$canary" "$T/server.log"; then fail "the server's log holds '$canary'"; fi
done
expect_in "$(cat "$T/server.log")" "route=claims.evidence.get status=200"
finish
