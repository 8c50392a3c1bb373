#!/usr/bin/env bash
# Worklist (C-FIND, Modality Worklist) query latency: screening-gateway against DCMTK's
# wlmscpfs and Orthanc's ModalityWorklists plugin, the same items in all three, all on
# 127.0.0.1, all asked by the same findscu. See bench/README.md ("Worklist benchmark").
#
# Environment:
#   BENCH_MWL_ITEMS       largest worklist size (default 100000)
#   BENCH_MWL_SMALL       the size at which all three servers are compared (default 10000)
#   BENCH_MWL_OTHERS_AT   sizes at which wlmscpfs and Orthanc are measured (default: the
#                         small size; they re-read every file per query, ~1 s per query per
#                         10,000 items on 2 busy cores)
#   BENCH_MWL_SERVERS     any of: gateway wlmscpfs orthanc (default: all three)
#   BENCH_MWL_REPEAT      end-to-end runs and open-association runs for the gateway (default 5)
#   BENCH_MWL_K           queries per open association for the gateway (default 200)
#   BENCH_MWL_SLOW_REPEAT the same for wlmscpfs and Orthanc (default 3)
#   BENCH_MWL_SLOW_K      queries per open association for wlmscpfs and Orthanc (default 4)
#   BENCH_MWL_DATA_DIR    generated items (default bench/results/mwl-data, reused)
#   BENCH_WORK_DIR        parent of the temporary server directories (default /tmp)
#   GATEWAY_BIN           the binary under test (default build/bin/screening-gateway)
set -euo pipefail
export LC_ALL=C  # decimal points in printf/awk and $EPOCHREALTIME regardless of locale

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

big=${BENCH_MWL_ITEMS:-100000}
small=${BENCH_MWL_SMALL:-10000}
others_at=${BENCH_MWL_OTHERS_AT:-$small}
servers=${BENCH_MWL_SERVERS:-gateway wlmscpfs orthanc}
repeat=${BENCH_MWL_REPEAT:-5}
k_fast=${BENCH_MWL_K:-200}
slow_repeat=${BENCH_MWL_SLOW_REPEAT:-3}
k_slow=${BENCH_MWL_SLOW_K:-4}
results=$here/results
data_root=${BENCH_MWL_DATA_DIR:-$results/mwl-data}
gateway_bin=${GATEWAY_BIN:-$repo/build/bin/screening-gateway}

# Ports away from the defaults (4243/4244/104/4242) and from bench/run.sh's.
gw_mwl_port=11253 gw_pacs_port=11254 wlm_port=11255 orthanc_port=14252
ready_timeout=60     # seconds a server may take to answer its first C-ECHO
stop_timeout=30      # seconds a server may take to exit after SIGTERM
query_timeout=180    # seconds one query may take before findscu is killed (x queries per run)
import_timeout=900   # seconds `worklist import` may take

die() { echo "bench-mwl: $*" >&2; exit 1; }
log() { echo "bench-mwl: $*" >&2; }
posint() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

for v in big small repeat k_fast slow_repeat k_slow; do
  posint "${!v}" || die "$v='${!v}' must be a positive integer"
done
((small >= 120 && big >= 120)) || die "worklist sizes must be at least 120 items"
((k_fast >= 2 && k_slow >= 2)) || die "BENCH_MWL_K and BENCH_MWL_SLOW_K must be at least 2"
for s in $servers; do
  [[ $s == gateway || $s == wlmscpfs || $s == orthanc ]] || die "unknown server '$s'"
done
for n in $others_at; do posint "$n" && ((n >= 120)) || die "BENCH_MWL_OTHERS_AT: bad size '$n'"; done
[[ -x $gateway_bin ]] || die "no gateway binary at $gateway_bin (run: make build)"
for tool in findscu echoscu dump2dcm dcmdump wlmscpfs Orthanc python3 timeout; do
  command -v "$tool" >/dev/null || die "missing $tool (run: bash scripts/install-deps.sh --bench)"
done
orthanc_plugin=/usr/share/orthanc/plugins/libModalityWorklists.so
[[ -e $orthanc_plugin ]] || die "missing $orthanc_plugin (Debian package orthanc)"

# Sizes, ascending, without duplicates: every size the gateway or the others are run at.
sizes=$(printf '%s\n' "$small" "$big" $others_at | sort -n -u | tr '\n' ' ')

# DCMTK leaves Nagle's algorithm on unless TCP_NODELAY=1 is in the environment: up to
# ~40 ms per request/response exchange (delayed ACK). The gateway sets TCP_NODELAY itself;
# findscu, wlmscpfs and Orthanc's DICOM server (DCMTK) get it from here.
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
for p in $gw_mwl_port $gw_pacs_port $wlm_port $orthanc_port; do
  port_free "$p" || die "port $p is in use; stop whatever listens there"
done

mkdir -p "$results"
work=$(mktemp -d "${BENCH_WORK_DIR:-/tmp}/gateway-bench-mwl.XXXXXX")
logs=$results/mwl-logs
rm -rf "$logs" && mkdir -p "$logs"
csv=$results/mwl-runs.csv
checks=$results/mwl-checks.csv

declare -A pid=() aet=() port=() slog=()
aet[gateway]=SCREENING_MWL port[gateway]=$gw_mwl_port
aet[wlmscpfs]=BENCH_MWL port[wlmscpfs]=$wlm_port   # = the data subfolder wlmscpfs serves
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

cleanup() {
  local s
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

manifest_get() {  # manifest_get DIR KEY
  awk -F= -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) exit 1 }' "$1/manifest.env" ||
    die "$1/manifest.env lacks $2"
}

elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f\n", b - a }'; }

# ------------------------------------------------------------------------- servers

start_gateway() {  # start_gateway SIZE: fresh database, timed import, serve
  local n=$1 dir=$work/gateway-$1 t0 t1
  mkdir -p "$dir"
  t0=$EPOCHREALTIME
  MWL_DB_PATH=$dir/worklist.db LOG_LEVEL=warning timeout -k 5 "$import_timeout" \
    "$gateway_bin" worklist import "$data/items.csv" >"$logs/gateway-$n-import.log" 2>&1 ||
    { tail -5 "$logs/gateway-$n-import.log" >&2; die "gateway: worklist import of $n items failed"; }
  t1=$EPOCHREALTIME
  import_s=$(elapsed "$t0" "$t1")
  log "gateway: imported $n items in ${import_s}s"
  echo "$n,gateway,import,import,$n,1,$import_s" >>"$csv"
  slog[gateway]=$logs/gateway-$n-server.log
  # serve also runs the storage service: give it a private port and directories.
  MWL_AET=${aet[gateway]} MWL_PORT=$gw_mwl_port PACS_PORT=$gw_pacs_port \
    GATEWAY_BIND_ADDRESS=127.0.0.1 PACS_STORAGE_PATH=$dir/storage PACS_DB_PATH=$dir/pacs.db \
    MWL_DB_PATH=$dir/worklist.db "$gateway_bin" serve >"${slog[gateway]}" 2>&1 &
  pid[gateway]=$!
}

start_wlmscpfs() {
  # Defaults (a child process per association, rejection of incomplete files) except -dhl:
  # no reverse DNS lookup of the peer, which the gateway does not do either.
  local n=$1
  slog[wlmscpfs]=$logs/wlmscpfs-$n-server.log
  wlmscpfs -dhl -dfp "$data" "$wlm_port" >"${slog[wlmscpfs]}" 2>&1 &
  pid[wlmscpfs]=$!
}

start_orthanc() {
  # Distribution defaults except: private directories and port, only the worklist plugin,
  # no HTTP server, any called AE title, C-FIND from any calling AE title.
  local n=$1 dir=$work/orthanc-$1
  mkdir -p "$dir/index" "$dir/tmp"
  cat >"$dir/orthanc.json" <<EOF
{
  "Name": "bench-mwl",
  "StorageDirectory": "$dir/index",
  "IndexDirectory": "$dir/index",
  "TemporaryDirectory": "$dir/tmp",
  "Plugins": [ "$orthanc_plugin" ],
  "Worklists": { "Enable": true, "Database": "$data/BENCH_MWL" },
  "HttpServerEnabled": false,
  "RemoteAccessAllowed": false,
  "WebDavEnabled": false,
  "DicomServerEnabled": true,
  "DicomAet": "${aet[orthanc]}",
  "DicomPort": $orthanc_port,
  "DicomCheckCalledAet": false,
  "DicomAlwaysAllowFind": true,
  "DicomAlwaysAllowFindWorklist": true,
  "SaveJobs": false
}
EOF
  slog[orthanc]=$logs/orthanc-$n-server.log
  Orthanc "$dir/orthanc.json" >"${slog[orthanc]}" 2>&1 &
  pid[orthanc]=$!
}

wait_ready() {  # wait_ready NAME: bounded C-ECHO polling
  local name=$1 deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    kill -0 "${pid[$name]}" 2>/dev/null || { tail -20 "${slog[$name]}" >&2; die "$name exited during start-up"; }
    if echoscu -to 2 -ta 2 -td 2 -aec "${aet[$name]}" 127.0.0.1 "${port[$name]}" >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  tail -20 "${slog[$name]}" >&2
  die "$name did not answer C-ECHO within ${ready_timeout}s"
}

# ------------------------------------------------------------------------- queries

write_queries() {  # write_queries DIR DATE PATIENT_ID -> DIR/day.dcm, DIR/pid.dcm
  local dir=$1 date=$2 patient=$3
  # The return keys a mammography unit typically asks for; the step sequence carries the
  # matching keys (day and modality) or is all return keys (patient query).
  local head='(0008,0050) SH
(0010,0010) PN'
  local tail='(0010,0030) DA
(0010,0040) CS
(0020,000d) UI
(0032,1060) LO
(0040,0100) SQ
(fffe,e000) -'
  local rest='(0040,0001) AE
(0040,0003) TM
(0040,0007) LO
(0040,0009) SH
(fffe,e00d) -
(fffe,e0dd) -
(0040,1001) SH'
  printf '%s\n(0010,0020) LO\n%s\n(0008,0060) CS [MG]\n(0040,0002) DA [%s]\n%s\n' \
    "$head" "$tail" "$date" "$rest" >"$dir/day.dump"
  printf '%s\n(0010,0020) LO [%s]\n%s\n(0008,0060) CS\n(0040,0002) DA\n%s\n' \
    "$head" "$patient" "$tail" "$rest" >"$dir/pid.dump"
  dump2dcm +te "$dir/day.dump" "$dir/day.dcm" >/dev/null
  dump2dcm +te "$dir/pid.dump" "$dir/pid.dcm" >/dev/null
}

run_findscu() {  # run_findscu SERVER QUERY COUNT CALLING_AET -> seconds for COUNT queries on one association
  local server=$1 q=$qdir/$2.dcm count=$3 files=() i t0 t1 rc=0
  for ((i = 0; i < count; i++)); do files+=("$q"); done
  t0=$EPOCHREALTIME
  # -sr: no response dump (printing costs the client time), but warnings and errors logged.
  timeout -k 5 $((query_timeout * count)) findscu -sr -W -aet "$4" -aec "${aet[$server]}" \
    127.0.0.1 "${port[$server]}" "${files[@]}" >>"$logs/findscu-$server.log" 2>&1 || rc=$?
  t1=$EPOCHREALTIME
  if ((rc != 0)); then
    log "findscu ($count x $2) against $server failed: exit $rc at $(date -u +%H:%M:%S) (see $logs/findscu-$server.log)"
    echo "[$(date -u +%H:%M:%S)] findscu ($count x $2, calling $4) exit $rc" >>"$logs/findscu-$server.log"
    return 1
  fi
  elapsed "$t0" "$t1"
}

check_answers() {  # check_answers SIZE SERVER QUERY: matches and accession numbers vs. expected
  local n=$1 server=$2 q=$3 out=$work/answers-$1-$2-$3 count status=ok notes=""
  rm -rf "$out" && mkdir -p "$out"
  # -X writes each response identifier to rsp0001.dcm...; not part of any timing.
  timeout -k 5 "$query_timeout" findscu -W -X -od "$out" -aet "CHECK_${q^^}" \
    -aec "${aet[$server]}" 127.0.0.1 "${port[$server]}" "$qdir/$q.dcm" \
    >"$logs/check-$n-$server-$q.log" 2>&1 || { status=FAIL notes="findscu failed; "; }
  count=$(find "$out" -name 'rsp*.dcm' | wc -l)
  if ((count > 0)); then
    find "$out" -name 'rsp*.dcm' -print0 | xargs -0 dcmdump -q +P AccessionNumber |
      sed -n 's/.*\[\(.*\)\].*/\1/p' | sort >"$out.acc"
  else
    : >"$out.acc"
  fi
  if ! cmp -s "$out.acc" "$qdir/$q.expected"; then
    status=FAIL
    notes+="returned $(wc -l <"$out.acc") accession numbers, expected $(wc -l <"$qdir/$q.expected"): "
    notes+="$(comm -3 "$out.acc" "$qdir/$q.expected" | wc -l) differ; "
  fi
  grep -qE '^(E|F):' "$logs/check-$n-$server-$q.log" && notes+="findscu errors logged; "
  echo "$n,$server,$q,$count,$(wc -l <"$qdir/$q.expected"),$status,${notes%; }" >>"$checks"
  [[ $status == ok ]] || log "$n $server $q: $status ${notes%; }"
}

# --------------------------------------------------------------------- measurement

echo "size,server,query,kind,queries,rep,seconds" >"$csv"
echo "size,server,query,matches,expected,status,notes" >"$checks"
: >"$results/mwl-server-ms.csv"
echo "size,query,kind,ms" >"$results/mwl-server-ms.csv"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$SECONDS

for n in $sizes; do
  data=$data_root/$n
  log "generating $n items into $data (reused when already complete)"
  python3 "$here/gen_worklist.py" "$data" "$n"
  qdir=$work/queries-$n && mkdir -p "$qdir"
  date=$(manifest_get "$data" QUERY_DATE) patient=$(manifest_get "$data" QUERY_PATIENT_ID)
  write_queries "$qdir" "$date" "$patient"
  # The answers every server must give, straight from the CSV the items came from.
  python3 - "$data/items.csv" "$date" "$patient" "$qdir" <<'PY'
import csv, sys
path, date, patient, out = sys.argv[1:]
day, pid = [], []
with open(path, newline="") as f:
    for row in csv.DictReader(f):
        if row["scheduled_date"] == date and row["modality"] == "MG":
            day.append(row["accession_number"])
        if row["patient_id"] == patient:
            pid.append(row["accession_number"])
for name, acc in (("day", day), ("pid", pid)):
    with open("%s/%s.expected" % (out, name), "w") as f:
        f.write("".join(a + "\n" for a in sorted(acc)))
PY
  log "$n items: day query $date MG ($(wc -l <"$qdir/day.expected") expected), patient query $patient"

  active=()
  for s in $servers; do
    if [[ $s == gateway ]] || [[ " $others_at " == *" $n "* ]]; then active+=("$s"); fi
  done
  ((${#active[@]} > 0)) || continue
  for s in "${active[@]}"; do "start_$s" "$n"; done
  for s in "${active[@]}"; do wait_ready "$s"; done
  log "$n items: ${active[*]} ready"

  # Sanity first (it also warms the page cache and each server's first-query paths).
  for s in "${active[@]}"; do
    for q in day pid; do check_answers "$n" "$s" "$q"; done
  done

  # Repetition outermost and the servers back to back, so load from other users of the
  # machine hits all servers alike. e2e: one findscu per query (association set-up,
  # query, release, process start-up). open: K queries on one association.
  max_rep=$repeat
  ((slow_repeat > max_rep)) && max_rep=$slow_repeat
  for ((rep = 1; rep <= max_rep; rep++)); do
    for s in "${active[@]}"; do
      if [[ $s == gateway ]]; then r=$repeat k=$k_fast; else r=$slow_repeat k=$k_slow; fi
      ((rep <= r)) || continue
      for q in day pid; do
        # A failed findscu is recorded (sanity FAIL) and left out of the medians.
        if ! t1=$(run_findscu "$s" "$q" 1 "E2E_${q^^}"); then
          echo "$n,$s,$q,,,FAIL,end-to-end findscu failed in repetition $rep" >>"$checks"
          continue
        fi
        echo "$n,$s,$q,e2e,1,$rep,$t1" >>"$csv"
        if ! tk=$(run_findscu "$s" "$q" "$k" "OPEN_${q^^}"); then
          echo "$n,$s,$q,,,FAIL,findscu with $k queries failed in repetition $rep" >>"$checks"
          continue
        fi
        echo "$n,$s,$q,open,$k,$rep,$tk" >>"$csv"
        log "$(awk -v a="$t1" -v b="$tk" -v h="$n $s $q rep $rep" -v k="$k" \
          'BEGIN { printf "%s: 1 query %.1f ms, %d on one association %.1f ms", h, a * 1000, k, b * 1000 }')"
      done
    done
  done

  for s in "${active[@]}"; do
    stop_server "$s"
    if ((stop_rc != 0)) && ! [[ $s == wlmscpfs && $stop_rc == 143 ]]; then
      log "$s exited with status $stop_rc after SIGTERM"
      echo "$n,$s,stop,,,FAIL,exit status $stop_rc after SIGTERM" >>"$checks"
    fi
  done
  if [[ " ${active[*]} " == *" gateway "* ]]; then
    # The gateway's own time per C-FIND (receipt of the request to the final response,
    # whole milliseconds), from its INFO line "query id=... calling=AE ... ms=N".
    awk -v n="$n" '/ query id=/ {
        calling = ""; ms = ""
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^calling=/) calling = substr($i, 9)
          if ($i ~ /^ms=/) ms = substr($i, 4)
        }
        split(calling, p, "_")
        if (p[1] == "E2E" || p[1] == "OPEN") print n "," tolower(p[2]) "," tolower(p[1]) "," ms
      }' "$logs/gateway-$n-server.log" >>"$results/mwl-server-ms.csv"
    problems=$(awk '$2 ~ /^(warning|error|critical)$/' "$logs/gateway-$n-server.log" | wc -l)
    ((problems == 0)) || echo "$n,gateway,log,,,note,$problems warning/error lines in the server log" >>"$checks"
  fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r)."
  echo "Versions: gateway $("$gateway_bin" version 2>/dev/null | head -1) (tree $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'), binary built $gateway_built),"
  echo "wlmscpfs/findscu $(findscu --version 2>&1 | awk 'NR == 1 { print $2, $3 }') (DCMTK), $(Orthanc --version | head -1) with its ModalityWorklists plugin."
  echo "Load average before/after: $load_before / $load_after; wall time $((SECONDS - started)) s."
  echo "Command: BENCH_MWL_ITEMS=$big BENCH_MWL_SMALL=$small BENCH_MWL_OTHERS_AT=\"$others_at\" BENCH_MWL_SERVERS=\"$servers\" BENCH_MWL_REPEAT=$repeat BENCH_MWL_K=$k_fast BENCH_MWL_SLOW_REPEAT=$slow_repeat BENCH_MWL_SLOW_K=$k_slow bash bench/mwl_bench.sh"
} >"$work/env.txt"

report_rc=0
python3 "$here/mwl_report.py" "$csv" "$checks" "$results/mwl-server-ms.csv" "$work/env.txt" \
  >"$results/mwl-latest.md" || report_rc=$?
cat "$results/mwl-latest.md"
log "report written to $results/mwl-latest.md, raw runs in $csv, logs in $logs"
exit "$report_rc"
