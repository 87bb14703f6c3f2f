#!/usr/bin/env bash
# End to end: both real binaries with --metrics_listen on free ports, a real
# Prometheus (Debian's `prometheus`) scraping both every second into its own
# temporary storage, a workload of known calls with imdictl and buf curl,
# then Prometheus' HTTP query API asked for the counts the services exposed:
# they must equal what this test sent. Every wait is bounded.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PROMETHEUS="${PROMETHEUS:-$(command -v prometheus || true)}"
[ -x "$PROMETHEUS" ] || { say "prometheus is not installed (Debian package prometheus)"; exit 1; }
IMDICTL="$BUILD_DIR/tools/imdictl"
S=imdi.stats.v1.StatsService
A=imdi.award.v1.AwardService

# metrics_port LOG: the metrics port the service logged when it started.
metrics_port() { sed -n 's/.*metrics on port \([0-9]*\).*/\1/p' "$1" | head -1; }

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_service stats "$WORK/stats.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$WORK/stats" --sync=false --insecure_dev --metrics_listen=127.0.0.1:0
STATS_PORT="$PORT"
STATS_METRICS="$(metrics_port "$WORK/stats.log")"
start_service award "$WORK/award.log" "$BUILD_DIR/award-service/award-service" \
  --data_dir="$WORK/award" --sync=false --insecure_dev --stats_target="127.0.0.1:$STATS_PORT" \
  --metrics_listen=127.0.0.1:0
AWARD_PORT="$PORT"
AWARD_METRICS="$(metrics_port "$WORK/award.log")"
[ -n "$STATS_METRICS" ] && [ -n "$AWARD_METRICS" ] || { say "no metrics port logged"; exit 1; }
say "stats metrics on $STATS_METRICS, award metrics on $AWARD_METRICS"

# The endpoint itself, before Prometheus: the text format with our families.
curl -sf "http://127.0.0.1:$STATS_METRICS/metrics" >"$WORK/stats.metrics" ||
  fail "GET /metrics on the stats service failed"
for family in imdi_grpc_server_handled_total imdi_grpc_server_handling_seconds_bucket \
  imdi_grpc_server_calls_in_flight imdi_rocksdb_live_data_bytes imdi_stats_data_version \
  imdi_stats_import_rows_total imdi_stats_watchers; do
  grep -q "^$family" "$WORK/stats.metrics" || fail "stats /metrics has no $family"
done

PROM_PORT="$(free_port)"
cat >"$WORK/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: stats-service
    static_configs: [{targets: ["127.0.0.1:$STATS_METRICS"]}]
  - job_name: award-service
    static_configs: [{targets: ["127.0.0.1:$AWARD_METRICS"]}]
YAML
"$PROMETHEUS" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PIDS+=("$!")

# query PROMQL: the first sample's value, or "none".
query() {
  curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
    jq -r '.data.result[0].value[1] // "none"' 2>/dev/null || echo none
}

# expect_query WHAT PROMQL EXPECTED: waits up to 30 s for Prometheus to
# have scraped the value, then compares.
expect_query() {
  local got=none
  for _ in $(seq 1 150); do
    got="$(query "$2")"
    [ "$got" = "$3" ] && break
    sleep 0.2
  done
  expect_eq "$1 [$2]" "$3" "$got"
}

say "-- Prometheus scrapes both"
expect_query "stats-service up" 'up{job="stats-service"}' 1
expect_query "award-service up" 'up{job="award-service"}' 1

say "-- workload"
"$IMDICTL" load-municipalities --target="127.0.0.1:$STATS_PORT" >"$WORK/load.out" 2>&1 ||
  { cat "$WORK/load.out" >&2; fail "load-municipalities failed"; }
"$IMDICTL" import --target="127.0.0.1:$STATS_PORT" data/published/figures-2016-2017.csv \
  >"$WORK/import.out" 2>&1 || { cat "$WORK/import.out" >&2; fail "import failed"; }
ok=0
for key in 0219:2016 0219:2017 0228:2016 0437:2016 0906:2016 1201:2016 1601:2016; do
  call "$STATS_PORT" $S/GetFigures \
    "{\"municipality_code\":\"${key%:*}\",\"year\":${key#*:}}" >/dev/null && ok=$((ok + 1))
done
expect_eq "GetFigures answered OK" 7 "$ok"
for year in 1995 1996 1997; do
  expect_code "$STATS_PORT" $S/GetFigures "{\"municipality_code\":\"0301\",\"year\":$year}" 5
done
for _ in 1 2 3 4; do call "$AWARD_PORT" $A/ListWinners '{}' >/dev/null || fail "ListWinners"; done
expect_code "$AWARD_PORT" $A/GetCycle '{"cycle_id":"no-such-cycle"}' 5
# (the award service checks the statistics service's health by itself)
call "$AWARD_PORT" grpc.health.v1.Health/Check '{}' >/dev/null || fail "health check"
version="$(call "$STATS_PORT" $S/GetDataVersion '{}' | jq -r '.dataVersion')"

say "-- what Prometheus scraped"
H=imdi_grpc_server_handled_total
expect_query "GetFigures OK" "$H{job=\"stats-service\",grpc_method=\"GetFigures\",grpc_code=\"OK\"}" 7
expect_query "GetFigures NOT_FOUND" \
  "$H{job=\"stats-service\",grpc_method=\"GetFigures\",grpc_code=\"NOT_FOUND\"}" 3
expect_query "GetFigures handled in all" "sum($H{job=\"stats-service\",grpc_method=\"GetFigures\"})" 10
expect_query "GetFigures latencies observed" \
  "imdi_grpc_server_handling_seconds_count{job=\"stats-service\",grpc_method=\"GetFigures\"}" 10
expect_query "ImportFigures OK" "$H{job=\"stats-service\",grpc_method=\"ImportFigures\",grpc_code=\"OK\"}" 1
expect_query "ListWinners OK" "$H{job=\"award-service\",grpc_method=\"ListWinners\",grpc_code=\"OK\"}" 4
expect_query "GetCycle NOT_FOUND" \
  "$H{job=\"award-service\",grpc_method=\"GetCycle\",grpc_code=\"NOT_FOUND\"}" 1
expect_query "health checks counted by the interceptor" \
  "$H{job=\"award-service\",grpc_service=\"grpc.health.v1.Health\",grpc_method=\"Check\",grpc_code=\"OK\"}" 1
expect_query "nothing in flight" "sum(imdi_grpc_server_calls_in_flight{job=\"stats-service\"})" 0
expect_query "data version" 'imdi_stats_data_version{job="stats-service"}' "$version"
expect_query "import rows changed" \
  "imdi_stats_import_rows_total{job=\"stats-service\",result=\"changed\"} > 0" \
  "$(query 'imdi_stats_import_rows_total{job="stats-service",result="changed"}')"
expect_query "RocksDB live data known" 'count(imdi_rocksdb_live_data_bytes{service="stats"})' 1
expect_query "award store figures" 'count(imdi_rocksdb_block_cache_usage_bytes{service="award"})' 1

say "-- a change feed watcher is counted while it watches"
"$IMDICTL" figures watch --target="127.0.0.1:$STATS_PORT" --since="$version" \
  >"$WORK/watch.out" 2>&1 &
WATCH_PID=$!
PIDS+=("$WATCH_PID")
for _ in $(seq 1 100); do
  grep -q '^live at data version' "$WORK/watch.out" && break
  sleep 0.1
done
expect_query "one watcher connected" 'imdi_stats_watchers{job="stats-service"}' 1
kill -TERM "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
expect_query "no watcher after it left" 'imdi_stats_watchers{job="stats-service"}' 0
expect_query "block cache lookups counted" \
  'count(imdi_rocksdb_block_cache_hits_total{service="stats"})' 1

finish
