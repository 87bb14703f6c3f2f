#!/usr/bin/env bash
# The benchmark suite: the services measured against their own health
# check, PostgreSQL 15, raw RocksDB and a bare read, at 1x, 10x and 100x the
# bundled data, every ratio in one run (README.md, "Benchmarks").
#
#   bench/run.sh [--scales=1,10,100] [--rounds=5] [--duration=3] [--out=FILE] [--tiny]
#
# --scales    multiples of the bundled data: 1 is the bundled data, loaded as
#             scripts/load-stats-data.sh loads it; above 1, synthetic
#             municipalities and years are added (bench/imdi_bench.cc generate)
# --rounds    alternating pairs per ratio; each figure is the median
# --duration  seconds of each load run (h2load, pgbench)
# --out       where the tables are written too (default bench/results/LAST.md)
# --tiny      the smallest run, for the test: scale 1, one round, one second,
#             written to the temporary directory unless --out is given
#
# Environment: IMDI_BIN, a directory holding stats-service, award-service
# and imdictl to measure instead of the build's (e.g. IMDI_BIN=/work/baseline);
# BUILD_DIR and SKIP_BUILD=1 as for scripts/run.sh (the build provides
# bench's own tool, imdi_bench); KEEP_TMP=1 keeps the temporary directory.
#
# Installs what is missing (PostgreSQL 15 and h2load besides the build's
# packages), builds, then runs everything in a temporary directory on free
# ports of 127.0.0.1, and stops it all on exit. PostgreSQL refuses to run as
# root: as root it runs as the `postgres` user of the Debian package.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh"

SCALES=1,10,100
ROUNDS=5
DURATION=3
OUT="$ROOT/bench/results/LAST.md"
OUT_GIVEN=0
TINY=0
for arg in "$@"; do
  case "$arg" in
    --scales=*) SCALES="${arg#*=}" ;;
    --rounds=*) ROUNDS="${arg#*=}" ;;
    --duration=*) DURATION="${arg#*=}" ;;
    --out=*) OUT="${arg#*=}"; OUT_GIVEN=1 ;;
    --tiny) TINY=1 ;;
    -h | --help) sed -n '2,25p' "$0"; exit 0 ;;
    *) log "unknown argument: $arg (see --help)"; exit 2 ;;
  esac
done
if [ "$TINY" = 1 ]; then
  SCALES=1 ROUNDS=1 DURATION=1
fi

PACKAGES+=("${BENCH_PACKAGES[@]}")
if [ "${SKIP_BUILD:-0}" = 1 ]; then
  for tool in h2load pgbench psql; do
    command -v "$tool" >/dev/null || { log "$tool is missing: install ${BENCH_PACKAGES[*]}"; exit 1; }
  done
else
  setup_and_build
fi

BENCH_TOOL="$BUILD_DIR/bench/imdi_bench"
if [ -n "${IMDI_BIN:-}" ]; then
  STATS_BIN="$IMDI_BIN/stats-service" AWARD_BIN="$IMDI_BIN/award-service" IMDICTL="$IMDI_BIN/imdictl"
else
  STATS_BIN="$BUILD_DIR/stats-service/stats-service"
  AWARD_BIN="$BUILD_DIR/award-service/award-service"
  IMDICTL="$BUILD_DIR/tools/imdictl"
fi
for tool in "$BENCH_TOOL" "$STATS_BIN" "$AWARD_BIN" "$IMDICTL"; do
  [ -x "$tool" ] || { log "not built: $tool"; exit 1; }
done
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$PG_BIN/initdb" ] || { log "PostgreSQL is missing: install postgresql"; exit 1; }

# What is measured. The key GetFigures reads (Oslo 2014), the year
# StreamFigures and the PostgreSQL year select read, and the 2016 cycle,
# whose criteria read 2014-2016 (award-service/core/evaluator.cc, YearsRead).
GET_CODE=0301 GET_YEAR=2014 STREAM_YEAR=2014
CYCLE_FILE="$ROOT/data/award/bosettingsprisen-2016.json" CYCLE=2016 SCREEN_YEARS="year >= 2014 AND year <= 2016"
PK_KEYS=32  # PostgreSQL reads this many random keys of the loaded rows

TMP="$(mktemp -d "${TMPDIR:-/tmp}/imdi-bench.XXXXXX")"
chmod 755 "$TMP"  # PostgreSQL's user reaches its data directory in here
[ "$TINY" = 1 ] && [ "$OUT_GIVEN" = 0 ] && OUT="$TMP/LAST.md"

pids=()
PG_DATA=""
cleanup() {
  local status=$?
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$PG_DATA" ] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  if [ "${KEEP_TMP:-0}" = 1 ]; then log "kept $TMP"; else rm -rf "$TMP"; fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# as_pg CMD...: runs CMD as PostgreSQL's user (the `postgres` user when root).
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Arithmetic on decimals.
calc() { awk "BEGIN { printf \"%.6g\", $1 }"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# cpu_ticks PID: user + system clock ticks the process has used.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CLK_TCK="$(getconf CLK_TCK)"
# rss_mib PID FIELD: VmRSS or VmHWM in MiB.
rss_mib() { awk -v f="$2:" '$1 == f { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

# start_service NAME BIN DIR ARGS...: starts it on a free port of 127.0.0.1
# and sets ADDRESS and SERVICE_PID, as scripts/run.sh starts the services.
start_service() {
  local name="$1" bin="$2" dir="$3"
  shift 3
  local port_file="$dir/$name.port"
  local extra=()
  # The access log counts the calls between the services; a version that
  # turns it off by default gets it back on.
  if "$bin" --helpfull 2>&1 | grep -q -- '--access_log'; then extra+=(--access_log=true); fi
  "$bin" --listen=127.0.0.1:0 --port_file="$port_file" --insecure_dev --data_dir="$dir/$name" \
    "${extra[@]}" "$@" 2>>"$dir/$name.log" &
  SERVICE_PID=$!
  pids+=("$SERVICE_PID")
  for _ in $(seq 1 100); do
    [ -s "$port_file" ] && break
    kill -0 "$SERVICE_PID" 2>/dev/null || { log "$name did not start; see $dir/$name.log"; tail "$dir/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$port_file" ] || { log "$name did not report its port within 10 s"; exit 1; }
  ADDRESS="127.0.0.1:$(cat "$port_file")"
}

stop_service() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# PostgreSQL 15 in the temporary directory, on a free port of 127.0.0.1.
start_postgres() {
  PG_DATA="$TMP/postgres"
  mkdir -p "$PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DATA"
  as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C >"$TMP/initdb.log" 2>&1 ||
    { cat "$TMP/initdb.log" >&2; exit 1; }
  PG_PORT="$("$BENCH_TOOL" free-port)"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DATA -c max_connections=50" start >/dev/null ||
    { cat "$PG_DATA/server.log" >&2; exit 1; }
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
}

# load_postgres CSV: the figures as `imdictl figures export` prints them,
# into table figures with the same columns, primary key (municipality, year)
# and an index on year (what a PostgreSQL user would add for a year select).
load_postgres() {
  local csv="$1" columns=() column type
  IFS=, read -r -a columns < <(head -n 1 "$csv")
  local ddl="DROP TABLE IF EXISTS figures; CREATE TABLE figures ("
  for column in "${columns[@]}"; do
    case "$column" in
      municipality_code) type="text NOT NULL" ;;
      year) type="integer NOT NULL" ;;
      municipality_name | status) type="text" ;;
      *_pct) type="double precision" ;;
      *) type="bigint" ;;
    esac
    ddl+="$column $type, "
  done
  ddl+="PRIMARY KEY (municipality_code, year));"
  "${PSQL[@]}" -c "SET client_min_messages = warning; $ddl"
  "${PSQL[@]}" -c "\\copy figures FROM '$csv' WITH (FORMAT csv, HEADER true)"
  "${PSQL[@]}" -c "CREATE INDEX figures_year ON figures (year)"
  "${PSQL[@]}" -c "VACUUM ANALYZE figures"
}

# h2load_run OUT PATH BODY CLIENTS STREAMS [REQUESTS]: h2load for DURATION
# seconds (or REQUESTS requests) against the stats service; sets QPS,
# REQUESTS and CPU_US (the service's CPU per request, microseconds). Fails
# unless every request succeeded.
h2load_run() {
  local out="$1" path="$2" body="$3" clients="$4" streams="$5" amount=(-D "$DURATION")
  [ -n "${6:-}" ] && amount=(-n "$6")
  local before after
  before="$(cpu_ticks "$STATS_PID")"
  h2load "${amount[@]}" -c "$clients" -m "$streams" -t 2 -d "$body" \
    -H 'content-type: application/grpc' -H 'te: trailers' "http://$STATS$path" >"$out" 2>&1 ||
    { cat "$out" >&2; exit 1; }
  after="$(cpu_ticks "$STATS_PID")"
  QPS="$(awk '/^finished in/ { print $4 }' "$out")"
  REQUESTS="$(awk '/^requests:/ { print $6 }' "$out")"
  local failed
  failed="$(awk '/^requests:/ { print $10 + $12 + $14 + ($6 != $8) }' "$out")"
  if [ -z "$QPS" ] || [ "$failed" != 0 ] || [ "${REQUESTS:-0}" = 0 ]; then
    log "h2load $path: not every request succeeded"; cat "$out" >&2; exit 1
  fi
  CPU_US="$(calc "($after - $before) / $CLK_TCK / $REQUESTS * 1e6")"
}

# pgbench_run OUT SCRIPT_ARGS...: pgbench for DURATION seconds, prepared,
# 16 clients over TCP; sets TPS.
pgbench_run() {
  local out="$1"
  shift
  pgbench -n -M prepared -c 16 -j 2 -T "$DURATION" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@" postgres \
    >"$out" 2>&1 || { cat "$out" >&2; exit 1; }
  TPS="$(awk '/^tps = / { print $3 }' "$out")"
  if [ -z "$TPS" ] || grep -Eq '^number of failed transactions: [1-9]' "$out"; then
    log "pgbench: transactions failed"; cat "$out" >&2; exit 1
  fi
}

# fmt NUMBER: whole above 100, else three significant digits; n/a when empty.
fmt() {
  [ -z "$1" ] || [ "$1" = n/a ] && { echo n/a; return; }
  awk -v v="$1" 'BEGIN { if (v >= 100 || v <= -100) printf "%.0f", v; else printf "%.3g", v }'
}

# One row of a table: id, measure, services, reference, ratio, goal, holds.
# A figure that could not be measured is n/a, and the run fails at the end.
ROWS=()
MISSING=0
row() {
  local id="$1" measure="$2" ours theirs="$4" ratio="$5" goal="$6" holds="$7"
  ours="$(fmt "$3")"
  [ -n "$theirs" ] && theirs="$(fmt "$theirs")"
  if [ -n "$ratio" ]; then
    local unit=""
    [ "${ratio%×}" != "$ratio" ] && unit="×"
    ratio="$(fmt "${ratio%×}")$unit"
  fi
  for v in "$ours" "$ratio"; do [ "${v%×}" = n/a ] && MISSING=$((MISSING + 1)); done
  ROWS+=("| $id | $measure | $ours | $theirs | $ratio | $goal | $holds |")
}
# holds VALUE OP LIMIT: yes or no.
holds() { awk "BEGIN { print ($1 $2 $3) ? \"yes\" : \"no\" }"; }

# The imdictl that load-stats-data.sh calls, timing each call into $TIMES.
make_timed_imdictl() {
  cat >"$1" <<EOF
#!/usr/bin/env bash
start=\$(date +%s.%N)
status=0
"$IMDICTL" "\$@" || status=\$?
echo "\$1 \$start \$(date +%s.%N)" >>"$2"
exit \$status
EOF
  chmod +x "$1"
}

# access_log LOG: the stats service's per-call lines ("[id] Method CODE 1.23ms principal=...").
access_log() { grep -E '\] [A-Za-z]+ [A-Z_]+ [0-9.]+ms principal=' "$1" || true; }
# settled_log_size LOG: the bytes LOG has once no more come (calls the load
# generators cancelled are logged as they end; lines are written in batches).
settled_log_size() {
  local before after
  after="$(stat -c %s "$1")"
  while :; do
    before="$after"
    sleep 0.3
    after="$(stat -c %s "$1")"
    [ "$after" = "$before" ] && break
  done
  echo "$after"
}

# records_sent LOG: the records the imports sent, from imdictl's summaries.
records_sent() { grep -oE '[0-9]+ records sent:' "$1" | awk '{ n += $1 } END { print n + 0 }'; }

run_scale() {
  local k="$1" dir="$TMP/scale-$k"
  mkdir -p "$dir"
  log "scale ${k}x: loading"
  start_service stats-service "$STATS_BIN" "$dir"
  STATS="$ADDRESS" STATS_PID="$SERVICE_PID"
  for _ in $(seq 1 100); do "$IMDICTL" data-version --target="$STATS" >/dev/null 2>&1 && break; sleep 0.1; done

  # P3: the bundled files imported as scripts/load-stats-data.sh does,
  # every import call timed end to end; above 1x the synthetic file too.
  make_timed_imdictl "$dir/imdictl" "$dir/times"
  (cd "$ROOT" && scripts/load-stats-data.sh "$dir/imdictl" "$STATS") >"$dir/load.out" 2>&1 ||
    { tail -n 20 "$dir/load.out" >&2; exit 1; }
  local import_seconds records
  import_seconds="$(awk '$1 == "import" { s += $3 - $2 } END { print s }' "$dir/times")"
  records="$(records_sent "$dir/load.out")"
  read -r _ real_rows _ < <("$BENCH_TOOL" stream "$STATS" "")
  local synthetic="no synthetic data"
  if awk "BEGIN { exit !($k > 1) }"; then
    mkdir -p "$dir/synthetic"
    local munis first last generated
    read -r munis first last generated < <("$BENCH_TOOL" generate "$ROOT/data/klass/kommuner-1994-2024.csv" \
      "$k" "$real_rows" "$dir/synthetic")
    synthetic="$munis synthetic municipalities, $first-$last, $generated records"
    "$IMDICTL" load-municipalities --target="$STATS" --klass="$dir/synthetic/kommuner.csv" \
      --regions="$dir/synthetic/regions.json" >"$dir/synthetic.out" 2>&1 ||
      { cat "$dir/synthetic.out" >&2; exit 1; }
    : >"$dir/times"
    "$dir/imdictl" import --target="$STATS" "$dir/synthetic/bosatt_anmodede-kommune-syntetisk.csv" \
      >>"$dir/synthetic.out" 2>&1 || { tail -n 20 "$dir/synthetic.out" >&2; exit 1; }
    import_seconds="$(calc "$import_seconds + $(awk '$1 == "import" { s += $3 - $2 } END { print s }' "$dir/times")")"
    records=$((records + $(records_sent "$dir/synthetic.out")))
  fi
  local stats_peak stats_idle
  stats_peak="$(rss_mib "$STATS_PID" VmHWM)"
  local stored_rows
  read -r _ stored_rows _ < <("$BENCH_TOOL" stream "$STATS" "")
  # The raw writer: as many records, of the stored revisions' mean size.
  # The import runs once (a second one would change nothing); the writer,
  # cheap, once a round into a fresh store, and its median counts.
  local key_bytes value_bytes raw_seconds raw_runs=()
  read -r key_bytes value_bytes _ < <("$BENCH_TOOL" record-size "$dir/stats-service")
  for r in $(seq 1 "$ROUNDS"); do
    raw_runs+=("$("$BENCH_TOOL" raw-write "$dir/raw-$r" "$records" "$key_bytes" "$value_bytes" 5000)")
    rm -rf "$dir/raw-$r"
  done
  raw_seconds="$(median "${raw_runs[@]}")"
  local import_rate raw_rate
  import_rate="$(calc "$records / $import_seconds")"
  raw_rate="$(calc "$records / $raw_seconds")"

  # The same figures in PostgreSQL.
  "$IMDICTL" figures export --target="$STATS" >"$dir/figures.csv" 2>"$dir/export.err" ||
    { cat "$dir/export.err" >&2; exit 1; }
  load_postgres "$dir/figures.csv"
  local year_rows pg_year_rows
  pg_year_rows="$("${PSQL[@]}" -t -A -c "SELECT count(*) FROM figures WHERE year = $STREAM_YEAR")"
  local year_seconds stream_requests
  read -r year_seconds year_rows _ < <("$BENCH_TOOL" stream "$STATS" "year = $STREAM_YEAR")
  # A year's stream may take longer than a run at the larger scales: h2load
  # sends a number of them that takes about DURATION seconds on two cores,
  # one per connection at least.
  stream_requests="$(awk -v d="$DURATION" -v t="$year_seconds" 'BEGIN { n = int(d * 2 / t / 16 + 0.5) * 16; print (n < 16 ? 16 : n) }')"
  # pgbench scripts: each a prepared primary-key select of one random key
  # of the loaded rows (pgbench picks a script per transaction), and the
  # prepared year select.
  local pk_scripts=() code year i=0
  while IFS=, read -r code year; do
    i=$((i + 1))
    printf '\\set c %d\n\\set y %d\nSELECT * FROM figures WHERE municipality_code = lpad(:c::text, 4, %s) AND year = :y;\n' \
      "$((10#$code))" "$year" "'0'" >"$dir/pk-$i.sql"
    pk_scripts+=(-f "$dir/pk-$i.sql")
  done < <("${PSQL[@]}" -t -A -F, -c "SELECT municipality_code, year FROM figures
    ORDER BY md5(municipality_code || year) LIMIT $PK_KEYS")
  printf '\\set y %d\nSELECT * FROM figures WHERE year = :y;\n' "$STREAM_YEAR" >"$dir/year.sql"

  # The award service with the 2016 cycle, as scripts/run.sh creates it.
  # Its health monitor (a Check and a GetDataVersion every 2 s by default)
  # is slowed down so that the stats service's log holds only the
  # screening's calls while one runs.
  start_service award-service "$AWARD_BIN" "$dir" --stats_target="$STATS" \
    --comparables="$ROOT/data/regions/similarMunicipalities.json" --health_interval_ms=600000
  local award="$ADDRESS" award_pid="$SERVICE_PID"
  local created=0
  for _ in $(seq 1 100); do
    "$IMDICTL" create-cycle --award_target="$award" --cycle_id="$CYCLE" --timeout_seconds=2 \
      "$CYCLE_FILE" >"$dir/cycle.out" 2>&1 && { created=1; break; }
    kill -0 "$award_pid" 2>/dev/null || { log "award-service stopped; see $dir/award-service.log"; exit 1; }
    sleep 0.1
  done
  [ "$created" = 1 ] || { log "could not create the cycle"; cat "$dir/cycle.out" >&2; exit 1; }

  # Request bodies for h2load, checked once with a real client.
  "$BENCH_TOOL" body health >"$dir/health.bin"
  "$BENCH_TOOL" body get "$GET_CODE" "$GET_YEAR" >"$dir/get.bin"
  "$BENCH_TOOL" body stream "year = $STREAM_YEAR" >"$dir/stream.bin"
  "$BENCH_TOOL" check "$STATS" "$GET_CODE" "$GET_YEAR" >/dev/null

  log "scale ${k}x: measuring ($ROUNDS rounds of ${DURATION}s runs)"
  local h16=() g16=() h4=() g4=() hcpu=() gcpu=() pk=() st=() py=() scr=() bare=() calls="" calls_by_method="" reply=""
  local health=/grpc.health.v1.Health/Check get=/imdi.stats.v1.StatsService/GetFigures
  local stream=/imdi.stats.v1.StatsService/StreamFigures
  for r in $(seq 1 "$ROUNDS"); do
    h2load_run "$dir/h2.out" "$health" "$dir/health.bin" 16 1; h16+=("$QPS"); hcpu+=("$CPU_US")
    h2load_run "$dir/h2.out" "$get" "$dir/get.bin" 16 1; g16+=("$QPS"); gcpu+=("$CPU_US")
    pgbench_run "$dir/pg.out" "${pk_scripts[@]}"; pk+=("$TPS")
    h2load_run "$dir/h2.out" "$health" "$dir/health.bin" 4 100; h4+=("$QPS")
    h2load_run "$dir/h2.out" "$get" "$dir/get.bin" 4 100; g4+=("$QPS")
    h2load_run "$dir/h2.out" "$stream" "$dir/stream.bin" 16 1 "$stream_requests"; st+=("$(calc "$QPS * $year_rows")")
    pgbench_run "$dir/pg.out" -f "$dir/year.sql"; py+=("$(calc "$TPS * $pg_year_rows")")
    # P4: a whole-country screening, then the bare read of its figures.
    local log_before=0 seconds evaluations bytes
    [ -n "$calls" ] || log_before="$(settled_log_size "$dir/stats-service.log")"
    read -r seconds evaluations bytes < <("$BENCH_TOOL" screen "$award" "$CYCLE")
    scr+=("$(calc "$seconds * 1000")")
    if [ -z "$calls" ]; then
      # The calls the stats service logged during the screening, by method;
      # the award service's health monitor's checks are not the screening's.
      settled_log_size "$dir/stats-service.log" >/dev/null
      calls_by_method="$(tail -c +"$((log_before + 1))" "$dir/stats-service.log" | access_log /dev/stdin |
        grep -v '\] Check ' | grep -oE '\] [A-Za-z]+ ' | awk '{ print $2 }' | sort | uniq -c |
        awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')"
      calls="$(awk -F', ' '{ for (i = 1; i <= NF; i++) { split($i, p, " "); n += p[1] } } END { print n + 0 }' <<<"$calls_by_method")"
      reply="$bytes"
    fi
    read -r seconds _ _ < <("$BENCH_TOOL" stream "$STATS" "$SCREEN_YEARS")
    bare+=("$(calc "$seconds * 1000")")
  done
  local award_rss
  award_rss="$(rss_mib "$award_pid" VmRSS)"
  AWARD_RSS["$k"]="$award_rss"
  stop_service "$award_pid"
  sleep 1
  stats_idle="$(rss_mib "$STATS_PID" VmRSS)"
  stop_service "$STATS_PID"

  local mh16 mg16 mh4 mg4 mhcpu mgcpu mpk mst mpy mscr mbare
  mh16="$(median "${h16[@]}")" mg16="$(median "${g16[@]}")" mh4="$(median "${h4[@]}")" mg4="$(median "${g4[@]}")"
  mhcpu="$(median "${hcpu[@]}")" mgcpu="$(median "${gcpu[@]}")" mpk="$(median "${pk[@]}")"
  mst="$(median "${st[@]}")" mpy="$(median "${py[@]}")" mscr="$(median "${scr[@]}")" mbare="$(median "${bare[@]}")"
  local ratio
  ROWS=()
  ratio="$(calc "$mg16 / $mh16")"
  row P1 "GetFigures ÷ Health/Check QPS, 16 connections × 1 stream" "$mg16" "$mh16" "$ratio" "≥ 0.85" "$(holds "$ratio" '>=' 0.85)"
  ratio="$(calc "$mg4 / $mh4")"
  row P1 "GetFigures ÷ Health/Check QPS, 4 connections × 100 streams" "$mg4" "$mh4" "$ratio" "≥ 0.85" "$(holds "$ratio" '>=' 0.85)"
  ratio="$(calc "$mgcpu / $mhcpu")"
  row P5 "server CPU µs per GetFigures ÷ per Health/Check (16 × 1)" "$mgcpu" "$mhcpu" "${ratio}×" "≤ 1.25×" "$(holds "$ratio" '<=' 1.25)"
  ratio="$(calc "$mg16 / $mpk")"
  row P2 "GetFigures QPS (16 × 1) ÷ PostgreSQL prepared primary-key select TPS (pgbench, 16 clients)" "$mg16" "$mpk" "$ratio" "≥ 1.0" "$(holds "$ratio" '>=' 1.0)"
  ratio="$(calc "$mg4 / $mpk")"
  row P2 "GetFigures QPS (4 × 100) ÷ PostgreSQL prepared primary-key select TPS (pgbench, 16 clients)" "$mg4" "$mpk" "$ratio" "≥ 1.0" "$(holds "$ratio" '>=' 1.0)"
  ratio="$(calc "$mst / $mpy")"
  row P2b "StreamFigures rows/s, year $STREAM_YEAR ($year_rows rows; 16 × 1) ÷ PostgreSQL \`WHERE year = \$1\` rows/s ($pg_year_rows rows)" "$mst" "$mpy" "$ratio" "≥ 1.5" "$(holds "$ratio" '>=' 1.5)"
  ratio="$(calc "$import_rate / $raw_rate")"
  row P3 "imdictl import records/s end to end ($records records in $(fmt "$import_seconds") s) ÷ raw RocksDB WriteBatch of 5000, sync (${key_bytes} + ${value_bytes} B records)" "$import_rate" "$raw_rate" "$ratio" "≥ 0.5" "$(holds "$ratio" '>=' 0.5)"
  ratio="$(calc "$mscr / $mbare")"
  row P4 "ScreenMunicipalities, whole country (ms; $evaluations evaluations, $reply B reply) ÷ bare StreamFigures \`$SCREEN_YEARS\` (ms)" "$mscr" "$mbare" "${ratio}×" "≤ 1.5×" "$(holds "$ratio" '<=' 1.5)"
  row P4 "calls to stats-service during one screening ($calls_by_method)" "$calls" "" "" "≤ 3" "$(holds "$calls" '<=' 3)"
  row P6 "award-service VmRSS after the screenings (MiB)" "$award_rss" "" "" "≤ 64" "$(holds "$award_rss" '<=' 64)"
  row P6 "stats-service VmRSS idle, after the measurements (MiB)" "$stats_idle" "" "" "≤ 72 (the shared 8 MiB block cache + 64)" "$(holds "$stats_idle" '<=' 72)"
  row P6 "stats-service VmHWM, peak through the imports (MiB)" "$stats_peak" "" "" "≤ 72" "$(holds "$stats_peak" '<=' 72)"

  {
    echo
    echo "### ${k}× the bundled data: $stored_rows municipal records ($synthetic)"
    echo
    echo "| id | measure | services | reference | ratio | goal | holds |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
  } | tee -a "$OUT"
}

mkdir -p "$(dirname "$OUT")"
{
  echo "## imdi benchmark, $(date -u +'%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
  echo "- binaries: $STATS_BIN, $AWARD_BIN, $IMDICTL"
  echo "- references: $("$PG_BIN/postgres" --version), $(h2load --version | head -n 1), RocksDB $(dpkg-query -W -f='${Version}' librocksdb-dev 2>/dev/null || echo '?')"
  echo "- each figure the median of $ROUNDS alternating rounds of ${DURATION} s runs (h2load -t 2, pgbench -M prepared -c 16 -j 2, TCP on 127.0.0.1)"
} | tee "$OUT"

start_postgres
declare -A AWARD_RSS
IFS=, read -r -a scale_list <<<"$SCALES"
for k in "${scale_list[@]}"; do run_scale "$k"; done

first="${scale_list[0]}" last="${scale_list[-1]}"
if [ "${#scale_list[@]}" -gt 1 ]; then
  growth="$(calc "${AWARD_RSS[$last]} - ${AWARD_RSS[$first]}")"
  {
    echo
    echo "### Across scales"
    echo
    echo "| id | measure | services | reference | ratio | goal | holds |"
    echo "|---|---|---|---|---|---|---|"
    echo "| P6 | award-service VmRSS growth ${first}× → ${last}× (MiB) | $(fmt "$growth") | | | ≤ 16 | $(holds "$growth" '<=' 16) |"
  } | tee -a "$OUT"
fi
log "written to $OUT"
if [ "$MISSING" -gt 0 ]; then
  log "$MISSING figures could not be measured"
  exit 1
fi
