#!/usr/bin/env bash
# The commands a reader is given, run as given: scripts/run.sh (the real
# script, with the bundled data, on free ports, in a temporary directory)
# started in the background, each command it prints run in a new shell with
# an empty environment, then SIGINT to run.sh, which must stop both services
# gracefully; then again on a fresh store for each command of the blocks
# README.md marks with `<!-- run-after-start -->` (a ```sh block right
# after the marker), run from a copy of the checkout with bin/ as run.sh
# fills it, with the README's ports replaced by the ones bound.
#
# A command is a line that starts in the block's first column (two spaces
# in run.sh's output) with the lines that continue it (indented, or after a
# trailing backslash); a README command that only assigns a variable is
# also repeated before every later command of its block, as in a pasted
# block. Any non-zero exit fails, with the command and its output.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="$WORK/bin"
RUN_PID=""

# A checkout as a reader has it after scripts/run.sh: the sources and bin/.
TREE="$WORK/tree"
mkdir -p "$TREE" "$WORK/home"
for entry in "$ROOT"/*; do
  case "$(basename "$entry")" in bin | build*) ;; *) ln -s "$entry" "$TREE/" ;; esac
done
ln -s "$BIN" "$TREE/bin"

stop_run() {
  [ -n "$RUN_PID" ] || return 0
  kill -INT "$RUN_PID" 2>/dev/null || true
  local status=0
  for _ in $(seq 1 200); do
    kill -0 "$RUN_PID" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$RUN_PID" 2>/dev/null; then
    fail "scripts/run.sh still running 20 s after SIGINT"
    kill -TERM "$RUN_PID" 2>/dev/null || true
  fi
  wait "$RUN_PID" 2>/dev/null || status=$?
  expect_eq "scripts/run.sh exit status after SIGINT" 0 "$status"
  local name
  for name in stats-service award-service; do
    expect_eq "$name's last log line after SIGINT to run.sh" stopped \
      "$(tail -n 1 "$RUN_DATA/$name.log" | sed 's/^.* INFO //')"
  done
  RUN_PID=""
}
trap 'stop_run; cleanup' EXIT

# start_run NAME: scripts/run.sh in the background on a fresh store; sets
# STATS and AWARD to the addresses bound and RUN_OUT to what it printed.
start_run() {
  RUN_DATA="$WORK/$1"
  RUN_OUT="$WORK/$1.out"
  SKIP_BUILD=1 BUILD_DIR="$BUILD_DIR" BUF="$BUF" BIN_DIR="$BIN" DATA_ROOT="$RUN_DATA" \
    STATS_LISTEN=127.0.0.1:0 AWARD_LISTEN=127.0.0.1:0 \
    bash "$ROOT/scripts/run.sh" >"$RUN_OUT" 2>"$WORK/$1.err" &
  RUN_PID=$!
  for _ in $(seq 1 600); do
    grep -q '^Press Ctrl-C' "$RUN_OUT" && break
    if ! kill -0 "$RUN_PID" 2>/dev/null; then
      say "scripts/run.sh exited during start:"; cat "$WORK/$1.err" >&2; RUN_PID=""; exit 1
    fi
    sleep 0.1
  done
  grep -q '^Press Ctrl-C' "$RUN_OUT" || { say "scripts/run.sh not ready in 60 s"; cat "$WORK/$1.err" >&2; exit 1; }
  STATS="127.0.0.1:$(cat "$RUN_DATA/stats-service.port")"
  AWARD="127.0.0.1:$(cat "$RUN_DATA/award-service.port")"
  say "-- scripts/run.sh ($1): stats-service on $STATS, award-service on $AWARD"
}

# run_commands DIR: runs DIR/NNN.cmd (after DIR/NNN.pre) in order, each in a
# new shell with an empty environment, from the copy of the checkout.
run_commands() {
  local dir="$1" cmd out status
  for cmd in "$dir"/*.cmd; do
    out="${cmd%.cmd}.out"
    status=0
    (cd "$TREE" && env -i HOME="$WORK/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
      bash -e -c "$(cat "${cmd%.cmd}.pre" "$cmd")") >"$out" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
      say "ok: $(head -n 1 "$cmd" | cut -c1-150)"
    else
      fail "exit status $status from:
$(cat "$cmd")
its output:
$(tail -n 30 "$out")"
    fi
  done
}

say "-- the commands scripts/run.sh prints"
start_run run1
mkdir -p "$WORK/printed"
awk -v out="$WORK/printed" '
  function flush() {
    if (cmd == "") return
    n++; f = sprintf("%s/%03d", out, n)
    printf "" > (f ".pre"); close(f ".pre")
    printf "%s\n", cmd > (f ".cmd"); close(f ".cmd")
    cmd = ""
  }
  / is serving on / { on = 1 }   # before it: the import report
  !on { next }
  /^  [^ ]/ && !cont { flush(); cmd = $0; cont = /\\$/; next }
  /^   / || cont { if (cmd != "") cmd = cmd "\n" $0; cont = /\\$/; next }
  { flush(); cont = 0 }
  END { flush() }' "$RUN_OUT"
printed="$(ls "$WORK/printed"/*.cmd 2>/dev/null | wc -l)"
[ "$printed" -ge 10 ] || fail "expected at least 10 commands printed by scripts/run.sh, found $printed"
grep -q grpcurl "$RUN_OUT" && fail "scripts/run.sh prints grpcurl, which the setup does not install"
run_commands "$WORK/printed"
stop_run

say "-- the commands README.md marks <!-- run-after-start -->"
start_run run2
mkdir -p "$WORK/readme"
sed -e "s/127\.0\.0\.1:50051/$STATS/g" -e "s/127\.0\.0\.1:50052/$AWARD/g" "$ROOT/README.md" |
  awk -v out="$WORK/readme" '
  function flush() {
    if (cmd == "") return
    n++; f = sprintf("%s/%03d", out, n)
    printf "%s", prelude > (f ".pre"); close(f ".pre")
    printf "%s\n", cmd > (f ".cmd"); close(f ".cmd")
    if (cmd ~ /^[A-Za-z_][A-Za-z0-9_]*=/ && cmd !~ /\n/) prelude = prelude cmd "\n"
    cmd = ""
  }
  /^<!-- run-after-start -->$/ { armed = 1; next }
  armed && /^```sh$/ { blocks++; inblock = 1; armed = 0; prelude = ""; cmd = ""; cont = 0; next }
  { armed = 0 }
  inblock && /^```$/ { flush(); inblock = 0; next }
  inblock {
    if (cont || /^[ \t]/) { cmd = cmd "\n" $0 }
    else if (/^$/ || /^#/) { flush() }
    else { flush(); cmd = $0 }
    cont = /\\$/
    next
  }
  END { print blocks + 0 > (out "/blocks") }'
markers="$(grep -c '^<!-- run-after-start -->$' "$ROOT/README.md" || true)"
expect_eq "README blocks marked and found (each marker right before a \`\`\`sh line)" \
  "$markers" "$(cat "$WORK/readme/blocks")"
readme="$(ls "$WORK/readme"/*.cmd 2>/dev/null | wc -l)"
[ "$readme" -ge 20 ] || fail "expected at least 20 commands in README.md's marked blocks, found $readme"
grep -l grpcurl "$WORK/readme"/*.cmd && fail "README.md has a grpcurl command; the setup does not install grpcurl"
run_commands "$WORK/readme"
# The README's refusal shows its details decoded, not only as base64.
decode_example="$(grep -l 'decode-error.sh' "$WORK/readme"/*.cmd | head -n 1)"
if [ -z "$decode_example" ]; then
  fail "README.md runs no example of scripts/decode-error.sh"
elif ! grep -q '"reason": "INVALID_FIELD"' "${decode_example%.cmd}.out"; then
  fail "README's decode-error.sh example printed no decoded ErrorInfo: $(cat "${decode_example%.cmd}.out")"
else
  say "ok: README's refusal example shows ErrorInfo.reason INVALID_FIELD decoded"
fi
stop_run

finish
