#!/usr/bin/env bash
# Installs schemathesis (the OpenAPI fuzzer of the `fuzz` test project) into its own venv under .local,
# once per pinned version:  bash infra/local/schemathesis.sh   (prints the path of its `st` binary)
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
# shellcheck source=infra/local/pip-tool.sh
. "$RELAY_ROOT/infra/local/pip-tool.sh"
pip_tool schemathesis schemathesis "${SCHEMATHESIS_VERSION:-4.32.5}" st
