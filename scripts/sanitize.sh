#!/usr/bin/env bash
# Builds the whole project and its tests with AddressSanitizer and
# UndefinedBehaviorSanitizer (gcc, -fsanitize=address,undefined, every
# finding fatal) into build-sanitize/, and runs every test there: unit,
# storage, integration, end-to-end (the sanitized binaries), crash and
# benchmark smoke tests. The fuzz targets are sanitized builds of their
# own (scripts/fuzz.sh) and are left out here.
#
#   scripts/sanitize.sh [extra ctest arguments]
#
# About 10 minutes cold on 2 cores. Debian's gRPC, Protobuf, Abseil and
# RocksDB are not instrumented; ASan still sees every access the project's
# code makes.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
install_packages
install_buf

SANITIZE_DIR="${SANITIZE_DIR:-$ROOT/build-sanitize}"
# gcc warns "may be used uninitialized" where the sanitizers' checks make
# its analysis guess (std::function inside std::regex): a warning there,
# not an error.
FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
FLAGS="$FLAGS -Wno-error=maybe-uninitialized"
log "building with AddressSanitizer and UBSan into $SANITIZE_DIR"
cmake -S "$ROOT" -B "$SANITIZE_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DIMDI_BUF="$BUF" >/dev/null
cmake --build "$SANITIZE_DIR"

log "running the tests under the sanitizers"
cd "$SANITIZE_DIR"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# Sanitized code runs several times slower: give each test more time.
ctest --output-on-failure -j "$(nproc)" -LE fuzz --timeout 1500 "$@"
