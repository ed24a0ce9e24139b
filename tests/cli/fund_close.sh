# fund_close.sh -- `redress fund close` and `redress fund verify`: an admin
# closes the fund, handing its open claims, unpaid entitlements and money
# to a named successor.  Refused for a non-admin and without its fields
# (nothing changes); a second close is refused.  After it new claims are
# refused with the successor's name and contact.  The archive (mode 0600)
# lists what is left with its totals, and verifies offline with only the
# fund's public key; an altered body, or another fund's key, is refused.
# audit verify replays the closure.
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
finish
