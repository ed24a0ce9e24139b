# bank_lib.sh -- what a bank sends back, written by hand for the tests:
# camt FILE MSGID ENTRIES... writes a camt.054.001.08 notification of the
# fund's account (DE89370400440532013000) holding the entries that
# booked E2E AMOUNT DATE (a booked debit: the payment went out) and
# returned E2E AMOUNT DATE REASON (a credit with return information) print.
camt() { # camt FILE MSGID ENTRIES...
	f=$1
	m=$2
	shift 2
	{
		printf '<?xml version="1.0" encoding="UTF-8"?>\n'
		printf '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">\n'
		printf ' <BkToCstmrDbtCdtNtfctn>\n  <GrpHdr><MsgId>%s</MsgId><CreDtTm>2026-11-20T10:00:00</CreDtTm></GrpHdr>\n' "$m"
		printf '  <Ntfctn>\n   <Id>%s-1</Id>\n   <CreDtTm>2026-11-20T10:00:00</CreDtTm>\n' "$m"
		printf '   <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>\n'
		for e in "$@"; do printf '%s\n' "$e"; done
		printf '  </Ntfctn>\n </BkToCstmrDbtCdtNtfctn>\n</Document>\n'
	} >"$f"
}
booked() { # booked E2E AMOUNT DATE
	printf '   <Ntry>\n    <Amt Ccy="KRW">%s</Amt>\n    <CdtDbtInd>DBIT</CdtDbtInd>\n    <Sts><Cd>BOOK</Cd></Sts>\n' "$2"
	printf '    <BookgDt><Dt>%s</Dt></BookgDt>\n    <ValDt><Dt>%s</Dt></ValDt>\n' "$3" "$3"
	printf '    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>\n'
	printf '    <NtryDtls><TxDtls>\n     <Refs><EndToEndId>%s</EndToEndId></Refs>\n' "$1"
	printf '     <Amt Ccy="KRW">%s</Amt>\n     <CdtDbtInd>DBIT</CdtDbtInd>\n    </TxDtls></NtryDtls>\n   </Ntry>' "$2"
}
returned() { # returned E2E AMOUNT DATE REASON
	printf '   <Ntry>\n    <Amt Ccy="KRW">%s</Amt>\n    <CdtDbtInd>CRDT</CdtDbtInd>\n    <Sts><Cd>BOOK</Cd></Sts>\n' "$2"
	printf '    <BookgDt><Dt>%s</Dt></BookgDt>\n    <ValDt><Dt>%s</Dt></ValDt>\n' "$3" "$3"
	printf '    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>\n'
	printf '    <NtryDtls><TxDtls>\n     <Refs><EndToEndId>%s</EndToEndId></Refs>\n' "$1"
	printf '     <Amt Ccy="KRW">%s</Amt>\n     <CdtDbtInd>CRDT</CdtDbtInd>\n' "$2"
	printf '     <RtrInf><Rsn><Cd>%s</Cd></Rsn></RtrInf>\n    </TxDtls></NtryDtls>\n   </Ntry>' "$4"
}
# xsd_valid FILE KIND checks FILE against the official ISO 20022 schema
# tests/iso20022/KIND.xsd (KIND: camt.054.001.08, camt.053.001.08,
# pain.001.001.09, pain.002.001.10).  A schema not there (see
# tests/iso20022/README.md: ISO publishes them free of charge, on
# iso20022.org) is skipped loudly, once per test script and kind.
xsd_valid() { # xsd_valid FILE KIND
	xsd="$SRCDIR/tests/iso20022/$2.xsd"
	if [ ! -f "$xsd" ]; then
		case " ${XSD_SKIPPED:-} " in
		*" $2 "*) ;;
		*)
			echo "SKIP: $2.xsd is not in tests/iso20022 (see its README.md): $(basename "$1") and the other $2 files not checked against the schema" >&2
			XSD_SKIPPED="${XSD_SKIPPED:-} $2"
			;;
		esac
		return 0
	fi
	checks=$((checks + 1))
	sum=$(sha256sum "$xsd" | cut -d' ' -f1)
	grep -q "^$sum  $2.xsd\$" "$SRCDIR/tests/iso20022/SHA256SUMS" ||
		fail "$2.xsd is not the schema SHA256SUMS records"
	xmllint --noout --nonet --schema "$xsd" "$1" 2>"$T/xsd.err" ||
		fail "$(basename "$1") is not valid against $2.xsd: $(grep -v 'validates$' "$T/xsd.err" | head -3)"
}
