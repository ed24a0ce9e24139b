# erase_serving.sh -- `redress person erase` on the command line while
# `redress serve` reads and writes the same fund, once while another
# process holds a read snapshot.  The erasure is kept whether or not the
# command could empty the database's journal (exit 0, or 24 saying the
# change is kept); either way the server, which notices a change made
# beside it, empties the journal once the reader lets it -- here with no
# change of its own after the load stopped -- so no copy of the erased
# person's wrapped key is left in the database's files.  audit verify
# agrees with the log after all of it.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"

db_pg || command -v sqlite3 >/dev/null || { echo "SKIP: sqlite3 is not installed (scripts/install-deps test)" >&2; exit 77; }
sign_in cho

# Load: two clients registering people, two reading the list, until told to stop.
touch "$T/load"
load_write() {
	i=0
	while [ -e "$T/load" ]; do
		i=$((i + 1))
		curl -s -o /dev/null -b "$T/cho.jar" -H "X-CSRF-Token: $(cat "$T/cho.csrf")" \
			-H 'Content-Type: application/json' \
			--data-binary "{\"kind\": \"victim\", \"name\": \"Synthetic Load $1 $i\", \"birth_date\": \"1930-01-02\"}" \
			"$BASE/persons"
	done
}
load_read() {
	while [ -e "$T/load" ]; do
		curl -s -o /dev/null -b "$T/cho.jar" "$BASE/persons"
	done
}
load_write a &
w1=$!
load_write b &
w2=$!
load_read &
r1=$!
load_read &
r2=$!
sleep 1

erased=""
erase_one() { # K [held]: a person added and erased on the command line, her wrapped key noted first
	expect_exit 0 as cho person add --kind victim --name "Canary Erase Serving $1 7d2c" --birth-date 1931-02-03
	p=$OUT
	db_sql "SELECT wrapped FROM registry_keys WHERE pseudonym = '$p'" >>"$T/wrapped"
	if [ "${2:-}" = held ]; then
		# Another process holds a snapshot through the erasure: the command cannot empty the journal.
		printf 'BEGIN;\nSELECT count(*) FROM log_events;\n.shell sleep 25\nCOMMIT;\n' | sqlite3 "$DB" >/dev/null &
		reader=$!
		sleep 0.5
	fi
	as ada person erase "$p" >"$T/erase.out" 2>"$T/erase.err"
	rc=$?
	checks=$((checks + 1))
	case $rc in
	0) [ "${2:-}" != held ] || fail "person erase emptied the journal while a reader held it" ;;
	24) expect_in "$(cat "$T/erase.err")" "is erased (the change is kept)" ;;
	*) fail "person erase under load: exit $rc: $(cat "$T/erase.err")" ;;
	esac
	erased="$erased $p"
}
erase_one 1
erase_one 2
# (PostgreSQL's VACUUM waits for no reader, and leaves what an old snapshot
# sees: the held reader and the journal are SQLite's.)
if sqlite_only "an erasure while another process holds a snapshot" "SQLite's journal, which the erasure empties"; then
	erase_one 3 held
else
	erase_one 3
fi
# The load stops while the reader still holds its snapshot: nothing but the
# server's own retry can empty the journal after the reader is done.
rm -f "$T/load"
wait "$w1" "$w2" "$r1" "$r2"
[ -z "${reader:-}" ] || wait "$reader"

# Each erasure is kept: the identity is gone, whatever the journal said.
for p in $erased; do
	expect_exit 13 as cho person show "$p" --reveal --reason "Synthetic: a test"
done
# The server empties the journal the command could not, within a few of its
# half-second retries: no copy of an erased key is left in the database or
# its journal.
expect_eq "$(wc -l <"$T/wrapped")" 3 "wrapped keys read before the erasures"
if sqlite_only "the erased keys gone from the database's files" \
	"PostgreSQL's dead rows and WAL keep them until the procedure of docs/deploy.md, 'Erasure on PostgreSQL'"; then
	for _ in $(seq 50); do
		left=0
		while read -r w; do
			[ -n "$w" ] && cat "$DB" "$DB-wal" 2>/dev/null | grep -qaF "$w" && left=$((left + 1))
		done <"$T/wrapped"
		[ "$left" = 0 ] && break
		sleep 0.1
	done
	expect_eq "$left" 0 "erased keys still in the database's files"
fi
# In the database's content (a dump), none is left on either backend.
db_dump >"$T/dump"
left=0
while read -r w; do
	[ -n "$w" ] && grep -qaF "${w#s1:}" "$T/dump" && left=$((left + 1))
done <"$T/wrapped"
expect_eq "$left" 0 "erased keys still in the database's content"
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
finish
