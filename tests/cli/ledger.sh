# ledger.sh -- the ledger commands end to end: accounts, transfers, retries,
# two-phase transfers, exchange, balances and history, text and JSON.
. "$SRCDIR/tests/cli/lib.sh"

expect_exit 0 rd init --origin test.example/fund
expect_in "$OUT" "created $DB"
[ "$(stat -c %a "$KEYS")" = 700 ] || fail "key directory mode is $(stat -c %a "$KEYS"), not 700"
[ "$(stat -c %a "$KEYS/log.key")" = 600 ] || fail "log.key mode is $(stat -c %a "$KEYS/log.key"), not 600"
checks=$((checks + 2))
expect_exit 14 rd init
expect_in "$ERR" "already holds a redress log"

expect_exit 0 rd ledger account add income:japan --currency JPY --kind income --name "Contribution"
expect_exit 0 rd ledger account add bank:jpy --currency JPY --no-overdraft
expect_exit 0 rd ledger account add bank:krw --currency KRW --no-overdraft
expect_exit 0 rd ledger account add payable --currency KRW --kind liability
expect_exit 0 rd ledger account add usd --currency USD
expect_exit 0 rd ledger account add usd-income --currency USD --kind income
# Opening again with the same settings is a no-op; with others, a conflict.
expect_exit 0 rd ledger account add bank:krw --currency KRW --no-overdraft
expect_in "$OUT" "already exists"
expect_exit 14 rd ledger account add bank:krw --currency USD
expect_in "$ERR" "already exists with other settings"

expect_exit 0 rd ledger transfer --id gift-1 --from income:japan --to bank:jpy --amount 1000000000 --ref "2015 agreement"
expect_in "$OUT" "transfer gift-1: 1000000000 JPY from income:japan to bank:jpy, posted"
size=$(log_size)
expect_exit 0 rd ledger transfer --id gift-1 --from income:japan --to bank:jpy --amount 1000000000 --ref "2015 agreement"
expect_in "$OUT" "already booked; nothing changed"
expect_eq "$(log_size)" "$size" "log size after a retried transfer"
expect_exit 14 rd ledger transfer --id gift-1 --from income:japan --to bank:jpy --amount 2
expect_in "$ERR" "already used with a different --amount"

expect_exit 0 rd ledger exchange --id fx-1 --from bank:jpy --amount 1000000000 --to bank:krw --to-amount 10800000000
expect_in "$OUT" "transfer fx-1/out: 1000000000 JPY from bank:jpy to exchange:JPY, posted"
expect_in "$OUT" "transfer fx-1/in: 10800000000 KRW from exchange:KRW to bank:krw, posted"

expect_exit 0 rd ledger transfer --id pay-1 --from bank:krw --to payable --amount 100000000 --pending --ref V-000001
expect_in "$OUT" "pending"
expect_exit 0 rd ledger balance bank:krw --json
expect_eq "$(printf '%s' "$OUT" | json balance)" "10800000000" "posted balance"
expect_eq "$(printf '%s' "$OUT" | json available)" "10700000000" "available balance"
expect_exit 0 rd ledger post pay-1
expect_in "$OUT" "posted"
expect_exit 14 rd ledger post pay-1
expect_in "$ERR" "not pending"
expect_exit 0 rd ledger transfer --id pay-2 --from bank:krw --to payable --amount 20000000 --pending
expect_exit 0 rd ledger void pay-2
expect_in "$OUT" "voided"
expect_exit 14 rd ledger void pay-2

expect_exit 0 rd ledger transfer --id usd-1 --from usd-income --to usd --amount 1250.50
expect_exit 0 rd ledger balance usd --json
expect_eq "$(printf '%s' "$OUT" | json balance)" "1250.50" "USD balance text"
expect_eq "$(printf '%s' "$OUT" | json balance_minor)" "125050" "USD balance in minor units"

expect_exit 0 rd ledger balance
expect_in "$OUT" "bank:krw"
expect_in "$OUT" "10700000000 KRW"
expect_in "$OUT" "exchange:JPY"

expect_exit 0 rd ledger history bank:krw --json
expect_eq "$(printf '%s' "$OUT" | json 0.id)" "fx-1/in" "first history entry"
expect_eq "$(printf '%s' "$OUT" | json 1.id)" "pay-1" "second history entry"
expect_eq "$(printf '%s' "$OUT" | json 1.ref)" "V-000001" "reference"
expect_eq "$(printf '%s' "$OUT" | json 2.state)" "voided" "voided payment"
expect_exit 0 rd ledger history bank:krw
expect_in "$OUT" "-100000000 KRW"

# Per currency, debits equal credits.
expect_exit 0 rd ledger balance --json
for cur in JPY KRW USD; do
	sums=$(printf '%s' "$OUT" | node -e '
		let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{
		let dr=0n,cr=0n;for(const a of JSON.parse(d)){if(a.currency!==process.argv[1])continue;
		dr+=BigInt(a.debits_posted);cr+=BigInt(a.credits_posted)}console.log(dr===cr?"balanced":dr+" != "+cr)})' "$cur")
	expect_eq "$sums" "balanced" "$cur debits against credits"
done

expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
expect_exit 0 "$REDRESS" --help
expect_in "$OUT" "usage: redress"
for c in init ledger audit demo; do
	expect_exit 0 "$REDRESS" "$c" --help
	expect_in "$OUT" "usage: redress"
done
finish
