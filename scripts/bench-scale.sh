#!/usr/bin/env bash
# Scale figures next to their targets, in one run (opt-in; not part of scripts/test.sh or CI):
# latency feed -> broker ack, producer efficiency, daemon memory with 5,000 sources, polls/s per core.
#
#   scripts/bench-scale.sh            start a local broker if none is up, run the bench, stop it again
#
# The broker listens on 127.0.0.1:${KAFKA_PORT:-9092} (scripts/kafka-local.sh); pick another port to
# stay clear of a test suite running on the default one, e.g. KAFKA_PORT=19392 scripts/bench-scale.sh.
# Settings of the bench itself (BENCH_ONLY, BENCH_SOURCES, ...) are listed in benches/scale/main.rs;
# extra arguments go to `cargo bench`. It ends with the summary table.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export KAFKA_PORT="${KAFKA_PORT:-9092}"
export TALKWIRE_BENCH_BROKERS="127.0.0.1:$KAFKA_PORT"

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

started_kafka=""
if ! port_open "$KAFKA_PORT"; then
  scripts/kafka-local.sh start
  started_kafka=1
fi
cleanup() { [ -n "$started_kafka" ] && scripts/kafka-local.sh stop || true; }
trap cleanup EXIT

cargo bench --locked --bench scale "$@"
