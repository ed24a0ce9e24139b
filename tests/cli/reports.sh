# reports.sh -- `redress report public` and `redress report verify`, end to
# end: a small fund whose counts must be suppressed; no name or pseudonym
# (canary values) in any format; the same bytes when nothing changed;
# verify accepting a real report and refusing altered figures, an altered
# checkpoint and the wrong key, offline; bad input with its exit status.
. "$SRCDIR/tests/cli/lib.sh"

unset REDRESS_PASSWORD_FILE
for who in ada cid rita rob fin mona; do
	printf 'pw-%s-1f2e3d4c5b\n' "$who" >"$T/$who.pw"
done
as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

expect_exit 0 rd init --origin test.example/reports
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
for spec in cid:caseworker rita:reviewer rob:reviewer fin:finance mona:monitor; do
	expect_exit 0 as ada user add "${spec%%:*}" --role "${spec#*:}" --password-file "$T/${spec%%:*}.pw"
done
expect_exit 0 as ada program add --file "$SRCDIR/examples/flagship-2015.json"
expect_exit 0 as fin pledge add --program flagship-2015 --donor "Government of Japan" --amount 1000000000 --currency JPY
expect_exit 0 as fin pledge receive P-000001 --amount 1000000000 --to-amount 10800000000

# Seven people with canary names; six consent to statistics; one declines.
PSEUDONYMS=()
for i in 1 2 3 4 5 6 7; do
	expect_exit 0 as cid person add --kind victim --name "Canary Name $i Qx" --birth-date 192$i-01-0$i \
		--region KR-1$((i % 2)) --national-id "CANARY-ID-$i" --phone "+82-CANARY-$i"
	P=$OUT
	PSEUDONYMS+=("$P")
	[ "$i" -le 6 ] && expect_exit 0 as cid consent grant "$P" --scope statistics --method "Canary method $i"
	expect_exit 0 as cid consult add "$P" --wish "$([ "$i" = 4 ] && echo decline || echo accept)" \
		--summary "Canary summary $i"
	expect_exit 0 as cid claim open --program flagship-2015 --victim "$P"
	c=$OUT
	expect_exit 0 as cid claim submit "$c"
	expect_exit 0 as rita claim approve "$c"
	expect_exit 0 as rob claim approve "$c"
done
expect_exit 0 as fin entitlements compute --program flagship-2015

# The report, in each format.
for fmt in json csv html; do
	expect_exit 0 as mona report public --program flagship-2015 --format "$fmt" --out "$T/r.$fmt"
done
expect_exit 0 as mona report public --program flagship-2015 --k 3
printf '%s\n' "$OUT" >"$T/r3.json"
R=$(cat "$T/r.json")
expect_eq "$(printf '%s' "$R" | json report.counts.declined)" "fewer than 5" "declined"
expect_eq "$(printf '%s' "$R" | json report.counts.approved)" "7" "claims approved"
expect_eq "$(printf '%s' "$R" | json report.amounts.owed)" "600000000" "amount owed"
expect_eq "$(printf '%s' "$R" | json report.fund.balance)" "10800000000" "the fund"
expect_eq "$(printf '%s' "$R" | json report.pledges.0.received)" "1000000000" "pledge received"
expect_eq "$(printf '%s' "$R" | json report.k)" "5" "k"
expect_eq "$(json report.k <"$T/r3.json")" "3" "k from --k"
# One person without consent: registered - consented would give a count of 1, so one of
# them is withheld (complementary suppression), and the breakdowns cannot give it back.
expect_eq "$(printf '%s' "$R" | json report.counts.registered)/$(printf '%s' "$R" | json report.counts.consented)" \
	"withheld/6" "registered and consented, one withheld"
expect_in "$(cat "$T/r.csv")" "people,,declined payment,fewer than 5,people"
expect_in "$(cat "$T/r.html")" "<svg"
expect_in "$(cat "$T/r.html")" "fewer than 5"
checks=$((checks + 1))
grep -qi '<script' "$T/r.html" && fail "the HTML report has a script"

# No name, no pseudonym, no canary value in any output.
for f in "$T/r.json" "$T/r.csv" "$T/r.html" "$T/r3.json"; do
	checks=$((checks + 1))
	if grep -Eq 'Canary|CANARY|[VRC]-[0-9]{6}|E-C-' "$f"; then
		fail "$f holds a name, pseudonym or canary value: $(grep -Eo 'Canary[^"]*|CANARY[^"]*|[VRC]-[0-9]{6}' "$f" | head -3)"
	fi
done
for p in "${PSEUDONYMS[@]}"; do
	checks=$((checks + 1))
	grep -q "$p" "$T/r.json" "$T/r.csv" "$T/r.html" && fail "a report names $p"
done

# Nothing changed since: publishing again appends nothing and gives the same bytes.
expect_exit 0 as mona report public --program flagship-2015 --format json --out "$T/again.json"
checks=$((checks + 1))
cmp -s "$T/r3.json" "$T/again.json" && fail "a report with another k is the same bytes"
size=$(log_size)
expect_exit 0 as mona report public --program flagship-2015 --format json --out "$T/again2.json"
expect_in "$ERR" "already published"
expect_eq "$(log_size)" "$size" "log size after publishing again"
checks=$((checks + 1))
cmp -s "$T/again.json" "$T/again2.json" || fail "the same report twice is not the same bytes"
expect_exit 0 as mona report public --program flagship-2015 --format html --out "$T/again.html"
checks=$((checks + 1))
cmp -s "$T/r.html" "$T/again.html" && fail "the HTML of the first report equals the later one's, though k=3 came between"
expect_exit 0 as mona report public --program flagship-2015 --format html --out "$T/again2.html"
checks=$((checks + 1))
cmp -s "$T/again.html" "$T/again2.html" || fail "the same HTML report twice is not the same bytes"

# Verify, offline: a copy of the report and the public key, no database.
rd audit pubkey >"$T/fund.vkey"
mkdir "$T/outside"
cp "$T/again.json" "$T/fund.vkey" "$T/outside/"
expect_exit 0 env -u REDRESS_DB "$REDRESS" --db "$T/outside/none.db" report verify "$T/outside/again.json" \
	--pubkey "$T/outside/fund.vkey"
expect_in "$OUT" "verified: the report of program flagship-2015"
expect_exit 0 rd report verify "$T/r.json"
# Altered figures, an altered checkpoint, the wrong key.
sed 's/"approved": 7/"approved": 8/' "$T/again.json" >"$T/bad1.json"
expect_exit 19 rd report verify "$T/bad1.json" --pubkey "$T/fund.vkey"
expect_one_line_error "does not verify"
sed 's/"owed": 600000000/"owed": 500000000/' "$T/again.json" >"$T/bad2.json"
expect_exit 19 rd report verify "$T/bad2.json" --pubkey "$T/fund.vkey"
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
r.proof.checkpoint=r.proof.checkpoint.replace(/\n(\d+)\n/,(m,n)=>"\n"+(Number(n)+1)+"\n");
fs.writeFileSync(process.argv[2],JSON.stringify(r,null,2));' "$T/again.json" "$T/bad3.json"
expect_exit 19 rd report verify "$T/bad3.json" --pubkey "$T/fund.vkey"
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
r.report.checkpoint.size-=1;
fs.writeFileSync(process.argv[2],JSON.stringify(r));' "$T/again.json" "$T/bad4.json"
checks=$((checks + 1))
rd report verify "$T/bad4.json" --pubkey "$T/fund.vkey" >/dev/null 2>&1 && fail "a report with an altered checkpoint size verifies"
"$REDRESS" --db "$T/other.db" --keys "$T/other.keys" init >/dev/null 2>&1
"$REDRESS" --db "$T/other.db" --keys "$T/other.keys" audit pubkey >"$T/other.vkey"
expect_exit 19 rd report verify "$T/again.json" --pubkey "$T/other.vkey"
# Malformed: not JSON, not a report, no file.
printf '{"report": ' >"$T/bad5.json"
expect_exit 12 rd report verify "$T/bad5.json" --pubkey "$T/fund.vkey"
expect_one_line_error "not JSON: line"
printf '{}' >"$T/bad6.json"
expect_exit 12 rd report verify "$T/bad6.json" --pubkey "$T/fund.vkey"
expect_exit 22 rd report verify "$T/no-such.json" --pubkey "$T/fund.vkey"

# Bad input to public: exit status, one line, nothing changed.
size=$(log_size)
expect_exit 2 as mona report public --program flagship-2015 --format pdf
expect_one_line_error "--format 'pdf'"
expect_exit 2 as mona report public --program flagship-2015 --k 2
expect_one_line_error "--k must be"
expect_exit 2 as mona report public
expect_exit 13 as mona report public --program no-such
expect_exit 15 as fin report public --program flagship-2015
expect_exit 22 as mona report public --program flagship-2015 --out "$T/no/such/dir/r.json"
expect_eq "$(log_size)" "$size" "log size after bad input (the last one was already published)"
expect_exit 0 rd audit verify
finish
