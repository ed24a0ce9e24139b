# program_history.sh -- the pages and API of issue 16's last items, over
# the real server: a person's vulnerability categories over the API and on
# the case file (a task page with its refusals), another benefit recorded
# and ended on the case file, a program's versions listed with their dates,
# a version proposed by one admin from the program's page (a pasted file
# with several errors answered with all of them) and approved by another
# after a confirmation page, the proposer refused; roles that may not, refused.
. "$SRCDIR/tests/cli/lib.sh"

. "$SRCDIR/tests/cli/serve_lib.sh"

expect_exit 0 as ada program add --file "$SRCDIR/examples/awf-1995.json"
for who in ada cho rin; do sign_in "$who"; done
PAGES="http://127.0.0.1:$PORT"
page() { # WHO PATH
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/$1.jar" "$PAGES$2")
	OUT=$(cat "$T/body")
}
upload() { # WHO PATH FILE FROM: a program file proposed as a file (multipart), the answer after its redirect
	STATUS=$(curl -s -L -o "$T/body" -w '%{http_code}' -b "$T/$1.jar" -F "csrf_token=$(cat "$T/$1.csrf")" \
		-F "file=@$3;type=application/json" -F "from=$4" "$PAGES$2")
	OUT=$(cat "$T/body")
}
post() { # WHO PATH FIELDS...: the answer after its redirect
	who=$1 path=$2
	shift 2
	STATUS=$(curl -s -L -o "$T/body" -w '%{http_code}' -b "$T/$who.jar" \
		--data-urlencode "csrf_token=$(cat "$T/$who.csrf")" "$@" "$PAGES$path")
	OUT=$(cat "$T/body")
}
jcall cho POST /persons '{"kind": "victim", "name": "Synthetic Vulnerable Survivor", "birth_date": "1931-03-01"}'
victim=$(printf '%s' "$OUT" | json pseudonym)

# Vulnerability categories over the API.
size=$(log_size)
jcall cho POST "/persons/$victim/vulnerability" '{"categories": "disability,wealthy", "reason": "Synthetic: seen"}'
expect_status 400 "an unknown category"
expect_in "$OUT" "'wealthy' is not one of"
jcall cho POST "/persons/$victim/vulnerability" '{"categories": "disability"}'
expect_status 400 "no reason"
jcall rin POST "/persons/$victim/vulnerability" '{"categories": "disability", "reason": "Synthetic: seen"}'
expect_status 403 "a reviewer recording categories"
jcall cho POST "/persons/V-999999/vulnerability" '{"categories": "disability", "reason": "Synthetic: seen"}'
expect_status 404 "nobody's categories"
expect_eq "$(log_size)" "$size" "log size after refused records"
jcall cho POST "/persons/$victim/vulnerability" '{"categories": "no-income,disability", "reason": "VULN-CANARY-API"}'
expect_status 201 "categories recorded"
expect_eq "$(printf '%s' "$OUT" | json categories.0)" disability "in the vocabulary's order"
call cho GET "/persons/$victim"
expect_eq "$(printf '%s' "$OUT" | json vulnerability.1)" no-income "on her file"

# On the case file: the categories in words, and the task pages.
page cho "/persons/$victim?lang=ko"
expect_eq "$STATUS" 200 "the case file"
expect_in "$OUT" "<dt>취약 범주</dt><dd>장애·장기 질환, 소득 없음</dd>" "her categories, in Korean"
expect_in "$OUT" "받고 있는 다른 급여" "the other benefits' label, in Korean"
expect_in "$OUT" "href=\"/persons/$victim/vulnerability\"" "the link to record them"
expect_in "$OUT" "href=\"/persons/$victim/benefits\"" "the link to other benefits"
page cho "/persons/$victim/vulnerability?lang=en"
expect_eq "$STATUS" 200 "the categories' page"
expect_in "$OUT" 'name="vuln-disability" checked' "the recorded category ticked"
post cho "/persons/$victim/vulnerability?lang=en" --data-urlencode "vuln-displaced=yes"
expect_eq "$STATUS" 422 "no reason, from the page"
expect_in "$OUT" 'href="#f-reason"' "the summary links the reason"
expect_in "$OUT" 'name="vuln-displaced" checked' "what was ticked is kept"
post cho "/persons/$victim/vulnerability?lang=en" --data-urlencode "vuln-displaced=yes" --data-urlencode "reason=VULN-CANARY-PAGE"
expect_eq "$STATUS" 200 "recorded from the page, back on the case file"
expect_in "$OUT" "displaced" "the new category on the file"
call cho GET "/persons/$victim"
expect_eq "$(printf '%s' "$OUT" | json vulnerability.length)" 1 "one category now"
page cho "/persons/$victim/vulnerability?lang=en"
expect_in "$OUT" "Recorded before" "the history of her categories"
expect_not_in "$OUT" "VULN-CANARY" "the reasons stay sealed"
page rin "/persons/$victim/vulnerability"
expect_eq "$STATUS" 403 "a reviewer on the categories' page"

# Another benefit, recorded and ended on the case file.
page cho "/persons/$victim/benefits?lang=ja"
expect_eq "$STATUS" 200 "the other benefits' page"
expect_in "$OUT" "受けているほかの給付" "its title, in Japanese"
post cho "/persons/$victim/benefits?lang=en" --data-urlencode "benefit=state pension" --data-urlencode "receives=yes" --data-urlencode "date=2020-01-01"
expect_eq "$STATUS" 422 "a benefit code with a space"
expect_in "$OUT" 'href="#f-benefit"' "the summary links the code"
expect_in "$OUT" 'value="state pension"' "the typed code kept"
post cho "/persons/$victim/benefits?lang=en" --data-urlencode "benefit=state-pension" --data-urlencode "receives=yes" --data-urlencode "date=2199-01-01"
expect_eq "$STATUS" 422 "a date in the future"
post cho "/persons/$victim/benefits?lang=en" --data-urlencode "benefit=state-pension" --data-urlencode "receives=yes" --data-urlencode "date=2020. 1. 1."
expect_eq "$STATUS" 200 "recorded, a date typed the Korean way"
expect_in "$OUT" "state-pension" "listed on the benefits' page"
page cho "/persons/$victim?lang=en"
expect_in "$OUT" "<dd><span class=\"id\">state-pension</span></dd>" "on the case file, as a benefit she receives"
post cho "/persons/$victim/benefits?lang=en" --data-urlencode "benefit=state-pension" --data-urlencode "receives=no" --data-urlencode "date=2021-01-01"
expect_eq "$STATUS" 200 "ended"
expect_in "$OUT" "no longer receives it from" "the history"
page cho "/persons/$victim?lang=en"
expect_not_in "$OUT" "<dd><span class=\"id\">state-pension</span></dd>" "no longer on the case file as received"

# A program's versions: listed with their dates, proposed from the page.
page ada "/admin/programs/awf-1995?lang=en"
expect_in "$OUT" "Versions of the rules" "the versions' section"
page ada "/admin/programs/awf-1995?lang=ko"
expect_in "$OUT" "규칙의 버전" "the versions' section, in Korean"
page ada "/admin/programs/awf-1995?lang=en"
expect_in "$OUT" "from the start" "version 1"
expect_in "$OUT" 'href="/admin/programs/awf-1995/versions/new"' "the way to propose one"
page ada "/admin/programs/awf-1995/versions/new?lang=en"
expect_eq "$STATUS" 200 "the proposal's form"
expect_in "$OUT" 'name="file"' "a file input for rules longer than a form field"
page ada "/admin/programs/flagship-2015/versions/new?lang=en"
expect_in "$OUT" "&quot;survivor&quot;: &quot;100000000&quot;" "the form starts from the rules in force"
page cho "/admin/programs/awf-1995/versions/new"
expect_eq "$STATUS" 403 "a caseworker proposing"
today=$(date -u +%F)
sed -e 's/"approvals": 2/"approvals": 1/' -e 's/"2000000"/"2,000,000"/' -e 's/"code": "letter"/"code": "a letter"/' "$SRCDIR/examples/awf-1995.json" >"$T/bad.json"
bad=$(cat "$T/bad.json")
sed 's/"2000000"/"2500000"/' "$SRCDIR/examples/awf-1995.json" >"$T/v2.json"
size=$(log_size)
upload ada "/admin/programs/awf-1995/versions?lang=en" "$T/bad.json" "$today"
expect_eq "$STATUS" 422 "a pasted file with three errors"
expect_in "$OUT" "benefits.survivor" "the amount's error"
expect_in "$OUT" "services[2].code" "the service's error"
expect_in "$OUT" "approvals" "the approvals' error"
expect_eq "$(grep -o 'href="#f-rules"' "$T/body" | wc -l)" 3 "every error in the summary, one link each"
expect_eq "$(log_size)" "$size" "log size after a refused proposal"
post ada "/admin/programs/awf-1995/versions?lang=en" --data-urlencode "rules=$(cat "$SRCDIR/examples/flagship-2015.json")" --data-urlencode "from=$today"
expect_eq "$STATUS" 422 "another program's rules (pasted in the box: a short file)"
expect_in "$OUT" "keep this program&#39;s code" "why"
upload ada "/admin/programs/awf-1995/versions?lang=en" "$T/v2.json" 2001-01-01
expect_eq "$STATUS" 422 "a day in the past"
expect_in "$OUT" 'href="#f-from"' "the summary links the day"
upload ada "/admin/programs/awf-1995/versions?lang=en" "$T/v2.json" "$today"
expect_eq "$STATUS" 200 "proposed, back on the program's page"
expect_in "$OUT" "awaiting a second admin" "version 2 awaits approval"
expect_in "$OUT" 'href="/admin/programs/awf-1995/versions/2/approve"' "the way to approve it"
expect_not_in "$OUT" 'href="/admin/programs/awf-1995/versions/new"' "no second proposal while one awaits"
# The proposer may not approve; another admin may, after the confirmation page.
page ada "/admin/programs/awf-1995/versions/2/approve?lang=en"
expect_eq "$STATUS" 200 "the confirmation page"
expect_in "$OUT" "2500000" "the version's rules shown before approving"
post ada "/admin/programs/awf-1995/versions/2/approve?lang=en"
expect_eq "$STATUS" 422 "the proposer approving her own version"
expect_in "$OUT" "another admin must approve it" "why"
page ada "/admin/programs/awf-1995/versions/9/approve"
expect_eq "$STATUS" 404 "no such version"
printf 'pw-ada2-6f7a8b9c0d\n' >"$T/ada2-own.pw"
expect_exit 0 as ada user add ada2 --role caseworker --password-file "$T/ada2-own.pw"
expect_exit 0 as ada user role ada2 admin
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/ada2.jar" -H 'Content-Type: application/json' \
	--data-binary "{\"username\":\"ada2\",\"password\":\"$(cat "$T/ada2-own.pw")\",\"totp\":\"\"}" "$BASE/session")
if [ "$STATUS" = 201 ]; then
	printf '%s' "$(cat "$T/body")" | json csrf_token >"$T/ada2.csrf"
	post ada2 "/admin/programs/awf-1995/versions/2/approve?lang=en"
	expect_eq "$STATUS" 200 "approved by a second admin"
	expect_not_in "$OUT" "awaiting a second admin" "nothing awaits"
	expect_exit 0 as ada program show awf-1995 --json
	expect_eq "$(printf '%s' "$OUT" | json version)" 2 "version 2 in force"
else
	# An admin needs a second factor to sign in: approve on the command line instead.
	REDRESS_PASSWORD_FILE="$T/ada2-own.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as ada2 program approve awf-1995 --version 2 >/dev/null
	page ada "/admin/programs/awf-1995?lang=en"
	expect_not_in "$OUT" "awaiting a second admin" "nothing awaits"
fi
# The add page lists every error of a pasted file in its summary, in the page's language.
post ada "/admin/programs?lang=ko" --data-urlencode 'rules={"code": "p x", "name": "P", "currency": "KRW", "cutoff": "2015-02-30", "accounts": {"fund": "bank:krw", "payable": "payable:p", "expense": "benefits:p"}, "benefits": {"survivor": "1", "bereaved": "0"}, "approvals": 1}'
expect_eq "$STATUS" 422 "a pasted program with three errors"
expect_eq "$(grep -o 'href="#f-rules"' "$T/body" | wc -l)" 3 "the add page's summary lists the three"
expect_in "$OUT" "approvals" "the last of them"
# A program file longer than a form field (colombia-1448, about 2,700 bytes) is added from the page as a file.
STATUS=$(curl -s -L -o "$T/body" -w '%{http_code}' -b "$T/ada.jar" -F "csrf_token=$(cat "$T/ada.csrf")" \
	-F "file=@$SRCDIR/examples/colombia-1448.json;type=application/json" "$PAGES/admin/programs?lang=en")
OUT=$(cat "$T/body")
expect_eq "$STATUS" 200 "a long program file added from the page, as a file"
expect_in "$OUT" "monthly minimum wage" "its page"
# The payment queue says each program's own order: colombia-1448 pays the disabled first.
sign_in fumi
page fumi "/queue?lang=en"
expect_in "$OUT" "Order of payment: Vulnerable first: disability or long illness, most frail first, oldest first" "the queue page's order for colombia-1448"
# The API lists every error of a pasted file too.
jcall ada POST /programs "$bad"
expect_status 400 "a program file with three errors"
expect_eq "$(printf '%s' "$OUT" | json error.errors.length)" 3 "every error in the API's answer"

stop_server
expect_exit 0 rd audit verify
expect_not_in "$(db_events)" "VULN-CANARY" "a reason in clear in the log"
echo "program_history: $checks checks, $failures failures"
[ "$failures" -eq 0 ]
