# casework_programs.sh -- casework by each program's rules, over one
# registry: the outreach list and the public report's eligible and reached
# counts follow each program's cutoff, benefits and exclusions (the
# flagship's, one that pays no bereaved benefit, a pension whose schedule
# stops at death); a person's programs set when she is asked again and
# when her grievance is overdue (the shortest of theirs, the fund's 30
# when none does), on the command line (api_casework.sh: the API); a program file
# with bad casework days is refused naming the field; the report's counts
# recount from the public feed.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/casework-programs 1000000000
expect_exit 0 as ada program add --file "$SRCDIR/examples/awf-1995.json"
expect_exit 0 as ada program add --file "$SRCDIR/examples/pension.json"
expect_exit 0 as ada program add --file "$SRCDIR/examples/colombia-1448.json"
# A program like awf-1995 that excludes a state pension and sets its casework days.
sed -e 's/awf-1995/awf-days/g' -e 's/"approvals": 2,/"approvals": 2, "exclusions": [{"receives": "state-pension"}], "casework": {"ask_again_days": 7, "grievance_days": 10},/' \
	"$SRCDIR/examples/awf-1995.json" >"$T/awf-days.json"
# Bad casework days: refused, naming the field, nothing recorded.
before=$(log_size)
for bad in '"ask_again_days": 0' '"ask_again_days": "7"' '"ask_again_days": 3651' '"grievance_days": -1' '"asked_again": 7'; do
	sed -e 's/awf-1995/awf-bad/g' -e "s/\"approvals\": 2,/\"approvals\": 2, \"casework\": {$bad},/" \
		"$SRCDIR/examples/awf-1995.json" >"$T/bad.json"
	expect_exit 12 as ada program add --file "$T/bad.json"
	expect_in "$ERR" "casework" "the error for $bad"
done
expect_eq "$(log_size)" "$before" "events after refused program files"
expect_exit 0 as ada program add --file "$T/awf-days.json"
expect_exit 0 as ada program show awf-days --json
expect_in "$OUT" '"ask_again_days": 7'

# V1, V2, V4 living victims (V4 declines); V3 died in 2010 (after awf's 1995 cutoff, before the
# flagship's 2015 one), heirs R1 and R2; V5 died in 1990 (before both), heir R3.
fund_people
V5=$(person --kind victim --name "Synthetic Victim E" --birth-date 1921-02-02)
R3=$(person --kind relative --name "Synthetic Niece E1" --birth-date 1955-05-05)
expect_exit 0 as cid person death "$V5" --date 1990-03-03
expect_exit 0 as cid relation add "$V5" "$R3" --relation niece --share 1/1

listed() { # program: the pseudonyms on its outreach list, sorted, on one line
	expect_exit 0 as cid outreach list --program "$1" || return
	printf '%s\n' "$OUT" | cut -f1 | sort | tr '\n' ' '
}
sorted() { printf '%s\n' "$@" | sort | tr '\n' ' '; }
# The flagship pays survivors and the bereaved: every living victim but the one who declined, every heir.
expect_eq "$(listed flagship-2015)" "$(sorted "$V1" "$V2" "$R1" "$R2" "$R3")" "the flagship's outreach list"
# By harm (an amount for survivors and heirs alike): the same people, none declined.
expect_eq "$(listed colombia-1448)" "$(sorted "$V1" "$V2" "$R1" "$R2" "$R3")" "colombia-1448's outreach list"
# No bereaved benefit: R3's victim died by the 1995 cutoff; V3's own (she died after it) passes to R1, R2.
expect_eq "$(listed awf-1995)" "$(sorted "$V1" "$V2" "$R1" "$R2")" "awf-1995's outreach list"
# No bereaved benefit, a 2026 cutoff, and a schedule that stops at death: living victims only.
expect_eq "$(listed pension-2026)" "$(sorted "$V1" "$V2")" "the pension's outreach list"
# Excluded: V2 receives a state pension.
expect_exit 0 as cid entitlements benefit "$V2" --benefit state-pension --date 2020-01-01
expect_eq "$(listed awf-days)" "$(sorted "$V1" "$R1" "$R2")" "awf-days's outreach list (V2 excluded)"
expect_eq "$(listed awf-1995)" "$(sorted "$V1" "$V2" "$R1" "$R2")" "awf-1995's outreach list (no exclusion)"
expect_exit 0 as cid outreach list --program awf-days --json
expect_in "$OUT" "\"pseudonym\": \"$R1\""
expect_exit 0 as cid outreach list --program awf-days --limit 1
expect_eq "$(printf '%s\n' "$OUT" | grep -c .)" 1 "rows with --limit 1"

# Asked again when her programs say: V1 is eligible for awf-days (7 days); R3 for the flagship only (30).
expect_exit 0 as cid consult add "$V1" --wish undecided
expect_in "$OUT" "to ask her again in 7 days"
expect_exit 0 as cid task list --json
expect_in "$OUT" "\"due\": \"$(date -u -d '7 days' +%Y-%m-%d)\""
expect_exit 0 as cid consult add "$R3" --wish undecided
expect_in "$OUT" "to ask her again in 30 days"
# V2, excluded from awf-days, is not given its days.
expect_exit 0 as cid consult add "$V2" --wish undecided
expect_in "$OUT" "to ask her again in 30 days"

# Grievances: V1's limit is awf-days's 10 days, R3's the fund's 30; both opened 15 days ago.
expect_exit 0 as cid grievance open "$V1" --channel phone --about "late letter"
G1=$OUT
expect_exit 0 as cid grievance open "$R3" --channel letter --about "no answer"
G3=$OUT
expect_exit 0 as ada grievance list --json
expect_in "$OUT" '"limit_days": 10'
expect_in "$OUT" '"limit_days": 30'
# (Behind the log's back, then put back.)
at1=$(db_sql "SELECT at FROM casework_grievances WHERE seq = $G1")
at3=$(db_sql "SELECT at FROM casework_grievances WHERE seq = $G3")
db_sql "UPDATE casework_grievances SET at = '$(date -u -d '15 days ago' +%Y-%m-%dT%H:%M:%SZ)'"
expect_exit 0 as ada grievance list --overdue
expect_in "$OUT" "$G1	$V1	phone" "V1's grievance, overdue by her program's 10 days"
expect_in "$OUT" "limit 10 days"
expect_not_in "$OUT" "$R3" "R3's grievance, within the fund's 30 days"
expect_exit 0 as ada grievance list --overdue --days 30
expect_eq "$OUT" "" "overdue by 30 days for all"
expect_exit 0 as ada grievance list --overdue --days 14
expect_in "$OUT" "$G1	$V1"
expect_in "$OUT" "$G3	$R3"

db_sql "UPDATE casework_grievances SET at = '$at1' WHERE seq = $G1"
db_sql "UPDATE casework_grievances SET at = '$at3' WHERE seq = $G3"

# The public report: eligible by each program's rules, and reached by a contact attempt.
for who in "$V1" "$R1" "$R2"; do
	expect_exit 0 as cid contact add "$who" --channel visit --outcome reached
done
expect_exit 0 as cid contact add "$R3" --channel phone --outcome no-answer
eligible() { # program: the report's casework {eligible, reached}
	expect_exit 0 as mona report public --program "$1" --k 3 --out "$T/report-$1.json" || return
	printf '%s %s\n' "$(json report.casework.eligible <"$T/report-$1.json")" \
		"$(json report.casework.reached <"$T/report-$1.json")"
}
# flagship: V1 V2 V4 R1 R2 R3 (V4 declined, still eligible), reached V1 R1 R2.
expect_eq "$(eligible flagship-2015)" "6 3" "the flagship's eligible and reached"
# awf-1995: V1 V2 V4 R1 R2; reached 3, so 2 unreached: below k, the reached count is withheld.
expect_eq "$(eligible awf-1995)" "5 withheld" "awf-1995's eligible, and reached withheld"
expect_eq "$(eligible pension-2026)" "3 fewer than 3" "the pension's eligible and reached"
expect_exit 0 as mona report public --program flagship-2015 --k 3 --format csv
expect_in "$OUT" "eligible and reached"
# Recounted from the public feed, reached included.
expect_exit 0 as mona audit feed --out "$T/feed.jsonl"
for prog in flagship-2015 awf-1995 pension-2026; do
	expect_exit 0 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report-$prog.json"
done
node -e 'const fs = require("fs"), [a, b] = process.argv.slice(1), r = JSON.parse(fs.readFileSync(a));
r.report.casework.reached = 4; fs.writeFileSync(b, JSON.stringify(r));' "$T/report-flagship-2015.json" "$T/report-bad.json"
expect_exit 19 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report-bad.json"
expect_in "$OUT$ERR" "reached"

expect_exit 0 rd audit verify
finish
