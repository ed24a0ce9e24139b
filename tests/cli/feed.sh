# feed.sh -- the public feed and the recount: `redress audit feed` writes
# every event with identifying values replaced by keyed commitments;
# `redress report recount` recomputes a published report from it and must
# match it byte for byte, and refuses a report whose figures were changed.
# Small populations: no name, pseudonym, id, bank detail or free text ever
# appears in the feed, commitments differ between funds (keyed), and a
# person alone in her region or decade (a cell smaller than k) has both
# withheld, so the feed does not single her out.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/feed 1000000000
# Twelve survivors in one region and decade (a cell of 12), one alone in KR-49 born in the 1940s.
PEOPLE=()
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	P=$(person --kind victim --name "Canary Person $i Zx" --birth-date 1926-01-$i --region KR-11 \
		--national-id "CANARY-NID-$i" --phone "+82-CANARY-$i")
	PEOPLE+=("$P")
	expect_exit 0 as cid consent grant "$P" --scope statistics --method "Canary method $i"
	expect_exit 0 as cid consult add "$P" --wish accept --summary "Canary summary $i"
done
ALONE=$(person --kind victim --name "Canary Alone Zx" --birth-date 1941-05-05 --region KR-49 --national-id CANARY-NID-ALONE)
expect_exit 0 as cid consult add "$ALONE" --wish decline --summary "Canary alone summary"
approve_claims "${PEOPLE[@]:0:8}"
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_exit 0 as cid person bank "${PEOPLE[0]}" --account CANARYACCT77 --bic SHBKKRSE --holder "Canary Holder Zx"
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report.json"

expect_exit 0 as mona audit feed --out "$T/feed.jsonl"
expect_eq "$(stat -c %a "$T/feed.jsonl")" 600 "the feed's mode"
feed=$(cat "$T/feed.jsonl")
expect_in "$feed" '"type":"registry.person.registered"'
expect_in "$feed" '"type":"entitlements.entitlement.booked"'
expect_in "$feed" '"region":"KR-11"'
expect_in "$feed" '"birth_year":1920'
# Nothing that names or identifies anyone ("Zx", in every name, is not looked
# for: two letters turn up in the base64 of the signed checkpoint by chance).
for canary in Canary CANARY "V-0000" "R-0000" "user:" "os:" '"birth_year":1926' 1926-01 1941-05 \
	"KR-49" '"birth_year":1940'; do
	expect_not_in "$feed" "$canary" "the feed"
done
# The one person alone in her cell is there, but with region and decade withheld.
expect_in "$feed" '"birth_year":null'
expect_in "$feed" '"region":null'

# The recount matches byte for byte.
expect_exit 0 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report.json"
expect_in "$OUT" "every figure matches"
# A report with one figure changed does not.
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
const walk=(o)=>{for(const k of Object.keys(o)){if(typeof o[k]==="number"&&k!=="k"&&k!=="size"&&k!=="v"&&!done){o[k]+=1;done=true}else if(o[k]&&typeof o[k]==="object")walk(o[k])}};
let done=false;walk(r.report.amounts||r.report);fs.writeFileSync(process.argv[2],JSON.stringify(r));' \
	"$T/report.json" "$T/report-bad.json"
expect_exit 19 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report-bad.json"
expect_in "$ERR" "differ at byte"
# A feed cut short does not recount.
head -n 20 "$T/feed.jsonl" >"$T/short.jsonl"
expect_exit 12 "$REDRESS" report recount --feed "$T/short.jsonl" "$T/report.json"
expect_exit 12 "$REDRESS" report recount --feed "$T/report.json" "$T/report.json"
expect_exit 2 "$REDRESS" report recount "$T/report.json"

# Commitments are keyed: another fund with the same people gives other commitments.
c1=$(grep -o '"pseudonym":"c:[0-9a-f]*"' "$T/feed.jsonl" | head -n1)
expect_in "$c1" '"pseudonym":"c:'
KEYS2="$T/other.keys"
DB2="$T/other.db"
"$REDRESS" --db "$DB2" --keys "$KEYS2" init --origin test.example/feed >/dev/null 2>&1
"$REDRESS" --db "$DB2" --keys "$KEYS2" user add ada --role admin --password-file "$T/ada.pw" >/dev/null 2>&1
REDRESS_PASSWORD_FILE="$T/ada.pw" "$REDRESS" --db "$DB2" --keys "$KEYS2" --as ada person add --kind victim \
	--name "Canary Person 01 Zx" --birth-date 1926-01-01 >/dev/null 2>&1
REDRESS_PASSWORD_FILE="$T/ada.pw" "$REDRESS" --db "$DB2" --keys "$KEYS2" --as ada audit feed --out "$T/feed2.jsonl"
expect_not_in "$(cat "$T/feed2.jsonl")" "${c1#*:}" "another fund's feed"
# Who may.
expect_exit 15 as cid audit feed

# The same feed at a public URL, for anyone, and it recounts too.
"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/port" 2>"$T/server.log" &
SERVER=$!
for _ in $(seq 100); do
	[ -s "$T/port" ] && break
	sleep 0.1
done
PORT=$(head -n1 "$T/port")
status=$(curl -s -o "$T/served.jsonl" -w '%{http_code}' "http://127.0.0.1:$PORT/api/v1/audit/feed")
kill "$SERVER"
wait "$SERVER" 2>/dev/null
expect_eq "$status" 200 "GET /api/v1/audit/feed"
expect_eq "$(cat "$T/served.jsonl")" "$(cat "$T/feed.jsonl")" "the served feed"
expect_exit 0 "$REDRESS" report recount --feed "$T/served.jsonl" "$T/report.json"
finish
