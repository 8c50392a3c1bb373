#!/usr/bin/env bash
# `make demo`: the whole screening flow on one machine, without a real modality.
#   1. `serve` with embedded defaults, storage and databases under FOLDER (wiped first);
#   2. waits for readiness with `healthcheck` (a real C-ECHO and worklist query), bounded;
#   3. three worklist items for today (`worklist add`);
#   4. one emulator pass (`emulate --once`): worklist query, MPPS N-CREATE, four MG images
#      per item to the PACS, MPPS N-SET COMPLETED;
#   5. `worklist list` and `verify-storage`;
#   6. SIGTERM, and checks that the gateway exits 0.
# The gateway is stopped whatever happens (trap). Ports and AE titles are the defaults
# unless PACS_PORT, MWL_PORT, ... are set in the environment.
# Usage: scripts/demo.sh BINARY FOLDER
set -euo pipefail

BIN=${1:?usage: demo.sh BINARY FOLDER}
DIR=${2:?usage: demo.sh BINARY FOLDER}
READY_TIMEOUT_S=20
STOP_TIMEOUT_S=30

rm -rf "$DIR"
mkdir -p "$DIR"
export PACS_STORAGE_PATH="$DIR/storage" PACS_DB_PATH="$DIR/pacs.db" MWL_DB_PATH="$DIR/worklist.db"
LOG="$DIR/serve.log"

step() { printf '\n== %s\n' "$*"; }

# Sends SIGTERM and waits (bounded) for the exit; SIGKILL as a last resort. Returns the
# gateway's exit code, or 1 when it had to be killed.
stop_gateway() {
  kill -0 "$PID" 2>/dev/null || { wait "$PID" 2>/dev/null; return $?; }
  kill -TERM "$PID"
  local waited=0
  while kill -0 "$PID" 2>/dev/null && [ "$waited" -lt $((STOP_TIMEOUT_S * 5)) ]; do
    sleep 0.2
    waited=$((waited + 1))
  done
  if kill -0 "$PID" 2>/dev/null; then
    echo "gateway did not stop within ${STOP_TIMEOUT_S} s: killing it" >&2
    kill -KILL "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    return 1
  fi
  local code=0
  wait "$PID" || code=$?
  return "$code"
}

on_exit() {
  local status=$?
  trap - EXIT
  if [ -n "${PID:-}" ] && kill -0 "$PID" 2>/dev/null; then stop_gateway || true; fi
  if [ "$status" -ne 0 ]; then
    echo >&2
    echo "demo FAILED (exit $status). Last lines of the gateway log ($LOG):" >&2
    tail -n 20 "$LOG" >&2 2>/dev/null || true
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

step "Starting the gateway (log: $LOG)"
"$BIN" serve >"$LOG" 2>&1 &
PID=$!
ready=0
for _ in $(seq 1 $((READY_TIMEOUT_S * 5))); do
  if ! kill -0 "$PID" 2>/dev/null; then
    echo "the gateway exited during start-up" >&2
    exit 1
  fi
  if "$BIN" healthcheck --timeout 2 >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.2
done
if [ "$ready" -ne 1 ]; then
  echo "the gateway was not ready within ${READY_TIMEOUT_S} s" >&2
  exit 1
fi
"$BIN" healthcheck

TODAY=$(date +%Y%m%d)
step "Scheduling three screening appointments for today ($TODAY)"
add() {  # ACCESSION PATIENT_ID NAME BIRTH_DATE TIME STATION
  "$BIN" worklist add --accession-number "$1" --patient-id "$2" --patient-name "$3" \
    --patient-birth-date "$4" --patient-sex F --scheduled-date "$TODAY" --scheduled-time "$5" \
    --modality MG --scheduled-station-aet "$6" --study-description "Screening mammography" \
    --referring-physician "SCREENING^PROGRAMME"
}
add DEMO-001 NHS9000001 "SMITH^ALICE" 19650412 0900 MAMMO1
add DEMO-002 NHS9000002 "MÜLLER^GRETA" 19580730 0915 MAMMO1
add DEMO-003 NHS9000003 "GARCÍA^LUCÍA" 19711103 0930 MAMMO2
"$BIN" worklist list --date "$TODAY"

step "Playing the modality: screening-gateway emulate --once"
"$BIN" emulate --once

step "The worklist afterwards"
"$BIN" worklist list --date "$TODAY"

step "Checking the store: screening-gateway verify-storage"
"$BIN" verify-storage

step "Stopping the gateway (SIGTERM)"
code=0
stop_gateway || code=$?
if [ "$code" -ne 0 ]; then
  echo "the gateway exited with $code" >&2
  exit 1
fi
echo "stopped cleanly. Images: $PACS_STORAGE_PATH, index: $PACS_DB_PATH, worklist: $MWL_DB_PATH"
