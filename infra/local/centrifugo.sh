#!/usr/bin/env bash
# Builds Centrifugo (bench/chat's peer, `--peer centrifugo`) from the Go module proxy, once per pinned
# version, into .local/bin:  bash infra/local/centrifugo.sh   (prints the path of the binary)
# Go's own build and module caches are reused, so a rebuild after `rm -rf .local` is much faster.
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=infra/local/go-tool.sh
. "$RELAY_ROOT/infra/local/go-tool.sh"
CENTRIFUGO_VERSION="${CENTRIFUGO_VERSION:-v6.9.1}"
bin="$RELAY_ROOT/.local/bin/centrifugo-$CENTRIFUGO_VERSION"

if [ ! -x "$bin" ]; then
  ensure_go
  echo "building centrifugo $CENTRIFUGO_VERSION into $bin (Go module proxy; minutes the first time)" >&2
  # go install names the binary after the module, so it goes to a throwaway GOBIN and is renamed:
  # the version in the name is what makes the next run skip the build.
  gobin="$(mktemp -d)"
  trap 'rm -rf "$gobin"' EXIT
  mkdir -p "$(dirname "$bin")"
  # The version stamped as its release build does (goreleaser's ldflags), not a "development build".
  GOTOOLCHAIN=auto GOBIN="$gobin" go install -trimpath \
    -ldflags="-s -w -X github.com/centrifugal/centrifugo/v6/internal/build.Version=${CENTRIFUGO_VERSION#v}" \
    "github.com/centrifugal/centrifugo/v6@$CENTRIFUGO_VERSION" >&2
  mv "$gobin/centrifugo" "$bin"
fi
echo "$bin"
