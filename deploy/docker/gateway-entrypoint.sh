#!/bin/sh
# Entrypoint of the gateway image (Dockerfile.gateway): one image, two processes.
#   <image> tcp [args...]  -> Tanks.Gateway.Tcp.dll     <image> udp [args...]  -> Tanks.Gateway.Udp.dll
# Without an argument, GATEWAY=tcp|udp selects (default tcp). Arguments after the selector go to the process.
set -eu
sel="${1:-${GATEWAY:-tcp}}"
[ $# -gt 0 ] && shift
case "$sel" in
  tcp) exec dotnet /app/tcp/Tanks.Gateway.Tcp.dll "$@" ;;
  udp)
    if [ ! -f /app/udp/Tanks.Gateway.Udp.dll ]; then
      echo "gateway-entrypoint: this image was built without Gateway.Udp" >&2
      exit 64
    fi
    exec dotnet /app/udp/Tanks.Gateway.Udp.dll "$@" ;;
  *) echo "gateway-entrypoint: unknown gateway '$sel' (use tcp or udp, or GATEWAY=tcp|udp)" >&2; exit 64 ;;
esac
