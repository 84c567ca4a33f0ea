#!/usr/bin/env bash
# A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM)
# on 127.0.0.1, for the integration tests and .ci/run.
#
#   scripts/kafka.sh fetch                          jars from Maven Central (cached)
#   scripts/kafka.sh start  [--port N]              format fresh storage, start, wait until ready
#   scripts/kafka.sh create-topic NAME PARTITIONS [--port N]
#   scripts/kafka.sh status [--port N]              exit 0 when running, 1 when not
#   scripts/kafka.sh stop   [--port N]              TERM (KILL after 20 s), remove the run dir
#   scripts/kafka.sh tool   NAME|MAIN_CLASS [ARGS...]   run a Kafka CLI tool (see `tool --help`)
#   scripts/kafka.sh log    [--port N]              print the broker's log
#
# stdout carries only machine-readable lines (`KAFKA_BOOTSTRAP=127.0.0.1:PORT`
# from start and status, and a tool's own output); progress and errors go to stderr.
#
# Environment:
#   KAFKA_PORT      broker port when --port is not given (default 39092);
#                   the controller listens on PORT+1 unless KAFKA_CONTROLLER_PORT is set
#   KAFKA_HOME      where the jars are cached (default ~/.cache/demarche/kafka-VERSION)
#   KAFKA_RUN_DIR   config, data, log and pid of one broker (default /tmp/demarche-kafka-PORT)
#   KAFKA_HEAP_OPTS broker heap (default "-Xms256m -Xmx512m")
#   KAFKA_READY_TIMEOUT  seconds to wait for the broker (default 90)
#   JAVA            java binary (default: java on PATH; Java 17+)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
POM="$ROOT/tests/kafka/pom.xml"
PROG="scripts/kafka.sh"

die() {
  echo "$PROG: error: $*" >&2
  exit 1
}
say() { echo "$PROG: $*" >&2; }

[[ -f "$POM" ]] || die "missing $POM"
KAFKA_VERSION="$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' "$POM" | head -n1)"
[[ -n "$KAFKA_VERSION" ]] || die "no <kafka.version> in $POM"
KAFKA_HOME="${KAFKA_HOME:-$HOME/.cache/demarche/kafka-$KAFKA_VERSION}"
LIBS="$KAFKA_HOME/libs"
JAVA="${JAVA:-java}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# Command-line tools are short-lived clients: favour JVM start-up time.
TOOL_JVM_OPTS=(-Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

# ---------------------------------------------------------------- arguments
PORT="${KAFKA_PORT:-39092}"
ARGS=()
parse_port() {
  while (($#)); do
    case "$1" in
      --port) [[ $# -ge 2 ]] || die "--port needs a value"; PORT="$2"; shift 2 ;;
      --port=*) PORT="${1#--port=}"; shift ;;
      *) ARGS+=("$1"); shift ;;
    esac
  done
  if ! [[ "$PORT" =~ ^[0-9]+$ ]] || ((PORT < 1 || PORT > 65534)); then die "bad port: $PORT"; fi
  CPORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
  RUN_DIR="${KAFKA_RUN_DIR:-/tmp/demarche-kafka-$PORT}"
  PID_FILE="$RUN_DIR/kafka.pid"
  LOG_DIR="$RUN_DIR/logs"
  LOG_FILE="$LOG_DIR/server.log"
  OUT_FILE="$LOG_DIR/stdout.log"
  BOOTSTRAP="127.0.0.1:$PORT"
}

# Serialise start/stop/create-topic on one port (e.g. several test binaries).
lock() {
  exec 9>"${RUN_DIR%/}.lock"
  flock -w 180 9 || die "timed out waiting for the lock ${RUN_DIR%/}.lock"
}

# ---------------------------------------------------------------- helpers
libs_ready() {
  [[ -f "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" && -f "$KAFKA_HOME/.fetched" ]] &&
    [[ "$(cat "$KAFKA_HOME/.fetched")" == "$(pom_sum)" ]]
}
pom_sum() { sha256sum "$POM" | cut -d' ' -f1; }

cmd_fetch() {
  if libs_ready; then
    say "Kafka $KAFKA_VERSION jars cached in $LIBS"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (Maven is needed to fetch the Kafka jars)"
  mkdir -p "$KAFKA_HOME"
  local tmp="$KAFKA_HOME/libs.partial"
  rm -rf "$tmp"
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS ..."
  local t0=$SECONDS
  # (Debian's Maven 3.8 prints stray colour codes even in batch mode: strip them.)
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -DoutputDirectory="$tmp" -DincludeScope=runtime 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
    rm -rf "$tmp"
    die "mvn dependency:copy-dependencies failed for $POM"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "mvn ran but $tmp has no kafka_2.13-$KAFKA_VERSION.jar"
  rm -rf "$LIBS"
  mv "$tmp" "$LIBS"
  pom_sum >"$KAFKA_HOME/.fetched"
  say "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars, $(du -sh "$LIBS" | cut -f1), in $((SECONDS - t0)) s"
}

check_java() {
  command -v "$JAVA" >/dev/null || die "java not found ($JAVA); Kafka $KAFKA_VERSION needs Java 17+"
  local v
  v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
  [[ -n "$v" && "$v" -ge 17 ]] || die "Kafka $KAFKA_VERSION needs Java 17+, $JAVA is version ${v:-unknown}"
}

# The broker's PID, when the PID file names a live Kafka JVM of this run dir.
running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled PID: it must be our kafka.Kafka with our config.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $RUN_DIR/server.properties" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

log_tail() {
  local f
  for f in "$LOG_FILE" "$OUT_FILE"; do
    if [[ -s "$f" ]]; then
      echo "---- last 40 lines of $f" >&2
      tail -n 40 "$f" >&2
    fi
  done
}

# Runs a Kafka CLI main class with the cached jars; logs WARN+ to stderr.
run_tool() {
  local main="$1"
  shift
  libs_ready || cmd_fetch
  write_tools_log4j
  "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j2.configurationFile="$KAFKA_HOME/tools-log4j2.properties" \
    -cp "$LIBS/*" "$main" "$@"
}

write_tools_log4j() {
  [[ -f "$KAFKA_HOME/tools-log4j2.properties" ]] && return 0
  cat >"$KAFKA_HOME/tools-log4j2.properties" <<'EOF'
status = error
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF
}

# Admin client settings: fail fast instead of the 60 s default while waiting.
admin_config() {
  local f="$RUN_DIR/admin.properties"
  [[ -f "$f" ]] || printf '%s\n' 'request.timeout.ms=5000' 'default.api.timeout.ms=8000' \
    'retry.backoff.ms=200' >"$f"
  echo "$f"
}

# ---------------------------------------------------------------- start
write_config() {
  cat >"$RUN_DIR/server.properties" <<EOF
# Written by $PROG: single-node KRaft test broker, data in $RUN_DIR/data.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$RUN_DIR/data/logs
metadata.log.dir=$RUN_DIR/data/metadata

# One node: every internal topic with one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
num.partitions=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0

# Small and quick: this is a throw-away test broker on a 2-core machine.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
background.threads=4
log.segment.bytes=16777216
log.retention.hours=2
log.retention.check.interval.ms=60000
log.cleaner.dedupe.buffer.size=8388608
log.cleaner.threads=1
EOF
  cat >"$RUN_DIR/log4j2.properties" <<EOF
status = error
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $LOG_FILE
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
EOF
}

# Random Kafka cluster id: 16 random bytes, URL-safe base64 without padding
# (what `kafka-storage random-uuid` prints, minus a JVM start).
cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && { echo "$id"; return; }
  done
}

cmd_start() {
  lock
  local pid
  if pid="$(running_pid)"; then
    say "Kafka already running (pid $pid) on $BOOTSTRAP, run dir $RUN_DIR"
    echo "KAFKA_BOOTSTRAP=$BOOTSTRAP"
    return 0
  fi
  port_open "$PORT" && die "port $PORT on 127.0.0.1 is in use by another process (no broker of ours there: $PID_FILE)"
  port_open "$CPORT" && die "controller port $CPORT on 127.0.0.1 is in use by another process"
  check_java
  libs_ready || cmd_fetch
  write_tools_log4j

  local t0=$SECONDS
  rm -rf "$RUN_DIR"
  mkdir -p "$RUN_DIR/data" "$LOG_DIR"
  write_config

  local cid
  cid="$(cluster_id)"
  if ! "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j2.configurationFile="$KAFKA_HOME/tools-log4j2.properties" \
    -cp "$LIBS/*" kafka.tools.StorageTool format --config "$RUN_DIR/server.properties" \
    --cluster-id "$cid" --ignore-formatted >"$LOG_DIR/format.log" 2>&1; then
    cat "$LOG_DIR/format.log" >&2
    die "formatting the storage in $RUN_DIR/data failed"
  fi

  # A new session, stdin/stdout/stderr detached and every other inherited
  # descriptor closed, so the broker outlives this script and never holds a
  # caller's pipe (or our lock) open.
  # shellcheck disable=SC2016,SC2086
  setsid bash -c 'echo $$ >"$1"; shift
    for fd in /proc/$$/fd/*; do fd=${fd##*/}; ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null; done
    exec "$@"' _ "$PID_FILE" \
    "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$RUN_DIR/log4j2.properties" \
    -cp "$LIBS/*" kafka.Kafka "$RUN_DIR/server.properties" \
    </dev/null >"$OUT_FILE" 2>&1 &
  for _ in $(seq 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || die "the broker did not start (no pid in $PID_FILE)"
  say "Kafka $KAFKA_VERSION starting (pid $pid) on $BOOTSTRAP, controller 127.0.0.1:$CPORT, run dir $RUN_DIR"

  # Ready when the listener accepts connections and the broker has logged
  # "Kafka Server started" (KafkaRaftServer logs it once the broker is unfenced
  # and RUNNING). Should that line never come (another log format), fall back
  # to asking the broker itself with the admin tool (one JVM start, ~2 s).
  local deadline=$((SECONDS + READY_TIMEOUT)) cfg open_since=""
  cfg="$(admin_config)"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log_tail
      rm -f "$PID_FILE"
      die "the broker exited during start-up (logs in $LOG_DIR)"
    fi
    if port_open "$PORT"; then
      : "${open_since:=$SECONDS}"
      if grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; then
        break
      fi
      if ((SECONDS - open_since >= 10)) &&
        run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
          --command-config "$cfg" --list >/dev/null 2>&1; then
        break
      fi
    fi
    if ((SECONDS >= deadline)); then
      log_tail
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      die "the broker was not ready within ${READY_TIMEOUT} s (killed; logs in $LOG_DIR)"
    fi
    sleep 0.2
  done
  say "Kafka ready in $((SECONDS - t0)) s"
  echo "KAFKA_BOOTSTRAP=$BOOTSTRAP"
}

# ---------------------------------------------------------------- others
require_running() {
  running_pid >/dev/null || die "no Kafka broker of ours on port $PORT (run: $PROG start --port $PORT)"
}

cmd_create_topic() {
  [[ ${#ARGS[@]} -eq 2 ]] || die "usage: $PROG create-topic NAME PARTITIONS [--port N]"
  local name="${ARGS[0]}" parts="${ARGS[1]}"
  [[ "$parts" =~ ^[1-9][0-9]*$ ]] || die "PARTITIONS must be a positive integer, got '$parts'"
  require_running
  lock
  local cfg out
  cfg="$(admin_config)"
  if ! out="$(run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
    --command-config "$cfg" --create --if-not-exists --topic "$name" \
    --partitions "$parts" --replication-factor 1 2>&1)"; then
    echo "$out" >&2
    die "could not create topic '$name'"
  fi
  [[ -n "$out" ]] && echo "$out" >&2
  # Wait until every partition has a leader, so clients can use it at once.
  local deadline=$((SECONDS + 30)) have
  while :; do
    out="$(run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" \
      --command-config "$cfg" --describe --topic "$name" 2>&1 || true)"
    have="$(grep -c $'Partition: [0-9]*\tLeader: 1\t' <<<"$out" || true)"
    if grep -q "PartitionCount: $parts" <<<"$out" && [[ "$have" -ge "$parts" ]]; then
      break
    fi
    if grep -q "PartitionCount:" <<<"$out" && ! grep -q "PartitionCount: $parts" <<<"$out"; then
      echo "$out" >&2
      die "topic '$name' exists with a different partition count (wanted $parts)"
    fi
    if ((SECONDS >= deadline)); then
      echo "$out" >&2
      die "topic '$name' has no leader for all $parts partitions after 30 s"
    fi
    sleep 0.5
  done
  say "topic '$name' ready: $parts partitions on $BOOTSTRAP"
}

cmd_stop() {
  lock
  local pid
  if ! pid="$(running_pid)"; then
    say "no Kafka broker of ours running on port $PORT"
    rm -rf "$RUN_DIR"
    return 0
  fi
  say "stopping Kafka (pid $pid) on $BOOTSTRAP"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 200); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still running after 20 s: KILL"
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  kill -0 "$pid" 2>/dev/null && die "could not stop pid $pid"
  rm -rf "$RUN_DIR"
  say "stopped"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    say "running: pid $pid, Kafka $KAFKA_VERSION, run dir $RUN_DIR"
    echo "KAFKA_BOOTSTRAP=$BOOTSTRAP"
    return 0
  fi
  say "not running on port $PORT"
  return 1
}

cmd_log() {
  [[ -f "$LOG_FILE" ]] || die "no log at $LOG_FILE"
  cat "$LOG_FILE"
}

tool_class() {
  case "$1" in
    storage) echo kafka.tools.StorageTool ;;
    topics) echo org.apache.kafka.tools.TopicCommand ;;
    console-producer) echo org.apache.kafka.tools.ConsoleProducer ;;
    console-consumer) echo org.apache.kafka.tools.consumer.ConsoleConsumer ;;
    consumer-groups) echo org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
    groups) echo org.apache.kafka.tools.GroupsCommand ;;
    get-offsets) echo org.apache.kafka.tools.GetOffsetShell ;;
    configs) echo kafka.admin.ConfigCommand ;;
    delete-records) echo org.apache.kafka.tools.DeleteRecordsCommand ;;
    *.*) echo "$1" ;;
    *) return 1 ;;
  esac
}

cmd_tool() {
  if [[ $# -eq 0 || "$1" == -h || "$1" == --help ]]; then
    cat >&2 <<EOF
usage: $PROG tool NAME|MAIN_CLASS [ARGS...]
Runs a Kafka $KAFKA_VERSION command-line tool with the cached jars. NAME is one of:
  storage           kafka.tools.StorageTool
  topics            org.apache.kafka.tools.TopicCommand
  console-producer  org.apache.kafka.tools.ConsoleProducer
  console-consumer  org.apache.kafka.tools.consumer.ConsoleConsumer
  consumer-groups   org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
  groups            org.apache.kafka.tools.GroupsCommand
  get-offsets       org.apache.kafka.tools.GetOffsetShell
  configs           kafka.admin.ConfigCommand
  delete-records    org.apache.kafka.tools.DeleteRecordsCommand
The tools take --bootstrap-server 127.0.0.1:PORT themselves.
EOF
    [[ $# -ne 0 ]]
    return
  fi
  local main
  main="$(tool_class "$1")" || die "unknown tool '$1' (see: $PROG tool --help)"
  shift
  check_java
  run_tool "$main" "$@"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
}

# ---------------------------------------------------------------- main
sub="${1:-}"
[[ $# -gt 0 ]] && shift
case "$sub" in
  fetch) cmd_fetch ;;
  start) parse_port "$@"; [[ ${#ARGS[@]} -eq 0 ]] || die "start: unexpected '${ARGS[*]}'"; cmd_start ;;
  stop) parse_port "$@"; [[ ${#ARGS[@]} -eq 0 ]] || die "stop: unexpected '${ARGS[*]}'"; cmd_stop ;;
  status) parse_port "$@"; [[ ${#ARGS[@]} -eq 0 ]] || die "status: unexpected '${ARGS[*]}'"; cmd_status ;;
  create-topic) parse_port "$@"; cmd_create_topic ;;
  log) parse_port "$@"; cmd_log ;;
  tool) cmd_tool "$@" ;;
  -h | --help | help) usage ;;
  "") usage; exit 2 ;;
  *) usage; die "unknown command '$sub'" ;;
esac
