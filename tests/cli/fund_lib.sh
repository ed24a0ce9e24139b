# fund_lib.sh -- a fund to test against, set up as its staff would, for the
# tests that start from approved claims (after lib.sh):
#   as NAME ARGS...      the command as staff account NAME (ada admin, cid
#                        caseworker, rita and rob reviewers, fin finance,
#                        mona monitor), its password from $T/NAME.pw
#   fund_setup ORIGIN KRW  init, the six accounts, the flagship program, and
#                        KRW (an amount) given into the fund
#   person ARGS...       `person add` as the caseworker; prints the pseudonym
#   fund_people          V1..V4 and R1, R2: V3 had died in 2010 and left R1
#                        a third and R2 two thirds; V4 declines the money
#   approve_claims V...  a claim for each victim, submitted and approved by
#                        both reviewers
unset REDRESS_PASSWORD_FILE
for who in ada cid rita rob fin mona; do
	printf 'pw-%s-90c1d2e3f4\n' "$who" >"$T/$who.pw"
done
as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

fund_setup() {
	expect_exit 0 rd init --origin "$1"
	expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
	expect_exit 0 as ada user add cid --role caseworker --password-file "$T/cid.pw"
	expect_exit 0 as ada user add rita --role reviewer --password-file "$T/rita.pw"
	expect_exit 0 as ada user add rob --role reviewer --password-file "$T/rob.pw"
	expect_exit 0 as ada user add fin --role finance --password-file "$T/fin.pw"
	expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"
	expect_exit 0 as ada program add --file "$SRCDIR/examples/flagship-2015.json"
	expect_exit 0 as fin ledger account add gift --currency KRW --kind income
	expect_exit 0 as fin ledger transfer --id gift-1 --from gift --to bank:krw --amount "$2"
}

person() {
	expect_exit 0 as cid person add "$@" || return
	printf '%s' "$OUT"
}

fund_people() {
	V1=$(person --kind victim --name "Synthetic Survivor A" --birth-date 1927-03-01 --frailty 1)
	V2=$(person --kind victim --name "Synthetic Survivor B" --birth-date 1925-06-10 --frailty 3)
	V3=$(person --kind victim --name "Synthetic Victim C" --birth-date 1922-01-20)
	V4=$(person --kind victim --name "Synthetic Survivor D" --birth-date 1930-11-11)
	R1=$(person --kind relative --name "Synthetic Son C1" --birth-date 1950-01-01)
	R2=$(person --kind relative --name "Synthetic Daughter C2" --birth-date 1953-01-01)
	expect_exit 0 as cid person death "$V3" --date 2010-04-01
	expect_exit 0 as cid relation add "$V3" "$R1" --relation son --share 1/3
	expect_exit 0 as cid relation add "$V3" "$R2" --relation daughter --share 2/3
	expect_exit 0 as cid consult add "$V4" --wish decline
}

approve_claims() {
	for v in "$@"; do
		expect_exit 0 as cid claim open --program flagship-2015 --victim "$v"
		c=$OUT
		expect_exit 0 as cid claim submit "$c"
		expect_exit 0 as rita claim approve "$c"
		expect_exit 0 as rob claim approve "$c"
	done
}
