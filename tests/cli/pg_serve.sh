# pg_serve.sh -- two `redress serve` on one PostgreSQL fund, writing at
# once (issue 12): a caseworker signed in on one server is signed in on
# both (sessions live in the database); registrations posted to both
# servers at the same time are each answered 201, each found through the
# other server, and the log stays one sequence -- every event number once,
# no gap, no fork -- which `audit verify` then checks end to end.  Retries
# with the same Idempotency-Key through the other server book nothing twice.
# When the database cuts every connection (a restart, a failover), both
# servers answer the next reads and writes on new connections.
# PostgreSQL only: run by tests/pg/run.sh (REDRESS_TEST_PG); skipped else.
. "$SRCDIR/tests/cli/lib.sh"
if [ -z "${REDRESS_TEST_PG:-}" ]; then
	echo "SKIP: needs a PostgreSQL cluster (tests/pg/run.sh)" >&2
	exit 77
fi
. "$SRCDIR/tests/cli/serve_lib.sh"

SERVER2=
trap 'stop_server; [ -n "$SERVER2" ] && kill "$SERVER2" 2>/dev/null; rm -rf "$T"' EXIT
"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/port2" 2>"$T/server2.log" &
SERVER2=$!
for _ in $(seq 100); do
	[ -s "$T/port2" ] && break
	sleep 0.1
done
PORT2=$(head -n1 "$T/port2")
[ -n "$PORT2" ] || { fail "the second server did not say its port: $(cat "$T/server2.log")"; finish; }
BASE1=$BASE
BASE2="http://127.0.0.1:$PORT2/api/v1"

sql() {
	psql "$DB" -Atq -c "$1"
}

# A session on each server: cookie jars cho1 (server 1) and cho (server 2).
sign_in cho
mv "$T/cho.jar" "$T/cho1.jar"
mv "$T/cho.csrf" "$T/cho1.csrf"
BASE=$BASE2
sign_in cho
BASE=$BASE1
# jar_of BASE: the session's name on that server.
jar_of() {
	[ "$1" = "$BASE1" ] && echo cho1 || echo cho
}

size0=$(sql "SELECT count(*) FROM log_events")
n=12
# post WHICH BASE: n registrations through one server, one after another.
post() {
	for i in $(seq "$n"); do
		curl -s -o "$T/reg-$1-$i" -w '%{http_code}\n' -X POST -b "$T/$(jar_of "$2").jar" \
			-H "X-CSRF-Token: $(cat "$T/$(jar_of "$2").csrf")" -H 'Content-Type: application/json' \
			-H "Idempotency-Key: two-servers-$1-$i" \
			--data-binary "{\"kind\": \"victim\", \"name\": \"Synthetic Twoservers $1 $i\", \"birth_date\": \"1930-01-0$((i % 9 + 1))\"}" \
			"$2/persons" >>"$T/status-$1"
	done
}
post a "$BASE1" &
pa=$!
post b "$BASE2" &
pb=$!
wait "$pa" "$pb"
expect_eq "$(grep -c '^201$' "$T/status-a")" "$n" "registrations answered 201 by server 1"
expect_eq "$(grep -c '^201$' "$T/status-b")" "$n" "registrations answered 201 by server 2"

# Each is found through the other server.
for i in $(seq "$n"); do
	pa=$(json pseudonym <"$T/reg-a-$i")
	pb=$(json pseudonym <"$T/reg-b-$i")
	BASE=$BASE2
	call cho GET "/persons/$pa"
	expect_status 200 "server 1's registration $i read through server 2"
	BASE=$BASE1
	call cho1 GET "/persons/$pb"
	expect_status 200 "server 2's registration $i read through server 1"
done

# One sequence: every number from 0 to the size once, the tree as large.
size1=$(sql "SELECT count(*) FROM log_events")
expect_eq "$(sql "SELECT count(DISTINCT seq) = count(*) AND min(seq) = 0 AND max(seq) + 1 = count(*) FROM log_events")" t \
	"event numbers one sequence without gap"
expect_eq "$(log_size)" "$size1" "the signed checkpoint's size against the events"
per=$(((size1 - size0) / (2 * n)))
expect_eq "$((size1 - size0))" "$((per * 2 * n))" "every registration the same number of events"
[ "$per" -ge 1 ] || fail "the registrations made no events"

# A retry of each through the other server answers the same and books nothing.
for i in 1 2 3; do
	STATUS=$(curl -s -o "$T/retry" -w '%{http_code}' -X POST -b "$T/cho.jar" \
		-H "X-CSRF-Token: $(cat "$T/cho.csrf")" -H 'Content-Type: application/json' \
		-H "Idempotency-Key: two-servers-a-$i" \
		--data-binary "{\"kind\": \"victim\", \"name\": \"Synthetic Twoservers a $i\", \"birth_date\": \"1930-01-0$((i % 9 + 1))\"}" \
		"$BASE2/persons")
	checks=$((checks + 1))
	case "$STATUS" in 2*) ;; *) fail "the retry of registration a-$i through server 2 answered $STATUS: $(cat "$T/retry")" ;; esac
	expect_eq "$(json pseudonym <"$T/retry")" "$(json pseudonym <"$T/reg-a-$i")" "the retry's answer"
done
expect_eq "$(sql "SELECT count(*) FROM log_events")" "$size1" "the log after the retries"

# Every connection of both servers cut (as a database restart or a failover
# does): the next requests are answered, on new connections.
sql "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" >/dev/null
sleep 0.5
for b in "$BASE1" "$BASE2"; do
	BASE=$b
	who=$(jar_of "$b")
	call "$who" GET "/persons/$(json pseudonym <"$T/reg-a-1")"
	expect_status 200 "a read after the database cut the connections ($b)"
	jcall "$who" POST /persons '{"kind": "victim", "name": "Synthetic After The Cut", "birth_date": "1930-02-02"}'
	expect_status 201 "a registration after the database cut the connections ($b)"
done
BASE=$BASE1

stop_server
kill "$SERVER2" 2>/dev/null
wait "$SERVER2" 2>/dev/null
SERVER2=
expect_exit 0 rd audit verify
expect_in "$OUT" "verified: "
finish
