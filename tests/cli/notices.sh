# notices.sh -- letters to a survivor or her family: `redress notice
# render`, GET /api/v1/persons/{pseudonym}/notices/{kind} by role and by
# nobody, and the buttons and shown-once page of her casework page.  A
# letter is refused without her consent to contact (exit 15, 422), changing
# nothing; each one written is a reveal on the log; her name and address
# (canaries) are in the letter but never in the server's log or, in clear,
# in the database.  Also: a note opened on the casework page answers 303 to
# a page shown once (post/redirect/get).
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

NAME_CANARY='CANARY-NOTICE-NAME-5b1e <b>Kim</b>'
ADDRESS_CANARY='CANARY-NOTICE-ADDRESS-c47a, Mapo-gu'
PAGE="http://127.0.0.1:$PORT"
reveals() { db_events | grep -c '"registry.person.revealed"'; }
events() { db_sql "SELECT count(*) FROM log_events"; }

# ---- The command line -------------------------------------------------------------
expect_exit 0 as cho person add --kind victim --name "$NAME_CANARY" --birth-date 1929-04-05 \
	--address "$ADDRESS_CANARY" --language ja
P=$(printf '%s\n' "$OUT" | grep -o 'V-[0-9]*' | head -n1)
[ -n "$P" ] || fail "person add printed no pseudonym: $OUT"
expect_exit 0 as cho person add --kind victim --name 'Synthetic Unasked' --birth-date 1930-01-01
Q=$(printf '%s\n' "$OUT" | grep -o 'V-[0-9]*' | head -n1)
expect_exit 2 as cho notice render "$P"
expect_in "$ERR" "--kind"
expect_exit 2 as cho notice render "$P" --kind letter
expect_in "$ERR" "decision, payment or reminder"
expect_exit 2 as cho notice render "$P" --kind payment --format docx
expect_in "$ERR" "html or pdf"
size=$(events)
before=$(reveals)
expect_exit 15 as cho notice render "$P" --kind decision
expect_in "$ERR" "has not consented to be contacted"
expect_not_in "$ERR" "CANARY" "the refusal"
expect_eq "$(events)" "$size" "a refused letter records nothing"
expect_exit 0 as cho consent grant "$P" --scope contact --method 'in person'
expect_exit 0 as cho notice render "$P" --kind reminder --out "$T/reminder.html"
expect_eq "$(stat -c %a "$T/reminder.html")" 600 "the letter's file mode"
letter=$(cat "$T/reminder.html")
expect_in "$letter" '<html lang="ja">'
expect_in "$letter" 'ご案内'
expect_in "$letter" 'CANARY-NOTICE-NAME-5b1e &lt;b&gt;Kim&lt;/b&gt;'
expect_in "$letter" "$ADDRESS_CANARY"
expect_in "$letter" '@media print'
expect_eq "$(reveals)" $((before + 1)) "the letter's opening of her identity is a reveal on the log"
expect_exit 0 as cho consent grant V-000001 --scope contact --method 'by telephone, recorded'
expect_exit 0 as cho notice render V-000001 --kind payment
expect_in "$OUT" '지급 안내서'
expect_in "$OUT" '100,000,000원'
expect_in "$OUT" 'E-C-000001-V-000001'
expect_exit 15 as rin notice render "$P" --kind reminder
expect_exit 13 as cho notice render V-999999 --kind reminder
expect_exit 0 as cho notice --help
expect_in "$OUT" "usage: redress notice render"

# ---- The API -------------------------------------------------------------------------
for who in cho rin moe ada; do
	sign_in "$who"
done
before=$(reveals)
call cho GET "/persons/$P/notices/decision"
expect_status 200 "a caseworker's letter"
expect_in "$(grep -i '^content-type' "$T/headers")" "text/html"
expect_in "$(grep -i '^cache-control' "$T/headers")" "no-store"
expect_in "$(grep -i '^content-security-policy' "$T/headers")" "style-src 'self' 'sha256-"
expect_in "$OUT" '決定通知書'
expect_in "$OUT" "$ADDRESS_CANARY"
expect_eq "$(reveals)" $((before + 1)) "the API's letter is a reveal on the log"
# HEAD would record a letter nobody was shown: refused, nothing recorded.
before=$(events)
STATUS=$(curl -s -I -o /dev/null -w '%{http_code}' -b "$T/cho.jar" "$BASE/persons/$P/notices/decision")
expect_eq "$STATUS" 405 "HEAD of a letter"
expect_eq "$(events)" "$before" "events after a HEAD of a letter"
call cho GET "/persons/V-000001/notices/payment"
expect_status 200
expect_in "$OUT" '100,000,000원'
for who in rin moe ada; do
	call "$who" GET "/persons/$P/notices/reminder"
	expect_status 403 "$who asking for a letter"
done
call - GET "/persons/$P/notices/reminder"
expect_status 401 "nobody asking for a letter"
call cho GET "/persons/$P/notices/letter"
expect_status 404 "an unknown kind"
call cho GET "/persons/V-999999/notices/reminder"
expect_status 404 "no such person"
size=$(events)
call cho GET "/persons/$Q/notices/reminder"
expect_status 422 "a letter without her consent to contact"
expect_in "$OUT" "has not consented to be contacted"
expect_eq "$(events)" "$size" "a refused letter over the API records nothing"
call cho GET "/persons/V-000002/notices/reminder"
expect_status 422 "a letter to one who has died"
expect_in "$OUT" "deceased: write to her heirs"

# ---- The pages ------------------------------------------------------------------------
page() { # page WHO METHOD PATH [CURL OPTIONS...]: a page request in WHO's session
	who=$1 method=$2 path=$3
	shift 3
	STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$method" -b "$T/$who.jar" \
		-H 'Accept-Language: en' "$@" "$PAGE$path")
	OUT=$(cat "$T/body")
}
location() { grep -i '^location:' "$T/headers" | tr -d '\r' | sed 's/^[Ll]ocation: *//'; }
page cho GET "/persons/$P/casework"
expect_status 200
expect_in "$OUT" "action=\"/persons/$P/notices/decision\""
expect_in "$OUT" "action=\"/persons/$P/notices/reminder\""
page cho GET "/persons/$Q/casework"
expect_not_in "$OUT" "/notices/" "the casework page of one who did not consent"
expect_in "$OUT" "has not consented to be contacted"
page rin GET "/persons/$P/casework"
expect_not_in "$OUT" "/notices/" "a reviewer's casework page"
before=$(reveals)
page cho POST "/persons/$P/notices/payment" --data-urlencode "csrf_token=$(cat "$T/cho.csrf")"
expect_status 303 "the letter's form"
shown=$(location)
expect_in "$shown" "/shown/"
page cho GET "$shown"
expect_status 200 "the letter, shown once"
expect_in "$OUT" '支払いのお知らせ'
expect_in "$(grep -i '^cache-control' "$T/headers")" "no-store"
page cho GET "$shown"
expect_status 303 "the letter asked again"
expect_eq "$(location)" "/persons/$P/casework"
expect_eq "$(reveals)" $((before + 1)) "the page's letter is a reveal on the log"
page rin POST "/persons/$P/notices/payment" --data-urlencode "csrf_token=$(cat "$T/rin.csrf")"
expect_status 403 "a reviewer posting the letter's form"

# A note opened on the casework page: post/redirect/get, shown once, a reload back to her casework.
jcall cho POST "/persons/$P/notes" '{"text": "CANARY-NOTICE-NOTE-9d02"}'
expect_status 201
note=$(printf '%s' "$OUT" | json note)
page cho POST "/work/notes/$note/open" --data-urlencode "csrf_token=$(cat "$T/cho.csrf")" \
	--data-urlencode "reason=before writing to her"
expect_status 303 "opening a note"
shown=$(location)
expect_in "$shown" "/shown/"
page cho GET "$shown"
expect_status 200
expect_in "$OUT" "CANARY-NOTICE-NOTE-9d02"
page cho GET "$shown"
expect_status 303 "the opened note asked again"
expect_eq "$(location)" "/persons/$P/casework"

# ---- Nothing of her in clear where it must not be --------------------------------------
stop_server
for canary in CANARY-NOTICE-NAME-5b1e CANARY-NOTICE-ADDRESS-c47a CANARY-NOTICE-NOTE-9d02; do
	expect_not_in "$(cat "$T/server.log")" "$canary" "the server's log"
	if db_dump | grep -aq "$canary"; then
		fail "$canary is in the database in clear"
	fi
done
expect_exit 0 rd audit verify
finish
