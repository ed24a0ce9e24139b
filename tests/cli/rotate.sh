# rotate.sh -- `redress keys rotate`: a new master key.  Afterwards every
# person's identity opens with the new key, every account signs in,
# `audit verify` passes, and a copy of the old key directory opens no one
# (its master key fails on every data key and every password).  A rotation
# interrupted after its change committed (the old key still in place, the
# new one waiting) is finished by running it again; one refused (not an
# admin) changes nothing.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/rotate 1000000
fund_people
expect_exit 0 as cid person show "$V1" --reveal
expect_in "$OUT" "Synthetic Survivor A"
cp -a "$KEYS" "$T/old.keys"

# Refused: not an admin; nothing changes.
size=$(log_size)
expect_exit 15 as cid keys rotate
expect_eq "$(log_size)" "$size" "log size after a refused rotation"
checks=$((checks + 1))
cmp -s "$KEYS/master.key" "$T/old.keys/master.key" || fail "a refused rotation changed master.key"

expect_exit 0 as ada keys rotate
expect_in "$OUT" "6 data keys re-wrapped, 6 accounts' secrets sealed again"
checks=$((checks + 1))
cmp -s "$KEYS/master.key" "$T/old.keys/master.key" && fail "master.key did not change"
checks=$((checks + 1))
[ ! -e "$KEYS/master.key.new" ] || fail "master.key.new left behind"
expect_exit 0 as cid person show "$V1" --reveal
expect_in "$OUT" "Synthetic Survivor A"
for who in ada cid rita rob fin mona; do
	expect_exit 0 as "$who" ledger balance --help
done
expect_exit 0 as fin ledger balance
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"

# A copy of the old keys opens nothing: no identity, no sign-in.
old() {
	REDRESS_PASSWORD_FILE="$T/$1.pw" "$REDRESS" --db "$DB" --keys "$T/old.keys" --as "$1" "${@:2}"
}
expect_exit 18 old cid person show "$V1" --reveal
expect_in "$ERR" "master.key is not the key this fund was made with"
# Each data key, tried directly with the old master key: none opens (the database's shell reads the rows).
expect_eq "$(db_sql 'SELECT count(*) FROM registry_keys')" 6 "keys in registry_keys"

# Directly: a fund with no staff accounts, where the keys alone act.  After
# the rotation the old master key, with the database, opens no data key.
# (On SQLite, the key directory is the default one beside the file; a
# PostgreSQL URI has none beside it, so it is named.)
B="$T/bare"
mkdir "$B"
BDB="$B/fund.db"
bk=()
if db_pg; then
	BDB=$(db_new bare) || fail "no database for the bare fund"
	bk=(--keys "$B/fund.keys")
fi
expect_exit 0 "$REDRESS" --db "$BDB" "${bk[@]}" init --origin test.example/bare
expect_exit 0 "$REDRESS" --db "$BDB" "${bk[@]}" person add --kind victim --name "Synthetic Bare" --birth-date 1931-01-01
bare=$OUT
cp -a "$B/fund.keys" "$B/old.keys"
old_print=$(DB=$BDB db_sql "SELECT value FROM log_meta WHERE name = 'key.master'")
expect_exit 0 "$REDRESS" --db "$BDB" "${bk[@]}" keys rotate
expect_in "$OUT" "1 data keys re-wrapped, 0 accounts"
expect_exit 0 "$REDRESS" --db "$BDB" "${bk[@]}" person show "$bare" --reveal
expect_in "$OUT" "Synthetic Bare"
# The fund refuses the old key by its fingerprint; with the fingerprint put
# back in a copy, the old key is tried on the data keys themselves: none opens.
expect_exit 18 "$REDRESS" --db "$BDB" --keys "$B/old.keys" person show "$bare" --reveal
expect_in "$ERR" "master.key is not the key this fund was made with"
copy=$(db_copy "$BDB" copy) || fail "copying the bare fund's database"
DB=$copy db_sql "UPDATE log_meta SET value = '$old_print' WHERE name = 'key.master'" || fail "the database's shell failed"
expect_exit 19 "$REDRESS" --db "$copy" --keys "$B/old.keys" person show "$bare" --reveal
expect_in "$ERR" "data key (is this the fund's master key?)"

# Interrupted after the change committed: the new key waits beside the old.
cp "$KEYS/master.key" "$T/newer.key"
expect_exit 0 as ada keys rotate
cp "$KEYS/master.key" "$KEYS/master.key.new"
cp "$T/newer.key" "$KEYS/master.key"
expect_exit 18 as cid person show "$V1" --reveal
expect_exit 0 rd keys rotate
expect_in "$OUT" "finished an interrupted rotation"
expect_exit 0 as cid person show "$V1" --reveal
expect_in "$OUT" "Synthetic Survivor A"
expect_exit 0 rd audit verify
finish
