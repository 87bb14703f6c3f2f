#!/usr/bin/env bash
# End to end: the bundled figures exported with `imdictl figures export` from
# the real stats-service. The JSON-stat dataset is read with jsonstat-toolkit
# (npm, an independent reader) and its values checked against the store read
# with buf curl; the CSV is imported into an empty store and exported again,
# byte for byte the same; bad requests fail with their field.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMDICTL="$BUILD_DIR/tools/imdictl"
S=imdi.stats.v1.StatsService
NODE_MODULES="${NODE_MODULES:-$PWD/tools/node/node_modules}"
[ -f "$NODE_MODULES/jsonstat-toolkit/package.json" ] ||
  { say "jsonstat-toolkit is not installed in $NODE_MODULES (scripts/setup.sh installs it)"; exit 1; }

# start_store NAME: a stats-service on a fresh store with the municipalities.
start_store() {
  start_service "$1" "$WORK/$1.log" "$BUILD_DIR/stats-service/stats-service" \
    --data_dir="$WORK/$1" --sync=false --insecure_dev
  "$IMDICTL" municipalities load --target="127.0.0.1:$PORT" >"$WORK/$1.load" 2>&1 ||
    { cat "$WORK/$1.load" >&2; fail "municipalities load failed"; exit 1; }
}

# jsonstat FILE EXPRESSION: evaluates EXPRESSION with `ds` the dataset as
# jsonstat-toolkit reads it; prints the result as JSON.
jsonstat() {
  NODE_PATH="$NODE_MODULES" node -e '
    const JSONstat = require("jsonstat-toolkit");
    const ds = JSONstat(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")));
    if (ds.class !== "dataset") throw new Error("not a JSON-stat dataset: " + ds.error);
    console.log(JSON.stringify(eval(process.argv[2])));' "$1" "$2"
}

say "-- a store with the bundled figures: 2012-2014 and 2016-2017 final, 2015 preliminary"
start_store source
A="$PORT"
"$IMDICTL" figures import --target="127.0.0.1:$A" data/imdikator/*.csv \
  data/published/figures-2016-2017.csv >"$WORK/import.out" 2>&1 || true
"$IMDICTL" figures import --target="127.0.0.1:$A" --status=preliminary --known_date=2016-01-26 \
  data/imdikator-2015-2016/bosatt_anmodede-kommune-2015.csv >"$WORK/import2015.out" 2>&1 ||
  { cat "$WORK/import2015.out" >&2; fail "import of 2015 failed"; }

say "-- JSON-stat, read with jsonstat-toolkit"
"$IMDICTL" figures export --target="127.0.0.1:$A" --format=jsonstat --year=2015,2016 \
  --out="$WORK/figures.json" 2>"$WORK/export.err" || { cat "$WORK/export.err" >&2; fail "jsonstat export"; }
cat "$WORK/export.err" >&2
DS="$WORK/figures.json"
expect_eq "dimensions" '["Region","Tid","ContentsCode"]' "$(jsonstat "$DS" 'ds.id')"
expect_eq "years" '["2015","2016"]' "$(jsonstat "$DS" 'ds.Dimension("Tid").id')"
expect_eq "cells = the product of the sizes" true \
  "$(jsonstat "$DS" 'ds.n === ds.size.reduce((a, b) => a * b, 1) && ds.value.length === ds.n')"
expect_eq "Trondheim, by its current code and name" '"Trondheim - Tråante"' \
  "$(jsonstat "$DS" 'ds.Dimension("Region").Category("5001").label')"
expect_eq "the settled measure's label" '"Bosatte flyktninger (bosatt)"' \
  "$(jsonstat "$DS" 'ds.Dimension("ContentsCode").Category("refugees_settled").label')"
stored="$(call "$A" $S/GetFigures '{"municipality_code":"1601","year":2015}')"
settled_2015="$(jq '.figures.refugeesSettled' <<<"$stored")"
expect_eq "the store's Trondheim settled 2015 is preliminary" FIGURES_STATUS_PRELIMINARY \
  "$(jq -r '.figures.status' <<<"$stored")"
expect_eq "Trondheim settled 2015 (jsonstat-toolkit = GetFigures)" \
  "{\"value\":$settled_2015,\"status\":\"p\"}" \
  "$(jsonstat "$DS" 'ds.Data({Region: "5001", Tid: "2015", ContentsCode: "refugees_settled"})')"
stored_2016="$(call "$A" $S/GetFigures '{"municipality_code":"5001","year":2016}')"
expect_eq "Trondheim settled 2016 (final)" \
  "{\"value\":$(jq '.figures.refugeesSettled' <<<"$stored_2016"),\"status\":\"f\"}" \
  "$(jsonstat "$DS" 'ds.Data({Region: "5001", Tid: "2016", ContentsCode: "refugees_settled"})')"
expect_eq "the store has no population for Trondheim 2015" null \
  "$(jq '.figures.population' <<<"$stored")"
expect_eq "unknown is null, without a status" '{"value":null,"status":null}' \
  "$(jsonstat "$DS" 'ds.Data({Region: "5001", Tid: "2015", ContentsCode: "population"})')"
expect_eq "no value is 0 where the store has none" true \
  "$(jsonstat "$DS" 'ds.Data({Region: "0301", Tid: "2015", ContentsCode: "family_reunified"}).value === null')"
expect_eq "the data version is stated" true \
  "$(jsonstat "$DS" 'ds.extension.data_version > 0')"
expect_eq "the attribution is in the note" true \
  "$(jsonstat "$DS" 'ds.note.some(n => n.includes("NLOD"))')"
"$IMDICTL" figures export --target="127.0.0.1:$A" --format=jsonstat --year=2015 \
  --region=MIDT_NORGE --language=en --out="$WORK/midt.json" 2>/dev/null
expect_eq "IMDi Midt-Norge only, Trondheim in it" true \
  "$(jsonstat "$WORK/midt.json" 'ds.Dimension("Region").id.includes("5001") && !ds.Dimension("Region").id.includes("0301")')"
expect_eq "English labels on request" '"Refugees settled"' \
  "$(jsonstat "$WORK/midt.json" 'ds.Dimension("ContentsCode").Category("refugees_settled").label')"

say "-- CSV: exported, imported into an empty store, exported again"
"$IMDICTL" figures export --target="127.0.0.1:$A" --format=csv --year=2012-2017 \
  --out="$WORK/a.csv" 2>"$WORK/export.err" || { cat "$WORK/export.err" >&2; fail "csv export"; }
cat "$WORK/export.err" >&2
start_store copy
B="$PORT"
"$IMDICTL" figures import --target="127.0.0.1:$B" "$WORK/a.csv" >"$WORK/copy.out" 2>&1 ||
  { cat "$WORK/copy.out" >&2; fail "the export does not import cleanly"; }
grep -q "0 rejected" "$WORK/copy.out" || { cat "$WORK/copy.out" >&2; fail "rows rejected"; }
"$IMDICTL" figures export --target="127.0.0.1:$B" --format=csv --year=2012-2017 \
  --out="$WORK/b.csv" 2>/dev/null
expect_eq "rows exported" "$(wc -l <"$WORK/a.csv")" "$(wc -l <"$WORK/b.csv")"
if cmp -s "$WORK/a.csv" "$WORK/b.csv"; then
  say "ok: the copy exports the same $(($(wc -l <"$WORK/a.csv") - 1)) rows, byte for byte"
else
  diff "$WORK/a.csv" "$WORK/b.csv" | head -5 >&2
  fail "the copy's export differs"
fi
expect_eq "Trondheim settled 2015 in the copy" "$settled_2015" \
  "$(call "$B" $S/GetFigures '{"municipality_code":"1601","year":2015}' | jq '.figures.refugeesSettled')"

say "-- bad requests"
rc=0
"$IMDICTL" figures export --target="127.0.0.1:$A" --format=csv 2>"$WORK/err" >/dev/null || rc=$?
expect_eq "no --year: usage" 2 "$rc"
rc=0
"$IMDICTL" figures export --target="127.0.0.1:$A" --format=csv --year=1800 \
  --out="$WORK/bad.csv" 2>"$WORK/err" >/dev/null || rc=$?
expect_eq "a year out of range: the service refuses" 4 "$rc"
grep -q "INVALID_ARGUMENT" "$WORK/err" && grep -q "years\[0\]" "$WORK/err" ||
  { cat "$WORK/err" >&2; fail "the refusal does not name the field"; }
[ ! -e "$WORK/bad.csv" ] && [ ! -e "$WORK/bad.csv.partial" ] || fail "a failed export left a file"
expect_code "$A" $S/ExportFigures '{"format":"EXPORT_FORMAT_JSON_STAT","years":[2015],"municipality_codes":["9998"]}' 5
finish
