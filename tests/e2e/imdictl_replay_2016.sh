#!/usr/bin/env bash
# End to end: Bosettingsprisen 2016 replayed with imdictl alone, from the
# bundled data to the winner, on the real stats-service and award-service
# binaries (free ports, fresh stores). The nominations, jurors, claims and
# scores are those of tests/e2e/scenarios/award_2016.scenario (the buf curl
# replay), read from files under tests/e2e/data/award-2016/. Every imdictl
# command is counted; the replay must take at most 25.
# It ends with the cycle's results as CSV (`cycle results`) and its public
# record: the jury's citation (`cycle cite`, a contradicted claim refused)
# and both announcements (`cycle announcement`) checked against the facts of
# IMDi's two articles, the HTML form by a conforming HTML parser (Debian's
# python3-html5lib, hence the system's /usr/bin/python3). Those
# commands are counted apart from the workflow's.
#
# Connection settings come the three ways imdictl takes them: the targets
# from the environment (IMDI_STATS, IMDI_AWARD), the actor from a config
# file (IMDICTL_CONFIG), and flags where a command needs its own.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
DATA="$(cd "$(dirname "${BASH_SOURCE[0]}")/data/award-2016" && pwd)"
MAX_COMMANDS=25
COMMANDS=0
RECORD_COMMANDS=0
OUT="$WORK/out"
ERR="$WORK/err"

# ctl ARGS...: one counted imdictl command; stdout in $OUT, stderr in $ERR,
# exit status in $RC.
ctl() {
  COMMANDS=$((COMMANDS + 1))
  say "imdictl[$COMMANDS] $*"
  RC=0
  "$IMDICTL" "$@" >"$OUT" 2>"$ERR" || RC=$?
  cat "$OUT" >&2
  [ -s "$ERR" ] && sed 's/^/  stderr: /' "$ERR" >&2
  return 0
}

# record_ctl ARGS...: an imdictl command of the public record, counted apart.
record_ctl() {
  ctl "$@"
  COMMANDS=$((COMMANDS - 1))
  RECORD_COMMANDS=$((RECORD_COMMANDS + 1))
}
expect_in() {  # expect_in FILE TEXT: the file holds the text
  grep -qF -- "$2" "$1" || fail "$(basename "$1") lacks '$2'"
}

expect_rc() { expect_eq "imdictl[$COMMANDS] exit status" "$1" "$RC"; }
expect_out() { grep -q -- "$1" "$OUT" || fail "imdictl[$COMMANDS]: output lacks '$1'"; }
expect_json() {  # expect_json JQ_FILTER: true for the output
  [ "$(jq -s "$1" "$OUT" 2>/dev/null)" = true ] || fail "imdictl[$COMMANDS]: jq '$1' is not true"
}

say "-- the services, fresh"
start_service stats "$WORK/stats.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$WORK/stats" --sync=false --insecure_dev
export IMDI_STATS="127.0.0.1:$PORT"
start_service award "$WORK/award.log" "$BUILD_DIR/award-service/award-service" \
  --data_dir="$WORK/award" --sync=false --insecure_dev --stats_target="$IMDI_STATS" \
  --comparables=data/regions/similarMunicipalities.json --health_interval_ms=100
export IMDI_AWARD="127.0.0.1:$PORT"
printf '# the replay acts as IMDi\nactor = imdi-admin\n' >"$WORK/imdictl.conf"
export IMDICTL_CONFIG="$WORK/imdictl.conf"
unset IMDICTL_OUTPUT IMDI_TOKEN_FILE IMDI_TLS_CA IMDI_ACTOR

say "-- the bundled data"
ctl municipalities load
expect_rc 0
expect_out "municipalities: [0-9]* sent"
ctl figures import data/imdikator/*.csv data/published/figures-2016-2017.csv
expect_rc 1  # the follow-up file's county rows count persons with decimals
# Every file's summary adds up: rows = accepted + without a value + skipped +
# rejected, and records sent = changed + unchanged + rejected by the service.
sums="$(sed -n 's/^[^:]*: \([0-9]*\) rows: \([0-9]*\) accepted, \([0-9]*\) without a value, \([0-9]*\) skipped, \([0-9]*\) rejected; \([0-9]*\) records sent: \([0-9]*\) changed, \([0-9]*\) unchanged, \([0-9]*\) rejected by the service;.*/\1 \2 \3 \4 \5 \6 \7 \8 \9/p' "$OUT")"
expect_eq "import summaries" 6 "$(wc -l <<<"$sums")"
while read -r r a w s j n c u x; do
  expect_eq "rows $r = $a + $w + $s + $j" "$r" "$((a + w + s + j))"
  expect_eq "records $n = $c + $u + $x" "$n" "$((c + u + x))"
done <<<"$sums"
grep -q "counts do not add up" "$ERR" && fail "imdictl reports counts that do not add up"
ctl winners load --to_year=2015 data/published/award-history.csv
expect_rc 0

say "-- the cycle"
ctl cycle create --cycle=2016 data/award/bosettingsprisen-2016.json
expect_rc 0
expect_out "cycle 2016 (Bosettingsprisen 2016): draft"
ctl cycle open --cycle=2016
expect_rc 0
expect_out "cycle 2016 (Bosettingsprisen 2016): nominations open"
opened="$(cat "$OUT")"
ctl cycle open --cycle=2016
expect_rc 0
expect_eq "cycle open again changes nothing" "$opened" "$(cat "$OUT")"

say "-- one nominee per region, each with its verdict"
ctl nomination submit --cycle=2016 --output=json "$DATA"/nominations/*.txt
expect_rc 0
expect_json 'length == 6'
expect_json '[.[].nomination.municipalityName] | sort == ["Arendal","Bergen","Bodø","Rælingen","Trondheim","Tynset"]'
expect_json '[.[].nomination | select(.municipalityName == "Trondheim")][0] | .municipalityCode == "5001" and .codeAtTheTime == "1601" and .evaluation.verdict == "VERDICT_MET"'
expect_json '[.[].nomination | select(.municipalityName == "Bergen")][0].evaluation.verdict == "VERDICT_NEEDS_ASSESSMENT"'
expect_json '[.[].nomination.evaluation.eligible] | all'
ctl nomination list --cycle=2016 --details
expect_rc 0
expect_out "nomination .*: Trondheim (5001, 1601 in 2016), IMDi Midt-Norge"
expect_out "met  *region_share: .*settled 627 of 2702 in IMDi Midt-Norge (published total) in 2016: 23.2 %"
expect_out "insufficient data  *settled_as_requested: .*requested not known in 2016 (settled 627)"
expect_out "claim creative_housing (pending)"

say "-- the nomination's full text and a document, byte for byte"
# A document of 3 MB of random bytes (a PDF's size), streamed in chunks.
head -c 3000000 /dev/urandom >"$WORK/nominasjon-trondheim.pdf"
sha="$(sha256sum "$WORK/nominasjon-trondheim.pdf" | cut -d' ' -f1)"
record_ctl nomination document upload --cycle=2016 --nomination=Trondheim "$WORK/nominasjon-trondheim.pdf"
expect_rc 0
expect_out "uploaded, 3000000 bytes, sha256 $sha"
record_ctl nomination list --cycle=2016 --output=json
expect_rc 0
expect_json '[.[0].nominations[] | select(.municipalityName == "Trondheim")][0].documents | length == 1 and .[0].sha256 == "'"$sha"'" and .[0].sizeBytes == "3000000" and .[0].mediaType == "application/pdf"'

say "-- nominees announced; the jury"
ctl cycle announce --cycle=2016
expect_rc 0
expect_out "cycle 2016 (Bosettingsprisen 2016): nominees announced, data version [1-9]"
expect_eq "nominees listed" 6 "$(grep -c 'IMDi ' "$OUT")"
frozen_version="$(sed -n 's/.*nominees announced, data version \([0-9]*\).*/\1/p' "$OUT" | head -1)"

say "-- the nominees' announcement, from the record at data version $frozen_version"
record_ctl cycle announcement --cycle=2016 --kind=nominees --out="$WORK/nominees.md"
expect_rc 0
NOMINEES="$WORK/nominees.md"
cat "$NOMINEES" >&2
expect_in "$NOMINEES" "# De nominerte til Bosettingsprisen 2016 er klare"
expect_in "$NOMINEES" "Nominert er Arendal, Bergen, Bodø, Rælingen, Trondheim og Tynset."
expect_eq "nominee sections" 6 "$(grep -c '^### .* kommune$' "$NOMINEES")"
# One nominee per IMDi region: six sections, six regions.
expect_eq "regions of the nominees" 6 \
  "$(grep -A2 '^### ' "$NOMINEES" | grep -o 'IMDi \(Øst\|Indre Øst\|Sør\|Vest\|Midt-Norge\|Nord\)\*' | sort -u | wc -l)"
expect_in "$NOMINEES" "Én kommune fra hver av de seks IMDi-regionene er nominert."
expect_in "$NOMINEES" "Tidligere vinnere av prisen er Grimstad (2015), Drammen (2014), Hammerfest (2013), Molde (2012), Kragerø (2011), Kristiansand (2010), Levanger (2009) og Vadsø (2008)."
expect_in "$NOMINEES" "Det ble bosatt 15 291"
expect_in "$NOMINEES" "Av disse var 1 599"
expect_in "$NOMINEES" "- Kommuner som har gjort en ekstraordinær innsats for å bosette mange flyktninger i 2016"
expect_in "$NOMINEES" "- I tillegg: minst ett av disse kravene:"
expect_in "$NOMINEES" "I 2016 bosatte kommunen 627"
# Every note names its source and the frozen data version.
notes="$(grep -c '^\[^[0-9]*\]: ' "$NOMINEES")"
[ "$notes" -ge 7 ] || fail "the nominees' text has $notes source notes"
expect_eq "notes at another data version" 0 \
  "$(grep '^\[^[0-9]*\]: ' "$NOMINEES" | grep -vc "dataversjon $frozen_version" || true)"
expect_in "$NOMINEES" "Vedlegg: nominasjon-trondheim.pdf (3,0 MB)"
record_ctl nomination document download --cycle=2016 --nomination=Trondheim --sha256="$sha" --out="$WORK/downloaded.pdf"
expect_rc 0
cmp -s "$WORK/nominasjon-trondheim.pdf" "$WORK/downloaded.pdf" || fail "the document did not come back byte for byte"
record_ctl cycle export --cycle=2016
expect_rc 0
expect_json '[.[0].nominations[] | select(.municipalityName == "Trondheim")][0].fullText | startswith("# Trondheim kommune – nominasjon fra IMDi Midt-Norge")'
expect_json '[.[0].nominations[].fullText | length > 200] | all'
record_ctl cycle announcement --cycle=2016 --kind=winner
expect_rc 4
grep -q "WRONG_STATE" "$ERR" || fail "the winner's text before the decision is not refused as WRONG_STATE"
ctl cycle start-jury --cycle=2016 --output=json
expect_rc 0
expect_json '.[0].cycle.state == "CYCLE_STATE_JURY_DELIBERATION" and (.[0].candidates | length) == 6'
# Deciding now is refused: the service's reasons, read as one block.
ctl cycle decide --cycle=2016
expect_rc 4
grep -q "DecideWinner failed: FAILED_PRECONDITION: 11 assessed criteria await the jury's confirmation" "$ERR" ||
  fail "the refusal's status and message are not printed"
grep -q "^  reason: ASSESSMENTS_PENDING" "$ERR" || fail "the refusal's reason is not printed"
expect_eq "claims listed as preconditions" 11 "$(grep -c '^  precondition ASSESSMENT n[0-9]*/' "$ERR")"
ctl jury register --cycle=2016 "$DATA/jurors.csv"
expect_rc 0
expect_out "3 jurors registered"
ctl jury conflict --cycle=2016 --juror=juror-3 --nomination=Bergen --reason="employed by Bergen kommune"
expect_rc 0
expect_out "juror juror-3 is conflicted with"
ctl jury confirm --cycle=2016 "$DATA/assessments.csv"
expect_rc 0
expect_out "11 assessments recorded"
# The verdict after each nomination's last assessment: all six meet the rule.
expect_eq "nominees that meet the rule after the assessments" 6 \
  "$(awk -F '  +' 'NR > 1 && NF > 4 { last[$1] = $NF } END { for (n in last) if (last[n] == "met") m++; print m }' "$OUT")"

say "-- score sheets, one call each; a sheet with mistakes is refused whole, by line"
ctl jury scores --cycle=2016 --juror=chair "$DATA/scores-chair-with-mistakes.csv"
expect_rc 3
grep -q "scores-chair-with-mistakes.csv:3: score \"nine\" is not a number" "$ERR" ||
  fail "the bad score is not reported with its line"
grep -q "scores-chair-with-mistakes.csv:5: Trondheim is scored on settlement already, on line 2" "$ERR" ||
  fail "the repeated score is not reported with its line"
ctl jury scores --cycle=2016 --juror=chair "$DATA/scores-chair.csv"
expect_rc 0
expect_out "juror chair: 18 scores recorded, 0 still missing"
ctl jury scores --cycle=2016 --juror=juror-2 "$DATA/scores-juror-2.csv"
expect_rc 0
expect_out "juror juror-2: 18 scores recorded, 0 still missing"
ctl jury scores --cycle=2016 --juror=juror-3 --output=json "$DATA/scores-juror-3.csv"
expect_rc 0
expect_json '.[0].scoresRecorded == 15 and (.[0].scoresMissing // 0) == 0'

say "-- the dashboard, the decision, the winner"
ctl cycle status --cycle=2016
expect_rc 0
expect_out "Bosettingsprisen 2016 (cycle 2016): jury deliberation"
expect_out "Pending assessments: 0"
expect_out "DecideWinner -> .*: allowed"
ctl cycle decide --cycle=2016
expect_rc 0
expect_out "^1  *Trondheim "
expect_out "winner: Trondheim"
expect_eq "candidates ranked" 6 "$(grep -cE '^[1-6]  ' "$OUT")"

say "-- the jury's citation: figures by reference, claims checked"
record_ctl cycle cite --cycle=2016 "$DATA/citation-contradicted.txt"
expect_rc 4
grep -q "CITATION_CONTRADICTED" "$ERR" || fail "a contradicted claim is not refused as CITATION_CONTRADICTED"
grep -q "states 35.0 % (tolerance 2) but Trondheim (1601)'s refugees_settled in 2016 as a share of IMDi Midt-Norge is 23.2 % (627 of 2702, published total)" "$ERR" ||
  fail "the refusal does not give the computed share"
record_ctl cycle cite --cycle=2016 "$DATA/citation.txt"
expect_rc 0
expect_out "the jury's citation, 10 reasons, figures at data version $frozen_version"
expect_out "Trondheim (1601) refugees_settled 2016: 23.2 % (627 of 2702 in IMDi Midt-Norge, published total), stated 25 ± 2.5"
expect_out "Trondheim (1601) minors_settled 2016: 123, stated 123"
expect_out "Trondheim (1601) intro_to_work_or_education_pct 2016: 53.0 %, stated 53 ± 0.5"
record_ctl cycle announcement --cycle=2016 --kind=winner
expect_rc 0
grep -q "draft: the winner is not announced yet" "$ERR" || fail "the winner's text before AnnounceWinner is not a draft"
expect_out "Utkast"
ctl cycle announce-winner --cycle=2016 --output=json
expect_rc 0
expect_json '.[0].cycle.state == "CYCLE_STATE_WINNER_ANNOUNCED"'
expect_json '.[0].winner | .awardYear == 2016 and .municipalityName == "Trondheim" and .codeAtTheTime == "1601" and .announceDate == "2017-04-26"'

say "-- the winner's announcement, from the record"
record_ctl cycle announcement --cycle=2016 --kind=winner --out="$WORK/winner.md"
expect_rc 0
WINNER="$WORK/winner.md"
cat "$WINNER" >&2
expect_in "$WINNER" "# Trondheim vant Bosettingsprisen 2016"
grep -q "Utkast" "$WINNER" && fail "the announced winner's text is still a draft"
expect_in "$WINNER" "De andre nominerte kommunene var Arendal, Bergen, Bodø, Rælingen og Tynset."
expect_in "$WINNER" "bosetter om lag 25 % av alle flyktningene i regionen (23,2 % (627 av 2 702)"
expect_in "$WINNER" "Aldri har en kommune bosatt så mange enslige mindreårige på ett år: 123"
expect_in "$WINNER" "dataversjon $frozen_version"
expect_eq "the jury's reasons" 10 "$(grep -c '^- ' "$WINNER")"
record_ctl cycle announcement --cycle=2016 --kind=winner --format=html --out="$WORK/winner.html"
expect_rc 0
/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/check_announcement_html.py" "$WORK/winner.html" \
  "Trondheim vant Bosettingsprisen 2016" "23,2 % (627 av 2 702)" "123" "dataversjon $frozen_version" ||
  fail "the winner's HTML page does not pass the HTML parser's checks"
record_ctl cycle announcement --cycle=2016 --kind=nominees --format=html --out="$WORK/nominees.html"
expect_rc 0
/usr/bin/python3 "$(dirname "${BASH_SOURCE[0]}")/check_announcement_html.py" "$WORK/nominees.html" \
  "De nominerte til Bosettingsprisen 2016 er klare" "15 291" "Grimstad (2015)" "Vadsø (2008)" ||
  fail "the nominees' HTML page does not pass the HTML parser's checks"
ctl winners list
expect_rc 0
expect_out "^2015  *Grimstad"
tail -1 "$OUT" | grep -q "^2016  *Trondheim  *1601 " || fail "the last winner is not Trondheim 2016"
ctl audit list --cycle=2016 --output=json
expect_rc 0
expect_json '[.[0].events[].sequence | tonumber] as $s | $s == [range(1; ($s | length) + 1)]'
expect_json '.[0].events[0].action == "CreateCycle"'
expect_json '[.[0].events[] | select(.action == "SubmitNomination" and (.detail | startswith("nominated")))] | length == 6'
expect_json '[.[0].events[] | select(.actor != "imdi-admin")] | length == 0'
# The citation in the trail: the contradicted claim refused, then the
# citation with its figures and their data version.
expect_json '[.[0].events[] | select(.action == "RecordCitation")] | length == 2 and (.[0].detail | startswith("refused: CITATION_CONTRADICTED")) and (.[1].detail | contains("figures at data version '"$frozen_version"'")) and (.[1].detail | contains("= 23.2 % (627 of 2702, published total), stated 25.0 % ± 2.5"))'
ctl cycle archive --cycle=2016
expect_rc 0
expect_out "cycle 2016 (Bosettingsprisen 2016): archived"

say "-- the results as CSV: ranking, every juror's scores, verdicts with their data version"
ctl cycle results --cycle=2016 --format=csv
expect_rc 0
head -1 "$OUT" | grep -q '^cycle_id,section,nomination_id,municipality_code,municipality_name,rank,' ||
  fail "the results lack their header"
expect_eq "ranking rows" 6 "$(grep -c '^2016,ranking,' "$OUT")"
expect_out "^2016,ranking,n[0-9]*,5001,Trondheim,1,,,,9.416666666666666,,9.416666666666666,"
expect_out "^2016,ranking,n[0-9]*,4601,Bergen,2,,,,8.625,,8.625,"
expect_eq "score rows (18 + 18 + 15)" 51 "$(grep -c '^2016,score,' "$OUT")"
expect_out "^2016,score,n[0-9]*,5001,Trondheim,,chair,settlement,10,"
expect_out "^2016,score,n[0-9]*,5001,Trondheim,,chair,qualification,9,"
expect_eq "requirement rows, all met" 6 "$(grep -c '^2016,requirement,.*,met,[1-9][0-9]*,' "$OUT")"
frozen="$(grep '^2016,ranking,' "$OUT" | head -1 | cut -d, -f14)"
expect_eq "every verdict at the frozen data version" 0 \
  "$(grep '^2016,verdict,' "$OUT" | cut -d, -f14 | grep -cv "^$frozen\$" || true)"
grep -q "^2016,verdict,n[0-9]*,5001,Trondheim,,,region_share,,,,,met,$frozen," "$OUT" ||
  fail "Trondheim's region_share verdict is not met at data version $frozen"

say "-- $COMMANDS imdictl commands from an empty store to the archived cycle (at most $MAX_COMMANDS), and $RECORD_COMMANDS for its public record"
[ "$COMMANDS" -le "$MAX_COMMANDS" ] || fail "the replay took $COMMANDS commands"
finish
