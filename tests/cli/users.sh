# users.sh -- staff accounts end to end: the bootstrap adds the first
# admin, then every command but audit needs --as with the right password;
# each role may do what its row of the table says and nothing else; events
# name the account; no password or hash is ever shown or stored in clear.
# Then the second factor (enrolment, its URI, QR code and SVG), API tokens
# (issued, stored only hashed, revoked) and locks (sign-in refused until
# unlocked), with each secret and token printed once and found nowhere else.
. "$SRCDIR/tests/cli/lib.sh"

unset REDRESS_PASSWORD_FILE
# Canary passwords: they must never be found in the database or in output.
printf 'canary-ada-3c9e1f70\n' >"$T/ada.pw"
printf 'canary-fin-a81d42be\n' >"$T/fin.pw"
printf 'canary-mon-0b77e5d2\n' >"$T/mon.pw"
printf 'canary-ada-3c9e1f7X\n' >"$T/wrong.pw"
printf 'short\n' >"$T/short.pw"
# A file written on Windows: the line ends in CR LF; the CR is not part of the password.
printf 'canary-rev-55aa10cd\r\n' >"$T/rev-crlf.pw"
printf 'canary-rev-55aa10cd\n' >"$T/rev.pw"

as() {
	who=$1
	pw=$2
	shift 2
	REDRESS_PASSWORD_FILE="$pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

expect_exit 0 rd init --origin test.example/users
expect_exit 0 rd ledger account add income --currency KRW --kind income
expect_exit 0 rd ledger account add bank --currency KRW --no-overdraft
expect_exit 0 rd ledger account add payable --currency KRW --kind liability

# The bootstrap: no accounts yet, so --as is refused and the OS user acts.
expect_exit 15 as ada "$T/ada.pw" ledger balance
expect_one_line_error "this fund has no staff accounts yet: create the first with 'redress user add NAME --role admin'"
expect_exit 0 rd user list
expect_eq "$OUT" "" "accounts before the first"
expect_exit 15 rd user add ada --role monitor --password-file "$T/ada.pw"
expect_one_line_error "the first account must be an admin"
expect_exit 12 rd user add ada --role admin --password-file "$T/short.pw"
expect_one_line_error "at least 10"
expect_exit 2 rd user add ada --role boss --password-file "$T/ada.pw"
expect_in "$ERR" "not one of admin, caseworker, reviewer, finance, monitor"
expect_exit 2 rd user add ada --password-file "$T/ada.pw"
expect_exit 12 rd user add Ada --role admin --password-file "$T/ada.pw"
expect_exit 22 rd user add ada --role admin --password-file "$T/absent.pw"
expect_in "$ERR" "absent.pw"
expect_eq "$(rd user list)" "" "accounts after refusals"
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_in "$OUT" "account ada (admin) added"
boot_event=$(($(log_size) - 1))
expect_exit 0 as ada "$T/ada.pw" audit show --index "$boot_event" --raw
expect_in "$OUT" '"actor":"os:'
expect_in "$OUT" '"type":"users.user.added"'

# Now every command that is not a public audit command needs --as.
size=$(log_size)
expect_exit 15 rd ledger balance
expect_one_line_error "this fund has staff accounts: say which one is acting with 'redress --as NAME"
expect_exit 15 rd ledger transfer --id t0 --from income --to bank --amount 1
expect_exit 15 rd user list
expect_exit 15 rd user add eve --role admin --password-file "$T/ada.pw"
expect_eq "$(log_size)" "$size" "log size after refusals"
expect_exit 0 rd audit verify
expect_exit 0 rd audit checkpoint

# Signing in: a wrong password and an unknown name get the same message.
expect_exit 15 as ada "$T/wrong.pw" ledger balance
wrong_password=$ERR
expect_exit 15 as nobody "$T/ada.pw" ledger balance
expect_eq "$ERR" "$wrong_password" "the refusal of an unknown name"
expect_in "$wrong_password" "sign-in refused"
checks=$((checks + 1))
case "$wrong_password" in *ada*) fail "the refusal names the account: $wrong_password" ;; esac
expect_exit 2 "$REDRESS" --db "$DB" --keys "$KEYS" --as 'Ada!' ledger balance
expect_in "$ERR" "--as"
# No password file and no terminal: a clear error, not a hang.
expect_exit 2 rd --as ada ledger balance </dev/null
expect_one_line_error "REDRESS_PASSWORD_FILE"
expect_exit 22 as ada "$T/absent.pw" ledger balance
# Signing in needs the key directory, even to read.
expect_exit 18 env REDRESS_PASSWORD_FILE="$T/ada.pw" "$REDRESS" --db "$DB" --keys "$T/nokeys" --as ada ledger balance

# The admin adds the others.
expect_exit 0 as ada "$T/ada.pw" user add fin --role finance --password-file "$T/fin.pw"
expect_in "$OUT" "account fin (finance) added"
fin_event=$(($(log_size) - 1))
expect_exit 0 as ada "$T/ada.pw" user add mon --role monitor --password-file "$T/mon.pw"
expect_exit 0 as ada "$T/ada.pw" user add rev --role reviewer --password-file "$T/rev-crlf.pw"
expect_exit 14 as ada "$T/ada.pw" user add fin --role monitor --password-file "$T/mon.pw"
expect_one_line_error "account 'fin' already exists"
expect_exit 0 as ada "$T/ada.pw" audit show --index "$fin_event" --raw
expect_in "$OUT" '"actor":"user:ada"'
expect_in "$OUT" '"password":"s1:'

# The list: names and roles, never password material.
expect_exit 0 as ada "$T/ada.pw" user list
expect_in "$OUT" "ada                      admin"
expect_in "$OUT" "fin                      finance"
expect_in "$OUT" "mon                      monitor"
list=$OUT
expect_exit 0 as ada "$T/ada.pw" user list --json
expect_eq "$(printf '%s' "$OUT" | json 1.name)" "fin" "second account's name"
expect_eq "$(printf '%s' "$OUT" | json 1.role)" "finance" "second account's role"
expect_eq "$(printf '%s' "$OUT" | json 1)" '{"name":"fin","role":"finance","totp":false,"locked":false,"tokens":0,"disabled":false,"must_change_password":false}' "an account in JSON"
for out in "$list" "$OUT"; do
	for needle in s1: argon canary; do
		checks=$((checks + 1))
		case "$out" in *"$needle"*) fail "'user list' shows '$needle': $out" ;; esac
	done
done

# finance: the ledger.
expect_exit 0 as fin "$T/fin.pw" ledger transfer --id gift-1 --from income --to bank --amount 1000000
expect_in "$OUT" "transfer gift-1: 1000000 KRW from income to bank, posted"
gift_event=$(($(log_size) - 1))
expect_exit 0 as ada "$T/ada.pw" audit show --index "$gift_event" --raw
expect_in "$OUT" '"actor":"user:fin"'
expect_in "$OUT" '"type":"ledger.transfer.created"'
expect_exit 0 as ada "$T/ada.pw" audit show --index "$gift_event"
expect_in "$OUT" "user:fin"
expect_exit 0 as fin "$T/fin.pw" ledger history bank
expect_in "$OUT" "gift-1"
expect_exit 0 as fin "$T/fin.pw" ledger balance bank --json
expect_eq "$(printf '%s' "$OUT" | json balance)" "1000000" "balance read by finance"
expect_exit 15 as fin "$T/fin.pw" user list
expect_one_line_error "account 'fin' (finance) may not manage staff accounts"

# monitor: balances, and nothing else here.
size=$(log_size)
expect_exit 0 as mon "$T/mon.pw" ledger balance bank --json
expect_eq "$(printf '%s' "$OUT" | json balance)" "1000000" "balance read by a monitor"
expect_exit 15 as mon "$T/mon.pw" ledger transfer --id gift-2 --from income --to bank --amount 5
expect_one_line_error "account 'mon' (monitor) may not change the ledger: that needs the role finance"
expect_exit 15 as mon "$T/mon.pw" ledger history bank
expect_one_line_error "account 'mon' (monitor) may not read the ledger's history"
expect_exit 15 as mon "$T/mon.pw" ledger account add cash --currency KRW
expect_exit 15 as mon "$T/mon.pw" user add eve --role admin --password-file "$T/mon.pw"
expect_exit 15 as mon "$T/mon.pw" user list
expect_eq "$(log_size)" "$size" "log size after a monitor's refused commands"
# reviewer and admin may not move money either; the reviewer signs in with the CR-less password.
expect_exit 15 as rev "$T/rev.pw" ledger transfer --id gift-2 --from income --to bank --amount 5
expect_one_line_error "account 'rev' (reviewer) may not change the ledger"
expect_exit 15 as rev "$T/rev.pw" ledger balance
expect_one_line_error "account 'rev' (reviewer) may not read balances"
expect_exit 15 as ada "$T/ada.pw" ledger transfer --id gift-2 --from income --to bank --amount 5
expect_one_line_error "account 'ada' (admin) may not change the ledger"
expect_exit 0 as ada "$T/ada.pw" ledger balance

# --as is a global option: before the command, not after it.
expect_exit 2 env REDRESS_PASSWORD_FILE="$T/ada.pw" "$REDRESS" --db "$DB" --keys "$KEYS" user list --as ada

# Help needs no account.
expect_exit 0 rd user --help
expect_in "$OUT" "--password-file"
expect_exit 0 "$REDRESS" --help
expect_in "$OUT" "--as USER"
expect_in "$OUT" "REDRESS_PASSWORD_FILE"

# The audit agrees, and no password or hash is in the database, its WAL, or any event.
expect_exit 0 rd audit verify
for f in $(db_files); do
	[ -f "$f" ] || continue
	for needle in canary- '$argon2id$'; do
		checks=$((checks + 1))
		if grep -a -q -F -- "$needle" "$f"; then
			fail "$(basename "$f") holds '$needle' in clear"
		fi
	done
done
# Every event's bytes, straight from the database (as `audit show --raw` gives them).
n=$(log_size)
expect_eq "$(db_sql 'SELECT count(*) FROM log_events')" "$n" "events read"
db_events seq >"$T/events"
checks=$((checks + 1))
if grep -E 'canary-|argon2' "$T/events" >/dev/null; then
	fail "an event holds a password or a hash in clear: $(grep -E 'canary-|argon2' "$T/events" | head -1)"
fi

# On a terminal (script(1) gives one): the password is asked with echo off,
# a new one twice.  Each line is typed after its prompt: turning echo off
# discards what was typed ahead.
TDB="$T/tty.db"
type_lines() {
	for line in "$@"; do
		sleep 1
		printf '%s\n' "$line"
	done
}
on_tty() {
	script -q -e -c "$*" /dev/null
}
"$REDRESS" --db "$TDB" init >/dev/null
expect_exit 12 on_tty "'$REDRESS' --db '$TDB' user add ada --role admin" < <(type_lines canary-tty-11223344 canary-tty-99999999)
expect_in "$OUT" "the two passwords typed differ"
expect_exit 0 on_tty "'$REDRESS' --db '$TDB' user add ada --role admin" < <(type_lines canary-tty-11223344 canary-tty-11223344)
expect_in "$OUT" "New password for ada:"
expect_in "$OUT" "account ada (admin) added"
expect_exit 0 on_tty "'$REDRESS' --db '$TDB' --as ada user list" < <(type_lines canary-tty-11223344)
expect_in "$OUT" "Password for ada:"
expect_in "$OUT" "ada                      admin"
checks=$((checks + 1))
case "$OUT" in *canary-tty*) fail "the terminal echoed the password: $OUT" ;; esac
expect_exit 15 on_tty "'$REDRESS' --db '$TDB' --as ada user list" < <(type_lines canary-tty-wrong-pw)
expect_in "$OUT" "sign-in refused"

# ---------------------------------------------------------------------------
# The second factor, API tokens and locks.  The TOTP secrets and the tokens
# are the canaries here: each is printed once, by the command that makes
# it, and must be in no other output, nor in the database, its WAL or any
# event's bytes.  OTHER collects every other output of this part.
OTHER="$T/other-outputs"
: >"$OTHER"
keep() {
	printf '%s\n%s\n' "$OUT" "$ERR" >>"$OTHER"
}
# secret_of OUTPUT: the base32 secret of the otpauth URI in a 'user totp' output.
secret_of() {
	uri=$(printf '%s\n' "$1" | grep '^otpauth://')
	s=${uri#*secret=}
	printf '%s' "${s%%&*}"
}
# not_in_files NEEDLE FILE...: the text nowhere in the files.
not_in_files() {
	needle=$1
	shift
	for f in "$@"; do
		checks=$((checks + 1))
		if [ -f "$f" ] && grep -aqF -- "$needle" "$f"; then
			fail "$(basename "$f") holds '$needle' in clear"
		fi
	done
}
# raw_secret_absent BASE32 FILE...: the secret's 20 bytes, raw, in hex or in base64, in none of the files.
raw_secret_absent() {
	checks=$((checks + 1))
	node -e '
		const fs = require("fs");
		const [b32, ...files] = process.argv.slice(1);
		const abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		let bits = 0, acc = 0; const out = [];
		for (const c of b32) { acc = (acc << 5) | abc.indexOf(c); bits += 5;
			if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); } }
		const raw = Buffer.from(out);
		if (raw.length !== 20) { console.error("secret is " + raw.length + " bytes"); process.exit(1); }
		for (const f of files) {
			if (!fs.existsSync(f)) continue;
			const b = fs.readFileSync(f);
			for (const n of [raw, Buffer.from(raw.toString("hex")), Buffer.from(raw.toString("base64"))])
				if (b.indexOf(n) >= 0) { console.error(f + " holds the secret"); process.exit(1); }
		}' "$@" || fail "a TOTP secret is in clear in one of: $*"
}

# TOTP: an admin enrols the reviewer; the URI and the QR code are printed once.
size=$(log_size)
expect_exit 0 as ada "$T/ada.pw" user totp rev --svg "$T/rev.svg"
totp_out=$OUT
expect_in "$OUT" "account rev: a new second factor is enrolled"
secret1=$(secret_of "$OUT")
checks=$((checks + 1))
[[ "$secret1" =~ ^[A-Z2-7]{32}$ ]] || fail "the secret '$secret1' is not 32 characters of base32"
expect_in "$OUT" "otpauth://totp/redress:rev?secret=$secret1&issuer=redress&algorithm=SHA1&digits=6&period=30"
# The QR code in half blocks, the quiet zone a line of full blocks.
expect_in "$OUT" "█████████████████████████████"
expect_in "$OUT" "▀"
expect_eq "$(log_size)" "$((size + 1))" "log size after enrolment"
expect_exit 0 as ada "$T/ada.pw" audit show --index "$size" --raw && keep
expect_in "$OUT" '"type":"users.totp.enrolled"'
expect_in "$OUT" '"actor":"user:ada"'
expect_in "$OUT" '"data":{"name":"rev","secret":"s1:'
# The SVG: a standalone image, readable only by its owner, the secret only in its drawing.
checks=$((checks + 1))
[ "$(stat -c %a "$T/rev.svg")" = 600 ] || fail "rev.svg has mode $(stat -c %a "$T/rev.svg"), not 600"
svg=$(cat "$T/rev.svg")
expect_in "$svg" '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 '
expect_in "$svg" 'role="img" aria-label="Second factor (TOTP) for the redress account rev"'
expect_eq "$(grep -c '<path' "$T/rev.svg")" 1 "paths in the SVG"
not_in_files "$secret1" "$T/rev.svg"
# The reviewer enrols herself again (a new phone): a new secret replaces the first.
expect_exit 0 as rev "$T/rev.pw" user totp rev
totp_out2=$OUT
secret2=$(secret_of "$OUT")
checks=$((checks + 1))
[ -n "$secret2" ] && [ "$secret2" != "$secret1" ] || fail "re-enrolment gave the secret '$secret2' again"
# ... but nobody else's, and nobody enrols an account that does not exist.
size=$(log_size)
expect_exit 15 as rev "$T/rev.pw" user totp fin && keep
expect_one_line_error "account 'rev' (reviewer) may not manage staff accounts: that needs the role admin"
expect_exit 15 as mon "$T/mon.pw" user totp rev && keep
expect_exit 13 as ada "$T/ada.pw" user totp nobody && keep
expect_one_line_error "no account 'nobody'"
# An SVG file that cannot be written is found before anything changes.
expect_exit 22 as ada "$T/ada.pw" user totp fin --svg "$T/no/such/dir.svg" && keep
expect_in "$ERR" "dir.svg"
expect_exit 2 as ada "$T/ada.pw" user totp && keep
expect_exit 2 as ada "$T/ada.pw" user totp fin --reason x && keep
expect_eq "$(log_size)" "$size" "log size after refused enrolments"

# API tokens: printed once on stdout, alone; only the SHA-256 is kept.  Each
# account makes its own (the name may be left out).
expect_exit 0 as fin "$T/fin.pw" user token
tok1=$OUT
checks=$((checks + 1))
[[ "$tok1" =~ ^rdt_[A-Za-z0-9_-]{43}$ ]] || fail "the token '$tok1' is not rdt_ and 43 characters of base64url"
expect_in "$ERR" "shown this once"
expect_exit 0 as fin "$T/fin.pw" user token fin
tok2=$OUT
checks=$((checks + 1))
[ "$tok1" != "$tok2" ] || fail "two tokens are the same"
hash1=$(printf '%s' "$tok1" | sha256sum | cut -d' ' -f1)
hash2=$(printf '%s' "$tok2" | sha256sum | cut -d' ' -f1)
expect_eq "$(db_sql "SELECT account || ' ' || coalesce(CAST(revoked_seq AS TEXT), 'live') FROM users_tokens WHERE hash = '$hash1'")" \
	"fin live" "token 1's row"
expect_exit 0 as ada "$T/ada.pw" user list && keep
expect_in "$OUT" "fin                      finance    totp no   tokens 2"
expect_in "$OUT" "rev                      reviewer   totp yes  tokens 0"
expect_exit 0 as ada "$T/ada.pw" user list --json && keep
expect_eq "$(printf '%s' "$OUT" | json 1)" '{"name":"fin","role":"finance","totp":false,"locked":false,"tokens":2,"disabled":false,"must_change_password":false}' "fin in JSON"
# No one makes a token for another account, not even an admin (four eyes
# would be one pair); only an admin revokes.
size=$(log_size)
expect_exit 15 as ada "$T/ada.pw" user token fin && keep
expect_one_line_error "an API token is made by its own account only: sign in as 'fin'"
expect_exit 15 as fin "$T/fin.pw" user revoke fin && keep
expect_one_line_error "account 'fin' (finance) may not manage staff accounts"
expect_exit 15 as ada "$T/ada.pw" user token nobody && keep
expect_eq "$(log_size)" "$size" "log size after refused token commands"
# Revoking ends both, and says how many.
expect_exit 0 as ada "$T/ada.pw" user revoke fin && keep
expect_eq "$OUT" "account fin: 2 API tokens revoked"
for h in "$hash1" "$hash2"; do
	expect_eq "$(db_sql "SELECT CASE WHEN revoked_seq IS NOT NULL THEN 1 ELSE 0 END FROM users_tokens WHERE hash = '$h'")" 1 "token revoked"
done
expect_exit 0 as ada "$T/ada.pw" user revoke fin && keep
expect_eq "$OUT" "account fin: 0 API tokens revoked"

# Locks: a locked account signs in no more, with any password, until an admin unlocks it.
expect_exit 0 as ada "$T/ada.pw" user lock mon --reason "Synthetic reason: laptop lost" && keep
expect_eq "$OUT" "account mon locked: it signs in no more until 'redress user unlock'"
expect_exit 0 as ada "$T/ada.pw" audit show --index "$(($(log_size) - 1))" --raw && keep
expect_in "$OUT" '"data":{"name":"mon","reason":"Synthetic reason: laptop lost"}'
expect_in "$OUT" '"type":"users.account.locked"'
size=$(log_size)
expect_exit 15 as mon "$T/mon.pw" ledger balance && keep
expect_eq "$ERR" "redress: sign-in refused: account 'mon' is locked; an admin can unlock it with 'redress user unlock mon'" "a locked account's refusal"
expect_exit 15 as mon "$T/wrong.pw" ledger balance && keep
expect_in "$ERR" "is locked"
expect_exit 0 as ada "$T/ada.pw" user lock mon --reason "again" && keep
expect_eq "$(log_size)" "$size" "log size after locking a locked account"
expect_exit 0 as ada "$T/ada.pw" user list && keep
expect_in "$OUT" "mon                      monitor    totp no   tokens 0  locked"
expect_exit 2 as ada "$T/ada.pw" user lock mon && keep
expect_in "$ERR" "--reason"
expect_exit 15 as fin "$T/fin.pw" user unlock mon && keep
expect_exit 15 as fin "$T/fin.pw" user lock ada --reason "coup" && keep
expect_eq "$(log_size)" "$size" "log size after refused locks"
expect_exit 0 as ada "$T/ada.pw" user unlock mon && keep
expect_eq "$OUT" "account mon unlocked"
expect_exit 14 as ada "$T/ada.pw" user unlock mon && keep
expect_one_line_error "account 'mon' is not locked"
expect_exit 0 as mon "$T/mon.pw" ledger balance && keep

# The audit agrees, by its fast path, and names a lock deleted behind its back.
expect_exit 0 rd audit verify --json && keep
expect_eq "$(printf '%s' "$OUT" | json replayed)" "false" "audit replayed"
# No secret nor token in clear but in the one output that printed it.
db_events >"$T/events"
files=$(db_files)
for canary in "$secret1" "$secret2" "$tok1" "$tok2" "${tok1#rdt_}" "${tok2#rdt_}"; do
	not_in_files "$canary" $files "$T/events" "$OTHER"
done
raw_secret_absent "$secret1" $files "$T/events" "$OTHER"
raw_secret_absent "$secret2" $files "$T/events" "$OTHER"
not_in_files "otpauth" $files "$T/events" "$OTHER"
checks=$((checks + 1))
case "$totp_out2" in *"$secret1"*) fail "the second enrolment shows the first secret" ;; esac
# ... while the events do hold the sealed secret and the token's hash.
expect_in "$(cat "$T/events")" '"secret":"s1:'
expect_in "$(cat "$T/events")" "\"hash\":\"$hash1\""
expect_in "$totp_out" "$secret1" "the enrolment's own output"

# A role raised behind the log's back is named by audit (sqlite3, as tamper.sh edits).
db_sql "UPDATE users_accounts SET role = 'admin' WHERE name = 'mon'" || fail "the database's shell failed"
expect_exit 1 rd audit verify
expect_in "$ERR" "FAIL: users_accounts 'mon': role is 'admin' in the database but 'monitor' by the log"
finish
