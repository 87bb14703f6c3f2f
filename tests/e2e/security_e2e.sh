#!/usr/bin/env bash
# End to end with security: both real binaries with TLS (a throwaway CA),
# hashed bearer tokens made with `imdictl hash-token`, the award service
# reaching the statistics service with its client certificate, driven with
# buf curl; refusals, and credentials reloaded on SIGHUP.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
S=imdi.stats.v1.StatsService
A=imdi.award.v1.AwardService
PKI="$WORK/pki"
bash tests/testing/make_pki.sh "$PKI" award-service stranger

token() { printf '%s' "$1" >"$WORK/$1.token"; echo "$WORK/$1.token"; }
hash() { printf '%s\n' "$1" | "$IMDICTL" hash-token; }
write_credentials() {
  {
    echo "# who may call, by token hash or certificate name"
    echo "token $(hash loader-secret) stats-loader stats.writer"
    echo "token $(hash admin-secret) imdi-admin award.admin"
    echo "token $(hash midt-secret) imdi-midt-norge award.nominator region=IMDI_REGION_MIDT_NORGE"
    echo "token $(hash auditor-secret) riksrevisjon award.auditor"
    echo "cert award-service award-service award.service"
    for extra in "$@"; do echo "$extra"; done
  } >"$WORK/credentials"
}
write_credentials
TLS=(--tls_cert="$PKI/server.pem" --tls_key="$PKI/server.key" --tls_client_ca="$PKI/ca.pem"
     --credentials="$WORK/credentials")

# bcall PORT TOKEN METHOD JSON: buf curl over TLS with a bearer token ("" for none).
bcall() {
  local port="$1" secret="$2" method="$3" body="${4:-{\}}" headers=()
  [ -z "$secret" ] || headers=(-H "Authorization: Bearer $secret")
  "$BUF" curl --protocol grpc --cacert "$PKI/ca.pem" "${headers[@]}" \
    "https://127.0.0.1:$port/$method" -d "$body" 2>"$WORK/last_error"
}
# expect_status WHAT CODE PORT TOKEN METHOD JSON
expect_status() {
  local what="$1" code="$2" status=0
  shift 2
  bcall "$@" >/dev/null || status=$?
  expect_eq "$what" "$((code * 8))" "$status"
}

say "-- a production configuration without security refuses to start"
status=0
"$BUILD_DIR/stats-service/stats-service" --listen=127.0.0.1:0 --data_dir="$WORK/nostart" \
  2>"$WORK/nostart.log" || status=$?
expect_eq "stats-service without TLS or credentials: exit status" 2 "$status"
grep -q "refuses to start without security" "$WORK/nostart.log" || fail "no clear message: $(cat "$WORK/nostart.log")"
status=0
"$BUILD_DIR/stats-service/stats-service" --listen=0.0.0.0:0 --data_dir="$WORK/nostart" --insecure_dev \
  2>"$WORK/nostart.log" || status=$?
expect_eq "plaintext development mode off loopback: exit status" 2 "$status"

say "-- both services with TLS and credentials"
start_service stats "$WORK/stats.log" "$BUILD_DIR/stats-service/stats-service" \
  --data_dir="$WORK/stats" --sync=false "${TLS[@]}"
STATS_PID="$LAST_PID"
SP="$PORT"
start_service award "$WORK/award.log" "$BUILD_DIR/award-service/award-service" \
  --data_dir="$WORK/award" --sync=false --stats_target="127.0.0.1:$SP" "${TLS[@]}" \
  --stats_tls_ca="$PKI/ca.pem" --stats_tls_cert="$PKI/award-service.pem" \
  --stats_tls_key="$PKI/award-service.key" --health_interval_ms=100
AWARD_PID="$LAST_PID"
AP="$PORT"
grep -q "DEVELOPMENT MODE" "$WORK/stats.log" "$WORK/award.log" && fail "development mode logged in production"

say "-- health and reflection need no token"
for _ in $(seq 1 50); do
  [ "$(bcall "$AP" "" grpc.health.v1.Health/Check | jq -r .status 2>/dev/null)" = SERVING ] && break
  sleep 0.1
done
expect_eq "award health without a token" SERVING "$(bcall "$AP" "" grpc.health.v1.Health/Check | jq -r .status)"
services="$("$BUF" curl --protocol grpc --cacert "$PKI/ca.pem" --list-services "https://127.0.0.1:$SP")"
grep -qx "$S" <<<"$services" || fail "reflection over TLS does not list $S: $services"

say "-- loading data needs the writer's token"
status=0
"$IMDICTL" data-version --target="127.0.0.1:$SP" --tls_ca="$PKI/ca.pem" >/dev/null 2>&1 || status=$?
expect_eq "imdictl without a token: exit status" 4 "$status"
"$IMDICTL" load-municipalities --target="127.0.0.1:$SP" --tls_ca="$PKI/ca.pem" \
  --token_file="$(token loader-secret)" >"$WORK/load.out" 2>&1 || fail "load-municipalities: $(cat "$WORK/load.out")"
"$IMDICTL" import --target="127.0.0.1:$SP" --tls_ca="$PKI/ca.pem" --token_file="$WORK/loader-secret.token" \
  data/published/figures-2016-2017.csv >"$WORK/import.out" 2>&1 || fail "import: $(cat "$WORK/import.out")"
"$IMDICTL" create-cycle --award_target="127.0.0.1:$AP" --tls_ca="$PKI/ca.pem" \
  --token_file="$(token admin-secret)" --cycle_id=2016 data/award/bosettingsprisen-2016.json \
  >"$WORK/create.out" 2>&1 || fail "create-cycle: $(cat "$WORK/create.out")"

say "-- refusals: no token, a wrong token, a missing role, a nominator outside its region"
expect_status "GetDataVersion without a token" 16 "$SP" "" $S/GetDataVersion
expect_status "GetDataVersion with a wrong token" 16 "$SP" wrong-secret $S/GetDataVersion
expect_status "PutFigures by the award administrator" 7 "$SP" admin-secret $S/PutFigures '{}'
expect_status "CreateCycle by a nominator" 7 "$AP" midt-secret $A/CreateCycle '{"cycleId":"x"}'
expect_status "ListAuditEvents by a nominator, cycle exists" 7 "$AP" midt-secret $A/ListAuditEvents '{"cycleId":"2016"}'
msg_exists="$(jq -r .message "$WORK/last_error")"
expect_status "ListAuditEvents by a nominator, no such cycle" 7 "$AP" midt-secret $A/ListAuditEvents '{"cycleId":"1999"}'
expect_eq "the refusal does not say whether the cycle exists" "$msg_exists" "$(jq -r .message "$WORK/last_error")"
bcall "$AP" admin-secret $A/OpenNominations '{"cycleId":"2016"}' >/dev/null || fail "OpenNominations by the admin"
expect_status "IMDi Midt-Norge nominating Bergen as IMDi Vest" 7 "$AP" midt-secret $A/SubmitNomination \
  '{"cycleId":"2016","municipalityCode":"1201","nominator":{"kind":"NOMINATOR_KIND_REGIONAL_OFFICE","imdiRegion":"IMDI_REGION_VEST"},"justification":"not ours to nominate"}'

say "-- accepted: the award service evaluates through its client certificate"
nomination="$(bcall "$AP" midt-secret $A/SubmitNomination '{"cycleId":"2016","municipalityCode":"1601","nominator":{"kind":"NOMINATOR_KIND_REGIONAL_OFFICE","imdiRegion":"IMDI_REGION_MIDT_NORGE"},"justification":"High and stable settlement over many years.","claims":[{"criterion":"creative_housing","justification":"Housing adapted to each person, in every district of the city."}]}')" ||
  fail "SubmitNomination by IMDi Midt-Norge: $(cat "$WORK/last_error")"
expect_eq "Trondheim nominated, evaluated over mTLS" '"VERDICT_MET"' "$(jq .nomination.evaluation.verdict <<<"$nomination")"
audit="$(bcall "$AP" auditor-secret $A/ListAuditEvents '{"cycleId":"2016"}')" || fail "ListAuditEvents by the auditor"
expect_eq "the nominator is the authenticated principal" '"imdi-midt-norge"' \
  "$(jq '[.events[] | select(.action == "SubmitNomination")][-1].actor' <<<"$audit")"
expect_eq "the refusal is in the audit trail" 1 \
  "$(jq '[.events[] | select(.detail | startswith("refused: NOMINATOR_NOT_BOUND"))] | length' <<<"$audit")"
grep -q "SubmitNomination PERMISSION_DENIED .* principal=imdi-midt-norge" "$WORK/award.log" ||
  fail "the refusal is not logged with its principal"

say "-- SIGHUP reloads the credentials"
expect_status "a reader not yet known" 16 "$SP" reader-secret $S/GetDataVersion
write_credentials "token $(hash reader-secret) stats-reader stats.reader"
kill -HUP "$STATS_PID"
for _ in $(seq 1 50); do grep -q "credentials reloaded" "$WORK/stats.log" && break; sleep 0.1; done
bcall "$SP" reader-secret $S/GetDataVersion >/dev/null || fail "the new reader after SIGHUP: $(cat "$WORK/last_error")"

say "-- SIGTERM"
stop_service "$AWARD_PID"
stop_service "$STATS_PID"
finish
