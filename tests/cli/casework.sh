# casework.sh -- the command line of corrections and casework, end to end:
# person update at once and with a second staff member's approval (never
# the proposer's), notes sealed and opened on the record, tasks, contacts,
# referrals only with consent to share, grievances overdue and resolved;
# each refusal with its exit status and one line naming what, changing
# nothing; every role that may not, refused; no canary in clear in the
# database; and audit verify clean at the end.
. "$SRCDIR/tests/cli/lib.sh"

staff_passwords 5c0e2d71a9 ada cid cy rita fin mona

expect_exit 0 rd init --origin test.example/casework
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add cid --role caseworker --password-file "$T/cid.pw"
expect_exit 0 as ada user add cy --role caseworker --password-file "$T/cy.pw"
expect_exit 0 as ada user add rita --role reviewer --password-file "$T/rita.pw"
expect_exit 0 as ada user add fin --role finance --password-file "$T/fin.pw"
expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"
expect_exit 0 as cid person add --kind victim --name "CANARY-NAME-a1" --birth-date 1931-04-05 \
	--phone "CANARY-PHONE-b2" --frailty 1
P=$OUT

# --- Corrections ---
expect_exit 0 as cid person update "$P" --phone "CANARY-PHONE-c3" --frailty 3 --reason "CANARY-REASON-d4"
expect_eq "$OUT" "$P: updated"
expect_eq "$(db_sql "SELECT frailty FROM registry_persons WHERE pseudonym = '$P'")" 3 "frailty after"
before=$(log_size)
expect_exit 2 as cid person update "$P" --phone x
expect_one_line_error "--reason"
expect_exit 12 as cid person update "$P" --phone "CANARY-PHONE-c3" --reason same
expect_one_line_error "nothing to change"
expect_exit 12 as cid person update "$P" --birth-date 1931-02-30 --reason typo
expect_one_line_error "birth_date"
expect_exit 2 as cid person update "$P" --frailty 7 --reason r
expect_exit 13 as cid person update V-000099 --phone 1 --reason r
for who in rita fin mona ada; do
	expect_exit 15 as "$who" person update "$P" --phone 2 --reason r
done
expect_eq "$(log_size)" "$before" "events after refused updates"

expect_exit 0 as cid person update "$P" --name "CANARY-NAME-e5" --reason "CANARY-REASON-f6"
expect_in "$OUT" "proposed"
change=$(printf '%s' "$OUT" | sed -n 's/.*change \([0-9]*\) proposed.*/\1/p')
expect_exit 0 as cid person show "$P" --reveal --reason check
expect_in "$OUT" "CANARY-NAME-a1" "the name before approval"
expect_exit 0 as cy person changes
expect_in "$OUT" "$change	$P	name	user:cid"
before=$(log_size)
expect_exit 15 as cid person approve-change "$change"
expect_one_line_error "another staff member must approve it"
expect_exit 15 as rita person approve-change "$change"
expect_exit 2 as cy person approve-change x12
expect_exit 13 as cy person approve-change 99999
expect_eq "$(log_size)" "$before" "events after refused approvals"
expect_exit 0 as cy person approve-change "$change"
expect_exit 14 as cy person approve-change "$change"
expect_exit 0 as cid person show "$P" --reveal --reason check
expect_in "$OUT" "CANARY-NAME-e5" "the name after approval"
expect_exit 0 as cy person changes
expect_eq "$OUT" "" "pending changes after the approval"
expect_exit 0 as cy person changes --all --json
expect_in "$OUT" '"decided_by": "user:cy"'

# --- Notes ---
printf 'CANARY-NOTE-g7: she asked about her sister.\nSecond line.\n' >"$T/note.txt"
expect_exit 0 as cid note add "$P" --file "$T/note.txt"
N=$OUT
expect_exit 15 as rita note add "$P" --file "$T/note.txt"
printf 'bad\001byte\n' >"$T/bad.txt"
expect_exit 12 as cid note add "$P" --file "$T/bad.txt"
expect_one_line_error "control character"
expect_exit 22 as cid note add "$P" --file "$T/absent.txt"
expect_exit 0 as rita note list "$P"
expect_in "$OUT" "opened 0"
expect_not_in "$OUT" "CANARY" "the list"
expect_exit 15 as mona note list "$P"
expect_exit 2 as cid note show "$N"
expect_one_line_error "--reason"
expect_exit 15 as rita note show "$N" --reason curious
expect_exit 0 as cid note show "$N" --reason "CANARY-OPEN-h8"
expect_in "$OUT" "CANARY-NOTE-g7: she asked about her sister."
expect_exit 0 as cid note list "$P" --json
expect_in "$OUT" '"opened": 1'

# --- Tasks ---
expect_exit 0 as cid task add "$P" --due 2099-01-01 --what "CANARY-TASK-i9" --for cy
TASK=$OUT
expect_exit 12 as cid task add "$P" --due 2001-01-01 --what x
expect_one_line_error "in the past"
expect_exit 12 as cid task add "$P" --due 2099-01-01 --what x --for rita
expect_exit 13 as cid task add "$P" --due 2099-01-01 --what x --for nobody
expect_exit 15 as rita task add "$P" --due 2099-01-01 --what x
expect_exit 0 as cy task list --mine
expect_in "$OUT" "CANARY-TASK-i9"
expect_exit 0 as cid task list --overdue
expect_eq "$OUT" "" "overdue tasks"
expect_exit 15 as rita task list
expect_exit 0 as cy task done "$TASK"
expect_exit 14 as cy task done "$TASK"
expect_exit 0 as cy task list --mine
expect_eq "$OUT" "" "open tasks after done"

# An undecided wish: a task to ask her again.
expect_exit 0 as cid consult add "$P" --wish undecided
expect_in "$OUT" "to ask her again in 30 days"
expect_exit 0 as cid task list
expect_in "$OUT" "Ask her again: she was undecided"

# --- Contacts ---
expect_exit 0 as cid contact add "$P" --channel phone --outcome no-answer --note "CANARY-CONTACT-j0"
expect_exit 2 as cid contact add "$P" --channel fax --outcome reached
expect_exit 2 as cid contact add "$P" --channel visit
expect_exit 15 as fin contact add "$P" --channel visit --outcome reached
expect_exit 0 as ada contact list
expect_in "$OUT" "$P	phone	no-answer"
expect_exit 15 as mona contact list

# --- Referrals: only with consent to share:PARTY ---
before=$(log_size)
expect_exit 15 as cid referral add "$P" --to legal-aid --what "CANARY-REFER-k1"
expect_one_line_error "has not consented to 'share:legal-aid'"
expect_exit 12 as cid referral add "$P" --to "Legal Aid" --what x
expect_eq "$(log_size)" "$before" "events after refused referrals"
expect_exit 0 as cid consent grant "$P" --scope share:legal-aid --method "in person"
expect_exit 0 as cid referral add "$P" --to legal-aid --what "CANARY-REFER-k1"
expect_exit 15 as cid referral add "$P" --to clinic --what x
expect_exit 0 as cid consent withdraw "$P" --scope share:legal-aid --method "by telephone"
expect_exit 15 as cid referral add "$P" --to legal-aid --what again
expect_exit 0 as rita referral list "$P"
expect_in "$OUT" "to legal-aid"
expect_in "$OUT" "waiting"
# What came of it: once, sealed, by a caseworker; a bad number or no text changes nothing.
REF=$(printf '%s\n' "$OUT" | head -1 | cut -f1)
before=$(log_size)
expect_exit 15 as rita referral outcome "$REF" --outcome x
expect_exit 2 as cid referral outcome nope --outcome x
expect_exit 2 as cid referral outcome "$REF"
expect_exit 12 as cid referral outcome "$REF" --outcome ""
expect_exit 13 as cid referral outcome 999999 --outcome x
expect_one_line_error "no referral 999999"
expect_eq "$(log_size)" "$before" "events after refused referral outcomes"
expect_exit 0 as cid referral outcome "$REF" --outcome "CANARY-ANSWER-n4"
expect_in "$OUT" "referral $REF: answered"
expect_exit 14 as cid referral outcome "$REF" --outcome again
expect_exit 0 as rita referral list "$P" --json
expect_in "$OUT" '"answered": true'

# --- Grievances ---
expect_exit 0 as cid grievance open "$P" --channel letter --about "CANARY-GRIEF-l2"
G=$OUT
expect_exit 12 as cid grievance open "$P" --channel "by letter" --about x
expect_exit 15 as mona grievance open "$P" --channel letter --about x
expect_exit 0 as ada grievance list
expect_in "$OUT" "$G	$P	letter"
expect_in "$OUT" "0 days	open"
expect_exit 0 as ada grievance list --overdue
expect_eq "$OUT" "" "overdue grievances today"
# Opened 40 days ago, as the tables say (behind the log's back, then put back): overdue for the admin.
at=$(db_sql "SELECT at FROM casework_grievances WHERE seq = $G")
db_sql "UPDATE casework_grievances SET at = '$(date -u -d '40 days ago' +%Y-%m-%dT%H:%M:%SZ)' WHERE seq = $G"
expect_exit 0 as ada grievance list --overdue --json
expect_in "$OUT" '"days_open": 40'
expect_exit 0 as ada grievance list --overdue --days 50
expect_eq "$OUT" "" "overdue after 50 days"
expect_exit 2 as ada grievance list --overdue --days 0
expect_exit 1 rd audit verify
expect_in "$OUT$ERR" "casework_grievances"
db_sql "UPDATE casework_grievances SET at = '$at' WHERE seq = $G"
expect_exit 15 as ada grievance resolve "$G" --outcome x
expect_exit 0 as cid grievance resolve "$G" --outcome "CANARY-OUTCOME-m3"
expect_exit 14 as cid grievance resolve "$G" --outcome again
expect_exit 13 as cid grievance resolve 99999 --outcome x

# --- Outreach: owed, not yet reached, most frail and oldest first ---
expect_exit 0 as ada program add --file "$SRCDIR/examples/flagship-2015.json"
expect_exit 0 as cid person add --kind victim --name "Synthetic Older" --birth-date 1925-01-01 --frailty 3
OLD=$OUT
expect_exit 0 as cid person add --kind victim --name "Synthetic Younger" --birth-date 1935-01-01 --frailty 3
YOUNG=$OUT
expect_exit 0 as cid person add --kind victim --name "Synthetic Declines" --birth-date 1920-01-01 --frailty 3
DECL=$OUT
expect_exit 0 as cid consult add "$DECL" --wish decline
expect_exit 0 as rita outreach list --program flagship-2015
expect_eq "$(printf '%s\n' "$OUT" | cut -f1 | head -n3 | tr '\n' ' ')" "$OLD $P $YOUNG " "the outreach list's order: frailty, then age"
expect_not_in "$OUT" "$DECL" "the outreach list (she declined)"
expect_in "$OUT" "$P	victim	born 1931	frailty 3	1 attempts	no-answer" "the first person, tried once"
expect_exit 0 as cid contact add "$OLD" --channel visit --outcome moved
expect_exit 0 as cid outreach list --program flagship-2015 --json
expect_in "$OUT" '"last_outcome": "moved"'
expect_exit 0 as cid contact add "$OLD" --channel phone --outcome reached
expect_exit 0 as cid outreach list --program flagship-2015
expect_not_in "$OUT" "$OLD" "the outreach list after she was reached"
expect_exit 13 as cid outreach list --program no-such
expect_exit 2 as cid outreach list
expect_exit 15 as mona outreach list --program flagship-2015

# Nothing personal in clear anywhere in the database; the log verifies.
checks=$((checks + 1))
if db_dump | grep -qa CANARY; then
	fail "a canary is in clear in the database"
fi
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
finish
