# security.sh -- what issue 10 found, each attack replayed against the real
# `redress serve` and the command line on a fresh demo fund:
#   2. a role edited in the database (its shell, no keys) gives no power, over
#      HTTP (password and token) or on the command line; audit verify
#      replays roles;
#   3. erasure reaches the answers kept for Idempotency-Key retries: a
#      reveal replayed after the person is erased (over HTTP or on the
#      command line) gives no identity, a pain.001 export no payee;
#   4. the only admin, locked, is recovered with the fund's keys (user
#      recover), an event by the OS user; failed sign-ins over HTTP never
#      lock (tests/http's test_lock);
#   5. no one, not even an admin, makes an API token for another account;
#      a token is shown once, never kept for a retry;
#   7. every opening of sealed data is an event: evidence downloaded from
#      the web page, ?reasons=true on the API, claim show --reasons.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"
db_pg || command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 is not installed" >&2; exit 77; }

for who in ada cho rin moe; do
	sign_in "$who"
done
# last_raw: the bytes of the log's last event; last_event: its type.
last_raw() {
	db_sql "SELECT $(db_text body) FROM log_events ORDER BY seq DESC LIMIT 1"
}
last_event() {
	last_raw | json type
}
# restart_server: the server again on the same fund (sessions end with it), cho and ada signed in.
restart_server() {
	stop_server
	: >"$T/port"
	"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/port" 2>>"$T/server.log" &
	SERVER=$!
	for _ in $(seq 100); do
		[ -s "$T/port" ] && break
		sleep 0.1
	done
	PORT=$(head -n1 "$T/port")
	BASE="http://127.0.0.1:$PORT/api/v1"
	sign_in cho
	sign_in ada
}
# as_new NAME PASSWORD-FILE ARGS...: the command line as NAME with the password in the file.
as_new() {
	who=$1 pw=$2
	shift 2
	REDRESS_PASSWORD_FILE="$pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

# ---- 2. A role edited in the database gives no power -------------------------------
# moe, a monitor, makes a token of his own; then someone with the database file raises him.
call moe POST /users/moe/tokens
expect_status 201 "a monitor making his own token"
moe_token=$(printf '%s' "$OUT" | json token)
db_sql "UPDATE users_accounts SET role = 'admin' WHERE name = 'moe'" || fail "the database's shell failed"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary "{\"username\":\"moe\",\"password\":\"$(field_of moe password)\"}" "$BASE/session")
checks=$((checks + 1))
[ "$STATUS" != 201 ] || fail "moe, raised to admin in the table, signed in over HTTP"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $moe_token" "$BASE/users")
expect_eq "$STATUS" 401 "moe's token after his role was edited (body: $(cat "$T/body"))"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $moe_token" \
	-H 'Content-Type: application/json' --data-binary '{"name":"mallory","role":"admin","password":"canary-mallory-pw"}' \
	"$BASE/users")
expect_eq "$STATUS" 401 "moe's token adding an admin"
expect_exit 19 as moe user add mallory --role admin --password-file "$T/moe.pw"
expect_in "$ERR" "altered"
expect_exit 19 as moe person show V-000001 --reveal
# cho, a caseworker, raised the same way, adds no admin either.
db_sql "UPDATE users_accounts SET role = 'admin' WHERE name = 'cho'" || fail "the database's shell failed"
expect_exit 19 as cho user add mallory --role admin --password-file "$T/moe.pw"
expect_eq "$(db_sql "SELECT count(*) FROM users_accounts WHERE name = 'mallory'")" 0 "accounts named mallory"
# Edited back: both work again, as what the log made them, and the audit is clean.
db_sql "UPDATE users_accounts SET role = 'monitor' WHERE name = 'moe'" || fail "the database's shell failed"
db_sql "UPDATE users_accounts SET role = 'caseworker' WHERE name = 'cho'" || fail "the database's shell failed"
expect_exit 0 as moe ledger balance
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $moe_token" "$BASE/users")
expect_eq "$STATUS" 403 "moe's token, a monitor's again, listing accounts"
expect_exit 0 rd audit verify

# ---- 5. Tokens are made by their own account only ------------------------------------
call ada POST /users/rin/tokens
expect_status 403 "an admin making a token for a reviewer"
expect_exit 15 as ada user token rin
expect_in "$ERR" "made by its own account only"
# A token is shown once: a retry with the same Idempotency-Key is told it was
# made, and no kept answer holds it (nothing that opens with the fund's keys).
call moe POST /users/moe/tokens -H "Idempotency-Key: token-once"
expect_status 201 "a token made with an Idempotency-Key"
once_token=$(printf '%s' "$OUT" | json token)
call moe POST /users/moe/tokens -H "Idempotency-Key: token-once"
expect_status 409 "the retry of a token's request"
expect_in "$OUT" "shown_once"
expect_not_in "$OUT" "$once_token" "the retry's answer"
expect_in "$(cat "$T/headers")" "Idempotent-Replayed: true" "the retry's headers"
STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $once_token" "$BASE/session")
expect_eq "$STATUS" 200 "the token the first answer gave, after the retry"
expect_eq "$(db_sql "SELECT count(*) FROM idempotency_answers WHERE key = 'token-once'")" 1 \
	"answers kept under the token's key"
# The kept answer is sealed bound to its row: audit opens it; its status edited behind the
# server's back, audit names it and the retry gets 500 tampered, not the edited status.
expect_exit 0 rd audit verify
db_sql "UPDATE idempotency_answers SET status = 201 WHERE key = 'token-once'" || fail "the database's shell failed"
expect_exit 1 rd audit verify
expect_in "$ERR" "idempotency_answers (moe, token-once): the kept answer does not open"
call moe POST /users/moe/tokens -H "Idempotency-Key: token-once"
expect_status 500 "the retry of an answer edited in the database"
expect_in "$OUT" "tampered"
db_sql "UPDATE idempotency_answers SET status = 409 WHERE key = 'token-once'" || fail "the database's shell failed"
expect_exit 0 rd audit verify

# ---- 3. Erasure reaches the answers kept for retries ----------------------------------
reveal_erase_replay() { # HOW (api or cli): reveal with a key, erase, replay
	how=$1
	jcall cho POST /persons "{\"kind\": \"victim\", \"name\": \"Canary Erased $how 5e1d\", \"birth_date\": \"1930-01-02\"}"
	expect_status 201 "registering a person to erase ($how)"
	p=$(printf '%s' "$OUT" | json pseudonym)
	for round in first retry; do
		call cho POST "/persons/$p/reveal" -H 'Content-Type: application/json' -H "Idempotency-Key: reveal-$how" \
			--data-binary '{"reason": "Synthetic: a test"}'
		expect_status 200 "a reveal with an Idempotency-Key ($how, $round)"
		expect_in "$OUT" "Canary Erased $how 5e1d"
	done
	expect_in "$(cat "$T/headers")" "Idempotent-Replayed: true" "the headers of a retry before the erasure"
	if [ "$how" = api ]; then
		jcall ada POST "/persons/$p/erase" '{}'
		expect_status 200 "erasing over HTTP"
	else
		# On the command line, with the server stopped (the CLI's scrub needs no reader).
		stop_server
		expect_exit 0 as ada person erase "$p"
		restart_server
	fi
	call cho POST "/persons/$p/reveal" -H 'Content-Type: application/json' -H "Idempotency-Key: reveal-$how" \
		--data-binary '{"reason": "Synthetic: a test"}'
	expect_not_in "$OUT" "Canary Erased" "the retry's answer after the erasure ($how)"
	expect_not_in "$(cat "$T/headers")" "Idempotent-Replayed: true" "the retry's headers after the erasure ($how)"
	expect_eq "$(db_sql "SELECT count(*) FROM idempotency_answers WHERE key = 'reveal-$how'")" 0 \
		"kept answers under the reveal's key after the erasure ($how)"
}
reveal_erase_replay api
reveal_erase_replay cli
sign_in rin
# A pain.001 file names the payee and her account: the demo's batch B-000001
# still has R-000004's payment at the bank.
sign_in fumi
call fumi POST /batches/B-000001/export -H "Idempotency-Key: export-1"
expect_status 200 "exporting a batch with an Idempotency-Key"
holder=$(printf '%s\n' "$OUT" | grep -A1 '<Cdtr>' | sed -n 's:.*<Nm>\(.*\)</Nm>.*:\1:p' | head -n1)
checks=$((checks + 1))
[ -n "$holder" ] || fail "the pain.001 file names no payee: $OUT"
jcall ada POST /persons/R-000004/erase '{}'
expect_status 200 "erasing the payee"
call fumi POST /batches/B-000001/export -H "Idempotency-Key: export-1"
expect_not_in "$OUT" "$holder" "the export's retry after the payee's erasure"
expect_not_in "$(cat "$T/headers")" "Idempotent-Replayed: true" "the export retry's headers after the erasure"

# ---- 7. Every opening of sealed data is an event ------------------------------------------
jcall cho POST /persons '{"kind": "victim", "name": "Synthetic Reasons Person", "birth_date": "1931-01-02"}'
victim=$(printf '%s' "$OUT" | json pseudonym)
jcall cho POST /claims "{\"program\": \"flagship-2015\", \"victim\": \"$victim\"}"
expect_status 201 "opening a claim"
claim=$(printf '%s' "$OUT" | json id)
printf 'Synthetic testimony for the download test\n' >"$T/testimony.txt"
call cho POST "/claims/$claim/evidence" -F "file=@$T/testimony.txt;filename=testimony.txt"
expect_status 201 "uploading evidence"
jcall cho POST "/claims/$claim/submit" '{}'
jcall rin POST "/claims/$claim/approve" '{"reason": "Synthetic sealed reason 8c2e"}'
expect_status 200 "an approval with a reason"
# The web page's download, with the session cookie.
size=$(log_size)
STATUS=$(curl -s -o "$T/download" -w '%{http_code}' -b "$T/cho.jar" "http://127.0.0.1:$PORT/claims/$claim/evidence/1")
expect_eq "$STATUS" 200 "downloading evidence from the page"
expect_eq "$(cat "$T/download")" "Synthetic testimony for the download test" "the page's download"
expect_eq "$(log_size)" "$((size + 1))" "log size after a page download"
expect_eq "$(last_event)" claims.evidence.read "the page download's event"
# The API's reasons.
size=$(log_size)
call rin GET "/claims/$claim"
expect_not_in "$OUT" "8c2e" "the claim without ?reasons"
expect_eq "$(log_size)" "$size" "log size after reading a claim without its reasons"
call rin GET "/claims/$claim?reasons=true"
expect_status 200 "the claim with its reasons"
expect_in "$OUT" "Synthetic sealed reason 8c2e"
expect_eq "$(log_size)" "$((size + 1))" "log size after ?reasons=true"
expect_eq "$(last_event)" claims.reasons.read "the reasons' event"
expect_in "$(last_raw)" '"actor":"user:rin"'
# The command line's.
size=$(log_size)
expect_exit 0 as cho claim show "$claim" --reasons
expect_in "$OUT" "Synthetic sealed reason 8c2e"
expect_eq "$(log_size)" "$((size + 1))" "log size after claim show --reasons"
expect_eq "$(last_event)" claims.reasons.read "claim show --reasons's event"
expect_exit 0 as cho claim show "$claim"
expect_eq "$(log_size)" "$((size + 1))" "log size after claim show without --reasons"

# ---- 4. The only admin, locked, recovered with the keys ----------------------------------
stop_server
expect_exit 0 as ada user lock ada --reason "Synthetic: locked by mistake"
expect_exit 15 as ada user unlock ada
expect_in "$ERR" "locked"
expect_exit 2 as ada user recover ada --password-file "$T/ada.pw"
expect_in "$ERR" "leave out --as"
printf 'short\n' >"$T/short.pw"
expect_exit 12 rd user recover ada --password-file "$T/short.pw"
expect_exit 13 rd user recover nobody --password-file "$T/ada.pw"
printf 'canary-recovered-6b1f\n' >"$T/ada-new.pw"
expect_exit 18 "$REDRESS" --db "$DB" --keys "$T/no-such-keys" user recover ada --password-file "$T/ada-new.pw"
size=$(log_size)
expect_exit 0 rd user recover ada --password-file "$T/ada-new.pw"
expect_in "$OUT" "recovered"
expect_eq "$(log_size)" "$((size + 1))" "log size after a recovery"
expect_eq "$(last_event)" users.account.recovered "the recovery's event"
expect_in "$(last_raw)" '"actor":"os:'
expect_exit 15 as ada user list
expect_exit 0 as_new ada "$T/ada-new.pw" user list
expect_in "$OUT" "ada"
expect_not_in "$OUT" "locked" "the account list after the recovery"
expect_exit 0 rd audit verify
checks=$((checks + 1))
if db_files_hold 'canary-recovered-6b1f'; then fail "the new password is in the database in clear"; fi

finish
