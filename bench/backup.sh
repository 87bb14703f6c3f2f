#!/usr/bin/env bash
# Backup and restore timings of the statistics store, with the real binaries:
# the bundled data loaded as the main job loads it (scaled as bench/run.sh
# scales it: synthetic municipalities and years from imdi_bench generate),
# then, while the service serves, a first (full) backup, a second one after
# a small change (incremental), a verification with checksums; the service
# stopped, the offline restore into a fresh directory; the restored store
# served and its export (every record with revision, etag and data version)
# compared with the original's.
#
#   bench/backup.sh [--scales=1,100]
#
# Needs the build (BUILD_DIR, default build/). Writes a Markdown table on
# stdout; everything runs in a temporary directory on free ports.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
SCALES=1,100
for arg in "$@"; do
  case "$arg" in
    --scales=*) SCALES="${arg#*=}" ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done
STATS_BIN="$BUILD_DIR/stats-service/stats-service"
IMDICTL="$BUILD_DIR/tools/imdictl"
BENCH_TOOL="$BUILD_DIR/bench/imdi_bench"
for tool in "$STATS_BIN" "$IMDICTL" "$BENCH_TOOL"; do
  [ -x "$tool" ] || { echo "not built: $tool" >&2; exit 1; }
done
TMP="$(mktemp -d "${TMPDIR:-/tmp}/imdi-backup-bench-XXXXXX")"
PID=""
cleanup() {
  [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
log() { printf '==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mib() { du -sb "$1" | awk '{ printf "%.1f", $1 / 1048576 }'; }

start() {  # start DATA_DIR: serves it with backups into $dir/backups
  rm -f "$TMP/port"
  "$STATS_BIN" --listen=127.0.0.1:0 --port_file="$TMP/port" --data_dir="$1" --insecure_dev \
    --backup_dir="$dir/backups" --access_log=false 2>>"$dir/service.log" &
  PID=$!
  for _ in $(seq 1 600); do [ -s "$TMP/port" ] && break; sleep 0.1; done
  TARGET="127.0.0.1:$(cat "$TMP/port")"
}
stop() { kill -TERM "$PID"; wait "$PID"; PID=""; }

echo "| scale | records | store MiB | first backup s | backup MiB | next backup s (after a 448-record import) | MiB it added | verify s | restore s | restored export |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for k in ${SCALES//,/ }; do
  dir="$TMP/scale-$k"
  mkdir -p "$dir"
  log "scale ${k}x: loading"
  start "$dir/stats"
  (cd "$ROOT" && scripts/load-stats-data.sh "$IMDICTL" "$TARGET") >"$dir/load.out" 2>&1
  if [ "$k" != 1 ]; then
    read -r _ rows _ < <("$BENCH_TOOL" stream "$TARGET" "")
    mkdir -p "$dir/synthetic"
    "$BENCH_TOOL" generate "$ROOT/data/klass/kommuner-1994-2024.csv" "$k" "$rows" "$dir/synthetic" >/dev/null
    "$IMDICTL" load-municipalities --target="$TARGET" --klass="$dir/synthetic/kommuner.csv" \
      --regions="$dir/synthetic/regions.json" >>"$dir/load.out" 2>&1
    "$IMDICTL" import --target="$TARGET" "$dir/synthetic/bosatt_anmodede-kommune-syntetisk.csv" \
      >>"$dir/load.out" 2>&1 || [ $? -eq 1 ]
  fi
  read -r _ records _ < <("$BENCH_TOOL" stream "$TARGET" "")
  log "scale ${k}x: $records records; backing up"
  t0="$(now)"
  "$IMDICTL" backup create --service=stats --target="$TARGET" >"$dir/backup1.out"
  t1="$(now)"
  store_mib="$(mib "$dir/stats")"
  backup_mib="$(mib "$dir/backups")"
  backup_bytes="$(du -sb "$dir/backups" | cut -f1)"
  "$IMDICTL" figures import --target="$TARGET" --status=preliminary \
    "$ROOT/data/imdikator/befolkning_alder.csv" >/dev/null 2>&1 || [ $? -eq 1 ]
  t2="$(now)"
  "$IMDICTL" backup create --service=stats --target="$TARGET" --output=json >"$dir/backup2.json"
  t3="$(now)"
  added_mib="$(awk -v a="$(du -sb "$dir/backups" | cut -f1)" -v b="$backup_bytes" 'BEGIN { printf "%.2f", (a - b) / 1048576 }')"
  "$IMDICTL" backup verify --service=stats --target="$TARGET" --backup_id=2 >/dev/null
  t4="$(now)"
  "$IMDICTL" figures export --target="$TARGET" --output=json >"$dir/before.json"
  "$IMDICTL" data-version --target="$TARGET" >>"$dir/before.json"
  stop
  log "scale ${k}x: restoring"
  t5="$(now)"
  "$STATS_BIN" --restore_from="$dir/backups" --data_dir="$dir/restored" 2>>"$dir/service.log"
  t6="$(now)"
  start "$dir/restored"
  "$IMDICTL" figures export --target="$TARGET" --output=json >"$dir/after.json"
  "$IMDICTL" data-version --target="$TARGET" >>"$dir/after.json"
  stop
  if cmp -s "$dir/before.json" "$dir/after.json"; then
    same="identical (data version $(tail -n 1 "$dir/after.json" | tr -d '\n'), $(mib "$dir/after.json") MiB of JSON)"
  else
    same="DIFFERENT"
  fi
  echo "| ${k}x | $records | $store_mib | $(secs "$t0" "$t1") | $backup_mib | $(secs "$t2" "$t3") | $added_mib | $(secs "$t3" "$t4") | $(secs "$t5" "$t6") | $same |"
  rm -rf "$dir"
done
