#!/usr/bin/env bash
# End to end: the google.rpc error details of both services (ErrorInfo,
# BadRequest, PreconditionFailure), read by a client that knows only what
# each server's reflection serves. For each service: its reflection
# describes every detail type (FileContainingSymbol, as grpcurl asks when it
# meets an Any); a call made to fail with buf curl; its details decoded by
# scripts/decode-error.sh with a FileDescriptorSet made from that
# reflection alone (no proto files), showing the ErrorInfo reason and the
# violation. buf curl itself prints details as base64: it decodes them only
# with the types compiled into buf, never with reflection (reported below).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DETAIL_TYPES=(google.rpc.ErrorInfo google.rpc.BadRequest google.rpc.PreconditionFailure)

# varint N: N as a protobuf varint, in bytes.
varint() {
  local n="$1"
  while [ "$n" -ge 128 ]; do
    printf "\\$(printf %03o $(((n & 127) | 128)))"
    n=$((n >> 7))
  done
  printf "\\$(printf %03o "$n")"
}

# reflection_schema PORT OUT: OUT is a FileDescriptorSet of the files that
# define DETAIL_TYPES with their dependencies, as the server's reflection
# serves them; fails a check for each type it cannot describe.
reflection_schema() {
  local port="$1" out="$2" type reply
  : >"$out.files"
  for type in "${DETAIL_TYPES[@]}"; do
    reply="$("$BUF" curl --protocol grpc --http2-prior-knowledge --reflect-protocol grpc-v1alpha \
      "http://127.0.0.1:$port/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo" \
      -d "{\"file_containing_symbol\": \"$type\"}")" || { fail "reflection request for $type"; continue; }
    if jq -e '.errorResponse' <<<"$reply" >/dev/null; then
      fail "port $port: reflection cannot describe $type: $(jq -c .errorResponse <<<"$reply")"
      continue
    fi
    say "ok: port $port: reflection describes $type"
    # The file comes first, then its dependencies: reversed, dependencies first.
    jq -r '.fileDescriptorResponse.fileDescriptorProto[]' <<<"$reply" | tac >>"$out.files"
  done
  : >"$out"
  local file
  awk '!seen[$0]++' "$out.files" | while read -r file; do
    printf '\012' >>"$out"  # field 1 (file), length-delimited
    varint "$(base64 -d <<<"$file" | wc -c)" >>"$out"
    base64 -d <<<"$file" >>"$out"
  done
}

# expect_details PORT METHOD JSON CODE REASON DETAIL_TYPE JQ: the call fails
# with CODE; decoded with the reflection schema of PORT, its ErrorInfo has
# REASON and its DETAIL_TYPE detail satisfies JQ.
expect_details() {
  local port="$1" method="$2" body="$3" code="$4" reason="$5" type="$6" query="$7"
  expect_code "$port" "$method" "$body" "$code"
  if jq -e '.details[]? | has("debug")' "$WORK/last_error" >/dev/null 2>&1; then
    say "note: buf curl decoded the details itself"
  else
    say "note: buf curl printed the details as base64 only"
  fi
  local decoded
  decoded="$("$ROOT/scripts/decode-error.sh" --schema "$WORK/schema-$port.binpb" <"$WORK/last_error")"
  expect_eq "$method: ErrorInfo.reason" "$reason" \
    "$(jq -r '.details[] | select(.type == "google.rpc.ErrorInfo") | .debug.reason' <<<"$decoded")"
  if jq -e --arg t "$type" ".details[] | select(.type == \$t) | .debug | $query" <<<"$decoded" >/dev/null; then
    say "ok: $method: $type decoded: $(jq -c --arg t "$type" '.details[] | select(.type == $t) | .debug' <<<"$decoded")"
  else
    fail "$method: expected $type with $query; decoded: $decoded"
  fi
}

start_service stats "$WORK/stats.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$WORK/stats" --sync=false --insecure_dev
STATS="$PORT"
STATS_PID="$LAST_PID"
start_service award "$WORK/award.log" "$BUILD_DIR/award-service/award-service" \
  --data_dir="$WORK/award" --sync=false --insecure_dev --stats_target="127.0.0.1:$STATS"
AWARD="$PORT"
AWARD_PID="$LAST_PID"

say "-- stats-service"
reflection_schema "$STATS" "$WORK/schema-$STATS.binpb"
expect_details "$STATS" imdi.stats.v1.StatsService/GetFigures \
  '{"municipality_code": "96", "year": 2014}' 3 INVALID_FIELD google.rpc.BadRequest \
  '.fieldViolations[0].field == "municipality_code"'

say "-- award-service"
reflection_schema "$AWARD" "$WORK/schema-$AWARD.binpb"
expect_details "$AWARD" imdi.award.v1.AwardService/EvaluateMunicipality \
  '{"cycle_id": "2016", "municipality_code": "abc"}' 3 INVALID_FIELD google.rpc.BadRequest \
  '.fieldViolations[0].field == "municipality_code"'
"$BUILD_DIR/tools/imdictl" create-cycle --award_target="127.0.0.1:$AWARD" --cycle_id=2016 \
  data/award/bosettingsprisen-2016.json >"$WORK/create.out" 2>&1 ||
  { cat "$WORK/create.out" >&2; fail "create-cycle failed"; }
etag="$(call "$AWARD" imdi.award.v1.AwardService/GetCycle '{"cycle_id": "2016"}' | jq -r .cycle.etag)"
expect_details "$AWARD" imdi.award.v1.AwardService/AnnounceNominees \
  "{\"cycle_id\": \"2016\", \"etag\": \"$etag\", \"request_id\": \"announce-2016\"}" 9 \
  WRONG_STATE google.rpc.PreconditionFailure '.violations[0].type != null'

stop_service "$AWARD_PID"
stop_service "$STATS_PID"
finish
