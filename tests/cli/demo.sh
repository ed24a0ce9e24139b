# demo.sh -- the main job: `redress demo` books the flagship fund, verifies
# it, and can be run again with --fresh; its figures are the agreement's.
. "$SRCDIR/tests/cli/lib.sh"

expect_exit 0 rd demo
expect_in "$OUT" "audit: "
expect_in "$OUT" "all agree"
expect_in "$OUT" "refused, as it must be: account 'bank:krw' may not go below zero"
expect_exit 0 rd ledger balance bank:krw --json
# 10,800,000,000 KRW received; 5 x 100,000,000 + 2 x 20,000,000 paid, one
# 20,000,000 still pending at the bank, one returned payment paid again.
expect_eq "$(printf '%s' "$OUT" | json balance)" 10260000000 "fund balance after payments"
expect_eq "$(printf '%s' "$OUT" | json available)" 10240000000 "fund available with the pending payment"
expect_exit 0 rd ledger balance bank:jpy --json
expect_eq "$(printf '%s' "$OUT" | json balance)" 0 "JPY converted in full"
expect_exit 0 rd audit verify
# Again, from nothing.
expect_exit 0 rd demo --fresh
expect_in "$OUT" "all agree"
expect_in "$(rd audit pubkey)" "redress.demo/"
# Without --fresh, an existing demo is not overwritten.
expect_exit 14 rd demo
expect_in "$ERR" "already holds a redress log"
finish
