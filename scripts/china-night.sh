#!/usr/bin/env bash
# Runs a command under a China night-time wall clock (libfaketime), so that a test depending on the hour fails on
# every run instead of at some hours of the day: a test that assumes a platform's window is open (PDD's is
# 08:00–23:00 China time, closed from 15:00 to 24:00 UTC), or that the China day stays the same while it runs.
# `npm test` runs the unit and e2e suites a second time through it (test:unit:night, test:e2e:night).
#
#   bash scripts/china-night.sh <command…>      e.g. bash scripts/china-night.sh npx vitest run
#
# NIGHT_CLOCK (China time, HH:MM:SS, default 23:59:50): the command starts at the next such moment, so the run
#   crosses China midnight within seconds and goes on in the small hours, outside every platform's window.
# NIGHT_TZ (default America/Los_Angeles): the processes' own time zone, whose date is not China's after midnight.
#
# The clock is shifted, not set: every process (node, Chromium and each of its children, which inherit the
# LD_PRELOAD) reads the real clock plus one fixed offset (`faketime -f +N`), so the test and the browser agree and
# time runs at its pace. `faketime '@…'` would instead restart the clock in each new process (the browser would run
# seconds behind the test; test/e2e/harness.ts checks they agree). The monotonic clock gets the same offset, which
# timers and performance.now() do not notice; leaving it real (FAKETIME_DONT_FAKE_MONOTONIC=1) makes Chromium 156
# hang at launch.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: bash scripts/china-night.sh <command…>" >&2
  exit 2
fi
if ! command -v faketime >/dev/null; then
  echo "faketime is missing: run 'sudo apt-get install -y faketime' (bash scripts/dev.sh test installs it as root)." >&2
  exit 1
fi

clock="${NIGHT_CLOCK:-23:59:50}"
if ! [[ $clock =~ ^([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9])$ ]]; then
  echo "NIGHT_CLOCK must be HH:MM:SS (China time), not '$clock'" >&2
  exit 2
fi
target=$((10#${BASH_REMATCH[1]} * 3600 + 10#${BASH_REMATCH[2]} * 60 + 10#${BASH_REMATCH[3]}))
now=$(date +%s)
# China is UTC+8 all year: seconds after China midnight now, and forward to the next NIGHT_CLOCK.
offset=$(((target - (now + 8 * 3600) % 86400 + 86400) % 86400))

export TZ="${NIGHT_TZ:-America/Los_Angeles}"
# The project's own commands (vitest) also when this is called outside npm.
export PATH="$(cd "$(dirname "$0")/.." && pwd)/node_modules/.bin:$PATH"

# A libfaketime that does not reach node would make this run an ordinary one: check that it does.
seen=$(faketime -f "+${offset}" node -e 'process.stdout.write(String(Math.floor(Date.now() / 1000)))')
want=$(($(date +%s) + offset))
if ((seen < want - 5 || seen > want + 5)); then
  echo "faketime did not shift node's clock (node reads $seen, expected $want): is libfaketime installed?" >&2
  exit 1
fi
echo "--- China night clock: starts at $(TZ=Asia/Shanghai date -d "@$want" '+%F %T') China time" \
  "(+${offset} s, TZ=$TZ): $*"
exec faketime -f "+${offset}" "$@"
