#!/usr/bin/env bash
# CCU campaign (docs/performance.md, measurement 2): for each bot count in STEPS, REPEATS runs, each against a fresh
# local stack (7v7 on crossroads at 20 Hz): ramp, WARMUP s to settle, MEASURE s measured; then the curve of medians.
# Usage: LoadTest/campaigns/ccu.sh [OUT_DIR]   env: STEPS="500 1000 1500 2000" REPEATS=3 MEASURE=30 RAMP=100
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-load/ccu}
STEPS=${STEPS:-"500 1000 1500 2000"}
REPEATS=${REPEATS:-3}
MEASURE=${MEASURE:-30}
RAMP=${RAMP:-100}
mkdir -p "$OUT"
source LoadTest/campaigns/stack.sh
dotnet build -c Release LocalStack >/dev/null && dotnet build -c Release LoadTest >/dev/null
for bots in $STEPS; do
  for run in $(seq 1 "$REPEATS"); do
    start_stack
    warmup=$(( bots / RAMP + 15 ))
    echo "== $bots bots, run $run: warm-up ${warmup} s, measured ${MEASURE} s"
    dotnet LoadTest/bin/Release/net10.0/Tanks.LoadTest.dll --bots "$bots" --ramp "$RAMP" --seed "$run" \
      --warmup "$warmup" --duration $(( warmup + MEASURE )) --quiet "${METRICS[@]}" \
      --report "$OUT/ccu-$bots-$run.json" | tail -25 || true
    stop_stack
  done
done
dotnet LoadTest/bin/Release/net10.0/Tanks.LoadTest.dll curve --out "$OUT/curve.png" "$OUT"/ccu-*.json
