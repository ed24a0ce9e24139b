# payments.sh -- entitlements paid through the bank and back: a batch in
# queue order held as pending transfers, the pain.001 export (well-formed,
# checked against the pain.001.001.09 schema, totals agreeing, end-to-end
# ids tying back to the ledger), camt.054 settling and returning payments,
# pain.002 rejecting one, the same file twice changing nothing, crafted
# files (a repeated end-to-end id, a foreign one, a wrong amount, a DTD)
# refused naming file and line with nothing changed, re-payment of returned
# entitlements, the money invariant after a random sequence, bank details
# never in clear (canaries), roles, and audit naming a tampered row.
. "$SRCDIR/tests/cli/lib.sh"

. "$SRCDIR/tests/cli/fund_lib.sh"
OUTPUTS="$T/outputs"
: >"$OUTPUTS"
keep() {
	printf '%s\n%s\n' "$OUT" "$ERR" >>"$OUTPUTS"
}

fund_setup test.example/payments 400000000
fund_people
approve_claims "$V1" "$V2" "$V3" "$V4"
expect_exit 0 as fin entitlements compute --program flagship-2015

# Bank details, with canary values that must never appear in clear but in the pain.001 file.
CANARY_HOLDER="Canary Holder Zq7Wv4Kp"
CANARY_ACCOUNT="CANARYACCT991"
CANARY_IBAN="GB82WEST12345698765432"
CANARIES="Zq7Wv4Kp CANARYACCT991 GB82WEST12345698765432"
expect_exit 0 as cid person bank "$V2" --account "$CANARY_ACCOUNT" --iban "$CANARY_IBAN" --bic DEUTDEFF \
	--holder "$CANARY_HOLDER & <Sons>" && keep
expect_exit 0 as cid person bank "$V1" --account 110-222-333444 --bic SHBKKRSE --holder "Synthetic A" && keep
expect_exit 0 as cid person bank "$R1" --account 220-333-444555 --bic SHBKKRSEXXX --holder "Synthetic C1" && keep
# Bad bank details: refused naming the field, never echoing the value; nothing changed.
size=$(log_size)
expect_exit 12 as cid person bank "$V1" --account 1 --iban GB00WEST12345698765432 --bic SHBKKRSE --holder X && keep
expect_one_line_error "--iban: the IBAN's check digits do not match"
expect_exit 12 as cid person bank "$V1" --account 1 --bic shbkkrse --holder X && keep
expect_one_line_error "--bic: a BIC is 6 capital letters"
expect_exit 2 as cid person bank "$V1" --account 1 --bic SHBKKRSE && keep
expect_exit 13 as cid person bank V-000099 --account 1 --bic SHBKKRSE --holder X && keep
expect_eq "$(log_size)" "$size" "log size after refused bank details"
# Roles: caseworkers record bank details, finance pays.
expect_exit 15 as fin person bank "$V1" --account 1 --bic SHBKKRSE --holder X && keep
expect_exit 15 as cid pay batch --program flagship-2015 && keep
expect_exit 15 as mona pay status B-000001 && keep

# The first batch: in queue order (V2 most frail, V1, then the heir R1); R2 has no bank details.
expect_exit 0 as fin pay batch --program flagship-2015 --json && keep
expect_eq "$(printf '%s' "$OUT" | json batch)" "B-000001" "first batch id"
expect_eq "$(printf '%s' "$OUT" | json orders)" 3 "orders in the first batch"
expect_eq "$(printf '%s' "$OUT" | json total)" 206666667 "the first batch's total"
expect_eq "$(printf '%s' "$OUT" | json no_bank_details)" 1 "left without bank details"
expect_exit 0 as fin pay status B-000001 --json && keep
expect_eq "$(printf '%s' "$OUT" | json payments.0.beneficiary)" "$V2" "most frail paid first"
expect_eq "$(printf '%s' "$OUT" | json payments.1.beneficiary)" "$V1" "then the next"
expect_eq "$(printf '%s' "$OUT" | json payments.2.beneficiary)" "$R1" "then the heir"
expect_eq "$(printf '%s' "$OUT" | json payments.0.state)" pending "a new order is pending"
# Each amount is held: pending transfers named by the order ids.
expect_exit 0 as fin ledger history bank:krw --json && keep
expect_in "$OUT" '"id": "B-000001-000001"'
expect_in "$OUT" '"state": "pending"'
expect_exit 0 as fin ledger balance bank:krw --json && keep
expect_in "$OUT" '193333333' "available after holding the batch"
# The queue no longer lists batched entitlements.
expect_exit 0 as fin queue --program flagship-2015 --json && keep
expect_eq "$(printf '%s' "$OUT" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).map(e=>e.beneficiary).join(" ")))')" "$R2" "the queue while batched"

# Export: no debtor account yet.
expect_exit 13 as fin pay export B-000001 --format pain.001 --out "$T/b1.xml" && keep
expect_one_line_error "has no bank account of the fund"
expect_exit 12 as fin pay debtor --program flagship-2015 --name "Foundation" --iban KR00 --bic SHBKKRSE && keep
expect_exit 0 as fin pay debtor --program flagship-2015 --name "Reconciliation & Healing Foundation" \
	--iban DE89370400440532013000 --bic SHBKKRSE && keep
expect_exit 2 as fin pay export B-000001 --format mt103 && keep
expect_exit 0 as fin pay export B-000001 --format pain.001 --out "$T/b1.xml"
checks=$((checks + 1))
[ "$(stat -c %a "$T/b1.xml")" = 600 ] || fail "the pain.001 file is not mode 0600"
checks=$((checks + 1))
xmllint --noout "$T/b1.xml" || fail "pain.001 is not well-formed"
. "$SRCDIR/tests/cli/bank_lib.sh"
xsd_valid "$T/b1.xml" pain.001.001.09
xp() {
	xmllint --xpath "$1" "$2" 2>/dev/null
}
NS='*[local-name()="Document"]/*[local-name()="CstmrCdtTrfInitn"]'
expect_eq "$(xp "string(/$NS/*[local-name()='GrpHdr']/*[local-name()='NbOfTxs'])" "$T/b1.xml")" 3 "NbOfTxs"
expect_eq "$(xp "string(/$NS/*[local-name()='GrpHdr']/*[local-name()='CtrlSum'])" "$T/b1.xml")" 206666667 "CtrlSum"
expect_eq "$(xp "count(//*[local-name()='EndToEndId'])" "$T/b1.xml")" 3 "EndToEndIds"
expect_eq "$(xp "string((//*[local-name()='EndToEndId'])[1])" "$T/b1.xml")" B-000001-000001 "first EndToEndId"
expect_eq "$(xp "string((//*[local-name()='InstdAmt'])[3])" "$T/b1.xml")" 6666667 "the heir's amount"
expect_eq "$(xp "string((//*[local-name()='Cdtr'])[1]/*[local-name()='Nm'])" "$T/b1.xml")" "$CANARY_HOLDER & <Sons>" "a name escaped by libxml2 and read back"
expect_in "$(cat "$T/b1.xml")" "Canary Holder Zq7Wv4Kp &amp; &lt;Sons&gt;" "the escaped name"
# The export is an event naming who made it.
n=$(log_size)
expect_exit 0 as cid audit show --index $((n - 1)) && keep
expect_in "$OUT" "payments.batch.exported"
expect_in "$OUT" "user:fin"

# The bank's camt.054: V2's payment booked, V1's returned (AC04, account closed).
camt "$T/camt1.xml" CAMT-1 "$(booked B-000001-000001 100000000 2026-11-20)" \
	"$(returned B-000001-000002 100000000.00 2026-11-21 AC04)"
xsd_valid "$T/camt1.xml" camt.054.001.08
expect_exit 0 as fin pay import "$T/camt1.xml" && keep
expect_in "$OUT" "camt.054.001.08): 1 settled, 1 returned"
expect_exit 0 as fin pay status B-000001 --json && keep
expect_eq "$(printf '%s' "$OUT" | json payments.0.state)" settled "V2's payment"
expect_eq "$(printf '%s' "$OUT" | json payments.0.booked_on)" 2026-11-20 "V2's booking date"
expect_eq "$(printf '%s' "$OUT" | json payments.1.state)" returned "V1's payment"
expect_eq "$(printf '%s' "$OUT" | json payments.1.reason)" AC04 "V1's return reason"
expect_eq "$(printf '%s' "$OUT" | json payments.2.state)" pending "R1's payment, still at the bank"
expect_exit 0 as fin ledger history bank:krw --json && keep
# The same file again: nothing changes, not even the log.
size=$(log_size)
expect_exit 0 as fin pay import "$T/camt1.xml" && keep
expect_in "$OUT" "was imported before: nothing changed"
expect_eq "$(log_size)" "$size" "log size after importing the same file twice"
# The same entries in another file: each already so, nothing changed but the record of the file.
camt "$T/camt1b.xml" CAMT-1B "$(booked B-000001-000001 100000000 2026-11-20)"
expect_exit 0 as fin pay import "$T/camt1b.xml" && keep
expect_in "$OUT" "0 settled, 0 returned, 1 already so"
# The queue: V1 back with the bank's reason, and R2.
expect_exit 0 as fin queue --program flagship-2015 && keep
expect_in "$OUT" "returned by the bank: AC04"
expect_exit 0 as fin queue --program flagship-2015 --json && keep
expect_eq "$(printf '%s' "$OUT" | json 0.beneficiary)" "$V1" "the returned entitlement is queued again"
expect_eq "$(printf '%s' "$OUT" | json 0.return_reason)" AC04 "with its reason"

# Crafted files: each refused naming the file and the line; nothing changes.
size=$(log_size)
camt "$T/dup.xml" CAMT-DUP "$(booked B-000001-000003 6666667 2026-11-22)" "$(booked B-000001-000003 6666667 2026-11-22)"
expect_exit 12 as fin pay import "$T/dup.xml" && keep
line=$(grep -n 'B-000001-000003' "$T/dup.xml" | sed -n 2p | cut -d: -f1)
expect_one_line_error "dup.xml: line $line: end-to-end id 'B-000001-000003' appears a second time"
# An id of this fund's form that names no order is refused (ids of others are reported: bank_files.sh).
camt "$T/foreign.xml" CAMT-FOREIGN "$(booked B-000001-000003 6666667 2026-11-22)" "$(booked B-000009-000042 5000 2026-11-22)"
expect_exit 13 as fin pay import "$T/foreign.xml" && keep
line=$(grep -n 'B-000009-000042' "$T/foreign.xml" | cut -d: -f1)
expect_one_line_error "foreign.xml: line $line: end-to-end id 'B-000009-000042' is no payment order of this fund"
camt "$T/amount.xml" CAMT-AMOUNT "$(booked B-000001-000003 6666666 2026-11-22)"
expect_exit 14 as fin pay import "$T/amount.xml" && keep
expect_one_line_error "the bank's amount 6666666 KRW is not the order's 6666667 KRW"
cat >"$T/contra.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
 <CstmrPmtStsRpt><GrpHdr><MsgId>P2-CONTRA</MsgId></GrpHdr>
  <OrgnlPmtInfAndSts><TxInfAndSts>
   <OrgnlEndToEndId>B-000001-000001</OrgnlEndToEndId><TxSts>RJCT</TxSts>
   <StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf>
  </TxInfAndSts></OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>
XML
expect_exit 14 as fin pay import "$T/contra.xml" && keep
expect_one_line_error "contra.xml: line 5: payment B-000001-000001 was settled on 2026-11-20; this file says otherwise"
printf '<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x "y">]>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">&x;</Document>\n' >"$T/dtd.xml"
expect_exit 12 as fin pay import "$T/dtd.xml" && keep
expect_one_line_error "dtd.xml: line 2: a document type or entity declaration is not accepted"
printf '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"/>\n' >"$T/ns.xml"
expect_exit 12 as fin pay import "$T/ns.xml" && keep
expect_one_line_error "is none of camt.054.001.08, camt.053.001.08 and pain.002.001.10"
printf '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">\n<unclosed>\n' >"$T/broken.xml"
expect_exit 12 as fin pay import "$T/broken.xml" && keep
expect_in "$ERR" "broken.xml: line"
expect_exit 22 as fin pay import "$T/missing.xml" && keep
expect_eq "$(log_size)" "$size" "log size after refused imports"
expect_exit 0 as fin pay status B-000001 --json && keep
expect_eq "$(printf '%s' "$OUT" | json payments.2.state)" pending "R1's payment after refused imports"

# pain.002: the bank rejects R1's payment before settlement (AC01, wrong account number).
cat >"$T/p2.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>P2-1</MsgId><CreDtTm>2026-11-21T09:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>B-000001</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts>
   <OrgnlPmtInfId>B-000001</OrgnlPmtInfId>
   <TxInfAndSts>
    <OrgnlEndToEndId>B-000001-000003</OrgnlEndToEndId>
    <TxSts>RJCT</TxSts>
    <StsRsnInf><Rsn><Cd>AC01</Cd></Rsn></StsRsnInf>
   </TxInfAndSts>
  </OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>
XML
expect_exit 0 as fin pay import "$T/p2.xml" && keep
expect_in "$OUT" "pain.002.001.10): 0 settled, 1 returned"
# Nothing of the first batch is still at the bank: nothing to send.
expect_exit 14 as fin pay export B-000001 --format pain.001 && keep
expect_one_line_error "batch B-000001 has no payment still pending: 1 settled, 2 returned"
expect_exit 0 as fin pay status B-000001 && keep
expect_in "$OUT" "returned (AC01)"

# Paid again: the returned entitlements in a second batch, settled.
expect_exit 0 as cid person bank "$V1" --account 110-222-999999 --bic SHBKKRSE --holder "Synthetic A"
expect_exit 0 as fin pay batch --program flagship-2015 && keep
expect_in "$OUT" "batch B-000002: 2 payment orders, 106666667 KRW"
expect_exit 0 as fin pay export B-000002 --format pain.001 --out "$T/b2.xml"
camt "$T/camt2.xml" CAMT-2 "$(booked B-000002-000001 100000000 2026-11-25)" "$(booked B-000002-000002 6666667 2026-11-25)"
expect_exit 0 as fin pay import "$T/camt2.xml" && keep
expect_in "$OUT" "2 settled, 0 returned"
# R1's payment, booked, comes back days later (AC06, account blocked): reversed, owed again.
camt "$T/camt3.xml" CAMT-3 "$(returned B-000002-000002 6666667 2026-11-26 AC06)"
expect_exit 0 as fin pay import "$T/camt3.xml" && keep
expect_in "$OUT" "0 settled, 1 returned"
expect_exit 0 as fin ledger history bank:krw --json && keep
expect_in "$OUT" '"id": "B-000002-000002-R"'
expect_exit 0 as fin queue --program flagship-2015 --json && keep
expect_eq "$(printf '%s' "$OUT" | json 0.beneficiary)" "$R1" "returned after settlement: back in the queue"
expect_eq "$(printf '%s' "$OUT" | json 0.return_reason)" AC06 "with the bank's reason"

# The money: the fund paid exactly the settled payments; the payable owes exactly the unpaid.
expect_exit 0 as fin ledger balance --json && keep
bal() {
	printf '%s' "$OUT" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{for(const a of JSON.parse(d))if(a.code===process.argv[1])console.log(a[process.argv[2]])})' "$1" "$2"
}
expect_eq "$(bal bank:krw balance)" $((400000000 - 200000000)) "the fund after paying V2 and V1"
expect_eq "$(bal payable:flagship-2015 balance)" $((6666667 + 13333333 + 100000000)) "owed: R1, R2 and the declined V4"

# A random sequence of batches, exports and bank answers (settled, returned, rejected,
# left at the bank, sent twice), and after each step the money and the states agree.
expect_exit 0 as cid person bank "$R2" --account 330-444-555 --bic SHBKKRSE --holder "Synthetic C2"
sum() {
	db_sql "SELECT coalesce(sum(amount), 0) FROM entitlements WHERE state IN ($1)"
}
invariant() {
	expect_exit 0 as fin ledger balance --json
	expect_eq "$(bal bank:krw balance)" $((400000000 - $(sum "'paid'"))) "$1: the fund is what came in less what the bank booked"
	expect_eq "$(bal bank:krw available)" $((400000000 - $(sum "'paid','batched'"))) "$1: the fund's available"
	expect_eq "$(bal payable:flagship-2015 balance)" "$(sum "'queued','declined','returned','batched'")" "$1: the payable owes the unpaid"
	expect_eq "$(bal payable:flagship-2015 available)" "$(sum "'queued','declined','returned'")" "$1: owed and not at the bank"
	expect_eq "$(db_sql "SELECT count(*) FROM payments_orders WHERE state = 'pending'")" \
		"$(db_sql "SELECT count(*) FROM entitlements WHERE state = 'batched'")" "$1: one order at the bank per batched entitlement"
}
RANDOM=2015
invariant "before the random sequence"
for round in 1 2 3 4 5 6 7 8; do
	expect_exit 0 as fin pay batch --program flagship-2015 --limit $((RANDOM % 2 + 1)) --json
	b=$(printf '%s' "$OUT" | json batch)
	if [ "$b" != null ]; then
		expect_exit 0 as fin pay export "$b" --format pain.001 --out "$T/r$round.xml"
	fi
	entries=()
	rejects=""
	while read -r id amount; do
		[ -n "$id" ] || continue
		case $((RANDOM % 4)) in
		0) entries+=("$(booked "$id" "$amount" 2026-11-2$((round % 10)))") ;;
		1) entries+=("$(returned "$id" "$amount" 2026-11-2$((round % 10)) AC0$((RANDOM % 9 + 1)))") ;;
		2) rejects="$rejects<TxInfAndSts><OrgnlEndToEndId>$id</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>MS03</Cd></Rsn></StsRsnInf></TxInfAndSts>" ;;
		esac
	done < <(db_sql "SELECT id || ' ' || amount FROM payments_orders WHERE state = 'pending' ORDER BY id")
	if [ ${#entries[@]} -gt 0 ]; then
		camt "$T/rc$round.xml" "RAND-$round" "${entries[@]}"
		expect_exit 0 as fin pay import "$T/rc$round.xml"
		expect_exit 0 as fin pay import "$T/rc$round.xml"
		expect_in "$OUT" "was imported before: nothing changed"
	fi
	if [ -n "$rejects" ]; then
		printf '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt><GrpHdr><MsgId>RJ-%s</MsgId></GrpHdr><OrgnlPmtInfAndSts>%s</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n' \
			"$round" "$rejects" >"$T/rj$round.xml"
		expect_exit 0 as fin pay import "$T/rj$round.xml"
	fi
	invariant "round $round"
done

# No canary in the database, its journal, any event or any output but the pain.001 files.
db_events >"$T/events"
files=$(db_files)
for canary in $CANARIES; do
	for f in $files "$T/events" "$OUTPUTS"; do
		checks=$((checks + 1))
		if [ -f "$f" ] && grep -aqF -- "$canary" "$f"; then
			fail "$(basename "$f") holds the canary $canary"
		fi
	done
done
expect_in "$(cat "$T/b1.xml")" "$CANARY_IBAN" "the pain.001 file"
expect_in "$(cat "$T/events")" '"sealed":"s1:'

expect_exit 0 rd audit verify --json && keep
expect_eq "$(printf '%s' "$OUT" | json findings)" "[]" "audit findings"
expect_eq "$(printf '%s' "$OUT" | json replayed)" "false" "audit replayed"

# Tampering with a payment order is named by the audit.
db_sql "UPDATE payments_orders SET state = 'settled', booked_on = '2026-11-21' WHERE id = 'B-000001-000002'"
expect_exit 1 rd audit verify
expect_in "$OUT$ERR" "payments_orders 'B-000001-000002'"
finish
