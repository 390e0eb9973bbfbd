#!/usr/bin/env bash
# Installs the tools that render and validate infra/k8s, once per pinned version, from registries only:
#   kustomize            Go module proxy: go install, built into .local/bin (Go's build cache makes a rebuild quick)
#   kubernetes-validate  PyPI, into .local/venv/kubernetes-validate; it ships the Kubernetes JSON schemas
#                        (strict variants reject unknown fields), so nothing is downloaded when validating.
# Usage: bash infra/local/k8s-tools.sh   (prints `kustomize=<path>` and `kubernetes-validate=<path>`)
# infra/k8s/k8s.test.ts runs it in its beforeAll, so a fresh machine gets the tools on its first test run.
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
KUSTOMIZE_VERSION="${KUSTOMIZE_VERSION:-v5.8.1}" # v5.8.3 needs a newer Go than the machine's 1.26
KUBERNETES_VALIDATE_VERSION="${KUBERNETES_VALIDATE_VERSION:-1.37.0}"
bin="$RELAY_ROOT/.local/bin"
kustomize="$bin/kustomize"

if [ ! -x "$kustomize" ] || ! "$kustomize" version 2>/dev/null | grep -qx "$KUSTOMIZE_VERSION"; then
  command -v go >/dev/null || { echo "k8s-tools: go is not on PATH; kustomize is built with go install" >&2; exit 1; }
  echo "building kustomize $KUSTOMIZE_VERSION into $bin (go install; minutes the first time)" >&2
  mkdir -p "$bin"
  # GOTOOLCHAIN=local: build with the machine's Go rather than fetching another toolchain.
  GOTOOLCHAIN=local GOBIN="$bin" go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION" >&2
  "$kustomize" version | grep -qx "$KUSTOMIZE_VERSION"
fi

# shellcheck source=infra/local/pip-tool.sh
. "$RELAY_ROOT/infra/local/pip-tool.sh"
validate="$(pip_tool kubernetes-validate kubernetes-validate "$KUBERNETES_VALIDATE_VERSION" kubernetes-validate)"

echo "kustomize=$kustomize"
echo "kubernetes-validate=$validate"
