# feed_verify.sh -- a monitor binds every line of the public feed to the
# cosigned tree with nothing but the log's public key (issue 17: "the
# feed's leaves prove inclusion in the same tree").  Each line of an event
# of version 3 rebuilds to its Merkle leaf from the line alone, and the
# leaves give the signed checkpoint's root: one amount, day or region
# changed fails naming the line; a withheld region's commitment opens to
# no guessed region without the fund's salt; a fund made today has no line
# that is not bound.  Receipts, published reports, the recount and audit
# verify still hold for version-3 events.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/feed-verify 1000000000
PEOPLE=()
for i in 01 02 03 04 05 06; do
	P=$(person --kind victim --name "Bound Person $i" --birth-date 1926-02-$i --region KR-11)
	PEOPLE+=("$P")
	expect_exit 0 as cid consent grant "$P" --scope statistics --method "in person"
done
person --kind victim --name "Bound Alone" --birth-date 1941-05-05 --region KR-49 >/dev/null
approve_claims "${PEOPLE[@]:0:3}"
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report.json"
expect_exit 0 as mona audit feed --out "$T/feed.jsonl"
rd audit pubkey >"$T/vkey"
size=$(head -n1 "$T/feed.jsonl" | node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).size)')

# With the public key alone (no database, no key directory): every line bound.
NONE=(env -u REDRESS_DB "$REDRESS" --db "$T/none.db" --keys "$T/none.keys")
expect_exit 0 "${NONE[@]}" audit feed-verify "$T/feed.jsonl" --pubkey "$T/vkey"
expect_in "$OUT" "its $size events give the root of the log signed at size $size; $size lines bound"
expect_not_in "$OUT" "not bound" "a fund made today's feed-verify"
expect_exit 0 "${NONE[@]}" report verify "$T/report.json" --pubkey "$T/vkey"
expect_exit 0 "${NONE[@]}" report recount --feed "$T/feed.jsonl" "$T/report.json"
# Every line is of version 3, and opens or withholds the lone person's region and decade.
feed=$(cat "$T/feed.jsonl")
expect_not_in "$feed" '"v":2' "the feed"
expect_not_in "$feed" 'KR-49' "the feed"
expect_in "$feed" '"withheld":{"birth_year":"f:'
expect_in "$feed" '"opened":{"birth_year":"'

# One value changed in one line: the line is named, exit 19.
alter() { # NAME JS-EDIT-OF-LINE-o-RETURNING-TRUE-WHEN-DONE
	node -e '
const fs=require("fs");const lines=fs.readFileSync(process.argv[1],"utf8").trim().split("\n");
const edit=new Function("o",process.argv[3]);let at=-1;
for(let i=1;i<lines.length&&at<0;i++){const o=JSON.parse(lines[i]);if(edit(o)){lines[i]=JSON.stringify(o);at=i+1}}
fs.writeFileSync(process.argv[2],lines.join("\n")+"\n");console.log(at);' "$T/feed.jsonl" "$T/$1.jsonl" "$2"
}
line=$(alter amount 'if(o.type==="ledger.transfer.created"){o.data.amount+=1;return true}')
expect_exit 19 "${NONE[@]}" audit feed-verify "$T/amount.jsonl" --pubkey "$T/vkey"
expect_in "$ERR" "feed line $line (event $((line - 2)), ledger.transfer.created)"
expect_in "$ERR" "the line was altered"
line=$(alter region 'if(o.opened&&o.data.region==="KR-11"){o.data.region="KR-26";return true}')
expect_exit 19 "${NONE[@]}" audit feed-verify "$T/region.jsonl" --pubkey "$T/vkey"
expect_in "$ERR" "feed line $line (event $((line - 2)), registry.person.registered)"
line=$(alter day 'if(o.type==="claims.claim.approved"){o.day="2015-12-27";return true}')
expect_exit 19 "${NONE[@]}" audit feed-verify "$T/day.jsonl" --pubkey "$T/vkey"
expect_in "$ERR" "feed line $line (event $((line - 2)), claims.claim.approved)"
# A listed leaf changed to match nothing: the root is not the checkpoint's.
line=$(alter leaf 'if(o.v===3&&o.type==="registry.consent.recorded"){o.leaf="00".repeat(32);return true}')
expect_exit 19 "${NONE[@]}" audit feed-verify "$T/leaf.jsonl" --pubkey "$T/vkey"
expect_in "$ERR" "feed line $line"
# A line relabelled as of an older version, to have its leaf listed rather than rebuilt: refused.
line=$(alter relabel 'if(o.type==="ledger.transfer.created"){o.v=2;o.data.amount+=1;return true}')
expect_exit 19 "${NONE[@]}" audit feed-verify "$T/relabel.jsonl" --pubkey "$T/vkey"
expect_in "$ERR" "feed line $line (event $((line - 2))) says version 2 after lines of version 3"
# A line dropped, or one added that the log has not: refused.
sed '5d' "$T/feed.jsonl" >"$T/short.jsonl"
expect_exit 12 "${NONE[@]}" audit feed-verify "$T/short.jsonl" --pubkey "$T/vkey"
expect_in "$ERR" "feed line 5: expected event 3"
# A member the leaf does not cover is refused, not ignored.
line=$(alter extra 'if(o.type==="registry.person.registered"){o.note="added";return true}')
expect_exit 12 "${NONE[@]}" audit feed-verify "$T/extra.jsonl" --pubkey "$T/vkey"
expect_in "$ERR" "member 'note' is no part of a feed line"

# The withheld region: to open its commitment to a guess needs the field's salt, which only the
# fund can derive.  The salt another line opened with, or none of a reader's making, fails.
for salt in '(lines.find((l)=>l.includes("\"opened\":{\"birth_year\""))||"").match(/"region":"([0-9a-f]{64})"/)[1]' '"00".repeat(32)'; do
	node -e '
const fs=require("fs");const lines=fs.readFileSync(process.argv[1],"utf8").trim().split("\n");
const salt=eval(process.argv[3]);
for(let i=1;i<lines.length;i++){const o=JSON.parse(lines[i]);if(o.withheld&&o.withheld.region){
o.data.region="KR-49";delete o.withheld.region;o.opened={region:salt};lines[i]=JSON.stringify(o);break}}
fs.writeFileSync(process.argv[2],lines.join("\n")+"\n");' "$T/feed.jsonl" "$T/guess.jsonl" "$salt"
	expect_exit 19 "${NONE[@]}" audit feed-verify "$T/guess.jsonl" --pubkey "$T/vkey"
	expect_in "$ERR" "registry.person.registered): what it says is not what its leaf commits to"
done

# Another fund's key, or a witness policy the checkpoint does not meet: refused.
KEYS2="$T/other.keys"
"$REDRESS" --db "$T/other.db" --keys "$KEYS2" init --origin test.example/feed-verify >/dev/null 2>&1
"$REDRESS" --db "$T/other.db" --keys "$KEYS2" audit pubkey >"$T/vkey2"
expect_exit 19 "${NONE[@]}" audit feed-verify "$T/feed.jsonl" --pubkey "$T/vkey2"
expect_exit 0 "$REDRESS" witness init --name monitor.example/w1 --keys "$T/w1"
expect_exit 19 "${NONE[@]}" audit feed-verify "$T/feed.jsonl" --pubkey "$T/vkey" --witness "$OUT"
expect_in "$ERR" "cosignatures"
expect_exit 2 "${NONE[@]}" audit feed-verify --pubkey "$T/vkey"

# The receipt of a person (version-3 events, their public part's hash given) verifies offline.
expect_exit 0 as cid receipt "${PEOPLE[0]}" --json --out "$T/r.json"
expect_in "$(cat "$T/r.json")" '"public":"'
expect_exit 0 "${NONE[@]}" receipt verify "$T/r.json" --pubkey "$T/vkey"
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
r.events[0].public=r.events[0].public.replace(/^./,(c)=>c==="0"?"1":"0");fs.writeFileSync(process.argv[2],JSON.stringify(r));' \
	"$T/r.json" "$T/r-bad.json"
expect_exit 19 "${NONE[@]}" receipt verify "$T/r-bad.json" --pubkey "$T/vkey"
# The report's own event: its public part's hash is published, and altered it fails.
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
r.event.public=r.event.public.replace(/^./,(c)=>c==="0"?"1":"0");fs.writeFileSync(process.argv[2],JSON.stringify(r));' \
	"$T/report.json" "$T/report-bad.json"
expect_exit 19 "${NONE[@]}" report verify "$T/report-bad.json" --pubkey "$T/vkey"

# audit verify recomputes every version-3 leaf with the key directory's index key; without it,
# it says how many it took as stored.
expect_exit 0 rd audit verify
expect_not_in "$OUT" "taken as stored" "audit verify with the keys"
expect_exit 0 "$REDRESS" --db "$DB" --keys "$T/none.keys" audit verify --pubkey "$T/vkey"
expect_in "$OUT" "the leaves of $size version-3 events were taken as stored"
# An event relabelled as version 2 behind the log's back: named too.
last=$(($(log_size) - 1))
db_sql "UPDATE log_events SET body = $(db_bytes "REPLACE($(db_text body), ',\"v\":3}', ',\"v\":2}')") WHERE seq = $last"
expect_exit 1 rd audit verify
expect_in "$ERR" "event $last is of version 2 after events of version 3"
db_sql "UPDATE log_events SET body = $(db_bytes "REPLACE($(db_text body), ',\"v\":2}', ',\"v\":3}')") WHERE seq = $last"
expect_exit 0 rd audit verify
# An event's bytes changed behind the log's back: its recomputed leaf is not the stored one.
seq=$(db_events 1 | grep -m1 'registry.person.registered' | cut -d'|' -f1)
db_sql "UPDATE log_events SET body = $(db_bytes "REPLACE($(db_text body), '\"kind\":\"victim\"', '\"kind\":\"relative\"')") WHERE seq = $seq"
expect_exit 1 rd audit verify
expect_in "$ERR" "event $seq does not match its stored leaf hash"
finish
