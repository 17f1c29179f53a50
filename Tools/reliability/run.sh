#!/usr/bin/env bash
# The long failover scenarios of issue 10 (docs/reliability.md), each against a fresh stack this script starts on
# loopback: redis-server with AOF, 3 silos on Redis clustering and storage, 2 Gateway.Tcp + 2 Gateway.Udp (each TCP
# gateway's tokens name both UDP gateways, its own first), and two LoadTest swarms (one per Gateway.Tcp) playing
# through all of it. Prints a pass/fail table and writes it as results.json and results.md under the results dir.
#
# Usage: Tools/reliability/run.sh [RESULTS_DIR]          (default: load/reliability/<UTC time>)
# Env:   SCENARIOS="rolling-restart silo-kill redis-outage"   which ones, in order
#        BOTS=30           bots per LoadTest swarm (two swarms)      TEAM=3   team size (crossroads map)
#        TIME_LIMIT=00:01:00  battle length                         DRAIN=20  Silo__DrainTimeout in seconds
#        DURATION=          LoadTest run length in s (default per scenario)
#        MAX_PAUSE=5       longest snapshot gap a bot may see in a drain (rolling restart) for a pass
#        MAX_RECOVERY=10   seconds from a SIGKILL until every battle of the dead silo resumed or aborted (silo-kill)
#        RUN_TIMEOUT=1800  the whole script's bound in seconds (timeout(1); every wait inside is bounded too)
#        NO_BUILD=1        use the Release builds as they are
#
# Scenarios:
#   rolling-restart  SIGTERM silo 0, wait for its exit, start it again, wait until ready; then silo 1, then silo 2.
#                    Pass: every exit code 0 within DRAIN s with /health/ready 503 seen first, no battle aborted,
#                    stuck or without its end, no bot error, longest pause <= MAX_PAUSE s, no account lost.
#   silo-kill        SIGKILL the silo hosting the registry (tanks_registry_active 1) under load, restart it later.
#                    Pass: every battle it ran resumed or aborted (survivors' counters) within MAX_RECOVERY s and no
#                    other battle did, no battle stuck or without its end, no rejoin failed, no account lost.
#   redis-outage     SIGKILL redis-server for 10 s under load (battles end meanwhile), restart it from its AOF.
#                    Pass: no battle stuck or without its end, no rejoin failed, no account lost.
# Every scenario also needs LoadTest's own verdict (its default trouble limits: battle_stuck 0, rejoin_failed 0,
# starved_percent 1 = bots in battle without snapshots for over a second, as a share of in-battle time).
# "Accounts lost" is measured by a verification pass after the scenario: the same LoadTest seeds log every bot in again,
# and LoadTest registers a bot only when its login says invalid_credentials, so its registration count is the number of
# accounts the stack lost.
set -euo pipefail
# The whole run is bounded: run again under timeout(1), which sends SIGTERM (our trap cleans up) after RUN_TIMEOUT s.
if [ -z "${RELIABILITY_RUN_BOUNDED:-}" ]; then
  export RELIABILITY_RUN_BOUNDED=1
  exec timeout -k 30 "${RUN_TIMEOUT:-1800}" "$0" "$@"
fi
cd "$(dirname "$0")/../.."
ROOT=$PWD
OUT=${1:-load/reliability/$(date -u +%Y%m%dT%H%M%SZ)}
SCENARIOS=${SCENARIOS:-"rolling-restart silo-kill redis-outage"}
BOTS=${BOTS:-30}
TEAM=${TEAM:-3}
TIME_LIMIT=${TIME_LIMIT:-00:01:00}
DRAIN=${DRAIN:-20}
RUN_TIMEOUT=${RUN_TIMEOUT:-1800}
MAX_PAUSE=${MAX_PAUSE:-5}
MAX_RECOVERY=${MAX_RECOVERY:-10}
TIME_LIMIT_S=$(echo "$TIME_LIMIT" | awk -F: '{ print $1 * 3600 + $2 * 60 + int($3) }')
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
REL=Release
SILO_DLL=$ROOT/Silo/bin/$REL/net10.0/Tanks.Silo.dll
TCP_DLL=$ROOT/Gateway.Tcp/bin/$REL/net10.0/Tanks.Gateway.Tcp.dll
UDP_DLL=$ROOT/Gateway.Udp/bin/$REL/net10.0/Tanks.Gateway.Udp.dll
LOAD_DLL=$ROOT/LoadTest/bin/$REL/net10.0/Tanks.LoadTest.dll

for tool in redis-server curl python3; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed (bash .ci/install-tools.sh)" >&2; exit 1; }
done

# ---- process bookkeeping: every child is ours, killed on exit -------------------------------------------------------
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}
trap cleanup EXIT
trap 'echo "run.sh: stopped (RUN_TIMEOUT or a signal)" >&2; exit 130' INT TERM

now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$(now)"; }
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }

free_ports() { # N distinct free loopback TCP ports (UDP checked too)
  python3 - "$1" <<'EOF'
import socket, sys
ports, socks = [], []
while len(ports) < int(sys.argv[1]):
    t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try: u.bind(("127.0.0.1", p))
    except OSError: t.close(); continue
    socks += [t, u]; ports.append(p)
print(" ".join(map(str, ports)))
EOF
}

wait_ready() { # PORT TIMEOUT_S [PID]: until /health/ready answers 200
  local deadline=$(( $(date +%s) + $2 ))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then return 1; fi
    curl -sf -m 2 "http://127.0.0.1:$1/health/ready" >/dev/null && return 0
    sleep 0.2
  done
  return 1
}

metric() { # PORT NAME: sum of the family's samples (labels included); empty when the silo does not answer
  curl -sf -m 3 "http://127.0.0.1:$1/metrics" 2>/dev/null \
    | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF; found = 1 } END { if (found) print s + 0; else print 0 }'
}

# The membership status (Orleans SiloStatus: 3 active, 6 dead) of the newest silo on SILO_PORT, from the Redis
# membership table (a hash of JSON entries); "unknown" without redis-cli.
membership_status() {
  command -v redis-cli >/dev/null || { echo unknown; return; }
  redis-cli -p "$REDIS_PORT" --raw hgetall "tanks-reliability/members/$CLUSTER_ID" 2>/dev/null | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
best = None
for field, value in zip(lines[0::2], lines[1::2]):
    parts = field.split(":")
    if len(parts) == 3 and parts[1] == sys.argv[1]:
        gen = int(parts[2])
        if best is None or gen > best[0]:
            best = (gen, json.loads(value).get("Status"))
print(best[1] if best else "none")' "$1"
}

# ---- the stack --------------------------------------------------------------------------------------------------------
start_stack() { # DIR
  local dir=$1
  mkdir -p "$dir/redis" "$dir/logs"
  read -r REDIS_PORT S0 S1 S2 G0 G1 G2 H0 H1 H2 T0 T1 TM0 TM1 U0 U1 UM0 UM1 <<<"$(free_ports 18)"
  SILO_PORT=("$S0" "$S1" "$S2"); SILO_GW=("$G0" "$G1" "$G2"); SILO_HTTP=("$H0" "$H1" "$H2")
  TCP_PORT=("$T0" "$T1"); TCP_METRICS=("$TM0" "$TM1"); UDP_PORT=("$U0" "$U1"); UDP_METRICS=("$UM0" "$UM1")
  SILO_PID=("" "" ""); UDP_PID=("" "")
  CLUSTER_ID="rel-$(date +%s)"
  REDIS_DIR=$dir/redis
  JWT_KEY=$(head -c 48 /dev/urandom | base64 -w0)
  NETCODE_KEY=$(head -c 32 /dev/urandom | base64 -w0)
  LOGS=$dir/logs
  start_redis
  start_silo 0 || return 1
  # The other two together (start-up is the slow part); launched from this shell so that `wait` gets their exit codes.
  launch_silo 1; launch_silo 2
  for i in 1 2; do wait_ready "${SILO_HTTP[$i]}" 120 "${SILO_PID[$i]}" || { log "silo$i not ready (log: $LOGS/silo$i.log)"; return 1; }; done
  for i in 0 1; do start_udp "$i"; done
  for i in 0 1; do start_tcp "$i"; done
  for i in 0 1; do wait_ready "${UDP_METRICS[$i]}" 90 "${UDP_PID[$i]}" || { log "udp$i not ready"; return 1; }; done
  for i in 0 1; do wait_ready "${TCP_METRICS[$i]}" 90 || { log "tcp$i not ready"; return 1; }; done
  log "stack up: silos ${SILO_HTTP[*]} (http), tcp ${TCP_PORT[*]}, udp ${UDP_PORT[*]}, redis $REDIS_PORT"
}

common_env() {
  echo Cluster__ClusterId="$CLUSTER_ID" Cluster__ServiceId=tanks-reliability \
    Redis__ConnectionString="127.0.0.1:$REDIS_PORT,abortConnect=false" \
    DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Information \
    Logging__LogLevel__Orleans=Warning Logging__LogLevel__Microsoft=Warning
}

start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --appendonly yes --appendfsync everysec \
    --save "60 1" --protected-mode yes --daemonize no >>"$LOGS/redis.log" 2>&1 &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT") 2>/dev/null && return 0; sleep 0.1; done
  log "redis did not start"; return 1
}

start_silo() { # INDEX: launch, then wait until ready (bounded)
  launch_silo "$1"
  wait_ready "${SILO_HTTP[$1]}" 120 "${SILO_PID[$1]}" || { log "silo$1 not ready (log: $LOGS/silo$1.log)"; return 1; }
}

launch_silo() { # INDEX
  local i=$1
  # shellcheck disable=SC2046
  env $(common_env) Cluster__SiloPort="${SILO_PORT[$i]}" Cluster__GatewayPort="${SILO_GW[$i]}" \
    Cluster__AdvertisedAddress=127.0.0.1 Urls="http://127.0.0.1:${SILO_HTTP[$i]}" \
    Matchmaking__TeamSize="$TEAM" Matchmaking__Map=crossroads Matchmaking__ReducedTeamsAfter=00:00:05 \
    Matchmaking__AnyTeamsAfter=00:00:10 Sessions__TimeLimit="$TIME_LIMIT" Silo__DrainTimeout="00:00:$(printf %02d "$DRAIN")" \
    dotnet "$SILO_DLL" >>"$LOGS/silo$i.log" 2>&1 &
  SILO_PID[$i]=$!; PIDS+=("$!")
}

start_udp() { # INDEX
  local i=$1
  # shellcheck disable=SC2046
  env $(common_env) Netcode__PrivateKey="$NETCODE_KEY" Netcode__PublicAddresses__0="127.0.0.1:${UDP_PORT[$i]}" \
    UdpGateway__Port="${UDP_PORT[$i]}" UdpGateway__MetricsPort="${UDP_METRICS[$i]}" UdpGateway__ListenAddress=127.0.0.1 \
    UdpGateway__ServerAddress="127.0.0.1:${UDP_PORT[$i]}" \
    dotnet "$UDP_DLL" >>"$LOGS/udp$i.log" 2>&1 &
  UDP_PID[$i]=$!; PIDS+=("$!")
}

start_tcp() { # INDEX: its own UDP gateway first in its tokens, the other second
  local i=$1 j=$(( 1 - $1 ))
  # shellcheck disable=SC2046
  env $(common_env) TcpGateway__Port="${TCP_PORT[$i]}" TcpGateway__MetricsPort="${TCP_METRICS[$i]}" \
    TcpGateway__ListenAddress=127.0.0.1 TcpGateway__AuthBurstPerAddress=100000 TcpGateway__AuthRequestsPerMinutePerAddress=1000000 \
    Jwt__SigningKey="$JWT_KEY" Netcode__PrivateKey="$NETCODE_KEY" \
    Netcode__PublicAddresses__0="127.0.0.1:${UDP_PORT[$i]}" Netcode__PublicAddresses__1="127.0.0.1:${UDP_PORT[$j]}" \
    dotnet "$TCP_DLL" >>"$LOGS/tcp$i.log" 2>&1 &
  PIDS+=("$!")
}

stop_stack() { cleanup; }

# stop_silo INDEX SIGNAL: sends it, polls readiness while it runs, waits (bounded) for the exit.
# Sets EXIT_CODE, EXIT_SECONDS, FIRST_503 (seconds after the signal, or "none").
stop_silo() {
  local i=$1 sig=$2 pid=${SILO_PID[$1]} t0 deadline
  t0=$(now); FIRST_503=none
  kill "-$sig" "$pid"
  deadline=$(( $(date +%s) + DRAIN + 20 ))
  while kill -0 "$pid" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do
    if [ "$FIRST_503" = none ] && [ "$(curl -s -o /dev/null -w '%{http_code}' -m 1 "http://127.0.0.1:${SILO_HTTP[$i]}/health/ready")" = 503 ]; then
      FIRST_503=$(since "$t0")
    fi
    sleep 0.05
  done
  if kill -0 "$pid" 2>/dev/null; then log "silo$i still running after $(since "$t0") s: SIGKILL"; kill -KILL "$pid"; fi
  set +e; wait "$pid" 2>/dev/null; EXIT_CODE=$?; set -e
  EXIT_SECONDS=$(since "$t0")
  log "silo$i SIG$sig: exit $EXIT_CODE after $EXIT_SECONDS s, first 503 at $FIRST_503"
}

# ---- LoadTest -----------------------------------------------------------------------------------------------------------
LOAD_PIDS=()
start_load() { # NAME DURATION_S: one swarm per Gateway.Tcp, seeds 11 and 12, reports under the scenario dir
  local name=$1 duration=$2
  LOAD_PIDS=()
  for i in 0 1; do
    dotnet "$LOAD_DLL" --tcp "127.0.0.1:${TCP_PORT[$i]}" --bots "$BOTS" --ramp 20 --duration "$duration" --seed $(( 11 + i )) \
      --quiet --report "$SCEN_DIR/$name-$i.json" --gap-threshold 1 --rejoin-timeout 30 \
      --battle-timeout $(( TIME_LIMIT_S + 30 )) --battle-margin 15 >"$SCEN_DIR/$name-$i.log" 2>&1 &
    LOAD_PIDS+=("$!"); PIDS+=("$!")
  done
}

wait_load() { # bounded by the LoadTest's own --duration plus the margin the watchdog leaves
  LOAD_EXIT=0
  for pid in "${LOAD_PIDS[@]}"; do set +e; wait "$pid"; local code=$?; set -e; [ "$code" -gt "$LOAD_EXIT" ] && LOAD_EXIT=$code; done
}

# Accounts lost: the same seeds log in again; LoadTest registers only on invalid_credentials.
verify_accounts() {
  start_load verify $(( BOTS / 20 + 15 ))
  wait_load
  ACCOUNTS_LOST=$(python3 -c "import json,sys; print(sum(json.load(open(f))['run']['registrations'] for f in sys.argv[1:]))" \
    "$SCEN_DIR"/verify-0.json "$SCEN_DIR"/verify-1.json 2>/dev/null || echo unknown)
}

# The scenario's LoadTest figures as KEY=VALUE lines: errors, trouble counts, longest gap.
load_figures() {
  python3 - "$SCEN_DIR/$1-0.json" "$SCEN_DIR/$1-1.json" <<'EOF'
import json, sys
reports = []
for f in sys.argv[1:]:
    try: reports.append(json.load(open(f)))
    except Exception as e: print("report_error='" + f"{f}: {e}".replace("'", "") + "'")
errors, trouble, gap, starts, ends = {}, {}, 0.0, 0, 0
for r in reports:
    for k, v in (r.get("errors") or {}).items(): errors[k] = errors.get(k, 0) + v
    t = r.get("trouble") or {}
    for k, v in (t.get("counts") or {}).items(): trouble[k] = trouble.get(k, 0) + v
    gap = max(gap, t.get("longestGapSeconds") or 0)
    b = r.get("battles") or {}
    starts += b.get("starts", 0); ends += b.get("endsReceived", 0)
print("errors=" + (",".join(f"{k}:{v}" for k, v in sorted(errors.items())) or "0"))
print("error_count=" + str(sum(errors.values())))
print("trouble=" + (",".join(f"{k}:{v}" for k, v in sorted(trouble.items()) if v) or "0"))
for k in ("battle_aborted", "battle_stuck", "battle_end_lost", "rejoin_failed", "snapshot_gap", "reconnect", "battle_resumed"):
    print(f"{k}={trouble.get(k, 0)}")
print(f"longest_gap={gap}")
starved = sum((r.get("trouble") or {}).get("starvedBotSeconds", 0) for r in reports)
in_battle = sum((r.get("trouble") or {}).get("inBattleBotSeconds", 0) for r in reports)
print(f"starved_percent={100 * starved / in_battle if in_battle else 0:.2f}")
breaches = [b for r in reports for b in (r.get("thresholds") or {}).get("breaches", [])]
print("breaches=" + ("'" + "; ".join(breaches).replace("'", "") + "'" if breaches else "none"))
print(f"battle_starts={starts}")
print(f"battle_ends={ends}")
EOF
}

RESULTS=$OUT/results.jsonl
: >"$RESULTS"
record() { # SCENARIO PASS DETECTION PAUSE AFFECTED ERRORS DATA_LOST NOTES
  python3 - "$@" >>"$RESULTS" <<'EOF'
import json, sys
keys = ["scenario", "pass", "detection", "pause", "players_affected", "errors", "data_lost", "notes"]
print(json.dumps(dict(zip(keys, sys.argv[1:]))))
EOF
}

# ---- scenarios ----------------------------------------------------------------------------------------------------------
# The common end of a scenario under load: wait for LoadTest, read its figures (into the caller's variables), log every
# bot in again, and fail the caller's verdict ($ok, $notes: bash's dynamic scope) on any of the trouble KINDS,
# a lost account or a LoadTest threshold.
judge_load() { # KINDS...
  wait_load
  eval "$(load_figures load)"
  verify_accounts
  for k in "$@"; do
    [ "${!k}" = 0 ] || { ok=false; notes+=("$k=${!k}"); }
  done
  [ "$ACCOUNTS_LOST" = 0 ] || ok=false
  [ "$breaches" = none ] || { ok=false; notes+=("LoadTest thresholds: $breaches"); }
}

scenario_rolling_restart() {
  local duration=${DURATION:-$(( 3 * (DRAIN + 40) + 40 ))} ok=true notes=() worst_exit=0 i
  start_load load "$duration"
  sleep 25 # ramp and first battles (the scenario's schedule, not a synchronization)
  for i in 0 1 2; do
    stop_silo "$i" TERM
    [ "$EXIT_CODE" = 0 ] || { ok=false; notes+=("silo$i exit $EXIT_CODE"); }
    [ "$FIRST_503" != none ] || { ok=false; notes+=("silo$i: no 503 before exit"); }
    python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$EXIT_SECONDS" "$DRAIN" \
      || { ok=false; notes+=("silo$i exit after $EXIT_SECONDS s > $DRAIN s"); }
    worst_exit=$(python3 -c "import sys; print(max(float(a) for a in sys.argv[1:]))" "$worst_exit" "$EXIT_SECONDS")
    notes+=("silo$i: exit $EXIT_CODE in $EXIT_SECONDS s, 503 at $FIRST_503 s")
    start_silo "$i" || { ok=false; notes+=("silo$i did not restart"); break; }
    log "silo$i back"
    sleep 10 # let battles settle on the restarted silo before the next one goes
  done
  judge_load battle_aborted battle_stuck battle_end_lost rejoin_failed error_count
  python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$longest_gap" "$MAX_PAUSE" \
    || { ok=false; notes+=("longest pause $longest_gap s > $MAX_PAUSE s"); }
  record rolling-restart "$ok" "drain: worst exit ${worst_exit} s (budget $DRAIN s)" "${longest_gap} s" \
    "gaps>1s: $snapshot_gap, resumed: $battle_resumed, reconnects: $reconnect, starved: $starved_percent % of in-battle time" "$errors; trouble: $trouble" \
    "accounts: $ACCOUNTS_LOST" "$(IFS=';'; echo "${notes[*]}")"
}

scenario_silo_kill() {
  local duration=${DURATION:-150} ok=true notes=() victim="" i before_running before_settled t0 recovered=none lost
  start_load load "$duration"
  sleep 30
  for i in 0 1 2; do [ "$(metric "${SILO_HTTP[$i]}" tanks_registry_active)" = 1 ] && victim=$i; done
  if [ -z "$victim" ]; then victim=0; notes+=("no silo reports tanks_registry_active 1: killing silo0"); fi
  lost=$(metric "${SILO_HTTP[$victim]}" tanks_battles_running)
  before_running=0; before_settled=0
  for i in 0 1 2; do
    [ "$i" = "$victim" ] && continue
    before_running=$(( before_running + $(metric "${SILO_HTTP[$i]}" tanks_battles_running | cut -d. -f1) ))
    before_settled=$(( before_settled + $(metric "${SILO_HTTP[$i]}" tanks_battles_resumed_total | cut -d. -f1) + $(metric "${SILO_HTTP[$i]}" tanks_battles_aborted_total | cut -d. -f1) ))
  done
  log "silo-kill: victim silo$victim (registry) runs $lost battles"
  t0=$(now)
  stop_silo "$victim" KILL
  # Detection: until the membership table says dead (bounded: 30 s).
  local detected=none ddl=$(( $(date +%s) + 30 ))
  while [ "$(date +%s)" -lt "$ddl" ]; do
    case "$(membership_status "${SILO_PORT[$victim]}")" in 6) detected=$(since "$t0"); break ;; unknown) break ;; esac
    sleep 0.1
  done
  log "silo-kill: membership declared silo$victim dead after $detected s"
  # Recovery: the survivors' resumed + aborted counters account for every lost battle (bounded: 60 s).
  local deadline=$(( $(date +%s) + 60 )) settled=0
  while [ "$(date +%s)" -lt "$deadline" ]; do
    settled=0
    for i in 0 1 2; do
      [ "$i" = "$victim" ] && continue
      settled=$(( settled + $(metric "${SILO_HTTP[$i]}" tanks_battles_resumed_total | cut -d. -f1) + $(metric "${SILO_HTTP[$i]}" tanks_battles_aborted_total | cut -d. -f1) ))
    done
    if [ $(( settled - before_settled )) -ge "${lost%.*}" ]; then recovered=$(since "$t0"); break; fi
    sleep 0.2
  done
  log "silo-kill: lost battles settled after $recovered s ($(( settled - before_settled )) of ${lost%.*})"
  # More resumes than lost battles: battles on surviving silos were restarted too (their players saw BattleStart again).
  if [ $(( settled - before_settled )) -gt "${lost%.*}" ]; then
    ok=false; notes+=("$(( settled - before_settled - ${lost%.*} )) battles on surviving silos resumed/aborted as well")
  fi
  if [ "$recovered" = none ]; then ok=false; notes+=("lost battles not resumed/aborted within 60 s")
  elif ! python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)" "$recovered" "$MAX_RECOVERY"; then
    ok=false; notes+=("recovery $recovered s > $MAX_RECOVERY s")
  fi
  start_silo "$victim" || { ok=false; notes+=("silo$victim did not restart"); }
  judge_load battle_stuck battle_end_lost rejoin_failed
  record silo-kill "$ok" "declared dead after $detected s; lost battles settled after $recovered s" "${longest_gap} s" \
    "$(( ${lost%.*} * 2 * TEAM )) in ${lost%.*} battles; gaps>1s: $snapshot_gap, aborted: $battle_aborted, starved: $starved_percent %" "$errors; trouble: $trouble" \
    "accounts: $ACCOUNTS_LOST" "$(IFS=';'; echo "${notes[*]}")"
}

scenario_redis_outage() {
  local duration=${DURATION:-150} ok=true notes=() t0
  start_load load "$duration"
  sleep 40
  t0=$(now)
  kill -KILL "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true
  log "redis SIGKILL"
  sleep 10 # the outage itself
  start_redis
  log "redis restarted from its AOF after $(since "$t0") s"
  judge_load battle_stuck battle_end_lost rejoin_failed
  record redis-outage "$ok" "outage 10 s" "${longest_gap} s" \
    "gaps>1s: $snapshot_gap, aborted: $battle_aborted, reconnects: $reconnect, starved: $starved_percent %" "$errors; trouble: $trouble" \
    "accounts: $ACCOUNTS_LOST (results: see RedisOutageTests)" "$(IFS=';'; echo "${notes[*]}")"
}

# ---- main ---------------------------------------------------------------------------------------------------------------
if [ -z "${NO_BUILD:-}" ]; then
  log "building (Release)"
  for p in Silo/Silo.csproj Gateway.Tcp/Gateway.Tcp.csproj Gateway.Udp/Gateway.Udp.csproj LoadTest/LoadTest.csproj; do
    dotnet build -c "$REL" "$p" >"$OUT/build.log" 2>&1 || { echo "build of $p failed (see $OUT/build.log)" >&2; exit 1; }
  done
fi

for scenario in $SCENARIOS; do
  SCEN_DIR=$OUT/$scenario
  mkdir -p "$SCEN_DIR"
  log "== $scenario"
  if start_stack "$SCEN_DIR"; then
    "scenario_${scenario//-/_}" || record "$scenario" false "" "" "" "" "" "the scenario script failed (see run.log)"
  else
    record "$scenario" false "" "" "" "" "" "the stack did not start (logs in $SCEN_DIR/logs)"
  fi
  stop_stack
done

python3 - "$RESULTS" "$OUT" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
json.dump(rows, open(sys.argv[2] + "/results.json", "w"), indent=2)
cols = [("scenario", "scenario"), ("pass", "pass"), ("detection", "detection / drain"), ("pause", "longest pause"),
        ("players_affected", "players affected"), ("errors", "errors by kind"), ("data_lost", "data lost"), ("notes", "notes")]
md = ["| " + " | ".join(c[1] for c in cols) + " |", "|" + "---|" * len(cols)]
for r in rows:
    md.append("| " + " | ".join(str(r.get(c[0], "")).replace("|", "/") or "-" for c in cols) + " |")
open(sys.argv[2] + "/results.md", "w").write("\n".join(md) + "\n")
print("\n".join(md))
EOF
log "results: $OUT/results.md, $OUT/results.json"
python3 -c "import json,sys; sys.exit(0 if all(r['pass'] == 'true' for r in json.load(open(sys.argv[1]))) else 2)" "$OUT/results.json"
