#!/usr/bin/env bash
# The native infrastructure on loopback, for machines without Docker.
#   bash infra/local/stack.sh install|up|down|status [piece ...]
# Pieces: postgres redis kafka s3 maildev jaeger (install also covers libreoffice and chromium).
# State lives in .local/: data/<piece>, logs/<piece>.log, run/<piece>.pid, cache/ (jars, Maven repo).
set -euo pipefail

RELAY_ROOT="${RELAY_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
LOCAL="$RELAY_ROOT/.local"
DATA="$LOCAL/data" LOGS="$LOCAL/logs" RUN="$LOCAL/run" CACHE="$LOCAL/cache"
mkdir -p "$DATA" "$LOGS" "$RUN" "$CACHE"

# What starts from here may outlive the caller, so it must not inherit the caller's descriptors:
# a lock that `flock … ./relay up` holds would stay held by every daemon started under it.
for relay_fd in 3 4 5 6 7 8 9; do eval "exec ${relay_fd}>&-"; done
unset relay_fd

PGPORT="${PGPORT:-5432}"
PGPASSWORD="${PGPASSWORD:?PGPASSWORD is not set: run through ./relay, which generates it}"
REDIS_PORT="${REDIS_PORT:-6379}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx1g}"
S3_PORT="${S3_PORT:-9000}"
S3PROXY_VERSION="${S3PROXY_VERSION:-4.1.0}"
S3_ACCESS_KEY_ID="${S3_ACCESS_KEY_ID:?S3_ACCESS_KEY_ID is not set: run through ./relay}"
S3_SECRET_ACCESS_KEY="${S3_SECRET_ACCESS_KEY:?S3_SECRET_ACCESS_KEY is not set: run through ./relay}"
MAILDEV_SMTP_PORT="${MAILDEV_SMTP_PORT:-1025}"
MAILDEV_WEB_PORT="${MAILDEV_WEB_PORT:-1080}"
JAEGER_UI_PORT=16686 # Jaeger's built-in defaults (with OTLP on 4317 gRPC, 4318 HTTP)
READY_TIMEOUT="${READY_TIMEOUT:-120}"
ALL_PIECES=(postgres redis kafka s3 maildev jaeger)

say() { printf '%-10s %s\n' "$1" "$2"; }
fail() {
  say "$1" "FAILED: $2 (log: ${3:-none})" >&2
  [ -n "${3:-}" ] && [ -f "$3" ] && tail -n 15 "$3" >&2
  exit 1
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
alive() {
  local pid
  pid="$(pid_of "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Waits until `check` passes; gives up early if the process died or after READY_TIMEOUT seconds.
wait_ready() {
  local piece="$1" check="$2" log="$3" deadline=$((SECONDS + READY_TIMEOUT))
  until $check; do
    alive "$piece" || fail "$piece" "exited during start-up" "$log"
    [ "$SECONDS" -lt "$deadline" ] || fail "$piece" "not ready after ${READY_TIMEOUT}s" "$log"
    sleep 0.5
  done
}

# Refuses to start a piece whose port something else already holds.
claim_port() {
  local piece="$1" port="$2"
  if port_open "$port"; then
    fail "$piece" "port $port is already in use by a process this script did not start (stop it first)"
  fi
}

# ---------- install ----------

APT_UPDATED=0
apt_install() {
  local missing=()
  for package in "$@"; do
    # `dpkg -s` succeeds for removed packages whose config remains; only "installed" counts.
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  echo "installing ${missing[*]} (apt)"
  if [ "$APT_UPDATED" -eq 0 ]; then
    apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_java() {
  command -v java >/dev/null || apt_install openjdk-17-jre-headless
  command -v mvn >/dev/null || apt_install maven
}

# Resolves Maven artifacts into a folder once; a marker file says the folder is complete.
maven_fetch() {
  local target="$1" pom="$2"
  [ -f "$target/.complete" ] && return 0
  echo "fetching $(basename "$target") from Maven Central"
  local work
  work="$(mktemp -d)"
  printf '%s\n' "$pom" >"$work/pom.xml"
  rm -rf "$target"
  mvn -q -B -Dstyle.color=never -f "$work/pom.xml" -Dmaven.repo.local="$CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$target"
  rm -rf "$work"
  touch "$target/.complete"
}

dependency() { printf '<dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>%s</dependency>' "$1" "$2" "$3" "${4:-}"; }
pom_with() {
  printf '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  printf '<groupId>relay.local</groupId><artifactId>runtime</artifactId><version>1</version><dependencies>%s</dependencies></project>' "$1"
}

install_postgres() { apt_install postgresql; }
install_redis() { apt_install redis-server; }
install_maildev() {
  [ -x "$RELAY_ROOT/node_modules/.bin/maildev" ] || fail maildev "node_modules/.bin/maildev is missing: run npm ci"
}
# Debian's Writer without GUI ships none of Writer's UI layout files, yet a loaded document's hidden view
# builds its comment windows from them: without modules/swriter/ui/annotation.ui soffice aborts on every
# Word or ODF document with a comment. They are unpacked from the GUI package of the very same version.
install_writer_ui_files() {
  local ui=/usr/lib/libreoffice/share/config/soffice.cfg/modules/swriter/ui
  [ -f "$ui/annotation.ui" ] && return 0
  local version tmp
  version="$(dpkg-query -W -f='${Version}' libreoffice-writer-nogui)"
  tmp="$(mktemp -d)"
  echo "unpacking Writer's UI files from libreoffice-writer $version (apt)"
  (cd "$tmp" && { apt-get download -qq "libreoffice-writer=$version" 2>/dev/null ||
    { apt-get update -qq && apt-get download -qq "libreoffice-writer=$version"; }; }) ||
    fail libreoffice "apt-get download libreoffice-writer=$version failed"
  dpkg-deb --fsys-tarfile "$tmp"/libreoffice-writer_*.deb |
    tar -x -C / ".$ui"
  rm -rf "$tmp"
  [ -f "$ui/annotation.ui" ] || fail libreoffice "$ui/annotation.ui is still missing"
}

install_libreoffice() {
  local unoserver_version="${UNOSERVER_VERSION:-3.7}"
  # python3-uno is the bridge unoserver drives soffice through; poppler-utils (pdftotext, pdfinfo) checks results.
  # Fonts: Carlito, Caladea and Liberation have the metrics of Calibri, Cambria, Arial, Times New Roman and
  # Courier New (so text keeps its breaks); Noto covers CJK, emoji and the other scripts; Symbola gives
  # outline emoji, which LibreOffice 7.4 can print (color ones it cannot). convert-worker's /readyz checks
  # them through fontconfig (fc-match).
  apt_install libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui fonts-dejavu-core \
    python3-uno python3-venv poppler-utils fontconfig fonts-crosextra-carlito fonts-crosextra-caladea \
    fonts-liberation2 fonts-noto-cjk fonts-noto-color-emoji fonts-symbola fonts-noto-core
  soffice --version >/dev/null || fail libreoffice "soffice --version failed"
  install_writer_ui_files
  # `import uno` works only under Debian's own interpreter, so the venv is built on it and sees its site-packages.
  local venv="$LOCAL/venv/unoserver"
  if ! "$venv/bin/python" -c 'import uno' 2>/dev/null ||
    [ "$("$venv/bin/pip" show unoserver 2>/dev/null | sed -n 's/^Version: //p')" != "$unoserver_version" ]; then
    echo "installing unoserver $unoserver_version into $venv (pip)"
    rm -rf "$venv"
    /usr/bin/python3 -m venv --system-site-packages "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check "unoserver==$unoserver_version"
  fi
  [ -x "$venv/bin/unoserver" ] || fail libreoffice "unoserver is missing from $venv"
}

# Debian's Chromium is the web E2E's browser (Playwright drives it by executablePath; its own download
# cannot work here). dpkg-query makes this a no-op when it is present.
install_chromium() {
  apt_install chromium fonts-dejavu-core
  [ -x /usr/bin/chromium ] || fail chromium "/usr/bin/chromium is missing after installing the chromium package"
  /usr/bin/chromium --version >/dev/null 2>&1 || fail chromium "/usr/bin/chromium --version failed"
}

install_kafka() {
  install_java
  # Kafka 4 logs through SLF4J 1.7; log4j2's binding for it is not in Kafka's POM.
  maven_fetch "$CACHE/kafka-$KAFKA_VERSION" "$(pom_with "$(dependency org.apache.kafka kafka_2.13 "$KAFKA_VERSION")$(dependency org.apache.logging.log4j log4j-slf4j-impl 2.25.5)")"
}
install_s3() {
  install_java
  maven_fetch "$CACHE/s3proxy-$S3PROXY_VERSION" "$(pom_with "$(dependency org.gaul s3proxy "$S3PROXY_VERSION" '<classifier>jar-with-dependencies</classifier><exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>')")"
}

# ---------- postgres ----------

pg_bin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }
pg_socket_dir="$RUN/postgres-socket"
pg_ready() {
  PGPASSWORD="$PGPASSWORD" psql -qtA "postgres://relay@127.0.0.1:$PGPORT/relay_gateway" -c 'select 1' >/dev/null 2>&1
}
pg_superuser_ready() { "$(pg_bin)/pg_isready" -q -h "$pg_socket_dir" -p "$PGPORT"; }
pg_admin() { runuser -u postgres -- psql -qtA -h "$pg_socket_dir" -p "$PGPORT" -U postgres -d postgres "$@"; }

up_postgres() {
  local dir="$DATA/postgres" log="$LOGS/postgres.log" bin
  bin="$(pg_bin)"
  if alive postgres && pg_ready; then say postgres "up   127.0.0.1:$PGPORT (already running)"; return; fi
  # A Debian-managed cluster may autostart on the same port; ours must own it.
  if command -v pg_lsclusters >/dev/null; then
    pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online" {print $1, $2}' | while read -r version name; do
      echo "stopping the Debian cluster $version/$name, which holds a PostgreSQL port"
      pg_ctlcluster "$version" "$name" stop || true
    done
  fi
  claim_port postgres "$PGPORT"
  mkdir -p "$dir" "$pg_socket_dir"
  chown postgres:postgres "$dir" "$pg_socket_dir"
  chmod 700 "$dir"
  touch "$log" && chown postgres:postgres "$log"
  if [ ! -f "$dir/PG_VERSION" ]; then
    runuser -u postgres -- "$bin/initdb" -D "$dir" -U postgres --auth-local=peer --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >>"$log" 2>&1 || fail postgres "initdb failed" "$log"
  fi
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir" -l "$log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -c unix_socket_directories=$pg_socket_dir" >/dev/null ||
    fail postgres "pg_ctl start failed" "$log"
  head -n 1 "$dir/postmaster.pid" >"$RUN/postgres.pid"
  wait_ready postgres pg_superuser_ready "$log"
  # Keeps the role's password in step with .local/relay.env, and creates what is missing.
  pg_admin -v password="$PGPASSWORD" >/dev/null <<'SQL'
select format('create role relay login createdb password %L', :'password')
  where not exists (select from pg_roles where rolname = 'relay') \gexec
select format('alter role relay login createdb password %L', :'password') \gexec
SQL
  for db in relay_gateway relay_convert relay_chat; do
    pg_admin -c "select 1 from pg_database where datname = '$db'" | grep -q 1 ||
      pg_admin -c "create database $db owner relay" >/dev/null
  done
  wait_ready postgres pg_ready "$log"
  say postgres "up   127.0.0.1:$PGPORT"
}

down_postgres() {
  [ -f "$DATA/postgres/postmaster.pid" ] || { rm -f "$RUN/postgres.pid"; return 0; }
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$DATA/postgres" -m fast -w -t 30 stop >/dev/null || true
  rm -f "$RUN/postgres.pid"
}

# ---------- redis ----------

redis_ready() { [ "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]; }

up_redis() {
  local log="$LOGS/redis.log"
  if alive redis && redis_ready; then say redis "up   127.0.0.1:$REDIS_PORT (already running)"; return; fi
  # Debian's package starts its own server where an init system runs; ours must own the port.
  if redis_ready && ! alive redis && command -v service >/dev/null; then service redis-server stop >/dev/null 2>&1 || true; fi
  claim_port redis "$REDIS_PORT"
  mkdir -p "$DATA/redis"
  cat >"$RUN/redis.conf" <<CONF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize no
dir $DATA/redis
appendonly yes
appendfsync everysec
# The AOF is the durability; RDB snapshots on top forked and rewrote the whole dataset every
# minute under load (seen as a core of CPU in the middle of benchmark runs).
save ""
CONF
  setsid redis-server "$RUN/redis.conf" >>"$log" 2>&1 </dev/null &
  echo $! >"$RUN/redis.pid"
  wait_ready redis redis_ready "$log"
  say redis "up   127.0.0.1:$REDIS_PORT"
}

# ---------- kafka ----------

kafka_ready() {
  port_open "$KAFKA_PORT" && node "$RELAY_ROOT/infra/local/kafka-ready.ts" "127.0.0.1:$KAFKA_PORT"
}

up_kafka() {
  local log="$LOGS/kafka.log" conf="$RUN/kafka" jars="$CACHE/kafka-$KAFKA_VERSION"
  if alive kafka && port_open "$KAFKA_PORT"; then say kafka "up   127.0.0.1:$KAFKA_PORT (already running)"; return; fi
  install_kafka
  claim_port kafka "$KAFKA_PORT"
  mkdir -p "$conf" "$DATA/kafka"
  # One node in KRaft combined mode: every internal topic needs replication factor 1.
  cat >"$conf/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA/kafka
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
CONF
  cat >"$conf/log4j2.properties" <<'CONF'
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRefs = stdout
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = info
logger.apache.name = org.apache.kafka
logger.apache.level = warn
logger.raft.name = org.apache.kafka.raft
logger.raft.level = warn
CONF
  local java_cmd=(java $KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j2.configurationFile=$conf/log4j2.properties" -cp "$jars/*")
  if [ ! -f "$DATA/kafka/meta.properties" ]; then
    [ -f "$DATA/kafka-cluster-id" ] || "${java_cmd[@]}" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1 >"$DATA/kafka-cluster-id"
    "${java_cmd[@]}" kafka.tools.StorageTool format -t "$(cat "$DATA/kafka-cluster-id")" \
      -c "$conf/server.properties" >>"$log" 2>&1 || fail kafka "storage format failed" "$log"
  fi
  # Readiness reads this run's log only.
  [ -f "$log" ] && mv "$log" "$log.1"
  setsid "${java_cmd[@]}" kafka.Kafka "$conf/server.properties" >>"$log" 2>&1 </dev/null &
  echo $! >"$RUN/kafka.pid"
  wait_ready kafka kafka_ready "$log"
  say kafka "up   127.0.0.1:$KAFKA_PORT (KRaft, Kafka $KAFKA_VERSION)"
}

# ---------- s3 ----------

s3_ready() {
  local code
  code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$S3_PORT/" || true)"
  [ "$code" != "000" ] && [ -n "$code" ]
}

up_s3() {
  local log="$LOGS/s3.log" jars="$CACHE/s3proxy-$S3PROXY_VERSION"
  if alive s3 && s3_ready; then say s3 "up   127.0.0.1:$S3_PORT (already running)"; return; fi
  install_s3
  claim_port s3 "$S3_PORT"
  mkdir -p "$DATA/s3"
  (umask 077 && cat >"$RUN/s3proxy.properties" <<CONF
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY_ID
s3proxy.credential=$S3_SECRET_ACCESS_KEY
jclouds.provider=filesystem-nio2
jclouds.filesystem.basedir=$DATA/s3
CONF
  )
  setsid java -Xmx512m -cp "$jars/*" org.gaul.s3proxy.Main --properties "$RUN/s3proxy.properties" >>"$log" 2>&1 </dev/null &
  echo $! >"$RUN/s3.pid"
  wait_ready s3 s3_ready "$log"
  say s3 "up   127.0.0.1:$S3_PORT (s3proxy $S3PROXY_VERSION)"
}

# ---------- maildev ----------

maildev_ready() { curl -fs --max-time 2 -o /dev/null "http://127.0.0.1:$MAILDEV_WEB_PORT/api/email"; }

up_maildev() {
  local log="$LOGS/maildev.log"
  if alive maildev && maildev_ready; then say maildev "up   127.0.0.1:$MAILDEV_SMTP_PORT (already running)"; return; fi
  install_maildev
  claim_port maildev "$MAILDEV_SMTP_PORT"
  claim_port maildev "$MAILDEV_WEB_PORT"
  # A catcher, not a mailbox: each start begins with an empty inbox.
  rm -rf "$DATA/maildev" && mkdir -p "$DATA/maildev"
  setsid "$RELAY_ROOT/node_modules/.bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 \
    --smtp "$MAILDEV_SMTP_PORT" --web "$MAILDEV_WEB_PORT" --mail-directory "$DATA/maildev" >>"$log" 2>&1 </dev/null &
  echo $! >"$RUN/maildev.pid"
  wait_ready maildev maildev_ready "$log"
  say maildev "up   127.0.0.1:$MAILDEV_SMTP_PORT (SMTP), http://127.0.0.1:$MAILDEV_WEB_PORT (inbox)"
}

# ---------- jaeger (traces: OTLP in, UI and query API out; in memory, so a restart forgets) ----------

install_jaeger() { bash "$RELAY_ROOT/infra/local/jaeger.sh" >/dev/null; }
jaeger_ready() { curl -fs --max-time 2 -o /dev/null "http://127.0.0.1:$JAEGER_UI_PORT/api/services"; }

up_jaeger() {
  local log="$LOGS/jaeger.log" bin
  if alive jaeger && jaeger_ready; then say jaeger "up   http://127.0.0.1:$JAEGER_UI_PORT (already running)"; return; fi
  bin="$(bash "$RELAY_ROOT/infra/local/jaeger.sh")"
  claim_port jaeger 4318
  claim_port jaeger "$JAEGER_UI_PORT"
  # Jaeger's all-in-one defaults, trimmed to OTLP, and with the UI on loopback too (its default is every interface).
  cat >"$RUN/jaeger.yaml" <<CONF
service:
  extensions: [jaeger_storage, jaeger_query, healthcheckv2]
  pipelines:
    traces: { receivers: [otlp], processors: [batch], exporters: [jaeger_storage_exporter] }
  telemetry:
    metrics: { level: none }
extensions:
  jaeger_query:
    storage: { traces: memstore }
    http: { endpoint: "127.0.0.1:$JAEGER_UI_PORT" }
    grpc: { endpoint: "127.0.0.1:16685" }
  jaeger_storage:
    backends: { memstore: { memory: { max_traces: 100000 } } }
  healthcheckv2:
    use_v2: true
    http: { endpoint: "127.0.0.1:13133" }
receivers:
  otlp:
    protocols:
      grpc: { endpoint: "127.0.0.1:4317" }
      http: { endpoint: "127.0.0.1:4318" }
processors:
  batch:
exporters:
  jaeger_storage_exporter: { trace_storage: memstore }
CONF
  setsid "$bin" --config "file:$RUN/jaeger.yaml" >>"$log" 2>&1 </dev/null &
  echo $! >"$RUN/jaeger.pid"
  wait_ready jaeger jaeger_ready "$log"
  say jaeger "up   http://127.0.0.1:$JAEGER_UI_PORT (UI), OTLP 127.0.0.1:4317 (gRPC) and :4318 (HTTP)"
}

# ---------- generic down / status ----------

stop_pid() {
  local piece="$1" pid
  pid="$(pid_of "$piece")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$RUN/$piece.pid"
}

down_piece() {
  case "$1" in
    postgres) down_postgres ;;
    *) stop_pid "$1" ;;
  esac
  say "$1" "stopped"
}

status_piece() {
  local ready="${1}_ready"
  [ "$1" = postgres ] && ready=pg_ready
  [ "$1" = s3 ] && ready=s3_ready
  if alive "$1" && $ready; then say "$1" "running (pid $(pid_of "$1"))"; return 0; fi
  say "$1" "down"
  return 1
}

command="${1:-}"
shift || true
pieces=("$@")
[ "${#pieces[@]}" -gt 0 ] || pieces=("${ALL_PIECES[@]}")

case "$command" in
  install)
    for piece in "${pieces[@]}"; do "install_$piece"; done
    [ "$#" -gt 0 ] || { install_libreoffice; install_chromium; }
    ;;
  up)
    for piece in "${pieces[@]}"; do "install_$piece"; done
    [ "$#" -gt 0 ] || { install_libreoffice; install_chromium; }
    for piece in "${pieces[@]}"; do "up_$piece"; done
    ;;
  down)
    for ((i = ${#pieces[@]} - 1; i >= 0; i--)); do down_piece "${pieces[$i]}"; done
    ;;
  status)
    rc=0
    for piece in "${pieces[@]}"; do status_piece "$piece" || rc=1; done
    exit "$rc"
    ;;
  *)
    sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'
    exit 64
    ;;
esac
