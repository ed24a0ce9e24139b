#!/bin/sh
# demo-programs.sh -- the three example programs at work, on a fresh fund
# in a directory of its own (synthetic people only):
#   colombia-1448  a claim naming two harms with evidence, reviewed harm by
#                  harm, paid in minimum wages, capped per family;
#   pension        a monthly pension: held until a proof of life, then
#                  released, stopped at her death;
#   awf-1995       a lump sum with medical support delivered in kind.
# Usage: examples/demo-programs.sh [DIR]   (REDRESS names the binary; default build/redress)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
redress=${REDRESS:-$here/../build/redress}
dir=${1:-$(mktemp -d "${TMPDIR:-/tmp}/redress-programs-XXXXXX")}
db=$dir/fund.db keys=$dir/fund.keys
today=$(date -u +%F)
rd() { "$redress" --db "$db" --keys "$keys" "$@"; }
as() {
	who=$1
	shift
	REDRESS_PASSWORD_FILE="$dir/$who.pw" "$redress" --db "$db" --keys "$keys" --as "$who" "$@"
}
step() { printf '\n== %s\n' "$*"; }

step "a fund, its staff, and the three programs"
rd init --origin demo.example/programs >/dev/null
for who in ada cid rita rob fin; do printf 'demo-%s-password-1\n' "$who" >"$dir/$who.pw"; done
rd user add ada --role admin --password-file "$dir/ada.pw" >/dev/null
as ada user add cid --role caseworker --password-file "$dir/cid.pw" >/dev/null
as ada user add rita --role reviewer --password-file "$dir/rita.pw" >/dev/null
as ada user add rob --role reviewer --password-file "$dir/rob.pw" >/dev/null
as ada user add fin --role finance --password-file "$dir/fin.pw" >/dev/null
for p in colombia-1448 pension awf-1995; do as ada program add --file "$here/$p.json" | head -n1; done
as fin ledger account add gift:cop --currency COP --kind income >/dev/null
as fin ledger transfer --id gift-cop --from gift:cop --to bank:cop --amount 500000000 >/dev/null
as fin ledger account add gift:eur --currency EUR --kind income >/dev/null
as fin ledger transfer --id gift-eur --from gift:eur --to bank:eur --amount 100000 >/dev/null

step "colombia-1448: two harms, each with its evidence, reviewed one by one"
v=$(as cid person add --kind victim --name "Synthetic Survivor Uno" --birth-date 1950-05-05 --frailty 2)
# The program pays people with a disability first ("priority": ["vulnerability:disability", ...]).
as cid person vulnerability "$v" --set disability,displaced --reason "Synthetic: seen at the home visit"
c=$(as cid claim open --program colombia-1448 --victim "$v")
printf 'Synthetic statement of the harms\n' >"$dir/statement.txt"
as cid claim evidence add "$c" "$dir/statement.txt" >/dev/null
as cid claim harm add "$c" --harm sexual-violence --evidence 1
as cid claim harm add "$c" --harm displacement --evidence 1
as cid claim submit "$c"
for r in rita rob; do
	as "$r" claim harm approve "$c" --harm sexual-violence
	as "$r" claim harm approve "$c" --harm displacement
	as "$r" claim approve "$c"
done
as fin entitlements compute --program colombia-1448
as fin queue --program colombia-1448

step "pension: held without a proof of life, released with one, stopped at death"
p=$(as cid person add --kind victim --name "Synthetic Pensioner Dos" --birth-date 1930-03-03)
c=$(as cid claim open --program pension-2026 --victim "$p")
as cid claim submit "$c"
as rita claim approve "$c"
as rob claim approve "$c"
as fin entitlements compute --program pension-2026
as cid entitlements proof "$p" --date "$today"
as fin entitlements compute --program pension-2026
as fin queue --program pension-2026
as cid person death "$p" --date "$today"
as fin ledger balance payable:pension-2026

step "awf-1995: medical support delivered in kind"
w=$(as cid person add --kind victim --name "Synthetic Survivor Tres" --birth-date 1925-01-01)
c=$(as cid claim open --program awf-1995 --victim "$w")
as cid claim submit "$c"
as rita claim approve "$c"
as rob claim approve "$c"
as cid entitlements service "$c" --service medical --state delivered --date "$today" --provider "Synthetic Clinic"
as rita entitlements services "$c"

step "the audit replays all of it"
rd audit verify
