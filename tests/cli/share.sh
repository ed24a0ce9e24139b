# share.sh -- the command line and the server on one fund at once.  While
# `redress serve` takes a stream of HTTP transfers, the command line makes
# a change of each kind (accounts, transfers, two-phase post and void, an
# exchange, a person, a staff token); afterwards the server still writes
# (it never needs a restart), every change that was answered is in the
# ledger once, the journal stayed within its bound (SQLite's WAL; on
# PostgreSQL that soak is left out, saying so), a command waits for another
# writer up to the busy timeout, and the audit is clean.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

sign_in fumi
as fumi ledger account add share:gift --currency KRW --kind income >/dev/null || fail "account share:gift"
as fumi ledger account add share:bank --currency KRW >/dev/null || fail "account share:bank"

# http_transfers PREFIX FIRST LAST: transfers PREFIX-FIRST..LAST over one
# keep-alive connection (one curl), each with its own Idempotency-Key; the
# status of each, "ID STATUS", appended to $T/PREFIX.status.
http_transfers() {
	prefix=$1 first=$2 last=$3
	: >"$T/$prefix.cfg"
	for i in $(seq "$first" "$last"); do
		[ "$i" -gt "$first" ] && echo 'next' >>"$T/$prefix.cfg"
		cat >>"$T/$prefix.cfg" <<-EOF
			url = "$BASE/ledger/transfers"
			cookie = "$T/fumi.jar"
			header = "X-CSRF-Token: $(cat "$T/fumi.csrf")"
			header = "Content-Type: application/json"
			header = "Idempotency-Key: $prefix-$i"
			data-binary = "{\"id\": \"$prefix-$i\", \"from\": \"share:gift\", \"to\": \"share:bank\", \"amount\": \"1\"}"
			output = "/dev/null"
			write-out = "$prefix-$i %{http_code}\n"
		EOF
	done
	curl -s -K "$T/$prefix.cfg" >>"$T/$prefix.status"
}

# 1. HTTP writes in the background while the command line writes of each kind.
http_transfers h 1 400 &
http=$!
expect_exit 0 as fumi ledger account add share:fx --currency JPY --kind income
expect_in "$OUT" "opened" "the account's line, printed after its commit"
expect_exit 0 as fumi ledger transfer --id cli-1 --from share:gift --to share:bank --amount 5
expect_in "$OUT" "transfer cli-1" "the transfer's line"
expect_exit 0 as fumi ledger transfer --id cli-2 --from share:gift --to share:bank --amount 7 --pending
expect_exit 0 as fumi ledger post cli-2
expect_exit 0 as fumi ledger transfer --id cli-3 --from share:gift --to share:bank --amount 9 --pending
expect_exit 0 as fumi ledger void cli-3
expect_exit 0 as fumi ledger account add share:jpy --currency JPY
expect_exit 0 as fumi ledger exchange --id cli-x --from share:bank --amount 3 --to share:jpy --to-amount 1
expect_exit 0 as cho person add --kind victim --name "Synthetic Share Person" --birth-date 1930-01-01
expect_exit 0 as moe user token
for i in $(seq 4 20); do
	expect_exit 0 as fumi ledger transfer --id "cli-$i" --from share:gift --to share:bank --amount 1 ||
		break
done
wait "$http"

# 2. The server still writes after the command line's changes: no restart.
http_transfers after 1 20
bad=$(awk '$2 != 201' "$T/h.status" "$T/after.status")
expect_eq "$bad" "" "HTTP transfers not answered 201"
expect_eq "$(wc -l <"$T/h.status")" 400 "answers to the first stream"
expect_eq "$(wc -l <"$T/after.status")" 20 "answers after the command line's changes"

# 3. Every answered transfer is in the ledger, once; so are the command line's.
as fumi ledger history share:bank --json >"$T/history.json" 2>"$T/history.err" ||
	fail "ledger history: $(cat "$T/history.err")"
missing=0
while read -r id _; do
	[ "$(grep -c "\"id\": \"$id\"" "$T/history.json")" -eq 1 ] || missing=$((missing + 1))
done < <(cat "$T/h.status" "$T/after.status")
expect_eq "$missing" 0 "answered HTTP transfers not in the ledger exactly once"
for i in 1 2 $(seq 4 20); do
	grep -q "\"id\": \"cli-$i\"" "$T/history.json" || fail "cli-$i is not in the ledger"
done
checks=$((checks + 1))

# 4. A soak: 1500 writes on one connection, a reader beside it that also
# watches the journal's size; the journal stays bounded.  (Without a
# checkpoint, 1500 commits of a few pages each are over 30 MiB.)
if sqlite_only "the soak's bound on the journal" "SQLite's WAL file; PostgreSQL's WAL is the cluster's"; then
	(
		max=0
		for _ in $(seq 400); do
			curl -s -o /dev/null -b "$T/fumi.jar" "$BASE/ledger/accounts" || break
			size=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
			[ "$size" -gt "$max" ] && max=$size
		done
		echo "$max" >"$T/wal.max"
	) &
	readers=$!
	http_transfers soak 1 1500
	wait "$readers"
	expect_eq "$(awk '$2 != 201' "$T/soak.status" | wc -l)" 0 "soak transfers not answered 201"
	wal=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)
	max=$(cat "$T/wal.max")
	[ "$wal" -gt "$max" ] && max=$wal
	if [ "$max" -gt $((16 * 1024 * 1024)) ]; then
		fail "the journal grew to $max bytes under 1500 writes (bound: 16 MiB)"
	fi
	checks=$((checks + 1))
	echo "journal during the soak: at most $max bytes, $wal at the end"
fi

# 5. A command waits for another process's write, up to the busy timeout
# (10 s); past it, it fails with its own status, 24, having changed nothing.
stop_server
db_hold_writer 2 &
sleep 0.5
expect_exit 0 as fumi ledger transfer --id wait-1 --from share:gift --to share:bank --amount 1
wait
db_hold_writer 12 &
sleep 0.5
expect_exit 24 as fumi ledger transfer --id busy-1 --from share:gift --to share:bank --amount 1
expect_in "$ERR" "the database is busy"
expect_not_in "$OUT" "busy-1" "standard output of a change that failed"
wait
as fumi ledger history share:bank --json >"$T/history.json"
expect_not_in "$(cat "$T/history.json")" '"busy-1"' "the ledger after a busy refusal"
expect_in "$(cat "$T/history.json")" '"wait-1"' "the ledger after a wait"
expect_exit 0 rd audit verify
finish
