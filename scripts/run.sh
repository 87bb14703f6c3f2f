#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job on the embedded
# default: stats-service and award-service on localhost with their RocksDB
# stores under .imdi-data/, the bundled data (municipalities, IMDi statistics
# 2012-2014, published figures 2016-2017, IMDi's 2015 figures and the 2016
# snapshots with their dates) loaded into the statistics service,
# and the 2016 award cycle and the winners history 2008-2023 loaded into the
# award service. Fills bin/ with imdictl and buf and prints commands to try.
# Ctrl-C, or SIGINT or SIGTERM to this script (also when it runs in the
# background, `scripts/run.sh &`), stops both services gracefully.
# Running it again reuses the stores and changes nothing.
#
#   scripts/run.sh
#
# Both run with --insecure_dev: plaintext on localhost and no credentials,
# which they log loudly. deploy/ and the README's "Security" section show the
# production configuration (TLS, tokens, roles).
#
# Environment: STATS_LISTEN (default 127.0.0.1:50051), AWARD_LISTEN (default
# 127.0.0.1:50052; port 0 in either picks a free port), DATA_ROOT (default
# .imdi-data under the checkout), BIN_DIR (default bin under the checkout),
# SKIP_BUILD=1 to use the binaries already in BUILD_DIR and the buf at BUF
# (the tests do) instead of installing and building.
set -euo pipefail

# A background job of a non-interactive shell starts with SIGINT ignored,
# and bash silently refuses to trap a signal that was ignored when it
# started: the `trap ... INT` below would do nothing and `kill -INT` would
# leave everything running. Start again with SIGINT at its default. (The
# services themselves are stopped with SIGTERM, which nothing ignores.)
if [ -n "$(trap -p INT)" ]; then
  exec env --default-signal=INT bash "${BASH_SOURCE[0]}" "$@"
fi

source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ "${SKIP_BUILD:-0}" = 1 ]; then
  [ -x "$BUF" ] || { log "buf not found: $BUF"; exit 1; }
else
  setup_and_build
fi

STATS_LISTEN="${STATS_LISTEN:-127.0.0.1:50051}"
AWARD_LISTEN="${AWARD_LISTEN:-127.0.0.1:50052}"
DATA_ROOT="${DATA_ROOT:-$ROOT/.imdi-data}"
BIN_DIR="${BIN_DIR:-$ROOT/bin}"
mkdir -p "$DATA_ROOT" "$BIN_DIR"
DATA_ROOT="$(cd "$DATA_ROOT" && pwd)"
BIN_DIR="$(cd "$BIN_DIR" && pwd)"
IMDICTL="$BUILD_DIR/tools/imdictl"
for tool in "$IMDICTL" "$BUILD_DIR/stats-service/stats-service" "$BUILD_DIR/award-service/award-service"; do
  [ -x "$tool" ] || { log "not built: $tool"; exit 1; }
done

# bin/ (not in git): the client tools under short, stable names.
ln -sfn "$IMDICTL" "$BIN_DIR/imdictl"
ln -sfn "$BUF" "$BIN_DIR/buf"

pids=()
stop() {
  local status=0 pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || status=1; done
  [ "$status" -eq 0 ] || log "a service did not stop cleanly; see the logs in $DATA_ROOT"
  return "$status"
}
on_exit() {
  local status=$?
  stop || status=1
  exit "$status"
}
trap on_exit EXIT
trap 'log "stopping"; exit 0' INT TERM

# start_service NAME LISTEN ARGS...: starts it in the background and sets
# ADDRESS to HOST:PORT as bound (port 0 picks a free one).
start_service() {
  local name="$1" listen="$2"
  shift 2
  local port_file="$DATA_ROOT/$name.port"
  rm -f "$port_file"
  "$BUILD_DIR/$name/$name" --listen="$listen" --port_file="$port_file" --insecure_dev "$@" \
    2>>"$DATA_ROOT/$name.log" &
  pids+=($!)
  for _ in $(seq 1 100); do
    [ -s "$port_file" ] && break
    kill -0 "$!" 2>/dev/null || { log "$name did not start; see $DATA_ROOT/$name.log"; exit 1; }
    sleep 0.1
  done
  [ -s "$port_file" ] || { log "$name did not report its port within 10 s"; exit 1; }
  ADDRESS="${listen%:*}:$(cat "$port_file")"
}

log "starting stats-service on $STATS_LISTEN (data in $DATA_ROOT/stats)"
start_service stats-service "$STATS_LISTEN" --data_dir="$DATA_ROOT/stats"
STATS="$ADDRESS"
for _ in $(seq 1 100); do
  "$IMDICTL" data-version --target="$STATS" >/dev/null 2>&1 && break
  sleep 0.1
done

cd "$ROOT"
scripts/load-stats-data.sh "$IMDICTL" "$STATS"

log "starting award-service on $AWARD_LISTEN (data in $DATA_ROOT/award)"
start_service award-service "$AWARD_LISTEN" --data_dir="$DATA_ROOT/award" \
  --stats_target="$STATS" --comparables=data/regions/similarMunicipalities.json
AWARD="$ADDRESS"
for _ in $(seq 1 100); do
  "$IMDICTL" load-winners --award_target="$AWARD" --timeout_seconds=2 \
    data/published/award-history.csv >"$DATA_ROOT/winners.out" 2>&1 && break
  kill -0 "${pids[1]}" 2>/dev/null || { log "award-service stopped; see $DATA_ROOT/award-service.log"; exit 1; }
  sleep 0.1
done
log "winners history: $(cat "$DATA_ROOT/winners.out")"
log "creating the 2016 cycle from data/award/bosettingsprisen-2016.json"
"$IMDICTL" create-cycle --award_target="$AWARD" --cycle_id=2016 \
  data/award/bosettingsprisen-2016.json

# Every command below works as printed in a new shell (absolute paths);
# tests/e2e/readme_commands.sh runs each one. Each starts with two spaces.
BC="$BIN_DIR/buf curl --protocol grpc --http2-prior-knowledge"
A="http://$AWARD/imdi.award.v1.AwardService"
S="http://$STATS/imdi.stats.v1.StatsService"
cat <<TXT

stats-service is serving on $STATS (log: $DATA_ROOT/stats-service.log),
award-service on $AWARD (log: $DATA_ROOT/award-service.log).
Try (buf and imdictl are in $BIN_DIR):

  $BIN_DIR/imdictl data-version --target=$STATS
  $BC --list-methods http://$STATS
  $BC $S/GetFigures \\
    -d '{"municipality_code": "0906", "year": 2014}'
  $BC $S/GetAggregate \\
    -d '{"area": {"kind": "AREA_KIND_COUNTRY"}, "year": 2014}'

Drive the 2016 cycle (Bosettingsprisen 2016); the whole replay, with every
request, is tests/e2e/scenarios/award_2016.scenario:

  $BC $A/EvaluateMunicipality \\
    -d '{"cycle_id": "2016", "municipality_code": "1601"}'
  $BC $A/OpenNominations \\
    -d '{"cycle_id": "2016", "request_id": "open-2016"}'
  $BC -H 'x-actor: imdi-midt-norge' $A/SubmitNomination \\
    -d '{"cycle_id": "2016", "municipality_code": "1601",
      "nominator": {"kind": "NOMINATOR_KIND_REGIONAL_OFFICE", "imdi_region": "IMDI_REGION_MIDT_NORGE"},
      "justification": "High and stable settlement over many years.",
      "claims": [{"criterion": "creative_housing",
                  "justification": "Housing adapted to each person, in every district of the city."}],
      "request_id": "nominate-trondheim"}'
  $BC $A/ScreenMunicipalities \\
    -d '{"cycle_id": "2016", "imdi_region": "IMDI_REGION_MIDT_NORGE", "eligible_only": true}'
  $BC $A/ListAuditEvents -d '{"cycle_id": "2016"}'
  $BC $A/ListWinners

Press Ctrl-C (or kill -INT $$) to stop both.
TXT
wait -n "${pids[@]}" || true
log "a service stopped by itself; see the logs in $DATA_ROOT"
exit 1
