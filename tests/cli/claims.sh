# claims.sh -- programs and claims end to end: a program file with a bad
# field refused by name, the flagship and a USD program added; claims
# opened, evidence sealed (its SHA-256 printed, its canary content nowhere
# in clear), submitted, approved by two different reviewers, denied,
# appealed; four eyes and each role's refusals with real staff accounts;
# show and list; a clean audit, and a claims row edited behind the log's
# back named by it.
. "$SRCDIR/tests/cli/lib.sh"

unset REDRESS_PASSWORD_FILE
for who in ada carol cid rita rob fin ann amy; do
	printf 'pw-%s-2c81f0e7aa\n' "$who" >"$T/$who.pw"
done

as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

expect_exit 0 rd init --origin test.example/claims

# Program files: each malformed field refused by name, nothing recorded.
size=$(log_size)
sed 's/"approvals": 2/"approvals": 2, "colour": "red"/' "$SRCDIR/examples/flagship-2015.json" >"$T/bad1.json"
expect_exit 12 rd program add --file "$T/bad1.json"
expect_one_line_error "bad1.json: unknown field 'colour'"
sed 's/"cutoff": "2015-12-28"/"cutoff": "2015-02-30"/' "$SRCDIR/examples/flagship-2015.json" >"$T/bad2.json"
expect_exit 12 rd program add --file "$T/bad2.json"
expect_one_line_error "field 'cutoff'"
sed 's/"survivor": "100000000"/"survivor": "100,000,000"/' "$SRCDIR/examples/flagship-2015.json" >"$T/bad3.json"
expect_exit 12 rd program add --file "$T/bad3.json"
expect_one_line_error "field 'benefits.survivor'"
sed 's/"approvals": 2/"approvals": 1/' "$SRCDIR/examples/flagship-2015.json" >"$T/bad4.json"
expect_exit 12 rd program add --file "$T/bad4.json"
expect_one_line_error "field 'approvals'"
printf '{\n  "code": "x",\n  oops\n}\n' >"$T/bad5.json"
expect_exit 12 rd program add --file "$T/bad5.json"
expect_one_line_error "bad5.json:3:"
expect_exit 22 rd program add --file "$T/absent.json"
expect_exit 2 rd program add
expect_eq "$(log_size)" "$size" "log size after refused programs"

# The flagship program, and one in another currency: rules are data.
expect_exit 0 rd program add --file "$SRCDIR/examples/flagship-2015.json"
expect_in "$OUT" "program flagship-2015"
expect_in "$OUT" "100000000 KRW"
expect_exit 14 rd program add --file "$SRCDIR/examples/flagship-2015.json"
expect_one_line_error "already exists"
expect_exit 0 rd program add --file "$SRCDIR/examples/another-program.json"
expect_in "$OUT" "20000.00 USD"
expect_exit 0 rd program show flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json benefits.survivor)" "100000000" "survivor amount"
expect_eq "$(printf '%s' "$OUT" | json approvals)" "2" "approvals"
expect_exit 0 rd ledger balance bank:krw --json
expect_eq "$(printf '%s' "$OUT" | json no_overdraft)" "true" "the fund is no-overdraft"
expect_exit 13 rd program show nothing

# Persons, by the bootstrap.
expect_exit 0 rd person add --kind victim --name "Synthetic Victim One" --birth-date 1927-05-01
V1=$OUT
expect_exit 0 rd person add --kind victim --name "Synthetic Victim Two" --birth-date 1929-08-15
V2=$OUT
expect_exit 0 rd person add --kind relative --name "Synthetic Daughter" --birth-date 1955-02-02
R1=$OUT

# The bootstrap opens a claim; it may not approve it (four eyes).
expect_exit 0 rd claim open --program flagship-2015 --victim "$V1" --claimant "$R1"
expect_eq "$OUT" "C-000001" "first claim id"
expect_exit 14 rd claim open --program flagship-2015 --victim "$V1"
expect_one_line_error "already has claim C-000001"
expect_exit 12 rd claim open --program flagship-2015 --victim "$R1"
expect_one_line_error "not a victim"
expect_exit 13 rd claim open --program nothing --victim "$V1"
expect_exit 2 rd claim open --victim "$V1"
expect_exit 0 rd claim submit C-000001
expect_exit 15 rd claim approve C-000001
expect_one_line_error "who may not approve it"

# Staff accounts.
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add carol --role caseworker --password-file "$T/carol.pw"
expect_exit 0 as ada user add cid --role caseworker --password-file "$T/cid.pw"
expect_exit 0 as ada user add rita --role reviewer --password-file "$T/rita.pw"
expect_exit 0 as ada user add rob --role reviewer --password-file "$T/rob.pw"
expect_exit 0 as ada user add fin --role finance --password-file "$T/fin.pw"
expect_exit 0 as ada user add ann --role appeals --password-file "$T/ann.pw"
expect_exit 0 as ada user add amy --role appeals --password-file "$T/amy.pw"

# Roles: a reviewer cannot open, a caseworker cannot approve, finance and admin cannot do either.
size=$(log_size)
expect_exit 15 as rita claim open --program flagship-2015 --victim "$V2"
expect_one_line_error "rita"
expect_exit 15 as fin claim open --program flagship-2015 --victim "$V2"
expect_exit 15 as carol program add --file "$SRCDIR/examples/another-program.json"
expect_exit 15 as carol claim approve C-000001
expect_one_line_error "carol"
expect_exit 15 as ada claim approve C-000001
expect_exit 15 as rita claim submit C-000001
expect_eq "$(log_size)" "$size" "log size after role refusals"

# A claim from intake to approval, with an appeal on the way.
expect_exit 0 as carol claim open --program flagship-2015 --victim "$V2"
expect_eq "$OUT" "C-000002" "second claim id"
# Canary evidence: its content and its name must be nowhere in clear.
canary="canary-evidence-71b3e0d9-statement-of-the-survivor"
for i in $(seq 1 2000); do printf '%s %d\n' "$canary" "$i"; done >"$T/canary-name-5f2a91c4.txt"
evsha=$(sha256sum "$T/canary-name-5f2a91c4.txt" | cut -d' ' -f1)
expect_exit 2 as carol claim evidence add C-000002 "$T/canary-name-5f2a91c4.txt" --label diary
expect_in "$ERR" "is not a kind of evidence"
expect_exit 0 as carol claim evidence add C-000002 "$T/canary-name-5f2a91c4.txt" --label testimony
expect_eq "$OUT" "$evsha" "evidence SHA-256"
expect_exit 22 as carol claim evidence add C-000002 "$T/absent.pdf"
expect_exit 15 as rita claim evidence add C-000002 "$T/canary-name-5f2a91c4.txt"
expect_exit 14 as rita claim approve C-000002
expect_one_line_error "claim C-000002 is open"
expect_exit 0 as carol claim submit C-000002
expect_in "$OUT" "claim C-000002 submitted"
expect_exit 14 as carol claim submit C-000002
expect_one_line_error "is submitted"
expect_exit 0 as rita claim approve C-000002 --reason "canary-reason-0e44d1f3 consistent testimony"
expect_in "$OUT" "approval 1 of 2"
expect_exit 15 as rita claim approve C-000002
expect_one_line_error "already approved"
expect_exit 2 as rob claim deny C-000002
expect_exit 0 as rob claim deny C-000002 --reason "documents missing"
expect_in "$OUT" "claim C-000002 denied"
expect_exit 14 as rob claim approve C-000002
expect_one_line_error "is denied"
expect_exit 0 as cid claim appeal C-000002 --reason "new documents"
expect_in "$OUT" "appealed"
# An appealed claim is the appeals role's: reviewers are refused, the appeal overturned by ann and amy.
expect_exit 14 as rita claim approve C-000002
expect_one_line_error "decided by an account of the appeals role"
expect_exit 15 as rob claim appeal-decide C-000002 --overturn --reason "documents found"
expect_exit 0 as ann claim appeal-decide C-000002 --overturn --reason "documents found"
expect_in "$OUT" "claim C-000002: your vote to overturn is recorded"
expect_exit 0 as amy claim appeal-decide C-000002 --overturn --reason "documents found"
expect_in "$OUT" "claim C-000002: appeal overturned; the claim is approved"
expect_exit 14 as cid claim appeal C-000002
expect_one_line_error "is approved"

# show and list.
expect_exit 0 as rita claim show C-000002 --json
expect_eq "$(printf '%s' "$OUT" | json state)" "approved" "state"
expect_eq "$(printf '%s' "$OUT" | json approvals)" "0" "approvals (the appeal's round has none)"
expect_eq "$(printf '%s' "$OUT" | json round)" "1" "round"
expect_eq "$(printf '%s' "$OUT" | json evidence.0.sha256)" "$evsha" "evidence in show"
expect_eq "$(printf '%s' "$OUT" | json evidence.0.label)" testimony "the evidence's label in show"
expect_eq "$(printf '%s' "$OUT" | json opened_by)" "user:carol" "opened by"
expect_eq "$(printf '%s' "$OUT" | json history.1.actor)" "user:rita" "first approval by"
expect_eq "$(printf '%s' "$OUT" | json history.2.action)" "denied" "the denial"
expect_eq "$(printf '%s' "$OUT" | json history.4.action)" "vote-overturned" "the first appeals member's vote"
expect_eq "$(printf '%s' "$OUT" | json history.5.action)" "overturned" "the appeal's decision"
expect_eq "$(printf '%s' "$OUT" | json history.5.actor)" "user:amy" "the appeal decided by"
expect_exit 0 as rita claim show C-000002
expect_in "$OUT" "evidence 1  testimony  $evsha"
expect_exit 0 as rita claim show C-000002
expect_in "$OUT" "(reason sealed)"
expect_exit 0 as rita claim show C-000002 --reasons
expect_in "$OUT" "documents missing"
expect_exit 0 as fin claim list --status approved --json
expect_eq "$(printf '%s' "$OUT" | json 0.id)" "C-000002" "approved claims"
expect_eq "$(printf '%s' "$OUT" | json length)" "1" "approved claims"
expect_exit 0 as fin claim list --program flagship-2015
expect_in "$OUT" "C-000001"
expect_in "$OUT" "C-000002"
expect_exit 2 as fin claim list --status pending
expect_exit 13 as fin claim show C-000009

# Nothing of the evidence, its name or a reason in clear in the database's files.
checks=$((checks + 1))
if db_files_hold -e "canary-evidence" -e "canary-name" -e "canary-reason"; then
	fail "a canary is in the database in clear"
fi
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"

# A claim row edited behind the log's back is named.
db_sql "UPDATE claims_claims SET state = 'approved' WHERE id = 'C-000001'" || fail "the database's shell failed"
expect_exit 1 rd audit verify
expect_in "$OUT$ERR" "claims_claims 'C-000001'"
finish
