#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the embedded
# default: stats-service on localhost with its RocksDB store under
# .imdi-data/, the bundled data (municipalities, IMDi statistics 2012-2014,
# published figures 2016-2017) loaded, ready for grpcurl or buf curl.
# Ctrl-C stops the services gracefully.
#
#   scripts/run.sh
#
# Environment: STATS_LISTEN (default 127.0.0.1:50051), DATA_ROOT (default
# .imdi-data under the checkout).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
setup_and_build

STATS_LISTEN="${STATS_LISTEN:-127.0.0.1:50051}"
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
  --data_dir="$DATA_ROOT/stats" 2>>"$DATA_ROOT/stats-service.log" &
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

cat <<TXT

stats-service is serving on $STATS_LISTEN (log: $DATA_ROOT/stats-service.log).
Try, with buf (tools/node/node_modules/.bin/buf) or grpcurl -plaintext:

  buf curl --protocol grpc --http2-prior-knowledge --list-methods http://$STATS_LISTEN
  buf curl --protocol grpc --http2-prior-knowledge \\
    http://$STATS_LISTEN/imdi.stats.v1.StatsService/GetFigures \\
    -d '{"municipality_code": "0906", "year": 2014}'
  buf curl --protocol grpc --http2-prior-knowledge \\
    http://$STATS_LISTEN/imdi.stats.v1.StatsService/GetAggregate \\
    -d '{"area": {"kind": "AREA_KIND_COUNTRY"}, "year": 2014}'
  grpcurl -plaintext -d '{"municipality_code": "5001", "year": 2014}' \\
    $STATS_LISTEN imdi.stats.v1.StatsService/GetFigures

Press Ctrl-C to stop.
TXT
wait "${pids[0]}"
