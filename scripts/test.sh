#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit, storage,
# integration and end-to-end (real binaries driven with imdictl and buf curl),
# plus buf lint of the protos, and the benchmark suite once at a tiny size
# (bench/run.sh --tiny).
#
#   scripts/test.sh [extra ctest arguments]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
PACKAGES+=("${BENCH_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${CONTAINER_PACKAGES[@]}")
setup_and_build
build_fuzz
log "running the tests"
cd "$BUILD_DIR"
ctest --output-on-failure -j "$(nproc)" "$@"
