#!/usr/bin/env bash
# Loads the bundled data into a running stats-service, as the main job does
# (and the end-to-end tests, which call this script so that they read what
# the main job loads): the municipalities with their code history, IMDi's
# statistics 2012-2014 and the published 2016-2017 figures, then IMDi's
# 2015-2016 files, the 2016 snapshots each as known on the date in its name.
# Rows the files get wrong are rejected and listed (imdictl exits 1 for
# them); any other failure stops the load.
#
#   scripts/load-stats-data.sh IMDICTL TARGET
set -euo pipefail

IMDICTL="$1"
TARGET="$2"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log() { printf '==> %s\n' "$*" >&2; }

# import ARGS...: imdictl import; exit status 1 (rows rejected) is expected.
import() {
  "$IMDICTL" import --target="$TARGET" "$@" || [ $? -eq 1 ]
}

log "loading municipalities (Statistics Norway code history, IMDi regions)"
"$IMDICTL" load-municipalities --target="$TARGET"
log "importing IMDi's statistics 2012-2014 and the published 2016-2017 figures"
# The follow-up file has county rows with fractional person counts, and two
# files name Harstad by its code until 2012 in later years.
import data/imdikator/*.csv data/published/figures-2016-2017.csv
# IMDi's 2015-2016 files, as published. The wide 2015-2017 tables predate
# the first 2016 snapshot (their 2016 decisions are below every snapshot's;
# data/README.md), so they are known on 2016-01-25 at the latest: dated so,
# every snapshot supersedes them, as it should. The snapshots follow in date
# order, each known on the date in its name.
N="data/imdikator-2015-2016"
log "importing the 2015 settlement figures"
import "$N/bosatt_anmodede-kommune-2015.csv"
log "importing the 2015-2017 tables, known by 2016-01-25"
import --known_date=2016-01-25 \
  "$N/bosatt_anmodede-kommune-2015_2017.csv" "$N/bosatt_anmodede-fylke-2015_2017.csv"
log "importing the 2016 snapshots (2016-01-26 to 2016-03-22), each as of its date"
import --known_date_from_name \
  "$N"/snapshots-2016/bosatt_anmodede-kommune-2015_2016-160126.csv \
  "$N"/snapshots-2016/bosatt_anmodede-kommune-2016-16{0202,0212,0218,0301,0308,0315,0322}.csv
