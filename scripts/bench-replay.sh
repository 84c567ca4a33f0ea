#!/usr/bin/env bash
# A replay of N AG News articles (default 100,000) against a real Kafka broker, next to
# the live worker on the same topic: the replay's duration and rate, and whether its
# event ids equal the live worker's.
#
#   scripts/bench-replay.sh [N]
#
# Steps: the first N lines of the bench corpus (scripts/bench.sh builds it: AG News test
# items as JSONL, ids ag-<rep>-<i>) are produced to a fresh 3-partition topic; `demarche
# run` codes them into topic A until its committed offsets reach the end offsets, then
# stops (SIGTERM); `demarche replay --from earliest --to latest` codes the same topic into
# topic B. The keys (event ids) of A and B are read back with the console consumer and
# compared as sets.
#
# The broker: KAFKA_BOOTSTRAP if set, else one started with scripts/kafka.sh on
# BENCH_KAFKA_PORT (default 39393) and stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
corpus=${BENCH_CORPUS:-/tmp/demarche-bench-agnews.jsonl}
say() { echo "bench-replay: $*" >&2; }
die() { echo "bench-replay: error: $*" >&2; exit 1; }

if [[ ! -s "$corpus" ]]; then
  say "no $corpus: building it with scripts/bench.sh 1 1"
  BENCH_CORPUS="$corpus" scripts/bench.sh 1 1 >&2
fi
(($(wc -l <"$corpus") >= n)) || die "$corpus has fewer than $n lines"
cargo build --release --quiet
bin=$PWD/target/release/demarche
tmp=$(mktemp -d /tmp/demarche-bench-replay.XXXXXX)
started_broker="" worker_pid=""
cleanup() {
  [[ -n "$worker_pid" ]] && kill -KILL "$worker_pid" 2>/dev/null || true
  [[ -n "$started_broker" ]] && scripts/kafka.sh stop --port "$started_broker" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
if [[ -z "${KAFKA_BOOTSTRAP:-}" ]]; then
  port=${BENCH_KAFKA_PORT:-39393}
  kafka_env="$(scripts/kafka.sh start --port "$port")"
  started_broker=$port
  export "${kafka_env?}"
fi
B=$KAFKA_BOOTSTRAP
kt() { scripts/kafka.sh tool "$@"; }
suffix="$$-$RANDOM"
in="replay-bench-in-$suffix" live="replay-bench-live-$suffix" back="replay-bench-back-$suffix"
dlq="replay-bench-dlq-$suffix"
for t in "$in:3" "$live:3" "$back:3" "$dlq:1"; do
  kt topics --bootstrap-server "$B" --create --topic "${t%:*}" --partitions "${t#*:}" \
    --replication-factor 1 >/dev/null
done
head -n "$n" "$corpus" >"$tmp/in.jsonl"
bytes=$(stat -c %s "$tmp/in.jsonl")
say "producing $n articles ($((bytes / 1000000)) MB) to $in"
kt console-producer --bootstrap-server "$B" --topic "$in" \
  --producer-property linger.ms=50 --producer-property batch.size=1000000 \
  --producer-property compression.type=lz4 <"$tmp/in.jsonl" >/dev/null

# ---- the live worker, until its committed offsets reach the end offsets
group="replay-bench-live-$suffix"
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$bin" run --brokers "$B" --group-id "$group" --input-topic "$in" --output-topic "$live" \
  --dead-letter-topic "$dlq" --metrics-listen "127.0.0.1:$mport" 2>"$tmp/live.log" &
worker_pid=$!
t0=$EPOCHREALTIME
while :; do
  kill -0 "$worker_pid" 2>/dev/null || { tail "$tmp/live.log" >&2; die "the live worker exited"; }
  committed=$( (curl -sf "127.0.0.1:$mport/metrics" || true) | awk '/^demarche_committed_offset\{/ { s += $NF } END { print s + 0 }')
  ((committed >= n)) && break
  sleep 0.5
done
live_secs=$(awk -v a="$EPOCHREALTIME" -v b="$t0" 'BEGIN { printf "%.1f", a - b }')
kill -TERM "$worker_pid"
wait "$worker_pid" || die "the live worker exited with $?"
worker_pid=""
say "live worker: all $n committed after $live_secs s (including the group join)"

# ---- the replay
rgroup="replay-bench-replay-$suffix"
summary=$("$bin" replay --brokers "$B" --topic "$in" --output-topic "$back" \
  --dead-letter-topic "$dlq" --group "$rgroup" --from earliest --to latest \
  --metrics-listen 127.0.0.1:0 --progress log 2>"$tmp/replay.log")
echo "$summary"

# ---- compare the event ids
keys() { # TOPIC EXPECTED_COUNT
  kt console-consumer --bootstrap-server "$B" --topic "$1" --from-beginning \
    --property print.key=true --property print.value=false --timeout-ms 15000 \
    --max-messages "$2" 2>/dev/null | sort
}
live_count=$(kt get-offsets --bootstrap-server "$B" --topic "$live" | awk -F: '{ s += $3 } END { print s }')
back_count=$(kt get-offsets --bootstrap-server "$B" --topic "$back" | awk -F: '{ s += $3 } END { print s }')
keys "$live" "$live_count" >"$tmp/live.keys"
keys "$back" "$back_count" >"$tmp/back.keys"
sort -u "$tmp/live.keys" >"$tmp/live.ids"
sort -u "$tmp/back.keys" >"$tmp/back.ids"
echo
echo "| figure | value |"
echo "|---|---|"
echo "| articles | $n ($((bytes / 1000000)) MB), 3 partitions |"
echo "| replay | ${summary#replay done: } |"
echo "| live worker messages / distinct event ids | $live_count / $(wc -l <"$tmp/live.ids") |"
echo "| replay messages / distinct event ids | $back_count / $(wc -l <"$tmp/back.ids") |"
if cmp -s "$tmp/live.ids" "$tmp/back.ids"; then
  echo "| event ids | identical sets |"
else
  echo "| event ids | DIFFER: $(comm -23 "$tmp/live.ids" "$tmp/back.ids" | wc -l) only live, $(comm -13 "$tmp/live.ids" "$tmp/back.ids" | wc -l) only replay |"
  exit 1
fi
