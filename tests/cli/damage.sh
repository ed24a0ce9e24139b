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
for i in $(seq 1 300); do
	echo "--id t-$i --from gift --to bank --amount 1"
done | while read -r args; do
	# shellcheck disable=SC2086
	rd ledger transfer $args >/dev/null || echo "transfer $args failed" >&2
done
expect_exit 0 rd audit verify
sqlite3 "$DB" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null

# An index's page overwritten on the disk: the table and its index disagree.
cp "$DB" "$T/sound.db"
page=$(sqlite3 "$DB" "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ledger_transfers' LIMIT 1")
[ -n "$page" ] || fail "the transfers have no index to damage"
size=$(sqlite3 "$DB" 'PRAGMA page_size')
# Near the page's end, where its cells (the keys) lie.
printf 'DAMAGEDDAMAGEDDAMAGED' | dd of="$DB" bs=1 seek=$((page * size - 100)) conv=notrunc 2>/dev/null
expect_exit 26 rd audit verify
expect_in "$ERR" "storage damaged"
expect_not_in "$ERR" "FAIL:" "the findings of a damaged database"

# The same fund edited through SQL, the file sound: tampering, not damage.
cp "$T/sound.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
sqlite3 "$DB" "UPDATE ledger_transfers SET amount = amount + 1 WHERE id = 't-7'"
expect_exit 1 rd audit verify
expect_not_in "$ERR" "storage damaged"

# Latest changes lost: the sound copy is 302 changes old once more are made.
cp "$T/sound.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
[ -s "$KEYS/checkpoint" ] || fail "no high-water checkpoint in the key directory"
checks=$((checks + 1))
for i in 1 2 3; do
	expect_exit 0 rd ledger transfer --id "late-$i" --from gift --to bank --amount 1
done
cp "$T/sound.db" "$DB"
rm -f "$DB-wal" "$DB-shm"
before=$(sqlite3 "$DB" .dump | sha256sum)
expect_exit 26 rd ledger balance
expect_in "$ERR" "latest changes are lost"
expect_exit 26 rd ledger transfer --id fork-1 --from gift --to bank --amount 1
expect_exit 1 rd audit verify
expect_in "$ERR" "latest changes are lost"
expect_eq "$(sqlite3 "$DB" .dump | sha256sum)" "$before" "the database after the refusals"

# Another fund's index.key: refused, naming the file, before any change.
rm -rf "$DB" "$DB-wal" "$DB-shm" "$KEYS"
expect_exit 0 rd init --origin damage.example/fund
expect_exit 0 "$REDRESS" --db "$T/other.db" --keys "$T/other.keys" init --origin other.example/fund
cp "$T/other.keys/index.key" "$KEYS/index.key"
expect_exit 18 rd person add --kind victim --name "Synthetic Keyed Person" --birth-date 1930-01-01
expect_in "$ERR" "index.key is not the key this fund was made with"
expect_exit 0 rd audit verify
finish
