#!/usr/bin/env bash
# Builds Gotenberg (bench/convert's peer, `--peer gotenberg`) natively from the Go module proxy, once per
# pinned version, into .local/bench/gotenberg, with what it needs beside it: pdfcpu (Go), an unoconv
# wrapper, and Debian's unoconv, pdftk-java, qpdf and exiftool. Prints the directory.
#   bash bench/gotenberg.sh
# Never part of the project's run path: only the benchmark starts Gotenberg.
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
# shellcheck source=infra/local/go-tool.sh
. "$RELAY_ROOT/infra/local/go-tool.sh"
GOTENBERG_VERSION="${GOTENBERG_VERSION:-v8.36.0}"
PDFCPU_VERSION="${PDFCPU_VERSION:-v0.11.1}"
dir="$RELAY_ROOT/.local/bench/gotenberg"
mkdir -p "$dir"

missing=()
for pair in unoconv:unoconv pdftk:pdftk-java qpdf:qpdf exiftool:libimage-exiftool-perl; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing ${missing[*]} (apt; Gotenberg refuses to start without them)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The version is in the marker's name, so a new pin rebuilds.
if [ ! -x "$dir/gotenberg" ] || [ ! -e "$dir/gotenberg.$GOTENBERG_VERSION" ]; then
  ensure_go
  echo "building gotenberg $GOTENBERG_VERSION into $dir (Go module proxy; ~2 min the first time)" >&2
  # `go install …@version` asks the proxy for the version list, which it refuses for this module:
  # download the exact version and build inside its directory of the module cache instead.
  module_dir="$(GOFLAGS=-modcacherw go mod download -json "github.com/gotenberg/gotenberg/v8@$GOTENBERG_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  (cd "$module_dir" && CGO_ENABLED=0 GOTOOLCHAIN=auto GOFLAGS=-modcacherw go build -trimpath \
    -ldflags="-s -w -X github.com/gotenberg/gotenberg/v8/cmd.Version=${GOTENBERG_VERSION#v}" \
    -o "$dir/gotenberg" ./cmd/gotenberg >&2)
  rm -f "$dir"/gotenberg.v*
  touch "$dir/gotenberg.$GOTENBERG_VERSION"
fi

if [ ! -x "$dir/pdfcpu" ]; then
  ensure_go
  echo "building pdfcpu $PDFCPU_VERSION into $dir" >&2
  CGO_ENABLED=0 GOTOOLCHAIN=auto GOBIN="$dir" go install "github.com/pdfcpu/pdfcpu/cmd/pdfcpu@$PDFCPU_VERSION" >&2
fi

# Debian's unoconv 0.7 lacks three flags Gotenberg passes; the wrapper drops them (`--printer` with
# its value, landscape only, which the bench never asks for).
cat >"$dir/unoconv" <<'EOF'
#!/usr/bin/env bash
args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --disable-update-indexes | --disable-calc-header) ;;
    --printer) shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
exec /usr/bin/python3 /usr/bin/unoconv "${args[@]}"
EOF
chmod +x "$dir/unoconv"
mkdir -p "$dir/hyphen-data"
echo "$dir"
