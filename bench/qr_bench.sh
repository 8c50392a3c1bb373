#!/usr/bin/env bash
# Query/Retrieve C-FIND latency at STUDY level over a 100,000-instance archive:
# screening-gateway against Orthanc, the same instances in both (stored over C-STORE), all
# on 127.0.0.1, all asked by the same findscu. See bench/README.md ("Query/Retrieve
# benchmark").
#
# Environment:
#   BENCH_QR_INSTANCES  instances in the archive (default 100000; 4 per study, 5 studies per
#                       patient)
#   BENCH_QR_SERVERS    any of: gateway orthanc (default: both)
#   BENCH_QR_REPEAT     repetitions of each measurement (default 5)
#   BENCH_QR_K          queries per association in the open-association runs (default 50)
#   BENCH_QR_DATA_DIR   generated instances and the loaded servers' state (default
#                       bench/results/qr-data, reused: loading 100,000 instances takes minutes)
#   BENCH_WORK_DIR      parent of the temporary directories (default /tmp)
#   GATEWAY_BIN         the binary under test (default build/bin/screening-gateway)
set -euo pipefail
export LC_ALL=C  # decimal points in printf/awk and $EPOCHREALTIME regardless of locale

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

count=${BENCH_QR_INSTANCES:-100000}
servers=${BENCH_QR_SERVERS:-gateway orthanc}
repeat=${BENCH_QR_REPEAT:-5}
k=${BENCH_QR_K:-50}
results=$here/results
data=${BENCH_QR_DATA_DIR:-$results/qr-data}/$count
gateway_bin=${GATEWAY_BIN:-$repo/build/bin/screening-gateway}

# Ports away from the defaults (4242-4244, 8042) and from the other benches'.
gw_port=11264 gw_mwl_port=11263 orthanc_port=14262 orthanc_http=18062
ready_timeout=120   # seconds a server may take to answer its first C-ECHO (start-up checks)
stop_timeout=60     # seconds a server may take to exit after SIGTERM
load_timeout=7200   # seconds one storescu may take to load its share of the archive
query_timeout=120   # seconds one query may take before findscu is killed (x queries per run)

die() { echo "bench-qr: $*" >&2; exit 1; }
log() { echo "bench-qr: $*" >&2; }
posint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

for v in count repeat k; do posint "${!v}" || die "$v='${!v}' must be a positive integer"; done
((count >= 400 && count % 20 == 0)) || die "BENCH_QR_INSTANCES must be a multiple of 20, at least 400"
((k >= 2)) || die "BENCH_QR_K must be at least 2"
for s in $servers; do [[ $s == gateway || $s == orthanc ]] || die "unknown server '$s'"; done
[[ -x $gateway_bin ]] || die "no gateway binary at $gateway_bin (run: make build)"
for tool in findscu echoscu storescu dump2dcm dcmdump Orthanc curl sqlite3 python3 timeout; do
  command -v "$tool" >/dev/null || die "missing $tool (run: bash scripts/install-deps.sh --bench)"
done

# DCMTK leaves Nagle's algorithm on unless TCP_NODELAY=1 is in the environment (up to ~40 ms
# per request/response exchange); the gateway sets it itself, findscu, storescu and Orthanc's
# DICOM server (DCMTK) get it from here.
export TCP_NODELAY=1

port_free() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("0.0.0.0", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}
for p in $gw_port $gw_mwl_port $orthanc_port $orthanc_http; do
  port_free "$p" || die "port $p is in use; stop whatever listens there"
done

mkdir -p "$results"
work=$(mktemp -d "${BENCH_WORK_DIR:-/tmp}/gateway-bench-qr.XXXXXX")
logs=$results/qr-logs
rm -rf "$logs" && mkdir -p "$logs"
csv=$results/qr-runs.csv
checks=$results/qr-checks.csv
server_ms=$results/qr-server-ms.csv

declare -A pid=() aet=() port=() slog=()
aet[gateway]=SCREENING_PACS port[gateway]=$gw_port
aet[orthanc]=ORTHANC port[orthanc]=$orthanc_port

stop_server() {  # stop_server NAME: SIGTERM, bounded wait, SIGKILL; sets stop_rc
  local name=$1 p=${pid[$1]:-}
  stop_rc=0
  [[ -n $p ]] || return 0
  kill -TERM "$p" 2>/dev/null || true
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$p" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then
    log "$name (pid $p) ignored SIGTERM for ${stop_timeout}s; killing it"
    kill -KILL "$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || stop_rc=$?
  pid[$name]=""
}

load_pids=()
cleanup() {
  local s p
  for p in "${load_pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for s in "${!pid[@]}"; do stop_server "$s"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private copy: other developers rebuild build/ while this runs.
gateway_built=$(date -u -r "$gateway_bin" '+%Y-%m-%d %H:%M UTC')
cp "$gateway_bin" "$work/screening-gateway"
gateway_bin=$work/screening-gateway
"$gateway_bin" version >/dev/null 2>&1 || die "$gateway_bin does not run (being rebuilt? try again)"

manifest_get() {  # manifest_get KEY
  awk -F= -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) exit 1 }' "$data/manifest.env" ||
    die "$data/manifest.env lacks $1"
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", b - a }'; }

# ------------------------------------------------------------------------- servers
# Each server keeps its loaded state under $data/<server>/ between runs (the archive is
# loaded over C-STORE once; queries do not change it).

start_gateway() {
  local dir=$data/gateway
  mkdir -p "$dir"
  slog[gateway]=$logs/gateway-server.log
  PACS_AET=${aet[gateway]} PACS_PORT=$gw_port MWL_PORT=$gw_mwl_port \
    GATEWAY_BIND_ADDRESS=127.0.0.1 PACS_STORAGE_PATH=$dir/storage PACS_DB_PATH=$dir/pacs.db \
    MWL_DB_PATH=$work/worklist.db "$gateway_bin" serve >"${slog[gateway]}" 2>&1 &
  pid[gateway]=$!
}

start_orthanc() {
  # Distribution defaults except: private directories and ports, no plugins, REST API on
  # loopback only (it counts the instances), any called AE title, C-FIND from any calling
  # AE title, no fsync of the storage area (it only speeds up the one-time load; queries
  # do not write).
  local dir=$data/orthanc
  mkdir -p "$dir/storage" "$dir/index" "$work/orthanc-tmp"
  cat >"$work/orthanc.json" <<EOF
{
  "Name": "bench-qr",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/index",
  "TemporaryDirectory": "$work/orthanc-tmp",
  "StorageCompression": false,
  "Plugins": [],
  "HttpServerEnabled": true,
  "HttpPort": $orthanc_http,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "WebDavEnabled": false,
  "DicomServerEnabled": true,
  "DicomAet": "${aet[orthanc]}",
  "DicomPort": $orthanc_port,
  "DicomCheckCalledAet": false,
  "DicomAlwaysAllowFind": true,
  "DicomAlwaysAllowStore": true,
  "SyncStorageArea": false,
  "SaveJobs": false
}
EOF
  slog[orthanc]=$logs/orthanc-server.log
  Orthanc "$work/orthanc.json" >"${slog[orthanc]}" 2>&1 &
  pid[orthanc]=$!
}

wait_ready() {  # wait_ready NAME: bounded C-ECHO polling
  local name=$1 deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    kill -0 "${pid[$name]}" 2>/dev/null || { tail -20 "${slog[$name]}" >&2; die "$name exited during start-up"; }
    if echoscu -to 2 -ta 2 -td 2 -aec "${aet[$name]}" 127.0.0.1 "${port[$name]}" >/dev/null 2>&1; then
      [[ $name != orthanc ]] && return 0
      curl -fsS -m 2 "http://127.0.0.1:$orthanc_http/system" >/dev/null 2>&1 && return 0
    fi
    sleep 0.1
  done
  tail -20 "${slog[$name]}" >&2
  die "$name did not answer C-ECHO within ${ready_timeout}s"
}

stored_count() {  # instances the server holds
  case $1 in
    gateway) sqlite3 "$data/gateway/pacs.db" "SELECT count(*) FROM stored_instances WHERE status = 'STORED';" 2>/dev/null || echo -1 ;;
    orthanc) curl -fsS -m 30 "http://127.0.0.1:$orthanc_http/statistics" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["CountInstances"])' 2>/dev/null || echo -1 ;;
  esac
}

load_archive() {  # load_archive NAME: C-STORE the archive once, 4 associations at once
  local name=$1 stamp=$data/$1/.loaded t0 t1 rc=0 i folders=() n parts
  if [[ -f $stamp && $(cat "$stamp") == "$count" && $(stored_count "$name") == "$count" ]]; then
    log "$name: archive of $count instances already loaded"
    return 0
  fi
  log "$name: loading $count instances over C-STORE (once; kept in $data/$name)"
  mapfile -t folders < <(find "$data/files" -mindepth 1 -maxdepth 1 -type d | sort)
  n=${#folders[@]} parts=4
  ((parts > n)) && parts=$n
  load_pids=()
  t0=$EPOCHREALTIME
  for ((i = 0; i < parts; i++)); do
    local from=$((i * n / parts)) to=$(((i + 1) * n / parts))
    # +sd +r: every file below the folders given; one association per storescu.
    timeout -k 10 "$load_timeout" storescu +sd +r -aet BENCH_LOAD -aec "${aet[$name]}" \
      127.0.0.1 "${port[$name]}" "${folders[@]:from:to-from}" >"$logs/$name-load$i.log" 2>&1 &
    load_pids+=($!)
  done
  for i in "${!load_pids[@]}"; do wait "${load_pids[$i]}" || rc=$?; done
  load_pids=()
  t1=$EPOCHREALTIME
  ((rc == 0)) || die "$name: storescu failed while loading (exit $rc; see $logs/$name-load*.log)"
  local held
  held=$(stored_count "$name")
  [[ $held == "$count" ]] || die "$name holds $held instances after loading $count"
  echo "$count" >"$stamp"
  echo "load,$name,load,load,$count,1,$(elapsed "$t0" "$t1")" >>"$csv"
  log "$name: loaded in $(elapsed "$t0" "$t1") s"
}

# ------------------------------------------------------------------------- queries

write_queries() {  # STUDY level, Study Root, the return keys a reading workstation asks for
  local patient range week keys
  patient=$(manifest_get QUERY_PATIENT_ID) range=$(manifest_get QUERY_PATIENT_RANGE)
  week=$(manifest_get QUERY_WEEK_RANGE)
  keys='(0008,0030) TM
(0008,0050) SH
(0008,0061) CS
(0008,1030) LO
(0010,0010) PN
(0020,000d) UI
(0020,0010) SH
(0020,1208) IS'
  printf '(0008,0052) CS [STUDY]\n(0008,0020) DA [%s]\n(0010,0020) LO [%s]\n%s\n' \
    "$range" "$patient" "$keys" >"$work/patient.dump"
  printf '(0008,0052) CS [STUDY]\n(0008,0020) DA [%s]\n(0010,0020) LO\n%s\n' \
    "$week" "$keys" >"$work/week.dump"
  dump2dcm +te "$work/patient.dump" "$work/patient.dcm" >/dev/null
  dump2dcm +te "$work/week.dump" "$work/week.dcm" >/dev/null
  log "queries: patient $patient studies $range ($(wc -l <"$data/patient.expected") expected), week $week ($(wc -l <"$data/week.expected") expected)"
}

run_findscu() {  # run_findscu SERVER QUERY COUNT CALLING_AET -> seconds for COUNT queries on one association
  local server=$1 q=$work/$2.dcm n=$3 files=() i t0 t1 rc=0
  for ((i = 0; i < n; i++)); do files+=("$q"); done
  t0=$EPOCHREALTIME
  timeout -k 5 $((query_timeout * n)) findscu -S -aet "$4" -aec "${aet[$server]}" \
    127.0.0.1 "${port[$server]}" "${files[@]}" >>"$logs/findscu-$server.log" 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  if ((rc != 0)); then
    log "findscu ($n x $2) against $server failed: exit $rc (see $logs/findscu-$server.log)"
    return 1
  fi
  elapsed "$t0" "$t1"
}

check_answers() {  # check_answers SERVER QUERY: accession numbers vs. expected
  local server=$1 q=$2 out=$work/answers-$1-$2 n status=ok notes=""
  rm -rf "$out" && mkdir -p "$out"
  timeout -k 5 "$query_timeout" findscu -S -X -od "$out" -aet "CHECK_${q^^}" \
    -aec "${aet[$server]}" 127.0.0.1 "${port[$server]}" "$work/$q.dcm" \
    >"$logs/check-$server-$q.log" 2>&1 || { status=FAIL notes="findscu failed; "; }
  n=$(find "$out" -name 'rsp*.dcm' | wc -l)
  if ((n > 0)); then
    find "$out" -name 'rsp*.dcm' -print0 | xargs -0 dcmdump -q +P AccessionNumber |
      sed -n 's/.*\[\(.*\)\].*/\1/p' | sort >"$out.acc"
  else
    : >"$out.acc"
  fi
  if ! cmp -s "$out.acc" "$data/$q.expected"; then
    status=FAIL
    notes+="returned $(wc -l <"$out.acc") accession numbers, expected $(wc -l <"$data/$q.expected"); "
  fi
  # Every answer carries the aggregate the query asked for: 4 instances per study.
  local counts
  counts=$( ((n > 0)) && find "$out" -name 'rsp*.dcm' -print0 |
    xargs -0 -n 1 sh -c 'v=$(dcmdump -q +P 0020,1208 "$0" | sed -n "s/.*\[ *\([^] ]*\) *\].*/\1/p"); echo "${v:-none}"' |
    sort | uniq -c | awk '{ printf "%s%s x %s", sep, $1, ($2 == "" ? "none" : $2); sep = ", " }')
  if ((n > 0)) && [[ $counts != "$n x 4" ]]; then
    status=FAIL notes+="Number of Study Related Instances: $counts (expected $n x 4); "
  fi
  echo "$server,$q,$n,$(wc -l <"$data/$q.expected"),$status,${notes%; }" >>"$checks"
  [[ $status == ok ]] || log "$server $q: $status ${notes%; }"
}

# --------------------------------------------------------------------- measurement

echo "size,server,query,kind,queries,rep,seconds" >"$csv"
echo "server,query,matches,expected,status,notes" >"$checks"
echo "query,kind,ms" >"$server_ms"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$SECONDS

log "generating $count instances into $data (reused when already complete)"
python3 "$here/gen_qr.py" "$data" "$count"
write_queries

for s in $servers; do "start_$s"; done
for s in $servers; do wait_ready "$s"; done
for s in $servers; do load_archive "$s"; done
log "${servers// /, } ready with $count instances each"

for s in $servers; do
  for q in patient week; do check_answers "$s" "$q"; done
done

# Repetition outermost and the servers back to back, so load from other users of the
# machine hits both alike. e2e: one findscu per query; open: K queries on one association.
for ((rep = 1; rep <= repeat; rep++)); do
  for s in $servers; do
    for q in patient week; do
      if ! t1=$(run_findscu "$s" "$q" 1 "E2E_${q^^}"); then
        echo "$s,$q,,,FAIL,end-to-end findscu failed in repetition $rep" >>"$checks"
        continue
      fi
      echo "$count,$s,$q,e2e,1,$rep,$t1" >>"$csv"
      if ! tk=$(run_findscu "$s" "$q" "$k" "OPEN_${q^^}"); then
        echo "$s,$q,,,FAIL,findscu with $k queries failed in repetition $rep" >>"$checks"
        continue
      fi
      echo "$count,$s,$q,open,$k,$rep,$tk" >>"$csv"
      log "$(awk -v a="$t1" -v b="$tk" -v h="$s $q rep $rep" -v k="$k" \
        'BEGIN { printf "%s: 1 query %.1f ms, %d on one association %.1f ms", h, a * 1000, k, b * 1000 }')"
    done
  done
done

for s in $servers; do
  stop_server "$s"
  if ((stop_rc != 0)); then
    log "$s exited with status $stop_rc after SIGTERM"
    echo "$s,stop,,,FAIL,exit status $stop_rc after SIGTERM" >>"$checks"
  fi
done
if [[ " $servers " == *" gateway "* ]]; then
  # The gateway's own time per C-FIND (request to final response, whole milliseconds).
  awk '/ query id=/ {
      calling = ""; ms = ""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^calling=/) calling = substr($i, 9)
        if ($i ~ /^ms=/) ms = substr($i, 4)
      }
      split(calling, p, "_")
      if (p[1] == "E2E" || p[1] == "OPEN") print tolower(p[2]) "," tolower(p[1]) "," ms
    }' "${slog[gateway]}" >>"$server_ms"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r)."
  echo "Versions: gateway $("$gateway_bin" version 2>/dev/null | head -1) (tree $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'), binary built $gateway_built),"
  echo "findscu $(findscu --version 2>&1 | awk 'NR == 1 { print $2, $3 }') (DCMTK), $(Orthanc --version | head -1)."
  echo "Archive: $count instances, $(manifest_get STUDIES) studies, $(manifest_get PATIENTS) patients."
  echo "Load average before/after: $load_before / $load_after; wall time $((SECONDS - started)) s."
  echo "Command: BENCH_QR_INSTANCES=$count BENCH_QR_SERVERS=\"$servers\" BENCH_QR_REPEAT=$repeat BENCH_QR_K=$k bash bench/qr_bench.sh"
} >"$work/env.txt"

report_rc=0
python3 "$here/qr_report.py" "$csv" "$checks" "$server_ms" "$work/env.txt" \
  >"$results/qr-latest.md" || report_rc=$?
cat "$results/qr-latest.md"
log "report written to $results/qr-latest.md, raw runs in $csv, logs in $logs"
exit "$report_rc"
