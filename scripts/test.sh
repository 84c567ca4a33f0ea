#!/usr/bin/env bash
# Runs every check and test of the project from a clean checkout: formatting, lints,
# the release build, and all test suites, including the end-to-end tests against a
# real Apache Kafka broker (fetched through Maven on first use, cached in
# ~/.cache/demarche and ~/.m2, started on 127.0.0.1 and stopped at the end).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy (release profile: shares the build scripts, e.g. the vendored OpenSSL, with the build below)"
cargo clippy --release --workspace --all-targets -- -D warnings
echo "== cargo build --release"
cargo build --release --workspace

echo "== Apache Kafka (scripts/kafka.sh)"
scripts/kafka.sh fetch
kafka_env="$(scripts/kafka.sh start)"
trap 'scripts/kafka.sh stop || true' EXIT
export "$kafka_env"
echo "broker: $KAFKA_BOOTSTRAP"

echo "== cargo test"
cargo test --workspace --release

echo "== deploy files (scripts/check-deploy.sh)"
scripts/check-deploy.sh
