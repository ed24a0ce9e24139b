# lib.sh -- helpers for the end-to-end tests of the `redress` command.
# Each test script sources this, gets a fresh temporary directory with a
# database and keys, and calls the real binary ($REDRESS) through `rd`.
set -u

: "${REDRESS:?set REDRESS to the redress binary}"
: "${SRCDIR:?set SRCDIR to the source tree}"

T=$(mktemp -d "${TMPDIR:-/tmp}/redress-cli-XXXXXX")
trap 'rm -rf "$T"' EXIT
DB="$T/fund.db"
KEYS="$T/fund.keys"
# On PostgreSQL (tests/pg/run.sh sets REDRESS_TEST_PG to its throwaway
# cluster's directory), the fund is a new database of that cluster.
if [ -n "${REDRESS_TEST_PG:-}" ]; then
	DB=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" fund) || exit 1
fi
failures=0
checks=0

# db_sql SQL: runs SQL on the fund's database behind redress's back (sqlite3,
# or psql on PostgreSQL); rows on stdout, one a line, fields between '|'.
db_sql() {
	if [ -n "${REDRESS_TEST_PG:-}" ]; then
		psql "$DB" -Atq -c "$1"
	else
		sqlite3 "$DB" "$1"
	fi
}
# db_events [seq]: every event's body as text, in order (with "SEQ|" first when asked).
db_events() {
	db_sql "SELECT ${1:+seq || '|' || }$(db_text body) FROM log_events ORDER BY seq"
}
# db_pg: true when the fund is a PostgreSQL database (tests/pg/run.sh).
db_pg() {
	[ -n "${REDRESS_TEST_PG:-}" ]
}
# sqlite_only WHAT WHY: true on SQLite.  On PostgreSQL false, after a line on
# stderr naming the check left out and why, so that nothing passes unsaid:
#   if sqlite_only "the file's bytes" "SQLite's file"; then ...; fi
sqlite_only() {
	db_pg || return 0
	echo "skipped on PostgreSQL: $1 ($2)" >&2
	return 1
}
# db_text EXPR / db_bytes EXPR: SQL reading a byte column as UTF-8 text, and
# text as bytes, in the fund's dialect (SQLite's CAST, PostgreSQL's convert).
db_text() {
	if db_pg; then echo "convert_from($1, 'UTF8')"; else echo "CAST($1 AS TEXT)"; fi
}
db_bytes() {
	if db_pg; then echo "convert_to($1, 'UTF8')"; else echo "CAST($1 AS BLOB)"; fi
}
# db_hold_writer SECONDS: another process holds the fund's write lock for
# SECONDS, then lets it go without a change (SQLite's BEGIN IMMEDIATE; on
# PostgreSQL the advisory lock that store_begin takes, PG_WRITER_LOCK in
# src/store/store_pgsql.c).  Run it in the background.
db_hold_writer() {
	if db_pg; then
		psql "$DB" -Atq -c "BEGIN" -c "SELECT pg_advisory_xact_lock(7237970110993003891)" \
			-c "SELECT pg_sleep($1)" -c "ROLLBACK" >/dev/null
	else
		printf 'BEGIN IMMEDIATE;\n.shell sleep %s\nROLLBACK;\n' "$1" | sqlite3 "$DB"
	fi
}
# db_new NAME: the location of another, empty database for a second fund:
# $T/NAME.db, or a new database NAME of the cluster (its URI).
db_new() {
	if db_pg; then
		"$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" "$1"
	else
		echo "$T/$1.db"
	fi
}
# db_copy FROM NAME: a copy of the database at FROM (no one connected), at
# a location db_new would give NAME; prints that location.
db_copy() {
	if db_pg; then
		src=${1#postgresql://redress@/}
		src=${src%%\?*}
		DB="postgresql://redress@/postgres?${1#*\?}" db_sql "CREATE DATABASE \"$2\" TEMPLATE \"$src\"" || return 1
		echo "postgresql://redress@/$2?${1#*\?}"
	else
		cp "$1" "$T/$2.db" && echo "$T/$2.db"
	fi
}
# db_put_back COPY: the fund's database replaced by COPY (from db_copy; no
# one connected), as an older copy put back in its place.
db_put_back() {
	if db_pg; then
		name=${DB#postgresql://redress@/}
		name=${name%%\?*}
		src=${1#postgresql://redress@/}
		src=${src%%\?*}
		psql "postgresql://redress@/postgres?${DB#*\?}" -Atq -c "DROP DATABASE \"$name\"" \
			-c "CREATE DATABASE \"$name\" TEMPLATE \"$src\""
	else
		cp "$1" "$DB" && rm -f "$DB-wal" "$DB-shm"
	fi
}
# db_empty: the fund's database emptied, for a new fund in its place (its
# file and journals removed; on PostgreSQL its tables dropped).
db_empty() {
	if db_pg; then
		db_sql "DROP SCHEMA public CASCADE; CREATE SCHEMA public" 2>/dev/null
	else
		rm -f "$DB" "$DB-wal" "$DB-shm"
	fi
}
# db_files_hold GREP-ARGS...: true when the database's files hold what
# `grep -aq GREP-ARGS` looks for: SQLite's file and its journals; on
# PostgreSQL the cluster's data directory, its WAL included (everything
# committed is written there), and a dump of the fund.
db_files_hold() {
	if db_pg; then
		grep -raq "$@" "$REDRESS_TEST_PG/data" && return 0
		db_dump | grep -aq "$@"
	else
		grep -aq "$@" "$DB"*
	fi
}
# db_files: the names of the database's files, one a line, to look in for
# what must not be there in clear: SQLite's file and its WAL; on PostgreSQL
# one file written now, every file of the cluster's data directory (its WAL
# included) and a dump of the fund, one after the other.
db_files() {
	if db_pg; then
		{
			find "$REDRESS_TEST_PG/data" -type f -exec cat {} + 2>/dev/null
			db_dump
		} >"$T/cluster.bytes"
		echo "$T/cluster.bytes"
	else
		printf '%s\n%s\n' "$DB" "$DB-wal"
	fi
}
# db_dump: the database's whole content as SQL text; on SQLite, with the file's raw bytes.
db_dump() {
	if [ -n "${REDRESS_TEST_PG:-}" ]; then
		# (Without pg_dump's \restrict lines: their key is new at each run.)
		"${PG_BIN:-/usr/lib/postgresql/15/bin}/pg_dump" "$DB" | grep -v '^\\\(un\)\?restrict '
	else
		sqlite3 "$DB" .dump
		cat "$DB"
	fi
}

rd() {
	"$REDRESS" --db "$DB" --keys "$KEYS" "$@"
}

# staff_passwords SALT NAME...: a password file $T/NAME.pw for each staff
# account a suite makes ("pw-NAME-SALT"), read by `as`.
staff_passwords() {
	salt=$1
	shift
	unset REDRESS_PASSWORD_FILE
	for who in "$@"; do
		printf 'pw-%s-%s\n' "$who" "$salt" >"$T/$who.pw"
	done
}
# as NAME ARGS...: the command line acting as staff account NAME (its password from staff_passwords).
as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}
# log_size: the fund's events, to show that a refused command added none.
log_size() {
	db_sql "SELECT count(*) FROM log_events"
}

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_exit CODE CMD...: runs CMD, keeps stdout in $OUT and stderr in $ERR.
expect_exit() {
	want=$1
	shift
	checks=$((checks + 1))
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	if [ "$got" -ne "$want" ]; then
		fail "'$*' exited $got, expected $want; stderr: $ERR"
		return 1
	fi
	return 0
}

# expect_in HAYSTACK NEEDLE [WHAT]
expect_in() {
	checks=$((checks + 1))
	case "$1" in
	*"$2"*) return 0 ;;
	esac
	fail "${3:-output} does not contain '$2': $1"
	return 1
}

# expect_not_in HAYSTACK NEEDLE [WHAT]
expect_not_in() {
	checks=$((checks + 1))
	case "$1" in
	*"$2"*) fail "${3:-output} contains '$2'"; return 1 ;;
	esac
	return 0
}

expect_eq() {
	checks=$((checks + 1))
	[ "$1" = "$2" ] && return 0
	fail "${3:-value} is '$1', expected '$2'"
	return 1
}

# One line of stderr, naming the problem.
expect_one_line_error() {
	checks=$((checks + 1))
	n=$(printf '%s\n' "$ERR" | grep -c .)
	[ "$n" -ge 1 ] || { fail "no error message on stderr"; return 1; }
	expect_in "$ERR" "$1" "stderr"
}

# JSON field through node (installed for the interop tests).
json() {
	node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{let v=JSON.parse(d);for(const k of process.argv[1].split(".")){v=v[/^\d+$/.test(k)?Number(k):k]}console.log(typeof v==="object"?JSON.stringify(v):String(v))})' "$1"
}

# The tree size in the latest checkpoint: a cheap fingerprint of the log.
log_size() {
	rd audit checkpoint | sed -n 2p
}

finish() {
	if [ "$failures" -ne 0 ]; then
		echo "$failures of $checks checks failed" >&2
		exit 1
	fi
	echo "all $checks checks passed"
	exit 0
}
