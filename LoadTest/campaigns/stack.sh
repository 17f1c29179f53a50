# Sourced by the campaign scripts: start_stack [ENV=VALUE...] starts LocalStack (Release) with the campaign's settings
# and waits until both gateways are ready; stop_stack stops it (LocalStack stops its children); register_accounts N and
# ccu_run BOTS REPORT [LABEL] are one registration pass and one measured CCU run (warm-up, then MEASURE s) against it.
# LocalStack binds the fixed local ports (8080, 8000, 8001, 8888, 9999): nothing else may hold them.
LOADTEST=LoadTest/bin/Release/net10.0/Tanks.LoadTest.dll
STACK_PID=
start_stack() {
  for port in 8080 8000 8001 8888; do
    if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then echo "port $port is in use: stop the other stack first" >&2; return 1; fi
  done
  env "$@" \
    Matchmaking__Map=crossroads Matchmaking__ReducedTeamsAfter=00:00:05 Matchmaking__AnyTeamsAfter=00:00:10 \
    TcpGateway__AuthBurstPerAddress=100000 TcpGateway__AuthRequestsPerMinutePerAddress=1000000 \
    dotnet LocalStack/bin/Release/net10.0/Tanks.LocalStack.dll >"$OUT/stack-$(date +%H%M%S).log" 2>&1 &
  STACK_PID=$!
  for _ in $(seq 1 120); do
    curl -sf http://127.0.0.1:8000/health/ready >/dev/null && curl -sf http://127.0.0.1:8001/health/ready >/dev/null && return 0
    sleep 0.5
  done
  echo "the stack did not become ready (log in $OUT)" >&2
  return 1
}
stop_stack() {
  if [ -n "$STACK_PID" ]; then kill -TERM "$STACK_PID" 2>/dev/null || true; wait "$STACK_PID" 2>/dev/null || true; STACK_PID=; fi
}
trap stop_stack EXIT
METRICS=(--metrics silo=http://127.0.0.1:8080/metrics --metrics gateway-udp=http://127.0.0.1:8001/metrics --metrics gateway-tcp=http://127.0.0.1:8000/metrics)
# Not measured: every account of N, so a measured run only logs in (~15-25 registrations/s beside the battles).
register_accounts() {
  dotnet "$LOADTEST" --bots "$1" --ramp "${RAMP:-100}" --seed 1 --duration $(( $1 / 12 + 30 )) --quiet >/dev/null || true
}
# A measured run's warm-up (s): logins (one Argon2id each) run at ~40-60/s beside the battles, then the battles settle.
ccu_warmup() { echo $(( $1 / 35 + 20 )); }
# One measured run: ramp and warm-up (ccu_warmup), then MEASURE s measured; LABEL (optional) names it in the log.
ccu_run() {
  local bots=$1 report=$2 label=${3:-} warmup
  warmup=$(ccu_warmup "$1")
  echo "== $bots bots${label:+, $label}: warm-up ${warmup} s, measured ${MEASURE} s"
  dotnet "$LOADTEST" --bots "$bots" --ramp "${RAMP:-100}" --seed 1 \
    --warmup "$warmup" --duration $(( warmup + MEASURE )) --quiet "${METRICS[@]}" \
    --report "$report" | grep -E "inter-arrival|loss|cpu all|trouble|starved|thresholds" || true
}
