#!/usr/bin/env bash
# Tanks Redis backup: consistent RDB snapshot + AOF copy, verified, checksummed, rotated.
# Canonical copy: helm/tanks/files/redis/backup.sh (deploy/redis/backup.sh is a symlink to it).
# Runs in the backup CronJob (official redis image: bash, redis-cli, redis-check-rdb/aof, coreutils)
# and in the ops tests against a throw-away redis-server.
#
#   1. BGSAVE, then wait until LASTSAVE moves past its old value and INFO says rdb_last_bgsave_status:ok
#   2. copy <data>/dump.rdb and the multi-part AOF directory <data>/appendonlydir into a staging dir
#   3. verify the copies with redis-check-rdb and redis-check-aof (AOF copy retried: it is live)
#   4. write backup.info and a SHA256SUMS manifest, then atomically rename staging -> hourly/<UTC stamp>
#   5. the first backup of a UTC day is also kept (hard links) as daily/<UTC stamp>
#   6. prune: keep the newest BACKUP_KEEP_HOURLY hourly and BACKUP_KEEP_DAILY daily backups
#   7. write Prometheus metrics to <BACKUP_DIR>/metrics/tanks_backup.prom (and push them if configured)
# Any failure: a clear "backup FAILED: ..." message on stderr, the staging dir removed, exit code 1.
#
# Environment (defaults in brackets):
#   REDIS_HOST [127.0.0.1]  REDIS_PORT [6379]  REDIS_USER (ACL user, e.g. tanks)  REDISCLI_AUTH (its password; read by redis-cli)
#   REDIS_DATA_DIR [/data]       the Redis data dir as mounted here (must be the server's `dir`)
#   BACKUP_DIR [/backup]         target directory (a PVC in Kubernetes)
#   BACKUP_KEEP_HOURLY [48]  BACKUP_KEEP_DAILY [30]
#   BACKUP_TIMEOUT_SECONDS [600] how long to wait for BGSAVE
#   BACKUP_PUSHGATEWAY_URL       optional, e.g. http://pushgateway:9091 (metrics pushed with bash /dev/tcp)
#   REDIS_CLI / REDIS_CHECK_RDB / REDIS_CHECK_AOF  tool overrides
set -Eeuo pipefail

REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_DATA_DIR="${REDIS_DATA_DIR:-/data}"
BACKUP_DIR="${BACKUP_DIR:-/backup}"
BACKUP_KEEP_HOURLY="${BACKUP_KEEP_HOURLY:-48}"
BACKUP_KEEP_DAILY="${BACKUP_KEEP_DAILY:-30}"
BACKUP_TIMEOUT_SECONDS="${BACKUP_TIMEOUT_SECONDS:-600}"
BACKUP_PUSHGATEWAY_URL="${BACKUP_PUSHGATEWAY_URL:-}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
REDIS_CHECK_RDB="${REDIS_CHECK_RDB:-redis-check-rdb}"
REDIS_CHECK_AOF="${REDIS_CHECK_AOF:-redis-check-aof}"

STAGING=""
STARTED="$(date -u +%s)"

log() { echo "backup: $*"; }

write_metrics() { # $1 = 1 success / 0 failure, $2 = size bytes
  local ok="$1" size="${2:-0}" mdir="$BACKUP_DIR/metrics" now last_success=0
  now="$(date -u +%s)"
  mkdir -p "$mdir" 2>/dev/null || return 0
  if [ "$ok" = 1 ]; then
    last_success="$now"
    echo "$now" > "$mdir/last-success" 2>/dev/null || true
  elif [ -f "$mdir/last-success" ]; then
    last_success="$(cat "$mdir/last-success" 2>/dev/null || echo 0)"
  fi
  {
    echo "# HELP tanks_backup_last_run_success 1 if the last Redis backup run succeeded, 0 if it failed."
    echo "# TYPE tanks_backup_last_run_success gauge"
    echo "tanks_backup_last_run_success $ok"
    echo "# HELP tanks_backup_last_run_timestamp_seconds Unix time the last Redis backup run ended."
    echo "# TYPE tanks_backup_last_run_timestamp_seconds gauge"
    echo "tanks_backup_last_run_timestamp_seconds $now"
    echo "# HELP tanks_backup_last_success_timestamp_seconds Unix time of the last successful Redis backup."
    echo "# TYPE tanks_backup_last_success_timestamp_seconds gauge"
    echo "tanks_backup_last_success_timestamp_seconds $last_success"
    echo "# HELP tanks_backup_duration_seconds Duration of the last Redis backup run."
    echo "# TYPE tanks_backup_duration_seconds gauge"
    echo "tanks_backup_duration_seconds $(( now - STARTED ))"
    echo "# HELP tanks_backup_size_bytes Size of the last successful Redis backup."
    echo "# TYPE tanks_backup_size_bytes gauge"
    echo "tanks_backup_size_bytes $size"
  } > "$mdir/tanks_backup.prom.tmp" 2>/dev/null && mv -f "$mdir/tanks_backup.prom.tmp" "$mdir/tanks_backup.prom"
  push_metrics "$mdir/tanks_backup.prom" || log "warning: could not push metrics to $BACKUP_PUSHGATEWAY_URL"
}

push_metrics() { # HTTP PUT to a Prometheus Pushgateway with bash's /dev/tcp (no curl in the redis image)
  [ -n "$BACKUP_PUSHGATEWAY_URL" ] || return 0
  local url="${BACKUP_PUSHGATEWAY_URL#http://}" hostport host port body len status
  hostport="${url%%/*}"; host="${hostport%%:*}"; port="${hostport##*:}"
  [ "$port" != "$hostport" ] || port=80
  body="$(grep -v '^#' "$1")"$'\n'
  len="$(printf '%s' "$body" | wc -c)"
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf 'PUT /metrics/job/tanks-redis-backup HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$hostport" "$len" "$body" >&3
  IFS= read -r -t 10 status <&3 || status=""
  exec 3>&- 3<&-
  case "$status" in "HTTP/1."?" 2"*) return 0 ;; *) return 1 ;; esac
}

fail() {
  echo "backup FAILED: $*" >&2
  [ -n "$STAGING" ] && rm -rf "$STAGING"
  write_metrics 0 0 || true
  exit 1
}
trap 'fail "unexpected error at line $LINENO (exit code $?)"' ERR

# The password comes from REDISCLI_AUTH (read by redis-cli), never from the command line; the user is not secret.
CLI=("$REDIS_CLI" -h "$REDIS_HOST" -p "$REDIS_PORT")
if [ -n "${REDIS_USER:-}" ]; then CLI+=(--user "$REDIS_USER"); fi
rcli() { "${CLI[@]}" --no-raw "$@" 2>&1 | sed 's/^(integer) //; s/^"\(.*\)"$/\1/'; }
info_field() { "${CLI[@]}" INFO persistence 2>/dev/null | tr -d '\r' | sed -n "s/^$1://p"; }
config_get() { # $1 = parameter, $2 = default
  local v
  v="$("${CLI[@]}" CONFIG GET "$1" 2>/dev/null | sed -n 2p)" || true
  echo "${v:-$2}"
}

for tool in "$REDIS_CLI" "$REDIS_CHECK_RDB" "$REDIS_CHECK_AOF" sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || fail "required tool '$tool' not found"
done
case "$BACKUP_KEEP_HOURLY$BACKUP_KEEP_DAILY" in *[!0-9]*) fail "BACKUP_KEEP_HOURLY/BACKUP_KEEP_DAILY must be integers" ;; esac
[ -d "$REDIS_DATA_DIR" ] || fail "Redis data dir '$REDIS_DATA_DIR' does not exist (mount the Redis volume there)"
mkdir -p "$BACKUP_DIR/hourly" "$BACKUP_DIR/daily" || fail "cannot create backup dir '$BACKUP_DIR'"
[ -w "$BACKUP_DIR" ] || fail "backup dir '$BACKUP_DIR' is not writable"

pong="$(rcli PING)" || true
[ "$pong" = "PONG" ] || fail "Redis at $REDIS_HOST:$REDIS_PORT does not answer PING: $pong"

DBFILENAME="$(config_get dbfilename dump.rdb)"
AOFDIRNAME="$(config_get appenddirname appendonlydir)"
APPENDONLY="$(config_get appendonly yes)"

# --- 1. BGSAVE and wait for it ------------------------------------------------------------------------
before="$(rcli LASTSAVE)"
case "$before" in ''|*[!0-9]*) fail "LASTSAVE returned '$before'" ;; esac
# LASTSAVE has one-second resolution: make sure our save cannot end in the same second as the last one.
while [ "$(date -u +%s)" -le "$before" ]; do sleep 0.2; done

deadline=$(( $(date -u +%s) + BACKUP_TIMEOUT_SECONDS ))
while :; do
  reply="$(rcli BGSAVE SCHEDULE)" || true
  case "$reply" in
    *"Background saving started"*|*"Background saving scheduled"*) break ;;
    *"already in progress"*) sleep 1 ;;   # a save point fired just now: wait and ask again
    *) fail "BGSAVE refused: $reply" ;;
  esac
  [ "$(date -u +%s)" -lt "$deadline" ] || fail "BGSAVE could not be started within ${BACKUP_TIMEOUT_SECONDS}s"
done
log "BGSAVE started (LASTSAVE before: $before)"

while :; do
  now_save="$(rcli LASTSAVE)"
  in_progress="$(info_field rdb_bgsave_in_progress)"
  status="$(info_field rdb_last_bgsave_status)"
  if [ "${now_save:-0}" -gt "$before" ] 2>/dev/null && [ "$in_progress" = "0" ]; then
    [ "$status" = "ok" ] || fail "BGSAVE finished with rdb_last_bgsave_status:$status (see the Redis log)"
    break
  fi
  [ "$(date -u +%s)" -lt "$deadline" ] || fail "BGSAVE did not finish within ${BACKUP_TIMEOUT_SECONDS}s (LASTSAVE $now_save, in progress '$in_progress', status '$status')"
  sleep 0.5
done
log "BGSAVE done (LASTSAVE $now_save, rdb_last_bgsave_status:ok)"

# --- 2./3. copy and verify ----------------------------------------------------------------------------
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
STAGING="$BACKUP_DIR/.partial-$STAMP-$$"
mkdir -p "$STAGING"

[ -f "$REDIS_DATA_DIR/$DBFILENAME" ] || fail "RDB file '$REDIS_DATA_DIR/$DBFILENAME' not found (is REDIS_DATA_DIR the server's dir?)"
cp -p "$REDIS_DATA_DIR/$DBFILENAME" "$STAGING/dump.rdb"
"$REDIS_CHECK_RDB" "$STAGING/dump.rdb" > "$STAGING/.check-rdb.log" 2>&1 \
  || fail "redis-check-rdb rejected the RDB copy: $(tail -n 3 "$STAGING/.check-rdb.log" | tr '\n' ' ')"
log "RDB copied and verified ($(wc -c < "$STAGING/dump.rdb") bytes)"

if [ -d "$REDIS_DATA_DIR/$AOFDIRNAME" ]; then
  manifest="$(cd "$REDIS_DATA_DIR/$AOFDIRNAME" && ls -1 ./*.manifest 2>/dev/null | head -n1)"
  [ -n "$manifest" ] || fail "no AOF manifest in '$REDIS_DATA_DIR/$AOFDIRNAME'"
  manifest="${manifest#./}"
  ok=0
  for attempt in 1 2 3 4 5; do
    # The AOF is live: a copy can catch a half-written command at the tail of the incr file. Retry.
    rm -rf "$STAGING/appendonlydir"
    cp -rp "$REDIS_DATA_DIR/$AOFDIRNAME" "$STAGING/appendonlydir"
    if "$REDIS_CHECK_AOF" "$STAGING/appendonlydir/$manifest" > "$STAGING/.check-aof.log" 2>&1; then ok=1; break; fi
    log "AOF copy attempt $attempt not consistent, retrying"
    sleep 1
  done
  [ "$ok" = 1 ] || fail "redis-check-aof rejected the AOF copy: $(tail -n 3 "$STAGING/.check-aof.log" | tr '\n' ' ')"
  log "AOF directory copied and verified ($(ls -1 "$STAGING/appendonlydir" | wc -l) files)"
elif [ "$APPENDONLY" = "yes" ]; then
  fail "appendonly is on but '$REDIS_DATA_DIR/$AOFDIRNAME' does not exist"
fi
rm -f "$STAGING/.check-rdb.log" "$STAGING/.check-aof.log"

# --- 4. metadata, manifest, publish -------------------------------------------------------------------
{
  echo "created_utc=$STAMP"
  echo "redis_host=$REDIS_HOST:$REDIS_PORT"
  echo "redis_lastsave=$now_save"
  echo "redis_version=$("${CLI[@]}" INFO server | tr -d '\r' | sed -n 's/^redis_version://p')"
  echo "dbsize=$(rcli DBSIZE)"
  echo "aof_manifest=${manifest:-}"
} > "$STAGING/backup.info"
(cd "$STAGING" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)
(cd "$STAGING" && sha256sum --quiet --strict -c SHA256SUMS) || fail "checksum self-check failed"
sync -f "$STAGING/SHA256SUMS" 2>/dev/null || sync

FINAL="$BACKUP_DIR/hourly/$STAMP"
[ ! -e "$FINAL" ] || fail "'$FINAL' already exists"
mv "$STAGING" "$FINAL"
STAGING=""
ln -sfn "hourly/$STAMP" "$BACKUP_DIR/latest"
log "backup written to $FINAL"

# --- 5. daily copy --------------------------------------------------------------------------------------
today="${STAMP%%T*}"
if ! ls -1 "$BACKUP_DIR/daily" | grep -q "^$today"; then
  cp -al "$FINAL" "$BACKUP_DIR/daily/$STAMP" 2>/dev/null || cp -a "$FINAL" "$BACKUP_DIR/daily/$STAMP"
  log "kept as the daily backup for $today"
fi

# --- 6. retention ---------------------------------------------------------------------------------------
prune() { # $1 = dir, $2 = how many to keep
  local dir="$1" keep="$2"
  ls -1 "$dir" | { grep -E '^[0-9]{8}T[0-9]{6}Z$' || true; } | LC_ALL=C sort -r | tail -n +"$(( keep + 1 ))" | while read -r old; do
    rm -rf "${dir:?}/$old"
    log "pruned $dir/$old"
  done
}
prune "$BACKUP_DIR/hourly" "$BACKUP_KEEP_HOURLY"
prune "$BACKUP_DIR/daily" "$BACKUP_KEEP_DAILY"
find "$BACKUP_DIR" -maxdepth 1 -name '.partial-*' -mmin +120 -exec rm -rf {} + 2>/dev/null || true

# --- 7. metrics -------------------------------------------------------------------------------------------
trap - ERR
write_metrics 1 "$(du -sb "$FINAL" | cut -f1)"
log "OK $FINAL"
