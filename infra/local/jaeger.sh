#!/usr/bin/env bash
# Builds Jaeger (all-in-one: OTLP in, UI and query API out) from the Go module proxy, once per pinned
# version, into .local/bin:  bash infra/local/jaeger.sh   (prints the path of the binary)
# `go install` refuses Jaeger (its module has replace directives), so it is built inside a throwaway module.
# Go's own build and module caches are reused, so a rebuild after `rm -rf .local` is much faster.
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=infra/local/go-tool.sh
. "$RELAY_ROOT/infra/local/go-tool.sh"
JAEGER_VERSION="${JAEGER_VERSION:-v1.76.0}"
bin="$RELAY_ROOT/.local/bin/jaeger-$JAEGER_VERSION"

if [ ! -x "$bin" ]; then
  ensure_go
  echo "building jaeger $JAEGER_VERSION into $bin (Go module proxy; several minutes the first time)" >&2
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$(dirname "$bin")"
  (
    cd "$work"
    export GOTOOLCHAIN=auto GOFLAGS=-mod=mod
    go mod init relay.local/jaeger >/dev/null 2>&1
    go get -tool "github.com/jaegertracing/jaeger/cmd/jaeger@$JAEGER_VERSION" >&2
    go build -trimpath -ldflags='-s -w' -o "$bin.tmp" github.com/jaegertracing/jaeger/cmd/jaeger >&2
  )
  mv "$bin.tmp" "$bin"
fi
echo "$bin"
