#!/usr/bin/env bash
# Debian's Chromium (and its driver) for the browser tests; a browser downloaded from elsewhere is never used.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "installing Debian's chromium for the browser tests" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  exit 0
fi
echo "chromium not found: install Debian's chromium package (apt-get install chromium), then run make test again" >&2
exit 1
