#!/usr/bin/env bash
# The web E2E's stack: every Relay process started fresh from this checkout by infra/local/apps.sh
# (pid files under .local/run), against infrastructure that is already up (./relay test brings it up).
#   bash e2e/web/apps.sh up     stop apps a developer left running (noted, to start them again after), start ours
#   bash e2e/web/apps.sh down   stop ours by pid; start the developer's again if `up` stopped them
# Playwright's globalSetup runs `up` and its teardown `down`; `up` stops what it started if it fails halfway.
set -euo pipefail
RELAY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export RELAY_ROOT
cd "$RELAY_ROOT"
# shellcheck source=infra/local/env.sh
. infra/local/env.sh
# shellcheck source=infra/local/apps.sh
. infra/local/apps.sh

restart_marker="$RELAY_ROOT/.local/run/e2e-web.restart-apps"
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
fail() {
  echo "web E2E: $*" >&2
  exit 1
}

up() {
  bash infra/local/stack.sh status >/dev/null ||
    fail "the infrastructure is not running: start it with ./relay up (./relay test does it itself)"
  local entry name url port running=()
  for entry in "${RELAY_APPS[@]}"; do
    IFS='|' read -r name _ url <<<"$entry"
    if apps_pid_alive "$name"; then
      running+=("$name")
      continue
    fi
    [ -n "$url" ] || continue
    port="${url#http://127.0.0.1:}" && port="${port%%/*}"
    ! port_open "$port" || fail "port $port ($name) is held by a process ./relay did not start; stop it first"
  done
  if [ "${#running[@]}" -gt 0 ]; then
    # The run must test this checkout's code, not processes started before it; they come back after.
    echo "web E2E: stopping the apps ./relay up left running (${running[*]}); they start again after the run"
    touch "$restart_marker"
    apps_down >/dev/null
  fi
  # Every sign-up and sign-in of the run comes from 127.0.0.1, and the counters live in Redis, shared with
  # whatever ran just before (the fuzz run signs up hundreds): the per-IP limit is the API tests' subject.
  export AUTH_RATE_LIMIT_PER_IP=100000
  # Access tokens live 5 s for the whole run: every flow then goes through silent refreshes and the
  # WebSocket's auth.refresh many times (the issue's session test; session.spec.ts looks for it).
  export ACCESS_TOKEN_TTL_SECONDS=5
  # A subshell with errexit of its own: in `apps_up || …` bash would ignore -e inside apps_up.
  local rc=0
  set +e
  (
    set -e
    apps_up
  )
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { down; fail "the apps did not start (logs: .local/logs/)"; }
}

down() {
  apps_down >/dev/null
  if [ -f "$restart_marker" ]; then
    rm -f "$restart_marker"
    echo "web E2E: starting again the apps that were running before the run"
    apps_up >/dev/null
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *)
    sed -n '4,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 64
    ;;
esac
