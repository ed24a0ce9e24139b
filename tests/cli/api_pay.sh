# api_pay.sh -- payments, pledges and the public report of /api/v1 over
# real HTTP, after the demo (tests/cli/serve_lib.sh): a batch's pain.001
# taken by finance (an event), the bank's camt.054 sent back settling the
# payment still at the bank, the same file again changing nothing, a file
# naming an order that is not ours refused by line and changing nothing;
# bank details recorded with canaries that appear nowhere but where they
# must; pledges and receipts; a report published by the monitor, then read
# by anyone as HTML (its style allowed by hash), CSV and JSON, and the JSON
# verified offline with the log's public key alone.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"
. "$SRCDIR/tests/cli/bank_lib.sh"

for who in cho fumi moe; do
	sign_in "$who"
done
tree_size() {
	curl -s "http://127.0.0.1:$PORT/healthz" | json tree_size
}

# ---- A batch and its file for the bank --------------------------------------------
call fumi GET /batches/B-000001
expect_status 200 "finance reads a batch"
expect_eq "$(printf '%s' "$OUT" | json pending)" 1 "one payment of the demo still at the bank"
pending_id=$(printf '%s' "$OUT" | node -e 'const b = JSON.parse(require("fs").readFileSync(0)); console.log(b.payments.find(p => p.state === "pending").id)')
pending_amount=$(printf '%s' "$OUT" | node -e 'const b = JSON.parse(require("fs").readFileSync(0)); console.log(b.payments.find(p => p.state === "pending").amount)')
call cho GET /batches/B-000001
expect_status 403 "a caseworker reading a batch"
before=$(tree_size)
call fumi POST /batches/B-000001/export
expect_status 200 "finance takes the pain.001"
expect_in "$(grep -i '^content-type' "$T/headers")" "application/xml"
expect_in "$(grep -i '^content-disposition' "$T/headers")" 'filename="pain.001-B-000001.xml"'
expect_in "$OUT" "<EndToEndId>$pending_id</EndToEndId>"
expect_in "$OUT" "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
expect_eq "$(tree_size)" $((before + 1)) "taking the file is one event"
call fumi POST '/batches/B-000001/export?format=csv'
expect_status 400 "a format that is not pain.001"

# ---- What the bank sends back -------------------------------------------------------
camt "$T/back.xml" HTTP-CAMT-1 "$(booked "$pending_id" "$pending_amount" 2026-11-26)"
call fumi POST /bank-files -H 'Content-Type: application/xml' --data-binary "@$T/back.xml"
expect_status 200 "the bank's camt.054"
expect_eq "$(printf '%s' "$OUT" | json kind)" camt.054.001.08
expect_eq "$(printf '%s' "$OUT" | json settled)" 1 "the payment settled"
size=$(tree_size)
call fumi POST /bank-files -H 'Content-Type: application/xml' --data-binary "@$T/back.xml"
expect_status 200 "the same file again"
expect_eq "$(printf '%s' "$OUT" | json already_imported)" true
expect_eq "$(tree_size)" "$size" "the same file again changes nothing"
camt "$T/foreign.xml" HTTP-CAMT-2 "$(booked B-000009-000001 5 2026-11-26)"
call fumi POST /bank-files -H 'Content-Type: application/xml' --data-binary "@$T/foreign.xml"
expect_in "404 409 422" "$STATUS" "a foreign end-to-end id refused ($OUT)"
expect_in "$OUT" "line "
expect_eq "$(tree_size)" "$size" "a refused file changes nothing"
call fumi POST /bank-files -H 'Content-Type: application/json' --data-binary '{}'
expect_status 415 "a bank file that is not XML"
call fumi GET /batches/B-000001
expect_eq "$(printf '%s' "$OUT" | json pending)" 0 "nothing left at the bank"
jcall fumi POST /programs/flagship-2015/batches '{}'
expect_status 200 "a batch with nothing to pay"
expect_eq "$(printf '%s' "$OUT" | json orders)" 0
jcall fumi POST /programs/flagship-2015/debtor '{"name":"Synthetic Fund","iban":"DE89370400440532013000","bic":"SHBKKRSE"}'
expect_status 200 "finance sets the fund's account"
# Where accounts have no IBAN: the number and its scheme; both at once is refused.
jcall fumi POST /programs/flagship-2015/debtor '{"name":"화해·치유재단","account":"100-123-456789","scheme":"BBAN","bic":"SHBKKRSE"}'
expect_status 200 "the fund's account by number and scheme"
expect_eq "$(printf '%s' "$OUT" | json scheme)" BBAN "the scheme"
jcall fumi POST /programs/flagship-2015/debtor '{"name":"Synthetic Fund","iban":"DE89370400440532013000","account":"1","bic":"SHBKKRSE"}'
expect_status 400 "an IBAN and an account number at once"
jcall fumi POST /programs/flagship-2015/debtor '{"name":"Synthetic Fund","iban":"DE89370400440532013000","bic":"SHBKKRSE"}'
expect_status 200 "back to the IBAN"

# ---- Bank details: sealed --------------------------------------------------------------
canary_account="CANARY-ACCT-$$-77"
canary_holder="CANARY Holder $$"
jcall cho POST /persons/V-000001/bank "{\"account\":\"$canary_account\",\"bic\":\"SHBKKRSE\",\"holder\":\"$canary_holder\"}"
expect_status 200 "a caseworker records bank details"
jcall fumi POST /persons/V-000001/bank "{\"account\":\"$canary_account\",\"bic\":\"SHBKKRSE\",\"holder\":\"$canary_holder\"}"
expect_status 403 "finance may not"
jcall cho POST /persons/V-000001/bank '{"account":"1","bic":"not a bic","holder":"x"}'
expect_status 400 "a malformed BIC"
for f in $(db_files) "$T/server.log"; do
	[ -f "$f" ] || continue
	checks=$((checks + 1))
	if grep -a -q -e "$canary_account" -e "$canary_holder" "$f"; then
		fail "bank details in clear in $(basename "$f")"
	fi
done

# ---- Pledges ------------------------------------------------------------------------
jcall fumi POST /pledges '{"program":"flagship-2015","donor":"Synthetic Donor","amount":"5000000","currency":"KRW","condition":"none"}'
expect_status 201 "finance records a pledge"
pledge=$(printf '%s' "$OUT" | json id)
jcall fumi POST "/pledges/$pledge/receipts" '{"amount":"2000000"}'
expect_status 201 "a receipt"
jcall fumi POST "/pledges/$pledge/receipts" '{"amount":"9000000"}'
expect_status 422 "more than what remains"
call moe GET /pledges
expect_status 200 "a monitor reads the pledges"
expect_in "$OUT" '"received":"2000000"'
call cho GET /pledges
expect_status 403 "a caseworker may not"

# ---- The public report ----------------------------------------------------------------
# The demo published a report on the command line (cmd_demo.c): the page shows it.
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=flagship-2015&format=json")
expect_eq "$STATUS" 200 "the demo's report, published on the command line"
expect_in "$(cat "$T/body")" '"type": "reports.report.published"'
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=no-such-program")
expect_eq "$STATUS" 404 "no report of a program never published"
jcall cho POST /programs/flagship-2015/reports '{}'
expect_status 403 "a caseworker may not publish"
jcall moe POST /programs/flagship-2015/reports '{"format":"json","k":5}'
expect_status 201 "the monitor publishes"
for format in html csv json; do
	STATUS=$(curl -s -D "$T/rh" -o "$T/report.$format" -w '%{http_code}' \
		"http://127.0.0.1:$PORT/report?program=flagship-2015&format=$format")
	expect_eq "$STATUS" 200 "anyone reads the $format report"
done
expect_in "$(cat "$T/report.html")" "<svg"
STATUS=$(curl -s -D "$T/rh" -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=flagship-2015")
expect_in "$(grep -i '^content-security-policy' "$T/rh")" "style-src 'self' 'sha256-"
expect_not_in "$(grep -i '^content-security-policy' "$T/rh")" "unsafe-inline"
curl -s "$BASE/audit/pubkey" >"$T/fund.vkey"
expect_exit 0 "$REDRESS" report verify "$T/report.json" --pubkey "$T/fund.vkey"
sed 's/"registered"/"registred"/' "$T/report.json" >"$T/altered.json"
checks=$((checks + 1))
if "$REDRESS" report verify "$T/altered.json" --pubkey "$T/fund.vkey" >/dev/null 2>&1; then
	fail "an altered report verified"
fi
for name in "Demo Survivor" "$canary_holder"; do
	expect_not_in "$(cat "$T/report.html" "$T/report.csv" "$T/report.json")" "$name"
done
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=flagship-2015&format=pdf")
expect_eq "$STATUS" 400 "an unknown format"

# The page renders the program's latest reports_published row from its event: the row's seq edited
# behind the log's back to an event that is no report is refused by the page (500 naming it, the
# reports page's notice) and named by audit verify (its replay); put back, it is served again.
latest=$(db_sql "SELECT max(seq) FROM reports_published WHERE program = 'flagship-2015'")
[ -n "$latest" ] || fail "no reports_published row after publishing"
db_sql "UPDATE reports_published SET seq = seq + 1 WHERE seq = $latest" || fail "the database's shell failed"
for format in html csv json; do
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=flagship-2015&format=$format")
	expect_eq "$STATUS" 500 "a $format report whose row names an event that is no report"
	expect_in "$(cat "$T/body")" "the latest report of program flagship-2015 in reports_published names event $((latest + 1))"
	expect_not_in "$(cat "$T/body")" "amount paid"
done
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Accept-Language: en' "http://127.0.0.1:$PORT/reports")
expect_eq "$STATUS" 200 "the reports page"
expect_in "$(cat "$T/body")" "is not what the signed log holds, so it is not shown"
expect_exit 1 rd audit verify
expect_in "$ERR" "reports_published"
db_sql "UPDATE reports_published SET seq = $latest WHERE seq = $((latest + 1))" || fail "the database's shell failed"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=flagship-2015&format=csv")
expect_eq "$STATUS" 200 "the row put back, the report is served"
expect_exit 0 rd audit verify

# A report published on the command line (`redress report public`, k 7) is the one the page shows,
# the same bytes as the command wrote (both prove against the latest checkpoint).
expect_exit 0 as moe report public --program flagship-2015 --k 7 --out "$T/cli.json"
STATUS=$(curl -s -o "$T/served.json" -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=flagship-2015&format=json")
expect_eq "$STATUS" 200 "the report published on the command line"
expect_in "$(cat "$T/served.json")" '"k": 7'
expect_eq "$(cat "$T/served.json")" "$(cat "$T/cli.json")" "the JSON served after \`report public\`"
expect_exit 0 "$REDRESS" report verify "$T/served.json" --pubkey "$T/fund.vkey"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Accept-Language: en' "http://127.0.0.1:$PORT/reports")
expect_in "$(cat "$T/body")" "fewer than 7"
jcall moe POST /programs/flagship-2015/reports '{"format":"csv"}'
expect_status 201 "the monitor publishes again"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT/report?program=flagship-2015&format=csv")
expect_eq "$STATUS" 200 "the server's report"
expect_in "$(cat "$T/body")" "suppression,,k,5,people"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Accept-Language: en' "http://127.0.0.1:$PORT/reports")
expect_not_in "$(cat "$T/body")" "is not what the signed log holds"
expect_not_in "$(cat "$T/body")" "No report of this program has been published yet"

stop_server
expect_exit 0 rd audit verify
finish
