# demo.sh -- the main job: `redress demo` does a foundation's work with
# synthetic people, each step by the account whose role it needs, verifies
# it, and can be run again with --fresh; its figures are the agreement's.
. "$SRCDIR/tests/cli/lib.sh"

expect_exit 0 rd demo
demo=$OUT
expect_in "$demo" "created 6 staff accounts, one per role"
expect_in "$demo" "booked 8 entitlements (1 declined by the person)"
expect_in "$demo" "died unpaid: 1 entitlement passed to her heir"
expect_in "$demo" "all agree"
expect_in "$demo" "refused, as it must be: account 'bank:krw' may not go below zero"
# The demo's people are synthetic and never appear in its output or its log in clear.
case "$demo" in *"Demo Survivor"*) fail "a demo name appears in the demo's output" ;; esac
checks=$((checks + 1))
if db_files_hold "Demo Survivor"; then fail "a demo name is in the database in clear"; fi
checks=$((checks + 1))

# Sign in as the demo's finance account, with the password it printed.
printf '%s\n' "$(printf '%s\n' "$demo" | awk '$1 == "fumi" { print $4 }')" >"$T/fumi.pw"
fin() {
	REDRESS_PASSWORD_FILE="$T/fumi.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as fumi "$@"
}
# 10,800,000,000 KRW received; 540,000,000 owed and 440,000,000 of it paid
# (one payment returned and paid again), 100,000,000 at the bank, and
# 100,000,000 declined by the person and never paid.
expect_exit 0 fin ledger balance bank:krw --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 10460000000 "fund balance after payments"
expect_eq "$(printf '%s' "$OUT" | json available)" 10360000000 "fund available with the pending payment"
expect_exit 0 fin ledger balance payable:flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json available)" 100000000 "owed and not paid: the declined entitlement"
expect_exit 0 fin ledger balance pledges:jpy --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 0 "the pledge received and converted in full"
expect_exit 0 fin pledge list --json
expect_eq "$(printf '%s' "$OUT" | json 0.donor)/$(printf '%s' "$OUT" | json 0.received)" \
	"Government of Japan/1000000000" "the demo's pledge"
# The public report, published by the monitor and verified with the public key alone; its
# files are named after the database's file (on PostgreSQL, after the key directory).
base=${DB%.db}
if db_pg; then base=$KEYS; fi
rd audit pubkey >"$T/demo.vkey"
expect_exit 0 "$REDRESS" report verify "$base-report.json" --pubkey "$T/demo.vkey"
expect_in "$(cat "$base-report.html")" "<svg"
# Paid through the bank: the first batch in queue order (Survivor Two, frailty 3, died
# unpaid, so Survivor One, frailty 2, leads); the bank booked five, returned one (AC04) and
# still holds the last; the returned one paid in a second batch.  Nothing is left queued.
expect_in "$demo" "batch B-000001: 7 payments in queue order"
expect_in "$demo" "5 settled, 1 returned, one still at the bank"
expect_exit 0 fin pay status B-000001 --json
expect_eq "$(printf '%s' "$OUT" | json payments.0.beneficiary)" "V-000001" "the first paid"
expect_eq "$(printf '%s' "$OUT" | json settled)" 5 "settled in the first batch"
expect_eq "$(printf '%s' "$OUT" | json payments.1.reason)" AC04 "the returned payment's reason"
expect_eq "$(printf '%s' "$OUT" | json pending)" 1 "still at the bank"
expect_exit 0 fin pay status B-000002 --json
expect_eq "$(printf '%s' "$OUT" | json settled)" 1 "paid again"
expect_exit 0 fin queue --program flagship-2015 --json
expect_eq "$OUT" "[]" "the queue after the demo's payments"
# The bank files it wrote: well-formed, and only for their owner.
for f in "$T"/demo-pain.001-B-000001.xml "$T"/demo-camt.054-B-000001.xml; do
	checks=$((checks + 1))
	xmllint --noout "$f" || fail "$f is not well-formed"
	checks=$((checks + 1))
	[ "$(stat -c %a "$f")" = 600 ] || fail "$f is not mode 0600"
done
# ... and valid against the official ISO 20022 schemas (tests/iso20022).
. "$SRCDIR/tests/cli/bank_lib.sh"
for f in "$T"/demo-pain.001-*.xml; do xsd_valid "$f" pain.001.001.09; done
for f in "$T"/demo-camt.054-*.xml; do xsd_valid "$f" camt.054.001.08; done

# The program the demo embeds is examples/flagship-2015.json.
expect_exit 0 fin program show flagship-2015 --json
shown=$OUT
for field in code name names.ko names.ja names.en currency cutoff approvals benefits.survivor benefits.bereaved; do
	want=$(node -e 'const p=require(process.argv[1]);let v=p;for(const k of process.argv[2].split("."))v=v[k];console.log(String(v))' "$SRCDIR/examples/flagship-2015.json" "$field")
	expect_eq "$(printf '%s' "$shown" | json "$field")" "$want" "demo program field $field"
done
expect_eq "$(printf '%s' "$shown" | json names.ko)" "화해·치유재단 (2015년 한일 합의)" "the demo program's Korean name"

expect_exit 0 rd audit verify
# Again, from nothing.
first_key=$(rd audit pubkey)
persons=$(db_sql "SELECT count(*) FROM registry_persons")
expect_exit 0 rd demo --fresh
expect_in "$OUT" "all agree"
expect_in "$(rd audit pubkey)" "redress.demo/"
checks=$((checks + 1))
[ "$(rd audit pubkey)" != "$first_key" ] || fail "demo --fresh kept the earlier demo's log key"
expect_exit 0 rd audit verify
expect_eq "$(db_sql "SELECT count(*) FROM registry_persons")" "$persons" "persons after --fresh: the demo's, once"
# Without --fresh, an existing demo is not overwritten.
expect_exit 14 rd demo
expect_in "$ERR" "already holds a redress log"
# On PostgreSQL --fresh drops the demo's tables, never a fund's (errors.sh checks a file), and
# on a database with no log it has nothing to remove.
if db_pg; then
	OTHER=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" other) || fail "createdb other"
	expect_exit 0 "$REDRESS" --db "$OTHER" --keys "$T/other.keys" init
	expect_exit 14 "$REDRESS" --db "$OTHER" --keys "$T/other.keys" demo --fresh
	expect_in "$ERR" "holds a fund's log, not a demo's: --fresh will not remove it"
	expect_exit 0 "$REDRESS" --db "$OTHER" --keys "$T/other.keys" audit verify
	EMPTY=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" empty) || fail "createdb empty"
	expect_exit 0 "$REDRESS" --db "$EMPTY" --keys "$T/empty.keys" demo --fresh
	expect_in "$OUT" "all agree"
fi
# --listen: a bad address refused before any work; a good one serves the demo once it is done.
expect_exit 2 "$REDRESS" --db "$T/listen.db" demo --listen nonsense
checks=$((checks + 1))
[ -e "$T/listen.db" ] && fail "a refused --listen still made a database"
"$REDRESS" --db "$T/listen.db" demo --listen 127.0.0.1:0 >"$T/listen.out" 2>"$T/listen.err" &
served=$!
port=
for _ in $(seq 300); do
	port=$(sed -n 's/^redress: serving .* on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/listen.err")
	[ -n "$port" ] && break
	sleep 0.1
done
expect_in "$(cat "$T/listen.out")" "web interface: http://127.0.0.1:0/"
expect_in "$(curl -s "http://127.0.0.1:$port/healthz")" '"status":"ok"' "the demo's server"
kill -TERM "$served"
wait "$served"
expect_eq "$?" 0 "the demo's server stops cleanly"
finish
