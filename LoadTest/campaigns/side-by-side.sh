#!/usr/bin/env bash
# Tanks beside the Colyseus peer in one session (docs/performance.md, "Side by side with Colyseus"): for each client
# count in STEPS, REPEATS runs of each system, the order alternating per step (Tanks first, then Colyseus first, ...) to
# spread the machine's drift. Tanks: a fresh local stack, a registration pass, then ccu.sh's measured run (stack.sh);
# stopped before Colyseus runs, so neither idles beside the other. Colyseus: its server and driver as its README runs
# them, a fresh server per run, installed in a temporary copy (never in the shared one). Both: VmRSS of the server
# processes once a second over the measured window (rss-*.jsonl). Then `LoadTest compare` writes side-by-side.md/.json.
# Usage: LoadTest/campaigns/side-by-side.sh [OUT_DIR]
#   env: STEPS="1000 1500" REPEATS=1 MEASURE=30 RAMP=100 COLYSEUS_DIR=../shared/peers/colyseus COLYSEUS_WARMUP=5
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$(mkdir -p "${1:-load/side-by-side}" && cd "${1:-load/side-by-side}" && pwd) # absolute: node runs elsewhere
STEPS=${STEPS:-"1000 1500"}
REPEATS=${REPEATS:-1}
MEASURE=${MEASURE:-30}
COLYSEUS_DIR=${COLYSEUS_DIR:-../shared/peers/colyseus}
COLYSEUS_WARMUP=${COLYSEUS_WARMUP:-5}
COLYSEUS_URL=http://127.0.0.1:2567 # the server's default host and port (server.mjs)
COLYSEUS_JOIN_TIMEOUT=180          # the driver's default --join-timeout
source LoadTest/campaigns/stack.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXXXX")
CS_PID=
DRIVER_PID=
SAMPLER_PID=
# PID and its descendants, the deepest first (the driver's workers would outlive it: their sockets keep them running).
kill_tree() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$child"; done
  kill -TERM "$1" 2>/dev/null || true
}
cleanup() {
  stop_sampler
  if [ -n "$DRIVER_PID" ]; then kill_tree "$DRIVER_PID"; wait "$DRIVER_PID" 2>/dev/null || true; DRIVER_PID=; fi
  if [ -n "$CS_PID" ]; then kill -TERM "$CS_PID" 2>/dev/null || true; wait "$CS_PID" 2>/dev/null || true; CS_PID=; fi
  stop_stack
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that EXIT's cleanup runs on a signal too

# One JSON line per second for SECONDS s: {"t": unix s, "rssKb": {NAME: VmRSS kB, ...}} of the NAME=PID processes
# still alive. Short sleeps only, so that killing the sampler leaves no long sleep behind.
sample_rss() {
  local file=$1 seconds=$2; shift 2
  local i spec name pid kb json
  : >"$file"
  for (( i = 0; i < seconds; i++ )); do
    json=
    for spec in "$@"; do
      name=${spec%%=*} pid=${spec#*=}
      kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
      if [ -n "$kb" ]; then json+="${json:+,}\"$name\":$kb"; fi
    done
    echo "{\"t\":$(date +%s),\"rssKb\":{$json}}" >>"$file"
    sleep 1
  done
}
# Waits DELAY s (in 1 s steps), then samples for MEASURE s; in the background.
start_sampler() {
  local file=$1 delay=$2; shift 2
  ( for (( d = 0; d < delay; d++ )); do sleep 1; done; sample_rss "$file" "$MEASURE" "$@" ) &
  SAMPLER_PID=$!
}
stop_sampler() {
  if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=; fi
}

# The stack's server processes as NAME=PID (LocalStack's children, each `dotnet X.dll`).
stack_pids() {
  ps -o pid=,args= --ppid "$STACK_PID" | awk '
    /Tanks\.Silo\.dll/         { print "silo=" $1 }
    /Tanks\.Gateway\.Udp\.dll/ { print "gateway-udp=" $1 }
    /Tanks\.Gateway\.Tcp\.dll/ { print "gateway-tcp=" $1 }'
}

run_tanks() {
  local bots=$1 run pids
  start_stack
  mapfile -t pids < <(stack_pids)
  if [ "${#pids[@]}" -ne 3 ]; then echo "expected 3 stack processes under LocalStack $STACK_PID, found: ${pids[*]}" >&2; return 1; fi
  echo "== tanks $bots: registering $bots accounts (not measured)"
  register_accounts "$bots"
  for run in $(seq 1 "$REPEATS"); do
    # The load tool's window opens ccu_warmup s after it starts (its start-up is well under a second).
    start_sampler "$OUT/rss-tanks-$bots-$run.jsonl" "$(ccu_warmup "$bots")" "${pids[@]}"
    ccu_run "$bots" "$OUT/tanks-$bots-$run.json" "tanks run $run"
    stop_sampler
  done
  stop_stack
}

run_colyseus() {
  local clients=$1 procs=1 run up w
  if [ "$clients" -gt 1120 ]; then procs=2; fi # one Node worker cannot drive more (the peer's README)
  for run in $(seq 1 "$REPEATS"); do
    echo "== colyseus $clients clients, run $run: --procs $procs, warm-up ${COLYSEUS_WARMUP} s after the joins, measured ${MEASURE} s"
    if curl -sf "$COLYSEUS_URL/stats" >/dev/null; then echo "something already answers on $COLYSEUS_URL: stop it first" >&2; return 1; fi
    (cd "$WORK/colyseus" && exec node server.mjs --host 127.0.0.1 --port 2567) >"$OUT/colyseus-server-$clients-$run.log" 2>&1 &
    CS_PID=$!
    up=
    for _ in $(seq 1 100); do # 20 s
      if curl -sf "$COLYSEUS_URL/stats" >/dev/null; then up=1; break; fi
      if ! kill -0 "$CS_PID" 2>/dev/null; then break; fi
      sleep 0.2
    done
    if [ -z "$up" ]; then echo "the Colyseus server did not come up in 20 s (log in $OUT)" >&2; return 1; fi
    # The driver has its own deadline (join timeout + warm-up + window + 90 s); timeout is the backstop.
    timeout $(( COLYSEUS_JOIN_TIMEOUT + COLYSEUS_WARMUP + MEASURE + 120 )) node "$WORK/colyseus/loadtest.mjs" \
      --clients "$clients" --procs "$procs" --decode sample --duration "$MEASURE" --warmup "$COLYSEUS_WARMUP" \
      --server-pid "$CS_PID" --url "$COLYSEUS_URL" --join-timeout "$COLYSEUS_JOIN_TIMEOUT" \
      >"$OUT/colyseus-$clients-$run.json" 2>"$OUT/colyseus-driver-$clients-$run.log" &
    DRIVER_PID=$!
    # Its window opens COLYSEUS_WARMUP s after it logs "joined" (all clients in, or the join timeout).
    for (( w = 0; w < COLYSEUS_JOIN_TIMEOUT * 5 + 25; w++ )); do
      if grep -q '^joined ' "$OUT/colyseus-driver-$clients-$run.log" || ! kill -0 "$DRIVER_PID" 2>/dev/null; then break; fi
      sleep 0.2
    done
    start_sampler "$OUT/rss-colyseus-$clients-$run.jsonl" "$COLYSEUS_WARMUP" "server=$CS_PID"
    if ! wait "$DRIVER_PID"; then echo "the Colyseus driver failed (log in $OUT/colyseus-driver-$clients-$run.log)" >&2; fi
    DRIVER_PID=
    stop_sampler
    kill -TERM "$CS_PID" 2>/dev/null || true; wait "$CS_PID" 2>/dev/null || true; CS_PID=
  done
}

if [ ! -f "$COLYSEUS_DIR/server.mjs" ] || [ ! -f "$COLYSEUS_DIR/loadtest.mjs" ]; then
  echo "COLYSEUS_DIR=$COLYSEUS_DIR (from $(pwd)) holds no server.mjs and loadtest.mjs" >&2; exit 1
fi
dotnet build -c Release LocalStack >/dev/null && dotnet build -c Release LoadTest >/dev/null
echo "== installing the Colyseus peer in $WORK"
cp -r "$COLYSEUS_DIR" "$WORK/colyseus" && chmod -R u+w "$WORK/colyseus" # the shared copy may be read-only
rm -rf "$WORK/colyseus/node_modules"
# --legacy-peer-deps: colyseus peer-depends on a transport whose uWebSockets.js comes from GitHub; the ws one is used.
(cd "$WORK/colyseus" && timeout 600 npm ci --legacy-peer-deps --no-audit --no-fund >"$OUT/npm-ci.log" 2>&1) \
  || { echo "npm ci failed (log in $OUT/npm-ci.log)" >&2; exit 1; }

first=tanks
for n in $STEPS; do
  if [ "$first" = tanks ]; then run_tanks "$n"; run_colyseus "$n"; first=colyseus
  else run_colyseus "$n"; run_tanks "$n"; first=tanks; fi
done
dotnet "$LOADTEST" compare "$OUT"
