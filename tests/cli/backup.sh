# backup.sh -- the restore drill, key custody and SIGHUP, end to end.  A backup is
# taken while a caseworker registers people over HTTP; it restores into a
# new place whose log verifies, whose checkpoint the live fund proves its
# own tree grew from, and which holds every person acknowledged before the
# backup began.  A wrong passphrase, a file cut short, a damaged byte, a
# file that is no backup and a restore onto a fund each fail with their own
# message and leave nothing behind.  The keys split 5 ways with threshold
# 3: every 3 of the shares tried rebuild the very key files; 2 do not; a
# wrong share, a mistyped one, a share of another fund and the same share
# twice are each refused, nothing written.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

sign_in cho
printf 'a backup passphrase, long enough\n' >"$T/pass"
printf 'not the passphrase at all\n' >"$T/wrong"

# ---- The restore drill: a backup while HTTP writes run ----------------------------
# The writer registers people one after another and notes each acknowledged one.
: >"$T/acked"
writer() {
	for i in $(seq 40); do
		code=$(curl -s -o "$T/w.body" -w '%{http_code}' -X POST -b "$T/cho.jar" -H "X-CSRF-Token: $(cat "$T/cho.csrf")" \
			-H 'Content-Type: application/json' \
			--data-binary "{\"kind\": \"victim\", \"name\": \"Synthetic Drill $i\", \"birth_date\": \"1930-01-01\", \"frailty\": 2}" \
			"$BASE/persons")
		[ "$code" = 201 ] && json pseudonym <"$T/w.body" >>"$T/acked"
	done
}
writer &
WRITER=$!
for _ in $(seq 200); do
	[ "$(wc -l <"$T/acked")" -ge 5 ] && break
	sleep 0.05
done
cp "$T/acked" "$T/acked-before"
expect_exit 0 rd backup --out "$T/fund.bak" --passphrase-file "$T/pass"
expect_in "$OUT" "sealed under the passphrase"
wait "$WRITER"
checks=$((checks + 1))
[ "$(wc -l <"$T/acked-before")" -ge 5 ] || fail "the writer had not begun before the backup"
expect_eq "$(stat -c %a "$T/fund.bak")" 600 "the backup's mode"

R="$T/restored"
mkdir "$R"
expect_exit 0 "$REDRESS" restore "$T/fund.bak" --db "$R/fund.db" --keys "$R/fund.keys" --passphrase-file "$T/pass"
expect_in "$OUT" "restored"
expect_exit 0 "$REDRESS" --db "$R/fund.db" --keys "$R/fund.keys" audit verify
expect_in "$OUT" "verified"
# Every person acknowledged before the backup began is in the restored fund.
field_of cho password >"$T/cho.pw"
while read -r p; do
	REDRESS_PASSWORD_FILE="$T/cho.pw" expect_exit 0 "$REDRESS" --db "$R/fund.db" --keys "$R/fund.keys" --as cho person show "$p" ||
		fail "person $p, acknowledged before the backup, is not in the restored fund"
done <"$T/acked-before"
# The live fund, which went on growing, proves the restored checkpoint is a prefix of its tree.
"$REDRESS" --db "$R/fund.db" --keys "$R/fund.keys" audit checkpoint >"$T/restored.checkpoint"
expect_exit 0 rd audit verify --checkpoint "$T/restored.checkpoint"
# A backup of the restored fund restores too (the drill can be repeated from it).
expect_exit 0 "$REDRESS" --db "$R/fund.db" --keys "$R/fund.keys" backup --out "$T/again.bak" --passphrase-file "$T/pass"

# ---- Bad backups: each its own message, nothing restored --------------------------
restore_fails() { # CODE TEXT FILE PASSFILE
	expect_exit "$1" "$REDRESS" restore "$3" --db "$T/bad/fund.db" --keys "$T/bad/fund.keys" --passphrase-file "$4"
	expect_in "$ERR" "$2"
	checks=$((checks + 1))
	[ -z "$(ls -A "$T/bad")" ] || fail "a failed restore left $(ls -A "$T/bad")"
}
mkdir "$T/bad"
restore_fails 19 "wrong passphrase" "$T/fund.bak" "$T/wrong"
size=$(stat -c %s "$T/fund.bak")
head -c $((size - 100)) "$T/fund.bak" >"$T/cut.bak"
restore_fails 12 "is truncated" "$T/cut.bak" "$T/pass"
head -c 60 "$T/fund.bak" >"$T/header-only.bak"
restore_fails 12 "is truncated" "$T/header-only.bak" "$T/pass"
cp "$T/fund.bak" "$T/damaged.bak"
# The byte flipped (XOR 0x55), never written as it was (a fixed 0x55 left one run in 256 undamaged).
byte=$(od -An -tu1 -j $((size / 2)) -N1 "$T/damaged.bak" | tr -d ' ')
printf "\\$(printf '%03o' $((byte ^ 0x55)))" | dd of="$T/damaged.bak" bs=1 seek=$((size / 2)) conv=notrunc status=none
cmp -s "$T/fund.bak" "$T/damaged.bak" && fail "the damaged copy is not damaged"
restore_fails 19 "is damaged at byte" "$T/damaged.bak" "$T/pass"
restore_fails 12 "is not a redress backup" "$DB" "$T/pass"
# A restore never overwrites a fund.
expect_exit 14 "$REDRESS" restore "$T/fund.bak" --db "$R/fund.db" --keys "$T/bad/k" --passphrase-file "$T/pass"
expect_in "$ERR" "already exists"
# A backup never overwrites a file.
expect_exit 22 rd backup --out "$T/fund.bak" --passphrase-file "$T/pass"
expect_in "$ERR" "refusing to overwrite"
printf 'short\n' >"$T/short"
expect_exit 12 rd backup --out "$T/short.bak" --passphrase-file "$T/short"
expect_in "$ERR" "fewer than"
checks=$((checks + 1))
[ ! -e "$T/short.bak" ] || fail "a refused backup left a file"

# ---- SIGHUP (systemctl reload): the keys re-checked, the server goes on ---------------
kill -HUP "$SERVER"
for _ in $(seq 50); do
	grep -q "SIGHUP: serving" "$T/server.log" && break
	sleep 0.1
done
expect_in "$(cat "$T/server.log")" "SIGHUP: key directory '$KEYS' checked: this fund's keys"
call cho GET /persons
expect_status 200 "the session after SIGHUP"

# ---- Key custody: split 5 ways, any 3 rebuild ------------------------------------
stop_server
expect_exit 0 rd keys split --shares 5 --threshold 3 --out "$T/shares"
expect_in "$OUT" "any 3 rebuild them"
expect_eq "$(stat -c %a "$T/shares")" 700 "the shares' directory's mode"
expect_in "$(cat "$T/shares/share-2.txt")" "share: 2"
expect_in "$(cat "$T/shares/share-2.svg")" "<svg"
n=0
for set in "1 2 3" "1 2 4" "1 2 5" "1 3 4" "1 3 5" "1 4 5" "2 3 4" "2 3 5" "2 4 5" "3 4 5"; do
	n=$((n + 1))
	files=()
	for i in $set; do files+=("$T/shares/share-$i.txt"); done
	expect_exit 0 "$REDRESS" keys recover --out "$T/rec$n" "${files[@]}"
	for k in log.key master.key index.key; do
		checks=$((checks + 1))
		cmp -s "$KEYS/$k" "$T/rec$n/$k" || fail "shares $set did not rebuild $k"
	done
done
expect_exit 0 "$REDRESS" --db "$DB" --keys "$T/rec1" audit verify

recover_fails() { # CODE TEXT SHARES...
	code=$1 text=$2
	shift 2
	expect_exit "$code" "$REDRESS" keys recover --out "$T/none" "$@"
	expect_in "$ERR" "$text"
	checks=$((checks + 1))
	[ ! -e "$T/none" ] || fail "a refused recovery wrote $T/none"
}
recover_fails 12 "this split needs 3" "$T/shares/share-1.txt" "$T/shares/share-4.txt"
recover_fails 12 "each share counts once" "$T/shares/share-1.txt" "$T/shares/share-1.txt" "$T/shares/share-2.txt"
# A mistyped line fails its check.
sed 's/^share: 3$/share: 4/' "$T/shares/share-3.txt" >"$T/typo.txt"
recover_fails 12 "check does not match" "$T/shares/share-1.txt" "$T/shares/share-2.txt" "$T/typo.txt"
# A share whose data was changed and its check made again passes the check, not the log key.
python3 - "$T/shares/share-3.txt" "$T/forged.txt" <<'PY'
import base64, hashlib, sys
lines = open(sys.argv[1]).read().split("\n")
d = [i for i, l in enumerate(lines) if l.startswith("data: ")][0]
data = bytearray(base64.b64decode(lines[d][6:]))
data[40] ^= 1  # in the master key, which the log key does not cover
lines[d] = "data: " + base64.b64encode(bytes(data)).decode()
head = "\n".join(lines[:d + 1]) + "\n"
open(sys.argv[2], "w").write(head + "check: " + hashlib.sha256(head.encode()).hexdigest()[:16] + "\n")
PY
recover_fails 19 "one of them is wrong" "$T/shares/share-1.txt" "$T/shares/share-2.txt" "$T/forged.txt"
# A share of another fund.
expect_exit 0 "$REDRESS" --db "$T/other.db" init
expect_exit 0 "$REDRESS" --db "$T/other.db" keys split --shares 3 --threshold 2 --out "$T/other-shares"
recover_fails 12 "is of another fund" "$T/shares/share-1.txt" "$T/shares/share-2.txt" "$T/other-shares/share-3.txt"
# Bad counts.
expect_exit 2 rd keys split --shares 3 --threshold 4 --out "$T/x"
expect_exit 2 rd keys split --shares 3 --threshold 1 --out "$T/x"
expect_exit 2 rd keys split --shares 99 --threshold 2 --out "$T/x"
checks=$((checks + 1))
[ ! -e "$T/x" ] || fail "a refused split wrote $T/x"

finish
