#!/usr/bin/env bash
# End to end: the real stats-service and award-service binaries on free
# ports with fresh stores, the bundled data loaded with imdictl, and the
# award scenarios (tests/e2e/scenarios/) driven with buf curl over server
# reflection: the 2016 prize replayed, the 2015 rule against the 2016 rule,
# refusals, a restart mid-cycle, and the statistics service going away.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/scenario.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
A=imdi.award.v1.AwardService
SCENARIOS="$(dirname "${BASH_SOURCE[0]}")/scenarios"

start_stats() {
  "$BUILD_DIR/stats-service/stats-service" --listen="127.0.0.1:$STATS_PORT" \
    --data_dir="$WORK/stats" --sync=false --insecure_dev 2>>"$WORK/stats.log" &
  STATS_PID=$!
  PIDS+=("$STATS_PID")
  for _ in $(seq 1 100); do
    "$IMDICTL" data-version --target="127.0.0.1:$STATS_PORT" --timeout_seconds=1 \
      >/dev/null 2>&1 && return
    sleep 0.1
  done
  say "stats-service did not come back"; exit 1
}

# wait_health PORT STATUS: the award service's health reaches STATUS.
wait_health() {
  local got=""
  for _ in $(seq 1 100); do
    got="$(call "$1" grpc.health.v1.Health/Check '{"service":"imdi.award.v1.AwardService"}' \
      | jq -r .status 2>/dev/null || true)"
    [ "$got" = "$2" ] && break
    sleep 0.1
  done
  expect_eq "award-service health" "$2" "$got"
}

start_award() {
  start_service award "$WORK/award.log" "$BUILD_DIR/award-service/award-service" \
    --data_dir="$WORK/award" --sync=false --insecure_dev --stats_target="127.0.0.1:$STATS_PORT" \
    --comparables=data/regions/similarMunicipalities.json --health_interval_ms=100 \
    --stats_attempts=2 --stats_deadline_ms=1000
  AWARD_PID="$LAST_PID"
  AP="$PORT"
  SCENARIO_PORT="$AP"
  wait_health "$AP" SERVING
}

restart_award() {
  say "-- restarting award-service"
  stop_service "$AWARD_PID"
  start_award
}

say "-- stats-service with the bundled data"
start_service stats "$WORK/stats.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$WORK/stats" --sync=false --insecure_dev
STATS_PID="$LAST_PID"
STATS_PORT="$PORT"
scripts/load-stats-data.sh "$IMDICTL" "127.0.0.1:$STATS_PORT" >"$WORK/load.out" 2>&1 ||
  { cat "$WORK/load.out" >&2; fail "loading the bundled data failed"; exit 1; }

say "-- award-service: reflection and health"
start_award
services="$("$BUF" curl --protocol grpc --http2-prior-knowledge --list-services "http://127.0.0.1:$AP")"
grep -qx "$A" <<<"$services" || fail "reflection does not list $A: $services"

say "-- the 2016 cycle and the winners up to 2015, with imdictl"
"$IMDICTL" create-cycle --award_target="127.0.0.1:$AP" --cycle_id=2016 \
  data/award/bosettingsprisen-2016.json >"$WORK/create.out" 2>&1 ||
  { cat "$WORK/create.out" >&2; fail "create-cycle failed"; }
"$IMDICTL" create-cycle --award_target="127.0.0.1:$AP" --cycle_id=2016 \
  data/award/bosettingsprisen-2016.json >"$WORK/create-again.out" 2>&1 ||
  fail "create-cycle again with the same file is not idempotent: $(cat "$WORK/create-again.out")"
expect_eq "create-cycle twice answers the same" "$(cat "$WORK/create.out")" "$(cat "$WORK/create-again.out")"
for config in data/award/bosettingsprisen-2015.json data/award/bosettingsprisen-2021.json; do
  "$IMDICTL" create-cycle --award_target="127.0.0.1:$AP" --cycle_id="$(basename "$config" .json)" \
    "$config" >>"$WORK/create.out" 2>&1 || fail "create-cycle $config: $(cat "$WORK/create.out")"
done
"$IMDICTL" load-winners --award_target="127.0.0.1:$AP" --to_year=2015 \
  data/published/award-history.csv >"$WORK/winners.out" 2>&1 || fail "load-winners failed"
expect_eq "winners up to 2015" "winners: 8 read, 8 added, 0 already recorded" "$(cat "$WORK/winners.out")"

say "-- scenario: the 2015 rule against the 2016 rule on the 2014 figures"
run_scenario "$SCENARIOS/award_2015_vs_2016.scenario"
say "-- scenario: the 2016 prize"
run_scenario "$SCENARIOS/award_2016.scenario"
say "-- scenario: the 2015 and 2016 cycles on the real figures of their years"
run_scenario "$SCENARIOS/award_real_data.scenario"

say "-- the rest of the history: 2016 is already recorded by the cycle"
"$IMDICTL" load-winners --award_target="127.0.0.1:$AP" data/published/award-history.csv \
  >"$WORK/winners.out" 2>&1 || fail "load-winners (all) failed: $(cat "$WORK/winners.out")"
expect_eq "all winners" "winners: 14 read, 5 added, 9 already recorded" "$(cat "$WORK/winners.out")"
winners="$(call "$AP" $A/ListWinners '{}')"
expect_eq "winner years" "[2008,2009,2010,2011,2012,2013,2014,2015,2016,2018,2019,2021,2022,2023]" \
  "$(jq -c '[.winners[].awardYear]' <<<"$winners")"
expect_eq "the 2016 entry stays the cycle's" '"2016"' \
  "$(jq '.winners[] | select(.awardYear == 2016) | .cycleId' <<<"$winners")"
expect_eq "the last winner" '"Tønsberg"' "$(jq '.winners[-1].municipalityName' <<<"$winners")"

say "-- the statistics service goes away mid-cycle"
call "$AP" $A/CreateCycle "{\"cycleId\":\"outage\",\"config\":$(jq -c . data/award/bosettingsprisen-2016.json)}" >/dev/null ||
  fail "CreateCycle outage: $(cat "$WORK/last_error")"
call "$AP" $A/OpenNominations '{"cycleId":"outage"}' >/dev/null || fail "OpenNominations outage"
stop_service "$STATS_PID"
wait_health "$AP" NOT_SERVING
SCENARIO_PORT="$AP"
nominate='{"cycleId":"outage","municipalityCode":"1601","nominator":{"kind":"NOMINATOR_KIND_REGIONAL_OFFICE","imdiRegion":"IMDI_REGION_MIDT_NORGE"},"justification":"Nominated while the statistics service is down.","requestId":"outage-1"}'
status=0
scenario_call "$AP" SubmitNomination "$nominate" >/dev/null || status=$?
expect_eq "SubmitNomination without the statistics service: UNAVAILABLE" 112 "$status"
expect_eq "reason" STATS_UNAVAILABLE "$(last_error_reason)"
grep -q "statistics service is unreachable" "$WORK/last_error" || fail "no clear message: $(cat "$WORK/last_error")"
expect_eq "nothing half-written" 0 \
  "$(call "$AP" $A/ListNominations '{"cycleId":"outage"}' | jq '.nominations // [] | length')"
expect_eq "reads of the award store still work" '"CYCLE_STATE_NOMINATIONS_OPEN"' \
  "$(call "$AP" $A/GetCycle '{"cycleId":"outage"}' | jq .cycle.state)"
start_stats
wait_health "$AP" SERVING
expect_eq "the same request, once the statistics service is back" '"Trondheim"' \
  "$(scenario_call "$AP" SubmitNomination "$nominate" | jq .nomination.municipalityName)"

say "-- SIGTERM"
stop_service "$AWARD_PID"
stop_service "$STATS_PID"
finish
