#!/usr/bin/env bash
# A throwaway PKI for tests: a CA, a server certificate for localhost and
# 127.0.0.1, and one client certificate per common name given.
#
#   make_pki.sh DIR [CLIENT_CN...]
#
# Writes DIR/ca.pem, DIR/server.{pem,key} and DIR/<cn>.{pem,key}; EC P-256
# keys, valid for DAYS days (default 2). SERVER_SANS overrides the server
# certificate's names (default DNS:localhost,IP:127.0.0.1).
set -euo pipefail
dir="$1"
shift
mkdir -p "$dir"
cd "$dir"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
key ca.key
days="${DAYS:-2}"
openssl req -x509 -new -key ca.key -out ca.pem -days "$days" -subj "/CN=IMDi test CA" 2>/dev/null
sign() {  # sign NAME SUBJECT EXTENSIONS
  key "$1.key"
  openssl req -new -key "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  printf '%b' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$1.pem" \
    -days "$days" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
sign server "/CN=localhost" "subjectAltName=${SERVER_SANS:-DNS:localhost,IP:127.0.0.1}\nextendedKeyUsage=serverAuth\n"
for cn in "$@"; do
  sign "$cn" "/CN=$cn" "extendedKeyUsage=clientAuth\n"
done
