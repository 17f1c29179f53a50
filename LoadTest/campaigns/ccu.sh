#!/usr/bin/env bash
# CCU campaign (docs/performance.md, measurement 2): one local stack (7v7 on crossroads at 20 Hz); for each bot count in
# STEPS (ascending), REPEATS runs of the same seed: the first run of a step registers its new bots, every run logs its
# bots in and they rejoin their battles if still running (battles last 7 minutes). Each run: ramp and settle (warm-up,
# not measured), then MEASURE s measured. Then the curve of the medians.
# Usage: LoadTest/campaigns/ccu.sh [OUT_DIR]   env: STEPS="1000 1250 1500 1750 2000" REPEATS=3 MEASURE=30 RAMP=100
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-load/ccu}
STEPS=${STEPS:-"1000 1250 1500 1750 2000"}
REPEATS=${REPEATS:-3}
MEASURE=${MEASURE:-30}
RAMP=${RAMP:-100}
mkdir -p "$OUT"
source LoadTest/campaigns/stack.sh
dotnet build -c Release LocalStack >/dev/null && dotnet build -c Release LoadTest >/dev/null
start_stack
# Registration pass (not measured): every account of the largest step, so each measured run only logs in.
max=$(printf '%s\n' $STEPS | sort -n | tail -1)
echo "== registering $max accounts"
register_accounts "$max"
for bots in $STEPS; do
  for run in $(seq 1 "$REPEATS"); do
    ccu_run "$bots" "$OUT/ccu-$bots-$run.json" "run $run"
  done
done
stop_stack
dotnet "$LOADTEST" curve --out "$OUT/curve.png" "$OUT"/ccu-*.json
