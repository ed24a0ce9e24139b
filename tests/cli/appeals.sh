# appeals.sh -- appeals end to end, on the command line and over HTTP: a
# caseworker appeals a denied claim for the survivor; only an account of
# the appeals role decides it (reviewers, caseworkers, admins, finance and
# monitors refused, exit 15 / HTTP 403), never one who took part in the
# claim; bad input refused by name (exit 2 / 400) and changing nothing; an
# appeal decided once and a claim appealed once (exit 14 / 409); an
# overturned claim approved and booked by the next entitlement run; the
# claim page's forms and the appeals queue; the public report's casework
# counts (eligible, applied, grievances, appeals) with small counts
# suppressed, verified offline and recounted from the public feed; a clean
# audit.  Runs on PostgreSQL too (tests/pg/run.sh).
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

for who in ava abe aki; do
	printf 'pw-%s-90c1d2e3f4\n' "$who" >"$T/$who.pw"
done
fund_setup test.example/appeals 10000000000
expect_exit 0 as ada user add ava --role appeals --password-file "$T/ava.pw"
expect_exit 0 as ada user add abe --role appeals --password-file "$T/abe.pw"
expect_exit 0 as ada user add aki --role appeals --password-file "$T/aki.pw"
expect_exit 2 as ada user add zed --role appeal --password-file "$T/ava.pw"
expect_in "$ERR" "not one of admin, caseworker, reviewer, finance, monitor, appeals"

# Twelve survivors in one cell; claims for ten: four approved, six denied.
PEOPLE=()
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	P=$(person --kind victim --name "Synthetic Appellant $i" --birth-date 1926-02-$i --region KR-11)
	PEOPLE+=("$P")
	expect_exit 0 as cid consent grant "$P" --scope statistics --method "in person"
	expect_exit 0 as cid consult add "$P" --wish accept --summary "Synthetic summary: she accepts"
done
approve_claims "${PEOPLE[@]:0:4}"
DENIED=()
for v in "${PEOPLE[@]:4:6}"; do
	expect_exit 0 as cid claim open --program flagship-2015 --victim "$v"
	c=$OUT
	DENIED+=("$c")
	expect_exit 0 as cid claim submit "$c"
	expect_exit 0 as rita claim deny "$c" --reason "Synthetic reason: papers missing"
done
C=${DENIED[0]}

# Only a denied claim is appealed, by a caseworker.
expect_exit 14 as cid claim appeal C-000001 --reason "Synthetic: why not"
expect_one_line_error "claim C-000001 is approved"
expect_exit 15 as ava claim appeal "$C" --reason "Synthetic: for her"
expect_one_line_error "account 'ava' (appeals) may not open or submit claims"
expect_exit 14 as abe claim appeal-decide "$C" --overturn --reason "Synthetic: not appealed yet"
expect_one_line_error "claim $C is denied: it can be overturned only when appealed"
for c in "${DENIED[@]}"; do
	expect_exit 0 as cid claim appeal "$c" --reason "Synthetic: new papers found"
	expect_in "$OUT" "appealed"
done

# Who may decide: the appeals role alone, refused for every other role with one line, nothing changed.
size=$(log_size)
for who in ada cid rita rob fin mona; do
	expect_exit 15 as "$who" claim appeal-decide "$C" --overturn --reason "Synthetic: papers seen"
	expect_one_line_error "may not decide appeals: that needs the role appeals"
done
# Reviewers no longer decide an appealed claim.
expect_exit 14 as rob claim approve "$C"
expect_one_line_error "decided by an account of the appeals role"
expect_exit 14 as rita claim deny "$C" --reason "Synthetic: again"
# Bad input: named, exit 2, nothing changed.
expect_exit 2 as ava claim appeal-decide "$C" --reason "Synthetic: which?"
expect_one_line_error "needs one of --uphold or --overturn"
expect_exit 2 as ava claim appeal-decide "$C" --uphold --overturn --reason "Synthetic: both"
expect_one_line_error "needs one of --uphold or --overturn"
expect_exit 2 as ava claim appeal-decide "$C" --overturn
expect_one_line_error "needs --reason TEXT"
expect_exit 2 as ava claim appeal-decide "$C" --overturn --reason ""
expect_exit 2 as ava claim appeal-decide "$C" "${DENIED[1]}" --overturn --reason "Synthetic: two"
expect_exit 2 as ava claim appeal-decide "$C" --overturn --reason "Synthetic" --colour red
expect_exit 12 as ava claim appeal-decide "claim-1" --overturn --reason "Synthetic: bad id"
expect_one_line_error "'claim-1' is not a claim id"
expect_exit 13 as ava claim appeal-decide C-999999 --overturn --reason "Synthetic: none"
long=$(head -c 4001 /dev/zero | tr '\0' x)
expect_exit 12 as ava claim appeal-decide "$C" --overturn --reason "$long"
expect_eq "$(log_size)" "$size" "log size after refused decisions"

# Decided when two members agree (DESIGN.md: a second person): four overturned, one upheld, one waits.
# ava's word alone is a vote; she gives it once.
expect_exit 0 as ava claim appeal-decide "$C" --overturn --reason "Synthetic: the papers show it"
expect_in "$OUT" "claim $C: your vote to overturn is recorded (1 of the 2 members of the appeals role who must agree)"
expect_exit 0 as rita claim show "$C" --json
expect_eq "$(printf '%s' "$OUT" | json state)" appealed "a claim after one vote"
expect_eq "$(printf '%s' "$OUT" | json appeal.deciders)" 2 "the members who must agree"
expect_eq "$(printf '%s' "$OUT" | json appeal.votes_overturned)" 1 "the votes to overturn"
size=$(log_size)
expect_exit 15 as ava claim appeal-decide "$C" --uphold --reason "Synthetic: changed my mind"
expect_one_line_error "ava has given its decision on claim $C's appeal already"
expect_eq "$(log_size)" "$size" "log size after a second vote refused"
# abe disagrees (a vote to uphold); aki agrees with ava: overturned.
expect_exit 0 as abe claim appeal-decide "$C" --uphold --reason "Synthetic: not shown"
expect_in "$OUT" "your vote to uphold is recorded (1 of the 2"
expect_exit 0 as aki claim appeal-decide "$C" --overturn --reason "Synthetic: the papers show it"
expect_in "$OUT" "claim $C: appeal overturned; the claim is approved"
expect_exit 14 as abe claim appeal-decide "$C" --uphold --reason "Synthetic: twice"
expect_one_line_error "an appeal is decided once"
for c in "${DENIED[@]:1:3}"; do
	expect_exit 0 as abe claim appeal-decide "$c" --overturn --reason "Synthetic: shown"
	expect_exit 0 as ava claim appeal-decide "$c" --overturn --reason "Synthetic: shown"
done
U=${DENIED[4]}
expect_exit 0 as ava claim appeal-decide "$U" --uphold --reason "Synthetic: not shown"
expect_exit 0 as aki claim appeal-decide "$U" --uphold --reason "Synthetic: not shown"
expect_in "$OUT" "claim $U: appeal upheld; the claim is denied"
expect_exit 14 as cid claim appeal "$U" --reason "Synthetic: once more"
expect_one_line_error "a claim is appealed only once"
expect_exit 0 as rita claim show "$C" --json
expect_eq "$(printf '%s' "$OUT" | json state)" approved "the overturned claim's state"
expect_eq "$(printf '%s' "$OUT" | json history.3.action)" vote-overturned "ava's vote in the history"
expect_eq "$(printf '%s' "$OUT" | json history.3.actor)" user:ava "who voted first"
expect_eq "$(printf '%s' "$OUT" | json history.4.action)" vote-upheld "abe's vote in the history"
expect_eq "$(printf '%s' "$OUT" | json history.5.action)" overturned "the overturn in the history"
expect_eq "$(printf '%s' "$OUT" | json history.5.actor)" user:aki "who overturned it, agreeing with ava"
expect_exit 0 as ava claim list --status appealed --json
expect_eq "$(printf '%s' "$OUT" | json length)" 1 "appeals waiting"
expect_eq "$(printf '%s' "$OUT" | json 0.id)" "${DENIED[5]}" "the appeal waiting"
expect_exit 0 as ava claim show "$C" --reasons
expect_in "$OUT" "the papers show it"

# The next entitlement run books the overturned claims with the approved ones: eight.
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_in "$OUT" "8 entitlements booked"

# Under a program that pays by harm, the appeals role reviews the appealed claim's harms anew.
expect_exit 0 as ada program add --file "$SRCDIR/examples/colombia-1448.json"
printf 'Synthetic testimony\n' >"$T/ev.txt"
expect_exit 0 as cid claim open --program colombia-1448 --victim "${PEOPLE[11]}"
H=$OUT
expect_exit 0 as cid claim evidence add "$H" "$T/ev.txt"
expect_exit 0 as cid claim harm add "$H" --harm sexual-violence --evidence 1
expect_exit 0 as cid claim harm add "$H" --harm displacement --evidence 1
expect_exit 0 as cid claim submit "$H"
expect_exit 0 as rita claim harm deny "$H" --harm sexual-violence
expect_exit 0 as rita claim deny "$H" --reason "Synthetic: not shown"
expect_exit 0 as cid claim appeal "$H" --reason "Synthetic: a witness found"
size=$(log_size)
expect_exit 15 as rob claim harm approve "$H" --harm sexual-violence
expect_one_line_error "may not decide appeals"
expect_exit 0 as ava claim harm approve "$H" --harm sexual-violence
expect_exit 0 as abe claim harm approve "$H" --harm sexual-violence
expect_exit 15 as abe claim harm approve "$H" --harm sexual-violence
expect_one_line_error "abe has already reviewed harm 'sexual-violence'"
expect_exit 0 as ava claim show "$H" --json
expect_eq "$(printf '%s' "$OUT" | json harms.0.state)" approved "a harm approved anew on appeal"
expect_eq "$(printf '%s' "$OUT" | json harms.1.state)" pending "a harm not yet reviewed on appeal"

# Grievances for the report: three opened, one resolved.
for v in "${PEOPLE[@]:0:3}"; do
	expect_exit 0 as cid grievance open "$v" --channel letter --about "Synthetic: no answer yet"
	g=$OUT
done
expect_exit 0 as cid grievance resolve "$g" --outcome "Synthetic: answered"

# ---- Over HTTP: the appeals role's API token; 403, 400, 409 and the decision. ----
command -v curl >/dev/null || { echo "SKIP: curl is not installed" >&2; exit 77; }
"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/port" 2>"$T/server.log" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 100); do
	[ -s "$T/port" ] && break
	sleep 0.1
done
BASE="http://127.0.0.1:$(head -n1 "$T/port")"
expect_exit 0 as abe user token
abe_token=$OUT
expect_exit 0 as aki user token
aki_token=$OUT
expect_exit 0 as rob user token
rob_token=$OUT
tpost() { # TOKEN PATH JSON
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $1" \
		-H 'Content-Type: application/json' --data-binary "$3" "$BASE$2")
	OUT=$(cat "$T/body")
}
# The appealed claim's other harm, over the appeals role's route; a reviewer's refused.
tpost "$rob_token" "/api/v1/claims/$H/harms/displacement/review" '{"verdict": "approved"}'
expect_eq "$STATUS" 422 "a reviewer reviewing an appealed claim's harm (the domain refuses)"
tpost "$rob_token" "/api/v1/claims/$H/appeal/harms/displacement/review" '{"verdict": "approved"}'
expect_eq "$STATUS" 403 "a reviewer on the appeals role's route"
tpost "$abe_token" "/api/v1/claims/$H/appeal/harms/displacement/review" '{"verdict": "denied"}'
expect_eq "$STATUS" 200 "the appeals role reviewing a harm anew (body: $OUT)"
tpost "$abe_token" "/api/v1/claims/$H/appeal/decision" '{"outcome": "overturned", "reason": "Synthetic: shown"}'
expect_eq "$STATUS" 200 "the harm-paid claim: abe's vote"
expect_eq "$(printf '%s' "$OUT" | json state)" appealed "the claim after one vote over HTTP"
expect_eq "$(printf '%s' "$OUT" | json appeal.votes_overturned)" 1 "the vote counted"
tpost "$abe_token" "/api/v1/claims/$H/appeal/decision" '{"outcome": "overturned", "reason": "Synthetic: again"}'
expect_eq "$STATUS" 422 "a second vote by the same member over HTTP"
tpost "$aki_token" "/api/v1/claims/$H/appeal/decision" '{"outcome": "overturned", "reason": "Synthetic: shown"}'
expect_eq "$STATUS" 200 "the harm-paid claim overturned by a second member"
expect_eq "$(printf '%s' "$OUT" | json state)" approved "the claim after two agreeing members"
W=${DENIED[5]}
size=$(log_size)
tpost "$rob_token" "/api/v1/claims/$W/appeal/decision" '{"outcome": "overturned", "reason": "Synthetic"}'
expect_eq "$STATUS" 403 "a reviewer deciding an appeal over HTTP"
tpost "$abe_token" "/api/v1/claims/$W/appeal/decision" '{"outcome": "granted", "reason": "Synthetic"}'
expect_eq "$STATUS" 400 "an unknown outcome"
expect_in "$OUT" "field 'outcome'"
tpost "$abe_token" "/api/v1/claims/$W/appeal/decision" '{"outcome": "upheld"}'
expect_eq "$STATUS" 400 "no reason"
tpost "$abe_token" "/api/v1/claims/$W/appeal/decision" '{"outcome": "upheld", "reason": "x", "colour": 1}'
expect_eq "$STATUS" 400 "an unknown field"
tpost "$abe_token" "/api/v1/claims/C-999999/appeal/decision" '{"outcome": "upheld", "reason": "x"}'
expect_eq "$STATUS" 404 "no such claim"
tpost "$abe_token" "/api/v1/claims/$U/appeal/decision" '{"outcome": "overturned", "reason": "x"}'
expect_eq "$STATUS" 409 "an appeal decided already"
expect_eq "$(log_size)" "$size" "log size after refused requests"
tpost "$abe_token" "/api/v1/claims/$W/appeal/decision" '{"outcome": "upheld", "reason": "Synthetic: not shown"}'
expect_eq "$STATUS" 200 "a vote to uphold over HTTP (body: $OUT)"
tpost "$aki_token" "/api/v1/claims/$W/appeal/decision" '{"outcome": "upheld", "reason": "Synthetic: not shown"}'
expect_eq "$STATUS" 200 "an appeal upheld over HTTP (body: $OUT)"
expect_eq "$(printf '%s' "$OUT" | json state)" denied "the claim after"
# Pages: the claim page offers the appeals role the decision of an appealed claim, a reviewer none.
tget() { # TOKEN PATH
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $1" "$BASE$2")
	OUT=$(cat "$T/body")
}
expect_exit 0 as cid claim open --program flagship-2015 --victim "${PEOPLE[10]}"
P2=$OUT
expect_exit 0 as cid claim submit "$P2"
expect_exit 0 as rita claim deny "$P2" --reason "Synthetic: papers missing"
expect_exit 0 as cid claim appeal "$P2" --reason "Synthetic: papers found"
tget "$abe_token" "/claims/$P2"
expect_eq "$STATUS" 200 "the claim page for the appeals role"
expect_in "$OUT" "/claims/$P2/overturn"
expect_in "$OUT" "/claims/$P2/uphold"
tget "$rob_token" "/claims/$P2"
expect_eq "$STATUS" 200 "the claim page for a reviewer"
expect_not_in "$OUT" "/claims/$P2/overturn" "a reviewer's claim page"
expect_not_in "$OUT" "/claims/$P2/approve" "a reviewer's page of an appealed claim"
tget "$abe_token" "/claims?state=appealed"
expect_eq "$STATUS" 200 "the appeals queue"
expect_in "$OUT" "$P2"
expect_in "$(curl -s -H "Authorization: Bearer $abe_token" -H "Accept-Language: en" "$BASE/claims/$P2")" "and overturn the denial: the claim is approved"
tform() { # TOKEN PATH FORM-FIELDS...
	tok=$1 path=$2
	shift 2
	args=()
	for f in "$@"; do args+=(--data-urlencode "$f"); done
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $tok" -H "Accept-Language: en" "${args[@]}" "$BASE$path")
	OUT=$(cat "$T/body")
}
size=$(log_size)
tform "$rob_token" "/claims/$P2/overturn" "overturn_reason=Synthetic" "confirm=yes"
expect_eq "$STATUS" 403 "a reviewer posting the overturn form"
tform "$abe_token" "/claims/$P2/overturn" "overturn_reason=Synthetic: shown"
expect_eq "$STATUS" 422 "the overturn form without its confirmation"
tform "$abe_token" "/claims/$P2/uphold" "confirm=yes"
expect_eq "$STATUS" 422 "the uphold form without a reason"
expect_eq "$(log_size)" "$size" "log size after refused forms"
tform "$abe_token" "/claims/$P2/overturn" "overturn_reason=Synthetic: shown" "confirm=yes"
expect_eq "$STATUS" 303 "the overturn form: abe's vote (body: $OUT)"
# The claim page says so to abe (no forms), and shows the vote to aki with the forms.
tget "$abe_token" "/claims/$P2"
expect_in "$(curl -s -H "Authorization: Bearer $abe_token" -H "Accept-Language: en" "$BASE/claims/$P2")" "You have voted on this appeal"
expect_not_in "$OUT" "/claims/$P2/overturn" "the forms after abe's vote, for abe"
tget "$aki_token" "/claims/$P2"
expect_in "$OUT" "/claims/$P2/overturn"
expect_in "$(curl -s -H "Authorization: Bearer $aki_token" -H "Accept-Language: en" "$BASE/claims/$P2")" "Votes to overturn"
# abe's queue puts it under another member's; aki's under hers.
curl -s -H "Authorization: Bearer $abe_token" -H "Accept-Language: en" "$BASE/claims?state=appealed" >"$T/q.html"
expect_in "$(awk -v RS='Another member of the appeals staff decides' 'NR == 2' "$T/q.html")" "$P2"
tform "$abe_token" "/claims/$P2/uphold" "uphold_reason=Synthetic: changed" "confirm=yes"
expect_eq "$STATUS" 422 "a second vote by the same member, on the page"
expect_in "$OUT" "voted on its appeal already"
tform "$aki_token" "/claims/$P2/overturn" "overturn_reason=Synthetic: shown" "confirm=yes"
expect_eq "$STATUS" 303 "the overturn form of a second member (body: $OUT)"
tform "$abe_token" "/claims/$P2/uphold" "uphold_reason=Synthetic: again" "confirm=yes"
expect_eq "$STATUS" 409 "an appeal decided already, on the page"
expect_in "$OUT" "no appeal waiting"
tget "$abe_token" "/persons"
expect_eq "$STATUS" 403 "the appeals role reads no case files"
# A reviewer made an appeals officer: never the decider of an appeal against her own decision.
expect_exit 0 as cid claim open --program colombia-1448 --victim "${PEOPLE[0]}"
R=$OUT
expect_exit 0 as cid claim evidence add "$R" "$T/ev.txt"
expect_exit 0 as cid claim harm add "$R" --harm displacement --evidence 1
expect_exit 0 as cid claim submit "$R"
expect_exit 0 as rita claim deny "$R" --reason "Synthetic: not shown"
expect_exit 0 as cid claim appeal "$R" --reason "Synthetic: new papers"
expect_exit 0 as ada user role rita appeals
expect_exit 0 as rita user token
rita_token=$OUT
size=$(log_size)
expect_exit 15 as rita claim appeal-decide "$R" --overturn --reason "Synthetic: mine"
expect_one_line_error "user:rita decided or reviewed claim $R before"
expect_exit 15 as rita claim harm approve "$R" --harm displacement
expect_one_line_error "user:rita decided or reviewed claim $R before"
tpost "$rita_token" "/api/v1/claims/$R/appeal/decision" '{"outcome": "overturned", "reason": "Synthetic"}'
expect_eq "$STATUS" 422 "a former reviewer deciding the appeal over HTTP"
expect_eq "$(log_size)" "$size" "log size after the former reviewer's refusals"
# Her queue puts the claim under another member's; abe's, under his.
curl -s -H "Authorization: Bearer $rita_token" -H "Accept-Language: en" "$BASE/claims?state=appealed" >"$T/q.html"
part() { # N: the queue page's part before (1) or after (2) the heading of another member's
	awk -v RS='Another member of the appeals staff decides' -v n="$1" 'NR == n' "$T/q.html"
}
expect_in "$(part 2)" "$R"
expect_not_in "$(part 1)" "$R" "rita's own part of the queue"
curl -s -H "Authorization: Bearer $abe_token" -H "Accept-Language: en" "$BASE/claims?state=appealed" >"$T/q.html"
expect_in "$(part 1)" "$R"
expect_not_in "$(part 2)" "$R" "abe's other part of the queue"

kill "$SERVER" 2>/dev/null
wait "$SERVER" 2>/dev/null

# ---- The public report's casework counts, verified and recounted. ----
expect_exit 0 as mona report public --program flagship-2015 --k 3 --out "$T/report.json"
rep=$(cat "$T/report.json")
expect_eq "$(printf '%s' "$rep" | json report.casework.applied)" 11 "claims applied for"
expect_eq "$(printf '%s' "$rep" | json report.casework.eligible)" 12 "people eligible"
expect_eq "$(printf '%s' "$rep" | json report.casework.appeals.opened)" 7 "appeals opened"
expect_eq "$(printf '%s' "$rep" | json report.casework.appeals.overturned)" 5 "appeals overturned"
expect_eq "$(printf '%s' "$rep" | json report.casework.appeals.upheld)" "fewer than 3" "appeals upheld: suppressed"
expect_eq "$(printf '%s' "$rep" | json report.casework.grievances.opened)" 3 "grievances opened"
expect_eq "$(printf '%s' "$rep" | json report.casework.grievances.resolved)" "fewer than 3" "grievances resolved: suppressed"
expect_eq "$(printf '%s' "$rep" | json report.casework.grievances.overdue)" 0 "grievances overdue"
expect_eq "$(printf '%s' "$rep" | json report.casework.grievances.limit_days)" 30 "the grievances' limit"
expect_exit 0 as mona report public --program flagship-2015 --k 3 --format csv
expect_in "$OUT" "casework,appeals,overturned,5"
expect_exit 0 rd audit pubkey
printf '%s\n' "$OUT" >"$T/vkey"
expect_exit 0 "$REDRESS" report verify "$T/report.json" --pubkey "$T/vkey"
expect_in "$OUT" "verified"
expect_exit 0 as mona audit feed --out "$T/feed.jsonl"
expect_exit 0 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report.json"
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
finish
