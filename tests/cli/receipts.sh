# receipts.sh -- `redress receipt`: a survivor's one-page receipt of the
# events that concern her (consent, wish, claim decisions, entitlement,
# payment order and its settlement), each proved against the signed
# checkpoint; in her language, with a QR code; no name and nothing of any
# other person; checked offline with the public key alone, and refused when
# an event is altered, another person's event is slipped in, the key is
# another's, or a witness policy is not met.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/receipts 400000000
fund_people
expect_exit 0 as cid consent grant "$V2" --scope statistics --method "in person"
expect_exit 0 as cid consult add "$V2" --wish accept
approve_claims "$V1" "$V2" "$V3"
expect_exit 0 as fin entitlements compute --program flagship-2015
expect_exit 0 as cid person bank "$V2" --account 110-222-333444 --bic SHBKKRSE --holder "Synthetic B"
expect_exit 0 as cid person bank "$V1" --account 110-222-333445 --bic SHBKKRSE --holder "Synthetic A"
expect_exit 0 as fin pay debtor --program flagship-2015 --name "Foundation" --iban DE89370400440532013000 --bic SHBKKRSE
expect_exit 0 as fin pay batch --program flagship-2015
expect_exit 0 as fin pay export B-000001 --format pain.001 --out "$T/b1.xml"
. "$SRCDIR/tests/cli/bank_lib.sh"
camt "$T/camt1.xml" CAMT-1 "$(booked B-000001-000001 100000000 2026-11-20)"
expect_exit 0 as fin pay import "$T/camt1.xml"
rd audit pubkey >"$T/vkey"

# Her receipt, in her language (registered with the default, Korean).
expect_exit 0 as cid receipt "$V2" --out "$T/r.html"
expect_eq "$(stat -c %a "$T/r.html")" 600 "the receipt's mode"
page=$(cat "$T/r.html")
expect_in "$page" '<html lang="ko">'
expect_in "$page" "기록 확인서"
expect_in "$page" "$V2"
expect_in "$page" "<svg"
for word in "동의 기록" "상담과 의사 기록" "신청 승인" "지급 권리 확정" "지급 지시" "지급 완료"; do
	expect_in "$page" "$word" "the receipt"
done
# No name, and no other person.
for other in "Synthetic" "$V1" "$V3" "$V4" "$R1" "$R2" "110-222"; do
	expect_not_in "$page" "$other" "the receipt"
done
expect_exit 0 "$REDRESS" receipt verify "$T/r.html" --pubkey "$T/vkey"
expect_in "$OUT" "events of $V2 are in the log signed at size"
digest=$(printf '%s' "$OUT" | sed 's/.*digest //')
expect_in "$page" "$digest" "the digest shown on the page"

# In Japanese; and the JSON alone, which verifies too (with the database's key by default).
expect_exit 0 as cid receipt "$V2" --lang ja --out "$T/r-ja.html"
expect_in "$(cat "$T/r-ja.html")" "記録確認書"
# Its words come from the gettext catalogues (po/ja.po, po/en.po), as the pages' do.
for word in "同意の記録" "申請の承認" "支払完了" "署名されたチェックポイント"; do
	expect_in "$(cat "$T/r-ja.html")" "$word" "the Japanese receipt"
done
expect_exit 0 as cid receipt "$V2" --lang en --out "$T/r-en.html"
expect_in "$(cat "$T/r-en.html")" "Receipt of the record"
expect_in "$(cat "$T/r-en.html")" "Payment settled"
expect_not_in "$(cat "$T/r-en.html")" "記録" "the English receipt"
expect_exit 0 as cid receipt "$V2" --json --out "$T/r.json"
expect_exit 0 rd receipt verify "$T/r.json"
n=$(json events <"$T/r.json" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).length))')
checks=$((checks + 1))
[ "$n" -ge 8 ] || fail "V2's receipt lists $n events, expected at least 8"

# An heir's receipt: her entitlement from her mother's claim; no other heir.
expect_exit 0 as cid receipt "$R1" --json --out "$T/r1.json"
expect_in "$(cat "$T/r1.json")" "entitlements.entitlement.booked"
expect_not_in "$(cat "$T/r1.json")" "$R2" "R1's receipt"
expect_exit 0 "$REDRESS" receipt verify "$T/r1.json" --pubkey "$T/vkey"

# Altered: one byte of an event, another person's event slipped in, another key.
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));
const b=Buffer.from(r.events[1].bytes,"base64");b[b.length-3]^=1;r.events[1].bytes=b.toString("base64");
fs.writeFileSync(process.argv[2],JSON.stringify(r));
const o=JSON.parse(fs.readFileSync(process.argv[3]));r.events[1]=JSON.parse(fs.readFileSync(process.argv[1])).events[1];
r.events.push(o.events.find(e=>e.type==="entitlements.entitlement.booked"));fs.writeFileSync(process.argv[4],JSON.stringify(r));
' "$T/r.json" "$T/bad-bytes.json" "$T/r1.json" "$T/bad-other.json"
expect_exit 19 "$REDRESS" receipt verify "$T/bad-bytes.json" --pubkey "$T/vkey"
expect_in "$ERR" "is not in the signed log"
expect_exit 19 "$REDRESS" receipt verify "$T/bad-other.json" --pubkey "$T/vkey"
expect_in "$ERR" "does not concern $V2"
# Another survivor's claim decision, proved and in the log, is still not hers.
expect_exit 0 as cid receipt "$V1" --json --out "$T/rv1.json"
node -e '
const fs=require("fs");const r=JSON.parse(fs.readFileSync(process.argv[1]));const o=JSON.parse(fs.readFileSync(process.argv[2]));
r.events.push(o.events.find(e=>e.type==="claims.claim.approved"));fs.writeFileSync(process.argv[3],JSON.stringify(r));
' "$T/r.json" "$T/rv1.json" "$T/bad-claim.json"
expect_exit 19 "$REDRESS" receipt verify "$T/bad-claim.json" --pubkey "$T/vkey"
expect_in "$ERR" "claims.claim.approved) does not concern $V2"
"$REDRESS" --db "$T/other.db" --keys "$T/other.keys" init --origin test.example/receipts >/dev/null 2>&1
"$REDRESS" --db "$T/other.db" --keys "$T/other.keys" audit pubkey >"$T/other.vkey"
expect_exit 19 "$REDRESS" receipt verify "$T/r.html" --pubkey "$T/other.vkey"
expect_exit 12 "$REDRESS" receipt verify "$T/vkey" --pubkey "$T/vkey"
# A witness policy the fund's checkpoint does not meet (no witness asked).
expect_exit 0 "$REDRESS" witness init --name monitor.example/w1 --keys "$T/w1"
expect_exit 19 "$REDRESS" receipt verify "$T/r.html" --pubkey "$T/vkey" --witness "$OUT"
expect_in "$ERR" "by 0 of the 1 witnesses"

# The static page verifies the same receipt in a browser, and refuses the altered one.
node -e '
const fs=require("fs");const t=fs.readFileSync(process.argv[1],"utf8");const b=fs.readFileSync(process.argv[2],"utf8");
const o="<script type=\"application/json\" id=\"redress-receipt\">";const i=t.indexOf(o)+o.length,j=t.indexOf("</script>",i);
fs.writeFileSync(process.argv[3],t.slice(0,i)+b+t.slice(j));' "$T/r.html" "$T/bad-bytes.json" "$T/r-bad.html"
expect_exit 19 "$REDRESS" receipt verify "$T/r-bad.html" --pubkey "$T/vkey"
node "$SRCDIR/tests/browser/receipt.mjs" "$SRCDIR/docs/verify-receipt.html" "$T/vkey" "$T/r.html" "$T/r-bad.html" \
	>"$T/browser.log" 2>&1
rc=$?
checks=$((checks + 1))
case $rc in
0) cat "$T/browser.log" ;;
77) echo "*** the browser check of docs/verify-receipt.html was SKIPPED: $(cat "$T/browser.log")" >&2 ;;
*) fail "docs/verify-receipt.html in chromium: $(cat "$T/browser.log")" ;;
esac

# Bad input, and who may.
expect_exit 13 as cid receipt V-000099
expect_exit 12 as cid receipt "Synthetic Survivor B"
expect_exit 2 as cid receipt "$V2" --lang fr
expect_exit 15 as mona receipt "$V2"
expect_exit 2 rd receipt verify
finish
