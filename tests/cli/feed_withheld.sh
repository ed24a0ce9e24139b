# feed_withheld.sh -- people in cells too small to show, who consented to
# statistics, still recount: the report groups them as "withheld" by the
# same rule the feed withholds them by (report_cells.h), settled to a
# fixed point, so the recount from the feed matches the report byte for
# byte.  The population has a region of 4 (below k = 5), and a decade
# that falls below k only once that region is withheld, with one person
# of a large region in it: the cascade the fixed point exists for.  Every
# region and decade the feed shows holds at least k registered people.
. "$SRCDIR/tests/cli/lib.sh"
. "$SRCDIR/tests/cli/fund_lib.sh"

fund_setup test.example/feed-withheld 1000000000
n=0
add() { # REGION BIRTH-DATE
	n=$((n + 1))
	P=$(person --kind victim --name "Canary W$n Zx" --birth-date "$2" --region "$1")
	expect_exit 0 as cid consent grant "$P" --scope statistics --method "in person"
}
for d in 01 02 03 04 05 06; do add KR-11 "1925-02-$d"; done # KR-11, the 1920s: shown
for d in 01 02 03 04; do add KR-26 "1927-03-$d"; done       # a region of 4: withheld
for d in 01 02 03 04; do add KR-41 "1933-04-$d"; done       # a region of 4 in the 1930s: withheld ...
add KR-11 1934-05-01                                         # ... leaving this one alone in the 1930s
expect_exit 0 as mona report public --program flagship-2015 --out "$T/report.json"
expect_exit 0 as mona audit feed --out "$T/feed.jsonl"

# The report groups the nine withheld people, and shows no small region or decade.
report=$(cat "$T/report.json")
expect_in "$report" '"withheld"'
for rare in KR-26 KR-41 1930s; do
	expect_not_in "$report" "\"$rare\"" "the report"
done
# The feed withholds the same nine: no rare value, and every value shown holds at least k people.
feed=$(cat "$T/feed.jsonl")
for rare in KR-26 KR-41 '"birth_year":1930'; do
	expect_not_in "$feed" "$rare" "the feed"
done
checks=$((checks + 1))
node -e '
const lines=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(JSON.parse);
const k=lines[0].k, reg={}, dec={};
let withheld=0;
for(const l of lines.slice(1)){if(l.type!=="registry.person.registered")continue;
  const d=l.data; if(d.region===null&&d.birth_year===null){withheld++;continue}
  reg[d.region]=(reg[d.region]||0)+1; dec[d.birth_year]=(dec[d.birth_year]||0)+1;}
for(const [v,c] of Object.entries(reg).concat(Object.entries(dec)))
  if(c<k){console.error("cell "+v+" shows "+c+" people, fewer than k="+k);process.exit(1)}
if(withheld!==9){console.error(withheld+" withheld, expected 9");process.exit(1)}' "$T/feed.jsonl" ||
	fail "the feed shows a cell smaller than k, or withholds other people than the report"

# The recount matches, the withheld people included.
expect_exit 0 "$REDRESS" report recount --feed "$T/feed.jsonl" "$T/report.json"
expect_in "$OUT" "every figure matches"
finish
