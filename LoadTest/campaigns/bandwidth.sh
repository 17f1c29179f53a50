#!/usr/bin/env bash
# Bandwidth campaign (docs/performance.md, measurement 4): downstream payload per client in full 7v7 battles with delta
# snapshots (the default) and with every snapshot full (UdpGateway__DeltaSnapshots=false), REPEATS runs of each,
# alternating, each against a fresh local stack.
# Usage: LoadTest/campaigns/bandwidth.sh [OUT_DIR]   env: BOTS=140 REPEATS=3 MEASURE=40
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-load/bandwidth}
BOTS=${BOTS:-140}
REPEATS=${REPEATS:-3}
MEASURE=${MEASURE:-40}
mkdir -p "$OUT"
source LoadTest/campaigns/stack.sh
dotnet build -c Release LocalStack >/dev/null && dotnet build -c Release LoadTest >/dev/null
for run in $(seq 1 "$REPEATS"); do
  for mode in delta full; do
    if [ "$mode" = full ]; then start_stack UdpGateway__DeltaSnapshots=false; else start_stack; fi
    warmup=$(( BOTS / 50 + 15 ))
    echo "== $mode snapshots, $BOTS bots, run $run"
    dotnet LoadTest/bin/Release/net10.0/Tanks.LoadTest.dll --bots "$BOTS" --ramp 50 --seed "$run" \
      --warmup "$warmup" --duration $(( warmup + MEASURE )) --quiet "${METRICS[@]}" \
      --report "$OUT/bandwidth-$mode-$run.json" | grep -E "bandwidth|inter-arrival|loss|trouble|starved|thresholds" || true
    stop_stack
  done
done
for mode in delta full; do
  printf '%s: kbit/s down per client, runs: ' "$mode"
  for f in "$OUT"/bandwidth-$mode-*.json; do python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bandwidth']['kbitDownPerClient'], end=' ')" "$f"; done
  echo
done
