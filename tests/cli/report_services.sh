# report_services.sh -- services in kind in the public report (issue 16):
# the AWF-style program's services counted by code and latest state
# (scheduled, delivered, refused), small counts suppressed like the
# others, in JSON, CSV and HTML; `report recount --feed` recounts them byte
# for byte; a program without services publishes no "services" at all.
. "$SRCDIR/tests/cli/lib.sh"

. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/report-services 400000000
expect_exit 0 as ada program add --file "$SRCDIR/examples/awf-1995.json"
# Seven survivors, each with an approved claim under the AWF-style program.
claims=()
for i in 1 2 3 4 5 6 7; do
	v=$(person --kind victim --name "Synthetic Survivor $i" --birth-date "193$i-02-0$i")
	expect_exit 0 as cid claim open --program awf-1995 --victim "$v"
	c=$OUT
	expect_exit 0 as cid claim submit "$c"
	expect_exit 0 as rita claim approve "$c"
	expect_exit 0 as rob claim approve "$c"
	claims+=("$c")
done
svc() {
	expect_exit 0 as cid entitlements service "$1" --service "$2" --state "$3" --date 2026-01-05 --provider "Synthetic Clinic"
}
# medical: 5 delivered (scheduled first: the latest state counts), 1 refused, 1 still scheduled.
for c in "${claims[@]:0:5}"; do
	svc "$c" medical scheduled
	svc "$c" medical delivered
done
svc "${claims[5]}" medical refused
svc "${claims[6]}" medical scheduled
# welfare: 3 scheduled; letter: none.
for c in "${claims[@]:0:3}"; do svc "$c" welfare scheduled; done

expect_exit 0 as mona report public --program awf-1995 --k 3 --out "$T/report.json"
r=$(cat "$T/report.json")
expect_eq "$(printf '%s' "$r" | json report.benefit.services.length)" 3 "every service the program declares"
expect_eq "$(printf '%s' "$r" | json report.benefit.services.0.service)" letter "services in code order"
expect_eq "$(printf "%s" "$r" | json report.benefit.services.0.delivered)" 0 "a service none received (zero is shown, as the other counts)"
expect_eq "$(printf '%s' "$r" | json report.benefit.services.1.service)" medical "medical support"
expect_eq "$(printf '%s' "$r" | json report.benefit.services.1.delivered)" 5 "delivered (the latest state)"
expect_eq "$(printf '%s' "$r" | json report.benefit.services.1.scheduled)" "fewer than 3" "one still scheduled: suppressed"
expect_eq "$(printf '%s' "$r" | json report.benefit.services.1.refused)" "fewer than 3" "one refused: suppressed"
expect_eq "$(printf '%s' "$r" | json report.benefit.services.2.scheduled)" 3 "welfare scheduled"
expect_exit 0 as mona report public --program awf-1995 --k 3 --format csv
expect_in "$OUT" "services in kind,medical,delivered,5"
expect_exit 0 as mona report public --program awf-1995 --k 3 --format html
expect_in "$OUT" "<caption>Services in kind: claims by the service's state</caption>"
# The recount from the public feed gives the same figures, byte for byte.
expect_exit 0 as mona audit feed --out "$T/feed.jsonl"
expect_exit 0 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report.json"
expect_in "$OUT" "every figure matches"
# A changed service count does not recount.
node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));r.report.benefit.services[1].delivered=6;console.log(JSON.stringify(r))' "$T/report.json" >"$T/report-bad.json"
expect_exit 19 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report-bad.json"
# The flagship program has no services: no "services" key, its report as before.
expect_exit 0 as mona report public --program flagship-2015 --k 3
expect_not_in "$OUT" '"services"' "the flagship report"
expect_exit 0 rd audit verify
finish
