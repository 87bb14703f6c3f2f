# Helpers for the end-to-end tests: temporary directories, starting the real
# binaries on free ports, calling them with buf curl over server reflection,
# and assertions that say what they expected.
#
# Needs BUILD_DIR (the CMake build directory) and BUF (the buf binary).
set -euo pipefail

: "${BUILD_DIR:?BUILD_DIR must name the build directory}"
: "${BUF:?BUF must name the buf binary}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/imdi-e2e-XXXXXX")"
PIDS=()
FAILURES=0

cleanup() {
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '%s\n' "$*" >&2; }

fail() {
  say "FAIL: $*"
  FAILURES=$((FAILURES + 1))
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
  if [ "$2" = "$3" ]; then say "ok: $1 = $3"; else fail "$1: expected '$2', got '$3'"; fi
}

# start_service NAME LOGFILE BINARY ARGS... ; sets PORT to the bound port.
start_service() {
  local name="$1" log="$2"
  shift 2
  local port_file="$WORK/$name.port"
  rm -f "$port_file"
  "$@" --listen=127.0.0.1:0 --port_file="$port_file" 2>"$log" &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 200); do
    [ -s "$port_file" ] && break
    if ! kill -0 "$pid" 2>/dev/null; then
      say "$name exited during start:"; cat "$log" >&2; exit 1
    fi
    sleep 0.05
  done
  [ -s "$port_file" ] || { say "$name did not report its port"; cat "$log" >&2; exit 1; }
  PORT="$(cat "$port_file")"
  LAST_PID="$pid"
}

# stop_service PID: SIGTERM, then expect a clean exit within 10 s.
stop_service() {
  local pid="$1"
  kill -TERM "$pid"
  local status=0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    fail "process $pid still running 10 s after SIGTERM"
    return
  fi
  wait "$pid" || status=$?
  expect_eq "exit status after SIGTERM" 0 "$status"
}

# call PORT SERVICE/METHOD JSON: prints the response JSON; exit status is
# buf's (8 x the gRPC code on an error, whose JSON goes to $WORK/last_error).
call() {
  local port="$1" method="$2" body="${3:-{\}}"
  "$BUF" curl --protocol grpc --http2-prior-knowledge --reflect-protocol grpc-v1alpha \
    --emit-defaults=false "http://127.0.0.1:$port/$method" -d "$body" 2>"$WORK/last_error"
}

# expect_code PORT METHOD JSON CODE: the call fails with gRPC status CODE.
expect_code() {
  local port="$1" method="$2" body="$3" code="$4" status=0
  call "$port" "$method" "$body" >/dev/null || status=$?
  expect_eq "$method $body -> code" "$((code * 8))" "$status"
}

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    say "$FAILURES check(s) failed"
    exit 1
  fi
  say "all checks passed"
}
