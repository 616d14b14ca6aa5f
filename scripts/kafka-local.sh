#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker+controller in one JVM) on 127.0.0.1 for tests.
#
#   scripts/kafka-local.sh start [--fresh]|stop|status
#
# `start --fresh` deletes this broker's data dir first (test runs use it, so topics, groups and
# transactions left by earlier runs never slow down or change the next one).
#
# No Docker and no Kafka tarball here: the broker is assembled from Maven Central jars
# (deploy/kafka/pom.xml) and cached, then run as `java -cp 'libs/*' kafka.Kafka`.
#
# Environment (all optional):
#   KAFKA_PORT             client port (PLAINTEXT)                  default 9092
#   KAFKA_CONTROLLER_PORT  KRaft controller port                    default KAFKA_PORT+1
#   KAFKA_VERSION          org.apache.kafka:kafka_2.13 version       default 4.4.0
#   TALKWIRE_CACHE         jar cache, data dirs, pid files          default ~/.cache/talkwire
#   KAFKA_DATA_DIR         this broker's data + logs                default $TALKWIRE_CACHE/kafka-data-$KAFKA_PORT
#   KAFKA_HEAP             JVM heap options                         default "-Xms256m -Xmx512m"
#   KAFKA_OPTS             extra JVM options
#   KAFKA_EXTRA_PROPERTIES extra broker settings, whitespace-separated key=value (last one wins),
#                          e.g. "broker.session.timeout.ms=3000 broker.heartbeat.interval.ms=500"
#   KAFKA_START_TIMEOUT    seconds to wait for readiness            default 90
#   JAVA_HOME              JDK to use (17+); else `java` on PATH
#
# Everything is keyed by port, so `KAFKA_PORT=19092 scripts/kafka-local.sh start` runs a second,
# independent broker (own data dir, pid file, controller port 19093) beside the default one.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
PORT="${KAFKA_PORT:-9092}"
CPORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
CACHE="${TALKWIRE_CACHE:-$HOME/.cache/talkwire}"
LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
LIBS_MARKER="$LIBS/.complete"          # written only after a full download
DATA_DIR="${KAFKA_DATA_DIR:-$CACHE/kafka-data-$PORT}"
PID_FILE="$CACHE/run/kafka-$PORT.pid"  # outside DATA_DIR so `stop` finds it whatever KAFKA_DATA_DIR was
SERVER_LOG="$DATA_DIR/server.log"      # written by log4j2 (deploy/kafka/log4j2.properties)
STDOUT_LOG="$DATA_DIR/stdout.log"      # JVM stdout/stderr: crashes before log4j is up land here
LOG4J_CONFIG="$ROOT/deploy/kafka/log4j2.properties"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
STOP_TIMEOUT=30
READY_LINE="Kafka Server started"      # KafkaBroker.STARTED_MESSAGE, logged by kafka.Kafka once serving
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

say() { echo "kafka-local[$PORT]: $*"; }
die() { echo "kafka-local[$PORT]: error: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
elapsed() { local ms=$(( $(now_ms) - $1 )); printf '%d.%01d s' $((ms / 1000)) $((ms % 1000 / 100)); }

# True when something accepts TCP connections on 127.0.0.1:$1 (bash's /dev/tcp; no nc needed).
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# The PID in our pid file, if that process is alive and still is a Kafka broker (guards PID reuse).
our_pid() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F ' kafka.Kafka ' >/dev/null || return 1
  echo "$pid"
}

show_log_tail() {
  local f
  for f in "$STDOUT_LOG" "$SERVER_LOG"; do
    [[ -s "$f" ]] || continue
    echo "----- last lines of $f -----" >&2
    tail -n 40 "$f" >&2
  done
}

check_java() {
  command -v "$JAVA" >/dev/null 2>&1 || die "no java found (need JDK 17+; set JAVA_HOME or install openjdk-17-jre-headless)"
  local major
  major="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
  [[ "${major%%.*}" =~ ^[0-9]+$ && "${major%%.*}" -ge 17 ]] \
    || die "$JAVA is Java ${major:-?}; Kafka $KAFKA_VERSION needs Java 17+ (set JAVA_HOME)"
}

# Download the broker's jars once per version. A marker file written after success means an
# interrupted download is simply retried; flock keeps two concurrent starts (e.g. 9092 and 19092
# from parallel tests) from downloading into the same directory at once.
ensure_jars() {
  [[ -f "$LIBS_MARKER" ]] && return 0
  mkdir -p "$CACHE"
  exec 8>"$CACHE/kafka-$KAFKA_VERSION.lock"
  flock 8
  if [[ ! -f "$LIBS_MARKER" ]]; then
    command -v mvn >/dev/null 2>&1 || die "mvn not found: it fetches Kafka's jars from Maven Central (apt-get install maven)"
    say "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central into $LIBS ..."
    local t0 tmp mvn_log
    t0="$(now_ms)"
    tmp="$LIBS.partial"
    mvn_log="$CACHE/kafka-$KAFKA_VERSION-mvn.log"
    rm -rf "$tmp" "$LIBS"
    if ! mvn -B -Dstyle.color=never -f "$ROOT/deploy/kafka/pom.xml" \
        -Dkafka.version="$KAFKA_VERSION" \
        dependency:copy-dependencies -DoutputDirectory="$tmp" >"$mvn_log" 2>&1; then
      rm -rf "$tmp"
      tail -n 30 "$mvn_log" >&2
      die "mvn dependency:copy-dependencies failed for Kafka $KAFKA_VERSION (full log: $mvn_log)"
    fi
    [[ -n "$(ls "$tmp"/kafka_2.13-*.jar 2>/dev/null)" ]] || die "download finished but kafka_2.13 jar is missing in $tmp"
    mv "$tmp" "$LIBS"
    echo "$KAFKA_VERSION" >"$LIBS_MARKER"
    say "jars ready in $(elapsed "$t0") ($(ls "$LIBS"/*.jar | wc -l) jars)"
  fi
  flock -u 8
  exec 8>&-
}

# Rewritten on every start so edits here take effect; only the storage format is one-time.
write_config() {
  mkdir -p "$DATA_DIR"
  cat >"$DATA_DIR/server.properties" <<EOF
# Generated by scripts/kafka-local.sh on each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
# Static voter set: single node, so storage format needs no --standalone.
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR/data
# One broker: every internal topic must get by with one replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests want groups to form at once and topics to appear on first use.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
num.partitions=1
default.replication.factor=1
# After a kill -9 the restarted broker must wait for its old registration to expire
# (broker.session.timeout.ms, 9 s by default): fault-injection tests may lower it here.
$(printf '%s\n' ${KAFKA_EXTRA_PROPERTIES:-})
EOF
}

# Format the KRaft storage once per data dir (meta.properties marks it formatted).
ensure_formatted() {
  [[ -f "$DATA_DIR/data/meta.properties" ]] && return 0
  local cluster_id
  cluster_id="$("$JAVA" -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$DATA_DIR" \
    -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)"
  say "formatting storage in $DATA_DIR/data (cluster id $cluster_id)"
  "$JAVA" -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$DATA_DIR" \
    -cp "$LIBS/*" kafka.tools.StorageTool format --ignore-formatted \
    -t "$cluster_id" -c "$DATA_DIR/server.properties" >/dev/null \
    || die "kafka.tools.StorageTool format failed (see $SERVER_LOG)"
}

cmd_start() {
  local pid fresh="${1:-}"
  [[ -z "$fresh" || "$fresh" == "--fresh" ]] || die "unknown start option '$fresh' (only --fresh)"
  if pid="$(our_pid)"; then
    if port_open "$PORT"; then
      say "already running (pid $pid) on 127.0.0.1:$PORT"
      return 0
    fi
    # Started by a concurrent `start` that is still waiting: wait for it too.
    say "pid $pid is starting; waiting for it"
    wait_ready "$pid" "$(now_ms)"
    return
  fi
  if port_open "$PORT"; then
    say "127.0.0.1:$PORT already accepts connections (not started by this script); treating it as reachable"
    return 0
  fi
  rm -f "$PID_FILE"
  port_open "$CPORT" && die "controller port 127.0.0.1:$CPORT is taken; set KAFKA_CONTROLLER_PORT"

  check_java
  ensure_jars
  if [[ -n "$fresh" ]]; then
    say "--fresh: deleting $DATA_DIR"
    rm -rf "$DATA_DIR"
  fi
  write_config
  ensure_formatted

  local t0 heap=() opts=()
  t0="$(now_ms)"
  read -r -a heap <<<"${KAFKA_HEAP:--Xms256m -Xmx512m}"
  read -r -a opts <<<"${KAFKA_OPTS:-}"
  # Each run starts a new server.log, so the ready line found is this run's. (Watching from a byte
  # offset of the old file broke when log4j rolled the file over during startup.)
  rm -f "$SERVER_LOG".*
  [[ -f "$SERVER_LOG" ]] && mv "$SERVER_LOG" "$SERVER_LOG.previous"
  mkdir -p "$(dirname "$PID_FILE")"
  nohup "$JAVA" "${heap[@]}" -server -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$DATA_DIR" \
    "${opts[@]}" -cp "$LIBS/*" kafka.Kafka "$DATA_DIR/server.properties" \
    >"$STDOUT_LOG" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$PID_FILE"
  say "starting Kafka $KAFKA_VERSION (pid $pid), data and logs in $DATA_DIR"
  wait_ready "$pid" "$t0"
}

# Ready = the broker logged READY_LINE in this run's server.log AND the port accepts TCP.
wait_ready() {
  local pid="$1" t0="$2" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      show_log_tail
      die "broker (pid $pid) exited during startup"
    fi
    if grep -sqF "$READY_LINE" "$SERVER_LOG" "$SERVER_LOG".[0-9]* && port_open "$PORT"; then
      say "ready on 127.0.0.1:$PORT (pid $pid) after $(elapsed "$t0")"
      return 0
    fi
    sleep 0.5
  done
  show_log_tail
  # Don't leave a half-started broker behind holding the ports.
  kill -TERM "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  die "broker not ready after ${START_TIMEOUT}s (stopped it); logs: $SERVER_LOG $STDOUT_LOG"
}

cmd_stop() {
  local pid i
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if port_open "$PORT"; then
      say "not started by this script, but 127.0.0.1:$PORT is in use by something else; left alone"
    else
      say "not running"
    fi
    return 0
  fi
  say "stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  # Graceful KRaft shutdown usually takes a few seconds; KILL only if it hangs.
  for ((i = 0; i < STOP_TIMEOUT * 4; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "still alive after ${STOP_TIMEOUT}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  say "stopped"
}

cmd_status() {
  local pid
  if pid="$(our_pid)"; then
    if port_open "$PORT"; then
      say "running (pid $pid) on 127.0.0.1:$PORT; logs in $DATA_DIR"
      return 0
    fi
    say "pid $pid alive but 127.0.0.1:$PORT not accepting connections (starting or unhealthy)"
    return 1
  fi
  if port_open "$PORT"; then
    say "not started by this script, but 127.0.0.1:$PORT is reachable"
    return 0
  fi
  say "not running"
  return 1
}

case "${1:-}" in
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start [--fresh]|stop|status   (env: KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_DATA_DIR, TALKWIRE_CACHE, KAFKA_HEAP)" >&2
    exit 2
    ;;
esac
