# programs.sh -- programs as reparations programs write them: the second
# file format (localized names, units with dated values, harms, caps,
# combination, priority, exclusions, instalments, services), its errors
# naming the field, claims that name harms with evidence and reviewers who
# approve harm by harm, entitlements computed from the approved harms
# (units, combination, caps per family and per person, exclusion by
# another program), the queue in the program's priority order, the three
# examples, and a clean audit.
. "$SRCDIR/tests/cli/lib.sh"

. "$SRCDIR/tests/cli/fund_lib.sh"

# A program paying by harm, in KRW so the fund's bank:krw serves it.  A
# wage is 1,000,000 until 2099 (the later value is not in force yet).
cat >"$T/harms.json" <<'JSON'
{
  "code": "harms-test",
  "name": "A program that pays by harm",
  "names": {"ko": "피해별 배상", "ja": "被害別の補償", "en": "Compensation by harm"},
  "currency": "KRW",
  "cutoff": "2015-12-28",
  "accounts": {"fund": "bank:krw", "payable": "payable:harms-test", "expense": "benefits:harms-test"},
  "approvals": 2,
  "units": [{"code": "wage", "names": {"en": "monthly minimum wage"},
             "values": [{"from": "2000-01-01", "amount": "1000000"},
                        {"from": "2099-01-01", "amount": "9999999"}]}],
  "harms": [
    {"code": "homicide", "names": {"ko": "살해", "ja": "殺害", "en": "homicide"},
     "amount": {"unit": "wage", "quantity": "40"}},
    {"code": "sexual-violence", "names": {"ko": "성폭력", "en": "sexual violence"},
     "amount": {"unit": "wage", "quantity": "30"}},
    {"code": "displacement", "names": {"en": "forced displacement"},
     "amount": {"unit": "wage", "quantity": "17.5"}},
    {"code": "injury", "names": {"en": "injury"}, "amount": "5000000"}
  ],
  "combine": "sum",
  "caps": {"person": {"unit": "wage", "quantity": "40"}, "family": {"unit": "wage", "quantity": "45"}},
  "priority": ["age", "frailty"],
  "exclusions": [{"paid_by": "flagship-2015"}]
}
JSON

fund_setup test.example/programs 300000000
fund_people

# Bad files: each error names the file and the field, and nothing is added.
bad() {
	node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1]));Object.assign(b,JSON.parse(process.argv[2]));for(const k of process.argv.slice(3))delete b[k];console.log(JSON.stringify(b))' "$T/harms.json" "$@" >"$T/bad.json"
}
size=$(log_size)
bad '{"harms":[{"code":"x","names":{"en":"X"},"amount":{"unit":"salary","quantity":"1"}}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "bad.json: field 'harms[0].amount.unit' is 'salary', which is not in 'units'"
bad '{"units":[{"code":"wage","values":[{"from":"2020-01-01","amount":"1"},{"from":"2019-01-01","amount":"2"}]}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "field 'units[0].values[1].from' is 2019-01-01, not after the entry before it"
bad '{"harms":[{"code":"x","names":{"fr":"X"},"amount":"1"}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "unknown field 'harms[0].names.fr'"
bad '{"harms":[{"code":"x","names":{"en":"X"},"amount":{"unit":"wage","quantity":"1.23456"}}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "field 'harms[0].amount.quantity' is '1.23456': at most 4 digits after the point"
bad '{"payment":{"form":"instalments","count":12,"every_months":1}}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "field 'payment.at_death' is missing"
bad '{"priority":["wealth"]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "field 'priority[0]' must be \"frailty\", \"age\" or \"vulnerability:CODE\""
bad '{"benefits":{"survivor":"1","bereaved":"0"}}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "a program with 'harms' pays by harm; leave 'benefits' out"
bad '{}' harms caps combine units
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "field 'benefits' is missing"
bad '{"exclusions":[{"paid_by":"harms-test"}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "field 'exclusions[0].paid_by' names the program itself"
# Several errors at once: every one, one a line, each naming its field (issue 14).
bad '{"cutoff":"2015-02-30","approvals":1,"harms":[{"code":"a b","names":{"en":"A"},"amount":"1"},{"code":"x","names":{"en":"X"},"amount":"1"},{"code":"y","names":{"fr":"Y"},"amount":"1.5"}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
for e in "bad.json: field 'cutoff' has day 30" "bad.json: field 'harms[0].code'" \
	"bad.json: unknown field 'harms[2].names.fr'" "bad.json: field 'harms[2].amount'" "bad.json: field 'approvals' is 1"; do
	expect_in "$ERR" "$e" "every error of the file"
done
expect_eq "$(printf '%s\n' "$ERR" | grep -c '^redress: ')" 5 "one line an error"
cp "$T/bad.json" "$T/bad-diff.json"
expect_exit 12 as ada program diff --file "$T/bad-diff.json"
expect_eq "$(printf '%s\n' "$ERR" | grep -c "^redress: .*bad-diff.json: ")" 5 "program diff names every error too"
expect_eq "$(log_size)" "$size" "log size after refused program files"

# The program and the three examples; the flagship stays as it was.
expect_exit 0 as ada program add --file "$T/harms.json"
expect_exit 0 as ada program show harms-test --json
expect_eq "$(printf '%s' "$OUT" | json names.ko)" "피해별 배상" "the Korean name"
expect_eq "$(printf '%s' "$OUT" | json harms.2.amount.quantity)" "17.5" "a quantity of a unit"
expect_eq "$(printf '%s' "$OUT" | json caps.family.quantity)" "45" "the family cap"
expect_eq "$(printf '%s' "$OUT" | json priority.0)" "age" "the priority"
for f in colombia-1448 pension awf-1995; do
	expect_exit 0 as ada program add --file "$SRCDIR/examples/$f.json"
done
expect_exit 0 as ada program show pension-2026 --json
expect_eq "$(printf '%s' "$OUT" | json payment.form)" "instalments" "the pension's form"
expect_eq "$(printf '%s' "$OUT" | json payment.proof_of_life.every_months)" "12" "its proof of life"
expect_eq "$(printf '%s' "$OUT" | json exclusions.0.paid_by)" "other-pension" "its exclusion"
expect_exit 0 as ada program show awf-1995 --json
expect_eq "$(printf '%s' "$OUT" | json services.0.code)" "medical" "services in kind"
expect_exit 0 as ada program show flagship-2015 --json
expect_not_in "$OUT" '"harms"' "the flagship program"

# V2 is paid by the flagship program, which harms-test excludes.
expect_exit 0 as cid claim open --program flagship-2015 --victim "$V2"
expect_exit 0 as cid claim submit "$OUT"
expect_exit 0 as cid claim list --program flagship-2015 --json
c=$(printf '%s' "$OUT" | json 0.id)
expect_exit 0 as rita claim approve "$c"
expect_exit 0 as rob claim approve "$c"
expect_exit 0 as fin entitlements compute --program flagship-2015

# Claims naming harms, each with its evidence.
printf 'testimony of V1\n' >"$T/ev1.txt"
harm_claim() {
	v=$1
	shift
	expect_exit 0 as cid claim open --program harms-test --victim "$v" || return
	c=$OUT
	expect_exit 0 as cid claim evidence add "$c" "$T/ev1.txt"
	for h in "$@"; do
		expect_exit 0 as cid claim harm add "$c" --harm "$h" --evidence 1
	done
	printf '%s' "$c"
}
C1=$(harm_claim "$V1" sexual-violence displacement)
C2=$(harm_claim "$V2" sexual-violence)
C3=$(harm_claim "$V3" homicide)

# Errors on harms: unknown harm, missing evidence, twice, no harm, wrong role, wrong state.
expect_exit 12 as cid claim harm add "$C1" --harm torture --evidence 1
expect_one_line_error "program 'harms-test' has no harm 'torture'"
expect_exit 12 as cid claim harm add "$C1" --harm injury --evidence 2
expect_one_line_error "there is no file 2 to support harm 'injury'"
expect_exit 14 as cid claim harm add "$C1" --harm displacement --evidence 1
expect_one_line_error "already names harm 'displacement'"
expect_exit 2 as cid claim harm add "$C1" --harm injury
expect_exit 0 as cid claim open --program harms-test --victim "$V4"
C4=$OUT
expect_exit 15 as cid claim submit "$C4"
expect_one_line_error "names no harm, and program 'harms-test' pays by harm"
expect_exit 14 as rita claim harm approve "$C1" --harm displacement
expect_one_line_error "its harms are reviewed only while it is submitted or appealed"

for c in "$C1" "$C2" "$C3"; do expect_exit 0 as cid claim submit "$c"; done
expect_exit 15 as cid claim harm approve "$C1" --harm displacement
expect_exit 13 as rita claim harm approve "$C1" --harm injury
expect_one_line_error "names no harm 'injury' to review"
for h in sexual-violence displacement; do
	expect_exit 0 as rita claim harm approve "$C1" --harm "$h"
	expect_exit 0 as rob claim harm approve "$C1" --harm "$h"
done
expect_exit 15 as rob claim harm approve "$C1" --harm displacement
expect_one_line_error "rob has already reviewed harm 'displacement'"
expect_exit 0 as rita claim harm approve "$C2" --harm sexual-violence
expect_exit 0 as rob claim harm approve "$C2" --harm sexual-violence
expect_exit 0 as rita claim harm approve "$C3" --harm homicide
expect_exit 0 as rob claim harm deny "$C3" --harm homicide
expect_exit 0 as cid claim show "$C3" --json
expect_eq "$(printf '%s' "$OUT" | json harms.0.state)" "denied" "a harm one reviewer denied"
expect_eq "$(printf '%s' "$OUT" | json harms.0.evidence)" "1" "the harm's evidence"
for c in "$C1" "$C2" "$C3"; do
	expect_exit 0 as rita claim approve "$c"
	expect_exit 0 as rob claim approve "$c"
done
expect_exit 0 as cid claim show "$C1"
expect_in "$OUT" "harm sexual-violence      approved"

# The run: C1 is 30 + 17.5 = 47.5 wages, 45 by the family cap, 40 by the
# person cap; C2's victim is paid by the flagship program (excluded); C3
# has no approved harm.
expect_exit 0 as fin entitlements compute --program harms-test --json
expect_eq "$(printf '%s' "$OUT" | json booked)" 1 "entitlements booked"
expect_eq "$(printf '%s' "$OUT" | json total_minor)" 40000000 "the run's total"
expect_eq "$(printf '%s' "$OUT" | json capped_minor)" 7500000 "what the caps held back"
expect_eq "$(printf '%s' "$OUT" | json excluded)" 1 "beneficiaries excluded"
expect_eq "$(printf '%s' "$OUT" | json unresolved)" 1 "claims with no approved harm"
expect_in "$(printf '%s' "$OUT" | json first_unresolved)" "no harm is approved"
expect_exit 0 as fin queue --program harms-test --json
expect_eq "$(printf '%s' "$OUT" | json 0.beneficiary)" "$V1" "the queue"
expect_eq "$(printf '%s' "$OUT" | json 0.amount)" "40000000" "V1's entitlement"
# The public report by harm: approved harms of approved claims, small counts suppressed, no amount for them.
expect_exit 0 as mona report public --program harms-test --format json --k 3
expect_eq "$(printf '%s' "$OUT" | json report.by_harm.length)" 2 "harms approved on approved claims (homicide was denied)"
expect_eq "$(printf '%s' "$OUT" | json report.by_harm.0.harm)" displacement "harms in code order"
expect_eq "$(printf '%s' "$OUT" | json report.by_harm.1.claims)" "fewer than 3" "a harm on two claims, suppressed"
expect_eq "$(printf '%s' "$OUT" | json report.by_harm.1.paid)" null "no amount for a suppressed harm"
expect_eq "$(printf '%s' "$OUT" | json report.benefit.form)" lump_sum "the form of benefit"
expect_exit 0 as mona report public --program harms-test --format csv --k 3
expect_in "$OUT" "by harm,sexual-violence,claims approved with this harm,fewer than 3,claims"

# A rule change shown before it is made: displacement worth 20 wages, caps of 50.
node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1]));b.harms[2].amount.quantity="20";b.caps.person.quantity="50";b.caps.family.quantity="50";console.log(JSON.stringify(b))' "$T/harms.json" >"$T/harms-v2.json"
size=$(log_size)
expect_exit 15 as fin program diff --file "$T/harms-v2.json"
expect_exit 0 as ada program diff --file "$T/harms-v2.json" --json
d=$OUT
expect_eq "$(printf '%s' "$d" | json claims)" 3 "approved claims previewed"
expect_eq "$(printf '%s' "$d" | json beneficiaries.gain)" 1 "beneficiaries who gain"
expect_eq "$(printf '%s' "$d" | json beneficiaries.lose)" 0 "beneficiaries who lose"
expect_eq "$(printf '%s' "$d" | json gained_minor)" 10000000 "what they gain"
expect_eq "$(printf '%s' "$d" | json old_total_minor)" 40000000 "owed under the rules in force"
expect_eq "$(printf '%s' "$d" | json new_total_minor)" 50000000 "owed under the new rules"
expect_eq "$(printf '%s' "$d" | json changes.0.beneficiary)" "$V1" "the list for staff"
expect_eq "$(printf '%s' "$d" | json changes.0.new_minor)" 50000000 "her new amount"
expect_eq "$(printf '%s' "$d" | json by_harm.1.harm)" "displacement" "by harm"
expect_eq "$(printf '%s' "$d" | json by_harm.1.new_minor)" 20000000 "displacement under the new rules"
expect_eq "$(printf '%s' "$d" | json by_harm.0.claims)" 2 "claims with sexual violence approved"
expect_eq "$(printf '%s' "$d" | json fund.holds_minor)" 300000000 "what the fund holds"
expect_eq "$(printf '%s' "$d" | json fund.would_owe_minor)" 50000000 "what it would owe"
expect_eq "$(printf '%s' "$d" | json fund.short_minor)" 0 "shortfall"
expect_exit 0 as ada program diff --file "$T/harms-v2.json"
expect_in "$OUT" "gain        1 beneficiaries, 10000000 KRW in all"
node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1]));b.code="nowhere";console.log(JSON.stringify(b))' "$T/harms.json" >"$T/nowhere.json"
expect_exit 13 as ada program diff --file "$T/nowhere.json"
expect_one_line_error "no program 'nowhere' to compare with"
node -e 'const b=JSON.parse(require("fs").readFileSync(process.argv[1]));b.currency="JPY";console.log(JSON.stringify(b))' "$T/harms.json" >"$T/jpy.json"
expect_exit 12 as ada program diff --file "$T/jpy.json"
expect_one_line_error "a new version keeps its currency (KRW)"
expect_eq "$(log_size)" "$size" "log size after previews"

# Instalments: a KRW pension of 3 monthly payments of 500,000, a proof of
# life at least yearly (30 days' grace), stopped at death.
cat >"$T/pension.json" <<'JSON'
{"code": "pension-test", "name": "Pension", "currency": "KRW", "cutoff": "2015-12-28",
 "accounts": {"fund": "bank:krw", "payable": "payable:pension-test", "expense": "benefits:pension-test"},
 "benefits": {"survivor": "500000", "bereaved": "0"}, "approvals": 2,
 "payment": {"form": "instalments", "count": 3, "every_months": 1,
             "proof_of_life": {"every_months": 12, "window_days": 30}, "at_death": "stop"}}
JSON
expect_exit 0 as ada program add --file "$T/pension.json"
V5=$(person --kind victim --name "Synthetic Pensioner E" --birth-date 1931-02-02)
expect_exit 0 as cid claim open --program pension-test --victim "$V5"
P1=$OUT
expect_exit 0 as cid claim submit "$P1"
expect_exit 0 as rita claim approve "$P1"
expect_exit 0 as rob claim approve "$P1"
expect_exit 0 as fin entitlements compute --program pension-test --json
expect_eq "$(printf '%s' "$OUT" | json booked)" 3 "instalments booked"
expect_eq "$(printf '%s' "$OUT" | json total_minor)" 1500000 "the schedule's total"
expect_eq "$(printf '%s' "$OUT" | json held)" 1 "the first instalment, due, held without a proof of life"
expect_eq "$(printf '%s' "$OUT" | json released)" 0 "released without a proof"
expect_exit 0 as fin queue --program pension-test --json
expect_eq "$OUT" "[]" "the queue without a proof of life"
expect_exit 0 as cid person show "$V5" --json
# The caseworker's list of held instalments: hers, due today, no proof yet.
expect_exit 0 as cid entitlements held --program pension-test --json
expect_eq "$(printf '%s' "$OUT" | json 0.entitlement)" "E-$P1-$V5-001" "the held instalment listed"
expect_eq "$(printf '%s' "$OUT" | json 0.due_on)" "$(date -u +%F)" "its due date"
expect_eq "$(printf '%s' "$OUT" | json 0.last_proof)" "null" "no proof of life yet"
expect_eq "$(printf '%s' "$OUT" | json length)" "1" "one instalment held (the others not due)"
# ... and in the caseworker's open tasks, as a task of no one's with no number.
expect_exit 0 as cid task list
expect_in "$OUT" "held	$V5	due $(date -u +%F)	-	open	a proof of life needed: instalment E-$P1-$V5-001 of pension-test"
expect_exit 0 as cid task list --json
expect_in "$OUT" "\"held\": \"E-$P1-$V5-001\""
expect_exit 0 as cid task list --overdue
expect_not_in "$OUT" "E-$P1-$V5-001"
expect_exit 0 as cid task list --mine
expect_not_in "$OUT" "E-$P1-$V5-001"
expect_exit 15 as fin entitlements held --program pension-test
expect_exit 13 as cid entitlements held --program nowhere
expect_exit 2 as cid entitlements held --program pension-test --dry-run
# Neither batched nor counted as paid while held.
expect_exit 0 as fin pay batch --program pension-test
expect_exit 0 as mona report public --program pension-test --format json --k 3
expect_eq "$(printf '%s' "$OUT" | json report.amounts.paid)" "0" "a held instalment is not paid"
expect_eq "$(printf '%s' "$OUT" | json report.amounts.owed)" "0" "nor owed in the report until released"
expect_eq "$(printf '%s' "$OUT" | json report.benefit.form)" instalments "a pension's form"
expect_eq "$(printf '%s' "$OUT" | json report.benefit.instalments.held)" "fewer than 3" "a held instalment, counted and suppressed"
# A proof of life: wrong date, future date, then today's.
expect_exit 12 as cid entitlements proof "$V5" --date 2026-02-30
expect_exit 12 as cid entitlements proof "$V5" --date 2199-01-01
expect_one_line_error "is in the future"
expect_exit 15 as fin entitlements proof "$V5" --date "$(date -u +%F)"
expect_exit 0 as cid entitlements proof "$V5" --date "$(date -u +%F)"
expect_exit 0 as fin entitlements compute --program pension-test --json
expect_eq "$(printf '%s' "$OUT" | json released)" 1 "released after a proof of life"
expect_eq "$(printf '%s' "$OUT" | json booked)" 0 "nothing booked twice"
expect_exit 0 as cid entitlements held --program pension-test
expect_eq "$OUT" "no instalment of pension-test is held" "no instalment held after the proof"
expect_exit 0 as cid task list
expect_not_in "$OUT" "E-$P1-$V5-001"
expect_exit 0 as fin queue --program pension-test --json
expect_eq "$(printf '%s' "$OUT" | json 0.entitlement)" "E-$P1-$V5-001" "the first instalment in the queue"
expect_eq "$(printf '%s' "$OUT" | json 0.amount)" "500000" "an instalment's amount"
expect_exit 0 as fin ledger balance payable:pension-test --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 1500000 "the schedule owed"
# Her death stops the schedule: the unpaid instalments, the payable with them.
expect_exit 0 as cid person death "$V5" --date "$(date -u +%F)"
expect_exit 0 as fin queue --program pension-test --json
expect_eq "$OUT" "[]" "the queue after her death"
expect_exit 0 as fin ledger balance payable:pension-test --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 0 "the payable after the schedule stopped"
expect_exit 12 as cid entitlements proof "$V5" --date 2199-01-01
expect_exit 14 as cid entitlements proof "$V5" --date "$(date -u +%F)"
expect_one_line_error "is not alive in the registry"
# A victim who died after the cutoff, her claim approved since: her schedule
# would have stopped at her death, so nothing passes to her niece.
V6=$(person --kind victim --name "Synthetic Pensioner F" --birth-date 1932-03-03)
R6=$(person --kind relative --name "Synthetic Niece F1" --birth-date 1960-06-06)
expect_exit 0 as cid person death "$V6" --date 2020-04-04
expect_exit 0 as cid relation add "$V6" "$R6" --relation niece --share 1/1
expect_exit 0 as cid claim open --program pension-test --victim "$V6"
P6=$OUT
expect_exit 0 as cid claim submit "$P6"
expect_exit 0 as rita claim approve "$P6"
expect_exit 0 as rob claim approve "$P6"
expect_exit 0 as fin entitlements compute --program pension-test --json
expect_eq "$(printf '%s' "$OUT" | json booked)" 0 "nothing booked for the heir of a schedule stopped at death"
expect_eq "$(printf '%s' "$OUT" | json ended_at_death)" 1 "the claim counted as ended at death"
expect_eq "$(printf '%s' "$OUT" | json unresolved)" 0 "and not as unresolved"
expect_exit 0 as fin entitlements compute --program pension-test
expect_in "$OUT" "1 approved claims owe nothing: the victim died after the cutoff and pension-test's payments stop at death"
expect_exit 0 as fin ledger balance payable:pension-test --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 0 "the payable after a claim that owes nothing"

# Services in kind: the AWF-style program's medical support, recorded by a caseworker.
expect_exit 0 as cid claim open --program awf-1995 --victim "$V1"
A1=$OUT
size=$(log_size)
expect_exit 14 as cid entitlements service "$A1" --service medical --state delivered --date 2026-01-05 --provider "Synthetic Clinic"
expect_one_line_error "services in kind follow an approved claim"
expect_exit 0 as cid claim submit "$A1"
expect_exit 0 as rita claim approve "$A1"
expect_exit 0 as rob claim approve "$A1"
expect_exit 12 as cid entitlements service "$A1" --service dental --state delivered --date 2026-01-05 --provider "Synthetic Clinic"
expect_one_line_error "program 'awf-1995' gives no service 'dental' in kind"
expect_exit 12 as cid entitlements service "$A1" --service medical --state delivered --date 2199-01-05 --provider "Synthetic Clinic"
expect_one_line_error "in the future"
expect_exit 2 as cid entitlements service "$A1" --service medical --state lost --date 2026-01-05 --provider "Synthetic Clinic"
expect_exit 15 as fin entitlements service "$A1" --service medical --state scheduled --date 2026-01-05 --provider "Synthetic Clinic"
expect_eq "$(log_size)" "$((size + 3))" "log size after refused services (the claim's three events only)"
expect_exit 0 as cid entitlements service "$A1" --service medical --state scheduled --date 2026-01-05 --provider "Synthetic Clinic"
expect_exit 0 as cid entitlements service "$A1" --service medical --state delivered --date 2026-01-05 --provider "Synthetic Clinic"
expect_exit 14 as cid entitlements service "$A1" --service medical --state refused --date 2026-01-06 --provider "Synthetic Clinic"
expect_one_line_error "is delivered already"
expect_exit 0 as cid entitlements service "$A1" --service welfare --state refused --date 2026-01-06 --provider "Synthetic Welfare Office"
expect_exit 0 as rita entitlements services "$A1" --json
expect_eq "$(printf '%s' "$OUT" | json 1.state)" "delivered" "the medical support's delivery"
expect_eq "$(printf '%s' "$OUT" | json 2.service)" "welfare" "the welfare support"
expect_eq "$(printf '%s' "$OUT" | json 2.state)" "refused" "refused"
expect_exit 0 as fin ledger history bank:jpy --json
expect_eq "$OUT" "[]" "no money moved for services in kind"

# Exclusion by another benefit recorded on her file: a program leaving out
# people who receive a state pension.
cat >"$T/excl.json" <<'JSON'
{"code": "excl-test", "name": "Excluding", "currency": "KRW", "cutoff": "2015-12-28",
 "accounts": {"fund": "bank:krw", "payable": "payable:excl-test", "expense": "benefits:excl-test"},
 "benefits": {"survivor": "300000", "bereaved": "0"}, "approvals": 2,
 "exclusions": [{"receives": "state-pension"}]}
JSON
expect_exit 0 as ada program add --file "$T/excl.json"
expect_exit 0 as ada program show excl-test --json
expect_eq "$(printf '%s' "$OUT" | json exclusions.0.receives)" state-pension "the exclusion by a benefit"
bad '{"exclusions":[{"receives":"state pension"}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "field 'exclusions[0].receives'"
bad '{"exclusions":[{"receives":"a","paid_by":"b"}]}'
expect_exit 12 as ada program add --file "$T/bad.json"
expect_one_line_error "must be {\"paid_by\": \"PROGRAM\"} or {\"receives\": \"BENEFIT\"}"
V8=$(person --kind victim --name "Synthetic Pensioner H" --birth-date 1934-05-05)
V9=$(person --kind victim --name "Synthetic Pensioner I" --birth-date 1935-06-06)
size=$(log_size)
expect_exit 12 as cid entitlements benefit "$V8" --benefit "state pension" --date 2020-01-01
expect_exit 12 as cid entitlements benefit "$V8" --benefit state-pension --date 2199-01-01
expect_exit 13 as cid entitlements benefit V-999999 --benefit state-pension --date 2020-01-01
expect_exit 15 as fin entitlements benefit "$V8" --benefit state-pension --date 2020-01-01
expect_exit 2 as cid entitlements benefit "$V8" --date 2020-01-01
expect_eq "$(log_size)" "$size" "log size after refused benefit records"
expect_exit 0 as cid entitlements benefit "$V8" --benefit state-pension --date 2020-01-01
expect_in "$OUT" "receives state-pension from 2020-01-01"
# V9 received it, and no longer does: she is not left out.
expect_exit 0 as cid entitlements benefit "$V9" --benefit state-pension --date 2020-01-01
expect_exit 0 as cid entitlements benefit "$V9" --benefit state-pension --date 2021-01-01 --ended
for v in "$V8" "$V9"; do
	expect_exit 0 as cid claim open --program excl-test --victim "$v"
	c=$OUT
	expect_exit 0 as cid claim submit "$c"
	expect_exit 0 as rita claim approve "$c"
	expect_exit 0 as rob claim approve "$c"
done
expect_exit 0 as fin entitlements compute --program excl-test --json
expect_eq "$(printf '%s' "$OUT" | json excluded)" 1 "the one receiving the benefit left out"
expect_eq "$(printf '%s' "$OUT" | json booked)" 1 "the other booked"
expect_exit 0 as fin queue --program excl-test --json
expect_eq "$(printf '%s' "$OUT" | json 0.beneficiary)" "$V9" "the one who no longer receives it"

# Versions: a program's rules change from a day, proposed by one admin and
# approved by another; entitlements booked before keep their amounts.
cp "$T/ada.pw" "$T/ada2.pw"
expect_exit 0 as ada user add ada2 --role monitor --password-file "$T/ada2.pw"
expect_exit 0 as ada user role ada2 admin
cat >"$T/versions.json" <<'JSON'
{"code": "versions-test", "name": "Versioned", "currency": "KRW", "cutoff": "2015-12-28",
 "accounts": {"fund": "bank:krw", "payable": "payable:versions-test", "expense": "benefits:versions-test"},
 "benefits": {"survivor": "1000000", "bereaved": "0"}, "approvals": 2}
JSON
expect_exit 0 as ada program add --file "$T/versions.json"
version_claim() {
	expect_exit 0 as cid claim open --program versions-test --victim "$1" || return
	c=$OUT
	expect_exit 0 as cid claim submit "$c"
	expect_exit 0 as rita claim approve "$c"
	expect_exit 0 as rob claim approve "$c"
	printf '%s' "$c"
}
V6=$(person --kind victim --name "Synthetic Versioned F" --birth-date 1932-03-03)
V7=$(person --kind victim --name "Synthetic Versioned G" --birth-date 1933-04-04)
Q1=$(version_claim "$V6")
expect_exit 0 as fin entitlements compute --program versions-test --json
expect_eq "$(printf '%s' "$OUT" | json total_minor)" 1000000 "booked under version 1"
sed 's/"survivor": "1000000"/"survivor": "1500000"/' "$T/versions.json" >"$T/versions-2.json"
sed 's/"KRW"/"JPY"/; s/bank:krw/bank:jpy/' "$T/versions-2.json" >"$T/versions-jpy.json"
size=$(log_size)
expect_exit 12 as ada program add --file "$T/versions-jpy.json"
expect_one_line_error "a new version keeps its currency (KRW)"
expect_exit 12 as ada program add --file "$T/versions-2.json" --from 2001-01-01
expect_one_line_error "is in the past"
expect_exit 15 as cid program add --file "$T/versions-2.json"
expect_eq "$(log_size)" "$size" "log size after refused versions"
expect_exit 0 as ada program add --file "$T/versions-2.json"
expect_in "$OUT" "version 2 of program versions-test proposed"
expect_exit 14 as ada program add --file "$T/versions-2.json"
expect_one_line_error "version 2 awaits a second admin's approval"
# Not in force before the second admin: the rules in force are still version 1's.
expect_exit 0 as ada program show versions-test --json
expect_eq "$(printf '%s' "$OUT" | json version)" 1 "version 1 in force before the approval"
expect_exit 0 as ada program diff versions-test --version 2 --json
expect_eq "$(printf '%s' "$OUT" | json beneficiaries.gain)" 1 "the proposed version previewed"
expect_exit 0 as ada program show versions-test --version 2 --json
expect_eq "$(printf '%s' "$OUT" | json approved)" false "version 2 not approved yet"
size=$(log_size)
expect_exit 15 as ada program approve versions-test --version 2
expect_one_line_error "may not approve it too"
expect_exit 13 as ada2 program approve versions-test --version 9
expect_exit 15 as fin program approve versions-test --version 2
expect_eq "$(log_size)" "$size" "log size after refused approvals"
expect_exit 0 as ada2 program approve versions-test --version 2
expect_in "$OUT" "version 2 of program versions-test approved: in force from $(date -u +%F)"
expect_exit 14 as ada2 program approve versions-test --version 2
expect_exit 0 as ada program show versions-test --json
expect_eq "$(printf '%s' "$OUT" | json version)" 2 "version 2 in force"
expect_eq "$(printf '%s' "$OUT" | json benefits.survivor)" 1500000 "its amount"
# A new claim is owed under version 2; the claim booked under version 1 keeps its amount.
Q2=$(version_claim "$V7")
expect_exit 0 as fin entitlements compute --program versions-test --json
expect_eq "$(printf '%s' "$OUT" | json total_minor)" 1500000 "booked under version 2"
expect_eq "$(printf '%s' "$OUT" | json skipped)" 1 "the one booked under version 1 not recomputed"
expect_exit 0 as fin queue --program versions-test --json
expect_eq "$(printf '%s' "$OUT" | json 0.amount_minor)$(printf '%s' "$OUT" | json 1.amount_minor)" \
	"10000001500000" "each claim's amount under its own version"
expect_eq "$(printf '%s' "$OUT" | json 0.program_version)$(printf '%s' "$OUT" | json 1.program_version)" \
	"12" "the version of the rules each entitlement was booked under"
# The version recorded is the event's: a row that claims another is found.
db_sql "UPDATE entitlements SET program_version = 2 WHERE program = 'versions-test' AND program_version = 1"
expect_exit 1 rd audit verify
expect_in "$OUT$ERR" "program_version"
db_sql "UPDATE entitlements SET program_version = 1 WHERE program = 'versions-test' AND claim = '$Q1'"
# A version from a later day: approved, not in force yet.
sed 's/"survivor": "1000000"/"survivor": "2000000"/' "$T/versions.json" >"$T/versions-3.json"
expect_exit 0 as ada2 program add --file "$T/versions-3.json" --from 2099-01-01
expect_exit 0 as ada program approve versions-test --version 3
expect_exit 0 as ada program show versions-test --json
expect_eq "$(printf '%s' "$OUT" | json version)" 2 "version 3 not in force before its day"
expect_exit 15 as mona program history versions-test
expect_exit 0 as rita program history versions-test --json
expect_eq "$(printf '%s' "$OUT" | json 1.proposed_by)" user:ada "who proposed version 2"
expect_eq "$(printf '%s' "$OUT" | json 1.added_by)" user:ada2 "who approved it"
expect_eq "$(printf '%s' "$OUT" | json 2.from)" 2099-01-01 "version 3's day"
expect_eq "$(printf '%s' "$OUT" | json length)" 3 "three versions"
sed 's/versions-test/versions-new/g' "$T/versions.json" >"$T/versions-new.json"
expect_exit 12 as ada program add --file "$T/versions-new.json" --from 2099-01-01
expect_one_line_error "program 'versions-new' is new"

# The audit replays harms, verdicts and rules to the same tables.
expect_exit 0 rd audit verify

echo "programs: $checks checks, $failures failures"
[ "$failures" -eq 0 ]
