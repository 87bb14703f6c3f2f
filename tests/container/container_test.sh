#!/usr/bin/env bash
# The services' container image built and run for real with podman (ctest
# label `container`):
#
#   1. scripts/build-image.sh builds deploy/Dockerfile (Debian 12 bases made
#      with mmdebstrap, no registry); the image runs as user 10001 and holds
#      the three binaries, their runtime libraries and the bundled data.
#   2. Both services in containers on a podman network with TLS between them
#      (the award service's client certificate is its identity at the
#      statistics service), secrets made by deploy/compose/make-secrets.sh,
#      the bundled data loaded with the image's own imdictl as
#      deploy/README.md says; queried with buf curl over TLS through
#      published 127.0.0.1 ports; SIGHUP reloads the credentials as
#      deploy/README.md says; stopped, removed, started again as new
#      containers on the same volumes: the same data version, figures,
#      evaluation and winners.
#   3. deploy/compose/compose.yaml brought up with podman-compose, loaded and
#      queried the same way, brought down and up again: the data is kept.
#
# Everything it makes (containers, volumes, networks) is named after the
# run and removed on exit; the host ports are free ones podman picks. Needs
# root, podman, mmdebstrap, runc, podman-compose (scripts/test.sh installs
# them), jq, openssl and BUF.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${BUF:?BUF must name the buf binary}"
IMAGE=imdi/imdi-services:1.0.0
RUN="imdi-ctest-$$"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/imdi-container-XXXXXX")"
SECRETS="$WORK/secrets"
S=imdi.stats.v1.StatsService
A=imdi.award.v1.AwardService
FAILURES=0
STARTED=$SECONDS

say() { printf '%s\n' "$*" >&2; }
fail() {
  say "FAIL: $*"
  FAILURES=$((FAILURES + 1))
}
expect_eq() {
  if [ "$2" = "$3" ]; then say "ok: $1 = $3"; else fail "$1: expected '$2', got '$3'"; fi
}
# expect_same WHAT FILE1 FILE2: the same lines, else the difference.
expect_same() {
  if cmp -s "$2" "$3"; then
    say "ok: $1 ($(wc -l <"$2") reads the same)"
  else
    fail "$1 differ:"
    diff "$2" "$3" | cut -c1-300 >&2 || true
  fi
}

compose() {
  IMDI_SECRETS="$SECRETS" IMDI_STATS_PORT="" IMDI_AWARD_PORT="" \
    IMDI_STATS_METRICS_PORT="" IMDI_AWARD_METRICS_PORT="" \
    timeout 300 podman-compose -p "$RUN-compose" -f "$ROOT/deploy/compose/compose.yaml" "$@"
}

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ] || [ "$FAILURES" -ne 0 ]; then
    for c in $(podman ps -a --format '{{.Names}}' | grep "^$RUN" || true); do
      say "--- log of $c"
      podman logs "$c" 2>&1 | tail -n 40 >&2 || true
    done
  fi
  compose down -v >/dev/null 2>&1 || true
  podman ps -a --format '{{.Names}}' | grep "^$RUN" | xargs -r podman rm -f -t 0 >/dev/null 2>&1 || true
  podman volume ls --format '{{.Name}}' | grep "^$RUN" | xargs -r podman volume rm -f >/dev/null 2>&1 || true
  podman network ls --format '{{.Name}}' | grep "^$RUN" | xargs -r podman network rm -f >/dev/null 2>&1 || true
  podman pod ls --format '{{.Name}}' | grep "$RUN" | xargs -r podman pod rm -f >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# in_image COMMAND...: runs COMMAND in a throwaway container of the image.
in_image() { timeout 120 podman run --rm --network none "$IMAGE" "$@"; }

# call PORT TOKEN SERVICE/METHOD [JSON]: buf curl over TLS with the CA.
call() {
  local port="$1" token="$2" method="$3" body="${4:-{\}}"
  timeout 60 "$BUF" curl --protocol grpc --cacert "$SECRETS/ca.pem" \
    -H "Authorization: Bearer $(cat "$SECRETS/$token.token")" \
    "https://127.0.0.1:$port/$method" -d "$body" 2>"$WORK/last_error"
}

# host_port CONTAINER PORT: the 127.0.0.1 port published for PORT.
host_port() { podman port "$1" "$2/tcp" | head -n1 | sed 's/.*://'; }

# wait_serving PORT SERVICE: its health over TLS reaches SERVING (60 s).
wait_serving() {
  local got=""
  for _ in $(seq 1 120); do
    got="$(timeout 10 "$BUF" curl --protocol grpc --cacert "$SECRETS/ca.pem" \
      "https://127.0.0.1:$1/grpc.health.v1.Health/Check" -d "{\"service\":\"$2\"}" 2>/dev/null |
      jq -r .status 2>/dev/null || true)"
    [ "$got" = SERVING ] && break
    sleep 0.5
  done
  expect_eq "$2 health through 127.0.0.1:$1" SERVING "$got"
  [ "$got" = SERVING ]
}

# imdictl NETWORK TOKEN COMMAND...: the image's imdictl in a throwaway
# container on NETWORK, the command deploy/README.md gives.
imdictl() {
  local network="$1" token="$2"
  shift 2
  timeout 300 podman run --rm --network "$network" \
    -e IMDI_STATS=stats:50051 -e IMDI_AWARD=award:50052 \
    -e IMDI_TLS_CA=/run/secrets/ca.pem -e IMDI_TOKEN_FILE=/run/secrets/imdi.token \
    -v "$SECRETS/ca.pem:/run/secrets/ca.pem:ro" \
    -v "$SECRETS/$token.token:/run/secrets/imdi.token:ro" \
    "$IMAGE" imdictl "$@"
}

# load NETWORK: the bundled data, with the image's imdictl and its data.
load() {
  local network="$1" data=/usr/share/imdi/data status
  imdictl "$network" loader municipalities load >"$WORK/load.out" 2>&1 ||
    { cat "$WORK/load.out" >&2; fail "municipalities load"; return 1; }
  status=0
  imdictl "$network" loader figures import \
    "$data"/imdikator/bosatt_anmodede.csv "$data"/imdikator/bosetting.csv \
    "$data"/published/figures-2016-2017.csv >>"$WORK/load.out" 2>&1 || status=$?
  # 1: rows the files get wrong are rejected and listed (data/README.md).
  [ "$status" -le 1 ] || { cat "$WORK/load.out" >&2; fail "figures import: $status"; return 1; }
  imdictl "$network" admin cycle create --cycle=2016 "$data"/award/bosettingsprisen-2016.json \
    >>"$WORK/load.out" 2>&1 || { cat "$WORK/load.out" >&2; fail "cycle create"; return 1; }
  imdictl "$network" admin winners load "$data"/published/award-history.csv \
    >>"$WORK/load.out" 2>&1 || { cat "$WORK/load.out" >&2; fail "winners load"; return 1; }
}

# snapshot STATS_PORT AWARD_PORT: what must survive a restart, one line each
# (without the times and dates of the load, which differ between two loads).
snapshot() {
  local plain='walk(if type == "object" then del(.updateTime, .knownDate, .etag)
    elif type == "string" then gsub("known [0-9]{4}-[0-9]{2}-[0-9]{2}"; "known DATE") else . end)'
  call "$1" loader $S/GetDataVersion | jq -c '{dataVersion}'
  call "$1" loader $S/GetFigures '{"municipality_code":"1601","year":2016}' | jq -c "$plain"
  call "$1" loader $S/ListMunicipalities '{"page_size":1000}' | jq -c '[.municipalities | length]'
  # The award service reads the figures from the statistics service over
  # mutual TLS.
  call "$2" admin $A/EvaluateMunicipality '{"cycle_id":"2016","municipality_code":"1601"}' |
    jq -c "$plain"
  call "$2" admin $A/ListWinners | jq -c '[.winners[] | [.awardYear, .municipalityName]]'
  call "$2" admin $A/ListCycles | jq -c '[.cycles[].cycleId]'
}

# ------------------------------------------------------------------------------
say "-- building $IMAGE"
build_started=$SECONDS
bash "$ROOT/scripts/build-image.sh" >"$WORK/build.log" 2>&1 ||
  { tail -n 60 "$WORK/build.log" >&2; fail "the image did not build"; exit 1; }
say "image built in $((SECONDS - build_started)) s"

say "-- the image: non-root, the binaries, their libraries and the data only"
expect_eq "image user" "10001:10001" "$(podman image inspect --format '{{.Config.User}}' "$IMAGE")"
expect_eq "user in a container" "10001" "$(in_image id -u)"
expect_eq "binaries" "award-service imdictl stats-service" \
  "$(in_image ls /usr/local/bin | tr '\n' ' ' | sed 's/ $//')"
missing="$(in_image sh -c 'ldd /usr/local/bin/* | grep "not found"' || true)"
expect_eq "libraries not found" "" "$missing"
expect_eq "no compiler or build tools" "" \
  "$(in_image sh -c 'for t in cc c++ g++ cmake ninja protoc make; do command -v $t; done' || true)"
expect_eq "bundled data" "ok" \
  "$(in_image sh -c 'test -s /usr/share/imdi/data/regions/kommuner.json && echo ok')"
say "image size: $(podman image inspect --format '{{.Size}}' "$IMAGE") bytes"

say "-- secrets with deploy/compose/make-secrets.sh"
bash "$ROOT/deploy/compose/make-secrets.sh" "$SECRETS" >/dev/null

# ------------------------------------------------------------------------------
NET="$RUN-net"
podman network create "$NET" >/dev/null
podman volume create "$RUN-stats" >/dev/null
podman volume create "$RUN-award" >/dev/null

mount_secrets() {
  for s in "$@"; do printf -- '-v\n%s:/run/secrets/%s:ro\n' "$SECRETS/$s" "$s"; done
}

start_containers() {
  mapfile -t stats_secrets < <(mount_secrets ca.pem server.pem server.key stats.credentials)
  timeout 120 podman run -d --name "$RUN-stats" --network "$NET" --network-alias stats \
    -p 127.0.0.1::50051 -v "$RUN-stats:/var/lib/imdi/stats" "${stats_secrets[@]}" "$IMAGE" \
    stats-service --listen=0.0.0.0:50051 --data_dir=/var/lib/imdi/stats \
    --tls_cert=/run/secrets/server.pem --tls_key=/run/secrets/server.key \
    --tls_client_ca=/run/secrets/ca.pem --credentials=/run/secrets/stats.credentials >/dev/null
  mapfile -t award_secrets < <(mount_secrets ca.pem server.pem server.key award.credentials \
    award-service.pem award-service.key)
  timeout 120 podman run -d --name "$RUN-award" --network "$NET" --network-alias award \
    -p 127.0.0.1::50052 -v "$RUN-award:/var/lib/imdi/award" "${award_secrets[@]}" "$IMAGE" \
    award-service --listen=0.0.0.0:50052 --data_dir=/var/lib/imdi/award \
    --stats_target=stats:50051 \
    --comparables=/usr/share/imdi/data/regions/similarMunicipalities.json \
    --tls_cert=/run/secrets/server.pem --tls_key=/run/secrets/server.key \
    --tls_client_ca=/run/secrets/ca.pem --credentials=/run/secrets/award.credentials \
    --stats_tls_ca=/run/secrets/ca.pem --stats_tls_cert=/run/secrets/award-service.pem \
    --stats_tls_key=/run/secrets/award-service.key --health_interval_ms=500 >/dev/null
  SP="$(host_port "$RUN-stats" 50051)"
  AP="$(host_port "$RUN-award" 50052)"
  wait_serving "$SP" "$S" && wait_serving "$AP" "$A"
}

# stop_containers: SIGTERM, a clean exit (0) within the grace period, removed.
stop_containers() {
  for c in "$RUN-award" "$RUN-stats"; do
    timeout 60 podman stop -t 20 "$c" >/dev/null
    expect_eq "$c exit status after SIGTERM" 0 "$(podman inspect --format '{{.State.ExitCode}}' "$c")"
    podman rm "$c" >/dev/null
  done
}

say "-- both services in containers, TLS between them"
start_containers || exit 1
services="$(timeout 30 "$BUF" curl --protocol grpc --cacert "$SECRETS/ca.pem" --list-services \
  "https://127.0.0.1:$SP")"
grep -qx "$S" <<<"$services" || fail "reflection through the published port: $services"
status=0
timeout 30 "$BUF" curl --protocol grpc "http://127.0.0.1:$SP/$S/GetDataVersion" -d '{}' \
  >/dev/null 2>&1 || status=$?
[ "$status" -ne 0 ] || fail "plaintext is answered on the TLS port"

say "-- the bundled data, loaded with the image's imdictl"
load "$NET" || exit 1
snapshot "$SP" "$AP" >"$WORK/before.txt"
expect_eq "Trondheim's (1601) refugees settled in 2016" 627 \
  "$(sed -n 2p "$WORK/before.txt" | jq -r .figures.refugeesSettled)"
expect_eq "the award service's evaluation, with the figures read from stats" \
  "5001 $(sed -n 1p "$WORK/before.txt" | jq -r .dataVersion)" \
  "$(sed -n 4p "$WORK/before.txt" | jq -r '"\(.evaluation.municipalityCode) \(.evaluation.dataVersion)"')"
expect_eq "winners loaded" 14 "$(sed -n 5p "$WORK/before.txt" | jq length)"
cut -c1-160 "$WORK/before.txt" >&2

# expect_reloaded CONTAINER: its log says SIGHUP reloaded the credentials (10 s).
expect_reloaded() {
  local reloaded=0
  for _ in $(seq 1 40); do
    reloaded="$(podman logs "$1" 2>&1 | grep -c 'SIGHUP: credentials reloaded' || true)"
    [ "$reloaded" -ge 1 ] && break
    sleep 0.25
  done
  expect_eq "$1: credentials reloaded on SIGHUP" 1 "$reloaded"
}

say "-- deploy/README.md: SIGHUP to PID 1 reloads the credentials"
timeout 30 podman exec "$RUN-stats" sh -c 'kill -HUP 1'
expect_reloaded "$RUN-stats"

say "-- stopped, removed and started again on the same volumes"
stop_containers
start_containers || exit 1
snapshot "$SP" "$AP" >"$WORK/after.txt"
expect_same "data after the restart" "$WORK/before.txt" "$WORK/after.txt"
stop_containers

# ------------------------------------------------------------------------------
say "-- deploy/compose with podman-compose"
compose_up() {
  compose up -d >"$WORK/compose.log" 2>&1 || { cat "$WORK/compose.log" >&2; return 1; }
  local stats award
  # podman-compose reports a container that failed to start only in its output.
  stats="$(podman ps --format '{{.Names}}' | grep "^$RUN-compose_stats" | head -n1)"
  award="$(podman ps --format '{{.Names}}' | grep "^$RUN-compose_award" | head -n1)"
  [ -n "$stats" ] && [ -n "$award" ] || { cat "$WORK/compose.log" >&2; return 1; }
  COMPOSE_STATS="$stats"
  SP="$(host_port "$stats" 50051)"
  AP="$(host_port "$award" 50052)"
  wait_serving "$SP" "$S" && wait_serving "$AP" "$A"
}
compose_up || { fail "podman-compose up"; exit 1; }
load "$RUN-compose_default" || exit 1
snapshot "$SP" "$AP" >"$WORK/compose-before.txt"
expect_same "compose: the same data as the containers" "$WORK/before.txt" \
  "$WORK/compose-before.txt"
# compose publishes each service's Prometheus endpoint on loopback; the load
# above went through the statistics service's ImportFigures.
metrics="$(curl -s --max-time 10 "http://127.0.0.1:$(host_port "$COMPOSE_STATS" 9464)/metrics" || true)"
expect_eq "compose: stats-service metrics count the import" "yes" \
  "$(grep -q '^imdi_grpc_server_handled_total{.*grpc_method="ImportFigures"' <<<"$metrics" && echo yes || echo no)"
compose exec stats sh -c 'kill -HUP 1' >"$WORK/compose.log" 2>&1 ||
  { cat "$WORK/compose.log" >&2; fail "podman-compose exec"; }
expect_reloaded "$COMPOSE_STATS"
compose down >"$WORK/compose.log" 2>&1 || { cat "$WORK/compose.log" >&2; fail "podman-compose down"; }
compose_up || { fail "podman-compose up again"; exit 1; }
snapshot "$SP" "$AP" >"$WORK/compose-after.txt"
expect_same "compose: data after down and up" "$WORK/compose-before.txt" \
  "$WORK/compose-after.txt"

say "container test: $((SECONDS - STARTED)) s"
if [ "$FAILURES" -ne 0 ]; then
  say "$FAILURES failure(s)"
  exit 1
fi
say "container test passed"
