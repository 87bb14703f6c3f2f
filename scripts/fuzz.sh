#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz: clang, ASan, UBSan) into
# build/fuzz and runs every target, or the ones named, for a given time,
# then reports executions and findings per target.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   # default 60 s, all targets
#   scripts/fuzz.sh --build                            # only build the targets
#   scripts/fuzz.sh --seeds                            # rewrite tests/fuzz/corpus/
#   scripts/fuzz.sh --list                             # the targets
#
# Targets run $(nproc) at a time. Each grows its own corpus in
# build/fuzz/corpus/<target> (kept between runs, seeded from the committed
# tests/fuzz/corpus/<target>) and stops at its first finding; reproducers
# land in build/fuzz/findings/<target>/ (crash-*, leak-*, timeout-*, oom-*).
# Replay one: build/fuzz/tests/fuzz/<target>_fuzzer <reproducer>
# (IMDI_FUZZ_VERBOSE=1 makes some targets print what they decode;
# IMDI_FUZZ_STRICT=1 checks the known findings of tests/fuzz/findings/ too,
# which the targets otherwise step around).
# scripts/test.sh runs each target briefly through ctest (label fuzz).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

FUZZ_DIR="$ROOT/tests/fuzz"
BIN_DIR="$FUZZ_BUILD_DIR/tests/fuzz"

targets() {
  sed -n 's/^ *"\([a-z_]*\)|.*/\1/p' "$FUZZ_DIR/CMakeLists.txt"
}

prepare() {
  install_packages
  build_fuzz
}

case "${1:-}" in
  --list)
    targets
    exit 0
    ;;
  --build)
    prepare
    exit 0
    ;;
  --seeds)
    prepare
    cmake --build "$FUZZ_BUILD_DIR" --target fuzz_make_seed_corpus
    log "writing the seed corpus into tests/fuzz/corpus"
    rm -rf "$FUZZ_DIR/corpus"
    "$BIN_DIR/fuzz_make_seed_corpus" "$FUZZ_DIR/corpus" "$ROOT/data"
    # award_decision's input is FuzzedDataProvider bytes: keep what a short
    # run finds that reaches new code.
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    mkdir -p "$FUZZ_DIR/corpus/award_decision"
    "$BIN_DIR/award_decision_fuzzer" -seed=1 -runs=20000 -max_len=256 "$scratch" \
      >/dev/null 2>&1 || true
    "$BIN_DIR/award_decision_fuzzer" -merge=1 "$FUZZ_DIR/corpus/award_decision" "$scratch" \
      >/dev/null 2>&1
    echo "$(find "$FUZZ_DIR/corpus" -type f | wc -l) files," \
         "$(du -sb "$FUZZ_DIR/corpus" | cut -f1) bytes in tests/fuzz/corpus"
    exit 0
    ;;
  -h | --help)
    sed -n '2,19p' "$0"
    exit 0
    ;;
esac

seconds=60
if [[ "${1:-}" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
selected=("$@")
[ ${#selected[@]} -gt 0 ] || mapfile -t selected < <(targets)

prepare
results="$FUZZ_BUILD_DIR/fuzz-results"
rm -rf "$results"
mkdir -p "$results"
log "fuzzing ${#selected[@]} targets, $seconds s each, $(nproc) at a time"

run_one() {
  local name=$1
  FUZZ_WORK_CORPUS="$FUZZ_BUILD_DIR/corpus/$name" \
    bash "$FUZZ_DIR/run_fuzzer.sh" "$BIN_DIR/${name}_fuzzer" "$FUZZ_DIR/corpus/$name" \
      "$FUZZ_BUILD_DIR/findings/$name" -max_total_time="$seconds" \
      >"$results/$name.log" 2>&1 || true
  grep '^fuzz \|reproducer:' "$results/$name.log" || echo "fuzz $name: no report (see $results/$name.log)"
}
export -f run_one
export FUZZ_DIR FUZZ_BUILD_DIR BIN_DIR seconds results

printf '%s\n' "${selected[@]}" | xargs -P "$(nproc)" -I{} bash -c 'run_one {}' | tee "$results/summary"

echo
echo "== $(date -u +%FT%TZ), $seconds s per target =="
sort "$results/summary" | grep '^fuzz '
findings=$(grep -c 'reproducer:' "$results/summary" || true)
if [ "$findings" -gt 0 ]; then
  echo "$findings finding(s); reports in $results/<target>.log:"
  grep 'reproducer:' "$results/summary"
  exit 1
fi
echo "no findings"
