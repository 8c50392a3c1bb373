#!/usr/bin/env bash
# Storage throughput and memory benchmark: screening-gateway against DCMTK storescp and
# Orthanc, all on 127.0.0.1, all fed by the same storescu. See bench/README.md for the
# method and the reasons behind each option.
#
# Environment:
#   BENCH_REPEAT   repetitions per measurement, the median is reported (default 5)
#   BENCH_SETS     data sets, any of: small mammo tomo (default: all three)
#   BENCH_MODES    associations per set, any of: 1 4 (default: both)
#   BENCH_SERVERS  any of: gateway storescp orthanc durable (default: all four; durable is
#                  the durable-write baseline, bench/durable_write.py: no server at all)
#   BENCH_PDU      max PDU every server announces (default 131072, the gateway's default)
#   BENCH_DATA_DIR generated data sets (default bench/results/data, reused across runs)
#   BENCH_WORK_DIR parent of the temporary storage directories (default /tmp)
#   GATEWAY_BIN    the binary under test (default build/bin/screening-gateway)
set -euo pipefail
export LC_ALL=C  # decimal points in printf/awk regardless of the caller's locale

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

repeat=${BENCH_REPEAT:-5}
sets=${BENCH_SETS:-small mammo tomo}
modes=${BENCH_MODES:-1 4}
servers=${BENCH_SERVERS:-gateway storescp orthanc durable}
pdu=${BENCH_PDU:-131072}
results=$here/results
data=${BENCH_DATA_DIR:-$results/data}
gateway_bin=${GATEWAY_BIN:-$repo/build/bin/screening-gateway}

# Fixed ports away from the defaults (4242/4243/4244/104/8042) so a running PACS,
# Orthanc or storescp on this host is neither disturbed nor measured by mistake.
gw_port=11244 gw_mwl_port=11243 scp_port=11112 orthanc_port=14242 orthanc_http=18042
ready_timeout=60   # seconds a server may take to answer its first C-ECHO
stop_timeout=40    # seconds a server may take to exit after SIGTERM
send_timeout=900   # seconds one storescu may run before it is killed

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $*" >&2; }

[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "BENCH_REPEAT must be a positive integer"
[[ $pdu =~ ^[0-9]+$ ]] && ((pdu >= 4096 && pdu <= 131072)) || die "BENCH_PDU must be 4096..131072"
for s in $sets; do [[ $s == small || $s == mammo || $s == tomo ]] || die "unknown set '$s'"; done
for m in $modes; do [[ $m == 1 || $m == 4 ]] || die "unknown mode '$m' (1 or 4)"; done
for s in $servers; do
  [[ $s == gateway || $s == storescp || $s == orthanc || $s == durable ]] ||
    die "unknown server '$s'"
done
[[ -x $gateway_bin ]] || die "no gateway binary at $gateway_bin (run: make build)"
for tool in storescu storescp echoscu Orthanc curl python3 sqlite3 timeout; do
  command -v "$tool" >/dev/null || die "missing $tool (run: bash scripts/install-deps.sh --bench)"
done

# DCMTK leaves Nagle's algorithm on unless TCP_NODELAY=1 is in the environment, which
# stalls every small request/response exchange by up to ~40 ms (delayed ACK). The gateway
# sets TCP_NODELAY itself; giving the variable to every DCMTK-based process (storescu,
# storescp, Orthanc's DICOM server) keeps the comparison about the servers.
export TCP_NODELAY=1

# Only one listener per port may exist; a busy port would mean measuring someone else.
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
work=$(mktemp -d "${BENCH_WORK_DIR:-/tmp}/gateway-bench.XXXXXX")
logs=$results/logs
rm -rf "$logs" && mkdir -p "$logs"
csv=$results/runs.csv

server_pid=""
scu_pids=()

stop_server() {
  # Sets stop_rc to the server's exit status (137 when it had to be killed).
  stop_rc=0
  [[ -n $server_pid ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$server_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
  if kill -0 "$server_pid" 2>/dev/null; then
    log "server pid $server_pid ignored SIGTERM for ${stop_timeout}s; killing it"
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  wait "$server_pid" 2>/dev/null || stop_rc=$?
  server_pid=""
}

cleanup() {
  local pid
  for pid in "${scu_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  stop_server
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Other developers rebuild build/ while this runs; a private copy keeps every run on the
# same binary (and `version` proves the copy is a complete one).
gateway_built=$(date -u -r "$gateway_bin" '+%Y-%m-%d %H:%M UTC')
cp "$gateway_bin" "$work/screening-gateway"
gateway_bin=$work/screening-gateway
"$gateway_bin" version >/dev/null 2>&1 || die "$gateway_bin does not run (being rebuilt? try again)"

# ---------------------------------------------------------------------------- data
log "generating data sets into $data (reused when already complete)"
python3 "$here/gen_dicom.py" "$data" $sets

# ------------------------------------------------------------------------- servers
# Each start_* leaves server_pid, server_aet, server_port and server_log set. Servers run
# as direct children (no wrapper) so /proc/$server_pid is the server itself.

start_gateway() {
  local dir=$1
  server_aet=SCREENING_PACS server_port=$gw_port server_log=$dir/server.log
  PACS_AET=$server_aet PACS_PORT=$gw_port MWL_PORT=$gw_mwl_port \
    GATEWAY_BIND_ADDRESS=127.0.0.1 GATEWAY_MAX_PDU_SIZE=$pdu \
    PACS_STORAGE_PATH=$dir/storage PACS_DB_PATH=$dir/pacs.db MWL_DB_PATH=$dir/worklist.db \
    "$gateway_bin" serve >"$server_log" 2>&1 &
  server_pid=$!
}

start_storescp() {
  # Single process (no --fork): concurrent associations queue and are served one after
  # another. +B writes each dataset to its file exactly as received, streaming, like the
  # gateway (without +B storescp builds the whole object in memory and re-encodes it).
  # +xa accepts every transfer syntax it knows. storescp never fsyncs.
  local dir=$1
  server_aet=STORESCP server_port=$scp_port server_log=$dir/server.log
  mkdir -p "$dir/storage"
  storescp -aet "$server_aet" -od "$dir/storage" +B +xa -pdu "$pdu" "$scp_port" \
    >"$server_log" 2>&1 &
  server_pid=$!
}

start_orthanc() {
  # Distribution defaults except: private directories and ports, no plugins, REST API on
  # loopback only (it counts the instances), every SOP class and transfer syntax
  # accepted, the same max PDU as the others, and fsync on (the default since 1.7.4,
  # stated to match the gateway's durability).
  local dir=$1
  server_aet=ORTHANC server_port=$orthanc_port server_log=$dir/server.log
  mkdir -p "$dir/storage" "$dir/index" "$dir/tmp"
  cat >"$dir/orthanc.json" <<EOF
{
  "Name": "bench",
  "StorageDirectory": "$dir/storage",
  "IndexDirectory": "$dir/index",
  "TemporaryDirectory": "$dir/tmp",
  "StorageCompression": false,
  "Plugins": [],
  "HttpServerEnabled": true,
  "HttpPort": $orthanc_http,
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "WebDavEnabled": false,
  "DicomServerEnabled": true,
  "DicomAet": "$server_aet",
  "DicomPort": $orthanc_port,
  "DicomCheckCalledAet": false,
  "UnknownSopClassAccepted": true,
  "AcceptedTransferSyntaxes": [ "1.2.840.10008.1.*" ],
  "MaximumPduLength": $pdu,
  "SyncStorageArea": true,
  "SaveJobs": false
}
EOF
  Orthanc "$dir/orthanc.json" >"$server_log" 2>&1 &
  server_pid=$!
}

wait_ready() {
  local deadline=$((SECONDS + ready_timeout))
  while ((SECONDS < deadline)); do
    kill -0 "$server_pid" 2>/dev/null || { tail -20 "$server_log" >&2; die "$1 exited during start-up"; }
    if echoscu -to 2 -ta 2 -td 2 -aec "$server_aet" 127.0.0.1 "$server_port" >/dev/null 2>&1; then
      # Orthanc's instance count comes from its REST API; wait for that too.
      [[ $1 != orthanc ]] && return 0
      curl -fsS -m 2 "http://127.0.0.1:$orthanc_http/system" >/dev/null 2>&1 && return 0
    fi
    sleep 0.1
  done
  tail -20 "$server_log" >&2
  die "$1 did not answer C-ECHO within ${ready_timeout}s"
}

fsync_probe_ms() {  # median ms to make a new 4 KiB file durable (write, fsync file + dir)
  # The file system is shared with other users, whose writes slow every fsync; this
  # records how slow it was right before each run so outliers can be explained.
  python3 - "$1" <<'PY'
import os, statistics, sys, time
d = sys.argv[1]
dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
samples = []
for i in range(20):
    path = os.path.join(d, "probe%02d" % i)
    t = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, b"x" * 4096)
    os.fsync(fd)
    os.close(fd)
    os.fsync(dfd)
    samples.append((time.perf_counter() - t) * 1000)
    os.unlink(path)
print("%.2f" % statistics.median(samples))
PY
}

proc_cpu_s() {  # user+system CPU seconds the process has used so far
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
    "/proc/$1/stat" 2>/dev/null || echo 0
}

proc_kb() {  # proc_kb PID FIELD -> value in kB of VmRSS/VmHWM, or 0 if gone
  awk -v f="$2:" '$1 == f { print $2; found = 1 } END { if (!found) print 0 }' \
    "/proc/$1/status" 2>/dev/null || echo 0
}

stored_count() {  # objects the server holds now, checked two ways where it can be
  local server=$1 dir=$2 files rows
  case $server in
    gateway)
      files=$(find "$dir/storage" -type f -name '*.dcm' -path "$dir/storage/??/??/*" | wc -l)
      rows=$(sqlite3 "$dir/pacs.db" 'SELECT count(*) FROM stored_instances;' 2>/dev/null || echo -1)
      ;;
    storescp)
      files=$(find "$dir/storage" -type f | wc -l)
      rows=$files
      ;;
    orthanc)
      files=$(find "$dir/storage" -type f | wc -l)
      rows=$(curl -fsS -m 10 "http://127.0.0.1:$orthanc_http/statistics" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["CountInstances"])' || echo -1)
      ;;
  esac
  if [[ $files == "$rows" ]]; then echo "$files"; else echo "$files/$rows"; fi
}

log_problems() {  # lines at warning level or worse in a server's log
  case $1 in
    gateway) awk '$2 ~ /^(warning|error|critical)$/' "$2" ;;
    storescp) grep -E '^(W|E|F):' "$2" || true ;;
    orthanc) grep -E '^(E|F)[0-9]{4} ' "$2" || true ;;
  esac
}

# --------------------------------------------------------------------- measurement
# The same storescu for every server: -R proposes only the SOP classes and transfer
# syntaxes of the files (a modality's behaviour; without it storescu's fixed list lacks
# Breast Tomosynthesis). It halts at the first failed store; -ta 120 lets associations
# that a single-process storescp leaves in its backlog wait for their turn.
scu_opts=(-R -ta 120 -pdu "$pdu" -aet BENCH_SCU)

send_set() {  # send_set SET MODE TAG -> prints "seconds scu_status"
  local set=$1 mode=$2 tag=$3 files=("$data/$1"/*.dcm)
  local n=${#files[@]} parts=$2 i start end rc status=0
  ((parts > n)) && parts=$n
  scu_pids=()
  start=$EPOCHREALTIME
  for ((i = 0; i < parts; i++)); do
    # Contiguous, nearly equal slices: part i gets files [i*n/parts, (i+1)*n/parts).
    local from=$((i * n / parts)) to=$(((i + 1) * n / parts))
    timeout -k 10 "$send_timeout" storescu "${scu_opts[@]}" -aec "$server_aet" \
      127.0.0.1 "$server_port" "${files[@]:from:to-from}" >"$logs/$tag-scu$i.log" 2>&1 &
    scu_pids+=($!)
  done
  for i in "${!scu_pids[@]}"; do
    rc=0
    wait "${scu_pids[$i]}" || rc=$?
    ((rc == 0)) || status=$rc
  done
  end=$EPOCHREALTIME
  scu_pids=()
  python3 -c "import sys; print('%.4f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$end"
  echo "$status"
}

run_durable() {  # run_durable SET MODE REP: the same bytes written durably, no DICOM
  local set=$1 mode=$2 rep=$3 dir=$work/durable tag="r$3-durable-$1-x$2"
  local files=("$data/$set"/*.dcm) n parts i bytes probe start seconds cpu=0 rc status=0 pids=()
  n=${#files[@]} parts=$mode
  ((parts > n)) && parts=$n
  bytes=$(stat -c %s "${files[@]}" | awk '{ s += $1 } END { print s }')
  rm -rf "$dir" && mkdir -p "$dir"
  sync
  probe=$(fsync_probe_ms "$dir")
  start=$EPOCHREALTIME
  # One writer per association, each on its slice, like send_set; each reads its slice
  # before its clock starts, so the wall time here includes that read (page cache: small).
  for ((i = 0; i < parts; i++)); do
    local from=$((i * n / parts)) to=$(((i + 1) * n / parts))
    python3 "$here/durable_write.py" "$dir/part$i" "${files[@]:from:to-from}" >"$logs/$tag-$i.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do
    rc=0
    wait "${pids[$i]}" || rc=$?
    ((rc == 0)) || status=$rc
  done
  seconds=$(python3 -c "import sys; print('%.4f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$EPOCHREALTIME")
  for ((i = 0; i < parts; i++)); do
    cpu=$(awk -v c="$cpu" '{ print c + $2 }' "$logs/$tag-$i.log" 2>/dev/null || echo "$cpu")
  done
  local stored ok=ok notes=""
  stored=$(find "$dir" -type f -name '*.dcm' | wc -l)
  if [[ $stored != "$n" || $status != 0 ]]; then ok=FAIL notes="wrote $stored of $n (exit $status)"; fi
  echo "$rep,durable,$set,$mode,$n,$bytes,$seconds,$stored,0,0,$cpu,0,$probe,$ok,$notes" >>"$csv"
  printf 'bench: %-28s %8.2f s %9.1f MB/s  fsync probe %6.2f ms  %s\n' \
    "$tag" "$seconds" "$(python3 -c "print($bytes / 1e6 / max($seconds, 1e-9))")" "$probe" "$ok" >&2
  rm -rf "$dir"
}

run_one() {  # run_one SERVER SET MODE REP: one fresh server, one transfer, one CSV row
  local server=$1 set=$2 mode=$3 rep=$4
  local dir=$work/$server tag="r$4-$1-$2-x$3"
  local files=("$data/$set"/*.dcm)
  local bytes probe base_kb peak_kb cpu0 cpu1 sync0 sync_s out seconds scu_rc stored problems ok=ok notes=""
  bytes=$(stat -c %s "${files[@]}" | awk '{ s += $1 } END { print s }')
  rm -rf "$dir" && mkdir -p "$dir"
  # Write back what earlier runs left dirty (storescp never fsyncs) before timing.
  sync
  probe=$(fsync_probe_ms "$dir")
  "start_$server" "$dir"
  wait_ready "$server"
  base_kb=$(proc_kb "$server_pid" VmRSS)
  cpu0=$(proc_cpu_s "$server_pid")

  out=$(send_set "$set" "$mode" "$tag")
  seconds=${out%%$'\n'*} scu_rc=${out##*$'\n'}
  stored=$(stored_count "$server" "$dir")
  peak_kb=$(proc_kb "$server_pid" VmHWM)
  cpu1=$(proc_cpu_s "$server_pid")
  # What durability would still cost: storescp leaves its files in the page cache; the
  # others have fsynced already, so this is near zero for them. (syncfs covers the whole
  # file system, so other users' dirty data adds noise.)
  sync0=$EPOCHREALTIME
  sync -f "$dir/storage"
  sync_s=$(python3 -c "import sys; print('%.4f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$sync0" "$EPOCHREALTIME")
  stop_server

  cp "$server_log" "$logs/$tag-server.log"
  problems=$(log_problems "$server" "$server_log" | wc -l)
  if [[ $stored != "${#files[@]}" ]]; then ok=FAIL notes+="stored $stored of ${#files[@]}; "; fi
  if ((scu_rc != 0)); then ok=FAIL notes+="storescu exit $scu_rc; "; fi
  # storescp has no SIGTERM handler, so dying by the signal (143) is its clean stop.
  if ((stop_rc != 0)) && ! [[ $server == storescp && $stop_rc == 143 ]]; then
    ok=FAIL notes+="server exit $stop_rc after SIGTERM; "
  fi
  ((problems == 0)) || notes+="$problems warning/error log lines; "
  if [[ $server == gateway ]]; then
    # Outside the timing: the index agrees with the files (the gateway's own check), and
    # each stored data set is byte-identical to the one sent.
    if ! PACS_STORAGE_PATH=$dir/storage PACS_DB_PATH=$dir/pacs.db MWL_DB_PATH=$dir/worklist.db \
      LOG_LEVEL=warning "$gateway_bin" verify-storage >"$logs/$tag-verify.log" 2>&1; then
      ok=FAIL notes+="verify-storage failed; "
    fi
    if ! python3 "$here/check_stored.py" "$data/$set" "$dir/storage" >"$logs/$tag-bytes.log" 2>&1; then
      ok=FAIL notes+="stored data sets differ from those sent ($(wc -l <"$logs/$tag-bytes.log") files); "
    fi
  fi
  if grep -qE '^(E|F):' "$logs/$tag"-scu*.log; then notes+="storescu errors logged; "; fi
  [[ -z $notes ]] || log "$tag: $ok ${notes%; } (logs: $logs/$tag-*)"

  echo "$rep,$server,$set,$mode,${#files[@]},$bytes,$seconds,$stored,$base_kb,$peak_kb,$(python3 -c "print(round($cpu1 - $cpu0, 2))"),$sync_s,$probe,$ok,${notes%; }" >>"$csv"
  printf 'bench: %-28s %8.2f s %9.1f MB/s  peak RSS %6d MB  fsync probe %6.2f ms  %s\n' \
    "$tag" "$seconds" "$(python3 -c "print($bytes / 1e6 / max($seconds, 1e-9))")" \
    $((peak_kb / 1024)) "$probe" "$ok" >&2
  rm -rf "$dir"
}

echo "rep,server,set,mode,files,bytes,seconds,stored,base_rss_kb,peak_rss_kb,server_cpu_s,sync_s,fsync_probe_ms,status,notes" >"$csv"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$SECONDS
# Repetition outermost and the three servers back to back for each (set, mode), so a
# burst of load from the shared machine hits all servers alike rather than one of them.
for ((rep = 1; rep <= repeat; rep++)); do
  for set in $sets; do
    for mode in $modes; do
      for server in $servers; do
        if [[ $server == durable ]]; then
          run_durable "$set" "$mode" "$rep"
          continue
        fi
        run_one "$server" "$set" "$mode" "$rep"
      done
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

{
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)),"
  echo "kernel $(uname -r), storage on $(df -T "$work" | awk 'NR == 2 { print $2 }') ($work)."
  echo "Versions: gateway $("$gateway_bin" version 2>/dev/null | head -1) (tree $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?'), binary built $gateway_built),"
  echo "$(storescp --version | awk 'NR == 1 { print $2, $3 }') (DCMTK), $(Orthanc --version | head -1)."
  echo "Load average before/after: $load_before / $load_after; wall time $((SECONDS - started)) s."
  echo "Command: BENCH_REPEAT=$repeat BENCH_SETS=\"$sets\" BENCH_MODES=\"$modes\" BENCH_SERVERS=\"$servers\" BENCH_PDU=$pdu bench/run.sh"
} >"$work/env.txt"

report_rc=0
python3 "$here/report.py" "$csv" "$work/env.txt" >"$results/latest.md" || report_rc=$?
cat "$results/latest.md"
log "report written to $results/latest.md, raw runs in $csv, logs in $logs"
exit "$report_rc"
