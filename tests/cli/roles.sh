# roles.sh -- the table test: every command that takes --as, run as each of
# the six roles against a fund with data in every state.  The roles a row
# allows succeed (exit 0); every other role is refused (exit 15) with one
# line naming the account, its role, and the roles that may -- which the
# code computes from its permission table in src/domain/users/users.c, so
# the row's expected set is checked against that table too -- and the
# refusal changes nothing (the log's size is unchanged).  Each row gets
# fresh fixtures (a new victim, a claim in the right state, a pending
# transfer, a new id...) made by the roles allowed to make them; the
# refused roles run first with the very arguments the allowed role then
# runs successfully, so each refusal is the permission's and not a state
# error.  The monitor sees aggregates only: no output of hers, allowed or
# refused, holds a pseudonym, a claim id or a synthetic name.  Also: the
# public audit commands need no account; a wrong password is refused for
# every role; no --as once accounts exist is refused as documented.
. "$SRCDIR/tests/cli/lib.sh"

unset REDRESS_PASSWORD_FILE
ROLES=(admin caseworker reviewer finance monitor appeals)
declare -A ACCOUNT=([admin]=ada [caseworker]=cid [reviewer]=rita [finance]=fin [monitor]=mona [appeals]=ava)
for who in ada cid rita rob fin mona ava; do
	printf 'pw-%s-7d3e91b0c4\n' "$who" >"$T/$who.pw"
done
printf 'pw-wrong-7d3e91b0c4\n' >"$T/wrong.pw"
printf 'Synthetic evidence: a letter, scanned.\n' >"$T/evidence.txt"

as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$T/$who.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$who" "$@"
}

# Every synthetic name registered, for the monitor's checks.
NAMES=()
seq_no=0

# new_person KIND [DEATH-DATE]: a fresh person, by the caseworker; sets P.
new_person() {
	seq_no=$((seq_no + 1))
	name="Synthetic Person $1 $seq_no"
	NAMES+=("$name")
	expect_exit 0 as cid person add --kind "$1" --name "$name" --birth-date 1928-03-0$((seq_no % 9 + 1)) \
		--frailty $((seq_no % 4)) || return 1
	P=$OUT
	if [ $# -ge 2 ]; then
		expect_exit 0 as cid person death "$P" --date "$2"
	fi
}

# new_claim STATE: a fresh victim's claim under the flagship, brought to
# STATE (open, submitted, denied, appealed, approved) by the roles that may; sets CLAIM.
new_claim() {
	new_person victim || return 1
	expect_exit 0 as cid claim open --program flagship-2015 --victim "$P" || return 1
	CLAIM=$OUT
	[ "$1" = open ] && return 0
	expect_exit 0 as cid claim submit "$CLAIM"
	case $1 in
	denied | appealed)
		expect_exit 0 as rita claim deny "$CLAIM" --reason "Synthetic reason: papers missing"
		[ "$1" = appealed ] && expect_exit 0 as cid claim appeal "$CLAIM" --reason "papers found"
		;;
	approved)
		expect_exit 0 as rita claim approve "$CLAIM"
		expect_exit 0 as rob claim approve "$CLAIM"
		;;
	esac
	return 0
}

# ---------------------------------------------------------------------------
# The bootstrap, then one account per role (and a second reviewer).
expect_exit 0 rd init --origin test.example/roles
expect_exit 15 as ada ledger balance
expect_one_line_error "this fund has no staff accounts yet: create the first with 'redress user add NAME --role admin'"
expect_exit 0 rd user add ada --role admin --password-file "$T/ada.pw"
expect_exit 0 as ada user add cid --role caseworker --password-file "$T/cid.pw"
expect_exit 0 as ada user add rita --role reviewer --password-file "$T/rita.pw"
expect_exit 0 as ada user add rob --role reviewer --password-file "$T/rob.pw"
expect_exit 0 as ada user add fin --role finance --password-file "$T/fin.pw"
expect_exit 0 as ada user add mona --role monitor --password-file "$T/mona.pw"
expect_exit 0 as ada user add ava --role appeals --password-file "$T/ava.pw"

# The flagship program, and a funded fund: KRW, and JPY to exchange.
expect_exit 0 as ada program add --file "$SRCDIR/examples/flagship-2015.json"
expect_exit 0 as fin ledger account add gift --currency KRW --kind income
expect_exit 0 as fin ledger transfer --id gift-1 --from gift --to bank:krw --amount 10000000000
expect_exit 0 as fin ledger account add gift:jpy --currency JPY --kind income
expect_exit 0 as fin ledger account add bank:jpy --currency JPY --no-overdraft
expect_exit 0 as fin ledger transfer --id gift-jpy-1 --from gift:jpy --to bank:jpy --amount 1000000

# Persons: a survivor, a victim who had died before the cutoff with two heirs.
new_person victim
V1=$P
new_person victim 2010-04-01
V2=$P
new_person relative
R1=$P
new_person relative
R2=$P
expect_exit 0 as cid relation add "$V2" "$R1" --relation son --share 1/3
expect_exit 0 as cid relation add "$V2" "$R2" --relation daughter --share 2/3
expect_exit 0 as cid consent grant "$V1" --scope processing --method "in person, in Korean"
expect_exit 0 as cid consult add "$V1" --wish accept --summary "Synthetic summary: she accepts"

# Claims in each state; V1's and V2's approved, then booked by finance.
for v in "$V1" "$V2"; do
	expect_exit 0 as cid claim open --program flagship-2015 --victim "$v"
	c=$OUT
	expect_exit 0 as cid claim submit "$c"
	expect_exit 0 as rita claim approve "$c"
	expect_exit 0 as rob claim approve "$c"
done
C1=$c
for state in submitted denied appealed open; do
	new_claim $state
done
expect_exit 0 as cid claim evidence add "$CLAIM" "$T/evidence.txt"
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_in "$OUT" "3 entitlements booked"
expect_exit 0 as fin queue --program flagship-2015
expect_in "$OUT" "$R1"
# Payments: R1's bank details, the fund's account, a batch of her payment, and a status
# report from the bank that changes nothing (any role may be refused it, finance imports it).
expect_exit 0 as cid person bank "$R1" --account 110-222-333 --bic SHBKKRSE --holder "Synthetic Holder"
expect_exit 0 as fin pay debtor --program flagship-2015 --name "Synthetic Fund" \
	--iban DE89370400440532013000 --bic SHBKKRSE
expect_exit 0 as fin pay batch --program flagship-2015
expect_in "$OUT" "batch B-000001: 1 payment orders"
cat >"$T/status.xml" <<'XML'
<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>S-1</MsgId></GrpHdr><OrgnlPmtInfAndSts><TxInfAndSts>
<OrgnlEndToEndId>B-000001-000001</OrgnlEndToEndId><TxSts>ACCP</TxSts></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>
XML

# ---------------------------------------------------------------------------
# The table: "COMMAND ARGS | roles allowed", from the permission table in
# src/domain/users/users.c (the permission each command asks for is in its
# src/cli/cmd_*.c).  A row is evaluated as shell words when it runs, after
# its fixtures are made: @USER a new account name, @PROGRAM a new program
# file, @V and @R a new victim and relative, @CSV a new one-row person file,
# @OPEN, @SUBMITTED, @DENIED, @APPEALED a new claim in that state, @PENDING a new
# pending transfer, @ID a new transfer id, @CODE a new account code,
# @ACCOUNT a new staff account (a monitor) and @LOCKED one locked,
# @APPROVED (which leaves nothing on the line) a new approved claim to book,
# @PLEDGE a new pledge, @WAITING a new referral waiting for its answer, and
# @PAIR two new persons of one name and birth year (a suspected duplicate).
TABLE=(
	'user add @USER --role monitor --password-file $T/mona.pw | admin'
	'user list | admin'
	'user totp @ACCOUNT | admin'
	'user totp @ACCOUNT --svg $T/qr.svg | admin'
	'user token | admin caseworker reviewer finance monitor appeals'
	'user revoke @ACCOUNT | admin'
	'user lock @ACCOUNT --reason "Synthetic reason: a test" | admin'
	'user unlock @LOCKED | admin'
	'program add --file @PROGRAM | admin'
	'program show flagship-2015 | admin caseworker reviewer finance appeals'
	'program diff --file $SRCDIR/examples/flagship-2015.json | admin'
	'program history flagship-2015 | admin caseworker reviewer finance appeals'
	'person add --kind victim --name "Synthetic Added Person" --birth-date 1930-05-05 | caseworker'
	'person show $V1 | admin caseworker reviewer'
	'person show $V1 --reveal --reason "Synthetic reason: a visit" | caseworker'
	'person list | admin caseworker reviewer'
	'person import @CSV | caseworker'
	'person import @CSV --dry-run | caseworker'
	'person death @V --date 2020-02-02 | caseworker'
	'person erase @V | admin'
	'relation add $V1 @R --relation grandchild --share 1/1000 | caseworker'
	'consent grant $V1 --scope statistics --method "by telephone, recorded" | caseworker'
	'consent withdraw $V1 --scope contact --method "in person" --witness "Synthetic Witness" | caseworker'
	'consult add $V1 --wish undecided --summary "Synthetic summary: ask again" | caseworker'
	'claim open --program flagship-2015 --victim @V | caseworker'
	'claim evidence add @OPEN $T/evidence.txt | caseworker'
	'claim submit @OPEN | caseworker'
	'claim approve @SUBMITTED | reviewer'
	'claim deny @SUBMITTED --reason "Synthetic reason: not eligible" | reviewer'
	'claim appeal @DENIED --reason "new papers" | caseworker'
	'claim appeal-decide @APPEALED --overturn --reason "Synthetic reason: papers found" | appeals'
	'claim appeal-decide @APPEALED --uphold --reason "Synthetic reason: not shown" | appeals'
	'claim show $C1 | admin caseworker reviewer finance appeals'
	'claim show $C1 --json --reasons | admin caseworker reviewer finance appeals'
	'claim list | admin caseworker reviewer finance appeals'
	'ledger account add @CODE --currency KRW --kind expense | finance'
	'ledger transfer --id @ID --from gift --to bank:krw --amount 1000 | finance'
	'ledger post @PENDING | finance'
	'ledger void @PENDING | finance'
	'ledger exchange --id @ID --from bank:jpy --amount 1000 --to bank:krw --to-amount 9000 | finance'
	'ledger balance | admin finance monitor'
	'ledger balance bank:krw --json | admin finance monitor'
	'ledger history bank:krw | finance'
	'entitlements compute --program flagship-2015 @APPROVED | finance'
	'entitlements compute --program flagship-2015 --dry-run | finance'
	'queue --program flagship-2015 | finance'
	'entitlements proof $V1 --date 2020-01-01 | caseworker'
	'entitlements services $C1 | admin caseworker reviewer finance appeals'
	'entitlements held --program flagship-2015 | admin caseworker reviewer'
	'entitlements benefit $V1 --benefit state-pension --date 2020-01-01 | caseworker'
	'person bank @V --account 1234-5678 --bic SHBKKRSE --holder "Synthetic Holder" | caseworker'
	'person vulnerability @V --set disability --reason "Synthetic: seen at a visit" | caseworker'
	'pay debtor --program flagship-2015 --name "Synthetic Fund" --iban DE89370400440532013000 --bic SHBKKRSE | finance'
	'pay batch --program flagship-2015 | finance'
	'pay export B-000001 --format pain.001 --out $T/pain.xml | finance'
	'pay import $T/status.xml | finance'
	'pay status B-000001 | finance'
	'pay status B-000001 --json | finance'
	'pledge add --program flagship-2015 --donor "Donor Foundation" --amount 1000 --currency KRW --condition "none" | finance'
	'pledge receive @PLEDGE --amount 10 | finance'
	'pledge list | admin finance monitor'
	'person update @V --phone "010-0000-0000" --reason "Synthetic reason: a new number" | caseworker'
	'person changes | caseworker'
	'note add $V1 --file $T/evidence.txt | caseworker'
	'note list $V1 | admin caseworker reviewer'
	'task add $V1 --due 2099-01-01 --what "Synthetic: call again" | caseworker'
	'task list | caseworker'
	'contact add $V1 --channel phone --outcome no-answer | caseworker'
	'contact list | admin caseworker reviewer'
	'referral list $V1 | admin caseworker reviewer'
	'referral outcome @WAITING --outcome "Synthetic: an appointment" | caseworker'
	'grievance open $V1 --channel letter --about "Synthetic: no answer" | caseworker'
	'grievance list | admin caseworker reviewer'
	'outreach list --program flagship-2015 | admin caseworker reviewer'
	'duplicates list | admin caseworker reviewer'
	'duplicates list --json | admin caseworker reviewer'
	'duplicates resolve @PAIR --distinct --reason "Synthetic reason: two women" | caseworker'
	'duplicates resolve @PAIR --same --reason "Synthetic reason: one woman" | caseworker'
	'pledge list --json | admin finance monitor'
	'report public --program flagship-2015 --format csv | admin monitor'
	'report public --program flagship-2015 --format html --k 3 | admin monitor'
)

# The monitor's output, allowed or refused: no pseudonym, claim id or name.
monitor_clean() {
	checks=$((checks + 1))
	text="$OUT
$ERR"
	if printf '%s\n' "$text" | grep -Eq '[VR]-[0-9]|C-[0-9]{6}|Synthetic'; then
		fail "the monitor's '$1' shows a pseudonym-level record: $text"
		return
	fi
	for name in "${NAMES[@]}"; do
		case "$text" in *"$name"*) fail "the monitor's '$1' shows a name: $text" && return ;; esac
	done
}

# fixtures LINE: makes what the row's @-words ask for, and sets CMD.
fixtures() {
	CMD=$1
	case "$CMD" in *@USER*) seq_no=$((seq_no + 1)) && CMD=${CMD//@USER/staff$seq_no} ;; esac
	for what in ACCOUNT LOCKED; do
		case "$CMD" in *@$what*)
			seq_no=$((seq_no + 1))
			expect_exit 0 as ada user add "staff$seq_no" --role monitor --password-file "$T/mona.pw"
			[ $what = LOCKED ] && expect_exit 0 as ada user lock "staff$seq_no" --reason "Synthetic reason: a test"
			CMD=${CMD//@$what/staff$seq_no}
			;;
		esac
	done
	case "$CMD" in *@PROGRAM*)
		seq_no=$((seq_no + 1))
		sed "s/flagship-2015/prog-$seq_no/g" "$SRCDIR/examples/flagship-2015.json" >"$T/prog-$seq_no.json"
		CMD=${CMD//@PROGRAM/$T/prog-$seq_no.json}
		;;
	esac
	case "$CMD" in *@CSV*)
		seq_no=$((seq_no + 1))
		NAMES+=("Synthetic Imported $seq_no")
		printf 'kind,name,birth_date,region\nvictim,Synthetic Imported %s,1926-07-07,KR-11\n' "$seq_no" \
			>"$T/import-$seq_no.csv"
		CMD=${CMD//@CSV/$T/import-$seq_no.csv}
		;;
	esac
	case "$CMD" in *@WAITING*)
		new_person victim
		expect_exit 0 as cid consent grant "$P" --scope share:legal-aid --method "in person"
		expect_exit 0 as cid referral add "$P" --to legal-aid --what "Synthetic: advice"
		CMD=${CMD//@WAITING/$OUT}
		;;
	esac
	case "$CMD" in *@PAIR*)
		seq_no=$((seq_no + 1))
		NAMES+=("Synthetic Twin $seq_no")
		expect_exit 0 as cid person add --kind victim --name "Synthetic Twin $seq_no" --birth-date 1927-01-01
		first=$OUT
		expect_exit 0 as cid person add --kind victim --name "Synthetic Twin $seq_no" --birth-date 1927-02-02
		CMD=${CMD//@PAIR/$first,$OUT}
		;;
	esac
	case "$CMD" in *@V*) new_person victim && CMD=${CMD//@V/$P} ;; esac
	case "$CMD" in *@R*) new_person relative && CMD=${CMD//@R/$P} ;; esac
	for state in OPEN SUBMITTED DENIED APPEALED; do
		case "$CMD" in *@$state*) new_claim "${state,,}" && CMD=${CMD//@$state/$CLAIM} ;; esac
	done
	case "$CMD" in *@APPROVED*) new_claim approved && CMD=${CMD//@APPROVED/} ;; esac
	case "$CMD" in *@PENDING*)
		seq_no=$((seq_no + 1))
		expect_exit 0 as fin ledger transfer --id pend-$seq_no --from gift --to bank:krw --amount 7 --pending
		CMD=${CMD//@PENDING/pend-$seq_no}
		;;
	esac
	case "$CMD" in *@PLEDGE*)
		expect_exit 0 as fin pledge add --program flagship-2015 --donor "Donor" --amount 100 --currency KRW
		CMD=${CMD//@PLEDGE/$OUT}
		;;
	esac
	case "$CMD" in *@ID*) seq_no=$((seq_no + 1)) && CMD=${CMD//@ID/id-$seq_no} ;; esac
	case "$CMD" in *@CODE*) seq_no=$((seq_no + 1)) && CMD=${CMD//@CODE/acct-$seq_no} ;; esac
}

declare -A SEEN  # "row,role" -> x (exit 0), - (exit 15), or the exit status
row=0
for line in "${TABLE[@]}"; do
	row=$((row + 1))
	allowed=" ${line##*|} "
	fixtures "${line%%|*}"
	eval "set -- $CMD"
	# The roles that may, as the refusal names them: in the table's order, joined by 'or'.
	needs=""
	for role in "${ROLES[@]}"; do
		case "$allowed" in *" $role "*) needs="${needs:+$needs or }$role" ;; esac
	done
	# Refused roles first, with the arguments the allowed role then uses.  The
	# log's size after one refusal is the size before the next (nothing runs
	# between them): one 'audit checkpoint' a refusal, not two.
	size=$(log_size)
	for pass in refused allowed; do
		for role in "${ROLES[@]}"; do
			case "$allowed" in *" $role "*) [ $pass = allowed ] || continue ;; *) [ $pass = refused ] || continue ;; esac
			acct=${ACCOUNT[$role]}
			if [ $pass = refused ]; then
				as "$acct" "$@" >"$T/out" 2>"$T/err" </dev/null
				got=$?
				OUT=$(cat "$T/out")
				ERR=$(cat "$T/err")
				checks=$((checks + 1))
				SEEN[$row,$role]=$([ $got -eq 15 ] && echo - || echo "$got")
				if [ $got -ne 15 ]; then
					fail "row $row '$*' as $acct ($role) exited $got, expected 15; stderr: $ERR"
				else
					expect_eq "$(printf '%s\n' "$ERR" | wc -l)" 1 "lines of the refusal of '$*' as $role"
					# The account and its role, what it may not do, and the roles that may.
					checks=$((checks + 1))
					case "$ERR" in
					"redress: account '$acct' ($role) may not "?*": that needs the role $needs") ;;
					*) fail "row $row '$*': the refusal of $role is not \"account '$acct' ($role) may not ...: that needs the role $needs\": $ERR" ;;
					esac
				fi
				after=$(log_size)
				expect_eq "$after" "$size" "log size after '$*' refused for $role"
				size=$after
			else
				as "$acct" "$@" >"$T/out" 2>"$T/err" </dev/null
				got=$?
				OUT=$(cat "$T/out")
				ERR=$(cat "$T/err")
				checks=$((checks + 1))
				SEEN[$row,$role]=$([ $got -eq 0 ] && echo x || echo "$got")
				[ $got -eq 0 ] || fail "row $row '$*' as $acct ($role) exited $got, expected 0; stderr: $ERR"
			fi
			[ "$role" = monitor ] && monitor_clean "$*"
		done
	done
done

# ---------------------------------------------------------------------------
# A wrong password: refused for every role, with the one message, changing nothing.
size=$(log_size)
for role in "${ROLES[@]}"; do
	acct=${ACCOUNT[$role]}
	expect_exit 15 env REDRESS_PASSWORD_FILE="$T/wrong.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as "$acct" ledger balance
	expect_eq "$ERR" "redress: sign-in refused: the account name or the password is wrong" "wrong password for $role"
done
expect_exit 15 env REDRESS_PASSWORD_FILE="$T/ada.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as cid \
	person add --kind victim --name "Synthetic Refused" --birth-date 1930-01-01
expect_in "$ERR" "sign-in refused"
expect_eq "$(log_size)" "$size" "log size after wrong passwords"

# No --as once the fund has accounts: refused (exit 15) as docs/errors.md says, changing nothing.
for cmd in "ledger balance" "user list" "claim list" "person add --kind victim --name Synthetic-None --birth-date 1930-01-01"; do
	# shellcheck disable=SC2086
	expect_exit 15 rd $cmd
	expect_eq "$ERR" "redress: this fund has staff accounts: say which one is acting with 'redress --as NAME COMMAND ...' (its password from the file REDRESS_PASSWORD_FILE names, or typed on the terminal)" "no --as: $cmd"
done
expect_eq "$(log_size)" "$size" "log size after commands without --as"

# The public audit commands need no account (and no password file, no terminal).
n_events=$(log_size)
rd audit checkpoint >"$T/cp.txt" 2>/dev/null
rd audit pubkey >"$T/vkey" 2>/dev/null
for cmd in "checkpoint" "pubkey" "prove --index 1" "prove --index 1 --size $((n_events - 1))" \
	"prove --consistency 3" "verify" "verify --json" "verify --checkpoint $T/cp.txt --pubkey $T/vkey"; do
	# shellcheck disable=SC2086
	expect_exit 0 rd audit $cmd </dev/null
done
# Event bytes are pseudonym-level records: staff who may read persons, never a monitor, never anonymous.
expect_exit 15 rd audit show --index 1
expect_exit 15 as mona audit show --index 1 --raw
expect_one_line_error "account 'mona' (monitor) may not"
for who in ada cid rita; do
	expect_exit 0 as "$who" audit show --index 1 --raw
done
expect_exit 15 as fin audit show --index 1
expect_eq "$(log_size)" "$n_events" "log size after the audit commands"

# A published report is checked by anyone, offline, with the public key only.
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report.json"
monitor_clean "report public --out"
expect_exit 0 "$REDRESS" report verify "$T/report.json" --pubkey "$T/vkey" </dev/null
expect_in "$OUT" "verified"

# ---------------------------------------------------------------------------
# The table as it ran: x ran (exit 0), - refused (exit 15), else the status.
printf '%-70s' "command"
for role in "${ROLES[@]}"; do printf ' %-10s' "$role"; done
printf '\n'
row=0
for line in "${TABLE[@]}"; do
	row=$((row + 1))
	printf '%-70s' "$(printf '%s' "${line%%|*}" | sed 's/ *$//')"
	for role in "${ROLES[@]}"; do printf ' %-10s' "${SEEN[$row,$role]:-?}"; done
	printf '\n'
done
finish
