#!/usr/bin/env bash
# Regenerates docs/status-page.png, the README's picture of the status page: serves under a
# temporary folder on free ports, books three appointments, lets the emulator perform two of
# them, and has headless Chromium take the screenshot. Every wait is bounded; the gateway is
# always stopped.
#   bash scripts/screenshot.sh [build/bin/screening-gateway] [docs/status-page.png]
set -euo pipefail
binary=${1:-build/bin/screening-gateway}
output=${2:-docs/status-page.png}
work=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
export PACS_PORT=$(free_port) MWL_PORT=$(free_port) GATEWAY_HTTP_PORT=$(free_port)
export PACS_STORAGE_PATH=$work/storage PACS_DB_PATH=$work/pacs.db MWL_DB_PATH=$work/worklist.db
export GATEWAY_SHUTDOWN_TIMEOUT=5

"$binary" serve >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  grep -q ' ready ' "$work/serve.log" && break
  sleep 0.1
done
grep -q ' ready ' "$work/serve.log" || { cat "$work/serve.log"; exit 1; }

today=$(date +%Y%m%d)
add() {
  "$binary" worklist add --accession-number "$1" --patient-id "$2" --patient-name "$3" \
    --patient-birth-date 19650412 --scheduled-date "$today" --scheduled-time "$4" \
    --modality MG --scheduled-station-aet "$5" --study-description 'Screening mammography' >/dev/null
}
add SCR-0001 NHS-4857773456 'SMITH^JANE' 0830 MAMMO1
add SCR-0002 NHS-9434765919 "O'NEILL^MARY" 0845 MAMMO1
add SCR-0003 NHS-4010232137 'MÜLLER^ZOË' 0900 MAMMO2
timeout 120 "$binary" emulate --once --station-aet MAMMO1 --calling-aet MAMMO1 >/dev/null

timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --disable-dev-shm-usage --user-data-dir="$work/chrome" --window-size=1280,1000 \
  --virtual-time-budget=10000 --hide-scrollbars --screenshot="$output" \
  "http://127.0.0.1:$GATEWAY_HTTP_PORT/" >/dev/null 2>&1
echo "wrote $output"
