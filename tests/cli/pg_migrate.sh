# pg_migrate.sh -- `redress migrate --to postgresql://...` (issue 12): a
# SQLite fund moved whole into an empty PostgreSQL database.  The copy
# audits clean with the same log root, holds as many rows in every table,
# and the SQLite file is left as it was; a database that is not empty, a
# target that is not PostgreSQL or a source that is, a stale file or an
# older schema are refused and change nothing.  And `backup`/`restore`
# with PostgreSQL: a SQLite backup restored into PostgreSQL, a PostgreSQL
# fund backed up and restored into SQLite and into PostgreSQL, each
# auditing clean with the root it was taken at.  And `redress migrate` of a
# PostgreSQL fund of an older schema: pg_dump's copy first, then the upgrade.
# PostgreSQL only: run by tests/pg/run.sh (REDRESS_TEST_PG); skipped else.
. "$SRCDIR/tests/cli/lib.sh"
if [ -z "${REDRESS_TEST_PG:-}" ]; then
	echo "SKIP: needs a PostgreSQL cluster (tests/pg/run.sh)" >&2
	exit 77
fi
PGURI=$DB
DB="$T/fund.db"

expect_exit 0 rd demo
printf '%s\n' "$OUT" | awk '$1 == "fumi" { for (i = 1; i < NF; i++) if ($i == "password") print $(i + 1) }' >"$T/fumi.pw"
expect_exit 0 rd audit verify
src_root=$(printf '%s\n' "$OUT" | sed -n 's/.*; root \(.*\)$/\1/p')
[ -n "$src_root" ] || fail "no root in the SQLite fund's audit: $OUT"
before=$(sha256sum <"$DB")

expect_exit 0 rd migrate --to "$PGURI"
expect_in "$OUT" "the same in both"
expect_in "$OUT" "root $src_root"
expect_eq "$(sha256sum <"$DB")" "$before" "the SQLite file after the move"
# Again into the same database (not empty now): refused, changing nothing.
events=$(psql "$PGURI" -Atq -c "SELECT count(*) FROM log_events")
expect_exit 14 rd migrate --to "$PGURI"
expect_in "$ERR" "is not empty"
expect_eq "$(psql "$PGURI" -Atq -c "SELECT count(*) FROM log_events")" "$events" "events after a refused move"

# A backup of the SQLite fund as it was moved (before the PostgreSQL fund moves on: the key
# directory's checkpoint follows the fund that writes, and then refuses the stale file).
echo "synthetic backup passphrase 2026" >"$T/pass"
expect_exit 0 rd backup --out "$T/fund.rbk" --passphrase-file "$T/pass"

# The copy is the fund: its audit is clean and its root the same.
expect_exit 0 "$REDRESS" --db "$PGURI" --keys "$KEYS" audit verify
expect_eq "$(printf '%s\n' "$OUT" | sed -n 's/.*; root \(.*\)$/\1/p')" "$src_root" "the log root on PostgreSQL"
# Every table as many rows on both sides.
for t in $(sqlite3 "$DB" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"); do
	expect_eq "$(psql "$PGURI" -Atq -c "SELECT count(*) FROM $t")" "$(sqlite3 "$DB" "SELECT count(*) FROM $t")" "rows of $t"
done
# It works as a fund: a staff account signs in with its password, a change lands and audits.
pg_as_fumi() {
	REDRESS_PASSWORD_FILE="$T/fumi.pw" "$REDRESS" --db "$PGURI" --keys "$KEYS" --as fumi "$@"
}
expect_exit 0 pg_as_fumi ledger balance
expect_exit 0 pg_as_fumi ledger transfer --id after-move --from bank:krw --to payable:flagship-2015 --amount 1
expect_exit 0 "$REDRESS" --db "$PGURI" --keys "$KEYS" audit verify

# A backup of the SQLite fund restored into another empty PostgreSQL database: the same root, clean.
third=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" third) || fail "no third database"
expect_exit 0 "$REDRESS" restore "$T/fund.rbk" --db "$third" --keys "$T/keys3" --passphrase-file "$T/pass"
expect_in "$OUT" "the same in both"
expect_exit 0 "$REDRESS" --db "$third" --keys "$T/keys3" audit verify
expect_eq "$(printf '%s\n' "$OUT" | sed -n 's/.*; root \(.*\)$/\1/p')" "$src_root" "the log root restored on PostgreSQL"
expect_eq "$(ls -A "$T" | grep -c '^\.redress-backup')" 0 "scratch directories left by the restore"
# Restoring again into it (not empty) is refused, and the keys it made are taken back.
expect_exit 14 "$REDRESS" restore "$T/fund.rbk" --db "$third" --keys "$T/keys4" --passphrase-file "$T/pass"
[ -e "$T/keys4" ] && fail "a refused restore left its key directory"
checks=$((checks + 1))

# A backup of the PostgreSQL fund (one snapshot copied into a SQLite file inside the sealed file),
# restored into a new SQLite file and into a new PostgreSQL database: both audit clean, the same root.
expect_exit 0 "$REDRESS" --db "$PGURI" --keys "$KEYS" audit verify
pg_root=$(printf '%s\n' "$OUT" | sed -n 's/.*; root \(.*\)$/\1/p')
expect_exit 0 "$REDRESS" --db "$PGURI" --keys "$KEYS" backup --out "$T/pg.rbk" --passphrase-file "$T/pass"
expect_in "$OUT" "backup $T/pg.rbk"
expect_eq "$(ls -A "$T" | grep -c '^\.redress-backup')" 0 "scratch directories left by the backup"
expect_exit 0 "$REDRESS" restore "$T/pg.rbk" --db "$T/back.db" --keys "$T/keys5" --passphrase-file "$T/pass"
expect_exit 0 "$REDRESS" --db "$T/back.db" --keys "$T/keys5" audit verify
expect_eq "$(printf '%s\n' "$OUT" | sed -n 's/.*; root \(.*\)$/\1/p')" "$pg_root" "the root of the PostgreSQL backup restored into SQLite"
fourth=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" fourth) || fail "no fourth database"
expect_exit 0 "$REDRESS" restore "$T/pg.rbk" --db "$fourth" --keys "$T/keys6" --passphrase-file "$T/pass"
expect_exit 0 "$REDRESS" --db "$fourth" --keys "$T/keys6" audit verify
expect_eq "$(printf '%s\n' "$OUT" | sed -n 's/.*; root \(.*\)$/\1/p')" "$pg_root" "the root of the PostgreSQL backup restored into PostgreSQL"
# A wrong passphrase restores nothing.
echo "not the passphrase at all 2026" >"$T/wrong"
fifth=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" fifth) || fail "no fifth database"
expect_exit 19 "$REDRESS" restore "$T/pg.rbk" --db "$fifth" --keys "$T/keys7" --passphrase-file "$T/wrong"
expect_eq "$(psql "$fifth" -Atq -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")" 0 \
	"tables after a restore with a wrong passphrase"

# The SQLite file is stale now: the key directory's checkpoint is past it, and it is refused.
expect_exit 1 rd audit verify
expect_in "$OUT$ERR" "signed a checkpoint at"
expect_exit 26 rd migrate --to "$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" stale)"
expect_in "$ERR" "latest changes are lost"
# Refused, changing nothing: a database that is not empty, a target or a source of the wrong kind.
expect_exit 2 rd migrate --to "$T/other.db"
expect_exit 2 "$REDRESS" --db "$PGURI" --keys "$KEYS" migrate --to "$PGURI"
[ -e "$T/other.db" ] && fail "a refused move made a file"
checks=$((checks + 1))
# An older schema must be migrated first.
other=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" other) || fail "no second database"
sqlite3 "$DB" "UPDATE log_meta SET value = '7' WHERE name = 'schema'"
expect_exit 17 rd migrate --to "$other"
expect_in "$ERR" "redress migrate"
expect_eq "$(psql "$other" -Atq -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")" 0 \
	"tables in the target after a refused move"

# `redress migrate` on a PostgreSQL fund of an older schema: pg_dump's copy first (in the working
# directory, mode 600, restorable by pg_restore), then the upgrade, in one transaction, recorded.
# The fund made older by hand: schema 12, before the table of failed sign-ins (and the appeals' votes),
# with the report renderings it then kept.
psql "$PGURI" -Atq -c "UPDATE log_meta SET value = '12' WHERE name = 'schema'" -c "DROP TABLE sessions_throttle" \
	-c "ALTER TABLE claims_claims DROP COLUMN deciders, DROP COLUMN votes_upheld, DROP COLUMN votes_overturned" \
	-c "CREATE TABLE reports_renderings (program TEXT NOT NULL, format TEXT NOT NULL, seq BIGINT NOT NULL,
	    body BYTEA NOT NULL, PRIMARY KEY (program, format))" \
	-c "INSERT INTO reports_renderings VALUES ('flagship-2015', 'json', 7, '\\x7b7d')"
expect_exit 17 "$REDRESS" --db "$PGURI" --keys "$KEYS" ledger balance
expect_in "$ERR" "run 'redress migrate'"
events=$(psql "$PGURI" -Atq -c "SELECT count(*) FROM log_events")
mkdir "$T/work"
expect_exit 0 sh -c "cd '$T/work' && '$REDRESS' --db '$PGURI' --keys '$KEYS' migrate"
expect_in "$OUT" "migrated the schema from version 12 to"
dump=$(ls "$T/work"/fund.schema-12-*.pgdump 2>/dev/null | head -n1)
[ -n "$dump" ] || fail "no pg_dump copy in the working directory: $OUT"
checks=$((checks + 1))
expect_eq "$(stat -c %a "$dump")" 600 "the dump's mode"
expect_in "$(pg_restore --list "$dump")" "TABLE public log_events"
to=$(printf '%s\n' "$OUT" | sed -n 's/.*from version 12 to \([0-9]*\).*/\1/p')
expect_eq "$(psql "$PGURI" -Atq -c "SELECT count(*) FROM log_events")" "$((events + ${to:-12} - 12))" \
	"events after the migration (a log.migrated for each version)"
expect_eq "$(psql "$PGURI" -Atq -c "SELECT count(*) FROM information_schema.tables WHERE table_name = 'sessions_throttle'")" 1 \
	"the table the migration made"
# The public report page's kept renderings are dropped by migration 18 (to schema 19).
expect_eq "$(psql "$PGURI" -Atq -c "SELECT count(*) FROM information_schema.tables WHERE table_name = 'reports_renderings'")" 0 \
	"the kept report renderings after the migration"
# The dump is the fund as it was: restored into an empty database, it holds the events before the migration.
sixth=$("$SRCDIR/scripts/pg-cluster" createdb "$REDRESS_TEST_PG" sixth) || fail "no sixth database"
pg_restore --no-owner --dbname="$sixth" "$dump" || fail "pg_restore could not restore the dump"
expect_eq "$(psql "$sixth" -Atq -c "SELECT count(*) FROM log_events")" "$events" "events in the restored dump"
# The downgrade was faked behind the log's back: the log says the fund was made at the newest
# schema, and the audit names the migration that does not follow it.
expect_exit 1 "$REDRESS" --db "$PGURI" --keys "$KEYS" audit verify
expect_in "$OUT$ERR" "a migration that does not follow version"
# Without pg_dump, nothing is changed and the error says what is missing.
psql "$PGURI" -Atq -c "UPDATE log_meta SET value = '12' WHERE name = 'schema'"
expect_exit 22 env PATH=/nonexistent "$REDRESS" --db "$PGURI" --keys "$KEYS" migrate
expect_in "$ERR" "cannot run pg_dump"
expect_eq "$(psql "$PGURI" -Atq -c "SELECT value FROM log_meta WHERE name = 'schema'")" 12 "the schema after a migration without pg_dump"
expect_eq "$(ls "$T/work" | wc -l)" 1 "files left by a migration that could not back up"
finish
