# crash.sh -- kill -9 at random moments while transfers are being booked:
# afterwards the log, the tree, the checkpoints and the ledger all agree,
# and every transfer that was reported booked is there.  Then kill -9
# during person imports of 2,000 rows (one change; their search tokens
# hashed on a second thread): each leaves nothing or everything.
. "$SRCDIR/tests/cli/lib.sh"

rounds=${CRASH_ROUNDS:-12}
expect_exit 0 rd init --origin crash.example/fund
rd ledger account add gift --currency KRW --kind income >/dev/null
rd ledger account add bank --currency KRW >/dev/null
: >"$T/booked"

for round in $(seq 1 "$rounds"); do
	(
		i=0
		while :; do
			i=$((i + 1))
			id="r$round-$i"
			if rd ledger transfer --id "$id" --from gift --to bank --amount 1 >/dev/null 2>&1; then
				echo "$id" >>"$T/booked"
			fi
		done
	) &
	writer=$!
	# Somewhere between 50 and 450 milliseconds in.
	sleep "0.$(( (RANDOM % 5) * 100 + 50 ))"
	pkill -9 -P "$writer" 2>/dev/null
	kill -9 "$writer" 2>/dev/null
	wait "$writer" 2>/dev/null
	if ! expect_exit 0 rd audit verify; then
		fail "round $round: audit after kill -9: $ERR"
		break
	fi
done

# Every transfer the command reported as booked is in the ledger.
rd ledger history bank --json >"$T/history"
missing=0
while read -r id; do
	grep -q "\"id\": \"$id\"" "$T/history" || missing=$((missing + 1))
done <"$T/booked"
expect_eq "$missing" 0 "transfers reported booked but missing"
booked=$(wc -l <"$T/booked")
[ "$booked" -gt 0 ] || fail "no transfer was booked at all: the test proved nothing"
checks=$((checks + 1))
echo "booked $booked transfers across $rounds kills"

# Imports killed at random moments: every time no one or all of them, and a clean audit.
staff_passwords crash ada carol
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add carol --role caseworker --password-file "$T/carol.pw"
# people_csv ROUND: 2,000 persons whose national ids are the round's own.
people_csv() {
	echo "kind,name,birth_date,national_id,phone"
	for i in $(seq 1 2000); do
		echo "victim,Synthetic Person $i 김순자,1930-01-01,SYN-$1-$i,010-5555-$i"
	done
}
imports=${CRASH_IMPORTS:-6}
whole=0
for round in $(seq 1 "$imports"); do
	people_csv "$round" >"$T/people.csv"
	before=$(db_sql "SELECT count(*) FROM registry_persons")
	as carol person import "$T/people.csv" >/dev/null 2>&1 &
	importer=$!
	# Somewhere between 50 and 600 milliseconds in (opening the fund and the password take ~0.1 s).
	sleep "0.$(printf '%02d' $((RANDOM % 56 + 5)))"
	pkill -9 -P "$importer" 2>/dev/null
	kill -9 "$importer" 2>/dev/null
	wait "$importer" 2>/dev/null
	# On PostgreSQL the server ends the killed client's session on its own time: wait for it.
	if db_pg; then
		n=0
		while [ "$(db_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND pid <> pg_backend_pid()")" != 0 ] && [ $n -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	fi
	now=$(db_sql "SELECT count(*) FROM registry_persons")
	case $((now - before)) in
	0) ;;
	2000) whole=$((whole + 1)) ;;
	*) fail "round $round: an import killed left $((now - before)) of 2000 persons" ;;
	esac
	checks=$((checks + 1))
	if ! expect_exit 0 rd audit verify; then
		fail "import round $round: audit after kill -9: $ERR"
		break
	fi
done
# One more, not killed: all 2,000, and the audit clean.
people_csv last >"$T/people.csv"
before=$(db_sql "SELECT count(*) FROM registry_persons")
expect_exit 0 as carol person import "$T/people.csv"
expect_eq "$(( $(db_sql "SELECT count(*) FROM registry_persons") - before ))" 2000 "persons imported"
expect_exit 0 rd audit verify
echo "imports killed: $imports, of which $whole had committed"
finish
