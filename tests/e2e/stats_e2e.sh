#!/usr/bin/env bash
# End to end: the real stats-service binary on a free port with a fresh
# store, the bundled data imported with imdictl, queried with buf curl over
# server reflection (no proto files), restarted, and stopped with SIGTERM.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
S=imdi.stats.v1.StatsService

start_service stats "$WORK/stats.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$WORK/stats" --sync=false --insecure_dev
STATS_PID="$LAST_PID"
P="$PORT"

say "-- reflection and health"
services="$("$BUF" curl --protocol grpc --http2-prior-knowledge --list-services "http://127.0.0.1:$P")"
grep -qx "$S" <<<"$services" || fail "reflection does not list $S: $services"
grep -qx grpc.health.v1.Health <<<"$services" || fail "reflection does not list health"
expect_eq "health" SERVING "$(call "$P" grpc.health.v1.Health/Check | jq -r .status)"

say "-- load the bundled data with imdictl"
"$IMDICTL" load-municipalities --target="127.0.0.1:$P" >"$WORK/load.out" 2>&1 ||
  { cat "$WORK/load.out" >&2; fail "load-municipalities failed"; }
status=0
"$IMDICTL" import --target="127.0.0.1:$P" data/imdikator/*.csv \
  data/published/figures-2016-2017.csv >"$WORK/import.out" 2>"$WORK/import.err" || status=$?
# 1: rows were rejected. The follow-up file's county rows count persons with
# decimals ("192.15"); they must be reported with their lines. IMDi's export
# writes every year in the codes of its latest year (Harstad's 2012 figures
# under 1903, the code it got in 2013, are Harstad's), but the population and
# follow-up files give Harstad's 2014 population and 2012 cohort under 1901,
# its code until 2012: the service refuses those two records. Nothing else.
expect_eq "imdictl import exit status" 1 "$status"
expect_eq "rejected follow-up county records" 19 \
  "$(grep -c 'intro_status_arbutd.csv:[0-9]*: county .* "192.15" is not a whole number' "$WORK/import.out")"
expect_eq "Harstad 2014 under its old code refused (befolkning_alder.csv)" 1 \
  "$(grep -c 'befolkning_alder.csv:[0-9]*: municipality_code: code 1901 was not in use in 2014; Harstad had code 1903 then' "$WORK/import.out")"
expect_eq "Harstad's 2012 cohort under its old code refused (intro_status_arbutd.csv)" 1 \
  "$(grep -c 'intro_status_arbutd.csv:[0-9]*: municipality_code: code 1901 was not in use in 2013; Harstad had code 1903 then' "$WORK/import.out")"
expect_eq "records rejected by the service" 2 \
  "$(sed -n 's/.* \([0-9]*\) rejected by the service;.*/\1/p' "$WORK/import.out" | paste -sd+ | bc)"
expect_eq "files with rejected rows" 1 "$(grep -c ', [1-9][0-9]* rejected;' "$WORK/import.out")"
grep -q 'rows/s' "$WORK/import.err" || fail "import shows no progress with rows per second"

say "-- real values"
arendal="$(call "$P" $S/GetFigures '{"municipality_code":"0906","year":2014}')"
expect_eq "Arendal 2014 requested" 95 "$(jq .figures.refugeesRequested <<<"$arendal")"
expect_eq "Arendal 2014 decided" 95 "$(jq .figures.refugeesDecided <<<"$arendal")"
expect_eq "Arendal 2014 settled" 85 "$(jq .figures.refugeesSettled <<<"$arendal")"
expect_eq "Arendal's code in 2014" '"0906"' "$(jq .figures.codeAtTheTime <<<"$arendal")"
arendal_new="$(call "$P" $S/GetFigures '{"municipality_code":"4203","year":2014}')"
expect_eq "4203 and 0906 reach the same figures" "$(jq -c .figures <<<"$arendal")" \
  "$(jq -c .figures <<<"$arendal_new")"
t_old="$(call "$P" $S/GetFigures '{"municipality_code":"1601","year":2014}' | jq -c .figures)"
t_new="$(call "$P" $S/GetFigures '{"municipality_code":"5001","year":2014}' | jq -c .figures)"
expect_eq "1601 and 5001 reach Trondheim's 2014 figures" "$t_old" "$t_new"
expect_eq "Trondheim's name in 2014" '"Trondheim"' "$(jq .municipalityName <<<"$t_old")"

lavangen="$(call "$P" $S/GetFigures '{"municipality_code":"1920","year":2012}')"
expect_eq "Lavangen 2012 decided is absent" false "$(jq '.figures | has("refugeesDecided")' <<<"$lavangen")"
expect_eq "Lavangen 2012 requested is a real 0" 0 "$(jq .figures.refugeesRequested <<<"$lavangen")"
expect_eq "Lavangen's name in 2012" '"Lavangen"' "$(jq .figures.municipalityName <<<"$lavangen")"
expect_eq "Lavangen's name now" '"Loabák - Lavangen"' "$(jq .figures.currentName <<<"$lavangen")"

kinn2014="$(call "$P" $S/GetFigures '{"municipality_code":"4602","year":2014,"harmonise":true}')"
expect_eq "Kinn 2014 harmonised: Flora 45 + Vågsøy 6 settled" 51 "$(jq .figures.refugeesSettled <<<"$kinn2014")"
expect_eq "Kinn 2014 parts" '["1401","1439"]' "$(jq -c '[.figures.harmonisedParts[].codeAtTheTime]' <<<"$kinn2014")"

national="$(call "$P" $S/GetAggregate '{"area":{"kind":"AREA_KIND_COUNTRY"},"year":2014}')"
expect_eq "municipalities in 2014" 428 "$(jq .municipalityCount <<<"$national")"
expect_eq "national settled 2014, summed" '"7719"' "$(jq .refugeesSettled.sum <<<"$national")"
expect_eq "national settled 2014, published" '"7784"' "$(jq .refugeesSettled.published <<<"$national")"
expect_eq "national settled 2014, unknown municipality" '"65"' \
  "$(jq .refugeesSettled.unknownMunicipality <<<"$national")"
expect_eq "national settled 2014, unexplained" '"0"' "$(jq .refugeesSettled.unexplained <<<"$national")"
midt="$(call "$P" $S/GetAggregate '{"area":{"kind":"AREA_KIND_IMDI_REGION","imdiRegion":"IMDI_REGION_MIDT_NORGE"},"year":2016}')"
expect_eq "IMDi Midt-Norge settled 2016, published" '"2702"' "$(jq .refugeesSettled.published <<<"$midt")"
expect_eq "IMDi Midt-Norge settled 2016, known for Trondheim only" '"627"' "$(jq .refugeesSettled.sum <<<"$midt")"

kinn="$(call "$P" $S/GetMunicipality '{"code":"4602"}')"
expect_eq "Kinn's predecessors" '["Flora","Vågsøy"]' "$(jq -c '[.municipality.predecessors[].name]' <<<"$kinn")"

say "-- re-import writes nothing new"
version="$(call "$P" $S/GetDataVersion | jq -r .dataVersion)"
"$IMDICTL" import --target="127.0.0.1:$P" data/imdikator/bosetting.csv >"$WORK/reimport.out" 2>/dev/null ||
  fail "re-import failed: $(cat "$WORK/reimport.out")"
grep -q ' 0 changed' "$WORK/reimport.out" || fail "re-import changed records: $(cat "$WORK/reimport.out")"
expect_eq "data version after re-import" "$version" "$(call "$P" $S/GetDataVersion | jq -r .dataVersion)"

say "-- a file with a row that is not UTF-8 and a row too long to be real"
# A Latin-1 byte once made the service drop the rest of the stream while
# imdictl reported success; both rows now reject their records, with lines.
{
  echo "code_2016,name,year,measure,value,note,source"
  echo "0301,Oslo,2019,refugees_decided,100,,e2e"
  printf '0301,Oslo,2019,refugees_settled,90,,e2e \xd8\n'
  echo "1201,Bergen,2020,refugees_decided,200,,e2e"
  printf '1804,Bod\xc3\xb8,2020,refugees_decided,50,%s,e2e\n' "$(head -c 100000 /dev/zero | tr '\0' n)"
  echo "1601,Trondheim,2020,refugees_decided,300,,e2e"
} >"$WORK/mixed.csv"
status=0
"$IMDICTL" import --target="127.0.0.1:$P" "$WORK/mixed.csv" >"$WORK/mixed.out" 2>&1 || status=$?
expect_eq "imdictl import of mixed.csv exit status" 1 "$status"
grep -q 'mixed.csv:2: municipality 0301 2019 not imported: line 3: column source: byte 5 is not UTF-8' "$WORK/mixed.out" ||
  fail "the row that is not UTF-8 is not reported with its line: $(cat "$WORK/mixed.out")"
grep -q 'mixed.csv:5: municipality 1804 2020 not imported: line 5: the row is longer than 65536 bytes' "$WORK/mixed.out" ||
  fail "the oversized row is not reported with its line: $(cat "$WORK/mixed.out")"
grep -q 'mixed.csv: 5 rows: 2 accepted, 0 without a value, 0 skipped, 3 rejected; 2 records sent: 2 changed, 0 unchanged, 0 rejected by the service; 2 records not imported because of a bad row;' "$WORK/mixed.out" ||
  fail "mixed.csv summary: $(cat "$WORK/mixed.out")"
expect_eq "Bergen 2020 imported" 200 \
  "$(call "$P" $S/GetFigures '{"municipality_code":"4601","year":2020}' | jq .figures.refugeesDecided)"
expect_eq "Trondheim 2020 imported" 300 \
  "$(call "$P" $S/GetFigures '{"municipality_code":"5001","year":2020}' | jq .figures.refugeesDecided)"
expect_code "$P" $S/GetFigures '{"municipality_code":"0301","year":2019}' 5
expect_code "$P" $S/GetFigures '{"municipality_code":"1804","year":2020}' 5
version="$(call "$P" $S/GetDataVersion | jq -r .dataVersion)"

say "-- errors"
expect_code "$P" $S/GetFigures '{"municipality_code":"09x6","year":2014}' 3
expect_eq "field of the violation" municipality_code \
  "$(jq -r '.details[] | select(.type=="google.rpc.BadRequest") | .value' "$WORK/last_error" | base64 -d 2>/dev/null | tr -d '\n' | grep -o municipality_code | head -1)"
expect_code "$P" $S/GetFigures '{"municipality_code":"0999","year":2014}' 5
expect_code "$P" $S/GetFigures '{"municipality_code":"0906","year":1850}' 3
expect_code "$P" $S/ListFigures '{"filter":"kommune = 1"}' 3
etag="$(jq -r .figures.etag <<<"$arendal")"
call "$P" $S/PutFigures "{\"figures\":{\"municipality_code\":\"0906\",\"year\":2014,\"refugees_settled\":86,\"etag\":\"$etag\"},\"update_mask\":\"refugeesSettled\"}" >/dev/null ||
  fail "PutFigures with the current etag failed: $(cat "$WORK/last_error")"
expect_code "$P" $S/PutFigures "{\"figures\":{\"municipality_code\":\"0906\",\"year\":2014,\"refugees_settled\":87,\"etag\":\"$etag\"},\"update_mask\":\"refugeesSettled\"}" 10
expect_eq "settled after the refused write" 86 \
  "$(call "$P" $S/GetFigures '{"municipality_code":"0906","year":2014}' | jq .figures.refugeesSettled)"
version_before_put="$(jq -r .figures.dataVersion <<<"$arendal")"
expect_eq "as-of read returns the old revision" 85 \
  "$(call "$P" $S/GetFigures "{\"municipality_code\":\"0906\",\"year\":2014,\"as_of_version\":$version_before_put}" | jq .figures.refugeesSettled)"

say "-- graceful shutdown and restart keep the data"
stop_service "$STATS_PID"
grep -q "shutting down" "$WORK/stats.log" || fail "no shutdown line in the log"
start_service stats "$WORK/stats2.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$WORK/stats" --sync=false --insecure_dev
P="$PORT"
expect_eq "data version after restart" "$((version + 1))" "$(call "$P" $S/GetDataVersion | jq -r .dataVersion)"
expect_eq "Arendal after restart" 86 \
  "$(call "$P" $S/GetFigures '{"municipality_code":"4203","year":2014}' | jq .figures.refugeesSettled)"
grep -q '\[[0-9a-f]\{16\}\] GetFigures OK' "$WORK/stats.log" || fail "calls are not logged with a request id"
stop_service "$LAST_PID"

finish
