# damage.sh -- damage to the database's file is told apart from a change
# made behind the log's back: 'audit verify' runs SQLite's integrity check
# first and answers "storage damaged" (exit 26); an edit made through SQL
# that keeps the file sound is tampering (exit 1).  A database that lost
# its latest changes (an older copy put back, as a lost journal leaves it)
# is found by the signed checkpoint kept in the key directory, at every
# open, and nothing is written on it.  A key directory whose index.key is
# another fund's is refused by the fingerprint the database keeps.
. "$SRCDIR/tests/cli/lib.sh"

expect_exit 0 rd init --origin damage.example/fund
rd ledger account add gift --currency KRW --kind income >/dev/null
rd ledger account add bank --currency KRW >/dev/null
# 300 transfers give the transfers' index pages of its own to damage on
# SQLite; PostgreSQL, where no page is damaged, needs only a few (and makes
# each transfer about four times slower: a connection, every statement prepared).
n=300
db_pg && n=20
for i in $(seq 1 "$n"); do
	echo "--id t-$i --from gift --to bank --amount 1"
done | while read -r args; do
	# shellcheck disable=SC2086
	rd ledger transfer $args >/dev/null || echo "transfer $args failed" >&2
done
expect_exit 0 rd audit verify
db_pg || sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
sound=$(db_copy "$DB" sound) || fail "copying the sound database"
# content: the database's content as SQL text (SQLite's .dump, pg_dump).
content() {
	if db_pg; then db_dump; else sqlite3 "$DB" .dump; fi
}

# An index's page overwritten on the disk: the table and its index disagree.
if sqlite_only "an index's page overwritten in the file" "the bytes of SQLite's file and its integrity check"; then
	page=$(sqlite3 "$DB" "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_transfers' LIMIT 1")
	[ -n "$page" ] || fail "the transfers have no index to damage"
	size=$(sqlite3 "$DB" 'PRAGMA page_size')
	# Near the page's end, where its cells (the keys) lie.
	printf 'DAMAGEDDAMAGEDDAMAGED' | dd of="$DB" bs=1 seek=$((page * size - 100)) conv=notrunc 2>/dev/null
	expect_exit 26 rd audit verify
	expect_in "$ERR" "storage damaged"
	expect_not_in "$ERR" "FAIL:" "the findings of a damaged database"
fi

# The same fund edited through SQL, the file sound: tampering, not damage.
db_put_back "$sound" || fail "putting the sound copy back"
db_sql "UPDATE ledger_transfers SET amount = amount + 1 WHERE id = 't-7'" || fail "the database's shell failed"
expect_exit 1 rd audit verify
expect_not_in "$ERR" "storage damaged"

# Latest changes lost: the sound copy is 3 changes behind once more are made.
db_put_back "$sound" || fail "putting the sound copy back"
[ -s "$KEYS/checkpoint" ] || fail "no high-water checkpoint in the key directory"
checks=$((checks + 1))
for i in 1 2 3; do
	expect_exit 0 rd ledger transfer --id "late-$i" --from gift --to bank --amount 1
done
db_put_back "$sound" || fail "putting the sound copy back"
before=$(content | sha256sum)
expect_exit 26 rd ledger balance
expect_in "$ERR" "latest changes are lost"
expect_exit 26 rd ledger transfer --id fork-1 --from gift --to bank --amount 1
expect_exit 1 rd audit verify
expect_in "$ERR" "latest changes are lost"
expect_eq "$(content | sha256sum)" "$before" "the database after the refusals"

# Another fund's index.key: refused, naming the file, before any change.
db_empty || fail "emptying the database"
rm -rf "$KEYS"
expect_exit 0 rd init --origin damage.example/fund
expect_exit 0 "$REDRESS" --db "$(db_new other)" --keys "$T/other.keys" init --origin other.example/fund
cp "$T/other.keys/index.key" "$KEYS/index.key"
expect_exit 18 rd person add --kind victim --name "Synthetic Keyed Person" --birth-date 1930-01-01
expect_in "$ERR" "index.key is not the key this fund was made with"
expect_exit 0 rd audit verify
finish
