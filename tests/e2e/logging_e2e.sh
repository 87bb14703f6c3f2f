#!/usr/bin/env bash
# End to end: the log flags of the real stats-service binary. The access log
# writes one line per call by default; --access_log=false keeps only calls
# the service itself failed or refused; --log_level drops the lines below
# it and refuses a level it does not know; lines queued when SIGTERM comes
# are written before the process exits.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATS="$BUILD_DIR/stats-service/stats-service"
S=imdi.stats.v1.StatsService

say "-- an unknown level refuses to start"
status=0
"$STATS" --data_dir="$WORK/bad" --insecure_dev --log_level=loud 2>"$WORK/bad.log" || status=$?
expect_eq "exit status for --log_level=loud" 2 "$status"
grep -q -- '--log_level must be debug, info, warning or error, not "loud"' "$WORK/bad.log" ||
  fail "no reason for the refused level: $(cat "$WORK/bad.log")"

say "-- the access log, on by default"
start_service stats "$WORK/on.log" "$STATS" --data_dir="$WORK/on" --sync=false --insecure_dev
pid="$LAST_PID"
for _ in 1 2 3; do call "$PORT" $S/GetDataVersion >/dev/null; done
expect_code "$PORT" $S/GetFigures '{"municipality_code":"0301","year":2014}' 5
stop_service "$pid"
expect_eq "GetDataVersion lines" 3 "$(grep -c 'INFO \[[0-9a-f]*\] GetDataVersion OK ' "$WORK/on.log")"
expect_eq "GetFigures NOT_FOUND lines" 1 "$(grep -c 'GetFigures NOT_FOUND ' "$WORK/on.log")"
# The last line is written at exit, after the shutdown's own lines.
expect_eq "last line" "stopped" "$(tail -n 1 "$WORK/on.log" | sed 's/.* INFO //')"

say "-- the access log off, and only warnings"
start_service stats "$WORK/off.log" "$STATS" --data_dir="$WORK/off" --sync=false --insecure_dev \
  --access_log=false --log_level=warning
pid="$LAST_PID"
call "$PORT" $S/GetDataVersion >/dev/null
expect_code "$PORT" $S/GetFigures '{"municipality_code":"0301","year":2014}' 5
stop_service "$pid"
expect_eq "call lines without the access log" 0 "$(grep -c 'GetDataVersion\|GetFigures' "$WORK/off.log")"
expect_eq "INFO lines at --log_level=warning" 0 "$(grep -c ' INFO ' "$WORK/off.log")"
grep -q ' WARN .*--insecure_dev' "$WORK/off.log" || fail "the --insecure_dev warning is missing"

finish
