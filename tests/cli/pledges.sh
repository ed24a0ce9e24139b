# pledges.sh -- `redress pledge`: a pledge in the program's currency and one
# converted through the ledger's exchange, with the ledger's balances after
# each; receipts beyond the pledge; bad input with its exit status, one
# line naming what and where, and nothing changed; the list; a clean audit.
. "$SRCDIR/tests/cli/lib.sh"

unset REDRESS_PASSWORD_FILE
for who in ada fin mona; do
	printf 'pw-%s-5a6b7c8d9e\n' "$who" >"$T/$who.pw"
done
as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}
balance() {
	as fin ledger balance "$1" --json | json balance
}

expect_exit 0 rd init --origin test.example/pledges
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add fin --role finance --password-file "$T/fin.pw"
expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"
expect_exit 0 as ada program add --file "$SRCDIR/examples/flagship-2015.json"

# The Government of Japan's contribution: pledged in JPY, received and converted into the KRW fund.
expect_exit 0 as fin pledge add --program flagship-2015 --donor "Government of Japan" --amount 1000000000 \
	--currency JPY --condition "the issue is resolved finally and irreversibly"
expect_eq "$OUT" "P-000001" "the first pledge's id"
expect_eq "$(balance pledges:jpy)" "1000000000" "the receivable after the pledge"
expect_eq "$(balance contributions:jpy)" "1000000000" "the contribution after the pledge"
size=$(log_size)
expect_exit 2 as fin pledge receive P-000001 --amount 1000000000
expect_one_line_error "pledge P-000001 is in JPY and program flagship-2015 in KRW: say with --to-amount"
expect_eq "$(log_size)" "$size" "log size after a receipt without --to-amount"
expect_exit 0 as fin pledge receive P-000001 --amount 600000000 --to-amount 6480000000
expect_eq "$OUT" "P-000001.1: received 600000000 JPY into the fund as 6480000000 KRW"
size=$(log_size)
expect_exit 15 as fin pledge receive P-000001 --amount 400000001 --to-amount 4320000000
expect_one_line_error "more than the 400000000 JPY that remain of it"
expect_eq "$(log_size)" "$size" "log size after an over-receipt"
expect_exit 0 as fin pledge receive P-000001 --amount 400000000 --to-amount 4320000000
expect_eq "$(balance bank:krw)" "10800000000" "the fund after both receipts"
expect_eq "$(balance pledges:jpy)" "0" "the receivable after both receipts"
expect_eq "$(balance exchange:JPY)" "-1000000000" "the JPY exchange account"
expect_eq "$(balance exchange:KRW)" "10800000000" "the KRW exchange account"

# A pledge in the program's own currency: no conversion.
expect_exit 0 as fin pledge add --program flagship-2015 --donor "Synthetic Foundation, Seoul" --amount 50000000 --currency KRW
expect_eq "$OUT" "P-000002"
expect_exit 12 as fin pledge receive P-000002 --amount 100 --to-amount 99
expect_one_line_error "--to-amount"
expect_exit 0 as fin pledge receive P-000002 --amount 50000000
expect_eq "$(balance bank:krw)" "10850000000" "the fund after a receipt in KRW"
expect_eq "$(balance pledges:krw)" "0" "the KRW receivable"

# Bad input: exit status, one line naming what and where, nothing changed.
size=$(log_size)
expect_exit 13 as fin pledge add --program no-such --donor D --amount 1 --currency KRW
expect_one_line_error "no-such"
expect_exit 12 as fin pledge add --program flagship-2015 --donor D --amount 1,000 --currency KRW
expect_one_line_error "--amount"
expect_exit 12 as fin pledge add --program flagship-2015 --donor D --amount 12.5 --currency JPY
expect_one_line_error "--amount"
expect_exit 12 as fin pledge add --program flagship-2015 --donor D --amount 1 --currency XYZ
expect_one_line_error "--currency"
expect_exit 12 as fin pledge add --program flagship-2015 --donor "$(printf 'A\tB')" --amount 1 --currency KRW
expect_one_line_error "--donor"
expect_exit 2 as fin pledge add --program flagship-2015 --amount 1 --currency KRW
expect_one_line_error "needs --program, --donor, --amount and --currency"
expect_exit 2 as fin pledge receive --amount 1
expect_exit 13 as fin pledge receive P-000099 --amount 1
expect_one_line_error "no pledge 'P-000099'"
expect_exit 2 as fin pledge frobnicate
expect_exit 15 as mona pledge add --program flagship-2015 --donor D --amount 1 --currency KRW
expect_eq "$(log_size)" "$size" "log size after bad input"

# The list: the fund's public record, conditions included.
expect_exit 0 as mona pledge list
expect_in "$OUT" "Government of Japan; condition: the issue is resolved finally and irreversibly"
expect_exit 0 as mona pledge list --json
expect_eq "$(printf '%s' "$OUT" | json 0.received)" "1000000000" "received of P-000001"
expect_eq "$(printf '%s' "$OUT" | json 1.condition)" "null" "condition of P-000002"

expect_exit 0 rd audit verify
finish
