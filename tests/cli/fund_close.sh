# fund_close.sh -- `redress fund close`, `fund verify`, `fund import` and
# `fund inherited`: an admin closes the fund, handing its open claims,
# unpaid entitlements and money to a named successor, with the final public
# report of each program.  Refused for a non-admin and without its fields
# (nothing changes); a second close is refused.  After it new claims are
# refused with the successor's name and contact.  The archive (mode 0600)
# lists what is left with its totals, and verifies offline with only the
# fund's public key; an altered body, or another fund's key, is refused.
# audit verify replays the closure.  The successor's redress imports the
# archive: one fund.inherited event and an obligation for each item, which
# audit counts against the archive's totals; a second import, an import
# into a closed fund, with the wrong key, or of an altered report is
# refused and changes nothing.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/closing 400000000
fund_people
approve_claims "$V1" "$V2"
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_exit 0 as cid claim open --program flagship-2015 --victim "$V4"
OPEN=$OUT
rd audit pubkey >"$T/vkey"

# Refused: not an admin, fields missing; nothing changes.
size=$(log_size)
expect_exit 15 as cid fund close --successor "Successor Foundation" --contact "office@successor.example" --out "$T/a.json"
expect_exit 2 as ada fund close --successor "Successor Foundation" --out "$T/a.json"
expect_exit 12 as ada fund close --successor "$(printf 'bad\001name')" --contact x --out "$T/a.json"
expect_eq "$(log_size)" "$size" "log size after refused closes"
checks=$((checks + 1))
[ ! -e "$T/a.json" ] || fail "a refused close wrote an archive"

# The close.
expect_exit 0 as ada fund close --successor "Successor Foundation" --contact "office@successor.example" --out "$T/a.json"
expect_in "$OUT" "the fund is closed"
expect_eq "$(stat -c %a "$T/a.json")" 600 "the archive's mode"
body=$(json body <"$T/a.json")
expect_in "$body" "\"id\": \"$OPEN\""
expect_in "$body" "\"victim\": \"$V4\""
expect_in "$body" '"unpaid_entitlements": ['
expect_in "$body" '"KRW": 200000000'
expect_eq "$(printf '%s' "$body" | json totals.open_claims)" 1 "open claims in the totals"
expect_eq "$(printf '%s' "$body" | json totals.unpaid_entitlements)" 2 "unpaid entitlements in the totals"
# The final report of the one program: published before the close, named by the body, carried whole.
expect_eq "$(printf '%s' "$body" | json final_reports.0.program)" flagship-2015 "the final report's program"
report_seq=$(printf '%s' "$body" | json final_reports.0.seq)
expect_eq "$(json reports.0 <"$T/a.json" | json event.seq)" "$report_seq" "the carried report's event"
expect_exit 14 as ada fund close --successor "Another" --contact "x@y.example" --out "$T/b.json"

# Intake is frozen: a new claim is refused, naming the successor.
expect_exit 15 as cid claim open --program flagship-2015 --victim "$V2"
expect_in "$ERR" "the fund is closed"
expect_in "$ERR" "Successor Foundation (office@successor.example)"
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"

# The successor checks the archive with only the fund's key.
mkdir "$T/successor"
cp "$T/a.json" "$T/vkey" "$T/successor/"
expect_exit 0 env -u REDRESS_DB "$REDRESS" --db "$T/successor/none.db" fund verify "$T/successor/a.json" \
	--pubkey "$T/successor/vkey"
expect_in "$OUT" "handing 1 open claims, 2 unpaid entitlements"
expect_in "$OUT" "with 1 final reports"
# A final report altered, or dropped from the archive: refused.
node -e '
const fs=require("fs");const a=JSON.parse(fs.readFileSync(process.argv[1]));
a.reports[0]=a.reports[0].replace(/"owed": ?\d+/,"\"owed\": 1");
fs.writeFileSync(process.argv[2],JSON.stringify(a));' "$T/a.json" "$T/bad-report.json"
checks=$((checks + 1))
cmp -s "$T/a.json" "$T/bad-report.json" && fail "the altered report is the same"
expect_exit 19 "$REDRESS" --db "$T/successor/none.db" fund verify "$T/bad-report.json" --pubkey "$T/vkey"
expect_in "$ERR" "final report 1"
node -e '
const fs=require("fs");const a=JSON.parse(fs.readFileSync(process.argv[1]));
a.reports=[];fs.writeFileSync(process.argv[2],JSON.stringify(a));' "$T/a.json" "$T/no-report.json"
expect_exit 19 "$REDRESS" --db "$T/successor/none.db" fund verify "$T/no-report.json" --pubkey "$T/vkey"
expect_in "$ERR" "something was dropped"
# An altered body (one amount less), an altered event, another fund's key: refused.
node -e '
const fs=require("fs");const a=JSON.parse(fs.readFileSync(process.argv[1]));
a.body=a.body.replace("\"amount\": 100000000","\"amount\": 10000000");
fs.writeFileSync(process.argv[2],JSON.stringify(a));' "$T/a.json" "$T/bad-body.json"
checks=$((checks + 1))
cmp -s "$T/a.json" "$T/bad-body.json" && fail "the altered archive is the same"
expect_exit 19 "$REDRESS" --db "$T/successor/none.db" fund verify "$T/bad-body.json" --pubkey "$T/vkey"
expect_in "$ERR" "is not the one the log's closing event names"
node -e '
const fs=require("fs");const a=JSON.parse(fs.readFileSync(process.argv[1]));
const ev=Buffer.from(a.event,"base64").toString().replace("Successor Foundation","Someone Else");
a.event=Buffer.from(ev).toString("base64");fs.writeFileSync(process.argv[2],JSON.stringify(a));' "$T/a.json" "$T/bad-event.json"
expect_exit 19 "$REDRESS" --db "$T/successor/none.db" fund verify "$T/bad-event.json" --pubkey "$T/vkey"
expect_in "$ERR" "is not event"
"$REDRESS" --db "$T/other.db" --keys "$T/other.keys" init --origin test.example/closing >/dev/null
"$REDRESS" --db "$T/other.db" --keys "$T/other.keys" audit pubkey >"$T/other.vkey"
expect_exit 19 "$REDRESS" --db "$T/successor/none.db" fund verify "$T/a.json" --pubkey "$T/other.vkey"
expect_exit 12 "$REDRESS" --db "$T/successor/none.db" fund verify "$T/vkey" --pubkey "$T/vkey"

# The successor's own redress takes the archive over.
S="$REDRESS --db $T/successor/fund.db --keys $T/successor/keys"
sas() { REDRESS_PASSWORD_FILE="$T/ada.pw" $S --as ada "$@"; }
expect_exit 0 $S init --origin test.example/successor
expect_exit 0 $S user add ada --role admin --password-file "$T/ada.pw"
size=$($S audit pubkey >/dev/null && sqlite3 "$T/successor/fund.db" 'SELECT count(*) FROM log_events')
expect_exit 2 sas fund import "$T/successor/a.json"
expect_exit 19 sas fund import "$T/successor/a.json" --pubkey "$T/other.vkey"
expect_exit 19 sas fund import "$T/bad-report.json" --pubkey "$T/vkey"
expect_exit 19 sas fund import "$T/bad-body.json" --pubkey "$T/vkey"
expect_eq "$(sqlite3 "$T/successor/fund.db" 'SELECT count(*) FROM log_events')" "$size" "successor's log after refused imports"
expect_exit 0 sas fund import "$T/successor/a.json" --pubkey "$T/successor/vkey"
expect_in "$OUT" "1 open claims, 2 unpaid entitlements and 4 ledger accounts of test.example/closing"
expect_exit 14 sas fund import "$T/successor/a.json" --pubkey "$T/successor/vkey"
expect_in "$ERR" "taken over already"
expect_exit 0 sas fund inherited
expect_in "$OUT" "$OPEN"
expect_in "$OUT" "$V4"
expect_exit 0 sas fund inherited --json
expect_eq "$(printf '%s' "$OUT" | node -e '
let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const l=JSON.parse(s);
console.log(l.filter(o=>o.kind==="entitlement").reduce((a,o)=>a+o.amount,0))})')" 200000000 "the unpaid sum taken over"
expect_exit 0 $S audit verify
expect_in "$OUT" "verified"
# An obligation deleted behind the log: audit names the inheritance that lacks it.
sqlite3 "$T/successor/fund.db" "DELETE FROM fund_obligations WHERE kind = 'entitlement' AND id = (SELECT min(id) FROM fund_obligations WHERE kind = 'entitlement')"
expect_exit 1 $S audit verify
expect_in "$OUT$ERR" "declares 2 unpaid entitlements, but 1 were recorded"
# The closed fund itself cannot take anything over.
expect_exit 14 as ada fund import "$T/a.json" --pubkey "$T/vkey"
expect_in "$ERR" "closed itself"
finish
