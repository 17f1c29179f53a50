#!/usr/bin/env bash
# Starts a silo, Gateway.Tcp, Gateway.Udp (PayloadMode=echo) and Tools/UdpEcho on loopback ports, runs UdpBench,
# then stops exactly the processes it started. Usage: Tools/UdpBench/measure.sh [UdpBench args...]
# Build first: dotnet build Tools/UdpBench && dotnet build Tools/UdpEcho && dotnet build Gateway.Udp && dotnet build Gateway.Tcp && dotnet build Silo
set -euo pipefail
cd "$(dirname "$0")/../.."
CONF=${CONFIGURATION:-Debug}
BASE=${BASE_PORT:-47100}
KEY=$(head -c 32 /dev/urandom | base64)
LOG=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
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
dotnet Tools/UdpEcho/bin/$CONF/net10.0/Tanks.UdpEcho.dll $((BASE+7)) 300 >"$LOG/echo.log" 2>&1 & ECHO_PID=$!; PIDS+=($ECHO_PID)
for port in $((BASE+5)) $((BASE+6)); do
  for i in $(seq 1 100); do curl -sf http://127.0.0.1:$port/health/ready >/dev/null && break; sleep 0.3; done
done
sleep 1
dotnet Tools/UdpBench/bin/$CONF/net10.0/Tanks.UdpBench.dll --tcp-port $((BASE+3)) --udp-pid $UDP_PID --udp-metrics-port $((BASE+6)) \
  --echo-port $((BASE+7)) --echo-pid $ECHO_PID "$@"
echo "logs in $LOG"
