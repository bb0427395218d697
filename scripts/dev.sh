#!/usr/bin/env bash
# The README's quick start: `bash scripts/dev.sh demo` (build + demo) and `bash scripts/dev.sh test` (all tests).
# On a fresh Debian machine it first installs what is missing: Chromium (apt-get, as root) and node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

ensure() {
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "--- installing chromium (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
    else
      echo "Chromium is missing: run 'sudo apt-get install -y chromium' (or set CHROMIUM_PATH)." >&2
      [ -n "${CHROMIUM_PATH:-}" ] || exit 1
    fi
  fi
  # Install (again) when node_modules is missing or older than the lock file.
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "--- npm ci"
    npm ci --no-audit --no-fund
  fi
}

case "${1:-}" in
  demo) ensure && npm run demo ;;
  test) ensure && npm test ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test" >&2
    exit 2
    ;;
esac
