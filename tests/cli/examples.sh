# examples.sh -- examples/demo-programs.sh runs the three example programs
# end to end (harms in minimum wages capped per family; a pension held
# without a proof of life, released with one, stopped at death; medical
# support in kind) and the audit verifies the fund it leaves.
. "$SRCDIR/tests/cli/lib.sh"

mkdir -p "$T/demo"
expect_exit 0 env REDRESS="$REDRESS" sh "$SRCDIR/examples/demo-programs.sh" "$T/demo"
# 30 + 17 minimum wages of 2025 (1,423,500 COP), capped per family at 40.
expect_in "$OUT" "56940000.00 COP  survivor" "the Colombia-style claim's entitlement"
expect_in "$OUT" "996450000 in minor units held back by the caps" "what the family cap held back"
expect_in "$OUT" "0 instalments released to the queue, 1 held for want of a proof of life" "the pension held"
expect_in "$OUT" "1 instalments released to the queue, 0 held" "the pension released after a proof of life"
expect_in "$OUT" "payable:pension-2026     EUR liability 0.00 EUR" "the pension stopped at death"
expect_in "$OUT" "medical          delivered" "medical support delivered in kind"
expect_in "$OUT" "verified:" "the audit"

echo "examples: $checks checks, $failures failures"
[ "$failures" -eq 0 ]
