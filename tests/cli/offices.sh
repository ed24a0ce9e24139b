# offices.sh -- offices on the command line, end to end: two offices
# covering regions, a caseworker and a reviewer in each, an admin, finance
# and a monitor across, and people in each office's regions and in none.
# Each caseworker sees only her office's people (and those of no office) in
# person list, show, task list, grievance list and outreach; naming
# another office's person, or her task, note, grievance or change, exits
# 13 with the words of a pseudonym never registered, and changes nothing;
# a transfer moves one person (an event, its reason sealed) and the lists
# follow; bad input is refused with its exit status; audit verify is clean,
# and an office moved behind the log's back is found.
. "$SRCDIR/tests/cli/lib.sh"

staff_passwords 7d1f0b3c55 ada nina sam rev fin mona cross

expect_exit 0 rd init --origin test.example/offices
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add nina --role caseworker --password-file "$T/nina.pw"
expect_exit 0 as ada user add sam --role caseworker --password-file "$T/sam.pw"
expect_exit 0 as ada user add cross --role caseworker --password-file "$T/cross.pw"
expect_exit 0 as ada user add rev --role reviewer --password-file "$T/rev.pw"
expect_exit 0 as ada user add fin --role finance --password-file "$T/fin.pw"
expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"

# Before any office, everyone sees everyone: a fund without offices is as it was.
expect_exit 0 as nina person add --kind victim --name "N One" --birth-date 1930-01-01 --region SEOUL
PN=$OUT
expect_exit 0 as nina person add --kind victim --name "S One" --birth-date 1931-01-01 --region BUSAN
PS=$OUT
expect_exit 0 as nina person add --kind victim --name "Nobody's" --birth-date 1932-01-01
P0=$OUT
expect_exit 0 as sam person show "$PN"

# --- Offices, and who may make them ---
before=$(log_size)
expect_exit 15 as nina office add north --name "North" --regions SEOUL
expect_one_line_error "may not manage staff accounts"
expect_exit 2 as ada office add north --regions SEOUL
expect_one_line_error "--name"
expect_exit 12 as ada office add "no rth" --name North --regions SEOUL
expect_one_line_error "office's code"
expect_exit 12 as ada office add north --name North --regions "SEOUL,,INCHEON"
expect_one_line_error "region 2"
expect_exit 12 as ada office add north --name North --regions "SEOUL,SEOUL"
expect_one_line_error "listed twice"
expect_eq "$(log_size)" "$before" "events after refused offices"
expect_exit 0 as ada office add north --name "North office" --regions SEOUL,INCHEON
expect_exit 0 as ada office add south --name "South office" --regions BUSAN
expect_exit 14 as ada office add north --name "Again" --regions JEJU
expect_one_line_error "exists already"
expect_exit 14 as ada office add east --name "East" --regions BUSAN
expect_one_line_error "covered by office 'south'"
expect_exit 0 as ada office list
expect_in "$OUT" "north	North office	INCHEON,SEOUL	0 staff"
expect_in "$OUT" "south	South office	BUSAN	0 staff"
expect_exit 0 as ada office list --json
expect_eq "$(printf '%s' "$OUT" | json 1.regions)" BUSAN
expect_exit 15 as mona office list

# --- Staff ---
expect_exit 0 as ada office assign nina north
expect_exit 0 as ada office assign sam south
expect_exit 0 as ada office assign rev south
expect_exit 14 as ada office assign nina north
expect_one_line_error "already"
expect_exit 13 as ada office assign nina west
expect_one_line_error "no office 'west'"
expect_exit 13 as ada office assign nobody north
expect_exit 15 as nina office assign sam north
expect_exit 2 as ada office assign nina
expect_exit 0 as ada office list
expect_in "$OUT" "north	North office	INCHEON,SEOUL	1 staff"

# --- Each caseworker sees her office's people, and those of none ---
expect_exit 0 as nina person list
expect_in "$OUT" "$PN"
expect_in "$OUT" "$P0"
expect_not_in "$OUT" "$PS" "nina's list"
expect_exit 0 as sam person list
expect_in "$OUT" "$PS"
expect_in "$OUT" "$P0"
expect_not_in "$OUT" "$PN" "sam's list"
for who in ada cross; do
	expect_exit 0 as "$who" person list
	expect_in "$OUT" "$PN"
	expect_in "$OUT" "$PS"
done
expect_exit 0 as nina office of "$PN"
expect_eq "$OUT" north
expect_exit 0 as nina office of "$P0"
expect_eq "$OUT" "-"

# Another office's person does not exist for her: the very words of a pseudonym never registered.
expect_exit 13 as sam person show V-000099
never=$ERR
expect_exit 13 as sam person show "$PN"
expect_eq "$ERR" "${never//V-000099/$PN}" "the refusal"
before=$(log_size)
expect_exit 13 as sam person show "$PN" --reveal --reason look
printf 'seen at home\n' >"$T/note"
expect_exit 13 as sam note add "$PN" --file "$T/note"
expect_exit 13 as sam task add "$PN" --due 2099-01-01 --what "call her"
expect_exit 13 as sam contact add "$PN" --channel phone --outcome reached
expect_exit 13 as sam grievance open "$PN" --channel phone --about "late"
expect_exit 13 as sam consent grant "$PN" --scope contact --method oral
expect_exit 13 as sam person update "$PN" --frailty 2 --reason r
expect_exit 13 as sam person death "$PN" --date 2020-01-01
expect_exit 13 as sam office transfer "$PN" --to south --reason "moved"
expect_exit 13 as rev person show "$PN"
expect_eq "$(log_size)" "$before" "events after another office's refusals"

# What concerns her, by its number, is not found either.
expect_exit 0 as nina note add "$PN" --file "$T/note"
note=$OUT
expect_exit 0 as nina task add "$PN" --due 2099-01-01 --what "call her"
task=$OUT
expect_exit 0 as nina grievance open "$PN" --channel phone --about "late payment"
grievance=$(printf '%s' "$OUT" | grep -o '[0-9][0-9]*' | head -n1)
expect_exit 0 as nina person update "$PN" --name "N Two" --reason "spelling"
change=$(printf '%s' "$OUT" | sed -n 's/.*change \([0-9]*\) proposed.*/\1/p')
expect_exit 13 as sam note show "$note" --reason look
expect_exit 13 as sam task done "$task"
expect_exit 13 as sam grievance resolve "$grievance" --outcome "done"
expect_exit 13 as sam person approve-change "$change"
expect_exit 0 as nina person changes
expect_in "$OUT" "$PN"
expect_exit 0 as sam person changes
expect_not_in "$OUT" "$PN" "sam's proposed changes"
expect_exit 0 as sam claim list
expect_exit 0 as nina task list
expect_in "$OUT" "$PN"
expect_exit 0 as sam task list
expect_not_in "$OUT" "$PN" "sam's tasks"
expect_exit 0 as sam grievance list
expect_not_in "$OUT" "$PN" "sam's grievances"
expect_exit 0 as cross grievance list
expect_in "$OUT" "$PN" "the grievances of a caseworker in no office"

# --- A transfer ---
before=$(log_size)
expect_exit 2 as nina office transfer "$PN" --to south
expect_exit 13 as nina office transfer "$PN" --to west --reason "moved"
expect_exit 14 as nina office transfer "$PN" --to north --reason "stays"
expect_exit 15 as ada office transfer "$PN" --to south --reason "moved"
expect_eq "$(log_size)" "$before" "events after refused transfers"
expect_exit 0 as nina office transfer "$PN" --to south --reason "CANARY-MOVED-to-her-daughter"
expect_eq "$OUT" "$PN: office south"
expect_eq "$(db_sql "SELECT count(*) FROM log_events WHERE $(db_text body) LIKE '%offices.person.transferred%'")" 1 \
	"transfer events"
expect_exit 0 as sam person show "$PN"
expect_exit 13 as nina person show "$PN"
expect_exit 0 as sam task list
expect_in "$OUT" "$PN" "sam's tasks after the transfer"
expect_exit 0 as nina person list
expect_not_in "$OUT" "$PN" "nina's list after the transfer"
expect_exit 0 as sam office of "$PN"
expect_eq "$OUT" south
# Her region says north, her transfer south: the transfer holds.
expect_eq "$(db_sql "SELECT region FROM registry_persons WHERE pseudonym = '$PN'")" SEOUL
# Sealed: the reason is nowhere in clear.
expect_eq "$(db_dump | grep -ac CANARY-MOVED)" 0 "the reason in clear in the database"

# An account leaves its office: it sees across again.
expect_exit 0 as ada office assign nina --none
expect_exit 0 as nina person show "$PS"
expect_exit 0 as ada office assign nina north

expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
# A transfer rewritten behind the log's back is found.
db_sql "UPDATE offices_persons SET office = 'north' WHERE pseudonym = '$PN'" >/dev/null
expect_exit 1 rd audit verify
expect_in "$ERR$OUT" "offices_persons"
finish
