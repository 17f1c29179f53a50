#!/usr/bin/env bash
# Starts a silo, Gateway.Tcp (auth rate limits raised: the bench runs from one address) and Gateway.Udp from their
# build outputs on loopback ports BASE_PORT..BASE_PORT+6, runs Tools/LoginBench against them (with the three processes'
# CPU per phase), then stops exactly the processes it started.
#   Tools/LoginBench/measure.sh [LoginBench options...]        e.g. --repeats 3 --seconds 15 --report /tmp/login.json
#   env: CONFIGURATION (Release), BASE_PORT (47300), KEEP_LOGS=1 keeps the stack's logs,
#        HOLD_SECONDS=N starts the stack, prints its pids and ports, keeps it N seconds (profiling, other tools), no bench
# Build first:
#   for p in Silo Gateway.Tcp Gateway.Udp Tools/LoginBench; do dotnet build -c Release $p; done
set -euo pipefail
cd "$(dirname "$0")/../.."
CONF=${CONFIGURATION:-Release}
BASE=${BASE_PORT:-47300}
SILO_DLL=Silo/bin/$CONF/net10.0/Tanks.Silo.dll
TCP_DLL=Gateway.Tcp/bin/$CONF/net10.0/Tanks.Gateway.Tcp.dll
UDP_DLL=Gateway.Udp/bin/$CONF/net10.0/Tanks.Gateway.Udp.dll
BENCH_DLL=Tools/LoginBench/bin/$CONF/net10.0/Tanks.LoginBench.dll
for f in "$SILO_DLL" "$TCP_DLL" "$UDP_DLL" "$BENCH_DLL"; do
  [ -f "$f" ] || { echo "measure.sh: $f missing; build first: dotnet build -c $CONF <project>" >&2; exit 1; }
done
for port in $(seq "$BASE" $((BASE+6))); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null \
     || { command -v ss >/dev/null && ss -Hlnu "sport = :$port" | grep -q .; }; then
    echo "measure.sh: port $port is in use; pick other ports with BASE_PORT=..." >&2; exit 1
  fi
done

LOG=$(mktemp -d -t login-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null || true
  done
  if [ "${KEEP_LOGS:-0}" = 1 ]; then echo "stack logs in $LOG"; else rm -rf "$LOG"; fi
}
trap cleanup EXIT
wait_ready() { # port name
  for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null && return 0; sleep 0.3; done
  echo "measure.sh: $2 not ready on port $1; its log:" >&2; tail -20 "$LOG/$2.log" >&2; exit 1
}

export Cluster__ClusterId=login-bench-$$ Cluster__ServiceId=tanks-login-bench
export Cluster__SiloPort=$BASE Cluster__GatewayPort=$((BASE+1)) Cluster__GatewayHost=127.0.0.1
export Netcode__PrivateKey=$(head -c 32 /dev/urandom | base64) Netcode__PublicAddresses__0=127.0.0.1:$((BASE+4))

Urls=http://127.0.0.1:$((BASE+2)) dotnet "$SILO_DLL" >"$LOG/silo.log" 2>&1 & SILO_PID=$!; PIDS+=("$SILO_PID")
wait_ready $((BASE+2)) silo
TcpGateway__ListenAddress=127.0.0.1 TcpGateway__Port=$((BASE+3)) TcpGateway__MetricsPort=$((BASE+5)) \
  TcpGateway__AuthBurstPerAddress=100000 TcpGateway__AuthRequestsPerMinutePerAddress=1000000 \
  dotnet "$TCP_DLL" >"$LOG/tcp.log" 2>&1 & TCP_PID=$!; PIDS+=("$TCP_PID")
UdpGateway__ListenAddress=127.0.0.1 UdpGateway__Port=$((BASE+4)) UdpGateway__MetricsPort=$((BASE+6)) \
  dotnet "$UDP_DLL" >"$LOG/udp.log" 2>&1 & UDP_PID=$!; PIDS+=("$UDP_PID")
wait_ready $((BASE+5)) tcp
wait_ready $((BASE+6)) udp
sleep 1
if [ -n "${HOLD_SECONDS:-}" ]; then
  echo "stack up: Gateway.Tcp 127.0.0.1:$((BASE+3)), silo pid $SILO_PID, tcp pid $TCP_PID, udp pid $UDP_PID; holding ${HOLD_SECONDS} s"
  echo "  bench: dotnet $BENCH_DLL --tcp 127.0.0.1:$((BASE+3)) --cpu-pid silo=$SILO_PID --cpu-pid tcp=$TCP_PID --cpu-pid udp=$UDP_PID"
  sleep "$HOLD_SECONDS"
  exit 0
fi

set +e
dotnet "$BENCH_DLL" --tcp 127.0.0.1:$((BASE+3)) --cpu-pid silo=$SILO_PID --cpu-pid tcp=$TCP_PID --cpu-pid udp=$UDP_PID "$@"
status=$?
set -e
exit $status
