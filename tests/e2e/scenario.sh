# Runs an award scenario file against a running award-service with buf curl
# over server reflection. Source after lib.sh; call run_scenario PORT FILE.
#
# One step per line; `#` starts a comment. ${NAME} is replaced by a value
# saved earlier. Steps:
#   say TEXT                      print a heading
#   as ACTOR                      send x-actor: ACTOR from now on
#   call RPC JSON                 the call must succeed; its response is kept
#   stream RPC JSON               a server-streaming call; keeps {"messages": [...]}
#   expect JQ                     JQ (a jq boolean) holds on the kept response
#   save NAME JQ                  keep jq -r JQ of the response as ${NAME}
#   refuse RPC CODE REASON JSON   the call fails with gRPC CODE and ErrorInfo REASON
#   create CYCLE_ID FILE [JQ]     CreateCycle from a config file, edited by JQ
#   score CYCLE JUROR NOMINATION CRITERION=SCORE...   one SubmitScore each
#   size < BYTES                  the kept response's JSON, as buf curl printed
#                                 it, is smaller than BYTES
#   restart                       run the script's restart_award function
# RPC is a method of imdi.award.v1.AwardService, or SERVICE/METHOD.
#
# With SCENARIO_SIZES=FILE every call appends "METHOD REQUEST_BYTES
# REPLY_BYTES" to FILE (a refused call's reply counts 0), after a line
# "# FILE" naming the scenario.

AWARD_SERVICE=imdi.award.v1.AwardService
declare -A SCENARIO_VARS=()
SCENARIO_ACTOR=""
SCENARIO_RESPONSE="{}"

grpc_code_number() {
  case "$1" in
    CANCELLED) echo 1 ;; INVALID_ARGUMENT) echo 3 ;; DEADLINE_EXCEEDED) echo 4 ;;
    NOT_FOUND) echo 5 ;; ALREADY_EXISTS) echo 6 ;; PERMISSION_DENIED) echo 7 ;;
    FAILED_PRECONDITION) echo 9 ;; ABORTED) echo 10 ;; OUT_OF_RANGE) echo 11 ;;
    INTERNAL) echo 13 ;; UNAVAILABLE) echo 14 ;; UNAUTHENTICATED) echo 16 ;;
    *) echo "unknown gRPC code $1" >&2; echo 99 ;;
  esac
}

# The ErrorInfo reason of the last failed call. buf curl prints details as
# base64 (it decodes only the types compiled into buf); decode-error.sh adds
# each one decoded as "debug".
last_error_reason() {
  "$(dirname "${BASH_SOURCE[0]}")/../../scripts/decode-error.sh" <"$WORK/last_error" 2>/dev/null |
    jq -r '[.details[]? | select(.type == "google.rpc.ErrorInfo") | .debug.reason][0] // empty' \
      2>/dev/null || true
}

substitute() {
  local text="$1" name
  for name in "${!SCENARIO_VARS[@]}"; do text="${text//\$\{$name\}/${SCENARIO_VARS[$name]}}"; done
  printf '%s' "$text"
}

scenario_call() {
  local port="$1" method="$2" body="$3"
  [[ "$method" == */* ]] || method="$AWARD_SERVICE/$method"
  local headers=()
  [ -z "$SCENARIO_ACTOR" ] || headers=(-H "x-actor: $SCENARIO_ACTOR")
  local status=0
  "$BUF" curl --protocol grpc --http2-prior-knowledge --emit-defaults=false "${headers[@]}" \
    "http://127.0.0.1:$port/$method" -d "$body" 2>"$WORK/last_error" >"$WORK/last_reply" ||
    status=$?
  if [ -n "${SCENARIO_SIZES:-}" ]; then
    printf '%s %d %d\n' "${method##*/}" "$(printf '%s' "$body" | wc -c)" \
      "$([ "$status" -eq 0 ] && wc -c <"$WORK/last_reply" || echo 0)" >>"$SCENARIO_SIZES"
  fi
  cat "$WORK/last_reply"
  return "$status"
}

run_scenario() {
  local file="$1" lineno=0 line verb rest
  [ -z "${SCENARIO_SIZES:-}" ] || echo "# $(basename "$file")" >>"$SCENARIO_SIZES"
  while IFS= read -r line || [ -n "$line" ]; do
    lineno=$((lineno + 1))
    line="${line#"${line%%[![:space:]]*}"}"
    [ -z "$line" ] || [ "${line:0:1}" = "#" ] && continue
    line="$(substitute "$line")"
    verb="${line%% *}"
    rest=""
    [ "$verb" = "$line" ] || rest="${line#* }"
    local where="$(basename "$file"):$lineno"
    case "$verb" in
      say) say "-- $rest" ;;
      as) SCENARIO_ACTOR="$rest" ;;
      call)
        local method="${rest%% *}" body="${rest#* }"
        if SCENARIO_RESPONSE="$(scenario_call "$SCENARIO_PORT" "$method" "$body")"; then
          say "ok: $where $method"
        else
          fail "$where: $method failed: $(jq -c . "$WORK/last_error" 2>/dev/null || cat "$WORK/last_error")"
          SCENARIO_RESPONSE="{}"
        fi
        ;;
      stream)
        local method="${rest%% *}" body="${rest#* }" out
        if out="$(scenario_call "$SCENARIO_PORT" "$method" "$body")"; then
          SCENARIO_RESPONSE="$(jq -s '{messages: .}' <<<"$out")"
          say "ok: $where $method ($(jq '.messages | length' <<<"$SCENARIO_RESPONSE") messages)"
        else
          fail "$where: $method failed: $(jq -c . "$WORK/last_error" 2>/dev/null || cat "$WORK/last_error")"
          SCENARIO_RESPONSE="{}"
        fi
        ;;
      expect)
        if jq -e "$rest" >/dev/null 2>&1 <<<"$SCENARIO_RESPONSE"; then
          say "ok: $where $rest"
        else
          fail "$where: expected $rest; the response was $(jq -c . <<<"$SCENARIO_RESPONSE" | cut -c1-600)"
        fi
        ;;
      save)
        local name="${rest%% *}" query="${rest#* }"
        SCENARIO_VARS[$name]="$(jq -r "$query" <<<"$SCENARIO_RESPONSE")"
        say "ok: $where $name = ${SCENARIO_VARS[$name]}"
        ;;
      refuse)
        local method code reason body status=0
        read -r method code reason body <<<"$rest"
        scenario_call "$SCENARIO_PORT" "$method" "$body" >/dev/null || status=$?
        local got_reason
        got_reason="$(last_error_reason)"
        if [ "$status" -eq $(( $(grpc_code_number "$code") * 8 )) ] && [ "$got_reason" = "$reason" ]; then
          say "ok: $where $method refused: $code $reason: $(jq -r .message "$WORK/last_error" 2>/dev/null)"
        else
          fail "$where: expected $method to fail with $code $reason, got exit $status reason '$got_reason': $(cat "$WORK/last_error")"
        fi
        ;;
      create)
        local id file_arg filter
        read -r id file_arg filter <<<"$rest"
        local config
        config="$(jq -c "${filter:-.}" "$file_arg")"
        if SCENARIO_RESPONSE="$(scenario_call "$SCENARIO_PORT" CreateCycle \
            "{\"cycleId\":\"$id\",\"config\":$config,\"requestId\":\"create-$id\"}")"; then
          say "ok: $where created cycle $id"
        else
          fail "$where: CreateCycle $id failed: $(cat "$WORK/last_error")"
        fi
        ;;
      score)
        local cycle juror nomination pairs pair
        read -r cycle juror nomination pairs <<<"$rest"
        for pair in $pairs; do
          local criterion="${pair%%=*}" value="${pair#*=}"
          if ! SCENARIO_RESPONSE="$(scenario_call "$SCENARIO_PORT" SubmitScore \
              "{\"cycleId\":\"$cycle\",\"jurorId\":\"$juror\",\"nominationId\":\"$nomination\",\"criterion\":\"$criterion\",\"score\":$value,\"requestId\":\"score-$cycle-$juror-$nomination-$criterion\"}")"; then
            fail "$where: $juror scoring $nomination on $criterion failed: $(cat "$WORK/last_error")"
          fi
        done
        say "ok: $where $juror scored $nomination"
        ;;
      size)
        # The last call's reply as buf curl printed it (the kept response
        # is reformatted by the shell).
        local op bound bytes
        read -r op bound <<<"$rest"
        bytes="$(wc -c <"$WORK/last_reply")"
        if [ "$op" = "<" ] && [ "$bytes" -lt "$bound" ]; then
          say "ok: $where reply of $bytes bytes < $bound"
        else
          fail "$where: expected a reply smaller than $bound bytes, got $bytes"
        fi
        ;;
      restart) restart_award ;;
      *) fail "$where: unknown step '$verb'" ;;
    esac
  done <"$file"
}
