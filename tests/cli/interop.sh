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
	rd audit show --index "$i" --leaf >"$T/leaf$i"
	rd audit prove --index "$i" >"$T/proof$i"
	expect_exit 0 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf$i" "$T/proof$i"
done
rd audit prove --consistency "$old" >"$T/cons"
expect_exit 0 node "$V" consistency "$T/vkey" "$T/old" "$T/new" "$T/cons"

# Version 3: the leaf input is the 64-byte entry SHA-256(public part) || SHA-256(event bytes).
expect_eq "$(stat -c %s "$T/leaf8")" 64 "event 8's leaf input"
rd audit show --index 8 --raw >"$T/event8"
expect_eq "$(tail -c 32 "$T/leaf8" | od -An -tx1 | tr -d ' \n')" "$(sha256sum <"$T/event8" | cut -c1-64)" \
	"the entry's second half"
# The entry rebuilt from the event's bytes proves; changed bytes are rejected: the event's
# (its hash in the entry) or the entry's.
hexbin() { printf "$(cut -c1-64 | sed 's/../\\x&/g')"; } # shellcheck disable=SC2059
{ head -c 32 "$T/leaf8"; sha256sum <"$T/event8" | hexbin; } >"$T/leaf8ok"
expect_exit 0 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf8ok" "$T/proof8"
sed 's/"amount":6/"amount":7/' "$T/event8" | sha256sum | hexbin >"$T/h8x"
{ head -c 32 "$T/leaf8"; cat "$T/h8x"; } >"$T/leaf8x"
expect_exit 1 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf8x" "$T/proof8"
{ head -c 10 "$T/leaf8"; printf 'X'; tail -c +12 "$T/leaf8"; } >"$T/leaf8y"
expect_exit 1 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf8y" "$T/proof8"
expect_exit 1 node "$V" inclusion "$T/vkey" "$T/new" "$T/leaf5" "$T/proof8"
sed '3s/^./X/' "$T/new" >"$T/newx"
expect_exit 1 node "$V" checkpoint "$T/vkey" "$T/newx"
expect_exit 1 node "$V" consistency "$T/vkey" "$T/new" "$T/old" "$T/cons"
finish
