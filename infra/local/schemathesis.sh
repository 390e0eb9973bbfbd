#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer of the `fuzz` test project) into its own venv under .local,
# once per pinned version:  bash infra/local/schemathesis.sh   (prints the path of its `st` binary)
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
SCHEMATHESIS_VERSION="${SCHEMATHESIS_VERSION:-4.32.5}"
venv="$RELAY_ROOT/.local/venv/schemathesis"
stamp="$venv/.installed-$SCHEMATHESIS_VERSION"

if [ ! -f "$stamp" ]; then
  # Debian's python3 leaves venv (ensurepip) to a package of its own.
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    echo "installing python3-venv (apt)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv (PyPI)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >&2
  "$venv/bin/st" --version >/dev/null
  touch "$stamp"
fi
echo "$venv/bin/st"
