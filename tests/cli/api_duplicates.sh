# api_duplicates.sh -- suspected duplicates over real HTTP: `redress serve`
# on a demo fund, driven with curl by the demo's staff.  A registration's
# answer names the pair it makes (pseudonyms only); GET /api/v1/duplicates
# for those who read files, refused to the monitor and to nobody; POST
# .../resolve with bad bodies (400), unknown pairs (404), a merge proposed
# (200), refused to its proposer (422), approved by a second caseworker,
# decided twice (409); the merged file says so and a claim naming her is
# refused (409).  The page /work/duplicates: the pairs with their forms for
# a caseworker, without them for a reviewer, refused to the monitor; a
# decision without a reason drawn again (422), one with it back to the
# list (303); a case file names her suspected pairs.  No name in the
# answers, the database or the server's log.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

PAGE="http://127.0.0.1:$PORT"
for who in ada cho moe rin; do
	sign_in "$who"
done
printf 'pw-cyd-6c1d02e9f4\n' >"$T/cyd.pw"
expect_exit 0 as ada user add cyd --role caseworker --password-file "$T/cyd.pw"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/cyd.jar" -H 'Content-Type: application/json' \
	--data-binary '{"username":"cyd","password":"pw-cyd-6c1d02e9f4"}' "$BASE/session")
expect_eq "$STATUS" 201 "signing in as cyd"
json csrf_token <"$T/body" >"$T/cyd.csrf"

# page WHO METHOD PATH [CURL OPTIONS...]: a page in WHO's session; the body in $OUT, the status in $STATUS.
page() {
	who=$1 method=$2 path=$3
	shift 3
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -X "$method" -b "$T/$who.jar" -H 'Accept-Language: en' \
		"$@" "$PAGE$path")
	OUT=$(cat "$T/body")
}
# form WHO PATH FIELDS...: a form posted; a refusal is answered 303 to its
# refused page (post/redirect/get, src/http/refused.c), which is then asked
# as WHO: $STATUS and $OUT are that page's, $LOCATION where the POST led.
form() {
	who=$1 path=$2
	shift 2
	out=$(curl -s -o "$T/body" -w '%{http_code} %{redirect_url}' -b "$T/$who.jar" -H 'Accept-Language: en' \
		--data-urlencode "csrf_token=$(cat "$T/$who.csrf")" "$@" "$PAGE$path")
	STATUS=${out%% *}
	LOCATION=${out#* }
	OUT=$(cat "$T/body")
	case "$LOCATION" in */refused/*) page "$who" GET "${LOCATION#"$PAGE"}" ;; esac
}

# ---- Registration: accepted, the pair named --------------------------------------
jcall cho POST /persons '{"kind": "victim", "name": "Canary Twinname", "birth_date": "1929-03-03", "region": "KR-11"}'
expect_status 201 "the first registration"
A=$(printf '%s' "$OUT" | json pseudonym)
expect_eq "$(printf '%s' "$OUT" | json suspected_duplicates)" "[]" "the first's pairs"
jcall cho POST /persons '{"kind": "victim", "name": "canary twin-name", "birth_date": "1929-10-10", "region": "KR-11"}'
expect_status 201 "the second registration"
B=$(printf '%s' "$OUT" | json pseudonym)
expect_eq "$(printf '%s' "$OUT" | json suspected_duplicates.0.pair)" "$A,$B"
expect_eq "$(printf '%s' "$OUT" | json suspected_duplicates.0.basis)" "name+birth_year+region"
expect_not_in "$OUT" "anary" "the registration's answer"

# ---- The list -------------------------------------------------------------------
call cho GET /duplicates
expect_status 200
expect_in "$OUT" "\"pair\":\"$A,$B\""
call rin GET /duplicates
expect_status 200 "a reviewer listing"
call moe GET /duplicates
expect_status 403 "the monitor listing"
call - GET /duplicates
expect_status 401 "nobody listing"

# ---- Bad input changes nothing ---------------------------------------------------
before=$(log_size)
call cho POST "/duplicates/$A,$B/resolve"
expect_status 415 "no body"
jcall cho POST "/duplicates/$A,$B/resolve" '{}'
expect_status 400 "an empty body"
jcall cho POST "/duplicates/$A,$B/resolve" '{"decision": "maybe", "reason": "r"}'
expect_status 400 "a decision that is none"
jcall cho POST "/duplicates/$A,$B/resolve" '{"decision": "same"}'
expect_status 400 "no reason"
jcall cho POST "/duplicates/$A,$B/resolve" '{"decision": "same", "reason": "r", "colour": "red"}'
expect_status 400 "an unknown field"
jcall cho POST "/duplicates/$A/resolve" '{"decision": "same", "reason": "r"}'
expect_status 400 "one pseudonym"
expect_in "$OUT" "comma"
jcall cho POST "/duplicates/V-999998,V-999999/resolve" '{"decision": "distinct", "reason": "r"}'
expect_status 404 "no such pair"
jcall rin POST "/duplicates/$A,$B/resolve" '{"decision": "distinct", "reason": "r"}'
expect_status 403 "a reviewer deciding"
jcall moe POST "/duplicates/$A,$B/resolve" '{"decision": "distinct", "reason": "r"}'
expect_status 403 "the monitor deciding"
expect_eq "$(log_size)" "$before" "the log after refusals"

# ---- A merge: four eyes ------------------------------------------------------------
jcall cho POST "/duplicates/$B,$A/resolve" '{"decision": "same", "reason": "CANARY-REASON-one-woman"}'
expect_status 200 "a merge proposed"
expect_eq "$(printf '%s' "$OUT" | json outcome)" proposed
call cho GET /duplicates
expect_in "$OUT" '"proposed_by":"user:cho"'
jcall cho POST "/duplicates/$A,$B/resolve" '{"decision": "same", "reason": "again"}'
expect_status 422 "the proposer approving"
expect_in "$OUT" "second staff member"
jcall cyd POST "/duplicates/$A,$B/resolve" '{"decision": "same", "reason": "CANARY-REASON-checked"}'
expect_status 200 "a second caseworker approving"
expect_eq "$(printf '%s' "$OUT" | json outcome)" merged
expect_eq "$(printf '%s' "$OUT" | json merged_into)" "$A"
jcall cyd POST "/duplicates/$A,$B/resolve" '{"decision": "distinct", "reason": "r"}'
expect_status 409 "deciding twice"
call rin GET "/persons/$B"
expect_eq "$(printf '%s' "$OUT" | json merged_into)" "$A" "the merged file"
jcall cho POST /claims "{\"program\": \"flagship-2015\", \"victim\": \"$B\"}"
expect_status 409 "a claim naming the merged person"
expect_in "$OUT" "merged into $A"

# ---- The page ------------------------------------------------------------------------
jcall cho POST /persons '{"kind": "victim", "name": "Canary Pagetwin", "birth_date": "1928-01-01"}'
C=$(printf '%s' "$OUT" | json pseudonym)
jcall cho POST /persons '{"kind": "victim", "name": "CANARY PAGETWIN", "birth_date": "1928-05-05"}'
D=$(printf '%s' "$OUT" | json pseudonym)
page cho GET /work/duplicates
expect_status 200 "the page for a caseworker"
expect_in "$OUT" "/work/duplicates/$C,$D/resolve"
expect_in "$OUT" "Two people"
expect_in "$OUT" "same name and birth year"
expect_not_in "$OUT" "anary" "the page"
expect_not_in "$OUT" "$A,$B" "the page after the merge"
page rin GET /work/duplicates
expect_status 200 "the page for a reviewer"
expect_in "$OUT" "$C"
expect_not_in "$OUT" "/resolve" "the reviewer's page"
page moe GET /work/duplicates
expect_status 403 "the page for the monitor"
page cho GET "/persons/$D"
expect_in "$OUT" "She may be the same person as:"
expect_in "$OUT" "$C"
page rin GET "/persons/$B"
expect_in "$OUT" "Merged into"
page rin GET "/persons?order=registered&page=1"
expect_status 200 "the list of persons"
expect_in "$OUT" "merged into $A"
before=$(log_size)
form cho "/work/duplicates/$C,$D/resolve" --data-urlencode "decision=distinct"
expect_status 422 "the page's decision without a reason"
expect_in "$OUT" "Say why"
form cho "/work/duplicates/$C,$D/resolve" --data-urlencode "decision=perhaps" --data-urlencode "reason=r"
expect_status 422 "the page's decision that is none"
form cho "/work/duplicates/V-999998,V-999999/resolve" --data-urlencode "decision=distinct" --data-urlencode "reason=r"
expect_status 404 "the page's unknown pair"
form rin "/work/duplicates/$C,$D/resolve" --data-urlencode "decision=distinct" --data-urlencode "reason=r"
expect_status 403 "the page's decision by a reviewer"
expect_eq "$(log_size)" "$before" "the log after the page's refusals"
form cho "/work/duplicates/$C,$D/resolve" --data-urlencode "decision=distinct" --data-urlencode "reason=CANARY-REASON-page"
expect_status 303 "the page's decision"
expect_eq "$LOCATION" "$PAGE/work/duplicates" "where the page's decision leads"
form cho "/work/duplicates/$C,$D/resolve" --data-urlencode "decision=distinct" --data-urlencode "reason=r"
expect_status 409 "the page's decision made twice"
page cho GET /work/duplicates
expect_not_in "$OUT" "$C,$D" "the page after the decision"

# No name or reason in clear: the database, the server's log.
stop_server
checks=$((checks + 1))
if db_dump | grep -qai "canary"; then
	fail "a canary is in clear in the database"
fi
checks=$((checks + 1))
if grep -qai "canary" "$T/server.log"; then
	fail "a canary is in the server's log"
fi
expect_exit 0 rd audit verify
finish
