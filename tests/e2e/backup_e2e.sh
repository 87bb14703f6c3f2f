#!/usr/bin/env bash
# End to end: backups and restore with the real binaries and imdictl. Both
# services serve with --backup_dir; imdictl takes, lists and verifies
# backups through the admin services; the services stop; each store is
# restored with --restore_from into a fresh directory; the services start
# on the restored stores and every export matches the one taken before:
# the figures with their revisions and the data version (statistics), the
# cycle with its nominations and audit trail, and the winners (award).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
STATS="$BUILD_DIR/stats-service/stats-service"
AWARD="$BUILD_DIR/award-service/award-service"
unset IMDICTL_CONFIG IMDICTL_OUTPUT IMDI_TOKEN_FILE IMDI_TLS_CA IMDI_ACTOR

# ctl ARGS...: stdout in $OUT, stderr in $ERR, exit status in $RC.
OUT="$WORK/out"
ERR="$WORK/err"
ctl() {
  say "imdictl $*"
  RC=0
  "$IMDICTL" "$@" >"$OUT" 2>"$ERR" || RC=$?
  [ -s "$ERR" ] && sed 's/^/  stderr: /' "$ERR" >&2
  return 0
}

start_both() {  # start_both STATS_DIR AWARD_DIR
  start_service stats "$WORK/stats-$1.log" "$STATS" --data_dir="$WORK/$1" --sync=false \
    --insecure_dev --backup_dir="$WORK/backups/stats" --backup_keep=3
  STATS_PID="$LAST_PID"
  export IMDI_STATS="127.0.0.1:$PORT"
  start_service award "$WORK/award-$2.log" "$AWARD" --data_dir="$WORK/$2" --sync=false \
    --insecure_dev --stats_target="$IMDI_STATS" --health_interval_ms=100 \
    --comparables=data/regions/similarMunicipalities.json --backup_dir="$WORK/backups/award"
  AWARD_PID="$LAST_PID"
  export IMDI_AWARD="127.0.0.1:$PORT"
}

# dump NAME: everything both services show, in files under $WORK/NAME.
dump() {
  mkdir -p "$WORK/$1"
  "$IMDICTL" data-version >"$WORK/$1/data-version"
  "$IMDICTL" figures export --output=json >"$WORK/$1/figures.json"
  for record in "0301 2014" "1601 2013" "5001 2012"; do
    # shellcheck disable=SC2086
    "$IMDICTL" figures history $record --output=json >>"$WORK/$1/history.json"
  done
  "$IMDICTL" municipalities list --output=json >"$WORK/$1/municipalities.json"
  "$IMDICTL" cycle export --cycle=2016 >"$WORK/$1/cycle-2016.json"
  "$IMDICTL" audit list --cycle=2016 --output=json >"$WORK/$1/audit-2016.json"
  "$IMDICTL" winners list --output=json >"$WORK/$1/winners.json"
}

say "-- both services with backups, and data"
start_both stats award
ctl municipalities load
expect_eq "municipalities load" 0 "$RC"
ctl figures import --status=preliminary data/imdikator/bosatt_anmodede.csv
expect_eq "preliminary import" 0 "$RC"
ctl figures import data/imdikator/bosatt_anmodede.csv data/imdikator/befolkning_alder.csv
[ "$RC" -le 1 ] || fail "final import: exit status $RC"  # 1: rows the files get wrong
ctl cycle create --cycle=2016 data/award/bosettingsprisen-2016.json
expect_eq "cycle create" 0 "$RC"
ctl cycle open --cycle=2016
expect_eq "cycle open" 0 "$RC"
ctl nomination submit --cycle=2016 tests/e2e/data/award-2016/nominations/trondheim.txt
expect_eq "nomination submit" 0 "$RC"
ctl winners load data/published/award-history.csv
expect_eq "winners load" 0 "$RC"

say "-- backups through the admin services"
for service in "${IMDI_STATS}:imdi.stats.v1.StatsAdminService" "${IMDI_AWARD}:imdi.award.v1.AwardAdminService"; do
  address="${service%:*}" name="${service##*:}"
  "$BUF" curl --protocol grpc --http2-prior-knowledge --list-services "http://$address" >"$WORK/services"
  grep -qx "$name" "$WORK/services" || fail "reflection does not list $name: $(cat "$WORK/services")"
  # Described too: buf curl builds the call from reflection alone.
  "$BUF" curl --protocol grpc --http2-prior-knowledge "http://$address/$name/ListBackups" >/dev/null ||
    fail "$name/ListBackups through reflection"
done
ctl backup list --service=stats
expect_eq "list before any backup" 0 "$RC"
expect_eq "listed rows before any backup" 1 "$(wc -l <"$OUT")"  # the header
ctl backup create --service=stats --output=json
expect_eq "stats backup create" 0 "$RC"
expect_eq "stats backup id" 1 "$(jq -r .backup.backupId "$OUT")"
expect_eq "stats backup data version" "$("$IMDICTL" data-version)" "$(jq -r .backup.dataVersion "$OUT")"
ctl backup create --service=award --output=json
expect_eq "award backup create" 0 "$RC"
expect_eq "award backup id" 1 "$(jq -r .backup.backupId "$OUT")"
ctl backup list --service=stats
expect_eq "stats backup list" 0 "$RC"
grep -q '^1 ' "$OUT" || fail "backup 1 not listed: $(cat "$OUT")"
ctl backup verify --service=stats --backup_id=1
expect_eq "stats backup verify" 0 "$RC"
ctl backup verify --service=award --backup_id=1
expect_eq "award backup verify" 0 "$RC"
ctl backup verify --service=award --backup_id=7
expect_eq "verify an unknown backup: exit status" 4 "$RC"
grep -q 'BACKUP_NOT_FOUND' "$ERR" || fail "no BACKUP_NOT_FOUND: $(cat "$ERR")"
ctl backup create --service=both
expect_eq "--service=both: usage" 2 "$RC"
dump before

say "-- changes after the backup are not restored"
ctl figures import --status=preliminary data/imdikator/befolkning_alder.csv
ctl cycle announce --cycle=2016
expect_eq "cycle announce" 0 "$RC"
dump changed
for f in data-version figures.json cycle-2016.json audit-2016.json; do
  cmp -s "$WORK/before/$f" "$WORK/changed/$f" && fail "$f did not change after the backup"
done
stop_service "$AWARD_PID"
stop_service "$STATS_PID"

say "-- restore into fresh directories, offline"
status=0
"$STATS" --restore_from="$WORK/backups/stats" --data_dir="$WORK/stats-restored" \
  2>"$WORK/restore-stats.log" || status=$?
expect_eq "stats restore exit status" 0 "$status"
grep -q 'restored backup 1' "$WORK/restore-stats.log" || fail "$(cat "$WORK/restore-stats.log")"
status=0
"$AWARD" --restore_from="$WORK/backups/award" --backup_id=1 --data_dir="$WORK/award-restored" \
  2>"$WORK/restore-award.log" || status=$?
expect_eq "award restore exit status" 0 "$status"

say "-- a store with data is kept unless --restore_overwrite"
status=0
"$STATS" --restore_from="$WORK/backups/stats" --data_dir="$WORK/stats" \
  2>"$WORK/refused.log" || status=$?
expect_eq "restore over a store: exit status" 2 "$status"
grep -q -- '--restore_overwrite' "$WORK/refused.log" || fail "no hint: $(cat "$WORK/refused.log")"
status=0
"$STATS" --restore_from="$WORK/nothing" --data_dir="$WORK/other" 2>/dev/null || status=$?
expect_eq "restore from a missing directory: exit status" 1 "$status"

say "-- the restored stores serve what the backups held"
start_both stats-restored award-restored
dump after
for f in data-version figures.json history.json municipalities.json cycle-2016.json \
  audit-2016.json winners.json; do
  if cmp -s "$WORK/before/$f" "$WORK/after/$f"; then
    say "ok: $f identical ($(wc -c <"$WORK/after/$f") bytes)"
  else
    fail "$f differs after the restore"
    diff <(head -c 2000 "$WORK/before/$f") <(head -c 2000 "$WORK/after/$f") >&2 || true
  fi
done
[ "$(jq -s '[.[].figures | length] | add' "$WORK/after/figures.json")" -gt 1000 ] ||
  fail "the export holds too few records"
ctl backup list --service=stats
expect_eq "the backups are still listed" 0 "$RC"
stop_service "$AWARD_PID"
stop_service "$STATS_PID"

finish
