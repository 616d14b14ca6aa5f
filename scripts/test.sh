#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit tests, and integration tests against a real
# local Apache Kafka broker (started here when none is reachable, stopped again afterwards).
#
#   scripts/test.sh            everything (what CI runs)
#   scripts/test.sh -- NAME    extra arguments go to `cargo test`
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export KAFKA_PORT="${KAFKA_PORT:-9092}"
export TALKWIRE_TEST_BROKERS="${TALKWIRE_TEST_BROKERS:-127.0.0.1:$KAFKA_PORT}"
# Property tests draw from a fixed seed here, so a red run can be rerun and a green one means the
# same every time. To explore, pass another seed, or run `PROPTEST_CASES=5000 cargo test --lib`
# (a fresh seed each run).
export PROPTEST_RNG_SEED="${PROPTEST_RNG_SEED:-20261127}"
[ "${1:-}" = "--" ] && shift

step() { printf '\n== %s\n' "$*"; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

step "rustfmt"
cargo fmt --all -- --check

step "clippy"
cargo clippy --locked --all-targets -- -D warnings

started_kafka=""
if ! port_open "$KAFKA_PORT"; then
  step "starting the local Kafka broker on 127.0.0.1:$KAFKA_PORT"
  scripts/kafka-local.sh start --fresh
  started_kafka=1
fi
cleanup() { [ -n "$started_kafka" ] && scripts/kafka-local.sh stop || true; }
trap cleanup EXIT

step "tests (Kafka at $TALKWIRE_TEST_BROKERS)"
cargo test --locked --lib --bins --tests "$@"

step "doc tests"
cargo test --locked --doc "$@"
