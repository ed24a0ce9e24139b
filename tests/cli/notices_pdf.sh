# notices_pdf.sh -- letters to a survivor as PDF (http/notice_pdf.c): each
# kind in Korean, Japanese and English from `redress notice render --format
# pdf`, read back with poppler's pdftotext, pdffonts and pdfinfo (her name in
# Hangul or kana, the amount, the fund's reference kept whole, a Noto Sans
# CJK font embedded, no name in the metadata); a PDF is never written to a
# terminal, nor for someone without consent to contact (exit 15, no byte,
# nothing recorded); GET /api/v1/persons/{p}/notices/{kind}?format=pdf (or
# Accept: application/pdf) answers application/pdf as an attachment, never
# cached, to a caseworker only; the casework page's PDF button; and neither
# the PDF nor her name is ever in the database or the server's log.
. "$SRCDIR/tests/cli/lib.sh"
# Under the sanitizers: the leaks of Debian's cairo and fontconfig are suppressed by the
# function they are made under (tests/lsan.supp), which needs whole stacks through those
# libraries (no frame pointers there): slower, so only in this suite.  Ignored elsewhere.
export LSAN_OPTIONS="${LSAN_OPTIONS:-}:fast_unwind_on_malloc=0"
. "$SRCDIR/tests/cli/serve_lib.sh"

for tool in pdftotext pdffonts pdfinfo; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (poppler-utils: scripts/install-deps test)" >&2; exit 77; }
done
reveals() { db_events | grep -c '"registry.person.revealed"'; }
events() { db_sql "SELECT count(*) FROM log_events"; }
# is_pdf FILE WHAT: the file begins with %PDF- and ends with %%EOF.
is_pdf() {
	expect_eq "$(head -c 5 "$1")" "%PDF-" "the first bytes of $2"
	expect_in "$(tail -c 8 "$1")" "%%EOF" "the last bytes of $2"
}

# ---- Each kind in each language ---------------------------------------------------------
# Her name in her script, a canary beside it; the address a canary too.
add() { # add LANG NAME: registers a survivor who consented to contact; her pseudonym in $P
	expect_exit 0 as cho person add --kind victim --name "$2" --birth-date 1929-04-05 \
		--address "CANARY-PDF-ADDR-$1 서울 마포구" --language "$1"
	P=$(printf '%s\n' "$OUT" | grep -o 'V-[0-9]*' | head -n1)
	expect_exit 0 as cho consent grant "$P" --scope contact --method 'in person'
}
add ko '김순덕 CANARY-PDF-NAME-ko'
KO=$P
add ja 'やまだ はなこ CANARY-PDF-NAME-ja'
JA=$P
add en 'Jane Roe CANARY-PDF-NAME-en'
EN=$P
for lang in ko ja en; do
	eval "p=\$$(printf '%s' "$lang" | tr a-z A-Z)"
	case $lang in
	ko) name='김순덕' face='NotoSansCJKkr' title='결정 통지서' ;;
	ja) name='やまだ はなこ' face='NotoSansCJKjp' title='決定通知書' ;;
	en) name='Jane Roe' face='NotoSansCJK' title='Notice of decision' ;;
	esac
	for kind in decision payment reminder; do
		before=$(reveals)
		expect_exit 0 as cho notice render "$p" --kind "$kind" --format pdf --output "$T/$lang-$kind.pdf"
		expect_eq "$(stat -c %a "$T/$lang-$kind.pdf")" 600 "the PDF's file mode"
		is_pdf "$T/$lang-$kind.pdf" "the $lang $kind PDF"
		text=$(pdftotext -enc UTF-8 "$T/$lang-$kind.pdf" -)
		expect_in "$text" "$name" "the $lang $kind PDF's text (her name)"
		expect_in "$text" "CANARY-PDF-ADDR-$lang" "the $lang $kind PDF's text (her address)"
		expect_in "$text" "$p" "the $lang $kind PDF's text (her reference, whole)"
		fonts=$(pdffonts "$T/$lang-$kind.pdf")
		expect_in "$fonts" "$face" "the $lang $kind PDF's fonts"
		# Every font embedded (emb yes): a printer without the fonts prints what we saw.
		expect_eq "$(printf '%s\n' "$fonts" | tail -n +3 | awk '$(NF-4) != "yes"' | wc -l)" 0 \
			"fonts not embedded in the $lang $kind PDF: $fonts"
		info=$(pdfinfo "$T/$lang-$kind.pdf")
		expect_in "$info" "Creator:         redress" "the $lang $kind PDF's metadata"
		expect_not_in "$info" "CANARY" "the $lang $kind PDF's metadata"
		expect_not_in "$info" "$name" "the $lang $kind PDF's metadata"
		expect_eq "$(reveals)" $((before + 1)) "the $lang $kind PDF's opening of her identity on the log"
	done
	expect_in "$(pdfinfo "$T/$lang-decision.pdf")" "$title" "the $lang decision PDF's title"
done
# The amount and the payment's reference, in each language: the demo's first survivor, whose
# language is changed (a field that needs no second person).
expect_exit 0 as cho consent grant V-000001 --scope contact --method 'by telephone, recorded'
for lang in ja en ko; do
	expect_exit 0 as cho person update V-000001 --language "$lang" --reason 'she asked for letters in it'
	expect_exit 0 as cho notice render V-000001 --kind payment --format pdf --output "$T/v1-$lang.pdf"
	text=$(pdftotext -enc UTF-8 "$T/v1-$lang.pdf" -)
	case $lang in
	ko) amount='100,000,000원' heading='지급 안내서' ;;
	ja) amount='100,000,000' heading='支払いのお知らせ' ;;
	en) amount='100,000,000' heading='Notice of payment' ;;
	esac
	expect_in "$text" "$amount" "the amount in the $lang payment PDF"
	expect_in "$text" "$heading" "the $lang payment PDF's title"
	expect_in "$text" 'E-C-000001-V-000001' "the payment's reference, whole, in the $lang PDF"
done
# Standard output, when it is no terminal, takes the PDF as it is.
expect_exit 0 as cho notice render "$KO" --kind reminder --format pdf
expect_eq "$(head -c 5 "$T/out")" "%PDF-" "a PDF on standard output"

# ---- Refused -------------------------------------------------------------------------------
expect_exit 0 as cho person add --kind victim --name 'CANARY-PDF-UNASKED' --birth-date 1930-01-01 --language ko
Q=$(printf '%s\n' "$OUT" | grep -o 'V-[0-9]*' | head -n1)
size=$(events)
expect_exit 15 as cho notice render "$Q" --kind payment --format pdf
expect_in "$ERR" "has not consented to be contacted"
expect_eq "$(wc -c <"$T/out")" 0 "bytes written for a refused PDF"
expect_exit 15 as cho notice render "$Q" --kind payment --format pdf --output "$T/refused.pdf"
[ ! -e "$T/refused.pdf" ] || fail "a refused PDF left a file"
expect_eq "$(events)" "$size" "events after a refused PDF"
# A terminal on standard output: refused before anything is opened or recorded.
if script -qec "true" /dev/null >/dev/null 2>&1; then
	REDRESS_PASSWORD_FILE="$T/cho.pw" script -qec "'$REDRESS' --db '$DB' --keys '$KEYS' --as cho notice render $KO --kind payment --format pdf; echo EXIT=\$?" /dev/null >"$T/tty" 2>&1
	expect_in "$(cat "$T/tty")" "EXIT=2" "a PDF to a terminal"
	expect_in "$(cat "$T/tty")" "standard output is a terminal" "a PDF to a terminal"
	expect_not_in "$(cat "$T/tty")" "%PDF" "a PDF to a terminal"
	expect_eq "$(events)" "$size" "events after a PDF refused to a terminal"
else
	echo "note: no pty here (script); the terminal check is left out" >&2
fi
expect_exit 2 as cho notice render "$KO" --kind payment --format docx
expect_in "$ERR" "html or pdf"
expect_exit 15 as rin notice render "$KO" --kind payment --format pdf --output "$T/rin.pdf"
[ ! -e "$T/rin.pdf" ] || fail "a reviewer's PDF left a file"
expect_eq "$(events)" "$size" "events after refused PDFs"

# ---- The API -------------------------------------------------------------------------------
for who in cho rin ryu fumi moe ada; do
	sign_in "$who"
done
getpdf() { # getpdf WHO PATH [CURL OPTIONS...]: the answer's body in $T/api.pdf, status in $STATUS
	who=$1 path=$2
	shift 2
	auth=()
	[ "$who" != - ] && auth=(-b "$T/$who.jar")
	STATUS=$(curl -s -o "$T/api.pdf" -D "$T/headers" -w '%{http_code}' "${auth[@]}" "$@" "$BASE$path")
}
header() { grep -i "^$1:" "$T/headers" | tr -d '\r' | sed 's/^[^:]*: *//'; }
before=$(reveals)
getpdf cho "/persons/$JA/notices/decision?format=pdf"
expect_eq "$STATUS" 200 "a caseworker's PDF"
expect_eq "$(header content-type)" "application/pdf" "the PDF's content type"
expect_eq "$(header content-disposition)" "attachment; filename=\"notice-$JA-decision.pdf\"" "the PDF's disposition"
expect_in "$(header cache-control)" "no-store" "the PDF's cache control"
is_pdf "$T/api.pdf" "the API's PDF"
expect_in "$(pdftotext -enc UTF-8 "$T/api.pdf" -)" 'やまだ はなこ' "the API's PDF's text"
expect_eq "$(reveals)" $((before + 1)) "the API's PDF is a reveal on the log"
getpdf cho "/persons/V-000001/notices/payment" -H 'Accept: application/pdf'
expect_eq "$STATUS" 200 "a PDF asked for by Accept"
expect_eq "$(header content-type)" "application/pdf" "the content type asked for by Accept"
expect_in "$(pdftotext -enc UTF-8 "$T/api.pdf" -)" '100,000,000원' "the PDF asked for by Accept"
getpdf cho "/persons/V-000001/notices/payment"
expect_in "$(header content-type)" "text/html" "a letter asked for without a format"
size=$(events)
getpdf cho "/persons/$JA/notices/decision?format=docx"
expect_eq "$STATUS" 400 "an unknown format"
expect_in "$(cat "$T/api.pdf")" "html or pdf"
for who in rin ryu fumi moe ada; do
	getpdf "$who" "/persons/$JA/notices/decision?format=pdf"
	expect_eq "$STATUS" 403 "$who asking for a PDF"
	expect_not_in "$(cat "$T/api.pdf")" "%PDF" "$who's refusal"
done
getpdf - "/persons/$JA/notices/decision?format=pdf"
expect_eq "$STATUS" 401 "nobody asking for a PDF"
getpdf cho "/persons/$Q/notices/decision?format=pdf"
expect_eq "$STATUS" 422 "a PDF without her consent to contact"
expect_not_in "$(cat "$T/api.pdf")" "%PDF" "a refused PDF's answer"
expect_eq "$(events)" "$size" "events after refused PDFs over the API"

# ---- The page's PDF button --------------------------------------------------------------------
PAGE="http://127.0.0.1:$PORT"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cho.jar" -H 'Accept-Language: en' "$PAGE/persons/$EN/casework")
expect_eq "$STATUS" 200 "her casework page"
expect_in "$(cat "$T/body")" 'name="format" value="pdf"' "her casework page's PDF button"
before=$(reveals)
STATUS=$(curl -s -o "$T/page.pdf" -D "$T/headers" -w '%{http_code}' -b "$T/cho.jar" \
	--data-urlencode "csrf_token=$(cat "$T/cho.csrf")" --data-urlencode format=pdf "$PAGE/persons/$EN/notices/reminder")
expect_eq "$STATUS" 200 "the page's PDF button"
expect_eq "$(header content-type)" "application/pdf" "the page's PDF"
expect_in "$(header content-disposition)" "attachment" "the page's PDF"
is_pdf "$T/page.pdf" "the page's PDF"
expect_in "$(pdftotext -enc UTF-8 "$T/page.pdf" -)" 'Jane Roe' "the page's PDF's text"
expect_eq "$(reveals)" $((before + 1)) "the page's PDF is a reveal on the log"
# (A refused form's answer is a page after a redirect: followed.)
STATUS=$(curl -s -L -o "$T/body" -w '%{http_code}' -b "$T/cho.jar" \
	--data-urlencode "csrf_token=$(cat "$T/cho.csrf")" --data-urlencode format=docx "$PAGE/persons/$EN/notices/reminder")
expect_eq "$STATUS" 404 "the page's letter in an unknown format"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/rin.jar" \
	--data-urlencode "csrf_token=$(cat "$T/rin.csrf")" --data-urlencode format=pdf "$PAGE/persons/$EN/notices/reminder")
expect_eq "$STATUS" 403 "a reviewer pressing the PDF button"

# ---- Nothing of her, and no PDF, where it must not be --------------------------------------------
stop_server
for canary in CANARY-PDF-NAME CANARY-PDF-ADDR 김순덕 'やまだ'; do
	expect_not_in "$(cat "$T/server.log")" "$canary" "the server's log"
	if db_dump | grep -aq "$canary"; then
		fail "$canary is in the database in clear"
	fi
done
if db_dump | grep -aq '%PDF-'; then
	fail "a PDF is in the database"
fi
expect_exit 0 rd audit verify
finish
