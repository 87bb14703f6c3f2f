#!/usr/bin/env bash
# Runs one libFuzzer target over its seed corpus, then prints one summary
# line: executions, new inputs, and findings (reproducers saved).
#
#   tests/fuzz/run_fuzzer.sh BINARY SEED_CORPUS ARTIFACT_DIR [libFuzzer flags...]
#
# ctest passes -runs=N (a bounded, reproducible run: the seed is fixed);
# scripts/fuzz.sh passes -max_total_time=S and a corpus directory to grow.
# The reproducers in findings/<target>/ always run along with the seeds.
# New inputs go to $FUZZ_WORK_CORPUS (default: a temporary directory), never
# into the committed seed corpus. A missing binary fails: build the fuzz
# targets with scripts/fuzz.sh --build.
set -uo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 BINARY SEED_CORPUS ARTIFACT_DIR [libFuzzer flags...]" >&2
  exit 2
fi
binary=$1 seeds=$2 artifacts=$3
shift 3
name=$(basename "$binary" _fuzzer)

if [ ! -x "$binary" ]; then
  echo "FAIL: fuzz target $name not built: $binary is missing." >&2
  echo "Build the fuzz targets (clang) with: scripts/fuzz.sh --build" >&2
  exit 1
fi
if [ ! -d "$seeds" ]; then
  echo "FAIL: seed corpus $seeds is missing" >&2
  exit 1
fi

work=${FUZZ_WORK_CORPUS:-}
cleanup=""
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-$name.XXXXXX")
  cleanup=$work
fi
mkdir -p "$work" "$artifacts"
log=$(mktemp "${TMPDIR:-/tmp}/fuzz-$name-log.XXXXXX")
started=$(mktemp "${TMPDIR:-/tmp}/fuzz-$name-start.XXXXXX")
trap 'rm -rf "$cleanup" "$log" "$started"' EXIT

dict=()
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -f "$here/dicts/$name.dict" ] && dict=(-dict="$here/dicts/$name.dict")
# The saved reproducers of findings (findings/README.md) run every time too.
known=()
[ -d "$here/findings/$name" ] && known=("$here/findings/$name")

# Symbolized stack traces when llvm-symbolizer is there (Debian: llvm-14).
for s in /usr/bin/llvm-symbolizer /usr/lib/llvm-14/bin/llvm-symbolizer; do
  if [ -x "$s" ]; then export ASAN_SYMBOLIZER_PATH=$s UBSAN_SYMBOLIZER_PATH=$s; break; fi
done
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

before=$(find "$artifacts" -type f | wc -l)
"$binary" -seed=1 -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "${dict[@]}" "$@" "$work" "$seeds" "${known[@]}" >"$log" 2>&1
status=$?

executions=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
rate=$(grep -ao 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
new_units=$(grep -ao 'stat::new_units_added: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
findings=$(find "$artifacts" -type f -newer "$started" 2>/dev/null | sort)
after=$(find "$artifacts" -type f | wc -l)

if [ "$status" -ne 0 ]; then
  # The run stopped at a finding: show libFuzzer's report.
  grep -av -e '^#[0-9]' -e 'NEW_FUNC' "$log" | tail -60
fi
echo "fuzz $name: ${executions:-?} executions (${rate:-?}/s), ${new_units:-0} new inputs," \
     "$((after - before)) findings, exit $status"
for f in $findings; do echo "  reproducer: $f"; done
exit "$status"
