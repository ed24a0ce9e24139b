# serve_lib.sh -- for the tests that drive `redress serve` with curl, after
# lib.sh: a fresh demo database, the server on a loopback port (started by
# start_server), and requests in the demo staff's sessions.  Skips (77)
# where the demo enrols no second factor or curl or oathtool is missing.
SERVER=
stop_server() {
	if [ -n "$SERVER" ]; then
		kill "$SERVER" 2>/dev/null
		wait "$SERVER" 2>/dev/null
		SERVER=
	fi
}
# A failed test shows the end of the server's request log (status, route, time and account
# of each request; no person's data) before its directory goes: a run that failed once and
# then passed leaves nothing else to read.
show_server_log() {
	if [ "${failures:-0}" -ne 0 ] && [ -s "$T/server.log" ]; then
		echo "--- the server's log, its last 40 lines:" >&2
		tail -n 40 "$T/server.log" >&2
	fi
}
trap 'stop_server; show_server_log; rm -rf "$T"' EXIT

expect_exit 0 rd demo
demo=$OUT
# The demo prints each account's password and, for the roles that need one, its TOTP secret.
field_of() {
	printf '%s\n' "$demo" | awk -v who="$1" -v key="$2" '$1 == who { for (i = 1; i < NF; i++) if ($i == key) print $(i + 1) }'
}
if [ -z "$(field_of rin secret)" ]; then
	echo "SKIP: this build's demo enrols no second factor, so reviewers cannot sign in over HTTP" >&2
	exit 77
fi
command -v oathtool >/dev/null || { echo "SKIP: oathtool is not installed (scripts/install-deps test)" >&2; exit 77; }
command -v curl >/dev/null || { echo "SKIP: curl is not installed" >&2; exit 77; }

"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$T/port" 2>"$T/server.log" &
SERVER=$!
for _ in $(seq 100); do
	[ -s "$T/port" ] && break
	sleep 0.1
done
PORT=$(head -n1 "$T/port")
[ -n "$PORT" ] || { fail "the server did not say its port: $(cat "$T/server.log")"; finish; }
BASE="http://127.0.0.1:$PORT/api/v1"

# another_server PORTFILE LOG: one more server on the fund, its stderr appended to LOG;
# its PID in $OTHER_PID, its API's base in $OTHER_BASE (empty when it did not say its port).
another_server() {
	: >"$1"
	"$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0 --ready-fd 3 3>"$1" 2>>"$2" &
	OTHER_PID=$!
	for _ in $(seq 100); do
		[ -s "$1" ] && break
		sleep 0.1
	done
	OTHER_BASE=
	[ -s "$1" ] && OTHER_BASE="http://127.0.0.1:$(head -n1 "$1")/api/v1"
}

# call WHO METHOD PATH [CURL OPTIONS...]: a request in WHO's session (or,
# for WHO "-", none); the body in $OUT, the status in $STATUS, the headers in $T/headers.
call() {
	who=$1 method=$2 path=$3
	shift 3
	auth=()
	if [ "$who" != - ]; then
		auth=(-b "$T/$who.jar" -H "X-CSRF-Token: $(cat "$T/$who.csrf")")
	fi
	STATUS=$(curl -s -o "$T/body" -D "$T/headers" -w '%{http_code}' -X "$method" "${auth[@]}" "$@" "$BASE$path")
	OUT=$(cat "$T/body")
}
# jcall WHO METHOD PATH JSON: the same with a JSON body.
jcall() {
	call "$1" "$2" "$3" -H 'Content-Type: application/json' --data-binary "$4"
}
expect_status() {
	expect_eq "$STATUS" "$1" "${2:-status} (body: $OUT)"
}
# sign_in NAME: a session for the demo account NAME, its cookie in $T/NAME.jar.
sign_in() {
	totp=""
	secret=$(field_of "$1" secret)
	if [ -n "$secret" ]; then
		# Each code works once, across restarts too: wait for a step not used yet.
		step=$(($(date +%s) / 30))
		while [ "$(cat "$T/$1.step" 2>/dev/null)" = "$step" ]; do
			sleep 1
			step=$(($(date +%s) / 30))
		done
		echo "$step" >"$T/$1.step"
		totp=$(oathtool --totp -b "$secret" -N "@$((step * 30))")
	fi
	STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/$1.jar" -H 'Content-Type: application/json' \
		--data-binary "{\"username\":\"$1\",\"password\":\"$(field_of "$1" password)\",\"totp\":\"$totp\"}" \
		"$BASE/session")
	OUT=$(cat "$T/body")
	expect_status 201 "signing in as $1"
	printf '%s' "$OUT" | json csrf_token >"$T/$1.csrf"
}
# as NAME ARGS...: the command line as demo account NAME.
as() {
	field_of "$1" password >"$T/$1.pw"
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}
