#!/usr/bin/env bash
# Throughput of `demarche run` against a real Kafka broker, next to `demarche extract` on
# the same input, and the worker's peak memory on a large backlog.
#
#   scripts/bench-kafka.sh             throughput: the 53 MB AG News JSONL of scripts/bench.sh
#                                      through a 1-partition and a 2-partition input topic,
#                                      worker with coding_threads = 1, versus
#                                      `demarche extract --threads 1`
#   scripts/bench-kafka.sh --backlog   1,000,000 messages (the AG News lines repeated) already
#                                      in the topic when the worker starts (all cores): its
#                                      peak RSS (VmHWM) while it works through them
#
# The broker: KAFKA_BOOTSTRAP if set, else one started with scripts/kafka.sh (on
# BENCH_KAFKA_PORT, default 39392) and stopped at the end. Each run uses fresh topics and a
# fresh consumer group. The input is produced with the Kafka console producer (linger.ms=50,
# batch.size=1000000, lz4) before the worker starts, so the worker reads a backlog.
#
# Timing, from /metrics polled every 0.2 s:
#   start    the worker process is spawned
#   first    demarche_articles_consumed_total > 0 (the group join and first fetch are done)
#   acked    every message is coded (or dead-lettered) and every event it gave is
#            acknowledged by the broker (demarche_events_produced_total =
#            demarche_events_per_article_sum): all offsets are storable
#   commit   the committed offsets reach the end offsets (demarche_committed_offset, or
#            the consumer-groups tool): the whole input is done for Kafka
# The rate is input bytes / (done - start) and / (done - first), where done is commit when
# the worker commits within BENCH_COMMIT_WAIT seconds (default 10) of acked, else acked
# (then the table says so). After SIGTERM the group's committed offsets are checked with the
# consumer-groups tool: they must equal the end offsets.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROG=scripts/bench-kafka.sh

mode=throughput
case "${1:-}" in
  "") ;;
  --backlog) mode=backlog ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "$PROG: unknown argument '$1' (use --backlog or nothing)" >&2; exit 2 ;;
esac

corpus=${BENCH_CORPUS:-/tmp/demarche-bench-agnews.jsonl}
commit_wait=${BENCH_COMMIT_WAIT:-10}
backlog_messages=${BENCH_BACKLOG_MESSAGES:-1000000}
say() { echo "bench-kafka: $*" >&2; }
die() { echo "bench-kafka: error: $*" >&2; exit 1; }
now() { echo "$EPOCHREALTIME"; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

if [[ ! -s "$corpus" ]]; then
  say "no $corpus: building it with scripts/bench.sh 1 1"
  BENCH_CORPUS="$corpus" scripts/bench.sh 1 1 >&2
fi
[[ -s "$corpus" ]] || die "no corpus at $corpus"
cargo build --release --quiet
bin=$ROOT/target/release/demarche
tmp=$(mktemp -d /tmp/demarche-bench-kafka.XXXXXX)

# ---------------------------------------------------------------- the broker
started_broker=""
worker_pid=""
cleanup() {
  if [[ -n "$worker_pid" ]] && kill -0 "$worker_pid" 2>/dev/null; then
    kill -KILL "$worker_pid" 2>/dev/null || true
  fi
  if [[ -n "$started_broker" ]]; then
    scripts/kafka.sh stop --port "$started_broker" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
if [[ -z "${KAFKA_BOOTSTRAP:-}" ]]; then
  port=${BENCH_KAFKA_PORT:-39392}
  kafka_env="$(scripts/kafka.sh start --port "$port")"
  started_broker=$port
  export "${kafka_env?}"
fi
B=$KAFKA_BOOTSTRAP
say "broker $B"
kt() { scripts/kafka.sh tool "$@"; }

create_topic() { # NAME PARTITIONS
  kt topics --bootstrap-server "$B" --create --if-not-exists --topic "$1" \
    --partitions "$2" --replication-factor 1 >/dev/null
}

# Sum of the end offsets of a topic.
end_offsets() {
  kt get-offsets --bootstrap-server "$B" --topic "$1" 2>/dev/null | awk -F: '{ s += $3 } END { print s + 0 }'
}

# Sum of a group's committed offsets ('-' counts 0).
group_committed() { # GROUP
  kt consumer-groups --bootstrap-server "$B" --describe --group "$1" 2>/dev/null |
    awk '$1 == g && $4 ~ /^[0-9]+$/ { s += $4 } END { print s + 0 }' g="$1"
}

# produce FILE-OR-COMMAND-OUTPUT on stdin to TOPIC
produce() {
  kt console-producer --bootstrap-server "$B" --topic "$1" \
    --producer-property linger.ms=50 --producer-property batch.size=1000000 \
    --producer-property compression.type=lz4 --producer-property acks=1 >/dev/null
}

# The sum of a metric's samples in a /metrics page on stdin (0 when absent).
metric() {
  awk -v n="$1" '
    /^#/ { next }
    { name = $1; sub(/\{.*/, "", name) }
    name == n { s += $NF; seen = 1 }
    END { printf "%.0f\n", seen ? s : 0 }'
}
has_metric() { grep -q "^$1[{ ]"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- one worker run
# run_worker NAME TOPIC PARTITIONS MESSAGES CONFIG: times `demarche run` through the topic's
# MESSAGES messages; sets R_START R_FIRST R_ACKED R_COMMIT (seconds since start, "" when
# not seen), R_HWM_KB, R_MAXRSS_KB, R_CONSUMED, R_EVENTS, R_FINAL_COMMITTED, R_EXIT.
run_worker() {
  local name=$1 topic=$2 messages=$4 config=$5
  local group="bench-$name-$$-$RANDOM" mport log="$tmp/$name.log"
  local out="$topic-events" dlq="$topic-dlq"
  create_topic "$out" 3
  create_topic "$dlq" 1
  mport=$(free_port)
  local t0 t
  t0=$(now)
  "$bin" run --config "$config" --brokers "$B" --group-id "$group" \
    --input-topic "$topic" --output-topic "$out" --dead-letter-topic "$dlq" \
    --metrics-listen "127.0.0.1:$mport" 2>"$log" &
  worker_pid=$!
  R_FIRST="" R_ACKED="" R_COMMIT="" R_MAXRSS_KB=0
  local page consumed coded dead produced coded_events committed rss
  local deadline=$((SECONDS + 400))
  while :; do
    kill -0 "$worker_pid" 2>/dev/null || { tail -n 20 "$log" >&2; die "$name: the worker exited"; }
    rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$worker_pid/status" 2>/dev/null || echo 0)
    if ((rss > R_MAXRSS_KB)); then R_MAXRSS_KB=$rss; fi
    if page=$(curl -sf --max-time 2 "http://127.0.0.1:$mport/metrics"); then
      t=$(sub "$(now)" "$t0")
      consumed=$(metric demarche_articles_consumed_total <<<"$page")
      if [[ -z "$R_FIRST" ]] && ((consumed > 0)); then R_FIRST=$t; fi
      coded=$(metric demarche_articles_coded_total <<<"$page")
      dead=$(metric demarche_articles_dead_lettered_total <<<"$page")
      produced=$(metric demarche_events_produced_total <<<"$page")
      coded_events=$(metric demarche_events_per_article_sum <<<"$page")
      if [[ -z "$R_ACKED" ]] && ((coded + dead >= messages && produced >= coded_events)); then
        R_ACKED=$t
        say "$name: all $messages messages coded and their $produced events acknowledged at ${t} s"
      fi
      if has_metric demarche_committed_offset <<<"$page"; then
        committed=$(metric demarche_committed_offset <<<"$page")
        if [[ -z "$R_COMMIT" ]] && ((committed >= messages)); then
          R_COMMIT=$t
          say "$name: committed offsets at the end offsets at ${t} s"
        fi
      fi
      if [[ -n "$R_COMMIT" && -n "$R_ACKED" ]]; then break; fi
      if [[ -n "$R_ACKED" ]] && awk -v t="$t" -v a="$R_ACKED" -v w="$commit_wait" 'BEGIN { exit !(t - a >= w) }'; then
        say "$name: no demarche_committed_offset at the end offsets ${commit_wait} s after the last acknowledgement"
        break
      fi
    fi
    ((SECONDS < deadline)) || { tail -n 20 "$log" >&2; die "$name: not done after 400 s"; }
    sleep 0.2
  done
  R_CONSUMED=$consumed R_EVENTS=$produced
  R_HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$worker_pid/status")
  # the broker's view while the worker still runs (a JVM start: ~2 s)
  if [[ -z "$R_COMMIT" ]]; then
    R_BROKER_COMMITTED_RUNNING=$(group_committed "$group")
  else
    R_BROKER_COMMITTED_RUNNING=$messages
  fi
  kill -TERM "$worker_pid"
  R_EXIT=0
  wait "$worker_pid" || R_EXIT=$?
  worker_pid=""
  R_FINAL_COMMITTED=$(group_committed "$group")
  say "$name: exit $R_EXIT; committed $R_FINAL_COMMITTED of $messages after SIGTERM" \
    "(while running: $R_BROKER_COMMITTED_RUNNING)"
}

rate() { # BYTES SECONDS
  awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.2f", b / 1e6 / s; else print "-" }'
}

# ---------------------------------------------------------------- throughput
if [[ $mode == throughput ]]; then
  bytes=$(stat -c %s "$corpus")
  lines=$(wc -l <"$corpus")
  say "corpus $corpus: $lines lines, $bytes bytes"
  cfg="$tmp/worker.toml"
  printf '[kafka]\nstatistics_interval_ms = 1000\n\n[pipeline]\ncoding_threads = 1\n' >"$cfg"

  rows=()
  for parts in 1 2; do
    topic="bench-articles-p$parts-$$-$RANDOM"
    create_topic "$topic" "$parts"
    t0=$(now)
    produce "$topic" <"$corpus"
    tp=$(sub "$(now)" "$t0")
    n=$(end_offsets "$topic")
    [[ "$n" -eq "$lines" ]] || die "$topic holds $n messages, the corpus $lines lines"
    say "produced $n messages to $topic ($parts partitions) in $tp s ($(rate "$bytes" "$tp") MB/s)"
    run_worker "p$parts" "$topic" "$parts" "$n" "$cfg"
    if [[ -n "$R_COMMIT" ]]; then done_t=$R_COMMIT how=committed; else done_t=$R_ACKED how="acked (commit not seen)"; fi
    total=$(rate "$bytes" "$done_t")
    steady=$(rate "$bytes" "$(sub "$done_t" "$R_FIRST")")
    rows+=("$(printf '| run, %d partition(s), coding_threads 1 | %s | %s | %s s to %s, first message at %s s | %s/%s committed (running/after exit), exit %s, peak RSS %d MB |' \
      "$parts" "$total" "$steady" "$done_t" "$how" "$R_FIRST" "$R_BROKER_COMMITTED_RUNNING" "$R_FINAL_COMMITTED" "$R_EXIT" $((R_HWM_KB / 1024)))")
    if [[ $parts == 1 ]]; then run1=$total run1_steady=$steady; fi
  done

  say "demarche extract --threads 1 on the same file"
  t0=$(now)
  ex=$({ /usr/bin/time -f "rss_kb=%M" "$bin" extract --threads 1 --input "$corpus" --output /dev/null; } 2>&1)
  te=$(sub "$(now)" "$t0")
  ex_rate=$(sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p' <<<"$ex")
  ex_rss=$(sed -n 's/rss_kb=//p' <<<"$ex")
  ex_wall=$(rate "$bytes" "$te")

  echo
  echo "input: $corpus, $lines messages, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB; broker $B"
  echo
  echo "| run | MB/s from worker start | MB/s from first message | time | notes |"
  echo "|---|---|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo "| extract --threads 1 | $ex_rate (own summary) | $ex_wall (wall, incl. start-up) | $te s | peak RSS $((ex_rss / 1024)) MB |"
  echo
  awk -v r="$run1" -v s="$run1_steady" -v e="$ex_rate" 'BEGIN {
    printf "ratio run (1 partition) / extract: %.2f from worker start, %.2f from first message\n", r / e, s / e }'
  exit 0
fi

# ---------------------------------------------------------------- backlog
lines=$(wc -l <"$corpus")
topic="bench-backlog-$$-$RANDOM"
create_topic "$topic" 1
say "producing $backlog_messages messages (the corpus repeated) to $topic ..."
t0=$(now)
# (awk rather than `cat` in a loop into `head`: no SIGPIPE under pipefail)
awk -v n="$backlog_messages" '{ line[NR] = $0 } END { for (i = 0; i < n; i++) print line[i % NR + 1] }' \
  "$corpus" | produce "$topic"
tp=$(sub "$(now)" "$t0")
n=$(end_offsets "$topic")
[[ "$n" -eq "$backlog_messages" ]] || die "$topic holds $n messages, wanted $backlog_messages"
bytes=$(($(stat -c %s "$corpus") * (n / lines) + $(head -n $((n % lines)) "$corpus" | wc -c)))
say "produced $n messages ($bytes bytes) in $tp s"
cfg="$tmp/worker.toml"
printf '[kafka]\nstatistics_interval_ms = 1000\n' >"$cfg"
run_worker backlog "$topic" 1 "$n" "$cfg"
if [[ -n "$R_COMMIT" ]]; then done_t=$R_COMMIT how=committed; else done_t=$R_ACKED how="acked (commit not seen)"; fi
echo
echo "backlog: $n messages, $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB, 1 partition, coding_threads 0 (all $(nproc) cores); broker $B"
echo
echo "| figure | value |"
echo "|---|---|"
echo "| peak RSS (VmHWM) | $((R_HWM_KB / 1024)) MB (target < 300 MB) |"
echo "| highest VmRSS sampled every 0.2 s | $((R_MAXRSS_KB / 1024)) MB |"
echo "| time to $how | $done_t s (first message at $R_FIRST s) |"
echo "| rate from worker start | $(rate "$bytes" "$done_t") MB/s, $(awk -v n="$n" -v s="$done_t" 'BEGIN { printf "%.0f", n / s }') msg/s |"
echo "| messages consumed, events produced | $R_CONSUMED, $R_EVENTS |"
echo "| committed (running / after SIGTERM) | $R_BROKER_COMMITTED_RUNNING / $R_FINAL_COMMITTED of $n, exit $R_EXIT |"
