#!/usr/bin/env bash
# Source it. For tools built from the Go module proxy into .local/bin (Jaeger, Centrifugo).

# Go on PATH, from apt when missing. Debian's may be older than a tool needs: the builds run with
# GOTOOLCHAIN=auto, which fetches the right toolchain from the module proxy.
ensure_go() {
  command -v go >/dev/null && return 0
  echo "installing golang-go (apt)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends golang-go ca-certificates >/dev/null
}
