# bank_files.sh -- bank files as real banks send them, each valid against
# its official ISO 20022 schema (tests/iso20022; skipped loudly where a
# schema is absent), and what redress writes, valid too:
#   (7) a 50-character Hangul holder accepted, 141 characters refused;
#   (8) the fund's KRW account by number and scheme, no IBAN anywhere in
#       the pain.001;
#   (1) a batch booking whose transactions give only AmtDtls/InstdAmt;
#   (2) a full account notification: a fee without details and a donation
#       (EndToEndId NOTPROVIDED) reported as not ours, not booked;
#   (3) a booking and its return in one file, applied in order;
#   (4) proprietary reasons (RtrInf/Rsn/Prtry, StsRsnInf/Rsn/Prtry) kept;
#   (5) a reversal (RvslInd) undoing a booking;
#   (9) a camt.053 statement of the same day: the new booking settled,
#       the others already so;
# and after each file the same file again changes nothing, and no money
# is booked twice.  (6), the demo's own camt.054, is in demo.sh.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"
. "$SRCDIR/tests/cli/bank_lib.sh"

fund_setup test.example/bank-files 400000000
fund_people
approve_claims "$V1" "$V2" "$V3" "$V4"
expect_exit 0 as fin entitlements compute --program flagship-2015

# (7) Names in characters: 50 Hangul syllables are 150 bytes, and a Max140Text.
HANGUL50=$(printf '김%.0s' $(seq 1 50))
HANGUL141=$(printf '이%.0s' $(seq 1 141))
expect_exit 0 as cid person bank "$V2" --account 110-222-333444 --bic SHBKKRSE --holder "$HANGUL50"
expect_exit 12 as cid person bank "$V2" --account 110-222-333444 --bic SHBKKRSE --holder "$HANGUL141"
expect_one_line_error "--holder is 141 characters long; the limit is 140"
expect_exit 0 as cid person bank "$V1" --account 110-222-000111 --bic SHBKKRSE --holder "Synthetic A"
expect_exit 0 as cid person bank "$R1" --account 220-333-444555 --bic SHBKKRSE --holder "Synthetic C1"
expect_exit 0 as cid person bank "$R2" --account 330-444-555666 --bic SHBKKRSE --holder "Synthetic C2"

# (8) The fund's own account: a Korean account number and its scheme, no IBAN.
expect_exit 2 as fin pay debtor --program flagship-2015 --name "Foundation" --iban DE89370400440532013000 \
	--account 100-123-456789 --bic SHBKKRSE
expect_exit 12 as fin pay debtor --program flagship-2015 --name "Foundation" --account 100-123-456789 \
	--scheme "bban with $(printf 'x%.0s' $(seq 1 40))" --bic SHBKKRSE
expect_one_line_error "--scheme: the scheme is 50 characters long; the limit is 35"
expect_exit 0 as fin pay debtor --program flagship-2015 --name "화해·치유재단 (Synthetic)" \
	--account 100-123-456789 --scheme BBAN --bic SHBKKRSE
expect_in "$OUT" "pays from the fund's account 100-123-456789 (BBAN, SHBKKRSE)"

expect_exit 0 as fin pay batch --program flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json orders)" 4 "orders in the batch"
expect_exit 0 as fin pay export B-000001 --format pain.001 --out "$T/b1.xml"
xsd_valid "$T/b1.xml" pain.001.001.09
expect_not_in "$(cat "$T/b1.xml")" "<IBAN>" "a KRW pain.001 without any IBAN"
expect_in "$(cat "$T/b1.xml")" "<Id>100-123-456789</Id>"
expect_in "$(cat "$T/b1.xml")" "<SchmeNm>"
expect_in "$(cat "$T/b1.xml")" "<Cd>BBAN</Cd>"
expect_in "$(cat "$T/b1.xml")" "<Nm>$HANGUL50</Nm>" "the 50-character name, whole"

# The orders, by beneficiary, and their amounts.
expect_exit 0 as fin pay status B-000001 --json
status=$OUT
order_of() { # order_of PSEUDONYM -> "ID AMOUNT"
	printf '%s' "$status" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{for(const p of JSON.parse(d).payments)if(p.beneficiary===process.argv[1])console.log(p.id+" "+p.amount)})' "$1"
}
read -r O_V2 A_V2 <<<"$(order_of "$V2")"
read -r O_V1 A_V1 <<<"$(order_of "$V1")"
read -r O_R1 A_R1 <<<"$(order_of "$R1")"
read -r O_R2 A_R2 <<<"$(order_of "$R2")"
expect_eq "$A_V2 $A_V1 $A_R1 $A_R2" "100000000 100000000 6666667 13333333" "the orders' amounts"

balances() { # the fund's and the payable's balances, one line
	expect_exit 0 as fin ledger balance --json
	printf '%s' "$OUT" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{const b={};for(const a of JSON.parse(d))b[a.code]=a.balance;console.log(b["bank:krw"]+" "+b["payable:flagship-2015"])})'
}
head_of() { # head_of NAME MSGID: a camt.054 up to the entries, for the fund's account by number
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">\n'
	printf ' <BkToCstmrDbtCdtNtfctn>\n  <GrpHdr><MsgId>%s</MsgId><CreDtTm>2026-11-20T18:00:00</CreDtTm></GrpHdr>\n' "$1"
	printf '  <Ntfctn>\n   <Id>%s-1</Id>\n   <CreDtTm>2026-11-20T18:00:00</CreDtTm>\n' "$1"
	printf '   <Acct><Id><Othr><Id>100-123-456789</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id></Acct>\n'
}
tail_of() {
	printf '  </Ntfctn>\n </BkToCstmrDbtCdtNtfctn>\n</Document>\n'
}
bktx() { # bktx FAMILY SUBFAMILY
	printf '    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>%s</Cd><SubFmlyCd>%s</SubFmlyCd></Fmly></Domn></BkTxCd>\n' "$1" "$2"
}
before=$(balances)
expect_eq "$before" "400000000 320000000" "the fund and the payable before the bank answers"

# (1) and (2): V2's and V1's payments booked as one batch entry whose transactions give
# only AmtDtls/InstdAmt; a fee without transaction details; a donation coming in.
{
	head_of NTF-1
	printf '   <Ntry>\n    <NtryRef>BATCH-1</NtryRef>\n    <Amt Ccy="KRW">%s</Amt>\n    <CdtDbtInd>DBIT</CdtDbtInd>\n' $((A_V2 + A_V1))
	printf '    <Sts><Cd>BOOK</Cd></Sts>\n    <BookgDt><Dt>2026-11-20</Dt></BookgDt>\n'
	bktx ICDT ESCT
	printf '    <NtryDtls>\n     <Btch><NbOfTxs>2</NbOfTxs></Btch>\n'
	for o in "$O_V2 $A_V2" "$O_V1 $A_V1"; do
		set -- $o
		printf '     <TxDtls>\n      <Refs><EndToEndId>%s</EndToEndId></Refs>\n' "$1"
		printf '      <AmtDtls><InstdAmt><Amt Ccy="KRW">%s</Amt></InstdAmt></AmtDtls>\n     </TxDtls>\n' "$2"
	done
	printf '    </NtryDtls>\n   </Ntry>\n'
	printf '   <Ntry>\n    <Amt Ccy="KRW">1500</Amt>\n    <CdtDbtInd>DBIT</CdtDbtInd>\n    <Sts><Cd>BOOK</Cd></Sts>\n'
	printf '    <BookgDt><Dt>2026-11-20</Dt></BookgDt>\n'
	printf '    <BkTxCd><Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd>\n'
	printf '    <AddtlNtryInf>Account fee</AddtlNtryInf>\n   </Ntry>\n'
	printf '   <Ntry>\n    <Amt Ccy="KRW">50000</Amt>\n    <CdtDbtInd>CRDT</CdtDbtInd>\n    <Sts><Cd>BOOK</Cd></Sts>\n'
	printf '    <BookgDt><Dt>2026-11-20</Dt></BookgDt>\n'
	bktx RCDT ESCT
	printf '    <NtryDtls><TxDtls>\n     <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>\n'
	printf '     <Amt Ccy="KRW">50000</Amt>\n     <CdtDbtInd>CRDT</CdtDbtInd>\n    </TxDtls></NtryDtls>\n   </Ntry>\n'
	tail_of
} >"$T/ntf1.xml"
xsd_valid "$T/ntf1.xml" camt.054.001.08
expect_exit 0 as fin pay import "$T/ntf1.xml"
expect_in "$OUT" "(camt.054.001.08): 2 settled, 0 returned, 0 already so"
expect_in "$OUT" "not ours, not booked: 2 entries (1 in: 50000 KRW; 1 out: 1500 KRW)"
expect_eq "$(balances)" "$((400000000 - A_V2 - A_V1)) $((320000000 - A_V2 - A_V1))" "after the batch booking: the fee and the donation not booked"
n=$(log_size)
expect_exit 0 as cid audit show --index $((n - 1))
expect_in "$OUT" '"not_ours": 2'
size=$(log_size)
expect_exit 0 as fin pay import "$T/ntf1.xml"
expect_in "$OUT" "was imported before: nothing changed"
expect_eq "$(log_size)" "$size" "the log after the same notification again"

# (3) and (4): R1's payment booked and returned in one file, the return with the bank's own
# reason (RtrInf/Rsn/Prtry), in Korean.
REASON="계좌 해지 (closed)"
{
	head_of NTF-2
	booked "$O_R1" "$A_R1" 2026-11-21 | sed 's/<TxDtls>/<TxDtls>/'
	printf '\n   <Ntry>\n    <Amt Ccy="KRW">%s</Amt>\n    <CdtDbtInd>CRDT</CdtDbtInd>\n    <Sts><Cd>BOOK</Cd></Sts>\n' "$A_R1"
	printf '    <BookgDt><Dt>2026-11-22</Dt></BookgDt>\n'
	bktx ICDT RRTN
	printf '    <NtryDtls><TxDtls>\n     <Refs><EndToEndId>%s</EndToEndId></Refs>\n' "$O_R1"
	printf '     <Amt Ccy="KRW">%s</Amt>\n     <CdtDbtInd>CRDT</CdtDbtInd>\n' "$A_R1"
	printf '     <RtrInf><Rsn><Prtry>%s</Prtry></Rsn></RtrInf>\n    </TxDtls></NtryDtls>\n   </Ntry>\n' "$REASON"
	tail_of
} >"$T/ntf2.xml"
xsd_valid "$T/ntf2.xml" camt.054.001.08
expect_exit 0 as fin pay import "$T/ntf2.xml"
expect_in "$OUT" "1 settled, 1 returned"
expect_exit 0 as fin pay status B-000001
expect_in "$OUT" "returned ($REASON)"
expect_exit 0 as fin ledger history bank:krw --json
expect_in "$OUT" "\"id\": \"$O_R1-R\""
expect_exit 0 as fin queue --program flagship-2015
expect_in "$OUT" "returned by the bank: $REASON"
expect_eq "$(balances)" "$((400000000 - A_V2 - A_V1)) $((320000000 - A_V2 - A_V1))" "booked and returned: nothing paid"
expect_exit 0 as fin pay import "$T/ntf2.xml"
expect_in "$OUT" "was imported before: nothing changed"

# (5) The bank reverses V1's booking: a credit with RvslInd true and no return information.
{
	head_of NTF-3
	printf '   <Ntry>\n    <Amt Ccy="KRW">%s</Amt>\n    <CdtDbtInd>CRDT</CdtDbtInd>\n    <RvslInd>true</RvslInd>\n' "$A_V1"
	printf '    <Sts><Cd>BOOK</Cd></Sts>\n    <BookgDt><Dt>2026-11-23</Dt></BookgDt>\n'
	bktx ICDT ESCT
	printf '    <NtryDtls><TxDtls>\n     <Refs><EndToEndId>%s</EndToEndId></Refs>\n' "$O_V1"
	printf '     <Amt Ccy="KRW">%s</Amt>\n    </TxDtls></NtryDtls>\n   </Ntry>\n' "$A_V1"
	tail_of
} >"$T/ntf3.xml"
xsd_valid "$T/ntf3.xml" camt.054.001.08
expect_exit 0 as fin pay import "$T/ntf3.xml"
expect_in "$OUT" "0 settled, 1 returned"
expect_exit 0 as fin ledger history bank:krw --json
expect_in "$OUT" "\"id\": \"$O_V1-R\""
expect_exit 0 as fin queue --program flagship-2015
expect_in "$OUT" "returned by the bank: RVSL"
expect_eq "$(balances)" "$((400000000 - A_V2)) $((320000000 - A_V2))" "after the reversal: V1 owed again"

# (9) The day's camt.053 statement: R2's payment booked (new), V2's and R1's bookings told again.
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">\n'
	printf ' <BkToCstmrStmt>\n  <GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-11-23T23:00:00</CreDtTm></GrpHdr>\n'
	printf '  <Stmt>\n   <Id>STMT-1-1</Id>\n   <CreDtTm>2026-11-23T23:00:00</CreDtTm>\n'
	printf '   <Acct><Id><Othr><Id>100-123-456789</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id></Acct>\n'
	for b in OPBD CLBD; do
		printf '   <Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy="KRW">1</Amt>' "$b"
		printf '<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-23</Dt></Dt></Bal>\n'
	done
	booked "$O_R2" "$A_R2" 2026-11-23
	printf '\n'
	booked "$O_V2" "$A_V2" 2026-11-20
	printf '\n'
	booked "$O_R1" "$A_R1" 2026-11-21
	printf '\n  </Stmt>\n </BkToCstmrStmt>\n</Document>\n'
} >"$T/stmt1.xml"
xsd_valid "$T/stmt1.xml" camt.053.001.08
expect_exit 0 as fin pay import "$T/stmt1.xml"
expect_in "$OUT" "(camt.053.001.08): 1 settled, 0 returned, 2 already so"
expect_eq "$(balances)" "$((400000000 - A_V2 - A_R2)) $((320000000 - A_V2 - A_R2))" "after the statement: nothing booked twice"
expect_exit 0 as fin pay import "$T/stmt1.xml"
expect_in "$OUT" "was imported before: nothing changed"

# (4) pain.002 with the bank's own rejection reason (StsRsnInf/Rsn/Prtry), for a second batch.
expect_exit 0 as fin pay batch --program flagship-2015 --json
expect_eq "$(printf '%s' "$OUT" | json orders)" 2 "V1 and R1 paid again"
cat >"$T/p2.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
 <CstmrPmtStsRpt>
  <GrpHdr><MsgId>P2-PRTRY</MsgId><CreDtTm>2026-11-24T09:00:00</CreDtTm></GrpHdr>
  <OrgnlGrpInfAndSts><OrgnlMsgId>B-000002</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
  <OrgnlPmtInfAndSts>
   <OrgnlPmtInfId>B-000002</OrgnlPmtInfId>
   <TxInfAndSts>
    <OrgnlEndToEndId>B-000002-000001</OrgnlEndToEndId>
    <TxSts>RJCT</TxSts>
    <StsRsnInf><Rsn><Prtry>KR-BANK-77 name mismatch</Prtry></Rsn></StsRsnInf>
   </TxInfAndSts>
  </OrgnlPmtInfAndSts>
 </CstmrPmtStsRpt>
</Document>
XML
xsd_valid "$T/p2.xml" pain.002.001.10
expect_exit 0 as fin pay import "$T/p2.xml"
expect_in "$OUT" "(pain.002.001.10): 0 settled, 1 returned"
expect_exit 0 as fin pay status B-000002
expect_in "$OUT" "returned (KR-BANK-77 name mismatch)"

expect_exit 0 rd audit verify --json
expect_eq "$(printf '%s' "$OUT" | json findings)" "[]" "audit findings"
finish
