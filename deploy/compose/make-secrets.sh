#!/usr/bin/env bash
# Makes deploy/compose/secrets/ for compose.yaml: a CA, a server certificate
# for the service names (stats, award), the award service's client
# certificate, random tokens for an administrator and a data loader, and the
# credentials files with their SHA-256 hashes. Never commit the result.
#
#   make-secrets.sh [DIR]    # into DIR instead (compose: IMDI_SECRETS=DIR)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/secrets}"
mkdir -p "$out"
SERVER_SANS="DNS:stats,DNS:award,DNS:localhost,IP:127.0.0.1" DAYS=365 \
  bash "$here/../../tests/testing/make_pki.sh" "$out" award-service
token() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n'; }
hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
admin="$(token)"
loader="$(token)"
printf '%s\n' "$admin" >"$out/admin.token"
printf '%s\n' "$loader" >"$out/loader.token"
cat >"$out/stats.credentials" <<TXT
# stats-service: who may call, by token hash or certificate name
token $(hash "$loader") stats-loader stats.writer
token $(hash "$admin") imdi-admin stats.admin
cert award-service award-service award.service
TXT
cat >"$out/award.credentials" <<TXT
# award-service: who may call
token $(hash "$admin") imdi-admin award.admin
TXT
# The CA's key is not needed once the certificates are signed. The files are
# readable for the containers' user (10001); the directory is the host
# owner's alone.
rm -f "$out/ca.key" "$out/ca.srl"
chmod 0644 "$out"/*
chmod 0700 "$out"
echo "secrets in $out; tokens: admin.token, loader.token"
