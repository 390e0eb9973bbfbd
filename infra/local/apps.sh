#!/usr/bin/env bash
# Starts and stops Relay's own processes, each with a pid file and a log under .local. Source it.
# RELAY_SCALE (or `./relay up --scale gateway=2,chat-consumer=2,convert-worker=2`) runs N of a kind:
# gateways then listen on internal ports behind HAProxy on the gateway port (infra/local/balancer.sh).

# shellcheck source=infra/local/balancer.sh
. "$RELAY_ROOT/infra/local/balancer.sh"

# Ports as the services read them (.env or .local/relay.env may move them; these are their defaults).
RELAY_GATEWAY_PORT="${GATEWAY_PORT:-8000}"
RELAY_CONVERT_PORT="${CONVERT_PORT:-8001}"
RELAY_CHAT_PORT="${CHAT_PORT:-8002}"
RELAY_CONVERT_WORKER_PORT="${CONVERT_WORKER_PORT:-8003}"
RELAY_WEB_PORT="${WEB_PORT:-8080}"
# Scaled kinds take consecutive ports from these (gateway-api-0 on 8010, gateway-api-1 on 8011…).
RELAY_GATEWAY_INSTANCE_PORT="${RELAY_GATEWAY_INSTANCE_PORT:-8010}"
RELAY_CONVERT_WORKER_INSTANCE_PORT="${RELAY_CONVERT_WORKER_INSTANCE_PORT:-8020}"
RELAY_BALANCER_STATS_PORT="${RELAY_BALANCER_STATS_PORT:-8404}"
RELAY_SCALE_FILE="$RELAY_ROOT/.local/run/scale"

# One line per kind, in start order: name|scale key|command|readiness URL|port alone|first port scaled.
# In the command and URL, @PORT@ is the instance's port and @INDEX@ its number (0 when alone).
RELAY_KINDS=(
  "gateway-api|gateway|env GATEWAY_PORT=@PORT@ node services/gateway/src/main.ts|http://127.0.0.1:@PORT@/readyz|$RELAY_GATEWAY_PORT|$RELAY_GATEWAY_INSTANCE_PORT"
  "gateway-worker|gateway-worker|node services/gateway/src/worker.ts|||"
  "convert-api||node services/convert/src/main.ts|http://127.0.0.1:$RELAY_CONVERT_PORT/readyz||"
  "convert-worker|convert-worker|env CONVERT_WORKER_PORT=@PORT@ node services/convert/src/worker.ts|http://127.0.0.1:@PORT@/readyz|$RELAY_CONVERT_WORKER_PORT|$RELAY_CONVERT_WORKER_INSTANCE_PORT"
  "chat-api||node services/chat/src/main.ts|http://127.0.0.1:$RELAY_CHAT_PORT/readyz||"
  # Static membership, one id per consumer: a restarted one takes its partitions back at once.
  "chat-consumer|chat-consumer|env CHAT_CONSUMER_INSTANCE_ID=\${CHAT_CONSUMER_INSTANCE_ID:-chat-consumer}-@INDEX@ node services/chat/src/consumer.ts|||"
  "web||npm run --silent -w @relay/web serve -- --port $RELAY_WEB_PORT|http://127.0.0.1:$RELAY_WEB_PORT/||"
)

# apps_scale_of SCALE KEY: the count SCALE ("gateway=2,chat-consumer=2") gives KEY, 0 when none.
apps_scale_of() {
  local pair
  for pair in ${1//,/ }; do
    [ "${pair%%=*}" = "$2" ] && { echo "${pair#*=}"; return 0; }
  done
  echo 0
}

# apps_check_scale SCALE: refuses unknown kinds and counts the machine cannot hold.
apps_check_scale() {
  local pair key count max
  for pair in ${1//,/ }; do
    key="${pair%%=*}" count="${pair#*=}"
    case "$key" in
      gateway | gateway-worker | convert-worker) max=10 ;; # ten ports apart
      chat-consumer) max="${KAFKA_CHAT_PARTITIONS:-6}" ;;  # one partition each at least; more would idle
      *)
        echo "relay: cannot scale '$key' (gateway, gateway-worker, chat-consumer, convert-worker)" >&2
        return 64
        ;;
    esac
    if ! [[ "$count" =~ ^[0-9]+$ ]] || [ "$count" -lt 1 ] || [ "$count" -gt "$max" ]; then
      echo "relay: $key=$count: give 1 to $max" >&2
      return 64
    fi
  done
}

# apps_plan SCALE: the instances to run, one "name|command|readiness URL" a line, in start order.
apps_plan() {
  apps_check_scale "$1" || return
  local kind name key command url alone first count index port gateways
  for kind in "${RELAY_KINDS[@]}"; do
    IFS='|' read -r name key command url alone first <<<"$kind"
    count="$(apps_scale_of "$1" "$key")"
    if [ "$count" -eq 0 ]; then
      echo "$name|${command//@PORT@/$alone}|${url//@PORT@/$alone}" | sed 's/@INDEX@/0/g'
    else
      gateways=()
      for ((index = 0; index < count; index++)); do
        port=$((first + index))
        echo "$name-$index|${command//@PORT@/$port}|${url//@PORT@/$port}" | sed "s/@INDEX@/$index/g"
        gateways+=("127.0.0.1:$port")
      done
      # Before anything that fetches the gateway's JWKS through the gateway port.
      [ "$name" != gateway-api ] ||
        echo "balancer|$(balancer_bin) -db -f $RELAY_ROOT/.local/run/haproxy.cfg|http://127.0.0.1:$RELAY_GATEWAY_PORT/readyz"
    fi
  done
}

# apps_balancer_config SCALE: HAProxy's config for the gateways SCALE runs, into .local/run.
apps_balancer_config() {
  local count index servers=()
  count="$(apps_scale_of "$1" gateway)"
  for ((index = 0; index < count; index++)); do servers+=("127.0.0.1:$((RELAY_GATEWAY_INSTANCE_PORT + index))"); done
  balancer_config "127.0.0.1:$RELAY_GATEWAY_PORT" "127.0.0.1:$RELAY_BALANCER_STATS_PORT" "${servers[@]}" \
    >"$RELAY_ROOT/.local/run/haproxy.cfg"
}

# The scale of the processes started last (recorded by apps_up); none recorded is one of each.
apps_running_scale() {
  [ ! -f "$RELAY_SCALE_FILE" ] || cat "$RELAY_SCALE_FILE"
}

# What `up` starts: RELAY_SCALE when set, else the scale already running (so `up` again leaves it).
RELAY_SCALE="${RELAY_SCALE:-$(apps_running_scale)}"
relay_plan="$(apps_plan "$RELAY_SCALE")" || return 64 2>/dev/null || exit 64
mapfile -t RELAY_APPS <<<"$relay_plan"
unset relay_plan

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
  local running
  running="$(apps_running_scale)"
  if [ "$running" != "$RELAY_SCALE" ] && apps_any_alive; then
    echo "relay: running at scale '${running:-one of each}'; ./relay down first to start '${RELAY_SCALE:-one of each}'" >&2
    return 64
  fi
  echo "$RELAY_SCALE" >"$RELAY_SCALE_FILE"
  if [ "$(apps_scale_of "$RELAY_SCALE" gateway)" -gt 0 ]; then
    balancer_install
    apps_balancer_config "$RELAY_SCALE"
  fi
  npm run --silent -w @relay/web build >"$RELAY_ROOT/.local/logs/web-build.log" 2>&1 || {
    echo "relay: web build failed; see .local/logs/web-build.log" >&2
    return 1
  }
  local entry name command url log
  for entry in "${RELAY_APPS[@]}"; do
    IFS='|' read -r name command url <<<"$entry"
    log="$RELAY_ROOT/.local/logs/$name.log"
    if apps_pid_alive "$name"; then
      printf '%-17s already running\n' "$name"
      continue
    fi
    # setsid: the process outlives this shell and gets its own group, so `down` stops all its children.
    setsid bash -c "exec $command" >>"$log" 2>&1 </dev/null &
    echo $! >"$RELAY_ROOT/.local/run/$name.pid"
    [ -z "$url" ] || apps_wait_ready "$name" "$url" "$log"
    printf '%-17s up\n' "$name"
  done
}

# The instances that were started (by the recorded scale), one entry a line.
apps_started() {
  apps_plan "$(apps_running_scale)"
}

apps_any_alive() {
  local name
  while IFS='|' read -r name _; do
    ! apps_pid_alive "$name" || return 0
  done < <(apps_started)
  return 1
}

apps_down() {
  local started name pid_file pid
  mapfile -t started < <(apps_started)
  # Reverse start order: the balancer stops taking connections before the gateways behind it go.
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    IFS='|' read -r name _ <<<"${started[$i]}"
    pid_file="$RELAY_ROOT/.local/run/$name.pid"
    [ -f "$pid_file" ] || continue
    pid="$(cat "$pid_file")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file"
    printf '%-17s stopped\n' "$name"
  done
  rm -f "$RELAY_SCALE_FILE"
}

apps_status() {
  local name url state
  while IFS='|' read -r name _ url; do
    if ! apps_pid_alive "$name"; then
      state=stopped
    elif [ -z "$url" ] || curl -fs -o /dev/null --max-time 2 "$url"; then
      state="running (pid $(cat "$RELAY_ROOT/.local/run/$name.pid"))"
    else
      state="running, not ready (pid $(cat "$RELAY_ROOT/.local/run/$name.pid"))"
    fi
    printf '%-17s %-32s %s\n' "$name" "$state" "${url%/readyz}"
    [ "$name" != balancer ] || apps_balancer_status
  done < <(apps_started)
}

# Each gateway as HAProxy sees it (its health checks), from the stats page's CSV.
apps_balancer_status() {
  curl -fs --max-time 2 "http://127.0.0.1:$RELAY_BALANCER_STATS_PORT/;csv" |
    awk -F, '$1 == "gateways" && $2 ~ /^gateway-/ { printf "  %-15s %s, %s open\n", $2, $18, $5 }' || true
}

apps_print_urls() {
  local balanced=""
  [ "$(apps_scale_of "$RELAY_SCALE" gateway)" -eq 0 ] ||
    balanced=" (HAProxy → $(apps_scale_of "$RELAY_SCALE" gateway) gateways; stats http://127.0.0.1:$RELAY_BALANCER_STATS_PORT)"
  cat <<URLS

Relay is up${RELAY_SCALE:+ at scale $RELAY_SCALE}:
  web app          http://127.0.0.1:$RELAY_WEB_PORT
  gateway API      http://127.0.0.1:$RELAY_GATEWAY_PORT$balanced   (OpenAPI docs: http://127.0.0.1:$RELAY_GATEWAY_PORT/docs)
  convert API      http://127.0.0.1:$RELAY_CONVERT_PORT
  chat API         http://127.0.0.1:$RELAY_CHAT_PORT
  mail inbox       http://127.0.0.1:1080
Logs: .local/logs/   Stop: ./relay down
URLS
}
