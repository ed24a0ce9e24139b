# audit.sh -- checkpoints, keys, event bytes and proofs from the command
# line, checked with the tools a monitor would have (sha256sum, base64).
. "$SRCDIR/tests/cli/lib.sh"

expect_exit 0 rd init --origin monitor.example/fund
expect_exit 0 rd ledger account add a --currency KRW --kind income
expect_exit 0 rd ledger account add b --currency KRW
for i in 1 2 3 4 5 6 7 8 9 10; do
	rd ledger transfer --id t$i --from a --to b --amount $i >/dev/null || fail "transfer t$i"
done
size=$(log_size)
expect_eq "$size" 13 "tree size (1 log event, 2 accounts, 10 transfers)"

expect_exit 0 rd audit checkpoint
printf '%s\n' "$OUT" >"$T/checkpoint"
expect_eq "$(sed -n 1p "$T/checkpoint")" "monitor.example/fund" "origin line"
expect_eq "$(sed -n 4p "$T/checkpoint")" "" "blank line before the signature"
expect_in "$(sed -n 5p "$T/checkpoint")" "— monitor.example/fund " "signature line"

expect_exit 0 rd audit pubkey
case "$OUT" in
monitor.example/fund+[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]+*) checks=$((checks + 1)) ;;
*) fail "verifier key '$OUT' is not NAME+HASH+KEY" ;;
esac

# Event bytes: canonical JSON, and the leaf hash a monitor computes with
# sha256sum over 0x00 || bytes matches the inclusion proof's leaf.
expect_exit 0 rd audit show --index 5 --raw
rd audit show --index 5 --raw >"$T/ev5"
expect_in "$(cat "$T/ev5")" '"seq":5,' "event 5 bytes"
expect_in "$(cat "$T/ev5")" '{"actor":"os:' "event 5 starts with the actor"
[ "$(tail -c 1 "$T/ev5" | od -An -c | tr -d ' ')" = "}" ] || fail "raw event has trailing bytes"
checks=$((checks + 1))
expect_exit 0 rd audit show --index 5
expect_in "$OUT" '"type": "ledger.transfer.created"'
expect_exit 13 rd audit show --index 13
expect_in "$ERR" "no event 13"

# Single-leaf tree: the root is the leaf hash itself (RFC 9162).
expect_exit 0 rd audit prove --index 0 --size 1
expect_eq "$(printf '%s' "$OUT" | json hashes)" "[]" "proof in a one-leaf tree"

expect_exit 0 rd audit prove --index 5
expect_eq "$(printf '%s' "$OUT" | json leaf_index)" 5 "leaf_index"
expect_eq "$(printf '%s' "$OUT" | json tree_size)" 13 "tree_size"
expect_eq "$(printf '%s' "$OUT" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).hashes.length))')" 4 "proof length for 5 in 13"
expect_exit 0 rd audit prove --consistency 7 --size 13
expect_eq "$(printf '%s' "$OUT" | json old_size)" 7 "old_size"
expect_exit 13 rd audit prove --index 13
expect_in "$ERR" "no event 13 in a log of 13 events"
expect_exit 12 rd audit prove --consistency 14
expect_exit 2 rd audit prove --index x
expect_exit 2 rd audit prove
expect_exit 12 rd audit prove --consistency 0

expect_exit 0 rd audit verify --json
expect_eq "$(printf '%s' "$OUT" | json ok)" "true" "verify ok"
expect_eq "$(printf '%s' "$OUT" | json events)" 13 "verify events"
expect_eq "$(printf '%s' "$OUT" | json checkpoints)" 13 "verify checkpoints (one per commit)"
expect_eq "$(printf '%s' "$OUT" | json replayed)" "false" "a clean log verifies on the fast path"
# The checkpoint we kept still verifies after more events.
rd ledger transfer --id t11 --from a --to b --amount 11 >/dev/null
expect_exit 0 rd audit verify --checkpoint "$T/checkpoint"
expect_in "$OUT" "verified: 14 events"
# ...and so does a verifier key kept apart from the key directory.
rd audit pubkey >"$T/vkey"
expect_exit 0 "$REDRESS" --db "$DB" --keys "$T/none" audit verify --pubkey "$T/vkey"
finish
