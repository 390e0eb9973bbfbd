#!/usr/bin/env bash
# Starts and stops Relay's own processes, each with a pid file and a log under .local. Source it.

# Ports as the services read them (.env or .local/relay.env may move them; these are their defaults).
RELAY_GATEWAY_PORT="${GATEWAY_PORT:-8000}"
RELAY_CONVERT_PORT="${CONVERT_PORT:-8001}"
RELAY_CHAT_PORT="${CHAT_PORT:-8002}"
RELAY_CONVERT_WORKER_PORT="${CONVERT_WORKER_PORT:-8003}"
RELAY_WEB_PORT="${WEB_PORT:-8080}"

# name|command|readiness URL (empty for processes without HTTP)
RELAY_APPS=(
  "gateway-api|node services/gateway/src/main.ts|http://127.0.0.1:$RELAY_GATEWAY_PORT/readyz"
  "gateway-worker|node services/gateway/src/worker.ts|"
  "convert-api|node services/convert/src/main.ts|http://127.0.0.1:$RELAY_CONVERT_PORT/readyz"
  "convert-worker|node services/convert/src/worker.ts|http://127.0.0.1:$RELAY_CONVERT_WORKER_PORT/readyz"
  "chat-api|node services/chat/src/main.ts|http://127.0.0.1:$RELAY_CHAT_PORT/readyz"
  # One local consumer: static membership lets it take its partitions back at once after a crash.
  "chat-consumer|env CHAT_CONSUMER_INSTANCE_ID=\${CHAT_CONSUMER_INSTANCE_ID:-chat-consumer-0} node services/chat/src/consumer.ts|"
  "web|npm run --silent -w @relay/web serve -- --port $RELAY_WEB_PORT|http://127.0.0.1:$RELAY_WEB_PORT/"
)

apps_pid_alive() {
  local pid_file="$RELAY_ROOT/.local/run/$1.pid"
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

apps_wait_ready() {
  local name="$1" url="$2" log="$3" deadline=$((SECONDS + 60))
  while ! curl -fs -o /dev/null --max-time 2 "$url"; do
    if ! apps_pid_alive "$name"; then
      echo "relay: $name exited during start-up; see $log" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "relay: $name not ready at $url after 60 s; see $log" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    sleep 0.5
  done
}

apps_up() {
  mkdir -p "$RELAY_ROOT/.local/run" "$RELAY_ROOT/.local/logs"
  npm run --silent -w @relay/web build >"$RELAY_ROOT/.local/logs/web-build.log" 2>&1 || {
    echo "relay: web build failed; see .local/logs/web-build.log" >&2
    return 1
  }
  local entry name command url log
  for entry in "${RELAY_APPS[@]}"; do
    IFS='|' read -r name command url <<<"$entry"
    log="$RELAY_ROOT/.local/logs/$name.log"
    if apps_pid_alive "$name"; then
      printf '%-15s already running\n' "$name"
      continue
    fi
    # setsid: the process outlives this shell and gets its own group, so `down` stops all its children.
    setsid bash -c "exec $command" >>"$log" 2>&1 </dev/null &
    echo $! >"$RELAY_ROOT/.local/run/$name.pid"
    [ -z "$url" ] || apps_wait_ready "$name" "$url" "$log"
    printf '%-15s up\n' "$name"
  done
}

apps_down() {
  local entry name pid_file pid
  for ((i = ${#RELAY_APPS[@]} - 1; i >= 0; i--)); do
    IFS='|' read -r name _ <<<"${RELAY_APPS[$i]}"
    pid_file="$RELAY_ROOT/.local/run/$name.pid"
    [ -f "$pid_file" ] || continue
    pid="$(cat "$pid_file")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file"
    printf '%-15s stopped\n' "$name"
  done
}

apps_status() {
  local entry name
  for entry in "${RELAY_APPS[@]}"; do
    IFS='|' read -r name _ <<<"$entry"
    if apps_pid_alive "$name"; then printf '%-15s running\n' "$name"; else printf '%-15s stopped\n' "$name"; fi
  done
}

apps_print_urls() {
  cat <<URLS

Relay is up:
  web app          http://127.0.0.1:$RELAY_WEB_PORT
  gateway API      http://127.0.0.1:$RELAY_GATEWAY_PORT   (OpenAPI docs: http://127.0.0.1:$RELAY_GATEWAY_PORT/docs)
  convert API      http://127.0.0.1:$RELAY_CONVERT_PORT
  chat API         http://127.0.0.1:$RELAY_CHAT_PORT
  mail inbox       http://127.0.0.1:1080
Logs: .local/logs/   Stop: ./relay down
URLS
}
