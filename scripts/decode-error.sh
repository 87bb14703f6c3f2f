#!/usr/bin/env bash
# Decodes the google.rpc error details in what `buf curl` prints.
#
#   bin/buf curl ... 2>&1 | scripts/decode-error.sh [--schema INPUT]
#
# buf curl prints a failed call's status as JSON with each detail as its type
# and base64 bytes ({"type": "google.rpc.ErrorInfo", "value": "Cg1J..."}):
# it decodes details only with the types compiled into buf itself, never
# with the server's reflection or --schema. This filter adds the decoded
# message to each detail as "debug" (the field buf and Connect use when they
# can decode one) and passes anything else through unchanged. INPUT is what
# `buf convert` takes as a schema: by default the checkout's proto/ (which
# holds google/rpc/error_details.proto); an image or a FileDescriptorSet
# works too, e.g. one made from a server's reflection.
#
# Needs jq and buf: BUF, else bin/buf, else the one scripts/setup.sh installs.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
schema="$ROOT/proto"
while [ $# -gt 0 ]; do
  case "$1" in
    --schema) schema="$2"; shift 2 ;;
    --schema=*) schema="${1#--schema=}"; shift ;;
    *) echo "usage: $0 [--schema INPUT] < buf-curl-output" >&2; exit 2 ;;
  esac
done
if [ -z "${BUF:-}" ]; then
  BUF="$ROOT/bin/buf"
  [ -x "$BUF" ] || BUF="$(ls "$ROOT"/tools/node/node_modules/@bufbuild/buf-linux-*/bin/buf 2>/dev/null | head -n 1)"
fi

input="$(cat)"
# One JSON object with a list of details; anything else (responses, a
# stream's messages, text) passes through.
if ! jq -se 'length == 1 and (.[0].details | type == "array")' <<<"$input" >/dev/null 2>&1; then
  printf '%s\n' "$input"
  exit 0
fi
count="$(jq '.details | length' <<<"$input")"
if [ ! -x "${BUF:-}" ]; then
  printf '%s\n' "$input"
  echo "decode-error.sh: buf not found (run scripts/run.sh or scripts/setup.sh); details left undecoded" >&2
  exit 1
fi

for ((i = 0; i < count; i++)); do
  jq -e ".details[$i] | has(\"debug\")" <<<"$input" >/dev/null && continue
  type="$(jq -r ".details[$i].type" <<<"$input")"
  value="$(jq -r ".details[$i].value" <<<"$input" | tr '_-' '/+')"
  while [ $((${#value} % 4)) -ne 0 ]; do value="$value="; done
  if decoded="$(base64 -d <<<"$value" |
      "$BUF" convert "$schema" --type "$type" --from -#format=binpb --to -#format=json 2>/dev/null)"; then
    input="$(jq --argjson debug "$decoded" ".details[$i].debug = \$debug" <<<"$input")"
  fi
done
jq . <<<"$input"
