#!/usr/bin/env bash
# One way to get a pinned command-line tool from PyPI: its own venv under .local/venv/<name>, installed
# once per version (a stamp file), python3-venv from apt when Debian's python3 lacks it. Source it, then:
#   pip_tool NAME PACKAGE VERSION BINARY   (prints the path of BINARY in that venv)

pip_tool() {
  local name="$1" package="$2" version="$3" binary="$4"
  local venv="${RELAY_ROOT:?}/.local/venv/$name"
  local stamp="$venv/.installed-$version"
  if [ ! -f "$stamp" ]; then
    # Debian's python3 leaves venv (ensurepip) to a package of its own.
    if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
      echo "installing python3-venv (apt)" >&2
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    fi
    echo "installing $package $version into $venv (PyPI)" >&2
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$package==$version" >&2
    "$venv/bin/$binary" --version >/dev/null
    touch "$stamp"
  fi
  echo "$venv/bin/$binary"
}
