#!/usr/bin/env bash
# Store-and-forward throughput (ADR 0019), in one run:
#  A. the gateway forwarding the 20 x 27 MB mammogram set it holds over one association, to
#     DCMTK storescp +B and to Orthanc, beside DCMTK storescu sending the same stored files
#     to the same receiver (target: forward >= 0.9 x storescu);
#  B. C-STORE receive throughput of more such sets (other UIDs) while a backlog of the first
#     drains to storescp, beside the same receive with forwarding off (target: within 15 %).
# See bench/README.md ("Forwarding benchmark").
#
# Environment:
#   BENCH_FORWARD_REPEAT     repetitions of every measurement, the median is reported (default 3)
#   BENCH_FORWARD_RECEIVERS  part A receivers, any of: storescp orthanc (default: both)
#   BENCH_FORWARD_PARTS      any of: A B (default: both)
#   BENCH_FORWARD_CACHE      part A page cache of the stored files before each run, any of:
#                            cold (evicted) warm (read once) (default: both; targets use cold)
#   BENCH_FORWARD_RECEIVE_SETS  part B sets stored on one association (default
#                            "mammo2 mammo3 mammo4": ~1.6 GB, longer than the forwarder's
#                            2 s cap on waiting for a quiet moment)
#   BENCH_FORWARD_SINK_DIR   where the receivers write (default /dev/shm when it has 3 GB
#                            free, else BENCH_WORK_DIR)
#   BENCH_DATA_DIR           generated data sets (default bench/results/data, shared with run.sh)
#   BENCH_WORK_DIR           parent of the gateway's temporary storage (default /tmp)
#   GATEWAY_BIN              the binary under test (default build/bin/screening-gateway)
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
repeat=${BENCH_FORWARD_REPEAT:-3}
receivers=${BENCH_FORWARD_RECEIVERS:-storescp orthanc}
parts=${BENCH_FORWARD_PARTS:-A B}
caches=${BENCH_FORWARD_CACHE:-cold warm}
receive_sets=${BENCH_FORWARD_RECEIVE_SETS:-mammo2 mammo3 mammo4}
data=${BENCH_DATA_DIR:-$here/results/data}
gateway_bin=${GATEWAY_BIN:-$repo/build/bin/screening-gateway}
results=$here/results
pdu=131072
# Ports away from the defaults and from the other benches'.
gw_port=11284 gw_mwl_port=11283 scp_port=11285 orthanc_port=14282 orthanc_http=18082
ready_timeout=60 send_timeout=600 drain_timeout=600 stop_timeout=30

die() { echo "bench-forward: $*" >&2; exit 1; }
log() { echo "bench-forward: $*" >&2; }
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "BENCH_FORWARD_REPEAT must be a positive integer"
for r in $receivers; do [[ $r == storescp || $r == orthanc ]] || die "unknown receiver '$r'"; done
for p in $parts; do [[ $p == A || $p == B ]] || die "unknown part '$p' (A or B)"; done
for c in $caches; do [[ $c == cold || $c == warm ]] || die "unknown cache mode '$c' (cold or warm)"; done
for s in $receive_sets; do
  [[ $s =~ ^mammo[2-4]$ ]] || die "BENCH_FORWARD_RECEIVE_SETS: '$s' is not one of mammo2 mammo3 mammo4"
done
[[ -x $gateway_bin ]] || die "no gateway binary at $gateway_bin (run: make build)"
for tool in storescu storescp echoscu Orthanc curl sqlite3 fincore python3 timeout flock; do
  command -v "$tool" >/dev/null || die "missing $tool (run: bash scripts/install-deps.sh --bench)"
done
# DCMTK leaves Nagle's algorithm on unless told (up to ~40 ms per exchange): off for every
# DCMTK process here, as in run.sh. The gateway sets TCP_NODELAY on its own sockets.
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
for p in $gw_port $gw_mwl_port $scp_port $orthanc_port $orthanc_http; do
  port_free "$p" || die "port $p is in use; stop whatever listens there"
done

mkdir -p "$results"
work=$(mktemp -d "${BENCH_WORK_DIR:-/tmp}/gateway-forward.XXXXXX")
if [[ -n ${BENCH_FORWARD_SINK_DIR:-} ]]; then
  sink_parent=$BENCH_FORWARD_SINK_DIR
elif (($(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }' || echo 0) > 3 * 1024 * 1024)); then
  sink_parent=/dev/shm
else
  sink_parent=$work
fi
sink=$(mktemp -d "$sink_parent/gateway-forward-sink.XXXXXX")
logs=$results/forward-logs
rm -rf "$logs" && mkdir -p "$logs"
csv=$results/forward-runs.csv
run_id=$(date -u '+%Y%m%dT%H%M%SZ')

gw_pid="" recv_pid="" scu_pid=""

stop_pid() {  # stop_pid PID: SIGTERM, bounded wait, SIGKILL; sets stop_rc
  stop_rc=0
  local pid=$1 deadline=$((SECONDS + stop_timeout))
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for ${stop_timeout}s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || stop_rc=$?
}
stop_gateway() { stop_pid "$gw_pid"; gw_pid=""; gw_stop_rc=$stop_rc; }
stop_receiver() { stop_pid "$recv_pid"; recv_pid=""; }

# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  [[ -z $scu_pid ]] || kill -TERM "$scu_pid" 2>/dev/null || true
  stop_gateway
  stop_receiver
  rm -rf "$work" "$sink"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Other developers rebuild build/ while this runs: a private copy keeps the run on one binary.
gateway_built=$(date -u -r "$gateway_bin" '+%Y-%m-%d %H:%M UTC')
cp "$gateway_bin" "$work/screening-gateway"
gateway_bin=$work/screening-gateway
"$gateway_bin" version >/dev/null 2>&1 || die "$gateway_bin does not run (being rebuilt? try again)"

log "generating data sets into $data (reused when already complete)"
# shellcheck disable=SC2086  # a list of set names
python3 "$here/gen_dicom.py" "$data" mammo $receive_sets >&2
set_b=()
for s in $receive_sets; do set_b+=("$data/$s"/*.dcm); done
n_b=${#set_b[@]}
bytes_b=$(stat -c %s "${set_b[@]}" | awk '{ s += $1 } END { print s }')

elapsed() { python3 -c "import sys; print('%.4f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }
mbps() { python3 -c "import sys; print('%.1f' % (int(sys.argv[1]) / 1e6 / max(float(sys.argv[2]), 1e-9)))" "$1" "$2"; }

wait_echo() {  # wait_echo NAME PID AET PORT
  local deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    kill -0 "$2" 2>/dev/null || die "$1 exited during start-up (logs: $logs)"
    echoscu -to 2 -ta 2 -td 2 -aec "$3" 127.0.0.1 "$4" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  die "$1 did not answer C-ECHO on port $4 within ${ready_timeout}s"
}

# ------------------------------------------------------------------------- servers
start_gateway() {  # start_gateway DIR LOG [FORWARD_DICOM]
  local dir=$1 out=$2 forward=${3:-}
  local env=(PACS_AET=SCREENING_PACS "PACS_PORT=$gw_port" "MWL_PORT=$gw_mwl_port"
    GATEWAY_HTTP_PORT=0 GATEWAY_BIND_ADDRESS=127.0.0.1 "GATEWAY_MAX_PDU_SIZE=$pdu"
    "PACS_STORAGE_PATH=$dir/storage" "PACS_DB_PATH=$dir/pacs.db" "MWL_DB_PATH=$dir/worklist.db")
  [[ -z $forward ]] || env+=("FORWARD_DICOM=$forward")
  env "${env[@]}" "$gateway_bin" serve >"$out" 2>&1 &
  gw_pid=$!
  wait_echo gateway "$gw_pid" SCREENING_PACS "$gw_port"
}

start_receiver() {  # start_receiver storescp|orthanc LOG: empty storage under $sink/recv
  local out=$2 dir=$sink/recv
  rm -rf "$dir" && mkdir -p "$dir/storage"
  case $1 in
    storescp)
      recv_aet=STORESCP recv_port=$scp_port
      # +B: each data set streamed to its file as received; storescp never fsyncs.
      storescp -aet "$recv_aet" +B -pdu "$pdu" -od "$dir/storage" "$scp_port" >"$out" 2>&1 &
      recv_pid=$!
      ;;
    orthanc)
      recv_aet=ORTHANC recv_port=$orthanc_port
      mkdir -p "$dir/index" "$dir/tmp"
      cat >"$dir/orthanc.json" <<JSON
{
  "Name": "bench-forward", "StorageDirectory": "$dir/storage", "IndexDirectory": "$dir/index",
  "TemporaryDirectory": "$dir/tmp", "StorageCompression": false, "Plugins": [],
  "HttpServerEnabled": true, "HttpPort": $orthanc_http, "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false, "WebDavEnabled": false, "DicomServerEnabled": true,
  "DicomAet": "$recv_aet", "DicomPort": $orthanc_port, "DicomCheckCalledAet": false,
  "UnknownSopClassAccepted": true, "MaximumPduLength": $pdu, "SyncStorageArea": true,
  "SaveJobs": false
}
JSON
      Orthanc "$dir/orthanc.json" >"$out" 2>&1 &
      recv_pid=$!
      ;;
  esac
  wait_echo "$1" "$recv_pid" "$recv_aet" "$recv_port"
  if [[ $1 == orthanc ]]; then
    local deadline=$((SECONDS + ready_timeout))
    until curl -fsS -m 2 "http://127.0.0.1:$orthanc_http/system" >/dev/null 2>&1; do
      ((SECONDS < deadline)) || die "Orthanc's REST API did not answer within ${ready_timeout}s"
      sleep 0.1
    done
  fi
}

received_count() {  # received_count storescp|orthanc: objects the receiver holds
  case $1 in
    storescp) find "$sink/recv/storage" -type f | wc -l ;;
    orthanc)
      curl -fsS -m 10 "http://127.0.0.1:$orthanc_http/statistics" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["CountInstances"])' || echo -1
      ;;
  esac
}

# ---------------------------------------------------------------------- page cache
# sync, then POSIX_FADV_DONTNEED on every file (clean pages of a file nobody maps are
# dropped); prints the bytes still resident after it (fincore), which should be 0.
evict() {
  sync
  python3 - "$@" <<'PY'
import os, sys
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
PY
  fincore -b -n -o RES "$@" | awk '{ s += $1 } END { print s + 0 }'
}
warm() { cat "$@" >/dev/null; }  # the files a modality sends come from its memory

# ------------------------------------------------------------------------ the queue
sql() { sqlite3 -cmd '.timeout 5000' "$@"; }

# Every stored instance PENDING and due now for destination "dicom", in arrival order (the
# order storescu sends them in). Only while the gateway is stopped.
queue_all() {
  sql "$1" "DELETE FROM forward_queue;
    INSERT INTO forward_queue (sop_instance_uid, destination)
      SELECT sop_instance_uid, 'dicom' FROM stored_instances ORDER BY rowid;"
}
sent_count() { sql "$1" "SELECT count(*) FROM forward_queue WHERE destination = 'dicom' AND state = 'SENT';"; }

wait_sent() {  # wait_sent DB N: until N rows are SENT (polled every 0.2 s; bounded)
  local deadline=$((SECONDS + drain_timeout)) n
  while ((SECONDS < deadline)); do
    kill -0 "$gw_pid" 2>/dev/null || return 1
    n=$(sent_count "$1" 2>/dev/null || echo 0)
    ((n >= $2)) && return 0
    sleep 0.2
  done
  return 1
}

# Forward time from the gateway's log: from the line the forwarder logs as it starts its
# worker ("forwarding destination=dicom ... workers=1") to the Nth "forwarded
# destination=dicom" line, which is written when the Nth C-STORE response has arrived.
# Millisecond timestamps. Prints "seconds first_forwarded_offset".
forward_seconds() {
  python3 - "$1" "$2" <<'PY'
import datetime, sys
path, n = sys.argv[1], int(sys.argv[2])
def ts(line):
    return datetime.datetime.strptime(line.split(" ", 1)[0], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
start, done = None, []
for line in open(path, errors="replace"):
    if start is None and "forwarding destination=dicom type=" in line:
        start = ts(line)
    elif " forwarded destination=dicom " in line:
        done.append(ts(line))
if start is None or len(done) < n:
    sys.exit("forward_seconds: %s has %s start line and %d of %d forwarded lines"
             % (path, "a" if start else "no", len(done), n))
print("%.4f %.4f" % (done[n - 1] - start, done[0] - start))
PY
}

# The receive's association as the gateway logged it (closed at T, lasted duration_ms), and
# the "forwarded" lines before it and inside it. Prints "before during".
forwarded_around_receive() {
  python3 - "$1" <<'PY'
import datetime, re, sys
def ts(line):
    return datetime.datetime.strptime(line.split(" ", 1)[0], "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
lines = open(sys.argv[1], errors="replace").readlines()
window = None
for line in lines:
    m = re.search(r"association closed service=pacs .*calling=BENCH_SCU .*duration_ms=(\d+)", line)
    if m:
        window = (ts(line) - int(m.group(1)) / 1000.0, ts(line))
if window is None:
    sys.exit("no BENCH_SCU association in " + sys.argv[1])
forwarded = [ts(l) for l in lines if " forwarded destination=dicom " in l]
print(sum(t < window[0] for t in forwarded), sum(window[0] <= t <= window[1] for t in forwarded))
PY
}

# Byte-identical data sets at the receiver (storescp writes its own meta header): every
# received file's data set must equal the source file of the same SOP Instance UID.
check_received() {  # check_received SOURCE_DIR... (against $sink/recv/storage)
  python3 - "$sink/recv/storage" "$@" <<'PY'
import glob, os, sys
sys.path.insert(0, os.environ["BENCH_HERE"])
from check_stored import meta_end_and_uid
def dataset(path):
    end, uid = meta_end_and_uid(path)
    with open(path, "rb") as f:
        f.seek(end)
        return uid, f.read()
sources = {}
for d in sys.argv[2:]:
    for p in glob.glob(os.path.join(d, "*.dcm")):
        sources[meta_end_and_uid(p)[1]] = p
bad = 0
for p in sorted(glob.glob(os.path.join(sys.argv[1], "*"))):
    uid, got = dataset(p)
    if uid not in sources or dataset(sources[uid])[1] != got:
        print("differs: %s" % p)
        bad += 1
sys.exit(1 if bad else 0)
PY
}
export BENCH_HERE=$here

[[ -f $csv ]] || echo "run,part,receiver,mode,cache,rep,files,bytes,seconds,mb_s,cached_bytes,forwarded_before,forwarded_during,status,notes" >"$csv"
row() { echo "$run_id,$*" >>"$csv"; }

scu_opts=(-R -ta 120 -pdu "$pdu" -aet BENCH_SCU)
timed_storescu() {  # timed_storescu AET PORT LOG FILE...: sets secs and rc
  local aet=$1 port=$2 out=$3 start
  shift 3
  rc=0
  start=$EPOCHREALTIME
  timeout -k 10 "$send_timeout" storescu "${scu_opts[@]}" -aec "$aet" 127.0.0.1 "$port" "$@" \
    >"$out" 2>&1 &
  scu_pid=$!
  wait "$scu_pid" || rc=$?
  secs=$(elapsed "$start" "$EPOCHREALTIME")
  scu_pid=""
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$SECONDS

# ------------------------------------------------------------ set A into the gateway
# Stored once, forwarding off; every forwarding run below re-queues these 20 instances.
gw=$work/gw
mkdir -p "$gw"
start_gateway "$gw" "$logs/load-gateway.log"
timed_storescu SCREENING_PACS "$gw_port" "$logs/load-scu.log" "$data/mammo"/*.dcm
stop_gateway
((rc == 0)) || die "storing set A into the gateway failed (storescu exit $rc; $logs/load-scu.log)"
mapfile -t stored < <(sql "$gw/pacs.db" "SELECT storage_path FROM stored_instances WHERE status = 'STORED' ORDER BY rowid;")
((${#stored[@]} == 20)) || die "the gateway holds ${#stored[@]} instances, not 20"
stored=("${stored[@]/#/$gw/storage/}")
bytes_a=$(stat -c %s "${stored[@]}" | awk '{ s += $1 } END { print s }')
log "set A stored in the gateway ($secs s): 20 files, $bytes_a bytes; receivers write to $sink"

failures=0
note_fail() { failures=$((failures + 1)); log "FAIL: $*"; }

# ------------------------------------------------- part A: forward against storescu
prepare_cache() {  # prepare_cache cold|warm FILE...: prints the bytes of them in the page cache
  if [[ $1 == cold ]]; then
    shift
    evict "$@"
  else
    shift
    warm "$@"
    fincore -b -n -o RES "$@" | awk '{ s += $1 } END { print s + 0 }'
  fi
}

a_storescu() {  # a_storescu RECEIVER CACHE REP
  local r=$1 cache=$2 rep=$3 tag cached secs rc got status notes
  # storescu sends the gateway's stored files, one association, into a fresh receiver.
  tag=a-r$rep-$r-$cache-storescu
  start_receiver "$r" "$logs/$tag-recv.log"
  cached=$(prepare_cache "$cache" "${stored[@]}")
  timed_storescu "$recv_aet" "$recv_port" "$logs/$tag-scu.log" "${stored[@]}"
  got=$(received_count "$r")
  stop_receiver
  status=ok notes=""
  ((rc == 0)) || { status=FAIL notes+="storescu exit $rc; "; }
  [[ $got == 20 ]] || { status=FAIL notes+="received $got of 20; "; }
  [[ $status == ok ]] || note_fail "$tag: $notes"
  row "A,$r,storescu,$cache,$rep,20,$bytes_a,$secs,$(mbps "$bytes_a" "$secs"),$cached,,,$status,${notes%; }"
  log "$tag: $secs s, $(mbps "$bytes_a" "$secs") MB/s $status"
  rm -rf "$sink/recv"
}

a_forward() {  # a_forward RECEIVER CACHE REP
  local r=$1 cache=$2 rep=$3 tag cached secs got status notes first out
  # The gateway forwards the same 20 files to a fresh receiver: all 20 queued, due now.
  tag=a-r$rep-$r-$cache-forward
  start_receiver "$r" "$logs/$tag-recv.log"
  queue_all "$gw/pacs.db"
  cached=$(prepare_cache "$cache" "${stored[@]}")
  start_gateway "$gw" "$logs/$tag-gateway.log" "$recv_aet@127.0.0.1:$recv_port"
  status=ok notes=""
  wait_sent "$gw/pacs.db" 20 || { status=FAIL notes+="not all 20 SENT within ${drain_timeout}s; "; }
  stop_gateway
  got=$(received_count "$r")
  if [[ $r == storescp && $rep == 1 && $cache == "${caches%% *}" ]] && ! check_received "$data/mammo" >"$logs/$tag-check.log" 2>&1; then
    status=FAIL notes+="forwarded data sets differ ($logs/$tag-check.log); "
  fi
  stop_receiver
  [[ $got == 20 ]] || { status=FAIL notes+="received $got of 20; "; }
  ((gw_stop_rc == 0)) || { status=FAIL notes+="gateway exit $gw_stop_rc; "; }
  secs="" first=""
  if out=$(forward_seconds "$logs/$tag-gateway.log" 20 2>"$logs/$tag-times.log"); then
    read -r secs first <<<"$out"
  else
    status=FAIL notes+="no forward times in the log; "
  fi
  [[ $status == ok ]] || note_fail "$tag: $notes"
  row "A,$r,forward,$cache,$rep,20,$bytes_a,$secs,$([[ -n $secs ]] && mbps "$bytes_a" "$secs"),$cached,,,$status,first_forwarded_after=${first}s${notes:+; ${notes%; }}"
  log "$tag: ${secs:-?} s, $([[ -n $secs ]] && mbps "$bytes_a" "$secs") MB/s (first after ${first:-?} s) $status"
  rm -rf "$sink/recv"
}

# ----------------------------------------- part B: receive with a backlog draining
# A private copy of the gateway's state per run: hard links to set A's files (never written
# again) and a copy of the index, so set B lands in the same state every time.
copy_state() {
  rm -rf "$work/b"
  mkdir -p "$work/b"
  cp -al "$gw/storage" "$work/b/storage"
  cp "$gw/pacs.db" "$gw/worklist.db" "$work/b/"
  sql "$work/b/pacs.db" "DELETE FROM forward_queue;"
}

part_b() {  # part_b off|draining REP
  local mode=$1 rep=$2 tag=b-r$2-$1 cached secs rc rows before="" during="" status=ok notes=""
  local all=$((20 + n_b))
  copy_state
  local forward=""
  if [[ $mode == draining ]]; then
    start_receiver storescp "$logs/$tag-recv.log"
    queue_all "$work/b/pacs.db"
    forward=STORESCP@127.0.0.1:$scp_port
  fi
  cached=$(evict "${stored[@]/#$gw/$work/b}")
  warm "${set_b[@]}"
  start_gateway "$work/b" "$logs/$tag-gateway.log" "$forward"
  timed_storescu SCREENING_PACS "$gw_port" "$logs/$tag-scu.log" "${set_b[@]}"
  rows=$(sql "$work/b/pacs.db" "SELECT count(*) FROM stored_instances WHERE status = 'STORED';")
  if [[ $mode == draining ]]; then
    # What was received is queued on arrival too: wait until everything is out.
    wait_sent "$work/b/pacs.db" "$all" || { status=FAIL notes+="not all $all SENT within ${drain_timeout}s; "; }
  fi
  stop_gateway
  if [[ $mode == draining ]]; then
    local got around
    if around=$(forwarded_around_receive "$logs/$tag-gateway.log" 2>"$logs/$tag-times.log"); then
      read -r before during <<<"$around"
    else
      status=FAIL notes+="no receive association in the log; "
    fi
    got=$(received_count storescp)
    stop_receiver
    [[ $got == "$all" ]] || { status=FAIL notes+="storescp received $got of $all; "; }
    rm -rf "$sink/recv"
  fi
  ((rc == 0)) || { status=FAIL notes+="storescu exit $rc; "; }
  [[ $rows == "$all" ]] || { status=FAIL notes+="gateway holds $rows of $all; "; }
  ((gw_stop_rc == 0)) || { status=FAIL notes+="gateway exit $gw_stop_rc; "; }
  [[ $status == ok ]] || note_fail "$tag: $notes"
  row "B,gateway,$mode,,$rep,$n_b,$bytes_b,$secs,$(mbps "$bytes_b" "$secs"),$cached,$before,$during,$status,${notes%; }"
  log "$tag: $secs s, $(mbps "$bytes_b" "$secs") MB/s${before:+ (forwarded before the receive: $before, during it: $during)} $status"
  rm -rf "$work/b"
}

# Repetition outermost, the compared runs back to back, so a burst of load from the shared
# machine hits both sides of a ratio alike.
for ((rep = 1; rep <= repeat; rep++)); do
  if [[ " $parts " == *" A "* ]]; then
    # The two senders alternate which goes first (the machine's slow phases last seconds).
    for r in $receivers; do
      for c in $caches; do
        if ((rep % 2)); then a_storescu "$r" "$c" "$rep"; a_forward "$r" "$c" "$rep"
        else a_forward "$r" "$c" "$rep"; a_storescu "$r" "$c" "$rep"; fi
      done
    done
  fi
  if [[ " $parts " == *" B "* ]]; then
    # Alternate which goes first, so neither always follows the other's write-back.
    if ((rep % 2)); then part_b off "$rep"; part_b draining "$rep"
    else part_b draining "$rep"; part_b off "$rep"; fi
  fi
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "Run $run_id: $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), kernel $(uname -r)."
  echo "Gateway storage on $(df -PT "$work" | awk 'NR == 2 { print $2 }') ($work); receivers on $(df -PT "$sink" | awk 'NR == 2 { print $2 }') ($sink_parent)."
  echo "Versions: gateway $("$gateway_bin" version 2>/dev/null | head -1) (tree $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'), binary built $gateway_built),"
  echo "$(storescu --version | awk 'NR == 1 { print $2, $3 }') (DCMTK), $(Orthanc --version | head -1)."
  echo "Load average before/after: $load_before / $load_after; wall time $((SECONDS - started)) s."
  echo "Command: BENCH_FORWARD_REPEAT=$repeat BENCH_FORWARD_RECEIVERS=\"$receivers\" BENCH_FORWARD_PARTS=\"$parts\" BENCH_FORWARD_CACHE=\"$caches\" BENCH_FORWARD_RECEIVE_SETS=\"$receive_sets\" bash bench/forward_bench.sh"
} >"$work/env.txt"

report_rc=0
python3 - "$csv" "$run_id" "$work/env.txt" <<'PY' >"$results/forward-latest.md" || report_rc=$?
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["run"] == sys.argv[2]]
env = open(sys.argv[3]).read().strip()
out = ["# Forwarding benchmark", "", env.replace("\n", "  \n"), ""]

def pick(part, receiver, mode, cache=""):
    return [r for r in rows if (r["part"], r["receiver"], r["mode"], r["cache"]) == (part, receiver, mode, cache)]

def value(rs, rep):
    for r in rs:
        if int(r["rep"]) == rep and r["status"] == "ok":
            return float(r["mb_s"])
    return None

def med(rs):
    good = [float(r["mb_s"]) for r in rs if r["status"] == "ok"]
    return statistics.median(good) if good else None

def fmt(v, spec="%.1f"):
    return spec % v if v is not None else "-"

def ratio(a, b):
    return a / b if a is not None and b else None

def rep_ratios(num, den):
    """Median of the per-repetition ratios (the two runs of a pair are back to back)."""
    rs = [ratio(value(num, rep), value(den, rep)) for rep in sorted({int(r["rep"]) for r in num + den})]
    rs = [r for r in rs if r is not None]
    return statistics.median(rs) if rs else None

def target(name, of_medians, per_rep, goal):
    if of_medians is None or per_rep is None:
        verdict = "no data"
    elif of_medians >= goal and per_rep >= goal:
        verdict = "met"
    elif of_medians < goal and per_rep < goal:
        verdict = "NOT met"
    else:
        verdict = "unclear (the two disagree: noise; run more repetitions)"
    targets.append((name, of_medians, per_rep, verdict))

targets = []
a_rows = [r for r in rows if r["part"] == "A"]
if a_rows:
    out += ["## A. Forwarding the 20 x 27 MB mammogram set over one association", "",
            "MB/s = 10^6 bytes of the gateway's stored files per second; ratio = forward / storescu. "
            "Cache: the stored files evicted from the page cache (cold) or read once (warm) right "
            "before each run. First image: s from the forwarder's start to the first C-STORE response.",
            "",
            "| Receiver | Cache | Rep | storescu MB/s | forward MB/s | ratio | forward: first image after s |",
            "|---|---|---:|---:|---:|---:|---:|"]
    for x in ("storescp", "orthanc"):
        for cache in ("cold", "warm"):
            s, f = pick("A", x, "storescu", cache), pick("A", x, "forward", cache)
            if not s and not f:
                continue
            for rep in sorted({int(r["rep"]) for r in s + f}):
                vs, vf = value(s, rep), value(f, rep)
                first = "-"
                for r in f:
                    if int(r["rep"]) == rep and "first_forwarded_after=" in r["notes"]:
                        first = r["notes"].split("first_forwarded_after=")[1].split("s")[0] or "-"
                out.append("| %s | %s | %d | %s | %s | %s | %s |" % (
                    x, cache, rep, fmt(vs), fmt(vf), fmt(ratio(vf, vs), "%.2f"), first))
            ms, mf = med(s), med(f)
            out.append("| **%s, %s: median** | | | **%s** | **%s** | **%s** (per rep: %s) | |" % (
                x, cache, fmt(ms), fmt(mf), fmt(ratio(mf, ms), "%.2f"), fmt(rep_ratios(f, s), "%.2f")))
            if cache == "cold":
                target("forward to %s >= 0.9 x storescu (cold)" % x, ratio(mf, ms), rep_ratios(f, s), 0.9)
    out.append("")

b_off, b_dr = pick("B", "gateway", "off"), pick("B", "gateway", "draining")
if b_off or b_dr:
    any_b = (b_off + b_dr)[0]
    out += ["## B. Receiving %s more mammograms (%.0f MB) on one association while a backlog drains"
            % (any_b["files"], int(any_b["bytes"]) / 1e6), "",
            "storescu into the gateway. \"draining\": the first set's 20 instances PENDING for "
            "storescp when the gateway starts; what arrives is queued too. Forwarded before / "
            "during: \"forwarded\" log lines before and inside the receiving association (as "
            "the gateway logged its start and end).", "",
            "| Rep | forwarding off MB/s | while draining MB/s | ratio | forwarded before | forwarded during |",
            "|---:|---:|---:|---:|---:|---:|"]
    for rep in sorted({int(r["rep"]) for r in b_off + b_dr}):
        vo, vd = value(b_off, rep), value(b_dr, rep)
        rd = [r for r in b_dr if int(r["rep"]) == rep]
        out.append("| %d | %s | %s | %s | %s | %s |" % (
            rep, fmt(vo), fmt(vd), fmt(ratio(vd, vo), "%.2f"),
            (rd[0]["forwarded_before"] or "-") if rd else "-",
            (rd[0]["forwarded_during"] or "-") if rd else "-"))
    mo, md = med(b_off), med(b_dr)
    out.append("| **median** | **%s** | **%s** | **%s** (per rep: %s) | | |" % (
        fmt(mo), fmt(md), fmt(ratio(md, mo), "%.2f"), fmt(rep_ratios(b_dr, b_off), "%.2f")))
    target("receive while draining >= 0.85 x forwarding off", ratio(md, mo), rep_ratios(b_dr, b_off), 0.85)
    out.append("")

out += ["## Targets", "", "| Target | Ratio of medians | Median of per-rep ratios | |", "|---|---:|---:|---|"]
for name, of_medians, per_rep, verdict in targets:
    out.append("| %s | %s | %s | %s |" % (name, fmt(of_medians, "%.2f"), fmt(per_rep, "%.2f"), verdict))
failed = [r for r in rows if r["status"] != "ok"]
if failed:
    out += ["", "## Failed runs (left out of the medians)", ""]
    for r in failed:
        out.append("- part %s %s %s %s rep %s: %s" % (r["part"], r["receiver"], r["mode"], r["cache"], r["rep"], r["notes"]))
print("\n".join(out))
sys.exit(1 if failed else 0)
PY
cat "$results/forward-latest.md"
log "report in $results/forward-latest.md, runs appended to $csv, logs in $logs"
((failures == 0)) || exit 1
exit "$report_rc"
