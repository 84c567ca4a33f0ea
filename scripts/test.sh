#!/usr/bin/env bash
# Runs every check and test of the project from a clean checkout:
# formatting, lints, the release build, and all test suites.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo build --release"
cargo build --release --workspace
echo "== cargo test"
cargo test --workspace --release
