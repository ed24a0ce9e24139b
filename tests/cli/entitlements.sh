# entitlements.sh -- from approved claims to booked payables and the queue:
# the flagship rules (a survivor, a victim who had died with two heirs in
# thirds, a survivor who declines and later accepts, a survivor who dies
# unpaid), exact shares, the fund that may not owe more than it holds,
# idempotent runs, the queue's order, roles, and a clean audit.
. "$SRCDIR/tests/cli/lib.sh"

. "$SRCDIR/tests/cli/fund_lib.sh"

json_len() {
	node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).length))'
}

# The fund holds 300,000,000 KRW to begin with.
fund_setup test.example/entitlements 300000000
fund_people
R3=$(person --kind relative --name "Synthetic Niece A1" --birth-date 1960-01-01)
approve_claims "$V1" "$V2" "$V3" "$V4"

# Roles: only finance runs entitlements and reads the queue.
expect_exit 15 as cid entitlements compute --program flagship-2015
expect_exit 15 as mona queue --program flagship-2015
expect_exit 15 as rita entitlements compute --program flagship-2015

# The fund holds 300,000,000 but would owe 320,000,000: nothing is booked.
size=$(log_size)
expect_exit 15 as fin entitlements compute --program flagship-2015
expect_one_line_error "falls short by 20000000 KRW"
expect_eq "$(log_size)" "$size" "log size after a refused run"
expect_exit 15 as fin entitlements compute --program flagship-2015 --dry-run
expect_one_line_error "falls short by 20000000 KRW"
expect_exit 0 as fin ledger transfer --id gift-2 --from gift --to bank:krw --amount 100000000
size=$(log_size)
expect_exit 0 as fin entitlements compute --program flagship-2015 --dry-run
expect_in "$OUT" "dry run, nothing changed: would book 5 entitlements (1 of them declined"
expect_eq "$(log_size)" "$size" "log size after a dry run"

expect_exit 0 as fin entitlements compute --program flagship-2015
expect_in "$OUT" "5 entitlements booked (1 of them declined by the person), 320000000 in minor units"
# One payable transfer for the run; the entitlements are its subsidiary ledger.
expect_exit 0 as fin ledger history payable:flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json_len)" 1 "payable transfers after the run"
expect_eq "$(printf '%s' "$OUT" | json 0.amount)" 320000000 "the run's payable"
expect_eq "$(printf '%s' "$OUT" | json 0.ref)" "flagship-2015: 5 entitlements" "the run's reference"
case "$(printf '%s' "$OUT" | json 0.id)" in E-RUN-*) checks=$((checks + 1)) ;; *) fail "run transfer id" ;; esac
# The bereaved amount in thirds: 6,666,666.67 and 13,333,333.33; the leftover unit to the larger remainder.
expect_exit 0 as fin queue --program flagship-2015 --json
q=$OUT
expect_eq "$(printf '%s' "$q" | json_len)" 4 "queued entitlements (the declined one is not)"
expect_eq "$(printf '%s' "$q" | json 0.beneficiary)" "$V2" "most frail first"
expect_eq "$(printf '%s' "$q" | json 1.beneficiary)" "$V1" "then the next most frail"
expect_eq "$(printf '%s' "$q" | json 2.beneficiary)" "$R1" "then the oldest heir"
expect_eq "$(printf '%s' "$q" | json 2.amount)" "6666667" "heir with 1/3 and the leftover unit"
expect_eq "$(printf '%s' "$q" | json 3.amount)" "13333333" "heir with 2/3"
expect_exit 0 as fin ledger balance payable:flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 320000000 "the payable: everything owed, declined included"

# Again: nothing booked twice.
size=$(log_size)
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_in "$OUT" "0 entitlements booked"
expect_in "$OUT" "5 already booked"
expect_eq "$(log_size)" "$size" "log size after a second run"

# The survivor who declined changes her mind: the next run queues her.
expect_exit 0 as cid consult add "$V4" --wish accept
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_in "$OUT" "1 moved by a changed wish"
expect_exit 0 as fin queue --program flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json_len)" 5 "queued after acceptance"

# A survivor dies unpaid: with no heirs recorded her entitlement stays, visibly owed.
expect_exit 0 as cid person death "$V1" --date 2026-10-01
expect_in "$OUT" "stay queued in her name"
expect_exit 0 as cid relation add "$V1" "$R3" --relation niece --share 1/1
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_exit 0 as fin queue --program flagship-2015 --json
expect_in "$OUT" "\"beneficiary\": \"$R3\""
case "$OUT" in *"\"beneficiary\": \"$V1\""*) fail "a deceased survivor is still in the queue" ;; esac
checks=$((checks + 1))
expect_exit 0 as fin ledger balance payable:flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 320000000 "moving to heirs changes no total"

expect_exit 0 rd audit verify --json
expect_eq "$(printf '%s' "$OUT" | json ok)" "true" "audit"
expect_eq "$(printf '%s' "$OUT" | json replayed)" "false" "audit on the fast path"
db_sql "UPDATE entitlements SET amount = 1 WHERE beneficiary = '$R2'"
expect_exit 1 rd audit verify
expect_in "$ERR" "entitlements 'E-C-000003-$R2': amount is '1'"
finish
