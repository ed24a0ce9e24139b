# errors.sh -- bad input gets a one-line error that names what was wrong, a
# documented exit status (docs/errors.md), and changes nothing.
. "$SRCDIR/tests/cli/lib.sh"

expect_exit 0 rd init --origin errors.example/fund
rd ledger account add gift --currency KRW --kind income >/dev/null
rd ledger account add bank --currency KRW --no-overdraft >/dev/null
rd ledger account add usd --currency USD >/dev/null
rd ledger transfer --id in-1 --from gift --to bank --amount 1000 >/dev/null
before=$(log_size)
balance_before=$(rd ledger balance --json)

# refused CODE MESSAGE ARGS...: exit CODE, message on stderr, nothing changed.
refused() {
	code=$1 msg=$2
	shift 2
	expect_exit "$code" rd "$@" && expect_one_line_error "$msg"
	expect_eq "$(log_size)" "$before" "log size after '$*'"
}

refused 13 "no account 'nowhere'" ledger transfer --id x --from gift --to nowhere --amount 1
refused 12 "'12.5' has more than 0 decimal places" ledger transfer --id x --from gift --to bank --amount 12.5
rd ledger account add usd-gift --currency USD --kind income >/dev/null
before=$(log_size)
balance_before=$(rd ledger balance --json)
refused 12 "'1.005' has more than 2 decimal places for USD" ledger transfer --id x --from usd-gift --to usd --amount 1.005
refused 12 "'abc' has 'a' at position 1" ledger transfer --id x --from gift --to bank --amount abc
refused 12 "'-5' has '-' at position 1" ledger transfer --id x --from gift --to bank --amount -5
refused 12 "must be more than zero" ledger transfer --id x --from gift --to bank --amount 0
refused 16 "is too large" ledger transfer --id x --from gift --to bank --amount 99999999999999999999
refused 12 "unknown currency 'XYZ'" ledger account add odd --currency XYZ
refused 12 "transfer id 'bad id' has ' ' at position 4" ledger transfer --id "bad id" --from gift --to bank --amount 1
refused 12 "account code 'bad/code' has '/'" ledger account add bad/code --currency KRW
refused 12 "starting with 'exchange:' are the ledger's own" ledger account add exchange:KRW --currency KRW
refused 15 "holds USD" ledger transfer --id x --from bank --to usd --amount 1
refused 15 "may not go below zero" ledger transfer --id x --from bank --to gift --amount 1001
refused 2 "kind 'cash' is not one of" ledger account add c --currency KRW --kind cash
refused 2 "needs --id, --from, --to and --amount" ledger transfer --from gift --to bank --amount 1
refused 2 "unknown option '--frobnicate'" ledger transfer --frobnicate --id x
refused 15 "accounts move money only through 'redress ledger exchange'" ledger transfer --id x --from bank --to exchange:JPY --amount 1
refused 12 "--to-amount must be more than zero" ledger exchange --id fx --from bank --amount 1 --to usd --to-amount 0
# A liability that may not go below zero is protected too, not only the paying side.
rd ledger account add strict --currency KRW --kind liability --no-overdraft >/dev/null
before=$(log_size)
balance_before=$(rd ledger balance --json)
refused 15 "account 'strict' may not go below zero" ledger transfer --id x --from bank --to strict --amount 5
refused 2 "not a ledger command" ledger frobnicate
refused 13 "no transfer 'ghost'" ledger post ghost
expect_eq "$(rd ledger balance --json)" "$balance_before" "balances after refused commands"

# Usage errors are one line.
expect_exit 2 rd ledger transfer --from gift
expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "lines of a usage error"

# Not a command at all.
expect_exit 2 "$REDRESS" frobnicate
expect_in "$ERR" "'frobnicate' is not a command"

# A missing database, an unreadable one, missing keys.
expect_exit 28 "$REDRESS" --db "$T/absent.db" --keys "$KEYS" ledger balance
expect_one_line_error "there is no database at '$T/absent.db'"
[ ! -e "$T/absent.db" ] || fail "a read created the missing database"
checks=$((checks + 1))
printf 'this is not a database\n' >"$T/junk.db"
expect_exit 17 "$REDRESS" --db "$T/junk.db" --keys "$KEYS" ledger balance
expect_one_line_error "cannot use database '$T/junk.db'"
expect_exit 18 "$REDRESS" --db "$DB" --keys "$T/nokeys" ledger transfer --id y --from gift --to bank --amount 1
expect_one_line_error "key directory '$T/nokeys' does not exist"
chmod 644 "$KEYS/log.key"
expect_exit 18 rd ledger transfer --id y --from gift --to bank --amount 1
expect_one_line_error "readable by others"
chmod 600 "$KEYS/log.key"
# Another fund's keys are not this fund's.
"$REDRESS" --db "$T/other.db" --keys "$T/other.keys" init >/dev/null
expect_exit 18 "$REDRESS" --db "$DB" --keys "$T/other.keys" ledger transfer --id y --from gift --to bank --amount 1
expect_one_line_error "not the key this database was created with"
expect_eq "$(log_size)" "$before" "log size after the key errors"

# A failed init leaves nothing behind.
mkdir "$T/ro" && chmod 500 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
	expect_exit 17 "$REDRESS" --db "$T/ro/x.db" init
	[ ! -e "$T/ro/x.keys" ] || fail "failed init left a key directory"
fi
# The database and its journal are the fund's alone.
expect_eq "$(stat -c %a "$DB")" 600 "database file mode"
# An existing key directory open to others is refused, and left as it was.
mkdir -m 755 "$T/open.keys"
expect_exit 18 "$REDRESS" --db "$T/open.db" --keys "$T/open.keys" init
expect_one_line_error "open to others (mode 755)"
expect_eq "$(stat -c %a "$T/open.keys")" 755 "mode of a refused key directory"
[ -d "$T/open.keys" ] && [ ! -e "$T/open.db" ] || fail "a refused init left or removed something"
checks=$((checks + 1))
# demo --fresh never removes a fund that is not a demo.
expect_exit 14 rd demo --fresh
expect_one_line_error "holds a fund's log, not a demo's"
[ -e "$KEYS/log.key" ] || fail "demo --fresh removed a fund's key"
checks=$((checks + 1))

# An existing key is never overwritten.
expect_exit 18 "$REDRESS" --db "$T/fresh.db" --keys "$KEYS" init
expect_one_line_error "already holds a log key"
[ ! -e "$T/fresh.db" ] || fail "failed init left a database"
checks=$((checks + 1))
expect_exit 0 rd audit verify
finish
