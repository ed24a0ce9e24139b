# duplicates.sh -- suspected duplicates end to end: two people registered
# with the same name and birth year (no national id) both accepted, with
# a warning naming the other's pseudonym and never a name; the same name
# in katakana and hiragana, and in other spacing and case, found too; an
# import that reports its pairs and does not stop; `duplicates list` with
# each pair's basis; a pair decided distinct leaves the list; a merge
# proposed by one caseworker, refused to its proposer, approved by
# another; the merged person's file says so and no new claim names her;
# her claim, approved, books nothing at the entitlement run (reported
# unresolved, naming whom she was merged into) while the claim of the
# person she was merged into books the one entitlement;
# bad input and every role that may not, refused with their documented
# exit status, changing nothing; no canary in clear in the database; and
# audit verify clean at the end.
. "$SRCDIR/tests/cli/lib.sh"

staff_passwords 8d1f3a7c42 ada cid cy rita rob fin mona

expect_exit 0 rd init --origin test.example/duplicates
expect_exit 0 rd program add --file "$SRCDIR/examples/flagship-2015.json"
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add cid --role caseworker --password-file "$T/cid.pw"
expect_exit 0 as ada user add cy --role caseworker --password-file "$T/cy.pw"
expect_exit 0 as ada user add rita --role reviewer --password-file "$T/rita.pw"
expect_exit 0 as ada user add rob --role reviewer --password-file "$T/rob.pw"
expect_exit 0 as ada user add fin --role finance --password-file "$T/fin.pw"
expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"
# Enough in the fund for two survivors: a run that paid one woman twice would not be refused.
expect_exit 0 as fin ledger account add gift --currency KRW --kind income
expect_exit 0 as fin ledger transfer --id gift-1 --from gift --to bank:krw --amount 300000000

# --- At registration: both accepted, a warning with pseudonyms only ---
expect_exit 0 as cid person add --kind victim --name "Canary Dupname" --birth-date 1931-04-05 --region KR-11
A=$OUT
expect_eq "$ERR" "" "stderr of the first registration"
expect_exit 0 as cid person add --kind victim --name "canary  DUP-NAME" --birth-date 1931-11-30 --region KR-11
B=$OUT
expect_in "$ERR" "warning: $B may be the same person as $A (same name+birth_year+region)"
expect_not_in "$ERR" "anary" "the warning"
expect_not_in "$ERR" "ANARY" "the warning"
# Another birth year, or another name: no suspicion.
expect_exit 0 as cid person add --kind victim --name "Canary Dupname" --birth-date 1932-04-05
X=$OUT
expect_eq "$ERR" "" "stderr for another birth year"
expect_exit 0 as cid person add --kind victim --name "Canary Dupnamf" --birth-date 1931-04-05
expect_eq "$ERR" "" "stderr for another name"
# Katakana and hiragana are one, region or none.
expect_exit 0 as cid person add --kind victim --name "カナリア ハナコ" --birth-date 1930-01-01 --region JP-13
K=$OUT
expect_exit 0 as cid person add --kind victim --name "かなりあはなこ" --birth-date 1930-06-01
H=$OUT
expect_in "$ERR" "warning: $H may be the same person as $K (same name+birth_year)"

# --- Import: reports the pairs, does not stop ---
cat >"$T/people.csv" <<'EOF'
kind,name,birth_date,region
victim,Canary Dupname,1931-02-02,KR-26
victim,CANARY-IMPORT-Solo,1929-03-03,
victim,canary-import-solo,1929-12-12,
EOF
expect_exit 0 as cid person import "$T/people.csv"
expect_in "$OUT" "3 persons imported"
expect_in "$OUT" "suspected duplicate: $A,"
expect_in "$OUT" "suspected duplicate: $B,"
expect_in "$OUT" "3 suspected duplicate pairs"
expect_not_in "$OUT" "anary" "the import's report"
I1=$(printf '%s\n' "$OUT" | sed -n 's/^line 2: //p')
I2=$(printf '%s\n' "$OUT" | sed -n 's/^line 3: //p')
I3=$(printf '%s\n' "$OUT" | sed -n 's/^line 4: //p')
expect_in "$OUT" "suspected duplicate: $I2,$I3 (name+birth_year)"

# --- The list ---
expect_exit 0 as cid duplicates list
expect_in "$OUT" "$A,$B	name+birth_year+region"
expect_in "$OUT" "$K,$H	name+birth_year"
expect_in "$OUT" "$A,$I1	name+birth_year"
expect_eq "$(printf '%s\n' "$OUT" | grep -c .)" 5 "pairs listed"
expect_exit 0 as rita duplicates list --json
expect_in "$OUT" "\"pair\": \"$A,$B\""
expect_in "$OUT" '"basis": "name+birth_year+region"'
for who in fin mona; do
	expect_exit 15 as "$who" duplicates list
done

# A fund whose persons have no duplicate key (registered before them): `person reindex` gives them theirs.
db_sql "DELETE FROM registry_dup_keys"
expect_exit 0 as cid duplicates list
expect_eq "$OUT" "no suspected duplicates" "the list without keys"
expect_exit 0 as cid person reindex
expect_exit 0 as cid duplicates list
expect_eq "$(printf '%s\n' "$OUT" | grep -c .)" 5 "pairs listed after reindex"

# --- Bad input and refusals change nothing ---
before=$(log_size)
expect_exit 2 as cid duplicates resolve "$A,$B" --reason r
expect_one_line_error "--same and --distinct"
expect_exit 2 as cid duplicates resolve "$A,$B" --same --distinct --reason r
expect_exit 2 as cid duplicates resolve "$A,$B" --distinct
expect_one_line_error "--reason"
expect_exit 2 as cid duplicates resolve --distinct --reason r
expect_exit 2 as cid duplicates frobnicate
expect_exit 12 as cid duplicates resolve "$A" --distinct --reason r
expect_one_line_error "two pseudonyms with a comma"
expect_exit 12 as cid duplicates resolve "$A,$A" --distinct --reason r
expect_one_line_error "not $A twice"
expect_exit 12 as cid duplicates resolve "$A,v 1" --distinct --reason r
expect_exit 12 as cid duplicates resolve "$A,$B" --distinct --reason ""
expect_exit 13 as cid duplicates resolve "$A,V-009999" --distinct --reason r
expect_one_line_error "not suspected duplicates"
expect_exit 13 as cid duplicates resolve "$A,$K" --distinct --reason r
for who in rita fin mona ada; do
	expect_exit 15 as "$who" duplicates resolve "$A,$B" --distinct --reason r
done
expect_eq "$(log_size)" "$before" "events after refused decisions"

# --- Distinct: the pair leaves the list; given in either order ---
expect_exit 0 as cid duplicates resolve "$I3,$I2" --distinct --reason "CANARY-REASON-two-women"
expect_in "$OUT" "$I2,$I3: recorded as two people"
expect_exit 0 as cid duplicates list
expect_not_in "$OUT" "$I2,$I3" "the list after distinct"
expect_exit 14 as cy duplicates resolve "$I2,$I3" --same --reason r
expect_one_line_error "decided already (distinct)"

# --- Same: four eyes ---
expect_exit 0 as cid duplicates resolve "$A,$B" --same --reason "CANARY-REASON-same-woman"
expect_in "$OUT" "merge"
expect_in "$OUT" "proposed"
expect_exit 0 as cy duplicates list
expect_in "$OUT" "proposed by user:cid, waiting for a second staff member"
before=$(log_size)
expect_exit 15 as cid duplicates resolve "$A,$B" --same --reason again
expect_one_line_error "needs a second staff member"
expect_eq "$(log_size)" "$before" "events after the proposer's approval"
expect_exit 0 as cid person add --kind relative --name "Canary Relative" --birth-date 1960-01-01
REL=$OUT
expect_exit 0 as cid claim open --program flagship-2015 --victim "$B"
OLD_CLAIM=$OUT
# Her claim approved before the merge, by two reviewers (the flagship's approvals).
expect_exit 0 as cid claim submit "$OLD_CLAIM"
expect_exit 0 as rita claim approve "$OLD_CLAIM"
expect_exit 0 as rob claim approve "$OLD_CLAIM"
# And a claim naming her as claimant, still open when she is merged.
expect_exit 0 as cid claim open --program flagship-2015 --victim "$X" --claimant "$B"
OPEN_CLAIM=$OUT
expect_exit 0 as cid claim submit "$OPEN_CLAIM"
expect_exit 0 as cy duplicates resolve "$B,$A" --same --reason "CANARY-REASON-agreed" --json
expect_in "$OUT" '"outcome": "merged"'
expect_in "$OUT" "\"merged_into\": \"$A\""
expect_exit 14 as cy duplicates resolve "$A,$B" --same --reason r
expect_one_line_error "decided already (merged)"
expect_exit 0 as cid duplicates list
expect_not_in "$OUT" "$A,$B" "the list after the merge"
# Her file says so; her claim stays hers; no new claim names her.
expect_exit 0 as rita person show "$B"
expect_in "$OUT" "merged into $A"
expect_exit 0 as rita person show "$B" --json
expect_in "$OUT" "\"merged_into\": \"$A\""
expect_exit 0 as rita person show "$A"
expect_not_in "$OUT" "merged into" "the file merged into"
expect_exit 0 as rita person list
expect_in "$OUT" "merged into $A" "the list"
expect_eq "$(printf '%s\n' "$OUT" | grep -c "merged into")" 1 "persons listed as merged"
expect_exit 0 as rita person list --json
expect_in "$OUT" "\"merged_into\": \"$A\""
expect_exit 0 as rita claim show "$OLD_CLAIM"
before=$(log_size)
expect_exit 14 as cid claim open --program flagship-2015 --victim "$B"
expect_one_line_error "$B was merged into $A"
expect_exit 14 as cid claim open --program flagship-2015 --victim "$A" --claimant "$B"
# Her open claim is approved by no one (it would pay her on two files); it can be denied.
expect_exit 14 as rita claim approve "$OPEN_CLAIM"
expect_one_line_error "$B was merged into $A"
expect_eq "$(log_size)" "$before" "events after refused claims"
expect_exit 0 as rita claim deny "$OPEN_CLAIM" --reason "Synthetic: a duplicate file"
expect_exit 0 as cid claim open --program flagship-2015 --victim "$A" --claimant "$REL"
A_CLAIM=$OUT
expect_exit 0 as cid claim submit "$A_CLAIM"
expect_exit 0 as rita claim approve "$A_CLAIM"
expect_exit 0 as rob claim approve "$A_CLAIM"

# --- The entitlement run: one woman, one entitlement ---
# Both claims are approved; hers merged away books nothing, and the run says why and where to decide it.
expect_exit 0 as fin entitlements compute --program flagship-2015 --dry-run
expect_in "$OUT" "would book 1 entitlements"
expect_in "$OUT" "claim $OLD_CLAIM: its victim $B was merged into $A: decide it on $A's file"
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_in "$OUT" "1 entitlements booked"
expect_in "$OUT" "100000000 in minor units"
expect_in "$OUT" "1 approved claims cannot be computed yet; the first: claim $OLD_CLAIM: its victim $B was merged into $A: decide it on $A's file"
expect_exit 0 as fin entitlements compute --program flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json unresolved)" 1 "claims unresolved at the second run"
expect_eq "$(printf '%s' "$OUT" | json booked)" 0 "entitlements booked at the second run"
expect_eq "$(db_sql "SELECT count(*) FROM entitlements WHERE claim = '$OLD_CLAIM'")" 0 "entitlements of her claim"
expect_eq "$(db_sql "SELECT beneficiary || ' ' || amount FROM entitlements")" "$A 100000000" "the one entitlement"
expect_exit 0 as fin ledger balance payable:flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 100000000 "the payable: one survivor's amount"
# A person merged away is merged into no one else; her other pair stays listed but cannot merge.
expect_exit 14 as cid duplicates resolve "$B,$I1" --same --reason r
expect_one_line_error "was merged into $A"
expect_exit 0 as cid duplicates resolve "$B,$I1" --distinct --reason r

# The events name pseudonyms; the audit replays the merge.
expect_eq "$(db_sql "SELECT a || '>' || b FROM dups_decisions WHERE decision = 'merged'")" "$A>$B" "the merge's row"
checks=$((checks + 1))
if db_dump | grep -qai "canary"; then
	fail "a canary is in clear in the database"
fi
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
# The public feed carries the decisions with their pseudonyms committed, and recounts the report.
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report.json"
expect_exit 0 as mona audit feed --out "$T/feed.jsonl"
feed=$(cat "$T/feed.jsonl")
expect_in "$feed" '"type":"duplicates.merge.approved"'
expect_not_in "$feed" "$A" "the feed"
expect_not_in "$feed" "anary" "the feed"
expect_exit 0 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report.json"
expect_in "$OUT" "every figure matches"

# A row edited behind the log's back is named by the audit.
db_sql "UPDATE dups_decisions SET decision = 'distinct' WHERE decision = 'merged'"
expect_exit 1 rd audit verify
expect_in "$OUT$ERR" "dups_decisions"
finish
