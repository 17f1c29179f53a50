#!/usr/bin/env bash
# Starts, on loopback ports BASE_PORT..BASE_PORT+8 (default 47100..47108): a silo, Gateway.Tcp, Gateway.Udp
# (PayloadMode=echo), Tools/UdpEcho and Tools/UdpBench/asyncio_echo.py (python3: the Python prototype's stack); runs
# UdpBench against them; then stops exactly the processes it started (by their PIDs).
# Usage: Tools/UdpBench/measure.sh [UdpBench args...]     e.g. --rounds 7 --report /tmp/udp.json   (--help: the options)
# Build first (Release is the default configuration here; CONFIGURATION=Debug to measure a Debug build):
#   for p in Tools/UdpBench Tools/UdpEcho Gateway.Udp Gateway.Tcp Silo; do dotnet build -c Release $p; done
# Environment: BASE_PORT, CONFIGURATION, PYTHON (default python3), ECHO_SECONDS (lifetime bound of the echoes, 900).
set -euo pipefail
cd "$(dirname "$0")/../.."
CONF=${CONFIGURATION:-Release}
BASE=${BASE_PORT:-47100}
LIFE=${ECHO_SECONDS:-900}
for dll in Silo/bin/$CONF/net10.0/Tanks.Silo.dll Gateway.Tcp/bin/$CONF/net10.0/Tanks.Gateway.Tcp.dll \
           Gateway.Udp/bin/$CONF/net10.0/Tanks.Gateway.Udp.dll Tools/UdpEcho/bin/$CONF/net10.0/Tanks.UdpEcho.dll \
           Tools/UdpBench/bin/$CONF/net10.0/Tanks.UdpBench.dll; do
  [[ -f $dll ]] || { echo "measure.sh: $dll is missing: build with -c $CONF first" >&2; exit 1; }
done
if command -v ss >/dev/null; then
  for port in $(seq "$BASE" $((BASE+8))); do
    if ss -Htuln "sport = :$port" | grep -q .; then echo "measure.sh: port $port is in use: choose another BASE_PORT" >&2; exit 1; fi
  done
fi
# The interpreter itself, not a pyenv/asdf shim, so that $! is the echo's own PID.
PY=$("${PYTHON:-python3}" -c 'import sys; print(sys.executable)')
KEY=$(head -c 32 /dev/urandom | base64)
LOG=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  done
}
trap cleanup EXIT
export Cluster__ClusterId=bench-$$ Cluster__ServiceId=tanks-bench Cluster__SiloPort=$((BASE)) Cluster__GatewayPort=$((BASE+1))
export Netcode__PrivateKey=$KEY Netcode__PublicAddresses__0=127.0.0.1:$((BASE+4))
Urls=http://127.0.0.1:$((BASE+2)) dotnet Silo/bin/$CONF/net10.0/Tanks.Silo.dll >"$LOG/silo.log" 2>&1 & PIDS+=($!)
for i in $(seq 1 100); do curl -sf http://127.0.0.1:$((BASE+2))/health/ready >/dev/null && break; sleep 0.3; done
TcpGateway__ListenAddress=127.0.0.1 TcpGateway__Port=$((BASE+3)) TcpGateway__MetricsPort=$((BASE+5)) \
  TcpGateway__AuthBurstPerAddress=100000 TcpGateway__AuthRequestsPerMinutePerAddress=1000000 \
  dotnet Gateway.Tcp/bin/$CONF/net10.0/Tanks.Gateway.Tcp.dll >"$LOG/tcp.log" 2>&1 & PIDS+=($!)
UdpGateway__ListenAddress=127.0.0.1 UdpGateway__Port=$((BASE+4)) UdpGateway__MetricsPort=$((BASE+6)) UdpGateway__PayloadMode=echo \
  dotnet Gateway.Udp/bin/$CONF/net10.0/Tanks.Gateway.Udp.dll >"$LOG/udp.log" 2>&1 & UDP_PID=$!; PIDS+=($UDP_PID)
dotnet Tools/UdpEcho/bin/$CONF/net10.0/Tanks.UdpEcho.dll $((BASE+7)) "$LIFE" >"$LOG/echo.log" 2>&1 & ECHO_PID=$!; PIDS+=($ECHO_PID)
"$PY" Tools/UdpBench/asyncio_echo.py $((BASE+8)) "$LIFE" >"$LOG/asyncio.log" 2>&1 & ASYNCIO_PID=$!; PIDS+=($ASYNCIO_PID)
for port in $((BASE+5)) $((BASE+6)); do
  for i in $(seq 1 100); do curl -sf http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.3; done
done
sleep 1
echo "measure.sh: $CONF build; asyncio echo on $("$PY" --version 2>&1) ($PY); logs in $LOG"
dotnet Tools/UdpBench/bin/$CONF/net10.0/Tanks.UdpBench.dll --tcp-port $((BASE+3)) --udp-pid $UDP_PID --udp-metrics-port $((BASE+6)) \
  --echo-port $((BASE+7)) --echo-pid $ECHO_PID --asyncio-port $((BASE+8)) --asyncio-pid $ASYNCIO_PID "$@"
echo "logs in $LOG"
