#!/usr/bin/env bash
# Installs what is missing on a Debian 12 machine (compiler, CMake, gRPC,
# Protobuf, Abseil, RocksDB, GoogleTest, Node.js for buf), installs buf from
# npm, then configures and builds the project into build/.
#
#   scripts/setup.sh            # install what is missing, then build
#
# Sourced by scripts/run.sh and scripts/test.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
# The clang build of the fuzz targets (tests/fuzz), run by ctest from BUILD_DIR.
FUZZ_BUILD_DIR="${FUZZ_BUILD_DIR:-$BUILD_DIR/fuzz}"

log() { printf '==> %s\n' "$*" >&2; }

# Debian packages the build and the tests need.
PACKAGES=(
  build-essential cmake ninja-build pkg-config ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev librocksdb-dev libgtest-dev libgmock-dev libbenchmark-dev prometheus-cpp-dev
  jq procps openssl libssl-dev python3 python3-yaml
  clang libfuzzer-14-dev libclang-rt-14-dev llvm-14
)
# What bench/run.sh measures against (PostgreSQL 15, h2load); scripts/test.sh
# installs them too, for the suite's tiny run.
BENCH_PACKAGES=(postgresql nghttp2-client)
# The container test (tests/container): podman with runc, the Debian base
# images made with mmdebstrap (scripts/build-image.sh), podman-compose, and
# the name resolution between containers on a podman network.
CONTAINER_PACKAGES=(podman mmdebstrap runc podman-compose
  golang-github-containernetworking-plugin-dnsname)
# What only the tests run: a real Prometheus scrapes both services
# (tests/e2e/prometheus_e2e.sh, label prometheus); curl reads metrics
# endpoints there and in the container test; html5lib, a conforming HTML
# parser, checks the announcements the award service renders as HTML.
TEST_PACKAGES=(prometheus curl python3-html5lib)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "need root to install packages: $*"
    exit 1
  fi
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # Node.js and npm only run buf; keep whichever Node.js the machine has.
  if ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# buf's native binary for this machine (npm installs the matching package).
case "$(uname -m)" in
  x86_64) BUF_PLATFORM=linux-x64 ;;
  aarch64 | arm64) BUF_PLATFORM=linux-aarch64 ;;
  *) BUF_PLATFORM="linux-$(uname -m)" ;;
esac
BUF="${BUF:-$ROOT/tools/node/node_modules/@bufbuild/buf-$BUF_PLATFORM/bin/buf}"

install_buf() {
  if [ ! -x "$BUF" ] || [ ! -f "$ROOT/tools/node/node_modules/jsonstat-toolkit/package.json" ]; then
    log "installing buf and jsonstat-toolkit from npm (tools/node)"
    # package.json pins the exact version; buf's own package pins its
    # platform binary. No lock file: lock files differ between npm versions.
    (cd "$ROOT/tools/node" && npm install --no-audit --no-fund --no-package-lock \
      --loglevel=error >/dev/null)
  fi
  [ -x "$BUF" ] || { log "buf is missing after npm install: $BUF"; exit 1; }
}

build() {
  log "building into $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DIMDI_BUF="$BUF" -DIMDI_FUZZ_BUILD_DIR="$FUZZ_BUILD_DIR" >/dev/null
  cmake --build "$BUILD_DIR"
}

# The libFuzzer targets and only the libraries they link, with clang, ASan
# and UBSan, into FUZZ_BUILD_DIR (scripts/fuzz.sh runs them at length).
build_fuzz() {
  log "building the fuzz targets into $FUZZ_BUILD_DIR"
  CC=clang CXX=clang++ cmake -S "$ROOT" -B "$FUZZ_BUILD_DIR" -G Ninja \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIMDI_FUZZ=ON -DIMDI_BUF="$BUF" >/dev/null
  cmake --build "$FUZZ_BUILD_DIR" --target fuzz_targets
}

setup_and_build() {
  install_packages
  install_buf
  build
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  setup_and_build
fi
