# interop.sh -- an independent verifier (tests/interop/tlog-verify.mjs,
# written from the C2SP and RFC 9162 texts in JavaScript, sharing no code
# with redress) accepts redress's checkpoints, keys and proofs, and rejects
# them when a byte is changed.
. "$SRCDIR/tests/cli/lib.sh"

V="$SRCDIR/tests/interop/tlog-verify.mjs"
expect_exit 0 rd init --origin interop.example/fund
rd ledger account add a --currency KRW --kind income >/dev/null
rd ledger account add b --currency KRW >/dev/null
rd audit pubkey >"$T/vkey"
for i in $(seq 1 6); do
	rd ledger transfer --id t$i --from a --to b --amount $i >/dev/null
done
rd audit checkpoint >"$T/old"
old=$(sed -n 2p "$T/old")
for i in $(seq 7 20); do
	rd ledger transfer --id t$i --from a --to b --amount $i >/dev/null
done
rd audit checkpoint >"$T/new"
new=$(sed -n 2p "$T/new")

expect_exit 0 node "$V" checkpoint "$T/vkey" "$T/new"
expect_in "$OUT" "ok interop.example/fund $new "

for i in 0 1 5 8 $((new - 1)); do
	rd audit show --index "$i" --raw >"$T/leaf$i"
	rd audit prove --index "$i" >"$T/proof$i"
	expect_exit 0 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf$i" "$T/proof$i"
done
rd audit prove --consistency "$old" >"$T/cons"
expect_exit 0 node "$V" consistency "$T/vkey" "$T/old" "$T/new" "$T/cons"

# Changed bytes are rejected.
sed 's/"amount":6/"amount":7/' "$T/leaf8" >"$T/leaf8x"
expect_exit 1 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf8x" "$T/proof8"
expect_exit 1 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf5" "$T/proof8"
sed '3s/^./X/' "$T/new" >"$T/newx"
expect_exit 1 node "$V" checkpoint "$T/vkey" "$T/newx"
expect_exit 1 node "$V" consistency "$T/vkey" "$T/new" "$T/old" "$T/cons"
finish
