#!/bin/sh
# Starts redis-server with an ACL file written from the environment: user REDIS_USER [tanks] with password
# REDIS_PASSWORD (from a Secret or .env), stored only as its SHA-256; the default user is off, so nothing connects
# without credentials. Canonical copy: helm/tanks/files/redis/redis-start.sh (deploy/redis/ links to it).
#   redis-start.sh <redis.conf> [redis-server options...]
# Environment: REDIS_PASSWORD (required), REDIS_USER [tanks], REDIS_ACL_FILE [/run/redis/users.acl] (a directory
# of its own, tmpfs/emptyDir: written at every start), REDIS_SERVER [redis-server].
set -eu

if [ -z "${REDIS_PASSWORD:-}" ]; then
  echo "redis-start: REDIS_PASSWORD is not set: Redis does not start without a password (docs/operations.md, Perimeter)" >&2
  exit 2
fi
user="${REDIS_USER:-tanks}"
acl="${REDIS_ACL_FILE:-/run/redis/users.acl}"
hash="$(printf %s "$REDIS_PASSWORD" | sha256sum | cut -d' ' -f1)"
umask 077
printf 'user default off\nuser %s on #%s ~* &* +@all\n' "$user" "$hash" > "$acl"
unset REDIS_PASSWORD
exec "${REDIS_SERVER:-redis-server}" "$@" --aclfile "$acl"
