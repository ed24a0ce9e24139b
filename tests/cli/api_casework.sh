# api_casework.sh -- corrections and casework over real HTTP: `redress
# serve` on a demo fund, driven with curl by the demo's staff.  A
# correction at once (200) and one proposed (202) that its proposer cannot
# approve (422) and a second caseworker does; a note whose text comes only
# from POST .../open, recorded; tasks with what each is; contacts;
# referrals refused (422) until she consents to the share; grievances and
# their resolution; bad bodies (400) and unknown numbers (404); the monitor
# refused everything.  The answers agree with the command line's.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

for who in ada cho moe rin; do
	sign_in "$who"
done
# A second caseworker, made by the admin on the command line, signed in with her password.
printf 'pw-cyd-3b9e51f07a\n' >"$T/cyd.pw"
expect_exit 0 as ada user add cyd --role caseworker --password-file "$T/cyd.pw"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/cyd.jar" -H 'Content-Type: application/json' \
	--data-binary '{"username":"cyd","password":"pw-cyd-3b9e51f07a"}' "$BASE/session")
expect_eq "$STATUS" 201 "signing in as cyd"
json csrf_token <"$T/body" >"$T/cyd.csrf"

P=V-000001
# ---- Corrections --------------------------------------------------------------
jcall cho POST "/persons/$P/update" '{"frailty": 3, "phone": "010-0000-1111", "reason": "seen at home"}'
expect_status 200 "a correction at once"
expect_eq "$(printf '%s' "$OUT" | json applied)" true
expect_eq "$(db_sql "SELECT frailty FROM registry_persons WHERE pseudonym = '$P'")" 3 "frailty after"
jcall cho POST "/persons/$P/update" '{"frailty": 3}'
expect_status 400 "no reason"
jcall cho POST "/persons/$P/update" '{"frailty": 9, "reason": "r"}'
expect_status 400 "frailty out of range"
jcall cho POST "/persons/$P/update" '{"colour": "red", "reason": "r"}'
expect_status 400 "an unknown field"
jcall cho POST "/persons/$P/update" '{"frailty": 3, "reason": "same"}'
expect_status 400 "nothing to change"
jcall rin POST "/persons/$P/update" '{"frailty": 2, "reason": "r"}'
expect_status 403 "a reviewer correcting a file"
jcall cho POST "/persons/$P/update" '{"name": "Synthetic Corrected Name", "reason": "register seen"}'
expect_status 202 "a change of name proposed"
change=$(printf '%s' "$OUT" | json change)
call cho GET /changes
expect_status 200
expect_in "$OUT" "\"change\":$change"
call cho POST "/changes/$change/approve"
expect_status 422 "the proposer approving her own change"
call cho POST "/changes/99999999/approve"
expect_status 404
call cyd POST "/changes/$change/approve"
expect_status 200 "a second caseworker approving"
call cyd POST "/changes/$change/approve"
expect_status 409 "approving twice"
expect_exit 0 as cho person show "$P" --reveal --reason "api test"
expect_in "$OUT" "Synthetic Corrected Name"

# ---- Notes ---------------------------------------------------------------------
jcall cho POST "/persons/$P/notes" '{"text": "Synthetic note: she asked for the letter in Korean.\nSecond line."}'
expect_status 201 "a note"
note=$(printf '%s' "$OUT" | json note)
call rin GET "/persons/$P/notes"
expect_status 200 "a reviewer lists notes"
expect_not_in "$OUT" "Synthetic note" "the list of notes"
jcall rin POST "/notes/$note/open" '{"reason": "curious"}'
expect_status 403 "a reviewer opening a note"
jcall cho POST "/notes/$note/open" '{}'
expect_status 400 "opening without a reason"
jcall cho POST "/notes/$note/open" '{"reason": "before the visit"}'
expect_status 200
expect_in "$(printf '%s' "$OUT" | json text)" "she asked for the letter in Korean."
call cho GET "/persons/$P/notes"
expect_in "$OUT" '"opened":1'
call cho GET "/persons/V-999999/notes"
expect_status 404

# ---- Tasks, contacts ---------------------------------------------------------------
jcall cho POST "/persons/$P/tasks" '{"due": "2099-03-01", "what": "Synthetic: ask again", "for": "cyd"}'
expect_status 201
task=$(printf '%s' "$OUT" | json task)
jcall cho POST "/persons/$P/tasks" '{"due": "2001-03-01", "what": "late"}'
expect_status 400 "a task due in the past"
call cyd GET "/tasks?mine=1"
expect_status 200
expect_in "$OUT" "Synthetic: ask again"
call cyd GET "/tasks?mine=2"
expect_status 400
call cyd POST "/tasks/$task/done"
expect_status 200
call cyd POST "/tasks/$task/done"
expect_status 409
jcall cho POST "/persons/$P/contacts" '{"channel": "visit", "outcome": "reached", "note": "Synthetic: tea"}'
expect_status 201
jcall cho POST "/persons/$P/contacts" '{"channel": "pigeon", "outcome": "reached"}'
expect_status 400 "an unknown channel"
call ada GET "/contacts?pseudonym=$P"
expect_status 200
expect_in "$OUT" '"outcome":"reached"'
expect_not_in "$OUT" "Synthetic: tea" "the list of contacts"

# ---- Referrals: consent first ---------------------------------------------------------
jcall cho POST "/persons/$P/referrals" '{"to": "legal-aid", "what": "Synthetic: inheritance"}'
expect_status 422 "a referral without consent"
expect_in "$OUT" "share:legal-aid"
expect_exit 0 as cho consent grant "$P" --scope share:legal-aid --method "in person"
jcall cho POST "/persons/$P/referrals" '{"to": "legal-aid", "what": "Synthetic: inheritance"}'
expect_status 201 "a referral with consent"
call rin GET "/persons/$P/referrals"
expect_in "$OUT" '"to":"legal-aid"'
expect_in "$OUT" '"answered":false'
ref=$(printf '%s' "$OUT" | json referrals.0.referral)
jcall rin POST "/referrals/$ref/outcome" '{"outcome": "x"}'
expect_status 403 "a reviewer recording a referral's outcome"
jcall cho POST "/referrals/$ref/outcome" '{}'
expect_status 400 "a referral's outcome without its text"
jcall cho POST "/referrals/999999/outcome" '{"outcome": "x"}'
expect_status 404 "the outcome of no referral"
jcall cho POST "/referrals/$ref/outcome" '{"outcome": "Synthetic: an appointment on Monday"}'
expect_status 200
expect_eq "$OUT" "{\"referral\":$ref,\"answered\":true}" "the outcome's answer"
jcall cho POST "/referrals/$ref/outcome" '{"outcome": "again"}'
expect_status 409 "a referral answered twice"
call rin GET "/persons/$P/referrals"
expect_in "$OUT" '"answered":true'
expect_not_in "$OUT" "an appointment on Monday" "the list of referrals"

# ---- Grievances ------------------------------------------------------------------------
jcall cho POST "/persons/$P/grievances" '{"channel": "letter", "about": "Synthetic: no answer"}'
expect_status 201
g=$(printf '%s' "$OUT" | json grievance)
call ada GET "/grievances?overdue=1"
expect_status 200
expect_eq "$OUT" '{"grievances":[]}' "overdue grievances today"
call ada GET "/grievances?days=0&overdue=1"
expect_status 400
call ada GET /grievances
expect_in "$OUT" '"days_open":0'
expect_in "$OUT" '"limit_days":30' "a grievance's limit: the fund's, no program of hers sets one"
call ada GET "/grievances?overdue=1&days=x"
expect_status 400
call ada GET "/grievances?overdue=1&days=3651"
expect_status 400
# Opened 40 days ago (behind the log's back, then put back): overdue by her limit, not by 50 days.
at=$(db_sql "SELECT at FROM casework_grievances WHERE seq = $g")
db_sql "UPDATE casework_grievances SET at = '$(date -u -d '40 days ago' +%Y-%m-%dT%H:%M:%SZ)' WHERE seq = $g"
call ada GET "/grievances?overdue=1"
expect_in "$OUT" "\"grievance\":$g" "overdue by her limit"
expect_in "$OUT" '"limit_days":30'
call ada GET "/grievances?overdue=1&days=50"
expect_eq "$OUT" '{"grievances":[]}' "overdue after 50 days"
db_sql "UPDATE casework_grievances SET at = '$at' WHERE seq = $g"
jcall ada POST "/grievances/$g/resolve" '{"outcome": "x"}'
expect_status 403 "an admin resolving (caseworkers do)"
jcall cho POST "/grievances/$g/resolve" '{"outcome": "Synthetic: answered"}'
expect_status 200
jcall cho POST "/grievances/$g/resolve" '{"outcome": "again"}'
expect_status 409

# ---- Outreach -------------------------------------------------------------------------------
call rin GET /programs/flagship-2015/outreach
expect_status 200 "a reviewer reads the outreach list"
same_outreach=$(as cho outreach list --program flagship-2015 --json)
checks=$((checks + 1))
node -e 'const [a, b] = process.argv.slice(1); process.exit(JSON.stringify(JSON.parse(a).outreach) === JSON.stringify(JSON.parse(b)) ? 0 : 1)' "$OUT" "$same_outreach" ||
	fail "the outreach list over HTTP and on the command line differ: $OUT against $same_outreach"
# Another program's rules, another list: the same over HTTP as on the command line.
expect_exit 0 as ada program add --file "$SRCDIR/examples/awf-1995.json"
call rin GET /programs/awf-1995/outreach
expect_status 200
same_outreach=$(as cho outreach list --program awf-1995 --json)
checks=$((checks + 1))
node -e 'const [a, b] = process.argv.slice(1); process.exit(JSON.stringify(JSON.parse(a).outreach) === JSON.stringify(JSON.parse(b)) ? 0 : 1)' "$OUT" "$same_outreach" ||
	fail "awf-1995's outreach list over HTTP and on the command line differ: $OUT against $same_outreach"
call rin GET /programs/no-such/outreach
expect_status 404
call rin GET "/programs/flagship-2015/outreach?limit=0"
expect_status 400
call moe GET /programs/flagship-2015/outreach
expect_status 403 "the monitor reading the outreach list"

# ---- The monitor: none of it --------------------------------------------------------------
for path in "/persons/$P/notes" /tasks /contacts /grievances /changes "/persons/$P/referrals"; do
	call moe GET "$path"
	expect_status 403 "the monitor reading $path"
done
jcall moe POST "/persons/$P/notes" '{"text": "x"}'
expect_status 403

stop_server
# What is written about her is sealed: nowhere in clear in the database or the server's log.
files=$(db_files)
for text in "Synthetic note: she asked" "Synthetic: tea" "Synthetic: inheritance" \
	"Synthetic: an appointment on Monday" "Synthetic: no answer" "Synthetic Corrected Name"; do
	checks=$((checks + 1))
	if grep -qaF "$text" $files "$T/server.log" 2>/dev/null; then
		fail "'$text' is in clear in the database or the server's log"
	fi
done
expect_exit 0 rd audit verify
finish
