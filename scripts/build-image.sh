#!/usr/bin/env bash
# Builds the services' image imdi/imdi-services:1.0.0 from deploy/Dockerfile
# with podman, without any image registry: the Debian 12 base images that
# the Dockerfile starts FROM (debian:12 for the build, debian:12-slim to run)
# are made from Debian's own mirror with mmdebstrap and imported into
# podman's local storage first.
#
#   scripts/build-image.sh [podman build arguments]
#
# The base root file system is kept as a tarball in IMDI_IMAGE_CACHE
# (default ${XDG_CACHE_HOME:-~/.cache}/imdi/images), named after the ISO week
# and a hash of how it is made: it is made again (about a minute) once a week,
# with that week's security updates, or when this script's recipe changes,
# and any machine can make it from scratch. One slim root file system (no
# documentation, manuals or translations, like Debian's official slim image)
# serves both tags; a debian:12 that did not come from this script (pulled
# from a registry) is left alone and used as it is.
#
# Environment: IMAGE (tag to build, default imdi/imdi-services:1.0.0),
# IMDI_IMAGE_CACHE, DEBIAN_MIRROR (default http://deb.debian.org/debian),
# DEBIAN_SECURITY_MIRROR (default http://deb.debian.org/debian-security).
#
# Needs podman, mmdebstrap (run as root, or through sudo) and runc
# (scripts/test.sh installs them with the container test's packages); writes
# /etc/containers/containers.conf when it lacks the settings podman needs on
# machines that refuse the default resource limits to containers.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE="${IMAGE:-imdi/imdi-services:1.0.0}"
CACHE="${IMDI_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/imdi/images}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"

log() { printf '==> %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root for: $*"
  fi
}

for tool in podman mmdebstrap; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "$tool is missing: apt-get install podman mmdebstrap runc podman-compose"
done

# Some machines refuse the resource limits podman sets on every container by
# default (default_ulimits); an empty list keeps the machine's own. runc,
# not crun: crun fails on kernels with hybrid cgroups.
ensure_containers_conf() {
  local conf="${CONTAINERS_CONF:-/etc/containers/containers.conf}"
  if [ -f "$conf" ] && grep -q '^[[:space:]]*default_ulimits' "$conf"; then
    return
  fi
  log "setting default_ulimits = [] in $conf"
  if [ ! -f "$conf" ]; then
    printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' |
      as_root tee "$conf" >/dev/null
  elif grep -q '^\[containers\]' "$conf"; then
    as_root sed -i 's/^\[containers\]$/[containers]\ndefault_ulimits = []/' "$conf"
  else
    # A table must come before the others' keys would be read into it.
    { printf '[containers]\ndefault_ulimits = []\n\n'; cat "$conf"; } >"$conf.imdi-new"
    as_root mv "$conf.imdi-new" "$conf"
  fi
}

# How the base root file system is made; its hash names the cached tarball.
MMDEBSTRAP_ARGS=(
  --variant=minbase
  # A merged /usr made by mmdebstrap, not by the usrmerge package (and Perl).
  --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
  --aptopt='Acquire::Languages "none"'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/groff/*'
  --dpkgopt='path-exclude=/usr/share/lintian/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-include=/usr/share/locale/locale.alias'
  bookworm
)
SOURCES=(
  "deb $MIRROR bookworm main"
  "deb $MIRROR bookworm-updates main"
  "deb $SECURITY_MIRROR bookworm-security main"
)

# This week's base: its recipe's hash and the ISO week.
BASE_KEY="debian-12-$(date -u +%G-W%V)-$(printf '%s\n' "${MMDEBSTRAP_ARGS[@]}" "${SOURCES[@]}" |
  sha256sum | cut -c1-12)"

# Sets BASE_TARBALL, making it first when this week's is not cached.
base_tarball() {
  local tarball="$CACHE/$BASE_KEY.tar"
  mkdir -p "$CACHE"
  # One maker at a time; the others wait for its tarball.
  exec {lock}>"$CACHE/.lock"
  flock "$lock"
  if [ ! -s "$tarball" ]; then
    log "making the Debian 12 base with mmdebstrap into $tarball"
    local started=$SECONDS
    as_root mmdebstrap --quiet --format=tar "${MMDEBSTRAP_ARGS[@]}" "$tarball.part" "${SOURCES[@]}"
    as_root chown "$(id -u):$(id -g)" "$tarball.part"
    mv "$tarball.part" "$tarball"
    log "base made in $((SECONDS - started)) s"
    # Older weeks' tarballs are of no more use.
    find "$CACHE" -maxdepth 1 -name 'debian-12-*.tar' ! -name "$BASE_KEY.tar" -delete
  fi
  exec {lock}>&-
  BASE_TARBALL="$tarball"
}

# import_base TAG: (re)imports the cached base as TAG unless TAG already is
# this base, or is an image this script did not make.
import_base() {
  local tag="$1" label
  if podman image exists "$tag"; then
    label="$(podman image inspect --format '{{index .Labels "org.imdi.base"}}' "$tag")"
    if [ -z "$label" ] || [ "$label" = "<no value>" ]; then
      log "$tag exists and was not made here: using it as it is"
      return
    fi
    [ "$label" = "$BASE_KEY" ] && return
  fi
  [ -n "${BASE_TARBALL:-}" ] || base_tarball
  log "importing $BASE_TARBALL as $tag"
  podman import --quiet --change 'CMD ["bash"]' --change "LABEL org.imdi.base=$BASE_KEY" \
    "$BASE_TARBALL" "$tag" >/dev/null
}

ensure_containers_conf
import_base docker.io/library/debian:12
import_base docker.io/library/debian:12-slim

log "building $IMAGE from deploy/Dockerfile"
started=$SECONDS
podman build --isolation chroot -f "$ROOT/deploy/Dockerfile" -t "$IMAGE" "$@" "$ROOT"
log "built $IMAGE in $((SECONDS - started)) s: $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"
