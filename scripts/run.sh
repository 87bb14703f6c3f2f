#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the embedded
# default: stats-service and award-service on localhost with their RocksDB
# stores under .imdi-data/, the bundled data (municipalities, IMDi statistics
# 2012-2014, published figures 2016-2017) loaded into the statistics service,
# and the 2016 award cycle and the winners history 2008-2023 loaded into the
# award service, ready for grpcurl or buf curl. Ctrl-C stops both gracefully.
# Running it again reuses the stores and changes nothing.
#
#   scripts/run.sh
#
# Both run with --insecure_dev: plaintext on localhost and no credentials,
# which they log loudly. deploy/ and the README's "Security" section show the
# production configuration (TLS, tokens, roles).
#
# Environment: STATS_LISTEN (default 127.0.0.1:50051), AWARD_LISTEN (default
# 127.0.0.1:50052), DATA_ROOT (default .imdi-data under the checkout).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_and_build

STATS_LISTEN="${STATS_LISTEN:-127.0.0.1:50051}"
AWARD_LISTEN="${AWARD_LISTEN:-127.0.0.1:50052}"
DATA_ROOT="${DATA_ROOT:-$ROOT/.imdi-data}"
mkdir -p "$DATA_ROOT"
IMDICTL="$BUILD_DIR/tools/imdictl"

pids=()
stop() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 0' INT TERM

log "starting stats-service on $STATS_LISTEN (data in $DATA_ROOT/stats)"
"$BUILD_DIR/stats-service/stats-service" --listen="$STATS_LISTEN" \
  --data_dir="$DATA_ROOT/stats" --insecure_dev 2>>"$DATA_ROOT/stats-service.log" &
pids+=($!)

for _ in $(seq 1 100); do
  "$IMDICTL" data-version --target="$STATS_LISTEN" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { log "stats-service did not start; see $DATA_ROOT/stats-service.log"; exit 1; }
  sleep 0.1
done

cd "$ROOT"
log "loading municipalities (Statistics Norway code history, IMDi regions)"
"$IMDICTL" load-municipalities --target="$STATS_LISTEN"
log "importing the bundled figures"
# Exit status 1 means some rows were rejected (listed above); the bundled
# follow-up file has county rows with fractional person counts.
"$IMDICTL" import --target="$STATS_LISTEN" data/imdikator/*.csv \
  data/published/figures-2016-2017.csv || [ $? -eq 1 ]

log "starting award-service on $AWARD_LISTEN (data in $DATA_ROOT/award)"
"$BUILD_DIR/award-service/award-service" --listen="$AWARD_LISTEN" \
  --data_dir="$DATA_ROOT/award" --stats_target="$STATS_LISTEN" \
  --comparables=data/regions/similarMunicipalities.json --insecure_dev 2>>"$DATA_ROOT/award-service.log" &
pids+=($!)
for _ in $(seq 1 100); do
  "$IMDICTL" load-winners --award_target="$AWARD_LISTEN" --timeout_seconds=2 \
    data/published/award-history.csv >"$DATA_ROOT/winners.out" 2>&1 && break
  kill -0 "${pids[1]}" 2>/dev/null || { log "award-service did not start; see $DATA_ROOT/award-service.log"; exit 1; }
  sleep 0.1
done
log "winners history: $(cat "$DATA_ROOT/winners.out")"
log "creating the 2016 cycle from data/award/bosettingsprisen-2016.json"
"$IMDICTL" create-cycle --award_target="$AWARD_LISTEN" --cycle_id=2016 \
  data/award/bosettingsprisen-2016.json

A="http://$AWARD_LISTEN/imdi.award.v1.AwardService"
cat <<TXT

stats-service is serving on $STATS_LISTEN (log: $DATA_ROOT/stats-service.log),
award-service on $AWARD_LISTEN (log: $DATA_ROOT/award-service.log).
With buf (tools/node/node_modules/.bin/buf) or grpcurl -plaintext:

  buf curl --protocol grpc --http2-prior-knowledge --list-methods http://$AWARD_LISTEN
  buf curl --protocol grpc --http2-prior-knowledge \\
    http://$STATS_LISTEN/imdi.stats.v1.StatsService/GetFigures \\
    -d '{"municipality_code": "0906", "year": 2014}'
  grpcurl -plaintext -d '{"area": {"kind": "AREA_KIND_COUNTRY"}, "year": 2014}' \\
    $STATS_LISTEN imdi.stats.v1.StatsService/GetAggregate

Drive the 2016 cycle (Bosettingsprisen 2016); the whole replay, with every
request, is tests/e2e/scenarios/award_2016.scenario:

  buf curl --protocol grpc --http2-prior-knowledge $A/EvaluateMunicipality \\
    -d '{"cycle_id": "2016", "municipality_code": "1601"}'
  buf curl --protocol grpc --http2-prior-knowledge $A/OpenNominations \\
    -d '{"cycle_id": "2016", "request_id": "open-2016"}'
  buf curl --protocol grpc --http2-prior-knowledge -H 'x-actor: imdi-midt-norge' \\
    $A/SubmitNomination -d '{"cycle_id": "2016", "municipality_code": "1601",
      "nominator": {"kind": "NOMINATOR_KIND_REGIONAL_OFFICE", "imdi_region": "IMDI_REGION_MIDT_NORGE"},
      "justification": "High and stable settlement over many years.",
      "claims": [{"criterion": "creative_housing",
                  "justification": "Housing adapted to each person, in every district of the city."}],
      "request_id": "nominate-trondheim"}'
  buf curl --protocol grpc --http2-prior-knowledge $A/ScreenMunicipalities \\
    -d '{"cycle_id": "2016", "imdi_region": "IMDI_REGION_MIDT_NORGE", "eligible_only": true}'
  grpcurl -plaintext -d '{"cycle_id": "2016"}' $AWARD_LISTEN imdi.award.v1.AwardService/ListAuditEvents
  grpcurl -plaintext $AWARD_LISTEN imdi.award.v1.AwardService/ListWinners

Press Ctrl-C to stop.
TXT
wait -n "${pids[@]}"
