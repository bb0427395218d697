#!/usr/bin/env bash
# The README's quick start: `bash scripts/dev.sh demo` (build + demo) and `bash scripts/dev.sh test` (all tests).
# On a fresh Debian machine it first installs what is missing: Chromium and, for the tests, faketime (apt-get, as
# root) and node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."

# ensure [test]: the tests also need faketime (`npm test` runs the suites again under a China night-time clock).
ensure() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  if [ "${1:-}" = test ] && ! command -v faketime >/dev/null; then missing+=(faketime); fi
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "--- installing ${missing[*]} (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get update
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    else
      echo "Missing: run 'sudo apt-get install -y ${missing[*]}'$([ -x /usr/bin/chromium ] || echo ' (or set CHROMIUM_PATH)')." >&2
      # Another Chromium (CHROMIUM_PATH) stands in for Debian's; nothing stands in for faketime.
      [ "${missing[*]}" = chromium ] && [ -n "${CHROMIUM_PATH:-}" ] || exit 1
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
  test) ensure test && npm test ;;
  *)
    echo "usage: bash scripts/dev.sh demo|test" >&2
    exit 2
    ;;
esac
