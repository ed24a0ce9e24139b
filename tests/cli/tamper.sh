# tamper.sh -- edits made to the database behind redress's back, with the
# database's shell (sqlite3 or psql, db_sql), are each found and named by
# `audit verify` (exit 1).
. "$SRCDIR/tests/cli/lib.sh"

make_fund() {
	db_empty || fail "emptying the database"
	rm -rf "$KEYS"
	rd init --origin tamper.example/fund >/dev/null || fail "init"
	rd ledger account add gift --currency KRW --kind income >/dev/null
	rd ledger account add bank --currency KRW --no-overdraft >/dev/null
	rd ledger account add payable --currency KRW --kind liability >/dev/null
	rd ledger transfer --id in-1 --from gift --to bank --amount 1000 >/dev/null
	rd ledger transfer --id pay-1 --from bank --to payable --amount 300 >/dev/null
	rd ledger transfer --id pay-2 --from bank --to payable --amount 200 --pending >/dev/null
	rd audit checkpoint >"$T/published"
	expect_exit 0 rd audit verify
}

# check NAME SQL EXPECTED-FINDING
check() {
	make_fund
	db_sql "$2" || fail "$1: the database's shell failed"
	if expect_exit 1 rd audit verify; then
		expect_in "$ERR" "$3" "$1: findings"
	fi
}

check "edited balance" "UPDATE ledger_accounts SET debits_posted = 99000 WHERE code = 'bank'" \
	"ledger_accounts 'bank': debits_posted is '99000' in the database but '1000' by the log"
check "edited transfer" "UPDATE ledger_transfers SET amount = 3 WHERE id = 'pay-1'" \
	"ledger_transfers 'pay-1': amount is '3' in the database but '300' by the log"
check "forged state" "UPDATE ledger_transfers SET state = 'posted' WHERE id = 'pay-2'" \
	"ledger_transfers 'pay-2': state is 'posted'"
check "hidden payment" "DELETE FROM ledger_transfers WHERE id = 'pay-1'" \
	"ledger_transfers 'pay-1': row the log creates is missing from the database"
check "unbalanced books" "UPDATE ledger_accounts SET credits_posted = credits_posted + 5 WHERE code = 'gift'" \
	"ledger KRW: debits"
check "deleted event" "DELETE FROM log_events WHERE seq = 4" "event 4 missing"
check "deleted last event" "DELETE FROM log_events WHERE seq = (SELECT max(seq) FROM log_events)" \
	"deleted from the end"
check "altered event" "UPDATE log_events SET body = $(db_bytes "replace($(db_text body), '\"amount\":300', '\"amount\":30')") WHERE seq = 5" \
	"event 5 was altered"
check "reordered history" "UPDATE log_events SET seq = -1 WHERE seq = 5; UPDATE log_events SET seq = 5 WHERE seq = 6; UPDATE log_events SET seq = 6 WHERE seq = -1;" \
	"history reordered"
check "forged checkpoint" "UPDATE log_checkpoints SET note = replace(note, 'tamper.example', 'tamper.exampl3') WHERE size = 7" \
	"checkpoint at size 7"

# A rewrite that is consistent inside the database (the last event and its
# checkpoints removed together) is caught by a checkpoint published before.
make_fund
db_sql "DELETE FROM log_events WHERE seq = 6; DELETE FROM log_nodes WHERE id >= 10; DELETE FROM log_checkpoints WHERE size = 7; DELETE FROM ledger_transfers WHERE id = 'pay-2'; UPDATE ledger_accounts SET credits_pending = 0 WHERE code = 'bank'; UPDATE ledger_accounts SET debits_pending = 0 WHERE code = 'payable';"
# The checkpoint the fund keeps in its key directory catches it at once ...
expect_exit 1 rd audit verify
expect_in "$ERR" "signed a checkpoint at 7"
expect_exit 26 rd ledger balance
# ... and, without that copy, a checkpoint published before.
rm "$KEYS/checkpoint"
expect_exit 0 rd audit verify
if expect_exit 1 rd audit verify --checkpoint "$T/published"; then
	expect_in "$ERR" "the given checkpoint is signed at size 7 but the log holds 6 events"
fi

# The key directory is the trust anchor: a database whose key was swapped fails.
make_fund
db_sql "UPDATE log_meta SET value = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' WHERE name = 'public_key'"
expect_exit 1 rd audit verify
expect_in "$ERR" "the database's log keys do not include the trusted key"
finish
