# man.sh -- the man pages in docs/man keep up with the command: a page for
# every command that 'redress --help' lists, every long option that
# 'redress COMMAND --help' shows described on its page, and every page
# rendering without a single warning from groff.
. "$SRCDIR/tests/cli/lib.sh"

MAN="$SRCDIR/docs/man"

# The long options a help text shows, without their dashes: db, no-overdraft.
long_options() {
	printf '%s\n' "$1" | grep -oE -- '--[a-z]([a-z0-9-]*[a-z0-9])?' | sed 's/^--//' | sort -u
}

# check_options PAGE HELP: every long option in HELP is on PAGE, written
# in mdoc as 'Fl -name' (or 'Fl \-name'), and not only as a longer option
# that begins with it ('Fl -to-amount' does not count for --to).
check_options() {
	page=$1
	opts=$(long_options "$2")
	checks=$((checks + 1))
	[ -n "$opts" ] || fail "no long options found in the --help text for $(basename "$page")"
	for opt in $opts; do
		checks=$((checks + 1))
		grep -Eq "Fl \\\\?-$opt([^A-Za-z0-9_-]|\$)" "$page" ||
			fail "$(basename "$page") does not describe --$opt (no 'Fl -$opt')"
	done
}

# check_sections PAGE SECTION...: the page has each section.
check_sections() {
	page=$1
	shift
	for section in "$@"; do
		checks=$((checks + 1))
		grep -qx "\\.Sh $section" "$page" || fail "$(basename "$page") has no '$section' section"
	done
}

sections="NAME SYNOPSIS DESCRIPTION OPTIONS EXIT_STATUS EXAMPLES SEE_ALSO"

# The commands 'redress --help' lists under "Commands:", up to the blank line.
expect_exit 0 "$REDRESS" --help
top_help=$OUT
commands=$(printf '%s\n' "$top_help" | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }')
checks=$((checks + 1))
[ -n "$commands" ] || fail "'redress --help' lists no commands under 'Commands:'"

# The main page, and its global options.
page="$MAN/redress.1"
checks=$((checks + 1))
if [ -f "$page" ]; then
	check_options "$page" "$top_help"
	for s in $sections; do
		check_sections "$page" "$(printf '%s' "$s" | tr _ ' ')"
	done
	check_sections "$page" ENVIRONMENT FILES
	for name in $commands; do
		checks=$((checks + 1))
		grep -q "^\\.Xr redress-$name 1" "$page" || fail "redress.1 does not refer to redress-$name(1)"
	done
else
	fail "docs/man/redress.1 does not exist"
fi

# One page per command, describing every option its --help shows.
for name in $commands; do
	page="$MAN/redress-$name.1"
	checks=$((checks + 1))
	if [ ! -f "$page" ]; then
		fail "'redress --help' lists '$name' but docs/man/redress-$name.1 does not exist"
		continue
	fi
	# rd: a database path in the temporary directory, should --help ever open one.
	if expect_exit 0 rd "$name" --help; then
		check_options "$page" "$OUT"
	fi
	for s in $sections; do
		check_sections "$page" "$(printf '%s' "$s" | tr _ ' ')"
	done
	checks=$((checks + 1))
	grep -qx "\\.Dt REDRESS-$(printf '%s' "$name" | tr a-z A-Z) 1" "$page" ||
		fail "redress-$name.1 has no '.Dt REDRESS-$(printf '%s' "$name" | tr a-z A-Z) 1'"
done

# Every page renders without warnings.  groff comes with man-db on Debian
# (groff-base); without it the pages cannot be checked, which is a failure.
pages=()
for page in "$MAN"/*.1; do
	[ -f "$page" ] && pages+=("$page")
done
checks=$((checks + 1))
[ "${#pages[@]}" -gt 0 ] || fail "no man pages in docs/man"
if ! command -v groff >/dev/null 2>&1; then
	fail "groff is not installed, so the man pages cannot be checked: apt-get install groff-base"
else
	for page in "${pages[@]}"; do
		checks=$((checks + 1))
		# groff 1.22 reads Latin-1: keep the sources ASCII, with escapes (\(em).
		if LC_ALL=C grep -n '[^ -~	]' "$page" >"$T/nonascii"; then
			fail "$(basename "$page") has characters outside ASCII: $(head -3 "$T/nonascii")"
		fi
		checks=$((checks + 1))
		warnings=$(groff -mandoc -Tutf8 -ww -z "$page" 2>&1)
		status=$?
		if [ "$status" -ne 0 ] || [ -n "$warnings" ]; then
			fail "groff warns on $(basename "$page") (exit $status): $warnings"
		fi
	done
fi
finish
