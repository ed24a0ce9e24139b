# witness.sh -- witnesses against a forked log, end to end: two monitors run
# `redress witness serve` with their own keys; the fund's checkpoints are
# cosigned (audit cosign, serve --witness, report public); a fork of the
# fund (a copy of its database that then goes its own way, signed by the
# same key) is refused by a witness that saw the original, loudly; audit
# verify and report verify refuse a checkpoint or report with fewer
# cosignatures than the policy asks, and accept one with enough; the
# independent JavaScript verifier still accepts the cosigned checkpoint.
. "$SRCDIR/tests/cli/lib.sh"

PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
command -v curl >/dev/null || { echo "SKIP: curl is not installed" >&2; exit 77; }

# wait_port FILE: the port a server wrote to its ready descriptor.
wait_port() {
	for _ in $(seq 100); do
		[ -s "$1" ] && break
		sleep 0.1
	done
	head -n1 "$1"
}

expect_exit 0 rd init --origin test.example/witnessed
rd ledger account add a --currency KRW --kind income >/dev/null
rd ledger account add b --currency KRW >/dev/null
rd audit pubkey >"$T/vkey"

# Two monitors' witnesses.
expect_exit 0 "$REDRESS" witness init --name monitor.example/w1 --keys "$T/w1"
W1=$OUT
expect_in "$W1" "monitor.example/w1+"
expect_exit 0 "$REDRESS" witness init --name monitor.example/w2 --keys "$T/w2"
W2=$OUT
expect_exit 0 "$REDRESS" witness pubkey --keys "$T/w1"
expect_eq "$OUT" "$W1" "witness pubkey"
expect_exit 18 "$REDRESS" witness init --name monitor.example/w1 --keys "$T/w1"
expect_in "$ERR" "refusing to overwrite"
expect_exit 2 "$REDRESS" witness init --name "bad name" --keys "$T/w3"
expect_exit 2 "$REDRESS" witness serve --keys "$T/w1"
expect_exit 12 "$REDRESS" witness serve --keys "$T/w1" --log-key "not+a+key" --listen 127.0.0.1:0
for w in w1 w2; do
	"$REDRESS" witness serve --keys "$T/$w" --log-key "$(cat "$T/vkey")" --listen 127.0.0.1:0 \
		--ready-fd 3 3>"$T/$w.port" 2>"$T/$w.log" &
	PIDS+=($!)
done
P1=$(wait_port "$T/w1.port")
P2=$(wait_port "$T/w2.port")
[ -n "$P1" ] && [ -n "$P2" ] || { fail "a witness did not start: $(cat "$T/w1.log" "$T/w2.log")"; finish; }

# The fund asks w1 (its witnesses file); the checkpoint comes back cosigned.
expect_exit 2 rd audit cosign
printf '# the monitors who cosign our checkpoints\nhttp://127.0.0.1:%s %s\n' "$P1" "$W1" >"$KEYS/witnesses"
expect_exit 0 rd audit cosign
expect_in "$OUT" "1 of 1 witnesses cosigned"
rd audit checkpoint >"$T/cp1"
expect_in "$(cat "$T/cp1")" "— monitor.example/w1 "
# The witness serves what it cosigned (tlog-witness monitoring API).
hex=$(printf '%s' test.example/witnessed | sha256sum | cut -c1-64)
expect_eq "$(curl -s "http://127.0.0.1:$P1/$hex/checkpoint")" "$(cat "$T/cp1")" "the witness's copy"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P1/$(printf '%064d' 0)/checkpoint")" 404 "unknown log"

# Policies on a published checkpoint.
expect_exit 0 rd audit verify --checkpoint "$T/cp1" --witness "$W1"
expect_exit 19 rd audit verify --checkpoint "$T/cp1" --witness "$W1" --witness "$W2" --witness-threshold 2
expect_in "$ERR" "by 1 of the 2 witnesses, the policy needs 2 (missing: monitor.example/w2)"
expect_exit 0 rd audit verify --checkpoint "$T/cp1" --witness "$W1" --witness "$W2" --witness-threshold 1
expect_exit 2 rd audit verify --checkpoint "$T/cp1" --witness "$W1" --witness-threshold 2
expect_exit 2 rd audit verify --witness "$W1"
expect_exit 2 rd audit verify --checkpoint "$T/cp1" --witness "$(cat "$T/vkey")"
expect_in "$ERR" "not an Ed25519 cosignature key"
# An altered cosignature is refused, not ignored.
sed 's/\(— monitor.example\/w1 .\{30\}\)./\1A/; s/\(— monitor.example\/w1 .\{30\}\)AA/\1BA/' "$T/cp1" >"$T/cp1.bad"
if ! cmp -s "$T/cp1" "$T/cp1.bad"; then
	expect_exit 19 rd audit verify --checkpoint "$T/cp1.bad" --witness "$W1"
fi
# The independent verifier still accepts the log's signature on the cosigned checkpoint.
if command -v node >/dev/null; then
	expect_exit 0 node "$SRCDIR/tests/interop/tlog-verify.mjs" checkpoint "$T/vkey" "$T/cp1"
fi

# A fork: a copy of the database made now, then each copy goes its own way
# (with its own copy of the keys: the key directory's high-water mark would
# otherwise refuse the older copy before it could fork).
FORK=$(db_copy "$DB" fork)
cp -a "$KEYS" "$T/fork.keys"
rd ledger transfer --id real --from a --to b --amount 5 >/dev/null
expect_exit 0 rd audit cosign
"$REDRESS" --db "$FORK" --keys "$T/fork.keys" ledger transfer --id forged --from a --to b --amount 500 >/dev/null
expect_exit 19 "$REDRESS" --db "$FORK" --keys "$T/fork.keys" audit cosign
expect_in "$OUT" "0 of 1 witnesses cosigned"
expect_in "$ERR" "refused the checkpoint"
expect_in "$(cat "$T/w1.log")" "422 REFUSED: FORK"
# The fork's checkpoint carries no cosignature, so a policy refuses it.
"$REDRESS" --db "$FORK" --keys "$T/fork.keys" audit checkpoint >"$T/forkcp"
expect_exit 19 "$REDRESS" --db "$FORK" --keys "$T/fork.keys" audit verify --checkpoint "$T/forkcp" --witness "$W1"
# The witness still holds the real history: the real fund's next checkpoint is cosigned.
rd ledger transfer --id real2 --from a --to b --amount 6 >/dev/null
expect_exit 0 rd audit cosign

# serve collects cosignatures itself: w2 given on the command line, w1 from the file.
"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 \
	--witness "http://127.0.0.1:$P2,$W2" 3>"$T/serve.port" 2>"$T/serve.log" &
PIDS+=($!)
PS=$(wait_port "$T/serve.port")
for _ in $(seq 50); do
	curl -s "http://127.0.0.1:$PS/api/v1/audit/checkpoint" >"$T/cp2"
	grep -q "monitor.example/w2" "$T/cp2" && grep -q "monitor.example/w1" "$T/cp2" && break
	sleep 0.1
done
expect_in "$(cat "$T/cp2")" "— monitor.example/w2 " "the served checkpoint"
expect_in "$(cat "$T/cp2")" "— monitor.example/w1 " "the served checkpoint"
expect_exit 0 rd audit verify --checkpoint "$T/cp2" --witness "$W1" --witness "$W2"
expect_exit 2 rd serve --witness "ftp://x,$W1"
expect_exit 2 rd serve --witness "http://x"
kill "${PIDS[2]}"
wait "${PIDS[2]}" 2>/dev/null

# A report proved against a checkpoint the witnesses cosigned.
for who in ada mona; do printf 'pw-%s-1f2e3d4c5b\n' "$who" >"$T/$who.pw"; done
as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"
expect_exit 0 as ada program add --file "$SRCDIR/examples/flagship-2015.json"
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report.json"
expect_in "$ERR" "1 of 1 witnesses cosigned"
expect_exit 0 "$REDRESS" report verify "$T/report.json" --pubkey "$T/vkey" --witness "$W1"
expect_in "$OUT" "cosigned by at least 1 of the 1 witnesses"
expect_exit 19 "$REDRESS" report verify "$T/report.json" --pubkey "$T/vkey" --witness "$W1" --witness "$W2"
expect_in "$ERR" "missing: monitor.example/w2"
expect_exit 0 "$REDRESS" report verify "$T/report.json" --pubkey "$T/vkey"
# With both witnesses in the file, both cosign the report's proof.
printf 'http://127.0.0.1:%s %s\n' "$P2" "$W2" >>"$KEYS/witnesses"
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report2.json"
expect_exit 0 "$REDRESS" report verify "$T/report2.json" --pubkey "$T/vkey" --witness "$W1" --witness "$W2"
# A witness that is down is named and skipped; the report is still written.
kill "${PIDS[1]}"
wait "${PIDS[1]}" 2>/dev/null
as ada program add --file "$SRCDIR/examples/flagship-2015.json" >/dev/null 2>&1
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report3.json"
expect_exit 0 "$REDRESS" report verify "$T/report3.json" --pubkey "$T/vkey" --witness "$W1" --witness "$W2" \
	--witness-threshold 1
finish
