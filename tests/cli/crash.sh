# crash.sh -- kill -9 at random moments while transfers are being booked:
# afterwards the log, the tree, the checkpoints and the ledger all agree,
# and every transfer that was reported booked is there.
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
finish
