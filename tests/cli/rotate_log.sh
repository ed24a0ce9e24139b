# rotate_log.sh -- `redress keys rotate --log`: a new log signing key.
# Refused for a non-admin (nothing changes).  The handover checkpoint is
# signed by both keys and names the new one; the independent verifier
# accepts it with either key, and the later checkpoints with the new key
# only.  `audit verify` passes trusting the first key (--pubkey) or the key
# directory's; a report and a receipt published after the rotation verify
# offline with only the first key (they carry the handovers) and are
# refused without them (a checkpoint signed by an unannounced key), or with
# a forged chain; the static page docs/verify-receipt.html follows the
# handovers as the command does.  The old key directory no longer opens the fund for
# writing; an interrupted rotation is finished by running it again.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

V="$SRCDIR/tests/interop/tlog-verify.mjs"
fund_setup test.example/rotate-log 400000000
fund_people
expect_exit 0 as cid consent grant "$V2" --scope statistics --method "in person"
approve_claims "$V2"
rd audit pubkey >"$T/v0"
rd audit checkpoint >"$T/before"
cp -a "$KEYS" "$T/old.keys"

# Refused: not an admin; nothing changes.
size=$(log_size)
expect_exit 15 as cid keys rotate --log
expect_eq "$(log_size)" "$size" "log size after a refused rotation"
checks=$((checks + 1))
cmp -s "$KEYS/log.key" "$T/old.keys/log.key" || fail "a refused rotation changed log.key"
expect_exit 2 as ada keys rotate --logs
expect_exit 0 rd audit handovers
expect_eq "$OUT" '{"handovers":[]}' "handovers before any rotation"

# The rotation.
expect_exit 0 as ada keys rotate --log
expect_in "$OUT" "a new log key: test.example/rotate-log+"
handover=$((size + 1))
expect_in "$OUT" "handover checkpoint at size $handover"
checks=$((checks + 1))
cmp -s "$KEYS/log.key" "$T/old.keys/log.key" && fail "log.key did not change"
checks=$((checks + 1))
[ ! -e "$KEYS/log.key.new" ] || fail "log.key.new left behind"
rd audit pubkey >"$T/v1"
checks=$((checks + 1))
cmp -s "$T/v0" "$T/v1" && fail "audit pubkey still prints the old key"
rd audit checkpoint >"$T/handover"
expect_in "$(cat "$T/handover")" "redress-log-key $(cat "$T/v1")"
expect_eq "$(grep -c '^— test.example/rotate-log ' "$T/handover")" 2 "signatures on the handover"
expect_exit 0 rd audit handovers
expect_eq "$(printf '%s' "$OUT" | json handovers.0)" "$(cat "$T/handover")" "the handover printed"

# The independent verifier: the handover with either key, later checkpoints with the new only.
expect_exit 0 node "$V" checkpoint "$T/v0" "$T/handover"
expect_exit 0 node "$V" checkpoint "$T/v1" "$T/handover"
expect_exit 0 as cid consult add "$V1" --wish accept
rd audit checkpoint >"$T/after"
expect_exit 0 node "$V" checkpoint "$T/v1" "$T/after"
expect_exit 1 node "$V" checkpoint "$T/v0" "$T/after"

# audit verify: with the key directory's (new) key, and with only the first key.
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
expect_exit 0 rd audit verify --pubkey "$T/v0"
expect_exit 0 rd audit verify --pubkey "$T/v0" --checkpoint "$T/before"
expect_exit 0 rd audit verify --pubkey "$T/v0" --checkpoint "$T/after"

# A report published now verifies with the first key alone: it carries the handover.
expect_exit 0 as mona report public --program flagship-2015 --format json --out "$T/r.json"
expect_exit 0 env -u REDRESS_DB "$REDRESS" --db "$T/none.db" report verify "$T/r.json" --pubkey "$T/v0"
expect_in "$OUT" "verified: the report of program flagship-2015"
expect_exit 0 env -u REDRESS_DB "$REDRESS" --db "$T/none.db" report verify "$T/r.json" --pubkey "$T/v1"
# Without the handover, its checkpoint is signed by a key the first never announced: refused.
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
delete r.handovers;fs.writeFileSync(process.argv[2],JSON.stringify(r));' "$T/r.json" "$T/r-bare.json"
expect_exit 19 env -u REDRESS_DB "$REDRESS" --db "$T/none.db" report verify "$T/r-bare.json" --pubkey "$T/v0"
expect_in "$ERR" "not signed by the log's key in force"

# A forged chain: another fund of the same origin, rotated, its handover slipped in.
F="$T/forger"
mkdir "$F"
"$REDRESS" --db "$F/f.db" --keys "$F/f.keys" init --origin test.example/rotate-log >/dev/null
printf 'forger-password-1\n' >"$F/pw"
"$REDRESS" --db "$F/f.db" --keys "$F/f.keys" user add eve --role admin --password-file "$F/pw" >/dev/null
REDRESS_PASSWORD_FILE="$F/pw" "$REDRESS" --db "$F/f.db" --keys "$F/f.keys" --as eve keys rotate --log >/dev/null
"$REDRESS" --db "$F/f.db" --keys "$F/f.keys" audit handovers >"$F/h.json"
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
r.handovers=JSON.parse(fs.readFileSync(process.argv[2])).handovers;
fs.writeFileSync(process.argv[3],JSON.stringify(r));' "$T/r.json" "$F/h.json" "$T/r-forged.json"
expect_exit 19 env -u REDRESS_DB "$REDRESS" --db "$T/none.db" report verify "$T/r-forged.json" --pubkey "$T/v0"
expect_in "$ERR" "not signed by the key it hands over from"

# A receipt made now verifies with the first key alone, and not without its handover.
expect_exit 0 as cid receipt "$V2" --json --out "$T/rc.json"
expect_exit 0 env -u REDRESS_DB "$REDRESS" --db "$T/none.db" receipt verify "$T/rc.json" --pubkey "$T/v0"
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
delete r.handovers;fs.writeFileSync(process.argv[2],JSON.stringify(r));' "$T/rc.json" "$T/rc-bare.json"
expect_exit 19 env -u REDRESS_DB "$REDRESS" --db "$T/none.db" receipt verify "$T/rc-bare.json" --pubkey "$T/v0"
expect_in "$ERR" "not signed by the log's key in force"
# The static page (docs/verify-receipt.html) follows the handovers too: its script, run by Node's WebCrypto.
page_check() { # RECEIPT VKEY
	node -e '
const fs=require("fs");const html=fs.readFileSync(process.argv[1],"utf8");
const script=html.slice(html.lastIndexOf("<script>")+8,html.lastIndexOf("</"+"script>"));
globalThis.document={getElementById:()=>({addEventListener(){}})};
const check=new Function(script+";return check;")();
check(fs.readFileSync(process.argv[2],"utf8"),fs.readFileSync(process.argv[3],"utf8"),"",0)
  .then((m)=>{console.log(m)},(e)=>{console.error(e.message);process.exit(1)});' \
		"$SRCDIR/docs/verify-receipt.html" "$1" "$2"
}
expect_exit 0 page_check "$T/rc.json" "$T/v0"
expect_in "$OUT" "Verified:"
expect_exit 0 page_check "$T/rc.json" "$T/v1"
expect_exit 1 page_check "$T/rc-bare.json" "$T/v0"
expect_in "$ERR" "is not signed by"

# The old key directory opens the fund no more for writing, and says why.
expect_exit 18 "$REDRESS" --db "$DB" --keys "$T/old.keys" user add x --role monitor --password-file "$T/ada.pw"
expect_in "$ERR" "keys rotate --log"

# An interrupted rotation (committed, the new key not yet in place) is finished by running it again.
size=$(log_size)
cp -a "$KEYS" "$T/mid.keys"
expect_exit 0 as ada keys rotate --log
mv "$KEYS/log.key" "$KEYS/log.key.new"
cp "$T/mid.keys/log.key" "$KEYS/log.key"
expect_exit 18 as ada user add y --role monitor --password-file "$T/ada.pw"
expect_in "$ERR" "finish the rotation"
expect_exit 0 as ada keys rotate --log
expect_in "$OUT" "finished an interrupted rotation"
expect_eq "$(log_size)" "$((size + 1))" "log size after finishing"
expect_exit 0 as ada user add y --role monitor --password-file "$T/ada.pw"
expect_exit 0 rd audit verify --pubkey "$T/v0"
expect_exit 0 rd audit handovers
expect_eq "$(printf '%s' "$OUT" | json handovers.length)" 2 "handovers after two rotations"
finish
