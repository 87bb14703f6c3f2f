#!/usr/bin/env bash
# End to end: the change feed of the real stats-service with imdictl. A
# watcher started before the bundled data is imported prints every change
# the import reports (no more, no fewer); a consumer that stops part way,
# whose server is then restarted, resumes from the version it names and gets
# the rest exactly once.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
DATA_DIR="$WORK/stats"

start_service stats "$WORK/stats.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$DATA_DIR" --sync=false --insecure_dev
STATS_PID="$LAST_PID"
T="--target=127.0.0.1:$PORT"

"$IMDICTL" load-municipalities "$T" >"$WORK/load.out" 2>&1 ||
  { cat "$WORK/load.out" >&2; fail "load-municipalities failed"; }
start_version="$("$IMDICTL" data-version "$T")"

say "-- a live watcher during the import"
"$IMDICTL" figures watch "$T" --since="$start_version" >"$WORK/live.out" 2>"$WORK/live.err" &
WATCH_PID=$!
PIDS+=("$WATCH_PID")
for _ in $(seq 1 200); do
  grep -q '^live at data version' "$WORK/live.out" && break
  sleep 0.05
done
grep -q "^live at data version $start_version\$" "$WORK/live.out" ||
  fail "the watcher did not report live at $start_version: $(cat "$WORK/live.out" "$WORK/live.err")"
status=0
# Messages of 100 rows: a commit each, so the feed has many.
"$IMDICTL" import "$T" --batch=100 data/imdikator/*.csv data/published/figures-2016-2017.csv \
  >"$WORK/import.out" 2>"$WORK/import.err" || status=$?
[ "$status" -le 1 ] || fail "import failed with $status: $(tail -5 "$WORK/import.out")"
changed="$(sed -n 's/.* records sent: \([0-9]*\) changed,.*/\1/p' "$WORK/import.out" | paste -sd+ | bc)"
final="$("$IMDICTL" data-version "$T")"
say "import changed $changed records, data version $start_version -> $final"
[ "${changed:-0}" -gt 0 ] || fail "the import reported no changes: $(cat "$WORK/import.out")"
for _ in $(seq 1 600); do
  grep -q "^v$final " "$WORK/live.out" && break
  sleep 0.05
done
kill -TERM "$WATCH_PID" 2>/dev/null || true
wait "$WATCH_PID" 2>/dev/null || true
expect_eq "changes the live watcher printed = changed records" "$changed" \
  "$(grep -c '^v[0-9]' "$WORK/live.out")"
expect_eq "distinct changes printed" "$changed" \
  "$(grep '^v[0-9]' "$WORK/live.out" | awk '{print $1, $2, $3}' | sort -u | wc -l)"

say "-- stop part way, restart the server, resume"
part=400
"$IMDICTL" figures watch "$T" --since="$start_version" --count="$part" \
  >"$WORK/first.out" 2>"$WORK/first.err" || fail "first watch failed: $(cat "$WORK/first.err")"
resume="$(sed -n 's/.*resume with --since=\([0-9]*\).*/\1/p' "$WORK/first.err")"
[ -n "$resume" ] || fail "the first watch named no version to resume from: $(cat "$WORK/first.err")"
# Changes of a commit it stopped inside come again from the resume version.
before="$(awk -v r="$resume" '/^v[0-9]/ { if (substr($1, 2) + 0 <= r) n++ } END { print n + 0 }' \
  "$WORK/first.out")"
stop_service "$STATS_PID"
start_service stats "$WORK/stats2.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$DATA_DIR" --sync=false --insecure_dev
STATS_PID="$LAST_PID"
T="--target=127.0.0.1:$PORT"
"$IMDICTL" figures watch "$T" --since="$resume" --until_version="$final" \
  >"$WORK/second.out" 2>"$WORK/second.err" || fail "resumed watch failed: $(cat "$WORK/second.err")"
after="$(grep -c '^v[0-9]' "$WORK/second.out" || true)"
say "resume: $before before the stop + $after after the restart = $((before + after)) (import changed $changed)"
expect_eq "changes before + after the restart = changed records" "$changed" "$((before + after))"
expect_eq "no change twice" "$((before + after))" \
  "$( (awk -v r="$resume" '/^v[0-9]/ { if (substr($1, 2) + 0 <= r) print $1, $2, $3 }' "$WORK/first.out";
      grep '^v[0-9]' "$WORK/second.out" | awk '{print $1, $2, $3}') | sort -u | wc -l)"

say "-- a version past the newest is OUT_OF_RANGE"
status=0
"$IMDICTL" figures watch "$T" --since="$((final + 1))" >/dev/null 2>"$WORK/past.err" || status=$?
[ "$status" -ne 0 ] || fail "a watch past the newest version succeeded"
grep -q 'OUT_OF_RANGE' "$WORK/past.err" || fail "no OUT_OF_RANGE: $(cat "$WORK/past.err")"
grep -q 'since_data_version' "$WORK/past.err" || fail "the error names no field: $(cat "$WORK/past.err")"

stop_service "$STATS_PID"
finish
