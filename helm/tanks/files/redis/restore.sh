#!/usr/bin/env bash
# Tanks Redis restore: verifies a backup made by backup.sh, then puts it into the Redis data dir.
# Canonical copy: helm/tanks/files/redis/restore.sh (deploy/redis/restore.sh is a symlink to it).
#
#   restore.sh <backup>     <backup> = a backup directory (…/hourly/20250101T120000Z), or a name looked
#                           up under $BACKUP_DIR/hourly, $BACKUP_DIR/daily, or "latest" ($BACKUP_DIR/latest)
#
# Order of work (nothing in the data dir is touched before step 4):
#   1. SHA256SUMS present and every listed file matches (sha256sum --strict -c); no unlisted data files
#   2. redis-check-rdb on dump.rdb and redis-check-aof on the AOF manifest
#   3. the Redis server must be stopped: if anything answers PING on REDIS_HOST:REDIS_PORT, refuse
#   4. move the current dump.rdb and appendonlydir aside to <data>/pre-restore-<UTC stamp>/ (kept),
#      copy the backup in (staged then renamed), re-verify the copied files' checksums
# Then start Redis: with appendonly yes it loads the AOF (RDB preamble + increments), i.e. the newest state
# the backup holds. Exit code 0 = restored; anything else = refused or failed, with a message on stderr.
#
# Environment: REDIS_DATA_DIR [/data], BACKUP_DIR [/backup], REDIS_HOST [127.0.0.1], REDIS_PORT [6379],
#   REDIS_USER and REDISCLI_AUTH (the ACL user and its password, read by redis-cli: never on the command line),
#   RESTORE_SKIP_SERVER_CHECK=1 to skip step 3 (only when you know the server is down but its address is
#   taken by something else), REDIS_CLI / REDIS_CHECK_RDB / REDIS_CHECK_AOF tool overrides.
set -Eeuo pipefail

REDIS_DATA_DIR="${REDIS_DATA_DIR:-/data}"
BACKUP_DIR="${BACKUP_DIR:-/backup}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"
REDIS_PORT="${REDIS_PORT:-6379}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
REDIS_CHECK_RDB="${REDIS_CHECK_RDB:-redis-check-rdb}"
REDIS_CHECK_AOF="${REDIS_CHECK_AOF:-redis-check-aof}"

log() { echo "restore: $*"; }
refuse() { echo "restore REFUSED: $*" >&2; echo "restore: nothing in $REDIS_DATA_DIR was changed" >&2; exit 2; }
fail() { echo "restore FAILED: $*" >&2; exit 1; }
trap 'fail "unexpected error at line $LINENO (exit code $?)"' ERR

[ $# -eq 1 ] || { echo "usage: $0 <backup-dir | name under \$BACKUP_DIR/{hourly,daily} | latest>" >&2; exit 64; }
for tool in "$REDIS_CHECK_RDB" "$REDIS_CHECK_AOF" sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || refuse "required tool '$tool' not found"
done

arg="$1"
if [ -d "$arg" ]; then SRC="$arg"
elif [ "$arg" = latest ] && [ -d "$BACKUP_DIR/latest" ]; then SRC="$BACKUP_DIR/latest"
elif [ -d "$BACKUP_DIR/hourly/$arg" ]; then SRC="$BACKUP_DIR/hourly/$arg"
elif [ -d "$BACKUP_DIR/daily/$arg" ]; then SRC="$BACKUP_DIR/daily/$arg"
else refuse "backup '$arg' not found (looked in ., $BACKUP_DIR/hourly, $BACKUP_DIR/daily)"; fi
SRC="$(cd "$SRC" && pwd -P)"
log "verifying backup $SRC"

# --- 1. checksums ---------------------------------------------------------------------------------------
[ -f "$SRC/SHA256SUMS" ] || refuse "$SRC has no SHA256SUMS manifest"
[ -f "$SRC/dump.rdb" ] || refuse "$SRC has no dump.rdb"
grep -qE '^[0-9a-f]{64}  dump\.rdb$' "$SRC/SHA256SUMS" || refuse "SHA256SUMS does not list dump.rdb"
if ! out="$(cd "$SRC" && sha256sum --strict -c SHA256SUMS 2>&1)"; then
  refuse "checksum verification failed: $(echo "$out" | grep -v ': OK$' | tr '\n' ' ')"
fi
unlisted="$(cd "$SRC" && find . -type f ! -name SHA256SUMS -printf '%P\n' | while read -r f; do
  grep -qF "  $f" SHA256SUMS || echo "$f"; done)"
[ -z "$unlisted" ] || refuse "files not covered by SHA256SUMS: $unlisted"
log "checksums OK"

# --- 2. redis-check-* -----------------------------------------------------------------------------------
if ! out="$("$REDIS_CHECK_RDB" "$SRC/dump.rdb" 2>&1)"; then
  refuse "redis-check-rdb rejected dump.rdb: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi
HAS_AOF=0
if [ -d "$SRC/appendonlydir" ]; then
  manifest="$(cd "$SRC/appendonlydir" && ls -1 ./*.manifest 2>/dev/null | head -n1)" || true
  [ -n "$manifest" ] || refuse "appendonlydir has no AOF manifest"
  if ! out="$("$REDIS_CHECK_AOF" "$SRC/appendonlydir/${manifest#./}" 2>&1)"; then
    refuse "redis-check-aof rejected the AOF: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
  fi
  HAS_AOF=1
fi
log "redis-check-rdb$( [ $HAS_AOF = 1 ] && echo ' and redis-check-aof') OK"

# --- 3. server must be down -----------------------------------------------------------------------------
if [ "${RESTORE_SKIP_SERVER_CHECK:-0}" != 1 ] && command -v "$REDIS_CLI" >/dev/null 2>&1; then
  cli=("$REDIS_CLI" -h "$REDIS_HOST" -p "$REDIS_PORT")
  if [ -n "${REDIS_USER:-}" ]; then cli+=(--user "$REDIS_USER"); fi
  # Any answer means a server runs there: PONG, or NOAUTH/WRONGPASS from one that wants other credentials.
  reply="$(timeout 5 "${cli[@]}" PING 2>/dev/null || true)"
  if [ -n "$reply" ]; then
    refuse "a Redis server answers on $REDIS_HOST:$REDIS_PORT: stop it first (kubectl scale statefulset <release>-redis --replicas=0)"
  fi
fi
[ -d "$REDIS_DATA_DIR" ] || refuse "Redis data dir '$REDIS_DATA_DIR' does not exist"
[ -w "$REDIS_DATA_DIR" ] || refuse "Redis data dir '$REDIS_DATA_DIR' is not writable"

# --- 4. swap in ---------------------------------------------------------------------------------------
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
STAGE="$REDIS_DATA_DIR/.restore-$STAMP-$$"
mkdir -p "$STAGE"
cp -p "$SRC/dump.rdb" "$STAGE/dump.rdb"
[ $HAS_AOF = 0 ] || cp -rp "$SRC/appendonlydir" "$STAGE/appendonlydir"
cp -p "$SRC/SHA256SUMS" "$STAGE/SHA256SUMS"
if [ -f "$SRC/backup.info" ]; then cp -p "$SRC/backup.info" "$STAGE/backup.info"; fi
if ! (cd "$STAGE" && sha256sum --quiet --strict -c SHA256SUMS >/dev/null 2>&1); then
  rm -rf "$STAGE"; refuse "the copy in $STAGE does not match SHA256SUMS (disk full or faulty?)"
fi

ASIDE="$REDIS_DATA_DIR/pre-restore-$STAMP"
mkdir -p "$ASIDE"
[ ! -e "$REDIS_DATA_DIR/dump.rdb" ] || mv "$REDIS_DATA_DIR/dump.rdb" "$ASIDE/"
[ ! -e "$REDIS_DATA_DIR/appendonlydir" ] || mv "$REDIS_DATA_DIR/appendonlydir" "$ASIDE/"
mv "$STAGE/dump.rdb" "$REDIS_DATA_DIR/dump.rdb"
[ $HAS_AOF = 0 ] || mv "$STAGE/appendonlydir" "$REDIS_DATA_DIR/appendonlydir"
rm -rf "$STAGE"
rmdir "$ASIDE" 2>/dev/null && ASIDE="(nothing to keep: the data dir was empty)" || true
sync 2>/dev/null || true
log "previous data moved to $ASIDE (delete it once the restored server is confirmed good)"
log "OK: restored $SRC into $REDIS_DATA_DIR; start Redis now"
