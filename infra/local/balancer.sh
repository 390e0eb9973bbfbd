#!/usr/bin/env bash
# HAProxy in front of N gateways: installs it (Debian's package) when missing and writes its
# config from haproxy.cfg.template. Source it for the functions, or run it:
#   bash infra/local/balancer.sh install      (then `bash infra/local/balancer.sh bin` names the binary)
#   bash infra/local/balancer.sh config LISTEN STATS SERVER...   e.g. 127.0.0.1:8000 127.0.0.1:8404 127.0.0.1:8010 127.0.0.1:8011
# The config goes to stdout; run it with `haproxy -db -f FILE` (foreground, so its pid is the one to stop).

balancer_install() {
  command -v haproxy >/dev/null 2>&1 && return 0
  [ -x /usr/sbin/haproxy ] && return 0
  echo "relay: installing haproxy (Debian package)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy >/dev/null
}

# The haproxy binary: on PATH, or where Debian puts it (/usr/sbin is not on every PATH).
balancer_bin() {
  command -v haproxy 2>/dev/null || echo /usr/sbin/haproxy
}

# balancer_config LISTEN STATS SERVER... : one `server gateway-<i> ADDRESS` line per gateway.
balancer_config() {
  local listen="$1" stats="$2" template
  shift 2
  [ "$#" -gt 0 ] || { echo "balancer_config: no servers" >&2; return 64; }
  template="$(dirname "${BASH_SOURCE[0]}")/haproxy.cfg.template"
  local servers="" index=0 server
  for server in "$@"; do
    servers+="  server gateway-$index $server"$'\n'
    index=$((index + 1))
  done
  awk -v listen="$listen" -v stats="$stats" -v servers="${servers%$'\n'}" '
    /\{\{SERVERS\}\}/ { print servers; next }
    { gsub(/\{\{LISTEN\}\}/, listen); gsub(/\{\{STATS\}\}/, stats); print }
  ' "$template"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    install) balancer_install ;;
    bin) balancer_bin ;;
    config)
      shift
      [ "$#" -ge 3 ] || { sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
      balancer_config "$@"
      ;;
    *)
      sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//' >&2
      exit 64
      ;;
  esac
fi
