#!/usr/bin/env bash
# End to end: the real 2015-2016 files imported with imdictl as the main job
# does (the 2016 snapshots each as of the date in its name), read back with
# buf curl over reflection: one municipality's 2016 decision read on both
# sides of its change, another's cleared by the snapshots that leave it
# empty, their revision histories with both times, where each value came
# from, the 2015 national reconciliation, and the snapshots imported out of
# order into a second store giving the same answers.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
S=imdi.stats.v1.StatsService
SNAPSHOTS=(data/imdikator-2015-2016/snapshots-2016/*.csv)

# start_store NAME: a stats-service on a fresh store with the municipalities.
start_store() {
  start_service "$1" "$WORK/$1.log" "$BUILD_DIR/stats-service/stats-service" \
    --data_dir="$WORK/$1" --sync=false --insecure_dev
  "$IMDICTL" load-municipalities --target="127.0.0.1:$PORT" >"$WORK/$1.load" 2>&1 ||
    { cat "$WORK/$1.load" >&2; fail "load-municipalities failed"; exit 1; }
}

# import PORT ARGS...: imdictl import; every row of these files is imported.
import() {
  local port="$1"
  shift
  "$IMDICTL" import --target="127.0.0.1:$port" "$@" >"$WORK/import.out" 2>"$WORK/import.err" ||
    { cat "$WORK/import.out" >&2; fail "imdictl import $* failed"; }
}

# decided PORT KNOWN_DATE: Stavanger's 2016 decision as known on that date.
decided() {
  call "$1" $S/GetFigures \
    "{\"municipality_code\":\"1103\",\"year\":2016,\"as_of_known_date\":\"$2\"}" |
    jq -r '.figures.refugeesDecided // "absent"'
}

say "-- the 2015 figures and the eight 2016 snapshots, in date order"
start_store ordered
P="$PORT"
import "$P" data/imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv
import "$P" --known_date_from_name "${SNAPSHOTS[@]}"
grep -q 'rows/s' "$WORK/import.err" || fail "import shows no progress with rows per second"

say "-- Stavanger's 2016 decision: 364 until the council's new decision, 370 from 2016-03-01"
expect_code "$P" $S/GetFigures \
  '{"municipality_code":"1103","year":2016,"as_of_known_date":"2016-01-25"}' 5
expect_eq "known on 2016-02-18" 364 "$(decided "$P" 2016-02-18)"
expect_eq "known on 2016-02-29" 364 "$(decided "$P" 2016-02-29)"
expect_eq "known on 2016-03-01" 370 "$(decided "$P" 2016-03-01)"
expect_eq "known now" 370 "$(decided "$P" "")"

history="$(call "$P" $S/GetFiguresHistory '{"municipality_code":"1103","year":2016}')"
expect_eq "revisions of Stavanger 2016 (a snapshot that changes nothing writes nothing)" 2 \
  "$(jq '.revisions | length' <<<"$history")"
expect_eq "their known dates" '["2016-01-26","2016-03-01"]' \
  "$(jq -c '[.revisions[].knownDate]' <<<"$history")"
expect_eq "their decisions" '[364,370]' "$(jq -c '[.revisions[].refugeesDecided]' <<<"$history")"
expect_eq "each with its own data version, ascending" true \
  "$(jq '[.revisions[].dataVersion | tonumber] | (.[0] < .[1])' <<<"$history")"
expect_eq "each with its update time" 2 "$(jq '[.revisions[].updateTime | select(. != null)] | length' <<<"$history")"

say "-- Krødsherad's 2016 decision: 0, then not known from 2016-02-12, then 15 from 2016-03-08"
# Each snapshot states every count on every row: a value it leaves empty was
# not known on its date, which is not 0.
decided_0622() {
  call "$1" $S/GetFigures \
    "{\"municipality_code\":\"0622\",\"year\":2016,\"as_of_known_date\":\"$2\"}" |
    jq -r '.figures.refugeesDecided // "absent"'
}
expect_eq "known on 2016-02-02" 0 "$(decided_0622 "$P" 2016-02-02)"
expect_eq "known on 2016-02-12 (empty in that snapshot)" absent "$(decided_0622 "$P" 2016-02-12)"
expect_eq "known on 2016-03-01 (still empty)" absent "$(decided_0622 "$P" 2016-03-01)"
expect_eq "known on 2016-03-08" 15 "$(decided_0622 "$P" 2016-03-08)"
history_0622="$(call "$P" $S/GetFiguresHistory '{"municipality_code":"0622","year":2016}')"
expect_eq "Krødsherad 2016: a revision for each change, the clearing one included" \
  '["2016-01-26","2016-02-12","2016-03-08"]' "$(jq -c '[.revisions[].knownDate]' <<<"$history_0622")"
expect_eq "their decisions" '[0,"absent",15]' \
  "$(jq -c '[.revisions[] | .refugeesDecided // "absent"]' <<<"$history_0622")"

say "-- where each value came from"
sourced="$(call "$P" $S/GetFigures '{"municipality_code":"1103","year":2016,"include_field_sources":true}')"
expect_eq "decided 370 came from the 2016-03-01 snapshot" \
  '"bosatt_anmodede-kommune-2016-160301.csv"' \
  "$(jq '.figures.fieldSources.refugees_decided.source | split("/") | last' <<<"$sourced")"
expect_eq "on its line" "$(grep -n '^1103;2016' data/imdikator-2015-2016/snapshots-2016/*160301.csv | cut -d: -f1)" \
  "$(jq -r '.figures.fieldSources.refugees_decided.line' <<<"$sourced")"
expect_eq "known on" '"2016-03-01"' "$(jq '.figures.fieldSources.refugees_decided.knownDate' <<<"$sourced")"
expect_eq "requested 370 still names the first snapshot that stated it" \
  '"bosatt_anmodede-kommune-2015_2016-160126.csv"' \
  "$(jq '.figures.fieldSources.refugees_requested.source | split("/") | last' <<<"$sourced")"

say "-- 2015: every municipality, and the unknown municipality"
national="$(call "$P" $S/GetAggregate '{"area":{"kind":"AREA_KIND_COUNTRY"},"year":2015}')"
expect_eq "2015 settled, summed over municipalities" '"11268"' "$(jq .refugeesSettled.sum <<<"$national")"
expect_eq "2015 settled in an unknown municipality (9999)" '"74"' \
  "$(jq .refugeesSettled.unknownMunicipality <<<"$national")"
reconciliation="$(jq -r .refugeesSettled.reconciliation <<<"$national")"
[[ "$reconciliation" == *11268*74* ]] || fail "the reconciliation does not name both parts: $reconciliation"
grimstad="$(call "$P" $S/GetFigures '{"municipality_code":"0904","year":2015}')"
expect_eq "Grimstad 2015 requested, decided, settled" '[45,71,69]' \
  "$(jq -c '[.figures.refugeesRequested, .figures.refugeesDecided, .figures.refugeesSettled]' <<<"$grimstad")"

say "-- the same snapshots imported newest first: the same answers by known date"
start_store reversed
R="$PORT"
for ((i = ${#SNAPSHOTS[@]} - 1; i >= 0; i--)); do
  import "$R" --known_date_from_name "${SNAPSHOTS[$i]}"
done
for date in 2016-02-18 2016-03-01 ""; do
  expect_eq "Stavanger decided known on '${date:-now}', imported newest first" \
    "$(decided "$P" "$date")" "$(decided "$R" "$date")"
done
for date in 2016-02-02 2016-02-12 2016-03-08; do
  expect_eq "Krødsherad decided known on $date, imported newest first" \
    "$(decided_0622 "$P" "$date")" "$(decided_0622 "$R" "$date")"
done
expect_eq "the whole country's 2016 decisions known on 2016-02-12, either order" \
  "$(call "$P" $S/GetAggregate '{"area":{"kind":"AREA_KIND_COUNTRY"},"year":2016,"as_of_known_date":"2016-02-12"}' | jq .refugeesDecided.sum)" \
  "$(call "$R" $S/GetAggregate '{"area":{"kind":"AREA_KIND_COUNTRY"},"year":2016,"as_of_known_date":"2016-02-12"}' | jq .refugeesDecided.sum)"

say "-- a known date in the future is refused"
expect_code "$P" $S/GetFigures '{"municipality_code":"1103","year":2016,"as_of_known_date":"2999-01-01"}' 3
status=0
"$IMDICTL" import --target="127.0.0.1:$P" --known_date=2999-01-01 \
  data/imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv >"$WORK/future.out" 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "an import known in 2999 was accepted"

finish
