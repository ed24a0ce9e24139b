# program_pages.sh -- a program's page in the staff's language: its name
# in Korean, Japanese or English on the programs list and its own page,
# its harms with their localized names and amounts in units, its dated
# unit table, caps, order of payment; an instalment program's proof of
# life and rule at death; services in kind.  Over the real server.
. "$SRCDIR/tests/cli/lib.sh"

. "$SRCDIR/tests/cli/serve_lib.sh"

for f in colombia-1448 pension awf-1995; do
	expect_exit 0 as ada program add --file "$SRCDIR/examples/$f.json"
done
sign_in ada
PAGES="http://127.0.0.1:$PORT"
page() {
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/ada.jar" "$PAGES$1")
	OUT=$(cat "$T/body")
}
page "/admin/programs?lang=ko"
expect_eq "$STATUS" 200 "the programs page"
expect_in "$OUT" "피해별 행정 배상 (콜롬비아식 예시)" "the Korean name on the list"
page "/admin/programs?lang=ja"
expect_in "$OUT" "被害別の行政補償（コロンビア型の例）" "the Japanese name on the list"
page "/admin/programs/colombia-1448?lang=ko"
expect_eq "$STATUS" 200 "the program's page"
expect_in "$OUT" "피해와 피해별 지급액" "the harms' heading in Korean"
expect_in "$OUT" "성폭력" "a harm's Korean name"
expect_in "$OUT" "30 × 법정 월 최저임금" "a harm's amount in units"
expect_in "$OUT" "가족당 상한" "the family cap"
expect_in "$OUT" "취약한 분 먼저: 장애·장기 질환, 쇠약한 분 먼저, 연세 많은 분 먼저" "the order of payment"
# Every table in a box the keyboard reaches, named: it may scroll sideways on a phone (WCAG 2.1.1).
expect_in "$OUT" '<div class="table-scroll" role="region" tabindex="0" aria-label="피해와 피해별 지급액"><table>' "the harms' table in a named, focusable region"
expect_eq "$(grep -o '<table>' "$T/body" | wc -l)" "$(grep -o 'role="region" tabindex="0" aria-label="[^"]*"><table>' "$T/body" | wc -l)" "every table of the program's page in its region"
page "/admin/programs?lang=ja"
expect_in "$OUT" '<div class="table-scroll" role="region" tabindex="0" aria-label="支援事業"><table>' "the programs list named by the page's title"
page "/admin/programs/colombia-1448?lang=en"
expect_in "$OUT" "sexual violence" "a harm's English name"
expect_in "$OUT" "Administrative compensation by harm" "the English name"
page "/admin/programs/pension-2026?lang=en"
expect_in "$OUT" "Months between two instalments" "an instalment program"
expect_in "$OUT" "the payments stop" "the rule at death"
expect_in "$OUT" "other-pension" "the exclusion"
page "/admin/programs/awf-1995?lang=ja"
expect_in "$OUT" "医療支援" "a service in kind, in Japanese"
page "/admin/programs/flagship-2015?lang=ko"
expect_not_in "$OUT" "피해와 피해별 지급액" "the flagship program's page"
expect_in "$OUT" "화해·치유재단 (2015년 한일 합의)" "the flagship program's Korean name"
expect_not_in "$OUT" "Reconciliation and Healing" "no English name on a Korean page"
page "/admin/programs?lang=ja"
expect_in "$OUT" "和解・癒やし財団（2015年日韓合意）" "the flagship program's Japanese name on the list"

# The program editor: fields in, a program out, through the same parser.
post() {
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/ada.jar" --data-urlencode "csrf_token=$(cat "$T/ada.csrf")" "$@" "$PAGES/admin/programs?form=editor&lang=ko")
	OUT=$(cat "$T/body")
}
page "/admin/programs?lang=ko"
expect_in "$OUT" "프로그램 작성" "the editor's heading"
expect_in "$OUT" 'name="harm1_amount"' "a harm's amount field"
expect_in "$OUT" 'action="/admin/programs?form=editor"' "the editor's form"
fields=(--data-urlencode code=editor-2026 --data-urlencode "name=Editor program" --data-urlencode "name_ko=편집기 프로그램"
	--data-urlencode currency=KRW --data-urlencode cutoff=2015-12-28 --data-urlencode fund=bank:krw
	--data-urlencode payable=payable:editor-2026 --data-urlencode expense=benefits:editor-2026
	--data-urlencode approvals=2 --data-urlencode harm1_code=injury --data-urlencode "harm1_ko=상해")
post "${fields[@]}" --data-urlencode "harm1_amount=5,000,000" --data-urlencode harm2_code=loss
# Refused: answered 303 to the refused page (post/redirect/get), which says why with 422.
expect_eq "$STATUS" 303 "a harm without names or amount, from the page"
refused=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$T/ada.jar" --data-urlencode "csrf_token=$(cat "$T/ada.csrf")" \
	"${fields[@]}" --data-urlencode "harm1_amount=5,000,000" --data-urlencode harm2_code=loss \
	"$PAGES/admin/programs?form=editor&lang=ko")
expect_in "$refused" "/refused/" "the refused form's page"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/ada.jar" "$refused")
OUT=$(cat "$T/body")
expect_eq "$STATUS" 422 "a harm without names or amount"
expect_in "$OUT" 'href="#f-harm2_ko"' "the summary links the unnamed harm's field"
expect_in "$OUT" "적어도 한 언어로 피해 이름을 입력하세요." "the error beside it, in Korean"
expect_in "$OUT" 'href="#f-harm2_amount"' "and its missing amount, in the same pass"
expect_in "$OUT" 'value="편집기 프로그램"' "typed values are kept"
post "${fields[@]}" --data-urlencode "harm1_amount=5,000,000"
expect_eq "$STATUS" 303 "the program written in the editor is added"
expect_exit 0 as ada program show editor-2026 --json
expect_eq "$(printf '%s' "$OUT" | json harms.0.amount)" "5000000" "the harm's amount, typed with separators"
expect_eq "$(printf '%s' "$OUT" | json names.ko)" "편집기 프로그램" "its Korean name"
page "/admin/programs?lang=ko"
expect_in "$OUT" "편집기 프로그램" "its Korean name on the list"

# A pasted program refused in the page's language: the field kept, the sentence translated.
paste() {
	STATUS=$(curl -s -L -o "$T/body" -w '%{http_code}' -b "$T/ada.jar" --data-urlencode "csrf_token=$(cat "$T/ada.csrf")" \
		--data-urlencode "rules=$1" "$PAGES/admin/programs?lang=$2")
	OUT=$(cat "$T/body")
}
sed 's/"survivor": "100000000"/"survivor": "100,000,000"/' "$SRCDIR/examples/flagship-2015.json" >"$T/comma.json"
paste "$(cat "$T/comma.json")" ko
expect_eq "$STATUS" 422 "a pasted program with a separator in an amount"
expect_in "$OUT" "&#39;benefits.survivor&#39; 항목: 금액 &#39;100,000,000&#39;의 4번째에" "the refusal in Korean"
expect_not_in "$OUT" "use digits and at most" "no English sentence"
paste '{"code": "p-1", "name": "P"}' ja
expect_in "$OUT" "「currency」項目がありません。" "a missing field, in Japanese"
paste $'{\n  "code": "p-1",\n  oops\n}' ko
expect_in "$OUT" "3행 6열: JSON 문법이 맞지 않습니다" "a syntax error's line and column, in Korean"

# The API: a harm named with its evidence, reviewed harm by harm.
for who in cho rin ryu; do sign_in "$who"; done
jcall cho POST /persons '{"kind": "victim", "name": "Synthetic Harm Survivor", "birth_date": "1931-03-01"}'
victim=$(printf '%s' "$OUT" | json pseudonym)
jcall cho POST /claims "{\"program\": \"colombia-1448\", \"victim\": \"$victim\"}"
expect_status 201 "opening a claim under a program that pays by harm"
claim=$(printf '%s' "$OUT" | json id)
printf 'Synthetic statement\n' >"$T/statement.txt"
call cho POST "/claims/$claim/evidence" -F "file=@$T/statement.txt;filename=statement.txt"
expect_status 201 "evidence"
jcall cho POST "/claims/$claim/harms" '{"harm": "torture", "evidence": "1"}'
expect_status 400 "a harm the program lacks"
jcall cho POST "/claims/$claim/harms" '{"harm": "displacement", "evidence": "1", "colour": 1}'
expect_status 400 "a field nobody knows"
jcall rin POST "/claims/$claim/harms" '{"harm": "displacement", "evidence": "1"}'
expect_status 403 "a reviewer naming a harm"
jcall cho POST "/claims/$claim/harms" '{"harm": "displacement", "evidence": "1"}'
expect_status 201 "naming a harm"
expect_eq "$(printf '%s' "$OUT" | json harms.0.state)" pending "a harm named"
call cho POST "/claims/$claim/submit"
expect_status 200 "submitting"
jcall cho POST "/claims/$claim/harms/displacement/review" '{"verdict": "approved"}'
expect_status 403 "a caseworker reviewing a harm"
jcall rin POST "/claims/$claim/harms/displacement/review" '{"verdict": "maybe"}'
expect_status 400 "a verdict that is neither"
jcall rin POST "/claims/$claim/harms/displacement/review" '{"verdict": "approved"}'
expect_status 200 "the first reviewer"
jcall rin POST "/claims/$claim/harms/displacement/review" '{"verdict": "approved"}'
expect_status 422 "the same reviewer twice"
jcall ryu POST "/claims/$claim/harms/displacement/review" '{"verdict": "approved"}'
expect_status 200 "the second reviewer"
expect_eq "$(printf '%s' "$OUT" | json harms.0.state)" approved "a harm approved by two reviewers"
call cho GET "/claims/$claim"
expect_eq "$(printf '%s' "$OUT" | json harms.0.harm)" displacement "the claim's harms"

# The claims list and a claim's page name its program in the page's language.
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cho.jar" "$PAGES/claims?state=all&lang=ko")
expect_eq "$STATUS" 200 "the claims list"
expect_in "$(cat "$T/body")" "<td>피해별 행정 배상 (콜롬비아식 예시)</td>" "the claims list names the program in Korean"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cho.jar" "$PAGES/claims/$claim?lang=ja")
expect_in "$(cat "$T/body")" "<dd>被害別の行政補償（コロンビア型の例）</dd>" "a claim's page names its program in Japanese"

# The API of a rule change: a new version of colombia-1448 shown before it
# is made (displacement doubled), an admin only, nothing written.
sign_in fumi
call rin POST "/claims/$claim/approve"
call ryu POST "/claims/$claim/approve"
expect_status 200 "the claim approved"
node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1]));
  for (const h of b.harms) if (h.code==="displacement") h.amount.quantity="34";
  console.log(JSON.stringify(b))' "$SRCDIR/examples/colombia-1448.json" >"$T/colombia-v2.json"
size=$(log_size)
jcall ada POST /programs/colombia-1448/diff "$(cat "$T/colombia-v2.json")"
expect_status 200 "a rule change previewed"
expect_eq "$(printf '%s' "$OUT" | json beneficiaries.gain)" 1 "one beneficiary would gain"
expect_eq "$(printf '%s' "$OUT" | json changes.0.claim)" "$claim" "the list for staff names the claim"
jcall cho POST /programs/colombia-1448/diff "$(cat "$T/colombia-v2.json")"
expect_status 403 "a caseworker previewing a rule change"
jcall ada POST /programs/awf-1995/diff "$(cat "$T/colombia-v2.json")"
expect_status 400 "a file whose code is not the path's"
jcall ada POST /programs/colombia-1448/diff '{"code": "colombia-1448"}'
expect_status 400 "a file the parser refuses"
expect_eq "$(log_size)" "$size" "log size after previews"

# Services in kind over the API: an approved claim of awf-1995.
jcall cho POST /claims "{\"program\": \"awf-1995\", \"victim\": \"$victim\"}"
awf=$(printf '%s' "$OUT" | json id)
call cho POST "/claims/$awf/submit"
call rin POST "/claims/$awf/approve"
call ryu POST "/claims/$awf/approve"
expect_status 200 "the awf claim approved"
today=$(date -u +%F)
jcall cho POST "/claims/$awf/services" "{\"service\": \"medical\", \"state\": \"delivered\", \"date\": \"$today\", \"provider\": \"Synthetic Clinic\"}"
expect_status 201 "a service delivered"
expect_eq "$(printf '%s' "$OUT" | json services.0.state)" delivered "the service's state"
jcall cho POST "/claims/$awf/services" "{\"service\": \"medical\", \"state\": \"refused\", \"date\": \"$today\", \"provider\": \"Synthetic Clinic\"}"
expect_status 409 "a service delivered already"
jcall cho POST "/claims/$awf/services" "{\"service\": \"welfare\", \"state\": \"lost\", \"date\": \"$today\", \"provider\": \"Synthetic Clinic\"}"
expect_status 400 "a state that is none"
jcall cho POST "/claims/$awf/services" "{\"service\": \"dental\", \"state\": \"scheduled\", \"date\": \"$today\", \"provider\": \"Synthetic Clinic\"}"
expect_status 400 "a service the program does not give"
jcall rin POST "/claims/$awf/services" "{\"service\": \"welfare\", \"state\": \"scheduled\", \"date\": \"$today\", \"provider\": \"Synthetic Clinic\"}"
expect_status 403 "a reviewer recording a service"
call fumi GET "/claims/$awf/services"
expect_status 200 "finance reads a claim's services"
expect_eq "$(printf '%s' "$OUT" | json services.length)" 1 "one record"
call fumi GET "/claims/C-999999/services"
expect_status 404 "the services of no claim"

# Proof of life and held instalments over the API: pension-2026 in EUR.
as fumi ledger account add gift:eur --currency EUR --kind income >/dev/null
as fumi ledger transfer --id gift-eur --from gift:eur --to bank:eur --amount 100000 >/dev/null
jcall cho POST /claims "{\"program\": \"pension-2026\", \"victim\": \"$victim\"}"
pen=$(printf '%s' "$OUT" | json id)
call cho POST "/claims/$pen/submit"
call rin POST "/claims/$pen/approve"
call ryu POST "/claims/$pen/approve"
jcall fumi POST /programs/pension-2026/entitlements '{}'
expect_status 200 "the pension's schedule booked"
expect_eq "$(printf '%s' "$OUT" | json held)" 1 "its first instalment held"
call cho GET /programs/pension-2026/held
expect_status 200 "the held instalments"
expect_eq "$(printf '%s' "$OUT" | json held.0.beneficiary)" "$victim" "hers"
expect_eq "$(printf '%s' "$OUT" | json held.0.last_proof)" null "no proof yet"
call fumi GET /programs/pension-2026/held
expect_status 403 "finance reading whom to visit"
# On the caseworker's work list: the held instalment, with the form that records her proof of life.
cho_page() { # PATH [curl args...]: a page as cho; the status in STATUS, the page in OUT
	path=$1
	shift
	STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/cho.jar" "$@" "$PAGES$path")
	OUT=$(cat "$T/body")
}
cho_page "/work?lang=ko"
expect_eq "$STATUS" 200 "the work list"
expect_in "$OUT" "생존 확인 필요: 보류된 분할 지급금" "the held instalments' heading in Korean"
expect_in "$OUT" "E-$pen-$victim-001" "the held instalment on the work list"
expect_in "$OUT" "action=\"/persons/$victim/casework/proofs\"" "its proof of life form"
cho_page "/persons/$victim/casework/proofs" --data-urlencode "csrf_token=$(cat "$T/cho.csrf")" \
	--data-urlencode "proved_on=2199-01-01"
expect_eq "$STATUS" 303 "a proof of life in the future, from the page"
refused=$(tr -d '\r' <"$T/headers" | sed -n 's/^Location: //p')
cho_page "$refused"
expect_eq "$STATUS" 422 "the refused proof's page"
expect_in "$OUT" 'href="#f-proved_on"' "the error beside the date"
proofs=$(db_events | grep -c '"type":"entitlements.proof.recorded"')
yesterday=$(date -u -d yesterday +%F)
cho_page "/persons/$victim/casework/proofs" --data-urlencode "csrf_token=$(cat "$T/cho.csrf")" \
	--data-urlencode "proved_on=$yesterday"
expect_eq "$STATUS" 303 "a proof of life recorded from the page"
expect_in "$(tr -d '\r' <"$T/headers")" "Location: /persons/$victim/casework" "back to her casework"
expect_eq "$(db_events | grep -c '"type":"entitlements.proof.recorded"')" $((proofs + 1)) "one proof recorded"
cho_page "/work" -H "X-CSRF-Token: x"
expect_in "$OUT" "E-$pen-$victim-001" "still held until the next entitlement run releases it"
call cho GET /programs/nowhere/held
expect_status 404 "the held instalments of no program"
jcall cho POST "/persons/$victim/proof" '{"date": "2199-01-01"}'
expect_status 400 "a proof of life in the future"
jcall rin POST "/persons/$victim/proof" "{\"date\": \"$today\"}"
expect_status 403 "a reviewer recording a proof of life"
jcall cho POST "/persons/V-999999/proof" "{\"date\": \"$today\"}"
expect_status 404 "a proof of life of nobody"
jcall cho POST "/persons/$victim/proof" "{\"date\": \"$today\"}"
expect_status 201 "a proof of life"
expect_eq "$(printf '%s' "$OUT" | json proof_of_life)" "$today" "its date"
jcall fumi POST /programs/pension-2026/entitlements '{}'
expect_eq "$(printf '%s' "$OUT" | json released)" 1 "released after the proof"
call cho GET /programs/pension-2026/held
expect_eq "$(printf '%s' "$OUT" | json held.length)" 0 "nothing held after the proof"
cho_page "/work?lang=ja"
expect_in "$OUT" "保留中の分割金はありません。" "the work list once the instalment is released"

# Versions over the API: a second admin (made on the command line) proposes,
# ada approves; the proposer may not approve.
printf 'pw-ada2-5e6f7a8b9c\n' >"$T/ada2-own.pw"
expect_exit 0 as ada user add ada2 --role caseworker --password-file "$T/ada2-own.pw"
expect_exit 0 as ada user role ada2 admin
sed 's/"2000000"/"2500000"/' "$SRCDIR/examples/awf-1995.json" >"$T/awf-v2.json"
jcall ada POST "/programs/awf-1995/versions?from=2001-01-01" "$(cat "$T/awf-v2.json")"
expect_status 400 "a version from a past day"
jcall cho POST /programs/awf-1995/versions "$(cat "$T/awf-v2.json")"
expect_status 403 "a caseworker proposing a version"
jcall ada POST /programs/pension-2026/versions "$(cat "$T/awf-v2.json")"
expect_status 400 "a file whose code is not the path's"
REDRESS_PASSWORD_FILE="$T/ada2-own.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as ada2 \
	program add --file "$T/awf-v2.json" >/dev/null
expect_eq "$?" 0 "version 2 proposed by ada2"
jcall ada POST /programs/awf-1995/versions "$(cat "$T/awf-v2.json")"
expect_status 409 "a second proposal while one awaits approval"
call rin GET /programs/awf-1995/versions
expect_status 200 "the versions"
expect_eq "$(printf '%s' "$OUT" | json versions.1.state)" proposed "version 2 awaits approval"
call ada GET /programs/awf-1995
expect_eq "$(printf '%s' "$OUT" | json version)" 1 "version 1 in force"
call cho POST /programs/awf-1995/versions/2/approve
expect_status 403 "a caseworker approving"
call ada POST /programs/awf-1995/versions/x/approve
expect_status 404 "no such version"
call ada POST /programs/awf-1995/versions/2/approve
expect_status 200 "approved by a second admin"
call ada POST /programs/awf-1995/versions/2/approve
expect_status 409 "approved already"
call ada GET /programs/awf-1995
expect_eq "$(printf '%s' "$OUT" | json version)" 2 "version 2 in force"
expect_eq "$(printf '%s' "$OUT" | json benefits.survivor)" 2500000 "its amount"
jcall ada POST /programs/awf-1995/versions "$(sed 's/"2000000"/"2600000"/' "$SRCDIR/examples/awf-1995.json")"
expect_status 201 "version 3 proposed by ada"
call ada POST /programs/awf-1995/versions/3/approve
expect_status 422 "the proposer approving her own version"

# Another benefit on a person's file, over the API.
jcall cho POST "/persons/$victim/benefits" '{"benefit": "state-pension", "date": "2020-01-01", "receives": true}'
expect_status 201 "another benefit recorded"
jcall cho POST "/persons/$victim/benefits" '{"benefit": "state pension", "date": "2020-01-01", "receives": true}'
expect_status 400 "a benefit code with a space"
jcall rin POST "/persons/$victim/benefits" '{"benefit": "state-pension", "date": "2020-01-01", "receives": false}'
expect_status 403 "a reviewer recording a benefit"

stop_server
echo "program_pages: $checks checks, $failures failures"
[ "$failures" -eq 0 ]
