# migrate.sh -- a fund made by redress at commit 5b42a33 (the last release
# before schema versions; tests/fixtures/make-fund-5b42a33.sh made it) is
# refused until 'redress migrate' upgrades it, which backs it up first and
# records the migration in the log; afterwards the audit is clean and the
# fund keeps working.  A database newer than this redress is refused.
. "$SRCDIR/tests/cli/lib.sh"

FIX="$SRCDIR/tests/fixtures/fund-5b42a33"
cp "$FIX/fund.db" "$DB"
mkdir -m 700 "$KEYS"
cp "$FIX/keys/"*.key "$KEYS/"
chmod 600 "$DB" "$KEYS/"*.key
password_of() {
	awk -v who="$1" '$1 == who { for (i = 1; i < NF; i++) if ($i == "password") print $(i + 1) }' "$FIX/demo.txt"
}
as() {
	password_of "$1" >"$T/$1.pw"
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

# Refused, with the command that upgrades it; nothing changed.
before=$(sqlite3 "$DB" .dump | sha256sum)
expect_exit 17 as fumi ledger balance
expect_in "$ERR" "run 'redress migrate'"
expect_exit 17 rd audit verify
expect_in "$ERR" "schema is version 1"
# The server too: it refuses to start rather than add tables to an old fund.
expect_exit 17 timeout 20 "$REDRESS" --db "$DB" --keys "$KEYS" serve --listen 127.0.0.1:0
expect_in "$ERR" "run 'redress migrate'"
expect_eq "$(sqlite3 "$DB" .dump | sha256sum)" "$before" "the database's content after a refusal"

# A fund a server of that time had served has the server's own tables: their rows move to the modules.
sqlite3 "$DB" "CREATE TABLE http_totp_steps (account TEXT PRIMARY KEY, step INTEGER NOT NULL);
	INSERT INTO http_totp_steps VALUES ('ada', 12345);
	CREATE TABLE http_reports (program TEXT NOT NULL, format TEXT NOT NULL, seq INTEGER NOT NULL,
	body BLOB NOT NULL, PRIMARY KEY (program, format));
	INSERT INTO http_reports VALUES ('flagship-2015', 'json', 7, CAST('{}' AS BLOB));"

# Migrated: a backup that is the fund as it was, one event per migration.
expect_exit 0 rd migrate
expect_in "$OUT" "migrated the schema from version 1 to 19"
expect_eq "$(sqlite3 "$DB" "SELECT account || ':' || step FROM users_totp_steps")" "ada:12345" \
	"the TOTP step kept, in the users module's table"
# Moved to the reports module's reports_renderings, then dropped (migration 18, to schema 19):
# the public report page renders the log's latest report event and keeps nothing.
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name IN ('http_reports', 'reports_renderings')")" 0 \
	"the kept report renderings after migrating (migration 18, to schema 19)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name LIKE 'http_%'")" 0 \
	"the server's own tables left after the migration"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'idempotency_answers'")" 1 \
	"the idempotency module's table"
expect_eq "$(sqlite3 "$DB" "SELECT group_concat(name) FROM sqlite_master WHERE name LIKE '%sessions%' AND type = 'table'"
	)" "sessions_live,sessions_throttle" "the sessions module's tables (migrations 11 and 12), none of the users module's"
backup=$(ls "$DB".schema-1-*.bak 2>/dev/null | head -n1)
[ -n "$backup" ] || fail "no backup beside the database: $OUT"
checks=$((checks + 1))
expect_eq "$(stat -c %a "$backup")" 600 "the backup's mode"
expect_eq "$(sqlite3 "$backup" "SELECT count(*) FROM log_events")" \
	"$(sqlite3 "$FIX/fund.db" "SELECT count(*) FROM log_events")" "events in the backup"
last=$(sqlite3 "$DB" "SELECT max(seq) FROM log_events")
for from in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18; do
	expect_exit 0 as ada audit show --index "$((last - 18 + from))"
	expect_in "$OUT" '"type": "log.migrated"'
	expect_in "$OUT" "\"from\": $from"
done
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'programs_rules'")" 1 \
	"the programs' rules table after migrating"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name IN ('registry_dup_keys', 'dups_decisions')")" 2 \
	"the tables of suspected duplicates after migrating (migration 13)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'programs_versions'")" 1 \
	"the programs' versions table after migrating (migration 9)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'entitlements_benefits'")" 1 \
	"the other benefits' table after migrating (migration 9)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM pragma_table_info('entitlements') WHERE name = 'program_version'")" 1 \
	"the entitlements' version column after migrating (migration 10)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM pragma_table_info('claims_claims') WHERE name IN ('deciders', 'votes_upheld', 'votes_overturned')")" 3 \
	"the appeals' deciders and votes after migrating (migration 17)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM entitlements WHERE program_version IS NOT NULL")" 0 \
	"entitlements booked before the migration that claim a version"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'registry_persons_frailty'")" 1 \
	"the frailest-first list's index after migrating (migration 11)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name LIKE 'offices_%' AND type = 'table'")" 4 \
	"the offices module's tables after migrating (migration 14)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'registry_search_owned'")" 1 \
	"the search tokens by person after migrating (migration 15)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'registry_search_pseudonym'")" 0 \
	"the index it replaces, after migrating (migration 15)"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'registry_vulnerabilities'")" 1 \
	"the table of vulnerability categories after migrating (migration 16)"

# The audit is clean, and the fund keeps working: reads, a change, the server's tables.
expect_exit 0 rd audit verify
expect_exit 0 as fumi ledger balance
expect_exit 0 as fumi ledger transfer --id after-migrate --from bank:krw --to payable:flagship-2015 --amount 1
expect_in "$OUT" "transfer after-migrate"
expect_exit 0 as cho person add --kind victim --name "Synthetic Migrated Person" --birth-date 1930-01-01
# The tables migration 7 made: a correction and a case note on the migrated fund.
migrated=$OUT
expect_exit 0 as cho person update "$migrated" --frailty 2 --reason "Synthetic: seen frail"
printf 'Synthetic note after the migration.\n' >"$T/note.txt"
expect_exit 0 as cho note add "$migrated" --file "$T/note.txt"
# The table migration 8 made: what came of a referral.
expect_exit 0 as cho consent grant "$migrated" --scope share:legal-aid --method "in person"
expect_exit 0 as cho referral add "$migrated" --to legal-aid --what "Synthetic: advice"
expect_exit 0 as cho referral outcome "$OUT" --outcome "Synthetic: an appointment"
expect_exit 0 rd audit verify
# Its public feed verifies against the checkpoint: the events written before version 3 (all the
# old fund's) are in the tree but their lines are not bound; the migrations' and every later one are.
old_events=$(sqlite3 "$FIX/fund.db" "SELECT count(*) FROM log_events")
expect_exit 0 as moe audit feed --out "$T/feed.jsonl"
rd audit pubkey >"$T/vkey"
expect_exit 0 "$REDRESS" --db "$T/none.db" audit feed-verify "$T/feed.jsonl" --pubkey "$T/vkey"
expect_in "$OUT" "$(($(log_size) - old_events)) lines bound to their leaves"
expect_in "$OUT" "$old_events lines not bound to their leaves: events written before version 3 ($old_events of version 1, 0 of version 2)"

# Again: nothing to do, no second backup.
expect_exit 0 rd migrate
expect_in "$OUT" "nothing to do"
expect_eq "$(ls "$DB".schema-*.bak | wc -l)" 1 "backups after a second migrate"

# Migration 15 on a fund put back to schema 15 by hand, whose persons have search tokens (32
# hex digits, an index by person): each keeps its first 16, the same as a
# new index gives, and registry_search_owned holds the same pairs.
expect_exit 0 as cho person reindex
sqlite3 "$DB" "SELECT token || ' ' || pseudonym FROM registry_search ORDER BY 1" >"$T/tokens.txt"
[ -s "$T/tokens.txt" ] || fail "no search tokens after a reindex"
checks=$((checks + 1))
sqlite3 "$DB" <<'SQL'
DROP TABLE registry_search_owned;
CREATE TABLE old_search (token TEXT NOT NULL, pseudonym TEXT NOT NULL,
 PRIMARY KEY (token, pseudonym)) WITHOUT ROWID;
INSERT INTO old_search SELECT token || '0123456789abcdef', pseudonym FROM registry_search;
DROP TABLE registry_search;
ALTER TABLE old_search RENAME TO registry_search;
CREATE INDEX registry_search_pseudonym ON registry_search (pseudonym);
ALTER TABLE claims_claims DROP COLUMN deciders;
ALTER TABLE claims_claims DROP COLUMN votes_upheld;
ALTER TABLE claims_claims DROP COLUMN votes_overturned;
UPDATE log_meta SET value = '15' WHERE name = 'schema';
SQL
expect_exit 0 rd migrate
expect_in "$OUT" "from version 15 to 19"
expect_eq "$(sqlite3 "$DB" "SELECT token || ' ' || pseudonym FROM registry_search ORDER BY 1")" \
	"$(cat "$T/tokens.txt")" "search tokens after migration 15"
expect_eq "$(sqlite3 "$DB" "SELECT tokens || ' ' || pseudonym FROM registry_search_owned ORDER BY 1")" \
	"$(cat "$T/tokens.txt")" "search tokens by person after migration 15"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'registry_search_pseudonym'")" 0 \
	"the index by person after migration 15"
expect_exit 0 as cho person reindex
expect_eq "$(sqlite3 "$DB" "SELECT token || ' ' || pseudonym FROM registry_search ORDER BY 1")" \
	"$(cat "$T/tokens.txt")" "search tokens indexed again after migration 15"
expect_eq "$(sqlite3 "$DB" "SELECT count(*) FROM registry_search_owned")" \
	"$(sqlite3 "$DB" "SELECT count(DISTINCT pseudonym) FROM registry_search")" \
	"rows of search tokens by person, indexed again (one a person: the old ones deleted)"
# (No audit here: the log rightly finds a second migration from 15 to 16.)

# A schema from a newer redress: refused, by every command and by migrate.
sqlite3 "$DB" "UPDATE log_meta SET value = '99' WHERE name = 'schema'"
expect_exit 17 as fumi ledger balance
expect_in "$ERR" "newer than this redress knows"
expect_exit 17 rd migrate
expect_in "$ERR" "newer than this redress knows"
finish
