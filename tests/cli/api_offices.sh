# api_offices.sh -- offices over real HTTP, the role matrix per office:
# `redress serve` on a demo fund with two offices, a caseworker (cho) in
# the north, a caseworker (cyd) and a reviewer (ryu) in the south.  Every
# route of src/http/routes.c that names a person -- by pseudonym, or her
# claim, note, task, grievance, referral or proposed change -- asked by
# staff of the other office answers 404, as for a pseudonym never
# registered (403 where the role may not use the route at all, as before);
# the same routes answer her own office's staff; the lists (persons,
# tasks, grievances, claims, changes) and the search by pseudonym show
# only the office's people; admins and the monitor are as before.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/serve_lib.sh"
ROOT=${BASE%/api/v1}

printf 'pw-cyd-6a1e0c9b44\n' >"$T/cyd.pw"
expect_exit 0 as ada user add cyd --role caseworker --password-file "$T/cyd.pw"
expect_exit 0 as ada office add north --name "North office" --regions SEOUL
expect_exit 0 as ada office add south --name "South office" --regions BUSAN
for a in "cho north" "cyd south" "ryu south"; do
	set -- $a
	expect_exit 0 as ada office assign "$1" "$2"
done
cyd() {
	REDRESS_PASSWORD_FILE="$T/cyd.pw" "$REDRESS" --db "$DB" --keys "$KEYS" --as cyd "$@"
}

# A person in each office, with a claim, a note, a task, a grievance, a referral and a correction.
printf 'seen at home\n' >"$T/note"
for who in cho cyd; do
	region=SEOUL
	[ "$who" = cyd ] && region=BUSAN
	run=as
	[ "$who" = cyd ] && run=cyd
	if [ "$who" = cyd ]; then
		expect_exit 0 cyd person add --kind victim --name "Office $who" --birth-date 1930-03-0"${#who}" --region "$region"
	else
		expect_exit 0 as cho person add --kind victim --name "Office $who" --birth-date 1930-04-01 --region "$region"
	fi
	p=$OUT
	if [ "$who" = cyd ]; then r() { cyd "$@"; }; else r() { as cho "$@"; }; fi
	expect_exit 0 r claim open --program flagship-2015 --victim "$p"
	claim=$(printf '%s' "$OUT" | grep -o 'C-[0-9]*' | head -n1)
	expect_exit 0 r note add "$p" --file "$T/note"
	note=$OUT
	expect_exit 0 r task add "$p" --due 2099-01-01 --what "call her"
	task=$OUT
	expect_exit 0 r grievance open "$p" --channel phone --about "late"
	grievance=$(printf '%s' "$OUT" | grep -o '[0-9][0-9]*' | head -n1)
	expect_exit 0 r consent grant "$p" --scope share:legal-aid --method oral
	expect_exit 0 r referral add "$p" --to legal-aid --what "a lawyer"
	referral=$(printf '%s' "$OUT" | grep -o '[0-9][0-9]*' | head -n1)
	expect_exit 0 r person update "$p" --name "Office $who two" --reason spelling
	change=$(printf '%s' "$OUT" | sed -n 's/.*change \([0-9]*\) proposed.*/\1/p')
	eval "P_$who=$p C_$who=$claim N_$who=$note K_$who=$task G_$who=$grievance F_$who=$referral X_$who=$change"
done
[ -n "$C_cyd" ] && [ -n "$X_cyd" ] && [ -n "$F_cyd" ] || { fail "the south's file was not made"; finish; }

sign_in cho
sign_in ryu
sign_in ada
sign_in moe
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -c "$T/cyd.jar" -H 'Content-Type: application/json' \
	--data-binary '{"username":"cyd","password":"pw-cyd-6a1e0c9b44"}' "$BASE/session")
expect_eq "$STATUS" 201 "signing in as cyd"
json csrf_token <"$T/body" >"$T/cyd.csrf"

# request WHO METHOD URL: the status alone, in WHO's session, with an empty JSON body for a change.
request() {
	body=()
	[ "$2" != GET ] && body=(-H 'Content-Type: application/json' --data-binary '{}')
	case "$3" in */evidence) [ "$2" = POST ] && body=(-F "file=@$T/note") ;; esac
	# A page's refusal of a form is a redirect to the page that says it (POST, then GET): followed.
	follow=(-X "$2")
	case "$3" in "$ROOT/api/"*) ;; *) [ "$2" = POST ] && follow=(-L) ;; esac
	curl -s -o "$T/body" -w '%{http_code}' "${follow[@]}" -b "$T/$1.jar" \
		-H "X-CSRF-Token: $(cat "$T/$1.csrf")" "${body[@]}" "$3"
}
# The permissions of the caseworker and of the reviewer (src/domain/users/users.c).
perms_caseworker=" PERM_PERSONS_WRITE PERM_PERSONS_READ PERM_PERSONS_REVEAL PERM_CONSENT_WRITE PERM_CLAIMS_INTAKE PERM_CLAIMS_READ "
perms_reviewer=" PERM_CLAIMS_DECIDE PERM_CLAIMS_READ PERM_PERSONS_READ "

# matrix WHO ROLE OFFICE-OF-THE-THINGS EXPECT: every scoped route, its parameters those of that office.
routes=$(grep -o 'PERM_[A-Z_]*, [A-Z]*, "[^"]*"' "$SRCDIR/src/http/routes.c" | tr -d '",' |
	grep -E '\{(pseudonym|claim|note|task|grievance|referral|change)\}|^[^ ]+ [A-Z]+ /claims/\{id\}')
[ "$(printf '%s\n' "$routes" | grep -c .)" -ge 40 ] || fail "too few scoped routes found in routes.c: $routes"
matrix() {
	who=$1 role=$2 of=$3 want=$4
	eval "p=\$P_$of c=\$C_$of n=\$N_$of k=\$K_$of g=\$G_$of f=\$F_$of x=\$X_$of"
	eval "perms=\$perms_$role"
	printf '%s\n' "$routes" | while read -r perm method pattern; do
		path=$(printf '%s' "$pattern" | sed -e "s/{pseudonym}/$p/; s/{claim}/$c/; s/{note}/$n/; s/{task}/$k/" \
			-e "s/{grievance}/$g/; s/{referral}/$f/; s/{change}/$x/; s/{kind}/decision/; s/{n}/1/" \
			-e "s/{harm}/1/; s/{seq}/1/")
		case "$path" in /claims/\{id\}*) path=$(printf '%s' "$path" | sed "s/{id}/$c/") ;; esac
		case "$path" in /api/*) url="$ROOT$path" ;; *) url="$ROOT$path" ;; esac
		expect=$want
		case "$perms" in *" $perm "*) ;; *) expect=403 ;; esac
		got=$(request "$who" "$method" "$url")
		if [ "$want" = 404 ]; then
			[ "$got" = "$expect" ] || echo "FAIL: $who $method $path answered $got, expected $expect"
		else
			# Her own office: never the office's 404 (the route may refuse for its own reasons).
			# (An evidence file never attached is not found, in any office.)
			case "$path" in */evidence/1) continue ;; esac
			[ "$got" != 404 ] || [ "$expect" = 403 ] || echo "FAIL: $who $method $path answered 404 to her own office"
		fi
	done
}
out=$(matrix cho caseworker cyd 404)
expect_eq "$out" "" "the north's caseworker on the south's person"
out=$(matrix ryu reviewer cho 404)
expect_eq "$out" "" "the south's reviewer on the north's person"

# The 404 says what a pseudonym never registered says.
call cho GET "/persons/V-999999"
never=$(printf '%s' "$OUT" | json error.message)
call cho GET "/persons/$P_cyd"
expect_status 404
expect_eq "$(printf '%s' "$OUT" | json error.message)" "${never//V-999999/$P_cyd}" "the refusal's words"
call cyd GET "/persons/$P_cyd"
expect_status 200 "her own office's person"
call ada GET "/persons/$P_cyd"
expect_status 200 "an admin sees across"
call moe GET "/persons/$P_cyd"
expect_status 403 "the monitor, as before"

# An event of hers, by its number: not found either, in the words of an event that does not exist.
seq=$(db_sql "SELECT registered_seq FROM registry_persons WHERE pseudonym = '$P_cyd'")
call cho GET "/audit/events/999999"
never=$(printf '%s' "$OUT" | json error.message)
call cho GET "/audit/events/$seq"
expect_status 404 "the south's person's registration, asked by the north"
expect_eq "$(printf '%s' "$OUT" | json error.message)" "${never//999999/$seq}" "the refusal's words"
call cyd GET "/audit/events/$seq"
expect_status 200 "her registration, asked by her own office"
expect_in "$OUT" "$P_cyd"
call ada GET "/audit/events/$seq"
expect_status 200 "her registration, asked by an admin"

# A person named in a body, not a path: the same.
jcall cho POST "/claims" "{\"program\": \"flagship-2015\", \"victim\": \"$P_cyd\"}"
expect_status 404 "a claim opened for the south's person by the north"
jcall cho POST "/relations" "{\"victim\": \"$P_cyd\", \"relative\": \"$P_cho\", \"relation\": \"child\", \"share\": \"1/2\"}"
expect_status 404 "a relation naming the south's person, by the north"

# The lists.
call cho GET "/persons?limit=1000"
expect_in "$OUT" "$P_cho"
expect_not_in "$OUT" "$P_cyd" "the north's list of persons"
call cyd GET "/persons?limit=1000"
expect_in "$OUT" "$P_cyd"
expect_not_in "$OUT" "$P_cho" "the south's list of persons"
expect_in "$OUT" "V-000001" "a person of no office"
call ada GET "/persons?limit=1000"
expect_in "$OUT" "$P_cho"
expect_in "$OUT" "$P_cyd"
for list in tasks grievances claims changes; do
	call cho GET "/$list"
	expect_status 200 "the north's $list"
	expect_not_in "$OUT" "$P_cyd" "the north's $list"
	call cyd GET "/$list"
	expect_in "$OUT" "$P_cyd" "the south's $list"
done
call cyd GET "/contacts?pseudonym=$P_cho"
expect_not_in "$OUT" "$P_cho" "the south's contacts of a north person"
# The pages: the list, and the search by pseudonym, which does not lead to her.
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cho.jar" "$ROOT/persons")
expect_eq "$STATUS" 200 "the north's persons page"
expect_not_in "$(cat "$T/body")" "$P_cyd" "the north's persons page"
expect_in "$(cat "$T/body")" "$P_cho" "the north's persons page"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cho.jar" "$ROOT/persons?q=$P_cyd")
expect_eq "$STATUS" 404 "the north's search for the south's pseudonym"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cyd.jar" "$ROOT/persons?q=$P_cyd")
expect_eq "$STATUS" 303 "the south's search for her own"

# The search by name neither shows nor counts another office's people.
search() {
	curl -s -o "$T/body" -w '%{http_code}' -b "$T/$1.jar" -H "X-CSRF-Token: $(cat "$T/$1.csrf")" \
		--data-urlencode "who=$2" --data-urlencode "reason=a visit" "$ROOT/persons/search"
}
expect_eq "$(search cyd "Office cyd")" 200 "the south's search by name"
expect_in "$(cat "$T/body")" "$P_cyd" "the south's search by name"
expect_eq "$(search cho "Office cyd")" 200 "the north's search by name"
expect_not_in "$(cat "$T/body")" "$P_cyd" "the north's search by name"

# Offices over the API: listed and added by an admin only; an account put in one; a transfer.
call ada GET "/offices"
expect_status 200 "the offices"
expect_eq "$(printf '%s' "$OUT" | json offices.0.code)" north
expect_eq "$(printf '%s' "$OUT" | json offices.1.staff)" 2 "the south's staff"
call cho GET "/offices"
expect_status 403 "a caseworker lists offices"
jcall ada POST "/offices" '{"code": "east", "name": "East office", "regions": "GANGWON"}'
expect_status 201 "an office added"
jcall ada POST "/offices" '{"code": "east2", "name": "East again", "regions": "BUSAN"}'
expect_status 409 "a region another office covers"
jcall ada POST "/offices" '{"code": "x y", "name": "X", "regions": "JEJU"}'
expect_status 400 "a code with a space"
jcall ada POST "/users/moe/office" '{"office": "nowhere"}'
expect_status 404 "no such office"
jcall ada POST "/users/moe/office" '{"office": "east"}'
expect_status 200 "the monitor put in an office"
call moe GET "/persons/$P_cyd"
expect_status 403 "the monitor, in an office, as before"
jcall ada POST "/users/moe/office" '{}'
expect_status 200 "the monitor out of any office"
expect_eq "$(printf '%s' "$OUT" | json office)" null
jcall cyd POST "/persons/$P_cho/transfer" '{"office": "south", "reason": "moved"}'
expect_status 404 "a transfer of another office's person"
jcall cho POST "/persons/$P_cho/transfer" '{"office": "south"}'
expect_status 400 "a transfer without a reason"
jcall cho POST "/persons/$P_cho/transfer" '{"office": "south", "reason": "moved to her daughter"}'
expect_status 200 "a transfer"
call cyd GET "/persons/$P_cho"
expect_status 200 "the south sees her after the transfer"
call cho GET "/persons/$P_cho"
expect_status 404 "the north no longer sees her"

# The admin's page of offices, in Korean too; its forms; a caseworker refused.
page() {
	curl -s -o "$T/body" -w '%{http_code}' -b "$T/$1.jar" -H "X-CSRF-Token: $(cat "$T/$1.csrf")" "${@:3}" "$ROOT$2"
}
expect_eq "$(page ada /admin/offices)" 200 "the offices page"
expect_in "$(cat "$T/body")" "North office"
expect_in "$(cat "$T/body")" "BUSAN"
expect_eq "$(page ada /admin/offices -H 'Accept-Language: ko')" 200 "the offices page in Korean"
expect_in "$(cat "$T/body")" "사무소"
expect_eq "$(page cho /admin/offices)" 403 "a caseworker on the offices page"
expect_eq "$(page ada /admin/offices --data-urlencode code=west --data-urlencode name=West \
	--data-urlencode regions=JEOLLA)" 303 "an office added from the page"
expect_eq "$(db_sql "SELECT name FROM offices_offices WHERE code = 'west'")" West
# (A refused form's page is shown after a redirect, post/redirect/get.)
expect_eq "$(page ada /admin/offices --data-urlencode code=west2 --data-urlencode name=W \
	--data-urlencode regions=BUSAN -L)" 409 "a region another office covers, from the page"
expect_in "$(cat "$T/body")" "covered by office"
expect_eq "$(page ada /admin/offices/staff --data-urlencode account=moe --data-urlencode office=west)" 303 \
	"an account put in an office from the page"
expect_eq "$(db_sql "SELECT office FROM offices_staff WHERE account = 'moe'")" west
expect_eq "$(page ada /admin/offices/staff --data-urlencode account=moe --data-urlencode office=)" 303 \
	"an account out of any office from the page"
expect_eq "$(db_sql "SELECT count(*) FROM offices_staff WHERE account = 'moe'")" 0
expect_eq "$(page cho /admin/offices --data-urlencode code=x --data-urlencode name=X \
	--data-urlencode regions=Y -L)" 403 "a caseworker adding an office from the page"

# The move to another office from her casework page (P_cho is the south's since the API's transfer).
# form WHO PSEUDONYM OFFICE REASON [curl args]: the status of the form's POST, in WHO's session.
form() {
	curl -s -o "$T/body" -w '%{http_code}' -D "$T/head" -b "$T/$1.jar" \
		--data-urlencode "csrf_token=$(cat "$T/$1.csrf")" --data-urlencode "office=$3" \
		--data-urlencode "move_reason=$4" "${@:5}" "$ROOT/persons/$2/casework/transfer"
}
office_of() {
	expect_exit 0 as ada office of "$1"
	expect_eq "$OUT" "$2" "$3"
}
expect_eq "$(page cyd "/persons/$P_cho/casework" -H 'Accept-Language: en')" 200 \
	"her casework page, by her office's caseworker"
expect_in "$(cat "$T/body")" "Move to another office" "the form to move her"
expect_in "$(cat "$T/body")" 'action="/persons/'"$P_cho"'/casework/transfer"' "the form's action"
expect_in "$(cat "$T/body")" '<option value="north">' "another office offered"
expect_not_in "$(cat "$T/body")" '<option value="south"' "her own office not offered"
expect_eq "$(page cyd "/persons/$P_cho/casework" -H 'Accept-Language: ko')" 200 "her casework page in Korean"
expect_in "$(cat "$T/body")" "다른 사무소로 옮기기" "the form's title in Korean"
expect_eq "$(form cyd "$P_cho" north "" -L -H 'Accept-Language: en')" 422 "a move without a reason"
expect_in "$(cat "$T/body")" 'id="f-office"' "the form again"
expect_in "$(cat "$T/body")" "say why she moves" "the refusal beside the field"
office_of "$P_cho" south "nothing changed by a move without a reason"
expect_eq "$(form cyd "$P_cho" nowhere "she moved" -L)" 422 "a move to no such office"
office_of "$P_cho" south "nothing changed by a move to no such office"
STATUS=$(curl -s -o "$T/body" -w '%{http_code}' -b "$T/cyd.jar" --data-urlencode "csrf_token=wrong" \
	--data-urlencode office=north --data-urlencode "move_reason=she moved" -L "$ROOT/persons/$P_cho/casework/transfer")
expect_eq "$STATUS" 400 "a move with a wrong CSRF token (a page refuses it as a bad form)"
office_of "$P_cho" south "nothing changed by a wrong CSRF token"
expect_eq "$(form cho "$P_cho" north "she moved" -L)" 404 "a move of another office's person"
office_of "$P_cho" south "nothing changed by another office's caseworker"
expect_eq "$(form cyd "$P_cho" north "back to her sister in Seoul")" 303 "a move from the page"
expect_in "$(tr -d '\r' <"$T/head")" "Location: /persons?moved=1" "to the list: she is no longer hers"
office_of "$P_cho" north "the office after the move from the page"
call cho GET "/persons/$P_cho"
expect_status 200 "the north sees her after the move from the page"
call cyd GET "/persons/$P_cho"
expect_status 404 "the south no longer sees her"
expect_eq "$(page cyd "/persons?moved=1" -H 'Accept-Language: en')" 200 "the list after the move"
expect_in "$(cat "$T/body")" "its staff hold her file now" "the notice of the move"
# A caseworker of no office sees across: she still sees her, and is led back to her casework.
jcall ada POST "/users/cyd/office" '{}'
expect_status 200 "the south's caseworker out of any office"
expect_eq "$(form cyd "$P_cho" east "to the east")" 303 "a move by a caseworker of no office"
expect_in "$(tr -d '\r' <"$T/head")" "Location: /persons/$P_cho/casework?moved=1" "back to her casework"
expect_eq "$(page cyd "/persons/$P_cho/casework?moved=1" -H 'Accept-Language: en')" 200 \
	"her casework page after the move"
expect_in "$(cat "$T/body")" "She was moved to the office chosen" "the notice of the move"
office_of "$P_cho" east "the office after the second move"
jcall ada POST "/users/cyd/office" '{"office": "south"}'
expect_status 200 "the south's caseworker back in the south"

# Last, as it changes her file: her own office's staff are never refused by the office.
out=$(matrix cyd caseworker cyd own)
expect_eq "$out" "" "the south's caseworker on her own office's person"

stop_server
expect_exit 0 rd audit verify
finish
