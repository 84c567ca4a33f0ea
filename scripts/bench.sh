#!/usr/bin/env bash
# Throughput of `demarche extract` on one core over >= 50 MB of real news text:
# the 7,600 AG News test items (title + description) repeated to 53 MB of JSONL.
# Prints every run and the median; peak RSS from /usr/bin/time.
# usage: scripts/bench.sh [RUNS] [THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
threads=${2:-1}
csv=../shared/corpora/ag_news/test.csv
corpus=${BENCH_CORPUS:-/tmp/demarche-bench-agnews.jsonl}
[ -f "$csv" ] || { echo "bench: $csv not found (the shared corpora sit beside the checkout)" >&2; exit 2; }
if [ ! -s "$corpus" ]; then
  python3 - "$csv" "$corpus" <<'PY'
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8")))
size = rep = 0
with open(sys.argv[2], "w", encoding="utf-8") as out:
    while size < 52_000_000:
        for i, r in enumerate(rows):
            line = json.dumps({"id": f"ag-{rep}-{i}", "title": r[1], "text": r[2]}) + "\n"
            out.write(line)
            size += len(line.encode())
        rep += 1
PY
fi
cargo build --release --quiet
bin=target/release/demarche
echo "corpus: $corpus ($(du -m "$corpus" | cut -f1) MB), threads: $threads"
rates=()
for i in $(seq "$runs"); do
  out=$( { /usr/bin/time -f "rss_kb=%M" "$bin" extract --threads "$threads" --input "$corpus" --output /dev/null; } 2>&1 )
  rate=$(printf '%s\n' "$out" | sed -n 's/.*(\([0-9.]*\) MB\/s).*/\1/p')
  rss=$(printf '%s\n' "$out" | sed -n 's/rss_kb=//p')
  echo "run $i: $rate MB/s, peak RSS $((rss / 1024)) MB"
  rates+=("$rate")
done
printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " a[int((NR+1)/2)] " MB/s"}'
