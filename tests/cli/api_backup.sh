# api_backup.sh -- an admin's backup over real HTTP (POST /api/v1/backup and
# the page /admin/backup): every role and nobody; a short or missing
# passphrase, a wrong password and a mismatched pair on the page refused
# with nothing recorded; a download taken while a caseworker registers
# people restores with `redress restore` into a new place, where `audit
# verify` passes and every person acknowledged before it is found; the
# file holds no name in clear; its event (who, the tree size it holds, its
# SHA-256) is in the live log and not in the restored fund, whose copy was
# taken before the event was written.  An event that cannot be written (a
# trigger refuses it) means nothing is sent; a retried Idempotency-Key gets
# 409 shown_once, never a second file.  On PostgreSQL (suite pgsql) the
# same: the backup holds a SQLite copy of the fund, made in the key
# directory and left nowhere.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

PASS='a backup passphrase, long enough'
PAGES="http://127.0.0.1:$PORT"
for who in ada cho rin fumi moe; do
	sign_in "$who"
done
ADA_PW=$(field_of ada password)
page_post() { # ARGS...: a form post of ada's to the backup page (the CSRF token is the caller's to give)
	STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -b "$T/ada.jar" "$@" "$PAGES/admin/backup?lang=ko")
}
follow_refused() { # a refused form answers 303 to its kept page: that page's status and body
	refused=$(tr -d '\r' <"$T/headers" | sed -n 's/^Location: //p')
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/ada.jar" "$PAGES$refused")
	OUT=$(cat "$T/body")
}
body() { # PASSPHRASE PASSWORD: the request's JSON
	node -e 'console.log(JSON.stringify({passphrase: process.argv[1], password: process.argv[2]}))' "$1" "$2"
}

# ---- Who may: an admin only; nobody is asked to sign in ------------------------------
size=$(log_size)
for who in cho rin fumi moe; do
	jcall "$who" POST /backup "$(body "$PASS" "$(field_of "$who" password)")"
	expect_status 403 "$who asking for a backup"
done
jcall - POST /backup "$(body "$PASS" "$ADA_PW")"
expect_status 401 "nobody asking for a backup"
call ada GET /backup
expect_status 405 "GET /backup"

# ---- Bad input: 400 naming the field, a wrong password 403; nothing recorded ------------
jcall ada POST /backup "{\"password\": \"$ADA_PW\"}"
expect_status 400 "no passphrase"
expect_in "$OUT" "passphrase"
jcall ada POST /backup "$(body short "$ADA_PW")"
expect_status 400 "a short passphrase"
expect_in "$OUT" "'passphrase'"
jcall ada POST /backup "$(body "$PASS" '')"
expect_status 400 "an empty password"
expect_in "$OUT" "'password'"
jcall ada POST /backup "{\"passphrase\": \"$PASS\", \"password\": \"$ADA_PW\", \"pasword\": 1}"
expect_status 400 "a misspelt field"
jcall ada POST /backup "$(body "$PASS" 'not-adas-password')"
expect_status 403 "a wrong password"
expect_in "$OUT" "password is wrong"
STATUS=$(head -c 40000 /dev/zero | tr '\0' a | curl -s -o "$T/body" -w '%{http_code}' -X POST -b "$T/ada.jar" \
	-H "X-CSRF-Token: $(cat "$T/ada.csrf")" -H 'Content-Type: application/json' --data-binary @- "$BASE/backup")
expect_eq "$STATUS" 413 "a body over the route's small limit"
expect_eq "$(log_size)" "$size" "the log after refusals"

# ---- The download while HTTP writes run -----------------------------------------------
: >"$T/acked"
writer() {
	for i in $(seq 30); do
		code=$(curl -s -o "$T/w.body" -w '%{http_code}' -X POST -b "$T/cho.jar" -H "X-CSRF-Token: $(cat "$T/cho.csrf")" \
			-H 'Content-Type: application/json' \
			--data-binary "{\"kind\": \"victim\", \"name\": \"Canary Backup $i\", \"birth_date\": \"1930-01-01\", \"frailty\": 2}" \
			"$BASE/persons")
		[ "$code" = 201 ] && json pseudonym <"$T/w.body" >>"$T/acked"
	done
}
writer &
WRITER=$!
for _ in $(seq 200); do
	[ "$(wc -l <"$T/acked")" -ge 3 ] && break
	sleep 0.05
done
cp "$T/acked" "$T/acked-before"
jcall ada POST /backup "$(body "$PASS" "$ADA_PW")"
cp "$T/body" "$T/fund.rbk"
OUT="(the backup)"
expect_status 200 "the admin's backup"
wait "$WRITER"
checks=$((checks + 1))
[ "$(wc -l <"$T/acked-before")" -ge 3 ] || fail "the writer had not begun before the backup"
headers=$(tr -d '\r' <"$T/headers")
expect_in "$headers" "Content-Type: application/octet-stream"
expect_in "$headers" "Cache-Control: no-store"
checks=$((checks + 1))
printf '%s\n' "$headers" | grep -Eq '^Content-Disposition: attachment; filename="redress-backup-[0-9]{8}-[0-9]{6}\.rbk"$' ||
	fail "the download's name: $headers"
expect_eq "$(head -c 8 "$T/fund.rbk")" "RDRSBKP" "a sealed backup's magic"
checks=$((checks + 1))
! grep -aq "Canary Backup" "$T/fund.rbk" || fail "the backup holds a name in clear"
# The event: who, the tree size the backup holds, the sealed file's SHA-256.
sum=$(sha256sum "$T/fund.rbk" | cut -d' ' -f1)
ev=$(db_events | grep '"type":"fund.backup.made"')
expect_in "$ev" "\"sha256\":\"$sum\"" "the event's SHA-256"
expect_in "$ev" '"actor":"user:ada"' "the event's actor"
expect_in "$ev" "\"bytes\":$(stat -c %s "$T/fund.rbk")" "the event's size of the file"
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
# No copy left beside the database, or in the key directory (a PostgreSQL fund's scratch).
checks=$((checks + 1))
[ -z "$(ls -A "$T" "$KEYS" | grep redress-backup)" ] || fail "a scratch file was left: $(ls -A "$T" "$KEYS")"

R="$T/restored"
mkdir "$R"
printf '%s\n' "$PASS" >"$T/pass"
expect_exit 0 "$REDRESS" restore "$T/fund.rbk" --db "$R/fund.db" --keys "$R/fund.keys" --passphrase-file "$T/pass"
expect_exit 0 "$REDRESS" --db "$R/fund.db" --keys "$R/fund.keys" audit verify
expect_in "$OUT" "verified"
field_of cho password >"$T/cho.pw"
while read -r p; do
	REDRESS_PASSWORD_FILE="$T/cho.pw" expect_exit 0 "$REDRESS" --db "$R/fund.db" --keys "$R/fund.keys" --as cho person show "$p" ||
		fail "person $p, acknowledged before the backup, is not in the restored fund"
done <"$T/acked-before"
# The copy was taken before its own event was written: the restored fund does not hold it.
checks=$((checks + 1))
! sqlite3 "$R/fund.db" "SELECT CAST(body AS TEXT) FROM log_events" | grep -q fund.backup.made ||
	fail "the restored fund holds the backup's own event"
events=$(printf '%s' "$ev" | sed 's/.*"events":\([0-9]*\).*/\1/')
expect_eq "$(sqlite3 "$R/fund.db" "SELECT count(*) >= $events FROM log_events")" 1 "the restored log holds the events the event says"

# A retry with the same Idempotency-Key: the file is never given twice.
call ada POST /backup -H 'Content-Type: application/json' -H 'Idempotency-Key: backup-once-1' --data-binary "$(body "$PASS" "$ADA_PW")"
expect_status 200 "a backup with an Idempotency-Key"
call ada POST /backup -H 'Content-Type: application/json' -H 'Idempotency-Key: backup-once-1' --data-binary "$(body "$PASS" "$ADA_PW")"
expect_status 409 "the same Idempotency-Key again"
expect_in "$OUT" "shown_once"

# The event cannot be recorded (a trigger behind the server's back refuses it): nothing is sent.
size=$(log_size)
if [ -n "${REDRESS_TEST_PG:-}" ]; then
	db_sql "CREATE FUNCTION no_backup_event() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN
		IF convert_from(NEW.body, 'UTF8') LIKE '%fund.backup.made%' THEN RAISE EXCEPTION 'refused by the test'; END IF;
		RETURN NEW; END \$\$; CREATE TRIGGER no_backup_event BEFORE INSERT ON log_events
		FOR EACH ROW EXECUTE FUNCTION no_backup_event();"
else
	sqlite3 "$DB" "CREATE TRIGGER no_backup_event BEFORE INSERT ON log_events
		WHEN CAST(NEW.body AS TEXT) LIKE '%fund.backup.made%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
fi
jcall ada POST /backup "$(body "$PASS" "$ADA_PW")"
checks=$((checks + 1))
# (SQLite's abort is a constraint's failure to the store: 409; a disk full would be 507.)
case "$STATUS" in 4?? | 5??) ;; *) fail "a backup whose event failed answered $STATUS" ;; esac
checks=$((checks + 1))
[ "$(head -c 7 "$T/body")" != RDRSBKP ] || fail "a backup whose event failed was sent"
expect_in "$(tr -d '\r' <"$T/headers")" "Content-Type: application/json" "the failure's answer"
# The page the same: its form again, saying why, and no file.
page_post --data-urlencode "csrf_token=$(cat "$T/ada.csrf")" --data-urlencode "passphrase=$PASS" \
	--data-urlencode "passphrase2=$PASS" --data-urlencode "password=$ADA_PW"
if [ -n "${REDRESS_TEST_PG:-}" ]; then
	# PostgreSQL's exception is an error of the store's, not a refusal: the page answers 500 at once.
	expect_eq "$STATUS" 500 "the page's backup whose event failed"
	checks=$((checks + 1))
	[ "$(head -c 7 "$T/body")" != RDRSBKP ] || fail "the page's backup whose event failed was sent"
else
	expect_eq "$STATUS" 303 "the page's backup whose event failed"
	follow_refused
	expect_eq "$STATUS" 409 "the refused page of a backup whose event failed"
	expect_in "$OUT" "백업을 만들지 못했으며" "the page says so"
fi
if [ -n "${REDRESS_TEST_PG:-}" ]; then
	db_sql "DROP TRIGGER no_backup_event ON log_events; DROP FUNCTION no_backup_event();"
else
	sqlite3 "$DB" "DROP TRIGGER no_backup_event"
fi
expect_eq "$(log_size)" "$size" "the log after the failed event"
checks=$((checks + 1))
[ -z "$(ls -A "$T" "$KEYS" | grep redress-backup)" ] || fail "a failed backup left a file: $(ls -A "$T" "$KEYS")"

# ---- The page: CSRF, a mismatched pair refused, the download --------------------------
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/ada.jar" "$PAGES/admin/backup?lang=ko")
OUT=$(cat "$T/body")
expect_status 200 "the backup page"
expect_in "$OUT" 'name="csrf_token"'
expect_in "$OUT" 'name="passphrase2"'
expect_in "$OUT" "암호문은 백업과 따로" "the page's explanation, in Korean"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cho.jar" "$PAGES/admin/backup")
expect_eq "$STATUS" 403 "the backup page for a caseworker"
size=$(log_size)
page_post --data-urlencode "passphrase=$PASS" --data-urlencode "passphrase2=$PASS" --data-urlencode "password=$ADA_PW"
# A page's form without its token is refused as every page's is: 400, kept for the session (303 to it).
expect_eq "$STATUS" 303 "a form without the CSRF token"
follow_refused
expect_eq "$STATUS" 400 "the page of a form without the CSRF token"
page_post --data-urlencode "csrf_token=$(cat "$T/ada.csrf")" --data-urlencode "passphrase=$PASS" \
	--data-urlencode "passphrase2=$PASS and more" --data-urlencode "password=$ADA_PW"
expect_eq "$STATUS" 303 "a mismatched pair of passphrases"
follow_refused
expect_eq "$STATUS" 422 "the refused form's page"
expect_in "$OUT" 'href="#f-passphrase2"' "the error beside the second passphrase"
expect_in "$OUT" "두 암호문이 다릅니다" "the error in Korean"
page_post --data-urlencode "csrf_token=$(cat "$T/ada.csrf")" --data-urlencode "passphrase=$PASS" \
	--data-urlencode "passphrase2=$PASS" --data-urlencode "password=wrong-password"
expect_eq "$STATUS" 303 "a wrong password on the page"
expect_eq "$(log_size)" "$size" "the log after refused forms"
page_post --data-urlencode "csrf_token=$(cat "$T/ada.csrf")" --data-urlencode "passphrase=$PASS" \
	--data-urlencode "passphrase2=$PASS" --data-urlencode "password=$ADA_PW"
expect_eq "$STATUS" 200 "the page's download"
expect_eq "$(head -c 8 "$T/body")" "RDRSBKP" "the page's download is a sealed backup"
expect_in "$(tr -d '\r' <"$T/headers")" "Content-Disposition: attachment;"
expect_eq "$(db_events | grep -c '"type":"fund.backup.made"')" 3 "one event per backup given"
R2="$T/restored2"
mkdir "$R2"
expect_exit 0 "$REDRESS" restore "$T/body" --db "$R2/fund.db" --keys "$R2/fund.keys" --passphrase-file "$T/pass"
# Nothing secret in the server's log.
checks=$((checks + 1))
stop_server
! grep -aqF -e "$PASS" -e "$ADA_PW" "$T/server.log" || fail "the server's log holds the passphrase or password"
# Under ASan/UBSan (build-san), the server's own report of a fault or a leak.
checks=$((checks + 1))
! grep -aq "Sanitizer\|runtime error" "$T/server.log" || fail "the server reported: $(grep -a -A5 "Sanitizer\|runtime error" "$T/server.log" | head -20)"
finish
