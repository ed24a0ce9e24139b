# accounts.sh -- staff accounts over time, on the command line: disabling
# and enabling (a disabled account signs in no more, by password or API
# token), a password changed by its holder and reset by an admin (who
# then must change it before signing in), roles changed as events, a
# grant of admin that waits for a second admin, and audit's replay of all
# of it.  Each refusal (no such account or role, the same admin approving
# its own grant, the last admin demoted, an admin disabling itself, a
# wrong old password) says what and changes nothing.
. "$SRCDIR/tests/cli/lib.sh"

unset REDRESS_PASSWORD_FILE
printf 'canary-ada-71c0e2aa\n' >"$T/ada.pw"
printf 'canary-ben-9b14f3d0\n' >"$T/ben.pw"
printf 'canary-cat-2e5f8a61\n' >"$T/cat.pw"
printf 'canary-cat-NEW-4d2a\n' >"$T/cat2.pw"
printf 'canary-cat-RESET-77\n' >"$T/cat3.pw"
printf 'canary-dan-0c3e9b15\n' >"$T/dan.pw"
printf 'canary-wrong-000000\n' >"$T/wrong.pw"

as() {
	who=$1
	pw=$2
	shift 2
	REDRESS_PASSWORD_FILE="$pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

expect_exit 0 rd init --origin test.example/accounts
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada "$T/ada.pw" user add ben --role caseworker --password-file "$T/ben.pw"
expect_exit 0 as ada "$T/ada.pw" user add cat --role caseworker --password-file "$T/cat.pw"
expect_exit 0 as ada "$T/ada.pw" user add dan --role monitor --password-file "$T/dan.pw"

# ---- Admins are made by two admins -------------------------------------------------
expect_exit 15 as ada "$T/ada.pw" user add eve --role admin --password-file "$T/ada.pw"
expect_in "$ERR" "an admin is made by two admins"
# With one admin there is no second to ask: ben becomes the second admin at once.
expect_exit 0 as ada "$T/ada.pw" user role ben admin
expect_in "$OUT" "ben is now admin"
# From two admins on, a grant waits for the other.
size=$(log_size)
expect_exit 0 as ada "$T/ada.pw" user role cat admin
expect_in "$OUT" "waits for a second admin"
expect_eq "$(log_size)" $((size + 1)) "a proposal is one event"
expect_in "$(as ada "$T/ada.pw" user list)" "pending:admin"
expect_exit 0 as cat "$T/cat.pw" person list
expect_exit 15 as cat "$T/cat.pw" user list
size=$(log_size)
expect_exit 15 as ada "$T/ada.pw" user role cat admin
expect_in "$ERR" "needs a second admin"
expect_eq "$(log_size)" "$size" "log size after the same admin approving"
expect_exit 0 as ben "$T/ben.pw" user role cat admin
expect_in "$OUT" "cat is now admin"
expect_exit 0 as cat "$T/cat.pw" user list
expect_in "$(as cat "$T/cat.pw" user list --json)" '"role": "admin"'
# Other roles change at once; the last admins cannot all go.
expect_exit 0 as ada "$T/ada.pw" user role cat finance
expect_exit 15 as cat "$T/cat.pw" user list
expect_exit 0 as ada "$T/ada.pw" user role ben reviewer
size=$(log_size)
expect_exit 15 as ada "$T/ada.pw" user role ada monitor
expect_in "$ERR" "last admin"
expect_exit 2 as ada "$T/ada.pw" user role cat emperor
expect_in "$ERR" "emperor"
expect_exit 13 as ada "$T/ada.pw" user role nobody finance
expect_in "$ERR" "no account 'nobody'"
expect_exit 14 as ada "$T/ada.pw" user role cat finance
expect_in "$ERR" "is finance already"
expect_exit 15 as dan "$T/dan.pw" user role dan admin
expect_eq "$(log_size)" "$size" "log size after refused role changes"

# ---- Disable and enable ------------------------------------------------------------
expect_exit 0 as dan "$T/dan.pw" user token
token=$OUT
expect_exit 0 as ada "$T/ada.pw" user disable dan
expect_in "$OUT" "disabled"
expect_exit 15 as dan "$T/dan.pw" ledger balance
expect_in "$ERR" "account 'dan' is disabled"
expect_in "$(as ada "$T/ada.pw" user list)" "disabled"
size=$(log_size)
expect_exit 14 as ada "$T/ada.pw" user disable dan
expect_in "$ERR" "disabled already"
expect_exit 15 as ada "$T/ada.pw" user disable ada
expect_in "$ERR" "may not disable itself"
expect_exit 13 as ada "$T/ada.pw" user disable nobody
expect_exit 15 as cat "$T/cat.pw" user disable ada
expect_eq "$(log_size)" "$size" "log size after refused disables"
expect_exit 0 as ada "$T/ada.pw" user enable dan
expect_exit 0 as dan "$T/dan.pw" ledger balance
expect_exit 14 as ada "$T/ada.pw" user enable dan

# ---- Passwords ---------------------------------------------------------------------
# Your own: the old password proves it.
size=$(log_size)
expect_exit 15 as cat "$T/wrong.pw" user password --password-file "$T/cat2.pw"
expect_eq "$(log_size)" "$size" "log size after a wrong old password"
expect_exit 12 as cat "$T/cat.pw" user password --password-file "$T/cat.pw"
expect_in "$ERR" "the new password is the old one"
expect_exit 0 as cat "$T/cat.pw" user password --password-file "$T/cat2.pw"
expect_exit 15 as cat "$T/cat.pw" ledger balance
expect_exit 0 as cat "$T/cat2.pw" ledger balance
# An admin's reset: the account must choose a new one before it signs in.
expect_exit 0 as ada "$T/ada.pw" user password cat --password-file "$T/cat3.pw"
expect_in "$OUT" "must choose a new one"
expect_exit 29 as cat "$T/cat3.pw" ledger balance
expect_in "$ERR" "must choose a new password first"
expect_in "$(as ada "$T/ada.pw" user list)" "must-change-password"
expect_exit 0 as cat "$T/cat3.pw" user password --password-file "$T/cat.pw"
expect_exit 0 as cat "$T/cat.pw" ledger balance
expect_exit 15 as dan "$T/dan.pw" user password cat --password-file "$T/dan.pw"
expect_exit 12 as ada "$T/ada.pw" user password cat --password-file <(printf 'short\n')

# ---- No secret in the database; audit replays every change -------------------------
for pw in ada ben cat cat2 cat3 dan; do
	checks=$((checks + 1))
	db_files_hold "$(cat "$T/$pw.pw")" && fail "password $pw is in the database in clear"
done
expect_exit 0 rd audit verify
expect_in "$OUT" "verified"
# A role edited behind the log's back is found.
db_sql "UPDATE users_accounts SET role = 'admin' WHERE name = 'dan'" || fail "the database's shell failed"
expect_exit 1 rd audit verify
expect_in "$OUT$ERR" "users_accounts"

finish
