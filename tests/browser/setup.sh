#!/usr/bin/env bash
# Headless Chromium for the browser tests: Debian's `chromium` package, driven by Playwright's
# Python package through `executable_path` (never `playwright install`: no downloads but apt).
# Idempotent: does nothing when /usr/bin/chromium is already there.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "tests/browser/setup.sh: need root or sudo to apt-get install chromium" >&2; exit 1; }
  SUDO=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -q
"${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
[ -x "$CHROMIUM" ] || { echo "tests/browser/setup.sh: chromium installed but $CHROMIUM is missing" >&2; exit 1; }
