#!/usr/bin/env bash
# C-MOVE throughput: screening-gateway against Orthanc, each holding the 20 x 27 MB
# mammogram set (10 studies, stored over C-STORE), both moving it with the same movescu
# (Study Root, one C-MOVE per study on one association) to the same DCMTK storescp +B.
# See bench/README.md ("C-MOVE benchmark").
#
# Environment:
#   BENCH_MOVE_REPEAT   moves of the whole set per server, the median is reported (default 3)
#   BENCH_MOVE_SERVERS  any of: gateway orthanc (default: both)
#   BENCH_DATA_DIR      generated data sets (default bench/results/data, shared with run.sh)
#   BENCH_WORK_DIR      parent of the temporary directories (default /tmp)
#   GATEWAY_BIN         the binary under test (default build/bin/screening-gateway)
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
repeat=${BENCH_MOVE_REPEAT:-3}
servers=${BENCH_MOVE_SERVERS:-gateway orthanc}
data=${BENCH_DATA_DIR:-$here/results/data}
gateway_bin=${GATEWAY_BIN:-$repo/build/bin/screening-gateway}
results=$here/results
# Ports away from the defaults and from the other benches'.
gw_port=11274 gw_mwl_port=11273 orthanc_port=14272 orthanc_http=18072 dest_port=11275
ready_timeout=60 move_timeout=600 load_timeout=600

die() { echo "bench-move: $*" >&2; exit 1; }
log() { echo "bench-move: $*" >&2; }
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "BENCH_MOVE_REPEAT must be a positive integer"
for s in $servers; do [[ $s == gateway || $s == orthanc ]] || die "unknown server '$s'"; done
[[ -x $gateway_bin ]] || die "no gateway binary at $gateway_bin (run: make build)"
for tool in storescu storescp movescu echoscu dump2dcm dcmdump Orthanc curl python3 timeout; do
  command -v "$tool" >/dev/null || die "missing $tool (run: bash scripts/install-deps.sh --bench)"
done
export TCP_NODELAY=1  # as in run.sh: keep Nagle out of every DCMTK process

python3 "$here/gen_dicom.py" "$data" mammo >&2
files=("$data/mammo"/*.dcm)
bytes=$(stat -c %s "${files[@]}" | awk '{ s += $1 } END { print s }')
work=$(mktemp -d "${BENCH_WORK_DIR:-/tmp}/gateway-move.XXXXXX")
logs=$results/move-logs
rm -rf "$logs" && mkdir -p "$logs"
server_pid="" dest_pid=""
cleanup() {
  for pid in $dest_pid $server_pid; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# One query file per study (Study Root, STUDY level, the study's unique key).
mkdir -p "$work/queries"
mapfile -t studies < <(for f in "${files[@]}"; do
  dcmdump +P StudyInstanceUID "$f" | sed -E 's/.*\[([^]]*)\].*/\1/'
done | sort -u)
for i in "${!studies[@]}"; do
  printf '(0008,0052) CS [STUDY]\n(0020,000d) UI [%s]\n' "${studies[$i]}" >"$work/queries/q$i.txt"
  dump2dcm "$work/queries/q$i.txt" "$work/queries/q$i.dcm"
done
log "${#files[@]} objects ($((bytes / 1000000)) MB) in ${#studies[@]} studies"

wait_echo() {  # wait_echo AET PORT
  local deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    echoscu -to 2 -ta 2 -td 2 -aec "$1" 127.0.0.1 "$2" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "$1 did not answer C-ECHO on port $2 within ${ready_timeout}s"
}

start_gateway() {
  local dir=$1
  server_aet=SCREENING_PACS server_port=$gw_port
  cat >"$dir/known_aes.yaml" <<YAML
- ae_title: BENCH_MOVER
  addresses: [127.0.0.1]
- ae_title: BENCH_LOADER
  addresses: [127.0.0.1]
- ae_title: DEST
  host: 127.0.0.1
  port: $dest_port
YAML
  PACS_AET=$server_aet PACS_PORT=$gw_port MWL_PORT=$gw_mwl_port GATEWAY_HTTP_PORT=0 \
    GATEWAY_BIND_ADDRESS=127.0.0.1 GATEWAY_KNOWN_AES_FILE=$dir/known_aes.yaml \
    PACS_STORAGE_PATH=$dir/storage PACS_DB_PATH=$dir/pacs.db MWL_DB_PATH=$dir/worklist.db \
    "$gateway_bin" serve >"$dir/server.log" 2>&1 &
  server_pid=$!
}

start_orthanc() {
  local dir=$1
  server_aet=ORTHANC server_port=$orthanc_port
  mkdir -p "$dir/storage" "$dir/index" "$dir/tmp"
  cat >"$dir/orthanc.json" <<JSON
{
  "Name": "bench-move", "StorageDirectory": "$dir/storage", "IndexDirectory": "$dir/index",
  "TemporaryDirectory": "$dir/tmp", "StorageCompression": false, "Plugins": [],
  "HttpServerEnabled": true, "HttpPort": $orthanc_http, "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false, "DicomServerEnabled": true, "DicomAet": "$server_aet",
  "DicomPort": $orthanc_port, "DicomCheckCalledAet": false, "UnknownSopClassAccepted": true,
  "MaximumPduLength": 131072, "SyncStorageArea": true, "SaveJobs": false,
  "DicomAlwaysAllowMove": true,
  "DicomModalities": { "dest": ["DEST", "127.0.0.1", $dest_port],
                       "mover": ["BENCH_MOVER", "127.0.0.1", 1] }
}
JSON
  Orthanc "$dir/orthanc.json" >"$dir/server.log" 2>&1 &
  server_pid=$!
}

csv=$results/move-runs.csv
mkdir -p "$results"
echo "server,rep,files,bytes,seconds,received,status" >"$csv"
for server in $servers; do
  dir=$work/$server
  rm -rf "$dir" && mkdir -p "$dir"
  "start_$server" "$dir"
  wait_echo "$server_aet" "$server_port"
  timeout "$load_timeout" storescu -R -aet BENCH_LOADER -aec "$server_aet" 127.0.0.1 \
    "$server_port" "${files[@]}" >"$logs/$server-load.log" 2>&1 || die "loading $server failed"
  for ((rep = 1; rep <= repeat; rep++)); do
    dest=$work/dest-$server-$rep
    mkdir -p "$dest"
    sync
    storescp -aet DEST +B +xa -pdu 131072 -od "$dest" "$dest_port" >"$logs/$server-dest$rep.log" 2>&1 &
    dest_pid=$!
    wait_echo DEST "$dest_port"
    start=$EPOCHREALTIME
    rc=0
    timeout "$move_timeout" movescu -S -aet BENCH_MOVER -aec "$server_aet" -aem DEST \
      127.0.0.1 "$server_port" "$work"/queries/q*.dcm >"$logs/$server-move$rep.log" 2>&1 || rc=$?
    seconds=$(python3 -c "import sys; print('%.4f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$EPOCHREALTIME")
    kill "$dest_pid" 2>/dev/null || true
    wait "$dest_pid" 2>/dev/null || true
    dest_pid=""
    received=$(find "$dest" -type f | wc -l)
    status=ok
    if ((rc != 0)) || [[ $received != "${#files[@]}" ]]; then status="FAIL(movescu $rc)"; fi
    echo "$server,$rep,${#files[@]},$bytes,$seconds,$received,$status" >>"$csv"
    log "$server rep $rep: $seconds s, $received of ${#files[@]} received, $status"
    rm -rf "$dest"
  done
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
done

python3 - "$csv" <<'PY' | tee "$results/move-latest.md"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
out, med = [], {}
out.append("# C-MOVE benchmark: the 20 x 27.3 MB mammogram set to storescp +B\n")
out.append("| Server | Runs ok | Median s | MB/s |")
out.append("|---|---:|---:|---:|")
for server in ("gateway", "orthanc"):
    ok = [r for r in rows if r["server"] == server and r["status"] == "ok"]
    runs = [r for r in rows if r["server"] == server]
    if not runs:
        continue
    if ok:
        m = statistics.median(float(r["seconds"]) for r in ok)
        med[server] = int(ok[0]["bytes"]) / 1e6 / m
        out.append("| %s | %d/%d | %.2f | %.1f |" % (server, len(ok), len(runs), m, med[server]))
    else:
        out.append("| %s | 0/%d | - | - |" % (server, len(runs)))
if "gateway" in med and "orthanc" in med:
    out.append("\ngateway / Orthanc: %.2f (target: > 1)" % (med["gateway"] / med["orthanc"]))
print("\n".join(out))
failed = [r for r in rows if r["status"] != "ok"]
sys.exit(1 if failed else 0)
PY
