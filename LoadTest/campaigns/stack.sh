# Sourced by the campaign scripts: start_stack [ENV=VALUE...] starts LocalStack (Release) with the campaign's settings
# and waits until both gateways are ready; stop_stack stops it (LocalStack stops its children). LocalStack binds the
# fixed local ports (8080, 8000, 8001, 8888, 9999): nothing else may hold them.
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
