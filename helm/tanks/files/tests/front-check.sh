#!/usr/bin/env bash
# Front check (helm test hook and ops tests): talks the Tanks TCP auth protocol through the nginx front.
# Frame = 4-byte big-endian length + UTF-8 JSON.  1) ping must answer ok:true
# 2) login of a user that does not exist must answer ok:false with error code invalid_credentials,
#    which proves the path front -> Gateway.Tcp -> silo (UserGrain) -> Redis works, without creating data.
#    With FRONT_CHECK_USERNAME/FRONT_CHECK_PASSWORD set, a real login must answer ok:true instead.
# Env: FRONT_HOST [127.0.0.1] FRONT_PORT [8888] FRONT_TIMEOUT [10]. Needs bash, dd, od (coreutils).
set -euo pipefail
HOST="${FRONT_HOST:-127.0.0.1}"
PORT="${FRONT_PORT:-8888}"
TIMEOUT="${FRONT_TIMEOUT:-10}"

fail() { echo "front-check FAILED: $*" >&2; exit 1; }

exec 3<>"/dev/tcp/$HOST/$PORT" || fail "cannot connect to $HOST:$PORT"

send() { # $1 = JSON
  local json="$1" n
  n=$(printf '%s' "$json" | wc -c)
  printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(( (n >> 24) & 255 )) $(( (n >> 16) & 255 )) $(( (n >> 8) & 255 )) $(( n & 255 )))" >&3
  printf '%s' "$json" >&3
}

recv() { # prints the JSON of one frame
  local hdr b0 b1 b2 b3 n
  hdr="$(timeout "$TIMEOUT" dd bs=1 count=4 status=none <&3 | od -An -tu1)" || fail "no answer within ${TIMEOUT}s"
  read -r b0 b1 b2 b3 <<< "$hdr"
  [ -n "${b3:-}" ] || fail "connection closed before a frame header arrived"
  n=$(( (b0 << 24) | (b1 << 16) | (b2 << 8) | b3 ))
  [ "$n" -ge 1 ] && [ "$n" -le 16384 ] || fail "bad frame length $n"
  timeout "$TIMEOUT" dd bs=1 count="$n" status=none <&3 || fail "frame body not received"
}

send '{"op":"ping","id":1}'
reply="$(recv)"
echo "ping -> $reply"
[[ "$reply" =~ \"id\":[[:space:]]*1[,}] ]] || fail "ping reply does not echo id 1"
[[ "$reply" =~ \"ok\":[[:space:]]*true ]] || fail "ping reply is not ok"

if [ -n "${FRONT_CHECK_USERNAME:-}" ]; then
  send "{\"op\":\"login\",\"id\":2,\"username\":\"$FRONT_CHECK_USERNAME\",\"password\":\"$FRONT_CHECK_PASSWORD\"}"
  reply="$(recv)"
  echo "login -> ${reply:0:80}..."
  [[ "$reply" =~ \"ok\":[[:space:]]*true ]] || fail "login of $FRONT_CHECK_USERNAME failed: $reply"
else
  user="helm-test-nouser-$RANDOM$RANDOM"
  send "{\"op\":\"login\",\"id\":2,\"username\":\"$user\",\"password\":\"not-the-password-$RANDOM\"}"
  reply="$(recv)"
  echo "login $user -> $reply"
  [[ "$reply" =~ \"id\":[[:space:]]*2[,}] ]] || fail "login reply does not echo id 2"
  [[ "$reply" =~ \"code\":[[:space:]]*\"invalid_credentials\" ]] || fail "expected invalid_credentials for an unknown user"
fi
exec 3>&- 3<&-
echo "front-check OK ($HOST:$PORT)"
