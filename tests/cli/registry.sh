# registry.sh -- the registry end to end, through the real binary: people
# registered with canary values for every personal field, which must then
# be found nowhere -- not in the database file, its journal, the raw bytes
# of any event, or any output but 'person show --reveal'; reveals recorded
# as events naming the account; duplicates refused naming the holder; bad
# input refused with a clear message, a documented status and no change;
# CSV import all or nothing; roles; erasure that shreds and still audits.
. "$SRCDIR/tests/cli/lib.sh"

unset REDRESS_PASSWORD_FILE
CANARIES="CANARY-NAME-7f3a CANARY-NID-91c2 CANARYNID91C2 CANARY-PHONE-2b6e CANARY-ADDR-c04d
CANARY-SUMMARY-5e18 CANARY-WITNESS-a9f7 CANARY-METHOD-33d0 CANARY-REASON-0c61 1931-07-19
CANARY-CSVNAME-4d2e CANARY-CSVADDR-e671 CANARY-CSVNID-0b3f 1933-03-03"

for who in ada carol rita mona; do
	printf 'password-of-%s-0042\n' "$who" >"$T/$who.pw"
done
as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}
# Everything a command printed, except reveals, is kept here and searched for canaries.
OUTPUTS="$T/outputs"
: >"$OUTPUTS"
keep() {
	printf '%s\n%s\n' "$OUT" "$ERR" >>"$OUTPUTS"
}

expect_exit 0 rd init --origin test.example/registry
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add carol --role caseworker --password-file "$T/carol.pw"
expect_exit 0 as ada user add rita --role reviewer --password-file "$T/rita.pw"
expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"

# Registration prints the pseudonym and nothing else.
expect_exit 0 as carol person add --kind victim --name CANARY-NAME-7f3a --birth-date 1931-07-19 \
	--national-id CANARY-NID-91c2 --phone CANARY-PHONE-2b6e --address CANARY-ADDR-c04d \
	--region KR-11 --language ko --frailty 3 && keep
expect_eq "$OUT" "V-000001" "the first victim's pseudonym"
expect_exit 0 as carol person add --kind relative --name 'Lee Mi-ok' --birth-date 1958-06-12 && keep
expect_eq "$OUT" "R-000001" "the first relative's pseudonym"
expect_exit 0 as carol person add --kind victim --name 'Park' --birth-date 1929-01-01 \
	--national-id '800101-2345678' && keep
expect_eq "$OUT" "V-000002" "the second victim's pseudonym"
expect_exit 0 as carol person add --kind relative --name 'Son' --birth-date 1960-01-01 && keep
expect_eq "$OUT" "R-000002"
expect_exit 0 as carol consent grant V-000001 --scope processing --method CANARY-METHOD-33d0 \
	--witness CANARY-WITNESS-a9f7 && keep
expect_in "$OUT" "V-000001: processing consent granted"
expect_exit 0 as carol consent withdraw V-000001 --scope share:cedaw --method CANARY-METHOD-33d0 && keep
expect_exit 0 as carol consult add V-000001 --wish decline --summary CANARY-SUMMARY-5e18 && keep
expect_in "$OUT" "wish decline"
expect_exit 0 as carol relation add V-000001 R-000001 --relation daughter --share 2/4 && keep
expect_eq "$OUT" "R-000001 is an heir of V-000001 (daughter, 1/2)"

# What a reviewer reads: the file without identity, in text and JSON.
expect_exit 0 as rita person show V-000001 && keep
expect_in "$OUT" "V-000001  victim, alive"
expect_in "$OUT" "wish        decline"
expect_in "$OUT" "consent     processing: granted"
expect_in "$OUT" "consent     share:cedaw: withdrawn"
expect_in "$OUT" "heir        R-000001  1/2"
expect_exit 0 as rita person show V-000001 --json && keep
expect_eq "$(printf '%s' "$OUT" | json wish)" "decline" "wish in JSON"
expect_eq "$(printf '%s' "$OUT" | json birth_year)" "1931" "birth year in JSON"
expect_eq "$(printf '%s' "$OUT" | json heirs.0.share)" "1/2" "share in JSON"
expect_eq "$(printf '%s' "$OUT" | json identity)" "undefined" "identity without --reveal"
expect_exit 0 as rita person list && keep
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 4 "lines of person list"
expect_exit 0 as rita person list --json --status alive && keep
expect_eq "$(printf '%s' "$OUT" | json 3.pseudonym)" "V-000002" "the last alive person in JSON"

# A reveal gives the fields back, and is an event naming the account.
size=$(log_size)
expect_exit 0 as carol person show V-000001 --reveal --reason CANARY-REASON-0c61
expect_in "$OUT" "name        CANARY-NAME-7f3a"
expect_in "$OUT" "birth date  1931-07-19"
expect_in "$OUT" "national id CANARY-NID-91c2"
expect_in "$OUT" "phone       CANARY-PHONE-2b6e"
expect_in "$OUT" "address     CANARY-ADDR-c04d"
expect_eq "$(log_size)" "$((size + 1))" "log size after a reveal"
expect_exit 0 as ada audit show --index "$size" --raw
expect_in "$OUT" '"actor":"user:carol"'
expect_in "$OUT" '"type":"registry.person.revealed"'
expect_exit 0 as carol person show V-000001 --reveal --json
expect_eq "$(printf '%s' "$OUT" | json identity.name)" "CANARY-NAME-7f3a" "revealed name in JSON"

# The same national id, spaced, hyphenated or cased otherwise, is refused naming its holder.
size=$(log_size)
expect_exit 14 as carol person add --kind victim --name X --birth-date 1930-01-01 \
	--national-id ' canary nid 91C2 ' && keep
expect_one_line_error "this national id is already registered to V-000001"
expect_exit 14 as carol person add --kind relative --name Y --birth-date 1960-01-01 \
	--national-id '8001012345678' && keep
expect_one_line_error "already registered to V-000002"
expect_eq "$(log_size)" "$size" "log size after duplicates"

# refused CODE MESSAGE ACCOUNT ARGS...: exit CODE, MESSAGE on stderr, nothing changed.
refused() {
	code=$1 msg=$2 who=$3
	shift 3
	before=$(log_size)
	expect_exit "$code" as "$who" "$@" && expect_one_line_error "$msg"
	keep
	expect_eq "$(log_size)" "$before" "log size after '$*'"
}
refused 12 "birth date is not a date written YYYY-MM-DD" carol person add --kind victim --name X --birth-date 1930/01/01
refused 12 "birth date has day 31, which its month does not have" carol person add --kind victim --name X --birth-date 1930-02-31
refused 12 "birth date has day 29" carol person add --kind victim --name X --birth-date 1931-02-29
refused 12 "birth date is in the future" carol person add --kind victim --name X --birth-date 2150-01-01
refused 12 "birth date has a year outside 1900 to 2199" carol person add --kind victim --name X --birth-date 1850-01-01
refused 12 "language 'fr' is not ko, ja or en" carol person add --kind victim --name X --birth-date 1930-01-01 --language fr
refused 12 "region has a character other than" carol person add --kind victim --name X --birth-date 1930-01-01 --region 'KR 11'
refused 12 "name is 201 bytes long; the limit is 200" carol person add --kind victim --name "$(printf '%0201d' 0)" --birth-date 1930-01-01
refused 2 "--frailty is 0, 1, 2 or 3" carol person add --kind victim --name X --birth-date 1930-01-01 --frailty 4
refused 2 "--kind: kind 'survivor' is not victim or relative" carol person add --kind survivor --name X --birth-date 1930-01-01
refused 2 "'add' needs --kind, --name and --birth-date" carol person add --kind victim --name X
refused 13 "no person 'V-000099'" rita person show V-000099
refused 13 "no person 'V-000099'" carol person death V-000099 --date 2020-01-01
refused 12 "a pseudonym is V-000042" rita person show Kim
refused 12 "date of death is before V-000001's birth date" carol person death V-000001 --date 1931-07-18
refused 12 "date of death has day 31" carol person death V-000001 --date 2020-04-31
refused 12 "date of death is in the future" carol person death V-000001 --date 2190-01-01
refused 12 "share '1/0' must be P/Q" carol relation add V-000001 R-000002 --relation son --share 1/0
refused 12 "share 'half' is not a fraction" carol relation add V-000001 R-000002 --relation son --share half
refused 12 "share '3/2' must be P/Q" carol relation add V-000001 R-000002 --relation son --share 3/2
refused 15 "V-000001's heirs already hold 1/2; another 2/3 would make more than 1" carol relation add V-000001 R-000002 --relation son --share 2/3
refused 14 "R-000001 is already recorded as an heir of V-000001" carol relation add V-000001 R-000001 --relation daughter --share 1/4
refused 12 "a relative's pseudonym; a victim's starts with V-" carol relation add R-000001 R-000002 --relation son --share 1/4
refused 12 "relation 'my son' has ' '" carol relation add V-000001 R-000002 --relation 'my son' --share 1/4
refused 12 "scope 'marketing' is not processing" carol consent grant V-000001 --scope marketing --method x
refused 2 "wish 'maybe' is not accept, decline or undecided" carol consult add V-000001 --wish maybe
refused 2 "'add' takes one PSEUDONYM and --wish" carol consult add V-000001
# Exactly the whole is allowed.
expect_exit 0 as carol relation add V-000001 R-000002 --relation son --share 1/2 && keep

# Roles: a reviewer cannot add a person or reveal; a monitor cannot list or read files;
# only an admin erases; a caseworker may not.
refused 15 "account 'rita' (reviewer) may not register or change persons" rita person add --kind victim --name X --birth-date 1930-01-01
refused 15 "account 'rita' (reviewer) may not reveal a person's identity" rita person show V-000001 --reveal
refused 15 "account 'mona' (monitor) may not read persons' case files" mona person list
refused 15 "account 'mona' (monitor) may not read persons' case files" mona person show V-000001
refused 15 "account 'carol' (caseworker) may not erase a person" carol person erase V-000002
refused 15 "account 'ada' (admin) may not record consent or consultations" ada consult add V-000001 --wish accept
printf 'kind,name,birth_date\nvictim,A,1930-01-01\n' >"$T/one.csv"
refused 15 "may not register or change persons" mona person import "$T/one.csv"

# CSV import: errors name file, line and field, and import nothing.
csv="$T/people.csv"
cat >"$csv" <<'EOF'
kind,name,birth_date,national_id,phone,address,region,language,frailty
victim,CANARY-CSVNAME-4d2e,1933-03-03,CANARY-CSVNID-0b3f,,CANARY-CSVADDR-e671,KR-26,ko,2
relative,"Choi, ""Min""",1961-11-11,,,,,en,
victim,Jung,1930-02-30,,,,,,
EOF
refused 12 "$csv: line 4, field 'birth_date': birth date has day 30" carol person import "$csv"
printf 'kind,name,birth_date,nickname\nvictim,A,1930-01-01,x\n' >"$T/unknown.csv"
refused 12 "$T/unknown.csv: line 1: unknown column 'nickname'" carol person import "$T/unknown.csv"
printf 'kind,name,birth_date\nvictim,A,1930-01-01\nvictim,"B,1930-01-01\n' >"$T/open.csv"
refused 12 "$T/open.csv: line 3: malformed CSV" carol person import "$T/open.csv"
printf 'kind,name,birth_date\nvictim,A,1930-01-01\nvictim,B"C,1930-01-01\n' >"$T/stray.csv"
refused 12 "$T/stray.csv: line 3: malformed CSV" carol person import "$T/stray.csv"
printf 'kind,name,birth_date\nvictim,A,1930-01-01,more\n' >"$T/fields.csv"
refused 12 "$T/fields.csv: line 2: 4 fields where the header has 3" carol person import "$T/fields.csv"
printf 'kind,name,birth_date,national_id\nvictim,A,1930-01-01,AB-12\n\nvictim,B,1930-01-01,ab 12\n' >"$T/dup.csv"
refused 12 "$T/dup.csv: line 4, field 'national_id': the same national id as line 2" carol person import "$T/dup.csv"
printf 'kind,name,birth_date,national_id\nvictim,A,1930-01-01,\nvictim,B,1930-01-01,800101 2345678\n' >"$T/held.csv"
refused 14 "$T/held.csv: line 3: this national id is already registered to V-000002" carol person import "$T/held.csv"
printf 'kind,name\nvictim,A\n' >"$T/short.csv"
refused 12 "line 1: the header has no 'birth_date' column" carol person import "$T/short.csv"
refused 22 "cannot read '$T/absent.csv'" carol person import "$T/absent.csv"
refused 2 "'import' takes exactly one FILE" carol person import

# --dry-run checks everything and changes nothing; then the import, all at once.
head -3 "$csv" >"$T/good.csv"
size=$(log_size)
expect_exit 0 as carol person import "$T/good.csv" --dry-run && keep
expect_in "$OUT" "2 rows are valid; nothing was imported (--dry-run)"
expect_eq "$(log_size)" "$size" "log size after --dry-run"
# On a terminal (script(1) gives one) a progress bar is drawn on stderr.
if command -v script >/dev/null 2>&1; then
	checks=$((checks + 1))
	progress=$(REDRESS_PASSWORD_FILE="$T/carol.pw" script -qec "'$REDRESS' --db '$DB' --keys '$KEYS' --as carol person import '$T/good.csv' --dry-run" /dev/null 2>&1)
	case "$progress" in
	*"importing ["*"100%"*) ;;
	*) fail "no progress bar on a terminal: $progress" ;;
	esac
	expect_eq "$(log_size)" "$size" "log size after --dry-run on a terminal"
fi
# Not a terminal here: no progress bar.
expect_exit 0 as carol person import "$T/good.csv" && keep
expect_in "$OUT" "line 2: V-000003"
expect_in "$OUT" "line 3: R-000003"
expect_in "$OUT" "2 persons imported"
expect_eq "$ERR" "" "stderr of an import when it is not a terminal"
expect_eq "$(log_size)" "$((size + 2))" "log size after the import"
expect_exit 0 as carol person show V-000003 --reveal
expect_in "$OUT" "address     CANARY-CSVADDR-e671"
expect_exit 0 as carol person show R-000003 --reveal
expect_in "$OUT" 'name        Choi, "Min"'

# A death, then an erasure: the wrapped key leaves the database's files.
expect_exit 0 as carol person death V-000001 --date 2020-02-29 && keep
expect_eq "$OUT" "V-000001: deceased on 2020-02-29"
refused 14 "V-000001 is already recorded as deceased" carol person death V-000001 --date 2021-01-01
wrapped=$(db_sql "SELECT wrapped FROM registry_keys WHERE pseudonym = 'V-000001'")
checks=$((checks + 1))
[ -n "$wrapped" ] || fail "no wrapped key for V-000001 before erasure"
expect_exit 0 as ada person erase V-000001 && keep
expect_in "$OUT" "V-000001: erased"
checks=$((checks + 1))
if db_dump | grep -aqF "${wrapped#s1:}"; then
	fail "the database's content still holds V-000001's wrapped key after erasure"
fi
if sqlite_only "the wrapped key gone from the database's files" \
	"PostgreSQL's dead rows and WAL keep it until the procedure of docs/deploy.md, 'Erasure on PostgreSQL'"; then
	for f in "$DB" "$DB-wal"; do
		checks=$((checks + 1))
		if [ -f "$f" ] && grep -aqF "${wrapped#s1:}" "$f"; then
			fail "$(basename "$f") still holds V-000001's wrapped key after erasure"
		fi
	done
fi
refused 13 "V-000001 was erased: the identity can no longer be read" carol person show V-000001 --reveal
refused 14 "V-000001 was already erased" ada person erase V-000001
refused 14 "V-000001 was erased" carol consult add V-000001 --wish accept
expect_exit 0 as rita person show V-000001 && keep
expect_in "$OUT" "V-000001  victim, erased"
expect_in "$OUT" "died        2020-02-29"
expect_exit 0 as rita person list --status erased && keep
expect_eq "$(printf '%s\n' "$OUT" | wc -l)" 1 "erased persons"

# The audit still verifies, by the fast path: no row-by-row replay.
expect_exit 0 rd audit verify --json && keep
expect_eq "$(printf '%s' "$OUT" | json replayed)" "false" "audit replayed"
expect_eq "$(printf '%s' "$OUT" | json findings)" "[]" "audit findings"

# No canary anywhere: the database, its journal, any event's bytes, any output.
# Every event's bytes, straight from the database (as `audit show --raw` gives them).
n=$(log_size)
expect_eq "$(db_sql 'SELECT count(*) FROM log_events')" "$n" "events read"
db_events >"$T/events"
for canary in $CANARIES; do
	for f in "$DB" "$DB-wal" "$T/events" "$OUTPUTS"; do
		checks=$((checks + 1))
		if [ -f "$f" ] && grep -aqF -- "$canary" "$f"; then
			fail "$(basename "$f") holds the canary $canary"
		fi
	done
	# On PostgreSQL, the cluster's files (its WAL too) and a dump of the fund.
	if db_pg; then
		checks=$((checks + 1))
		if db_files_hold -F -- "$canary"; then
			fail "the PostgreSQL cluster's files or the fund's dump hold the canary $canary"
		fi
	fi
done
# ... while the events do hold the sealed fields.
expect_in "$(cat "$T/events")" '"identity":"s1:'
expect_in "$(cat "$T/events")" '"witness":"s1:'

# Tampering with the registry is named by the audit.
db_sql "UPDATE registry_persons SET frailty = 2 WHERE pseudonym = 'V-000002'" || fail "the database's shell failed"
expect_exit 1 rd audit verify
expect_in "$ERR" "registry_persons 'V-000002': frailty is '2'"
finish
